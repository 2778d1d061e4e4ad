/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RamFS: a read-write filesystem in caller arrays. Nodes live in a table
 * (node 0 is the root) and name their directory by index; file data lives
 * in fixed 512-byte blocks chained through a link array, like a FAT in
 * memory. A node's identity carries its generation, so a node removed
 * and its slot reused is never mistaken for the old one.
 *
 * Writes count the blocks they need before taking any, so a write that
 * does not fit changes nothing.
 */
#include "ruvix/fs.h"

#define BLOCK RVX_FS_RAMFS_BLOCK
#define LINK_FREE 0xfffffffeu

int rvx_fs_ramfs_init(struct rvx_fs_ramfs *rfs, struct rvx_fs_ramfs_node *nodes,
		      uint32_t node_count, uint8_t *data, uint32_t *next, uint32_t block_count)
{
	if (rfs == NULL || nodes == NULL || node_count == 0 || node_count > 0x80000000u ||
	    block_count >= LINK_FREE || (block_count > 0 && (data == NULL || next == NULL)))
		return -RVX_EINVAL;
	memset(nodes, 0, sizeof(*nodes) * node_count);
	for (uint32_t i = 0; i < block_count; i++)
		next[i] = LINK_FREE;
	nodes[0].type = RVX_FS_TYPE_DIR;
	nodes[0].first_block = RVX_FS_RAMFS_NONE;
	rfs->nodes = nodes;
	rfs->node_count = node_count;
	rfs->data = data;
	rfs->next = next;
	rfs->block_count = block_count;
	rfs->free_blocks = block_count;
	rfs->free_nodes = node_count - 1;
	return 0;
}

static uint64_t node_id(const struct rvx_fs_ramfs *rfs, uint32_t i)
{
	return ((uint64_t)rfs->nodes[i].gen << 32) | i;
}

static void fill(const struct rvx_fs_ramfs *rfs, uint32_t i, struct rvx_fs_node *out)
{
	const struct rvx_fs_ramfs_node *n = &rfs->nodes[i];

	memset(out, 0, sizeof(*out));
	out->id = node_id(rfs, i);
	out->type = n->type;
	out->size = n->type == RVX_FS_TYPE_FILE ? n->size : 0;
	out->first = i;
}

/* The live node a VFS node names, or NULL if it was removed since. */
static struct rvx_fs_ramfs_node *live(const struct rvx_fs_ramfs *rfs, const struct rvx_fs_node *n)
{
	uint32_t i = n->first;

	if (i >= rfs->node_count || rfs->nodes[i].type == 0 || node_id(rfs, i) != n->id)
		return NULL;
	return &rfs->nodes[i];
}

static int ram_root(void *fs, struct rvx_fs_node *out)
{
	fill(fs, 0, out);
	return 0;
}

static int find(const struct rvx_fs_ramfs *rfs, uint32_t dir, const char *name, size_t len)
{
	for (uint32_t i = 1; i < rfs->node_count; i++) {
		const struct rvx_fs_ramfs_node *n = &rfs->nodes[i];

		if (n->type != 0 && n->parent == dir && n->name_len == len &&
		    memcmp(n->name, name, len) == 0)
			return (int)i;
	}
	return -RVX_ENOENT;
}

static int ram_lookup(void *fs, const struct rvx_fs_node *dir, const char *name, size_t len,
		      struct rvx_fs_node *out)
{
	struct rvx_fs_ramfs *rfs = fs;
	int i;

	if (live(rfs, dir) == NULL)
		return -RVX_ESTALE;
	i = find(rfs, dir->first, name, len);
	if (i < 0)
		return i;
	fill(rfs, (uint32_t)i, out);
	return 0;
}

static int ram_readdir(void *fs, const struct rvx_fs_node *dir, uint64_t *cookie,
		       struct rvx_fs_dirent *out)
{
	struct rvx_fs_ramfs *rfs = fs;

	if (live(rfs, dir) == NULL)
		return -RVX_ESTALE;
	for (uint64_t i = *cookie + 1; i < rfs->node_count; i++) {
		const struct rvx_fs_ramfs_node *n = &rfs->nodes[i];

		if (n->type == 0 || n->parent != dir->first)
			continue;
		memcpy(out->name, n->name, n->name_len);
		out->name[n->name_len] = 0;
		out->name_len = n->name_len;
		out->type = n->type;
		out->size = n->type == RVX_FS_TYPE_FILE ? n->size : 0;
		*cookie = i;
		return 1;
	}
	*cookie = rfs->node_count;
	return 0;
}

/* The block holding byte @off of a file (which has it). */
static uint32_t block_at(const struct rvx_fs_ramfs *rfs, const struct rvx_fs_ramfs_node *n,
			 uint64_t off)
{
	uint32_t b = n->first_block;

	for (uint64_t k = off / BLOCK; k > 0; k--)
		b = rfs->next[b];
	return b;
}

static int ram_read(void *fs, struct rvx_fs_node *file, uint64_t off, void *buf, size_t len)
{
	struct rvx_fs_ramfs *rfs = fs;
	const struct rvx_fs_ramfs_node *n = live(rfs, file);
	uint8_t *dst = buf;
	size_t done = 0;
	uint32_t b;

	if (n == NULL)
		return -RVX_ESTALE;
	if (off >= n->size || len == 0)
		return 0;
	if (len > n->size - off)
		len = (size_t)(n->size - off);
	b = block_at(rfs, n, off);
	while (done < len) {
		size_t in = (size_t)((off + done) % BLOCK), take = BLOCK - in;

		if (take > len - done)
			take = len - done;
		memcpy(dst + done, rfs->data + (size_t)b * BLOCK + in, take);
		done += take;
		if (done < len)
			b = rfs->next[b];
	}
	return (int)done;
}

static uint64_t blocks_for(uint64_t size)
{
	return (size + BLOCK - 1) / BLOCK;
}

static int ram_write(void *fs, struct rvx_fs_node *file, uint64_t off, const void *buf, size_t len)
{
	struct rvx_fs_ramfs *rfs = fs;
	struct rvx_fs_ramfs_node *n = live(rfs, file);
	const uint8_t *src = buf;
	uint64_t end, have, need;
	uint32_t b, last = RVX_FS_RAMFS_NONE, scan = 0;
	size_t done = 0;

	if (n == NULL)
		return -RVX_ESTALE;
	if (n->type != RVX_FS_TYPE_FILE)
		return -RVX_ETYPE;
	if (len == 0)
		return 0;
	if (off > UINT64_MAX - len)
		return -RVX_EINVAL;
	end = off + len;
	have = blocks_for(n->size);
	need = end > n->size ? blocks_for(end) - have : 0;
	if (need > rfs->free_blocks)
		return -RVX_ENOMEM;

	/* Commit: append @need zeroed blocks, then copy. */
	if (have > 0)
		last = block_at(rfs, n, (have - 1) * BLOCK);
	for (uint64_t k = 0; k < need; k++) {
		while (rfs->next[scan] != LINK_FREE)
			scan++;
		rfs->next[scan] = RVX_FS_RAMFS_NONE;
		memset(rfs->data + (size_t)scan * BLOCK, 0, BLOCK);
		if (last == RVX_FS_RAMFS_NONE)
			n->first_block = scan;
		else
			rfs->next[last] = scan;
		last = scan;
	}
	rfs->free_blocks -= (uint32_t)need;
	/* A gap between the old end and @off reads as zeros with no work:
	 * blocks are zeroed when taken, and no byte past a file's size is
	 * ever written (a write that reaches past it moves the size). */
	if (end > n->size)
		n->size = end;
	b = block_at(rfs, n, off);
	while (done < len) {
		size_t in = (size_t)((off + done) % BLOCK), take = BLOCK - in;

		if (take > len - done)
			take = len - done;
		memcpy(rfs->data + (size_t)b * BLOCK + in, src + done, take);
		done += take;
		if (done < len)
			b = rfs->next[b];
	}
	file->size = n->size;
	return (int)done;
}

static bool name_ok(const char *name, size_t len)
{
	if (len == 0 || len > RVX_FS_RAMFS_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == 0)
			return false;
	return !(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.');
}

static int ram_create(void *fs, const struct rvx_fs_node *dir, const char *name, size_t len,
		      uint32_t type, struct rvx_fs_node *out)
{
	struct rvx_fs_ramfs *rfs = fs;
	const struct rvx_fs_ramfs_node *d = live(rfs, dir);
	struct rvx_fs_ramfs_node *n = NULL;
	uint32_t i;

	if (d == NULL)
		return -RVX_ESTALE;
	if (d->type != RVX_FS_TYPE_DIR)
		return -RVX_ETYPE;
	if ((type != RVX_FS_TYPE_FILE && type != RVX_FS_TYPE_DIR) || !name_ok(name, len))
		return -RVX_EINVAL;
	if (find(rfs, dir->first, name, len) >= 0)
		return -RVX_EEXIST;
	if (rfs->free_nodes == 0)
		return -RVX_ENOMEM;
	for (i = 1; i < rfs->node_count; i++) {
		if (rfs->nodes[i].type == 0) {
			n = &rfs->nodes[i];
			break;
		}
	}
	RVX_CHECK(n != NULL);

	/* Commit. The generation survives from the slot's last use. */
	n->type = (uint8_t)type;
	n->parent = dir->first;
	n->size = 0;
	n->first_block = RVX_FS_RAMFS_NONE;
	n->name_len = (uint8_t)len;
	memset(n->name, 0, sizeof(n->name));
	memcpy(n->name, name, len);
	rfs->free_nodes--;
	fill(rfs, i, out);
	return 0;
}

static int ram_unlink(void *fs, const struct rvx_fs_node *dir, const char *name, size_t len)
{
	struct rvx_fs_ramfs *rfs = fs;
	struct rvx_fs_ramfs_node *n;
	uint32_t b;
	int i;

	if (live(rfs, dir) == NULL)
		return -RVX_ESTALE;
	i = find(rfs, dir->first, name, len);
	if (i < 0)
		return i;
	n = &rfs->nodes[i];
	if (n->type == RVX_FS_TYPE_DIR) {
		for (uint32_t k = 1; k < rfs->node_count; k++)
			if (rfs->nodes[k].type != 0 && rfs->nodes[k].parent == (uint32_t)i)
				return -RVX_EBUSY;
	}

	/* Commit: free the blocks, retire the identity. */
	for (b = n->first_block; b != RVX_FS_RAMFS_NONE;) {
		uint32_t nx = rfs->next[b];

		rfs->next[b] = LINK_FREE;
		rfs->free_blocks++;
		b = nx;
	}
	n->type = 0;
	n->size = 0;
	n->first_block = RVX_FS_RAMFS_NONE;
	n->gen++;
	rfs->free_nodes++;
	return 0;
}

const struct rvx_fs_ops rvx_fs_ramfs_ops = {
	.root = ram_root,
	.lookup = ram_lookup,
	.read = ram_read,
	.readdir = ram_readdir,
	.write = ram_write,
	.create = ram_create,
	.unlink = ram_unlink,
};
