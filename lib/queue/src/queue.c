/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Message queues: one single-producer single-consumer ring per priority
 * level plus a completion ring flowing the other way. The data path (send,
 * recv, complete, reap) is inline in ruvix/queue.h; this file sizes and
 * initialises queues and answers questions about them.
 *
 * No locks. Each ring end (`struct rvx_queue_end`) is written by exactly one
 * CPU: for a message ring, `tx` by the producer and `rx` by the consumer; for
 * the completion ring the other way round. An end publishes its index with a
 * release store after writing or reading the slot, and the other end reads
 * it with an acquire load before touching the slot, so a slot's bytes are
 * never read while being written or overwritten while being read. An end
 * reads its own `pos` and `peer` with plain loads: nobody else writes them.
 *
 * Indices run freely over all of uint32_t and are masked on use; a ring
 * holds at most slot_count (<= 2^20) entries, so `tail - head` in unsigned
 * arithmetic is always the number of entries, across the wrap too.
 *
 * Storage layout: for each priority 0..RVX_QUEUE_PRIORITIES-1 its
 * slot_count message slots of slot_size bytes (header, then inline
 * payload), then slot_count completion entries of 16 bytes. slot_size is a
 * multiple of 16, so every slot and entry is 16-byte aligned.
 */
#include "ruvix/atomic.h"
#include "ruvix/queue.h"
#include "queue_internal.h"

#define CQE_SIZE ((uint32_t)sizeof(struct rvx_queue_cqe))

_Static_assert(RVX_QUEUE_SLOTS_MAX <= (UINT32_MAX / 2u) + 1u,
	       "free-running u32 indices need capacity <= 2^31");
_Static_assert(RVX_QUEUE_PAYLOAD_MAX <= (uint32_t)INT32_MAX - 64u,
	       "payload lengths are returned as int");
_Static_assert(RVX_QUEUE_STORAGE_ALIGN >= alignof(struct rvx_queue_cqe),
	       "completion entries are copied from aligned slots");
_Static_assert(sizeof(struct rvx_queue_end) == RVX_CONFIG_CACHE_LINE,
	       "each ring end fills exactly one cache line");

void rvx_queue_copy_long_(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	memcpy(dst, src, n);
}

size_t rvx_queue_storage_size(uint32_t slot_count, uint32_t max_payload)
{
	uint64_t per_slot;

	if (slot_count < 2u || slot_count > RVX_QUEUE_SLOTS_MAX ||
	    !RVX_IS_POW2(slot_count) || max_payload > RVX_QUEUE_PAYLOAD_MAX)
		return 0;
	/* At most 2^20 * (16 + 8 * (32 + 2^16)) < 2^40: no 64-bit overflow,
	 * but it may not fit a 32-bit size_t. */
	per_slot = CQE_SIZE + (uint64_t)RVX_QUEUE_PRIORITIES *
				      RVX_QUEUE_SLOT_SIZE(max_payload);
	if ((uint64_t)slot_count * per_slot > (uint64_t)SIZE_MAX)
		return 0;
	return (size_t)((uint64_t)slot_count * per_slot);
}

int rvx_queue_init_at_(struct rvx_queue *q, void *storage, size_t storage_size,
		       uint32_t slot_count, uint32_t max_payload,
		       uint32_t start_index)
{
	size_t need = rvx_queue_storage_size(slot_count, max_payload);
	uint32_t p;

	if (need == 0 || storage == NULL ||
	    ((uintptr_t)storage % RVX_QUEUE_STORAGE_ALIGN) != 0)
		return -RVX_EINVAL;
	if (storage_size < need)
		return -RVX_ENOMEM;

	/* Zero everything, padding included, so two queues built the same
	 * way are equal byte for byte (and so is a checkpoint of them). */
	memset(q, 0, sizeof(*q));
	memset(storage, 0, need);
	q->storage = storage;
	q->slot_count = slot_count;
	q->slot_size = (uint32_t)RVX_QUEUE_SLOT_SIZE(max_payload);
	q->max_payload = max_payload;
	for (p = 0; p < RVX_QUEUE_PRIORITIES; p++) {
		q->sq[p].tx.pos = q->sq[p].tx.peer = start_index;
		q->sq[p].rx.pos = q->sq[p].rx.peer = start_index;
	}
	q->cq.tx.pos = q->cq.tx.peer = start_index;
	q->cq.rx.pos = q->cq.rx.peer = start_index;
	return 0;
}

int rvx_queue_init(struct rvx_queue *q, void *storage, size_t storage_size,
		   uint32_t slot_count, uint32_t max_payload)
{
	return rvx_queue_init_at_(q, storage, storage_size, slot_count,
				  max_payload, 0);
}

int rvx_queue_peek(const struct rvx_queue *q, struct rvx_queue_msg_hdr *hdr)
{
	uint32_t head = 0, tail = 0, len;
	int p = rvx_queue_level_(q, &head, &tail);

	if (p < 0)
		return -RVX_EEMPTY;
	/* Same scan as rvx_queue_recv(), but the cached tail is not stored:
	 * peeking writes nothing. */
	memcpy(hdr, rvx_queue_slot_(q, (uint32_t)p, head), sizeof(*hdr));
	len = hdr->length;
	RVX_CHECK(len <= q->max_payload);
	return (int)len;
}

/*
 * Entries in a ring as seen from any CPU. The head is read first: the tail
 * read afterwards is at least as new, so the difference is never negative,
 * but the consumer may have moved on and the producer refilled in between,
 * so it is clamped to the capacity.
 */
static uint32_t ring_count(const struct rvx_queue_ring *r, uint32_t n)
{
	uint32_t head = rvx_load_acquire_u32(&r->rx.pos);
	uint32_t tail = rvx_load_acquire_u32(&r->tx.pos);
	uint32_t used = tail - head;

	return used > n ? n : used;
}

int rvx_queue_count(const struct rvx_queue *q, uint32_t priority)
{
	if (priority >= RVX_QUEUE_PRIORITIES)
		return -RVX_EINVAL;
	return (int)ring_count(&q->sq[priority], q->slot_count);
}

uint32_t rvx_queue_count_total(const struct rvx_queue *q)
{
	uint32_t p, total = 0;

	for (p = 0; p < RVX_QUEUE_PRIORITIES; p++)
		total += ring_count(&q->sq[p], q->slot_count);
	return total;
}

uint32_t rvx_queue_completion_count(const struct rvx_queue *q)
{
	return ring_count(&q->cq, q->slot_count);
}

uint32_t rvx_queue_capacity(const struct rvx_queue *q)
{
	return q->slot_count;
}

uint32_t rvx_queue_max_payload(const struct rvx_queue *q)
{
	return q->max_payload;
}
