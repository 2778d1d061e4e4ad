/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-coherence-hosted: the coherence engine placing tasks on this
 * machine's CPUs (the hosted kernel runtime, real host threads), side by
 * side with round-robin placement in one run, both under the nucleus's
 * deadline scheduling.
 *
 * Workload (planted clusters): C clusters of 4 tasks each. In a cluster, a
 * Reflex pair (ping every REFLEX_PERIOD_NS, pong echoes; each message
 * carries its send time, and the receiver records now - sent as a one-way
 * latency) and a Flow pair (a producer fills the consumer's queue with
 * messages of FLOW_BYTES, pauses FLOW_PAUSE_NS when it is full). Across
 * clusters, light traffic: every GOSSIP_EVERY messages a producer sends one
 * to the next cluster's consumer (its queue's peers then still name its own
 * producer, the last sender, most of the time). Tasks are spawned round-robin over the CPUs
 * (task j of the workload on CPU j mod CPUs), which splits every pair; the
 * engine run starts there and moves them.
 *
 * Counted exactly: every message carries the CPU its sender ran on when it
 * sent it, and the receiver compares it with its own: cross-CPU messages
 * and bytes are counted per message received in the measured window.
 *
 * Optional outputs (for scripts/bench-coherence and bench-coherence-sim):
 *  -s FILE  one CSV line per run: placement, round, counts, latency, Flow;
 *  -e FILE  the same per engine epoch (EPOCH_NS of host time) of each run;
 *  -t FILE  the traffic trace of the first round-robin run: per epoch, the
 *           bytes and messages each task sent each other task (known from
 *           the receiving queue and the message's kind) and each task's
 *           load (messages sent and received, plus 1);
 *  --oracle a third placement per round: the exact balanced 2-way optimum
 *           (exhaustive, equal task counts) of the traffic the round's
 *           round-robin run measured, spawned there and never moved.
 */
#define _GNU_SOURCE
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <pthread.h>

#include "ruvix/hosted_krt_coh.h"
#include "ruvix/ruvix.h"
#include "ruvix/user.h"

#define CPUS 2u
#define CLUSTERS 4u
#define TASKS (CLUSTERS * 4u)
#define STACK ((size_t)64 * 1024)
#define REFLEX_PERIOD_NS 200000u
#define REFLEX_DEADLINE_NS 100000u
#define FLOW_DEADLINE_NS 10000000u
#define FLOW_PAUSE_NS 50000u
#define FLOW_BURST 16u
#define FLOW_BYTES 48u
#define GOSSIP_EVERY 64u
#define EPOCH_NS 10000000u
#define WARMUP_NS 300000000u
#define MEASURE_NS 2000000000u
#define POLL_NS 5000000u
#define MAX_SAMPLES 65536u
#define TRACE_EPOCHS (MEASURE_NS / EPOCH_NS + 1u)

/* A message: when and where it was sent, and padding up to its size. */
struct msg {
	uint64_t sent;
	uint32_t cpu;
	uint32_t seq;
	uint8_t pad[FLOW_BYTES - 16u];
};

/* What one task counted (written by that task only, read by the sampler:
 * stores are relaxed atomics, see BUMP). */
struct tstat {
	uint64_t msgs, bytes, cross_msgs, cross_bytes, flow_msgs;
	uint32_t nlat;
	uint32_t lat[MAX_SAMPLES];
};

RVX_KERNEL_DEFINE(kern);
static struct rvx_hkrt rt;
static struct rvx_hkrt_coh hc;
static alignas(64) uint8_t region_pool[16384];
static alignas(64) uint8_t queue_pool[256 * 1024];
static alignas(64) uint8_t journal[4 * 1024 * 1024];
static alignas(64) uint8_t ring[8192 * 64];
static alignas(64) uint8_t scratch[16384];
static void *stacks;
static struct rvx_kernel_root root;
static rvx_handle_t q_ping[CLUSTERS], q_pong[CLUSTERS], q_data[CLUSTERS];
static struct tstat stats[TASKS];
static volatile int measuring, stopping;
static int spawn_rc;
static uint32_t load_by_time;
/* Traffic from task a to task b in the measured window (written by b). */
static uint64_t pair_bytes[TASKS][TASKS], pair_msgs[TASKS][TASKS];

/* Per-epoch snapshots the sampler takes of the counters above. */
struct snap {
	uint64_t msgs, bytes, cross_bytes, flow_msgs;
	uint32_t nlat;
};
static struct snap snaps[TRACE_EPOCHS + 1u][TASKS];
static uint64_t snap_pair_bytes[TRACE_EPOCHS + 1u][TASKS][TASKS];
static uint64_t snap_pair_msgs[TRACE_EPOCHS + 1u][TASKS][TASKS];
static uint32_t snap_count;

/* Placement per workload task for this run, and the oracle's. */
static uint32_t spawn_cpu[TASKS], oracle_cpu[TASKS];

#define BUMP(x, d) __atomic_store_n(&(x), (x) + (d), __ATOMIC_RELAXED)
#define PEEK(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static uint32_t my_cpu(const struct rvx_user_start *s)
{
	return __atomic_load_n(&rt.tasks[s->task].cpu, __ATOMIC_RELAXED);
}

/* Workload task j is kernel task j + 1. */
static struct tstat *my_stat(const struct rvx_user_start *s)
{
	return &stats[s->task - 1u];
}

/* Task @p from sent @p m to the calling task. */
static void got(const struct rvx_user_start *s, const struct msg *m, uint64_t len, bool reflex,
		uint32_t from)
{
	struct tstat *st = my_stat(s);
	uint32_t me = s->task - 1u;
	uint64_t now;

	if (!measuring)
		return;
	BUMP(st->msgs, 1);
	BUMP(st->bytes, len);
	BUMP(pair_msgs[from][me], 1);
	BUMP(pair_bytes[from][me], len);
	if (m->cpu != my_cpu(s)) {
		BUMP(st->cross_msgs, 1);
		BUMP(st->cross_bytes, len);
	}
	if (reflex && st->nlat < MAX_SAMPLES) {
		now = rvx_hkrt_now(&rt);
		st->lat[st->nlat] = (uint32_t)(now - m->sent < UINT32_MAX ? now - m->sent : UINT32_MAX);
		BUMP(st->nlat, 1);
	}
}

/* Workload task of the calling task's role partner (ping <-> pong, the
 * consumer's producer). */
static uint32_t partner(const struct rvx_user_start *s, int delta)
{
	return (uint32_t)((int)(s->task - 1u) + delta);
}

static rvx_handle_t clock_of(const struct rvx_user_start *s)
{
	return (rvx_handle_t){s->caps[3]};
}

static int put(const struct rvx_user_start *s, rvx_handle_t q, struct msg *m, uint32_t len)
{
	m->cpu = my_cpu(s);
	m->sent = rvx_hkrt_now(&rt);
	return rvx_sys_queue_send(q, 1, 0, 0, m, len);
}

/* caps: 0 in, 1 out, 2 the gossip queue (a producer's out), 3 the clock. */
static void reflex_ping(const struct rvx_user_start *s)
{
	rvx_handle_t in = {s->caps[0]}, out = {s->caps[1]};
	struct msg m;
	uint64_t len;

	rvx_user_init(s);
	memset(&m, 0, sizeof(m));
	while (!stopping) {
		if (put(s, out, &m, 16) == 0 &&
		    rvx_sys_queue_recv(in, &m, sizeof(m), NULL, &len, POLL_NS) == 0)
			got(s, &m, len, true, partner(s, 1));
		m.seq++;
		(void)rvx_sys_timer_sleep(clock_of(s), REFLEX_PERIOD_NS);
	}
}

static void reflex_pong(const struct rvx_user_start *s)
{
	rvx_handle_t in = {s->caps[0]}, out = {s->caps[1]};
	struct msg m;
	uint64_t len;

	rvx_user_init(s);
	while (!stopping) {
		if (rvx_sys_queue_recv(in, &m, sizeof(m), NULL, &len, POLL_NS) != 0)
			continue;
		got(s, &m, len, true, partner(s, -1));
		(void)put(s, out, &m, 16);
	}
}

static void flow_producer(const struct rvx_user_start *s)
{
	rvx_handle_t data = {s->caps[1]}, gossip = {s->caps[2]};
	struct msg m;
	uint64_t sends = 0;

	rvx_user_init(s);
	memset(&m, 0, sizeof(m));
	while (!stopping) {
		/* A burst (at most what the consumer's queue holds), then a pause. */
		for (uint32_t i = 0; i < FLOW_BURST && put(s, data, &m, sizeof(m)) == 0; i++) {
			m.seq++;
			if (++sends % GOSSIP_EVERY == 0) {
				m.pad[0] = 1; /* not Flow: a cross-cluster message */
				(void)put(s, gossip, &m, sizeof(m));
				m.pad[0] = 0;
			}
		}
		(void)rvx_sys_timer_sleep(clock_of(s), FLOW_PAUSE_NS);
	}
}

static void flow_consumer(const struct rvx_user_start *s)
{
	rvx_handle_t data = {s->caps[0]};
	struct msg m;
	uint64_t len;

	rvx_user_init(s);
	while (!stopping) {
		if (rvx_sys_queue_recv(data, &m, sizeof(m), NULL, &len, POLL_NS) != 0)
			continue;
		/* A cross-cluster message comes from the previous cluster's producer. */
		got(s, &m, len, false, m.pad[0] == 0 ? partner(s, -1)
			: ((s->task - 1u) / 4u + CLUSTERS - 1u) % CLUSTERS * 4u + 2u);
		if (measuring && m.pad[0] == 0)
			BUMP(my_stat(s)->flow_msgs, 1);
	}
}

static int spawn(rvx_hkrt_entry_fn fn, uint32_t j, uint64_t deadline, uint32_t prio,
		 rvx_handle_t a, rvx_handle_t b, rvx_handle_t c, rvx_rights_t ra, rvx_rights_t rb,
		 rvx_rights_t rc)
{
	struct rvx_user_spawn sp;
	struct rvx_syscall_capxfer x[4] = {{a.raw, ra, 0}, {b.raw, rb, 0}, {c.raw, rc, 0},
					   {root.clock.raw, RVX_RIGHT_READ, 0}};
	uint64_t cc[4];

	memset(&sp, 0, sizeof(sp));
	sp.entry = (uint64_t)(uintptr_t)fn;
	sp.priority = prio;
	sp.deadline_ns = deadline;
	sp.cpu = spawn_cpu[j];
	sp.index = j + 2u; /* task index j + 1 */
	return rvx_sys_task_spawn(root.task, &sp, x, 4, cc, NULL);
}

static void root_main(const struct rvx_user_start *s)
{
	const rvx_rights_t R = RVX_RIGHT_READ, W = RVX_RIGHT_WRITE;
	int rc = 0;

	rvx_user_init(s);
	for (uint32_t c = 0; c < CLUSTERS; c++) {
		uint32_t j = c * 4u, next = (c + 1u) % CLUSTERS;

		rc |= spawn(reflex_ping, j, REFLEX_DEADLINE_NS, 1, q_pong[c], q_ping[c], q_pong[c], R, W, R);
		rc |= spawn(reflex_pong, j + 1u, REFLEX_DEADLINE_NS, 1, q_ping[c], q_pong[c], q_ping[c], R, W, R);
		rc |= spawn(flow_producer, j + 2u, FLOW_DEADLINE_NS, 1, q_data[c], q_data[c], q_data[next], W, W, W);
		rc |= spawn(flow_consumer, j + 3u, FLOW_DEADLINE_NS, 1, q_data[c], q_data[c], q_data[c], R, R, R);
	}
	spawn_rc = rc;
	/* The host's timer thread (phases()) opens and closes the window. */
}

static void snapshot(uint32_t e)
{
	for (uint32_t j = 0; j < TASKS; j++) {
		snaps[e][j].msgs = PEEK(stats[j].msgs);
		snaps[e][j].bytes = PEEK(stats[j].bytes);
		snaps[e][j].cross_bytes = PEEK(stats[j].cross_bytes);
		snaps[e][j].flow_msgs = PEEK(stats[j].flow_msgs);
		snaps[e][j].nlat = PEEK(stats[j].nlat);
		for (uint32_t i = 0; i < TASKS; i++) {
			snap_pair_bytes[e][i][j] = PEEK(pair_bytes[i][j]);
			snap_pair_msgs[e][i][j] = PEEK(pair_msgs[i][j]);
		}
	}
}

/* The measured window, on the host's clock (a task of the workload could
 * be kept waiting behind the Flow tasks), with a snapshot of the counters
 * every EPOCH_NS (absolute deadlines, so the epochs do not drift). */
static void *phases(void *arg)
{
	struct timespec w = {0, WARMUP_NS}, t;
	uint32_t e;

	(void)arg;
	nanosleep(&w, NULL);
	snapshot(0);
	measuring = 1;
	clock_gettime(CLOCK_MONOTONIC, &t);
	for (e = 1; e < TRACE_EPOCHS; e++) {
		t.tv_nsec += EPOCH_NS;
		while (t.tv_nsec >= 1000000000) {
			t.tv_nsec -= 1000000000;
			t.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) != 0)
			;
		snapshot(e);
	}
	snap_count = e;
	measuring = 0;
	stopping = 1;
	return NULL;
}

static void setup(bool engine)
{
	struct rvx_kernel_config cfg;
	struct rvx_hkrt_cfg c;
	static const rvx_hkrt_entry_fn natives[] = {reflex_ping, reflex_pong, flow_producer,
						    flow_consumer};
	uint8_t secret[32] = {5};

	memset(&kern, 0, sizeof(kern));
	memset(stats, 0, sizeof(stats));
	memset(pair_bytes, 0, sizeof(pair_bytes));
	memset(pair_msgs, 0, sizeof(pair_msgs));
	snap_count = 0;
	measuring = 0;
	stopping = 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = region_pool;
	cfg.region_pool_size = sizeof(region_pool);
	cfg.queue_pool = queue_pool;
	cfg.queue_pool_size = sizeof(queue_pool);
	cfg.journal = journal;
	cfg.journal_size = sizeof(journal);
	cfg.witness_ring = ring;
	cfg.witness_records = 8192;
	cfg.cpu_count = CPUS;
	cfg.vec_scratch = scratch;
	cfg.vec_scratch_size = sizeof(scratch);
	cfg.vec_scratch_capacity = 64;
	cfg.vec_scratch_ef = 32;
	cfg.period_ns = 1000000;
	if (rvx_kernel_boot(&kern, &cfg, secret, sizeof(secret), 0, &root) != 0) {
		fprintf(stderr, "boot failed\n");
		exit(1);
	}
	for (uint32_t i = 0; i < CLUSTERS; i++) {
		if (rvx_kernel_queue_create(&kern, 0, 4, 64, RVX_RIGHTS_ALL, &q_ping[i]) != 0 ||
		    rvx_kernel_queue_create(&kern, 0, 4, 64, RVX_RIGHTS_ALL, &q_pong[i]) != 0 ||
		    rvx_kernel_queue_create(&kern, 0, 16, 64, RVX_RIGHTS_ALL, &q_data[i]) != 0) {
			fprintf(stderr, "queue create failed\n");
			exit(1);
		}
	}
	memset(&c, 0, sizeof(c));
	c.kernel = &kern;
	c.cpu_count = CPUS;
	c.natives = natives;
	c.native_count = 4;
	c.root = root_main;
	c.stack_size = STACK;
	c.stacks = stacks;
	c.stacks_size = RVX_KERNEL_TASKS * STACK;
	c.tick_ns = 100000;
	c.slice_ns = 1000000;
	if (rvx_hkrt_init(&rt, &c) != 0) {
		fprintf(stderr, "runtime init failed\n");
		exit(1);
	}
	if (engine) {
		struct rvx_coh_config cc;

		rvx_coh_config_default(&cc, CPUS);
		/* Loads that change from epoch to epoch (run time): smoothed
		 * over about 8 epochs, and a balance hysteresis of 1/4 of the
		 * cap (no effect on constant loads). */
		cc.load_decay_q16 = RVX_COH_Q16_ONE - RVX_COH_Q16_ONE / 8u;
		cc.balance_slack_q16 = RVX_COH_Q16_ONE / 4u;
		if (rvx_hkrt_coherence_attach(&rt, &hc, &cc, EPOCH_NS) != 0) {
			fprintf(stderr, "attach failed\n");
			exit(1);
		}
		hc.load_by_time = load_by_time;
	}
}

struct result {
	uint64_t msgs, bytes, cross_msgs, cross_bytes, flow_msgs;
	uint32_t p50, p99, p999, nlat;
	uint64_t closes, migrations, deferred, close_max;
};

static int cmp32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t *all_lat;
static FILE *summary_csv, *epochs_csv;

enum placement { PL_RR, PL_ENGINE, PL_ORACLE };
static const char *const pl_name[] = {"round-robin", "engine", "oracle"};

static uint32_t pctile(uint32_t *v, uint32_t n, uint32_t per_mille)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(uint32_t), cmp32);
	return v[(size_t)n * per_mille / 1000u];
}

/* One CSV line per measured epoch of the run just made. */
static void write_epochs(enum placement pl, uint32_t round)
{
	for (uint32_t e = 1; e < snap_count; e++) {
		uint64_t msgs = 0, bytes = 0, cross = 0, flow = 0;
		uint32_t n = 0;

		for (uint32_t j = 0; j < TASKS; j++) {
			const struct snap *a = &snaps[e - 1u][j], *b = &snaps[e][j];

			msgs += b->msgs - a->msgs;
			bytes += b->bytes - a->bytes;
			cross += b->cross_bytes - a->cross_bytes;
			flow += b->flow_msgs - a->flow_msgs;
			memcpy(all_lat + n, stats[j].lat + a->nlat, (b->nlat - a->nlat) * sizeof(uint32_t));
			n += b->nlat - a->nlat;
		}
		fprintf(epochs_csv, "%s,%u,%u,%llu,%llu,%llu,%llu,%u,%.2f,%.2f\n", pl_name[pl], round, e,
			(unsigned long long)msgs, (unsigned long long)bytes, (unsigned long long)cross,
			(unsigned long long)flow, n, pctile(all_lat, n, 500) / 1e3,
			pctile(all_lat, n, 990) / 1e3);
	}
}

/* The traffic trace of the run just made (see bench-coherence-sim). */
static void write_trace(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	fprintf(f, "# ruvix coherence trace v1: bench-coherence-hosted, round-robin run, %u clusters x "
		   "(Reflex ping/pong, Flow producer/consumer)\n", CLUSTERS);
	fprintf(f, "vertices %u\nepoch_ns %u\n", TASKS, EPOCH_NS);
	for (uint32_t j = 0; j < TASKS; j++)
		fprintf(f, "class %u %s\n", j, j % 4u < 2u ? "reflex" : "flow");
	for (uint32_t e = 1; e < snap_count; e++) {
		uint64_t load[TASKS] = {0};

		fprintf(f, "epoch %u\n", e);
		for (uint32_t a = 0; a < TASKS; a++)
			for (uint32_t b = 0; b < TASKS; b++) {
				uint64_t by = snap_pair_bytes[e][a][b] - snap_pair_bytes[e - 1u][a][b];
				uint64_t ms = snap_pair_msgs[e][a][b] - snap_pair_msgs[e - 1u][a][b];

				if (ms == 0)
					continue;
				fprintf(f, "edge %u %u %llu %llu\n", a, b, (unsigned long long)by,
					(unsigned long long)ms);
				load[a] += ms;
				load[b] += ms;
			}
		for (uint32_t j = 0; j < TASKS; j++)
			fprintf(f, "load %u %llu\n", j, (unsigned long long)load[j] + 1u);
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
}

/* The oracle: the exact optimum over every split of the tasks into two
 * equal halves of the bytes the last run measured (task 0 on CPU 0, which
 * names each split once). */
static void oracle_place(void)
{
	uint64_t w[TASKS][TASKS], best = UINT64_MAX;
	uint32_t best_mask = 0;

	_Static_assert(CPUS == 2u && TASKS <= 24u, "the oracle searches 2-way splits exhaustively");
	for (uint32_t a = 0; a < TASKS; a++)
		for (uint32_t b = 0; b < TASKS; b++)
			w[a][b] = pair_bytes[a][b] + pair_bytes[b][a];
	for (uint32_t mask = 0; mask < (1u << TASKS); mask += 2u) {
		uint64_t cut = 0;

		if ((uint32_t)__builtin_popcount(mask) != TASKS / 2u)
			continue;
		for (uint32_t a = 0; a < TASKS; a++)
			for (uint32_t b = a + 1u; b < TASKS; b++)
				if (((mask >> a) ^ (mask >> b)) & 1u)
					cut += w[a][b];
		if (cut < best) {
			best = cut;
			best_mask = mask;
		}
	}
	for (uint32_t j = 0; j < TASKS; j++)
		oracle_cpu[j] = (best_mask >> j) & 1u;
}

static void run(enum placement pl, uint32_t round, struct result *r)
{
	bool engine = pl == PL_ENGINE;
	int rc;

	pthread_t timer;

	for (uint32_t j = 0; j < TASKS; j++)
		spawn_cpu[j] = pl == PL_ORACLE ? oracle_cpu[j] : j % CPUS; /* else round-robin */
	setup(engine);
	if (pthread_create(&timer, NULL, phases, NULL) != 0)
		exit(1);
	rc = rvx_hkrt_run(&rt);
	pthread_join(timer, NULL);
	if (rc != 0 || spawn_rc != 0) {
		fprintf(stderr, "run failed: %d, spawn %d\n", rc, spawn_rc);
		exit(1);
	}
	if (engine && (hc.record_failures != 0 || hc.score_failures != 0)) {
		fprintf(stderr, "engine: %llu records and %llu scores refused\n",
			(unsigned long long)hc.record_failures, (unsigned long long)hc.score_failures);
		exit(1);
	}
	if (epochs_csv != NULL)
		write_epochs(pl, round);
	memset(r, 0, sizeof(*r));
	for (uint32_t j = 0; j < TASKS; j++) {
		const struct tstat *st = &stats[j];

		r->msgs += st->msgs;
		r->bytes += st->bytes;
		r->cross_msgs += st->cross_msgs;
		r->cross_bytes += st->cross_bytes;
		r->flow_msgs += st->flow_msgs;
		memcpy(all_lat + r->nlat, st->lat, st->nlat * sizeof(uint32_t));
		r->nlat += st->nlat;
	}
	if (getenv("BENCH_DEBUG"))
		for (uint32_t j = 0; j < TASKS; j++) {
			struct rvx_hkrt_task_status ts;

			(void)rvx_hkrt_task_status(&rt, j + 1u, &ts);
			fprintf(stderr, "task %2u cpu %u runs %8lu msgs %8lu flow %8lu lat %u\n", j,
				ts.cpu, (unsigned long)ts.runs, (unsigned long)stats[j].msgs,
				(unsigned long)stats[j].flow_msgs, stats[j].nlat);
		}
	qsort(all_lat, r->nlat, sizeof(uint32_t), cmp32);
	if (r->nlat != 0) {
		r->p50 = all_lat[(size_t)r->nlat * 50u / 100u];
		r->p99 = all_lat[(size_t)r->nlat * 99u / 100u];
		r->p999 = all_lat[(size_t)r->nlat * 999u / 1000u];
	}
	if (engine) {
		r->closes = hc.closes;
		r->migrations = hc.migrations;
		r->deferred = hc.deferred;
		r->close_max = hc.close_ns_max;
	}
}

static void row(enum placement pl, uint32_t round, const struct result *r)
{
	double secs = MEASURE_NS / 1e9;

	printf("  %-12s %5u %10lu %12lu %10lu %12lu %9.1f %9.1f %9.1f %11.0f",
	       pl_name[pl], round, (unsigned long)r->msgs, (unsigned long)r->bytes,
	       (unsigned long)r->cross_msgs, (unsigned long)r->cross_bytes, r->p50 / 1e3,
	       r->p99 / 1e3, r->p999 / 1e3, r->flow_msgs / secs);
	if (r->closes != 0)
		printf("   %lu closes, %lu moves, %lu deferred, close max %.1f us",
		       (unsigned long)r->closes, (unsigned long)r->migrations,
		       (unsigned long)r->deferred, r->close_max / 1e3);
	if (pl == PL_ORACLE) {
		printf("   on CPU 1:");
		for (uint32_t j = 0; j < TASKS; j++)
			if (spawn_cpu[j] == 1u)
				printf(" %u", j);
	}
	printf("\n");
	fflush(stdout);
	if (summary_csv != NULL)
		fprintf(summary_csv, "%s,%u,%s,%llu,%llu,%llu,%llu,%.2f,%.2f,%.2f,%.0f,%llu,%llu,%.1f\n",
			pl_name[pl], round, load_by_time ? "time" : "unit", (unsigned long long)r->msgs,
			(unsigned long long)r->bytes, (unsigned long long)r->cross_msgs,
			(unsigned long long)r->cross_bytes, r->p50 / 1e3, r->p99 / 1e3, r->p999 / 1e3,
			r->flow_msgs / secs, (unsigned long long)r->closes,
			(unsigned long long)r->migrations, r->close_max / 1e3);
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, uint32_t n)
{
	qsort(v, n, sizeof(double), cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static FILE *open_out(const char *path, const char *header)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
	fputs(header, f);
	return f;
}

static int usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [rounds 1..16] [time] [-s SUMMARY.csv] [-e EPOCHS.csv] [-t TRACE] [--oracle]\n"
		"  time: the engine's task load is run time (default: 1 per task)\n"
		"  -s: one line per run; -e: one line per epoch of each run;\n"
		"  -t: the first round-robin run's traffic trace (bench-coherence-sim reads it)\n"
		"  --oracle: also run the exact 2-way optimum of each round's measured traffic\n"
		"  BENCH_DEBUG=1 in the environment: per-task counts and CPUs\n", argv0);
	return 2;
}

int main(int argc, char **argv)
{
	uint32_t rounds = 3u, positional = 0;
	double bytes_red[16], p99_red[16], flow_chg[16], obytes[16], op99[16], oflow[16];
	const char *trace = NULL;
	bool oracle = false;
	struct result rr, en, orc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "time") == 0)
			load_by_time = 1;
		else if (strcmp(argv[i], "--oracle") == 0)
			oracle = true;
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			summary_csv = open_out(argv[++i], "placement,round,load,msgs,bytes,cross_msgs,cross_bytes,"
							  "p50_us,p99_us,p999_us,flow_per_s,closes,moves,close_max_us\n");
		else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc)
			epochs_csv = open_out(argv[++i], "placement,round,epoch,msgs,bytes,cross_bytes,flow_msgs,"
							 "reflex_samples,reflex_p50_us,reflex_p99_us\n");
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			trace = argv[++i];
		else if (positional++ == 0 && argv[i][0] >= '0' && argv[i][0] <= '9')
			rounds = (uint32_t)atoi(argv[i]);
		else
			return usage(argv[0]);
	}
	if (rounds == 0 || rounds > 16)
		return usage(argv[0]);
	stacks = mmap(NULL, RVX_KERNEL_TASKS * STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	all_lat = malloc(sizeof(uint32_t) * MAX_SAMPLES * TASKS);
	if (stacks == MAP_FAILED || all_lat == NULL)
		return 1;
	printf("RuVix hosted runtime: %u clusters x (Reflex pair + Flow pair), %u CPUs (host threads),\n"
	       "spawned round-robin; engine epoch %u ms, task load %s; %u ms warm-up, %u ms measured per run;\n"
	       "Reflex ping every %u us (deadline %u us), Flow messages of %u B, a %u us pause when\n"
	       "the queue is full (deadline %u ms), one cross-cluster message every %u Flow messages.\n"
	       "Latency: one-way (receive - send), kernel clock.\n\n",
	       CLUSTERS, CPUS, EPOCH_NS / 1000000u, load_by_time ? "run time" : "1 per task", WARMUP_NS / 1000000u, MEASURE_NS / 1000000u,
	       REFLEX_PERIOD_NS / 1000u, REFLEX_DEADLINE_NS / 1000u, FLOW_BYTES, FLOW_PAUSE_NS / 1000u,
	       FLOW_DEADLINE_NS / 1000000u, GOSSIP_EVERY);
	printf("  %-12s %5s %10s %12s %10s %12s %9s %9s %9s %11s\n", "placement", "round", "msgs",
	       "bytes", "cross msgs", "cross bytes", "p50 us", "p99 us", "p99.9 us", "flow msg/s");
	for (uint32_t i = 0; i < rounds; i++) {
		run(PL_RR, i, &rr);
		row(PL_RR, i, &rr);
		if (i == 0 && trace != NULL)
			write_trace(trace);
		/* The oracle's placement comes from this round-robin run's traffic. */
		if (oracle)
			oracle_place();
		run(PL_ENGINE, i, &en);
		row(PL_ENGINE, i, &en);
		bytes_red[i] = rr.cross_bytes != 0 ? 1.0 - (double)en.cross_bytes / (double)rr.cross_bytes : 0;
		p99_red[i] = rr.p99 != 0 ? 1.0 - (double)en.p99 / (double)rr.p99 : 0;
		flow_chg[i] = rr.flow_msgs != 0 ? (double)en.flow_msgs / (double)rr.flow_msgs - 1.0 : 0;
		if (oracle) {
			run(PL_ORACLE, i, &orc);
			row(PL_ORACLE, i, &orc);
			obytes[i] = rr.cross_bytes != 0 ? 1.0 - (double)orc.cross_bytes / (double)rr.cross_bytes : 0;
			op99[i] = rr.p99 != 0 ? 1.0 - (double)orc.p99 / (double)rr.p99 : 0;
			oflow[i] = rr.flow_msgs != 0 ? (double)orc.flow_msgs / (double)rr.flow_msgs - 1.0 : 0;
		}
	}
	printf("\nengine vs round-robin, median of %u rounds: cross-CPU bytes %.1f%% lower (goal >= 50%%),\n"
	       "Reflex p99 %.1f%% lower (goal >= 20%%), Flow throughput %+.1f%% (goal: loss <= 5%%)\n",
	       rounds, 100 * median(bytes_red, rounds), 100 * median(p99_red, rounds),
	       100 * median(flow_chg, rounds));
	if (oracle)
		printf("oracle vs round-robin, median of %u rounds: cross-CPU bytes %.1f%% lower, "
		       "Reflex p99 %.1f%% lower, Flow throughput %+.1f%%\n",
		       rounds, 100 * median(obytes, rounds), 100 * median(op99, rounds),
		       100 * median(oflow, rounds));
	if ((summary_csv != NULL && fclose(summary_csv) != 0) ||
	    (epochs_csv != NULL && fclose(epochs_csv) != 0)) {
		fprintf(stderr, "cannot write the CSV output\n");
		return 1;
	}
	return 0;
}
