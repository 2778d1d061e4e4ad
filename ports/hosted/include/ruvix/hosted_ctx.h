/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hosted_ctx.h
 * @brief User-level execution contexts for the hosted port.
 *
 * A context is a saved stack pointer; everything else a suspended context
 * needs (the callee-saved registers and the floating-point control state the
 * ABI says a call preserves) is pushed on its own stack by the switch. The
 * hosted task runtime runs each task as one context on a caller-provided
 * stack and switches between tasks and the per-CPU scheduler with
 * rvx_hctx_switch(), a few instructions of hand-written assembly
 * (`src/switch_<cpu>.S`), not `swapcontext` (which makes a system call per
 * switch to save the signal mask).
 *
 * Order of use:
 *  1. The host thread that will run contexts needs no set-up: the first
 *     rvx_hctx_switch() out of it saves its own stack into a zeroed
 *     `struct rvx_hctx` (the "host context", typically the scheduler's).
 *  2. rvx_hctx_init() a context for each task on its own stack (see
 *     ruvix/hosted_stack.h for stacks with a guard page).
 *  3. rvx_hctx_switch() from the current context to another; it returns when
 *     some context switches back. The first switch into an initialised
 *     context calls its entry function.
 *  4. A context that is finished leaves with rvx_hctx_exit(), which never
 *     saves it. If the entry function returns, the `on_return` function given
 *     to rvx_hctx_init() runs on the context's stack and must leave that way.
 *
 * A context runs on one host thread at a time; it may move to another host
 * thread between runs (its registers are on its stack), which the
 * scheduler's locking orders. Signal masks are per host thread and are not
 * switched.
 *
 * AddressSanitizer: when the port is built with `-Db_sanitize=address`, each
 * switch tells ASan which stack it moves to (the fiber-switch interface of
 * `<sanitizer/common_interface_defs.h>`), and rvx_hctx_init() clears any
 * poison left on a reused stack; that is why a context also records its
 * stack's bounds.
 */
#ifndef RUVIX_HOSTED_CTX_H
#define RUVIX_HOSTED_CTX_H

#include "ruvix/env.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Smallest stack rvx_hctx_init() accepts (bytes): the initial frame plus
 * some room for the entry function. Real tasks need far more; the guard page
 * of ruvix/hosted_stack.h is what catches a stack that is too small.
 */
#define RVX_HCTX_STACK_MIN ((size_t)512u)

/**
 * Bytes the switch pushes on the stack of the context it leaves (the saved
 * registers and return address), which is also the initial frame
 * rvx_hctx_init() builds below the top of the stack.
 */
#if defined(__x86_64__)
#define RVX_HCTX_FRAME_BYTES ((size_t)64u)
#elif defined(__aarch64__)
#define RVX_HCTX_FRAME_BYTES ((size_t)176u)
#else
#error "ruvix/hosted_ctx.h: the hosted port supports x86-64 and AArch64 hosts"
#endif

/**
 * One execution context. Zero it for a host thread's own context before the
 * first switch out of it; rvx_hctx_init() fills it for a new one. Caller
 * storage; no teardown.
 */
struct rvx_hctx {
	/**
	 * Stack pointer of the suspended context, pointing at its saved
	 * registers; written by rvx_hctx_switch() when the context leaves,
	 * read when it is resumed. Meaningless while the context runs.
	 */
	void *sp;
	/**
	 * Lowest byte of the context's stack (NULL for a host thread's own
	 * stack until ASan reports it); used for ASan's fiber annotations.
	 */
	void *stack_lo;
	/** Bytes of the context's stack starting at `stack_lo`. */
	size_t stack_size;
};

/**
 * Prepare a context that, on the first switch into it, calls
 * `entry(arg)` on @p stack.
 *
 * The entry function starts with the stack aligned as the ABI requires of a
 * called function (16 bytes at the call), a zero frame pointer that ends
 * backtraces, and the ABI's initial floating-point control state (round to
 * nearest, all exceptions masked), whatever the caller's state is. If
 * `entry` returns, `on_return(arg)` is called on the same stack; it must not
 * return (it should release the task and rvx_hctx_exit() to the
 * scheduler): if it does, the context executes a trap instruction
 * (SIGILL on x86-64, SIGTRAP on AArch64).
 *
 * Writes the initial frame into the top of @p stack and nothing else of it;
 * nothing is written if the call fails.
 * @param[out] c the context
 * @param stack lowest byte of the stack (any alignment; the top is rounded
 *        down to 16 bytes)
 * @param stack_size bytes of stack, at least RVX_HCTX_STACK_MIN
 * @param entry function the context runs
 * @param arg argument to @p entry and @p on_return
 * @param on_return called if @p entry returns; must not return
 * @retval 0 @p c is ready to be switched to
 * @retval -RVX_EINVAL @p c, @p stack, @p entry or @p on_return is NULL,
 *         @p stack_size is below RVX_HCTX_STACK_MIN, or the stack wraps
 *         around the end of the address space
 */
int rvx_hctx_init(struct rvx_hctx *c, void *stack, size_t stack_size,
		  void (*entry)(void *arg), void *arg,
		  void (*on_return)(void *arg));

/**
 * Suspend the running context into @p from and resume @p to.
 *
 * Saves the callee-saved registers (x86-64: rbx, rbp, r12-r15, the x87
 * control word and MXCSR; AArch64: x19-x30, d8-d15 and FPCR) on the current
 * stack, stores the stack pointer into @p from, loads @p to's and restores
 * its registers. Returns when another switch names @p from as its target.
 * @p from and @p to must differ, and @p to must be suspended (initialised
 * and not yet started, or left by a switch) and not running on any other
 * host thread.
 * @param[out] from receives the running context
 * @param to the context to resume
 */
void rvx_hctx_switch(struct rvx_hctx *from, struct rvx_hctx *to);

/**
 * Leave the running context for good and resume @p to.
 *
 * As rvx_hctx_switch(), but the running context is not saved (it is never
 * resumed), so its stack may be released by @p to; under ASan its fake
 * stack frames are dropped too. Used by a finished task's `on_return` and by
 * the fault handler of ruvix/hosted_fault.h.
 * @param to the context to resume
 */
_Noreturn void rvx_hctx_exit(struct rvx_hctx *to);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_HOSTED_CTX_H */
