/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the vecgraph tests: a seeded generator, data sets,
 * exact k-NN by brute force, aligned buffers and byte snapshots for the
 * "a failed call changes nothing" checks.
 */
#ifndef VG_TEST_H
#define VG_TEST_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/vecgraph.h"

static inline uint64_t vg_rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [-1, 1). */
static inline float vg_uniform(uint64_t *s)
{
	return (float)(vg_rng(s) >> 40) * (2.0f / 16777216.0f) - 1.0f;
}

/* Roughly normal (sum of four uniforms), mean 0, sd ~1.15. */
static inline float vg_normal(uint64_t *s)
{
	return (vg_uniform(s) + vg_uniform(s) + vg_uniform(s) + vg_uniform(s)) * 0.5f;
}

/* n vectors around `clusters` random centres in [-1,1]^dim; the centres
 * come from @p centre_seed, the points from @p seed. */
static inline void vg_clustered(float *out, uint32_t n, uint32_t dim, uint32_t clusters,
				float spread, uint64_t centre_seed, uint64_t seed)
{
	float *centres = malloc(sizeof(float) * clusters * dim);
	cr_assert_not_null(centres);
	for (uint32_t i = 0; i < clusters * dim; i++)
		centres[i] = vg_uniform(&centre_seed);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = (uint32_t)(vg_rng(&seed) % clusters);
		for (uint32_t j = 0; j < dim; j++)
			out[(size_t)i * dim + j] = centres[(size_t)c * dim + j] + spread * vg_normal(&seed);
	}
	free(centres);
}

/* n vectors uniform in [-1,1]^dim: no structure, the hard case for HNSW. */
static inline void vg_uniform_data(float *out, uint32_t n, uint32_t dim, uint64_t seed)
{
	for (size_t i = 0; i < (size_t)n * dim; i++)
		out[i] = vg_uniform(&seed);
}

static inline double vg_dist(const float *a, const float *b, uint32_t dim, uint32_t metric)
{
	double dot = 0, na = 0, nb = 0, l2 = 0;
	for (uint32_t i = 0; i < dim; i++) {
		double d = (double)a[i] - b[i];
		l2 += d * d;
		dot += (double)a[i] * b[i];
		na += (double)a[i] * a[i];
		nb += (double)b[i] * b[i];
	}
	if (metric == RVX_VEC_METRIC_L2)
		return l2;
	if (metric == RVX_VEC_METRIC_DOT)
		return 1.0 - dot;
	return 1.0 - dot / (__builtin_sqrt(na) * __builtin_sqrt(nb));
}

/* Exact k nearest among rows whose live[i] is set (live NULL: all rows);
 * writes row indices. */
static inline void vg_brute(const float *data, const uint8_t *live, uint32_t n, uint32_t dim,
			    uint32_t metric, const float *q, uint32_t k, uint64_t *out)
{
	double *best = malloc(sizeof(double) * k);
	uint32_t cnt = 0;
	cr_assert_not_null(best);
	for (uint32_t i = 0; i < n; i++) {
		if (live != NULL && !live[i])
			continue;
		double d = vg_dist(q, data + (size_t)i * dim, dim, metric);
		if (cnt == k && d >= best[k - 1])
			continue;
		uint32_t p = cnt < k ? cnt++ : k - 1;
		while (p > 0 && best[p - 1] > d) {
			best[p] = best[p - 1];
			out[p] = out[p - 1];
			p--;
		}
		best[p] = d;
		out[p] = i;
	}
	free(best);
}

static inline void *vg_alloc(size_t size)
{
	void *p = aligned_alloc(64, (size + 63) & ~(size_t)63);
	cr_assert_not_null(p);
	memset(p, 0xa5, (size + 63) & ~(size_t)63);
	return p;
}

/* A copy of an object and its memory, to prove a failed call wrote nothing. */
struct vg_snap {
	void *obj;
	size_t obj_size;
	void *mem;
	size_t mem_size;
};

static inline struct vg_snap vg_snap_take(const void *obj, size_t obj_size, const void *mem,
					  size_t mem_size)
{
	struct vg_snap s = {malloc(obj_size), obj_size, malloc(mem_size), mem_size};
	cr_assert(s.obj != NULL && s.mem != NULL);
	memcpy(s.obj, obj, obj_size);
	memcpy(s.mem, mem, mem_size);
	return s;
}

static inline void vg_snap_same(struct vg_snap *s, const void *obj, const void *mem)
{
	cr_assert(memcmp(s->obj, obj, s->obj_size) == 0, "object changed by a failed call");
	cr_assert(memcmp(s->mem, mem, s->mem_size) == 0, "memory changed by a failed call");
}

static inline void vg_snap_free(struct vg_snap *s)
{
	free(s->obj);
	free(s->mem);
}

/* Environment knob: VG_SMALL=1 shrinks the quality tests' data sets (for
 * slow sanitizer builds); the default run uses the full sizes. */
static inline int vg_small(void)
{
	const char *e = getenv("VG_SMALL");
	return e != NULL && e[0] == '1';
}

#endif /* VG_TEST_H */
