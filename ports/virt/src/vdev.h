/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-mmio devices on the virt board (vdev.c): the seam between the
 * board and the drivers (vnet.c: virtio-net and virtio-rng; a block driver
 * goes the same way). The generic transport is lib/virtio; this file gives
 * it the board's registers, DMA memory, interrupts and witness log.
 *
 * A driver gets a device only through a lease (struct rvx_virt_lease): the
 * slot (found in the DTB's virtio,mmio nodes), its owner (a task), and a
 * DMA window of pages from the physical allocator that the owner holds.
 * lib/virtio checks every address it hands the device against that window.
 * The grant is witnessed (LEASE_GRANT) and so is every privileged action
 * on the device (reset, status, features, queue placement, protocol faults:
 * RVX_VIRT_WITNESS_VIRTIO + event). The data path inside the lease (posting
 * buffers, notifies) is counted, not recorded one by one.
 *
 * The drivers run in the kernel's port (EL2) for now; the design wants them
 * as components above the kernel behind queues, and this seam (lease,
 * window, interrupt) is what such a component would be given.
 *
 * Order of use (MMU on, kernel booted, from a task):
 *   rvx_virt_vdev_lease() -> rvx_virt_dma_alloc() for rings and buffers ->
 *   lib/virtio (negotiate, queues, driver OK) -> rvx_virt_vdev_irq_on() ->
 *   rvx_virt_vdev_wait() / rvx_virtq_get() ...
 */
#ifndef RVX_VIRT_VDEV_H
#define RVX_VIRT_VDEV_H

#include "ruvix/virtio.h"
#include "virt.h"

/** Slots QEMU's virt machine has. */
#define RVX_VIRT_VIRTIO_SLOTS 32u
/** Witness kind of a virtio action: this plus enum rvx_virtio_event. */
#define RVX_VIRT_WITNESS_VIRTIO 0x8100u
/** Witness kind of a lease's data-path summary (rvx_virt_vdev_summary()). */
#define RVX_VIRT_WITNESS_VIRTIO_SUMMARY 0x8110u

/** A device lease. */
struct rvx_virt_lease {
	struct rvx_virtio_dev dev;   /**< the device (lib/virtio) */
	struct rvx_dma_window win;   /**< the owner's DMA memory */
	uint64_t base;               /**< the slot's registers */
	uint64_t dma_used;           /**< bytes of win handed out */
	uint64_t irqs;               /**< interrupts taken */
	uint32_t slot;               /**< slot index (DTB order by address) */
	uint32_t intid;              /**< GIC interrupt id */
	uint32_t owner;              /**< the task holding it */
	uint32_t coherent;           /**< 1: the DTB says dma-coherent */
	volatile uint32_t pending;   /**< set by the interrupt, cleared by the driver */
	uint32_t live;               /**< 1 while leased */
};

/** fdt.c, MMU off: record the DTB's virtio,mmio nodes and set the board's
 *  device window over them (rvx_a64_board.devwin). */
void rvx_virt_vdev_scan(const void *dtb);
/** virtio,mmio nodes found. */
uint32_t rvx_virt_vdev_count(void);

/**
 * Lease the first free slot (lowest address) holding a device of type
 * @p device_id to task @p owner, with @p dma_bytes of DMA memory (pages from
 * the physical allocator): probed (lib/virtio), witnessed (LEASE_GRANT).
 * @retval 0 leased
 * @retval -RVX_ENOENT no free slot holds such a device
 * @retval -RVX_ENOMEM no memory for the window
 * @retval other the probe's or the witness log's error (nothing leased)
 */
int rvx_virt_vdev_lease(uint32_t device_id, uint32_t owner, uint64_t dma_bytes,
			struct rvx_virt_lease *out);
/**
 * End a lease: the device reset (witnessed) so it can reach the window no
 * more, its interrupt unrouted, LEASE_REVOKE witnessed, the window's pages
 * given back and the slot free again. A device that does not finish its
 * reset keeps its window (never reused while it might still write there).
 * @retval 0 ended
 * @retval -RVX_ESTALE the lease is not live
 * @retval -RVX_ETIMEDOUT the reset did not complete (the window is kept)
 * @retval other the witness log's refusal (of the reset: nothing done; of the
 *         revocation: the device is reset, the lease stays and may be
 *         released again)
 */
int rvx_virt_vdev_release(struct rvx_virt_lease *l);
/** @p size bytes at @p align (a power of two) from the lease's window;
 *  NULL when it is used up. */
void *rvx_virt_dma_alloc(struct rvx_virt_lease *l, size_t size, size_t align);
/** Route the device's interrupt to this lease and enable it at the GIC;
 *  0 or -RVX_ELIMIT (too many interrupting leases). */
int rvx_virt_vdev_irq_on(struct rvx_virt_lease *l);
/** Sleep (WFI) until the device interrupts or @p timeout_ns passes; true
 *  if it interrupted (the flag is then cleared). */
bool rvx_virt_vdev_wait(struct rvx_virt_lease *l, uint64_t timeout_ns);

/** Witness what the data path inside the lease did (@p n counters, up to
 *  4: the driver's, e.g. frames received and sent, interrupts, faults);
 *  0 or the witness log's error. */
int rvx_virt_vdev_summary(const struct rvx_virt_lease *l, const uint64_t *counts, uint32_t n);

/* vnet.c: the drivers and the network task. */
/** True if the boot arguments ask for the network (rvx.net=) or rvx.rng=on. */
bool rvx_virt_net_wanted(void);
/** The network task's body, in the root task (clock: its capability). */
void rvx_virt_net_main(uint32_t task, uint64_t clock);

#endif
