/* SPDX-License-Identifier: Apache-2.0 */
/* Random operation sequences against a reference model that keeps no heap:
 * it scans every task to decide each pick, equal keys going to the task
 * enqueued first (its own per-CPU counters: wake, yield and migrating a
 * READY task take a new number, put keeps it). Every call's result, every
 * picked id and pick flag, and the miss counters must agree. Some runs use
 * few distinct deadlines and a clock that mostly stands still, so that ties
 * are common, and some start the counters just short of wrapping. */
#include "sched_fixture.h"

#define UNL RVX_SCHED_BUDGET_UNLIMITED

struct m_task {
	int state; /* enum rvx_task_state */
	uint32_t gen, cpu, part, press, risk;
	uint64_t deadline, rel;
	uint32_t seq; /* enqueue number, while READY (kept while RUNNING) */
	bool missed;
	uint32_t misses;
};

static struct model {
	struct m_task t[FX_TASKS];
	uint64_t budget[FX_PARTS];
	uint64_t left[FX_CPUS][FX_PARTS];
	uint64_t pstart[FX_CPUS];
	uint32_t next_seq[FX_CPUS];
	int running[FX_CPUS];
	uint64_t misses;
} m;

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* The model takes a task's novelty boost from the library (the novelty
 * formula has its own tests) and checks what the order does with it. */
static uint64_t m_key(int i, const struct m_task *t)
{
	uint64_t boost = (((uint64_t)t->press * RVX_SCHED_PRESSURE_BOOST_MAX_NS) >> 16) +
			 fx_info(rvx_handle_make((uint32_t)i, t->gen)).novelty_boost_ns;
	uint64_t pen = ((uint64_t)t->risk * RVX_SCHED_RISK_PENALTY_MAX_NS) >> 16;
	uint64_t k = t->deadline > boost ? t->deadline - boost : 0;

	return k > UINT64_MAX - pen ? UINT64_MAX : k + pen;
}

static void m_miss(struct m_task *t, uint64_t now)
{
	if (now > t->deadline && !t->missed) {
		t->missed = true;
		t->misses++;
		m.misses++;
	}
}

static void m_stop(int i, uint64_t now, uint64_t ran)
{
	struct m_task *t = &m.t[i];
	uint64_t *left = &m.left[t->cpu][t->part];

	m.running[t->cpu] = -1;
	if (*left != UNL)
		*left = *left > ran ? *left - ran : 0;
	m_miss(t, now);
}

static void m_refill(uint32_t c)
{
	for (int p = 0; p < FX_PARTS; p++)
		m.left[c][p] = m.budget[p];
}

/* The scan: best READY task of CPU c among partitions with budget left. */
static int m_best(uint32_t c)
{
	int best = -1;
	uint64_t bk = 0;

	for (int i = 0; i < FX_TASKS; i++) {
		const struct m_task *t = &m.t[i];

		if (t->state != RVX_TASK_READY || t->cpu != c || m.left[c][t->part] == 0)
			continue;
		uint64_t k = m_key(i, t);

		if (best < 0 || k < bk ||
		    (k == bk && (int32_t)(t->seq - m.t[best].seq) < 0)) {
			best = i;
			bk = k;
		}
	}
	return best;
}

static int pick_some(int state_a, int state_b)
{
	int cand[FX_TASKS], n = 0;

	for (int i = 0; i < FX_TASKS; i++)
		if (m.t[i].state == state_a || m.t[i].state == state_b)
			cand[n++] = i;
	return n ? cand[rnd((uint32_t)n)] : -1;
}

static rvx_handle_t hid(int i)
{
	return rvx_handle_make((uint32_t)i, m.t[i].gen);
}

static uint32_t m_seq_take(uint32_t c)
{
	return m.next_seq[c]++;
}

/* ties: few distinct deadlines and inputs, and a clock that mostly stands
 * still; seq0: the CPUs' first enqueue number. */
static void run_sequence(uint64_t seed, int steps, bool ties, uint32_t seq0)
{
	uint64_t now = 0;

	fx_setup();
	memset(&m, 0, sizeof(m));
	for (int c = 0; c < FX_CPUS; c++) {
		S->cpus[c].enqueue_seq = seq0;
		m.next_seq[c] = seq0;
	}
	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
	for (int i = 0; i < FX_TASKS; i++)
		m.t[i].gen = 1;
	for (int p = 0; p < FX_PARTS; p++)
		m.budget[p] = UNL;
	for (int c = 0; c < FX_CPUS; c++) {
		m.running[c] = -1;
		m_refill((uint32_t)c);
	}

	for (int step = 0; step < steps; step++) {
		uint32_t op = rnd(100);
		int ret, i;
		rvx_handle_t id = RVX_HANDLE_NULL;

		if (ties)
			now += rnd(8) ? 0 : 1000 * rnd(3);
		else
			now += rnd(4) ? rnd(3000) : 0;
		if (op < 12) { /* create */
			uint32_t c = rnd(FX_CPUS), p = rnd(FX_PARTS);
			uint64_t rel = ties ? 1000 * (1 + rnd(3)) : 1 + rnd(20000);
			bool any_free = false;

			for (int k = 0; k < FX_TASKS; k++)
				any_free |= m.t[k].state == RVX_TASK_FREE;
			ret = rvx_sched_task_create(S, c, p, rel, 0, &id);
			if (!any_free) {
				cr_assert_eq(ret, -RVX_ELIMIT);
				continue;
			}
			cr_assert_eq(ret, 0);
			i = (int)rvx_handle_index(id);
			cr_assert_eq(m.t[i].state, RVX_TASK_FREE);
			cr_assert_eq(rvx_handle_gen(id), m.t[i].gen);
			m.t[i] = (struct m_task){.state = RVX_TASK_BLOCKED, .gen = m.t[i].gen,
						 .cpu = c, .part = p, .rel = rel};
		} else if (op < 30) { /* wake */
			if ((i = pick_some(RVX_TASK_BLOCKED, -1)) < 0)
				continue;
			cr_assert_eq(rvx_sched_task_wake(S, hid(i), now), 0);
			m.t[i].deadline = now > UINT64_MAX - m.t[i].rel ? UINT64_MAX : now + m.t[i].rel;
			m.t[i].missed = false;
			m.t[i].state = RVX_TASK_READY;
			m.t[i].seq = m_seq_take(m.t[i].cpu);
		} else if (op < 55) { /* pick */
			uint32_t c = rnd(FX_CPUS), flags = 0, want_flags = 0;
			int want;
			bool any = false;

			for (int k = 0; k < FX_TASKS; k++)
				any |= m.t[k].state == RVX_TASK_READY && m.t[k].cpu == c;
			if (m.running[c] >= 0 || !any) {
				ret = rvx_sched_pick(S, c, now, &id, &flags);
				cr_assert_eq(ret, m.running[c] >= 0 ? -RVX_EBUSY : -RVX_EEMPTY);
				continue;
			}
			/* The model decides first: the pick resets the picked
			 * task's novelty boost, which the model reads. */
			if (now >= m.pstart[c] && now - m.pstart[c] >= FX_PERIOD) {
				m.pstart[c] = now - (now - m.pstart[c]) % FX_PERIOD;
				m_refill(c);
				want_flags |= RVX_SCHED_PICK_REFILLED;
			}
			want = m_best(c);
			if (want < 0) {
				m.pstart[c] = now;
				m_refill(c);
				want_flags |= RVX_SCHED_PICK_REFILLED;
				want = m_best(c);
			}
			ret = rvx_sched_pick(S, c, now, &id, &flags);
			cr_assert_eq(ret, 0);
			cr_assert_eq(rvx_handle_index(id), (uint32_t)want, "step %d: picked %u, model %d",
				     step, rvx_handle_index(id), want);
			if (now > m.t[want].deadline)
				want_flags |= RVX_SCHED_PICK_MISSED;
			cr_assert_eq(flags, want_flags, "step %d flags", step);
			m_miss(&m.t[want], now);
			m.t[want].state = RVX_TASK_RUNNING;
			m.running[c] = want;
		} else if (op < 72) { /* put or yield */
			uint32_t c = rnd(FX_CPUS);
			uint64_t ran = rnd(200000);
			bool yield = rnd(2);

			if ((i = m.running[c]) < 0)
				continue;
			ret = yield ? rvx_sched_yield(S, c, hid(i), now, ran)
				    : rvx_sched_put(S, c, hid(i), now, ran);
			cr_assert_eq(ret, 0);
			m_stop(i, now, ran);
			if (yield) {
				m.t[i].deadline = now + m.t[i].rel;
				m.t[i].missed = false;
				m.t[i].seq = m_seq_take(c);
			} /* put: the number it was picked with */
			m.t[i].state = RVX_TASK_READY;
		} else if (op < 80) { /* block */
			uint64_t ran = rnd(100000);

			if ((i = pick_some(RVX_TASK_READY, RVX_TASK_RUNNING)) < 0)
				continue;
			cr_assert_eq(rvx_sched_task_block(S, hid(i), now, ran), 0);
			if (m.t[i].state == RVX_TASK_RUNNING)
				m_stop(i, now, ran);
			m.t[i].state = RVX_TASK_BLOCKED;
		} else if (op < 85) { /* exit */
			uint64_t ran = rnd(100000);

			if ((i = pick_some(RVX_TASK_READY, RVX_TASK_RUNNING)) < 0 &&
			    (i = pick_some(RVX_TASK_BLOCKED, -1)) < 0)
				continue;
			cr_assert_eq(rvx_sched_task_exit(S, hid(i), now, ran), 0);
			if (m.t[i].state == RVX_TASK_RUNNING)
				m_stop(i, now, ran);
			m.t[i].state = RVX_TASK_DEAD;
		} else if (op < 89) { /* free */
			if ((i = pick_some(RVX_TASK_DEAD, -1)) < 0)
				continue;
			cr_assert_eq(rvx_sched_task_free(S, hid(i)), 0);
			cr_assert_eq(rvx_sched_task_wake(S, hid(i), now), -RVX_ESTALE);
			m.t[i].state = RVX_TASK_FREE;
			m.t[i].gen = rvx_gen_next(m.t[i].gen);
		} else if (op < 93) { /* migrate */
			uint32_t c = rnd(FX_CPUS), p = rnd(FX_PARTS);

			if ((i = pick_some(RVX_TASK_READY, RVX_TASK_BLOCKED)) < 0)
				continue;
			cr_assert_eq(rvx_sched_task_migrate(S, hid(i), c, p), 0);
			/* A READY task that moves is a new arrival there. */
			if (m.t[i].state == RVX_TASK_READY && (m.t[i].cpu != c || m.t[i].part != p))
				m.t[i].seq = m_seq_take(c);
			m.t[i].cpu = c;
			m.t[i].part = p;
		} else if (op < 97) { /* pressure / risk / novelty */
			uint32_t v = ties ? RVX_SCHED_Q16_ONE / 2 * rnd(3) : rnd(RVX_SCHED_Q16_ONE + 1);
			uint32_t what = rnd(3);

			if ((i = pick_some(RVX_TASK_READY, RVX_TASK_BLOCKED)) < 0)
				continue;
			if (what == 2) {
				/* One of four directions, so inputs repeat and differ. */
				float vec[6] = {0};

				vec[rnd(4)] = 1.0f + (float)rnd(3);
				cr_assert_eq(rvx_sched_task_observe(S, hid(i), vec, 6), 0);
			} else if (what) {
				cr_assert_eq(rvx_sched_task_set_cut_pressure(S, hid(i), v), 0);
				m.t[i].press = v;
			} else {
				cr_assert_eq(rvx_sched_task_set_risk(S, hid(i), v), 0);
				m.t[i].risk = v;
			}
		} else { /* budget */
			uint32_t p = rnd(FX_PARTS);
			uint64_t b = rnd(4) ? 1 + rnd(FX_PERIOD / 2) : UNL;

			cr_assert_eq(rvx_sched_partition_set_budget(S, p, b), 0);
			m.budget[p] = b;
			for (int c = 0; c < FX_CPUS; c++)
				m.left[c][p] = b;
		}
		if (step % 64 == 0)
			fx_check_invariants();
	}
	fx_check_invariants();
	struct rvx_sched_stats st;
	cr_assert_eq(rvx_sched_stats(S, &st), 0);
	cr_assert_eq(st.deadline_misses, m.misses);
	for (int i = 0; i < FX_TASKS; i++) {
		if (m.t[i].state == RVX_TASK_FREE)
			continue;
		struct rvx_task t = fx_info(hid(i));
		cr_assert_eq(t.state, m.t[i].state);
		cr_assert_eq(t.deadline_misses, m.t[i].misses);
	}
}

Test(sched_model, random_sequences_match_scan_model)
{
	for (uint64_t seed = 1; seed <= 40; seed++)
		run_sequence(seed, 3000, false, seed % 4 == 0 ? UINT32_MAX - 300 : 0);
}

Test(sched_model, tie_heavy_sequences_match_fifo_model)
{
	/* The counters start near the wrap in half of the runs. */
	for (uint64_t seed = 1; seed <= 40; seed++)
		run_sequence(1000 + seed, 3000, true, seed % 2 ? UINT32_MAX - 300 : 0);
}

/* Replay: the same calls with the same times leave the same bytes, so a
 * run on the virtual clock can be checkpointed and replayed exactly. */
Test(sched_model, same_sequence_same_bytes)
{
	static struct fx_snap first;

	run_sequence(7, 3000, true, 0);
	fx_snap_take(&first);
	run_sequence(7, 3000, true, 0);
	fx_snap_assert_same(&first, "a replay");
	run_sequence(8, 3000, true, 0);
	cr_assert(memcmp(first.storage, fx.storage, sizeof(fx.storage)) != 0,
		  "a different sequence must leave different bytes");
}
