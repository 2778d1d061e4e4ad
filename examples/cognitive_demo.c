/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cognitive-demo: RuVix running a small agent pipeline on the hosted port.
 *
 * The program boots the nucleus, creates a vector store, a graph store and a
 * sensor, then builds and signs (ECDSA P-256, with a key generated here) a
 * package describing the pipeline: a "perceive" task that takes the
 * sensor's readings from a queue, embeds them and stores them in the vector
 * store under a proof, and passes each key on through a second queue to a
 * "reason" task, which queries the nearest neighbours and links them in the
 * graph store under a proof. It mounts the package, drives the tasks for a
 * while and prints a summary, the tail of the witness log and the
 * verification of the witness chain.
 *
 * The hosted port has no user mode: each task is driven as a plain loop of
 * syscalls issued in its name (rvx_syscall() with its task id and its own
 * capabilities, as a trap handler would). Proofs are minted in-process by a
 * prover holding the kernel secret, standing in for the proof service
 * (prove() below; the shared test support library does the minting).
 */
#include <bearssl.h>
#include <inttypes.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "ruvix/ruvix.h"
#include "rvx_test.h"

#define DIM 8u
#define VCAP 64u
#define STEPS 16u
#define NEIGHBOURS 3u
#define RING 1024u
#define SENSOR_TYPE 0x5E50u

RVX_KERNEL_DEFINE(kern);
static alignas(64) uint8_t region_pool[16384];
static alignas(64) uint8_t queue_pool[32768];
static alignas(64) uint8_t journal[256 * 1024];
static alignas(64) uint8_t ring[RING * 64];
static alignas(64) uint8_t scratch[16384];
static alignas(64) uint8_t vmem[256 * 1024];
static alignas(64) uint8_t gmem[RVX_GRAPH_BYTES(64, 256)];
static uint8_t secret[32];
static uint8_t pkg[8192];
static int failures;

static void check(const char *what, int rc)
{
	if (rc < 0) {
		printf("  !! %s: %s\n", what, rvx_strerror(rc));
		failures++;
	}
}

static struct rvx_syscall_args args(uint64_t cap)
{
	struct rvx_syscall_args a;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = cap;
	return a;
}

/* The handle in slot @p slot of @p task's table (mounted tasks get their
 * capabilities in the manifest's wire order). */
static uint64_t slot_handle(uint32_t task, uint32_t slot)
{
	struct rvx_cap_info info;

	if (rvx_cap_slot_info(&kern.caps, task, slot, &info) != 0) {
		failures++;
		return 0;
	}
	return info.handle.raw;
}

/*
 * The in-process prover: a Reflex proof by @p issuer (a capability of
 * @p task). A proof service does the same four steps: ask the kernel for the
 * issuer's identity (rvx_kernel_proof_issuer()), fill the token (version,
 * tier, issuer id, target, nonce, expiry), hash the mutation
 * (rvx_proof_mutation_hash()), and MAC rvx_proof_mac_input() under the
 * issuer's key (rvx_proof_issuer_key()). They are written once, in
 * tests/support/rvx_test.c, which the tests, benchmarks and fuzzer share.
 */
static void prove(struct rvx_proof_token *t, uint32_t task, uint64_t issuer, uint32_t nr,
		  uint64_t target, uint64_t key, const void *payload, size_t len, uint64_t nonce)
{
	struct rvx_proof_mutation m = {nr, target, key, payload, len};
	rvx_handle_t h = {issuer};

	check("mint", rvx_test_mint_reflex(&kern, task, h, &m, nonce, kern.now + 1000000000u, t));
}

static uint64_t target_of(uint32_t task, uint64_t cap)
{
	rvx_handle_t h = {cap};
	uint64_t object = 0;

	check("lookup", rvx_test_cap_object(&kern, task, h, &object));
	return object;
}

static void set_name(char *dst, const char *s)
{
	memset(dst, 0, RVX_RVF_NAME_SIZE);
	memcpy(dst, s, strlen(s));
}

/* The pipeline's package, signed with a fresh key; returns its length. */
static size_t build_package(uint8_t pub[65])
{
	static struct rvx_rvf_manifest m;
	static uint8_t seg[2][2048];
	static const uint8_t code[16] = "pipeline code";
	br_ec_private_key sk;
	br_ec_public_key pk;
	br_hmac_drbg_context rng;
	uint8_t kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], pbuf[BR_EC_KBUF_PUB_MAX_SIZE], seed[32];
	uint8_t id[8], digest[32], sig[64];
	struct rvx_rvf_input in[3];
	size_t l0 = 0, l1 = 0, len = 0;

	check("entropy", rvx_port_entropy(seed, sizeof(seed)));
	br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, sizeof(seed));
	if (br_ec_keygen(&rng.vtable, &br_ec_p256_m31, &sk, kbuf, BR_EC_secp256r1) == 0 ||
	    br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, &sk) != 65) {
		failures++;
		return 0;
	}
	memcpy(pub, pk.q, 65);

	memset(&m, 0, sizeof(m));
	memcpy(m.name, "pipeline", 8);
	m.task_count = 2;
	set_name(m.tasks[0].name, "perceive");
	m.tasks[0].code_segment = 1;
	m.tasks[0].stack_size = 4096;
	set_name(m.tasks[1].name, "reason");
	m.tasks[1].code_segment = 1;
	m.tasks[1].entry = 8;
	m.tasks[1].stack_size = 4096;
	m.queue_count = 2;
	set_name(m.queues[0].name, "readings");
	m.queues[0].slot_count = 16;
	m.queues[0].max_payload = DIM * sizeof(float);
	set_name(m.queues[1].name, "percepts");
	m.queues[1].slot_count = 16;
	m.queues[1].max_payload = 8;
	m.required_count = 3;
	set_name(m.required[0].name, "sensor");
	m.required[0].object_type = RVX_OBJ_SENSOR;
	m.required[0].rights = RVX_RIGHT_READ | RVX_RIGHT_GRANT;
	set_name(m.required[1].name, "memory");
	m.required[1].object_type = RVX_OBJ_VECTOR_STORE;
	m.required[1].rights = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE | RVX_RIGHT_GRANT;
	set_name(m.required[2].name, "beliefs");
	m.required[2].object_type = RVX_OBJ_GRAPH_STORE;
	m.required[2].rights = RVX_RIGHT_WRITE | RVX_RIGHT_PROVE | RVX_RIGHT_GRANT;
	/* perceive: 0 readings (R/W), 1 sensor, 2 percepts (W), 3 memory;
	 * reason: 0 percepts (R), 1 memory (R), 2 beliefs. */
	m.wire_count = 7;
	m.wires[0] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_QUEUE, .object = 0,
					   .rights = RVX_RIGHT_READ | RVX_RIGHT_WRITE};
	m.wires[1] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_REQUIRED, .object = 0,
					   .rights = RVX_RIGHT_READ};
	m.wires[2] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_QUEUE, .object = 1,
					   .rights = RVX_RIGHT_WRITE};
	m.wires[3] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_REQUIRED, .object = 1,
					   .rights = RVX_RIGHT_READ | RVX_RIGHT_WRITE |
						     RVX_RIGHT_PROVE};
	m.wires[4] = (struct rvx_rvf_wire){.task = 1, .kind = RVX_RVF_WIRE_QUEUE, .object = 1,
					   .rights = RVX_RIGHT_READ};
	m.wires[5] = (struct rvx_rvf_wire){.task = 1, .kind = RVX_RVF_WIRE_REQUIRED, .object = 1,
					   .rights = RVX_RIGHT_READ};
	m.wires[6] = (struct rvx_rvf_wire){.task = 1, .kind = RVX_RVF_WIRE_REQUIRED, .object = 2,
					   .rights = RVX_RIGHT_WRITE | RVX_RIGHT_PROVE};
	check("encode manifest", rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, seg[0],
							sizeof(seg[0]), &l0));
	check("encode required caps", rvx_rvf_segment_encode(RVX_RVF_SEG_REQUIRED_CAPS, &m, NULL,
							     seg[1], sizeof(seg[1]), &l1));
	in[0] = (struct rvx_rvf_input){RVX_RVF_SEG_MANIFEST, seg[0], l0};
	in[1] = (struct rvx_rvf_input){RVX_RVF_SEG_CODE, code, sizeof(code)};
	in[2] = (struct rvx_rvf_input){RVX_RVF_SEG_REQUIRED_CAPS, seg[1], l1};
	rvx_rvf_key_id(pub, id);
	check("build package", rvx_rvf_build(in, 3, id, pkg, sizeof(pkg), &len, digest));
	if (br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, digest, &sk, sig) != 64)
		failures++;
	check("sign package", rvx_rvf_attach_signature(pkg, len, sig));
	return len;
}

static const char *kind_name(uint16_t kind)
{
	static const char *const names[] = {
		"none", "boot-stage", "task-spawn", "task-exit", "object-create",
		"object-destroy", "cap-mint", "cap-grant", "cap-revoke", "cap-delete",
		"region-map", "region-write", "queue-create", "queue-send", "queue-recv",
		"vector-put", "graph-apply", "mount", "subscribe", "proof-rejected",
		"attest", "epoch-summary", "checkpoint", "partition-create",
		"partition-destroy", "partition-suspend", "partition-resume", "lease-grant",
		"lease-expire", "lease-revoke", "partition-cap-grant", "fault", "recovery",
		"switch-summary",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "user";
}

/* A synthetic reading: a few slowly drifting "scenes" with noise. */
static void reading(uint32_t step, float out[DIM])
{
	uint32_t scene = step % 3u, x = step * 2654435761u;

	for (uint32_t d = 0; d < DIM; d++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[d] = (float)((scene * 3u + d) % 7u) + (float)(x % 100u) / 400.0f;
	}
}

int main(void)
{
	struct rvx_kernel_config cfg;
	struct rvx_kernel_root root;
	struct rvx_vec_config vc;
	struct rvx_graph_config gc = {64, 256, 0, 0, 11};
	struct rvx_proof_policy pol;
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_kernel_stats st;
	struct rvx_witness_head head;
	struct rvx_witness_report rep;
	rvx_handle_t vstore, gstore, sensor_cap;
	uint64_t required[3], now = 1000000, nonce_p = 1, nonce_r = 1;
	uint32_t sensor, ids[2], perceive, reason, stored = 0, links = 0, events = 0;
	uint8_t pub[65];
	size_t pkg_len;
	int rc;

	if (rvx_port_init() != 0 || rvx_port_entropy(secret, sizeof(secret)) != 0) {
		fprintf(stderr, "hosted port unavailable\n");
		return 1;
	}
	puts("RuVix cognitive demo: an agent pipeline on the nucleus (hosted port)");

	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = region_pool;
	cfg.region_pool_size = sizeof(region_pool);
	cfg.queue_pool = queue_pool;
	cfg.queue_pool_size = sizeof(queue_pool);
	cfg.journal = journal;
	cfg.journal_size = sizeof(journal);
	cfg.witness_ring = ring;
	cfg.witness_records = RING;
	cfg.cpu_count = 1;
	cfg.vec_scratch = scratch;
	cfg.vec_scratch_size = sizeof(scratch);
	cfg.vec_scratch_capacity = VCAP;
	cfg.vec_scratch_ef = 32;
	cfg.period_ns = 1000000;
	cfg.epoch_ns = 5000000; /* queue traffic summarised every 5 ms of kernel time */
	check("boot", rvx_kernel_boot(&kern, &cfg, secret, sizeof(secret), now, &root));
	rvx_vec_config_default(&vc, DIM, VCAP, RVX_VEC_METRIC_L2);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	check("vector store", rvx_kernel_vector_store_create(&kern, 0, &vc, vmem, sizeof(vmem), &pol,
							     RVX_RIGHTS_ALL, &vstore));
	check("graph store", rvx_kernel_graph_store_create(&kern, 0, &gc, gmem, sizeof(gmem), &pol,
							   RVX_RIGHTS_ALL, &gstore));
	check("sensor", rvx_kernel_sensor_register(&kern, 0, SENSOR_TYPE, RVX_RIGHTS_ALL, &sensor,
						   &sensor_cap));
	printf("booted: root task, vector store (dim %u), graph store, sensor %u\n", DIM, sensor);

	pkg_len = build_package(pub);
	check("trust the package key", rvx_kernel_trusted_keys_set(&kern, pub, 1));
	printf("package: %zu bytes, signed with a P-256 key generated for this run\n", pkg_len);
	required[0] = sensor_cap.raw;
	required[1] = vstore.raw;
	required[2] = gstore.raw;
	a = args(root.task.raw);
	a.in = (uint64_t)(uintptr_t)pkg;
	a.in_len = pkg_len;
	a.aux = (uint64_t)(uintptr_t)required;
	a.aux_len = sizeof(required);
	a.out = (uint64_t)(uintptr_t)ids;
	a.out_len = sizeof(ids);
	rc = rvx_syscall(&kern, 0, RVX_SYS_RVF_MOUNT, &a, &r);
	check("mount", rc);
	if (rc != 0)
		return 1;
	perceive = ids[0];
	reason = ids[1];
	printf("mounted: tasks perceive=%u reason=%u, queues readings and percepts\n", perceive,
	       reason);

	/* perceive subscribes its readings queue to the sensor. */
	a = args(slot_handle(perceive, 1));
	a.cap2 = slot_handle(perceive, 0);
	check("subscribe", rvx_syscall(&kern, perceive, RVX_SYS_SENSOR_SUBSCRIBE, &a, &r));

	puts("running (each task is a loop of syscalls issued in its name on this port)");
	for (uint32_t step = 0; step < STEPS; step++) {
		struct rvx_queue_msg_hdr hdr;
		struct rvx_proof_token tok;
		float raw[DIM], emb[DIM], norm = 0;
		uint8_t payload[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(DIM)];
		uint64_t key;

		now += 1000000;
		check("tick", rvx_kernel_tick(&kern, now));
		/* The sensor fires. */
		reading(step, raw);
		memset(&hdr, 0, sizeof(hdr));
		hdr.length = sizeof(raw);
		rc = rvx_kernel_sensor_deliver(&kern, sensor, &hdr, raw);
		check("sensor event", rc);
		events += rc > 0;

		/* perceive: take the reading, embed it, store it under a proof,
		 * tell reason. */
		a = args(slot_handle(perceive, 0));
		a.out = (uint64_t)(uintptr_t)raw;
		a.out_len = sizeof(raw);
		a.aux = (uint64_t)(uintptr_t)&hdr;
		a.aux_len = sizeof(hdr);
		check("perceive: receive", rvx_syscall(&kern, perceive, RVX_SYS_QUEUE_RECV, &a, &r));
		for (uint32_t d = 0; d < DIM; d++)
			norm += raw[d] * raw[d];
		for (uint32_t d = 0; d < DIM; d++)
			emb[d] = norm > 0 ? raw[d] * raw[d] / norm : 0;
		key = 1000u + step;
		a = args(slot_handle(perceive, 3));
		a.arg[0] = key;
		a.arg[1] = RVX_VEC_COHERENCE_ONE;
		a.in = (uint64_t)(uintptr_t)emb;
		a.in_len = sizeof(emb);
		/* The proof covers the coherence claimed with the vector. */
		check("perceive: payload",
		      (int)rvx_syscall_vector_put_payload(RVX_VEC_COHERENCE_ONE, emb, DIM, payload,
							  sizeof(payload)) -
			      (int)sizeof(payload));
		prove(&tok, perceive, a.cap, RVX_SYS_VECTOR_PUT_PROVED, target_of(perceive, a.cap),
		      key, payload, sizeof(payload), nonce_p++);
		a.aux = (uint64_t)(uintptr_t)&tok;
		a.aux_len = sizeof(tok);
		rc = rvx_syscall(&kern, perceive, RVX_SYS_VECTOR_PUT_PROVED, &a, &r);
		check("perceive: proved put", rc);
		stored += rc == 0;
		a = args(slot_handle(perceive, 2));
		a.in = (uint64_t)(uintptr_t)&key;
		a.in_len = sizeof(key);
		check("perceive: send", rvx_syscall(&kern, perceive, RVX_SYS_QUEUE_SEND, &a, &r));

		/* reason: take the key, find its neighbours, link them. */
		{
			struct rvx_vec_hit hits[NEIGHBOURS + 1];
			struct rvx_graph_mutation m;
			uint8_t enc[RVX_GRAPH_MUTATION_BYTES];
			uint64_t got = 0;
			float v[DIM];
			uint32_t n;

			a = args(slot_handle(reason, 0));
			a.out = (uint64_t)(uintptr_t)&got;
			a.out_len = sizeof(got);
			a.aux = (uint64_t)(uintptr_t)&hdr;
			a.aux_len = sizeof(hdr);
			check("reason: receive",
			      rvx_syscall(&kern, reason, RVX_SYS_QUEUE_RECV, &a, &r));
			a = args(slot_handle(reason, 1));
			a.arg[0] = got;
			a.out = (uint64_t)(uintptr_t)v;
			a.out_len = sizeof(v);
			check("reason: read", rvx_syscall(&kern, reason, RVX_SYS_VECTOR_GET, &a, &r));
			a = args(slot_handle(reason, 1));
			a.flags = RVX_SYSCALL_F_QUERY;
			a.in = (uint64_t)(uintptr_t)v;
			a.in_len = sizeof(v);
			a.arg[0] = NEIGHBOURS + 1;
			a.arg[1] = 32;
			a.out = (uint64_t)(uintptr_t)hits;
			a.out_len = sizeof(hits);
			rc = rvx_syscall(&kern, reason, RVX_SYS_VECTOR_GET, &a, &r);
			check("reason: neighbours", rc);
			n = rc == 0 ? (uint32_t)r.value[0] : 0;
			for (uint32_t i = 0; i <= n; i++) {
				memset(&m, 0, sizeof(m));
				if (i == 0) {
					m.kind = RVX_GRAPH_OP_ADD_NODE;
					m.node = got;
					m.meta[0] = (uint8_t)(got % 3u);
				} else if (hits[i - 1].key != got) {
					m.kind = RVX_GRAPH_OP_ADD_EDGE;
					m.node = got;
					m.peer = hits[i - 1].key;
					m.weight = (int32_t)(65536.0f / (1.0f + hits[i - 1].distance));
				} else {
					continue;
				}
				check("encode mutation", rvx_graph_mutation_encode(&m, enc));
				a = args(slot_handle(reason, 2));
				a.in = (uint64_t)(uintptr_t)&m;
				a.in_len = sizeof(m);
				prove(&tok, reason, a.cap, RVX_SYS_GRAPH_APPLY_PROVED,
				      target_of(reason, a.cap), m.node, enc, sizeof(enc), nonce_r++);
				a.aux = (uint64_t)(uintptr_t)&tok;
				a.aux_len = sizeof(tok);
				rc = rvx_syscall(&kern, reason, RVX_SYS_GRAPH_APPLY_PROVED, &a, &r);
				check("reason: proved graph update", rc);
				links += rc == 0 && i > 0;
			}
		}
	}

	/* A forged proof must be refused, and witnessed as refused. */
	{
		struct rvx_proof_token tok;
		float emb[DIM] = {1, 1, 1, 1, 1, 1, 1, 1};
		uint8_t payload[RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(DIM)];

		a = args(slot_handle(perceive, 3));
		a.arg[0] = 1;
		a.in = (uint64_t)(uintptr_t)emb;
		a.in_len = sizeof(emb);
		check("forged: payload",
		      (int)rvx_syscall_vector_put_payload(0, emb, DIM, payload, sizeof(payload)) -
			      (int)sizeof(payload));
		prove(&tok, perceive, a.cap, RVX_SYS_VECTOR_PUT_PROVED, target_of(perceive, a.cap), 1,
		      payload, sizeof(payload), nonce_p++);
		tok.tag[0] ^= 1;
		a.aux = (uint64_t)(uintptr_t)&tok;
		a.aux_len = sizeof(tok);
		rc = rvx_syscall(&kern, perceive, RVX_SYS_VECTOR_PUT_PROVED, &a, &r);
		printf("a forged proof for a vector put: %s\n", rc == -RVX_EPROOF ? "refused" : "ACCEPTED");
		if (rc != -RVX_EPROOF)
			failures++;
	}

	check("stats", rvx_kernel_stats(&kern, &st));
	printf("\nsummary: %u sensor events, %u vectors stored under proofs, %u graph nodes and %u "
	       "edges (%u links made), %u tasks, %u queues, %" PRIu64 " witness records\n",
	       events, stored, rvx_graph_node_count(&kern.gstores[0].graph),
	       rvx_graph_edge_count(&kern.gstores[0].graph), links, st.tasks, st.queues,
	       st.witness_records);
	if (stored != STEPS || events != STEPS || links == 0)
		failures++;

	puts("\nwitness log (tail):");
	puts("     seq  kind            actor  target              digest");
	for (uint32_t i = kern.ring.count > 12 ? kern.ring.count - 12 : 0; i < kern.ring.count; i++) {
		struct rvx_witness_record rec;

		rvx_witness_record_decode(rvx_witness_ring_at(&kern.ring, i), &rec);
		printf("  %6" PRIu64 "  %-14s  %5" PRIu32 "  0x%016" PRIx64 "  %02x%02x%02x%02x..\n",
		       rec.sequence, kind_name(rec.kind), rec.actor, rec.target, rec.args_digest[0],
		       rec.args_digest[1], rec.args_digest[2], rec.args_digest[3]);
	}

	check("head", rvx_kernel_witness_head(&kern, &head));
	rc = rvx_witness_verify(rvx_witness_ring_at(&kern.ring, 0), kern.ring.count, NULL,
				&kern.journal, &head, &rep);
	printf("\nchain verification (%u records against the journal and the head): %s, head ",
	       kern.ring.count, rc == 0 ? "OK" : "FAILED");
	for (int i = 0; i < 8; i++)
		printf("%02x", head.head[i]);
	printf("..\n");
	if (rc != 0 || kern.ring.count != head.count)
		failures++;
	if (failures != 0) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	puts("everything behaved");
	return 0;
}
