/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A component that holds the vector store without PROVE: it asks for the
 * store's proof key (it must get nothing), then tries a put under a token it
 * made with what it has (it must be refused), tries to send bytes that are
 * not its own (the host's code, where the gate lies: refused before the
 * kernel sees the call), and reports the outcomes and whether the prover
 * stayed empty on its `report` queue.
 *
 * Capabilities (wire order): 0 the vector store (read, write), 1 `report`
 * (write).
 */
#include "ruvix/user.h"
#include "ruvix/user_proof.h"
#include "ruvix/vecgraph_vec.h"

void rvx_component_main(const struct rvx_user_start *s);

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t memory = {s->caps[0]}, report = {s->caps[1]};
	struct rvx_user_prover p;
	struct rvx_proof_token tok;
	float v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	int32_t out[5] = {0, 0, 0, 0, 0};
	uint8_t any = 0;

	rvx_user_init(s);
	memset(&p, 0, sizeof(p));
	out[0] = rvx_sys_prove_key(memory, &p);
	for (uint32_t i = 0; i < sizeof(p); i++)
		any |= ((const uint8_t *)&p)[i];
	out[1] = any != 0;
	/* The best it can do: a token under an all-zero key, naming the store. */
	p.next_nonce = 1;
	out[2] = rvx_user_prove_vector_put(&p, 77, RVX_VEC_COHERENCE_ONE, v, 8, s->now_ns + 1000000000u,
					   &tok);
	out[3] = rvx_sys_vector_put_proved(memory, 77, RVX_VEC_COHERENCE_ONE, v, 8, &tok,
					   sizeof(tok), NULL);
	out[4] = rvx_sys_queue_send(report, 1, 0, 0, (const void *)(uintptr_t)s->gate, 16);
	(void)rvx_sys_queue_send(report, 1, 0, 0, out, sizeof(out));
}
