/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fault containment (ruvix/hosted_fault.h): a task that overflows its
 * stack, writes to its guard, or faults in its own memory is abandoned and
 * the host thread resumes in the recovery context with the fault recorded;
 * another task then runs normally, repeatedly (which needs the signal mask
 * put back). Faults that are not the task's get the default action.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hosted_fixture.h"
#include "ruvix/err.h"
#include "ruvix/hosted_ctx.h"
#include "ruvix/hosted_fault.h"
#include "ruvix/hosted_stack.h"

/* ASan installs its own SIGSEGV handler and alternate stack at start-up;
 * rvx_hfault_install() replaces the handler (ASan allows that by default,
 * allow_user_segv_handler=1) and rvx_hfault_thread_init() the stack, so
 * these tests run unchanged, and pass, under ASan+UBSan. */

#define STACK_BYTES ((size_t)128u * 1024u)

/* One "scheduler" per host thread: its context, the task's, and the
 * task's stack. Thread-local so the two-thread test can reuse the code. */
struct sched {
	struct rvx_hctx self;
	struct rvx_hctx task;
	struct rvx_hstack stack;
	void *mem;
	struct rvx_hfault_scope scope;
	struct rvx_hfault_record rec;
	volatile int finished;
};

static _Thread_local struct sched *cur;

static void on_return_exit(void *arg)
{
	struct sched *s = arg;

	s->finished = 1;
	rvx_hctx_exit(&s->self);
}

static void sched_open(struct sched *s, uint32_t flags)
{
	size_t page = rvx_hstack_page_size();

	memset(s, 0, sizeof(*s));
	s->mem = fx_map(STACK_BYTES);
	cr_assert_eq(rvx_hstack_prepare(&s->stack, s->mem, STACK_BYTES, page), 0);
	cr_assert_eq(rvx_hfault_scope_init(&s->scope, &s->stack, &s->self, &s->rec,
					   flags), 0);
	cur = s;
}

static void sched_close(struct sched *s)
{
	cr_assert_eq(rvx_hstack_release(&s->stack), 0);
	fx_unmap(s->mem, STACK_BYTES);
}

/* Run one task to its end or its fault, as the runtime will. */
static void sched_run(struct sched *s, void (*entry)(void *))
{
	s->finished = 0;
	memset(&s->rec, 0, sizeof(s->rec));
	cr_assert_eq(rvx_hctx_init(&s->task, s->stack.base, s->stack.usable, entry, s,
				   on_return_exit), 0);
	rvx_hfault_set_current(&s->scope);
	rvx_hctx_switch(&s->self, &s->task);
	rvx_hfault_set_current(NULL);
}

static void assert_fault_signals_unblocked(void)
{
	sigset_t now;

	cr_assert_eq(pthread_sigmask(SIG_BLOCK, NULL, &now), 0);
	cr_assert(!sigismember(&now, SIGSEGV), "SIGSEGV left blocked");
	cr_assert(!sigismember(&now, SIGBUS), "SIGBUS left blocked");
}

static void setup(void)
{
	cr_assert_eq(rvx_hfault_install(), 0);
	cr_assert_eq(rvx_hfault_thread_init(), 0);
}

static void teardown(void)
{
	rvx_hfault_thread_fini();
}

TestSuite(hosted_fault, .init = setup, .fini = teardown);

/* ---- tasks ------------------------------------------------------------ */

static volatile int keep_going = 1;

static uint64_t __attribute__((noinline)) recurse_until_fault(uint64_t depth)
{
	volatile uint8_t pad[512];

	pad[0] = (uint8_t)depth;
	if (!keep_going)
		return pad[0];
	return recurse_until_fault(depth + 1u) + pad[0];
}

static void overflow_task(void *arg)
{
	(void)arg;
	recurse_until_fault(0);
}

static void normal_task(void *arg)
{
	(void)arg;
	/* Enough stack use to matter, far from the guard. */
	volatile uint8_t buf[4096];

	memset((void *)buf, 0x11, sizeof(buf));
	cr_assert_eq(buf[4095], 0x11);
}

static volatile uint8_t *poke_addr;

static void poke_task(void *arg)
{
	(void)arg;
	*poke_addr = 1;
}

/* ---- rvx_hfault_scope_init ------------------------------------------- */

Test(hosted_fault, scope_init_rejects_bad_arguments)
{
	struct sched s;
	struct rvx_hfault_scope scope, snap;
	struct rvx_hfault_record rec, rec_snap;
	struct rvx_hstack unprepared;

	sched_open(&s, 0);
	memset(&unprepared, 0, sizeof(unprepared));
	memset(&scope, 0xa5, sizeof(scope));
	memset(&rec, 0x5a, sizeof(rec));
	memcpy(&snap, &scope, sizeof(scope));
	memcpy(&rec_snap, &rec, sizeof(rec));
	cr_assert_eq(rvx_hfault_scope_init(NULL, &s.stack, &s.self, &rec, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hfault_scope_init(&scope, NULL, &s.self, &rec, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hfault_scope_init(&scope, &s.stack, NULL, &rec, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hfault_scope_init(&scope, &s.stack, &s.self, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hfault_scope_init(&scope, &unprepared, &s.self, &rec, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_hfault_scope_init(&scope, &s.stack, &s.self, &rec, 0x2u),
		     -RVX_EINVAL);
	cr_assert_eq(memcmp(&scope, &snap, sizeof(scope)), 0);
	cr_assert_eq(memcmp(&rec, &rec_snap, sizeof(rec)), 0);

	cr_assert_eq(rvx_hfault_scope_init(&scope, &s.stack, &s.self, &rec,
					   RVX_HFAULT_CONTAIN_ALL), 0);
	cr_assert_eq(scope.stack_lo, (uintptr_t)s.mem);
	cr_assert_eq(scope.guard_hi, (uintptr_t)s.stack.base);
	cr_assert_eq(scope.stack_hi, (uintptr_t)s.mem + STACK_BYTES);
	cr_assert_eq(scope.mem_lo, 0u);
	cr_assert_eq(scope.mem_hi, 0u);
	cr_assert_eq(scope.flags, RVX_HFAULT_CONTAIN_ALL);
	cr_assert_eq(scope.recover, &s.self);
	cr_assert_eq(scope.record, &rec);
	cr_assert_eq(rec.kind, (uint32_t)RVX_HFAULT_NONE);
	cr_assert_eq(rec.count, 0u);
	sched_close(&s);
}

Test(hosted_fault, thread_init_is_idempotent_and_current_round_trips)
{
	struct rvx_hfault_scope scope;

	cr_assert_eq(rvx_hfault_thread_init(), 0);
	cr_assert_eq(rvx_hfault_install(), 0);
	cr_assert_null(rvx_hfault_current());
	rvx_hfault_set_current(&scope);
	cr_assert_eq(rvx_hfault_current(), &scope);
	rvx_hfault_set_current(NULL);
	cr_assert_null(rvx_hfault_current());
}

/* ---- contained faults ------------------------------------------------- */

Test(hosted_fault, stack_overflow_is_contained_twice_then_a_task_runs)
{
	struct sched s;

	sched_open(&s, 0);
	for (int round = 0; round < 2; round++) {
		/* before: a task that will recurse into its guard */
		sched_run(&s, overflow_task);
		/* after: we are back in the scheduler with the fault recorded */
		cr_assert_eq(s.finished, 0, "round %d: the task did not fault", round);
		cr_assert_eq(s.rec.kind, (uint32_t)RVX_HFAULT_STACK_OVERFLOW, "round %d", round);
		cr_assert_eq(s.rec.signo, SIGSEGV);
		cr_assert_eq(s.rec.count, 1u);
		cr_assert_geq(s.rec.addr, (uint64_t)(uintptr_t)s.mem);
		cr_assert_lt(s.rec.addr, (uint64_t)(uintptr_t)s.stack.base);
		cr_assert_neq(s.rec.pc, 0u);
		cr_assert_null(rvx_hfault_current(), "the handler clears the scope");
		assert_fault_signals_unblocked();

		/* the same host thread runs another task normally, on the
		 * same stack */
		sched_run(&s, normal_task);
		cr_assert_eq(s.finished, 1, "round %d: the next task did not finish", round);
		cr_assert_eq(s.rec.kind, (uint32_t)RVX_HFAULT_NONE);
	}
	sched_close(&s);
}

Test(hosted_fault, write_to_the_guard_is_contained)
{
	struct sched s;

	sched_open(&s, 0);
	for (int round = 0; round < 2; round++) {
		poke_addr = (volatile uint8_t *)s.mem + 100u + (size_t)round;
		sched_run(&s, poke_task);
		cr_assert_eq(s.finished, 0);
		cr_assert_eq(s.rec.kind, (uint32_t)RVX_HFAULT_STACK_OVERFLOW);
		cr_assert_eq(s.rec.addr, (uint64_t)(uintptr_t)poke_addr);
		cr_assert_eq(s.rec.code, SEGV_ACCERR);
		assert_fault_signals_unblocked();
		sched_run(&s, normal_task);
		cr_assert_eq(s.finished, 1);
	}
	sched_close(&s);
}

Test(hosted_fault, fault_in_the_tasks_own_memory_is_contained)
{
	struct sched s;
	size_t page = rvx_hstack_page_size();
	uint8_t *ro = fx_map(page);

	cr_assert_eq(mprotect(ro, page, PROT_READ), 0);
	sched_open(&s, 0);
	s.scope.mem_lo = (uintptr_t)ro;
	s.scope.mem_hi = (uintptr_t)ro + page;
	poke_addr = ro + 8;
	sched_run(&s, poke_task);
	cr_assert_eq(s.finished, 0);
	cr_assert_eq(s.rec.kind, (uint32_t)RVX_HFAULT_TASK_MEMORY);
	cr_assert_eq(s.rec.addr, (uint64_t)(uintptr_t)(ro + 8));
	cr_assert_eq(s.rec.code, SEGV_ACCERR);
	sched_run(&s, normal_task);
	cr_assert_eq(s.finished, 1);
	sched_close(&s);
	fx_unmap(ro, page);
}

Test(hosted_fault, sigbus_in_the_tasks_own_memory_is_contained)
{
	struct sched s;
	size_t page = rvx_hstack_page_size();
	FILE *f = tmpfile();
	uint8_t *map;

	/* A mapping of a file that is then truncated: touching it is SIGBUS. */
	cr_assert_not_null(f);
	cr_assert_eq(ftruncate(fileno(f), (off_t)page), 0);
	map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fileno(f), 0);
	cr_assert_neq(map, MAP_FAILED);
	cr_assert_eq(ftruncate(fileno(f), 0), 0);
	sched_open(&s, 0);
	s.scope.mem_lo = (uintptr_t)map;
	s.scope.mem_hi = (uintptr_t)map + page;
	poke_addr = map;
	sched_run(&s, poke_task);
	cr_assert_eq(s.finished, 0);
	cr_assert_eq(s.rec.signo, SIGBUS);
	cr_assert_eq(s.rec.kind, (uint32_t)RVX_HFAULT_TASK_MEMORY);
	assert_fault_signals_unblocked();
	sched_run(&s, normal_task);
	cr_assert_eq(s.finished, 1);
	sched_close(&s);
	munmap(map, page);
	fclose(f);
}

Test(hosted_fault, contain_all_catches_a_stray_pointer)
{
	struct sched s;
	size_t page = rvx_hstack_page_size();
	uint8_t *none = fx_map(page);

	cr_assert_eq(mprotect(none, page, PROT_NONE), 0);
	sched_open(&s, RVX_HFAULT_CONTAIN_ALL);
	poke_addr = none + 1;
	sched_run(&s, poke_task);
	cr_assert_eq(s.finished, 0);
	cr_assert_eq(s.rec.kind, (uint32_t)RVX_HFAULT_OTHER);
	cr_assert_eq(s.rec.addr, (uint64_t)(uintptr_t)(none + 1));
	sched_run(&s, normal_task);
	cr_assert_eq(s.finished, 1);
	sched_close(&s);
	fx_unmap(none, page);
}

/* Another host thread with its own alternate stack and scope. */
static void *thread_body(void *arg)
{
	struct sched *s = arg;

	cr_assert_eq(rvx_hfault_thread_init(), 0);
	cur = s;
	sched_run(s, overflow_task);
	cr_assert_eq(s->rec.kind, (uint32_t)RVX_HFAULT_STACK_OVERFLOW);
	sched_run(s, normal_task);
	cr_assert_eq(s->finished, 1);
	rvx_hfault_thread_fini();
	return NULL;
}

Test(hosted_fault, contained_on_a_second_host_thread)
{
	struct sched s;
	pthread_t t;

	sched_open(&s, 0);
	cr_assert_eq(pthread_create(&t, NULL, thread_body, &s), 0);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(s.rec.kind, (uint32_t)RVX_HFAULT_NONE); /* last run was clean */
	cr_assert_eq(s.finished, 1);
	/* and this thread still contains its own */
	sched_run(&s, overflow_task);
	cr_assert_eq(s.rec.kind, (uint32_t)RVX_HFAULT_STACK_OVERFLOW);
	sched_close(&s);
}

/* ---- faults that are not contained ----------------------------------- */

Test(hosted_fault, stray_pointer_without_contain_all_kills, .signal = SIGSEGV)
{
	struct sched s;
	size_t page = rvx_hstack_page_size();
	uint8_t *none = fx_map(page);

	cr_assert_eq(mprotect(none, page, PROT_NONE), 0);
	sched_open(&s, 0);
	poke_addr = none;
	sched_run(&s, poke_task);
	cr_assert_fail("a fault outside the task's memory was contained");
}

Test(hosted_fault, fault_without_a_scope_kills, .signal = SIGSEGV)
{
	size_t page = rvx_hstack_page_size();
	volatile uint8_t *none = fx_map(page);

	cr_assert_eq(mprotect((void *)none, page, PROT_NONE), 0);
	none[0] = 1;
	cr_assert_fail("a fault with no scope was survived");
}

Test(hosted_fault, scheduler_fault_with_a_scope_set_kills, .signal = SIGSEGV)
{
	struct sched s;
	size_t page = rvx_hstack_page_size();
	volatile uint8_t *none = fx_map(page);

	cr_assert_eq(mprotect((void *)none, page, PROT_NONE), 0);
	/* CONTAIN_ALL, but the fault happens on the scheduler's stack. */
	sched_open(&s, RVX_HFAULT_CONTAIN_ALL);
	rvx_hfault_set_current(&s.scope);
	none[0] = 1;
	cr_assert_fail("a scheduler fault was pinned on the task");
}

Test(hosted_fault, sent_sigsegv_is_not_contained, .signal = SIGSEGV)
{
	struct sched s;

	sched_open(&s, RVX_HFAULT_CONTAIN_ALL);
	rvx_hfault_set_current(&s.scope);
	raise(SIGSEGV);
	cr_assert_fail("a sent SIGSEGV was survived");
}
