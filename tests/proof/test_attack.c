/* SPDX-License-Identifier: Apache-2.0 */
/* The attack suite: an attacker who can call the proved syscalls with any
 * bytes. Each forged, stale or misused proof is rejected with its precise
 * reason, and the engine and its table are byte-for-byte unchanged. */
#include "proof_fixture.h"

TestSuite(attack, .init = fx_setup);

Test(attack, wrong_mutation_hash_in_token)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_token.mutation_hash[0] ^= 1;
	fx_mac(&fx_token, &fx_issuer); /* even with a MAC over the wrong hash */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_HASH);
}

Test(attack, payload_changed_after_signing)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_payload[47] ^= 0x40;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_HASH);
	/* The attacker also patches the token's hash: the MAC then fails. */
	cr_assert(rvx_proof_mutation_hash(&fx_req.mutation, fx_token.mutation_hash) == 0);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
}

Test(attack, payload_length_or_syscall_changed)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_req.mutation.len--;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_HASH);
	fx_req.mutation.len++;
	fx_req.mutation.syscall = 10;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_HASH);
}

Test(attack, wrong_key)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_req.mutation.key = 43;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_HASH);
}

Test(attack, forged_mac)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	for (int i = 0; i < 32; i += 7) {
		fx_token.tag[i] ^= 0x01;
		fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
		fx_token.tag[i] ^= 0x01;
	}
	/* Every covered field is bound: nonce, expiry, tier. */
	fx_token.nonce = 2;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	fx_token.nonce = 1;
	fx_token.expiry_ns += 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	fx_token.expiry_ns -= 1;
	fx_token.tier = RVX_PROOF_TIER_STANDARD;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	fx_token.tier = RVX_PROOF_TIER_REFLEX;
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
}

Test(attack, mac_from_another_capability)
{
	/* Made with the other capability's key, presented as fx_issuer's. */
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_other);
	fx_token.issuer = fx_issuer.id;
	fx_mac(&fx_token, &fx_other);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	/* Left naming its real issuer, it does not match the caller's capability. */
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_other);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_ISSUER);
}

Test(attack, issuer_capability_to_another_object)
{
	struct rvx_proof_issuer elsewhere = fx_issuer;

	elsewhere.object = 4;
	fx_req.issuer = &elsewhere;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &elsewhere);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_ISSUER);
}

Test(attack, token_for_another_target)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_req.mutation.target = rvx_handle_make(3, 3).raw;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_TARGET);
}

Test(attack, issuer_without_prove)
{
	fx_issuer.rights = RVX_RIGHT_WRITE;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_RIGHTS);
}

Test(attack, replayed_nonce)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 7, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
	/* Also after newer nonces moved the window on. */
	fx_make(RVX_PROOF_TIER_REFLEX, 60, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	fx_make(RVX_PROOF_TIER_REFLEX, 7, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
}

Test(attack, nonce_older_than_window_forever)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 200, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* 136 = 200 - 64 was never used, but is out of the window. */
	fx_make(RVX_PROOF_TIER_REFLEX, 136, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_OLD);
	fx_make(RVX_PROOF_TIER_REFLEX, 137, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* The window moves far on; 137's neighbours stay refused forever. */
	fx_make(RVX_PROOF_TIER_REFLEX, 100000, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	for (uint64_t n = 137; n < 202; n++) {
		fx_make(RVX_PROOF_TIER_REFLEX, n, &fx_issuer);
		fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_OLD);
	}
	fx_make(RVX_PROOF_TIER_REFLEX, 0, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_OLD);
}

Test(attack, expired)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_req.now_ns = fx_token.expiry_ns;
	fx_expect_ok(RVX_PROOF_TIER_REFLEX); /* valid through its expiry instant */
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer);
	fx_req.now_ns = fx_token.expiry_ns + 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_EXPIRED);
}

Test(attack, revoked_capability)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_issuer.revoked = true;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_REVOKED);
}

Test(attack, epoch_bump_kills_outstanding_proofs)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer); /* outstanding */
	/* A fresh capability after the bump (new epoch) in the same slot. */
	fx_issuer.epoch++;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	/* Tokens minted under the new epoch work, with a fresh window. */
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
}

Test(attack, engine_with_another_secret)
{
	static const uint8_t other[32] = "another kernel's secret, 32 byte";

	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	cr_assert(rvx_proof_engine_init(&fx_engine, other, 32, fx_issuers, FX_ISSUERS) == 0);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
}

Test(attack, tier_lower_than_policy)
{
	fx_policy.required_tier = RVX_PROOF_TIER_STANDARD;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_TIER);
	fx_policy.required_tier = RVX_PROOF_TIER_DEEP;
	fx_make(RVX_PROOF_TIER_STANDARD, 1, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_TIER);
}

Test(attack, truncated_or_oversized_token)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_req.token_size = sizeof(fx_token) - 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_req.token_size = 80;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_req.token_size = sizeof(fx_token) + 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_req.token_size = 0;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_req.token_size = sizeof(fx_token);
	fx_req.token = NULL;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
}

Test(attack, malformed_token_fields)
{
	struct rvx_proof_token good;

	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	good = fx_token;
	fx_token.version = 2;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_token = good;
	fx_token.tier = 0;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_token.tier = 4;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_token = good;
	fx_token.flags = 0x80;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_token = good;
	fx_token.reserved[3] = 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_token = good;
	fx_token.tag[63] = 1; /* a MAC's second half must be zero */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_token = good;
	fx_token.batch_index = 1; /* batch fields without the batch flag */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_token = good;
	fx_token.flags = RVX_PROOF_FLAG_BATCH; /* batch on Reflex */
	fx_token.batch_count = 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_token = good;
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
}

Test(attack, signature_by_non_authority_key)
{
	fx_policy.required_tier = RVX_PROOF_TIER_DEEP;
	fx_make(RVX_PROOF_TIER_DEEP, 1, &fx_issuer);
	fx_sign(&fx_token, true);
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG);
	/* A rogue policy key cannot be slipped in by the caller of verify:
	 * with the rogue key as authority it would verify, so the policy
	 * must come from the object (the nucleus's job); here we show only
	 * that the signature is bound to the key. */
	memcpy(fx_policy.authority_key, fx_rogue_pub, 65);
	fx_expect_ok(RVX_PROOF_TIER_DEEP);
}

Test(attack, deep_signature_bound_to_fields)
{
	fx_policy.required_tier = RVX_PROOF_TIER_DEEP;
	fx_make(RVX_PROOF_TIER_DEEP, 1, &fx_issuer);
	fx_token.nonce = 2;
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG);
	fx_token.nonce = 1;
	fx_token.tag[10] ^= 4;
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG);
	fx_token.tag[10] ^= 4;
	fx_payload[0] ^= 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_HASH);
}

Test(attack, malformed_signature_encoding)
{
	static const char *n_hex = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
	struct rvx_proof_token good;
	uint8_t n[32];

	fx_hex(n_hex, n, 32);
	fx_policy.required_tier = RVX_PROOF_TIER_DEEP;
	fx_make(RVX_PROOF_TIER_DEEP, 1, &fx_issuer);
	good = fx_token;
	memset(fx_token.tag, 0, 32); /* r = 0 */
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG_FORMAT);
	fx_token = good;
	memset(fx_token.tag + 32, 0, 32); /* s = 0 */
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG_FORMAT);
	fx_token = good;
	memcpy(fx_token.tag, n, 32); /* r = n */
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG_FORMAT);
	fx_token = good;
	memcpy(fx_token.tag + 32, n, 32); /* s = n */
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG_FORMAT);
	fx_token = good;
	memset(fx_token.tag + 32, 0xff, 32); /* s > n */
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG_FORMAT);
	fx_token = good;
	n[31]--; /* r = n - 1 is in range, just wrong */
	memcpy(fx_token.tag, n, 32);
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG);
	fx_token = good;
	fx_expect_ok(RVX_PROOF_TIER_DEEP);
}

Test(attack, deep_without_authority_key)
{
	fx_make(RVX_PROOF_TIER_DEEP, 1, &fx_issuer);
	fx_policy.has_authority = 0;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_AUTHORITY);
	fx_policy.has_authority = 1;
	fx_policy.authority_key[0] = 0x02;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_AUTHORITY);
	fx_policy.authority_key[0] = 0x04;
	fx_policy.authority_key[64] ^= 1; /* not on the curve */
	fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG);
}

static uint8_t path[RVX_PROOF_MERKLE_MAX_DEPTH + 1][32];
static uint32_t path_len;

static void batch(uint32_t count, uint32_t index)
{
	fx_req.mutation.key = 500 + index;
	fx_batch(count, index, 1, path, &path_len);
	fx_req.path = (const uint8_t(*)[32])path;
	fx_req.path_len = path_len;
}

Test(attack, tampered_merkle_path)
{
	batch(8, 5);
	for (uint32_t i = 0; i < path_len; i++) {
		path[i][17] ^= 0x20;
		fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MERKLE);
		path[i][17] ^= 0x20;
	}
	fx_token.mutation_hash[0] ^= 1; /* tampered root */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MERKLE);
	fx_token.mutation_hash[0] ^= 1;
	fx_payload[3] ^= 1; /* a mutation not in the batch */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MERKLE);
	fx_payload[3] ^= 1;
	fx_expect_ok(RVX_PROOF_TIER_STANDARD);
}

Test(attack, merkle_wrong_leaf_index)
{
	batch(8, 5);
	fx_token.batch_index = 4; /* the sibling's position */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MERKLE);
	fx_token.batch_index = 8; /* beyond the batch */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
}

Test(attack, merkle_overlong_or_short_path)
{
	batch(8, 5);
	fx_req.path_len = path_len + 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MERKLE);
	fx_req.path_len = path_len - 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MERKLE);
	fx_req.path_len = RVX_PROOF_MERKLE_MAX_DEPTH + 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MERKLE);
	fx_req.path_len = path_len;
	fx_req.path = NULL;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MERKLE);
}

Test(attack, merkle_batch_fields)
{
	batch(8, 5);
	fx_token.batch_count = 16; /* covered by the MAC, and the path is too short */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MERKLE);
	fx_token.batch_count = (1u << RVX_PROOF_MERKLE_MAX_DEPTH) + 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	fx_token.batch_count = 8;
	fx_token.nonce = UINT64_MAX - 2; /* nonce + index would wrap */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_FORMAT);
	/* An inner node presented as a leaf (second-preimage style) fails. */
	fx_token.nonce = 1;
	fx_req.path_len = 0;
	fx_token.flags = 0;
	fx_token.batch_count = 0;
	fx_token.batch_index = 0;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_HASH);
}

Test(attack, policy_size)
{
	fx_policy.max_payload = sizeof(fx_payload) - 1;
	fx_make(RVX_PROOF_TIER_STANDARD, 1, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_POLICY_SIZE);
}

Test(attack, policy_key_range)
{
	fx_policy.key_lo = 43;
	fx_make(RVX_PROOF_TIER_STANDARD, 1, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_POLICY_KEY);
	fx_policy.key_lo = 0;
	fx_policy.key_hi = 41;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_POLICY_KEY);
}

Test(attack, policy_coherence)
{
	fx_policy.min_coherence = (1u << 16) + 1;
	fx_make(RVX_PROOF_TIER_STANDARD, 1, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_POLICY_COHERENCE);
}

Test(attack, policy_rate)
{
	fx_policy.rate_count = 3;
	fx_policy.rate_window_ns = 1000;
	for (uint64_t n = 1; n <= 3; n++) {
		fx_make(RVX_PROOF_TIER_STANDARD, n, &fx_issuer);
		fx_req.now_ns = FX_NOW + n;
		fx_expect_ok(RVX_PROOF_TIER_STANDARD);
	}
	fx_make(RVX_PROOF_TIER_STANDARD, 4, &fx_issuer);
	fx_token.expiry_ns = FX_NOW + 5000;
	fx_mac(&fx_token, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_RATE);
	/* Rejected proofs do not count: forged MACs cannot spend the rate. */
	fx_req.now_ns = FX_NOW + 1 + 1000; /* the window (from FX_NOW + 1) is over */
	fx_token.tag[0] ^= 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	fx_token.tag[0] ^= 1;
	fx_expect_ok(RVX_PROOF_TIER_STANDARD);
}

Test(attack, rejected_proof_does_not_consume_nonce)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 9, &fx_issuer);
	fx_token.tag[3] ^= 1;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	fx_token.tag[3] ^= 1;
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
}
