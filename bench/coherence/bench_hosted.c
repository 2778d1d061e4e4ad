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

/* A message: when and where it was sent, and padding up to its size. */
struct msg {
	uint64_t sent;
	uint32_t cpu;
	uint32_t seq;
	uint8_t pad[FLOW_BYTES - 16u];
};

/* What one task counted (written by that task only). */
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

static uint32_t my_cpu(const struct rvx_user_start *s)
{
	return __atomic_load_n(&rt.tasks[s->task].cpu, __ATOMIC_RELAXED);
}

/* Workload task j is kernel task j + 1. */
static struct tstat *my_stat(const struct rvx_user_start *s)
{
	return &stats[s->task - 1u];
}

static void got(const struct rvx_user_start *s, const struct msg *m, uint64_t len, bool reflex)
{
	struct tstat *st = my_stat(s);
	uint64_t now;

	if (!measuring)
		return;
	st->msgs++;
	st->bytes += len;
	if (m->cpu != my_cpu(s)) {
		st->cross_msgs++;
		st->cross_bytes += len;
	}
	if (reflex && st->nlat < MAX_SAMPLES) {
		now = rvx_hkrt_now(&rt);
		st->lat[st->nlat++] = (uint32_t)(now - m->sent < UINT32_MAX ? now - m->sent : UINT32_MAX);
	}
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
			got(s, &m, len, true);
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
		got(s, &m, len, true);
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
		got(s, &m, len, false);
		if (measuring && m.pad[0] == 0)
			my_stat(s)->flow_msgs++;
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
	sp.cpu = j % CPUS; /* round-robin */
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

/* The measured window, on the host's clock (a task of the workload could
 * be kept waiting behind the Flow tasks). */
static void *phases(void *arg)
{
	struct timespec w = {0, WARMUP_NS}, m = {MEASURE_NS / 1000000000u, MEASURE_NS % 1000000000u};

	(void)arg;
	nanosleep(&w, NULL);
	measuring = 1;
	nanosleep(&m, NULL);
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

static void run(bool engine, struct result *r)
{
	int rc;

	pthread_t timer;

	setup(engine);
	if (pthread_create(&timer, NULL, phases, NULL) != 0)
		exit(1);
	rc = rvx_hkrt_run(&rt);
	pthread_join(timer, NULL);
	if (rc != 0 || spawn_rc != 0) {
		fprintf(stderr, "run failed: %d, spawn %d\n", rc, spawn_rc);
		exit(1);
	}
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

static void row(const char *name, uint32_t round, const struct result *r)
{
	double secs = MEASURE_NS / 1e9;

	printf("  %-12s %5u %10lu %12lu %10lu %12lu %9.1f %9.1f %9.1f %11.0f",
	       name, round, (unsigned long)r->msgs, (unsigned long)r->bytes,
	       (unsigned long)r->cross_msgs, (unsigned long)r->cross_bytes, r->p50 / 1e3,
	       r->p99 / 1e3, r->p999 / 1e3, r->flow_msgs / secs);
	if (r->closes != 0)
		printf("   %lu closes, %lu moves, %lu deferred, close max %.1f us",
		       (unsigned long)r->closes, (unsigned long)r->migrations,
		       (unsigned long)r->deferred, r->close_max / 1e3);
	printf("\n");
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

int main(int argc, char **argv)
{
	uint32_t rounds = argc > 1 ? (uint32_t)atoi(argv[1]) : 3u;
	double bytes_red[16], p99_red[16], flow_chg[16];
	struct result rr, en;

	if (argc > 2 && strcmp(argv[2], "time") == 0)
		load_by_time = 1;
	if (rounds == 0 || rounds > 16 || (argc > 2 && !load_by_time)) {
		fprintf(stderr, "usage: %s [rounds 1..16] [time]\n"
			"  time: the engine's task load is run time (default: 1 per task)\n"
			"  BENCH_DEBUG=1 in the environment: per-task counts and CPUs\n", argv[0]);
		return 2;
	}
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
		run(false, &rr);
		row("round-robin", i, &rr);
		run(true, &en);
		row("engine", i, &en);
		bytes_red[i] = rr.cross_bytes != 0 ? 1.0 - (double)en.cross_bytes / (double)rr.cross_bytes : 0;
		p99_red[i] = rr.p99 != 0 ? 1.0 - (double)en.p99 / (double)rr.p99 : 0;
		flow_chg[i] = rr.flow_msgs != 0 ? (double)en.flow_msgs / (double)rr.flow_msgs - 1.0 : 0;
	}
	printf("\nengine vs round-robin, median of %u rounds: cross-CPU bytes %.1f%% lower (goal >= 50%%),\n"
	       "Reflex p99 %.1f%% lower (goal >= 20%%), Flow throughput %+.1f%% (goal: loss <= 5%%)\n",
	       rounds, 100 * median(bytes_red, rounds), 100 * median(p99_red, rounds),
	       100 * median(flow_chg, rounds));
	return 0;
}
