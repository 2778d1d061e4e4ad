/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The writer of the SIGKILL crash test: recover the disk file (or format
 * it), then make journaled mutations forever, persisting each and printing
 * "A <seq> <head>" on stdout once it is acknowledged (appended and flushed),
 * with a checkpoint every 50 records ("C <seq>"). Its parent kills it.
 *   persist-crash-child DISK [sync]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pdev.h"
#include "pk.h"

#define BLOCKS 4096u

static struct pk_world w;

static void say(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(1, s, n);

		if (k <= 0)
			_exit(4);
		s += k;
		n -= (size_t)k;
	}
}

static void on_ack(void *ctx, uint64_t seq, const struct rvx_witness_head *h)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "A %llu ", (unsigned long long)seq);

	(void)ctx;
	for (int i = 0; i < 32; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x", h != NULL ? h->head[i] : 0);
	line[n++] = '\n';
	say(line, (size_t)n);
}

int main(int argc, char **argv)
{
	struct rvx_persist_report r;
	struct rvx_persist p;
	struct rvx_persist_dev d;
	struct fdev f;
	uint64_t replayed;
	char line[96];
	int rc, n;

	if (argc < 2 || fdev_open(&f, argv[1], 512, BLOCKS, argc > 2 && strcmp(argv[2], "sync") == 0) != 0)
		return 2;
	d = fdev_dev(&f, BLOCKS);
	rc = pk_recover(&w, &p, &d, &r, &replayed);
	if (rc == -RVX_ENOENT && r.superblocks == 0)
		rc = pk_format(&w, &p, &d, 0xC0FFEE);
	if (rc != 0) {
		n = snprintf(line, sizeof(line), "E %d\n", rc);
		say(line, (size_t)n);
		return 3;
	}
	n = snprintf(line, sizeof(line), "R %llu %llu\n", (unsigned long long)p.next_seq,
		     (unsigned long long)r.torn_entries);
	say(line, (size_t)n);
	for (;;) {
		uint64_t seq = p.next_seq;

		if (pk_step(&w, seq) != 0 || pk_sync(&w, &p, on_ack, NULL) != 0)
			return 5;
		if (p.next_seq % 50u == 0) {
			if (pk_checkpoint(&w, &p) != 0)
				return 6;
			n = snprintf(line, sizeof(line), "C %llu\n", (unsigned long long)p.next_seq);
			say(line, (size_t)n);
		}
	}
}
