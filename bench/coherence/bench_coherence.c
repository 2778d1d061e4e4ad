/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-coherence: the coherence engine beside round-robin placement (the
 * seed's "naive") and two offline oracles, METIS 5.1 (METIS_PartGraphKway)
 * and Scotch 7 (SCOTCH_graphPart), on the same per-epoch traffic graphs.
 *
 * Workloads (EPOCHS epochs each; vertex loads in a Reflex/Flow mix):
 *  - clustered: planted clusters whose membership drifts (clusters merge in
 *    pairs, split differently, then a quarter of the vertices change
 *    cluster), heavy traffic inside a cluster and light noise across;
 *  - random: an unstructured random graph, weights fixed plus noise;
 *  - pipeline: chains of 8 stages, heavy traffic between consecutive
 *    stages, light random noise.
 * Sizes 16, 64, 256 vertices; k = 2, 4, 8.
 *
 * What each placement is charged (the epoch's own traffic graph G_e):
 *  - engine, cross bytes: the placement in force during epoch e, that is
 *    decided at the close of epoch e-1 (the engine cannot see the future);
 *  - engine, cut: the placement decided at the close of epoch e, on G_e
 *    (the engine saw a decayed history, not G_e alone);
 *  - METIS / Scotch: partition G_e itself (oracles that see the epoch they
 *    are charged for), and METIS lagged one epoch like the engine;
 *  - round-robin: vertex v on part v mod k, always.
 * The engine runs with its defaults (50 us budget on CLOCK_MONOTONIC,
 * imbalance 1.10, decay 0.5, hold 4 epochs, min gain 1/256). Placement cost
 * is the wall time of rvx_coh_epoch_close(), over REPS repetitions of each
 * run; every call's result is checked.
 *
 * Usage: bench-coherence [-o DIR] [--no-plot] | --profile WORKLOAD N K
 * Writes DIR/coherence-summary.csv, DIR/coherence-epochs.csv,
 * DIR/coherence-cost.csv (placement cost per size) and (with
 * python3-matplotlib) DIR/coherence-cut.png; DIR defaults to ".".
 */
#include "bench_util.h" /* first: it defines _GNU_SOURCE */

#include <metis.h>
#include <scotch.h>
#include <stdalign.h>
#include <unistd.h>

#include "ruvix/coherence.h"

#define EPOCHS 64u
#define REPS 5u
#define MAXN 256u
#define MAXE 8192u
#define MAXK 8u

enum { WL_CLUSTERED, WL_RANDOM, WL_PIPELINE, WL_COUNT };
static const char *const wl_name[WL_COUNT] = {"clustered", "random", "pipeline"};
static const uint32_t sizes[] = {16, 64, 256};
static const uint32_t ks[] = {2, 4, 8};

/* ---- workloads ---- */

struct wl {
	uint32_t kind, n, m;
	uint32_t ea[MAXE], eb[MAXE];
	uint64_t base[MAXE];  /* random / pipeline: base weight per edge */
	uint64_t w[MAXE];     /* this epoch's traffic per edge (bytes) */
	uint64_t load[MAXN];  /* this epoch's load per vertex (us) */
	uint8_t flow[MAXN];   /* Flow (throughput) class, else Reflex */
	uint32_t label[4][MAXN]; /* clustered: cluster per phase */
	uint8_t adj[MAXN][MAXN / 8];
	uint64_t rng;
};

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static uint32_t rndn(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rnd(s) % n);
}

static void add_edge(struct wl *g, uint32_t a, uint32_t b, uint64_t base)
{
	if (a == b || (g->adj[a][b / 8] & (1u << (b % 8))))
		return;
	BENCH_REQUIRE(g->m < MAXE, "edge table full");
	g->adj[a][b / 8] |= (uint8_t)(1u << (b % 8));
	g->adj[b][a / 8] |= (uint8_t)(1u << (a % 8));
	g->ea[g->m] = a;
	g->eb[g->m] = b;
	g->base[g->m] = base;
	g->m++;
}

static void shuffle(uint32_t *p, uint32_t n, uint64_t *s)
{
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = rndn(s, i + 1), x = p[i];

		p[i] = p[j];
		p[j] = x;
	}
}

static void wl_build(struct wl *g, uint32_t kind, uint32_t n, uint32_t k)
{
	uint32_t perm[MAXN], i, j, ph;

	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->n = n;
	g->rng = 0xC0FFEEu + 977u * n + 31u * k + kind;
	for (i = 0; i < n; i++) {
		perm[i] = i;
		g->flow[i] = rndn(&g->rng, 4) == 0;
	}
	shuffle(perm, n, &g->rng);
	if (kind == WL_CLUSTERED) {
		uint32_t cs = n / (2 * k) > 4 ? n / (2 * k) : 4, nc = n / cs;

		for (i = 0; i < n; i++) {
			g->label[0][i] = perm[i] / cs;
			g->label[1][i] = g->label[0][i] / 2;
		}
		shuffle(perm, n, &g->rng);
		for (i = 0; i < n; i++)
			g->label[2][i] = g->label[1][i] * 2 + perm[i] % 2;
		for (i = 0; i < n; i++)
			g->label[3][i] = rndn(&g->rng, 4) == 0 ? rndn(&g->rng, nc) : g->label[2][i];
		for (ph = 0; ph < 4; ph++)
			for (i = 0; i < n; i++)
				for (j = 0; j < 4; j++) {
					uint32_t u = rndn(&g->rng, n), tries = 0;

					while (g->label[ph][u] != g->label[ph][i] && tries++ < 64)
						u = rndn(&g->rng, n);
					add_edge(g, i, u, 0);
				}
		for (i = 0; i < n; i++)
			for (j = 0; j < 2; j++)
				add_edge(g, i, rndn(&g->rng, n), 0);
	} else if (kind == WL_RANDOM) {
		for (i = 0; i < n; i++)
			for (j = 0; j < 4; j++)
				add_edge(g, i, rndn(&g->rng, n), 1 + rndn(&g->rng, 1000));
	} else {
		for (i = 0; i < n; i++)
			if (i % 8 != 7 && i + 1 < n)
				add_edge(g, perm[i], perm[i + 1], 2000);
		for (i = 0; i < n; i++)
			add_edge(g, i, rndn(&g->rng, n), 20);
	}
}

/* This epoch's traffic and loads. */
static void wl_epoch(struct wl *g, uint32_t e)
{
	uint32_t i, ph = e / (EPOCHS / 4);

	for (i = 0; i < g->m; i++) {
		uint32_t a = g->ea[i], b = g->eb[i];

		if (g->kind == WL_CLUSTERED)
			g->w[i] = g->label[ph][a] == g->label[ph][b] ? 1000 + rndn(&g->rng, 2000)
								       : rndn(&g->rng, 50);
		else
			g->w[i] = g->base[i] * (80 + rndn(&g->rng, 41)) / 100;
	}
	for (i = 0; i < g->n; i++)
		g->load[i] = g->flow[i] ? 400 + rndn(&g->rng, 200) : 100 + rndn(&g->rng, 50);
}

static uint64_t cut_of(const struct wl *g, const uint32_t *part)
{
	uint64_t c = 0;

	for (uint32_t i = 0; i < g->m; i++)
		if (part[g->ea[i]] != part[g->eb[i]])
			c += g->w[i];
	return c;
}

static uint64_t traffic_of(const struct wl *g)
{
	uint64_t t = 0;

	for (uint32_t i = 0; i < g->m; i++)
		t += g->w[i];
	return t;
}

/* Heaviest part over the average, by this epoch's loads. */
static double imbalance_of(const struct wl *g, const uint32_t *part, uint32_t k)
{
	uint64_t l[MAXK] = {0}, tot = 0, mx = 0;

	for (uint32_t i = 0; i < g->n; i++) {
		l[part[i]] += g->load[i];
		tot += g->load[i];
	}
	for (uint32_t p = 0; p < k; p++)
		if (l[p] > mx)
			mx = l[p];
	return (double)mx * k / (double)tot;
}

/* ---- the oracles ---- */

struct csr {
	idx_t xadj[MAXN + 1], adjncy[2 * MAXE], adjwgt[2 * MAXE], vwgt[MAXN];
};

/* CSR of the epoch graph (edges without traffic left out). */
static void to_csr(const struct wl *g, struct csr *c)
{
	uint32_t i, pos[MAXN + 1];

	memset(c->xadj, 0, sizeof(c->xadj));
	for (i = 0; i < g->m; i++)
		if (g->w[i] > 0) {
			c->xadj[g->ea[i] + 1]++;
			c->xadj[g->eb[i] + 1]++;
		}
	for (i = 0; i < g->n; i++)
		c->xadj[i + 1] += c->xadj[i];
	for (i = 0; i <= g->n; i++)
		pos[i] = (uint32_t)c->xadj[i];
	for (i = 0; i < g->m; i++) {
		if (g->w[i] == 0)
			continue;
		c->adjncy[pos[g->ea[i]]] = (idx_t)g->eb[i];
		c->adjwgt[pos[g->ea[i]]++] = (idx_t)g->w[i];
		c->adjncy[pos[g->eb[i]]] = (idx_t)g->ea[i];
		c->adjwgt[pos[g->eb[i]]++] = (idx_t)g->w[i];
	}
	for (i = 0; i < g->n; i++)
		c->vwgt[i] = (idx_t)g->load[i];
}

static void metis_place(const struct wl *g, struct csr *c, uint32_t k, uint32_t *part)
{
	idx_t n = (idx_t)g->n, ncon = 1, nparts = (idx_t)k, objval, p[MAXN];
	idx_t options[METIS_NOPTIONS];
	real_t ub = 1.10f;
	int rc;

	METIS_SetDefaultOptions(options);
	options[METIS_OPTION_SEED] = 1;
	rc = METIS_PartGraphKway(&n, &ncon, c->xadj, c->adjncy, c->vwgt, NULL, c->adjwgt,
				 &nparts, NULL, &ub, options, &objval, p);
	BENCH_REQUIRE(rc == METIS_OK, "METIS_PartGraphKway returned %d", rc);
	for (uint32_t i = 0; i < g->n; i++)
		part[i] = (uint32_t)p[i];
}

static void scotch_place(const struct wl *g, const struct csr *c, uint32_t k, uint32_t *part)
{
	SCOTCH_Graph gr;
	SCOTCH_Strat st;
	SCOTCH_Num vert[MAXN + 1], edge[2 * MAXE], ew[2 * MAXE], vw[MAXN], p[MAXN];
	uint32_t i;

	for (i = 0; i <= g->n; i++)
		vert[i] = (SCOTCH_Num)c->xadj[i];
	for (i = 0; i < (uint32_t)c->xadj[g->n]; i++) {
		edge[i] = (SCOTCH_Num)c->adjncy[i];
		ew[i] = (SCOTCH_Num)c->adjwgt[i];
	}
	for (i = 0; i < g->n; i++)
		vw[i] = (SCOTCH_Num)c->vwgt[i];
	SCOTCH_randomReset();
	BENCH_REQUIRE(SCOTCH_graphInit(&gr) == 0, "SCOTCH_graphInit");
	BENCH_REQUIRE(SCOTCH_graphBuild(&gr, 0, (SCOTCH_Num)g->n, vert, NULL, vw, NULL,
					vert[g->n], edge, ew) == 0, "SCOTCH_graphBuild");
	BENCH_REQUIRE(SCOTCH_stratInit(&st) == 0, "SCOTCH_stratInit");
	BENCH_REQUIRE(SCOTCH_stratGraphMapBuild(&st, SCOTCH_STRATQUALITY, (SCOTCH_Num)k, 0.10) == 0,
		      "SCOTCH_stratGraphMapBuild");
	BENCH_REQUIRE(SCOTCH_graphPart(&gr, (SCOTCH_Num)k, &st, p) == 0, "SCOTCH_graphPart");
	SCOTCH_stratExit(&st);
	SCOTCH_graphExit(&gr);
	for (i = 0; i < g->n; i++)
		part[i] = (uint32_t)p[i];
}

/* ---- the engine ---- */

static struct rvx_coh coh;
static struct rvx_coh_vertex coh_v[MAXN];
static struct rvx_coh_edge coh_e[MAXE];
static alignas(8) uint8_t coh_scratch[RVX_COH_SCRATCH_BYTES(MAXN, MAXE, MAXK)];
static struct rvx_coh_move coh_moves[MAXN];

static uint64_t clock_read(void *ctx)
{
	(void)ctx;
	return bench_now_ns();
}

static void engine_start(const struct wl *g, uint32_t k)
{
	struct rvx_coh_config cfg;
	uint32_t i, e;

	rvx_coh_config_default(&cfg, k);
	cfg.clock = clock_read;
	BENCH_REQUIRE(rvx_coh_init(&coh, &cfg, coh_v, MAXN, coh_e, MAXE, coh_scratch,
				   sizeof(coh_scratch)) == 0, "rvx_coh_init");
	/* Start where round-robin is. */
	for (i = 0; i < g->n; i++)
		BENCH_REQUIRE(rvx_coh_vertex_add(&coh, i, i % k) == 0, "vertex_add");
	for (i = 0; i < g->m; i++) {
		BENCH_REQUIRE(rvx_coh_edge_add(&coh, g->ea[i], g->eb[i], &e) == 0, "edge_add");
		BENCH_REQUIRE(e == i, "edge slot");
	}
}

/* CPU time of the calling thread (ns): a close's wall time less the time
 * the machine gave to others while it ran. */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t last_close_cpu_ns;

/* Feed epoch e and close it; returns the close's wall time (ns), its CPU
 * time in last_close_cpu_ns. When the close asks for a rebuild, run it (off
 * the hot path: timed apart, into *rebuild_ns, else 0). */
static uint64_t engine_epoch(const struct wl *g, struct rvx_coh_result *res,
			     struct rvx_coh_result *rres, uint64_t *rebuild_ns)
{
	uint64_t t0, t1;
	uint32_t i;

	for (i = 0; i < g->n; i++)
		BENCH_REQUIRE(rvx_coh_vertex_note(&coh, i, g->load[i]) == 0, "vertex_note");
	for (i = 0; i < g->m; i++)
		BENCH_REQUIRE(rvx_coh_edge_note(&coh, i, g->w[i]) == 0, "edge_note");
	uint64_t c0 = thread_cpu_ns();

	t0 = bench_now_ns();
	BENCH_REQUIRE(rvx_coh_epoch_close(&coh, res, coh_moves, MAXN) == 0, "epoch_close");
	t1 = bench_now_ns();
	last_close_cpu_ns = thread_cpu_ns() - c0;
	*rebuild_ns = 0;
	memset(rres, 0, sizeof(*rres));
	if (res->flags & RVX_COH_RES_REBUILD_DUE) {
		uint64_t r0 = bench_now_ns();

		BENCH_REQUIRE(rvx_coh_rebuild(&coh, rres, coh_moves, MAXN) == 0, "rebuild");
		*rebuild_ns = bench_now_ns() - r0;
	}
	return t1 - t0;
}

static void engine_part(uint32_t n, uint32_t *part)
{
	for (uint32_t i = 0; i < n; i++) {
		int p = rvx_coh_part_of(&coh, i);

		BENCH_REQUIRE(p >= 0, "part_of");
		part[i] = (uint32_t)p;
	}
}

/* ---- statistics ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(uint64_t *v, size_t n, double q)
{
	size_t i;

	qsort(v, n, sizeof(*v), cmp_u64);
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i];
}

#define SAMPLES_PER_SIZE (WL_COUNT * 3u * EPOCHS * REPS)
static uint64_t samples[3][SAMPLES_PER_SIZE], cpu_samples[3][SAMPLES_PER_SIZE];
static size_t sample_count[3];
static uint64_t oracle_ns[2][3][WL_COUNT * 3u * EPOCHS];
static uint64_t rebuild_samples[3][SAMPLES_PER_SIZE];
static size_t rebuild_count[3];
static size_t oracle_count[3];

struct row {
	uint64_t rr_cross, eng_cross, metis_cross, metis_lag_cross, scotch_cross;
	uint64_t eng_cut, metis_cut, scotch_cut;
	double imb_rr, imb_eng, imb_metis, imb_scotch;
	uint32_t budget_exceeded, moved, rebuilds, rebuild_exceeded;
	uint64_t p50, p99, max;
};

static void run(FILE *ecsv, uint32_t kind, uint32_t si, uint32_t k, struct row *r)
{
	static struct wl g;
	static struct csr c;
	uint32_t rr[MAXN], eng[MAXN], met[MAXN], met_prev[MAXN], sco[MAXN], i, e, rep;
	uint64_t t[EPOCHS * REPS];
	size_t tn = 0;
	uint32_t n = sizes[si];

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++)
		rr[i] = i % k;
	for (rep = 0; rep < REPS; rep++) {
		wl_build(&g, kind, n, k);
		engine_start(&g, k);
		for (e = 0; e < EPOCHS; e++) {
			struct rvx_coh_result res, rres;
			uint64_t ns, t0, rns;
			uint32_t before[MAXN];

			wl_epoch(&g, e);
			engine_part(n, before);
			ns = engine_epoch(&g, &res, &rres, &rns);
			t[tn++] = ns;
			cpu_samples[si][sample_count[si]] = last_close_cpu_ns;
			samples[si][sample_count[si]++] = ns;
			if (rns != 0)
				rebuild_samples[si][rebuild_count[si]++] = rns;
			BENCH_REQUIRE(res.epoch == e + 1, "epoch count");
			if (rep != 0)
				continue;
			/* Figures from the first repetition (all are identical but for time). */
			engine_part(n, eng);
			to_csr(&g, &c);
			t0 = bench_now_ns();
			metis_place(&g, &c, k, met);
			oracle_ns[0][si][oracle_count[si]] = bench_now_ns() - t0;
			t0 = bench_now_ns();
			scotch_place(&g, &c, k, sco);
			oracle_ns[1][si][oracle_count[si]++] = bench_now_ns() - t0;
			r->budget_exceeded += (res.flags & RVX_COH_RES_BUDGET_EXCEEDED) != 0;
			r->rebuilds += (rres.flags & RVX_COH_RES_REBUILT) != 0;
			r->rebuild_exceeded += (rres.flags & RVX_COH_RES_BUDGET_EXCEEDED) != 0;
			r->moved += res.moved + rres.moved;
			if (e >= 1) {
				/* Operational epochs: placements decided before this epoch. */
				r->rr_cross += cut_of(&g, rr);
				r->eng_cross += cut_of(&g, before);
				r->metis_cross += cut_of(&g, met);
				r->metis_lag_cross += cut_of(&g, met_prev);
				r->scotch_cross += cut_of(&g, sco);
				r->eng_cut += cut_of(&g, eng);
				r->metis_cut += cut_of(&g, met);
				r->scotch_cut += cut_of(&g, sco);
#define IMB(field, p)                                                   \
	do {                                                            \
		double x = imbalance_of(&g, p, k);                      \
		if (x > r->field)                                       \
			r->field = x;                                   \
	} while (0)
				IMB(imb_rr, rr);
				IMB(imb_eng, eng);
				IMB(imb_metis, met);
				IMB(imb_scotch, sco);
			}
			fprintf(ecsv, "%s,%u,%u,%u,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%.3f,%u,%u\n",
				wl_name[kind], n, k, e + 1, (unsigned long long)traffic_of(&g),
				(unsigned long long)cut_of(&g, rr), (unsigned long long)cut_of(&g, before),
				(unsigned long long)cut_of(&g, eng), (unsigned long long)cut_of(&g, met),
				(unsigned long long)(e ? cut_of(&g, met_prev) : cut_of(&g, rr)),
				(unsigned long long)cut_of(&g, sco), (double)ns / 1000.0, res.moved + rres.moved,
				res.flags | (rres.flags << 8));
			memcpy(met_prev, met, sizeof(met));
		}
	}
	r->p50 = pct(t, tn, 0.50);
	r->p99 = pct(t, tn, 0.99);
	r->max = t[tn - 1];
}

static double pctd(double a, double b)
{
	return b == 0 ? 0.0 : 100.0 * (1.0 - a / b);
}

int main(int argc, char **argv)
{
	const char *dir = ".";
	bool plot = true;
	char path[4096];
	FILE *scsv, *ecsv;
	double step, read;
	struct row rows[WL_COUNT][3][3];
	uint32_t wk, si, ki;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--no-plot") == 0)
			plot = false;
		else if (strcmp(argv[i], "--profile") == 0 && i + 3 < argc) {
			/* One configuration, engine only, many times (for a
			 * profiler); prints the mean epoch close. An optional
			 * fifth number is a work limit per close. */
			static struct wl g;
			uint32_t kind = (uint32_t)atoi(argv[i + 1]), n = (uint32_t)atoi(argv[i + 2]);
			uint32_t k = (uint32_t)atoi(argv[i + 3]);
			uint64_t sum = 0, cnt = 0, wl_limit = i + 4 < argc ? strtoull(argv[i + 4], NULL, 0) : 0;

			for (int rep = 0; rep < 200; rep++) {
				wl_build(&g, kind, n, k);
				engine_start(&g, k);
				coh.cfg.work_limit = wl_limit;
				for (uint32_t e = 0; e < EPOCHS; e++) {
					struct rvx_coh_result res, rres;
					uint64_t rns;

					wl_epoch(&g, e);
					sum += engine_epoch(&g, &res, &rres, &rns);
					cnt++;
				}
			}
			printf("mean epoch close %.2f us over %llu\n", (double)sum / (double)cnt / 1000.0,
			       (unsigned long long)cnt);
			return 0;
		}
		else {
			fprintf(stderr, "usage: %s [-o DIR] [--no-plot]\n", argv[0]);
			return 2;
		}
	}
	(void)bench_pin(0);
	bench_timer_floor(&step, &read);
	snprintf(path, sizeof(path), "%s/coherence-epochs.csv", dir);
	ecsv = fopen(path, "w");
	BENCH_REQUIRE(ecsv != NULL, "cannot write %s", path);
	fprintf(ecsv, "workload,n,k,epoch,traffic,rr_cut,engine_cross,engine_cut,metis_cut,metis_lag_cut,scotch_cut,engine_us,moved,flags\n");
	for (wk = 0; wk < WL_COUNT; wk++)
		for (si = 0; si < 3; si++)
			for (ki = 0; ki < 3; ki++)
				run(ecsv, wk, si, ks[ki], &rows[wk][si][ki]);
	fclose(ecsv);

	snprintf(path, sizeof(path), "%s/coherence-summary.csv", dir);
	scsv = fopen(path, "w");
	BENCH_REQUIRE(scsv != NULL, "cannot write %s", path);
	fprintf(scsv, "workload,n,k,rr_cross,engine_cross,metis_cross,metis_lag_cross,scotch_cross,"
		      "engine_cross_reduction_pct,metis_cross_reduction_pct,engine_cut,metis_cut,scotch_cut,"
		      "engine_over_metis,engine_over_scotch,imb_rr,imb_engine,imb_metis,imb_scotch,"
		      "p50_us,p99_us,max_us,budget_exceeded,moves,rebuilds,rebuild_budget_exceeded\n");
	printf("bench-coherence: %u epochs per run; engine budget %u us on CLOCK_MONOTONIC; "
	       "timer step %.0f ns, read %.1f ns\n", EPOCHS, RVX_COH_DEFAULT_BUDGET_NS / 1000u, step, read);
	printf("cross = bytes crossing CPUs in epochs 2..%u (engine: placement decided the epoch before;\n"
	       "METIS/Scotch: oracle on the same epoch); cut = engine's placement at each close vs the oracles\n"
	       "on that epoch's graph; imb = heaviest part / average (max over epochs)\n\n", EPOCHS);
	printf("%-9s %4s %2s | %7s %7s %7s | %6s %6s | %5s %5s %5s %5s | %6s %6s %6s | %3s %3s\n",
	       "workload", "n", "k", "eng-rr%", "met-rr%", "metlag%", "e/met", "e/sco", "imbRR", "imbE",
	       "imbM", "imbS", "p50us", "p99us", "maxus", "bx", "rb");
	for (wk = 0; wk < WL_COUNT; wk++)
		for (si = 0; si < 3; si++)
			for (ki = 0; ki < 3; ki++) {
				const struct row *r = &rows[wk][si][ki];
				double em = r->metis_cut ? (double)r->eng_cut / (double)r->metis_cut : 1.0;
				double es = r->scotch_cut ? (double)r->eng_cut / (double)r->scotch_cut : 1.0;

				printf("%-9s %4u %2u | %7.1f %7.1f %7.1f | %6.3f %6.3f | %5.2f %5.2f %5.2f %5.2f | %6.1f %6.1f %6.1f | %3u %3u\n",
				       wl_name[wk], sizes[si], ks[ki], pctd((double)r->eng_cross, (double)r->rr_cross),
				       pctd((double)r->metis_cross, (double)r->rr_cross),
				       pctd((double)r->metis_lag_cross, (double)r->rr_cross), em, es, r->imb_rr,
				       r->imb_eng, r->imb_metis, r->imb_scotch, r->p50 / 1000.0, r->p99 / 1000.0,
				       r->max / 1000.0, r->budget_exceeded, r->rebuilds);
				fprintf(scsv, "%s,%u,%u,%llu,%llu,%llu,%llu,%llu,%.2f,%.2f,%llu,%llu,%llu,%.4f,%.4f,%.3f,%.3f,%.3f,%.3f,%.2f,%.2f,%.2f,%u,%u,%u,%u\n",
					wl_name[wk], sizes[si], ks[ki], (unsigned long long)r->rr_cross,
					(unsigned long long)r->eng_cross, (unsigned long long)r->metis_cross,
					(unsigned long long)r->metis_lag_cross, (unsigned long long)r->scotch_cross,
					pctd((double)r->eng_cross, (double)r->rr_cross),
					pctd((double)r->metis_cross, (double)r->rr_cross),
					(unsigned long long)r->eng_cut, (unsigned long long)r->metis_cut,
					(unsigned long long)r->scotch_cut, em, es, r->imb_rr, r->imb_eng,
					r->imb_metis, r->imb_scotch, r->p50 / 1000.0, r->p99 / 1000.0,
					r->max / 1000.0, r->budget_exceeded, r->moved, r->rebuilds,
					r->rebuild_exceeded);
			}
	fclose(scsv);

	snprintf(path, sizeof(path), "%s/coherence-cost.csv", dir);
	scsv = fopen(path, "w");
	BENCH_REQUIRE(scsv != NULL, "cannot write %s", path);
	fprintf(scsv, "n,closes,p50_us,p99_us,max_us,rebuilds,rebuild_p50_us,rebuild_p99_us,rebuild_max_us,"
		      "metis_p50_us,scotch_p50_us,cpu_p50_us,cpu_p99_us,cpu_max_us\n");
	printf("\nplacement cost per epoch, all workloads and k (%u samples per size):\n",
	       (unsigned)SAMPLES_PER_SIZE);
	printf("%4s | %8s %8s %8s | %8s %8s | %8s %8s %8s %8s | %10s %10s\n", "n", "p50 us", "p99 us",
	       "max us", "cpu p99", "cpu max", "rebuilds", "rb p50", "rb p99", "rb max", "METIS p50",
	       "Scotch p50");
	for (si = 0; si < 3; si++) {
		size_t cnt = sample_count[si];
		uint64_t p50 = pct(samples[si], cnt, 0.50), p99 = pct(samples[si], cnt, 0.99);
		uint64_t mx = samples[si][cnt - 1];
		uint64_t c50 = pct(cpu_samples[si], cnt, 0.50), c99 = pct(cpu_samples[si], cnt, 0.99);
		uint64_t cmx = cpu_samples[si][cnt - 1];
		uint64_t m50 = pct(oracle_ns[0][si], oracle_count[si], 0.50);
		uint64_t s50 = pct(oracle_ns[1][si], oracle_count[si], 0.50);

		size_t rn = rebuild_count[si];
		uint64_t r50 = rn ? pct(rebuild_samples[si], rn, 0.50) : 0;
		uint64_t r99 = rn ? pct(rebuild_samples[si], rn, 0.99) : 0;
		uint64_t rmx = rn ? rebuild_samples[si][rn - 1] : 0;

		printf("%4u | %8.1f %8.1f %8.1f | %8.1f %8.1f | %8zu %8.1f %8.1f %8.1f | %10.1f %10.1f\n",
		       sizes[si], p50 / 1000.0, p99 / 1000.0, mx / 1000.0, c99 / 1000.0, cmx / 1000.0, rn,
		       r50 / 1000.0, r99 / 1000.0, rmx / 1000.0, m50 / 1000.0, s50 / 1000.0);
		fprintf(scsv, "%u,%zu,%.2f,%.2f,%.2f,%zu,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f\n", sizes[si],
			cnt, p50 / 1000.0, p99 / 1000.0, mx / 1000.0, rn, r50 / 1000.0, r99 / 1000.0,
			rmx / 1000.0, m50 / 1000.0, s50 / 1000.0, c50 / 1000.0, c99 / 1000.0,
			cmx / 1000.0);
	}
	BENCH_REQUIRE(fclose(scsv) == 0, "cannot write coherence-cost.csv");
	printf("\nwrote %s/coherence-summary.csv, coherence-epochs.csv and coherence-cost.csv\n", dir);
	if (plot) {
		char cmd[8400];
		int rc;

		fflush(stdout);
		/* Debian's python3 (python3-matplotlib), not one earlier on PATH. */
		snprintf(cmd, sizeof(cmd), "%s '%s' '%s'",
			 access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3",
			 BENCH_COHERENCE_PLOT, dir);
		rc = system(cmd);
		if (rc != 0)
			fprintf(stderr, "bench-coherence: the plot failed (%d); is python3-matplotlib installed?\n", rc);
	}
	return 0;
}
