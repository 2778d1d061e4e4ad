/* SPDX-License-Identifier: Apache-2.0 */
/* Private helpers shared by the nucleus's source files. */
#ifndef RUVIX_NUCLEUS_INTERNAL_H
#define RUVIX_NUCLEUS_INTERNAL_H

#include "ruvix/endian.h"
#include "ruvix/nucleus.h"

/* What a task waits for (struct rvx_kernel_task.wait). */
#define RVX_KERNEL_WAIT_NONE 0u
#define RVX_KERNEL_WAIT_QUEUE 1u
#define RVX_KERNEL_WAIT_TIMER 2u
#define RVX_KERNEL_WAIT_HELD 3u /* held off the CPU by its port (rvx_kernel_task_hold()) */

int rvx_kernel_witness_room_(const struct rvx_kernel *k, size_t len);
/* The journal tag of the payload @p pieces for a record whose first 32
 * wire bytes are @p prefix (see rvx_kernel_replay()). */
void rvx_kernel_journal_tag_(const struct rvx_kernel *k, const uint8_t prefix[32],
			     const struct rvx_witness_piece *pieces, uint32_t count,
			     uint8_t tag[RVX_KERNEL_JOURNAL_TAG_BYTES]);
int rvx_kernel_witness_(struct rvx_kernel *k, uint16_t kind, uint8_t tier, uint32_t actor,
			uint64_t target, const void *args, size_t len,
			struct rvx_witness_record *out);
rvx_handle_t rvx_kernel_obj_handle_(const struct rvx_kernel *k, uint32_t object);
bool rvx_kernel_task_ok_(const struct rvx_kernel *k, uint32_t task);
bool rvx_kernel_slot_free_(const struct rvx_kernel *k, uint32_t task);
bool rvx_kernel_object_free_(const struct rvx_kernel *k, uint32_t count);
rvx_handle_t rvx_kernel_create_mint_(struct rvx_kernel *k, uint32_t task,
				     enum rvx_obj_type type, uint32_t ref,
				     rvx_rights_t rights, rvx_handle_t *object);
void rvx_kernel_wake_(struct rvx_kernel *k, uint32_t task);
void rvx_kernel_epoch_reset_(struct rvx_kernel *k);
int rvx_kernel_task_exit_(struct rvx_kernel *k, uint32_t task, int32_t code);

/* Close the current run of sends on @p q (if a task's) before the last
 * @p msgs messages and @p bytes bytes counted: credit the run to its
 * sender's slot, and start a new run there with no sender. */
static inline void rvx_kernel_run_end_(struct rvx_kernel_queue *q, uint64_t msgs, uint64_t bytes)
{
	uint64_t m = q->epoch_msgs[0] - msgs, b = q->epoch_bytes[0] - bytes;

	if (q->run_slot < RVX_KERNEL_QUEUE_SENDERS) {
		q->sender_msgs[q->run_slot] += m - q->run_msgs;
		q->sender_bytes[q->run_slot] += b - q->run_bytes;
	}
	q->run_msgs = m;
	q->run_bytes = b;
	q->run_slot = RVX_KERNEL_QUEUE_SENDERS;
}

/* Kinds a port records with rvx_kernel_port_record(). */
static inline bool rvx_kernel_port_kind_(uint16_t kind)
{
	return (kind >= RVX_WITNESS_PARTITION_CREATE && kind <= RVX_WITNESS_SWITCH_SUMMARY) ||
	       kind >= RVX_WITNESS_KIND_USER;
}

/* True if subscription s delivers: made, and the subscriber still holds
 * both capabilities it was made with (sensor READ, queue WRITE). Revoking or
 * deleting either stops it at once; its slot is then free for a new one. */
static inline bool rvx_kernel_sub_active_(const struct rvx_kernel *k,
					 const struct rvx_kernel_sub *s)
{
	struct rvx_cap_target t;
	rvx_handle_t sc = {s->sensor_cap}, qc = {s->queue_cap};

	return s->live &&
	       rvx_cap_check(&k->caps, s->task, sc, RVX_OBJ_SENSOR, RVX_RIGHT_READ, &t) == 0 &&
	       t.ref == s->sensor &&
	       rvx_cap_check(&k->caps, s->task, qc, RVX_OBJ_QUEUE, RVX_RIGHT_WRITE, &t) == 0 &&
	       t.ref == s->queue;
}

int rvx_kernel_sys_mount_(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r);

#endif
