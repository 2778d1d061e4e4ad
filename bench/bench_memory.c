/* SPDX-License-Identifier: Apache-2.0 */
/*
 * memory-bench: kernel memory per object kind, RuVix beside the nearest
 * Linux object, in the same run.
 *
 * RuVix side: exact byte counts from the types the nucleus and the
 * libraries declare (sizeof and the storage-size formulas). The nucleus
 * keeps fixed tables, so a figure is the bytes one entry of each table the
 * object occupies; a library-level figure (what a port that builds its own
 * tables pays) is given beside it where it differs.
 *
 * Linux side: measured. ROUNDS batches of N objects are created and all kept
 * alive until the end (a batch freed before the next would let the next
 * reuse its slab pages and read as almost free); the growth of the
 * kernel's own memory (Slab + KernelStack + PageTables in /proc/meminfo)
 * over a batch is divided by N; the median batch is reported. Other processes allocate at the same time, so the figure
 * has noise of a few percent on a busy machine; N is large to keep it
 * small. User-space memory (a thread's stack, a pipe's buffered pages) is
 * not counted, on either side.
 *
 * What is compared with what (like with like: the kernel's bookkeeping of
 * one object; a ratio is printed only for these rows):
 *   task         <-> a thread (pthread, 16 KiB user stack not counted)
 *   capability   <-> an open file descriptor (open("/dev/null"): fd slot
 *                    plus its struct file)
 *   region       <-> an anonymous mmap of one page, never touched (VMA only;
 *                    the region's backing memory is not counted either)
 *   queue        <-> a pipe (two fds, two files, the pipe's inode and
 *                    buffer ring; no page buffered) against a queue of 16
 *                    slots of 8-byte payloads (the ring storage counted)
 * No Linux kernel object is comparable for a vector, a graph node or a
 * witness record; those rows have no reference and no ratio (hnswlib's
 * bytes per vector are in bench_hnsw's table).
 */
#include "bench_util.h" /* first: it defines _GNU_SOURCE */

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ruvix/nucleus.h"
#include "ruvix/queue.h"
#include "ruvix/sched.h"
#include "ruvix/vecgraph.h"
#include "ruvix/witness.h"

#define ROUNDS 5

/* Kernel-owned memory in bytes: Slab + KernelStack + PageTables. */
static long long kernel_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long long sum = 0, v;
	int seen = 0;

	BENCH_REQUIRE(f != NULL, "/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %lld kB", &v) == 1 ||
		    sscanf(line, "KernelStack: %lld kB", &v) == 1 ||
		    sscanf(line, "PageTables: %lld kB", &v) == 1) {
			sum += v * 1024;
			seen++;
		}
	}
	fclose(f);
	BENCH_REQUIRE(seen == 3, "/proc/meminfo lacks Slab, KernelStack or PageTables");
	return sum;
}

/* ---- Linux objects ------------------------------------------------------------------- */

static pthread_mutex_t hold_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_cond = PTHREAD_COND_INITIALIZER;
static int hold_release;

static void *held_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&hold_lock);
	while (!hold_release)
		pthread_cond_wait(&hold_cond, &hold_lock);
	pthread_mutex_unlock(&hold_lock);
	return NULL;
}

static double linux_threads(int n)
{
	pthread_t *th = calloc((size_t)n * ROUNDS, sizeof(*th));
	pthread_attr_t attr;
	double v[ROUNDS];

	BENCH_REQUIRE(th != NULL, "oom");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 16384);
	hold_release = 0;
	for (int r = 0; r < ROUNDS; r++) {
		long long b0 = kernel_bytes();
		for (int i = r * n; i < (r + 1) * n; i++)
			BENCH_REQUIRE(pthread_create(&th[i], &attr, held_thread, NULL) == 0,
				      "pthread_create %d", i);
		v[r] = (double)(kernel_bytes() - b0) / n;
	}
	pthread_mutex_lock(&hold_lock);
	hold_release = 1;
	pthread_cond_broadcast(&hold_cond);
	pthread_mutex_unlock(&hold_lock);
	for (int i = 0; i < n * ROUNDS; i++)
		pthread_join(th[i], NULL);
	pthread_attr_destroy(&attr);
	free(th);
	return bench_median(v, ROUNDS);
}

static double linux_fds(int n)
{
	int *fd = calloc((size_t)n * ROUNDS, sizeof(*fd));
	double v[ROUNDS];

	BENCH_REQUIRE(fd != NULL, "oom");
	for (int r = 0; r < ROUNDS; r++) {
		long long b0 = kernel_bytes();
		for (int i = r * n; i < (r + 1) * n; i++) {
			fd[i] = open("/dev/null", O_RDONLY);
			BENCH_REQUIRE(fd[i] >= 0, "open %d: %s", i, strerror(errno));
		}
		v[r] = (double)(kernel_bytes() - b0) / n;
	}
	for (int i = 0; i < n * ROUNDS; i++)
		close(fd[i]);
	free(fd);
	return bench_median(v, ROUNDS);
}

static double linux_mmaps(int n)
{
	void **m = calloc((size_t)n * ROUNDS, sizeof(*m));
	double v[ROUNDS];
	long page = sysconf(_SC_PAGESIZE);

	BENCH_REQUIRE(m != NULL, "oom");
	for (int r = 0; r < ROUNDS; r++) {
		long long b0 = kernel_bytes();
		for (int i = r * n; i < (r + 1) * n; i++) {
			/* Alternating protections keep neighbours from merging
			 * into one VMA. */
			m[i] = mmap(NULL, (size_t)page, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			BENCH_REQUIRE(m[i] != MAP_FAILED, "mmap %d: %s", i, strerror(errno));
		}
		v[r] = (double)(kernel_bytes() - b0) / n;
	}
	for (int i = 0; i < n * ROUNDS; i++)
		munmap(m[i], (size_t)page);
	free(m);
	return bench_median(v, ROUNDS);
}

static double linux_pipes(int n)
{
	int(*p)[2] = calloc((size_t)n * ROUNDS, sizeof(*p));
	double v[ROUNDS];

	BENCH_REQUIRE(p != NULL, "oom");
	for (int r = 0; r < ROUNDS; r++) {
		long long b0 = kernel_bytes();
		for (int i = r * n; i < (r + 1) * n; i++)
			BENCH_REQUIRE(pipe(p[i]) == 0, "pipe %d: %s", i, strerror(errno));
		v[r] = (double)(kernel_bytes() - b0) / n;
	}
	for (int i = 0; i < n * ROUNDS; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	free(p);
	return bench_median(v, ROUNDS);
}

/* ---- table --------------------------------------------------------------------------- */

static void row(const char *kind, double ruvix, const char *composition, const char *ref,
		double linux_b, int nref)
{
	char l[32], ratio[32];

	if (ref) {
		snprintf(l, sizeof(l), "%.0f", linux_b);
		if (linux_b > 0)
			snprintf(ratio, sizeof(ratio), "%.3f", ruvix / linux_b);
		else
			snprintf(ratio, sizeof(ratio), "(noise)");
	} else {
		snprintf(l, sizeof(l), "-");
		snprintf(ratio, sizeof(ratio), "-");
	}
	printf("%-15s %8.0f  %-26s %8s  %-6s  %s\n", kind, ruvix, ref ? ref : "(none)", l, ratio,
	       composition);
	(void)nref;
}

int main(void)
{
	struct rlimit rl;
	const struct rvx_kernel *k = NULL;
	int nfd = 1500; /* per round: ROUNDS x 2 x nfd descriptors held at most */

	/* RuVix: one entry of each nucleus table the object occupies. */
	size_t slot = sizeof(k->cap_slots[0]) + sizeof(k->issuers[0]);
	size_t sched_share = sizeof(k->sched_mem) / RVX_KERNEL_TASKS;
	size_t timer_share = sizeof(k->timer_mem) / RVX_KERNEL_TASKS;
	size_t object = sizeof(k->cap_objects[0]);
	size_t task = sizeof(k->tasks[0]) + sizeof(k->cap_tables[0]) +
		      RVX_KERNEL_SLOTS * slot + sched_share + timer_share + object;
	size_t region = sizeof(k->regions[0]) + sizeof(k->region_policy[0]) + object;
	size_t qstore = RVX_QUEUE_STORAGE_SIZE(16, 8);
	size_t queue = sizeof(k->queues[0]) + sizeof(k->queue_policy[0]) + object + qstore;
	struct rvx_vec_config vc;
	size_t vbytes = 0;
	char vdesc[128], tdesc[200], qdesc[160], rdesc[160];

	rvx_vec_config_default(&vc, 128, 100000, RVX_VEC_METRIC_L2);
	BENCH_REQUIRE(rvx_vec_store_size(&vc, &vbytes) == 0, "vec size");
	snprintf(vdesc, sizeof(vdesc), "128-d float, M %u, store of 100000: %zu B record + index",
		 vc.m, (size_t)RVX_VEC_RECORD_BYTES(128, vc.m0));
	snprintf(tdesc, sizeof(tdesc),
		 "TCB %zu + cap table %zu + %u slots x %zu (slot + issuer) + sched %zu + timer %zu + "
		 "registry %zu",
		 sizeof(k->tasks[0]), sizeof(k->cap_tables[0]), RVX_KERNEL_SLOTS, slot, sched_share,
		 timer_share, object);
	snprintf(rdesc, sizeof(rdesc), "entry %zu + policy %zu + registry %zu (backing not counted)",
		 sizeof(k->regions[0]), sizeof(k->region_policy[0]), object);
	snprintf(qdesc, sizeof(qdesc), "entry %zu + policy %zu + registry %zu + ring storage %zu",
		 sizeof(k->queues[0]), sizeof(k->queue_policy[0]), object, qstore);

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur < 2 * ROUNDS * nfd + 64)
			nfd = ((int)rl.rlim_cur - 64) / (2 * ROUNDS);
	}
	BENCH_REQUIRE(nfd >= 200, "too few file descriptors allowed (%d)", nfd);

	printf("memory-bench: kernel bytes per object, RuVix (exact, from the types) beside Linux\n"
	       "(measured: growth of Slab + KernelStack + PageTables in /proc/meminfo over a batch\n"
	       "of N objects, divided by N; %d batches, all held until the end so no batch reuses\n"
	       "memory freed by another; the median batch). User memory is not\n"
	       "counted on either side.\n\n",
	       ROUNDS);
	double lt = linux_threads(300);
	double lf = linux_fds(2 * nfd);
	double lm = linux_mmaps(8000);
	double lp = linux_pipes(nfd);

	printf("%-15s %8s  %-26s %8s  %-6s  %s\n", "object", "RuVix B", "Linux reference", "Linux B",
	       "ratio", "RuVix composition");
	row("task", (double)task, tdesc, "thread (N=300)", lt, 300);
	row("capability", (double)slot, "cap slot + proof issuer state", "fd + file (N=2x)", lf,
	    2 * nfd);
	row("region", (double)region, rdesc, "mmap 1 page, untouched", lm, 8000);
	row("queue", (double)queue, qdesc, "pipe, empty", lp, nfd);
	row("vector", (double)vbytes / 100000.0, vdesc, NULL, 0, 0);
	row("graph node", (double)RVX_GRAPH_BYTES(100000, 800000) / 100000.0,
	    "store of 100000 nodes, 800000 edges (8 per node), per node incl. its edges", NULL, 0,
	    0);
	row("witness record", (double)RVX_WITNESS_RECORD_SIZE,
	    "64 B chained record in the ring", NULL, 0, 0);
	row("  + journal", (double)RVX_WITNESS_FRAME_SIZE(0),
	    "journal frame of a call without arguments (frame header, record, digest)", NULL, 0,
	    0);
	printf("\nlibrary level (a port's own tables): task control block + %u-slot capability "
	       "table = %zu B\n(RVX_SCHED_TASK_KERNEL_BYTES; goal <= 512 B)\n",
	       RVX_CONFIG_CAP_SLOTS_PER_TASK, (size_t)RVX_SCHED_TASK_KERNEL_BYTES);
	printf("ratio = RuVix / Linux for the kernel's bookkeeping of one object; N for fds is %d,\n"
	       "for pipes %d.\n", 2 * nfd, nfd);
	return 0;
}
