/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A crash test by real SIGKILL: a child process (persist-crash-child)
 * appends to a disk file and prints each acknowledged sequence; the parent
 * kills it at a random moment, recovers the file itself (restore and replay
 * through the nucleus), checks that every acknowledged record is there with
 * the chain head the child saw, and starts the child again on the same file.
 * PERSIST_SEED and PERSIST_ROUNDS override the seed and the round count.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pdev.h"
#include "pk.h"

static struct pk_world V;
static char out[1u << 22];

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Run the child for `us` microseconds, then SIGKILL it; its output in `out`. */
static size_t run_child(const char *child, const char *disk, unsigned us)
{
	int fds[2];
	size_t len = 0;
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(child, child, disk, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	usleep(us);
	kill(pid, SIGKILL);
	for (;;) {
		ssize_t n = read(fds[0], out + len, sizeof(out) - 1u - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	out[len] = 0;
	return len;
}

Test(persist_sigkill, nothing_acknowledged_is_lost, .timeout = 600)
{
	const char *child = getenv("PERSIST_CHILD");
	const char *seed_s = getenv("PERSIST_SEED");
	const char *rounds_s = getenv("PERSIST_ROUNDS");
	uint64_t seed = seed_s != NULL ? strtoull(seed_s, NULL, 0) : 0x5eed;
	unsigned rounds = rounds_s != NULL ? (unsigned)atoi(rounds_s) : 40;
	char disk[] = "/tmp/rvx-persist-XXXXXX";
	uint64_t expect_next = 0, acks = 0, max_extra = 0, torn = 0, ckpts = 0, killed_acking = 0;
	bool formatted = false;
	int fd;

	cr_assert_not_null(child, "PERSIST_CHILD names the child program");
	fd = mkstemp(disk);
	cr_assert_geq(fd, 0);
	close(fd);
	for (unsigned round = 0; round < rounds; round++) {
		struct rvx_persist_report r;
		struct rvx_persist p;
		struct rvx_persist_dev d;
		struct fdev f;
		uint64_t replayed, acked_next = 0, started = 0;
		char last_head[65] = "";
		unsigned us = 2000u + (unsigned)(rnd(&seed) % 40000u);
		char *line, *save = NULL;
		size_t len = run_child(child, disk, us);
		bool complete_last = len > 0 && out[len - 1] == '\n';

		/* Only whole lines count: the kill may cut the last one. */
		for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
			unsigned long long a, b;
			char hex[65];

			if (save != NULL && *save == 0 && !complete_last)
				break;
			if (sscanf(line, "R %llu %llu", &a, &b) == 2) {
				/* the child recovered what the parent recovered */
				if (formatted)
					cr_assert_eq(a, expect_next, "round %u", round);
				formatted = true;
				started = 1;
				acked_next = a;
			} else if (sscanf(line, "A %llu %64s", &a, hex) == 2) {
				cr_assert_eq(a, acked_next, "acks in order");
				acked_next = a + 1u;
				memcpy(last_head, hex, sizeof(hex));
				acks++;
			} else if (sscanf(line, "C %llu", &a) == 1) {
				ckpts++;
			} else {
				cr_assert_fail("round %u: child said '%s'", round, line);
			}
		}
		if (!started)
			continue; /* killed before it recovered: nothing new */
		cr_assert_eq(fdev_open(&f, disk, 512, 4096, false), 0);
		d = fdev_dev(&f, 4096);
		cr_assert_eq(pk_recover(&V, &p, &d, &r, &replayed), 0, "round %u", round);
		fdev_close(&f);
		cr_assert_geq(p.next_seq, acked_next, "round %u: acknowledged %llu, recovered %llu",
			      round, (unsigned long long)acked_next,
			      (unsigned long long)p.next_seq);
		if (p.next_seq - acked_next > max_extra)
			max_extra = p.next_seq - acked_next;
		if (p.next_seq != acked_next)
			killed_acking++;
		torn += r.torn_entries;
		if (p.next_seq == acked_next && last_head[0] != 0) {
			struct rvx_witness_head h;
			char hex[65];

			rvx_kernel_witness_head(&V.k, &h);
			cr_assert_eq(h.count, acked_next);
			for (int i = 0; i < 32; i++)
				snprintf(hex + 2 * i, 3, "%02x", h.head[i]);
			cr_assert_str_eq(hex, last_head, "round %u: chain head", round);
		}
		expect_next = p.next_seq;
	}
	unlink(disk);
	cr_assert_gt(acks, 0);
	fprintf(stderr,
		"persist sigkill: %u rounds (seed %#llx), %llu acknowledged records, 0 lost, "
		"%llu checkpoints, %llu rounds recovered a written-but-unacknowledged record "
		"(at most %llu), %llu torn tails dropped\n",
		rounds, (unsigned long long)(seed_s != NULL ? strtoull(seed_s, NULL, 0) : 0x5eed),
		(unsigned long long)acks, (unsigned long long)ckpts,
		(unsigned long long)killed_acking, (unsigned long long)max_extra,
		(unsigned long long)torn);
}
