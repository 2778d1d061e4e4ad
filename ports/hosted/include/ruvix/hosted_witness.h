/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hosted_witness.h
 * @brief Files for the witness journal and the witness log on the hosted
 *        port, written so that a crash mid-append leaves a valid prefix
 *        that the next open detects and recovers.
 *
 * Two kinds of file, each append-only and opened with O_APPEND|O_CLOEXEC
 * under an exclusive flock():
 *  - a **journal file** (`struct rvx_hwfile`): the frames of ruvix/witness.h
 *    (`[magic][length][record][payload][digest]`) back to back, exactly as
 *    the memory journal holds them;
 *  - a **record-log file** (`struct rvx_hwlog`): the 64-byte wire records of
 *    a witness log back to back, written through the log's sink interface.
 *
 * Order of use: rvx_hwfile_open() / rvx_hwlog_open() (which scan the file,
 * report what they found and recover a torn tail), optionally
 * rvx_hwfile_set_sync() / rvx_hwlog_set_sync(), then appends
 * (rvx_hwfile_append(), or a witness log whose sink is rvx_hwlog_sink()),
 * reads (rvx_hwfile_read_all(), rvx_hwfile_load(), rvx_hwfile_next()), and
 * finally rvx_hwfile_close() / rvx_hwlog_close().
 *
 * What an open finds at the end of the valid prefix, and does:
 *  - nothing (RVX_HWFILE_CLEAN): the whole file is valid;
 *  - a **torn tail** (RVX_HWFILE_TORN): bytes that are the beginning of one
 *    frame (or record) cut short, or only zero bytes (what some filesystems
 *    leave after a power loss when the size reached the disk before the
 *    data), and no valid frame starts anywhere in them. Only an interrupted
 *    append makes that, and cutting it loses nothing that could be
 *    verified: the open truncates it away (ftruncate, fdatasync) and
 *    reports how many bytes went;
 *  - **corruption** (RVX_HWFILE_CORRUPT): a complete frame with a bad magic,
 *    length or digest, a sequence that does not follow, or bytes after which
 *    a valid frame still starts (for the log: a chain fault found by
 *    rvx_witness_verify()). An interrupted append cannot make that, so the
 *    open refuses (-RVX_EBADSIG) and leaves the file byte for byte as it
 *    was, unless the caller passes RVX_HWFILE_REPAIR, which truncates the
 *    file to the valid prefix before the fault.
 *
 * Durability (see `enum rvx_hwfile_sync`): every append is one write(2) of
 * the whole frame or record, so a process crash at any point leaves the
 * valid prefix plus at most one torn frame. What a power loss or kernel
 * crash may take back depends on the sync policy.
 *
 * I/O failures: calls return a `-RVX_E*` code and leave `errno` as the
 * failing system call set it. There is no I/O error code in ruvix/err.h:
 * a host failure without a closer code (EIO...) is reported as
 * -RVX_ENOTSUP. A handle is not thread-safe; the embedder serialises calls
 * on it.
 */
#ifndef RUVIX_HOSTED_WITNESS_H
#define RUVIX_HOSTED_WITNESS_H

#include "ruvix/env.h"
#include "ruvix/witness.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Open flag: when the file holds corruption before its end, truncate it to
 * the valid prefix before the fault instead of refusing to open.
 */
#define RVX_HWFILE_REPAIR 0x1u
/** Every flag rvx_hwfile_open() and rvx_hwlog_open() know. */
#define RVX_HWFILE_FLAGS_ALL RVX_HWFILE_REPAIR
/** Bytes of the largest journal frame (a payload of RVX_WITNESS_ARGS_MAX bytes). */
#define RVX_HWFILE_FRAME_MAX RVX_WITNESS_FRAME_SIZE(RVX_WITNESS_ARGS_MAX)

/**
 * When appends reach stable storage (fdatasync(2)). Whatever the policy, an
 * append's bytes are in the kernel when it returns, so they survive the
 * process crashing or being killed.
 */
enum rvx_hwfile_sync {
	/**
	 * fdatasync after every append (the default): once an append returns
	 * 0, it survives a power loss or kernel crash, as far as the device
	 * honours cache flushes.
	 */
	RVX_HWFILE_SYNC_ALWAYS = 0,
	/**
	 * fdatasync after every N-th append (and at close): a power loss may
	 * take back up to the last N-1 appends that returned 0; earlier ones
	 * survive.
	 */
	RVX_HWFILE_SYNC_EVERY_N = 1,
	/**
	 * Never sync (only rvx_hwfile_sync() / rvx_hwlog_sync() do): a power
	 * loss may take back any append since the last explicit sync. The
	 * kernel may also write pages out of order, so a filesystem may bring
	 * back a hole before surviving frames, which the next open reports as
	 * corruption rather than a torn tail.
	 */
	RVX_HWFILE_SYNC_NEVER = 2,
};

/** What an open found after the valid prefix. */
enum rvx_hwfile_tail {
	RVX_HWFILE_CLEAN = 0,   /**< Nothing: every byte belongs to a valid frame or record. */
	RVX_HWFILE_TORN = 1,    /**< An interrupted append; truncated away. */
	RVX_HWFILE_CORRUPT = 2, /**< A fault before the end; refused, or cut with RVX_HWFILE_REPAIR. */
};

/** What rvx_hwfile_open() found in a journal file and what it did. */
struct rvx_hwfile_recovery {
	/** Clean, torn or corrupt. */
	enum rvx_hwfile_tail tail;
	/** Valid frames kept (the frames before the fault). */
	uint64_t frames;
	/** Bytes of those frames: the offset of the torn or corrupt bytes. */
	uint64_t valid_len;
	/** Bytes in the file when it was opened. */
	uint64_t file_len;
	/** Sequence of the first valid frame's record (0 if no frame). */
	uint64_t first_seq;
	/** Sequence of the last valid frame's record (0 if no frame). */
	uint64_t last_seq;
	/** Bytes cut from the file (0 when clean or when the open refused). */
	uint64_t dropped;
};

/**
 * An open journal file. Its fields mirror the file: `size` bytes of valid
 * frames, nothing after them. Caller storage; filled by rvx_hwfile_open().
 */
struct rvx_hwfile {
	/** The file descriptor; -1 once closed. */
	int fd;
	/** 1 after an I/O failure that could not be undone: appends refuse. */
	int broken;
	/** Bytes of the file (all of them valid frames). */
	uint64_t size;
	/** Frames in the file. */
	uint64_t count;
	/** Sequence of the first frame's record (valid if `count` > 0). */
	uint64_t first_seq;
	/** Sequence the next frame must carry (valid if `count` > 0). */
	uint64_t next_seq;
	/** The sync policy. */
	enum rvx_hwfile_sync sync;
	/** N of RVX_HWFILE_SYNC_EVERY_N. */
	uint32_t sync_every;
	/** Appends since the last fdatasync. */
	uint32_t unsynced;
};

/** What rvx_hwlog_open() found in a record-log file and what it did. */
struct rvx_hwlog_recovery {
	/** Clean, torn (a size not a multiple of 64) or corrupt (a chain fault). */
	enum rvx_hwfile_tail tail;
	/** Whole records kept. */
	uint64_t records;
	/** Bytes in the file when it was opened. */
	uint64_t file_len;
	/** Bytes cut from the file (0 when clean or when the open refused). */
	uint64_t dropped;
	/**
	 * The verifier's report over the whole records (indices from the
	 * file's first record); on refusal, the fault and where it is.
	 */
	struct rvx_witness_report report;
	/**
	 * The chain point after the records kept: a log whose `state` and
	 * `sequence` equal it continues the file.
	 */
	struct rvx_witness_anchor end;
};

/**
 * An open record-log file. Caller storage; filled by rvx_hwlog_open().
 */
struct rvx_hwlog {
	/** The file descriptor; -1 once closed. */
	int fd;
	/** 1 after an I/O failure that could not be undone: writes refuse. */
	int broken;
	/** Sequence of the file's first record (the start anchor's). */
	uint64_t base;
	/** Whole records in the file. */
	uint64_t count;
	/** The sync policy. */
	enum rvx_hwfile_sync sync;
	/** N of RVX_HWFILE_SYNC_EVERY_N. */
	uint32_t sync_every;
	/** Records since the last fdatasync. */
	uint32_t unsynced;
};

/**
 * Open or create a journal file, scan it frame by frame, keep the longest
 * valid prefix, and cut a torn tail (ftruncate + fdatasync). A new file's
 * directory entry is synced too. Uses about 16 KiB of stack.
 * @param[out] f the open file (written only on success)
 * @param path the file's path
 * @param flags 0 or RVX_HWFILE_REPAIR
 * @param[out] rec what was found and done (may be NULL); written on success
 *        and on -RVX_EBADSIG
 * @retval 0 open; the file holds `rec->frames` valid frames and nothing else
 * @retval -RVX_EINVAL NULL @p f or @p path, an unknown flag, or @p path is
 *         not a regular file
 * @retval -RVX_EBADSIG the file is corrupt before its end and
 *         RVX_HWFILE_REPAIR was not given: nothing was changed (see @p rec)
 * @retval -RVX_EBUSY another open handle holds the file's lock, or the
 *         file changed during the scan
 * @retval -RVX_ENOENT a directory of @p path does not exist
 * @retval -RVX_EPERM the host refused access
 * @retval -RVX_EFULL the disk or quota is full
 * @retval -RVX_ENOMEM the host ran out of memory
 * @retval -RVX_ENOTSUP another host I/O failure (errno tells)
 */
int rvx_hwfile_open(struct rvx_hwfile *f, const char *path, uint32_t flags,
		    struct rvx_hwfile_recovery *rec);

/**
 * Choose when appends are synced (see `enum rvx_hwfile_sync`).
 * @param f the open file
 * @param policy the policy
 * @param every N for RVX_HWFILE_SYNC_EVERY_N (at least 1); ignored otherwise
 * @retval 0 set
 * @retval -RVX_EINVAL @p f is NULL or closed, an unknown policy, or
 *         EVERY_N with @p every 0
 */
int rvx_hwfile_set_sync(struct rvx_hwfile *f, enum rvx_hwfile_sync policy, uint32_t every);

/**
 * Append one frame built from a record's wire bytes and its payload, with
 * one write(2) of the whole frame (repeated only for a short write). If the
 * write fails part-way, the file is truncated back; if even that fails,
 * the file keeps at most a torn tail (which the next open recovers) and
 * the handle turns broken.
 * @param f the open file
 * @param wire the record's 64 wire bytes
 * @param args the payload (may be NULL if @p args_len is 0)
 * @param args_len payload bytes, at most RVX_WITNESS_ARGS_MAX
 * @retval 0 appended (and synced as the policy says)
 * @retval -RVX_EINVAL a NULL pointer, a closed file, a payload too large,
 *         or the record's sequence is not the file's next
 * @retval -RVX_EBUSY the handle is broken by an earlier failure
 * @retval -RVX_EFULL the disk or quota is full, or the file would be too large
 * @retval -RVX_ENOTSUP another host I/O failure (errno tells); after a
 *         failed fdatasync the handle is broken, since the kernel may have
 *         dropped earlier unsynced bytes
 */
int rvx_hwfile_append(struct rvx_hwfile *f, const uint8_t wire[RVX_WITNESS_RECORD_SIZE],
		      const void *args, uint32_t args_len);

/**
 * Append an already encoded frame (rvx_witness_frame_encode(), or a frame
 * read from a memory journal), after checking it is exactly one valid frame.
 * @param f the open file
 * @param frame the frame's bytes
 * @param len bytes at @p frame
 * @retval 0 appended
 * @retval -RVX_EINVAL a NULL pointer, a closed file, @p frame is not
 *         exactly one valid frame, or its sequence is not the file's next
 * @retval -RVX_EBUSY the handle is broken by an earlier failure
 * @retval -RVX_EFULL the disk or quota is full, or the file would be too large
 * @retval -RVX_ENOTSUP another host I/O failure (errno tells)
 */
int rvx_hwfile_append_frame(struct rvx_hwfile *f, const uint8_t *frame, size_t len);

/**
 * Sync the file now (fdatasync), whatever the policy.
 * @param f the open file
 * @retval 0 every append so far is on stable storage
 * @retval -RVX_EINVAL @p f is NULL or closed
 * @retval -RVX_ENOTSUP the host failed the sync (errno tells); the handle
 *         is broken
 */
int rvx_hwfile_sync(struct rvx_hwfile *f);

/**
 * Read every frame of the file into caller memory, and check that they are
 * still the valid frames the handle knows.
 * @param f the open file
 * @param[out] buf at least `f->size` bytes
 * @param cap bytes at @p buf
 * @param[out] len bytes read (`f->size`); on -RVX_EBUFSMALL the bytes needed
 * @retval 0 read
 * @retval -RVX_EINVAL a NULL pointer or a closed file
 * @retval -RVX_EBUFSMALL @p cap < `f->size` (nothing read)
 * @retval -RVX_EBADSIG the file no longer holds the valid frames the handle
 *         knows (changed behind its back)
 * @retval -RVX_ENOTSUP a host I/O failure (errno tells)
 */
int rvx_hwfile_read_all(const struct rvx_hwfile *f, void *buf, size_t cap, size_t *len);

/**
 * Read the file into caller storage as a memory journal, for replay
 * (rvx_witness_replay()) or verification (rvx_witness_verify()).
 * @param f the open file
 * @param[out] j the journal, over @p storage (appendable after the frames)
 * @param storage at least `f->size` bytes
 * @param cap bytes at @p storage
 * @retval 0 loaded: `j->count` == `f->count`
 * @retval -RVX_EINVAL a NULL pointer or a closed file
 * @retval -RVX_EBUFSMALL @p cap < `f->size` (nothing read)
 * @retval -RVX_EBADSIG the file changed behind the handle's back
 * @retval -RVX_ENOTSUP a host I/O failure (errno tells)
 */
int rvx_hwfile_load(const struct rvx_hwfile *f, struct rvx_witness_journal *j, void *storage,
		    size_t cap);

/**
 * Read the frame at byte offset @p *cursor, one at a time, and move the
 * cursor past it (an iterator for journals larger than memory).
 * @param f the open file
 * @param[in,out] cursor 0 for the first frame
 * @param[out] buf where the frame is read (RVX_HWFILE_FRAME_MAX bytes always suffice)
 * @param cap bytes at @p buf
 * @param[out] out the entry (pointers into @p buf)
 * @retval 0 an entry was read
 * @retval -RVX_ENOENT no more frames (the cursor is at `f->size`)
 * @retval -RVX_EINVAL a NULL pointer, a closed file, or a cursor past the end
 * @retval -RVX_EBUFSMALL the frame does not fit in @p cap bytes (cursor unchanged)
 * @retval -RVX_EBADSIG the bytes at the cursor are not a valid frame (a
 *         cursor not on a frame, or a file changed behind the handle's back)
 * @retval -RVX_ENOTSUP a host I/O failure (errno tells)
 */
int rvx_hwfile_next(const struct rvx_hwfile *f, uint64_t *cursor, uint8_t *buf, size_t cap,
		    struct rvx_witness_entry *out);

/**
 * Close the file, first syncing unsynced appends unless the policy is
 * RVX_HWFILE_SYNC_NEVER. The descriptor is closed (and `f->fd` set to -1)
 * even when the sync fails.
 * @param f the open file
 * @retval 0 closed
 * @retval -RVX_EINVAL @p f is NULL or already closed
 * @retval -RVX_ENOTSUP the final sync or close failed (errno tells)
 */
int rvx_hwfile_close(struct rvx_hwfile *f);

/**
 * Open or create a record-log file: drop a torn record (a size not a
 * multiple of 64), verify the whole records with rvx_witness_verify() from
 * @p start against the optional trusted head, and refuse a chain fault.
 * With RVX_HWFILE_REPAIR a chain fault (edited, forged, gap, reorder,
 * duplicate, kind NONE) cuts the file before the bad record instead; a
 * file that does not reach, or does not match, the trusted head is
 * refused whatever the flags, since cutting cannot fix it. Uses about
 * 17 KiB of stack.
 * @param[out] l the open log file (written only on success)
 * @param path the file's path
 * @param flags 0 or RVX_HWFILE_REPAIR
 * @param start the chain point before the file's first record (NULL: the
 *        log's origin, sequence 0)
 * @param trusted a head a trusted party saw (NULL: none)
 * @param[out] rec what was found and done (may be NULL); written on
 *        success and on -RVX_EBADSIG
 * @retval 0 open; the file holds `rec->records` verified records
 * @retval -RVX_EINVAL NULL @p l or @p path, an unknown flag, a trusted
 *         count before @p start, or @p path is not a regular file
 * @retval -RVX_EBADSIG a chain fault (without RVX_HWFILE_REPAIR), or the
 *         records do not reach or match @p trusted: nothing was changed
 * @retval -RVX_EBUSY another open handle holds the file's lock, or the
 *         file changed during the scan
 * @retval -RVX_ENOENT a directory of @p path does not exist
 * @retval -RVX_EPERM the host refused access
 * @retval -RVX_EFULL the disk or quota is full
 * @retval -RVX_ENOMEM the host ran out of memory
 * @retval -RVX_ENOTSUP another host I/O failure (errno tells)
 */
int rvx_hwlog_open(struct rvx_hwlog *l, const char *path, uint32_t flags,
		   const struct rvx_witness_anchor *start, const struct rvx_witness_head *trusted,
		   struct rvx_hwlog_recovery *rec);

/**
 * Choose when records are synced (see `enum rvx_hwfile_sync`).
 * @param l the open log file
 * @param policy the policy
 * @param every N for RVX_HWFILE_SYNC_EVERY_N (at least 1); ignored otherwise
 * @retval 0 set
 * @retval -RVX_EINVAL @p l is NULL or closed, an unknown policy, or
 *         EVERY_N with @p every 0
 */
int rvx_hwlog_set_sync(struct rvx_hwlog *l, enum rvx_hwfile_sync policy, uint32_t every);

/**
 * A witness-log sink that appends to @p l. Its `write` stores one record
 * with one write(2), all or nothing (a partial write is truncated back),
 * and refuses (-RVX_EINVAL) a record whose sequence does not continue the
 * file, so a log that is not the file's own cannot append to it. Its other
 * errors are those of rvx_hwfile_append().
 * @param l the open log file
 * @return the sink
 */
struct rvx_witness_sink rvx_hwlog_sink(struct rvx_hwlog *l);

/**
 * Sync the log file now (fdatasync), whatever the policy.
 * @param l the open log file
 * @retval 0 every record so far is on stable storage
 * @retval -RVX_EINVAL @p l is NULL or closed
 * @retval -RVX_ENOTSUP the host failed the sync (errno tells); the handle
 *         is broken
 */
int rvx_hwlog_sync(struct rvx_hwlog *l);

/**
 * Close the log file, first syncing unsynced records unless the policy is
 * RVX_HWFILE_SYNC_NEVER. The descriptor is closed even when the sync fails.
 * @param l the open log file
 * @retval 0 closed
 * @retval -RVX_EINVAL @p l is NULL or already closed
 * @retval -RVX_ENOTSUP the final sync or close failed (errno tells)
 */
int rvx_hwlog_close(struct rvx_hwlog *l);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_HOSTED_WITNESS_H */
