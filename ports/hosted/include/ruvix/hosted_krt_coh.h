/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hosted_krt_coh.h
 * @brief The coherence engine in the hosted kernel runtime: tasks placed on
 *        CPUs (host threads) by the queue traffic between them.
 *
 * Built only with the coherence engine (-Dcoherence=enabled); off unless a
 * program attaches it with rvx_hkrt_coherence_attach() before
 * rvx_hkrt_run(). Then, every `epoch_ns` of kernel time, at a tick (kernel
 * lock held, on whichever CPU ticks):
 * 1. the task graph is brought up to date: a vertex per live task (on the
 *    CPU the nucleus has it on), its load 1 (or, with `load_by_time`, the
 *    time it ran in the epoch in microseconds plus one); per queue, an
 *    edge from each task that sent on it in the epoch (up to
 *    `RVX_KERNEL_QUEUE_SENDERS`, rvx_kernel_queue_peers()) to the task that
 *    last received from it, weighted by that sender's bytes plus messages
 *    and its share of the received ones (received x its share of the
 *    sent). A queue several tasks receive from is counted for its last
 *    receiver; a sender's edge with no traffic in an epoch stays (its
 *    weight decays) until its slot is needed for another pair;
 * 2. rvx_coh_epoch_close() runs within the engine's budget on the host's
 *    monotonic clock, followed by rvx_coh_rebuild() when it is due;
 * 3. the decision is witnessed: one `RVX_HKRT_WITNESS_PLACEMENT` record
 *    (rvx_kernel_port_record()) before any move;
 * 4. every task whose placed CPU differs from its CPU is moved with
 *    rvx_kernel_task_migrate() (a TASK_MIGRATE record each); a task running
 *    now is refused and retried at every tick until it moves;
 * 5. every placed task gets its cut pressure and structural risk with
 *    rvx_kernel_task_set_scores();
 * 6. the nucleus epoch is closed (rvx_kernel_epoch_close()), which restarts
 *    the queues' peers and counts for the next engine epoch. Give the
 *    kernel no epoch length of its own (epoch_ns 0) or one no shorter than
 *    the engine's, or its closes take traffic from the engine's view.
 * A task moved by someone else is taken in afresh on its new CPU at the
 * next close. Hysteresis is the engine's (`hold_epochs`, `min_gain_q16`).
 */
#ifndef RUVIX_HOSTED_KRT_COH_H
#define RUVIX_HOSTED_KRT_COH_H

#include "ruvix/coherence.h"
#include "ruvix/hosted_krt.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Witness kind of the runtime's placement record (a port record). lib/part
 *  uses 0x8203 for its partitions (32 of them); tasks need another layout. */
#define RVX_HKRT_WITNESS_PLACEMENT 0x8210u

/** Scratch bytes the engine needs for the runtime's graph. */
#define RVX_HKRT_COH_SCRATCH RVX_COH_SCRATCH_BYTES(RVX_KERNEL_TASKS, RVX_HKRT_COH_EDGES, RVX_HKRT_CPUS_MAX)
/** Engine edges: one per queue and sender slot. */
#define RVX_HKRT_COH_EDGES (RVX_KERNEL_QUEUES * RVX_KERNEL_QUEUE_SENDERS)

/**
 * Arguments of a `RVX_HKRT_WITNESS_PLACEMENT` record (native byte order; its
 * target is the engine's epoch number, its actor 0). 64 bytes, a port
 * record's most.
 */
struct rvx_hkrt_coh_record {
	uint64_t cut;      /**< Cut of the placement decided. */
	uint64_t traffic;  /**< Total decayed traffic. */
	uint64_t work;     /**< Work units spent (close and rebuild). */
	uint32_t flags;    /**< `RVX_COH_RES_*` of the close and the rebuild, or-ed. */
	uint32_t moved;    /**< Tasks whose placed CPU changed. */
	/** Placed CPU per task index, 4 bits each (task i: byte i / 2, low
	 *  nibble for even i); 0xF: not placed. */
	uint8_t placement[RVX_KERNEL_TASKS / 2];
};

_Static_assert(sizeof(struct rvx_hkrt_coh_record) == 64, "a placement record is 64 bytes");
_Static_assert(RVX_KERNEL_TASKS == 64 && RVX_HKRT_CPUS_MAX < 15, "a placement fits the record");

/** The engine attached to a runtime (caller storage; read it under no lock
 *  only after rvx_hkrt_run() returned). */
struct rvx_hkrt_coh {
	struct rvx_coh engine;                             /**< The engine. */
	struct rvx_coh_vertex vertices[RVX_KERNEL_TASKS];  /**< One per task index. */
	struct rvx_coh_edge edges[RVX_HKRT_COH_EDGES];     /**< At most one per queue and sender slot. */
	uint64_t scratch[(RVX_HKRT_COH_SCRATCH + 7u) / 8u]; /**< The engine's scratch. */
	struct rvx_coh_score scores[RVX_KERNEL_TASKS];     /**< Scores of the last close. */
	uint32_t placed[RVX_KERNEL_TASKS];     /**< CPU the runtime knew a vertex on, or `RVX_COH_NONE`. */
	uint32_t generation[RVX_KERNEL_TASKS]; /**< Runtime generation of the task a vertex is. */
	uint64_t ran[RVX_KERNEL_TASKS];        /**< Its run time counted so far (ns). */
	/** Engine edge of each queue's sender slot i (index q * `RVX_KERNEL_QUEUE_SENDERS` + i), or `RVX_COH_NONE`. */
	uint32_t edge_of[RVX_HKRT_COH_EDGES];
	uint32_t edge_a[RVX_HKRT_COH_EDGES];   /**< Sender the edge was made for. */
	uint32_t edge_b[RVX_HKRT_COH_EDGES];   /**< Receiver the edge was made for. */
	/** A task's load: 0 (what attach sets) 1 per task; 1 its run time in the
	 *  epoch (us + 1). Set it after attach, before rvx_hkrt_run(). Run time
	 *  varies from epoch to epoch, and the balance constraint then moves
	 *  tasks back and forth (see docs/coherence.md). */
	uint32_t load_by_time;
	uint32_t pending;                      /**< 1 while a decided move was refused (retried each tick). */
	uint32_t reserved;                     /**< 0. */
	uint64_t epoch_ns;                     /**< Engine epoch (kernel ns). */
	uint64_t next_close;                   /**< Kernel time of the next close. */
	struct rvx_hkrt_coh_record last;       /**< The last record written. */
	struct rvx_coh_result result;          /**< The last close's result (a rebuild folded in). */
	uint64_t closes;                       /**< Epoch closes run. */
	uint64_t rebuilds;                     /**< Rebuilds run. */
	uint64_t budget_exceeded;              /**< Closes or rebuilds whose budget ran out. */
	uint64_t migrations;                   /**< Tasks moved. */
	uint64_t deferred;                     /**< Moves refused for now (retried). */
	uint64_t record_failures;              /**< Placement records the kernel refused. */
	uint64_t score_failures;               /**< Scores the kernel refused. */
	uint64_t close_ns_max;                 /**< Longest close (engine and acting on it), ns. */
};

/**
 * Attach the coherence engine to a runtime: from the next tick on, it
 * places the runtime's tasks (see the file comment). Call after
 * rvx_hkrt_init() and before rvx_hkrt_run().
 * @param rt the runtime (not running)
 * @param hc storage for the engine (written only on success)
 * @param cfg the engine's configuration: `parts` must be the runtime's CPU
 *        count; a NULL `clock` is replaced by the host's monotonic clock
 * @param epoch_ns the engine's epoch in kernel ns, non-zero
 * @retval 0 attached
 * @retval -RVX_EINVAL a NULL pointer, @p epoch_ns 0, `parts` not the CPU
 *         count, or the runtime is running
 * @retval -RVX_EEXIST an engine is attached already
 * @retval other rvx_coh_init()'s error for @p cfg
 */
int rvx_hkrt_coherence_attach(struct rvx_hkrt *rt, struct rvx_hkrt_coh *hc,
			      const struct rvx_coh_config *cfg, uint64_t epoch_ns);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_HOSTED_KRT_COH_H */
