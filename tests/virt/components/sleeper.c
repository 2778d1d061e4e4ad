/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A component that sleeps on its clock for as long as the image runs (the
 * shell test's package, shell.txt: rvsh's `tasks` names it by its
 * manifest name while it waits). Capabilities: 0 the clock (READ). It
 * ends only if a sleep is refused.
 */
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

void rvx_component_main(const struct rvx_user_start *s);

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t clock = {s->caps[0]};
	int rc;

	rvx_user_init(s);
	do
		rc = rvx_sys_timer_sleep(clock, 1000000000u);
	while (rc == 0);
	rvx_user_a64_printf("RVX-SLEEPER a sleep was refused (%d)", rc);
}
