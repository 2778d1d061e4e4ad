/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * The component SDK's prover: a component mints proof tokens for its own
 * mutations with the key of one of its PROVE capabilities.
 *
 * rvx_sys_prove_key() (ruvix/user.h) asks the kernel for that key: CapGrant
 * with RVX_SYSCALL_F_PROVE_KEY fills a `struct rvx_user_prover` with the
 * Reflex/Standard MAC key the kernel derives for the capability
 * (rvx_proof_issuer_key(), from the kernel secret and the capability's
 * kernel-wide identity), the identity itself, the next nonce and the tier
 * the object's policy demands. The kernel secret never leaves the kernel,
 * and the key is worth exactly what the capability is: a token made with it
 * verifies only when the same task presents it through the same capability
 * (the kernel requires a token's issuer to be a capability in the caller's
 * own table naming the target), so a copy in another task proves nothing,
 * and revoking the capability or moving its object's epoch on makes the key
 * useless. Deep tokens need an outside authority's signature: they are not
 * minted here.
 *
 * Each rvx_user_prove_*() builds the kernel's own encoding of the mutation
 * (rvx_syscall_vector_put_payload(), rvx_graph_mutation_encode(), the
 * attestation bytes), hashes it with lib/proof's mutation hash, fills a
 * token at the prover's tier with the next nonce, and MACs it with
 * HMAC-SHA256 (BearSSL). Each consumes one nonce (p->next_nonce++), used or
 * not; tokens must reach the kernel within RVX_PROOF_NONCE_WINDOW nonces of
 * each other's order to all be accepted. Freestanding: no heap, under 1 KiB
 * of stack. Not thread-safe on one prover.
 */
#ifndef RUVIX_USER_PROOF_H
#define RUVIX_USER_PROOF_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/proof.h"
#include "ruvix/types.h"
#include "ruvix/user.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A prover: what rvx_sys_prove_key() returns (the layout of the ABI's
 * `struct rvx_syscall_prove_key`, 80 bytes). Key material: keep it in the
 * component's private memory.
 */
struct rvx_user_prover {
	uint8_t key[32];     /**< The capability's MAC key. */
	uint64_t issuer;     /**< Its identity (a token's issuer). */
	uint64_t target;     /**< Raw registry handle of its object (a token's target). */
	uint64_t badge;      /**< Its badge. */
	uint32_t object;     /**< Registry index of its object. */
	uint32_t epoch;      /**< Its epoch. */
	uint64_t next_nonce; /**< The nonce the next token carries (>= 1); 0 once used up. */
	uint32_t tier;       /**< Tier to mint at: 0 or RVX_PROOF_TIER_REFLEX (Reflex), RVX_PROOF_TIER_STANDARD. */
	uint32_t reserved;   /**< 0. */
};

/**
 * Mint a token for VectorPutProved of @p vec under @p key with @p coherence
 * on the prover's store (the payload of rvx_syscall_vector_put_payload()).
 * @param p         the prover (its next_nonce moves on by one on success)
 * @param key       the vector key
 * @param coherence the put's coherence (Q16.16), as passed to the syscall
 * @param vec       @p dim components (any alignment)
 * @param dim       the store's dimension, 1..RVX_VEC_DIM_MAX
 * @param expiry_ns last kernel time at which the token is valid
 * @param[out] out  the token (unchanged on failure)
 * @retval 0 minted
 * @retval -RVX_EINVAL a pointer is NULL, @p dim is out of range, the tier
 *         is unknown, or the nonces are used up
 * @retval -RVX_ENOTSUP the prover's tier is Deep
 */
int rvx_user_prove_vector_put(struct rvx_user_prover *p, uint64_t key, uint32_t coherence,
			      const float *vec, uint32_t dim, uint64_t expiry_ns,
			      struct rvx_proof_token *out);

/**
 * Mint a token for GraphApplyProved of @p mutation (a
 * `struct rvx_graph_mutation`, ruvix/vecgraph_graph.h) on the prover's
 * graph store: the key is the mutation's node, the payload its canonical
 * 64-byte encoding (rvx_graph_mutation_encode()).
 * @retval 0 minted
 * @retval -RVX_EINVAL a pointer is NULL, the mutation does not encode, the
 *         tier is unknown, or the nonces are used up
 * @retval -RVX_ENOTSUP the prover's tier is Deep
 */
int rvx_user_prove_graph(struct rvx_user_prover *p, const void *mutation, uint64_t expiry_ns,
			 struct rvx_proof_token *out);

/**
 * Mint a token for AttestEmit of @p len bytes at @p data under @p key on the
 * prover's object.
 * @retval 0 minted
 * @retval -RVX_EINVAL a pointer is NULL (@p data may be NULL if @p len is
 *         0), the tier is unknown, or the nonces are used up
 * @retval -RVX_ENOTSUP the prover's tier is Deep
 */
int rvx_user_prove_attest(struct rvx_user_prover *p, uint64_t key, const void *data,
			  uint64_t len, uint64_t expiry_ns, struct rvx_proof_token *out);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_USER_PROOF_H */
