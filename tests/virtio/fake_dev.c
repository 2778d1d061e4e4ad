/* SPDX-License-Identifier: Apache-2.0 */
#include "fake_dev.h"

void fake_init(struct fake_dev *f, uint32_t device_id)
{
	memset(f, 0, sizeof(*f));
	f->magic = RVX_VIRTIO_MAGIC;
	f->version = 2;
	f->device_id = device_id;
	f->vendor_id = 0x554d4551u;
	f->offered = RVX_VIRTIO_F_VERSION_1 | (UINT64_C(1) << 5);
	f->fill = UINT32_MAX;
	for (uint32_t i = 0; i < FAKE_QUEUES; i++)
		f->q[i].num_max = 8;
	for (uint32_t i = 0; i < sizeof(f->config); i++)
		f->config[i] = (uint8_t)(0x50u + i);
}

void fake_window(struct fake_dev *f, struct rvx_dma_window *w)
{
	w->va = f->mem;
	w->pa = FAKE_PA;
	w->size = FAKE_MEM;
}

/* The device's own view of guest memory: NULL outside. */
static uint8_t *at(struct fake_dev *f, uint64_t pa, uint64_t len)
{
	if (pa < FAKE_PA || pa - FAKE_PA > FAKE_MEM || len > FAKE_MEM - (pa - FAKE_PA))
		return NULL;
	return f->mem + (pa - FAKE_PA);
}

static void process(struct fake_dev *f, uint32_t qi)
{
	struct fake_queue *q = &f->q[qi];
	uint16_t *avail = (uint16_t *)(void *)at(f, q->driver, 4u + 2u * q->num);
	uint8_t *used = at(f, q->device, 4u + 8u * q->num);
	struct rvx_virtq_desc *desc = (struct rvx_virtq_desc *)(void *)at(f, q->desc, 16u * q->num);

	if (f->mode == FAKE_HOLD || avail == NULL || used == NULL || desc == NULL)
		return;
	while (q->last_avail != avail[1]) {
		uint16_t head = avail[2u + (q->last_avail % q->num)];
		uint16_t d = head;
		uint32_t wrote = 0, room = 0;

		for (uint32_t hops = 0; hops < q->num; hops++) {
			uint8_t *buf = at(f, desc[d].addr, desc[d].len);

			if (buf == NULL)
				break;
			if (desc[d].flags & RVX_VIRTQ_DESC_WRITE) {
				room += desc[d].len;
				for (uint32_t i = 0; i < desc[d].len && wrote < f->fill; i++)
					buf[i] = (uint8_t)(0xa5u + wrote++);
			} else {
				for (uint32_t i = 0; i < desc[d].len && f->out_len < sizeof(f->out_seen); i++)
					f->out_seen[f->out_len++] = buf[i];
			}
			if (!(desc[d].flags & RVX_VIRTQ_DESC_NEXT))
				break;
			d = desc[d].next;
		}
		struct rvx_virtq_used_elem *e =
			(struct rvx_virtq_used_elem *)(void *)(used + 4u + 8u * (q->used_idx % q->num));
		e->id = head;
		e->len = wrote;
		switch (f->mode) {
		case FAKE_BAD_ID:
			e->id = q->num + 3u;
			break;
		case FAKE_NOT_HEAD:
			e->id = (head + 1u) % q->num;
			break;
		case FAKE_LIE_LEN:
			e->len = room + 1u;
			break;
		case FAKE_SCRIBBLE:
			for (uint32_t i = 0; i < q->num; i++) {
				desc[i].next = 0x7777;
				desc[i].len = 0xffffffffu;
				desc[i].addr = 0;
			}
			break;
		default:
			break;
		}
		q->used_idx = (uint16_t)(q->used_idx + (f->mode == FAKE_IDX_JUMP ? 2u : 1u));
		q->last_avail++;
	}
	*(uint16_t *)(void *)(used + 2) = q->used_idx;
	f->irq_status |= RVX_VIRTIO_IRQ_USED;
}

static uint32_t fake_read32(void *ctx, uint32_t off)
{
	struct fake_dev *f = ctx;
	struct fake_queue *q = &f->q[f->queue_sel < FAKE_QUEUES ? f->queue_sel : 0];

	switch (off) {
	case RVX_VIRTIO_MMIO_MAGIC:
		return f->magic;
	case RVX_VIRTIO_MMIO_VERSION:
		return f->version;
	case RVX_VIRTIO_MMIO_DEVICE_ID:
		return f->device_id;
	case RVX_VIRTIO_MMIO_VENDOR_ID:
		return f->vendor_id;
	case RVX_VIRTIO_MMIO_DEVICE_FEATURES:
		return f->dev_sel == 0 ? (uint32_t)f->offered :
		       f->dev_sel == 1 ? (uint32_t)(f->offered >> 32) : 0;
	case RVX_VIRTIO_MMIO_QUEUE_NUM_MAX:
		return f->queue_sel < FAKE_QUEUES ? q->num_max : 0;
	case RVX_VIRTIO_MMIO_QUEUE_READY:
		return f->queue_sel < FAKE_QUEUES ? q->ready : 0;
	case RVX_VIRTIO_MMIO_INTERRUPT_STATUS:
		return f->irq_status;
	case RVX_VIRTIO_MMIO_STATUS:
		return (f->reset_stuck ? 1u : f->status) |
		       (f->needs_reset ? RVX_VIRTIO_STATUS_NEEDS_RESET : 0u);
	case RVX_VIRTIO_MMIO_CONFIG_GENERATION:
		return f->gen_spin ? f->generation++ : f->generation;
	default:
		return 0;
	}
}

static uint8_t fake_read8(void *ctx, uint32_t off)
{
	struct fake_dev *f = ctx;

	if (off < RVX_VIRTIO_MMIO_CONFIG || off >= RVX_VIRTIO_MMIO_SPAN)
		return 0;
	return f->config[off - RVX_VIRTIO_MMIO_CONFIG];
}

static void fake_write32(void *ctx, uint32_t off, uint32_t v)
{
	struct fake_dev *f = ctx;
	struct fake_queue *q = &f->q[f->queue_sel < FAKE_QUEUES ? f->queue_sel : 0];

	f->writes++;
	switch (off) {
	case RVX_VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		f->dev_sel = v;
		break;
	case RVX_VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		f->drv_sel = v;
		break;
	case RVX_VIRTIO_MMIO_DRIVER_FEATURES:
		if (f->drv_sel == 0)
			f->driver_features = (f->driver_features & ~UINT64_C(0xffffffff)) | v;
		else if (f->drv_sel == 1)
			f->driver_features = (f->driver_features & UINT64_C(0xffffffff)) |
					     (uint64_t)v << 32;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_SEL:
		f->queue_sel = v;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_NUM:
		q->num = v;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_READY:
		q->ready = v;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_DESC_LOW:
		q->desc = (q->desc & ~UINT64_C(0xffffffff)) | v;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_DESC_HIGH:
		q->desc = (q->desc & UINT64_C(0xffffffff)) | (uint64_t)v << 32;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		q->driver = (q->driver & ~UINT64_C(0xffffffff)) | v;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		q->driver = (q->driver & UINT64_C(0xffffffff)) | (uint64_t)v << 32;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		q->device = (q->device & ~UINT64_C(0xffffffff)) | v;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		q->device = (q->device & UINT64_C(0xffffffff)) | (uint64_t)v << 32;
		break;
	case RVX_VIRTIO_MMIO_QUEUE_NOTIFY:
		f->notifies++;
		if (v < FAKE_QUEUES && f->q[v].ready)
			process(f, v);
		break;
	case RVX_VIRTIO_MMIO_INTERRUPT_ACK:
		f->irq_acks++;
		f->irq_status &= ~v;
		break;
	case RVX_VIRTIO_MMIO_STATUS:
		if (v == 0) {
			f->status = 0;
			f->driver_features = 0;
			for (uint32_t i = 0; i < FAKE_QUEUES; i++) {
				f->q[i].ready = 0;
				f->q[i].last_avail = 0;
				f->q[i].used_idx = 0;
			}
			break;
		}
		if ((v & RVX_VIRTIO_STATUS_FEATURES_OK) && f->refuse_features)
			v &= ~RVX_VIRTIO_STATUS_FEATURES_OK;
		f->status = v;
		break;
	default:
		break;
	}
}

static void fake_barrier(void *ctx)
{
	(void)ctx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static int fake_witness(void *ctx, uint32_t event, uint64_t a, uint64_t b)
{
	struct fake_dev *f = ctx;

	if (f->witness_refuse != 0 && (uint32_t)f->witness_refuse == event)
		return -RVX_EFULL;
	if (f->ev_count < FAKE_EVENTS) {
		f->ev[f->ev_count] = event;
		f->ev_a[f->ev_count] = a;
		f->ev_b[f->ev_count] = b;
		f->ev_count++;
	}
	return 0;
}

const struct rvx_virtio_ops fake_ops = {
	.read32 = fake_read32,
	.read8 = fake_read8,
	.write32 = fake_write32,
	.barrier = fake_barrier,
	.sync = NULL,
	.witness = fake_witness,
};

static void fake_sync(void *ctx, const void *va, size_t len, uint32_t dir)
{
	struct fake_dev *f = ctx;
	const uint8_t *p = va;

	if (dir == RVX_DMA_TO_DEVICE) {
		f->sync_to++;
		f->sync_to_bytes += len;
	} else {
		f->sync_from++;
		f->sync_from_bytes += len;
		if (len >= 64 && p[0] == 0xa5)
			f->sync_from_with_data = 1;
	}
}

const struct rvx_virtio_ops fake_ops_sync = {
	.read32 = fake_read32,
	.read8 = fake_read8,
	.write32 = fake_write32,
	.barrier = fake_barrier,
	.sync = fake_sync,
	.witness = fake_witness,
};
