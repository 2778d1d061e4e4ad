/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256: the context (buffering, padding, state save and resume), the
 * choice of compression function and the BearSSL hash class. The portable
 * compression is BearSSL's own, reached through its public API (resume at
 * the chaining value, hash whole blocks, read the chaining value back), so
 * the only SHA-256 code written here is the padding and the hardware
 * rounds in sha256_x86.c and sha256_a64.c.
 */
/* BearSSL first, its symbols hidden: its headers include <string.h>, which
 * must come before env.h maps mem* to builtins, and its functions are then
 * reached PC-relative, not through a GOT. */
#pragma GCC visibility push(hidden)
#include "bearssl_hash.h"
#pragma GCC visibility pop

#include "ruvix/atomic.h"
#include "ruvix/err.h"

#include "sha256_internal.h"

_Static_assert(offsetof(struct rvx_sha256, vtable) == 0,
	       "BearSSL reaches a hash context through its vtable pointer, first");
_Static_assert(sizeof(struct rvx_sha256) <= sizeof(br_hash_compat_context),
	       "br_hmac holds the context in a br_hash_compat_context");
_Static_assert(sizeof(struct rvx_sha256) == sizeof(br_sha256_context),
	       "the context takes what BearSSL's took, so callers' storage still fits");

/* The initial hash value of FIPS 180-4, section 5.3.3, as big-endian words. */
static const uint8_t iv[32] = {
	0x6a, 0x09, 0xe6, 0x67, 0xbb, 0x67, 0xae, 0x85, 0x3c, 0x6e, 0xf3, 0x72, 0xa5, 0x4f, 0xf5, 0x3a,
	0x51, 0x0e, 0x52, 0x7f, 0x9b, 0x05, 0x68, 0x8c, 0x1f, 0x83, 0xd9, 0xab, 0x5b, 0xe0, 0xcd, 0x19,
};

/* The implementation in use, 0 until the first hash or rvx_sha256_select().
 * Relaxed accesses: two CPUs detecting at once store the same answer. */
static uint32_t impl_word;

static enum rvx_sha256_impl detect(void)
{
#if defined(__x86_64__)
	if (rvx_sha256_x86_present_())
		return RVX_SHA256_IMPL_X86_SHANI;
#elif defined(__aarch64__)
	if (rvx_sha256_a64_present_())
		return RVX_SHA256_IMPL_A64_SHA2;
#endif
	return RVX_SHA256_IMPL_PORTABLE;
}

enum rvx_sha256_impl rvx_sha256_impl(void)
{
	uint32_t v = rvx_load_relaxed_u32(&impl_word);

	if (v == RVX_SHA256_IMPL_AUTO) {
		v = (uint32_t)detect();
		rvx_store_relaxed_u32(&impl_word, v);
	}
	return (enum rvx_sha256_impl)v;
}

bool rvx_sha256_impl_available(enum rvx_sha256_impl impl)
{
	switch (impl) {
	case RVX_SHA256_IMPL_AUTO:
	case RVX_SHA256_IMPL_PORTABLE:
		return true;
#if defined(__x86_64__)
	case RVX_SHA256_IMPL_X86_SHANI:
		return rvx_sha256_x86_present_();
#endif
#if defined(__aarch64__)
	case RVX_SHA256_IMPL_A64_SHA2:
		return rvx_sha256_a64_present_();
#endif
	default:
		return false;
	}
}

int rvx_sha256_select(enum rvx_sha256_impl impl)
{
	if ((uint32_t)impl > (uint32_t)RVX_SHA256_IMPL_A64_SHA2)
		return -RVX_EINVAL;
	if (!rvx_sha256_impl_available(impl))
		return -RVX_ENOTSUP;
	if (impl == RVX_SHA256_IMPL_AUTO)
		impl = detect();
	rvx_store_relaxed_u32(&impl_word, (uint32_t)impl);
	return 0;
}

/* BearSSL's compression: resume at the chaining value with an empty
 * buffer, hash the whole blocks, read the chaining value back. */
static void portable_blocks(uint8_t state[32], const uint8_t *blocks, size_t count)
{
	br_sha256_context bc;

	br_sha256_set_state(&bc, state, 0);
	br_sha256_update(&bc, blocks, count * RVX_SHA256_BLOCK);
	(void)br_sha256_state(&bc, state);
}

void rvx_sha256_blocks(uint8_t state[RVX_SHA256_SIZE], const uint8_t *blocks, size_t count)
{
	if (count == 0)
		return;
	switch (rvx_sha256_impl()) {
#if defined(__x86_64__)
	case RVX_SHA256_IMPL_X86_SHANI:
		rvx_sha256_x86_blocks_(state, blocks, count);
		return;
#endif
#if defined(__aarch64__)
	case RVX_SHA256_IMPL_A64_SHA2:
		rvx_sha256_a64_blocks_(state, blocks, count);
		return;
#endif
	default:
		portable_blocks(state, blocks, count);
		return;
	}
}

void rvx_sha256_init(struct rvx_sha256 *c)
{
	rvx_sha256_set_state(c, iv, 0);
}

void rvx_sha256_set_state(struct rvx_sha256 *c, const uint8_t state[RVX_SHA256_SIZE],
			  uint64_t count)
{
	c->vtable = &rvx_sha256_vtable;
	memcpy(c->state, state, RVX_SHA256_SIZE);
	c->count = count & ~(uint64_t)(RVX_SHA256_BLOCK - 1u);
}

void rvx_sha256_update(struct rvx_sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = (size_t)(c->count & (RVX_SHA256_BLOCK - 1u));
	size_t whole;

	if (len == 0)
		return;
	c->count += len;
	if (used != 0) {
		size_t n = RVX_SHA256_BLOCK - used;

		if (n > len)
			n = len;
		memcpy(c->buf + used, p, n);
		p += n;
		len -= n;
		if (used + n < RVX_SHA256_BLOCK)
			return;
		rvx_sha256_blocks(c->state, c->buf, 1);
	}
	whole = len / RVX_SHA256_BLOCK;
	rvx_sha256_blocks(c->state, p, whole);
	p += whole * RVX_SHA256_BLOCK;
	len -= whole * RVX_SHA256_BLOCK;
	if (len != 0)
		memcpy(c->buf, p, len);
}

void rvx_sha256_out(const struct rvx_sha256 *c, uint8_t out[RVX_SHA256_SIZE])
{
	uint8_t block[2 * RVX_SHA256_BLOCK];
	uint8_t st[RVX_SHA256_SIZE];
	size_t used = (size_t)(c->count & (RVX_SHA256_BLOCK - 1u));
	size_t n = used < RVX_SHA256_BLOCK - 8u ? 1u : 2u;
	uint64_t bits = c->count << 3;
	size_t end = n * RVX_SHA256_BLOCK;

	/* Padding (FIPS 180-4, 5.1.1): 0x80, zeros, the bit length big-endian. */
	memcpy(block, c->buf, used);
	block[used] = 0x80;
	memset(block + used + 1, 0, end - 8u - used - 1u);
	for (unsigned i = 0; i < 8; i++)
		block[end - 1u - i] = (uint8_t)(bits >> (8u * i));
	memcpy(st, c->state, RVX_SHA256_SIZE);
	rvx_sha256_blocks(st, block, n);
	memcpy(out, st, RVX_SHA256_SIZE);
}

uint64_t rvx_sha256_state(const struct rvx_sha256 *c, uint8_t out[RVX_SHA256_SIZE])
{
	memcpy(out, c->state, RVX_SHA256_SIZE);
	return c->count;
}

/* The BearSSL hash class: each method receives the address of the
 * context's vtable pointer, which is the context itself. */
static struct rvx_sha256 *ctx_of(const br_hash_class **vt)
{
	return (struct rvx_sha256 *)(void *)vt;
}

static const struct rvx_sha256 *const_ctx_of(const br_hash_class *const *vt)
{
	return (const struct rvx_sha256 *)(const void *)vt;
}

static void class_init(const br_hash_class **vt)
{
	rvx_sha256_init(ctx_of(vt));
}

static void class_update(const br_hash_class **vt, const void *data, size_t len)
{
	rvx_sha256_update(ctx_of(vt), data, len);
}

static void class_out(const br_hash_class *const *vt, void *dst)
{
	rvx_sha256_out(const_ctx_of(vt), dst);
}

static uint64_t class_state(const br_hash_class *const *vt, void *dst)
{
	return rvx_sha256_state(const_ctx_of(vt), dst);
}

static void class_set_state(const br_hash_class **vt, const void *stb, uint64_t count)
{
	rvx_sha256_set_state(ctx_of(vt), stb, count);
}

const br_hash_class rvx_sha256_vtable = {
	sizeof(struct rvx_sha256),
	BR_HASHDESC_ID(br_sha256_ID) | BR_HASHDESC_OUT(32) | BR_HASHDESC_STATE(32) |
		BR_HASHDESC_LBLEN(6) | BR_HASHDESC_MD_PADDING | BR_HASHDESC_MD_PADDING_BE,
	class_init,
	class_update,
	class_out,
	class_state,
	class_set_state,
};
