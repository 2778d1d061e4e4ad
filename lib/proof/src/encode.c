/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The proof encodings: the mutation hash, the bytes a token's MAC or
 * signature covers, and the Merkle nodes of a batch. They are what the
 * verifier recomputes and what an issuer signs, so they live apart from the
 * verifier: an issuer (a component's prover) links these and lib/sha256
 * without the ECDSA verifier.
 */
#include "ruvix/endian.h"
#include "ruvix/proof.h"
#include "ruvix/sha256.h"

_Static_assert(sizeof(struct rvx_sha256) <= sizeof(((struct rvx_proof_hasher *)0)->ctx),
	       "a hasher's opaque storage holds a SHA-256 context");
_Static_assert(_Alignof(struct rvx_sha256) <= _Alignof(uint64_t),
	       "a hasher's opaque storage is aligned for a SHA-256 context");

static struct rvx_sha256 *hasher_ctx(struct rvx_proof_hasher *h)
{
	return (struct rvx_sha256 *)(void *)h->ctx;
}

void rvx_proof_hash_begin(struct rvx_proof_hasher *h, uint32_t syscall, uint64_t target,
			  uint64_t key, uint64_t len)
{
	uint8_t head[17 + 4 + 8 + 8 + 8];

	memcpy(head, RVX_PROOF_MUTATION_DOMAIN, 17);
	rvx_le_put32(head + 17, syscall);
	rvx_le_put64(head + 21, target);
	rvx_le_put64(head + 29, key);
	rvx_le_put64(head + 37, len);
	rvx_sha256_init(hasher_ctx(h));
	rvx_sha256_update(hasher_ctx(h), head, sizeof(head));
	h->left = len;
}

int rvx_proof_hash_update(struct rvx_proof_hasher *h, const void *data, size_t len)
{
	if (h == NULL || (data == NULL && len != 0) || (uint64_t)len > h->left)
		return -RVX_EINVAL;
	if (len != 0)
		rvx_sha256_update(hasher_ctx(h), data, len);
	h->left -= len;
	return 0;
}

int rvx_proof_hash_end(struct rvx_proof_hasher *h, uint8_t out[32])
{
	if (h == NULL || out == NULL || h->left != 0)
		return -RVX_EINVAL;
	rvx_sha256_out(hasher_ctx(h), out);
	return 0;
}

int rvx_proof_mutation_hash(const struct rvx_proof_mutation *mutation, uint8_t out[32])
{
	struct rvx_proof_hasher h;

	if (mutation == NULL || out == NULL || (mutation->payload == NULL && mutation->len != 0))
		return -RVX_EINVAL;
	rvx_proof_hash_begin(&h, mutation->syscall, mutation->target, mutation->key,
			     (uint64_t)mutation->len);
	RVX_CHECK(rvx_proof_hash_update(&h, mutation->payload, mutation->len) == 0);
	return rvx_proof_hash_end(&h, out);
}

void rvx_proof_signed_bytes(const struct rvx_proof_token *t, const struct rvx_proof_issuer *is,
			    const uint8_t hash[32], uint8_t out[RVX_PROOF_SIGNED_SIZE])
{
	memcpy(out, RVX_PROOF_TOKEN_DOMAIN, 14);
	rvx_le_put16(out + 14, t->version);
	out[16] = t->tier;
	out[17] = t->flags;
	rvx_le_put32(out + 18, t->batch_count);
	rvx_le_put64(out + 22, t->issuer);
	rvx_le_put64(out + 30, t->target);
	rvx_le_put64(out + 38, t->nonce);
	rvx_le_put64(out + 46, t->expiry_ns);
	memcpy(out + 54, hash, 32);
	rvx_le_put64(out + 86, is->badge);
	rvx_le_put32(out + 94, is->object);
	rvx_le_put32(out + 98, is->epoch);
}

size_t rvx_proof_mac_input(const struct rvx_proof_token *t, const struct rvx_proof_issuer *is,
			   const uint8_t hash[32], uint8_t out[RVX_PROOF_SIGNED_SIZE])
{
	if (t->flags & RVX_PROOF_FLAG_BATCH) {
		rvx_proof_signed_bytes(t, is, hash, out);
		return RVX_PROOF_SIGNED_SIZE;
	}
	/* 52 bytes + HMAC's 9 bytes of padding fit one block after the key
	 * block: the inner hash takes 1 compression instead of 2. */
	rvx_le_put16(out, t->version);
	out[2] = t->tier;
	out[3] = t->flags;
	rvx_le_put64(out + 4, t->nonce);
	rvx_le_put64(out + 12, t->expiry_ns);
	memcpy(out + 20, hash, 32);
	return RVX_PROOF_MAC_SHORT_SIZE;
}

void rvx_proof_merkle_leaf(const uint8_t mutation_hash_in[32], uint8_t out[32])
{
	struct rvx_sha256 sc;
	const uint8_t tag = 0x00;

	rvx_sha256_init(&sc);
	rvx_sha256_update(&sc, &tag, 1);
	rvx_sha256_update(&sc, mutation_hash_in, 32);
	rvx_sha256_out(&sc, out);
}

void rvx_proof_merkle_node(const uint8_t left[32], const uint8_t right[32], uint8_t out[32])
{
	struct rvx_sha256 sc;
	const uint8_t tag = 0x01;

	rvx_sha256_init(&sc);
	rvx_sha256_update(&sc, &tag, 1);
	rvx_sha256_update(&sc, left, 32);
	rvx_sha256_update(&sc, right, 32);
	rvx_sha256_out(&sc, out);
}
