/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The coherence engine in the partition layer (built with
 * -Dcoherence=enabled): fed at each switch epoch close, its placement
 * witnessed, carried out with rvx_part_migrate(), its scores handed to the
 * scheduler through the kernel op task_scores. See ruvix/part_coh.h.
 */
#include "part_internal.h"

#include "ruvix/part_coh.h"

static uint64_t port_clock(void *ctx)
{
	struct rvx_part *pl = ctx;

	return pl->kern->now(pl->ctx);
}

/* The engine's parts: the nodes when there are several, else the CPUs. */
static uint32_t places(const struct rvx_part *pl)
{
	return pl->cfg.node_count > 1u ? pl->cfg.node_count : pl->hyp.cpu_count;
}

/* The engine's part of CPU @p cpu. */
static uint32_t place_of(const struct rvx_part *pl, uint32_t cpu)
{
	return pl->cfg.node_count > 1u ? pl->cfg.cpu_node[cpu] : cpu;
}

/* A partition the engine should place: live and not stopped. */
static bool placeable(const struct rvx_part *pl, uint32_t i)
{
	return i < pl->part_count && pl->parts[i].live && !pl->parts[i].stopped;
}

static uint32_t live_tasks(const struct rvx_part_partition *p)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < p->task_count; i++)
		n += p->alive[i] != 0;
	return n;
}

/* Forget the engine edges that vanished with a vertex. */
static void edges_forget_dead(struct rvx_part_coh *pc)
{
	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++)
		if (pc->edge_of[e] != RVX_COH_NONE && pc->edges[pc->edge_of[e]].a == RVX_COH_NONE)
			pc->edge_of[e] = RVX_COH_NONE;
}

/* Bring the engine's vertices and edges in line with the layer's partitions
 * and CommEdges. Every call here is on a slot whose state was just checked,
 * so none can fail (edge slots: one per CommEdge). */
static void sync_graph(struct rvx_part *pl, struct rvx_part_coh *pc)
{
	struct rvx_coh *c = &pc->engine;

	for (uint32_t i = 0; i < RVX_CONFIG_PART_MAX_PARTITIONS; i++) {
		bool want = placeable(pl, i);

		/* Moved by someone else: taken in afresh where it is. */
		if (pc->placed[i] != RVX_COH_NONE &&
		    (!want || pl->parts[i].cpu != pc->placed[i])) {
			RVX_CHECK(rvx_coh_vertex_remove(c, i) == 0);
			pc->placed[i] = RVX_COH_NONE;
			edges_forget_dead(pc);
		}
		if (want && pc->placed[i] == RVX_COH_NONE) {
			RVX_CHECK(rvx_coh_vertex_add(c, i, place_of(pl, pl->parts[i].cpu)) == 0);
			pc->placed[i] = pl->parts[i].cpu;
		}
	}
	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++) {
		const struct rvx_part_edge *pe = &pl->edges[e];
		bool want = pe->live && pc->placed[pe->from] != RVX_COH_NONE &&
			    pc->placed[pe->to] != RVX_COH_NONE;

		if (pc->edge_of[e] != RVX_COH_NONE && (!want || pc->edge_h[e] != pe->h.raw)) {
			RVX_CHECK(rvx_coh_edge_remove(c, pc->edge_of[e]) == 0);
			pc->edge_of[e] = RVX_COH_NONE;
		}
		if (want && pc->edge_of[e] == RVX_COH_NONE) {
			RVX_CHECK(rvx_coh_edge_add(c, pe->from, pe->to, &pc->edge_of[e]) == 0);
			pc->edge_h[e] = pe->h.raw;
		}
	}
}

int rvx_part_coherence_attach(struct rvx_part *pl, struct rvx_part_coh *pc,
			      const struct rvx_coh_config *cfg)
{
	struct rvx_coh_config cc;
	int rc;

	/* Check (rvx_coh_init() writes only @p pc, the caller's spare storage). */
	if (pl == NULL || pc == NULL || cfg == NULL || !pl->active ||
	    pl->kern->task_scores == NULL || cfg->parts != places(pl))
		return -RVX_EINVAL;
	if (pl->coh != NULL)
		return -RVX_EEXIST;
	cc = *cfg;
	if (cc.clock == NULL) {
		cc.clock = port_clock;
		cc.clock_ctx = pl;
	}
	memset(pc, 0, sizeof(*pc));
	rc = rvx_coh_init(&pc->engine, &cc, pc->vertices, RVX_CONFIG_PART_MAX_PARTITIONS,
			  pc->edges, RVX_CONFIG_PART_EDGES, pc->scratch, sizeof(pc->scratch));
	if (rc != 0)
		return rc;

	/* Commit. */
	for (uint32_t i = 0; i < RVX_CONFIG_PART_MAX_PARTITIONS; i++) {
		pc->placed[i] = RVX_COH_NONE;
		pc->target[i] = RVX_COH_NONE;
	}
	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++)
		pc->edge_of[e] = RVX_COH_NONE;
	sync_graph(pl, pc);
	pl->coh = pc;
	return 0;
}

/* The CPU of every placed partition from the engine's placement: with
 * CPUs as parts, its part; with nodes, its own CPU if that is on its node,
 * else the node's CPU with the fewest partitions (those staying first,
 * then the movers in index order; the lowest CPU on a tie). */
static void plan_cpus(struct rvx_part *pl, struct rvx_part_coh *pc)
{
	uint32_t count[RVX_CONFIG_HYP_MAX_CPUS] = {0};

	for (uint32_t i = 0; i < RVX_CONFIG_PART_MAX_PARTITIONS; i++) {
		int to = pc->placed[i] == RVX_COH_NONE ? -1 : rvx_coh_part_of(&pc->engine, i);

		pc->target[i] = RVX_COH_NONE;
		if (to < 0)
			continue;
		if (pl->cfg.node_count <= 1u)
			pc->target[i] = (uint32_t)to;
		else if (place_of(pl, pl->parts[i].cpu) == (uint32_t)to)
			pc->target[i] = pl->parts[i].cpu;
		else
			continue;
		count[pc->target[i]]++;
	}
	for (uint32_t i = 0; i < RVX_CONFIG_PART_MAX_PARTITIONS; i++) {
		uint32_t node, best = RVX_COH_NONE;

		if (pc->placed[i] == RVX_COH_NONE || pc->target[i] != RVX_COH_NONE)
			continue;
		node = (uint32_t)rvx_coh_part_of(&pc->engine, i);
		for (uint32_t cpu = 0; cpu < pl->hyp.cpu_count; cpu++)
			if (pl->cfg.cpu_node[cpu] == node &&
			    (best == RVX_COH_NONE || count[cpu] < count[best]))
				best = cpu;
		RVX_CHECK(best != RVX_COH_NONE); /* every node has a CPU (rvx_part_init()) */
		pc->target[i] = best;
		count[best]++;
	}
}

/* Move every placed partition that is not on its planned CPU yet; a
 * refusal leaves it for the next tick. One moved by someone else since the
 * close waits for the next close, which takes it in afresh. */
void rvx_part_coh_migrate_(struct rvx_part *pl)
{
	struct rvx_part_coh *pc = pl->coh;

	for (uint32_t i = 0; i < RVX_CONFIG_PART_MAX_PARTITIONS; i++) {
		uint32_t to = pc->target[i];

		if (pc->placed[i] == RVX_COH_NONE || to == RVX_COH_NONE || !placeable(pl, i) ||
		    pl->parts[i].cpu != pc->placed[i] || to == pl->parts[i].cpu)
			continue;
		/* The calling CPU is the old home: the new one is kicked. */
		if (rvx_part_migrate(pl, i, to, pl->parts[i].cpu) == 0) {
			pc->placed[i] = to;
			pc->migrations++;
		} else {
			pc->deferred++;
		}
	}
}

void rvx_part_coh_epoch_(struct rvx_part *pl)
{
	struct rvx_part_coh *pc = pl->coh;
	struct rvx_coh *c = &pc->engine;
	struct rvx_part_coh_record *rec = &pc->last;
	struct rvx_coh_step step;
	struct rvx_coh_result res;

	sync_graph(pl, pc);
	/* This epoch's counts: lib/hyp just moved them to last_*. */
	for (uint32_t i = 0; i < RVX_CONFIG_PART_MAX_PARTITIONS; i++) {
		uint32_t n;

		if (pc->placed[i] == RVX_COH_NONE)
			continue;
		n = live_tasks(&pl->parts[i]);
		RVX_CHECK(rvx_coh_vertex_note(c, i, n != 0 ? n : 1u) == 0);
	}
	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++) {
		struct rvx_hyp_edge_info info;

		if (pc->edge_of[e] == RVX_COH_NONE)
			continue;
		RVX_CHECK(rvx_hyp_edge_info(&pl->hyp, pl->edges[e].h, &info) == 0);
		RVX_CHECK(rvx_coh_edge_note(c, pc->edge_of[e],
					    info.last_bytes + info.last_messages) == 0);
	}
	RVX_CHECK(rvx_coh_epoch_step(c, &step) == 0);
	res = step.result;
	pc->closes++;
	pc->rebuilds += step.rebuilt;
	pc->budget_exceeded += step.overruns;

	/* The decision, witnessed before it is carried out. */
	pc->result = res;
	memset(rec, 0, sizeof(*rec));
	rec->cut = res.cut;
	rec->traffic = res.traffic;
	rec->work = res.work;
	rec->flags = res.flags;
	rec->moved = res.moved;
	memset(rec->placement, 0xFF, sizeof(rec->placement));
	plan_cpus(pl, pc);
	for (uint32_t i = 0; i < RVX_CONFIG_PART_MAX_PARTITIONS; i++)
		if (pc->target[i] != RVX_COH_NONE)
			rec->placement[i] = (uint8_t)pc->target[i];
	RVX_PART_TRACE(pl, "RVX-ACT placement part=- epoch=%lu cut=%lu traffic=%lu moved=%u "
		       "flags=0x%x\n", res.epoch, res.cut, res.traffic, res.moved, res.flags);
	if (pl->kern->trace != NULL) {
		/* The decision itself (the record's placement and work), for readers of the log. */
		char cpus[RVX_CONFIG_PART_MAX_PARTITIONS * 4u + 1u];
		uint32_t n = 0;

		for (uint32_t i = 0; i < RVX_CONFIG_PART_MAX_PARTITIONS; i++) {
			uint32_t v = rec->placement[i];

			if (i != 0)
				cpus[n++] = ',';
			if (v == 0xFFu) {
				cpus[n++] = '-';
				continue;
			}
			if (v >= 100u)
				cpus[n++] = (char)('0' + v / 100u);
			if (v >= 10u)
				cpus[n++] = (char)('0' + v / 10u % 10u);
			cpus[n++] = (char)('0' + v % 10u);
		}
		cpus[n] = '\0';
		pl->kern->trace(pl->ctx, "RVX-PLACEMENT epoch=%lu work=%lu cpus=%s\n", res.epoch,
				res.work, cpus);
	}
	pl->kern->record(pl->ctx, RVX_PART_WITNESS_PLACEMENT, RVX_HYP_NONE, res.epoch, rec,
			 sizeof(*rec));

	rvx_part_coh_migrate_(pl);

	/* Scores to the scheduler, for every task of a placed partition. */
	RVX_CHECK(rvx_coh_scores(c, pc->scores, RVX_CONFIG_PART_MAX_PARTITIONS) == 0);
	for (uint32_t i = 0; i < RVX_CONFIG_PART_MAX_PARTITIONS; i++) {
		const struct rvx_part_partition *p = &pl->parts[i];

		if (pc->placed[i] == RVX_COH_NONE)
			continue;
		for (uint32_t s = 0; s < p->task_count; s++)
			if (p->alive[s] &&
			    pl->kern->task_scores(pl->ctx, p->tasks[s], pc->scores[i].pressure,
						  pc->scores[i].risk) != 0)
				pc->score_failures++;
	}
}
