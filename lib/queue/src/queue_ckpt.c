/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A queue's checkpoint section (ruvix/ckpt_section.h): geometry, the ring
 * positions and the storage bytes, each integer little-endian. The geometry
 * must match the destination's, which keeps its own storage. The hint of
 * the levels in use is left out and derived again on load.
 */
#include "ruvix/endian.h"
#include "ruvix/queue.h"

#define QUEUE_RINGS (RVX_QUEUE_PRIORITIES + 1u)
#define QUEUE_HDR (24u + QUEUE_RINGS * 16u)

static struct rvx_queue_ring *queue_ring(struct rvx_queue *q, uint32_t i)
{
	return i < RVX_QUEUE_PRIORITIES ? &q->sq[i] : &q->cq;
}

/* Storage bytes: a message ring per priority, then the completion ring
 * (smaller slots), as RVX_QUEUE_STORAGE_SIZE() lays them out. */
static size_t queue_storage(const struct rvx_queue *q)
{
	return q->ring_size * RVX_QUEUE_PRIORITIES + (size_t)q->slot_count * RVX_QUEUE_CQ_SLOT_SIZE;
}

static size_t queue_size(const void *obj)
{
	return QUEUE_HDR + queue_storage(obj);
}

static void queue_write(const void *obj, uint8_t *out)
{
	const struct rvx_queue *q = obj;
	uint8_t *p = out + 24;

	rvx_le_put32(out, q->slot_count);
	rvx_le_put32(out + 4, q->slot_size);
	rvx_le_put32(out + 8, q->max_payload);
	rvx_le_put32(out + 12, 0);
	rvx_le_put64(out + 16, q->ring_size);
	for (uint32_t i = 0; i < QUEUE_RINGS; i++, p += 16) {
		const struct rvx_queue_ring *ring = queue_ring((struct rvx_queue *)(uintptr_t)q, i);

		rvx_le_put32(p, ring->tx.pos);
		rvx_le_put32(p + 4, ring->tx.peer);
		rvx_le_put32(p + 8, ring->rx.pos);
		rvx_le_put32(p + 12, ring->rx.peer);
	}
	memcpy(p, q->storage, queue_storage(q));
}

static int queue_check(const void *obj, const uint8_t *in, size_t len)
{
	const struct rvx_queue *q = obj;
	const uint8_t *p = in + 24;

	if (len < QUEUE_HDR || q->storage == NULL || rvx_le_get32(in) != q->slot_count ||
	    rvx_le_get32(in + 4) != q->slot_size || rvx_le_get32(in + 8) != q->max_payload ||
	    rvx_le_get32(in + 12) != 0 || rvx_le_get64(in + 16) != q->ring_size ||
	    len != queue_size(q))
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < QUEUE_RINGS; i++, p += 16) {
		/* Entries in flight never exceed the ring, from either view. */
		if (rvx_le_get32(p) - rvx_le_get32(p + 8) > q->slot_count ||
		    rvx_le_get32(p) - rvx_le_get32(p + 4) > q->slot_count)
			return -RVX_EINVAL;
	}
	return 0;
}

static void queue_load(void *obj, const uint8_t *in, size_t len)
{
	struct rvx_queue *q = obj;
	const uint8_t *p = in + 24;

	(void)len;
	for (uint32_t i = 0; i < QUEUE_RINGS; i++, p += 16) {
		struct rvx_queue_ring *ring = queue_ring(q, i);

		ring->tx.pos = rvx_le_get32(p);
		ring->tx.peer = rvx_le_get32(p + 4);
		ring->rx.pos = rvx_le_get32(p + 8);
		ring->rx.peer = rvx_le_get32(p + 12);
	}
	memcpy(q->storage, p, queue_storage(q));
	/* The hint of the levels in use is not in the image: derived again. */
	rvx_queue_restored(q);
}

const struct rvx_ckpt_section_ops rvx_queue_ckpt_ops = {
	RVX_CKPT_QUEUE, queue_size, queue_write, queue_check, queue_load,
};
