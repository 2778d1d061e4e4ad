/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux references for the task benchmark, each measured in the same run as
 * the RuVix figure it stands beside:
 *   - yield hand-off: two threads pinned to one CPU alternating through
 *     sched_yield() (each hand-off is one system call and one kernel context
 *     switch between threads of one process);
 *   - futex hand-off: two threads pinned to one CPU waking each other
 *     through FUTEX_WAKE / FUTEX_WAIT (a wake-up and a block per hand-off);
 *   - thread creation: pthread_create + pthread_join of a thread that does
 *     nothing;
 *   - kernel memory per thread: task_struct (from /sys/kernel/slab when
 *     readable) plus the kernel stack (THREAD_SIZE, 16 KiB on x86-64).
 * Every call's result is checked with BENCH_REQUIRE.
 */
#ifndef RUVIX_BENCH_LINUX_REF_H
#define RUVIX_BENCH_LINUX_REF_H

#include "bench_util.h"

#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- sched_yield ping-pong on one CPU ---------------------------------- */

struct lref_yield {
	_Alignas(64) _Atomic long turn; /* whose turn: 0 or 1 */
	long rounds;
	int cpu;
};

static void *lref_yield_peer(void *arg)
{
	struct lref_yield *y = arg;

	BENCH_REQUIRE(bench_pin(y->cpu) == 0, "pin");
	for (long i = 0; i < y->rounds; i++) {
		while (atomic_load_explicit(&y->turn, memory_order_acquire) != 1)
			BENCH_REQUIRE(sched_yield() == 0, "sched_yield");
		atomic_store_explicit(&y->turn, 0, memory_order_release);
	}
	return NULL;
}

/* Nanoseconds per hand-off (one thread to the other) through sched_yield. */
static inline double lref_yield_handoff_ns(int cpu, long rounds)
{
	struct lref_yield y = {.turn = 0, .rounds = rounds, .cpu = cpu};
	pthread_t th;

	BENCH_REQUIRE(bench_pin(cpu) == 0, "pin");
	BENCH_REQUIRE(pthread_create(&th, NULL, lref_yield_peer, &y) == 0, "pthread_create");
	uint64_t t0 = bench_now_ns();
	for (long i = 0; i < rounds; i++) {
		atomic_store_explicit(&y.turn, 1, memory_order_release);
		while (atomic_load_explicit(&y.turn, memory_order_acquire) != 0)
			BENCH_REQUIRE(sched_yield() == 0, "sched_yield");
	}
	uint64_t t1 = bench_now_ns();
	BENCH_REQUIRE(pthread_join(th, NULL) == 0, "join");
	return (double)(t1 - t0) / (double)(2 * rounds);
}

/* ---- futex ping-pong on one CPU ----------------------------------------- */

static inline long lref_futex(_Atomic int *addr, int op, int val)
{
	return syscall(SYS_futex, (int *)addr, op | FUTEX_PRIVATE_FLAG, val, NULL, NULL, 0);
}

struct lref_futex {
	_Alignas(64) _Atomic int word; /* 0: main's turn, 1: peer's turn */
	long rounds;
	int cpu;
};

static void lref_futex_wait_for(_Atomic int *w, int want)
{
	int v;
	while ((v = atomic_load_explicit(w, memory_order_acquire)) != want) {
		long rc = lref_futex(w, FUTEX_WAIT, v);
		BENCH_REQUIRE(rc == 0 || errno == EAGAIN || errno == EINTR, "futex wait: %s",
			      strerror(errno));
	}
}

static void lref_futex_hand(_Atomic int *w, int to)
{
	atomic_store_explicit(w, to, memory_order_release);
	BENCH_REQUIRE(lref_futex(w, FUTEX_WAKE, 1) >= 0, "futex wake: %s", strerror(errno));
}

static void *lref_futex_peer(void *arg)
{
	struct lref_futex *f = arg;

	BENCH_REQUIRE(bench_pin(f->cpu) == 0, "pin");
	for (long i = 0; i < f->rounds; i++) {
		lref_futex_wait_for(&f->word, 1);
		lref_futex_hand(&f->word, 0);
	}
	return NULL;
}

/* Nanoseconds per hand-off (wake the other thread, block) through a futex. */
static inline double lref_futex_handoff_ns(int cpu, long rounds)
{
	struct lref_futex f = {.word = 0, .rounds = rounds, .cpu = cpu};
	pthread_t th;

	BENCH_REQUIRE(bench_pin(cpu) == 0, "pin");
	BENCH_REQUIRE(pthread_create(&th, NULL, lref_futex_peer, &f) == 0, "pthread_create");
	uint64_t t0 = bench_now_ns();
	for (long i = 0; i < rounds; i++) {
		lref_futex_hand(&f.word, 1);
		lref_futex_wait_for(&f.word, 0);
	}
	uint64_t t1 = bench_now_ns();
	BENCH_REQUIRE(pthread_join(th, NULL) == 0, "join");
	return (double)(t1 - t0) / (double)(2 * rounds);
}

/* ---- pthread_create + join ---------------------------------------------- */

static void *lref_nothing(void *arg)
{
	return arg;
}

/* Nanoseconds to create and join one thread that returns at once. */
static inline double lref_thread_create_ns(long count)
{
	uint64_t t0 = bench_now_ns();
	for (long i = 0; i < count; i++) {
		pthread_t th;
		void *ret = NULL;
		BENCH_REQUIRE(pthread_create(&th, NULL, lref_nothing, (void *)(intptr_t)(i + 1)) == 0,
			      "pthread_create");
		BENCH_REQUIRE(pthread_join(th, &ret) == 0 && ret == (void *)(intptr_t)(i + 1),
			      "pthread_join");
	}
	return (double)(bench_now_ns() - t0) / (double)count;
}

/* ---- kernel memory per Linux thread -------------------------------------- */

/* task_struct size from SLUB's sysfs (0 if unreadable) plus a 16 KiB kernel
 * stack; *from_sysfs says whether the slab figure was read or is missing. */
static inline long lref_thread_kernel_bytes(int *from_sysfs)
{
	long task_struct = 0;
	FILE *f = fopen("/sys/kernel/slab/task_struct/object_size", "r");

	if (f != NULL) {
		if (fscanf(f, "%ld", &task_struct) != 1)
			task_struct = 0;
		fclose(f);
	}
	*from_sysfs = task_struct > 0;
	return task_struct + 16384;
}

#endif /* RUVIX_BENCH_LINUX_REF_H */
