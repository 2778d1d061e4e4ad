/* SPDX-License-Identifier: Apache-2.0 */
#include "sched_fixture.h"

struct fx fx;

void fx_setup(void)
{
	memset(&fx, 0xa5, sizeof(fx)); /* init must not rely on zeroed storage */
	cr_assert_eq(rvx_sched_init(S, fx.storage, sizeof(fx.storage), FX_TASKS, FX_CPUS,
				    FX_PARTS, FX_TASKS, FX_PERIOD),
		     0);
}

void fx_snap_take(struct fx_snap *snap)
{
	memcpy(&snap->s, &fx.s, sizeof(snap->s));
	memcpy(snap->storage, fx.storage, sizeof(snap->storage));
}

void fx_snap_assert_same(const struct fx_snap *snap, const char *what)
{
	cr_assert(memcmp(&snap->s, &fx.s, sizeof(snap->s)) == 0, "%s changed the scheduler", what);
	cr_assert(memcmp(snap->storage, fx.storage, sizeof(snap->storage)) == 0,
		  "%s changed the storage", what);
}

rvx_handle_t fx_task(uint32_t cpu, uint32_t part, uint64_t rel)
{
	rvx_handle_t id = RVX_HANDLE_NULL;
	int ret = rvx_sched_task_create(S, cpu, part, rel, 0, &id);

	cr_assert_eq(ret, 0, "create: %s", rvx_strerror(ret));
	return id;
}

rvx_handle_t fx_ready(uint32_t cpu, uint32_t part, uint64_t rel, uint64_t now)
{
	rvx_handle_t id = fx_task(cpu, part, rel);
	int ret = rvx_sched_task_wake(S, id, now);

	cr_assert_eq(ret, 0, "wake: %s", rvx_strerror(ret));
	return id;
}

rvx_handle_t fx_pick(uint32_t cpu, uint64_t now, uint32_t *flags)
{
	rvx_handle_t id = RVX_HANDLE_NULL;
	int ret = rvx_sched_pick(S, cpu, now, &id, flags);

	cr_assert_eq(ret, 0, "pick: %s", rvx_strerror(ret));
	return id;
}

struct rvx_task fx_info(rvx_handle_t id)
{
	struct rvx_task t;
	int ret = rvx_sched_task_info(S, id, &t);

	cr_assert_eq(ret, 0, "info: %s", rvx_strerror(ret));
	return t;
}

/* Heap order, positions, counts and the eligible-partition heaps agree with
 * the task states. */
void fx_check_invariants(void)
{
	uint32_t ready[FX_CPUS] = {0}, members[FX_CPUS][FX_PARTS] = {{0}};
	uint32_t live = 0, free_count = 0;

	for (uint32_t i = 0; i < S->task_count; i++) {
		const struct rvx_task *t = &S->tasks[i];

		if (t->state != RVX_TASK_READY)
			cr_assert_eq(S->pos[i], RVX_SCHED_NIL, "task %u has a heap position", i);
		if (t->state != RVX_TASK_FREE)
			cr_assert_eq(t->link, RVX_SCHED_NIL);
		if (t->state == RVX_TASK_FREE) {
			free_count++;
			continue;
		}
		live++;
		if (t->state != RVX_TASK_DEAD)
			members[t->cpu][t->partition]++;
		if (t->state == RVX_TASK_READY) {
			const struct rvx_sched_hent *h =
				&S->heaps[((size_t)t->cpu * FX_PARTS + t->partition) * S->heap_cap];
			ready[t->cpu]++;
			cr_assert_eq(h[S->pos[i]].task, i, "task %u not at its heap position", i);
			cr_assert_eq(h[S->pos[i]].key, t->key, "task %u heap key is stale", i);
			/* Every READY entry's number was handed out already. */
			cr_assert((int32_t)(h[S->pos[i]].seq - S->cpus[t->cpu].enqueue_seq) < 0,
				  "task %u enqueue number not yet issued", i);
			for (uint32_t j = 0; j < i; j++) {
				const struct rvx_task *u = &S->tasks[j];

				if (u->state != RVX_TASK_READY || u->cpu != t->cpu)
					continue;
				const struct rvx_sched_hent *hu =
					&S->heaps[((size_t)u->cpu * FX_PARTS + u->partition) * S->heap_cap];
				cr_assert_neq(hu[S->pos[j]].seq, h[S->pos[i]].seq,
					      "tasks %u and %u share an enqueue number", j, i);
			}
		} else if (t->state == RVX_TASK_RUNNING) {
			cr_assert_eq(S->cpus[t->cpu].running, i);
		}
	}
	cr_assert_eq(live, S->live);
	for (uint32_t i = S->free_head, n = 0; i != RVX_SCHED_NIL; i = S->tasks[i].link, n++) {
		cr_assert_eq(S->tasks[i].state, RVX_TASK_FREE);
		cr_assert(n < free_count);
	}
	for (uint32_t c = 0; c < FX_CPUS; c++) {
		uint32_t elig = 0;

		cr_assert_eq(S->cpus[c].ready, ready[c], "cpu %u ready count", c);
		for (uint32_t p = 0; p < FX_PARTS; p++) {
			const struct rvx_sched_rq *rq = &S->rqs[c * FX_PARTS + p];
			const struct rvx_sched_hent *h = &S->heaps[((size_t)c * FX_PARTS + p) * S->heap_cap];

			cr_assert_eq(rq->members, members[c][p]);
			for (uint32_t k = 1; k < rq->count; k++) {
				const struct rvx_sched_hent *a = &h[(k - 1) / 2], *b = &h[k];
				/* (key, enqueue number), numbers compared modulo 2^32 */
				cr_assert(a->key < b->key ||
						  (a->key == b->key && (int32_t)(a->seq - b->seq) < 0),
					  "heap order broken");
			}
			bool want = rq->count > 0 && rq->budget_left > 0;
			cr_assert_eq(rq->elig_pos != RVX_SCHED_NIL, want, "cpu %u part %u eligibility", c, p);
			if (want) {
				elig++;
				cr_assert_eq(S->elig[c * FX_PARTS + rq->elig_pos], p);
			}
		}
		cr_assert_eq(S->cpus[c].eligible, elig);
		if (S->cpus[c].running == RVX_SCHED_NIL)
			cr_assert_eq(S->cpus[c].running_seq, 0, "idle cpu %u keeps a number", c);
		/* The partition heap: a parent's head goes before its children's. */
		for (uint32_t k = 1; k < elig; k++) {
			uint32_t pa = S->elig[c * FX_PARTS + (k - 1) / 2], pb = S->elig[c * FX_PARTS + k];
			const struct rvx_sched_hent *a = &S->heaps[((size_t)c * FX_PARTS + pa) * S->heap_cap];
			const struct rvx_sched_hent *b = &S->heaps[((size_t)c * FX_PARTS + pb) * S->heap_cap];

			cr_assert(a->key < b->key ||
					  (a->key == b->key && (int32_t)(a->seq - b->seq) < 0),
				  "cpu %u partition heap order broken", c);
		}
	}
}
