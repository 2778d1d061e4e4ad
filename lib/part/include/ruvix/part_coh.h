/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file part_coh.h
 * @brief The coherence engine in the partition layer: partitions placed on
 *        CPUs by their CommEdge traffic, migrated, and their tasks given
 *        cut pressure and structural risk as scheduling inputs (built only
 *        with `-Dcoherence=enabled`).
 *
 * Once attached (`rvx_part_coherence_attach()`), each switch epoch that
 * `rvx_part_tick()` closes feeds the engine (ruvix/coherence.h):
 * - vertices: the live partitions that were not stopped, each placed at
 *   first on its home CPU; load: its live tasks (lib/hyp keeps no CPU time
 *   per partition), at least 1;
 * - edges: the live CommEdges between them; traffic: the closed epoch's
 *   bytes plus messages (a message counts one unit for its header), as
 *   lib/hyp counted them from the kernel's per-queue counts.
 * Then `rvx_coh_epoch_close()` refines the placement within its budget on
 * the port's clock (kernel op `now`, unless the configuration names another
 * clock) and, when it says a rebuild is due, `rvx_coh_rebuild()` runs in the
 * same tick with its own budget. The layer then acts:
 * 1. one `RVX_PART_WITNESS_PLACEMENT` record (`struct rvx_part_coh_record`:
 *    the engine's result, the budget-exceeded flag among its flags, and the
 *    placement decided) per epoch close, before any move;
 * 2. every partition whose placed CPU differs from its home is moved there
 *    with `rvx_part_migrate()` (a MIGRATE record each). A move refused now
 *    (a task of it runs, a run queue is full) is retried at every tick until
 *    it is made; hysteresis is the engine's (`hold_epochs`, `min_gain_q16`);
 * 3. every live task of each placed partition gets its partition's cut
 *    pressure and structural risk through kernel op `task_scores`.
 * With NUMA nodes in the layer's configuration (`node_count` > 1) the
 * engine's parts are the nodes (k = nodes): it places each partition on a
 * node, and the layer chooses the CPU within it: the partition's own CPU if
 * that is on the node, else the node's CPU with the fewest partitions
 * placed on it (the lowest such CPU on a tie). The record names that CPU.
 * A partition moved by anyone else (`rvx_part_migrate()` called directly) is
 * taken into the engine afresh on its new CPU at the next close. A budget
 * overrun keeps the placement in force (the engine's rule) and is witnessed
 * by the record's flags. Everything is deterministic for the same inputs but
 * the clock: replaying with each record's `work` as the work limit rebuilds
 * the same decisions.
 */
#ifndef RUVIX_PART_COH_H
#define RUVIX_PART_COH_H

#include "ruvix/coherence.h"
#include "ruvix/part.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Scratch bytes the embedded engine needs (k at most the CPUs). */
#define RVX_PART_COH_SCRATCH                                                   \
	RVX_COH_SCRATCH_BYTES(RVX_CONFIG_PART_MAX_PARTITIONS, RVX_CONFIG_PART_EDGES, \
			      RVX_CONFIG_HYP_MAX_CPUS)

/**
 * Arguments of a `RVX_PART_WITNESS_PLACEMENT` record (native byte order; the
 * record's target is the engine's epoch number, its actor `RVX_HYP_NONE`).
 * 64 bytes, a port record's most.
 */
struct rvx_part_coh_record {
	uint64_t cut;          /**< Cut of the placement decided (a rebuild's, if one ran). */
	uint64_t traffic;      /**< Total decayed traffic. */
	uint64_t work;         /**< Work units spent (close and rebuild): the replay's stop point. */
	uint32_t flags;        /**< `RVX_COH_RES_*` of the close and the rebuild, or-ed
				    (`RVX_COH_RES_BUDGET_EXCEEDED`: a budget ran out). */
	uint32_t moved;        /**< Partitions whose placed CPU changed. */
	uint8_t placement[32]; /**< Placed CPU per partition index (0xFF: not placed). */
};

_Static_assert(sizeof(struct rvx_part_coh_record) == 64, "a placement record is 64 bytes");
_Static_assert(RVX_CONFIG_PART_MAX_PARTITIONS <= 32 && RVX_CONFIG_HYP_MAX_CPUS < 255,
	       "a placement fits the record");

/** The engine attached to a partition layer (caller storage; read it, change it only
 *  through the calls). */
struct rvx_part_coh {
	struct rvx_coh engine;                                       /**< The engine. */
	struct rvx_coh_vertex vertices[RVX_CONFIG_PART_MAX_PARTITIONS]; /**< One per partition index. */
	struct rvx_coh_edge edges[RVX_CONFIG_PART_EDGES];            /**< Engine edge slots. */
	uint64_t scratch[(RVX_PART_COH_SCRATCH + 7u) / 8u];          /**< The engine's scratch. */
	struct rvx_coh_score scores[RVX_CONFIG_PART_MAX_PARTITIONS]; /**< Scores of the last close. */
	uint32_t edge_of[RVX_CONFIG_PART_EDGES]; /**< Engine edge of each CommEdge, or `RVX_COH_NONE`. */
	uint64_t edge_h[RVX_CONFIG_PART_EDGES];  /**< lib/hyp handle it was made for. */
	uint32_t placed[RVX_CONFIG_PART_MAX_PARTITIONS]; /**< Home CPU the layer knew at the last
							      close (`RVX_COH_NONE`: not in the engine). */
	uint32_t target[RVX_CONFIG_PART_MAX_PARTITIONS]; /**< CPU the last close placed each
							      partition on (`RVX_COH_NONE`: none). */
	uint32_t reserved;                       /**< Zero. */
	struct rvx_part_coh_record last;         /**< The last record written. */
	struct rvx_coh_result result;            /**< The last close's result (a rebuild folded in). */
	uint64_t closes;                         /**< Epoch closes run. */
	uint64_t rebuilds;                       /**< Rebuilds run. */
	uint64_t budget_exceeded;                /**< Closes (or rebuilds) that ran out of budget. */
	uint64_t migrations;                     /**< Moves made for the engine. */
	uint64_t deferred;                       /**< Moves refused for now (retried). */
	uint64_t score_failures;                 /**< `task_scores` calls that failed. */
};

/**
 * Attach a coherence engine to partition layer @p pl: the engine is started
 * with @p cfg (its `parts` the layer's CPU count; a NULL `clock` means the
 * port's `now`) and takes in the partitions and CommEdges there are now;
 * from the next epoch close on it places, moves and scores them.
 * @param pl the layer (initialised, not torn down)
 * @param pc storage for the engine (kept until the layer is torn down)
 * @param cfg the engine's configuration (copied; see `rvx_coh_config_default()`)
 * @retval 0 attached
 * @retval -RVX_EINVAL a NULL pointer, a layer torn down, `cfg->parts` not the
 *         layer's node count (with several nodes) or CPU count (without),
 *         no kernel op `task_scores`, or a configuration
 *         `rvx_coh_init()` refuses
 * @retval -RVX_EEXIST an engine is attached already
 */
int rvx_part_coherence_attach(struct rvx_part *pl, struct rvx_part_coh *pc,
			      const struct rvx_coh_config *cfg);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_PART_COH_H */
