/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Figures for lib/persist: the latency of rvx_persist_append() until the
 * frame is durable (a 160-byte frame, one 512-byte block, then flush) on a
 * file device with fdatasync and without (page cache only), and the time
 * rvx_persist_open() takes against the number of frames on the device.
 *   bench-persist [DIR]   (DIR holds the scratch file; default ".")
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pdev.h"

static uint8_t scratch[RVX_PERSIST_BLOCK_MAX];
static uint8_t frame[160];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void latency(const char *path, bool sync, unsigned n)
{
	struct rvx_persist p;
	struct rvx_persist_dev d;
	struct fdev f;
	uint64_t *t = calloc(n, sizeof(*t));

	unlink(path);
	if (t == NULL || fdev_open(&f, path, 512, n + 64u, sync) != 0) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(1);
	}
	d = fdev_dev(&f, n + 64u);
	if (rvx_persist_format(&p, &d, scratch, 1, NULL, 0, 0) != 0)
		exit(1);
	for (unsigned i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		frame[0] = (uint8_t)i;
		if (rvx_persist_append(&p, i, frame, sizeof(frame)) != 0) {
			fprintf(stderr, "append %u failed\n", i);
			exit(1);
		}
		t[i] = now_ns() - t0;
	}
	qsort(t, n, sizeof(*t), cmp);
	printf("append-to-durable, file device, %-14s %6u appends: median %8.1f us, p99 %8.1f us\n",
	       sync ? "fdatasync:" : "no fdatasync:", n, (double)t[n / 2u] / 1e3,
	       (double)t[n * 99u / 100u] / 1e3);
	fdev_close(&f);
	unlink(path);
	free(t);
}

static void recovery(unsigned frames, unsigned spare)
{
	struct rvx_persist_report r;
	struct rvx_persist p;
	struct rvx_persist_dev d;
	struct mdev m;
	uint64_t t0, best = UINT64_MAX;

	mdev_init(&m, 512, frames + spare + 8u);
	d = mdev_dev(&m);
	if (rvx_persist_format(&p, &d, scratch, 1, NULL, 0, 0) != 0)
		exit(1);
	for (unsigned i = 0; i < frames; i++)
		if (rvx_persist_append(&p, i, frame, sizeof(frame)) != 0)
			exit(1);
	for (int k = 0; k < 3; k++) {
		t0 = now_ns();
		if (rvx_persist_open(&p, &d, scratch, NULL, 0, NULL, 0, &r) != 0 || r.frames != frames)
			exit(1);
		t0 = now_ns() - t0;
		best = t0 < best ? t0 : best;
	}
	printf("recovery (memory device, 512 B blocks): %7u frames, %7u blocks scanned: %8.2f ms "
	       "(%.2f us/block)\n",
	       frames, (unsigned)r.scanned, (double)best / 1e6,
	       (double)best / 1e3 / (double)r.scanned);
	mdev_free(&m);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	char path[4096];

	snprintf(path, sizeof(path), "%s/bench-persist.img", dir);
	latency(path, true, 500);
	latency(path, false, 5000);
	recovery(1000, 0);
	recovery(10000, 0);
	recovery(100000, 0);
	recovery(1000, 99000);
	return 0;
}
