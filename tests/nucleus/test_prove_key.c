/* SPDX-License-Identifier: Apache-2.0 */
/* CapGrant with RVX_SYSCALL_F_PROVE_KEY: a task obtains the proof key of its
 * own PROVE capability and mints its own tokens with it (here with BearSSL's
 * HMAC directly, never with the kernel secret). The key proves exactly what
 * the capability entitles: only that task, only through that capability,
 * only while it lives. Failures change nothing and write nothing out; the
 * PROVE_KEY record carries no key and replays. */
#include "nk_fixture.h"

#include <bearssl.h>

TestSuite(nucleus_prove_key, .init = nk_setup);

static const float vec[NK_DIM] = {0.5f, -1, 2, 8};
static struct rvx_proof_token tok;

static struct rvx_syscall_args key_args(rvx_handle_t cap, struct rvx_syscall_prove_key *out)
{
	struct rvx_syscall_args a = nk_args(cap.raw);

	a.flags = RVX_SYSCALL_F_PROVE_KEY;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = sizeof(*out);
	return a;
}

static void get_key(uint32_t task, rvx_handle_t cap, struct rvx_syscall_prove_key *pk)
{
	struct rvx_syscall_args a = key_args(cap, pk);

	memset(pk, 0x5A, sizeof(*pk));
	NK_OK(task, RVX_SYS_CAP_GRANT, a);
	cr_assert_eq(nk_res.value[0], sizeof(*pk));
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_PROVE_KEY);
}

/* A token for (nr, target, key, payload) MACed with the key @p pk holds,
 * naming @p issuer (normally pk->issuer), at @p tier. */
static void mint_as(const struct rvx_syscall_prove_key *pk, uint64_t issuer, uint8_t tier,
		    uint32_t nr, uint64_t key, const void *payload, size_t len, uint64_t nonce,
		    struct rvx_proof_token *t)
{
	struct rvx_proof_mutation m = {nr, pk->target, key, payload, len};
	struct rvx_proof_issuer is;
	uint8_t msg[RVX_PROOF_SIGNED_SIZE];
	br_hmac_key_context kc;
	br_hmac_context hc;
	size_t n;

	memset(t, 0, sizeof(*t));
	t->version = RVX_PROOF_VERSION;
	t->tier = tier;
	t->issuer = issuer;
	t->target = pk->target;
	t->nonce = nonce;
	t->expiry_ns = W.k.now + 1000000;
	cr_assert_eq(rvx_proof_mutation_hash(&m, t->mutation_hash), 0);
	memset(&is, 0, sizeof(is));
	is.id = pk->issuer;
	is.badge = pk->badge;
	is.object = pk->object;
	is.epoch = pk->epoch;
	n = rvx_proof_mac_input(t, &is, t->mutation_hash, msg);
	br_hmac_key_init(&kc, &br_sha256_vtable, pk->key, sizeof(pk->key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, n);
	br_hmac_out(&hc, t->tag);
}

static void mint_put(const struct rvx_syscall_prove_key *pk, uint64_t key, uint64_t nonce,
		     struct rvx_proof_token *t)
{
	uint8_t pl[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(NK_DIM)];

	cr_assert_eq(rvx_syscall_vector_put_payload(RVX_VEC_COHERENCE_ONE, vec, NK_DIM, pl,
						    sizeof(pl)),
		     (long)sizeof(pl));
	mint_as(pk, pk->issuer, RVX_PROOF_TIER_REFLEX, RVX_SYS_VECTOR_PUT_PROVED, key, pl,
		sizeof(pl), nonce, t);
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

/* A put that must be rejected with @p reason: one PROOF_REJECTED record. */
static void put_rejected(uint32_t task, struct rvx_syscall_args *a, uint32_t reason)
{
	uint64_t n = nk_records();
	int ret = nk_call(task, RVX_SYS_VECTOR_PUT_PROVED, a);

	cr_assert_eq(ret, -RVX_EPROOF, "returned %d (%s)", ret, rvx_strerror(ret));
	cr_assert_eq(nk_records(), n + 1);
	cr_assert_eq(nk_last_reject_reason(), reason, "reason %u, expected %u",
		     nk_last_reject_reason(), reason);
}

/* A child of the root holding @p store with @p rights. */
static uint32_t child_with(rvx_handle_t store, rvx_rights_t rights, rvx_handle_t *cap)
{
	struct rvx_syscall_capxfer x[1] = {{store.raw, rights, 0}};
	uint64_t h[1];
	uint32_t child = nk_spawn(x, 1, h);

	cap->raw = h[0];
	return child;
}

/* True if the 32 bytes of @p key appear anywhere in the journal. */
static bool journal_holds(const uint8_t key[32])
{
	for (size_t i = 0; i + 32 <= W.k.journal.used; i++) {
		if (memcmp(W.journal + i, key, 32) == 0)
			return true;
	}
	return false;
}

Test(nucleus_prove_key, the_key_is_the_capabilitys_and_mints_a_put)
{
	struct rvx_syscall_prove_key pk;
	struct rvx_proof_issuer is;
	struct rvx_syscall_args a;
	uint8_t want[32];
	float out[NK_DIM];
	uint64_t n0 = nk_records();

	get_key(0, nk_vstore, &pk);
	/* before: what the kernel derives for the capability's identity */
	cr_assert_eq(rvx_kernel_proof_issuer(&W.k, 0, nk_vstore, &is), 0);
	cr_assert_eq(rvx_proof_issuer_key(&W.k.proof, &is, want), 0);
	cr_assert(memcmp(pk.key, want, 32) == 0, "the key is rvx_proof_issuer_key() of the identity");
	cr_assert_eq(pk.issuer, is.id);
	cr_assert_eq(pk.target, nk_target(0, nk_vstore));
	cr_assert_eq(pk.badge, is.badge);
	cr_assert_eq(pk.object, is.object);
	cr_assert_eq(pk.epoch, is.epoch);
	cr_assert_eq(pk.next_nonce, 1);
	cr_assert_eq(pk.tier, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(pk.reserved, 0);
	/* one record, and the key is nowhere in the journal */
	cr_assert_eq(nk_records(), n0 + 1);
	cr_assert(!journal_holds(pk.key), "the key reached the journal");
	/* after: a token the task minted itself makes the put succeed */
	a = put_args(nk_vstore, 9);
	mint_put(&pk, 9, pk.next_nonce, &tok);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(nk_res.tier, RVX_PROOF_TIER_REFLEX);
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 9;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = sizeof(out);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	cr_assert(memcmp(out, vec, sizeof(vec)) == 0);
	/* the window moved on: the next key reports the next nonce */
	get_key(0, nk_vstore, &pk);
	cr_assert_eq(pk.next_nonce, 2);
	/* and the used token does not verify again */
	a = put_args(nk_vstore, 9);
	put_rejected(0, &a, RVX_PROOF_REJECT_NONCE_REPLAY);
}

Test(nucleus_prove_key, graph_and_attestation_tokens_from_the_key_verify)
{
	struct rvx_syscall_prove_key pg, pq;
	struct rvx_graph_mutation m;
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];
	static const uint8_t note[] = "seen by the key holder";
	struct rvx_syscall_args a;

	get_key(0, nk_gstore, &pg);
	cr_assert_eq(pg.target, nk_target(0, nk_gstore));
	memset(&m, 0, sizeof(m));
	m.kind = RVX_GRAPH_OP_ADD_NODE;
	m.node = 42;
	cr_assert_eq(rvx_graph_mutation_encode(&m, enc), 0);
	mint_as(&pg, pg.issuer, RVX_PROOF_TIER_REFLEX, RVX_SYS_GRAPH_APPLY_PROVED, 42, enc,
		sizeof(enc), pg.next_nonce, &tok);
	a = nk_args(nk_gstore.raw);
	a.in = (uint64_t)(uintptr_t)&m;
	a.in_len = sizeof(m);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	NK_OK(0, RVX_SYS_GRAPH_APPLY_PROVED, a);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_GRAPH_APPLY);
	/* a queue capability with PROVE attests under the attestation policy */
	get_key(0, nk_queue, &pq);
	cr_assert_eq(pq.tier, W.k.attest_policy.required_tier);
	mint_as(&pq, pq.issuer, RVX_PROOF_TIER_REFLEX, RVX_SYS_ATTEST_EMIT, 5, note, sizeof(note),
		pq.next_nonce, &tok);
	a = nk_args(nk_queue.raw);
	a.arg[0] = 5;
	a.in = (uint64_t)(uintptr_t)note;
	a.in_len = sizeof(note);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	NK_OK(0, RVX_SYS_ATTEST_EMIT, a);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_ATTEST);
}

Test(nucleus_prove_key, a_standard_policy_reports_its_tier_and_takes_standard_tokens)
{
	static alignas(64) uint8_t mem[262144];
	struct rvx_syscall_prove_key pk;
	struct rvx_proof_policy pol;
	struct rvx_vec_config vc;
	struct rvx_syscall_args a;
	uint8_t pl[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(NK_DIM)];
	rvx_handle_t s;

	rvx_vec_config_default(&vc, NK_DIM, NK_VCAP, RVX_VEC_METRIC_L2);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_STANDARD);
	cr_assert_eq(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, sizeof(mem), &pol,
						    RVX_RIGHTS_ALL, &s), 0);
	get_key(0, s, &pk);
	cr_assert_eq(pk.tier, RVX_PROOF_TIER_STANDARD);
	cr_assert_eq(rvx_syscall_vector_put_payload(RVX_VEC_COHERENCE_ONE, vec, NK_DIM, pl,
						    sizeof(pl)),
		     (long)sizeof(pl));
	a = put_args(s, 1);
	/* a Reflex token from the same key is below the policy */
	mint_as(&pk, pk.issuer, RVX_PROOF_TIER_REFLEX, RVX_SYS_VECTOR_PUT_PROVED, 1, pl,
		sizeof(pl), 1, &tok);
	put_rejected(0, &a, RVX_PROOF_REJECT_TIER);
	mint_as(&pk, pk.issuer, RVX_PROOF_TIER_STANDARD, RVX_SYS_VECTOR_PUT_PROVED, 1, pl,
		sizeof(pl), 1, &tok);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(nk_res.tier, RVX_PROOF_TIER_STANDARD);
}

Test(nucleus_prove_key, a_token_from_one_tasks_key_is_refused_to_another)
{
	struct rvx_syscall_prove_key pa, pb;
	struct rvx_syscall_args a;
	rvx_handle_t bcap;
	uint32_t b = child_with(nk_vstore, RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE,
				&bcap);

	get_key(0, nk_vstore, &pa);
	get_key(b, bcap, &pb);
	cr_assert_neq(pa.issuer, pb.issuer);
	cr_assert(memcmp(pa.key, pb.key, 32) != 0);
	/* A's token, presented by B through B's own PROVE capability */
	a = put_args(bcap, 3);
	mint_put(&pa, 3, 1, &tok);
	put_rejected(b, &a, RVX_PROOF_REJECT_ISSUER);
	/* A's key naming B's identity: the MAC is not B's */
	{
		uint8_t pl[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(NK_DIM)];

		cr_assert_eq(rvx_syscall_vector_put_payload(RVX_VEC_COHERENCE_ONE, vec, NK_DIM, pl,
							    sizeof(pl)),
			     (long)sizeof(pl));
		mint_as(&pa, pb.issuer, RVX_PROOF_TIER_REFLEX, RVX_SYS_VECTOR_PUT_PROVED, 3, pl,
			sizeof(pl), 1, &tok);
	}
	put_rejected(b, &a, RVX_PROOF_REJECT_MAC);
	/* B's own key works for B */
	mint_put(&pb, 3, 1, &tok);
	NK_OK(b, RVX_SYS_VECTOR_PUT_PROVED, a);
	/* and A's token still works for A (its nonce was never used) */
	a = put_args(nk_vstore, 4);
	mint_put(&pa, 4, 1, &tok);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
}

Test(nucleus_prove_key, failures_change_nothing_and_write_nothing_out)
{
	struct rvx_syscall_prove_key pk, untouched;
	struct rvx_syscall_args a;
	rvx_handle_t rw;
	uint32_t c = child_with(nk_vstore, RVX_RIGHT_READ | RVX_RIGHT_WRITE, &rw);

	memset(&pk, 0x5A, sizeof(pk));
	memcpy(&untouched, &pk, sizeof(pk));
	/* no PROVE right */
	a = key_args(rw, &pk);
	NK_FAIL(c, RVX_SYS_CAP_GRANT, a, -RVX_ERIGHTS);
	/* no such capability */
	a = key_args((rvx_handle_t){rw.raw + 5}, &pk);
	NK_FAIL(c, RVX_SYS_CAP_GRANT, a, -RVX_EBADCAP);
	/* no output, a short one */
	a = key_args(nk_vstore, &pk);
	a.out = 0;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EINVAL);
	a = key_args(nk_vstore, &pk);
	a.out_len = sizeof(pk) - 1;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EBUFSMALL);
	/* another flag with it, stray arguments */
	a = key_args(nk_vstore, &pk);
	a.flags |= RVX_SYSCALL_F_REVOKE;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EINVAL);
	a = key_args(nk_vstore, &pk);
	a.arg[0] = c;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EINVAL);
	a = key_args(nk_vstore, &pk);
	a.cap2 = nk_queue.raw;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EINVAL);
	a = key_args(nk_vstore, &pk);
	a.in = (uint64_t)(uintptr_t)&untouched;
	a.in_len = 8;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EINVAL);
	cr_assert(memcmp(&pk, &untouched, sizeof(pk)) == 0, "a failed call wrote the key");
	/* a full journal: the record cannot be written, nothing is handed out */
	W.k.journal.capacity = W.k.journal.used;
	a = key_args(nk_vstore, &pk);
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EFULL);
	cr_assert(memcmp(&pk, &untouched, sizeof(pk)) == 0, "a failed call wrote the key");
}

Test(nucleus_prove_key, after_revoke_the_key_proves_nothing)
{
	struct rvx_syscall_prove_key pk, pk2;
	struct rvx_syscall_args a, g;
	rvx_handle_t bcap, again;
	uint32_t b = child_with(nk_queue, RVX_RIGHT_READ, &bcap);

	/* the root derives a PROVE capability for B, B takes its key */
	g = nk_args(nk_vstore.raw);
	g.arg[0] = b;
	g.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	bcap.raw = nk_res.value[0];
	get_key(b, bcap, &pk);
	a = put_args(bcap, 6);
	mint_put(&pk, 6, 1, &tok);
	NK_OK(b, RVX_SYS_VECTOR_PUT_PROVED, a);
	/* revoke everything derived from the root's store capability */
	g = nk_args(nk_vstore.raw);
	g.flags = RVX_SYSCALL_F_REVOKE;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	/* the revoked capability is gone: it neither proves nor hands out a key */
	mint_put(&pk, 6, 2, &tok);
	NK_FAIL(b, RVX_SYS_VECTOR_PUT_PROVED, a, -RVX_ESTALE);
	a = key_args(bcap, &pk2);
	NK_FAIL(b, RVX_SYS_CAP_GRANT, a, -RVX_ESTALE);
	/* a new capability for B is a new identity: the old key's tokens fail */
	g = nk_args(nk_vstore.raw);
	g.arg[0] = b;
	g.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	again.raw = nk_res.value[0];
	a = put_args(again, 6);
	mint_put(&pk, 6, 3, &tok);
	put_rejected(b, &a, RVX_PROOF_REJECT_ISSUER);
	get_key(b, again, &pk2);
	cr_assert_neq(pk2.issuer, pk.issuer);
	{
		uint8_t pl[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(NK_DIM)];

		cr_assert_eq(rvx_syscall_vector_put_payload(RVX_VEC_COHERENCE_ONE, vec, NK_DIM, pl,
							    sizeof(pl)),
			     (long)sizeof(pl));
		/* the old key naming the new identity */
		mint_as(&pk, pk2.issuer, RVX_PROOF_TIER_REFLEX, RVX_SYS_VECTOR_PUT_PROVED, 6, pl,
			sizeof(pl), 3, &tok);
	}
	put_rejected(b, &a, RVX_PROOF_REJECT_MAC);
	mint_put(&pk2, 6, pk2.next_nonce, &tok);
	NK_OK(b, RVX_SYS_VECTOR_PUT_PROVED, a);
}

Test(nucleus_prove_key, an_epoch_bump_kills_the_key)
{
	struct rvx_syscall_prove_key pk;
	struct rvx_syscall_args a;
	struct rvx_cap_info info;

	get_key(0, nk_vstore, &pk);
	cr_assert_eq(rvx_cap_lookup(&W.k.caps, 0, nk_vstore, &info), 0);
	/* the object's epoch moves on (the capability library's revocation) */
	cr_assert_eq(rvx_cap_object_bump_epoch(&W.k.caps, info.object), 0);
	a = put_args(nk_vstore, 2);
	mint_put(&pk, 2, pk.next_nonce, &tok);
	NK_FAIL(0, RVX_SYS_VECTOR_PUT_PROVED, a, -RVX_EREVOKED);
	a = key_args(nk_vstore, &pk);
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EREVOKED);
}

Test(nucleus_prove_key, a_superseded_identity_gets_no_key)
{
	static uint8_t ck[1u << 20];
	struct rvx_syscall_prove_key pk;
	struct rvx_syscall_args g, a;
	rvx_handle_t x, y;
	size_t n;

	g = nk_args(nk_vstore.raw);
	g.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	x.raw = nk_res.value[0];
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	g = nk_args(nk_vstore.raw);
	g.flags = RVX_SYSCALL_F_REVOKE;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	g = nk_args(nk_vstore.raw);
	g.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	y.raw = nk_res.value[0];
	cr_assert_eq(rvx_handle_index(y), rvx_handle_index(x));
	get_key(0, y, &pk);
	a = put_args(y, 1);
	mint_put(&pk, 1, pk.next_nonce, &tok);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	/* X is back after the restore, but Y's use of the entry supersedes it */
	cr_assert_eq(rvx_kernel_restore(&W.k, ck, n), 0);
	a = key_args(x, &pk);
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EREVOKED);
}

Test(nucleus_prove_key, replay_rebuilds_the_record_and_the_state)
{
	static uint8_t ck0[1u << 20], ck1[1u << 20], ck2[1u << 20];
	static struct nk_world w2;
	struct rvx_syscall_prove_key pk;
	struct rvx_witness_head h1, h2;
	struct rvx_syscall_args a;
	uint64_t seq0, replayed;
	uint8_t s1[32], s2[32];
	size_t n0, n1, n2;

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck0, sizeof(ck0), &n0, NULL), 0);
	seq0 = W.k.log.sequence;
	get_key(0, nk_vstore, &pk);
	a = put_args(nk_vstore, 11);
	mint_put(&pk, 11, pk.next_nonce, &tok);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	get_key(0, nk_vstore, &pk);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, s1), 0);
	rvx_kernel_witness_head(&W.k, &h1);
	/* a fresh kernel restored from before and the journal replayed */
	nk_setup_world(&w2);
	cr_assert_eq(rvx_kernel_restore(&w2.k, ck0, n0), 0);
	cr_assert_eq(rvx_kernel_replay(&w2.k, &W.k.journal, seq0, NULL, 0, NULL, NULL, &replayed),
		     0);
	cr_assert_eq(replayed, 3);
	cr_assert_eq(rvx_kernel_checkpoint(&w2.k, ck2, sizeof(ck2), &n2, s2), 0);
	rvx_kernel_witness_head(&w2.k, &h2);
	cr_assert_eq(n2, n1);
	cr_assert(memcmp(s1, s2, 32) == 0, "state hash differs after replay");
	cr_assert(memcmp(&h1, &h2, sizeof(h1)) == 0, "chain head differs after replay");
	/* the replayed PROVE_KEY record is the original */
	for (uint64_t i = 0; i < replayed; i++)
		cr_assert(memcmp(rvx_witness_ring_at(&w2.k.ring,
						     (uint32_t)(w2.k.ring.count - replayed + i)),
				 rvx_witness_ring_at(&W.k.ring, (uint32_t)(seq0 + i)), 64) == 0);
}
