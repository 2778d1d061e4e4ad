/* SPDX-License-Identifier: Apache-2.0 */
/* Shared fixture of the scheduler tests: one scheduler on static storage
 * (FX_TASKS tasks, FX_CPUS CPUs, FX_PARTS partitions), snapshots for the
 * "a failed call changed nothing" checks, and helpers that assert success. */
#ifndef SCHED_FIXTURE_H
#define SCHED_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include "ruvix/sched.h"
#include "ruvix/timer.h"

#define FX_TASKS 64
#define FX_CPUS 2
#define FX_PARTS 4
#define FX_PERIOD 1000000u /* 1 ms */

struct fx {
	struct rvx_sched s;
	alignas(64) uint8_t storage[RVX_SCHED_STORAGE_SIZE(FX_TASKS, FX_CPUS, FX_PARTS, FX_TASKS)];
};

extern struct fx fx;
#define S (&fx.s)

struct fx_snap {
	struct rvx_sched s;
	uint8_t storage[sizeof(fx.storage)];
};

void fx_setup(void);
void fx_snap_take(struct fx_snap *snap);
void fx_snap_assert_same(const struct fx_snap *snap, const char *what);

/* Create a task (asserting success). */
rvx_handle_t fx_task(uint32_t cpu, uint32_t part, uint64_t rel);
/* Create and wake a task at `now`. */
rvx_handle_t fx_ready(uint32_t cpu, uint32_t part, uint64_t rel, uint64_t now);
/* Pick on `cpu` (asserting success); flags may be NULL. */
rvx_handle_t fx_pick(uint32_t cpu, uint64_t now, uint32_t *flags);
/* A copy of a task's control block. */
struct rvx_task fx_info(rvx_handle_t id);
/* Whether two ids are the same. */
static inline bool fx_same(rvx_handle_t a, rvx_handle_t b)
{
	return a.raw == b.raw;
}

/* Every test checks the scheduler's own invariants at the end. */
void fx_check_invariants(void);

#endif
