/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The package the mounter component mounts (hello.txt, included in the
 * mounter's image): one component that says where it runs and ends.
 */
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

void hello_main(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	rvx_user_a64_printf("RVX-HELLO task=%u: a package mounted by a component runs, %u cap(s)",
			    s->task, s->cap_count);
}
