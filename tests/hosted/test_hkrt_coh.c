/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The coherence engine in the hosted kernel runtime
 * (ruvix/hosted_krt_coh.h): two chatty pairs started split across two CPUs
 * end up each on one CPU, every move a TASK_MIGRATE record and every close
 * a placement record; a quiet system does not move; attach checks.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdalign.h>
#include <string.h>
#include <sys/mman.h>

#include "ruvix/hosted_krt_coh.h"
#include "ruvix/ruvix.h"
#include "ruvix/user.h"

#define STACK ((size_t)64 * 1024)
#define EPOCH_NS 10000000u /* 10 ms */
#define RUN_NS 300000000u  /* 300 ms of chatter */

RVX_KERNEL_DEFINE(kern);
static struct rvx_hkrt rt;
static struct rvx_hkrt_coh hc;
static alignas(64) uint8_t region_pool[16384];
static alignas(64) uint8_t queue_pool[32768];
static alignas(64) uint8_t journal[1024 * 1024];
static alignas(64) uint8_t ring[4096 * 64];
static alignas(64) uint8_t scratch[16384];
static void *stacks;
static struct rvx_kernel_root root;
static rvx_handle_t qs[4];
static uint32_t ids[4];
static volatile int spawn_rc;

static void boot(rvx_hkrt_entry_fn root_fn, const rvx_hkrt_entry_fn *natives, uint32_t n)
{
	struct rvx_kernel_config cfg;
	struct rvx_hkrt_cfg c;
	uint8_t secret[32] = {7};

	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = region_pool;
	cfg.region_pool_size = sizeof(region_pool);
	cfg.queue_pool = queue_pool;
	cfg.queue_pool_size = sizeof(queue_pool);
	cfg.journal = journal;
	cfg.journal_size = sizeof(journal);
	cfg.witness_ring = ring;
	cfg.witness_records = 4096;
	cfg.cpu_count = 2;
	cfg.vec_scratch = scratch;
	cfg.vec_scratch_size = sizeof(scratch);
	cfg.vec_scratch_capacity = 64;
	cfg.vec_scratch_ef = 32;
	cfg.period_ns = 1000000;
	cr_assert_eq(rvx_kernel_boot(&kern, &cfg, secret, sizeof(secret), 0, &root), 0);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(rvx_kernel_queue_create(&kern, 0, 8, 64, RVX_RIGHTS_ALL, &qs[i]), 0);
	stacks = mmap(NULL, RVX_KERNEL_TASKS * STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(stacks, MAP_FAILED);
	memset(&c, 0, sizeof(c));
	c.kernel = &kern;
	c.cpu_count = 2;
	c.natives = natives;
	c.native_count = n;
	c.root = root_fn;
	c.stack_size = STACK;
	c.stacks = stacks;
	c.stacks_size = RVX_KERNEL_TASKS * STACK;
	c.tick_ns = 1000000;
	c.slice_ns = 1000000;
	cr_assert_eq(rvx_hkrt_init(&rt, &c), 0);
}

static void attach(void)
{
	struct rvx_coh_config cc;

	rvx_coh_config_default(&cc, 2);
	cc.imbalance_q16 = RVX_COH_Q16_ONE * 3u / 2u;
	cr_assert_eq(rvx_hkrt_coherence_attach(&rt, &hc, &cc, EPOCH_NS), 0);
}

static uint32_t records_of(uint16_t kind)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < kern.ring.count; i++) {
		struct rvx_witness_record rec;

		rvx_witness_record_decode(rvx_witness_ring_at(&kern.ring, i), &rec);
		n += rec.kind == kind;
	}
	return n;
}

static int spawn2(rvx_hkrt_entry_fn fn, uint32_t cpu, rvx_handle_t in, rvx_handle_t out,
		  uint32_t *id)
{
	struct rvx_user_spawn sp;
	struct rvx_syscall_capxfer x[2] = {{in.raw, RVX_RIGHT_READ, 0},
					   {out.raw, RVX_RIGHT_WRITE, 0}};
	uint64_t cc[2];

	memset(&sp, 0, sizeof(sp));
	sp.entry = (uint64_t)(uintptr_t)fn;
	sp.priority = 1;
	sp.cpu = cpu;
	return rvx_sys_task_spawn(root.task, &sp, x, 2, cc, id);
}

/* ---- two chatty pairs ------------------------------------------------------ */

/* Ping: for RUN_NS, send a number and wait for it back; then 0 (stop). */
static void ping(const struct rvx_user_start *s)
{
	rvx_handle_t in = {s->caps[0]}, out = {s->caps[1]};
	uint64_t t0 = s->now_ns, v = 1, len;

	rvx_user_init(s);
	while (rvx_hkrt_now(&rt) - t0 < RUN_NS) {
		if (rvx_sys_queue_send(out, 1, 0, 0, &v, sizeof(v)) != 0 ||
		    rvx_sys_queue_recv(in, &v, sizeof(v), NULL, &len, RVX_USER_FOREVER) != 0)
			rvx_hkrt_exit(1);
		v++;
	}
	v = 0;
	(void)rvx_sys_queue_send(out, 1, 0, 0, &v, sizeof(v));
}

/* Pong: send back what comes until 0. */
static void pong(const struct rvx_user_start *s)
{
	rvx_handle_t in = {s->caps[0]}, out = {s->caps[1]};
	uint64_t v, len;

	rvx_user_init(s);
	for (;;) {
		if (rvx_sys_queue_recv(in, &v, sizeof(v), NULL, &len, RVX_USER_FOREVER) != 0)
			rvx_hkrt_exit(1);
		if (v == 0)
			return;
		if (rvx_sys_queue_send(out, 1, 0, 0, &v, sizeof(v)) != 0)
			rvx_hkrt_exit(1);
	}
}

/* Pair 1 (ids 0, 1) and pair 2 (ids 2, 3), each split over CPUs 0 and 1. */
static void root_pairs(const struct rvx_user_start *s)
{
	int rc = 0;

	rvx_user_init(s);
	rc |= spawn2(pong, 1, qs[0], qs[1], &ids[1]);
	rc |= spawn2(ping, 0, qs[1], qs[0], &ids[0]);
	rc |= spawn2(pong, 1, qs[2], qs[3], &ids[3]);
	rc |= spawn2(ping, 0, qs[3], qs[2], &ids[2]);
	spawn_rc = rc;
}

Test(hkrt_coh, chatty_pairs_placed_together)
{
	static const rvx_hkrt_entry_fn natives[] = {ping, pong};
	struct rvx_hkrt_task_status st[4];

	boot(root_pairs, natives, 2);
	attach();
	cr_assert_eq(rvx_hkrt_run(&rt), 0);
	cr_assert_eq(spawn_rc, 0);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(rvx_hkrt_task_status(&rt, ids[i], &st[i]), 0);
		cr_assert_eq(st[i].end, RVX_HKRT_END_RETURNED, "task %d ended %u code %d", i,
			     st[i].end, st[i].code);
		cr_assert_eq(st[i].code, 0);
	}
	cr_assert_eq(st[0].cpu, st[1].cpu, "pair 1 on CPUs %u and %u", st[0].cpu, st[1].cpu);
	cr_assert_eq(st[2].cpu, st[3].cpu, "pair 2 on CPUs %u and %u", st[2].cpu, st[3].cpu);
	cr_assert_neq(st[0].cpu, st[2].cpu, "both pairs on CPU %u", st[0].cpu);
	cr_log_info("closes %lu migrations %lu deferred %lu cut %lu traffic %lu close max %lu ns",
		    (unsigned long)hc.closes, (unsigned long)hc.migrations,
		    (unsigned long)hc.deferred, (unsigned long)hc.last.cut,
		    (unsigned long)hc.last.traffic, (unsigned long)hc.close_ns_max);
	cr_assert_geq(hc.migrations, 2u);
	cr_assert_eq(records_of(RVX_WITNESS_TASK_MIGRATE), hc.migrations);
	cr_assert_eq(records_of(RVX_HKRT_WITNESS_PLACEMENT), hc.closes);
	cr_assert_geq(hc.closes, 5u);
	cr_assert_eq(hc.record_failures, 0);
	/* the chatter is inside the CPUs now: the last placement cuts nothing */
	cr_assert_eq(hc.last.cut, 0u, "cut %lu of %lu", (unsigned long)hc.last.cut,
		     (unsigned long)hc.last.traffic);
}

/* ---- a quiet system ---------------------------------------------------------- */

static void sleeper(const struct rvx_user_start *s)
{
	rvx_handle_t clock = {s->caps[0]};
	uint64_t t0 = s->now_ns;

	rvx_user_init(s);
	while (rvx_hkrt_now(&rt) - t0 < RUN_NS / 3u)
		if (rvx_sys_timer_sleep(clock, 2000000u) != 0)
			rvx_hkrt_exit(1);
}

static void root_quiet(const struct rvx_user_start *s)
{
	struct rvx_user_spawn sp;
	struct rvx_syscall_capxfer x = {root.clock.raw, RVX_RIGHT_READ, 0};
	uint64_t cc;
	int rc = 0;

	rvx_user_init(s);
	memset(&sp, 0, sizeof(sp));
	sp.entry = (uint64_t)(uintptr_t)sleeper;
	sp.priority = 1;
	for (uint32_t i = 0; i < 3; i++) {
		sp.cpu = i == 0 ? 0 : 1; /* root + 1 on CPU 0, 2 on CPU 1 */
		rc |= rvx_sys_task_spawn(root.task, &sp, &x, 1, &cc, &ids[i]);
	}
	spawn_rc = rc;
}

Test(hkrt_coh, quiet_system_does_not_move)
{
	static const rvx_hkrt_entry_fn natives[] = {sleeper};

	boot(root_quiet, natives, 1);
	attach();
	cr_assert_eq(rvx_hkrt_run(&rt), 0);
	cr_assert_eq(spawn_rc, 0);
	for (int i = 0; i < 3; i++) {
		struct rvx_hkrt_task_status st;

		cr_assert_eq(rvx_hkrt_task_status(&rt, ids[i], &st), 0);
		cr_assert_eq(st.end, RVX_HKRT_END_RETURNED);
		cr_assert_eq(st.code, 0, "sleeper %d failed", i);
	}
	cr_assert_geq(hc.closes, 3u);
	cr_assert_eq(hc.migrations, 0);
	cr_assert_eq(records_of(RVX_WITNESS_TASK_MIGRATE), 0);
	cr_assert_eq(records_of(RVX_HKRT_WITNESS_PLACEMENT), hc.closes);
}

/* ---- attach checks ------------------------------------------------------------ */

static void nothing(const struct rvx_user_start *s)
{
	rvx_user_init(s);
}

Test(hkrt_coh, attach_checks)
{
	struct rvx_coh_config cc;
	static struct rvx_hkrt_coh other;

	boot(nothing, NULL, 0);
	rvx_coh_config_default(&cc, 2);
	cr_assert_eq(rvx_hkrt_coherence_attach(NULL, &hc, &cc, EPOCH_NS), -RVX_EINVAL);
	cr_assert_eq(rvx_hkrt_coherence_attach(&rt, NULL, &cc, EPOCH_NS), -RVX_EINVAL);
	cr_assert_eq(rvx_hkrt_coherence_attach(&rt, &hc, NULL, EPOCH_NS), -RVX_EINVAL);
	cr_assert_eq(rvx_hkrt_coherence_attach(&rt, &hc, &cc, 0), -RVX_EINVAL);
	cc.parts = 3;
	cr_assert_eq(rvx_hkrt_coherence_attach(&rt, &hc, &cc, EPOCH_NS), -RVX_EINVAL);
	cc.parts = 2;
	cc.reserved = 1;
	cr_assert_neq(rvx_hkrt_coherence_attach(&rt, &hc, &cc, EPOCH_NS), 0);
	cr_assert_null(rt.coh, "a refused attach attaches nothing");
	cc.reserved = 0;
	cr_assert_eq(rvx_hkrt_coherence_attach(&rt, &hc, &cc, EPOCH_NS), 0);
	cr_assert_eq(rvx_hkrt_coherence_attach(&rt, &other, &cc, EPOCH_NS), -RVX_EEXIST);
	cr_assert_eq(rvx_hkrt_run(&rt), 0);
}
