/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The second package's only component, mounted by the loader: it waits a
 * moment on the clock its package requires, then tells the loader it is done.
 *
 * Capabilities (wire order): 0 the clock (read), 1 the loader's `done`
 * queue (write).
 */
#include "pipeline.h"

void rvx_component_main(const struct rvx_user_start *s)
{
	uint64_t who = 2;

	rvx_user_init(s);
	(void)rvx_sys_timer_sleep(pipe_cap(s, 0), 500000u);
	(void)rvx_sys_queue_send(pipe_cap(s, 1), PIPE_MSG_END, 0, 0, &who, sizeof(who));
}
