/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scheduler benchmark: the cost of one scheduling decision (pick the next
 * task, then hand it back) with 8, 64, 512 and 4096 READY tasks on one CPU;
 * timer arm+cancel and arm+expire with as many timers armed; and the kernel
 * memory per task (control block + 16-slot capability table).
 *
 * What crosses what: every figure is library calls in one thread, one
 * address space, no system call and no context switch; time is virtual (a
 * counter the loop advances), so no clock is read inside the timed loops.
 * The bench clock (clock_gettime) only brackets whole loops.
 *
 * Each figure is the median of REPS runs of ITERS operations. Every call's
 * result is checked; a failure aborts the run.
 */
#include "bench_util.h"

#include "ruvix/sched.h"
#include "ruvix/timer.h"

enum { REPS = 9, ITERS = 200000, MAX_TASKS = 4096, PARTS = 8 };

static const uint32_t sizes[] = {8, 64, 512, 4096};

static alignas(64) uint8_t sched_storage[RVX_SCHED_STORAGE_SIZE(MAX_TASKS, 1, PARTS, MAX_TASKS)];
static alignas(64) uint8_t timer_storage[RVX_TIMER_STORAGE_SIZE(MAX_TASKS + 1)];
static rvx_handle_t ids[MAX_TASKS];
static rvx_handle_t th[MAX_TASKS + 1];
static uint64_t cookies[64];

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * n READY tasks on CPU 0 spread over `parts` partitions (budgets limited
 * when parts > 1, so the eligible-partition heap and refills take part).
 * Relative deadlines are random, so each yield sends the task to a random
 * depth of its heap.
 */
static void setup_sched(struct rvx_sched *s, uint32_t n, uint32_t parts)
{
	BENCH_REQUIRE(rvx_sched_init(s, sched_storage, sizeof(sched_storage), n, 1, parts, n,
				     1000000) == 0,
		      "init");
	for (uint32_t p = 1; p < parts; p++)
		BENCH_REQUIRE(rvx_sched_partition_set_budget(s, p, 1000000 / parts) == 0, "budget");
	for (uint32_t i = 0; i < n; i++) {
		BENCH_REQUIRE(rvx_sched_task_create(s, 0, i % parts, 1000 + rnd() % (100u * n), 0,
						    &ids[i]) == 0,
			      "create");
		BENCH_REQUIRE(rvx_sched_task_wake(s, ids[i], rnd() % 100000) == 0, "wake");
	}
}

/* ns per (pick + yield) or (pick + put), median of REPS. */
static double time_pick(uint32_t n, uint32_t parts, bool yield)
{
	struct rvx_sched s;
	double v[REPS];
	uint64_t now = 100000;

	setup_sched(&s, n, parts);
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = bench_now_ns();

		for (int i = 0; i < ITERS; i++) {
			rvx_handle_t id;
			int ret = rvx_sched_pick(&s, 0, now, &id, NULL);

			BENCH_REQUIRE(ret == 0, "pick: %s", rvx_strerror(ret));
			now += 50;
			ret = yield ? rvx_sched_yield(&s, 0, id, now, 50)
				    : rvx_sched_put(&s, 0, id, now, 50);
			BENCH_REQUIRE(ret == 0, "hand back: %s", rvx_strerror(ret));
		}
		v[r] = (double)(bench_now_ns() - t0) / ITERS;
	}
	BENCH_REQUIRE(rvx_sched_ready_count(&s, 0) == (int)n, "all tasks still ready");
	return bench_median(v, REPS);
}

/* ns per rvx_sched_put_pick() (a yield and the next pick in one call),
 * median of REPS. */
static double time_put_pick(uint32_t n, uint32_t parts)
{
	struct rvx_sched s;
	struct rvx_sched_picked pk;
	double v[REPS];
	uint64_t now = 100000;
	int ret;

	setup_sched(&s, n, parts);
	ret = rvx_sched_pick(&s, 0, now, &pk.id, NULL);
	BENCH_REQUIRE(ret == 0, "pick: %s", rvx_strerror(ret));
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = bench_now_ns();

		for (int i = 0; i < ITERS; i++) {
			now += 50;
			ret = rvx_sched_put_pick(&s, 0, pk.id, now, 50, true, &pk);
			BENCH_REQUIRE(ret == 0, "put_pick: %s", rvx_strerror(ret));
		}
		v[r] = (double)(bench_now_ns() - t0) / ITERS;
	}
	BENCH_REQUIRE(rvx_sched_ready_count(&s, 0) == (int)n - 1, "all other tasks still ready");
	return bench_median(v, REPS);
}

/* With n timers armed: ns per (arm + cancel) of one more timer. */
static double time_timer_arm_cancel(uint32_t n)
{
	struct rvx_timer t;
	double v[REPS];

	BENCH_REQUIRE(rvx_timer_init(&t, timer_storage, sizeof(timer_storage), n + 1) == 0, "init");
	for (uint32_t i = 0; i < n; i++)
		BENCH_REQUIRE(rvx_timer_arm_at(&t, rnd() % 1000000, i, &th[i]) == 0, "arm");
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = bench_now_ns();

		for (int i = 0; i < ITERS; i++) {
			rvx_handle_t h;
			int ret = rvx_timer_arm_at(&t, rnd() % 1000000, 1, &h);

			BENCH_REQUIRE(ret == 0, "arm: %s", rvx_strerror(ret));
			ret = rvx_timer_cancel(&t, h, NULL);
			BENCH_REQUIRE(ret == 0, "cancel: %s", rvx_strerror(ret));
		}
		v[r] = (double)(bench_now_ns() - t0) / ITERS;
	}
	return bench_median(v, REPS);
}

/* With n timers armed: ns per (expire the earliest + re-arm it later), the
 * steady state of a periodic tick. */
static double time_timer_expire(uint32_t n)
{
	struct rvx_timer t;
	double v[REPS];
	uint64_t now = 0;

	BENCH_REQUIRE(rvx_timer_init(&t, timer_storage, sizeof(timer_storage), n) == 0, "init");
	for (uint32_t i = 0; i < n; i++)
		BENCH_REQUIRE(rvx_timer_arm_at(&t, 1 + rnd() % (10u * n), i, &th[i]) == 0, "arm");
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = bench_now_ns();

		for (int i = 0; i < ITERS; i++) {
			uint64_t next;
			rvx_handle_t h;
			int ret = rvx_timer_next_deadline(&t, &next);

			BENCH_REQUIRE(ret == 0, "next: %s", rvx_strerror(ret));
			now = next;
			ret = rvx_timer_expire(&t, now, cookies, 1);
			BENCH_REQUIRE(ret == 1, "expire returned %d", ret);
			ret = rvx_timer_arm_after(&t, now, 1 + rnd() % (10u * n), cookies[0], &h);
			BENCH_REQUIRE(ret == 0, "re-arm: %s", rvx_strerror(ret));
		}
		v[r] = (double)(bench_now_ns() - t0) / ITERS;
	}
	return bench_median(v, REPS);
}

/* 4096 timers due at one instant, expired 64 per call: ns per timer. */
static double time_timer_burst(void)
{
	struct rvx_timer t;
	double v[REPS];

	for (int r = 0; r < REPS; r++) {
		int total = 0, got;
		uint64_t t0;

		BENCH_REQUIRE(rvx_timer_init(&t, timer_storage, sizeof(timer_storage), MAX_TASKS) == 0,
			      "init");
		for (uint32_t i = 0; i < MAX_TASKS; i++)
			BENCH_REQUIRE(rvx_timer_arm_at(&t, 1000, i, &th[i]) == 0, "arm");
		t0 = bench_now_ns();
		while ((got = rvx_timer_expire(&t, 1000, cookies, 64)) > 0)
			total += got;
		v[r] = (double)(bench_now_ns() - t0) / MAX_TASKS;
		BENCH_REQUIRE(got == 0 && total == MAX_TASKS, "burst fired %d", total);
	}
	return bench_median(v, REPS);
}

int main(void)
{
	double step, read;

	bench_pin(0);
	bench_timer_floor(&step, &read);
	printf("bench-sched: one thread, library calls only, virtual time in the loops\n");
	printf("timer floor: step %.0f ns, clock read %.1f ns; each figure: median of %d x %d ops\n\n",
	       step, read, REPS, ITERS);

	printf("%-44s %10s %10s %10s %10s\n", "ready tasks on the CPU", "8", "64", "512", "4096");
	const char *names[] = {"pick + yield (new deadline), 1 partition",
			       "pick + put (same deadline), 1 partition",
			       "pick + yield, 8 budgeted partitions"};
	for (int row = 0; row < 3; row++) {
		printf("%-44s", names[row]);
		for (size_t k = 0; k < RVX_ARRAY_COUNT(sizes); k++)
			printf(" %7.1f ns", time_pick(sizes[k], row == 2 ? PARTS : 1, row != 1));
		printf("\n");
	}
	printf("%-44s", "put_pick (yield + pick in one call), 1 part.");
	for (size_t k = 0; k < RVX_ARRAY_COUNT(sizes); k++)
		printf(" %7.1f ns", time_put_pick(sizes[k], 1));
	printf("\n%-44s", "put_pick, 8 budgeted partitions");
	for (size_t k = 0; k < RVX_ARRAY_COUNT(sizes); k++)
		printf(" %7.1f ns", time_put_pick(sizes[k], PARTS));
	printf("\n");
	printf("\n%-44s %10s %10s %10s %10s\n", "timers armed", "8", "64", "512", "4096");
	printf("%-44s", "arm + cancel one more");
	for (size_t k = 0; k < RVX_ARRAY_COUNT(sizes); k++)
		printf(" %7.1f ns", time_timer_arm_cancel(sizes[k]));
	printf("\n%-44s", "expire earliest + re-arm (periodic tick)");
	for (size_t k = 0; k < RVX_ARRAY_COUNT(sizes); k++)
		printf(" %7.1f ns", time_timer_expire(sizes[k]));
	printf("\n%-44s %7.1f ns per timer\n", "4096 due at once, expired 64 per call", time_timer_burst());

	printf("\nkernel memory per task (budget <= 1024 B; seL4 TCB 2 KiB, Linux thread ~21 KiB):\n");
	printf("  task control block (struct rvx_task)      %4zu B\n", sizeof(struct rvx_task));
	printf("  capability table, %2d slots               %4zu B\n", RVX_CONFIG_CAP_SLOTS_PER_TASK,
	       (size_t)RVX_CAP_TABLE_BYTES(RVX_CONFIG_CAP_SLOTS_PER_TASK));
	printf("  total (RVX_SCHED_TASK_KERNEL_BYTES)       %4zu B\n",
	       (size_t)RVX_SCHED_TASK_KERNEL_BYTES);
	printf("  scheduler storage per task, 4096 tasks    %4.1f B (control block, heap entry %zu B, heap\n"
	       "    on 1 CPU with 1 partition                    position 4 B; the capability table is\n"
	       "                                                 the cap library's storage)\n",
	       (double)rvx_sched_storage_size(4096, 1, 1, 4096) / 4096.0,
	       sizeof(struct rvx_sched_hent));
	return 0;
}
