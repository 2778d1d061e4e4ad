/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VFS: path normalisation, the mount table (longest whole-component
 * prefix wins) and the file table. Every call normalises its path first,
 * so the filesystems below only ever see plain names.
 */
#include "ruvix/fs.h"

int rvx_fs_path_normalise(const char *path, char *out, size_t out_size)
{
	/* Start offset of each kept component in @buf, for "..". */
	uint32_t starts[RVX_FS_DEPTH_MAX + 1];
	char buf[RVX_FS_PATH_MAX + 2];
	size_t in_len = 0, n = 0, i = 0;
	uint32_t depth = 0;

	if (path == NULL || out == NULL)
		return -RVX_EINVAL;
	while (in_len <= RVX_FS_PATH_MAX && path[in_len] != 0)
		in_len++;
	if (in_len > RVX_FS_PATH_MAX)
		return -RVX_ELIMIT;
	if (in_len == 0 || path[0] != '/')
		return -RVX_EINVAL;

	while (i < in_len) {
		size_t s, len;

		while (i < in_len && path[i] == '/')
			i++;
		s = i;
		while (i < in_len && path[i] != '/')
			i++;
		len = i - s;
		if (len == 0 || (len == 1 && path[s] == '.'))
			continue;
		if (len == 2 && path[s] == '.' && path[s + 1] == '.') {
			if (depth == 0)
				return -RVX_EPERM;
			n = starts[--depth];
			continue;
		}
		if (len > RVX_FS_NAME_MAX)
			return -RVX_ELIMIT;
		/* The output is never longer than the input (each kept
		 * component had a '/' before it), so @buf cannot overflow;
		 * the length check says so to the reader. */
		if (depth == RVX_FS_DEPTH_MAX || n + 1 + len > RVX_FS_PATH_MAX)
			return -RVX_ELIMIT;
		starts[depth++] = (uint32_t)n;
		buf[n++] = '/';
		memcpy(buf + n, path + s, len);
		n += len;
	}
	if (n == 0)
		buf[n++] = '/';
	if (n + 1 > out_size)
		return -RVX_EBUFSMALL;
	memcpy(out, buf, n);
	out[n] = 0;
	return (int)n;
}

int rvx_fs_vfs_init(struct rvx_fs_vfs *vfs, struct rvx_fs_mount *mounts, uint32_t mount_count,
		    struct rvx_fs_file *files, uint32_t file_count)
{
	if (vfs == NULL || mounts == NULL || files == NULL || mount_count == 0 ||
	    file_count == 0 || file_count >= 0x80000000u)
		return -RVX_EINVAL;
	memset(mounts, 0, sizeof(*mounts) * mount_count);
	memset(files, 0, sizeof(*files) * file_count);
	vfs->mounts = mounts;
	vfs->mount_count = mount_count;
	vfs->files = files;
	vfs->file_count = file_count;
	return 0;
}

/* A normalised path and where it lands. */
struct resolved {
	char path[RVX_FS_PATH_MAX + 1];
	uint32_t len;
	uint32_t mount;
	uint32_t rest;      /* offset of the part below the mount point ('/' or end) */
};

static int resolve_path(const struct rvx_fs_vfs *vfs, const char *path, struct resolved *r)
{
	int n;
	uint32_t best_len = 0;
	bool found = false;

	if (vfs == NULL)
		return -RVX_EINVAL;
	n = rvx_fs_path_normalise(path, r->path, sizeof(r->path));
	if (n < 0)
		return n;
	r->len = (uint32_t)n;
	for (uint32_t i = 0; i < vfs->mount_count; i++) {
		const struct rvx_fs_mount *m = &vfs->mounts[i];
		uint32_t ml = m->path_len;

		if (m->ops == NULL)
			continue;
		if (ml == 1) { /* "/" owns everything */
			ml = 0;
		} else if (ml > r->len || memcmp(m->path, r->path, ml) != 0 ||
			   (ml < r->len && r->path[ml] != '/')) {
			continue;
		}
		if (!found || ml > best_len) {
			found = true;
			best_len = ml;
			r->mount = i;
		}
	}
	if (!found)
		return -RVX_ENOENT;
	r->rest = best_len;
	return 0;
}

/* Walk the components of r->path from r->rest up to (not including) offset
 * @end, from the mount's root. */
static int walk(const struct rvx_fs_vfs *vfs, const struct resolved *r, uint32_t end,
		struct rvx_fs_node *node)
{
	const struct rvx_fs_mount *m = &vfs->mounts[r->mount];
	uint32_t i = r->rest;
	int ret = m->ops->root(m->fs, node);

	while (ret == 0 && i < end) {
		uint32_t s = i + 1, e = s;
		struct rvx_fs_node next;

		while (e < end && r->path[e] != '/')
			e++;
		if (node->type != RVX_FS_TYPE_DIR)
			return -RVX_ETYPE;
		ret = m->ops->lookup(m->fs, node, r->path + s, e - s, &next);
		if (ret == 0)
			*node = next;
		i = e;
	}
	return ret;
}

/* Offset of the last component's '/' (r->rest when the path is the mount's root). */
static uint32_t last_slash(const struct resolved *r)
{
	uint32_t i = r->len;

	if (r->len == 1)
		return r->rest;
	while (i > r->rest && r->path[i - 1] != '/')
		i--;
	return i > r->rest ? i - 1 : r->rest;
}

int rvx_fs_mount(struct rvx_fs_vfs *vfs, const char *path, const struct rvx_fs_ops *ops,
		 void *fs)
{
	char norm[RVX_FS_PATH_MAX + 1];
	struct rvx_fs_node root;
	struct rvx_fs_mount *slot = NULL;
	int n, ret;

	if (vfs == NULL || ops == NULL || ops->root == NULL || ops->lookup == NULL ||
	    ops->read == NULL || ops->readdir == NULL)
		return -RVX_EINVAL;
	n = rvx_fs_path_normalise(path, norm, sizeof(norm));
	if (n < 0)
		return n;
	for (uint32_t i = 0; i < vfs->mount_count; i++) {
		struct rvx_fs_mount *m = &vfs->mounts[i];

		if (m->ops == NULL) {
			if (slot == NULL)
				slot = m;
		} else if (m->path_len == (uint32_t)n && memcmp(m->path, norm, (size_t)n) == 0) {
			return -RVX_EEXIST;
		}
	}
	if (slot == NULL)
		return -RVX_ENOMEM;
	ret = ops->root(fs, &root);
	if (ret != 0)
		return ret;
	if (root.type != RVX_FS_TYPE_DIR)
		return -RVX_ETYPE;

	/* Commit. */
	memcpy(slot->path, norm, (size_t)n + 1);
	slot->path_len = (uint32_t)n;
	slot->fs = fs;
	slot->ops = ops;
	return 0;
}

int rvx_fs_umount(struct rvx_fs_vfs *vfs, const char *path)
{
	char norm[RVX_FS_PATH_MAX + 1];
	int n;

	if (vfs == NULL)
		return -RVX_EINVAL;
	n = rvx_fs_path_normalise(path, norm, sizeof(norm));
	if (n < 0)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < vfs->mount_count; i++) {
		struct rvx_fs_mount *m = &vfs->mounts[i];

		if (m->ops == NULL || m->path_len != (uint32_t)n ||
		    memcmp(m->path, norm, (size_t)n) != 0)
			continue;
		for (uint32_t f = 0; f < vfs->file_count; f++)
			if (vfs->files[f].flags != 0 && vfs->files[f].mount == i)
				return -RVX_EBUSY;
		memset(m, 0, sizeof(*m));
		return 0;
	}
	return -RVX_ENOENT;
}

static struct rvx_fs_file *file_get(const struct rvx_fs_vfs *vfs, rvx_handle_t h)
{
	uint32_t i = rvx_handle_index(h);
	struct rvx_fs_file *f;

	if (i >= vfs->file_count)
		return NULL;
	f = &vfs->files[i];
	if (f->flags == 0 || f->gen != rvx_handle_gen(h))
		return NULL;
	return f;
}

static bool node_open(const struct rvx_fs_vfs *vfs, uint32_t mount, uint64_t id)
{
	for (uint32_t f = 0; f < vfs->file_count; f++)
		if (vfs->files[f].flags != 0 && vfs->files[f].mount == mount &&
		    vfs->files[f].node.id == id)
			return true;
	return false;
}

int rvx_fs_open(struct rvx_fs_vfs *vfs, const char *path, uint32_t flags, rvx_handle_t *out)
{
	struct resolved r;
	struct rvx_fs_node node;
	struct rvx_fs_file *slot = NULL;
	const struct rvx_fs_mount *m;
	uint32_t idx = 0;
	int ret;

	if (vfs == NULL || out == NULL ||
	    (flags & ~(RVX_FS_O_READ | RVX_FS_O_WRITE | RVX_FS_O_CREATE)) != 0 ||
	    (flags & (RVX_FS_O_READ | RVX_FS_O_WRITE)) == 0 ||
	    ((flags & RVX_FS_O_CREATE) && !(flags & RVX_FS_O_WRITE)))
		return -RVX_EINVAL;
	ret = resolve_path(vfs, path, &r);
	if (ret != 0)
		return ret;
	m = &vfs->mounts[r.mount];
	if ((flags & RVX_FS_O_WRITE) && m->ops->write == NULL)
		return -RVX_EPERM;
	for (uint32_t i = 0; i < vfs->file_count && slot == NULL; i++) {
		if (vfs->files[i].flags == 0) {
			slot = &vfs->files[i];
			idx = i;
		}
	}
	if (slot == NULL)
		return -RVX_ENOMEM;

	ret = walk(vfs, &r, r.len == 1 ? r.rest : r.len, &node);
	if (ret == -RVX_ENOENT && (flags & RVX_FS_O_CREATE) && m->ops->create != NULL &&
	    r.len > r.rest) {
		/* The parent must exist; the create is the last thing that can fail. */
		uint32_t ls = last_slash(&r);
		struct rvx_fs_node dir;

		ret = walk(vfs, &r, ls, &dir);
		if (ret != 0)
			return ret;
		if (dir.type != RVX_FS_TYPE_DIR)
			return -RVX_ETYPE;
		ret = m->ops->create(m->fs, &dir, r.path + ls + 1, r.len - ls - 1,
				     RVX_FS_TYPE_FILE, &node);
	}
	if (ret != 0)
		return ret;
	if (node.type == RVX_FS_TYPE_DIR && (flags & RVX_FS_O_WRITE))
		return -RVX_ETYPE;

	/* Commit. */
	slot->node = node;
	slot->pos = 0;
	slot->mount = r.mount;
	slot->gen = rvx_gen_next(slot->gen);
	slot->flags = flags;
	*out = rvx_handle_make(idx, slot->gen);
	return 0;
}

int rvx_fs_close(struct rvx_fs_vfs *vfs, rvx_handle_t h)
{
	struct rvx_fs_file *f;

	if (vfs == NULL)
		return -RVX_EINVAL;
	f = file_get(vfs, h);
	if (f == NULL)
		return -RVX_ESTALE;
	f->flags = 0;
	return 0;
}

int rvx_fs_read(struct rvx_fs_vfs *vfs, rvx_handle_t h, void *buf, size_t len)
{
	const struct rvx_fs_mount *m;
	struct rvx_fs_file *f;
	int ret;

	if (vfs == NULL || buf == NULL)
		return -RVX_EINVAL;
	f = file_get(vfs, h);
	if (f == NULL)
		return -RVX_ESTALE;
	if (!(f->flags & RVX_FS_O_READ))
		return -RVX_EPERM;
	if (f->node.type != RVX_FS_TYPE_FILE)
		return -RVX_ETYPE;
	if (len > RVX_FS_IO_MAX)
		len = RVX_FS_IO_MAX;
	m = &vfs->mounts[f->mount];
	ret = m->ops->read(m->fs, &f->node, f->pos, buf, len);
	if (ret > 0)
		f->pos += (uint64_t)ret;
	return ret;
}

int rvx_fs_write(struct rvx_fs_vfs *vfs, rvx_handle_t h, const void *buf, size_t len)
{
	const struct rvx_fs_mount *m;
	struct rvx_fs_file *f;
	int ret;

	if (vfs == NULL || buf == NULL || len > RVX_FS_IO_MAX)
		return -RVX_EINVAL;
	f = file_get(vfs, h);
	if (f == NULL)
		return -RVX_ESTALE;
	if (!(f->flags & RVX_FS_O_WRITE))
		return -RVX_EPERM;
	if (f->node.type != RVX_FS_TYPE_FILE)
		return -RVX_ETYPE;
	m = &vfs->mounts[f->mount];
	ret = m->ops->write(m->fs, &f->node, f->pos, buf, len);
	if (ret > 0)
		f->pos += (uint64_t)ret;
	return ret;
}

int rvx_fs_seek(struct rvx_fs_vfs *vfs, rvx_handle_t h, uint64_t pos)
{
	struct rvx_fs_file *f;

	if (vfs == NULL)
		return -RVX_EINVAL;
	f = file_get(vfs, h);
	if (f == NULL)
		return -RVX_ESTALE;
	if (f->node.type != RVX_FS_TYPE_FILE)
		return -RVX_ETYPE;
	f->pos = pos;
	return 0;
}

int rvx_fs_readdir(struct rvx_fs_vfs *vfs, rvx_handle_t h, struct rvx_fs_dirent *out)
{
	const struct rvx_fs_mount *m;
	struct rvx_fs_file *f;
	uint64_t cookie;
	int ret;

	if (vfs == NULL || out == NULL)
		return -RVX_EINVAL;
	f = file_get(vfs, h);
	if (f == NULL)
		return -RVX_ESTALE;
	if (f->node.type != RVX_FS_TYPE_DIR)
		return -RVX_ETYPE;
	m = &vfs->mounts[f->mount];
	cookie = f->pos;
	ret = m->ops->readdir(m->fs, &f->node, &cookie, out);
	if (ret == 1)
		f->pos = cookie;
	return ret;
}

int rvx_fs_stat(struct rvx_fs_vfs *vfs, const char *path, struct rvx_fs_stat *st)
{
	struct resolved r;
	struct rvx_fs_node node;
	int ret;

	if (vfs == NULL || st == NULL)
		return -RVX_EINVAL;
	ret = resolve_path(vfs, path, &r);
	if (ret != 0)
		return ret;
	ret = walk(vfs, &r, r.len == 1 ? r.rest : r.len, &node);
	if (ret != 0)
		return ret;
	st->id = node.id;
	st->size = node.size;
	st->type = node.type;
	return 0;
}

int rvx_fs_mkdir(struct rvx_fs_vfs *vfs, const char *path)
{
	struct resolved r;
	struct rvx_fs_node dir, node;
	const struct rvx_fs_mount *m;
	uint32_t ls;
	int ret;

	if (vfs == NULL)
		return -RVX_EINVAL;
	ret = resolve_path(vfs, path, &r);
	if (ret != 0)
		return ret;
	m = &vfs->mounts[r.mount];
	if (r.rest >= r.len || r.len == 1)
		return -RVX_EEXIST; /* the mount point itself */
	if (m->ops->create == NULL)
		return -RVX_EPERM;
	ls = last_slash(&r);
	ret = walk(vfs, &r, ls, &dir);
	if (ret != 0)
		return ret;
	if (dir.type != RVX_FS_TYPE_DIR)
		return -RVX_ETYPE;
	return m->ops->create(m->fs, &dir, r.path + ls + 1, r.len - ls - 1, RVX_FS_TYPE_DIR,
			      &node);
}

int rvx_fs_unlink(struct rvx_fs_vfs *vfs, const char *path)
{
	struct resolved r;
	struct rvx_fs_node dir, node;
	const struct rvx_fs_mount *m;
	uint32_t ls;
	int ret;

	if (vfs == NULL)
		return -RVX_EINVAL;
	ret = resolve_path(vfs, path, &r);
	if (ret != 0)
		return ret;
	m = &vfs->mounts[r.mount];
	if (r.rest >= r.len || r.len == 1)
		return -RVX_EPERM; /* a mount's root */
	if (m->ops->unlink == NULL)
		return -RVX_EPERM;
	ls = last_slash(&r);
	ret = walk(vfs, &r, ls, &dir);
	if (ret != 0)
		return ret;
	if (dir.type != RVX_FS_TYPE_DIR)
		return -RVX_ETYPE;
	ret = m->ops->lookup(m->fs, &dir, r.path + ls + 1, r.len - ls - 1, &node);
	if (ret != 0)
		return ret;
	if (node_open(vfs, r.mount, node.id))
		return -RVX_EBUSY;
	for (uint32_t i = 0; i < vfs->mount_count; i++) {
		/* A directory that holds a mount point stays. */
		const struct rvx_fs_mount *o = &vfs->mounts[i];

		if (o->ops != NULL && o->path_len > r.len &&
		    memcmp(o->path, r.path, r.len) == 0 && o->path[r.len] == '/')
			return -RVX_EBUSY;
	}
	return m->ops->unlink(m->fs, &dir, r.path + ls + 1, r.len - ls - 1);
}
