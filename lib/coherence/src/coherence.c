/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The coherence engine's public calls: the graph (vertex and edge slots in
 * the caller's storage), the epoch close that decays the weights and runs
 * the placement of place.c within the budget, and the scores.
 *
 * Every call checks all of its input before its first store; the epoch
 * close then cannot fail (a budget overrun is reported, not an error).
 */
#include "coherence_internal.h"

void rvx_coh_config_default(struct rvx_coh_config *cfg, uint32_t parts)
{
	if (cfg == NULL)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->parts = parts;
	cfg->imbalance_q16 = 72090u; /* 1.10 */
	cfg->decay_q16 = ONE / 2u;
	cfg->hold_epochs = 4u;
	cfg->min_gain_q16 = ONE / 256u;
	cfg->rebuild_period = 64u;
	cfg->drift_q16 = ONE / 16u;
	cfg->rise_q16 = ONE;
	cfg->budget_ns = RVX_COH_DEFAULT_BUDGET_NS;
	cfg->rebuild_budget_ns = RVX_COH_DEFAULT_REBUILD_BUDGET_NS;
}

static bool ready(const struct rvx_coh *c)
{
	return c != NULL && c->initialised == 1u;
}

int rvx_coh_init(struct rvx_coh *c, const struct rvx_coh_config *cfg,
		 struct rvx_coh_vertex *vertices, uint32_t vertex_max,
		 struct rvx_coh_edge *edges, uint32_t edge_max, void *scratch,
		 size_t scratch_bytes)
{
	uint32_t i;

	/* Check. */
	if (c == NULL || cfg == NULL || vertices == NULL || scratch == NULL)
		return -RVX_EINVAL;
	if (edges == NULL && edge_max != 0)
		return -RVX_EINVAL;
	if (vertex_max == 0 || vertex_max > RVX_COH_MAX_VERTICES || edge_max > RVX_COH_MAX_EDGES)
		return -RVX_EINVAL;
	if (((uintptr_t)scratch & 7u) != 0)
		return -RVX_EINVAL;
	if (cfg->parts == 0 || cfg->parts > RVX_COH_MAX_PARTS ||
	    cfg->imbalance_q16 < ONE || cfg->imbalance_q16 > 4u * ONE ||
	    cfg->decay_q16 >= ONE || cfg->min_gain_q16 >= ONE || cfg->reserved != 0 ||
	    cfg->budget_ns == 0 || cfg->rebuild_budget_ns == 0 ||
	    cfg->load_decay_q16 >= ONE || cfg->balance_slack_q16 > ONE ||
	    cfg->rise_q16 > ONE || cfg->reserved3 != 0)
		return -RVX_EINVAL;
	if (scratch_bytes < RVX_COH_SCRATCH_BYTES(vertex_max, edge_max, cfg->parts))
		return -RVX_ENOMEM;

	/* Commit. */
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->vertices = vertices;
	c->edges = edges;
	c->scratch = scratch;
	c->scratch_bytes = scratch_bytes;
	c->vertex_max = vertex_max;
	c->edge_max = edge_max;
	for (i = 0; i < vertex_max; i++) {
		memset(&vertices[i], 0, sizeof(vertices[i]));
		vertices[i].part = NONE;
	}
	for (i = 0; i < edge_max; i++) {
		memset(&edges[i], 0, sizeof(edges[i]));
		edges[i].a = NONE;
		edges[i].b = NONE;
	}
	c->initialised = 1u;
	return 0;
}

int rvx_coh_vertex_add(struct rvx_coh *c, uint32_t v, uint32_t part)
{
	uint32_t count[RVX_COH_MAX_PARTS], i, p;

	/* Check. */
	if (!ready(c) || v >= c->vertex_max)
		return -RVX_EINVAL;
	if (part != NONE && part >= c->cfg.parts)
		return -RVX_EINVAL;
	if (c->vertices[v].part != NONE)
		return -RVX_EEXIST;

	/* Commit. */
	if (part == NONE) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < c->vertex_top; i++)
			if (c->vertices[i].part != NONE)
				count[c->vertices[i].part]++;
		part = 0;
		for (p = 1; p < c->cfg.parts; p++)
			if (count[p] < count[part])
				part = p;
	}
	memset(&c->vertices[v], 0, sizeof(c->vertices[v]));
	c->vertices[v].part = part;
	c->vertex_count++;
	c->adj_cached = 0;
	if (v >= c->vertex_top)
		c->vertex_top = v + 1;
	return 0;
}

int rvx_coh_vertex_remove(struct rvx_coh *c, uint32_t v)
{
	uint32_t e;

	/* Check. */
	if (!ready(c) || v >= c->vertex_max)
		return -RVX_EINVAL;
	if (c->vertices[v].part == NONE)
		return -RVX_ENOENT;

	/* Commit. */
	for (e = 0; e < c->edge_top; e++) {
		struct rvx_coh_edge *ed = &c->edges[e];

		if (ed->a != NONE && (ed->a == v || ed->b == v)) {
			memset(ed, 0, sizeof(*ed));
			ed->a = NONE;
			ed->b = NONE;
			c->edge_count--;
			if (e < c->edge_free)
				c->edge_free = e;
		}
	}
	memset(&c->vertices[v], 0, sizeof(c->vertices[v]));
	c->vertices[v].part = NONE;
	c->vertex_count--;
	c->adj_cached = 0;
	return 0;
}

int rvx_coh_vertex_note(struct rvx_coh *c, uint32_t v, uint64_t load)
{
	struct rvx_coh_vertex *vx;

	if (!ready(c) || v >= c->vertex_max)
		return -RVX_EINVAL;
	vx = &c->vertices[v];
	if (vx->part == NONE)
		return -RVX_ENOENT;
	vx->load_open = load > UINT64_MAX - vx->load_open ? UINT64_MAX : vx->load_open + load;
	return 0;
}

int rvx_coh_edge_add(struct rvx_coh *c, uint32_t a, uint32_t b, uint32_t *edge)
{
	uint32_t e;

	/* Check. */
	if (!ready(c) || edge == NULL || a >= c->vertex_max || b >= c->vertex_max || a == b)
		return -RVX_EINVAL;
	if (c->vertices[a].part == NONE || c->vertices[b].part == NONE)
		return -RVX_ENOENT;
	for (e = c->edge_free; e < c->edge_top; e++)
		if (c->edges[e].a == NONE)
			break;
	if (e == c->edge_max)
		return -RVX_ELIMIT;

	/* Commit. */
	memset(&c->edges[e], 0, sizeof(c->edges[e]));
	c->edges[e].a = a;
	c->edges[e].b = b;
	c->edge_count++;
	c->edge_free = e + 1;
	c->adj_cached = 0;
	if (e >= c->edge_top)
		c->edge_top = e + 1;
	*edge = e;
	return 0;
}

int rvx_coh_edge_remove(struct rvx_coh *c, uint32_t e)
{
	if (!ready(c) || e >= c->edge_max)
		return -RVX_EINVAL;
	if (c->edges[e].a == NONE)
		return -RVX_ENOENT;
	memset(&c->edges[e], 0, sizeof(c->edges[e]));
	c->edges[e].a = NONE;
	c->edges[e].b = NONE;
	c->edge_count--;
	if (e < c->edge_free)
		c->edge_free = e;
	c->adj_cached = 0;
	return 0;
}

int rvx_coh_edge_note(struct rvx_coh *c, uint32_t e, uint64_t bytes)
{
	struct rvx_coh_edge *ed;

	if (!ready(c) || e >= c->edge_max)
		return -RVX_EINVAL;
	ed = &c->edges[e];
	if (ed->a == NONE)
		return -RVX_ENOENT;
	ed->open = bytes > UINT64_MAX - ed->open ? UINT64_MAX : ed->open + bytes;
	return 0;
}

int rvx_coh_part_of(const struct rvx_coh *c, uint32_t v)
{
	if (!ready(c) || v >= c->vertex_max)
		return -RVX_EINVAL;
	if (c->vertices[v].part == NONE)
		return -RVX_ENOENT;
	return (int)c->vertices[v].part;
}

static uint64_t q16_mul(uint64_t x, uint32_t q)
{
	return (x >> 16) * q + (((x & 0xFFFFu) * q) >> 16);
}

/* @a beats @b: balanced first; among balanced ones by a cut lower by more
 * than @thresh (min_gain); among unbalanced ones as rvx_coh_better_(). */
static bool clearly_better(const struct coh_eval *a, const struct coh_eval *b, uint64_t thresh)
{
	if (a->balanced != b->balanced)
		return a->balanced;
	if (!a->balanced)
		return rvx_coh_better_(a, b);
	return b->cut > a->cut && b->cut - a->cut > thresh;
}

/* Epochs after which the weights before them count for at most 1/16:
 * the smallest t >= 1 with d^t <= 1/16 (at most 64). */
static uint32_t settle_epochs(uint32_t d)
{
	uint64_t x = (uint64_t)d;
	uint32_t t = 1;

	while (x > ONE / 16u && t < 64u) {
		x = (x * d) >> 16;
		t++;
	}
	return t;
}

/*
 * Renumber the parts of placement @pl so that it keeps as many vertices as
 * possible where the placement in force (start) has them: the pair (new
 * part, old part) sharing the most vertices is matched first (ties: lower
 * numbers), then the next among the unmatched, k times. Cut and balance
 * are unchanged (parts are only renamed); a rebuild found from scratch then
 * moves only the vertices it must. Needs k * k values of conn (n >= k);
 * skipped otherwise. Charged k units of work.
 */
static void relabel(struct coh_ws *w, uint32_t *pl)
{
	uint32_t k = w->k, i, a, b, r, v;
	uint64_t used_new = 0, used_old = 0;
	int64_t *ov = w->conn, *map = w->load2;

	if (w->n < k || k < 2)
		return;
	memset(ov, 0, 8u * (size_t)k * k);
	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		ov[(size_t)pl[v] * k + w->start[v]]++;
	}
	for (r = 0; r < k; r++) {
		uint32_t ba = NONE, bb = NONE;

		for (a = 0; a < k; a++) {
			if (used_new & (UINT64_C(1) << a))
				continue;
			for (b = 0; b < k; b++) {
				if (used_old & (UINT64_C(1) << b))
					continue;
				if (ba == NONE || ov[(size_t)a * k + b] > ov[(size_t)ba * k + bb]) {
					ba = a;
					bb = b;
				}
			}
		}
		map[ba] = bb;
		used_new |= UINT64_C(1) << ba;
		used_old |= UINT64_C(1) << bb;
	}
	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		pl[v] = (uint32_t)map[pl[v]];
	}
	(void)rvx_coh_tick_(w->c, k);
}

/*
 * Place the vertices on the current weights within @budget: rebuild from
 * scratch first when @rebuild, then refine warm; adopt under hysteresis and
 * list the moves. Cannot fail.
 */
static void place(struct rvx_coh *c, bool rebuild, uint64_t budget, struct rvx_coh_result *res,
		  struct rvx_coh_move *moves, uint32_t moves_cap)
{
	struct coh_ws w;
	struct coh_eval ev_start, ev;
	struct rvx_coh_result r;
	uint32_t i, v;
	bool adopt, rebuilt = false, rebuilt_won = false;
	uint64_t thresh;

	memset(&r, 0, sizeof(r));
	rvx_coh_ws_carve_(c, &w);
	/* The epoch close decays the weights while it builds the graph. */
	rvx_coh_build_graph_(&w, !rebuild);
	for (i = 0; i < w.live_count; i++) {
		const struct rvx_coh_vertex *vx;

		v = w.live[i];
		vx = &c->vertices[v];
		/* The hold damps the hot path; a rebuild (rare, on drift or
		 * period, and adopted only for a clear gain) may move any vertex. */
		if (!rebuild && c->cfg.hold_epochs != 0 && vx->moved_epoch != 0 &&
		    c->epoch - vx->moved_epoch < c->cfg.hold_epochs)
			w.flag[v] = F_HOLD;
	}
	rvx_coh_buckets_init_(&w);
	thresh = q16_mul(w.traffic, c->cfg.min_gain_q16);
	w.min_pass_gain = (int64_t)thresh;
	ev_start = rvx_coh_eval_(&w);
	ev = ev_start;
	c->budget = budget;
	/* The setup (decay, CSR, conn) cannot stop halfway: read the clock
	 * after it, so that what it took counts against the budget before
	 * any search starts (a stop here is at work 1, which a replay with
	 * work_limit 1 reproduces). */
	if (!rvx_coh_tick_(c, 1) && c->cfg.clock != NULL &&
	    c->cfg.clock(c->cfg.clock_ctx) - c->t0 >= budget - budget / 4u)
		c->over = 1;

	if (w.live_count > 0 && rebuild) {
		/* From scratch, each attempt kept only if better. */
		struct coh_eval ev_new;
		uint32_t t;

		/* best: the start refined, the placement to beat by more than
		 * min_gain (a construction that only ties it would move many
		 * vertices for nothing); aux: the best construction. */
		rvx_coh_refine_(&w);
		ev = rvx_coh_eval_(&w);
		memcpy(w.best, w.cur, 4u * (size_t)w.n);
		/* A rebuild (rare) also counts a gain of 1/8 of that cut as
		 * clear, but never one below 1/16 of min_gain. */
		if (ev.cut / 8u < thresh)
			thresh = ev.cut / 8u > thresh / 16u ? ev.cut / 8u : thresh / 16u;
		for (t = 0; t < COH_REBUILD_TRIES && !c->over; t++) {
			if (!rvx_coh_construct_(&w, t))
				break;
			rebuilt = true;
			ev_new = rvx_coh_eval_(&w);
			if (clearly_better(&ev_new, &ev, thresh)) {
				ev = ev_new;
				rebuilt_won = true;
				memcpy(w.aux, w.cur, 4u * (size_t)w.n);
			}
		}
		if (rebuilt_won)
			relabel(&w, w.aux);
		memcpy(w.cur, rebuilt_won ? w.aux : w.best, 4u * (size_t)w.n);
		rvx_coh_conn_init_(&w);
	}
	if (w.live_count > 0) {
		/* Warm start: refine the placement in force (or the rebuilt one). */
		rvx_coh_refine_(&w);
		ev = rvx_coh_eval_(&w);
	}

	/* Hysteresis: adopt only a clear gain, or a better balance. */
	if (!ev_start.balanced)
		adopt = ev.balanced || ev.max_load < ev_start.max_load;
	else
		adopt = ev.balanced && ev_start.cut > ev.cut && ev_start.cut - ev.cut > thresh;
	if (adopt) {
		for (i = 0; i < w.live_count; i++) {
			v = w.live[i];
			if (w.cur[v] == w.start[v])
				continue;
			c->vertices[v].part = w.cur[v];
			c->vertices[v].moved_epoch = c->epoch;
			if (moves_cap != 0) {
				moves[r.moved].vertex = v;
				moves[r.moved].from = w.start[v];
				moves[r.moved].to = w.cur[v];
				moves[r.moved].reserved = 0;
			}
			r.moved++;
		}
		if (r.moved != 0)
			r.flags |= RVX_COH_RES_ADOPTED;
		if (rebuilt_won && r.moved != 0)
			r.flags |= RVX_COH_RES_REBUILD_ADOPTED;
	} else {
		ev = ev_start;
	}
	if (rebuilt) {
		r.flags |= RVX_COH_RES_REBUILT;
		c->built_epoch = c->epoch;
		c->built_frac_q16 = rvx_coh_q16_ratio_(ev.cut, w.traffic);
		/* A rebuild saw a graph still blending the past in (with a
		 * decay): once the past has decayed to 1/16, another follows;
		 * a follow-up that adopts nothing, or the second one, ends the
		 * chain. */
		c->chain = c->followup != 0 ? c->chain + 1u : 0;
		if ((c->followup == 0 || (r.moved != 0 && c->chain < COH_FOLLOWUPS)) &&
		    c->cfg.decay_q16 != 0 && (c->cfg.rebuild_period != 0 || c->cfg.drift_q16 != 0))
			c->settle = settle_epochs(c->cfg.decay_q16);
		c->followup = 0;
	} else if (w.live_count > 0 &&
		   (c->followup != 0 ||
		    (c->built_epoch == 0 && (c->cfg.rebuild_period != 0 || c->cfg.drift_q16 != 0)) ||
		    (c->cfg.rebuild_period != 0 && c->epoch - c->built_epoch >= c->cfg.rebuild_period) ||
		    (c->cfg.drift_q16 != 0 &&
		     rvx_coh_q16_ratio_(ev.cut, w.traffic) > (uint64_t)c->built_frac_q16 + c->cfg.drift_q16))) {
		r.flags |= RVX_COH_RES_REBUILD_DUE;
	}
	if (!ev.balanced)
		r.flags |= RVX_COH_RES_UNBALANCED;
	if (c->over)
		r.flags |= RVX_COH_RES_BUDGET_EXCEEDED;
	r.epoch = c->epoch;
	r.traffic = w.traffic;
	r.cut_before = ev_start.cut;
	r.cut = ev.cut;
	r.max_load = (uint64_t)ev.max_load;
	r.cap = (uint64_t)w.cap;
	r.work = c->work;
	if (c->cfg.clock != NULL)
		r.elapsed = c->cfg.clock(c->cfg.clock_ctx) - c->t0;
	if (res != NULL)
		*res = r;
}

static int check_moves(const struct rvx_coh *c, const struct rvx_coh_move *moves, uint32_t moves_cap)
{
	if (!ready(c) || (moves == NULL && moves_cap != 0))
		return -RVX_EINVAL;
	if (moves_cap != 0 && moves_cap < c->vertex_count)
		return -RVX_EBUFSMALL;
	return 0;
}

static void begin(struct rvx_coh *c)
{
	c->work = 0;
	c->over = 0;
	c->t0 = c->cfg.clock != NULL ? c->cfg.clock(c->cfg.clock_ctx) : 0;
}

int rvx_coh_epoch_close(struct rvx_coh *c, struct rvx_coh_result *res,
			struct rvx_coh_move *moves, uint32_t moves_cap)
{
	int rc;

	/* Check. */
	rc = check_moves(c, moves, moves_cap);
	if (rc != 0)
		return rc;

	/* Commit. */
	c->epoch++;
	if (c->settle != 0 && --c->settle == 0)
		c->followup = 1u;
	begin(c);
	place(c, false, c->cfg.budget_ns, res, moves, moves_cap);
	return 0;
}

int rvx_coh_rebuild(struct rvx_coh *c, struct rvx_coh_result *res,
		    struct rvx_coh_move *moves, uint32_t moves_cap)
{
	int rc;

	/* Check. */
	rc = check_moves(c, moves, moves_cap);
	if (rc != 0)
		return rc;

	/* Commit. */
	begin(c);
	place(c, true, c->cfg.rebuild_budget_ns, res, moves, moves_cap);
	return 0;
}

int rvx_coh_epoch_step(struct rvx_coh *c, struct rvx_coh_step *out)
{
	struct rvx_coh_result rb;
	int rc;

	if (out == NULL)
		return -RVX_EINVAL;
	rc = rvx_coh_epoch_close(c, &out->result, NULL, 0);
	if (rc != 0)
		return rc;
	out->rebuilt = 0;
	out->overruns = (out->result.flags & RVX_COH_RES_BUDGET_EXCEEDED) != 0;
	if (out->result.flags & RVX_COH_RES_REBUILD_DUE) {
		RVX_CHECK(rvx_coh_rebuild(c, &rb, NULL, 0) == 0);
		out->rebuilt = 1;
		out->overruns += (rb.flags & RVX_COH_RES_BUDGET_EXCEEDED) != 0;
		/* One decision: the rebuild's placement, both phases' costs. */
		out->result.cut = rb.cut;
		out->result.max_load = rb.max_load;
		out->result.work += rb.work;
		out->result.elapsed += rb.elapsed;
		out->result.moved += rb.moved;
		out->result.flags |= rb.flags;
	}
	return 0;
}

int rvx_coh_scores(struct rvx_coh *c, struct rvx_coh_score *out, uint32_t count)
{
	struct coh_ws w;
	uint64_t vol_all = 0, max_ext = 0;
	int64_t *in, *ext, *cut, *vol;
	uint32_t i, p;

	/* Check. */
	if (!ready(c) || out == NULL)
		return -RVX_EINVAL;
	if (count < c->vertex_max)
		return -RVX_EBUFSMALL;

	/* Compute (only the scratch and @out are written). */
	rvx_coh_ws_carve_(c, &w);
	in = w.vw;
	ext = w.deg;
	cut = w.load;
	vol = w.load2;
	memset(in, 0, 8u * (size_t)w.n);
	memset(ext, 0, 8u * (size_t)w.n);
	memset(cut, 0, 8u * (size_t)w.k);
	memset(vol, 0, 8u * (size_t)w.k);
	for (i = 0; i < c->edge_top; i++) {
		const struct rvx_coh_edge *ed = &c->edges[i];
		uint32_t pa, pb;
		int64_t wt = (int64_t)ed->weight;

		if (ed->a == NONE)
			continue;
		pa = c->vertices[ed->a].part;
		pb = c->vertices[ed->b].part;
		vol[pa] += wt;
		vol[pb] += wt;
		if (pa == pb) {
			in[ed->a] += wt;
			in[ed->b] += wt;
		} else {
			ext[ed->a] += wt;
			ext[ed->b] += wt;
			cut[pa] += wt;
			cut[pb] += wt;
		}
	}
	for (p = 0; p < w.k; p++)
		vol_all += (uint64_t)vol[p];
	for (i = 0; i < w.n; i++)
		if ((uint64_t)ext[i] > max_ext)
			max_ext = (uint64_t)ext[i];
	for (i = 0; i < c->vertex_max; i++) {
		struct rvx_coh_score *s = &out[i];
		uint32_t part = c->vertices[i].part;
		uint64_t rest, small;

		memset(s, 0, sizeof(*s));
		s->part = part;
		if (i >= w.n || part == NONE)
			continue;
		s->coherence = in[i] + ext[i] == 0 ? ONE
			: rvx_coh_q16_ratio_((uint64_t)in[i], (uint64_t)(in[i] + ext[i]));
		s->pressure = rvx_coh_q16_ratio_((uint64_t)ext[i], max_ext);
		rest = vol_all - (uint64_t)vol[part];
		small = (uint64_t)vol[part] < rest ? (uint64_t)vol[part] : rest;
		s->risk = rvx_coh_q16_ratio_((uint64_t)cut[part], small);
	}
	return 0;
}
