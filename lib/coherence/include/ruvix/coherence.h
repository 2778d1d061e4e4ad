/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file coherence.h
 * @brief The coherence engine: places the vertices of a traffic graph
 *        (partitions or tasks) on k parts (CPUs or NUMA nodes) so that little
 *        traffic crosses parts while the parts' loads stay balanced.
 *
 * Vertices carry a load (for example CPU time) and edges a traffic weight
 * (for example bytes), both counted per epoch and exponentially decayed in
 * fixed point. At each epoch close the engine refines the current placement
 * with a k-way Fiduccia-Mattheyses pass (moves taken from a gain table of
 * bucket lists, rolled back to the best prefix); when the cut has drifted,
 * or periodically, it asks for a rebuild, which builds placements from
 * scratch (label-propagation clusters packed onto parts, and greedy graph
 * growing, each followed by the same refinement) and keeps the best only if
 * it beats the placement in force.
 * Everything is integer arithmetic, so the same inputs give the same
 * placement byte for byte on every host.
 *
 * Order of use:
 * 1. `rvx_coh_config_default()`, adjust, then `rvx_coh_init()` with the
 *    caller's vertex slots, edge slots and scratch
 *    (`RVX_COH_SCRATCH_BYTES()` bytes, 8-byte aligned).
 * 2. `rvx_coh_vertex_add()` each vertex and `rvx_coh_edge_add()` each
 *    channel between two vertices (several edges between one pair add up).
 * 3. During an epoch, `rvx_coh_vertex_note()` load and `rvx_coh_edge_note()`
 *    traffic.
 * 4. `rvx_coh_epoch_close()` decays the weights, refines the placement
 *    within the time budget (the hot path) and lists the migrations to carry
 *    out. When it reports `RVX_COH_RES_REBUILD_DUE`, call
 *    `rvx_coh_rebuild()` off the hot path (its own, larger budget). Read the
 *    placement with `rvx_coh_part_of()` and the per-vertex coherence, cut
 *    pressure and structural risk with `rvx_coh_scores()`.
 *
 * Definitions (all Q16.16 in [0, 1]; `w(S, T)` is the decayed traffic
 * between vertex sets S and T, `vol(S)` the traffic of S's vertices counted
 * once per end):
 * - coherence of v = w(v, own part) / w(v, all); 1 for a vertex without
 *   traffic;
 * - cut pressure of v = w(v, other parts) / max over u of w(u, other parts);
 *   0 when nothing crosses parts;
 * - structural risk of a part P (and of each vertex on it) = its
 *   conductance w(P, rest) / min(vol(P), vol(rest)); 0 when either volume is
 *   0. A high value says the part is not a cluster.
 *
 * Balance: a vertex weighs its decayed load in Q16 units, at least 1. A
 * placement is balanced when no part weighs more than the cap
 * max(ceil(W * imbalance / k), ceil(W / k) + heaviest vertex), W the total
 * (or, with a balance slack, than the tolerance: see below); the second term
 * makes a balanced placement always exist. An adopted placement is always
 * balanced unless the budget ran out before an unbalanced start could be
 * repaired, or held vertices stood in the way (`RVX_COH_RES_UNBALANCED`).
 *
 * Balance hysteresis (`balance_slack_q16` = s, for loads that change from
 * epoch to epoch, such as run time): a placement whose heaviest part is
 * within the tolerance cap + cap * s counts as balanced, so the balance
 * alone moves nothing until a part exceeds the tolerance; a repair then
 * brings the parts back under the cap itself (not just under the
 * tolerance), moving only vertices that are not held (the hold is
 * respected; what no free vertex can repair waits for the holds to end and
 * is flagged `RVX_COH_RES_UNBALANCED` meanwhile). Refinement never moves a
 * vertex onto a part it would take above the cap. Loads can be smoothed
 * more than traffic with their own decay (`load_decay_q16`). With s = 0
 * (the default) the cap is the tolerance and a repair may move held
 * vertices when no free one can.
 *
 * Hysteresis: a new placement replaces the current one only when it lowers
 * the cut by more than `min_gain` of the total traffic (or repairs the
 * balance), and a vertex that moved stays where it is for `hold_epochs`
 * epochs of epoch closes; only a balance repair may move a held vertex, when
 * no free vertex can. A rebuild (rare, and adopted only for a clear gain)
 * may move any vertex; the vertices it moves are held in turn.
 *
 * Budget: the epoch close (rebuild) stops when `budget_ns`
 * (`rebuild_budget_ns`) has passed on the
 * caller's clock or `work_limit` units of work are spent, keeps the best
 * placement found so far and sets `RVX_COH_RES_BUDGET_EXCEEDED` for the
 * caller to witness. The work count in the result replays the same stop
 * point without a clock (pass it as `work_limit`).
 *
 * Check, then commit: every call validates all of its arguments first; a
 * failed call changes nothing. The library does no locking and no
 * allocation; the embedder serialises calls on one `struct rvx_coh`.
 */
#ifndef RUVIX_COHERENCE_H
#define RUVIX_COHERENCE_H

#include "ruvix/env.h"
#include "ruvix/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The value 1.0 in Q16.16. */
#define RVX_COH_Q16_ONE UINT32_C(0x10000)
/** Most parts (CPUs or nodes) a placement may use. */
#define RVX_COH_MAX_PARTS 64u
/** Most vertex slots. */
#define RVX_COH_MAX_VERTICES 65535u
/** Most edge slots (with `RVX_COH_EPOCH_MAX`, keeps every sum of weights below 2^62). */
#define RVX_COH_MAX_EDGES 65535u
/** "No vertex / part / edge". */
#define RVX_COH_NONE UINT32_C(0xFFFFFFFF)
/** Largest load or traffic counted per vertex or edge per epoch (more saturates). */
#define RVX_COH_EPOCH_MAX (UINT64_C(1) << 30)
/** Default time budget of one epoch close, in the clock's units (ns). */
#define RVX_COH_DEFAULT_BUDGET_NS 50000u
/** Default time budget of one rebuild (off the hot path), in ns. */
#define RVX_COH_DEFAULT_REBUILD_BUDGET_NS 2000000u

/** Most vertices on one part that `rvx_coh_propose()` looks for a split in. */
#define RVX_COH_SPLIT_MAX 32u

/** Buckets of the gain table (internal, for `RVX_COH_SCRATCH_BYTES()`). */
#define RVX_COH_GAIN_BUCKETS 1025u

/** @p x rounded up to a multiple of 8 (for `RVX_COH_SCRATCH_BYTES()`). */
#define RVX_COH_ALIGN8_(x) (((size_t)(x) + 7u) & ~(size_t)7u)
/**
 * Scratch bytes `rvx_coh_init()` needs for @p nv vertex slots, @p ne edge
 * slots and @p k parts.
 */
#define RVX_COH_SCRATCH_BYTES(nv, ne, k)                                       \
	(RVX_COH_ALIGN8_(4u * ((size_t)(nv) + 1u)) +                           \
	 2u * RVX_COH_ALIGN8_(4u * 2u * (size_t)(ne)) + 8u * 2u * (size_t)(ne) + \
	 8u * (size_t)(nv) * ((size_t)(k) + 2u) +                              \
	 RVX_COH_ALIGN8_(4u * 11u * (size_t)(nv)) + RVX_COH_ALIGN8_((size_t)(nv)) + \
	 RVX_COH_ALIGN8_(4u * RVX_COH_GAIN_BUCKETS) + 8u * 2u * (size_t)(k) + \
	 RVX_COH_ML_BYTES_(nv, ne) + 8u * (size_t)RVX_COH_SPLIT_MAX * RVX_COH_SPLIT_MAX)
/** Bytes of the multilevel hierarchy (internal, for `RVX_COH_SCRATCH_BYTES()`). */
#define RVX_COH_ML_BYTES_(nv, ne)                                              \
	(RVX_COH_ALIGN8_(4u * (2u * (size_t)(nv) + 24u)) + 8u * 4u * (size_t)(nv) + \
	 RVX_COH_ALIGN8_(4u * 5u * (size_t)(nv)) + RVX_COH_ALIGN8_(4u * 4u * (size_t)(ne)) + \
	 8u * 4u * (size_t)(ne))

/** Result flag: the budget ran out; the best placement found so far was kept. */
#define RVX_COH_RES_BUDGET_EXCEEDED 1u
/** Result flag: a from-scratch construction ran to completion. */
#define RVX_COH_RES_REBUILT 2u
/** Result flag: the constructed placement was better and was adopted. */
#define RVX_COH_RES_REBUILD_ADOPTED 4u
/** Result flag: a new placement was adopted (vertices moved). */
#define RVX_COH_RES_ADOPTED 8u
/** Result flag: the adopted placement exceeds the balance cap. */
#define RVX_COH_RES_UNBALANCED 16u
/** Result flag: a rebuild is due (drift or period): call `rvx_coh_rebuild()` off the hot path. */
#define RVX_COH_RES_REBUILD_DUE 32u

/** Reads the caller's clock (ns, monotonic). */
typedef uint64_t (*rvx_coh_clock_fn)(void *ctx);

/** Configuration given to `rvx_coh_init()`. */
struct rvx_coh_config {
	uint32_t parts;          /**< k, 1..`RVX_COH_MAX_PARTS`. */
	uint32_t imbalance_q16;  /**< Allowed heaviest/average part, `RVX_COH_Q16_ONE`..4.0 (1.10 = 72090). */
	uint32_t decay_q16;      /**< Weight kept from the past per epoch, 0..`RVX_COH_Q16_ONE`-1. */
	uint32_t hold_epochs;    /**< Epochs a moved vertex stays put (0: none). */
	uint32_t min_gain_q16;   /**< A new placement must cut more than this share of all traffic less, < `RVX_COH_Q16_ONE`. */
	uint32_t rebuild_period; /**< Rebuild from scratch every this many epochs (0: only on drift). */
	uint32_t drift_q16;      /**< Rebuild when cut/traffic grew by more than this since the last rebuild (0: never). */
	uint32_t reserved;       /**< Must be 0. */
	uint64_t budget_ns;      /**< Time budget of one epoch close (needs `clock`); > 0. */
	uint64_t rebuild_budget_ns; /**< Time budget of one rebuild (needs `clock`); > 0. */
	uint64_t work_limit;     /**< Work units of one epoch close at most (0: no limit). */
	rvx_coh_clock_fn clock;  /**< The budget's clock, or NULL (then only `work_limit` bounds the work). */
	void *clock_ctx;         /**< Passed to `clock`. */
	uint32_t load_decay_q16; /**< Load kept from the past per epoch, < `RVX_COH_Q16_ONE` (0: `decay_q16`). */
	uint32_t balance_slack_q16; /**< Balance hysteresis: a part may exceed the cap by this share of it before the balance alone moves a vertex, <= `RVX_COH_Q16_ONE` (0: none). */
	uint32_t rise_q16;       /**< Share of a rise in an edge's traffic taken at once, beyond the decay, <= `RVX_COH_Q16_ONE` (0: none). */
	uint32_t reserved3;      /**< Must be 0. */
};

/** One vertex slot (caller storage; read it through the calls). */
struct rvx_coh_vertex {
	uint64_t load;        /**< Decayed load, Q16 units. */
	uint64_t load_open;   /**< Load noted in the open epoch. */
	uint64_t moved_epoch; /**< Epoch of its last move (0: never). */
	uint32_t part;        /**< Its part, or `RVX_COH_NONE` when the slot is free. */
	uint32_t reserved;    /**< Zero. */
};

/** One edge slot (caller storage). */
struct rvx_coh_edge {
	uint64_t weight;      /**< Decayed traffic, Q16 units. */
	uint64_t open;        /**< Traffic noted in the open epoch. */
	uint32_t a;           /**< One end, or `RVX_COH_NONE` when the slot is free. */
	uint32_t b;           /**< The other end. */
};

/** The engine's state. */
struct rvx_coh {
	struct rvx_coh_config cfg;      /**< Configuration. */
	struct rvx_coh_vertex *vertices; /**< Caller's vertex slots. */
	struct rvx_coh_edge *edges;     /**< Caller's edge slots. */
	void *scratch;                  /**< Caller's scratch (no state between calls). */
	size_t scratch_bytes;           /**< Bytes at `scratch`. */
	uint32_t vertex_max;            /**< Slots at `vertices`. */
	uint32_t edge_max;              /**< Slots at `edges`. */
	uint32_t vertex_count;          /**< Live vertices. */
	uint32_t edge_count;            /**< Live edges. */
	uint32_t vertex_top;            /**< 1 + the highest vertex slot ever used (scans stop here). */
	uint32_t edge_top;              /**< 1 + the highest edge slot ever used. */
	uint32_t edge_free;             /**< No free edge slot below this one. */
	uint32_t adj_cached;            /**< 1 while the scratch holds the adjacency of the current edge set. */
	uint64_t epoch;                 /**< Epochs closed. */
	uint64_t built_epoch;           /**< Epoch of the last completed rebuild (0: none). */
	uint32_t built_frac_q16;        /**< cut/traffic right after that rebuild. */
	uint32_t initialised;           /**< 1 after `rvx_coh_init()`. */
	uint64_t work;                  /**< Work units spent in the current epoch close. */
	uint64_t t0;                    /**< Clock at its start. */
	uint64_t budget;                /**< Its budget. */
	uint32_t over;                  /**< 1 once its budget ran out. */
	uint32_t settle;                /**< Closes until the follow-up of the last rebuild is due (0: none). */
	uint32_t followup;              /**< 1 while a follow-up rebuild is due. */
	uint32_t chain;                 /**< Follow-ups run since the last other rebuild. */
};

/** What `rvx_coh_epoch_close()` and `rvx_coh_rebuild()` report (fixed layout, to be witnessed). */
struct rvx_coh_result {
	uint64_t epoch;        /**< Number of the last closed epoch (1, 2, ...). */
	uint64_t traffic;      /**< Total decayed traffic, Q16 units. */
	uint64_t cut_before;   /**< Cut of the previous placement on this epoch's graph. */
	uint64_t cut;          /**< Cut of the placement now in force. */
	uint64_t max_load;     /**< Heaviest part of the placement now in force (vertex weights). */
	uint64_t cap;          /**< The balance cap (the tolerance is cap + cap * `balance_slack_q16`). */
	uint64_t work;         /**< Work units spent (replay with it as `work_limit`). */
	uint64_t elapsed;      /**< Clock units spent (0 without a clock). */
	uint32_t moved;        /**< Vertices whose part changed. */
	uint32_t flags;        /**< `RVX_COH_RES_*`. */
};

_Static_assert(sizeof(struct rvx_coh_result) == 72, "a coherence result is 72 bytes");

/** One migration: @c vertex moves from part @c from to part @c to. */
struct rvx_coh_move {
	uint32_t vertex; /**< The vertex. */
	uint32_t from;   /**< Its part before. */
	uint32_t to;     /**< Its part now. */
	uint32_t reserved; /**< Zero. */
};

/** Per-vertex outputs of `rvx_coh_scores()`, all Q16.16 in [0, 1]. */
struct rvx_coh_score {
	uint32_t part;      /**< Its part, `RVX_COH_NONE` for a free slot (then all zero). */
	uint32_t coherence; /**< Share of its traffic that stays on its part. */
	uint32_t pressure;  /**< Its traffic crossing parts over the largest such traffic. */
	uint32_t risk;      /**< Conductance of its part. */
};

/**
 * Fill @p cfg with the defaults for @p parts parts: imbalance 1.10, decay
 * 0.5 (loads too), hold 4 epochs, min gain 1/256 of the traffic, rebuild
 * due on a drift of 1/16 or every 64 epochs, a 50 us budget per epoch close
 * and 2 ms per rebuild, no balance slack, and no clock (set one). For loads
 * that vary from epoch to epoch (run time), a load decay of 7/8 and a
 * balance slack of 1/4 stop the balance from moving vertices back and forth.
 * @param[out] cfg the configuration
 * @param parts k
 */
void rvx_coh_config_default(struct rvx_coh_config *cfg, uint32_t parts);

/**
 * Start an engine with no vertices and no edges.
 * @param[out] c the engine
 * @param cfg configuration (copied)
 * @param vertices vertex slots (initialised here)
 * @param vertex_max slots at @p vertices, 1..`RVX_COH_MAX_VERTICES`
 * @param edges edge slots (initialised here)
 * @param edge_max slots at @p edges, 0..`RVX_COH_MAX_EDGES`
 * @param scratch 8-byte aligned scratch used during calls; between calls it
 *        keeps the adjacency of the edge set (the caller must not write it)
 * @param scratch_bytes bytes at @p scratch
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, a count out of range, a misaligned
 *         @p scratch, or a configuration field out of range
 * @retval -RVX_ENOMEM @p scratch_bytes below
 *         `RVX_COH_SCRATCH_BYTES(vertex_max, edge_max, cfg->parts)`
 */
int rvx_coh_init(struct rvx_coh *c, const struct rvx_coh_config *cfg,
		 struct rvx_coh_vertex *vertices, uint32_t vertex_max,
		 struct rvx_coh_edge *edges, uint32_t edge_max, void *scratch,
		 size_t scratch_bytes);

/**
 * Add vertex @p v, placed on part @p part.
 * @param c the engine
 * @param v vertex slot
 * @param part its part, or `RVX_COH_NONE` for the part with the fewest vertices
 * @retval 0 done
 * @retval -RVX_EINVAL @p c NULL or not initialised, @p v beyond the slots, or
 *         @p part neither below k nor `RVX_COH_NONE`
 * @retval -RVX_EEXIST vertex @p v is live already
 */
int rvx_coh_vertex_add(struct rvx_coh *c, uint32_t v, uint32_t part);

/**
 * Remove vertex @p v and every edge it takes part in.
 * @param c the engine
 * @param v vertex slot
 * @retval 0 done
 * @retval -RVX_EINVAL @p c NULL or not initialised, or @p v beyond the slots
 * @retval -RVX_ENOENT vertex @p v is not live
 */
int rvx_coh_vertex_remove(struct rvx_coh *c, uint32_t v);

/**
 * Count @p load units of load on vertex @p v in the open epoch (the sum
 * saturates at `RVX_COH_EPOCH_MAX` when the epoch closes).
 * @param c the engine
 * @param v vertex slot
 * @param load units of load
 * @retval 0 done
 * @retval -RVX_EINVAL @p c NULL or not initialised, or @p v beyond the slots
 * @retval -RVX_ENOENT vertex @p v is not live
 */
int rvx_coh_vertex_note(struct rvx_coh *c, uint32_t v, uint64_t load);

/**
 * Add an edge between vertices @p a and @p b (traffic in either direction).
 * @param c the engine
 * @param a one end
 * @param b the other end
 * @param[out] edge the edge's slot
 * @retval 0 done
 * @retval -RVX_EINVAL @p c or @p edge NULL, @p c not initialised, an end
 *         beyond the slots, or @p a equal to @p b
 * @retval -RVX_ENOENT an end is not live
 * @retval -RVX_ELIMIT every edge slot is in use
 */
int rvx_coh_edge_add(struct rvx_coh *c, uint32_t a, uint32_t b, uint32_t *edge);

/**
 * Remove edge @p e.
 * @param c the engine
 * @param e edge slot
 * @retval 0 done
 * @retval -RVX_EINVAL @p c NULL or not initialised, or @p e beyond the slots
 * @retval -RVX_ENOENT edge @p e is not live
 */
int rvx_coh_edge_remove(struct rvx_coh *c, uint32_t e);

/**
 * Count @p bytes of traffic on edge @p e in the open epoch (the sum
 * saturates at `RVX_COH_EPOCH_MAX` when the epoch closes).
 * @param c the engine
 * @param e edge slot
 * @param bytes traffic
 * @retval 0 done
 * @retval -RVX_EINVAL @p c NULL or not initialised, or @p e beyond the slots
 * @retval -RVX_ENOENT edge @p e is not live
 */
int rvx_coh_edge_note(struct rvx_coh *c, uint32_t e, uint64_t bytes);

/**
 * Close the epoch: decay the weights with this epoch's counts, refine the
 * placement in force within `budget_ns` and list the migrations. It never
 * rebuilds from scratch; `RVX_COH_RES_REBUILD_DUE` says when the caller
 * should call `rvx_coh_rebuild()`.
 * @param c the engine
 * @param[out] res what happened (may be NULL)
 * @param[out] moves the migrations, one per moved vertex (may be NULL when
 *             @p moves_cap is 0)
 * @param moves_cap entries at @p moves: 0 (the caller reads the placement
 *        itself) or at least the live vertex count
 * @retval 0 done (a budget overrun is a success with a flag in @p res)
 * @retval -RVX_EINVAL @p c NULL or not initialised, @p moves NULL with a
 *         non-zero @p moves_cap
 * @retval -RVX_EBUFSMALL @p moves_cap non-zero and below the live vertex count
 */
int rvx_coh_epoch_close(struct rvx_coh *c, struct rvx_coh_result *res,
			struct rvx_coh_move *moves, uint32_t moves_cap);

/**
 * Rebuild from scratch off the hot path, on the weights of the last closed
 * epoch: clusters by label propagation packed onto the parts, and greedy
 * graph growing from four seeds, each refined; the best is kept if it beats
 * the placement in force, refined first, by more than `min_gain` (or
 * repairs the balance), within `rebuild_budget_ns`; its parts are then
 * renumbered to leave as many vertices as possible where they are (cut and
 * balance unchanged). Held vertices may move here.
 * @param c the engine
 * @param[out] res what happened (may be NULL)
 * @param[out] moves the migrations (may be NULL when @p moves_cap is 0)
 * @param moves_cap entries at @p moves: 0 or at least the live vertex count
 * @retval 0 done (a budget overrun is a success with a flag in @p res)
 * @retval -RVX_EINVAL @p c NULL or not initialised, @p moves NULL with a
 *         non-zero @p moves_cap
 * @retval -RVX_EBUFSMALL @p moves_cap non-zero and below the live vertex count
 */
int rvx_coh_rebuild(struct rvx_coh *c, struct rvx_coh_result *res,
		    struct rvx_coh_move *moves, uint32_t moves_cap);

/** What one epoch step decided (rvx_coh_epoch_step()). */
struct rvx_coh_step {
	struct rvx_coh_result result; /**< The close's result, merged with the rebuild's if one ran. */
	uint32_t rebuilt;             /**< 1 if a rebuild ran in this step. */
	uint32_t overruns;            /**< Phases (close, rebuild) that ran out of budget: 0..2. */
};

/**
 * One epoch as an embedder runs it in a single context: rvx_coh_epoch_close()
 * and, when it reports `RVX_COH_RES_REBUILD_DUE`, rvx_coh_rebuild() at once
 * (within its own `rebuild_budget_ns`). The result is the placement in force
 * afterwards, with the work, time, moves and flags of both phases. The
 * caller reads the placement with rvx_coh_part_of().
 * @param c the engine
 * @param[out] out what happened
 * @retval 0 done (budget overruns are counted in @p out)
 * @retval -RVX_EINVAL @p c NULL or not initialised, or @p out NULL
 */
int rvx_coh_epoch_step(struct rvx_coh *c, struct rvx_coh_step *out);

/**
 * The part vertex @p v is placed on.
 * @param c the engine
 * @param v vertex slot
 * @return the part (>= 0)
 * @retval -RVX_EINVAL @p c NULL or not initialised, or @p v beyond the slots
 * @retval -RVX_ENOENT vertex @p v is not live
 */
int rvx_coh_part_of(const struct rvx_coh *c, uint32_t v);

/**
 * Compute every vertex's coherence, cut pressure and structural risk for the
 * placement in force, on the graph of the last closed epoch.
 * @param c the engine (only its scratch is written, not the adjacency kept there)
 * @param[out] out one entry per vertex slot
 * @param count entries at @p out, at least the vertex slots
 * @retval 0 done
 * @retval -RVX_EINVAL @p c or @p out NULL, or @p c not initialised
 * @retval -RVX_EBUFSMALL @p count below the vertex slots
 */
int rvx_coh_scores(struct rvx_coh *c, struct rvx_coh_score *out, uint32_t count);

/** Proposal kind: split the vertices of one part into two groups. */
#define RVX_COH_PROPOSE_SPLIT 1u
/** Proposal kind: merge two vertices (for example two partitions) into one. */
#define RVX_COH_PROPOSE_MERGE 2u

/**
 * Most proposals `rvx_coh_propose()` can return for @p nv vertex slots and
 * @p k parts: a split per part and a merge per two vertices.
 */
#define RVX_COH_PROPOSALS_MAX(nv, k) ((uint32_t)(k) + (uint32_t)(nv) / 2u)

/** Thresholds of `rvx_coh_propose()`. */
struct rvx_coh_propose_config {
	uint32_t split_conductance_q16; /**< Split when the part's min cut has at most this conductance, <= `RVX_COH_Q16_ONE` (0: no splits). */
	uint32_t split_min_vertices;    /**< Only parts with at least this many vertices, 2..`RVX_COH_SPLIT_MAX`. */
	uint32_t merge_affinity_q16;    /**< Merge when at least this share of the pair's traffic is between them, `RVX_COH_Q16_ONE`/2..`RVX_COH_Q16_ONE` (or 0: no merges). */
	uint32_t reserved;              /**< Must be 0. */
};

/** One proposal (the caller decides whether to act on it). */
struct rvx_coh_proposal {
	uint32_t kind;      /**< `RVX_COH_PROPOSE_SPLIT` or `RVX_COH_PROPOSE_MERGE`. */
	uint32_t part;      /**< Split: the part; merge: the part of @c a. */
	uint32_t a;         /**< Split: vertices on side 0; merge: one vertex. */
	uint32_t b;         /**< Split: vertices on side 1; merge: the other vertex (> @c a). */
	uint32_t score_q16; /**< Split: the cut's conductance; merge: the pair's affinity. */
	uint32_t reserved;  /**< Zero. */
	uint64_t weight;    /**< Split: the cut's weight; merge: the traffic between the two (Q16 units). */
};

/**
 * Fill @p pc with the defaults: split a part of 4 to `RVX_COH_SPLIT_MAX`
 * vertices whose min cut has a conductance of at most 1/8; merge two
 * vertices when at least 3/4 of their traffic is between them.
 * @param[out] pc the thresholds
 */
void rvx_coh_propose_config_default(struct rvx_coh_propose_config *pc);

/**
 * Split and merge proposals on the graph of the last closed epoch and the
 * placement in force (`w(S, T)`: decayed traffic between vertex sets, as
 * for the scores; parallel edges add up):
 * - split of part P, for 2 <= split_min_vertices <= |P| <=
 *   `RVX_COH_SPLIT_MAX`: G_P is the graph of P's vertices and the edges
 *   between them; (S, P \ S) is its global minimum cut (Stoer-Wagner; ties:
 *   the first found, vertices taken in index order), and its conductance is
 *   w(S, P \ S) / min(vol_P(S), vol_P(P \ S)), vol_P counting each edge end
 *   inside G_P. A split is proposed when both volumes are non-zero and the
 *   conductance is at most `split_conductance_q16`: the part holds two
 *   groups that hardly talk. @p side then gives each of P's vertices its
 *   side (0 for the side holding P's lowest vertex, 1 for the other); the
 *   side of every vertex of a part without a split proposal is 0xFF. With
 *   k = 1 and the tasks of one partition as vertices, a split proposal is a
 *   proposal to split that partition.
 * - merge of vertices u < v: their affinity 2 w(u, v) / (w(u, all) +
 *   w(v, all)) is at least `merge_affinity_q16`: most of what either
 *   exchanges is with the other. Pairs are taken by affinity, highest first
 *   (ties: lower u, then lower v), each vertex in at most one merge.
 * Splits come first (by part), then merges (by affinity). Migrations are
 * the moves listed by `rvx_coh_epoch_close()` and `rvx_coh_rebuild()`.
 * Only the scratch, @p out, @p count, @p side and the engine's note that
 * the scratch holds the adjacency (`adj_cached`) are written.
 * @param c the engine
 * @param pc thresholds
 * @param[out] out the proposals
 * @param cap entries at @p out, at least `RVX_COH_PROPOSALS_MAX(vertex slots, k)`
 * @param[out] count proposals written
 * @param[out] side per vertex slot: its split side, or 0xFF
 * @param side_count entries at @p side, at least the vertex slots
 * @retval 0 done
 * @retval -RVX_EINVAL @p c, @p pc, @p out, @p count or @p side NULL, @p c not
 *         initialised, or a threshold out of range or @p pc->reserved non-zero
 * @retval -RVX_EBUFSMALL @p cap or @p side_count too small
 */
int rvx_coh_propose(struct rvx_coh *c, const struct rvx_coh_propose_config *pc,
		    struct rvx_coh_proposal *out, uint32_t cap, uint32_t *count,
		    uint8_t *side, uint32_t side_count);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_COHERENCE_H */
