/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-mmio devices on the virt board: the DTB's virtio,mmio slots, their
 * registers (mapped Device through rvx_a64_board.devwin), DMA windows from
 * the physical allocator, cache maintenance for a device the DTB does not
 * call dma-coherent, the interrupt, and the witness hook (see vdev.h).
 *
 * Locks: the witness hook takes the kernel lock (rvx_a64_rt_lock()) around
 * rvx_kernel_port_record(); the interrupt handler takes none (it only acks
 * the device and sets the lease's flag).
 */
#include <libfdt.h>

#include "ruvix/nucleus.h"
#include "ruvix/port.h"
#include "vdev.h"

/* Register reads a bounded wait on a device may take. */
#define POLL_LIMIT 1000000u
/* Leases whose interrupts are routed here. */
#define IRQ_LEASES 4u

struct slot {
	uint64_t base;
	uint32_t intid;
	uint32_t coherent;
	uint32_t leased;
};

static struct slot slots[RVX_VIRT_VIRTIO_SLOTS];
static uint32_t slot_count;
static struct rvx_virt_lease *irq_lease[IRQ_LEASES];
static struct rvx_a64_frame *(*irq_next)(uint32_t intid, struct rvx_a64_frame *f);

/* ---- the DTB (MMU off) ---- */

void rvx_virt_vdev_scan(const void *dtb)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	int node;

	/* QEMU puts them under the root; others are not looked at. One walk
	 * over the root's children (a libfdt search by compatible plus a
	 * parent lookup per hit walked the tree from its start each time:
	 * 6.2 M guest instructions for QEMU's 32 slots; this is about 1 M,
	 * paid only by a boot that asks for a virtio driver, see fdt.c). */
	slot_count = 0;
	for (node = fdt_first_subnode(dtb, 0); node >= 0; node = fdt_next_subnode(dtb, node)) {
		struct rvx_a64_fdt_node n;
		struct rvx_a64_range r;
		const fdt32_t *irq;
		int len = 0;
		uint32_t at;

		if (fdt_node_check_compatible(dtb, node, "virtio,mmio") != 0)
			continue;
		if (slot_count == RVX_VIRT_VIRTIO_SLOTS)
			break;
		n.node = node;
		n.depth = 1;
		n.anc[0] = 0;
		if (rvx_a64_fdt_reg(&n, 0, &r) != 0 || r.size < RVX_VIRTIO_MMIO_SPAN ||
		    r.base + r.size < r.base)
			continue;
		irq = fdt_getprop(dtb, node, "interrupts", &len);
		if (irq == NULL || len < 12 || fdt32_to_cpu(irq[0]) != 0)
			continue; /* an SPI is wanted */
		/* Keep the table sorted by address (the DTB lists them backwards). */
		at = slot_count;
		while (at > 0 && slots[at - 1u].base > r.base) {
			slots[at] = slots[at - 1u];
			at--;
		}
		slots[at].base = r.base;
		slots[at].intid = fdt32_to_cpu(irq[1]) + 32u;
		slots[at].coherent = fdt_getprop(dtb, node, "dma-coherent", NULL) != NULL;
		slots[at].leased = 0;
		slot_count++;
		if (r.base < lo)
			lo = r.base;
		if (r.base + RVX_VIRTIO_MMIO_SPAN > hi)
			hi = r.base + RVX_VIRTIO_MMIO_SPAN;
	}
	if (slot_count != 0) {
		rvx_a64_board.devwin.base = lo;
		rvx_a64_board.devwin.size = hi - lo;
	}
}

uint32_t rvx_virt_vdev_count(void)
{
	return slot_count;
}

/* ---- the operations lib/virtio uses ---- */

static uint32_t mmio_read32(void *ctx, uint32_t off)
{
	const struct rvx_virt_lease *l = ctx;

	return *(volatile uint32_t *)(uintptr_t)(l->base + off);
}

static uint8_t mmio_read8(void *ctx, uint32_t off)
{
	const struct rvx_virt_lease *l = ctx;

	return *(volatile uint8_t *)(uintptr_t)(l->base + off);
}

static void mmio_write32(void *ctx, uint32_t off, uint32_t v)
{
	const struct rvx_virt_lease *l = ctx;

	*(volatile uint32_t *)(uintptr_t)(l->base + off) = v;
}

static void dev_barrier(void *ctx)
{
	(void)ctx;
	rvx_port_barrier_device();
}

/* Non-coherent DMA: clean before the device reads, clean and invalidate
 * after it wrote (never a bare invalidate: a line may hold the CPU's
 * neighbouring data). */
static void cache_sync(void *ctx, const void *va, size_t len, uint32_t dir)
{
	uint64_t ctr, line, a, end;

	(void)ctx;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	line = UINT64_C(4) << ((ctr >> 16) & 0xfu);
	a = (uint64_t)(uintptr_t)va & ~(line - 1u);
	end = (uint64_t)(uintptr_t)va + len;
	__asm__ volatile("dsb ish" ::: "memory");
	for (; a < end; a += line) {
		if (dir == RVX_DMA_TO_DEVICE)
			__asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
		else
			__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	}
	__asm__ volatile("dsb sy" ::: "memory");
}

/* Every privileged action on the device, recorded before it is done. */
static int vdev_witness(void *ctx, uint32_t event, uint64_t a, uint64_t b)
{
	const struct rvx_virt_lease *l = ctx;
	uint64_t args[3] = {a, b, l->dev.device_id};
	uint64_t daif = rvx_a64_rt_lock();
	int rc = rvx_kernel_port_record(rvx_virt_kernel(), (uint16_t)(RVX_VIRT_WITNESS_VIRTIO + event),
					l->owner, l->base, args, sizeof(args));

	rvx_a64_rt_unlock(daif);
	return rc;
}

static const struct rvx_virtio_ops ops_coherent = {
	.read32 = mmio_read32,
	.read8 = mmio_read8,
	.write32 = mmio_write32,
	.barrier = dev_barrier,
	.sync = NULL,
	.witness = vdev_witness,
};

static const struct rvx_virtio_ops ops_noncoherent = {
	.read32 = mmio_read32,
	.read8 = mmio_read8,
	.write32 = mmio_write32,
	.barrier = dev_barrier,
	.sync = cache_sync,
	.witness = vdev_witness,
};

/* ---- leases ---- */

int rvx_virt_vdev_lease(uint32_t device_id, uint32_t owner, uint64_t dma_bytes,
			struct rvx_virt_lease *out)
{
	for (uint32_t i = 0; i < slot_count; i++) {
		const struct rvx_virtio_ops *ops;
		uint64_t args[3];
		uint64_t daif;
		void *mem;
		int rc;

		if (slots[i].leased)
			continue;
		memset(out, 0, sizeof(*out));
		out->base = slots[i].base;
		out->slot = i;
		out->intid = slots[i].intid;
		out->owner = owner;
		/* rvx.virtio.sync=on: cache maintenance even on a coherent
		 * device (to exercise that path under QEMU, whose virt DTB
		 * calls every virtio-mmio node dma-coherent). */
		out->coherent = slots[i].coherent && !rvx_virt_bootarg("rvx.virtio.sync=on");
		ops = out->coherent ? &ops_coherent : &ops_noncoherent;
		/* A probe only reads; the window is checked but not yet real. */
		out->win.va = (uint8_t *)(uintptr_t)rvx_a64_board.mem.base;
		out->win.pa = rvx_a64_board.mem.base;
		out->win.size = 1;
		rc = rvx_virtio_probe(&out->dev, ops, out, &out->win, device_id, POLL_LIMIT);
		if (rc == -RVX_ETYPE || rc == -RVX_ENOENT)
			continue;
		if (rc != 0)
			return rc;
		/* The owner's memory: pages only this lease uses, identity mapped. */
		mem = rvx_a64_alloc(dma_bytes, 4096);
		if (mem == NULL)
			return -RVX_ENOMEM;
		memset(mem, 0, dma_bytes);
		rc = rvx_dma_window_init(&out->win, mem, (uint64_t)(uintptr_t)mem, dma_bytes);
		if (rc != 0) {
			rvx_a64_free(mem, dma_bytes, 4096);
			return rc;
		}
		out->dev.win = out->win;
		args[0] = device_id;
		args[1] = out->win.pa;
		args[2] = out->win.size;
		daif = rvx_a64_rt_lock();
		rc = rvx_kernel_port_record(rvx_virt_kernel(), RVX_WITNESS_LEASE_GRANT, owner,
					    out->base, args, sizeof(args));
		rvx_a64_rt_unlock(daif);
		if (rc != 0) {
			rvx_a64_free(mem, dma_bytes, 4096);
			return rc;
		}
		slots[i].leased = 1;
		out->live = 1;
		return 0;
	}
	return -RVX_ENOENT;
}

int rvx_virt_vdev_release(struct rvx_virt_lease *l)
{
	uint64_t args[3] = {l->dev.device_id, l->win.pa, l->win.size};
	uint64_t daif;
	int rc;

	if (!l->live)
		return -RVX_ESTALE;
	rc = rvx_virtio_reset(&l->dev);
	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i < IRQ_LEASES; i++) {
		if (irq_lease[i] == l)
			__atomic_store_n(&irq_lease[i], NULL, __ATOMIC_RELEASE);
	}
	daif = rvx_a64_rt_lock();
	rc = rvx_kernel_port_record(rvx_virt_kernel(), RVX_WITNESS_LEASE_REVOKE, l->owner, l->base,
				    args, sizeof(args));
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		return rc; /* reset, but still leased: a later release may finish */
	memset(l->win.va, 0, l->win.size);
	rvx_a64_free(l->win.va, l->win.size, 4096);
	slots[l->slot].leased = 0;
	l->live = 0;
	return 0;
}

int rvx_virt_vdev_summary(const struct rvx_virt_lease *l, const uint64_t *counts, uint32_t n)
{
	uint64_t daif;
	int rc;

	if (n > 4u)
		return -RVX_EINVAL;
	daif = rvx_a64_rt_lock();
	rc = rvx_kernel_port_record(rvx_virt_kernel(), RVX_VIRT_WITNESS_VIRTIO_SUMMARY, l->owner,
				    l->base, counts, n * sizeof(uint64_t));
	rvx_a64_rt_unlock(daif);
	return rc;
}

void *rvx_virt_dma_alloc(struct rvx_virt_lease *l, size_t size, size_t align)
{
	uint64_t at = (l->dma_used + align - 1u) & ~(uint64_t)(align - 1u);

	if (at < l->dma_used || at > l->win.size || size > l->win.size - at)
		return NULL;
	l->dma_used = at + size;
	return l->win.va + at;
}

/* ---- interrupts ---- */

static struct rvx_a64_frame *vdev_irq(uint32_t intid, struct rvx_a64_frame *f)
{
	for (uint32_t i = 0; i < IRQ_LEASES; i++) {
		struct rvx_virt_lease *l = irq_lease[i];

		if (l != NULL && l->intid == intid) {
			/* Level-triggered: ack the device before the EOI. */
			(void)rvx_virtio_irq_ack(&l->dev);
			l->irqs++;
			__atomic_store_n(&l->pending, 1u, __ATOMIC_RELEASE);
			return f;
		}
	}
	return irq_next != NULL ? irq_next(intid, f) : f;
}

int rvx_virt_vdev_irq_on(struct rvx_virt_lease *l)
{
	for (uint32_t i = 0; i < IRQ_LEASES; i++) {
		if (irq_lease[i] != NULL)
			continue;
		if (rvx_a64_board.irq != vdev_irq) {
			irq_next = rvx_a64_board.irq;
			rvx_a64_board.irq = vdev_irq;
		}
		__atomic_store_n(&irq_lease[i], l, __ATOMIC_RELEASE);
		rvx_a64_gic_enable(l->intid);
		return 0;
	}
	return -RVX_ELIMIT;
}

bool rvx_virt_vdev_wait(struct rvx_virt_lease *l, uint64_t timeout_ns)
{
	uint64_t end = rvx_port_time_real_ns() + timeout_ns;

	for (;;) {
		/* Masked while looking, so an interrupt between the look and the
		 * WFI still wakes it (WFI wakes on a pending interrupt). */
		uint64_t daif = rvx_a64_irq_save();
		bool got = __atomic_exchange_n(&l->pending, 0u, __ATOMIC_ACQ_REL) != 0;

		if (!got)
			__asm__ volatile("wfi" ::: "memory");
		rvx_a64_irq_restore(daif);
		if (got || __atomic_exchange_n(&l->pending, 0u, __ATOMIC_ACQ_REL) != 0)
			return true;
		if (rvx_port_time_real_ns() >= end)
			return false;
	}
}
