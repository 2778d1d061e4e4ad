/* SPDX-License-Identifier: Apache-2.0 */
/* rvx_proof_engine_init, rvx_proof_issuer_key, rvx_proof_verify: success
 * at every tier, batches, the nonce window's acceptance, and argument errors. */
#include "proof_fixture.h"

TestSuite(proof_init, .init = fx_setup);
TestSuite(proof_key, .init = fx_setup);
TestSuite(proof_verify, .init = fx_setup);

Test(proof_init, success_clears_table)
{
	static const uint8_t s[16] = "0123456789abcdef";
	struct rvx_proof_issuer_state tab[3];

	memset(tab, 0xa5, sizeof(tab));
	cr_assert_eq(rvx_proof_engine_init(&fx_engine, s, sizeof(s), tab, 3), 0);
	cr_assert_eq(fx_engine.issuer_count, 3);
	for (size_t i = 0; i < sizeof(tab); i++)
		cr_assert_eq(((uint8_t *)tab)[i], 0);
}

Test(proof_init, errors_change_nothing)
{
	static const uint8_t s[65] = {1};
	struct rvx_proof_engine before;

	memcpy(&before, &fx_engine, sizeof(before));
	cr_assert_eq(rvx_proof_engine_init(NULL, s, 32, fx_issuers, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_engine_init(&fx_engine, NULL, 32, fx_issuers, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_engine_init(&fx_engine, s, 32, NULL, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_engine_init(&fx_engine, s, 32, fx_issuers, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_engine_init(&fx_engine, s, RVX_PROOF_SECRET_MIN - 1, fx_issuers, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_engine_init(&fx_engine, s, RVX_PROOF_SECRET_MAX + 1, fx_issuers, 1), -RVX_EINVAL);
	cr_assert(memcmp(&before, &fx_engine, sizeof(before)) == 0);
}

Test(proof_init, define_macro)
{
	RVX_PROOF_ENGINE_DEFINE(eng, 4);
	static const uint8_t s[16] = "0123456789abcdef";

	cr_assert_eq(rvx_proof_engine_init(&eng, s, 16, eng_issuers, RVX_ARRAY_COUNT(eng_issuers)), 0);
	cr_assert_eq(eng.issuer_count, 4);
}

Test(proof_key, bound_to_secret_identity_and_epoch)
{
	uint8_t k1[32], k2[32], want[32];
	struct rvx_proof_issuer is = fx_issuer;
	uint8_t msg[38];
	br_hmac_key_context kc;
	br_hmac_context hc;
	static const uint8_t secret[32] = "ruvix test kernel secret 32 byte";

	cr_assert_eq(rvx_proof_issuer_key(&fx_engine, &is, k1), 0);
	/* The documented derivation, recomputed with BearSSL. */
	memcpy(msg, "ruvix.prove.v2", 14);
	for (int i = 0; i < 8; i++)
		msg[14 + i] = (uint8_t)(is.id >> (8 * i));
	for (int i = 0; i < 4; i++) {
		msg[22 + i] = (uint8_t)(is.object >> (8 * i));
		msg[26 + i] = (uint8_t)(is.epoch >> (8 * i));
	}
	for (int i = 0; i < 8; i++)
		msg[30 + i] = (uint8_t)(is.badge >> (8 * i));
	br_hmac_key_init(&kc, &br_sha256_vtable, secret, 32);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, sizeof(msg));
	br_hmac_out(&hc, want);
	cr_assert(memcmp(k1, want, 32) == 0);
	is.epoch++;
	cr_assert_eq(rvx_proof_issuer_key(&fx_engine, &is, k2), 0);
	cr_assert(memcmp(k1, k2, 32) != 0, "an epoch bump changes the key");
	is = fx_issuer;
	is.badge = 1;
	cr_assert_eq(rvx_proof_issuer_key(&fx_engine, &is, k2), 0);
	cr_assert(memcmp(k1, k2, 32) != 0, "the badge changes the key");
}

Test(proof_key, errors)
{
	uint8_t k[32];
	struct rvx_proof_engine blank;

	memset(&blank, 0, sizeof(blank));
	cr_assert_eq(rvx_proof_issuer_key(NULL, &fx_issuer, k), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_issuer_key(&fx_engine, NULL, k), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_issuer_key(&fx_engine, &fx_issuer, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_issuer_key(&blank, &fx_issuer, k), -RVX_EINVAL);
}

Test(proof_verify, reflex_success_consumes_nonce)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	/* before: slot 1 unused */
	cr_assert_eq(fx_issuers[1].owner, 0);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* after: slot 1 owned by the issuer, nonce 1 recorded */
	cr_assert_eq(fx_issuers[1].owner, fx_issuer.id);
	cr_assert_eq(fx_issuers[1].nonce_high, 1);
	cr_assert_eq(fx_issuers[1].nonce_bitmap, 1);
}

Test(proof_verify, standard_success_with_policy)
{
	fx_policy.required_tier = RVX_PROOF_TIER_STANDARD;
	fx_policy.max_payload = 48;
	fx_policy.key_lo = 40;
	fx_policy.key_hi = 42;
	fx_policy.min_coherence = 1u << 16;
	fx_policy.rate_count = 2;
	fx_policy.rate_window_ns = 1000;
	fx_make(RVX_PROOF_TIER_STANDARD, 10, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_STANDARD);
	cr_assert_eq(fx_issuers[1].rate_used, 1);
	cr_assert_eq(fx_issuers[1].rate_start, FX_NOW);
}

Test(proof_verify, deep_success)
{
	fx_policy.required_tier = RVX_PROOF_TIER_DEEP;
	fx_make(RVX_PROOF_TIER_DEEP, 5, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_DEEP);
}

Test(proof_verify, higher_tier_than_required_is_accepted)
{
	fx_make(RVX_PROOF_TIER_DEEP, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_DEEP);
	fx_make(RVX_PROOF_TIER_STANDARD, 2, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_STANDARD);
}

Test(proof_verify, batch_every_leaf_once)
{
	uint8_t path[RVX_PROOF_MERKLE_MAX_DEPTH][32];
	uint32_t len;
	const uint32_t count = 11; /* not a power of two: padded to 16 */

	fx_req.path = (const uint8_t(*)[32])path;
	for (uint32_t i = 0; i < count; i++) {
		fx_req.mutation.key = 100 + i;
		fx_batch(count, i, 50, path, &len);
		fx_req.path_len = len;
		cr_assert_eq(len, 4);
		fx_expect_ok(RVX_PROOF_TIER_STANDARD);
	}
	cr_assert_eq(fx_issuers[1].nonce_high, 50 + count - 1);
	cr_assert_eq(fx_issuers[1].nonce_bitmap, (1u << count) - 1);
	/* Each leaf is accepted once: replaying leaf 3 is refused. */
	fx_req.mutation.key = 103;
	fx_batch(count, 3, 50, path, &len);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
}

Test(proof_verify, batch_of_one_has_empty_path)
{
	uint32_t len;
	uint8_t path[1][32];

	fx_batch(1, 0, 1, path, &len);
	cr_assert_eq(len, 0);
	fx_expect_ok(RVX_PROOF_TIER_STANDARD);
}

Test(proof_verify, batch_depth_10)
{
	uint8_t path[RVX_PROOF_MERKLE_MAX_DEPTH][32];
	uint32_t len;

	fx_req.path = (const uint8_t(*)[32])path;
	fx_batch(1024, 777, 1, path, &len);
	fx_req.path_len = len;
	cr_assert_eq(len, 10);
	fx_expect_ok(RVX_PROOF_TIER_STANDARD);
}

Test(proof_verify, window_accepts_out_of_order)
{
	/* Nonces 100, 40 (within 64 below), 90, 37 (100 - 63) are each new. */
	const uint64_t order[] = {100, 40, 90, 37, 101};

	for (size_t i = 0; i < 5; i++) {
		fx_make(RVX_PROOF_TIER_REFLEX, order[i], &fx_issuer);
		fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	}
	cr_assert_eq(fx_issuers[1].nonce_high, 101);
}

Test(proof_verify, rate_window_rolls_over)
{
	fx_policy.rate_count = 1;
	fx_policy.rate_window_ns = 100;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_RATE);
	fx_req.now_ns += 100;
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(fx_issuers[1].rate_start, FX_NOW + 100);
}

Test(proof_verify, issuers_are_independent)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	fx_req.issuer = &fx_other;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_other);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(fx_issuers[2].owner, fx_other.id);
}

Test(proof_verify, empty_payload)
{
	fx_req.mutation.payload = NULL;
	fx_req.mutation.len = 0;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
}

Test(proof_verify, argument_errors_change_nothing)
{
	struct rvx_proof_result res;
	struct rvx_proof_request r;
	struct rvx_proof_engine blank, before;
	struct rvx_proof_issuer bad = fx_issuer;

	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	memset(&blank, 0, sizeof(blank));
	memcpy(&before, &fx_engine, sizeof(before));
	memset(&res, 0x77, sizeof(res));
	cr_assert_eq(rvx_proof_verify(NULL, &fx_req, &res), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_verify(&fx_engine, NULL, &res), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_verify(&fx_engine, &fx_req, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_verify(&blank, &fx_req, &res), -RVX_EINVAL);
	r = fx_req;
	r.issuer = NULL;
	cr_assert_eq(rvx_proof_verify(&fx_engine, &r, &res), -RVX_EINVAL);
	r = fx_req;
	r.policy = NULL;
	cr_assert_eq(rvx_proof_verify(&fx_engine, &r, &res), -RVX_EINVAL);
	r = fx_req;
	bad.slot = FX_ISSUERS;
	r.issuer = &bad;
	cr_assert_eq(rvx_proof_verify(&fx_engine, &r, &res), -RVX_EINVAL);
	r = fx_req;
	r.mutation.payload = NULL;
	cr_assert_eq(rvx_proof_verify(&fx_engine, &r, &res), -RVX_EINVAL);
	cr_assert_eq(res.reason, 0x77777777u, "res not written on argument errors");
	cr_assert(memcmp(&before, &fx_engine, sizeof(before)) == 0);
	for (size_t i = 0; i < sizeof(fx_issuers); i++)
		cr_assert_eq(((uint8_t *)fx_issuers)[i], 0);
}
