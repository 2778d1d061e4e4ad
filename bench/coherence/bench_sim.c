/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-coherence-sim: a discrete-event simulation of 256 partitions on 8,
 * 16, 32 and 64 nodes, driven by a traffic trace logged from a real run
 * (bench-coherence-hosted -t), comparing three placements: the coherence
 * engine (the real lib/coherence calls, fed each simulated epoch), round-
 * robin (partition p on node p mod k) and METIS 5.1 as an oracle that
 * partitions each epoch's own graph.
 *
 * Scaling the trace (n0 tasks, E0 epochs) up to N = 256 partitions:
 *  - R = N / n0 replicas; role (r, t) is trace task t in replica r, and
 *    replica r replays trace epoch (s + 7r) mod E0 at simulated epoch s, so
 *    the replicas are out of phase;
 *  - drift in four phases of S/4 epochs: 0 as traced; 1 merge: half of
 *    every message goes to the same-role receiver of the partner replica
 *    (r xor 1), so replica pairs become one community; 2 and 3: a quarter
 *    of the partitions swap roles with another (random pairs), so who talks
 *    to whom changes under the placement.
 *
 * What the network model is (per node: one egress and one ingress port,
 * each a FIFO server; messages are events):
 *  - a message between two partitions on one node costs LOCAL_NS, with no
 *    queueing;
 *  - a remote message queues at its source node's egress port, is served
 *    for (bytes + HEADER) * t_byte, crosses the interconnect in WIRE_NS,
 *    queues at the destination's ingress port and is served again;
 *    latency = delivery - send;
 *  - the congestion parameter rho sets t_byte per node count: round-robin's
 *    mean egress port is busy a fraction rho of the time (so the same
 *    hardware for the three placements; a busier port than the mean may
 *    exceed 1 and its queue then grows);
 *  - within an epoch a directed edge's messages arrive at uniformly random
 *    times (its count and bytes from the trace, size = bytes / count).
 * What it does not model: CPU time, scheduling and run queues on a node
 * (no compute contention, no Flow throughput: the traffic is replayed
 * open-loop), memory bandwidth and caches, topology (every pair of nodes
 * one hop apart), the cost of migrating a partition, and the bursts inside
 * an epoch of the real run.
 *
 * Usage: bench-coherence-sim TRACE [-o DIR] [-n EPOCHS]
 * Writes DIR/sim-summary.csv and DIR/sim-epochs.csv; prints a table.
 */
#include "bench_util.h" /* first: it defines _GNU_SOURCE */

#include <math.h>
#include <metis.h>
#include <stdalign.h>
#include <stdbool.h>

#include "ruvix/coherence.h"

#define N 256u
#define MAXN0 64u
#define MAXE0 1024u
#define MAXS 256u
#define MAXE 16384u
#define PL_COUNT 3u
#define LOCAL_NS 500.0
#define WIRE_NS 2000.0
#define HEADER 64u
#define WARM 4u /* epochs left out of the warm figures */

static const uint32_t node_counts[] = {8, 16, 32, 64};
static const double rhos[] = {0.3, 0.6, 0.9};
static const char *const pl_name[PL_COUNT] = {"round-robin", "engine", "metis"};
enum { PL_RR, PL_ENGINE, PL_METIS };

/* ---- the trace ---- */

struct tedge {
	uint32_t a, b;
	uint64_t bytes, msgs;
};

static struct {
	uint32_t n0, e0;
	uint64_t epoch_ns;
	uint8_t reflex[MAXN0];
	uint32_t first[MAXE0 + 1]; /* edges of epoch e: first[e] .. first[e + 1] */
	struct tedge *edges;
	uint32_t edge_count, edge_cap;
	uint64_t load[MAXE0][MAXN0];
} tr;

static void trace_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int cur = -1;

	BENCH_REQUIRE(f != NULL, "cannot read %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned a, b;
		unsigned long long x, y;
		char word[16];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "vertices %u", &a) == 1) {
			BENCH_REQUIRE(a >= 2 && a <= MAXN0 && N % a == 0, "vertices %u: 2..%u dividing %u", a,
				      MAXN0, N);
			tr.n0 = a;
		} else if (sscanf(line, "epoch_ns %llu", &x) == 1) {
			BENCH_REQUIRE(x > 0, "epoch_ns");
			tr.epoch_ns = x;
		} else if (sscanf(line, "class %u %15s", &a, word) == 2) {
			BENCH_REQUIRE(a < tr.n0, "class of vertex %u", a);
			tr.reflex[a] = strcmp(word, "reflex") == 0;
		} else if (sscanf(line, "epoch %u", &a) == 1) {
			BENCH_REQUIRE(tr.n0 != 0 && a == (unsigned)cur + 2u && a <= MAXE0,
				      "epoch %u out of order", a);
			cur = (int)a - 1;
			tr.first[cur] = tr.edge_count;
			tr.e0 = a;
		} else if (sscanf(line, "edge %u %u %llu %llu", &a, &b, &x, &y) == 4) {
			BENCH_REQUIRE(cur >= 0 && a < tr.n0 && b < tr.n0 && a != b && y > 0 && x >= y,
				      "bad edge line: %s", line);
			if (tr.edge_count == tr.edge_cap) {
				tr.edge_cap = tr.edge_cap ? 2 * tr.edge_cap : 4096;
				tr.edges = realloc(tr.edges, tr.edge_cap * sizeof(*tr.edges));
				BENCH_REQUIRE(tr.edges != NULL, "out of memory");
			}
			tr.edges[tr.edge_count++] = (struct tedge){a, b, x, y};
		} else if (sscanf(line, "load %u %llu", &a, &x) == 2) {
			BENCH_REQUIRE(cur >= 0 && a < tr.n0, "bad load line: %s", line);
			tr.load[cur][a] = x;
		} else {
			BENCH_REQUIRE(0, "unknown trace line: %s", line);
		}
	}
	fclose(f);
	BENCH_REQUIRE(tr.e0 >= 8 && tr.epoch_ns != 0, "%s: no trace (epochs %u)", path, tr.e0);
	tr.first[tr.e0] = tr.edge_count;
}

/* ---- the scaled workload ---- */

struct sedge {
	uint32_t src, dst;
	uint64_t bytes, msgs;
	uint8_t reflex; /* the sender's role is Reflex */
};

static uint32_t S = 64;
static struct sedge *sg[MAXS];
static uint32_t sg_count[MAXS];
static uint64_t sload[MAXS][N];
static uint32_t eidx[N][N]; /* engine edge slot of an undirected pair, or UINT32_MAX */
static uint32_t ea[MAXE], eb[MAXE], e_count;

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static void sg_add(uint32_t s, uint32_t *cap, uint32_t src, uint32_t dst, uint64_t bytes, uint64_t msgs,
		   uint8_t reflex)
{
	if (msgs == 0 || src == dst)
		return;
	if (sg_count[s] == *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		sg[s] = realloc(sg[s], *cap * sizeof(**sg));
		BENCH_REQUIRE(sg[s] != NULL, "out of memory");
	}
	sg[s][sg_count[s]++] = (struct sedge){src, dst, bytes, msgs, reflex};
	if (eidx[src][dst] == UINT32_MAX) {
		BENCH_REQUIRE(e_count < MAXE, "too many edges");
		ea[e_count] = src;
		eb[e_count] = dst;
		eidx[src][dst] = eidx[dst][src] = e_count++;
	}
}

static void scale(void)
{
	uint32_t who[N], r, t, s, i, R = N / tr.n0;
	uint64_t rng = 0x5EED5EEDu;

	memset(eidx, 0xFF, sizeof(eidx));
	/* Role i is played by partition who[i]: a random permutation, since
	 * partition numbers owe nothing to who talks to whom (in the trace's
	 * own order, p mod k would put every replica's tasks alike). */
	for (i = 0; i < N; i++)
		who[i] = i;
	for (i = N - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rnd(&rng) % (i + 1)), x = who[i];

		who[i] = who[j];
		who[j] = x;
	}
	for (s = 0; s < S; s++) {
		uint32_t phase = s * 4u / S, cap = 0;

		if ((s == S / 2 || s == 3 * S / 4) && s != 0) {
			for (i = 0; i < N / 8u; i++) {
				uint32_t x = (uint32_t)(rnd(&rng) % N), y = (uint32_t)(rnd(&rng) % N), w = who[x];

				who[x] = who[y];
				who[y] = w;
			}
		}
		for (r = 0; r < R; r++) {
			uint32_t te = (s + 7u * r) % tr.e0;

			for (i = tr.first[te]; i < tr.first[te + 1]; i++) {
				const struct tedge *e = &tr.edges[i];
				uint32_t src = who[r * tr.n0 + e->a], dst = who[r * tr.n0 + e->b];
				uint64_t m = e->msgs, b = e->bytes;

				if (phase == 1) {
					uint64_t m2 = m / 2, b2 = b * m2 / m;

					sg_add(s, &cap, src, who[(r ^ 1u) * tr.n0 + e->b], b2, m2,
					       tr.reflex[e->a]);
					m -= m2;
					b -= b2;
				}
				sg_add(s, &cap, src, dst, b, m, tr.reflex[e->a]);
			}
			for (t = 0; t < tr.n0; t++)
				sload[s][who[r * tr.n0 + t]] = tr.load[te][t];
		}
	}
}

/* ---- placements ---- */

static uint8_t place[PL_COUNT][MAXS][N];
/* An epoch's traffic graph as the engine and METIS see it: bytes plus
 * messages per pair, as lib/part and the hosted port feed the engine. */
static uint64_t undirected[N][N];

static void epoch_matrix(uint32_t s)
{
	memset(undirected, 0, sizeof(undirected));
	for (uint32_t i = 0; i < sg_count[s]; i++) {
		const struct sedge *e = &sg[s][i];

		undirected[e->src][e->dst] += e->bytes + e->msgs;
		undirected[e->dst][e->src] += e->bytes + e->msgs;
	}
}

static struct rvx_coh coh;
static struct rvx_coh_vertex coh_v[N];
static struct rvx_coh_edge coh_e[MAXE];
static alignas(8) uint8_t coh_scratch[RVX_COH_SCRATCH_BYTES(N, MAXE, 64)];
static struct rvx_coh_move coh_moves[N];

static uint64_t clock_read(void *ctx)
{
	(void)ctx;
	return bench_now_ns();
}

struct engine_stats {
	uint32_t moves, budget_exceeded, rebuilds;
	uint64_t close_ns[MAXS], close_cpu_ns[MAXS]; /* wall time, the thread's CPU time */
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The engine as the kernel runs it: it sees epoch s's traffic at its close
 * and its placement is in force from epoch s + 1 (epoch 0: round-robin). */
static void engine_run(uint32_t k, struct engine_stats *st)
{
	struct rvx_coh_config cfg;
	uint32_t i, s, e;

	memset(st, 0, sizeof(*st));
	rvx_coh_config_default(&cfg, k);
	cfg.clock = clock_read;
	/* Loads vary from epoch to epoch (messages handled), as in the hosted bench. */
	cfg.load_decay_q16 = RVX_COH_Q16_ONE - RVX_COH_Q16_ONE / 8u;
	cfg.balance_slack_q16 = RVX_COH_Q16_ONE / 4u;
	BENCH_REQUIRE(rvx_coh_init(&coh, &cfg, coh_v, N, coh_e, MAXE, coh_scratch, sizeof(coh_scratch)) == 0,
		      "rvx_coh_init");
	for (i = 0; i < N; i++)
		BENCH_REQUIRE(rvx_coh_vertex_add(&coh, i, i % k) == 0, "vertex_add");
	for (i = 0; i < e_count; i++) {
		BENCH_REQUIRE(rvx_coh_edge_add(&coh, ea[i], eb[i], &e) == 0, "edge_add");
		BENCH_REQUIRE(e == i, "edge slot");
	}
	for (i = 0; i < N; i++)
		place[PL_ENGINE][0][i] = (uint8_t)(i % k);
	for (s = 0; s < S; s++) {
		struct rvx_coh_result res, rres;
		uint64_t t0, c0;

		for (i = 0; i < N; i++)
			BENCH_REQUIRE(rvx_coh_vertex_note(&coh, i, sload[s][i]) == 0, "vertex_note");
		for (i = 0; i < sg_count[s]; i++)
			BENCH_REQUIRE(rvx_coh_edge_note(&coh, eidx[sg[s][i].src][sg[s][i].dst],
							sg[s][i].bytes + sg[s][i].msgs) == 0, "edge_note");
		c0 = thread_cpu_ns();
		t0 = bench_now_ns();
		BENCH_REQUIRE(rvx_coh_epoch_close(&coh, &res, coh_moves, N) == 0, "epoch_close");
		st->close_ns[s] = bench_now_ns() - t0;
		st->close_cpu_ns[s] = thread_cpu_ns() - c0;
		BENCH_REQUIRE(res.epoch == s + 1u, "epoch count");
		st->moves += res.moved;
		st->budget_exceeded += (res.flags & RVX_COH_RES_BUDGET_EXCEEDED) != 0;
		if (res.flags & RVX_COH_RES_REBUILD_DUE) {
			BENCH_REQUIRE(rvx_coh_rebuild(&coh, &rres, coh_moves, N) == 0, "rebuild");
			st->moves += rres.moved;
			st->rebuilds++;
			st->budget_exceeded += (rres.flags & RVX_COH_RES_BUDGET_EXCEEDED) != 0;
		}
		if (s + 1u < S)
			for (i = 0; i < N; i++) {
				int p = rvx_coh_part_of(&coh, i);

				BENCH_REQUIRE(p >= 0 && (uint32_t)p < k, "part_of");
				place[PL_ENGINE][s + 1u][i] = (uint8_t)p;
			}
	}
}

static void metis_run(uint32_t k)
{
	static idx_t xadj[N + 1], adjncy[2 * MAXE], adjwgt[2 * MAXE];
	idx_t vwgt[N], p[N], n = N, ncon = 1, nparts = (idx_t)k, objval, options[METIS_NOPTIONS];
	real_t ub = 1.10f;

	for (uint32_t s = 0; s < S; s++) {
		uint32_t pos = 0;
		int rc;

		epoch_matrix(s);
		for (uint32_t a = 0; a < N; a++) {
			xadj[a] = (idx_t)pos;
			for (uint32_t b = 0; b < N; b++)
				if (undirected[a][b] != 0) {
					adjncy[pos] = (idx_t)b;
					adjwgt[pos++] = (idx_t)(undirected[a][b] < INT32_MAX ? undirected[a][b] : INT32_MAX);
				}
			vwgt[a] = (idx_t)(sload[s][a] ? sload[s][a] : 1);
		}
		xadj[N] = (idx_t)pos;
		METIS_SetDefaultOptions(options);
		options[METIS_OPTION_SEED] = 1;
		rc = METIS_PartGraphKway(&n, &ncon, xadj, adjncy, vwgt, NULL, adjwgt, &nparts, NULL, &ub,
					 options, &objval, p);
		BENCH_REQUIRE(rc == METIS_OK, "METIS_PartGraphKway returned %d", rc);
		for (uint32_t i = 0; i < N; i++) {
			BENCH_REQUIRE(p[i] >= 0 && (uint32_t)p[i] < k, "METIS part");
			place[PL_METIS][s][i] = (uint8_t)p[i];
		}
	}
}

/* ---- the discrete-event simulation ---- */

enum ev_kind { EV_ARRIVE, EV_EGRESS_DONE, EV_INGRESS_ARRIVE, EV_INGRESS_DONE };

struct ev {
	double t;
	uint64_t seq;
	uint32_t msg;
	uint32_t kind;
};

struct msg {
	double sent;
	uint32_t src, dst, size, epoch, next;
	uint8_t reflex;
};

struct port {
	uint32_t head, tail, busy;
};

static struct ev *heap;
static size_t heap_n, heap_cap;
static uint64_t heap_seq;
static struct msg *msgs;
static uint32_t msg_cap, msg_free = UINT32_MAX, msg_top;
static struct port egress[64], ingress[64];
static double t_byte;

static bool ev_less(const struct ev *a, const struct ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void push(double t, uint32_t m, uint32_t kind)
{
	size_t i;

	if (heap_n == heap_cap) {
		heap_cap = heap_cap ? 2 * heap_cap : 65536;
		heap = realloc(heap, heap_cap * sizeof(*heap));
		BENCH_REQUIRE(heap != NULL, "out of memory");
	}
	i = heap_n++;
	heap[i] = (struct ev){t, heap_seq++, m, kind};
	while (i > 0 && ev_less(&heap[i], &heap[(i - 1) / 2])) {
		struct ev x = heap[i];

		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = x;
		i = (i - 1) / 2;
	}
}

static struct ev pop(void)
{
	struct ev top = heap[0];
	size_t i = 0;

	heap[0] = heap[--heap_n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < heap_n && ev_less(&heap[l], &heap[m]))
			m = l;
		if (r < heap_n && ev_less(&heap[r], &heap[m]))
			m = r;
		if (m == i)
			break;
		struct ev x = heap[i];

		heap[i] = heap[m];
		heap[m] = x;
		i = m;
	}
	return top;
}

static uint32_t msg_alloc(void)
{
	uint32_t m;

	if (msg_free != UINT32_MAX) {
		m = msg_free;
		msg_free = msgs[m].next;
		return m;
	}
	if (msg_top == msg_cap) {
		msg_cap = msg_cap ? 2 * msg_cap : 65536;
		msgs = realloc(msgs, msg_cap * sizeof(*msgs));
		BENCH_REQUIRE(msgs != NULL, "out of memory");
	}
	return msg_top++;
}

static double service(uint32_t m)
{
	return (double)(msgs[m].size + HEADER) * t_byte;
}

/* A message reaches a port at time t: served now if it is idle, else queued. */
static void port_arrive(struct port *p, uint32_t m, double t, uint32_t done_kind)
{
	msgs[m].next = UINT32_MAX;
	if (!p->busy) {
		p->busy = 1;
		push(t + service(m), m, done_kind);
	} else if (p->head == UINT32_MAX) {
		p->head = p->tail = m;
	} else {
		msgs[p->tail].next = m;
		p->tail = m;
	}
}

static void port_done(struct port *p, double t, uint32_t done_kind)
{
	uint32_t m = p->head;

	if (m == UINT32_MAX) {
		p->busy = 0;
		return;
	}
	p->head = msgs[m].next;
	push(t + service(m), m, done_kind);
}

/* Latencies per epoch, all messages and Reflex ones: local messages are
 * counted (each took LOCAL_NS, less than any remote one), remote ones kept
 * (ns, float). */
struct lat {
	float *v;
	size_t n, cap;
	uint64_t local;
};

static struct lat lat_all[MAXS], lat_reflex[MAXS];

static void lat_add(struct lat *l, double x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4096;
		l->v = realloc(l->v, l->cap * sizeof(float));
		BENCH_REQUIRE(l->v != NULL, "out of memory");
	}
	l->v[l->n++] = (float)x;
}

static void deliver(uint32_t m, double t)
{
	lat_add(&lat_all[msgs[m].epoch], t - msgs[m].sent);
	if (msgs[m].reflex)
		lat_add(&lat_reflex[msgs[m].epoch], t - msgs[m].sent);
}

static void run_events(double until)
{
	while (heap_n > 0 && heap[0].t < until) {
		struct ev e = pop();
		struct msg *m = &msgs[e.msg];

		switch (e.kind) {
		case EV_ARRIVE:
			port_arrive(&egress[m->src], e.msg, e.t, EV_EGRESS_DONE);
			break;
		case EV_EGRESS_DONE:
			port_done(&egress[m->src], e.t, EV_EGRESS_DONE);
			push(e.t + WIRE_NS, e.msg, EV_INGRESS_ARRIVE);
			break;
		case EV_INGRESS_ARRIVE:
			port_arrive(&ingress[m->dst], e.msg, e.t, EV_INGRESS_DONE);
			break;
		default:
			port_done(&ingress[m->dst], e.t, EV_INGRESS_DONE);
			deliver(e.msg, e.t);
			m->next = msg_free;
			msg_free = e.msg;
			break;
		}
	}
}

/* The element of rank @p r in v[0..n) (quickselect; reorders v). */
static float select_rank(float *v, size_t n, size_t r)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		float pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				float x = v[i];

				v[i] = v[j];
				v[j] = x;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (r <= j)
			hi = j;
		else if (r >= i)
			lo = i;
		else
			return v[r];
	}
	return v[r];
}

/* Quantile @p q of @p local messages of LOCAL_NS and the remote ones in v. */
static double fpct(float *v, size_t n, uint64_t local, double q)
{
	size_t total = n + local, r;

	if (total == 0)
		return 0;
	r = (size_t)(q * (double)(total - 1) + 0.5);
	return r < local ? LOCAL_NS : select_rank(v, n, r - local);
}

/* Wire bytes (payload + headers) through the busiest port (egress or
 * ingress) of a placement over the whole run. */
static uint64_t busiest_port(uint32_t pl, uint32_t k)
{
	uint64_t out[64] = {0}, in[64] = {0}, mx = 0;

	for (uint32_t s = 0; s < S; s++)
		for (uint32_t i = 0; i < sg_count[s]; i++) {
			const struct sedge *e = &sg[s][i];
			uint32_t a = place[pl][s][e->src], b = place[pl][s][e->dst];

			if (a != b) {
				out[a] += e->bytes + e->msgs * HEADER;
				in[b] += e->bytes + e->msgs * HEADER;
			}
		}
	for (uint32_t p = 0; p < k; p++) {
		mx = out[p] > mx ? out[p] : mx;
		mx = in[p] > mx ? in[p] : mx;
	}
	return mx;
}

struct simres {
	uint64_t msgs, cross_bytes, bytes;
	double p50, p99, p999, rp99, max_imb, mean_imb;
	double warm_p99, warm_rp99; /* epochs WARM + 1 .. S */
	double ep_p99[MAXS], ep_rp99[MAXS];
	uint64_t ep_cross[MAXS];
};

static void simulate(uint32_t pl, uint32_t k, double rho, struct simres *r)
{
	double ep = (double)tr.epoch_ns;
	uint64_t rng = 0xD15C0u + k;
	size_t total = 0, rtotal = 0, wtotal = 0, wrtotal = 0;
	uint64_t loc = 0, rloc = 0, wloc = 0, wrloc = 0;
	float *all, *ref, *wall, *wref;
	uint32_t s, i;

	memset(r, 0, sizeof(*r));
	/* rho = utilisation of round-robin's busiest port, over the run. */
	t_byte = rho * ep * S / (double)busiest_port(PL_RR, k);
	heap_n = 0;
	heap_seq = 0;
	msg_top = 0;
	msg_free = UINT32_MAX;
	for (i = 0; i < k; i++) {
		egress[i] = (struct port){UINT32_MAX, UINT32_MAX, 0};
		ingress[i] = (struct port){UINT32_MAX, UINT32_MAX, 0};
	}
	for (s = 0; s < S; s++) {
		uint64_t nl[64] = {0}, tot = 0, mx = 0;
		double t0 = ep * s;

		lat_all[s].n = lat_reflex[s].n = 0;
		lat_all[s].local = lat_reflex[s].local = 0;
		for (i = 0; i < sg_count[s]; i++) {
			const struct sedge *e = &sg[s][i];
			uint32_t a = place[pl][s][e->src], b = place[pl][s][e->dst];
			uint32_t size = (uint32_t)(e->bytes / e->msgs);

			r->msgs += e->msgs;
			r->bytes += e->bytes;
			if (a != b) {
				r->cross_bytes += e->bytes;
				r->ep_cross[s] += e->bytes;
			}
			for (uint64_t j = 0; j < e->msgs; j++) {
				double at = t0 + ep * ((double)(rnd(&rng) >> 11) / 9007199254740992.0);
				uint32_t m;

				if (a == b) {
					lat_all[s].local++;
					lat_reflex[s].local += e->reflex;
					continue;
				}
				m = msg_alloc();
				msgs[m] = (struct msg){at, a, b, size, s, UINT32_MAX, e->reflex};
				push(at, m, EV_ARRIVE);
			}
		}
		for (i = 0; i < N; i++) {
			nl[place[pl][s][i]] += sload[s][i];
			tot += sload[s][i];
		}
		for (i = 0; i < k; i++)
			mx = nl[i] > mx ? nl[i] : mx;
		if (tot != 0 && (double)mx * k / (double)tot > r->max_imb)
			r->max_imb = (double)mx * k / (double)tot;
		if (tot != 0)
			r->mean_imb += (double)mx * k / (double)tot / S;
		run_events(t0 + ep);
	}
	run_events(INFINITY);
	BENCH_REQUIRE(heap_n == 0, "events left");
	for (s = 0; s < S; s++) {
		total += lat_all[s].n;
		rtotal += lat_reflex[s].n;
		loc += lat_all[s].local;
		rloc += lat_reflex[s].local;
		if (s >= WARM) {
			wloc += lat_all[s].local;
			wrloc += lat_reflex[s].local;
		}
	}
	BENCH_REQUIRE(total + loc == r->msgs, "every message delivered (%zu of %llu)", total,
		      (unsigned long long)r->msgs);
	all = malloc((total + 1) * sizeof(float));
	ref = malloc((rtotal + 1) * sizeof(float));
	wall = malloc((total + 1) * sizeof(float));
	wref = malloc((rtotal + 1) * sizeof(float));
	BENCH_REQUIRE(all != NULL && ref != NULL && wall != NULL && wref != NULL, "out of memory");
	total = rtotal = 0;
	for (s = 0; s < S; s++) {
		memcpy(all + total, lat_all[s].v, lat_all[s].n * sizeof(float));
		total += lat_all[s].n;
		memcpy(ref + rtotal, lat_reflex[s].v, lat_reflex[s].n * sizeof(float));
		rtotal += lat_reflex[s].n;
		if (s >= WARM) {
			memcpy(wall + wtotal, lat_all[s].v, lat_all[s].n * sizeof(float));
			wtotal += lat_all[s].n;
			memcpy(wref + wrtotal, lat_reflex[s].v, lat_reflex[s].n * sizeof(float));
			wrtotal += lat_reflex[s].n;
		}
		r->ep_p99[s] = fpct(lat_all[s].v, lat_all[s].n, lat_all[s].local, 0.99);
		r->ep_rp99[s] = fpct(lat_reflex[s].v, lat_reflex[s].n, lat_reflex[s].local, 0.99);
	}
	r->p50 = fpct(all, total, loc, 0.50);
	r->p99 = fpct(all, total, loc, 0.99);
	r->p999 = fpct(all, total, loc, 0.999);
	r->rp99 = fpct(ref, rtotal, rloc, 0.99);
	r->warm_p99 = fpct(wall, wtotal, wloc, 0.99);
	r->warm_rp99 = fpct(wref, wrtotal, wrloc, 0.99);
	free(all);
	free(ref);
	free(wall);
	free(wref);
}

static FILE *open_out(const char *dir, const char *name, const char *header)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	BENCH_REQUIRE(f != NULL, "cannot write %s", path);
	fputs(header, f);
	return f;
}

int main(int argc, char **argv)
{
	const char *trace = NULL, *dir = ".";
	FILE *sum, *eps;
	static struct simres res;
	struct engine_stats est;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			S = (uint32_t)atoi(argv[++i]);
		else if (trace == NULL && argv[i][0] != '-')
			trace = argv[i];
		else
			trace = NULL, argc = 0;
	}
	if (trace == NULL || S < 8 || S > MAXS) {
		fprintf(stderr, "usage: %s TRACE [-o DIR] [-n EPOCHS 8..%u]\n"
			"  TRACE: from bench-coherence-hosted -t\n", argv[0], MAXS);
		return 2;
	}
	trace_read(trace);
	scale();
	printf("bench-coherence-sim: %u partitions = %u replicas of the %u-task trace (%u epochs of %.0f ms),\n"
	       "%u simulated epochs (drift: merge at %u, role swaps at %u and %u); local %.1f us,\n"
	       "remote: egress FIFO + %.1f us wire + ingress FIFO, service (bytes + %u) x t_byte,\n"
	       "rho = round-robin's mean egress utilisation; engine: lib/coherence, 50 us budget,\n"
	       "placement decided the epoch before; METIS: oracle on each epoch's own graph.\n\n",
	       N, N / tr.n0, tr.n0, tr.e0, tr.epoch_ns / 1e6, S, S / 4, S / 2, 3 * S / 4, LOCAL_NS / 1e3,
	       WIRE_NS / 1e3, HEADER);
	sum = open_out(dir, "sim-summary.csv",
		       "nodes,rho,placement,msgs,bytes,cross_bytes,cross_pct,metis_lag_cross_bytes,p50_us,"
		       "p99_us,p999_us,reflex_p99_us,warm_p99_us,warm_reflex_p99_us,max_imbalance,"
		       "mean_imbalance,moves,budget_exceeded,rebuilds,close_p50_us,close_p99_us,close_max_us,"
		       "close_cpu_p99_us,close_cpu_max_us\n");
	eps = open_out(dir, "sim-epochs.csv", "nodes,rho,placement,epoch,cross_bytes,p99_us,reflex_p99_us\n");
	printf("p99 = all messages, all epochs; warm = epochs %u..%u; Reflex = messages Reflex tasks sent;\n"
	       "imb = heaviest node / average by the epoch's loads, worst and mean epoch\n\n", WARM + 1u, S);
	printf("%5s %4s %-11s | %12s %6s | %8s %9s %9s %9s %9s | %5s %5s\n", "nodes", "rho", "placement",
	       "cross bytes", "cross%", "p50 us", "p99 us", "warm p99", "Reflex99", "warm R99", "imbmx",
	       "imbav");
	for (size_t ki = 0; ki < sizeof(node_counts) / sizeof(node_counts[0]); ki++) {
		uint32_t k = node_counts[ki];
		uint64_t c50, c99, cmx, cc99, ccmx, lag = 0;

		for (uint32_t s = 0; s < S; s++)
			for (uint32_t i = 0; i < N; i++)
				place[PL_RR][s][i] = (uint8_t)(i % k);
		engine_run(k, &est);
		metis_run(k);
		/* METIS one epoch late (as the engine is), for reference. */
		for (uint32_t s = 0; s < S; s++)
			for (uint32_t i = 0; i < sg_count[s]; i++) {
				const struct sedge *e = &sg[s][i];
				const uint8_t *pp = s ? place[PL_METIS][s - 1u] : place[PL_RR][0];

				lag += pp[e->src] != pp[e->dst] ? e->bytes : 0;
			}
		qsort(est.close_ns, S, sizeof(uint64_t), cmp_u64);
		c50 = est.close_ns[S / 2];
		c99 = est.close_ns[(uint32_t)(0.99 * (S - 1) + 0.5)];
		cmx = est.close_ns[S - 1];
		qsort(est.close_cpu_ns, S, sizeof(uint64_t), cmp_u64);
		cc99 = est.close_cpu_ns[(uint32_t)(0.99 * (S - 1) + 0.5)];
		ccmx = est.close_cpu_ns[S - 1];
		printf("%u nodes: engine %u moves, %u rebuilds, %u budget overruns; close p50/p99/max "
		       "%.1f/%.1f/%.1f us (CPU time p99/max %.1f/%.1f); METIS one epoch late: %llu cross bytes\n",
		       k, est.moves, est.rebuilds, est.budget_exceeded, c50 / 1e3, c99 / 1e3, cmx / 1e3,
		       cc99 / 1e3, ccmx / 1e3, (unsigned long long)lag);
		for (size_t ri = 0; ri < sizeof(rhos) / sizeof(rhos[0]); ri++)
			for (uint32_t pl = 0; pl < PL_COUNT; pl++) {
				bool eng = pl == PL_ENGINE;

				simulate(pl, k, rhos[ri], &res);
				printf("%5u %4.1f %-11s | %12llu %5.1f%% | %8.2f %9.2f %9.2f %9.2f %9.2f | %5.2f %5.2f\n",
				       k, rhos[ri], pl_name[pl], (unsigned long long)res.cross_bytes,
				       100.0 * (double)res.cross_bytes / (double)res.bytes, res.p50 / 1e3,
				       res.p99 / 1e3, res.warm_p99 / 1e3, res.rp99 / 1e3, res.warm_rp99 / 1e3,
				       res.max_imb, res.mean_imb);
				fflush(stdout);
				fprintf(sum, "%u,%.2f,%s,%llu,%llu,%llu,%.3f,%llu,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,"
					     "%u,%u,%u,%.2f,%.2f,%.2f,%.2f,%.2f\n",
					k, rhos[ri], pl_name[pl], (unsigned long long)res.msgs,
					(unsigned long long)res.bytes, (unsigned long long)res.cross_bytes,
					100.0 * (double)res.cross_bytes / (double)res.bytes, (unsigned long long)lag,
					res.p50 / 1e3, res.p99 / 1e3, res.p999 / 1e3, res.rp99 / 1e3,
					res.warm_p99 / 1e3, res.warm_rp99 / 1e3, res.max_imb, res.mean_imb,
					eng ? est.moves : 0, eng ? est.budget_exceeded : 0, eng ? est.rebuilds : 0,
					eng ? c50 / 1e3 : 0, eng ? c99 / 1e3 : 0, eng ? cmx / 1e3 : 0,
					eng ? cc99 / 1e3 : 0, eng ? ccmx / 1e3 : 0);
				for (uint32_t s = 0; s < S; s++)
					fprintf(eps, "%u,%.2f,%s,%u,%llu,%.3f,%.3f\n", k, rhos[ri], pl_name[pl], s + 1u,
						(unsigned long long)res.ep_cross[s], res.ep_p99[s] / 1e3,
						res.ep_rp99[s] / 1e3);
			}
	}
	BENCH_REQUIRE(fclose(sum) == 0 && fclose(eps) == 0, "cannot write the CSVs");
	printf("\nwrote %s/sim-summary.csv and %s/sim-epochs.csv\n", dir, dir);
	return 0;
}
