/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file witness_ckpt.h
 * @brief Checkpoints: the state of a set of kernel objects (capability
 *        space, regions, queues, the witness log, and sections that other
 *        libraries register) in one versioned, checksummed byte format.
 *
 * Byte format (every integer little-endian):
 * - header, 32 bytes: magic "RVXCKPT\0" (8), version u32 (RVX_CKPT_VERSION),
 *   flags u32 (0, or RVX_CKPT_F_MAC), total length u64 (header to the last
 *   byte inclusive), section count u32, reserved u32 (0);
 * - sections, each: type u32, reserved u32 (0), payload length u64, the
 *   payload, then zero padding up to a multiple of 8 bytes;
 * - trailer, 32 bytes: SHA-256 of every byte before it. The trailer is also
 *   the **state hash** of the objects checkpointed;
 * - with RVX_CKPT_F_MAC only: a MAC, 32 bytes, HMAC-SHA256 under the
 *   writer's key of every byte before it (header, sections and trailer).
 *
 * This library writes the framing; each section's payload is written and
 * checked by the library that owns the object, through the section
 * interface of `ruvix/ckpt_section.h` (`rvx_cap_ckpt_ops` in `ruvix/cap.h`,
 * `rvx_region_ckpt_ops` in `ruvix/region.h`, `rvx_queue_ckpt_ops` in
 * `ruvix/queue.h`, `rvx_ckpt_witness_ops` here).
 *
 * Order of use: describe the objects as an array of `struct rvx_ckpt_item`
 * (an ops table and the object), size with rvx_ckpt_size(), write with
 * rvx_ckpt_write(). To restore, build fresh objects of the same geometry on
 * the new memory (rvx_cap_space_init(), rvx_region_init_*(), rvx_queue_init(),
 * rvx_witness_log_init()), describe them the same way, and call
 * rvx_ckpt_restore(): it validates everything (framing, digest, and each
 * section's own check against its destination) before it writes anything.
 * Pointers are never stored: each object keeps its binding to the new memory.
 *
 * The digest detects corruption, not forgery: anyone can recompute it. A
 * checkpoint written with rvx_ckpt_write_mac() is accepted only by
 * rvx_ckpt_restore_mac() with the same key (compared in constant time), so
 * only a holder of the key can make one; rvx_ckpt_restore() refuses it, and
 * rvx_ckpt_restore_mac() refuses one without a MAC. The section checks run
 * either way and bound every index, so even a forged checkpoint cannot make
 * later calls touch memory outside the objects' storage.
 */
#ifndef RUVIX_WITNESS_CKPT_H
#define RUVIX_WITNESS_CKPT_H

#include "ruvix/ckpt_section.h"
#include "ruvix/env.h"
#include "ruvix/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Checkpoint format version this library writes and reads. */
#define RVX_CKPT_VERSION 1u
/** Bytes of the checkpoint header. */
#define RVX_CKPT_HEADER_SIZE 32u
/** Bytes of a section header. */
#define RVX_CKPT_SECTION_HEADER_SIZE 16u
/** Bytes of the trailer (SHA-256). */
#define RVX_CKPT_TRAILER_SIZE 32u
/** Bytes of the MAC after the trailer (HMAC-SHA256), when RVX_CKPT_F_MAC is set. */
#define RVX_CKPT_MAC_SIZE 32u
/** Header flag: a MAC follows the trailer. */
#define RVX_CKPT_F_MAC 1u

/** Why a checkpoint was refused. */
enum rvx_ckpt_reason {
	RVX_CKPT_OK = 0,        /**< Not refused. */
	RVX_CKPT_TRUNCATED = 1, /**< Fewer bytes than the header says (or than a header). */
	RVX_CKPT_MAGIC = 2,     /**< Not a checkpoint. */
	RVX_CKPT_BADVERSION = 3, /**< A version this library does not read. */
	RVX_CKPT_LENGTH = 4,    /**< Total length inconsistent (extra bytes, or too small). */
	RVX_CKPT_DIGEST = 5,    /**< The trailer does not match the contents. */
	RVX_CKPT_FORMAT = 6,    /**< Non-zero reserved field or padding, or unknown flags. */
	RVX_CKPT_BOUNDS = 7,    /**< A section overruns the checkpoint or the sections do not end at the trailer. */
	RVX_CKPT_SECTIONS = 8,  /**< Section count or types differ from the items given. */
	RVX_CKPT_SECTION = 9,   /**< A section's own check refused it (content or geometry). */
	RVX_CKPT_MAC = 10       /**< The MAC does not verify (another key, or edited bytes), or is missing or unexpected. */
};

/** One object in a checkpoint: its ops and the object itself. */
struct rvx_ckpt_item {
	const struct rvx_ckpt_section_ops *ops; /**< How to checkpoint it. */
	void *obj;                              /**< The object. */
};

/** Ops for a `struct rvx_witness_log` (sequence, chaining value, epoch; not the sink). */
extern const struct rvx_ckpt_section_ops rvx_ckpt_witness_ops;

/**
 * Bytes of the checkpoint of @p items.
 * @param items the objects
 * @param count number of items
 * @return the size, or 0 if an item or its ops is NULL
 */
size_t rvx_ckpt_size(const struct rvx_ckpt_item *items, size_t count);

/**
 * Write the checkpoint of @p items into @p out.
 * @param items the objects
 * @param count number of items
 * @param[out] out the checkpoint
 * @param cap bytes at @p out
 * @param[out] written bytes written (may be NULL)
 * @retval 0 written
 * @retval -RVX_EINVAL a NULL pointer, or more than UINT32_MAX items
 * @retval -RVX_EBUFSMALL @p cap < rvx_ckpt_size() (nothing written)
 */
int rvx_ckpt_write(const struct rvx_ckpt_item *items, size_t count, uint8_t *out, size_t cap,
		   size_t *written);

/**
 * Write the checkpoint of @p items followed by a MAC under @p key
 * (RVX_CKPT_F_MAC): rvx_ckpt_size() + RVX_CKPT_MAC_SIZE bytes.
 * @param items the objects
 * @param count number of items
 * @param key the MAC key (secret; at least 32 random bytes recommended)
 * @param key_len bytes at @p key, non-zero
 * @param[out] out the checkpoint
 * @param cap bytes at @p out
 * @param[out] written bytes written (may be NULL)
 * @retval 0 written
 * @retval -RVX_EINVAL a NULL pointer, an empty key, or more than UINT32_MAX items
 * @retval -RVX_EBUFSMALL @p cap is too small (nothing written)
 */
int rvx_ckpt_write_mac(const struct rvx_ckpt_item *items, size_t count, const uint8_t *key,
		       size_t key_len, uint8_t *out, size_t cap, size_t *written);

/**
 * Restore a checkpoint into fresh objects: validate everything, then load
 * every section. On failure no destination byte changes.
 * @param in the checkpoint
 * @param len bytes at @p in
 * @param items the destinations, in the order they were written
 * @param count number of items
 * @param[out] reason why it was refused (may be NULL)
 * @retval 0 restored
 * @retval -RVX_EINVAL refused (see @p reason), or a NULL pointer
 */
int rvx_ckpt_restore(const uint8_t *in, size_t len, const struct rvx_ckpt_item *items,
		     size_t count, enum rvx_ckpt_reason *reason);

/**
 * Restore a checkpoint written by rvx_ckpt_write_mac() with the same key:
 * framing and digest, then the MAC (constant time), then every section's
 * check, then the load. On failure no destination byte changes.
 * @param in the checkpoint
 * @param len bytes at @p in
 * @param key the MAC key
 * @param key_len bytes at @p key, non-zero
 * @param items the destinations, in the order they were written
 * @param count number of items
 * @param[out] reason why it was refused (may be NULL); RVX_CKPT_MAC for a
 *        wrong key, edited bytes or a checkpoint without a MAC
 * @retval 0 restored
 * @retval -RVX_EINVAL refused (see @p reason), a NULL pointer or an empty key
 */
int rvx_ckpt_restore_mac(const uint8_t *in, size_t len, const uint8_t *key, size_t key_len,
			 const struct rvx_ckpt_item *items, size_t count,
			 enum rvx_ckpt_reason *reason);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_WITNESS_CKPT_H */
