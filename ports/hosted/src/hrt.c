/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hosted task runtime (see ruvix/hosted_rt.h). One mutex guards all of
 * the runtime's state; it is held across every switch between a task and its
 * CPU's scheduler, in both directions, so the hand-back of a task (yield,
 * block, exit) completes before any other CPU can look at it.
 */
#define _GNU_SOURCE
#include "ruvix/hosted_rt.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ruvix/port.h"

enum { WHY_NONE = 0, WHY_YIELD = 1, WHY_BLOCK = 2, WHY_EXIT = 3 };

/* The CPU the calling host thread runs; NULL outside rvx_hrt_run(). */
static _Thread_local struct rvx_hrt_cpu *hrt_cpu;

static uint64_t clock_now(const struct rvx_hrt *rt)
{
	if (rt->cfg.clock == RVX_HRT_CLOCK_VIRTUAL)
		return rt->vnow;
	return rvx_port_time_real_ns();
}

static void lock_rt(struct rvx_hrt *rt) { pthread_mutex_lock(&rt->lock); }
static void unlock_rt(struct rvx_hrt *rt) { pthread_mutex_unlock(&rt->lock); }

static uint32_t cur_cpu_index(void) { return hrt_cpu ? hrt_cpu->index : UINT32_MAX; }

static void trace(struct rvx_hrt *rt, uint32_t task, uint32_t ev, uint64_t arg)
{
	struct rvx_hrt_trace_rec *r;

	if (!rt->cfg.trace)
		return;
	if (rt->trace_len >= rt->cfg.trace_cap) {
		rt->trace_dropped++;
		return;
	}
	r = &rt->cfg.trace[rt->trace_len];
	r->time = clock_now(rt);
	r->arg = arg;
	r->cpu = cur_cpu_index();
	r->task = task;
	r->event = ev;
	r->seq = rt->trace_len;
	rt->trace_len++;
}

static uint32_t slot_index(const struct rvx_hrt *rt, const struct rvx_hrt_task_slot *s)
{
	return (uint32_t)(s - rt->slots);
}

static size_t sched_bytes(const struct rvx_hrt_cfg *cfg)
{
	size_t n = rvx_sched_storage_size(cfg->task_capacity, cfg->cpu_count, cfg->partitions,
					  cfg->task_capacity);

	return (n + 7u) & ~(size_t)7u;
}

size_t rvx_hrt_storage_size(const struct rvx_hrt_cfg *cfg)
{
	size_t a, b;

	if (!cfg || cfg->cpu_count < 1 || cfg->cpu_count > RVX_HRT_CPUS_MAX ||
	    cfg->task_capacity < 1 || cfg->task_capacity > RVX_HRT_TASKS_MAX ||
	    cfg->partitions < 1 || cfg->partitions > RVX_SCHED_PARTITIONS_MAX)
		return 0;
	a = sched_bytes(cfg);
	b = rvx_timer_storage_size(cfg->task_capacity);
	if (a == 0 || b == 0)
		return 0;
	return a + b;
}

int rvx_hrt_init(struct rvx_hrt *rt, const struct rvx_hrt_cfg *cfg, void *storage,
		 size_t storage_size, struct rvx_hrt_task_slot *slots, void *stacks,
		 size_t stacks_size)
{
	size_t need, page = rvx_hstack_page_size();
	pthread_condattr_t ca;
	uint32_t i;

	if (!rt || !cfg || !storage || !slots || !stacks || ((uintptr_t)storage & 7u) != 0 ||
	    ((uintptr_t)stacks % page) != 0)
		return -RVX_EINVAL;
	need = rvx_hrt_storage_size(cfg);
	if (need == 0 || cfg->clock > RVX_HRT_CLOCK_VIRTUAL || cfg->period_ns == 0 ||
	    (cfg->clock == RVX_HRT_CLOCK_VIRTUAL && cfg->cpu_count != 1) ||
	    cfg->stack_size < 2 * page || cfg->stack_size % page != 0 ||
	    (cfg->caps && cfg->caps->table_count < cfg->task_capacity) ||
	    (cfg->trace && cfg->trace_cap == 0))
		return -RVX_EINVAL;
	if (storage_size < need || stacks_size / cfg->stack_size < cfg->task_capacity)
		return -RVX_ENOMEM;

	memset(rt, 0, sizeof(*rt));
	rt->cfg = *cfg;
	if (!cfg->trace)
		rt->cfg.trace_cap = 0;
	/* Both were validated above, so neither can fail. */
	RVX_CHECK(rvx_sched_init(&rt->sched, storage, sched_bytes(cfg), cfg->task_capacity,
				 cfg->cpu_count, cfg->partitions, cfg->task_capacity,
				 cfg->period_ns) == 0);
	RVX_CHECK(rvx_timer_init(&rt->timers, (uint8_t *)storage + sched_bytes(cfg),
				 storage_size - sched_bytes(cfg), cfg->task_capacity) == 0);
	rt->slots = slots;
	rt->stacks = stacks;
	memset(slots, 0, sizeof(*slots) * cfg->task_capacity);
	for (i = 0; i < RVX_HRT_CPUS_MAX; i++) {
		rt->cpus[i].rt = rt;
		rt->cpus[i].index = i;
		rt->cpus[i].cur = RVX_SCHED_NIL;
	}
	pthread_mutex_init(&rt->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&rt->idle, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

/* First code of a task: the scheduler switched in holding the lock. */
static void task_trampoline(void *arg)
{
	struct rvx_hrt_task_slot *s = arg;

	s->holds_lock = 0;
	unlock_rt(s->rt);
	s->entry(s->arg);
}

/* Leave the task for good (lock held); the scheduler reaps it. */
static _Noreturn void task_die(struct rvx_hrt_task_slot *s, uint32_t reason, int code)
{
	s->reason = reason;
	s->exit_code = code;
	s->why = WHY_EXIT;
	s->holds_lock = 1;
	rvx_hctx_exit(&hrt_cpu->sched_ctx);
}

static void task_on_return(void *arg)
{
	struct rvx_hrt_task_slot *s = arg;

	lock_rt(s->rt);
	task_die(s, RVX_HRT_EXIT_RETURNED, 0);
}

/* Hand the CPU back to its scheduler, lock held; returns with it held. */
static void task_suspend(struct rvx_hrt_task_slot *s, uint32_t why)
{
	s->why = why;
	s->holds_lock = 1;
	rvx_hctx_switch(&s->ctx, &hrt_cpu->sched_ctx);
}

static void task_check_kill(struct rvx_hrt_task_slot *s)
{
	if (s->kill_pending)
		task_die(s, RVX_HRT_EXIT_KILLED, 0);
}

/* Current task's slot, or NULL outside a task. */
static struct rvx_hrt_task_slot *self_slot(void)
{
	if (!hrt_cpu || hrt_cpu->cur == RVX_SCHED_NIL)
		return NULL;
	return &hrt_cpu->rt->slots[hrt_cpu->cur];
}

int rvx_hrt_spawn(struct rvx_hrt *rt, uint32_t cpu, uint32_t partition,
		  uint64_t rel_deadline_ns, void (*entry)(void *arg), void *arg,
		  rvx_handle_t *task)
{
	struct rvx_hrt_task_slot *s = NULL;
	struct rvx_hstack st;
	rvx_handle_t sid;
	uint64_t now;
	uint32_t i;
	int rc;

	if (!rt || !entry || cpu >= rt->cfg.cpu_count || partition >= rt->cfg.partitions ||
	    rel_deadline_ns == 0)
		return -RVX_EINVAL;
	lock_rt(rt);
	for (i = 0; i < rt->cfg.task_capacity; i++) {
		if (rt->slots[i].state != RVX_HRT_SLOT_LIVE) {
			s = &rt->slots[i];
			break;
		}
	}
	if (!s) {
		unlock_rt(rt);
		return -RVX_ELIMIT;
	}
	rc = rvx_hstack_prepare(&st, rt->stacks + (size_t)i * rt->cfg.stack_size,
				rt->cfg.stack_size, rvx_hstack_page_size());
	if (rc == 0) {
		rc = rvx_sched_task_create(&rt->sched, cpu, partition, rel_deadline_ns, i, &sid);
		if (rc != 0)
			(void)rvx_hstack_release(&st);
	}
	if (rc != 0) {
		unlock_rt(rt);
		return rc;
	}
	now = clock_now(rt);
	memset(s, 0, offsetof(struct rvx_hrt_task_slot, gen));
	s->stack = st;
	RVX_CHECK(rvx_hctx_init(&s->ctx, st.base, st.usable, task_trampoline, s,
				task_on_return) == 0);
	RVX_CHECK(rvx_hfault_scope_init(&s->scope, &s->stack, &rt->cpus[cpu].sched_ctx,
					&s->fault, 0) == 0);
	s->entry = entry;
	s->arg = arg;
	s->rt = rt;
	s->sched_id = sid;
	s->gen++;
	if (s->gen == 0)
		s->gen = 1;
	s->state = RVX_HRT_SLOT_LIVE;
	s->reason = RVX_HRT_EXIT_NONE;
	s->exit_code = 0;
	s->wake_result = 0;
	s->why = WHY_NONE;
	s->cpu = cpu;
	s->deadline_misses = 0;
	s->kill_pending = 0;
	s->holds_lock = 0;
	if (rt->cfg.caps)
		(void)rvx_cap_table_clear(rt->cfg.caps, i);
	RVX_CHECK(rvx_sched_task_set_port_ctx(&rt->sched, sid, i) == 0);
	RVX_CHECK(rvx_sched_task_wake(&rt->sched, sid, now) == 0);
	rt->live++;
	trace(rt, i, RVX_HRT_EV_SPAWN, cpu);
	if (task)
		*task = rvx_handle_make(i, s->gen);
	pthread_cond_broadcast(&rt->idle);
	unlock_rt(rt);
	return 0;
}

/* Release everything a task holds and record its death (lock held). */
static void reap(struct rvx_hrt *rt, struct rvx_hrt_task_slot *s, uint32_t reason,
		 uint64_t ran_ns)
{
	uint32_t idx = slot_index(rt, s);
	uint64_t now = clock_now(rt);
	struct rvx_task ti;

	if (!rvx_handle_is_null(s->timer)) {
		(void)rvx_timer_cancel(&rt->timers, s->timer, NULL);
		s->timer = RVX_HANDLE_NULL;
	}
	s->wait_q = NULL;
	if (rt->cfg.caps)
		(void)rvx_cap_table_clear(rt->cfg.caps, idx);
	(void)rvx_sched_task_exit(&rt->sched, s->sched_id, now, ran_ns);
	if (rvx_sched_task_info(&rt->sched, s->sched_id, &ti) == 0)
		s->deadline_misses = ti.deadline_misses;
	RVX_CHECK(rvx_sched_task_free(&rt->sched, s->sched_id) == 0);
	(void)rvx_hstack_release(&s->stack);
	s->state = RVX_HRT_SLOT_DEAD;
	s->reason = reason;
	s->exit_time = now;
	s->kill_pending = 0;
	rt->live--;
	trace(rt, idx, RVX_HRT_EV_EXIT, reason);
	pthread_cond_broadcast(&rt->idle);
}

/* Wake a task blocked on a timer or queue (lock held). */
static void wake_task(struct rvx_hrt *rt, struct rvx_hrt_task_slot *s, int32_t result)
{
	s->wait_q = NULL;
	s->wake_result = result;
	if (!rvx_handle_is_null(s->timer) && result != -RVX_ETIMEDOUT)
		(void)rvx_timer_cancel(&rt->timers, s->timer, NULL);
	s->timer = RVX_HANDLE_NULL;
	trace(rt, slot_index(rt, s), result == -RVX_ETIMEDOUT ? RVX_HRT_EV_TIMEOUT : RVX_HRT_EV_WAKE,
	      0);
	RVX_CHECK(rvx_sched_task_wake(&rt->sched, s->sched_id, clock_now(rt)) == 0);
	pthread_cond_broadcast(&rt->idle);
}

static void fire_timers(struct rvx_hrt *rt, uint64_t now)
{
	uint64_t cookies[16];
	int n, i;

	do {
		n = rvx_timer_expire(&rt->timers, now, cookies, 16);
		for (i = 0; i < n; i++) {
			struct rvx_hrt_task_slot *s = &rt->slots[cookies[i]];

			s->timer = RVX_HANDLE_NULL;
			wake_task(rt, s, -RVX_ETIMEDOUT);
		}
	} while (n == 16);
}

/* Run one picked task until it comes back, then hand it back (lock held). */
static void run_task(struct rvx_hrt *rt, struct rvx_hrt_cpu *c, rvx_handle_t id, uint32_t flags,
		     uint64_t now)
{
	struct rvx_hrt_task_slot *s;
	struct rvx_task ti;
	uint64_t ran, back;

	RVX_CHECK(rvx_sched_task_info(&rt->sched, id, &ti) == 0);
	s = &rt->slots[ti.port_ctx];
	c->cur = (uint32_t)ti.port_ctx;
	c->picked_at = now;
	s->runs++;
	trace(rt, c->cur, RVX_HRT_EV_RUN, flags);
	if (s->kill_pending) {
		reap(rt, s, RVX_HRT_EXIT_KILLED, 0);
		c->cur = RVX_SCHED_NIL;
		return;
	}
	s->scope.recover = &c->sched_ctx;
	s->why = WHY_NONE;
	rvx_hfault_set_current(&s->scope);
	rvx_hctx_switch(&c->sched_ctx, &s->ctx);
	rvx_hfault_set_current(NULL);
	if (s->fault.kind != RVX_HFAULT_NONE && !s->holds_lock)
		lock_rt(rt);
	s->holds_lock = 0;
	back = clock_now(rt);
	ran = back > now ? back - now : 0;
	if (s->fault.kind != RVX_HFAULT_NONE) {
		trace(rt, c->cur, RVX_HRT_EV_FAULT, s->fault.kind);
		reap(rt, s,
		     s->fault.kind == RVX_HFAULT_STACK_OVERFLOW ? RVX_HRT_EXIT_STACK_OVERFLOW
								: RVX_HRT_EXIT_FAULT,
		     ran);
	} else if (s->why == WHY_EXIT) {
		reap(rt, s, s->reason, ran);
	} else if (s->kill_pending) {
		reap(rt, s, RVX_HRT_EXIT_KILLED, ran);
	} else if (s->why == WHY_YIELD) {
		trace(rt, c->cur, RVX_HRT_EV_YIELD, 0);
		RVX_CHECK(rvx_sched_yield(&rt->sched, c->index, s->sched_id, back, ran) == 0);
	} else {
		RVX_CHECK(s->why == WHY_BLOCK);
		RVX_CHECK(rvx_sched_task_block(&rt->sched, s->sched_id, back, ran) == 0);
	}
	c->cur = RVX_SCHED_NIL;
}

static void idle_wait(struct rvx_hrt *rt)
{
	uint64_t dl;
	struct timespec ts;

	rt->idle_cpus++;
	if (rvx_timer_next_deadline(&rt->timers, &dl) == 0) {
		ts.tv_sec = (time_t)(dl / 1000000000u);
		ts.tv_nsec = (long)(dl % 1000000000u);
		pthread_cond_timedwait(&rt->idle, &rt->lock, &ts);
	} else {
		pthread_cond_wait(&rt->idle, &rt->lock);
	}
	rt->idle_cpus--;
}

static void cpu_loop(struct rvx_hrt_cpu *c)
{
	struct rvx_hrt *rt = c->rt;

	lock_rt(rt);
	while (!rt->stop && rt->live > 0 && rt->result == 0) {
		uint64_t now = clock_now(rt), dl;
		rvx_handle_t id;
		uint32_t flags;

		fire_timers(rt, now);
		if (rvx_sched_pick(&rt->sched, c->index, now, &id, &flags) == 0) {
			run_task(rt, c, id, flags, now);
			continue;
		}
		if (rt->cfg.clock == RVX_HRT_CLOCK_VIRTUAL) {
			/* Everything is blocked: time jumps to the next deadline. */
			if (rvx_timer_next_deadline(&rt->timers, &dl) == 0)
				rt->vnow = dl > rt->vnow ? dl : rt->vnow;
			else
				rt->result = -RVX_EBUSY;
			continue;
		}
		idle_wait(rt);
	}
	pthread_cond_broadcast(&rt->idle);
	unlock_rt(rt);
}

static void *cpu_thread(void *arg)
{
	struct rvx_hrt_cpu *c = arg;

	if (rvx_hfault_thread_init() != 0) {
		lock_rt(c->rt);
		c->rt->result = -RVX_ENOTSUP;
		pthread_cond_broadcast(&c->rt->idle);
		unlock_rt(c->rt);
		return NULL;
	}
	hrt_cpu = c;
	cpu_loop(c);
	hrt_cpu = NULL;
	rvx_hfault_thread_fini();
	return NULL;
}

int rvx_hrt_run(struct rvx_hrt *rt)
{
	uint32_t i, started = 1;
	struct rvx_hrt_cpu *saved = hrt_cpu;

	if (!rt)
		return -RVX_EINVAL;
	if (rvx_hfault_install() != 0 || rvx_hfault_thread_init() != 0)
		return -RVX_ENOTSUP;
	lock_rt(rt);
	rt->stop = 0;
	rt->result = 0;
	unlock_rt(rt);
	for (i = 1; i < rt->cfg.cpu_count; i++) {
		if (pthread_create(&rt->cpus[i].thread, NULL, cpu_thread, &rt->cpus[i]) != 0) {
			lock_rt(rt);
			rt->result = -RVX_ENOTSUP;
			pthread_cond_broadcast(&rt->idle);
			unlock_rt(rt);
			break;
		}
		started++;
	}
	hrt_cpu = &rt->cpus[0];
	cpu_loop(&rt->cpus[0]);
	hrt_cpu = saved;
	for (i = 1; i < started; i++)
		pthread_join(rt->cpus[i].thread, NULL);
	return rt->result;
}

void rvx_hrt_stop(struct rvx_hrt *rt)
{
	lock_rt(rt);
	rt->stop = 1;
	pthread_cond_broadcast(&rt->idle);
	unlock_rt(rt);
}

rvx_handle_t rvx_hrt_self(void)
{
	struct rvx_hrt_task_slot *s = self_slot();

	return s ? rvx_handle_make(hrt_cpu->cur, s->gen) : RVX_HANDLE_NULL;
}

uint64_t rvx_hrt_now(void)
{
	return hrt_cpu ? clock_now(hrt_cpu->rt) : 0;
}

void rvx_hrt_yield(void)
{
	struct rvx_hrt_task_slot *s = self_slot();

	if (!s)
		return;
	lock_rt(s->rt);
	s->holds_lock = 1;
	task_check_kill(s);
	task_suspend(s, WHY_YIELD);
	task_check_kill(s);
	s->holds_lock = 0;
	unlock_rt(s->rt);
}

int rvx_hrt_sleep_until(uint64_t deadline)
{
	struct rvx_hrt_task_slot *s = self_slot();
	struct rvx_hrt *rt;
	int rc;

	if (!s)
		return -RVX_EINVAL;
	rt = s->rt;
	lock_rt(rt);
	s->holds_lock = 1;
	task_check_kill(s);
	rc = rvx_timer_arm_at(&rt->timers, deadline, slot_index(rt, s), &s->timer);
	if (rc == 0) {
		trace(rt, slot_index(rt, s), RVX_HRT_EV_BLOCK, deadline);
		task_suspend(s, WHY_BLOCK);
		task_check_kill(s);
	}
	s->holds_lock = 0;
	unlock_rt(rt);
	return rc;
}

int rvx_hrt_sleep_for(uint64_t ns)
{
	uint64_t now = rvx_hrt_now();

	return rvx_hrt_sleep_until(now + ns < now ? UINT64_MAX : now + ns);
}

int rvx_hrt_queue_send(struct rvx_hrt *rt, struct rvx_queue *q,
		       const struct rvx_queue_msg_hdr *hdr, const void *payload)
{
	struct rvx_hrt_task_slot *me = self_slot();
	uint32_t i;
	int rc;

	if (!rt || !q || !hdr)
		return -RVX_EINVAL;
	lock_rt(rt);
	if (me && me->rt == rt) {
		me->holds_lock = 1;
		task_check_kill(me);
	}
	rc = rvx_queue_send(q, hdr, payload);
	if (rc == 0) {
		for (i = 0; i < rt->cfg.task_capacity; i++) {
			struct rvx_hrt_task_slot *w = &rt->slots[i];

			if (w->state == RVX_HRT_SLOT_LIVE && w->wait_q == q) {
				wake_task(rt, w, 0);
				break;
			}
		}
	}
	if (me)
		me->holds_lock = 0;
	unlock_rt(rt);
	return rc;
}

int rvx_hrt_queue_recv(struct rvx_hrt *rt, struct rvx_queue *q,
		       struct rvx_queue_msg_hdr *hdr, void *buf, size_t size,
		       uint64_t timeout_ns)
{
	struct rvx_hrt_task_slot *s = self_slot();
	uint64_t now, deadline = UINT64_MAX;
	uint32_t i, idx;
	int rc;

	if (!rt || !q || !hdr || !s || s->rt != rt)
		return -RVX_EINVAL;
	idx = slot_index(rt, s);
	lock_rt(rt);
	s->holds_lock = 1;
	task_check_kill(s);
	now = clock_now(rt);
	if (timeout_ns != RVX_HRT_FOREVER)
		deadline = now + timeout_ns < now ? UINT64_MAX - 1u : now + timeout_ns;
	for (;;) {
		rc = rvx_queue_recv(q, hdr, buf, size);
		if (rc != -RVX_EEMPTY)
			break;
		if (timeout_ns == RVX_HRT_NO_WAIT || clock_now(rt) >= deadline) {
			rc = -RVX_ETIMEDOUT;
			break;
		}
		for (i = 0; i < rt->cfg.task_capacity; i++) {
			if (i != idx && rt->slots[i].state == RVX_HRT_SLOT_LIVE &&
			    rt->slots[i].wait_q == q)
				break;
		}
		if (i < rt->cfg.task_capacity) {
			rc = -RVX_EBUSY;
			break;
		}
		if (deadline != UINT64_MAX) {
			rc = rvx_timer_arm_at(&rt->timers, deadline, idx, &s->timer);
			if (rc != 0)
				break;
		}
		s->wait_q = q;
		s->wake_result = 0;
		trace(rt, idx, RVX_HRT_EV_BLOCK, deadline);
		task_suspend(s, WHY_BLOCK);
		task_check_kill(s);
		if (s->wake_result == -RVX_ETIMEDOUT) {
			rc = rvx_queue_recv(q, hdr, buf, size);
			if (rc == -RVX_EEMPTY)
				rc = -RVX_ETIMEDOUT;
			break;
		}
	}
	s->holds_lock = 0;
	unlock_rt(rt);
	return rc;
}

_Noreturn void rvx_hrt_exit(int code)
{
	struct rvx_hrt_task_slot *s = self_slot();

	RVX_CHECK(s != NULL);
	lock_rt(s->rt);
	task_die(s, RVX_HRT_EXIT_EXITED, code);
}

int rvx_hrt_kill(struct rvx_hrt *rt, rvx_handle_t task)
{
	struct rvx_hrt_task_slot *s, *me = self_slot();
	uint32_t idx = rvx_handle_index(task);
	struct rvx_task ti;

	if (!rt || idx >= rt->cfg.task_capacity)
		return -RVX_EINVAL;
	s = &rt->slots[idx];
	lock_rt(rt);
	if (s->state != RVX_HRT_SLOT_LIVE || s->gen != rvx_handle_gen(task)) {
		unlock_rt(rt);
		return -RVX_ESTALE;
	}
	if (s == me)
		task_die(s, RVX_HRT_EXIT_KILLED, 0);
	RVX_CHECK(rvx_sched_task_info(&rt->sched, s->sched_id, &ti) == 0);
	if (ti.state == RVX_TASK_RUNNING) {
		s->kill_pending = 1;
		trace(rt, idx, RVX_HRT_EV_KILL, 1);
	} else {
		trace(rt, idx, RVX_HRT_EV_KILL, 0);
		reap(rt, s, RVX_HRT_EXIT_KILLED, 0);
	}
	unlock_rt(rt);
	return 0;
}

int rvx_hrt_task_status(struct rvx_hrt *rt, rvx_handle_t task,
			struct rvx_hrt_task_status *out)
{
	uint32_t idx = rvx_handle_index(task);
	struct rvx_hrt_task_slot *s;
	struct rvx_task ti;

	if (!rt || !out || idx >= rt->cfg.task_capacity)
		return -RVX_EINVAL;
	s = &rt->slots[idx];
	lock_rt(rt);
	if (s->state == RVX_HRT_SLOT_FREE || s->gen != rvx_handle_gen(task)) {
		unlock_rt(rt);
		return -RVX_ESTALE;
	}
	memset(out, 0, sizeof(*out));
	out->state = s->state;
	out->reason = s->reason;
	out->exit_code = s->exit_code;
	out->cpu = s->cpu;
	out->deadline_misses = s->deadline_misses;
	if (s->state == RVX_HRT_SLOT_LIVE &&
	    rvx_sched_task_info(&rt->sched, s->sched_id, &ti) == 0)
		out->deadline_misses = ti.deadline_misses;
	out->fault_kind = s->fault.kind;
	out->fault_addr = s->fault.addr;
	out->runs = s->runs;
	out->exit_time = s->exit_time;
	unlock_rt(rt);
	return 0;
}

uint32_t rvx_hrt_trace_len(const struct rvx_hrt *rt)
{
	return rt ? rt->trace_len : 0;
}
