/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the fs tests: a disk image in memory behind the block-read
 * callback, which records any read the library asks for outside it.
 */
#ifndef FS_TEST_H
#define FS_TEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/fs.h"

struct disk {
	uint8_t *bytes;
	size_t size;
	uint64_t reads;
	uint64_t outside; /* reads past the end: must stay 0 */
};

static inline int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk *d = ctx;

	d->reads++;
	if (count == 0 || lba > d->size / 512 || count > d->size / 512 - lba) {
		d->outside++;
		return -RVX_EINVAL;
	}
	memcpy(buf, d->bytes + lba * 512, (size_t)count * 512);
	return 0;
}

static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif /* FS_TEST_H */
