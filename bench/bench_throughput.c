/* SPDX-License-Identifier: Apache-2.0 */
/*
 * throughput-bench: sustained load, counted second by second. Each workload
 * runs for S seconds (default 3) and reports how many operations completed
 * in each whole second, so a slowdown over time (a store filling up, a
 * cache going cold, another process taking the CPU) shows as a series, not
 * as one mean.
 *
 * What crosses what:
 *   ipc dispatcher      QueueSend + QueueRecv of 8 bytes through the nucleus
 *                       dispatcher rvx_syscall(), one thread: two function
 *                       calls, each a capability check and argument checks;
 *                       no privilege change on the hosted port.
 *   ipc queue CPU0->1   the bare lib/queue ring streaming 8-byte messages
 *                       from a thread on CPU 0 to a thread on CPU 1: shared
 *                       cache lines only, no system call.
 *   ipc pipe CPU0->1    a Linux pipe streaming 8-byte messages (one write
 *                       and one read system call per message) between the
 *                       same two CPUs: the like-for-like reference of the row
 *                       above, at the system-call boundary.
 *   witness append      rvx_witness_append() with 32 bytes of arguments (a
 *                       SHA-256 digest of them, then the chained record
 *                       hash) into an in-memory sink; function calls only.
 *   vector insert       rvx_vec_store_insert() of 64-dim float vectors into
 *                       an HNSW store of 10000, filled before the clock
 *                       starts; each insert is preceded by the delete of the
 *                       oldest key (steady state: the store stays full, and
 *                       one operation is a delete plus an insert). Function
 *                       calls only.
 *   vector search       rvx_vec_store_search() k=10, ef=64 on the full store.
 *   graph mutation      rvx_graph_apply() of AddEdge on a 10000-node graph;
 *                       once 50000 edges are in, each AddEdge is preceded by
 *                       a RemoveEdge of the oldest edge (one op = one apply).
 *
 * A ratio is meaningful only between the two cross-CPU ipc rows (same
 * CPUs, same message size, one message per operation); the other rows have
 * no Linux equivalent in this program and are printed without one.
 *
 * Every operation's result is checked; a failure aborts the run.
 *
 * Usage: throughput-bench [seconds] [csv-file]
 *   The CSV holds one row per workload and second: workload,second,ops.
 */
#include "bench_util.h" /* first: it defines _GNU_SOURCE */

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <unistd.h>

#include "ruvix/nucleus.h"
#include "ruvix/queue.h"
#include "ruvix/vecgraph.h"
#include "ruvix/witness.h"

#define MAXSEC 60

struct series {
	const char *name;
	const char *unit;
	int secs;
	double per_sec[MAXSEC];
};

static int g_secs = 3;

/*
 * Drive @p step (which does @p chunk operations per call and returns how
 * many it did) for g_secs seconds; the count of each whole second goes to
 * @p s. The clock is read once per chunk, so a chunk is kept well under a
 * millisecond; the operations of a chunk that straddles a second boundary
 * are split between the two seconds in proportion to time.
 */
static void drive(struct series *s, long (*step)(void *), void *ctx)
{
	uint64_t start = bench_now_ns(), prev = start;
	double bins[MAXSEC + 1] = {0};
	uint64_t end = start + (uint64_t)g_secs * 1000000000u;

	for (;;) {
		long n = step(ctx);
		uint64_t now = bench_now_ns();
		uint64_t a = prev - start, b = now - start;
		uint64_t sa = a / 1000000000u, sb = b / 1000000000u;

		if (sa == sb || b == a) {
			if (sa < (uint64_t)MAXSEC)
				bins[sa] += (double)n;
		} else {
			/* Split between the seconds the chunk covered. */
			for (uint64_t sec = sa; sec <= sb && sec < (uint64_t)MAXSEC; sec++) {
				uint64_t lo = sec * 1000000000u, hi = lo + 1000000000u;
				uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
				bins[sec] += (double)n * (double)(y - x) / (double)(b - a);
			}
		}
		prev = now;
		if (now >= end)
			break;
	}
	s->secs = g_secs;
	for (int i = 0; i < g_secs; i++)
		s->per_sec[i] = bins[i];
}

/* ---- IPC through the dispatcher ------------------------------------------------------ */

struct world {
	struct rvx_kernel k;
	alignas(64) uint8_t region_pool[1 << 16];
	alignas(64) uint8_t queue_pool[65536];
	alignas(64) uint8_t journal[1 << 16];
	alignas(64) uint8_t ring[1024 * 64];
	alignas(64) uint8_t scratch[8192];
};

static struct world W;
static const uint8_t secret[32] = "throughput benchmark secret....";

enum { PAIRS = 1024 };

struct ipc_ctx {
	struct rvx_syscall_args send, recv;
	struct rvx_syscall_result rs, rr;
	uint64_t seq;
	uint64_t out;
	struct rvx_queue_msg_hdr hdr;
};

static long step_dispatch(void *p)
{
	struct ipc_ctx *c = p;
	long bad = 0;

	for (int i = 0; i < PAIRS; i++) {
		c->seq++;
		bad += rvx_syscall(&W.k, 0, RVX_SYS_QUEUE_SEND, &c->send, &c->rs) != 0;
		bad += rvx_syscall(&W.k, 0, RVX_SYS_QUEUE_RECV, &c->recv, &c->rr) != 0;
		bad += c->out != c->seq || c->rr.value[0] != 8;
	}
	BENCH_REQUIRE(bad == 0, "%ld dispatcher send/recv failures", bad);
	return PAIRS;
}

static void run_dispatch(struct series *s)
{
	struct rvx_kernel_config cfg;
	struct rvx_kernel_root root;
	rvx_handle_t q;
	static struct ipc_ctx c;

	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = W.region_pool;
	cfg.region_pool_size = sizeof(W.region_pool);
	cfg.queue_pool = W.queue_pool;
	cfg.queue_pool_size = sizeof(W.queue_pool);
	cfg.journal = W.journal;
	cfg.journal_size = sizeof(W.journal);
	cfg.witness_ring = W.ring;
	cfg.witness_records = 1024;
	cfg.cpu_count = 1;
	cfg.vec_scratch = W.scratch;
	cfg.vec_scratch_size = sizeof(W.scratch);
	cfg.vec_scratch_capacity = 16;
	cfg.vec_scratch_ef = 32;
	cfg.period_ns = 1000000;
	BENCH_REQUIRE(rvx_kernel_boot(&W.k, &cfg, secret, sizeof(secret), 1000000, &root) == 0,
		      "boot");
	BENCH_REQUIRE(rvx_kernel_queue_create(&W.k, 0, 64, 64, RVX_RIGHTS_ALL, &q) == 0, "queue");
	memset(&c, 0, sizeof(c));
	c.send.version = c.recv.version = RVX_SYSCALL_VERSION;
	c.send.cap = c.recv.cap = q.raw;
	c.send.arg[0] = 9;
	c.send.in = (uint64_t)(uintptr_t)&c.seq;
	c.send.in_len = 8;
	c.recv.out = (uint64_t)(uintptr_t)&c.out;
	c.recv.out_len = 8;
	c.recv.aux = (uint64_t)(uintptr_t)&c.hdr;
	c.recv.aux_len = sizeof(c.hdr);
	BENCH_REQUIRE(bench_pin(0) == 0, "pin to CPU 0");
	s->name = "ipc dispatcher (1 CPU)";
	s->unit = "send+recv pairs";
	drive(s, step_dispatch, &c);
}

/* ---- IPC across CPUs: lib/queue and a pipe ------------------------------------------- */

RVX_QUEUE_DEFINE(tp_q, 256, 8);

struct stream {
	int use_pipe;
	int fd[2];
	atomic_int stop;
	atomic_int ready;
	long bad;
};

enum { BURST = 4096 };

static void *consumer(void *p)
{
	struct stream *st = p;
	uint64_t expect = 0, x;
	long bad = 0;

	BENCH_REQUIRE(bench_pin(1) == 0, "pin to CPU 1");
	atomic_store(&st->ready, 1);
	for (;;) {
		if (st->use_pipe) {
			ssize_t n = read(st->fd[0], &x, 8);
			if (n == 0)
				break;
			BENCH_REQUIRE(n == 8, "pipe read: %zd", n);
		} else {
			struct rvx_queue_msg_hdr h;
			int rc = rvx_queue_recv(&tp_q, &h, &x, sizeof(x));
			if (rc == -RVX_EEMPTY) {
				if (atomic_load_explicit(&st->stop, memory_order_acquire) &&
				    rvx_queue_count_total(&tp_q) == 0)
					break;
				continue;
			}
			BENCH_REQUIRE(rc == 8, "queue recv: %d", rc);
		}
		bad += x != expect;
		expect++;
	}
	st->bad = bad;
	return NULL;
}

struct producer {
	struct stream *st;
	uint64_t seq;
};

static long step_produce(void *p)
{
	struct producer *pr = p;
	struct rvx_queue_msg_hdr h = {.type_id = 3, .length = 8};

	for (int i = 0; i < BURST; i++) {
		uint64_t x = pr->seq;
		if (pr->st->use_pipe) {
			BENCH_REQUIRE(write(pr->st->fd[1], &x, 8) == 8, "pipe write: %s",
				      strerror(errno));
		} else {
			int rc;
			while ((rc = rvx_queue_send(&tp_q, &h, &x)) == -RVX_EFULL)
				;
			BENCH_REQUIRE(rc == 0, "queue send: %d", rc);
		}
		pr->seq++;
	}
	return BURST;
}

static void run_stream(struct series *s, int use_pipe)
{
	static struct stream st;
	struct producer pr = {&st, 0};
	pthread_t th;

	memset(&st, 0, sizeof(st));
	st.use_pipe = use_pipe;
	if (use_pipe)
		BENCH_REQUIRE(pipe(st.fd) == 0, "pipe: %s", strerror(errno));
	BENCH_REQUIRE(bench_pin(0) == 0, "pin to CPU 0");
	BENCH_REQUIRE(pthread_create(&th, NULL, consumer, &st) == 0, "thread");
	while (!atomic_load(&st.ready))
		;
	s->name = use_pipe ? "ipc pipe CPU0->CPU1" : "ipc queue CPU0->CPU1";
	s->unit = "8 B messages";
	drive(s, step_produce, &pr);
	if (use_pipe)
		close(st.fd[1]);
	atomic_store_explicit(&st.stop, 1, memory_order_release);
	pthread_join(th, NULL);
	if (use_pipe)
		close(st.fd[0]);
	BENCH_REQUIRE(st.bad == 0, "%ld messages out of order", st.bad);
}

/* ---- witness append ------------------------------------------------------------------ */

static uint8_t wrecs[4096][64];

static int wsink(void *ctx, const uint8_t rec[64])
{
	uint64_t *n = ctx;

	memcpy(wrecs[*n % 4096u], rec, 64);
	(*n)++;
	return 0;
}

struct wctx {
	struct rvx_witness_log log;
	struct rvx_witness_event ev;
	uint8_t args[32];
	uint64_t n;
};

static long step_witness(void *p)
{
	struct wctx *w = p;

	for (int i = 0; i < 1024; i++) {
		w->ev.time++;
		w->args[0] = (uint8_t)w->ev.time;
		int rc = rvx_witness_append(&w->log, &w->ev, w->args, sizeof(w->args), NULL);
		BENCH_REQUIRE(rc == 0, "witness append: %d", rc);
	}
	return 1024;
}

static void run_witness(struct series *s)
{
	static struct wctx w;
	struct rvx_witness_sink sink = {wsink, &w.n};

	memset(&w, 0, sizeof(w));
	w.ev.kind = RVX_WITNESS_QUEUE_SEND;
	w.ev.actor = 1;
	w.ev.target = 42;
	BENCH_REQUIRE(rvx_witness_log_init(&w.log, &sink) == 0, "log init");
	s->name = "witness append (32 B args)";
	s->unit = "records";
	drive(s, step_witness, &w);
	BENCH_REQUIRE(w.n == w.log.sequence, "sink saw %llu records, log %llu",
		      (unsigned long long)w.n, (unsigned long long)w.log.sequence);
}

/* ---- vector store -------------------------------------------------------------------- */

#define VDIM 64u
#define VCAP 10000u
#define VPOOL 65536u

struct vctx {
	struct rvx_vec_store s;
	struct rvx_vec_scratch sc;
	void *mem, *scratch;
	float *pool; /* VPOOL vectors, cycled */
	uint64_t next; /* next key to insert */
	uint64_t q;
};

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static long step_vinsert(void *p)
{
	struct vctx *v = p;

	for (int i = 0; i < 64; i++) {
		uint64_t key = v->next++;
		if (key >= VCAP)
			BENCH_REQUIRE(rvx_vec_store_delete(&v->s, key - VCAP) == 0, "delete");
		int rc = rvx_vec_store_insert(&v->s, key, v->pool + (key % VPOOL) * VDIM, VDIM);
		BENCH_REQUIRE(rc == 0, "insert %llu: %d", (unsigned long long)key, rc);
	}
	return 64;
}

static long step_vsearch(void *p)
{
	struct vctx *v = p;
	struct rvx_vec_hit hits[10];

	for (int i = 0; i < 64; i++) {
		const float *q = v->pool + (rng(&v->q) % VPOOL) * VDIM;
		int n = rvx_vec_store_search(&v->s, q, VDIM, 10, 64, &v->sc, hits,
					     RVX_VEC_NOW_NONE);
		BENCH_REQUIRE(n == 10, "search: %d", n);
	}
	return 64;
}

static void run_vector(struct series *ins, struct series *srch)
{
	static struct vctx v;
	struct rvx_vec_config cfg;
	size_t size, ssz;
	uint64_t seed = 12345;

	memset(&v, 0, sizeof(v));
	rvx_vec_config_default(&cfg, VDIM, VCAP, RVX_VEC_METRIC_L2);
	BENCH_REQUIRE(rvx_vec_store_size(&cfg, &size) == 0, "size");
	v.mem = aligned_alloc(64, (size + 63) & ~(size_t)63);
	BENCH_REQUIRE(v.mem != NULL, "oom");
	BENCH_REQUIRE(rvx_vec_store_init(&v.s, &cfg, v.mem, size) == 0, "init");
	BENCH_REQUIRE(rvx_vec_scratch_size(VCAP, 256, &ssz) == 0, "scratch size");
	v.scratch = aligned_alloc(64, (ssz + 63) & ~(size_t)63);
	BENCH_REQUIRE(v.scratch != NULL, "oom");
	BENCH_REQUIRE(rvx_vec_scratch_init(&v.sc, v.scratch, ssz, VCAP, 256) == 0, "scratch");
	v.pool = malloc(sizeof(float) * VDIM * VPOOL);
	BENCH_REQUIRE(v.pool != NULL, "oom");
	/* Clustered data: 64 centres with noise around them. */
	for (uint32_t i = 0; i < VPOOL; i++) {
		uint32_t c = (uint32_t)(rng(&seed) % 64u);
		for (uint32_t d = 0; d < VDIM; d++)
			v.pool[i * VDIM + d] = (float)((c * 37u + d * 11u) % 97u) +
					       (float)(rng(&seed) % 1000u) / 500.0f;
	}
	v.q = 99;
	/* Fill the store before the clock starts: the series is steady state. */
	while (v.next < VCAP)
		step_vinsert(&v);
	ins->name = "vector delete+insert (64-d, full store of 10000)";
	ins->unit = "delete+insert pairs";
	drive(ins, step_vinsert, &v);
	srch->name = "vector search k=10 ef=64 (10000)";
	srch->unit = "queries";
	drive(srch, step_vsearch, &v);
	BENCH_REQUIRE(rvx_vec_store_verify(&v.s) == 0, "vector store verify");
	free(v.pool);
	free(v.scratch);
	free(v.mem);
}

/* ---- graph store --------------------------------------------------------------------- */

#define GNODES 10000u
#define GEDGES 50000u

struct gctx {
	struct rvx_graph g;
	void *mem;
	uint64_t (*fifo)[2];
	uint64_t head, tail; /* edges in the fifo: tail - head */
	uint64_t seed;
};

static long step_graph(void *p)
{
	struct gctx *g = p;
	long ops = 0;

	while (ops < 256) {
		struct rvx_graph_mutation m;

		memset(&m, 0, sizeof(m));
		if (g->tail - g->head >= GEDGES) {
			uint64_t *e = g->fifo[g->head % GEDGES];
			m.kind = RVX_GRAPH_OP_REMOVE_EDGE;
			m.node = e[0];
			m.peer = e[1];
			BENCH_REQUIRE(rvx_graph_apply(&g->g, &m) == 0, "remove edge");
			g->head++;
			ops++;
			continue;
		}
		m.kind = RVX_GRAPH_OP_ADD_EDGE;
		m.node = rng(&g->seed) % GNODES;
		m.peer = rng(&g->seed) % GNODES;
		m.weight = (int32_t)(g->tail & 0xffff);
		int rc = rvx_graph_apply(&g->g, &m);
		/* A duplicate or a self loop is refused and changes nothing:
		 * it is an operation done, but not an edge to remove later. */
		BENCH_REQUIRE(rc == 0 || rc == -RVX_EEXIST || rc == -RVX_EINVAL, "add edge: %d", rc);
		if (rc == 0) {
			g->fifo[g->tail % GEDGES][0] = m.node;
			g->fifo[g->tail % GEDGES][1] = m.peer;
			g->tail++;
		}
		ops++;
	}
	return ops;
}

static void run_graph(struct series *s)
{
	static struct gctx g;
	struct rvx_graph_config cfg = {.node_capacity = GNODES, .edge_capacity = GEDGES + 1024,
				       .seed = 3};
	size_t size;

	memset(&g, 0, sizeof(g));
	BENCH_REQUIRE(rvx_graph_size(&cfg, &size) == 0, "graph size");
	g.mem = aligned_alloc(64, (size + 63) & ~(size_t)63);
	g.fifo = malloc(sizeof(*g.fifo) * GEDGES);
	BENCH_REQUIRE(g.mem != NULL && g.fifo != NULL, "oom");
	BENCH_REQUIRE(rvx_graph_init(&g.g, &cfg, g.mem, size) == 0, "graph init");
	for (uint32_t i = 0; i < GNODES; i++)
		BENCH_REQUIRE(rvx_graph_node_add(&g.g, i, NULL) == 0, "add node");
	g.seed = 7;
	s->name = "graph mutation (10000 nodes, <=50000 edges)";
	s->unit = "applied mutations";
	drive(s, step_graph, &g);
	BENCH_REQUIRE(rvx_graph_verify(&g.g) == 0, "graph verify");
	free(g.fifo);
	free(g.mem);
}

/* ---- report -------------------------------------------------------------------------- */

static double print_series(const struct series *s, FILE *csv)
{
	double v[MAXSEC];

	memcpy(v, s->per_sec, sizeof(double) * (size_t)s->secs);
	double lo = v[0], hi = v[0];
	for (int i = 1; i < s->secs; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	double med = bench_median(v, s->secs);
	printf("%-50s %12.0f %12.0f %12.0f  %s/s\n", s->name, med, lo, hi, s->unit);
	printf("  per second:");
	for (int i = 0; i < s->secs; i++)
		printf(" %.0f", s->per_sec[i]);
	printf("\n");
	if (csv)
		for (int i = 0; i < s->secs; i++)
			fprintf(csv, "\"%s\",%d,%.0f\n", s->name, i + 1, s->per_sec[i]);
	return med;
}

int main(int argc, char **argv)
{
	double step, read_ns;
	struct series s[8];
	double med[8];
	int n = 0;
	FILE *csv = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (argc > 1)
		g_secs = atoi(argv[1]);
	if (g_secs < 1 || g_secs > MAXSEC) {
		fprintf(stderr, "usage: throughput-bench [seconds 1..%d] [csv-file]\n", MAXSEC);
		return 2;
	}
	if (argc > 2) {
		csv = fopen(argv[2], "w");
		BENCH_REQUIRE(csv != NULL, "%s: %s", argv[2], strerror(errno));
		fprintf(csv, "workload,second,ops\n");
	}
	bench_timer_floor(&step, &read_ns);
	printf("throughput-bench: sustained load, %d s per workload, operations per whole second\n",
	       g_secs);
	printf("timer: CLOCK_MONOTONIC step %.0f ns, one read %.1f ns; read once per chunk of\n"
	       ">= 64 operations\n\n", step, read_ns);
	run_dispatch(&s[n++]);
	if (cpus >= 2) {
		run_stream(&s[n++], 0);
		run_stream(&s[n++], 1);
	}
	BENCH_REQUIRE(bench_pin(0) == 0, "pin to CPU 0");
	run_witness(&s[n++]);
	run_vector(&s[n], &s[n + 1]);
	n += 2;
	run_graph(&s[n++]);

	printf("%-50s %12s %12s %12s\n", "workload", "median/s", "min/s", "max/s");
	for (int i = 0; i < n; i++)
		med[i] = print_series(&s[i], csv);
	if (cpus >= 2 && med[2] > 0) {
		printf("\nlike with like (medians): lib/queue / pipe, CPU0 -> CPU1, 8 B messages: "
		       "%.1fx\n", med[1] / med[2]);
	} else {
		printf("\n(one CPU online: cross-CPU rows skipped)\n");
	}
	printf("ipc dispatcher, witness, vector and graph rows are function calls in one thread on\n"
	       "CPU 0 (no privilege change); no Linux equivalent is timed for them here.\n");
	if (csv)
		fclose(csv);
	return 0;
}
