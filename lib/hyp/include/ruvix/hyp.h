/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hyp.h
 * @brief The hypervisor layer's bookkeeping: partitions (coherence
 *        domains), CommEdges between them, DeviceLeases, per-CPU switch
 *        accounting, and the recovery ladder.
 *
 * This library holds the state a port needs to run partitions and decides
 * what it may do; it touches no hardware. The port does the work (stage-2
 * tables with ruvix/stage2.h, register save/restore, TLB maintenance) and
 * tells this library what happened.
 *
 * Order of use:
 * 1. Provide storage (`RVX_HYP_DEFINE()`, or arrays of your own) and call
 *    `rvx_hyp_init()` with the CPU count, the recovery policy and an event
 *    sink.
 * 2. `rvx_hyp_partition_create()` a partition (a VMID and a capability
 *    root), `rvx_hyp_partition_resume()` it to RUNNING, and make it current
 *    on a CPU with `rvx_hyp_switch()` (bookkeeping only: which partition is
 *    current where, switches counted per epoch). `rvx_hyp_partition_suspend()`
 *    and `rvx_hyp_partition_destroy()` need it current nowhere.
 * 3. Connect partitions with `rvx_hyp_edge_create()` (a directed or
 *    bidirectional channel carried by an embedder queue); count each message
 *    with `rvx_hyp_edge_note()`; the coherence engine reads the weights with
 *    `rvx_hyp_edge_info()`.
 * 4. Give a partition a device with `rvx_hyp_lease_grant()` (an MMIO range
 *    until an expiry time); the port maps it, checks accesses on its fault
 *    path with `rvx_hyp_lease_check()`, and unmaps what `rvx_hyp_tick()`
 *    reports expired or what it revokes with `rvx_hyp_lease_revoke()`.
 * 5. On a fault, `rvx_hyp_fault()` records it and says which rung of the
 *    recovery ladder to try (restart the task; after repeated failures in a
 *    window, reconstruct the partition from checkpoint and journal; roll back
 *    a region; then, for a partition created `RVX_HYP_PART_STOPPABLE`, stop
 *    it for good; reboot as the last resort). The port tries it and reports
 *    the outcome with `rvx_hyp_recovery_report()`, which returns the
 *    partition to service (or, after a stop, leaves it STOPPED) or names
 *    the next rung. `rvx_hyp_recovery_decide()` asks the policy without
 *    recording anything.
 * 6. At each scheduler epoch, `rvx_hyp_epoch_close()` summarises the
 *    switches and edge traffic in one event.
 *
 * Witness: every privileged action (create, destroy, suspend, resume, edge
 * create/destroy, lease grant/expiry/revoke, capability grant across
 * partitions, fault, recovery step, epoch summary) hands one fixed-layout
 * `struct rvx_hyp_event` to the caller's sink after it has committed. The
 * library never calls the witness log itself; the sink appends each event
 * as a witness record (for example kind `RVX_HYP_WITNESS_KIND_BASE + kind`,
 * actor = partition, target = target, args digest over `args`). A sink must
 * not fail: reserve room in the log before the call. Switches are not
 * events; they are counted and summarised per epoch.
 *
 * Check, then commit: every call validates everything first and a failed
 * call changes no byte of the `struct rvx_hyp` or its arrays, and emits
 * nothing. State holds indices and generations, not pointers, apart from
 * the pointers to the caller's arrays and the sink. The library does no
 * locking: the embedder serialises calls on one `struct rvx_hyp`.
 */
#ifndef RUVIX_HYP_H
#define RUVIX_HYP_H

#include "ruvix/config.h"
#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most partitions one `struct rvx_hyp` can hold (its partition array may be smaller). */
#ifndef RVX_CONFIG_HYP_MAX_PARTITIONS
#define RVX_CONFIG_HYP_MAX_PARTITIONS 256
#endif
/** CommEdges one partition may take part in. */
#ifndef RVX_CONFIG_HYP_EDGES_PER_PARTITION
#define RVX_CONFIG_HYP_EDGES_PER_PARTITION 64
#endif
/** DeviceLeases one partition may hold at once. */
#ifndef RVX_CONFIG_HYP_LEASES_PER_PARTITION
#define RVX_CONFIG_HYP_LEASES_PER_PARTITION 8
#endif
/** CPUs whose current partition is tracked. */
#ifndef RVX_CONFIG_HYP_MAX_CPUS
#define RVX_CONFIG_HYP_MAX_CPUS 8
#endif

_Static_assert(RVX_CONFIG_HYP_MAX_PARTITIONS >= 1 && RVX_CONFIG_HYP_MAX_PARTITIONS <= 65535,
	       "partitions must be 1..65535");
_Static_assert(RVX_CONFIG_HYP_EDGES_PER_PARTITION >= 1 &&
		       RVX_CONFIG_HYP_EDGES_PER_PARTITION <= 65535,
	       "edges per partition must be 1..65535");
_Static_assert(RVX_CONFIG_HYP_LEASES_PER_PARTITION >= 1 &&
		       RVX_CONFIG_HYP_LEASES_PER_PARTITION <= 255,
	       "leases per partition must be 1..255");
_Static_assert(RVX_CONFIG_HYP_MAX_CPUS >= 1 && RVX_CONFIG_HYP_MAX_CPUS <= 32,
	       "CPUs must be 1..32 (a partition keeps a 32-bit CPU mask)");

/** "No partition / task / region / queue" in index fields. */
#define RVX_HYP_NONE UINT32_C(0xFFFFFFFF)
/** Bytes of arguments an event carries at most. */
#define RVX_HYP_EVENT_ARGS_MAX 32u
/** Suggested witness kind of event kind 0 (events are kind + this; in the user range). */
#define RVX_HYP_WITNESS_KIND_BASE 0x8100u

/** Lease right: the partition may read the device's registers. */
#define RVX_HYP_LEASE_R 1u
/** Lease right: the partition may write the device's registers. */
#define RVX_HYP_LEASE_W 2u
/** Edge flag: traffic may flow both ways (otherwise only from `a` to `b`). */
#define RVX_HYP_EDGE_BIDIR 1u
/**
 * Partition flag: past the rungs that keep it in service, the ladder stops
 * the partition for good (`RVX_HYP_ACT_STOP_PARTITION`) instead of
 * rebooting the machine; only a failed stop (or a KERNEL fault) reboots.
 */
#define RVX_HYP_PART_STOPPABLE 1u

/** Life-cycle state of a partition slot. Values are ABI. */
enum rvx_hyp_state {
	RVX_HYP_STATE_FREE = 0,      /**< Empty slot: never created, or destroyed. */
	RVX_HYP_STATE_CREATED = 1,   /**< Created, not yet run. */
	RVX_HYP_STATE_RUNNING = 2,   /**< May be current on CPUs. */
	RVX_HYP_STATE_SUSPENDED = 3, /**< Stopped by request; resumable. */
	RVX_HYP_STATE_FAILED = 4,    /**< Faulted; a recovery action is pending. */
	RVX_HYP_STATE_STOPPED = 5,   /**< Stopped for good by the ladder: runs nowhere, no edges, leases or
					  grants; only destroy ends it. */
};

/** Kinds of event. Values are ABI (they end up in witness records). */
enum rvx_hyp_event_kind {
	RVX_HYP_EV_NONE = 0,           /**< Never emitted. */
	RVX_HYP_EV_PART_CREATE = 1,    /**< args: vmid u32, cap_root u32, flags u32. */
	RVX_HYP_EV_PART_DESTROY = 2,   /**< args: edges removed u32, leases revoked u32. */
	RVX_HYP_EV_PART_SUSPEND = 3,   /**< args: state before u32, state after u32. */
	RVX_HYP_EV_PART_RESUME = 4,    /**< args: state before u32, state after u32. */
	RVX_HYP_EV_EDGE_CREATE = 5,    /**< args: a u32, b u32, queue u32, flags u32. */
	RVX_HYP_EV_EDGE_DESTROY = 6,   /**< args: a, b, queue, flags u32; messages u64, bytes u64. */
	RVX_HYP_EV_LEASE_GRANT = 7,    /**< args: device u32, rights u32, base u64, size u64, expiry u64. */
	RVX_HYP_EV_LEASE_EXPIRE = 8,   /**< args as LEASE_GRANT. */
	RVX_HYP_EV_LEASE_REVOKE = 9,   /**< args as LEASE_GRANT. */
	RVX_HYP_EV_CAP_GRANT = 10,     /**< args: object u64, rights u32, to partition index u32. */
	RVX_HYP_EV_FAULT = 11,         /**< args: kind u16, cause u16, task u32, region u32, failures u32, addr u64, action u32. */
	RVX_HYP_EV_RECOVERY = 12,      /**< args: action u32, outcome u32, task u32, region u32, next action u32. */
	RVX_HYP_EV_EPOCH_SUMMARY = 13, /**< args: epoch u64, switches u64, edge messages u64, edge bytes u64. */
	RVX_HYP_EV_KIND_COUNT          /**< Number of kinds; not a kind. */
};

/**
 * One privileged action, as handed to the sink. Fixed layout; `args` is a
 * canonical little-endian encoding (see `enum rvx_hyp_event_kind`), zero
 * beyond `args_len`, so its digest is the same on every host.
 */
struct rvx_hyp_event {
	uint16_t kind;      /**< An `enum rvx_hyp_event_kind`. */
	uint16_t args_len;  /**< Bytes of `args` used. */
	uint32_t partition; /**< Index of the partition acted on (`RVX_HYP_NONE` for summaries). */
	uint64_t target;    /**< Raw handle of the object changed (partition, edge, lease), or the epoch. */
	uint64_t time;      /**< The `now` given to the call. */
	uint8_t args[RVX_HYP_EVENT_ARGS_MAX]; /**< Canonical arguments. */
};

_Static_assert(sizeof(struct rvx_hyp_event) == 56, "a hyp event is 56 bytes");
_Static_assert(offsetof(struct rvx_hyp_event, target) == 8 &&
		       offsetof(struct rvx_hyp_event, time) == 16 &&
		       offsetof(struct rvx_hyp_event, args) == 24,
	       "hyp event layout");

/** Where events go; `emit` is called after the action committed and must not fail. */
struct rvx_hyp_sink {
	/** Take one event (copy it; the pointer is valid only during the call). */
	void (*emit)(void *ctx, const struct rvx_hyp_event *ev);
	/** Passed to `emit`. */
	void *ctx;
};

/** Rungs of the recovery ladder, in order. Values are ABI. */
enum rvx_hyp_action {
	RVX_HYP_ACT_NONE = 0,            /**< Nothing to do. */
	RVX_HYP_ACT_RESTART_TASK = 1,    /**< Restart the failed task. */
	RVX_HYP_ACT_RECONSTRUCT = 2,     /**< Rebuild the partition from its checkpoint plus journal replay. */
	RVX_HYP_ACT_ROLLBACK_REGION = 3, /**< Roll the named region back to its checkpointed contents. */
	RVX_HYP_ACT_REBOOT = 4,          /**< Reboot the machine: the last resort. */
	RVX_HYP_ACT_STOP_PARTITION = 5,  /**< Stop the partition for good (a `RVX_HYP_PART_STOPPABLE` one
					      only); on the ladder after ROLLBACK_REGION, before REBOOT. */
	RVX_HYP_ACT_COUNT                /**< Number of actions; not an action. */
};

/** What kind of fault happened; it sets the lowest rung that can help. Values are ABI. */
enum rvx_hyp_fault_kind {
	RVX_HYP_FAULT_TASK = 0,      /**< One task misbehaved (stage-2 abort, capability misuse, bad lease use); names the task. */
	RVX_HYP_FAULT_PARTITION = 1, /**< The partition's kernel state cannot be trusted. */
	RVX_HYP_FAULT_REGION = 2,    /**< A region's contents failed an integrity check; names the region. */
	RVX_HYP_FAULT_KERNEL = 3,    /**< The kernel itself is inconsistent. */
	RVX_HYP_FAULT_KIND_COUNT     /**< Number of kinds; not a kind. */
};

/** A fault, as the port reports it. */
struct rvx_hyp_fault {
	uint16_t kind;     /**< An `enum rvx_hyp_fault_kind`. */
	uint16_t cause;    /**< The embedder's own cause code (recorded, not interpreted). */
	uint32_t task;     /**< Faulting task, or `RVX_HYP_NONE` (required for TASK faults). */
	uint32_t region;   /**< Region concerned, or `RVX_HYP_NONE` (required for REGION faults). */
	uint32_t reserved; /**< Must be 0. */
	uint64_t addr;     /**< Faulting address, if any (recorded). */
};

/** What the recovery policy says to do next. */
struct rvx_hyp_decision {
	uint32_t action;   /**< An `enum rvx_hyp_action`. */
	uint32_t task;     /**< Task to restart (RESTART_TASK), else as reported. */
	uint32_t region;   /**< Region to roll back (ROLLBACK_REGION), else as reported. */
	uint32_t failures; /**< Failures counted in the current window, this one included. */
};

/** The recovery policy. */
struct rvx_hyp_policy {
	uint64_t window;            /**< Time span (in `now` units) over which failures are counted; > 0. */
	uint32_t restart_limit;     /**< Failures per window handled by restarting the task (N). */
	uint32_t reconstruct_limit; /**< Further failures per window handled by reconstruction. */
};

/** Configuration given to `rvx_hyp_init()`. */
struct rvx_hyp_config {
	uint32_t cpu_count;          /**< CPUs, 1..`RVX_CONFIG_HYP_MAX_CPUS`. */
	uint32_t reserved;           /**< Must be 0. */
	struct rvx_hyp_policy policy; /**< Recovery policy. */
};

/** What `rvx_hyp_partition_create()` is given. */
struct rvx_hyp_partition_config {
	uint16_t vmid;     /**< The partition's VMID, unique among live partitions. */
	uint16_t flags;    /**< `RVX_HYP_PART_STOPPABLE` or 0 (its ladder's last rungs; fixed for life). */
	uint32_t cap_root; /**< Index of its capability root in the embedder's tables (not `RVX_HYP_NONE`). */
};

/** One device lease slot of a partition. */
struct rvx_hyp_lease {
	uint64_t mmio_base;  /**< First byte of the device's MMIO range. */
	uint64_t mmio_size;  /**< Bytes of the range. */
	uint64_t expiry;     /**< The lease holds while `now < expiry`. */
	uint32_t device;     /**< The embedder's device id. */
	uint32_t generation; /**< Moves on at each grant (handles name it). */
	uint8_t active;      /**< 1 while granted. */
	uint8_t rights;      /**< `RVX_HYP_LEASE_R` / `RVX_HYP_LEASE_W`. */
	uint8_t reserved[6]; /**< Zero. */
};

/** One partition slot (caller storage; read it through the info calls). */
struct rvx_hyp_partition {
	uint32_t generation;     /**< Moves on at each create (handles name it). */
	uint8_t state;           /**< An `enum rvx_hyp_state`. */
	uint8_t prior_state;     /**< State before the pending fault; restored on recovery. */
	uint16_t vmid;           /**< VMID. */
	uint32_t cap_root;       /**< Capability-root index. */
	uint32_t current_cpus;   /**< Bit n set: current on CPU n. */
	uint16_t edge_count;     /**< Edges this partition takes part in. */
	uint8_t lease_count;     /**< Active leases. */
	uint8_t flags;           /**< `RVX_HYP_PART_STOPPABLE` or 0, as created. */
	uint32_t failures;       /**< Failures in the current window. */
	uint32_t faults_total;   /**< Faults since creation. */
	uint32_t recoveries;     /**< Successful recovery actions since creation. */
	struct rvx_hyp_decision pending; /**< Action awaiting its outcome while FAILED. */
	uint64_t window_start;   /**< Time the failure window opened. */
	uint64_t switches_epoch; /**< Times made current in this epoch. */
	uint64_t switches_total; /**< Times made current since creation. */
	/** Device leases. */
	struct rvx_hyp_lease leases[RVX_CONFIG_HYP_LEASES_PER_PARTITION];
};

/** One CommEdge slot (caller storage). */
struct rvx_hyp_edge {
	uint32_t generation;     /**< Moves on at each create. */
	uint8_t live;            /**< 1 while the edge exists. */
	uint8_t flags;           /**< `RVX_HYP_EDGE_BIDIR` or 0. */
	uint16_t reserved;       /**< Zero. */
	uint32_t a;              /**< Partition index of one end (the sender if directed). */
	uint32_t b;              /**< Partition index of the other end. */
	uint32_t queue;          /**< The embedder's queue index carrying the traffic. */
	uint32_t reserved2;      /**< Zero. */
	uint64_t messages;       /**< Messages since creation. */
	uint64_t bytes;          /**< Bytes since creation. */
	uint64_t epoch_messages; /**< Messages in the open epoch. */
	uint64_t epoch_bytes;    /**< Bytes in the open epoch. */
	uint64_t last_messages;  /**< Messages in the last closed epoch (the edge's weight). */
	uint64_t last_bytes;     /**< Bytes in the last closed epoch. */
};

/** The hypervisor layer's state. */
struct rvx_hyp {
	struct rvx_hyp_partition *parts; /**< Caller's partition array. */
	struct rvx_hyp_edge *edges;      /**< Caller's edge array. */
	struct rvx_hyp_sink sink;        /**< Where events go. */
	struct rvx_hyp_policy policy;    /**< Recovery policy. */
	uint32_t part_count;             /**< Slots in `parts`. */
	uint32_t edge_count;             /**< Slots in `edges`. */
	uint32_t cpu_count;              /**< CPUs tracked. */
	uint32_t live_partitions;        /**< Partitions not FREE. */
	uint32_t live_edges;             /**< Edges that exist. */
	uint32_t active_leases;          /**< Leases granted and not yet expired or revoked. */
	uint32_t current[RVX_CONFIG_HYP_MAX_CPUS]; /**< Partition index current per CPU, or `RVX_HYP_NONE`. */
	uint64_t next_expiry;            /**< Earliest expiry of an active lease (UINT64_MAX: none). */
	uint64_t epoch;                  /**< Number of the open epoch. */
	uint64_t epoch_switches;         /**< Changes of current partition in the open epoch. */
	uint64_t epoch_messages;         /**< Edge messages in the open epoch. */
	uint64_t epoch_bytes;            /**< Edge bytes in the open epoch. */
	uint64_t switches_total;         /**< Changes of current partition since init. */
};

/** A partition as `rvx_hyp_partition_info()` reports it. */
struct rvx_hyp_partition_info {
	uint32_t state;          /**< An `enum rvx_hyp_state`. */
	uint32_t vmid;           /**< VMID. */
	uint32_t cap_root;       /**< Capability-root index. */
	uint32_t current_cpus;   /**< Bit n set: current on CPU n. */
	uint32_t edge_count;     /**< Edges it takes part in. */
	uint32_t lease_count;    /**< Active leases. */
	uint32_t failures;       /**< Failures in the current window. */
	uint32_t faults_total;   /**< Faults since creation. */
	uint32_t recoveries;     /**< Successful recoveries since creation (a stop included). */
	uint32_t flags;          /**< `RVX_HYP_PART_STOPPABLE` or 0, as created. */
	struct rvx_hyp_decision pending; /**< Pending action (action NONE unless FAILED). */
	uint64_t switches_epoch; /**< Times made current in the open epoch. */
	uint64_t switches_total; /**< Times made current since creation. */
};

/** An edge as `rvx_hyp_edge_info()` reports it: ends, queue and weights. */
struct rvx_hyp_edge_info {
	rvx_handle_t a;          /**< One end (the sender if directed). */
	rvx_handle_t b;          /**< The other end. */
	uint32_t queue;          /**< Queue index. */
	uint32_t flags;          /**< `RVX_HYP_EDGE_BIDIR` or 0. */
	uint64_t messages;       /**< Messages since creation. */
	uint64_t bytes;          /**< Bytes since creation. */
	uint64_t epoch_messages; /**< Messages in the open epoch. */
	uint64_t epoch_bytes;    /**< Bytes in the open epoch. */
	uint64_t last_messages;  /**< Messages in the last closed epoch. */
	uint64_t last_bytes;     /**< Bytes in the last closed epoch. */
};

/** What a lease grant asks for. */
struct rvx_hyp_lease_req {
	uint32_t device;    /**< The embedder's device id. */
	uint32_t rights;    /**< `RVX_HYP_LEASE_R` / `RVX_HYP_LEASE_W`, at least one. */
	uint64_t mmio_base; /**< First byte of the MMIO range (4 KiB aligned). */
	uint64_t mmio_size; /**< Bytes (a non-zero multiple of 4 KiB). */
};

/** A lease as reported by `rvx_hyp_lease_info()` and `rvx_hyp_tick()`. */
struct rvx_hyp_lease_info {
	rvx_handle_t lease;     /**< The lease's handle. */
	rvx_handle_t partition; /**< Its holder. */
	uint32_t device;        /**< Device id. */
	uint32_t rights;        /**< Rights. */
	uint64_t mmio_base;     /**< MMIO range start. */
	uint64_t mmio_size;     /**< MMIO range bytes. */
	uint64_t expiry;        /**< Expiry time. */
};

/**
 * Declare static storage for a `struct rvx_hyp` named @p name with
 * @p partitions partition slots and @p edges edge slots.
 */
#define RVX_HYP_DEFINE(name, partitions, edges)                                \
	_Static_assert((partitions) >= 1 && (partitions) <= RVX_CONFIG_HYP_MAX_PARTITIONS, \
		       "partition slots must be 1..RVX_CONFIG_HYP_MAX_PARTITIONS"); \
	_Static_assert((edges) >= 1 && (unsigned long long)(edges) <=          \
				(unsigned long long)RVX_CONFIG_HYP_MAX_PARTITIONS * \
					RVX_CONFIG_HYP_EDGES_PER_PARTITION,     \
		       "edge slots must be 1..partitions x edges per partition"); \
	static struct rvx_hyp_partition name##_parts[(partitions)];            \
	static struct rvx_hyp_edge name##_edges[(edges)];                      \
	static struct rvx_hyp name

/**
 * Initialise a `struct rvx_hyp` declared with `RVX_HYP_DEFINE()`.
 * @param name identifier given to `RVX_HYP_DEFINE()`
 * @param cfg a `const struct rvx_hyp_config *`
 * @param sink a `const struct rvx_hyp_sink *`
 * @return the result of `rvx_hyp_init()`
 */
#define RVX_HYP_INIT(name, cfg, sink)                                          \
	rvx_hyp_init(&(name), (cfg), name##_parts, (uint32_t)RVX_ARRAY_COUNT(name##_parts), \
		     name##_edges, (uint32_t)RVX_ARRAY_COUNT(name##_edges), (sink))

/**
 * Initialise the layer over caller storage: every slot free, every CPU idle.
 * @param[out] h the state
 * @param cfg CPU count and recovery policy
 * @param parts partition slots (zeroed here)
 * @param part_count slots at @p parts
 * @param edges edge slots (zeroed here)
 * @param edge_count slots at @p edges
 * @param sink where events go (copied)
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or `emit`, @p part_count 0 or above
 *         `RVX_CONFIG_HYP_MAX_PARTITIONS`, @p edge_count 0 or above
 *         partitions x edges per partition, a CPU count out of range, a zero
 *         window, or a reserved field set
 */
int rvx_hyp_init(struct rvx_hyp *h, const struct rvx_hyp_config *cfg,
		 struct rvx_hyp_partition *parts, uint32_t part_count, struct rvx_hyp_edge *edges,
		 uint32_t edge_count, const struct rvx_hyp_sink *sink);

/**
 * Create a partition in state CREATED. Emits PART_CREATE.
 * @param h the state
 * @param cfg VMID and capability root
 * @param now time for the event
 * @param[out] out the new partition's handle
 * @retval 0 created
 * @retval -RVX_EINVAL a NULL pointer, `cap_root` is `RVX_HYP_NONE`, or an unknown flag
 * @retval -RVX_EEXIST a live partition has this VMID
 * @retval -RVX_ENOMEM every partition slot is in use
 */
int rvx_hyp_partition_create(struct rvx_hyp *h, const struct rvx_hyp_partition_config *cfg,
			     uint64_t now, rvx_handle_t *out);

/**
 * Destroy a partition in any state (STOPPED included): its edges are destroyed and its leases
 * revoked first (EDGE_DESTROY and LEASE_REVOKE events, so the port unmaps),
 * then PART_DESTROY is emitted and the slot is free.
 * @param h the state
 * @param part the partition
 * @param now time for the events
 * @retval 0 destroyed
 * @retval -RVX_EINVAL @p h is NULL
 * @retval -RVX_ENOENT @p part names no slot (index out of range, or generation 0)
 * @retval -RVX_ESTALE @p part's slot was destroyed or holds a later partition
 * @retval -RVX_EBUSY the partition is current on a CPU
 */
int rvx_hyp_partition_destroy(struct rvx_hyp *h, rvx_handle_t part, uint64_t now);

/**
 * Suspend a RUNNING partition. Emits PART_SUSPEND.
 * @param h the state
 * @param part the partition
 * @param now time for the event
 * @retval 0 suspended
 * @retval -RVX_EINVAL @p h is NULL
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 * @retval -RVX_EPERM the partition is not RUNNING
 * @retval -RVX_EBUSY the partition is current on a CPU (switch away first)
 */
int rvx_hyp_partition_suspend(struct rvx_hyp *h, rvx_handle_t part, uint64_t now);

/**
 * Make a CREATED or SUSPENDED partition RUNNING. Emits PART_RESUME.
 * @param h the state
 * @param part the partition
 * @param now time for the event
 * @retval 0 running
 * @retval -RVX_EINVAL @p h is NULL
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 * @retval -RVX_EPERM the partition is RUNNING, FAILED or STOPPED
 */
int rvx_hyp_partition_resume(struct rvx_hyp *h, rvx_handle_t part, uint64_t now);

/**
 * Read a partition's state and counters.
 * @param h the state
 * @param part the partition
 * @param[out] out its state
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 */
int rvx_hyp_partition_info(const struct rvx_hyp *h, rvx_handle_t part,
			   struct rvx_hyp_partition_info *out);

/**
 * Record that @p cpu now runs @p part (or nothing: `RVX_HANDLE_NULL`).
 * Bookkeeping for the port's switch: counts the change
 * in the epoch and in the partition; no event (see `rvx_hyp_epoch_close()`).
 * Making the current partition current again changes nothing.
 * @param h the state
 * @param cpu the CPU
 * @param part the partition, or `RVX_HANDLE_NULL` for idle
 * @retval 0 done
 * @retval -RVX_EINVAL @p h is NULL or @p cpu is not below the CPU count
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 * @retval -RVX_EPERM the partition is not RUNNING
 */
int rvx_hyp_switch(struct rvx_hyp *h, uint32_t cpu, rvx_handle_t part);

/**
 * The partition current on @p cpu.
 * @param h the state
 * @param cpu the CPU
 * @param[out] out its handle, or `RVX_HANDLE_NULL` when idle
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or @p cpu is not below the CPU count
 */
int rvx_hyp_current(const struct rvx_hyp *h, uint32_t cpu, rvx_handle_t *out);

/**
 * Close the open epoch: emit one EPOCH_SUMMARY (switches, edge messages and
 * bytes), move each edge's epoch counts to its last-epoch weight, reset the
 * per-partition epoch switch counts, and open the next epoch.
 * @param h the state
 * @param now time for the event
 * @retval 0 done
 * @retval -RVX_EINVAL @p h is NULL
 */
int rvx_hyp_epoch_close(struct rvx_hyp *h, uint64_t now);

/**
 * Create a CommEdge between two live partitions over the embedder's queue
 * @p queue. Emits EDGE_CREATE.
 * @param h the state
 * @param a one end (the only sender unless @p flags has `RVX_HYP_EDGE_BIDIR`)
 * @param b the other end
 * @param queue the embedder's queue index (unique among live edges)
 * @param flags `RVX_HYP_EDGE_BIDIR` or 0
 * @param now time for the event
 * @param[out] out the edge's handle
 * @retval 0 created
 * @retval -RVX_EINVAL a NULL pointer, @p a and @p b the same partition,
 *         @p queue is `RVX_HYP_NONE`, or unknown flags
 * @retval -RVX_ENOENT @p a or @p b names no slot
 * @retval -RVX_ESTALE @p a or @p b is stale
 * @retval -RVX_EEXIST a live edge already uses @p queue
 * @retval -RVX_EPERM @p a or @p b is STOPPED
 * @retval -RVX_ELIMIT @p a or @p b already has `RVX_CONFIG_HYP_EDGES_PER_PARTITION` edges
 * @retval -RVX_ENOMEM every edge slot is in use
 */
int rvx_hyp_edge_create(struct rvx_hyp *h, rvx_handle_t a, rvx_handle_t b, uint32_t queue,
			uint32_t flags, uint64_t now, rvx_handle_t *out);

/**
 * Destroy an edge. Emits EDGE_DESTROY with its lifetime traffic.
 * @param h the state
 * @param edge the edge
 * @param now time for the event
 * @retval 0 destroyed
 * @retval -RVX_EINVAL @p h is NULL
 * @retval -RVX_ENOENT @p edge names no slot
 * @retval -RVX_ESTALE @p edge is stale
 */
int rvx_hyp_edge_destroy(struct rvx_hyp *h, rvx_handle_t edge, uint64_t now);

/**
 * Count one message of @p bytes sent over @p edge by @p from (hot path; no event).
 * @param h the state
 * @param edge the edge
 * @param from the sending partition
 * @param bytes payload bytes
 * @retval 0 counted
 * @retval -RVX_EINVAL @p h is NULL
 * @retval -RVX_ENOENT @p edge or @p from names no slot
 * @retval -RVX_ESTALE @p edge or @p from is stale
 * @retval -RVX_EPERM @p from is not an end allowed to send on this edge
 */
int rvx_hyp_edge_note(struct rvx_hyp *h, rvx_handle_t edge, rvx_handle_t from, uint32_t bytes);

/**
 * Count @p messages messages of @p bytes bytes in all sent over @p edge by
 * @p from: for an embedder that reads the traffic from counters kept
 * elsewhere (the nucleus's per-queue counts) once an epoch, instead of
 * counting each message twice.
 * @param h the state
 * @param edge the edge
 * @param from the sending partition
 * @param messages messages
 * @param bytes their payload bytes
 * @retval 0 counted
 * @retval -RVX_EINVAL @p h is NULL
 * @retval -RVX_ENOENT @p edge or @p from names no slot
 * @retval -RVX_ESTALE @p edge or @p from is stale
 * @retval -RVX_EPERM @p from is not an end allowed to send on this edge
 */
int rvx_hyp_edge_note_many(struct rvx_hyp *h, rvx_handle_t edge, rvx_handle_t from,
			   uint64_t messages, uint64_t bytes);

/**
 * Read an edge's ends, queue and traffic weights.
 * @param h the state
 * @param edge the edge
 * @param[out] out the edge
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer
 * @retval -RVX_ENOENT @p edge names no slot
 * @retval -RVX_ESTALE @p edge is stale
 */
int rvx_hyp_edge_info(const struct rvx_hyp *h, rvx_handle_t edge, struct rvx_hyp_edge_info *out);

/**
 * The handle of the live edge in slot @p slot, to enumerate edges
 * (slots 0..`edge_count`-1).
 * @param h the state
 * @param slot the slot
 * @param[out] out the edge's handle
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer
 * @retval -RVX_ENOENT the slot is out of range or holds no edge
 */
int rvx_hyp_edge_at(const struct rvx_hyp *h, uint32_t slot, rvx_handle_t *out);

/**
 * Grant @p part access to a device's MMIO range until @p expiry. Leases are
 * exclusive: a device id or MMIO byte is leased to one holder at a time.
 * Emits LEASE_GRANT (the port then maps the range).
 * @param h the state
 * @param part the holder (CREATED, RUNNING or SUSPENDED)
 * @param req device, rights, range
 * @param now current time
 * @param expiry time the lease ends (after @p now)
 * @param[out] out the lease's handle
 * @retval 0 granted
 * @retval -RVX_EINVAL a NULL pointer, rights 0 or unknown, a range that is
 *         empty, not 4 KiB aligned or wraps, or @p expiry not after @p now
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 * @retval -RVX_EPERM the partition is FAILED or STOPPED
 * @retval -RVX_EBUSY the device, or part of the range, is leased already
 * @retval -RVX_ELIMIT the partition holds `RVX_CONFIG_HYP_LEASES_PER_PARTITION` leases
 */
int rvx_hyp_lease_grant(struct rvx_hyp *h, rvx_handle_t part, const struct rvx_hyp_lease_req *req,
			uint64_t now, uint64_t expiry, rvx_handle_t *out);

/**
 * Revoke a lease before it expires. Emits LEASE_REVOKE (the port unmaps).
 * @param h the state
 * @param lease the lease
 * @param now time for the event
 * @retval 0 revoked
 * @retval -RVX_EINVAL @p h is NULL
 * @retval -RVX_ENOENT @p lease names no slot
 * @retval -RVX_ESTALE @p lease already ended (expired, revoked) or is stale
 */
int rvx_hyp_lease_revoke(struct rvx_hyp *h, rvx_handle_t lease, uint64_t now);

/**
 * Read a lease.
 * @param h the state
 * @param lease the lease
 * @param[out] out the lease
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer
 * @retval -RVX_ENOENT @p lease names no slot
 * @retval -RVX_ESTALE @p lease ended or is stale
 */
int rvx_hyp_lease_info(const struct rvx_hyp *h, rvx_handle_t lease, struct rvx_hyp_lease_info *out);

/**
 * Expire every lease whose expiry is at or before @p now, at most
 * @p capacity of them per call (the rest stay due for the next call):
 * each is freed, reported in @p expired and emitted as LEASE_EXPIRE. When
 * no lease is due this costs one comparison.
 * @param h the state
 * @param now current time
 * @param[out] expired room for @p capacity reports (may be NULL if 0)
 * @param capacity entries at @p expired
 * @return leases expired (>= 0)
 * @retval -RVX_EINVAL @p h is NULL, or @p expired is NULL with @p capacity > 0
 */
int rvx_hyp_tick(struct rvx_hyp *h, uint64_t now, struct rvx_hyp_lease_info *expired,
		 uint32_t capacity);

/**
 * Whether @p part may make an access of kind @p access to address @p addr
 * at @p now (the port's fault path). Pure: no state changes, no event.
 * @param h the state
 * @param part the partition
 * @param addr the address accessed
 * @param access `RVX_HYP_LEASE_R` and/or `RVX_HYP_LEASE_W`
 * @param now current time
 * @retval 0 a live lease covers it
 * @retval -RVX_EINVAL @p h is NULL or @p access is 0 or unknown
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 * @retval -RVX_EPERM no lease of the partition covers @p addr
 * @retval -RVX_ETIMEDOUT the covering lease has expired (not yet ticked)
 * @retval -RVX_ERIGHTS the covering lease lacks a right @p access needs
 */
int rvx_hyp_lease_check(const struct rvx_hyp *h, rvx_handle_t part, uint64_t addr,
			uint32_t access, uint64_t now);

/**
 * Like `rvx_hyp_lease_check()`, by device id instead of address.
 * @param h the state
 * @param part the partition
 * @param device the device id
 * @param access `RVX_HYP_LEASE_R` and/or `RVX_HYP_LEASE_W`
 * @param now current time
 * @retval 0 a live lease of the device is held
 * @retval -RVX_EINVAL @p h is NULL or @p access is 0 or unknown
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 * @retval -RVX_EPERM the partition holds no lease of the device
 * @retval -RVX_ETIMEDOUT its lease has expired (not yet ticked)
 * @retval -RVX_ERIGHTS its lease lacks a right @p access needs
 */
int rvx_hyp_lease_check_device(const struct rvx_hyp *h, rvx_handle_t part, uint32_t device,
			       uint32_t access, uint64_t now);

/**
 * Record a capability grant from one partition to another (the embedder's
 * capability library did the grant; this witnesses that it crossed
 * partitions). Emits CAP_GRANT.
 * @param h the state
 * @param from the granting partition
 * @param to the receiving partition
 * @param object raw handle of the capability's object
 * @param rights rights granted (non-zero, within `RVX_RIGHTS_ALL`)
 * @param now time for the event
 * @retval 0 recorded
 * @retval -RVX_EINVAL @p h is NULL, @p from is @p to, or bad rights
 * @retval -RVX_ENOENT @p from or @p to names no slot
 * @retval -RVX_ESTALE @p from or @p to is stale
 * @retval -RVX_EPERM either partition is FAILED or STOPPED
 */
int rvx_hyp_cap_grant(struct rvx_hyp *h, rvx_handle_t from, rvx_handle_t to, uint64_t object,
		      rvx_rights_t rights, uint64_t now);

/**
 * What the recovery policy would decide for @p fault at @p now, without
 * recording anything. The rung is the higher of the fault kind's lowest
 * useful rung (TASK: restart, PARTITION: reconstruct, REGION: roll back,
 * KERNEL: reboot) and the rung the window's failure count reaches (up to
 * `restart_limit` failures: restart; up to `restart_limit +
 * reconstruct_limit`: reconstruct; beyond: roll back). A roll back without
 * a region becomes the last resort: a stop for a `RVX_HYP_PART_STOPPABLE`
 * partition, a reboot otherwise (a KERNEL fault always reboots).
 * @param h the state
 * @param part the partition
 * @param fault the fault
 * @param now current time
 * @param[out] out the decision
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, an unknown fault kind, a TASK fault
 *         without a task, a REGION fault without a region, or reserved set
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 */
int rvx_hyp_recovery_decide(const struct rvx_hyp *h, rvx_handle_t part,
			    const struct rvx_hyp_fault *fault, uint64_t now,
			    struct rvx_hyp_decision *out);

/**
 * Record a fault of @p part: count it in the failure window, mark the
 * partition FAILED (current on no CPU: the port must stop running it), keep
 * the decision as the pending action and emit FAULT.
 * @param h the state
 * @param part the partition (CREATED, RUNNING or SUSPENDED)
 * @param fault the fault
 * @param now current time
 * @param[out] out the action to try (as `rvx_hyp_recovery_decide()`)
 * @retval 0 recorded
 * @retval -RVX_EINVAL as `rvx_hyp_recovery_decide()`
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 * @retval -RVX_EBUSY the partition is already FAILED (report the pending action's outcome)
 * @retval -RVX_EPERM the partition is STOPPED
 */
int rvx_hyp_fault(struct rvx_hyp *h, rvx_handle_t part, const struct rvx_hyp_fault *fault,
		  uint64_t now, struct rvx_hyp_decision *out);

/**
 * Report the outcome of the pending recovery action. Emits RECOVERY. On
 * success the partition returns to the state it had before the fault; a
 * successful STOP_PARTITION instead leaves it STOPPED for good, its edges
 * destroyed and its leases revoked first (EDGE_DESTROY and LEASE_REVOKE
 * events, so the port unmaps; then RECOVERY). On failure it stays FAILED
 * and the next rung becomes pending: restart, reconstruct, roll back (skipped
 * without a region), stop (only if `RVX_HYP_PART_STOPPABLE`), reboot; a
 * failed reboot stays pending.
 * @param h the state
 * @param part the partition
 * @param action the action that was tried (must be the pending one)
 * @param succeeded true if it worked
 * @param now time for the event
 * @param[out] next the action now pending (`RVX_HYP_ACT_NONE` after success); may be NULL
 * @retval 0 recorded
 * @retval -RVX_EINVAL @p h is NULL or @p action is not the pending action
 * @retval -RVX_ENOENT @p part names no slot
 * @retval -RVX_ESTALE @p part is stale
 * @retval -RVX_EPERM the partition is not FAILED
 */
int rvx_hyp_recovery_report(struct rvx_hyp *h, rvx_handle_t part, uint32_t action,
			    bool succeeded, uint64_t now, struct rvx_hyp_decision *next);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_HYP_H */
