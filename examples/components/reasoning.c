/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reasoning component: for each new percept, reads its vector back,
 * asks the vector store for its nearest neighbours (VectorGet with a k-NN
 * query) and records them in the graph store under proofs it mints itself:
 * a node per percept and an edge to each neighbour, weighted by closeness.
 * Each finding goes on to attestation.
 *
 * Capabilities (wire order): 0 `percepts` (read), 1 the vector store
 * (read), 2 the graph store (write, prove), 3 `findings` (write).
 */
#include "pipeline.h"

static int apply(rvx_handle_t graph, struct rvx_user_prover *p, const struct rvx_graph_mutation *m,
		 uint64_t expiry)
{
	struct rvx_proof_token tok;
	int rc = rvx_user_prove_graph(p, m, expiry, &tok);

	if (rc != 0)
		return rc;
	return rvx_sys_graph_apply_proved(graph, m, sizeof(*m), &tok, sizeof(tok), NULL);
}

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t in = pipe_cap(s, 0), memory = pipe_cap(s, 1), graph = pipe_cap(s, 2);
	rvx_handle_t out = pipe_cap(s, 3);
	struct rvx_user_prover prover;
	uint64_t expiry = s->now_ns + PIPE_TOKEN_LIFE_NS;
	struct pipe_finding end;

	rvx_user_init(s);
	if (rvx_sys_prove_key(graph, &prover) != 0)
		return;
	for (;;) {
		struct rvx_queue_msg_hdr h;
		struct pipe_percept p;
		struct pipe_finding f;
		struct rvx_vec_hit hits[PIPE_NEIGHBOURS + 1u];
		struct rvx_graph_mutation m;
		float v[PIPE_DIM];
		uint32_t dim = 0, n = 0;
		uint64_t len;

		if (rvx_sys_queue_recv(in, &p, sizeof(p), &h, &len, RVX_USER_FOREVER) != 0 ||
		    h.type_id == PIPE_MSG_END || len != sizeof(p))
			break;
		if (rvx_sys_vector_get(memory, p.key, v, PIPE_DIM, &dim) != 0 || dim != PIPE_DIM ||
		    rvx_sys_vector_query(memory, v, PIPE_DIM, PIPE_NEIGHBOURS + 1u, 32u, hits,
					 &n) != 0)
			break;
		memset(&m, 0, sizeof(m));
		m.kind = RVX_GRAPH_OP_ADD_NODE;
		m.node = p.key;
		m.meta[0] = (uint8_t)(p.index % 3u);
		if (apply(graph, &prover, &m, expiry) != 0)
			break;
		f.key = p.key;
		f.nearest = 0;
		f.neighbours = 0;
		f.edges = 0;
		for (uint32_t i = 0; i < n; i++) {
			if (hits[i].key == p.key)
				continue;
			if (f.nearest == 0)
				f.nearest = hits[i].key;
			f.neighbours++;
			memset(&m, 0, sizeof(m));
			m.kind = RVX_GRAPH_OP_ADD_EDGE;
			m.node = p.key;
			m.peer = hits[i].key;
			m.weight = (int32_t)(65536.0f / (1.0f + hits[i].distance));
			/* An edge only to a node already in the graph. */
			if (hits[i].key < p.key && apply(graph, &prover, &m, expiry) == 0)
				f.edges++;
		}
		(void)rvx_sys_queue_send(out, PIPE_MSG_FINDING, 0, 0, &f, sizeof(f));
	}
	memset(&end, 0, sizeof(end));
	(void)rvx_sys_queue_send(out, PIPE_MSG_END, 0, 0, &end, sizeof(end));
}
