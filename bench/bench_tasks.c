/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hosted task runtime against Linux threads, on one CPU: yield hand-off,
 * message wake-up hand-off, task creation, memory per task. RuVix hand-offs
 * are user-level context switches with no system call (one mutex lock and
 * unlock per hand-off, uncontended); the Linux references cross the kernel
 * (sched_yield or futex syscalls plus a kernel context switch).
 */
#include "bench_util.h"

#include <sys/mman.h>

#include "bench_linux_ref.h"
#include "ruvix/hosted_rt.h"

#define NT 4
#define STACK ((size_t)64 * 1024)
#define ROUNDS 20000L
#define RUNS 5

static struct rvx_hrt rt;
static struct rvx_hrt_task_slot slots[NT];
static uint64_t storage[8192];
static void *arena;
RVX_QUEUE_DEFINE(qa, 2, 8);
RVX_QUEUE_DEFINE(qb, 2, 8);

static void setup(void)
{
	struct rvx_hrt_cfg cfg = {.cpu_count = 1, .clock = RVX_HRT_CLOCK_REAL,
				  .task_capacity = NT, .partitions = 1,
				  .period_ns = 1000000000u, .stack_size = STACK};

	BENCH_REQUIRE(rvx_hrt_init(&rt, &cfg, storage, sizeof(storage), slots, arena,
				   NT * STACK) == 0, "init");
}

static void yielder(void *arg)
{
	(void)arg;
	for (long i = 0; i < ROUNDS; i++)
		rvx_hrt_yield();
}

static void pinger(void *arg)
{
	struct rvx_queue_msg_hdr h = {.type_id = 1, .length = 4}, r;
	uint32_t v = 0;

	(void)arg;
	for (long i = 0; i < ROUNDS; i++) {
		BENCH_REQUIRE(rvx_hrt_queue_send(&rt, &qa, &h, &v) == 0, "send");
		BENCH_REQUIRE(rvx_hrt_queue_recv(&rt, &qb, &r, &v, 4, RVX_HRT_FOREVER) == 4, "recv");
	}
}

static void ponger(void *arg)
{
	struct rvx_queue_msg_hdr h = {.type_id = 1, .length = 4}, r;
	uint32_t v;

	(void)arg;
	for (long i = 0; i < ROUNDS; i++) {
		BENCH_REQUIRE(rvx_hrt_queue_recv(&rt, &qa, &r, &v, 4, RVX_HRT_FOREVER) == 4, "recv");
		BENCH_REQUIRE(rvx_hrt_queue_send(&rt, &qb, &h, &v) == 0, "send");
	}
}

static void nothing(void *arg) { (void)arg; }

/* ns per one-way hand-off between two tasks. */
static double handoff(void (*a)(void *), void (*b)(void *), long switches)
{
	uint64_t t0;

	setup();
	BENCH_REQUIRE(rvx_queue_init(&qa, qa_storage, sizeof(qa_storage), 2, 8) == 0, "q");
	BENCH_REQUIRE(rvx_queue_init(&qb, qb_storage, sizeof(qb_storage), 2, 8) == 0, "q");
	BENCH_REQUIRE(rvx_hrt_spawn(&rt, 0, 0, 1000, a, NULL, NULL) == 0, "spawn");
	BENCH_REQUIRE(rvx_hrt_spawn(&rt, 0, 0, 1000, b, NULL, NULL) == 0, "spawn");
	t0 = bench_now_ns();
	BENCH_REQUIRE(rvx_hrt_run(&rt) == 0, "run");
	return (double)(bench_now_ns() - t0) / (double)switches;
}

/* ns per task: spawn, run to its return, cleanup. */
static double creation(long count)
{
	rvx_handle_t t;
	struct rvx_hrt_task_status st;
	uint64_t t0;

	setup();
	t0 = bench_now_ns();
	for (long i = 0; i < count; i++) {
		BENCH_REQUIRE(rvx_hrt_spawn(&rt, 0, 0, 1000, nothing, NULL, &t) == 0, "spawn");
		BENCH_REQUIRE(rvx_hrt_run(&rt) == 0, "run");
	}
	BENCH_REQUIRE(rvx_hrt_task_status(&rt, t, &st) == 0 &&
		      st.reason == RVX_HRT_EXIT_RETURNED, "status");
	return (double)(bench_now_ns() - t0) / (double)count;
}

int main(void)
{
	double step, rd, y[RUNS], f[RUNS], c[RUNS], ly[RUNS], lf[RUNS], lc[RUNS];
	int from_sysfs = 0;
	long kbytes;
	size_t per_task = RVX_SCHED_TASK_KERNEL_BYTES + sizeof(struct rvx_hrt_task_slot);

	BENCH_REQUIRE(bench_pin(0) == 0, "pin");
	arena = mmap(NULL, NT * STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	BENCH_REQUIRE(arena != MAP_FAILED, "mmap");
	bench_timer_floor(&step, &rd);
	printf("timer floor: step %.1f ns, read %.1f ns; median of %d runs, one CPU\n", step, rd,
	       RUNS);
	for (int i = 0; i < RUNS; i++) {
		y[i] = handoff(yielder, yielder, 2 * ROUNDS);
		f[i] = handoff(pinger, ponger, 2 * ROUNDS);
		c[i] = creation(2000);
		ly[i] = lref_yield_handoff_ns(0, ROUNDS);
		lf[i] = lref_futex_handoff_ns(0, ROUNDS);
		lc[i] = lref_thread_create_ns(2000);
		BENCH_REQUIRE(y[i] > 0 && f[i] > 0 && c[i] > 0 && ly[i] > 0 && lf[i] > 0 && lc[i] > 0,
			      "figures");
	}
	kbytes = lref_thread_kernel_bytes(&from_sysfs);
	BENCH_REQUIRE(kbytes > 0, "thread bytes");
	printf("%-34s %14s %14s\n", "", "RuVix hosted", "Linux");
	printf("%-34s %11.1f ns %11.1f ns  (yield: user switch | sched_yield)\n",
	       "hand-off via yield", bench_median(y, RUNS), bench_median(ly, RUNS));
	printf("%-34s %11.1f ns %11.1f ns  (queue+blocking recv | futex wait/wake)\n",
	       "hand-off via message wake-up", bench_median(f, RUNS), bench_median(lf, RUNS));
	printf("%-34s %11.1f ns %11.1f ns  (spawn+run+cleanup | pthread_create+join)\n",
	       "task creation", bench_median(c, RUNS), bench_median(lc, RUNS));
	printf("%-34s %11zu B  %11ld B   (TCB+cap table %zu + slot %zu; stacks (%zu KiB here) "
	       "caller-provided, excluded | kernel per thread%s)\n",
	       "memory per task", per_task, kbytes, (size_t)RVX_SCHED_TASK_KERNEL_BYTES,
	       sizeof(struct rvx_hrt_task_slot), STACK / 1024, from_sysfs ? ", sysfs" : "");
	return 0;
}
