/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/coherence.h against the exact optimum: on small random graphs the
 * engine's balanced cut is compared with the best balanced cut found by
 * exhaustive search under the same cap; refinement alone never ends worse
 * than its start.
 */
#include <stdio.h>

#include "coh_fixture.h"

/* Exhaustive search state (vertex 0 on part 0, parts opened in order). */
struct ex {
	const struct cf_graph *g;
	uint32_t k, capc;
	uint32_t part[CF_NV], cnt[RVX_COH_MAX_PARTS];
	uint64_t best;
	/* edges to lower-numbered vertices, per vertex */
	uint32_t lo_n[CF_NV], lo_v[CF_NV][CF_NE / 4];
	uint64_t lo_w[CF_NV][CF_NE / 4];
};

static void ex_dfs(struct ex *x, uint32_t i, uint32_t used, uint64_t cut)
{
	uint32_t p, j, lim;

	if (cut >= x->best)
		return;
	if (i == x->g->n) {
		x->best = cut;
		return;
	}
	lim = used < x->k ? used + 1 : x->k;
	for (p = 0; p < lim; p++) {
		uint64_t add = 0;

		if (x->cnt[p] >= x->capc)
			continue;
		for (j = 0; j < x->lo_n[i]; j++)
			if (x->part[x->lo_v[i][j]] != p)
				add += x->lo_w[i][j];
		x->part[i] = p;
		x->cnt[p]++;
		ex_dfs(x, i + 1, p + 1 > used ? p + 1 : used, cut + add);
		x->cnt[p]--;
	}
}

static uint64_t exact(const struct cf_graph *g, uint32_t k, uint32_t capc)
{
	static struct ex x;
	uint32_t i;

	memset(&x, 0, sizeof(x));
	x.g = g;
	x.k = k;
	x.capc = capc;
	x.best = UINT64_MAX;
	for (i = 0; i < g->m; i++) {
		uint32_t hi = g->a[i] > g->b[i] ? g->a[i] : g->b[i];
		uint32_t lo = g->a[i] ^ g->b[i] ^ hi;

		cr_assert(x.lo_n[hi] < CF_NE / 4);
		x.lo_v[hi][x.lo_n[hi]] = lo;
		x.lo_w[hi][x.lo_n[hi]] = g->w[i];
		x.lo_n[hi]++;
	}
	ex_dfs(&x, 0, 0, 0);
	return x.best;
}

static void cfg_exact(struct rvx_coh_config *cfg, uint32_t k)
{
	rvx_coh_config_default(cfg, k);
	cfg->decay_q16 = 0;
	cfg->hold_epochs = 0;
	cfg->min_gain_q16 = 0;
}

/* Bound asserted per graph: the engine's cut is at most 1.25 x the optimum
 * (plus one lightest edge, for optima near 0); on average within 5%. */
static void run_sizes(uint32_t n, uint32_t k, uint32_t trials, uint32_t density)
{
	static struct cf f;
	struct cf_graph g;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res;
	uint32_t t, part[CF_NV], capc, exact_hits = 0;
	uint64_t sum_engine = 0, sum_opt = 0;

	cfg_exact(&cfg, k);
	for (t = 0; t < trials; t++) {
		uint64_t opt, cut;

		cf_random_graph(&g, 1000u * n + 10u * k + t, n, density * n, 100);
		cf_start(&f, &cfg, &g, NULL);
		cf_note(&f, &g);
		cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
		cr_assert(res.flags & RVX_COH_RES_REBUILD_DUE, "the first epoch asks for a rebuild");
		cr_assert_eq(rvx_coh_rebuild(&f.c, &res, NULL, 0), 0);
		cr_assert(res.flags & RVX_COH_RES_REBUILT);
		cr_assert_eq(res.flags & RVX_COH_RES_UNBALANCED, 0);
		cf_placement(&f, n, part);
		capc = (uint32_t)(res.cap / RVX_COH_Q16_ONE);
		cr_assert_leq(cf_max_count(part, n, k), capc, "balance held");
		cut = cf_cut(&g, part);
		cr_assert_eq(cut * RVX_COH_Q16_ONE, res.cut, "reported cut is the cut");
		opt = exact(&g, k, capc);
		cr_assert_geq(cut, opt);
		cr_assert_leq(cut * 4, opt * 5 + 4 * 100, "n=%u k=%u trial %u: engine %llu, optimum %llu",
			      n, k, t, (unsigned long long)cut, (unsigned long long)opt);
		sum_engine += cut;
		sum_opt += opt;
		exact_hits += cut == opt;
	}
	fprintf(stderr, "coherence optimum n=%u k=%u: %u graphs, %u at the optimum, engine/optimum = %.4f\n",
		n, k, trials, exact_hits, (double)sum_engine / (double)sum_opt);
	cr_assert_leq(sum_engine * 100, sum_opt * 105, "mean within 5%%");
}

TestSuite(coherence_optimum, .timeout = 240);

Test(coherence_optimum, k2_n16)
{
	run_sizes(16, 2, 20, 3);
}

Test(coherence_optimum, k2_n20)
{
	run_sizes(20, 2, 8, 3);
}

Test(coherence_optimum, k3_n12)
{
	run_sizes(12, 3, 20, 3);
}

Test(coherence_optimum, k4_n12)
{
	run_sizes(12, 4, 12, 3);
}

/* Planted clusters of 4 joined by light edges: the engine finds the
 * clusters, which is the optimum. */
Test(coherence_optimum, planted_clusters_exact)
{
	static struct cf f;
	struct cf_graph g;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res;
	uint32_t part[CF_NV], i, j, c;
	uint64_t s = 7;

	memset(&g, 0, sizeof(g));
	g.n = 16;
	for (c = 0; c < 4; c++)
		for (i = 0; i < 4; i++)
			for (j = i + 1; j < 4; j++) {
				g.a[g.m] = c * 4 + i;
				g.b[g.m] = c * 4 + j;
				g.w[g.m++] = 50 + cf_rand(&s) % 50;
			}
	for (i = 0; i < 8; i++) {
		uint32_t a = (uint32_t)(cf_rand(&s) % 16), b = (uint32_t)(cf_rand(&s) % 16);

		if (a / 4 == b / 4)
			continue;
		g.a[g.m] = a;
		g.b[g.m] = b;
		g.w[g.m++] = 1 + cf_rand(&s) % 5;
	}
	cfg_exact(&cfg, 4);
	cf_start(&f, &cfg, &g, NULL);
	cf_note(&f, &g);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
	cr_assert_eq(rvx_coh_rebuild(&f.c, &res, NULL, 0), 0);
	cf_placement(&f, 16, part);
	cr_assert_eq(cf_cut(&g, part), exact(&g, 4, (uint32_t)(res.cap / RVX_COH_Q16_ONE)));
	for (c = 0; c < 4; c++)
		for (i = 1; i < 4; i++)
			cr_assert_eq(part[c * 4 + i], part[c * 4], "cluster %u kept together", c);
}

/* Refinement alone (the epoch close), from random balanced starts: never
 * worse than the start, always balanced. */
Test(coherence_optimum, refine_never_worse_than_start)
{
	static struct cf f;
	struct cf_graph g;
	struct rvx_coh_config cfg;
	struct rvx_coh_result res;
	uint32_t t, i, k, part[CF_NV], start[CF_NV], improved = 0;
	uint64_t s = 99;

	for (t = 0; t < 60; t++) {
		k = 2 + t % 3;
		cfg_exact(&cfg, k);
		cfg.rebuild_period = 0;
		cfg.drift_q16 = 0;
		cf_random_graph(&g, 5000 + t, 24, 72, 100);
		for (i = 0; i < 24; i++)
			start[i] = i % k;
		for (i = 23; i > 0; i--) {
			uint32_t j = (uint32_t)(cf_rand(&s) % (i + 1)), x = start[i];

			start[i] = start[j];
			start[j] = x;
		}
		cf_start(&f, &cfg, &g, start);
		cf_note(&f, &g);
		cr_assert_eq(rvx_coh_epoch_close(&f.c, &res, NULL, 0), 0);
		cr_assert_eq(res.flags & (RVX_COH_RES_REBUILT | RVX_COH_RES_REBUILD_DUE), 0);
		cf_placement(&f, 24, part);
		cr_assert_eq(res.cut_before, cf_cut(&g, start) * RVX_COH_Q16_ONE);
		cr_assert_leq(cf_cut(&g, part), cf_cut(&g, start));
		cr_assert_leq(cf_max_count(part, 24, k), (uint32_t)(res.cap / RVX_COH_Q16_ONE));
		improved += cf_cut(&g, part) < cf_cut(&g, start);
	}
	cr_assert_geq(improved, 50, "refinement improves most random starts (%u of 60)", improved);
}
