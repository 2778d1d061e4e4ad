// SPDX-License-Identifier: Apache-2.0
// hnswlib behind a C interface. Compiled twice: with the baseline flags
// (hnswlib picks its SSE kernels) as hnsw_base_*, and with -mavx2 -mfma
// (its AVX kernels) as hnsw_avx2_*. Errors (hnswlib throws) become -1.
//
// hnswlib defines a few non-inline globals, so two copies in one program
// would collide: each copy is wrapped in its own namespace, with the
// system headers it uses included first (outside it).
#include <algorithm>
#include <assert.h>
#include <atomic>
#include <cassert>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#include <x86intrin.h>
#endif
#include <deque>
#include <fstream>
#include <iostream>
#include <list>
#include <mutex>
#include <queue>
#include <random>
#include <stdexcept>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hnsw_shim.h"

#ifndef SHIM_PREFIX
#error "SHIM_PREFIX must be defined"
#endif

namespace SHIM_PREFIX {
#include <hnswlib/hnswlib.h>
}
#define SHIM_CAT2(a, b) a##b
#define SHIM_CAT(a, b) SHIM_CAT2(a, b)
#define SHIM(name) SHIM_CAT(SHIM_PREFIX, name)

namespace {
// The C side sees only an opaque struct hnsw_shim pointer.
struct shim_impl {
	SHIM_PREFIX::hnswlib::L2Space space;
	SHIM_PREFIX::hnswlib::HierarchicalNSW<float> index;
	shim_impl(uint32_t dim, size_t capacity, uint32_t m, uint32_t efc, size_t seed)
		: space(dim), index(&space, capacity, m, efc, seed)
	{
	}
};

shim_impl *impl(struct hnsw_shim *h)
{
	return reinterpret_cast<shim_impl *>(h);
}
} // namespace

extern "C" struct hnsw_shim *SHIM(_create)(uint32_t dim, size_t capacity, uint32_t m,
					    uint32_t ef_construction, size_t seed)
{
	try {
		return reinterpret_cast<struct hnsw_shim *>(
			new shim_impl(dim, capacity, m, ef_construction, seed));
	} catch (...) {
		return nullptr;
	}
}

extern "C" int SHIM(_add)(struct hnsw_shim *h, const float *v, uint64_t label)
{
	try {
		impl(h)->index.addPoint(v, (SHIM_PREFIX::hnswlib::labeltype)label);
		return 0;
	} catch (...) {
		return -1;
	}
}

extern "C" void SHIM(_set_ef)(struct hnsw_shim *h, size_t ef)
{
	impl(h)->index.setEf(ef);
}

extern "C" int SHIM(_search)(struct hnsw_shim *h, const float *q, uint32_t k, uint64_t *labels)
{
	try {
		auto res = impl(h)->index.searchKnn(q, k);
		int n = (int)res.size();
		// The queue pops the farthest first.
		for (int i = n - 1; i >= 0; i--) {
			labels[i] = res.top().second;
			res.pop();
		}
		return n;
	} catch (...) {
		return -1;
	}
}

extern "C" void SHIM(_destroy)(struct hnsw_shim *h)
{
	delete impl(h);
}
