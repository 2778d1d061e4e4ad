/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The perception component: takes readings, turns each into an embedding
 * and stores it in the vector store under a proof it mints itself (the key
 * of its own PROVE capability, rvx_sys_prove_key()), then tells reasoning.
 *
 * Capabilities (wire order): 0 `readings` (read), 1 the vector store
 * (read, write, prove), 2 `percepts` (write).
 */
#include "pipeline.h"

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t in = pipe_cap(s, 0), memory = pipe_cap(s, 1), out = pipe_cap(s, 2);
	struct rvx_user_prover prover;
	uint64_t expiry = s->now_ns + PIPE_TOKEN_LIFE_NS;
	struct pipe_percept end = {0, 0, 0};

	rvx_user_init(s);
	if (rvx_sys_prove_key(memory, &prover) != 0)
		return;
	for (;;) {
		struct rvx_queue_msg_hdr h;
		struct pipe_reading r;
		struct pipe_percept p;
		struct rvx_proof_token tok;
		float emb[PIPE_DIM];
		uint64_t len;

		if (rvx_sys_queue_recv(in, &r, sizeof(r), &h, &len, RVX_USER_FOREVER) != 0 ||
		    h.type_id == PIPE_MSG_END || len != sizeof(r))
			break;
		/* The embedding: centred and halved (exact in binary32). */
		for (uint32_t d = 0; d < PIPE_DIM; d++)
			emb[d] = (r.v[d] - 3.0f) * 0.5f;
		p.key = PIPE_KEY(r.index);
		p.index = r.index;
		p.reserved = 0;
		if (rvx_user_prove_vector_put(&prover, p.key, RVX_VEC_COHERENCE_ONE, emb, PIPE_DIM,
					      expiry, &tok) != 0 ||
		    rvx_sys_vector_put_proved(memory, p.key, RVX_VEC_COHERENCE_ONE, emb, PIPE_DIM,
					      &tok, sizeof(tok), NULL) != 0)
			break;
		while (rvx_sys_queue_send(out, PIPE_MSG_PERCEPT, 0, 0, &p, sizeof(p)) == -RVX_EFULL)
			; /* reasoning drains it; the send is retried */
	}
	(void)rvx_sys_queue_send(out, PIPE_MSG_END, 0, 0, &end, sizeof(end));
}
