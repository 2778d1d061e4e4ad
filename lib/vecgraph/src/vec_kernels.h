/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Distance kernels of the vector store (private; included by vec_store.c
 * and by the kernel tests). They are static so that every object file
 * references nothing but the memory functions, and so that the compiler
 * may inline them into the search loop.
 *
 * The portable kernels use the compiler's generic 128-bit vector type, which
 * every GCC/Clang target lowers to its own SIMD unit (SSE2 on x86-64, NEON on
 * AArch64) or to scalar code, at -O2 as well as -O3. Plain scalar loops would
 * not do: without -ffast-math a compiler may not reorder a float sum, so it
 * cannot vectorise a single-accumulator loop, and GCC keeps an accumulator
 * array in memory at -O2. Four independent accumulators hide the add latency.
 * The summation order is fixed, so a kernel's result is a deterministic
 * function of its inputs: that is what makes replay bit-exact.
 *
 * The AVX2 kernels are compiled with a per-function target attribute and
 * used only when the embedder selects them; they use fused multiply-add,
 * so their results differ from the portable ones by rounding only.
 */
#ifndef RUVIX_VEC_KERNELS_H
#define RUVIX_VEC_KERNELS_H

#include "vecgraph_internal.h"

typedef float rvx_v4f __attribute__((vector_size(16)));

static inline rvx_v4f load4(const float *p)
{
	rvx_v4f v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Sixteen components into the four accumulators. */
#define RVX_VG_L2_STEP16(a, b, i, s0, s1, s2, s3)                                          \
	do {                                                                               \
		rvx_v4f d0_ = load4((a) + (i)) - load4((b) + (i));                         \
		rvx_v4f d1_ = load4((a) + (i) + 4) - load4((b) + (i) + 4);                 \
		rvx_v4f d2_ = load4((a) + (i) + 8) - load4((b) + (i) + 8);                 \
		rvx_v4f d3_ = load4((a) + (i) + 12) - load4((b) + (i) + 12);               \
		(s0) += d0_ * d0_;                                                         \
		(s1) += d1_ * d1_;                                                         \
		(s2) += d2_ * d2_;                                                         \
		(s3) += d3_ * d3_;                                                         \
	} while (0)

/* The loop is unrolled to 64 components per pass and walks the two arrays
 * by pointer; the remainder takes 32, 16 and 4 at a time as its bits say.
 * The operations and their order are those of 16 at a time, so the result
 * is the same whatever the unrolling. */
static inline __attribute__((always_inline)) float
rvx_vg_l2_portable_x_(const float *a, const float *b, uint32_t n)
{
	rvx_v4f s0 = {0.0f, 0.0f, 0.0f, 0.0f}, s1 = s0, s2 = s0, s3 = s0;
	const float *end = a + (n & ~63u);

	for (; a != end; a += 64, b += 64) {
		RVX_VG_L2_STEP16(a, b, 0, s0, s1, s2, s3);
		RVX_VG_L2_STEP16(a, b, 16, s0, s1, s2, s3);
		RVX_VG_L2_STEP16(a, b, 32, s0, s1, s2, s3);
		RVX_VG_L2_STEP16(a, b, 48, s0, s1, s2, s3);
	}
	if (n & 32u) {
		RVX_VG_L2_STEP16(a, b, 0, s0, s1, s2, s3);
		RVX_VG_L2_STEP16(a, b, 16, s0, s1, s2, s3);
		a += 32;
		b += 32;
	}
	if (n & 16u) {
		RVX_VG_L2_STEP16(a, b, 0, s0, s1, s2, s3);
		a += 16;
		b += 16;
	}
	for (uint32_t i = (n >> 2) & 3u; i > 0; i--, a += 4, b += 4) {
		rvx_v4f d = load4(a) - load4(b);
		s0 += d * d;
	}
	rvx_v4f t = (s0 + s1) + (s2 + s3);
	float sum = (t[0] + t[1]) + (t[2] + t[3]);
	for (uint32_t i = 0; i < (n & 3u); i++) {
		float d = a[i] - b[i];
		sum += d * d;
	}
	return sum;
}

static inline float rvx_vg_l2_portable_(const float *a, const float *b, uint32_t n)
{
	return rvx_vg_l2_portable_x_(a, b, n);
}

/* The same, for a @p b known to be 16-byte aligned (a stored vector): the
 * compiler may then read it straight from memory in the subtraction. */
static inline float rvx_vg_l2_portable_a16_(const float *a, const float *b, uint32_t n)
{
	return rvx_vg_l2_portable_x_(a, (const float *)__builtin_assume_aligned(b, 16), n);
}

static inline float rvx_vg_dot_portable_(const float *a, const float *b, uint32_t n)
{
	rvx_v4f s0 = {0.0f, 0.0f, 0.0f, 0.0f}, s1 = s0, s2 = s0, s3 = s0;
	uint32_t i = 0;

	for (; i + 16 <= n; i += 16) {
		s0 += load4(a + i) * load4(b + i);
		s1 += load4(a + i + 4) * load4(b + i + 4);
		s2 += load4(a + i + 8) * load4(b + i + 8);
		s3 += load4(a + i + 12) * load4(b + i + 12);
	}
	for (; i + 4 <= n; i += 4)
		s0 += load4(a + i) * load4(b + i);
	rvx_v4f t = (s0 + s1) + (s2 + s3);
	float sum = (t[0] + t[1]) + (t[2] + t[3]);
	for (; i < n; i++)
		sum += a[i] * b[i];
	return sum;
}

#if RVX_VG_HAVE_AVX2
typedef float rvx_v8f __attribute__((vector_size(32)));

#define RVX_VG_AVX2 __attribute__((target("avx2,fma")))

RVX_VG_AVX2 static inline rvx_v8f load8(const float *p)
{
	rvx_v8f v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* ((t0 + t1) + (t2 + t3)) + ((t4 + t5) + (t6 + t7)), in that order: two
 * horizontal adds form the pair sums and then the sums of pairs in each
 * 128-bit half, and the halves are added last. */
RVX_VG_AVX2 static inline float hsum8(rvx_v8f t)
{
	rvx_v8f h = __builtin_ia32_haddps256(t, t);
	h = __builtin_ia32_haddps256(h, h);
	return h[0] + h[4];
}

/* Thirty-two components into the four accumulators. */
#define RVX_VG_L2_STEP32(a, b, i, s0, s1, s2, s3)                                          \
	do {                                                                               \
		rvx_v8f d0_ = load8((a) + (i)) - load8((b) + (i));                         \
		rvx_v8f d1_ = load8((a) + (i) + 8) - load8((b) + (i) + 8);                 \
		rvx_v8f d2_ = load8((a) + (i) + 16) - load8((b) + (i) + 16);               \
		rvx_v8f d3_ = load8((a) + (i) + 24) - load8((b) + (i) + 24);               \
		(s0) = __builtin_ia32_vfmaddps256(d0_, d0_, (s0));                         \
		(s1) = __builtin_ia32_vfmaddps256(d1_, d1_, (s1));                         \
		(s2) = __builtin_ia32_vfmaddps256(d2_, d2_, (s2));                         \
		(s3) = __builtin_ia32_vfmaddps256(d3_, d3_, (s3));                         \
	} while (0)

/* 128 components per pass, then 64, 32 and 8 at a time as the remainder's
 * bits say, in the order of 32 at a time (see the portable kernel). */
RVX_VG_AVX2 static inline float rvx_vg_l2_avx2_(const float *a, const float *b, uint32_t n)
{
	rvx_v8f s0 = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f}, s1 = s0, s2 = s0, s3 = s0;
	const float *end = a + (n & ~127u);

	for (; a != end; a += 128, b += 128) {
		RVX_VG_L2_STEP32(a, b, 0, s0, s1, s2, s3);
		RVX_VG_L2_STEP32(a, b, 32, s0, s1, s2, s3);
		RVX_VG_L2_STEP32(a, b, 64, s0, s1, s2, s3);
		RVX_VG_L2_STEP32(a, b, 96, s0, s1, s2, s3);
	}
	if (n & 64u) {
		RVX_VG_L2_STEP32(a, b, 0, s0, s1, s2, s3);
		RVX_VG_L2_STEP32(a, b, 32, s0, s1, s2, s3);
		a += 64;
		b += 64;
	}
	if (n & 32u) {
		RVX_VG_L2_STEP32(a, b, 0, s0, s1, s2, s3);
		a += 32;
		b += 32;
	}
	for (uint32_t i = (n >> 3) & 3u; i > 0; i--, a += 8, b += 8) {
		rvx_v8f d = load8(a) - load8(b);
		s0 = __builtin_ia32_vfmaddps256(d, d, s0);
	}
	float sum = hsum8((s0 + s1) + (s2 + s3));
	for (uint32_t i = 0; i < (n & 7u); i++) {
		float d = a[i] - b[i];
		sum += d * d;
	}
	return sum;
}

RVX_VG_AVX2 static inline float rvx_vg_dot_avx2_(const float *a, const float *b, uint32_t n)
{
	rvx_v8f s0 = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f}, s1 = s0, s2 = s0, s3 = s0;
	uint32_t i = 0;

	for (; i + 32 <= n; i += 32) {
		s0 = __builtin_ia32_vfmaddps256(load8(a + i), load8(b + i), s0);
		s1 = __builtin_ia32_vfmaddps256(load8(a + i + 8), load8(b + i + 8), s1);
		s2 = __builtin_ia32_vfmaddps256(load8(a + i + 16), load8(b + i + 16), s2);
		s3 = __builtin_ia32_vfmaddps256(load8(a + i + 24), load8(b + i + 24), s3);
	}
	for (; i + 8 <= n; i += 8)
		s0 = __builtin_ia32_vfmaddps256(load8(a + i), load8(b + i), s0);
	float sum = hsum8((s0 + s1) + (s2 + s3));
	for (; i < n; i++)
		sum += a[i] * b[i];
	return sum;
}
#endif /* RVX_VG_HAVE_AVX2 */

static inline float rvx_vg_inv_sqrt_(float x)
{
	double d = (double)x;
	uint64_t bits;
	double y;

	/* Halving the exponent through the bit pattern gives a first guess
	 * within a few percent; each Newton step squares the relative error,
	 * so four steps reach double precision before rounding to float. */
	memcpy(&bits, &d, sizeof(bits));
	bits = 0x5fe6eb50c7b537a9ull - (bits >> 1);
	memcpy(&y, &bits, sizeof(y));
	for (int i = 0; i < 4; i++)
		y = y * (1.5 - 0.5 * d * y * y);
	return (float)y;
}

#endif /* RUVIX_VEC_KERNELS_H */
