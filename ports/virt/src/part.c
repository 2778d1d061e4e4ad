/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Partitions (coherence domains) on the virt image: `-append rvx.partitions`
 * (the demo: two partitions talking over CommEdges, a device lease, every
 * isolation attempt, the recovery ladder) or `-append rvx.partitions=bench`
 * (the switch and trap figures).
 *
 * A partition is a set of nucleus tasks that run at EL1 under one VMID and
 * one stage-2 address space (lib/stage2), with its own capability root (the
 * tables of its tasks, filled only by what the root task grants), its own
 * queues and regions. lib/hyp keeps the partition objects, CommEdges,
 * DeviceLeases, switch accounting and the recovery ladder; every privileged
 * action it reports goes to the witness log through
 * rvx_kernel_port_record(). Partition tasks enter the kernel by HVC
 * (guest.h has the ABI) and reach the same rvx_syscall() dispatcher as the
 * kernel's own tasks; they are scheduled by the nucleus like every task,
 * and a switch to a task of another partition is a real context switch:
 * the exception frame (general and FP/SIMD registers, boot.S), the EL1
 * system registers and VTTBR_EL2.
 *
 * TLB maintenance: none on a switch. Every partition has its own VMID and
 * EL1&0 translations are tagged with it, so entries of one partition never
 * match in another; VMIDs are not reused while this image runs. A stage-2
 * unmap (a lease that ends) or a rebuild (reconstruction) invalidates the
 * partition's VMID with TLBI VMALLS12E1IS while its VTTBR is loaded.
 *
 * One CPU: the partition mode runs everything on CPU 0 (secondaries stay
 * off), so the lazy EL1 state below is per image, not per CPU.
 *
 * Locks: everything here that touches lib/hyp, lib/stage2, the nucleus or
 * the EL1 registers runs under the kernel lock (rvx_a64_rt_lock(), or
 * held by rt.c around the switch and the tick); the console lock nests
 * inside it, as virt.h orders them.
 */
#include <bearssl.h>

#include "ruvix/hyp.h"
#include "ruvix/nucleus.h"
#include "ruvix/port.h"
#include "ruvix/stage2.h"
#include "guest.h"
#include "virt.h"

#define PARTS 2u
#define POOL_PAGES 16u
#define NONE UINT32_MAX
#define MS UINT64_C(1000000)
/* The UART lease: long enough for the talker to reach it on a slow host. */
#define LEASE_NS (200u * MS)
#define DEV_UART 1u
#define PINGS 20u
/* A switch epoch: its switches are summarised in one record. */
#define EPOCH_NS (100u * MS)
/* The recovery policy's failure window. */
#define WINDOW_NS (50u * MS)
/* Witness kind of the hyp events without a named kind (edges). */
#define KIND_EDGE_BASE RVX_HYP_WITNESS_KIND_BASE
/* Witness kind of a partition checkpoint (args: SHA-256 of its memory). */
#define KIND_CHECKPOINT (RVX_WITNESS_KIND_USER + 0x200u)
/* Witness kind of a partition's rebuild from its construction journal
 * (args: tasks ended, tasks spawned, regions mapped, grants re-made,
 * grants withdrawn, messages drained; u32 each). */
#define KIND_REBUILD (RVX_WITNESS_KIND_USER + 0x201u)
/* Exit code recorded for a task ended by its partition's reconstruction. */
#define EXIT_RECONSTRUCT 2
/* Entries of a partition's construction journal. */
#define JOURNAL_MAX 16u
/* Capabilities a spawn entry hands over at most. */
#define JCAPS 5u
/* "No boot-block field". */
#define NOFIELD UINT16_MAX
/* The boot-block field @p f (offset). */
#define FIELD(f) ((uint16_t)offsetof(struct guest_boot, f))

/* Causes recorded in FAULT records (the port's own codes). */
enum cause {
	CAUSE_OTHER_PARTITION = 1, /* stage-2 fault on another partition's memory */
	CAUSE_KERNEL_MEMORY = 2,   /* stage-2 fault on the kernel's memory */
	CAUSE_NO_LEASE = 3,        /* a device the partition holds no lease for */
	CAUSE_LEASE_ENDED = 4,     /* a device whose lease has ended */
	CAUSE_CAPABILITY = 5,      /* a syscall refused by the capability check */
	CAUSE_BAD_POINTER = 6,     /* a syscall pointer outside the partition's memory */
	CAUSE_UNMAPPED = 7,        /* stage-2 fault on an address nobody owns */
	CAUSE_EL1_EXCEPTION = 8,   /* an exception the partition took at EL1 */
	CAUSE_TRAP = 9,            /* another trapped instruction (SMC...) */
	CAUSE_PERMISSION = 10,     /* stage-2 permission fault (a write to the text) */
	CAUSE_STATE_REGION = 11,   /* the state region differs from the checkpoint */
	CAUSE_SYSREG = 12,         /* a trapped system register (PMU, debug, cache by set/way) */
	CAUSE_SMC = 13,            /* a secure monitor call (PSCI: power off, CPU on) */
	CAUSE_COUNT
};

static const char *const cause_names[CAUSE_COUNT] = {
	"?", "other-partition-memory", "kernel-memory", "device-without-lease",
	"device-lease-ended", "capability", "bad-pointer", "unmapped", "el1-exception",
	"trapped-instruction", "permission", "state-region", "system-register", "smc",
};

/* EL1 state that belongs to a task: what a switch saves and loads. */
struct el1_ctx {
	uint64_t sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, sp_el1, sp_el0, elr, spsr, esr,
		far, afsr0, afsr1, contextidr, tpidr_el1, tpidr_el0, tpidrro, cpacr, par, cntkctl,
		csselr;
};

/* One stage-2 mapping: the partition's mapping journal, replayed when the
 * partition is reconstructed. */
struct s2map {
	uint64_t ipa, size;
	uint32_t perms, memtype, live, lease;
};

/* One privileged set-up action the kernel performed for a partition (its
 * construction journal), replayed in order when the partition is
 * reconstructed:
 * - SPAWN: the root spawned a task into slot `slot` with `role` and the
 *   capabilities `x` (the root's handles and the rights handed over); the
 *   child's handles (`child`) are written into the boot block at `field`.
 * - REGION: the task in `slot` mapped a region by trap (RegionMap with
 *   its capability `cap_index` of the spawn, `policy`, `size`, `slab`);
 *   the handle goes into the boot block at `field[0]`.
 * - GRANT: a task of another partition (`from_part`, `from_task`) granted
 *   the task in `slot` a capability (its handle `from_cap`, `rights`,
 *   `badge`) across partitions, on CommEdge `edge`; the handle goes into
 *   the boot block at `field[0]`.
 * `live` is 0 once the entry no longer describes the partition (its task
 * ended for good, its grant was withdrawn). */
enum jkind { J_SPAWN = 1, J_REGION = 2, J_GRANT = 3 };

struct jentry {
	uint32_t kind;
	uint32_t live;
	uint32_t slot;
	uint32_t role;
	uint32_t nx;
	uint32_t cap_index;
	struct rvx_syscall_capxfer x[JCAPS];
	uint16_t field[JCAPS];
	uint64_t child[JCAPS];
	uint32_t from_part, from_task;
	uint32_t edge;
	uint32_t reserved;
	uint64_t from_cap, rights, badge;
	uint64_t policy, size, slab;
	uint64_t handle; /* REGION / GRANT: the handle the task holds now */
};

struct vpart {
	rvx_handle_t h;
	uint32_t index;
	uint16_t vmid;
	struct rvx_stage2 s2;
	uint64_t (*pool)[RVX_STAGE2_ENTRIES];
	uint64_t mem;
	uint64_t vttbr;
	uint32_t tasks[GUEST_TASKS];
	uint32_t roles[GUEST_TASKS];
	uint8_t alive[GUEST_TASKS]; /* 0 once the task was ended */
	uint32_t ntasks;
	struct s2map maps[8];
	uint32_t nmaps;
	uint32_t has_ckpt;
	uint8_t ckpt_digest[32];
	uint32_t lease_ended;
	rvx_handle_t lease;
	uint64_t reports[16];
	uint64_t report_val[16];
	uint32_t suspended;
	uint32_t held[GUEST_TASKS]; /* tasks the runtime keeps blocked while suspended */
	uint32_t nheld;
	uint32_t faults;
	uint32_t reconstructs;
	uint32_t rollbacks;
	uint32_t restarts;
	uint32_t cause_seen[CAUSE_COUNT];
	struct jentry journal[JOURNAL_MAX]; /* the construction journal */
	uint32_t njournal;
	uint32_t journal_lost;  /* an action did not fit: no faithful rebuild */
	uint32_t regrant;       /* grants to re-make once it is back in service */
	uint32_t rb_ended, rb_spawned, rb_regions, rb_grants, rb_withdrawn, rb_drained;
	uint8_t other_caps[PARTS][32]; /* the other partitions' capabilities before */
	uint64_t stale[JOURNAL_MAX];   /* handles the ended tasks held (for the demo) */
	uint32_t nstale;
	uint32_t stale_refused;
};

/* A queue that carries a CommEdge, and who may send on it with which handle. */
struct vedge {
	rvx_handle_t h;
	uint32_t live;
	uint32_t nsend;
	struct {
		uint32_t task;
		uint64_t cap;
		uint32_t part;
	} send[4];
	uint32_t from;       /* the partition at its `a` end */
	uint32_t grant_task; /* a task whose handle may be granted onwards */
	uint64_t grant_cap;
	uint16_t grant_field; /* where the receiver keeps a granted handle (boot block) */
	uint64_t root_cap;    /* the root's handle on the queue (READ|WRITE|GRANT) */
};

extern char __guest_start[], __guest_end[], guest_vectors[];
void guest_entry(struct guest_boot *b, uint64_t role);

RVX_STAGE2_POOL_DEFINE(pool_a, POOL_PAGES);
RVX_STAGE2_POOL_DEFINE(pool_b, POOL_PAGES);
RVX_HYP_DEFINE(hyp, 4, 8);

static struct vpart parts[PARTS];
static struct vedge edges[4];
static alignas(4096) uint8_t ckpt_store[PARTS][GUEST_MEM_SIZE];
static struct el1_ctx el1[RVX_KERNEL_TASKS];
static uint8_t task_part[RVX_KERNEL_TASKS]; /* partition index + 1, 0: a kernel task */
static uint8_t task_slot[RVX_KERNEL_TASKS];
static uint32_t loaded_task = NONE; /* whose EL1 state the registers hold */
static uint32_t loaded_part = NONE; /* whose VTTBR_EL2 is loaded */
static uint32_t part_mode;          /* 1 demo, 2 bench */
static uint32_t inject_left;        /* crashes still to inject into partition B */
static uint32_t hyp_ready;
static uint64_t switches_el1;       /* EL1 contexts loaded */
static uint64_t switches_vm;        /* VTTBR_EL2 changes */
static uint64_t epoch_started;      /* when the open switch epoch began */
static uint64_t el1_loads_at_teardown;

static void end_task(struct vpart *p, uint32_t slot, int32_t code);
static uint32_t spawn_slot(struct vpart *p, uint32_t slot, struct jentry *j, uint32_t index);
static void args_init(struct rvx_syscall_args *a);
static void grant_witness(const struct vpart *p, const struct vpart *q, uint32_t dest,
			  uint64_t handle, uint64_t rights);

static struct rvx_kernel *K(void)
{
	return rvx_virt_kernel();
}

static uint64_t now_ns(void)
{
	return rvx_port_time_real_ns();
}

static char pname(const struct vpart *p)
{
	return (char)('A' + p->index);
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

/* A partition task's EL1 state at its (re)start: MMU off (HCR_EL2.DC makes
 * its accesses Normal write-back), the guest's vectors, its stack in the
 * partition's memory, FP/SIMD allowed, identities for the switch checks. */
static void el1_initial(struct el1_ctx *c, const struct vpart *p, uint32_t slot)
{
	memset(c, 0, sizeof(*c));
	c->sctlr = UINT64_C(0x30d00800);
	c->vbar = (uint64_t)(uintptr_t)guest_vectors;
	c->sp_el1 = p->mem + GUEST_MEM_SIZE - (uint64_t)slot * GUEST_STACK_SIZE;
	c->spsr = 0x3c5u;
	c->cpacr = UINT64_C(3) << 20;
	c->contextidr = ((uint64_t)p->vmid << 8) | slot;
	c->tpidr_el1 = p->index;
	c->mair = UINT64_C(0xff44);
}

/* ---- the witness sink of lib/hyp ---- */

static uint16_t event_kind(uint16_t kind)
{
	switch (kind) {
	case RVX_HYP_EV_PART_CREATE: return RVX_WITNESS_PARTITION_CREATE;
	case RVX_HYP_EV_PART_DESTROY: return RVX_WITNESS_PARTITION_DESTROY;
	case RVX_HYP_EV_PART_SUSPEND: return RVX_WITNESS_PARTITION_SUSPEND;
	case RVX_HYP_EV_PART_RESUME: return RVX_WITNESS_PARTITION_RESUME;
	case RVX_HYP_EV_LEASE_GRANT: return RVX_WITNESS_LEASE_GRANT;
	case RVX_HYP_EV_LEASE_EXPIRE: return RVX_WITNESS_LEASE_EXPIRE;
	case RVX_HYP_EV_LEASE_REVOKE: return RVX_WITNESS_LEASE_REVOKE;
	case RVX_HYP_EV_CAP_GRANT: return RVX_WITNESS_PARTITION_CAP_GRANT;
	case RVX_HYP_EV_FAULT: return RVX_WITNESS_FAULT;
	case RVX_HYP_EV_RECOVERY: return RVX_WITNESS_RECOVERY;
	case RVX_HYP_EV_EPOCH_SUMMARY: return RVX_WITNESS_SWITCH_SUMMARY;
	default: return (uint16_t)(KIND_EDGE_BASE + kind);
	}
}

/* Every event becomes one record (actor = partition index, target = the
 * object's handle, arguments = the event's canonical bytes with its time).
 * The journal has room for the run; a record that cannot be written stops
 * the image, since the log must not have a gap. */
static void hyp_emit(void *ctx, const struct rvx_hyp_event *ev)
{
	uint8_t args[8 + RVX_HYP_EVENT_ARGS_MAX];
	int rc;

	(void)ctx;
	memcpy(args, &ev->time, 8);
	memcpy(args + 8, ev->args, ev->args_len);
	rc = rvx_kernel_port_record(K(), event_kind(ev->kind), ev->partition, ev->target, args,
				    8u + ev->args_len);
	if (rc != 0)
		rvx_a64_fail("witnessing a privileged action", rc);
}

/* ---- stage 2 ---- */

static void s2_sync(void)
{
	__asm__ volatile("dsb ishst" ::: "memory");
}

/* Invalidate every stage 1+2 translation of @p p's VMID. */
static void s2_flush(const struct vpart *p)
{
	uint64_t cur;

	__asm__ volatile("mrs %0, vttbr_el2" : "=r"(cur));
	__asm__ volatile("dsb ishst\n\tmsr vttbr_el2, %0\n\tisb\n\ttlbi vmalls12e1is\n\t"
			 "dsb ish\n\tisb\n\tmsr vttbr_el2, %1\n\tisb" ::"r"(p->vttbr),
			 "r"(cur)
			 : "memory");
}

static int s2_map(struct vpart *p, uint64_t ipa, uint64_t size, uint32_t perms, uint32_t type,
		  uint32_t lease, bool journal)
{
	int rc = rvx_stage2_map(&p->s2, ipa, ipa, size, perms, type);

	if (rc == 0 && journal && p->nmaps < RVX_ARRAY_COUNT(p->maps))
		p->maps[p->nmaps++] = (struct s2map){ipa, size, perms, type, 1, lease};
	s2_sync();
	return rc;
}

static int s2_build(struct vpart *p)
{
	struct rvx_stage2_config cfg = {.ipa_bits = 32, .pa_bits = 40,
					.start_level = RVX_STAGE2_START_AUTO, .vmid = p->vmid};
	int rc = rvx_stage2_init(&p->s2, &cfg, p->pool, POOL_PAGES, (uint64_t)(uintptr_t)p->pool);

	if (rc != 0)
		return rc;
	p->vttbr = rvx_stage2_vttbr(&p->s2);
	return 0;
}

/* ---- memory checks for the trap path ---- */

static bool in_range(uint64_t a, uint64_t len, uint64_t base, uint64_t size)
{
	return a >= base && len <= size && a - base <= size - len;
}

static bool writable(const struct vpart *p, uint64_t a, uint64_t len)
{
	return in_range(a, len, p->mem, GUEST_MEM_SIZE);
}

static bool readable(const struct vpart *p, uint64_t a, uint64_t len)
{
	uint64_t t = (uint64_t)(uintptr_t)__guest_start;

	return writable(p, a, len) ||
	       in_range(a, len, t, (uint64_t)(uintptr_t)__guest_end - t);
}

static struct guest_boot *boot_block(const struct vpart *p)
{
	return (struct guest_boot *)(uintptr_t)p->mem;
}

/* ---- the switch (kernel lock held) ---- */

static void load_partition(struct vpart *p)
{
	int rc;

	__asm__ volatile("msr vttbr_el2, %0" ::"r"(p->vttbr));
	loaded_part = p->index;
	switches_vm++;
	rc = rvx_hyp_switch(&hyp, 0, p->h);
	if (rc != 0)
		rvx_a64_fail("running a partition that is not RUNNING", rc);
}

void rvx_a64_part_switch(uint32_t next)
{
	struct vpart *p;

	if (part_mode == 0 || next >= RVX_KERNEL_TASKS || task_part[next] == 0)
		return; /* a kernel task: the EL1 state stays loaded (lazy) */
	p = &parts[task_part[next] - 1u];
	if (loaded_part != p->index)
		load_partition(p);
	if (next == loaded_task)
		return;
	if (loaded_task != NONE) {
		el1_save(&el1[loaded_task]);
		el1_load(&el1[next], &el1[loaded_task]);
	} else {
		el1_load(&el1[next], NULL);
	}
	loaded_task = next;
	switches_el1++;
}

bool rvx_a64_part_task_init(uint32_t task, struct rvx_a64_frame *nf)
{
	struct vpart *p;
	uint32_t slot;

	if (part_mode == 0 || task >= RVX_KERNEL_TASKS || task_part[task] == 0)
		return false;
	p = &parts[task_part[task] - 1u];
	slot = task_slot[task];
	nf->elr = (uint64_t)(uintptr_t)guest_entry;
	nf->spsr = 0x3c5u; /* EL1h, DAIF masked at EL1 (EL2 still takes its IRQs) */
	nf->x[0] = p->mem;
	nf->x[1] = p->roles[slot];
	if (loaded_task == task)
		loaded_task = NONE; /* its registers are stale: load the fresh state */
	el1_initial(&el1[task], p, slot);
	return true;
}

/* ---- recovery ---- */

static void restart_task(uint32_t task)
{
	const struct vpart *p = &parts[task_part[task] - 1u];

	el1_initial(&el1[task], p, task_slot[task]);
	if (loaded_task == task)
		loaded_task = NONE;
	rvx_a64_rt_restart(task);
}

static void digest(const void *mem, size_t len, uint8_t out[32])
{
	br_sha256_context sha;

	br_sha256_init(&sha);
	br_sha256_update(&sha, mem, len);
	br_sha256_out(&sha, out);
}

/* The partition's checkpoint: a copy of its memory, whose SHA-256 goes
 * into the witness log (kernel lock held). */
static void checkpoint(struct vpart *p)
{
	int rc;

	memcpy(ckpt_store[p->index], (const void *)(uintptr_t)p->mem, GUEST_MEM_SIZE);
	digest(ckpt_store[p->index], GUEST_MEM_SIZE, p->ckpt_digest);
	p->has_ckpt = 1;
	rvx_a64_printf("RVX-ACT partition-checkpoint part=%c bytes=%u maps=%u sha256=%02x%02x%02x%02x...\n",
			pname(p), GUEST_MEM_SIZE, p->nmaps, p->ckpt_digest[0], p->ckpt_digest[1],
			p->ckpt_digest[2], p->ckpt_digest[3]);
	rc = rvx_kernel_port_record(K(), KIND_CHECKPOINT, p->index, p->h.raw, p->ckpt_digest,
				    sizeof(p->ckpt_digest));
	if (rc != 0)
		rvx_a64_fail("witnessing a partition checkpoint", rc);
}

/* ---- the construction journal ---- */

static struct jentry *journal_add(struct vpart *p, uint32_t kind, uint32_t slot)
{
	struct jentry *j;

	if (p->njournal >= JOURNAL_MAX) {
		p->journal_lost = 1; /* reconstruction would not be faithful: refused */
		return NULL;
	}
	j = &p->journal[p->njournal++];
	memset(j, 0, sizeof(*j));
	j->kind = kind;
	j->live = 1;
	j->slot = slot;
	j->edge = NONE;
	for (uint32_t i = 0; i < JCAPS; i++)
		j->field[i] = NOFIELD;
	return j;
}

static struct jentry *journal_spawn(struct vpart *p, uint32_t slot)
{
	for (uint32_t i = 0; i < p->njournal; i++)
		if (p->journal[i].kind == J_SPAWN && p->journal[i].live && p->journal[i].slot == slot)
			return &p->journal[i];
	return NULL;
}

/* The task in @p slot ended for good: what the journal says about it no
 * longer describes the partition. */
static void journal_retire(struct vpart *p, uint32_t slot)
{
	for (uint32_t i = 0; i < p->njournal; i++)
		if (p->journal[i].slot == slot)
			p->journal[i].live = 0;
}

static void boot_put(const struct vpart *p, uint16_t field, uint64_t v)
{
	if (field != NOFIELD && field + 8u <= sizeof(struct guest_boot))
		memcpy((uint8_t *)boot_block(p) + field, &v, 8);
}

/* SHA-256 over the capabilities of partition @p q's tasks: per live slot its
 * index, generation, object, epoch, type, rights, depth, badge and parent
 * (the derivation links to children in other tables are left out: a grant
 * from q into another partition adds a child there). */
static void caps_digest(const struct vpart *q, uint8_t out[32])
{
	const struct rvx_kernel *k = K();
	br_sha256_context sha;

	br_sha256_init(&sha);
	for (uint32_t i = 0; i < q->ntasks; i++) {
		uint32_t t = q->tasks[i];

		if (!q->alive[i])
			continue;
		for (uint32_t s = 0; s < RVX_KERNEL_SLOTS; s++) {
			const struct rvx_cap_slot *c = &k->cap_slots[(size_t)t * RVX_KERNEL_SLOTS + s];

			if (c->type == RVX_OBJ_NONE)
				continue;
			br_sha256_update(&sha, &t, 4);
			br_sha256_update(&sha, &s, 4);
			br_sha256_update(&sha, c, offsetof(struct rvx_cap_slot, first_child));
		}
	}
	br_sha256_out(&sha, out);
}

/* Drop the messages partition @p p produced that are still in flight: the
 * queues of the CommEdges whose sending end it is are emptied through the
 * root's capability. They come from an incarnation whose state the
 * reconstruction discards (and may carry its now stale handles); the
 * rebuilt partition sends again what its restored state says it must. */
static uint32_t drain_outbound(const struct vpart *p)
{
	uint32_t n = 0;

	for (uint32_t e = 0; e < RVX_ARRAY_COUNT(edges); e++) {
		uint32_t here = 0;

		if (!edges[e].live || edges[e].from != p->index || edges[e].root_cap == 0)
			continue;
		for (;;) {
			struct rvx_syscall_args a;
			struct rvx_syscall_result r;
			struct rvx_queue_msg_hdr h;
			uint8_t buf[64];

			args_init(&a);
			a.cap = edges[e].root_cap;
			a.out = (uint64_t)(uintptr_t)buf;
			a.out_len = sizeof(buf);
			a.aux = (uint64_t)(uintptr_t)&h;
			a.aux_len = sizeof(h);
			if (rvx_syscall(K(), 0, RVX_SYS_QUEUE_RECV, &a, &r) != 0)
				break; /* empty */
			here++;
		}
		rvx_a64_printf("RVX-RECON part=%c drained edge=%u messages=%u\n", pname(p), e, here);
		n += here;
	}
	return n;
}

/* Re-make a region the task in @p j->slot mapped by trap: RegionMap again,
 * by the task, with its fresh TASK capability. */
static void replay_region(struct vpart *p, struct jentry *j)
{
	const struct jentry *sp = journal_spawn(p, j->slot);
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc = -RVX_ENOENT;

	if (sp != NULL && j->cap_index < sp->nx) {
		args_init(&a);
		a.cap = sp->child[j->cap_index];
		a.arg[0] = j->policy;
		a.arg[1] = j->size;
		a.arg[2] = j->slab;
		rc = rvx_syscall(K(), p->tasks[j->slot], RVX_SYS_REGION_MAP, &a, &r);
	}
	if (rc != 0)
		rvx_a64_fail("re-mapping a reconstructed partition's region", rc);
	if (p->nstale < RVX_ARRAY_COUNT(p->stale))
		p->stale[p->nstale++] = j->handle;
	rvx_a64_printf("RVX-RECON part=%c region task=%u old=0x%lx new=0x%lx\n", pname(p),
			p->tasks[j->slot], j->handle, r.value[0]);
	j->handle = r.value[0];
	boot_put(p, j->field[0], j->handle);
	p->report_val[GUEST_REP_REGION] = j->handle;
	p->rb_regions++;
}

/* Re-make the grants other partitions made to @p p, in the grantor's name
 * and from the grantor's capability (so the derivation, and the grantor's
 * power to revoke, are what they were). A grantor that no longer holds the
 * capability has withdrawn it: the entry is retired. Runs once the
 * partition is back in service (lib/hyp refuses grants to a FAILED one). */
static void replay_grants(struct vpart *p)
{
	for (uint32_t i = 0; i < p->njournal; i++) {
		struct jentry *j = &p->journal[i];
		const struct vpart *from;
		struct rvx_syscall_args a;
		struct rvx_syscall_result r;
		uint32_t dest = p->tasks[j->slot];
		int rc;

		if (j->kind != J_GRANT || !j->live)
			continue;
		from = &parts[j->from_part];
		args_init(&a);
		a.cap = j->from_cap;
		a.arg[0] = dest;
		a.arg[1] = j->rights;
		a.arg[2] = j->badge;
		rc = rvx_syscall(K(), j->from_task, RVX_SYS_CAP_GRANT, &a, &r);
		if (rc != 0) {
			rvx_a64_printf("RVX-RECON part=%c grant from %c task=%u withdrawn (%s): "
					"not re-made\n",
					pname(p), pname(from), j->from_task, rvx_strerror(rc));
			j->live = 0;
			p->rb_withdrawn++;
			continue;
		}
		grant_witness(from, p, dest, r.value[0], j->rights);
		rvx_a64_printf("RVX-RECON part=%c regrant from=%c task=%u to task=%u old=0x%lx "
				"new=0x%lx\n",
				pname(p), pname(from), j->from_task, dest, j->handle, r.value[0]);
		if (p->nstale < RVX_ARRAY_COUNT(p->stale))
			p->stale[p->nstale++] = j->handle;
		if (j->edge != NONE) {
			struct vedge *e = &edges[j->edge];

			for (uint32_t s = 0; s < e->nsend; s++)
				if (e->send[s].part == p->index && e->send[s].cap == j->handle) {
					e->send[s].task = dest;
					e->send[s].cap = r.value[0];
				}
		}
		j->handle = r.value[0];
		boot_put(p, j->field[0], j->handle);
		p->rb_grants++;
	}
}

/* The rebuild's summary record, and the check that no other partition's
 * capabilities changed (kernel lock held). */
static void rebuild_done(struct vpart *p)
{
	uint32_t args[6] = {p->rb_ended, p->rb_spawned, p->rb_regions, p->rb_grants,
			    p->rb_withdrawn, p->rb_drained};
	int rc;

	for (uint32_t i = 0; i < PARTS; i++) {
		uint8_t d[32];

		if (i == p->index)
			continue;
		caps_digest(&parts[i], d);
		rvx_a64_printf("RVX-RECON part=%c other=%c capabilities %s (sha256 %02x%02x%02x%02x...)\n",
				pname(p), pname(&parts[i]),
				memcmp(d, p->other_caps[i], 32) == 0 ? "unchanged" : "CHANGED", d[0],
				d[1], d[2], d[3]);
	}
	rvx_a64_printf("RVX-ACT partition-rebuild part=%c ended=%u spawned=%u regions=%u grants=%u "
			"withdrawn=%u drained=%u\n",
			pname(p), args[0], args[1], args[2], args[3], args[4], args[5]);
	rc = rvx_kernel_port_record(K(), KIND_REBUILD, p->index, p->h.raw, args, sizeof(args));
	if (rc != 0)
		rvx_a64_fail("witnessing a partition rebuild", rc);
}

/* Rebuild the partition from its checkpoint plus its journals: stage-2
 * tables from scratch, replaying its mapping journal (mappings of ended
 * leases stay out); every task of the partition ended through the nucleus
 * (TASK_EXIT: its capabilities and everything derived from them go); the
 * messages it produced still in flight dropped; its memory restored from
 * the checkpoint; then its construction journal replayed: its tasks spawned
 * afresh with fresh capabilities (TASK_SPAWN), the regions they mapped
 * mapped again (REGION_MAP), the new handles written into its boot block.
 * The grants other partitions made to it are re-made by fault_and_recover()
 * once the partition is back in service. Everything that can refuse is
 * checked before anything changes. */
static bool reconstruct(struct vpart *p)
{
	uint8_t d[32];

	if (!p->has_ckpt || p->journal_lost)
		return false;
	/* Only the checkpoint the log witnessed is restored. */
	digest(ckpt_store[p->index], GUEST_MEM_SIZE, d);
	if (memcmp(d, p->ckpt_digest, sizeof(d)) != 0)
		return false;
	if (s2_build(p) != 0)
		return false;
	for (uint32_t i = 0; i < p->nmaps; i++) {
		const struct s2map *m = &p->maps[i];

		if (m->live && s2_map(p, m->ipa, m->size, m->perms, m->memtype, m->lease, false) != 0)
			return false;
	}
	s2_flush(p);
	for (uint32_t i = 0; i < PARTS; i++)
		if (i != p->index)
			caps_digest(&parts[i], p->other_caps[i]);
	p->rb_ended = p->rb_spawned = p->rb_regions = p->rb_grants = p->rb_withdrawn = 0;
	p->nstale = 0;
	/* Its kernel-side state goes: every live task ends. */
	for (uint32_t i = 0; i < p->ntasks; i++) {
		const struct jentry *j = journal_spawn(p, i);

		if (!p->alive[i])
			continue;
		rvx_a64_printf("RVX-RECON part=%c end task=%u handles=", pname(p), p->tasks[i]);
		for (uint32_t c = 0; j != NULL && c < j->nx; c++) {
			rvx_a64_printf("%s0x%lx", c ? "," : "", j->child[c]);
			if (p->nstale < RVX_ARRAY_COUNT(p->stale))
				p->stale[p->nstale++] = j->child[c];
		}
		rvx_a64_puts("\n");
		end_task(p, i, EXIT_RECONSTRUCT);
		p->rb_ended++;
	}
	p->rb_drained = drain_outbound(p);
	memcpy((void *)(uintptr_t)p->mem, ckpt_store[p->index], GUEST_MEM_SIZE);
	boot_block(p)->inject_crash = inject_left > 0;
	/* The construction journal, in order. */
	for (uint32_t i = 0; i < p->njournal; i++) {
		struct jentry *j = &p->journal[i];

		if (!j->live)
			continue;
		if (j->kind == J_SPAWN) {
			/* Its old index: that table's slots have moved on
			 * past every handle the ended task held. */
			uint32_t t = spawn_slot(p, j->slot, j, p->tasks[j->slot]);

			rvx_a64_printf("RVX-RECON part=%c spawn task=%u role=%u handles=", pname(p),
					t, j->role);
			for (uint32_t c = 0; c < j->nx; c++)
				rvx_a64_printf("%s0x%lx", c ? "," : "", j->child[c]);
			rvx_a64_puts("\n");
			p->rb_spawned++;
		} else if (j->kind == J_REGION) {
			replay_region(p, j);
		}
	}
	p->regrant = 1;
	if (loaded_part == p->index)
		loaded_part = NONE;
	p->reconstructs++;
	return true;
}

static bool rollback(struct vpart *p, uint32_t region)
{
	if (!p->has_ckpt || region != 1u)
		return false;
	memcpy((void *)(uintptr_t)(p->mem + GUEST_STATE_OFF), ckpt_store[p->index] + GUEST_STATE_OFF,
	       GUEST_STATE_SIZE);
	boot_block(p)->inject_corrupt = 0;
	p->rollbacks++;
	return true;
}

static const char *action_name(uint32_t a)
{
	static const char *const n[] = {"none", "restart-task", "reconstruct-partition",
					"rollback-region", "reboot"};

	return a < RVX_ARRAY_COUNT(n) ? n[a] : "?";
}

/* What became of the faulting task. */
enum outcome {
	KEPT = 0,      /* it goes on (yields) */
	RESTARTED = 1, /* it starts afresh */
	ENDED = 2,     /* it was ended (its partition reconstructed): never resumed */
};

/* Record a fault of @p p and climb the ladder until a rung works. Returns
 * what became of the faulting task (kernel lock held). */
static enum outcome fault_and_recover(struct vpart *p, const struct rvx_hyp_fault *fl)
{
	struct rvx_hyp_decision d, next;
	bool restarted = false, ended = false;
	int rc;

	rvx_a64_printf("RVX-ACT fault part=%c task=%u cause=%s addr=0x%lx\n", pname(p), fl->task,
			fl->cause < CAUSE_COUNT ? cause_names[fl->cause] : "?", fl->addr);
	rc = rvx_hyp_fault(&hyp, p->h, fl, now_ns(), &d);
	if (rc != 0)
		rvx_a64_fail("recording a fault", rc);
	p->faults++;
	if (fl->cause < CAUSE_COUNT)
		p->cause_seen[fl->cause]++;
	if (loaded_part == p->index)
		loaded_part = NONE; /* lib/hyp took it off the CPU */
	for (;;) {
		bool ok = false;

		switch (d.action) {
		case RVX_HYP_ACT_RESTART_TASK:
			restart_task(d.task);
			restarted = restarted || d.task == fl->task;
			p->restarts++;
			ok = true;
			break;
		case RVX_HYP_ACT_RECONSTRUCT:
			ok = reconstruct(p);
			ended = ended || ok;
			break;
		case RVX_HYP_ACT_ROLLBACK_REGION:
			ok = rollback(p, d.region);
			break;
		default:
			rvx_a64_printf("RVX-RECOVERY part=%c action=%s: a global reboot would be "
					"needed; stopping\n",
					pname(p), action_name(d.action));
			rvx_a64_exit(10);
		}
		rvx_a64_printf("RVX-ACT recovery part=%c action=%s task=%u failures=%u ok=%u\n",
				pname(p), action_name(d.action), d.task, d.failures, ok ? 1u : 0u);
		rc = rvx_hyp_recovery_report(&hyp, p->h, d.action, ok, now_ns(), &next);
		if (rc != 0)
			rvx_a64_fail("reporting a recovery", rc);
		if (next.action == RVX_HYP_ACT_NONE)
			break;
		d = next;
	}
	if (p->regrant) {
		/* Back in service: the grants others made to it, then the
		 * rebuild's summary. */
		p->regrant = 0;
		replay_grants(p);
		rebuild_done(p);
	}
	return ended ? ENDED : restarted ? RESTARTED : KEPT;
}

static struct rvx_a64_frame *task_fault(struct vpart *p, uint32_t task, struct rvx_a64_frame *f,
					 uint16_t cause, uint64_t addr)
{
	struct rvx_hyp_fault fl = {RVX_HYP_FAULT_TASK, cause, task, RVX_HYP_NONE, 0, addr};
	uint64_t daif = rvx_a64_rt_lock();
	enum outcome o = fault_and_recover(p, &fl);

	if (p->index == 1u && inject_left > 0 && cause == CAUSE_UNMAPPED) {
		inject_left--;
		boot_block(p)->inject_crash = inject_left > 0;
	}
	rvx_a64_rt_unlock(daif);
	return rvx_a64_rt_trap_switch(f, o == ENDED	  ? RVX_A64_TRAP_EXITED
					  : o == RESTARTED ? RVX_A64_TRAP_RESTART
							   : RVX_A64_TRAP_YIELD);
}

/* ---- the trap path ---- */

static uint16_t classify_abort(const struct vpart *p, uint64_t ipa, bool write, uint32_t fsc)
{
	const struct rvx_a64_board *b = &rvx_a64_board;

	if ((fsc & 0x3cu) == 0x0cu)
		return CAUSE_PERMISSION;
	for (uint32_t i = 0; i < PARTS; i++)
		if (i != p->index && in_range(ipa, 1, parts[i].mem, GUEST_MEM_SIZE))
			return CAUSE_OTHER_PARTITION;
	if (in_range(ipa, 1, b->mem.base, b->mem.size))
		return CAUSE_KERNEL_MEMORY;
	if (in_range(ipa, 1, b->uart.base, 4096)) {
		int rc = rvx_hyp_lease_check(&hyp, p->h, ipa, write ? RVX_HYP_LEASE_W : RVX_HYP_LEASE_R,
					     now_ns());

		return rc == -RVX_ETIMEDOUT || p->lease_ended ? CAUSE_LEASE_ENDED : CAUSE_NO_LEASE;
	}
	if (in_range(ipa, 1, b->gicd.base, b->gicd.size) ||
	    in_range(ipa, 1, b->gicc.base, b->gicc.size))
		return CAUSE_NO_LEASE;
	return CAUSE_UNMAPPED;
}

static bool cap_error(int rc)
{
	return rc == -RVX_EBADCAP || rc == -RVX_ESTALE || rc == -RVX_EREVOKED ||
	       rc == -RVX_ETYPE || rc == -RVX_ERIGHTS || rc == -RVX_ECANTGRANT;
}

static void note_traffic(const struct vpart *p, uint32_t task, uint64_t cap, uint64_t bytes)
{
	for (uint32_t e = 0; e < RVX_ARRAY_COUNT(edges); e++) {
		if (!edges[e].live)
			continue;
		for (uint32_t s = 0; s < edges[e].nsend; s++) {
			if (edges[e].send[s].task == task && edges[e].send[s].cap == cap) {
				(void)rvx_hyp_edge_note(&hyp, edges[e].h, p->h, (uint32_t)bytes);
				return;
			}
		}
	}
}

/* Witness a capability grant from partition @p p to task @p dest of @p q
 * (kernel lock held). */
static void grant_witness(const struct vpart *p, const struct vpart *q, uint32_t dest,
			  uint64_t handle, uint64_t rights)
{
	struct rvx_cap_info info;
	int rc;

	if (rvx_cap_lookup(&K()->caps, dest, (rvx_handle_t){handle}, &info) != 0)
		return;
	rvx_a64_printf("RVX-ACT cap-grant part=%c to=%c task=%u object=0x%lx rights=0x%x\n",
			pname(p), pname(q), dest, info.object.raw, (unsigned)rights);
	rc = rvx_hyp_cap_grant(&hyp, p->h, q->h, info.object.raw, (rvx_rights_t)rights, now_ns());
	if (rc != 0)
		rvx_a64_fail("witnessing a capability grant across partitions", rc);
}

/* A CapGrant that crossed partitions: witnessed, written into the
 * receiving partition's construction journal, and if the capability
 * carries an edge, the receiver becomes a sender on it. */
static void note_grant(const struct vpart *p, uint32_t task, const struct rvx_syscall_args *a,
		       const struct rvx_syscall_result *r)
{
	uint32_t dest = (uint32_t)a->arg[0];
	struct vpart *q;
	struct jentry *j;

	if ((a->flags & RVX_SYSCALL_F_REVOKE) != 0 || dest >= RVX_KERNEL_TASKS ||
	    task_part[dest] == 0 || task_part[dest] == task_part[task])
		return;
	q = &parts[task_part[dest] - 1u];
	grant_witness(p, q, dest, r->value[0], a->arg[1]);
	j = journal_add(q, J_GRANT, task_slot[dest]);
	if (j != NULL) {
		j->from_part = p->index;
		j->from_task = task;
		j->from_cap = a->cap;
		j->rights = a->arg[1];
		j->badge = a->arg[2];
		j->handle = r->value[0];
	}
	for (uint32_t e = 0; e < RVX_ARRAY_COUNT(edges); e++) {
		if (edges[e].live && edges[e].grant_task == task && edges[e].grant_cap == a->cap &&
		    edges[e].nsend < RVX_ARRAY_COUNT(edges[e].send)) {
			edges[e].send[edges[e].nsend].task = dest;
			edges[e].send[edges[e].nsend].cap = r->value[0];
			edges[e].send[edges[e].nsend].part = q->index;
			edges[e].nsend++;
			if (j != NULL) {
				j->edge = e;
				j->field[0] = edges[e].grant_field;
			}
		}
	}
}

/* A region a partition task mapped by trap: into its construction
 * journal, with the capability of its spawn that gated it. */
static void note_region(struct vpart *p, uint32_t task, const struct rvx_syscall_args *a,
			const struct rvx_syscall_result *r)
{
	const struct jentry *sp = journal_spawn(p, task_slot[task]);
	struct jentry *j;
	uint32_t c = JCAPS;

	for (uint32_t i = 0; sp != NULL && i < sp->nx; i++)
		if (sp->child[i] == a->cap)
			c = i;
	if (c == JCAPS) {
		p->journal_lost = 1; /* gated by a capability the journal cannot name */
		return;
	}
	j = journal_add(p, J_REGION, task_slot[task]);
	if (j == NULL)
		return;
	j->cap_index = c;
	j->policy = a->arg[0];
	j->size = a->arg[1];
	j->slab = a->arg[2];
	j->handle = r->value[0];
	j->field[0] = (uint16_t)offsetof(struct guest_boot, region);
}

static struct rvx_a64_frame *hvc_syscall(struct vpart *p, uint32_t task, struct rvx_a64_frame *f)
{
	uint32_t nr = (uint32_t)f->x[0];
	uint64_t ua = f->x[1], ur = f->x[2];
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	uint64_t daif;
	int rc;

	/* Every pointer must lie in the partition's own memory: the kernel
	 * never reads or writes anything else on its behalf. */
	if (!readable(p, ua, sizeof(a)) || !writable(p, ur, sizeof(r)))
		return task_fault(p, task, f, CAUSE_BAD_POINTER, writable(p, ur, sizeof(r)) ? ua : ur);
	memcpy(&a, (const void *)(uintptr_t)ua, sizeof(a));
	if ((a.in != 0 || a.in_len != 0) && !readable(p, a.in, a.in_len))
		return task_fault(p, task, f, CAUSE_BAD_POINTER, a.in);
	if ((a.out != 0 || a.out_len != 0) && !writable(p, a.out, a.out_len))
		return task_fault(p, task, f, CAUSE_BAD_POINTER, a.out);
	if ((a.aux != 0 || a.aux_len != 0) && !writable(p, a.aux, a.aux_len))
		return task_fault(p, task, f, CAUSE_BAD_POINTER, a.aux);
	/* A task spawned or mounted from a partition would have to start
	 * inside it (at EL1, under its stage 2); the runtime starts spawned
	 * tasks as kernel threads, so partitions may not create tasks yet.
	 * (They hold no TASK capability with EXECUTE anyway.) */
	if (nr == RVX_SYS_TASK_SPAWN || nr == RVX_SYS_RVF_MOUNT) {
		f->x[0] = (uint64_t)(int64_t)-RVX_EPERM;
		return f;
	}
	daif = rvx_a64_rt_lock();
	rc = rvx_syscall(K(), task, nr, &a, &r);
	if (rc == 0 && r.status == RVX_SYSCALL_BLOCKED) {
		rvx_a64_rt_unlock(daif);
		if (nr == RVX_SYS_QUEUE_RECV) {
			f->elr -= 4u; /* issued again once woken */
		} else {
			r.status = RVX_SYSCALL_DONE;
			memcpy((void *)(uintptr_t)ur, &r, sizeof(r));
			f->x[0] = 0;
		}
		return rvx_a64_rt_trap_switch(f, RVX_A64_TRAP_BLOCKED);
	}
	if (cap_error(rc)) {
		for (uint32_t i = 0; i < p->nstale; i++)
			if (p->stale[i] == a.cap && a.cap != 0)
				p->stale_refused++;
		rvx_a64_rt_unlock(daif);
		rvx_a64_printf("RVX-CAP-REFUSED part=%c task=%u handle=0x%lx error=%s\n", pname(p),
				task, a.cap, rvx_strerror(rc));
		return task_fault(p, task, f, CAUSE_CAPABILITY, a.cap);
	}
	if (rc == 0) {
		if (nr == RVX_SYS_CAP_GRANT)
			note_grant(p, task, &a, &r);
		else if (nr == RVX_SYS_REGION_MAP)
			note_region(p, task, &a, &r);
		else if (nr == RVX_SYS_QUEUE_SEND)
			note_traffic(p, task, a.cap, a.in_len);
		memcpy((void *)(uintptr_t)ur, &r, sizeof(r));
	}
	rvx_a64_rt_unlock(daif);
	f->x[0] = (uint64_t)(int64_t)rc;
	return f;
}

static struct rvx_a64_frame *hvc_print(struct vpart *p, struct rvx_a64_frame *f)
{
	char line[128];
	uint64_t a = f->x[0], n = f->x[1];

	if (n >= sizeof(line) || !readable(p, a, n))
		return f;
	memcpy(line, (const void *)(uintptr_t)a, n);
	line[n] = '\0';
	rvx_a64_printf("RVX-P%c %s\n", pname(p), line);
	return f;
}

static struct rvx_a64_frame *hvc_check_state(struct vpart *p, uint32_t task,
					      struct rvx_a64_frame *f)
{
	uint64_t daif;
	enum outcome o;
	struct rvx_hyp_fault fl = {RVX_HYP_FAULT_REGION, CAUSE_STATE_REGION, task, 1u, 0,
				   p->mem + GUEST_STATE_OFF};

	if (!p->has_ckpt || memcmp((const void *)(uintptr_t)(p->mem + GUEST_STATE_OFF),
				   ckpt_store[p->index] + GUEST_STATE_OFF, GUEST_STATE_SIZE) == 0) {
		f->x[0] = 0;
		return f;
	}
	daif = rvx_a64_rt_lock();
	o = fault_and_recover(p, &fl);
	rvx_a64_rt_unlock(daif);
	f->x[0] = 1;
	if (o == ENDED)
		return rvx_a64_rt_trap_switch(f, RVX_A64_TRAP_EXITED);
	if (o == RESTARTED)
		return rvx_a64_rt_trap_switch(f, RVX_A64_TRAP_RESTART);
	/* The partition is RUNNING again; load it once more on the way out. */
	daif = rvx_a64_rt_lock();
	load_partition(p);
	rvx_a64_rt_unlock(daif);
	return f;
}

struct rvx_a64_frame *rvx_a64_part_trap(struct rvx_a64_frame *f)
{
	uint32_t cpu = rvx_a64_cpu_index();
	uint32_t task = rvx_a64_rt_current(cpu);
	uint64_t esr, far;
	uint32_t ec;
	struct vpart *p;

	__asm__ volatile("mrs %0, esr_el2" : "=r"(esr));
	__asm__ volatile("mrs %0, far_el2" : "=r"(far));
	ec = (uint32_t)(esr >> 26) & 0x3fu;
	if (part_mode == 0 || task >= RVX_KERNEL_TASKS || task_part[task] == 0)
		rvx_a64_panic_frame("a trap from a lower EL outside a partition", 8, f);
	p = &parts[task_part[task] - 1u];
	switch (ec) {
	case 0x16: /* HVC */
		switch (esr & 0xffffu) {
		case 0:
			return hvc_syscall(p, task, f);
		case 1:
			return rvx_a64_rt_trap_switch(f, RVX_A64_TRAP_YIELD);
		case 2:
			return hvc_print(p, f);
		case 3:
			return task_fault(p, task, f, CAUSE_EL1_EXCEPTION, f->x[1]);
		case 4:
			if (f->x[0] < RVX_ARRAY_COUNT(p->reports)) {
				p->reports[f->x[0]]++;
				p->report_val[f->x[0]] = f->x[1];
			}
			if (f->x[0] == GUEST_REP_PROBED) {
				/* The prober has tried everything: stopped for good. */
				uint64_t daif = rvx_a64_rt_lock();

				end_task(p, task_slot[task], 0);
				rvx_a64_rt_unlock(daif);
				return rvx_a64_rt_trap_switch(f, RVX_A64_TRAP_EXITED);
			}
			return f;
		case 5:
			return hvc_check_state(p, task, f);
		default:
			return task_fault(p, task, f, CAUSE_TRAP, esr);
		}
	case 0x24: /* data abort from EL1: stage 2 said no */
	case 0x20: { /* instruction abort from EL1 */
		uint32_t iss = (uint32_t)esr & 0x1ffffffu;
		bool write = ec == 0x24 && (iss & (1u << 6)) != 0;

		return task_fault(p, task, f, classify_abort(p, far, write, iss & 0x3fu), far);
	}
	case 0x18:
		return task_fault(p, task, f, CAUSE_SYSREG, esr);
	case 0x17:
		return task_fault(p, task, f, CAUSE_SMC, esr);
	default:
		return task_fault(p, task, f, CAUSE_TRAP, esr);
	}
}

/* A lease ended (expired or revoked): stage 2 no longer maps the device,
 * and the mapping journal forgets it (kernel lock held). */
static void lease_unmap(struct vpart *p, uint64_t base, uint64_t size)
{
	if (rvx_stage2_unmap(&p->s2, base, size) != 0)
		rvx_a64_fail("unmapping an ended lease", -RVX_EINVAL);
	for (uint32_t m = 0; m < p->nmaps; m++)
		if (p->maps[m].lease && p->maps[m].ipa == base)
			p->maps[m].live = 0;
	s2_flush(p);
	p->lease_ended = 1;
}

/* Timer tick (kernel lock held): leases that ended are unmapped; every
 * EPOCH_NS the switches of the epoch are summarised in one record. */
void rvx_a64_part_tick(uint64_t now)
{
	struct rvx_hyp_lease_info ended[4];
	int n;

	if (!hyp_ready)
		return;
	n = rvx_hyp_tick(&hyp, now, ended, RVX_ARRAY_COUNT(ended));
	for (int i = 0; i < n; i++) {
		struct vpart *p = &parts[rvx_handle_index(ended[i].partition)];

		rvx_a64_printf("RVX-ACT lease-expire part=%c device=%u base=0x%lx\n", pname(p),
				ended[i].device, ended[i].mmio_base);
		lease_unmap(p, ended[i].mmio_base, ended[i].mmio_size);
	}
	if (now - epoch_started >= EPOCH_NS && hyp.epoch_switches != 0) {
		int rc;

		rvx_a64_printf("RVX-ACT switch-summary part=- epoch=%lu switches=%lu\n", hyp.epoch,
				hyp.epoch_switches);
		rc = rvx_hyp_epoch_close(&hyp, now);
		if (rc != 0)
			rvx_a64_fail("closing a switch epoch", rc);
		epoch_started = now;
	}
}

bool rvx_virt_part_mode(void)
{
	return part_mode != 0;
}

/* Keep @p task of a suspended partition off the CPU: blocked in the
 * scheduler (it was READY or just picked, so it waits for nothing in the
 * nucleus) until the partition resumes. Kernel lock held. */
static bool hold_task(struct vpart *p, uint32_t task)
{
	struct rvx_kernel *k = K();

	if (p->nheld >= RVX_ARRAY_COUNT(p->held) ||
	    rvx_sched_task_block(&k->sched, k->tasks[task].sched, k->now, 0) != 0)
		return false;
	p->held[p->nheld++] = task;
	return true;
}

bool rvx_a64_part_hold(uint32_t task)
{
	struct vpart *p;

	if (part_mode == 0 || task >= RVX_KERNEL_TASKS || task_part[task] == 0)
		return false;
	p = &parts[task_part[task] - 1u];
	if (!p->suspended)
		return false;
	if (!hold_task(p, task))
		rvx_a64_fail("holding a suspended partition's task", -RVX_EINVAL);
	return true;
}

/* Suspend: the partition is taken off the CPU (its EL1 state saved) and
 * none of its tasks runs until it resumes (kernel lock held). */
static int suspend_partition(struct vpart *p)
{
	int rc;

	if (loaded_part == p->index) {
		rc = rvx_hyp_switch(&hyp, 0, RVX_HANDLE_NULL);
		if (rc != 0)
			return rc;
		loaded_part = NONE;
	}
	if (loaded_task != NONE && task_part[loaded_task] == p->index + 1u) {
		el1_save(&el1[loaded_task]);
		loaded_task = NONE;
	}
	rvx_a64_printf("RVX-ACT partition-suspend part=%c\n", pname(p));
	rc = rvx_hyp_partition_suspend(&hyp, p->h, now_ns());
	if (rc != 0)
		return rc;
	p->suspended = 1;
	for (uint32_t i = 0; i < p->ntasks; i++)
		if (p->alive[i])
			(void)hold_task(p, p->tasks[i]); /* READY ones; waiting ones when picked */
	return 0;
}

static int resume_partition(struct vpart *p)
{
	struct rvx_kernel *k = K();
	int rc;

	rvx_a64_printf("RVX-ACT partition-resume part=%c\n", pname(p));
	rc = rvx_hyp_partition_resume(&hyp, p->h, now_ns());
	if (rc != 0)
		return rc;
	p->suspended = 0;
	for (uint32_t i = 0; i < p->nheld; i++)
		if (rvx_sched_task_wake(&k->sched, k->tasks[p->held[i]].sched, k->now) != 0)
			rvx_a64_fail("waking a resumed partition's task", -RVX_EINVAL);
	p->nheld = 0;
	return 0;
}

/* End a task of @p p through the nucleus (TASK_EXIT record; its
 * capabilities and everything derived from them go). The runtime drops its
 * context; it never runs again (kernel lock held). */
static void end_task(struct vpart *p, uint32_t slot, int32_t code)
{
	uint32_t t = p->tasks[slot];
	int rc;

	if (!p->alive[slot])
		return;
	rc = rvx_kernel_task_exit(K(), t, code);
	if (rc != 0)
		rvx_a64_fail("ending a partition task", rc);
	p->alive[slot] = 0;
	task_part[t] = 0;
	if (code != EXIT_RECONSTRUCT)
		journal_retire(p, slot); /* ended for good: not rebuilt */
	if (loaded_task == t)
		loaded_task = NONE;
	rvx_a64_rt_restart(t);
	rvx_a64_printf("RVX-TASK-EXIT part=%c task=%u code=%d\n", pname(p), t, code);
}

/* ---- set-up, by the root task ---- */

static int root_syscall(uint32_t nr, struct rvx_syscall_args *a, struct rvx_syscall_result *r)
{
	return rvx_a64_rt_syscall(0, nr, a, r);
}

static void args_init(struct rvx_syscall_args *a)
{
	memset(a, 0, sizeof(*a));
	a->version = RVX_SYSCALL_VERSION;
}

/* Read the partition's stage 2 back: the kernel's image is unmapped but for
 * .guest (read + execute, never write), its memory is read + write (never
 * execute), the other partition's memory is unmapped. */
static void s2_audit(const struct vpart *p)
{
	uint64_t img = (uint64_t)(uintptr_t)__image_start, end = (uint64_t)(uintptr_t)__image_end;
	uint64_t g0 = (uint64_t)(uintptr_t)__guest_start, g1 = (uint64_t)(uintptr_t)__guest_end;
	struct rvx_stage2_mapping m;
	uint32_t kernel_pages = 0, guest_pages = 0, bad = 0;

	for (uint64_t a = img; a < end; a += 4096u) {
		int rc = rvx_stage2_lookup(&p->s2, a, &m);

		if (a >= g0 && a < g1) {
			guest_pages++;
			bad += rc != 0 || m.perms != (RVX_STAGE2_R | RVX_STAGE2_X);
		} else {
			kernel_pages++;
			bad += rc != -RVX_ENOENT;
		}
	}
	for (uint64_t a = p->mem; a < p->mem + GUEST_MEM_SIZE; a += 4096u)
		bad += rvx_stage2_lookup(&p->s2, a, &m) != 0 || m.perms != (RVX_STAGE2_R | RVX_STAGE2_W);
	for (uint32_t i = 0; i < PARTS; i++)
		if (i != p->index && parts[i].mem != 0)
			for (uint64_t a = parts[i].mem; a < parts[i].mem + GUEST_MEM_SIZE; a += 4096u)
				bad += rvx_stage2_lookup(&p->s2, a, &m) != -RVX_ENOENT;
	rvx_a64_printf("RVX-S2 part=%c image pages: %u unmapped (kernel), %u guest text R-X; "
			"own memory %u pages RW-; %s\n",
			pname(p), kernel_pages, guest_pages, GUEST_MEM_SIZE / 4096u,
			bad == 0 ? "as intended" : "WRONG");
	if (bad != 0)
		rvx_a64_fail("a partition's stage-2 tables map more than they should", -RVX_EINVAL);
}

static void create_partition(struct vpart *p, uint32_t index, uint64_t (*pool)[RVX_STAGE2_ENTRIES])
{
	uint64_t t = (uint64_t)(uintptr_t)__guest_start;
	int rc;

	memset(p, 0, sizeof(*p));
	p->index = index;
	p->vmid = (uint16_t)(index + 1u);
	p->pool = pool;
	p->mem = (uint64_t)(uintptr_t)rvx_a64_alloc(GUEST_MEM_SIZE, GUEST_MEM_SIZE);
	if (p->mem == 0)
		rvx_a64_fail("memory for a partition", -RVX_ENOMEM);
	memset((void *)(uintptr_t)p->mem, 0, GUEST_MEM_SIZE);
	rc = s2_build(p);
	if (rc == 0)
		rc = s2_map(p, t, (uint64_t)(uintptr_t)__guest_end - t, RVX_STAGE2_R | RVX_STAGE2_X,
			    RVX_STAGE2_NORMAL_WB, 0, true);
	if (rc == 0)
		rc = s2_map(p, p->mem, GUEST_MEM_SIZE, RVX_STAGE2_R | RVX_STAGE2_W,
			    RVX_STAGE2_NORMAL_WB, 0, true);
	if (rc != 0)
		rvx_a64_fail("building a partition's stage-2 tables", rc);
	rvx_a64_printf("RVX-ACT partition-create part=%c vmid=%u mem=0x%lx+0x%x vttbr=0x%lx\n",
			pname(p), p->vmid, p->mem, GUEST_MEM_SIZE, p->vttbr);
}

/* Spawn the task of construction-journal entry @p j into @p slot of @p p:
 * TaskSpawn by the root with the entry's capabilities, as task @p index
 * (NONE: the lowest free one); the child's handles land in @p j->child and
 * in the boot block. The caller holds the kernel lock, so the task does
 * not run before its boot block is written and it is marked as a
 * partition task. */
static uint32_t spawn_slot(struct vpart *p, uint32_t slot, struct jentry *j, uint32_t index)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	uint32_t task;
	int rc;

	args_init(&a);
	a.cap = rvx_virt_root_caps()->task.raw;
	a.arg[0] = j->role;
	a.arg[1] = 1;
	a.arg[3] = p->index + 1u;
	a.arg[4] = 0;
	a.arg[5] = index == NONE ? 0u : (uint64_t)index + 1u;
	a.in = (uint64_t)(uintptr_t)j->x;
	a.in_len = (uint64_t)j->nx * sizeof(j->x[0]);
	a.out = (uint64_t)(uintptr_t)j->child;
	a.out_len = (uint64_t)j->nx * sizeof(uint64_t);
	rc = rvx_syscall(K(), 0, RVX_SYS_TASK_SPAWN, &a, &r);
	if (rc != 0)
		rvx_a64_fail("spawning a partition task", rc);
	task = (uint32_t)r.value[0];
	task_part[task] = (uint8_t)(p->index + 1u);
	task_slot[task] = (uint8_t)slot;
	p->tasks[slot] = task;
	p->roles[slot] = j->role;
	p->alive[slot] = 1;
	for (uint32_t i = 0; i < j->nx; i++)
		boot_put(p, j->field[i], j->child[i]);
	rvx_a64_printf("partition %c: task %u (role %u) at EL1, %u capabilities\n", pname(p), task,
			j->role, j->nx);
	return task;
}

/* Spawn a guest task of @p p with @p nx capabilities of the root's (@p x),
 * written into the partition's construction journal first; each child
 * handle goes to the boot-block field @p fields names (NOFIELD: nowhere)
 * and to @p child. */
static uint32_t spawn_guest(struct vpart *p, uint32_t role, const struct rvx_syscall_capxfer *x,
			    uint32_t nx, uint64_t *child, const uint16_t *fields)
{
	uint32_t slot = p->ntasks, task;
	struct jentry *j = journal_add(p, J_SPAWN, slot);

	if (j == NULL || nx > JCAPS)
		rvx_a64_fail("a partition's construction journal is full", -RVX_ELIMIT);
	j->role = role;
	j->nx = nx;
	memcpy(j->x, x, nx * sizeof(*x));
	memcpy(j->field, fields, nx * sizeof(*fields));
	task = spawn_slot(p, slot, j, NONE);
	memcpy(child, j->child, nx * sizeof(*child));
	p->ntasks++;
	return task;
}

static uint64_t queue_new(uint32_t slots, rvx_rights_t rights)
{
	rvx_handle_t cap;
	int rc = rvx_kernel_queue_create(K(), 0, slots, 64, rights, &cap);

	if (rc != 0)
		rvx_a64_fail("creating a queue", rc);
	return cap.raw;
}

static void sleep_ms(uint64_t ms)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	args_init(&a);
	a.cap = rvx_virt_root_caps()->clock.raw;
	a.flags = RVX_SYSCALL_F_RELATIVE;
	a.arg[0] = ms * MS;
	rc = root_syscall(RVX_SYS_TIMER_WAIT, &a, &r);
	if (rc != 0)
		rvx_a64_fail("TimerWait", rc);
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns * rvx_a64_counter_freq() / 1000000000u;
}

static void hyp_setup(uint32_t mode)
{
	static const struct rvx_hyp_sink sink = {hyp_emit, NULL};
	struct rvx_hyp_config cfg;
	uint64_t hcr, mdcr;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.cpu_count = 1;
	/* Failures within 50 ms count together: two task restarts, then a
	 * reconstruction, then roll back. (The probers space their attempts
	 * wider than that, so each of theirs is a first failure.) */
	cfg.policy.window = WINDOW_NS;
	cfg.policy.restart_limit = 2;
	cfg.policy.reconstruct_limit = 1;
	rc = RVX_HYP_INIT(hyp, &cfg, &sink);
	if (rc != 0)
		rvx_a64_fail("rvx_hyp_init", rc);
	part_mode = mode;
	/* EL2 controls for partitions: stage 2 on (VM), Normal cacheable
	 * accesses with the EL1 MMU off (DC), SMC trapped (TSC), physical
	 * interrupts to EL2 (IMO/FMO/AMO, set at boot), EL1 AArch64 (RW).
	 * EL1 may read the physical counter, not program the EL1 timer. */
	__asm__ volatile("mrs %0, hcr_el2" : "=r"(hcr));
	/* ...and set/way cache maintenance (TSW) and implementation-defined
	 * registers (TIDCP) trapped: a partition must not clean or invalidate
	 * lines that hold another's data. */
	hcr |= (UINT64_C(1) << 0) | (UINT64_C(1) << 12) | (UINT64_C(1) << 19) |
	       (UINT64_C(1) << 20) | (UINT64_C(1) << 22) | (UINT64_C(1) << 31);
	/* The PMU and the debug registers are shared by every partition and
	 * not switched: accesses from EL1 trap to EL2 (TPMCR, TPM, TDA,
	 * TDOSA, TDRA) and fault the task. */
	__asm__ volatile("mrs %0, mdcr_el2" : "=r"(mdcr));
	mdcr |= (UINT64_C(1) << 5) | (UINT64_C(1) << 6) | (UINT64_C(1) << 9) | (UINT64_C(1) << 10) |
		(UINT64_C(1) << 11);
	__asm__ volatile("msr hcr_el2, %0\n\tmsr cnthctl_el2, %1\n\tmsr mdcr_el2, %2\n\tisb"
			 ::"r"(hcr), "r"(UINT64_C(1)), "r"(mdcr)
			 : "memory");
}

static void partitions_create(void)
{
	struct vpart *a = &parts[0], *b = &parts[1];
	uint64_t daif;
	int rc;

	create_partition(a, 0, pool_a);
	create_partition(b, 1, pool_b);
	s2_audit(a);
	s2_audit(b);
	/* Every partition has the same IPA and PA sizes: one VTCR_EL2. */
	__asm__ volatile("msr vtcr_el2, %0\n\tisb" ::"r"(rvx_stage2_vtcr(&a->s2)));
	if (rvx_stage2_vtcr(&b->s2) != rvx_stage2_vtcr(&a->s2))
		rvx_a64_fail("partitions with different VTCR_EL2", -RVX_EINVAL);
	daif = rvx_a64_rt_lock();
	for (uint32_t i = 0; i < PARTS; i++) {
		/* Its capability root: the tables of the tasks spawned into
		 * scheduler partition index + 1 (the root task is in 0). */
		struct rvx_hyp_partition_config pc = {parts[i].vmid, 0, i + 1u};

		rc = rvx_hyp_partition_create(&hyp, &pc, now_ns(), &parts[i].h);
		if (rc != 0)
			rvx_a64_fail("rvx_hyp_partition_create", rc);
	}
	hyp_ready = 1;
	epoch_started = now_ns();
	rvx_a64_rt_unlock(daif);
}

static void partitions_resume(void)
{
	for (uint32_t i = 0; i < PARTS; i++) {
		int rc = rvx_hyp_partition_resume(&hyp, parts[i].h, now_ns());

		rvx_a64_printf("RVX-ACT partition-resume part=%c\n", pname(&parts[i]));
		if (rc != 0)
			rvx_a64_fail("rvx_hyp_partition_resume", rc);
	}
}

static void edge_new(uint32_t e, const struct vpart *from, const struct vpart *to, uint64_t qcap,
		     uint32_t sender, uint64_t sender_cap)
{
	struct rvx_cap_info info;
	int rc = rvx_cap_lookup(&K()->caps, 0, (rvx_handle_t){qcap}, &info);

	if (rc == 0)
		rc = rvx_hyp_edge_create(&hyp, from->h, to->h, info.object_ref, 0, now_ns(),
					 &edges[e].h);
	if (rc != 0)
		rvx_a64_fail("creating a CommEdge", rc);
	edges[e].live = 1;
	if (sender != NONE) {
		edges[e].send[0].task = sender;
		edges[e].send[0].cap = sender_cap;
		edges[e].send[0].part = from->index;
		edges[e].nsend = 1;
	}
	edges[e].from = from->index;
	edges[e].root_cap = qcap;
	edges[e].grant_field = NOFIELD;
	rvx_a64_printf("RVX-ACT edge-create part=%c to=%c queue=%u\n", pname(from), pname(to),
			info.object_ref);
}

static void fill_state(struct vpart *p)
{
	uint64_t *s = (uint64_t *)(uintptr_t)(p->mem + GUEST_STATE_OFF);

	for (uint64_t i = 0; i < GUEST_STATE_SIZE / 8u; i++)
		s[i] = UINT64_C(0x5354415445000000) + i;
}

static void grant_lease(struct vpart *p, uint64_t ns)
{
	const struct rvx_a64_board *bd = &rvx_a64_board;
	struct rvx_hyp_lease_req req = {DEV_UART, RVX_HYP_LEASE_R | RVX_HYP_LEASE_W, bd->uart.base,
					4096};
	uint64_t now = now_ns();
	int rc = rvx_hyp_lease_grant(&hyp, p->h, &req, now, now + ns, &p->lease);

	if (rc == 0)
		rc = s2_map(p, bd->uart.base, 4096, RVX_STAGE2_R | RVX_STAGE2_W, RVX_STAGE2_DEVICE, 1,
			    true);
	boot_block(p)->uart = bd->uart.base;
	boot_block(p)->lease_until = rvx_a64_counter() + ns_to_ticks(ns);
	if (rc != 0)
		rvx_a64_fail("leasing the UART", rc);
	p->lease_ended = 0;
	rvx_a64_printf("RVX-ACT lease-grant part=%c device=%u base=0x%lx ms=%lu\n", pname(p),
			DEV_UART, bd->uart.base, ns / MS);
}

static void revoke_lease(struct vpart *p)
{
	struct rvx_hyp_lease_info li;
	int rc = rvx_hyp_lease_info(&hyp, p->lease, &li);

	rvx_a64_printf("RVX-ACT lease-revoke part=%c device=%u base=0x%lx\n", pname(p),
			li.device, li.mmio_base);
	if (rc == 0)
		rc = rvx_hyp_lease_revoke(&hyp, p->lease, now_ns());
	if (rc != 0)
		rvx_a64_fail("revoking a lease", rc);
	lease_unmap(p, li.mmio_base, li.mmio_size);
}

static bool wait_for(const char *what, bool (*cond)(void), uint64_t limit_ms)
{
	uint64_t until = now_ns() + limit_ms * MS;

	while (!cond()) {
		if (now_ns() > until) {
			rvx_a64_printf("RuVix: partitions: timed out waiting for %s\n", what);
			return false;
		}
		sleep_ms(2);
	}
	return true;
}

static bool demo_ready_to_inject(void)
{
	return parts[1].reports[GUEST_REP_PROBED] != 0 && parts[0].reports[GUEST_REP_PROBED] != 0 &&
	       parts[0].reports[GUEST_REP_PINGS] != 0;
}

static bool demo_crashes_done(void)
{
	return inject_left == 0 && parts[1].reconstructs != 0;
}

static bool demo_stale_refused(void)
{
	return parts[1].stale_refused != 0;
}

/* After B's reconstruction: the root sends a ping over the A->B queue,
 * B's rebuilt listener (fresh capabilities) answers over B->A with the
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
	a.cap = edges[0].root_cap;
	a.arg[0] = GUEST_MSG_PING;
	a.in = (uint64_t)(uintptr_t)&seq;
	a.in_len = sizeof(seq);
	rc = rvx_syscall(K(), 0, RVX_SYS_QUEUE_SEND, &a, &r);
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("the root's ping to the rebuilt partition", rc);
	memset(&h, 0, sizeof(h));
	args_init(&a);
	a.cap = edges[1].root_cap;
	a.flags = RVX_SYSCALL_F_BLOCK;
	a.arg[0] = 500u * MS;
	a.out = (uint64_t)(uintptr_t)&got;
	a.out_len = sizeof(got);
	a.aux = (uint64_t)(uintptr_t)&h;
	a.aux_len = sizeof(h);
	rc = root_syscall(RVX_SYS_QUEUE_RECV, &a, &r);
	rvx_a64_printf("RVX-RECON-TALK part=B ping=0x%lx first-on-B->A type=%u value=0x%lx %s\n",
			seq, rc == 0 && r.status == RVX_SYSCALL_DONE ? h.type_id : 0u, got,
			rc == 0 && r.status == RVX_SYSCALL_DONE && h.type_id == GUEST_MSG_PONG &&
					got == seq
				? "ok"
				: "WRONG");
}

static bool demo_rolled(void)
{
	return parts[1].reports[GUEST_REP_ROLLED] != 0;
}

static bool demo_lease_done(void)
{
	return parts[0].cause_seen[CAUSE_LEASE_ENDED] != 0;
}

static bool demo_lease_b_used(void)
{
	return parts[1].reports[GUEST_REP_LEASE_B] != 0;
}

static bool demo_lease_b_faulted(void)
{
	return parts[1].cause_seen[CAUSE_LEASE_ENDED] != 0;
}

static bool bench_done(void)
{
	return parts[0].reports[GUEST_REP_BENCH] != 0;
}

static void sort32(uint32_t *v, uint32_t n)
{
	/* Shell sort: no recursion, no allocation. */
	for (uint32_t gap = n / 2u; gap > 0; gap /= 2u) {
		for (uint32_t i = gap; i < n; i++) {
			uint32_t x = v[i], j = i;

			while (j >= gap && v[j - gap] > x) {
				v[j] = v[j - gap];
				j -= gap;
			}
			v[j] = x;
		}
	}
}

static void report_series(const char *name, uint32_t *v, uint32_t n, uint32_t div)
{
	uint64_t med, p99, mn, mx;

	sort32(v, n);
	med = rvx_a64_ticks_to_ns(v[n / 2u]) / div;
	p99 = rvx_a64_ticks_to_ns(v[(n * 99u) / 100u]) / div;
	mn = rvx_a64_ticks_to_ns(v[0]) / div;
	mx = rvx_a64_ticks_to_ns(v[n - 1u]) / div;
	rvx_a64_printf("RVX-BENCH %s n=%u median_ns=%lu p99_ns=%lu min_ns=%lu max_ns=%lu\n", name,
			n, med, p99, mn, mx);
}

/* The switch alone, from EL2: save one task's EL1 state, load another's
 * and the other partition's VTTBR_EL2, ISB; timed with the counter. */
static void bench_raw_switch(uint32_t ta, uint32_t tb, uint32_t *v, uint32_t n, bool same_vm)
{
	uint64_t daif = rvx_a64_rt_lock();
	struct el1_ctx *ca = &el1[ta], *cb = &el1[tb];
	const struct vpart *pa = &parts[0], *pb = &parts[1];

	if (loaded_task != NONE)
		el1_save(&el1[loaded_task]);
	el1_load(ca, NULL);
	__asm__ volatile("msr vttbr_el2, %0\n\tisb" ::"r"(pa->vttbr));
	for (uint32_t i = 0; i < n; i++) {
		uint64_t t0, t1;
		const struct vpart *to = (i & 1u) || same_vm ? pa : pb;
		struct el1_ctx *from_c = (i & 1u) ? cb : ca, *to_c = (i & 1u) ? ca : cb;

		__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(t0)::"memory");
		el1_save(from_c);
		el1_load(to_c, from_c);
		__asm__ volatile("msr vttbr_el2, %0\n\tisb" ::"r"(to->vttbr) : "memory");
		__asm__ volatile("mrs %0, cntpct_el0" : "=r"(t1)::"memory");
		v[i] = (uint32_t)(t1 - t0);
	}
	/* Leave the registers as the lazy switch expects them. */
	el1_save((n & 1u) ? cb : ca);
	loaded_task = NONE;
	loaded_part = NONE;
	rvx_a64_rt_unlock(daif);
}

static void run_bench(void)
{
	static uint32_t raw[GUEST_SAMPLES];
	struct vpart *a = &parts[0], *b = &parts[1];
	struct guest_boot *ba, *bb;
	uint64_t clock = rvx_virt_root_caps()->clock.raw;
	uint64_t daif = rvx_a64_rt_lock();
	uint64_t qown = queue_new(4, RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT);
	struct rvx_syscall_capxfer xa[2] = {{clock, RVX_RIGHT_READ, 0},
					    {qown, RVX_RIGHT_READ | RVX_RIGHT_WRITE, 0}};
	uint64_t ca[2] = {0, 0}, cb[1] = {0};
	uint32_t n = GUEST_SAMPLES;
	uint32_t *s;
	uint64_t sw0;

	partitions_resume();
	ba = boot_block(a);
	bb = boot_block(b);
	spawn_guest(a, GUEST_ROLE_BENCH, xa, 2, ca, (const uint16_t[]){FIELD(clock), FIELD(q_own)});
	spawn_guest(b, GUEST_ROLE_BENCH_PEER, xa, 1, cb, (const uint16_t[]){FIELD(clock)});
	ba->magic = bb->magic = GUEST_MAGIC;
	ba->mem = a->mem;
	bb->mem = b->mem;
	ba->clock = ca[0];
	ba->q_own = ca[1];
	bb->clock = cb[0];
	ba->samples_n = n;
	ba->mode = bb->mode = 1;
	ba->part = 0;
	bb->part = 1;
	sw0 = switches_vm;
	rvx_a64_rt_unlock(daif);
	if (!wait_for("the benchmark", bench_done, 20000))
		rvx_a64_exit(8);
	s = (uint32_t *)(uintptr_t)(a->mem + GUEST_SAMPLES_OFF);
	rvx_a64_printf("RVX-BENCH info counter_hz=%lu vttbr_changes=%lu el1_loads=%lu\n",
			rvx_a64_counter_freq(), switches_vm - sw0, switches_el1);
	rvx_a64_printf("RVX-BENCH state-check part=A fp_simd_el1=%s part=B fp_simd_el1=%s\n",
			a->reports[GUEST_REP_STATE] != 0 && a->report_val[GUEST_REP_STATE] == 1
				? "ok"
				: "LOST",
			b->reports[GUEST_REP_STATE] == 0 ? "ok" : "LOST");
	report_series("partition-roundtrip", s, n, 1);
	report_series("partition-switch-via-trap", s, n, 2);
	report_series("hvc-null", s + n, n, 1);
	report_series("hvc-queue-send", s + 2u * n, n, 1);
	report_series("hvc-queue-recv", s + 3u * n, n, 1);
	bench_raw_switch(a->tasks[0], b->tasks[0], raw, n, false);
	report_series("switch-el1-vttbr", raw, n, 1);
	/* Control: the same EL1 switch with VTTBR_EL2 rewritten unchanged. */
	bench_raw_switch(a->tasks[0], b->tasks[0], raw, n, true);
	report_series("switch-el1-same-vmid", raw, n, 1);
	{
		uint64_t t0 = rvx_a64_counter(), t1;

		for (uint32_t i = 0; i < 1000u; i++)
			__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(t1)::"memory");
		rvx_a64_printf("RVX-BENCH counter-read n=1000 total_ns=%lu\n",
				rvx_a64_ticks_to_ns(t1 - t0));
	}
}

static void run_demo(void)
{
	struct vpart *a = &parts[0], *b = &parts[1];
	struct guest_boot *ba = boot_block(a), *bb = boot_block(b);
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
	uint32_t t_talk, t_listen;
	uint64_t hb0, hb1;
	struct rvx_hyp_edge_info ei;

	partitions_resume();
	t_talk = spawn_guest(a, GUEST_ROLE_TALK, talk, 5, ct, f_talk);
	spawn_guest(a, GUEST_ROLE_PROBE, probe, 1, cpa, f_probe);
	t_listen = spawn_guest(b, GUEST_ROLE_LISTEN, listen, 3, cl, f_listen);
	spawn_guest(b, GUEST_ROLE_PROBE, probe, 1, cpb, f_probe);
	edge_new(0, a, b, q_ab, t_talk, ct[1]);
	edge_new(1, b, a, q_ba, NONE, 0);
	edges[1].grant_task = t_talk;
	edges[1].grant_cap = ct[3];
	edges[1].grant_field = FIELD(q_send); /* the listener keeps its reply capability there */
	for (uint32_t i = 0; i < PARTS; i++) {
		struct guest_boot *g = boot_block(&parts[i]);
		const struct vpart *other = &parts[1u - i];

		g->magic = GUEST_MAGIC;
		g->part = i;
		g->vmid = parts[i].vmid;
		g->mem = parts[i].mem;
		g->other_mem = other->mem;
		g->kernel_mem = (uint64_t)(uintptr_t)K();
		g->device = rvx_a64_board.gicd.base;
		fill_state(&parts[i]);
	}
	/* Each task's own handles are in its boot block (spawn_guest); the
	 * probers get a handle of the other partition's table to misuse. */
	ba->peer_task = t_listen;
	ba->pings = PINGS;
	ba->foreign_cap = cl[1];
	bb->foreign_cap = ct[1];
	grant_lease(a, LEASE_NS);
	rvx_a64_rt_unlock(daif);

	if (!wait_for("the probes and the ping phase", demo_ready_to_inject, 5000))
		rvx_a64_exit(8);
	/* Steady state: checkpoint partition B, then inject crashes into it,
	 * once the probes' failures have left the policy's window. */
	sleep_ms(WINDOW_NS / MS + 10u);
	daif = rvx_a64_rt_lock();
	checkpoint(b);
	inject_left = 3;
	bb->inject_crash = 1;
	rvx_a64_rt_unlock(daif);
	hb0 = ba->heartbeat;
	rvx_a64_puts("RVX-INJECT part=B crashes=3 (stage-2 faults in its listener)\n");
	if (!wait_for("partition B's reconstruction", demo_crashes_done, 3000))
		rvx_a64_exit(8);
	recon_talk();
	rvx_a64_puts("RVX-INJECT part=B corrupt-state-region\n");
	bb->inject_corrupt = 1;
	if (!wait_for("partition B's region roll back", demo_rolled, 3000))
		rvx_a64_exit(8);
	if (!wait_for("partition A's lease fault", demo_lease_done, 3000))
		rvx_a64_exit(8);
	/* B's rebuilt listener tries a handle its previous incarnation held
	 * (after the ladder's window: a first failure, a task restart). */
	sleep_ms(WINDOW_NS / MS + 10u);
	daif = rvx_a64_rt_lock();
	bb->stale_cap = b->nstale > 1u ? b->stale[1] : 0;
	bb->probe_stale = 1;
	rvx_a64_rt_unlock(daif);
	rvx_a64_printf("RVX-RECON-STALE part=B handle=0x%lx (the receive capability of the "
			"listener before the reconstruction)\n",
			bb->stale_cap);
	if (!wait_for("partition B's use of a stale handle", demo_stale_refused, 3000))
		rvx_a64_exit(8);
	/* The UART is free again: lease it to B, and revoke the lease once B
	 * has used it. B's next use faults (after the ladder's window). */
	sleep_ms(WINDOW_NS / MS + 10u);
	daif = rvx_a64_rt_lock();
	grant_lease(b, UINT64_C(10000) * MS);
	bb->uart_step = 1;
	rvx_a64_rt_unlock(daif);
	if (!wait_for("partition B's use of its lease", demo_lease_b_used, 3000))
		rvx_a64_exit(8);
	daif = rvx_a64_rt_lock();
	revoke_lease(b);
	bb->uart_step = 3;
	rvx_a64_rt_unlock(daif);
	if (!wait_for("partition B's use after revocation", demo_lease_b_faulted, 3000))
		rvx_a64_exit(8);
	sleep_ms(10);
	hb1 = ba->heartbeat;
	rvx_a64_printf("RVX-HEARTBEAT part=A before=%lu after=%lu\n", hb0, hb1);
	/* Suspend A for 30 ms: its heartbeat stops, then goes on. */
	{
		uint64_t s0, s1, s2;
		int rc;

		daif = rvx_a64_rt_lock();
		rc = suspend_partition(a);
		s0 = ba->heartbeat;
		rvx_a64_rt_unlock(daif);
		if (rc != 0)
			rvx_a64_fail("suspending partition A", rc);
		sleep_ms(30);
		daif = rvx_a64_rt_lock();
		s1 = ba->heartbeat;
		rc = resume_partition(a);
		rvx_a64_rt_unlock(daif);
		if (rc != 0)
			rvx_a64_fail("resuming partition A", rc);
		sleep_ms(10);
		s2 = ba->heartbeat;
		rvx_a64_printf("RVX-SUSPEND part=A heartbeat at-suspend=%lu after-30ms=%lu "
				"after-resume=%lu\n",
				s0, s1, s2);
	}
	for (uint32_t e = 0; e < 2u; e++) {
		int rc;

		daif = rvx_a64_rt_lock();
		rc = rvx_hyp_edge_info(&hyp, edges[e].h, &ei);

		rvx_a64_rt_unlock(daif);
		if (rc == 0)
			rvx_a64_printf("RVX-EDGE %u %c->%c messages=%lu bytes=%lu\n", e,
					'A' + (char)rvx_handle_index(ei.a),
					'A' + (char)rvx_handle_index(ei.b), ei.messages, ei.bytes);
	}
	for (uint32_t i = 0; i < PARTS; i++) {
		const struct vpart *p = &parts[i];

		rvx_a64_printf("RVX-PART %c faults=%u restarts=%u reconstructs=%u rollbacks=%u "
				"probes=%lu region=0x%lx\n",
				pname(p), p->faults, p->restarts, p->reconstructs, p->rollbacks,
				p->report_val[GUEST_REP_PROBED], p->report_val[GUEST_REP_REGION]);
		for (uint32_t c = 1; c < CAUSE_COUNT; c++)
			if (p->cause_seen[c] != 0)
				rvx_a64_printf("RVX-STOPPED part=%c cause=%s count=%u\n", pname(p),
						cause_names[c], p->cause_seen[c]);
	}
}

/* Suspend, resume and destroy both partitions (their tasks are parked
 * in long waits by now and never run again), close the switch epoch. */
static void teardown(void)
{
	uint64_t daif = rvx_a64_rt_lock();
	int rc;

	rc = rvx_hyp_switch(&hyp, 0, RVX_HANDLE_NULL);
	if (loaded_task != NONE)
		el1_save(&el1[loaded_task]);
	loaded_task = NONE;
	loaded_part = NONE;
	rvx_a64_printf("RVX-ACT switch-summary part=- switches=%lu vttbr_loads=%lu el1_loads=%lu\n",
			hyp.epoch_switches, switches_vm, switches_el1);
	if (rc == 0)
		rc = rvx_hyp_epoch_close(&hyp, now_ns());
	for (uint32_t i = 0; rc == 0 && i < PARTS; i++) {
		rc = suspend_partition(&parts[i]);
		if (rc == 0)
			rc = resume_partition(&parts[i]);
	}
	/* Destroying a partition first ends its edges and leases. */
	for (uint32_t e = 0; rc == 0 && e < RVX_ARRAY_COUNT(edges); e++) {
		if (edges[e].live) {
			rvx_a64_printf("RVX-ACT edge-destroy part=%c edge=%u\n",
					pname(&parts[edges[e].from]), e);
			rc = rvx_hyp_edge_destroy(&hyp, edges[e].h, now_ns());
			edges[e].live = 0;
		}
	}
	for (uint32_t i = 0; rc == 0 && i < PARTS; i++) {
		for (uint32_t t = 0; t < parts[i].ntasks; t++)
			end_task(&parts[i], t, 0);
		rvx_a64_printf("RVX-ACT partition-destroy part=%c\n", pname(&parts[i]));
		rc = rvx_hyp_partition_destroy(&hyp, parts[i].h, now_ns());
	}
	part_mode = 0;
	el1_loads_at_teardown = switches_el1;
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("tearing the partitions down", rc);
}

void rvx_virt_part_main(uint32_t bench)
{
	rvx_a64_printf("RVX-PARTITIONS %s: 2 partitions at EL1 under stage 2, syscalls by HVC\n",
			bench ? "bench" : "demo");
	hyp_setup(bench ? 2u : 1u);
	partitions_create();
	if (bench)
		run_bench();
	else
		run_demo();
	teardown();
	/* Nothing of the partitions runs any more: a while for the proof. */
	sleep_ms(20);
	rvx_a64_printf("RVX-PARTITIONS done: %lu EL1 loads after the teardown\n",
			switches_el1 - el1_loads_at_teardown);
}
