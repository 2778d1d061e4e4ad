/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Foundation benchmark: the capability rights check, queue send+receive in
 * one thread, and one-way queue latency between two threads on two CPUs,
 * each beside its Linux reference in the same run.
 *
 * What crosses what:
 *   rvx_cap_check      function call in one thread; no privilege change.
 *   faccessat          a real system call (user -> kernel -> user) and a
 *                      path lookup in the kernel.
 *   rvx_queue send+recv  two library calls in one thread, one address
 *                      space, no system call (the bare library; bench-syscall
 *                      times the nucleus dispatcher with its rights check).
 *   pipe write+read    two system calls in one thread.
 *   one-way latency    half of a ping-pong round trip between two threads
 *                      pinned to CPU 0 and CPU 1 in one process: the queue
 *                      crosses CPUs through shared cache lines only; the
 *                      pipe and eventfd cross CPUs and make two system calls
 *                      per hop (write, then the receiver's polling read).
 *                      The queue and its floor take turns round by round,
 *                      so their ratio compares rounds run under one load.
 *
 * Ratios are printed only between like and like (the cross-CPU queue
 * against one cache line bounced between the same two CPUs); a call beside
 * a system call is shown side by side without a ratio.
 *
 * Every timed call's result is checked; a failure aborts the run.
 */
#define _GNU_SOURCE
#include "bench_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ruvix/cap.h"
#include "ruvix/queue.h"

enum { REPS = 11 };

/*
 * One row: a RuVix path beside a reference. A ratio is printed only when
 * both cross the same boundaries (like with like); otherwise the table says
 * what each crosses and leaves the ratio out.
 */
struct row {
	const char *what;
	double ruvix_ns;
	const char *crosses;
	const char *ref_what;
	double ref_ns;
	const char *ref_crosses;
	int like; /* 1: same boundaries, ratio RuVix / reference is meaningful */
	const char *goal;
};

/* ---------------------------------------------------------------------- */
/* Capability check vs faccessat                                          */

RVX_CAP_SPACE_DEFINE(bench_space, 4, 16, 16);

static double time_cap_check(void)
{
	rvx_handle_t obj, root, child;
	double v[REPS];
	const long iters = 20 * 1000 * 1000;

	BENCH_REQUIRE(RVX_CAP_SPACE_INIT(bench_space) == 0, "space init");
	BENCH_REQUIRE(rvx_cap_object_create(&bench_space, RVX_OBJ_QUEUE, 3, &obj) == 0, "object");
	BENCH_REQUIRE(rvx_cap_mint(&bench_space, 0, obj, RVX_RIGHTS_ALL, 0, &root) == 0, "mint");
	BENCH_REQUIRE(rvx_cap_derive(&bench_space, 0, root, 1, RVX_RIGHT_READ | RVX_RIGHT_WRITE,
				     9, &child) == 0,
		      "derive");
	for (int r = 0; r < REPS; r++) {
		long failures = 0;
		struct rvx_cap_target t = {0};
		uint64_t t0 = bench_now_ns();
		for (long i = 0; i < iters; i++) {
			/* The handle goes through an empty asm so the compiler
			 * cannot hoist the check out of the loop. */
			rvx_handle_t h = child;
			__asm__ volatile("" : "+r"(h.raw));
			int rc = rvx_cap_check(&bench_space, 1, h, RVX_OBJ_QUEUE, RVX_RIGHT_WRITE, &t);
			failures += rc != 0;
			bench_keep(t.badge);
		}
		uint64_t t1 = bench_now_ns();
		BENCH_REQUIRE(failures == 0, "%ld rights checks failed", failures);
		v[r] = (double)(t1 - t0) / (double)iters;
	}
	return bench_median(v, REPS);
}

static double time_faccessat(void)
{
	double v[REPS];
	const long iters = 200 * 1000;

	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = bench_now_ns();
		for (long i = 0; i < iters; i++) {
			int rc = faccessat(AT_FDCWD, "/", R_OK, 0);
			BENCH_REQUIRE(rc == 0, "faccessat: %s", strerror(errno));
		}
		v[r] = (double)(bench_now_ns() - t0) / (double)iters;
	}
	return bench_median(v, REPS);
}

/* ---------------------------------------------------------------------- */
/* Queue send+recv of 8 bytes in one thread vs a pipe                     */

RVX_QUEUE_DEFINE(bench_q1, 64, 64);

static double time_queue_same_thread(void)
{
	double v[REPS];
	const long iters = 20 * 1000 * 1000;
	struct rvx_queue_msg_hdr hdr = {.type_id = 1, .length = 8, .priority = 0};
	struct rvx_queue_msg_hdr in;
	uint64_t payload = 0, out = 0;

	for (int r = 0; r < REPS; r++) {
		long failures = 0;
		uint64_t t0 = bench_now_ns();
		for (long i = 0; i < iters; i++) {
			payload = (uint64_t)i;
			failures += rvx_queue_send(&bench_q1, &hdr, &payload) != 0;
			failures += rvx_queue_recv(&bench_q1, &in, &out, sizeof(out)) != 8;
			failures += out != (uint64_t)i;
		}
		uint64_t t1 = bench_now_ns();
		BENCH_REQUIRE(failures == 0, "%ld queue operations failed", failures);
		v[r] = (double)(t1 - t0) / (double)iters;
	}
	return bench_median(v, REPS);
}

static double time_pipe_same_thread(void)
{
	double v[REPS];
	const long iters = 200 * 1000;
	int fd[2];

	BENCH_REQUIRE(pipe(fd) == 0, "pipe: %s", strerror(errno));
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = bench_now_ns();
		for (long i = 0; i < iters; i++) {
			uint64_t x = (uint64_t)i, y = 0;
			BENCH_REQUIRE(write(fd[1], &x, 8) == 8, "pipe write");
			BENCH_REQUIRE(read(fd[0], &y, 8) == 8 && y == x, "pipe read");
		}
		v[r] = (double)(bench_now_ns() - t0) / (double)iters;
	}
	close(fd[0]);
	close(fd[1]);
	return bench_median(v, REPS);
}

/* ---------------------------------------------------------------------- */
/* One-way latency between two pinned threads: ping-pong, half the RTT    */

/*
 * Cross-CPU figures are the median of many short rounds of PP_TRIPS round
 * trips each (under a millisecond for the queue): on a shared machine a
 * round in which a thread was preempted is an outlier the median drops,
 * where one long round would carry every preemption into the figure.
 */
enum { PP_TRIPS = 2000, PP_LIKE_ROUNDS = 101, PP_SYS_ROUNDS = 21 };

RVX_QUEUE_DEFINE(bench_ping, 64, 64);
RVX_QUEUE_DEFINE(bench_pong, 64, 64);

enum channel { CH_QUEUE, CH_PIPE, CH_EVENTFD, CH_LINE };

/* The hardware floor: one 64-bit word per direction, each on its own cache
 * line, written with release and polled with acquire. Every hop moves at
 * least one line between the CPUs, which nothing can beat. The receiver only
 * reads its word (the values of a round increase, so it waits for the one
 * it expects): a store back to it would move the line a second time and
 * make the floor slower than one line. */
static struct {
	_Alignas(64) _Atomic uint64_t ping;
	_Alignas(64) _Atomic uint64_t pong;
} bench_line;

/*
 * Shared by the two threads, which both read `ch` on every hop. It fills
 * whole cache lines of its own: on the ping thread's stack, a local written
 * every hop (a received header, say) would otherwise share the line holding
 * `ch` and bounce it to the pong thread each round trip, charged to
 * whichever channel is measured (the queue paths write such locals, the
 * bare line does not).
 */
struct pingpong {
	_Alignas(64) enum channel ch;
	int ping_fd[2]; /* pipe: [0] read, [1] write; eventfd: both the same */
	int pong_fd[2];
	atomic_int ready;
	long echo_failures;
};

static void ch_send(struct pingpong *pp, int to_pong, uint64_t x)
{
	if (pp->ch == CH_LINE) {
		/* Values are sent as x + 1 so that 0 means "nothing yet". */
		atomic_store_explicit(to_pong ? &bench_line.pong : &bench_line.ping, x + 1,
				      memory_order_release);
	} else if (pp->ch == CH_QUEUE) {
		struct rvx_queue_msg_hdr hdr = {.type_id = 2, .length = 8};
		struct rvx_queue *q = to_pong ? &bench_pong : &bench_ping;
		BENCH_REQUIRE(rvx_queue_send(q, &hdr, &x) == 0, "queue send");
	} else {
		int fd = to_pong ? pp->pong_fd[1] : pp->ping_fd[1];
		uint64_t v = pp->ch == CH_EVENTFD ? x + 1 : x; /* eventfd rejects 0 */
		BENCH_REQUIRE(write(fd, &v, 8) == 8, "write: %s", strerror(errno));
	}
}

/* Polling receive: spin until a message arrives. */
static uint64_t ch_recv(struct pingpong *pp, int from_pong, uint64_t expect)
{
	if (pp->ch == CH_LINE) {
		_Atomic uint64_t *w = from_pong ? &bench_line.pong : &bench_line.ping;
		uint64_t v;
		while ((v = atomic_load_explicit(w, memory_order_acquire)) <= expect)
			;
		return v - 1;
	}
	if (pp->ch == CH_QUEUE) {
		struct rvx_queue *q = from_pong ? &bench_pong : &bench_ping;
		struct rvx_queue_msg_hdr hdr;
		uint64_t x;
		int rc;
		while ((rc = rvx_queue_recv(q, &hdr, &x, sizeof(x))) == -RVX_EEMPTY)
			;
		BENCH_REQUIRE(rc == 8, "queue recv: %s", rvx_strerror(rc));
		return x;
	}
	int fd = from_pong ? pp->pong_fd[0] : pp->ping_fd[0];
	uint64_t v;
	ssize_t n;
	while ((n = read(fd, &v, 8)) < 0 && errno == EAGAIN)
		;
	BENCH_REQUIRE(n == 8, "read: %s", strerror(errno));
	return pp->ch == CH_EVENTFD ? v - 1 : v;
}

static void *pong_thread(void *arg)
{
	struct pingpong *pp = arg;

	/* Counted in a local and stored once: a store into *pp every round
	 * would bounce the line holding pp->ch, which the other thread reads on
	 * every hop, and charge that to whichever channel is measured. */
	long fails = 0;

	BENCH_REQUIRE(bench_pin(1) == 0, "pin to CPU 1");
	atomic_store(&pp->ready, 1);
	for (long i = 0; i < PP_TRIPS; i++) {
		uint64_t x = ch_recv(pp, 0, (uint64_t)i);
		fails += x != (uint64_t)i;
		ch_send(pp, 1, x);
	}
	pp->echo_failures = fails;
	return NULL;
}

/* Open the channel's file descriptors (the queues and the line are static
 * and left empty by every round). */
static void pingpong_open(struct pingpong *pp, enum channel ch)
{
	*pp = (struct pingpong){.ch = ch};
	if (ch == CH_PIPE) {
		BENCH_REQUIRE(pipe2(pp->ping_fd, O_NONBLOCK) == 0, "pipe2");
		BENCH_REQUIRE(pipe2(pp->pong_fd, O_NONBLOCK) == 0, "pipe2");
	} else if (ch == CH_EVENTFD) {
		int a = eventfd(0, EFD_NONBLOCK), b = eventfd(0, EFD_NONBLOCK);
		BENCH_REQUIRE(a >= 0 && b >= 0, "eventfd");
		pp->ping_fd[0] = pp->ping_fd[1] = a;
		pp->pong_fd[0] = pp->pong_fd[1] = b;
	}
}

static void pingpong_close(struct pingpong *pp)
{
	if (pp->ch == CH_PIPE || pp->ch == CH_EVENTFD) {
		close(pp->ping_fd[0]);
		close(pp->pong_fd[0]);
		if (pp->ch == CH_PIPE) {
			close(pp->ping_fd[1]);
			close(pp->pong_fd[1]);
		}
	}
}

/* One round of PP_TRIPS round trips from CPU 0; returns half the mean. */
static double pingpong_round(struct pingpong *pp)
{
	pthread_t th;

	atomic_store(&pp->ready, 0);
	atomic_store(&bench_line.ping, 0);
	atomic_store(&bench_line.pong, 0);
	pp->echo_failures = 0;
	BENCH_REQUIRE(pthread_create(&th, NULL, pong_thread, pp) == 0, "thread");
	while (!atomic_load(&pp->ready))
		;
	uint64_t t0 = bench_now_ns();
	for (long i = 0; i < PP_TRIPS; i++) {
		ch_send(pp, 0, (uint64_t)i);
		BENCH_REQUIRE(ch_recv(pp, 1, (uint64_t)i) == (uint64_t)i, "echo mismatch");
	}
	uint64_t t1 = bench_now_ns();
	pthread_join(th, NULL);
	BENCH_REQUIRE(pp->echo_failures == 0, "pong saw %ld wrong values", pp->echo_failures);
	return (double)(t1 - t0) / (double)PP_TRIPS / 2.0;
}

/*
 * Median one-way latency of each of @p n channels over @p reps rounds. The
 * channels take turns round by round, so a ratio between two of them
 * compares rounds run under the same load (this machine's CPUs are shared).
 */
static void time_pingpong(const enum channel *ch, int n, int reps, double *out)
{
	struct pingpong pp[4];
	double v[4][PP_LIKE_ROUNDS];

	BENCH_REQUIRE(n <= 4 && reps <= PP_LIKE_ROUNDS, "pingpong arguments");
	BENCH_REQUIRE(bench_pin(0) == 0, "pin to CPU 0");
	for (int c = 0; c < n; c++)
		pingpong_open(&pp[c], ch[c]);
	for (int r = 0; r < reps; r++)
		for (int c = 0; c < n; c++)
			v[c][r] = pingpong_round(&pp[c]);
	for (int c = 0; c < n; c++) {
		pingpong_close(&pp[c]);
		out[c] = bench_median(v[c], reps);
	}
}

int main(void)
{
	double step, read_cost;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	bench_timer_floor(&step, &read_cost);
	printf("RuVix foundation benchmark (x86-64 hosted, median of %d runs)\n", REPS);
	printf("timer: CLOCK_MONOTONIC, smallest step %.0f ns, one read %.1f ns; "
	       "every one-CPU figure is a batch of >= 200k operations;\n"
	       "cross-CPU: median of %d rounds of %d round trips (queue and floor take "
	       "turns), %d for pipe and eventfd\n\n",
	       step, read_cost, PP_LIKE_ROUNDS, PP_TRIPS, PP_SYS_ROUNDS);

	struct row rows[5];
	int n = 0;

	rows[n++] = (struct row){"capability rights check (hot)", time_cap_check(), "call",
				 "faccessat(\"/\", R_OK)", time_faccessat(), "syscall", 0,
				 "<= 2 ns"};
	rows[n++] = (struct row){"queue send+recv 8 B (bare ring)", time_queue_same_thread(),
				 "2 calls", "pipe write+read 8 B", time_pipe_same_thread(),
				 "2 syscalls", 0, "<= 5 ns"};
	if (cpus >= 2) {
		/* The queue and its floor take turns round by round; the
		 * system-call channels are slower and get fewer rounds. */
		static const enum channel like[2] = {CH_QUEUE, CH_LINE};
		static const enum channel sys[2] = {CH_PIPE, CH_EVENTFD};
		double ql[2], ps[2];

		time_pingpong(like, 2, PP_LIKE_ROUNDS, ql);
		time_pingpong(sys, 2, PP_SYS_ROUNDS, ps);
		rows[n++] = (struct row){"queue one-way, CPU0 -> CPU1", ql[0], "shared lines",
					 "one cache line (hw floor)", ql[1],
					 "shared line", 1, "<= 1.3x floor"};
		rows[n++] = (struct row){"queue one-way, CPU0 -> CPU1", ql[0], "shared lines",
					 "pipe, polling receiver", ps[0],
					 "2 syscalls", 0, ""};
		rows[n++] = (struct row){"queue one-way, CPU0 -> CPU1", ql[0], "shared lines",
					 "eventfd, polling receiver", ps[1],
					 "2 syscalls", 0, ""};
	}

	printf("%-33s %8s %-13s %-26s %8s %-12s %-14s %s\n", "RuVix", "ns/op", "crosses",
	       "reference", "ns/op", "crosses", "RuVix/ref", "goal");
	for (int i = 0; i < n; i++) {
		char ratio[32];

		if (rows[i].like)
			snprintf(ratio, sizeof(ratio), "%.2fx", rows[i].ruvix_ns / rows[i].ref_ns);
		else
			snprintf(ratio, sizeof(ratio), "(not like)");
		printf("%-33s %8.2f %-13s %-26s %8.1f %-12s %-14s %s\n", rows[i].what,
		       rows[i].ruvix_ns, rows[i].crosses, rows[i].ref_what, rows[i].ref_ns,
		       rows[i].ref_crosses, ratio, rows[i].goal);
	}
	printf("\ncall: a function call in one thread and address space, no privilege change;\n"
	       "syscall: user -> Linux kernel -> user. A ratio is given only between paths that\n"
	       "cross the same boundaries; the syscall rows show what a Linux program pays for the\n"
	       "same service, not a like-for-like speed-up. The queue rows here are the bare\n"
	       "lib/queue ring; bench-syscall times the same traffic through the nucleus.\n");
	if (cpus < 2)
		printf("(one CPU online: cross-CPU rows skipped)\n");
	printf("\nkernel memory per task table: %zu bytes for %d capability slots\n",
	       (size_t)RVX_CAP_TABLE_BYTES(16), 16);
	return 0;
}
