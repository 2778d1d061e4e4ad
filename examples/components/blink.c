/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The second package's only component, mounted by the loader: it waits a
 * moment on the clock its package requires, then ends.
 *
 * Capabilities (wire order): 0 the clock (read).
 */
#include "pipeline.h"

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	(void)rvx_sys_timer_sleep(pipe_cap(s, 0), 500000u);
}
