/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The component prover (ruvix/user_proof.h): the kernel's encodings of a
 * mutation, lib/proof's mutation hash and MAC input, and HMAC-SHA256 under
 * the capability's key (BearSSL). Nothing here decides what the kernel
 * accepts; it only builds what the kernel will recompute.
 */
/* BearSSL first, its symbols hidden (see lib/proof/src/proof.c). */
#pragma GCC visibility push(hidden)
#include "bearssl_hmac.h"
#pragma GCC visibility pop

#include "ruvix/nucleus_syscall.h"
#include "ruvix/user_proof.h"
#include "ruvix/vecgraph_graph.h"
#include "ruvix/vecgraph_vec.h"

/* The kernel writes the ABI struct straight into a prover. */
_Static_assert(sizeof(struct rvx_user_prover) == sizeof(struct rvx_syscall_prove_key),
	       "a prover has the prove-key ABI's size");
_Static_assert(offsetof(struct rvx_user_prover, issuer) ==
			       offsetof(struct rvx_syscall_prove_key, issuer) &&
		       offsetof(struct rvx_user_prover, target) ==
			       offsetof(struct rvx_syscall_prove_key, target) &&
		       offsetof(struct rvx_user_prover, badge) ==
			       offsetof(struct rvx_syscall_prove_key, badge) &&
		       offsetof(struct rvx_user_prover, object) ==
			       offsetof(struct rvx_syscall_prove_key, object) &&
		       offsetof(struct rvx_user_prover, epoch) ==
			       offsetof(struct rvx_syscall_prove_key, epoch) &&
		       offsetof(struct rvx_user_prover, next_nonce) ==
			       offsetof(struct rvx_syscall_prove_key, next_nonce) &&
		       offsetof(struct rvx_user_prover, tier) ==
			       offsetof(struct rvx_syscall_prove_key, tier),
	       "a prover has the prove-key ABI's layout");

/* Components of a vector encoded per step (the payload is hashed in pieces,
 * so a 4096-dimension vector needs no 16 KiB buffer). */
#define CHUNK 32u

/* The tier a prover mints at, or a negative error. */
static int mint_tier(const struct rvx_user_prover *p)
{
	switch (p->tier) {
	case 0:
	case RVX_PROOF_TIER_REFLEX:
		return RVX_PROOF_TIER_REFLEX;
	case RVX_PROOF_TIER_STANDARD:
		return RVX_PROOF_TIER_STANDARD;
	case RVX_PROOF_TIER_DEEP:
		return -RVX_ENOTSUP;
	default:
		return -RVX_EINVAL;
	}
}

static int prover_ok(const struct rvx_user_prover *p, const struct rvx_proof_token *out)
{
	if (p == NULL || out == NULL || p->next_nonce == 0)
		return -RVX_EINVAL;
	return mint_tier(p) < 0 ? mint_tier(p) : 0;
}

/* Fill and MAC a token for the mutation whose hash is @p hash, then take
 * the nonce. The caller checked the prover (prover_ok()). */
static void mint(struct rvx_user_prover *p, const uint8_t hash[32], uint64_t expiry_ns,
		 struct rvx_proof_token *out)
{
	uint8_t msg[RVX_PROOF_SIGNED_SIZE];
	struct rvx_proof_issuer is;
	struct rvx_proof_token t;
	br_hmac_key_context kc;
	br_hmac_context hc;
	size_t n;

	memset(&t, 0, sizeof(t));
	t.version = RVX_PROOF_VERSION;
	t.tier = (uint8_t)mint_tier(p);
	t.issuer = p->issuer;
	t.target = p->target;
	t.nonce = p->next_nonce;
	t.expiry_ns = expiry_ns;
	memcpy(t.mutation_hash, hash, 32);
	memset(&is, 0, sizeof(is));
	is.id = p->issuer;
	is.badge = p->badge;
	is.object = p->object;
	is.epoch = p->epoch;
	n = rvx_proof_mac_input(&t, &is, hash, msg);
	br_hmac_key_init(&kc, &br_sha256_vtable, p->key, sizeof(p->key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, n);
	br_hmac_out(&hc, t.tag);
	memcpy(out, &t, sizeof(t));
	p->next_nonce++;
	/* The key schedule is key material: not left on the stack. */
	{
		volatile uint8_t *b = (volatile uint8_t *)&kc;

		for (size_t i = 0; i < sizeof(kc); i++)
			b[i] = 0;
		b = (volatile uint8_t *)&hc;
		for (size_t i = 0; i < sizeof(hc); i++)
			b[i] = 0;
	}
}

int rvx_user_prove_vector_put(struct rvx_user_prover *p, uint64_t key, uint32_t coherence,
			      const float *vec, uint32_t dim, uint64_t expiry_ns,
			      struct rvx_proof_token *out)
{
	uint8_t buf[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(CHUNK)];
	struct rvx_proof_hasher h;
	uint8_t hash[32];
	const uint8_t *v = (const uint8_t *)vec;
	int ret;

	ret = prover_ok(p, out);
	if (ret != 0)
		return ret;
	if (vec == NULL || dim == 0 || dim > RVX_VEC_DIM_MAX)
		return -RVX_EINVAL;
	rvx_proof_hash_begin(&h, RVX_SYS_VECTOR_PUT_PROVED, p->target, key,
			     RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(dim));
	/* The kernel's encoding, a chunk of components at a time: each call
	 * writes the coherence word and then the chunk; the word is hashed
	 * once, in front of the first chunk. */
	for (uint32_t i = 0; i < dim; i += CHUNK) {
		uint32_t n = dim - i < CHUNK ? dim - i : CHUNK;
		long len = rvx_syscall_vector_put_payload(coherence, v + 4u * (size_t)i, n, buf,
							  sizeof(buf));

		RVX_CHECK(len == (long)RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(n));
		if (i == 0)
			RVX_CHECK(rvx_proof_hash_update(&h, buf, (size_t)len) == 0);
		else
			RVX_CHECK(rvx_proof_hash_update(&h, buf + 4, (size_t)len - 4u) == 0);
	}
	RVX_CHECK(rvx_proof_hash_end(&h, hash) == 0);
	mint(p, hash, expiry_ns, out);
	return 0;
}

int rvx_user_prove_graph(struct rvx_user_prover *p, const void *mutation, uint64_t expiry_ns,
			 struct rvx_proof_token *out)
{
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];
	struct rvx_proof_mutation mu;
	struct rvx_graph_mutation m;
	uint8_t hash[32];
	int ret;

	ret = prover_ok(p, out);
	if (ret != 0)
		return ret;
	if (mutation == NULL)
		return -RVX_EINVAL;
	memcpy(&m, mutation, sizeof(m));
	ret = rvx_graph_mutation_encode(&m, enc);
	if (ret != 0)
		return ret;
	mu.syscall = RVX_SYS_GRAPH_APPLY_PROVED;
	mu.target = p->target;
	mu.key = m.node;
	mu.payload = enc;
	mu.len = sizeof(enc);
	RVX_CHECK(rvx_proof_mutation_hash(&mu, hash) == 0);
	mint(p, hash, expiry_ns, out);
	return 0;
}

int rvx_user_prove_attest(struct rvx_user_prover *p, uint64_t key, const void *data,
			  uint64_t len, uint64_t expiry_ns, struct rvx_proof_token *out)
{
	struct rvx_proof_mutation mu;
	uint8_t hash[32];
	int ret;

	ret = prover_ok(p, out);
	if (ret != 0)
		return ret;
	if ((data == NULL && len != 0) || len > (uint64_t)SIZE_MAX)
		return -RVX_EINVAL;
	mu.syscall = RVX_SYS_ATTEST_EMIT;
	mu.target = p->target;
	mu.key = key;
	mu.payload = data;
	mu.len = (size_t)len;
	RVX_CHECK(rvx_proof_mutation_hash(&mu, hash) == 0);
	mint(p, hash, expiry_ns, out);
	return 0;
}
