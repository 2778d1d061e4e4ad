/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A component that faults three ways, one per life: an undefined
 * instruction (taken by its own EL1 vectors and reported), a read outside
 * its address space, a write to its own text. Each is contained (the task
 * restarted by the recovery ladder) while the others run on; its fourth
 * life says so. Lives are 60 ms apart (the ladder's window is 50 ms).
 * Capabilities: 0 the clock (READ).
 */
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

static uint32_t life;

void faulty_main(const struct rvx_user_start *s)
{
	rvx_handle_t clock = {s->caps[0]};

	rvx_user_init(s);
	if (life > 0)
		(void)rvx_sys_timer_sleep(clock, 60000000u);
	life++;
	__asm__ volatile("" ::: "memory"); /* stored before the fault restarts us */
	switch (life - 1u) {
	case 0:
		rvx_user_a64_printf("RVX-FAULTY life 1: an undefined instruction");
		__asm__ volatile("udf #0");
		break;
	case 1:
		rvx_user_a64_printf("RVX-FAULTY life 2: a read outside its address space");
		(void)*(volatile uint64_t *)(uintptr_t)0x0f000000u;
		break;
	case 2:
		rvx_user_a64_printf("RVX-FAULTY life 3: a write to its own text");
		*(volatile uint32_t *)(uintptr_t)&faulty_main = 0;
		break;
	default:
		rvx_user_a64_printf("RVX-FAULTY life 4: 3 faults contained, running again");
		return;
	}
	rvx_user_a64_printf("RVX-PROBE-NOT-STOPPED faulty life %u", life);
	rvx_user_a64_exit(6);
}
