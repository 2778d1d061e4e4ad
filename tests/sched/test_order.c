/* SPDX-License-Identifier: Apache-2.0 */
/* Pick order: EDF on the key, equal keys FIFO (wake, yield and migrate go
 * behind, put keeps its place), across partitions, and the cut pressure and
 * risk terms. */
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

Test(sched_order, ties_fifo_by_wake_order)
{
	static const int wake_order[] = {3, 1, 4, 0, 2};
	rvx_handle_t ids[5];

	for (int i = 0; i < 5; i++)
		ids[i] = fx_task(0, 0, 100);
	/* before: five equal tasks, woken at the same instant out of index order */
	for (int i = 0; i < 5; i++)
		cr_assert_eq(rvx_sched_task_wake(S, ids[wake_order[i]], 0), 0);
	/* after: equal keys come out in wake order, not index order */
	for (int i = 0; i < 5; i++) {
		rvx_handle_t id = fx_pick(0, 0, NULL);

		cr_assert(fx_same(id, ids[wake_order[i]]), "pick %d", i);
		cr_assert_eq(rvx_sched_task_block(S, id, 0, 0), 0);
	}
}

Test(sched_order, yield_alternates_when_time_stands_still)
{
	rvx_handle_t a = fx_ready(0, 0, 1000, 0), b = fx_ready(0, 0, 1000, 0);
	char got[9] = {0};

	/* Time never moves, so every yield's new key equals the peer's. */
	for (int i = 0; i < 8; i++) {
		rvx_handle_t id = fx_pick(0, 0, NULL);

		got[i] = fx_same(id, a) ? 'A' : fx_same(id, b) ? 'B' : '?';
		cr_assert_eq(fx_info(id).key, 1000);
		cr_assert_eq(rvx_sched_yield(S, 0, id, 0, 0), 0);
	}
	cr_assert_str_eq(got, "ABABABAB");
}

Test(sched_order, yield_goes_behind_equal_peers_across_partitions)
{
	/* Equal keys in different partitions of one CPU: the partition heap
	 * compares the heads by the same (key, enqueue order) rule. */
	rvx_handle_t a = fx_ready(0, 2, 1000, 0), b = fx_ready(0, 0, 1000, 0);
	rvx_handle_t c = fx_ready(0, 1, 1000, 0);
	rvx_handle_t want[] = {a, b, c, a, b, c};

	for (int i = 0; i < 6; i++) {
		rvx_handle_t id = fx_pick(0, 0, NULL);

		cr_assert(fx_same(id, want[i]), "pick %d", i);
		cr_assert_eq(rvx_sched_yield(S, 0, id, 0, 0), 0);
	}
}

Test(sched_order, put_keeps_place_among_equal_keys)
{
	rvx_handle_t a = fx_ready(0, 0, 1000, 0), b = fx_ready(0, 0, 1000, 0);
	rvx_handle_t c = fx_ready(0, 0, 1000, 0);

	/* before: a, b, c equal, in that order; a is picked and preempted */
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	cr_assert_eq(rvx_sched_put(S, 0, a, 0, 0), 0);
	/* after: a is still ahead of b and c, which were behind it */
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	cr_assert_eq(rvx_sched_yield(S, 0, a, 0, 0), 0);
	/* b is preempted: ahead of c and of a (which yielded after b arrived) */
	cr_assert(fx_same(fx_pick(0, 0, NULL), b));
	cr_assert_eq(rvx_sched_put(S, 0, b, 0, 0), 0);
	rvx_handle_t want[] = {b, c, a};

	for (int i = 0; i < 3; i++) {
		rvx_handle_t id = fx_pick(0, 0, NULL);

		cr_assert(fx_same(id, want[i]), "pick %d", i);
		cr_assert_eq(rvx_sched_task_block(S, id, 0, 0), 0);
	}
}

Test(sched_order, rekey_keeps_place_migrate_takes_new)
{
	rvx_handle_t a = fx_ready(0, 0, 1000, 0), b = fx_ready(0, 0, 1000, 0);
	rvx_handle_t c = fx_ready(0, 0, 1000, 0);

	/* A change of inputs that ends at the same key keeps a's place. */
	cr_assert_eq(rvx_sched_task_set_risk(S, a, RVX_SCHED_Q16_ONE), 0);
	cr_assert_eq(rvx_sched_task_set_risk(S, a, 0), 0);
	cr_assert_eq(fx_info(a).key, 1000);
	/* A migration is a new arrival: b goes behind c (and a). */
	cr_assert_eq(rvx_sched_task_migrate(S, b, 0, 1), 0);
	rvx_handle_t want[] = {a, c, b};

	for (int i = 0; i < 3; i++) {
		rvx_handle_t id = fx_pick(0, 0, NULL);

		cr_assert(fx_same(id, want[i]), "pick %d", i);
		cr_assert_eq(rvx_sched_task_block(S, id, 0, 0), 0);
	}
}

Test(sched_order, fifo_across_counter_wrap)
{
	rvx_handle_t ids[6];

	/* before: the CPU's counter is 3 short of wrapping */
	S->cpus[0].enqueue_seq = UINT32_MAX - 2;
	for (int i = 0; i < 6; i++)
		ids[i] = fx_ready(0, (uint32_t)i % 2, 100, 0);
	/* after: numbers UINT32_MAX-2 .. 2, still in wake order */
	cr_assert_eq(S->cpus[0].enqueue_seq, 3);
	fx_check_invariants();
	for (int i = 0; i < 6; i++) {
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

Test(sched_order, urgency_orders_close_deadlines_but_not_distant_ones)
{
	/* before: a due at 1000 ns; b due half a boost later but fully urgent */
	uint64_t half = RVX_SCHED_URGENCY_BOOST_MAX_NS / 2;
	rvx_handle_t a = fx_ready(0, 0, 1000, 0), b = fx_ready(0, 0, 1000 + half, 0), c;

	cr_assert_eq(rvx_sched_task_set_urgency(S, b, RVX_SCHED_URGENCY_MAX), 0);
	/* after: b goes first; a next */
	cr_assert(fx_same(fx_pick(0, 0, NULL), b));
	cr_assert_eq(rvx_sched_task_exit(S, b, 0, 0), 0);
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	cr_assert_eq(rvx_sched_task_exit(S, a, 0, 0), 0);
	/* a deadline further off than the whole boost is not overtaken */
	a = fx_ready(0, 0, 1000, 0);
	c = fx_ready(0, 0, 1000 + 2 * RVX_SCHED_URGENCY_BOOST_MAX_NS, 0);
	cr_assert_eq(rvx_sched_task_set_urgency(S, c, RVX_SCHED_URGENCY_MAX), 0);
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
}
