/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-mmio transport and split virtqueues (see ruvix/virtio.h).
 *
 * The shared rings are written and read through volatile accesses and the
 * embedder's barrier; the driver's own view of every descriptor lives in
 * the private track array, so nothing the device scribbles on the shared
 * table changes what the driver frees or believes. The library assumes a
 * little-endian CPU (AArch64, x86-64), as virtio 1.x rings are.
 */
#include "ruvix/virtio.h"

/* Bounded retries of a configuration read whose generation moved. */
#define CONFIG_RETRIES 8u
/* The configuration space's bytes. */
#define CONFIG_SPAN (RVX_VIRTIO_MMIO_SPAN - RVX_VIRTIO_MMIO_CONFIG)

/* ---- DMA windows ---- */

int rvx_dma_window_init(struct rvx_dma_window *w, void *va, uint64_t pa, uint64_t size)
{
	if (w == NULL || va == NULL || size == 0 || pa + size < pa ||
	    (uintptr_t)va + size < (uintptr_t)va)
		return -RVX_EINVAL;
	w->va = va;
	w->pa = pa;
	w->size = size;
	return 0;
}

int rvx_dma_check(const struct rvx_dma_window *w, uint64_t pa, uint64_t len)
{
	if (len == 0 || pa + len < pa || pa < w->pa || pa - w->pa > w->size ||
	    len > w->size - (pa - w->pa))
		return -RVX_EPERM;
	return 0;
}

void *rvx_dma_va(const struct rvx_dma_window *w, uint64_t pa, uint64_t len)
{
	if (rvx_dma_check(w, pa, len) != 0)
		return NULL;
	return w->va + (pa - w->pa);
}

int rvx_dma_map(const struct rvx_dma_window *w, const void *va, size_t len, uint32_t dir,
		struct rvx_dma_seg *out)
{
	uintptr_t a = (uintptr_t)va, base = (uintptr_t)w->va;

	if (len == 0 || (uint64_t)len > UINT32_MAX ||
	    (dir != RVX_DMA_TO_DEVICE && dir != RVX_DMA_FROM_DEVICE))
		return -RVX_EINVAL;
	if (a < base || a - base > w->size || (uint64_t)len > w->size - (a - base) ||
	    a + len < a)
		return -RVX_EPERM;
	out->pa = w->pa + (a - base);
	out->len = (uint32_t)len;
	out->dir = dir;
	return 0;
}

/* ---- registers ---- */

static uint32_t rd(const struct rvx_virtio_dev *d, uint32_t off)
{
	return d->ops->read32(d->ctx, off);
}

static void wr(const struct rvx_virtio_dev *d, uint32_t off, uint32_t v)
{
	d->ops->write32(d->ctx, off, v);
}

static int witness(const struct rvx_virtio_dev *d, uint32_t ev, uint64_t a, uint64_t b)
{
	return d->ops->witness != NULL ? d->ops->witness(d->ctx, ev, a, b) : 0;
}

/* Write a new status, witnessed first. */
static int set_status(struct rvx_virtio_dev *d, uint32_t status)
{
	int rc = witness(d, RVX_VIRTIO_EV_STATUS, status, 0);

	if (rc != 0)
		return rc;
	wr(d, RVX_VIRTIO_MMIO_STATUS, status);
	d->status = status;
	return 0;
}

int rvx_virtio_probe(struct rvx_virtio_dev *d, const struct rvx_virtio_ops *ops, void *ctx,
		     const struct rvx_dma_window *win, uint32_t expect_id, uint32_t poll_limit)
{
	uint32_t id;

	if (d == NULL || ops == NULL || ops->read32 == NULL || ops->read8 == NULL ||
	    ops->write32 == NULL || ops->barrier == NULL || win == NULL || poll_limit == 0)
		return -RVX_EINVAL;
	if (ops->read32(ctx, RVX_VIRTIO_MMIO_MAGIC) != RVX_VIRTIO_MAGIC)
		return -RVX_ENOENT;
	if (ops->read32(ctx, RVX_VIRTIO_MMIO_VERSION) != 2u)
		return -RVX_ENOTSUP;
	id = ops->read32(ctx, RVX_VIRTIO_MMIO_DEVICE_ID);
	if (id == 0)
		return -RVX_ENOENT;
	if (expect_id != 0 && id != expect_id)
		return -RVX_ETYPE;
	d->ops = ops;
	d->ctx = ctx;
	d->win = *win;
	d->device_id = id;
	d->vendor_id = ops->read32(ctx, RVX_VIRTIO_MMIO_VENDOR_ID);
	d->poll_limit = poll_limit;
	d->status = 0;
	d->features = 0;
	return 0;
}

int rvx_virtio_reset(struct rvx_virtio_dev *d)
{
	int rc = witness(d, RVX_VIRTIO_EV_RESET, 0, 0);

	if (rc != 0)
		return rc;
	wr(d, RVX_VIRTIO_MMIO_STATUS, 0);
	d->status = 0;
	d->features = 0;
	for (uint32_t i = 0; i < d->poll_limit; i++) {
		if (rd(d, RVX_VIRTIO_MMIO_STATUS) == 0)
			return 0;
	}
	return -RVX_ETIMEDOUT;
}

/* Give up on the device: FAILED, witnessed (best effort: the error that
 * led here is what the caller reports). */
static void fail(struct rvx_virtio_dev *d)
{
	(void)set_status(d, d->status | RVX_VIRTIO_STATUS_FAILED);
}

int rvx_virtio_negotiate(struct rvx_virtio_dev *d, uint64_t wanted, uint64_t *accepted)
{
	uint64_t offered, chosen;
	uint32_t st;
	int rc;

	if ((wanted & RVX_VIRTIO_F_VERSION_1) == 0)
		return -RVX_EINVAL;
	rc = rvx_virtio_reset(d);
	if (rc != 0)
		return rc;
	rc = set_status(d, RVX_VIRTIO_STATUS_ACKNOWLEDGE);
	if (rc == 0)
		rc = set_status(d, RVX_VIRTIO_STATUS_ACKNOWLEDGE | RVX_VIRTIO_STATUS_DRIVER);
	if (rc != 0)
		return rc;
	wr(d, RVX_VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered = rd(d, RVX_VIRTIO_MMIO_DEVICE_FEATURES);
	wr(d, RVX_VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)rd(d, RVX_VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	if ((offered & RVX_VIRTIO_F_VERSION_1) == 0) {
		fail(d);
		return -RVX_ENOTSUP;
	}
	chosen = offered & wanted;
	rc = witness(d, RVX_VIRTIO_EV_FEATURES, chosen, offered);
	if (rc != 0) {
		fail(d);
		return rc;
	}
	wr(d, RVX_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, RVX_VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)chosen);
	wr(d, RVX_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, RVX_VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(chosen >> 32));
	rc = set_status(d, d->status | RVX_VIRTIO_STATUS_FEATURES_OK);
	if (rc != 0) {
		fail(d);
		return rc;
	}
	st = rd(d, RVX_VIRTIO_MMIO_STATUS);
	if ((st & RVX_VIRTIO_STATUS_FEATURES_OK) == 0) {
		fail(d);
		return -RVX_ENOTSUP;
	}
	d->features = chosen;
	if (accepted != NULL)
		*accepted = chosen;
	return 0;
}

int rvx_virtio_driver_ok(struct rvx_virtio_dev *d)
{
	if ((d->status & RVX_VIRTIO_STATUS_FEATURES_OK) == 0 ||
	    (d->status & RVX_VIRTIO_STATUS_FAILED) != 0)
		return -RVX_EINVAL;
	if ((rd(d, RVX_VIRTIO_MMIO_STATUS) & RVX_VIRTIO_STATUS_NEEDS_RESET) != 0)
		return -RVX_ENOTSUP;
	return set_status(d, d->status | RVX_VIRTIO_STATUS_DRIVER_OK);
}

int rvx_virtio_config_read(struct rvx_virtio_dev *d, uint32_t off, void *buf, uint32_t len)
{
	uint8_t *out = buf;

	if (off > CONFIG_SPAN || len > CONFIG_SPAN - off || (len != 0 && buf == NULL))
		return -RVX_EINVAL;
	for (uint32_t tries = 0; tries < CONFIG_RETRIES; tries++) {
		uint32_t gen = rd(d, RVX_VIRTIO_MMIO_CONFIG_GENERATION);

		for (uint32_t i = 0; i < len; i++)
			out[i] = d->ops->read8(d->ctx, RVX_VIRTIO_MMIO_CONFIG + off + i);
		if (rd(d, RVX_VIRTIO_MMIO_CONFIG_GENERATION) == gen)
			return 0;
	}
	return -RVX_ETIMEDOUT;
}

uint32_t rvx_virtio_irq_ack(struct rvx_virtio_dev *d)
{
	uint32_t causes = rd(d, RVX_VIRTIO_MMIO_INTERRUPT_STATUS) &
			  (RVX_VIRTIO_IRQ_USED | RVX_VIRTIO_IRQ_CONFIG);

	if (causes != 0)
		wr(d, RVX_VIRTIO_MMIO_INTERRUPT_ACK, causes);
	return causes;
}

/* ---- split virtqueues ---- */

/* Ring layout: descriptors at 0, the available ring right after, the used
 * ring at the next 16-byte boundary (virtio 1.x asks 16 / 2 / 4). */
static size_t avail_off(uint32_t size)
{
	return (size_t)size * sizeof(struct rvx_virtq_desc);
}

static size_t used_off(uint32_t size)
{
	return (avail_off(size) + 6u + 2u * (size_t)size + 15u) & ~(size_t)15u;
}

size_t rvx_virtq_ring_bytes(uint32_t size)
{
	if (size == 0 || size > RVX_VIRTQ_MAX_SIZE || (size & (size - 1u)) != 0)
		return 0;
	return used_off(size) + 6u + 8u * (size_t)size;
}

int rvx_virtq_init(struct rvx_virtq *q, struct rvx_virtio_dev *d, uint16_t index, uint32_t size,
		   void *ring, struct rvx_virtq_track *track)
{
	size_t bytes = rvx_virtq_ring_bytes(size);
	struct rvx_dma_seg seg;
	int rc;

	uintptr_t t = (uintptr_t)track, w = (uintptr_t)(d != NULL ? d->win.va : NULL);

	if (q == NULL || d == NULL || bytes == 0 || ring == NULL || track == NULL ||
	    ((uintptr_t)ring & 15u) != 0)
		return -RVX_EINVAL;
	/* The bookkeeping must be out of the device's reach. */
	if (t < w + d->win.size && w < t + (size_t)size * sizeof(*track))
		return -RVX_EINVAL;
	rc = rvx_dma_map(&d->win, ring, bytes, RVX_DMA_TO_DEVICE, &seg);
	if (rc != 0)
		return rc == -RVX_EINVAL ? -RVX_EINVAL : -RVX_EPERM;
	memset(ring, 0, bytes);
	memset(track, 0, (size_t)size * sizeof(*track));
	for (uint32_t i = 0; i < size; i++)
		track[i].next = (uint16_t)(i + 1u);
	q->dev = d;
	q->desc = ring;
	q->avail = (uint16_t *)(void *)((uint8_t *)ring + avail_off(size));
	q->used = (uint8_t *)ring + used_off(size);
	q->track = track;
	q->ring_pa = seg.pa;
	q->index = index;
	q->size = (uint16_t)size;
	q->free_head = 0;
	q->free_count = (uint16_t)size;
	q->avail_idx = 0;
	q->last_used = 0;
	q->posted = 0;
	q->broken = 0;
	q->pad = 0;
	q->faults = 0;
	if (d->ops->sync != NULL)
		d->ops->sync(d->ctx, ring, bytes, RVX_DMA_TO_DEVICE);
	return 0;
}

static void wr64(const struct rvx_virtio_dev *d, uint32_t lo, uint64_t v)
{
	wr(d, lo, (uint32_t)v);
	wr(d, lo + 4u, (uint32_t)(v >> 32));
}

int rvx_virtio_queue_setup(struct rvx_virtq *q)
{
	struct rvx_virtio_dev *d = q->dev;
	uint32_t max;
	int rc;

	if ((d->status & RVX_VIRTIO_STATUS_FEATURES_OK) == 0 ||
	    (d->status & RVX_VIRTIO_STATUS_FAILED) != 0)
		return -RVX_EINVAL;
	wr(d, RVX_VIRTIO_MMIO_QUEUE_SEL, q->index);
	max = rd(d, RVX_VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max == 0)
		return -RVX_ENOENT;
	if (rd(d, RVX_VIRTIO_MMIO_QUEUE_READY) != 0)
		return -RVX_EBUSY;
	if (q->size > max)
		return -RVX_ELIMIT;
	rc = witness(d, RVX_VIRTIO_EV_QUEUE, (uint64_t)q->index << 16 | q->size, q->ring_pa);
	if (rc != 0)
		return rc;
	wr(d, RVX_VIRTIO_MMIO_QUEUE_NUM, q->size);
	wr64(d, RVX_VIRTIO_MMIO_QUEUE_DESC_LOW, q->ring_pa);
	wr64(d, RVX_VIRTIO_MMIO_QUEUE_DRIVER_LOW, q->ring_pa + avail_off(q->size));
	wr64(d, RVX_VIRTIO_MMIO_QUEUE_DEVICE_LOW, q->ring_pa + used_off(q->size));
	d->ops->barrier(d->ctx);
	wr(d, RVX_VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

int rvx_virtq_add(struct rvx_virtq *q, const struct rvx_dma_seg *segs, uint32_t out_count,
		  uint32_t in_count, uint64_t cookie)
{
	const struct rvx_virtio_dev *d = q->dev;
	volatile struct rvx_virtq_desc *desc = q->desc;
	volatile uint16_t *avail = q->avail;
	uint32_t n = out_count + in_count;
	uint64_t in_len = 0;
	uint16_t head, at;

	/* Check. */
	if (q->broken)
		return -RVX_EBADDESC;
	if (segs == NULL || n == 0 || n < out_count)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t want = i < out_count ? RVX_DMA_TO_DEVICE : RVX_DMA_FROM_DEVICE;

		if (segs[i].len == 0 || segs[i].dir != want)
			return -RVX_EINVAL;
		if (rvx_dma_check(&d->win, segs[i].pa, segs[i].len) != 0)
			return -RVX_EPERM;
		if (i >= out_count)
			in_len += segs[i].len;
	}
	if (in_len > UINT32_MAX)
		return -RVX_EINVAL;
	if (n > q->free_count)
		return -RVX_EFULL;

	/* Commit. */
	head = q->free_head;
	at = head;
	for (uint32_t i = 0; i < n; i++) {
		struct rvx_virtq_track *t = &q->track[at];
		uint16_t flags = i >= out_count ? RVX_VIRTQ_DESC_WRITE : 0;
		uint16_t next = t->next;

		if (i + 1u < n)
			flags |= RVX_VIRTQ_DESC_NEXT;
		if (d->ops->sync != NULL)
			d->ops->sync(d->ctx, rvx_dma_va(&d->win, segs[i].pa, segs[i].len),
				     segs[i].len, segs[i].dir);
		t->pa = segs[i].pa;
		t->len = segs[i].len;
		t->flags = flags;
		t->head = 0;
		desc[at].addr = segs[i].pa;
		desc[at].len = segs[i].len;
		desc[at].flags = flags;
		desc[at].next = (flags & RVX_VIRTQ_DESC_NEXT) != 0 ? next : 0;
		at = next;
	}
	q->free_head = at;
	q->free_count = (uint16_t)(q->free_count - n);
	q->track[head].head = 1;
	q->track[head].chain = (uint16_t)n;
	q->track[head].in_len = (uint32_t)in_len;
	q->track[head].cookie = cookie;
	avail[2u + (q->avail_idx & (q->size - 1u))] = head;
	if (d->ops->sync != NULL)
		d->ops->sync(d->ctx, q->desc, used_off(q->size), RVX_DMA_TO_DEVICE);
	d->ops->barrier(d->ctx);
	q->avail_idx++;
	avail[1] = q->avail_idx;
	if (d->ops->sync != NULL)
		d->ops->sync(d->ctx, q->avail, 4, RVX_DMA_TO_DEVICE);
	q->posted++;
	return 0;
}

void rvx_virtq_kick(struct rvx_virtq *q)
{
	q->dev->ops->barrier(q->dev->ctx);
	wr(q->dev, RVX_VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

/* The device broke the protocol: mark the queue broken, count and witness
 * it (the witness cannot refuse what already happened). */
static int refuse(struct rvx_virtq *q, uint32_t what)
{
	q->broken = 1;
	q->faults++;
	(void)witness(q->dev, RVX_VIRTIO_EV_FAULT, q->index, what);
	return -RVX_EBADDESC;
}

int rvx_virtq_get(struct rvx_virtq *q, uint64_t *cookie, uint32_t *len)
{
	const struct rvx_virtio_dev *d = q->dev;
	volatile uint8_t *used = q->used;
	volatile struct rvx_virtq_used_elem *elem;
	struct rvx_virtq_track *t;
	uint16_t used_idx, id16, at;
	uint32_t id, wrote;

	if (q->broken)
		return -RVX_EBADDESC;
	if (d->ops->sync != NULL)
		d->ops->sync(d->ctx, q->used, 4, RVX_DMA_FROM_DEVICE);
	used_idx = *(volatile uint16_t *)(void *)(used + 2);
	if (used_idx == q->last_used)
		return -RVX_EEMPTY;
	if ((uint16_t)(used_idx - q->last_used) > q->posted)
		return refuse(q, RVX_VIRTIO_FAULT_USED_IDX);
	d->ops->barrier(d->ctx);
	elem = (volatile struct rvx_virtq_used_elem *)(void *)(used + 4u +
		8u * (size_t)(q->last_used & (q->size - 1u)));
	if (d->ops->sync != NULL)
		d->ops->sync(d->ctx, (const void *)(uintptr_t)elem, 8, RVX_DMA_FROM_DEVICE);
	id = elem->id;
	wrote = elem->len;
	if (id >= q->size || !q->track[id].head)
		return refuse(q, RVX_VIRTIO_FAULT_USED_ID);
	t = &q->track[id];
	if (wrote > t->in_len)
		return refuse(q, RVX_VIRTIO_FAULT_USED_LEN);

	/* Commit: the chain's writable buffers are the CPU's again. */
	id16 = (uint16_t)id;
	at = id16;
	for (uint16_t i = 0; i < t->chain; i++) {
		struct rvx_virtq_track *c = &q->track[at];

		if (d->ops->sync != NULL && (c->flags & RVX_VIRTQ_DESC_WRITE) != 0)
			d->ops->sync(d->ctx, rvx_dma_va(&d->win, c->pa, c->len), c->len,
				     RVX_DMA_FROM_DEVICE);
		if (i + 1u < t->chain)
			at = c->next;
	}
	/* The chain's descriptors stay linked by their private next: put the
	 * whole chain back in front of the free list. */
	q->track[at].next = q->free_head;
	q->free_head = id16;
	q->free_count = (uint16_t)(q->free_count + t->chain);
	*cookie = t->cookie;
	*len = wrote;
	t->head = 0;
	q->last_used++;
	q->posted--;
	return 0;
}
