/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virt board's partition mechanism: the glue that gives lib/part its
 * architecture operations (the AArch64 core's EL1 state, stage 2 on the
 * CPU and trap decode, a64.h; the stage-2 tables in this file's pools) and
 * its kernel operations (public nucleus calls), and the hooks the runtime
 * calls (switch, hold, tick, task start, trap). The policy (construction
 * journal, reconstruction, recovery ladder, suspend and resume, isolation
 * decisions, witness records) is lib/part's; the board's layout and
 * set-up are part_setup.c's; the guests' own hypercalls, the checkpoint
 * store and the demo are part_demo.c's, the figures part_bench.c's.
 *
 * A partition is a set of nucleus tasks that run at EL1 under one VMID and
 * one stage-2 address space. Partition tasks enter the kernel by HVC
 * (guest.h has the ABI); a switch to a task of another partition is a real
 * context switch: the exception frame (boot.S), the EL1 system registers
 * (el1.c) and VTTBR_EL2 (vm.c). VMIDs (1 and 2) are never reused while the
 * image runs, so a switch or a migration needs no TLB maintenance; a
 * stage-2 unmap is followed by rvx_a64_vm_sync() (docs/aarch64.md).
 *
 * CPUs: partitions run on every CPU that came up. Per CPU: the EL2
 * controls (set on the CPU's first partition switch), the frame of the
 * trap being decoded, the loaded stage-2 and EL1 state (lib/part's books).
 * Kicks are SGIs (the core's rvx_a64_gic_sgi()); a kicked CPU picks again
 * at once.
 *
 * Locks: every call into lib/part, lib/stage2, the nucleus or the EL1
 * registers runs under the kernel lock (rvx_a64_rt_lock(), or held by
 * rt.c around the switch and the tick); the console lock nests inside it.
 */
#include "ruvix/nucleus.h"
#ifdef RVX_VIRT_COHERENCE
#include "ruvix/part_coh.h"
#endif
#include "ruvix/port.h"
#include "ruvix/stage2.h"
#include "objects.h"
#include "part.h"

#define POOL_PAGES 16u

_Static_assert(GUEST_HVC_SYSCALL == RVX_A64_HVC_SYSCALL, "guest.h and a64.h: syscall HVC");
_Static_assert(GUEST_HVC_YIELD == RVX_A64_HVC_YIELD, "guest.h and a64.h: yield HVC");
_Static_assert(GUEST_HVC_EXCEPTION == RVX_A64_HVC_EXCEPTION, "guest.h and a64.h: exception HVC");

extern char guest_vectors[];
void guest_entry(struct guest_boot *b, uint64_t role);

RVX_STAGE2_POOL_DEFINE(pool_a, POOL_PAGES);
RVX_STAGE2_POOL_DEFINE(pool_b, POOL_PAGES);

struct rvx_part rvx_virt_pl;
static struct rvx_part_task task_table[RVX_KERNEL_TASKS];
static struct rvx_stage2 s2[RVX_CONFIG_PART_MAX_PARTITIONS];
/* The demo's two partitions have static pools; a component partition's
 * pool comes from the buddy allocator (rvx_virt_part_set_pool()). */
static uint64_t (*pools[RVX_CONFIG_PART_MAX_PARTITIONS])[RVX_STAGE2_ENTRIES] = {pool_a, pool_b};
static uint32_t pool_pages[RVX_CONFIG_PART_MAX_PARTITIONS] = {POOL_PAGES, POOL_PAGES};
static uint64_t vttbr[RVX_CONFIG_PART_MAX_PARTITIONS];
static uint32_t kick_off;                    /* figures: wake-ups wait for the tick */
uint64_t rvx_virt_part_ran[RVX_A64_MAX_CPUS][RVX_VIRT_PARTS_MAX]; /* stage-2 loads per CPU */
static uint32_t part_mode;                /* 1 demo, 2 bench */

static struct rvx_kernel *K(void)
{
	return rvx_virt_kernel();
}

uint64_t rvx_virt_part_now(void)
{
	return rvx_port_time_real_ns();
}

struct guest_boot *rvx_virt_part_boot(uint32_t part)
{
	return (struct guest_boot *)(uintptr_t)rvx_virt_pl.parts[part].mem;
}

void rvx_virt_part_kicks(bool on)
{
	kick_off = !on;
}

uint64_t rvx_virt_part_vttbr(uint32_t part)
{
	return vttbr[part];
}

/* ---- the architecture operations ---- */

/* A partition task's EL1 state at its (re)start: the guest's vectors, its
 * stack in the partition's memory, identities for the switch checks
 * (CONTEXTIDR_EL1: VMID and slot; TPIDR_EL1: the partition). */
static void a_cpu_reset(void *ctx, uint32_t task, uint32_t part, uint32_t slot)
{
	const struct rvx_part_partition *p = &rvx_virt_pl.parts[part];

	(void)ctx;
	if (p->layout) {
		rvx_virt_comp_cpu_reset(task, part, slot);
		return;
	}
	rvx_a64_el1_reset(task, (uint64_t)(uintptr_t)guest_vectors,
			  p->mem + GUEST_MEM_SIZE - (uint64_t)slot * GUEST_STACK_SIZE,
			  ((uint64_t)p->vmid << 8) | slot, part);
}

static void a_vm_load(void *ctx, uint32_t cpu, uint32_t part)
{
	(void)ctx;
	if (part < RVX_VIRT_PARTS_MAX)
		rvx_virt_part_ran[cpu][part]++;
	rvx_a64_vm_enter(cpu, vttbr[part]);
}

static int a_s2_reset(void *ctx, uint32_t part, uint32_t vmid)
{
	struct rvx_stage2_config cfg = {.ipa_bits = 32, .pa_bits = 40,
					.start_level = RVX_STAGE2_START_AUTO,
					.vmid = (uint16_t)vmid};
	int rc;

	(void)ctx;
	if (part >= RVX_CONFIG_PART_MAX_PARTITIONS || pools[part] == NULL)
		return -RVX_ENOMEM;
	rc = rvx_stage2_init(&s2[part], &cfg, pools[part], pool_pages[part],
			     (uint64_t)(uintptr_t)pools[part]);
	if (rc == 0) {
		vttbr[part] = rvx_stage2_vttbr(&s2[part]);
		/* The same for every partition (part_setup.c checks). */
		rvx_a64_vm_set_vtcr(rvx_stage2_vtcr(&s2[part]));
	}
	return rc;
}

/* True if [ipa, ipa + size) holds the console's device. */
static bool is_console(uint64_t ipa, uint64_t size)
{
	uint64_t uart = rvx_a64_board.uart.base;

	return uart >= ipa && uart - ipa < size;
}

static int a_s2_map(void *ctx, uint32_t part, const struct rvx_part_map *m)
{
	int rc = rvx_stage2_map(&s2[part], m->ipa, m->pa, m->size, m->perms, m->memtype);

	(void)ctx;
	__asm__ volatile("dsb ishst" ::: "memory");
	/* A lease makes the device the partition's alone: the kernel's own
	 * console lines wait until it ends. */
	if (rc == 0 && m->lease && is_console(m->ipa, m->size))
		rvx_a64_console_hold(true);
	return rc;
}

static int a_s2_unmap(void *ctx, uint32_t part, uint64_t ipa, uint64_t size)
{
	int rc = rvx_stage2_unmap(&s2[part], ipa, size);

	(void)ctx;
	if (rc == 0 && is_console(ipa, size))
		rvx_a64_console_hold(false);
	return rc;
}

static void a_s2_sync(void *ctx, uint32_t part)
{
	(void)ctx;
	rvx_a64_vm_sync(vttbr[part]);
}

/* The demo's partition memory is identity-mapped in the kernel (IPA = PA =
 * VA); a component's is translated (component.c). lib/part checked the
 * range first. */
static int a_guest_read(void *ctx, uint32_t part, uint64_t ipa, void *dst, size_t len)
{
	(void)ctx;
	if (rvx_virt_pl.parts[part].layout) {
		ipa = rvx_virt_comp_translate(part, ipa, len);
		if (ipa == 0)
			return -RVX_EINVAL;
	}
	memcpy(dst, (const void *)(uintptr_t)ipa, len);
	return 0;
}

static int a_guest_write(void *ctx, uint32_t part, uint64_t ipa, const void *src, size_t len)
{
	(void)ctx;
	if (rvx_virt_pl.parts[part].layout) {
		ipa = rvx_virt_comp_translate(part, ipa, len);
		if (ipa == 0)
			return -RVX_EINVAL;
	}
	memcpy((void *)(uintptr_t)ipa, src, len);
	return 0;
}

static bool a_guest_check(void *ctx, uint32_t part, uint64_t ipa, uint64_t len, bool write)
{
	(void)ctx;
	return rvx_virt_comp_pa(part, ipa, len, write) != 0;
}

/* An SGI to @p cpu, so it picks again at once (off while the figures
 * measure the tick's latency). */
static void a_kick(void *ctx, uint32_t cpu)
{
	(void)ctx;
	if (!kick_off)
		rvx_a64_gic_sgi(cpu, RVX_A64_SGI_KICK);
}

/* ---- the kernel operations ---- */

static int k_syscall(void *ctx, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
		     struct rvx_syscall_result *r)
{
	(void)ctx;
	if (task != 0 && task < RVX_KERNEL_TASKS && task_table[task].part != 0 &&
	    rvx_virt_pl.parts[task_table[task].part - 1u].layout)
		return rvx_virt_comp_syscall(task_table[task].part - 1u, task, nr, a, r);
	return rvx_syscall(K(), task, nr, a, r);
}

/* True if a CPU other than this one is running @p task (kernel lock held). */
static bool runs_elsewhere(uint32_t task)
{
	uint32_t me = rvx_a64_cpu_index();

	for (uint32_t c = 0; c < RVX_A64_MAX_CPUS; c++)
		if (c != me && rvx_a64_rt_current(c) == task)
			return true;
	return false;
}

/* The runtime drops an ended task's context; it never runs again. A task
 * another CPU runs is refused, changing nothing: its index is free for the
 * next TaskSpawn once it is ended, while that CPU is still on its stack
 * until it next enters the kernel (lib/part never asks: docs/aarch64.md,
 * "Stacks and the kernel lock"). */
static int k_task_exit(void *ctx, uint32_t task, int32_t code)
{
	int rc;

	(void)ctx;
	if (runs_elsewhere(task))
		return -RVX_EBUSY;
	rc = rvx_kernel_task_exit(K(), task, code);
	if (rc == 0)
		rvx_a64_rt_restart(task);
	return rc;
}

/* Each would end: live, not the root, room in the journal for every record,
 * and none running on another CPU. */
static int k_task_exit_check(void *ctx, const uint32_t *tasks, uint32_t n)
{
	(void)ctx;
	for (uint32_t i = 0; tasks != NULL && i < n; i++)
		if (runs_elsewhere(tasks[i]))
			return -RVX_EBUSY;
	return rvx_kernel_task_exit_check(K(), tasks, n);
}

static void k_task_restart(void *ctx, uint32_t task)
{
	(void)ctx;
	rvx_a64_rt_restart(task);
}

/* The partition layer's kernel operations that change or read task and
 * capability state go through the nucleus's public calls: hold and release
 * are witnessed, journaled and replayed like any other change. */
static int k_hold_task(void *ctx, uint32_t task)
{
	(void)ctx;
	return rvx_kernel_task_hold(K(), task);
}

static int k_release_task(void *ctx, uint32_t task)
{
	(void)ctx;
	return rvx_kernel_task_release(K(), task);
}

static void k_caps_digest(void *ctx, const uint32_t *tasks, uint32_t count, uint8_t out[32])
{
	int rc = rvx_kernel_caps_digest(K(), tasks, count, out);

	(void)ctx;
	if (rc != 0)
		rvx_a64_fail("digesting a partition's capabilities", rc);
}

static int k_cap_object(void *ctx, uint32_t task, uint64_t handle, uint64_t *object,
			uint32_t *index)
{
	struct rvx_cap_info info;
	int rc = rvx_kernel_cap_info(K(), task, (rvx_handle_t){handle}, &info);

	(void)ctx;
	if (rc == 0) {
		*object = info.object.raw;
		*index = info.object_ref;
	}
	return rc;
}

/* Moving a task to another CPU: through the nucleus, witnessed (TASK_MIGRATE),
 * journaled and replayed; lib/part records the partition's move as well. */
static int k_task_migrate_check(void *ctx, uint32_t task, uint32_t cpu)
{
	(void)ctx;
	return rvx_kernel_task_migrate_check(K(), task, cpu);
}

static int k_task_migrate(void *ctx, uint32_t task, uint32_t cpu)
{
	(void)ctx;
	return rvx_kernel_task_migrate(K(), task, cpu);
}

/* The journal has room for the run; a record that cannot be written stops
 * the image, since the log must not have a gap. */
static void k_record(void *ctx, uint16_t kind, uint32_t actor, uint64_t target, const void *args,
		     uint32_t len)
{
	int rc = rvx_kernel_port_record(K(), kind, actor, target, args, len);

	(void)ctx;
	if (rc != 0)
		rvx_a64_fail("witnessing a privileged action", rc);
}

/* A handle goes into the partition's boot block at offset @p where. */
static void k_handle_out(void *ctx, uint32_t part, uint16_t where, uint64_t handle)
{
	(void)ctx;
	if (where != RVX_PART_NOWHERE && where + 8u <= sizeof(struct guest_boot))
		memcpy((uint8_t *)rvx_virt_part_boot(part) + where, &handle, 8);
}

static void k_reboot(void *ctx)
{
	(void)ctx;
	rvx_a64_exit(10);
}

static uint64_t k_now(void *ctx)
{
	(void)ctx;
	return rvx_virt_part_now();
}

static void k_trace(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	va_start(ap, fmt);
	rvx_a64_vprintf(fmt, ap);
	va_end(ap);
}

static const struct rvx_part_arch_ops arch_ops = {
	.cpu_reset = a_cpu_reset, .cpu_save = rvx_a64_el1_save, .cpu_load = rvx_a64_el1_load,
	.vm_load = a_vm_load, .s2_reset = a_s2_reset, .s2_map = a_s2_map,
	.s2_unmap = a_s2_unmap, .s2_sync = a_s2_sync, .trap_decode = rvx_a64_trap_decode,
	.guest_read = a_guest_read, .guest_write = a_guest_write, .kick = a_kick,
	.guest_check = a_guest_check,
};

/* A queue's sends as the nucleus counts them (the root holds @p cap). */
static int k_queue_traffic(void *ctx, uint64_t cap, uint64_t *messages, uint64_t *bytes)
{
	struct rvx_kernel_queue_traffic t;
	int rc = rvx_kernel_queue_traffic(K(), 0, (rvx_handle_t){cap}, &t);

	(void)ctx;
	if (rc == 0) {
		*messages = t.sent_messages;
		*bytes = t.sent_bytes;
	}
	return rc;
}

/* The coherence engine's scores for a partition task, as scheduling inputs. */
static int k_task_scores(void *ctx, uint32_t task, uint32_t pressure, uint32_t risk)
{
	(void)ctx;
	return rvx_kernel_task_set_scores(K(), task, pressure, risk);
}

/* TaskSpawn and RvfMount from a partition: components only (component.c);
 * the demo's partitions may not create tasks. */
static int k_create(void *ctx, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
		    struct rvx_syscall_result *r)
{
	(void)ctx;
	if (task == 0 || task >= RVX_KERNEL_TASKS || task_table[task].part == 0 ||
	    !rvx_virt_pl.parts[task_table[task].part - 1u].layout)
		return -RVX_EPERM;
	return rvx_virt_comp_create(task_table[task].part - 1u, task, nr, a, r);
}

static const struct rvx_part_kernel_ops kernel_ops = {
	.create = k_create,
	.queue_traffic = k_queue_traffic,
	.syscall = k_syscall, .task_exit = k_task_exit, .task_exit_check = k_task_exit_check,
	.task_restart = k_task_restart,
	.hold_task = k_hold_task, .release_task = k_release_task,
	.task_migrate_check = k_task_migrate_check, .task_migrate = k_task_migrate,
	.caps_digest = k_caps_digest, .cap_object = k_cap_object, .record = k_record,
	.snapshot_save = rvx_virt_part_snapshot_save,
	.snapshot_digest = rvx_virt_part_snapshot_digest,
	.snapshot_restore = rvx_virt_part_snapshot_restore,
	.snapshot_compare = rvx_virt_part_snapshot_compare,
	.handle_out = k_handle_out, .reboot = k_reboot, .now = k_now, .trace = k_trace,
	.task_scores = k_task_scores,
};

/* ---- the runtime's hooks (kernel lock held) ---- */

void rvx_a64_part_switch(uint32_t cpu, uint32_t next)
{
	int rc;

	if (part_mode == 0)
		return;
	rc = rvx_part_switch(&rvx_virt_pl, cpu, next);
	if (__builtin_expect(rc < 0, 0))
		rvx_a64_fail("running a partition that is not RUNNING", -RVX_EPERM);
}

bool rvx_a64_part_task_init(uint32_t task, struct rvx_a64_frame *nf)
{
	uint64_t mem;
	uint32_t role;

	if (part_mode == 0 || rvx_part_task_start(&rvx_virt_pl, task, &mem, &role) != 1)
		return false;
	if (rvx_virt_pl.parts[task_table[task].part - 1u].layout) {
		rvx_virt_comp_task_init(task_table[task].part - 1u, task, nf);
		return true;
	}
	nf->elr = (uint64_t)(uintptr_t)guest_entry;
	nf->spsr = RVX_A64_SPSR_EL1H_MASKED;
	nf->x[0] = mem;
	nf->x[1] = role;
	return true;
}

bool rvx_a64_part_hold(uint32_t task)
{
	int rc;

	if (part_mode == 0)
		return false;
	rc = rvx_part_hold(&rvx_virt_pl, task);
	if (rc < 0)
		rvx_a64_fail("holding a suspended partition's task", rc);
	return rc == 1;
}

void rvx_a64_part_tick(uint64_t now)
{
	if (part_mode == RVX_VIRT_PART_MODE_COMP)
		rvx_virt_objects_tick(K(), rvx_a64_cpu_index());
	if (part_mode != 0)
		(void)rvx_part_tick(&rvx_virt_pl, now);
}

bool rvx_virt_part_mode(void)
{
	return part_mode != 0;
}

/* ---- the trap path ---- */

/* Apply lib/part's verdict to the trapped frame (kernel lock held). */
static struct rvx_a64_frame *apply(struct rvx_a64_frame *f, const struct rvx_part_verdict *v)
{
	if (v->set_ret)
		f->x[0] = v->ret;
	switch (v->next) {
	case RVX_PART_NEXT_RESUME: return f;
	case RVX_PART_NEXT_BLOCKED: return rvx_a64_rt_trap_switch_locked(f, RVX_A64_TRAP_BLOCKED);
	case RVX_PART_NEXT_RETRY:
		f->elr -= 4u; /* the HVC is issued again once woken */
		return rvx_a64_rt_trap_switch_locked(f, RVX_A64_TRAP_BLOCKED);
	case RVX_PART_NEXT_RESTART: return rvx_a64_rt_trap_switch_locked(f, RVX_A64_TRAP_RESTART);
	case RVX_PART_NEXT_EXITED:
	case RVX_PART_NEXT_STOPPED:
	case RVX_PART_NEXT_HALTED: return rvx_a64_rt_trap_switch_locked(f, RVX_A64_TRAP_EXITED);
	default: return rvx_a64_rt_trap_switch_locked(f, RVX_A64_TRAP_YIELD);
	}
}

struct rvx_a64_frame *rvx_virt_part_apply_locked(struct rvx_a64_frame *f,
						 const struct rvx_part_verdict *v)
{
	return apply(f, v);
}

/* guest.h's own calls are the programs' (part_demo.c); a component's are
 * its SDK's board calls (component.c). */
static struct rvx_a64_frame *guest_call(uint32_t task, struct rvx_a64_frame *f,
					 const struct rvx_part_verdict *v)
{
	if (rvx_virt_pl.parts[v->part].layout)
		return rvx_virt_comp_call(task, f, v);
	return rvx_virt_part_guest_call(task, f, v);
}

/* One hold of the kernel lock for the decision and the switch it asks for:
 * the task cannot be woken, moved or suspended in between. */
struct rvx_a64_frame *rvx_a64_part_trap(struct rvx_a64_frame *f)
{
	uint32_t cpu = rvx_a64_cpu_index();
	uint32_t task = rvx_a64_rt_current(cpu);
	struct rvx_part_verdict v;
	uint64_t daif;
	int rc;

	daif = rvx_a64_rt_lock();
	/* No partition task runs once the partitions are torn down: the
	 * teardown waits until no other CPU runs one (rvx_part_teardown()). */
	if (part_mode == 0) {
		rvx_a64_rt_unlock(daif);
		rvx_a64_panic_frame("a trap from a lower EL outside a partition", 8, f);
	}
	rvx_a64_trap_frame[cpu] = f;
	rc = rvx_part_trap(&rvx_virt_pl, cpu, task, &v);
	if (rc == 0 && v.cause != RVX_PART_CAUSE_NONE && part_mode != RVX_VIRT_PART_MODE_COMP)
		rvx_virt_part_demo_fault(v.part, v.cause);
	if (rc == 0 && v.next != RVX_PART_NEXT_CALL)
		f = apply(f, &v);
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_panic_frame("a trap from a lower EL outside a partition", 8, f);
	if (v.next == RVX_PART_NEXT_STOPPED && part_mode == RVX_VIRT_PART_MODE_COMP)
		rvx_virt_comp_stopped(v.part);
	if (v.next == RVX_PART_NEXT_CALL)
		return guest_call(task, f, &v);
	return f;
}

/* ---- set-up and teardown (part_setup.c has the board's layout; kernel lock held) ---- */

#ifdef RVX_VIRT_COHERENCE
/* The coherence engine lib/part runs at each epoch close (rvx.coherence=on). */
static struct rvx_part_coh coh;
#endif

int rvx_virt_part_init(const struct rvx_part_config *cfg)
{
	int rc = rvx_part_init(&rvx_virt_pl, cfg, &arch_ops, &kernel_ops, NULL, task_table,
			       RVX_KERNEL_TASKS);

#ifdef RVX_VIRT_COHERENCE
	if (rc == 0 && rvx_virt_bootarg("rvx.coherence=on")) {
		struct rvx_coh_config cc;
		/* The engine's parts: the NUMA nodes when there are several. */
		uint32_t k = cfg->node_count > 1u ? cfg->node_count : cfg->cpu_count;

		/* Defaults (50 us a close on the port's clock), no hold beyond 2 epochs. */
		rvx_coh_config_default(&cc, k);
		cc.hold_epochs = 2;
		rc = rvx_part_coherence_attach(&rvx_virt_pl, &coh, &cc);
		if (rc == 0 && cfg->node_count > 1u)
			rvx_a64_printf("RVX-COHERENCE on cpus=%u nodes=%u budget_ns=%lu\n",
					cfg->cpu_count, k, cc.budget_ns);
		else if (rc == 0)
			rvx_a64_printf("RVX-COHERENCE on cpus=%u budget_ns=%lu\n", cfg->cpu_count,
					cc.budget_ns);
	}
#endif
	return rc;
}

void rvx_virt_part_set_mode(uint32_t mode)
{
	part_mode = mode;
}

int rvx_virt_part_teardown(uint32_t cpu)
{
	int rc = rvx_part_teardown_check(&rvx_virt_pl, cpu);

	if (rc != 0)
		return rc; /* nothing changed (-RVX_EBUSY: try again) */
#ifdef RVX_VIRT_COHERENCE
	if (rvx_virt_pl.coh != NULL)
		rvx_a64_printf("RVX-COHERENCE closes=%lu rebuilds=%lu budget_exceeded=%lu "
				"migrations=%lu deferred=%lu score_failures=%lu\n",
				coh.closes, coh.rebuilds, coh.budget_exceeded, coh.migrations,
				coh.deferred, coh.score_failures);
#endif
	rc = rvx_part_teardown(&rvx_virt_pl, cpu);
	/* Every epoch's traffic, the teardown's last one included. */
	if (rvx_virt_pl.cfg.node_count > 1u) {
		const struct rvx_part_traffic_record *t = &rvx_virt_pl.traffic_total;

		rvx_a64_printf("RVX-TRAFFIC epochs=%lu bytes=%lu messages=%lu cross_cpu_bytes=%lu "
				"cross_node_bytes=%lu cross_node_messages=%lu\n",
				rvx_virt_pl.traffic_epochs, t->bytes, t->messages,
				t->cross_cpu_bytes, t->cross_node_bytes, t->cross_node_messages);
	}

	part_mode = 0;
	return rc;
}

const struct rvx_stage2 *rvx_virt_part_s2(uint32_t part)
{
	return &s2[part];
}

void rvx_virt_part_set_pool(uint32_t part, void *pages, uint32_t count)
{
	pools[part] = pages;
	pool_pages[part] = count;
}
