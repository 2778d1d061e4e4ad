/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to lib/coherence: the scratch workspace one call carves out of the
 * caller's scratch, and the placement routines (place.c) that work in it.
 */
#ifndef RUVIX_COHERENCE_INTERNAL_H
#define RUVIX_COHERENCE_INTERNAL_H

#include "ruvix/coherence.h"

#define NONE RVX_COH_NONE
#define ONE RVX_COH_Q16_ONE

/* Vertex flags in the workspace. */
#define F_LOCK 1u /* moved in this FM pass, or cannot move */
#define F_HOLD 2u /* moved within hold_epochs: hysteresis keeps it */
#define F_DONE 4u /* assigned during construction */

/* Constructions per rebuild (budget permitting): multilevel, label
 * propagation, then greedy growing from four different first seeds. */
#define COH_REBUILD_TRIES 6u
/* Most follow-up rebuilds in a row (each once the weights have settled). */
#define COH_FOLLOWUPS 2u
/* Most coarse levels of the multilevel construction. */
#define COH_ML_LEVELS 16u

/* A placement's quality: balanced first, then lower cut, then lighter. */
struct coh_eval {
	uint64_t cut;
	int64_t max_load;
	bool balanced;
};

/* Views into the scratch; valid during one call. */
struct coh_ws {
	struct rvx_coh *c;
	uint32_t n;        /* vertex slots */
	uint32_t k;        /* parts */
	uint32_t *off;     /* CSR: adjacency of v is [off[v], off[v+1]) */
	uint32_t *adj_v;   /* neighbour */
	uint32_t *pos;     /* CSR slots of edge e: pos[2e] in a's row, pos[2e+1] in b's */
	uint64_t *adj_w;   /* edge weight */
	int64_t *vw;       /* balance weight of v (0 for free slots) */
	int64_t *deg;      /* weighted degree of v */
	int64_t *conn;     /* conn[v*k+p]: weight from v to its neighbours on p */
	uint32_t *cur;     /* working placement */
	uint32_t *start;   /* placement in force when the call began */
	uint32_t *best;    /* best placement kept aside */
	uint32_t *bnext;   /* gain buckets: doubly linked lists */
	uint32_t *bprev;
	uint32_t *bkey;    /* bucket of v, or NONE */
	uint32_t *log_v;   /* FM move log: vertex */
	uint32_t *log_from; /* FM move log: part it left */
	uint32_t *live;    /* live vertices, ascending */
	uint32_t *aux;     /* per-call use */
	uint32_t *tgt;     /* FM: v's best uncapped target when last placed */
	uint8_t *flag;     /* F_* */
	uint32_t *heads;   /* bucket heads */
	/* Multilevel hierarchy (pools shared by the coarse levels). */
	uint32_t *ml_off;  /* CSR offsets, n_L + 1 per level */
	int64_t *ml_vw;    /* coarse vertex weights */
	int64_t *ml_deg;   /* coarse weighted degrees */
	uint32_t *ml_part; /* coarse placements (a marker while coarsening) */
	uint32_t *ml_cmap; /* fine vertex -> coarse vertex, per level */
	uint32_t *ml_adj_v;
	uint64_t *ml_adj_w;
	int64_t *sw;       /* Stoer-Wagner matrix, RVX_COH_SPLIT_MAX squared */
	int64_t *load;     /* per part: weight of its vertices */
	int64_t *load2;    /* per part: saved loads */
	uint32_t bmax;     /* no bucket above this is non-empty */
	uint32_t live_count;
	int64_t total;     /* total vertex weight */
	int64_t cap;       /* balance cap: what repairs and moves aim under */
	int64_t tol;       /* balance tolerance: cap + cap * balance_slack (>= cap) */
	uint64_t traffic;  /* total edge weight */
	int64_t min_pass_gain; /* FM stops after a pass that gains no more */
};

void rvx_coh_ws_carve_(struct rvx_coh *c, struct coh_ws *w);
void rvx_coh_build_graph_(struct coh_ws *w, bool decay);
void rvx_coh_conn_init_(struct coh_ws *w);
void rvx_coh_buckets_init_(struct coh_ws *w);
struct coh_eval rvx_coh_eval_(const struct coh_ws *w);
bool rvx_coh_better_(const struct coh_eval *a, const struct coh_eval *b);
bool rvx_coh_tick_(struct rvx_coh *c, uint64_t units);
void rvx_coh_repair_(struct coh_ws *w);
void rvx_coh_refine_(struct coh_ws *w);
bool rvx_coh_construct_(struct coh_ws *w, uint32_t attempt);
uint32_t rvx_coh_q16_ratio_(uint64_t num, uint64_t den);

/*
 * w' = w * d + min(open, EPOCH_MAX) * (1 - d), in Q16 units: a steady
 * count x settles at x * 2^16. With w < 2^47 every term stays below 2^63.
 */
static inline uint64_t rvx_coh_decay_(uint64_t w, uint64_t open, uint32_t d)
{
	if (open > RVX_COH_EPOCH_MAX)
		open = RVX_COH_EPOCH_MAX;
	return (w >> 16) * d + (((w & 0xFFFFu) * d) >> 16) + open * (ONE - d);
}

/*
 * An edge's weight: the decay, then, when the epoch's count x (in Q16
 * units, x * 2^16 < 2^47) lies above that, the share r of the difference
 * on top: w' = w_d + (x - w_d) * r. With r = 1 a rise is believed at once
 * and a fall still decays.
 */
static inline uint64_t rvx_coh_edge_decay_(uint64_t w, uint64_t open, uint32_t d, uint32_t r)
{
	uint64_t nw, x, diff;

	if (open > RVX_COH_EPOCH_MAX)
		open = RVX_COH_EPOCH_MAX;
	nw = rvx_coh_decay_(w, open, d);
	x = open << 16;
	/* Without a branch: whether traffic rose is data, not predictable. */
	diff = (x - nw) & (0u - (uint64_t)(x > nw));
	return nw + (diff >> 16) * r + (((diff & 0xFFFFu) * r) >> 16);
}

#endif /* RUVIX_COHERENCE_INTERNAL_H */
