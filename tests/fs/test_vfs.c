/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VFS over RamFS: mounts (longest prefix, nesting, busy), handles,
 * read/write/seek/readdir/stat/mkdir/unlink, each documented error with
 * every table and the arena checked unchanged after it, and a seeded
 * sequence of operations checked against a reference model.
 */
#include "fs_test.h"

#define NODES 16
#define BLOCKS 8

struct world {
	struct rvx_fs_vfs vfs;
	struct rvx_fs_mount mounts[2];
	struct rvx_fs_file files[4];
	struct rvx_fs_ramfs r1, r2;
	struct rvx_fs_ramfs_node n1[NODES], n2[NODES];
	uint8_t d1[BLOCKS * RVX_FS_RAMFS_BLOCK], d2[BLOCKS * RVX_FS_RAMFS_BLOCK];
	uint32_t l1[BLOCKS], l2[BLOCKS];
};

static struct world W, snap;

static void up(void)
{
	memset(&W, 0, sizeof(W));
	cr_assert_eq(rvx_fs_ramfs_init(&W.r1, W.n1, NODES, W.d1, W.l1, BLOCKS), 0);
	cr_assert_eq(rvx_fs_ramfs_init(&W.r2, W.n2, NODES, W.d2, W.l2, BLOCKS), 0);
	cr_assert_eq(rvx_fs_vfs_init(&W.vfs, W.mounts, 2, W.files, 4), 0);
	cr_assert_eq(rvx_fs_mount(&W.vfs, "/", &rvx_fs_ramfs_ops, &W.r1), 0);
	cr_assert_eq(rvx_fs_mount(&W.vfs, "/mnt/r2", &rvx_fs_ramfs_ops, &W.r2), 0);
}

/* before: the whole world copied; after: byte for byte the same. */
#define SNAP() (snap = W)
#define SAME(what) cr_assert_eq(memcmp(&W, &snap, sizeof(W)), 0, "changed by %s", what)

static int write_file(const char *path, const void *data, size_t len)
{
	rvx_handle_t h;
	int ret = rvx_fs_open(&W.vfs, path, RVX_FS_O_WRITE | RVX_FS_O_CREATE, &h);

	if (ret != 0)
		return ret;
	ret = rvx_fs_write(&W.vfs, h, data, len);
	cr_assert_eq(rvx_fs_close(&W.vfs, h), 0);
	return ret;
}

static int read_file(const char *path, void *buf, size_t len)
{
	rvx_handle_t h;
	int ret = rvx_fs_open(&W.vfs, path, RVX_FS_O_READ, &h);

	if (ret != 0)
		return ret;
	ret = rvx_fs_read(&W.vfs, h, buf, len);
	cr_assert_eq(rvx_fs_close(&W.vfs, h), 0);
	return ret;
}

Test(fs_vfs, init_errors)
{
	struct rvx_fs_vfs v;
	struct rvx_fs_mount m[1];
	struct rvx_fs_file f[1];

	cr_assert_eq(rvx_fs_vfs_init(NULL, m, 1, f, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_vfs_init(&v, NULL, 1, f, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_vfs_init(&v, m, 0, f, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_vfs_init(&v, m, 1, NULL, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_vfs_init(&v, m, 1, f, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_vfs_init(&v, m, 1, f, 0x80000000u), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_ramfs_init(NULL, W.n1, NODES, W.d1, W.l1, BLOCKS), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_ramfs_init(&W.r1, W.n1, 0, W.d1, W.l1, BLOCKS), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_ramfs_init(&W.r1, W.n1, NODES, NULL, W.l1, BLOCKS), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_ramfs_init(&W.r1, W.n1, NODES, NULL, NULL, 0), 0, "no data blocks");
}

Test(fs_vfs, mounts)
{
	static const struct rvx_fs_ops no_read = {0};
	struct rvx_fs_stat st;
	rvx_handle_t h;

	up();
	SNAP();
	cr_assert_eq(rvx_fs_mount(NULL, "/x", &rvx_fs_ramfs_ops, &W.r2), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_mount(&W.vfs, "/x", NULL, &W.r2), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_mount(&W.vfs, "/x", &no_read, &W.r2), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_mount(&W.vfs, "x", &rvx_fs_ramfs_ops, &W.r2), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_mount(&W.vfs, "/..", &rvx_fs_ramfs_ops, &W.r2), -RVX_EPERM);
	cr_assert_eq(rvx_fs_mount(&W.vfs, "/mnt//r2/", &rvx_fs_ramfs_ops, &W.r2), -RVX_EEXIST);
	cr_assert_eq(rvx_fs_mount(&W.vfs, "/y", &rvx_fs_ramfs_ops, &W.r2), -RVX_ENOMEM);
	SAME("refused mounts");

	/* The longest whole-component prefix owns a path. */
	cr_assert_eq(write_file("/mnt/r2/in-r2", "two", 3), 3);
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/mnt"), 0);
	cr_assert_eq(write_file("/mnt/r2x", "one", 3), 3);
	cr_assert_eq(W.r2.free_nodes, NODES - 2, "one file in r2");
	cr_assert_eq(W.r1.free_nodes, NODES - 3, "/mnt and /mnt/r2x in r1");
	cr_assert_eq(rvx_fs_stat(&W.vfs, "/mnt/r2/../r2x", &st), 0);
	cr_assert_eq(st.size, 3);
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/mnt/r2"), -RVX_EEXIST, "a mount point exists");
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/mnt/r2"), -RVX_EPERM, "a mount's root");
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/mnt"), -RVX_EBUSY, "holds a mount point");

	cr_assert_eq(rvx_fs_open(&W.vfs, "/mnt/r2/in-r2", RVX_FS_O_READ, &h), 0);
	SNAP();
	cr_assert_eq(rvx_fs_umount(&W.vfs, "/mnt/r2"), -RVX_EBUSY);
	cr_assert_eq(rvx_fs_umount(&W.vfs, "/mnt/r3"), -RVX_ENOENT);
	cr_assert_eq(rvx_fs_umount(NULL, "/mnt/r2"), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_umount(&W.vfs, "r2"), -RVX_EINVAL);
	SAME("refused umounts");
	cr_assert_eq(rvx_fs_close(&W.vfs, h), 0);
	cr_assert_eq(rvx_fs_umount(&W.vfs, "/mnt/r2/"), 0);
	cr_assert_eq(rvx_fs_stat(&W.vfs, "/mnt/r2/in-r2", &st), -RVX_ENOENT, "now r1's");

	/* Without a "/" mount, paths outside every mount are not found. */
	cr_assert_eq(rvx_fs_umount(&W.vfs, "/"), 0);
	cr_assert_eq(rvx_fs_stat(&W.vfs, "/mnt", &st), -RVX_ENOENT);
}

Test(fs_vfs, handles_and_errors)
{
	rvx_handle_t h, h2, hs[4];
	uint8_t buf[64];

	up();
	cr_assert_eq(write_file("/f", "hello", 5), 5);
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/d"), 0);
	SNAP();
	cr_assert_eq(rvx_fs_open(NULL, "/f", RVX_FS_O_READ, &h), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/f", RVX_FS_O_READ, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/f", 0, &h), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/f", 0x80 | RVX_FS_O_READ, &h), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/f", RVX_FS_O_READ | RVX_FS_O_CREATE, &h), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/nope", RVX_FS_O_READ, &h), -RVX_ENOENT);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/nope/x", RVX_FS_O_WRITE | RVX_FS_O_CREATE, &h),
		     -RVX_ENOENT);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/f/x", RVX_FS_O_READ, &h), -RVX_ETYPE);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/f/x", RVX_FS_O_WRITE | RVX_FS_O_CREATE, &h),
		     -RVX_ETYPE);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/d", RVX_FS_O_WRITE, &h), -RVX_ETYPE);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/../f", RVX_FS_O_READ, &h), -RVX_EPERM);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/bad\x2f..\x2f..", RVX_FS_O_READ, &h), -RVX_EPERM);
	SAME("refused opens");

	cr_assert_eq(rvx_fs_open(&W.vfs, "/f", RVX_FS_O_READ, &h), 0);
	SNAP();
	cr_assert_eq(rvx_fs_write(&W.vfs, h, "x", 1), -RVX_EPERM, "not opened for writing");
	cr_assert_eq(rvx_fs_write(&W.vfs, h, NULL, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_read(&W.vfs, h, NULL, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_readdir(&W.vfs, h, &(struct rvx_fs_dirent){0}), -RVX_ETYPE);
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/f"), -RVX_EBUSY, "open");
	SAME("refused calls on a handle");
	cr_assert_eq(rvx_fs_read(&W.vfs, h, buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_eq(rvx_fs_read(&W.vfs, h, buf, sizeof(buf)), 0, "at the end");
	cr_assert_eq(rvx_fs_seek(&W.vfs, h, 1), 0);
	cr_assert_eq(rvx_fs_read(&W.vfs, h, buf, 2), 2);
	cr_assert_eq(memcmp(buf, "el", 2), 0);
	cr_assert_eq(rvx_fs_close(&W.vfs, h), 0);
	cr_assert_eq(rvx_fs_close(&W.vfs, h), -RVX_ESTALE);
	cr_assert_eq(rvx_fs_read(&W.vfs, h, buf, 1), -RVX_ESTALE);
	cr_assert_eq(rvx_fs_seek(&W.vfs, h, 0), -RVX_ESTALE);
	cr_assert_eq(rvx_fs_close(&W.vfs, rvx_handle_make(99, 1)), -RVX_ESTALE);

	cr_assert_eq(rvx_fs_open(&W.vfs, "/f", RVX_FS_O_WRITE, &h2), 0);
	cr_assert_eq(rvx_fs_read(&W.vfs, h2, buf, 1), -RVX_EPERM, "not opened for reading");
	cr_assert_eq(rvx_fs_close(&W.vfs, h2), 0);
	cr_assert_neq(h.raw, h2.raw, "a reused slot gets a new generation");

	for (int i = 0; i < 4; i++)
		cr_assert_eq(rvx_fs_open(&W.vfs, "/f", RVX_FS_O_READ, &hs[i]), 0);
	SNAP();
	cr_assert_eq(rvx_fs_open(&W.vfs, "/f", RVX_FS_O_READ, &h), -RVX_ENOMEM, "table full");
	SAME("full file table");
}

Test(fs_ramfs, sparse_write_and_growth)
{
	uint8_t buf[3000], want[3000];
	rvx_handle_t h;

	up();
	cr_assert_eq(rvx_fs_open(&W.vfs, "/s", RVX_FS_O_READ | RVX_FS_O_WRITE | RVX_FS_O_CREATE,
				 &h), 0);
	cr_assert_eq(rvx_fs_seek(&W.vfs, h, 2000), 0);
	cr_assert_eq(rvx_fs_write(&W.vfs, h, "xyz", 3), 3);
	cr_assert_eq(rvx_fs_seek(&W.vfs, h, 0), 0);
	memset(buf, 0xee, sizeof(buf));
	cr_assert_eq(rvx_fs_read(&W.vfs, h, buf, sizeof(buf)), 2003);
	memset(want, 0, 2000);
	memcpy(want + 2000, "xyz", 3);
	cr_assert_eq(memcmp(buf, want, 2003), 0, "the gap reads as zeros");
	cr_assert_eq(W.r1.free_blocks, BLOCKS - 4);
	/* Overwrite across a block boundary. */
	cr_assert_eq(rvx_fs_seek(&W.vfs, h, 510), 0);
	cr_assert_eq(rvx_fs_write(&W.vfs, h, "ABCD", 4), 4);
	cr_assert_eq(rvx_fs_seek(&W.vfs, h, 509), 0);
	cr_assert_eq(rvx_fs_read(&W.vfs, h, buf, 6), 6);
	cr_assert_eq(memcmp(buf, "\0ABCD\0", 6), 0);
	cr_assert_eq(rvx_fs_close(&W.vfs, h), 0);
}

Test(fs_ramfs, full_arena_changes_nothing)
{
	static uint8_t big[BLOCKS * RVX_FS_RAMFS_BLOCK + 1];
	char name[32];
	rvx_handle_t h;

	up();
	memset(big, 'b', sizeof(big));
	cr_assert_eq(write_file("/a", big, 3 * RVX_FS_RAMFS_BLOCK), 3 * RVX_FS_RAMFS_BLOCK);
	cr_assert_eq(rvx_fs_open(&W.vfs, "/a", RVX_FS_O_WRITE, &h), 0);
	cr_assert_eq(rvx_fs_seek(&W.vfs, h, 3 * RVX_FS_RAMFS_BLOCK - 1), 0);
	SNAP();
	cr_assert_eq(rvx_fs_write(&W.vfs, h, big, 5 * RVX_FS_RAMFS_BLOCK + 2), -RVX_ENOMEM);
	SAME("a write that does not fit");
	cr_assert_eq(rvx_fs_write(&W.vfs, h, big, 5 * RVX_FS_RAMFS_BLOCK + 1),
		     5 * RVX_FS_RAMFS_BLOCK + 1, "exactly fits");
	cr_assert_eq(W.r1.free_blocks, 0);
	cr_assert_eq(rvx_fs_close(&W.vfs, h), 0);
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/a"), 0);
	cr_assert_eq(W.r1.free_blocks, BLOCKS, "blocks given back");

	for (int i = 1; i < NODES; i++) {
		snprintf(name, sizeof(name), "/n%d", i);
		cr_assert_eq(write_file(name, "", 0), 0);
	}
	SNAP();
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/more"), -RVX_ENOMEM, "no node left");
	cr_assert_eq(rvx_fs_open(&W.vfs, "/more", RVX_FS_O_WRITE | RVX_FS_O_CREATE, &h),
		     -RVX_ENOMEM);
	SAME("no node left");
}

Test(fs_ramfs, directories)
{
	struct rvx_fs_dirent e;
	char long_name[RVX_FS_RAMFS_NAME_MAX + 8];
	rvx_handle_t h;
	int seen = 0;

	up();
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/d"), 0);
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/d/e"), 0);
	cr_assert_eq(write_file("/d/f", "123", 3), 3);
	SNAP();
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/d"), -RVX_EEXIST);
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/d/f/g"), -RVX_ETYPE);
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/x/y"), -RVX_ENOENT);
	cr_assert_eq(rvx_fs_mkdir(NULL, "/z"), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, "/"), -RVX_EEXIST);
	memset(long_name, 'L', sizeof(long_name));
	long_name[0] = '/';
	long_name[RVX_FS_RAMFS_NAME_MAX + 2] = 0;
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, long_name), -RVX_EINVAL, "longer than RamFS names");
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/d"), -RVX_EBUSY, "not empty");
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/d/nope"), -RVX_ENOENT);
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/"), -RVX_EPERM);
	SAME("refused directory calls");
	long_name[RVX_FS_RAMFS_NAME_MAX + 1] = 0;
	cr_assert_eq(rvx_fs_mkdir(&W.vfs, long_name), 0, "the longest name");

	cr_assert_eq(rvx_fs_open(&W.vfs, "/d", RVX_FS_O_READ, &h), 0);
	while (rvx_fs_readdir(&W.vfs, h, &e) == 1) {
		if (strcmp(e.name, "e") == 0) {
			cr_assert_eq(e.type, RVX_FS_TYPE_DIR);
			seen |= 1;
		} else if (strcmp(e.name, "f") == 0) {
			cr_assert(e.type == RVX_FS_TYPE_FILE && e.size == 3);
			seen |= 2;
		} else {
			cr_assert_fail("unexpected %s", e.name);
		}
	}
	cr_assert_eq(seen, 3);
	cr_assert_eq(rvx_fs_seek(&W.vfs, h, 0), -RVX_ETYPE);
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/d/e"), 0);
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/d/f"), 0);
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/d"), -RVX_EBUSY, "open for readdir");
	cr_assert_eq(rvx_fs_close(&W.vfs, h), 0);
	cr_assert_eq(rvx_fs_unlink(&W.vfs, "/d"), 0);
}

/* A node removed behind the VFS's back (straight through the ops) is
 * stale for anyone still holding it, even once its slot is reused. */
Test(fs_ramfs, removed_node_is_stale)
{
	struct rvx_fs_node root, f, g;
	uint8_t b[4];

	up();
	cr_assert_eq(rvx_fs_ramfs_ops.root(&W.r1, &root), 0);
	cr_assert_eq(rvx_fs_ramfs_ops.create(&W.r1, &root, "f", 1, RVX_FS_TYPE_FILE, &f), 0);
	cr_assert_eq(rvx_fs_ramfs_ops.write(&W.r1, &f, 0, "abc", 3), 3);
	cr_assert_eq(rvx_fs_ramfs_ops.unlink(&W.r1, &root, "f", 1), 0);
	cr_assert_eq(rvx_fs_ramfs_ops.create(&W.r1, &root, "g", 1, RVX_FS_TYPE_FILE, &g), 0);
	cr_assert_eq(g.first, f.first, "the slot is reused");
	cr_assert_eq(rvx_fs_ramfs_ops.read(&W.r1, &f, 0, b, 3), -RVX_ESTALE);
	cr_assert_eq(rvx_fs_ramfs_ops.write(&W.r1, &f, 0, "x", 1), -RVX_ESTALE);
	cr_assert_eq(rvx_fs_ramfs_ops.create(&W.r1, &root, "..", 2, RVX_FS_TYPE_DIR, &g),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_fs_ramfs_ops.create(&W.r1, &root, "h", 1, 7, &g), -RVX_EINVAL);
}

/* Seeded operations on 6 names against a model of their contents. */
Test(fs_ramfs, model)
{
	static uint8_t model[6][4096], buf[4096];
	static size_t mlen[6];
	static bool exists[6];
	uint64_t seed = 42;

	up();
	memset(exists, 0, sizeof(exists));
	for (int step = 0; step < 4000; step++) {
		char path[16];
		int k, op, ret;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (int)((seed >> 33) % 6);
		op = (int)((seed >> 40) % 4);
		snprintf(path, sizeof(path), "/mnt/r2/f%d", k);
		if (op == 0) { /* write at an offset */
			size_t off = (seed >> 8) % 1500, len = 1 + (seed >> 20) % 900;
			size_t end = off + len, blocks = 0;
			uint8_t data[900];
			rvx_handle_t h;

			for (size_t i = 0; i < len; i++)
				data[i] = (uint8_t)(step + i);
			for (int j = 0; j < 6; j++)
				if (exists[j])
					blocks += (((j == k && end > mlen[j]) ? end : mlen[j]) + 511) / 512;
			if (!exists[k])
				blocks += (end + 511) / 512;
			ret = rvx_fs_open(&W.vfs, path, RVX_FS_O_WRITE | RVX_FS_O_CREATE, &h);
			cr_assert_eq(ret, 0);
			if (!exists[k]) {
				exists[k] = true;
				mlen[k] = 0;
			}
			cr_assert_eq(rvx_fs_seek(&W.vfs, h, off), 0);
			ret = rvx_fs_write(&W.vfs, h, data, len);
			if (blocks > BLOCKS) {
				cr_assert_eq(ret, -RVX_ENOMEM, "step %d", step);
			} else {
				cr_assert_eq(ret, (int)len, "step %d", step);
				if (off > mlen[k])
					memset(model[k] + mlen[k], 0, off - mlen[k]);
				memcpy(model[k] + off, data, len);
				if (end > mlen[k])
					mlen[k] = end;
			}
			cr_assert_eq(rvx_fs_close(&W.vfs, h), 0);
		} else if (op == 1) { /* remove */
			ret = rvx_fs_unlink(&W.vfs, path);
			cr_assert_eq(ret, exists[k] ? 0 : -RVX_ENOENT, "step %d", step);
			exists[k] = false;
		} else { /* read it all back */
			ret = read_file(path, buf, sizeof(buf));
			if (!exists[k]) {
				cr_assert_eq(ret, -RVX_ENOENT);
				continue;
			}
			cr_assert_eq(ret, (int)mlen[k], "step %d", step);
			cr_assert_eq(memcmp(buf, model[k], mlen[k]), 0, "step %d", step);
		}
	}
}
