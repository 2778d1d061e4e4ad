/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file ckpt_section.h
 * @brief The section interface of checkpoints: how a library writes and
 *        reads its own objects' state.
 *
 * A checkpoint (`ruvix/witness_ckpt.h`) is a header, a list of sections and
 * a digest. The witness library owns that framing and nothing else; each
 * library owns the payload of its own objects' sections and exports a
 * `struct rvx_ckpt_section_ops` for them (`rvx_cap_ckpt_ops` in
 * `ruvix/cap.h`, `rvx_region_ckpt_ops`, `rvx_queue_ckpt_ops`,
 * `rvx_ckpt_witness_ops`, or an embedder's own). A payload holds plain
 * state, each integer little-endian (`ruvix/endian.h`), never a pointer.
 *
 * Order of use: the framing calls `size` and `write` to write a section,
 * and `check` on every section before it calls `load` on any, so a refused
 * checkpoint changes nothing. `write` and `load` cannot fail.
 */
#ifndef RUVIX_CKPT_SECTION_H
#define RUVIX_CKPT_SECTION_H

#include "ruvix/env.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Section type ids. Values are stable: they are in the format. */
enum rvx_ckpt_type {
	RVX_CKPT_WITNESS = 1, /**< A witness log (struct rvx_witness_log). */
	RVX_CKPT_CAP = 2,     /**< A capability space (struct rvx_cap_space). */
	RVX_CKPT_REGION = 3,  /**< A region and its contents (struct rvx_region). */
	RVX_CKPT_QUEUE = 4,   /**< A queue and its storage (struct rvx_queue). */
	RVX_CKPT_USER = 0x100 /**< First type id for sections other libraries register. */
};

/**
 * How one kind of object is checkpointed. `write` and `load` cannot fail:
 * `size` and `check` come first.
 */
struct rvx_ckpt_section_ops {
	/** Section type id (`enum rvx_ckpt_type`, or >= RVX_CKPT_USER). */
	uint32_t type;
	/** Payload bytes for @p obj. */
	size_t (*size)(const void *obj);
	/** Write exactly size(obj) payload bytes. */
	void (*write)(const void *obj, uint8_t *out);
	/** Validate a payload for the destination @p obj; no side effects. 0 or -RVX_E*. */
	int (*check)(const void *obj, const uint8_t *in, size_t len);
	/** Commit a payload that check() accepted. */
	void (*load)(void *obj, const uint8_t *in, size_t len);
};

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_CKPT_SECTION_H */
