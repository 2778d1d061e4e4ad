/* SPDX-License-Identifier: Apache-2.0 */
/* Novelty: input unlike what a task has seen raises its priority; input it
 * keeps seeing does not. */
#include <math.h>

#include "sched_fixture.h"

TestSuite(sched_novelty, .init = fx_setup, .fini = fx_check_invariants);

static const float vec_v[8] = {1, 0, 0, 0, 0, 0, 0, 0};
static const float vec_w[8] = {0, 0, 0, 1, 0, 0, 0, 0};

static void observe(rvx_handle_t id, const float *v, uint32_t dim)
{
	int ret = rvx_sched_task_observe(S, id, v, dim);

	cr_assert_eq(ret, 0, "observe: %s", rvx_strerror(ret));
}

/* Give a task a history of `v`: observe it, run it once, block it. */
static void teach(rvx_handle_t id, const float *v, uint64_t now)
{
	observe(id, v, 8);
	cr_assert_eq(rvx_sched_task_wake(S, id, now), 0);
	cr_assert(fx_same(fx_pick(fx_info(id).cpu, now, NULL), id));
	cr_assert_eq(rvx_sched_task_block(S, id, now, 0), 0);
}

Test(sched_novelty, first_input_is_novel)
{
	rvx_handle_t a = fx_task(0, 0, 100);

	observe(a, vec_v, 8);
	cr_assert_eq(fx_info(a).novelty, RVX_SCHED_Q16_ONE);
	cr_assert_eq(fx_info(a).novelty_boost_ns, RVX_SCHED_NOVELTY_BOOST_MAX_NS);
	cr_assert_eq(fx_info(a).pending_count, 1);
}

Test(sched_novelty, pick_merges_and_clears)
{
	rvx_handle_t a = fx_task(0, 0, 100);
	struct rvx_task t;

	teach(a, vec_v, 0);
	t = fx_info(a);
	cr_assert_eq(t.novelty, 0);
	cr_assert_eq(t.novelty_boost_ns, 0);
	cr_assert_eq(t.pending_count, 0);
	cr_assert(t.flags & RVX_TASK_F_SUMMARY);
	cr_assert_float_eq(t.summary[0], 1.0f, 1e-6f);
	for (int i = 1; i < RVX_SCHED_SKETCH_DIM; i++)
		cr_assert_float_eq(t.summary[i], 0.0f, 1e-6f);
}

Test(sched_novelty, novel_input_raises_priority)
{
	rvx_handle_t a = fx_task(0, 0, 1000), b = fx_task(0, 0, 1000);

	teach(a, vec_v, 0);
	teach(b, vec_v, 0);
	/* before: both have seen v; a is woken first (wins an equal key) */
	observe(a, vec_v, 8); /* repeated */
	observe(b, vec_w, 8); /* novel */
	cr_assert_eq(fx_info(a).novelty, 0);
	cr_assert_eq(fx_info(b).novelty, RVX_SCHED_Q16_ONE);
	cr_assert_eq(rvx_sched_task_wake(S, a, 10), 0);
	cr_assert_eq(rvx_sched_task_wake(S, b, 10), 0);
	/* after: equal deadlines, b goes first */
	cr_assert(fx_same(fx_pick(0, 10, NULL), b));
}

Test(sched_novelty, repeated_input_does_not_raise)
{
	rvx_handle_t a = fx_task(0, 0, 1000), b = fx_task(0, 0, 1000);

	teach(a, vec_v, 0);
	teach(b, vec_w, 0);
	for (int round = 0; round < 5; round++) {
		observe(a, vec_v, 8);
		observe(b, vec_w, 8);
		cr_assert_eq(fx_info(a).novelty_boost_ns, 0);
		cr_assert_eq(fx_info(b).novelty_boost_ns, 0);
		cr_assert_eq(rvx_sched_task_wake(S, a, 100 * (uint64_t)round), 0);
		cr_assert_eq(rvx_sched_task_wake(S, b, 100 * (uint64_t)round), 0);
		/* equal deadlines, no boost: index order */
		rvx_handle_t first = fx_pick(0, 100 * (uint64_t)round, NULL);
		cr_assert(fx_same(first, a), "round %d", round);
		cr_assert_eq(rvx_sched_task_block(S, a, 0, 0), 0);
		cr_assert(fx_same(fx_pick(0, 100 * (uint64_t)round, NULL), b));
		cr_assert_eq(rvx_sched_task_block(S, b, 0, 0), 0);
	}
}

Test(sched_novelty, observe_rekeys_a_ready_task)
{
	rvx_handle_t a = fx_task(0, 0, 1000), b = fx_task(0, 0, 1000);

	teach(a, vec_v, 0);
	teach(b, vec_v, 0);
	cr_assert_eq(rvx_sched_task_wake(S, a, 0), 0);
	cr_assert_eq(rvx_sched_task_wake(S, b, 0), 0);
	/* before: a would go first */
	observe(b, vec_w, 8);
	/* after: b moved ahead while READY */
	cr_assert_eq(fx_info(b).key, 0, "deadline 1000 minus a 1 ms boost saturates at 0");
	cr_assert(fx_same(fx_pick(0, 0, NULL), b));
}

Test(sched_novelty, partial_novelty_is_one_minus_cosine)
{
	rvx_handle_t a = fx_task(0, 0, 100);
	const float diag[2] = {1, 1}; /* 45 degrees from v */
	double expect = 0.29289321881345254; /* 1 - cos(45 degrees) */

	teach(a, vec_v, 0);
	observe(a, diag, 2);
	cr_assert_float_eq(fx_info(a).novelty / 65536.0, expect, 1e-4);
}

Test(sched_novelty, summary_is_moving_average)
{
	rvx_handle_t a = fx_task(0, 0, 100);
	struct rvx_task t;

	teach(a, vec_v, 0);
	teach(a, vec_w, 0);
	t = fx_info(a);
	cr_assert_float_eq(t.summary[0], 0.875f, 1e-6f);
	cr_assert_float_eq(t.summary[3], 0.125f, 1e-6f);
	/* v is now a little novel, w more so. */
	observe(a, vec_v, 8);
	uint32_t nv = fx_info(a).novelty;
	cr_assert_gt(nv, 0);
	cr_assert_lt(nv, RVX_SCHED_Q16_ONE / 4);
}

Test(sched_novelty, folds_long_and_extreme_vectors)
{
	rvx_handle_t a = fx_task(0, 0, 100);
	static float big[1000];

	for (int i = 0; i < 1000; i++)
		big[i] = (i % 3 ? 3e38f : -1e-30f);
	observe(a, big, 1000);
	for (int i = 0; i < RVX_SCHED_SKETCH_DIM; i++)
		cr_assert(isfinite(fx_info(a).pending[i]));
	cr_assert_eq(rvx_sched_task_wake(S, a, 0), 0);
	cr_assert(fx_same(fx_pick(0, 0, NULL), a)); /* merges it */
	observe(a, big, 1000);
	cr_assert_eq(fx_info(a).novelty, 0);
}

Test(sched_novelty, errors_change_nothing)
{
	struct fx_snap snap;
	rvx_handle_t a = fx_task(0, 0, 100), dead = fx_task(0, 0, 100);
	float bad[4] = {1, 2, 3, 4}, zero[4] = {0};

	cr_assert_eq(rvx_sched_task_exit(S, dead, 0, 0), 0);
	observe(a, vec_v, 8);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_task_observe(S, rvx_handle_make(FX_TASKS, 1), bad, 4), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_observe(S, a, NULL, 4), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_observe(S, a, bad, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_observe(S, a, bad, RVX_SCHED_OBSERVE_DIM_MAX + 1), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_observe(S, a, zero, 4), -RVX_EINVAL);
	bad[2] = NAN;
	cr_assert_eq(rvx_sched_task_observe(S, a, bad, 4), -RVX_EINVAL);
	bad[2] = INFINITY;
	cr_assert_eq(rvx_sched_task_observe(S, a, bad, 4), -RVX_EINVAL);
	bad[2] = -INFINITY;
	cr_assert_eq(rvx_sched_task_observe(S, a, bad, 4), -RVX_EINVAL);
	bad[2] = 3;
	cr_assert_eq(rvx_sched_task_observe(S, rvx_handle_make(rvx_handle_index(a), 9), bad, 4),
		     -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_observe(S, dead, bad, 4), -RVX_EBUSY);
	fx_snap_assert_same(&snap, "failed observe");
}
