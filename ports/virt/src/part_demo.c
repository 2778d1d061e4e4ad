/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The partition demo (`-append rvx.partitions`), run by the root task: two
 * partitions talking over CommEdges, a device lease to each (one expires,
 * one is revoked), every isolation attempt of the probers, crashes injected
 * into B until the ladder rebuilds it, a corrupted state region rolled
 * back, a stale handle refused, A suspended and resumed. In the SMP modes
 * the partitions are placed on CPUs other than the root's first, and A is
 * moved to another CPU while it runs (rvx.partitions=smp). Everything
 * privileged goes through lib/part (rvx_virt_pl); tests/virt/partitions.py
 * reads the console lines and the witness dump. This file also holds what
 * the guests' programs and the ladder ask of the image in either program:
 * the guests' own hypercalls (guest.h: a console line, a progress report,
 * the state check) and the checkpoint store behind lib/part's snapshots.
 *
 * Locks: lib/part calls under the kernel lock (rvx_a64_rt_lock()).
 */
#include <bearssl.h>

#include "ruvix/nucleus.h"
#include "part.h"

/* The UART lease: long enough for the talker to reach it on a slow host;
 * four times that in the SMP modes, where QEMU runs four vCPUs on however
 * few host cores there are. */
#define LEASE_NS (200u * RVX_VIRT_MS)
#define LEASE_SMP_NS (800u * RVX_VIRT_MS)
#define PINGS 20u
/* The boot-block field @p f (offset). */
#define FIELD(f) ((uint16_t)offsetof(struct guest_boot, f))

static uint32_t inject_left; /* crashes still to inject into partition B */
static alignas(4096) uint8_t ckpt_store[RVX_VIRT_PARTS][GUEST_MEM_SIZE];
struct rvx_virt_progress rvx_virt_progress[RVX_VIRT_PARTS_MAX];

static struct rvx_part *PL(void)
{
	return &rvx_virt_pl;
}

static void args_init(struct rvx_syscall_args *a)
{
	memset(a, 0, sizeof(*a));
	a->version = RVX_SYSCALL_VERSION;
}

void rvx_virt_part_sleep_ms(uint64_t ms)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	args_init(&a);
	a.cap = rvx_virt_root_caps()->clock.raw;
	a.flags = RVX_SYSCALL_F_RELATIVE;
	a.arg[0] = ms * RVX_VIRT_MS;
	rc = rvx_a64_rt_syscall(0, RVX_SYS_TIMER_WAIT, &a, &r);
	if (rc != 0)
		rvx_a64_fail("TimerWait", rc);
}

void rvx_virt_part_demo_restored(uint32_t part, uint64_t off, uint64_t len)
{
	struct guest_boot *g = rvx_virt_part_boot(part);

	if (off == 0 && len == GUEST_MEM_SIZE)
		g->inject_crash = inject_left > 0; /* a rebuilt listener crashes again if due */
	else
		g->inject_corrupt = 0; /* the state region rolled back: not corrupted again */
}

void rvx_virt_part_demo_fault(uint32_t part, uint32_t cause)
{
	if (part == 1u && inject_left > 0 && cause == RVX_PART_CAUSE_UNMAPPED) {
		inject_left--;
		rvx_virt_part_boot(part)->inject_crash = inject_left > 0;
	}
}

/* ---- the guests' own hypercalls (the core passes guest.h's board calls) ---- */

static bool guest_range(uint32_t part, uint64_t a, uint64_t n)
{
	const struct rvx_part_partition *p = &rvx_virt_pl.parts[part];
	uint64_t t = (uint64_t)(uintptr_t)__guest_start, te = (uint64_t)(uintptr_t)__guest_end;

	return (a >= p->mem && n <= p->mem_size && a - p->mem <= p->mem_size - n) ||
	       (a >= t && n <= te - t && a - t <= te - t - n);
}

/* guest.h's own calls: a console line, a progress report, the state check. */
struct rvx_a64_frame *rvx_virt_part_guest_call(uint32_t task, struct rvx_a64_frame *f,
					       const struct rvx_part_verdict *v)
{
	struct rvx_virt_progress *g = &rvx_virt_progress[v->part];
	const struct rvx_part_trap *t = &v->trap;
	struct rvx_part_verdict cv;
	uint64_t daif;
	int rc;

	switch (t->nr) {
	case GUEST_HVC_PRINT: {
		char line[128];

		if (t->x[1] < sizeof(line) && guest_range(v->part, t->x[0], t->x[1])) {
			memcpy(line, (const void *)(uintptr_t)t->x[0], t->x[1]);
			line[t->x[1]] = '\0';
			rvx_a64_printf("RVX-P%c %s\n", (char)('A' + v->part), line);
		}
		return f;
	}
	case GUEST_HVC_REPORT:
		if (t->x[0] < RVX_ARRAY_COUNT(g->reports)) {
			g->reports[t->x[0]]++;
			g->report_val[t->x[0]] = t->x[1];
		}
		if (t->x[0] != GUEST_REP_PROBED)
			return f;
		/* The prober has tried everything: stopped for good. Ended
		 * and switched away from in one hold of the kernel lock
		 * (rvx_virt_part_apply_locked() says why). */
		daif = rvx_a64_rt_lock();
		rc = rvx_part_task_end(&rvx_virt_pl, task, 0);
		if (rc != 0) {
			rvx_a64_rt_unlock(daif);
			rvx_a64_fail("ending a partition task", rc);
		}
		f = rvx_a64_rt_trap_switch_locked(f, RVX_A64_TRAP_EXITED);
		rvx_a64_rt_unlock(daif);
		return f;
	default: /* GUEST_HVC_CHECK_STATE */
		daif = rvx_a64_rt_lock();
		rc = rvx_part_region_check(&rvx_virt_pl, task, GUEST_STATE_REGION, GUEST_STATE_OFF,
					   GUEST_STATE_SIZE, &cv);
		if (rc != 0) {
			rvx_a64_rt_unlock(daif);
			rvx_a64_fail("checking a partition's state region", rc);
		}
		f = rvx_virt_part_apply_locked(f, &cv);
		rvx_a64_rt_unlock(daif);
		return f;
	}
}


/* ---- the checkpoints the demo's ladder rolls back to ---- */

static void digest(const void *mem, size_t len, uint8_t out[32])
{
	br_sha256_context sha;

	br_sha256_init(&sha);
	br_sha256_update(&sha, mem, len);
	br_sha256_out(&sha, out);
}

/* The checkpoint store: one copy of each partition's memory (lib/part's
 * snapshot operations). */
int rvx_virt_part_snapshot_save(void *ctx, uint32_t part, uint8_t d[32])
{
	(void)ctx;
	if (part >= RVX_VIRT_PARTS)
		return -RVX_ENOMEM; /* the store holds A and B */
	memcpy(ckpt_store[part], rvx_virt_part_boot(part), GUEST_MEM_SIZE);
	digest(ckpt_store[part], GUEST_MEM_SIZE, d);
	return 0;
}

int rvx_virt_part_snapshot_digest(void *ctx, uint32_t part, uint8_t d[32])
{
	(void)ctx;
	if (part >= RVX_VIRT_PARTS)
		return -RVX_ENOENT;
	digest(ckpt_store[part], GUEST_MEM_SIZE, d);
	return 0;
}

int rvx_virt_part_snapshot_restore(void *ctx, uint32_t part, uint64_t off, uint64_t len)
{
	(void)ctx;
	if (part >= RVX_VIRT_PARTS || off > GUEST_MEM_SIZE || len > GUEST_MEM_SIZE - off)
		return -RVX_EINVAL;
	memcpy((uint8_t *)rvx_virt_part_boot(part) + off, ckpt_store[part] + off, len);
	rvx_virt_part_demo_restored(part, off, len);
	return 0;
}

int rvx_virt_part_snapshot_compare(void *ctx, uint32_t part, uint64_t off, uint64_t len)
{
	(void)ctx;
	if (part >= RVX_VIRT_PARTS || off > GUEST_MEM_SIZE || len > GUEST_MEM_SIZE - off)
		return 1;
	return memcmp((const uint8_t *)rvx_virt_part_boot(part) + off, ckpt_store[part] + off,
		      len) != 0;
}


static uint64_t queue_new(uint32_t slots, rvx_rights_t rights)
{
	rvx_handle_t cap;
	int rc = rvx_kernel_queue_create(rvx_virt_kernel(), 0, slots, 64, rights, &cap);

	if (rc != 0)
		rvx_a64_fail("creating a queue", rc);
	return cap.raw;
}

static uint32_t spawn(uint32_t part, uint32_t role, const struct rvx_syscall_capxfer *x,
		      uint32_t nx, uint64_t *child, const uint16_t *where)
{
	uint32_t task;
	int rc = rvx_part_spawn(PL(), part, role, x, nx, where, child, &task);

	if (rc != 0)
		rvx_a64_fail("spawning a partition task", rc);
	return task;
}

/* Where the mode puts the partitions: A and B on CPUs 1 and 2 (smp), both
 * on the last CPU (smp-shared), or both with the root on CPU 0 (demo). */
static uint32_t home_of(uint32_t mode, uint32_t part)
{
	uint32_t n = rvx_virt_pl.cfg.cpu_count;

	if (mode == RVX_VIRT_PART_SMP)
		return (1u + part) % n;
	if (mode == RVX_VIRT_PART_SMP_SHARED)
		return n - 1u;
	return 0;
}

static void place(uint32_t part, uint32_t cpu)
{
	int rc = rvx_part_migrate(PL(), part, cpu, rvx_a64_cpu_index());

	if (rc != 0)
		rvx_a64_fail("placing a partition", rc);
}

/* Move running partition @p part to CPU @p to: suspended (its tasks held
 * where they are not running; a running one is held by its CPU when that
 * CPU next picks it), moved with its waits and timers once none runs,
 * resumed there. */
static void move(uint32_t part, uint32_t to)
{
	uint32_t from = PL()->parts[part].cpu, cpu = rvx_a64_cpu_index(), tries = 0;
	uint64_t daif = rvx_a64_rt_lock();
	int rc = rvx_part_suspend(PL(), part, cpu);

	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("suspending a partition to move it", rc);
	do {
		rvx_virt_part_sleep_ms(1);
		daif = rvx_a64_rt_lock();
		rc = rvx_part_migrate(PL(), part, to, cpu);
		if (rc == 0)
			rc = rvx_part_resume(PL(), part, cpu);
		rvx_a64_rt_unlock(daif);
	} while (rc == -RVX_EBUSY && ++tries < 200u);
	if (rc != 0)
		rvx_a64_fail("moving a partition", rc);
	rvx_a64_printf("RVX-MIGRATE part=%c from=%u to=%u tries=%u ok\n", (char)('A' + part), from,
			to, tries + 1u);
}

static void resume_all(void)
{
	for (uint32_t i = 0; i < RVX_VIRT_PARTS; i++) {
		int rc = rvx_part_resume(PL(), i, 0);

		if (rc != 0)
			rvx_a64_fail("resuming a partition", rc);
	}
}

static void fill_state(uint32_t part)
{
	uint64_t *s = (uint64_t *)(uintptr_t)((uint64_t)(uintptr_t)rvx_virt_part_boot(part) +
					      GUEST_STATE_OFF);

	for (uint64_t i = 0; i < GUEST_STATE_SIZE / 8u; i++)
		s[i] = UINT64_C(0x5354415445000000) + i;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns * rvx_a64_counter_freq() / 1000000000u;
}

static void grant_lease(uint32_t part, uint64_t ns)
{
	struct guest_boot *g = rvx_virt_part_boot(part);
	int rc = rvx_part_lease_grant(PL(), part, RVX_VIRT_DEV_UART,
				      RVX_HYP_LEASE_R | RVX_HYP_LEASE_W, ns);

	g->uart = rvx_a64_board.uart.base;
	g->lease_until = rvx_a64_counter() + ns_to_ticks(ns);
	if (rc != 0)
		rvx_a64_fail("leasing the UART", rc);
}

bool rvx_virt_part_wait_for(const char *what, bool (*cond)(void), uint64_t limit_ms)
{
	uint64_t until = rvx_virt_part_now() + limit_ms * RVX_VIRT_MS;

	while (!cond()) {
		if (rvx_virt_part_now() > until) {
			rvx_a64_printf("RuVix: partitions: timed out waiting for %s\n", what);
			return false;
		}
		rvx_virt_part_sleep_ms(2);
	}
	return true;
}

/*
 * How long one phase of the demo may take, in guest time. Without -icount the
 * guest's clock is the host's, and on a loaded host a vCPU can go unscheduled
 * for seconds: the limit only decides how soon a broken run gives up, so it
 * is generous (a healthy phase ends in milliseconds).
 */
#define PHASE_LIMIT_MS 15000u

static void wait_or_stop(const char *what, bool (*cond)(void), uint64_t limit_ms)
{
	if (!rvx_virt_part_wait_for(what, cond, limit_ms))
		rvx_a64_exit(8);
}

static bool ready_to_inject(void)
{
	return rvx_virt_progress[1].reports[GUEST_REP_PROBED] != 0 &&
	       rvx_virt_progress[0].reports[GUEST_REP_PROBED] != 0 &&
	       rvx_virt_progress[0].reports[GUEST_REP_PINGS] != 0;
}

static bool crashes_done(void)
{
	return inject_left == 0 && PL()->parts[1].reconstructs != 0;
}

static bool stale_refused(void)
{
	return PL()->parts[1].stale_refused != 0;
}

static bool rolled(void)
{
	return rvx_virt_progress[1].reports[GUEST_REP_ROLLED] != 0;
}

static bool lease_done(void)
{
	return PL()->parts[0].cause_seen[RVX_PART_CAUSE_LEASE_ENDED] != 0;
}

static bool lease_b_used(void)
{
	return rvx_virt_progress[1].reports[GUEST_REP_LEASE_B] != 0;
}

static bool lease_b_faulted(void)
{
	return PL()->parts[1].cause_seen[RVX_PART_CAUSE_LEASE_ENDED] != 0;
}

/* After B's reconstruction: the root sends a ping over the A->B queue, B's
 * rebuilt listener (fresh capabilities) answers over B->A with the
 * capability A's grant was re-made into, and the root reads the first
 * message on B->A: the pong, since the drain left nothing of the failed
 * incarnation's. */
static void recon_talk(void)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_queue_msg_hdr h;
	uint64_t seq = 0x5eed, got = 0;
	uint64_t daif = rvx_a64_rt_lock();
	int rc;

	args_init(&a);
	a.cap = PL()->edges[0].root_cap;
	a.arg[0] = GUEST_MSG_PING;
	a.in = (uint64_t)(uintptr_t)&seq;
	a.in_len = sizeof(seq);
	rc = rvx_syscall(rvx_virt_kernel(), 0, RVX_SYS_QUEUE_SEND, &a, &r);
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("the root's ping to the rebuilt partition", rc);
	memset(&h, 0, sizeof(h));
	args_init(&a);
	a.cap = PL()->edges[1].root_cap;
	a.flags = RVX_SYSCALL_F_BLOCK;
	a.arg[0] = 500u * RVX_VIRT_MS;
	a.out = (uint64_t)(uintptr_t)&got;
	a.out_len = sizeof(got);
	a.aux = (uint64_t)(uintptr_t)&h;
	a.aux_len = sizeof(h);
	rc = rvx_a64_rt_syscall(0, RVX_SYS_QUEUE_RECV, &a, &r);
	rvx_a64_printf("RVX-RECON-TALK part=B ping=0x%lx first-on-B->A type=%u value=0x%lx %s\n",
			seq, rc == 0 && r.status == RVX_SYSCALL_DONE ? h.type_id : 0u, got,
			rc == 0 && r.status == RVX_SYSCALL_DONE && h.type_id == GUEST_MSG_PONG &&
					got == seq
				? "ok"
				: "WRONG");
}

static uint64_t hb_at_resume;

static bool heartbeat_moved(void)
{
	return rvx_virt_part_boot(0)->heartbeat != hb_at_resume;
}

/* Suspend A for 30 ms: its heartbeat stops, then goes on (within a second
 * of the resume: a slow host may take more than one beat's time). */
static void suspend_a(void)
{
	struct guest_boot *ba = rvx_virt_part_boot(0);
	uint64_t s0, s1, s2, daif;
	int rc;

	daif = rvx_a64_rt_lock();
	rc = rvx_part_suspend(PL(), 0, rvx_a64_cpu_index());
	s0 = ba->heartbeat;
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("suspending partition A", rc);
	rvx_virt_part_sleep_ms(30);
	daif = rvx_a64_rt_lock();
	s1 = ba->heartbeat;
	hb_at_resume = s1;
	rc = rvx_part_resume(PL(), 0, rvx_a64_cpu_index());
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("resuming partition A", rc);
	(void)rvx_virt_part_wait_for("A's heartbeat after its resume", heartbeat_moved, 1000);
	s2 = ba->heartbeat;
	rvx_a64_printf("RVX-SUSPEND part=A heartbeat at-suspend=%lu after-30ms=%lu "
			"after-resume=%lu\n",
			s0, s1, s2);
}

static void summary(void)
{
	struct rvx_hyp_edge_info ei;

	for (uint32_t e = 0; e < 2u; e++) {
		uint64_t daif = rvx_a64_rt_lock();
		int rc = rvx_part_traffic_sync(PL());

		if (rc == 0)
			rc = rvx_hyp_edge_info(&PL()->hyp, PL()->edges[e].h, &ei);

		rvx_a64_rt_unlock(daif);
		if (rc == 0)
			rvx_a64_printf("RVX-EDGE %u %c->%c messages=%lu bytes=%lu\n", e,
					'A' + (char)rvx_handle_index(ei.a),
					'A' + (char)rvx_handle_index(ei.b), ei.messages, ei.bytes);
	}
	for (uint32_t i = 0; i < RVX_VIRT_PARTS; i++) {
		const struct rvx_part_partition *p = &PL()->parts[i];
		const struct rvx_virt_progress *g = &rvx_virt_progress[i];

		for (uint32_t c = 0; c < PL()->cfg.cpu_count; c++)
			if (rvx_virt_part_ran[c][i] != 0)
				rvx_a64_printf("RVX-PART-CPU part=%c cpu=%u vm_loads=%lu\n",
						(char)('A' + i), c, rvx_virt_part_ran[c][i]);

		rvx_a64_printf("RVX-PART %c faults=%u restarts=%u reconstructs=%u rollbacks=%u "
				"probes=%lu region=0x%lx\n",
				(char)('A' + i), p->faults, p->restarts, p->reconstructs,
				p->rollbacks, g->report_val[GUEST_REP_PROBED],
				g->report_val[GUEST_REP_REGION]);
		for (uint32_t c = 1; c < RVX_PART_CAUSE_COUNT; c++)
			if (p->cause_seen[c] != 0)
				rvx_a64_printf("RVX-STOPPED part=%c cause=%s count=%u\n",
						(char)('A' + i), rvx_part_cause_name(c),
						p->cause_seen[c]);
	}
}

void rvx_virt_part_demo(uint32_t mode)
{
	struct guest_boot *ba = rvx_virt_part_boot(0), *bb = rvx_virt_part_boot(1);
	uint64_t clock = rvx_virt_root_caps()->clock.raw;
	uint64_t daif = rvx_a64_rt_lock();
	/* A -> B pings; B -> A pongs (A holds it with GRANT, to hand B a
	 * WRITE capability itself). */
	uint64_t q_ab = queue_new(8, RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT);
	uint64_t q_ba = queue_new(8, RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT);
	uint64_t task_cap = rvx_virt_root_caps()->task.raw;
	struct rvx_syscall_capxfer talk[5] = {{clock, RVX_RIGHT_READ, 0},
					      {q_ab, RVX_RIGHT_WRITE, 0},
					      {q_ba, RVX_RIGHT_READ, 0},
					      {q_ba, RVX_RIGHT_WRITE | RVX_RIGHT_GRANT, 0},
					      {task_cap, RVX_RIGHT_WRITE, 0}};
	struct rvx_syscall_capxfer listen[3] = {{clock, RVX_RIGHT_READ, 0},
						{q_ab, RVX_RIGHT_READ, 0},
						{task_cap, RVX_RIGHT_WRITE, 0}};
	struct rvx_syscall_capxfer probe[1] = {{clock, RVX_RIGHT_READ, 0}};
	/* Where each task keeps the capabilities it is spawned with. */
	static const uint16_t f_talk[5] = {FIELD(clock), FIELD(q_send), FIELD(q_recv),
					   FIELD(q_grant), FIELD(task_cap)};
	static const uint16_t f_listen[3] = {FIELD(clock), FIELD(q_recv), FIELD(task_cap)};
	static const uint16_t f_probe[1] = {FIELD(clock_probe)};
	uint64_t ct[5] = {0}, cl[3] = {0}, cpa[1] = {0}, cpb[1] = {0};
	uint32_t t_talk, t_listen, e0, e1;
	uint64_t hb0, hb1;
	int rc;

	for (uint32_t i = 0; i < RVX_VIRT_PARTS; i++)
		place(i, home_of(mode, i));
	resume_all();
	t_talk = spawn(0, GUEST_ROLE_TALK, talk, 5, ct, f_talk);
	spawn(0, GUEST_ROLE_PROBE, probe, 1, cpa, f_probe);
	t_listen = spawn(1, GUEST_ROLE_LISTEN, listen, 3, cl, f_listen);
	spawn(1, GUEST_ROLE_PROBE, probe, 1, cpb, f_probe);
	rc = rvx_part_edge_create(PL(), 0, 1, q_ab, t_talk, ct[1], &e0);
	if (rc == 0)
		rc = rvx_part_edge_create(PL(), 1, 0, q_ba, RVX_HYP_NONE, 0, &e1);
	/* A's grant of its B->A handle makes the listener a sender there; it
	 * keeps the reply capability in q_send. */
	if (rc == 0)
		rc = rvx_part_edge_set_grant(PL(), e1, t_talk, ct[3], FIELD(q_send));
	if (rc != 0)
		rvx_a64_fail("creating a CommEdge", rc);
	for (uint32_t i = 0; i < RVX_VIRT_PARTS; i++) {
		struct guest_boot *g = rvx_virt_part_boot(i);
		const struct rvx_part_partition *p = &PL()->parts[i];

		g->magic = GUEST_MAGIC;
		g->part = i;
		g->vmid = p->vmid;
		g->mem = p->mem;
		g->other_mem = PL()->parts[1u - i].mem;
		g->kernel_mem = (uint64_t)(uintptr_t)rvx_virt_kernel();
		g->device = rvx_a64_board.gicd.base;
		/* Nobody's on every board (RAM starts at 0 on the Pi 4). */
		g->unmapped = rvx_a64_board.mem.base + rvx_a64_board.mem.size;
		fill_state(i);
	}
	/* Each task's own handles are in its boot block (published by the
	 * spawn); the probers get a handle of the other partition's table to
	 * misuse. */
	ba->peer_task = t_listen;
	ba->pings = PINGS;
	ba->foreign_cap = cl[1];
	bb->foreign_cap = ct[1];
	/* The longer lease wherever more CPUs share the emulator's host time
	 * (the demo on a board that always has four, such as the Pi 4). */
	grant_lease(0, mode == RVX_VIRT_PART_DEMO && rvx_a64_cpus_up() == 1 ? LEASE_NS : LEASE_SMP_NS);
	rvx_a64_rt_unlock(daif);

	wait_or_stop("the probes and the ping phase", ready_to_inject, PHASE_LIMIT_MS);
	/* A moves to a CPU of its own while it runs (smp: CPU 3). */
	if (mode == RVX_VIRT_PART_SMP && PL()->cfg.cpu_count > 3u)
		move(0, 3);
	/* Steady state: checkpoint partition B, then inject crashes into it,
	 * once the probes' failures have left the policy's window. */
	rvx_virt_part_sleep_ms(RVX_VIRT_WINDOW_NS / RVX_VIRT_MS + 10u);
	daif = rvx_a64_rt_lock();
	rc = rvx_part_checkpoint(PL(), 1);
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("checkpointing partition B", rc);
	hb0 = ba->heartbeat;
	/* Each injection is announced before its flag is set: on SMP, B acts
	 * on another CPU at once. */
	rvx_a64_puts("RVX-INJECT part=B crashes=3 (stage-2 faults in its listener)\n");
	daif = rvx_a64_rt_lock();
	inject_left = 3;
	bb->inject_crash = 1;
	rvx_a64_rt_unlock(daif);
	wait_or_stop("partition B's reconstruction", crashes_done, PHASE_LIMIT_MS);
	recon_talk();
	rvx_a64_puts("RVX-INJECT part=B corrupt-state-region\n");
	bb->inject_corrupt = 1;
	wait_or_stop("partition B's region roll back", rolled, PHASE_LIMIT_MS);
	wait_or_stop("partition A's lease fault", lease_done, PHASE_LIMIT_MS);
	/* B's rebuilt listener tries a handle its previous incarnation held
	 * (after the ladder's window: a first failure, a task restart). */
	rvx_virt_part_sleep_ms(RVX_VIRT_WINDOW_NS / RVX_VIRT_MS + 10u);
	daif = rvx_a64_rt_lock();
	bb->stale_cap = PL()->parts[1].stale_count > 1u ? PL()->parts[1].stale[1] : 0;
	rvx_a64_rt_unlock(daif);
	/* Said before B may try it: on SMP, B runs on another CPU at once. */
	rvx_a64_printf("RVX-RECON-STALE part=B handle=0x%lx (the receive capability of the "
			"listener before the reconstruction)\n",
			bb->stale_cap);
	daif = rvx_a64_rt_lock();
	bb->probe_stale = 1;
	rvx_a64_rt_unlock(daif);
	wait_or_stop("partition B's use of a stale handle", stale_refused, PHASE_LIMIT_MS);
	/* The UART is free again: lease it to B, and revoke the lease once B
	 * has used it. B's next use faults (after the ladder's window). */
	rvx_virt_part_sleep_ms(RVX_VIRT_WINDOW_NS / RVX_VIRT_MS + 10u);
	daif = rvx_a64_rt_lock();
	grant_lease(1, UINT64_C(10000) * RVX_VIRT_MS);
	bb->uart_step = 1;
	rvx_a64_rt_unlock(daif);
	wait_or_stop("partition B's use of its lease", lease_b_used, PHASE_LIMIT_MS);
	daif = rvx_a64_rt_lock();
	rc = rvx_part_lease_revoke(PL(), 1);
	bb->uart_step = 3;
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("revoking a lease", rc);
	wait_or_stop("partition B's use after revocation", lease_b_faulted, PHASE_LIMIT_MS);
	rvx_virt_part_sleep_ms(10);
	hb1 = ba->heartbeat;
	rvx_a64_printf("RVX-HEARTBEAT part=A before=%lu after=%lu\n", hb0, hb1);
	suspend_a();
	summary();
}
