/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file region.h
 * @brief Memory regions: contiguous caller memory bound to a policy.
 *
 * A region takes a range of memory that the caller owns and enforces one
 * policy on it for its whole life: *immutable* (contents fixed when it is
 * created), *append-only* (a monotonic write cursor; bytes below it never
 * change) or *slab* (fixed-size slots named by generation-checked handles,
 * zeroed on free). The library never allocates and keeps no global state.
 *
 * Order of use:
 * 1. Provide storage: `RVX_REGION_DEFINE()` / `RVX_REGION_SLAB_DEFINE()` for
 *    static storage, or any memory of your own. A slab also needs one
 *    `struct rvx_region_slot` per slot, sized with
 *    `rvx_region_slab_slot_count()` and `rvx_region_slab_meta_size()`.
 * 2. Bind it once with `rvx_region_init_immutable()`,
 *    `rvx_region_init_append()` or `rvx_region_init_slab()`.
 * 3. Use it: `rvx_region_read()` and `rvx_region_append()` on byte regions;
 *    `rvx_region_slab_alloc()`, `rvx_region_slab_write()`,
 *    `rvx_region_slab_read()`, `rvx_region_slab_ptr()` and
 *    `rvx_region_slab_free()` on slabs; `rvx_region_policy()` and
 *    `rvx_region_info()` on any region.
 * 4. Share bytes without copying: the sender describes a range with
 *    `rvx_region_desc_make()`, the receiver turns the descriptor back into a
 *    pointer with `rvx_region_desc_resolve()` (or checks raw fields with
 *    `rvx_region_desc_check()`). Descriptors may name only immutable and
 *    append-only regions, whose described bytes can no longer change.
 *
 * There is no teardown: the caller owns the memory and may reuse it once it
 * stops using the region. Every action validates all of its arguments before
 * it changes anything, so a failed call leaves the region, its memory and its
 * slot metadata exactly as they were.
 *
 * Concurrency: calls that change a region (init, append, slab alloc, free
 * and write) must be serialised by the caller. On an append-only region one
 * writer may append while readers on other CPUs call `rvx_region_read()`,
 * `rvx_region_info()` and the descriptor functions: the cursor is published
 * with release ordering after the bytes are copied and loaded with acquire
 * ordering by readers, so a range accepted on another CPU never contains
 * bytes that were not yet written. The region struct itself must be made
 * visible to other CPUs by the embedder (for example through the queue or
 * lock that hands it over) after init.
 */
#ifndef RUVIX_REGION_H
#define RUVIX_REGION_H

#include "ruvix/ckpt_section.h"
#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The policy a region enforces. Values are ABI. */
enum rvx_region_policy {
	RVX_REGION_POLICY_NONE = 0,        /**< Not initialised: every call but init fails. */
	RVX_REGION_POLICY_IMMUTABLE = 1,   /**< Contents fixed at init; readable, never written. */
	RVX_REGION_POLICY_APPEND_ONLY = 2, /**< Monotonic cursor; bytes below it never change. */
	RVX_REGION_POLICY_SLAB = 3,        /**< Fixed-size slots named by generation-checked handles. */
};

/**
 * Largest alignment a slab slot is given, in bytes. Slab slots are aligned
 * to `min(stride, RVX_REGION_ALIGN)`, which is enough for any C object that
 * fits in the slot; `RVX_REGION_DEFINE()` storage is aligned to it too.
 */
#define RVX_REGION_ALIGN 16u

/** Largest slot size a slab accepts, in bytes (2 GiB). */
#define RVX_REGION_SLOT_SIZE_MAX UINT32_C(0x80000000)

/**
 * Largest number of slots a slab may have. The indices above it are kept
 * free for the `RVX_REGION_SLOT_*` markers.
 */
#define RVX_REGION_SLAB_SLOTS_MAX UINT32_C(0xFFFFFFF0)

/** `rvx_region_slot.next` of the last free slot: the free list ends here. */
#define RVX_REGION_SLOT_END UINT32_C(0xFFFFFFFF)
/** `rvx_region_slot.next` of an allocated slot. */
#define RVX_REGION_SLOT_LIVE UINT32_C(0xFFFFFFFE)
/**
 * `rvx_region_slot.next` of a retired slot: its generation reached
 * `UINT32_MAX`, so reusing it would have to repeat a generation and could
 * let a stale handle through. It is never allocated again.
 */
#define RVX_REGION_SLOT_RETIRED UINT32_C(0xFFFFFFFD)

/**
 * Distance between two slab slots for a given slot size: the size rounded
 * up to a power of two below `RVX_REGION_ALIGN` (1, 2, 4, 8) and to a
 * multiple of `RVX_REGION_ALIGN` from there on. This makes each slot
 * naturally aligned for whatever fits in it, at most doubling tiny slots.
 * A constant expression when @p slot_size is one.
 */
#define RVX_REGION_SLAB_STRIDE(slot_size)                                      \
	((slot_size) <= 1u   ? (size_t)1                                       \
	 : (slot_size) <= 2u ? (size_t)2                                       \
	 : (slot_size) <= 4u ? (size_t)4                                       \
	 : (slot_size) <= 8u ? (size_t)8                                       \
			     : ((size_t)(slot_size) + (RVX_REGION_ALIGN - 1u)) / \
				       RVX_REGION_ALIGN * RVX_REGION_ALIGN)

/**
 * Alignment the slab memory must have for a given slot size:
 * `min(RVX_REGION_SLAB_STRIDE(slot_size), RVX_REGION_ALIGN)`.
 */
#define RVX_REGION_SLAB_ALIGN(slot_size)                                       \
	(RVX_REGION_SLAB_STRIDE(slot_size) < RVX_REGION_ALIGN                  \
		 ? RVX_REGION_SLAB_STRIDE(slot_size)                           \
		 : (size_t)RVX_REGION_ALIGN)

/** Bytes of slab memory that hold exactly @p slot_count slots of @p slot_size. */
#define RVX_REGION_SLAB_MEM_SIZE(slot_size, slot_count)                        \
	(RVX_REGION_SLAB_STRIDE(slot_size) * (size_t)(slot_count))

/** Bytes of slot metadata a slab of @p slot_count slots needs. */
#define RVX_REGION_SLAB_META_SIZE(slot_count)                                  \
	(sizeof(struct rvx_region_slot) * (size_t)(slot_count))

/**
 * Metadata of one slab slot. The caller provides an array of them (one per
 * slot) next to the slab memory; the library owns their contents. Links are
 * slot indices, never pointers, so the array can be checkpointed as bytes.
 */
struct rvx_region_slot {
	/** Current generation, never 0; a handle to the slot must carry it. */
	uint32_t gen;
	/**
	 * For a free slot, the index of the next free slot or
	 * `RVX_REGION_SLOT_END`; otherwise `RVX_REGION_SLOT_LIVE` or
	 * `RVX_REGION_SLOT_RETIRED`.
	 */
	uint32_t next;
};

_Static_assert(sizeof(struct rvx_region_slot) == 8, "slot metadata is 8 bytes");

/**
 * A region. The caller provides the struct (static, on a stack, inside a
 * kernel object) and treats its fields as private: they are documented so
 * the layout can be checkpointed and checked, not to be written. Apart from
 * the two pointers to the caller's own storage, the state is offsets and
 * indices. All-zero means "not initialised".
 */
struct rvx_region {
	/** First byte of the caller's memory bound to the region. */
	uint8_t *base;
	/** Slab: the caller's slot metadata array; NULL for other policies. */
	struct rvx_region_slot *slots;
	/** Bytes of caller memory bound to the region. */
	uint64_t size;
	/**
	 * Readable bytes from offset 0: the size for an immutable region, the
	 * write cursor for an append-only one (stored with release, loaded
	 * with acquire), 0 for a slab.
	 */
	uint64_t cursor;
	/** An `enum rvx_region_policy` value. */
	uint32_t policy;
	/** Slab: usable bytes per slot as asked for at init; 0 otherwise. */
	uint32_t slot_size;
	/** Slab: distance between slots, `RVX_REGION_SLAB_STRIDE(slot_size)`. */
	uint32_t slot_stride;
	/** Slab: number of slots; 0 otherwise. */
	uint32_t slot_count;
	/** Slab: index of the first free slot, or `RVX_REGION_SLOT_END`. */
	uint32_t free_head;
	/** Slab: number of allocated slots. */
	uint32_t used_slots;
	/** Slab: number of slots retired because their generation ran out. */
	uint32_t retired_slots;
	/** Always 0: explicit padding so the struct has no hidden bytes. */
	uint32_t reserved;
};

_Static_assert(sizeof(void *) != 8 || sizeof(struct rvx_region) == 64,
	       "struct rvx_region is 64 bytes on 64-bit targets");

/** What `rvx_region_info()` reports about a region. */
struct rvx_region_info {
	/** An `enum rvx_region_policy` value. */
	uint32_t policy;
	/** Slab: usable bytes per slot; 0 otherwise. */
	uint32_t slot_size;
	/** Bytes of caller memory bound to the region. */
	uint64_t size;
	/**
	 * Bytes in use: the size (immutable), the cursor (append-only), or
	 * allocated slots times the stride (slab).
	 */
	uint64_t used_bytes;
	/** Slab: distance between slots in bytes; 0 otherwise. */
	uint32_t slot_stride;
	/** Slab: number of slots; 0 otherwise. */
	uint32_t slot_count;
	/** Slab: allocated slots; 0 otherwise. */
	uint32_t used_slots;
	/** Slab: retired slots (generation exhausted, never reissued); 0 otherwise. */
	uint32_t retired_slots;
};

/**
 * A zero-copy message descriptor: a byte range inside an immutable or
 * append-only region. Fixed layout (24 bytes, 8-byte aligned), so it can
 * travel inside queue messages and checkpoints unchanged.
 */
struct rvx_region_desc {
	/**
	 * Which region, in the embedder's own terms (the RuVix kernel stores
	 * the region object's handle). This library never interprets it: the
	 * embedder maps it to a `struct rvx_region` before resolving.
	 * Aligned to 8 explicitly so the layout is the same on targets that
	 * align 64-bit integers to 4.
	 */
	alignas(8) rvx_handle_t region;
	/** Offset of the first described byte from the start of the region. */
	uint64_t offset;
	/** Number of described bytes; at least 1. */
	uint32_t length;
	/** Explicit padding; must be 0 (kept free for future flags). */
	uint32_t reserved;
};

_Static_assert(sizeof(struct rvx_region_desc) == 24, "descriptor is 24 bytes");
_Static_assert(offsetof(struct rvx_region_desc, region) == 0, "descriptor layout");
_Static_assert(offsetof(struct rvx_region_desc, offset) == 8, "descriptor layout");
_Static_assert(offsetof(struct rvx_region_desc, length) == 16, "descriptor layout");
_Static_assert(offsetof(struct rvx_region_desc, reserved) == 20, "descriptor layout");
_Static_assert(alignof(struct rvx_region_desc) == 8, "descriptor alignment");

/**
 * Declare static storage for an immutable or append-only region: a byte
 * array `name##_mem` of @p size bytes aligned to `RVX_REGION_ALIGN`, and the
 * region `name`. Bind them with, for example,
 * `rvx_region_init_append(&name, name##_mem, sizeof(name##_mem))`.
 */
#define RVX_REGION_DEFINE(name, size)                                          \
	_Static_assert((size) > 0, "a region needs at least one byte");       \
	static alignas(RVX_REGION_ALIGN) uint8_t name##_mem[(size)];           \
	static struct rvx_region name

/**
 * Declare static storage for a slab of @p slot_count slots of @p slot_size
 * bytes: the slot memory `name##_mem` (suitably aligned), the metadata array
 * `name##_meta` and the region `name`. Bind them with
 * `rvx_region_init_slab(&name, name##_mem, sizeof(name##_mem), slot_size,
 * name##_meta, sizeof(name##_meta))`.
 */
#define RVX_REGION_SLAB_DEFINE(name, slot_size, slot_count)                    \
	_Static_assert((slot_size) > 0 &&                                      \
			       (slot_size) <= RVX_REGION_SLOT_SIZE_MAX,        \
		       "slot size must be 1..RVX_REGION_SLOT_SIZE_MAX");       \
	_Static_assert((slot_count) > 0 &&                                     \
			       (slot_count) <= RVX_REGION_SLAB_SLOTS_MAX,      \
		       "slot count must be 1..RVX_REGION_SLAB_SLOTS_MAX");     \
	static alignas(RVX_REGION_ALIGN) uint8_t                               \
		name##_mem[RVX_REGION_SLAB_MEM_SIZE(slot_size, slot_count)];   \
	static struct rvx_region_slot name##_meta[(slot_count)];               \
	static struct rvx_region name

/**
 * Bind caller memory as an immutable region: copy @p init to its start and
 * zero the rest. Afterwards the bytes never change through this library.
 * @p init may be @p mem itself (contents prepared in place) or overlap it.
 * @param[out] r     region to initialise (overwritten completely)
 * @param mem        caller memory, @p size bytes; any alignment
 * @param size       bytes of memory, at least 1
 * @param init       initial contents, or NULL when @p init_len is 0
 * @param init_len   bytes of @p init, at most @p size
 * @retval 0 the region is ready
 * @retval -RVX_EINVAL @p r or @p mem is NULL, @p size is 0, @p mem + @p size
 *         wraps the address space, @p init_len > @p size, or @p init is NULL
 *         with a non-zero @p init_len
 */
int rvx_region_init_immutable(struct rvx_region *r, void *mem, size_t size,
			      const void *init, size_t init_len);

/**
 * Bind caller memory as an empty append-only region (cursor at 0). The
 * memory's contents are left as they are: nothing can read above the cursor.
 * @param[out] r  region to initialise (overwritten completely)
 * @param mem     caller memory, @p size bytes; any alignment
 * @param size    bytes of memory, at least 1
 * @retval 0 the region is ready
 * @retval -RVX_EINVAL @p r or @p mem is NULL, @p size is 0, or
 *         @p mem + @p size wraps the address space
 */
int rvx_region_init_append(struct rvx_region *r, void *mem, size_t size);

/**
 * Number of slots a slab over @p size bytes of @p slot_size slots has:
 * `size / RVX_REGION_SLAB_STRIDE(slot_size)`. Bytes past the last whole
 * slot are not used (and never touched).
 * @param size       bytes of slab memory
 * @param slot_size  usable bytes per slot
 * @return the slot count, or 0 if @p slot_size is 0 or above
 *         `RVX_REGION_SLOT_SIZE_MAX`, no slot fits, or the count would
 *         exceed `RVX_REGION_SLAB_SLOTS_MAX`
 */
uint32_t rvx_region_slab_slot_count(size_t size, size_t slot_size);

/**
 * Bytes of slot metadata a slab of @p slot_count slots needs
 * (`RVX_REGION_SLAB_META_SIZE(slot_count)`).
 * @param slot_count number of slots
 * @return the size in bytes, or 0 if @p slot_count is 0, above
 *         `RVX_REGION_SLAB_SLOTS_MAX`, or the size does not fit a `size_t`
 */
size_t rvx_region_slab_meta_size(uint32_t slot_count);

/**
 * Bind caller memory as a slab of fixed-size slots, all free and zeroed.
 * Slot i starts at `mem + i * RVX_REGION_SLAB_STRIDE(slot_size)`; every slot
 * generation starts at 1. The slot memory and the metadata must not overlap.
 * @param[out] r     region to initialise (overwritten completely)
 * @param mem        slab memory, aligned to `RVX_REGION_SLAB_ALIGN(slot_size)`;
 *                   its slots are zeroed
 * @param size       bytes of slab memory
 * @param slot_size  usable bytes per slot, 1..`RVX_REGION_SLOT_SIZE_MAX`
 * @param[out] meta  slot metadata array, aligned for `struct rvx_region_slot`;
 *                   its first `rvx_region_slab_slot_count(size, slot_size)`
 *                   entries are initialised
 * @param meta_size  bytes of @p meta
 * @retval 0 the slab is ready
 * @retval -RVX_EINVAL @p r, @p mem or @p meta is NULL; @p size is 0;
 *         @p slot_size is 0, above `RVX_REGION_SLOT_SIZE_MAX` or so large
 *         that no slot fits; @p mem or @p meta is misaligned; a range wraps
 *         the address space; there would be more than
 *         `RVX_REGION_SLAB_SLOTS_MAX` slots; or the slots and the metadata
 *         overlap
 * @retval -RVX_ENOMEM @p meta_size is smaller than
 *         `rvx_region_slab_meta_size()` of the slot count
 */
int rvx_region_init_slab(struct rvx_region *r, void *mem, size_t size,
			 size_t slot_size, struct rvx_region_slot *meta,
			 size_t meta_size);

/**
 * Policy of a region.
 * @param r region
 * @return an `enum rvx_region_policy` value other than
 *         `RVX_REGION_POLICY_NONE`
 * @retval -RVX_EINVAL @p r is NULL or not initialised
 */
int rvx_region_policy(const struct rvx_region *r);

/**
 * Describe a region's geometry and use. On an append-only region the
 * cursor is loaded with acquire ordering, so another CPU may call this.
 * @param r          region
 * @param[out] info  filled in completely
 * @retval 0 @p info is filled in
 * @retval -RVX_EINVAL @p r or @p info is NULL, or @p r is not initialised
 */
int rvx_region_info(const struct rvx_region *r, struct rvx_region_info *info);

/**
 * Would rvx_region_append() of @p len bytes succeed? The same checks (but
 * for @p data), changing nothing.
 * @param r    append-only region
 * @param len  number of bytes
 * @retval 0 it would
 * @retval -RVX_EINVAL @p r is NULL or not initialised, or @p len is 0
 * @retval -RVX_EPOLICY @p r is not append-only
 * @retval -RVX_EREGIONFULL fewer than @p len bytes are left above the cursor
 */
int rvx_region_append_check(const struct rvx_region *r, size_t len);

/**
 * Append bytes at an append-only region's cursor and advance it. Either
 * all @p len bytes are written or none are. The cursor is published with
 * release ordering after the copy. @p data may lie inside the region.
 * @param r            append-only region
 * @param data         bytes to append
 * @param len          number of bytes, at least 1
 * @param[out] offset  where the bytes were written (the old cursor); may be
 *                     NULL; written only on success
 * @retval 0 appended
 * @retval -RVX_EINVAL @p r or @p data is NULL, @p r is not initialised, or
 *         @p len is 0
 * @retval -RVX_EPOLICY @p r is not append-only
 * @retval -RVX_EREGIONFULL fewer than @p len bytes are left above the cursor
 */
int rvx_region_append(struct rvx_region *r, const void *data, size_t len,
		      uint64_t *offset);

/**
 * Copy bytes out of an immutable or append-only region. The readable range
 * is [0, size) for an immutable region and [0, cursor) for an append-only
 * one (cursor loaded with acquire ordering). A @p len of 0 only checks.
 * @param r         immutable or append-only region
 * @param offset    first byte to read
 * @param[out] buf  receives @p len bytes
 * @param len       number of bytes
 * @retval 0 copied
 * @retval -RVX_EINVAL @p r or @p buf is NULL, @p r is not initialised, or
 *         [@p offset, @p offset + @p len) is not inside the readable range
 * @retval -RVX_EPOLICY @p r is a slab (read slots with
 *         `rvx_region_slab_read()`, which checks the handle)
 */
int rvx_region_read(const struct rvx_region *r, uint64_t offset, void *buf,
		    size_t len);

/**
 * Allocate a free slab slot in O(1). The slot is all zero. The handle holds
 * the slot index and its current generation, which is never 0.
 * @param r        slab region
 * @param[out] h   the new slot's handle; written only on success
 * @retval 0 allocated
 * @retval -RVX_EINVAL @p r or @p h is NULL, or @p r is not initialised
 * @retval -RVX_EPOLICY @p r is not a slab
 * @retval -RVX_ESLABFULL no slot is free
 */
int rvx_region_slab_alloc(struct rvx_region *r, rvx_handle_t *h);

/**
 * Free a slab slot in O(1): zero it and move its generation on, so every
 * handle to it becomes stale. A slot whose generation is already
 * `UINT32_MAX` is retired instead of returning to the free list.
 * @param r  slab region
 * @param h  handle from `rvx_region_slab_alloc()`
 * @retval 0 freed
 * @retval -RVX_EINVAL @p r is NULL or not initialised, @p h has generation 0
 *         or an index past the last slot
 * @retval -RVX_EPOLICY @p r is not a slab
 * @retval -RVX_ESTALE @p h does not name a live slot (already freed, or an
 *         older generation)
 */
int rvx_region_slab_free(struct rvx_region *r, rvx_handle_t h);

/**
 * Copy bytes into a live slab slot.
 * @param r       slab region
 * @param h       handle of a live slot
 * @param offset  first byte inside the slot
 * @param data    bytes to write
 * @param len     number of bytes; 0 only checks
 * @retval 0 written
 * @retval -RVX_EINVAL @p r or @p data is NULL, @p r is not initialised,
 *         @p h has generation 0 or an index past the last slot, or
 *         [@p offset, @p offset + @p len) is not inside the slot size
 * @retval -RVX_EPOLICY @p r is not a slab
 * @retval -RVX_ESTALE @p h does not name a live slot
 */
int rvx_region_slab_write(struct rvx_region *r, rvx_handle_t h, size_t offset,
			  const void *data, size_t len);

/**
 * Copy bytes out of a live slab slot.
 * @param r         slab region
 * @param h         handle of a live slot
 * @param offset    first byte inside the slot
 * @param[out] buf  receives @p len bytes
 * @param len       number of bytes; 0 only checks
 * @retval 0 copied
 * @retval -RVX_EINVAL @p r or @p buf is NULL, @p r is not initialised,
 *         @p h has generation 0 or an index past the last slot, or
 *         [@p offset, @p offset + @p len) is not inside the slot size
 * @retval -RVX_EPOLICY @p r is not a slab
 * @retval -RVX_ESTALE @p h does not name a live slot
 */
int rvx_region_slab_read(const struct rvx_region *r, rvx_handle_t h,
			 size_t offset, void *buf, size_t len);

/**
 * Direct pointer to a live slab slot (its `slot_size` usable bytes), for
 * in-place use. The pointer is not checked again: it must not be used after
 * the slot is freed.
 * @param r         slab region
 * @param h         handle of a live slot
 * @param[out] ptr  the slot's first byte; written only on success
 * @retval 0 @p ptr is set
 * @retval -RVX_EINVAL @p r or @p ptr is NULL, @p r is not initialised, or
 *         @p h has generation 0 or an index past the last slot
 * @retval -RVX_EPOLICY @p r is not a slab
 * @retval -RVX_ESTALE @p h does not name a live slot
 */
int rvx_region_slab_ptr(const struct rvx_region *r, rvx_handle_t h, void **ptr);

/**
 * Check that a region's fields (and a slab's slot metadata) form a
 * consistent region, before they are trusted (a checkpoint image, say): a
 * known policy; an immutable region's cursor at its size, an append-only
 * one's within it; a slab's cursor 0, stride and slot count what its slot
 * size and size give, every generation non-zero, every link in range, the
 * live and retired counts right (a retired slot at the last generation),
 * the free list a simple path through exactly the free slots; reserved 0.
 * Reads only; time linear in the slots. The pointers in @p r are not read.
 * @param r     the region's fields
 * @param slots a slab's slot_count `struct rvx_region_slot` (any
 *              alignment); ignored (may be NULL) for other policies
 * @retval 0 consistent
 * @retval -RVX_EINVAL a NULL pointer, or a field or slot that breaks one of
 *         the invariants above
 */
int rvx_region_validate(const struct rvx_region *r, const void *slots);

/**
 * Check that a byte range may be handed out as a zero-copy descriptor and
 * give its address. Valid ranges are non-empty and lie inside [0, size) of
 * an immutable region or [0, cursor) of an append-only region (cursor
 * loaded with acquire ordering, so a range accepted on one CPU never covers
 * bytes still being written on another).
 * @param r         region
 * @param offset    first byte
 * @param length    number of bytes
 * @param[out] ptr  address of the first byte; may be NULL; written only on
 *                  success
 * @retval 0 the range is valid
 * @retval -RVX_EINVAL @p r is NULL or not initialised
 * @retval -RVX_EBADDESC @p r is a slab, @p length is 0,
 *         @p offset + @p length overflows, or the range goes past the size
 *         or the append cursor
 */
int rvx_region_desc_check(const struct rvx_region *r, uint64_t offset,
			  uint32_t length, const void **ptr);

/**
 * Build a descriptor for a range of a region, after the same checks as
 * `rvx_region_desc_check()`.
 * @param r        region the range lies in
 * @param region   the region's identity in the embedder's terms, stored as is
 * @param offset   first byte
 * @param length   number of bytes
 * @param[out] d   descriptor; written completely, and only on success
 * @retval 0 @p d describes the range
 * @retval -RVX_EINVAL @p r or @p d is NULL, or @p r is not initialised
 * @retval -RVX_EBADDESC the range is not valid (see `rvx_region_desc_check()`)
 */
int rvx_region_desc_make(const struct rvx_region *r, rvx_handle_t region,
			 uint64_t offset, uint32_t length,
			 struct rvx_region_desc *d);

/**
 * Resolve a received descriptor against the region its `region` field
 * names (the embedder looks that up) and give the address of its bytes.
 * @param r         region named by `d->region`
 * @param d         descriptor
 * @param[out] ptr  address of the first byte; may be NULL; written only on
 *                  success
 * @retval 0 the descriptor is valid for @p r
 * @retval -RVX_EINVAL @p r or @p d is NULL, or @p r is not initialised
 * @retval -RVX_EBADDESC `d->reserved` is not 0, or the range is not valid
 *         (see `rvx_region_desc_check()`)
 */
int rvx_region_desc_resolve(const struct rvx_region *r,
			    const struct rvx_region_desc *d, const void **ptr);

/**
 * Checkpoint section of a `struct rvx_region` (ruvix/ckpt_section.h, type
 * RVX_CKPT_REGION): state, slab metadata and the readable contents. The
 * destination must be initialised with the same policy and geometry.
 */
extern const struct rvx_ckpt_section_ops rvx_region_ckpt_ops;

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_REGION_H */
