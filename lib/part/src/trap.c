/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trap path's decisions: a syscall's pointers stay in the partition's
 * own memory or the call never reaches the kernel; a stage-2 abort is
 * classified by whose memory it touched; every refusal is a witnessed fault
 * and the recovery ladder decides what becomes of the task.
 */
#include "part_internal.h"

/* Wholly inside one of the partition's live mappings (not a leased device). */
static bool in_maps(const struct rvx_part_partition *p, uint64_t a, uint64_t len)
{
	for (uint32_t i = 0; i < p->map_count; i++) {
		const struct rvx_part_map *m = &p->maps[i];

		if (m->live && !m->lease && rvx_part_in_range_(a, len, m->ipa, m->size))
			return true;
	}
	return false;
}

/* A partition with its own layout: the window, or one region mapped into
 * it (a device it leases never is), then the port's stage-2 check of the
 * permission (its text is in the window but not writable). */
static bool layout_ok(const struct rvx_part *pl, const struct rvx_part_partition *p, uint64_t a,
		      uint64_t len, bool write)
{
	return (rvx_part_in_range_(a, len, p->mem, p->mem_size) || in_maps(p, a, len)) &&
	       (pl->arch->guest_check == NULL ||
		pl->arch->guest_check(pl->ctx, rvx_part_index_(pl, p), a, len, write));
}

static bool writable(const struct rvx_part *pl, const struct rvx_part_partition *p, uint64_t a,
		     uint64_t len)
{
	if (p->layout)
		return layout_ok(pl, p, a, len, true);
	return rvx_part_in_range_(a, len, p->mem, p->mem_size);
}

static bool readable(const struct rvx_part *pl, const struct rvx_part_partition *p, uint64_t a,
		     uint64_t len)
{
	if (p->layout)
		return layout_ok(pl, p, a, len, false);
	return writable(pl, p, a, len) ||
	       rvx_part_in_range_(a, len, pl->cfg.text_base, pl->cfg.text_size);
}

static uint32_t next_of(enum rvx_part_outcome o)
{
	switch (o) {
	case RVX_PART_ENDED: return RVX_PART_NEXT_EXITED;
	case RVX_PART_RESTARTED: return RVX_PART_NEXT_RESTART;
	case RVX_PART_HALTED: return RVX_PART_NEXT_HALTED;
	case RVX_PART_STOPPED: return RVX_PART_NEXT_STOPPED;
	default: return RVX_PART_NEXT_YIELD;
	}
}

static void task_fault(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t task,
		       uint16_t cause, uint64_t addr, struct rvx_part_verdict *v)
{
	struct rvx_hyp_fault fl = {RVX_HYP_FAULT_TASK, cause, task, RVX_HYP_NONE, 0, addr};

	v->cause = cause;
	v->next = next_of(rvx_part_fault_(pl, p, &fl, 0, 0));
}

/* Whose memory @p ipa is, for an abort stage 2 refused. */
static uint16_t classify_abort(const struct rvx_part *pl, const struct rvx_part_partition *p,
			       const struct rvx_part_trap *t)
{
	if (t->permission)
		return RVX_PART_CAUSE_PERMISSION;
	/* A partition with its own layout has an address space of its own:
	 * its IPAs name neither another partition's memory nor the kernel's. */
	if (p->layout)
		return RVX_PART_CAUSE_UNMAPPED;
	for (uint32_t i = 0; i < pl->part_count; i++)
		if (&pl->parts[i] != p && !pl->parts[i].layout &&
		    rvx_part_in_range_(t->addr, 1, pl->parts[i].mem, pl->parts[i].mem_size))
			return RVX_PART_CAUSE_OTHER_PARTITION;
	if (rvx_part_in_range_(t->addr, 1, pl->cfg.kernel_base, pl->cfg.kernel_size))
		return RVX_PART_CAUSE_KERNEL_MEMORY;
	for (uint32_t i = 0; i < pl->cfg.device_count; i++) {
		const struct rvx_part_device *d = &pl->cfg.devices[i];
		int rc;

		if (!rvx_part_in_range_(t->addr, 1, d->base, d->size))
			continue;
		rc = rvx_hyp_lease_check(&pl->hyp, p->h, t->addr,
					 t->write ? RVX_HYP_LEASE_W : RVX_HYP_LEASE_R,
					 pl->kern->now(pl->ctx));
		return rc == -RVX_ETIMEDOUT || (p->ended_devices & (UINT32_C(1) << d->id)) != 0
			       ? RVX_PART_CAUSE_LEASE_ENDED
			       : RVX_PART_CAUSE_NO_LEASE;
	}
	return RVX_PART_CAUSE_UNMAPPED;
}

static bool cap_error(int rc)
{
	return rc == -RVX_EBADCAP || rc == -RVX_ESTALE || rc == -RVX_EREVOKED ||
	       rc == -RVX_ETYPE || rc == -RVX_ERIGHTS || rc == -RVX_ECANTGRANT;
}

/* A send on a CommEdge: counted, and the receiving partition's CPU kicked
 * if it is not this one, so a receiver waiting there runs at once instead
 * of at that CPU's next tick. */
/* A send on a CommEdge may have woken its receiver on another CPU: kick
 * that CPU now rather than at its next tick. The message itself is counted
 * once, by the kernel (rvx_part_traffic_sync() reads its counts). */
static void kick_receiver(struct rvx_part *pl, uint32_t cpu, uint32_t task, uint64_t cap)
{
	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++) {
		const struct rvx_part_edge *ed = &pl->edges[e];

		if (!ed->live)
			continue;
		for (uint32_t s = 0; s < ed->send_count; s++) {
			if (ed->send[s].task == task && ed->send[s].cap == cap) {
				uint32_t home = pl->parts[ed->to].cpu;

				if (home != cpu) {
					pl->arch->kick(pl->ctx, home);
					pl->kicks++;
				}
				return;
			}
		}
	}
}

/* A CapGrant that crossed partitions: witnessed, written into the
 * receiving partition's construction journal, and if the capability
 * carries an edge, the receiver becomes a sender on it. */
static void note_grant(struct rvx_part *pl, uint32_t from, uint32_t task,
		       const struct rvx_syscall_args *a, const struct rvx_syscall_result *r)
{
	uint32_t dest = (uint32_t)a->arg[0];
	struct rvx_part_partition *q;
	struct rvx_part_jentry *j;
	uint32_t to;

	if ((a->flags & RVX_SYSCALL_F_REVOKE) != 0 || a->arg[0] >= pl->task_count ||
	    pl->tasks[dest].part == 0 || pl->tasks[dest].part == from + 1u)
		return;
	to = pl->tasks[dest].part - 1u;
	q = &pl->parts[to];
	rvx_part_grant_witness_(pl, from, to, dest, r->value[0], a->arg[1]);
	j = rvx_part_journal_add_(q, RVX_PART_J_GRANT, pl->tasks[dest].slot);
	if (j != NULL) {
		j->from_part = from;
		j->from_task = task;
		j->from_cap = a->cap;
		j->rights = a->arg[1];
		j->badge = a->arg[2];
		j->handle = r->value[0];
	}
	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++) {
		struct rvx_part_edge *ed = &pl->edges[e];

		if (ed->live && ed->grant_task == task && ed->grant_cap == a->cap &&
		    ed->send_count < RVX_PART_EDGE_SENDERS) {
			ed->send[ed->send_count].task = dest;
			ed->send[ed->send_count].cap = r->value[0];
			ed->send[ed->send_count].part = to;
			ed->send_count++;
			if (j != NULL) {
				j->edge = e;
				j->where[0] = ed->grant_where;
			}
		}
	}
}

/* A region a partition task mapped by trap: into its construction journal,
 * with the capability of its spawn that gated it. */
static void note_region(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t task,
			const struct rvx_syscall_args *a, const struct rvx_syscall_result *r)
{
	const struct rvx_part_jentry *sp = rvx_part_journal_spawn_(p, pl->tasks[task].slot);
	struct rvx_part_jentry *j;
	uint32_t c = RVX_PART_SPAWN_CAPS;

	for (uint32_t i = 0; sp != NULL && i < sp->nx; i++)
		if (sp->child[i] == a->cap) {
			c = i;
			break;
		}
	if (c == RVX_PART_SPAWN_CAPS) {
		p->journal_lost = 1; /* gated by a capability the journal cannot name */
		return;
	}
	j = rvx_part_journal_add_(p, RVX_PART_J_REGION, pl->tasks[task].slot);
	if (j == NULL)
		return;
	j->cap_index = c;
	j->policy = a->arg[0];
	j->size = a->arg[1];
	j->slab = a->arg[2];
	j->handle = r->value[0];
	j->where[0] = pl->cfg.region_where;
}

static void do_syscall(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t cpu,
		       uint32_t task, const struct rvx_part_trap *t, struct rvx_part_verdict *v)
{
	uint32_t pi = rvx_part_index_(pl, p);
	uint64_t ua = t->x[0], ur = t->x[1];
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	/* Every pointer must lie in the partition's own memory: the kernel
	 * never reads or writes anything else on its behalf. */
	if (!readable(pl, p, ua, sizeof(a)) || !writable(pl, p, ur, sizeof(r))) {
		task_fault(pl, p, task, RVX_PART_CAUSE_BAD_POINTER,
			   writable(pl, p, ur, sizeof(r)) ? ua : ur, v);
		return;
	}
	if (pl->arch->guest_read(pl->ctx, pi, ua, &a, sizeof(a)) != 0) {
		task_fault(pl, p, task, RVX_PART_CAUSE_BAD_POINTER, ua, v);
		return;
	}
	if ((a.in != 0 || a.in_len != 0) && !readable(pl, p, a.in, a.in_len)) {
		task_fault(pl, p, task, RVX_PART_CAUSE_BAD_POINTER, a.in, v);
		return;
	}
	if ((a.out != 0 || a.out_len != 0) && !writable(pl, p, a.out, a.out_len)) {
		task_fault(pl, p, task, RVX_PART_CAUSE_BAD_POINTER, a.out, v);
		return;
	}
	if ((a.aux != 0 || a.aux_len != 0) && !writable(pl, p, a.aux, a.aux_len)) {
		task_fault(pl, p, task, RVX_PART_CAUSE_BAD_POINTER, a.aux, v);
		return;
	}
	/* A task spawned or mounted from a partition must start inside it,
	 * under its stage 2: only the port can do that (kernel op `create`);
	 * without it partitions may not create tasks. */
	if (t->nr == RVX_SYS_TASK_SPAWN || t->nr == RVX_SYS_RVF_MOUNT) {
		if (pl->kern->create == NULL) {
			v->set_ret = 1;
			v->ret = (uint64_t)(int64_t)-RVX_EPERM;
			return;
		}
		rc = pl->kern->create(pl->ctx, task, t->nr, &a, &r);
	} else {
		rc = pl->kern->syscall(pl->ctx, task, t->nr, &a, &r);
	}
	if (rc == 0 && r.status == RVX_SYSCALL_BLOCKED) {
		if (t->nr == RVX_SYS_QUEUE_RECV) {
			v->next = RVX_PART_NEXT_RETRY; /* issued again once woken */
		} else {
			r.status = RVX_SYSCALL_DONE;
			(void)pl->arch->guest_write(pl->ctx, pi, ur, &r, sizeof(r));
			v->next = RVX_PART_NEXT_BLOCKED;
			v->set_ret = 1;
			v->ret = 0;
		}
		return;
	}
	if (cap_error(rc)) {
		for (uint32_t i = 0; i < p->stale_count; i++)
			if (p->stale[i] == a.cap && a.cap != 0)
				p->stale_refused++;
		RVX_PART_TRACE(pl, "RVX-CAP-REFUSED part=%c task=%u handle=0x%lx error=%s\n",
			       RVX_PART_NAME(pi), task, a.cap, rvx_strerror(rc));
		task_fault(pl, p, task, RVX_PART_CAUSE_CAPABILITY, a.cap, v);
		return;
	}
	if (rc == 0) {
		if (t->nr == RVX_SYS_CAP_GRANT)
			note_grant(pl, pi, task, &a, &r);
		else if (t->nr == RVX_SYS_REGION_MAP)
			note_region(pl, p, task, &a, &r);
		else if (t->nr == RVX_SYS_QUEUE_SEND)
			kick_receiver(pl, cpu, task, a.cap);
		(void)pl->arch->guest_write(pl->ctx, pi, ur, &r, sizeof(r));
	}
	v->set_ret = 1;
	v->ret = (uint64_t)(int64_t)rc;
}

int rvx_part_trap(struct rvx_part *pl, uint32_t cpu, uint32_t task, struct rvx_part_verdict *v)
{
	struct rvx_part_partition *p;
	struct rvx_part_trap *t;

	if (pl == NULL || v == NULL)
		return -RVX_EINVAL;
	p = pl->active ? rvx_part_task_part_(pl, task) : NULL;
	if (p == NULL)
		return -RVX_ENOENT;
	/* Field by field rather than a memset: this is the hot path, and the
	 * decoder fills every field of the trap. */
	v->next = RVX_PART_NEXT_RESUME;
	v->set_ret = 0;
	v->ret = 0;
	v->part = rvx_part_index_(pl, p);
	v->cause = RVX_PART_CAUSE_NONE;
	t = &v->trap;
	pl->arch->trap_decode(pl->ctx, cpu, t);
	switch (t->kind) {
	case RVX_PART_TRAP_SYSCALL:
		do_syscall(pl, p, cpu, task, t, v);
		break;
	case RVX_PART_TRAP_YIELD:
		v->next = RVX_PART_NEXT_YIELD;
		break;
	case RVX_PART_TRAP_CALL:
		v->next = RVX_PART_NEXT_CALL;
		break;
	case RVX_PART_TRAP_ABORT:
		task_fault(pl, p, task, classify_abort(pl, p, t), t->addr, v);
		break;
	case RVX_PART_TRAP_EL1_EXCEPTION:
		task_fault(pl, p, task, RVX_PART_CAUSE_EL1_EXCEPTION, t->addr, v);
		break;
	case RVX_PART_TRAP_SYSREG:
		task_fault(pl, p, task, RVX_PART_CAUSE_SYSREG, t->syndrome, v);
		break;
	case RVX_PART_TRAP_SMC:
		task_fault(pl, p, task, RVX_PART_CAUSE_SMC, t->syndrome, v);
		break;
	default:
		task_fault(pl, p, task, RVX_PART_CAUSE_TRAP, t->syndrome, v);
		break;
	}
	return 0;
}

int rvx_part_region_check(struct rvx_part *pl, uint32_t task, uint32_t region, uint64_t off,
			  uint64_t len, struct rvx_part_verdict *v)
{
	struct rvx_part_partition *p;
	struct rvx_hyp_fault fl;
	uint32_t pi;

	if (pl == NULL || v == NULL)
		return -RVX_EINVAL;
	p = pl->active ? rvx_part_task_part_(pl, task) : NULL;
	if (p == NULL)
		return -RVX_ENOENT;
	if (len == 0 || region == RVX_HYP_NONE || off > p->mem_size || len > p->mem_size - off)
		return -RVX_EINVAL;
	pi = rvx_part_index_(pl, p);
	memset(v, 0, sizeof(*v));
	v->part = pi;
	v->set_ret = 1;
	if (!p->has_ckpt || pl->kern->snapshot_compare(pl->ctx, pi, off, len) == 0)
		return 0; /* intact (or nothing to compare with): ret 0, resume */
	fl = (struct rvx_hyp_fault){RVX_HYP_FAULT_REGION, RVX_PART_CAUSE_STATE_REGION, task, region,
				    0, p->mem + off};
	v->cause = RVX_PART_CAUSE_STATE_REGION;
	v->ret = 1;
	v->next = next_of(rvx_part_fault_(pl, p, &fl, off, len));
	return 0;
}
