/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "pdev.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int m_read(void *ctx, uint64_t lba, void *buf)
{
	struct mdev *m = ctx;

	if (lba >= m->count)
		return -RVX_EINVAL;
	memcpy(buf, m->img + lba * m->bs, m->bs);
	return 0;
}

static int m_write(void *ctx, uint64_t lba, const void *buf)
{
	struct mdev *m = ctx;
	uint64_t n = m->writes++;

	if (lba >= m->count)
		return -RVX_EINVAL;
	if (m->dead)
		return -RVX_EBUSY;
	if (n == m->limit) {
		m->dead = true;
		if (m->fault == MDEV_TEAR)
			memcpy(m->img + lba * m->bs, buf, m->bs / 2u);
		return -RVX_EBUSY;
	}
	if (!m->undo_valid) {
		m->undo_valid = true;
		m->undo_lba = lba;
		memcpy(m->undo, m->img + lba * m->bs, m->bs);
	}
	memcpy(m->img + lba * m->bs, buf, m->bs);
	return 0;
}

static int m_flush(void *ctx)
{
	struct mdev *m = ctx;

	if (m->dead)
		return -RVX_EBUSY;
	m->flushes++;
	m->undo_valid = false;
	return 0;
}

void mdev_init(struct mdev *m, uint32_t bs, uint64_t count)
{
	memset(m, 0, sizeof(*m));
	m->bs = bs;
	m->count = count;
	m->img = calloc(count, bs);
	m->undo = calloc(1, bs);
	m->limit = UINT64_MAX;
}

void mdev_free(struct mdev *m)
{
	free(m->img);
	free(m->undo);
}

struct rvx_persist_dev mdev_dev(struct mdev *m)
{
	struct rvx_persist_dev d = {m, m->bs, m->count, m_read, m_write, m_flush};

	return d;
}

void mdev_arm(struct mdev *m, uint64_t limit, enum mdev_fault f)
{
	m->limit = limit;
	m->fault = f;
}

void mdev_crash(struct mdev *m)
{
	if (m->fault == MDEV_REORDER && m->undo_valid)
		memcpy(m->img + m->undo_lba * m->bs, m->undo, m->bs);
	m->undo_valid = false;
	m->dead = false;
	m->limit = UINT64_MAX;
}

static int f_read(void *ctx, uint64_t lba, void *buf)
{
	struct fdev *f = ctx;

	return pread(f->fd, buf, f->bs, (off_t)(lba * f->bs)) == (ssize_t)f->bs ? 0 : -RVX_EINVAL;
}

static int f_write(void *ctx, uint64_t lba, const void *buf)
{
	struct fdev *f = ctx;

	f->writes++;
	return pwrite(f->fd, buf, f->bs, (off_t)(lba * f->bs)) == (ssize_t)f->bs ? 0 : -RVX_EINVAL;
}

static int f_flush(void *ctx)
{
	struct fdev *f = ctx;

	f->flushes++;
	if (f->sync && fdatasync(f->fd) != 0)
		return -RVX_EINVAL;
	return 0;
}

int fdev_open(struct fdev *f, const char *path, uint32_t bs, uint64_t count, bool sync)
{
	memset(f, 0, sizeof(*f));
	f->fd = open(path, O_RDWR | O_CREAT, 0600);
	if (f->fd < 0)
		return -1;
	if (ftruncate(f->fd, (off_t)(count * bs)) != 0)
		return -1;
	f->bs = bs;
	f->sync = sync;
	return 0;
}

void fdev_close(struct fdev *f)
{
	close(f->fd);
}

struct rvx_persist_dev fdev_dev(struct fdev *f, uint64_t count)
{
	struct rvx_persist_dev d = {f, f->bs, count, f_read, f_write, f_flush};

	return d;
}
