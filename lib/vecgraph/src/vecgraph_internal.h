/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers shared by the vecgraph sources (and the tests): hashing,
 * alignment. Never installed.
 */
#ifndef RUVIX_VECGRAPH_INTERNAL_H
#define RUVIX_VECGRAPH_INTERNAL_H

#include "ruvix/endian.h"
#include "ruvix/vecgraph.h"

/* "No slot / no block / no edge": every index is below the capacity, which
 * is far below this. */
#define RVX_VG_NONE 0xffffffffu

/* Build the explicit AVX2 kernels only where the compiler can target them
 * per function; the rest of the library stays baseline x86-64. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RVX_VG_HAVE_AVX2 1
#else
#define RVX_VG_HAVE_AVX2 0
#endif

/* splitmix64's finaliser: a bijective 64-bit mix with good avalanche, used
 * for level assignment and for hash table positions. */
static inline uint64_t rvx_vg_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Map a 64-bit hash to [0, n) by multiply-shift (no division, any n). */
static inline uint32_t rvx_vg_range(uint64_t h, uint32_t n)
{
	return (uint32_t)(((h >> 32) * (uint64_t)n) >> 32);
}

static inline size_t rvx_vg_align(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

#endif /* RUVIX_VECGRAPH_INTERNAL_H */
