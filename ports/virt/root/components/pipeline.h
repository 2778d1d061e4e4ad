/* SPDX-License-Identifier: Apache-2.0 */
/* What the root package's components agree on: message types and sizes. */
#ifndef RVX_VIRT_ROOT_PIPELINE_H
#define RVX_VIRT_ROOT_PIPELINE_H

#include "ruvix/queue.h"
#include "ruvix/user.h"
#include "ruvix/user_a64.h"
#include "ruvix/user_image.h"

/** A work item (payload: its index, then filler). */
#define PIPE_MSG_ITEM 1u
/** A worker's report (payload: struct pipe_report). */
#define PIPE_MSG_REPORT 2u
/** The producer is done (payload: the u32 count of items sent). */
#define PIPE_MSG_END 3u
/** Largest item count and size `params` may ask for. */
#define PIPE_ITEMS_MAX 64u
#define PIPE_ITEM_SIZE_MAX 64u
/** The package's region 0, `params`, as the loader maps it (read only). */
#define PIPE_PARAMS ((const char *)(uintptr_t)RVX_USER_IMAGE_REGION(0))

/** A worker's report. */
struct pipe_report {
	uint32_t task;  /**< The worker's task id. */
	uint32_t cpu;   /**< Where it ran. */
	uint32_t fp_ok; /**< 1 if its FP/SIMD state survived every preemption. */
	uint32_t slices;/**< Gaps in its computation (preemptions seen). */
};

/** The number after @p key in the 128 bytes of `params` (0 if absent). */
static inline uint32_t pipe_param(const char *key)
{
	const char *p = PIPE_PARAMS, *end = PIPE_PARAMS + 128;
	uint32_t n = 0, v = 0;

	while (key[n] != '\0')
		n++;
	for (; p + n <= end; p++) {
		uint32_t i = 0;

		while (i < n && p[i] == key[i])
			i++;
		if (i < n)
			continue;
		for (p += n; p < end && *p >= '0' && *p <= '9'; p++)
			v = v * 10u + (uint32_t)(*p - '0');
		return v;
	}
	return 0;
}

#endif
