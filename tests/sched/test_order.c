/* SPDX-License-Identifier: Apache-2.0 */
/* Pick order: EDF on the key, ties by index, across partitions, and the
 * cut pressure and risk terms. */
#include "sched_fixture.h"

TestSuite(sched_order, .init = fx_setup, .fini = fx_check_invariants);

Test(sched_order, earliest_deadline_first)
{
	static const uint64_t rel[] = {500, 100, 900, 300, 700, 200, 800, 400, 600};
	rvx_handle_t ids[RVX_ARRAY_COUNT(rel)];
	uint64_t last = 0;

	for (size_t i = 0; i < RVX_ARRAY_COUNT(rel); i++)
		ids[i] = fx_ready(0, 0, rel[i], 0);
	/* after: deadlines come out in increasing order */
	for (size_t n = 0; n < RVX_ARRAY_COUNT(rel); n++) {
		rvx_handle_t id = fx_pick(0, 0, NULL);
		struct rvx_task t = fx_info(id);

		cr_assert_geq(t.deadline, last);
		last = t.deadline;
		cr_assert_eq(rvx_sched_task_block(S, id, 0, 0), 0);
	}
	cr_assert_eq(last, 900);
	(void)ids;
}

Test(sched_order, ties_broken_by_index)
{
	rvx_handle_t ids[5];

	for (int i = 0; i < 5; i++)
		ids[i] = fx_ready(0, 0, 100, 0);
	for (int i = 0; i < 5; i++) {
		rvx_handle_t id = fx_pick(0, 0, NULL);

		cr_assert(fx_same(id, ids[i]), "pick %d", i);
		cr_assert_eq(rvx_sched_task_block(S, id, 0, 0), 0);
	}
}

Test(sched_order, edf_across_partitions)
{
	rvx_handle_t a = fx_ready(0, 3, 400, 0), b = fx_ready(0, 1, 100, 0);
	rvx_handle_t c = fx_ready(0, 2, 300, 0), d = fx_ready(0, 0, 200, 0);
	rvx_handle_t want[] = {b, d, c, a};

	for (int i = 0; i < 4; i++) {
		rvx_handle_t id = fx_pick(0, 0, NULL);

		cr_assert(fx_same(id, want[i]), "pick %d", i);
		cr_assert_eq(rvx_sched_task_exit(S, id, 0, 0), 0);
	}
}

Test(sched_order, cpus_are_independent)
{
	rvx_handle_t a = fx_ready(0, 0, 500, 0), b = fx_ready(1, 0, 100, 0), id;

	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	cr_assert(fx_same(fx_pick(1, 0, NULL), b));
	cr_assert_eq(rvx_sched_pick(S, 0, 0, &id, NULL), -RVX_EBUSY);
	cr_assert_eq(rvx_sched_put(S, 0, a, 0, 0), 0);
	cr_assert_eq(rvx_sched_pick(S, 1, 0, &id, NULL), -RVX_EBUSY);
}

Test(sched_order, cut_pressure_moves_earlier)
{
	const uint64_t t0 = 10000000;
	rvx_handle_t a = fx_ready(0, 0, 1000, t0), b = fx_ready(0, 0, 1000 + 400000, t0);

	/* before: a's deadline is 400 us earlier */
	cr_assert_eq(rvx_sched_task_set_cut_pressure(S, b, RVX_SCHED_Q16_ONE / 2), 0);
	/* after: half pressure moves b 500 us earlier, ahead of a */
	cr_assert_eq(fx_info(b).key, t0 + 1000 + 400000 - RVX_SCHED_PRESSURE_BOOST_MAX_NS / 2);
	cr_assert(fx_same(fx_pick(0, t0, NULL), b));
	cr_assert_eq(rvx_sched_task_exit(S, b, t0, 0), 0);
	cr_assert(fx_same(fx_pick(0, t0, NULL), a));
}

Test(sched_order, risk_moves_later)
{
	rvx_handle_t a = fx_ready(0, 0, 1000, 0), b = fx_ready(0, 0, 2000, 0);

	cr_assert_eq(rvx_sched_task_set_risk(S, a, RVX_SCHED_Q16_ONE / 4), 0);
	cr_assert_eq(fx_info(a).key, 1000 + RVX_SCHED_RISK_PENALTY_MAX_NS / 4);
	cr_assert(fx_same(fx_pick(0, 0, NULL), b));
	cr_assert_eq(rvx_sched_task_set_risk(S, a, 0), 0);
	cr_assert_eq(rvx_sched_put(S, 0, b, 0, 0), 0);
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
}

Test(sched_order, key_saturates)
{
	rvx_handle_t a = fx_ready(0, 0, 10, 0), b = fx_ready(0, 0, UINT64_MAX, 5);

	cr_assert_eq(rvx_sched_task_set_cut_pressure(S, a, RVX_SCHED_Q16_ONE), 0);
	cr_assert_eq(fx_info(a).key, 0, "boost larger than the deadline saturates at 0");
	cr_assert_eq(rvx_sched_task_set_risk(S, b, RVX_SCHED_Q16_ONE), 0);
	cr_assert_eq(fx_info(b).key, UINT64_MAX, "penalty saturates at UINT64_MAX");
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
}

Test(sched_order, many_tasks_heap_order)
{
	/* Fill the CPU with every free block in shuffled deadlines. */
	uint64_t last = 0;

	for (uint32_t i = 0; i < FX_TASKS; i++)
		fx_ready(0, i % FX_PARTS, 1 + (i * 37u) % FX_TASKS, 0);
	fx_check_invariants();
	for (uint32_t i = 0; i < FX_TASKS; i++) {
		rvx_handle_t id = fx_pick(0, 0, NULL);
		uint64_t d = fx_info(id).deadline;

		cr_assert_geq(d, last);
		last = d;
		cr_assert_eq(rvx_sched_task_exit(S, id, 0, 0), 0);
		cr_assert_eq(rvx_sched_task_free(S, id), 0);
	}
}
