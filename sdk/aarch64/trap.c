/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SDK's backend on the AArch64 targets: a syscall is `hvc #0` from EL1
 * inside the component's own stage-2 address space (ruvix/user_image.h).
 * A QueueRecv that blocks is issued again by the kernel once the task is
 * woken, so one trap is one call here.
 */
#include "ruvix/user.h"
#include "ruvix/user_a64.h"
#include "ruvix/user_image.h"

void rvx_user_init(const struct rvx_user_start *s)
{
	(void)s; /* nothing to record: the trap needs no gate */
}

int rvx_user_trap(uint32_t nr, struct rvx_syscall_args *a, struct rvx_syscall_result *r)
{
	register uint64_t x0 __asm__("x0") = nr;
	register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)a;
	register uint64_t x2 __asm__("x2") = (uint64_t)(uintptr_t)r;

	__asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2) : "memory");
	return (int)(int64_t)x0;
}

void rvx_user_a64_yield(void)
{
	__asm__ volatile("hvc #1" ::: "x0", "memory");
}

void rvx_user_a64_print(const char *s, uint32_t len)
{
	register uint64_t x0 __asm__("x0") = (uint64_t)(uintptr_t)s;
	register uint64_t x1 __asm__("x1") = len;

	__asm__ volatile("hvc #2" : "+r"(x0) : "r"(x1) : "memory");
}

_Noreturn void rvx_user_a64_exit(int32_t code)
{
	register uint64_t x0 __asm__("x0") = (uint64_t)(int64_t)code;

	__asm__ volatile("hvc #6" : : "r"(x0) : "memory");
	for (;;)
		__asm__ volatile("wfe");
}

uint64_t rvx_user_a64_counter(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v)::"memory");
	return v;
}
