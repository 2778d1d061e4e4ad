/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hosted_fault.h
 * @brief Fault containment for hosted tasks: a task that overflows its
 *        stack (or faults in its own memory) is abandoned, not the process.
 *
 * A SIGSEGV/SIGBUS handler, running on a per-host-thread alternate signal
 * stack (the faulting stack is by definition unusable), looks at the
 * *scope* the runtime declared for the context now running on that host
 * thread. If the fault belongs to it, the handler fills the scope's fault
 * record and switches to the scope's recovery context (the scheduler's)
 * instead of returning: the task never runs again and the host thread
 * carries on in the scheduler, which finds the record filled. Any other
 * fault gets the default action (the process dies with the signal, as it
 * would without this handler).
 *
 * A fault belongs to the current scope when it was raised by the kernel
 * (not sent with kill/raise), the interrupted stack pointer lies in the
 * scope's stack (so the task, not the scheduler, was running), and the
 * faulting address is:
 *  - in the scope's guard: RVX_HFAULT_STACK_OVERFLOW;
 *  - in the usable part of its stack or in its extra memory range:
 *    RVX_HFAULT_TASK_MEMORY;
 *  - anywhere else, only if the scope has RVX_HFAULT_CONTAIN_ALL:
 *    RVX_HFAULT_OTHER.
 *
 * Order of use:
 *  1. rvx_hfault_install() once per process (installs the handler).
 *  2. rvx_hfault_thread_init() on every host thread that runs tasks (its
 *     alternate signal stack); rvx_hfault_thread_fini() before it exits.
 *  3. Per task: rvx_hfault_scope_init() describes its stack, the recovery
 *     context and a record. Right before switching into the task,
 *     rvx_hfault_set_current(&scope); right after the switch returns,
 *     rvx_hfault_set_current(NULL). Then check `record.kind`.
 *
 * Signal mask: the handler runs with SIGSEGV and SIGBUS blocked (no
 * SA_NODEFER, so a fault inside the handler is not handled recursively).
 * It never returns through the kernel's signal frame, which would have
 * restored the mask, so just before switching to the recovery context it
 * unblocks both with pthread_sigmask(): the recovery context resumes with
 * them unblocked and the next task's fault is caught too. The alternate
 * stack needs no reset: Linux decides "already on the alternate stack" from
 * the stack pointer, which is back on the scheduler's stack.
 *
 * After a contained fault, the task's stack still holds its dead frames and
 * the task's context must not be resumed; the runtime releases what the
 * task held. Containment is as good as the task's isolation: a task that
 * corrupted shared state before faulting has still corrupted it.
 */
#ifndef RUVIX_HOSTED_FAULT_H
#define RUVIX_HOSTED_FAULT_H

#include "ruvix/env.h"
#include "ruvix/hosted_ctx.h"
#include "ruvix/hosted_stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Scope flag: contain faults at any address while the task runs. */
#define RVX_HFAULT_CONTAIN_ALL ((uint32_t)0x1u)
/** Every scope flag this version defines. */
#define RVX_HFAULT_FLAGS_ALL ((uint32_t)0x1u)

/** What a contained fault was. */
enum rvx_hfault_kind {
	/** No fault recorded (the record's initial state). */
	RVX_HFAULT_NONE = 0,
	/** The task touched its stack's guard: it overflowed its stack. */
	RVX_HFAULT_STACK_OVERFLOW = 1,
	/** The task faulted inside its own stack or extra memory range. */
	RVX_HFAULT_TASK_MEMORY = 2,
	/** Any other address (only with RVX_HFAULT_CONTAIN_ALL). */
	RVX_HFAULT_OTHER = 3,
};

/** What the handler writes about a contained fault. Caller storage. */
struct rvx_hfault_record {
	/** The faulting address (`si_addr`). */
	uint64_t addr;
	/** The faulting instruction's address. */
	uint64_t pc;
	/** The signal: SIGSEGV or SIGBUS. */
	int32_t signo;
	/** The kernel's `si_code` (e.g. SEGV_ACCERR, SEGV_MAPERR). */
	int32_t code;
	/** An `enum rvx_hfault_kind`; RVX_HFAULT_NONE until a fault is recorded. */
	uint32_t kind;
	/** Faults recorded in this record since rvx_hfault_scope_init(). */
	uint32_t count;
};

/**
 * What the runtime tells the handler about the running context. Filled by
 * rvx_hfault_scope_init(); the runtime may then set the extra memory range.
 * Addresses are half-open ranges `[lo, hi)`.
 */
struct rvx_hfault_scope {
	/** Lowest byte of the stack block, which is the bottom of the guard. */
	uintptr_t stack_lo;
	/** First byte above the guard (the usable stack's base). */
	uintptr_t guard_hi;
	/** One past the top of the stack block. */
	uintptr_t stack_hi;
	/** Start of an extra range the task owns (0 with `mem_hi` 0: none). */
	uintptr_t mem_lo;
	/** End of the extra range. */
	uintptr_t mem_hi;
	/** Zero or more RVX_HFAULT_* flags. */
	uint32_t flags;
	/** Context the handler switches to after recording a fault. */
	struct rvx_hctx *recover;
	/** Where the handler records the fault. */
	struct rvx_hfault_record *record;
};

/**
 * Install the SIGSEGV and SIGBUS handler for the whole process (idempotent).
 * Replaces whatever handler was there; faults the handler does not contain
 * get the default action, not the previous handler.
 * @retval 0 the handler is installed
 * @retval -RVX_ENOTSUP the host refused sigaction()
 */
int rvx_hfault_install(void);

/**
 * Give the calling host thread an alternate signal stack so the handler can
 * run when the thread's current stack is exhausted (idempotent per thread).
 * The stack is mapped by this call and unmapped by rvx_hfault_thread_fini().
 * @retval 0 the thread is ready to run scoped tasks
 * @retval -RVX_ENOMEM the stack could not be mapped
 * @retval -RVX_ENOTSUP the host refused sigaltstack()
 */
int rvx_hfault_thread_init(void);

/**
 * Undo rvx_hfault_thread_init() for the calling thread: restore the
 * alternate stack it replaced and unmap its own. Does nothing if the thread
 * was not initialised.
 */
void rvx_hfault_thread_fini(void);

/**
 * Describe a task for the handler: its prepared stack, where to go after a
 * fault, and where to record it. Clears @p record and the extra range.
 * @param[out] scope the scope
 * @param st the task's stack, prepared by rvx_hstack_prepare()
 * @param recover context to resume after a fault (the scheduler's)
 * @param[out] record cleared now, filled by the handler on a fault
 * @param flags zero or more RVX_HFAULT_* flags
 * @retval 0 @p scope is ready for rvx_hfault_set_current()
 * @retval -RVX_EINVAL a pointer is NULL, @p st is not prepared, or
 *         @p flags has an unknown bit; nothing is written
 */
int rvx_hfault_scope_init(struct rvx_hfault_scope *scope,
			  const struct rvx_hstack *st, struct rvx_hctx *recover,
			  struct rvx_hfault_record *record, uint32_t flags);

/**
 * Tell the handler which scope the calling host thread is about to run (or
 * NULL: none). The handler clears it when it contains a fault. The scope
 * must stay alive and unchanged while it is current.
 * @param scope the scope of the context about to run, or NULL
 */
void rvx_hfault_set_current(const struct rvx_hfault_scope *scope);

/**
 * The calling host thread's current scope.
 * @return the scope last set and not yet cleared, or NULL
 */
const struct rvx_hfault_scope *rvx_hfault_current(void);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_HOSTED_FAULT_H */
