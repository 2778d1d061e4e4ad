/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recovery ladder as this layer climbs it: lib/hyp decides the rung,
 * this file tries it (restart a task; rebuild the partition from its
 * checkpoint and construction journal; roll a region back; stop a
 * stoppable partition for good; ask the port to reboot) and reports the
 * outcome until a rung works or none is left.
 */
#include "part_internal.h"

static const char *action_name(uint32_t a)
{
	static const char *const n[] = {"none", "restart-task", "reconstruct-partition",
					"rollback-region", "reboot", "stop-partition"};

	return a < RVX_ARRAY_COUNT(n) ? n[a] : "?";
}

const char *rvx_part_cause_name(uint32_t c)
{
	static const char *const n[RVX_PART_CAUSE_COUNT] = {
		"?", "other-partition-memory", "kernel-memory", "device-without-lease",
		"device-lease-ended", "capability", "bad-pointer", "unmapped", "el1-exception",
		"trapped-instruction", "permission", "state-region", "system-register", "smc",
	};

	return c < RVX_PART_CAUSE_COUNT ? n[c] : "?";
}

static void restart_task(struct rvx_part *pl, uint32_t task)
{
	rvx_part_forget_task_(pl, task);
	pl->kern->task_restart(pl->ctx, task);
}

/* The live tasks of @p p, for the capability digest. */
static uint32_t live_tasks(const struct rvx_part_partition *p, uint32_t *out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < p->task_count; i++)
		if (p->alive[i])
			out[n++] = p->tasks[i];
	return n;
}

static void caps_digest(struct rvx_part *pl, const struct rvx_part_partition *q, uint8_t out[32])
{
	uint32_t t[RVX_CONFIG_PART_TASKS];

	pl->kern->caps_digest(pl->ctx, t, live_tasks(q, t), out);
}

void rvx_part_grant_witness_(struct rvx_part *pl, uint32_t from, uint32_t to, uint32_t dest,
			     uint64_t handle, uint64_t rights)
{
	uint64_t object;
	uint32_t index;

	if (pl->kern->cap_object(pl->ctx, dest, handle, &object, &index) != 0)
		return;
	RVX_PART_TRACE(pl, "RVX-ACT cap-grant part=%c to=%c task=%u object=0x%lx rights=0x%x\n",
		       RVX_PART_NAME(from), RVX_PART_NAME(to), dest, object, (unsigned)rights);
	/* Both ends are live and not FAILED (the caller is in service, and a
	 * rebuilt partition is back in service before its grants are re-made). */
	(void)rvx_hyp_cap_grant(&pl->hyp, pl->parts[from].h, pl->parts[to].h, object,
				(rvx_rights_t)rights, pl->kern->now(pl->ctx));
}

static void note_stale(struct rvx_part_partition *p, uint64_t handle)
{
	if (p->stale_count < RVX_ARRAY_COUNT(p->stale))
		p->stale[p->stale_count++] = handle;
}

/* Drop the messages partition @p p produced that are still in flight: the
 * queues of the edges whose sending end it is are emptied through the
 * root's handle. They come from an incarnation the rebuild discards (and
 * may carry its stale handles); the rebuilt partition sends again what its
 * restored state says it must. */
static uint32_t drain_outbound(struct rvx_part *pl, uint32_t pi)
{
	uint32_t n = 0;

	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++) {
		const struct rvx_part_edge *ed = &pl->edges[e];
		uint32_t here = 0;

		if (!ed->live || ed->from != pi || ed->root_cap == 0)
			continue;
		for (;;) {
			struct rvx_syscall_args a;
			struct rvx_syscall_result r;
			uint64_t h[8]; /* room for the message header */
			uint8_t buf[64];

			rvx_part_syscall_args_(&a);
			a.cap = ed->root_cap;
			a.out = (uint64_t)(uintptr_t)buf;
			a.out_len = sizeof(buf);
			a.aux = (uint64_t)(uintptr_t)&h;
			a.aux_len = sizeof(h);
			if (pl->kern->syscall(pl->ctx, 0, RVX_SYS_QUEUE_RECV, &a, &r) != 0)
				break; /* empty */
			here++;
		}
		RVX_PART_TRACE(pl, "RVX-RECON part=%c drained edge=%u messages=%u\n",
			       RVX_PART_NAME(pi), e, here);
		n += here;
	}
	return n;
}

/* RegionMap again, by the rebuilt task, with its fresh TASK capability. */
static bool replay_region(struct rvx_part *pl, struct rvx_part_partition *p,
			  struct rvx_part_jentry *j)
{
	const struct rvx_part_jentry *sp = rvx_part_journal_spawn_(p, j->slot);
	uint32_t pi = rvx_part_index_(pl, p);
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;

	if (sp == NULL || j->cap_index >= sp->nx)
		return false;
	rvx_part_syscall_args_(&a);
	a.cap = sp->child[j->cap_index];
	a.arg[0] = j->policy;
	a.arg[1] = j->size;
	a.arg[2] = j->slab;
	if (pl->kern->syscall(pl->ctx, p->tasks[j->slot], RVX_SYS_REGION_MAP, &a, &r) != 0)
		return false;
	note_stale(p, j->handle);
	RVX_PART_TRACE(pl, "RVX-RECON part=%c region task=%u old=0x%lx new=0x%lx\n",
		       RVX_PART_NAME(pi), p->tasks[j->slot], j->handle, r.value[0]);
	j->handle = r.value[0];
	if (j->where[0] != RVX_PART_NOWHERE)
		pl->kern->handle_out(pl->ctx, pi, j->where[0], j->handle);
	p->rebuild.regions++;
	return true;
}

/* Re-make the grants other partitions made to @p p, in the grantor's name
 * and from the grantor's capability, so the derivation and the grantor's
 * power to revoke are what they were. A grantor that no longer holds the
 * capability has withdrawn it: the entry is retired. */
static void replay_grants(struct rvx_part *pl, struct rvx_part_partition *p)
{
	uint32_t pi = rvx_part_index_(pl, p);

	for (uint32_t i = 0; i < p->journal_count; i++) {
		struct rvx_part_jentry *j = &p->journal[i];
		struct rvx_syscall_args a;
		struct rvx_syscall_result r;
		uint32_t dest = p->tasks[j->slot];
		int rc;

		if (j->kind != RVX_PART_J_GRANT || !j->live)
			continue;
		rvx_part_syscall_args_(&a);
		a.cap = j->from_cap;
		a.arg[0] = dest;
		a.arg[1] = j->rights;
		a.arg[2] = j->badge;
		rc = pl->kern->syscall(pl->ctx, j->from_task, RVX_SYS_CAP_GRANT, &a, &r);
		if (rc != 0) {
			RVX_PART_TRACE(pl, "RVX-RECON part=%c grant from %c task=%u withdrawn (%s): "
				       "not re-made\n",
				       RVX_PART_NAME(pi), RVX_PART_NAME(j->from_part), j->from_task,
				       rvx_strerror(rc));
			j->live = 0;
			p->rebuild.withdrawn++;
			continue;
		}
		rvx_part_grant_witness_(pl, j->from_part, pi, dest, r.value[0], j->rights);
		RVX_PART_TRACE(pl, "RVX-RECON part=%c regrant from=%c task=%u to task=%u old=0x%lx "
			       "new=0x%lx\n",
			       RVX_PART_NAME(pi), RVX_PART_NAME(j->from_part), j->from_task, dest,
			       j->handle, r.value[0]);
		note_stale(p, j->handle);
		if (j->edge != RVX_HYP_NONE) {
			struct rvx_part_edge *e = &pl->edges[j->edge];

			for (uint32_t s = 0; s < e->send_count; s++)
				if (e->send[s].part == pi && e->send[s].cap == j->handle) {
					e->send[s].task = dest;
					e->send[s].cap = r.value[0];
				}
		}
		j->handle = r.value[0];
		if (j->where[0] != RVX_PART_NOWHERE)
			pl->kern->handle_out(pl->ctx, pi, j->where[0], j->handle);
		p->rebuild.grants++;
	}
}

/* The rebuild's summary record, and the check that no other partition's
 * capabilities changed. */
static void rebuild_done(struct rvx_part *pl, struct rvx_part_partition *p)
{
	uint32_t pi = rvx_part_index_(pl, p);
	const struct rvx_part_rebuild *b = &p->rebuild;
	uint32_t args[6] = {b->ended, b->spawned, b->regions, b->grants, b->withdrawn, b->drained};

	for (uint32_t i = 0; i < pl->part_count; i++) {
		uint8_t d[32];

		if (i == pi || !pl->parts[i].live)
			continue;
		caps_digest(pl, &pl->parts[i], d);
		RVX_PART_TRACE(pl, "RVX-RECON part=%c other=%c capabilities %s (sha256 "
			       "%02x%02x%02x%02x...)\n",
			       RVX_PART_NAME(pi), RVX_PART_NAME(i),
			       memcmp(d, p->other_caps[i], 32) == 0 ? "unchanged" : "CHANGED", d[0],
			       d[1], d[2], d[3]);
	}
	RVX_PART_TRACE(pl, "RVX-ACT partition-rebuild part=%c ended=%u spawned=%u regions=%u "
		       "grants=%u withdrawn=%u drained=%u\n",
		       RVX_PART_NAME(pi), args[0], args[1], args[2], args[3], args[4], args[5]);
	pl->kern->record(pl->ctx, RVX_PART_WITNESS_REBUILD, pi, p->h.raw, args, sizeof(args));
}

/* True if a live task of @p p other than @p faulting (which trapped on
 * this CPU) is loaded on a CPU: its state is in that CPU's registers, and
 * that CPU is on the task's stack until it next enters the kernel, so the
 * task must not be ended (its index would be free for a new task). */
static bool runs_on_a_cpu(const struct rvx_part *pl, const struct rvx_part_partition *p,
			  uint32_t faulting)
{
	for (uint32_t i = 0; i < p->task_count; i++) {
		if (!p->alive[i] || p->tasks[i] == faulting)
			continue;
		for (uint32_t c = 0; c < RVX_CONFIG_HYP_MAX_CPUS; c++)
			if (pl->loaded_task[c] == p->tasks[i])
				return true;
	}
	return false;
}

/* Rebuild @p p from its checkpoint plus its journals: stage-2 tables from
 * scratch with the live mappings of its mapping journal; every task ended
 * through the nucleus (its capabilities and everything derived from them
 * go); the messages it produced still in flight dropped; its memory
 * restored from the checkpoint; its construction journal replayed (tasks
 * spawned afresh, as their old ids, with fresh capabilities; regions mapped
 * again; the new handles published). The grants other partitions made to it
 * are re-made once it is back in service. The checks that can refuse come
 * first (a task of it running on another CPU refuses it: the rebuild
 * reuses the ended tasks' indices at once); a port operation failing later
 * fails the rung. */
static bool reconstruct(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t faulting)
{
	uint32_t pi = rvx_part_index_(pl, p);
	uint8_t d[32];

	if (!p->has_ckpt || p->journal_lost || runs_on_a_cpu(pl, p, faulting))
		return false;
	/* Only the checkpoint the log witnessed is restored. */
	if (pl->kern->snapshot_digest(pl->ctx, pi, d) != 0 ||
	    memcmp(d, p->ckpt_digest, sizeof(d)) != 0)
		return false;
	if (pl->arch->s2_reset(pl->ctx, pi, p->vmid) != 0)
		return false;
	for (uint32_t i = 0; i < p->map_count; i++)
		if (p->maps[i].live && rvx_part_s2_map_(pl, p, &p->maps[i], false) != 0)
			return false;
	pl->arch->s2_sync(pl->ctx, pi);
	for (uint32_t i = 0; i < pl->part_count; i++)
		if (i != pi && pl->parts[i].live)
			caps_digest(pl, &pl->parts[i], p->other_caps[i]);
	memset(&p->rebuild, 0, sizeof(p->rebuild));
	p->stale_count = 0;
	/* Its kernel-side state goes: every live task ends. */
	for (uint32_t i = 0; i < p->task_count; i++) {
		const struct rvx_part_jentry *j = rvx_part_journal_spawn_(p, i);

		if (!p->alive[i])
			continue;
		RVX_PART_TRACE(pl, "RVX-RECON part=%c end task=%u handles=", RVX_PART_NAME(pi),
			       p->tasks[i]);
		for (uint32_t c = 0; j != NULL && c < j->nx; c++) {
			RVX_PART_TRACE(pl, "%s0x%lx", c ? "," : "", j->child[c]);
			note_stale(p, j->child[c]);
		}
		RVX_PART_TRACE(pl, "\n");
		if (rvx_part_end_slot_(pl, p, i, RVX_PART_EXIT_RECONSTRUCT) != 0)
			return false;
		p->rebuild.ended++;
	}
	p->rebuild.drained = drain_outbound(pl, pi);
	if (pl->kern->snapshot_restore(pl->ctx, pi, 0, p->mem_size) != 0)
		return false;
	/* The construction journal, in order. */
	for (uint32_t i = 0; i < p->journal_count; i++) {
		struct rvx_part_jentry *j = &p->journal[i];

		if (!j->live)
			continue;
		if (j->kind == RVX_PART_J_SPAWN) {
			/* Its old index: that table's slots have moved on past
			 * every handle the ended task held. */
			uint32_t t;

			if (rvx_part_spawn_slot_(pl, p, j->slot, j, p->tasks[j->slot], &t) != 0)
				return false;
			RVX_PART_TRACE(pl, "RVX-RECON part=%c spawn task=%u role=%u handles=",
				       RVX_PART_NAME(pi), t, j->role);
			for (uint32_t c = 0; c < j->nx; c++)
				RVX_PART_TRACE(pl, "%s0x%lx", c ? "," : "", j->child[c]);
			RVX_PART_TRACE(pl, "\n");
			p->rebuild.spawned++;
		} else if (j->kind == RVX_PART_J_REGION) {
			if (!replay_region(pl, p, j))
				return false;
		}
	}
	p->regrant = 1;
	rvx_part_forget_part_(pl, pi);
	p->reconstructs++;
	return true;
}

static bool rollback(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t region,
		     uint64_t off, uint64_t len)
{
	if (!p->has_ckpt || region == RVX_HYP_NONE || len == 0)
		return false;
	if (pl->kern->snapshot_restore(pl->ctx, rvx_part_index_(pl, p), off, len) != 0)
		return false;
	p->rollbacks++;
	return true;
}

/* Stop @p p for good, the task @p faulting (which trapped on this CPU) with
 * it. Check: every live task can be ended, and none but @p faulting is
 * loaded on a CPU (another CPU's registers would hold its state). Commit:
 * every live task ended through the nucleus (TASK_EXIT, code
 * RVX_PART_EXIT_STOPPED), its leased devices unmapped; lib/hyp then ends
 * its edges and leases when the rung is reported. Its memory and tables
 * stay: nothing else maps them, and they are not reused. */
static bool stop_partition(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t faulting)
{
	uint32_t pi = rvx_part_index_(pl, p), ended = 0, leases = 0, live = 0;
	uint32_t ending[RVX_CONFIG_PART_TASKS];

	/* Check. */
	for (uint32_t i = 0; i < p->task_count; i++) {
		if (!p->alive[i])
			continue;
		ending[live++] = p->tasks[i];
	}
	if (runs_on_a_cpu(pl, p, faulting))
		return false;
	if (pl->kern->task_exit_check(pl->ctx, ending, live) != 0)
		return false;

	/* Commit. */
	p->stopped_count = 0;
	for (uint32_t i = 0; i < p->task_count; i++) {
		uint32_t t = p->tasks[i];

		if (!p->alive[i])
			continue;
		/* Checked above, room for every record included. */
		if (rvx_part_end_slot_(pl, p, i, RVX_PART_EXIT_STOPPED) != 0)
			return false;
		p->stopped_tasks[p->stopped_count++] = t;
		ended++;
	}
	for (uint32_t m = 0; m < p->map_count; m++) {
		const struct rvx_part_map *mp = &p->maps[m];

		if (!mp->live || !mp->lease)
			continue;
		for (uint32_t d = 0; d < pl->cfg.device_count; d++)
			if (pl->cfg.devices[d].base == mp->ipa)
				rvx_part_lease_unmap_(pl, p, pl->cfg.devices[d].id, mp->ipa, mp->size);
		leases++;
	}
	for (uint32_t e = 0; e < RVX_CONFIG_PART_EDGES; e++)
		if (pl->edges[e].live && (pl->edges[e].from == pi || pl->edges[e].to == pi))
			pl->edges[e].live = 0; /* lib/hyp destroys it with the report */
	p->held_count = 0;
	p->suspended = 0;
	p->stopped = 1;
	RVX_PART_TRACE(pl, "RVX-ACT partition-stop part=%c tasks=%u leases=%u\n", RVX_PART_NAME(pi),
		       ended, leases);
	return true;
}

enum rvx_part_outcome rvx_part_fault_(struct rvx_part *pl, struct rvx_part_partition *p,
				      const struct rvx_hyp_fault *fl, uint64_t off, uint64_t len)
{
	uint32_t pi = rvx_part_index_(pl, p);
	struct rvx_hyp_decision d, next;
	bool restarted = false, ended = false, stopped = false;
	int rc;

	RVX_PART_TRACE(pl, "RVX-ACT fault part=%c task=%u cause=%s addr=0x%lx\n",
		       RVX_PART_NAME(pi), fl->task, rvx_part_cause_name(fl->cause), fl->addr);
	rc = rvx_hyp_fault(&pl->hyp, p->h, fl, pl->kern->now(pl->ctx), &d);
	if (rc != 0)
		return RVX_PART_HALTED; /* already FAILED: its pending action stands */
	p->faults++;
	if (fl->cause < RVX_PART_CAUSE_COUNT)
		p->cause_seen[fl->cause]++;
	rvx_part_forget_part_(pl, pi); /* lib/hyp took it off every CPU */
	for (;;) {
		bool ok = false;

		switch (d.action) {
		case RVX_HYP_ACT_RESTART_TASK:
			restart_task(pl, d.task);
			restarted = restarted || d.task == fl->task;
			p->restarts++;
			ok = true;
			break;
		case RVX_HYP_ACT_RECONSTRUCT:
			ok = reconstruct(pl, p, fl->task);
			ended = ended || ok;
			break;
		case RVX_HYP_ACT_ROLLBACK_REGION:
			ok = rollback(pl, p, d.region, off, len);
			break;
		case RVX_HYP_ACT_STOP_PARTITION:
			ok = stop_partition(pl, p, fl->task);
			stopped = ok;
			break;
		default:
			RVX_PART_TRACE(pl, "RVX-RECOVERY part=%c action=%s: a global reboot would "
				       "be needed; stopping\n",
				       RVX_PART_NAME(pi), action_name(d.action));
			pl->kern->reboot(pl->ctx);
			/* Still here: the port cannot reboot. The rung failed and
			 * stays pending; the partition stays FAILED. */
			(void)rvx_hyp_recovery_report(&pl->hyp, p->h, d.action, false,
						      pl->kern->now(pl->ctx), NULL);
			return RVX_PART_HALTED;
		}
		RVX_PART_TRACE(pl, "RVX-ACT recovery part=%c action=%s task=%u failures=%u ok=%u\n",
			       RVX_PART_NAME(pi), action_name(d.action), d.task, d.failures,
			       ok ? 1u : 0u);
		rc = rvx_hyp_recovery_report(&pl->hyp, p->h, d.action, ok, pl->kern->now(pl->ctx),
					     &next);
		RVX_CHECK(rc == 0); /* the pending action was the one tried */
		if (next.action == RVX_HYP_ACT_NONE)
			break;
		d = next;
	}
	if (stopped)
		return RVX_PART_STOPPED;
	if (p->regrant) {
		/* Back in service: the grants others made to it, then the
		 * rebuild's summary. */
		p->regrant = 0;
		replay_grants(pl, p);
		rebuild_done(pl, p);
	}
	return ended ? RVX_PART_ENDED : restarted ? RVX_PART_RESTARTED : RVX_PART_KEPT;
}
