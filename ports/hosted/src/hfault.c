/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fault containment: the SIGSEGV/SIGBUS handler, the per-thread alternate
 * signal stack and the per-thread current scope. See ruvix/hosted_fault.h
 * for the rules the handler applies.
 *
 * Everything the handler touches is thread-local and written only by the
 * thread itself, so no locking: the handler runs on the thread whose task
 * faulted, between two instructions of that task.
 */
#define _GNU_SOURCE
#include "ruvix/hosted_fault.h"
#include "ruvix/err.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

/* Usable bytes of the alternate stack: the handler is small, but under ASan
 * its frames are several times larger, and glibc's MINSIGSTKSZ grows with
 * the CPU's register state (AVX-512, SVE). */
#define ALT_STACK_BYTES ((size_t)64u * 1024u)

/* The handler reads these, so their storage must exist before any signal:
 * initial-exec TLS is allocated with the thread, whereas the dynamic model
 * (were the port linked into a shared object) may allocate on first use,
 * which a signal handler must not do. */
#define HANDLER_TLS_ static _Thread_local __attribute__((tls_model("initial-exec")))

HANDLER_TLS_ const struct rvx_hfault_scope *current_scope;
/* This thread's alternate stack mapping (guard page included), and the
 * alternate stack it replaced (ASan installs one of its own). */
HANDLER_TLS_ void *alt_map;
HANDLER_TLS_ size_t alt_map_size;
HANDLER_TLS_ stack_t alt_prev;

void rvx_hfault_set_current(const struct rvx_hfault_scope *scope)
{
	current_scope = scope;
}

const struct rvx_hfault_scope *rvx_hfault_current(void)
{
	return current_scope;
}

int rvx_hfault_scope_init(struct rvx_hfault_scope *scope,
			  const struct rvx_hstack *st, struct rvx_hctx *recover,
			  struct rvx_hfault_record *record, uint32_t flags)
{
	if (scope == NULL || st == NULL || recover == NULL || record == NULL)
		return -RVX_EINVAL;
	if (st->mem == NULL || (flags & ~RVX_HFAULT_FLAGS_ALL) != 0)
		return -RVX_EINVAL;
	scope->stack_lo = (uintptr_t)st->mem;
	scope->guard_hi = (uintptr_t)st->mem + st->guard;
	scope->stack_hi = (uintptr_t)st->mem + st->size;
	scope->mem_lo = 0;
	scope->mem_hi = 0;
	scope->flags = flags;
	scope->recover = recover;
	scope->record = record;
	memset(record, 0, sizeof(*record));
	return 0;
}

/* Which kind of contained fault this is, or RVX_HFAULT_NONE to leave it to
 * the default action. */
static enum rvx_hfault_kind classify(const struct rvx_hfault_scope *s,
				     const siginfo_t *si, uintptr_t sp)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	bool on_task_stack = sp >= s->stack_lo && sp < s->stack_hi;

	/* si_code <= 0: sent by kill()/raise()/sigqueue(), not a fault of
	 * whatever was running. */
	if (si->si_code <= 0)
		return RVX_HFAULT_NONE;
	/* The guard belongs to this task alone, so a touch there is its
	 * overflow even if a large frame already moved sp below the guard. */
	if (addr >= s->stack_lo && addr < s->guard_hi)
		return RVX_HFAULT_STACK_OVERFLOW;
	/* Anything else counts only if the task was the one running, which
	 * keeps a fault of the scheduler (between set_current and the switch)
	 * from being pinned on the task. */
	if (!on_task_stack)
		return RVX_HFAULT_NONE;
	if ((addr >= s->guard_hi && addr < s->stack_hi) ||
	    (addr >= s->mem_lo && addr < s->mem_hi))
		return RVX_HFAULT_TASK_MEMORY;
	if ((s->flags & RVX_HFAULT_CONTAIN_ALL) != 0)
		return RVX_HFAULT_OTHER;
	return RVX_HFAULT_NONE;
}

static void on_fault(int signo, siginfo_t *si, void *uc_void)
{
	const struct rvx_hfault_scope *s = current_scope;
	const ucontext_t *uc = uc_void;
	struct sigaction dfl;
	uintptr_t sp, pc;

#if defined(__x86_64__)
	sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	sp = (uintptr_t)uc->uc_mcontext.sp;
	pc = (uintptr_t)uc->uc_mcontext.pc;
#endif

	if (s != NULL) {
		enum rvx_hfault_kind kind = classify(s, si, sp);

		if (kind != RVX_HFAULT_NONE) {
			struct rvx_hfault_record *rec = s->record;
			sigset_t set;

			rec->addr = (uint64_t)(uintptr_t)si->si_addr;
			rec->pc = (uint64_t)pc;
			rec->signo = signo;
			rec->code = si->si_code;
			rec->kind = (uint32_t)kind;
			rec->count++;
			current_scope = NULL;
			/* Leaving by a switch skips sigreturn, which would
			 * have unblocked these; do it here (see the header). */
			sigemptyset(&set);
			sigaddset(&set, SIGSEGV);
			sigaddset(&set, SIGBUS);
			pthread_sigmask(SIG_UNBLOCK, &set, NULL);
#if defined(__SANITIZE_ADDRESS__)
			/* This frame never returns: clear its redzones on the
			 * alternate stack so the next fault starts clean. */
			if (alt_map != NULL)
				__asan_unpoison_memory_region(alt_map, alt_map_size);
#endif
			rvx_hctx_exit(s->recover);
		}
	}

	/* Not ours: default action. A fault by the kernel re-executes the
	 * faulting instruction on return and dies of it; a sent signal is
	 * sent again, delivered as soon as the handler returns. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(signo, &dfl, NULL);
	if (si->si_code <= 0)
		raise(signo);
}

int rvx_hfault_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGSEGV);
	sigaddset(&sa.sa_mask, SIGBUS);
	if (sigaction(SIGSEGV, &sa, NULL) != 0)
		return -RVX_ENOTSUP;
	if (sigaction(SIGBUS, &sa, NULL) != 0)
		return -RVX_ENOTSUP;
	return 0;
}

int rvx_hfault_thread_init(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = ALT_STACK_BYTES + page;
	stack_t ss, prev;
	void *map;

	if (alt_map != NULL)
		return 0;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (map == MAP_FAILED)
		return -RVX_ENOMEM;
	/* A guard below the alternate stack too: a runaway handler dies
	 * cleanly instead of scribbling on a neighbour mapping. */
	if (mprotect(map, page, PROT_NONE) != 0) {
		munmap(map, size);
		return -RVX_ENOMEM;
	}
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = (unsigned char *)map + page;
	ss.ss_size = ALT_STACK_BYTES;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, &prev) != 0) {
		munmap(map, size);
		return -RVX_ENOTSUP;
	}
	alt_prev = prev;
	alt_map = map;
	alt_map_size = size;
	return 0;
}

void rvx_hfault_thread_fini(void)
{
	stack_t prev = alt_prev;

	if (alt_map == NULL)
		return;
	/* Put back the stack this one replaced, or disable ours. */
	if (prev.ss_sp == NULL || (prev.ss_flags & SS_DISABLE) != 0) {
		memset(&prev, 0, sizeof(prev));
		prev.ss_flags = SS_DISABLE;
	}
	if (sigaltstack(&prev, NULL) != 0)
		return; /* still in use (called from the handler): keep it */
#if defined(__SANITIZE_ADDRESS__)
	__asan_unpoison_memory_region(alt_map, alt_map_size);
#endif
	munmap(alt_map, alt_map_size);
	alt_map = NULL;
	alt_map_size = 0;
}
