/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small multi-task hosted program: a sensor task feeds synthetic vectors
 * into a queue, two workers on two CPUs exchange messages, a sleeper wakes on
 * time, one task overflows its stack and one is killed; the rest finish.
 * Exit 0 only if every task ended the way it should.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "ruvix/hosted_rt.h"
#include "ruvix/hosted_sensor.h"

#define NT 8
#define STACK ((size_t)128 * 1024)

static struct rvx_hrt rt;
static struct rvx_hrt_task_slot slots[NT];
static uint64_t storage[16384];
RVX_QUEUE_DEFINE(vecq, 16, 64);
RVX_QUEUE_DEFINE(ab, 16, 16);
RVX_QUEUE_DEFINE(ba, 16, 16);
RVX_QUEUE_DEFINE(never, 2, 16);
static struct rvx_hsensor vsrc;
static int vectors, exchanges, naps;
static volatile int sink;

static struct rvx_queue_msg_hdr hdr(uint32_t len)
{
	struct rvx_queue_msg_hdr h;

	memset(&h, 0, sizeof(h));
	h.type_id = 1;
	h.length = len;
	return h;
}

static void sensor(void *arg)
{
	(void)arg;
	while (!rvx_hsensor_done(&vsrc)) {
		(void)rvx_hsensor_poll(&vsrc, rvx_hrt_now(), &vecq);
		(void)rvx_hrt_sleep_for(1000000);
	}
}

static void consumer(void *arg)
{
	uint8_t buf[64];
	struct rvx_queue_msg_hdr h;

	(void)arg;
	while (rvx_hrt_queue_recv(&rt, &vecq, &h, buf, sizeof(buf), 20000000) >= 0)
		vectors++;
	printf("  consumer: %d vectors, then a 20 ms timeout\n", vectors);
}

static void worker_a(void *arg)
{
	struct rvx_queue_msg_hdr h = hdr(4), r;
	uint32_t v, back;

	(void)arg;
	for (v = 0; v < 1000; v++) {
		if (rvx_hrt_queue_send(&rt, &ab, &h, &v) != 0 ||
		    rvx_hrt_queue_recv(&rt, &ba, &r, &back, 4, RVX_HRT_FOREVER) != 4 ||
		    back != v * 2)
			return;
		exchanges++;
	}
	printf("  worker A (CPU 0): %d round trips with worker B (CPU 1)\n", exchanges);
}

static void worker_b(void *arg)
{
	struct rvx_queue_msg_hdr h = hdr(4), r;
	uint32_t v;

	(void)arg;
	for (int i = 0; i < 1000; i++) {
		if (rvx_hrt_queue_recv(&rt, &ab, &r, &v, 4, RVX_HRT_FOREVER) != 4)
			return;
		v *= 2;
		(void)rvx_hrt_queue_send(&rt, &ba, &h, &v);
	}
}

static void sleeper(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = rvx_hrt_now();

		(void)rvx_hrt_sleep_for(2000000);
		naps += rvx_hrt_now() - t0 >= 2000000;
	}
	printf("  sleeper: %d naps of 2 ms\n", naps);
}

static int deep(int n)
{
	volatile char pad[2048];

	pad[0] = (char)n;
	return n > 100000 ? 0 : deep(n + 1) + pad[0];
}

static void overflow(void *arg)
{
	(void)arg;
	sink = deep(0);
}

static void waits_forever(void *arg)
{
	struct rvx_queue_msg_hdr h;
	char b[16];

	(void)arg;
	(void)rvx_hrt_queue_recv(&rt, &never, &h, b, sizeof(b), RVX_HRT_FOREVER);
}

static rvx_handle_t victim;
static void killer(void *arg)
{
	(void)arg;
	(void)rvx_hrt_sleep_for(3000000);
	printf("  killer: killing the task blocked on an empty queue\n");
	(void)rvx_hrt_kill(&rt, victim);
}

static const char *reason_name(uint32_t r)
{
	static const char *n[] = {"none", "returned", "exited", "stack overflow", "fault",
				  "killed"};

	return r < 6 ? n[r] : "?";
}

int main(void)
{
	static const char *names[NT] = {"sensor", "consumer", "worker A", "worker B",
					"sleeper", "overflow", "victim", "killer"};
	static const uint32_t want[NT] = {
		RVX_HRT_EXIT_RETURNED, RVX_HRT_EXIT_RETURNED, RVX_HRT_EXIT_RETURNED,
		RVX_HRT_EXIT_RETURNED, RVX_HRT_EXIT_RETURNED, RVX_HRT_EXIT_STACK_OVERFLOW,
		RVX_HRT_EXIT_KILLED, RVX_HRT_EXIT_RETURNED};
	void (*fns[NT])(void *) = {sensor, consumer, worker_a, worker_b,
				   sleeper, overflow, waits_forever, killer};
	static const uint32_t cpu[NT] = {0, 0, 0, 1, 1, 1, 0, 1};
	struct rvx_hsensor_vector_cfg vc = {.seed = 7, .dim = 8, .clusters = 4,
					    .spread_q16 = 8192, .burst = 4, .count = 40};
	struct rvx_hrt_cfg cfg = {.cpu_count = 2, .clock = RVX_HRT_CLOCK_REAL,
				  .task_capacity = NT, .partitions = 1,
				  .period_ns = 10000000, .stack_size = STACK};
	rvx_handle_t t[NT];
	void *arena = mmap(NULL, NT * STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok = 1, rc;

	if (arena == MAP_FAILED || rvx_hsensor_vector_init(&vsrc, &vc, 0) != 0 ||
	    rvx_hrt_init(&rt, &cfg, storage, sizeof(storage), slots, arena, NT * STACK) != 0) {
		fprintf(stderr, "hosted-tasks: set-up failed\n");
		return 1;
	}
	printf("hosted-tasks: %d tasks on 2 CPUs (host threads), real clock\n", NT);
	for (int i = 0; i < NT; i++) {
		if (rvx_hrt_spawn(&rt, cpu[i], 0, 1000000, fns[i], NULL, &t[i]) != 0) {
			fprintf(stderr, "hosted-tasks: spawn failed\n");
			return 1;
		}
	}
	victim = t[6];
	rc = rvx_hrt_run(&rt);
	printf("run returned %d\nsummary:\n", rc);
	for (int i = 0; i < NT; i++) {
		struct rvx_hrt_task_status st;

		if (rvx_hrt_task_status(&rt, t[i], &st) != 0) {
			ok = 0;
			continue;
		}
		printf("  %-9s CPU %u  runs %4llu  ended: %-14s %s\n", names[i], st.cpu,
		       (unsigned long long)st.runs, reason_name(st.reason),
		       st.reason == want[i] ? "(as expected)" : "(UNEXPECTED)");
		ok &= st.reason == want[i];
	}
	ok &= rc == 0 && vectors == 40 && exchanges == 1000 && naps == 5;
	printf("%s\n", ok ? "all tasks behaved" : "SOMETHING WENT WRONG");
	return ok ? 0 : 1;
}
