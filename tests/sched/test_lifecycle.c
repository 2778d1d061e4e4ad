/* SPDX-License-Identifier: Apache-2.0 */
/* Task life cycle: create, wake, pick, put, yield, block, exit, free, and
 * the read-only calls; each error once, with the state unchanged. */
#include "sched_fixture.h"

TestSuite(sched_task, .init = fx_setup, .fini = fx_check_invariants);

static rvx_handle_t stale_of(rvx_handle_t id)
{
	return rvx_handle_make(rvx_handle_index(id), rvx_handle_gen(id) + 1);
}

static rvx_handle_t out_of_range(void)
{
	return rvx_handle_make(FX_TASKS, 1);
}

Test(sched_task, create_success)
{
	rvx_handle_t id = RVX_HANDLE_NULL;
	struct rvx_task t;

	cr_assert_eq(rvx_sched_task_create(S, 1, 2, 5000, 7, &id), 0);
	cr_assert(!rvx_handle_is_null(id));
	t = fx_info(id);
	cr_assert_eq(t.state, RVX_TASK_BLOCKED);
	cr_assert_eq(t.cpu, 1);
	cr_assert_eq(t.partition, 2);
	cr_assert_eq(t.rel_deadline, 5000);
	cr_assert_eq(t.cap_table, 7);
	cr_assert_eq(t.runs + t.total_run_ns + t.deadline_misses + t.novelty, 0);
	cr_assert_eq(rvx_sched_ready_count(S, 1), 0);
}

Test(sched_task, create_errors_change_nothing)
{
	struct fx_snap snap;
	rvx_handle_t id;

	fx_task(0, 0, 10);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_task_create(S, 0, 0, 10, 0, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_create(S, FX_CPUS, 0, 10, 0, &id), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_create(S, 0, FX_PARTS, 10, 0, &id), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_create(S, 0, 0, 0, 0, &id), -RVX_EINVAL);
	fx_snap_assert_same(&snap, "create with bad arguments");
}

Test(sched_task, create_until_full)
{
	struct fx_snap snap;
	rvx_handle_t id;

	for (int i = 0; i < FX_TASKS; i++)
		fx_task((uint32_t)i % FX_CPUS, 0, 10);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_task_create(S, 0, 1, 10, 0, &id), -RVX_ELIMIT);
	fx_snap_assert_same(&snap, "create with no free block");
}

Test(sched_task, create_respects_heap_cap)
{
	static alignas(64) uint8_t buf[RVX_SCHED_STORAGE_SIZE(8, 1, 2, 2)];
	struct rvx_sched s, s0;
	rvx_handle_t a, b, c;

	cr_assert_eq(rvx_sched_init(&s, buf, sizeof(buf), 8, 1, 2, 2, 100), 0);
	cr_assert_eq(rvx_sched_task_create(&s, 0, 0, 10, 0, &a), 0);
	cr_assert_eq(rvx_sched_task_create(&s, 0, 0, 10, 0, &b), 0);
	s0 = s;
	cr_assert_eq(rvx_sched_task_create(&s, 0, 0, 10, 0, &c), -RVX_ELIMIT);
	cr_assert(memcmp(&s, &s0, sizeof(s)) == 0);
	/* The other partition still has room; a dead task gives its place back. */
	cr_assert_eq(rvx_sched_task_create(&s, 0, 1, 10, 0, &c), 0);
	cr_assert_eq(rvx_sched_task_exit(&s, a, 0, 0), 0);
	cr_assert_eq(rvx_sched_task_create(&s, 0, 0, 10, 0, &c), 0);
}

Test(sched_task, wake_success_sets_deadline)
{
	rvx_handle_t id = fx_task(0, 0, 300);
	struct rvx_task t;

	cr_assert_eq(rvx_sched_task_wake(S, id, 1000), 0);
	t = fx_info(id);
	cr_assert_eq(t.state, RVX_TASK_READY);
	cr_assert_eq(t.deadline, 1300);
	cr_assert_eq(t.key, 1300);
	cr_assert_eq(rvx_sched_ready_count(S, 0), 1);
}

Test(sched_task, wake_saturates)
{
	rvx_handle_t id = fx_task(0, 0, 300);

	cr_assert_eq(rvx_sched_task_wake(S, id, UINT64_MAX - 100), 0);
	cr_assert_eq(fx_info(id).deadline, UINT64_MAX);
}

Test(sched_task, wake_errors_change_nothing)
{
	struct fx_snap snap;
	rvx_handle_t ready = fx_ready(0, 0, 10, 0);
	rvx_handle_t dead = fx_task(0, 0, 10);

	cr_assert_eq(rvx_sched_task_exit(S, dead, 0, 0), 0);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_task_wake(S, out_of_range(), 0), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_wake(S, stale_of(ready), 0), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_wake(S, rvx_handle_make(40, 1), 0), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_wake(S, ready, 0), -RVX_EBUSY);
	cr_assert_eq(rvx_sched_task_wake(S, dead, 0), -RVX_EBUSY);
	fx_snap_assert_same(&snap, "failed wake");
}

Test(sched_task, pick_success_and_running)
{
	rvx_handle_t id = fx_ready(1, 3, 50, 100), got, run;
	uint32_t flags = 0xff;
	struct rvx_task t;

	got = fx_pick(1, 120, &flags);
	cr_assert(fx_same(got, id));
	cr_assert_eq(flags, 0);
	t = fx_info(id);
	cr_assert_eq(t.state, RVX_TASK_RUNNING);
	cr_assert_eq(t.runs, 1);
	cr_assert_eq(t.last_run, 120);
	cr_assert_eq(rvx_sched_running(S, 1, &run), 0);
	cr_assert(fx_same(run, id));
	cr_assert_eq(rvx_sched_ready_count(S, 1), 0);
}

Test(sched_task, pick_errors_change_nothing)
{
	struct fx_snap snap;
	rvx_handle_t id;

	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_pick(S, 0, 0, &id, NULL), -RVX_EEMPTY);
	cr_assert_eq(rvx_sched_pick(S, 0, 0, NULL, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_pick(S, FX_CPUS, 0, &id, NULL), -RVX_EINVAL);
	fx_snap_assert_same(&snap, "failed pick on an empty CPU");
	fx_ready(0, 0, 10, 0);
	fx_ready(0, 0, 10, 0);
	fx_pick(0, 0, NULL);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_pick(S, 0, 5000000, &id, NULL), -RVX_EBUSY);
	fx_snap_assert_same(&snap, "pick on a busy CPU");
}

Test(sched_task, put_keeps_deadline_and_charges)
{
	rvx_handle_t id = fx_ready(0, 0, 1000, 0);
	struct rvx_task t;

	fx_pick(0, 10, NULL);
	cr_assert_eq(rvx_sched_put(S, 0, id, 30, 20), 0);
	t = fx_info(id);
	cr_assert_eq(t.state, RVX_TASK_READY);
	cr_assert_eq(t.deadline, 1000);
	cr_assert_eq(t.total_run_ns, 20);
	cr_assert_eq(rvx_sched_running(S, 0, &id), -RVX_EEMPTY);
	cr_assert_eq(rvx_sched_ready_count(S, 0), 1);
}

Test(sched_task, yield_renews_deadline)
{
	rvx_handle_t id = fx_ready(0, 0, 1000, 0);
	struct rvx_task t;

	fx_pick(0, 10, NULL);
	cr_assert_eq(rvx_sched_yield(S, 0, id, 30, 20), 0);
	t = fx_info(id);
	cr_assert_eq(t.state, RVX_TASK_READY);
	cr_assert_eq(t.deadline, 1030);
	cr_assert_eq(t.total_run_ns, 20);
}

Test(sched_task, yield_hands_over_to_equal_task)
{
	rvx_handle_t a = fx_ready(0, 0, 1000, 0), b = fx_ready(0, 0, 1000, 0);

	/* before: a and b ready with the same deadline; a (woken first) first */
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	cr_assert_eq(rvx_sched_yield(S, 0, a, 1, 1), 0);
	/* after: a's next job is due later, so b runs, then a again */
	cr_assert(fx_same(fx_pick(0, 1, NULL), b));
	cr_assert_eq(rvx_sched_yield(S, 0, b, 2, 1), 0);
	cr_assert(fx_same(fx_pick(0, 2, NULL), a));
}

Test(sched_task, put_yield_errors_change_nothing)
{
	struct fx_snap snap;
	rvx_handle_t run = fx_ready(0, 0, 10, 0), other = fx_ready(0, 0, 10, 0);

	cr_assert(fx_same(fx_pick(0, 0, NULL), run));
	fx_snap_take(&snap);
	for (int y = 0; y < 2; y++) {
		int (*fn)(struct rvx_sched *, uint32_t, rvx_handle_t, uint64_t, uint64_t) =
			y ? rvx_sched_yield : rvx_sched_put;

		cr_assert_eq(fn(S, FX_CPUS, run, 1, 1), -RVX_EINVAL);
		cr_assert_eq(fn(S, 0, out_of_range(), 1, 1), -RVX_EINVAL);
		cr_assert_eq(fn(S, 0, stale_of(run), 1, 1), -RVX_ESTALE);
		cr_assert_eq(fn(S, 0, other, 1, 1), -RVX_EBUSY);
		cr_assert_eq(fn(S, 1, run, 1, 1), -RVX_EBUSY);
	}
	fx_snap_assert_same(&snap, "failed put or yield");
}

Test(sched_task, block_running_and_ready)
{
	rvx_handle_t a = fx_ready(0, 0, 10, 0), b = fx_ready(0, 0, 20, 0);
	rvx_handle_t id;

	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	cr_assert_eq(rvx_sched_task_block(S, a, 5, 5), 0);
	cr_assert_eq(fx_info(a).state, RVX_TASK_BLOCKED);
	cr_assert_eq(fx_info(a).total_run_ns, 5);
	cr_assert_eq(rvx_sched_running(S, 0, &id), -RVX_EEMPTY);
	cr_assert_eq(rvx_sched_task_block(S, b, 5, 0), 0);
	cr_assert_eq(fx_info(b).state, RVX_TASK_BLOCKED);
	cr_assert_eq(rvx_sched_ready_count(S, 0), 0);
	cr_assert_eq(rvx_sched_pick(S, 0, 6, &id, NULL), -RVX_EEMPTY);
	cr_assert_eq(rvx_sched_task_wake(S, b, 6), 0);
	cr_assert(fx_same(fx_pick(0, 6, NULL), b));
}

Test(sched_task, block_errors_change_nothing)
{
	struct fx_snap snap;
	rvx_handle_t blocked = fx_task(0, 0, 10), dead = fx_task(0, 0, 10);

	cr_assert_eq(rvx_sched_task_exit(S, dead, 0, 0), 0);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_task_block(S, out_of_range(), 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_block(S, stale_of(blocked), 0, 0), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_block(S, blocked, 0, 0), -RVX_EBUSY);
	cr_assert_eq(rvx_sched_task_block(S, dead, 0, 0), -RVX_EBUSY);
	fx_snap_assert_same(&snap, "failed block");
}

Test(sched_task, exit_from_each_state_then_free)
{
	rvx_handle_t ready = fx_ready(0, 0, 10, 0), blocked = fx_task(0, 1, 10);
	rvx_handle_t running = fx_ready(1, 0, 10, 0), id;
	struct rvx_sched_stats st;

	cr_assert(fx_same(fx_pick(1, 0, NULL), running));
	cr_assert_eq(rvx_sched_task_exit(S, ready, 1, 0), 0);
	cr_assert_eq(rvx_sched_task_exit(S, blocked, 1, 0), 0);
	cr_assert_eq(rvx_sched_task_exit(S, running, 1, 7), 0);
	cr_assert_eq(fx_info(running).state, RVX_TASK_DEAD);
	cr_assert_eq(fx_info(running).total_run_ns, 7);
	cr_assert_eq(rvx_sched_running(S, 1, &id), -RVX_EEMPTY);
	cr_assert_eq(rvx_sched_ready_count(S, 0), 0);
	cr_assert_eq(rvx_sched_pick(S, 0, 1, &id, NULL), -RVX_EEMPTY);
	cr_assert_eq(rvx_sched_stats(S, &st), 0);
	cr_assert_eq(st.dead, 3);
	cr_assert_eq(rvx_sched_task_free(S, ready), 0);
	cr_assert_eq(rvx_sched_task_info(S, ready, &(struct rvx_task){0}), -RVX_ESTALE);
	/* The freed block is reused under a new generation. */
	id = fx_task(0, 0, 10);
	cr_assert_eq(rvx_handle_index(id), rvx_handle_index(ready));
	cr_assert_neq(rvx_handle_gen(id), rvx_handle_gen(ready));
	cr_assert_eq(rvx_sched_task_wake(S, ready, 0), -RVX_ESTALE);
}

Test(sched_task, exit_free_errors_change_nothing)
{
	struct fx_snap snap;
	rvx_handle_t blocked = fx_task(0, 0, 10), dead = fx_task(0, 0, 10);

	cr_assert_eq(rvx_sched_task_exit(S, dead, 0, 0), 0);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_task_exit(S, out_of_range(), 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_exit(S, stale_of(blocked), 0, 0), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_exit(S, dead, 0, 0), -RVX_EBUSY);
	cr_assert_eq(rvx_sched_task_free(S, out_of_range()), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_free(S, stale_of(dead)), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_free(S, blocked), -RVX_EBUSY);
	fx_snap_assert_same(&snap, "failed exit or free");
}

Test(sched_task, setters_success)
{
	rvx_handle_t id = fx_task(0, 0, 10);
	struct rvx_task t;

	cr_assert_eq(rvx_sched_task_set_port_ctx(S, id, 0xfeedbeefcafeull), 0);
	cr_assert_eq(rvx_sched_task_set_rel_deadline(S, id, 77), 0);
	cr_assert_eq(rvx_sched_task_set_cut_pressure(S, id, RVX_SCHED_Q16_ONE / 2), 0);
	cr_assert_eq(rvx_sched_task_set_risk(S, id, RVX_SCHED_Q16_ONE), 0);
	cr_assert_eq(rvx_sched_task_set_urgency(S, id, RVX_SCHED_URGENCY_MAX), 0);
	t = fx_info(id);
	cr_assert_eq(t.urgency, RVX_SCHED_URGENCY_MAX);
	cr_assert_eq(t.port_ctx, 0xfeedbeefcafeull);
	cr_assert_eq(t.rel_deadline, 77);
	cr_assert_eq(t.cut_pressure, RVX_SCHED_Q16_ONE / 2);
	cr_assert_eq(t.risk, RVX_SCHED_Q16_ONE);
	cr_assert_eq(rvx_sched_task_wake(S, id, 10000000), 0);
	t = fx_info(id);
	cr_assert_eq(t.deadline, 10000077);
	cr_assert_eq(t.key, 10000077 - RVX_SCHED_PRESSURE_BOOST_MAX_NS / 2 -
				    RVX_SCHED_URGENCY_BOOST_MAX_NS + RVX_SCHED_RISK_PENALTY_MAX_NS);
	/* a READY task is re-keyed at once */
	cr_assert_eq(rvx_sched_task_set_urgency(S, id, 0), 0);
	cr_assert_eq(fx_info(id).key,
		     10000077 - RVX_SCHED_PRESSURE_BOOST_MAX_NS / 2 + RVX_SCHED_RISK_PENALTY_MAX_NS);
}

Test(sched_task, setters_errors_change_nothing)
{
	struct fx_snap snap;
	rvx_handle_t id = fx_task(0, 0, 10), dead = fx_task(0, 0, 10);

	cr_assert_eq(rvx_sched_task_exit(S, dead, 0, 0), 0);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_task_set_port_ctx(S, out_of_range(), 1), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_set_port_ctx(S, stale_of(id), 1), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_set_rel_deadline(S, out_of_range(), 1), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_set_rel_deadline(S, id, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_set_rel_deadline(S, stale_of(id), 1), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_set_rel_deadline(S, dead, 1), -RVX_EBUSY);
	cr_assert_eq(rvx_sched_task_set_cut_pressure(S, out_of_range(), 1), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_set_cut_pressure(S, id, RVX_SCHED_Q16_ONE + 1), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_set_cut_pressure(S, stale_of(id), 1), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_set_cut_pressure(S, dead, 1), -RVX_EBUSY);
	cr_assert_eq(rvx_sched_task_set_risk(S, out_of_range(), 1), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_set_risk(S, id, RVX_SCHED_Q16_ONE + 1), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_set_risk(S, stale_of(id), 1), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_set_risk(S, dead, 1), -RVX_EBUSY);
	cr_assert_eq(rvx_sched_task_set_urgency(S, out_of_range(), 1), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_set_urgency(S, id, RVX_SCHED_URGENCY_MAX + 1), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_set_urgency(S, stale_of(id), 1), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_set_urgency(S, dead, 1), -RVX_EBUSY);
	fx_snap_assert_same(&snap, "failed setter");
}

Test(sched_task, read_only_errors)
{
	struct rvx_task t;
	rvx_handle_t id = fx_task(0, 0, 10);

	cr_assert_eq(rvx_sched_task_info(S, id, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_info(S, out_of_range(), &t), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_info(S, stale_of(id), &t), -RVX_ESTALE);
	cr_assert_eq(rvx_sched_running(S, 0, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_running(S, FX_CPUS, &id), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_ready_count(S, FX_CPUS), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_stats(S, NULL), -RVX_EINVAL);
}

Test(sched_task, stats_counts_states)
{
	struct rvx_sched_stats st;
	rvx_handle_t r = fx_ready(0, 0, 10, 0);

	fx_ready(0, 0, 20, 0);
	fx_task(1, 0, 10);
	cr_assert(fx_same(fx_pick(0, 0, NULL), r));
	cr_assert_eq(rvx_sched_stats(S, &st), 0);
	cr_assert_eq(st.running, 1);
	cr_assert_eq(st.ready, 1);
	cr_assert_eq(st.blocked, 1);
	cr_assert_eq(st.free, FX_TASKS - 3);
	cr_assert_eq(st.picks, 1);
}
