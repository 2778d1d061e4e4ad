/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ARM generic timer. The counter's frequency is read from CNTFRQ_EL0
 * (set by the firmware or QEMU), never assumed. The tick is the EL2
 * hypervisor timer (CNTHP_*_EL2), whose PPI the DTB's timer node names.
 */
#include "a64.h"

static uint64_t tick_ticks[RVX_A64_MAX_CPUS];

uint64_t rvx_a64_counter(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v)::"memory");
	return v;
}

uint64_t rvx_a64_counter_freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

uint64_t rvx_a64_ticks_to_ns(uint64_t ticks)
{
	uint64_t f = rvx_a64_counter_freq();

	/* Split so ticks * 1e9 cannot overflow. */
	return (ticks / f) * 1000000000u + (ticks % f) * 1000000000u / f;
}

void rvx_a64_timer_init_cpu(uint64_t period_ns)
{
	uint32_t cpu = rvx_a64_cpu_index();
	uint64_t t = rvx_a64_counter_freq() * period_ns / 1000000000u;

	tick_ticks[cpu] = t > 0 ? t : 1;
	__asm__ volatile("msr cnthp_tval_el2, %0" ::"r"(tick_ticks[cpu]));
	__asm__ volatile("msr cnthp_ctl_el2, %0\n\tisb" ::"r"((uint64_t)1));
	rvx_a64_gic_enable(rvx_a64_board.timer_intid);
}

void rvx_a64_timer_rearm(void)
{
	uint32_t cpu = rvx_a64_cpu_index();

	__asm__ volatile("msr cnthp_tval_el2, %0\n\tisb" ::"r"(tick_ticks[cpu]));
}
