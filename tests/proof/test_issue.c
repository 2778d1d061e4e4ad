/* SPDX-License-Identifier: Apache-2.0 */
/* What an issuer outside the kernel uses: the mutation hash made piece by
 * piece equals the one-shot hash and refuses a wrong length; the next nonce
 * of an identity follows its window, reads as fresh for an older entry and
 * is refused to a superseded identity. */
#include "proof_fixture.h"

TestSuite(proof_issue, .init = fx_setup);

Test(proof_issue, a_hash_in_pieces_is_the_one_shot_hash)
{
	struct rvx_proof_mutation m = {9, 0x100000003ull, 77, fx_payload, sizeof(fx_payload)};
	struct rvx_proof_hasher h;
	uint8_t want[32], got[32];

	cr_assert_eq(rvx_proof_mutation_hash(&m, want), 0);
	for (size_t cut = 0; cut <= sizeof(fx_payload); cut += 7) {
		rvx_proof_hash_begin(&h, 9, 0x100000003ull, 77, sizeof(fx_payload));
		cr_assert_eq(rvx_proof_hash_update(&h, fx_payload, cut), 0);
		cr_assert_eq(rvx_proof_hash_update(&h, fx_payload + cut, sizeof(fx_payload) - cut), 0);
		cr_assert_eq(rvx_proof_hash_end(&h, got), 0);
		cr_assert(memcmp(want, got, 32) == 0, "cut at %zu", cut);
	}
	/* more than declared, or less, is refused */
	rvx_proof_hash_begin(&h, 9, 0x100000003ull, 77, 4);
	cr_assert_eq(rvx_proof_hash_update(&h, fx_payload, 5), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_hash_update(&h, fx_payload, 3), 0);
	cr_assert_eq(rvx_proof_hash_end(&h, got), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_hash_update(&h, NULL, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_hash_update(&h, fx_payload + 3, 1), 0);
	cr_assert_eq(rvx_proof_hash_end(&h, got), 0);
	m.len = 4;
	cr_assert_eq(rvx_proof_mutation_hash(&m, want), 0);
	cr_assert(memcmp(want, got, 32) == 0);
}

Test(proof_issue, the_next_nonce_follows_the_window)
{
	struct rvx_proof_result res;
	struct rvx_proof_issuer newer = fx_issuer;
	uint64_t next = 0;

	cr_assert_eq(rvx_proof_issuer_next_nonce(&fx_engine, &fx_issuer, &next), 0);
	cr_assert_eq(next, 1);
	fx_make(RVX_PROOF_TIER_REFLEX, 5, &fx_issuer);
	cr_assert_eq(rvx_proof_verify(&fx_engine, &fx_req, &res), 0);
	cr_assert_eq(rvx_proof_issuer_next_nonce(&fx_engine, &fx_issuer, &next), 0);
	cr_assert_eq(next, 6);
	fx_make(RVX_PROOF_TIER_REFLEX, next, &fx_issuer);
	cr_assert_eq(rvx_proof_verify(&fx_engine, &fx_req, &res), 0);
	/* a newer identity at the same entry starts afresh; the older one is
	 * then superseded and offered no nonce */
	newer.id = fx_issuer.id + 1;
	cr_assert_eq(rvx_proof_issuer_next_nonce(&fx_engine, &newer, &next), 0);
	cr_assert_eq(next, 1);
	fx_req.issuer = &newer;
	fx_make(RVX_PROOF_TIER_REFLEX, 1, &newer);
	cr_assert_eq(rvx_proof_verify(&fx_engine, &fx_req, &res), 0);
	next = 42;
	cr_assert_eq(rvx_proof_issuer_next_nonce(&fx_engine, &fx_issuer, &next), -RVX_EPROOF);
	cr_assert_eq(next, 42);
	/* bad arguments */
	newer.slot = FX_ISSUERS;
	cr_assert_eq(rvx_proof_issuer_next_nonce(&fx_engine, &newer, &next), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_issuer_next_nonce(NULL, &fx_issuer, &next), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_issuer_next_nonce(&fx_engine, &fx_issuer, NULL), -RVX_EINVAL);
}
