/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file cap.h
 * @brief Capability spaces: per-task capability tables, derivation trees,
 *        revocation and per-object epochs, in the discipline of seL4.
 *
 * One `struct rvx_cap_space` holds every task's capability table and a
 * registry of the kernel objects that capabilities name; all of its storage
 * comes from the caller, and all of its state is indices, never pointers, so
 * the slot, table and registry arrays can be checkpointed as plain bytes
 * (and checked with `rvx_cap_space_validate()` before they are restored).
 *
 * Order of use:
 * 1. Provide storage (`RVX_CAP_SPACE_DEFINE()` for static storage, or your
 *    own arrays) and call `rvx_cap_space_init()`.
 * 2. Register each kernel object with `rvx_cap_object_create()`; it returns
 *    an object handle, and the object's `ref` lets the embedder find its own
 *    structure again.
 * 3. Give a task a root capability with `rvx_cap_mint()` (kernel only).
 * 4. Tasks pass narrowed copies to themselves or to other tasks with
 *    `rvx_cap_derive()`: rights only shrink, depth grows by one, badges
 *    travel with the copy.
 * 5. Every use of a capability is checked with `rvx_cap_check()` (inline,
 *    constant time) or read with `rvx_cap_lookup()`.
 * 6. `rvx_cap_revoke()` removes everything derived from a capability,
 *    `rvx_cap_delete()` removes a capability with its subtree, and
 *    `rvx_cap_table_clear()` empties a task's table when the task exits.
 *    `rvx_cap_object_bump_epoch()` and `rvx_cap_object_destroy()` kill every
 *    capability to an object at once, in O(1).
 *
 * A task names only the slots of its own table, with a handle of (slot index
 * within the table, slot generation). Freeing a slot moves its generation
 * on, so an old handle is reported stale (`-RVX_ESTALE`) rather than naming
 * whatever occupies the slot next.
 *
 * Capabilities killed through an object epoch stay in their slots as dead
 * entries (checks report `-RVX_EREVOKED`) until `rvx_cap_delete()`,
 * `rvx_cap_table_clear()` or a revoke of an ancestor reclaims them: an epoch
 * bump is O(1) precisely because it does not visit them.
 *
 * Every mutating call validates all of its arguments first and changes
 * nothing when it fails. The library does no locking: the embedder
 * serialises mutating calls against each other and against checks.
 */
#ifndef RUVIX_CAP_H
#define RUVIX_CAP_H

#include "ruvix/config.h"
#include "ruvix/ckpt_section.h"
#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Link value meaning "no slot" / "no entry" in every index field. */
#define RVX_CAP_NIL UINT32_MAX

/** "No slot" in the 16-bit link fields of a slot and a table header. */
#define RVX_CAP_LINK_NIL UINT16_MAX

/** Most slots one space holds: every slot index fits a 16-bit link. */
#define RVX_CAP_SLOTS_MAX ((uint32_t)RVX_CAP_LINK_NIL)

/**
 * One capability slot (32 bytes). A slot is occupied when `type` is not
 * `RVX_OBJ_NONE`. A free slot is all zero except `gen` and `next_sibling`,
 * which then links the table's free list. The four link fields are global
 * slot indices (task * slots_per_table + slot) or `RVX_CAP_LINK_NIL`: 16
 * bits, as a space holds at most `RVX_CAP_SLOTS_MAX` slots (the kernel's
 * 256 tasks have 4096). The fields that `rvx_cap_check()` reads come
 * first; two slots share a cache line.
 */
struct rvx_cap_slot {
	uint32_t gen;          /**< Generation; never 0; moves on each free. */
	uint32_t object;       /**< Index of the object in the registry. */
	uint32_t epoch;        /**< The object's epoch when this capability was made. */
	uint8_t type;          /**< `enum rvx_obj_type` of the object; NONE if free. */
	uint8_t rights;        /**< `rvx_rights_t` held (within `RVX_RIGHTS_ALL`). */
	uint8_t depth;         /**< Derivation depth: 0 for a minted root. */
	uint8_t reserved;      /**< Zero. */
	uint64_t badge;        /**< Badge given to the receiver on use; 0 if unbadged. */
	uint16_t parent;       /**< Slot this one was derived from, or LINK_NIL for a root. */
	uint16_t first_child;  /**< First slot derived from this one, or LINK_NIL. */
	uint16_t next_sibling; /**< Next child of the same parent (free list link when free). */
	uint16_t prev_sibling; /**< Previous child of the same parent, or LINK_NIL. */
};

_Static_assert(sizeof(struct rvx_cap_slot) == 32, "a capability slot is 32 bytes");
_Static_assert(offsetof(struct rvx_cap_slot, badge) == 16 &&
		       offsetof(struct rvx_cap_slot, parent) == 24 &&
		       offsetof(struct rvx_cap_slot, prev_sibling) == 30,
	       "capability slot layout has no padding");
_Static_assert(RVX_RIGHTS_ALL <= UINT8_MAX, "rights fit the slot's byte");
_Static_assert(RVX_OBJ_TYPE_COUNT <= UINT8_MAX, "object types fit the slot's byte");
_Static_assert(RVX_CONFIG_CAP_MAX_DEPTH < UINT8_MAX, "depth fits the slot's byte");

/** Per-task table header: the free list of the task's slots and its use count. */
struct rvx_cap_table {
	uint16_t free_head; /**< Global index of the first free slot, or LINK_NIL when full. */
	uint16_t used;      /**< Number of occupied slots (live or dead). */
};

_Static_assert(sizeof(struct rvx_cap_table) == 4, "a table header is 4 bytes");

/**
 * Kernel memory one task's table costs: its slots plus its header.
 * @param slots_per_table slots in each task's table
 */
#define RVX_CAP_TABLE_BYTES(slots_per_table)                                   \
	((size_t)(slots_per_table) * sizeof(struct rvx_cap_slot) +             \
	 sizeof(struct rvx_cap_table))

/* The budget is 1 KiB per task for the TCB and a 16-slot table together;
 * a 16-slot table is 516 bytes, which leaves a TCB more than 256 bytes. */
_Static_assert(RVX_CAP_TABLE_BYTES(16) <= 1024 - 256,
	       "a 16-slot table leaves room for a TCB within 1 KiB");

/**
 * One entry of the object registry (16 bytes). An entry is in use when
 * `type` is not `RVX_OBJ_NONE`. The epoch only ever moves forward, also
 * across reuse of the entry by a new object, so a capability to an earlier
 * object in the same entry never becomes valid again.
 */
struct rvx_cap_object {
	uint32_t epoch;      /**< Current epoch; a capability is live while its snapshot equals it. */
	uint32_t gen;        /**< Generation of object handles; never 0; moves on destroy. */
	uint32_t ref;        /**< The embedder's reference to its object (free list link when free). */
	uint8_t type;        /**< `enum rvx_obj_type`; NONE when the entry is free. */
	uint8_t reserved[3]; /**< Zero. */
};

_Static_assert(sizeof(struct rvx_cap_object) == 16, "a registry entry is 16 bytes");

/**
 * A capability space: every task's table and the object registry. The
 * structure holds only the caller's base pointers and counters; the state
 * lives in the three arrays given to `rvx_cap_space_init()`.
 */
struct rvx_cap_space {
	struct rvx_cap_slot *slots;     /**< table_count * slots_per_table slots. */
	struct rvx_cap_table *tables;   /**< table_count table headers. */
	struct rvx_cap_object *objects; /**< object_count registry entries. */
	uint32_t table_count;           /**< Number of task tables. */
	uint32_t slots_per_table;       /**< Slots in each task's table. */
	uint32_t slot_total;            /**< table_count * slots_per_table. */
	uint32_t object_count;          /**< Number of registry entries. */
	uint32_t object_free_head;      /**< First free registry entry, or NIL when full. */
	uint32_t object_used;           /**< Registry entries in use. */
};

/** What a successful `rvx_cap_check()` tells the caller about the object. */
struct rvx_cap_target {
	uint64_t badge;  /**< The capability's badge (0 if unbadged). */
	uint32_t object; /**< Registry index of the object. */
	uint32_t ref;    /**< The embedder's reference stored with the object. */
};

/** A read-only description of one capability. */
struct rvx_cap_info {
	rvx_handle_t handle;     /**< The capability's handle in its task's table. */
	rvx_handle_t object;     /**< The object's handle; generation 0 when the capability is revoked. */
	uint64_t badge;          /**< Badge (0 if unbadged). */
	uint32_t object_ref;     /**< The object's `ref`; 0 when the capability is revoked. */
	rvx_rights_t rights;     /**< Rights held. */
	enum rvx_obj_type type;  /**< Type of the object. */
	uint32_t depth;          /**< Derivation depth; 0 for a root. */
	uint32_t parent_task;    /**< Task whose table holds the parent, or NIL for a root. */
	uint32_t parent_slot;    /**< Slot index of the parent in that table, or NIL for a root. */
	bool revoked;            /**< True if the object's epoch moved on (the capability is dead). */
};

/**
 * Declare static storage for a capability space at file scope: the space
 * `name` and its arrays `name##_slots`, `name##_tables`, `name##_objects`.
 * Initialise it with `RVX_CAP_SPACE_INIT(name)` before use.
 * @param name     identifier of the `struct rvx_cap_space`
 * @param tables   number of task tables (at least 1)
 * @param spt      slots per table (at least 1)
 * @param objects  registry entries (at least 1)
 */
#define RVX_CAP_SPACE_DEFINE(name, tables, spt, objects)                       \
	_Static_assert((tables) >= 1 && (spt) >= 1 && (objects) >= 1,           \
		       "a capability space needs tables, slots and objects"); \
	_Static_assert((unsigned long long)(tables) * (spt) <= RVX_CAP_SLOTS_MAX, \
		       "too many capability slots");                           \
	_Static_assert((unsigned long long)(objects) < RVX_CAP_NIL,             \
		       "too many registry entries");                           \
	static struct rvx_cap_slot name##_slots[(size_t)(tables) * (spt)];      \
	static struct rvx_cap_table name##_tables[(tables)];                    \
	static struct rvx_cap_object name##_objects[(objects)];                 \
	static struct rvx_cap_space name

/**
 * Initialise a space declared with `RVX_CAP_SPACE_DEFINE()`.
 * @param name identifier given to `RVX_CAP_SPACE_DEFINE()`
 * @return the result of `rvx_cap_space_init()`
 */
#define RVX_CAP_SPACE_INIT(name)                                               \
	rvx_cap_space_init(&(name), name##_slots, RVX_ARRAY_COUNT(name##_slots), \
			   name##_tables,                                      \
			   (uint32_t)RVX_ARRAY_COUNT(name##_tables),           \
			   (uint32_t)(RVX_ARRAY_COUNT(name##_slots) /          \
				      RVX_ARRAY_COUNT(name##_tables)),         \
			   name##_objects,                                     \
			   (uint32_t)RVX_ARRAY_COUNT(name##_objects))

/**
 * Initialise a capability space over caller storage: every table empty,
 * every registry entry free, every generation 1, every epoch 0.
 * @param[out] space       the space to initialise
 * @param[out] slots       slot storage, at least table_count * slots_per_table
 * @param slot_count       number of elements in @p slots
 * @param[out] tables      table_count table headers
 * @param table_count      number of task tables (at least 1)
 * @param slots_per_table  slots in each task's table (at least 1)
 * @param[out] objects     object_count registry entries
 * @param object_count     number of registry entries (1 .. UINT32_MAX - 1)
 * @retval 0 the space is ready
 * @retval -RVX_EINVAL a pointer is NULL, a count is 0, or
 *         table_count * slots_per_table exceeds RVX_CAP_SLOTS_MAX
 * @retval -RVX_ENOMEM @p slot_count is less than table_count * slots_per_table
 */
int rvx_cap_space_init(struct rvx_cap_space *space, struct rvx_cap_slot *slots,
		       size_t slot_count, struct rvx_cap_table *tables,
		       uint32_t table_count, uint32_t slots_per_table,
		       struct rvx_cap_object *objects, uint32_t object_count);

/**
 * Register a kernel object so capabilities can name it.
 * @param space      the space
 * @param type       the object's type (not `RVX_OBJ_NONE`)
 * @param ref        the embedder's reference to its object (any value)
 * @param[out] out   the object handle
 * @retval 0 the object is registered, @p out names it
 * @retval -RVX_EINVAL @p type is not a valid object type, or @p out is NULL
 * @retval -RVX_ELIMIT every registry entry is in use
 */
int rvx_cap_object_create(struct rvx_cap_space *space, enum rvx_obj_type type,
			  uint32_t ref, rvx_handle_t *out);

/**
 * Move an object's epoch on, so every existing capability to it is dead at
 * once (checks return `-RVX_EREVOKED`); capabilities minted afterwards are
 * live. O(1), except that once every 2^32 bumps of one entry, when the
 * epoch wraps, every capability naming the entry is deleted so that no old
 * snapshot can ever match again.
 * @param space  the space
 * @param obj    the object's handle
 * @retval 0 the epoch moved on
 * @retval -RVX_ENOENT @p obj names no registry entry in use
 * @retval -RVX_ESTALE @p obj names an object that was destroyed
 */
int rvx_cap_object_bump_epoch(struct rvx_cap_space *space, rvx_handle_t obj);

/**
 * Unregister an object: its epoch moves on (as `rvx_cap_object_bump_epoch()`)
 * and its registry entry is freed for reuse; the object handle becomes stale.
 * Dead capabilities to it stay in their slots until deleted.
 * @param space  the space
 * @param obj    the object's handle
 * @retval 0 the object is gone
 * @retval -RVX_ENOENT @p obj names no registry entry in use
 * @retval -RVX_ESTALE @p obj names an object that was already destroyed
 */
int rvx_cap_object_destroy(struct rvx_cap_space *space, rvx_handle_t obj);

/**
 * Create a root capability (depth 0) to a live object in a task's table.
 * For the kernel only: it needs no source capability.
 * @param space     the space
 * @param task      the task whose table receives the capability
 * @param obj       the object's handle
 * @param rights    rights to give (within `RVX_RIGHTS_ALL`)
 * @param badge     badge to give (0 for none)
 * @param[out] out  the new capability's handle in @p task's table
 * @retval 0 the capability exists
 * @retval -RVX_EINVAL @p task is out of range, @p rights has bits outside
 *         `RVX_RIGHTS_ALL`, or @p out is NULL
 * @retval -RVX_ENOENT @p obj names no registry entry in use
 * @retval -RVX_ESTALE @p obj names an object that was destroyed
 * @retval -RVX_ELIMIT @p task's table is full
 */
int rvx_cap_mint(struct rvx_cap_space *space, uint32_t task, rvx_handle_t obj,
		 rvx_rights_t rights, uint64_t badge, rvx_handle_t *out);

/**
 * Derive a narrowed capability from one of @p src_task's capabilities into
 * @p dst_task's table (which may be the same table). The child names the
 * same object, has depth parent + 1, and gets @p rights, less GRANT and
 * GRANT_ONCE when the source holds GRANT_ONCE without GRANT. An unbadged
 * source may give the child a badge; a badged source's child always carries
 * the source's badge. Errors are checked in the order listed.
 * @param space       the space
 * @param src_task    the task holding the source capability
 * @param src         the source capability's handle in @p src_task's table
 * @param dst_task    the task whose table receives the child
 * @param rights      rights for the child (a subset of the source's)
 * @param badge       0 to inherit the source's badge, else the badge to set
 * @param[out] out    the child's handle in @p dst_task's table
 * @retval 0 the child exists
 * @retval -RVX_EINVAL a task is out of range, or @p out is NULL
 * @retval -RVX_EBADCAP @p src is out of range or names an empty slot
 * @retval -RVX_ESTALE @p src names a slot that was freed since
 * @retval -RVX_EREVOKED the source's object epoch moved on
 * @retval -RVX_ECANTGRANT the source holds neither GRANT nor GRANT_ONCE
 * @retval -RVX_ERIGHTS @p rights is not a subset of the source's rights
 * @retval -RVX_EDEPTH the child would be deeper than RVX_CONFIG_CAP_MAX_DEPTH
 * @retval -RVX_EPERM the source is badged and @p badge is a different non-zero badge
 * @retval -RVX_ELIMIT @p dst_task's table is full
 */
int rvx_cap_derive(struct rvx_cap_space *space, uint32_t src_task,
		   rvx_handle_t src, uint32_t dst_task, rvx_rights_t rights,
		   uint64_t badge, rvx_handle_t *out);

/**
 * Internal: the checks of rvx_cap_check() after the task's bound, on the
 * space's arrays and table size given as values. For an embedder that
 * owns the arrays and knows the table size at compile time (and has
 * checked @p task against the table count itself): the same checks, in the
 * same order, with fewer loads.
 * @param slots     the space's slots (`space->slots`)
 * @param objects   the space's registry (`space->objects`)
 * @param slots_per_table `space->slots_per_table`
 * @param task      the task using the capability, below `space->table_count`
 * @param handle    the capability's handle in @p task's table
 * @param type      required object type, or `RVX_OBJ_NONE` for any type
 * @param rights    rights the use needs (all of them)
 * @param[out] out  if not NULL and the check passes: object index, ref, badge
 * @return as rvx_cap_check(), which never returns -RVX_EINVAL from here
 */
static inline int rvx_cap_check_at_(const struct rvx_cap_slot *slots,
				    const struct rvx_cap_object *objects,
				    uint32_t slots_per_table, uint32_t task,
				    rvx_handle_t handle, enum rvx_obj_type type,
				    rvx_rights_t rights, struct rvx_cap_target *out)
{
	uint32_t index = rvx_handle_index(handle);
	uint32_t gen = rvx_handle_gen(handle);
	const struct rvx_cap_slot *slot;
	const struct rvx_cap_object *obj;

	if (RVX_UNLIKELY(index >= slots_per_table))
		return -RVX_EBADCAP;
	slot = &slots[(size_t)task * slots_per_table + index];
	if (RVX_UNLIKELY(slot->gen != gen))
		return gen == 0 ? -RVX_EBADCAP : -RVX_ESTALE;
	if (type != RVX_OBJ_NONE) {
		/* The wanted type first, one test where it matches; a slot of
		 * any other type gets the error the order below gives it.
		 * Compared as unsigned so an out-of-range type cannot alias a
		 * real one. */
		if (RVX_UNLIKELY((unsigned)slot->type != (unsigned)type)) {
			if (slot->type == RVX_OBJ_NONE)
				return -RVX_EBADCAP;
			obj = &objects[slot->object];
			return obj->epoch != slot->epoch ? -RVX_EREVOKED : -RVX_ETYPE;
		}
	} else if (RVX_UNLIKELY(slot->type == RVX_OBJ_NONE)) {
		/* A forged handle can carry the generation a free slot will
		 * hand out next, so occupancy is checked separately. */
		return -RVX_EBADCAP;
	}
	/* In order: occupancy (above), epoch, type (above), rights. */
	obj = &objects[slot->object];
	if (RVX_UNLIKELY(obj->epoch != slot->epoch))
		return -RVX_EREVOKED;
	if (RVX_UNLIKELY((rights & ~(rvx_rights_t)slot->rights) != 0))
		return -RVX_ERIGHTS;
	if (out != NULL) {
		out->badge = slot->badge;
		out->object = slot->object;
		out->ref = obj->ref;
	}
	return 0;
}

/**
 * Check that a task may use a capability: the hot path, O(1) with no
 * side effects. Checks in order: bounds, generation, occupancy, epoch, type,
 * rights.
 * @param space     the space
 * @param task      the task using the capability
 * @param handle    the capability's handle in @p task's table
 * @param type      required object type, or `RVX_OBJ_NONE` for any type
 * @param rights    rights the use needs (all of them)
 * @param[out] out  if not NULL and the check passes: object index, ref, badge
 * @retval 0 the use is allowed
 * @retval -RVX_EINVAL @p task is out of range
 * @retval -RVX_EBADCAP @p handle is out of range, has generation 0, or
 *         names an empty slot
 * @retval -RVX_ESTALE @p handle names a slot that was freed since
 * @retval -RVX_EREVOKED the object's epoch moved on
 * @retval -RVX_ETYPE the object is not of type @p type
 * @retval -RVX_ERIGHTS the capability lacks one of @p rights
 */
static inline int rvx_cap_check(const struct rvx_cap_space *space,
				uint32_t task, rvx_handle_t handle,
				enum rvx_obj_type type, rvx_rights_t rights,
				struct rvx_cap_target *out)
{
	if (RVX_UNLIKELY(task >= space->table_count))
		return -RVX_EINVAL;
	return rvx_cap_check_at_(space->slots, space->objects, space->slots_per_table, task,
				 handle, type, rights, out);
}

/**
 * Read a live capability's full description.
 * @param space     the space
 * @param task      the task holding the capability
 * @param handle    the capability's handle in @p task's table
 * @param[out] out  the description
 * @retval 0 @p out describes the capability
 * @retval -RVX_EINVAL @p task is out of range, or @p out is NULL
 * @retval -RVX_EBADCAP @p handle is out of range, has generation 0, or
 *         names an empty slot
 * @retval -RVX_ESTALE @p handle names a slot that was freed since
 * @retval -RVX_EREVOKED the object's epoch moved on
 */
int rvx_cap_lookup(const struct rvx_cap_space *space, uint32_t task,
		   rvx_handle_t handle, struct rvx_cap_info *out);

/**
 * Revoke everything derived from a capability: every descendant, in any
 * task's table, is removed and its slot reclaimed (generation moved on,
 * contents zeroed); the capability itself stays. Iterative, bounded by the
 * size of the subtree.
 * @param space   the space
 * @param task    the task holding the capability
 * @param handle  the capability's handle in @p task's table
 * @return the number of capabilities removed (>= 0), or:
 * @retval -RVX_EINVAL @p task is out of range
 * @retval -RVX_EBADCAP @p handle is out of range, has generation 0, or
 *         names an empty slot
 * @retval -RVX_ESTALE @p handle names a slot that was freed since
 * @retval -RVX_EREVOKED the object's epoch moved on (delete the capability instead)
 * @retval -RVX_ERIGHTS the capability lacks `RVX_RIGHT_REVOKE`
 */
int rvx_cap_revoke(struct rvx_cap_space *space, uint32_t task,
		   rvx_handle_t handle);

/**
 * Delete a capability from its task's table together with its whole
 * derivation subtree, live or dead, and reclaim every slot. Needs no right:
 * a task may always drop what it holds. The capability is unlinked from its
 * parent, which may be in another task's table.
 * @param space   the space
 * @param task    the task holding the capability
 * @param handle  the capability's handle in @p task's table
 * @return the number of capabilities removed (>= 1), or:
 * @retval -RVX_EINVAL @p task is out of range
 * @retval -RVX_EBADCAP @p handle is out of range, has generation 0, or
 *         names an empty slot
 * @retval -RVX_ESTALE @p handle names a slot that was freed since
 */
int rvx_cap_delete(struct rvx_cap_space *space, uint32_t task,
		   rvx_handle_t handle);

/**
 * Empty a task's table (task exit): delete every capability in it, live or
 * dead, with its subtree in any table.
 * @param space  the space
 * @param task   the task
 * @return the number of capabilities removed (>= 0), or:
 * @retval -RVX_EINVAL @p task is out of range
 */
int rvx_cap_table_clear(struct rvx_cap_space *space, uint32_t task);

/**
 * Count the occupied slots (live or dead) of a task's table. O(1).
 * @param space  the space
 * @param task   the task
 * @return the count (>= 0), or:
 * @retval -RVX_EINVAL @p task is out of range
 */
int rvx_cap_table_used(const struct rvx_cap_space *space, uint32_t task);

/**
 * Describe whatever occupies one slot of a task's table, live or dead, for a
 * debug shell: loop @p slot_index from 0 to slots_per_table - 1.
 * @param space       the space
 * @param task        the task
 * @param slot_index  slot index within the task's table
 * @param[out] out    the description (`revoked` says whether it is dead)
 * @retval 0 the slot is occupied and @p out describes it
 * @retval -RVX_EINVAL @p task or @p slot_index is out of range, or @p out is NULL
 * @retval -RVX_ENOENT the slot is empty
 */
int rvx_cap_slot_info(const struct rvx_cap_space *space, uint32_t task,
		      uint32_t slot_index, struct rvx_cap_info *out);

/** Bytes of a slot's canonical encoding (rvx_cap_slot_encode()). */
#define RVX_CAP_SLOT_ENCODED_SIZE 32u

/**
 * The canonical encoding of one occupied slot, for digests of a task's
 * capabilities (what it holds, not where the derivation tree links it to
 * other tables): slot index u32, generation u32, object index u32, epoch
 * u32, type u8, rights u8, depth u8, 0 u8, parent slot u32 (NIL for a root),
 * badge u64; little-endian, 32 bytes.
 * @param space       the space
 * @param task        the task
 * @param slot_index  slot index within the task's table
 * @param[out] out    the encoding
 * @retval 0 the slot is occupied and @p out holds its encoding
 * @retval -RVX_EINVAL @p task or @p slot_index is out of range, or @p out is NULL
 * @retval -RVX_ENOENT the slot is empty (@p out is not written)
 */
int rvx_cap_slot_encode(const struct rvx_cap_space *space, uint32_t task, uint32_t slot_index,
			uint8_t out[RVX_CAP_SLOT_ENCODED_SIZE]);

/**
 * Check that state bytes form a consistent capability space, before they
 * are trusted (a checkpoint image, say): every slot and registry entry well
 * formed, every link in range, each derivation tree acyclic with its child
 * lists and parent links agreeing, depths one more than the parent's (at
 * most RVX_CONFIG_CAP_MAX_DEPTH), a derived capability naming its parent's
 * object, a live one naming an entry of its own type, each table's and the
 * registry's free list a simple path through exactly the free entries, and
 * the use counts right. Reads only; time linear in the slots and entries.
 * On a space in use, pass `space->slots`, `space->tables`, `space->objects`.
 * @param space   the geometry (table_count, slots_per_table, slot_total,
 *                object_count) and registry counters (object_free_head,
 *                object_used); its pointers are not read
 * @param slots   slot_total `struct rvx_cap_slot` (any alignment)
 * @param tables  table_count `struct rvx_cap_table` (any alignment)
 * @param objects object_count `struct rvx_cap_object` (any alignment)
 * @retval 0 consistent
 * @retval -RVX_EINVAL a NULL pointer, impossible geometry, or any field or
 *         link that breaks one of the invariants above
 */
int rvx_cap_space_validate(const struct rvx_cap_space *space, const void *slots,
			   const void *tables, const void *objects);

/**
 * Checkpoint section of a `struct rvx_cap_space` (ruvix/ckpt_section.h,
 * type RVX_CKPT_CAP): geometry, every slot, table and registry entry. The
 * destination must be initialised with the same geometry; its check
 * bounds every link before anything is loaded.
 */
extern const struct rvx_ckpt_section_ops rvx_cap_ckpt_ops;

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_CAP_H */
