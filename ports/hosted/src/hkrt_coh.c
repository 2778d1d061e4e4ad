/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The coherence engine in the hosted kernel runtime (built with
 * -Dcoherence=enabled): tasks placed on CPUs by the queue traffic between
 * them, the decision witnessed, carried out with rvx_kernel_task_migrate(),
 * the scores handed to the scheduler. See ruvix/hosted_krt_coh.h. Runs
 * inside the runtime's tick, kernel lock held.
 */
#define _GNU_SOURCE
#include <string.h>
#include <time.h>

#include "ruvix/hosted_krt_coh.h"

static uint64_t mono_clock(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A task the engine places: live in the kernel, not dead. @p cpu gets its CPU. */
static bool placeable(struct rvx_hkrt *rt, uint32_t i, uint32_t *cpu)
{
	struct rvx_kernel_task_info ti;

	if (rvx_kernel_task_info(rt->cfg.kernel, i, &ti) != 0 || ti.state == RVX_TASK_DEAD ||
	    ti.cpu >= rt->cfg.cpu_count)
		return false;
	*cpu = ti.cpu;
	return true;
}

/* Forget the engine edges that vanished with a vertex. */
static void edges_forget_dead(struct rvx_hkrt_coh *hc)
{
	for (uint32_t i = 0; i < RVX_HKRT_COH_EDGES; i++)
		if (hc->edge_of[i] != RVX_COH_NONE && hc->edges[hc->edge_of[i]].a == RVX_COH_NONE)
			hc->edge_of[i] = RVX_COH_NONE;
}

/* Bring the engine's vertices in line with the live tasks, and note their
 * run time. Each call is on a slot whose state was just checked. */
static void sync_vertices(struct rvx_hkrt *rt, struct rvx_hkrt_coh *hc)
{
	struct rvx_coh *c = &hc->engine;

	for (uint32_t i = 0; i < RVX_KERNEL_TASKS; i++) {
		const struct rvx_hkrt_task *t = &rt->tasks[i];
		uint32_t cpu = 0;
		bool want = placeable(rt, i, &cpu);

		/* Gone, reborn or moved by someone else: taken in afresh. */
		if (hc->placed[i] != RVX_COH_NONE &&
		    (!want || cpu != hc->placed[i] || t->generation != hc->generation[i])) {
			RVX_CHECK(rvx_coh_vertex_remove(c, i) == 0);
			hc->placed[i] = RVX_COH_NONE;
			edges_forget_dead(hc);
		}
		if (want && hc->placed[i] == RVX_COH_NONE) {
			RVX_CHECK(rvx_coh_vertex_add(c, i, cpu) == 0);
			hc->placed[i] = cpu;
			hc->generation[i] = t->generation;
			hc->ran[i] = t->run_ns;
		}
		if (hc->placed[i] != RVX_COH_NONE) {
			uint64_t ran = t->run_ns - hc->ran[i];

			hc->ran[i] = t->run_ns;
			RVX_CHECK(rvx_coh_vertex_note(c, i, hc->load_by_time ? ran / 1000u + 1u : 1u) == 0);
		}
	}
}

/* @p t is a placed task other than @p r. */
static bool pair_ok(const struct rvx_hkrt_coh *hc, uint32_t t, uint32_t r)
{
	return t < RVX_KERNEL_TASKS && r < RVX_KERNEL_TASKS && t != r &&
	       hc->placed[t] != RVX_COH_NONE && hc->placed[r] != RVX_COH_NONE;
}

/* Per queue, an edge from each of the epoch's senders to its last receiver
 * (slots q * RVX_KERNEL_QUEUE_SENDERS + i), noted with the sender's bytes
 * plus messages and its share of the received ones. A pair keeps its slot
 * from epoch to epoch; a new pair takes a slot its queue's senders of this
 * epoch do not use (the lowest), dropping the edge there. Without a
 * receiver this epoch, a sender's traffic goes to an edge it has already. */
static void sync_edges(struct rvx_hkrt *rt, struct rvx_hkrt_coh *hc)
{
	struct rvx_coh *c = &hc->engine;

	for (uint32_t q = 0; q < RVX_KERNEL_QUEUES; q++) {
		struct rvx_kernel_queue_peers p;
		uint32_t *eo = &hc->edge_of[q * RVX_KERNEL_QUEUE_SENDERS];
		uint32_t *ea = &hc->edge_a[q * RVX_KERNEL_QUEUE_SENDERS];
		uint32_t *eb = &hc->edge_b[q * RVX_KERNEL_QUEUE_SENDERS];
		uint32_t slot_of[RVX_KERNEL_QUEUE_SENDERS], used = 0;
		uint64_t sent, recv;

		if (rvx_kernel_queue_peers(rt->cfg.kernel, q, &p) != 0) {
			for (uint32_t i = 0; i < RVX_KERNEL_QUEUE_SENDERS; i++) {
				if (eo[i] != RVX_COH_NONE) {
					RVX_CHECK(rvx_coh_edge_remove(c, eo[i]) == 0);
					eo[i] = RVX_COH_NONE;
				}
			}
			continue;
		}
		/* Slots whose pair is one of this epoch's. */
		for (uint32_t j = 0; j < p.sender_count; j++) {
			uint32_t t = p.senders[j].task;

			slot_of[j] = RVX_COH_NONE;
			for (uint32_t i = 0; i < RVX_KERNEL_QUEUE_SENDERS; i++) {
				if (eo[i] == RVX_COH_NONE || ea[i] != t || (used & (1u << i)))
					continue;
				if (p.receiver != RVX_CAP_NIL ? eb[i] == p.receiver
							      : slot_of[j] == RVX_COH_NONE) {
					slot_of[j] = i;
				}
			}
			if (slot_of[j] != RVX_COH_NONE)
				used |= 1u << slot_of[j];
		}
		/* New pairs take the lowest slots no pair of this epoch uses. */
		for (uint32_t j = 0; j < p.sender_count; j++) {
			uint32_t t = p.senders[j].task, i;

			if (slot_of[j] != RVX_COH_NONE || !pair_ok(hc, t, p.receiver))
				continue;
			for (i = 0; i < RVX_KERNEL_QUEUE_SENDERS && (used & (1u << i)); i++)
				;
			RVX_CHECK(i < RVX_KERNEL_QUEUE_SENDERS);
			if (eo[i] != RVX_COH_NONE)
				RVX_CHECK(rvx_coh_edge_remove(c, eo[i]) == 0);
			RVX_CHECK(rvx_coh_edge_add(c, t, p.receiver, &eo[i]) == 0);
			ea[i] = t;
			eb[i] = p.receiver;
			slot_of[j] = i;
			used |= 1u << i;
		}
		sent = p.sent_bytes + p.sent_messages;
		recv = p.received_bytes + p.received_messages;
		for (uint32_t j = 0; j < p.sender_count; j++) {
			uint64_t own = p.senders[j].bytes + p.senders[j].messages, share = 0;

			if (slot_of[j] == RVX_COH_NONE)
				continue;
			/* recv * own / sent (own <= sent), through own / sent
			 * in Q16 so that nothing overflows. */
			if (sent != 0 && own == sent) {
				share = recv;
			} else if (sent != 0) {
				uint64_t o = own, d = sent, f;

				while (o > (UINT64_C(1) << 47)) {
					o >>= 1;
					d >>= 1;
				}
				f = (o << 16) / d;
				share = (recv >> 16) * f + (((recv & 0xFFFFu) * f) >> 16);
			}
			RVX_CHECK(rvx_coh_edge_note(c, eo[slot_of[j]], own + share) == 0);
		}
	}
}

/* Move every placed task that is not home yet; a refusal (it runs now)
 * leaves it for the next tick. */
static void migrate(struct rvx_hkrt *rt, struct rvx_hkrt_coh *hc)
{
	hc->pending = 0;
	for (uint32_t i = 0; i < RVX_KERNEL_TASKS; i++) {
		uint32_t cpu;
		int to;

		if (hc->placed[i] == RVX_COH_NONE || !placeable(rt, i, &cpu))
			continue;
		to = rvx_coh_part_of(&hc->engine, i);
		RVX_CHECK(to >= 0);
		if ((uint32_t)to == cpu)
			continue;
		if (rvx_kernel_task_migrate(rt->cfg.kernel, i, (uint32_t)to) == 0) {
			hc->placed[i] = (uint32_t)to;
			hc->migrations++;
		} else {
			hc->deferred++;
			hc->pending = 1;
		}
	}
}

static void close_epoch(struct rvx_hkrt *rt, struct rvx_hkrt_coh *hc)
{
	struct rvx_coh *c = &hc->engine;
	struct rvx_hkrt_coh_record *rec = &hc->last;
	struct rvx_coh_step step;
	struct rvx_coh_result res;
	uint64_t t0 = mono_clock(NULL), dt;

	sync_vertices(rt, hc);
	sync_edges(rt, hc);
	RVX_CHECK(rvx_coh_epoch_step(c, &step) == 0);
	res = step.result;
	hc->closes++;
	hc->rebuilds += step.rebuilt;
	hc->budget_exceeded += step.overruns;

	/* The decision, witnessed before it is carried out. */
	hc->result = res;
	memset(rec, 0, sizeof(*rec));
	rec->cut = res.cut;
	rec->traffic = res.traffic;
	rec->work = res.work;
	rec->flags = res.flags;
	rec->moved = res.moved;
	memset(rec->placement, 0xFF, sizeof(rec->placement));
	for (uint32_t i = 0; i < RVX_KERNEL_TASKS; i++) {
		uint8_t cpu;

		if (hc->placed[i] == RVX_COH_NONE)
			continue;
		cpu = (uint8_t)rvx_coh_part_of(c, i);
		rec->placement[i / 2u] &= (uint8_t)(i % 2u != 0 ? 0x0Fu : 0xF0u);
		rec->placement[i / 2u] |= (uint8_t)(i % 2u != 0 ? cpu << 4 : cpu);
	}
	if (rvx_kernel_port_record(rt->cfg.kernel, RVX_HKRT_WITNESS_PLACEMENT, 0, res.epoch, rec,
				   sizeof(*rec)) != 0) {
		/* Unwitnessed, so not acted on: the placement stays as it is. */
		hc->record_failures++;
	} else {
		migrate(rt, hc);
	}

	/* Scores to the scheduler, for every placed task. */
	RVX_CHECK(rvx_coh_scores(c, hc->scores, RVX_KERNEL_TASKS) == 0);
	for (uint32_t i = 0; i < RVX_KERNEL_TASKS; i++)
		if (hc->placed[i] != RVX_COH_NONE &&
		    rvx_kernel_task_set_scores(rt->cfg.kernel, i, hc->scores[i].pressure,
					       hc->scores[i].risk) != 0)
			hc->score_failures++;

	/* The next engine epoch starts with fresh peers and counts. */
	(void)rvx_kernel_epoch_close(rt->cfg.kernel);
	dt = mono_clock(NULL) - t0;
	if (dt > hc->close_ns_max)
		hc->close_ns_max = dt;
}

static void coh_tick(struct rvx_hkrt *rt, uint64_t now)
{
	struct rvx_hkrt_coh *hc = rt->coh;

	if (now < hc->next_close) {
		/* A move refused at the close (the task ran) is retried. */
		if (hc->pending)
			migrate(rt, hc);
		return;
	}
	close_epoch(rt, hc);
	hc->next_close = now + hc->epoch_ns;
}

int rvx_hkrt_coherence_attach(struct rvx_hkrt *rt, struct rvx_hkrt_coh *hc,
			      const struct rvx_coh_config *cfg, uint64_t epoch_ns)
{
	struct rvx_coh_config cc;
	int rc;

	if (rt == NULL || hc == NULL || cfg == NULL || epoch_ns == 0 ||
	    cfg->parts != rt->cfg.cpu_count)
		return -RVX_EINVAL;
	pthread_mutex_lock(&rt->lock);
	if (rt->running) {
		pthread_mutex_unlock(&rt->lock);
		return -RVX_EINVAL;
	}
	if (rt->coh != NULL) {
		pthread_mutex_unlock(&rt->lock);
		return -RVX_EEXIST;
	}
	cc = *cfg;
	if (cc.clock == NULL)
		cc.clock = mono_clock;
	memset(hc, 0, sizeof(*hc));
	rc = rvx_coh_init(&hc->engine, &cc, hc->vertices, RVX_KERNEL_TASKS, hc->edges,
			  RVX_HKRT_COH_EDGES, hc->scratch, sizeof(hc->scratch));
	if (rc != 0) {
		pthread_mutex_unlock(&rt->lock);
		return rc;
	}

	/* Commit. */
	for (uint32_t i = 0; i < RVX_KERNEL_TASKS; i++)
		hc->placed[i] = RVX_COH_NONE;
	for (uint32_t i = 0; i < RVX_HKRT_COH_EDGES; i++)
		hc->edge_of[i] = RVX_COH_NONE;
	hc->epoch_ns = epoch_ns;
	hc->next_close = rt->last_now + epoch_ns;
	rt->coh = hc;
	rt->coh_tick = coh_tick;
	pthread_mutex_unlock(&rt->lock);
	return 0;
}
