/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-blk on the virt board, over lib/virtio's transport and the board's
 * device seam (vdev.h): the disk is used through a lease (witnessed grant,
 * DMA window of its own, every privileged action witnessed); one request
 * queue, polled. Blocks are 4096 bytes (eight sectors); writes
 * are durable after vblk_flush() (VIRTIO_BLK_F_FLUSH, which a writer
 * requires); reads may also go by 512-byte sectors.
 */
#ifndef RVX_VIRT_VBLK_H
#define RVX_VIRT_VBLK_H

#include "ruvix/persist.h"
#include "ruvix/virtio.h"
#include "vdev.h"

/** Bytes of a block the driver reads and writes. */
#define VBLK_BLOCK 4096u

struct vblk {
	struct rvx_virt_lease lease; /* the device and its DMA window */
	struct rvx_virtq q;
	struct rvx_virtq_track track[8]; /* private: outside the window */
	uint8_t *ring;
	uint8_t *hdr;        /* 16 bytes: type, reserved, sector */
	uint8_t *status;     /* 1 byte */
	uint8_t *data;       /* VBLK_BLOCK bytes */
	uint64_t base;       /* registers */
	uint64_t blocks;     /* VBLK_BLOCK blocks on the disk */
	uint64_t sectors;    /* 512-byte sectors on the disk */
	uint64_t features;
	uint64_t requests;
};

/**
 * Lease the free virtio-blk device in the lowest slot (QEMU's virt
 * machine gives the last -device the lowest) to task @p owner, set it up
 * and make it ready; with @p need_flush, only if it can flush.
 * @retval 0 ready
 * @retval -RVX_ENOENT no free virtio-blk device
 * @retval -RVX_ENOMEM no RAM for the DMA window
 * @retval -RVX_ENOTSUP the device lacks VERSION_1 or FLUSH
 * @retval other the transport's error
 */
int vblk_open(struct vblk *b, uint32_t owner, bool need_flush);

/** Read block @p lba into @p buf (VBLK_BLOCK bytes). */
int vblk_read(struct vblk *b, uint64_t lba, void *buf);
/** Write block @p lba from @p buf (VBLK_BLOCK bytes). */
int vblk_write(struct vblk *b, uint64_t lba, const void *buf);
/** Read @p count 512-byte sectors from @p sector into @p buf. */
int vblk_read_sectors(struct vblk *b, uint64_t sector, uint32_t count, void *buf);
/** Make every completed write durable. */
int vblk_flush(struct vblk *b);
/** The disk as a lib/persist device. */
struct rvx_persist_dev vblk_persist_dev(struct vblk *b);

#endif
