/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hosted kernel runtime (ruvix/hosted_krt.h): nucleus tasks on host
 * threads, blocking receives with timeouts, timer waits, wakes across CPUs,
 * faults contained, kills; packages' component code mapped and run (the
 * component demo end to end, twice, and on one CPU); a component without
 * PROVE gets no proof key and no put; one that writes into its own code
 * faults and is contained.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../examples/component_run.h"
#include "ruvix/hosted_krt.h"
#include "ruvix/ruvix.h"
#include "ruvix/user.h"

#define STACK ((size_t)64 * 1024)

RVX_KERNEL_DEFINE(kern);
static struct rvx_hkrt rt;
static alignas(64) uint8_t region_pool[16384];
static alignas(64) uint8_t queue_pool[16384];
static alignas(64) uint8_t journal[256 * 1024];
static alignas(64) uint8_t ring[1024 * 64];
static alignas(64) uint8_t scratch[16384];
static alignas(64) uint8_t vmem[64 * 1024];
static void *stacks;
static struct rvx_kernel_root root;
static rvx_handle_t q, q2;

/* What the tasks saw, for the test to check after the run. */
static int rc_a, rc_b;
static uint64_t t_a, t_b, got;
static uint32_t child_id, child_cpu;

static void boot(rvx_hkrt_entry_fn root_fn, const rvx_hkrt_entry_fn *natives, uint32_t n,
		 uint32_t cpus)
{
	struct rvx_kernel_config cfg;
	struct rvx_hkrt_cfg hc;
	uint8_t secret[32] = {1, 2, 3};

	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = region_pool;
	cfg.region_pool_size = sizeof(region_pool);
	cfg.queue_pool = queue_pool;
	cfg.queue_pool_size = sizeof(queue_pool);
	cfg.journal = journal;
	cfg.journal_size = sizeof(journal);
	cfg.witness_ring = ring;
	cfg.witness_records = 1024;
	cfg.cpu_count = cpus;
	cfg.vec_scratch = scratch;
	cfg.vec_scratch_size = sizeof(scratch);
	cfg.vec_scratch_capacity = 64;
	cfg.vec_scratch_ef = 32;
	cfg.period_ns = 1000000;
	cr_assert_eq(rvx_kernel_boot(&kern, &cfg, secret, sizeof(secret), 0, &root), 0);
	cr_assert_eq(rvx_kernel_queue_create(&kern, 0, 8, 64, RVX_RIGHTS_ALL, &q), 0);
	cr_assert_eq(rvx_kernel_queue_create(&kern, 0, 8, 64, RVX_RIGHTS_ALL, &q2), 0);
	stacks = mmap(NULL, RVX_KERNEL_TASKS * STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(stacks, MAP_FAILED);
	memset(&hc, 0, sizeof(hc));
	hc.kernel = &kern;
	hc.cpu_count = cpus;
	hc.natives = natives;
	hc.native_count = n;
	hc.root = root_fn;
	hc.stack_size = STACK;
	hc.stacks = stacks;
	hc.stacks_size = RVX_KERNEL_TASKS * STACK;
	hc.tick_ns = 100000;
	hc.slice_ns = 1000000;
	cr_assert_eq(rvx_hkrt_init(&rt, &hc), 0);
}

/* Records of kind @p kind in the log. */
static uint32_t records_of(uint16_t kind)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < kern.ring.count; i++) {
		struct rvx_witness_record rec;

		rvx_witness_record_decode(rvx_witness_ring_at(&kern.ring, i), &rec);
		n += rec.kind == kind;
	}
	return n;
}

static void log_verifies(void)
{
	struct rvx_witness_head head;
	struct rvx_witness_report rep;

	cr_assert_eq(rvx_kernel_witness_head(&kern, &head), 0);
	cr_assert_eq(rvx_witness_verify(rvx_witness_ring_at(&kern.ring, 0), kern.ring.count, NULL,
					&kern.journal, &head, &rep),
		     0);
}

static uint32_t next_index;

static int spawn(rvx_hkrt_entry_fn fn, uint32_t cpu, rvx_handle_t cap, uint32_t rights)
{
	struct rvx_user_spawn sp;
	struct rvx_syscall_capxfer x = {cap.raw, rights, 0};
	uint64_t child_cap;

	memset(&sp, 0, sizeof(sp));
	sp.entry = (uint64_t)(uintptr_t)fn;
	sp.priority = 1;
	sp.cpu = cpu;
	sp.index = next_index != 0 ? next_index++ : 0;
	return rvx_sys_task_spawn(root.task, &sp, &x, 1, &child_cap, &child_id);
}

/* ---- a blocking receive that times out, a timer wait ------------------- */

static void root_waits(const struct rvx_user_start *s)
{
	uint8_t buf[64];
	uint64_t len, t0;

	rvx_user_init(s);
	t0 = rvx_hkrt_now(&rt);
	rc_a = rvx_sys_queue_recv(q, buf, sizeof(buf), NULL, &len, 5000000u);
	t_a = rvx_hkrt_now(&rt) - t0;
	t0 = rvx_hkrt_now(&rt);
	rc_b = rvx_sys_timer_sleep(root.clock, 3000000u);
	t_b = rvx_hkrt_now(&rt) - t0;
}

Test(hkrt, receive_times_out_and_timer_waits)
{
	boot(root_waits, NULL, 0, 1);
	cr_assert_eq(rvx_hkrt_run(&rt), 0);
	cr_assert_eq(rc_a, -RVX_ETIMEDOUT);
	cr_assert_geq(t_a, 5000000u, "the receive waited %lu ns", (unsigned long)t_a);
	cr_assert_eq(rc_b, 0);
	cr_assert_geq(t_b, 3000000u, "the sleep lasted %lu ns", (unsigned long)t_b);
	log_verifies();
}

/* ---- a wake across CPUs --------------------------------------------------- */

static void receiver(const struct rvx_user_start *s)
{
	rvx_handle_t mine = {s->caps[0]};
	uint64_t v = 0, len;

	rvx_user_init(s);
	child_cpu = s->cpu;
	rc_a = rvx_sys_queue_recv(mine, &v, sizeof(v), NULL, &len, RVX_USER_FOREVER);
	got = v;
}

static void root_sends_later(const struct rvx_user_start *s)
{
	uint64_t v = 42;

	rvx_user_init(s);
	cr_assert_eq(spawn(receiver, 1, q, RVX_RIGHT_READ), 0);
	(void)rvx_sys_timer_sleep(root.clock, 2000000u); /* the receiver blocks meanwhile */
	rc_b = rvx_sys_queue_send(q, 1, 0, 0, &v, sizeof(v));
}

/* ---- a short sleep on an idle CPU ends on time, not at the next tick ---- */

static void root_short_sleeps(const struct rvx_user_start *s)
{
	uint64_t t0;

	rvx_user_init(s);
	t0 = rvx_hkrt_now(&rt);
	rc_a = 0;
	for (int i = 0; i < 20; i++)
		rc_a |= rvx_sys_timer_sleep(root.clock, 100000u);
	t_a = rvx_hkrt_now(&rt) - t0;
}

/* One CPU, a 5 ms tick, twenty 100 us sleeps: the idle CPU waits for the
 * kernel's next timer (rvx_kernel_next_timer()), so they take about 2 ms,
 * not 20 ticks (100 ms). */
Test(hkrt, idle_cpu_wakes_for_the_next_timer)
{
	boot(root_short_sleeps, NULL, 0, 1);
	rt.cfg.tick_ns = 5000000u;
	cr_assert_eq(rvx_hkrt_run(&rt), 0);
	cr_assert_eq(rc_a, 0);
	cr_assert_geq(t_a, 20u * 100000u);
	cr_assert_lt(t_a, 50000000u, "twenty 100 us sleeps took %lu ns", (unsigned long)t_a);
}

Test(hkrt, wake_across_cpus)
{
	static const rvx_hkrt_entry_fn natives[] = {receiver};
	struct rvx_hkrt_task_status st;

	boot(root_sends_later, natives, 1, 2);
	cr_assert_eq(rvx_hkrt_run(&rt), 0);
	cr_assert_eq(rc_b, 0);
	cr_assert_eq(rc_a, 0);
	cr_assert_eq(got, 42u);
	cr_assert_eq(child_cpu, 1u);
	cr_assert_eq(rvx_hkrt_task_status(&rt, child_id, &st), 0);
	cr_assert_eq(st.end, RVX_HKRT_END_RETURNED);
	cr_assert_eq(st.cpu, 1u);
	cr_assert_geq(st.runs, 2u, "it ran, blocked and ran again");
	log_verifies();
}

/* ---- a fault contained, a kill -------------------------------------------- */

static volatile int sink;

/* Frames of well under a page, each touched at both ends, so the recursion
 * cannot step over the guard page (under ASan too, whose frames are larger). */
static int deep(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	pad[511] = (char)n;
	return n > 1000000 ? 0 : deep(n + 1) + pad[0] + pad[511];
}

static void overflows(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	sink = deep(0);
}

static void waits_forever(const struct rvx_user_start *s)
{
	rvx_handle_t mine = {s->caps[0]};
	uint64_t v, len;

	rvx_user_init(s);
	rc_b = 1;
	(void)rvx_sys_queue_recv(mine, &v, sizeof(v), NULL, &len, RVX_USER_FOREVER);
	rc_b = 2; /* never: it is killed while it waits */
}

static uint32_t faulty, victim;

static void root_survives(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	next_index = 2; /* tasks 1 and 2: each keeps its status */
	cr_assert_eq(spawn(overflows, 1, q2, RVX_RIGHT_READ), 0);
	faulty = child_id;
	cr_assert_eq(spawn(waits_forever, 1, q, RVX_RIGHT_READ), 0);
	victim = child_id;
	rc_a = rvx_sys_timer_sleep(root.clock, 5000000u);
	cr_assert_eq(rvx_hkrt_kill(&rt, victim), 0);
	/* The root still works after both. */
	rc_a |= rvx_sys_timer_sleep(root.clock, 1000000u);
}

Test(hkrt, fault_contained_and_kill)
{
	static const rvx_hkrt_entry_fn natives[] = {overflows, waits_forever};
	struct rvx_hkrt_task_status st;

	boot(root_survives, natives, 2, 2);
	cr_assert_eq(rvx_hkrt_run(&rt), 0);
	cr_assert_eq(rc_a, 0);
	cr_assert_eq(rvx_hkrt_task_status(&rt, faulty, &st), 0);
	cr_assert_eq(st.end, RVX_HKRT_END_STACK_OVERFLOW);
	cr_assert_eq(st.code, RVX_HKRT_CODE_FAULT);
	cr_assert_eq(rvx_hkrt_task_status(&rt, victim, &st), 0);
	cr_assert_eq(st.end, RVX_HKRT_END_KILLED);
	cr_assert_eq(rc_b, 1);
	cr_assert_eq(records_of(RVX_WITNESS_FAULT), 1u);
	cr_assert_eq(records_of(RVX_WITNESS_TASK_EXIT), 2u);
	log_verifies();
}

/* ---- entries the runtime refuses ------------------------------------------ */

static void not_listed(const struct rvx_user_start *s)
{
	(void)s;
	rc_b = 99; /* never runs */
}

static void root_spawns_unlisted(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	rc_a = spawn(not_listed, 0, q, RVX_RIGHT_READ);
}

Test(hkrt, spawn_outside_the_natives_refused)
{
	boot(root_spawns_unlisted, NULL, 0, 1);
	cr_assert_eq(rvx_hkrt_run(&rt), 0);
	cr_assert_eq(rc_a, -RVX_EINVAL);
	cr_assert_eq(rc_b, 0);
	cr_assert_eq(records_of(RVX_WITNESS_TASK_SPAWN), 1u, "only the root's, at boot");
}

/* ---- package code: the component demo, and a component without PROVE ----- */

static const char *env(const char *name)
{
	const char *v = getenv(name);

	cr_assert_not_null(v, "%s is set by meson test", name);
	return v;
}

Test(hkrt, component_demo_end_to_end)
{
	struct cdemo_result a, b, c;

	cr_assert_eq(cdemo_run(env("RVX_COMPONENT_PKG"), env("RVX_COMPONENT_PUB"), 2, 0, &a), 0);
	cr_assert_eq(a.syscalls_witnessed, RVX_SYS_COUNT);
	for (uint32_t nr = 0; nr < RVX_SYS_COUNT; nr++)
		cr_assert_gt(a.calls[nr], 0u, "syscall %u issued from component code", nr);
	cr_assert(a.log_verified);
	cr_assert_eq(a.vectors, 24u);
	cr_assert_eq(cdemo_run(env("RVX_COMPONENT_PKG"), env("RVX_COMPONENT_PUB"), 2, 0, &b), 0);
	cr_assert_eq(memcmp(a.digest, b.digest, 32), 0, "the store's digest is stable");
	cr_assert_eq(cdemo_run(env("RVX_COMPONENT_PKG"), env("RVX_COMPONENT_PUB"), 1, 0, &c), 0);
	cr_assert_eq(memcmp(a.digest, c.digest, 32), 0, "and the same on one CPU");
	{
		/* The digest the virt image's run of the same sources must print
		 * too (tests/virt: virt-cognitive checks the same file). */
		FILE *f = fopen(env("RVX_STORE_DIGEST"), "r");
		char want[65] = {0}, got[65];

		cr_assert_not_null(f);
		cr_assert_eq(fscanf(f, "%64s", want), 1);
		fclose(f);
		for (int i = 0; i < 32; i++)
			snprintf(got + 2 * i, 3, "%02x", a.digest[i]);
		cr_assert_str_eq(got, want, "the hosted run stores what the target run stores");
	}
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int read_pub(const char *path, uint8_t pub[65])
{
	size_t len, n = 0;
	uint8_t *t = slurp(path, &len);

	for (size_t i = 0; i + 1 < len && n < 65; i += 2)
		pub[n++] = (uint8_t)strtoul((char[3]){(char)t[i], (char)t[i + 1], 0}, NULL, 16);
	free(t);
	return n == 65 ? 0 : -1;
}

Test(hkrt, components_without_prove_or_writing_code_contained)
{
	struct rvx_hkrt_task_status st;
	uint32_t ids[2] = {0, 0};
	struct rvx_vec_config vc;
	struct rvx_proof_policy pol;
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_queue_msg_hdr h;
	rvx_handle_t vstore;
	uint64_t required[2];
	int32_t report[5];
	uint8_t pub[65];
	size_t len;
	uint8_t *pkg = slurp(env("RVX_PROBE_PKG"), &len);
	float v[8];

	boot(NULL, NULL, 0, 1);
	cr_assert_eq(read_pub(env("RVX_COMPONENT_PUB"), pub), 0);
	cr_assert_eq(rvx_kernel_trusted_keys_set(&kern, pub, 1), 0);
	rvx_vec_config_default(&vc, 8, 64, RVX_VEC_METRIC_L2);
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(rvx_kernel_vector_store_create(&kern, 0, &vc, vmem, sizeof(vmem), &pol,
						    RVX_RIGHTS_ALL, &vstore),
		     0);
	required[0] = vstore.raw;
	required[1] = q.raw;
	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = root.task.raw;
	a.in = (uint64_t)(uintptr_t)pkg;
	a.in_len = len;
	a.aux = (uint64_t)(uintptr_t)required;
	a.aux_len = sizeof(required);
	a.out = (uint64_t)(uintptr_t)ids;
	a.out_len = sizeof(ids);
	cr_assert_eq(rvx_hkrt_syscall(&rt, 0, RVX_SYS_RVF_MOUNT, &a, &r), 0);
	cr_assert_eq(rvx_hkrt_run(&rt), 0);

	/* The probe ended normally; the one that wrote into its code faulted. */
	cr_assert_eq(rvx_hkrt_task_status(&rt, ids[0], &st), 0);
	cr_assert_eq(st.end, RVX_HKRT_END_RETURNED);
	cr_assert_eq(rvx_hkrt_task_status(&rt, ids[1], &st), 0);
	cr_assert_eq(st.end, RVX_HKRT_END_FAULT, "W^X: its text is not writable");
	cr_assert_eq(st.image, 1u);
	cr_assert_eq(records_of(RVX_WITNESS_FAULT), 1u);

	/* Its report, taken by the root. */
	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = q.raw;
	a.out = (uint64_t)(uintptr_t)report;
	a.out_len = sizeof(report);
	a.aux = (uint64_t)(uintptr_t)&h;
	a.aux_len = sizeof(h);
	cr_assert_eq(rvx_hkrt_syscall(&rt, 0, RVX_SYS_QUEUE_RECV, &a, &r), 0);
	cr_assert_eq(report[0], -RVX_ERIGHTS, "no key for a capability without PROVE");
	cr_assert_eq(report[1], 0, "the prover stayed empty");
	cr_assert_eq(report[2], 0, "a token can be made with nothing...");
	cr_assert_eq(report[3], -RVX_EPROOF, "...and the kernel refuses it");
	cr_assert_eq(report[4], -RVX_EINVAL, "memory that is not the component's is refused");
	cr_assert_eq(records_of(RVX_WITNESS_PROVE_KEY), 0u);
	cr_assert_eq(records_of(RVX_WITNESS_PROOF_REJECTED), 1u);
	cr_assert_eq(records_of(RVX_WITNESS_VECTOR_PUT), 0u);
	/* Nothing was stored. */
	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = vstore.raw;
	a.arg[0] = 77;
	a.out = (uint64_t)(uintptr_t)v;
	a.out_len = sizeof(v);
	cr_assert_eq(rvx_hkrt_syscall(&rt, 0, RVX_SYS_VECTOR_GET, &a, &r), -RVX_ENOENT);
	log_verifies();
	free(pkg);
}
