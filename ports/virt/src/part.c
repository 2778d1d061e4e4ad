/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The architecture mechanism under lib/part on the virt image: EL1 state
 * save and load, stage-2 tables (lib/stage2) and VTTBR_EL2, decoding a trap
 * from EL1 (ESR_EL2, FAR_EL2), guest memory access and the kernel-side
 * operations lib/part asks for. The partition policy (construction journal,
 * reconstruction, recovery ladder, suspend and resume, isolation decisions,
 * witness records) is lib/part's; the programs are part_demo.c
 * (`-append rvx.partitions`) and part_bench.c (`rvx.partitions=bench`).
 *
 * A partition is a set of nucleus tasks that run at EL1 under one VMID and
 * one stage-2 address space. Partition tasks enter the kernel by HVC
 * (guest.h has the ABI); a switch to a task of another partition is a real
 * context switch: the exception frame (boot.S), the EL1 system registers
 * and VTTBR_EL2.
 *
 * TLB maintenance: none on a switch or a migration. Every partition has
 * its own VMID and EL1&0 translations are tagged with it; VMIDs are not
 * reused while this image runs, so entries another CPU still holds for a
 * partition that moved away stay correct. A stage-2 unmap or rebuild
 * invalidates the partition's VMID with TLBI VMALLS12E1IS (broadcast to
 * every CPU in the inner-shareable domain) and DSB ISH while its VTTBR is
 * loaded, so a partition running on another CPU loses the old translation
 * before the call returns: no IPI is needed for the shootdown.
 *
 * CPUs: partitions run on every CPU that came up. Per CPU: the EL2 controls
 * (set on the CPU's first partition switch), the frame of the trap being
 * decoded, the loaded stage-2 and EL1 state (lib/part's books). Kicks are
 * SGIs (the core's rvx_a64_gic_sgi()); a kicked CPU picks again at once.
 *
 * Locks: every call into lib/part, lib/stage2, the nucleus or the EL1
 * registers runs under the kernel lock (rvx_a64_rt_lock(), or held by
 * rt.c around the switch and the tick); the console lock nests inside it.
 */
#include <bearssl.h>

#include "ruvix/nucleus.h"
#include "ruvix/port.h"
#include "ruvix/stage2.h"
#include "part.h"

#define POOL_PAGES 16u

/* ESR_EL2 exception classes and fields this file decodes. */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fu
#define EC_HVC64 0x16u
#define EC_SMC64 0x17u
#define EC_SYSREG 0x18u
#define EC_IABT_LOWER 0x20u
#define EC_DABT_LOWER 0x24u
#define ESR_HVC_IMM_MASK 0xffffu
#define ESR_ISS_MASK 0x1ffffffu
#define ISS_DABT_WNR (1u << 6)
#define ISS_FSC_MASK 0x3fu
#define FSC_PERMISSION_MASK 0x3cu
#define FSC_PERMISSION 0x0cu

/* EL1 state that belongs to a task: what a switch saves and loads. */
struct el1_ctx {
	uint64_t sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, sp_el1, sp_el0, elr, spsr, esr,
		far, afsr0, afsr1, contextidr, tpidr_el1, tpidr_el0, tpidrro, cpacr, par, cntkctl,
		csselr;
};

extern char __guest_start[], __guest_end[], guest_vectors[];
void guest_entry(struct guest_boot *b, uint64_t role);

RVX_STAGE2_POOL_DEFINE(pool_a, POOL_PAGES);
RVX_STAGE2_POOL_DEFINE(pool_b, POOL_PAGES);

struct rvx_part rvx_virt_pl;
struct rvx_virt_progress rvx_virt_progress[RVX_VIRT_PARTS];
static struct rvx_part_task task_table[RVX_KERNEL_TASKS];
static struct rvx_stage2 s2[RVX_VIRT_PARTS];
static uint64_t (*const pools[RVX_VIRT_PARTS])[RVX_STAGE2_ENTRIES] = {pool_a, pool_b};
static uint64_t vttbr[RVX_VIRT_PARTS];
static alignas(4096) uint8_t ckpt_store[RVX_VIRT_PARTS][GUEST_MEM_SIZE];
static struct el1_ctx el1[RVX_KERNEL_TASKS];
static struct rvx_a64_frame *trap_frame[RVX_A64_MAX_CPUS]; /* the trap being decoded, per CPU */
static uint32_t cpu_ready[RVX_A64_MAX_CPUS]; /* EL2 controls for partitions set on this CPU */
static uint32_t kick_off;                    /* figures: wake-ups wait for the tick */
uint64_t rvx_virt_part_ran[RVX_A64_MAX_CPUS][RVX_VIRT_PARTS]; /* stage-2 loads per CPU */
static uint32_t part_mode;                /* 1 demo, 2 bench */
static uint32_t torn_down;                /* 1 once the partitions were torn down */
static uint64_t el1_loads_at_teardown;

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

/* ---- EL1 state ---- */

#define SAVE(reg, field) __asm__ volatile("mrs %0, " #reg : "=r"(c->field))
#define LOAD(reg, field) __asm__ volatile("msr " #reg ", %0" ::"r"(c->field))

static void el1_save(struct el1_ctx *c)
{
	SAVE(sctlr_el1, sctlr);
	SAVE(ttbr0_el1, ttbr0);
	SAVE(ttbr1_el1, ttbr1);
	SAVE(tcr_el1, tcr);
	SAVE(mair_el1, mair);
	SAVE(amair_el1, amair);
	SAVE(vbar_el1, vbar);
	SAVE(sp_el1, sp_el1);
	SAVE(sp_el0, sp_el0);
	SAVE(elr_el1, elr);
	SAVE(spsr_el1, spsr);
	SAVE(esr_el1, esr);
	SAVE(far_el1, far);
	SAVE(afsr0_el1, afsr0);
	SAVE(afsr1_el1, afsr1);
	SAVE(contextidr_el1, contextidr);
	SAVE(tpidr_el1, tpidr_el1);
	SAVE(tpidr_el0, tpidr_el0);
	SAVE(tpidrro_el0, tpidrro);
	SAVE(cpacr_el1, cpacr);
	SAVE(par_el1, par);
	SAVE(cntkctl_el1, cntkctl);
	SAVE(csselr_el1, csselr);
}

/* Load @p c over @p o, the state the registers hold now: only registers
 * whose values differ are written. Partitions share most of the EL1
 * configuration (MMU off, the same vectors), and on QEMU a write to a
 * translation control register flushes its software TLB, so skipping
 * unchanged registers is what keeps the switch short there; on hardware
 * it saves the writes' synchronisation. */
#define LOAD_CHANGED(reg, field)                                               \
	do {                                                                   \
		if (o == NULL || c->field != o->field)                         \
			LOAD(reg, field);                                      \
	} while (0)

static void el1_load(const struct el1_ctx *c, const struct el1_ctx *o)
{
	LOAD_CHANGED(sctlr_el1, sctlr);
	LOAD_CHANGED(ttbr0_el1, ttbr0);
	LOAD_CHANGED(ttbr1_el1, ttbr1);
	LOAD_CHANGED(tcr_el1, tcr);
	LOAD_CHANGED(mair_el1, mair);
	LOAD_CHANGED(amair_el1, amair);
	LOAD_CHANGED(vbar_el1, vbar);
	LOAD(sp_el1, sp_el1);
	LOAD(sp_el0, sp_el0);
	LOAD(elr_el1, elr);
	LOAD(spsr_el1, spsr);
	LOAD(esr_el1, esr);
	LOAD(far_el1, far);
	LOAD_CHANGED(afsr0_el1, afsr0);
	LOAD_CHANGED(afsr1_el1, afsr1);
	LOAD_CHANGED(contextidr_el1, contextidr);
	LOAD(tpidr_el1, tpidr_el1);
	LOAD(tpidr_el0, tpidr_el0);
	LOAD(tpidrro_el0, tpidrro);
	LOAD_CHANGED(cpacr_el1, cpacr);
	LOAD(par_el1, par);
	LOAD_CHANGED(cntkctl_el1, cntkctl);
	LOAD_CHANGED(csselr_el1, csselr);
}

void rvx_virt_part_el1_save(uint32_t task)
{
	el1_save(&el1[task]);
}

void rvx_virt_part_el1_load(uint32_t task, uint32_t prev)
{
	el1_load(&el1[task], prev < RVX_KERNEL_TASKS ? &el1[prev] : NULL);
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

/* A partition task's EL1 state at its (re)start: MMU off (HCR_EL2.DC makes
 * its accesses Normal write-back), the guest's vectors, its stack in the
 * partition's memory, FP/SIMD allowed, identities for the switch checks. */
static void a_cpu_reset(void *ctx, uint32_t task, uint32_t part, uint32_t slot)
{
	const struct rvx_part_partition *p = &rvx_virt_pl.parts[part];
	struct el1_ctx *c = &el1[task];

	(void)ctx;
	memset(c, 0, sizeof(*c));
	c->sctlr = UINT64_C(0x30d00800);
	c->vbar = (uint64_t)(uintptr_t)guest_vectors;
	c->sp_el1 = p->mem + GUEST_MEM_SIZE - (uint64_t)slot * GUEST_STACK_SIZE;
	c->spsr = 0x3c5u;
	c->cpacr = UINT64_C(3) << 20;
	c->contextidr = ((uint64_t)p->vmid << 8) | slot;
	c->tpidr_el1 = part;
	c->mair = UINT64_C(0xff44);
}

static void a_cpu_save(void *ctx, uint32_t task)
{
	(void)ctx;
	el1_save(&el1[task]);
}

static void a_cpu_load(void *ctx, uint32_t task, uint32_t prev)
{
	(void)ctx;
	el1_load(&el1[task], prev < RVX_KERNEL_TASKS ? &el1[prev] : NULL);
}

static void el2_setup(void);

static void a_vm_load(void *ctx, uint32_t cpu, uint32_t part)
{
	(void)ctx;
	/* A CPU's first partition: its EL2 controls (per-CPU registers). */
	if (__builtin_expect(!cpu_ready[cpu], 0)) {
		el2_setup();
		__asm__ volatile("msr vtcr_el2, %0\n\tisb" ::"r"(rvx_stage2_vtcr(&s2[0])));
		cpu_ready[cpu] = 1;
	}
	rvx_virt_part_ran[cpu][part]++;
	__asm__ volatile("msr vttbr_el2, %0" ::"r"(vttbr[part]));
}

static int a_s2_reset(void *ctx, uint32_t part, uint32_t vmid)
{
	struct rvx_stage2_config cfg = {.ipa_bits = 32, .pa_bits = 40,
					.start_level = RVX_STAGE2_START_AUTO,
					.vmid = (uint16_t)vmid};
	int rc;

	(void)ctx;
	if (part >= RVX_VIRT_PARTS)
		return -RVX_ENOMEM;
	rc = rvx_stage2_init(&s2[part], &cfg, pools[part], POOL_PAGES,
			     (uint64_t)(uintptr_t)pools[part]);
	if (rc == 0)
		vttbr[part] = rvx_stage2_vttbr(&s2[part]);
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
	int rc = rvx_stage2_map(&s2[part], m->ipa, m->ipa, m->size, m->perms, m->memtype);

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

/* Invalidate every stage 1+2 translation of @p part's VMID. */
static void a_s2_sync(void *ctx, uint32_t part)
{
	uint64_t cur;

	(void)ctx;
	__asm__ volatile("mrs %0, vttbr_el2" : "=r"(cur));
	__asm__ volatile("dsb ishst\n\tmsr vttbr_el2, %0\n\tisb\n\ttlbi vmalls12e1is\n\t"
			 "dsb ish\n\tisb\n\tmsr vttbr_el2, %1\n\tisb" ::"r"(vttbr[part]),
			 "r"(cur)
			 : "memory");
}

/* ESR_EL2 and FAR_EL2 into a trap lib/part understands; the HVC numbers
 * are guest.h's ABI. */
static void a_trap_decode(void *ctx, uint32_t cpu, struct rvx_part_trap *t)
{
	const struct rvx_a64_frame *f = trap_frame[cpu];
	uint64_t esr;
	uint32_t ec, iss;

	(void)ctx;
	__asm__ volatile("mrs %0, esr_el2" : "=r"(esr));
	ec = (uint32_t)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
	iss = (uint32_t)esr & ESR_ISS_MASK;
	/* Every field, without a memset: this runs on every trap. */
	t->kind = RVX_PART_TRAP_OTHER;
	t->nr = 0;
	t->x[0] = t->x[1] = t->x[2] = 0;
	t->addr = 0;
	t->syndrome = esr;
	t->write = t->permission = 0;
	t->reserved[0] = t->reserved[1] = t->reserved[2] = 0;
	t->reserved[3] = t->reserved[4] = t->reserved[5] = 0;
	switch (ec) {
	case EC_HVC64:
		switch (esr & ESR_HVC_IMM_MASK) {
		case GUEST_HVC_SYSCALL:
			t->kind = RVX_PART_TRAP_SYSCALL;
			t->nr = (uint32_t)f->x[0];
			t->x[0] = f->x[1];
			t->x[1] = f->x[2];
			break;
		case GUEST_HVC_YIELD:
			t->kind = RVX_PART_TRAP_YIELD;
			break;
		case GUEST_HVC_EXCEPTION:
			t->kind = RVX_PART_TRAP_EL1_EXCEPTION;
			t->addr = f->x[1];
			break;
		case GUEST_HVC_PRINT:
		case GUEST_HVC_REPORT:
		case GUEST_HVC_CHECK_STATE:
			t->kind = RVX_PART_TRAP_CALL;
			t->nr = (uint32_t)(esr & ESR_HVC_IMM_MASK);
			t->x[0] = f->x[0];
			t->x[1] = f->x[1];
			t->x[2] = f->x[2];
			break;
		default:
			break;
		}
		break;
	case EC_DABT_LOWER: /* stage 2 said no */
	case EC_IABT_LOWER:
		t->kind = RVX_PART_TRAP_ABORT;
		__asm__ volatile("mrs %0, far_el2" : "=r"(t->addr));
		t->write = ec == EC_DABT_LOWER && (iss & ISS_DABT_WNR) != 0;
		t->permission = ((iss & ISS_FSC_MASK) & FSC_PERMISSION_MASK) == FSC_PERMISSION;
		break;
	case EC_SYSREG:
		t->kind = RVX_PART_TRAP_SYSREG;
		break;
	case EC_SMC64:
		t->kind = RVX_PART_TRAP_SMC;
		break;
	default:
		break;
	}
}

/* Partition memory is identity-mapped in the kernel: IPA = PA = VA. */
static int a_guest_read(void *ctx, uint32_t part, uint64_t ipa, void *dst, size_t len)
{
	(void)ctx;
	(void)part;
	memcpy(dst, (const void *)(uintptr_t)ipa, len);
	return 0;
}

static int a_guest_write(void *ctx, uint32_t part, uint64_t ipa, const void *src, size_t len)
{
	(void)ctx;
	(void)part;
	memcpy((void *)(uintptr_t)ipa, src, len);
	return 0;
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
	return rvx_syscall(K(), task, nr, a, r);
}

/* The runtime drops an ended task's context; it never runs again. */
static int k_task_exit(void *ctx, uint32_t task, int32_t code)
{
	int rc = rvx_kernel_task_exit(K(), task, code);

	(void)ctx;
	if (rc == 0)
		rvx_a64_rt_restart(task);
	return rc;
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

static void digest(const void *mem, size_t len, uint8_t out[32])
{
	br_sha256_context sha;

	br_sha256_init(&sha);
	br_sha256_update(&sha, mem, len);
	br_sha256_out(&sha, out);
}

static int k_snapshot_save(void *ctx, uint32_t part, uint8_t d[32])
{
	(void)ctx;
	memcpy(ckpt_store[part], rvx_virt_part_boot(part), GUEST_MEM_SIZE);
	digest(ckpt_store[part], GUEST_MEM_SIZE, d);
	return 0;
}

static int k_snapshot_digest(void *ctx, uint32_t part, uint8_t d[32])
{
	(void)ctx;
	digest(ckpt_store[part], GUEST_MEM_SIZE, d);
	return 0;
}

static int k_snapshot_restore(void *ctx, uint32_t part, uint64_t off, uint64_t len)
{
	(void)ctx;
	if (off > GUEST_MEM_SIZE || len > GUEST_MEM_SIZE - off)
		return -RVX_EINVAL;
	memcpy((uint8_t *)rvx_virt_part_boot(part) + off, ckpt_store[part] + off, len);
	rvx_virt_part_demo_restored(part, off, len);
	return 0;
}

static int k_snapshot_compare(void *ctx, uint32_t part, uint64_t off, uint64_t len)
{
	(void)ctx;
	if (off > GUEST_MEM_SIZE || len > GUEST_MEM_SIZE - off)
		return 1;
	return memcmp((const uint8_t *)rvx_virt_part_boot(part) + off, ckpt_store[part] + off,
		      len) != 0;
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
	.cpu_reset = a_cpu_reset, .cpu_save = a_cpu_save, .cpu_load = a_cpu_load,
	.vm_load = a_vm_load, .s2_reset = a_s2_reset, .s2_map = a_s2_map,
	.s2_unmap = a_s2_unmap, .s2_sync = a_s2_sync, .trap_decode = a_trap_decode,
	.guest_read = a_guest_read, .guest_write = a_guest_write, .kick = a_kick,
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

static const struct rvx_part_kernel_ops kernel_ops = {
	.queue_traffic = k_queue_traffic,
	.syscall = k_syscall, .task_exit = k_task_exit, .task_restart = k_task_restart,
	.hold_task = k_hold_task, .release_task = k_release_task,
	.task_migrate_check = k_task_migrate_check, .task_migrate = k_task_migrate,
	.caps_digest = k_caps_digest, .cap_object = k_cap_object, .record = k_record,
	.snapshot_save = k_snapshot_save, .snapshot_digest = k_snapshot_digest,
	.snapshot_restore = k_snapshot_restore, .snapshot_compare = k_snapshot_compare,
	.handle_out = k_handle_out, .reboot = k_reboot, .now = k_now, .trace = k_trace,
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
	nf->elr = (uint64_t)(uintptr_t)guest_entry;
	nf->spsr = 0x3c5u; /* EL1h, DAIF masked at EL1 (EL2 still takes its IRQs) */
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
	if (part_mode != 0)
		(void)rvx_part_tick(&rvx_virt_pl, now);
}

bool rvx_virt_part_mode(void)
{
	return part_mode != 0;
}

/* ---- the trap path ---- */

static bool guest_range(uint32_t part, uint64_t a, uint64_t n)
{
	const struct rvx_part_partition *p = &rvx_virt_pl.parts[part];
	uint64_t t = (uint64_t)(uintptr_t)__guest_start, te = (uint64_t)(uintptr_t)__guest_end;

	return (a >= p->mem && n <= p->mem_size && a - p->mem <= p->mem_size - n) ||
	       (a >= t && n <= te - t && a - t <= te - t - n);
}

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
	case RVX_PART_NEXT_HALTED: return rvx_a64_rt_trap_switch_locked(f, RVX_A64_TRAP_EXITED);
	default: return rvx_a64_rt_trap_switch_locked(f, RVX_A64_TRAP_YIELD);
	}
}

static struct rvx_a64_frame *apply_unlocked(struct rvx_a64_frame *f,
					    const struct rvx_part_verdict *v)
{
	uint64_t daif = rvx_a64_rt_lock();

	f = apply(f, v);
	rvx_a64_rt_unlock(daif);
	return f;
}

/* guest.h's own calls: a console line, a progress report, the state check. */
static struct rvx_a64_frame *guest_call(uint32_t task, struct rvx_a64_frame *f,
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
		/* The prober has tried everything: stopped for good. */
		daif = rvx_a64_rt_lock();
		rc = rvx_part_task_end(&rvx_virt_pl, task, 0);
		rvx_a64_rt_unlock(daif);
		if (rc != 0)
			rvx_a64_fail("ending a partition task", rc);
		return rvx_a64_rt_trap_switch(f, RVX_A64_TRAP_EXITED);
	default: /* GUEST_HVC_CHECK_STATE */
		daif = rvx_a64_rt_lock();
		rc = rvx_part_region_check(&rvx_virt_pl, task, GUEST_STATE_REGION, GUEST_STATE_OFF,
					   GUEST_STATE_SIZE, &cv);
		rvx_a64_rt_unlock(daif);
		if (rc != 0)
			rvx_a64_fail("checking a partition's state region", rc);
		return apply_unlocked(f, &cv);
	}
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
	if (part_mode == 0) {
		/* A task the teardown ended while it ran on another CPU traps
		 * once more on its way out (the teardown cannot stop another
		 * CPU mid-instruction): it is dropped, never resumed. Read
		 * under the lock the teardown holds. */
		if (!torn_down) {
			rvx_a64_rt_unlock(daif);
			rvx_a64_panic_frame("a trap from a lower EL outside a partition", 8, f);
		}
		f = rvx_a64_rt_trap_switch_locked(f, RVX_A64_TRAP_EXITED);
		rvx_a64_rt_unlock(daif);
		return f;
	}
	trap_frame[cpu] = f;
	rc = rvx_part_trap(&rvx_virt_pl, cpu, task, &v);
	if (rc == 0 && v.cause != RVX_PART_CAUSE_NONE)
		rvx_virt_part_demo_fault(v.part, v.cause);
	if (rc == 0 && v.next != RVX_PART_NEXT_CALL)
		f = apply(f, &v);
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_panic_frame("a trap from a lower EL outside a partition", 8, f);
	if (v.next == RVX_PART_NEXT_CALL)
		return guest_call(task, f, &v);
	return f;
}

/* ---- set-up ---- */

/* Read the partition's stage 2 back: the kernel's image is unmapped but for
 * .guest (read + execute, never write), its memory is read + write (never
 * execute), the other partitions' memory is unmapped. */
static void s2_audit(uint32_t part)
{
	const struct rvx_part *pl = &rvx_virt_pl;
	uint64_t img = (uint64_t)(uintptr_t)__image_start, end = (uint64_t)(uintptr_t)__image_end;
	uint64_t g0 = (uint64_t)(uintptr_t)__guest_start, g1 = (uint64_t)(uintptr_t)__guest_end;
	uint64_t mem = pl->parts[part].mem;
	struct rvx_stage2_mapping m;
	uint32_t kernel_pages = 0, guest_pages = 0, bad = 0;

	for (uint64_t a = img; a < end; a += 4096u) {
		int rc = rvx_stage2_lookup(&s2[part], a, &m);

		if (a >= g0 && a < g1) {
			guest_pages++;
			bad += rc != 0 || m.perms != (RVX_STAGE2_R | RVX_STAGE2_X);
		} else {
			kernel_pages++;
			bad += rc != -RVX_ENOENT;
		}
	}
	for (uint64_t a = mem; a < mem + GUEST_MEM_SIZE; a += 4096u)
		bad += rvx_stage2_lookup(&s2[part], a, &m) != 0 ||
		       m.perms != (RVX_STAGE2_R | RVX_STAGE2_W);
	for (uint32_t i = 0; i < pl->part_count; i++)
		if (i != part)
			for (uint64_t a = pl->parts[i].mem; a < pl->parts[i].mem + GUEST_MEM_SIZE;
			     a += 4096u)
				bad += rvx_stage2_lookup(&s2[part], a, &m) != -RVX_ENOENT;
	rvx_a64_printf("RVX-S2 part=%c image pages: %u unmapped (kernel), %u guest text R-X; "
			"own memory %u pages RW-; %s\n",
			(char)('A' + part), kernel_pages, guest_pages, GUEST_MEM_SIZE / 4096u,
			bad == 0 ? "as intended" : "WRONG");
	if (bad != 0)
		rvx_a64_fail("a partition's stage-2 tables map more than they should", -RVX_EINVAL);
}

/* EL2 controls for partitions: stage 2 on (VM), Normal cacheable accesses
 * with the EL1 MMU off (DC), SMC trapped (TSC), physical interrupts to EL2
 * (IMO/FMO/AMO, set at boot), EL1 AArch64 (RW), set/way cache maintenance
 * (TSW) and implementation-defined registers (TIDCP) trapped: a partition
 * must not clean or invalidate lines that hold another's data. The PMU and
 * the debug registers are shared and not switched: EL1 accesses trap
 * (TPMCR, TPM, TDA, TDOSA, TDRA). EL1 may read the physical counter, not
 * program the EL1 timer. */
static void el2_setup(void)
{
	uint64_t hcr, mdcr;

	__asm__ volatile("mrs %0, hcr_el2" : "=r"(hcr));
	hcr |= (UINT64_C(1) << 0) | (UINT64_C(1) << 12) | (UINT64_C(1) << 19) |
	       (UINT64_C(1) << 20) | (UINT64_C(1) << 22) | (UINT64_C(1) << 31);
	__asm__ volatile("mrs %0, mdcr_el2" : "=r"(mdcr));
	mdcr |= (UINT64_C(1) << 5) | (UINT64_C(1) << 6) | (UINT64_C(1) << 9) | (UINT64_C(1) << 10) |
		(UINT64_C(1) << 11);
	__asm__ volatile("msr hcr_el2, %0\n\tmsr cnthctl_el2, %1\n\tmsr mdcr_el2, %2\n\tisb"
			 ::"r"(hcr), "r"(UINT64_C(1)), "r"(mdcr)
			 : "memory");
}

static void setup(uint32_t mode)
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	struct rvx_part_config cfg;
	uint64_t t = (uint64_t)(uintptr_t)__guest_start, daif;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.cpu_count = rvx_a64_cpus_up();
	/* Failures within 50 ms count together: two task restarts, then a
	 * reconstruction, then roll back. (The probers space their attempts
	 * wider than that, so each of theirs is a first failure.) */
	cfg.policy.window = RVX_VIRT_WINDOW_NS;
	cfg.policy.restart_limit = 2;
	cfg.policy.reconstruct_limit = 1;
	cfg.epoch_ns = 100u * RVX_VIRT_MS;
	cfg.text_base = t;
	cfg.text_size = (uint64_t)(uintptr_t)__guest_end - t;
	cfg.text_perms = RVX_STAGE2_R | RVX_STAGE2_X;
	cfg.mem_perms = RVX_STAGE2_R | RVX_STAGE2_W;
	cfg.normal_memtype = RVX_STAGE2_NORMAL_WB;
	cfg.device_memtype = RVX_STAGE2_DEVICE;
	cfg.device_perms = RVX_STAGE2_R | RVX_STAGE2_W;
	cfg.region_where = (uint16_t)offsetof(struct guest_boot, region);
	cfg.spawn_cap = rvx_virt_root_caps()->task.raw;
	cfg.kernel_base = b->mem.base;
	cfg.kernel_size = b->mem.size;
	cfg.device_count = 3;
	cfg.devices[0] = (struct rvx_part_device){RVX_VIRT_DEV_UART, 0, b->uart.base, 4096};
	cfg.devices[1] = (struct rvx_part_device){RVX_VIRT_DEV_GICD, 0, b->gicd.base, b->gicd.size};
	cfg.devices[2] = (struct rvx_part_device){RVX_VIRT_DEV_GICC, 0, b->gicc.base, b->gicc.size};
	daif = rvx_a64_rt_lock();
	rc = rvx_part_init(&rvx_virt_pl, &cfg, &arch_ops, &kernel_ops, NULL, task_table,
			   RVX_KERNEL_TASKS);
	for (uint32_t i = 0; rc == 0 && i < RVX_VIRT_PARTS; i++) {
		uint64_t mem = (uint64_t)(uintptr_t)rvx_a64_alloc(GUEST_MEM_SIZE, GUEST_MEM_SIZE);
		uint32_t index;

		if (mem == 0)
			rvx_a64_fail("memory for a partition", -RVX_ENOMEM);
		memset((void *)(uintptr_t)mem, 0, GUEST_MEM_SIZE);
		rvx_a64_printf("RVX-ACT partition-create part=%c vmid=%u mem=0x%lx+0x%x\n",
				(char)('A' + i), i + 1u, mem, GUEST_MEM_SIZE);
		rc = rvx_part_create(&rvx_virt_pl, i + 1u, mem, GUEST_MEM_SIZE, &index);
	}
	part_mode = mode;
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("creating the partitions", rc);
	for (uint32_t i = 0; i < RVX_VIRT_PARTS; i++)
		s2_audit(i);
	/* Every partition has the same IPA and PA sizes: one VTCR_EL2, set with
	 * the other EL2 controls on each CPU's first partition switch. */
	if (rvx_stage2_vtcr(&s2[1]) != rvx_stage2_vtcr(&s2[0]))
		rvx_a64_fail("partitions with different VTCR_EL2", -RVX_EINVAL);
}

void rvx_virt_part_main(uint32_t mode)
{
	static const char *const names[] = {"demo", "bench", "smp", "smp-shared"};
	uint64_t daif;
	int rc;

	rvx_a64_printf("RVX-PARTITIONS %s: 2 partitions at EL1 under stage 2, syscalls by HVC, "
			"%u CPU(s)\n",
			names[mode % 4u], rvx_a64_cpus_up());
	setup(mode == RVX_VIRT_PART_BENCH ? 2u : 1u);
	if (mode == RVX_VIRT_PART_BENCH)
		rvx_virt_part_bench();
	else
		rvx_virt_part_demo(mode);
	/* Their tasks are parked in long waits by now and never run again. */
	daif = rvx_a64_rt_lock();
	rc = rvx_part_teardown(&rvx_virt_pl, rvx_a64_cpu_index());
	part_mode = 0;
	torn_down = 1;
	el1_loads_at_teardown = rvx_virt_pl.cpu_loads;
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("tearing the partitions down", rc);
	/* Nothing of the partitions runs any more: a while for the proof. */
	rvx_virt_part_sleep_ms(20);
	rvx_a64_printf("RVX-PARTITIONS done: %lu EL1 loads after the teardown\n",
			rvx_virt_pl.cpu_loads - el1_loads_at_teardown);
}
