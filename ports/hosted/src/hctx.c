/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Contexts: the initial frame of a new context, the first C code it runs,
 * and (under AddressSanitizer) the wrapper that reports each stack switch.
 * The switch itself is in switch_<cpu>.S, whose frame layout the builder
 * below must match.
 */
#include "ruvix/hosted_ctx.h"
#include "ruvix/err.h"

#include <string.h>

/* The build says whether the assembly leaves rvx_hctx_switch to the C
 * wrapper; it must agree with the compiler's ASan setting or the wrapper
 * would be missing (link error) or ASan would see stack switches it was not
 * told about (false reports). */
#ifndef RVX_HCTX_FIBER_HOOKS
#define RVX_HCTX_FIBER_HOOKS 0
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RVX_HCTX_ASAN_ 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RVX_HCTX_ASAN_ 1
#endif
#endif
#ifndef RVX_HCTX_ASAN_
#define RVX_HCTX_ASAN_ 0
#endif
#if RVX_HCTX_ASAN_ != RVX_HCTX_FIBER_HOOKS
#error "build the hosted port with -DRVX_HCTX_FIBER_HOOKS=1 exactly when ASan is on (meson does this for b_sanitize=address)"
#endif

#if RVX_HCTX_ASAN_
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* Defined in switch_<cpu>.S. */
void rvx_hctx_switch_raw_(struct rvx_hctx *from, struct rvx_hctx *to);
void rvx_hctx_start_(void);
/* Called by rvx_hctx_start_ only. */
_Noreturn void rvx_hctx_run_(void *arg, void (*entry)(void *arg),
			      void (*on_return)(void *arg))
	__attribute__((visibility("hidden")));

/* Where rvx_hctx_exit() saves the context it abandons: the switch must
 * store the old stack pointer somewhere, and nobody reads it. One per host
 * thread, since each may be abandoning a context at the same time. */
static _Thread_local struct rvx_hctx exit_sink;

#if RVX_HCTX_ASAN_
/* The context that switched away most recently on this host thread. The
 * context resumed next learns from ASan the bounds of the stack it came
 * from and files them here, which is how a host thread's own context (never
 * initialised by rvx_hctx_init) gets its bounds for the switch back. */
static _Thread_local struct rvx_hctx *asan_prev;

static void asan_arrived(void *fake_stack)
{
	const void *lo = NULL;
	size_t size = 0;

	__sanitizer_finish_switch_fiber(fake_stack, &lo, &size);
	if (asan_prev != NULL && asan_prev->stack_lo == NULL) {
		asan_prev->stack_lo = (void *)(uintptr_t)lo;
		asan_prev->stack_size = size;
	}
}

void rvx_hctx_switch(struct rvx_hctx *from, struct rvx_hctx *to)
{
	void *fake_stack = NULL;

	__sanitizer_start_switch_fiber(&fake_stack, to->stack_lo, to->stack_size);
	asan_prev = from;
	rvx_hctx_switch_raw_(from, to);
	asan_arrived(fake_stack);
}
#endif

_Noreturn void rvx_hctx_exit(struct rvx_hctx *to)
{
#if RVX_HCTX_ASAN_
	/* A NULL save slot tells ASan the stack we leave is dead. */
	__sanitizer_start_switch_fiber(NULL, to->stack_lo, to->stack_size);
	asan_prev = NULL;
#endif
	rvx_hctx_switch_raw_(&exit_sink, to);
	__builtin_trap(); /* nothing resumes exit_sink */
}

_Noreturn void rvx_hctx_run_(void *arg, void (*entry)(void *arg),
			      void (*on_return)(void *arg))
{
#if RVX_HCTX_ASAN_
	asan_arrived(NULL);
#endif
	entry(arg);
	on_return(arg);
	/* on_return broke its contract; there is nowhere sane to go. */
	__builtin_trap();
}

int rvx_hctx_init(struct rvx_hctx *c, void *stack, size_t stack_size,
		  void (*entry)(void *arg), void *arg,
		  void (*on_return)(void *arg))
{
	uintptr_t lo = (uintptr_t)stack;
	uintptr_t top;
	unsigned char *frame;

	if (c == NULL || stack == NULL || entry == NULL || on_return == NULL)
		return -RVX_EINVAL;
	if (stack_size < RVX_HCTX_STACK_MIN || lo > UINTPTR_MAX - stack_size)
		return -RVX_EINVAL;

	top = (lo + stack_size) & ~(uintptr_t)15u;
#if RVX_HCTX_ASAN_
	/* A reused stack may still carry the redzones of frames that never
	 * returned (a task abandoned mid-call); clear them. */
	__asan_unpoison_memory_region(stack, stack_size);
#endif

#if defined(__x86_64__)
	{
		/* Layout in switch_x86_64.S. The return address sits 24 bytes
		 * below the 16-aligned top, so after the switch's `ret` rsp is
		 * top - 16, aligned for rvx_hctx_start_'s call; the 16 bytes
		 * above stay zero, a null return address for unwinders. */
		const uint32_t mxcsr = 0x1f80u; /* ABI initial: all masked, nearest */
		const uint16_t fcw = 0x037fu;   /* ABI initial: extended, masked, nearest */
		const uint64_t r12 = (uint64_t)(uintptr_t)entry;
		const uint64_t r13 = (uint64_t)(uintptr_t)arg;
		const uint64_t r14 = (uint64_t)(uintptr_t)on_return;
		const uint64_t ret = (uint64_t)(uintptr_t)rvx_hctx_start_;

		frame = (unsigned char *)(top - 16u - RVX_HCTX_FRAME_BYTES);
		memset(frame, 0, RVX_HCTX_FRAME_BYTES + 16u);
		memcpy(frame + 0, &mxcsr, sizeof(mxcsr));
		memcpy(frame + 4, &fcw, sizeof(fcw));
		memcpy(frame + 24, &r13, sizeof(r13));
		memcpy(frame + 32, &r12, sizeof(r12));
		memcpy(frame + 16, &r14, sizeof(r14));
		memcpy(frame + 56, &ret, sizeof(ret));
		/* rbp (frame + 48) is 0: the end of the frame-pointer chain. */
	}
#elif defined(__aarch64__)
	{
		/* Layout in switch_aarch64.S. sp after the restore is the
		 * aligned top itself; x29 = 0 ends the frame chain and FPCR 0
		 * is the ABI's initial state. */
		const uint64_t x19 = (uint64_t)(uintptr_t)entry;
		const uint64_t x20 = (uint64_t)(uintptr_t)arg;
		const uint64_t x21 = (uint64_t)(uintptr_t)on_return;
		const uint64_t x30 = (uint64_t)(uintptr_t)rvx_hctx_start_;

		frame = (unsigned char *)(top - RVX_HCTX_FRAME_BYTES);
		memset(frame, 0, RVX_HCTX_FRAME_BYTES);
		memcpy(frame + 0, &x19, sizeof(x19));
		memcpy(frame + 8, &x20, sizeof(x20));
		memcpy(frame + 16, &x21, sizeof(x21));
		memcpy(frame + 88, &x30, sizeof(x30));
	}
#endif
	c->sp = frame;
	c->stack_lo = stack;
	c->stack_size = stack_size;
	return 0;
}
