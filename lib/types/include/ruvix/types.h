/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file types.h
 * @brief Handles, rights and object types shared by every RuVix library.
 *
 * A handle names a slot in some table: a 32-bit index and a 32-bit
 * generation packed into 64 bits. Each time a slot is freed its generation
 * moves on, so an old handle to a reused slot is detected as stale instead of
 * silently naming the new occupant. Generation 0 is never issued, so the
 * all-zero handle, `RVX_HANDLE_NULL`, never names anything.
 */
#ifndef RUVIX_TYPES_H
#define RUVIX_TYPES_H

#include "ruvix/config.h"
#include "ruvix/env.h"
#include "ruvix/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A 64-bit handle: slot index in the low half, generation in the high half. */
typedef struct rvx_handle {
	uint64_t raw; /**< (generation << 32) | index */
} rvx_handle_t;

_Static_assert(sizeof(rvx_handle_t) == 8, "handles are 64 bits");

/** The handle that names nothing. */
#define RVX_HANDLE_NULL ((rvx_handle_t){0})

/**
 * Build a handle from a slot index and a generation.
 * @param index slot index
 * @param gen   generation (non-zero for a live handle)
 * @return the packed handle
 */
static inline rvx_handle_t rvx_handle_make(uint32_t index, uint32_t gen)
{
	rvx_handle_t h = {((uint64_t)gen << 32) | index};
	return h;
}

/**
 * Slot index of a handle.
 * @param h handle
 * @return the low 32 bits
 */
static inline uint32_t rvx_handle_index(rvx_handle_t h)
{
	return (uint32_t)h.raw;
}

/**
 * Generation of a handle.
 * @param h handle
 * @return the high 32 bits
 */
static inline uint32_t rvx_handle_gen(rvx_handle_t h)
{
	return (uint32_t)(h.raw >> 32);
}

/**
 * Whether a handle is the null handle.
 * @param h handle
 * @return true for `RVX_HANDLE_NULL`
 */
static inline bool rvx_handle_is_null(rvx_handle_t h)
{
	return h.raw == 0;
}

/**
 * Next generation after @p gen, skipping 0 (which is never issued).
 * @param gen current generation
 * @return the following generation
 */
static inline uint32_t rvx_gen_next(uint32_t gen)
{
	uint32_t n = gen + 1u;
	return n == 0 ? 1u : n;
}

/** Capability rights: a bit set. */
typedef uint32_t rvx_rights_t;

#define RVX_RIGHT_READ ((rvx_rights_t)1u << 0)       /**< Read the object. */
#define RVX_RIGHT_WRITE ((rvx_rights_t)1u << 1)      /**< Write the object. */
#define RVX_RIGHT_GRANT ((rvx_rights_t)1u << 2)      /**< Derive capabilities from this one. */
#define RVX_RIGHT_REVOKE ((rvx_rights_t)1u << 3)     /**< Revoke capabilities derived from this one. */
#define RVX_RIGHT_EXECUTE ((rvx_rights_t)1u << 4)    /**< Execute (tasks, code regions). */
#define RVX_RIGHT_PROVE ((rvx_rights_t)1u << 5)      /**< Issue proofs for the object. */
#define RVX_RIGHT_GRANT_ONCE ((rvx_rights_t)1u << 6) /**< Derive once: children cannot grant. */
/** Every defined right. */
#define RVX_RIGHTS_ALL ((rvx_rights_t)0x7fu)

/**
 * Whether @p sub is a subset of @p set.
 * @param sub rights asked for
 * @param set rights held
 * @return true if every bit of @p sub is in @p set
 */
static inline bool rvx_rights_subset(rvx_rights_t sub, rvx_rights_t set)
{
	return (sub & ~set) == 0;
}

/** Kinds of kernel object a capability can name. Values are ABI. */
enum rvx_obj_type {
	RVX_OBJ_NONE = 0,         /**< No object (empty slot). */
	RVX_OBJ_TASK = 1,         /**< A task. */
	RVX_OBJ_REGION = 2,       /**< A memory region. */
	RVX_OBJ_QUEUE = 3,        /**< A message queue. */
	RVX_OBJ_TIMER = 4,        /**< A timer. */
	RVX_OBJ_VECTOR_STORE = 5, /**< A vector store. */
	RVX_OBJ_GRAPH_STORE = 6,  /**< A graph store. */
	RVX_OBJ_MOUNT = 7,        /**< A mounted package. */
	RVX_OBJ_SENSOR = 8,       /**< A sensor source. */
	RVX_OBJ_PARTITION = 9,    /**< A partition (coherence domain). */
	RVX_OBJ_COMM_EDGE = 10,   /**< A channel between partitions. */
	RVX_OBJ_DEVICE_LEASE = 11,/**< A time-bounded device lease. */
	RVX_OBJ_TYPE_COUNT        /**< Number of types; not a type. */
};

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_TYPES_H */
