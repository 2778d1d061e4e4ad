/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/coherence.h, rvx_coh_propose(): planted splits and merges that must
 * be proposed, controls that must not, determinism, every documented error
 * with nothing changed.
 */
#include "coh_fixture.h"

#define ONE RVX_COH_Q16_ONE

static struct cf f;
static struct rvx_coh_proposal out[RVX_COH_PROPOSALS_MAX(CF_NV, CF_K)];
static uint8_t side[CF_NV];

struct e3 {
	uint32_t a, b;
	uint64_t w;
};

/* Vertices 0..n-1 with unit loads placed per @part, the edges given, one
 * epoch closed without decay (weights = the counts, in Q16 units). */
static void start(uint32_t k, uint32_t n, const uint32_t *part, const struct e3 *e, uint32_t m)
{
	struct rvx_coh_config cfg;
	struct cf_graph g;
	uint32_t i;

	rvx_coh_config_default(&cfg, k);
	cfg.decay_q16 = 0;
	cfg.rebuild_period = 0;
	cfg.drift_q16 = 0;
	memset(&g, 0, sizeof(g));
	g.n = n;
	g.m = m;
	for (i = 0; i < m; i++) {
		g.a[i] = e[i].a;
		g.b[i] = e[i].b;
		g.w[i] = e[i].w;
	}
	cf_start(&f, &cfg, &g, part);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	for (i = 0; i < n; i++)
		cr_assert_eq(rvx_coh_part_of(&f.c, i), (int)part[i], "placement unchanged");
}

static uint32_t propose(const struct rvx_coh_propose_config *pc)
{
	uint32_t count = 12345;

	cr_assert_eq(rvx_coh_propose(&f.c, pc, out, RVX_COH_PROPOSALS_MAX(CF_NV, CF_K), &count, side,
				     CF_NV), 0);
	return count;
}

/* Part 0: two triangles (100 per edge) joined by one light edge (1); part
 * 1: a clique of 4 (100 per edge). Part 0 must be split between the
 * triangles; the clique must not be split. */
Test(coherence_propose, planted_split_and_clique_control)
{
	static const struct e3 e[] = {
		{0, 1, 100}, {1, 2, 100}, {0, 2, 100}, {3, 4, 100}, {4, 5, 100}, {3, 5, 100},
		{2, 3, 1},
		{6, 7, 100}, {6, 8, 100}, {6, 9, 100}, {7, 8, 100}, {7, 9, 100}, {8, 9, 100},
	};
	static const uint32_t part[] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
	struct rvx_coh_propose_config pc;
	uint32_t n, i;

	start(2, 10, part, e, 13);
	rvx_coh_propose_config_default(&pc);
	pc.merge_affinity_q16 = 0;
	n = propose(&pc);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0].kind, RVX_COH_PROPOSE_SPLIT);
	cr_assert_eq(out[0].part, 0);
	cr_assert_eq(out[0].a, 3);
	cr_assert_eq(out[0].b, 3);
	cr_assert_eq(out[0].weight, 1u * ONE);
	/* 1 / min(601, 601). */
	cr_assert_eq(out[0].score_q16, (uint32_t)(((uint64_t)ONE << 16) / (601u * (uint64_t)ONE)));
	for (i = 0; i < 3; i++) {
		cr_assert_eq(side[i], 0);
		cr_assert_eq(side[i + 3], 1);
	}
	for (i = 6; i < CF_NV; i++)
		cr_assert_eq(side[i], 0xFF);
	/* A stricter gate than 1/601 turns it off; too few vertices too. */
	pc.split_conductance_q16 = 50;
	cr_assert_eq(propose(&pc), 0);
	rvx_coh_propose_config_default(&pc);
	pc.merge_affinity_q16 = 0;
	pc.split_min_vertices = 7;
	cr_assert_eq(propose(&pc), 0);
	for (i = 0; i < CF_NV; i++)
		cr_assert_eq(side[i], 0xFF);
}

/* With k = 1 the vertices are, say, one partition's tasks: two groups of
 * four that talk inside (50) and barely across (2) must be split; a ring of
 * eight (equal weights) must not. */
Test(coherence_propose, one_part_split_and_ring_control)
{
	struct e3 e[16];
	uint32_t part[8] = {0}, i, m = 0, n;
	struct rvx_coh_propose_config pc;

	for (i = 0; i < 4; i++) {
		e[m++] = (struct e3){i, (i + 1) % 4, 50};
		e[m++] = (struct e3){4 + i, 4 + (i + 1) % 4, 50};
	}
	e[m++] = (struct e3){1, 6, 2};
	start(1, 8, part, e, m);
	rvx_coh_propose_config_default(&pc);
	n = propose(&pc);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0].kind, RVX_COH_PROPOSE_SPLIT);
	cr_assert_eq(out[0].a, 4);
	for (i = 0; i < 8; i++)
		cr_assert_eq(side[i], i < 4 ? 0 : 1);

	m = 0;
	for (i = 0; i < 8; i++)
		e[m++] = (struct e3){i, (i + 1) % 8, 50};
	start(1, 8, part, e, m);
	/* Every minimum cut weighs 100 (two ring edges); the first found
	 * isolates one vertex (volume 100): conductance 1. Even a gate of
	 * 1/2 proposes nothing. */
	cr_assert_eq(propose(&pc), 0);
	pc.split_conductance_q16 = ONE / 2;
	cr_assert_eq(propose(&pc), 0);
}

/* 0 and 1 exchange 900 and 50 each with others: affinity 1800/1900, a
 * merge. The others (2..5, a square of 100 plus the 50s) stay below 3/4;
 * so does every pair of a uniform ring (1/2). */
Test(coherence_propose, planted_merge_and_controls)
{
	static const struct e3 e[] = {
		{0, 1, 900}, {0, 2, 50}, {1, 3, 50}, {2, 3, 100}, {2, 4, 100}, {3, 5, 100}, {4, 5, 100},
	};
	static const uint32_t part[6] = {0};
	struct rvx_coh_propose_config pc;
	struct e3 ring[8];
	uint32_t rpart[8], i;

	start(1, 6, part, e, 7);
	rvx_coh_propose_config_default(&pc);
	pc.split_conductance_q16 = 0;
	cr_assert_eq(propose(&pc), 1);
	cr_assert_eq(out[0].kind, RVX_COH_PROPOSE_MERGE);
	cr_assert_eq(out[0].a, 0);
	cr_assert_eq(out[0].b, 1);
	cr_assert_eq(out[0].part, 0);
	cr_assert_eq(out[0].weight, 900u * ONE);
	cr_assert_eq(out[0].score_q16, (uint32_t)((1800u * (uint64_t)ONE) / 1900u));

	for (i = 0; i < 8; i++) {
		ring[i] = (struct e3){i, (i + 1) % 8, 70};
		rpart[i] = 0;
	}
	start(1, 8, rpart, ring, 8);
	cr_assert_eq(propose(&pc), 0);
	/* At 1/2 every ring pair qualifies: taken greedily, each vertex once,
	 * ties by the lower vertex: (0,1), (2,3), (4,5), (6,7). */
	pc.merge_affinity_q16 = ONE / 2;
	cr_assert_eq(propose(&pc), 4);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(out[i].a, 2 * i);
		cr_assert_eq(out[i].b, 2 * i + 1);
	}
}

/* Parallel edges add up; the proposals are a function of the inputs. */
Test(coherence_propose, parallel_edges_and_determinism)
{
	static const struct e3 e[] = {
		{0, 1, 300}, {1, 0, 300}, {0, 2, 40}, {1, 3, 40}, {2, 3, 500}, {2, 3, 10},
	};
	static const uint32_t part[] = {0, 0, 1, 1};
	static struct rvx_coh_proposal first[RVX_COH_PROPOSALS_MAX(CF_NV, CF_K)];
	uint8_t side1[CF_NV];
	struct rvx_coh_propose_config pc;
	uint32_t n;

	start(2, 4, part, e, 6);
	rvx_coh_propose_config_default(&pc);
	pc.split_min_vertices = 2;
	n = propose(&pc);
	cr_assert_eq(n, 2);
	/* (0,1): 1200 / 1280 comes before (2,3): 1020 / 1100; no split (a
	 * part of two tightly bound vertices has conductance 1). */
	cr_assert_eq(out[0].kind, RVX_COH_PROPOSE_MERGE);
	cr_assert_eq(out[0].a, 0);
	cr_assert_eq(out[0].weight, 600u * ONE);
	cr_assert_eq(out[1].a, 2);
	cr_assert_eq(out[1].b, 3);
	cr_assert_eq(out[1].weight, 510u * ONE);
	memcpy(first, out, sizeof(out));
	memcpy(side1, side, sizeof(side));
	memset(f.scratch, 0x77, sizeof(f.scratch));
	f.c.adj_cached = 0;
	cr_assert_eq(propose(&pc), n);
	cr_assert_eq(memcmp(first, out, n * sizeof(out[0])), 0);
	cr_assert_eq(memcmp(side1, side, sizeof(side)), 0);
}

Test(coherence_propose, errors_change_nothing)
{
	static const struct e3 e[] = {{0, 1, 10}};
	static const uint32_t part[] = {0, 0};
	static struct cf snap;
	static struct rvx_coh_proposal o2[RVX_COH_PROPOSALS_MAX(CF_NV, CF_K)], o2s[RVX_COH_PROPOSALS_MAX(CF_NV, CF_K)];
	static struct rvx_coh cz;
	struct rvx_coh_propose_config pc, bad;
	uint8_t s2[CF_NV], s2s[CF_NV];
	uint32_t cnt = 7, cap = RVX_COH_PROPOSALS_MAX(CF_NV, 1);

	start(1, 2, part, e, 1);
	rvx_coh_propose_config_default(&pc);
	memset(o2, 0x33, sizeof(o2));
	memset(s2, 0x44, sizeof(s2));
	memcpy(o2s, o2, sizeof(o2));
	memcpy(s2s, s2, sizeof(s2));
	memcpy(&snap, &f, sizeof(f));
#define FAILS(err, c_, pc_, o_, cap_, cnt_, s_, sc_)                                        \
	do {                                                                                 \
		cr_assert_eq(rvx_coh_propose((c_), (pc_), (o_), (cap_), (cnt_), (s_), (sc_)), -(err)); \
		cr_assert_eq(memcmp(&f.c, &snap.c, sizeof(f.c)), 0);                         \
		cr_assert_eq(memcmp(f.v, snap.v, sizeof(f.v)), 0);                           \
		cr_assert_eq(memcmp(f.e, snap.e, sizeof(f.e)), 0);                           \
		cr_assert_eq(memcmp(o2, o2s, sizeof(o2)), 0);                                \
		cr_assert_eq(memcmp(s2, s2s, sizeof(s2)), 0);                                \
		cr_assert_eq(cnt, 7);                                                        \
	} while (0)
	FAILS(RVX_EINVAL, NULL, &pc, o2, cap, &cnt, s2, CF_NV);
	FAILS(RVX_EINVAL, &cz, &pc, o2, cap, &cnt, s2, CF_NV);
	FAILS(RVX_EINVAL, &f.c, NULL, o2, cap, &cnt, s2, CF_NV);
	FAILS(RVX_EINVAL, &f.c, &pc, NULL, cap, &cnt, s2, CF_NV);
	FAILS(RVX_EINVAL, &f.c, &pc, o2, cap, NULL, s2, CF_NV);
	FAILS(RVX_EINVAL, &f.c, &pc, o2, cap, &cnt, NULL, CF_NV);
	bad = pc;
	bad.split_conductance_q16 = ONE + 1;
	FAILS(RVX_EINVAL, &f.c, &bad, o2, cap, &cnt, s2, CF_NV);
	bad = pc;
	bad.split_min_vertices = 1;
	FAILS(RVX_EINVAL, &f.c, &bad, o2, cap, &cnt, s2, CF_NV);
	bad.split_min_vertices = RVX_COH_SPLIT_MAX + 1;
	FAILS(RVX_EINVAL, &f.c, &bad, o2, cap, &cnt, s2, CF_NV);
	bad = pc;
	bad.merge_affinity_q16 = ONE / 2 - 1;
	FAILS(RVX_EINVAL, &f.c, &bad, o2, cap, &cnt, s2, CF_NV);
	bad.merge_affinity_q16 = ONE + 1;
	FAILS(RVX_EINVAL, &f.c, &bad, o2, cap, &cnt, s2, CF_NV);
	bad = pc;
	bad.reserved = 1;
	FAILS(RVX_EINVAL, &f.c, &bad, o2, cap, &cnt, s2, CF_NV);
	FAILS(RVX_EBUFSMALL, &f.c, &pc, o2, cap - 1, &cnt, s2, CF_NV);
	FAILS(RVX_EBUFSMALL, &f.c, &pc, o2, cap, &cnt, s2, CF_NV - 1);
	/* And it works with the same arguments. */
	cr_assert_eq(rvx_coh_propose(&f.c, &pc, o2, cap, &cnt, s2, CF_NV), 0);
	cr_assert_eq(cnt, 1, "2 vertices, all traffic between them: a merge");
	cr_assert_eq(o2[0].kind, RVX_COH_PROPOSE_MERGE);
}
