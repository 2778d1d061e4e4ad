/* SPDX-License-Identifier: Apache-2.0 */
/* The hosted task runtime: scheduling, blocking, cleanup and replay. */
#include <criterion/criterion.h>
#include <string.h>

#include "hosted_fixture.h"
#include "ruvix/hosted_rt.h"
#include "ruvix/hosted_sensor.h"

#define NT 8
#define STACK ((size_t)128 * 1024)

static struct rvx_hrt rt;
static struct rvx_hrt_task_slot slots[NT];
static uint64_t storage[16384];
static uint8_t *arena;
static struct rvx_hrt_trace_rec tbuf[4096];
RVX_CAP_SPACE_DEFINE(caps, NT, 16, 16);

static void setup_rt(uint32_t cpus, uint32_t clock)
{
	struct rvx_hrt_cfg cfg = {
		.cpu_count = cpus, .clock = clock, .task_capacity = NT, .partitions = 1,
		.period_ns = 1000000000u, .stack_size = STACK, .caps = &caps,
		.trace = tbuf, .trace_cap = 4096,
	};

	cr_assert_eq(RVX_CAP_SPACE_INIT(caps), 0);
	if (!arena)
		arena = fx_map(NT * STACK);
	cr_assert_leq(rvx_hrt_storage_size(&cfg), sizeof(storage));
	cr_assert_eq(rvx_hrt_init(&rt, &cfg, storage, sizeof(storage), slots, arena,
				  NT * STACK), 0);
}

static struct rvx_queue_msg_hdr mk_hdr(uint32_t len)
{
	struct rvx_queue_msg_hdr h;

	memset(&h, 0, sizeof(h));
	h.type_id = 7;
	h.length = len;
	return h;
}

RVX_QUEUE_DEFINE(q1, 16, 64);
RVX_QUEUE_DEFINE(q2, 16, 64);

static char order[64];
static int order_len;

static uint64_t yield_last_now;

static void yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		order[order_len++] = *(const char *)arg;
		rvx_hrt_yield();
		yield_last_now = rvx_hrt_now();
	}
}

Test(hrt, init_rejects_virtual_multi_cpu)
{
	struct rvx_hrt_cfg cfg = {
		.cpu_count = 2, .clock = RVX_HRT_CLOCK_VIRTUAL, .task_capacity = NT,
		.partitions = 1, .period_ns = 1000, .stack_size = STACK,
	};
	void *a = fx_map(NT * STACK);

	cr_assert_eq(rvx_hrt_init(&rt, &cfg, storage, sizeof(storage), slots, a, NT * STACK),
		     -RVX_EINVAL);
	cfg.cpu_count = 1;
	cr_assert_eq(rvx_hrt_init(&rt, &cfg, storage, 8, slots, a, NT * STACK), -RVX_ENOMEM);
	cr_assert_eq(rvx_hrt_init(&rt, &cfg, storage, sizeof(storage), slots, a, NT * STACK), 0);
}

static void run_yielders(uint32_t clock)
{
	static const char a = 'A', b = 'B';

	order_len = 0;
	setup_rt(1, clock);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, yielder, (void *)&a, NULL), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, yielder, (void *)&b, NULL), 0);
	cr_assert_eq(rvx_hrt_run(&rt), 0);
	order[order_len] = 0;
}

Test(hrt, yield_alternates)
{
	/* Real clock: a yield's next deadline (now + relative) lies after the
	 * other task's, so they alternate. */
	run_yielders(RVX_HRT_CLOCK_REAL);
	cr_assert_str_eq(order, "ABABAB");
}

Test(hrt, yield_alternates_virtual)
{
	/* Virtual clock: time stands still while tasks run, so the yielding
	 * task's new deadline equals its peer's; equal keys are FIFO in the
	 * scheduler, so the peer, enqueued first, runs next. */
	run_yielders(RVX_HRT_CLOCK_VIRTUAL);
	cr_assert_str_eq(order, "ABABAB");
	cr_assert_eq(yield_last_now, 0, "the virtual clock stood still, so keys tied");
}

static uint64_t woke_at;
static void sleeper(void *arg)
{
	(void)arg;
	cr_assert_eq(rvx_hrt_sleep_for(1000), 0);
	woke_at = rvx_hrt_now();
	cr_assert_eq(rvx_hrt_sleep_until(5000), 0);
	woke_at += rvx_hrt_now();
}

Test(hrt, sleep_wakes_at_virtual_time)
{
	setup_rt(1, RVX_HRT_CLOCK_VIRTUAL);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, sleeper, NULL, NULL), 0);
	cr_assert_eq(rvx_hrt_run(&rt), 0);
	cr_assert_eq(woke_at, 1000 + 5000);
}

static int got_len;
static uint64_t got_at;
static void receiver(void *arg)
{
	struct rvx_queue_msg_hdr h;
	char buf[64];

	got_len = rvx_hrt_queue_recv(&rt, &q1, &h, buf, sizeof(buf), *(const uint64_t *)arg);
	got_at = rvx_hrt_now();
}

static void sender(void *arg)
{
	struct rvx_queue_msg_hdr h = mk_hdr(5);

	(void)arg;
	cr_assert_eq(rvx_hrt_sleep_for(500), 0);
	cr_assert_eq(rvx_hrt_queue_send(&rt, &q1, &h, "hello"), 0);
}

Test(hrt, blocking_recv_wakes_on_send)
{
	static const uint64_t forever = RVX_HRT_FOREVER;

	cr_assert_eq(rvx_queue_init(&q1, q1_storage, sizeof(q1_storage), 16, 64), 0);
	setup_rt(1, RVX_HRT_CLOCK_VIRTUAL);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, receiver, (void *)&forever, NULL), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, sender, NULL, NULL), 0);
	cr_assert_eq(rvx_hrt_run(&rt), 0);
	cr_assert_eq(got_len, 5);
	cr_assert_eq(got_at, 500);
}

Test(hrt, recv_times_out_at_exact_deadline)
{
	static const uint64_t t = 700;

	cr_assert_eq(rvx_queue_init(&q1, q1_storage, sizeof(q1_storage), 16, 64), 0);
	setup_rt(1, RVX_HRT_CLOCK_VIRTUAL);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, receiver, (void *)&t, NULL), 0);
	cr_assert_eq(rvx_hrt_run(&rt), 0);
	cr_assert_eq(got_len, -RVX_ETIMEDOUT);
	cr_assert_eq(got_at, 700);
	cr_assert_eq(rvx_timer_count(&rt.timers), 0);
	for (int i = 0; i < NT; i++)
		cr_assert_null(slots[i].wait_q);
}

static int ping_ok, pong_ok;
static void pinger(void *arg)
{
	struct rvx_queue_msg_hdr h = mk_hdr(4), r;
	uint32_t v, back;

	(void)arg;
	for (v = 0; v < 200; v++) {
		cr_assert_eq(rvx_hrt_queue_send(&rt, &q1, &h, &v), 0);
		cr_assert_eq(rvx_hrt_queue_recv(&rt, &q2, &r, &back, 4, RVX_HRT_FOREVER), 4);
		ping_ok += back == v + 1;
	}
}

static void ponger(void *arg)
{
	struct rvx_queue_msg_hdr h = mk_hdr(4), r;
	uint32_t v;

	(void)arg;
	for (int i = 0; i < 200; i++) {
		cr_assert_eq(rvx_hrt_queue_recv(&rt, &q1, &r, &v, 4, RVX_HRT_FOREVER), 4);
		v++;
		cr_assert_eq(rvx_hrt_queue_send(&rt, &q2, &h, &v), 0);
		pong_ok++;
	}
}

Test(hrt, cross_cpu_message_exchange)
{
	rvx_handle_t a, b;
	struct rvx_hrt_task_status st;

	cr_assert_eq(rvx_queue_init(&q1, q1_storage, sizeof(q1_storage), 16, 64), 0);
	cr_assert_eq(rvx_queue_init(&q2, q2_storage, sizeof(q2_storage), 16, 64), 0);
	setup_rt(2, RVX_HRT_CLOCK_REAL);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000000, pinger, NULL, &a), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 1, 0, 1000000, ponger, NULL, &b), 0);
	cr_assert_eq(rvx_hrt_run(&rt), 0);
	cr_assert_eq(ping_ok, 200);
	cr_assert_eq(pong_ok, 200);
	cr_assert_eq(rvx_hrt_task_status(&rt, b, &st), 0);
	cr_assert_eq(st.cpu, 1);
	cr_assert_eq(st.reason, RVX_HRT_EXIT_RETURNED);
}

/* Fault and cleanup cases. */
static int survivor_rounds;
static rvx_handle_t victim;
static volatile int sink;

static int recurse(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	pad[1023] = (char)n;
	return n > 1000000 ? 0 : recurse(n + 1) + pad[0] + pad[1023];
}

static void overflower(void *arg)
{
	(void)arg;
	sink = recurse(0);
}

static void exiter(void *arg)
{
	(void)arg;
	rvx_hrt_exit(42);
}

static void returner(void *arg) { (void)arg; }

static void blocked_victim(void *arg)
{
	struct rvx_queue_msg_hdr h;
	char buf[64];

	(void)arg;
	/* Armed timer and queue wait both outstanding when it is killed. */
	(void)rvx_hrt_queue_recv(&rt, &q1, &h, buf, sizeof(buf), 1000000);
	survivor_rounds = -1000; /* never reached */
}

static void survivor(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++) {
		if (i == 3)
			cr_assert_eq(rvx_hrt_kill(&rt, victim), 0);
		cr_assert_eq(rvx_hrt_sleep_for(100), 0);
		survivor_rounds++;
	}
}

static void mint_cap(rvx_handle_t task)
{
	rvx_handle_t obj, cap;

	cr_assert_eq(rvx_cap_object_create(&caps, RVX_OBJ_QUEUE, 1, &obj), 0);
	cr_assert_eq(rvx_cap_mint(&caps, rvx_handle_index(task), obj, RVX_RIGHT_READ, 0, &cap),
		     0);
	cr_assert_eq(rvx_cap_table_used(&caps, rvx_handle_index(task)), 1);
}

Test(hrt, faults_and_cleanup)
{
	rvx_handle_t t[4], s;
	struct rvx_hrt_task_status st;
	static const uint32_t want[4] = {RVX_HRT_EXIT_STACK_OVERFLOW, RVX_HRT_EXIT_EXITED,
					 RVX_HRT_EXIT_RETURNED, RVX_HRT_EXIT_KILLED};

	cr_assert_eq(rvx_queue_init(&q1, q1_storage, sizeof(q1_storage), 16, 64), 0);
	setup_rt(1, RVX_HRT_CLOCK_VIRTUAL);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, overflower, NULL, &t[0]), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, exiter, NULL, &t[1]), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, returner, NULL, &t[2]), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, blocked_victim, NULL, &t[3]), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, survivor, NULL, &s), 0);
	victim = t[3];
	for (int i = 0; i < 4; i++)
		mint_cap(t[i]);
	cr_assert_eq(rvx_hrt_run(&rt), 0);
	cr_assert_eq(survivor_rounds, 10);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(rvx_hrt_task_status(&rt, t[i], &st), 0);
		cr_assert_eq(st.state, RVX_HRT_SLOT_DEAD);
		cr_assert_eq(st.reason, want[i], "task %d reason %u", i, st.reason);
		cr_assert_eq(rvx_cap_table_used(&caps, rvx_handle_index(t[i])), 0);
	}
	cr_assert_eq(rvx_hrt_task_status(&rt, t[1], &st), 0);
	cr_assert_eq(st.exit_code, 42);
	/* The killed task's 1 ms timeout never fired: the run ended at 1000 ns. */
	cr_assert_eq(rvx_hrt_now(), 0);
	cr_assert_eq(rt.vnow, 1000);
	cr_assert_eq(rvx_timer_count(&rt.timers), 0);
	for (int i = 0; i < NT; i++)
		cr_assert_null(slots[i].wait_q);
	cr_assert_eq(rvx_hrt_kill(&rt, t[3]), -RVX_ESTALE);
}

static int miss_rounds;
static void late_task(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		uint64_t t0 = rvx_hrt_now();

		while (rvx_hrt_now() - t0 < 20000)
			;
		miss_rounds++;
		rvx_hrt_yield();
	}
}

Test(hrt, deadline_miss_reported_task_still_runs)
{
	rvx_handle_t a, b;
	struct rvx_hrt_task_status st;

	setup_rt(1, RVX_HRT_CLOCK_REAL);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1, late_task, NULL, &a), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1, late_task, NULL, &b), 0);
	cr_assert_eq(rvx_hrt_run(&rt), 0);
	cr_assert_eq(miss_rounds, 40);
	cr_assert_eq(rvx_hrt_task_status(&rt, a, &st), 0);
	cr_assert_gt(st.deadline_misses, 0);
	cr_assert_eq(st.reason, RVX_HRT_EXIT_RETURNED);
}

/* Deterministic replay: sensor, workers, sleeps and timeouts. */
static struct rvx_hsensor vsrc;
static uint64_t vsum;
static int timeouts;

static void sensor_task(void *arg)
{
	(void)arg;
	while (!rvx_hsensor_done(&vsrc)) {
		int n = rvx_hsensor_poll(&vsrc, rvx_hrt_now(), &q2);
		struct rvx_queue_msg_hdr h;

		cr_assert_geq(n, 0);
		/* Forward a short notice for each batch through q1. */
		if (n > 0) {
			uint32_t cnt = (uint32_t)n;

			h = mk_hdr(4);
			(void)rvx_hrt_queue_send(&rt, &q1, &h, &cnt);
		}
		cr_assert_eq(rvx_hrt_sleep_for(1300), 0);
	}
}

static void vec_worker(void *arg)
{
	uint8_t buf[64];
	struct rvx_queue_msg_hdr h;

	(void)arg;
	for (;;) {
		int n = rvx_hrt_queue_recv(&rt, &q2, &h, buf, sizeof(buf), 4000);

		if (n == -RVX_ETIMEDOUT)
			break;
		cr_assert_geq(n, 0);
		for (int i = 0; i < n; i++)
			vsum = vsum * 31 + buf[i];
		rvx_hrt_yield();
	}
}

static void notice_worker(void *arg)
{
	uint32_t c;
	struct rvx_queue_msg_hdr h;

	(void)arg;
	for (int i = 0; i < 12; i++) {
		int n = rvx_hrt_queue_recv(&rt, &q1, &h, &c, sizeof(c), 900);

		if (n == -RVX_ETIMEDOUT)
			timeouts++;
		else
			vsum += c;
	}
}

static void tick_sleeper(void *arg)
{
	for (int i = 0; i < 7; i++)
		cr_assert_eq(rvx_hrt_sleep_for(250 + (uint64_t)(uintptr_t)arg), 0);
}

struct replay_out {
	struct rvx_hrt_trace_rec trace[4096];
	uint32_t len;
	uint64_t vsum, vnow;
	int timeouts;
	struct rvx_hrt_task_status st[5];
};

static void replay_once(struct replay_out *o)
{
	struct rvx_hsensor_vector_cfg vc = {
		.seed = 99, .dim = 8, .clusters = 3, .spread_q16 = 4096, .burst = 2,
		.period_ns = 700, .start_ns = 0, .count = 12,
	};
	rvx_handle_t t[5];

	vsum = 0;
	timeouts = 0;
	cr_assert_eq(rvx_queue_init(&q1, q1_storage, sizeof(q1_storage), 16, 64), 0);
	cr_assert_eq(rvx_queue_init(&q2, q2_storage, sizeof(q2_storage), 16, 64), 0);
	cr_assert_eq(rvx_hsensor_vector_init(&vsrc, &vc, 0), 0);
	memset(tbuf, 0, sizeof(tbuf));
	setup_rt(1, RVX_HRT_CLOCK_VIRTUAL);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 500, sensor_task, NULL, &t[0]), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 800, vec_worker, NULL, &t[1]), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 300, notice_worker, NULL, &t[2]), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, tick_sleeper, (void *)(uintptr_t)1, &t[3]), 0);
	cr_assert_eq(rvx_hrt_spawn(&rt, 0, 0, 1000, tick_sleeper, (void *)(uintptr_t)77, &t[4]), 0);
	cr_assert_eq(rvx_hrt_run(&rt), 0);
	memcpy(o->trace, tbuf, sizeof(tbuf));
	o->len = rvx_hrt_trace_len(&rt);
	o->vsum = vsum;
	o->vnow = rt.vnow;
	o->timeouts = timeouts;
	for (int i = 0; i < 5; i++)
		cr_assert_eq(rvx_hrt_task_status(&rt, t[i], &o->st[i]), 0);
}

Test(hrt, deterministic_replay)
{
	static struct replay_out a, b;

	replay_once(&a);
	replay_once(&b);
	cr_assert_gt(a.len, 100);
	cr_assert_lt(a.len, 4096);
	cr_assert_gt(a.timeouts, 0);
	cr_assert_neq(a.vsum, 0);
	cr_assert_eq(a.len, b.len);
	cr_assert_eq(memcmp(a.trace, b.trace, sizeof(a.trace)), 0);
	cr_assert_eq(memcmp(&a.vsum, &b.vsum, sizeof(a) - offsetof(struct replay_out, vsum)), 0);
}
