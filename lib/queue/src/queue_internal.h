/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to lib/queue and its tests; never installed.
 */
#ifndef RUVIX_QUEUE_INTERNAL_H
#define RUVIX_QUEUE_INTERNAL_H

#include "ruvix/queue.h"

/*
 * rvx_queue_init() with every ring index starting at @p start_index instead
 * of 0. Indices are free-running 32-bit counters; starting them just below
 * UINT32_MAX lets a test cross the wrap-around in a few operations instead
 * of 2^32. Same checks and return values as rvx_queue_init().
 */
int rvx_queue_init_at_(struct rvx_queue *q, void *storage, size_t storage_size,
		       uint32_t slot_count, uint32_t max_payload,
		       uint32_t start_index);

#endif /* RUVIX_QUEUE_INTERNAL_H */
