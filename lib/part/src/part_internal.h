/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between the partition layer's files; never installed. */
#ifndef RUVIX_PART_INTERNAL_H
#define RUVIX_PART_INTERNAL_H

#include "ruvix/part.h"

/* A console line through the embedder's trace operation, if it has one. */
#define RVX_PART_TRACE(pl, ...)                                                \
	do {                                                                   \
		if ((pl)->kern->trace != NULL)                                 \
			(pl)->kern->trace((pl)->ctx, __VA_ARGS__);             \
	} while (0)

/* The letter a partition goes by in console lines (A, B, ...). */
#define RVX_PART_NAME(i) ((char)('A' + (int)(i)))

/* The small lookups below are on the trap and switch paths: inline, so a
 * trap pays no call for them. */

/* Live partition @p part, or NULL. */
static inline struct rvx_part_partition *rvx_part_get_(struct rvx_part *pl, uint32_t part)
{
	if (part >= pl->part_count || !pl->parts[part].live)
		return NULL;
	return &pl->parts[part];
}

/* The live partition @p task belongs to, or NULL. */
static inline struct rvx_part_partition *rvx_part_task_part_(struct rvx_part *pl, uint32_t task)
{
	if (task >= pl->task_count || pl->tasks[task].part == 0)
		return NULL;
	return rvx_part_get_(pl, pl->tasks[task].part - 1u);
}

static inline uint32_t rvx_part_index_(const struct rvx_part *pl,
				       const struct rvx_part_partition *p)
{
	return (uint32_t)(p - pl->parts);
}

/* [@p a, @p a + @p len) lies in [@p base, @p base + @p size), without overflow. */
static inline bool rvx_part_in_range_(uint64_t a, uint64_t len, uint64_t base, uint64_t size)
{
	return a >= base && len <= size && a - base <= size - len;
}

int rvx_part_s2_map_(struct rvx_part *pl, struct rvx_part_partition *p,
		     const struct rvx_part_map *m, bool journal);
struct rvx_part_jentry *rvx_part_journal_add_(struct rvx_part_partition *p, uint32_t kind,
					       uint32_t slot);
const struct rvx_part_jentry *rvx_part_journal_spawn_(const struct rvx_part_partition *p,
						      uint32_t slot);
void rvx_part_syscall_args_(struct rvx_syscall_args *a);
int rvx_part_spawn_slot_(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t slot,
			 struct rvx_part_jentry *j, uint32_t index, uint32_t *task);
int rvx_part_end_slot_(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t slot,
		       int32_t code);
void rvx_part_forget_task_(struct rvx_part *pl, uint32_t task);
void rvx_part_forget_part_(struct rvx_part *pl, uint32_t part);
void rvx_part_lease_unmap_(struct rvx_part *pl, struct rvx_part_partition *p, uint32_t device,
			   uint64_t base, uint64_t size);

/* What became of the faulting task after the ladder. */
enum rvx_part_outcome {
	RVX_PART_KEPT = 0,      /* it goes on (yields) */
	RVX_PART_RESTARTED = 1, /* it starts afresh */
	RVX_PART_ENDED = 2,     /* it was ended (its partition rebuilt) */
	RVX_PART_HALTED = 3,    /* no rung worked: the partition stays FAILED */
	RVX_PART_STOPPED = 4,   /* its partition was stopped for good, the task with it */
};

enum rvx_part_outcome rvx_part_fault_(struct rvx_part *pl, struct rvx_part_partition *p,
				      const struct rvx_hyp_fault *fl, uint64_t off, uint64_t len);
void rvx_part_grant_witness_(struct rvx_part *pl, uint32_t from, uint32_t to, uint32_t dest,
			     uint64_t handle, uint64_t rights);

#ifdef RVX_PART_COHERENCE
/* coh.c: the engine's epoch close (after lib/hyp's), and the retry of the
 * moves it placed that were refused before. */
void rvx_part_coh_epoch_(struct rvx_part *pl);
void rvx_part_coh_migrate_(struct rvx_part *pl);
#endif

#endif
