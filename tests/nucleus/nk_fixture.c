/* SPDX-License-Identifier: Apache-2.0 */
#include "nk_fixture.h"

#include <bearssl.h>

struct nk_world W;
static struct nk_world snap;
struct rvx_kernel_root nk_root;
rvx_handle_t nk_queue, nk_vstore, nk_gstore, nk_sensor_cap;
uint32_t nk_sensor;
struct rvx_syscall_result nk_res;

static const uint8_t secret[32] = "nucleus test kernel secret 32 b";

static void auth_keygen(void);

void nk_setup(void)
{
	nk_setup_world(&W);
}

void nk_setup_world(struct nk_world *w)
{
	nk_setup_world_secret(w, secret, sizeof(secret));
}

void nk_ckpt_reseal(uint8_t *ck, size_t n, bool mac)
{
	static const char label[] = "ruvix.ckpt.v1";
	uint32_t flags;
	size_t end;
	br_sha256_context sc;
	br_hmac_key_context kc;
	br_hmac_context hc;
	uint8_t key[32];

	memcpy(&flags, ck + 12, 4);
	end = n - 32u - ((flags & 1u) ? 32u : 0u);
	br_sha256_init(&sc);
	br_sha256_update(&sc, ck, end);
	br_sha256_out(&sc, ck + end);
	if (!(flags & 1u) || !mac)
		return;
	br_hmac_key_init(&kc, &br_sha256_vtable, secret, sizeof(secret));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, label, sizeof(label) - 1u);
	br_hmac_out(&hc, key);
	br_hmac_key_init(&kc, &br_sha256_vtable, key, sizeof(key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, ck, end + 32u);
	br_hmac_out(&hc, ck + end + 32u);
}

void nk_setup_world_secret(struct nk_world *w, const uint8_t *key, size_t key_len)
{
	struct rvx_kernel_config cfg;
	struct rvx_vec_config vc;
	struct rvx_graph_config gc = {16, 32, 0, 0, 7};
	struct rvx_proof_policy pol;

	memset(w, 0, sizeof(*w));
	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = w->region_pool;
	cfg.region_pool_size = sizeof(w->region_pool);
	cfg.queue_pool = w->queue_pool;
	cfg.queue_pool_size = sizeof(w->queue_pool);
	cfg.journal = w->journal;
	cfg.journal_size = sizeof(w->journal);
	cfg.witness_ring = w->ring;
	cfg.witness_records = 512;
	cfg.cpu_count = nk_cpus;
	cfg.vec_scratch = w->scratch;
	cfg.vec_scratch_size = sizeof(w->scratch);
	cfg.vec_scratch_capacity = NK_VCAP;
	cfg.vec_scratch_ef = 32;
	cfg.period_ns = 1000000;
	cfg.store_pool = w->store_pool;
	cfg.store_pool_size = sizeof(w->store_pool);
	cr_assert(RVX_VEC_SCRATCH_BYTES(NK_VCAP, 32) <= sizeof(w->scratch));
	cr_assert_eq(rvx_kernel_boot(&w->k, &cfg, key, key_len, NK_NOW, &nk_root), 0);
	cr_assert_eq(rvx_kernel_queue_create(&w->k, 0, 4, 64, RVX_RIGHTS_ALL, &nk_queue), 0);
	rvx_vec_config_default(&vc, NK_DIM, NK_VCAP, RVX_VEC_METRIC_L2);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(rvx_kernel_vector_store_create(&w->k, 0, &vc, w->vmem, sizeof(w->vmem), &pol,
						    RVX_RIGHTS_ALL, &nk_vstore), 0);
	cr_assert_eq(rvx_kernel_graph_store_create(&w->k, 0, &gc, w->gmem, sizeof(w->gmem), &pol,
						   RVX_RIGHTS_ALL, &nk_gstore), 0);
	cr_assert_eq(rvx_kernel_sensor_register(&w->k, 0, 77, RVX_RIGHTS_ALL, &nk_sensor,
						&nk_sensor_cap), 0);
	auth_keygen();
}

struct rvx_syscall_args nk_args(uint64_t cap)
{
	struct rvx_syscall_args a;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = cap;
	return a;
}

int nk_call(uint32_t task, uint32_t nr, const struct rvx_syscall_args *a)
{
	memset(&nk_res, 0xAA, sizeof(nk_res));
	return rvx_syscall(&W.k, task, nr, a, &nk_res);
}

uint32_t nk_cpus = 1;

void nk_snap(void)
{
	memcpy(&snap, &W, sizeof(W));
}

bool nk_unchanged(void)
{
	return memcmp(&snap, &W, sizeof(W)) == 0;
}

uint64_t nk_records(void)
{
	return W.k.log.sequence;
}

uint16_t nk_last_kind(void)
{
	struct rvx_witness_record rec;
	uint32_t n = W.k.ring.count;

	cr_assert(n > 0);
	rvx_witness_record_decode(rvx_witness_ring_at(&W.k.ring, n - 1), &rec);
	return rec.kind;
}

uint64_t nk_target(uint32_t task, rvx_handle_t cap)
{
	uint64_t object = 0;

	cr_assert_eq(rvx_test_cap_object(&W.k, task, cap, &object), 0);
	return object;
}

void nk_proof(struct rvx_proof_token *t, uint32_t task, rvx_handle_t issuer, uint32_t nr,
	      uint64_t target, uint64_t key, const void *payload, size_t len, uint64_t nonce)
{
	struct rvx_proof_mutation m = {nr, target, key, payload, len};

	cr_assert_eq(rvx_test_mint_reflex(&W.k, task, issuer, &m, nonce, W.k.now + 1000000, t), 0);
}

void nk_proof_put(struct rvx_proof_token *t, uint32_t task, rvx_handle_t issuer, uint64_t target,
		  uint64_t key, const float *vec, uint32_t coherence, uint64_t nonce)
{
	struct rvx_test_put put = {target, key, vec, NK_DIM, coherence};

	cr_assert_eq(rvx_test_mint_put(&W.k, task, issuer, &put, nonce, W.k.now + 1000000, t), 0);
}

uint32_t nk_spawn(const struct rvx_syscall_capxfer *x, uint32_t n, uint64_t *handles)
{
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	a.arg[0] = 0x1000;
	a.in = (uint64_t)(uintptr_t)x;
	a.in_len = n * sizeof(*x);
	a.out = (uint64_t)(uintptr_t)handles;
	a.out_len = n * 8u;
	NK_OK(0, RVX_SYS_TASK_SPAWN, a);
	return (uint32_t)nk_res.value[0];
}

uint32_t nk_last_reject_reason(void)
{
	struct rvx_witness_entry e, last;
	size_t cursor = 0;
	uint32_t reason;
	bool found = false;

	memset(&last, 0, sizeof(last));
	while (rvx_witness_journal_next(&W.k.journal, &cursor, &e) == 0) {
		if (e.record.kind == RVX_WITNESS_PROOF_REJECTED) {
			last = e;
			found = true;
		}
	}
	cr_assert(found, "no PROOF_REJECTED record in the journal");
	/* The record's own arguments end the payload before its journal tag:
	 * nr, reason, hash. */
	cr_assert(last.args_len >= 40 + RVX_KERNEL_JOURNAL_TAG_BYTES);
	last.args_len -= RVX_KERNEL_JOURNAL_TAG_BYTES;
	memcpy(&reason, last.args + last.args_len - 40 + 4, 4);
	return reason;
}

uint8_t nk_auth_pub[65];
static struct rvx_test_key auth;
static bool auth_ready;

static void auth_keygen(void)
{
	static const char seed[] = "nucleus test authority";

	if (auth_ready)
		return;
	cr_assert_eq(rvx_test_key_from_seed(&auth, seed, sizeof(seed) - 1), 0);
	memcpy(nk_auth_pub, auth.pub, 65);
	auth_ready = true;
}

void nk_proof_deep(struct rvx_proof_token *t, uint32_t task, rvx_handle_t issuer, uint32_t nr,
		   uint64_t target, uint64_t key, const void *payload, size_t len, uint64_t nonce)
{
	struct rvx_proof_mutation m = {nr, target, key, payload, len};

	cr_assert_eq(rvx_test_mint_deep(&W.k, task, issuer, &m, nonce, W.k.now + 1000000, &auth,
					t), 0);
}
