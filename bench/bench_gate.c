/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-gate: the cost of a syscall from a component on the hosted port,
 * side by side with the same call made directly with rvx_syscall(), and the
 * time from a package's mount to its first instruction.
 *
 * The call is a QueueSend + QueueRecv pair (8 bytes, non-blocking), which
 * always succeeds and leaves no witness record; every result is checked and
 * a failure voids the figures. Three ways:
 * - direct: rvx_syscall() on the host thread (no runtime: the floor);
 * - gate, native task: a task of the hosted kernel runtime calling through
 *   its start block's gate (save the task's context, switch to the CPU's
 *   stack, take the kernel lock, rvx_syscall(), switch back);
 * - gate, component: the same from package code (a component image mapped
 *   from a signed package; its buffers are checked against its memory),
 *   timed over the whole run, minus an empty run.
 */
#define _GNU_SOURCE
#include <stdalign.h>
#include <sys/mman.h>

#include "bench_util.h"
#include "ruvix/hosted_krt.h"
#include "ruvix/ruvix.h"

#define STACK ((size_t)64 * 1024)
#define N_DIRECT 200000u
#define BATCH 1000u
#define BATCHES 200u
#define N_COMPONENT 200000u

RVX_KERNEL_DEFINE(kern);
static struct rvx_hkrt rt;
static alignas(64) uint8_t queue_pool[65536];
static alignas(64) uint8_t ring[4096 * 64];
static struct rvx_kernel_root root;
static rvx_handle_t loopq, ctl, out;
static void *stacks;
static double native_ns[BATCHES];

static struct rvx_syscall_args args(uint64_t cap)
{
	struct rvx_syscall_args a;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = cap;
	return a;
}

/* One pair through rvx_syscall() as the root; 0 if both succeeded. */
static int direct_pair(uint64_t v)
{
	struct rvx_syscall_args a = args(loopq.raw);
	struct rvx_syscall_result r;
	struct rvx_queue_msg_hdr h;
	uint64_t back = ~v;

	a.in = (uint64_t)(uintptr_t)&v;
	a.in_len = 8;
	a.arg[0] = 1;
	if (rvx_syscall(&kern, 0, RVX_SYS_QUEUE_SEND, &a, &r) != 0)
		return -1;
	a = args(loopq.raw);
	a.out = (uint64_t)(uintptr_t)&back;
	a.out_len = 8;
	a.aux = (uint64_t)(uintptr_t)&h;
	a.aux_len = sizeof(h);
	if (rvx_syscall(&kern, 0, RVX_SYS_QUEUE_RECV, &a, &r) != 0 || back != v)
		return -1;
	return 0;
}

static void native_root(const struct rvx_user_start *s)
{
	uint64_t len, back;

	rvx_user_init(s);
	for (uint32_t b = 0; b < BATCHES; b++) {
		uint64_t t0 = bench_now_ns();

		for (uint64_t i = 0; i < BATCH; i++) {
			BENCH_REQUIRE(rvx_sys_queue_send(loopq, 1, 0, 0, &i, 8) == 0, "send");
			BENCH_REQUIRE(rvx_sys_queue_recv(loopq, &back, 8, NULL, &len,
							 RVX_USER_NO_WAIT) == 0 &&
					      back == i,
				      "recv");
		}
		native_ns[b] = (double)(bench_now_ns() - t0) / (2.0 * BATCH);
	}
}

static void boot(uint32_t with_root)
{
	static const rvx_hkrt_entry_fn natives[] = {native_root};
	struct rvx_kernel_config cfg;
	struct rvx_hkrt_cfg hc;
	uint8_t secret[32] = {7};

	memset(&cfg, 0, sizeof(cfg));
	cfg.queue_pool = queue_pool;
	cfg.queue_pool_size = sizeof(queue_pool);
	cfg.witness_ring = ring;
	cfg.witness_records = 4096;
	cfg.cpu_count = 1;
	cfg.period_ns = 1000000;
	BENCH_REQUIRE(rvx_kernel_boot(&kern, &cfg, secret, sizeof(secret), 0, &root) == 0, "boot");
	BENCH_REQUIRE(rvx_kernel_queue_create(&kern, 0, 4, 8, RVX_RIGHTS_ALL, &loopq) == 0, "q");
	BENCH_REQUIRE(rvx_kernel_queue_create(&kern, 0, 4, 8, RVX_RIGHTS_ALL, &ctl) == 0, "q");
	BENCH_REQUIRE(rvx_kernel_queue_create(&kern, 0, 4, 16, RVX_RIGHTS_ALL, &out) == 0, "q");
	memset(&hc, 0, sizeof(hc));
	hc.kernel = &kern;
	hc.cpu_count = 1;
	hc.natives = natives;
	hc.native_count = 1;
	hc.root = with_root ? native_root : NULL;
	hc.stack_size = STACK;
	hc.stacks = stacks;
	hc.stacks_size = RVX_KERNEL_TASKS * STACK;
	hc.tick_ns = 1000000;
	hc.slice_ns = 1000000000u;
	BENCH_REQUIRE(rvx_hkrt_init(&rt, &hc) == 0, "runtime");
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	BENCH_REQUIRE(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	BENCH_REQUIRE(buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n, "read %s", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Mount the callloop package, tell it @p n, run it; returns the run's ns. */
static double mount_call[10], start_to_first[10];
static int nruns;

static uint64_t component_run(const uint8_t *pkg, size_t len, const uint8_t pub[65], uint64_t n,
			      uint64_t *mount_to_first)
{
	struct rvx_syscall_args a = args(root.task.raw);
	struct rvx_syscall_result r;
	struct rvx_queue_msg_hdr h;
	uint64_t required[2] = {ctl.raw, out.raw}, report[2] = {9, 9}, t0, t1, tm, tf;

	boot(0);
	BENCH_REQUIRE(rvx_kernel_trusted_keys_set(&kern, pub, 1) == 0, "keys");
	a.in = (uint64_t)(uintptr_t)pkg;
	a.in_len = len;
	a.aux = (uint64_t)(uintptr_t)required;
	a.aux_len = sizeof(required);
	tm = rvx_hkrt_now(&rt);
	BENCH_REQUIRE(rvx_hkrt_syscall(&rt, 0, RVX_SYS_RVF_MOUNT, &a, &r) == 0, "mount");
	mount_call[nruns] = (double)(rvx_hkrt_now(&rt) - tm);
	a = args(ctl.raw);
	a.in = (uint64_t)(uintptr_t)&n;
	a.in_len = 8;
	BENCH_REQUIRE(rvx_hkrt_syscall(&rt, 0, RVX_SYS_QUEUE_SEND, &a, &r) == 0, "ctl");
	t0 = bench_now_ns();
	{
		uint64_t rs = rvx_hkrt_now(&rt);

		BENCH_REQUIRE(rvx_hkrt_run(&rt) == 0, "run");
		rvx_hkrt_times(&rt, NULL, &tf);
		start_to_first[nruns++] = (double)(tf - rs);
	}
	t1 = bench_now_ns();
	rvx_hkrt_times(&rt, NULL, &tf);
	*mount_to_first = tf - tm;
	a = args(out.raw);
	a.out = (uint64_t)(uintptr_t)report;
	a.out_len = sizeof(report);
	a.aux = (uint64_t)(uintptr_t)&h;
	a.aux_len = sizeof(h);
	BENCH_REQUIRE(rvx_hkrt_syscall(&rt, 0, RVX_SYS_QUEUE_RECV, &a, &r) == 0, "report");
	BENCH_REQUIRE(report[0] == 0 && report[1] == n, "the component saw %lu failures",
		      (unsigned long)report[0]);
	return t1 - t0;
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

int main(int argc, char **argv)
{
	const char *pkg_path = argc > 1 ? argv[1] : CALLLOOP_PKG;
	const char *pub_path = argc > 2 ? argv[2] : CALLLOOP_PUB;
	double step, read, direct[20], mtf[5];
	uint64_t empty = UINT64_MAX, full = UINT64_MAX, m;
	uint8_t pub[65];
	size_t len;
	uint8_t *pkg;

	bench_pin(0);
	stacks = mmap(NULL, RVX_KERNEL_TASKS * STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	BENCH_REQUIRE(stacks != MAP_FAILED, "stacks");
	BENCH_REQUIRE(rvx_port_init() == 0, "port");
	bench_timer_floor(&step, &read);
	printf("bench-gate: syscall round trip on the hosted port (QueueSend + QueueRecv, 8 "
	       "bytes; per call)\n");
	printf("timer floor: step %.0f ns, one read %.1f ns\n", step, read);

	/* direct */
	boot(0);
	for (int k = 0; k < 20; k++) {
		uint64_t t0 = bench_now_ns();

		for (uint32_t i = 0; i < N_DIRECT / 20u; i++)
			BENCH_REQUIRE(direct_pair(i) == 0, "direct pair %u", i);
		direct[k] = (double)(bench_now_ns() - t0) / (2.0 * (N_DIRECT / 20u));
	}
	printf("  direct rvx_syscall() (no runtime)          %7.1f ns\n", bench_median(direct, 20));

	/* native task through the gate */
	boot(1);
	BENCH_REQUIRE(rvx_hkrt_run(&rt) == 0, "run");
	printf("  gate, native task of the runtime           %7.1f ns\n",
	       bench_median(native_ns, BATCHES));

	/* component through the gate */
	BENCH_REQUIRE(read_pub(pub_path, pub) == 0, "%s", pub_path);
	pkg = slurp(pkg_path, &len);
	for (int k = 0; k < 5; k++) {
		uint64_t e = component_run(pkg, len, pub, 0, &m), f;

		mtf[k] = (double)m;
		f = component_run(pkg, len, pub, N_COMPONENT, &m);
		empty = e < empty ? e : empty;
		full = f < full ? f : full;
	}
	printf("  gate, component (package code)             %7.1f ns  (best of 5 runs of %u "
	       "pairs, less an empty run)\n",
	       (double)(full - empty) / (2.0 * N_COMPONENT), N_COMPONENT);
	printf("mount to first component instruction: %.1f us (median of 5): the mount call "
	       "%.1f us (copy, verify the signature and hashes, map, mount), run start to the "
	       "first instruction %.1f us\n",
	       bench_median(mtf, 5) / 1e3, bench_median(mount_call, nruns) / 1e3,
	       bench_median(start_to_first, nruns) / 1e3);
	free(pkg);
	return 0;
}
