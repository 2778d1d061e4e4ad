/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The partition hooks of an image without partitions: weak, so an image
 * whose partition layer defines them (ports/virt/src/part.c) overrides
 * them, and one without links as is. No task is a partition's, and a trap
 * from EL1 (nothing runs there) is a fault.
 */
#include "a64.h"

__attribute__((weak)) bool rvx_a64_part_task_init(uint32_t task, struct rvx_a64_frame *nf)
{
	(void)task;
	(void)nf;
	return false;
}

__attribute__((weak)) bool rvx_a64_part_hold(uint32_t task)
{
	(void)task;
	return false;
}

__attribute__((weak)) void rvx_a64_part_switch(uint32_t cpu, uint32_t task)
{
	(void)cpu;
	(void)task;
}

__attribute__((weak)) struct rvx_a64_frame *rvx_a64_part_trap(struct rvx_a64_frame *f)
{
	rvx_a64_panic_frame("an exception from EL1 without partitions", RVX_A64_VEC_LOWER_SYNC, f);
}

__attribute__((weak)) void rvx_a64_part_tick(uint64_t now)
{
	(void)now;
}
