/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Balanced k-way placement in the caller's scratch.
 *
 * The graph is rebuilt as CSR at each epoch close. conn[v][p] holds the
 * weight from v to its neighbours on part p, so the gain of moving v from a
 * to b is conn[v][b] - conn[v][a] and a move updates only its neighbours'
 * rows. Moves are taken from a gain table of bucket lists: the gain is
 * mapped monotonically onto 1025 buckets (sign, power of two and three
 * further bits), so a bucket holds gains within 1/8 of each other; the
 * exact gain is recomputed when a vertex leaves its bucket.
 *
 * Everything is integer arithmetic over arrays walked in index order, so a
 * run is a function of the inputs and of the points where the budget
 * stopped it.
 */
#include "coherence_internal.h"

#define MID (RVX_COH_GAIN_BUCKETS / 2u)
/* FM gives up a pass after this many moves without a new best prefix. */
#define STALL_MIN 16u
/* Most FM passes per refinement. */
#define PASS_MAX 8u

static size_t align8(size_t x)
{
	return (x + 7u) & ~(size_t)7u;
}

void rvx_coh_ws_carve_(struct rvx_coh *c, struct coh_ws *w)
{
	/* Laid out for every slot; loops stop at vertex_top. */
	size_t n = c->vertex_max, m = c->edge_max, k = c->cfg.parts;
	uint8_t *p = c->scratch;

	memset(w, 0, sizeof(*w));
	w->c = c;
	w->n = c->vertex_top;
	w->k = c->cfg.parts;
	w->off = (uint32_t *)(void *)p;
	p += align8(4u * (n + 1u));
	w->adj_v = (uint32_t *)(void *)p;
	p += align8(4u * 2u * m);
	w->pos = (uint32_t *)(void *)p;
	p += align8(4u * 2u * m);
	w->adj_w = (uint64_t *)(void *)p;
	p += 8u * 2u * m;
	w->vw = (int64_t *)(void *)p;
	p += 8u * n;
	w->deg = (int64_t *)(void *)p;
	p += 8u * n;
	w->conn = (int64_t *)(void *)p;
	p += 8u * n * k;
	w->cur = (uint32_t *)(void *)p;
	w->start = w->cur + n;
	w->best = w->start + n;
	w->bnext = w->best + n;
	w->bprev = w->bnext + n;
	w->bkey = w->bprev + n;
	w->log_v = w->bkey + n;
	w->log_from = w->log_v + n;
	w->live = w->log_from + n;
	w->aux = w->live + n;
	w->tgt = w->aux + n;
	p += align8(4u * 11u * n);
	w->flag = p;
	p += align8(n);
	w->heads = (uint32_t *)(void *)p;
	p += align8(4u * RVX_COH_GAIN_BUCKETS);
	w->load = (int64_t *)(void *)p;
	w->load2 = w->load + k;
	p += 8u * 2u * k;
	w->ml_off = (uint32_t *)(void *)p;
	p += align8(4u * (2u * n + 24u));
	w->ml_vw = (int64_t *)(void *)p;
	p += 8u * 2u * n;
	w->ml_deg = (int64_t *)(void *)p;
	p += 8u * 2u * n;
	w->ml_part = (uint32_t *)(void *)p;
	w->ml_cmap = w->ml_part + 2u * n;
	p += align8(4u * 5u * n);
	w->ml_adj_v = (uint32_t *)(void *)p;
	p += align8(4u * 4u * m);
	w->ml_adj_w = (uint64_t *)(void *)p;
	p += 8u * 4u * m;
	w->sw = (int64_t *)(void *)p;
}

uint32_t rvx_coh_q16_ratio_(uint64_t num, uint64_t den)
{
	uint64_t r;

	if (den == 0)
		return 0;
	while (num > (UINT64_MAX >> 17)) {
		num >>= 1;
		den >>= 1;
	}
	if (den == 0)
		return ONE;
	r = (num << 16) / den;
	return r > ONE ? ONE : (uint32_t)r;
}

/*
 * CSR of the live edges (adjacency in edge-slot order), vertex weights,
 * degrees, the live list, the balance cap, and cur, start, conn and loads
 * for the placement in force. With @decay (the epoch close), each load and
 * weight is first decayed with the epoch's count, in the same pass.
 *
 * The adjacency's shape (off, adj_v, and each edge's two slots in pos)
 * depends only on the edge set, so it stays in the scratch between calls
 * while no vertex or edge is added or removed (c->adj_cached); then one
 * pass over the edges refreshes the weights, degrees and conn. Otherwise a
 * counting pass and a filling pass build it (the same layout).
 */
void rvx_coh_build_graph_(struct coh_ws *w, bool decay)
{
	struct rvx_coh *c = w->c;
	uint32_t n = w->n, k = w->k, v, e, i;
	uint32_t d = c->cfg.decay_q16;
	uint32_t ld = c->cfg.load_decay_q16 != 0 ? c->cfg.load_decay_q16 : d;
	bool cached = c->adj_cached == 1u;
	int64_t vmax = 0, avg, a, b;
	uint64_t t;

	/* Vertices: weights, the live list, the placement in force (cur and
	 * start), and cleared degree, conn rows and loads. */
	if (!cached)
		memset(w->off, 0, 4u * ((size_t)n + 1u));
	memset(w->load, 0, 8u * k);
	w->live_count = 0;
	w->total = 0;
	for (v = 0; v < n; v++) {
		struct rvx_coh_vertex *vx = &c->vertices[v];

		w->flag[v] = 0;
		w->deg[v] = 0;
		w->cur[v] = vx->part;
		w->start[v] = vx->part;
		if (vx->part == NONE) {
			w->vw[v] = 0;
			continue;
		}
		if (decay) {
			vx->load = rvx_coh_decay_(vx->load, vx->load_open, ld);
			vx->load_open = 0;
		}
		w->live[w->live_count++] = v;
		w->vw[v] = vx->load > 0 ? (int64_t)vx->load : 1;
		w->total += w->vw[v];
		w->load[vx->part] += w->vw[v];
		if (w->vw[v] > vmax)
			vmax = w->vw[v];
		memset(&w->conn[(size_t)v * k], 0, 8u * k);
	}
	/* Edges: decay, degrees, conn, and the CSR weights (or counts). The
	 * arrays are read into locals: the stores to the edges could alias
	 * the workspace's fields otherwise. */
	{
		struct rvx_coh_edge *edges = c->edges;
		uint32_t top = c->edge_top, rise = c->cfg.rise_q16;
		uint32_t *off = w->off, *cur = w->cur;
		const uint32_t *pos = w->pos;
		uint64_t *adj_w = w->adj_w, traffic = 0;
		int64_t *deg = w->deg, *conn = w->conn;

		for (e = 0; e < top; e++) {
			struct rvx_coh_edge *ed = &edges[e];
			uint32_t ea = ed->a, eb = ed->b;
			uint64_t wu;
			int64_t wt;

			if (ea == NONE)
				continue;
			wu = ed->weight;
			if (decay) {
				wu = rvx_coh_edge_decay_(wu, ed->open, d, rise);
				ed->weight = wu;
				ed->open = 0;
			}
			wt = (int64_t)wu;
			if (cached) {
				adj_w[pos[2u * e]] = wu;
				adj_w[pos[2u * e + 1u]] = wu;
			} else {
				off[ea + 1]++;
				off[eb + 1]++;
			}
			deg[ea] += wt;
			deg[eb] += wt;
			conn[(size_t)ea * k + cur[eb]] += wt;
			conn[(size_t)eb * k + cur[ea]] += wt;
			traffic += wu;
		}
		w->traffic = traffic;
	}
	if (!cached) {
		for (v = 0; v < n; v++) {
			w->off[v + 1] += w->off[v];
			w->aux[v] = w->off[v];
		}
		for (e = 0; e < c->edge_top; e++) {
			const struct rvx_coh_edge *ed = &c->edges[e];

			if (ed->a == NONE)
				continue;
			i = w->aux[ed->a]++;
			w->pos[2u * e] = i;
			w->adj_v[i] = ed->b;
			w->adj_w[i] = ed->weight;
			i = w->aux[ed->b]++;
			w->pos[2u * e + 1u] = i;
			w->adj_v[i] = ed->a;
			w->adj_w[i] = ed->weight;
		}
		c->adj_cached = 1u;
	}
	/* cap = max(ceil(W * imb / k), ceil(W / k) + vmax); W < 2^62 and
	 * imb <= 4.0, so split W to keep the product below 2^64. */
	avg = (w->total + (int64_t)w->k - 1) / (int64_t)w->k;
	t = (uint64_t)w->total;
	t = (t >> 16) * c->cfg.imbalance_q16 +
	    (((t & 0xFFFFu) * c->cfg.imbalance_q16 + 0xFFFFu) >> 16);
	t = (t + w->k - 1u) / w->k;
	a = t > (uint64_t)(INT64_MAX / 2) ? INT64_MAX / 2 : (int64_t)t;
	b = avg + vmax;
	w->cap = a > b ? a : b;
	/* cap < 2^62 and slack <= 1.0: the tolerance stays below 2^63. */
	t = (uint64_t)w->cap;
	w->tol = w->cap + (int64_t)((t >> 16) * c->cfg.balance_slack_q16 +
				    (((t & 0xFFFFu) * c->cfg.balance_slack_q16) >> 16));
}

/* conn and loads for the placement in cur. */
void rvx_coh_conn_init_(struct coh_ws *w)
{
	uint32_t k = w->k, i, j, v;

	memset(w->load, 0, 8u * k);
	for (i = 0; i < w->live_count; i++) {
		int64_t *row;

		v = w->live[i];
		row = &w->conn[(size_t)v * k];
		memset(row, 0, 8u * k);
		for (j = w->off[v]; j < w->off[v + 1]; j++)
			row[w->cur[w->adj_v[j]]] += (int64_t)w->adj_w[j];
		w->load[w->cur[v]] += w->vw[v];
	}
}

struct coh_eval rvx_coh_eval_(const struct coh_ws *w)
{
	struct coh_eval ev;
	uint64_t twice = 0;
	uint32_t i, p, v;

	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		twice += (uint64_t)(w->deg[v] - w->conn[(size_t)v * w->k + w->cur[v]]);
	}
	ev.cut = twice / 2u;
	ev.max_load = 0;
	for (p = 0; p < w->k; p++)
		if (w->load[p] > ev.max_load)
			ev.max_load = w->load[p];
	ev.balanced = ev.max_load <= w->tol;
	return ev;
}

bool rvx_coh_better_(const struct coh_eval *a, const struct coh_eval *b)
{
	if (a->balanced != b->balanced)
		return a->balanced;
	if (a->cut != b->cut)
		return a->cut < b->cut;
	return a->max_load < b->max_load;
}

/*
 * Spend @units (>= 1) of work and say whether the budget has run out. The
 * clock is read whenever the work crosses a multiple of 8, so the points
 * where a run can stop depend on the work count only: a replay with
 * work_limit = the recorded work stops at the same point. The search stops
 * at 3/4 of the budget, leaving the rest for what must follow (rolling
 * back to the best prefix, adopting, listing the moves: about 3 us at 256
 * vertices) and for the clock read that stops it coming up to 8 units
 * late, so that a close stopped by its budget still ends within it.
 */
bool rvx_coh_tick_(struct rvx_coh *c, uint64_t units)
{
	uint64_t before = c->work;

	if (c->over)
		return true;
	c->work += units;
	if (c->cfg.work_limit != 0 && c->work >= c->cfg.work_limit) {
		c->over = 1;
		return true;
	}
	if (c->cfg.clock != NULL && (before >> 3) != (c->work >> 3) &&
	    c->cfg.clock(c->cfg.clock_ctx) - c->t0 >= c->budget - c->budget / 4u) {
		c->over = 1;
		return true;
	}
	return false;
}

/* ---- gain buckets ---- */

static uint32_t gain_key(int64_t g)
{
	uint64_t m;
	uint32_t pos, sub;

	if (g == 0)
		return MID;
	m = g > 0 ? (uint64_t)g : (uint64_t)(-(g + 1)) + 1u;
	pos = 63u - (uint32_t)__builtin_clzll(m);
	sub = pos >= 3u ? (uint32_t)(m >> (pos - 3u)) & 7u : (uint32_t)(m << (3u - pos)) & 7u;
	return g > 0 ? MID + pos * 8u + sub + 1u : MID - (pos * 8u + sub + 1u);
}

/* Empty every bucket: O(live vertices), as the heads are all NONE once
 * their vertices are gone (rvx_coh_buckets_init_() sets them once per call). */
static void b_clear(struct coh_ws *w)
{
	uint32_t i, v;

	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		if (w->bkey[v] != NONE)
			w->heads[w->bkey[v]] = NONE;
		w->bkey[v] = NONE;
	}
	w->bmax = 0;
}

void rvx_coh_buckets_init_(struct coh_ws *w)
{
	uint32_t i;

	for (i = 0; i < RVX_COH_GAIN_BUCKETS; i++)
		w->heads[i] = NONE;
	for (i = 0; i < w->live_count; i++) {
		w->bkey[w->live[i]] = NONE;
		w->tgt[w->live[i]] = NONE;
	}
	w->bmax = 0;
}

static void b_insert(struct coh_ws *w, uint32_t v, uint32_t key)
{
	uint32_t h = w->heads[key];

	w->bkey[v] = key;
	w->bprev[v] = NONE;
	w->bnext[v] = h;
	if (h != NONE)
		w->bprev[h] = v;
	w->heads[key] = v;
	if (key > w->bmax)
		w->bmax = key;
}

static void b_remove(struct coh_ws *w, uint32_t v)
{
	uint32_t key = w->bkey[v];

	if (key == NONE)
		return;
	if (w->bprev[v] != NONE)
		w->bnext[w->bprev[v]] = w->bnext[v];
	else
		w->heads[key] = w->bnext[v];
	if (w->bnext[v] != NONE)
		w->bprev[w->bnext[v]] = w->bprev[v];
	w->bkey[v] = NONE;
}

static uint32_t b_top(struct coh_ws *w)
{
	for (;;) {
		if (w->heads[w->bmax] != NONE)
			return w->heads[w->bmax];
		if (w->bmax == 0)
			return NONE;
		w->bmax--;
	}
}

/*
 * The best part for v other than its own: the most connected, then the
 * lightest, then the lowest numbered. With @capped, only parts it fits on.
 */
static uint32_t best_target(const struct coh_ws *w, uint32_t v, bool capped, int64_t *gain)
{
	const int64_t *row = &w->conn[(size_t)v * w->k];
	uint32_t a = w->cur[v], b, best = NONE;
	int64_t bc = 0;

	for (b = 0; b < w->k; b++) {
		if (b == a)
			continue;
		if (capped && w->load[b] + w->vw[v] > w->cap)
			continue;
		if (best == NONE || row[b] > bc || (row[b] == bc && w->load[b] < w->load[best])) {
			best = b;
			bc = row[b];
		}
	}
	*gain = best == NONE ? 0 : bc - row[a];
	return best;
}

/* Put v in the bucket of its best uncapped move if it is on the boundary. */
static void b_place(struct coh_ws *w, uint32_t v)
{
	int64_t g;
	uint32_t b = best_target(w, v, false, &g);

	w->tgt[v] = b;
	b_remove(w, v);
	if (b != NONE && w->conn[(size_t)v * w->k + b] > 0)
		b_insert(w, v, gain_key(g));
}

/*
 * A neighbour u of a vertex that moved from @from to @to: only those two
 * entries of its row changed, so its best target changes only if it was
 * @from (rescan) or @to overtook it. Ties between targets do not matter
 * here: the key depends on the gain only, and the move itself is chosen
 * exactly when u leaves its bucket.
 */
static void b_update(struct coh_ws *w, uint32_t u, uint32_t from, uint32_t to)
{
	const int64_t *row = &w->conn[(size_t)u * w->k];
	uint32_t a = w->cur[u], t = w->tgt[u], key;

	if (t == NONE || t == from || t == a) {
		b_place(w, u);
		return;
	}
	if (to != a && row[to] > row[t])
		t = to;
	w->tgt[u] = t;
	if (row[t] <= 0) {
		b_remove(w, u);
		return;
	}
	key = gain_key(row[t] - row[a]);
	if (key != w->bkey[u]) {
		b_remove(w, u);
		b_insert(w, u, key);
	}
}

static void move_vertex(struct coh_ws *w, uint32_t v, uint32_t to, bool buckets)
{
	uint32_t k = w->k, from = w->cur[v], j, u;

	w->cur[v] = to;
	w->load[from] -= w->vw[v];
	w->load[to] += w->vw[v];
	for (j = w->off[v]; j < w->off[v + 1]; j++) {
		u = w->adj_v[j];
		w->conn[(size_t)u * k + from] -= (int64_t)w->adj_w[j];
		w->conn[(size_t)u * k + to] += (int64_t)w->adj_w[j];
		if (buckets && !(w->flag[u] & (F_LOCK | F_HOLD)))
			b_update(w, u, from, to);
	}
}

static int64_t max_load(const struct coh_ws *w)
{
	int64_t m = 0;
	uint32_t p;

	for (p = 0; p < w->k; p++)
		if (w->load[p] > m)
			m = w->load[p];
	return m;
}

/*
 * When a part is above the tolerance, move vertices off parts above the
 * cap: from the heaviest part, the move with the best gain onto a part it
 * fits on, free vertices before held ones (held ones never with a balance
 * slack: the hold is respected); when nothing fits, the move onto the
 * lightest part that lowers the larger of the two loads the most. Stops
 * when under the cap, stuck, or out of budget.
 */
void rvx_coh_repair_(struct coh_ws *w)
{
	uint32_t k = w->k, iter, i, p, a, v, round;
	uint32_t rounds = w->c->cfg.balance_slack_q16 != 0 ? 1u : 2u;
	uint8_t skip = w->c->cfg.balance_slack_q16 != 0 ? F_HOLD : 0u;

	if (max_load(w) <= w->tol)
		return;

	for (iter = 0; iter < w->live_count; iter++) {
		uint32_t bv = NONE, bb = NONE, light = 0;
		int64_t bg = 0, bpeak = 0;

		a = 0;
		for (p = 1; p < k; p++) {
			if (w->load[p] > w->load[a])
				a = p;
			if (w->load[p] < w->load[light])
				light = p;
		}
		if (w->load[a] <= w->cap)
			return;
		for (round = 0; round < rounds && bv == NONE; round++) {
			for (i = 0; i < w->live_count; i++) {
				uint32_t b;
				int64_t g;

				v = w->live[i];
				if (w->cur[v] != a || (round == 0 && (w->flag[v] & F_HOLD)))
					continue;
				b = best_target(w, v, true, &g);
				if (b != NONE && (bv == NONE || g > bg)) {
					bv = v;
					bb = b;
					bg = g;
				}
			}
		}
		if (bv == NONE && light != a) {
			for (i = 0; i < w->live_count; i++) {
				int64_t peak, g;

				v = w->live[i];
				if (w->cur[v] != a || (w->flag[v] & skip))
					continue;
				peak = w->load[light] + w->vw[v];
				if (w->load[a] - w->vw[v] > peak)
					peak = w->load[a] - w->vw[v];
				if (peak >= w->load[a])
					continue;
				g = w->conn[(size_t)v * k + light] - w->conn[(size_t)v * k + a];
				if (bv == NONE || peak < bpeak || (peak == bpeak && g > bg)) {
					bv = v;
					bpeak = peak;
					bg = g;
				}
			}
			bb = light;
		}
		if (bv == NONE)
			return;
		move_vertex(w, bv, bb, false);
		/* Each step scans the heaviest part: charge it, so that the
		 * clock is read at every step of a large graph. */
		if (rvx_coh_tick_(w->c, 1u + w->live_count / 32u))
			return;
	}
}

/* One FM pass from cur; leaves cur at the best prefix. Returns true if
 * another pass is worth running. */
static bool fm_pass(struct coh_ws *w)
{
	uint32_t i, v, moves = 0, best_moves = 0, stall;
	int64_t cum = 0, best_cum = 0, start_ml = max_load(w), best_ml = start_ml, ml;

	stall = STALL_MIN + w->live_count / 32u;
	b_clear(w);
	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		w->flag[v] &= (uint8_t)~F_LOCK;
		if (!(w->flag[v] & F_HOLD))
			b_place(w, v);
	}
	/* Filling the buckets scanned every row: charge it. */
	if (rvx_coh_tick_(w->c, 1u + (w->live_count * w->k) / 256u))
		return false;
	while ((v = b_top(w)) != NONE) {
		uint32_t key = w->bkey[v], to, from;
		int64_t g;

		b_remove(w, v);
		/* A move touches every neighbour: charge its degree. */
		if (rvx_coh_tick_(w->c, 1u + (w->off[v + 1] - w->off[v]) / 32u))
			break;
		to = best_target(w, v, true, &g);
		if (to == NONE) {
			w->flag[v] |= F_LOCK;
			continue;
		}
		if (gain_key(g) < key) {
			/* Its best move no longer fits: file it where it now belongs. */
			b_insert(w, v, gain_key(g));
			continue;
		}
		from = w->cur[v];
		w->flag[v] |= F_LOCK;
		move_vertex(w, v, to, true);
		w->log_v[moves] = v;
		w->log_from[moves] = from;
		moves++;
		cum += g;
		ml = max_load(w);
		if (cum > best_cum || (cum == best_cum && ml < best_ml)) {
			best_cum = cum;
			best_ml = ml;
			best_moves = moves;
		} else if (moves - best_moves >= stall) {
			break;
		}
	}
	while (moves > best_moves) {
		moves--;
		move_vertex(w, w->log_v[moves], w->log_from[moves], false);
	}
	/* Another pass is worth it for a gain above the adoption threshold,
	 * or while the balance is being repaired. */
	return best_cum > w->min_pass_gain || (start_ml > w->cap && best_ml < start_ml);
}

/* Repair the balance, then FM passes until one does not improve. */
void rvx_coh_refine_(struct coh_ws *w)
{
	uint32_t pass;

	if (w->k < 2)
		return;
	rvx_coh_repair_(w);
	for (pass = 0; pass < PASS_MAX && !w->c->over; pass++)
		if (!fm_pass(w))
			break;
}

/* The unassigned vertex with the largest weighted degree (not one found
 * too heavy for the part being grown), or NONE. */
static uint32_t pick_seed(const struct coh_ws *w)
{
	uint32_t i, v, s = NONE;

	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		if (!(w->flag[v] & (F_DONE | F_LOCK)) && (s == NONE || w->deg[v] > w->deg[s]))
			s = v;
	}
	return s;
}

/*
 * Greedy graph growing into cur: held vertices stay where they are; parts
 * 0..k-2 grow in turn from a seed (the heaviest-traffic unassigned vertex),
 * taking the frontier vertex with the best 2*w(v, part) - deg(v) while the
 * part is below the average and the vertex fits under the cap; the last
 * part takes the rest (@attempt > 0 seeds part 0 elsewhere). Then conn,
 * repair and refinement. Returns false if
 * the budget stopped it before the placement was complete.
 */
static bool construct_grow(struct coh_ws *w, uint32_t attempt)
{
	uint32_t k = w->k, i, j, p, v, u;
	int64_t goal = (w->total + (int64_t)k - 1) / (int64_t)k;

	memset(w->load, 0, 8u * k);
	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		memset(&w->conn[(size_t)v * k], 0, 8u * k);
		w->flag[v] &= F_HOLD;
		if (w->flag[v] & F_HOLD) {
			w->cur[v] = w->start[v];
			w->load[w->cur[v]] += w->vw[v];
			w->flag[v] |= F_DONE;
		}
	}
	for (p = 0; p + 1 < k; p++) {
		b_clear(w);
		while (w->load[p] < goal) {
			int64_t g;

			v = b_top(w);
			if (v == NONE && p == 0 && w->load[0] == 0 && attempt != 0) {
				/* Other attempts start from spread-out vertices. */
				v = w->live[(uint32_t)(((uint64_t)attempt * w->live_count) /
						       COH_REBUILD_TRIES)];
				if (w->flag[v] & F_DONE)
					v = pick_seed(w);
				if (v == NONE)
					break;
			} else if (v == NONE) {
				v = pick_seed(w);
				if (v == NONE)
					break;
			}
			b_remove(w, v);
			if (rvx_coh_tick_(w->c, 1))
				return false;
			if (w->load[p] + w->vw[v] > w->cap) {
				/* Does not fit here; leave it for later parts. */
				w->flag[v] |= F_LOCK;
				if (b_top(w) == NONE)
					break;
				continue;
			}
			w->cur[v] = p;
			w->flag[v] |= F_DONE;
			w->load[p] += w->vw[v];
			for (j = w->off[v]; j < w->off[v + 1]; j++) {
				u = w->adj_v[j];
				if (w->flag[u] & (F_DONE | F_LOCK))
					continue;
				w->conn[(size_t)u * k + p] += (int64_t)w->adj_w[j];
				g = w->conn[(size_t)u * k + p] -
				    (w->deg[u] - w->conn[(size_t)u * k + p]);
				b_remove(w, u);
				b_insert(w, u, gain_key(g));
			}
		}
		for (i = 0; i < w->live_count; i++)
			w->flag[w->live[i]] &= (uint8_t)~F_LOCK;
	}
	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		if (!(w->flag[v] & F_DONE)) {
			w->cur[v] = k - 1;
			w->load[k - 1] += w->vw[v];
		}
		w->flag[v] &= F_HOLD;
	}
	if (rvx_coh_tick_(w->c, 1))
		return false;
	rvx_coh_conn_init_(w);
	rvx_coh_refine_(w);
	return true;
}

/*
 * Clusters by label propagation, then packed onto parts. Every free vertex
 * starts in its own cluster; in rounds over the vertices in index order, a
 * vertex joins the neighbouring cluster it exchanges the most traffic with
 * (ties: the lower label) if that beats its own and the cluster stays
 * within the average part weight. Clusters are then placed heaviest first,
 * each on the part it has the most traffic with among those it fits on
 * (ties: the lighter part); a cluster that fits nowhere is placed vertex by
 * vertex on the lightest part. Held vertices stay where they are. Then
 * conn, repair and refinement. Scratch: labels in log_v, the cluster list
 * in log_from, cluster weights and label scores in conn (k >= 2, so conn
 * holds at least 2n values).
 */
#define LP_ROUNDS 6u

static bool construct_lp(struct coh_ws *w)
{
	uint32_t k = w->k, n = w->n, i, j, r, v, u, l, best, count = 0;
	uint32_t *label = w->log_v, *list = w->log_from;
	int64_t *cl = w->conn, *acc = w->conn + n;
	int64_t goal = (w->total + (int64_t)k - 1) / (int64_t)k;

	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		label[v] = v;
		cl[v] = w->vw[v];
		acc[v] = 0;
	}
	for (r = 0; r < LP_ROUNDS; r++) {
		bool changed = false;

		for (i = 0; i < w->live_count; i++) {
			v = w->live[i];
			if (w->flag[v] & F_HOLD)
				continue;
			for (j = w->off[v]; j < w->off[v + 1]; j++) {
				u = w->adj_v[j];
				if (!(w->flag[u] & F_HOLD))
					acc[label[u]] += (int64_t)w->adj_w[j];
			}
			best = label[v];
			for (j = w->off[v]; j < w->off[v + 1]; j++) {
				u = w->adj_v[j];
				if (w->flag[u] & F_HOLD)
					continue;
				l = label[u];
				if (l == best || cl[l] + w->vw[v] > goal)
					continue;
				if (acc[l] > acc[best] || (acc[l] == acc[best] && l < best))
					best = l;
			}
			for (j = w->off[v]; j < w->off[v + 1]; j++)
				acc[label[w->adj_v[j]]] = 0;
			if (best != label[v]) {
				cl[label[v]] -= w->vw[v];
				cl[best] += w->vw[v];
				label[v] = best;
				changed = true;
			}
			if (rvx_coh_tick_(w->c, 1))
				return false;
		}
		if (!changed)
			break;
	}
	/* The clusters (labels in use), heaviest first (ties: lower label). */
	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		if (!(w->flag[v] & F_HOLD) && label[v] == v)
			list[count++] = v;
	}
	for (i = 1; i < count; i++) {
		uint32_t x = list[i];

		for (j = i; j > 0 && (cl[list[j - 1]] < cl[x] ||
				      (cl[list[j - 1]] == cl[x] && list[j - 1] > x)); j--)
			list[j] = list[j - 1];
		list[j] = x;
	}
	if (rvx_coh_tick_(w->c, 1 + count / 8u))
		return false;
	/* Pack: held vertices first, then the clusters. acc is free again and
	 * now holds the traffic from the cluster to each part (k entries). */
	memset(w->load, 0, 8u * k);
	for (i = 0; i < w->live_count; i++) {
		v = w->live[i];
		w->flag[v] &= F_HOLD;
		if (w->flag[v] & F_HOLD) {
			w->cur[v] = w->start[v];
			w->load[w->cur[v]] += w->vw[v];
			w->flag[v] |= F_DONE;
		}
	}
	for (r = 0; r < count; r++) {
		uint32_t p, bp = NONE;

		l = list[r];
		memset(acc, 0, 8u * k);
		for (i = 0; i < w->live_count; i++) {
			v = w->live[i];
			if ((w->flag[v] & F_HOLD) || label[v] != l)
				continue;
			for (j = w->off[v]; j < w->off[v + 1]; j++) {
				u = w->adj_v[j];
				if (w->flag[u] & F_DONE)
					acc[w->cur[u]] += (int64_t)w->adj_w[j];
			}
		}
		for (p = 0; p < k; p++) {
			if (w->load[p] + cl[l] > w->cap)
				continue;
			if (bp == NONE || acc[p] > acc[bp] || (acc[p] == acc[bp] && w->load[p] < w->load[bp]))
				bp = p;
		}
		for (i = 0; i < w->live_count; i++) {
			uint32_t to = bp;

			v = w->live[i];
			if ((w->flag[v] & F_HOLD) || label[v] != l)
				continue;
			if (to == NONE) {
				to = 0;
				for (p = 1; p < k; p++)
					if (w->load[p] < w->load[to])
						to = p;
			}
			w->cur[v] = to;
			w->load[to] += w->vw[v];
			w->flag[v] |= F_DONE;
		}
		if (rvx_coh_tick_(w->c, 1 + w->live_count / 64u))
			return false;
	}
	for (i = 0; i < w->live_count; i++)
		w->flag[w->live[i]] &= F_HOLD;
	rvx_coh_conn_init_(w);
	rvx_coh_refine_(w);
	return true;
}

/*
 * Multilevel construction (rebuild only, no held vertices): coarsen by
 * heavy-edge matching, place the coarsest graph by greedy growing, then
 * project each level's placement onto the finer one and refine it there.
 *
 * A level's vertices are visited in index order; an unmatched vertex is
 * matched with the unmatched neighbour it shares the heaviest adjacency
 * entry with (ties: the first in its row), if their weights together stay
 * within half the cap; else it stays alone. The coarse graph sums
 * parallel entries and drops the matched pairs' own edges. Coarsening stops
 * at max(2k, 8) vertices, when a level shrinks by less than 1/8, or when the
 * pools (2n coarse vertices and 4m adjacency entries over all levels) are
 * full. Moving a coarse vertex moves a whole group (a chain, a cluster
 * core), which single-vertex FM cannot do from a poor start.
 *
 * The coarse levels use the fine workspace's arrays (cur, conn, buckets,
 * flags, loads, live) over their first n_L entries, so the fine live list is
 * rebuilt before the fine level is refined and on every way out.
 */
struct ml_level {
	uint32_t n;
	uint32_t *off, *adj_v, *cmap, *part;
	uint64_t *adj_w;
	int64_t *vw, *deg;
};

static void ml_fine_live(struct coh_ws *w)
{
	uint32_t v;

	w->live_count = 0;
	for (v = 0; v < w->n; v++)
		if (w->c->vertices[v].part != NONE)
			w->live[w->live_count++] = v;
	rvx_coh_buckets_init_(w);
}

/* A workspace over level @lv (>= 1): the fine one's views, its graph. */
static void ml_view(const struct coh_ws *w, const struct ml_level *lv, struct coh_ws *cw)
{
	*cw = *w;
	cw->n = lv->n;
	cw->off = lv->off;
	cw->adj_v = lv->adj_v;
	cw->adj_w = lv->adj_w;
	cw->vw = lv->vw;
	cw->deg = lv->deg;
	cw->live_count = lv->n;
}

/* Coarsen level @f (its @count vertices: @list, or 0..count-1 when NULL)
 * into @t (storage set by the caller); false when it does not pay (too
 * little shrink) or does not fit (@vroom vertices, @aroom adjacency entries
 * left), or the budget ran out. */
static bool ml_coarsen(struct coh_ws *w, const struct ml_level *f, const uint32_t *list,
		       uint32_t count, struct ml_level *t, uint32_t vroom, uint32_t aroom)
{
	uint32_t i, j, x, v, u, c, nc = 0, pos = 0, *m1 = w->log_v, *m2 = w->log_from;
	int64_t lim = w->cap / 2;

	for (i = 0; i < count; i++)
		f->cmap[list != NULL ? list[i] : i] = NONE;
	for (i = 0; i < count; i++) {
		uint32_t best = NONE;
		uint64_t bw = 0;

		v = list != NULL ? list[i] : i;
		if (f->cmap[v] != NONE)
			continue;
		for (j = f->off[v]; j < f->off[v + 1]; j++) {
			u = f->adj_v[j];
			if (u == v || f->cmap[u] != NONE || f->vw[u] + f->vw[v] > lim)
				continue;
			if (best == NONE || f->adj_w[j] > bw) {
				best = u;
				bw = f->adj_w[j];
			}
		}
		m1[nc] = v;
		m2[nc] = best;
		f->cmap[v] = nc;
		if (best != NONE)
			f->cmap[best] = nc;
		nc++;
	}
	if (rvx_coh_tick_(w->c, 1u + count / 32u))
		return false;
	if (nc == 0 || nc > count - count / 8u || nc > vroom || f->off[f->n] - f->off[0] > aroom)
		return false;
	t->n = nc;
	for (c = 0; c < nc; c++)
		t->part[c] = NONE;
	for (c = 0; c < nc; c++) {
		uint32_t row = pos;

		t->off[c] = pos;
		t->vw[c] = 0;
		t->deg[c] = 0;
		for (x = 0; x < 2u; x++) {
			v = x == 0 ? m1[c] : m2[c];
			if (v == NONE)
				continue;
			t->vw[c] += f->vw[v];
			for (j = f->off[v]; j < f->off[v + 1]; j++) {
				uint32_t cu = f->cmap[f->adj_v[j]];

				if (cu == c)
					continue;
				t->deg[c] += (int64_t)f->adj_w[j];
				if (t->part[cu] != NONE && t->part[cu] >= row) {
					t->adj_w[t->part[cu]] += f->adj_w[j];
				} else {
					t->part[cu] = pos;
					t->adj_v[pos] = cu;
					t->adj_w[pos] = f->adj_w[j];
					pos++;
				}
			}
		}
	}
	t->off[nc] = pos;
	return !rvx_coh_tick_(w->c, 1u + pos / 32u);
}

static bool construct_ml(struct coh_ws *w)
{
	struct ml_level lv[COH_ML_LEVELS + 1u];
	struct coh_ws cw;
	uint32_t top = 0, i, v, t, stop = w->k * 2u > 8u ? w->k * 2u : 8u;
	uint32_t vused = 0, aused = 0, oused = 0, cused = w->n;
	struct coh_eval ev, bev;
	bool ok = false;

	for (i = 0; i < w->live_count; i++)
		if (w->flag[w->live[i]] & F_HOLD)
			return false;
	lv[0].n = w->n;
	lv[0].off = w->off;
	lv[0].adj_v = w->adj_v;
	lv[0].adj_w = w->adj_w;
	lv[0].vw = w->vw;
	lv[0].deg = w->deg;
	lv[0].cmap = w->ml_cmap;
	lv[0].part = NULL;
	while (top < COH_ML_LEVELS) {
		struct ml_level *f = &lv[top], *c = &lv[top + 1u];
		uint32_t count = top == 0 ? w->live_count : f->n;

		if (count <= stop)
			break;
		c->off = w->ml_off + oused;
		c->adj_v = w->ml_adj_v + aused;
		c->adj_w = w->ml_adj_w + aused;
		c->vw = w->ml_vw + vused;
		c->deg = w->ml_deg + vused;
		c->part = w->ml_part + vused;
		c->cmap = w->ml_cmap + cused;
		if (oused + count + 1u > 2u * w->c->vertex_max + 24u ||
		    !ml_coarsen(w, f, top == 0 ? w->live : NULL, count, c,
				2u * w->c->vertex_max - vused, 4u * w->c->edge_max - aused))
			break;
		vused += c->n;
		cused += c->n;
		oused += c->n + 1u;
		aused += c->off[c->n];
		top++;
	}
	if (w->c->over)
		return false;
	if (top == 0)
		return false;

	/* The coarsest level: greedy growing from three seeds, the best kept. */
	for (i = 0; i < lv[1].n; i++)
		w->live[i] = i;
	ml_view(w, &lv[top], &cw);
	for (t = 0; t < 3u; t++) {
		for (i = 0; i < cw.n; i++)
			cw.flag[i] = 0;
		rvx_coh_buckets_init_(&cw);
		if (!construct_grow(&cw, t))
			goto out;
		ev = rvx_coh_eval_(&cw);
		if (t == 0 || rvx_coh_better_(&ev, &bev)) {
			bev = ev;
			memcpy(lv[top].part, cw.cur, 4u * (size_t)cw.n);
		}
	}
	/* Project down, refining at each level. */
	for (t = top; t > 0; t--) {
		struct ml_level *f = &lv[t - 1u];
		const uint32_t *src = lv[t].part;

		if (t != top)
			memcpy(lv[t].part, cw.cur, 4u * (size_t)lv[t].n);
		if (t - 1u == 0) {
			ml_fine_live(w);
			for (i = 0; i < w->live_count; i++) {
				v = w->live[i];
				w->cur[v] = src[f->cmap[v]];
				w->flag[v] = 0;
			}
			rvx_coh_conn_init_(w);
			rvx_coh_refine_(w);
			return !w->c->over;
		}
		ml_view(w, f, &cw);
		for (i = 0; i < cw.n; i++) {
			cw.cur[i] = src[f->cmap[i]];
			cw.flag[i] = 0;
		}
		rvx_coh_buckets_init_(&cw);
		rvx_coh_conn_init_(&cw);
		rvx_coh_refine_(&cw);
		if (w->c->over)
			goto out;
	}
out:
	ml_fine_live(w);
	return ok;
}

/* Attempt 0: multilevel; 1: label propagation; then greedy growing from
 * different seeds. */
bool rvx_coh_construct_(struct coh_ws *w, uint32_t attempt)
{
	if (attempt == 0 && w->k >= 2) {
		if (construct_ml(w))
			return true;
		if (w->c->over)
			return false;
		/* Too small to coarsen: grow on the graph itself. */
		return construct_grow(w, 0);
	}
	if (attempt == 1 && w->k >= 2)
		return construct_lp(w);
	return construct_grow(w, attempt <= 1 ? 0 : attempt - 1);
}
