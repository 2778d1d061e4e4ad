/* SPDX-License-Identifier: Apache-2.0 */
/* ruvix/coherence.h: every documented error, and nothing changed after it. */
#include "coh_fixture.h"

static struct cf f, snap;
static struct rvx_coh_config cfg;

static void setup(void)
{
	struct cf_graph g;

	rvx_coh_config_default(&cfg, 4);
	memset(&g, 0, sizeof(g));
	g.n = 6;
	g.m = 2;
	g.a[0] = 0;
	g.b[0] = 1;
	g.w[0] = 10;
	g.a[1] = 2;
	g.b[1] = 3;
	g.w[1] = 20;
	cf_start(&f, &cfg, &g, NULL);
	cr_assert_eq(rvx_coh_vertex_note(&f.c, 0, 5), 0);
	cr_assert_eq(rvx_coh_edge_note(&f.c, 1, 7), 0);
	memcpy(&snap, &f, sizeof(f));
}

/* Everything but the scratch (working space, and between calls only the
 * adjacency of the edge set, which no failed call changes either). */
static void unchanged(void)
{
	cr_assert_eq(memcmp(&f.c, &snap.c, sizeof(f.c)), 0, "engine unchanged");
	cr_assert_eq(memcmp(f.v, snap.v, sizeof(f.v)), 0, "vertices unchanged");
	cr_assert_eq(memcmp(f.e, snap.e, sizeof(f.e)), 0, "edges unchanged");
}

TestSuite(coherence_api, .init = setup);

Test(coherence_api, init_errors)
{
	static struct cf g2;
	struct rvx_coh_config bad;

	memset(&g2, 0x5A, sizeof(g2));
	memcpy(&snap, &g2, sizeof(g2));
#define INIT_FAILS(err, cf_, vmax, emax, scr, bytes)                                     \
	do {                                                                             \
		cr_assert_eq(rvx_coh_init(&g2.c, (cf_), g2.v, (vmax), g2.e, (emax), (scr), \
					  (bytes)),                                      \
			     -(err));                                                    \
		cr_assert_eq(memcmp(&g2, &snap, sizeof(g2)), 0);                         \
	} while (0)
	cr_assert_eq(rvx_coh_init(NULL, &cfg, g2.v, 8, g2.e, 8, g2.scratch, sizeof(g2.scratch)),
		     -RVX_EINVAL);
	INIT_FAILS(RVX_EINVAL, NULL, 8, 8, g2.scratch, sizeof(g2.scratch));
	INIT_FAILS(RVX_EINVAL, &cfg, 0, 8, g2.scratch, sizeof(g2.scratch));
	INIT_FAILS(RVX_EINVAL, &cfg, RVX_COH_MAX_VERTICES + 1, 8, g2.scratch, sizeof(g2.scratch));
	INIT_FAILS(RVX_EINVAL, &cfg, 8, RVX_COH_MAX_EDGES + 1, g2.scratch, sizeof(g2.scratch));
	INIT_FAILS(RVX_EINVAL, &cfg, 8, 8, NULL, sizeof(g2.scratch));
	INIT_FAILS(RVX_EINVAL, &cfg, 8, 8, g2.scratch + 1, sizeof(g2.scratch) - 1);
	cr_assert_eq(rvx_coh_init(&g2.c, &cfg, NULL, 8, g2.e, 8, g2.scratch, sizeof(g2.scratch)),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_coh_init(&g2.c, &cfg, g2.v, 8, NULL, 8, g2.scratch, sizeof(g2.scratch)),
		     -RVX_EINVAL);
	INIT_FAILS(RVX_ENOMEM, &cfg, CF_NV, CF_NE, g2.scratch,
		   RVX_COH_SCRATCH_BYTES(CF_NV, CF_NE, 4) - 8);
	bad = cfg;
	bad.parts = 0;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	bad.parts = RVX_COH_MAX_PARTS + 1;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	bad = cfg;
	bad.imbalance_q16 = RVX_COH_Q16_ONE - 1;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	bad = cfg;
	bad.decay_q16 = RVX_COH_Q16_ONE;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	bad = cfg;
	bad.min_gain_q16 = RVX_COH_Q16_ONE;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	bad = cfg;
	bad.reserved = 1;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	bad = cfg;
	bad.budget_ns = 0;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	bad = cfg;
	bad.rebuild_budget_ns = 0;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	bad = cfg;
	bad.load_decay_q16 = RVX_COH_Q16_ONE;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	bad = cfg;
	bad.balance_slack_q16 = RVX_COH_Q16_ONE + 1;
	INIT_FAILS(RVX_EINVAL, &bad, 8, 8, g2.scratch, sizeof(g2.scratch));
	/* The largest values are accepted. */
	bad = cfg;
	bad.load_decay_q16 = RVX_COH_Q16_ONE - 1;
	bad.balance_slack_q16 = RVX_COH_Q16_ONE;
	cr_assert_eq(rvx_coh_init(&g2.c, &bad, g2.v, CF_NV, g2.e, CF_NE, g2.scratch,
				  sizeof(g2.scratch)), 0);
	/* The exact size is enough. */
	cr_assert_eq(rvx_coh_init(&g2.c, &cfg, g2.v, CF_NV, g2.e, CF_NE, g2.scratch,
				  RVX_COH_SCRATCH_BYTES(CF_NV, CF_NE, 4)), 0);
}

Test(coherence_api, uninitialised_engine_refused)
{
	static struct rvx_coh z;
	struct rvx_coh_score sc[1];
	uint32_t e;

	memset(&z, 0, sizeof(z));
	cr_assert_eq(rvx_coh_vertex_add(&z, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_vertex_remove(&z, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_vertex_note(&z, 0, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_edge_add(&z, 0, 1, &e), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_edge_remove(&z, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_edge_note(&z, 0, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_epoch_close(&z, NULL, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_rebuild(&z, NULL, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_part_of(&z, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_scores(&z, sc, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_epoch_close(NULL, NULL, NULL, 0), -RVX_EINVAL);
}

Test(coherence_api, vertex_errors_change_nothing)
{
	cr_assert_eq(rvx_coh_vertex_add(&f.c, CF_NV, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_vertex_add(&f.c, 10, 4), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_vertex_add(&f.c, 0, 1), -RVX_EEXIST);
	cr_assert_eq(rvx_coh_vertex_remove(&f.c, CF_NV), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_vertex_remove(&f.c, 10), -RVX_ENOENT);
	cr_assert_eq(rvx_coh_vertex_note(&f.c, CF_NV, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_vertex_note(&f.c, 10, 1), -RVX_ENOENT);
	cr_assert_eq(rvx_coh_part_of(&f.c, CF_NV), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_part_of(&f.c, 10), -RVX_ENOENT);
	unchanged();
}

Test(coherence_api, edge_errors_change_nothing)
{
	static struct cf full;
	struct rvx_coh_vertex v[2];
	struct rvx_coh_edge e1[1];
	uint32_t e;

	cr_assert_eq(rvx_coh_edge_add(&f.c, 0, 1, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_edge_add(&f.c, 0, CF_NV, &e), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_edge_add(&f.c, 2, 2, &e), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_edge_add(&f.c, 0, 10, &e), -RVX_ENOENT);
	cr_assert_eq(rvx_coh_edge_remove(&f.c, CF_NE), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_edge_remove(&f.c, 5), -RVX_ENOENT);
	cr_assert_eq(rvx_coh_edge_note(&f.c, CF_NE, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_edge_note(&f.c, 5, 1), -RVX_ENOENT);
	unchanged();

	/* ELIMIT: one edge slot, already used. */
	cr_assert_eq(rvx_coh_init(&full.c, &cfg, v, 2, e1, 1, full.scratch, sizeof(full.scratch)), 0);
	cr_assert_eq(rvx_coh_vertex_add(&full.c, 0, 0), 0);
	cr_assert_eq(rvx_coh_vertex_add(&full.c, 1, 1), 0);
	cr_assert_eq(rvx_coh_edge_add(&full.c, 0, 1, &e), 0);
	cr_assert_eq(rvx_coh_edge_add(&full.c, 1, 0, &e), -RVX_ELIMIT);
	cr_assert_eq(full.c.edge_count, 1);
}

Test(coherence_api, epoch_close_and_scores_errors_change_nothing)
{
	struct rvx_coh_move mv[CF_NV];
	struct rvx_coh_score sc[CF_NV];

	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, NULL, 4), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, mv, 5), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_coh_rebuild(&f.c, NULL, NULL, 4), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_rebuild(&f.c, NULL, mv, 5), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_coh_rebuild(NULL, NULL, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_scores(&f.c, NULL, CF_NV), -RVX_EINVAL);
	cr_assert_eq(rvx_coh_scores(&f.c, sc, CF_NV - 1), -RVX_EBUFSMALL);
	unchanged();
	cr_assert_eq(rvx_coh_epoch_close(&f.c, NULL, mv, 6), 0);
}

Test(coherence_api, add_remove)
{
	uint32_t e;

	/* before: 6 vertices spread over 4 parts by count, 2 edges. */
	cr_assert_eq(rvx_coh_part_of(&f.c, 0), 0);
	cr_assert_eq(rvx_coh_part_of(&f.c, 3), 3);
	cr_assert_eq(rvx_coh_part_of(&f.c, 4), 0);
	cr_assert_eq(rvx_coh_part_of(&f.c, 5), 1);
	cr_assert_eq(rvx_coh_vertex_add(&f.c, 9, 3), 0);
	cr_assert_eq(rvx_coh_part_of(&f.c, 9), 3);
	cr_assert_eq(rvx_coh_edge_add(&f.c, 9, 0, &e), 0);
	cr_assert_eq(e, 2);
	cr_assert_eq(rvx_coh_edge_add(&f.c, 1, 9, &e), 0);
	cr_assert_eq(e, 3);
	cr_assert_eq(f.c.edge_count, 4);
	cr_assert_eq(rvx_coh_vertex_remove(&f.c, 9), 0);
	/* after: vertex 9 and both of its edges gone, slots reusable. */
	cr_assert_eq(f.c.edge_count, 2);
	cr_assert_eq(f.c.vertex_count, 6);
	cr_assert_eq(rvx_coh_edge_note(&f.c, 2, 1), -RVX_ENOENT);
	cr_assert_eq(rvx_coh_edge_add(&f.c, 4, 5, &e), 0);
	cr_assert_eq(e, 2);
	cr_assert_eq(rvx_coh_edge_remove(&f.c, 2), 0);
	cr_assert_eq(f.c.edge_count, 2);
}
