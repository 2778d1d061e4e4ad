/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the partition mechanism (part.c), the board's set-up (part_setup.c)
 * and the partition programs (part_demo.c, part_bench.c) share on the virt
 * image. The programs use lib/part's calls on rvx_virt_pl for everything
 * privileged; this header adds the image's two partitions, the guests'
 * progress reports and the hooks by which the mechanism tells the demo
 * what it did.
 */
#ifndef RVX_VIRT_PART_H
#define RVX_VIRT_PART_H

#include "ruvix/part.h"
#include "guest.h"
#include "virt.h"

/** Partitions the demo and the figures run (A and B). */
#define RVX_VIRT_PARTS 2u
/** Partitions the NUMA program runs (A to D); the most any program runs. */
#define RVX_VIRT_PARTS_MAX 4u
/** Partition mode of the component loader (component.c). */
#define RVX_VIRT_PART_MODE_COMP 3u
/** A millisecond in nanoseconds. */
#define RVX_VIRT_MS UINT64_C(1000000)
/** The recovery policy's failure window. */
#define RVX_VIRT_WINDOW_NS (50u * RVX_VIRT_MS)
/** Device ids of the ranges a partition may lease (or touch without a lease). */
#define RVX_VIRT_DEV_UART 1u
#define RVX_VIRT_DEV_GICD 2u
#define RVX_VIRT_DEV_GICC 3u

/** What a partition's tasks reported (hvc #4), per report code. */
struct rvx_virt_progress {
	uint64_t reports[16];    /**< Times each code was reported. */
	uint64_t report_val[16]; /**< The last value of each code. */
};

/** The partition layer of this image. */
extern struct rvx_part rvx_virt_pl;
/** Progress reports per partition. */
extern struct rvx_virt_progress rvx_virt_progress[RVX_VIRT_PARTS_MAX];
/** The guests' text (.guest, virt.ld), mapped into every partition. */
extern char __guest_start[], __guest_end[];
/** Stage-2 loads of each partition (switches to it from another), per CPU. */
extern uint64_t rvx_virt_part_ran[RVX_A64_MAX_CPUS][RVX_VIRT_PARTS_MAX];

/** Monotonic time in nanoseconds. */
uint64_t rvx_virt_part_now(void);
/** Partition @p part's boot block (the start of its memory). */
struct guest_boot *rvx_virt_part_boot(uint32_t part);
/** The root task sleeps @p ms milliseconds. */
void rvx_virt_part_sleep_ms(uint64_t ms);
/** The root task waits (in 2 ms sleeps) until @p cond holds; false after @p limit_ms. */
bool rvx_virt_part_wait_for(const char *what, bool (*cond)(void), uint64_t limit_ms);

/* part.c, for the raw switch benchmark (which saves and loads EL1 state
 * with the core's rvx_a64_el1_save() and rvx_a64_el1_load()). */
/** VTTBR_EL2 of partition @p part. */
uint64_t rvx_virt_part_vttbr(uint32_t part);
/** Figures: cross-CPU kicks on (the default) or off (wake-ups wait for the tick). */
void rvx_virt_part_kicks(bool on);

/* part.c, for the set-up (kernel lock held). */
/** lib/part's rvx_part_init() on rvx_virt_pl with this image's operations. */
int rvx_virt_part_init(const struct rvx_part_config *cfg);
/** The runtime's hooks run partitions from now on (@p mode: 1 demo, 2 bench). */
void rvx_virt_part_set_mode(uint32_t mode);
/** lib/part's rvx_part_teardown(); the runtime's hooks stop for good.
 *  -RVX_EBUSY (nothing changed) while a partition task runs on another
 *  CPU: suspend the partitions and try again (part_setup.c). */
int rvx_virt_part_teardown(uint32_t cpu);
/** Partition @p part's stage-2 tables, for the audit. */
const struct rvx_stage2 *rvx_virt_part_s2(uint32_t part);
/** Partition @p part's stage-2 table pool (before it is created). */
void rvx_virt_part_set_pool(uint32_t part, void *pages, uint32_t count);
/** Apply lib/part's verdict @p v to the trapped frame @p f; the frame to
 *  resume. Kernel lock held, in the same hold as the decision: a task that
 *  was ended, restarted or stopped is switched away from before any other
 *  CPU can reuse its index or move it. */
struct rvx_a64_frame *rvx_virt_part_apply_locked(struct rvx_a64_frame *f,
						 const struct rvx_part_verdict *v);

/* part_demo.c, for part.c's trap hook and lib/part's snapshot operations. */
/** A guest's own hypercall (guest.h: print, report, check state) by @p task. */
struct rvx_a64_frame *rvx_virt_part_guest_call(uint32_t task, struct rvx_a64_frame *f,
					       const struct rvx_part_verdict *v);
/** Copy @p part's memory into the checkpoint store; @p d is its SHA-256. */
int rvx_virt_part_snapshot_save(void *ctx, uint32_t part, uint8_t d[32]);
/** The SHA-256 of @p part's stored checkpoint. */
int rvx_virt_part_snapshot_digest(void *ctx, uint32_t part, uint8_t d[32]);
/** Copy bytes [@p off, @p off + @p len) of @p part's checkpoint back. */
int rvx_virt_part_snapshot_restore(void *ctx, uint32_t part, uint64_t off, uint64_t len);
/** 0 if bytes [@p off, @p off + @p len) of @p part equal its checkpoint's. */
int rvx_virt_part_snapshot_compare(void *ctx, uint32_t part, uint64_t off, uint64_t len);

/* The programs (the root task runs one, then part_setup.c tears down). */
/** The demo (@p mode: RVX_VIRT_PART_DEMO, _SMP or _SMP_SHARED places the
 *  partitions): CommEdges, leases, isolation probes, the recovery ladder. */
void rvx_virt_part_demo(uint32_t mode);
/** The switch and trap figures. */
void rvx_virt_part_bench(void);
/** The NUMA program (part_numa.c): four partitions in two clusters that talk,
 *  started round-robin over the CPUs; with rvx.coherence=on the engine
 *  gathers each cluster on one node. */
void rvx_virt_part_numa(void);

/* component.c: the component partitions (those lib/part made with a layout). */
/** The physical address of [@p ipa, @p ipa + @p len) of component partition @p part if it
 *  is mapped there with read (and @p write) permission, else 0. */
uint64_t rvx_virt_comp_pa(uint32_t part, uint64_t ipa, uint64_t len, bool write);
/** Where [@p ipa, @p ipa + @p len) of component partition @p part lies (its window, or
 *  one region mapped into it), without checking the stage-2 permissions again: for
 *  ranges lib/part has already checked with rvx_virt_comp_pa(); 0 if neither. */
uint64_t rvx_virt_comp_translate(uint32_t part, uint64_t ipa, uint64_t len);
/** A component task's EL1 state at its (re)start. */
void rvx_virt_comp_cpu_reset(uint32_t task, uint32_t part, uint32_t slot);
/** A component task's first frame: its start-up, start block and entry. */
void rvx_virt_comp_task_init(uint32_t part, uint32_t task, struct rvx_a64_frame *nf);
/** A component task's syscall (@p a holds its IPAs, checked by lib/part). */
int rvx_virt_comp_syscall(uint32_t part, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r);
/** TaskSpawn or RvfMount from a component task (@p a holds its IPAs, checked by lib/part). */
int rvx_virt_comp_create(uint32_t part, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
			 struct rvx_syscall_result *r);
/** A component's board call (print, exit). */
struct rvx_a64_frame *rvx_virt_comp_call(uint32_t task, struct rvx_a64_frame *f,
					 const struct rvx_part_verdict *v);
/** The ladder stopped component partition @p part for good: tell the board of the tasks it
 *  ended (kernel lock not held). */
void rvx_virt_comp_stopped(uint32_t part);

/* Hooks from the mechanism into the demo (kernel lock held). */
/** Bytes [@p off, @p off + @p len) of @p part were restored from its checkpoint. */
void rvx_virt_part_demo_restored(uint32_t part, uint64_t off, uint64_t len);
/** A fault of @p cause was handled in @p part. */
void rvx_virt_part_demo_fault(uint32_t part, uint32_t cause);

#endif
