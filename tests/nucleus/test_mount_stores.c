/* SPDX-License-Identifier: Apache-2.0 */
/* RvfMount applies the whole manifest: vector and graph stores created in the
 * store pool with their seed data and proof policies, wired to the tasks;
 * the witness policy's log minimum and checkpoint request. Refusals (no
 * room, seeds the stores' rules refuse, a log the kernel does not keep)
 * change nothing; checkpoints carry mounted stores to a fresh kernel, and a
 * replayed journal re-mounts them identically. */
#include <bearssl.h>

#include "nk_fixture.h"

TestSuite(nucleus_mount_stores, .init = nk_setup);

static br_ec_private_key signer;
static uint8_t signer_kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
static uint8_t signer_pub[65];
static uint8_t pkg[32768];
static size_t pkg_len;

#define SEED_N 3u
static const uint64_t seed_keys[SEED_N] = {10, 20, 30};
static const float seed_vecs[SEED_N][NK_DIM] = {
	{1, 0, 0, 0},
	{0, 1, 0, 0},
	{0, 0, 5, 5},
};

static uint8_t vseed[RVX_RVF_SEED_HEADER_SIZE + SEED_N * (8 + 4 * NK_DIM)];
static uint8_t gseed[RVX_RVF_SEED_HEADER_SIZE + 5 * RVX_RVF_GRAPH_SEED_RECORD_SIZE];

static void keygen(void)
{
	br_hmac_drbg_context rng;
	br_ec_public_key pk;
	uint8_t pbuf[BR_EC_KBUF_PUB_MAX_SIZE];
	static const char seed[] = "nucleus mount stores signer";

	br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, strlen(seed));
	cr_assert(br_ec_keygen(&rng.vtable, &br_ec_p256_m31, &signer, signer_kbuf,
			       BR_EC_secp256r1) == 32);
	cr_assert(br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, &signer) == 65);
	memcpy(signer_pub, pk.q, 65);
	cr_assert_eq(rvx_kernel_trusted_keys_set(&W.k, signer_pub, 1), 0);
}

static void set_name(char *dst, const char *s)
{
	memset(dst, 0, RVX_RVF_NAME_SIZE);
	memcpy(dst, s, strlen(s));
}

/* The seed segments: three vectors; three nodes and two edges. */
static void seeds(void)
{
	uint8_t *p = vseed;
	struct rvx_graph_mutation mu;

	memset(vseed, 0, sizeof(vseed));
	memcpy(p, &(uint32_t){NK_DIM}, 4);
	memcpy(p + 4, &(uint32_t){SEED_N}, 4);
	p += RVX_RVF_SEED_HEADER_SIZE;
	for (uint32_t i = 0; i < SEED_N; i++, p += 8 + 4 * NK_DIM) {
		memcpy(p, &seed_keys[i], 8);
		memcpy(p + 8, seed_vecs[i], 4 * NK_DIM);
	}
	memset(gseed, 0, sizeof(gseed));
	memcpy(gseed, &(uint32_t){5}, 4);
	p = gseed + RVX_RVF_SEED_HEADER_SIZE;
	for (uint64_t n = 1; n <= 3; n++, p += RVX_RVF_GRAPH_SEED_RECORD_SIZE) {
		memset(&mu, 0, sizeof(mu));
		mu.kind = RVX_GRAPH_OP_ADD_NODE;
		mu.node = n * 100;
		mu.meta[0] = (uint8_t)n;
		cr_assert_eq(rvx_graph_mutation_encode(&mu, p), 0);
	}
	for (uint64_t e = 0; e < 2; e++, p += RVX_RVF_GRAPH_SEED_RECORD_SIZE) {
		memset(&mu, 0, sizeof(mu));
		mu.kind = RVX_GRAPH_OP_ADD_EDGE;
		mu.node = 100;
		mu.peer = 200 + 100 * e;
		mu.weight = (int32_t)(RVX_GRAPH_WEIGHT_ONE * (e + 1));
		cr_assert_eq(rvx_graph_mutation_encode(&mu, p), 0);
	}
}

/* One task with both stores; a vector store (segment 1 its seed) under a
 * Standard policy, a graph store (segment 2 its seed); a witness policy. */
static void manifest(struct rvx_rvf_manifest *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->name, "stores", 6);
	m->task_count = 1;
	set_name(m->tasks[0].name, "perceive");
	m->tasks[0].code_segment = RVX_RVF_NONE;
	m->tasks[0].entry = 1;
	m->tasks[0].flags = RVX_RVF_TASK_ENTRY_SYMBOL;
	m->tasks[0].stack_size = 4096;
	m->vector_count = 1;
	set_name(m->vectors[0].name, "emb");
	m->vectors[0].dim = NK_DIM;
	m->vectors[0].capacity = 16;
	m->vectors[0].metric = RVX_RVF_METRIC_L2;
	m->vectors[0].seed_segment = 1;
	m->vectors[0].hnsw_seed = 7;
	m->graph_count = 1;
	set_name(m->graphs[0].name, "kg");
	m->graphs[0].node_capacity = 8;
	m->graphs[0].edge_capacity = 8;
	m->graphs[0].seed_segment = 2;
	m->graphs[0].hash_seed = 3;
	m->wire_count = 2;
	m->wires[0] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_VECTOR, .object = 0,
					    .rights = RVX_RIGHT_READ | RVX_RIGHT_WRITE |
						      RVX_RIGHT_PROVE};
	m->wires[1] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_GRAPH, .object = 0,
					    .rights = RVX_RIGHT_READ | RVX_RIGHT_WRITE |
						      RVX_RIGHT_PROVE};
	m->policy_count = 1;
	m->policies[0] = (struct rvx_rvf_proof_policy){.kind = RVX_RVF_WIRE_VECTOR,
						       .tier = RVX_PROOF_TIER_STANDARD,
						       .max_payload = 4096, .key_lo = 0,
						       .key_hi = 1000,
						       .authority = RVX_RVF_NONE};
	m->has_witness_policy = 1;
	m->witness.flags = RVX_RVF_WITNESS_MUTATIONS | RVX_RVF_WITNESS_CAPS;
	m->witness.checkpoint_every = 64;
	m->witness.log_records = 256;
}

static size_t build(const struct rvx_rvf_manifest *m)
{
	static uint8_t seg[3][2048];
	struct rvx_rvf_input in[5];
	uint8_t id[8], digest[32], sig[64];
	size_t l0, l1, l2, len;

	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, m, NULL, seg[0], sizeof(seg[0]),
					    &l0), 0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_PROOF_POLICY, m, NULL, seg[1],
					    sizeof(seg[1]), &l1), 0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_WITNESS_POLICY, m, NULL, seg[2],
					    sizeof(seg[2]), &l2), 0);
	in[0] = (struct rvx_rvf_input){RVX_RVF_SEG_MANIFEST, seg[0], l0};
	in[1] = (struct rvx_rvf_input){RVX_RVF_SEG_VECTOR_SEED, vseed, sizeof(vseed)};
	in[2] = (struct rvx_rvf_input){RVX_RVF_SEG_GRAPH_SEED, gseed, sizeof(gseed)};
	in[3] = (struct rvx_rvf_input){RVX_RVF_SEG_PROOF_POLICY, seg[1], l1};
	in[4] = (struct rvx_rvf_input){RVX_RVF_SEG_WITNESS_POLICY, seg[2], l2};
	rvx_rvf_key_id(signer_pub, id);
	cr_assert_eq(rvx_rvf_build(in, 5, id, pkg, sizeof(pkg), &len, digest), 0);
	cr_assert(br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, digest, &signer,
					sig) == 64);
	cr_assert_eq(rvx_rvf_attach_signature(pkg, len, sig), 0);
	pkg_len = len;
	return len;
}

static uint32_t ids[2];

static struct rvx_syscall_args mount_args(size_t len)
{
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	a.in = (uint64_t)(uintptr_t)pkg;
	a.in_len = len;
	a.out = (uint64_t)(uintptr_t)ids;
	a.out_len = sizeof(ids);
	return a;
}

/* Mount the standard package; the task's store capabilities. */
static uint32_t mount(rvx_handle_t *vcap, rvx_handle_t *gcap)
{
	struct rvx_rvf_manifest m;
	struct rvx_syscall_args a;
	struct rvx_cap_info info;

	keygen();
	seeds();
	manifest(&m);
	a = mount_args(build(&m));
	NK_OK(0, RVX_SYS_RVF_MOUNT, a);
	cr_assert_eq(rvx_cap_slot_info(&W.k.caps, ids[0], 0, &info), 0);
	cr_assert_eq(info.type, RVX_OBJ_VECTOR_STORE);
	*vcap = info.handle;
	cr_assert_eq(rvx_cap_slot_info(&W.k.caps, ids[0], 1, &info), 0);
	cr_assert_eq(info.type, RVX_OBJ_GRAPH_STORE);
	*gcap = info.handle;
	return ids[0];
}

/* A put by @p task through @p cap, proved with the capability's own key at
 * @p tier (CapGrant with RVX_SYSCALL_F_PROVE_KEY, HMAC here). */
static int proved_put(struct nk_world *w, uint32_t task, rvx_handle_t cap, uint64_t key,
		      const float *vec, uint8_t tier)
{
	struct rvx_syscall_prove_key pk;
	struct rvx_syscall_args a = nk_args(cap.raw);
	struct rvx_syscall_result r;
	struct rvx_proof_token t;
	struct rvx_proof_issuer is;
	uint8_t pl[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(NK_DIM)], msg[RVX_PROOF_SIGNED_SIZE];
	struct rvx_proof_mutation mu;
	br_hmac_key_context kc;
	br_hmac_context hc;
	size_t n;
	int ret;

	a.flags = RVX_SYSCALL_F_PROVE_KEY;
	a.out = (uint64_t)(uintptr_t)&pk;
	a.out_len = sizeof(pk);
	ret = rvx_syscall(&w->k, task, RVX_SYS_CAP_GRANT, &a, &r);
	if (ret != 0)
		return ret;
	cr_assert_eq(rvx_syscall_vector_put_payload(RVX_VEC_COHERENCE_ONE, vec, NK_DIM, pl,
						    sizeof(pl)),
		     (long)sizeof(pl));
	mu = (struct rvx_proof_mutation){RVX_SYS_VECTOR_PUT_PROVED, pk.target, key, pl,
					 sizeof(pl)};
	memset(&t, 0, sizeof(t));
	t.version = RVX_PROOF_VERSION;
	t.tier = tier;
	t.issuer = pk.issuer;
	t.target = pk.target;
	t.nonce = pk.next_nonce;
	t.expiry_ns = w->k.now + 1000000;
	cr_assert_eq(rvx_proof_mutation_hash(&mu, t.mutation_hash), 0);
	memset(&is, 0, sizeof(is));
	is.id = pk.issuer;
	is.badge = pk.badge;
	is.object = pk.object;
	is.epoch = pk.epoch;
	n = rvx_proof_mac_input(&t, &is, t.mutation_hash, msg);
	br_hmac_key_init(&kc, &br_sha256_vtable, pk.key, sizeof(pk.key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, n);
	br_hmac_out(&hc, t.tag);
	a = nk_args(cap.raw);
	a.arg[0] = key;
	a.arg[1] = RVX_VEC_COHERENCE_ONE;
	a.in = (uint64_t)(uintptr_t)vec;
	a.in_len = NK_DIM * sizeof(float);
	a.aux = (uint64_t)(uintptr_t)&t;
	a.aux_len = sizeof(t);
	return rvx_syscall(&w->k, task, RVX_SYS_VECTOR_PUT_PROVED, &a, &r);
}

static int vget(struct nk_world *w, uint32_t task, rvx_handle_t cap, uint64_t key, float *out)
{
	struct rvx_syscall_args a = nk_args(cap.raw);
	struct rvx_syscall_result r;

	a.arg[0] = key;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = NK_DIM * sizeof(float);
	return rvx_syscall(&w->k, task, RVX_SYS_VECTOR_GET, &a, &r);
}

Test(nucleus_mount_stores, mount_creates_seeded_stores_under_their_policy)
{
	struct rvx_kernel_stats before, after;
	struct rvx_graph_node_info node;
	struct rvx_cap_info info;
	struct rvx_vec_hit hits[2];
	rvx_handle_t vcap, gcap;
	const float q[NK_DIM] = {0, 0, 4, 6}, v[NK_DIM] = {2, 2, 2, 2};
	float out[NK_DIM];
	int32_t weight;
	uint32_t t;

	cr_assert_eq(rvx_kernel_stats(&W.k, &before), 0);
	cr_assert_eq(rvx_kernel_checkpoint_every(&W.k), 0);
	t = mount(&vcap, &gcap);
	cr_assert_eq(rvx_kernel_stats(&W.k, &after), 0);
	cr_assert_eq(after.vstores, before.vstores + 1);
	cr_assert_eq(after.gstores, before.gstores + 1);
	cr_assert_eq(W.k.mounts[nk_res.value[1]].vector_count, 1);
	cr_assert_eq(W.k.mounts[nk_res.value[1]].graph_count, 1);
	cr_assert(W.k.store_pool_used > 0);
	/* the witness policy's checkpoint request */
	cr_assert_eq(rvx_kernel_checkpoint_every(&W.k), 64);
	/* the wired task reads the seeded vectors with its own capability */
	for (uint32_t i = 0; i < SEED_N; i++) {
		cr_assert_eq(vget(&W, t, vcap, seed_keys[i], out), 0);
		cr_assert(memcmp(out, seed_vecs[i], sizeof(out)) == 0);
	}
	cr_assert_eq(vget(&W, t, vcap, 11, out), -RVX_ENOENT);
	/* and queries them */
	{
		struct rvx_syscall_args a = nk_args(vcap.raw);

		a.flags = RVX_SYSCALL_F_QUERY;
		a.arg[0] = 2;
		a.arg[1] = 16;
		a.in = (uint64_t)(uintptr_t)q;
		a.in_len = sizeof(q);
		a.out = (uint64_t)(uintptr_t)hits;
		a.out_len = sizeof(hits);
		NK_OK(t, RVX_SYS_VECTOR_GET, a);
		cr_assert_eq(nk_res.value[0], 2);
		cr_assert_eq(hits[0].key, 30);
	}
	/* the graph seed: three nodes, two weighted edges */
	cr_assert_eq(rvx_cap_lookup(&W.k.caps, t, gcap, &info), 0);
	cr_assert_eq(rvx_graph_node_get(&W.k.gstores[info.object_ref].graph, 200, &node), 0);
	cr_assert_eq(rvx_graph_edge_get(&W.k.gstores[info.object_ref].graph, 100, 300, &weight),
		     0);
	cr_assert_eq(weight, 2 * RVX_GRAPH_WEIGHT_ONE);
	cr_assert_eq(rvx_graph_edge_get(&W.k.gstores[info.object_ref].graph, 200, 300, &weight),
		     -RVX_ENOENT);
	/* the mounted policy: Standard tier, keys 0..1000 */
	cr_assert_eq(proved_put(&W, t, vcap, 40, v, RVX_PROOF_TIER_REFLEX), -RVX_EPROOF);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_TIER);
	cr_assert_eq(proved_put(&W, t, vcap, 4000, v, RVX_PROOF_TIER_STANDARD), -RVX_EPROOF);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_POLICY_KEY);
	cr_assert_eq(proved_put(&W, t, vcap, 40, v, RVX_PROOF_TIER_STANDARD), 0);
	cr_assert_eq(vget(&W, t, vcap, 40, out), 0);
	cr_assert(memcmp(out, v, sizeof(v)) == 0);
}

Test(nucleus_mount_stores, refusals_change_nothing)
{
	struct rvx_rvf_manifest m;
	struct rvx_syscall_args a;
	uint8_t *rec = vseed + RVX_RVF_SEED_HEADER_SIZE;
	float bad = __builtin_nanf("");

	keygen();
	seeds();
	/* the store pool is too small for the store */
	manifest(&m);
	m.vectors[0].capacity = 4096;
	a = mount_args(build(&m));
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_ENOMEM);
	/* a seed vector the store's rule refuses (NaN) */
	manifest(&m);
	memcpy(rec + 8 + 4, &bad, 4);
	a = mount_args(build(&m));
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EMANIFEST);
	seeds();
	/* an HNSW parameter the store refuses */
	manifest(&m);
	m.vectors[0].m = 1000;
	a = mount_args(build(&m));
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EMANIFEST);
	/* a graph seed record that is not canonical (meta on an edge) */
	manifest(&m);
	gseed[RVX_RVF_SEED_HEADER_SIZE + 3 * RVX_RVF_GRAPH_SEED_RECORD_SIZE + 30] = 1;
	a = mount_args(build(&m));
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EMANIFEST);
	seeds();
	/* more log than the kernel keeps (its ring holds 512 records) */
	manifest(&m);
	m.witness.log_records = 513;
	a = mount_args(build(&m));
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EMANIFEST);
	/* exactly what it keeps is fine */
	manifest(&m);
	m.witness.log_records = 512;
	a = mount_args(build(&m));
	NK_OK(0, RVX_SYS_RVF_MOUNT, a);
}

Test(nucleus_mount_stores, second_store_fails_all_or_nothing)
{
	struct rvx_rvf_manifest m;
	struct rvx_syscall_args a;

	keygen();
	seeds();
	/* a second vector store that does not fit: neither is created */
	manifest(&m);
	m.vector_count = 2;
	m.vectors[1] = m.vectors[0];
	set_name(m.vectors[1].name, "big");
	m.vectors[1].seed_segment = RVX_RVF_NONE;
	m.vectors[1].capacity = 2048;
	a = mount_args(build(&m));
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_ENOMEM);
	cr_assert_eq(W.k.store_pool_used, 0);
}

static uint8_t ck0[1u << 20], ck1[1u << 20], ck2[1u << 20];
static struct nk_world W2;

Test(nucleus_mount_stores, a_checkpoint_carries_mounted_stores_to_a_fresh_kernel)
{
	rvx_handle_t vcap, gcap;
	const float v[NK_DIM] = {3, 3, 3, 3};
	float out[NK_DIM];
	uint8_t h1[32], h2[32];
	size_t n0, n1, n2;
	uint32_t t;

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck0, sizeof(ck0), &n0, NULL), 0);
	t = mount(&vcap, &gcap);
	cr_assert_eq(proved_put(&W, t, vcap, 50, v, RVX_PROOF_TIER_STANDARD), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, h1), 0);
	/* a fresh kernel that never mounted the package takes the checkpoint */
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck1, n1), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert_eq(n2, n1);
	cr_assert(memcmp(h1, h2, 32) == 0, "state hash differs after restore");
	cr_assert_eq(vget(&W2, t, vcap, 50, out), 0);
	cr_assert(memcmp(out, v, sizeof(v)) == 0);
	cr_assert_eq(vget(&W2, t, vcap, 20, out), 0);
	cr_assert(memcmp(out, seed_vecs[1], sizeof(out)) == 0);
	/* both go on identically */
	cr_assert_eq(proved_put(&W, t, vcap, 60, seed_vecs[2], RVX_PROOF_TIER_STANDARD), 0);
	cr_assert_eq(proved_put(&W2, t, vcap, 60, seed_vecs[2], RVX_PROOF_TIER_STANDARD), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, h1), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert(memcmp(h1, h2, 32) == 0, "state hash differs after the same put");
	/* the kernel that mounted goes back to before the mount: the stores go
	 * (the checkpoint is the older one's but for the issuers' nonce
	 * windows, which a restore keeps as floors) */
	cr_assert_eq(rvx_kernel_restore(&W.k, ck0, n0), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert_eq(n2, n0);
	cr_assert_eq(W.k.store_pool_used, 0);
	for (uint32_t i = 0; i < RVX_KERNEL_VECTOR_STORES; i++)
		cr_assert(!W.k.vstores[i].live || W.k.vstores[i].pool_size == 0);
	for (uint32_t i = 0; i < RVX_KERNEL_GRAPH_STORES; i++)
		cr_assert(!W.k.gstores[i].live || W.k.gstores[i].pool_size == 0);
	cr_assert_neq(vget(&W, t, vcap, 50, out), 0);
}

Test(nucleus_mount_stores, a_forged_pool_range_is_refused)
{
	rvx_handle_t vcap, gcap;
	size_t n1, off = 0;
	uint64_t size;

	(void)mount(&vcap, &gcap);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, NULL), 0);
	/* the graph store's pool range made to overlap the vector store's */
	for (uint32_t i = 0; i < RVX_KERNEL_GRAPH_STORES; i++) {
		if (W.k.gstores[i].live && W.k.gstores[i].pool_size != 0) {
			off = (size_t)((const uint8_t *)&W.k.gstores[i].pool_base - (const uint8_t *)&W.k);
			break;
		}
	}
	nk_setup_world(&W2);
	/* as written, it restores */
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck1, n1), 0);
	nk_setup_world(&W2);
	{
		/* the checkpoint section starts after lib/witness's headers: find
		 * the kernel image by the pool base value */
		uint64_t want;
		size_t at = 0;

		memcpy(&want, (const uint8_t *)&W.k + off, 8);
		memcpy(&size, (const uint8_t *)&W.k + off + 8, 8);
		for (size_t i = 0; i + 16 <= n1; i++) {
			if (memcmp(ck1 + i, &want, 8) == 0 && memcmp(ck1 + i + 8, &size, 8) == 0) {
				at = i;
				break;
			}
		}
		cr_assert_neq(off, 0);
		cr_assert_neq(at, 0);
		memset(ck1 + at, 0, 8); /* base 0: the vector store's bytes */
	}
	nk_ckpt_reseal(ck1, n1, true);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck1, n1), -RVX_EINVAL);
}

/* An attestation by @p task through @p cap, proved with its own key at
 * @p tier; *tier_out (if not NULL) gets the tier the key reports. */
static int proved_attest(struct nk_world *w, uint32_t task, rvx_handle_t cap, uint64_t key,
			 uint8_t tier, uint32_t *tier_out)
{
	static const uint8_t note[] = "observed";
	struct rvx_syscall_prove_key pk;
	struct rvx_syscall_args a = nk_args(cap.raw);
	struct rvx_syscall_result r;
	struct rvx_proof_token t;
	struct rvx_proof_issuer is;
	struct rvx_proof_mutation mu;
	uint8_t msg[RVX_PROOF_SIGNED_SIZE];
	br_hmac_key_context kc;
	br_hmac_context hc;
	size_t n;
	int ret;

	a.flags = RVX_SYSCALL_F_PROVE_KEY;
	a.out = (uint64_t)(uintptr_t)&pk;
	a.out_len = sizeof(pk);
	ret = rvx_syscall(&w->k, task, RVX_SYS_CAP_GRANT, &a, &r);
	if (ret != 0)
		return ret;
	if (tier_out != NULL)
		*tier_out = pk.tier;
	mu = (struct rvx_proof_mutation){RVX_SYS_ATTEST_EMIT, pk.target, key, note, sizeof(note)};
	memset(&t, 0, sizeof(t));
	t.version = RVX_PROOF_VERSION;
	t.tier = tier;
	t.issuer = pk.issuer;
	t.target = pk.target;
	t.nonce = pk.next_nonce;
	t.expiry_ns = w->k.now + 1000000;
	cr_assert_eq(rvx_proof_mutation_hash(&mu, t.mutation_hash), 0);
	memset(&is, 0, sizeof(is));
	is.id = pk.issuer;
	is.badge = pk.badge;
	is.object = pk.object;
	is.epoch = pk.epoch;
	n = rvx_proof_mac_input(&t, &is, t.mutation_hash, msg);
	br_hmac_key_init(&kc, &br_sha256_vtable, pk.key, sizeof(pk.key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, n);
	br_hmac_out(&hc, t.tag);
	a = nk_args(cap.raw);
	a.arg[0] = key;
	a.in = (uint64_t)(uintptr_t)note;
	a.in_len = sizeof(note);
	a.aux = (uint64_t)(uintptr_t)&t;
	a.aux_len = sizeof(t);
	return rvx_syscall(&w->k, task, RVX_SYS_ATTEST_EMIT, &a, &r);
}

Test(nucleus_mount_stores, region_and_queue_policies_govern_their_attestations)
{
	struct rvx_rvf_manifest m;
	struct rvx_syscall_args a;
	struct rvx_cap_info info;
	rvx_handle_t rcap, qcap;
	uint32_t t, tier = 0;
	size_t n1;

	keygen();
	seeds();
	manifest(&m);
	m.region_count = 1;
	set_name(m.regions[0].name, "notes");
	m.regions[0].policy = RVX_REGION_POLICY_APPEND_ONLY;
	m.regions[0].init_segment = RVX_RVF_NONE;
	m.regions[0].size = 64;
	m.queue_count = 1;
	set_name(m.queues[0].name, "events");
	m.queues[0].slot_count = 4;
	m.queues[0].max_payload = 16;
	m.wires[2] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_REGION, .object = 0,
					   .rights = RVX_RIGHT_READ | RVX_RIGHT_PROVE};
	m.wires[3] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_QUEUE, .object = 0,
					   .rights = RVX_RIGHT_WRITE | RVX_RIGHT_PROVE};
	m.wire_count = 4;
	m.policies[1] = (struct rvx_rvf_proof_policy){.kind = RVX_RVF_WIRE_REGION,
						      .tier = RVX_PROOF_TIER_STANDARD,
						      .max_payload = 64, .key_hi = UINT64_MAX,
						      .authority = RVX_RVF_NONE};
	m.policies[2] = (struct rvx_rvf_proof_policy){.kind = RVX_RVF_WIRE_QUEUE,
						      .tier = RVX_PROOF_TIER_REFLEX,
						      .max_payload = 64, .key_lo = 0, .key_hi = 10,
						      .authority = RVX_RVF_NONE};
	m.policy_count = 3;
	a = mount_args(build(&m));
	NK_OK(0, RVX_SYS_RVF_MOUNT, a);
	t = ids[0];
	cr_assert_eq(rvx_cap_slot_info(&W.k.caps, t, 2, &info), 0);
	cr_assert_eq(info.type, RVX_OBJ_REGION);
	rcap = info.handle;
	cr_assert_eq(rvx_cap_slot_info(&W.k.caps, t, 3, &info), 0);
	cr_assert_eq(info.type, RVX_OBJ_QUEUE);
	qcap = info.handle;
	/* the region's policy demands Standard; its key says so */
	cr_assert_eq(proved_attest(&W, t, rcap, 1, RVX_PROOF_TIER_REFLEX, &tier), -RVX_EPROOF);
	cr_assert_eq(tier, RVX_PROOF_TIER_STANDARD);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_TIER);
	cr_assert_eq(proved_attest(&W, t, rcap, 1, RVX_PROOF_TIER_STANDARD, NULL), 0);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_ATTEST);
	/* the queue's policy: keys 0..10 */
	cr_assert_eq(proved_attest(&W, t, qcap, 11, RVX_PROOF_TIER_REFLEX, &tier), -RVX_EPROOF);
	cr_assert_eq(tier, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(nk_last_reject_reason(), RVX_PROOF_REJECT_POLICY_KEY);
	cr_assert_eq(proved_attest(&W, t, qcap, 10, RVX_PROOF_TIER_REFLEX, NULL), 0);
	/* objects without a manifest policy keep the attestation policy */
	cr_assert_eq(proved_attest(&W, 0, nk_queue, 11, RVX_PROOF_TIER_REFLEX, NULL), 0);
	/* the policies travel with a checkpoint */
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, NULL), 0);
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck1, n1), 0);
	cr_assert_eq(proved_attest(&W2, t, rcap, 2, RVX_PROOF_TIER_REFLEX, NULL), -RVX_EPROOF);
	cr_assert_eq(proved_attest(&W2, t, rcap, 2, RVX_PROOF_TIER_STANDARD, NULL), 0);
}

static int supply(void *ctx, const uint8_t hash[32], const uint8_t **p, size_t *len)
{
	struct rvx_rvf_package view;

	(void)ctx;
	cr_assert_eq(rvx_rvf_inspect(pkg, pkg_len, &view, NULL), 0);
	if (memcmp(view.package_hash, hash, 32) != 0)
		return -RVX_ENOENT;
	*p = pkg;
	*len = pkg_len;
	return 0;
}

Test(nucleus_mount_stores, replay_remounts_the_stores_identically)
{
	struct rvx_witness_head h1, h2;
	rvx_handle_t vcap, gcap;
	const float v[NK_DIM] = {-1, 2, -3, 4};
	uint64_t seq0, replayed;
	uint8_t s1[32], s2[32];
	size_t n0, n1, n2;
	uint32_t t;

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck0, sizeof(ck0), &n0, NULL), 0);
	seq0 = W.k.log.sequence;
	t = mount(&vcap, &gcap);
	cr_assert_eq(proved_put(&W, t, vcap, 70, v, RVX_PROOF_TIER_STANDARD), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, s1), 0);
	rvx_kernel_witness_head(&W.k, &h1);
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_trusted_keys_set(&W2.k, signer_pub, 1), 0);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck0, n0), 0);
	/* without the package the mount cannot be replayed */
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq0, ck0, n0, NULL, NULL, &replayed),
		     -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq0, ck0, n0, supply, NULL,
				       &replayed), 0);
	cr_assert_eq(replayed, W.k.log.sequence - seq0);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, s2), 0);
	rvx_kernel_witness_head(&W2.k, &h2);
	cr_assert_eq(n2, n1);
	cr_assert(memcmp(s1, s2, 32) == 0, "state hash differs after replay");
	cr_assert(memcmp(&h1, &h2, sizeof(h1)) == 0, "chain head differs after replay");
}
