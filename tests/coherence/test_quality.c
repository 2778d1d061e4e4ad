/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/coherence.h: what the rebuild's multilevel construction finds, the
 * follow-up rebuild after the weights settle, and the adjacency kept in the
 * scratch between closes (the same results as building it afresh).
 */
#include "coh_fixture.h"

#define ONE RVX_COH_Q16_ONE

/* Eight chains of eight vertices (heavy links, 1600-2400), numbered in a
 * scrambled order, and one light edge (16-24) from each vertex to a random
 * one; returns each vertex's chain and its load (one in four 400-599, the
 * others 100-149), like bench-coherence's pipeline. */
static void chains(struct cf_graph *g, uint64_t seed, uint32_t *chain_of, uint64_t *load)
{
	uint32_t perm[64], i, j, x;
	uint64_t s = seed;

	memset(g, 0, sizeof(*g));
	g->n = 64;
	for (i = 0; i < 64; i++)
		perm[i] = i;
	for (i = 63; i > 0; i--) {
		j = (uint32_t)(cf_rand(&s) % (i + 1));
		x = perm[i];
		perm[i] = perm[j];
		perm[j] = x;
	}
	for (i = 0; i < 64; i++)
		load[i] = cf_rand(&s) % 4 == 0 ? 400 + cf_rand(&s) % 200 : 100 + cf_rand(&s) % 50;
	for (i = 0; i < 64; i++) {
		chain_of[perm[i]] = i / 8;
		if (i % 8 != 7) {
			g->a[g->m] = perm[i];
			g->b[g->m] = perm[i + 1];
			g->w[g->m] = 1600 + cf_rand(&s) % 801;
			g->m++;
		}
	}
	for (i = 0; i < 64; i++) {
		uint32_t b = (uint32_t)(cf_rand(&s) % 64);

		if (b == i)
			continue;
		g->a[g->m] = i;
		g->b[g->m] = b;
		g->w[g->m] = 16 + cf_rand(&s) % 9;
		g->m++;
	}
}

/* Note one epoch of @g's traffic with the loads @load. */
static void note(struct cf *f, const struct cf_graph *g, const uint64_t *load)
{
	uint32_t i;

	for (i = 0; i < g->m; i++)
		cr_assert_eq(rvx_coh_edge_note(&f->c, i, g->w[i]), 0);
	for (i = 0; i < g->n; i++)
		cr_assert_eq(rvx_coh_vertex_note(&f->c, i, load[i]), 0);
}

/* From round-robin on 4 parts, the first epoch's rebuild keeps every chain
 * whole where it can (some graphs have no balanced placement of whole
 * chains): moving a chain needs moving eight vertices at once, which the
 * multilevel construction does by moving its coarse vertices. Measured:
 * 19 of these 24 graphs with it, 17 with the other constructions alone. */
Test(coherence_quality, multilevel_keeps_chains_whole)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct rvx_coh_step st;
	struct cf_graph g;
	uint32_t chain_of[64], start[64], part[64], i, seed, whole = 0;
	uint64_t load[64];

	for (seed = 1; seed <= 24; seed++) {
		bool ok = true;

		chains(&g, seed, chain_of, load);
		for (i = 0; i < 64; i++)
			start[i] = i % 4;
		rvx_coh_config_default(&cfg, 4);
		cf_start(&f, &cfg, &g, start);
		note(&f, &g, load);
		cr_assert_eq(rvx_coh_epoch_step(&f.c, &st), 0);
		cr_assert_eq(st.rebuilt, 1);
		cr_assert_eq(st.result.flags & RVX_COH_RES_UNBALANCED, 0);
		cf_placement(&f, 64, part);
		for (i = 0; i < 64; i++) {
			uint32_t j;

			for (j = 0; j < 64; j++)
				if (chain_of[j] == chain_of[i] && part[j] != part[i])
					ok = false;
		}
		whole += ok;
	}
	cr_assert_geq(whole, 19, "chains kept whole on %u of 24 graphs", whole);
}

/* After a rebuild, with a decay, another rebuild is due once the old
 * weights count for at most 1/16 (4 closes at d = 1/2); a follow-up that
 * adopts nothing, or the second, ends the chain; without a decay there is
 * no follow-up. */
Test(coherence_quality, follow_up_rebuild_after_settling)
{
	static struct cf f;
	struct rvx_coh_config cfg;
	struct rvx_coh_step st;
	struct cf_graph g;
	uint32_t chain_of[64], ep, due[16], nd = 0;
	uint64_t load[64];

	chains(&g, 3, chain_of, load);
	rvx_coh_config_default(&cfg, 4);
	cf_start(&f, &cfg, &g, NULL);
	for (ep = 1; ep <= 14; ep++) {
		cf_note(&f, &g);
		cr_assert_eq(rvx_coh_epoch_step(&f.c, &st), 0);
		if (st.rebuilt)
			due[nd++] = ep;
	}
	/* Epoch 1 (first), then every 4 closes while rebuilds adopt
	 * something, at most 2 follow-ups. */
	cr_assert_geq(nd, 2);
	cr_assert_leq(nd, 3);
	cr_assert_eq(due[0], 1);
	for (ep = 1; ep < nd; ep++)
		cr_assert_eq(due[ep], due[ep - 1] + 4, "rebuild %u at epoch %u", ep, due[ep]);

	rvx_coh_config_default(&cfg, 4);
	cfg.decay_q16 = 0;
	cf_start(&f, &cfg, &g, NULL);
	for (ep = 1, nd = 0; ep <= 10; ep++) {
		cf_note(&f, &g);
		cr_assert_eq(rvx_coh_epoch_step(&f.c, &st), 0);
		nd += st.rebuilt;
	}
	cr_assert_eq(nd, 1);
}

/* The adjacency kept in the scratch: an engine that keeps it and one made
 * to build it afresh at every call give the same results byte for byte,
 * while edges and vertices come and go between closes. */
Test(coherence_quality, kept_adjacency_equals_fresh)
{
	static struct cf a, b;
	struct rvx_coh_config cfg;
	struct rvx_coh_result ra, rb;
	struct rvx_coh_move ma[CF_NV], mb[CF_NV];
	struct cf_graph g;
	uint64_t s = 99;
	uint32_t ep, i;

	cf_random_graph(&g, 5, 40, 160, 100);
	rvx_coh_config_default(&cfg, 3);
	cf_start(&a, &cfg, &g, NULL);
	cf_start(&b, &cfg, &g, NULL);
	for (ep = 0; ep < 30; ep++) {
		uint32_t e1, e2;

		for (i = 0; i < g.m; i++) {
			uint64_t x = cf_rand(&s) % 200;

			if (a.e[i].a == RVX_COH_NONE)
				continue;
			cr_assert_eq(rvx_coh_edge_note(&a.c, i, x), 0);
			cr_assert_eq(rvx_coh_edge_note(&b.c, i, x), 0);
		}
		if (ep % 5 == 2) {
			/* An edge goes, another comes (slots reused). */
			i = (uint32_t)(cf_rand(&s) % g.m);
			if (a.e[i].a != RVX_COH_NONE) {
				cr_assert_eq(rvx_coh_edge_remove(&a.c, i), 0);
				cr_assert_eq(rvx_coh_edge_remove(&b.c, i), 0);
			}
			cr_assert_eq(rvx_coh_edge_add(&a.c, ep % 40, (ep * 7 + 1) % 40, &e1), 0);
			cr_assert_eq(rvx_coh_edge_add(&b.c, ep % 40, (ep * 7 + 1) % 40, &e2), 0);
			cr_assert_eq(e1, e2);
		}
		if (ep == 11) {
			cr_assert_eq(rvx_coh_vertex_remove(&a.c, 7), 0);
			cr_assert_eq(rvx_coh_vertex_remove(&b.c, 7), 0);
		}
		if (ep == 17) {
			cr_assert_eq(rvx_coh_vertex_add(&a.c, 7, 1), 0);
			cr_assert_eq(rvx_coh_vertex_add(&b.c, 7, 1), 0);
		}
		b.c.adj_cached = 0;
		memset(b.scratch, 0xA5, sizeof(b.scratch));
		cr_assert_eq(rvx_coh_epoch_close(&a.c, &ra, ma, CF_NV), 0);
		cr_assert_eq(rvx_coh_epoch_close(&b.c, &rb, mb, CF_NV), 0);
		cr_assert_eq(a.c.adj_cached, 1);
		ra.elapsed = rb.elapsed = 0;
		cr_assert_eq(memcmp(&ra, &rb, sizeof(ra)), 0, "epoch %u", ep);
		cr_assert_eq(memcmp(ma, mb, ra.moved * sizeof(ma[0])), 0);
		if (ra.flags & RVX_COH_RES_REBUILD_DUE) {
			b.c.adj_cached = 0;
			memset(b.scratch, 0x5A, sizeof(b.scratch));
			cr_assert_eq(rvx_coh_rebuild(&a.c, &ra, ma, CF_NV), 0);
			cr_assert_eq(rvx_coh_rebuild(&b.c, &rb, mb, CF_NV), 0);
			ra.elapsed = rb.elapsed = 0;
			cr_assert_eq(memcmp(&ra, &rb, sizeof(ra)), 0, "epoch %u rebuild", ep);
		}
		b.c.adj_cached = a.c.adj_cached;
		cr_assert_eq(memcmp(&a.c.epoch, &b.c.epoch, sizeof(a.c) - offsetof(struct rvx_coh, epoch)), 0);
		cr_assert_eq(memcmp(a.v, b.v, sizeof(a.v)), 0);
		cr_assert_eq(memcmp(a.e, b.e, sizeof(a.e)), 0);
	}
}
