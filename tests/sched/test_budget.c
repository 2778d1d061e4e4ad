/* SPDX-License-Identifier: Apache-2.0 */
/* Partition budgets: a spent partition yields to partitions with budget
 * left; budgets refill at the end of the period or when every partition
 * with ready tasks is spent; no partition starves. */
#include "sched_fixture.h"

TestSuite(sched_budget, .init = fx_setup, .fini = fx_check_invariants);

Test(sched_budget, set_budget_success_and_errors)
{
	struct fx_snap snap;

	cr_assert_eq(rvx_sched_partition_set_budget(S, 2, 1234), 0);
	cr_assert_eq(S->budgets[2], 1234);
	for (uint32_t c = 0; c < FX_CPUS; c++)
		cr_assert_eq(S->rqs[c * FX_PARTS + 2].budget_left, 1234);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_partition_set_budget(S, FX_PARTS, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_partition_set_budget(S, 0, 0), -RVX_EINVAL);
	fx_snap_assert_same(&snap, "failed set_budget");
}

Test(sched_budget, spent_partition_yields_until_period_end)
{
	rvx_handle_t a, b;
	uint32_t flags;

	cr_assert_eq(rvx_sched_partition_set_budget(S, 0, 100), 0);
	a = fx_ready(0, 0, 10, 0);    /* earliest deadline, budgeted partition */
	b = fx_ready(0, 1, 5000, 0);  /* unlimited partition */
	cr_assert(fx_same(fx_pick(0, 0, &flags), a));
	cr_assert_eq(rvx_sched_put(S, 0, a, 100, 100), 0);
	/* before: a's partition has spent its 100 ns */
	cr_assert_eq(S->rqs[0].budget_left, 0);
	/* after: b runs although a's deadline is earlier (and passed) */
	cr_assert(fx_same(fx_pick(0, 100, &flags), b));
	cr_assert_eq(flags, 0);
	cr_assert_eq(rvx_sched_put(S, 0, b, 200, 100), 0);
	cr_assert(fx_same(fx_pick(0, 200, NULL), b));
	cr_assert_eq(rvx_sched_put(S, 0, b, FX_PERIOD - 1, 10), 0);
	cr_assert(fx_same(fx_pick(0, FX_PERIOD - 1, NULL), b));
	cr_assert_eq(rvx_sched_put(S, 0, b, FX_PERIOD + 5, 10), 0);
	/* The period ended: budgets refill and a is first again. */
	cr_assert(fx_same(fx_pick(0, FX_PERIOD + 5, &flags), a));
	cr_assert(flags & RVX_SCHED_PICK_REFILLED);
	cr_assert_eq(S->cpus[0].period_start, FX_PERIOD);
}

Test(sched_budget, all_spent_refills_early)
{
	rvx_handle_t a, b;
	uint32_t flags;
	struct rvx_sched_stats st;

	cr_assert_eq(rvx_sched_partition_set_budget(S, 0, 100), 0);
	cr_assert_eq(rvx_sched_partition_set_budget(S, 1, 100), 0);
	a = fx_ready(0, 0, 10, 0);
	b = fx_ready(0, 1, 20, 0);
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	cr_assert_eq(rvx_sched_put(S, 0, a, 150, 150), 0);
	cr_assert(fx_same(fx_pick(0, 150, &flags), b));
	cr_assert_eq(flags & RVX_SCHED_PICK_REFILLED, 0);
	cr_assert_eq(rvx_sched_put(S, 0, b, 250, 100), 0);
	/* before: both partitions spent, both have ready tasks, period not over */
	cr_assert_eq(S->cpus[0].eligible, 0);
	cr_assert(fx_same(fx_pick(0, 250, &flags), a));
	/* after: refilled, new period from now */
	cr_assert(flags & RVX_SCHED_PICK_REFILLED);
	cr_assert_eq(S->cpus[0].period_start, 250);
	cr_assert_eq(rvx_sched_stats(S, &st), 0);
	cr_assert_eq(st.refills, 1);
}

Test(sched_budget, budgets_are_per_cpu)
{
	rvx_handle_t a, b;

	cr_assert_eq(rvx_sched_partition_set_budget(S, 0, 100), 0);
	a = fx_ready(0, 0, 10, 0);
	fx_ready(0, 1, 5000, 0);
	b = fx_ready(1, 0, 10, 0);
	fx_pick(0, 0, NULL);
	cr_assert_eq(rvx_sched_put(S, 0, a, 100, 100), 0);
	/* CPU 0 spent partition 0's budget; CPU 1 still has it. */
	cr_assert_eq(S->rqs[0 * FX_PARTS + 0].budget_left, 0);
	cr_assert_eq(S->rqs[1 * FX_PARTS + 0].budget_left, 100);
	cr_assert(fx_same(fx_pick(1, 100, NULL), b));
}

Test(sched_budget, unlimited_never_spent)
{
	rvx_handle_t a = fx_ready(0, 0, 10, 0);

	fx_pick(0, 0, NULL);
	cr_assert_eq(rvx_sched_put(S, 0, a, 0, UINT64_MAX - 1), 0);
	cr_assert_eq(S->rqs[0].budget_left, RVX_SCHED_BUDGET_UNLIMITED);
	cr_assert(fx_same(fx_pick(0, 1, NULL), a));
}

Test(sched_budget, partition_never_starves)
{
	/* Partition 0 has a stream of tight tasks and 60% of the period;
	 * partition 1 one task with a late deadline and 40%. Within every
	 * period the late task gets the CPU. */
	rvx_handle_t lone;
	uint64_t now = 0, step = 10000;
	int lone_runs = 0;

	cr_assert_eq(rvx_sched_partition_set_budget(S, 0, FX_PERIOD * 6 / 10), 0);
	cr_assert_eq(rvx_sched_partition_set_budget(S, 1, FX_PERIOD * 4 / 10), 0);
	lone = fx_ready(0, 1, 100 * (uint64_t)FX_PERIOD, 0);
	for (int i = 0; i < 8; i++)
		fx_ready(0, 0, 1000, 0);
	while (now < 10 * (uint64_t)FX_PERIOD) {
		rvx_handle_t id = fx_pick(0, now, NULL);

		now += step;
		if (fx_same(id, lone)) {
			lone_runs++;
			cr_assert_eq(rvx_sched_put(S, 0, id, now, step), 0);
		} else {
			cr_assert_eq(rvx_sched_yield(S, 0, id, now, step), 0);
		}
	}
	/* 40 steps of budget per period, 10 periods. */
	cr_assert_geq(lone_runs, 10 * 39, "lone task ran %d times", lone_runs);
	cr_assert_leq(lone_runs, 10 * 41, "lone task ran %d times", lone_runs);
}
