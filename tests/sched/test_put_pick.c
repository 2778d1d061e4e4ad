/* SPDX-License-Identifier: Apache-2.0 */
/* rvx_sched_put_pick() and rvx_sched_task_cap_table(). The combined call is
 * checked against the two calls it stands for: two schedulers take the same
 * random sequence, one handing tasks back with rvx_sched_put() or
 * rvx_sched_yield() and then rvx_sched_pick(), the other with
 * rvx_sched_put_pick(); every result, pick and flag, every control block,
 * every CPU's counters and every run queue's budget and counts must agree
 * after every step, and both must pass rvx_sched_validate(). */
#include "sched_fixture.h"

#define UNL RVX_SCHED_BUDGET_UNLIMITED

/* The scheduler driven through rvx_sched_put_pick(); S is the other one. */
static struct {
	struct rvx_sched s;
	alignas(64) uint8_t storage[sizeof(fx.storage)];
} fb;
#define B (&fb.s)

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static void both_setup(uint32_t seq0)
{
	fx_setup();
	memset(&fb, 0x5a, sizeof(fb));
	cr_assert_eq(rvx_sched_init(B, fb.storage, sizeof(fb.storage), FX_TASKS, FX_CPUS, FX_PARTS,
				    FX_TASKS, FX_PERIOD),
		     0);
	for (int c = 0; c < FX_CPUS; c++) {
		S->cpus[c].enqueue_seq = seq0;
		B->cpus[c].enqueue_seq = seq0;
	}
}

/* What a pick decides and what later decisions depend on must be equal;
 * only the layout of the heaps may differ (the same entries, in another
 * valid heap order). */
static void assert_same_state(int step)
{
	cr_assert(memcmp(S->tasks, B->tasks, FX_TASKS * sizeof(struct rvx_task)) == 0,
		  "step %d: control blocks differ", step);
	cr_assert(memcmp(S->cpus, B->cpus, FX_CPUS * sizeof(struct rvx_sched_cpu)) == 0,
		  "step %d: CPU counters differ", step);
	for (uint32_t r = 0; r < FX_CPUS * FX_PARTS; r++) {
		cr_assert_eq(S->rqs[r].budget_left, B->rqs[r].budget_left, "step %d", step);
		cr_assert_eq(S->rqs[r].count, B->rqs[r].count, "step %d", step);
		cr_assert_eq(S->rqs[r].members, B->rqs[r].members, "step %d", step);
		cr_assert_eq(S->rqs[r].elig_pos == RVX_SCHED_NIL, B->rqs[r].elig_pos == RVX_SCHED_NIL,
			     "step %d", step);
	}
	cr_assert_eq(S->live, B->live);
	cr_assert_eq(S->free_head, B->free_head);
}

static int some_task(const struct rvx_sched *s, int state_a, int state_b)
{
	int cand[FX_TASKS], n = 0;

	for (int i = 0; i < FX_TASKS; i++)
		if (s->tasks[i].state == state_a || s->tasks[i].state == state_b)
			cand[n++] = i;
	return n ? cand[rnd((uint32_t)n)] : -1;
}

static rvx_handle_t hid(int i)
{
	return rvx_handle_make((uint32_t)i, S->tasks[i].gen);
}

struct counts {
	int same, other;
	int replace; /* another task of the same partition */
	int swap;    /* from a lone task to another lone task */
};

static uint32_t rq_count(const struct rvx_sched *s, uint32_t cpu, uint32_t part)
{
	return s->rqs[cpu * FX_PARTS + part].count;
}

/* max_live: create no more tasks than this (few tasks: lone ones are common). */
static void run_pair(uint64_t seed, int steps, bool ties, uint32_t seq0, uint32_t max_live,
		     struct counts *n)
{
	uint64_t now = 0;

	both_setup(seq0);
	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
	for (int step = 0; step < steps; step++) {
		uint32_t op = rnd(100);
		int i, ra, rb;
		rvx_handle_t ia = RVX_HANDLE_NULL, ib = RVX_HANDLE_NULL;

		if (ties)
			now += rnd(8) ? 0 : 1000 * rnd(3);
		else
			now += rnd(4) ? rnd(3000) : 0;
		if (op < 10) { /* create */
			uint32_t c = rnd(FX_CPUS), p = rnd(FX_PARTS);
			uint64_t rel = ties ? 1000 * (1 + rnd(3)) : 1 + rnd(20000);

			if (S->live >= max_live)
				continue;
			ra = rvx_sched_task_create(S, c, p, rel, 100u + (uint32_t)step, &ia);
			rb = rvx_sched_task_create(B, c, p, rel, 100u + (uint32_t)step, &ib);
			cr_assert_eq(ra, rb);
			cr_assert(fx_same(ia, ib));
		} else if (op < 25) { /* wake */
			if ((i = some_task(S, RVX_TASK_BLOCKED, -1)) < 0)
				continue;
			cr_assert_eq(rvx_sched_task_wake(S, hid(i), now), 0);
			cr_assert_eq(rvx_sched_task_wake(B, hid(i), now), 0);
		} else if (op < 40) { /* pick on an idle CPU */
			uint32_t c = rnd(FX_CPUS), fa = 0, fb_ = 0;

			ra = rvx_sched_pick(S, c, now, &ia, &fa);
			rb = rvx_sched_pick(B, c, now, &ib, &fb_);
			cr_assert_eq(ra, rb);
			cr_assert(fx_same(ia, ib));
			cr_assert_eq(fa, fb_);
		} else if (op < 75) { /* hand back and pick */
			uint32_t c = rnd(FX_CPUS), fa = 0, fb_ = 0;
			uint64_t ran = rnd(4) ? rnd(20000) : rnd(400000);
			bool yield = rnd(3) != 0;
			rvx_handle_t cur;
			struct rvx_sched_picked pk;
			uint32_t own;
			bool lone;

			if (rvx_sched_running(S, c, &cur) != 0)
				continue;
			own = S->tasks[rvx_handle_index(cur)].partition;
			lone = rq_count(S, c, own) == 0;
			ra = yield ? rvx_sched_yield(S, c, cur, now, ran)
				   : rvx_sched_put(S, c, cur, now, ran);
			cr_assert_eq(ra, 0);
			cr_assert_eq(rvx_sched_pick(S, c, now, &ia, &fa), 0);
			rb = rvx_sched_put_pick(B, c, cur, now, ran, yield, &pk);
			cr_assert_eq(rb, 0);
			ib = pk.id;
			fb_ = pk.flags;
			cr_assert_eq(pk.cap_table, S->tasks[rvx_handle_index(ia)].cap_table);
			cr_assert(fx_same(ia, ib), "step %d: picked %u, put_pick %u", step,
				  rvx_handle_index(ia), rvx_handle_index(ib));
			cr_assert_eq(fa, fb_, "step %d flags", step);
			if (fx_same(ia, cur)) {
				n->same++;
			} else {
				uint32_t to = S->tasks[rvx_handle_index(ia)].partition;

				n->other++;
				n->replace += to == own;
				/* after the pick, the picked task's partition is empty */
				n->swap += lone && to != own && rq_count(S, c, to) == 0 &&
					   rq_count(S, c, own) == 1;
			}
		} else if (op < 82) { /* block */
			uint64_t ran = rnd(100000);

			if ((i = some_task(S, RVX_TASK_READY, RVX_TASK_RUNNING)) < 0)
				continue;
			cr_assert_eq(rvx_sched_task_block(S, hid(i), now, ran), 0);
			cr_assert_eq(rvx_sched_task_block(B, hid(i), now, ran), 0);
		} else if (op < 86) { /* exit, then free */
			if ((i = some_task(S, RVX_TASK_READY, RVX_TASK_BLOCKED)) < 0)
				continue;
			ia = hid(i);
			cr_assert_eq(rvx_sched_task_exit(S, ia, now, 0), 0);
			cr_assert_eq(rvx_sched_task_exit(B, ia, now, 0), 0);
			cr_assert_eq(rvx_sched_task_free(S, ia), 0);
			cr_assert_eq(rvx_sched_task_free(B, ia), 0);
		} else if (op < 89) { /* migrate */
			uint32_t c = rnd(FX_CPUS), p = rnd(FX_PARTS);

			if ((i = some_task(S, RVX_TASK_READY, RVX_TASK_BLOCKED)) < 0)
				continue;
			cr_assert_eq(rvx_sched_task_migrate(S, hid(i), c, p), 0);
			cr_assert_eq(rvx_sched_task_migrate(B, hid(i), c, p), 0);
		} else if (op < 96) { /* pressure, risk, urgency, novelty (RUNNING too) */
			uint32_t v = ties ? RVX_SCHED_Q16_ONE / 2 * rnd(3) : rnd(RVX_SCHED_Q16_ONE + 1);
			uint32_t what = rnd(4);

			if ((i = some_task(S, RVX_TASK_READY, RVX_TASK_RUNNING)) < 0)
				continue;
			if (what == 3) {
				float vec[6] = {0};

				vec[rnd(4)] = 1.0f + (float)rnd(3);
				cr_assert_eq(rvx_sched_task_observe(S, hid(i), vec, 6), 0);
				cr_assert_eq(rvx_sched_task_observe(B, hid(i), vec, 6), 0);
			} else if (what == 2) {
				cr_assert_eq(rvx_sched_task_set_urgency(S, hid(i), v & 255u), 0);
				cr_assert_eq(rvx_sched_task_set_urgency(B, hid(i), v & 255u), 0);
			} else if (what) {
				cr_assert_eq(rvx_sched_task_set_cut_pressure(S, hid(i), v), 0);
				cr_assert_eq(rvx_sched_task_set_cut_pressure(B, hid(i), v), 0);
			} else {
				cr_assert_eq(rvx_sched_task_set_risk(S, hid(i), v), 0);
				cr_assert_eq(rvx_sched_task_set_risk(B, hid(i), v), 0);
			}
		} else { /* budget: small ones run out within a period */
			uint32_t p = rnd(FX_PARTS);
			uint64_t b = rnd(4) ? 1 + rnd(FX_PERIOD / 4) : UNL;

			cr_assert_eq(rvx_sched_partition_set_budget(S, p, b), 0);
			cr_assert_eq(rvx_sched_partition_set_budget(B, p, b), 0);
		}
		assert_same_state(step);
		if (step % 128 == 0) {
			cr_assert_eq(rvx_sched_validate(S, fx.storage, sizeof(fx.storage)), 0);
			cr_assert_eq(rvx_sched_validate(B, fb.storage, sizeof(fb.storage)), 0);
		}
	}
	cr_assert_eq(rvx_sched_validate(S, fx.storage, sizeof(fx.storage)), 0);
	cr_assert_eq(rvx_sched_validate(B, fb.storage, sizeof(fb.storage)), 0);
}

Test(sched_put_pick, random_sequences_match_put_then_pick)
{
	struct counts n = {0, 0, 0, 0};

	for (uint64_t seed = 1; seed <= 30; seed++) {
		uint32_t seq0 = seed % 4 == 0 ? UINT32_MAX - 300 : 0;

		run_pair(seed, 3000, false, seq0, FX_TASKS, &n);
		run_pair(200 + seed, 3000, false, seq0, 2 + seed % 6, &n);
	}
	for (uint64_t seed = 1; seed <= 30; seed++) {
		uint32_t seq0 = seed % 2 ? UINT32_MAX - 300 : 0;

		run_pair(500 + seed, 3000, true, seq0, FX_TASKS, &n);
		run_pair(700 + seed, 3000, true, seq0, 2 + seed % 6, &n);
	}
	/* Every way through the call was taken many times. */
	cr_assert_gt(n.same, 1000, "the task handed back was picked again %d times", n.same);
	cr_assert_gt(n.other, 1000, "another task was picked %d times", n.other);
	cr_assert_gt(n.replace, 1000, "a task of the same partition was picked %d times",
		     n.replace);
	cr_assert_gt(n.swap, 1000, "one lone task gave way to another %d times", n.swap);
}

/* A put_pick on S that must succeed; returns the task picked. */
static rvx_handle_t put_pick(uint32_t cpu, rvx_handle_t id, uint64_t now, uint64_t ran,
			     bool yield, uint32_t *flags)
{
	struct rvx_sched_picked pk;

	memset(&pk, 0xee, sizeof(pk));
	cr_assert_eq(rvx_sched_put_pick(S, cpu, id, now, ran, yield, &pk), 0);
	cr_assert_eq(pk.cap_table, fx_info(pk.id).cap_table);
	if (flags != NULL)
		*flags = pk.flags;
	return pk.id;
}

Test(sched_put_pick, lone_task_keeps_the_cpu, .init = fx_setup)
{
	rvx_handle_t a = fx_ready(0, 1, 1000, 0);
	uint32_t flags = 99;

	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	/* before: a RUNNING on CPU 0, deadline 1000, nothing READY */
	cr_assert(fx_same(put_pick(0, a, 500, 500, true, &flags), a));
	/* after: a RUNNING again, its next job's deadline, one more run */
	cr_assert_eq(flags, 0);
	cr_assert_eq(fx_info(a).state, RVX_TASK_RUNNING);
	cr_assert_eq(fx_info(a).deadline, 1500);
	cr_assert_eq(fx_info(a).runs, 2);
	cr_assert_eq(fx_info(a).total_run_ns, 500);
	cr_assert_eq(rvx_sched_ready_count(S, 0), 0);
	/* A preempted task past its deadline keeps it, and the pick says so. */
	cr_assert(fx_same(put_pick(0, a, 2000, 10, false, &flags), a));
	cr_assert_eq(flags, RVX_SCHED_PICK_MISSED);
	cr_assert_eq(fx_info(a).deadline_misses, 1);
	fx_check_invariants();
}

Test(sched_put_pick, lone_tasks_of_two_partitions_alternate, .init = fx_setup)
{
	rvx_handle_t a = fx_ready(0, 0, 1000, 0), b = fx_ready(0, 2, 1000, 0), c;

	c = fx_ready(0, 3, 5000, 0);
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	for (int i = 0; i < 6; i++) {
		/* before: one of a, b RUNNING, the other and c READY */
		rvx_handle_t got = put_pick(0, i % 2 ? b : a, (uint64_t)i, 1, true, NULL);

		/* after: the other runs; c, later, waits */
		cr_assert(fx_same(got, i % 2 ? a : b), "round %d", i);
		cr_assert_eq(rvx_sched_ready_count(S, 0), 2);
		cr_assert_eq(fx_info(c).state, RVX_TASK_READY);
		fx_check_invariants();
	}
	cr_assert_eq(rvx_sched_validate(S, fx.storage, sizeof(fx.storage)), 0);
}

Test(sched_put_pick, earlier_task_takes_the_cpu, .init = fx_setup)
{
	rvx_handle_t a = fx_ready(0, 0, 1000, 0), b;

	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	b = fx_ready(0, 1, 1000, 0);
	/* before: a RUNNING, b READY with the same deadline */
	cr_assert(fx_same(put_pick(0, a, 0, 0, true, NULL), b));
	/* after: the yield put a behind b */
	cr_assert_eq(fx_info(a).state, RVX_TASK_READY);
	cr_assert_eq(rvx_sched_ready_count(S, 0), 1);
	/* A preemption keeps b's place: b is still first. */
	cr_assert(fx_same(put_pick(0, b, 0, 0, false, NULL), b));
	fx_check_invariants();
}

Test(sched_put_pick, spent_budget_gives_way, .init = fx_setup)
{
	rvx_handle_t a, b;

	cr_assert_eq(rvx_sched_partition_set_budget(S, 0, 100), 0);
	a = fx_ready(0, 0, 1000, 0);
	b = fx_ready(0, 1, 5000, 0);
	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	/* before: a (partition 0, 100 ns of budget) RUNNING, b READY later */
	/* after: partition 0 is spent, so b runs although a is earlier */
	cr_assert(fx_same(put_pick(0, a, 10, 100, false, NULL), b));
	fx_check_invariants();
}

Test(sched_put_pick, errors_change_nothing, .init = fx_setup)
{
	static struct fx_snap snap;
	rvx_handle_t a = fx_ready(0, 0, 1000, 0), b = fx_ready(1, 0, 1000, 0);
	rvx_handle_t c = fx_ready(0, 0, 1000, 0);
	struct rvx_sched_picked pk, pk0;

	cr_assert(fx_same(fx_pick(0, 0, NULL), a));
	cr_assert(fx_same(fx_pick(1, 0, NULL), b));
	memset(&pk, 0xee, sizeof(pk));
	pk0 = pk;
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_put_pick(S, 0, a, 1, 1, true, NULL), -RVX_EINVAL);
	fx_snap_assert_same(&snap, "a NULL out");
	cr_assert_eq(rvx_sched_put_pick(S, FX_CPUS, a, 1, 1, true, &pk), -RVX_EINVAL);
	fx_snap_assert_same(&snap, "a CPU out of range");
	cr_assert_eq(rvx_sched_put_pick(S, 0, rvx_handle_make(FX_TASKS, 1), 1, 1, true, &pk),
		     -RVX_EINVAL);
	fx_snap_assert_same(&snap, "an index out of range");
	cr_assert_eq(rvx_sched_put_pick(S, 0, rvx_handle_make(rvx_handle_index(a), 9), 1, 1, false,
					&pk),
		     -RVX_ESTALE);
	fx_snap_assert_same(&snap, "a stale id");
	cr_assert_eq(rvx_sched_put_pick(S, 0, rvx_handle_make(FX_TASKS - 1, 1), 1, 1, false, &pk),
		     -RVX_ESTALE);
	fx_snap_assert_same(&snap, "a FREE slot");
	cr_assert_eq(rvx_sched_put_pick(S, 0, b, 1, 1, true, &pk), -RVX_EBUSY);
	fx_snap_assert_same(&snap, "a task running on another CPU");
	cr_assert_eq(rvx_sched_put_pick(S, 0, c, 1, 1, true, &pk), -RVX_EBUSY);
	fx_snap_assert_same(&snap, "a READY task");
	cr_assert(memcmp(&pk, &pk0, sizeof(pk)) == 0, "a failed call wrote its output");
}

Test(sched_put_pick, cap_table_of_a_task, .init = fx_setup)
{
	static struct fx_snap snap;
	rvx_handle_t a = RVX_HANDLE_NULL;
	uint32_t ct = 0;

	cr_assert_eq(rvx_sched_task_create(S, 1, 2, 1000, 41, &a), 0);
	cr_assert_eq(rvx_sched_task_cap_table(S, a, &ct), 0);
	cr_assert_eq(ct, 41);
	fx_snap_take(&snap);
	ct = 5;
	cr_assert_eq(rvx_sched_task_cap_table(S, a, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_cap_table(S, rvx_handle_make(FX_TASKS, 1), &ct), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_cap_table(S, rvx_handle_make(rvx_handle_index(a), 7), &ct),
		     -RVX_ESTALE);
	cr_assert_eq(ct, 5);
	fx_snap_assert_same(&snap, "a failed cap_table");
	/* A DEAD task still answers; a freed one is stale. */
	cr_assert_eq(rvx_sched_task_exit(S, a, 0, 0), 0);
	cr_assert_eq(rvx_sched_task_cap_table(S, a, &ct), 0);
	cr_assert_eq(ct, 41);
	cr_assert_eq(rvx_sched_task_free(S, a), 0);
	cr_assert_eq(rvx_sched_task_cap_table(S, a, &ct), -RVX_ESTALE);
}
