/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syscall fuzzer: boots a kernel from a fixed seed (a byte copy of a world
 * built once), then reads the input as a sequence of 32-byte operations,
 * mostly syscalls through rvx_syscall(), and checks invariants after each:
 *   - no crash (ASan and UBSan under libFuzzer);
 *   - a return of 0 or a known negative error code;
 *   - on error every byte of the world (kernel, pools, journal, ring,
 *     stores) is as before, except that a rejected proof may append exactly
 *     one PROOF_REJECTED witness record (lib/nucleus documents that);
 *   - the witness chain in the ring verifies (rvx_witness_verify() against
 *     the journal and the kernel's chain head) whenever the log grew;
 *   - the counts of rvx_kernel_stats() match the tables.
 *
 * Buffers: every in/out/aux address points into a fuzzer-owned arena, with
 * a length bounded by the arena's end, or is 0 (which the dispatcher must
 * refuse unless the length is 0). The hosted dispatcher trusts addresses,
 * because on a real port the trap handler has already translated and
 * checked them and copied the caller's data in; passing wild pointers would
 * test the fuzzer, not the kernel. Offsets are 8-byte aligned, as a port's
 * copy-in buffers are.
 *
 * Operation (32 bytes):
 *   0 kind: 0..11 that syscall, 12 raw number (byte 2), 13 tick,
 *     14 mint a valid proof into the arena, 15 arena helpers (raw bytes, a
 *     capxfer, a descriptor, the package, a sensor event, or a vector of
 *     edge floats: zero, tiny (1e-30), subnormal, huge (1e30, FLT_MAX),
 *     the store's component limit, infinities, NaN)
 *   1 task selector, 2 flags, 3 cap selector, 4 cap2 selector, 5 misc,
 *   6..17 in/out/aux offset and length (u16 each), 18..31 arg[0..6] (u16
 *   each; values >= 0xFFF0 pick an edge value).
 * Cap selector: low 5 bits index the handle pool (root caps, created
 * objects, handles returned by successful calls); the top bits make it
 * stale (generation changed), random (from the arguments) or null.
 *
 * Stores: one vector store per metric (L2, cosine, dot: pool entries 3, 8,
 * 9) and one graph store per option (none, self loops: entries 4, 10).
 *
 * Built as a libFuzzer target with clang; replay_main.c feeds the corpus to
 * the same function in every hosted build.
 */
#include <bearssl.h>
#include <float.h>
#include <math.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/nucleus.h"
#include "rvx_test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DIM 4u
#define VCAP 16u
#define NOW 1000000u
#define ARENA 8192u
#define OP_SIZE 32u
#define MAX_OPS 96u
#define POOL 32u
#define RING 1024u
/* Pool entries the fixture fills; later handles cycle after them. */
#define FIXED 11u

struct world {
	struct rvx_kernel k;
	alignas(64) uint8_t region_pool[16384];
	alignas(64) uint8_t queue_pool[32768];
	alignas(64) uint8_t journal[131072];
	alignas(64) uint8_t ring[RING * 64];
	alignas(64) uint8_t scratch[8192];
	alignas(64) uint8_t vmem[16384];
	alignas(64) uint8_t vmem_cos[16384];
	alignas(64) uint8_t vmem_dot[16384];
	alignas(64) uint8_t gmem[RVX_GRAPH_BYTES(16, 32)];
	alignas(64) uint8_t gmem_loops[RVX_GRAPH_BYTES(16, 32)];
};

static struct world W, pristine, snap;
static alignas(64) uint8_t arena[ARENA];
static uint64_t pool[POOL];
static uint32_t pool_n, pool_next;
static uint32_t pristine_pool_n;
static uint64_t pristine_pool[POOL];
static uint32_t sensor_index;
static uint64_t nonce;
static bool trace; /* RVX_FUZZ_TRACE set: print each syscall and its result */
static const uint8_t secret[32] = "fuzzer kernel secret, fixed 32b";
static uint8_t pkg[2048], signer_pub[65];
static size_t pkg_len;

#define FUZZ_CHECK(cond, ...)                                                   \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz invariant failed: %s (%s:%d): ", #cond, \
				__FILE__, __LINE__);                            \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			abort();                                                \
		}                                                               \
	} while (0)

static void pool_add(uint64_t h)
{
	if (pool_n < POOL) {
		pool[pool_n++] = h;
		return;
	}
	/* Keep the fixture's and cycle through the rest. */
	pool[FIXED + pool_next % (POOL - FIXED)] = h;
	pool_next++;
}

static void make_package(void)
{
	static uint8_t seg[2][1024];
	static struct rvx_test_key signer;
	struct rvx_rvf_manifest m;
	struct rvx_rvf_input in[2];
	uint8_t id[8], digest[32], sig[64];
	size_t l0, l1;
	const char *seed = "fuzzer package signer";

	FUZZ_CHECK(rvx_test_key_from_seed(&signer, seed, strlen(seed)) == 0, "keygen");
	memcpy(signer_pub, signer.pub, 65);
	memset(&m, 0, sizeof(m));
	memcpy(m.name, "fuzz", 4);
	m.task_count = 1;
	memcpy(m.tasks[0].name, "agent", 5);
	m.tasks[0].code_segment = RVX_RVF_NONE;
	m.tasks[0].entry = 7;
	m.tasks[0].flags = RVX_RVF_TASK_ENTRY_SYMBOL;
	m.tasks[0].stack_size = 4096;
	m.region_count = 1;
	memcpy(m.regions[0].name, "log", 3);
	m.regions[0].policy = RVX_REGION_POLICY_APPEND_ONLY;
	m.regions[0].init_segment = RVX_RVF_NONE;
	m.regions[0].size = 256;
	m.queue_count = 1;
	memcpy(m.queues[0].name, "events", 6);
	m.queues[0].slot_count = 4;
	m.queues[0].max_payload = 16;
	m.required_count = 1;
	memcpy(m.required[0].name, "sensor", 6);
	m.required[0].object_type = RVX_OBJ_SENSOR;
	m.required[0].rights = RVX_RIGHT_READ | RVX_RIGHT_GRANT;
	m.wire_count = 2;
	m.wires[0] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_QUEUE, .object = 0,
					   .rights = RVX_RIGHT_READ};
	m.wires[1] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_REQUIRED, .object = 0,
					   .rights = RVX_RIGHT_READ};
	FUZZ_CHECK(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, seg[0], sizeof(seg[0]),
					  &l0) == 0, "manifest");
	FUZZ_CHECK(rvx_rvf_segment_encode(RVX_RVF_SEG_REQUIRED_CAPS, &m, NULL, seg[1],
					  sizeof(seg[1]), &l1) == 0, "required");
	in[0] = (struct rvx_rvf_input){RVX_RVF_SEG_MANIFEST, seg[0], l0};
	in[1] = (struct rvx_rvf_input){RVX_RVF_SEG_REQUIRED_CAPS, seg[1], l1};
	rvx_rvf_key_id(signer_pub, id);
	FUZZ_CHECK(rvx_rvf_build(in, 2, id, pkg, sizeof(pkg), &pkg_len, digest) == 0, "build");
	FUZZ_CHECK(br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, digest, &signer.sk, sig) ==
			   64, "sign");
	FUZZ_CHECK(rvx_rvf_attach_signature(pkg, pkg_len, sig) == 0, "attach");
}

/* Build the fixed world once; every input starts from a byte copy of it. */
static void init_once(void)
{
	static bool done;
	struct rvx_kernel_config cfg;
	struct rvx_vec_config vc;
	struct rvx_graph_config gc = {16, 32, 0, 0, 7};
	struct rvx_graph_config gl = {16, 32, RVX_GRAPH_FLAG_SELF_LOOPS, 0, 9};
	struct rvx_proof_policy pol;
	struct rvx_kernel_root root;
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_syscall_capxfer x[2];
	uint64_t h[2];
	rvx_handle_t q, v, g, s, vc_cos, vc_dot, g_loops;

	if (done)
		return;
	done = true;
	trace = getenv("RVX_FUZZ_TRACE") != NULL;
	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = W.region_pool;
	cfg.region_pool_size = sizeof(W.region_pool);
	cfg.queue_pool = W.queue_pool;
	cfg.queue_pool_size = sizeof(W.queue_pool);
	cfg.journal = W.journal;
	cfg.journal_size = sizeof(W.journal);
	cfg.witness_ring = W.ring;
	cfg.witness_records = RING;
	cfg.cpu_count = 1;
	cfg.vec_scratch = W.scratch;
	cfg.vec_scratch_size = sizeof(W.scratch);
	cfg.vec_scratch_capacity = VCAP;
	cfg.vec_scratch_ef = 32;
	cfg.period_ns = 1000000;
	FUZZ_CHECK(rvx_kernel_boot(&W.k, &cfg, secret, sizeof(secret), NOW, &root) == 0, "boot");
	FUZZ_CHECK(rvx_kernel_queue_create(&W.k, 0, 4, 64, RVX_RIGHTS_ALL, &q) == 0, "queue");
	rvx_vec_config_default(&vc, DIM, VCAP, RVX_VEC_METRIC_L2);
	{
		size_t need = 0;

		FUZZ_CHECK(rvx_vec_store_size(&vc, &need) == 0 && need <= sizeof(W.vmem), "vmem %zu",
			   need);
	}
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	FUZZ_CHECK(rvx_kernel_vector_store_create(&W.k, 0, &vc, W.vmem, sizeof(W.vmem), &pol,
						  RVX_RIGHTS_ALL, &v) == 0, "vstore");
	FUZZ_CHECK(rvx_kernel_graph_store_create(&W.k, 0, &gc, W.gmem, sizeof(W.gmem), &pol,
						 RVX_RIGHTS_ALL, &g) == 0, "gstore");
	rvx_vec_config_default(&vc, DIM, VCAP, RVX_VEC_METRIC_COSINE);
	FUZZ_CHECK(rvx_kernel_vector_store_create(&W.k, 0, &vc, W.vmem_cos, sizeof(W.vmem_cos),
						  &pol, RVX_RIGHTS_ALL, &vc_cos) == 0, "cosine");
	rvx_vec_config_default(&vc, DIM, VCAP, RVX_VEC_METRIC_DOT);
	FUZZ_CHECK(rvx_kernel_vector_store_create(&W.k, 0, &vc, W.vmem_dot, sizeof(W.vmem_dot),
						  &pol, RVX_RIGHTS_ALL, &vc_dot) == 0, "dot");
	FUZZ_CHECK(rvx_kernel_graph_store_create(&W.k, 0, &gl, W.gmem_loops, sizeof(W.gmem_loops),
						 &pol, RVX_RIGHTS_ALL, &g_loops) == 0, "loops");
	FUZZ_CHECK(rvx_kernel_sensor_register(&W.k, 0, 77, RVX_RIGHTS_ALL, &sensor_index, &s) == 0,
		   "sensor");
	make_package();
	FUZZ_CHECK(rvx_kernel_trusted_keys_set(&W.k, signer_pub, 1) == 0, "keys");
	pool_add(root.task.raw);
	pool_add(root.clock.raw);
	pool_add(q.raw);
	pool_add(v.raw);
	pool_add(g.raw);
	pool_add(s.raw);
	/* Task 1: holds a queue and the vector store (read only). */
	x[0] = (struct rvx_syscall_capxfer){q.raw, RVX_RIGHT_READ | RVX_RIGHT_WRITE, 0};
	x[1] = (struct rvx_syscall_capxfer){v.raw, RVX_RIGHT_READ, 0};
	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = root.task.raw;
	a.arg[0] = 0x1000;
	a.in = (uint64_t)(uintptr_t)x;
	a.in_len = sizeof(x);
	a.out = (uint64_t)(uintptr_t)h;
	a.out_len = sizeof(h);
	FUZZ_CHECK(rvx_syscall(&W.k, 0, RVX_SYS_TASK_SPAWN, &a, &r) == 0, "spawn");
	pool_add(h[0]);
	pool_add(h[1]);
	pool_add(vc_cos.raw);
	pool_add(vc_dot.raw);
	pool_add(g_loops.raw);
	FUZZ_CHECK(pool_n == FIXED, "fixture pool %u", pool_n);
	memcpy(&pristine, &W, sizeof(W));
	memcpy(pristine_pool, pool, sizeof(pool));
	pristine_pool_n = pool_n;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint64_t arg_value(uint16_t v)
{
	static const uint64_t edge[16] = {
		0, 1, UINT32_MAX, (uint64_t)UINT32_MAX + 1u, UINT64_MAX, UINT64_MAX - 1u,
		(uint64_t)1 << 63, NOW, NOW + 1000u, RVX_VEC_COHERENCE_ONE,
		RVX_VEC_COHERENCE_ONE + 1u, 0x1000, 64, 65, 4096, (uint64_t)INT64_MAX,
	};

	return v >= 0xFFF0u ? edge[v & 15u] : v;
}

static uint64_t cap_value(uint8_t sel, const uint8_t *op)
{
	uint64_t h = pool[(sel & 31u) % pool_n];

	switch (sel >> 5) {
	case 5: /* stale: another generation of the same slot */
		return h ^ ((uint64_t)1 << 32);
	case 6: /* random */
		return (uint64_t)get16(op + 18) | ((uint64_t)get16(op + 20) << 16) |
		       ((uint64_t)get16(op + 22) << 32);
	case 7:
		return 0;
	default:
		return h;
	}
}

/* A bounded, aligned buffer in the arena, or 0 with the given length. */
static void buffer(const uint8_t *p, uint64_t *addr, uint64_t *len)
{
	uint16_t off = get16(p), l = get16(p + 2);

	if (off == 0xFFFFu) {
		*addr = 0;
		*len = l & 0xFFu;
		return;
	}
	off = (uint16_t)((off % ARENA) & ~7u);
	*addr = (uint64_t)(uintptr_t)(arena + off);
	*len = l % (ARENA - off + 1u);
}

static uint32_t task_value(uint8_t sel)
{
	/* Mostly the live tasks; sometimes any id, valid or not. */
	if (sel & 0x80u)
		return sel & 0x7Fu;
	return (sel & 0x7Fu) % 4u;
}

static void check_counts(void)
{
	struct rvx_kernel_stats st;
	uint32_t tasks = 0, regions = 0, queues = 0, mounts = 0, subs = 0;
	uint32_t i;

	FUZZ_CHECK(rvx_kernel_stats(&W.k, &st) == 0, "stats");
	for (i = 0; i < RVX_KERNEL_TASKS; i++)
		tasks += W.k.tasks[i].live != 0;
	for (i = 0; i < RVX_KERNEL_REGIONS; i++)
		regions += W.k.regions[i].live != 0;
	for (i = 0; i < RVX_KERNEL_QUEUES; i++)
		queues += W.k.queues[i].live != 0;
	for (i = 0; i < RVX_KERNEL_MOUNTS; i++)
		mounts += W.k.mounts[i].live != 0;
	for (i = 0; i < RVX_KERNEL_SUBSCRIPTIONS; i++)
		subs += W.k.subs[i].live != 0;
	FUZZ_CHECK(st.tasks == tasks, "tasks %u vs %u", st.tasks, tasks);
	FUZZ_CHECK(st.regions == regions, "regions %u vs %u", st.regions, regions);
	FUZZ_CHECK(st.queues == queues, "queues %u vs %u", st.queues, queues);
	FUZZ_CHECK(st.mounts == mounts, "mounts %u vs %u", st.mounts, mounts);
	/* stats count the subscriptions that still deliver (capabilities alive) */
	FUZZ_CHECK(st.subs <= subs, "subs %u vs %u", st.subs, subs);
	FUZZ_CHECK(st.witness_records == W.k.log.sequence, "records");
	FUZZ_CHECK(W.k.ring.count == (uint32_t)W.k.log.sequence, "ring %u vs log %llu",
		   W.k.ring.count, (unsigned long long)W.k.log.sequence);
	FUZZ_CHECK(W.k.region_pool_used <= sizeof(W.region_pool), "region pool");
}

static void check_chain(void)
{
	struct rvx_witness_report rep;
	struct rvx_witness_head head;
	int ret;

	FUZZ_CHECK(rvx_kernel_witness_head(&W.k, &head) == 0, "head");
	/* The ring never wraps here (RING records > any input's records). */
	ret = rvx_witness_verify(W.ring, W.k.ring.count, NULL, &W.k.journal, &head, &rep);
	FUZZ_CHECK(ret == 0, "chain: %d fault %d at %llu", ret, (int)rep.fault,
		   (unsigned long long)rep.index);
}

static uint16_t last_kind(void)
{
	struct rvx_witness_record rec;

	rvx_witness_record_decode(rvx_witness_ring_at(&W.k.ring, W.k.ring.count - 1u), &rec);
	return rec.kind;
}

/* After a failed call: nothing changed, or only one PROOF_REJECTED record. */
static void check_unchanged(int ret, uint32_t nr, uint32_t task)
{
	(void)task;
	if (W.k.log.sequence == snap.k.log.sequence + 1u) {
		FUZZ_CHECK(ret == -RVX_EPROOF || ret == -RVX_EBADSIG,
			   "syscall %u failed with %d but wrote a record", nr, ret);
		FUZZ_CHECK(last_kind() == RVX_WITNESS_PROOF_REJECTED, "record kind %u",
			   (unsigned)last_kind());
		/* The log, ring and journal may hold the rejection record, and
		 * the proof counts (not state) count it. */
		snap.k.observe = W.k.observe;
		snap.k.log = W.k.log;
		snap.k.ring = W.k.ring;
		snap.k.journal = W.k.journal;
		memcpy(snap.ring, W.ring, sizeof(W.ring));
		memcpy(snap.journal, W.journal, sizeof(W.journal));
	}
	FUZZ_CHECK(memcmp(&snap, &W, sizeof(W)) == 0, "syscall %u failed with %d (%s) and changed state",
		   nr, ret, rvx_strerror(ret));
}

static void mint(const uint8_t *op)
{
	static const uint32_t nrs[3] = {RVX_SYS_ATTEST_EMIT, RVX_SYS_VECTOR_PUT_PROVED,
					RVX_SYS_GRAPH_APPLY_PROVED};
	uint32_t task = task_value(op[1]);
	rvx_handle_t issuer = {cap_value(op[3], op)};
	uint32_t nr = nrs[op[2] % 3u];
	struct rvx_proof_mutation m;
	struct rvx_cap_info info;
	struct rvx_proof_token t;
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];
	uint64_t in, in_len, aux, aux_len, key = arg_value(get16(op + 18));

	buffer(op + 6, &in, &in_len);
	buffer(op + 14, &aux, &aux_len);
	if (aux == 0 || aux + sizeof(t) > (uint64_t)(uintptr_t)(arena + ARENA) ||
	    task >= RVX_KERNEL_TASKS || rvx_cap_lookup(&W.k.caps, task, issuer, &info) != 0)
		return;
	m.syscall = nr;
	m.target = info.object.raw;
	m.key = key;
	m.payload = (const void *)(uintptr_t)in;
	m.len = (size_t)in_len;
	if (nr == RVX_SYS_VECTOR_PUT_PROVED) {
		/* The payload binds the coherence the call will claim (arg[1]). */
		static uint8_t pl[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(ARENA / 4u)];
		long n_pl;

		if (in == 0 || in_len % 4u != 0)
			return;
		n_pl = rvx_syscall_vector_put_payload((uint32_t)arg_value(get16(op + 20)),
						      (const void *)(uintptr_t)in,
						      (uint32_t)(in_len / 4u), pl, sizeof(pl));
		if (n_pl < 0)
			return;
		m.payload = pl;
		m.len = (size_t)n_pl;
	}
	if (nr == RVX_SYS_GRAPH_APPLY_PROVED) {
		struct rvx_graph_mutation gm;

		if (in == 0 || in_len < sizeof(gm))
			return;
		memcpy(&gm, (const void *)(uintptr_t)in, sizeof(gm));
		if (rvx_graph_mutation_encode(&gm, enc) != 0)
			return;
		m.key = gm.node;
		m.payload = enc;
		m.len = sizeof(enc);
	}
	if (rvx_test_mint_reflex(&W.k, task, issuer, &m, nonce + 1u, W.k.now + 1000000u, &t) != 0)
		return;
	nonce++;
	memcpy((void *)(uintptr_t)aux, &t, sizeof(t));
}

/* A vector of DIM floats, each picked by a nibble of @p op from the values
 * that stress a store's arithmetic. */
static void edge_floats(const uint8_t *op, uint8_t *p, size_t room)
{
	static const float edge[16] = {
		0.0f, 1.0f, -1.0f, 1e-30f, -1e-30f, 1e-40f, FLT_TRUE_MIN, 1e-20f,
		1e30f, -1e30f, FLT_MAX, -FLT_MAX, RVX_VEC_COMPONENT_MAX, INFINITY, -INFINITY, NAN,
	};
	float v[DIM];

	for (uint32_t i = 0; i < DIM; i++)
		v[i] = edge[(op[18 + i / 2u] >> (4u * (i & 1u))) & 15u];
	memcpy(p, v, room < sizeof(v) ? room : sizeof(v));
}

/* Arena helpers: raw bytes, a capxfer, a region descriptor, the signed
 * package, a sensor event, edge floats. */
static void helper(const uint8_t *op)
{
	uint64_t in, in_len;
	uint8_t *p;
	size_t room;

	buffer(op + 6, &in, &in_len);
	if (in == 0)
		return;
	p = (uint8_t *)(uintptr_t)in;
	room = (size_t)(arena + ARENA - p);
	switch (op[2] % 6u) {
	case 0:
		memcpy(p, op + 18, room < 14 ? room : 14);
		break;
	case 1: {
		struct rvx_syscall_capxfer x = {cap_value(op[3], op), (uint32_t)get16(op + 24), 0};

		if (room >= sizeof(x))
			memcpy(p, &x, sizeof(x));
		break;
	}
	case 2: {
		struct rvx_region_desc d;

		memset(&d, 0, sizeof(d));
		d.region.raw = cap_value(op[3], op);
		d.offset = arg_value(get16(op + 26));
		d.length = (uint32_t)arg_value(get16(op + 28));
		if (room >= sizeof(d))
			memcpy(p, &d, sizeof(d));
		break;
	}
	case 3: {
		/* The signed package, then one required handle behind it. */
		uint64_t h = cap_value(op[3], op);

		if (room >= pkg_len + 16u) {
			memcpy(p, pkg, pkg_len);
			memcpy(p + ((pkg_len + 7u) & ~(size_t)7u), &h, 8);
		}
		break;
	}
	case 5:
		edge_floats(op, p, room);
		break;
	default: {
		struct rvx_queue_msg_hdr hdr;
		int ret;

		memset(&hdr, 0, sizeof(hdr));
		hdr.length = (uint32_t)(in_len < 64 ? in_len : 64);
		hdr.priority = (uint8_t)(op[4] % 4u);
		memcpy(&snap, &W, sizeof(W));
		ret = rvx_kernel_sensor_deliver(&W.k, sensor_index, &hdr, p);
		FUZZ_CHECK(ret >= -RVX_ERR_COUNT, "deliver %d", ret);
		if (ret < 0)
			check_unchanged(ret, 100, 0);
		break;
	}
	}
}

static void tick(const uint8_t *op)
{
	uint64_t step = arg_value(get16(op + 18));
	uint64_t now = W.k.now + (op[2] & 1u ? step * 1000u : step);
	int ret;

	if (op[2] & 2u)
		now = step; /* possibly in the past */
	memcpy(&snap, &W, sizeof(W));
	if (op[2] & 4u) {
		/* the embedder's other state changes: an epoch close, a task exit */
		uint64_t seq = W.k.log.sequence;

		if (op[2] & 8u)
			ret = rvx_kernel_task_exit(&W.k, op[3] % (RVX_KERNEL_TASKS + 1u), (int8_t)op[4]);
		else
			ret = rvx_kernel_epoch_close(&W.k);
		FUZZ_CHECK(ret == 0 || (ret < 0 && ret > -RVX_ERR_COUNT), "embedder op %d", ret);
		if (ret < 0)
			check_unchanged(ret, 102, 0);
		else
			FUZZ_CHECK(W.k.log.sequence == seq + 1u, "one record per embedder op");
		if (W.k.log.sequence != seq)
			check_chain();
		check_counts();
		return;
	}
	ret = rvx_kernel_tick(&W.k, now);
	FUZZ_CHECK(ret >= -RVX_ERR_COUNT, "tick %d", ret);
	if (ret < 0)
		check_unchanged(ret, 101, 0);
	check_counts();
}

static void syscall_op(const uint8_t *op)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	uint32_t kind = op[0] & 15u;
	uint32_t nr = kind == 12 ? op[2] : kind;
	uint32_t task = task_value(op[1]);
	uint64_t seq;
	int ret;

	memset(&a, 0, sizeof(a));
	a.version = (op[5] & 0x80u) ? op[5] : RVX_SYSCALL_VERSION;
	a.flags = kind == 12 ? 0 : op[2] & 0x3Fu;
	if (op[5] & 0x40u)
		a.flags |= (uint32_t)1 << (op[5] & 31u);
	a.cap = cap_value(op[3], op);
	a.cap2 = cap_value(op[4], op);
	for (uint32_t i = 0; i < 7; i++)
		a.arg[i] = arg_value(get16(op + 18 + 2 * i));
	buffer(op + 6, &a.in, &a.in_len);
	buffer(op + 10, &a.out, &a.out_len);
	buffer(op + 14, &a.aux, &a.aux_len);
	memcpy(&snap, &W, sizeof(W));
	seq = W.k.log.sequence;
	memset(&r, 0xA5, sizeof(r));
	ret = rvx_syscall(&W.k, task, nr, &a, &r);
	if (trace)
		fprintf(stderr, "task %u syscall %u: %d %s\n", task, nr, ret, ret ? rvx_strerror(ret) : "");
	FUZZ_CHECK(ret == 0 || (ret < 0 && ret > -RVX_ERR_COUNT), "syscall %u returned %d", nr, ret);
	if (ret < 0) {
		check_unchanged(ret, nr, task);
	} else {
		FUZZ_CHECK(r.version == RVX_SYSCALL_VERSION, "result version");
		FUZZ_CHECK(r.status == RVX_SYSCALL_DONE || r.status == RVX_SYSCALL_BLOCKED ||
				   r.status == RVX_SYSCALL_TIMED_OUT, "status");
		if (nr == RVX_SYS_CAP_GRANT || nr == RVX_SYS_REGION_MAP || nr == RVX_SYS_RVF_MOUNT) {
			if (!(nr == RVX_SYS_CAP_GRANT &&
			      (a.flags & (RVX_SYSCALL_F_REVOKE | RVX_SYSCALL_F_PROVE_KEY))))
				pool_add(r.value[0]);
		}
	}
	if (W.k.log.sequence != seq)
		check_chain();
	check_counts();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t ops = size / OP_SIZE;

	init_once();
	memcpy(&W, &pristine, sizeof(W));
	memcpy(pool, pristine_pool, sizeof(pool));
	pool_n = pristine_pool_n;
	pool_next = 0;
	nonce = 0;
	memset(arena, 0, sizeof(arena));
	if (ops > MAX_OPS)
		ops = MAX_OPS;
	for (size_t i = 0; i < ops; i++) {
		const uint8_t *op = data + i * OP_SIZE;

		switch (op[0] & 15u) {
		case 13:
			tick(op);
			break;
		case 14:
			mint(op);
			break;
		case 15:
			helper(op);
			break;
		default:
			syscall_op(op);
			break;
		}
	}
	check_chain();
	return 0;
}
