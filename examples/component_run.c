/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The component demo's host side (see component_run.h). The host does only
 * what an embedder does: boot, create the objects only it may create (the
 * vector and graph stores, the sensor), trust the signing key, mount the
 * package as the root task, and feed the sensor. Everything the pipeline
 * does is done by the package's own code, through the twelve syscalls.
 */
#define _GNU_SOURCE
#include <bearssl.h>
#include <inttypes.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "component_run.h"
#include "components/pipeline.h"
#include "ruvix/endian.h"
#include "ruvix/hosted_krt.h"
#include "ruvix/port.h"
#include "ruvix/ruvix.h"

#define RING 4096u
#define VCAP 64u
#define STACK ((size_t)64 * 1024)
#define SENSOR_TYPE 0x5E50u

RVX_KERNEL_DEFINE(kern);
static struct rvx_hkrt rt;
static alignas(64) uint8_t region_pool[65536];
static alignas(64) uint8_t queue_pool[65536];
static alignas(64) uint8_t journal[2u << 20];
static alignas(64) uint8_t ring[RING * 64u];
static alignas(64) uint8_t scratch[65536];
static alignas(64) uint8_t vmem[256 * 1024];
static alignas(64) uint8_t gmem[RVX_GRAPH_BYTES(64, 512)];

uint32_t cdemo_syscall_kind(uint32_t nr)
{
	static const uint32_t kind[RVX_SYS_COUNT] = {
		[RVX_SYS_TASK_SPAWN] = RVX_WITNESS_TASK_SPAWN,
		[RVX_SYS_CAP_GRANT] = RVX_WITNESS_CAP_GRANT,
		[RVX_SYS_REGION_MAP] = RVX_WITNESS_REGION_MAP,
		[RVX_SYS_QUEUE_SEND] = RVX_WITNESS_EPOCH_SUMMARY,
		[RVX_SYS_QUEUE_RECV] = RVX_WITNESS_EPOCH_SUMMARY,
		[RVX_SYS_TIMER_WAIT] = RVX_WITNESS_EPOCH_SUMMARY,
		[RVX_SYS_RVF_MOUNT] = RVX_WITNESS_MOUNT,
		[RVX_SYS_ATTEST_EMIT] = RVX_WITNESS_ATTEST,
		[RVX_SYS_VECTOR_GET] = RVX_WITNESS_EPOCH_SUMMARY,
		[RVX_SYS_VECTOR_PUT_PROVED] = RVX_WITNESS_VECTOR_PUT,
		[RVX_SYS_GRAPH_APPLY_PROVED] = RVX_WITNESS_GRAPH_APPLY,
		[RVX_SYS_SENSOR_SUBSCRIBE] = RVX_WITNESS_SUBSCRIBE,
	};

	return nr < RVX_SYS_COUNT ? kind[nr] : 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* A public key file: 65 bytes in hex (whitespace ignored). */
static int read_pub(const char *path, uint8_t pub[65])
{
	size_t len = 0, n = 0;
	uint8_t *text = read_file(path, &len);
	int hi = -1;

	if (text == NULL)
		return -1;
	for (size_t i = 0; i < len && n < 65; i++) {
		int c = text[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			pub[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	free(text);
	return n == 65 && pub[0] == 4 ? 0 : -1;
}

static struct rvx_syscall_args args(uint64_t cap)
{
	struct rvx_syscall_args a;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = cap;
	return a;
}

static const char *end_name(uint32_t e)
{
	static const char *const n[] = {"running", "returned", "stack overflow", "fault",
					"killed", "bad entry"};

	return e < sizeof(n) / sizeof(n[0]) ? n[e] : "?";
}

static const char *const sys_names[RVX_SYS_COUNT] = {
	"TaskSpawn", "CapGrant", "RegionMap", "QueueSend", "QueueRecv", "TimerWait",
	"RvfMount", "AttestEmit", "VectorGet", "VectorPutProved", "GraphApplyProved",
	"SensorSubscribe",
};

int cdemo_run(const char *pkg_path, const char *pub_path, uint32_t cpus, int verbose,
	      struct cdemo_result *out)
{
	struct rvx_kernel_config cfg;
	struct rvx_kernel_root root;
	struct rvx_vec_config vc;
	struct rvx_graph_config gc = {64, 512, 0, 0, 11};
	struct rvx_proof_policy pol;
	struct rvx_hkrt_cfg hc;
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_witness_head head;
	struct rvx_witness_report rep;
	rvx_handle_t vstore, gstore, sensor_cap;
	uint8_t secret[32], pub[65], pkg_hash[32];
	uint64_t required[4], t_mount, t_first, t0, t1;
	uint32_t sensor, ids[8] = {0}, ntasks;
	br_sha256_context sc;
	size_t pkg_len = 0;
	uint8_t *pkg;
	void *stacks;
	int failures = 0, rc;

	memset(out, 0, sizeof(*out));
	pkg = read_file(pkg_path, &pkg_len);
	if (pkg == NULL || read_pub(pub_path, pub) != 0 || rvx_port_init() != 0 ||
	    rvx_port_entropy(secret, sizeof(secret)) != 0) {
		fprintf(stderr, "component-demo: cannot read %s or %s\n", pkg_path, pub_path);
		free(pkg);
		return -1;
	}
	stacks = mmap(NULL, RVX_KERNEL_TASKS * STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stacks == MAP_FAILED) {
		free(pkg);
		return -1;
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = region_pool;
	cfg.region_pool_size = sizeof(region_pool);
	cfg.queue_pool = queue_pool;
	cfg.queue_pool_size = sizeof(queue_pool);
	cfg.journal = journal;
	cfg.journal_size = sizeof(journal);
	cfg.witness_ring = ring;
	cfg.witness_records = RING;
	cfg.cpu_count = cpus;
	cfg.vec_scratch = scratch;
	cfg.vec_scratch_size = sizeof(scratch);
	cfg.vec_scratch_capacity = VCAP;
	cfg.vec_scratch_ef = 32;
	cfg.period_ns = 1000000;
	cfg.epoch_ns = 5000000;
	rc = rvx_kernel_boot(&kern, &cfg, secret, sizeof(secret), 0, &root);
	rvx_vec_config_default(&vc, PIPE_DIM, VCAP, RVX_VEC_METRIC_L2);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	if (rc == 0)
		rc = rvx_kernel_vector_store_create(&kern, 0, &vc, vmem, sizeof(vmem), &pol,
						    RVX_RIGHTS_ALL, &vstore);
	if (rc == 0)
		rc = rvx_kernel_graph_store_create(&kern, 0, &gc, gmem, sizeof(gmem), &pol,
						   RVX_RIGHTS_ALL, &gstore);
	if (rc == 0)
		rc = rvx_kernel_sensor_register(&kern, 0, SENSOR_TYPE, RVX_RIGHTS_ALL, &sensor,
						&sensor_cap);
	if (rc == 0)
		rc = rvx_kernel_trusted_keys_set(&kern, pub, 1);
	memset(&hc, 0, sizeof(hc));
	hc.kernel = &kern;
	hc.cpu_count = cpus;
	hc.stack_size = STACK;
	hc.stacks = stacks;
	hc.stacks_size = RVX_KERNEL_TASKS * STACK;
	hc.time_base = 0;
	hc.tick_ns = 200000;
	hc.slice_ns = 2000000;
	hc.spread = 1;
	if (rc == 0)
		rc = rvx_hkrt_init(&rt, &hc);
	if (rc != 0) {
		fprintf(stderr, "component-demo: set-up failed: %s\n", rvx_strerror(rc));
		munmap(stacks, RVX_KERNEL_TASKS * STACK);
		free(pkg);
		return -1;
	}
	if (verbose)
		printf("booted: %u CPUs, vector store (dim %u), graph store, sensor %u; package %s "
		       "(%zu bytes)\n",
		       cpus, PIPE_DIM, sensor, pkg_path, pkg_len);

	/* The root task mounts the package, handing over what it requires. */
	required[0] = sensor_cap.raw;
	required[1] = vstore.raw;
	required[2] = gstore.raw;
	required[3] = root.clock.raw;
	a = args(root.task.raw);
	a.in = (uint64_t)(uintptr_t)pkg;
	a.in_len = pkg_len;
	a.aux = (uint64_t)(uintptr_t)required;
	a.aux_len = sizeof(required);
	a.out = (uint64_t)(uintptr_t)ids;
	a.out_len = sizeof(ids);
	t_mount = rvx_hkrt_now(&rt);
	rc = rvx_hkrt_syscall(&rt, 0, RVX_SYS_RVF_MOUNT, &a, &r);
	if (rc != 0) {
		fprintf(stderr, "component-demo: mount refused: %s\n", rvx_strerror(rc));
		munmap(stacks, RVX_KERNEL_TASKS * STACK);
		free(pkg);
		return -1;
	}
	ntasks = (uint32_t)r.value[2];
	br_sha256_init(&sc);
	br_sha256_update(&sc, pkg, pkg_len);
	br_sha256_out(&sc, pkg_hash);
	if (rvx_kernel_boot_stage(&kern, RVX_KERNEL_BOOT_PACKAGE, pkg_hash) != 0)
		failures++;
	if (verbose)
		printf("mounted: %u component tasks, each at its manifest entry in its own code "
		       "segment (mapped read+execute)\n",
		       ntasks);
	if (rvx_hkrt_sensor_periodic(&rt, sensor, 1000000, 0) != 0)
		failures++;

	t0 = rvx_hkrt_now(&rt);
	rc = rvx_hkrt_run(&rt);
	t1 = rvx_hkrt_now(&rt);
	out->run_ns = t1 - t0;
	if (rc != 0) {
		fprintf(stderr, "component-demo: run failed: %s\n", rvx_strerror(rc));
		failures++;
	}
	rvx_hkrt_times(&rt, NULL, &t_first);
	out->mount_to_first_ns = t_first > t_mount ? t_first - t_mount : 0;
	rvx_hkrt_calls(&rt, out->calls);

	/* How every task ended. */
	for (uint32_t i = 1; i < RVX_KERNEL_TASKS; i++) {
		struct rvx_hkrt_task_status st;

		if (rvx_hkrt_task_status(&rt, i, &st) != 0 || st.generation == 0)
			continue;
		if (st.end == RVX_HKRT_END_RETURNED && st.code == 0)
			out->tasks_ended_ok++;
		else
			out->tasks_ended_bad++;
		if (verbose)
			printf("  task %2u  %s  CPU %u  runs %4" PRIu64 "  calls %5" PRIu64
			       "  ended: %s (code %d)\n",
			       i, st.image ? "component" : "native   ", st.cpu, st.runs, st.traps,
			       end_name(st.end), st.code);
	}

	/* The store's contents, read back. */
	if (rvx_kernel_vector_digest(&kern, 0, vstore, PIPE_KEY(0), PIPE_READINGS + 1u, out->digest,
				     &out->vectors) != 0)
		failures++;

	/* The witness log: traffic summarised, every record verified. */
	if (rvx_kernel_epoch_close(&kern) != 0)
		failures++;
	if (rvx_kernel_witness_head(&kern, &head) != 0)
		failures++;
	out->records = kern.ring.count;
	out->log_verified =
		kern.ring.count == head.count &&
		rvx_witness_verify(rvx_witness_ring_at(&kern.ring, 0), kern.ring.count, NULL,
				   &kern.journal, &head, &rep) == 0;
	for (uint32_t i = 0; i < kern.ring.count; i++) {
		struct rvx_witness_record rec;

		rvx_witness_record_decode(rvx_witness_ring_at(&kern.ring, i), &rec);
		if (rec.kind < 64) {
			out->kinds |= UINT64_C(1) << rec.kind;
			if (rec.actor != 0 && rec.kind != RVX_WITNESS_EPOCH_SUMMARY)
				out->component_kinds |= UINT64_C(1) << rec.kind;
		}
		out->attestations += rec.kind == RVX_WITNESS_ATTEST;
		out->graph_applies += rec.kind == RVX_WITNESS_GRAPH_APPLY;
	}
	for (uint32_t nr = 0; nr < RVX_SYS_COUNT; nr++) {
		uint32_t k = cdemo_syscall_kind(nr);
		/* Traffic, reads and waits are summarised per epoch: the
		 * summary's actor is the epoch, not a task. */
		uint64_t have = k == RVX_WITNESS_EPOCH_SUMMARY ? out->kinds : out->component_kinds;

		if (nr == RVX_SYS_CAP_GRANT)
			have &= (UINT64_C(1) << RVX_WITNESS_CAP_GRANT) |
				(UINT64_C(1) << RVX_WITNESS_PROVE_KEY);
		if (k != 0 && (have & (UINT64_C(1) << k)) != 0)
			out->syscalls_witnessed++;
		if (verbose)
			printf("  syscall %2u %-16s from component code: %5" PRIu64
			       " completed   in the log: %s\n",
			       nr, sys_names[nr], out->calls[nr],
			       k == RVX_WITNESS_EPOCH_SUMMARY
				       ? ((have & (UINT64_C(1) << k)) ? "epoch summary" : "MISSING")
				       : (have & (UINT64_C(1) << k)) ? "yes" : "MISSING");
	}

	/* The checks. */
	for (uint32_t nr = 0; nr < RVX_SYS_COUNT; nr++)
		failures += out->calls[nr] == 0;
	failures += out->syscalls_witnessed != RVX_SYS_COUNT;
	failures += !out->log_verified;
	failures += out->vectors != PIPE_READINGS;
	failures += out->tasks_ended_bad != 0;
	failures += out->tasks_ended_ok != ntasks + 2u; /* the loader's helper and blink too */
	failures += out->attestations != PIPE_READINGS;
	failures += out->graph_applies < PIPE_READINGS;
	if (verbose) {
		printf("witness log: %u records, chain %s against the journal and the head\n",
		       out->records, out->log_verified ? "verified" : "FAILED");
		printf("vector store: %u vectors; digest ", out->vectors);
		for (int i = 0; i < 32; i++)
			printf("%02x", out->digest[i]);
		printf("\n%u attestations, %u graph mutations; run %.1f ms; mount to first "
		       "component instruction %.1f us\n",
		       out->attestations, out->graph_applies, (double)out->run_ns / 1e6,
		       (double)out->mount_to_first_ns / 1e3);
	}
	munmap(stacks, RVX_KERNEL_TASKS * STACK);
	free(pkg);
	return failures;
}
