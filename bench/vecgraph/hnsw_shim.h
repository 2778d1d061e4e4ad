/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A C interface to hnswlib (header-only C++), so the benchmark itself can
 * be C. One shim object file per instruction set: SHIM_NAME() gives each
 * build its own symbol prefix.
 */
#ifndef BENCH_HNSW_SHIM_H
#define BENCH_HNSW_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hnsw_shim;

#define HNSW_SHIM_DECLARE(prefix)                                                          \
	struct hnsw_shim *prefix##_create(uint32_t dim, size_t capacity, uint32_t m,      \
					  uint32_t ef_construction, size_t seed);          \
	int prefix##_add(struct hnsw_shim *h, const float *v, uint64_t label);            \
	void prefix##_set_ef(struct hnsw_shim *h, size_t ef);                              \
	int prefix##_search(struct hnsw_shim *h, const float *q, uint32_t k, uint64_t *labels); \
	void prefix##_destroy(struct hnsw_shim *h);

HNSW_SHIM_DECLARE(hnsw_base)
HNSW_SHIM_DECLARE(hnsw_avx2)

#ifdef __cplusplus
}
#endif

#endif /* BENCH_HNSW_SHIM_H */
