/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small multi-task hosted program on the nucleus: 8 tasks on 2 CPUs run by
 * the hosted kernel runtime (ruvix/hosted_krt.h), every one of their calls a
 * syscall through rvx_syscall(), checked against its capabilities and
 * witnessed like any other. A sensor task subscribes a kernel sensor to a
 * queue a consumer drains with timed receives, two workers on two CPUs
 * exchange messages through kernel queues, a sleeper waits on the clock,
 * one task overflows its stack (contained) and one blocked task is killed;
 * the rest finish. Exit 0 only if every task ended the way it should and
 * the witness log verifies.
 */
#define _GNU_SOURCE
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "ruvix/hosted_krt.h"
#include "ruvix/ruvix.h"

#define NT 8
#define STACK ((size_t)128 * 1024)
#define SENSOR_TYPE 0x5E50u

RVX_KERNEL_DEFINE(kern);
static struct rvx_hkrt rt;
static alignas(64) uint8_t queue_pool[65536];
static alignas(64) uint8_t journal[512 * 1024];
static alignas(64) uint8_t ring[4096 * 64];
static struct rvx_kernel_root root;
static rvx_handle_t vecq, ab, ba, never, done, sensor_cap;
static uint32_t ids[NT];
static int vectors, exchanges, naps;
static volatile int sink;

static rvx_handle_t cap(const struct rvx_user_start *s, uint32_t i)
{
	rvx_handle_t h = {s->caps[i]};

	return h;
}

/* caps: 0 the sensor, 1 vecq (write), 2 done (read). The subscription lasts
 * as long as the capabilities it was made with, so the task stays until the
 * consumer is done. */
static void sensor(const struct rvx_user_start *s)
{
	uint32_t sub, v;
	uint64_t len;

	rvx_user_init(s);
	if (rvx_sys_sensor_subscribe(cap(s, 0), cap(s, 1), &sub) == 0)
		(void)rvx_sys_queue_recv(cap(s, 2), &v, sizeof(v), NULL, &len, RVX_USER_FOREVER);
}

/* caps: 0 vecq (read), 1 done (write). Takes 40 events, lets the sensor task
 * go (its subscription ends with it), then drains the queue until a timed
 * receive times out. */
static void consumer(const struct rvx_user_start *s)
{
	uint8_t buf[64];
	uint64_t len;
	uint32_t timeouts = 0, v = 1, more = 0;
	int rc = 0;

	rvx_user_init(s);
	while (vectors < 40 && timeouts < 100) {
		rc = rvx_sys_queue_recv(cap(s, 0), buf, sizeof(buf), NULL, &len, 20000000u);
		if (rc == 0)
			vectors++;
		else
			timeouts++;
	}
	(void)rvx_sys_queue_send(cap(s, 1), 1, 0, 0, &v, sizeof(v));
	while ((rc = rvx_sys_queue_recv(cap(s, 0), buf, sizeof(buf), NULL, &len, 20000000u)) == 0)
		more++;
	printf("  consumer: %d sensor events (%u more drained once the sensor task ended), then "
	       "%s\n",
	       vectors, more, rc == -RVX_ETIMEDOUT ? "a 20 ms timeout" : "NO TIMEOUT");
	if (rc != -RVX_ETIMEDOUT)
		vectors = -1;
}

/* caps: 0 ab (write), 1 ba (read) */
static void worker_a(const struct rvx_user_start *s)
{
	uint64_t len;
	uint32_t v, back;

	rvx_user_init(s);
	for (v = 0; v < 1000; v++) {
		if (rvx_sys_queue_send(cap(s, 0), 1, 0, 0, &v, 4) != 0 ||
		    rvx_sys_queue_recv(cap(s, 1), &back, 4, NULL, &len, RVX_USER_FOREVER) != 0 ||
		    back != v * 2)
			return;
		exchanges++;
	}
	printf("  worker A (CPU %u): %d round trips with worker B (CPU 1)\n", s->cpu, exchanges);
}

/* caps: 0 ab (read), 1 ba (write) */
static void worker_b(const struct rvx_user_start *s)
{
	uint64_t len;
	uint32_t v;

	rvx_user_init(s);
	for (int i = 0; i < 1000; i++) {
		if (rvx_sys_queue_recv(cap(s, 0), &v, 4, NULL, &len, RVX_USER_FOREVER) != 0)
			return;
		v *= 2;
		(void)rvx_sys_queue_send(cap(s, 1), 1, 0, 0, &v, 4);
	}
}

/* caps: 0 the clock */
static void sleeper(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = rvx_hkrt_now(&rt);

		if (rvx_sys_timer_sleep(cap(s, 0), 2000000u) == 0)
			naps += rvx_hkrt_now(&rt) - t0 >= 2000000u;
	}
	printf("  sleeper: %d naps of 2 ms\n", naps);
}

/* Frames of well under a page, each touched at both ends, so the recursion
 * cannot step over the guard page (under ASan too, whose frames are larger). */
static int deep(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	pad[511] = (char)n;
	return n > 1000000 ? 0 : deep(n + 1) + pad[0] + pad[511];
}

static void overflow(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	sink = deep(0);
}

/* caps: 0 never (read) */
static void waits_forever(const struct rvx_user_start *s)
{
	uint64_t len;
	char b[16];

	rvx_user_init(s);
	(void)rvx_sys_queue_recv(cap(s, 0), b, sizeof(b), NULL, &len, RVX_USER_FOREVER);
}

/* caps: 0 the clock */
static void killer(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	(void)rvx_sys_timer_sleep(cap(s, 0), 3000000u);
	printf("  killer: killing the task blocked on an empty queue\n");
	(void)rvx_hkrt_kill(&rt, ids[6]);
}

static const rvx_hkrt_entry_fn fns[NT] = {sensor,  consumer, worker_a,      worker_b,
					  sleeper, overflow, waits_forever, killer};

/* The root spawns the eight, each with exactly the capabilities it uses. */
static void root_main(const struct rvx_user_start *s)
{
	static const uint32_t cpu[NT] = {0, 0, 0, 1, 1, 1, 0, 1};
	const struct rvx_syscall_capxfer x[NT][3] = {
		{{sensor_cap.raw, RVX_RIGHT_READ, 0}, {vecq.raw, RVX_RIGHT_WRITE, 0},
		 {done.raw, RVX_RIGHT_READ, 0}},
		{{vecq.raw, RVX_RIGHT_READ, 0}, {done.raw, RVX_RIGHT_WRITE, 0}},
		{{ab.raw, RVX_RIGHT_WRITE, 0}, {ba.raw, RVX_RIGHT_READ, 0}},
		{{ab.raw, RVX_RIGHT_READ, 0}, {ba.raw, RVX_RIGHT_WRITE, 0}},
		{{root.clock.raw, RVX_RIGHT_READ, 0}},
		{{root.clock.raw, RVX_RIGHT_READ, 0}},
		{{never.raw, RVX_RIGHT_READ, 0}},
		{{root.clock.raw, RVX_RIGHT_READ, 0}},
	};
	static const uint32_t nx[NT] = {3, 2, 2, 2, 1, 1, 1, 1};

	rvx_user_init(s);
	for (int i = 0; i < NT; i++) {
		struct rvx_user_spawn sp;
		uint64_t child_caps[3];

		memset(&sp, 0, sizeof(sp));
		sp.entry = (uint64_t)(uintptr_t)fns[i];
		sp.priority = 1;
		sp.deadline_ns = 1000000;
		sp.cpu = cpu[i];
		sp.index = (uint32_t)i + 2u; /* task i + 1: each keeps its own index */
		if (rvx_sys_task_spawn(root.task, &sp, x[i], nx[i], child_caps, &ids[i]) != 0)
			printf("  root: spawning task %d failed\n", i);
	}
}

static const char *end_name(uint32_t e)
{
	static const char *const n[] = {"running", "returned", "stack overflow", "fault",
					"killed", "bad entry"};

	return e < 6 ? n[e] : "?";
}

int main(void)
{
	static const char *names[NT] = {"sensor", "consumer", "worker A", "worker B",
					"sleeper", "overflow", "victim", "killer"};
	static const uint32_t want[NT] = {
		RVX_HKRT_END_RETURNED, RVX_HKRT_END_RETURNED, RVX_HKRT_END_RETURNED,
		RVX_HKRT_END_RETURNED, RVX_HKRT_END_RETURNED, RVX_HKRT_END_STACK_OVERFLOW,
		RVX_HKRT_END_KILLED, RVX_HKRT_END_RETURNED};
	struct rvx_kernel_config cfg;
	struct rvx_hkrt_cfg hc;
	struct rvx_witness_head head;
	struct rvx_witness_report rep;
	uint8_t secret[32];
	uint32_t sensor_index;
	void *stacks = mmap(NULL, RVX_KERNEL_TASKS * STACK, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok = 1, rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.queue_pool = queue_pool;
	cfg.queue_pool_size = sizeof(queue_pool);
	cfg.journal = journal;
	cfg.journal_size = sizeof(journal);
	cfg.witness_ring = ring;
	cfg.witness_records = 4096;
	cfg.cpu_count = 2;
	cfg.period_ns = 10000000;
	cfg.epoch_ns = 10000000;
	memset(&hc, 0, sizeof(hc));
	hc.kernel = &kern;
	hc.cpu_count = 2;
	hc.natives = fns;
	hc.native_count = NT;
	hc.root = root_main;
	hc.stack_size = STACK;
	hc.stacks = stacks;
	hc.stacks_size = RVX_KERNEL_TASKS * STACK;
	hc.tick_ns = 200000;
	hc.slice_ns = 1000000;
	if (stacks == MAP_FAILED || rvx_port_init() != 0 ||
	    rvx_port_entropy(secret, sizeof(secret)) != 0 ||
	    rvx_kernel_boot(&kern, &cfg, secret, sizeof(secret), 0, &root) != 0 ||
	    rvx_kernel_queue_create(&kern, 0, 64, 64, RVX_RIGHTS_ALL, &vecq) != 0 ||
	    rvx_kernel_queue_create(&kern, 0, 16, 16, RVX_RIGHTS_ALL, &ab) != 0 ||
	    rvx_kernel_queue_create(&kern, 0, 16, 16, RVX_RIGHTS_ALL, &ba) != 0 ||
	    rvx_kernel_queue_create(&kern, 0, 2, 16, RVX_RIGHTS_ALL, &never) != 0 ||
	    rvx_kernel_queue_create(&kern, 0, 2, 16, RVX_RIGHTS_ALL, &done) != 0 ||
	    rvx_kernel_sensor_register(&kern, 0, SENSOR_TYPE, RVX_RIGHTS_ALL, &sensor_index,
				       &sensor_cap) != 0 ||
	    rvx_hkrt_init(&rt, &hc) != 0 ||
	    rvx_hkrt_sensor_periodic(&rt, sensor_index, 1000000, 0) != 0) {
		fprintf(stderr, "hosted-tasks: set-up failed\n");
		return 1;
	}
	printf("hosted-tasks: %d tasks on 2 CPUs (host threads) on the nucleus, every call a "
	       "syscall\n",
	       NT);
	rc = rvx_hkrt_run(&rt);
	printf("run returned %d\nsummary:\n", rc);
	for (int i = 0; i < NT; i++) {
		struct rvx_hkrt_task_status st;

		if (rvx_hkrt_task_status(&rt, ids[i], &st) != 0) {
			ok = 0;
			continue;
		}
		printf("  %-9s task %2u  CPU %u  runs %4llu  calls %5llu  ended: %-14s %s\n",
		       names[i], ids[i], st.cpu, (unsigned long long)st.runs,
		       (unsigned long long)st.traps, end_name(st.end),
		       st.end == want[i] ? "(as expected)" : "(UNEXPECTED)");
		ok &= st.end == want[i];
	}
	ok &= rc == 0 && vectors == 40 && exchanges == 1000 && naps == 5;
	ok &= rvx_kernel_epoch_close(&kern) == 0 && rvx_kernel_witness_head(&kern, &head) == 0 &&
	      kern.ring.count == head.count &&
	      rvx_witness_verify(rvx_witness_ring_at(&kern.ring, 0), kern.ring.count, NULL,
				 &kern.journal, &head, &rep) == 0;
	printf("witness log: %u records (spawns, the fault, exits, traffic summaries), chain %s\n",
	       kern.ring.count, ok ? "verified" : "NOT verified");
	printf("%s\n", ok ? "all tasks behaved" : "SOMETHING WENT WRONG");
	return ok ? 0 : 1;
}
