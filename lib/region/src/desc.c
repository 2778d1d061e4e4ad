/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Zero-copy descriptors. A descriptor may only name bytes that can no
 * longer change: the whole of an immutable region, or the part of an
 * append-only region below its published cursor. Slab slots are excluded
 * because a slot can be freed, zeroed and reused while a descriptor to it
 * is still in flight.
 */
#include "region_internal.h"

/* Shared by the three entry points; r is known to be initialised. */
static int desc_range(const struct rvx_region *r, uint64_t offset,
		      uint32_t length, const void **ptr)
{
	if (r->policy == RVX_REGION_POLICY_SLAB || length == 0)
		return -RVX_EBADDESC;
	/* rvx_region_range_ok_ never forms offset + length, so an offset near
	 * UINT64_MAX cannot wrap around into an accepted range. */
	if (!rvx_region_range_ok_(offset, length, rvx_region_readable_(r)))
		return -RVX_EBADDESC;
	if (ptr != NULL)
		*ptr = r->base + offset;
	return 0;
}

int rvx_region_desc_check(const struct rvx_region *r, uint64_t offset,
			  uint32_t length, const void **ptr)
{
	if (!rvx_region_ready_(r))
		return -RVX_EINVAL;
	return desc_range(r, offset, length, ptr);
}

int rvx_region_desc_make(const struct rvx_region *r, rvx_handle_t region,
			 uint64_t offset, uint32_t length,
			 struct rvx_region_desc *d)
{
	if (!rvx_region_ready_(r) || d == NULL)
		return -RVX_EINVAL;

	int ret = desc_range(r, offset, length, NULL);

	if (ret != 0)
		return ret;

	/* Assign a whole struct so the padding field is 0 too. */
	struct rvx_region_desc out = {
		.region = region,
		.offset = offset,
		.length = length,
		.reserved = 0,
	};

	*d = out;
	return 0;
}

int rvx_region_desc_resolve(const struct rvx_region *r,
			    const struct rvx_region_desc *d, const void **ptr)
{
	if (!rvx_region_ready_(r) || d == NULL)
		return -RVX_EINVAL;
	/* A non-zero reserved field means a sender from a newer ABI, or
	 * garbage: refuse rather than ignore what we do not understand. */
	if (d->reserved != 0)
		return -RVX_EBADDESC;
	return desc_range(r, d->offset, d->length, ptr);
}
