/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proof self-tests (lib/proof, with lib/cap for a real issuer): the
 * mutation hash against an independent encoding, Reflex acceptance and
 * replay, tampered mutations and MACs, the policy's tier and limits, expiry,
 * the nonce window, revocation through a capability epoch, and a Deep
 * (ECDSA P-256) proof under the authority key and under a rogue key. Every
 * rejection must leave the engine and its issuer table as they were. Test
 * keys are derived with BearSSL's HMAC-DRBG from fixed seeds.
 */
#include "bearssl.h"

#include "ruvix/cap.h"
#include "ruvix/proof.h"
#include "st_internal.h"

#define ISSUERS 4u
#define NOW UINT64_C(5000000000)
#define SYSCALL 9u /* VectorPutProved */

static const uint8_t secret[32] = "selftest kernel secret, 32 bytes";
static const uint8_t payload_bytes[24] = "vector bytes for a put.";

static struct {
	struct rvx_proof_engine engine;
	struct rvx_proof_issuer_state issuers[ISSUERS];
} w, snap;

static struct rvx_proof_issuer issuer;
static struct rvx_proof_policy policy;
static struct rvx_proof_token token;
static struct rvx_proof_request req;
static struct rvx_proof_result res;
static uint8_t payload[sizeof(payload_bytes)];

static void take(void)
{
	memcpy(&snap, &w, sizeof(w));
}

#define UNCHANGED() ST_MEM_EQ(&snap, &w, sizeof(w))

static bool setup(void)
{
	memset(&w, 0, sizeof(w));
	if (rvx_proof_engine_init(&w.engine, secret, sizeof(secret), w.issuers, ISSUERS) != 0)
		return false;
	memset(&issuer, 0, sizeof(issuer));
	issuer.id = rvx_handle_make(2, 1).raw;
	issuer.object = 4;
	issuer.epoch = 1;
	issuer.rights = RVX_RIGHT_PROVE | RVX_RIGHT_WRITE;
	issuer.slot = 1;
	rvx_proof_policy_open(&policy, RVX_PROOF_TIER_REFLEX);
	memcpy(payload, payload_bytes, sizeof(payload));
	memset(&req, 0, sizeof(req));
	req.token = &token;
	req.token_size = sizeof(token);
	req.issuer = &issuer;
	req.policy = &policy;
	req.mutation.syscall = SYSCALL;
	req.mutation.target = rvx_handle_make(4, 3).raw;
	req.mutation.key = 1234;
	req.mutation.payload = payload;
	req.mutation.len = sizeof(payload);
	req.now_ns = NOW;
	req.coherence = 1u << 16;
	return true;
}

/* The token's MAC, as an issuer holding the derived key computes it. */
static bool mac(struct rvx_proof_token *t, const struct rvx_proof_issuer *is)
{
	static br_hmac_key_context kc;
	static br_hmac_context hc;
	uint8_t key[32], msg[RVX_PROOF_SIGNED_SIZE];
	size_t len;

	if (rvx_proof_issuer_key(&w.engine, is, key) != 0)
		return false;
	len = rvx_proof_mac_input(t, is, t->mutation_hash, msg);
	br_hmac_key_init(&kc, &br_sha256_vtable, key, sizeof(key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, len);
	memset(t->tag, 0, sizeof(t->tag));
	br_hmac_out(&hc, t->tag);
	return true;
}

/* A Reflex token for req.mutation with @p nonce, made by @p is. */
static bool make(uint64_t nonce, const struct rvx_proof_issuer *is)
{
	memset(&token, 0, sizeof(token));
	token.version = RVX_PROOF_VERSION;
	token.tier = RVX_PROOF_TIER_REFLEX;
	token.issuer = is->id;
	token.target = req.mutation.target;
	token.nonce = nonce;
	token.expiry_ns = NOW + 1000;
	if (rvx_proof_mutation_hash(&req.mutation, token.mutation_hash) != 0)
		return false;
	return mac(&token, is);
}

/* Verify, expecting rejection with @p err and @p reason and no change. */
#define REJECT(want_err, want_reason)                                          \
	do {                                                                   \
		take();                                                        \
		ST_EQ(rvx_proof_verify(&w.engine, &req, &res), (want_err));    \
		ST_EQ(res.reason, (want_reason));                              \
		ST_EQ(res.tier, 0);                                            \
		UNCHANGED();                                                   \
	} while (0)

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void mutation_hash_encoding(void)
{
	static br_sha256_context sc;
	uint8_t enc[17 + 4 + 8 + 8 + 8], want[32], got[32];

	ST_TRUE(setup());
	/* The documented canonical encoding, built here independently. */
	memcpy(enc, RVX_PROOF_MUTATION_DOMAIN, 17);
	put_le(enc + 17, SYSCALL, 4);
	put_le(enc + 21, req.mutation.target, 8);
	put_le(enc + 29, req.mutation.key, 8);
	put_le(enc + 37, sizeof(payload), 8);
	br_sha256_init(&sc);
	br_sha256_update(&sc, enc, sizeof(enc));
	br_sha256_update(&sc, payload, sizeof(payload));
	br_sha256_out(&sc, want);
	ST_EQ(rvx_proof_mutation_hash(&req.mutation, got), 0);
	ST_MEM_EQ(got, want, 32);
	payload[5] ^= 1;
	ST_EQ(rvx_proof_mutation_hash(&req.mutation, got), 0);
	ST_MEM_NE(got, want, 32);
}

static void reflex_accepted_once(void)
{
	uint8_t h[32];

	ST_TRUE(setup());
	ST_TRUE(make(1, &issuer));
	ST_EQ(rvx_proof_verify(&w.engine, &req, &res), 0);
	ST_EQ(res.reason, RVX_PROOF_OK);
	ST_EQ(res.tier, RVX_PROOF_TIER_REFLEX);
	ST_EQ(res.nonce, 1);
	ST_EQ(rvx_proof_mutation_hash(&req.mutation, h), 0);
	ST_MEM_EQ(res.mutation_hash, h, 32);
	/* The same token again is a replay. */
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
}

static void tampered_mutation(void)
{
	ST_TRUE(setup());
	ST_TRUE(make(7, &issuer));
	payload[0] ^= 0x80; /* the payload the kernel sees differs */
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_HASH);
	payload[0] ^= 0x80;
	req.mutation.key++;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_HASH);
	req.mutation.key--;
	req.mutation.target = rvx_handle_make(5, 3).raw;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_TARGET);
	req.mutation.target = token.target;
	ST_EQ(rvx_proof_verify(&w.engine, &req, &res), 0);
}

static void forged_mac(void)
{
	struct rvx_proof_issuer other;

	ST_TRUE(setup());
	ST_TRUE(make(3, &issuer));
	token.tag[17] ^= 0x04;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	/* A MAC under another capability's key (another badge) fails too. */
	other = issuer;
	other.badge = 77;
	ST_TRUE(make(3, &other));
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
}

static void policy_tier_and_limits(void)
{
	ST_TRUE(setup());
	ST_TRUE(make(11, &issuer));
	policy.required_tier = RVX_PROOF_TIER_STANDARD;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_TIER);
	rvx_proof_policy_open(&policy, RVX_PROOF_TIER_REFLEX);
	policy.max_payload = sizeof(payload) - 1;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_POLICY_SIZE);
	rvx_proof_policy_open(&policy, RVX_PROOF_TIER_REFLEX);
	policy.key_lo = 0;
	policy.key_hi = 1000;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_POLICY_KEY);
	rvx_proof_policy_open(&policy, RVX_PROOF_TIER_REFLEX);
	policy.min_coherence = 2u << 16;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_POLICY_COHERENCE);
	rvx_proof_policy_open(&policy, RVX_PROOF_TIER_REFLEX);
	issuer.rights = RVX_RIGHT_WRITE;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_RIGHTS);
}

static void expiry(void)
{
	ST_TRUE(setup());
	ST_TRUE(make(5, &issuer));
	req.now_ns = token.expiry_ns + 1;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_EXPIRED);
	req.now_ns = token.expiry_ns; /* the last valid instant */
	ST_EQ(rvx_proof_verify(&w.engine, &req, &res), 0);
}

static void nonce_window(void)
{
	ST_TRUE(setup());
	ST_TRUE(make(100, &issuer));
	ST_EQ(rvx_proof_verify(&w.engine, &req, &res), 0);
	/* Inside the window and unused: accepted once, out of order. */
	ST_TRUE(make(99, &issuer));
	ST_EQ(rvx_proof_verify(&w.engine, &req, &res), 0);
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
	/* Older than the window: never forgotten into acceptance. */
	ST_TRUE(make(100 - RVX_PROOF_NONCE_WINDOW, &issuer));
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_OLD);
	ST_TRUE(make(0, &issuer));
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_OLD);
}

/* A capability space for the issuer, as the nucleus would hold it. */
static struct rvx_cap_space space;
static struct rvx_cap_slot slots[2 * 4];
static struct rvx_cap_table tables[2];
static struct rvx_cap_object objects[2];

static bool issuer_from_cap(uint32_t task, rvx_handle_t h, struct rvx_proof_issuer *out)
{
	struct rvx_cap_info info;
	uint32_t slot = task * 4u + rvx_handle_index(h);

	if (rvx_cap_slot_info(&space, task, rvx_handle_index(h), &info) != 0)
		return false;
	memset(out, 0, sizeof(*out));
	/* The identity is the global slot and its generation, as the nucleus
	 * names it. */
	out->id = rvx_handle_make(slot, rvx_handle_gen(h)).raw;
	out->badge = info.badge;
	out->object = rvx_handle_index(info.object);
	out->epoch = slots[slot].epoch;
	out->rights = info.rights;
	out->slot = slot % ISSUERS;
	out->revoked = info.revoked;
	return true;
}

static void revocation_kills_proofs(void)
{
	rvx_handle_t obj, cap, fresh;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_space_init(&space, slots, 8, tables, 2, 4, objects, 2), 0);
	ST_EQ(rvx_cap_object_create(&space, RVX_OBJ_VECTOR_STORE, 0, &obj), 0);
	ST_EQ(rvx_cap_mint(&space, 1, obj, RVX_RIGHT_PROVE | RVX_RIGHT_WRITE, 0, &cap), 0);
	req.mutation.target = obj.raw;
	ST_TRUE(issuer_from_cap(1, cap, &issuer));
	ST_TRUE(make(1, &issuer));
	ST_EQ(rvx_proof_verify(&w.engine, &req, &res), 0);
	ST_TRUE(make(2, &issuer));
	/* The object's epoch moves on: the capability is dead. */
	ST_EQ(rvx_cap_object_bump_epoch(&space, obj), 0);
	ST_TRUE(issuer_from_cap(1, cap, &issuer));
	ST_TRUE(issuer.revoked);
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_REVOKED);
	/* A new capability has a new epoch and key: the old token, presented
	 * under it, does not verify. */
	ST_EQ(rvx_cap_mint(&space, 1, obj, RVX_RIGHT_PROVE | RVX_RIGHT_WRITE, 0, &fresh), 0);
	ST_TRUE(issuer_from_cap(1, fresh, &issuer));
	ST_TRUE(!issuer.revoked);
	token.issuer = issuer.id;
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
}

/* Deep: deterministic test key pairs from fixed seeds. */
static br_ec_private_key auth_sk, rogue_sk;
static uint8_t auth_kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], rogue_kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
static uint8_t auth_pub[65];
static br_hmac_drbg_context drbg;

static bool keygen(const char *seed, size_t len, br_ec_private_key *sk, uint8_t *kbuf,
		   uint8_t pub[65])
{
	br_ec_public_key pk;
	uint8_t pbuf[BR_EC_KBUF_PUB_MAX_SIZE];

	br_hmac_drbg_init(&drbg, &br_sha256_vtable, seed, len);
	if (br_ec_keygen(&drbg.vtable, &br_ec_p256_m31, sk, kbuf, BR_EC_secp256r1) != 32)
		return false;
	if (pub != NULL) {
		if (br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, sk) != 65)
			return false;
		memcpy(pub, pk.q, 65);
	}
	return true;
}

static bool sign(struct rvx_proof_token *t, const br_ec_private_key *sk)
{
	static br_sha256_context sc;
	uint8_t msg[RVX_PROOF_SIGNED_SIZE], digest[32];

	rvx_proof_signed_bytes(t, &issuer, t->mutation_hash, msg);
	br_sha256_init(&sc);
	br_sha256_update(&sc, msg, sizeof(msg));
	br_sha256_out(&sc, digest);
	return br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, digest, sk, t->tag) == 64;
}

static void deep_signature(void)
{
	ST_TRUE(setup());
	ST_TRUE(keygen("selftest authority", 18, &auth_sk, auth_kbuf, auth_pub));
	ST_TRUE(keygen("selftest rogue", 14, &rogue_sk, rogue_kbuf, NULL));
	rvx_proof_policy_open(&policy, RVX_PROOF_TIER_DEEP);
	policy.has_authority = 1;
	memcpy(policy.authority_key, auth_pub, 65);
	/* A Reflex token is not enough for this policy. */
	ST_TRUE(make(1, &issuer));
	REJECT(-RVX_EPROOF, RVX_PROOF_REJECT_TIER);
	token.tier = RVX_PROOF_TIER_DEEP;
	ST_TRUE(sign(&token, &rogue_sk));
	REJECT(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG);
	ST_TRUE(sign(&token, &auth_sk));
	ST_EQ(rvx_proof_verify(&w.engine, &req, &res), 0);
	ST_EQ(res.tier, RVX_PROOF_TIER_DEEP);
}

const struct st_case st_proof_cases[] = {
	{"proof", "mutation_hash_encoding", mutation_hash_encoding},
	{"proof", "reflex_accepted_once", reflex_accepted_once},
	{"proof", "tampered_mutation", tampered_mutation},
	{"proof", "forged_mac", forged_mac},
	{"proof", "policy_tier_and_limits", policy_tier_and_limits},
	{"proof", "expiry", expiry},
	{"proof", "nonce_window", nonce_window},
	{"proof", "revocation_kills_proofs", revocation_kills_proofs},
	{"proof", "deep_signature", deep_signature},
};
const uint32_t st_proof_case_count = RVX_ARRAY_COUNT(st_proof_cases);
