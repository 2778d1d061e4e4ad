/* SPDX-License-Identifier: Apache-2.0 */
/* The component prover (ruvix/user_proof.h) against the real nucleus: a
 * task takes its key with rvx_sys_prove_key() and its own tokens carry its
 * puts (any dimension), graph mutations and attestations; tampered tokens
 * and vectors, other tasks and missing rights get nothing. The SDK backend
 * here is a test one: rvx_syscall() for the task the test selects. */
#include "nk_fixture.h"
#include "ruvix/user.h"
#include "ruvix/user_proof.h"

TestSuite(user_proof, .init = nk_setup);

static uint32_t cur_task;

int rvx_user_trap(uint32_t nr, struct rvx_syscall_args *a, struct rvx_syscall_result *r)
{
	return rvx_syscall(&W.k, cur_task, nr, a, r);
}

static const float vec[NK_DIM] = {3, 1, 4, 1};

static uint64_t expiry(void)
{
	return W.k.now + 1000000;
}

Test(user_proof, puts_with_the_tasks_own_tokens_are_accepted)
{
	struct rvx_user_prover p;
	struct rvx_proof_token t;
	struct rvx_syscall_result att;
	float out[NK_DIM];
	uint32_t dim = 0;

	cur_task = 0;
	cr_assert_eq(rvx_sys_prove_key(nk_vstore, &p), 0);
	cr_assert_eq(p.next_nonce, 1);
	for (uint64_t key = 1; key <= 3; key++) {
		cr_assert_eq(rvx_user_prove_vector_put(&p, key, RVX_VEC_COHERENCE_ONE, vec, NK_DIM,
						       expiry(), &t), 0);
		cr_assert_eq(t.nonce, key);
		cr_assert_eq(rvx_sys_vector_put_proved(nk_vstore, key, RVX_VEC_COHERENCE_ONE, vec,
						       NK_DIM, &t, sizeof(t), &att), 0);
		cr_assert_eq(att.tier, RVX_PROOF_TIER_REFLEX);
	}
	cr_assert_eq(p.next_nonce, 4);
	cr_assert_eq(rvx_sys_vector_get(nk_vstore, 2, out, NK_DIM, &dim), 0);
	cr_assert_eq(dim, NK_DIM);
	cr_assert(memcmp(out, vec, sizeof(vec)) == 0);
	/* a key taken again continues where the window is */
	cr_assert_eq(rvx_sys_prove_key(nk_vstore, &p), 0);
	cr_assert_eq(p.next_nonce, 4);
}

Test(user_proof, a_large_vector_is_encoded_in_pieces_as_the_kernel_does)
{
	static alignas(64) uint8_t mem[1u << 20];
	enum { DIM = 100 };
	struct rvx_user_prover p;
	struct rvx_proof_token t;
	struct rvx_proof_policy pol;
	struct rvx_vec_config vc;
	float v[DIM], out[DIM];
	uint8_t raw[DIM * sizeof(float) + 1];
	rvx_handle_t s;

	rvx_vec_config_default(&vc, DIM, 4, RVX_VEC_METRIC_L2);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, sizeof(mem), &pol,
						    RVX_RIGHTS_ALL, &s), 0);
	for (int i = 0; i < DIM; i++)
		v[i] = (float)i * 0.25f - 7.0f;
	/* from a misaligned buffer */
	memcpy(raw + 1, v, sizeof(v));
	cur_task = 0;
	cr_assert_eq(rvx_sys_prove_key(s, &p), 0);
	cr_assert_eq(rvx_user_prove_vector_put(&p, 77, RVX_VEC_COHERENCE_ONE / 2,
					       (const float *)(const void *)(raw + 1), DIM,
					       expiry(), &t), 0);
	cr_assert_eq(rvx_sys_vector_put_proved(s, 77, RVX_VEC_COHERENCE_ONE / 2,
					       (const float *)(const void *)(raw + 1), DIM, &t,
					       sizeof(t), NULL), 0);
	cr_assert_eq(rvx_sys_vector_get(s, 77, out, DIM, NULL), 0);
	cr_assert(memcmp(out, v, sizeof(v)) == 0);
}

Test(user_proof, graph_mutations_and_attestations_are_accepted)
{
	struct rvx_user_prover pg, pq;
	struct rvx_graph_mutation m;
	struct rvx_proof_token t;
	struct rvx_syscall_result att;
	static const char note[] = "perceived and stored";

	cur_task = 0;
	cr_assert_eq(rvx_sys_prove_key(nk_gstore, &pg), 0);
	for (uint64_t node = 1; node <= 2; node++) {
		memset(&m, 0, sizeof(m));
		m.kind = RVX_GRAPH_OP_ADD_NODE;
		m.node = node;
		m.meta[0] = (uint8_t)node;
		cr_assert_eq(rvx_user_prove_graph(&pg, &m, expiry(), &t), 0);
		cr_assert_eq(rvx_sys_graph_apply_proved(nk_gstore, &m, sizeof(m), &t, sizeof(t), &att),
			     0);
	}
	memset(&m, 0, sizeof(m));
	m.kind = RVX_GRAPH_OP_ADD_EDGE;
	m.node = 1;
	m.peer = 2;
	m.weight = 1 << 16;
	cr_assert_eq(rvx_user_prove_graph(&pg, &m, expiry(), &t), 0);
	cr_assert_eq(rvx_sys_graph_apply_proved(nk_gstore, &m, sizeof(m), &t, sizeof(t), &att), 0);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_GRAPH_APPLY);
	/* an attestation, on the queue the task holds with PROVE */
	cr_assert_eq(rvx_sys_prove_key(nk_queue, &pq), 0);
	cr_assert_eq(rvx_user_prove_attest(&pq, 9, note, sizeof(note), expiry(), &t), 0);
	cr_assert_eq(rvx_sys_attest_emit(nk_queue, 9, note, sizeof(note), &t, sizeof(t), &att), 0);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_ATTEST);
	/* an empty attestation */
	cr_assert_eq(rvx_user_prove_attest(&pq, 10, NULL, 0, expiry(), &t), 0);
	cr_assert_eq(rvx_sys_attest_emit(nk_queue, 10, NULL, 0, &t, sizeof(t), &att), 0);
}

Test(user_proof, tampered_tokens_and_vectors_are_rejected)
{
	struct rvx_user_prover p;
	struct rvx_proof_token t;
	struct rvx_graph_mutation m;
	float other[NK_DIM] = {3, 1, 4, 2};

	cur_task = 0;
	cr_assert_eq(rvx_sys_prove_key(nk_vstore, &p), 0);
	/* a flipped tag bit */
	cr_assert_eq(rvx_user_prove_vector_put(&p, 1, RVX_VEC_COHERENCE_ONE, vec, NK_DIM, expiry(),
					       &t), 0);
	t.tag[0] ^= 1;
	cr_assert_eq(rvx_sys_vector_put_proved(nk_vstore, 1, RVX_VEC_COHERENCE_ONE, vec, NK_DIM, &t,
					       sizeof(t), NULL), -RVX_EPROOF);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_MAC);
	/* a vector other than the proved one */
	cr_assert_eq(rvx_user_prove_vector_put(&p, 1, RVX_VEC_COHERENCE_ONE, vec, NK_DIM, expiry(),
					       &t), 0);
	cr_assert_eq(rvx_sys_vector_put_proved(nk_vstore, 1, RVX_VEC_COHERENCE_ONE, other, NK_DIM,
					       &t, sizeof(t), NULL), -RVX_EPROOF);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_HASH);
	/* another coherence than the proved one */
	cr_assert_eq(rvx_sys_vector_put_proved(nk_vstore, 1, RVX_VEC_COHERENCE_ONE / 2, vec, NK_DIM,
					       &t, sizeof(t), NULL), -RVX_EPROOF);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_HASH);
	/* a vector token on the graph store */
	memset(&m, 0, sizeof(m));
	m.kind = RVX_GRAPH_OP_ADD_NODE;
	m.node = 1;
	cr_assert_eq(rvx_sys_graph_apply_proved(nk_gstore, &m, sizeof(m), &t, sizeof(t), NULL),
		     -RVX_EPROOF);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_TARGET);
	/* the untampered token still works */
	cr_assert_eq(rvx_sys_vector_put_proved(nk_vstore, 1, RVX_VEC_COHERENCE_ONE, vec, NK_DIM, &t,
					       sizeof(t), NULL), 0);
}

Test(user_proof, another_task_and_a_task_without_prove_get_nothing)
{
	struct rvx_syscall_capxfer x[2] = {
		{nk_vstore.raw, RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE, 0},
		{nk_gstore.raw, RVX_RIGHT_READ | RVX_RIGHT_WRITE, 0},
	};
	struct rvx_user_prover p, q, untouched;
	struct rvx_proof_token t;
	uint64_t h[2];
	uint32_t child = nk_spawn(x, 2, h);

	cur_task = 0;
	cr_assert_eq(rvx_sys_prove_key(nk_vstore, &p), 0);
	cr_assert_eq(rvx_user_prove_vector_put(&p, 1, RVX_VEC_COHERENCE_ONE, vec, NK_DIM, expiry(),
					       &t), 0);
	/* the child presents the root's token through its own PROVE capability */
	cur_task = child;
	cr_assert_eq(rvx_sys_vector_put_proved((rvx_handle_t){h[0]}, 1, RVX_VEC_COHERENCE_ONE, vec,
					       NK_DIM, &t, sizeof(t), NULL), -RVX_EPROOF);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_ISSUER);
	/* with the root's key copied, but naming its own capability */
	cr_assert_eq(rvx_sys_prove_key((rvx_handle_t){h[0]}, &q), 0);
	p.issuer = q.issuer;
	cr_assert_eq(rvx_user_prove_vector_put(&p, 1, RVX_VEC_COHERENCE_ONE, vec, NK_DIM, expiry(),
					       &t), 0);
	cr_assert_eq(rvx_sys_vector_put_proved((rvx_handle_t){h[0]}, 1, RVX_VEC_COHERENCE_ONE, vec,
					       NK_DIM, &t, sizeof(t), NULL), -RVX_EPROOF);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_MAC);
	/* no PROVE on the graph store: no key, nothing written */
	memset(&q, 0x33, sizeof(q));
	memcpy(&untouched, &q, sizeof(q));
	nk_snap();
	cr_assert_eq(rvx_sys_prove_key((rvx_handle_t){h[1]}, &q), -RVX_ERIGHTS);
	cr_assert(nk_unchanged());
	cr_assert(memcmp(&q, &untouched, sizeof(q)) == 0);
	/* its own key serves it */
	cr_assert_eq(rvx_sys_prove_key((rvx_handle_t){h[0]}, &q), 0);
	cr_assert_eq(rvx_user_prove_vector_put(&q, 1, RVX_VEC_COHERENCE_ONE, vec, NK_DIM, expiry(),
					       &t), 0);
	cr_assert_eq(rvx_sys_vector_put_proved((rvx_handle_t){h[0]}, 1, RVX_VEC_COHERENCE_ONE, vec,
					       NK_DIM, &t, sizeof(t), NULL), 0);
}

Test(user_proof, the_policys_tier_is_minted_and_bad_provers_mint_nothing)
{
	static alignas(64) uint8_t mem[262144];
	struct rvx_user_prover p, before;
	struct rvx_proof_token t, tb;
	struct rvx_proof_policy pol;
	struct rvx_vec_config vc;
	struct rvx_syscall_result att;
	rvx_handle_t s;

	rvx_vec_config_default(&vc, NK_DIM, NK_VCAP, RVX_VEC_METRIC_L2);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_STANDARD);
	cr_assert_eq(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, sizeof(mem), &pol,
						    RVX_RIGHTS_ALL, &s), 0);
	cur_task = 0;
	cr_assert_eq(rvx_sys_prove_key(s, &p), 0);
	cr_assert_eq(p.tier, RVX_PROOF_TIER_STANDARD);
	cr_assert_eq(rvx_user_prove_vector_put(&p, 5, RVX_VEC_COHERENCE_ONE, vec, NK_DIM, expiry(),
					       &t), 0);
	cr_assert_eq(t.tier, RVX_PROOF_TIER_STANDARD);
	cr_assert_eq(rvx_sys_vector_put_proved(s, 5, RVX_VEC_COHERENCE_ONE, vec, NK_DIM, &t,
					       sizeof(t), &att), 0);
	cr_assert_eq(att.tier, RVX_PROOF_TIER_STANDARD);
	/* refusals consume no nonce and leave the token alone */
	memset(&tb, 0x77, sizeof(tb));
	memcpy(&t, &tb, sizeof(t));
	memcpy(&before, &p, sizeof(p));
	p.tier = RVX_PROOF_TIER_DEEP;
	cr_assert_eq(rvx_user_prove_vector_put(&p, 5, 0, vec, NK_DIM, expiry(), &t), -RVX_ENOTSUP);
	cr_assert_eq(rvx_user_prove_attest(&p, 5, "x", 1, expiry(), &t), -RVX_ENOTSUP);
	p.tier = 9;
	cr_assert_eq(rvx_user_prove_attest(&p, 5, "x", 1, expiry(), &t), -RVX_EINVAL);
	p.tier = before.tier;
	cr_assert_eq(rvx_user_prove_vector_put(&p, 5, 0, vec, 0, expiry(), &t), -RVX_EINVAL);
	cr_assert_eq(rvx_user_prove_vector_put(&p, 5, 0, vec, RVX_VEC_DIM_MAX + 1, expiry(), &t),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_user_prove_vector_put(&p, 5, 0, NULL, NK_DIM, expiry(), &t), -RVX_EINVAL);
	cr_assert_eq(rvx_user_prove_graph(&p, NULL, expiry(), &t), -RVX_EINVAL);
	{
		struct rvx_graph_mutation m;

		memset(&m, 0, sizeof(m));
		m.kind = 99;
		cr_assert_eq(rvx_user_prove_graph(&p, &m, expiry(), &t), -RVX_EINVAL);
	}
	cr_assert_eq(rvx_user_prove_attest(&p, 5, NULL, 3, expiry(), &t), -RVX_EINVAL);
	cr_assert(memcmp(&p, &before, sizeof(p)) == 0, "a refusal moved the prover");
	cr_assert(memcmp(&t, &tb, sizeof(t)) == 0, "a refusal wrote the token");
	p.next_nonce = 0;
	cr_assert_eq(rvx_user_prove_attest(&p, 5, "x", 1, expiry(), &t), -RVX_EINVAL);
	cr_assert_eq(rvx_user_prove_attest(NULL, 5, "x", 1, expiry(), &t), -RVX_EINVAL);
	cr_assert_eq(rvx_sys_prove_key(s, NULL), -RVX_EINVAL);
}
