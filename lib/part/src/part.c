/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The partition layer: set-up and its journals, the switch, the hold of a
 * suspended partition's tasks, the tick, teardown. The trap path and the
 * recovery ladder are in trap.c and recover.c.
 *
 * No locks: the embedder serialises every call on one struct rvx_part
 * (every CPU's calls: the virt port's kernel lock).
 */
#include "part_internal.h"

#include "ruvix/witness.h"

uint16_t rvx_part_witness_kind(uint16_t kind)
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
	default: return (uint16_t)(RVX_HYP_WITNESS_KIND_BASE + kind);
	}
}

/* Every lib/hyp event becomes one record: actor = partition index, target =
 * the object's handle, arguments = the event's time and canonical bytes. */
static void hyp_emit(void *ctx, const struct rvx_hyp_event *ev)
{
	struct rvx_part *pl = ctx;
	uint8_t args[8 + RVX_HYP_EVENT_ARGS_MAX];

	memcpy(args, &ev->time, 8);
	memcpy(args + 8, ev->args, ev->args_len);
	pl->kern->record(pl->ctx, rvx_part_witness_kind(ev->kind), ev->partition, ev->target, args,
			 8u + ev->args_len);
}

static bool ops_complete(const struct rvx_part_arch_ops *a, const struct rvx_part_kernel_ops *k)
{
	return a->cpu_reset && a->cpu_save && a->cpu_load && a->vm_load && a->s2_reset &&
	       a->s2_map && a->s2_unmap && a->s2_sync && a->trap_decode && a->guest_read &&
	       a->guest_write && a->kick && k->syscall && k->task_exit && k->task_exit_check &&
	       k->task_restart &&
	       k->hold_task && k->release_task && k->task_migrate_check && k->task_migrate &&
	       k->caps_digest && k->cap_object && k->record &&
	       k->snapshot_save && k->snapshot_digest && k->snapshot_restore &&
	       k->snapshot_compare && k->handle_out && k->reboot && k->now;
}

/* The CPUs' nodes: each below node_count, each node with a CPU, nothing
 * set beyond the CPUs or with a single node. */
static bool node_map_ok(const struct rvx_part_config *cfg)
{
	uint64_t seen = 0;

	if (cfg->reserved2 != 0 || cfg->node_count > cfg->cpu_count ||
	    cfg->node_count > RVX_CONFIG_HYP_MAX_CPUS)
		return false;
	for (uint32_t c = 0; c < RVX_CONFIG_HYP_MAX_CPUS; c++) {
		uint32_t n = cfg->cpu_node[c];

		if (n != 0 && (c >= cfg->cpu_count || cfg->node_count <= 1u || n >= cfg->node_count))
			return false;
		if (c < cfg->cpu_count)
			seen |= UINT64_C(1) << n;
	}
	return cfg->node_count <= 1u || seen == (UINT64_C(1) << cfg->node_count) - 1u;
}

int rvx_part_init(struct rvx_part *pl, const struct rvx_part_config *cfg,
		  const struct rvx_part_arch_ops *arch, const struct rvx_part_kernel_ops *kern,
		  void *ctx, struct rvx_part_task *tasks, uint32_t task_count)
{
	struct rvx_hyp_config hc;
	struct rvx_hyp_sink sink;
	struct rvx_hyp scratch;
	int rc;

	/* Check. */
	if (pl == NULL || cfg == NULL || arch == NULL || kern == NULL || tasks == NULL ||
	    task_count == 0 || task_count > 65535u || !ops_complete(arch, kern) ||
	    cfg->device_count > RVX_PART_DEVICES || cfg->text_size == 0 ||
	    cfg->text_base + cfg->text_size < cfg->text_base || cfg->epoch_ns == 0 ||
	    cfg->reserved != 0)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < cfg->device_count; i++)
		if (cfg->devices[i].id > 31u || cfg->devices[i].size == 0 ||
		    cfg->devices[i].reserved != 0)
			return -RVX_EINVAL;
	if (!node_map_ok(cfg))
		return -RVX_EINVAL;
	memset(&hc, 0, sizeof(hc));
	hc.cpu_count = cfg->cpu_count;
	hc.policy = cfg->policy;
	sink.emit = hyp_emit;
	sink.ctx = pl;
	/* lib/hyp's own checks, on scratch storage so a refusal changes nothing. */
	{
		struct rvx_hyp_partition sp[1];
		struct rvx_hyp_edge se[1];

		rc = rvx_hyp_init(&scratch, &hc, sp, 1, se, 1, &sink);
		if (rc != 0)
			return rc;
	}

	/* Commit. */
	memset(pl, 0, sizeof(*pl));
	memset(tasks, 0, (size_t)task_count * sizeof(*tasks));
	rc = rvx_hyp_init(&pl->hyp, &hc, pl->hyp_parts, RVX_CONFIG_PART_MAX_PARTITIONS,
			  pl->hyp_edges, RVX_CONFIG_PART_EDGES, &sink);
	RVX_CHECK(rc == 0);
	pl->arch = arch;
	pl->kern = kern;
	pl->ctx = ctx;
	pl->cfg = *cfg;
	pl->tasks = tasks;
	pl->task_count = task_count;
	pl->active = 1;
	for (uint32_t c = 0; c < RVX_CONFIG_HYP_MAX_CPUS; c++) {
		pl->loaded_task[c] = RVX_HYP_NONE;
		pl->shadow_task[c] = RVX_HYP_NONE;
		pl->loaded_part[c] = RVX_HYP_NONE;
	}
	pl->epoch_started = kern->now(ctx);
	return 0;
}

/* Map @p m into @p p's stage-2 and, when @p journal, into its mapping
 * journal (the caller checked there is room). */
int rvx_part_s2_map_(struct rvx_part *pl, struct rvx_part_partition *p,
		     const struct rvx_part_map *m, bool journal)
{
	int rc = pl->arch->s2_map(pl->ctx, rvx_part_index_(pl, p), m);

	if (rc == 0 && journal)
		p->maps[p->map_count++] = *m;
	return rc;
}

static bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

/* What both kinds of partition share once their own checks passed: a free
 * slot, the stage-2 tables built from @p maps (the port's, and not yet
 * anyone's: building them is the last check), then the commit. */
static int create_(struct rvx_part *pl, uint32_t vmid, uint64_t ipa, uint64_t size,
		   const struct rvx_part_map *maps, uint32_t count, uint32_t flags, uint8_t layout,
		   uint32_t *index)
{
	struct rvx_hyp_partition_config pc;
	struct rvx_part_partition *p;
	uint32_t i;
	int rc;

	if (pl->part_count >= RVX_CONFIG_PART_MAX_PARTITIONS)
		return -RVX_ENOMEM;
	i = pl->part_count;
	rc = pl->arch->s2_reset(pl->ctx, i, vmid);
	for (uint32_t m = 0; rc == 0 && m < count; m++)
		rc = pl->arch->s2_map(pl->ctx, i, &maps[m]);
	if (rc != 0)
		return rc;
	/* Its capability root: the tables of the tasks spawned into scheduler
	 * partition index + 1 (the root task is in 0). */
	pc = (struct rvx_hyp_partition_config){(uint16_t)vmid, (uint16_t)flags, i + 1u};

	/* Commit. */
	p = &pl->parts[i];
	memset(p, 0, sizeof(*p));
	rc = rvx_hyp_partition_create(&pl->hyp, &pc, pl->kern->now(pl->ctx), &p->h);
	RVX_CHECK(rc == 0); /* free slot and unique VMID checked before */
	p->live = 1;
	p->flags = flags;
	p->layout = layout;
	p->vmid = vmid;
	p->mem = ipa;
	p->mem_size = size;
	memcpy(p->maps, maps, (size_t)count * sizeof(maps[0]));
	p->map_count = count;
	pl->part_count++;
	*index = i;
	return 0;
}

int rvx_part_create(struct rvx_part *pl, uint32_t vmid, uint64_t mem, uint64_t mem_size,
		    uint32_t flags, uint32_t *index)
{
	struct rvx_part_map maps[2];
	uint32_t i;

	/* Check. */
	if (pl == NULL || index == NULL || vmid == 0 || vmid > UINT16_MAX || mem_size == 0 ||
	    (flags & ~(uint32_t)RVX_PART_STOPPABLE) != 0 ||
	    (mem & 4095u) != 0 || (mem_size & 4095u) != 0 || mem + mem_size < mem ||
	    overlaps(mem, mem_size, pl->cfg.text_base, pl->cfg.text_size))
		return -RVX_EINVAL;
	if (!pl->active)
		return -RVX_EPERM;
	for (i = 0; i < pl->part_count; i++) {
		if (overlaps(mem, mem_size, pl->parts[i].mem, pl->parts[i].mem_size))
			return -RVX_EINVAL;
		if (pl->parts[i].vmid == vmid)
			return -RVX_EEXIST;
	}
	/* The shared text, then its own memory, identity-mapped. */
	maps[0] = (struct rvx_part_map){pl->cfg.text_base, pl->cfg.text_size, pl->cfg.text_perms,
					pl->cfg.normal_memtype, 1, 0, {0}, pl->cfg.text_base};
	maps[1] = (struct rvx_part_map){mem, mem_size, pl->cfg.mem_perms, pl->cfg.normal_memtype, 1,
					0, {0}, mem};
	return create_(pl, vmid, mem, mem_size, maps, 2, flags, 0, index);
}

int rvx_part_create_layout(struct rvx_part *pl, uint32_t vmid, uint64_t ipa, uint64_t size,
			   const struct rvx_part_map *maps, uint32_t count, uint32_t flags,
			   uint32_t *index)
{
	uint32_t i;

	/* Check. */
	if (pl == NULL || index == NULL || maps == NULL || vmid == 0 || vmid > UINT16_MAX ||
	    size == 0 || (ipa & 4095u) != 0 || (size & 4095u) != 0 || ipa + size < ipa ||
	    count == 0 || count >= RVX_CONFIG_PART_MAPS ||
	    (flags & ~(uint32_t)RVX_PART_STOPPABLE) != 0)
		return -RVX_EINVAL;
	for (i = 0; i < count; i++) {
		const struct rvx_part_map *m = &maps[i];

		if (m->size == 0 || ((m->ipa | m->size | m->pa) & 4095u) != 0 || !m->live ||
		    m->lease || !rvx_part_in_range_(m->ipa, m->size, ipa, size))
			return -RVX_EINVAL;
	}
	if (!pl->active)
		return -RVX_EPERM;
	for (i = 0; i < pl->part_count; i++)
		if (pl->parts[i].vmid == vmid)
			return -RVX_EEXIST;
	return create_(pl, vmid, ipa, size, maps, count, flags, 1, index);
}

int rvx_part_map_add(struct rvx_part *pl, uint32_t part, const struct rvx_part_map *m)
{
	struct rvx_part_partition *p;

	if (pl == NULL || m == NULL || m->size == 0 || ((m->ipa | m->size | m->pa) & 4095u) != 0 ||
	    m->ipa + m->size < m->ipa || !m->live || m->lease)
		return -RVX_EINVAL;
	p = rvx_part_get_(pl, part);
	if (p == NULL)
		return -RVX_ENOENT;
	if (p->stopped)
		return -RVX_EPERM;
	if (p->map_count >= RVX_CONFIG_PART_MAPS)
		return -RVX_ELIMIT;
	return rvx_part_s2_map_(pl, p, m, true);
}

int rvx_part_adopt(struct rvx_part *pl, uint32_t part, uint32_t task, uint32_t role)
{
	struct rvx_part_partition *p;
	uint32_t slot;

	/* Check. */
	if (pl == NULL || task >= pl->task_count)
		return -RVX_EINVAL;
	p = rvx_part_get_(pl, part);
	if (p == NULL)
		return -RVX_ENOENT;
	if (pl->tasks[task].part != 0)
		return -RVX_EEXIST;
	if (p->stopped)
		return -RVX_EPERM;
	if (p->task_count >= RVX_CONFIG_PART_TASKS)
		return -RVX_ELIMIT;

	/* Commit. */
	slot = p->task_count++;
	pl->tasks[task].part = (uint8_t)(part + 1u);
	pl->tasks[task].slot = (uint8_t)slot;
	pl->tasks[task].cpu = 0;
	p->tasks[slot] = task;
	p->roles[slot] = role;
	p->alive[slot] = 1;
	p->adopted++;
	p->journal_lost = 1; /* no spawn entry: reconstruction would not be faithful */
	RVX_PART_TRACE(pl, "partition %c: task %u (role %u) adopted at EL1\n",
		       RVX_PART_NAME(part), task, role);
	return 0;
}

struct rvx_part_jentry *rvx_part_journal_add_(struct rvx_part_partition *p, uint32_t kind,
					       uint32_t slot)
{
	struct rvx_part_jentry *j;

	if (p->journal_count >= RVX_CONFIG_PART_JOURNAL) {
		p->journal_lost = 1; /* reconstruction would not be faithful: refused */
		return NULL;
	}
	j = &p->journal[p->journal_count++];
	memset(j, 0, sizeof(*j));
	j->kind = kind;
	j->live = 1;
	j->slot = slot;
	j->edge = RVX_HYP_NONE;
	for (uint32_t i = 0; i < RVX_PART_SPAWN_CAPS; i++)
		j->where[i] = RVX_PART_NOWHERE;
	return j;
}

const struct rvx_part_jentry *rvx_part_journal_spawn_(const struct rvx_part_partition *p,
						      uint32_t slot)
{
	for (uint32_t i = 0; i < p->journal_count; i++)
		if (p->journal[i].kind == RVX_PART_J_SPAWN && p->journal[i].live &&
		    p->journal[i].slot == slot)
			return &p->journal[i];
	return NULL;
}

void rvx_part_syscall_args_(struct rvx_syscall_args *a)
{
	memset(a, 0, sizeof(*a));
	a->version = RVX_SYSCALL_VERSION;
}

/* TaskSpawn by the root for journal entry @p j into @p slot, as task
 * @p index (RVX_HYP_NONE: the lowest free one). 0 and the task id in
 * @p task, or the kernel's error with nothing changed here. */
int rvx_part_spawn_slot_(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t slot,
			 struct rvx_part_jentry *j, uint32_t index, uint32_t *task)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	uint32_t pi = rvx_part_index_(pl, p);
	uint64_t child[RVX_PART_SPAWN_CAPS];
	uint32_t t;
	int rc;

	rvx_part_syscall_args_(&a);
	a.cap = pl->cfg.spawn_cap;
	a.arg[0] = j->role;
	a.arg[1] = 1;
	a.arg[3] = pi + 1u;
	a.arg[4] = p->cpu;
	a.arg[5] = index == RVX_HYP_NONE ? 0u : (uint64_t)index + 1u;
	a.in = (uint64_t)(uintptr_t)j->x;
	a.in_len = (uint64_t)j->nx * sizeof(j->x[0]);
	a.out = (uint64_t)(uintptr_t)child;
	a.out_len = (uint64_t)j->nx * sizeof(uint64_t);
	rc = pl->kern->syscall(pl->ctx, 0, RVX_SYS_TASK_SPAWN, &a, &r);
	if (rc != 0)
		return rc;
	t = (uint32_t)r.value[0];
	if (t >= pl->task_count) {
		(void)pl->kern->task_exit(pl->ctx, t, 0);
		return -RVX_ELIMIT;
	}
	memcpy(j->child, child, (size_t)j->nx * sizeof(child[0]));
	pl->tasks[t].part = (uint8_t)(pi + 1u);
	pl->tasks[t].slot = (uint8_t)slot;
	pl->tasks[t].cpu = 0;
	p->tasks[slot] = t;
	p->roles[slot] = j->role;
	p->alive[slot] = 1;
	for (uint32_t i = 0; i < j->nx; i++)
		if (j->where[i] != RVX_PART_NOWHERE)
			pl->kern->handle_out(pl->ctx, pi, j->where[i], j->child[i]);
	*task = t;
	return 0;
}

int rvx_part_spawn(struct rvx_part *pl, uint32_t part, uint32_t role,
		   const struct rvx_syscall_capxfer *x, uint32_t nx, const uint16_t *where,
		   uint64_t *child, uint32_t *task)
{
	struct rvx_part_partition *p;
	struct rvx_part_jentry *j;
	uint32_t slot;
	int rc;

	/* Check. */
	if (pl == NULL || task == NULL || nx > RVX_PART_SPAWN_CAPS ||
	    (nx > 0 && (x == NULL || where == NULL || child == NULL)))
		return -RVX_EINVAL;
	p = rvx_part_get_(pl, part);
	if (p == NULL)
		return -RVX_ENOENT;
	if (p->stopped)
		return -RVX_EPERM;
	if (p->task_count >= RVX_CONFIG_PART_TASKS || p->journal_count >= RVX_CONFIG_PART_JOURNAL)
		return -RVX_ELIMIT;
	slot = p->task_count;

	/* The journal entry is written first but counted only if the spawn
	 * succeeds: a refused spawn leaves the journal as it was. */
	j = &p->journal[p->journal_count];
	{
		struct rvx_part_jentry saved = *j;

		memset(j, 0, sizeof(*j));
		j->kind = RVX_PART_J_SPAWN;
		j->live = 1;
		j->slot = slot;
		j->edge = RVX_HYP_NONE;
		j->role = role;
		j->nx = nx;
		for (uint32_t i = 0; i < RVX_PART_SPAWN_CAPS; i++)
			j->where[i] = i < nx ? where[i] : RVX_PART_NOWHERE;
		if (nx > 0)
			memcpy(j->x, x, (size_t)nx * sizeof(*x));
		rc = rvx_part_spawn_slot_(pl, p, slot, j, RVX_HYP_NONE, task);
		if (rc != 0) {
			*j = saved;
			return rc;
		}
	}

	/* Commit. */
	p->journal_count++;
	p->task_count++;
	if (nx > 0)
		memcpy(child, j->child, (size_t)nx * sizeof(*child));
	RVX_PART_TRACE(pl, "partition %c: task %u (role %u) at EL1, %u capabilities\n",
		       RVX_PART_NAME(part), *task, role, nx);
	return 0;
}

int rvx_part_edge_create(struct rvx_part *pl, uint32_t from, uint32_t to, uint64_t root_cap,
			 uint32_t sender, uint64_t sender_cap, uint32_t *edge)
{
	struct rvx_part_partition *pf, *pt;
	struct rvx_part_edge *e = NULL;
	uint64_t object, seen_messages, seen_bytes;
	uint32_t queue, ei = 0;
	int rc;

	/* Check. */
	if (pl == NULL || edge == NULL || from == to)
		return -RVX_EINVAL;
	pf = rvx_part_get_(pl, from);
	pt = rvx_part_get_(pl, to);
	if (pf == NULL || pt == NULL)
		return -RVX_ENOENT;
	if (sender != RVX_HYP_NONE && (sender >= pl->task_count || pl->tasks[sender].part != from + 1u))
		return -RVX_EINVAL;
	for (ei = 0; ei < RVX_CONFIG_PART_EDGES; ei++) {
		if (!pl->edges[ei].live) {
			e = &pl->edges[ei];
			break;
		}
	}
	if (e == NULL)
		return -RVX_ENOMEM;
	rc = pl->kern->cap_object(pl->ctx, 0, root_cap, &object, &queue);
	if (rc != 0)
		return rc;
	/* The queue's traffic so far is not the edge's. */
	rc = pl->kern->queue_traffic(pl->ctx, root_cap, &seen_messages, &seen_bytes);
	if (rc != 0)
		return rc;

	/* Commit: lib/hyp's create is the last check (it changes nothing on error). */
	rc = rvx_hyp_edge_create(&pl->hyp, pf->h, pt->h, queue, 0, pl->kern->now(pl->ctx), &e->h);
	if (rc != 0)
		return rc;
	memset(&e->send, 0, sizeof(e->send));
	e->live = 1;
	e->send_count = 0;
	if (sender != RVX_HYP_NONE) {
		e->send[0].task = sender;
		e->send[0].cap = sender_cap;
		e->send[0].part = from;
		e->send_count = 1;
	}
	e->from = from;
	e->to = to;
	e->root_cap = root_cap;
	e->seen_messages = seen_messages;
	e->seen_bytes = seen_bytes;
	e->grant_task = RVX_HYP_NONE;
	e->grant_cap = 0;
	e->grant_where = RVX_PART_NOWHERE;
	RVX_PART_TRACE(pl, "RVX-ACT edge-create part=%c to=%c queue=%u\n", RVX_PART_NAME(from),
		       RVX_PART_NAME(to), queue);
	*edge = ei;
	return 0;
}

int rvx_part_edge_set_grant(struct rvx_part *pl, uint32_t edge, uint32_t task, uint64_t cap,
			    uint16_t where)
{
	if (pl == NULL)
		return -RVX_EINVAL;
	if (edge >= RVX_CONFIG_PART_EDGES || !pl->edges[edge].live)
		return -RVX_ENOENT;
	pl->edges[edge].grant_task = task;
	pl->edges[edge].grant_cap = cap;
	pl->edges[edge].grant_where = where;
	return 0;
}

static const struct rvx_part_device *device_by_id(const struct rvx_part *pl, uint32_t id)
{
	for (uint32_t i = 0; i < pl->cfg.device_count; i++)
		if (pl->cfg.devices[i].id == id)
			return &pl->cfg.devices[i];
	return NULL;
}

int rvx_part_lease_grant(struct rvx_part *pl, uint32_t part, uint32_t device, uint32_t rights,
			 uint64_t ns)
{
	const struct rvx_part_device *d;
	struct rvx_part_partition *p;
	struct rvx_hyp_lease_req req;
	struct rvx_part_map m;
	rvx_handle_t lease;
	uint64_t now;
	int rc;

	/* Check. */
	if (pl == NULL || ns == 0 || rights == 0 ||
	    (rights & ~(uint32_t)(RVX_HYP_LEASE_R | RVX_HYP_LEASE_W)) != 0)
		return -RVX_EINVAL;
	p = rvx_part_get_(pl, part);
	d = device_by_id(pl, device);
	if (p == NULL || d == NULL)
		return -RVX_ENOENT;
	if (p->map_count >= RVX_CONFIG_PART_MAPS)
		return -RVX_ELIMIT;
	now = pl->kern->now(pl->ctx);
	req = (struct rvx_hyp_lease_req){device, rights, d->base, d->size};
	m = (struct rvx_part_map){d->base, d->size, pl->cfg.device_perms, pl->cfg.device_memtype, 1,
				  1, {0}, d->base};

	/* Commit: lib/hyp checks the rest and changes nothing on error. */
	RVX_PART_TRACE(pl, "RVX-ACT lease-grant part=%c device=%u base=0x%lx ms=%lu\n",
		       RVX_PART_NAME(part), device, d->base, ns / 1000000u);
	rc = rvx_hyp_lease_grant(&pl->hyp, p->h, &req, now, now + ns, &lease);
	if (rc != 0)
		return rc;
	rc = rvx_part_s2_map_(pl, p, &m, true);
	if (rc != 0) {
		/* The port could not map it: the lease goes again (witnessed). */
		(void)rvx_hyp_lease_revoke(&pl->hyp, lease, pl->kern->now(pl->ctx));
		return rc;
	}
	p->lease = lease;
	p->ended_devices &= ~(UINT32_C(1) << device);
	return 0;
}

/* A lease ended (expired or revoked): stage 2 no longer maps the device, and
 * the mapping journal forgets it. */
void rvx_part_lease_unmap_(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t device,
			uint64_t base, uint64_t size)
{
	uint32_t pi = rvx_part_index_(pl, p);

	/* The range was mapped by the grant; an unmap the port refuses
	 * leaves a stale mapping the lease check still refuses on the fault
	 * path, so it is not fatal here. */
	(void)pl->arch->s2_unmap(pl->ctx, pi, base, size);
	for (uint32_t m = 0; m < p->map_count; m++)
		if (p->maps[m].lease && p->maps[m].ipa == base)
			p->maps[m].live = 0;
	pl->arch->s2_sync(pl->ctx, pi);
	if (device < 32u)
		p->ended_devices |= UINT32_C(1) << device;
}

int rvx_part_lease_revoke(struct rvx_part *pl, uint32_t part)
{
	struct rvx_part_partition *p;
	struct rvx_hyp_lease_info li;
	int rc;

	if (pl == NULL)
		return -RVX_EINVAL;
	p = rvx_part_get_(pl, part);
	if (p == NULL)
		return -RVX_ENOENT;
	rc = rvx_hyp_lease_info(&pl->hyp, p->lease, &li);
	if (rc != 0)
		return -RVX_ESTALE;
	RVX_PART_TRACE(pl, "RVX-ACT lease-revoke part=%c device=%u base=0x%lx\n",
		       RVX_PART_NAME(part), li.device, li.mmio_base);
	rc = rvx_hyp_lease_revoke(&pl->hyp, p->lease, pl->kern->now(pl->ctx));
	RVX_CHECK(rc == 0); /* the lease was live a moment ago */
	rvx_part_lease_unmap_(pl, p, li.device, li.mmio_base, li.mmio_size);
	return 0;
}

int rvx_part_checkpoint(struct rvx_part *pl, uint32_t part)
{
	struct rvx_part_partition *p;
	uint8_t d[32];
	int rc;

	if (pl == NULL)
		return -RVX_EINVAL;
	p = rvx_part_get_(pl, part);
	if (p == NULL)
		return -RVX_ENOENT;
	rc = pl->kern->snapshot_save(pl->ctx, part, d);
	if (rc != 0)
		return rc;
	memcpy(p->ckpt_digest, d, sizeof(d));
	p->has_ckpt = 1;
	RVX_PART_TRACE(pl, "RVX-ACT partition-checkpoint part=%c bytes=%u maps=%u "
		       "sha256=%02x%02x%02x%02x...\n",
		       RVX_PART_NAME(part), (unsigned)p->mem_size, p->map_count, d[0], d[1], d[2],
		       d[3]);
	pl->kern->record(pl->ctx, RVX_PART_WITNESS_CHECKPOINT, part, p->h.raw, d, sizeof(d));
	return 0;
}

/* Take @p p off every CPU it is current on. Its task's CPU state is saved
 * here on @p cpu; a task running on another CPU has its state in that
 * CPU's registers, which only that CPU can save: it is kicked, saves the
 * state when it leaves the task, and holds the task when it next picks it. */
static void take_off_cpus(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t cpu)
{
	uint32_t pi = rvx_part_index_(pl, p);

	for (uint32_t c = 0; c < pl->hyp.cpu_count; c++) {
		uint32_t t = pl->loaded_task[c];

		if (pl->loaded_part[c] == pi) {
			(void)rvx_hyp_switch(&pl->hyp, c, RVX_HANDLE_NULL);
			pl->loaded_part[c] = RVX_HYP_NONE;
		}
		if (t == RVX_HYP_NONE || pl->tasks[t].part != pi + 1u)
			continue;
		if (c == cpu) {
			pl->arch->cpu_save(pl->ctx, t);
			pl->loaded_task[c] = RVX_HYP_NONE;
			pl->shadow_task[c] = t;
		} else {
			pl->arch->kick(pl->ctx, c);
		}
	}
}

/* CPU @p c (not @p cpu) runs a task of @p p now. */
static bool runs_elsewhere(const struct rvx_part *pl, const struct rvx_part_partition *p,
			   uint32_t task, uint32_t cpu)
{
	(void)p;
	for (uint32_t c = 0; c < pl->hyp.cpu_count; c++)
		if (c != cpu && pl->loaded_task[c] == task)
			return true;
	return false;
}

/* Hold @p task of suspended @p p. */
static bool hold_task(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t task)
{
	if (p->held_count >= RVX_CONFIG_PART_TASKS || pl->kern->hold_task(pl->ctx, task) != 0)
		return false;
	p->held[p->held_count++] = task;
	return true;
}

int rvx_part_suspend(struct rvx_part *pl, uint32_t part, uint32_t cpu)
{
	struct rvx_hyp_partition_info info;
	struct rvx_part_partition *p;
	int rc;

	/* Check. */
	if (pl == NULL || cpu >= pl->hyp.cpu_count)
		return -RVX_EINVAL;
	p = rvx_part_get_(pl, part);
	if (p == NULL)
		return -RVX_ENOENT;
	rc = rvx_hyp_partition_info(&pl->hyp, p->h, &info);
	RVX_CHECK(rc == 0);
	if (info.state != RVX_HYP_STATE_RUNNING)
		return -RVX_EPERM;

	/* Commit. */
	take_off_cpus(pl, p, cpu);
	RVX_PART_TRACE(pl, "RVX-ACT partition-suspend part=%c\n", RVX_PART_NAME(part));
	rc = rvx_hyp_partition_suspend(&pl->hyp, p->h, pl->kern->now(pl->ctx));
	RVX_CHECK(rc == 0); /* RUNNING and current nowhere */
	p->suspended = 1;
	/* A task running elsewhere is held by its CPU when next picked. */
	for (uint32_t i = 0; i < p->task_count; i++)
		if (p->alive[i] && !runs_elsewhere(pl, p, p->tasks[i], cpu))
			(void)hold_task(pl, p, p->tasks[i]); /* the others when picked */
	return 0;
}

int rvx_part_migrate(struct rvx_part *pl, uint32_t part, uint32_t to, uint32_t cpu)
{
	struct rvx_part_partition *p;
	uint32_t args[3], moved = 0;
	int rc;

	/* Check: every task can move, and none runs now (its CPU state would
	 * be live in another CPU's registers). */
	if (pl == NULL || to >= pl->hyp.cpu_count || cpu >= pl->hyp.cpu_count)
		return -RVX_EINVAL;
	p = rvx_part_get_(pl, part);
	if (p == NULL)
		return -RVX_ENOENT;
	if (p->stopped)
		return -RVX_EPERM;
	if (p->cpu == to)
		return 0;
	for (uint32_t i = 0; i < p->task_count; i++) {
		if (!p->alive[i])
			continue;
		if (runs_elsewhere(pl, p, p->tasks[i], RVX_HYP_NONE))
			return -RVX_EBUSY;
		rc = pl->kern->task_migrate_check(pl->ctx, p->tasks[i], to);
		if (rc != 0)
			return rc;
	}

	/* Commit. */
	for (uint32_t i = 0; i < p->task_count; i++) {
		if (!p->alive[i])
			continue;
		rc = pl->kern->task_migrate(pl->ctx, p->tasks[i], to);
		RVX_CHECK(rc == 0); /* checked above under the same lock */
		moved++;
	}
	args[0] = p->cpu;
	args[1] = to;
	args[2] = moved;
	RVX_PART_TRACE(pl, "RVX-ACT partition-migrate part=%c from=%u to=%u tasks=%u\n",
		       RVX_PART_NAME(part), p->cpu, to, moved);
	pl->kern->record(pl->ctx, RVX_PART_WITNESS_MIGRATE, part, p->h.raw, args, sizeof(args));
	p->cpu = to;
	if (moved > 0) {
		p->migrations++;
		if (to != cpu)
			pl->arch->kick(pl->ctx, to);
	}
	return 0;
}

int rvx_part_resume(struct rvx_part *pl, uint32_t part, uint32_t cpu)
{
	struct rvx_hyp_partition_info info;
	struct rvx_part_partition *p;
	int rc;

	/* Check. */
	if (pl == NULL)
		return -RVX_EINVAL;
	p = rvx_part_get_(pl, part);
	if (p == NULL)
		return -RVX_ENOENT;
	rc = rvx_hyp_partition_info(&pl->hyp, p->h, &info);
	RVX_CHECK(rc == 0);
	if (info.state != RVX_HYP_STATE_CREATED && info.state != RVX_HYP_STATE_SUSPENDED)
		return -RVX_EPERM;

	/* Commit. */
	RVX_PART_TRACE(pl, "RVX-ACT partition-resume part=%c\n", RVX_PART_NAME(part));
	rc = rvx_hyp_partition_resume(&pl->hyp, p->h, pl->kern->now(pl->ctx));
	RVX_CHECK(rc == 0);
	p->suspended = 0;
	for (uint32_t i = 0; i < p->held_count; i++)
		(void)pl->kern->release_task(pl->ctx, p->held[i]);
	if (p->held_count > 0)
		for (uint32_t c = 0; c < pl->hyp.cpu_count; c++)
			if (c != cpu)
				pl->arch->kick(pl->ctx, c);
	p->held_count = 0;
	return 0;
}

int rvx_part_hold(struct rvx_part *pl, uint32_t task)
{
	struct rvx_part_partition *p;

	if (pl == NULL || !pl->active)
		return 0;
	p = rvx_part_task_part_(pl, task);
	if (p == NULL || !p->suspended)
		return 0;
	return hold_task(pl, p, task) ? 1 : -RVX_EBUSY;
}

int rvx_part_switch(struct rvx_part *pl, uint32_t cpu, uint32_t task)
{
	uint32_t pi, prev;

	if (pl == NULL || cpu >= pl->hyp.cpu_count)
		return -RVX_EINVAL;
	prev = pl->loaded_task[cpu];
	if (!pl->active || task >= pl->task_count || pl->tasks[task].part == 0) {
		/* A kernel task or idleness: the partition task that ran here
		 * saves its state, so any CPU may run it next. The stage-2 stays
		 * loaded: it is tagged with its VMID. */
		if (prev != RVX_HYP_NONE) {
			pl->arch->cpu_save(pl->ctx, prev);
			pl->loaded_task[cpu] = RVX_HYP_NONE;
			pl->shadow_task[cpu] = prev;
		}
		return 0;
	}
	pi = pl->tasks[task].part - 1u;
	if (pl->loaded_part[cpu] != pi) {
		if (rvx_hyp_switch(&pl->hyp, cpu, pl->parts[pi].h) != 0)
			return -RVX_EPERM;
		pl->arch->vm_load(pl->ctx, cpu, pi);
		pl->loaded_part[cpu] = pi;
		pl->vm_loads++;
	}
	if (prev == task)
		return 1;
	if (prev != RVX_HYP_NONE) {
		pl->arch->cpu_save(pl->ctx, prev);
		pl->arch->cpu_load(pl->ctx, task, prev);
	} else {
		/* The registers still hold what the shadow task saved, unless
		 * that task has been loaded elsewhere since (its saved state
		 * moved on there). */
		uint32_t h = pl->shadow_task[cpu];

		if (h != RVX_HYP_NONE && pl->tasks[h].cpu != cpu + 1u)
			h = RVX_HYP_NONE;
		pl->arch->cpu_load(pl->ctx, task, h);
	}
	pl->loaded_task[cpu] = task;
	pl->shadow_task[cpu] = task;
	pl->tasks[task].cpu = (uint8_t)(cpu + 1u);
	pl->cpu_loads++;
	return 1;
}

/* @p task's registers are stale on every CPU that holds them. */
void rvx_part_forget_task_(struct rvx_part *pl, uint32_t task)
{
	for (uint32_t c = 0; c < RVX_CONFIG_HYP_MAX_CPUS; c++) {
		if (pl->loaded_task[c] == task)
			pl->loaded_task[c] = RVX_HYP_NONE;
		if (pl->shadow_task[c] == task)
			pl->shadow_task[c] = RVX_HYP_NONE;
	}
	if (task < pl->task_count)
		pl->tasks[task].cpu = 0;
}

void rvx_part_forget_part_(struct rvx_part *pl, uint32_t part)
{
	for (uint32_t c = 0; c < RVX_CONFIG_HYP_MAX_CPUS; c++)
		if (pl->loaded_part[c] == part)
			pl->loaded_part[c] = RVX_HYP_NONE;
}

int rvx_part_task_start(struct rvx_part *pl, uint32_t task, uint64_t *mem, uint32_t *role)
{
	struct rvx_part_partition *p;
	uint32_t slot;

	if (pl == NULL || mem == NULL || role == NULL)
		return -RVX_EINVAL;
	if (!pl->active)
		return 0;
	p = rvx_part_task_part_(pl, task);
	if (p == NULL)
		return 0;
	slot = pl->tasks[task].slot;
	rvx_part_forget_task_(pl, task); /* its registers are stale: load the fresh state */
	pl->arch->cpu_reset(pl->ctx, task, rvx_part_index_(pl, p), slot);
	*mem = p->mem;
	*role = p->roles[slot];
	return 1;
}

/* End the task in @p slot of @p p through the nucleus; for good unless
 * @p code says reconstruction (then its journal entries stay live). */
int rvx_part_end_slot_(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t slot,
		       int32_t code)
{
	uint32_t t = p->tasks[slot];
	int rc;

	if (!p->alive[slot])
		return 0;
	rc = pl->kern->task_exit(pl->ctx, t, code);
	if (rc != 0)
		return rc;
	p->alive[slot] = 0;
	pl->tasks[t].part = 0;
	if (code != RVX_PART_EXIT_RECONSTRUCT)
		for (uint32_t i = 0; i < p->journal_count; i++)
			if (p->journal[i].slot == slot)
				p->journal[i].live = 0;
	rvx_part_forget_task_(pl, t);
	RVX_PART_TRACE(pl, "RVX-TASK-EXIT part=%c task=%u code=%d\n",
		       RVX_PART_NAME(rvx_part_index_(pl, p)), t, (int)code);
	return 0;
}

int rvx_part_task_end(struct rvx_part *pl, uint32_t task, int32_t code)
{
	struct rvx_part_partition *p;

	if (pl == NULL)
		return -RVX_EINVAL;
	p = rvx_part_task_part_(pl, task);
	if (p == NULL)
		return -RVX_ENOENT;
	return rvx_part_end_slot_(pl, p, pl->tasks[task].slot, code);
}

int rvx_part_traffic_sync(struct rvx_part *pl)
{
	if (pl == NULL)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < RVX_CONFIG_PART_EDGES; i++) {
		struct rvx_part_edge *e = &pl->edges[i];
		uint64_t messages, bytes;

		if (!e->live ||
		    pl->kern->queue_traffic(pl->ctx, e->root_cap, &messages, &bytes) != 0 ||
		    messages < e->seen_messages || bytes < e->seen_bytes)
			continue;
		if (messages != e->seen_messages &&
		    rvx_hyp_edge_note_many(&pl->hyp, e->h, pl->parts[e->from].h,
					   messages - e->seen_messages, bytes - e->seen_bytes) == 0) {
			e->seen_messages = messages;
			e->seen_bytes = bytes;
		}
	}
	return 0;
}

/* True if a CommEdge carried traffic in the open epoch: partitions that
 * each have a CPU of their own switch rarely, and their epochs still close. */
static bool edges_busy(const struct rvx_part *pl)
{
	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++) {
		struct rvx_hyp_edge_info info;

		if (pl->edges[e].live && rvx_hyp_edge_info(&pl->hyp, pl->edges[e].h, &info) == 0 &&
		    info.epoch_messages != 0)
			return true;
	}
	return false;
}

/* The epoch lib/hyp just closed, split by where each edge's ends were:
 * one TRAFFIC record when the layer has several nodes. Partitions move only
 * at a close (after this) or by an explicit call, so the homes now are the
 * homes the traffic was sent between, unless a caller moved one mid-epoch. */
static void traffic_close(struct rvx_part *pl)
{
	struct rvx_part_traffic_record *t = &pl->traffic_last, *sum = &pl->traffic_total;

	if (pl->cfg.node_count <= 1u)
		return;
	memset(t, 0, sizeof(*t));
	t->nodes = pl->cfg.node_count;
	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++) {
		const struct rvx_part_edge *pe = &pl->edges[e];
		struct rvx_hyp_edge_info info;
		uint32_t ca, cb;

		if (!pe->live || rvx_hyp_edge_info(&pl->hyp, pe->h, &info) != 0)
			continue;
		ca = pl->parts[pe->from].cpu;
		cb = pl->parts[pe->to].cpu;
		t->edges++;
		t->bytes += info.last_bytes;
		t->messages += info.last_messages;
		if (ca != cb) {
			t->cross_cpu_bytes += info.last_bytes;
			t->cross_cpu_messages += info.last_messages;
		}
		if (pl->cfg.cpu_node[ca] != pl->cfg.cpu_node[cb]) {
			t->cross_node_bytes += info.last_bytes;
			t->cross_node_messages += info.last_messages;
		}
	}
	sum->nodes = t->nodes;
	sum->edges = t->edges;
	sum->bytes += t->bytes;
	sum->messages += t->messages;
	sum->cross_cpu_bytes += t->cross_cpu_bytes;
	sum->cross_cpu_messages += t->cross_cpu_messages;
	sum->cross_node_bytes += t->cross_node_bytes;
	sum->cross_node_messages += t->cross_node_messages;
	pl->traffic_epochs++;
	RVX_PART_TRACE(pl, "RVX-ACT traffic part=- epoch=%lu bytes=%lu messages=%lu "
		       "cross_cpu_bytes=%lu cross_cpu_messages=%lu cross_node_bytes=%lu "
		       "cross_node_messages=%lu nodes=%u edges=%u\n",
		       pl->hyp.epoch - 1u, t->bytes, t->messages, t->cross_cpu_bytes,
		       t->cross_cpu_messages, t->cross_node_bytes, t->cross_node_messages, t->nodes,
		       t->edges);
	pl->kern->record(pl->ctx, RVX_PART_WITNESS_TRAFFIC, RVX_HYP_NONE, pl->hyp.epoch - 1u, t,
			 sizeof(*t));
}

int rvx_part_tick(struct rvx_part *pl, uint64_t now)
{
	struct rvx_hyp_lease_info ended[4];
	int n;

	if (pl == NULL)
		return -RVX_EINVAL;
	if (!pl->active || pl->part_count == 0)
		return 0;
	n = rvx_hyp_tick(&pl->hyp, now, ended, RVX_ARRAY_COUNT(ended));
	RVX_CHECK(n >= 0);
	for (int i = 0; i < n; i++) {
		uint32_t pi = rvx_handle_index(ended[i].partition);

		RVX_PART_TRACE(pl, "RVX-ACT lease-expire part=%c device=%u base=0x%lx\n",
			       RVX_PART_NAME(pi), ended[i].device, ended[i].mmio_base);
		rvx_part_lease_unmap_(pl, &pl->parts[pi], ended[i].device, ended[i].mmio_base,
			    ended[i].mmio_size);
	}
	(void)rvx_part_traffic_sync(pl);
	if (now - pl->epoch_started >= pl->cfg.epoch_ns &&
	    (pl->hyp.epoch_switches != 0 || edges_busy(pl))) {
		RVX_PART_TRACE(pl, "RVX-ACT switch-summary part=- epoch=%lu switches=%lu\n",
			       pl->hyp.epoch, pl->hyp.epoch_switches);
		(void)rvx_hyp_epoch_close(&pl->hyp, now);
		traffic_close(pl);
		pl->epoch_started = now;
#ifdef RVX_PART_COHERENCE
		if (pl->coh != NULL)
			rvx_part_coh_epoch_(pl);
	} else if (pl->coh != NULL) {
		rvx_part_coh_migrate_(pl);
#endif
	}
	return n;
}

int rvx_part_teardown_check(const struct rvx_part *pl, uint32_t cpu)
{
	if (pl == NULL || cpu >= pl->hyp.cpu_count)
		return -RVX_EINVAL;
	if (!pl->active)
		return -RVX_EPERM;
	/* No partition task runs on another CPU: its index is free for a new
	 * task once it is ended, and that CPU is still on the task's stack and
	 * context until it next enters the kernel. */
	for (uint32_t c = 0; c < pl->hyp.cpu_count; c++)
		if (c != cpu && pl->loaded_task[c] != RVX_HYP_NONE)
			return -RVX_EBUSY;
	return 0;
}

int rvx_part_teardown(struct rvx_part *pl, uint32_t cpu)
{
	int rc = rvx_part_teardown_check(pl, cpu);

	if (rc != 0)
		return rc;
	for (uint32_t c = 0; c < pl->hyp.cpu_count; c++) {
		uint32_t t = pl->loaded_task[c];

		(void)rvx_hyp_switch(&pl->hyp, c, RVX_HANDLE_NULL);
		/* Only this CPU's registers can be saved from here. */
		if (t != RVX_HYP_NONE && c == cpu)
			pl->arch->cpu_save(pl->ctx, t);
		pl->loaded_task[c] = RVX_HYP_NONE;
		pl->shadow_task[c] = RVX_HYP_NONE;
		pl->loaded_part[c] = RVX_HYP_NONE;
	}
	(void)rvx_part_traffic_sync(pl);
	RVX_PART_TRACE(pl, "RVX-ACT switch-summary part=- switches=%lu vttbr_loads=%lu "
		       "el1_loads=%lu\n",
		       pl->hyp.epoch_switches, pl->vm_loads, pl->cpu_loads);
	rc = rvx_hyp_epoch_close(&pl->hyp, pl->kern->now(pl->ctx));
	if (rc == 0)
		traffic_close(pl);
	for (uint32_t i = 0; rc == 0 && i < pl->part_count; i++) {
		if (pl->parts[i].stopped)
			continue; /* its tasks ended with it; it is only destroyed */
		if (!pl->parts[i].suspended) /* the caller may have suspended it */
			rc = rvx_part_suspend(pl, i, cpu);
		if (rc == 0)
			rc = rvx_part_resume(pl, i, cpu);
	}
	/* Destroying a partition would end its edges and leases itself; the
	 * edges go first, each with its own record. */
	for (uint32_t e = 0; rc == 0 && e < RVX_CONFIG_PART_EDGES; e++) {
		if (pl->edges[e].live) {
			RVX_PART_TRACE(pl, "RVX-ACT edge-destroy part=%c edge=%u\n",
				       RVX_PART_NAME(pl->edges[e].from), e);
			rc = rvx_hyp_edge_destroy(&pl->hyp, pl->edges[e].h, pl->kern->now(pl->ctx));
			pl->edges[e].live = 0;
		}
	}
	for (uint32_t i = 0; rc == 0 && i < pl->part_count; i++) {
		struct rvx_part_partition *p = &pl->parts[i];

		for (uint32_t t = 0; rc == 0 && t < p->task_count; t++)
			rc = rvx_part_end_slot_(pl, p, t, 0);
		if (rc != 0)
			break;
		RVX_PART_TRACE(pl, "RVX-ACT partition-destroy part=%c\n", RVX_PART_NAME(i));
		rc = rvx_hyp_partition_destroy(&pl->hyp, p->h, pl->kern->now(pl->ctx));
		if (rc == 0)
			p->live = 0;
	}
	pl->active = 0;
	return rc;
}

int rvx_part_of(const struct rvx_part *pl, uint32_t task)
{
	if (pl == NULL || task >= pl->task_count || pl->tasks[task].part == 0)
		return -RVX_ENOENT;
	return pl->tasks[task].part - 1;
}
