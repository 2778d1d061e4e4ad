/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Byte regions (immutable and append-only) and the calls common to every
 * policy. Each action validates all of its arguments first and only then
 * writes, with code that cannot fail, so a refused call changes nothing.
 */
#include "region_internal.h"

/* Fill in the fields every policy shares; the slab init sets its own on
 * top. The whole struct is cleared first so no stale field or padding from
 * an earlier use survives a re-init. The cursor is published last, with
 * release, so a reader that acquires it also sees the bytes init wrote. */
static void region_bind(struct rvx_region *r, uint32_t policy, uint8_t *base,
			size_t size, uint64_t cursor)
{
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->size = size;
	r->policy = policy;
	rvx_store_release_u64(&r->cursor, cursor);
}

int rvx_region_init_immutable(struct rvx_region *r, void *mem, size_t size,
			      const void *init, size_t init_len)
{
	if (r == NULL || !rvx_region_span_ok_(mem, size) || init_len > size ||
	    (init == NULL && init_len != 0))
		return -RVX_EINVAL;

	uint8_t *base = mem;

	/* memmove, not memcpy: the caller may prepare the contents in place
	 * (init == mem) or hand in a range that overlaps the region. */
	if (init_len != 0)
		memmove(base, init, init_len);
	memset(base + init_len, 0, size - init_len);
	region_bind(r, RVX_REGION_POLICY_IMMUTABLE, base, size, size);
	return 0;
}

int rvx_region_init_append(struct rvx_region *r, void *mem, size_t size)
{
	if (r == NULL || !rvx_region_span_ok_(mem, size))
		return -RVX_EINVAL;

	/* Nothing above the cursor is ever readable, so the memory need not
	 * be cleared: init stays O(1) however large the region is. */
	region_bind(r, RVX_REGION_POLICY_APPEND_ONLY, mem, size, 0);
	return 0;
}

int rvx_region_policy(const struct rvx_region *r)
{
	if (!rvx_region_ready_(r))
		return -RVX_EINVAL;
	return (int)r->policy;
}

int rvx_region_info(const struct rvx_region *r, struct rvx_region_info *info)
{
	if (!rvx_region_ready_(r) || info == NULL)
		return -RVX_EINVAL;

	struct rvx_region_info out = {
		.policy = r->policy,
		.size = r->size,
	};

	if (r->policy == RVX_REGION_POLICY_SLAB) {
		out.slot_size = r->slot_size;
		out.slot_stride = r->slot_stride;
		out.slot_count = r->slot_count;
		out.used_slots = r->used_slots;
		out.retired_slots = r->retired_slots;
		out.used_bytes = (uint64_t)r->used_slots * r->slot_stride;
	} else {
		out.used_bytes = rvx_region_readable_(r);
	}
	*info = out;
	return 0;
}

int rvx_region_append_check(const struct rvx_region *r, size_t len)
{
	if (!rvx_region_ready_(r) || len == 0)
		return -RVX_EINVAL;
	if (r->policy != RVX_REGION_POLICY_APPEND_ONLY)
		return -RVX_EPOLICY;
	/* Only the (single, caller-serialised) writer stores the cursor, so
	 * its own plain load sees the latest value. Compare against the room
	 * left rather than computing cursor + len, which could wrap for a len
	 * near SIZE_MAX. */
	if ((uint64_t)len > r->size - r->cursor)
		return -RVX_EREGIONFULL;
	return 0;
}

int rvx_region_append(struct rvx_region *r, const void *data, size_t len,
		      uint64_t *offset)
{
	int ret = data == NULL ? -RVX_EINVAL : rvx_region_append_check(r, len);

	if (ret != 0)
		return ret;

	uint64_t cursor = r->cursor;

	/* memmove: data may be bytes already in this region (re-appending a
	 * record), and may even run past the cursor into the destination. */
	memmove(r->base + cursor, data, len);
	/* Publish only after the copy: a reader that acquires the new cursor
	 * is guaranteed to see every byte below it. */
	rvx_store_release_u64(&r->cursor, cursor + len);
	if (offset != NULL)
		*offset = cursor;
	return 0;
}

int rvx_region_read(const struct rvx_region *r, uint64_t offset, void *buf,
		    size_t len)
{
	if (!rvx_region_ready_(r) || buf == NULL)
		return -RVX_EINVAL;
	if (r->policy == RVX_REGION_POLICY_SLAB)
		return -RVX_EPOLICY;
	if (!rvx_region_range_ok_(offset, len, rvx_region_readable_(r)))
		return -RVX_EINVAL;

	if (len != 0)
		memcpy(buf, r->base + offset, len);
	return 0;
}

