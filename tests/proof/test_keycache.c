/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer key cache in rvx_proof_issuer_state: filled only by an accepted
 * Reflex/Standard proof, used only for the exact identity (id, object,
 * epoch, badge) it was derived for, and never changed by a rejected proof. */
#include "proof_fixture.h"

TestSuite(keycache, .init = fx_setup);

/* The HMAC-SHA256 key states of @is's derived key, from BearSSL's SHA-256,
 * checked against BearSSL's HMAC on a sample message. */
static void want_states(const struct rvx_proof_issuer *is, uint8_t in[32], uint8_t out[32])
{
	static const uint8_t msg[] = "a sample message of some length, to cross a block boundary in HMAC";
	uint8_t key[32], pad[64], ih[32], mac[32], want[32];
	br_sha256_context sc;
	br_hmac_key_context kc;
	br_hmac_context hc;

	cr_assert(rvx_proof_issuer_key(&fx_engine, is, key) == 0);
	for (size_t i = 0; i < 64; i++)
		pad[i] = (uint8_t)((i < 32 ? key[i] : 0) ^ 0x36);
	br_sha256_init(&sc);
	br_sha256_update(&sc, pad, 64);
	cr_assert_eq(br_sha256_state(&sc, in), 64);
	for (size_t i = 0; i < 64; i++)
		pad[i] = (uint8_t)((i < 32 ? key[i] : 0) ^ 0x5c);
	br_sha256_init(&sc);
	br_sha256_update(&sc, pad, 64);
	cr_assert_eq(br_sha256_state(&sc, out), 64);
	/* Resuming from the two states is HMAC-SHA256 under the key. */
	br_sha256_init(&sc);
	br_sha256_set_state(&sc, in, 64);
	br_sha256_update(&sc, msg, sizeof(msg));
	br_sha256_out(&sc, ih);
	br_sha256_set_state(&sc, out, 64);
	br_sha256_update(&sc, ih, 32);
	br_sha256_out(&sc, mac);
	br_hmac_key_init(&kc, &br_sha256_vtable, key, 32);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, sizeof(msg));
	br_hmac_out(&hc, want);
	cr_assert(memcmp(mac, want, 32) == 0);
}

static void expect_cache(uint32_t slot, const struct rvx_proof_issuer *is)
{
	uint8_t in[32], out[32];

	want_states(is, in, out);
	cr_assert_eq(fx_issuers[slot].key_ready, 1);
	cr_assert_eq(fx_issuers[slot].key_badge, is->badge);
	cr_assert_eq(fx_issuers[slot].owner, is->id);
	cr_assert_eq(fx_issuers[slot].epoch, is->epoch);
	cr_assert(memcmp(fx_issuers[slot].key_inner, in, 32) == 0);
	cr_assert(memcmp(fx_issuers[slot].key_outer, out, 32) == 0);
}

Test(keycache, accepted_mac_fills_the_cache)
{
	/* before: slot 1 unused, no key */
	cr_assert_eq(fx_issuers[1].key_ready, 0);
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* after: slot 1 holds the key schedule of fx_issuer's derived key */
	expect_cache(1, &fx_issuer);
	/* Standard tokens use the same cached key. */
	fx_make(RVX_PROOF_TIER_STANDARD, 2, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_STANDARD);
	expect_cache(1, &fx_issuer);
}

Test(keycache, deep_proof_caches_no_key)
{
	fx_make(RVX_PROOF_TIER_DEEP, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_DEEP);
	/* after: the window is owned, the key cache still empty */
	cr_assert_eq(fx_issuers[1].owner, fx_issuer.id);
	cr_assert_eq(fx_issuers[1].key_ready, 0);
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	expect_cache(1, &fx_issuer);
}

Test(keycache, cache_is_used_for_the_same_identity)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* A poisoned cache makes a valid token fail: verify reads the cache. */
	fx_issuers[1].key_outer[5] ^= 0x10;
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	fx_issuers[1].key_outer[5] ^= 0x10;
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
}

Test(keycache, forged_mac_populates_nothing)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_token.tag[0] ^= 1;
	/* before: empty slot; after: still empty (fx_expect_reject compares bytes) */
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	cr_assert_eq(fx_issuers[1].key_ready, 0);
	/* With a cached key for another badge, a forgery leaves that key. */
	fx_token.tag[0] ^= 1;
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	fx_issuer.badge = 77;
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer);
	fx_token.tag[31] ^= 0x80;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	fx_issuer.badge = 0;
	expect_cache(1, &fx_issuer);
}

Test(keycache, badge_change_derives_again_and_keeps_the_window)
{
	struct rvx_proof_issuer first = fx_issuer;

	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* A token made under the old badge's key fails under the new badge. */
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &first);
	fx_issuer.badge = 5;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	/* The cache (for badge 0) is ignored, even poisoned, for badge 5. */
	fx_issuers[1].key_inner[0] ^= 1;
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* after: the cache holds badge 5's key; the window went on (1, 2). */
	expect_cache(1, &fx_issuer);
	cr_assert_eq(fx_issuers[1].nonce_high, 2);
	cr_assert_eq(fx_issuers[1].nonce_bitmap, 3);
}

Test(keycache, epoch_e_key_is_not_used_for_epoch_e_plus_1)
{
	struct rvx_proof_issuer old = fx_issuer;
	struct rvx_proof_issuer_state cached;

	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	expect_cache(1, &old);
	memcpy(&cached, &fx_issuers[1], sizeof(cached));
	/* An outstanding token under epoch e's key (which the cache holds). */
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer);
	fx_issuer.epoch++;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	/* The same capability at epoch e + 1 (same handle, object and badge):
	 * only the epoch tells the identities apart, and it does. */
	cr_assert(memcmp(&cached, &fx_issuers[1], sizeof(cached)) == 0);
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	expect_cache(1, &fx_issuer);
	cr_assert(memcmp(cached.key_inner, fx_issuers[1].key_inner, 32) != 0);
	cr_assert(memcmp(cached.key_outer, fx_issuers[1].key_outer, 32) != 0);
	/* Epoch e's tokens stay dead, cached key or not. */
	fx_make(RVX_PROOF_TIER_REFLEX, 3, &old);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
}

Test(keycache, revoked_capability_with_cached_key)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer);
	fx_issuer.revoked = true;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_REVOKED);
}

Test(keycache, another_handle_in_the_slot_starts_afresh)
{
	struct rvx_proof_issuer next = fx_issuer;

	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* The slot's capability is replaced (new generation) in slot 1. */
	next.id = rvx_handle_make(5, 2).raw;
	fx_req.issuer = &next;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &next);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	expect_cache(1, &next);
	cr_assert_eq(fx_issuers[1].nonce_high, 1);
}

Test(keycache, reinit_drops_cached_keys)
{
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(fx_issuers[1].key_ready, 1);
	cr_assert(rvx_proof_engine_init(&fx_engine, "another 32-byte kernel secret!!", 32, fx_issuers,
					FX_ISSUERS) == 0);
	cr_assert_eq(fx_issuers[1].key_ready, 0);
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &fx_issuer); /* under the new secret */
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	expect_cache(1, &fx_issuer);
}
