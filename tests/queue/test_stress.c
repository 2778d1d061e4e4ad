/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Two-thread stress test of ruvix/queue.h: a producer thread and a consumer
 * thread move RVX_STRESS_MESSAGES messages (4M by default) with random
 * priorities and lengths through a small queue, while completions flow back
 * on the completion ring. Checks: nothing lost, nothing duplicated, no
 * reordering within a priority (per-priority sequence numbers in each
 * payload), payload bytes intact, every completion returned in order.
 * Meant to be run under ThreadSanitizer too, with a smaller count.
 *
 * Criterion's runner cannot start under ThreadSanitizer (it fails with
 * "Could not initialize inheritable arena", then crashes; Criterion issue
 * #274), so with RVX_STRESS_STANDALONE defined, as tests/queue/meson.build
 * does in a -Db_sanitize=thread tree, this file is a plain program with the
 * same checks and exit status 0 on success.
 */
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/queue.h"

#define SLOTS 64u
#define PAYLOAD 48u
#define DEFAULT_MESSAGES 4000000ull

static alignas(64) uint8_t storage[RVX_QUEUE_STORAGE_SIZE(SLOTS, PAYLOAD)];
static struct rvx_queue q;
static uint64_t message_count;

/* What each payload carries before its filler bytes. */
struct stress_payload {
	uint64_t seq;      /* per-priority sequence number */
	uint32_t priority; /* repeated, to catch a message filed under the wrong level */
	uint32_t check;    /* seeds the filler bytes */
};

/* Per-thread results, checked by the main thread after both join. */
struct side_result {
	uint64_t done;
	uint64_t per_prio[RVX_QUEUE_PRIORITIES];
	uint64_t full_or_empty; /* how often the side found the ring full/empty */
	char error[160];
};

static struct side_result producer_result, consumer_result;

/* Set by a side that found an error, so the other stops waiting for it. */
static int stop;

static void fail(struct side_result *r)
{
	(void)r;
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
}

static bool stopped(void)
{
	return __atomic_load_n(&stop, __ATOMIC_ACQUIRE) != 0;
}

/*
 * Wait a little after finding the ring full or empty. Spin first (the other
 * side is normally running on the other CPU), but yield now and then: on a
 * loaded 2-CPU machine, or under ThreadSanitizer, the other side may need
 * this CPU to make progress. (No rvx_port_cpu_relax(): the test links no
 * port, so it builds in a ThreadSanitizer tree where the port does not.)
 */
static void backoff(unsigned *spins)
{
	if (++*spins % 64u == 0)
		sched_yield();
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint8_t filler(uint32_t check, uint32_t i)
{
	return (uint8_t)(check * 131u + i * 17u);
}

/* Take every completion that is ready; completions must come back in the
 * order the consumer received, which within a level is sending order. */
static int reap_all(struct side_result *r, uint64_t *next_done_seq)
{
	struct rvx_queue_cqe c;

	while (rvx_queue_reap(&q, &c) == 0) {
		uint32_t p = (uint32_t)(c.user_data >> 56);
		uint64_t seq = c.user_data & ((1ull << 56) - 1u);
		if (p >= RVX_QUEUE_PRIORITIES || seq != next_done_seq[p] ||
		    c.result != (int32_t)(seq & 0x7fffffff) || c.flags != p) {
			snprintf(r->error, sizeof(r->error),
				 "bad completion: prio %u seq %llu (want %llu) result %d", p,
				 (unsigned long long)seq,
				 p < RVX_QUEUE_PRIORITIES ? (unsigned long long)next_done_seq[p] : 0ull,
				 c.result);
			fail(r);
			return -1;
		}
		next_done_seq[p]++;
		r->done++;
	}
	return 0;
}

static void *producer(void *arg)
{
	struct side_result *r = arg;
	uint64_t rng = 0x853c49e6748fea9bull;
	uint64_t next_seq[RVX_QUEUE_PRIORITIES] = {0};
	uint64_t next_done_seq[RVX_QUEUE_PRIORITIES] = {0};
	uint8_t payload[PAYLOAD];

	for (uint64_t i = 0; i < message_count; i++) {
		uint64_t x = xorshift(&rng);
		struct rvx_queue_msg_hdr h;
		struct stress_payload sp;

		memset(&h, 0, sizeof(h));
		h.priority = (uint8_t)(x % RVX_QUEUE_PRIORITIES);
		h.length = (uint32_t)sizeof(sp) + (uint32_t)((x >> 8) % (PAYLOAD - sizeof(sp) + 1u));
		h.type_id = (uint32_t)(x >> 32);
		h.coherence = (uint32_t)i;
		sp.seq = next_seq[h.priority]++;
		sp.priority = h.priority;
		sp.check = (uint32_t)(x >> 20);
		memcpy(payload, &sp, sizeof(sp));
		for (uint32_t k = sizeof(sp); k < h.length; k++)
			payload[k] = filler(sp.check, k);
		memcpy(h.witness, &sp.check, sizeof(sp.check));

		int ret;
		unsigned spins = 0;
		while ((ret = rvx_queue_send(&q, &h, payload)) == -RVX_EFULL) {
			/* The consumer may be waiting for completion room. */
			r->full_or_empty++;
			if (reap_all(r, next_done_seq) != 0 || stopped())
				return NULL;
			backoff(&spins);
		}
		if (ret != 0) {
			snprintf(r->error, sizeof(r->error), "send %llu: %d",
				 (unsigned long long)i, ret);
			fail(r);
			return NULL;
		}
		r->per_prio[h.priority]++;
		if ((i & 15u) == 0 && reap_all(r, next_done_seq) != 0)
			return NULL;
	}
	/* Drain the completions still on their way. */
	unsigned spins = 0;
	while (r->done < message_count) {
		if (reap_all(r, next_done_seq) != 0 || stopped())
			return NULL;
		backoff(&spins);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct side_result *r = arg;
	uint64_t next_seq[RVX_QUEUE_PRIORITIES] = {0};
	uint8_t buf[PAYLOAD];
	unsigned spins = 0;

	while (r->done < message_count) {
		struct rvx_queue_msg_hdr h;
		struct stress_payload sp;
		int len = rvx_queue_recv(&q, &h, buf, sizeof(buf));

		if (len == -RVX_EEMPTY) {
			if (stopped())
				return NULL;
			r->full_or_empty++;
			backoff(&spins);
			continue;
		}
		if (len < (int)sizeof(sp) || (uint32_t)len != h.length ||
		    h.priority >= RVX_QUEUE_PRIORITIES) {
			snprintf(r->error, sizeof(r->error), "recv: %d (length %u, prio %u)", len,
				 h.length, h.priority);
			fail(r);
			return NULL;
		}
		memcpy(&sp, buf, sizeof(sp));
		if (sp.priority != h.priority || sp.seq != next_seq[h.priority] ||
		    memcmp(h.witness, &sp.check, sizeof(sp.check)) != 0) {
			snprintf(r->error, sizeof(r->error),
				 "prio %u: got seq %llu (payload prio %u), want %llu", h.priority,
				 (unsigned long long)sp.seq, sp.priority,
				 (unsigned long long)next_seq[h.priority]);
			fail(r);
			return NULL;
		}
		for (int k = (int)sizeof(sp); k < len; k++) {
			if (buf[k] != filler(sp.check, (uint32_t)k)) {
				snprintf(r->error, sizeof(r->error),
					 "prio %u seq %llu: payload byte %d corrupt", h.priority,
					 (unsigned long long)sp.seq, k);
				fail(r);
				return NULL;
			}
		}
		next_seq[h.priority]++;
		r->per_prio[h.priority]++;
		r->done++;

		struct rvx_queue_cqe c = {
			.user_data = ((uint64_t)h.priority << 56) | sp.seq,
			.result = (int32_t)(sp.seq & 0x7fffffff),
			.flags = h.priority,
		};
		while (rvx_queue_complete(&q, &c) == -RVX_EFULL) {
			if (stopped())
				return NULL;
			backoff(&spins);
		}
	}
	return NULL;
}

/* Run the whole test; 0 on success, else -1 with the reason in @p why. */
static int stress_run(char *why, size_t why_size)
{
	const char *env = getenv("RVX_STRESS_MESSAGES");
	pthread_t pt, ct;

	message_count = env != NULL ? strtoull(env, NULL, 0) : DEFAULT_MESSAGES;
#define STRESS_CHECK(cond, ...)                                                \
	do {                                                                   \
		if (!(cond)) {                                                 \
			snprintf(why, why_size, __VA_ARGS__);                  \
			return -1;                                             \
		}                                                              \
	} while (0)
	STRESS_CHECK(message_count > 0, "RVX_STRESS_MESSAGES must be a positive count");
	STRESS_CHECK(rvx_queue_init(&q, storage, sizeof(storage), SLOTS, PAYLOAD) == 0, "init");

	/* The queue is initialised before the threads exist: pthread_create
	 * is the happens-before edge the contract asks for. */
	STRESS_CHECK(pthread_create(&ct, NULL, consumer, &consumer_result) == 0, "consumer thread");
	STRESS_CHECK(pthread_create(&pt, NULL, producer, &producer_result) == 0, "producer thread");
	STRESS_CHECK(pthread_join(pt, NULL) == 0, "join producer");
	STRESS_CHECK(pthread_join(ct, NULL) == 0, "join consumer");
	STRESS_CHECK(producer_result.error[0] == '\0', "producer: %s", producer_result.error);
	STRESS_CHECK(consumer_result.error[0] == '\0', "consumer: %s", consumer_result.error);

	STRESS_CHECK(producer_result.done == message_count, "%llu of %llu completions reaped",
		     (unsigned long long)producer_result.done, (unsigned long long)message_count);
	STRESS_CHECK(consumer_result.done == message_count, "%llu of %llu messages received",
		     (unsigned long long)consumer_result.done, (unsigned long long)message_count);
	for (unsigned p = 0; p < RVX_QUEUE_PRIORITIES; p++) {
		STRESS_CHECK(consumer_result.per_prio[p] == producer_result.per_prio[p],
			     "level %u: sent %llu received %llu", p,
			     (unsigned long long)producer_result.per_prio[p],
			     (unsigned long long)consumer_result.per_prio[p]);
		STRESS_CHECK(message_count < 1000 || producer_result.per_prio[p] > 0,
			     "level %u never used", p);
	}
	STRESS_CHECK(rvx_queue_count_total(&q) == 0, "messages left over");
	STRESS_CHECK(rvx_queue_completion_count(&q) == 0, "completions left over");
#undef STRESS_CHECK
	snprintf(why, why_size,
		 "%llu messages; producer saw full %llu times, consumer saw empty %llu times",
		 (unsigned long long)message_count,
		 (unsigned long long)producer_result.full_or_empty,
		 (unsigned long long)consumer_result.full_or_empty);
	return 0;
}

#ifdef RVX_STRESS_STANDALONE
int main(void)
{
	char why[256];
	int ret = stress_run(why, sizeof(why));

	printf("queue stress_two_threads: %s: %s\n", ret == 0 ? "PASS" : "FAIL", why);
	return ret == 0 ? 0 : 1;
}
#else
#include <criterion/criterion.h>

Test(queue, stress_two_threads, .timeout = 110)
{
	char why[256];

	cr_assert_eq(stress_run(why, sizeof(why)), 0, "%s", why);
	cr_log_info("%s", why);
}
#endif
