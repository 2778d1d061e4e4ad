/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file timer.h
 * @brief Timers: absolute and relative deadlines in a binary min-heap over
 *        caller storage, with cancel and bounded expiry.
 *
 * A `struct rvx_timer` is a set of armed timers, each a deadline and a
 * 64-bit cookie the embedder chooses (for example a task id to wake, or a
 * queue and a sequence number). Like the scheduler, it never reads a clock:
 * the caller passes `now`, so it runs on the port's real clock or on its
 * deterministic virtual clock alike.
 *
 * Order of use:
 * 1. Size the storage with rvx_timer_storage_size() (or the constant
 *    RVX_TIMER_STORAGE_SIZE(); RVX_TIMER_DEFINE() declares it statically)
 *    and call rvx_timer_init().
 * 2. Arm timers with rvx_timer_arm_at() (absolute) or rvx_timer_arm_after()
 *    (relative to now); each returns a handle for rvx_timer_cancel().
 * 3. On every tick, or when rvx_timer_next_deadline() says so, call
 *    rvx_timer_expire(): it removes up to `max` timers whose deadline is at
 *    or before `now` and hands back their cookies, earliest first. If it
 *    returned `max`, more may be due: call it again (bounded work per call).
 * A timer that fired or was cancelled is gone: its handle is stale from
 * then on (-RVX_ESTALE), also after its slot is reused.
 *
 * Order: by deadline, then by arming order (a sequence number taken at
 * arming), so many timers with one deadline fire in the order they were
 * armed, and two runs with the same calls fire identically.
 *
 * Time base: deadlines are `uint64_t` nanoseconds on the embedder's clock,
 * compared as plain unsigned numbers (a 64-bit nanosecond clock does not
 * wrap in 584 years, so no modular comparison is needed or used).
 * rvx_timer_arm_after() saturates: a delay that would pass UINT64_MAX gives
 * the deadline UINT64_MAX, the latest possible, which still fires once
 * `now` reaches UINT64_MAX. No arithmetic on deadlines can overflow.
 *
 * Cost: arm, cancel and each expired timer are O(log n); next_deadline is
 * O(1). Every mutating call validates first and changes nothing on failure.
 * The library takes no locks: the embedder serialises calls on one timer
 * set (one set per CPU needs no lock).
 */
#ifndef RUVIX_TIMER_H
#define RUVIX_TIMER_H

#include "ruvix/config.h"
#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Index value meaning "none". */
#define RVX_TIMER_NIL UINT32_MAX

/** Most timers one set holds. */
#define RVX_TIMER_CAPACITY_MAX ((uint32_t)1u << 24)

/**
 * One timer slot (32 bytes). A slot is armed when `seq` is not 0 (sequence
 * numbers start at 1).
 */
struct rvx_timer_slot {
	uint64_t deadline; /**< Absolute deadline (ns). */
	uint64_t seq;      /**< Arming sequence number; 0 when the slot is free. */
	uint64_t cookie;   /**< The embedder's value, returned when the timer fires. */
	uint32_t gen;      /**< Generation of handles to this slot; never 0; moves on when the timer goes. */
	uint32_t link;     /**< Armed: position in the heap; free: next free slot or NIL. */
};

_Static_assert(sizeof(struct rvx_timer_slot) == 32, "a timer slot is 32 bytes");

/**
 * A timer set. The structure holds the caller's storage binding and the
 * counters; the slots and the heap live in the storage.
 */
struct rvx_timer {
	struct rvx_timer_slot *slots; /**< capacity slots. */
	uint32_t *heap;               /**< capacity slot indices; the first `count` form the heap. */
	uint64_t next_seq;            /**< Sequence number of the next arming. */
	uint32_t capacity;            /**< Number of slots. */
	uint32_t count;               /**< Armed timers. */
	uint32_t free_head;           /**< First free slot, or NIL. */
	uint32_t reserved;            /**< Zero. */
};

/**
 * Storage bytes for a timer set of @p cap timers, as a constant expression.
 * @param cap number of timers
 */
#define RVX_TIMER_STORAGE_SIZE(cap)                                            \
	((size_t)(cap) * (sizeof(struct rvx_timer_slot) + sizeof(uint32_t)))

/** Alignment the storage must have (bytes). */
#define RVX_TIMER_STORAGE_ALIGN 8u

/**
 * Declare static storage and a timer set for it. Then call
 * `rvx_timer_init(&name, name##_storage, sizeof(name##_storage), cap)`.
 * @param name name of the `struct rvx_timer` variable
 * @param cap number of timers
 */
#define RVX_TIMER_DEFINE(name, cap)                                            \
	_Static_assert((cap) >= 1 && (cap) <= RVX_TIMER_CAPACITY_MAX,          \
		       "timer capacity out of range");                         \
	static alignas(RVX_CONFIG_CACHE_LINE) uint64_t name##_storage          \
		[(RVX_TIMER_STORAGE_SIZE(cap) + 7u) / 8u];                     \
	static struct rvx_timer name

/**
 * Storage bytes a timer set of @p capacity timers needs.
 * @param capacity number of timers, 1..RVX_TIMER_CAPACITY_MAX
 * @return the size in bytes, or 0 if @p capacity is out of range
 */
size_t rvx_timer_storage_size(uint32_t capacity);

/**
 * Initialise an empty timer set on caller storage.
 * @param[out] t the timer set
 * @param storage at least rvx_timer_storage_size() bytes, aligned to RVX_TIMER_STORAGE_ALIGN
 * @param storage_size bytes at @p storage
 * @param capacity number of timers
 * @retval 0 success
 * @retval -RVX_EINVAL a pointer is NULL or misaligned, or @p capacity is out of range
 * @retval -RVX_ENOMEM @p storage_size is too small
 */
int rvx_timer_init(struct rvx_timer *t, void *storage, size_t storage_size, uint32_t capacity);

/**
 * Arm a timer for an absolute deadline. A deadline at or before the next
 * `now` given to rvx_timer_expire() fires in that call.
 * @param t the timer set
 * @param deadline absolute deadline (ns)
 * @param cookie value handed back when it fires
 * @param[out] out handle for rvx_timer_cancel()
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL
 * @retval -RVX_ELIMIT every slot is armed
 */
int rvx_timer_arm_at(struct rvx_timer *t, uint64_t deadline, uint64_t cookie,
		     rvx_handle_t *out);

/**
 * Arm a timer for now + delay (saturating at UINT64_MAX).
 * @param t the timer set
 * @param now current time (ns)
 * @param delay delay (ns)
 * @param cookie value handed back when it fires
 * @param[out] out handle for rvx_timer_cancel()
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL
 * @retval -RVX_ELIMIT every slot is armed
 */
int rvx_timer_arm_after(struct rvx_timer *t, uint64_t now, uint64_t delay, uint64_t cookie,
			rvx_handle_t *out);

/**
 * Cancel an armed timer.
 * @param t the timer set
 * @param h its handle
 * @param[out] out_cookie its cookie; may be NULL
 * @retval 0 success
 * @retval -RVX_EINVAL the handle's index is out of range
 * @retval -RVX_ESTALE the timer already fired or was cancelled (or the handle was never issued)
 */
int rvx_timer_cancel(struct rvx_timer *t, rvx_handle_t h, uint64_t *out_cookie);

/**
 * Fire due timers: remove up to @p max timers whose deadline is <= @p now,
 * earliest first (ties in arming order), and write their cookies.
 * @param t the timer set
 * @param now current time (ns)
 * @param[out] cookies room for @p max cookies (may be NULL when @p max is 0)
 * @param max most timers to fire in this call, 0..INT32_MAX
 * @return number fired (>= 0); if it equals @p max, more may be due
 * @retval -RVX_EINVAL @p cookies is NULL with @p max > 0, or @p max > INT32_MAX
 */
int rvx_timer_expire(struct rvx_timer *t, uint64_t now, uint64_t *cookies, uint32_t max);

/**
 * Deadline of the earliest armed timer.
 * @param t the timer set
 * @param[out] out the deadline
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL
 * @retval -RVX_EEMPTY no timer is armed
 */
int rvx_timer_next_deadline(const struct rvx_timer *t, uint64_t *out);

/**
 * Number of armed timers.
 * @param t the timer set
 * @return the count (>= 0)
 */
uint32_t rvx_timer_count(const struct rvx_timer *t);

/**
 * Check that state bytes form a consistent timer set, before they are
 * trusted (a checkpoint image, say): every armed slot numbered below
 * next_seq and at the heap position its link names, the heap exactly the
 * armed slots in (deadline, seq) order, the free list a simple path through
 * exactly the free slots, generations non-zero. Reads only; linear time. On
 * a timer set in use pass `t->slots` (the start of its storage).
 * @param t            the plain fields (capacity, count, next_seq,
 *                     free_head); its pointers are not read
 * @param storage      the storage bytes, laid out as rvx_timer_init() lays
 *                     them out (any alignment)
 * @param storage_size bytes at @p storage
 * @retval 0 consistent
 * @retval -RVX_EINVAL a NULL pointer, a capacity out of range, or any field,
 *         index or heap entry that breaks one of the invariants above
 * @retval -RVX_ENOMEM @p storage_size is smaller than the capacity needs
 */
int rvx_timer_validate(const struct rvx_timer *t, const void *storage, size_t storage_size);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_TIMER_H */
