/* SPDX-License-Identifier: Apache-2.0 */
/* Block devices for the persist tests: memory with fault injection, and a
 * file (pread/pwrite, flush by fdatasync when asked). */
#ifndef PDEV_H
#define PDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ruvix/persist.h"

/* What the memory device does at its write limit. */
enum mdev_fault {
	MDEV_STOP = 0,    /* write number `limit` and every later one fail, nothing written */
	MDEV_TEAR = 1,    /* write number `limit` writes its first half only, then all fail */
	MDEV_REORDER = 2, /* as STOP, and at the crash the first write since the last flush
			   * is lost too (a cache that wrote later blocks first) */
};

struct mdev {
	uint8_t *img;
	uint32_t bs;
	uint64_t count;
	uint64_t writes;  /* writes attempted */
	uint64_t flushes;
	uint64_t limit;   /* UINT64_MAX: none */
	enum mdev_fault fault;
	bool dead;
	/* REORDER: the first block written since the last flush, as it was. */
	bool undo_valid;
	uint64_t undo_lba;
	uint8_t *undo;
};

void mdev_init(struct mdev *m, uint32_t bs, uint64_t count);
void mdev_free(struct mdev *m);
struct rvx_persist_dev mdev_dev(struct mdev *m);
/* Arm a fault at write number `limit` (0-based). */
void mdev_arm(struct mdev *m, uint64_t limit, enum mdev_fault f);
/* The power is cut: apply the fault model's losses and allow reads and
 * writes again (for recovery). */
void mdev_crash(struct mdev *m);

struct fdev {
	int fd;
	uint32_t bs;
	bool sync;
	uint64_t writes, flushes;
};

/* Open (creating, sized to count blocks) a file device. */
int fdev_open(struct fdev *f, const char *path, uint32_t bs, uint64_t count, bool sync);
void fdev_close(struct fdev *f);
struct rvx_persist_dev fdev_dev(struct fdev *f, uint64_t count);

#endif
