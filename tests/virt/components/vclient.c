/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A component that stores vectors under proofs it mints itself and asks
 * the store for nearest neighbours, then links graph nodes the same way:
 * the proof key comes from its own PROVE capabilities (rvx_sys_prove_key),
 * the tokens from the SDK's prover; the kernel secret never leaves the
 * kernel. A token minted for one vector does not prove another (refused).
 * Then an attestation under a proof (AttestEmit) and a read-only copy of
 * its store capability (CapGrant) that reads.
 * Capabilities: 0 the image's vector store (READ, WRITE, PROVE, GRANT), 1 its
 * graph store (READ, WRITE, PROVE).
 */
#include "ruvix/user.h"
#include "ruvix/user_a64.h"
#include "ruvix/user_proof.h"
#include "ruvix/vecgraph_graph.h"
#include "ruvix/vecgraph_vec.h"

#define DIM 8u
#define VECTORS 6u
#define EXPIRY_NS (UINT64_C(60) * 1000000000u)

static void vector_of(uint32_t i, float v[DIM])
{
	for (uint32_t d = 0; d < DIM; d++)
		v[d] = (float)(i * 10u + d) * 0.125f;
}

static int put(rvx_handle_t store, struct rvx_user_prover *p, uint64_t key, const float *v,
	       uint64_t now)
{
	struct rvx_proof_token tok;
	struct rvx_syscall_result att;
	int rc = rvx_user_prove_vector_put(p, key, 1u << 16, v, DIM, now + EXPIRY_NS, &tok);

	if (rc == 0)
		rc = rvx_sys_vector_put_proved(store, key, 1u << 16, v, DIM, &tok, sizeof(tok), &att);
	return rc;
}

void vclient_main(const struct rvx_user_start *s)
{
	rvx_handle_t vstore = {s->caps[0]}, gstore = {s->caps[1]};
	struct rvx_user_prover vp, gp;
	struct rvx_vec_hit hits[3];
	struct rvx_proof_token tok;
	struct rvx_syscall_result att;
	float v[DIM], q[DIM], got[DIM];
	uint32_t n = 0, dim = 0, stored = 0;
	int rc;

	rvx_user_init(s);
	rc = rvx_sys_prove_key(vstore, &vp);
	if (rc != 0) {
		rvx_user_a64_printf("RVX-VEC prove key FAILED %d", rc);
		rvx_user_a64_exit(6);
	}
	for (uint32_t i = 1; i <= VECTORS; i++) {
		vector_of(i, v);
		rc = put(vstore, &vp, 100u + i, v, s->now_ns);
		if (rc != 0) {
			rvx_user_a64_printf("RVX-VEC proved put of key %u FAILED %d", 100u + i, rc);
			rvx_user_a64_exit(6);
		}
		stored++;
	}
	/* A token for one vector presented with another: refused. */
	vector_of(9, v);
	rc = rvx_user_prove_vector_put(&vp, 200, 1u << 16, v, DIM, s->now_ns + EXPIRY_NS, &tok);
	v[0] += 1.0f;
	if (rc == 0)
		rc = rvx_sys_vector_put_proved(vstore, 200, 1u << 16, v, DIM, &tok, sizeof(tok), &att);
	rvx_user_a64_printf("RVX-VEC %u vectors stored under the component's own proofs; a token "
			    "for other bytes: %s (%d)",
			    stored, rc == -RVX_EPROOF ? "refused" : "ACCEPTED", rc);
	/* The nearest neighbours of a point next to vector 4. */
	vector_of(4, q);
	q[0] += 0.25f;
	rc = rvx_sys_vector_query(vstore, q, DIM, 3, 16, hits, &n);
	if (rc != 0 || n == 0) {
		rvx_user_a64_printf("RVX-VEC k-NN FAILED %d", rc);
		rvx_user_a64_exit(6);
	}
	rc = rvx_sys_vector_get(vstore, hits[0].key, got, DIM, &dim);
	rvx_user_a64_printf("RVX-VEC k-NN: %u hits, nearest key %lu then %lu; get: %s", n,
			    hits[0].key, n > 1 ? hits[1].key : 0,
			    rc == 0 && dim == DIM && memcmp(got, (vector_of(4, v), v), sizeof(v)) == 0
				    ? "same vector"
				    : "FAILED");
	/* Graph: two nodes and an edge, each under its own proof. */
	rc = rvx_sys_prove_key(gstore, &gp);
	for (uint32_t i = 0; rc == 0 && i < 3u; i++) {
		struct rvx_graph_mutation m;

		memset(&m, 0, sizeof(m));
		m.kind = i < 2u ? RVX_GRAPH_OP_ADD_NODE : RVX_GRAPH_OP_ADD_EDGE;
		m.node = i < 2u ? 104u + i : 104u;
		m.peer = i < 2u ? 0 : 105u;
		m.weight = i < 2u ? 0 : 1 << 16;
		rc = rvx_user_prove_graph(&gp, &m, s->now_ns + EXPIRY_NS, &tok);
		if (rc == 0)
			rc = rvx_sys_graph_apply_proved(gstore, &m, sizeof(m), &tok, sizeof(tok),
							&att);
	}
	rvx_user_a64_printf("RVX-VEC graph: 2 nodes and an edge applied under proofs: %s (%d)",
			    rc == 0 ? "ok" : "FAILED", rc);
	if (rc != 0)
		rvx_user_a64_exit(6);
	/* An attestation of what it stored, under a proof on the store. */
	{
		static const char what[] = "vclient: 6 vectors, 2 nodes, 1 edge";
		rvx_handle_t copy;

		rc = rvx_user_prove_attest(&vp, 1, what, sizeof(what), s->now_ns + EXPIRY_NS, &tok);
		if (rc == 0)
			rc = rvx_sys_attest_emit(vstore, 1, what, sizeof(what), &tok, sizeof(tok),
						 &att);
		/* And a plain CapGrant: a read-only copy of its store capability
		 * in its own table. */
		if (rc == 0)
			rc = rvx_sys_cap_grant(vstore, s->task, RVX_RIGHT_READ, 0, &copy);
		if (rc == 0)
			rc = rvx_sys_vector_get(copy, 101, got, DIM, &dim);
		rvx_user_a64_printf("RVX-VEC attestation emitted, a read-only copy reads: %s (%d)",
				    rc == 0 && dim == DIM ? "ok" : "FAILED", rc);
		if (rc != 0)
			rvx_user_a64_exit(6);
	}
}
