/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Partitions, per-CPU switch accounting, epochs, CommEdges and capability
 * grant records. Every function checks all of its inputs before it writes
 * anything, and emits its events only after the state has changed, so a
 * sink that looks at the state sees it committed.
 */
#include "hyp_internal.h"

int rvx_hyp_part_get_(const struct rvx_hyp *h, rvx_handle_t ph, uint32_t *idx)
{
	uint32_t i = rvx_handle_index(ph), g = rvx_handle_gen(ph);
	const struct rvx_hyp_partition *p;

	if (i >= h->part_count || g == 0)
		return -RVX_ENOENT;
	p = &h->parts[i];
	if (p->state == RVX_HYP_STATE_FREE || p->generation != g)
		return -RVX_ESTALE;
	*idx = i;
	return 0;
}

static int edge_get(const struct rvx_hyp *h, rvx_handle_t eh, uint32_t *idx)
{
	uint32_t i = rvx_handle_index(eh), g = rvx_handle_gen(eh);

	if (i >= h->edge_count || g == 0)
		return -RVX_ENOENT;
	if (!h->edges[i].live || h->edges[i].generation != g)
		return -RVX_ESTALE;
	*idx = i;
	return 0;
}

int rvx_hyp_init(struct rvx_hyp *h, const struct rvx_hyp_config *cfg,
		 struct rvx_hyp_partition *parts, uint32_t part_count, struct rvx_hyp_edge *edges,
		 uint32_t edge_count, const struct rvx_hyp_sink *sink)
{
	if (!h || !cfg || !parts || !edges || !sink || !sink->emit)
		return -RVX_EINVAL;
	if (part_count == 0 || part_count > RVX_CONFIG_HYP_MAX_PARTITIONS || edge_count == 0 ||
	    (uint64_t)edge_count > (uint64_t)RVX_CONFIG_HYP_MAX_PARTITIONS *
					   RVX_CONFIG_HYP_EDGES_PER_PARTITION)
		return -RVX_EINVAL;
	if (cfg->cpu_count == 0 || cfg->cpu_count > RVX_CONFIG_HYP_MAX_CPUS || cfg->reserved ||
	    cfg->policy.window == 0)
		return -RVX_EINVAL;

	memset(h, 0, sizeof(*h));
	memset(parts, 0, (size_t)part_count * sizeof(*parts));
	memset(edges, 0, (size_t)edge_count * sizeof(*edges));
	h->parts = parts;
	h->edges = edges;
	h->part_count = part_count;
	h->edge_count = edge_count;
	h->sink = *sink;
	h->policy = cfg->policy;
	h->cpu_count = cfg->cpu_count;
	for (uint32_t c = 0; c < RVX_CONFIG_HYP_MAX_CPUS; c++)
		h->current[c] = RVX_HYP_NONE;
	h->next_expiry = UINT64_MAX;
	return 0;
}

/* ---- partitions ----------------------------------------------------------- */

int rvx_hyp_partition_create(struct rvx_hyp *h, const struct rvx_hyp_partition_config *cfg,
			     uint64_t now, rvx_handle_t *out)
{
	uint32_t slot = RVX_HYP_NONE;
	struct rvx_hyp_partition *p;
	struct rvx_hyp_event ev;

	if (!h || !cfg || !out || (cfg->flags & ~RVX_HYP_PART_STOPPABLE) ||
	    cfg->cap_root == RVX_HYP_NONE)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < h->part_count; i++) {
		if (h->parts[i].state == RVX_HYP_STATE_FREE) {
			if (slot == RVX_HYP_NONE)
				slot = i;
		} else if (h->parts[i].vmid == cfg->vmid) {
			return -RVX_EEXIST;
		}
	}
	if (slot == RVX_HYP_NONE)
		return -RVX_ENOMEM;

	p = &h->parts[slot];
	{
		uint32_t gen = rvx_gen_next(p->generation);
		uint32_t lease_gens[LEASES];

		/* Lease generations survive the slot's reuse, so a lease handle
		 * from an earlier partition in this slot stays stale. */
		for (uint32_t l = 0; l < LEASES; l++)
			lease_gens[l] = p->leases[l].generation;
		memset(p, 0, sizeof(*p));
		for (uint32_t l = 0; l < LEASES; l++)
			p->leases[l].generation = lease_gens[l];
		p->generation = gen;
	}
	p->state = RVX_HYP_STATE_CREATED;
	p->vmid = cfg->vmid;
	p->cap_root = cfg->cap_root;
	p->flags = (uint8_t)cfg->flags;
	h->live_partitions++;
	*out = hyp_part_handle_(h, slot);

	hyp_event_init_(&ev, RVX_HYP_EV_PART_CREATE, slot, out->raw, now, 12);
	rvx_le_put32(ev.args, cfg->vmid);
	rvx_le_put32(ev.args + 4, cfg->cap_root);
	rvx_le_put32(ev.args + 8, cfg->flags);
	hyp_emit_(h, &ev);
	return 0;
}

void rvx_hyp_edge_end_(struct rvx_hyp *h, uint32_t ei, uint64_t now)
{
	struct rvx_hyp_edge *e = &h->edges[ei];
	struct rvx_hyp_event ev;

	e->live = 0;
	h->parts[e->a].edge_count--;
	h->parts[e->b].edge_count--;
	h->live_edges--;
	hyp_event_init_(&ev, RVX_HYP_EV_EDGE_DESTROY, e->a,
			rvx_handle_make(ei, e->generation).raw, now, 32);
	rvx_le_put32(ev.args, e->a);
	rvx_le_put32(ev.args + 4, e->b);
	rvx_le_put32(ev.args + 8, e->queue);
	rvx_le_put32(ev.args + 12, e->flags);
	rvx_le_put64(ev.args + 16, e->messages);
	rvx_le_put64(ev.args + 24, e->bytes);
	hyp_emit_(h, &ev);
}

int rvx_hyp_partition_destroy(struct rvx_hyp *h, rvx_handle_t part, uint64_t now)
{
	struct rvx_hyp_partition *p;
	struct rvx_hyp_event ev;
	uint32_t pi, edges = 0, leases = 0;
	int rc;

	if (!h)
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (rc)
		return rc;
	p = &h->parts[pi];
	if (p->current_cpus)
		return -RVX_EBUSY;

	for (uint32_t ei = 0; ei < h->edge_count && p->edge_count; ei++) {
		if (h->edges[ei].live && (h->edges[ei].a == pi || h->edges[ei].b == pi)) {
			rvx_hyp_edge_end_(h, ei, now);
			edges++;
		}
	}
	for (uint32_t l = 0; l < LEASES; l++) {
		if (p->leases[l].active) {
			rvx_hyp_lease_end_(h, pi, l, RVX_HYP_EV_LEASE_REVOKE, now, NULL);
			leases++;
		}
	}
	if (leases)
		rvx_hyp_lease_rescan_(h);
	p->state = RVX_HYP_STATE_FREE;
	h->live_partitions--;

	hyp_event_init_(&ev, RVX_HYP_EV_PART_DESTROY, pi, part.raw, now, 8);
	rvx_le_put32(ev.args, edges);
	rvx_le_put32(ev.args + 4, leases);
	hyp_emit_(h, &ev);
	return 0;
}

static void emit_transition(struct rvx_hyp *h, uint16_t kind, uint32_t pi, rvx_handle_t part,
			    uint32_t before, uint32_t after, uint64_t now)
{
	struct rvx_hyp_event ev;

	hyp_event_init_(&ev, kind, pi, part.raw, now, 8);
	rvx_le_put32(ev.args, before);
	rvx_le_put32(ev.args + 4, after);
	hyp_emit_(h, &ev);
}

int rvx_hyp_partition_suspend(struct rvx_hyp *h, rvx_handle_t part, uint64_t now)
{
	uint32_t pi;
	int rc;

	if (!h)
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (rc)
		return rc;
	if (h->parts[pi].state != RVX_HYP_STATE_RUNNING)
		return -RVX_EPERM;
	if (h->parts[pi].current_cpus)
		return -RVX_EBUSY;
	h->parts[pi].state = RVX_HYP_STATE_SUSPENDED;
	emit_transition(h, RVX_HYP_EV_PART_SUSPEND, pi, part, RVX_HYP_STATE_RUNNING,
			RVX_HYP_STATE_SUSPENDED, now);
	return 0;
}

int rvx_hyp_partition_resume(struct rvx_hyp *h, rvx_handle_t part, uint64_t now)
{
	uint32_t pi, before;
	int rc;

	if (!h)
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (rc)
		return rc;
	before = h->parts[pi].state;
	if (before != RVX_HYP_STATE_CREATED && before != RVX_HYP_STATE_SUSPENDED)
		return -RVX_EPERM;
	h->parts[pi].state = RVX_HYP_STATE_RUNNING;
	emit_transition(h, RVX_HYP_EV_PART_RESUME, pi, part, before, RVX_HYP_STATE_RUNNING, now);
	return 0;
}

int rvx_hyp_partition_info(const struct rvx_hyp *h, rvx_handle_t part,
			   struct rvx_hyp_partition_info *out)
{
	const struct rvx_hyp_partition *p;
	uint32_t pi;
	int rc;

	if (!h || !out)
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (rc)
		return rc;
	p = &h->parts[pi];
	memset(out, 0, sizeof(*out));
	out->state = p->state;
	out->vmid = p->vmid;
	out->cap_root = p->cap_root;
	out->current_cpus = p->current_cpus;
	out->edge_count = p->edge_count;
	out->lease_count = p->lease_count;
	out->failures = p->failures;
	out->faults_total = p->faults_total;
	out->recoveries = p->recoveries;
	out->flags = p->flags;
	out->pending = p->pending;
	out->switches_epoch = p->switches_epoch;
	out->switches_total = p->switches_total;
	return 0;
}

/* ---- switch and epochs ---------------------------------------------------- */

int rvx_hyp_switch(struct rvx_hyp *h, uint32_t cpu, rvx_handle_t part)
{
	uint32_t next = RVX_HYP_NONE, prev;

	if (RVX_UNLIKELY(!h || cpu >= h->cpu_count))
		return -RVX_EINVAL;
	if (!rvx_handle_is_null(part)) {
		int rc = rvx_hyp_part_get_(h, part, &next);

		if (RVX_UNLIKELY(rc))
			return rc;
		if (RVX_UNLIKELY(h->parts[next].state != RVX_HYP_STATE_RUNNING))
			return -RVX_EPERM;
	}
	prev = h->current[cpu];
	if (prev == next)
		return 0;
	if (prev != RVX_HYP_NONE)
		h->parts[prev].current_cpus &= ~(UINT32_C(1) << cpu);
	if (next != RVX_HYP_NONE) {
		struct rvx_hyp_partition *p = &h->parts[next];

		p->current_cpus |= UINT32_C(1) << cpu;
		p->switches_epoch++;
		p->switches_total++;
	}
	h->current[cpu] = next;
	h->epoch_switches++;
	h->switches_total++;
	return 0;
}

int rvx_hyp_current(const struct rvx_hyp *h, uint32_t cpu, rvx_handle_t *out)
{
	uint32_t pi;

	if (!h || !out || cpu >= h->cpu_count)
		return -RVX_EINVAL;
	pi = h->current[cpu];
	*out = pi == RVX_HYP_NONE ? RVX_HANDLE_NULL : hyp_part_handle_(h, pi);
	return 0;
}

int rvx_hyp_epoch_close(struct rvx_hyp *h, uint64_t now)
{
	struct rvx_hyp_event ev;

	if (!h)
		return -RVX_EINVAL;
	hyp_event_init_(&ev, RVX_HYP_EV_EPOCH_SUMMARY, RVX_HYP_NONE, h->epoch, now, 32);
	rvx_le_put64(ev.args, h->epoch);
	rvx_le_put64(ev.args + 8, h->epoch_switches);
	rvx_le_put64(ev.args + 16, h->epoch_messages);
	rvx_le_put64(ev.args + 24, h->epoch_bytes);

	for (uint32_t i = 0; i < h->part_count; i++)
		h->parts[i].switches_epoch = 0;
	for (uint32_t i = 0; i < h->edge_count; i++) {
		struct rvx_hyp_edge *e = &h->edges[i];

		if (!e->live)
			continue;
		e->last_messages = e->epoch_messages;
		e->last_bytes = e->epoch_bytes;
		e->epoch_messages = 0;
		e->epoch_bytes = 0;
	}
	h->epoch++;
	h->epoch_switches = 0;
	h->epoch_messages = 0;
	h->epoch_bytes = 0;
	hyp_emit_(h, &ev);
	return 0;
}

/* ---- CommEdges ------------------------------------------------------------ */

int rvx_hyp_edge_create(struct rvx_hyp *h, rvx_handle_t a, rvx_handle_t b, uint32_t queue,
			uint32_t flags, uint64_t now, rvx_handle_t *out)
{
	uint32_t ai, bi, slot = RVX_HYP_NONE;
	struct rvx_hyp_edge *e;
	struct rvx_hyp_event ev;
	int rc;

	if (!h || !out || queue == RVX_HYP_NONE || (flags & ~RVX_HYP_EDGE_BIDIR))
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, a, &ai);
	if (rc)
		return rc;
	rc = rvx_hyp_part_get_(h, b, &bi);
	if (rc)
		return rc;
	if (ai == bi)
		return -RVX_EINVAL;
	if (h->parts[ai].state == RVX_HYP_STATE_STOPPED || h->parts[bi].state == RVX_HYP_STATE_STOPPED)
		return -RVX_EPERM;
	for (uint32_t i = 0; i < h->edge_count; i++) {
		if (!h->edges[i].live) {
			if (slot == RVX_HYP_NONE)
				slot = i;
		} else if (h->edges[i].queue == queue) {
			return -RVX_EEXIST;
		}
	}
	if (h->parts[ai].edge_count >= RVX_CONFIG_HYP_EDGES_PER_PARTITION ||
	    h->parts[bi].edge_count >= RVX_CONFIG_HYP_EDGES_PER_PARTITION)
		return -RVX_ELIMIT;
	if (slot == RVX_HYP_NONE)
		return -RVX_ENOMEM;

	e = &h->edges[slot];
	{
		uint32_t gen = rvx_gen_next(e->generation);

		memset(e, 0, sizeof(*e));
		e->generation = gen;
	}
	e->live = 1;
	e->flags = (uint8_t)flags;
	e->a = ai;
	e->b = bi;
	e->queue = queue;
	h->parts[ai].edge_count++;
	h->parts[bi].edge_count++;
	h->live_edges++;
	*out = rvx_handle_make(slot, e->generation);

	hyp_event_init_(&ev, RVX_HYP_EV_EDGE_CREATE, ai, out->raw, now, 16);
	rvx_le_put32(ev.args, ai);
	rvx_le_put32(ev.args + 4, bi);
	rvx_le_put32(ev.args + 8, queue);
	rvx_le_put32(ev.args + 12, flags);
	hyp_emit_(h, &ev);
	return 0;
}

int rvx_hyp_edge_destroy(struct rvx_hyp *h, rvx_handle_t edge, uint64_t now)
{
	uint32_t ei;
	int rc;

	if (!h)
		return -RVX_EINVAL;
	rc = edge_get(h, edge, &ei);
	if (rc)
		return rc;
	rvx_hyp_edge_end_(h, ei, now);
	return 0;
}

int rvx_hyp_edge_note(struct rvx_hyp *h, rvx_handle_t edge, rvx_handle_t from, uint32_t bytes)
{
	return rvx_hyp_edge_note_many(h, edge, from, 1, bytes);
}

int rvx_hyp_edge_note_many(struct rvx_hyp *h, rvx_handle_t edge, rvx_handle_t from,
			   uint64_t messages, uint64_t bytes)
{
	struct rvx_hyp_edge *e;
	uint32_t ei, fi;
	int rc;

	if (RVX_UNLIKELY(!h))
		return -RVX_EINVAL;
	rc = edge_get(h, edge, &ei);
	if (RVX_UNLIKELY(rc))
		return rc;
	rc = rvx_hyp_part_get_(h, from, &fi);
	if (RVX_UNLIKELY(rc))
		return rc;
	e = &h->edges[ei];
	if (RVX_UNLIKELY(fi != e->a && !(fi == e->b && (e->flags & RVX_HYP_EDGE_BIDIR))))
		return -RVX_EPERM;
	e->messages += messages;
	e->bytes += bytes;
	e->epoch_messages += messages;
	e->epoch_bytes += bytes;
	h->epoch_messages += messages;
	h->epoch_bytes += bytes;
	return 0;
}

int rvx_hyp_edge_info(const struct rvx_hyp *h, rvx_handle_t edge, struct rvx_hyp_edge_info *out)
{
	const struct rvx_hyp_edge *e;
	uint32_t ei;
	int rc;

	if (!h || !out)
		return -RVX_EINVAL;
	rc = edge_get(h, edge, &ei);
	if (rc)
		return rc;
	e = &h->edges[ei];
	memset(out, 0, sizeof(*out));
	out->a = hyp_part_handle_(h, e->a);
	out->b = hyp_part_handle_(h, e->b);
	out->queue = e->queue;
	out->flags = e->flags;
	out->messages = e->messages;
	out->bytes = e->bytes;
	out->epoch_messages = e->epoch_messages;
	out->epoch_bytes = e->epoch_bytes;
	out->last_messages = e->last_messages;
	out->last_bytes = e->last_bytes;
	return 0;
}

int rvx_hyp_edge_at(const struct rvx_hyp *h, uint32_t slot, rvx_handle_t *out)
{
	if (!h || !out)
		return -RVX_EINVAL;
	if (slot >= h->edge_count || !h->edges[slot].live)
		return -RVX_ENOENT;
	*out = rvx_handle_make(slot, h->edges[slot].generation);
	return 0;
}

/* ---- capability grants across partitions --------------------------------- */

int rvx_hyp_cap_grant(struct rvx_hyp *h, rvx_handle_t from, rvx_handle_t to, uint64_t object,
		      rvx_rights_t rights, uint64_t now)
{
	struct rvx_hyp_event ev;
	uint32_t fi, ti;
	int rc;

	if (!h || rights == 0 || !rvx_rights_subset(rights, RVX_RIGHTS_ALL))
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, from, &fi);
	if (rc)
		return rc;
	rc = rvx_hyp_part_get_(h, to, &ti);
	if (rc)
		return rc;
	if (fi == ti)
		return -RVX_EINVAL;
	if (h->parts[fi].state == RVX_HYP_STATE_FAILED || h->parts[ti].state == RVX_HYP_STATE_FAILED ||
	    h->parts[fi].state == RVX_HYP_STATE_STOPPED || h->parts[ti].state == RVX_HYP_STATE_STOPPED)
		return -RVX_EPERM;
	hyp_event_init_(&ev, RVX_HYP_EV_CAP_GRANT, fi, to.raw, now, 16);
	rvx_le_put64(ev.args, object);
	rvx_le_put32(ev.args + 8, rights);
	rvx_le_put32(ev.args + 12, ti);
	hyp_emit_(h, &ev);
	return 0;
}
