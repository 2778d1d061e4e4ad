/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/coherence.h: decay, the budget (fake clock), replay by work count,
 * determinism, hysteresis, balance repair and the scores.
 */
#include "coh_fixture.h"

#define ONE RVX_COH_Q16_ONE

/* Four clusters of 16 joined by light random edges, on 64 vertices. */
static void clusters(struct cf_graph *g, uint64_t seed, uint32_t shift)
{
	uint64_t s = seed;
	uint32_t i;

	memset(g, 0, sizeof(*g));
	g->n = 64;
	while (g->m < 400) {
		uint32_t a = (uint32_t)(cf_rand(&s) % 64), b;
		bool inside = cf_rand(&s) % 10 < 8;

		b = inside ? (a / 16) * 16 + (uint32_t)(cf_rand(&s) % 16)
			   : (uint32_t)(cf_rand(&s) % 64);
		if (a == b)
			continue;
		g->a[g->m] = (a + shift) % 64;
		g->b[g->m] = (b + shift) % 64;
		g->w[g->m] = inside ? 20 + cf_rand(&s) % 80 : 1 + cf_rand(&s) % 10;
		g->m++;
	}
	(void)i;
}

TestSuite(coherence_engine, .timeout = 120);

Test(coherence_engine, decay_is_exact_fixed_point)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct cf_graph g;

	rvx_coh_config_default(&cfg, 2);
	cfg.decay_q16 = ONE / 2; /* keep half */
	cfg.rise_q16 = 0;        /* the decay alone */
	memset(&g, 0, sizeof(g));
	g.n = 2;
	g.m = 1;
	g.a[0] = 0;
	g.b[0] = 1;
	cf_start(&f, &cfg, &g, NULL);
	cr_assert_eq(rvx_coh_edge_note(&f.c, 0, 100), 0);
	cr_assert_eq(rvx_coh_edge_note(&f.c, 0, 100), 0);
	cr_assert_eq(rvx_coh_vertex_note(&f.c, 0, 10), 0);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	/* 200 bytes x (1 - 0.5), in Q16 units. */
	cr_assert_eq(f.e[0].weight, 100u * ONE);
	cr_assert_eq(f.e[0].open, 0);
	cr_assert_eq(f.v[0].load, 5u * ONE);
	cr_assert_eq(f.v[1].load, 0);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	cr_assert_eq(f.e[0].weight, 50u * ONE);
	cr_assert_eq(rvx_coh_edge_note(&f.c, 0, 300), 0);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	cr_assert_eq(f.e[0].weight, 25u * ONE + 150u * ONE);
	/* A huge count saturates at RVX_COH_EPOCH_MAX per epoch. */
	cr_assert_eq(rvx_coh_edge_note(&f.c, 0, UINT64_MAX), 0);
	cr_assert_eq(rvx_coh_edge_note(&f.c, 0, UINT64_MAX), 0);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	cr_assert_eq(f.e[0].weight, (25u * ONE + 150u * ONE) / 2 + RVX_COH_EPOCH_MAX * (ONE / 2));
	/* Decay 0.75: after many epochs without traffic the weight reaches 0. */
	for (int i = 0; i < 200; i++)
		cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	cr_assert_eq(f.e[0].weight, 0);
}

/* rise_q16: a rise in an edge's traffic is taken at once (r = 1) or in part;
 * a fall still decays; loads are not affected. */
Test(coherence_engine, rise_takes_new_traffic_at_once)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct cf_graph g;

	rvx_coh_config_default(&cfg, 2);
	cr_assert_eq(cfg.rise_q16, ONE, "the default believes a rise at once");
	memset(&g, 0, sizeof(g));
	g.n = 2;
	g.m = 1;
	g.a[0] = 0;
	g.b[0] = 1;
	cf_start(&f, &cfg, &g, NULL);
	cr_assert_eq(rvx_coh_edge_note(&f.c, 0, 200), 0);
	cr_assert_eq(rvx_coh_vertex_note(&f.c, 0, 10), 0);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	cr_assert_eq(f.e[0].weight, 200u * ONE);
	cr_assert_eq(f.v[0].load, 5u * ONE, "loads decay as before");
	/* A fall decays: 200 -> 100 + 50 / 2. */
	cr_assert_eq(rvx_coh_edge_note(&f.c, 0, 50), 0);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	cr_assert_eq(f.e[0].weight, 125u * ONE);
	/* A rise with r = 1/4: 125/2 + 400/2 = 262.5, then + (400 - 262.5) / 4. */
	f.c.cfg.rise_q16 = ONE / 4;
	cr_assert_eq(rvx_coh_edge_note(&f.c, 0, 400), 0);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	cr_assert_eq(f.e[0].weight, 262u * ONE + ONE / 2 + (137u * ONE + ONE / 2) / 4);
	/* Saturation at RVX_COH_EPOCH_MAX per epoch holds with the rise. */
	f.c.cfg.rise_q16 = ONE;
	cr_assert_eq(rvx_coh_edge_note(&f.c, 0, UINT64_MAX), 0);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	cr_assert_eq(f.e[0].weight, RVX_COH_EPOCH_MAX * ONE);
	/* Out of range is refused by init. */
	cfg.rise_q16 = ONE + 1;
	cr_assert_eq(rvx_coh_init(&f.c, &cfg, f.v, CF_NV, f.e, CF_NE, f.scratch, sizeof(f.scratch)),
		     -RVX_EINVAL);
}

/* The budget stops the work: a clock that moves 1000 ns per reading and a
 * 10 us budget leave at most a handful of work units. */
Test(coherence_engine, budget_stops_work)
{
	static struct cf f, full;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res, res_full;
	struct cf_clock clk = {.now = 0, .step = 1000, .reads = 0};
	struct cf_graph g;
	uint32_t part[CF_NV], start[CF_NV], i;

	clusters(&g, 3, 0);
	for (i = 0; i < 64; i++)
		start[i] = i % 4;
	rvx_coh_config_default(&cfg, 4);
	cfg.decay_q16 = 0;
	cf_start(&full, &cfg, &g, start);
	cf_note(&full, &g);
	cr_assert_eq(rvx_coh_epoch_close(&full.c, &res_full, NULL, 0), 0);
	cr_assert_eq(res_full.flags & RVX_COH_RES_BUDGET_EXCEEDED, 0);
	cr_assert_gt(res_full.work, 200, "unbounded run does real work (%llu)",
		     (unsigned long long)res_full.work);

	cfg.clock = cf_clock_read;
	cfg.clock_ctx = &clk;
	cfg.budget_ns = 10000;
	cf_start(&f, &cfg, &g, start);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	cr_assert(res.flags & RVX_COH_RES_BUDGET_EXCEEDED);
	/* One reading at the start, one per 8 units, one at the end. */
	cr_assert_leq(res.work, 8u * 11u);
	cr_assert_leq(clk.reads, 12u);
	cr_assert_eq(res.elapsed, (clk.reads - 1) * 1000u);
	cr_assert_lt(res.work, res_full.work);
	/* What was kept is a consistent, balanced placement no worse than the start. */
	cf_placement(&f, 64, part);
	cr_assert_leq(cf_cut(&g, part), cf_cut(&g, start));
	cr_assert_eq(cf_cut(&g, part) * ONE, res.cut);
	cr_assert_leq(res.max_load, res.cap);

	/* A work limit stops it the same way without a clock. */
	cfg.clock = NULL;
	cfg.work_limit = 5;
	cf_start(&f, &cfg, &g, start);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	cr_assert(res.flags & RVX_COH_RES_BUDGET_EXCEEDED);
	cr_assert_eq(res.work, 5);
}

/* Same inputs, same placement, byte for byte: two engines whose scratch
 * starts with different garbage; and a clocked run replayed without a clock
 * from its work counts. Rebuilds run whenever the close asks for one. */
static void step_pair(struct cf *a, struct cf *b, bool replay, uint32_t ep, bool rebuild)
{
	struct rvx_coh_result ra, rb;
	struct rvx_coh_move ma[CF_NV], mb[CF_NV];

	if (rebuild) {
		cr_assert_eq(rvx_coh_rebuild(&a->c, &ra, ma, CF_NV), 0);
	} else {
		cr_assert_eq(rvx_coh_epoch_close(&a->c, &ra, ma, CF_NV), 0);
	}
	if (replay)
		b->c.cfg.work_limit = (ra.flags & RVX_COH_RES_BUDGET_EXCEEDED) ? ra.work : 0;
	if (rebuild) {
		cr_assert_eq(rvx_coh_rebuild(&b->c, &rb, mb, CF_NV), 0);
	} else {
		cr_assert_eq(rvx_coh_epoch_close(&b->c, &rb, mb, CF_NV), 0);
	}
	ra.elapsed = rb.elapsed = 0;
	cr_assert_eq(memcmp(&ra, &rb, sizeof(ra)), 0, "epoch %u result (rebuild %d)", ep, rebuild);
	cr_assert_eq(memcmp(ma, mb, ra.moved * sizeof(ma[0])), 0);
	cr_assert_eq(memcmp(a->v, b->v, sizeof(a->v)), 0, "epoch %u vertices", ep);
	cr_assert_eq(memcmp(a->e, b->e, sizeof(a->e)), 0);
	if (!rebuild && (ra.flags & RVX_COH_RES_REBUILD_DUE))
		step_pair(a, b, replay, ep, true);
}

Test(coherence_engine, deterministic_and_replayable)
{
	static struct cf a, b;
	struct rvx_coh_config cfg;
	struct cf_clock clk = {.now = 0, .step = 700, .reads = 0};
	struct cf_graph g;
	uint32_t ep;

	rvx_coh_config_default(&cfg, 4);
	for (int pass = 0; pass < 2; pass++) {
		struct rvx_coh_config ca = cfg, cb = cfg;

		if (pass == 1) {
			/* a: clocked budgets that run out; b: replays the work counts. */
			ca.clock = cf_clock_read;
			ca.clock_ctx = &clk;
			ca.budget_ns = 30000;
			ca.rebuild_budget_ns = 60000;
		}
		clusters(&g, 11, 0);
		cf_start(&a, &ca, &g, NULL);
		cf_start(&b, &cb, &g, NULL);
		memset(b.scratch, 0x3C, sizeof(b.scratch));
		for (ep = 0; ep < 12; ep++) {
			clusters(&g, 11, ep * 5); /* the clusters drift */
			cf_note(&a, &g);
			cf_note(&b, &g);
			step_pair(&a, &b, pass == 1, ep, false);
		}
		if (pass == 1)
			cr_assert_gt(clk.reads, 0);
	}
}

/* The rebuild finds planted clusters from a round-robin start, within its
 * own budget; a fake clock stops it like the epoch close. */
Test(coherence_engine, rebuild_from_round_robin)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res, rc;
	struct cf_clock clk = {.now = 0, .step = 1000, .reads = 0};
	struct cf_graph g;
	uint32_t start[CF_NV], part[CF_NV], i;

	clusters(&g, 17, 0);
	for (i = 0; i < 64; i++)
		start[i] = i % 4;
	rvx_coh_config_default(&cfg, 4);
	cfg.decay_q16 = 0;
	cf_start(&f, &cfg, &g, start);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	cr_assert(res.flags & RVX_COH_RES_REBUILD_DUE);
	cr_assert_eq(rvx_coh_rebuild(&f.c, &rc, NULL, 0), 0);
	cr_assert(rc.flags & RVX_COH_RES_REBUILT);
	cr_assert_eq(rc.epoch, 1);
	cr_assert_eq(rc.cut_before, res.cut);
	cr_assert_leq(rc.cut, res.cut);
	cf_placement(&f, 64, part);
	cr_assert_eq(cf_cut(&g, part) * RVX_COH_Q16_ONE, rc.cut);
	cr_assert_leq(rc.max_load, rc.cap);
	/* Most traffic is inside the clusters (80% of edges, heavier). */
	cr_assert_lt(rc.cut * 10, rc.traffic, "cut %llu of %llu", (unsigned long long)rc.cut,
		     (unsigned long long)rc.traffic);
	/* Not due again right after. */
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	cr_assert_eq(res.flags & RVX_COH_RES_REBUILD_DUE, 0);

	cfg.clock = cf_clock_read;
	cfg.clock_ctx = &clk;
	cfg.rebuild_budget_ns = 5000;
	cf_start(&f, &cfg, &g, start);
	cf_note(&f, &g);
	cfg.work_limit = 0;
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	clk.reads = 0;
	cr_assert_eq(rvx_coh_rebuild(&f.c, &rc, NULL, 0), 0);
	cr_assert(rc.flags & RVX_COH_RES_BUDGET_EXCEEDED);
	cr_assert_leq(clk.reads, 7u);
	cr_assert_leq(rc.work, 8u * 6u);
	cf_placement(&f, 64, part);
	cr_assert_eq(cf_cut(&g, part) * RVX_COH_Q16_ONE, rc.cut);
	cr_assert_leq(rc.cut, rc.cut_before);
}

/* A vertex that moved stays put for hold_epochs epochs; without the hold
 * the same changing traffic makes vertices move again sooner (so this test
 * can fail). */
static uint32_t soonest_remove(uint32_t hold)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res;
	struct rvx_coh_move mv[CF_NV];
	uint64_t last[CF_NV] = {0};
	struct cf_graph g;
	uint32_t ep, i, soonest = UINT32_MAX;

	rvx_coh_config_default(&cfg, 4);
	cfg.hold_epochs = hold;
	cfg.decay_q16 = 0;
	cfg.min_gain_q16 = 0;
	cfg.imbalance_q16 = 2u * ONE;
	clusters(&g, 21, 0);
	cf_start(&f, &cfg, &g, NULL);
	for (ep = 1; ep <= 40; ep++) {
		clusters(&g, 21 + ep % 2, (ep % 2) * 9); /* two traffic patterns in turn */
		cf_note(&f, &g);
		cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, mv, CF_NV), 0);
		for (i = 0; i < res.moved; i++) {
			uint32_t v = mv[i].vertex;

			if (last[v] != 0 && ep - last[v] < soonest)
				soonest = (uint32_t)(ep - last[v]);
			last[v] = ep;
			cr_assert_eq(f.v[v].moved_epoch, ep);
		}
	}
	return soonest;
}

Test(coherence_engine, hysteresis_holds_moved_vertices)
{
	uint32_t with_hold = soonest_remove(5), without = soonest_remove(0);

	cr_assert_geq(with_hold, 5, "a vertex moved again after %u epochs", with_hold);
	cr_assert_lt(without, 5, "without a hold vertices flap (soonest %u)", without);
}

/* A gain at or below min_gain of the total traffic is not adopted. */
Test(coherence_engine, min_gain_threshold)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res;
	struct cf_graph g;
	uint32_t start[4] = {0, 1, 0, 1};

	/* 0-1: 1 byte (cut), 2-3: 1000 bytes (cut), 0-2, 1-3: 1000 (inside). */
	memset(&g, 0, sizeof(g));
	g.n = 4;
	g.m = 3;
	g.a[0] = 0, g.b[0] = 1, g.w[0] = 1;
	g.a[1] = 0, g.b[1] = 2, g.w[1] = 1000;
	g.a[2] = 1, g.b[2] = 3, g.w[2] = 1000;
	rvx_coh_config_default(&cfg, 2);
	cfg.decay_q16 = 0;
	cfg.rebuild_period = 0;
	cfg.drift_q16 = 0;
	cfg.imbalance_q16 = 4u * ONE; /* any move fits */
	cfg.min_gain_q16 = ONE / 1000; /* 2 bytes of 2001 */
	cf_start(&f, &cfg, &g, start);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	cr_assert_eq(res.cut_before, 1u * ONE);
	cr_assert_eq(res.moved, 0, "a 1-byte gain is below the threshold");
	cr_assert_eq(res.cut, 1u * ONE);
	cfg.min_gain_q16 = 0;
	cf_start(&f, &cfg, &g, start);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	cr_assert_eq(res.cut, 0);
	cr_assert_gt(res.moved, 0);
}

/* An unbalanced start (all on one part) is repaired to the cap. */
Test(coherence_engine, unbalanced_start_repaired)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res;
	struct cf_graph g;
	uint32_t start[CF_NV] = {0}, part[CF_NV];

	clusters(&g, 5, 0);
	rvx_coh_config_default(&cfg, 4);
	cfg.decay_q16 = 0;
	cfg.rebuild_period = 0;
	cfg.drift_q16 = 0;
	cfg.hold_epochs = 1000; /* repair may move held vertices */
	cf_start(&f, &cfg, &g, start);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	cr_assert_eq(res.flags & RVX_COH_RES_UNBALANCED, 0);
	cf_placement(&f, 64, part);
	cr_assert_leq((uint64_t)cf_max_count(part, 64, 4) * ONE, res.cap);
	cr_assert_eq(res.max_load, (uint64_t)cf_max_count(part, 64, 4) * ONE);
}

/* Hand-computed scores: parts {0,1} and {2,3}; 0-1 and 2-3 weigh 3, 1-2
 * weighs 1. */
Test(coherence_engine, scores_by_hand)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct rvx_coh_score sc[CF_NV];
	struct cf_graph g;
	uint32_t start[4] = {0, 0, 1, 1};

	memset(&g, 0, sizeof(g));
	g.n = 4;
	g.m = 3;
	g.a[0] = 0, g.b[0] = 1, g.w[0] = 3;
	g.a[1] = 2, g.b[1] = 3, g.w[1] = 3;
	g.a[2] = 1, g.b[2] = 2, g.w[2] = 1;
	rvx_coh_config_default(&cfg, 2);
	cfg.decay_q16 = 0;
	cf_start(&f, &cfg, &g, start);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 0), 0);
	cr_assert_eq(rvx_coh_scores(&f.c, sc, CF_NV), 0);
	cr_assert_eq(sc[0].part, 0);
	cr_assert_eq(sc[2].part, 1);
	cr_assert_eq(sc[0].coherence, ONE);
	cr_assert_eq(sc[1].coherence, 3u * ONE / 4u);
	cr_assert_eq(sc[0].pressure, 0);
	cr_assert_eq(sc[1].pressure, ONE);
	cr_assert_eq(sc[2].pressure, ONE);
	/* conductance of each part: cut 1 over volume 7 */
	cr_assert_eq(sc[0].risk, ONE / 7u);
	cr_assert_eq(sc[3].risk, ONE / 7u);
	cr_assert_eq(sc[10].part, RVX_COH_NONE);
	cr_assert_eq(sc[10].coherence, 0);
}

/*
 * Loads that change from epoch to epoch (as run time does): two clusters
 * of 12 and 8 vertices on 2 parts (each vertex talks heavily with the next
 * three of its cluster, the clusters lightly), so the cut-optimal placement
 * sits right at the balance cap; every vertex's load is 100 times a random
 * factor in [1/2, 3/2) drawn anew each epoch. Returns the moves over
 * @epochs closes after the first 8, and how many of them ended unbalanced.
 */
static uint32_t noisy_moves(uint32_t load_decay, uint32_t slack, uint32_t epochs,
			    uint32_t *unbalanced)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res;
	struct cf_graph g;
	uint32_t i, j, e, moves = 0;
	uint64_t seed = 42;

	memset(&g, 0, sizeof(g));
	g.n = 20;
	for (i = 0; i < 20; i++) {
		uint32_t lo = i < 12 ? 0 : 12, sz = i < 12 ? 12 : 8;

		for (j = 1; j <= 3; j++) {
			g.a[g.m] = i;
			g.b[g.m] = lo + (i - lo + j) % sz;
			g.w[g.m++] = 1000;
		}
	}
	g.a[g.m] = 0, g.b[g.m] = 12, g.w[g.m++] = 10;
	rvx_coh_config_default(&cfg, 2);
	cfg.load_decay_q16 = load_decay;
	cfg.balance_slack_q16 = slack;
	cf_start(&f, &cfg, &g, NULL);
	*unbalanced = 0;
	for (e = 0; e < epochs + 8; e++) {
		cf_note(&f, &g);
		for (i = 0; i < 20; i++)
			cr_assert_eq(rvx_coh_vertex_note(&f.c, i, 50 + cf_rand(&seed) % 100), 0);
		cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
		if (res.flags & RVX_COH_RES_REBUILD_DUE) {
			struct rvx_coh_result rres;

			cr_assert_eq(rvx_coh_rebuild(&f.c, &rres, NULL, 0), 0);
			res.moved += rres.moved;
		}
		if (e >= 8) {
			moves += res.moved;
			*unbalanced += (res.flags & RVX_COH_RES_UNBALANCED) != 0;
		}
	}
	return moves;
}

/* Without smoothing and balance hysteresis the noisy loads move vertices
 * back and forth; with them the placement settles. */
Test(coherence_engine, smoothed_load_and_balance_slack_stop_flapping)
{
	uint32_t flap, calm, smooth, slack, ub;

	flap = noisy_moves(0, 0, 200, &ub);
	smooth = noisy_moves(ONE - ONE / 8u, 0, 200, &ub);
	slack = noisy_moves(0, ONE / 4u, 200, &ub);
	calm = noisy_moves(ONE - ONE / 8u, ONE / 4u, 200, &ub);
	cr_log_info("moves: neither %u, smoothed load %u, balance slack %u, both %u", flap, smooth,
		    slack, calm);
	cr_assert_geq(flap, 50u, "the case flaps without them (%u moves)", flap);
	cr_assert_leq(calm * 10u, flap, "%u moves with them against %u", calm, flap);
	cr_assert_eq(ub, 0, "the tolerance was held at every close");
}

/* A rebuild moves only the vertices it must: planted clusters placed one
 * per part but with the parts numbered differently from what the
 * constructions produce, and two vertices swapped between clusters. The
 * rebuild must move exactly those two back (not renumber every part), and
 * a second rebuild on the same graph moves nothing. */
Test(coherence_engine, rebuild_moves_only_what_it_must)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res;
	struct rvx_coh_move mv[CF_NV];
	struct cf_graph g;
	uint32_t start[CF_NV], part[CF_NV], i;

	clusters(&g, 7, 0);
	for (i = 0; i < 64; i++)
		start[i] = 3u - i / 16u;
	start[5] = 2; /* cluster 0 (part 3) <-> cluster 1 (part 2) */
	start[21] = 3;
	rvx_coh_config_default(&cfg, 4);
	cfg.decay_q16 = 0;
	cfg.rebuild_period = 0;
	cfg.drift_q16 = 0;
	cfg.work_limit = 1; /* the close only takes in the weights */
	cf_start(&f, &cfg, &g, start);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	cr_assert_eq(res.moved, 0);
	f.c.cfg.work_limit = 0;
	cr_assert_eq(rvx_coh_rebuild(&f.c, &res, mv, CF_NV), 0);
	cf_placement(&f, 64, part);
	cr_assert_leq(cf_cut(&g, part), cf_cut(&g, start));
	cr_assert_eq(res.moved, 2, "moved %u cut %llu -> %llu flags %x", res.moved, (unsigned long long)res.cut_before, (unsigned long long)res.cut, res.flags);
	for (i = 0; i < 64; i++)
		cr_assert_eq(part[i], 3u - i / 16u, "vertex %u on %u", i, part[i]);
	cr_assert_eq(rvx_coh_rebuild(&f.c, &res, mv, CF_NV), 0);
	cr_assert_eq(res.moved, 0);
}

/* rvx_coh_epoch_step() is the close and, when it asks, the rebuild: the same
 * placement and result as calling both, its overruns and rebuild counted. */
Test(coherence_engine, epoch_step_is_close_then_due_rebuild)
{
	static struct cf a, b;
	static struct cf_graph g;
	struct rvx_coh_config cfg;
	struct rvx_coh_result rc, rr;
	struct rvx_coh_step st;
	uint32_t pa[CF_NV], pb[CF_NV];
	bool saw_rebuild = false;

	rvx_coh_config_default(&cfg, 4);
	cf_random_graph(&g, 77, 48, 200, 1000);
	cf_start(&a, &cfg, &g, NULL);
	cf_start(&b, &cfg, &g, NULL);
	cr_assert_eq(rvx_coh_epoch_step(&a.c, NULL), -RVX_EINVAL);
	for (uint32_t ep = 0; ep < 6; ep++) {
		cf_note(&a, &g);
		cf_note(&b, &g);
		cr_assert_eq(rvx_coh_epoch_step(&a.c, &st), 0);
		cr_assert_eq(rvx_coh_epoch_close(&b.c, &rc, NULL, 0), 0);
		cr_assert_eq(st.rebuilt, (rc.flags & RVX_COH_RES_REBUILD_DUE) != 0);
		if (rc.flags & RVX_COH_RES_REBUILD_DUE) {
			cr_assert_eq(rvx_coh_rebuild(&b.c, &rr, NULL, 0), 0);
			cr_assert_eq(st.result.cut, rr.cut);
			cr_assert_eq(st.result.work, rc.work + rr.work);
			cr_assert_eq(st.result.moved, rc.moved + rr.moved);
			cr_assert_eq(st.result.flags, rc.flags | rr.flags);
			saw_rebuild = true;
		} else {
			cr_assert_eq(st.result.cut, rc.cut);
			cr_assert_eq(st.result.flags, rc.flags);
		}
		cr_assert_eq(st.overruns, 0u, "no clock, no overrun");
		cf_placement(&a, g.n, pa);
		cf_placement(&b, g.n, pb);
		cr_assert(memcmp(pa, pb, sizeof(uint32_t) * g.n) == 0);
	}
	cr_assert(saw_rebuild, "the first close asks for a rebuild");
}
