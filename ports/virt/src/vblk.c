/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-blk (virtio 1.x, section 5.2) on lib/virtio. Each request is one
 * chain: the 16-byte header (device-readable), the data block (readable for
 * a write, writable for a read, absent for a flush) and the status byte
 * (writable). The queue is polled: the kernel's persistence runs on the
 * boot CPU before scheduling starts, and every wait is bounded.
 */
#include <libfdt.h>

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

static uint32_t r32(void *ctx, uint32_t off)
{
	const struct vblk *b = ctx;

	return *(volatile const uint32_t *)(uintptr_t)(b->base + off);
}

static uint8_t r8(void *ctx, uint32_t off)
{
	const struct vblk *b = ctx;

	return *(volatile const uint8_t *)(uintptr_t)(b->base + off);
}

static void w32(void *ctx, uint32_t off, uint32_t v)
{
	const struct vblk *b = ctx;

	*(volatile uint32_t *)(uintptr_t)(b->base + off) = v;
}

static void barrier(void *ctx)
{
	(void)ctx;
	__asm__ volatile("dsb sy" ::: "memory");
}

/* Clean (to device) or invalidate (from device) the lines of [va, va+len). */
static void sync_range(void *ctx, const void *va, size_t len, uint32_t dir)
{
	uint64_t ctr, line, a, end = (uint64_t)(uintptr_t)va + len;

	(void)ctx;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	line = UINT64_C(4) << ((ctr >> 16) & 15u);
	for (a = (uint64_t)(uintptr_t)va & ~(line - 1u); a < end; a += line) {
		if (dir == RVX_DMA_TO_DEVICE)
			__asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
		else
			__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	}
	__asm__ volatile("dsb sy" ::: "memory");
}

static int witness(void *ctx, uint32_t event, uint64_t a, uint64_t b2)
{
	struct vblk *b = ctx;

	return b->witness != NULL ? b->witness(b->witness_ctx, b->base, event, a, b2) : 0;
}

static const struct rvx_virtio_ops ops = {r32, r8, w32, barrier, sync_range, witness};

int vblk_open(struct vblk *b, uint32_t nth, bool need_flush, vblk_witness_fn wit, void *ctx)
{
	const void *dtb = rvx_a64_board.dtb;
	const struct rvx_a64_range *span = &rvx_a64_board.virtio;
	uint64_t cap = 0;
	uint64_t bases[32];
	uint32_t seen = 0;
	uint8_t *mem;
	int node = -1, rc;

	memset(b, 0, sizeof(*b));
	b->witness = wit;
	b->witness_ctx = ctx;
	mem = rvx_a64_alloc(WINDOW_BYTES, 4096);
	if (mem == NULL)
		return -RVX_ENOMEM;
	memset(mem, 0, WINDOW_BYTES);
	/* The kernel's RAM is mapped at its physical address. */
	rc = rvx_dma_window_init(&b->win, mem, (uint64_t)(uintptr_t)mem, WINDOW_BYTES);
	if (rc != 0)
		return rc;
	b->ring = mem;
	b->hdr = mem + 3u * 4096u;
	b->status = b->hdr + 64;
	b->data = mem + 4u * 4096u;
	if (rvx_virtq_ring_bytes(QUEUE_SIZE) > 3u * 4096u)
		return -RVX_ENOMEM;
	/* The block devices by slot, highest first: QEMU's virt machine puts
	 * the first -device in the highest slot, so `nth` follows the command
	 * line. */
	while ((node = fdt_node_offset_by_compatible(dtb, node, "virtio,mmio")) >= 0) {
		struct rvx_a64_fdt_node n = {node, 1, {0}};
		struct rvx_a64_range r;
		uint32_t i;

		if (fdt_parent_offset(dtb, node) != 0 || rvx_a64_fdt_reg(&n, 0, &r) != 0 ||
		    r.size < RVX_VIRTIO_MMIO_SPAN || r.base < span->base ||
		    r.base + RVX_VIRTIO_MMIO_SPAN > span->base + span->size)
			continue;
		b->base = r.base;
		if (rvx_virtio_probe(&b->dev, &ops, b, &b->win, RVX_VIRTIO_ID_BLOCK, POLL_LIMIT) != 0 ||
		    seen == sizeof(bases) / sizeof(bases[0]))
			continue;
		for (i = seen++; i > 0 && bases[i - 1] < r.base; i--)
			bases[i] = bases[i - 1];
		bases[i] = r.base;
	}
	if (nth >= seen)
		return -RVX_ENOENT;
	b->base = bases[nth];
	rc = rvx_virtio_probe(&b->dev, &ops, b, &b->win, RVX_VIRTIO_ID_BLOCK, POLL_LIMIT);
	if (rc != 0)
		return rc;
	rc = rvx_virtio_negotiate(&b->dev, RVX_VIRTIO_F_VERSION_1 | BLK_F_FLUSH, &b->features);
	if (rc != 0)
		return rc;
	if (need_flush && !(b->features & BLK_F_FLUSH))
		return -RVX_ENOTSUP;
	rc = rvx_virtio_config_read(&b->dev, 0, &cap, sizeof(cap));
	if (rc != 0)
		return rc;
	b->sectors = cap;
	b->blocks = cap / SECTORS_PER_BLOCK;
	rc = rvx_virtq_init(&b->q, &b->dev, 0, QUEUE_SIZE, b->ring, b->track);
	if (rc == 0)
		rc = rvx_virtio_queue_setup(&b->q);
	if (rc == 0)
		rc = rvx_virtio_driver_ok(&b->dev);
	return rc;
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
	rc = rvx_dma_map(&b->win, b->hdr, 16, RVX_DMA_TO_DEVICE, &segs[n++]);
	if (rc == 0 && type != BLK_T_FLUSH)
		rc = rvx_dma_map(&b->win, b->data, bytes, data_dir, &segs[n++]);
	if (rc == 0)
		rc = rvx_dma_map(&b->win, b->status, 1, RVX_DMA_FROM_DEVICE, &segs[n++]);
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
	(void)rvx_virtio_irq_ack(&b->dev);
	if (rc != 0)
		return rc;
	if (type == BLK_T_IN)
		sync_range(NULL, b->data, bytes, RVX_DMA_FROM_DEVICE);
	sync_range(NULL, b->status, 1, RVX_DMA_FROM_DEVICE);
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
