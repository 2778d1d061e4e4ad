/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RuVix vector store against hnswlib, side by side in one run, plus the
 * graph store's mutation throughput.
 *
 * What crosses what: nothing. Both indexes are called as plain functions
 * from one thread of one process, in user mode, on data in the same
 * address space; neither call involves a system call or a context switch.
 * Both are built with equal M and ef_construction, single-threaded, on the
 * same vectors, and searched with the same queries; recall@10 is measured
 * against exact brute force. Every timed call is checked, and the program
 * fails if any did not succeed.
 *
 * Usage: bench_hnsw [n] [queries] [wall|cpu]   (defaults 10000, 1000, wall)
 *
 * QPS is timed on CLOCK_MONOTONIC by default. With "cpu" the timed passes
 * use the thread's CPU time (CLOCK_THREAD_CPUTIME_ID) instead: on a machine
 * shared with other work, wall time mostly measures the scheduler, while
 * CPU time counts only the time the search itself ran (cache refills after
 * being descheduled included). Both indexes are always timed alike.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hnsw_shim.h"
#include "ruvix/vecgraph.h"

#define DIM 128
#define K 10
#define M 16
#define EF_CONSTRUCTION 200

#define CHECK(cond, ...)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "bench_hnsw: check failed: %s: ", #cond);         \
			fprintf(stderr, __VA_ARGS__);                                      \
			fprintf(stderr, "\n");                                             \
			exit(1);                                                           \
		}                                                                          \
	} while (0)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The clock of the timed passes (see the usage above). */
static clockid_t pass_clock = CLOCK_MONOTONIC;

static double pass_now_s(void)
{
	struct timespec ts;
	clock_gettime(pass_clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Smallest nonzero difference between back-to-back clock reads. */
static long timer_floor_ns(void)
{
	long best = -1;
	for (int i = 0; i < 100000; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_MONOTONIC, &b);
		long d = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
		if (d > 0 && (best < 0 || d < best))
			best = d;
	}
	return best;
}

static uint64_t rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static float uniform(uint64_t *s)
{
	return (float)(rng(s) >> 40) * (2.0f / 16777216.0f) - 1.0f;
}

static float normal(uint64_t *s)
{
	return (uniform(s) + uniform(s) + uniform(s) + uniform(s)) * 0.5f;
}

/* Points around `clusters` centres; centres from one seed, points from
 * another, so queries come from the same clusters but are new points. */
static void gen_clustered(float *out, uint32_t n, uint32_t clusters, float spread,
			  uint64_t centre_seed, uint64_t seed)
{
	float *c = malloc(sizeof(float) * clusters * DIM);
	CHECK(c != NULL, "oom");
	for (uint32_t i = 0; i < clusters * DIM; i++)
		c[i] = uniform(&centre_seed);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = (uint32_t)(rng(&seed) % clusters);
		for (uint32_t j = 0; j < DIM; j++)
			out[(size_t)i * DIM + j] = c[(size_t)k * DIM + j] + spread * normal(&seed);
	}
	free(c);
}

static void gen_uniform(float *out, uint32_t n, uint64_t seed)
{
	for (size_t i = 0; i < (size_t)n * DIM; i++)
		out[i] = uniform(&seed);
}

/* Exact top-K by brute force (distances in double). */
static void ground_truth(const float *data, uint32_t n, const float *q, uint32_t qn, uint64_t *truth)
{
	double best[K];
	for (uint32_t qi = 0; qi < qn; qi++) {
		uint64_t *out = truth + (size_t)qi * K;
		uint32_t cnt = 0;
		const float *qv = q + (size_t)qi * DIM;
		for (uint32_t i = 0; i < n; i++) {
			const float *v = data + (size_t)i * DIM;
			double d = 0;
			for (uint32_t j = 0; j < DIM; j++) {
				double t = (double)qv[j] - v[j];
				d += t * t;
			}
			if (cnt == K && d >= best[K - 1])
				continue;
			uint32_t p = cnt < K ? cnt++ : K - 1;
			while (p > 0 && best[p - 1] > d) {
				best[p] = best[p - 1];
				out[p] = out[p - 1];
				p--;
			}
			best[p] = d;
			out[p] = i;
		}
	}
}

static const uint32_t efs[] = {10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96,
			       112, 128, 160, 192, 256, 320, 384, 512, 640, 800};
#define EF_COUNT (sizeof(efs) / sizeof(efs[0]))

struct curve {
	const char *name;
	double build_s;
	double bytes_per_vec;
	double recall[EF_COUNT];
	double qps[EF_COUNT];
	size_t count; /* sweep points measured */
};

/* ---- the two indexes behind one interface ------------------------------------------- */

struct index_ops {
	const char *name;
	void *(*build)(const float *data, uint32_t n, double *bytes);
	int (*search)(void *h, const float *q, uint32_t ef, uint64_t *labels);
	void (*destroy)(void *h);
};

struct rvx_bench {
	struct rvx_vec_store s;
	struct rvx_vec_scratch sc;
	void *mem, *scratch;
};

static uint32_t rvx_kernel = RVX_VEC_KERNEL_PORTABLE;

static void *rvx_build(const float *data, uint32_t n, double *bytes)
{
	struct rvx_bench *b = calloc(1, sizeof(*b));
	struct rvx_vec_config cfg;
	size_t size, ssz;

	CHECK(b != NULL, "oom");
	rvx_vec_config_default(&cfg, DIM, n, RVX_VEC_METRIC_L2);
	cfg.m = M;
	cfg.m0 = 2 * M;
	cfg.ef_construction = EF_CONSTRUCTION;
	CHECK(rvx_vec_store_size(&cfg, &size) == 0, "size");
	b->mem = aligned_alloc(64, (size + 63) & ~(size_t)63);
	CHECK(b->mem != NULL, "oom");
	CHECK(rvx_vec_store_init(&b->s, &cfg, b->mem, size) == 0, "init");
	CHECK(rvx_vec_store_set_kernel(&b->s, rvx_kernel) == 0, "kernel");
	CHECK(rvx_vec_scratch_size(n, 1024, &ssz) == 0, "scratch size");
	b->scratch = aligned_alloc(64, (ssz + 63) & ~(size_t)63);
	CHECK(b->scratch != NULL, "oom");
	CHECK(rvx_vec_scratch_init(&b->sc, b->scratch, ssz, n, 1024) == 0, "scratch");
	for (uint32_t i = 0; i < n; i++) {
		int rc = rvx_vec_store_insert(&b->s, i, data + (size_t)i * DIM, DIM);
		CHECK(rc == 0, "insert %u: %d", i, rc);
	}
	*bytes = (double)size / n;
	return b;
}

static int rvx_search(void *h, const float *q, uint32_t ef, uint64_t *labels)
{
	struct rvx_bench *b = h;
	struct rvx_vec_hit hits[K];
	int n = rvx_vec_store_search(&b->s, q, DIM, K, ef, &b->sc, hits, RVX_VEC_NOW_NONE);
	for (int i = 0; i < n; i++)
		labels[i] = hits[i].key;
	return n;
}

static void rvx_destroy(void *h)
{
	struct rvx_bench *b = h;
	free(b->mem);
	free(b->scratch);
	free(b);
}

/* hnswlib: memory is what the heap gained while it was built, counting
 * both arena and mmap-backed blocks (its large arrays are the latter). */
static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

#define HNSW_OPS(prefix)                                                                   \
	static void *prefix##_build_(const float *data, uint32_t n, double *bytes)         \
	{                                                                                  \
		size_t before = heap_in_use();                                      \
		struct hnsw_shim *h = prefix##_create(DIM, n, M, EF_CONSTRUCTION, 100);    \
		CHECK(h != NULL, "hnswlib create");                                        \
		for (uint32_t i = 0; i < n; i++)                                           \
			CHECK(prefix##_add(h, data + (size_t)i * DIM, i) == 0, "add %u", i); \
		*bytes = (double)(heap_in_use() - before) / n;                      \
		return h;                                                                  \
	}                                                                                  \
	static int prefix##_search_(void *h, const float *q, uint32_t ef, uint64_t *labels) \
	{                                                                                  \
		prefix##_set_ef(h, ef);                                                    \
		return prefix##_search(h, q, K, labels);                                   \
	}                                                                                  \
	static void prefix##_destroy_(void *h)                                             \
	{                                                                                  \
		prefix##_destroy(h);                                                       \
	}

HNSW_OPS(hnsw_base)
#ifdef BENCH_HAVE_AVX2_SHIM
HNSW_OPS(hnsw_avx2)
#endif

/* ---- measurement ----------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Recall of one pass over the queries at one ef (also warms the caches). */
static double recall_pass(const struct index_ops *ops, void *h, const float *q, uint32_t qn,
			  const uint64_t *truth, uint32_t ef)
{
	uint64_t labels[K];
	uint32_t found = 0;
	for (uint32_t i = 0; i < qn; i++) {
		int got = ops->search(h, q + (size_t)i * DIM, ef, labels);
		CHECK(got == K, "%s search ef %u returned %d", ops->name, ef, got);
		if (truth == NULL)
			continue;
		for (int a = 0; a < K; a++)
			for (int b = 0; b < K; b++)
				found += labels[a] == truth[(size_t)i * K + b];
	}
	return (double)found / ((double)qn * K);
}

/* Seconds for one timed pass over all queries. */
static double timed_pass(const struct index_ops *ops, void *h, const float *q, uint32_t qn,
			 uint32_t ef)
{
	uint64_t labels[K];
	double s = pass_now_s();
	for (uint32_t i = 0; i < qn; i++) {
		int got = ops->search(h, q + (size_t)i * DIM, ef, labels);
		CHECK(got == K, "%s search ef %u returned %d", ops->name, ef, got);
	}
	return pass_now_s() - s;
}

/*
 * Build both indexes, then sweep ef. At each ef: a recall pass of each,
 * then timed passes alternating between the two (at least 3 each and
 * 0.3 s each), so that drift in the machine's load hits both alike; QPS is
 * the median pass. The sweep stops two points after both reach 0.999.
 */
static void measure_pair(const struct index_ops *ops_a, const struct index_ops *ops_b,
			 const float *data, uint32_t n, const float *q, uint32_t qn,
			 const uint64_t *truth, struct curve *ca, struct curve *cb)
{
	const struct index_ops *ops[2] = {ops_a, ops_b};
	struct curve *c[2] = {ca, cb};
	void *h[2];
	static double pass_qps[2][64];

	for (int i = 0; i < 2; i++) {
		double t0 = now_s();
		h[i] = ops[i]->build(data, n, &c[i]->bytes_per_vec);
		c[i]->build_s = now_s() - t0;
		c[i]->name = ops[i]->name;
		c[i]->count = 0;
	}
	for (size_t e = 0; e < EF_COUNT; e++) {
		double t[2] = {0, 0};
		uint32_t passes = 0;
		for (int i = 0; i < 2; i++)
			c[i]->recall[e] = recall_pass(ops[i], h[i], q, qn, truth, efs[e]);
		while ((t[0] < 0.3 || t[1] < 0.3 || passes < 3) && passes < 64) {
			for (int i = 0; i < 2; i++) {
				double dt = timed_pass(ops[i], h[i], q, qn, efs[e]);
				t[i] += dt;
				pass_qps[i][passes] = qn / dt;
			}
			passes++;
		}
		for (int i = 0; i < 2; i++) {
			qsort(pass_qps[i], passes, sizeof(double), cmp_double);
			c[i]->qps[e] = pass_qps[i][passes / 2];
			c[i]->count = e + 1;
		}
		if (e >= 2 && ca->recall[e - 2] >= 0.999 && cb->recall[e - 2] >= 0.999)
			break;
	}
	for (int i = 0; i < 2; i++)
		ops[i]->destroy(h[i]);
}

/* QPS at a target recall: the first swept ef that reaches it, and a value
 * interpolated (log-linear in QPS) between the sweep points around it. */
static int at_recall(const struct curve *c, double target, double *qps_interp)
{
	for (size_t e = 0; e < c->count; e++) {
		if (c->recall[e] >= target) {
			if (e == 0 || c->recall[e] == c->recall[e - 1]) {
				*qps_interp = c->qps[e];
			} else {
				double f = (target - c->recall[e - 1]) / (c->recall[e] - c->recall[e - 1]);
				*qps_interp = exp(log(c->qps[e - 1]) +
						  f * (log(c->qps[e]) - log(c->qps[e - 1])));
			}
			return (int)e;
		}
	}
	return -1;
}

static void report(const char *set, const struct curve *r, const struct curve *h)
{
	static const double targets[] = {0.90, 0.95, 0.99};

	printf("\n== %s ==\n", set);
	printf("%-22s build %7.3f s   memory %7.0f B/vector\n", r->name, r->build_s, r->bytes_per_vec);
	printf("%-22s build %7.3f s   memory %7.0f B/vector\n", h->name, h->build_s, h->bytes_per_vec);
	printf("%5s | %-22s | %-22s\n", "ef", r->name, h->name);
	printf("%5s | %8s %12s | %8s %12s\n", "", "recall", "QPS", "recall", "QPS");
	for (size_t e = 0; e < EF_COUNT && (e < r->count || e < h->count); e++) {
		printf("%5u |", efs[e]);
		if (e < r->count)
			printf(" %8.4f %12.0f |", r->recall[e], r->qps[e]);
		else
			printf(" %8s %12s |", "-", "-");
		if (e < h->count)
			printf(" %8.4f %12.0f\n", h->recall[e], h->qps[e]);
		else
			printf(" %8s %12s\n", "-", "-");
	}
	printf("target | %-30s | %-30s | ratio (interp.)\n", r->name, h->name);
	for (int i = 0; i < 3; i++) {
		double qr = 0, qh = 0;
		int er = at_recall(r, targets[i], &qr), eh = at_recall(h, targets[i], &qh);
		printf("  %.2f | ", targets[i]);
		if (er >= 0)
			printf("ef %4u QPS %8.0f interp %8.0f | ", efs[er], r->qps[er], qr);
		else
			printf("%-30s | ", "not reached");
		if (eh >= 0)
			printf("ef %4u QPS %8.0f interp %8.0f | ", efs[eh], h->qps[eh], qh);
		else
			printf("%-30s | ", "not reached");
		if (er >= 0 && eh >= 0)
			printf("%.2fx\n", qr / qh);
		else
			printf("-\n");
	}
}

/* ---- vector store churn -------------------------------------------------------------------- */

/* Delete 30% of the vectors, insert them again, then update (re-link)
 * another 30% in place: per-operation cost, and recall@10 at ef 64 before
 * and after (the vectors end where they started, so the truth holds). */
static void churn_bench(const float *data, uint32_t n, const float *q, uint32_t qn,
			const uint64_t *truth)
{
	double bytes;
	struct rvx_bench *b;
	static const struct index_ops ops = {"ruvix", rvx_build, rvx_search, rvx_destroy};
	uint32_t step = 10, pick = 3; /* 3 of every 10 keys */
	uint32_t count = 0;

	rvx_kernel = RVX_VEC_KERNEL_PORTABLE;
	b = rvx_build(data, n, &bytes);
	double r0 = recall_pass(&ops, b, q, qn, truth, 64);
	double t = now_s();
	for (uint32_t i = 0; i < n; i++)
		if (i % step < pick) {
			CHECK(rvx_vec_store_delete(&b->s, i) == 0, "delete %u", i);
			count++;
		}
	double t_del = now_s() - t;
	double r1 = recall_pass(&ops, b, q, qn, NULL, 64);
	t = now_s();
	for (uint32_t i = 0; i < n; i++)
		if (i % step < pick)
			CHECK(rvx_vec_store_insert(&b->s, i, data + (size_t)i * DIM, DIM) == 0,
			      "reinsert %u", i);
	double t_ins = now_s() - t;
	double r2 = recall_pass(&ops, b, q, qn, truth, 64);
	t = now_s();
	for (uint32_t i = 0; i < n; i++)
		if ((i + 5) % step < pick)
			CHECK(rvx_vec_store_update(&b->s, i, data + (size_t)i * DIM, DIM) == 0,
			      "update %u", i);
	double t_upd = now_s() - t;
	double r3 = recall_pass(&ops, b, q, qn, truth, 64);
	CHECK(rvx_vec_store_verify(&b->s) == 0, "verify after churn");
	printf("\n== vector store churn (clustered set, portable kernel, %u of %u keys) ==\n", count,
	       n);
	printf("delete (with repair)   %8.1f us/op\n", t_del * 1e6 / count);
	printf("re-insert              %8.1f us/op\n", t_ins * 1e6 / count);
	printf("update (re-link)       %8.1f us/op\n", t_upd * 1e6 / count);
	printf("recall@10 at ef 64: fresh %.4f, after re-insert %.4f, after update %.4f\n", r0, r2,
	       r3);
	(void)r1;
	rvx_destroy(b);
}

/* ---- graph store --------------------------------------------------------------------------- */

static void graph_bench(void)
{
	struct rvx_graph_config cfg = {.node_capacity = 100000, .edge_capacity = 800000, .seed = 1};
	struct rvx_graph g;
	size_t size;
	uint64_t seed = 77;
	const uint32_t nodes = 100000, edges = 800000;

	CHECK(rvx_graph_size(&cfg, &size) == 0, "graph size");
	void *mem = aligned_alloc(64, (size + 63) & ~(size_t)63);
	CHECK(mem != NULL, "oom");
	CHECK(rvx_graph_init(&g, &cfg, mem, size) == 0, "graph init");
	uint64_t (*pairs)[2] = malloc(sizeof(*pairs) * edges);
	CHECK(pairs != NULL, "oom");
	printf("\n== graph store: %u nodes, %u edges, %.1f MiB ==\n", nodes, edges,
	       (double)size / 1048576.0);
	printf("%-26s %12s %10s\n", "operation", "ops/s", "ns/op");

	double t = now_s();
	for (uint32_t i = 0; i < nodes; i++)
		CHECK(rvx_graph_node_add(&g, (uint64_t)i * 2654435761u, NULL) == 0, "add node %u", i);
	t = now_s() - t;
	printf("%-26s %12.0f %10.1f\n", "AddNode", nodes / t, t * 1e9 / nodes);

	/* Distinct random edges (a retry on a duplicate is not timed). */
	for (uint32_t i = 0; i < edges; i++) {
		pairs[i][0] = (rng(&seed) % nodes) * 2654435761u;
		pairs[i][1] = (rng(&seed) % nodes) * 2654435761u;
	}
	uint32_t added = 0;
	t = now_s();
	for (uint32_t i = 0; i < edges; i++) {
		int rc = rvx_graph_edge_add(&g, pairs[i][0], pairs[i][1], (int32_t)i);
		CHECK(rc == 0 || rc == -RVX_EEXIST || rc == -RVX_EINVAL, "add edge: %d", rc);
		if (rc == 0)
			pairs[added][0] = pairs[i][0], pairs[added][1] = pairs[i][1], added++;
	}
	t = now_s() - t;
	printf("%-26s %12.0f %10.1f   (%u added, rest duplicates/self loops)\n", "AddEdge", edges / t,
	       t * 1e9 / edges, added);

	t = now_s();
	for (uint32_t i = 0; i < added; i++)
		CHECK(rvx_graph_edge_set_weight(&g, pairs[i][0], pairs[i][1], -(int32_t)i) == 0, "w");
	t = now_s() - t;
	printf("%-26s %12.0f %10.1f\n", "UpdateEdgeWeight", added / t, t * 1e9 / added);

	int32_t w;
	uint64_t sum = 0;
	t = now_s();
	for (uint32_t i = 0; i < added; i++) {
		CHECK(rvx_graph_edge_get(&g, pairs[i][0], pairs[i][1], &w) == 0, "get");
		sum += (uint32_t)w;
	}
	t = now_s() - t;
	printf("%-26s %12.0f %10.1f\n", "edge lookup", added / t, t * 1e9 / added);

	struct rvx_graph_iter it;
	struct rvx_graph_edge e;
	uint64_t visited = 0;
	t = now_s();
	for (uint32_t i = 0; i < nodes; i++) {
		CHECK(rvx_graph_iter_init(&g, (uint64_t)i * 2654435761u, RVX_GRAPH_OUT, &it) == 0, "it");
		while (rvx_graph_iter_next(&g, &it, &e))
			visited++;
	}
	t = now_s() - t;
	CHECK(visited == added, "iteration saw %llu of %u edges", (unsigned long long)visited, added);
	printf("%-26s %12.0f %10.1f   (per edge visited)\n", "neighbour iteration", visited / t,
	       t * 1e9 / visited);

	/* Mutations through the canonical encoding, as the kernel will apply
	 * them: encode, decode, apply. */
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];
	struct rvx_graph_mutation m, d;
	uint32_t half = added / 2;
	t = now_s();
	for (uint32_t i = 0; i < half; i++) {
		memset(&m, 0, sizeof(m));
		m.kind = RVX_GRAPH_OP_REMOVE_EDGE;
		m.node = pairs[i][0];
		m.peer = pairs[i][1];
		CHECK(rvx_graph_mutation_encode(&m, enc) == 0, "encode");
		CHECK(rvx_graph_mutation_decode(enc, &d) == 0, "decode");
		CHECK(rvx_graph_apply(&g, &d) == 0, "apply remove edge %u", i);
	}
	t = now_s() - t;
	printf("%-26s %12.0f %10.1f\n", "RemoveEdge (enc+dec+apply)", half / t, t * 1e9 / half);

	uint32_t rem = nodes / 2;
	t = now_s();
	for (uint32_t i = 0; i < rem; i++)
		CHECK(rvx_graph_node_remove(&g, (uint64_t)i * 2654435761u) == 0, "remove node %u", i);
	t = now_s() - t;
	printf("%-26s %12.0f %10.1f   (with its edges)\n", "RemoveNode", rem / t, t * 1e9 / rem);
	CHECK(rvx_graph_verify(&g) == 0, "graph verify");
	printf("(checksum %llu)\n", (unsigned long long)sum);
	free(pairs);
	free(mem);
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 10000;
	uint32_t qn = argc > 2 ? (uint32_t)atoi(argv[2]) : 1000;
	float *data = malloc(sizeof(float) * n * DIM);
	float *q = malloc(sizeof(float) * qn * DIM);
	uint64_t *truth = calloc((size_t)qn * K, sizeof(uint64_t));
#ifdef BENCH_HAVE_AVX2_SHIM
	bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
		    rvx_vec_kernel_available(RVX_VEC_KERNEL_AVX2);
#else
	bool avx2 = false;
#endif

	CHECK(data && q && truth, "oom");
	if (argc > 3) {
		CHECK(strcmp(argv[3], "wall") == 0 || strcmp(argv[3], "cpu") == 0,
		      "clock must be wall or cpu, not %s", argv[3]);
		if (strcmp(argv[3], "cpu") == 0)
			pass_clock = CLOCK_THREAD_CPUTIME_ID;
	}
	printf("bench_hnsw: %u x %u float vectors, %u queries, k %u, M %u, ef_construction %u,\n"
	       "single thread, both indexes called in-process (no system calls).\n",
	       n, DIM, qn, K, M, EF_CONSTRUCTION);
	printf("timer floor (smallest nonzero back-to-back CLOCK_MONOTONIC difference): %ld ns\n",
	       timer_floor_ns());
	printf("QPS timed on %s\n", pass_clock == CLOCK_MONOTONIC
					  ? "wall time (CLOCK_MONOTONIC)"
					  : "the thread's CPU time (CLOCK_THREAD_CPUTIME_ID)");

	static const struct index_ops rvx_ops = {"ruvix (portable)", rvx_build, rvx_search,
						 rvx_destroy};
	static const struct index_ops rvx_avx_ops = {"ruvix (avx2+fma)", rvx_build, rvx_search,
						     rvx_destroy};
	static const struct index_ops base_ops = {"hnswlib (sse)", hnsw_base_build_,
						  hnsw_base_search_, hnsw_base_destroy_};
#ifdef BENCH_HAVE_AVX2_SHIM
	static const struct index_ops avx_ops = {"hnswlib (avx)", hnsw_avx2_build_,
						 hnsw_avx2_search_, hnsw_avx2_destroy_};
#else
	static const struct index_ops avx_ops = {"hnswlib (avx)", NULL, NULL, NULL};
#endif

	for (int set = 0; set < 2; set++) {
		const char *name = set == 0 ? "clustered (10 overlapping clusters)"
					    : "uniform [-1,1]^128";
		if (set == 0) {
			gen_clustered(data, n, 10, 0.5f, 1, 2);
			gen_clustered(q, qn, 10, 0.5f, 1, 3);
		} else {
			gen_uniform(data, n, 4);
			gen_uniform(q, qn, 5);
		}
		ground_truth(data, n, q, qn, truth);
		struct curve r, h;
		char title[128];
		rvx_kernel = RVX_VEC_KERNEL_PORTABLE;
		measure_pair(&rvx_ops, &base_ops, data, n, q, qn, truth, &r, &h);
		snprintf(title, sizeof(title), "%s, baseline x86-64 code (SSE)", name);
		report(title, &r, &h);
		if (set == 0)
			churn_bench(data, n, q, qn, truth);
		if (avx2) {
			rvx_kernel = RVX_VEC_KERNEL_AVX2;
			measure_pair(&rvx_avx_ops, &avx_ops, data, n, q, qn, truth, &r, &h);
			snprintf(title, sizeof(title), "%s, AVX2 kernels on both sides", name);
			report(title, &r, &h);
		}
	}
	graph_bench();
	printf("\nall timed calls succeeded\n");
	free(data);
	free(q);
	free(truth);
	return 0;
}
