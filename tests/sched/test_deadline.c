/* SPDX-License-Identifier: Apache-2.0 */
/* Deadline misses are counted once per deadline, reported, and the task
 * still runs; a long-missed task is not starved by a stream of tight tasks,
 * boosted ones included. */
#include "sched_fixture.h"

TestSuite(sched_deadline, .init = fx_setup, .fini = fx_check_invariants);

Test(sched_deadline, miss_at_pick_is_reported_and_runs)
{
	rvx_handle_t a = fx_ready(0, 0, 100, 0);
	uint32_t flags = 0;
	struct rvx_sched_stats st;

	cr_assert(fx_same(fx_pick(0, 101, &flags), a));
	cr_assert(flags & RVX_SCHED_PICK_MISSED);
	cr_assert_eq(fx_info(a).deadline_misses, 1);
	cr_assert_eq(fx_info(a).state, RVX_TASK_RUNNING);
	cr_assert_eq(rvx_sched_stats(S, &st), 0);
	cr_assert_eq(st.deadline_misses, 1);
}

Test(sched_deadline, deadline_itself_is_not_a_miss)
{
	rvx_handle_t a = fx_ready(0, 0, 100, 0);
	uint32_t flags = 0;

	cr_assert(fx_same(fx_pick(0, 100, &flags), a));
	cr_assert_eq(flags, 0);
	cr_assert_eq(rvx_sched_put(S, 0, a, 100, 0), 0);
	cr_assert_eq(fx_info(a).deadline_misses, 0);
}

Test(sched_deadline, counted_once_per_deadline)
{
	rvx_handle_t a = fx_ready(0, 0, 100, 0);
	uint32_t flags;

	fx_pick(0, 50, NULL);
	cr_assert_eq(rvx_sched_put(S, 0, a, 150, 100), 0); /* missed while running */
	cr_assert_eq(fx_info(a).deadline_misses, 1);
	cr_assert(fx_same(fx_pick(0, 160, &flags), a));
	cr_assert(flags & RVX_SCHED_PICK_MISSED, "still reported as late");
	cr_assert_eq(fx_info(a).deadline_misses, 1, "but counted once");
	cr_assert_eq(rvx_sched_yield(S, 0, a, 170, 10), 0);
	/* New job, deadline 270: met. */
	cr_assert(fx_same(fx_pick(0, 200, &flags), a));
	cr_assert_eq(flags, 0);
	cr_assert_eq(rvx_sched_task_block(S, a, 300, 100), 0);
	cr_assert_eq(fx_info(a).deadline_misses, 2, "a block after the deadline counts");
	cr_assert_eq(S->cpus[0].deadline_misses, 2);
}

Test(sched_deadline, missed_task_not_starved_by_tight_stream)
{
	/* The victim: deadline 1000, full risk penalty. The stream: one new task
	 * per pick, deadline now + 10, full cut pressure and full novelty. */
	rvx_handle_t victim = fx_ready(0, 0, 1000, 0);
	const float v[4] = {1, 2, 3, 4};
	uint64_t now = 0, step = 1000;
	uint64_t bound = (1000 + RVX_SCHED_STARVATION_SLACK_NS) / step + 2;
	uint64_t picks = 0;
	bool picked = false;

	cr_assert_eq(rvx_sched_task_set_risk(S, victim, RVX_SCHED_Q16_ONE), 0);
	while (!picked && picks <= bound) {
		rvx_handle_t t = fx_ready(0, 0, 10, now), id;
		uint32_t flags;

		cr_assert_eq(rvx_sched_task_set_cut_pressure(S, t, RVX_SCHED_Q16_ONE), 0);
		cr_assert_eq(rvx_sched_task_set_urgency(S, t, RVX_SCHED_URGENCY_MAX), 0);
		cr_assert_eq(rvx_sched_task_observe(S, t, v, 4), 0);
		cr_assert_eq(fx_info(t).novelty, RVX_SCHED_Q16_ONE);
		id = fx_pick(0, now, &flags);
		picks++;
		now += step;
		if (fx_same(id, victim)) {
			picked = true;
			cr_assert(flags & RVX_SCHED_PICK_MISSED);
			break;
		}
		cr_assert_eq(rvx_sched_task_exit(S, id, now, step), 0);
		cr_assert_eq(rvx_sched_task_free(S, id), 0);
	}
	cr_assert(picked, "victim not picked within %llu picks", (unsigned long long)bound);
	/* It cannot have been picked before the boosts stopped hiding it. */
	cr_assert_gt(picks, RVX_SCHED_STARVATION_SLACK_NS / step / 2);
	cr_assert_eq(fx_info(victim).deadline_misses, 1);
}

Test(sched_deadline, missed_task_in_spent_partition_waits_one_period_at_most)
{
	rvx_handle_t victim;
	uint64_t now = 0, step = 10000;
	bool picked = false;

	cr_assert_eq(rvx_sched_partition_set_budget(S, 1, 10000), 0);
	victim = fx_ready(0, 1, 10, 0);
	fx_pick(0, 0, NULL);
	cr_assert_eq(rvx_sched_put(S, 0, victim, step, step), 0); /* spends partition 1 */
	now = step;
	while (now <= 2 * (uint64_t)FX_PERIOD) {
		rvx_handle_t t = fx_ready(0, 0, 10, now), id = fx_pick(0, now, NULL);

		now += step;
		if (fx_same(id, victim)) {
			picked = true;
			break;
		}
		cr_assert_eq(rvx_sched_task_exit(S, id, now, step), 0);
		cr_assert_eq(rvx_sched_task_free(S, id), 0);
		(void)t;
	}
	cr_assert(picked);
	cr_assert_leq(now, (uint64_t)FX_PERIOD + step, "picked at %llu", (unsigned long long)now);
}
