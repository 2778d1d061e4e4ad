/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers shared by the region sources. Never installed.
 */
#ifndef RUVIX_REGION_INTERNAL_H
#define RUVIX_REGION_INTERNAL_H

#include "ruvix/atomic.h"
#include "ruvix/region.h"

/* Offsets and lengths are compared as uint64_t; that is only lossless if a
 * size_t fits in it. */
_Static_assert(SIZE_MAX <= UINT64_MAX, "size_t must fit in 64 bits");

/* True if r is non-NULL and was initialised with one of the three
 * policies. A zeroed struct (policy NONE) is rejected; anything else that
 * did not come from an init call cannot be told apart and is the caller's
 * bug. */
static inline bool rvx_region_ready_(const struct rvx_region *r)
{
	return r != NULL && r->policy >= RVX_REGION_POLICY_IMMUTABLE &&
	       r->policy <= RVX_REGION_POLICY_SLAB;
}

/* True if [p, p + len) is a non-empty range that does not wrap the address
 * space, so that p + len can be formed and compared safely. */
static inline bool rvx_region_span_ok_(const void *p, size_t len)
{
	return p != NULL && len != 0 && len <= UINTPTR_MAX - (uintptr_t)p;
}

/* True if [offset, offset + len) lies inside [0, limit), written so that no
 * sum can overflow: offset is bounded first, then len against what is left. */
static inline bool rvx_region_range_ok_(uint64_t offset, uint64_t len,
					uint64_t limit)
{
	return offset <= limit && len <= limit - offset;
}

/* Bytes that may be read (and described) from offset 0: the size of an
 * immutable region, the published cursor of an append-only one. The
 * acquire pairs with the release in rvx_region_append(), so every byte
 * below the value returned is visible to this CPU. */
static inline uint64_t rvx_region_readable_(const struct rvx_region *r)
{
	return rvx_load_acquire_u64(&r->cursor);
}

#endif /* RUVIX_REGION_INTERNAL_H */
