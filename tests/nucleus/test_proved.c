/* SPDX-License-Identifier: Apache-2.0 */
/* AttestEmit, VectorGet, VectorPutProved, GraphApplyProved: attestations,
 * and forged or replayed proofs that change nothing but leave a rejection
 * record. */
#include "nk_fixture.h"

TestSuite(nucleus_proved, .init = nk_setup);

static struct rvx_proof_token tok;

static struct rvx_syscall_args put_args(uint64_t key, const float *v, uint64_t nonce, bool mint)
{
	struct rvx_syscall_args a = nk_args(nk_vstore.raw);

	a.arg[0] = key;
	a.arg[1] = RVX_VEC_COHERENCE_ONE;
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = NK_DIM * sizeof(float);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	if (mint)
		nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore),
			 key, v, RVX_VEC_COHERENCE_ONE, nonce);
	return a;
}

/* A rejected proof: the store and the proof engine are untouched, and the
 * log grew by exactly one PROOF_REJECTED record. */
static void expect_rejected(struct rvx_syscall_args *a, uint32_t nr, int err)
{
	static struct nk_world before;
	uint64_t n = nk_records();
	int ret;

	memcpy(&before, &W, sizeof(W));
	ret = nk_call(0, nr, a);
	cr_assert_eq(ret, err, "returned %d (%s)", ret, rvx_strerror(ret));
	cr_assert_eq(nk_records(), n + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_PROOF_REJECTED);
	cr_assert(memcmp(before.vmem, W.vmem, sizeof(W.vmem)) == 0, "vector store changed");
	cr_assert(memcmp(before.gmem, W.gmem, sizeof(W.gmem)) == 0, "graph store changed");
	cr_assert(memcmp(&before.k.vstores, &W.k.vstores, sizeof(W.k.vstores)) == 0);
	cr_assert(memcmp(&before.k.proof, &W.k.proof, sizeof(W.k.proof)) == 0);
	cr_assert(memcmp(before.k.issuers, W.k.issuers, sizeof(W.k.issuers)) == 0,
		  "issuer state (nonces) changed");
}

Test(nucleus_proved, vector_put_get_attested)
{
	const float v[NK_DIM] = {1.0f, 2.0f, 3.0f, 4.0f};
	float out[NK_DIM];
	struct rvx_syscall_args a = put_args(42, v, 1, true);
	struct rvx_witness_head head;
	struct rvx_vec_meta meta;
	uint64_t n = nk_records();

	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(nk_records(), n + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_VECTOR_PUT);
	cr_assert_eq(nk_res.sequence, n);
	cr_assert_eq(nk_res.time, NK_NOW);
	cr_assert_eq(nk_res.tier, RVX_PROOF_TIER_REFLEX);
	cr_assert(memcmp(nk_res.mutation_hash, tok.mutation_hash, 32) == 0);
	rvx_kernel_witness_head(&W.k, &head);
	cr_assert(memcmp(nk_res.chain_head, head.head, 32) == 0);
	cr_assert_eq(rvx_vec_store_meta(&W.k.vstores[0].store, 42, &meta), 0);
	cr_assert(memcmp(meta.attestation, head.head, 32) == 0);
	/* read it back through the dispatcher */
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 42;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = sizeof(out);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	cr_assert_eq(nk_res.value[0], NK_DIM);
	cr_assert(memcmp(out, v, sizeof(v)) == 0);
}

Test(nucleus_proved, vector_get_query_and_errors)
{
	const float v1[NK_DIM] = {1, 0, 0, 0}, v2[NK_DIM] = {0, 5, 0, 0}, q[NK_DIM] = {0, 4, 0, 0};
	struct rvx_vec_hit hits[2];
	float out[NK_DIM];
	struct rvx_syscall_args a = put_args(1, v1, 1, true);

	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	a = put_args(2, v2, 2, true);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	a = nk_args(nk_vstore.raw);
	a.flags = RVX_SYSCALL_F_QUERY;
	a.in = (uint64_t)(uintptr_t)q;
	a.in_len = sizeof(q);
	a.arg[0] = 2;
	a.arg[1] = 16;
	a.out = (uint64_t)(uintptr_t)hits;
	a.out_len = sizeof(hits);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	cr_assert_eq(nk_res.value[0], 2);
	cr_assert_eq(hits[0].key, 2);
	cr_assert_eq(hits[1].key, 1);
	a.out_len = sizeof(hits[0]);
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_EBUFSMALL);
	a.out_len = sizeof(hits);
	a.in_len = 4;
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_EINVAL);
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 99;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = sizeof(out);
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_ENOENT);
	a.arg[0] = 1;
	a.out_len = 8;
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_EBUFSMALL);
	a.cap = nk_gstore.raw;
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_ETYPE);
}

Test(nucleus_proved, vector_put_forged_replayed_wrong)
{
	const float v[NK_DIM] = {1, 2, 3, 4}, w[NK_DIM] = {4, 3, 2, 1};
	struct rvx_syscall_args a = put_args(7, v, 1, true);

	/* forged tag */
	tok.tag[0] ^= 1;
	expect_rejected(&a, RVX_SYS_VECTOR_PUT_PROVED, -RVX_EPROOF);
	/* a valid proof for a different vector (the kernel hashes the real one) */
	a = put_args(7, v, 1, true);
	a.in = (uint64_t)(uintptr_t)w;
	expect_rejected(&a, RVX_SYS_VECTOR_PUT_PROVED, -RVX_EPROOF);
	/* a different key */
	a = put_args(7, v, 1, true);
	a.arg[0] = 8;
	expect_rejected(&a, RVX_SYS_VECTOR_PUT_PROVED, -RVX_EPROOF);
	/* the genuine proof works once, then its replay is rejected */
	a = put_args(7, v, 1, true);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	expect_rejected(&a, RVX_SYS_VECTOR_PUT_PROVED, -RVX_EPROOF);
	/* an issuer that is not the caller's capability */
	a = put_args(7, v, 2, true);
	tok.issuer = rvx_handle_make(15, 9).raw;
	expect_rejected(&a, RVX_SYS_VECTOR_PUT_PROVED, -RVX_EPROOF);
	/* an issuer without PROVE */
	{
		struct rvx_syscall_args g = nk_args(nk_vstore.raw);
		rvx_handle_t weak;

		g.arg[1] = RVX_RIGHT_WRITE | RVX_RIGHT_READ;
		NK_OK(0, RVX_SYS_CAP_GRANT, g);
		weak.raw = nk_res.value[0];
		a = put_args(7, v, 3, false);
		nk_proof_put(&tok, 0, weak, nk_target(0, nk_vstore), 7, v, RVX_VEC_COHERENCE_ONE, 3);
		expect_rejected(&a, RVX_SYS_VECTOR_PUT_PROVED, -RVX_EPROOF);
	}
}

Test(nucleus_proved, vector_put_argument_errors)
{
	const float v[NK_DIM] = {1, 2, 3, 4};
	float nan[NK_DIM] = {0, 0, 0, 0};
	struct rvx_syscall_args a = put_args(7, v, 1, true);
	uint64_t k;

	a.in_len = 8;
	NK_FAIL(0, RVX_SYS_VECTOR_PUT_PROVED, a, -RVX_EINVAL);
	a.in_len = sizeof(v);
	a.arg[1] = RVX_VEC_COHERENCE_ONE + 1;
	NK_FAIL(0, RVX_SYS_VECTOR_PUT_PROVED, a, -RVX_EINVAL);
	a.arg[1] = 0;
	a.aux_len = 10;
	NK_FAIL(0, RVX_SYS_VECTOR_PUT_PROVED, a, -RVX_EINVAL);
	nan[2] = __builtin_nanf("");
	a = put_args(7, nan, 1, false);
	NK_FAIL(0, RVX_SYS_VECTOR_PUT_PROVED, a, -RVX_EINVAL);
	/* full store: a new key is refused before the proof is looked at */
	for (k = 0; k < NK_VCAP; k++) {
		a = put_args(100 + k, v, k + 1, true);
		NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	}
	a = put_args(999, v, 100, true);
	NK_FAIL(0, RVX_SYS_VECTOR_PUT_PROVED, a, -RVX_ELIMIT);
	/* an update of an existing key still works */
	a = put_args(100, v, 101, true);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
}

static struct rvx_syscall_args graph_args(struct rvx_graph_mutation *m, uint64_t nonce, bool mint)
{
	struct rvx_syscall_args a = nk_args(nk_gstore.raw);
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];

	a.in = (uint64_t)(uintptr_t)m;
	a.in_len = sizeof(*m);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	if (mint) {
		cr_assert_eq(rvx_graph_mutation_encode(m, enc), 0);
		nk_proof(&tok, 0, nk_gstore, RVX_SYS_GRAPH_APPLY_PROVED, nk_target(0, nk_gstore),
			 m->node, enc, sizeof(enc), nonce);
	}
	return a;
}

Test(nucleus_proved, graph_apply)
{
	struct rvx_graph_mutation m;
	struct rvx_syscall_args a;
	int32_t w;
	uint64_t n;

	memset(&m, 0, sizeof(m));
	m.kind = RVX_GRAPH_OP_ADD_NODE;
	m.node = 1;
	a = graph_args(&m, 1, true);
	n = nk_records();
	NK_OK(0, RVX_SYS_GRAPH_APPLY_PROVED, a);
	cr_assert_eq(nk_records(), n + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_GRAPH_APPLY);
	cr_assert_eq(nk_res.tier, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(nk_res.sequence, n);
	m.node = 2;
	a = graph_args(&m, 2, true);
	NK_OK(0, RVX_SYS_GRAPH_APPLY_PROVED, a);
	m.kind = RVX_GRAPH_OP_ADD_EDGE;
	m.node = 1;
	m.peer = 2;
	m.weight = 5;
	a = graph_args(&m, 3, true);
	NK_OK(0, RVX_SYS_GRAPH_APPLY_PROVED, a);
	cr_assert_eq(rvx_graph_edge_get(&W.k.gstores[0].graph, 1, 2, &w), 0);
	cr_assert_eq(w, 5);
	/* errors found before the proof is looked at: nothing changes */
	a = graph_args(&m, 4, true);
	NK_FAIL(0, RVX_SYS_GRAPH_APPLY_PROVED, a, -RVX_EEXIST);
	m.peer = 3;
	a = graph_args(&m, 4, true);
	NK_FAIL(0, RVX_SYS_GRAPH_APPLY_PROVED, a, -RVX_ENOENT);
	m.peer = 1;
	a = graph_args(&m, 4, true);
	NK_FAIL(0, RVX_SYS_GRAPH_APPLY_PROVED, a, -RVX_EINVAL); /* self loop */
	m.kind = 99;
	a = graph_args(&m, 4, false);
	NK_FAIL(0, RVX_SYS_GRAPH_APPLY_PROVED, a, -RVX_EINVAL);
	/* a proof for weight 5 does not authorise weight 6 */
	m.kind = RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT;
	m.peer = 2;
	m.weight = 5;
	a = graph_args(&m, 4, true);
	m.weight = 6;
	expect_rejected(&a, RVX_SYS_GRAPH_APPLY_PROVED, -RVX_EPROOF);
	cr_assert_eq(rvx_graph_edge_get(&W.k.gstores[0].graph, 1, 2, &w), 0);
	cr_assert_eq(w, 5);
}

Test(nucleus_proved, attest_emit)
{
	static const char note[] = "the agent saw a cat";
	struct rvx_syscall_args a = nk_args(nk_vstore.raw);
	uint64_t n = nk_records();

	a.arg[0] = 3;
	a.in = (uint64_t)(uintptr_t)note;
	a.in_len = sizeof(note);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof(&tok, 0, nk_vstore, RVX_SYS_ATTEST_EMIT, nk_target(0, nk_vstore), 3, note,
		 sizeof(note), 1);
	NK_OK(0, RVX_SYS_ATTEST_EMIT, a);
	cr_assert_eq(nk_records(), n + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_ATTEST);
	cr_assert_eq(nk_res.sequence, n);
	cr_assert(memcmp(nk_res.mutation_hash, tok.mutation_hash, 32) == 0);
	expect_rejected(&a, RVX_SYS_ATTEST_EMIT, -RVX_EPROOF); /* replay */
	a.in_len = RVX_KERNEL_ATTEST_MAX + 1;
	NK_FAIL(0, RVX_SYS_ATTEST_EMIT, a, -RVX_EINVAL);
	a.in_len = sizeof(note);
	a.cap = nk_root.clock.raw; /* all rights incl. PROVE, but no valid proof for it */
	nk_proof(&tok, 0, nk_vstore, RVX_SYS_ATTEST_EMIT, nk_target(0, nk_vstore), 3, note,
		 sizeof(note), 2);
	expect_rejected(&a, RVX_SYS_ATTEST_EMIT, -RVX_EPROOF);
}
