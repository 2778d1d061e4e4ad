/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small "kernel" for the checkpoint and replay tests: a capability space,
 * an append-only region and a queue, mutated only through kern_apply(), which
 * decodes canonical arguments (so the same function serves the original run
 * and the replay).
 */
#ifndef WITNESS_KERN_H
#define WITNESS_KERN_H

#include <stdalign.h>

#include "ruvix/cap.h"
#include "ruvix/queue.h"
#include "ruvix/region.h"
#include "ruvix/witness.h"
#include "ruvix/witness_ckpt.h"

#define KERN_TASKS 4u
#define KERN_SPT 16u
#define KERN_OBJECTS 16u
#define KERN_REGION 8192u
#define KERN_QSLOTS 8u
#define KERN_QPAYLOAD 16u
#define KERN_RECORDS 1024u

struct kern {
	struct rvx_cap_space cs;
	struct rvx_cap_slot slots[KERN_TASKS * KERN_SPT];
	struct rvx_cap_table tables[KERN_TASKS];
	struct rvx_cap_object objects[KERN_OBJECTS];
	struct rvx_region reg;
	alignas(16) uint8_t regmem[KERN_REGION];
	struct rvx_queue q;
	alignas(64) uint8_t qmem[RVX_QUEUE_STORAGE_SIZE(KERN_QSLOTS, KERN_QPAYLOAD)];
	struct rvx_witness_log log;
	struct rvx_witness_ring ring;
	uint8_t records[KERN_RECORDS * 64u];
	struct rvx_ckpt_item items[4];
};

/* Fresh kernel with empty objects; `regsize` bytes of region (<= KERN_REGION). */
void kern_init(struct kern *k, size_t regsize);
/* The apply function for rvx_witness_replay(); ctx is a struct kern. */
int kern_apply(void *ctx, const struct rvx_witness_record *rec, const uint8_t *args,
	       uint32_t len);
/* Try one pseudo-random mutation; commit it to the log and journal if it
 * succeeded. Returns 1 if a record was committed. */
int kern_step(struct kern *k, struct rvx_witness_journal *j, uint32_t *rng, uint64_t time);

#endif
