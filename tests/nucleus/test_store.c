/* SPDX-License-Identifier: Apache-2.0 */
/* VectorPutProved and GraphApplyProved against stores of every
 * configuration: arguments the store would refuse are refused before the
 * witness record (nothing committed), whatever the metric or graph option. */
#include "nk_fixture.h"

#include <float.h>
#include <math.h>

TestSuite(nucleus_store, .init = nk_setup);

#define ST_CAP 8u

static struct rvx_proof_token tok;
static uint64_t nonce;
static alignas(64) uint8_t smem[RVX_VEC_METRIC_COUNT][65536];
static alignas(64) uint8_t gmem2[RVX_GRAPH_BYTES(8, 8)];
static alignas(64) uint8_t before_mem[65536];
static uint8_t ckbuf[1u << 20];

/* A store of @p metric, dimension NK_DIM, in task 0's table. */
static rvx_handle_t make_store(uint32_t metric)
{
	struct rvx_vec_config vc;
	struct rvx_proof_policy pol;
	rvx_handle_t cap;

	rvx_vec_config_default(&vc, NK_DIM, ST_CAP, (enum rvx_vec_metric)metric);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(rvx_kernel_vector_store_create(&W.k, 0, &vc, smem[metric],
						    sizeof(smem[metric]), &pol, RVX_RIGHTS_ALL,
						    &cap), 0);
	return cap;
}

/* The state hash (a checkpoint's trailer). */
static void state_hash(uint8_t out[32])
{
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ckbuf, sizeof(ckbuf), NULL, out), 0);
}

/* A genuine token for putting @p v under @p key with @p coherence. */
static void mint_put(rvx_handle_t cap, uint64_t key, const float *v, uint32_t coherence)
{
	nk_proof_put(&tok, 0, cap, nk_target(0, cap), key, v, coherence, ++nonce);
}

/* Arguments of a proved put of @p v under @p key, with a genuine token. */
static struct rvx_syscall_args put(rvx_handle_t cap, uint64_t key, const float *v,
				   uint32_t coherence)
{
	struct rvx_syscall_args a = nk_args(cap.raw);

	a.arg[0] = key;
	a.arg[1] = coherence;
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = NK_DIM * sizeof(float);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	mint_put(cap, key, v, coherence);
	return a;
}

/* A put that must fail with @p err before anything is committed: no record,
 * the same chain head and state hash, the store's bytes untouched. */
static void put_refused(rvx_handle_t cap, uint32_t metric, const float *v, int err)
{
	struct rvx_syscall_args a = put(cap, 77, v, RVX_VEC_COHERENCE_ONE);
	struct rvx_witness_head h0, h1;
	uint8_t s0[32], s1[32];

	rvx_kernel_witness_head(&W.k, &h0);
	state_hash(s0);
	memcpy(before_mem, smem[metric], sizeof(before_mem));
	NK_FAIL(0, RVX_SYS_VECTOR_PUT_PROVED, a, err);
	rvx_kernel_witness_head(&W.k, &h1);
	state_hash(s1);
	cr_assert_eq(h1.count, h0.count);
	cr_assert(memcmp(h0.head, h1.head, 32) == 0, "witness head moved");
	cr_assert(memcmp(s0, s1, 32) == 0, "state hash changed");
	cr_assert(memcmp(before_mem, smem[metric], sizeof(before_mem)) == 0, "store changed");
}

Test(nucleus_store, cosine_underflowing_norm_refused)
{
	const float tiny[NK_DIM] = {1e-30f, 1e-30f, 1e-30f, 1e-30f};
	const float sub[NK_DIM] = {1e-40f, -1e-40f, 1e-40f, 0.0f};
	rvx_handle_t c = make_store(RVX_VEC_METRIC_COSINE);

	/* Not zero, but the squares underflow: the norm is 0. */
	put_refused(c, RVX_VEC_METRIC_COSINE, tiny, -RVX_EINVAL);
	put_refused(c, RVX_VEC_METRIC_COSINE, sub, -RVX_EINVAL);
}

Test(nucleus_store, bad_components_refused_for_every_metric)
{
	const float big = 1e30f, inf = INFINITY, nan = NAN;
	const float bad[][NK_DIM] = {
		{big, 0, 0, 1},     {-big, 1, 1, 1},         {FLT_MAX, 1, 1, 1},
		{1, -FLT_MAX, 1, 1}, {inf, 1, 1, 1},         {1, 1, -inf, 1},
		{nan, 1, 1, 1},     {1, 1, 1, -nan},         {RVX_VEC_COMPONENT_MAX * 2.0f, 1, 1, 1},
	};

	for (uint32_t m = 0; m < RVX_VEC_METRIC_COUNT; m++) {
		rvx_handle_t c = make_store(m);

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			put_refused(c, m, bad[i], -RVX_EINVAL);
	}
}

Test(nucleus_store, extreme_but_valid_components_accepted)
{
	const float tiny[NK_DIM] = {1e-30f, 1e-30f, 1e-30f, 1e-30f};
	const float sub[NK_DIM] = {1e-40f, 0, 0, 1e-45f};
	const float top[NK_DIM] = {RVX_VEC_COMPONENT_MAX, -RVX_VEC_COMPONENT_MAX,
				   RVX_VEC_COMPONENT_MAX, RVX_VEC_COMPONENT_MAX};
	const float mixed[NK_DIM] = {1e-30f, 1e-20f, 0, 0};
	const float zero[NK_DIM] = {0, 0, 0, 0};
	struct rvx_vec_hit hits[ST_CAP];

	for (uint32_t m = 0; m < RVX_VEC_METRIC_COUNT; m++) {
		rvx_handle_t c = make_store(m);
		struct rvx_syscall_args a;

		if (m != RVX_VEC_METRIC_COSINE) {
			a = put(c, 1, tiny, 0);
			NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
			a = put(c, 2, sub, 0);
			NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
			a = put(c, 3, zero, 0);
			NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
		} else {
			put_refused(c, m, zero, -RVX_EINVAL);
		}
		a = put(c, 4, top, 0);
		NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
		a = put(c, 5, mixed, 0);
		NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
		/* The graph stays searchable: every distance is a number. */
		a = nk_args(c.raw);
		a.flags = RVX_SYSCALL_F_QUERY;
		a.in = (uint64_t)(uintptr_t)top;
		a.in_len = sizeof(top);
		a.arg[0] = ST_CAP;
		a.arg[1] = 16;
		a.out = (uint64_t)(uintptr_t)hits;
		a.out_len = sizeof(hits);
		NK_OK(0, RVX_SYS_VECTOR_GET, a);
		cr_assert_geq(nk_res.value[0], 2);
		for (uint64_t i = 0; i < nk_res.value[0]; i++)
			cr_assert(!isnan(hits[i].distance));
		cr_assert_eq(rvx_vec_store_verify(&W.k.vstores[1 + m].store), 0);
	}
}

/* A graph mutation proved and applied through the dispatcher. */
static int graph_call(rvx_handle_t cap, struct rvx_graph_mutation *m)
{
	struct rvx_syscall_args a = nk_args(cap.raw);
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];

	a.in = (uint64_t)(uintptr_t)m;
	a.in_len = sizeof(*m);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	cr_assert_eq(rvx_graph_mutation_encode(m, enc), 0);
	nk_proof(&tok, 0, cap, RVX_SYS_GRAPH_APPLY_PROVED, nk_target(0, cap), m->node, enc,
		 sizeof(enc), ++nonce);
	nk_snap();
	return nk_call(0, RVX_SYS_GRAPH_APPLY_PROVED, &a);
}

Test(nucleus_store, graph_options_decided_by_the_store)
{
	struct rvx_graph_config gc = {8, 8, RVX_GRAPH_FLAG_SELF_LOOPS, 0, 3};
	struct rvx_graph_mutation m;
	struct rvx_proof_policy pol;
	rvx_handle_t loops;
	uint64_t n;

	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(rvx_kernel_graph_store_create(&W.k, 0, &gc, gmem2, sizeof(gmem2), &pol,
						   RVX_RIGHTS_ALL, &loops), 0);
	for (int s = 0; s < 2; s++) {
		rvx_handle_t cap = s == 0 ? nk_gstore : loops;

		memset(&m, 0, sizeof(m));
		m.kind = RVX_GRAPH_OP_ADD_NODE;
		m.node = 5;
		cr_assert_eq(graph_call(cap, &m), 0);
		cr_assert_eq(graph_call(cap, &m), -RVX_EEXIST);
		cr_assert(nk_unchanged());
		m.kind = RVX_GRAPH_OP_ADD_EDGE;
		m.peer = 5;
		m.weight = RVX_GRAPH_WEIGHT_ONE;
		cr_assert_eq(graph_call(cap, &m), s == 0 ? -RVX_EINVAL : 0);
		if (s == 0)
			cr_assert(nk_unchanged());
		m.kind = RVX_GRAPH_OP_REMOVE_EDGE;
		m.peer = 6;
		cr_assert_eq(graph_call(cap, &m), -RVX_ENOENT);
		cr_assert(nk_unchanged());
	}
	/* The kernel's copy of the options says self loops are allowed, the
	 * store says not: the store decides, before anything is written. */
	W.k.gstores[0].flags = RVX_GRAPH_FLAG_SELF_LOOPS;
	n = nk_records();
	memset(&m, 0, sizeof(m));
	m.kind = RVX_GRAPH_OP_ADD_EDGE;
	m.node = 5;
	m.peer = 5;
	cr_assert_eq(graph_call(nk_gstore, &m), -RVX_EINVAL);
	cr_assert(nk_unchanged());
	cr_assert_eq(nk_records(), n);
}

Test(nucleus_store, payload_encoding)
{
	const float v[2] = {1.0f, -2.0f};
	alignas(4) uint8_t buf[12], want[12] = {0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x80, 0x3f,
						0x00, 0x00, 0x00, 0xc0};

	cr_assert_eq(rvx_syscall_vector_put_payload(0x18000, v, 2, buf, sizeof(buf)), 12);
	cr_assert(memcmp(buf, want, 12) == 0);
	/* in place: the vector already sits 4 bytes into the buffer */
	memcpy(buf + 4, v, sizeof(v));
	cr_assert_eq(rvx_syscall_vector_put_payload(0x18000, buf + 4, 2, buf, sizeof(buf)), 12);
	cr_assert(memcmp(buf, want, 12) == 0);
	cr_assert_eq(rvx_syscall_vector_put_payload(0, v, 2, buf, 11), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_syscall_vector_put_payload(0, v, 0, buf, 12), -RVX_EINVAL);
	cr_assert_eq(rvx_syscall_vector_put_payload(0, v, RVX_VEC_DIM_MAX + 1u, buf, 12),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_syscall_vector_put_payload(0, NULL, 2, buf, 12), -RVX_EINVAL);
	cr_assert_eq(rvx_syscall_vector_put_payload(0, v, 2, NULL, 12), -RVX_EINVAL);
}

Test(nucleus_store, coherence_is_bound_by_the_proof)
{
	static struct nk_world before;
	const float v[NK_DIM] = {1, 2, 3, 4};
	const uint32_t c = RVX_VEC_COHERENCE_ONE / 4u;
	struct rvx_syscall_args a = put(nk_vstore, 9, v, c);
	struct rvx_vec_meta meta;
	uint64_t n = nk_records();

	/* The caller claims more coherence than the token was minted for. */
	for (uint32_t claim = c + 1u; claim <= RVX_VEC_COHERENCE_ONE; claim += 0x4000u) {
		a.arg[1] = claim;
		memcpy(&before, &W, sizeof(W));
		cr_assert_eq(nk_call(0, RVX_SYS_VECTOR_PUT_PROVED, &a), -RVX_EPROOF);
		cr_assert_eq(nk_records(), n + 1);
		cr_assert_eq(nk_last_kind(), RVX_WITNESS_PROOF_REJECTED);
		cr_assert(memcmp(before.vmem, W.vmem, sizeof(W.vmem)) == 0, "store changed");
		cr_assert(memcmp(before.k.issuers, W.k.issuers, sizeof(W.k.issuers)) == 0,
			  "nonce consumed");
		n++;
	}
	cr_assert_eq(rvx_vec_store_meta(&W.k.vstores[0].store, 9, &meta), -RVX_ENOENT);
	/* The coherence the token covers is accepted and stored. */
	a.arg[1] = c;
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(rvx_vec_store_meta(&W.k.vstores[0].store, 9, &meta), 0);
	cr_assert_eq(meta.coherence, c);
	cr_assert(memcmp(nk_res.mutation_hash, tok.mutation_hash, 32) == 0);
}

Test(nucleus_store, query_buffers_at_odd_addresses)
{
	const float v1[NK_DIM] = {1, 0, 0, 0}, v2[NK_DIM] = {0, 5, 0, 0}, q[NK_DIM] = {0, 4, 0, 0};
	static alignas(16) uint8_t qbuf[1 + sizeof(q)], hbuf[3 + 2 * sizeof(struct rvx_vec_hit)];
	static alignas(16) uint8_t vbuf[1 + sizeof(v1)], obuf[1 + sizeof(v1)];
	struct rvx_vec_hit hits[2];
	struct rvx_syscall_args a;

	/* A put whose vector sits at an odd address. */
	memcpy(vbuf + 1, v1, sizeof(v1));
	a = put(nk_vstore, 1, v1, 0);
	a.in = (uint64_t)(uintptr_t)(vbuf + 1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	a = put(nk_vstore, 2, v2, 0);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	memcpy(qbuf + 1, q, sizeof(q));
	a = nk_args(nk_vstore.raw);
	a.flags = RVX_SYSCALL_F_QUERY;
	a.in = (uint64_t)(uintptr_t)(qbuf + 1);
	a.in_len = sizeof(q);
	a.arg[0] = 2;
	a.arg[1] = 16;
	a.out = (uint64_t)(uintptr_t)(hbuf + 3);
	a.out_len = 2 * sizeof(struct rvx_vec_hit);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	cr_assert_eq(nk_res.value[0], 2);
	memcpy(hits, hbuf + 3, sizeof(hits));
	cr_assert_eq(hits[0].key, 2);
	cr_assert_eq(hits[1].key, 1);
	cr_assert_float_eq(hits[0].distance, 1.0f, 1e-6f);
	/* A lookup into an odd address. */
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 1;
	a.out = (uint64_t)(uintptr_t)(obuf + 1);
	a.out_len = sizeof(v1);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	cr_assert(memcmp(obuf + 1, v1, sizeof(v1)) == 0);
	/* k above what the kernel stages is refused, changing nothing. */
	a = nk_args(nk_vstore.raw);
	a.flags = RVX_SYSCALL_F_QUERY;
	a.in = (uint64_t)(uintptr_t)(qbuf + 1);
	a.in_len = sizeof(q);
	a.arg[0] = RVX_KERNEL_KNN_MAX + 1u;
	a.out = (uint64_t)(uintptr_t)(hbuf + 3);
	a.out_len = 2 * sizeof(struct rvx_vec_hit);
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_EINVAL);
}

static struct nk_world W2;
static alignas(64) uint8_t bigmem[2][131072];
static uint8_t ck_a[1u << 20], ck_b[1u << 20];
static float bigvec[RVX_KERNEL_VEC_DIM_MAX];

/* A vector store of the largest dimension the kernel accepts, in @p w. */
static rvx_handle_t make_big(struct nk_world *w, uint8_t *mem)
{
	struct rvx_vec_config vc;
	struct rvx_proof_policy pol;
	rvx_handle_t cap;
	size_t need;

	rvx_vec_config_default(&vc, RVX_KERNEL_VEC_DIM_MAX, 2, RVX_VEC_METRIC_COSINE);
	cr_assert_eq(rvx_vec_store_size(&vc, &need), 0);
	cr_assert_leq(need, sizeof(bigmem[0]));
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(rvx_kernel_vector_store_create(&w->k, 0, &vc, mem, sizeof(bigmem[0]), &pol,
						    RVX_RIGHTS_ALL, &cap), 0);
	return cap;
}

Test(nucleus_store, largest_store_is_writable_and_replays)
{
	struct rvx_syscall_args a = nk_args(0);
	uint8_t pl[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(RVX_KERNEL_VEC_DIM_MAX)];
	struct rvx_witness_head head1, head2;
	uint8_t h_mid[32], h1[32], h2[32];
	size_t n_mid, n1, n2;
	uint64_t seq_mid, replayed;
	rvx_handle_t big = make_big(&W, bigmem[0]);

	for (uint32_t i = 0; i < RVX_KERNEL_VEC_DIM_MAX; i++)
		bigvec[i] = (float)(i % 17) * 0.25f - 1.0f;
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck_a, sizeof(ck_a), &n_mid, h_mid), 0);
	seq_mid = W.k.log.sequence;
	a.cap = big.raw;
	a.arg[0] = 1;
	a.arg[1] = RVX_VEC_COHERENCE_ONE / 2u;
	a.in = (uint64_t)(uintptr_t)bigvec;
	a.in_len = sizeof(bigvec);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	cr_assert_eq(rvx_syscall_vector_put_payload((uint32_t)a.arg[1], bigvec,
						    RVX_KERNEL_VEC_DIM_MAX, pl, sizeof(pl)),
		     (long)sizeof(pl));
	nk_proof(&tok, 0, big, RVX_SYS_VECTOR_PUT_PROVED, nk_target(0, big), 1, pl, sizeof(pl),
		 ++nonce);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_VECTOR_PUT);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck_b, sizeof(ck_b), &n1, h1), 0);
	rvx_kernel_witness_head(&W.k, &head1);
	/* before: a second kernel with the same stores, restored before the put */
	nk_setup_world(&W2);
	(void)make_big(&W2, bigmem[1]);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck_a, n_mid), 0);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq_mid, NULL, 0, NULL, NULL,
				       &replayed), 0);
	/* after: the same state hash and chain head */
	cr_assert_eq(replayed, 1);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck_a, sizeof(ck_a), &n2, h2), 0);
	cr_assert_eq(n2, n1);
	cr_assert(memcmp(h1, h2, 32) == 0, "state hash differs after replay");
	rvx_kernel_witness_head(&W2.k, &head2);
	cr_assert(memcmp(&head1, &head2, sizeof(head1)) == 0, "chain head differs");
}

Test(nucleus_store, every_dimension_the_library_takes_is_writable)
{
	struct rvx_vec_config vc;
	struct rvx_proof_policy pol;
	rvx_handle_t cap = RVX_HANDLE_NULL;

	/* the kernel's limit is the library's: no store is made unwritable */
	cr_assert_eq(RVX_KERNEL_VEC_DIM_MAX, RVX_VEC_DIM_MAX);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	rvx_vec_config_default(&vc, RVX_VEC_DIM_MAX + 1u, 1, RVX_VEC_METRIC_L2);
	nk_snap();
	cr_assert_lt(rvx_kernel_vector_store_create(&W.k, 0, &vc, bigmem[0], sizeof(bigmem[0]),
						    &pol, RVX_RIGHTS_ALL, &cap),
		     0);
	cr_assert(nk_unchanged());
}

/* before: a journal whose last entry is a proved put of the largest vector
 * (about 16 KiB). after: cut anywhere inside that entry, loading keeps the
 * entries before it and reports the torn tail; the whole one loads. */
Test(nucleus_store, torn_large_entry_is_detected)
{
	static uint8_t copy[sizeof(W.journal)];
	struct rvx_syscall_args a = nk_args(0);
	uint8_t pl[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(RVX_KERNEL_VEC_DIM_MAX)];
	struct rvx_witness_journal j;
	rvx_handle_t big = make_big(&W, bigmem[0]);
	size_t before, after, valid;

	for (uint32_t i = 0; i < RVX_KERNEL_VEC_DIM_MAX; i++)
		bigvec[i] = (float)(i % 5) - 2.0f;
	a.cap = big.raw;
	a.arg[0] = 3;
	a.in = (uint64_t)(uintptr_t)bigvec;
	a.in_len = sizeof(bigvec);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	cr_assert_eq(rvx_syscall_vector_put_payload(0, bigvec, RVX_KERNEL_VEC_DIM_MAX, pl,
						    sizeof(pl)),
		     (long)sizeof(pl));
	nk_proof(&tok, 0, big, RVX_SYS_VECTOR_PUT_PROVED, nk_target(0, big), 3, pl, sizeof(pl),
		 ++nonce);
	before = W.k.journal.used;
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	after = W.k.journal.used;
	cr_assert_gt(after - before, sizeof(bigvec), "the vector is in the entry");
	memcpy(copy, W.k.journal.base, after);
	for (size_t cut = before + 1; cut < after; cut += 997) {
		cr_assert_eq(rvx_witness_journal_load(&j, copy, sizeof(copy), cut, &valid),
			     -RVX_EBADDESC);
		cr_assert_eq(valid, before, "cut at %zu", cut);
	}
	/* a flipped byte inside the vector is caught by the frame digest */
	copy[before + (after - before) / 2] ^= 1u;
	cr_assert_eq(rvx_witness_journal_load(&j, copy, sizeof(copy), after, &valid),
		     -RVX_EBADDESC);
	cr_assert_eq(valid, before);
	copy[before + (after - before) / 2] ^= 1u;
	cr_assert_eq(rvx_witness_journal_load(&j, copy, sizeof(copy), after, &valid), 0);
	cr_assert_eq(valid, after);
}
