/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FAT parser fuzzer. An input is a sparse 34 MiB disk: records of a 4-byte
 * little-endian byte offset, a 2-byte length and that many bytes, laid in
 * order over zeros (tests/fuzz/make_fat_corpus.sh writes real mkfs.fat +
 * mtools volumes this way). Each input is mounted twice, without and with
 * the full check, and, when the plain mount succeeds, its whole tree is
 * walked through the VFS: every directory listed, every entry looked up by
 * the name readdir gave, every file read to its end. Then:
 *   - the block callback is never asked for a block outside the disk;
 *   - every refusal is -RVX_EINVAL with a damage reason, or the depth or
 *     length bound of a path (-RVX_ELIMIT);
 *   - when the full check accepted the volume, the walk meets no damage at
 *     all and reads exactly each file's size: the full check and the lazy
 *     checks agree.
 * Built as a libFuzzer target with clang; replay_main.c feeds the corpus
 * to the same function in every hosted build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fat fuzz invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                              \
			abort();                                               \
		}                                                              \
	} while (0)

#define DISK_BYTES (34u << 20)
#define CHUNKS_MAX 512u

struct chunk {
	uint32_t off, len;
	const uint8_t *bytes;
};

static struct chunk chunks[CHUNKS_MAX];
static unsigned chunk_count;
static uint8_t scratch[RVX_FS_FAT_SCRATCH];
static uint8_t bitmap[(DISK_BYTES / 512 + 2 + 7) / 8];
static struct rvx_fs_fat fat;
static struct rvx_fs_vfs vfs;
static struct rvx_fs_mount mounts[1];
static struct rvx_fs_file files[RVX_FS_DEPTH_MAX + 4];
static unsigned budget; /* entries visited, so one input stays fast */
static bool full_ok;

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	uint64_t start = lba * 512, end = start + (uint64_t)count * 512;

	(void)ctx;
	CHECK(count > 0 && end <= DISK_BYTES);
	memset(buf, 0, (size_t)count * 512);
	for (unsigned i = 0; i < chunk_count; i++) {
		uint64_t a = chunks[i].off, b = a + chunks[i].len;

		if (b <= start || a >= end)
			continue;
		if (a < start)
			a = start;
		if (b > end)
			b = end;
		memcpy((uint8_t *)buf + (a - start), chunks[i].bytes + (a - chunks[i].off), b - a);
	}
	return 0;
}

static void refused(int ret)
{
	CHECK(ret == -RVX_EINVAL || ret == -RVX_ELIMIT);
	if (ret == -RVX_EINVAL)
		CHECK(fat.damage != RVX_FS_FAT_OK);
	CHECK(!full_ok || ret == -RVX_ELIMIT);
}

static void walk(const char *path, unsigned depth)
{
	static uint8_t buf[4096];
	struct rvx_fs_dirent e;
	rvx_handle_t h;
	int ret = rvx_fs_open(&vfs, path, RVX_FS_O_READ, &h);

	if (ret != 0) {
		refused(ret);
		return;
	}
	while (budget > 0 && (ret = rvx_fs_readdir(&vfs, h, &e)) == 1) {
		char sub[RVX_FS_PATH_MAX + RVX_FS_NAME_MAX + 8];
		struct rvx_fs_stat st;
		rvx_handle_t fh;
		int len;

		budget--;
		CHECK(e.name_len >= 1 && e.name_len <= RVX_FS_NAME_MAX);
		CHECK(strlen(e.name) == e.name_len && memchr(e.name, '/', e.name_len) == NULL);
		len = snprintf(sub, sizeof(sub), "%s/%s", strcmp(path, "/") == 0 ? "" : path, e.name);
		CHECK(len > 0 && (size_t)len < sizeof(sub));
		ret = rvx_fs_stat(&vfs, sub, &st);
		if (ret != 0) {
			refused(ret);
			continue;
		}
		if (st.type == RVX_FS_TYPE_DIR) {
			if (depth < RVX_FS_DEPTH_MAX)
				walk(sub, depth + 1);
			continue;
		}
		ret = rvx_fs_open(&vfs, sub, RVX_FS_O_READ, &fh);
		if (ret != 0) {
			refused(ret);
			continue;
		}
		uint64_t got = 0;
		int n;

		while ((n = rvx_fs_read(&vfs, fh, buf, sizeof(buf))) > 0)
			got += (uint64_t)n;
		if (n < 0)
			refused(n);
		else
			CHECK(got == st.size);
		CHECK(rvx_fs_close(&vfs, fh) == 0);
	}
	if (ret < 0)
		refused(ret);
	CHECK(rvx_fs_close(&vfs, h) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rvx_fs_fat_config c = {
		.read = disk_read,
		.block_count = DISK_BYTES / 512,
		.scratch = scratch,
		.scratch_size = sizeof(scratch),
	};
	enum rvx_fs_fat_damage why;
	size_t p = 0;
	int ret;

	chunk_count = 0;
	while (p + 6 <= size && chunk_count < CHUNKS_MAX) {
		uint32_t off = ((uint32_t)data[p] | (uint32_t)data[p + 1] << 8 |
				(uint32_t)data[p + 2] << 16 | (uint32_t)data[p + 3] << 24) %
			       DISK_BYTES;
		uint32_t len = (uint32_t)data[p + 4] | (uint32_t)data[p + 5] << 8;

		p += 6;
		if (len > size - p)
			len = (uint32_t)(size - p);
		if (len > DISK_BYTES - off)
			len = DISK_BYTES - off;
		chunks[chunk_count++] = (struct chunk){off, len, data + p};
		p += len;
	}

	c.bitmap = bitmap;
	c.bitmap_size = sizeof(bitmap);
	ret = rvx_fs_fat_mount(&fat, &c, &why);
	CHECK(ret == 0 || (ret == -RVX_EINVAL && why != RVX_FS_FAT_OK));
	full_ok = ret == 0;

	c.bitmap = NULL;
	c.bitmap_size = 0;
	ret = rvx_fs_fat_mount(&fat, &c, &why);
	CHECK(ret == 0 || (ret == -RVX_EINVAL && why != RVX_FS_FAT_OK));
	CHECK(!full_ok || ret == 0);
	if (ret != 0)
		return 0;
	CHECK(rvx_fs_vfs_init(&vfs, mounts, 1, files, RVX_FS_DEPTH_MAX + 4) == 0);
	CHECK(rvx_fs_mount(&vfs, "/", &rvx_fs_fat_ops, &fat) == 0);
	budget = 2000;
	walk("/", 0);
	return 0;
}
