/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file queue.h
 * @brief Message queues: typed, prioritised rings between two tasks.
 *
 * A queue joins exactly one producer and one consumer, which may run on
 * different CPUs without any lock. Messages flow from producer to consumer
 * on the submission side; completions (`struct rvx_queue_cqe`) flow back on
 * the completion side, as in io_uring. Each message has a 32-byte header
 * (`struct rvx_queue_msg_hdr`: schema type id, priority, coherence score,
 * witness hash) and a payload that is either inline bytes or one zero-copy
 * descriptor (`struct rvx_queue_desc`) naming bytes in a shared region.
 *
 * Order of use:
 *  1. Size the storage with rvx_queue_storage_size() (or the constant
 *     RVX_QUEUE_STORAGE_SIZE()), then rvx_queue_init() the queue on it; or
 *     declare both statically with RVX_QUEUE_DEFINE().
 *  2. Hand the queue to the two sides. Producer side: rvx_queue_send() and
 *     rvx_queue_reap(). Consumer side: rvx_queue_recv(), rvx_queue_peek() and
 *     rvx_queue_complete(). The introspection calls (rvx_queue_count() and
 *     friends) may be called from anywhere; what they return while the
 *     sides run is a snapshot.
 *  There is no teardown: the queue owns nothing but the caller's storage.
 *
 * The data path (send, recv, complete, reap) is defined inline at the end of
 * this header; the rest is in the library.
 *
 * Concurrency contract: at any moment at most one CPU runs producer-side
 * calls and at most one CPU runs consumer-side calls; the two may run at
 * the same time. A side that moves to another CPU (task migration) needs a
 * happens-before edge between its last call on the old CPU and its first on
 * the new one, which any scheduler's context switch provides. The queue's
 * initialisation must likewise happen before either side's first call.
 * Publication uses acquire/release only (`ruvix/atomic.h`), no
 * read-modify-write instruction: each successful call ends with one release
 * store that the other side polls (a slot's tag, or a reader's index).
 *
 * Crossing CPUs is what costs, so the fast path moves as few cache lines as
 * it can: every slot starts on its own cache line (or packs whole slots into
 * one) and carries a tag word saying whether it holds the entry of the
 * current lap. A reader polls the tag of the one slot it must read anyway,
 * never a line the writer keeps writing; a writer keeps a private copy of
 * the reader's index and reads the real one only when that copy says full.
 * So a message crossing CPUs moves its one slot line, the same cost as a
 * bare flag.
 *
 * Priorities are honoured: there is one ring per priority level
 * (RVX_CONFIG_QUEUE_PRIORITIES levels, 0 lowest) and a receive takes the
 * oldest message of the highest level that is non-empty at the moment of
 * the call. Each level has its own capacity, so a flood of low-priority
 * traffic never blocks a high-priority send.
 *
 * Every call either succeeds or returns an error having changed no byte of
 * the queue or its storage (check, then commit). Full and empty are errors
 * here; blocking with a timeout is the scheduler's business, above this
 * library.
 */
#ifndef RUVIX_QUEUE_H
#define RUVIX_QUEUE_H

#include "ruvix/atomic.h"
#include "ruvix/config.h"
#include "ruvix/ckpt_section.h"
#include "ruvix/env.h"
#include "ruvix/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Number of priority levels of every queue (0 is the lowest). */
#define RVX_QUEUE_PRIORITIES RVX_CONFIG_QUEUE_PRIORITIES

/** Message flag: the payload is one `struct rvx_queue_desc`, not inline bytes. */
#define RVX_QUEUE_MSG_DESC ((uint8_t)0x01u)
/** Every message flag this version defines; any other bit is rejected. */
#define RVX_QUEUE_MSG_FLAGS_ALL ((uint8_t)0x01u)

/** The coherence score 1.0 in the header's Q16.16 fixed-point format. */
#define RVX_QUEUE_COHERENCE_ONE ((uint32_t)0x10000u)

/** Bytes of truncated witness hash carried in each message header. */
#define RVX_QUEUE_WITNESS_BYTES 16

/**
 * Header of every message (ABI: 32 bytes, fixed layout, little or big endian
 * as the machine is, since both ends share memory).
 *
 * The queue reads `priority`, `flags`, `reserved` and `length`; it carries
 * `type_id`, `coherence` and `witness` unchanged from sender to receiver.
 */
struct rvx_queue_msg_hdr {
	/** Schema of the payload, chosen by the embedder; opaque to the queue. */
	uint32_t type_id;
	/** Payload bytes: inline length, or `sizeof(struct rvx_queue_desc)` with RVX_QUEUE_MSG_DESC. */
	uint32_t length;
	/** Priority level, below RVX_QUEUE_PRIORITIES; higher is served first. */
	uint8_t priority;
	/** Zero or more RVX_QUEUE_MSG_* flags. */
	uint8_t flags;
	/** Must be 0: room for a later version of the header. */
	uint16_t reserved;
	/**
	 * Coherence score in unsigned Q16.16 fixed point: the real score is
	 * `coherence / 65536.0`, so RVX_QUEUE_COHERENCE_ONE is 1.0. Carried,
	 * not interpreted, by the queue.
	 */
	uint32_t coherence;
	/** Truncated witness hash tying the message to the witness log; opaque. */
	uint8_t witness[RVX_QUEUE_WITNESS_BYTES];
};

_Static_assert(sizeof(struct rvx_queue_msg_hdr) == 32, "message header is 32 bytes");
_Static_assert(offsetof(struct rvx_queue_msg_hdr, type_id) == 0, "ABI");
_Static_assert(offsetof(struct rvx_queue_msg_hdr, length) == 4, "ABI");
_Static_assert(offsetof(struct rvx_queue_msg_hdr, priority) == 8, "ABI");
_Static_assert(offsetof(struct rvx_queue_msg_hdr, flags) == 9, "ABI");
_Static_assert(offsetof(struct rvx_queue_msg_hdr, reserved) == 10, "ABI");
_Static_assert(offsetof(struct rvx_queue_msg_hdr, coherence) == 12, "ABI");
_Static_assert(offsetof(struct rvx_queue_msg_hdr, witness) == 16, "ABI");

/**
 * Zero-copy payload: a byte range in a region shared by both sides (ABI:
 * 16 bytes).
 *
 * The queue only checks that a RVX_QUEUE_MSG_DESC message carries exactly
 * one of these; it does not know regions. The receiver (in a kernel, the
 * syscall glue) must validate the descriptor against the region it names,
 * for example with lib/region's `rvx_region_desc_check()`, before touching
 * the bytes: a descriptor straight off a queue is untrusted input.
 */
struct rvx_queue_desc {
	/** The embedder's identity of the region, e.g. an `rvx_handle_t`'s raw value. */
	uint64_t region;
	/** Offset of the first byte within the region. */
	uint32_t offset;
	/** Number of bytes. */
	uint32_t length;
};

_Static_assert(sizeof(struct rvx_queue_desc) == 16, "descriptor is 16 bytes");
_Static_assert(offsetof(struct rvx_queue_desc, region) == 0, "ABI");
_Static_assert(offsetof(struct rvx_queue_desc, offset) == 8, "ABI");
_Static_assert(offsetof(struct rvx_queue_desc, length) == 12, "ABI");

/**
 * Completion entry, sent back from consumer to producer (ABI: 16 bytes).
 * All three fields are the embedder's; the queue carries them unchanged.
 * The message header has no room for a request id, so a producer that
 * needs to match completions to messages puts its own id in the payload and
 * the consumer echoes it in `user_data`.
 */
struct rvx_queue_cqe {
	/** Value identifying the completed request, echoed by the consumer. */
	uint64_t user_data;
	/** Outcome: 0 or a non-negative result, or a negated RVX_E* code. */
	int32_t result;
	/** Embedder-defined flags. */
	uint32_t flags;
};

_Static_assert(sizeof(struct rvx_queue_cqe) == 16, "completion entry is 16 bytes");
_Static_assert(offsetof(struct rvx_queue_cqe, user_data) == 0, "ABI");
_Static_assert(offsetof(struct rvx_queue_cqe, result) == 8, "ABI");
_Static_assert(offsetof(struct rvx_queue_cqe, flags) == 12, "ABI");

/** Largest inline payload a queue may be created with (bytes). */
#define RVX_QUEUE_PAYLOAD_MAX ((uint32_t)65536u)
/** Largest number of slots per ring. */
#define RVX_QUEUE_SLOTS_MAX ((uint32_t)1u << 20)
/**
 * Alignment rvx_queue_init() requires of the storage (bytes): a cache line,
 * so that no slot straddles two lines.
 */
#define RVX_QUEUE_STORAGE_ALIGN RVX_CONFIG_CACHE_LINE

/**
 * Bytes in front of every slot's entry: the slot's 32-bit tag, then padding
 * that keeps the entry (and a descriptor in its payload) 16-byte aligned.
 */
#define RVX_QUEUE_SLOT_TAG_BYTES 16

/**
 * Internal: bytes a message slot needs before padding: tag, header and the
 * inline payload rounded up to 16.
 * @param max_payload largest inline payload in bytes
 */
#define RVX_QUEUE_SLOT_RAW_(max_payload)                                       \
	((size_t)RVX_QUEUE_SLOT_TAG_BYTES +                                    \
	 (size_t)sizeof(struct rvx_queue_msg_hdr) +                            \
	 (((size_t)(max_payload) + 15u) & ~(size_t)15u))

/**
 * Bytes one message slot occupies: its tag, the header and the inline
 * payload, padded to 64 bytes if that is enough, else to whole cache lines.
 * With line-aligned storage a slot thus never straddles two lines (lines
 * of 64 bytes or more), and a small message touches a single line.
 * @param max_payload largest inline payload in bytes
 */
#define RVX_QUEUE_SLOT_SIZE(max_payload)                                       \
	(RVX_QUEUE_SLOT_RAW_(max_payload) <= 64u                               \
		 ? (size_t)64u                                                 \
		 : ((RVX_QUEUE_SLOT_RAW_(max_payload) +                        \
		     (size_t)RVX_CONFIG_CACHE_LINE - 1u) &                     \
		    ~((size_t)RVX_CONFIG_CACHE_LINE - 1u)))

/**
 * Bytes one completion slot occupies: its tag and a `struct rvx_queue_cqe`
 * (two slots to a 64-byte line; the reader never writes a slot, so
 * neighbours sharing a line cost nothing extra).
 */
#define RVX_QUEUE_CQ_SLOT_SIZE                                                 \
	((size_t)RVX_QUEUE_SLOT_TAG_BYTES + sizeof(struct rvx_queue_cqe))

/**
 * Storage bytes for a queue, as a constant expression (no validity check;
 * rvx_queue_storage_size() checks): one message ring per priority, then the
 * completion ring.
 * @param slot_count slots per ring (a power of two)
 * @param max_payload largest inline payload in bytes
 */
#define RVX_QUEUE_STORAGE_SIZE(slot_count, max_payload)                        \
	((size_t)(slot_count) *                                                \
	 (RVX_QUEUE_CQ_SLOT_SIZE +                                             \
	  (size_t)RVX_QUEUE_PRIORITIES * RVX_QUEUE_SLOT_SIZE(max_payload)))

/**
 * One end of a ring: the index this end advances and, for the writer, its
 * private copy of the reader's index. Each
 * end fills whole cache lines of its own, so the two CPUs never write the
 * same line. The reader learns of new entries from the slots' tags, not from
 * the writer's `pos`, so the writer's line stays in the writer's cache; the
 * writer's cached copy of the reader's `pos` lets it read the reader's line
 * only about once per lap.
 */
struct rvx_queue_end {
	/** Free-running index this end advances (masked by slot_count - 1 on use). */
	alignas(RVX_CONFIG_CACHE_LINE) uint32_t pos;
	/**
	 * Writer's end: its last observed value of the reader's `pos`.
	 * Reader's end: unused, it keeps its initial value.
	 */
	uint32_t peer;
	/** Explicit padding up to a cache line; always zero. */
	uint8_t pad[RVX_CONFIG_CACHE_LINE - 2 * sizeof(uint32_t)];
};

/**
 * One single-producer single-consumer ring: `tx` is the end that writes
 * entries (its `pos` is the tail), `rx` the end that takes them (its `pos`
 * is the head). Entries in flight are `tx.pos - rx.pos`.
 */
struct rvx_queue_ring {
	struct rvx_queue_end tx; /**< Writer's end (tail). */
	struct rvx_queue_end rx; /**< Reader's end (head). */
};

/**
 * A queue. Caller-allocated with its natural alignment (RVX_CONFIG_CACHE_LINE,
 * which static, automatic and `alignas` storage honour); fill it with
 * rvx_queue_init() or RVX_QUEUE_DEFINE(), then touch it only through these
 * functions. All of its state is indices and sizes apart from `storage`, the
 * binding to the caller's memory, and `levels`, a hint derived from the
 * rings; so a checkpoint is its bytes (minus `storage` and `levels`) plus
 * the storage's bytes, and a queue loaded from a checkpoint gets its hint
 * back from rvx_queue_restored(). Size: 64 + 128 x (levels + 1) bytes with
 * 64-byte lines (704 with the default 4 levels).
 */
struct rvx_queue {
	/** The caller's storage: the message rings by priority, then the completion ring. */
	uint8_t *storage;
	/** Slots per ring (a power of two, 2..RVX_QUEUE_SLOTS_MAX). */
	uint32_t slot_count;
	/** Bytes per message slot, RVX_QUEUE_SLOT_SIZE(max_payload). */
	uint32_t slot_size;
	/** Largest inline payload in bytes. */
	uint32_t max_payload;
	/**
	 * Levels a receive looks at: bit p is set by the producer before it
	 * publishes its first message at level p and stays set, so a level
	 * that holds a message always has its bit (a superset of the non-empty
	 * levels). Written once per level, so the line stays shared by both
	 * sides like the geometry next to it. Not state: a checkpoint leaves it
	 * out and rvx_queue_restored() derives it from the rings again.
	 */
	uint32_t levels;
	/** Bytes per message ring, slot_count x slot_size. */
	size_t ring_size;
	/** Message rings, indexed by priority. */
	struct rvx_queue_ring sq[RVX_QUEUE_PRIORITIES];
	/** Completion ring: tx is the consumer's, rx the producer's. */
	struct rvx_queue_ring cq;
};

/**
 * Static initialiser for a queue on @p storage_; internal to RVX_QUEUE_DEFINE().
 * @param storage_ the storage array
 * @param slot_count_ slots per ring
 * @param max_payload_ largest inline payload
 */
#define RVX_QUEUE_INITIALIZER_(storage_, slot_count_, max_payload_)            \
	{                                                                      \
		.storage = (storage_), .slot_count = (uint32_t)(slot_count_),  \
		.slot_size = (uint32_t)RVX_QUEUE_SLOT_SIZE(max_payload_),      \
		.max_payload = (uint32_t)(max_payload_),                       \
		.ring_size = (size_t)(slot_count_) *                           \
			     RVX_QUEUE_SLOT_SIZE(max_payload_),                \
	}

/**
 * Define a ready-to-use static queue `name` and its storage `name##_storage`,
 * checked at compile time; no rvx_queue_init() call is needed.
 * @param name identifier of the `static struct rvx_queue`
 * @param slot_count slots per ring: a power of two, 2..RVX_QUEUE_SLOTS_MAX
 * @param max_payload largest inline payload, at most RVX_QUEUE_PAYLOAD_MAX
 */
#define RVX_QUEUE_DEFINE(name, slot_count, max_payload)                        \
	_Static_assert((slot_count) >= 2 &&                                    \
			       (slot_count) <= RVX_QUEUE_SLOTS_MAX &&          \
			       (((slot_count) & ((slot_count) - 1)) == 0),     \
		       "queue slot count must be a power of two, 2.."          \
		       "RVX_QUEUE_SLOTS_MAX");                                 \
	_Static_assert((max_payload) <= RVX_QUEUE_PAYLOAD_MAX,                 \
		       "queue payload too large");                             \
	static alignas(RVX_CONFIG_CACHE_LINE) uint8_t                          \
		name##_storage[RVX_QUEUE_STORAGE_SIZE(slot_count, max_payload)]; \
	static struct rvx_queue name =                                         \
		RVX_QUEUE_INITIALIZER_(name##_storage, slot_count, max_payload)

/**
 * Bytes of storage a queue with these parameters needs.
 * @param slot_count slots per ring (each priority level and the completion
 *        ring): a power of two, 2..RVX_QUEUE_SLOTS_MAX
 * @param max_payload largest inline payload in bytes, at most
 *        RVX_QUEUE_PAYLOAD_MAX
 * @return the size, equal to RVX_QUEUE_STORAGE_SIZE(); 0 if the parameters
 *         are invalid or the size does not fit in a size_t
 */
size_t rvx_queue_storage_size(uint32_t slot_count, uint32_t max_payload);

/**
 * Initialise an empty queue on caller-provided storage (the storage is
 * zeroed; a failed call writes neither @p q nor the storage).
 * @param[out] q the queue
 * @param storage at least rvx_queue_storage_size() bytes, aligned to
 *        RVX_QUEUE_STORAGE_ALIGN, owned by the queue from now on
 * @param storage_size bytes at @p storage
 * @param slot_count slots per ring: a power of two, 2..RVX_QUEUE_SLOTS_MAX
 * @param max_payload largest inline payload, at most RVX_QUEUE_PAYLOAD_MAX
 * @retval 0 the queue is ready
 * @retval -RVX_EINVAL @p slot_count or @p max_payload is out of range, or
 *         @p storage is NULL or misaligned
 * @retval -RVX_ENOMEM @p storage_size is smaller than needed
 */
int rvx_queue_init(struct rvx_queue *q, void *storage, size_t storage_size,
		   uint32_t slot_count, uint32_t max_payload);

/**
 * Look at the header of the message rvx_queue_recv() would return next,
 * without taking it (consumer side; writes nothing in the queue).
 * @param q the queue
 * @param[out] hdr the message's header
 * @return the payload length (>= 0)
 * @retval -RVX_EEMPTY no message is queued
 */
int rvx_queue_peek(const struct rvx_queue *q, struct rvx_queue_msg_hdr *hdr);

/**
 * Messages queued at one priority (a snapshot when the other side runs).
 * @param q the queue
 * @param priority level, below RVX_QUEUE_PRIORITIES
 * @return the count, 0..rvx_queue_capacity()
 * @retval -RVX_EINVAL @p priority is not below RVX_QUEUE_PRIORITIES
 */
int rvx_queue_count(const struct rvx_queue *q, uint32_t priority);

/**
 * Messages queued at all priorities (a snapshot when the other side runs).
 * @param q the queue
 * @return the sum of rvx_queue_count() over every level
 */
uint32_t rvx_queue_count_total(const struct rvx_queue *q);

/**
 * Completions queued and not yet reaped (a snapshot when the other side runs).
 * @param q the queue
 * @return the count, 0..rvx_queue_capacity()
 */
uint32_t rvx_queue_completion_count(const struct rvx_queue *q);

/**
 * Slots of each ring: how many messages one priority level (or the
 * completion ring) holds when full.
 * @param q the queue
 * @return the slot count given at initialisation
 */
uint32_t rvx_queue_capacity(const struct rvx_queue *q);

/**
 * Largest inline payload the queue accepts.
 * @param q the queue
 * @return bytes
 */
uint32_t rvx_queue_max_payload(const struct rvx_queue *q);

/**
 * Derive a queue's hint of the levels in use (`levels`) from its rings,
 * after its fields and storage were loaded from an image (a checkpoint)
 * rather than built by the calls: whatever hint the image carried is
 * discarded, and every level holding a message gets its bit. Call it
 * before either side uses the queue again; rvx_queue_ckpt_ops does it
 * itself. Cannot fail.
 * @param q the queue, with its storage in place
 */
void rvx_queue_restored(struct rvx_queue *q);

/**
 * Check that a queue's fields and storage bytes form a consistent queue,
 * before they are trusted (a checkpoint image, say): geometry as
 * rvx_queue_init() sets it, every ring's head, tail and cached head within
 * one lap, padding zero, each slot's tag announcing exactly the entries in
 * flight, and each message's header valid for its level (length at most
 * max_payload, known flags, a descriptor of the right size, reserved zero).
 * Reads only; time linear in the slots. Not for a queue in concurrent use.
 * The hint `levels` is not read: a loaded queue gets it from
 * rvx_queue_restored().
 * @param q            the fields (sizes and ring positions); `storage` and
 *                     `levels` are not read
 * @param storage      the storage bytes (any alignment)
 * @param storage_size bytes at @p storage
 * @retval 0 consistent
 * @retval -RVX_EINVAL a NULL pointer, impossible geometry, or any position,
 *         tag or header that breaks one of the invariants above
 * @retval -RVX_ENOMEM @p storage_size is smaller than the geometry needs
 */
int rvx_queue_validate(const struct rvx_queue *q, const void *storage, size_t storage_size);

/*
 * The four calls of the data path (send, recv, complete, reap) are defined
 * here and always inlined: a call and its register saves would cost about
 * as much as the ring operation itself, and inlining is also what lets the
 * compiler see the caller's buffer sizes (see rvx_queue_send()). Apart from
 * builtins they call only rvx_queue_copy_long_() in the library, for
 * payloads above 16 bytes.
 */

/**
 * Internal: how the data-path calls are declared. Always inlined, also in
 * unoptimised builds, so that their cost and their view of the caller's
 * buffer sizes do not depend on the compiler's inlining heuristics.
 */
#define RVX_QUEUE_INLINE_ static inline __attribute__((always_inline))

/**
 * Internal: the tag a slot holds once the entry of free-running index
 * @p index is in it: the index plus one. The entries a slot holds in turn
 * differ by slot_count, so their tags differ, and zeroed storage (tag 0)
 * matches no index of a queue whose indices start at 0, so a slot never
 * written reads as empty.
 * @param index free-running ring index
 * @return the tag
 */
static inline uint32_t rvx_queue_tag_(uint32_t index)
{
	return index + 1u;
}

/**
 * Internal: first byte of the message ring of level @p prio.
 * @param q the queue
 * @param prio priority level
 * @return the ring's first slot
 */
static inline uint8_t *rvx_queue_ring_base_(const struct rvx_queue *q, uint32_t prio)
{
	return q->storage + (size_t)prio * q->ring_size;
}

/**
 * Internal: first byte of the completion ring.
 * @param q the queue
 * @return the ring's first slot
 */
static inline uint8_t *rvx_queue_cq_base_(const struct rvx_queue *q)
{
	return rvx_queue_ring_base_(q, RVX_QUEUE_PRIORITIES);
}

/**
 * Internal: copy @p n > 16 payload bytes. Out of line on purpose: such a
 * copy is a memcpy call anyway, and keeping it opaque stops the compiler
 * from warning about the caller's small or NULL buffers on a path that
 * their length rules out.
 * @param[out] dst destination, at least @p n bytes
 * @param src source, at least @p n bytes
 * @param n bytes to copy
 */
void rvx_queue_copy_long_(uint8_t *dst, const uint8_t *src, uint32_t n);

/**
 * Internal: copy a payload of run-time length @p n. Messages are mostly
 * small, and a variable-length memcpy would be a call; two overlapping
 * fixed-size moves cover every length of a range without a loop.
 * @param[out] dst destination, at least @p n bytes
 * @param src source, at least @p n bytes
 * @param n bytes to copy
 */
/* Inlined into a caller whose buffer is smaller than 8 bytes, GCC's bounds
 * check (with sanitizers, say) flags the 8-byte branch it cannot see is
 * never taken there (n is at most the buffer's size, checked before). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
static inline void rvx_queue_copy_(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	if (RVX_LIKELY(n <= 16u)) {
		if (n >= 8u) {
			__builtin_memcpy(dst, src, 8);
			__builtin_memcpy(dst + n - 8u, src + n - 8u, 8);
		} else if (n >= 4u) {
			__builtin_memcpy(dst, src, 4);
			__builtin_memcpy(dst + n - 4u, src + n - 4u, 4);
		} else if (n != 0u) {
			dst[0] = src[0];
			dst[n / 2u] = src[n / 2u];
			dst[n - 1u] = src[n - 1u];
		}
	} else {
		rvx_queue_copy_long_(dst, src, n);
	}
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/**
 * Internal: the tag word at the start of a slot.
 * @param slot the slot's first byte (cache-line or 16-byte aligned)
 * @return the tag's address
 */
static inline uint32_t *rvx_queue_tag_word_(uint8_t *slot)
{
	return (uint32_t *)(void *)slot;
}

/**
 * Internal: does the slot at reader index @p head hold its entry? One
 * acquire load of the slot's tag: if it matches, the entry's bytes, written
 * before the tag, are visible. Writes nothing.
 * @param slot the slot of @p head
 * @param head the reader's index
 * @return true if the entry is there
 */
static inline bool rvx_queue_full_slot_(uint8_t *slot, uint32_t head)
{
	return rvx_load_acquire_u32(rvx_queue_tag_word_(slot)) == rvx_queue_tag_(head);
}

/**
 * Internal: where rvx_queue_level_() found a message.
 */
struct rvx_queue_found_ {
	struct rvx_queue_end *rx; /**< The level's reader end. */
	uint8_t *slot;            /**< The head slot. */
	uint32_t head;            /**< The head index, `rx->pos`. */
};

/**
 * Internal: is a message ready at the head of level @p prio? The queue's
 * geometry comes in as values: the compiler must reload anything it reads
 * from memory after each acquire load, so the scan reads it once.
 * @param q the queue
 * @param prio priority level
 * @param base first byte of the level's ring
 * @param n slots per ring
 * @param stride bytes per slot
 * @param[out] f where the message is, if one is ready
 * @return true if a message is ready
 */
static inline bool rvx_queue_ready_(const struct rvx_queue *q, uint32_t prio,
				    uint8_t *base, uint32_t n, size_t stride,
				    struct rvx_queue_found_ *f)
{
	struct rvx_queue_end *rx = (struct rvx_queue_end *)&q->sq[prio].rx;
	uint32_t h = rx->pos;
	uint8_t *s = base + (size_t)(h & (n - 1u)) * stride;

	if (!rvx_queue_full_slot_(s, h))
		return false;
	f->rx = rx;
	f->slot = s;
	f->head = h;
	return true;
}

/**
 * Internal: inside rvx_queue_level_(), check level @p lvl if the queue has
 * it (the constant test makes a missing level vanish) and it was ever used.
 * @param lvl a level, 0..7
 */
#define RVX_QUEUE_TRY_(lvl)                                                    \
	(RVX_QUEUE_PRIORITIES > (lvl) && (used & (1u << ((lvl) & 7))) != 0 &&  \
	 rvx_queue_ready_(q, (lvl) % RVX_QUEUE_PRIORITIES,                     \
			  base + (size_t)((lvl) % RVX_QUEUE_PRIORITIES) * ring, n,   \
			  stride, f))

/**
 * Internal: the level rvx_queue_recv() takes from, the highest with a
 * message. The head slot of every level ever used (`levels`) is checked
 * from the top down, each with an acquire load, so a message sent before a
 * lower-priority one is never passed over by a receive that starts after
 * both sends (the sender set the level's bit before publishing, and the
 * bit is read before any tag). The head slot of an idle level is a line
 * the producer is not writing, so checking it stays in the local cache.
 * The common queue, only ever used at level 0, checks that level alone.
 * The levels are unrolled by hand: tests on levels that do not exist are
 * constant-false and vanish. Writes nothing in the queue.
 * @param q the queue
 * @param n slots per ring, `q->slot_count`
 * @param stride bytes per slot, `q->slot_size`
 * @param[out] f where the message is
 * @return the level, or -1 if every level is empty
 */
static inline int rvx_queue_level_(const struct rvx_queue *q, uint32_t n,
				   size_t stride, struct rvx_queue_found_ *f)
{
	uint32_t used = rvx_load_relaxed_u32(&q->levels);
	uint8_t *base = q->storage;
	size_t ring;

	/* Relaxed is enough: only a tag, loaded with acquire, admits a
	 * message; a stale hint only makes the call see the queue as it
	 * was a moment earlier. */
	if (RVX_LIKELY(used == 1u))
		return rvx_queue_ready_(q, 0, base, n, stride, f) ? 0 : -1;
	ring = q->ring_size;
	if (RVX_QUEUE_TRY_(7))
		return 7;
	if (RVX_QUEUE_TRY_(6))
		return 6;
	if (RVX_QUEUE_TRY_(5))
		return 5;
	if (RVX_QUEUE_TRY_(4))
		return 4;
	if (RVX_QUEUE_TRY_(3))
		return 3;
	if (RVX_QUEUE_TRY_(2))
		return 2;
	if (RVX_QUEUE_TRY_(1))
		return 1;
	if (RVX_QUEUE_TRY_(0))
		return 0;
#undef RVX_QUEUE_TRY_
	return -1;
}

/**
 * Internal: claim the tail slot of level @p prio for a send, after every
 * other check passed. The only writes are the producer's cached copy of the
 * consumer's head, refreshed when the ring looks full, and the level's bit
 * in the hint on its first message; nothing after them can fail.
 * @param q the queue
 * @param prio the level
 * @param[out] slot the claimed slot
 * @param[out] tail the claimed free-running index
 * @return true, or false if the ring is full (nothing written)
 */
RVX_QUEUE_INLINE_ bool rvx_queue_claim_(struct rvx_queue *q, uint32_t prio, uint8_t **slot,
					uint32_t *tail)
{
	struct rvx_queue_end *tx = &q->sq[prio].tx;
	uint32_t n = q->slot_count, t = tx->pos, head;

	if (RVX_UNLIKELY(t - tx->peer >= n)) {
		/* Full by the cached head: look at the consumer's real one. */
		head = rvx_load_acquire_u32(&q->sq[prio].rx.pos);
		if (t - head >= n)
			return false;
		tx->peer = head; /* commit starts here */
	}
	*tail = t;
	/* The level's first message: mark the level used, before the tag
	 * that publishes the message (only the producer writes the hint). */
	if (RVX_UNLIKELY(((q->levels >> prio) & 1u) == 0))
		rvx_store_relaxed_u32(&q->levels, q->levels | (1u << prio));
	/* Everything the end needs is computed before the slot is filled:
	 * byte stores into the storage could alias the queue, so anything
	 * read after them would be read again. */
	*slot = rvx_queue_ring_base_(q, prio) + (size_t)(t & (n - 1u)) * q->slot_size;
	return true;
}

/**
 * Internal: publish a filled slot claimed by rvx_queue_claim_(). The tail
 * moves first (read only by the counts, and ordered before the tag so a
 * count never sees a received message as not yet sent), then a release
 * store of the slot's tag hands it to the consumer.
 * @param q the queue
 * @param prio the level
 * @param slot the slot
 * @param tail its free-running index
 */
RVX_QUEUE_INLINE_ void rvx_queue_publish_(struct rvx_queue *q, uint32_t prio, uint8_t *slot,
					  uint32_t tail)
{
	rvx_store_relaxed_u32(&q->sq[prio].tx.pos, tail + 1u);
	rvx_store_release_u32(rvx_queue_tag_word_(slot), rvx_queue_tag_(tail));
}

/**
 * Send one message (producer side). Nothing is written unless it succeeds.
 * The header and payload must not change during the call: a kernel copies
 * them out of user memory first, as it would for any argument it checks.
 * @param q the queue
 * @param hdr header; `hdr->priority` picks the ring, `hdr->length` the
 *        payload size
 * @param payload `hdr->length` bytes of inline payload, or one
 *        `struct rvx_queue_desc` if `hdr->flags` has RVX_QUEUE_MSG_DESC; may
 *        be NULL when the length is 0
 * @retval 0 the message is queued
 * @retval -RVX_EINVAL the priority is not below RVX_QUEUE_PRIORITIES,
 *         `reserved` is not 0, an unknown flag is set, a descriptor
 *         message's length is not `sizeof(struct rvx_queue_desc)`,
 *         @p payload is NULL with a non-zero length, or the compiler can see
 *         that @p payload is an object shorter than `hdr->length` (checked
 *         only where its size is known at compile time, like
 *         _FORTIFY_SOURCE; it also keeps the inline copy free of
 *         out-of-bounds warnings)
 * @retval -RVX_EMSGSIZE the length exceeds the queue's maximum payload
 * @retval -RVX_EFULL the ring of that priority is full
 */
RVX_QUEUE_INLINE_ int
rvx_queue_send(struct rvx_queue *q, const struct rvx_queue_msg_hdr *hdr,
	       const void *payload)
{
	/* Bytes 8..11 of a header (priority, flags, reserved) as they lie in
	 * memory, with a 1 wherever a set bit is invalid whatever the level:
	 * one load and one test check flags and reserved, on either byte
	 * order. */
	const uint8_t invalid_bits[4] = {0x00, (uint8_t)~RVX_QUEUE_MSG_FLAGS_ALL,
					 0xff, 0xff};
	uint32_t len = hdr->length;
	uint32_t prio = hdr->priority;
	uint32_t word, mask, tail;
	uint8_t *slot;

	/* Check: every rejection happens before the first write. */
	__builtin_memcpy(&word,
			 (const uint8_t *)hdr + offsetof(struct rvx_queue_msg_hdr, priority),
			 sizeof(word));
	__builtin_memcpy(&mask, invalid_bits, sizeof(mask));
	if (RVX_UNLIKELY(prio >= RVX_QUEUE_PRIORITIES || (word & mask) != 0))
		return -RVX_EINVAL;
	if (RVX_UNLIKELY((hdr->flags & RVX_QUEUE_MSG_DESC) != 0) &&
	    len != sizeof(struct rvx_queue_desc))
		return -RVX_EINVAL;
	if (RVX_UNLIKELY(len > __builtin_object_size(payload, 0) ||
			 (payload == NULL && len != 0)))
		return -RVX_EINVAL;
	if (RVX_UNLIKELY(len > q->max_payload))
		return -RVX_EMSGSIZE;
	if (RVX_UNLIKELY(!rvx_queue_claim_(q, prio, &slot, &tail)))
		return -RVX_EFULL;

	/* Commit. */
	__builtin_memcpy(slot + RVX_QUEUE_SLOT_TAG_BYTES, hdr, sizeof(*hdr));
	rvx_queue_copy_(slot + RVX_QUEUE_SLOT_TAG_BYTES + sizeof(*hdr),
			(const uint8_t *)payload, len);
	rvx_queue_publish_(q, prio, slot, tail);
	return 0;
}

/**
 * Internal: the 32 bytes of a header with no flags and a zero witness, as
 * four words whose bytes lie in memory as `struct rvx_queue_msg_hdr` does,
 * composed in registers on either byte order.
 * @param type_id schema
 * @param len payload length
 * @param priority level (below 256)
 * @param coherence coherence score
 * @param[out] w the header's words 0..3
 */
static inline void rvx_queue_hdr_words_(uint32_t type_id, uint32_t len, uint32_t priority,
					uint32_t coherence, uint64_t w[4])
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w[0] = ((uint64_t)type_id << 32) | len;
	w[1] = ((uint64_t)(priority & 0xffu) << 56) | coherence;
#else
	w[0] = type_id | ((uint64_t)len << 32);
	w[1] = (priority & 0xffu) | ((uint64_t)coherence << 32);
#endif
	w[2] = 0;
	w[3] = 0;
}

/** Internal: two 64-bit words in one 16-byte vector register. */
typedef uint64_t rvx_queue_u64x2_ __attribute__((vector_size(16)));

/**
 * Internal: a send between its checks and its commit, as
 * rvx_queue_send_begin_() leaves it for rvx_queue_send_end_().
 */
struct rvx_queue_claim_ {
	uint8_t *slot; /**< The claimed slot, not yet visible to the consumer. */
	uint32_t *pos; /**< The level's tail, `sq[priority].tx.pos`, still the claimed index. */
};

/**
 * Internal: the check half of rvx_queue_send_typed(): every rejection, then
 * the claim of a slot (rvx_queue_claim_()). The message is not sent until
 * rvx_queue_send_end_() with the same arguments, which cannot fail, so a
 * caller may do its own bookkeeping (that cannot fail either) in between.
 * @param q the queue
 * @param priority priority level
 * @param payload the payload (may be NULL only if @p len is 0)
 * @param len payload bytes
 * @param payload_checked true if the caller has already refused a NULL
 *        @p payload with a non-zero @p len (a constant: the test vanishes)
 * @param[out] c the claim, for rvx_queue_send_end_()
 * @param[out] tail the claimed index, `*c->pos` (rvx_queue_claim_tail_())
 * @return 0, or an error as rvx_queue_send_typed() (nothing written)
 */
RVX_QUEUE_INLINE_ int
rvx_queue_send_begin_(struct rvx_queue *q, uint32_t priority, const void *payload, uint32_t len,
		      bool payload_checked, struct rvx_queue_claim_ *c, uint32_t *tail)
{
	/* Check: every rejection happens before the first write. */
	if (RVX_UNLIKELY(priority >= RVX_QUEUE_PRIORITIES))
		return -RVX_EINVAL;
	if (RVX_UNLIKELY(len > __builtin_object_size(payload, 0) ||
			 (!payload_checked && payload == NULL && len != 0)))
		return -RVX_EINVAL;
	if (RVX_UNLIKELY(len > q->max_payload))
		return -RVX_EMSGSIZE;
	if (RVX_UNLIKELY(!rvx_queue_claim_(q, priority, &c->slot, tail)))
		return -RVX_EFULL;
	c->pos = &q->sq[priority].tx.pos;
	return 0;
}

/**
 * Internal: the index a claim is for, read again: the level's tail, which
 * only the producer writes and nothing moves before rvx_queue_send_end_().
 * @param c the claim
 * @return the index rvx_queue_send_begin_() gave
 */
static inline uint32_t rvx_queue_claim_tail_(const struct rvx_queue_claim_ *c)
{
	return *c->pos;
}

/**
 * Internal: the commit half of rvx_queue_send_typed() after
 * rvx_queue_send_begin_() accepted: fill the claimed slot and publish it.
 * @param c the claim
 * @param tail the claimed index rvx_queue_send_begin_() gave
 * @param type_id schema of the payload
 * @param priority priority level, as given to rvx_queue_send_begin_()
 * @param coherence coherence score (Q16.16), carried as is
 * @param payload the payload, as given to rvx_queue_send_begin_()
 * @param len payload bytes, as given to rvx_queue_send_begin_()
 */
RVX_QUEUE_INLINE_ void
rvx_queue_send_end_(const struct rvx_queue_claim_ *c, uint32_t tail, uint32_t type_id,
		    uint32_t priority, uint32_t coherence, const void *payload, uint32_t len)
{
	uint8_t *slot = c->slot, *h = slot + RVX_QUEUE_SLOT_TAG_BYTES;
	uint32_t *pos = c->pos;
	uint64_t w[4];
	rvx_queue_u64x2_ half[2];

	/* As in rvx_queue_send(); the header is composed in registers. */
	rvx_queue_hdr_words_(type_id, len, priority, coherence, w);
	/* Two 16-byte halves, each made in a vector register and stored
	 * whole: a receive right after reads them the same way, and a load is
	 * forwarded only from one store (a half assembled in memory from two
	 * 8-byte stores and loaded whole would stall). */
	half[0] = (rvx_queue_u64x2_){w[0], w[1]};
	half[1] = (rvx_queue_u64x2_){w[2], w[3]};
	__builtin_memcpy(h, &half[0], 16);
	__builtin_memcpy(h + 16, &half[1], 16);
	rvx_queue_copy_(h + sizeof(struct rvx_queue_msg_hdr), (const uint8_t *)payload, len);
	/* Publish as rvx_queue_publish_(): the tail, then the tag. */
	rvx_store_relaxed_u32(pos, tail + 1u);
	rvx_store_release_u32(rvx_queue_tag_word_(slot), rvx_queue_tag_(tail));
}

/**
 * Send an inline message given by its header's fields (producer side): no
 * flags, a zero witness. The same message as rvx_queue_send() with such a
 * header, but the header is stored field by field straight into the slot:
 * a caller that would otherwise assemble a header in memory piece by piece
 * and have it copied as a whole pays for the pieces not being forwardable
 * to the wide loads of the copy. Nothing is written unless it succeeds.
 * @param q the queue
 * @param type_id schema of the payload
 * @param priority priority level, below RVX_QUEUE_PRIORITIES
 * @param coherence coherence score (Q16.16), carried as is
 * @param payload the payload (may be NULL only if @p len is 0)
 * @param len payload bytes
 * @retval 0 the message is queued
 * @retval -RVX_EINVAL @p priority is out of range, or @p payload is NULL
 *         with a non-zero @p len (or, where the compiler can see it, the
 *         object at @p payload is shorter than @p len)
 * @retval -RVX_EMSGSIZE @p len exceeds the queue's maximum payload
 * @retval -RVX_EFULL the ring of that priority is full
 */
RVX_QUEUE_INLINE_ int
rvx_queue_send_typed(struct rvx_queue *q, uint32_t type_id, uint32_t priority,
		     uint32_t coherence, const void *payload, uint32_t len)
{
	struct rvx_queue_claim_ c;
	uint32_t tail;
	int ret;

	ret = rvx_queue_send_begin_(q, priority, payload, len, false, &c, &tail);
	if (RVX_UNLIKELY(ret != 0))
		return ret;
	rvx_queue_send_end_(&c, tail, type_id, priority, coherence, payload, len);
	return 0;
}

/**
 * Internal: a receive between its checks and its commit, as
 * rvx_queue_recv_begin_() leaves it for rvx_queue_recv_end_().
 */
struct rvx_queue_take_ {
	const uint8_t *entry; /**< The message's header in its slot. */
	uint32_t *pos;        /**< The level's head, `sq[level].rx.pos`, still the message's index. */
	uint32_t head;        /**< The message's index. */
	uint32_t len;         /**< Its payload length. */
};

/**
 * Internal: fill in a take's index and length again from its entry and
 * head pointer alone (a caller that passed only those two on): the head,
 * which only the consumer writes and nothing moves before
 * rvx_queue_recv_end_(), and the length in the message's header, which
 * rvx_queue_recv_begin_() checked.
 * @param[in,out] t the take, `entry` and `pos` set
 */
static inline void rvx_queue_take_again_(struct rvx_queue_take_ *t)
{
	t->head = *t->pos;
	__builtin_memcpy(&t->len, t->entry + offsetof(struct rvx_queue_msg_hdr, length),
			 sizeof(t->len));
}

/**
 * Internal: the checks of rvx_queue_recv_begin_() on the message found at
 * @p f: its length (against the queue's maximum and the buffer).
 * @param q the queue
 * @param f where the message is
 * @param[out] hdr the message's header, on -RVX_EBUFSMALL with @p hdr_on_fail
 * @param buf receives the payload, later
 * @param buf_size bytes available at @p buf
 * @param hdr_on_fail true to fill @p hdr on -RVX_EBUFSMALL
 * @param buf_checked true if the caller has already refused a NULL @p buf
 *        with a non-zero @p buf_size, so that the test of the length
 *        against @p buf_size covers a NULL @p buf
 * @param[out] t the message, for rvx_queue_recv_end_()
 * @return 0, or -RVX_EBUFSMALL
 */
RVX_QUEUE_INLINE_ int
rvx_queue_recv_check_(const struct rvx_queue *q, const struct rvx_queue_found_ *f,
		      struct rvx_queue_msg_hdr *hdr, const void *buf, size_t buf_size,
		      bool hdr_on_fail, bool buf_checked, struct rvx_queue_take_ *t)
{
	const uint8_t *slot = f->slot + RVX_QUEUE_SLOT_TAG_BYTES;
	uint32_t len;

	__builtin_memcpy(&len, slot + offsetof(struct rvx_queue_msg_hdr, length),
			 sizeof(len));
	/* send() admitted nothing longer: anything else is a corrupted slot. */
	RVX_CHECK(len <= q->max_payload);
	if (RVX_UNLIKELY(len > buf_size || len > __builtin_object_size(buf, 0) ||
			 (!buf_checked && buf == NULL && len != 0))) {
		if (hdr_on_fail)
			__builtin_memcpy(hdr, slot, sizeof(*hdr));
		return -RVX_EBUFSMALL;
	}
	t->entry = slot;
	t->pos = &f->rx->pos;
	t->head = f->head;
	t->len = len;
	return 0;
}

/**
 * Internal: the check half of rvx_queue_recv() and rvx_queue_recv_strict():
 * find the message and check that it fits. Writes nothing but, with
 * @p hdr_on_fail, @p hdr on -RVX_EBUFSMALL; the message is taken by
 * rvx_queue_recv_end_(), which cannot fail, so a caller may do its own
 * bookkeeping (that cannot fail either) in between.
 * @param q the queue
 * @param[out] hdr the message's header, on -RVX_EBUFSMALL with @p hdr_on_fail
 * @param buf receives the payload, later
 * @param buf_size bytes available at @p buf
 * @param hdr_on_fail true to fill @p hdr on -RVX_EBUFSMALL (a constant:
 *        the copy vanishes otherwise)
 * @param buf_checked as rvx_queue_recv_check_() (a constant)
 * @param[out] t the message (with its length), for rvx_queue_recv_end_()
 * @return 0, or a negated error as rvx_queue_recv()
 */
RVX_QUEUE_INLINE_ int
rvx_queue_recv_begin_(struct rvx_queue *q, struct rvx_queue_msg_hdr *hdr, const void *buf,
		      size_t buf_size, bool hdr_on_fail, bool buf_checked,
		      struct rvx_queue_take_ *t)
{
	struct rvx_queue_found_ f = {NULL, NULL, 0};

	if (rvx_queue_level_(q, q->slot_count, q->slot_size, &f) < 0)
		return -RVX_EEMPTY;
	return rvx_queue_recv_check_(q, &f, hdr, buf, buf_size, hdr_on_fail, buf_checked, t);
}

/**
 * Internal: rvx_queue_recv_begin_() for the common queue only, the one only
 * ever used at level 0; for any other it returns 1 having read nothing but
 * the hint, and the caller calls rvx_queue_recv_begin_(). A caller's fast
 * path then holds no code, and keeps no registers, for the scan of the
 * levels.
 * @param q the queue
 * @param[out] hdr the message's header, on -RVX_EBUFSMALL with @p hdr_on_fail
 * @param buf receives the payload, later
 * @param buf_size bytes available at @p buf
 * @param hdr_on_fail true to fill @p hdr on -RVX_EBUFSMALL (a constant)
 * @param buf_checked as rvx_queue_recv_check_() (a constant)
 * @param[out] t the message (with its length), for rvx_queue_recv_end_()
 * @return 0, 1, or a negated error as rvx_queue_recv()
 */
RVX_QUEUE_INLINE_ int
rvx_queue_recv_begin_level0_(struct rvx_queue *q, struct rvx_queue_msg_hdr *hdr,
			     const void *buf, size_t buf_size, bool hdr_on_fail,
			     bool buf_checked, struct rvx_queue_take_ *t)
{
	struct rvx_queue_found_ f = {NULL, NULL, 0};

	if (RVX_UNLIKELY(rvx_load_relaxed_u32(&q->levels) != 1u))
		return 1;
	if (!rvx_queue_ready_(q, 0, q->storage, q->slot_count, q->slot_size, &f))
		return -RVX_EEMPTY;
	return rvx_queue_recv_check_(q, &f, hdr, buf, buf_size, hdr_on_fail, buf_checked, t);
}

/**
 * Internal: the commit half of a receive that rvx_queue_recv_begin_()
 * accepted: copy the message out, then hand the slot back with one release
 * store.
 * @param t the message
 * @param[out] hdr the message's header
 * @param[out] buf receives the payload, as given to rvx_queue_recv_begin_()
 */
RVX_QUEUE_INLINE_ void
rvx_queue_recv_end_(const struct rvx_queue_take_ *t, struct rvx_queue_msg_hdr *hdr, void *buf)
{
	uint32_t *pos = t->pos, head = t->head;

	__builtin_memcpy(hdr, t->entry, sizeof(*hdr));
	rvx_queue_copy_((uint8_t *)buf, t->entry + sizeof(*hdr), t->len);
	rvx_store_release_u32(pos, head + 1u);
}

/**
 * Internal: the receive of rvx_queue_recv() and rvx_queue_recv_strict().
 * @param q the queue
 * @param[out] hdr the message's header
 * @param[out] buf receives the payload
 * @param buf_size bytes available at @p buf
 * @param hdr_on_fail true to fill @p hdr on -RVX_EBUFSMALL too (a constant:
 *        the other copy vanishes)
 * @return the payload length, or a negated error as rvx_queue_recv()
 */
RVX_QUEUE_INLINE_ int
rvx_queue_recv_(struct rvx_queue *q, struct rvx_queue_msg_hdr *hdr, void *buf,
		size_t buf_size, bool hdr_on_fail)
{
	struct rvx_queue_take_ t;
	int ret;

	ret = rvx_queue_recv_begin_(q, hdr, buf, buf_size, hdr_on_fail, false, &t);
	if (ret != 0)
		return ret;
	rvx_queue_recv_end_(&t, hdr, buf);
	return (int)t.len;
}

/**
 * Receive the oldest message of the highest non-empty priority (consumer
 * side).
 * @param q the queue
 * @param[out] hdr the message's header; also filled on -RVX_EBUFSMALL so the
 *        caller learns the length it needs
 * @param[out] buf receives the payload (a descriptor message yields the
 *        16-byte `struct rvx_queue_desc`, still to be validated)
 * @param buf_size bytes available at @p buf (a NULL @p buf holds none)
 * @return the payload length (>= 0) on success
 * @retval -RVX_EEMPTY no message is queued
 * @retval -RVX_EBUFSMALL @p buf_size (or, where the compiler can see it, the
 *         size of the object at @p buf) is below the message's length, or
 *         @p buf is NULL and the length is not 0; the message stays queued
 */
RVX_QUEUE_INLINE_ int
rvx_queue_recv(struct rvx_queue *q, struct rvx_queue_msg_hdr *hdr, void *buf,
	       size_t buf_size)
{
	return rvx_queue_recv_(q, hdr, buf, buf_size, true);
}

/**
 * Receive as rvx_queue_recv(), but write @p hdr only when the receive
 * succeeds: a failed call writes nothing anywhere. A kernel that hands the
 * header straight to user memory uses it to skip a staging copy.
 * @param q the queue
 * @param[out] hdr the message's header, written only on success
 * @param[out] buf receives the payload
 * @param buf_size bytes available at @p buf (a NULL @p buf holds none)
 * @return the payload length (>= 0) on success
 * @retval -RVX_EEMPTY no message is queued
 * @retval -RVX_EBUFSMALL @p buf_size (or, where the compiler can see it, the
 *         size of the object at @p buf) is below the message's length, or
 *         @p buf is NULL and the length is not 0; the message stays queued
 */
RVX_QUEUE_INLINE_ int
rvx_queue_recv_strict(struct rvx_queue *q, struct rvx_queue_msg_hdr *hdr, void *buf,
		      size_t buf_size)
{
	return rvx_queue_recv_(q, hdr, buf, buf_size, false);
}

/**
 * Post a completion back to the producer (consumer side).
 * @param q the queue
 * @param cqe the entry, copied
 * @retval 0 the entry is queued
 * @retval -RVX_EFULL the completion ring is full (the producer must reap)
 */
RVX_QUEUE_INLINE_ int
rvx_queue_complete(struct rvx_queue *q, const struct rvx_queue_cqe *cqe)
{
	struct rvx_queue_ring *r = &q->cq;
	uint32_t n = q->slot_count;
	uint32_t tail = r->tx.pos;
	uint8_t *slot;
	uint32_t tag;

	if (RVX_UNLIKELY(tail - r->tx.peer >= n)) {
		uint32_t head = rvx_load_acquire_u32(&r->rx.pos);

		if (tail - head >= n)
			return -RVX_EFULL;
		r->tx.peer = head;
	}
	/* As in rvx_queue_send(): compute, copy, then advance and publish. */
	slot = rvx_queue_cq_base_(q) + (size_t)(tail & (n - 1u)) * RVX_QUEUE_CQ_SLOT_SIZE;
	tag = rvx_queue_tag_(tail);
	__builtin_memcpy(slot + RVX_QUEUE_SLOT_TAG_BYTES, cqe, sizeof(*cqe));
	rvx_store_relaxed_u32(&r->tx.pos, tail + 1u);
	rvx_store_release_u32(rvx_queue_tag_word_(slot), tag);
	return 0;
}

/**
 * Take the oldest completion (producer side).
 * @param q the queue
 * @param[out] cqe receives the entry
 * @retval 0 @p cqe holds the entry
 * @retval -RVX_EEMPTY no completion is queued
 */
RVX_QUEUE_INLINE_ int
rvx_queue_reap(struct rvx_queue *q, struct rvx_queue_cqe *cqe)
{
	struct rvx_queue_ring *r = &q->cq;
	uint32_t n = q->slot_count;
	uint32_t head = r->rx.pos;
	uint8_t *slot = rvx_queue_cq_base_(q) + (size_t)(head & (n - 1u)) * RVX_QUEUE_CQ_SLOT_SIZE;

	if (!rvx_queue_full_slot_(slot, head))
		return -RVX_EEMPTY;
	__builtin_memcpy(cqe, slot + RVX_QUEUE_SLOT_TAG_BYTES, sizeof(*cqe));
	rvx_store_release_u32(&r->rx.pos, head + 1u);
	return 0;
}

/**
 * Checkpoint section of a `struct rvx_queue` (ruvix/ckpt_section.h, type
 * RVX_CKPT_QUEUE): geometry, ring positions and storage. The destination
 * must be initialised with the same geometry.
 */
extern const struct rvx_ckpt_section_ops rvx_queue_ckpt_ops;

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_QUEUE_H */
