/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attestation component: for each finding of reasoning, appends a
 * proved attestation to the witness log (AttestEmit) about the vector
 * store, under a token minted with the key of its own PROVE capability.
 *
 * Capabilities (wire order): 0 `findings` (read), 1 the vector store
 * (read, prove).
 */
#include "pipeline.h"

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t in = pipe_cap(s, 0), memory = pipe_cap(s, 1);
	struct rvx_user_prover prover;
	uint64_t expiry = s->now_ns + PIPE_TOKEN_LIFE_NS;

	rvx_user_init(s);
	if (rvx_sys_prove_key(memory, &prover) != 0)
		return;
	for (;;) {
		struct rvx_queue_msg_hdr h;
		struct rvx_proof_token tok;
		struct pipe_finding f;
		uint64_t len;

		if (rvx_sys_queue_recv(in, &f, sizeof(f), &h, &len, RVX_USER_FOREVER) != 0 ||
		    h.type_id == PIPE_MSG_END || len != sizeof(f))
			break;
		if (rvx_user_prove_attest(&prover, f.key, &f, sizeof(f), expiry, &tok) != 0 ||
		    rvx_sys_attest_emit(memory, f.key, &f, sizeof(f), &tok, sizeof(tok), NULL) != 0)
			break;
	}
}
