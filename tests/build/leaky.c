/* SPDX-License-Identifier: Apache-2.0 */
/* A deliberately non-freestanding object: the undefined-symbol check must
 * reject the archive built from it (the "undefined-symbols-rejects" test). */
#include "ruvix/env.h"

extern int puts(const char *s);

int rvx_test_leaky(void)
{
	return puts("not allowed in a library");
}
