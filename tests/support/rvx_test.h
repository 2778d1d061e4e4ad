/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test support shared by the tests, benchmarks, the fuzzer and the examples
 * (hosted only, never part of a kernel): what a proof service does, in
 * process. A test key pair comes from a seed (rvx_test_key_from_seed()).
 * A token is MACed under its issuer's key (rvx_test_token_mac()) or signed
 * by an authority for the Deep tier (rvx_test_token_sign()). Against a
 * booted kernel, rvx_test_mint_reflex() and rvx_test_mint_deep() do the
 * whole path: ask the kernel for the issuer's identity
 * (rvx_kernel_proof_issuer()), fill the token, hash the mutation, then MAC
 * or sign; rvx_test_mint_put() first encodes a VectorPutProved payload
 * (rvx_syscall_vector_put_payload()). Every call returns 0 or -RVX_E*, so
 * a Criterion test, a benchmark and a fuzzer can each check it their way.
 */
#ifndef RVX_TEST_H
#define RVX_TEST_H

#include <bearssl.h>

#include "ruvix/nucleus.h"

/** A deterministic P-256 key pair (test keys only). */
struct rvx_test_key {
	br_ec_private_key sk;                     /**< Private key (points into kbuf). */
	uint8_t kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];   /**< Its storage. */
	uint8_t pub[65];                          /**< Uncompressed public key. */
};

/**
 * Make a key pair from @p seed (HMAC-DRBG over SHA-256): the same seed gives
 * the same key. Not movable by copy (sk points into kbuf).
 * @retval 0 made
 * @retval -RVX_EINVAL a NULL pointer or an empty seed, or BearSSL refused
 *         the key it drew
 */
int rvx_test_key_from_seed(struct rvx_test_key *key, const void *seed, size_t seed_len);

/**
 * Write the Reflex/Standard tag of @p t (its fields and mutation hash as
 * set) under @p issuer's MAC key; the rest of the tag is zeroed.
 * @retval 0 tagged
 * @retval -RVX_E* from rvx_proof_issuer_key()
 */
int rvx_test_token_mac(const struct rvx_proof_engine *engine,
		       const struct rvx_proof_issuer *issuer, struct rvx_proof_token *t);

/**
 * Write the Deep tag of @p t: the ECDSA P-256 signature by @p authority of
 * SHA-256 of rvx_proof_signed_bytes().
 * @retval 0 signed
 * @retval -RVX_EBADSIG BearSSL could not sign
 */
int rvx_test_token_sign(const struct rvx_test_key *authority,
			const struct rvx_proof_issuer *issuer, struct rvx_proof_token *t);

/**
 * Mint a Reflex token for mutation @p m by @p issuer (a PROVE capability of
 * @p task in @p k): the token names the issuer's kernel-wide identity and
 * @p m's target, and carries @p nonce and @p expiry_ns.
 * @retval 0 minted
 * @retval -RVX_E* from rvx_kernel_proof_issuer(), rvx_proof_mutation_hash()
 *         or rvx_proof_issuer_key() (@p t is then zeroed)
 */
int rvx_test_mint_reflex(const struct rvx_kernel *k, uint32_t task, rvx_handle_t issuer,
			 const struct rvx_proof_mutation *m, uint64_t nonce, uint64_t expiry_ns,
			 struct rvx_proof_token *t);

/**
 * Mint a Deep token, as rvx_test_mint_reflex() but signed by @p authority.
 * @retval 0 minted
 * @retval -RVX_E* as rvx_test_mint_reflex() and rvx_test_token_sign()
 */
int rvx_test_mint_deep(const struct rvx_kernel *k, uint32_t task, rvx_handle_t issuer,
		       const struct rvx_proof_mutation *m, uint64_t nonce, uint64_t expiry_ns,
		       const struct rvx_test_key *authority, struct rvx_proof_token *t);

/** What a VectorPutProved token covers: the put's key, vector and coherence. */
struct rvx_test_put {
	uint64_t target;    /**< The store's registry handle (rvx_test_cap_object()). */
	uint64_t key;       /**< The put's key (arg[0]). */
	const float *vec;   /**< The vector. */
	uint32_t dim;       /**< Its components, 1..RVX_VEC_DIM_MAX. */
	uint32_t coherence; /**< The put's coherence (arg[1]), Q16.16. */
};

/**
 * Mint a Reflex token for a VectorPutProved: the mutation's payload is
 * rvx_syscall_vector_put_payload() of @p put.
 * @retval 0 minted
 * @retval -RVX_E* as rvx_syscall_vector_put_payload() and rvx_test_mint_reflex()
 */
int rvx_test_mint_put(const struct rvx_kernel *k, uint32_t task, rvx_handle_t issuer,
		      const struct rvx_test_put *put, uint64_t nonce, uint64_t expiry_ns,
		      struct rvx_proof_token *t);

/**
 * The registry handle of the object capability @p cap of @p task names
 * (what a token's target and a mutation's target are).
 * @retval 0 found
 * @retval -RVX_E* from rvx_cap_lookup()
 */
int rvx_test_cap_object(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			uint64_t *object);

#endif
