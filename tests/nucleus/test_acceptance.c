/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SPEC acceptance run ("Witness log, checkpoint, replay"): boot, mount a
 * signed package (built and signed here), take a sensor event, do a proved
 * vector put of it, read it back, checkpoint, restart (a fresh kernel),
 * restore, replay the journal, and get the identical vector and state hash;
 * the log holds exactly the expected records; replay is no slower than the
 * original run.
 *
 * Where the checkpoint sits: the run is checkpointed once when the event has
 * been taken (C0, the point a crash would restart from) and once at its end
 * (C1, the reference state). The restarted kernel restores C0 and replays
 * the journal from there: the put, the follow-up puts and graph updates.
 * Queue traffic (the sensor event and its receipt) is not journaled (it is
 * summarised per epoch), so it sits before C0. A second test replays across
 * the mount itself, from a checkpoint taken right after boot.
 */
#include <bearssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nk_fixture.h"

TestSuite(nucleus_acceptance, .init = nk_setup);

#define PUTS 8u
#define SAMPLES 9
#define REPS 25

static struct nk_world W2;
static uint8_t ck_boot[1u << 20], ck0[1u << 20], ck1[1u << 20], ck2[1u << 20];
static br_ec_private_key signer;
static uint8_t signer_kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], signer_pub[65];
static uint8_t pkg[16384];
static size_t pkg_len;
static uint8_t pkg_hash[32];
static const uint8_t code[16] = {0xd5, 0x03, 0x20, 0x1f};
static struct rvx_proof_token toks[PUTS + 3];
static float vecs[PUTS][NK_DIM];
static struct rvx_graph_mutation muts[3];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void set_name(char *dst, const char *s)
{
	memset(dst, 0, RVX_RVF_NAME_SIZE);
	memcpy(dst, s, strlen(s));
}

/* A perception and a reasoning task, an events queue, the sensor required. */
static void build_package(void)
{
	static struct rvx_rvf_manifest m;
	static uint8_t seg[2][2048];
	struct rvx_rvf_input in[3];
	br_hmac_drbg_context rng;
	br_ec_public_key pk;
	uint8_t pbuf[BR_EC_KBUF_PUB_MAX_SIZE], id[8], sig[64];
	size_t l0, l1;

	br_hmac_drbg_init(&rng, &br_sha256_vtable, "acceptance signer", 17);
	cr_assert(br_ec_keygen(&rng.vtable, &br_ec_p256_m31, &signer, signer_kbuf,
			       BR_EC_secp256r1) == 32);
	cr_assert(br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, &signer) == 65);
	memcpy(signer_pub, pk.q, 65);

	memset(&m, 0, sizeof(m));
	memcpy(m.name, "agent", 5);
	m.task_count = 2;
	set_name(m.tasks[0].name, "perceive");
	m.tasks[0].code_segment = 1;
	m.tasks[0].stack_size = 4096;
	set_name(m.tasks[1].name, "reason");
	m.tasks[1].code_segment = 1;
	m.tasks[1].entry = 8;
	m.tasks[1].stack_size = 4096;
	m.queue_count = 1;
	set_name(m.queues[0].name, "percepts");
	m.queues[0].slot_count = 8;
	m.queues[0].max_payload = 64;
	m.required_count = 1;
	set_name(m.required[0].name, "camera");
	m.required[0].object_type = RVX_OBJ_SENSOR;
	m.required[0].rights = RVX_RIGHT_READ | RVX_RIGHT_GRANT;
	m.wire_count = 3;
	m.wires[0] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_REQUIRED, .object = 0,
					   .rights = RVX_RIGHT_READ};
	m.wires[1] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_QUEUE, .object = 0,
					   .rights = RVX_RIGHT_WRITE};
	m.wires[2] = (struct rvx_rvf_wire){.task = 1, .kind = RVX_RVF_WIRE_QUEUE, .object = 0,
					   .rights = RVX_RIGHT_READ};
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, seg[0],
					    sizeof(seg[0]), &l0), 0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_REQUIRED_CAPS, &m, NULL, seg[1],
					    sizeof(seg[1]), &l1), 0);
	in[0] = (struct rvx_rvf_input){RVX_RVF_SEG_MANIFEST, seg[0], l0};
	in[1] = (struct rvx_rvf_input){RVX_RVF_SEG_CODE, code, sizeof(code)};
	in[2] = (struct rvx_rvf_input){RVX_RVF_SEG_REQUIRED_CAPS, seg[1], l1};
	rvx_rvf_key_id(signer_pub, id);
	cr_assert_eq(rvx_rvf_build(in, 3, id, pkg, sizeof(pkg), &pkg_len, pkg_hash), 0);
	cr_assert(br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, pkg_hash, &signer,
					sig) == 64);
	cr_assert_eq(rvx_rvf_attach_signature(pkg, pkg_len, sig), 0);
}

/* The embedder's package store for replay. */
static int packages(void *ctx, const uint8_t hash[32], const uint8_t **p, size_t *len)
{
	struct rvx_rvf_package view;

	(void)ctx;
	(void)hash;
	if (ctx != NULL)
		return -RVX_ENOENT;
	cr_assert_eq(rvx_rvf_verify(pkg, pkg_len, &W.k.trusted, &view, NULL), 0);
	if (memcmp(view.package_hash, hash, 32) != 0)
		return -RVX_ENOENT;
	*p = pkg;
	*len = pkg_len;
	return 0;
}

static void mount_and_subscribe(void)
{
	uint64_t req = nk_sensor_cap.raw;
	uint32_t ids[2];
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	a.in = (uint64_t)(uintptr_t)pkg;
	a.in_len = pkg_len;
	a.aux = (uint64_t)(uintptr_t)&req;
	a.aux_len = 8;
	a.out = (uint64_t)(uintptr_t)ids;
	a.out_len = sizeof(ids);
	NK_OK(0, RVX_SYS_RVF_MOUNT, a);
	cr_assert_eq(nk_res.value[2], 2);
	a = nk_args(nk_sensor_cap.raw);
	a.cap2 = nk_queue.raw;
	NK_OK(0, RVX_SYS_SENSOR_SUBSCRIBE, a);
}

/* Deliver one event and receive it: the embedding. */
static void take_event(float emb[NK_DIM])
{
	const float sample[NK_DIM] = {0.25f, -1.5f, 3.0f, 0.125f};
	struct rvx_queue_msg_hdr hdr, got;
	struct rvx_syscall_args a = nk_args(nk_queue.raw);

	memset(&hdr, 0, sizeof(hdr));
	hdr.length = sizeof(sample);
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, nk_sensor, &hdr, sample), 1);
	a.out = (uint64_t)(uintptr_t)emb;
	a.out_len = NK_DIM * sizeof(float);
	a.aux = (uint64_t)(uintptr_t)&got;
	a.aux_len = sizeof(got);
	NK_OK(0, RVX_SYS_QUEUE_RECV, a);
	cr_assert_eq(nk_res.value[0], sizeof(sample));
	cr_assert_eq(got.type_id, 77);
	cr_assert(memcmp(emb, sample, sizeof(sample)) == 0);
}

/* Tokens for the segment after C0, minted once: restoring C0 restores the
 * nonce windows, so every repetition may use them again. */
/* Mint the segment's proofs; @p base moves every nonce on, so that a re-run
 * of the segment after a restore is proved afresh. */
static void mint_segment(const float emb[NK_DIM], uint64_t base)
{
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];

	for (uint32_t i = 0; i < PUTS; i++) {
		for (uint32_t d = 0; d < NK_DIM; d++)
			vecs[i][d] = emb[d] + (float)i * 0.5f;
		nk_proof_put(&toks[i], 0, nk_vstore,
			 nk_target(0, nk_vstore), 100 + i, vecs[i], 0, base + 10 + i);
	}
	memset(muts, 0, sizeof(muts));
	muts[0].kind = RVX_GRAPH_OP_ADD_NODE;
	muts[0].node = 100;
	muts[1].kind = RVX_GRAPH_OP_ADD_NODE;
	muts[1].node = 101;
	muts[2].kind = RVX_GRAPH_OP_ADD_EDGE;
	muts[2].node = 100;
	muts[2].peer = 101;
	muts[2].weight = 1 << 15;
	for (uint32_t i = 0; i < 3; i++) {
		cr_assert_eq(rvx_graph_mutation_encode(&muts[i], enc), 0);
		nk_proof(&toks[PUTS + i], 0, nk_gstore, RVX_SYS_GRAPH_APPLY_PROVED,
			 nk_target(0, nk_gstore), muts[i].node, enc, sizeof(enc), base + 100 + i);
	}
}

/* The original run after C0: proved puts, graph updates, the read back. */
static void segment(float back[NK_DIM])
{
	struct rvx_syscall_result res;
	struct rvx_syscall_args a;

	for (uint32_t i = 0; i < PUTS; i++) {
		a = nk_args(nk_vstore.raw);
		a.arg[0] = 100 + i;
		a.in = (uint64_t)(uintptr_t)vecs[i];
		a.in_len = sizeof(vecs[i]);
		a.aux = (uint64_t)(uintptr_t)&toks[i];
		a.aux_len = sizeof(toks[i]);
		if (rvx_syscall(&W.k, 0, RVX_SYS_VECTOR_PUT_PROVED, &a, &res) != 0)
			cr_assert_fail("put %u", i);
	}
	for (uint32_t i = 0; i < 3; i++) {
		a = nk_args(nk_gstore.raw);
		a.in = (uint64_t)(uintptr_t)&muts[i];
		a.in_len = sizeof(muts[i]);
		a.aux = (uint64_t)(uintptr_t)&toks[PUTS + i];
		a.aux_len = sizeof(toks[i]);
		if (rvx_syscall(&W.k, 0, RVX_SYS_GRAPH_APPLY_PROVED, &a, &res) != 0)
			cr_assert_fail("graph %u", i);
	}
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 100;
	a.out = (uint64_t)(uintptr_t)back;
	a.out_len = NK_DIM * sizeof(float);
	if (rvx_syscall(&W.k, 0, RVX_SYS_VECTOR_GET, &a, &res) != 0)
		cr_assert_fail("get");
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

Test(nucleus_acceptance, boot_mount_event_put_checkpoint_restart_replay)
{
	static const uint16_t expected[] = {
		RVX_WITNESS_BOOT_STAGE,    RVX_WITNESS_TASK_SPAWN,    RVX_WITNESS_QUEUE_CREATE,
		RVX_WITNESS_OBJECT_CREATE, RVX_WITNESS_OBJECT_CREATE, RVX_WITNESS_OBJECT_CREATE,
		RVX_WITNESS_MOUNT,         RVX_WITNESS_SUBSCRIBE,
	};
	struct rvx_witness_head head1, head2;
	struct rvx_syscall_result res;
	struct rvx_syscall_args a;
	float emb[NK_DIM], back[NK_DIM], back2[NK_DIM];
	uint8_t h0[32], h1[32], h2[32];
	uint64_t seq0, replayed, t_orig[SAMPLES], t_rep[SAMPLES];
	size_t n0, n1, n2;
	uint32_t i;
	uint64_t runs = 0;

	build_package();
	cr_assert_eq(rvx_kernel_trusted_keys_set(&W.k, signer_pub, 1), 0);
	mount_and_subscribe();
	take_event(emb);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck0, sizeof(ck0), &n0, h0), 0);
	seq0 = W.k.log.sequence;
	mint_segment(emb, 0);
	segment(back);
	cr_assert(memcmp(back, vecs[0], sizeof(back)) == 0, "read back differs");
	cr_assert(memcmp(vecs[0], emb, sizeof(emb)) == 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, h1), 0);
	rvx_kernel_witness_head(&W.k, &head1);

	/* The log holds exactly the expected records, in order. */
	cr_assert_eq(W.k.ring.count, RVX_ARRAY_COUNT(expected) + PUTS + 3);
	for (i = 0; i < W.k.ring.count; i++) {
		struct rvx_witness_record rec;
		uint16_t want = i < RVX_ARRAY_COUNT(expected) ? expected[i]
			      : i < RVX_ARRAY_COUNT(expected) + PUTS ? RVX_WITNESS_VECTOR_PUT
								     : RVX_WITNESS_GRAPH_APPLY;

		rvx_witness_record_decode(rvx_witness_ring_at(&W.k.ring, i), &rec);
		cr_assert_eq(rec.sequence, i);
		cr_assert_eq(rec.kind, want, "record %u is kind %u, expected %u", i, rec.kind, want);
	}
	{
		struct rvx_witness_report rep;

		cr_assert_eq(rvx_witness_verify(rvx_witness_ring_at(&W.k.ring, 0), W.k.ring.count,
						NULL, &W.k.journal, &head1, &rep), 0);
	}

	/* Restart: a fresh kernel, the same secret and stores; restore C0, replay. */
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq0, ck0, n0, NULL, NULL, &replayed),
		     0);
	cr_assert_eq(replayed, PUTS + 3);
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 100;
	a.out = (uint64_t)(uintptr_t)back2;
	a.out_len = sizeof(back2);
	cr_assert_eq(rvx_syscall(&W2.k, 0, RVX_SYS_VECTOR_GET, &a, &res), 0);
	cr_assert(memcmp(back2, back, sizeof(back)) == 0, "the vector differs after replay");
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert_eq(n2, n1);
	cr_assert(memcmp(h2, h1, 32) == 0, "state hash differs after replay");
	rvx_kernel_witness_head(&W2.k, &head2);
	cr_assert(memcmp(&head1, &head2, sizeof(head1)) == 0, "chain head differs after replay");

	/*
	 * Timing: SAMPLES samples, each REPS repetitions of the original
	 * segment (restore C0 and mint fresh proofs untimed, since a restore
	 * keeps used proofs used, then the puts, graph updates and read
	 * back) and of its replay (restore C0 untimed, then rvx_kernel_replay
	 * over the same journal). The two alternate which goes first from one
	 * sample to the next, and the best sample of each is compared: other
	 * work on the machine (parallel tests, a sanitizer's runtime) only ever
	 * adds time, so the minimum is the estimate noise cannot inflate. The
	 * tolerance of 10% absorbs the timer's own granularity.
	 */
	for (int s = 0; s < SAMPLES; s++) {
		for (int half = 0; half < 2; half++) {
			uint64_t total = 0, t;
			bool replay_now = (half == 0) == (s % 2 == 1);

			for (int r = 0; r < REPS; r++) {
				if (!replay_now) {
					cr_assert_eq(rvx_kernel_restore(&W.k, ck0, n0), 0);
					mint_segment(emb, ++runs * 1000u);
					t = now_ns();
					segment(back);
					total += now_ns() - t;
					continue;
				}
				cr_assert_eq(rvx_kernel_restore(&W2.k, ck0, n0), 0);
				t = now_ns();
				if (rvx_kernel_replay(&W2.k, &W.k.journal, seq0, NULL, 0, NULL, NULL,
						      &replayed) != 0 ||
				    replayed != PUTS + 3)
					cr_assert_fail("replay failed in the timing loop");
				total += now_ns() - t;
			}
			if (replay_now)
				t_rep[s] = total / REPS;
			else
				t_orig[s] = total / REPS;
		}
	}
	/* The last replay re-ran the last original run's journal: the same state. */
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, h1), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert(memcmp(h2, h1, 32) == 0);
	qsort(t_orig, SAMPLES, sizeof(t_orig[0]), cmp_u64);
	qsort(t_rep, SAMPLES, sizeof(t_rep[0]), cmp_u64);
	printf("acceptance: %u journaled mutations after the checkpoint; %d samples x %d runs: "
	       "original best %.2f us (median %.2f), replay best %.2f us (median %.2f), "
	       "ratio of bests %.2f\n",
	       PUTS + 3, SAMPLES, REPS, t_orig[0] / 1e3, t_orig[SAMPLES / 2] / 1e3,
	       t_rep[0] / 1e3, t_rep[SAMPLES / 2] / 1e3, (double)t_rep[0] / (double)t_orig[0]);
	cr_assert(t_rep[0] * 10u <= t_orig[0] * 11u,
		  "replay (best %llu ns) slower than the original run (best %llu ns)",
		  (unsigned long long)t_rep[0], (unsigned long long)t_orig[0]);
}

Test(nucleus_acceptance, replay_across_the_mount)
{
	struct rvx_witness_head head1, head2;
	float emb[NK_DIM] = {1, 2, 3, 4}, back[NK_DIM];
	uint8_t hb[32], h1[32], h2[32];
	uint64_t seqb, replayed;
	size_t nb, n1, n2;

	build_package();
	cr_assert_eq(rvx_kernel_trusted_keys_set(&W.k, signer_pub, 1), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck_boot, sizeof(ck_boot), &nb, hb), 0);
	seqb = W.k.log.sequence;
	mount_and_subscribe();
	mint_segment(emb, 0);
	segment(back);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, h1), 0);
	rvx_kernel_witness_head(&W.k, &head1);

	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_trusted_keys_set(&W2.k, signer_pub, 1), 0);
	/* without the package: refused at the mount, the kernel as restored */
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seqb, ck_boot, nb, NULL, NULL,
				       &replayed), -RVX_ENOENT);
	cr_assert_eq(replayed, 0);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seqb, ck_boot, nb, packages,
				       (void *)1, &replayed), -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert(n2 == nb && memcmp(h2, hb, 32) == 0, "a refused replay changed the kernel");
	/* with it: the identical state and chain head */
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seqb, ck_boot, nb, packages, NULL,
				       &replayed), 0);
	cr_assert_eq(replayed, 2 + PUTS + 3);
	cr_assert_eq(W2.k.mounts[0].live, 1);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert_eq(n2, n1);
	cr_assert(memcmp(h2, h1, 32) == 0, "state hash differs after replay across the mount");
	rvx_kernel_witness_head(&W2.k, &head2);
	cr_assert(memcmp(&head1, &head2, sizeof(head1)) == 0);
}
