/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Message queues: one single-producer single-consumer ring per priority
 * level plus a completion ring flowing the other way. The data path (send,
 * recv, complete, reap) is inline in ruvix/queue.h; this file sizes and
 * initialises queues and answers questions about them.
 *
 * No locks. Each ring end (`struct rvx_queue_end`) is written by exactly one
 * CPU: for a message ring, `tx` by the producer and `rx` by the consumer; for
 * the completion ring the other way round. Slots are written only by the
 * writer.
 *
 * Writer to reader: the writer fills a slot, then release-stores the slot's
 * tag, rvx_queue_tag_(index) = index + 1; the reader acquire-loads the tag
 * of the slot at its head and takes the entry only if the tag matches, so it
 * never reads a slot being written. The tag of the previous lap differs by
 * slot_count, and zeroed storage (tag 0) matches no index of the first lap
 * when indices start at 0 (rvx_queue_init_at_() seeds the tags otherwise). The
 * writer also stores its tail in `tx.pos` (before the tag), but only the
 * counts read it: the reader's fast path touches no line but the slot's.
 *
 * Reader to writer: the reader release-stores its head in `rx.pos` after
 * copying the entry out; the writer compares its tail with its cached copy
 * of the head (`tx.peer`) and acquire-loads the real head only when that
 * copy says full, about once per lap when the reader keeps up. So a slot is
 * never overwritten while being read. An end reads its own `pos` and `peer`
 * with plain loads: nobody else writes them.
 *
 * Indices run freely over all of uint32_t and are masked on use; a ring
 * holds at most slot_count (<= 2^20) entries, so `tail - head` in unsigned
 * arithmetic is always the number of entries, across the wrap too.
 *
 * Storage layout (cache-line aligned): for each priority
 * 0..RVX_QUEUE_PRIORITIES-1 its slot_count message slots of slot_size bytes
 * (tag word and padding to 16 bytes, header, inline payload, padding), then
 * slot_count completion slots of 32 bytes (tag word and padding, then the
 * entry). slot_size is 64 or a multiple of the cache line, so no message
 * slot straddles two lines of 64 bytes or more.
 */
#include "ruvix/atomic.h"
#include "ruvix/queue.h"
#include "queue_internal.h"

#define CQ_SLOT_SIZE ((uint32_t)RVX_QUEUE_CQ_SLOT_SIZE)

_Static_assert(RVX_QUEUE_SLOTS_MAX <= (UINT32_MAX / 2u) + 1u,
	       "free-running u32 indices need capacity <= 2^31");
_Static_assert(RVX_QUEUE_PAYLOAD_MAX <= (uint32_t)INT32_MAX - 64u,
	       "payload lengths are returned as int");
_Static_assert(RVX_QUEUE_STORAGE_ALIGN >= 16 && RVX_QUEUE_SLOT_TAG_BYTES % 16 == 0 &&
		       RVX_QUEUE_CQ_SLOT_SIZE % 16 == 0,
	       "tags and entries are aligned in their slots");
_Static_assert(RVX_QUEUE_SLOT_SIZE(0) % 64 == 0 &&
		       RVX_QUEUE_SLOT_SIZE(RVX_QUEUE_PAYLOAD_MAX) % 64 == 0,
	       "message slots are 64 bytes or whole cache lines");
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
	/* At most 2^20 * (32 + 8 * (2^16 + 2 lines)) < 2^40: no 64-bit
	 * overflow, but it may not fit a 32-bit size_t. */
	per_slot = CQ_SLOT_SIZE + (uint64_t)RVX_QUEUE_PRIORITIES *
				      RVX_QUEUE_SLOT_SIZE(max_payload);
	if ((uint64_t)slot_count * per_slot > (uint64_t)SIZE_MAX)
		return 0;
	return (size_t)((uint64_t)slot_count * per_slot);
}

/*
 * Give every slot the tag of the entry it would have held one lap before
 * @p start, as if a lap had gone by: zeroed storage would otherwise read as
 * full at index UINT32_MAX (tag 0) if the first lap reaches it. Only the
 * test hook starts anywhere but 0.
 */
static void seed_tags(struct rvx_queue *q, uint32_t start)
{
	uint32_t n = q->slot_count, i, p;

	for (i = start; i != start + n; i++) {
		uint32_t tag = rvx_queue_tag_(i - n);
		size_t slot = (size_t)(i & (n - 1u));

		for (p = 0; p < RVX_QUEUE_PRIORITIES; p++)
			memcpy(rvx_queue_ring_base_(q, p) + slot * q->slot_size, &tag,
			       sizeof(tag));
		memcpy(rvx_queue_cq_base_(q) + slot * CQ_SLOT_SIZE, &tag, sizeof(tag));
	}
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
	q->ring_size = (size_t)slot_count * q->slot_size;
	for (p = 0; p < RVX_QUEUE_PRIORITIES; p++) {
		q->sq[p].tx.pos = q->sq[p].tx.peer = start_index;
		q->sq[p].rx.pos = q->sq[p].rx.peer = start_index;
	}
	q->cq.tx.pos = q->cq.tx.peer = start_index;
	q->cq.rx.pos = q->cq.rx.peer = start_index;
	if (start_index != 0)
		seed_tags(q, start_index);
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
	struct rvx_queue_found_ f = {NULL, NULL, 0};
	uint32_t len;

	/* The scan of rvx_queue_recv(); peeking then writes nothing. */
	if (rvx_queue_level_(q, q->slot_count, q->slot_size, &f) < 0)
		return -RVX_EEMPTY;
	memcpy(hdr, f.slot + RVX_QUEUE_SLOT_TAG_BYTES, sizeof(*hdr));
	len = hdr->length;
	RVX_CHECK(len <= q->max_payload);
	return (int)len;
}

void rvx_queue_restored(struct rvx_queue *q)
{
	uint32_t levels = 0;

	/* A level holding a message must be looked at; one that is empty now
	 * gets its bit again from its next send. */
	for (uint32_t p = 0; p < RVX_QUEUE_PRIORITIES; p++)
		if (q->sq[p].tx.pos != q->sq[p].rx.pos)
			levels |= 1u << p;
	rvx_store_relaxed_u32(&q->levels, levels);
}

/*
 * Entries in a ring as seen from any CPU. The head is read first: the tail
 * read afterwards is at least as new (the writer stores its tail before the
 * tag the reader waits for, and the reader stores its head after), so the
 * difference is never negative,
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

/* ---- validation of state bytes (a checkpoint image, before it is loaded) ---- */

static bool vpad_zero(const struct rvx_queue_end *e)
{
	for (size_t i = 0; i < sizeof(e->pad); i++)
		if (e->pad[i] != 0)
			return false;
	return true;
}

/* One ring of n slots of `stride` bytes at `base`: positions within one lap,
 * each slot's tag says in flight exactly for the entries between head and
 * tail, and (message rings, level >= 0) each entry's header is one the
 * queue could have written at that level. */
static bool vring_ok(const struct rvx_queue *q, const struct rvx_queue_ring *r,
		     const uint8_t *base, size_t stride, int level)
{
	uint32_t n = q->slot_count, head = r->rx.pos, tail = r->tx.pos;

	if (tail - head > n || tail - r->tx.peer > n || head - r->tx.peer > tail - r->tx.peer ||
	    !vpad_zero(&r->tx) || !vpad_zero(&r->rx))
		return false;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t idx = head + k, tag;
		const uint8_t *slot = base + (size_t)(idx & (n - 1u)) * stride;
		struct rvx_queue_msg_hdr h;

		memcpy(&tag, slot, sizeof(tag));
		if (k >= tail - head) {
			/* Not in flight: the tag must not announce this index. */
			if (tag == rvx_queue_tag_(idx))
				return false;
			continue;
		}
		if (tag != rvx_queue_tag_(idx))
			return false;
		if (level < 0)
			continue;
		memcpy(&h, slot + RVX_QUEUE_SLOT_TAG_BYTES, sizeof(h));
		if (h.length > q->max_payload || h.priority != (uint32_t)level || h.reserved != 0 ||
		    (h.flags & ~RVX_QUEUE_MSG_FLAGS_ALL) != 0 ||
		    ((h.flags & RVX_QUEUE_MSG_DESC) && h.length != sizeof(struct rvx_queue_desc)))
			return false;
	}
	return true;
}

int rvx_queue_validate(const struct rvx_queue *q, const void *storage, size_t storage_size)
{
	size_t need;
	const uint8_t *st = storage;

	if (q == NULL || storage == NULL)
		return -RVX_EINVAL;
	need = rvx_queue_storage_size(q->slot_count, q->max_payload);
	if (need == 0 || q->slot_size != RVX_QUEUE_SLOT_SIZE(q->max_payload) ||
	    q->ring_size != (size_t)q->slot_count * q->slot_size)
		return -RVX_EINVAL;
	if (storage_size < need)
		return -RVX_ENOMEM;
	for (uint32_t p = 0; p < RVX_QUEUE_PRIORITIES; p++)
		if (!vring_ok(q, &q->sq[p], st + (size_t)p * q->ring_size, q->slot_size, (int)p))
			return -RVX_EINVAL;
	if (!vring_ok(q, &q->cq, st + (size_t)RVX_QUEUE_PRIORITIES * q->ring_size,
		      RVX_QUEUE_CQ_SLOT_SIZE, -1))
		return -RVX_EINVAL;
	return 0;
}
