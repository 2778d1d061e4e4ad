/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A virtio-mmio device model in memory, for the host tests: registers, a
 * window of "physical" memory the device reads and writes, and knobs that
 * make it misbehave (lie about lengths, complete ids it never got, run its
 * used index ahead, never finish a reset).
 */
#ifndef FAKE_DEV_H
#define FAKE_DEV_H

#include <stdint.h>
#include <string.h>

#include "ruvix/virtio.h"

#define FAKE_MEM 65536u
#define FAKE_PA UINT64_C(0x80000000)
#define FAKE_QUEUES 2u
#define FAKE_EVENTS 64u

enum fake_mode {
	FAKE_OK = 0,      /* complete each chain, filling its writable bytes */
	FAKE_HOLD,        /* take nothing: chains stay posted */
	FAKE_BAD_ID,      /* complete with an id past the queue */
	FAKE_NOT_HEAD,    /* complete with a descriptor that is not a posted head */
	FAKE_LIE_LEN,     /* claim one byte more than the chain can hold */
	FAKE_IDX_JUMP,    /* move the used index two for one chain */
	FAKE_SCRIBBLE,    /* complete fine, but scribble over the descriptor table */
};

struct fake_queue {
	uint32_t num_max, num, ready;
	uint64_t desc, driver, device;
	uint16_t last_avail;
	uint16_t used_idx;
};

struct fake_dev {
	/* identity */
	uint32_t magic, version, device_id, vendor_id;
	uint64_t offered;
	/* behaviour */
	int refuse_features;   /* clear FEATURES_OK when set */
	int reset_stuck;       /* status never reads 0 */
	int gen_spin;          /* generation changes on every read */
	int needs_reset;       /* DEVICE_NEEDS_RESET shown */
	enum fake_mode mode;
	uint32_t fill;         /* bytes written per chain (UINT32_MAX: all it can) */
	/* registers */
	uint32_t status, dev_sel, drv_sel, queue_sel, irq_status, generation;
	uint64_t driver_features;
	struct fake_queue q[FAKE_QUEUES];
	uint8_t config[256];
	/* what the device saw */
	uint32_t writes, notifies, irq_acks;
	uint8_t out_seen[2048];
	uint32_t out_len;
	/* the witness log */
	uint32_t ev[FAKE_EVENTS];
	uint64_t ev_a[FAKE_EVENTS], ev_b[FAKE_EVENTS];
	uint32_t ev_count;
	int witness_refuse;    /* refuse events of this kind (0: none) */
	/* cache maintenance asked for (fake_ops_sync) */
	uint32_t sync_to, sync_from;
	uint64_t sync_to_bytes, sync_from_bytes;
	int sync_from_with_data; /* a FROM_DEVICE sync saw the device's bytes */
	/* the owner's memory, 16-byte aligned */
	_Alignas(64) uint8_t mem[FAKE_MEM];
};

void fake_init(struct fake_dev *f, uint32_t device_id);
extern const struct rvx_virtio_ops fake_ops;
/* The same, with a sync hook that counts. */
extern const struct rvx_virtio_ops fake_ops_sync;
/* The window over the whole of f->mem. */
void fake_window(struct fake_dev *f, struct rvx_dma_window *w);

#endif
