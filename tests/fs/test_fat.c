/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FAT32 against a real image made at test time by mkfs.fat and mtools
 * (test_main.c, make_images.sh): every path mtools lists is found by a
 * recursive readdir, every file reads back byte for byte (the fragmented
 * one included, in many chunk sizes), long and short names resolve. Then
 * damaged copies (boot sector, chains that loop, cross, leave the disk or
 * the FAT, sizes that lie, bad names): each is refused with -RVX_EINVAL
 * and its own reason, and no read ever leaves the image.
 */
#define _DEFAULT_SOURCE
#include <sys/stat.h>

#include "fs_test.h"

static struct disk D;
static uint8_t scratch[RVX_FS_FAT_SCRATCH];
static uint8_t bitmap[1 << 16];
static struct rvx_fs_fat fat;
static struct rvx_fs_vfs vfs;
static struct rvx_fs_mount mounts[2];
static struct rvx_fs_file files[8];

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", getenv("RVX_FS_IMAGES"), name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void load_image(void)
{
	cr_assert_not_null(getenv("RVX_FS_IMAGES"));
	memset(&D, 0, sizeof(D));
	D.bytes = (uint8_t *)slurp("good.img", &D.size);
}

static void unload_image(void)
{
	free(D.bytes);
	cr_assert_eq(D.outside, 0, "the library read outside the image");
}

TestSuite(fat, .init = load_image, .fini = unload_image);

static struct rvx_fs_fat_config config(bool full)
{
	struct rvx_fs_fat_config c = {
		.read = disk_read,
		.ctx = &D,
		.block_count = D.size / 512,
		.scratch = scratch,
		.scratch_size = sizeof(scratch),
		.bitmap = full ? bitmap : NULL,
		.bitmap_size = full ? sizeof(bitmap) : 0,
	};
	return c;
}

static void mount_vfs(bool full)
{
	struct rvx_fs_fat_config c = config(full);
	enum rvx_fs_fat_damage why;

	cr_assert_eq(rvx_fs_fat_mount(&fat, &c, &why), 0, "damage: %s",
		     rvx_fs_fat_damage_name(why));
	cr_assert_eq(rvx_fs_vfs_init(&vfs, mounts, 2, files, 8), 0);
	cr_assert_eq(rvx_fs_mount(&vfs, "/disk", &rvx_fs_fat_ops, &fat), 0);
}

Test(fat, mount_geometry)
{
	mount_vfs(true);
	cr_assert_eq(fat.bytes_per_sector, 512);
	cr_assert_eq(fat.cluster_bytes, 512);
	cr_assert_gt(fat.cluster_count, 65525u, "a FAT32 by cluster count, not only by BPB");
	cr_assert_eq(fat.root_cluster, 2);
	cr_assert_eq(fat.damage, RVX_FS_FAT_OK);
}

/* Recursive readdir of @path, appending "::/rel" lines like mdir -/ -b. */
static void walk_list(const char *path, const char *rel, char *out, size_t out_size)
{
	struct rvx_fs_dirent e;
	rvx_handle_t h;
	int ret;

	cr_assert_eq(rvx_fs_open(&vfs, path, RVX_FS_O_READ, &h), 0, "%s", path);
	while ((ret = rvx_fs_readdir(&vfs, h, &e)) == 1) {
		char sub[1024], subrel[1024];

		cr_assert_eq(strlen(e.name), e.name_len);
		snprintf(sub, sizeof(sub), "%s/%s", path, e.name);
		snprintf(subrel, sizeof(subrel), "%s%s", rel, e.name);
		strncat(out, "::/", out_size - strlen(out) - 1);
		strncat(out, subrel, out_size - strlen(out) - 1);
		strncat(out, e.type == RVX_FS_TYPE_DIR ? "/\n" : "\n", out_size - strlen(out) - 1);
		if (e.type == RVX_FS_TYPE_DIR) {
			strncat(subrel, "/", sizeof(subrel) - strlen(subrel) - 1);
			walk_list(sub, subrel, out, out_size);
		}
	}
	cr_assert_eq(ret, 0, "%s: %d", path, ret);
	cr_assert_eq(rvx_fs_readdir(&vfs, h, &e), 0, "stays at the end");
	cr_assert_eq(rvx_fs_close(&vfs, h), 0);
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split into sorted lines (in place). */
static size_t sorted_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;

	for (char *s = strtok(text, "\n"); s != NULL && n < max; s = strtok(NULL, "\n"))
		lines[n++] = s;
	qsort(lines, n, sizeof(*lines), line_cmp);
	return n;
}

Test(fat, listing_matches_mtools)
{
	static char ours[1 << 16];
	char *theirs, *a[256], *b[256];
	size_t len, na, nb;

	mount_vfs(true);
	ours[0] = 0;
	walk_list("/disk", "", ours, sizeof(ours));
	theirs = slurp("listing.txt", &len);
	na = sorted_lines(ours, a, 256);
	nb = sorted_lines(theirs, b, 256);
	cr_assert_eq(na, nb, "%zu paths, mtools lists %zu", na, nb);
	cr_assert_geq(na, 70u);
	for (size_t i = 0; i < na; i++)
		cr_assert_str_eq(a[i], b[i]);
	free(theirs);
}

/* Read @path through the VFS in @chunk-byte pieces and compare with src/. */
static void read_compare(const char *path, const char *src, size_t chunk)
{
	char name[512];
	size_t want_len, got = 0;
	char *want;
	uint8_t *buf = malloc(chunk);
	rvx_handle_t h;
	struct rvx_fs_stat st;
	int n;

	snprintf(name, sizeof(name), "src/%s", src);
	want = slurp(name, &want_len);
	cr_assert_eq(rvx_fs_stat(&vfs, path, &st), 0, "%s", path);
	cr_assert_eq(st.type, RVX_FS_TYPE_FILE);
	cr_assert_eq(st.size, want_len, "%s", path);
	cr_assert_eq(rvx_fs_open(&vfs, path, RVX_FS_O_READ, &h), 0, "%s", path);
	while ((n = rvx_fs_read(&vfs, h, buf, chunk)) > 0) {
		cr_assert_leq(got + (size_t)n, want_len);
		cr_assert_eq(memcmp(buf, want + got, (size_t)n), 0, "%s at %zu", path, got);
		got += (size_t)n;
	}
	cr_assert_eq(n, 0, "%s: %d", path, n);
	cr_assert_eq(got, want_len, "%s", path);
	cr_assert_eq(rvx_fs_close(&vfs, h), 0);
	free(want);
	free(buf);
}

Test(fat, every_file_reads_back)
{
	static const char *const names[] = {
		"hello.txt", "world.txt", "empty.txt", "A Long File Name With Spaces.txt",
		"\xc3\xbc" "n" "\xc3\xaf" "c" "\xc3\xb6" "d" "\xc3\xa9" "-\xe5\x90\x8d\xe5\x89\x8d.txt",
		"a.bin", "c.bin", "frag.bin", "big.bin", "dir1/dir2/dir3/deep.bin",
		"many/file-00-with-a-long-name.txt", "many/file-59-with-a-long-name.txt",
	};
	static const size_t chunks[] = {1, 7, 511, 512, 513, 4096, 100000};

	mount_vfs(false);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[512];

		snprintf(path, sizeof(path), "/disk/%s", names[i]);
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++)
			read_compare(path, names[i], chunks[c]);
	}
}

Test(fat, fragmented_file_is_really_fragmented)
{
	size_t len;
	char *chains = slurp("chains.txt", &len), *line = strstr(chains, "::/frag.bin");

	cr_assert_not_null(line);
	cr_assert_not_null(strstr(line, "> <"), "mshowfat shows more than one run: %s", line);
	free(chains);
	mount_vfs(false);
	read_compare("/disk/frag.bin", "frag.bin", 700);
}

Test(fat, seek_and_read_anywhere)
{
	size_t len;
	char *want = slurp("src/big.bin", &len);
	uint8_t buf[1000];
	rvx_handle_t h;
	uint64_t seed = 7;

	mount_vfs(false);
	cr_assert_eq(rvx_fs_open(&vfs, "/disk/big.bin", RVX_FS_O_READ, &h), 0);
	for (int i = 0; i < 300; i++) {
		uint64_t pos, n;
		int got;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		pos = (seed >> 20) % (len + 100);
		n = (seed >> 8) % sizeof(buf);
		cr_assert_eq(rvx_fs_seek(&vfs, h, pos), 0);
		got = rvx_fs_read(&vfs, h, buf, n);
		if (pos >= len) {
			cr_assert_eq(got, 0);
			continue;
		}
		cr_assert_eq((uint64_t)got, pos + n > len ? len - pos : n);
		cr_assert_eq(memcmp(buf, want + pos, (size_t)got), 0, "at %llu",
			     (unsigned long long)pos);
	}
	free(want);
}

Test(fat, names_long_short_and_case)
{
	struct rvx_fs_stat a, b;

	mount_vfs(false);
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk/A Long File Name With Spaces.txt", &a), 0);
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk/a long FILE name with spaces.TXT", &b), 0);
	cr_assert_eq(a.id, b.id, "ASCII case does not matter");
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk/ALONGF~1.TXT", &b), 0, "the 8.3 alias");
	cr_assert_eq(a.id, b.id);
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk/HELLO.TXT", &b), 0);
	cr_assert_eq(b.size, 13);
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk/./dir1/../dir1/dir2//dir3/deep.bin", &b), 0);
	cr_assert_eq(b.size, 70000);
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk/dir1", &b), 0);
	cr_assert_eq(b.type, RVX_FS_TYPE_DIR);
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk", &b), 0);
	cr_assert_eq(b.type, RVX_FS_TYPE_DIR);
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk/nope.txt", &b), -RVX_ENOENT);
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk/hello.txt/x", &b), -RVX_ETYPE);
	cr_assert_eq(rvx_fs_stat(&vfs, "/disk/../../etc", &b), -RVX_EPERM);
	cr_assert_eq(rvx_fs_stat(&vfs, "/elsewhere", &b), -RVX_ENOENT, "no mount owns it");
}

Test(fat, read_only)
{
	rvx_handle_t h;

	mount_vfs(false);
	cr_assert_eq(rvx_fs_open(&vfs, "/disk/hello.txt", RVX_FS_O_WRITE, &h), -RVX_EPERM);
	cr_assert_eq(rvx_fs_open(&vfs, "/disk/new.txt", RVX_FS_O_WRITE | RVX_FS_O_CREATE, &h),
		     -RVX_EPERM);
	cr_assert_eq(rvx_fs_mkdir(&vfs, "/disk/newdir"), -RVX_EPERM);
	cr_assert_eq(rvx_fs_unlink(&vfs, "/disk/hello.txt"), -RVX_EPERM);
	cr_assert_eq(rvx_fs_open(&vfs, "/disk/dir1", RVX_FS_O_READ, &h), 0);
	cr_assert_eq(rvx_fs_read(&vfs, h, scratch, 10), -RVX_ETYPE);
}

Test(fat, mount_errors)
{
	struct rvx_fs_fat_config c = config(true);
	struct rvx_fs_fat before;
	enum rvx_fs_fat_damage why;

	memset(&fat, 0x5a, sizeof(fat));
	before = fat;
	cr_assert_eq(rvx_fs_fat_mount(NULL, &c, &why), -RVX_EINVAL);
	cr_assert_eq(rvx_fs_fat_mount(&fat, NULL, &why), -RVX_EINVAL);
	c.read = NULL;
	cr_assert_eq(rvx_fs_fat_mount(&fat, &c, &why), -RVX_EINVAL);
	c = config(true);
	c.scratch_size = 1000;
	cr_assert_eq(rvx_fs_fat_mount(&fat, &c, &why), -RVX_EBUFSMALL);
	c = config(true);
	c.bitmap_size = 100;
	cr_assert_eq(rvx_fs_fat_mount(&fat, &c, &why), -RVX_EBUFSMALL);
	c = config(false);
	c.block_count = D.size / 512 / 2;
	cr_assert_eq(rvx_fs_fat_mount(&fat, &c, &why), -RVX_EINVAL, "a disk shorter than the volume");
	cr_assert_eq(why, RVX_FS_FAT_GEOMETRY);
	cr_assert_eq(memcmp(&fat, &before, sizeof(fat)), 0, "a refused mount changes nothing");
	cr_assert_str_eq(rvx_fs_fat_damage_name(RVX_FS_FAT_DAMAGE_COUNT), "unknown");
}

/* ---- damaged copies ---------------------------------------------------- */

struct geo {
	uint32_t bps, rsvd, nfats, fatsz, total, root, clusters;
};

static struct geo geometry(void)
{
	struct geo g;

	g.bps = le16(D.bytes + 11);
	g.rsvd = le16(D.bytes + 14);
	g.nfats = D.bytes[16];
	g.fatsz = le32(D.bytes + 36);
	g.total = le32(D.bytes + 32);
	g.root = le32(D.bytes + 44);
	g.clusters = (g.total - g.rsvd - g.nfats * g.fatsz) / D.bytes[13];
	return g;
}

/* Set FAT entry @c in every copy of the FAT. */
static void set_fat(uint32_t c, uint32_t v)
{
	struct geo g = geometry();

	for (uint32_t k = 0; k < g.nfats; k++)
		put32(D.bytes + ((size_t)g.rsvd + (size_t)k * g.fatsz) * g.bps + (size_t)c * 4, v);
}

/* The 32-byte directory entry holding the 8.3 name @name11. */
static uint8_t *dir_entry(const char *name11)
{
	struct geo g = geometry();
	size_t data = ((size_t)g.rsvd + (size_t)g.nfats * g.fatsz) * g.bps;

	for (size_t off = data; off + 32 <= D.size; off += 32)
		if (memcmp(D.bytes + off, name11, 11) == 0)
			return D.bytes + off;
	cr_assert_fail("no entry %s", name11);
	return NULL;
}

static uint32_t entry_cluster(const uint8_t *e)
{
	return (uint32_t)le16(e + 20) << 16 | le16(e + 26);
}

/* The clusters of @file as mtools reported them: first and last. */
static void mtools_chain(const char *file, uint32_t *first, uint32_t *last)
{
	size_t len;
	char key[128], *chains = slurp("chains.txt", &len), *line, *end, *p;
	unsigned a, b;

	snprintf(key, sizeof(key), "::/%s <", file);
	line = strstr(chains, key);
	cr_assert_not_null(line, "%s", key);
	end = strchr(line, '\n');
	*end = 0;
	p = strchr(line, '<');
	cr_assert_geq(sscanf(p, "<%u", &a), 1);
	*first = a;
	p = strrchr(line, '<');
	if (sscanf(p, "<%u-%u>", &a, &b) == 2)
		*last = b;
	else
		*last = a;
	free(chains);
}

enum where { AT_MOUNT, AT_OPEN, AT_READ, AT_READDIR, FULL_ONLY };

struct damage_case {
	const char *name;
	void (*apply)(void);
	enum where where;
	const char *path; /* for AT_OPEN / AT_READ / AT_READDIR */
	enum rvx_fs_fat_damage why;
};

static void d_signature(void) { D.bytes[510] = 0; }
static void d_jump(void) { D.bytes[0] = 0; }
static void d_bps_3000(void) { put16(D.bytes + 11, 3000); }
static void d_bps_256(void) { put16(D.bytes + 11, 256); }
static void d_spc_3(void) { D.bytes[13] = 3; }
static void d_spc_0(void) { D.bytes[13] = 0; }
static void d_root_entries(void) { put16(D.bytes + 17, 512); }
static void d_fat16_size(void) { put16(D.bytes + 22, 10); }
static void d_fat_size_0(void) { put32(D.bytes + 36, 0); }
static void d_version(void) { put16(D.bytes + 42, 1); }
static void d_reserved_0(void) { put16(D.bytes + 14, 0); }
static void d_fats_0(void) { D.bytes[16] = 0; }
static void d_total_past_disk(void) { put32(D.bytes + 32, geometry().total * 2); }
static void d_data_past_end(void) { put32(D.bytes + 36, geometry().total); }
static void d_fat_too_small(void) { put32(D.bytes + 36, 4); }
static void d_media(void) { D.bytes[21] = 0xf0; }
static void d_root_0(void) { put32(D.bytes + 44, 0); }
static void d_root_huge(void) { put32(D.bytes + 44, 0x0fffffff); }
static void d_active_fat(void) { put16(D.bytes + 40, 0x83); }
static void d_root_loop(void) { set_fat(geometry().root, geometry().root); }

static void d_file_loop(void)
{
	uint32_t first, last;

	mtools_chain("frag.bin", &first, &last);
	set_fat(last, first);
}

static void d_file_loop_mid(void)
{
	uint32_t first, last;

	mtools_chain("big.bin", &first, &last);
	set_fat(last, first + 100);
}

static void d_file_range(void)
{
	uint32_t first, last;

	mtools_chain("frag.bin", &first, &last);
	set_fat(first, geometry().clusters + 5);
}

static void d_file_reserved(void)
{
	uint32_t first, last;

	mtools_chain("a.bin", &first, &last);
	set_fat(first, 0x0ffffff0);
}

static void d_file_free(void)
{
	uint32_t first, last;

	mtools_chain("big.bin", &first, &last);
	set_fat(first + 3, 0);
}

static void d_file_bad(void)
{
	uint32_t first, last;

	mtools_chain("c.bin", &first, &last);
	set_fat(first + 1, 0x0ffffff7);
}

static void d_size_long(void) { put32(dir_entry("HELLO   TXT") + 28, 100000); }
static void d_size_short(void) { put32(dir_entry("BIG     BIN") + 28, 1000); }
static void d_empty_sized(void) { put32(dir_entry("EMPTY   TXT") + 28, 10); }
static void d_first_range(void) { put16(dir_entry("HELLO   TXT") + 20, 0x0fff); }

static void d_cross_link(void)
{
	uint8_t *w = dir_entry("WORLD   TXT");
	uint32_t h = entry_cluster(dir_entry("HELLO   TXT"));

	put16(w + 20, (uint16_t)(h >> 16));
	put16(w + 26, (uint16_t)h);
}

static void d_dir_cycle(void)
{
	uint8_t *d3 = dir_entry("DIR3       ");
	uint32_t d1 = entry_cluster(dir_entry("DIR1       "));

	put16(d3 + 20, (uint16_t)(d1 >> 16));
	put16(d3 + 26, (uint16_t)d1);
}

static void d_dir_loop(void)
{
	uint32_t first, last;

	mtools_chain("many", &first, &last);
	set_fat(last, first);
}

static void d_bad_name(void) { dir_entry("HELLO   TXT")[2] = '/'; }
static void d_dir_cluster_0(void)
{
	uint8_t *e = dir_entry("DIR1       ");

	put16(e + 20, 0);
	put16(e + 26, 0);
}

static const struct damage_case cases[] = {
	{"boot signature", d_signature, AT_MOUNT, NULL, RVX_FS_FAT_BOOT_SIGNATURE},
	{"boot jump", d_jump, AT_MOUNT, NULL, RVX_FS_FAT_BOOT_SIGNATURE},
	{"sector size 3000", d_bps_3000, AT_MOUNT, NULL, RVX_FS_FAT_SECTOR_SIZE},
	{"sector size 256", d_bps_256, AT_MOUNT, NULL, RVX_FS_FAT_SECTOR_SIZE},
	{"3 sectors per cluster", d_spc_3, AT_MOUNT, NULL, RVX_FS_FAT_CLUSTER_SIZE},
	{"0 sectors per cluster", d_spc_0, AT_MOUNT, NULL, RVX_FS_FAT_CLUSTER_SIZE},
	{"root entries", d_root_entries, AT_MOUNT, NULL, RVX_FS_FAT_NOT_FAT32},
	{"16-bit FAT size", d_fat16_size, AT_MOUNT, NULL, RVX_FS_FAT_NOT_FAT32},
	{"FAT size 0", d_fat_size_0, AT_MOUNT, NULL, RVX_FS_FAT_NOT_FAT32},
	{"version 1", d_version, AT_MOUNT, NULL, RVX_FS_FAT_NOT_FAT32},
	{"no reserved sectors", d_reserved_0, AT_MOUNT, NULL, RVX_FS_FAT_GEOMETRY},
	{"no FATs", d_fats_0, AT_MOUNT, NULL, RVX_FS_FAT_GEOMETRY},
	{"total past the disk", d_total_past_disk, AT_MOUNT, NULL, RVX_FS_FAT_GEOMETRY},
	{"data past the end", d_data_past_end, AT_MOUNT, NULL, RVX_FS_FAT_GEOMETRY},
	{"FAT too small", d_fat_too_small, AT_MOUNT, NULL, RVX_FS_FAT_FAT_TOO_SMALL},
	{"media byte", d_media, AT_MOUNT, NULL, RVX_FS_FAT_MEDIA},
	{"root cluster 0", d_root_0, AT_MOUNT, NULL, RVX_FS_FAT_ROOT_CLUSTER},
	{"root cluster huge", d_root_huge, AT_MOUNT, NULL, RVX_FS_FAT_ROOT_CLUSTER},
	{"active FAT 3 of 2", d_active_fat, AT_MOUNT, NULL, RVX_FS_FAT_GEOMETRY},
	{"root chain loops", d_root_loop, AT_MOUNT, NULL, RVX_FS_FAT_CHAIN_LOOP},
	{"file chain loops", d_file_loop, AT_OPEN, "/disk/frag.bin", RVX_FS_FAT_CHAIN_LOOP},
	{"file chain loops mid", d_file_loop_mid, AT_OPEN, "/disk/big.bin", RVX_FS_FAT_CHAIN_LOOP},
	{"chain out of range", d_file_range, AT_OPEN, "/disk/frag.bin", RVX_FS_FAT_CHAIN_RANGE},
	{"chain reserved value", d_file_reserved, AT_OPEN, "/disk/a.bin", RVX_FS_FAT_CHAIN_RANGE},
	{"chain into free", d_file_free, AT_OPEN, "/disk/big.bin", RVX_FS_FAT_CHAIN_FREE},
	{"chain into bad", d_file_bad, AT_OPEN, "/disk/c.bin", RVX_FS_FAT_CHAIN_BAD},
	{"size lies long", d_size_long, AT_OPEN, "/disk/hello.txt", RVX_FS_FAT_CHAIN_LENGTH},
	{"size lies short", d_size_short, AT_OPEN, "/disk/big.bin", RVX_FS_FAT_CHAIN_LENGTH},
	{"empty file with a size", d_empty_sized, AT_OPEN, "/disk/empty.txt",
	 RVX_FS_FAT_CHAIN_LENGTH},
	{"first cluster out of range", d_first_range, AT_OPEN, "/disk/hello.txt",
	 RVX_FS_FAT_CHAIN_RANGE},
	{"directory chain loops", d_dir_loop, AT_OPEN, "/disk/many", RVX_FS_FAT_CHAIN_LOOP},
	{"name with a slash", d_bad_name, AT_READDIR, "/disk", RVX_FS_FAT_DIR_ENTRY},
	{"directory without clusters", d_dir_cluster_0, AT_OPEN, "/disk/dir1",
	 RVX_FS_FAT_DIR_ENTRY},
	{"cross-linked files", d_cross_link, FULL_ONLY, NULL, RVX_FS_FAT_CROSS_LINK},
	{"directory cycle", d_dir_cycle, FULL_ONLY, NULL, RVX_FS_FAT_CROSS_LINK},
};

Test(fat, damaged_images_refused)
{
	uint8_t *pristine = malloc(D.size);

	memcpy(pristine, D.bytes, D.size);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct damage_case *dc = &cases[i];
		struct rvx_fs_fat_config c;
		enum rvx_fs_fat_damage why;
		rvx_handle_t h;
		int ret;

		memcpy(D.bytes, pristine, D.size);
		dc->apply();

		/* With the full check, every damage is found at mount. */
		c = config(true);
		ret = rvx_fs_fat_mount(&fat, &c, &why);
		cr_expect_eq(ret, -RVX_EINVAL, "%s: full mount gave %d", dc->name, ret);
		cr_expect_eq(why, dc->why, "%s: full mount says %s", dc->name,
			     rvx_fs_fat_damage_name(why));

		/* Without it, where the damage is first touched. */
		c = config(false);
		ret = rvx_fs_fat_mount(&fat, &c, &why);
		if (dc->where == AT_MOUNT) {
			cr_expect_eq(ret, -RVX_EINVAL, "%s", dc->name);
			cr_expect_eq(why, dc->why, "%s: says %s", dc->name,
				     rvx_fs_fat_damage_name(why));
			continue;
		}
		cr_assert_eq(ret, 0, "%s: mount without the full check: %s", dc->name,
			     rvx_fs_fat_damage_name(why));
		cr_assert_eq(rvx_fs_vfs_init(&vfs, mounts, 2, files, 8), 0);
		cr_assert_eq(rvx_fs_mount(&vfs, "/disk", &rvx_fs_fat_ops, &fat), 0);
		if (dc->where == FULL_ONLY)
			continue;
		ret = rvx_fs_open(&vfs, dc->path, RVX_FS_O_READ, &h);
		if (dc->where == AT_READDIR) {
			struct rvx_fs_dirent e;

			cr_assert_eq(ret, 0, "%s", dc->name);
			while ((ret = rvx_fs_readdir(&vfs, h, &e)) == 1)
				;
			/* A lookup through the same directory meets it too. */
			cr_expect_eq(rvx_fs_stat(&vfs, "/disk/zzz", &(struct rvx_fs_stat){0}),
				     -RVX_EINVAL, "%s", dc->name);
		}
		cr_expect_eq(ret, -RVX_EINVAL, "%s: gave %d", dc->name, ret);
		cr_expect_eq(fat.damage, dc->why, "%s: says %s", dc->name,
			     rvx_fs_fat_damage_name((enum rvx_fs_fat_damage)fat.damage));
	}
	memcpy(D.bytes, pristine, D.size);
	free(pristine);
}

/* Cross-linked files read without the full check: the same bytes twice,
 * which is why the full check exists. A directory cycle only nests. */
Test(fat, without_full_check_cycles_stay_bounded)
{
	struct rvx_fs_stat st;
	char path[RVX_FS_PATH_MAX + 64] = "/disk";
	int ret = 0;

	d_dir_cycle();
	mount_vfs(false);
	/* /disk/dir1/dir2/dir3 is dir1 again: a path can only go so deep. */
	strcat(path, "/dir1");
	for (int i = 0; i < 40 && ret == 0; i++) {
		strcat(path, i % 2 ? "/dir3" : "/dir2");
		ret = rvx_fs_stat(&vfs, path, &st);
	}
	cr_assert_eq(ret, -RVX_ELIMIT, "stopped by the depth bound, got %d", ret);
}
