/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file persist.h
 * @brief A crash-safe store for the witness journal and checkpoints on a
 *        block device the caller provides.
 *
 * The store keeps one stream of **entries** (journal frames, each holding a
 * witness record and its payload, and checkpoints) on a device of fixed-size
 * blocks. Every block is self-describing: a header with the volume's id, the
 * stream's epoch, the block's index in the stream, the entry it belongs to,
 * the entry's sequence and length, and a checksum (the first 16 bytes of
 * SHA-256 of the whole block). Blocks 0 and 1 hold a superblock pair; the
 * one with the higher generation and a valid checksum names where the stream
 * starts and the checkpoint it starts with. A superblock is one block
 * written only after everything it names is flushed, so it switches
 * atomically: a torn superblock write leaves the other one in force.
 *
 * Order of use:
 * 1. rvx_persist_format() once, with the first checkpoint (or none), or
 *    rvx_persist_open() at every later boot: it recovers the stream and hands
 *    back the checkpoint and the journal frames that follow it, for the
 *    caller to restore and replay (the nucleus's rvx_kernel_restore() and
 *    rvx_kernel_replay(); this library knows no kernel rules).
 * 2. rvx_persist_append() for each journal frame, in sequence order. When it
 *    returns 0 the frame was written and the device flushed: the frame is
 *    **acknowledged**, and every later rvx_persist_open() returns it.
 * 3. rvx_persist_checkpoint() now and then: the checkpoint is written and
 *    flushed, then the other superblock names it; frames before it are no
 *    longer needed. When the end of the device is near, the checkpoint goes
 *    to the start of the data area under a new epoch (blocks of the old
 *    epoch are then stale and ignored).
 *
 * Recovery reads the stream from the start the superblock names and keeps
 * the longest prefix of whole, valid entries. A bad block is a **torn
 * tail** if no valid block of a later entry follows it anywhere on the
 * device (an append flushes before it returns, so a later entry's block
 * proves the earlier ones were durable): the incomplete entry is dropped and
 * reported. A bad block followed by a valid block of a later entry is a
 * **damaged middle**: rvx_persist_open() refuses the device.
 *
 * The checksums detect damage, not forgery: anyone can recompute them. The
 * contents are authenticated one level up: a kernel checkpoint carries a MAC
 * and every journal payload the kernel writes carries an HMAC tag, both under
 * keys derived from the kernel secret, so restore and replay refuse forged
 * content. Cutting the stream short (dropping acknowledged frames) cannot be
 * told from a crash without a trusted counter outside the device.
 *
 * The library does no locking and keeps no pointer into the device; the
 * caller serialises calls on one store.
 */
#ifndef RUVIX_PERSIST_H
#define RUVIX_PERSIST_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/witness.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of a block header (the rest of the block is payload). */
#define RVX_PERSIST_HEADER_SIZE 80u
/** Smallest block size. */
#define RVX_PERSIST_BLOCK_MIN 512u
/** Largest block size. */
#define RVX_PERSIST_BLOCK_MAX 65536u
/** Format version this library writes and reads. */
#define RVX_PERSIST_VERSION 1u
/** Blocks before the data area (the superblock pair). */
#define RVX_PERSIST_DATA_START 2u
/** Largest entry (bytes): a checkpoint or a frame. */
#define RVX_PERSIST_ENTRY_MAX 0x40000000u

/** Entry types, on the device. */
enum rvx_persist_type {
	RVX_PERSIST_FRAME = 1, /**< A journal frame. */
	RVX_PERSIST_CKPT = 2   /**< A checkpoint. */
};

/**
 * A block device: fixed-size blocks, numbered from 0. `write` may reach the
 * medium in any order and partly (a power cut tears a block) until `flush`
 * returns; after `flush` returns 0 every earlier write is durable.
 */
struct rvx_persist_dev {
	void *ctx;            /**< Passed to the calls. */
	uint32_t block_size;  /**< Bytes per block: a power of two, 512..65536. */
	uint64_t block_count; /**< Blocks on the device (at least 4). */
	/** Read block @p lba into @p buf; 0 or a negative error. */
	int (*read)(void *ctx, uint64_t lba, void *buf);
	/** Write block @p lba from @p buf; 0 or a negative error. */
	int (*write)(void *ctx, uint64_t lba, const void *buf);
	/** Make every earlier write durable; 0 or a negative error. */
	int (*flush)(void *ctx);
};

/** A store: where the stream is and what comes next. Plain data. */
struct rvx_persist {
	struct rvx_persist_dev dev; /**< The device. */
	uint8_t *buf;          /**< One block of scratch (caller storage). */
	uint64_t volume;       /**< Id chosen at format: blocks of another volume are foreign. */
	uint64_t generation;   /**< Generation of the superblock in force. */
	uint64_t epoch;        /**< Epoch of the stream. */
	uint64_t start_lba;    /**< First block of the stream. */
	uint64_t start_index;  /**< Its index. */
	uint64_t tail_lba;     /**< Where the next entry goes. */
	uint64_t tail_index;   /**< Its index. */
	uint64_t next_seq;     /**< Sequence the next frame must have. */
	uint64_t ckpt_seq;     /**< Sequence of the checkpoint in force. */
	uint64_t ckpt_len;     /**< Its bytes (0: none). */
	uint8_t ckpt_hash[32]; /**< SHA-256 of it. */
	uint32_t has_ckpt;     /**< 1 if the stream starts with a checkpoint. */
	uint32_t failed;       /**< 1 after a device error: reopen to continue. */
};

/** What recovery found. */
struct rvx_persist_report {
	uint64_t generation;    /**< Superblock generation in force. */
	uint32_t superblocks;   /**< Valid superblocks found (1 or 2). */
	uint32_t has_ckpt;      /**< 1 if a checkpoint was returned. */
	uint64_t ckpt_seq;      /**< Its sequence (the log's sequence when it was taken). */
	uint64_t ckpt_len;      /**< Its bytes. */
	uint64_t first_seq;     /**< Sequence of the first frame returned. */
	uint64_t next_seq;      /**< One past the last frame returned. */
	uint64_t frames;        /**< Frames returned. */
	uint64_t frames_len;    /**< Bytes of the frames returned. */
	uint64_t stale_ckpts;   /**< Whole checkpoints in the stream that no superblock names (skipped). */
	uint64_t blocks;        /**< Blocks of the recovered stream. */
	uint64_t torn_entries;  /**< Incomplete entries dropped at the tail (0 or 1). */
	uint64_t torn_blocks;   /**< Valid blocks of those entries, dropped. */
	uint64_t bad_lba;       /**< Where the stream stopped (or the damaged block). */
	uint64_t scanned;       /**< Blocks read. */
};

/**
 * Format @p dev: write the first checkpoint (if any) into the data area,
 * flush, then both superblocks, flush. Any earlier contents become stale.
 * @param[out] p the store, open on success
 * @param dev the device (copied)
 * @param scratch one block of caller storage, kept by the store
 * @param volume an id for this volume (e.g. random at first boot); non-zero
 * @param ckpt the first checkpoint, or NULL
 * @param ckpt_len bytes at @p ckpt (0 with NULL)
 * @param ckpt_seq its sequence: the first frame appended must have it
 *        (with no checkpoint, the first frame's sequence)
 * @retval 0 formatted and open
 * @retval -RVX_EINVAL NULL pointer, a bad device geometry, a zero volume, or
 *         a checkpoint too large for an entry
 * @retval -RVX_EFULL the checkpoint does not fit the device
 * @retval other the device's error (the store is not open)
 */
int rvx_persist_format(struct rvx_persist *p, const struct rvx_persist_dev *dev, void *scratch,
		       uint64_t volume, const void *ckpt, size_t ckpt_len, uint64_t ckpt_seq);

/**
 * Open a formatted device after a clean stop or a crash: choose the
 * superblock, read and check the checkpoint it names, then read the stream
 * and keep the longest prefix of whole entries (see the file comment for
 * torn tails and damaged middles).
 * @param[out] p the store, open on success (appends continue after the prefix)
 * @param dev the device (copied)
 * @param scratch one block of caller storage, kept by the store
 * @param ckpt receives the checkpoint (may be NULL if none is wanted; it is
 *        still read and checked)
 * @param ckpt_cap bytes at @p ckpt
 * @param frames receives the frames after the checkpoint, back to back (the
 *        form rvx_witness_journal_load() reads; may be NULL with cap 0 when
 *        only the report is wanted)
 * @param frames_cap bytes at @p frames
 * @param[out] report what was found (may be NULL; filled on refusal too)
 * @retval 0 recovered (a torn tail, if any, is in the report)
 * @retval -RVX_EINVAL NULL pointer or a bad device geometry
 * @retval -RVX_ENOENT no superblock at all (not formatted)
 * @retval -RVX_EBADSIG damage that is not a torn tail: no superblock is
 *         valid though one was written, the checkpoint named
 *         by the superblock is bad, or a bad block has a valid block of a
 *         later entry after it (see report->bad_lba)
 * @retval -RVX_EBUFSMALL @p ckpt or @p frames is too small
 * @retval other the device's error
 */
int rvx_persist_open(struct rvx_persist *p, const struct rvx_persist_dev *dev, void *scratch,
		     void *ckpt, size_t ckpt_cap, void *frames, size_t frames_cap,
		     struct rvx_persist_report *report);

/**
 * Append one journal frame and flush. On 0 the frame is acknowledged.
 * @param p the store
 * @param seq the frame's sequence (must be p->next_seq)
 * @param frame the frame's bytes (opaque to this library)
 * @param len bytes, 1..RVX_PERSIST_ENTRY_MAX
 * @retval 0 written and flushed (acknowledged)
 * @retval -RVX_EINVAL NULL pointer, empty or oversized frame, or @p seq is not next
 * @retval -RVX_EFULL the device has no room: take a checkpoint
 * @retval -RVX_EBUSY an earlier device error: reopen the store
 * @retval other the device's error (the frame is not acknowledged and the
 *         store refuses further writes until reopened)
 */
int rvx_persist_append(struct rvx_persist *p, uint64_t seq, const void *frame, size_t len);

/** Called after each frame rvx_persist_append_journal() acknowledged. */
typedef void (*rvx_persist_ack_fn)(void *ctx, uint64_t seq);

/**
 * Append, one by one, every frame of a memory journal (the kernel's:
 * rvx_kernel_journal_view()) from sequence p->next_seq on; frames before it
 * are already on the device and are skipped.
 * @param p the store
 * @param j the journal
 * @param ack called after each acknowledged frame (may be NULL)
 * @param ctx passed to @p ack
 * @return frames acknowledged (>= 0), or an error of rvx_persist_append()
 *         (frames before it stay acknowledged), or -RVX_EINVAL for a NULL
 *         pointer, a malformed journal, or one that skips p->next_seq
 */
long rvx_persist_append_journal(struct rvx_persist *p, const struct rvx_witness_journal *j,
				rvx_persist_ack_fn ack, void *ctx);

/**
 * Write a checkpoint taken at sequence @p seq (every frame before it
 * appended), flush, then switch the superblock to it and flush. On 0 the
 * stream starts with this checkpoint.
 * @param p the store
 * @param ckpt the checkpoint's bytes (opaque to this library)
 * @param len bytes, 1..RVX_PERSIST_ENTRY_MAX
 * @param seq its sequence (must be p->next_seq)
 * @retval 0 in force
 * @retval -RVX_EINVAL NULL pointer, bad length, or @p seq is not next
 * @retval -RVX_EFULL no room at the tail nor before the stream's start
 * @retval -RVX_EBUSY an earlier device error: reopen the store
 * @retval other the device's error (the earlier checkpoint stays in force)
 */
int rvx_persist_checkpoint(struct rvx_persist *p, const void *ckpt, size_t len, uint64_t seq);

/**
 * Payload bytes of one block for a block size.
 * @param block_size bytes per block
 * @return block_size - RVX_PERSIST_HEADER_SIZE
 */
static inline uint32_t rvx_persist_payload(uint32_t block_size)
{
	return block_size - RVX_PERSIST_HEADER_SIZE;
}

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_PERSIST_H */
