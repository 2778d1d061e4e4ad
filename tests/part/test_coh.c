/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The coherence engine in the partition layer (ruvix/part_coh.h), over the
 * fake: partitions placed by their CommEdge traffic at each epoch close,
 * every move witnessed, scores handed to the kernel, budget overruns
 * recorded.
 */
#include <stdio.h>

#include "fake_arch.h"

#include "ruvix/part_coh.h"
#include "ruvix/witness.h"

static struct rvx_part_coh pc;
static uint32_t task_of[FK_PARTS];

/* Root handles of the queues under the edges (the fake's queue index is the low byte). */
#define Q_AB UINT64_C(0x41)
#define Q_CD UINT64_C(0x42)
#define Q_BC UINT64_C(0x43)

/* Four partitions placed round-robin over the 2 CPUs (A, C on 0; B, D on 1),
 * a task each, edges A-B and C-D (the clusters) and B-C (across). */
static void clusters(void)
{
	uint32_t e;

	fk_setup();
	fk_parts(4);
	for (uint32_t i = 0; i < 4; i++) {
		cr_assert_eq(rvx_part_migrate(&pl, i, i % 2u, 0), 0);
		task_of[i] = fk_spawn(i, 1);
		cr_assert_eq(fk.cpu_of[task_of[i]], i % 2u);
	}
	cr_assert_eq(rvx_part_edge_create(&pl, 0, 1, Q_AB, RVX_HYP_NONE, 0, &e), 0);
	cr_assert_eq(rvx_part_edge_create(&pl, 2, 3, Q_CD, RVX_HYP_NONE, 0, &e), 0);
	cr_assert_eq(rvx_part_edge_create(&pl, 1, 2, Q_BC, RVX_HYP_NONE, 0, &e), 0);
}

static void attach(struct rvx_coh_config *cc)
{
	struct rvx_coh_config d;

	if (cc == NULL) {
		rvx_coh_config_default(&d, 2);
		cc = &d;
	}
	cr_assert_eq(rvx_part_coherence_attach(&pl, &pc, cc), 0);
	cr_assert_eq(pl.coh, &pc);
}

/* One switch epoch: the traffic given, switches on CPU 0 (an epoch closes
 * only when the current partition changed), the tick that closes it. */
static void epoch(uint64_t ab, uint64_t cd, uint64_t bc)
{
	fk.ncalls = 0; /* the call log; the records stay */
	if (ab != 0)
		fk_traffic_add(Q_AB, ab / 64u, ab);
	if (cd != 0)
		fk_traffic_add(Q_CD, cd / 64u, cd);
	if (bc != 0)
		fk_traffic_add(Q_BC, bc / 64u, bc);
	cr_assert_eq(rvx_part_switch(&pl, 0, task_of[0]), 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, task_of[1]), 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, RVX_HYP_NONE), 0);
	fk.now += 100;
	cr_assert_geq(rvx_part_tick(&pl, fk.now), 0);
}

/* The last PLACEMENT record's arguments. */
static struct rvx_part_coh_record last_record(void)
{
	struct rvx_part_coh_record r;

	for (uint32_t i = nrecs; i-- > 0;) {
		if (recs[i].kind == RVX_PART_WITNESS_PLACEMENT) {
			/* The fake keeps 48 bytes of arguments; the layer keeps the whole. */
			cr_assert_eq(memcmp(recs[i].args, &pc.last, sizeof(recs[i].args)), 0);
			memcpy(&r, &pc.last, sizeof(r));
			return r;
		}
	}
	cr_assert_fail("no placement record");
	return r;
}

Test(coherence, attach_refusals_change_nothing)
{
	struct rvx_coh_config cc;
	struct rvx_part before;

	clusters();
	rvx_coh_config_default(&cc, 2);
	memcpy(&before, &pl, sizeof(pl));
	cr_assert_eq(rvx_part_coherence_attach(NULL, &pc, &cc), -RVX_EINVAL);
	cr_assert_eq(rvx_part_coherence_attach(&pl, NULL, &cc), -RVX_EINVAL);
	cr_assert_eq(rvx_part_coherence_attach(&pl, &pc, NULL), -RVX_EINVAL);
	cc.parts = 3;
	cr_assert_eq(rvx_part_coherence_attach(&pl, &pc, &cc), -RVX_EINVAL, "3 parts, 2 CPUs");
	cc.parts = 2;
	cc.decay_q16 = RVX_COH_Q16_ONE;
	cr_assert_eq(rvx_part_coherence_attach(&pl, &pc, &cc), -RVX_EINVAL, "the engine refuses");
	cr_assert_eq(memcmp(&before, &pl, sizeof(pl)), 0);
	rvx_coh_config_default(&cc, 2);
	cr_assert_eq(rvx_part_coherence_attach(&pl, &pc, &cc), 0);
	cr_assert_eq(rvx_part_coherence_attach(&pl, &pc, &cc), -RVX_EEXIST);
	for (uint32_t i = 0; i < 4; i++)
		cr_assert_eq(rvx_coh_part_of(&pc.engine, i), (int)(i % 2u), "placed where it is");
	cr_assert_eq(pc.engine.edge_count, 3);
}

Test(coherence, clusters_end_up_on_one_cpu_each_every_move_witnessed)
{
	uint32_t migrate0, place0;

	clusters();
	attach(NULL);
	migrate0 = fk_records(RVX_PART_WITNESS_MIGRATE);
	place0 = fk_records(RVX_PART_WITNESS_PLACEMENT);
	for (uint32_t n = 0; n < 6; n++)
		epoch(64000, 64000, 640);
	cr_assert_eq(pl.parts[0].cpu, pl.parts[1].cpu, "A and B together");
	cr_assert_eq(pl.parts[2].cpu, pl.parts[3].cpu, "C and D together");
	cr_assert_neq(pl.parts[0].cpu, pl.parts[2].cpu, "the clusters apart (balance)");
	for (uint32_t i = 0; i < 4; i++)
		cr_assert_eq(fk.cpu_of[task_of[i]], pl.parts[i].cpu, "the tasks moved along");
	cr_assert_gt(pc.migrations, 0);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_MIGRATE) - migrate0, pc.migrations,
		     "one MIGRATE record per move");
	cr_assert_eq(fk_records(RVX_PART_WITNESS_PLACEMENT) - place0, 6, "one decision per epoch");
	cr_assert_eq(pc.closes, 6);
	cr_assert_eq(pc.deferred, 0);
	/* The last decision is the placement in force. */
	{
		struct rvx_part_coh_record r = last_record();

		for (uint32_t i = 0; i < 4; i++)
			cr_assert_eq(r.placement[i], pl.parts[i].cpu);
		for (uint32_t i = 4; i < sizeof(r.placement); i++)
			cr_assert_eq(r.placement[i], 0xFF);
		cr_assert_lt(r.cut, r.traffic / 16u, "only B-C's traffic crosses");
		cr_assert_eq(r.flags & RVX_COH_RES_BUDGET_EXCEEDED, 0);
	}
	/* Stable: the same traffic moves nothing more. */
	migrate0 = fk_records(RVX_PART_WITNESS_MIGRATE);
	for (uint32_t n = 0; n < 6; n++)
		epoch(64000, 64000, 640);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_MIGRATE), migrate0, "no flapping");
}

Test(coherence, a_quiet_system_does_not_move)
{
	uint32_t migrate0;

	clusters();
	attach(NULL);
	migrate0 = fk_records(RVX_PART_WITNESS_MIGRATE);
	for (uint32_t n = 0; n < 8; n++)
		epoch(0, 0, 0);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_MIGRATE), migrate0);
	cr_assert_eq(pc.migrations, 0);
	for (uint32_t i = 0; i < 4; i++)
		cr_assert_eq(pl.parts[i].cpu, i % 2u, "round-robin kept");
	cr_assert_eq(fk_records(RVX_PART_WITNESS_PLACEMENT), 8, "each close decided");
}

Test(coherence, a_move_refused_now_is_made_at_a_later_tick)
{
	clusters();
	attach(NULL);
	/* B's task runs (on the kernel's side): B cannot move yet. */
	fk.running[task_of[1]] = 1;
	fk.running[task_of[2]] = 1;
	for (uint32_t n = 0; n < 4; n++)
		epoch(64000, 64000, 640);
	cr_assert_gt(pc.deferred, 0);
	cr_assert_eq(pl.parts[1].cpu, 1);
	cr_assert_eq(pl.parts[2].cpu, 0);
	fk.running[task_of[1]] = 0;
	fk.running[task_of[2]] = 0;
	fk.now += 10; /* a tick inside the epoch: the retry */
	cr_assert_eq(rvx_part_tick(&pl, fk.now), 0);
	cr_assert_eq(pl.parts[0].cpu, pl.parts[1].cpu);
	cr_assert_eq(pl.parts[2].cpu, pl.parts[3].cpu);
}

Test(coherence, pressure_and_risk_reach_the_kernel)
{
	clusters();
	attach(NULL);
	for (uint32_t n = 0; n < 6; n++)
		epoch(64000, 64000, 6400);
	for (uint32_t i = 0; i < 4; i++) {
		uint32_t t = task_of[i];

		cr_assert_eq(fk.scored[t], 6, "every close scores every task");
		cr_assert_eq(fk.pressure[t], pc.scores[i].pressure);
		cr_assert_eq(fk.risk[t], pc.scores[i].risk);
		cr_assert_leq(fk.pressure[t], RVX_COH_Q16_ONE);
		cr_assert_leq(fk.risk[t], RVX_COH_Q16_ONE);
	}
	/* B and C carry the crossing traffic, A and D none. */
	cr_assert_eq(fk.pressure[task_of[1]], RVX_COH_Q16_ONE);
	cr_assert_eq(fk.pressure[task_of[2]], RVX_COH_Q16_ONE);
	cr_assert_eq(fk.pressure[task_of[0]], 0);
	cr_assert_eq(fk.pressure[task_of[3]], 0);
	cr_assert_gt(fk.risk[task_of[0]], 0, "its CPU's conductance is not 0");
	cr_assert_lt(fk.risk[task_of[0]], RVX_COH_Q16_ONE / 8u, "a good cluster");
}

/* A clock that moves on a millisecond at every read. */
static uint64_t jumping_clock(void *ctx)
{
	uint64_t *t = ctx;

	*t += 1000000;
	return *t;
}

Test(coherence, budget_exceeded_is_recorded_and_the_kept_placement_carried_out)
{
	struct rvx_coh_config cc;
	static uint64_t t;
	struct rvx_part_coh_record r;
	uint32_t e, t8[8], place0;

	/* Eight partitions round-robin, pairs (0, 1), (2, 3), ... talking across CPUs:
	 * enough work for the engine to read its clock. */
	fk_setup();
	fk_parts(8);
	for (uint32_t i = 0; i < 8; i++) {
		cr_assert_eq(rvx_part_migrate(&pl, i, i % 2u, 0), 0);
		t8[i] = fk_spawn(i, 1);
	}
	for (uint32_t i = 0; i < 4; i++)
		cr_assert_eq(rvx_part_edge_create(&pl, 2u * i, 2u * i + 1u, 0x50u + i, RVX_HYP_NONE,
						  0, &e), 0);
	rvx_coh_config_default(&cc, 2);
	cc.clock = jumping_clock;
	cc.clock_ctx = &t;
	attach(&cc);
	place0 = fk_records(RVX_PART_WITNESS_PLACEMENT);
	for (uint32_t i = 0; i < 4; i++)
		fk_traffic_add(0x50u + i, 1000, 64000);
	cr_assert_eq(rvx_part_switch(&pl, 0, t8[0]), 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, t8[1]), 1);
	fk.now += 100;
	cr_assert_eq(rvx_part_tick(&pl, fk.now), 0);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_PLACEMENT), place0 + 1u);
	r = last_record();
	cr_assert_neq(r.flags & RVX_COH_RES_BUDGET_EXCEEDED, 0, "the flag is witnessed");
	cr_assert_gt(pc.budget_exceeded, 0);
	cr_assert_geq(pc.result.elapsed, cc.budget_ns);
	/* The engine keeps the best placement it found in time; the layer carries out
	 * exactly what the record says, each move witnessed. */
	for (uint32_t i = 0; i < 8; i++)
		cr_assert_eq(r.placement[i], pl.parts[i].cpu);
	cr_assert_eq(pc.migrations, r.moved);
	cr_assert_geq(pc.result.cut_before, r.cut, "never worse than the start");
}

Test(coherence, same_inputs_same_decisions)
{
	struct rvx_part_coh_record a[5], b[5];

	for (uint32_t run = 0; run < 2; run++) {
		clusters();
		attach(NULL);
		for (uint32_t n = 0; n < 5; n++) {
			epoch(64000 + 1000u * n, 32000, 640u * n);
			(run == 0 ? a : b)[n] = pc.last;
		}
	}
	for (uint32_t n = 0; n < 5; n++) {
		cr_assert_eq(memcmp(&a[n], &b[n], sizeof(a[n])), 0, "epoch %u", n);
	}
}

Test(coherence, partitions_and_edges_that_go_leave_the_engine)
{
	clusters();
	attach(NULL);
	epoch(64000, 64000, 640);
	/* Moved by hand: taken in afresh where it is at the next close. */
	cr_assert_eq(rvx_part_migrate(&pl, 3, 0, 0), 0);
	epoch(64000, 64000, 640);
	cr_assert_eq(pc.placed[3], pl.parts[3].cpu);
	cr_assert_eq(rvx_coh_part_of(&pc.engine, 3), (int)pl.parts[3].cpu);
	cr_assert_eq(pc.engine.vertex_count, 4);
	cr_assert_eq(pc.engine.edge_count, 3, "its edge came back with it");
}

/* Two NUMA nodes of 2 CPUs (0, 1 | 2, 3); four partitions started one per
 * CPU in creation order, the clusters interleaved: A-C and B-D talk, B-C a
 * little. Round-robin splits both clusters across the nodes. */
Test(coherence, numa_clusters_end_up_on_one_node_each)
{
	struct rvx_part_config cfg;
	struct rvx_coh_config cc;
	struct rvx_part_coh_record r;
	uint32_t e, migrate0, closes = 8;

	fk_config(&cfg);
	cfg.cpu_count = 4;
	cfg.node_count = 2;
	cfg.cpu_node[2] = cfg.cpu_node[3] = 1;
	cr_assert_eq(rvx_part_init(&pl, &cfg, &fk_arch, &fk_kern, &fk, fk_tasks, FK_TASKS), 0);
	fk_parts(4);
	for (uint32_t i = 0; i < 4; i++) {
		cr_assert_eq(rvx_part_migrate(&pl, i, i, 0), 0);
		task_of[i] = fk_spawn(i, 1);
	}
	cr_assert_eq(rvx_part_edge_create(&pl, 0, 2, Q_AB, RVX_HYP_NONE, 0, &e), 0);
	cr_assert_eq(rvx_part_edge_create(&pl, 1, 3, Q_CD, RVX_HYP_NONE, 0, &e), 0);
	cr_assert_eq(rvx_part_edge_create(&pl, 1, 2, Q_BC, RVX_HYP_NONE, 0, &e), 0);
	rvx_coh_config_default(&cc, 4);
	cr_assert_eq(rvx_part_coherence_attach(&pl, &pc, &cc), -RVX_EINVAL, "k = nodes, not CPUs");
	rvx_coh_config_default(&cc, 2);
	attach(&cc);
	for (uint32_t i = 0; i < 4; i++)
		cr_assert_eq(rvx_coh_part_of(&pc.engine, i), (int)(i / 2u), "its CPU's node");
	migrate0 = fk_records(RVX_PART_WITNESS_MIGRATE);
	for (uint32_t n = 0; n < closes; n++)
		epoch(64000, 64000, 640);
	cr_assert_eq(cfg.cpu_node[pl.parts[0].cpu], cfg.cpu_node[pl.parts[2].cpu], "A, C together");
	cr_assert_eq(cfg.cpu_node[pl.parts[1].cpu], cfg.cpu_node[pl.parts[3].cpu], "B, D together");
	cr_assert_neq(cfg.cpu_node[pl.parts[0].cpu], cfg.cpu_node[pl.parts[1].cpu], "apart");
	/* Within a node, one partition per CPU: the mover took the free CPU. */
	cr_assert_neq(pl.parts[0].cpu, pl.parts[2].cpu);
	cr_assert_neq(pl.parts[1].cpu, pl.parts[3].cpu);
	for (uint32_t i = 0; i < 4; i++) {
		cr_assert_eq(fk.cpu_of[task_of[i]], pl.parts[i].cpu, "the tasks moved along");
		cr_assert_eq(rvx_coh_part_of(&pc.engine, i), (int)cfg.cpu_node[pl.parts[i].cpu]);
	}
	cr_assert_eq(pc.migrations, 2, "one partition of each cluster moved");
	cr_assert_eq(fk_records(RVX_PART_WITNESS_MIGRATE) - migrate0, pc.migrations);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_PLACEMENT), closes);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_TRAFFIC), closes, "a traffic record per close");
	r = last_record();
	for (uint32_t i = 0; i < 4; i++)
		cr_assert_eq(r.placement[i], pl.parts[i].cpu, "the record names the CPU");
	/* The last epoch: only B-C's traffic crossed nodes. */
	cr_assert_eq(pl.traffic_last.bytes, 64000 + 64000 + 640);
	cr_assert_eq(pl.traffic_last.cross_node_bytes, 640);
	cr_assert_eq(pl.traffic_last.cross_node_messages, 10);
}
