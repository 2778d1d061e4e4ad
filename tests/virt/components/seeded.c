/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A package that declares its own vector store (seeded.txt: `vector notes
 * dim=4 ... seed=notes.txt` under a Standard policy that bounds keys to
 * 1..99): the mount creates it from the kernel's store pool with the seed's
 * vectors. The component reads a seeded vector, asks a k-NN query, stores
 * one vector under a proof inside the policy's key range and has one outside
 * it refused.
 */
#include "ruvix/user.h"
#include "ruvix/user_a64.h"
#include "ruvix/user_proof.h"
#include "ruvix/vecgraph_vec.h"

#define DIM 4u
#define EXPIRY_NS (UINT64_C(60) * 1000000000u)

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

void seeded_main(const struct rvx_user_start *s)
{
	static const float near3[DIM] = {3.0f, 3.0f, 3.25f, 3.0f};
	static const float mine[DIM] = {7.0f, 0.0f, 0.0f, 1.0f};
	rvx_handle_t notes = {s->caps[0]};
	struct rvx_user_prover p;
	struct rvx_vec_hit hits[2];
	float got[DIM];
	uint32_t dim = 0, n = 0;
	int rc, out;

	rvx_user_init(s);
	rc = rvx_sys_vector_get(notes, 2, got, DIM, &dim);
	rvx_user_a64_printf("RVX-SEEDED get key 2: %s (%d), dim %u, [%d %d %d %d]",
			    rc == 0 ? "ok" : "FAILED", rc, dim, (int)got[0], (int)got[1],
			    (int)got[2], (int)got[3]);
	rc = rvx_sys_vector_query(notes, near3, DIM, 2, 16, hits, &n);
	rvx_user_a64_printf("RVX-SEEDED k-NN: %s (%d), %u hits, nearest key %lu",
			    rc == 0 ? "ok" : "FAILED", rc, n, n > 0 ? hits[0].key : 0);
	rc = rvx_sys_prove_key(notes, &p);
	if (rc == 0)
		rc = put(notes, &p, 50, mine, s->now_ns);
	out = rc == 0 ? put(notes, &p, 500, mine, s->now_ns) : rc;
	if (rc == 0)
		rc = rvx_sys_vector_get(notes, 50, got, DIM, &dim);
	rvx_user_a64_printf("RVX-SEEDED tier %u put key 50: %s (%d); key 500, outside the policy: %s (%d)",
			    p.tier, rc == 0 && got[0] == 7.0f ? "ok" : "FAILED", rc,
			    out == -RVX_EPROOF ? "refused" : "ACCEPTED", out);
}
