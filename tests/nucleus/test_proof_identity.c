/* SPDX-License-Identifier: Apache-2.0 */
/* Proof identity: a token names one capability in the whole kernel, so a
 * token used by one task never verifies again when another task presents
 * it, even where that task's capability to the same store has the same
 * handle value; and a restore does not re-open used or expired proofs. */
#include "nk_fixture.h"

TestSuite(nucleus_proof_identity, .init = nk_setup);

static struct rvx_proof_token tok;
static struct nk_world before;
static const float vec[NK_DIM] = {1, 2, 3, 4};

#define PAYLOAD_BYTES RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(NK_DIM)

/* The VectorPutProved payload a proof covers: coherence, then the vector. */
static const uint8_t *payload(void)
{
	static uint8_t pl[PAYLOAD_BYTES];

	cr_assert_eq(rvx_syscall_vector_put_payload(RVX_VEC_COHERENCE_ONE, vec, NK_DIM, pl,
						    sizeof(pl)),
		     (long)sizeof(pl));
	return pl;
}

static struct rvx_syscall_args put_args(rvx_handle_t store, uint64_t key)
{
	struct rvx_syscall_args a = nk_args(store.raw);

	a.arg[0] = key;
	a.arg[1] = RVX_VEC_COHERENCE_ONE;
	a.in = (uint64_t)(uintptr_t)vec;
	a.in_len = sizeof(vec);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	return a;
}

/* A child task whose copy of @store (READ|WRITE|PROVE) sits at the same
 * handle value as the root's: the same slot index and generation. */
static uint32_t twin_task(rvx_handle_t store)
{
	struct rvx_syscall_capxfer x[RVX_KERNEL_SLOTS];
	uint64_t h[RVX_KERNEL_SLOTS];
	uint32_t at = rvx_handle_index(store), child;

	cr_assert(at < RVX_KERNEL_SLOTS);
	memset(x, 0, sizeof(x));
	for (uint32_t i = 0; i < at; i++) {
		x[i].handle = nk_queue.raw;
		x[i].rights = RVX_RIGHT_READ;
	}
	x[at].handle = store.raw;
	x[at].rights = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE;
	child = nk_spawn(x, at + 1, h);
	cr_assert_eq(h[at], store.raw, "the child's copy has the same handle value");
	return child;
}

/* A proved call that must be rejected with @reason: exactly one
 * PROOF_REJECTED record, and no other byte of the world changes. */
static void expect_rejected(uint32_t task, struct rvx_syscall_args *a, int err, uint32_t reason)
{
	struct rvx_witness_head h0, h1;
	uint64_t n = nk_records();
	int ret;

	memcpy(&before, &W, sizeof(W));
	/* before: the world as snapshotted */
	cr_assert_eq(rvx_kernel_witness_head(&W.k, &h0), 0);
	ret = nk_call(task, RVX_SYS_VECTOR_PUT_PROVED, a);
	/* after: one rejection record, nothing else */
	cr_assert_eq(ret, err, "returned %d (%s)", ret, rvx_strerror(ret));
	cr_assert_eq(nk_records(), n + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_PROOF_REJECTED);
	cr_assert_eq(nk_last_reject_reason(), reason, "reason %u, expected %u",
		     nk_last_reject_reason(), reason);
	cr_assert_eq(rvx_kernel_witness_head(&W.k, &h1), 0);
	cr_assert_eq(h1.count, h0.count + 1);
	cr_assert(memcmp(before.vmem, W.vmem, sizeof(W.vmem)) == 0, "vector store changed");
	cr_assert(memcmp(&before.k.vstores, &W.k.vstores, sizeof(W.k.vstores)) == 0);
	cr_assert(memcmp(before.k.issuers, W.k.issuers, sizeof(W.k.issuers)) == 0,
		  "issuer state changed");
	cr_assert(memcmp(before.k.cap_slots, W.k.cap_slots, sizeof(W.k.cap_slots)) == 0);
	cr_assert(memcmp(&before.k.proof, &W.k.proof, sizeof(W.k.proof)) == 0);
}

Test(nucleus_proof_identity, reflex_token_used_by_one_task_is_refused_to_its_twin)
{
	uint32_t child = twin_task(nk_vstore);
	uint64_t target = nk_target(0, nk_vstore);
	struct rvx_syscall_args a = put_args(nk_vstore, 7);

	nk_proof_put(&tok, 0, nk_vstore, target, 7, vec, RVX_VEC_COHERENCE_ONE, 1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	/* the same bytes from the twin task, whose capability has the same handle */
	expect_rejected(child, &a, -RVX_EPROOF, RVX_PROOF_REJECT_ISSUER);
	/* and from the task that used it */
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
	/* the twin's own proofs still work, under its own identity */
	nk_proof_put(&tok, child, nk_vstore, target, 7, vec, RVX_VEC_COHERENCE_ONE, 1);
	NK_OK(child, RVX_SYS_VECTOR_PUT_PROVED, a);
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_ISSUER);
	expect_rejected(child, &a, -RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
}

Test(nucleus_proof_identity, deep_token_used_by_one_task_is_refused_to_its_twin)
{
	static alignas(64) uint8_t mem[262144];
	struct rvx_vec_config vc;
	struct rvx_proof_policy pol;
	rvx_handle_t deep;
	uint32_t child;
	uint64_t target;
	struct rvx_syscall_args a;

	rvx_vec_config_default(&vc, NK_DIM, NK_VCAP, RVX_VEC_METRIC_L2);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_DEEP);
	pol.has_authority = 1;
	memcpy(pol.authority_key, nk_auth_pub, 65);
	cr_assert_eq(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, sizeof(mem), &pol,
						    RVX_RIGHTS_ALL, &deep), 0);
	child = twin_task(deep);
	target = nk_target(0, deep);
	a = put_args(deep, 9);
	nk_proof_deep(&tok, 0, deep, RVX_SYS_VECTOR_PUT_PROVED, target, 9, payload(), PAYLOAD_BYTES,
		      1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(nk_res.tier, RVX_PROOF_TIER_DEEP);
	expect_rejected(child, &a, -RVX_EPROOF, RVX_PROOF_REJECT_ISSUER);
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
	/* a Deep signature names the capability: re-pointed at the twin's, it fails */
	nk_proof_deep(&tok, 0, deep, RVX_SYS_VECTOR_PUT_PROVED, target, 9, payload(),
			      PAYLOAD_BYTES, 2);
	{
		struct rvx_proof_token mine = tok;

		nk_proof_deep(&tok, child, deep, RVX_SYS_VECTOR_PUT_PROVED, target, 9, payload(),
			      PAYLOAD_BYTES, 2);
		memcpy(tok.tag, mine.tag, sizeof(tok.tag));
		expect_rejected(child, &a, -RVX_EBADSIG, RVX_PROOF_REJECT_SIG);
	}
}

Test(nucleus_proof_identity, token_for_one_capability_fails_for_a_badged_sibling)
{
	struct rvx_syscall_args g = nk_args(nk_vstore.raw);
	uint64_t target = nk_target(0, nk_vstore);
	struct rvx_proof_token sibling_tok;
	rvx_handle_t x, y;
	struct rvx_syscall_args a = put_args(nk_vstore, 5);

	g.arg[0] = 0;
	g.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE;
	g.arg[2] = 5;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	x.raw = nk_res.value[0];
	g.arg[2] = 6;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	y.raw = nk_res.value[0];
	/* a token minted for x, presented as y's (issuer field of y's token) */
	nk_proof_put(&sibling_tok, 0, y, target, 5, vec, RVX_VEC_COHERENCE_ONE, 1);
	nk_proof_put(&tok, 0, x, target, 5, vec, RVX_VEC_COHERENCE_ONE, 1);
	tok.issuer = sibling_tok.issuer;
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_MAC);
	/* as x's own, it verifies */
	nk_proof_put(&tok, 0, x, target, 5, vec, RVX_VEC_COHERENCE_ONE, 1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
}

static uint8_t ck[1u << 20];

Test(nucleus_proof_identity, restore_of_an_older_checkpoint_keeps_used_proofs_used)
{
	uint64_t target = nk_target(0, nk_vstore);
	struct rvx_syscall_args a = put_args(nk_vstore, 3);
	size_t n;

	/* the checkpoint is taken before the proof is used */
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	nk_proof_put(&tok, 0, nk_vstore, target, 3, vec, RVX_VEC_COHERENCE_ONE, 1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(rvx_kernel_restore(&W.k, ck, n), 0);
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
	/* a fresh nonce is still accepted */
	nk_proof_put(&tok, 0, nk_vstore, target, 3, vec, RVX_VEC_COHERENCE_ONE, 2);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
}

Test(nucleus_proof_identity, restore_of_an_older_checkpoint_keeps_expired_proofs_expired)
{
	uint64_t target = nk_target(0, nk_vstore);
	struct rvx_syscall_args a = put_args(nk_vstore, 3);
	size_t n;

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	nk_proof_put(&tok, 0, nk_vstore, target, 3, vec, RVX_VEC_COHERENCE_ONE, 1);
	cr_assert_eq(rvx_kernel_tick(&W.k, tok.expiry_ns + 1), 0);
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_EXPIRED);
	cr_assert_eq(rvx_kernel_restore(&W.k, ck, n), 0);
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_EXPIRED);
	/* time moves on from the latest it reached; a token valid then works */
	cr_assert_eq(rvx_kernel_tick(&W.k, tok.expiry_ns + 2), 0);
	nk_proof_put(&tok, 0, nk_vstore, target, 3, vec, RVX_VEC_COHERENCE_ONE, 2);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
}

Test(nucleus_proof_identity, replay_onto_its_own_restored_history_reaches_the_same_state)
{
	static uint8_t jcopy[sizeof(W.journal)];
	struct rvx_witness_journal j;
	struct rvx_witness_head head1, head2;
	uint64_t target = nk_target(0, nk_vstore), seq0, replayed;
	uint8_t h1[32], h2[32];
	size_t n, n1;
	struct rvx_syscall_args a;

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	seq0 = W.k.log.sequence;
	for (uint64_t i = 1; i <= 3; i++) {
		cr_assert_eq(rvx_kernel_tick(&W.k, W.k.now + 1000), 0);
		a = put_args(nk_vstore, 20 + i);
		nk_proof_put(&tok, 0, nk_vstore, target, 20 + i, vec, RVX_VEC_COHERENCE_ONE, i);
		NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	}
	{
		static uint8_t ck1[1u << 20];

		cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, h1), 0);
	}
	rvx_kernel_witness_head(&W.k, &head1);
	memcpy(jcopy, W.journal, W.k.journal.used);
	cr_assert_eq(rvx_witness_journal_load(&j, jcopy, sizeof(jcopy), W.k.journal.used, NULL), 0);
	/* the kernel rolls back onto its own history and replays it */
	cr_assert_eq(rvx_kernel_replay(&W.k, &j, seq0, ck, n, NULL, NULL, &replayed), 0);
	cr_assert_eq(replayed, 3);
	{
		static uint8_t ck2[1u << 20];

		cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck2, sizeof(ck2), &n, h2), 0);
	}
	rvx_kernel_witness_head(&W.k, &head2);
	cr_assert(memcmp(h1, h2, 32) == 0, "state hash differs after replay");
	cr_assert(memcmp(&head1, &head2, sizeof(head1)) == 0, "chain head differs after replay");
	/* what was accepted before the roll back stays used */
	a = put_args(nk_vstore, 22);
	nk_proof_put(&tok, 0, nk_vstore, target, 22, vec, RVX_VEC_COHERENCE_ONE, 2);
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
}

/* A capability derived from the root's store capability into the root's own
 * table, with PROVE (badge @p badge). */
static rvx_handle_t derive_prover(uint64_t badge)
{
	struct rvx_syscall_args g = nk_args(nk_vstore.raw);

	g.arg[0] = 0;
	g.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE;
	g.arg[2] = badge;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	return (rvx_handle_t){nk_res.value[0]};
}

static void revoke_derived(void)
{
	struct rvx_syscall_args r = nk_args(nk_vstore.raw);

	r.flags = RVX_SYSCALL_F_REVOKE;
	NK_OK(0, RVX_SYS_CAP_GRANT, r);
}

/* before: X proved, then the checkpoint; X was revoked and its slot went to
 * Y, which proved with nonce 1. after restoring the checkpoint (X is back)
 * and doing the same again, Y is re-created with the same identity: its
 * used token must not verify again, and X, superseded, proves nothing. */
Test(nucleus_proof_identity, restore_then_recreating_a_capability_does_not_reopen_its_proofs)
{
	uint64_t target = nk_target(0, nk_vstore);
	struct rvx_syscall_args a;
	struct rvx_proof_token used_by_y;
	rvx_handle_t x, y, y2;
	size_t n;

	x = derive_prover(5);
	a = put_args(x, 1);
	nk_proof_put(&tok, 0, x, target, 1, vec, RVX_VEC_COHERENCE_ONE, 1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	revoke_derived();
	y = derive_prover(5);
	cr_assert_eq(rvx_handle_index(y), rvx_handle_index(x), "the slot is reused");
	cr_assert_neq(y.raw, x.raw);
	a = put_args(y, 2);
	nk_proof_put(&tok, 0, y, target, 2, vec, RVX_VEC_COHERENCE_ONE, 1);
	used_by_y = tok;
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);

	cr_assert_eq(rvx_kernel_restore(&W.k, ck, n), 0);
	/* X is back but superseded by Y at its position */
	a = put_args(x, 3);
	nk_proof_put(&tok, 0, x, target, 3, vec, RVX_VEC_COHERENCE_ONE, 2);
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_NONCE_OLD);
	revoke_derived();
	y2 = derive_prover(5);
	cr_assert_eq(y2.raw, y.raw, "the same identity again");
	a = put_args(y2, 2);
	tok = used_by_y;
	expect_rejected(0, &a, -RVX_EPROOF, RVX_PROOF_REJECT_NONCE_REPLAY);
	/* a fresh nonce works */
	nk_proof_put(&tok, 0, y2, target, 2, vec, RVX_VEC_COHERENCE_ONE, 2);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
}
