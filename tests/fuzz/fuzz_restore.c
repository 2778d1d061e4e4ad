/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Restore fuzzer: boots a kernel with a known secret, builds a rich state
 * (tasks, a blocked receiver with its wait timer, a queued message, a slab
 * and an append region, a subscription, vectors in three metrics with
 * deletes, graph nodes and edges), and takes one checkpoint. Each input
 * edits that checkpoint anywhere (kernel image, pools, store sections),
 * recomputes its SHA-256 trailer and its MAC under the known secret (as an
 * embedder that holds its own secret could), and restores it into the
 * booted kernel. Then:
 *   - refused: the result is -RVX_EINVAL and every byte of the world
 *     (kernel, pools, stores, journal, ring) is as before;
 *   - accepted: the stores pass their own verify, a checkpoint of the
 *     restored kernel restores again, and a sequence of every syscall kind
 *     from each task, ticks past every timer, sensor deliveries, picks and
 *     puts, epoch closes and task exits never crash (ASan and UBSan under
 *     libFuzzer) nor hit an RVX_CHECK.
 *
 * Input: 8-byte edits. Bytes 0..3: offset (little-endian), byte 4: mode,
 * bytes 5..7: value. mode bits 0-1: 0 xor a byte, 1 set a byte, 2 set a u32
 * to a small value, 3 set a u32 to 0xffffffff; bits 2-4 pick the range the
 * offset wraps into: the whole state, the kernel's tables, the pools, the
 * vector stores, the graph stores. The vectors and the graph are built
 * through the stores' own calls (not proved syscalls): the checkpoint only
 * needs state, and the syscall fuzzer covers the proved paths.
 *
 * Built as a libFuzzer target with clang; replay_main.c feeds the corpus to
 * the same function in every hosted build.
 */
#include <bearssl.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/nucleus.h"
#include "ruvix/witness_ckpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DIM 4u
#define VCAP 16u
#define NOW 1000000u
#define MAX_EDITS 64u

struct world {
	struct rvx_kernel k;
	alignas(64) uint8_t region_pool[8192];
	alignas(64) uint8_t queue_pool[16384];
	alignas(64) uint8_t journal[65536];
	alignas(64) uint8_t ring[256 * 64];
	alignas(64) uint8_t scratch[8192];
	alignas(64) uint8_t vmem[3][16384];
	alignas(64) uint8_t gmem[2][RVX_GRAPH_BYTES(16, 32)];
};

static struct world W, pristine;
static uint8_t ck0[1u << 21], ck[1u << 21];
static size_t ck_n;
static size_t ranges[6]; /* start of: tables, pools, vector states, graph states, end */
static const uint8_t secret[32] = "restore fuzzer kernel secret 32";
static uint8_t mac_key[32];
static rvx_handle_t root_task, root_clock, cq, cv[3], cg[2], cs, t1q, t1v;
static uint32_t sensor_index;

#define CHECK(cond, what)                                                        \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "restore fuzz invariant failed: %s (%s)\n", \
				#cond, what);                                    \
			abort();                                                 \
		}                                                                \
	} while (0)

static struct rvx_syscall_args args(uint64_t cap)
{
	struct rvx_syscall_args a;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = cap;
	return a;
}

static int call(uint32_t task, uint32_t nr, const struct rvx_syscall_args *a,
		struct rvx_syscall_result *r)
{
	return rvx_syscall(&W.k, task, nr, a, r);
}

/* The checkpoint's trailer and MAC again, as the kernel derives its key. */
static void reseal(uint8_t *c, size_t n)
{
	br_sha256_context sc;
	br_hmac_key_context kc;
	br_hmac_context hc;
	size_t end = n - 2u * 32u;

	br_sha256_init(&sc);
	br_sha256_update(&sc, c, end);
	br_sha256_out(&sc, c + end);
	br_hmac_key_init(&kc, &br_sha256_vtable, mac_key, sizeof(mac_key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, c, end + 32u);
	br_hmac_out(&hc, c + end + 32u);
}

static void build_vectors(void)
{
	for (uint32_t s = 0; s < 3; s++) {
		struct rvx_vec_store *vs = &W.k.vstores[s].store;

		for (uint64_t key = 1; key <= 12; key++) {
			float v[DIM] = {(float)key, (float)(key % 3) + 0.5f, 1.0f - (float)s,
					(float)(key * s) * 0.25f};

			CHECK(rvx_vec_store_put(vs, key * 7u, v, DIM) == 0, "vector put");
		}
		CHECK(rvx_vec_store_delete(vs, 3u * 7u) == 0, "vector delete");
		CHECK(rvx_vec_store_delete(vs, 8u * 7u) == 0, "vector delete");
		CHECK(rvx_vec_store_set_coherence(vs, 7u, RVX_VEC_COHERENCE_ONE) == 0, "coherence");
	}
	for (uint32_t s = 0; s < 2; s++) {
		struct rvx_graph *g = &W.k.gstores[s].graph;

		for (uint64_t n = 1; n <= 8; n++)
			CHECK(rvx_graph_node_add(g, n * 5u, NULL) == 0, "node");
		for (uint64_t a = 1; a <= 8; a++)
			for (uint64_t b = 1; b <= 8; b++)
				if ((a + 2u * b) % 3u == 0 && (a != b || s == 1))
					(void)rvx_graph_edge_add(g, a * 5u, b * 5u, (int32_t)(a - b));
		CHECK(rvx_graph_node_remove(g, 10u) == 0, "node remove");
	}
}

static void setup(void)
{
	static bool done;
	static const char label[] = "ruvix.ckpt.v1";
	struct rvx_kernel_config cfg;
	struct rvx_vec_config vc;
	struct rvx_graph_config gc = {16, 32, 0, 0, 3}, gl = {16, 32, RVX_GRAPH_FLAG_SELF_LOOPS, 0, 4};
	struct rvx_proof_policy pol;
	struct rvx_kernel_root root;
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_syscall_capxfer x[3];
	uint64_t h[3];
	uint8_t buf[64];
	struct rvx_queue_msg_hdr hdr;
	br_hmac_key_context kc;
	br_hmac_context hc;

	if (done)
		return;
	done = true;
	br_hmac_key_init(&kc, &br_sha256_vtable, secret, sizeof(secret));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, label, sizeof(label) - 1u);
	br_hmac_out(&hc, mac_key);
	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = W.region_pool;
	cfg.region_pool_size = sizeof(W.region_pool);
	cfg.queue_pool = W.queue_pool;
	cfg.queue_pool_size = sizeof(W.queue_pool);
	cfg.journal = W.journal;
	cfg.journal_size = sizeof(W.journal);
	cfg.witness_ring = W.ring;
	cfg.witness_records = 256;
	cfg.cpu_count = 2;
	cfg.vec_scratch = W.scratch;
	cfg.vec_scratch_size = sizeof(W.scratch);
	cfg.vec_scratch_capacity = VCAP;
	cfg.vec_scratch_ef = 32;
	cfg.period_ns = 1000000;
	cfg.epoch_ns = 5000000;
	CHECK(rvx_kernel_boot(&W.k, &cfg, secret, sizeof(secret), NOW, &root) == 0, "boot");
	root_task = root.task;
	root_clock = root.clock;
	CHECK(rvx_kernel_queue_create(&W.k, 0, 4, 64, RVX_RIGHTS_ALL, &cq) == 0, "queue");
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	for (uint32_t s = 0; s < 3; s++) {
		rvx_vec_config_default(&vc, DIM, VCAP, (enum rvx_vec_metric)s);
		vc.m = 3;
		vc.m0 = 6;
		vc.ef_construction = 8;
		CHECK(rvx_kernel_vector_store_create(&W.k, 0, &vc, W.vmem[s], sizeof(W.vmem[s]), &pol,
						     RVX_RIGHTS_ALL, &cv[s]) == 0, "vstore");
	}
	CHECK(rvx_kernel_graph_store_create(&W.k, 0, &gc, W.gmem[0], sizeof(W.gmem[0]), &pol,
					    RVX_RIGHTS_ALL, &cg[0]) == 0, "gstore");
	CHECK(rvx_kernel_graph_store_create(&W.k, 0, &gl, W.gmem[1], sizeof(W.gmem[1]), &pol,
					    RVX_RIGHTS_ALL, &cg[1]) == 0, "gstore loops");
	CHECK(rvx_kernel_sensor_register(&W.k, 0, 77, RVX_RIGHTS_ALL, &sensor_index, &cs) == 0,
	      "sensor");
	build_vectors();
	/* Task 1: the queue, a vector store (read) and the clock. */
	x[0] = (struct rvx_syscall_capxfer){cq.raw, RVX_RIGHTS_ALL, 0};
	x[1] = (struct rvx_syscall_capxfer){cv[0].raw, RVX_RIGHT_READ, 0};
	x[2] = (struct rvx_syscall_capxfer){root_clock.raw, RVX_RIGHT_READ, 0};
	a = args(root_task.raw);
	a.arg[0] = 0x1000;
	a.in = (uint64_t)(uintptr_t)x;
	a.in_len = sizeof(x);
	a.out = (uint64_t)(uintptr_t)h;
	a.out_len = sizeof(h);
	CHECK(call(0, RVX_SYS_TASK_SPAWN, &a, &r) == 0, "spawn");
	t1q.raw = h[0];
	t1v.raw = h[1];
	/* A second child, which exits: a freed slot, scheduler block and object. */
	a.in_len = sizeof(x[0]);
	a.out_len = sizeof(h[0]);
	CHECK(call(0, RVX_SYS_TASK_SPAWN, &a, &r) == 0, "spawn 2");
	CHECK(rvx_kernel_task_exit(&W.k, 2, 0) == 0, "exit");
	/* Regions: a slab and an append-only one. */
	a = args(root_task.raw);
	a.arg[0] = RVX_REGION_POLICY_SLAB;
	a.arg[1] = 256;
	a.arg[2] = 32;
	CHECK(call(0, RVX_SYS_REGION_MAP, &a, &r) == 0, "slab");
	a.arg[0] = RVX_REGION_POLICY_APPEND_ONLY;
	a.arg[2] = 0;
	CHECK(call(0, RVX_SYS_REGION_MAP, &a, &r) == 0, "append");
	/* A subscription, a message in the queue, and task 1 blocked on it
	 * (its wait timer armed) after taking the first message. */
	a = args(cs.raw);
	a.cap2 = cq.raw;
	CHECK(call(0, RVX_SYS_SENSOR_SUBSCRIBE, &a, &r) == 0, "subscribe");
	a = args(cq.raw);
	a.in = (uint64_t)(uintptr_t)"hello";
	a.in_len = 5;
	CHECK(call(0, RVX_SYS_QUEUE_SEND, &a, &r) == 0, "send");
	a = args(t1q.raw);
	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = sizeof(buf);
	a.aux = (uint64_t)(uintptr_t)&hdr;
	a.aux_len = sizeof(hdr);
	CHECK(call(1, RVX_SYS_QUEUE_RECV, &a, &r) == 0, "recv");
	a.flags = RVX_SYSCALL_F_BLOCK;
	a.arg[0] = 50000000;
	CHECK(call(1, RVX_SYS_QUEUE_RECV, &a, &r) == 0 && r.status == RVX_SYSCALL_BLOCKED, "block");
	a = args(cq.raw);
	a.in = (uint64_t)(uintptr_t)"again";
	a.in_len = 5;
	CHECK(call(0, RVX_SYS_QUEUE_SEND, &a, &r) == 0, "send 2");
	a = args(cq.raw);
	a.in = (uint64_t)(uintptr_t)"third";
	a.in_len = 5;
	CHECK(call(0, RVX_SYS_QUEUE_SEND, &a, &r) == 0, "send 3");
	/* block task 1 again, now that the queue is drained by it */
	a = args(t1q.raw);
	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = sizeof(buf);
	a.aux = (uint64_t)(uintptr_t)&hdr;
	a.aux_len = sizeof(hdr);
	while (call(1, RVX_SYS_QUEUE_RECV, &a, &r) == 0 && r.status != RVX_SYSCALL_BLOCKED) {
		a.flags = RVX_SYSCALL_F_BLOCK;
		a.arg[0] = 50000000;
	}
	CHECK(W.k.tasks[1].wait != 0, "task 1 waits");
	CHECK(rvx_kernel_tick(&W.k, NOW + 1000) >= 0, "tick");
	CHECK(rvx_kernel_checkpoint(&W.k, ck0, sizeof(ck0), &ck_n, NULL) == 0, "checkpoint");
	ranges[0] = 0;
	ranges[1] = 48 + offsetof(struct rvx_kernel, tasks);
	ranges[2] = 48 + sizeof(struct rvx_kernel);
	ranges[3] = ranges[2] + W.k.region_pool_used + W.k.queue_pool_used;
	ranges[4] = ranges[3];
	for (uint32_t s = 0; s < 3; s++)
		ranges[4] += rvx_vec_store_state_size(&W.k.vstores[s].store);
	ranges[5] = ck_n - 2u * 32u;
	memcpy(&pristine, &W, sizeof(W));
}

static void edit(const uint8_t *e)
{
	uint32_t off, mode = e[4], which = (mode >> 2) % 5u;
	size_t lo = which == 0 ? 0 : ranges[which], hi = which == 0 ? ranges[5] : ranges[which + 1];
	uint32_t v;

	if (which == 1) {
		lo = ranges[1];
		hi = ranges[2];
	}
	memcpy(&off, e, 4);
	if (hi <= lo)
		return;
	off = (uint32_t)(lo + off % (hi - lo));
	switch (mode & 3u) {
	case 0:
		ck[off] ^= e[5];
		break;
	case 1:
		ck[off] = e[5];
		break;
	default:
		if (off + 4u > hi)
			break;
		v = (mode & 3u) == 3u ? UINT32_MAX : (uint32_t)e[5] | (uint32_t)e[6] << 8;
		memcpy(ck + off, &v, 4);
		break;
	}
}

/* Every syscall kind from both tasks, and the port's calls, on whatever
 * the restore produced: errors are fine, crashes and RVX_CHECKs are not. */
static void exercise(const uint8_t *data, size_t size)
{
	const uint64_t caps[] = {root_task.raw, root_clock.raw, cq.raw, cv[0].raw, cv[1].raw,
				 cv[2].raw,     cg[0].raw,      cg[1].raw, cs.raw, t1q.raw, t1v.raw};
	float q[DIM] = {1.0f, 0.5f, 0.25f, 2.0f};
	struct rvx_vec_hit hits[8];
	uint8_t buf[256], mut[RVX_GRAPH_MUTATION_BYTES];
	struct rvx_syscall_capxfer x = {cq.raw, RVX_RIGHT_READ, 0};
	struct rvx_queue_msg_hdr hdr;
	struct rvx_syscall_result r;
	struct rvx_graph_mutation gm;
	uint64_t h;
	uint32_t picked;
	uint64_t entry;
	uint8_t salt = size > 0 ? data[size - 1] : 0;

	memset(&gm, 0, sizeof(gm));
	gm.kind = RVX_GRAPH_OP_ADD_EDGE;
	gm.node = 5;
	gm.peer = 15;
	(void)rvx_graph_mutation_encode(&gm, mut);
	for (uint32_t task = 0; task < 3; task++) {
		for (uint32_t nr = 0; nr < RVX_SYS_COUNT; nr++) {
			for (uint32_t c = 0; c < RVX_ARRAY_COUNT(caps); c += 1u + (salt + nr) % 4u) {
				struct rvx_syscall_args a = args(caps[c]);

				a.cap2 = caps[(c + 2u + task) % RVX_ARRAY_COUNT(caps)];
				switch (nr) {
				case RVX_SYS_TASK_SPAWN:
					a.arg[0] = 0x2000;
					a.in = (uint64_t)(uintptr_t)&x;
					a.in_len = sizeof(x);
					a.out = (uint64_t)(uintptr_t)&h;
					a.out_len = sizeof(h);
					break;
				case RVX_SYS_CAP_GRANT:
					a.arg[0] = task ^ 1u;
					a.arg[1] = RVX_RIGHT_READ;
					a.flags = (salt & 1u) ? RVX_SYSCALL_F_REVOKE : 0;
					break;
				case RVX_SYS_REGION_MAP:
					a.arg[0] = c % 3u;
					a.arg[1] = 64u << (c % 3u);
					a.arg[2] = 16;
					break;
				case RVX_SYS_QUEUE_SEND:
					a.in = (uint64_t)(uintptr_t)"fuzz";
					a.in_len = 4;
					a.arg[0] = salt;
					break;
				case RVX_SYS_QUEUE_RECV:
					a.out = (uint64_t)(uintptr_t)buf;
					a.out_len = sizeof(buf);
					a.aux = (uint64_t)(uintptr_t)&hdr;
					a.aux_len = sizeof(hdr);
					a.flags = (salt & 2u) ? RVX_SYSCALL_F_BLOCK : 0;
					a.arg[0] = 3000;
					break;
				case RVX_SYS_TIMER_WAIT:
					a.flags = RVX_SYSCALL_F_RELATIVE;
					a.arg[0] = 2000u + salt;
					break;
				case RVX_SYS_VECTOR_GET:
					if (c & 1u) {
						a.flags = RVX_SYSCALL_F_QUERY;
						a.in = (uint64_t)(uintptr_t)q;
						a.in_len = sizeof(q);
						a.arg[0] = 1u + salt % 8u;
						a.arg[1] = 16;
						a.out = (uint64_t)(uintptr_t)hits;
						a.out_len = sizeof(hits);
					} else {
						a.arg[0] = 7u * (1u + salt % 12u);
						a.out = (uint64_t)(uintptr_t)buf;
						a.out_len = sizeof(buf);
					}
					break;
				case RVX_SYS_VECTOR_PUT_PROVED:
					a.arg[0] = 99;
					a.in = (uint64_t)(uintptr_t)q;
					a.in_len = sizeof(q);
					a.aux = (uint64_t)(uintptr_t)buf;
					a.aux_len = sizeof(buf);
					break;
				case RVX_SYS_GRAPH_APPLY_PROVED:
					a.in = (uint64_t)(uintptr_t)mut;
					a.in_len = sizeof(mut);
					a.aux = (uint64_t)(uintptr_t)buf;
					a.aux_len = sizeof(buf);
					break;
				case RVX_SYS_ATTEST_EMIT:
				case RVX_SYS_RVF_MOUNT:
					a.in = (uint64_t)(uintptr_t)buf;
					a.in_len = 64;
					a.aux = (uint64_t)(uintptr_t)buf;
					a.aux_len = 64;
					break;
				default:
					break;
				}
				memset(buf, salt, sizeof(buf));
				(void)call(task, nr, &a, &r);
			}
		}
		{
			struct rvx_queue_msg_hdr eh;

			memset(&eh, 0, sizeof(eh));
			eh.length = 3;
			(void)rvx_kernel_sensor_deliver(&W.k, sensor_index + task, &eh, "evt");
		}
		(void)rvx_kernel_tick(&W.k, W.k.now + 1000u * (1u + salt));
		for (uint32_t cpu = 0; cpu < 2; cpu++)
			if (rvx_kernel_pick(&W.k, cpu, &picked, &entry) == 0)
				(void)rvx_kernel_put(&W.k, cpu, picked, 100, (int)(salt & 1u));
	}
	(void)rvx_kernel_epoch_close(&W.k);
	(void)rvx_kernel_tick(&W.k, W.k.now + 100000000u);
	for (uint32_t t = 1; t < RVX_KERNEL_TASKS; t++)
		(void)rvx_kernel_task_exit(&W.k, t, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[1u << 21];
	size_t n = 0;
	int ret;

	setup();
	memcpy(&W, &pristine, sizeof(W));
	memcpy(ck, ck0, ck_n);
	for (size_t i = 0; i + 8u <= size && i / 8u < MAX_EDITS; i += 8u)
		edit(data + i);
	reseal(ck, ck_n);
	ret = rvx_kernel_restore(&W.k, ck, ck_n);
	if (getenv("RVX_FUZZ_TRACE") != NULL)
		fprintf(stderr, "restore: %d\n", ret);
	if (ret != 0) {
		CHECK(ret == -RVX_EINVAL, "refusal code");
		CHECK(memcmp(&W, &pristine, sizeof(W)) == 0, "a refused restore changed the world");
		return 0;
	}
	for (uint32_t s = 0; s < 3; s++)
		CHECK(rvx_vec_store_verify(&W.k.vstores[s].store) == 0, "restored vector store");
	for (uint32_t s = 0; s < 2; s++)
		CHECK(rvx_graph_verify(&W.k.gstores[s].graph) == 0, "restored graph store");
	/* An accepted state checkpoints and restores again. */
	CHECK(rvx_kernel_checkpoint(&W.k, again, sizeof(again), &n, NULL) == 0, "re-checkpoint");
	CHECK(rvx_kernel_restore(&W.k, again, n) == 0, "re-restore");
	exercise(data, size);
	return 0;
}
