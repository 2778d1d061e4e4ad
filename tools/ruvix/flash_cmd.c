/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ruvix flash --target rpi4 --out PATH`: an SD card for the Raspberry Pi 4,
 * written as an image file or straight to a block device, with no mount,
 * no loop device and no root rights beyond opening PATH: an MBR with one
 * FAT32 partition (type 0x0C, from 1 MiB) holding what the firmware reads,
 * kernel8.img, config.txt, bcm2711-rpi-4-b.dtb and root.rvf (the signed
 * root package config.txt names as the initramfs). The file system is laid
 * out here: boot sector and FSInfo (and their backups at sector 6), two
 * FATs, a root directory with a volume label, 8.3 entries (lower case by
 * the NT flags) and long names where 8.3 cannot hold the name, each file
 * in consecutive clusters.
 *
 * The inputs default to the build directory of this ruvix binary
 * (BUILD/tools/ruvix/ruvix -> BUILD/ports/rpi4/, where the cross build puts
 * them). Everything is read and checked before PATH is opened; a block
 * device is refused when it looks like one of the host's own disks: it or
 * a partition of its disk is mounted, holds the root file system, is swap,
 * or is held by another device (LVM, RAID, dm-crypt), or the kernel will
 * not open it exclusively.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define SECTOR 512u
#define PART_START 2048u /* 1 MiB: the usual alignment for SD cards */
#define RESERVED 32u
#define NFATS 2u
#define FAT32_MIN_CLUSTERS 65525u
#define FAT_EOC 0x0FFFFFFFu
#define DEFAULT_MIB 64u
#define FLASH_MAX_INPUT (64u * 1024u * 1024u)
#define MAX_DEPTH 4
#define MAX_ADD 8
#define MAX_FILES (4 + MAX_ADD)

struct flash_file {
	const char *name; /* on the card */
	char path[PATH_MAX];
	uint8_t *data;
	size_t len;
	uint32_t first_cluster;
};

const char cli_flash_usage[] =
	"usage: ruvix flash --target rpi4 --out PATH [--size MIB] [--from DIR]\n"
	"                   [--kernel F] [--config F] [--dtb F] [--root F] [--add F]...\n"
	"  writes an SD card image (PATH a file) or card (PATH a block device): MBR, one\n"
	"  FAT32 partition with kernel8.img, config.txt, bcm2711-rpi-4-b.dtb, root.rvf;\n"
	"  --size: the partition in MiB (default 64); --from: where the four files are\n"
	"  (default: ports/rpi4 of this ruvix's build directory); --add: another file\n"
	"  under its own name (up to 8: start4.elf, fixup4.dat); a block device that is\n"
	"  mounted, holds /, is swap or is held by another device is refused\n";

static void flash_usage(void)
{
	fputs(cli_flash_usage, stderr);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static int read_input(struct flash_file *f)
{
	FILE *fp = fopen(f->path, "rb");
	struct stat st;

	if (fp == NULL || fstat(fileno(fp), &st) != 0) {
		fprintf(stderr, "flash: %s: %s\n", f->path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > FLASH_MAX_INPUT) {
		fprintf(stderr, "flash: %s: not a regular file of 1 byte to %u MiB\n", f->path,
			FLASH_MAX_INPUT >> 20);
		fclose(fp);
		return -1;
	}
	f->len = (size_t)st.st_size;
	f->data = malloc(f->len);
	if (f->data == NULL || fread(f->data, 1, f->len, fp) != f->len) {
		fprintf(stderr, "flash: %s: short read\n", f->path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

/* ---- the host's own disks ---- */

/* The sysfs directory of block device @p dev (resolved), or -1. */
static int sys_dir(dev_t dev, char *out, size_t n)
{
	char link[64];

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	return realpath(link, out) != NULL && strlen(out) < n ? 0 : -1;
}

/* The whole disk's sysfs directory of a device (a partition's parent). */
static void disk_dir(char *dir)
{
	char part[PATH_MAX + 16];
	char *slash;

	snprintf(part, sizeof(part), "%s/partition", dir);
	if (access(part, F_OK) == 0 && (slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
}

/* True if the device at sysfs @p dir, or anything under it (slaves, for
 * dm/md), sits on the disk @p disk. */
static bool on_disk(const char *dir, const char *disk, int depth)
{
	char d[PATH_MAX], slaves[PATH_MAX + 8];
	struct dirent *e;
	bool hit = false;
	DIR *dp;

	if (depth > MAX_DEPTH || strlen(dir) >= sizeof(d))
		return false;
	strcpy(d, dir);
	disk_dir(d);
	if (strcmp(d, disk) == 0)
		return true;
	/* Each slave is a link to another block device's directory. */
	snprintf(slaves, sizeof(slaves), "%s/slaves", dir);
	dp = opendir(slaves);
	if (dp == NULL)
		return false;
	while (!hit && (e = readdir(dp)) != NULL) {
		char sl[PATH_MAX * 2], real[PATH_MAX];

		if (e->d_name[0] == '.')
			continue;
		snprintf(sl, sizeof(sl), "%s/%s", slaves, e->d_name);
		if (realpath(sl, real) != NULL)
			hit = on_disk(real, disk, depth + 1);
	}
	closedir(dp);
	return hit;
}

/* A device number "maj:min" on @p disk? */
static bool devno_on_disk(unsigned maj, unsigned min, const char *disk)
{
	char dir[PATH_MAX];

	return sys_dir(makedev(maj, min), dir, sizeof(dir)) == 0 && on_disk(dir, disk, 0);
}

/* 0 if the block device @p dev may be written; -1 with the reason. */
static int check_block_device(const char *path, dev_t dev)
{
	char disk[PATH_MAX], holders[PATH_MAX + 16], line[4096];
	struct stat st;
	FILE *fp;
	DIR *dp;
	struct dirent *e;

	if (sys_dir(dev, disk, sizeof(disk)) != 0) {
		fprintf(stderr, "flash: refusing %s: no sysfs entry tells what disk it is\n", path);
		return -1;
	}
	disk_dir(disk);
	/* The root file system's device (also in a chroot, where / is not a
	 * mount point of its own). */
	if (stat("/", &st) == 0 && major(st.st_dev) != 0 &&
	    devno_on_disk(major(st.st_dev), minor(st.st_dev), disk)) {
		fprintf(stderr, "flash: refusing %s: its disk holds the root file system\n", path);
		return -1;
	}
	fp = fopen("/proc/self/mountinfo", "r");
	if (fp == NULL) {
		fprintf(stderr, "flash: refusing %s: cannot read the mount table\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned maj, min;
		char mnt[1024];

		if (sscanf(line, "%*s %*s %u:%u %*s %1023s", &maj, &min, mnt) == 3 && maj != 0 &&
		    devno_on_disk(maj, min, disk)) {
			fprintf(stderr, "flash: refusing %s: its disk is mounted (at %s)\n", path, mnt);
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	fp = fopen("/proc/swaps", "r");
	while (fp != NULL && fgets(line, sizeof(line), fp) != NULL) {
		char swap[1024];

		if (sscanf(line, "%1023s", swap) == 1 && swap[0] == '/' && stat(swap, &st) == 0 &&
		    S_ISBLK(st.st_mode) && devno_on_disk(major(st.st_rdev), minor(st.st_rdev), disk)) {
			fprintf(stderr, "flash: refusing %s: its disk holds swap (%s)\n", path, swap);
			fclose(fp);
			return -1;
		}
	}
	if (fp != NULL)
		fclose(fp);
	/* Held by a device mapper, RAID or similar (the disk or a partition). */
	snprintf(holders, sizeof(holders), "%s/holders", disk);
	dp = opendir(holders);
	while (dp != NULL && (e = readdir(dp)) != NULL) {
		if (e->d_name[0] != '.') {
			fprintf(stderr, "flash: refusing %s: its disk is held by %s\n", path, e->d_name);
			closedir(dp);
			return -1;
		}
	}
	if (dp != NULL)
		closedir(dp);
	dp = opendir(disk);
	while (dp != NULL && (e = readdir(dp)) != NULL) {
		char sub[PATH_MAX * 2];
		DIR *hp;
		struct dirent *h;

		snprintf(sub, sizeof(sub), "%s/%s/holders", disk, e->d_name);
		hp = opendir(sub);
		while (hp != NULL && (h = readdir(hp)) != NULL) {
			if (h->d_name[0] != '.') {
				fprintf(stderr, "flash: refusing %s: partition %s is held by %s\n", path,
					e->d_name, h->d_name);
				closedir(hp);
				closedir(dp);
				return -1;
			}
		}
		if (hp != NULL)
			closedir(hp);
	}
	if (dp != NULL)
		closedir(dp);
	return 0;
}

/* ---- FAT32 ---- */

struct fat_layout {
	uint32_t part_sectors; /* the partition */
	uint32_t spc;          /* sectors per cluster */
	uint32_t fat_sectors;  /* one FAT */
	uint32_t clusters;     /* data clusters */
	uint32_t data_start;   /* first data sector, in the partition */
	uint32_t root_clusters;
	uint32_t used;         /* clusters in use (root and files) */
};

/* A directory entry's name: 8.3 (upper case; *nt the NT lower-case flags)
 * if @p name fits one, else a numbered alias ("BCM271~1DTB") and a long
 * name is needed (returns true). */
static bool short_name(const char *name, uint8_t out[11], uint8_t *nt, unsigned seq)
{
	static const char ok[] = "!#$%&'()-@^_`{}~";
	const char *dot = strrchr(name, '.');
	size_t blen = dot != NULL ? (size_t)(dot - name) : strlen(name);
	size_t elen = dot != NULL ? strlen(dot + 1) : 0;
	bool lfn = blen == 0 || blen > 8 || elen > 3;
	bool lower[2] = {false, false}, upper[2] = {false, false};
	size_t o = 0;

	memset(out, ' ', 11);
	*nt = 0;
	for (size_t i = 0; i < blen + (dot ? 1 + elen : 0); i++) {
		char c = name[i];
		int part = dot != NULL && name + i > dot;

		if (name + i == dot)
			continue;
		if (c >= 'a' && c <= 'z')
			lower[part] = true;
		else if (c >= 'A' && c <= 'Z')
			upper[part] = true;
		else if (!(c >= '0' && c <= '9') && (c == '\0' || strchr(ok, c) == NULL))
			lfn = true;
	}
	if ((lower[0] && upper[0]) || (lower[1] && upper[1]))
		lfn = true;
	/* The alias: valid characters upper-cased, the base cut to 6 + "~N". */
	for (size_t i = 0; i < blen && o < (lfn ? 6u : 8u); i++) {
		char c = name[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(ok, c) != NULL)
			out[o++] = (uint8_t)c;
	}
	if (lfn) {
		out[o++] = '~';
		out[o++] = (uint8_t)('0' + seq % 10u);
	}
	for (size_t i = 0, k = 8; dot != NULL && i < elen && k < 11; i++) {
		char c = dot[1 + i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(ok, c) != NULL)
			out[k++] = (uint8_t)c;
	}
	if (!lfn)
		*nt = (uint8_t)((lower[0] ? 0x08u : 0u) | (lower[1] ? 0x10u : 0u));
	return lfn;
}

static uint8_t lfn_checksum(const uint8_t s[11])
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1u) << 7) + (sum >> 1) + s[i]);
	return sum;
}

/* Entries (32 bytes each) @p name takes. */
static uint32_t name_entries(const char *name)
{
	uint8_t s[11], nt;

	return short_name(name, s, &nt, 1) ? 1u + ((uint32_t)strlen(name) + 12u) / 13u : 1u;
}

/* Write @p name's long-name entries and its 8.3 entry at @p e; returns the
 * entries written. */
static uint32_t dir_entry(uint8_t *e, const char *name, uint32_t cluster, uint32_t size,
			  uint16_t date, uint16_t time, unsigned seq)
{
	uint8_t s[11], nt;
	bool lfn = short_name(name, s, &nt, seq);
	uint32_t n = 0;

	if (lfn) {
		size_t len = strlen(name);
		uint32_t parts = ((uint32_t)len + 12u) / 13u;
		uint8_t sum = lfn_checksum(s);

		for (uint32_t p = parts; p >= 1; p--, n++) {
			static const uint8_t at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
			uint8_t *l = e + 32u * n;

			memset(l, 0, 32);
			l[0] = (uint8_t)(p | (p == parts ? 0x40u : 0u));
			l[11] = 0x0f; /* attributes: long name */
			l[13] = sum;
			for (uint32_t k = 0; k < 13; k++) {
				size_t i = (p - 1u) * 13u + k;
				uint16_t ch = i < len ? (uint8_t)name[i] : i == len ? 0u : 0xffffu;

				put16(l + at[k], ch);
			}
		}
	}
	e += 32u * n;
	memset(e, 0, 32);
	memcpy(e, s, 11);
	e[11] = 0x20; /* archive */
	e[12] = nt;
	put16(e + 14, time);
	put16(e + 16, date);
	put16(e + 18, date);
	put16(e + 20, cluster >> 16);
	put16(e + 22, time);
	put16(e + 24, date);
	put16(e + 26, cluster & 0xffffu);
	put32(e + 28, size);
	return n + 1u;
}

/* Names the card can hold, none twice: printable ASCII without the
 * characters FAT forbids, at most 64 bytes, and no two alike ignoring case,
 * as long names or as the 8.3 names (and aliases) they get. */
static int check_names(const struct flash_file *f, int nf)
{
	uint8_t s[MAX_FILES][11];
	unsigned seq = 0;

	for (int i = 0; i < nf; i++) {
		const char *n = f[i].name;
		uint8_t nt;

		if (n[0] == '\0' || n[0] == '.' || strlen(n) > 64 ||
		    strpbrk(n, "\\/:*?\"<>|") != NULL) {
			fprintf(stderr, "flash: '%s' cannot be a file name on the card\n", n);
			return -1;
		}
		for (const char *c = n; *c != '\0'; c++) {
			if (*c < 0x20 || *c > 0x7e) {
				fprintf(stderr, "flash: '%s' cannot be a file name on the card\n", n);
				return -1;
			}
		}
		if (short_name(n, s[i], &nt, seq + 1u))
			seq++;
		for (int j = 0; j < i; j++) {
			if (strcasecmp(n, f[j].name) == 0 || memcmp(s[i], s[j], 11) == 0) {
				fprintf(stderr, "flash: '%s' and '%s' would have the same name on the card\n",
					f[j].name, n);
				return -1;
			}
		}
	}
	return 0;
}

static int plan(struct fat_layout *L, uint32_t mib, const struct flash_file *f, size_t nf,
		uint32_t dir_entries)
{
	uint64_t need;

	memset(L, 0, sizeof(*L));
	L->part_sectors = mib * 2048u;
	L->spc = mib <= 256u ? 1u : 8u;
	L->fat_sectors = 1;
	for (;;) {
		uint32_t clusters = (L->part_sectors - RESERVED - NFATS * L->fat_sectors) / L->spc;
		uint32_t fs = (uint32_t)(((uint64_t)clusters + 2u) * 4u + SECTOR - 1u) / SECTOR;

		if (fs <= L->fat_sectors) {
			L->clusters = clusters;
			break;
		}
		L->fat_sectors = fs;
	}
	L->data_start = RESERVED + NFATS * L->fat_sectors;
	if (L->clusters < FAT32_MIN_CLUSTERS) {
		fprintf(stderr, "flash: %u MiB is too small for FAT32 (%u clusters, at least %u)\n",
			mib, L->clusters, FAT32_MIN_CLUSTERS);
		return -1;
	}
	L->root_clusters = (dir_entries * 32u + L->spc * SECTOR - 1u) / (L->spc * SECTOR);
	need = L->root_clusters;
	for (size_t i = 0; i < nf; i++)
		need += (f[i].len + L->spc * SECTOR - 1u) / (L->spc * SECTOR);
	if (need > L->clusters) {
		fprintf(stderr, "flash: the files need %llu clusters, the partition has %u\n",
			(unsigned long long)need, L->clusters);
		return -1;
	}
	L->used = (uint32_t)need;
	return 0;
}

static void chs(uint8_t *p, uint32_t lba)
{
	uint32_t c = lba / (255u * 63u), h = (lba / 63u) % 255u, s = lba % 63u + 1u;

	if (c > 1023u) {
		c = 1023u;
		h = 254u;
		s = 63u;
	}
	p[0] = (uint8_t)h;
	p[1] = (uint8_t)((s & 0x3fu) | ((c >> 2) & 0xc0u));
	p[2] = (uint8_t)c;
}

static int write_all(int fd, const void *buf, size_t len, uint64_t off, const char *out)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "flash: writing %s: %s\n", out, n < 0 ? strerror(errno) : "short write");
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int cli_flash(int argc, char **argv)
{
	struct flash_file f[MAX_FILES] = {
		{"kernel8.img", "", NULL, 0, 0},
		{"config.txt", "", NULL, 0, 0},
		{"bcm2711-rpi-4-b.dtb", "", NULL, 0, 0},
		{"root.rvf", "", NULL, 0, 0},
	};
	const char *target = NULL, *out = NULL, *from = NULL, *given[MAX_FILES] = {NULL};
	int nf = 4;
	char dir[PATH_MAX], self[PATH_MAX];
	uint32_t mib = DEFAULT_MIB, entries = 1; /* the volume label */
	struct fat_layout L;
	uint8_t *mbr = NULL, *meta = NULL, *root = NULL;
	uint64_t total, part_off;
	struct stat st;
	bool block = false;
	int fd = -1, rc = 1;
	time_t now = time(NULL);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct tm tm;
	uint16_t date, tod;
	uint32_t volid;

	for (int i = 0; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--target") == 0 && v != NULL)
			target = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && v != NULL)
			out = argv[++i];
		else if (strcmp(argv[i], "--from") == 0 && v != NULL)
			from = argv[++i];
		else if (strcmp(argv[i], "--kernel") == 0 && v != NULL)
			given[0] = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && v != NULL)
			given[1] = argv[++i];
		else if (strcmp(argv[i], "--dtb") == 0 && v != NULL)
			given[2] = argv[++i];
		else if (strcmp(argv[i], "--root") == 0 && v != NULL)
			given[3] = argv[++i];
		else if (strcmp(argv[i], "--add") == 0 && v != NULL && nf < MAX_FILES) {
			const char *base = strrchr(v, '/') != NULL ? strrchr(v, '/') + 1 : v;

			given[nf] = argv[++i];
			f[nf++].name = base;
		} else if (strcmp(argv[i], "--add") == 0 && v != NULL) {
			fprintf(stderr, "flash: at most %d --add files\n", MAX_ADD);
			return 2;
		}
		else if (strcmp(argv[i], "--size") == 0 && v != NULL) {
			char *end;
			unsigned long m = strtoul(argv[++i], &end, 10);

			if (*end != '\0' || m < 40u || m > 4096u) {
				fprintf(stderr, "flash: --size takes 40 to 4096 (MiB)\n");
				return 2;
			}
			mib = (uint32_t)m;
		} else {
			flash_usage();
			return 2;
		}
	}
	if (target == NULL || out == NULL) {
		flash_usage();
		return 2;
	}
	if (strcmp(target, "rpi4") != 0) {
		fprintf(stderr, "flash: no SD card layout for target '%s' (rpi4 has one)\n", target);
		return 2;
	}
	/* The inputs: the build directory this binary belongs to, unless told. */
	if (from == NULL) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		char *slash;

		if (n <= 0) {
			fprintf(stderr, "flash: cannot find this program's build directory: use --from\n");
			return 1;
		}
		self[n] = '\0';
		for (int up = 0; up < 3 && (slash = strrchr(self, '/')) != NULL; up++)
			*slash = '\0'; /* BUILD/tools/ruvix/ruvix -> BUILD */
		if (strlen(self) + sizeof("/ports/rpi4") > sizeof(dir)) {
			fprintf(stderr, "flash: this program's path is too long: use --from\n");
			return 1;
		}
		strcpy(dir, self);
		strcat(dir, "/ports/rpi4");
		from = dir;
	}
	for (int i = 0; i < nf; i++) {
		int n = given[i] != NULL ? snprintf(f[i].path, sizeof(f[i].path), "%s", given[i])
					 : snprintf(f[i].path, sizeof(f[i].path), "%s/%s", from, f[i].name);

		if (n < 0 || (size_t)n >= sizeof(f[i].path) || read_input(&f[i]) != 0)
			goto done;
		entries += name_entries(f[i].name);
	}
	if (check_names(f, nf) != 0)
		goto done;
	/* What the firmware needs of each. */
	if (f[0].len < 64 || memcmp(f[0].data + 0x38, "ARM\x64", 4) != 0) {
		fprintf(stderr, "flash: %s: no arm64 Image header (magic ARM\\x64 at 0x38)\n", f[0].path);
		goto done;
	}
	if (f[2].len < 4 || memcmp(f[2].data, "\xd0\x0d\xfe\xed", 4) != 0) {
		fprintf(stderr, "flash: %s: not a device tree blob\n", f[2].path);
		goto done;
	}
	if (f[3].len < 8 || memcmp(f[3].data, RVX_RVF_MAGIC, 8) != 0) {
		fprintf(stderr, "flash: %s: not an RVF package\n", f[3].path);
		goto done;
	}
	if (plan(&L, mib, f, (size_t)nf, entries) != 0)
		goto done;
	part_off = (uint64_t)PART_START * SECTOR;
	total = part_off + (uint64_t)L.part_sectors * SECTOR;

	/* The output: a new or regular file, or a block device that is not
	 * one of the host's own disks. */
	if (stat(out, &st) == 0) {
		if (S_ISBLK(st.st_mode)) {
			if (check_block_device(out, st.st_rdev) != 0)
				goto done;
			block = true;
		} else if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "flash: refusing %s: neither a regular file nor a block device\n",
				out);
			goto done;
		}
	} else if (errno != ENOENT) {
		fprintf(stderr, "flash: %s: %s\n", out, strerror(errno));
		goto done;
	}

	/* Everything in memory before the output is touched. */
	if (sde != NULL)
		now = (time_t)strtoll(sde, NULL, 10);
	gmtime_r(&now, &tm);
	if (tm.tm_year < 80)
		tm.tm_year = 80;
	date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
	tod = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
	volid = (uint32_t)now ^ 0x52555658u;
	mbr = calloc(1, part_off);
	meta = calloc(L.data_start, SECTOR);
	root = calloc(L.root_clusters, (size_t)L.spc * SECTOR);
	if (mbr == NULL || meta == NULL || root == NULL) {
		fprintf(stderr, "flash: out of memory\n");
		goto done;
	}
	/* MBR: one FAT32 (LBA) partition. */
	put32(mbr + 440, volid);
	chs(mbr + 447, PART_START);
	mbr[450] = 0x0c;
	chs(mbr + 451, PART_START + L.part_sectors - 1u);
	put32(mbr + 454, PART_START);
	put32(mbr + 458, L.part_sectors);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	/* Boot sector, FSInfo, and their backups (sectors 6 and 7). */
	{
		uint8_t *b = meta, *fsi = meta + SECTOR;
		uint32_t next = 2u + L.used;

		b[0] = 0xeb;
		b[1] = 0x58;
		b[2] = 0x90;
		memcpy(b + 3, "RUVIX   ", 8);
		put16(b + 11, SECTOR);
		b[13] = (uint8_t)L.spc;
		put16(b + 14, RESERVED);
		b[16] = NFATS;
		b[21] = 0xf8;
		put16(b + 24, 63);
		put16(b + 26, 255);
		put32(b + 28, PART_START);
		put32(b + 32, L.part_sectors);
		put32(b + 36, L.fat_sectors);
		put32(b + 44, 2); /* root directory cluster */
		put16(b + 48, 1); /* FSInfo sector */
		put16(b + 50, 6); /* backup boot sector */
		b[64] = 0x80;
		b[66] = 0x29;
		put32(b + 67, volid);
		memcpy(b + 71, "RUVIX      ", 11);
		memcpy(b + 82, "FAT32   ", 8);
		b[510] = 0x55;
		b[511] = 0xaa;
		put32(fsi, 0x41615252u);
		put32(fsi + 484, 0x61417272u);
		put32(fsi + 488, L.clusters - L.used);
		put32(fsi + 492, next < L.clusters + 2u ? next : 2u);
		put32(fsi + 508, 0xaa550000u);
		memcpy(meta + 6u * SECTOR, b, 2u * SECTOR);
	}
	/* The FATs: the media and clean entries, then each chain. */
	{
		uint8_t *fat = meta + (size_t)RESERVED * SECTOR;
		uint32_t c = 2, per = L.spc * SECTOR;
		uint8_t *e = root;
		unsigned seq = 0;

		put32(fat, 0x0ffffff8u);
		put32(fat + 4, FAT_EOC);
		for (uint32_t k = 0; k < L.root_clusters; k++, c++)
			put32(fat + 4u * c, k + 1u < L.root_clusters ? c + 1u : FAT_EOC);
		memset(e, ' ', 11);
		memcpy(e, "RUVIX", 5);
		e[11] = 0x08; /* volume label */
		put16(e + 22, tod);
		put16(e + 24, date);
		e += 32;
		for (int i = 0; i < nf; i++) {
			uint32_t n = (uint32_t)((f[i].len + per - 1u) / per);

			f[i].first_cluster = c;
			for (uint32_t k = 0; k < n; k++, c++)
				put32(fat + 4u * c, k + 1u < n ? c + 1u : FAT_EOC);
			uint8_t alias[11], nt;

			/* Long names get aliases ~1, ~2, ... in turn: never two alike. */
			if (short_name(f[i].name, alias, &nt, 1))
				seq++;
			e += 32u * dir_entry(e, f[i].name, f[i].first_cluster, (uint32_t)f[i].len, date,
					     tod, seq);
		}
		memcpy(meta + ((size_t)RESERVED + L.fat_sectors) * SECTOR, fat,
		       (size_t)L.fat_sectors * SECTOR);
	}

	if (block)
		fd = open(out, O_WRONLY | O_EXCL | O_CLOEXEC);
	else
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "flash: %s %s: %s\n", block ? "refusing" : "creating", out,
			errno == EBUSY ? "in use (the kernel will not open it exclusively)"
				       : strerror(errno));
		goto done;
	}
	if (block) {
		uint64_t bytes = 0;

		if (ioctl(fd, BLKGETSIZE64, &bytes) != 0 || bytes < total) {
			fprintf(stderr, "flash: refusing %s: %llu bytes, the card needs %llu\n", out,
				(unsigned long long)bytes, (unsigned long long)total);
			goto done;
		}
	} else if (ftruncate(fd, (off_t)total) != 0) {
		fprintf(stderr, "flash: sizing %s: %s\n", out, strerror(errno));
		goto done;
	}
	if (write_all(fd, mbr, part_off, 0, out) != 0 ||
	    write_all(fd, meta, (size_t)L.data_start * SECTOR, part_off, out) != 0)
		goto done;
	{
		uint64_t data = part_off + (uint64_t)L.data_start * SECTOR;
		uint64_t per = (uint64_t)L.spc * SECTOR;

		if (write_all(fd, root, (size_t)(L.root_clusters * per), data, out) != 0)
			goto done;
		for (int i = 0; i < nf; i++) {
			uint64_t at = data + (uint64_t)(f[i].first_cluster - 2u) * per;
			size_t tail = (size_t)(f[i].len % per);

			if (write_all(fd, f[i].data, f[i].len, at, out) != 0)
				goto done;
			/* The last cluster's slack zeroed (a card holds old data). */
			if (block && tail != 0) {
				uint8_t zero[4096] = {0};

				if (write_all(fd, zero, (size_t)per - tail, at + f[i].len, out) != 0)
					goto done;
			}
		}
	}
	if (fsync(fd) != 0) {
		fprintf(stderr, "flash: syncing %s: %s\n", out, strerror(errno));
		goto done;
	}
	printf("%s: %s, MBR + FAT32 partition at sector %u, %u MiB (%u clusters of %u bytes, "
	       "%u used)\n",
	       out, block ? "block device" : "image", PART_START, mib, L.clusters, L.spc * SECTOR,
	       L.used);
	for (int i = 0; i < nf; i++)
		printf("  %-20s %8zu bytes  from %s\n", f[i].name, f[i].len, f[i].path);
	rc = 0;
done:
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		fprintf(stderr, "flash: closing %s: %s\n", out, strerror(errno));
		rc = 1;
	}
	for (int i = 0; i < nf; i++)
		free(f[i].data);
	free(mbr);
	free(meta);
	free(root);
	return rc;
}
