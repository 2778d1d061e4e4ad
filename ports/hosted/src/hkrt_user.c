/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The component SDK's hosted backend (ruvix/user.h): rvx_user_init() keeps
 * the gate a task's start block names, rvx_user_trap() calls through it.
 * Freestanding (no libc): it is linked into host programs and into
 * component images alike, and reaches the kernel only through the gate.
 * Every task of one runtime is given the same gate, so concurrent
 * rvx_user_init() calls store the same values (atomically).
 */
#include "ruvix/user.h"

typedef int (*rvx_user_gate_fn)(uint64_t ctx, uint32_t nr, struct rvx_syscall_args *a,
				struct rvx_syscall_result *r);

static uint64_t user_gate;
static uint64_t user_gate_ctx;

void rvx_user_init(const struct rvx_user_start *s)
{
	if (s == NULL || s->version != RVX_USER_START_VERSION || s->gate == 0)
		return;
	__atomic_store_n(&user_gate_ctx, s->gate_ctx, __ATOMIC_RELAXED);
	__atomic_store_n(&user_gate, s->gate, __ATOMIC_RELEASE);
}

int rvx_user_trap(uint32_t nr, struct rvx_syscall_args *a, struct rvx_syscall_result *r)
{
	uint64_t g = __atomic_load_n(&user_gate, __ATOMIC_ACQUIRE);
	rvx_user_gate_fn fn;

	if (g == 0 || a == NULL || r == NULL)
		return -RVX_EINVAL;
	fn = (rvx_user_gate_fn)(uintptr_t)g;
	return fn(__atomic_load_n(&user_gate_ctx, __ATOMIC_RELAXED), nr, a, r);
}
