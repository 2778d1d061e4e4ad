/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-gate's component: takes a count n from `ctl`, then makes n
 * QueueSend + QueueRecv pairs on `loop` (every result checked), and reports
 * the failures and n on `out`.
 *
 * Capabilities (wire order): 0 `ctl` (read), 1 `loop` (read, write),
 * 2 `out` (write).
 */
#include "ruvix/user.h"

void rvx_component_main(const struct rvx_user_start *s);

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t ctl = {s->caps[0]}, loop = {s->caps[1]}, out = {s->caps[2]};
	uint64_t n = 0, len, report[2] = {0, 0}, v = 0, back;

	rvx_user_init(s);
	if (rvx_sys_queue_recv(ctl, &n, sizeof(n), NULL, &len, RVX_USER_NO_WAIT) != 0)
		report[0] = 1;
	for (uint64_t i = 0; i < n; i++) {
		v = i;
		report[0] += rvx_sys_queue_send(loop, 1, 0, 0, &v, sizeof(v)) != 0;
		report[0] += rvx_sys_queue_recv(loop, &back, sizeof(back), NULL, &len,
						RVX_USER_NO_WAIT) != 0 ||
			     back != i;
	}
	report[1] = n;
	(void)rvx_sys_queue_send(out, 1, 0, 0, report, sizeof(report));
}
