/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler. Two levels of binary min-heap over index arrays in the
 * caller's storage:
 *  - per (CPU, partition) run queue, a heap of READY task indices ordered by
 *    (key, enqueue number) with both in the entry; a task's position is
 *    kept in the compact `pos` array, so moving entries touches no control
 *    block;
 *  - per CPU, a heap of the partitions that are eligible there (READY tasks
 *    and budget left), ordered by their head entry's (key, enqueue number);
 *    a partition's position is kept in its run queue's `elig_pos`.
 * Enqueue numbers come from one counter per CPU, shared by the CPU's
 * partitions, so equal keys are FIFO within a partition and across the
 * partitions' heads alike (a counter per run queue would make the numbers
 * of two partitions incomparable).
 * A pick takes the head of the CPU's partition heap and the head of that
 * partition's task heap: O(log n + log P). Every change to a run queue ends
 * with rq_fix(), which puts the partition where it belongs in the CPU's
 * heap. Budget refills visit each partition of the CPU once: O(P log P), at
 * most once per period plus once whenever every ready partition is spent.
 *
 * Every public function checks all of its input before the first store;
 * the helpers below that store cannot fail.
 */
#include "ruvix/sched.h"

#define NIL RVX_SCHED_NIL

/* ---- small arithmetic ---- */

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t q16_scale(uint32_t q, uint64_t max_ns)
{
	/* q <= 2^16 and max_ns <= 2^40: the product fits. */
	return ((uint64_t)q * max_ns) >> 16;
}

/* The key task t would have with the deadline `deadline`. */
static uint64_t key_at(const struct rvx_task *t, uint64_t deadline)
{
	uint64_t boost = t->novelty_boost_ns +
			 q16_scale(t->cut_pressure, RVX_SCHED_PRESSURE_BOOST_MAX_NS) +
			 RVX_SCHED_URGENCY_BOOST_MAX_NS * t->urgency / RVX_SCHED_URGENCY_MAX;
	uint64_t k = deadline > boost ? deadline - boost : 0;

	return sat_add(k, q16_scale(t->risk, RVX_SCHED_RISK_PENALTY_MAX_NS));
}

static uint64_t task_key(const struct rvx_task *t)
{
	return key_at(t, t->deadline);
}

/* ---- task heaps (one per run queue) ---- */

static struct rvx_sched_rq *rq_of(const struct rvx_sched *s, uint32_t cpu, uint32_t part)
{
	return &s->rqs[(size_t)cpu * s->partition_count + part];
}

static struct rvx_sched_hent *heap_of(const struct rvx_sched *s, uint32_t cpu, uint32_t part)
{
	return &s->heaps[((size_t)cpu * s->partition_count + part) * s->heap_cap];
}

/* (key, enqueue number) order. The numbers of one CPU's READY entries are
 * distinct, so this is total while they span fewer than 2^31 enqueues (the
 * bound in sched.h); compared modulo 2^32 so the counter may wrap. Beyond
 * the bound only the order among equal keys can stray from FIFO: key
 * comparisons decide first, so the heaps stay ordered by key. Keys and
 * numbers sit in the heap entries, so ordering reads only the heap's own
 * lines. */
static bool hent_before(const struct rvx_sched_hent *a, const struct rvx_sched_hent *b)
{
	return a->key < b->key || (a->key == b->key && (int32_t)(a->seq - b->seq) < 0);
}

static void th_set(struct rvx_sched *s, struct rvx_sched_hent *h, uint32_t pos,
		   const struct rvx_sched_hent *e)
{
	h[pos] = *e;
	s->pos[e->task] = pos;
}

static void th_sift_up(struct rvx_sched *s, struct rvx_sched_hent *h, uint32_t pos)
{
	struct rvx_sched_hent e = h[pos];

	while (pos > 0) {
		uint32_t parent = (pos - 1) / 2;

		if (!hent_before(&e, &h[parent]))
			break;
		th_set(s, h, pos, &h[parent]);
		pos = parent;
	}
	th_set(s, h, pos, &e);
}

static void th_sift_down(struct rvx_sched *s, struct rvx_sched_hent *h, uint32_t count,
			 uint32_t pos)
{
	struct rvx_sched_hent e = h[pos];

	for (;;) {
		uint32_t child = 2 * pos + 1;

		if (child >= count)
			break;
		if (child + 1 < count && hent_before(&h[child + 1], &h[child]))
			child++;
		if (!hent_before(&h[child], &e))
			break;
		th_set(s, h, pos, &h[child]);
		pos = child;
	}
	th_set(s, h, pos, &e);
}

/* ---- the CPU's heap of eligible partitions ---- */

static bool rq_eligible(const struct rvx_sched_rq *rq)
{
	return rq->count > 0 && rq->budget_left > 0;
}

/* Whether partition a's head task goes before partition b's, on one CPU. */
static bool part_before(const struct rvx_sched *s, uint32_t cpu, uint32_t a, uint32_t b)
{
	return hent_before(&heap_of(s, cpu, a)[0], &heap_of(s, cpu, b)[0]);
}

static void eh_set(struct rvx_sched *s, uint32_t cpu, uint32_t *h, uint32_t pos,
		   uint32_t part)
{
	h[pos] = part;
	rq_of(s, cpu, part)->elig_pos = pos;
}

static void eh_sift_up(struct rvx_sched *s, uint32_t cpu, uint32_t pos)
{
	uint32_t *h = &s->elig[(size_t)cpu * s->partition_count];
	uint32_t part = h[pos];

	while (pos > 0) {
		uint32_t parent = (pos - 1) / 2;

		if (!part_before(s, cpu, part, h[parent]))
			break;
		eh_set(s, cpu, h, pos, h[parent]);
		pos = parent;
	}
	eh_set(s, cpu, h, pos, part);
}

static void eh_sift_down(struct rvx_sched *s, uint32_t cpu, uint32_t pos)
{
	uint32_t *h = &s->elig[(size_t)cpu * s->partition_count];
	uint32_t count = s->cpus[cpu].eligible;
	uint32_t part = h[pos];

	for (;;) {
		uint32_t child = 2 * pos + 1;

		if (child >= count)
			break;
		if (child + 1 < count && part_before(s, cpu, h[child + 1], h[child]))
			child++;
		if (!part_before(s, cpu, h[child], part))
			break;
		eh_set(s, cpu, h, pos, h[child]);
		pos = child;
	}
	eh_set(s, cpu, h, pos, part);
}

/* After any change to run queue (cpu, part): put the partition where it
 * belongs in the CPU's eligible heap (in, out, or moved). */
static void rq_fix(struct rvx_sched *s, uint32_t cpu, uint32_t part)
{
	struct rvx_sched_rq *rq = rq_of(s, cpu, part);
	struct rvx_sched_cpu *c = &s->cpus[cpu];
	uint32_t *h = &s->elig[(size_t)cpu * s->partition_count];
	uint32_t pos = rq->elig_pos;

	if (rq_eligible(rq)) {
		if (pos == NIL) {
			pos = c->eligible++;
			eh_set(s, cpu, h, pos, part);
			eh_sift_up(s, cpu, pos);
		} else {
			eh_sift_up(s, cpu, pos);
			eh_sift_down(s, cpu, rq->elig_pos);
		}
		return;
	}
	if (pos == NIL)
		return;
	rq->elig_pos = NIL;
	c->eligible--;
	if (pos == c->eligible)
		return;
	uint32_t moved = h[c->eligible];

	eh_set(s, cpu, h, pos, moved);
	eh_sift_up(s, cpu, pos);
	eh_sift_down(s, cpu, rq_of(s, cpu, moved)->elig_pos);
}

/* ---- run queue membership ---- */

/* A fresh enqueue number of a CPU: after every entry its queues hold. */
static uint32_t seq_take(struct rvx_sched *s, uint32_t cpu)
{
	return s->cpus[cpu].enqueue_seq++;
}

/* Insert READY task `idx` (key already set) into its run queue with the
 * enqueue number `seq` (fresh from seq_take(), or the one rvx_sched_put()
 * gives back). */
static void rq_insert(struct rvx_sched *s, uint32_t idx, uint32_t seq)
{
	struct rvx_task *t = &s->tasks[idx];
	struct rvx_sched_rq *rq = rq_of(s, t->cpu, t->partition);
	struct rvx_sched_hent *h = heap_of(s, t->cpu, t->partition);
	struct rvx_sched_hent e = {t->key, idx, seq};

	RVX_CHECK(rq->count < s->heap_cap);
	th_set(s, h, rq->count, &e);
	rq->count++;
	th_sift_up(s, h, rq->count - 1);
	s->cpus[t->cpu].ready++;
	rq_fix(s, t->cpu, t->partition);
}

/* Remove READY task `idx` from its run queue. */
static void rq_remove(struct rvx_sched *s, uint32_t idx)
{
	struct rvx_task *t = &s->tasks[idx];
	struct rvx_sched_rq *rq = rq_of(s, t->cpu, t->partition);
	struct rvx_sched_hent *h = heap_of(s, t->cpu, t->partition);
	uint32_t pos = s->pos[idx];

	RVX_CHECK(pos < rq->count && h[pos].task == idx);
	rq->count--;
	s->pos[idx] = NIL;
	if (pos != rq->count) {
		struct rvx_sched_hent moved = h[rq->count];

		th_set(s, h, pos, &moved);
		th_sift_up(s, h, pos);
		th_sift_down(s, h, rq->count, s->pos[moved.task]);
	}
	s->cpus[t->cpu].ready--;
	rq_fix(s, t->cpu, t->partition);
}

/* A READY task's key inputs changed: recompute and move it. It keeps its
 * enqueue number: it did not leave the queue, so among equal keys it keeps
 * its place in arrival order. */
static void rq_rekey(struct rvx_sched *s, uint32_t idx)
{
	struct rvx_task *t = &s->tasks[idx];
	struct rvx_sched_hent *h = heap_of(s, t->cpu, t->partition);
	uint32_t count = rq_of(s, t->cpu, t->partition)->count;

	t->key = task_key(t);
	h[s->pos[idx]].key = t->key;
	th_sift_up(s, h, s->pos[idx]);
	th_sift_down(s, h, count, s->pos[idx]);
	rq_fix(s, t->cpu, t->partition);
}

static void make_ready(struct rvx_sched *s, uint32_t idx, uint32_t seq)
{
	struct rvx_task *t = &s->tasks[idx];

	t->state = RVX_TASK_READY;
	t->key = task_key(t);
	rq_insert(s, idx, seq);
}

/* ---- budgets ---- */

static void refill(struct rvx_sched *s, uint32_t cpu)
{
	for (uint32_t p = 0; p < s->partition_count; p++) {
		rq_of(s, cpu, p)->budget_left = s->budgets[p];
		rq_fix(s, cpu, p);
	}
	s->cpus[cpu].refills++;
}

/* Count a passed deadline once. */
static void check_miss(struct rvx_sched *s, struct rvx_task *t, uint64_t now)
{
	if (now > t->deadline && !(t->flags & RVX_TASK_F_MISSED)) {
		t->flags |= RVX_TASK_F_MISSED;
		if (t->deadline_misses != UINT32_MAX)
			t->deadline_misses++;
		s->cpus[t->cpu].deadline_misses++;
	}
}

/* A RUNNING task stops running: charge its time, count a miss, idle the CPU. */
static void stop_running(struct rvx_sched *s, uint32_t idx, uint64_t now, uint64_t ran_ns)
{
	struct rvx_task *t = &s->tasks[idx];
	struct rvx_sched_rq *rq = rq_of(s, t->cpu, t->partition);

	RVX_CHECK(s->cpus[t->cpu].running == idx);
	s->cpus[t->cpu].running = NIL;
	s->cpus[t->cpu].running_seq = 0;
	t->total_run_ns = sat_add(t->total_run_ns, ran_ns);
	if (rq->budget_left != RVX_SCHED_BUDGET_UNLIMITED)
		rq->budget_left = rq->budget_left > ran_ns ? rq->budget_left - ran_ns : 0;
	check_miss(s, t, now);
	/* A spent budget takes the partition out of the eligible heap. */
	rq_fix(s, t->cpu, t->partition);
}

/* ---- novelty ---- */

/* Square root of a positive finite float without libm: a bit-level first
 * guess, then Newton steps (each doubles the correct bits). */
static float sqrt_pos(float x)
{
	uint32_t u;
	float y;

	memcpy(&u, &x, sizeof(u));
	u = (u >> 1) + 0x1fc00000u;
	memcpy(&y, &u, sizeof(y));
	for (int i = 0; i < 5; i++)
		y = 0.5f * (y + x / y);
	return y;
}

/* Below this a sketch's squared length is treated as zero. */
#define SKETCH_TINY 1e-20f

static float sq_len(const float *v)
{
	float n = 0.0f;

	for (int i = 0; i < RVX_SCHED_SKETCH_DIM; i++)
		n += v[i] * v[i];
	return n;
}

/* novelty = clamp(1 - cos(p, s), 0, 1) in Q16.16; 1.0 without a summary. */
static uint32_t novelty_q16(const float *p, const float *summary, bool have_summary)
{
	float pp = sq_len(p), ss = sq_len(summary), dot = 0.0f, nov;

	if (!have_summary || pp < SKETCH_TINY || ss < SKETCH_TINY)
		return RVX_SCHED_Q16_ONE;
	for (int i = 0; i < RVX_SCHED_SKETCH_DIM; i++)
		dot += p[i] * summary[i];
	nov = 1.0f - dot / (sqrt_pos(pp) * sqrt_pos(ss));
	if (!(nov > 0.0f))
		return 0;
	if (nov >= 1.0f)
		return RVX_SCHED_Q16_ONE;
	return (uint32_t)(nov * (float)RVX_SCHED_Q16_ONE);
}

static void novelty_set(struct rvx_task *t, uint32_t nov)
{
	t->novelty = nov;
	t->novelty_boost_ns = q16_scale(nov, RVX_SCHED_NOVELTY_BOOST_MAX_NS);
}

/* At pick: merge the pending input into the summary, clear it. */
static void novelty_merge(struct rvx_task *t)
{
	float pp;

	if (t->pending_count == 0)
		return;
	pp = sq_len(t->pending);
	if (pp >= SKETCH_TINY) {
		float inv = 1.0f / sqrt_pos(pp);

		if (t->flags & RVX_TASK_F_SUMMARY) {
			for (int i = 0; i < RVX_SCHED_SKETCH_DIM; i++)
				t->summary[i] = 0.875f * t->summary[i] +
						0.125f * (t->pending[i] * inv);
		} else {
			for (int i = 0; i < RVX_SCHED_SKETCH_DIM; i++)
				t->summary[i] = t->pending[i] * inv;
			t->flags |= RVX_TASK_F_SUMMARY;
		}
	}
	memset(t->pending, 0, sizeof(t->pending));
	t->pending_count = 0;
	novelty_set(t, 0);
}

/* ---- validation ---- */

/* Resolve an id to a live (not FREE) task index. */
static int resolve(const struct rvx_sched *s, rvx_handle_t id, uint32_t *out)
{
	uint32_t idx = rvx_handle_index(id);

	if (idx >= s->task_count)
		return -RVX_EINVAL;
	if (s->tasks[idx].state == RVX_TASK_FREE || s->tasks[idx].gen != rvx_handle_gen(id))
		return -RVX_ESTALE;
	*out = idx;
	return 0;
}

/* Resolve an id to a task that is not DEAD. */
static int resolve_alive(const struct rvx_sched *s, rvx_handle_t id, uint32_t *out)
{
	int ret = resolve(s, id, out);

	if (ret != 0)
		return ret;
	return s->tasks[*out].state == RVX_TASK_DEAD ? -RVX_EBUSY : 0;
}

/* ---- public calls ---- */

size_t rvx_sched_storage_size(uint32_t task_count, uint32_t cpu_count,
			      uint32_t partition_count, uint32_t heap_cap)
{
	if (task_count < 1 || task_count > RVX_SCHED_TASKS_MAX || cpu_count < 1 ||
	    cpu_count > RVX_SCHED_CPUS_MAX || partition_count < 1 ||
	    partition_count > RVX_SCHED_PARTITIONS_MAX || heap_cap < 1 ||
	    heap_cap > task_count)
		return 0;
	/* At most 2^8 * 2^8 * 2^24 * 16 = 2^44 bytes: fits a 64-bit size_t;
	 * a 32-bit embedder's bound is checked below. */
	uint64_t total = (uint64_t)task_count * sizeof(struct rvx_task) +
			 (uint64_t)cpu_count * sizeof(struct rvx_sched_cpu) +
			 (uint64_t)cpu_count * partition_count * sizeof(struct rvx_sched_rq) +
			 (uint64_t)partition_count * sizeof(uint64_t) +
			 ((((uint64_t)cpu_count * partition_count + task_count) * sizeof(uint32_t) +
			   7u) & ~(uint64_t)7u) +
			 (uint64_t)cpu_count * partition_count * heap_cap *
				 sizeof(struct rvx_sched_hent);
	if (total > (uint64_t)SIZE_MAX)
		return 0;
	return (size_t)total;
}

int rvx_sched_init(struct rvx_sched *s, void *storage, size_t storage_size,
		   uint32_t task_count, uint32_t cpu_count, uint32_t partition_count,
		   uint32_t heap_cap, uint64_t period_ns)
{
	size_t need = rvx_sched_storage_size(task_count, cpu_count, partition_count, heap_cap);
	size_t rq_count = (size_t)cpu_count * partition_count;
	uint8_t *p = storage;

	if (s == NULL || storage == NULL || need == 0 || period_ns == 0 ||
	    ((uintptr_t)storage & (RVX_SCHED_STORAGE_ALIGN - 1)) != 0)
		return -RVX_EINVAL;
	if (storage_size < need)
		return -RVX_ENOMEM;

	memset(storage, 0, need);
	s->tasks = (struct rvx_task *)(void *)p;
	p += (size_t)task_count * sizeof(struct rvx_task);
	s->cpus = (struct rvx_sched_cpu *)(void *)p;
	p += (size_t)cpu_count * sizeof(struct rvx_sched_cpu);
	s->rqs = (struct rvx_sched_rq *)(void *)p;
	p += rq_count * sizeof(struct rvx_sched_rq);
	s->budgets = (uint64_t *)(void *)p;
	p += (size_t)partition_count * sizeof(uint64_t);
	s->elig = (uint32_t *)(void *)p;
	s->pos = s->elig + rq_count;
	p += ((rq_count + task_count) * sizeof(uint32_t) + 7u) & ~(size_t)7u;
	s->heaps = (struct rvx_sched_hent *)(void *)p;
	s->period_ns = period_ns;
	s->task_count = task_count;
	s->cpu_count = cpu_count;
	s->partition_count = partition_count;
	s->heap_cap = heap_cap;
	s->free_head = 0;
	s->live = 0;

	for (uint32_t i = 0; i < task_count; i++) {
		s->tasks[i].gen = 1;
		s->tasks[i].link = i + 1 < task_count ? i + 1 : NIL;
		s->pos[i] = NIL;
	}
	for (uint32_t c = 0; c < cpu_count; c++)
		s->cpus[c].running = NIL;
	for (size_t r = 0; r < rq_count; r++) {
		s->rqs[r].budget_left = RVX_SCHED_BUDGET_UNLIMITED;
		s->rqs[r].elig_pos = NIL;
	}
	for (uint32_t q = 0; q < partition_count; q++)
		s->budgets[q] = RVX_SCHED_BUDGET_UNLIMITED;
	return 0;
}

int rvx_sched_partition_set_budget(struct rvx_sched *s, uint32_t partition, uint64_t budget_ns)
{
	if (partition >= s->partition_count || budget_ns == 0)
		return -RVX_EINVAL;
	s->budgets[partition] = budget_ns;
	for (uint32_t c = 0; c < s->cpu_count; c++) {
		rq_of(s, c, partition)->budget_left = budget_ns;
		rq_fix(s, c, partition);
	}
	return 0;
}

int rvx_sched_task_create(struct rvx_sched *s, uint32_t cpu, uint32_t partition,
			  uint64_t rel_deadline_ns, uint32_t cap_table, rvx_handle_t *out)
{
	uint32_t idx;
	struct rvx_task *t;
	struct rvx_sched_rq *rq;

	if (out == NULL || cpu >= s->cpu_count || partition >= s->partition_count ||
	    rel_deadline_ns == 0)
		return -RVX_EINVAL;
	rq = rq_of(s, cpu, partition);
	if (s->free_head == NIL || rq->members >= s->heap_cap)
		return -RVX_ELIMIT;

	idx = s->free_head;
	t = &s->tasks[idx];
	RVX_CHECK(t->state == RVX_TASK_FREE);
	s->free_head = t->link;
	s->live++;
	rq->members++;
	uint32_t gen = t->gen;
	memset(t, 0, sizeof(*t));
	t->gen = gen;
	t->link = NIL;
	t->rel_deadline = rel_deadline_ns;
	t->cap_table = cap_table;
	t->cpu = (uint16_t)cpu;
	t->partition = (uint16_t)partition;
	t->state = RVX_TASK_BLOCKED;
	*out = rvx_handle_make(idx, gen);
	return 0;
}

int rvx_sched_task_wake_check(const struct rvx_sched *s, rvx_handle_t id)
{
	uint32_t idx;
	int ret = resolve(s, id, &idx);

	if (ret != 0)
		return ret;
	return s->tasks[idx].state == RVX_TASK_BLOCKED ? 0 : -RVX_EBUSY;
}

int rvx_sched_task_wake(struct rvx_sched *s, rvx_handle_t id, uint64_t now)
{
	uint32_t idx;
	int ret = rvx_sched_task_wake_check(s, id);
	struct rvx_task *t;

	if (ret != 0)
		return ret;
	RVX_CHECK(resolve(s, id, &idx) == 0);
	t = &s->tasks[idx];
	t->deadline = sat_add(now, t->rel_deadline);
	t->flags &= (uint8_t)~RVX_TASK_F_MISSED;
	make_ready(s, idx, seq_take(s, t->cpu));
	return 0;
}

int rvx_sched_task_block_check(const struct rvx_sched *s, rvx_handle_t id)
{
	uint32_t idx;
	int ret = resolve(s, id, &idx);

	if (ret != 0)
		return ret;
	return s->tasks[idx].state == RVX_TASK_RUNNING || s->tasks[idx].state == RVX_TASK_READY
		       ? 0
		       : -RVX_EBUSY;
}

int rvx_sched_task_block(struct rvx_sched *s, rvx_handle_t id, uint64_t now, uint64_t ran_ns)
{
	uint32_t idx;
	int ret = rvx_sched_task_block_check(s, id);
	struct rvx_task *t;

	if (ret != 0)
		return ret;
	RVX_CHECK(resolve(s, id, &idx) == 0);
	t = &s->tasks[idx];
	if (t->state == RVX_TASK_RUNNING)
		stop_running(s, idx, now, ran_ns);
	else
		rq_remove(s, idx);
	t->state = RVX_TASK_BLOCKED;
	return 0;
}

/* Task idx, out of every run queue, starts running on cpu (its number
 * already in running_seq). */
static inline __attribute__((always_inline)) void
run_task(struct rvx_sched *s, uint32_t cpu, uint32_t idx, uint64_t now, uint32_t flags,
	 rvx_handle_t *out, uint32_t *out_flags)
{
	struct rvx_task *t = &s->tasks[idx];

	t->state = RVX_TASK_RUNNING;
	t->runs++;
	t->last_run = now;
	s->cpus[cpu].running = idx;
	s->cpus[cpu].picks++;
	if (now > t->deadline) {
		flags |= RVX_SCHED_PICK_MISSED;
		check_miss(s, t, now);
	}
	if (t->pending_count != 0)
		novelty_merge(t);
	*out = rvx_handle_make(idx, t->gen);
	*out_flags = flags;
}

/* The pick once checked: the CPU runs nothing and has a READY task. */
static void pick_commit(struct rvx_sched *s, uint32_t cpu, uint64_t now, rvx_handle_t *out,
			uint32_t *out_flags)
{
	struct rvx_sched_cpu *c = &s->cpus[cpu];
	uint32_t flags = 0, part, idx;

	if (now >= c->period_start && now - c->period_start >= s->period_ns) {
		/* The period ended: start the one `now` falls in. */
		c->period_start = now - (now - c->period_start) % s->period_ns;
		refill(s, cpu);
		flags |= RVX_SCHED_PICK_REFILLED;
	}
	if (c->eligible == 0) {
		/* Tasks are ready but every partition holding them is spent. */
		c->period_start = now;
		refill(s, cpu);
		flags |= RVX_SCHED_PICK_REFILLED;
	}
	RVX_CHECK(c->eligible > 0);
	part = s->elig[(size_t)cpu * s->partition_count];
	idx = heap_of(s, cpu, part)[0].task;
	c->running_seq = heap_of(s, cpu, part)[0].seq;
	rq_remove(s, idx);
	run_task(s, cpu, idx, now, flags, out, out_flags);
}

int rvx_sched_pick(struct rvx_sched *s, uint32_t cpu, uint64_t now, rvx_handle_t *out,
		   uint32_t *out_flags)
{
	uint32_t flags;

	if (out == NULL || cpu >= s->cpu_count)
		return -RVX_EINVAL;
	if (s->cpus[cpu].running != NIL)
		return -RVX_EBUSY;
	if (s->cpus[cpu].ready == 0)
		return -RVX_EEMPTY;
	pick_commit(s, cpu, now, out, out_flags != NULL ? out_flags : &flags);
	return 0;
}

/* Shared checks of put and yield. */
static int resolve_running_on(const struct rvx_sched *s, uint32_t cpu, rvx_handle_t id,
			      uint32_t *idx)
{
	int ret;

	if (cpu >= s->cpu_count)
		return -RVX_EINVAL;
	ret = resolve(s, id, idx);
	if (ret != 0)
		return ret;
	if (s->tasks[*idx].state != RVX_TASK_RUNNING || s->cpus[cpu].running != *idx)
		return -RVX_EBUSY;
	return 0;
}

/* Put (preempted, not done): back with the number it was picked with. */
static void put_commit(struct rvx_sched *s, uint32_t cpu, uint32_t idx, uint64_t now,
		       uint64_t ran_ns)
{
	uint32_t seq = s->cpus[cpu].running_seq;

	stop_running(s, idx, now, ran_ns);
	make_ready(s, idx, seq);
}

/* Yield (its job is done): the next deadline, and a fresh number, behind
 * every READY peer of equal key even when `now` has not moved since they
 * were enqueued. */
static void yield_commit(struct rvx_sched *s, uint32_t cpu, uint32_t idx, uint64_t now,
			 uint64_t ran_ns)
{
	struct rvx_task *t = &s->tasks[idx];

	stop_running(s, idx, now, ran_ns);
	t->deadline = sat_add(now, t->rel_deadline);
	t->flags &= (uint8_t)~RVX_TASK_F_MISSED;
	make_ready(s, idx, seq_take(s, cpu));
}

int rvx_sched_put(struct rvx_sched *s, uint32_t cpu, rvx_handle_t id, uint64_t now,
		  uint64_t ran_ns)
{
	uint32_t idx;
	int ret = resolve_running_on(s, cpu, id, &idx);

	if (ret != 0)
		return ret;
	put_commit(s, cpu, idx, now, ran_ns);
	return 0;
}

int rvx_sched_yield(struct rvx_sched *s, uint32_t cpu, rvx_handle_t id, uint64_t now,
		    uint64_t ran_ns)
{
	uint32_t idx;
	int ret = resolve_running_on(s, cpu, id, &idx);

	if (ret != 0)
		return ret;
	yield_commit(s, cpu, idx, now, ran_ns);
	return 0;
}

/* rvx_sched_put_pick() with at most one sift, in three common cases where
 * the put (or yield) and the pick touch no queue but the ones named here.
 * Both need the task's partition to keep budget left and the period not to
 * have ended, so the pick refills nothing.
 *  - Keep: the task handed back goes before the head of every eligible
 *    partition, so the pick would take it straight back out: it keeps the
 *    CPU and no queue changes.
 *  - Replace: the partition first in line is the task's own: its head
 *    runs and the task takes the head's slot in the heap (one sift down,
 *    as a heap's push-then-pop).
 *  - Swap: the task is the only one of its partition P on the CPU and the
 *    eligible partition Q first in line holds one READY task: P (now
 *    holding the task handed back) takes Q's place in the CPU's heap, and
 *    Q's task runs.
 * Otherwise returns false having stored nothing. */
static bool put_pick_fast(struct rvx_sched *s, uint32_t cpu, uint32_t idx, uint64_t now,
			  uint64_t ran_ns, bool yield, struct rvx_sched_picked *out)
{
	struct rvx_sched_cpu *c = &s->cpus[cpu];
	struct rvx_task *t = &s->tasks[idx];
	const uint32_t part = t->partition;
	uint32_t *elig = &s->elig[(size_t)cpu * s->partition_count];
	struct rvx_sched_rq *rq = rq_of(s, cpu, part), *qrq = NULL;
	struct rvx_sched_hent e, *qh = NULL;
	uint64_t left = rq->budget_left, deadline = t->deadline;
	uint32_t next = idx;

	if (left != RVX_SCHED_BUDGET_UNLIMITED)
		left = left > ran_ns ? left - ran_ns : 0;
	if (left == 0 || (now >= c->period_start && now - c->period_start >= s->period_ns))
		return false;
	if (yield)
		deadline = sat_add(now, t->rel_deadline);
	e.key = key_at(t, deadline);
	e.task = idx;
	e.seq = yield ? c->enqueue_seq : c->running_seq;
	if (c->eligible > 0) {
		qh = heap_of(s, cpu, elig[0]);
		if (hent_before(&e, qh))
			qh = NULL; /* keep */
		else if (elig[0] == part)
			next = qh->task; /* replace */
		else if (rq->count == 0 && (qrq = rq_of(s, cpu, elig[0]))->count == 1)
			next = qh->task; /* swap */
		else
			return false;
	}

	/* Commit. The task handed back: what stop_running() and a put or
	 * yield store. */
	t->total_run_ns = sat_add(t->total_run_ns, ran_ns);
	rq->budget_left = left;
	if (now > t->deadline && !(t->flags & RVX_TASK_F_MISSED))
		check_miss(s, t, now);
	if (yield) {
		t->deadline = deadline;
		t->flags &= (uint8_t)~RVX_TASK_F_MISSED;
		c->enqueue_seq = e.seq + 1u;
	}
	t->key = e.key;
	if (qh == NULL) {
		c->running_seq = e.seq;
	} else if (qrq == NULL) {
		/* Replace: the head of P's heap runs, the task handed back takes
		 * its slot and sinks; P's head is now no earlier than before,
		 * so P can only move down in the CPU's heap. */
		c->running_seq = qh->seq;
		s->pos[next] = NIL;
		t->state = RVX_TASK_READY;
		th_set(s, qh, 0, &e);
		th_sift_down(s, qh, rq->count, 0);
		if (c->eligible > 1)
			eh_sift_down(s, cpu, 0);
	} else {
		/* Swap: Q's only task leaves its heap, the task handed back is
		 * P's only entry, and P moves into Q's place, then down. */
		c->running_seq = qh->seq;
		qrq->count = 0;
		qrq->elig_pos = NIL;
		s->pos[next] = NIL;
		s->pos[idx] = 0;
		t->state = RVX_TASK_READY;
		heap_of(s, cpu, part)[0] = e;
		rq->count = 1;
		rq->elig_pos = 0;
		elig[0] = part;
		if (c->eligible > 1)
			eh_sift_down(s, cpu, 0);
	}
	run_task(s, cpu, next, now, 0, &out->id, &out->flags);
	out->cap_table = s->tasks[next].cap_table;
	return true;
}

int rvx_sched_put_pick(struct rvx_sched *s, uint32_t cpu, rvx_handle_t id, uint64_t now,
		       uint64_t ran_ns, bool yield, struct rvx_sched_picked *out)
{
	uint32_t idx;
	int ret;

	if (out == NULL)
		return -RVX_EINVAL;
	ret = resolve_running_on(s, cpu, id, &idx);
	if (ret != 0)
		return ret;
	if (put_pick_fast(s, cpu, idx, now, ran_ns, yield, out))
		return 0;
	if (yield)
		yield_commit(s, cpu, idx, now, ran_ns);
	else
		put_commit(s, cpu, idx, now, ran_ns);
	/* The task just handed back is READY on this CPU: the pick cannot fail. */
	pick_commit(s, cpu, now, &out->id, &out->flags);
	out->cap_table = s->tasks[rvx_handle_index(out->id)].cap_table;
	return 0;
}

int rvx_sched_task_cap_table(const struct rvx_sched *s, rvx_handle_t id, uint32_t *out)
{
	uint32_t idx;
	int ret;

	if (out == NULL)
		return -RVX_EINVAL;
	ret = resolve(s, id, &idx);
	if (ret != 0)
		return ret;
	*out = s->tasks[idx].cap_table;
	return 0;
}

int rvx_sched_task_exit(struct rvx_sched *s, rvx_handle_t id, uint64_t now, uint64_t ran_ns)
{
	uint32_t idx;
	int ret = resolve_alive(s, id, &idx);
	struct rvx_task *t;

	if (ret != 0)
		return ret;
	t = &s->tasks[idx];
	if (t->state == RVX_TASK_RUNNING)
		stop_running(s, idx, now, ran_ns);
	else if (t->state == RVX_TASK_READY)
		rq_remove(s, idx);
	rq_of(s, t->cpu, t->partition)->members--;
	t->state = RVX_TASK_DEAD;
	t->link = NIL;
	return 0;
}

int rvx_sched_task_free(struct rvx_sched *s, rvx_handle_t id)
{
	uint32_t idx;
	int ret = resolve(s, id, &idx);
	struct rvx_task *t;

	if (ret != 0)
		return ret;
	t = &s->tasks[idx];
	if (t->state != RVX_TASK_DEAD)
		return -RVX_EBUSY;
	t->state = RVX_TASK_FREE;
	t->gen = rvx_gen_next(t->gen);
	t->link = s->free_head;
	s->free_head = idx;
	s->live--;
	return 0;
}

int rvx_sched_task_migrate_check(const struct rvx_sched *s, rvx_handle_t id, uint32_t cpu,
				 uint32_t partition)
{
	uint32_t idx;
	int ret = resolve_alive(s, id, &idx);
	const struct rvx_task *t;

	if (ret != 0)
		return ret;
	if (cpu >= s->cpu_count || partition >= s->partition_count)
		return -RVX_EINVAL;
	t = &s->tasks[idx];
	if (t->state == RVX_TASK_RUNNING)
		return -RVX_EBUSY;
	if (t->cpu == cpu && t->partition == partition)
		return 0;
	if (s->rqs[(size_t)cpu * s->partition_count + partition].members >= s->heap_cap)
		return -RVX_ELIMIT;
	return 0;
}

int rvx_sched_task_migrate(struct rvx_sched *s, rvx_handle_t id, uint32_t cpu,
			   uint32_t partition)
{
	uint32_t idx;
	int ret = rvx_sched_task_migrate_check(s, id, cpu, partition);
	struct rvx_task *t;
	struct rvx_sched_rq *to;
	bool ready;

	if (ret != 0)
		return ret;
	RVX_CHECK(resolve_alive(s, id, &idx) == 0);
	t = &s->tasks[idx];
	if (t->cpu == cpu && t->partition == partition)
		return 0;
	to = rq_of(s, cpu, partition);

	ready = t->state == RVX_TASK_READY;
	if (ready)
		rq_remove(s, idx);
	rq_of(s, t->cpu, t->partition)->members--;
	to->members++;
	t->cpu = (uint16_t)cpu;
	t->partition = (uint16_t)partition;
	/* A new arrival there: the new CPU's numbers are the only ones its
	 * queues may compare. */
	if (ready)
		rq_insert(s, idx, seq_take(s, cpu));
	return 0;
}

int rvx_sched_task_observe(struct rvx_sched *s, rvx_handle_t id, const float *vec,
			   uint32_t dim)
{
	uint32_t idx;
	int ret = resolve(s, id, &idx);
	struct rvx_task *t;
	float maxabs = 0.0f, sk[RVX_SCHED_SKETCH_DIM] = {0}, p[RVX_SCHED_SKETCH_DIM];
	float n2;

	if (ret != 0)
		return ret;
	if (vec == NULL || dim < 1 || dim > RVX_SCHED_OBSERVE_DIM_MAX)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < dim; i++) {
		float a;

		if (!__builtin_isfinite(vec[i]))
			return -RVX_EINVAL;
		a = vec[i] < 0.0f ? -vec[i] : vec[i];
		if (a > maxabs)
			maxabs = a;
	}
	if (maxabs == 0.0f)
		return -RVX_EINVAL;
	if (s->tasks[idx].state == RVX_TASK_DEAD)
		return -RVX_EBUSY;

	/* Scaling by the largest magnitude first keeps every square finite. */
	for (uint32_t i = 0; i < dim; i++)
		sk[i % RVX_SCHED_SKETCH_DIM] += vec[i] / maxabs;
	n2 = sq_len(sk);
	t = &s->tasks[idx];
	for (int i = 0; i < RVX_SCHED_SKETCH_DIM; i++)
		p[i] = t->pending[i];
	if (n2 >= SKETCH_TINY) {
		float inv = 1.0f / sqrt_pos(n2);

		for (int i = 0; i < RVX_SCHED_SKETCH_DIM; i++)
			p[i] += sk[i] * inv;
	}
	memcpy(t->pending, p, sizeof(p));
	if (t->pending_count != UINT32_MAX)
		t->pending_count++;
	novelty_set(t, novelty_q16(p, t->summary, (t->flags & RVX_TASK_F_SUMMARY) != 0));
	if (t->state == RVX_TASK_READY)
		rq_rekey(s, idx);
	return 0;
}

/* Set one of the Q16.16 score inputs (cut pressure or risk) of a live task,
 * re-keying it in its run queue if it is READY. */
static int set_score_term(struct rvx_sched *s, rvx_handle_t id, uint32_t value, bool risk)
{
	uint32_t idx;
	int ret = resolve(s, id, &idx);

	if (ret != 0)
		return ret;
	if (value > RVX_SCHED_Q16_ONE)
		return -RVX_EINVAL;
	if (s->tasks[idx].state == RVX_TASK_DEAD)
		return -RVX_EBUSY;
	if (risk)
		s->tasks[idx].risk = value;
	else
		s->tasks[idx].cut_pressure = value;
	if (s->tasks[idx].state == RVX_TASK_READY)
		rq_rekey(s, idx);
	return 0;
}

int rvx_sched_task_set_urgency(struct rvx_sched *s, rvx_handle_t id, uint32_t urgency)
{
	uint32_t idx;
	int ret = resolve(s, id, &idx);

	if (ret != 0)
		return ret;
	if (urgency > RVX_SCHED_URGENCY_MAX)
		return -RVX_EINVAL;
	if (s->tasks[idx].state == RVX_TASK_DEAD)
		return -RVX_EBUSY;
	s->tasks[idx].urgency = (uint8_t)urgency;
	if (s->tasks[idx].state == RVX_TASK_READY)
		rq_rekey(s, idx);
	return 0;
}

int rvx_sched_task_set_cut_pressure(struct rvx_sched *s, rvx_handle_t id, uint32_t pressure)
{
	return set_score_term(s, id, pressure, false);
}

int rvx_sched_task_set_risk(struct rvx_sched *s, rvx_handle_t id, uint32_t risk)
{
	return set_score_term(s, id, risk, true);
}

int rvx_sched_task_set_rel_deadline(struct rvx_sched *s, rvx_handle_t id,
				    uint64_t rel_deadline_ns)
{
	uint32_t idx;
	int ret = resolve(s, id, &idx);

	if (ret != 0)
		return ret;
	if (rel_deadline_ns == 0)
		return -RVX_EINVAL;
	if (s->tasks[idx].state == RVX_TASK_DEAD)
		return -RVX_EBUSY;
	s->tasks[idx].rel_deadline = rel_deadline_ns;
	return 0;
}

int rvx_sched_task_set_port_ctx(struct rvx_sched *s, rvx_handle_t id, uint64_t port_ctx)
{
	uint32_t idx;
	int ret = resolve(s, id, &idx);

	if (ret != 0)
		return ret;
	s->tasks[idx].port_ctx = port_ctx;
	return 0;
}

int rvx_sched_task_info(const struct rvx_sched *s, rvx_handle_t id, struct rvx_task *out)
{
	uint32_t idx;
	int ret;

	if (out == NULL)
		return -RVX_EINVAL;
	ret = resolve(s, id, &idx);
	if (ret != 0)
		return ret;
	memcpy(out, &s->tasks[idx], sizeof(*out));
	return 0;
}

int rvx_sched_running(const struct rvx_sched *s, uint32_t cpu, rvx_handle_t *out)
{
	uint32_t idx;

	if (out == NULL || cpu >= s->cpu_count)
		return -RVX_EINVAL;
	idx = s->cpus[cpu].running;
	if (idx == NIL)
		return -RVX_EEMPTY;
	*out = rvx_handle_make(idx, s->tasks[idx].gen);
	return 0;
}

int rvx_sched_ready_count(const struct rvx_sched *s, uint32_t cpu)
{
	if (cpu >= s->cpu_count)
		return -RVX_EINVAL;
	return (int)s->cpus[cpu].ready;
}

int rvx_sched_stats(const struct rvx_sched *s, struct rvx_sched_stats *out)
{
	struct rvx_sched_stats st;

	if (out == NULL)
		return -RVX_EINVAL;
	memset(&st, 0, sizeof(st));
	for (uint32_t c = 0; c < s->cpu_count; c++) {
		st.picks += s->cpus[c].picks;
		st.deadline_misses += s->cpus[c].deadline_misses;
		st.refills += s->cpus[c].refills;
	}
	for (uint32_t i = 0; i < s->task_count; i++) {
		switch (s->tasks[i].state) {
		case RVX_TASK_FREE: st.free++; break;
		case RVX_TASK_READY: st.ready++; break;
		case RVX_TASK_RUNNING: st.running++; break;
		case RVX_TASK_BLOCKED: st.blocked++; break;
		default: st.dead++; break;
		}
	}
	*out = st;
	return 0;
}

/* ---- validation of state bytes (a checkpoint image, before it is loaded) ---- */

/* Where each array of init's layout starts, as offsets into the storage. */
struct vlayout {
	size_t tasks, cpus, rqs, budgets, elig, pos, heaps;
};

static struct vlayout vlayout_of(const struct rvx_sched *s)
{
	struct vlayout l;
	size_t rq_count = (size_t)s->cpu_count * s->partition_count;

	l.tasks = 0;
	l.cpus = (size_t)s->task_count * sizeof(struct rvx_task);
	l.rqs = l.cpus + (size_t)s->cpu_count * sizeof(struct rvx_sched_cpu);
	l.budgets = l.rqs + rq_count * sizeof(struct rvx_sched_rq);
	l.elig = l.budgets + (size_t)s->partition_count * sizeof(uint64_t);
	l.pos = l.elig + rq_count * sizeof(uint32_t);
	l.heaps = l.elig + (((rq_count + s->task_count) * sizeof(uint32_t) + 7u) & ~(size_t)7u);
	return l;
}

static void vread(void *dst, const void *st, size_t off, size_t len)
{
	memcpy(dst, (const uint8_t *)st + off, len);
}

static struct rvx_task vtask(const void *st, uint32_t i)
{
	struct rvx_task t;

	vread(&t, st, (size_t)i * sizeof(t), sizeof(t));
	return t;
}

static uint32_t vu32(const void *st, size_t base, size_t i)
{
	uint32_t v;

	vread(&v, st, base + i * sizeof(v), sizeof(v));
	return v;
}

static struct rvx_sched_rq vrq(const struct rvx_sched *s, const struct vlayout *l,
			       const void *st, uint32_t cpu, uint32_t part)
{
	struct rvx_sched_rq rq;

	vread(&rq, st, l->rqs + ((size_t)cpu * s->partition_count + part) * sizeof(rq),
	      sizeof(rq));
	return rq;
}

static struct rvx_sched_hent vhent(const struct rvx_sched *s, const struct vlayout *l,
				   const void *st, uint32_t cpu, uint32_t part, uint32_t j)
{
	struct rvx_sched_hent e;

	vread(&e, st,
	      l->heaps + (((size_t)cpu * s->partition_count + part) * s->heap_cap + j) * sizeof(e),
	      sizeof(e));
	return e;
}

static bool vfinite(float x)
{
	return x == x && x - x == 0.0f;
}

/* One control block on its own. */
static bool vtask_ok(const struct rvx_sched *s, const struct rvx_task *t)
{
	if (t->gen == 0 || t->state > RVX_TASK_DEAD)
		return false;
	if (t->state == RVX_TASK_FREE)
		return t->link == NIL || t->link < s->task_count;
	if (t->link != NIL || t->cpu >= s->cpu_count || t->partition >= s->partition_count ||
	    t->rel_deadline == 0 || t->reserved != 0 ||
	    (t->flags & ~(RVX_TASK_F_MISSED | RVX_TASK_F_SUMMARY)) != 0 ||
	    t->cut_pressure > 65536u || t->risk > 65536u || t->novelty > 65536u ||
	    t->novelty_boost_ns > RVX_SCHED_NOVELTY_BOOST_MAX_NS)
		return false;
	for (uint32_t d = 0; d < RVX_SCHED_SKETCH_DIM; d++)
		if (!vfinite(t->summary[d]) || !vfinite(t->pending[d]))
			return false;
	return t->state != RVX_TASK_READY || t->key == task_key(t);
}

/* One run queue: counts, its task heap in order with positions that point
 * back, its place in the CPU's eligible heap. */
static bool vrq_ok(const struct rvx_sched *s, const struct vlayout *l, const void *st,
		   uint32_t c, uint32_t p, uint32_t eligible)
{
	struct rvx_sched_rq rq = vrq(s, l, st, c, p);
	uint32_t ready = 0, members = 0;

	if (rq.count > s->heap_cap || rq.members > s->heap_cap || rq.reserved != 0)
		return false;
	for (uint32_t i = 0; i < s->task_count; i++) {
		struct rvx_task t = vtask(st, i);

		if (t.state == RVX_TASK_FREE || t.cpu != c || t.partition != p)
			continue;
		if (t.state != RVX_TASK_DEAD)
			members++;
		if (t.state == RVX_TASK_READY)
			ready++;
	}
	if (ready != rq.count || members != rq.members)
		return false;
	for (uint32_t j = 0; j < rq.count; j++) {
		struct rvx_sched_hent e = vhent(s, l, st, c, p, j), up;
		struct rvx_task t;

		if (e.task >= s->task_count || vu32(st, l->pos, e.task) != j)
			return false;
		t = vtask(st, e.task);
		if (t.state != RVX_TASK_READY || t.cpu != c || t.partition != p || t.key != e.key)
			return false;
		if (j == 0)
			continue;
		up = vhent(s, l, st, c, p, (j - 1u) / 2u);
		if (hent_before(&e, &up))
			return false;
	}
	if (rq_eligible(&rq) != (rq.elig_pos != NIL))
		return false;
	return rq.elig_pos == NIL ||
	       (rq.elig_pos < eligible &&
		vu32(st, l->elig, (size_t)c * s->partition_count + rq.elig_pos) == p);
}

/* One CPU: its running task, its ready count, its eligible heap in order. */
static bool vcpu_ok(const struct rvx_sched *s, const struct vlayout *l, const void *st,
		    uint32_t c)
{
	struct rvx_sched_cpu cpu;
	uint32_t ready = 0, eligible = 0, running = 0;

	vread(&cpu, st, l->cpus + (size_t)c * sizeof(cpu), sizeof(cpu));
	if (cpu.eligible > s->partition_count || cpu.reserved[0] != 0 || cpu.reserved[1] != 0 ||
	    cpu.reserved[2] != 0)
		return false;
	for (uint32_t p = 0; p < s->partition_count; p++) {
		struct rvx_sched_rq rq = vrq(s, l, st, c, p);

		if (!vrq_ok(s, l, st, c, p, cpu.eligible))
			return false;
		ready += rq.count;
		eligible += rq_eligible(&rq);
	}
	if (ready != cpu.ready || eligible != cpu.eligible)
		return false;
	for (uint32_t j = 0; j < cpu.eligible; j++) {
		uint32_t part = vu32(st, l->elig, (size_t)c * s->partition_count + j), up;
		struct rvx_sched_hent a, b;

		if (part >= s->partition_count || vrq(s, l, st, c, part).elig_pos != j)
			return false;
		if (j == 0)
			continue;
		up = vu32(st, l->elig, (size_t)c * s->partition_count + (j - 1u) / 2u);
		a = vhent(s, l, st, c, part, 0);
		b = vhent(s, l, st, c, up, 0);
		if (hent_before(&a, &b))
			return false;
	}
	for (uint32_t i = 0; i < s->task_count; i++) {
		struct rvx_task t = vtask(st, i);

		if (t.state == RVX_TASK_RUNNING && t.cpu == c)
			running++;
	}
	if (cpu.running == NIL)
		return running == 0;
	return running == 1 && cpu.running < s->task_count &&
	       vtask(st, cpu.running).state == RVX_TASK_RUNNING && vtask(st, cpu.running).cpu == c;
}

int rvx_sched_validate(const struct rvx_sched *s, const void *storage, size_t storage_size)
{
	struct vlayout l;
	uint32_t live = 0, steps = 0;
	size_t need;

	if (s == NULL || storage == NULL)
		return -RVX_EINVAL;
	need = rvx_sched_storage_size(s->task_count, s->cpu_count, s->partition_count,
				      s->heap_cap);
	if (need == 0 || s->period_ns == 0)
		return -RVX_EINVAL;
	if (storage_size < need)
		return -RVX_ENOMEM;
	l = vlayout_of(s);
	for (uint32_t i = 0; i < s->task_count; i++) {
		struct rvx_task t = vtask(storage, i);
		uint32_t pos = vu32(storage, l.pos, i);

		if (!vtask_ok(s, &t) || (t.state == RVX_TASK_READY) != (pos != NIL))
			return -RVX_EINVAL;
		live += t.state != RVX_TASK_FREE;
	}
	if (live != s->live || !(s->free_head == NIL || s->free_head < s->task_count))
		return -RVX_EINVAL;
	/* The free list: a simple path through exactly the FREE blocks. */
	for (uint32_t cur = s->free_head; cur != NIL; cur = vtask(storage, cur).link)
		if (steps++ == s->task_count - live || vtask(storage, cur).state != RVX_TASK_FREE)
			return -RVX_EINVAL;
	if (steps != s->task_count - live)
		return -RVX_EINVAL;
	for (uint32_t p = 0; p < s->partition_count; p++) {
		uint64_t b;

		vread(&b, storage, l.budgets + (size_t)p * sizeof(b), sizeof(b));
		if (b == 0)
			return -RVX_EINVAL;
	}
	for (uint32_t c = 0; c < s->cpu_count; c++)
		if (!vcpu_ok(s, &l, storage, c))
			return -RVX_EINVAL;
	return 0;
}
