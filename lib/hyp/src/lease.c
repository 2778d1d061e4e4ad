/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DeviceLeases: exclusive, time-bounded access by one partition to one
 * device's MMIO range. The earliest expiry over all active leases is kept
 * in `next_expiry`, so a tick with nothing due is one comparison; a tick
 * that expires leases rescans (at most partitions x leases entries).
 */
#include "hyp_internal.h"

#define PAGE_MASK UINT64_C(0xFFF)

/* A lease's handle: partition slot x leases per partition + lease slot. */
static rvx_handle_t lease_handle(const struct rvx_hyp *h, uint32_t pi, uint32_t slot)
{
	return rvx_handle_make(pi * LEASES + slot, h->parts[pi].leases[slot].generation);
}

static int lease_get(const struct rvx_hyp *h, rvx_handle_t lh, uint32_t *pi, uint32_t *slot)
{
	uint32_t i = rvx_handle_index(lh), g = rvx_handle_gen(lh);
	const struct rvx_hyp_lease *l;

	if (i / LEASES >= h->part_count || g == 0)
		return -RVX_ENOENT;
	l = &h->parts[i / LEASES].leases[i % LEASES];
	if (!l->active || l->generation != g)
		return -RVX_ESTALE;
	*pi = i / LEASES;
	*slot = i % LEASES;
	return 0;
}

static void lease_fill_info(const struct rvx_hyp *h, uint32_t pi, uint32_t slot,
			    struct rvx_hyp_lease_info *out)
{
	const struct rvx_hyp_lease *l = &h->parts[pi].leases[slot];

	memset(out, 0, sizeof(*out));
	out->lease = lease_handle(h, pi, slot);
	out->partition = hyp_part_handle_(h, pi);
	out->device = l->device;
	out->rights = l->rights;
	out->mmio_base = l->mmio_base;
	out->mmio_size = l->mmio_size;
	out->expiry = l->expiry;
}

static void lease_event(const struct rvx_hyp *h, uint16_t kind, uint32_t pi, uint32_t slot,
			uint64_t now)
{
	const struct rvx_hyp_lease *l = &h->parts[pi].leases[slot];
	struct rvx_hyp_event ev;

	hyp_event_init_(&ev, kind, pi, lease_handle(h, pi, slot).raw, now, 32);
	rvx_le_put32(ev.args, l->device);
	rvx_le_put32(ev.args + 4, l->rights);
	rvx_le_put64(ev.args + 8, l->mmio_base);
	rvx_le_put64(ev.args + 16, l->mmio_size);
	rvx_le_put64(ev.args + 24, l->expiry);
	hyp_emit_(h, &ev);
}

void rvx_hyp_lease_end_(struct rvx_hyp *h, uint32_t pi, uint32_t slot, uint16_t kind, uint64_t now,
		    struct rvx_hyp_lease_info *info)
{
	struct rvx_hyp_lease *l = &h->parts[pi].leases[slot];

	if (info)
		lease_fill_info(h, pi, slot, info);
	/* The event carries the lease's handle and fields, so it is built
	 * before the slot is cleared. */
	lease_event(h, kind, pi, slot, now);
	{
		uint32_t gen = l->generation;

		memset(l, 0, sizeof(*l));
		l->generation = gen;
	}
	h->parts[pi].lease_count--;
	h->active_leases--;
}

void rvx_hyp_lease_rescan_(struct rvx_hyp *h)
{
	uint64_t next = UINT64_MAX;

	for (uint32_t pi = 0; pi < h->part_count; pi++) {
		const struct rvx_hyp_partition *p = &h->parts[pi];

		if (!p->lease_count)
			continue;
		for (uint32_t l = 0; l < LEASES; l++)
			if (p->leases[l].active && p->leases[l].expiry < next)
				next = p->leases[l].expiry;
	}
	h->next_expiry = next;
}

int rvx_hyp_lease_grant(struct rvx_hyp *h, rvx_handle_t part, const struct rvx_hyp_lease_req *req,
			uint64_t now, uint64_t expiry, rvx_handle_t *out)
{
	struct rvx_hyp_partition *p;
	struct rvx_hyp_lease *l;
	uint32_t pi, slot = RVX_HYP_NONE;
	uint64_t end;
	int rc;

	if (!h || !req || !out)
		return -RVX_EINVAL;
	if (req->rights == 0 || (req->rights & ~(RVX_HYP_LEASE_R | RVX_HYP_LEASE_W)))
		return -RVX_EINVAL;
	if (req->mmio_size == 0 || ((req->mmio_base | req->mmio_size) & PAGE_MASK) ||
	    req->mmio_base + req->mmio_size < req->mmio_base || expiry <= now)
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (rc)
		return rc;
	p = &h->parts[pi];
	if (p->state == RVX_HYP_STATE_FAILED || p->state == RVX_HYP_STATE_STOPPED)
		return -RVX_EPERM;
	end = req->mmio_base + req->mmio_size;
	for (uint32_t qi = 0; qi < h->part_count; qi++) {
		const struct rvx_hyp_partition *q = &h->parts[qi];

		if (!q->lease_count)
			continue;
		for (uint32_t k = 0; k < LEASES; k++) {
			const struct rvx_hyp_lease *o = &q->leases[k];

			if (o->active && (o->device == req->device ||
					  (req->mmio_base < o->mmio_base + o->mmio_size &&
					   o->mmio_base < end)))
				return -RVX_EBUSY;
		}
	}
	for (uint32_t k = 0; k < LEASES && slot == RVX_HYP_NONE; k++)
		if (!p->leases[k].active)
			slot = k;
	if (slot == RVX_HYP_NONE)
		return -RVX_ELIMIT;

	l = &p->leases[slot];
	l->generation = rvx_gen_next(l->generation);
	l->active = 1;
	l->rights = (uint8_t)req->rights;
	l->device = req->device;
	l->mmio_base = req->mmio_base;
	l->mmio_size = req->mmio_size;
	l->expiry = expiry;
	p->lease_count++;
	h->active_leases++;
	if (expiry < h->next_expiry)
		h->next_expiry = expiry;
	*out = lease_handle(h, pi, slot);
	lease_event(h, RVX_HYP_EV_LEASE_GRANT, pi, slot, now);
	return 0;
}

int rvx_hyp_lease_revoke(struct rvx_hyp *h, rvx_handle_t lease, uint64_t now)
{
	uint32_t pi, slot;
	int rc;

	if (!h)
		return -RVX_EINVAL;
	rc = lease_get(h, lease, &pi, &slot);
	if (rc)
		return rc;
	rvx_hyp_lease_end_(h, pi, slot, RVX_HYP_EV_LEASE_REVOKE, now, NULL);
	rvx_hyp_lease_rescan_(h);
	return 0;
}

int rvx_hyp_lease_info(const struct rvx_hyp *h, rvx_handle_t lease, struct rvx_hyp_lease_info *out)
{
	uint32_t pi, slot;
	int rc;

	if (!h || !out)
		return -RVX_EINVAL;
	rc = lease_get(h, lease, &pi, &slot);
	if (rc)
		return rc;
	lease_fill_info(h, pi, slot, out);
	return 0;
}

int rvx_hyp_tick(struct rvx_hyp *h, uint64_t now, struct rvx_hyp_lease_info *expired,
		 uint32_t capacity)
{
	uint32_t n = 0;

	if (!h || (!expired && capacity))
		return -RVX_EINVAL;
	if (RVX_LIKELY(now < h->next_expiry))
		return 0;
	for (uint32_t pi = 0; pi < h->part_count && n < capacity; pi++) {
		struct rvx_hyp_partition *p = &h->parts[pi];

		if (!p->lease_count)
			continue;
		for (uint32_t k = 0; k < LEASES && n < capacity; k++) {
			if (p->leases[k].active && p->leases[k].expiry <= now) {
				rvx_hyp_lease_end_(h, pi, k, RVX_HYP_EV_LEASE_EXPIRE, now, &expired[n]);
				n++;
			}
		}
	}
	if (n)
		rvx_hyp_lease_rescan_(h);
	/* The count is at most capacity, itself bounded by the lease slots. */
	return (int)n;
}

/* Shared body of the two checks: @match selects the lease. */
static int check_lease(const struct rvx_hyp_lease *l, uint32_t access, uint64_t now)
{
	if (now >= l->expiry)
		return -RVX_ETIMEDOUT;
	if (!rvx_rights_subset(access, l->rights))
		return -RVX_ERIGHTS;
	return 0;
}

int rvx_hyp_lease_check(const struct rvx_hyp *h, rvx_handle_t part, uint64_t addr,
			uint32_t access, uint64_t now)
{
	const struct rvx_hyp_partition *p;
	uint32_t pi;
	int rc;

	if (RVX_UNLIKELY(!h || access == 0 || (access & ~(RVX_HYP_LEASE_R | RVX_HYP_LEASE_W))))
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (RVX_UNLIKELY(rc))
		return rc;
	p = &h->parts[pi];
	for (uint32_t k = 0; k < LEASES; k++) {
		const struct rvx_hyp_lease *l = &p->leases[k];

		if (l->active && addr >= l->mmio_base && addr - l->mmio_base < l->mmio_size)
			return check_lease(l, access, now);
	}
	return -RVX_EPERM;
}

int rvx_hyp_lease_check_device(const struct rvx_hyp *h, rvx_handle_t part, uint32_t device,
			       uint32_t access, uint64_t now)
{
	const struct rvx_hyp_partition *p;
	uint32_t pi;
	int rc;

	if (!h || access == 0 || (access & ~(RVX_HYP_LEASE_R | RVX_HYP_LEASE_W)))
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (rc)
		return rc;
	p = &h->parts[pi];
	for (uint32_t k = 0; k < LEASES; k++) {
		const struct rvx_hyp_lease *l = &p->leases[k];

		if (l->active && l->device == device)
			return check_lease(l, access, now);
	}
	return -RVX_EPERM;
}
