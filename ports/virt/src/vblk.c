/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-blk (virtio 1.x, section 5.2) on lib/virtio. Each request is one
 * chain: the 16-byte header (device-readable), the data block (readable for
 * a write, writable for a read, absent for a flush) and the status byte
 * (writable). The queue is polled: the kernel's persistence runs on the
 * boot CPU before scheduling starts, and every wait is bounded. The lease
 * (vdev.c) witnesses the grant and every privileged action on the device;
 * requests are the data path inside the lease.
 */
#include "vblk.h"
#include "virt.h"

#define BLK_T_IN 0u
#define BLK_T_OUT 1u
#define BLK_T_FLUSH 4u
#define BLK_S_OK 0u
#define BLK_F_FLUSH (UINT64_C(1) << 9)
#define SECTORS_PER_BLOCK (VBLK_BLOCK / 512u)
#define QUEUE_SIZE 8u
#define POLL_LIMIT 100000000u
#define WINDOW_BYTES (4u * 4096u + VBLK_BLOCK)
_Static_assert(VBLK_BLOCK % 512u == 0, "whole sectors");

int vblk_open(struct vblk *b, uint32_t owner, bool need_flush)
{
	uint64_t cap = 0;
	int rc;

	memset(b, 0, sizeof(*b));
	rc = rvx_virt_vdev_lease(RVX_VIRTIO_ID_BLOCK, owner, WINDOW_BYTES, &b->lease);
	if (rc != 0)
		return rc;
	b->base = b->lease.base;
	b->ring = rvx_virt_dma_alloc(&b->lease, rvx_virtq_ring_bytes(QUEUE_SIZE), 4096);
	b->hdr = rvx_virt_dma_alloc(&b->lease, 64, 64);
	b->status = rvx_virt_dma_alloc(&b->lease, 64, 64);
	b->data = rvx_virt_dma_alloc(&b->lease, VBLK_BLOCK, 4096);
	if (b->ring == NULL || b->hdr == NULL || b->status == NULL || b->data == NULL)
		return -RVX_ENOMEM;
	rc = rvx_virtio_negotiate(&b->lease.dev, RVX_VIRTIO_F_VERSION_1 | BLK_F_FLUSH,
				  &b->features);
	if (rc != 0)
		return rc;
	if (need_flush && !(b->features & BLK_F_FLUSH))
		return -RVX_ENOTSUP;
	rc = rvx_virtio_config_read(&b->lease.dev, 0, &cap, sizeof(cap));
	if (rc != 0)
		return rc;
	b->sectors = cap;
	b->blocks = cap / SECTORS_PER_BLOCK;
	rc = rvx_virtq_init(&b->q, &b->lease.dev, 0, QUEUE_SIZE, b->ring, b->track);
	if (rc == 0)
		rc = rvx_virtio_queue_setup(&b->q);
	if (rc == 0)
		rc = rvx_virtio_driver_ok(&b->lease.dev);
	return rc;
}

/* After the device wrote [va, va + len): lib/virtio's sync hook, if the
 * device is not coherent. */
static void device_wrote(struct vblk *b, const void *va, size_t len)
{
	if (b->lease.dev.ops->sync != NULL)
		b->lease.dev.ops->sync(b->lease.dev.ctx, va, len, RVX_DMA_FROM_DEVICE);
}

/* One request of @p bytes (a multiple of 512, at most VBLK_BLOCK) at 512-byte
 * sector @p sector, waited for. */
static int request(struct vblk *b, uint32_t type, uint64_t sector, uint32_t bytes,
		   uint32_t data_dir)
{
	struct rvx_dma_seg segs[3];
	uint32_t n = 0, outs, len;
	uint64_t cookie;
	int rc;

	if (type != BLK_T_FLUSH &&
	    (bytes == 0 || bytes > VBLK_BLOCK || bytes % 512u != 0 ||
	     sector >= b->sectors || bytes / 512u > b->sectors - sector))
		return -RVX_EINVAL;
	memset(b->hdr, 0, 16);
	b->hdr[0] = (uint8_t)type;
	for (int i = 0; i < 8; i++)
		b->hdr[8 + i] = (uint8_t)(sector >> (8 * i));
	*b->status = 0xff;
	rc = rvx_dma_map(&b->lease.win, b->hdr, 16, RVX_DMA_TO_DEVICE, &segs[n++]);
	if (rc == 0 && type != BLK_T_FLUSH)
		rc = rvx_dma_map(&b->lease.win, b->data, bytes, data_dir, &segs[n++]);
	if (rc == 0)
		rc = rvx_dma_map(&b->lease.win, b->status, 1, RVX_DMA_FROM_DEVICE, &segs[n++]);
	if (rc != 0)
		return rc;
	outs = type == BLK_T_OUT ? 2u : 1u;
	rc = rvx_virtq_add(&b->q, segs, outs, n - outs, sector);
	if (rc != 0)
		return rc;
	rvx_virtq_kick(&b->q);
	for (uint32_t spin = 0;; spin++) {
		rc = rvx_virtq_get(&b->q, &cookie, &len);
		if (rc != -RVX_EEMPTY)
			break;
		if (spin == POLL_LIMIT)
			return -RVX_ETIMEDOUT;
	}
	(void)rvx_virtio_irq_ack(&b->lease.dev);
	if (rc != 0)
		return rc;
	if (type == BLK_T_IN)
		device_wrote(b, b->data, bytes);
	device_wrote(b, b->status, 1);
	b->requests++;
	return *(volatile uint8_t *)b->status == BLK_S_OK ? 0 : -RVX_EINVAL;
}

int vblk_read_sectors(struct vblk *b, uint64_t sector, uint32_t count, void *buf)
{
	uint8_t *out = buf;

	while (count > 0) {
		uint32_t n = count < SECTORS_PER_BLOCK ? count : SECTORS_PER_BLOCK;
		int rc = request(b, BLK_T_IN, sector, n * 512u, RVX_DMA_FROM_DEVICE);

		if (rc != 0)
			return rc;
		memcpy(out, b->data, n * 512u);
		out += n * 512u;
		sector += n;
		count -= n;
	}
	return 0;
}

int vblk_read(struct vblk *b, uint64_t lba, void *buf)
{
	int rc = lba < b->blocks ? request(b, BLK_T_IN, lba * SECTORS_PER_BLOCK, VBLK_BLOCK,
					   RVX_DMA_FROM_DEVICE)
				 : -RVX_EINVAL;

	if (rc == 0)
		memcpy(buf, b->data, VBLK_BLOCK);
	return rc;
}

int vblk_write(struct vblk *b, uint64_t lba, const void *buf)
{
	if (lba >= b->blocks)
		return -RVX_EINVAL;
	memcpy(b->data, buf, VBLK_BLOCK);
	return request(b, BLK_T_OUT, lba * SECTORS_PER_BLOCK, VBLK_BLOCK, RVX_DMA_TO_DEVICE);
}

int vblk_flush(struct vblk *b)
{
	return request(b, BLK_T_FLUSH, 0, 0, 0);
}

static int dev_read(void *ctx, uint64_t lba, void *buf)
{
	return vblk_read(ctx, lba, buf);
}

static int dev_write(void *ctx, uint64_t lba, const void *buf)
{
	return vblk_write(ctx, lba, buf);
}

static int dev_flush(void *ctx)
{
	return vblk_flush(ctx);
}

struct rvx_persist_dev vblk_persist_dev(struct vblk *b)
{
	struct rvx_persist_dev d = {b, VBLK_BLOCK, b->blocks, dev_read, dev_write, dev_flush};

	return d;
}
