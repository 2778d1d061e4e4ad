/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Journal and record-log files for the witness library (ruvix/hosted_witness.h).
 *
 * The invariant both handles keep: the file holds exactly `size` (or
 * `count * 64`) bytes, all valid. Appends go through O_APPEND with one
 * write(2) of the whole frame, so the kernel never interleaves them and a
 * crash leaves a valid prefix plus at most one partial frame. When a write
 * or a sync fails after the file grew, the file is cut back to the
 * invariant; if even that fails the handle is marked broken and refuses
 * further appends, and the next open finds a torn tail and recovers.
 */
#define _GNU_SOURCE
#include "ruvix/hosted_witness.h"
#include "ruvix/endian.h"
#include "ruvix/err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bearssl_hash.h"

/* Scan window: at least two largest frames, so a frame that starts in the
 * first half is always whole in the window unless the file ends first. */
#define WIN_SIZE (48u * 1024u)
/* Records verified per rvx_witness_verify() call when opening a log. */
#define LOG_CHUNK 256u

_Static_assert(WIN_SIZE >= 2u * RVX_HWFILE_FRAME_MAX, "scan window holds two frames");

/* ---- host helpers ------------------------------------------------------ */

/* A host errno as a RuVix code (errno itself is left alone). */
static int host_err(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return -RVX_EFULL;
	case EACCES:
	case EPERM:
	case EROFS:
		return -RVX_EPERM;
	case ENOENT:
	case ENOTDIR:
		return -RVX_ENOENT;
	case EWOULDBLOCK:
		return -RVX_EBUSY;
	case ENOMEM:
		return -RVX_ENOMEM;
	case EISDIR:
	case ENAMETOOLONG:
	case ELOOP:
		return -RVX_EINVAL;
	default:
		return -RVX_ENOTSUP;
	}
}

/* Close without disturbing the errno of the failure being reported. */
static void close_keep_errno(int fd)
{
	int e = errno;

	(void)close(fd);
	errno = e;
}

/* Read exactly n bytes at off. A short read means the file shrank under
 * the scan: -RVX_EBUSY. */
static int pread_full(int fd, uint8_t *buf, size_t n, uint64_t off)
{
	while (n > 0) {
		ssize_t r = pread(fd, buf, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return host_err(errno);
		if (r == 0)
			return -RVX_EBUSY;
		buf += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* Sync the directory holding path, so a newly created file's entry
 * survives a power loss. Best effort: a file that is lost with its entry is
 * an empty journal, which is still a valid one. */
static void sync_parent_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n;
	int dfd;

	if (slash == NULL) {
		dir[0] = '.';
		n = 1;
	} else {
		n = slash == path ? 1u : (size_t)(slash - path);
		if (n >= sizeof(dir))
			return;
		memcpy(dir, path, n);
	}
	dir[n] = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	(void)fsync(dfd);
	(void)close(dfd);
}

/* Open (or create) path for appending, take the lock, and return the fd
 * and the file's size. */
static int open_locked(const char *path, int *fd_out, uint64_t *size)
{
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_CREAT | O_EXCL, 0644);
		if (fd >= 0)
			sync_parent_dir(path);
		else if (errno == EEXIST) /* created by someone else meanwhile */
			fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	}
	if (fd < 0)
		return host_err(errno);
	if (fstat(fd, &st) != 0) {
		rc = host_err(errno);
		close_keep_errno(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)close(fd);
		return -RVX_EINVAL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ? -RVX_EBUSY : host_err(errno);
		close_keep_errno(fd);
		return rc;
	}
	/* The size under the lock: no cooperating writer changes it now. */
	if (fstat(fd, &st) != 0) {
		rc = host_err(errno);
		close_keep_errno(fd);
		return rc;
	}
	*fd_out = fd;
	*size = (uint64_t)st.st_size;
	return 0;
}

/* Cut the file to len bytes and make the cut durable. */
static int cut_to(int fd, uint64_t len)
{
	if (ftruncate(fd, (off_t)len) != 0)
		return host_err(errno);
	if (fdatasync(fd) != 0)
		return host_err(errno);
	return 0;
}

/*
 * Write n bytes at the end of the file whose valid size is `size`. On
 * failure the file is cut back to `size`; *broken is set if that cut
 * fails too (the file then has a torn tail the next open recovers).
 */
static int append_bytes(int fd, const uint8_t *p, size_t n, uint64_t size, int *broken)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : ENOSPC;
			int rc = host_err(e);

			if (done > 0 && ftruncate(fd, (off_t)size) != 0)
				*broken = 1;
			errno = e;
			return rc;
		}
		done += (size_t)w;
	}
	return 0;
}

/* Apply the sync policy after a successful append of the bytes past
 * `size`. A failed fdatasync may have dropped earlier unsynced bytes from
 * the page cache: the append is cut back and the handle turns broken. */
static int sync_policy(int fd, enum rvx_hwfile_sync policy, uint32_t every, uint32_t *unsynced,
		       uint64_t size, int *broken)
{
	int rc, e;

	if (policy == RVX_HWFILE_SYNC_NEVER ||
	    (policy == RVX_HWFILE_SYNC_EVERY_N && *unsynced + 1u < every)) {
		(*unsynced)++;
		return 0;
	}
	if (fdatasync(fd) == 0) {
		*unsynced = 0;
		return 0;
	}
	e = errno;
	rc = host_err(e);
	(void)ftruncate(fd, (off_t)size);
	*broken = 1;
	errno = e;
	return rc;
}

static int check_policy(enum rvx_hwfile_sync policy, uint32_t every)
{
	if (policy != RVX_HWFILE_SYNC_ALWAYS && policy != RVX_HWFILE_SYNC_EVERY_N &&
	    policy != RVX_HWFILE_SYNC_NEVER)
		return -RVX_EINVAL;
	if (policy == RVX_HWFILE_SYNC_EVERY_N && every == 0)
		return -RVX_EINVAL;
	return 0;
}

static int close_fd(int *fd, enum rvx_hwfile_sync policy, uint32_t unsynced)
{
	int rc = 0;

	if (policy != RVX_HWFILE_SYNC_NEVER && unsynced > 0 && fdatasync(*fd) != 0)
		rc = host_err(errno);
	if (close(*fd) != 0 && rc == 0)
		rc = host_err(errno);
	*fd = -1;
	return rc;
}

/* ---- journal file: scan ------------------------------------------------ */

struct scan {
	int fd;
	uint64_t size;
	uint64_t wstart;
	size_t wlen;
	uint8_t win[WIN_SIZE];
};

/* Make [off, off + RVX_HWFILE_FRAME_MAX) visible in the window, or up to
 * the end of the file if that comes first. */
static int window(struct scan *s, uint64_t off, const uint8_t **p, size_t *avail)
{
	uint64_t wend = s->wstart + s->wlen;

	if (off < s->wstart || off > wend || (wend - off < RVX_HWFILE_FRAME_MAX && wend < s->size)) {
		size_t want = s->size - off < WIN_SIZE ? (size_t)(s->size - off) : WIN_SIZE;
		int rc = pread_full(s->fd, s->win, want, off);

		if (rc != 0)
			return rc;
		s->wstart = off;
		s->wlen = want;
	}
	*p = s->win + (off - s->wstart);
	*avail = (size_t)(s->wstart + s->wlen - off);
	return 0;
}

/* Are the bytes [off, size) all zero? */
static int zero_tail(struct scan *s, uint64_t off, bool *zero)
{
	while (off < s->size) {
		const uint8_t *p;
		size_t avail;
		int rc = window(s, off, &p, &avail);

		if (rc != 0)
			return rc;
		for (size_t i = 0; i < avail; i++)
			if (p[i] != 0) {
				*zero = false;
				return 0;
			}
		off += avail;
	}
	*zero = true;
	return 0;
}

/* Scan the whole file; fill rec (tail, frames, valid_len, sequences). */
static int scan_journal(struct scan *s, struct rvx_hwfile_recovery *rec)
{
	uint64_t off = 0, next = 0;
	int rc;

	memset(rec, 0, sizeof(*rec));
	rec->file_len = s->size;
	rec->tail = RVX_HWFILE_CLEAN;
	while (off < s->size) {
		struct rvx_witness_entry e;
		const uint8_t *p;
		size_t avail;
		long n;

		rc = window(s, off, &p, &avail);
		if (rc != 0)
			return rc;
		n = rvx_witness_frame_parse(p, avail, &e);
		if (n > 0) {
			if (rec->frames > 0 && e.record.sequence != next) {
				rec->tail = RVX_HWFILE_CORRUPT;
				break;
			}
			if (rec->frames == 0)
				rec->first_seq = e.record.sequence;
			rec->last_seq = e.record.sequence;
			next = e.record.sequence + 1u;
			rec->frames++;
			off += (uint64_t)n;
			continue;
		}
		if (n == -RVX_EBUFSMALL) {
			/* The rest of the file is in the window (a whole frame
			 * would fit) and is the start of one frame. It is torn
			 * only if no valid frame starts inside it: otherwise a
			 * damaged length field made a middle frame look long. */
			rec->tail = RVX_HWFILE_TORN;
			for (size_t k = 1; k < avail; k++)
				if (rvx_witness_frame_parse(p + k, avail - k, NULL) > 0) {
					rec->tail = RVX_HWFILE_CORRUPT;
					break;
				}
		} else {
			bool zero = false;

			rc = zero_tail(s, off, &zero);
			if (rc != 0)
				return rc;
			rec->tail = zero ? RVX_HWFILE_TORN : RVX_HWFILE_CORRUPT;
		}
		break;
	}
	rec->valid_len = off;
	return 0;
}

/* ---- journal file ------------------------------------------------------ */

int rvx_hwfile_open(struct rvx_hwfile *f, const char *path, uint32_t flags,
		    struct rvx_hwfile_recovery *rec)
{
	struct scan s;
	struct rvx_hwfile_recovery r;
	int rc, fd;

	if (f == NULL || path == NULL || (flags & ~(uint32_t)RVX_HWFILE_FLAGS_ALL) != 0)
		return -RVX_EINVAL;
	rc = open_locked(path, &fd, &s.size);
	if (rc != 0)
		return rc;
	s.fd = fd;
	s.wstart = 0;
	s.wlen = 0;
	rc = scan_journal(&s, &r);
	if (rc != 0) {
		close_keep_errno(fd);
		return rc;
	}
	if (r.tail == RVX_HWFILE_CORRUPT && (flags & RVX_HWFILE_REPAIR) == 0) {
		(void)close(fd);
		if (rec != NULL)
			*rec = r;
		return -RVX_EBADSIG;
	}
	if (r.valid_len < r.file_len) {
		rc = cut_to(fd, r.valid_len);
		if (rc != 0) {
			close_keep_errno(fd);
			return rc;
		}
		r.dropped = r.file_len - r.valid_len;
	}
	f->fd = fd;
	f->broken = 0;
	f->size = r.valid_len;
	f->count = r.frames;
	f->first_seq = r.first_seq;
	f->next_seq = r.frames > 0 ? r.last_seq + 1u : 0u;
	f->sync = RVX_HWFILE_SYNC_ALWAYS;
	f->sync_every = 1;
	f->unsynced = 0;
	if (rec != NULL)
		*rec = r;
	return 0;
}

int rvx_hwfile_set_sync(struct rvx_hwfile *f, enum rvx_hwfile_sync policy, uint32_t every)
{
	if (f == NULL || f->fd < 0 || check_policy(policy, every) != 0)
		return -RVX_EINVAL;
	f->sync = policy;
	f->sync_every = policy == RVX_HWFILE_SYNC_EVERY_N ? every : 1u;
	return 0;
}

/* Write one checked frame and advance the handle. */
static int put_frame(struct rvx_hwfile *f, const uint8_t *frame, size_t len, uint64_t seq)
{
	int rc = append_bytes(f->fd, frame, len, f->size, &f->broken);

	if (rc != 0)
		return rc;
	rc = sync_policy(f->fd, f->sync, f->sync_every, &f->unsynced, f->size, &f->broken);
	if (rc != 0)
		return rc;
	if (f->count == 0)
		f->first_seq = seq;
	f->next_seq = seq + 1u;
	f->count++;
	f->size += len;
	return 0;
}

static int append_check(const struct rvx_hwfile *f, uint64_t seq, size_t len)
{
	if (f->fd < 0)
		return -RVX_EINVAL;
	if (f->broken)
		return -RVX_EBUSY;
	if (f->count > 0 && seq != f->next_seq)
		return -RVX_EINVAL;
	if (f->size > (uint64_t)INT64_MAX - len)
		return -RVX_EFULL;
	return 0;
}

int rvx_hwfile_append(struct rvx_hwfile *f, const uint8_t wire[RVX_WITNESS_RECORD_SIZE],
		      const void *args, uint32_t args_len)
{
	uint8_t frame[RVX_HWFILE_FRAME_MAX];
	struct rvx_witness_record r;
	long n;
	int rc;

	if (f == NULL || wire == NULL || (args == NULL && args_len > 0) ||
	    args_len > RVX_WITNESS_ARGS_MAX)
		return -RVX_EINVAL;
	rvx_witness_record_decode(wire, &r);
	rc = append_check(f, r.sequence, RVX_WITNESS_FRAME_SIZE(args_len));
	if (rc != 0)
		return rc;
	n = rvx_witness_frame_encode(frame, sizeof(frame), wire, args, args_len);
	if (n <= 0)
		return -RVX_EINVAL;
	return put_frame(f, frame, (size_t)n, r.sequence);
}

int rvx_hwfile_append_frame(struct rvx_hwfile *f, const uint8_t *frame, size_t len)
{
	struct rvx_witness_entry e;
	long n;
	int rc;

	if (f == NULL || frame == NULL)
		return -RVX_EINVAL;
	n = rvx_witness_frame_parse(frame, len, &e);
	if (n <= 0 || (size_t)n != len)
		return -RVX_EINVAL;
	rc = append_check(f, e.record.sequence, len);
	if (rc != 0)
		return rc;
	return put_frame(f, frame, len, e.record.sequence);
}

int rvx_hwfile_sync(struct rvx_hwfile *f)
{
	if (f == NULL || f->fd < 0)
		return -RVX_EINVAL;
	if (fdatasync(f->fd) != 0) {
		f->broken = 1;
		return host_err(errno);
	}
	f->unsynced = 0;
	return 0;
}

int rvx_hwfile_read_all(const struct rvx_hwfile *f, void *buf, size_t cap, size_t *len)
{
	const uint8_t *p = buf;
	uint64_t off = 0, next = f != NULL ? f->first_seq : 0u;
	int rc;

	if (f == NULL || buf == NULL || len == NULL || f->fd < 0)
		return -RVX_EINVAL;
	if (f->size > (uint64_t)SIZE_MAX || cap < (size_t)f->size) {
		*len = f->size > (uint64_t)SIZE_MAX ? SIZE_MAX : (size_t)f->size;
		return -RVX_EBUFSMALL;
	}
	rc = pread_full(f->fd, buf, (size_t)f->size, 0);
	if (rc == -RVX_EBUSY)
		return -RVX_EBADSIG;
	if (rc != 0)
		return rc;
	/* Re-check: another process may have written the file. */
	for (uint64_t i = 0; i < f->count; i++) {
		struct rvx_witness_entry e;
		long n = rvx_witness_frame_parse(p + off, (size_t)(f->size - off), &e);

		if (n <= 0 || e.record.sequence != next)
			return -RVX_EBADSIG;
		next++;
		off += (uint64_t)n;
	}
	if (off != f->size)
		return -RVX_EBADSIG;
	*len = (size_t)f->size;
	return 0;
}

int rvx_hwfile_load(const struct rvx_hwfile *f, struct rvx_witness_journal *j, void *storage,
		    size_t cap)
{
	struct rvx_witness_journal t;
	size_t len = 0;
	int rc;

	if (j == NULL)
		return -RVX_EINVAL;
	rc = rvx_hwfile_read_all(f, storage, cap, &len);
	if (rc != 0)
		return rc;
	if (rvx_witness_journal_load(&t, storage, cap, len, NULL) != 0 || t.count != f->count)
		return -RVX_EBADSIG;
	*j = t;
	return 0;
}

int rvx_hwfile_next(const struct rvx_hwfile *f, uint64_t *cursor, uint8_t *buf, size_t cap,
		    struct rvx_witness_entry *out)
{
	uint64_t rest;
	size_t want;
	long n;
	int rc;

	if (f == NULL || cursor == NULL || buf == NULL || out == NULL || f->fd < 0 ||
	    *cursor > f->size)
		return -RVX_EINVAL;
	if (*cursor == f->size)
		return -RVX_ENOENT;
	rest = f->size - *cursor;
	if (rest < 8u)
		return -RVX_EBADSIG;
	if (cap < 8u)
		return -RVX_EBUFSMALL;
	rc = pread_full(f->fd, buf, 8u, *cursor);
	if (rc != 0)
		return rc == -RVX_EBUSY ? -RVX_EBADSIG : rc;
	n = rvx_witness_frame_parse(buf, 8, NULL);
	if (n != -RVX_EBUFSMALL)
		return -RVX_EBADSIG;
	/* The header is plausible: the frame's size is in its length field. */
	want = RVX_WITNESS_FRAME_SIZE(rvx_le_get32(buf + 4));
	if (want > rest)
		return -RVX_EBADSIG;
	if (want > cap)
		return -RVX_EBUFSMALL;
	rc = pread_full(f->fd, buf, want, *cursor);
	if (rc != 0)
		return rc == -RVX_EBUSY ? -RVX_EBADSIG : rc;
	n = rvx_witness_frame_parse(buf, want, out);
	if (n <= 0 || (size_t)n != want)
		return -RVX_EBADSIG;
	*cursor += want;
	return 0;
}

int rvx_hwfile_close(struct rvx_hwfile *f)
{
	if (f == NULL || f->fd < 0)
		return -RVX_EINVAL;
	return close_fd(&f->fd, f->sync, f->unsynced);
}

/* ---- record-log file --------------------------------------------------- */

/* Move anchor a over n records. */
static void anchor_step(struct rvx_witness_anchor *a, const uint8_t *recs, size_t n)
{
	br_sha256_context c;

	if (n == 0)
		return;
	br_sha256_set_state(&c, a->state, a->sequence * RVX_WITNESS_RECORD_SIZE);
	br_sha256_update(&c, recs, n * RVX_WITNESS_RECORD_SIZE);
	(void)br_sha256_state(&c, a->state);
	a->sequence += n;
}

/*
 * Verify the file's first nrec records in windows of LOG_CHUNK + 2 records
 * that step by LOG_CHUNK, so consecutive windows overlap by two records.
 * The verifier blames record k or k-1 for a link that fails at k, and it
 * needs k's successor to choose; a fault blamed in a window's last two
 * records is therefore left to the next window, which sees the successor
 * (unless the window already reaches the end of the file, where the whole
 * file has no successor either). The trusted head is given to each window
 * whose range holds its count, and to the last.
 * Fills rep (indices from the file's first record) and end (the chain point
 * after the records that passed).
 */
static int scan_log(int fd, uint64_t nrec, const struct rvx_witness_anchor *start,
		    const struct rvx_witness_head *trusted, struct rvx_witness_report *rep,
		    struct rvx_witness_anchor *end)
{
	uint8_t buf[(LOG_CHUNK + 2u) * RVX_WITNESS_RECORD_SIZE];
	struct rvx_witness_anchor a; /* the point before record lo */
	uint64_t lo = 0;

	if (start != NULL) {
		a = *start;
	} else {
		br_sha256_context c;

		br_sha256_init(&c);
		(void)br_sha256_state(&c, a.state);
		a.sequence = 0;
	}
	for (;;) {
		uint64_t hi = nrec - lo > LOG_CHUNK + 2u ? lo + LOG_CHUNK + 2u : nrec;
		size_t n = (size_t)(hi - lo);
		bool last = hi == nrec;
		const struct rvx_witness_head *t = NULL;
		struct rvx_witness_report r;
		int rc;

		rc = pread_full(fd, buf, n * RVX_WITNESS_RECORD_SIZE, lo * RVX_WITNESS_RECORD_SIZE);
		if (rc != 0)
			return rc;
		if (trusted != NULL && trusted->count >= a.sequence &&
		    (trusted->count <= a.sequence + n || last))
			t = trusted;
		rc = rvx_witness_verify(buf, n, &a, NULL, t, &r);
		if (rc == -RVX_EINVAL)
			return rc;
		if (last || (rc != 0 && r.index < LOG_CHUNK)) {
			*rep = r;
			rep->index = r.index + lo;
			rep->checked = r.checked + lo;
			*end = a;
			/* the point after the records that stay */
			anchor_step(end, buf,
				    rc == 0 ? n
				    : r.fault == RVX_WITNESS_F_TRUNCATED ||
						    r.fault == RVX_WITNESS_F_HEAD
					    ? (size_t)r.checked
					    : (size_t)r.index);
			return 0;
		}
		/* passed, or a fault for the next window to place */
		anchor_step(&a, buf, LOG_CHUNK);
		lo += LOG_CHUNK;
	}
}

int rvx_hwlog_open(struct rvx_hwlog *l, const char *path, uint32_t flags,
		   const struct rvx_witness_anchor *start, const struct rvx_witness_head *trusted,
		   struct rvx_hwlog_recovery *rec)
{
	struct rvx_hwlog_recovery r;
	uint64_t size, nrec, keep;
	int rc, fd;

	if (l == NULL || path == NULL || (flags & ~(uint32_t)RVX_HWFILE_FLAGS_ALL) != 0 ||
	    (trusted != NULL && trusted->count < (start != NULL ? start->sequence : 0u)))
		return -RVX_EINVAL;
	rc = open_locked(path, &fd, &size);
	if (rc != 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.file_len = size;
	nrec = size / RVX_WITNESS_RECORD_SIZE;
	rc = scan_log(fd, nrec, start, trusted, &r.report, &r.end);
	if (rc != 0) {
		close_keep_errno(fd);
		return rc;
	}
	keep = nrec;
	if (r.report.fault != RVX_WITNESS_OK) {
		bool cuttable = r.report.fault != RVX_WITNESS_F_HEAD &&
				r.report.fault != RVX_WITNESS_F_TRUNCATED &&
				(trusted == NULL ||
				 trusted->count <= r.end.sequence);

		r.tail = RVX_HWFILE_CORRUPT;
		r.records = r.report.index;
		if ((flags & RVX_HWFILE_REPAIR) == 0 || !cuttable) {
			(void)close(fd);
			if (rec != NULL)
				*rec = r;
			return -RVX_EBADSIG;
		}
		keep = r.report.index;
	} else if (size % RVX_WITNESS_RECORD_SIZE != 0) {
		r.tail = RVX_HWFILE_TORN;
	}
	r.records = keep;
	if (keep * RVX_WITNESS_RECORD_SIZE < size) {
		rc = cut_to(fd, keep * RVX_WITNESS_RECORD_SIZE);
		if (rc != 0) {
			close_keep_errno(fd);
			return rc;
		}
		r.dropped = size - keep * RVX_WITNESS_RECORD_SIZE;
	}
	l->fd = fd;
	l->broken = 0;
	l->base = start != NULL ? start->sequence : 0u;
	l->count = keep;
	l->sync = RVX_HWFILE_SYNC_ALWAYS;
	l->sync_every = 1;
	l->unsynced = 0;
	if (rec != NULL)
		*rec = r;
	return 0;
}

int rvx_hwlog_set_sync(struct rvx_hwlog *l, enum rvx_hwfile_sync policy, uint32_t every)
{
	if (l == NULL || l->fd < 0 || check_policy(policy, every) != 0)
		return -RVX_EINVAL;
	l->sync = policy;
	l->sync_every = policy == RVX_HWFILE_SYNC_EVERY_N ? every : 1u;
	return 0;
}

static int hwlog_write(void *ctx, const uint8_t rec[RVX_WITNESS_RECORD_SIZE])
{
	struct rvx_hwlog *l = ctx;
	struct rvx_witness_record r;
	uint64_t size;
	int rc;

	if (l == NULL || rec == NULL || l->fd < 0)
		return -RVX_EINVAL;
	if (l->broken)
		return -RVX_EBUSY;
	rvx_witness_record_decode(rec, &r);
	if (r.sequence != l->base + l->count)
		return -RVX_EINVAL;
	size = l->count * RVX_WITNESS_RECORD_SIZE;
	rc = append_bytes(l->fd, rec, RVX_WITNESS_RECORD_SIZE, size, &l->broken);
	if (rc != 0)
		return rc;
	rc = sync_policy(l->fd, l->sync, l->sync_every, &l->unsynced, size, &l->broken);
	if (rc != 0)
		return rc;
	l->count++;
	return 0;
}

struct rvx_witness_sink rvx_hwlog_sink(struct rvx_hwlog *l)
{
	struct rvx_witness_sink s = {hwlog_write, l};

	return s;
}

int rvx_hwlog_sync(struct rvx_hwlog *l)
{
	if (l == NULL || l->fd < 0)
		return -RVX_EINVAL;
	if (fdatasync(l->fd) != 0) {
		l->broken = 1;
		return host_err(errno);
	}
	l->unsynced = 0;
	return 0;
}

int rvx_hwlog_close(struct rvx_hwlog *l)
{
	if (l == NULL || l->fd < 0)
		return -RVX_EINVAL;
	return close_fd(&l->fd, l->sync, l->unsynced);
}
