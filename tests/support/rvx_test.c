/* SPDX-License-Identifier: Apache-2.0 */
#include "rvx_test.h"

#include <string.h>

int rvx_test_key_from_seed(struct rvx_test_key *key, const void *seed, size_t seed_len)
{
	br_hmac_drbg_context rng;
	br_ec_public_key pk;
	uint8_t pbuf[BR_EC_KBUF_PUB_MAX_SIZE];

	if (key == NULL || seed == NULL || seed_len == 0)
		return -RVX_EINVAL;
	br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, seed_len);
	if (br_ec_keygen(&rng.vtable, &br_ec_p256_m31, &key->sk, key->kbuf, BR_EC_secp256r1) !=
		    32 ||
	    br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, &key->sk) != 65)
		return -RVX_EINVAL;
	memcpy(key->pub, pk.q, 65);
	return 0;
}

int rvx_test_token_mac(const struct rvx_proof_engine *engine,
		       const struct rvx_proof_issuer *issuer, struct rvx_proof_token *t)
{
	uint8_t key[32], msg[RVX_PROOF_SIGNED_SIZE];
	br_hmac_key_context kc;
	br_hmac_context hc;
	size_t n;
	int ret;

	ret = rvx_proof_issuer_key(engine, issuer, key);
	if (ret != 0)
		return ret;
	n = rvx_proof_mac_input(t, issuer, t->mutation_hash, msg);
	br_hmac_key_init(&kc, &br_sha256_vtable, key, sizeof(key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, n);
	memset(t->tag, 0, sizeof(t->tag));
	br_hmac_out(&hc, t->tag);
	return 0;
}

int rvx_test_token_sign(const struct rvx_test_key *authority,
			const struct rvx_proof_issuer *issuer, struct rvx_proof_token *t)
{
	uint8_t msg[RVX_PROOF_SIGNED_SIZE], digest[32];
	br_sha256_context sc;

	rvx_proof_signed_bytes(t, issuer, t->mutation_hash, msg);
	br_sha256_init(&sc);
	br_sha256_update(&sc, msg, sizeof(msg));
	br_sha256_out(&sc, digest);
	if (br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, digest, &authority->sk,
				  t->tag) != 64)
		return -RVX_EBADSIG;
	return 0;
}

/* The token's fields for mutation @p m by the issuer behind @p issuer, and
 * its mutation hash: everything but the tag. */
static int fill(const struct rvx_kernel *k, uint32_t task, rvx_handle_t issuer,
		const struct rvx_proof_mutation *m, uint8_t tier, uint64_t nonce,
		uint64_t expiry_ns, struct rvx_proof_issuer *is, struct rvx_proof_token *t)
{
	int ret;

	memset(t, 0, sizeof(*t));
	/* The kernel names the issuer: the token carries its kernel-wide id. */
	ret = rvx_kernel_proof_issuer(k, task, issuer, is);
	if (ret != 0)
		return ret;
	t->version = RVX_PROOF_VERSION;
	t->tier = tier;
	t->issuer = is->id;
	t->target = m->target;
	t->nonce = nonce;
	t->expiry_ns = expiry_ns;
	return rvx_proof_mutation_hash(m, t->mutation_hash);
}

int rvx_test_mint_reflex(const struct rvx_kernel *k, uint32_t task, rvx_handle_t issuer,
			 const struct rvx_proof_mutation *m, uint64_t nonce, uint64_t expiry_ns,
			 struct rvx_proof_token *t)
{
	struct rvx_proof_issuer is;
	int ret;

	ret = fill(k, task, issuer, m, RVX_PROOF_TIER_REFLEX, nonce, expiry_ns, &is, t);
	if (ret == 0)
		ret = rvx_test_token_mac(&k->proof, &is, t);
	if (ret != 0)
		memset(t, 0, sizeof(*t));
	return ret;
}

int rvx_test_mint_deep(const struct rvx_kernel *k, uint32_t task, rvx_handle_t issuer,
		       const struct rvx_proof_mutation *m, uint64_t nonce, uint64_t expiry_ns,
		       const struct rvx_test_key *authority, struct rvx_proof_token *t)
{
	struct rvx_proof_issuer is;
	int ret;

	ret = fill(k, task, issuer, m, RVX_PROOF_TIER_DEEP, nonce, expiry_ns, &is, t);
	if (ret == 0)
		ret = rvx_test_token_sign(authority, &is, t);
	if (ret != 0)
		memset(t, 0, sizeof(*t));
	return ret;
}

int rvx_test_mint_put(const struct rvx_kernel *k, uint32_t task, rvx_handle_t issuer,
		      const struct rvx_test_put *put, uint64_t nonce, uint64_t expiry_ns,
		      struct rvx_proof_token *t)
{
	static uint8_t payload[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(RVX_VEC_DIM_MAX)];
	struct rvx_proof_mutation m;
	long n;

	n = rvx_syscall_vector_put_payload(put->coherence, put->vec, put->dim, payload,
					   sizeof(payload));
	if (n < 0)
		return (int)n;
	m.syscall = RVX_SYS_VECTOR_PUT_PROVED;
	m.target = put->target;
	m.key = put->key;
	m.payload = payload;
	m.len = (size_t)n;
	return rvx_test_mint_reflex(k, task, issuer, &m, nonce, expiry_ns, t);
}

int rvx_test_cap_object(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			uint64_t *object)
{
	struct rvx_cap_info info;
	int ret;

	ret = rvx_cap_lookup(&k->caps, task, cap, &info);
	if (ret != 0)
		return ret;
	*object = info.object.raw;
	return 0;
}
