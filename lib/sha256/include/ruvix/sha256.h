/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file sha256.h
 * @brief SHA-256 with its compression on the CPU's SHA instructions where
 * the CPU has them, BearSSL's portable code where it does not.
 *
 * The witness log, the journal tags, the checkpoint MAC, the mutation
 * hashes and the Merkle nodes of a batch all hash with these calls. Only
 * the compression function differs between implementations: x86-64 SHA-NI
 * (SHA, SSSE3 and SSE4.1), the AArch64 SHA2 extension, or BearSSL's
 * portable br_sha256 code, which stays the reference every hardware path is
 * tested against. Padding, lengths and the context are the same code for
 * all three, so every implementation gives the same bytes.
 *
 * Order of use:
 *  1. Nothing to set up: the first hash asks the CPU which implementation
 *     it can run (CPUID on x86-64, ID_AA64ISAR0_EL1 on AArch64, which Linux
 *     and qemu-user emulate for user programs) and keeps the answer.
 *     rvx_sha256_select() overrides the choice, for tests and benchmarks.
 *  2. rvx_sha256_init(), any number of rvx_sha256_update(), then
 *     rvx_sha256_out() (which leaves the context usable: more updates may
 *     follow). rvx_sha256_state() and rvx_sha256_set_state() save and
 *     resume a stream at a block boundary, as the witness log does;
 *     rvx_sha256_blocks() is that resume-hash-save step without a context.
 *  3. For HMAC, pass &rvx_sha256_vtable wherever BearSSL takes a
 *     `const br_hash_class *` (br_hmac_key_init()).
 *
 * The context is plain bytes (memcpy clones it) and holds no pointer but
 * the vtable. Every implementation runs in constant time: no branch and no
 * table index depends on the data hashed, only on lengths. The choice of
 * implementation is one word shared by all CPUs; it assumes every CPU of
 * the machine has the same SHA instructions.
 */
#ifndef RUVIX_SHA256_H
#define RUVIX_SHA256_H

#include "ruvix/env.h"

#ifdef __cplusplus
extern "C" {
#endif

/* BearSSL's vtable type (bearssl_hash.h), named here by its tag so this
 * header needs no BearSSL header. */
struct br_hash_class_;

/** Size of a SHA-256 digest in bytes. */
#define RVX_SHA256_SIZE 32u
/** Size of a SHA-256 block in bytes. */
#define RVX_SHA256_BLOCK 64u

/**
 * A running SHA-256. Layout-compatible with a BearSSL hash context: the
 * vtable pointer comes first, so br_hmac can hold it in its
 * br_hash_compat_context. Fields are private.
 */
struct rvx_sha256 {
	const struct br_hash_class_ *vtable; /**< &rvx_sha256_vtable */
	uint8_t buf[RVX_SHA256_BLOCK];       /**< the partial block */
	uint64_t count;                      /**< bytes hashed so far */
	uint8_t state[RVX_SHA256_SIZE];      /**< chaining value, big-endian words */
};

/** Which compression function runs. */
enum rvx_sha256_impl {
	RVX_SHA256_IMPL_AUTO = 0,   /**< the best this CPU has (rvx_sha256_select() only) */
	RVX_SHA256_IMPL_PORTABLE,   /**< BearSSL's portable code */
	RVX_SHA256_IMPL_X86_SHANI,  /**< x86-64 SHA-NI */
	RVX_SHA256_IMPL_A64_SHA2,   /**< AArch64 SHA2 extension */
};

/**
 * BearSSL hash class over struct rvx_sha256 (SHA-256's identifier, sizes
 * and padding), for br_hmac_key_init() and any other BearSSL code that
 * takes a `const br_hash_class *`.
 */
extern const struct br_hash_class_ rvx_sha256_vtable
#if defined(__GNUC__)
	/* Reached PC-relative in a static image, never through a GOT. */
	__attribute__((visibility("hidden")))
#endif
	;

/**
 * Start a hash.
 * @param[out] c the context
 */
void rvx_sha256_init(struct rvx_sha256 *c);

/**
 * Hash @p len more bytes.
 * @param c     the context
 * @param data  the bytes (may be NULL when @p len is 0)
 * @param len   how many
 */
void rvx_sha256_update(struct rvx_sha256 *c, const void *data, size_t len);

/**
 * The digest of everything hashed so far. The context is not changed, so
 * the hash may go on.
 * @param c        the context
 * @param[out] out 32 bytes
 */
void rvx_sha256_out(const struct rvx_sha256 *c, uint8_t out[RVX_SHA256_SIZE]);

/**
 * The chaining value after the last whole block (big-endian words, as
 * br_sha256_state() writes it) and the byte count. Meaningful for resuming
 * when the count is a multiple of 64.
 * @param c        the context
 * @param[out] out 32 bytes
 * @return the number of bytes hashed so far
 */
uint64_t rvx_sha256_state(const struct rvx_sha256 *c, uint8_t out[RVX_SHA256_SIZE]);

/**
 * Resume a stream: chaining value @p state after @p count bytes, where
 * @p count is a multiple of 64 (as br_sha256_set_state()). Also sets the
 * vtable, so it may follow a context that was never initialised.
 * @param[out] c   the context
 * @param state    32 bytes, big-endian words
 * @param count    bytes hashed before; its low six bits are ignored
 */
void rvx_sha256_set_state(struct rvx_sha256 *c, const uint8_t state[RVX_SHA256_SIZE],
			  uint64_t count);

/**
 * Compress @p count whole blocks into the chaining value @p state in place:
 * what set_state, update of the blocks and state do, with no context.
 * @param state   32 bytes, big-endian words, updated
 * @param blocks  @p count * 64 bytes
 * @param count   number of blocks (0 leaves @p state unchanged)
 */
void rvx_sha256_blocks(uint8_t state[RVX_SHA256_SIZE], const uint8_t *blocks, size_t count);

/**
 * The implementation in use (detected on the first call if none was
 * selected).
 * @return RVX_SHA256_IMPL_PORTABLE, RVX_SHA256_IMPL_X86_SHANI or
 *         RVX_SHA256_IMPL_A64_SHA2
 */
enum rvx_sha256_impl rvx_sha256_impl(void);

/**
 * Whether this CPU, with this build, can run @p impl.
 * @param impl an implementation
 * @return true for RVX_SHA256_IMPL_AUTO and RVX_SHA256_IMPL_PORTABLE, and
 *         for a hardware implementation when it was built for this
 *         architecture and the CPU reports its instructions
 */
bool rvx_sha256_impl_available(enum rvx_sha256_impl impl);

/**
 * Choose the implementation for every later hash on every CPU. Hashes
 * already under way go on correctly: all implementations compute the same
 * function on the same context. For tests and benchmarks; a kernel leaves
 * the automatic choice.
 * @param impl RVX_SHA256_IMPL_AUTO (detect), or one implementation
 * @retval 0 selected
 * @retval -RVX_EINVAL @p impl is not an implementation (nothing changed)
 * @retval -RVX_ENOTSUP this CPU or build cannot run @p impl (nothing changed)
 */
int rvx_sha256_select(enum rvx_sha256_impl impl);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_SHA256_H */
