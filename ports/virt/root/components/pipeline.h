/* SPDX-License-Identifier: Apache-2.0 */
/* What the root package's components agree on: message types and sizes. */
#ifndef RVX_VIRT_ROOT_PIPELINE_H
#define RVX_VIRT_ROOT_PIPELINE_H

#include "ruvix/queue.h"
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

/** A work item (payload: its index, then filler). */
#define PIPE_MSG_ITEM 1u
/** A worker's report (payload: struct pipe_report). */
#define PIPE_MSG_REPORT 2u
/** The producer is done (payload: the u32 count of items sent). */
#define PIPE_MSG_END 3u
/** Items the producer sends, and their size. */
#define PIPE_ITEMS 8u
#define PIPE_ITEM_SIZE 16u

/** A worker's report. */
struct pipe_report {
	uint32_t task;  /**< The worker's task id. */
	uint32_t cpu;   /**< Where it ran. */
	uint32_t fp_ok; /**< 1 if its FP/SIMD state survived every preemption. */
	uint32_t slices;/**< Gaps in its computation (preemptions seen). */
};

#endif
