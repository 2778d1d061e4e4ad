/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The named benchmark programs that run other benchmark programs: one
 * source built three times, as ruvix-vs-linux, syscall-bench and
 * proof-overhead (BENCH_SUITE picks the list). Each runs its programs one
 * after another from the build directory it lives in, under a header line
 * "=== program: what it measures ===", and passes their output through
 * unchanged, so every figure of every program is in its output. A program
 * the build left out (a missing optional dependency, another architecture)
 * is named with the reason; a program that fails makes the suite fail.
 *
 * Usage: ruvix-vs-linux | syscall-bench | proof-overhead [--list]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct prog {
	const char *path; /* relative to the bench directory of the build */
	const char *arg[2]; /* up to two arguments; "@BUILD@" is the build directory */
	const char *what;
	const char *absent; /* why it may be missing */
};

#if BENCH_SUITE == 1
static const char suite[] = "ruvix-vs-linux";
static const struct prog progs[] = {
	{"bench-foundation", {NULL},
	 "capability check vs faccessat, queue vs pipe, one-way latency across CPUs vs one cache line, "
	 "pipe and eventfd",
	 NULL},
	{"bench-tasks", {NULL}, "hosted task hand-offs and creation vs Linux threads", NULL},
	{"buddy/bench-buddy", {NULL}, "page allocator vs posix_memalign", NULL},
	{"net/bench-net", {NULL}, "lib/net frames per second through rx and tx", NULL},
	{"vecgraph/bench_hnsw", {NULL}, "vector store vs hnswlib (recall/QPS), graph store throughput",
	 "needs a C++ compiler and libhnswlib-dev"},
	{"coherence/bench-coherence", {"-o", "@BUILD@"},
	 "placement vs round-robin, METIS and Scotch (table, CSV, PNG)",
	 "needs libmetis-dev and libscotch-dev"},
	{"coherence/bench-coherence-hosted", {NULL},
	 "placement of hosted kernel tasks vs round-robin", "needs -Dcoherence=enabled"},
};
#elif BENCH_SUITE == 2
static const char suite[] = "syscall-bench";
static const struct prog progs[] = {
	{"bench-syscall", {NULL}, "each of the twelve syscalls through the dispatcher; the queue pair "
				"beside a pipe",
	 NULL},
	{"bench-gate", {NULL}, "a syscall from a component through the hosted gate beside a direct call",
	 "x86-64 hosts only"},
	{"sched/bench-sched", {NULL}, "pick-next from 8 to 4096 tasks, timers, memory per task", NULL},
	{"hyp/bench-hyp", {NULL}, "partition switch bookkeeping, lease checks, stage-2 map/unmap", NULL},
};
#elif BENCH_SUITE == 3
static const char suite[] = "proof-overhead";
static const struct prog progs[] = {
	{"proof/bench-proof", {NULL}, "proof verification per tier vs raw BearSSL", NULL},
	{"witness/bench-witness", {NULL},
	 "witness append (portable vs SHA instructions), verification, checkpoints", NULL},
};
#else
#error "BENCH_SUITE must be 1, 2 or 3"
#endif

#define NPROGS (sizeof(progs) / sizeof(progs[0]))

int main(int argc, char **argv)
{
	char self[PATH_MAX], dir[PATH_MAX], build[PATH_MAX + 8];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int failed = 0, list = argc > 1 && strcmp(argv[1], "--list") == 0;

	if (argc > 1 && !list) {
		fprintf(stderr, "usage: %s [--list]\n", suite);
		return 2;
	}
	if (n <= 0) {
		fprintf(stderr, "%s: cannot find its own path: %s\n", suite, strerror(errno));
		return 2;
	}
	self[n] = '\0';
	snprintf(dir, sizeof(dir), "%s", dirname(self));
	snprintf(build, sizeof(build), "%s/..", dir);
	for (size_t i = 0; i < NPROGS; i++) {
		char path[PATH_MAX + 64];
		char *args[4];
		int na = 1;
		pid_t pid;
		int st;

		snprintf(path, sizeof(path), "%s/%s", dir, progs[i].path);
		if (list) {
			printf("%-34s %s\n", progs[i].path, progs[i].what);
			continue;
		}
		printf("=== %s: %s ===\n", progs[i].path, progs[i].what);
		fflush(stdout);
		if (access(path, X_OK) != 0) {
			printf("(not built in this configuration: %s)\n\n",
			       progs[i].absent ? progs[i].absent : "unexpected");
			if (!progs[i].absent)
				failed = 1;
			continue;
		}
		args[0] = path;
		for (int a = 0; a < 2 && progs[i].arg[a]; a++)
			args[na++] = strcmp(progs[i].arg[a], "@BUILD@") == 0 ? build
									    : (char *)progs[i].arg[a];
		args[na] = NULL;
		if (posix_spawn(&pid, path, NULL, NULL, args, environ) != 0 ||
		    waitpid(pid, &st, 0) != pid) {
			printf("(could not run %s: %s)\n\n", path, strerror(errno));
			failed = 1;
			continue;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("(%s failed: status %d)\n\n", progs[i].path, st);
			failed = 1;
			continue;
		}
		printf("\n");
		fflush(stdout);
	}
	return failed;
}
