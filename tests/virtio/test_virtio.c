/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/virtio against a device model in memory (fake_dev.c): the transport's
 * handshake, the DMA window checks, and split virtqueues with a device that
 * behaves and with one that lies.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fake_dev.h"

static struct fake_dev *f;
static struct rvx_dma_window win;
static struct rvx_virtio_dev dev;
static struct rvx_virtq q;
static struct rvx_virtq_track track[8];

/* Ring at the start of the window, buffers from 4 KiB on. */
#define BUF(i) (f->mem + 4096u + 512u * (i))

static void setup(void)
{
	f = aligned_alloc(64, sizeof(*f));
	cr_assert_not_null(f);
	fake_init(f, RVX_VIRTIO_ID_NET);
	fake_window(f, &win);
	memset(&dev, 0, sizeof(dev));
	memset(&q, 0, sizeof(q));
}

static void teardown(void)
{
	free(f);
}

/* A device through negotiation, queue 0 (size 8) ready, DRIVER_OK. */
static void up(void)
{
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, RVX_VIRTIO_ID_NET, 100), 0);
	cr_assert_eq(rvx_virtio_negotiate(&dev, RVX_VIRTIO_F_VERSION_1, NULL), 0);
	cr_assert_eq(rvx_virtq_init(&q, &dev, 0, 8, f->mem, track), 0);
	cr_assert_eq(rvx_virtio_queue_setup(&q), 0);
	cr_assert_eq(rvx_virtio_driver_ok(&dev), 0);
}

/* One request: 16 readable bytes, 64 writable. */
static int post(uint32_t slot, uint64_t cookie)
{
	struct rvx_dma_seg s[2];

	memset(BUF(slot), (int)(0x10u + slot), 16);
	cr_assert_eq(rvx_dma_map(&win, BUF(slot), 16, RVX_DMA_TO_DEVICE, &s[0]), 0);
	cr_assert_eq(rvx_dma_map(&win, BUF(slot) + 256, 64, RVX_DMA_FROM_DEVICE, &s[1]), 0);
	return rvx_virtq_add(&q, s, 1, 1, cookie);
}

TestSuite(virtio, .init = setup, .fini = teardown);

Test(virtio, dma_window_and_map)
{
	struct rvx_dma_window w;
	struct rvx_dma_seg s, before;
	uint8_t outside[8];

	cr_assert_eq(rvx_dma_window_init(&w, NULL, FAKE_PA, 16), -RVX_EINVAL);
	cr_assert_eq(rvx_dma_window_init(&w, f->mem, FAKE_PA, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_dma_window_init(&w, f->mem, UINT64_MAX - 4, 16), -RVX_EINVAL);
	cr_assert_eq(rvx_dma_window_init(&w, f->mem, FAKE_PA, FAKE_MEM), 0);

	cr_assert_eq(rvx_dma_map(&w, f->mem + 100, 28, RVX_DMA_TO_DEVICE, &s), 0);
	cr_assert_eq(s.pa, FAKE_PA + 100);
	cr_assert_eq(s.len, 28);
	/* The last byte is inside, one past is not. */
	cr_assert_eq(rvx_dma_map(&w, f->mem + FAKE_MEM - 1, 1, RVX_DMA_FROM_DEVICE, &s), 0);
	before = s;
	cr_assert_eq(rvx_dma_map(&w, f->mem + FAKE_MEM - 1, 2, RVX_DMA_FROM_DEVICE, &s), -RVX_EPERM);
	cr_assert_eq(rvx_dma_map(&w, outside, sizeof(outside), RVX_DMA_TO_DEVICE, &s), -RVX_EPERM);
	cr_assert_eq(rvx_dma_map(&w, f->mem, 0, RVX_DMA_TO_DEVICE, &s), -RVX_EINVAL);
	cr_assert_eq(rvx_dma_map(&w, f->mem, 4, 3, &s), -RVX_EINVAL);
	cr_assert_eq(memcmp(&s, &before, sizeof(s)), 0, "a refused map wrote its output");

	cr_assert_eq(rvx_dma_check(&w, FAKE_PA, FAKE_MEM), 0);
	cr_assert_eq(rvx_dma_check(&w, FAKE_PA - 1, 2), -RVX_EPERM);
	cr_assert_eq(rvx_dma_check(&w, FAKE_PA + FAKE_MEM, 1), -RVX_EPERM);
	cr_assert_eq(rvx_dma_check(&w, UINT64_MAX, 2), -RVX_EPERM);
	cr_assert_eq(rvx_dma_check(&w, FAKE_PA, 0), -RVX_EPERM);
	cr_assert_eq(rvx_dma_va(&w, FAKE_PA + 8, 8), f->mem + 8);
	cr_assert_null(rvx_dma_va(&w, FAKE_PA + FAKE_MEM - 4, 8));
}

Test(virtio, probe_checks_the_device)
{
	struct rvx_virtio_dev before;

	memset(&dev, 0xcc, sizeof(dev));
	before = dev;
	f->magic = 0x12345678u;
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, 0, 100), -RVX_ENOENT);
	f->magic = RVX_VIRTIO_MAGIC;
	f->version = 1; /* legacy */
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, 0, 100), -RVX_ENOTSUP);
	f->version = 2;
	f->device_id = 0; /* an empty slot */
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, 0, 100), -RVX_ENOENT);
	f->device_id = RVX_VIRTIO_ID_BLOCK;
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, RVX_VIRTIO_ID_NET, 100),
		     -RVX_ETYPE);
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, 0, 0), -RVX_EINVAL);
	cr_assert_eq(memcmp(&dev, &before, sizeof(dev)), 0, "a refused probe wrote the device");
	cr_assert_eq(f->writes, 0, "probing wrote a register");
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, 0, 100), 0);
	cr_assert_eq(dev.device_id, RVX_VIRTIO_ID_BLOCK);
	cr_assert_eq(dev.vendor_id, 0x554d4551u);
}

Test(virtio, negotiate_handshake_witnessed)
{
	uint64_t acc = 0;
	static const uint32_t want_status[] = {
		RVX_VIRTIO_STATUS_ACKNOWLEDGE,
		RVX_VIRTIO_STATUS_ACKNOWLEDGE | RVX_VIRTIO_STATUS_DRIVER,
		RVX_VIRTIO_STATUS_ACKNOWLEDGE | RVX_VIRTIO_STATUS_DRIVER |
			RVX_VIRTIO_STATUS_FEATURES_OK,
	};

	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, RVX_VIRTIO_ID_NET, 100), 0);
	/* bit 5 offered and wanted, bit 7 wanted but not offered */
	cr_assert_eq(rvx_virtio_negotiate(&dev, RVX_VIRTIO_F_VERSION_1 | 0xa0u, &acc), 0);
	cr_assert_eq(acc, RVX_VIRTIO_F_VERSION_1 | 0x20u);
	cr_assert_eq(f->driver_features, acc);
	/* reset, two statuses, features, FEATURES_OK: in that order */
	cr_assert_eq(f->ev_count, 5);
	cr_assert_eq(f->ev[0], RVX_VIRTIO_EV_RESET);
	cr_assert_eq(f->ev[1], RVX_VIRTIO_EV_STATUS);
	cr_assert_eq(f->ev_a[1], want_status[0]);
	cr_assert_eq(f->ev_a[2], want_status[1]);
	cr_assert_eq(f->ev[3], RVX_VIRTIO_EV_FEATURES);
	cr_assert_eq(f->ev_a[3], acc);
	cr_assert_eq(f->ev_a[4], want_status[2]);
	cr_assert_eq(f->status, want_status[2]);
	cr_assert_eq(rvx_virtio_driver_ok(&dev), 0);
	cr_assert(f->status & RVX_VIRTIO_STATUS_DRIVER_OK);
	cr_assert_eq(f->ev[f->ev_count - 1], RVX_VIRTIO_EV_STATUS);
}

Test(virtio, negotiate_refusals)
{
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, 0, 100), 0);
	/* A driver that does not want VERSION_1: nothing is written. */
	cr_assert_eq(rvx_virtio_negotiate(&dev, 0x20u, NULL), -RVX_EINVAL);
	cr_assert_eq(f->writes, 0);
	/* A device without VERSION_1: refused and told FAILED. */
	f->offered = 0x20u;
	cr_assert_eq(rvx_virtio_negotiate(&dev, RVX_VIRTIO_F_VERSION_1, NULL), -RVX_ENOTSUP);
	cr_assert(f->status & RVX_VIRTIO_STATUS_FAILED);
	cr_assert_eq(f->driver_features, 0, "features written to a device that cannot take them");
	/* A device that clears FEATURES_OK. */
	f->offered = RVX_VIRTIO_F_VERSION_1;
	f->refuse_features = 1;
	cr_assert_eq(rvx_virtio_negotiate(&dev, RVX_VIRTIO_F_VERSION_1, NULL), -RVX_ENOTSUP);
	cr_assert(f->status & RVX_VIRTIO_STATUS_FAILED);
	cr_assert_eq(rvx_virtio_driver_ok(&dev), -RVX_EINVAL);
	/* A device that never finishes its reset: a bounded wait. */
	f->refuse_features = 0;
	f->reset_stuck = 1;
	cr_assert_eq(rvx_virtio_negotiate(&dev, RVX_VIRTIO_F_VERSION_1, NULL), -RVX_ETIMEDOUT);
	cr_assert_eq(rvx_virtio_reset(&dev), -RVX_ETIMEDOUT);
}

Test(virtio, witness_refusal_stops_the_action)
{
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, 0, 100), 0);
	f->status = RVX_VIRTIO_STATUS_ACKNOWLEDGE;
	f->witness_refuse = RVX_VIRTIO_EV_RESET;
	cr_assert_eq(rvx_virtio_reset(&dev), -RVX_EFULL);
	cr_assert_eq(f->writes, 0, "a refused reset reached the device");
	cr_assert_eq(f->status, RVX_VIRTIO_STATUS_ACKNOWLEDGE);
	f->witness_refuse = RVX_VIRTIO_EV_QUEUE;
	cr_assert_eq(rvx_virtio_negotiate(&dev, RVX_VIRTIO_F_VERSION_1, NULL), 0);
	cr_assert_eq(rvx_virtq_init(&q, &dev, 0, 8, f->mem, track), 0);
	cr_assert_eq(rvx_virtio_queue_setup(&q), -RVX_EFULL);
	cr_assert_eq(f->q[0].ready, 0);
	cr_assert_eq(f->q[0].desc, 0, "a refused queue placement reached the device");
}

Test(virtio, queue_setup_checks)
{
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, 0, 100), 0);
	cr_assert_eq(rvx_virtq_init(&q, &dev, 0, 8, f->mem, track), 0);
	cr_assert_eq(rvx_virtio_queue_setup(&q), -RVX_EINVAL, "queue before features");
	cr_assert_eq(rvx_virtio_negotiate(&dev, RVX_VIRTIO_F_VERSION_1, NULL), 0);
	f->q[0].num_max = 4;
	cr_assert_eq(rvx_virtio_queue_setup(&q), -RVX_ELIMIT);
	f->q[0].num_max = 0;
	cr_assert_eq(rvx_virtio_queue_setup(&q), -RVX_ENOENT);
	f->q[0].num_max = 8;
	cr_assert_eq(rvx_virtio_queue_setup(&q), 0);
	cr_assert_eq(f->q[0].num, 8);
	cr_assert_eq(f->q[0].desc, FAKE_PA);
	cr_assert_eq(f->q[0].driver, FAKE_PA + 8 * 16);
	cr_assert_eq(f->q[0].device % 16, 0);
	cr_assert_eq(rvx_virtio_queue_setup(&q), -RVX_EBUSY);
	/* Ring memory outside the window, misaligned, bad sizes. */
	static _Alignas(16) uint8_t elsewhere[1024];
	cr_assert_eq(rvx_virtq_init(&q, &dev, 1, 8, elsewhere, track), -RVX_EPERM);
	cr_assert_eq(rvx_virtq_init(&q, &dev, 1, 8, f->mem + 8, track), -RVX_EINVAL);
	cr_assert_eq(rvx_virtq_init(&q, &dev, 1, 6, f->mem, track), -RVX_EINVAL);
	cr_assert_eq(rvx_virtq_init(&q, &dev, 1, 0, f->mem, track), -RVX_EINVAL);
	/* Bookkeeping the device could reach. */
	cr_assert_eq(rvx_virtq_init(&q, &dev, 1, 8, f->mem,
				    (struct rvx_virtq_track *)(void *)(f->mem + 8192)), -RVX_EINVAL);
	cr_assert_eq(rvx_virtq_init(&q, &dev, 1, 8, f->mem,
				    (struct rvx_virtq_track *)(void *)(f->mem - 64)), -RVX_EINVAL);
	cr_assert_eq(rvx_virtq_ring_bytes(RVX_VIRTQ_MAX_SIZE * 2u), 0);
	cr_assert_eq(rvx_virtq_ring_bytes(8), 160 /* 8 * 16 + 6 + 16, to 16 */ + 6 + 64);
}

Test(virtio, round_trip_and_index_wrap)
{
	uint64_t cookie;
	uint32_t len;

	up();
	/* 70000 requests: the 16-bit ring indices wrap. */
	for (uint32_t i = 0; i < 70000u; i++) {
		f->out_len = 0;
		cr_assert_eq(post(i % 4u, 1000u + i), 0);
		rvx_virtq_kick(&q);
		cr_assert_eq(rvx_virtio_irq_ack(&dev), RVX_VIRTIO_IRQ_USED);
		cr_assert_eq(rvx_virtq_get(&q, &cookie, &len), 0);
		cr_assert_eq(cookie, 1000u + i);
		cr_assert_eq(len, 64);
		cr_assert_eq(f->out_len, 16);
		cr_assert_eq(f->out_seen[0], 0x10u + i % 4u);
		cr_assert_eq(BUF(i % 4u)[256], 0xa5);
		cr_assert_eq(rvx_virtq_get(&q, &cookie, &len), -RVX_EEMPTY);
		cr_assert_eq(q.free_count, 8);
	}
	cr_assert_eq(rvx_virtio_irq_ack(&dev), 0);
	cr_assert_eq(q.faults, 0);
}

Test(virtio, add_checks_change_nothing)
{
	struct rvx_dma_seg s[9], good;
	static uint8_t outside[64];
	uint8_t ring_before[512];
	struct rvx_virtq q_before;

	up();
	f->mode = FAKE_HOLD;
	cr_assert_eq(rvx_dma_map(&win, BUF(0), 32, RVX_DMA_TO_DEVICE, &good), 0);
	memcpy(ring_before, f->mem, sizeof(ring_before));
	q_before = q;
	/* outside the window */
	s[0] = good;
	s[1] = (struct rvx_dma_seg){ .pa = (uint64_t)(uintptr_t)outside, .len = 64,
				     .dir = RVX_DMA_FROM_DEVICE };
	cr_assert_eq(rvx_virtq_add(&q, s, 1, 1, 1), -RVX_EPERM);
	s[1] = (struct rvx_dma_seg){ .pa = FAKE_PA + FAKE_MEM - 8, .len = 16,
				     .dir = RVX_DMA_FROM_DEVICE };
	cr_assert_eq(rvx_virtq_add(&q, s, 1, 1, 1), -RVX_EPERM);
	/* a readable segment placed among the writable ones */
	s[1] = good;
	cr_assert_eq(rvx_virtq_add(&q, s, 1, 1, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_virtq_add(&q, s, 0, 0, 1), -RVX_EINVAL);
	s[1] = good;
	s[1].len = 0;
	cr_assert_eq(rvx_virtq_add(&q, s, 2, 0, 1), -RVX_EINVAL);
	/* more than the queue holds */
	for (int i = 0; i < 9; i++)
		s[i] = good;
	cr_assert_eq(rvx_virtq_add(&q, s, 9, 0, 1), -RVX_EFULL);
	cr_assert_eq(memcmp(ring_before, f->mem, sizeof(ring_before)), 0, "a refused add wrote the ring");
	cr_assert_eq(memcmp(&q, &q_before, sizeof(q)), 0, "a refused add changed the queue");
	/* Fill it exactly, then one more is full. */
	cr_assert_eq(rvx_virtq_add(&q, s, 8, 0, 1), 0);
	cr_assert_eq(rvx_virtq_add(&q, s, 1, 0, 2), -RVX_EFULL);
	cr_assert_eq(q.free_count, 0);
}

static void lying_device(enum fake_mode mode, uint32_t what)
{
	uint64_t cookie = 77;
	uint32_t len = 77;
	uint32_t free_before;

	up();
	f->mode = mode;
	cr_assert_eq(post(0, 5), 0);
	free_before = q.free_count;
	rvx_virtq_kick(&q);
	cr_assert_eq(rvx_virtq_get(&q, &cookie, &len), -RVX_EBADDESC);
	cr_assert_eq(cookie, 77, "a refused completion wrote its cookie");
	cr_assert_eq(len, 77, "a refused completion wrote its length");
	cr_assert_eq(q.free_count, free_before, "a refused completion freed descriptors");
	cr_assert_eq(q.broken, 1);
	cr_assert_eq(q.faults, 1);
	cr_assert_eq(f->ev[f->ev_count - 1], RVX_VIRTIO_EV_FAULT);
	cr_assert_eq(f->ev_b[f->ev_count - 1], what);
	/* Broken until reset: neither side of the queue is used. */
	cr_assert_eq(rvx_virtq_get(&q, &cookie, &len), -RVX_EBADDESC);
	cr_assert_eq(post(1, 6), -RVX_EBADDESC);
	cr_assert_eq(q.faults, 1);
}

Test(virtio, used_id_out_of_range_refused)
{
	lying_device(FAKE_BAD_ID, RVX_VIRTIO_FAULT_USED_ID);
}

Test(virtio, used_id_not_a_head_refused)
{
	lying_device(FAKE_NOT_HEAD, RVX_VIRTIO_FAULT_USED_ID);
}

Test(virtio, used_len_over_buffer_refused)
{
	lying_device(FAKE_LIE_LEN, RVX_VIRTIO_FAULT_USED_LEN);
}

Test(virtio, used_idx_ahead_refused)
{
	lying_device(FAKE_IDX_JUMP, RVX_VIRTIO_FAULT_USED_IDX);
}

Test(virtio, completed_twice_refused)
{
	uint64_t cookie;
	uint32_t len;

	up();
	cr_assert_eq(post(0, 5), 0);
	rvx_virtq_kick(&q);
	cr_assert_eq(rvx_virtq_get(&q, &cookie, &len), 0);
	/* The device repeats its last completion. */
	uint8_t *used = f->mem + (f->q[0].device - FAKE_PA);
	uint16_t idx = *(uint16_t *)(void *)(used + 2);
	memcpy(used + 4 + 8 * (idx % 8), used + 4 + 8 * ((uint16_t)(idx - 1) % 8), 8);
	*(uint16_t *)(void *)(used + 2) = (uint16_t)(idx + 1);
	cr_assert_eq(rvx_virtq_get(&q, &cookie, &len), -RVX_EBADDESC);
	cr_assert_eq(q.free_count, 8);
}

Test(virtio, scribbled_descriptors_not_believed)
{
	uint64_t cookie;
	uint32_t len;

	up();
	f->mode = FAKE_SCRIBBLE;
	for (uint32_t round = 0; round < 20; round++) {
		cr_assert_eq(post(0, round), 0);
		cr_assert_eq(post(1, 100 + round), 0);
		rvx_virtq_kick(&q);
		cr_assert_eq(rvx_virtq_get(&q, &cookie, &len), 0);
		cr_assert_eq(cookie, round);
		cr_assert_eq(rvx_virtq_get(&q, &cookie, &len), 0);
		cr_assert_eq(cookie, 100 + round);
		cr_assert_eq(q.free_count, 8, "the free list followed the device's next fields");
	}
}

Test(virtio, config_read)
{
	uint8_t mac[6], before[6];

	up();
	cr_assert_eq(rvx_virtio_config_read(&dev, 0, mac, 6), 0);
	cr_assert_eq(mac[0], 0x50);
	cr_assert_eq(mac[5], 0x55);
	memcpy(before, mac, 6);
	cr_assert_eq(rvx_virtio_config_read(&dev, 0xfc, mac, 8), -RVX_EINVAL);
	cr_assert_eq(rvx_virtio_config_read(&dev, 0x101, mac, 1), -RVX_EINVAL);
	f->gen_spin = 1;
	cr_assert_eq(rvx_virtio_config_read(&dev, 0, mac, 6), -RVX_ETIMEDOUT);
	cr_assert_eq(memcmp(mac, before, 6), 0);
}

Test(virtio, needs_reset_blocks_driver_ok)
{
	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops, f, &win, 0, 100), 0);
	cr_assert_eq(rvx_virtio_negotiate(&dev, RVX_VIRTIO_F_VERSION_1, NULL), 0);
	f->needs_reset = 1;
	cr_assert_eq(rvx_virtio_driver_ok(&dev), -RVX_ENOTSUP);
	cr_assert_eq(f->status & RVX_VIRTIO_STATUS_DRIVER_OK, 0);
}

Test(virtio, cache_maintenance_both_ways)
{
	uint64_t cookie;
	uint32_t len, to_before, from_before;

	cr_assert_eq(rvx_virtio_probe(&dev, &fake_ops_sync, f, &win, 0, 100), 0);
	cr_assert_eq(rvx_virtio_negotiate(&dev, RVX_VIRTIO_F_VERSION_1, NULL), 0);
	cr_assert_eq(rvx_virtq_init(&q, &dev, 0, 8, f->mem, track), 0);
	cr_assert_eq(f->sync_to, 1, "the new ring was not cleaned");
	cr_assert_eq(rvx_virtio_queue_setup(&q), 0);
	cr_assert_eq(rvx_virtio_driver_ok(&dev), 0);
	to_before = f->sync_to;
	from_before = f->sync_from;
	cr_assert_eq(post(0, 9), 0);
	/* Both buffers and the ring were synced before the device saw them. */
	cr_assert_geq(f->sync_to - to_before, 3);
	cr_assert_eq(f->sync_from, from_before + 1, "the writable buffer was not prepared");
	rvx_virtq_kick(&q);
	from_before = f->sync_from;
	f->sync_from_with_data = 0;
	cr_assert_eq(rvx_virtq_get(&q, &cookie, &len), 0);
	/* The used ring and the written buffer were invalidated for the CPU. */
	cr_assert_geq(f->sync_from - from_before, 2);
	cr_assert(f->sync_from_with_data, "the written buffer was not synced for the CPU");
}
