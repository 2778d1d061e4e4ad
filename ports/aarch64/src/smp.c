/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPUs: the boot stacks, the boot CPU's place in the board's table, and
 * bringing the secondaries up. The board says how a CPU is started
 * (rvx_a64_board.cpu_start); every secondary then enters boot.S's
 * rvx_a64_secondary_entry, sets EL2 up, and comes here: the same page
 * tables, its GIC CPU interface, then it waits until the primary has
 * booted the kernel (rvx_a64_smp_release()) and schedules.
 */
#include "a64.h"

/* How long the primary waits for a started CPU to check in. */
#define CPU_UP_WAIT_NS (UINT64_C(500) * 1000000u)

RVX_A64_NOINIT alignas(4096) uint8_t rvx_a64_boot_stacks[RVX_A64_MAX_CPUS][RVX_A64_BOOT_STACK];
RVX_A64_NOINIT alignas(4096) uint8_t rvx_a64_exc_stacks[RVX_A64_MAX_CPUS][RVX_A64_EXC_STACK];

_Static_assert(RVX_A64_BOOT_STACK == 1u << 16 && RVX_A64_EXC_STACK == 1u << 16 &&
		       RVX_A64_MAX_CPUS == 4u,
	       "boot.S: BOOT_STACK_SHIFT, EXC_STACK_SHIFT and MAX_CPUS");

static uint32_t cpus_up = 1;
static uint32_t kernel_ready;
static struct rvx_kernel *smp_kernel;
static uint64_t smp_tick_ns;

uint32_t rvx_a64_cpus_up(void)
{
	return __atomic_load_n(&cpus_up, __ATOMIC_ACQUIRE);
}

void rvx_a64_own_cpu_first(void)
{
	struct rvx_a64_board *b = &rvx_a64_board;
	uint64_t mpidr;

	/* Aff3 and Aff2..Aff0: the fields the DTB's cpu reg holds. */
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	mpidr &= UINT64_C(0xff00ffffff);
	for (uint32_t i = 0; i < b->cpu_count; i++) {
		if (b->cpu_mpidr[i] == mpidr) {
			b->cpu_mpidr[i] = b->cpu_mpidr[0];
			b->cpu_mpidr[0] = mpidr;
			return;
		}
	}
}

static uint64_t now_ns(void)
{
	return rvx_a64_ticks_to_ns(rvx_a64_counter());
}

uint32_t rvx_a64_smp_start(void)
{
	const struct rvx_a64_board *b = &rvx_a64_board;

	for (uint32_t i = 1; b->cpu_start != NULL && i < b->cpu_count; i++) {
		uint32_t want = i + 1u;
		int rc = b->cpu_start(i);
		uint64_t until = now_ns() + CPU_UP_WAIT_NS;

		if (rc != 0) {
			rvx_a64_printf("smp: starting CPU %u (MPIDR 0x%lx) failed: %d\n", i,
				       b->cpu_mpidr[i], rc);
			break;
		}
		while (rvx_a64_cpus_up() < want && now_ns() < until)
			__asm__ volatile("yield");
		if (rvx_a64_cpus_up() < want) {
			rvx_a64_printf("smp: CPU %u did not come up\n", i);
			break;
		}
	}
	rvx_a64_cpu_set_online(rvx_a64_cpus_up());
	return rvx_a64_cpus_up();
}

void rvx_a64_smp_release(struct rvx_kernel *k, uint64_t tick_ns)
{
	smp_kernel = k;
	smp_tick_ns = tick_ns;
	__atomic_store_n(&kernel_ready, 1u, __ATOMIC_RELEASE);
	__asm__ volatile("sev");
}

_Noreturn void rvx_a64_secondary_main(uint32_t index)
{
	__asm__ volatile("msr tpidr_el2, %0" ::"r"((uint64_t)index));
	rvx_a64_mmu_enable();
	rvx_a64_gic_init_cpu();
	rvx_a64_printf("smp: CPU %u up (MPIDR 0x%lx), MMU on, EL2\n", index,
		       rvx_a64_board.cpu_mpidr[index]);
	__atomic_fetch_add(&cpus_up, 1u, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&kernel_ready, __ATOMIC_ACQUIRE))
		__asm__ volatile("wfe");
	rvx_a64_timer_init_cpu(smp_tick_ns);
	rvx_a64_rt_start(smp_kernel);
	rvx_a64_rt_idle();
}
