/* SPDX-License-Identifier: Apache-2.0 */
#include "fake_arch.h"

struct fake fk;
struct rvx_part pl;
struct rvx_part_task fk_tasks[FK_TASKS];

static void log_call(uint32_t op, uint32_t a, uint64_t b, uint64_t c)
{
	cr_assert_lt(fk.ncalls, FK_CALLS, "call log full");
	fk.calls[fk.ncalls++] = (struct fk_call){op, a, b, c};
}

static int part_of_ipa(uint64_t ipa, uint64_t len, uint32_t *part, uint64_t *off)
{
	for (uint32_t i = 0; i < FK_PARTS; i++)
		if (ipa >= FK_MEM_BASE(i) && ipa - FK_MEM_BASE(i) <= FK_MEM &&
		    len <= FK_MEM - (ipa - FK_MEM_BASE(i))) {
			*part = i;
			*off = ipa - FK_MEM_BASE(i);
			return 0;
		}
	return -1;
}

/* ---- architecture ---- */

static void a_cpu_reset(void *ctx, uint32_t task, uint32_t part, uint32_t slot)
{
	(void)ctx;
	log_call(FK_CPU_RESET, task, part, slot);
}

static void a_cpu_save(void *ctx, uint32_t task)
{
	(void)ctx;
	log_call(FK_CPU_SAVE, task, 0, 0);
}

static void a_cpu_load(void *ctx, uint32_t task, uint32_t prev)
{
	(void)ctx;
	log_call(FK_CPU_LOAD, task, prev, 0);
}

static void a_vm_load(void *ctx, uint32_t cpu, uint32_t part)
{
	(void)ctx;
	log_call(FK_VM_LOAD, cpu, part, 0);
}

static int a_s2_reset(void *ctx, uint32_t part, uint32_t vmid)
{
	(void)ctx;
	log_call(FK_S2_RESET, part, vmid, 0);
	for (uint32_t i = 0; i < fk.nmaps; i++)
		if (fk.maps[i].part == part)
			fk.maps[i].live = 0;
	return 0;
}

static int a_s2_map(void *ctx, uint32_t part, const struct rvx_part_map *m)
{
	(void)ctx;
	log_call(FK_S2_MAP, part, m->ipa, m->size);
	if (fk.s2_map_rc != 0)
		return fk.s2_map_rc;
	cr_assert_lt(fk.nmaps, RVX_ARRAY_COUNT(fk.maps));
	fk.maps[fk.nmaps++] = (struct fk_map){*m, part, 1};
	return 0;
}

static int a_s2_unmap(void *ctx, uint32_t part, uint64_t ipa, uint64_t size)
{
	(void)ctx;
	log_call(FK_S2_UNMAP, part, ipa, size);
	for (uint32_t i = 0; i < fk.nmaps; i++)
		if (fk.maps[i].part == part && fk.maps[i].m.ipa == ipa)
			fk.maps[i].live = 0;
	return 0;
}

static void a_s2_sync(void *ctx, uint32_t part)
{
	(void)ctx;
	log_call(FK_S2_SYNC, part, 0, 0);
}

static void a_trap_decode(void *ctx, uint32_t cpu, struct rvx_part_trap *out)
{
	(void)ctx;
	log_call(FK_TRAP_DECODE, cpu, fk.trap.kind, 0);
	*out = fk.trap;
}

static int a_guest_read(void *ctx, uint32_t part, uint64_t ipa, void *dst, size_t len)
{
	uint32_t p;
	uint64_t off;

	(void)ctx;
	/* lib/part checked the range; the fake checks it checked right. */
	cr_assert_eq(part_of_ipa(ipa, len, &p, &off), 0, "read outside partition memory");
	cr_assert_eq(p, part, "read from another partition's memory");
	memcpy(dst, &fk.mem[p][off], len);
	return 0;
}

static int a_guest_write(void *ctx, uint32_t part, uint64_t ipa, const void *src, size_t len)
{
	uint32_t p;
	uint64_t off;

	(void)ctx;
	cr_assert_eq(part_of_ipa(ipa, len, &p, &off), 0, "write outside partition memory");
	cr_assert_eq(p, part, "write into another partition's memory");
	memcpy(&fk.mem[p][off], src, len);
	return 0;
}

static bool a_guest_check(void *ctx, uint32_t part, uint64_t ipa, uint64_t len, bool write)
{
	(void)ctx;
	(void)part;
	(void)ipa;
	(void)len;
	(void)write;
	fk.checks++;
	return !fk.check_refuse;
}

static void a_kick(void *ctx, uint32_t cpu)
{
	(void)ctx;
	log_call(FK_KICK, cpu, 0, 0);
}

const struct rvx_part_arch_ops fk_arch = {
	a_cpu_reset, a_cpu_save, a_cpu_load, a_vm_load, a_s2_reset, a_s2_map,
	a_s2_unmap, a_s2_sync, a_trap_decode, a_guest_read, a_guest_write, a_kick,
	a_guest_check,
};

/* ---- kernel ---- */

static int guest_call(uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
		      struct rvx_syscall_result *r)
{
	int rc = fk.guest_rc;

	(void)a;
	fk.guest_rc = 0;
	if (rc != 0)
		return rc;
	if (fk.blocked) {
		fk.blocked = 0;
		r->status = RVX_SYSCALL_BLOCKED;
		return 0;
	}
	if (nr == RVX_SYS_REGION_MAP || nr == RVX_SYS_CAP_GRANT) {
		r->value[0] = fk.next_handle++;
		if (nr == RVX_SYS_CAP_GRANT && a->arg[0] < FK_TASKS)
			fk.cap_gen[a->arg[0]]++;
		else
			fk.cap_gen[task]++;
	}
	return 0;
}

/* The kernel's per-queue send counts: a queue is named by the root's
 * handle on it; a sender's handle counts for the queue fk_alias() gave it
 * (else for itself). */
static uint64_t queue_of(uint64_t cap)
{
	for (uint32_t i = 0; i < fk.alias_count; i++)
		if (fk.alias[i][0] == cap)
			return fk.alias[i][1];
	return cap;
}

static void count_send(uint64_t cap, uint64_t bytes)
{
	uint64_t q = queue_of(cap);
	uint32_t i;

	for (i = 0; i < fk.traffic_count; i++)
		if (fk.traffic[i].queue == q)
			break;
	if (i == fk.traffic_count) {
		if (i == FK_QUEUES)
			return;
		fk.traffic[i].queue = q;
		fk.traffic_count++;
	}
	fk.traffic[i].messages++;
	fk.traffic[i].bytes += bytes;
}

static int k_queue_traffic(void *ctx, uint64_t queue_cap, uint64_t *messages, uint64_t *bytes)
{
	(void)ctx;
	*messages = 0;
	*bytes = 0;
	for (uint32_t i = 0; i < fk.traffic_count; i++) {
		if (fk.traffic[i].queue == queue_cap) {
			*messages = fk.traffic[i].messages;
			*bytes = fk.traffic[i].bytes;
		}
	}
	return 0;
}

void fk_alias(uint64_t sender_cap, uint64_t queue_cap)
{
	if (fk.alias_count < FK_QUEUES) {
		fk.alias[fk.alias_count][0] = sender_cap;
		fk.alias[fk.alias_count][1] = queue_cap;
		fk.alias_count++;
	}
}

static int k_syscall(void *ctx, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
		     struct rvx_syscall_result *r)
{
	(void)ctx;
	log_call(FK_SYSCALL, task, nr, a->cap);
	cr_assert_eq(a->version, RVX_SYSCALL_VERSION);
	memset(r, 0, sizeof(*r));
	r->version = RVX_SYSCALL_VERSION;
	if (nr == RVX_SYS_QUEUE_SEND)
		count_send(a->cap, a->in_len); /* the kernel's one count */
	if (task != 0 && nr != RVX_SYS_CAP_GRANT)
		return guest_call(task, nr, a, r);
	switch (nr) {
	case RVX_SYS_TASK_SPAWN: {
		uint32_t t;
		uint64_t *out = (uint64_t *)(uintptr_t)a->out;

		if (fk.spawn_rc != 0)
			return fk.spawn_rc;
		t = a->arg[5] != 0 ? (uint32_t)a->arg[5] - 1u : fk.next_task++;
		if (fk.spawn_task_out_of_range)
			t = FK_TASKS + 5u;
		else
			fk.alive[t] = 1;
		if (t < FK_TASKS)
			fk.cpu_of[t] = (uint32_t)a->arg[4];
		for (uint64_t i = 0; i < a->out_len / 8u; i++)
			out[i] = fk.next_handle++;
		r->value[0] = t;
		return 0;
	}
	case RVX_SYS_CAP_GRANT:
		if (fk.grant_rc != 0)
			return fk.grant_rc;
		return guest_call(task, nr, a, r);
	case RVX_SYS_QUEUE_RECV:
		if (fk.queued == 0)
			return -RVX_EEMPTY;
		fk.queued--;
		return 0;
	case RVX_SYS_QUEUE_SEND:
		fk.queued++;
		return 0;
	default:
		return guest_call(task, nr, a, r);
	}
}

static int k_task_exit(void *ctx, uint32_t task, int32_t code)
{
	(void)ctx;
	log_call(FK_TASK_EXIT, task, (uint64_t)(int64_t)code, 0);
	if (fk.exit_rc != 0)
		return fk.exit_rc;
	if (task < FK_TASKS) {
		fk.alive[task] = 0;
		fk.cap_gen[task]++;
	}
	return 0;
}

static int k_task_exit_check(void *ctx, const uint32_t *tasks, uint32_t n)
{
	(void)ctx;
	if (fk.exit_check_rc != 0)
		return fk.exit_check_rc;
	for (uint32_t i = 0; i < n; i++)
		if (tasks[i] >= FK_TASKS || !fk.alive[tasks[i]])
			return -RVX_EINVAL;
	return 0;
}

static void k_task_restart(void *ctx, uint32_t task)
{
	(void)ctx;
	log_call(FK_TASK_RESTART, task, 0, 0);
}

static int k_hold(void *ctx, uint32_t task)
{
	(void)ctx;
	log_call(FK_HOLD, task, 0, 0);
	fk.held[task] = 1;
	return 0;
}

static int k_release(void *ctx, uint32_t task)
{
	(void)ctx;
	log_call(FK_RELEASE, task, 0, 0);
	fk.held[task] = 0;
	return 0;
}

static int k_migrate_check(void *ctx, uint32_t task, uint32_t cpu)
{
	(void)ctx;
	(void)cpu;
	if (fk.migrate_rc != 0)
		return fk.migrate_rc;
	return fk.running[task] ? -RVX_EBUSY : 0;
}

static int k_migrate(void *ctx, uint32_t task, uint32_t cpu)
{
	int rc = k_migrate_check(ctx, task, cpu);

	log_call(FK_MIGRATE, task, cpu, 0);
	if (rc == 0)
		fk.cpu_of[task] = cpu;
	return rc;
}

static void k_caps_digest(void *ctx, const uint32_t *tasks, uint32_t count, uint8_t out[32])
{
	uint64_t h = UINT64_C(1469598103934665603);

	(void)ctx;
	for (uint32_t i = 0; i < count; i++)
		h = (h ^ ((uint64_t)tasks[i] << 32 | fk.cap_gen[tasks[i]])) * UINT64_C(1099511628211);
	memset(out, 0, 32);
	memcpy(out, &h, 8);
}

static int k_cap_object(void *ctx, uint32_t task, uint64_t handle, uint64_t *object,
			uint32_t *index)
{
	(void)ctx;
	(void)task;
	*object = handle | UINT64_C(0x1000000000);
	*index = (uint32_t)(handle & 0xffu);
	return 0;
}

struct fk_rec recs[256];
uint32_t nrecs;

static void k_record(void *ctx, uint16_t kind, uint32_t actor, uint64_t target, const void *args,
		     uint32_t len)
{
	(void)ctx;
	log_call(FK_RECORD, actor, kind, target);
	cr_assert_leq(len, 64u, "a port record holds 64 bytes at most (RVX_KERNEL_PORT_RECORD_MAX)");
	cr_assert_lt(nrecs, RVX_ARRAY_COUNT(recs));
	recs[nrecs] = (struct fk_rec){kind, actor, {0}};
	memcpy(recs[nrecs].args, args, len < sizeof(recs[0].args) ? len : sizeof(recs[0].args));
	nrecs++;
}

static void digest(const uint8_t *m, size_t n, uint8_t out[32])
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (size_t i = 0; i < n; i++)
		h = (h ^ m[i]) * UINT64_C(1099511628211);
	memset(out, 0, 32);
	memcpy(out, &h, 8);
}

static int k_snap_save(void *ctx, uint32_t part, uint8_t d[32])
{
	(void)ctx;
	log_call(FK_SNAP_SAVE, part, 0, 0);
	memcpy(fk.ckpt[part], fk.mem[part], FK_MEM);
	fk.has_ckpt[part] = 1;
	digest(fk.ckpt[part], FK_MEM, d);
	return 0;
}

static int k_snap_digest(void *ctx, uint32_t part, uint8_t d[32])
{
	(void)ctx;
	if (!fk.has_ckpt[part])
		return -RVX_ENOENT;
	digest(fk.ckpt[part], FK_MEM, d);
	return 0;
}

static int k_snap_restore(void *ctx, uint32_t part, uint64_t off, uint64_t len)
{
	(void)ctx;
	log_call(FK_SNAP_RESTORE, part, off, len);
	cr_assert_leq(off + len, FK_MEM);
	memcpy(&fk.mem[part][off], &fk.ckpt[part][off], len);
	return 0;
}

static int k_snap_compare(void *ctx, uint32_t part, uint64_t off, uint64_t len)
{
	(void)ctx;
	return memcmp(&fk.mem[part][off], &fk.ckpt[part][off], len) != 0;
}

static void k_handle_out(void *ctx, uint32_t part, uint16_t where, uint64_t handle)
{
	(void)ctx;
	log_call(FK_HANDLE_OUT, part, where, handle);
	cr_assert_lt(where / 8u, 64u);
	fk.published[part][where / 8u] = handle;
}

static void k_reboot(void *ctx)
{
	(void)ctx;
	log_call(FK_REBOOT, 0, 0, 0);
}

static int k_task_scores(void *ctx, uint32_t task, uint32_t pressure, uint32_t risk)
{
	(void)ctx;
	cr_assert_lt(task, FK_TASKS);
	fk.pressure[task] = pressure;
	fk.risk[task] = risk;
	fk.scored[task]++;
	return 0;
}

void fk_traffic_add(uint64_t queue_cap, uint64_t messages, uint64_t bytes)
{
	uint32_t i;

	for (i = 0; i < fk.traffic_count; i++)
		if (fk.traffic[i].queue == queue_cap)
			break;
	if (i == fk.traffic_count) {
		cr_assert_lt(i, FK_QUEUES);
		fk.traffic[i].queue = queue_cap;
		fk.traffic_count++;
	}
	fk.traffic[i].messages += messages;
	fk.traffic[i].bytes += bytes;
}

static uint64_t k_now(void *ctx)
{
	(void)ctx;
	return fk.now;
}

const struct rvx_part_kernel_ops fk_kern = {
	.queue_traffic = k_queue_traffic,
	.syscall = k_syscall,
	.task_exit = k_task_exit,
	.task_exit_check = k_task_exit_check,
	.task_restart = k_task_restart,
	.hold_task = k_hold,
	.release_task = k_release,
	.task_migrate_check = k_migrate_check,
	.task_migrate = k_migrate,
	.caps_digest = k_caps_digest,
	.cap_object = k_cap_object,
	.record = k_record,
	.snapshot_save = k_snap_save,
	.snapshot_digest = k_snap_digest,
	.snapshot_restore = k_snap_restore,
	.snapshot_compare = k_snap_compare,
	.handle_out = k_handle_out,
	.reboot = k_reboot,
	.now = k_now,
	.trace = NULL,
	.task_scores = k_task_scores,
};

/* ---- helpers ---- */

void fk_setup(void)
{
	struct rvx_part_config cfg;

	fk_config(&cfg);
	cr_assert_eq(rvx_part_init(&pl, &cfg, &fk_arch, &fk_kern, &fk, fk_tasks, FK_TASKS), 0);
}

void fk_config(struct rvx_part_config *out)
{
	struct rvx_part_config cfg;

	memset(&fk, 0, sizeof(fk));
	memset(&pl, 0x5a, sizeof(pl)); /* init must clear it */
	nrecs = 0;
	fk.next_task = 1;
	fk.next_handle = 0x100;
	fk.now = 1000;
	memset(&cfg, 0, sizeof(cfg));
	cfg.cpu_count = 2;
	cfg.policy = (struct rvx_hyp_policy){50, 2, 1};
	cfg.epoch_ns = 100;
	cfg.text_base = FK_TEXT;
	cfg.text_size = 0x4000;
	cfg.text_perms = 5;
	cfg.mem_perms = 3;
	cfg.normal_memtype = 1;
	cfg.device_memtype = 2;
	cfg.device_perms = 3;
	cfg.region_where = 16;
	cfg.spawn_cap = 0x77;
	cfg.kernel_base = FK_KERNEL;
	cfg.kernel_size = 0x1000000;
	cfg.device_count = 2;
	cfg.devices[0] = (struct rvx_part_device){FK_DEV_UART, 0, FK_UART, 0x1000};
	cfg.devices[1] = (struct rvx_part_device){FK_DEV_GIC, 0, FK_GIC, 0x10000};
	*out = cfg;
}

void fk_parts(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t index;

		cr_assert_eq(rvx_part_create(&pl, i + 1u, FK_MEM_BASE(i), FK_MEM, 0, &index), 0);
		cr_assert_eq(index, i);
		cr_assert_eq(rvx_part_resume(&pl, i, 0), 0);
	}
}

uint32_t fk_spawn(uint32_t part, uint32_t role)
{
	struct rvx_syscall_capxfer x[1] = {{0x55, RVX_RIGHT_WRITE, 0}};
	uint16_t where[1] = {8};
	uint64_t child[1];
	uint32_t task;

	cr_assert_eq(rvx_part_spawn(&pl, part, role, x, 1, where, child, &task), 0);
	return task;
}

uint32_t fk_count(uint32_t op)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < fk.ncalls; i++)
		n += fk.calls[i].op == op;
	return n;
}

uint32_t fk_records(uint16_t kind)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < nrecs; i++)
		n += recs[i].kind == kind;
	return n;
}

void fk_clear(void)
{
	fk.ncalls = 0;
	nrecs = 0;
}

const struct fk_map *fk_map_at(uint32_t part, uint64_t ipa)
{
	for (uint32_t i = 0; i < fk.nmaps; i++)
		if (fk.maps[i].live && fk.maps[i].part == part && ipa >= fk.maps[i].m.ipa &&
		    ipa - fk.maps[i].m.ipa < fk.maps[i].m.size)
			return &fk.maps[i];
	return NULL;
}

void fk_put(uint32_t part, uint64_t off, const void *a, size_t len)
{
	memcpy(&fk.mem[part][off], a, len);
}

void fk_trap_syscall(uint32_t part, uint32_t nr, uint64_t args, uint64_t res)
{
	(void)part;
	memset(&fk.trap, 0, sizeof(fk.trap));
	fk.trap.kind = RVX_PART_TRAP_SYSCALL;
	fk.trap.nr = nr;
	fk.trap.x[0] = args;
	fk.trap.x[1] = res;
}

void fk_trap_abort(uint64_t addr, bool write)
{
	memset(&fk.trap, 0, sizeof(fk.trap));
	fk.trap.kind = RVX_PART_TRAP_ABORT;
	fk.trap.addr = addr;
	fk.trap.write = write;
}
