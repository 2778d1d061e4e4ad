/* SPDX-License-Identifier: Apache-2.0 */
/* A kernel whose journal and checkpoints go to a persist store: the glue a
 * port writes (boot, persist new frames, checkpoint, recover by restore and
 * replay through the nucleus), over public calls only. */
#ifndef PK_H
#define PK_H

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>

#include "ruvix/nucleus.h"
#include "ruvix/persist.h"

#define PK_CKPT_CAP (1u << 20)
#define PK_FRAMES_CAP (1u << 20)
#define PK_KEEP_MAX 256u

struct pk_world {
	struct rvx_kernel k;
	alignas(64) uint8_t region_pool[4096];
	alignas(64) uint8_t queue_pool[4096];
	alignas(64) uint8_t journal[PK_FRAMES_CAP];
	alignas(64) uint8_t ring[256 * 64];
	alignas(64) uint8_t ck[PK_CKPT_CAP];
	alignas(64) uint8_t frames[PK_FRAMES_CAP];
	alignas(64) uint8_t block[RVX_PERSIST_BLOCK_MAX];
	size_t ck_len;
	/* Set before booting: with keep_records != 0 the kernel's sink is a
	 * refusing rvx_witness_keep of that many records (as on the virt
	 * image), and with keep_release pk_sync() releases in it what the
	 * store acknowledged. */
	uint32_t keep_records;
	bool keep_release;
	struct rvx_witness_keep keep;
	alignas(64) uint8_t keep_mem[PK_KEEP_MAX * RVX_WITNESS_RECORD_SIZE];
};

/* Called for each acknowledged frame: its sequence and the chain head
 * after it. */
typedef void (*pk_ack_fn)(void *ctx, uint64_t seq, const struct rvx_witness_head *head);

/* Boot a fresh kernel (fixed secret and boot time). */
int pk_boot(struct pk_world *w);
/* One journaled mutation number `i` (a port record, after a tick). */
int pk_step(struct pk_world *w, uint64_t i);
/* Boot, checkpoint and format the device with that checkpoint. */
int pk_format(struct pk_world *w, struct rvx_persist *p, const struct rvx_persist_dev *dev,
	      uint64_t volume);
/* Append every frame of the kernel's journal the store has not got (and
 * with keep_release, release the acknowledged records in the keep). */
int pk_sync(struct pk_world *w, struct rvx_persist *p, pk_ack_fn ack, void *ctx);
/* Checkpoint, persist it, and restore the kernel onto it (so its journal
 * starts empty). */
int pk_checkpoint(struct pk_world *w, struct rvx_persist *p);
/* Boot a fresh kernel, open the store, restore and replay (with a keep:
 * restore, start the keep at the restored anchor, then replay). */
int pk_recover(struct pk_world *w, struct rvx_persist *p, const struct rvx_persist_dev *dev,
	       struct rvx_persist_report *r, uint64_t *replayed);
/* Chain head and state hash of the kernel now. */
int pk_state(struct pk_world *w, struct rvx_witness_head *head, uint8_t state_hash[32]);

#endif
