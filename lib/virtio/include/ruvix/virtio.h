/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file virtio.h
 * @brief virtio-mmio (modern, version 2) transport, split virtqueues and DMA windows.
 *
 * A driver owns one device through a struct rvx_virtio_dev and a DMA window
 * (struct rvx_dma_window): the memory its owner holds, the only memory the
 * device is ever told about. Every address the library writes into a
 * descriptor or a queue register is checked against that window first;
 * everything the device writes back (used ids, lengths, the used index) is
 * checked before it is believed. A device that lies is refused with
 * -RVX_EBADDESC and its queue is marked broken until the device is reset.
 *
 * The embedder provides the register access and the environment through
 * struct rvx_virtio_ops: 32-bit and 8-bit register reads, 32-bit writes, a
 * device barrier, cache maintenance (NULL where DMA is coherent) and a
 * witness hook that is called *before* every privileged action (reset,
 * status change, feature choice, queue placement, failure) and may refuse
 * it. The library knows no port: on the host a fake device model stands
 * behind the same operations.
 *
 * Order of use:
 *  1. rvx_dma_window_init() over the owner's memory.
 *  2. rvx_virtio_probe(): magic, version 2, a device (id != 0), of the
 *     expected type.
 *  3. rvx_virtio_negotiate(): reset, ACKNOWLEDGE, DRIVER, features
 *     (VIRTIO_F_VERSION_1 required), FEATURES_OK read back.
 *  4. rvx_virtq_init() on ring memory inside the window (its size from
 *     rvx_virtq_ring_bytes()) and private bookkeeping, then
 *     rvx_virtio_queue_setup() for each queue.
 *  5. rvx_virtio_driver_ok(). Then the data path: rvx_virtq_add(),
 *     rvx_virtq_kick(), and on an interrupt rvx_virtio_irq_ack() and
 *     rvx_virtq_get() until -RVX_EEMPTY.
 *  rvx_virtio_reset() ends it all (the device forgets every queue).
 *
 * Every wait on the device is bounded by the device's poll limit: a device
 * that never answers gives -RVX_ETIMEDOUT, never a hang.
 *
 * Concurrency: one queue is used by one CPU at a time (the caller locks);
 * the device registers by one CPU at a time.
 */
#ifndef RVX_VIRTIO_H
#define RVX_VIRTIO_H

#include "ruvix/env.h"
#include "ruvix/err.h"

/* ---- virtio-mmio registers (virtio 1.x, section 4.2.2) ---- */
#define RVX_VIRTIO_MMIO_MAGIC 0x000u          /**< "virt" */
#define RVX_VIRTIO_MMIO_VERSION 0x004u        /**< 2 for modern devices */
#define RVX_VIRTIO_MMIO_DEVICE_ID 0x008u      /**< 0: no device in the slot */
#define RVX_VIRTIO_MMIO_VENDOR_ID 0x00cu      /**< vendor */
#define RVX_VIRTIO_MMIO_DEVICE_FEATURES 0x010u     /**< 32 feature bits of the selected word */
#define RVX_VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014u /**< word select */
#define RVX_VIRTIO_MMIO_DRIVER_FEATURES 0x020u     /**< accepted bits of the selected word */
#define RVX_VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024u /**< word select */
#define RVX_VIRTIO_MMIO_QUEUE_SEL 0x030u      /**< queue select */
#define RVX_VIRTIO_MMIO_QUEUE_NUM_MAX 0x034u  /**< largest queue size (0: no queue) */
#define RVX_VIRTIO_MMIO_QUEUE_NUM 0x038u      /**< queue size chosen */
#define RVX_VIRTIO_MMIO_QUEUE_READY 0x044u    /**< queue ready */
#define RVX_VIRTIO_MMIO_QUEUE_NOTIFY 0x050u   /**< notify (queue index) */
#define RVX_VIRTIO_MMIO_INTERRUPT_STATUS 0x060u /**< pending interrupt causes */
#define RVX_VIRTIO_MMIO_INTERRUPT_ACK 0x064u  /**< acknowledge causes */
#define RVX_VIRTIO_MMIO_STATUS 0x070u         /**< device status */
#define RVX_VIRTIO_MMIO_QUEUE_DESC_LOW 0x080u /**< descriptor table, low word */
#define RVX_VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084u /**< descriptor table, high word */
#define RVX_VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090u /**< available ring, low word */
#define RVX_VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094u /**< available ring, high word */
#define RVX_VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0u /**< used ring, low word */
#define RVX_VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4u /**< used ring, high word */
#define RVX_VIRTIO_MMIO_CONFIG_GENERATION 0x0fcu /**< configuration generation */
#define RVX_VIRTIO_MMIO_CONFIG 0x100u         /**< device-specific configuration */
/** The registers' span, configuration space included (one QEMU slot). */
#define RVX_VIRTIO_MMIO_SPAN 0x200u

#define RVX_VIRTIO_MAGIC 0x74726976u /**< "virt", little-endian */

/* Device status bits. */
#define RVX_VIRTIO_STATUS_ACKNOWLEDGE 1u  /**< the driver saw the device */
#define RVX_VIRTIO_STATUS_DRIVER 2u       /**< the driver can drive it */
#define RVX_VIRTIO_STATUS_DRIVER_OK 4u    /**< the driver is ready */
#define RVX_VIRTIO_STATUS_FEATURES_OK 8u  /**< feature negotiation is complete */
#define RVX_VIRTIO_STATUS_NEEDS_RESET 64u /**< the device gave up */
#define RVX_VIRTIO_STATUS_FAILED 128u     /**< the driver gave up */

/* Interrupt causes. */
#define RVX_VIRTIO_IRQ_USED 1u   /**< a used ring moved */
#define RVX_VIRTIO_IRQ_CONFIG 2u /**< the configuration changed */

/* Device types. */
#define RVX_VIRTIO_ID_NET 1u   /**< network card */
#define RVX_VIRTIO_ID_BLOCK 2u /**< block device */
#define RVX_VIRTIO_ID_RNG 4u   /**< entropy source */

/** VIRTIO_F_VERSION_1: the device is modern (required). */
#define RVX_VIRTIO_F_VERSION_1 (UINT64_C(1) << 32)

/* Descriptor flags. */
#define RVX_VIRTQ_DESC_NEXT 1u  /**< the chain continues at `next` */
#define RVX_VIRTQ_DESC_WRITE 2u /**< the device writes this buffer */

/** Largest queue size the library drives. */
#define RVX_VIRTQ_MAX_SIZE 1024u

/* ---- DMA ---- */

/** Directions of a DMA segment. */
#define RVX_DMA_TO_DEVICE 1u   /**< the device reads it */
#define RVX_DMA_FROM_DEVICE 2u /**< the device writes it */

/** The memory a driver's owner holds: the only memory its devices see. */
struct rvx_dma_window {
	uint8_t *va;   /**< where the CPU sees it */
	uint64_t pa;   /**< where the device sees it (physical / bus address) */
	uint64_t size; /**< bytes */
};

/** One piece of a physical scatter-gather list. */
struct rvx_dma_seg {
	uint64_t pa;  /**< bus address (inside the owner's window) */
	uint32_t len; /**< bytes (> 0) */
	uint32_t dir; /**< RVX_DMA_TO_DEVICE or RVX_DMA_FROM_DEVICE */
};

/** Privileged device actions, as passed to rvx_virtio_ops.witness. */
enum rvx_virtio_event {
	RVX_VIRTIO_EV_RESET = 1,     /**< a: 0 */
	RVX_VIRTIO_EV_STATUS = 2,    /**< a: the status written */
	RVX_VIRTIO_EV_FEATURES = 3,  /**< a: the features accepted */
	RVX_VIRTIO_EV_QUEUE = 4,     /**< a: index << 16 | size, b: ring bus address */
	RVX_VIRTIO_EV_FAULT = 5,     /**< the device broke the protocol; a: queue, b: what */
};

/* What rvx_virtio_ops.witness gets as b for RVX_VIRTIO_EV_FAULT. */
#define RVX_VIRTIO_FAULT_USED_IDX 1u /**< the used index ran past what was posted */
#define RVX_VIRTIO_FAULT_USED_ID 2u  /**< a used id that names no posted chain */
#define RVX_VIRTIO_FAULT_USED_LEN 3u /**< a used length over the chain's writable bytes */

/** The embedder's side: register access and environment. */
struct rvx_virtio_ops {
	/** Read the 32-bit register at @p off. */
	uint32_t (*read32)(void *ctx, uint32_t off);
	/** Read the byte at @p off (configuration space). */
	uint8_t (*read8)(void *ctx, uint32_t off);
	/** Write the 32-bit register at @p off. */
	void (*write32)(void *ctx, uint32_t off, uint32_t v);
	/** Order memory writes before a register write (dsb / mfence). */
	void (*barrier)(void *ctx);
	/** Cache maintenance for [va, va + len): before the device reads
	 *  (RVX_DMA_TO_DEVICE: clean) or after it wrote (RVX_DMA_FROM_DEVICE:
	 *  invalidate). NULL when DMA is coherent. */
	void (*sync)(void *ctx, const void *va, size_t len, uint32_t dir);
	/** Record a privileged action before it is done; nonzero refuses it
	 *  (the action is not done and the error is returned). NULL: none. */
	int (*witness)(void *ctx, uint32_t event, uint64_t a, uint64_t b);
};

/** One device. */
struct rvx_virtio_dev {
	const struct rvx_virtio_ops *ops; /**< the embedder's operations */
	void *ctx;                        /**< their context */
	struct rvx_dma_window win;        /**< the owner's memory */
	uint32_t device_id;               /**< RVX_VIRTIO_ID_* */
	uint32_t vendor_id;               /**< the device's vendor */
	uint32_t poll_limit;              /**< register reads a wait may take */
	uint32_t status;                  /**< the status last written */
	uint64_t features;                /**< the features accepted */
};

/** A split virtqueue's descriptor (virtio 1.x, 2.7.5), little-endian. */
struct rvx_virtq_desc {
	uint64_t addr;  /**< bus address */
	uint32_t len;   /**< bytes */
	uint16_t flags; /**< RVX_VIRTQ_DESC_* */
	uint16_t next;  /**< next descriptor when NEXT is set */
};

/** A used-ring element. */
struct rvx_virtq_used_elem {
	uint32_t id;  /**< the chain's head */
	uint32_t len; /**< bytes the device wrote */
};

/** The driver's private copy of one descriptor (never read back from the
 *  shared table, which the device may scribble on). */
struct rvx_virtq_track {
	uint64_t pa;      /**< the buffer */
	uint64_t cookie;  /**< for a head: the caller's cookie */
	uint32_t len;     /**< bytes */
	uint32_t in_len;  /**< for a head: writable bytes of the chain */
	uint16_t next;    /**< the chain's next, or the free list's */
	uint16_t flags;   /**< RVX_VIRTQ_DESC_* */
	uint16_t chain;   /**< for a head: descriptors in the chain */
	uint8_t head;     /**< 1: a posted chain's head */
	uint8_t pad;      /**< zero */
};

/** A split virtqueue: rings in the owner's window, bookkeeping private. */
struct rvx_virtq {
	struct rvx_virtio_dev *dev;        /**< its device */
	struct rvx_virtq_desc *desc;       /**< descriptor table (shared) */
	uint16_t *avail;                   /**< available ring: flags, idx, ring[size] (shared) */
	uint8_t *used;                     /**< used ring: flags, idx, elems[size] (shared) */
	struct rvx_virtq_track *track;     /**< private, size entries */
	uint64_t ring_pa;                  /**< bus address of the ring memory */
	uint16_t index;                    /**< queue index on the device */
	uint16_t size;                     /**< entries (power of two) */
	uint16_t free_head;                /**< first free descriptor */
	uint16_t free_count;               /**< free descriptors */
	uint16_t avail_idx;                /**< next available index (private) */
	uint16_t last_used;                /**< next used index to read (private) */
	uint16_t posted;                   /**< chains the device holds */
	uint8_t broken;                    /**< 1: the device lied; reset it */
	uint8_t pad;                       /**< zero */
	uint64_t faults;                   /**< device responses refused */
};

/**
 * Describe the owner's memory as a DMA window.
 * @param[out] w  the window
 * @param va      where the CPU sees it
 * @param pa      where the device sees it
 * @param size    bytes (> 0)
 * @retval 0 done
 * @retval -RVX_EINVAL NULL @p va, zero @p size, or a range that wraps
 */
int rvx_dma_window_init(struct rvx_dma_window *w, void *va, uint64_t pa, uint64_t size);

/**
 * Turn CPU memory into one scatter-gather segment, if it lies wholly in the
 * owner's window.
 * @param w    the owner's window
 * @param va   the buffer
 * @param len  bytes (1..UINT32_MAX)
 * @param dir  RVX_DMA_TO_DEVICE or RVX_DMA_FROM_DEVICE
 * @param[out] out the segment
 * @retval 0 done
 * @retval -RVX_EINVAL zero or too long @p len, or a bad @p dir
 * @retval -RVX_EPERM the buffer is not wholly inside the window
 */
int rvx_dma_map(const struct rvx_dma_window *w, const void *va, size_t len, uint32_t dir,
		struct rvx_dma_seg *out);

/**
 * Check that bus range [@p pa, @p pa + @p len) lies wholly in the window.
 * @param w   the owner's window
 * @param pa  bus address
 * @param len bytes (> 0)
 * @retval 0 inside
 * @retval -RVX_EPERM outside, empty or wrapping
 */
int rvx_dma_check(const struct rvx_dma_window *w, uint64_t pa, uint64_t len);

/**
 * The CPU address of bus range [@p pa, @p pa + @p len), if inside the window.
 * @param w   the owner's window
 * @param pa  bus address
 * @param len bytes (> 0)
 * @return the CPU address, or NULL if the range is not wholly inside
 */
void *rvx_dma_va(const struct rvx_dma_window *w, uint64_t pa, uint64_t len);

/**
 * Look at the device behind @p ops: magic, version 2, a device present.
 * Reads only; nothing is written to the device.
 * @param[out] d      the device (filled only on success)
 * @param ops         register access and environment
 * @param ctx         their context
 * @param win         the owner's memory
 * @param expect_id   the device type wanted (RVX_VIRTIO_ID_*), 0 for any
 * @param poll_limit  register reads a wait may take (> 0)
 * @retval 0 found
 * @retval -RVX_EINVAL NULL or incomplete @p ops, NULL @p win, zero @p poll_limit
 * @retval -RVX_ENOENT no virtio device (bad magic, or an empty slot: id 0)
 * @retval -RVX_ENOTSUP not version 2 (a legacy device)
 * @retval -RVX_ETYPE a device of another type than @p expect_id
 */
int rvx_virtio_probe(struct rvx_virtio_dev *d, const struct rvx_virtio_ops *ops, void *ctx,
		     const struct rvx_dma_window *win, uint32_t expect_id, uint32_t poll_limit);

/**
 * Reset the device (status 0) and wait, bounded, until it reads back 0.
 * Every queue of the device must then be set up again.
 * @param d the device
 * @retval 0 reset
 * @retval -RVX_ETIMEDOUT the device never showed status 0
 * @retval other the witness hook's refusal (nothing written)
 */
int rvx_virtio_reset(struct rvx_virtio_dev *d);

/**
 * Reset, acknowledge and choose features: the device's offer and @p wanted,
 * which must include RVX_VIRTIO_F_VERSION_1; FEATURES_OK must read back.
 * On failure the device is left FAILED (when a status could be written).
 * @param d        the device
 * @param wanted   features the driver can use
 * @param[out] accepted the features in force (may be NULL)
 * @retval 0 negotiated
 * @retval -RVX_EINVAL @p wanted lacks RVX_VIRTIO_F_VERSION_1
 * @retval -RVX_ENOTSUP the device does not offer RVX_VIRTIO_F_VERSION_1, or
 *         did not accept the features (FEATURES_OK cleared)
 * @retval -RVX_ETIMEDOUT the reset did not complete
 * @retval other the witness hook's refusal
 */
int rvx_virtio_negotiate(struct rvx_virtio_dev *d, uint64_t wanted, uint64_t *accepted);

/**
 * Set DRIVER_OK: the device may use its queues.
 * @param d the device
 * @retval 0 done
 * @retval -RVX_EINVAL features were not negotiated (or the device was failed)
 * @retval -RVX_ENOTSUP the device asked to be reset (DEVICE_NEEDS_RESET)
 * @retval other the witness hook's refusal
 */
int rvx_virtio_driver_ok(struct rvx_virtio_dev *d);

/**
 * Read @p len bytes of the device's configuration at @p off, consistently
 * (the configuration generation is read around the copy; a bounded number
 * of retries).
 * @param d   the device
 * @param off offset in the configuration space
 * @param[out] buf the bytes
 * @param len bytes (off + len <= 0x100)
 * @retval 0 done
 * @retval -RVX_EINVAL out of the configuration space
 * @retval -RVX_ETIMEDOUT the generation kept changing
 */
int rvx_virtio_config_read(struct rvx_virtio_dev *d, uint32_t off, void *buf, uint32_t len);

/**
 * Read and acknowledge the device's interrupt causes.
 * @param d the device
 * @return the causes acknowledged (RVX_VIRTIO_IRQ_*), 0 if none
 */
uint32_t rvx_virtio_irq_ack(struct rvx_virtio_dev *d);

/**
 * Bytes of ring memory (descriptor table, available and used rings) a queue
 * of @p size entries needs; its address must be 16-byte aligned.
 * @param size entries (a power of two, 1..RVX_VIRTQ_MAX_SIZE)
 * @return bytes, or 0 for a bad @p size
 */
size_t rvx_virtq_ring_bytes(uint32_t size);

/**
 * Lay a queue out on @p ring (inside the device's window) with private
 * bookkeeping @p track (@p size entries, outside the window: the device
 * must not be able to reach it).
 * @param[out] q  the queue
 * @param d       its device
 * @param index   its index on the device
 * @param size    entries (a power of two, 1..RVX_VIRTQ_MAX_SIZE)
 * @param ring    rvx_virtq_ring_bytes(@p size) bytes, 16-byte aligned, in the window
 * @param track   @p size entries
 * @retval 0 done
 * @retval -RVX_EINVAL bad @p size, NULL or misaligned storage, or @p track
 *         overlapping the window
 * @retval -RVX_EPERM @p ring is not wholly inside the device's window
 */
int rvx_virtq_init(struct rvx_virtq *q, struct rvx_virtio_dev *d, uint16_t index, uint32_t size,
		   void *ring, struct rvx_virtq_track *track);

/**
 * Tell the device where queue @p q lives and make it ready (after
 * rvx_virtio_negotiate(), before rvx_virtio_driver_ok()).
 * @param q the queue
 * @retval 0 ready
 * @retval -RVX_EINVAL features not negotiated yet (or the device was failed)
 * @retval -RVX_ENOENT the device has no such queue (QueueNumMax 0)
 * @retval -RVX_EBUSY the queue is already ready on the device
 * @retval -RVX_ELIMIT the queue is larger than the device's QueueNumMax
 * @retval other the witness hook's refusal
 */
int rvx_virtio_queue_setup(struct rvx_virtq *q);

/**
 * Post one chain: @p out_count device-readable segments, then @p in_count
 * device-writable ones, every one checked against the device's window. Not
 * yet notified (rvx_virtq_kick()).
 * @param q         the queue
 * @param segs      out_count + in_count segments
 * @param out_count readable segments
 * @param in_count  writable segments
 * @param cookie    returned by rvx_virtq_get() with the chain
 * @retval 0 posted
 * @retval -RVX_EINVAL no segments, a zero length, or a direction that
 *         disagrees with the segment's place
 * @retval -RVX_EPERM a segment outside the owner's window
 * @retval -RVX_EFULL not enough free descriptors
 * @retval -RVX_EBADDESC the queue is broken (the device lied; reset it)
 */
int rvx_virtq_add(struct rvx_virtq *q, const struct rvx_dma_seg *segs, uint32_t out_count,
		  uint32_t in_count, uint64_t cookie);

/**
 * Notify the device that the queue has new chains.
 * @param q the queue
 */
void rvx_virtq_kick(struct rvx_virtq *q);

/**
 * Take one completed chain from the used ring, after checking it: its id a
 * posted head, its length at most the chain's writable bytes, the used
 * index no further than the chains posted. A refused entry is not consumed:
 * the queue is marked broken, the fault counted and witnessed.
 * @param q           the queue
 * @param[out] cookie the chain's cookie
 * @param[out] len    bytes the device wrote
 * @retval 0 one chain taken (its descriptors are free again)
 * @retval -RVX_EEMPTY nothing completed
 * @retval -RVX_EBADDESC the device broke the protocol (or did before)
 */
int rvx_virtq_get(struct rvx_virtq *q, uint64_t *cookie, uint32_t *len);

#endif /* RVX_VIRTIO_H */
