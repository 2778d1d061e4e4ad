/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FAT32, read-only. The image is untrusted: every number read from it is
 * checked before it is used as a sector, a cluster or a length. Sectors
 * are read through the caller's 512-byte block callback, one FAT sector
 * and one directory sector cached in the caller's scratch; file data goes
 * straight into the reader's buffer when whole sectors are wanted.
 *
 * A chain is checked whole before a file or directory is handed out: each
 * link in range, not free, not bad; no loop (Brent's cycle detection, so a
 * loop costs its own length, not the disk's); a file's chain exactly as
 * long as its size needs; a directory no longer than 65536 entries.
 */
#include "ruvix/endian.h"
#include "ruvix/fs.h"

#define FAT_MASK 0x0fffffffu
#define FAT_BAD 0x0ffffff7u
#define FAT_EOC 0x0ffffff8u
#define DIR_MAX_BYTES (65536u * 32u)
#define ATTR_VOLUME 0x08u
#define ATTR_DIR 0x10u
#define ATTR_LFN 0x0fu
#define LFN_UNITS 260u

static const char *const damage_names[RVX_FS_FAT_DAMAGE_COUNT] = {
	[RVX_FS_FAT_OK] = "ok",
	[RVX_FS_FAT_BOOT_SIGNATURE] = "boot signature",
	[RVX_FS_FAT_SECTOR_SIZE] = "sector size",
	[RVX_FS_FAT_CLUSTER_SIZE] = "cluster size",
	[RVX_FS_FAT_NOT_FAT32] = "not FAT32",
	[RVX_FS_FAT_GEOMETRY] = "geometry",
	[RVX_FS_FAT_FAT_TOO_SMALL] = "FAT too small",
	[RVX_FS_FAT_MEDIA] = "media byte",
	[RVX_FS_FAT_ROOT_CLUSTER] = "root cluster",
	[RVX_FS_FAT_CHAIN_RANGE] = "chain out of range",
	[RVX_FS_FAT_CHAIN_FREE] = "chain into a free cluster",
	[RVX_FS_FAT_CHAIN_BAD] = "chain into a bad cluster",
	[RVX_FS_FAT_CHAIN_LOOP] = "chain loops",
	[RVX_FS_FAT_CHAIN_LENGTH] = "chain length against size",
	[RVX_FS_FAT_CROSS_LINK] = "cross-linked chains",
	[RVX_FS_FAT_DIR_ENTRY] = "directory entry",
	[RVX_FS_FAT_TOO_DEEP] = "directories too deep",
};

const char *rvx_fs_fat_damage_name(enum rvx_fs_fat_damage damage)
{
	if ((unsigned)damage >= RVX_FS_FAT_DAMAGE_COUNT)
		return "unknown";
	return damage_names[damage];
}

static int damaged(struct rvx_fs_fat *fat, enum rvx_fs_fat_damage d)
{
	fat->damage = (uint32_t)d;
	return -RVX_EINVAL;
}

/* Read @count sectors from @sector into @buf, all inside the volume. */
static int read_sectors(struct rvx_fs_fat *fat, uint32_t sector, uint32_t count, void *buf)
{
	uint32_t per = fat->bytes_per_sector / 512u;
	uint64_t lba = (uint64_t)sector * per, blocks = (uint64_t)count * per;
	int ret;

	if (count == 0 || (uint64_t)sector + count > fat->total_sectors ||
	    lba + blocks > fat->cfg.block_count)
		return damaged(fat, RVX_FS_FAT_GEOMETRY);
	ret = fat->cfg.read(fat->cfg.ctx, lba, (uint32_t)blocks, buf);
	return ret > 0 ? -RVX_EINVAL : ret;
}

/* The cached copy of one sector: FAT cache (slot 0) or data cache (slot 1). */
static int cached(struct rvx_fs_fat *fat, int slot, uint32_t sector, const uint8_t **out)
{
	uint32_t *tag = slot ? &fat->data_cached : &fat->fat_cached;
	uint8_t *buf = fat->cfg.scratch + (size_t)slot * fat->bytes_per_sector;
	int ret;

	if (*tag != sector) {
		*tag = UINT32_MAX;
		ret = read_sectors(fat, sector, 1, buf);
		if (ret != 0)
			return ret;
		*tag = sector;
	}
	*out = buf;
	return 0;
}

static bool cluster_ok(const struct rvx_fs_fat *fat, uint32_t c)
{
	return c >= 2 && c - 2 < fat->cluster_count;
}

static uint32_t cluster_sector(const struct rvx_fs_fat *fat, uint32_t c)
{
	return fat->data_start + (c - 2) * fat->sectors_per_cluster;
}

/*
 * The link after cluster @c (in range): 0 with *next set to the following
 * cluster, 1 at the end of the chain, or an error naming the damage.
 */
static int fat_next(struct rvx_fs_fat *fat, uint32_t c, uint32_t *next)
{
	uint64_t off = (uint64_t)c * 4u;
	const uint8_t *s;
	uint32_t v;
	int ret;

	ret = cached(fat, 0, fat->fat_start + (uint32_t)(off / fat->bytes_per_sector), &s);
	if (ret != 0)
		return ret;
	v = rvx_le_get32(s + off % fat->bytes_per_sector) & FAT_MASK;
	if (v >= FAT_EOC)
		return 1;
	if (v == FAT_BAD)
		return damaged(fat, RVX_FS_FAT_CHAIN_BAD);
	if (v == 0)
		return damaged(fat, RVX_FS_FAT_CHAIN_FREE);
	if (!cluster_ok(fat, v))
		return damaged(fat, RVX_FS_FAT_CHAIN_RANGE);
	*next = v;
	return 0;
}

/*
 * Walk the whole chain from @first (in range), counting its clusters, with
 * Brent's cycle detection; optionally mark each cluster in the bitmap.
 */
static int chain_walk(struct rvx_fs_fat *fat, uint32_t first, uint32_t limit, uint32_t *count,
		      bool mark)
{
	uint32_t c = first, tortoise = first, power = 1, lam = 1, n = 1;
	int ret;

	for (;;) {
		if (mark) {
			uint8_t *b = &fat->cfg.bitmap[c >> 3];

			if (*b & (1u << (c & 7)))
				return damaged(fat, RVX_FS_FAT_CROSS_LINK);
			*b = (uint8_t)(*b | (1u << (c & 7)));
		}
		ret = fat_next(fat, c, &c);
		if (ret < 0)
			return ret;
		if (ret == 1)
			break;
		/* A repeat, or more clusters than the limit (a directory's
		 * largest size; for a file, every cluster there is). */
		if (c == tortoise || n >= limit)
			return damaged(fat, RVX_FS_FAT_CHAIN_LOOP);
		n++;
		if (power == lam) {
			tortoise = c;
			power *= 2;
			lam = 0;
		}
		lam++;
	}
	*count = n;
	return 0;
}

static uint32_t dir_limit(const struct rvx_fs_fat *fat)
{
	uint32_t l = DIR_MAX_BYTES / fat->cluster_bytes;

	return l == 0 ? 1 : l;
}

/* Check a node's chain: a directory's shape, a file's length against its size. */
static int node_check(struct rvx_fs_fat *fat, const struct rvx_fs_node *node, bool mark)
{
	uint64_t need;
	uint32_t n;
	int ret;

	if (node->type == RVX_FS_TYPE_DIR) {
		/* Shape first, so a loop is named a loop, not a cross link. */
		ret = chain_walk(fat, node->first, dir_limit(fat), &n, false);
		if (ret != 0 || !mark)
			return ret;
		return chain_walk(fat, node->first, dir_limit(fat), &n, true);
	}
	need = (node->size + fat->cluster_bytes - 1) / fat->cluster_bytes;
	if (node->first == 0)
		return need == 0 ? 0 : damaged(fat, RVX_FS_FAT_CHAIN_LENGTH);
	if (!cluster_ok(fat, node->first))
		return damaged(fat, RVX_FS_FAT_CHAIN_RANGE);
	/* No chain is longer than the clusters there are, without a loop. */
	ret = chain_walk(fat, node->first, fat->cluster_count, &n, false);
	if (ret != 0)
		return ret;
	if (n != need)
		return damaged(fat, RVX_FS_FAT_CHAIN_LENGTH);
	if (mark)
		return chain_walk(fat, node->first, fat->cluster_count, &n, true);
	return 0;
}

/* Where a directory walk is: cluster, entry index in it, clusters walked. */
struct dir_pos {
	uint32_t cluster;
	uint32_t index;
	uint32_t walked;
	bool end;
};

/* The next raw entry of a directory: 1 with *e (valid until the next
 * read) and the sector holding it, 0 at the end, or an error. */
static int dir_next(struct rvx_fs_fat *fat, struct dir_pos *p, const uint8_t **e,
		    uint32_t *sector_out)
{
	uint32_t per_cluster = fat->cluster_bytes / 32u, byte, sector;
	const uint8_t *s;
	int ret;

	if (p->end)
		return 0;
	if (p->index == per_cluster) {
		uint32_t next;

		ret = fat_next(fat, p->cluster, &next);
		if (ret < 0)
			return ret;
		if (ret == 1) {
			p->end = true;
			return 0;
		}
		if (++p->walked >= dir_limit(fat))
			return damaged(fat, RVX_FS_FAT_CHAIN_LOOP);
		p->cluster = next;
		p->index = 0;
	}
	byte = p->index * 32u;
	sector = cluster_sector(fat, p->cluster) + byte / fat->bytes_per_sector;
	ret = cached(fat, 1, sector, &s);
	if (ret != 0)
		return ret;
	*e = s + byte % fat->bytes_per_sector;
	p->index++;
	if ((*e)[0] == 0) {
		p->end = true;
		return 0;
	}
	*sector_out = sector;
	return 1;
}

/* Long-name pieces gathered in front of a short entry. */
struct lfn {
	uint16_t u[LFN_UNITS];
	uint8_t expect;
	uint8_t csum;
	uint8_t count;
	bool valid;
};

static void lfn_feed(struct lfn *l, const uint8_t *e)
{
	static const uint8_t at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
	uint32_t n = e[0] & 0x1fu;

	if (e[0] & 0x40u) {
		l->valid = n >= 1 && n <= 20;
		l->count = (uint8_t)n;
		l->expect = (uint8_t)n;
		l->csum = e[13];
	}
	if (!l->valid || n != l->expect || n == 0 || e[13] != l->csum || e[12] != 0 ||
	    rvx_le_get16(e + 26) != 0) {
		l->valid = false;
		return;
	}
	for (uint32_t i = 0; i < 13; i++)
		l->u[(n - 1) * 13 + i] = rvx_le_get16(e + at[i]);
	l->expect = (uint8_t)(n - 1);
}

static uint8_t short_sum(const uint8_t *e)
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1u) << 7) + (sum >> 1) + e[i]);
	return sum;
}

/* The long name as UTF-8, or -1 if absent or unusable. */
static int lfn_name(const struct lfn *l, const uint8_t *e, char *out)
{
	uint32_t n = 0, units = (uint32_t)l->count * 13u;

	if (!l->valid || l->expect != 0 || short_sum(e) != l->csum)
		return -1;
	for (uint32_t i = 0; i < units && l->u[i] != 0; i++) {
		uint32_t cp = l->u[i];

		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 1 >= units || l->u[i + 1] < 0xdc00 || l->u[i + 1] > 0xdfff)
				return -1;
			cp = 0x10000u + ((cp - 0xd800u) << 10) + (l->u[++i] - 0xdc00u);
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return -1;
		}
		if (cp < 0x20 || cp == '/' || cp == 0x7f)
			return -1;
		if (n + 4 > RVX_FS_NAME_MAX)
			return -1;
		if (cp < 0x80) {
			out[n++] = (char)cp;
		} else if (cp < 0x800) {
			out[n++] = (char)(0xc0 | (cp >> 6));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[n++] = (char)(0xe0 | (cp >> 12));
			out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | (cp >> 18));
			out[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	if (n == 0 || (n == 1 && out[0] == '.') || (n == 2 && out[0] == '.' && out[1] == '.'))
		return -1;
	out[n] = 0;
	return (int)n;
}

/* The 8.3 name ("NAME.EXT", lower case where the entry says so), or -1
 * if it holds bytes no name may hold. */
static int short_name(const uint8_t *e, char *out)
{
	int n = 0, base = 8, ext = 3;

	while (base > 0 && e[base - 1] == ' ')
		base--;
	while (ext > 0 && e[8 + ext - 1] == ' ')
		ext--;
	if (base == 0)
		return -1;
	for (int i = 0; i < base + ext; i++) {
		uint8_t c = e[i < base ? i : 8 + (i - base)];
		bool lower = (e[12] & (i < base ? 0x08u : 0x10u)) != 0;

		if (i == 0 && c == 0x05)
			c = 0xe5;
		if (c < 0x20 || c == '/' || c == '\\' || c == 0x7f)
			return -1;
		if (i == base)
			out[n++] = '.';
		if (c >= 0x80)
			c = '_'; /* an OEM code page byte: no portable meaning */
		else if (lower && c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		out[n++] = (char)c;
	}
	out[n] = 0;
	return n;
}

static bool same_ci(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i], y = b[i];

		if (x >= 'a' && x <= 'z')
			x = (char)(x - 32);
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 32);
		if (x != y)
			return false;
	}
	return true;
}

/* What kind of raw entry @e is. */
enum entry_kind { ENTRY_SKIP, ENTRY_LFN, ENTRY_REAL };

static enum entry_kind entry_kind(const uint8_t *e)
{
	if (e[0] == 0xe5)
		return ENTRY_SKIP;
	if ((e[11] & 0x3fu) == ATTR_LFN)
		return ENTRY_LFN;
	if (e[11] & ATTR_VOLUME)
		return ENTRY_SKIP;
	if (e[0] == '.' && (e[1] == ' ' || (e[1] == '.' && e[2] == ' ')))
		return ENTRY_SKIP;
	return ENTRY_REAL;
}

/* A node from a real entry found in @sector at slot @slot. */
static int entry_node(struct rvx_fs_fat *fat, const uint8_t *e, uint32_t sector, uint32_t slot,
		      struct rvx_fs_node *node)
{
	uint32_t first = ((uint32_t)rvx_le_get16(e + 20) << 16) | rvx_le_get16(e + 26);

	memset(node, 0, sizeof(*node));
	node->id = ((uint64_t)sector << 7) | slot;
	node->first = first;
	if (e[11] & ATTR_DIR) {
		node->type = RVX_FS_TYPE_DIR;
		if (!cluster_ok(fat, first))
			return damaged(fat, first == 0 ? RVX_FS_FAT_DIR_ENTRY
						       : RVX_FS_FAT_CHAIN_RANGE);
	} else {
		node->type = RVX_FS_TYPE_FILE;
		node->size = rvx_le_get32(e + 28);
	}
	return 0;
}

/* The next real entry at or after @p: 1 with its node and name, 0 at the end. */
static int next_real(struct rvx_fs_fat *fat, struct dir_pos *p, struct rvx_fs_node *node,
		     char *name, uint32_t *name_len, char *alt, uint32_t *alt_len)
{
	struct lfn l;
	const uint8_t *e = NULL;
	uint32_t sector = 0;
	int ret, n;

	memset(&l, 0, sizeof(l));
	for (;;) {
		ret = dir_next(fat, p, &e, &sector);
		if (ret <= 0)
			return ret;
		switch (entry_kind(e)) {
		case ENTRY_LFN:
			lfn_feed(&l, e);
			continue;
		case ENTRY_SKIP:
			l.valid = false;
			continue;
		case ENTRY_REAL:
			break;
		}
		n = short_name(e, alt);
		if (n < 0)
			return damaged(fat, RVX_FS_FAT_DIR_ENTRY);
		*alt_len = (uint32_t)n;
		n = lfn_name(&l, e, name);
		if (n < 0) {
			memcpy(name, alt, *alt_len + 1);
			n = (int)*alt_len;
		}
		*name_len = (uint32_t)n;
		ret = entry_node(fat, e, sector,
				 ((p->index - 1) * 32u % fat->bytes_per_sector) / 32u, node);
		return ret < 0 ? ret : 1;
	}
}

static int fat_root(void *fs, struct rvx_fs_node *out)
{
	struct rvx_fs_fat *fat = fs;

	memset(out, 0, sizeof(*out));
	out->type = RVX_FS_TYPE_DIR;
	out->first = fat->root_cluster;
	return 0;
}

static int fat_lookup(void *fs, const struct rvx_fs_node *dir, const char *name, size_t len,
		      struct rvx_fs_node *out)
{
	struct rvx_fs_fat *fat = fs;
	struct dir_pos p = {dir->first, 0, 0, false};
	char lname[RVX_FS_NAME_MAX + 1], sname[16];
	uint32_t llen, slen;
	struct rvx_fs_node node;
	int ret;

	if (!cluster_ok(fat, dir->first))
		return damaged(fat, RVX_FS_FAT_CHAIN_RANGE);
	while ((ret = next_real(fat, &p, &node, lname, &llen, sname, &slen)) == 1) {
		if (!same_ci(lname, llen, name, len) && !same_ci(sname, slen, name, len))
			continue;
		ret = node_check(fat, &node, false);
		if (ret != 0)
			return ret;
		*out = node;
		return 0;
	}
	return ret < 0 ? ret : -RVX_ENOENT;
}

/* Cookies: 0 is the start, UINT64_MAX the end, else a position. */
static uint64_t pos_cookie(const struct dir_pos *p)
{
	if (p->end)
		return UINT64_MAX;
	return (1ull << 63) | ((uint64_t)p->walked << 44) | ((uint64_t)p->index << 32) |
	       p->cluster;
}

static int fat_readdir(void *fs, const struct rvx_fs_node *dir, uint64_t *cookie,
		       struct rvx_fs_dirent *out)
{
	struct rvx_fs_fat *fat = fs;
	struct dir_pos p = {dir->first, 0, 0, false};
	char sname[16];
	uint32_t slen;
	struct rvx_fs_node node;
	int ret;

	if (*cookie == UINT64_MAX)
		return 0;
	if (*cookie != 0) {
		p.cluster = (uint32_t)*cookie;
		p.index = (uint32_t)(*cookie >> 32) & 0xfffu;
		p.walked = (uint32_t)(*cookie >> 44) & 0x7ffffu;
	}
	if (!cluster_ok(fat, p.cluster) || p.index > fat->cluster_bytes / 32u)
		return damaged(fat, RVX_FS_FAT_CHAIN_RANGE);
	ret = next_real(fat, &p, &node, out->name, &out->name_len, sname, &slen);
	if (ret < 0)
		return ret;
	*cookie = pos_cookie(&p);
	if (ret == 0)
		return 0;
	out->type = node.type;
	out->size = node.size;
	return 1;
}

static int fat_read(void *fs, struct rvx_fs_node *file, uint64_t off, void *buf, size_t len)
{
	struct rvx_fs_fat *fat = fs;
	uint8_t *dst = buf;
	uint64_t ci, idx;
	uint32_t c;
	size_t done = 0;
	int ret;

	if (off >= file->size || len == 0)
		return 0;
	if (len > file->size - off)
		len = (size_t)(file->size - off);
	if (len > RVX_FS_IO_MAX)
		len = RVX_FS_IO_MAX;
	ci = off / fat->cluster_bytes;
	/* Resume from the cached position when it is not past the target. */
	if (file->hint[0] != 0 && file->hint[0] - 1 <= ci && cluster_ok(fat, (uint32_t)file->hint[1])) {
		idx = file->hint[0] - 1;
		c = (uint32_t)file->hint[1];
	} else {
		idx = 0;
		c = file->first;
	}
	if (!cluster_ok(fat, c))
		return damaged(fat, RVX_FS_FAT_CHAIN_RANGE);
	while (done < len) {
		uint32_t in = (uint32_t)((off + done) % fat->cluster_bytes), bps = fat->bytes_per_sector;
		uint32_t sec, sin;
		size_t take;

		while (idx < (off + done) / fat->cluster_bytes) {
			ret = fat_next(fat, c, &c);
			if (ret < 0)
				return ret;
			if (ret == 1) /* the chain ends before the size does */
				return damaged(fat, RVX_FS_FAT_CHAIN_LENGTH);
			idx++;
		}
		sec = cluster_sector(fat, c) + in / bps;
		sin = in % bps;
		take = fat->cluster_bytes - in;
		if (take > len - done)
			take = len - done;
		if (sin == 0 && take >= bps) {
			uint32_t whole = (uint32_t)(take / bps);

			ret = read_sectors(fat, sec, whole, dst + done);
			if (ret != 0)
				return ret;
			take = (size_t)whole * bps;
		} else {
			const uint8_t *s;

			if (take > bps - sin)
				take = bps - sin;
			ret = cached(fat, 1, sec, &s);
			if (ret != 0)
				return ret;
			memcpy(dst + done, s + sin, take);
		}
		done += take;
	}
	file->hint[0] = idx + 1;
	file->hint[1] = c;
	return (int)done;
}

const struct rvx_fs_ops rvx_fs_fat_ops = {
	.root = fat_root,
	.lookup = fat_lookup,
	.read = fat_read,
	.readdir = fat_readdir,
};

/* The boot sector's checks; fills @v's geometry. */
static int check_boot(struct rvx_fs_fat *v, const uint8_t *b)
{
	uint32_t bps, spc, rsvd, nfats, total, fatsz, active = 0;
	uint64_t data_start, clusters;
	uint16_t ext;

	if ((b[0] != 0xeb && b[0] != 0xe9) || b[510] != 0x55 || b[511] != 0xaa)
		return damaged(v, RVX_FS_FAT_BOOT_SIGNATURE);
	bps = rvx_le_get16(b + 11);
	if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096)
		return damaged(v, RVX_FS_FAT_SECTOR_SIZE);
	spc = b[13];
	if (!RVX_IS_POW2(spc) || spc * bps > 65536u)
		return damaged(v, RVX_FS_FAT_CLUSTER_SIZE);
	if (rvx_le_get16(b + 17) != 0 || rvx_le_get16(b + 22) != 0 || rvx_le_get32(b + 36) == 0 ||
	    rvx_le_get16(b + 42) != 0)
		return damaged(v, RVX_FS_FAT_NOT_FAT32);
	rsvd = rvx_le_get16(b + 14);
	nfats = b[16];
	total = rvx_le_get16(b + 19) ? rvx_le_get16(b + 19) : rvx_le_get32(b + 32);
	fatsz = rvx_le_get32(b + 36);
	ext = rvx_le_get16(b + 40);
	if (ext & 0x80u)
		active = ext & 0xfu;
	data_start = (uint64_t)rsvd + (uint64_t)nfats * fatsz;
	if (rsvd == 0 || nfats == 0 || nfats > 4 || active >= nfats || total == 0 ||
	    data_start >= total || (uint64_t)total * (bps / 512u) > v->cfg.block_count)
		return damaged(v, RVX_FS_FAT_GEOMETRY);
	if (rvx_le_get16(b + 19) != 0 && rvx_le_get32(b + 32) != 0 &&
	    rvx_le_get32(b + 32) != rvx_le_get16(b + 19))
		return damaged(v, RVX_FS_FAT_GEOMETRY);
	clusters = (total - data_start) / spc;
	if (clusters == 0 || clusters > 0x0ffffff4u)
		return damaged(v, RVX_FS_FAT_GEOMETRY);
	if ((uint64_t)fatsz * bps / 4u < clusters + 2u)
		return damaged(v, RVX_FS_FAT_FAT_TOO_SMALL);

	v->bytes_per_sector = bps;
	v->sectors_per_cluster = spc;
	v->cluster_bytes = bps * spc;
	v->fat_start = rsvd + active * fatsz;
	v->fat_sectors = fatsz;
	v->data_start = (uint32_t)data_start;
	v->cluster_count = (uint32_t)clusters;
	v->root_cluster = rvx_le_get32(b + 44);
	v->total_sectors = total;
	if (!cluster_ok(v, v->root_cluster))
		return damaged(v, RVX_FS_FAT_ROOT_CLUSTER);
	return 0;
}

/* The full check: every directory and chain once, each cluster claimed once. */
static int full_check(struct rvx_fs_fat *v)
{
	struct dir_pos stack[RVX_FS_DEPTH_MAX + 1];
	char name[RVX_FS_NAME_MAX + 1], alt[16];
	uint32_t depth = 0, nl, al;
	struct rvx_fs_node node;
	int ret;

	memset(v->cfg.bitmap, 0, ((size_t)v->cluster_count + 2u + 7u) / 8u);
	fat_root(v, &node);
	ret = node_check(v, &node, true);
	if (ret != 0)
		return ret;
	stack[0] = (struct dir_pos){v->root_cluster, 0, 0, false};
	for (;;) {
		ret = next_real(v, &stack[depth], &node, name, &nl, alt, &al);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			if (depth == 0)
				return 0;
			depth--;
			continue;
		}
		ret = node_check(v, &node, true);
		if (ret != 0)
			return ret;
		if (node.type == RVX_FS_TYPE_DIR) {
			if (depth + 1 > RVX_FS_DEPTH_MAX)
				return damaged(v, RVX_FS_FAT_TOO_DEEP);
			stack[++depth] = (struct dir_pos){node.first, 0, 0, false};
		}
	}
}

int rvx_fs_fat_mount(struct rvx_fs_fat *fat, const struct rvx_fs_fat_config *cfg,
		     enum rvx_fs_fat_damage *damage)
{
	struct rvx_fs_fat v;
	const uint8_t *s;
	struct rvx_fs_node root;
	uint8_t media;
	int ret;

	if (damage != NULL)
		*damage = RVX_FS_FAT_OK;
	if (fat == NULL || cfg == NULL || cfg->read == NULL || cfg->scratch == NULL)
		return -RVX_EINVAL;
	if (cfg->scratch_size < 1024u)
		return -RVX_EBUFSMALL;
	memset(&v, 0, sizeof(v));
	v.cfg = *cfg;
	v.fat_cached = UINT32_MAX;
	v.data_cached = UINT32_MAX;
	if (cfg->block_count == 0) {
		ret = damaged(&v, RVX_FS_FAT_GEOMETRY);
		goto out;
	}
	ret = cfg->read(cfg->ctx, 0, 1, cfg->scratch);
	if (ret != 0) {
		ret = ret > 0 ? -RVX_EINVAL : ret;
		goto out;
	}
	ret = check_boot(&v, cfg->scratch);
	if (ret != 0)
		goto out;
	media = cfg->scratch[21];
	if (cfg->scratch_size < 2u * (size_t)v.bytes_per_sector ||
	    (cfg->bitmap != NULL && cfg->bitmap_size < ((size_t)v.cluster_count + 2u + 7u) / 8u)) {
		ret = -RVX_EBUFSMALL;
		goto out;
	}
	/* FAT entry 0 repeats the media byte (saved above: this read
	 * reuses the scratch that held the boot sector). */
	ret = cached(&v, 0, v.fat_start, &s);
	if (ret != 0)
		goto out;
	if (s[0] != media) {
		ret = damaged(&v, RVX_FS_FAT_MEDIA);
		goto out;
	}
	fat_root(&v, &root);
	ret = node_check(&v, &root, false);
	if (ret == 0 && cfg->bitmap != NULL)
		ret = full_check(&v);
out:
	if (damage != NULL)
		*damage = (enum rvx_fs_fat_damage)v.damage;
	if (ret == 0) {
		v.damage = RVX_FS_FAT_OK;
		*fat = v;
	}
	return ret;
}
