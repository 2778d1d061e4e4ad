/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A region's checkpoint section (ruvix/ckpt_section.h): its state, slab
 * metadata and readable contents, each integer little-endian. The policy
 * and geometry must match the destination's, which keeps its own memory.
 */
#include "region_internal.h"
#include "ruvix/endian.h"

#define REGION_HDR 48u

/* Bytes of contents a region's checkpoint holds: what can be read. */
static uint64_t region_content(uint32_t policy, uint64_t size, uint64_t cursor)
{
	return policy == RVX_REGION_POLICY_APPEND_ONLY ? cursor : size;
}

static size_t region_size(const void *obj)
{
	const struct rvx_region *r = obj;

	return REGION_HDR + (size_t)r->slot_count * 8u +
	       (size_t)region_content(r->policy, r->size, r->cursor);
}

static void region_write(const void *obj, uint8_t *out)
{
	const struct rvx_region *r = obj;
	uint8_t *p = out + REGION_HDR;

	rvx_le_put32(out, r->policy);
	rvx_le_put32(out + 4, r->slot_size);
	rvx_le_put32(out + 8, r->slot_stride);
	rvx_le_put32(out + 12, r->slot_count);
	rvx_le_put32(out + 16, r->free_head);
	rvx_le_put32(out + 20, r->used_slots);
	rvx_le_put32(out + 24, r->retired_slots);
	rvx_le_put32(out + 28, 0);
	rvx_le_put64(out + 32, r->size);
	rvx_le_put64(out + 40, r->cursor);
	for (uint32_t i = 0; i < r->slot_count; i++, p += 8) {
		rvx_le_put32(p, r->slots[i].gen);
		rvx_le_put32(p + 4, r->slots[i].next);
	}
	memcpy(p, r->base, (size_t)region_content(r->policy, r->size, r->cursor));
}

static int region_check(const void *obj, const uint8_t *in, size_t len)
{
	const struct rvx_region *r = obj;
	uint32_t policy, slots;
	uint64_t cursor;
	const uint8_t *p = in + REGION_HDR;

	if (len < REGION_HDR)
		return -RVX_EINVAL;
	policy = rvx_le_get32(in);
	slots = rvx_le_get32(in + 12);
	cursor = rvx_le_get64(in + 40);
	if (policy == RVX_REGION_POLICY_NONE || policy != r->policy ||
	    rvx_le_get32(in + 4) != r->slot_size || rvx_le_get32(in + 8) != r->slot_stride ||
	    slots != r->slot_count || rvx_le_get64(in + 32) != r->size || cursor > r->size ||
	    rvx_le_get32(in + 28) != 0 || r->base == NULL || (slots > 0 && r->slots == NULL))
		return -RVX_EINVAL;
	if (len - REGION_HDR != (size_t)slots * 8u + region_content(policy, r->size, cursor))
		return -RVX_EINVAL;
	/* Without slots the free head is whatever init left; keep it as is. */
	if (slots == 0 && rvx_le_get32(in + 16) != r->free_head)
		return -RVX_EINVAL;
	if (slots > 0 &&
	    !(rvx_le_get32(in + 16) < slots || rvx_le_get32(in + 16) == RVX_REGION_SLOT_END))
		return -RVX_EINVAL;
	if (
	    rvx_le_get32(in + 20) > slots || rvx_le_get32(in + 24) > slots)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < slots; i++, p += 8) {
		uint32_t next = rvx_le_get32(p + 4);

		if (rvx_le_get32(p) == 0 ||
		    !(next < slots || next == RVX_REGION_SLOT_END ||
		      next == RVX_REGION_SLOT_LIVE || next == RVX_REGION_SLOT_RETIRED))
			return -RVX_EINVAL;
	}
	return 0;
}

static void region_load(void *obj, const uint8_t *in, size_t len)
{
	struct rvx_region *r = obj;
	const uint8_t *p = in + REGION_HDR;

	(void)len;
	r->free_head = rvx_le_get32(in + 16);
	r->used_slots = rvx_le_get32(in + 20);
	r->retired_slots = rvx_le_get32(in + 24);
	r->cursor = rvx_le_get64(in + 40);
	for (uint32_t i = 0; i < r->slot_count; i++, p += 8) {
		r->slots[i].gen = rvx_le_get32(p);
		r->slots[i].next = rvx_le_get32(p + 4);
	}
	memcpy(r->base, p, (size_t)region_content(r->policy, r->size, r->cursor));
}

const struct rvx_ckpt_section_ops rvx_region_ckpt_ops = {
	RVX_CKPT_REGION, region_size, region_write, region_check, region_load,
};
