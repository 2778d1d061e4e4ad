/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer identity: every tier binds the whole identity (id, badge,
 * epoch, object), and saved windows merged back into an issuer table
 * (rvx_proof_issuer_restore(), rvx_proof_issuer_reapply()) never re-open
 * an accepted nonce. */
#include "proof_fixture.h"

TestSuite(identity, .init = fx_setup);

/* fx_issuer with one part of its identity changed. */
static struct rvx_proof_issuer variant(int part)
{
	struct rvx_proof_issuer is = fx_issuer;

	switch (part) {
	case 0: is.id = rvx_handle_make(5, 2).raw; break; /* same index, next generation */
	case 1: is.badge = 1; break;
	case 2: is.epoch += 1; break;
	default: is.id = rvx_handle_make(5 + 16, 1).raw; break; /* same table position elsewhere */
	}
	return is;
}

Test(identity, reflex_token_verifies_for_no_other_identity)
{
	for (int part = 0; part < 4; part++) {
		struct rvx_proof_issuer other = variant(part);

		fx_setup();
		fx_make(RVX_PROOF_TIER_REFLEX, 1, &fx_issuer);
		/* before: presented by a capability differing in one part */
		fx_token.issuer = other.id;
		fx_req.issuer = &other;
		/* after: rejected, nothing changed */
		fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
		fx_req.issuer = &fx_issuer;
		fx_token.issuer = fx_issuer.id;
		fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	}
}

Test(identity, deep_signature_covers_the_identity)
{
	fx_policy.required_tier = RVX_PROOF_TIER_DEEP;
	for (int part = 0; part < 4; part++) {
		struct rvx_proof_issuer other = variant(part);

		fx_policy.required_tier = RVX_PROOF_TIER_DEEP;
		fx_make(RVX_PROOF_TIER_DEEP, 10 + (uint64_t)part, &fx_issuer);
		fx_token.issuer = other.id;
		fx_req.issuer = &other;
		fx_expect_reject(-RVX_EBADSIG, RVX_PROOF_REJECT_SIG);
		fx_req.issuer = &fx_issuer;
		fx_token.issuer = fx_issuer.id;
		fx_expect_ok(RVX_PROOF_TIER_DEEP);
	}
}

Test(identity, batch_mac_covers_the_identity)
{
	uint8_t path[4][32];
	uint32_t path_len;
	struct rvx_proof_issuer other = variant(1);

	fx_batch(4, 1, 20, path, &path_len);
	fx_req.path = (const uint8_t(*)[32])path;
	fx_req.path_len = path_len;
	fx_req.issuer = &other;
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	fx_req.issuer = &fx_issuer;
	fx_expect_ok(RVX_PROOF_TIER_STANDARD);
}

Test(identity, signed_bytes_end_with_badge_object_epoch)
{
	uint8_t a[RVX_PROOF_SIGNED_SIZE], b[RVX_PROOF_SIGNED_SIZE];

	fx_make(RVX_PROOF_TIER_DEEP, 1, &fx_issuer);
	rvx_proof_signed_bytes(&fx_token, &fx_issuer, fx_token.mutation_hash, a);
	rvx_proof_signed_bytes(&fx_token, &fx_other, fx_token.mutation_hash, b);
	cr_assert(memcmp(a, b, 86) == 0, "the token's own fields come first");
	cr_assert_eq(a[86], (uint8_t)fx_issuer.badge);
	cr_assert_eq(b[86], (uint8_t)fx_other.badge);
	cr_assert_eq(a[94], (uint8_t)fx_issuer.object);
	cr_assert_eq(a[98], (uint8_t)fx_issuer.epoch);
}

/* A table entry after nonces @from .. @to were accepted by fx_issuer. */
static struct rvx_proof_issuer_state used(uint64_t from, uint64_t to)
{
	fx_setup();
	for (uint64_t n = from; n <= to; n++) {
		fx_make(RVX_PROOF_TIER_REFLEX, n, &fx_issuer);
		fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	}
	return fx_issuers[fx_issuer.slot];
}

Test(identity, restore_keeps_the_union_of_both_windows)
{
	struct rvx_proof_issuer_state saved = used(1, 2), live = used(1, 5);

	/* before: the live entry accepted 1..5, the saved one 1..2 */
	fx_issuers[fx_issuer.slot] = live;
	rvx_proof_issuer_restore(&fx_issuers[fx_issuer.slot], &saved);
	/* after: 3..5 stay used, the key cache stays, 6 is fresh */
	cr_assert_eq(fx_issuers[fx_issuer.slot].nonce_high, 5);
	cr_assert_eq(fx_issuers[fx_issuer.slot].key_ready, 1);
	for (uint64_t n = 1; n <= 5; n++) {
		fx_make(RVX_PROOF_TIER_REFLEX, n, &fx_issuer);
		fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
	}
	fx_make(RVX_PROOF_TIER_REFLEX, 6, &fx_issuer);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* a saved window ahead of the live one is kept too */
	saved = used(1, 9);
	live = used(1, 1);
	fx_issuers[fx_issuer.slot] = live;
	rvx_proof_issuer_restore(&fx_issuers[fx_issuer.slot], &saved);
	cr_assert_eq(fx_issuers[fx_issuer.slot].nonce_high, 9);
	cr_assert_eq(fx_issuers[fx_issuer.slot].nonce_bitmap, 0x1ff);
}

Test(identity, restore_into_an_unused_entry_takes_the_saved_one)
{
	struct rvx_proof_issuer_state saved = used(3, 4), live;

	memset(&live, 0, sizeof(live));
	rvx_proof_issuer_restore(&live, &saved);
	cr_assert_eq(live.owner, fx_issuer.id);
	cr_assert_eq(live.nonce_high, 4);
	cr_assert_eq(live.nonce_bitmap, 3);
	cr_assert_eq(live.key_ready, 0, "no key cache from a checkpoint");
	/* an unused saved entry leaves the live one alone */
	saved = live;
	memset(&live, 0, sizeof(live));
	rvx_proof_issuer_restore(&saved, &live);
	cr_assert_eq(saved.nonce_high, 4);
}

Test(identity, restore_over_a_newer_capability_keeps_it_and_closes_the_older)
{
	struct rvx_proof_issuer_state saved = used(1, 1);
	struct rvx_proof_issuer next = fx_issuer, newest = fx_issuer;

	/* before: the entry went to a newer capability since the save, which
	 * used nonce 1 */
	next.id = rvx_handle_make(5, 2).raw;
	cr_assert(next.id > fx_issuer.id);
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &next);
	fx_req.issuer = &next;
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	rvx_proof_issuer_restore(&fx_issuers[fx_issuer.slot], &saved);
	/* after: the newer capability keeps the entry and its window */
	cr_assert_eq(fx_issuers[fx_issuer.slot].owner, next.id);
	/* the saved (older) capability proves nothing, whatever the nonce */
	fx_req.issuer = &fx_issuer;
	for (uint64_t n = 1; n < 200; n += 37) {
		fx_make(RVX_PROOF_TIER_REFLEX, n, &fx_issuer);
		fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_OLD);
	}
	/* the newer capability, re-created at the same identity after the
	 * rollback, cannot use its nonce again */
	fx_req.issuer = &next;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &next);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
	fx_make(RVX_PROOF_TIER_REFLEX, 2, &next);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* a capability newer still starts a fresh window */
	newest.id = rvx_handle_make(5, 3).raw;
	fx_req.issuer = &newest;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &newest);
	fx_expect_ok(RVX_PROOF_TIER_REFLEX);
	/* and from then on the one before it is superseded */
	fx_req.issuer = &next;
	fx_make(RVX_PROOF_TIER_REFLEX, 3, &next);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_OLD);
}

Test(identity, restore_of_a_newer_saved_entry_takes_it)
{
	struct rvx_proof_issuer_state saved = used(1, 1);

	/* before: the live entry is an older capability's */
	saved.owner = rvx_handle_make(5, 9).raw;
	fx_issuers[fx_issuer.slot] = used(1, 5);
	rvx_proof_issuer_restore(&fx_issuers[fx_issuer.slot], &saved);
	/* after: the newer saved identity owns it; the older is superseded */
	cr_assert_eq(fx_issuers[fx_issuer.slot].owner, saved.owner);
	fx_make(RVX_PROOF_TIER_REFLEX, 6, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_OLD);
}

Test(identity, reapply_never_shrinks_a_window)
{
	struct rvx_proof_issuer_state acc = used(1, 2), live = used(1, 7);

	fx_issuers[fx_issuer.slot] = live;
	rvx_proof_issuer_reapply(&fx_issuers[fx_issuer.slot], &acc);
	cr_assert_eq(fx_issuers[fx_issuer.slot].nonce_high, 7);
	fx_make(RVX_PROOF_TIER_REFLEX, 6, &fx_issuer);
	fx_expect_reject(-RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
	/* another capability's acceptance replaces the entry, as it did */
	acc.owner = rvx_handle_make(5, 2).raw;
	rvx_proof_issuer_reapply(&fx_issuers[fx_issuer.slot], &acc);
	cr_assert_eq(fx_issuers[fx_issuer.slot].owner, acc.owner);
	cr_assert_eq(fx_issuers[fx_issuer.slot].nonce_high, 2);
	cr_assert_eq(fx_issuers[fx_issuer.slot].key_ready, 0);
}
