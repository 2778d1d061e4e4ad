/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A component that keeps a heartbeat (40 sleeps of 5 ms) while another
 * faults: it runs on. Its entry is the default one (`entry=64`:
 * rvx_component_main(), the convention of components built for every
 * target). Capabilities: 0 the clock (READ).
 */
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

void rvx_component_main(const struct rvx_user_start *s);

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t clock = {s->caps[0]};
	uint32_t beats = 0;

	rvx_user_init(s);
	while (beats < 40u && rvx_sys_timer_sleep(clock, 5000000u) == 0)
		beats++;
	rvx_user_a64_printf("RVX-STEADY beats=%u", beats);
}
