/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A component that faults forever: every life it takes an undefined
 * instruction at once (its own EL1 vectors report it). The recovery ladder
 * restarts it three times within its 50 ms window; the fourth fault stops
 * its partition for good (its task ended, no reboot) while the others run
 * on. A fifth life would be a containment failure. Capabilities: none.
 */
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

static uint32_t life;

void crasher_main(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	life++;
	__asm__ volatile("" ::: "memory"); /* stored before the fault restarts us */
	rvx_user_a64_printf("RVX-CRASHER life %u: an undefined instruction", life);
	__asm__ volatile("udf #0");
	rvx_user_a64_printf("RVX-PROBE-NOT-STOPPED crasher life %u", life);
	rvx_user_a64_exit(6);
}
