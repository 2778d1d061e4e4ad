/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sensor sources (ruvix/hosted_sensor.h): argument checks with the source
 * unchanged, the events each kind delivers, a full queue keeping events
 * pending without loss, the timer's bounded catch-up, and the vector
 * stream's determinism.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ruvix/err.h"
#include "ruvix/hosted_sensor.h"
#include "ruvix/queue.h"

#define SLOTS 8u
#define PAYLOAD 4096u
/* See vector_stream_known_bytes. */
#define VECTOR_KNOWN_SUM 0x88f91ea9df36bf35ull

static alignas(RVX_QUEUE_STORAGE_ALIGN) uint8_t qstore[RVX_QUEUE_STORAGE_SIZE(SLOTS, PAYLOAD)];
static struct rvx_queue q;
static uint8_t msg[PAYLOAD];

static void setup(void)
{
	cr_assert_eq(rvx_queue_init(&q, qstore, sizeof(qstore), SLOTS, PAYLOAD), 0);
}

TestSuite(hosted_sensor, .init = setup);

/* A queue with another payload limit, on its own storage. */
static void small_queue(struct rvx_queue *sq, void *store, size_t size, uint32_t slots,
			uint32_t payload)
{
	cr_assert_eq(rvx_queue_init(sq, store, size, slots, payload), 0);
}

/* Receive one message; returns its length, asserts there was one. */
static int take(struct rvx_queue *from, struct rvx_queue_msg_hdr *h)
{
	int n = rvx_queue_recv(from, h, msg, sizeof(msg));

	cr_assert_geq(n, 0, "expected a message, got %d", n);
	return n;
}

static struct rvx_hsensor_tick take_tick(struct rvx_queue *from)
{
	struct rvx_queue_msg_hdr h;
	struct rvx_hsensor_tick t;

	cr_assert_eq(take(from, &h), (int)sizeof(t));
	cr_assert_eq(h.type_id, RVX_HSENSOR_TYPE_TICK);
	memcpy(&t, msg, sizeof(t));
	return t;
}

/* ---- common ----------------------------------------------------------- */

Test(hosted_sensor, poll_rejects_bad_arguments)
{
	struct rvx_hsensor s, snap;

	memset(&s, 0, sizeof(s)); /* kind NONE */
	memcpy(&snap, &s, sizeof(s));
	cr_assert_eq(rvx_hsensor_poll(NULL, 0, &q), -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), -RVX_EINVAL);
	cr_assert_eq(memcmp(&s, &snap, sizeof(s)), 0);
	cr_assert_eq(rvx_hsensor_timer_init(&s, 0, 10, 4, 0), 0);
	memcpy(&snap, &s, sizeof(s));
	cr_assert_eq(rvx_hsensor_poll(&s, 100, NULL), -RVX_EINVAL);
	cr_assert_eq(memcmp(&s, &snap, sizeof(s)), 0);
	cr_assert_eq(rvx_queue_count_total(&q), 0u);
}

/* ---- timer ------------------------------------------------------------ */

Test(hosted_sensor, timer_init_rejects_bad_arguments)
{
	struct rvx_hsensor s, snap;

	memset(&s, 0xa5, sizeof(s));
	memcpy(&snap, &s, sizeof(s));
	cr_assert_eq(rvx_hsensor_timer_init(NULL, 0, 10, 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_timer_init(&s, 0, 0, 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_timer_init(&s, 0, 10, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_timer_init(&s, 0, 10, RVX_HSENSOR_BATCH_MAX + 1u, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_timer_init(&s, 0, 10, 1, RVX_QUEUE_PRIORITIES), -RVX_EINVAL);
	cr_assert_eq(memcmp(&s, &snap, sizeof(s)), 0);
}

Test(hosted_sensor, timer_delivers_one_event_per_period)
{
	struct rvx_hsensor s;
	struct rvx_queue_msg_hdr h;
	struct rvx_hsensor_tick t;

	cr_assert_eq(rvx_hsensor_timer_init(&s, 1000, 100, 16, 2), 0);
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 0);    /* before start */
	cr_assert_eq(rvx_hsensor_poll(&s, 1099, &q), 0); /* tick 1 not due */
	cr_assert_eq(rvx_hsensor_poll(&s, 1100, &q), 1);
	cr_assert_eq(rvx_queue_peek(&q, &h), (int)sizeof(t));
	cr_assert_eq(h.priority, 2);
	t = take_tick(&q);
	cr_assert_eq(t.tick, 1u);
	cr_assert_eq(t.time_ns, 1100u);
	cr_assert_eq(t.missed, 0u);
	cr_assert_eq(rvx_hsensor_poll(&s, 1150, &q), 0); /* same period */
	cr_assert_eq(rvx_hsensor_poll(&s, 1420, &q), 3); /* ticks 2, 3, 4 */
	for (uint64_t k = 2; k <= 4; k++) {
		t = take_tick(&q);
		cr_assert_eq(t.tick, k);
		cr_assert_eq(t.time_ns, 1000u + 100u * k);
	}
	cr_assert_eq(s.delivered, 4u);
	cr_assert(!rvx_hsensor_done(&s));
	cr_assert_eq(rvx_queue_count_total(&q), 0u);
}

Test(hosted_sensor, timer_catch_up_is_bounded_and_counts_missed)
{
	struct rvx_hsensor s;
	struct rvx_hsensor_tick t;

	cr_assert_eq(rvx_hsensor_timer_init(&s, 0, 10, 3, 0), 0);
	/* ticks 1..10 are due; only the newest 3 are delivered */
	cr_assert_eq(rvx_hsensor_poll(&s, 105, &q), 3);
	for (uint64_t k = 8; k <= 10; k++) {
		t = take_tick(&q);
		cr_assert_eq(t.tick, k);
		cr_assert_eq(t.time_ns, 10u * k);
		cr_assert_eq(t.missed, 7u);
	}
	cr_assert_eq(s.u.timer.missed, 7u);
	cr_assert_eq(rvx_hsensor_poll(&s, 110, &q), 1);
	t = take_tick(&q);
	cr_assert_eq(t.tick, 11u);
	cr_assert_eq(t.missed, 7u);
}

Test(hosted_sensor, timer_keeps_ticks_pending_when_the_queue_is_full)
{
	alignas(RVX_QUEUE_STORAGE_ALIGN) static uint8_t store[RVX_QUEUE_STORAGE_SIZE(2, 64)];
	struct rvx_queue sq;
	struct rvx_hsensor s;
	uint64_t expect = 1;

	small_queue(&sq, store, sizeof(store), 2, 64);
	cr_assert_eq(rvx_hsensor_timer_init(&s, 0, 10, 16, 1), 0);
	/* five ticks due, room for two */
	cr_assert_eq(rvx_hsensor_poll(&s, 50, &sq), 2);
	cr_assert_eq(rvx_hsensor_poll(&s, 50, &sq), 0); /* still full */
	for (int round = 0; round < 3; round++) {
		while (rvx_queue_count_total(&sq) > 0)
			cr_assert_eq(take_tick(&sq).tick, expect++);
		cr_assert_geq(rvx_hsensor_poll(&s, 50, &sq), 0);
	}
	/* every tick 1..5 came out once, in order, none missed */
	cr_assert_eq(expect, 6u);
	cr_assert_eq(s.u.timer.missed, 0u);
	cr_assert_eq(s.delivered, 5u);
}

Test(hosted_sensor, timer_rejects_a_queue_too_small_for_a_tick)
{
	alignas(RVX_QUEUE_STORAGE_ALIGN) static uint8_t store[RVX_QUEUE_STORAGE_SIZE(2, 16)];
	struct rvx_queue sq;
	struct rvx_hsensor s, snap;

	small_queue(&sq, store, sizeof(store), 2, 16);
	cr_assert_eq(rvx_hsensor_timer_init(&s, 0, 10, 16, 1), 0);
	memcpy(&snap, &s, sizeof(s));
	cr_assert_eq(rvx_hsensor_poll(&s, 1000, &sq), -RVX_EMSGSIZE);
	cr_assert_eq(memcmp(&s, &snap, sizeof(s)), 0);
	cr_assert_eq(rvx_queue_count_total(&sq), 0u);
}

/* ---- vectors ---------------------------------------------------------- */

static struct rvx_hsensor_vector_cfg vcfg(uint64_t seed)
{
	struct rvx_hsensor_vector_cfg c = {
		.seed = seed,
		.dim = 16,
		.clusters = 4,
		.spread_q16 = 3277, /* 0.05 */
		.burst = 5,
		.period_ns = 0,
		.start_ns = 0,
		.count = 0,
	};
	return c;
}

Test(hosted_sensor, vector_init_rejects_bad_arguments)
{
	struct rvx_hsensor s, snap;
	struct rvx_hsensor_vector_cfg c;

	memset(&s, 0xa5, sizeof(s));
	memcpy(&snap, &s, sizeof(s));
	c = vcfg(1);
	cr_assert_eq(rvx_hsensor_vector_init(NULL, &c, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_vector_init(&s, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, RVX_QUEUE_PRIORITIES), -RVX_EINVAL);
	c.dim = 0;
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), -RVX_EINVAL);
	c.dim = RVX_HSENSOR_VECTOR_DIM_MAX + 1u;
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), -RVX_EINVAL);
	c = vcfg(1);
	c.clusters = 0;
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), -RVX_EINVAL);
	c = vcfg(1);
	c.spread_q16 = RVX_HSENSOR_VECTOR_SPREAD_MAX + 1u;
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), -RVX_EINVAL);
	c = vcfg(1);
	c.burst = 0;
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), -RVX_EINVAL);
	c.burst = RVX_HSENSOR_BATCH_MAX + 1u;
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), -RVX_EINVAL);
	cr_assert_eq(memcmp(&s, &snap, sizeof(s)), 0);
}

/* Collect @p n vectors of a stream into @p out (n * len bytes), polling
 * with a queue of @p slots slots and draining @p drain messages between
 * polls, so back-pressure differs from run to run. */
static void collect(const struct rvx_hsensor_vector_cfg *c, uint32_t n, uint8_t *out,
		    size_t len, uint32_t drain)
{
	struct rvx_hsensor s;
	struct rvx_queue_msg_hdr h;
	uint32_t got = 0;
	uint64_t now = 0;

	cr_assert_eq(rvx_hsensor_vector_init(&s, c, 1), 0);
	while (got < n) {
		int r = rvx_hsensor_poll(&s, now, &q);

		cr_assert_geq(r, 0);
		now += 7;
		for (uint32_t k = 0; k < drain && got < n; k++) {
			if (rvx_queue_recv(&q, &h, msg, sizeof(msg)) < 0)
				break;
			cr_assert_eq(h.type_id, RVX_HSENSOR_TYPE_VECTOR);
			cr_assert_eq(h.length, len);
			memcpy(out + (size_t)got * len, msg, len);
			got++;
		}
	}
	while (rvx_queue_recv(&q, &h, msg, sizeof(msg)) >= 0)
		;
}

Test(hosted_sensor, vector_stream_is_deterministic)
{
	enum { N = 200 };
	struct rvx_hsensor_vector_cfg c = vcfg(0x1234);
	size_t len = sizeof(struct rvx_hsensor_vector_hdr) + 16u * sizeof(float);
	static uint8_t a[N * 80], b[N * 80], d[N * 80];

	/* same seed, different poll and drain patterns: same bytes */
	collect(&c, N, a, len, 1);
	collect(&c, N, b, len, 100);
	cr_assert_eq(memcmp(a, b, N * len), 0);
	/* another seed: another stream */
	c = vcfg(0x1235);
	collect(&c, N, d, len, 3);
	cr_assert_neq(memcmp(a, d, N * len), 0);
	/* sequence numbers run 0..N-1 with no gap */
	for (uint32_t i = 0; i < N; i++) {
		struct rvx_hsensor_vector_hdr vh;

		memcpy(&vh, a + (size_t)i * len, sizeof(vh));
		cr_assert_eq(vh.seq, i);
		cr_assert_eq(vh.dim, 16u);
		cr_assert_lt(vh.cluster, 4u);
	}
}

Test(hosted_sensor, vector_stream_known_bytes)
{
	/* A fixed seed's first vector, so a change of the generator (which
	 * would change every recorded trace) cannot go unnoticed. The values
	 * are what this generator produced when the test was written. */
	struct rvx_hsensor_vector_cfg c = vcfg(42);
	struct rvx_hsensor s;
	struct rvx_queue_msg_hdr h;
	struct rvx_hsensor_vector_hdr vh;
	uint64_t sum = 0;

	c.dim = 4;
	c.burst = 1;
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), 0);
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 1);
	cr_assert_eq(take(&q, &h), 16 + 4 * 4);
	memcpy(&vh, msg, sizeof(vh));
	for (size_t i = 0; i < h.length; i++)
		sum = sum * 131u + msg[i];
	cr_assert_eq(vh.seq, 0u);
	cr_assert_eq(sum, VECTOR_KNOWN_SUM, "got 0x%llx", (unsigned long long)sum);
}

Test(hosted_sensor, vectors_are_clustered)
{
	enum { N = 400, D = 16, K = 4 };
	struct rvx_hsensor_vector_cfg c = vcfg(7);
	size_t len = sizeof(struct rvx_hsensor_vector_hdr) + D * sizeof(float);
	static uint8_t buf[N * 80];
	double mean[K][D] = {{0}};
	uint32_t members[K] = {0};
	double within = 0, between = INFINITY;

	c.spread_q16 = 6554; /* 0.1 */
	collect(&c, N, buf, len, 4);
	for (uint32_t i = 0; i < N; i++) {
		struct rvx_hsensor_vector_hdr vh;

		memcpy(&vh, buf + (size_t)i * len, sizeof(vh));
		members[vh.cluster]++;
		for (uint32_t j = 0; j < D; j++) {
			float f;

			memcpy(&f, buf + (size_t)i * len + sizeof(vh) + j * sizeof(f), sizeof(f));
			cr_assert(f >= -1.1f && f <= 1.1f, "value %f out of range", (double)f);
			mean[vh.cluster][j] += f;
		}
	}
	for (uint32_t k = 0; k < K; k++) {
		cr_assert_gt(members[k], N / K / 2, "cluster %u has %u members", k, members[k]);
		for (uint32_t j = 0; j < D; j++)
			mean[k][j] /= members[k];
	}
	/* largest distance of a member to its cluster mean, against the
	 * smallest distance between two means */
	for (uint32_t i = 0; i < N; i++) {
		struct rvx_hsensor_vector_hdr vh;
		double d2 = 0;

		memcpy(&vh, buf + (size_t)i * len, sizeof(vh));
		for (uint32_t j = 0; j < D; j++) {
			float f;

			memcpy(&f, buf + (size_t)i * len + sizeof(vh) + j * sizeof(f), sizeof(f));
			d2 += (f - mean[vh.cluster][j]) * (f - mean[vh.cluster][j]);
		}
		if (sqrt(d2) > within)
			within = sqrt(d2);
	}
	for (uint32_t a = 0; a < K; a++)
		for (uint32_t b = a + 1u; b < K; b++) {
			double d2 = 0;

			for (uint32_t j = 0; j < D; j++)
				d2 += (mean[a][j] - mean[b][j]) * (mean[a][j] - mean[b][j]);
			if (sqrt(d2) < between)
				between = sqrt(d2);
		}
	cr_assert_lt(within * 2.0, between, "within %f, between %f", within, between);
}

Test(hosted_sensor, vector_paced_by_period_and_count)
{
	struct rvx_hsensor_vector_cfg c = vcfg(3);
	struct rvx_hsensor s;
	struct rvx_queue_msg_hdr h;

	c.period_ns = 100;
	c.start_ns = 1000;
	c.count = 6;
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), 0);
	cr_assert_eq(rvx_hsensor_poll(&s, 999, &q), 0);
	cr_assert_eq(rvx_hsensor_poll(&s, 1000, &q), 1);  /* vector 0 */
	cr_assert_eq(rvx_hsensor_poll(&s, 1250, &q), 2);  /* 1, 2 */
	cr_assert_eq(rvx_hsensor_poll(&s, 9999, &q), 3);  /* 3..5, then the count ends it */
	cr_assert(rvx_hsensor_done(&s));
	cr_assert_eq(rvx_hsensor_poll(&s, 99999, &q), 0);
	for (uint64_t i = 0; i < 6; i++) {
		struct rvx_hsensor_vector_hdr vh;

		take(&q, &h);
		memcpy(&vh, msg, sizeof(vh));
		cr_assert_eq(vh.seq, i);
	}
	cr_assert_eq(rvx_queue_count_total(&q), 0u);
}

Test(hosted_sensor, vector_full_queue_loses_nothing)
{
	struct rvx_hsensor_vector_cfg c = vcfg(9);
	struct rvx_hsensor s;
	struct rvx_queue_msg_hdr h;
	uint64_t expect = 0;

	c.burst = 20;
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), 0);
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), (int)SLOTS); /* the ring fills */
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 0);
	for (int round = 0; round < 5; round++) {
		struct rvx_hsensor_vector_hdr vh;

		take(&q, &h);
		memcpy(&vh, msg, sizeof(vh));
		cr_assert_eq(vh.seq, expect++);
		cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 1);
	}
	while (rvx_queue_recv(&q, &h, msg, sizeof(msg)) >= 0) {
		struct rvx_hsensor_vector_hdr vh;

		memcpy(&vh, msg, sizeof(vh));
		cr_assert_eq(vh.seq, expect++);
	}
	cr_assert_eq(expect, SLOTS + 5u);
}

Test(hosted_sensor, vector_rejects_a_queue_too_small)
{
	alignas(RVX_QUEUE_STORAGE_ALIGN) static uint8_t store[RVX_QUEUE_STORAGE_SIZE(2, 64)];
	struct rvx_queue sq;
	struct rvx_hsensor_vector_cfg c = vcfg(1); /* 16 + 64 bytes */
	struct rvx_hsensor s, snap;

	small_queue(&sq, store, sizeof(store), 2, 64);
	cr_assert_eq(rvx_hsensor_vector_init(&s, &c, 0), 0);
	memcpy(&snap, &s, sizeof(s));
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &sq), -RVX_EMSGSIZE);
	cr_assert_eq(memcmp(&s, &snap, sizeof(s)), 0);
}

/* ---- fd --------------------------------------------------------------- */

static void write_all(int fd, const char *s)
{
	size_t n = strlen(s);

	cr_assert_eq(write(fd, s, n), (ssize_t)n);
}

static void expect_bytes(struct rvx_queue *from, const char *want)
{
	struct rvx_queue_msg_hdr h;
	int n = take(from, &h);

	cr_assert_eq(h.type_id, RVX_HSENSOR_TYPE_BYTES);
	cr_assert_eq((size_t)n, strlen(want), "got %d bytes '%.*s', want '%s'", n, n,
		     (const char *)msg, want);
	cr_assert_eq(memcmp(msg, want, (size_t)n), 0);
}

static void expect_eof(struct rvx_queue *from)
{
	struct rvx_queue_msg_hdr h;

	cr_assert_eq(take(from, &h), 0);
	cr_assert_eq(h.type_id, RVX_HSENSOR_TYPE_EOF);
}

Test(hosted_sensor, fd_init_rejects_bad_arguments)
{
	struct rvx_hsensor s, snap;
	uint8_t buf[16];
	int p[2];

	cr_assert_eq(pipe(p), 0);
	memset(&s, 0xa5, sizeof(s));
	memcpy(&snap, &s, sizeof(s));
	cr_assert_eq(rvx_hsensor_fd_init(NULL, p[0], RVX_HSENSOR_FD_LINE, buf, 16, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[0], RVX_HSENSOR_FD_LINE, NULL, 16, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[0], RVX_HSENSOR_FD_LINE, buf, 0, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[0], (enum rvx_hsensor_fd_mode)7, buf, 16, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[0], RVX_HSENSOR_FD_LINE, buf, 16,
					 RVX_QUEUE_PRIORITIES),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_hsensor_fd_init(&s, -1, RVX_HSENSOR_FD_LINE, buf, 16, 0),
		     -RVX_EINVAL);
	close(p[1]);
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[1], RVX_HSENSOR_FD_LINE, buf, 16, 0),
		     -RVX_EINVAL); /* closed */
	cr_assert_eq(memcmp(&s, &snap, sizeof(s)), 0);
	close(p[0]);
}

Test(hosted_sensor, fd_lines_from_a_pipe_then_eof)
{
	struct rvx_hsensor s;
	uint8_t buf[64];
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[0], RVX_HSENSOR_FD_LINE, buf, sizeof(buf), 3),
		     0);
	/* nothing written: returns at once, nothing delivered */
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 0);
	write_all(p[1], "hello\nwor");
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 1);
	expect_bytes(&q, "hello");
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 0); /* "wor" waits for its end */
	write_all(p[1], "ld\n\nlast");
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 2);
	expect_bytes(&q, "world");
	expect_bytes(&q, "");
	cr_assert(!rvx_hsensor_done(&s));
	close(p[1]);
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 2); /* the last line, then EOF */
	expect_bytes(&q, "last");
	expect_eof(&q);
	cr_assert(rvx_hsensor_done(&s));
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), 0);
	cr_assert_eq(rvx_queue_count_total(&q), 0u);
	cr_assert_eq(s.delivered, 5u);
	close(p[0]);
}

Test(hosted_sensor, fd_long_lines_are_cut_at_the_queue_limit)
{
	alignas(RVX_QUEUE_STORAGE_ALIGN) static uint8_t store[RVX_QUEUE_STORAGE_SIZE(8, 4)];
	struct rvx_queue sq;
	struct rvx_hsensor s;
	uint8_t buf[64];
	int p[2];

	small_queue(&sq, store, sizeof(store), 8, 4);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[0], RVX_HSENSOR_FD_LINE, buf, sizeof(buf), 0),
		     0);
	write_all(p[1], "abcdefghij\nwxyz\n");
	close(p[1]);
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &sq), 5);
	expect_bytes(&sq, "abcd");
	expect_bytes(&sq, "efgh");
	expect_bytes(&sq, "ij");
	expect_bytes(&sq, "wxyz"); /* exactly the limit, '\n' just past it */
	expect_eof(&sq);
	close(p[0]);
}

Test(hosted_sensor, fd_chunks_from_a_file)
{
	alignas(RVX_QUEUE_STORAGE_ALIGN) static uint8_t store[RVX_QUEUE_STORAGE_SIZE(8, 8)];
	struct rvx_queue sq;
	struct rvx_hsensor s;
	uint8_t buf[32];
	FILE *f = tmpfile();

	cr_assert_not_null(f);
	cr_assert_geq(fputs("0123456789abcdefghij", f), 0);
	fflush(f);
	cr_assert_eq(lseek(fileno(f), 0, SEEK_SET), 0);
	small_queue(&sq, store, sizeof(store), 8, 8);
	cr_assert_eq(rvx_hsensor_fd_init(&s, fileno(f), RVX_HSENSOR_FD_CHUNK, buf,
					 sizeof(buf), 0),
		     0);
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &sq), 4);
	expect_bytes(&sq, "01234567");
	expect_bytes(&sq, "89abcdef");
	expect_bytes(&sq, "ghij");
	expect_eof(&sq);
	cr_assert(rvx_hsensor_done(&s));
	fclose(f);
}

Test(hosted_sensor, fd_full_queue_keeps_bytes_pending)
{
	alignas(RVX_QUEUE_STORAGE_ALIGN) static uint8_t store[RVX_QUEUE_STORAGE_SIZE(2, 64)];
	struct rvx_queue sq;
	struct rvx_hsensor s;
	uint8_t buf[64];
	int p[2];

	small_queue(&sq, store, sizeof(store), 2, 64);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[0], RVX_HSENSOR_FD_LINE, buf, sizeof(buf), 0),
		     0);
	write_all(p[1], "a\nb\nc\nd\n");
	close(p[1]);
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &sq), 2);
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &sq), 0); /* full: c, d pending */
	expect_bytes(&sq, "a");
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &sq), 1);
	expect_bytes(&sq, "b");
	expect_bytes(&sq, "c");
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &sq), 2); /* d and EOF */
	expect_bytes(&sq, "d");
	expect_eof(&sq);
	cr_assert_eq(s.delivered, 5u);
	close(p[0]);
}

Test(hosted_sensor, fd_rejects_a_queue_without_payload)
{
	alignas(RVX_QUEUE_STORAGE_ALIGN) static uint8_t store[RVX_QUEUE_STORAGE_SIZE(2, 0)];
	struct rvx_queue sq;
	struct rvx_hsensor s, snap;
	uint8_t buf[16];
	int p[2];

	small_queue(&sq, store, sizeof(store), 2, 0);
	cr_assert_eq(pipe(p), 0);
	write_all(p[1], "x\n");
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[0], RVX_HSENSOR_FD_LINE, buf, sizeof(buf), 0),
		     0);
	memcpy(&snap, &s, sizeof(s));
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &sq), -RVX_EMSGSIZE);
	cr_assert_eq(memcmp(&s, &snap, sizeof(s)), 0);
	cr_assert_eq(rvx_queue_count_total(&sq), 0u);
	close(p[0]);
	close(p[1]);
}

Test(hosted_sensor, fd_read_error_is_reported)
{
	struct rvx_hsensor s;
	uint8_t buf[16];
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(rvx_hsensor_fd_init(&s, p[0], RVX_HSENSOR_FD_CHUNK, buf, sizeof(buf), 0),
		     0);
	close(p[0]); /* the descriptor goes away under the source */
	cr_assert_eq(rvx_hsensor_poll(&s, 0, &q), -RVX_EINVAL);
	cr_assert_neq(s.u.fd.last_errno, 0);
	cr_assert_eq(s.u.fd.fill, 0u);
	cr_assert_eq(rvx_queue_count_total(&q), 0u);
	close(p[1]);
}
