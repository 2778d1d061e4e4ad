/* SPDX-License-Identifier: Apache-2.0 */
/* Journal replay: a run of mixed syscalls, a checkpoint in the middle, a
 * fresh kernel restored from it and the journal replayed on top reach the
 * identical state hash and chain head; a tampered entry is refused at that
 * entry and the kernel is left as restored (but for the issuer windows'
 * floors). */
#include "nk_fixture.h"

TestSuite(nucleus_replay, .init = nk_setup);

static struct nk_world W2, W3;
static uint8_t ck_mid[1u << 20], ck_end[1u << 20], ck2[1u << 20];
static uint8_t jcopy[sizeof(W.journal)];
static struct rvx_proof_token tok;
static uint64_t nonce = 1;

static void put(uint64_t key, const float *v, bool good)
{
	struct rvx_syscall_args a = nk_args(nk_vstore.raw);

	a.arg[0] = key;
	a.arg[1] = RVX_VEC_COHERENCE_ONE;
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = NK_DIM * sizeof(float);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), key, v, RVX_VEC_COHERENCE_ONE,
		     nonce++);
	if (good) {
		NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	} else {
		tok.tag[3] ^= 0x40;
		cr_assert_eq(nk_call(0, RVX_SYS_VECTOR_PUT_PROVED, &a), -RVX_EPROOF);
		cr_assert_eq(nk_last_kind(), RVX_WITNESS_PROOF_REJECTED);
	}
}

static void graph(uint32_t kind, uint64_t node, uint64_t peer)
{
	struct rvx_graph_mutation m;
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];
	struct rvx_syscall_args a = nk_args(nk_gstore.raw);

	memset(&m, 0, sizeof(m));
	m.kind = kind;
	m.node = node;
	m.peer = peer;
	m.weight = 1 << 16;
	m.meta[0] = (uint8_t)node;
	cr_assert_eq(rvx_graph_mutation_encode(&m, enc), 0);
	a.in = (uint64_t)(uintptr_t)&m;
	a.in_len = sizeof(m);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof(&tok, 0, nk_gstore, RVX_SYS_GRAPH_APPLY_PROVED, nk_target(0, nk_gstore), node, enc,
		 sizeof(enc), nonce++);
	NK_OK(0, RVX_SYS_GRAPH_APPLY_PROVED, a);
}

/* The first half: objects, capabilities, a region with data, vectors. */
static void first_half(void)
{
	static const uint8_t data[40] = "immutable region data, journaled whole";
	const float v1[NK_DIM] = {1, 2, 3, 4}, v2[NK_DIM] = {-1, 0.5f, 0, 2};
	struct rvx_syscall_capxfer x[1] = {{nk_queue.raw, RVX_RIGHT_READ | RVX_RIGHT_WRITE, 0}};
	uint64_t h[1];
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	(void)nk_spawn(x, 1, h);
	a.arg[0] = RVX_REGION_POLICY_IMMUTABLE;
	a.arg[1] = 64;
	a.in = (uint64_t)(uintptr_t)data;
	a.in_len = sizeof(data);
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	put(1, v1, true);
	put(2, v2, true);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 500), 0);
}

/* The second half, after the checkpoint: every journaled kind. */
static void second_half(void)
{
	const float v3[NK_DIM] = {9, 8, 7, 6}, v1b[NK_DIM] = {1, 1, 1, 1};
	uint8_t note[12] = "attested 12";
	struct rvx_syscall_capxfer x[1] = {{nk_vstore.raw, RVX_RIGHT_READ, 0}};
	uint64_t h[1];
	uint32_t child;
	struct rvx_syscall_args a;

	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 1000), 0);
	put(3, v3, true);
	put(1, v1b, true);          /* an update */
	put(4, v3, false);          /* a rejected proof: a record, no change */
	graph(RVX_GRAPH_OP_ADD_NODE, 10, 0);
	graph(RVX_GRAPH_OP_ADD_NODE, 11, 0);
	graph(RVX_GRAPH_OP_ADD_EDGE, 10, 11);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 2000), 0);
	child = nk_spawn(x, 1, h);
	a = nk_args(nk_queue.raw);  /* grant a narrowed queue capability */
	a.arg[0] = child;
	a.arg[1] = RVX_RIGHT_READ;
	NK_OK(0, RVX_SYS_CAP_GRANT, a);
	a = nk_args(nk_sensor_cap.raw);
	a.cap2 = nk_queue.raw;
	NK_OK(0, RVX_SYS_SENSOR_SUBSCRIBE, a);
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 77;
	a.in = (uint64_t)(uintptr_t)note;
	a.in_len = sizeof(note);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof(&tok, 0, nk_vstore, RVX_SYS_ATTEST_EMIT, nk_target(0, nk_vstore), 77, note,
		 sizeof(note), nonce++);
	NK_OK(0, RVX_SYS_ATTEST_EMIT, a);
	a = nk_args(nk_root.task.raw);
	a.arg[0] = RVX_REGION_POLICY_SLAB;
	a.arg[1] = 256;
	a.arg[2] = 32;
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	a = nk_args(nk_queue.raw);  /* revoke what was derived from the queue */
	a.flags = RVX_SYSCALL_F_REVOKE;
	NK_OK(0, RVX_SYS_CAP_GRANT, a);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_CAP_REVOKE);
}

struct run {
	size_t n_mid, n_end;
	uint8_t h_mid[32], h_end[32];
	uint64_t seq_mid;
	struct rvx_witness_head head_end;
};

static void original(struct run *r)
{
	first_half();
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck_mid, sizeof(ck_mid), &r->n_mid, r->h_mid), 0);
	r->seq_mid = W.k.log.sequence;
	second_half();
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck_end, sizeof(ck_end), &r->n_end, r->h_end), 0);
	rvx_kernel_witness_head(&W.k, &r->head_end);
	cr_assert(r->head_end.count > r->seq_mid + 10);
}

Test(nucleus_replay, restore_and_replay_reach_the_same_state_and_head)
{
	struct run r;
	struct rvx_witness_head head2;
	uint64_t replayed;
	uint8_t h2[32];
	size_t n2;
	float out[NK_DIM];

	original(&r);
	/* before: a fresh kernel with the same stores, restored mid-run */
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck_mid, r.n_mid), 0);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, r.seq_mid, NULL, 0, NULL, NULL,
				       &replayed), 0);
	/* after: every record after the checkpoint replayed, identical state */
	cr_assert_eq(replayed, r.head_end.count - r.seq_mid);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert_eq(n2, r.n_end);
	cr_assert(memcmp(h2, r.h_end, 32) == 0, "state hash differs after replay");
	cr_assert(memcmp(ck2, ck_end, n2) == 0);
	rvx_kernel_witness_head(&W2.k, &head2);
	cr_assert(memcmp(&head2, &r.head_end, sizeof(head2)) == 0, "chain head differs");
	/* the replayed records are the original ones, byte for byte */
	for (uint64_t i = 0; i < replayed; i++)
		cr_assert(memcmp(rvx_witness_ring_at(&W2.k.ring, (uint32_t)(W2.k.ring.count -
								      replayed + i)),
				 rvx_witness_ring_at(&W.k.ring, (uint32_t)(r.seq_mid + i)), 64) == 0);
	/* the updated vector came back */
	cr_assert_eq(rvx_vec_store_get(&W2.k.vstores[0].store, 1, out, NK_DIM, RVX_VEC_NOW_NONE), 0);
	cr_assert(out[0] == 1.0f && out[3] == 1.0f);
	/* the replayed kernel's journal continues the original one */
	cr_assert_eq(W2.k.journal.count, replayed);
	/* a consumed nonce stays consumed after replay: the same proof again fails */
	{
		const float v[NK_DIM] = {5, 5, 5, 5};
		struct rvx_syscall_args a = nk_args(nk_vstore.raw);
		struct rvx_syscall_result res;

		a.arg[0] = 5;
		a.in = (uint64_t)(uintptr_t)v;
		a.in_len = sizeof(v);
		a.aux = (uint64_t)(uintptr_t)&tok;
		a.aux_len = sizeof(tok);
		nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), 5,
			 v, 0, 2);
		cr_assert_eq(rvx_syscall(&W2.k, 0, RVX_SYS_VECTOR_PUT_PROVED, &a, &res), -RVX_EPROOF);
		nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), 5,
			 v, 0, nonce + 5);
		cr_assert_eq(rvx_syscall(&W2.k, 0, RVX_SYS_VECTOR_PUT_PROVED, &a, &res), 0);
	}
}

/* Index in the journal copy of the entry with `seq`, and its frame offset. */
static size_t frame_at(const struct rvx_witness_journal *j, uint64_t seq,
		       struct rvx_witness_entry *e)
{
	size_t cursor = 0, at;

	for (;;) {
		at = cursor;
		cr_assert_eq(rvx_witness_journal_next(j, &cursor, e), 0);
		if (e->record.sequence == seq)
			return at;
	}
}

static void tamper_case(bool edit_record)
{
	struct run r;
	struct rvx_witness_journal j;
	struct rvx_witness_entry e;
	uint8_t wire[64], args[RVX_WITNESS_ARGS_MAX], h2[32];
	uint64_t bad, replayed;
	size_t at, n2;
	long fl;

	original(&r);
	memcpy(jcopy, W.journal, W.k.journal.used);
	cr_assert_eq(rvx_witness_journal_load(&j, jcopy, sizeof(jcopy), W.k.journal.used, NULL), 0);
	bad = r.seq_mid + 3;
	at = frame_at(&j, bad, &e);
	memcpy(wire, e.wire, 64);
	memcpy(args, e.args, e.args_len);
	if (edit_record)
		wire[20] ^= 1; /* the actor */
	else
		/* a byte of the vector: before the record's 16 bytes and the tag */
		args[e.args_len - RVX_KERNEL_JOURNAL_TAG_BYTES - 17u] ^= 0x10;
	/* The frame is re-sealed, so only the record/payload check can tell. */
	fl = rvx_witness_frame_encode(jcopy + at, sizeof(jcopy) - at, wire, args, e.args_len);
	cr_assert_eq(fl, (long)RVX_WITNESS_FRAME_SIZE(e.args_len));

	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck_mid, r.n_mid), 0);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &j, r.seq_mid, ck_mid, r.n_mid, NULL, NULL,
				       &replayed), -RVX_EBADSIG);
	cr_assert_eq(replayed, bad - r.seq_mid, "refused at entry %llu",
		     (unsigned long long)replayed);
	/* the kernel is as restored, except that the issuer windows keep the
	 * nonces the replayed entries accepted (they are floors: they only rise) */
	cr_assert_eq(W2.k.log.sequence, r.seq_mid);
	nk_setup_world(&W3);
	cr_assert_eq(rvx_kernel_restore(&W3.k, ck_mid, r.n_mid), 0);
	for (size_t i = 0; i < RVX_ARRAY_COUNT(W2.k.issuers); i++) {
		cr_assert_eq(W2.k.issuers[i].owner, W3.k.issuers[i].owner);
		cr_assert_geq(W2.k.issuers[i].nonce_high, W3.k.issuers[i].nonce_high);
	}
	cr_assert_gt(W2.k.issuers[rvx_handle_index(nk_vstore)].nonce_high,
		     W3.k.issuers[rvx_handle_index(nk_vstore)].nonce_high);
	memcpy(W2.k.issuers, W3.k.issuers, sizeof(W2.k.issuers));
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert_eq(n2, r.n_mid);
	cr_assert(memcmp(h2, r.h_mid, 32) == 0, "state changed by a refused replay");
}

Test(nucleus_replay, tampered_payload_is_refused_at_that_entry)
{
	tamper_case(false);
}

Test(nucleus_replay, tampered_record_is_refused_at_that_entry)
{
	tamper_case(true);
}

/*
 * A forger without the kernel secret edits the vector of a journaled put
 * and recomputes everything a digest protects: the record's args digest and
 * the frame digest, and drops what follows (so no later link disagrees).
 * before: replay re-applied the forged put without any proof.
 * after: the entry's tag does not verify; the replay is refused at that
 * entry and the kernel is as restored.
 */
Test(nucleus_replay, forged_entry_with_recomputed_digests_is_refused)
{
	struct run r;
	struct rvx_witness_journal j;
	struct rvx_witness_entry e;
	uint8_t wire[64];
	static uint8_t args[RVX_WITNESS_ARGS_MAX];
	uint64_t seq, replayed;
	size_t at, cursor = 0;
	float out[NK_DIM];
	long fl;

	original(&r);
	memcpy(jcopy, W.journal, W.k.journal.used);
	cr_assert_eq(rvx_witness_journal_load(&j, jcopy, sizeof(jcopy), W.k.journal.used, NULL), 0);
	/* the first vector put after the checkpoint */
	for (;;) {
		at = cursor;
		cr_assert_eq(rvx_witness_journal_next(&j, &cursor, &e), 0);
		if (e.record.sequence >= r.seq_mid && e.record.kind == RVX_WITNESS_VECTOR_PUT)
			break;
	}
	seq = e.record.sequence;
	memcpy(wire, e.wire, 64);
	memcpy(args, e.args, e.args_len);
	/* the vector's first component, whatever it was, becomes 1e6 */
	{
		float big = 1e6f;
		size_t v = e.args_len - RVX_KERNEL_JOURNAL_TAG_BYTES - 16u - NK_DIM * sizeof(float);

		memcpy(args + v, &big, sizeof(big));
	}
	rvx_witness_args_digest(args, e.args_len, wire + 32);
	fl = rvx_witness_frame_encode(jcopy + at, sizeof(jcopy) - at, wire, args, e.args_len);
	cr_assert_eq(fl, (long)RVX_WITNESS_FRAME_SIZE(e.args_len));
	cr_assert_eq(rvx_witness_journal_load(&j, jcopy, sizeof(jcopy), at + (size_t)fl, NULL), 0,
		     "the forged journal is well formed");

	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck_mid, r.n_mid), 0);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &j, r.seq_mid, ck_mid, r.n_mid, NULL, NULL,
				       &replayed), -RVX_EBADSIG);
	cr_assert_eq(replayed, seq - r.seq_mid, "refused at the forged entry");
	cr_assert_eq(W2.k.log.sequence, r.seq_mid, "as restored");
	/* no store holds the forged component */
	for (uint64_t key = 0; key < 8; key++)
		if (rvx_vec_store_get(&W2.k.vstores[0].store, key, out, NK_DIM,
				      RVX_VEC_NOW_NONE) == 0)
			cr_assert(out[0] != 1e6f);
}

Test(nucleus_replay, bad_arguments)
{
	struct run r;
	uint64_t replayed = 7;

	original(&r);
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_replay(NULL, &W.k.journal, 0, NULL, 0, NULL, NULL, &replayed),
		     -RVX_EINVAL);
	cr_assert_eq(replayed, 0);
	cr_assert_eq(rvx_kernel_replay(&W2.k, NULL, 0, NULL, 0, NULL, NULL, NULL), -RVX_EINVAL);
	/* its own journal as the source */
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W2.k.journal, 0, NULL, 0, NULL, NULL, NULL),
		     -RVX_EINVAL);
	/* a corrupted checkpoint */
	ck_mid[100] ^= 1;
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, r.seq_mid, ck_mid, r.n_mid, NULL, NULL,
				       NULL), -RVX_EINVAL);
	ck_mid[100] ^= 1;
	/* the log is not at from_seq */
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, r.seq_mid, NULL, 0, NULL, NULL, NULL),
		     -RVX_EINVAL);
	/* boot and embedder-created objects are not replayable syscalls */
	{
		struct nk_world *w3 = &W2;

		nk_setup_world(w3);
		w3->k.log.sequence = 0; /* pretend: the log at the origin */
		cr_assert_eq(rvx_kernel_replay(&w3->k, &W.k.journal, 0, NULL, 0, NULL, NULL,
					       &replayed), -RVX_ENOTSUP);
		cr_assert_eq(replayed, 0);
	}
}
