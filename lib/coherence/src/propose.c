/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Split and merge proposals (rvx_coh_propose()): a global minimum cut
 * (Stoer-Wagner) inside each small part, gated by its conductance, and
 * pairs of vertices whose traffic is mostly with each other. Works in the
 * scratch on the graph of the last closed epoch; changes no placement.
 */
#include "coherence_internal.h"

void rvx_coh_propose_config_default(struct rvx_coh_propose_config *pc)
{
	if (pc == NULL)
		return;
	memset(pc, 0, sizeof(*pc));
	pc->split_conductance_q16 = ONE / 8u;
	pc->split_min_vertices = 4u;
	pc->merge_affinity_q16 = ONE - ONE / 4u;
}

/*
 * Stoer-Wagner on the np x np matrix @m (destroyed): the minimum cut's
 * weight, and in *@set the vertices of its side (a bit each). Phases add
 * the most tightly connected vertex (ties: the lowest index) to the grown
 * set; the cut of the phase is the last vertex against the rest; the last
 * two are then merged. O(np^3).
 */
static int64_t min_cut(int64_t *m, uint32_t np, uint64_t *set)
{
	uint64_t members[RVX_COH_SPLIT_MAX];
	int64_t wa[RVX_COH_SPLIT_MAX], best = -1;
	bool active[RVX_COH_SPLIT_MAX], added[RVX_COH_SPLIT_MAX];
	uint32_t i, j, phase, step, nact = np;

	for (i = 0; i < np; i++) {
		members[i] = UINT64_C(1) << i;
		active[i] = true;
	}
	*set = 0;
	for (phase = 0; phase + 1u < np; phase++) {
		uint32_t prev = NONE, last = NONE;

		for (i = 0; i < np; i++) {
			wa[i] = 0;
			added[i] = false;
		}
		for (step = 0; step < nact; step++) {
			uint32_t sel = NONE;

			for (i = 0; i < np; i++)
				if (active[i] && !added[i] && (sel == NONE || wa[i] > wa[sel]))
					sel = i;
			added[sel] = true;
			prev = last;
			last = sel;
			for (j = 0; j < np; j++)
				if (active[j] && !added[j])
					wa[j] += m[(size_t)sel * np + j];
		}
		if (best < 0 || wa[last] < best) {
			best = wa[last];
			*set = members[last];
		}
		for (j = 0; j < np; j++) {
			m[(size_t)prev * np + j] += m[(size_t)last * np + j];
			m[(size_t)j * np + prev] += m[(size_t)j * np + last];
		}
		m[(size_t)prev * np + prev] = 0;
		members[prev] |= members[last];
		active[last] = false;
		nact--;
	}
	return best;
}

/* Merge candidates i before j: higher affinity, then lower u, lower v. */
static bool cand_before(const struct coh_ws *w, uint32_t i, uint32_t j)
{
	const uint32_t *aff = w->ml_cmap, *uv = w->ml_adj_v;

	if (aff[i] != aff[j])
		return aff[i] > aff[j];
	if (uv[2u * i] != uv[2u * j])
		return uv[2u * i] < uv[2u * j];
	return uv[2u * i + 1u] < uv[2u * j + 1u];
}

/* Heap sort of the candidate order @ord (@n entries) by cand_before(). */
static void sift(const struct coh_ws *w, uint32_t *ord, uint32_t root, uint32_t n)
{
	for (;;) {
		uint32_t child = 2u * root + 1u, x;

		if (child >= n)
			return;
		/* A max-heap of "comes later". */
		if (child + 1u < n && cand_before(w, ord[child], ord[child + 1u]))
			child++;
		if (!cand_before(w, ord[root], ord[child]))
			return;
		x = ord[root];
		ord[root] = ord[child];
		ord[child] = x;
		root = child;
	}
}

static void sort_cands(const struct coh_ws *w, uint32_t *ord, uint32_t n)
{
	uint32_t i, x;

	for (i = 0; i < n; i++)
		ord[i] = i;
	for (i = n / 2u; i > 0; i--)
		sift(w, ord, i - 1u, n);
	for (i = n; i > 1; i--) {
		x = ord[0];
		ord[0] = ord[i - 1u];
		ord[i - 1u] = x;
		sift(w, ord, 0, i - 1u);
	}
}

static uint32_t splits(struct coh_ws *w, const struct rvx_coh_propose_config *pc,
		       struct rvx_coh_proposal *out, uint8_t *side)
{
	uint32_t p, i, j, v, u, count = 0, *idx = w->aux, *list = w->log_v;

	for (p = 0; p < w->k; p++) {
		uint32_t np = 0, na = 0;
		int64_t vol[RVX_COH_SPLIT_MAX], cut, vs = 0, vt = 0, small;
		uint64_t set;
		uint32_t phi;

		for (i = 0; i < w->live_count; i++) {
			v = w->live[i];
			if (w->cur[v] == p)
				list[np++] = v;
		}
		if (pc->split_conductance_q16 == 0 || np < pc->split_min_vertices ||
		    np > RVX_COH_SPLIT_MAX)
			continue;
		for (i = 0; i < np; i++)
			idx[list[i]] = i;
		memset(w->sw, 0, 8u * (size_t)np * np);
		for (i = 0; i < np; i++) {
			v = list[i];
			vol[i] = 0;
			for (j = w->off[v]; j < w->off[v + 1]; j++) {
				u = w->adj_v[j];
				if (w->cur[u] != p)
					continue;
				w->sw[(size_t)i * np + idx[u]] += (int64_t)w->adj_w[j];
				vol[i] += (int64_t)w->adj_w[j];
			}
		}
		cut = min_cut(w->sw, np, &set);
		/* Side 0 holds the part's lowest vertex (local 0). */
		if (set & 1u)
			set = ~set & ((UINT64_C(1) << np) - 1u);
		for (i = 0; i < np; i++) {
			if (set & (UINT64_C(1) << i))
				vt += vol[i];
			else
				vs += vol[i];
		}
		small = vs < vt ? vs : vt;
		if (small == 0)
			continue;
		phi = rvx_coh_q16_ratio_((uint64_t)cut, (uint64_t)small);
		if (phi > pc->split_conductance_q16)
			continue;
		for (i = 0; i < np; i++) {
			side[list[i]] = (set & (UINT64_C(1) << i)) ? 1u : 0u;
			na += (set & (UINT64_C(1) << i)) ? 0u : 1u;
		}
		memset(&out[count], 0, sizeof(out[count]));
		out[count].kind = RVX_COH_PROPOSE_SPLIT;
		out[count].part = p;
		out[count].a = na;
		out[count].b = np - na;
		out[count].score_q16 = phi;
		out[count].weight = (uint64_t)cut;
		count++;
	}
	return count;
}

static uint32_t merges(struct coh_ws *w, const struct rvx_coh_propose_config *pc,
		       struct rvx_coh_proposal *out)
{
	int64_t *acc = w->ml_vw;
	uint32_t *uv = w->ml_adj_v, *aff = w->ml_cmap, *ord = w->ml_part;
	uint64_t *wt = w->ml_adj_w;
	uint32_t i, j, v, u, nc = 0, count = 0;

	if (pc->merge_affinity_q16 == 0)
		return 0;
	for (i = 0; i < w->live_count; i++) {
		acc[w->live[i]] = 0;
		w->flag[w->live[i]] = 0;
	}
	/* Candidates: at most 4 per vertex, as the affinity is >= 1/2, and
	 * at most one per edge; the pools hold 2n and 4m. */
	for (i = 0; i < w->live_count; i++) {
		u = w->live[i];
		for (j = w->off[u]; j < w->off[u + 1]; j++)
			if (w->adj_v[j] > u)
				acc[w->adj_v[j]] += (int64_t)w->adj_w[j];
		for (j = w->off[u]; j < w->off[u + 1]; j++) {
			uint32_t a;

			v = w->adj_v[j];
			if (v < u || acc[v] == 0)
				continue;
			a = rvx_coh_q16_ratio_(2u * (uint64_t)acc[v], (uint64_t)(w->deg[u] + w->deg[v]));
			if (a >= pc->merge_affinity_q16) {
				uv[2u * nc] = u;
				uv[2u * nc + 1u] = v;
				aff[nc] = a;
				wt[nc] = (uint64_t)acc[v];
				nc++;
			}
			acc[v] = 0;
		}
	}
	sort_cands(w, ord, nc);
	for (i = 0; i < nc; i++) {
		uint32_t x = ord[i];

		u = uv[2u * x];
		v = uv[2u * x + 1u];
		if (w->flag[u] || w->flag[v])
			continue;
		w->flag[u] = 1u;
		w->flag[v] = 1u;
		memset(&out[count], 0, sizeof(out[count]));
		out[count].kind = RVX_COH_PROPOSE_MERGE;
		out[count].part = w->cur[u];
		out[count].a = u;
		out[count].b = v;
		out[count].score_q16 = aff[x];
		out[count].weight = wt[x];
		count++;
	}
	return count;
}

int rvx_coh_propose(struct rvx_coh *c, const struct rvx_coh_propose_config *pc,
		    struct rvx_coh_proposal *out, uint32_t cap, uint32_t *count,
		    uint8_t *side, uint32_t side_count)
{
	struct coh_ws w;
	uint32_t n;

	/* Check. */
	if (c == NULL || c->initialised != 1u || pc == NULL || out == NULL || count == NULL ||
	    side == NULL)
		return -RVX_EINVAL;
	if (pc->split_conductance_q16 > ONE || pc->split_min_vertices < 2u ||
	    pc->split_min_vertices > RVX_COH_SPLIT_MAX || pc->reserved != 0 ||
	    (pc->merge_affinity_q16 != 0 &&
	     (pc->merge_affinity_q16 < ONE / 2u || pc->merge_affinity_q16 > ONE)))
		return -RVX_EINVAL;
	if (cap < RVX_COH_PROPOSALS_MAX(c->vertex_max, c->cfg.parts) || side_count < c->vertex_max)
		return -RVX_EBUFSMALL;

	/* Compute (the scratch and the outputs only). */
	rvx_coh_ws_carve_(c, &w);
	rvx_coh_build_graph_(&w, false);
	memset(side, 0xFF, c->vertex_max);
	n = splits(&w, pc, out, side);
	n += merges(&w, pc, out + n);
	*count = n;
	return 0;
}
