/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file part.h
 * @brief Partition policy: construction journal, reconstruction, the
 *        recovery ladder, suspend and resume, isolation decisions on the
 *        trap path, cross-partition accounting and the witness records of
 *        all of it, over a narrow interface to the architecture.
 *
 * lib/hyp keeps the books (partition objects, CommEdges, leases, the
 * ladder's counts); this library runs partitions with them. It owns the
 * decisions a port used to make inline: whether a trapped access or a
 * syscall pointer stays inside the partition, which rung of the ladder to
 * climb and how (restart a task, rebuild the partition from its checkpoint
 * and construction journal, roll a region back, stop a partition created
 * `RVX_PART_STOPPABLE` for good, reboot), what a suspended
 * partition's tasks may do, and which witness record each privileged action
 * gets. It touches no hardware and no kernel state: the port implements
 * `struct rvx_part_arch_ops` (CPU state, stage-2, trap decode, guest memory,
 * kicking a CPU) and `struct rvx_part_kernel_ops` (syscall dispatch, task
 * exit, restart, hold, release and migration, capability digest and lookup, witness
 * records, snapshots), as Hafnium's core calls its arch layer; a host build
 * can implement both with a fake and test the policy on Linux.
 *
 * Order of use:
 * 1. `rvx_part_init()` over a caller's `struct rvx_part` and task table,
 *    with the operations, the shared guest text, the kernel's memory and the
 *    device ranges a partition may lease. It initialises the embedded
 *    `struct rvx_hyp`, whose events become witness records through
 *    `rvx_part_witness_kind()`.
 * 2. `rvx_part_create()` partitions (stage-2 built, text and memory mapped
 *    and journaled), `rvx_part_resume()` them, `rvx_part_spawn()` their
 *    tasks (journaled), connect them with `rvx_part_edge_create()`, lease
 *    devices with `rvx_part_lease_grant()`, take a `rvx_part_checkpoint()`.
 * 3. While they run, the port calls `rvx_part_switch()` on every context
 *    switch (and when a CPU goes idle), `rvx_part_task_start()` when a
 *    task's frame is made afresh, `rvx_part_hold()` when the scheduler
 *    picks a task, `rvx_part_trap()` for every trap from a partition (and
 *    acts on the verdict), and `rvx_part_tick()` from the timer.
 * 4. `rvx_part_suspend()` / `rvx_part_resume()` and `rvx_part_migrate()`
 *    at will; `rvx_part_teardown()` at the end.
 *
 * CPUs: every task of a partition runs on its home CPU (`rvx_part_migrate()`
 * places and moves it, witnessed), so one partition runs on one CPU at a
 * time and several may share one. A task's EL1 state is live in a CPU's
 * registers only while that CPU runs it: a CPU that leaves a partition task
 * for a kernel task or idleness saves it (`rvx_part_switch()`), so a task
 * that is not running can be moved or held from any CPU. A stage-2 change
 * of a partition running elsewhere is made visible by `s2_sync`, which must
 * reach every CPU (a broadcast TLB invalidation by VMID, or an IPI). A
 * successful send on a CommEdge kicks the receiving partition's CPU
 * (`kick`) when it is another, so the receiver runs at once.
 *
 * NUMA: the configuration may group the CPUs into nodes (`node_count`,
 * `cpu_node`, from the machine's description). With more than one node,
 * each epoch close writes one `RVX_PART_WITNESS_TRAFFIC` record: the closed
 * epoch's bytes and messages on every live CommEdge, as the kernel counted
 * them, and the share whose two ends' home CPUs (during the epoch:
 * partitions move only at an epoch close or by an explicit call) differed,
 * and whose nodes differed. An attached coherence engine then places
 * partitions on nodes rather than CPUs (ruvix/part_coh.h).
 *
 * Invariants: a task belongs to at most one partition, named in the task
 * table; every stage-2 mapping the library made is in the partition's
 * mapping journal (an ended lease's marked dead), and every kernel action
 * that built the partition (spawn, region map by trap, grant from another
 * partition) is in its construction journal, so reconstruction rebuilds
 * exactly what was there; a kernel call is only made for a task of the
 * partition concerned, with pointers into the partition's own memory.
 *
 * Check, then commit: each call validates its arguments and the state
 * first, and a call that returns an error has changed no byte of the
 * `struct rvx_part` and called no operation that changes anything. Once
 * committed, an operation that fails (a port that cannot do what it was
 * asked) is handled as the ladder says: the rung fails and the next is
 * tried. The library does no locking and no allocation; the embedder
 * serialises calls (the kernel lock on the virt port).
 */
#ifndef RUVIX_PART_H
#define RUVIX_PART_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/hyp.h"
#include "ruvix/nucleus_syscall.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Partitions one `struct rvx_part` holds. */
#ifndef RVX_CONFIG_PART_MAX_PARTITIONS
#define RVX_CONFIG_PART_MAX_PARTITIONS 8
#endif
/** Tasks per partition. */
#ifndef RVX_CONFIG_PART_TASKS
#define RVX_CONFIG_PART_TASKS 4
#endif
/** Entries of a partition's construction journal. */
#ifndef RVX_CONFIG_PART_JOURNAL
#define RVX_CONFIG_PART_JOURNAL 16
#endif
/** Entries of a partition's stage-2 mapping journal. */
#ifndef RVX_CONFIG_PART_MAPS
#define RVX_CONFIG_PART_MAPS 12
#endif
/** CommEdges one `struct rvx_part` holds. */
#ifndef RVX_CONFIG_PART_EDGES
#define RVX_CONFIG_PART_EDGES 4
#endif

_Static_assert(RVX_CONFIG_PART_MAX_PARTITIONS >= 1 && RVX_CONFIG_PART_MAX_PARTITIONS <= 32 &&
		       RVX_CONFIG_PART_MAX_PARTITIONS <= RVX_CONFIG_HYP_MAX_PARTITIONS,
	       "partitions must be 1..32 and fit lib/hyp");
_Static_assert(RVX_CONFIG_PART_TASKS >= 1 && RVX_CONFIG_PART_TASKS <= 255, "tasks 1..255");
_Static_assert(RVX_CONFIG_PART_JOURNAL >= 1 && RVX_CONFIG_PART_JOURNAL <= 255, "journal 1..255");
_Static_assert(RVX_CONFIG_PART_MAPS >= 2 && RVX_CONFIG_PART_MAPS <= 255, "maps 2..255");
_Static_assert(RVX_CONFIG_PART_EDGES >= 1 && RVX_CONFIG_PART_EDGES <= 255, "edges 1..255");

/** Capabilities one spawn hands over at most. */
#define RVX_PART_SPAWN_CAPS 5u
/** Senders one edge tracks (its first sender and the ends grants add). */
#define RVX_PART_EDGE_SENDERS 4u
/** Device ranges `rvx_part_init()` takes at most. */
#define RVX_PART_DEVICES 4u
/** "Nowhere": a spawn capability whose handle is not published. */
#define RVX_PART_NOWHERE UINT16_MAX
/** Exit code of a task ended by its partition's reconstruction. */
#define RVX_PART_EXIT_RECONSTRUCT 2
/** Exit code of a task ended because the ladder stopped its partition for good. */
#define RVX_PART_EXIT_STOPPED 3
/**
 * Partition flag (`rvx_part_create()`, `rvx_part_create_layout()`): past
 * the rungs that keep it in service, the ladder stops the partition for
 * good (its tasks ended, STOPPED) instead of rebooting the machine. The
 * board chooses per partition (`RVX_HYP_PART_STOPPABLE` in lib/hyp).
 */
#define RVX_PART_STOPPABLE RVX_HYP_PART_STOPPABLE
/** Witness kind of a partition checkpoint (args: SHA-256 of its memory). */
#define RVX_PART_WITNESS_CHECKPOINT 0x8200u
/** Witness kind of a rebuild (args: ended, spawned, regions, grants, withdrawn, drained; u32). */
#define RVX_PART_WITNESS_REBUILD 0x8201u
/** Witness kind of a placement or migration (args: from CPU, to CPU, tasks moved; u32). */
#define RVX_PART_WITNESS_MIGRATE 0x8202u
/** Witness kind of the coherence engine's decision at an epoch close
 *  (`struct rvx_part_coh_record`; see ruvix/part_coh.h). */
#define RVX_PART_WITNESS_PLACEMENT 0x8203u
/** Witness kind of an epoch's CommEdge traffic split by CPU and NUMA node
 *  (`struct rvx_part_traffic_record`), written at each epoch close when the
 *  layer has more than one node. */
#define RVX_PART_WITNESS_TRAFFIC 0x8204u

/** Why a task was stopped; recorded in FAULT records. Values are ABI. */
enum rvx_part_cause {
	RVX_PART_CAUSE_NONE = 0,            /**< No fault. */
	RVX_PART_CAUSE_OTHER_PARTITION = 1, /**< Stage-2 fault on another partition's memory. */
	RVX_PART_CAUSE_KERNEL_MEMORY = 2,   /**< Stage-2 fault on the kernel's memory. */
	RVX_PART_CAUSE_NO_LEASE = 3,        /**< A device the partition holds no lease for. */
	RVX_PART_CAUSE_LEASE_ENDED = 4,     /**< A device whose lease has ended. */
	RVX_PART_CAUSE_CAPABILITY = 5,      /**< A syscall refused by the capability check. */
	RVX_PART_CAUSE_BAD_POINTER = 6,     /**< A syscall pointer outside the partition's memory. */
	RVX_PART_CAUSE_UNMAPPED = 7,        /**< Stage-2 fault on an address nobody owns. */
	RVX_PART_CAUSE_EL1_EXCEPTION = 8,   /**< An exception the partition took itself and reported. */
	RVX_PART_CAUSE_TRAP = 9,            /**< Another trapped instruction. */
	RVX_PART_CAUSE_PERMISSION = 10,     /**< Stage-2 permission fault (a write to the text). */
	RVX_PART_CAUSE_STATE_REGION = 11,   /**< A guarded region differs from the checkpoint. */
	RVX_PART_CAUSE_SYSREG = 12,         /**< A trapped system register access. */
	RVX_PART_CAUSE_SMC = 13,            /**< A secure monitor call. */
	RVX_PART_CAUSE_COUNT                /**< Number of causes; not a cause. */
};

/** What a trap was, as the port's decoder reports it. */
enum rvx_part_trap_kind {
	RVX_PART_TRAP_SYSCALL = 1, /**< A syscall: `nr`, `x[0]` args address, `x[1]` result address. */
	RVX_PART_TRAP_YIELD = 2,   /**< The task gives up the CPU. */
	RVX_PART_TRAP_CALL = 3,    /**< A port-specific hypercall (`nr`, `x[]`): handed back. */
	RVX_PART_TRAP_ABORT = 4,   /**< A stage-2 abort at `addr` (`write`, `permission`). */
	RVX_PART_TRAP_EL1_EXCEPTION = 5, /**< The partition reports an exception it took (`addr`). */
	RVX_PART_TRAP_SYSREG = 6,  /**< A trapped system register access (`syndrome`). */
	RVX_PART_TRAP_SMC = 7,     /**< A secure monitor call (`syndrome`). */
	RVX_PART_TRAP_OTHER = 8,   /**< Anything else (`syndrome`). */
};

/** A decoded trap. */
struct rvx_part_trap {
	uint32_t kind;      /**< An `enum rvx_part_trap_kind`. */
	uint32_t nr;        /**< Syscall number or call number. */
	uint64_t x[3];      /**< Call arguments (see the kind). */
	uint64_t addr;      /**< Faulting address (ABORT, EL1_EXCEPTION). */
	uint64_t syndrome;  /**< The architecture's syndrome, recorded as the address of other faults. */
	uint8_t write;      /**< ABORT: 1 for a write. */
	uint8_t permission; /**< ABORT: 1 for a permission fault (the page is mapped). */
	uint8_t reserved[6];/**< Zero. */
};

/** What the port does after `rvx_part_trap()`. */
enum rvx_part_next {
	RVX_PART_NEXT_RESUME = 0,  /**< Return to the task (with `ret` in its result register if `set_ret`). */
	RVX_PART_NEXT_YIELD = 1,   /**< The task goes on later: switch away. */
	RVX_PART_NEXT_BLOCKED = 2, /**< The task blocked in the kernel: switch away. */
	RVX_PART_NEXT_RETRY = 3,   /**< Blocked; issue the same trap again once woken. */
	RVX_PART_NEXT_RESTART = 4, /**< The task was restarted: switch away, it starts afresh. */
	RVX_PART_NEXT_EXITED = 5,  /**< The task ended (or its partition was rebuilt): never resume it. */
	RVX_PART_NEXT_HALTED = 6,  /**< Recovery ran out of rungs; the partition stays FAILED. */
	RVX_PART_NEXT_CALL = 7,    /**< A port-specific call (`trap`): the port handles it. */
	RVX_PART_NEXT_STOPPED = 8, /**< Its partition was stopped for good: the task and every other
				        task of it ended (`stopped_tasks`); never resume it. */
};

/** The library's verdict on a trap. */
struct rvx_part_verdict {
	uint32_t next;            /**< An `enum rvx_part_next`. */
	uint32_t set_ret;         /**< 1: put `ret` in the task's result register. */
	uint64_t ret;             /**< The result (0 or -RVX_E* as u64). */
	uint32_t part;            /**< The task's partition index. */
	uint32_t cause;           /**< The fault's `enum rvx_part_cause`, or NONE. */
	struct rvx_part_trap trap;/**< The decoded trap. */
};

/** One stage-2 mapping (the mapping journal's entry). */
struct rvx_part_map {
	uint64_t ipa;        /**< First byte as the partition sees it. */
	uint64_t size;       /**< Bytes. */
	uint32_t perms;      /**< The port's permission bits (`RVX_STAGE2_*`). */
	uint32_t memtype;    /**< The port's memory type. */
	uint8_t live;        /**< 0 once unmapped (an ended lease). */
	uint8_t lease;       /**< 1 for a leased device's range. */
	uint8_t reserved[6]; /**< Zero. */
	uint64_t pa;         /**< First byte in physical memory (= `ipa` on an identity map). */
};

/** The architecture half of the interface (all required). */
struct rvx_part_arch_ops {
	/** Give @p task (slot @p slot of partition @p part) its initial CPU state. */
	void (*cpu_reset)(void *ctx, uint32_t task, uint32_t part, uint32_t slot);
	/** Save the CPU state the registers hold into @p task's context. */
	void (*cpu_save)(void *ctx, uint32_t task);
	/** Load @p task's CPU state; @p prev's is what the registers hold (RVX_HYP_NONE: unknown). */
	void (*cpu_load)(void *ctx, uint32_t task, uint32_t prev);
	/** Make partition @p part's stage-2 the one @p cpu translates with. */
	void (*vm_load)(void *ctx, uint32_t cpu, uint32_t part);
	/** Start @p part's stage-2 tables afresh (empty, tagged @p vmid); 0 or -RVX_E*. */
	int (*s2_reset)(void *ctx, uint32_t part, uint32_t vmid);
	/** Map @p m into @p part's stage-2; 0 or -RVX_E*. */
	int (*s2_map)(void *ctx, uint32_t part, const struct rvx_part_map *m);
	/** Unmap a range of @p part's stage-2; 0 or -RVX_E*. */
	int (*s2_unmap)(void *ctx, uint32_t part, uint64_t ipa, uint64_t size);
	/** Make @p part's stage-2 changes visible everywhere (TLB invalidation by VMID). */
	void (*s2_sync)(void *ctx, uint32_t part);
	/** Decode the trap @p cpu just took from a partition, writing every field of @p out. */
	void (*trap_decode)(void *ctx, uint32_t cpu, struct rvx_part_trap *out);
	/** Copy from partition memory (already bounds-checked); 0 or -RVX_EFAULT. */
	int (*guest_read)(void *ctx, uint32_t part, uint64_t ipa, void *dst, size_t len);
	/** Copy into partition memory (already bounds-checked); 0 or -RVX_EFAULT. */
	int (*guest_write)(void *ctx, uint32_t part, uint64_t ipa, const void *src, size_t len);
	/** Make @p cpu look at its run queue and stage-2 again (an inter-processor interrupt). */
	void (*kick)(void *ctx, uint32_t cpu);
	/** Optional (NULL: the window check alone): true if [@p ipa, @p ipa + @p len) of a
	 *  partition made by `rvx_part_create_layout()` is mapped in its stage 2 with read
	 *  (and, if @p write, write) permission, so `guest_read` / `guest_write` can reach it. */
	bool (*guest_check)(void *ctx, uint32_t part, uint64_t ipa, uint64_t len, bool write);
};

/** The kernel half of the interface (all required but `trace`). */
struct rvx_part_kernel_ops {
	/** Messages and bytes ever sent on the queue the root's @p queue_cap names, as the
	 *  kernel counts them (the one count of each message); 0 or -RVX_E*. */
	int (*queue_traffic)(void *ctx, uint64_t queue_cap, uint64_t *messages, uint64_t *bytes);
	/** Dispatch a syscall for @p task (pointers are the kernel's); returns rvx_syscall()'s result. */
	int (*syscall)(void *ctx, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
		       struct rvx_syscall_result *r);
	/** End @p task through the nucleus (witnessed) and drop its context; 0 or -RVX_E*
	 *  (a port refuses, changing nothing, a task another CPU is running). */
	int (*task_exit)(void *ctx, uint32_t task, int32_t code);
	/** Would `task_exit` of each of the @p n @p tasks, one after the other, succeed
	 *  now (room for all their records included)? Changes nothing; 0 or -RVX_E*. */
	int (*task_exit_check)(void *ctx, const uint32_t *tasks, uint32_t n);
	/** Restart @p task from its entry (its context is dropped; it runs again). */
	void (*task_restart)(void *ctx, uint32_t task);
	/** Keep @p task off every CPU until released (it waits for nothing else); 0 or -RVX_E*. */
	int (*hold_task)(void *ctx, uint32_t task);
	/** Let a held @p task run again; 0 or -RVX_E*. */
	int (*release_task)(void *ctx, uint32_t task);
	/** Would moving @p task (not running) to @p cpu succeed? Changes nothing; 0 or -RVX_E*. */
	int (*task_migrate_check)(void *ctx, uint32_t task, uint32_t cpu);
	/** Move @p task (not running) to @p cpu with its waits and timers (witnessed by the
	 *  kernel); cannot fail once `task_migrate_check` said 0 under the same lock. */
	int (*task_migrate)(void *ctx, uint32_t task, uint32_t cpu);
	/** SHA-256 over the capability spaces of @p count tasks (order as given). */
	void (*caps_digest)(void *ctx, const uint32_t *tasks, uint32_t count, uint8_t out[32]);
	/** The object (raw handle) and queue index behind @p task's capability @p handle; 0 or -RVX_E*. */
	int (*cap_object)(void *ctx, uint32_t task, uint64_t handle, uint64_t *object,
			  uint32_t *index);
	/** Append one witness record; must not fail (the port reserves room or stops the machine). */
	void (*record)(void *ctx, uint16_t kind, uint32_t actor, uint64_t target, const void *args,
		       uint32_t len);
	/** Copy @p part's memory aside as its checkpoint; SHA-256 of the copy into @p digest; 0 or -RVX_E*. */
	int (*snapshot_save)(void *ctx, uint32_t part, uint8_t digest[32]);
	/** SHA-256 of @p part's stored checkpoint now; 0 or -RVX_ENOENT. */
	int (*snapshot_digest)(void *ctx, uint32_t part, uint8_t digest[32]);
	/** Copy bytes [@p off, @p off + @p len) of the checkpoint back into @p part's memory. */
	int (*snapshot_restore)(void *ctx, uint32_t part, uint64_t off, uint64_t len);
	/** 0 if bytes [@p off, @p off + @p len) of @p part's memory equal the checkpoint's, 1 if not. */
	int (*snapshot_compare)(void *ctx, uint32_t part, uint64_t off, uint64_t len);
	/** Tell partition @p part its new handle @p handle at its place @p where (a port-defined slot). */
	void (*handle_out)(void *ctx, uint32_t part, uint16_t where, uint64_t handle);
	/** Reboot the machine; returns only if it cannot. */
	void (*reboot)(void *ctx);
	/** Monotonic time in nanoseconds. */
	uint64_t (*now)(void *ctx);
	/** A line for the console (printf subset: %u %d %x %lx %lu %c %s %02x); may be NULL. */
	void (*trace)(void *ctx, const char *fmt, ...);
	/** Optional (needed by `rvx_part_coherence_attach()`): give @p task the coherence
	 *  engine's cut pressure and structural risk (Q16.16 in [0, 1]) as scheduling inputs,
	 *  through the nucleus (`rvx_kernel_task_set_scores()`); 0 or -RVX_E*. */
	int (*task_scores)(void *ctx, uint32_t task, uint32_t pressure, uint32_t risk);
	/** TaskSpawn or RvfMount (@p nr) from partition task @p task, whose pointers in @p a are
	 *  still the partition's (checked to lie in its memory); the port starts what it creates
	 *  inside the partition. May be NULL: partitions may not create tasks (-RVX_EPERM).
	 *  Returns what rvx_syscall() would. */
	int (*create)(void *ctx, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
		      struct rvx_syscall_result *r);
};

/** A device range a partition may lease. */
struct rvx_part_device {
	uint32_t id;       /**< The embedder's device id (below 32). */
	uint32_t reserved; /**< Zero. */
	uint64_t base;     /**< First byte of its registers. */
	uint64_t size;     /**< Bytes. */
};

/** What `rvx_part_init()` is given. */
struct rvx_part_config {
	uint32_t cpu_count;            /**< CPUs, 1..`RVX_CONFIG_HYP_MAX_CPUS`. */
	uint32_t device_count;         /**< Entries of `devices` used. */
	struct rvx_hyp_policy policy;  /**< The recovery ladder's policy. */
	uint64_t epoch_ns;             /**< Switch epoch: its switches are summarised in one record (> 0). */
	uint64_t text_base;            /**< Shared guest text (mapped read + execute into each partition). */
	uint64_t text_size;            /**< Its bytes (> 0). */
	uint32_t text_perms;           /**< Stage-2 permissions for the text. */
	uint32_t mem_perms;            /**< Stage-2 permissions for a partition's memory. */
	uint32_t normal_memtype;       /**< Memory type of text and memory. */
	uint32_t device_memtype;       /**< Memory type of leased devices. */
	uint32_t device_perms;         /**< Stage-2 permissions of a leased device. */
	uint16_t region_where;         /**< Where a region mapped by trap is published (`handle_out`). */
	uint16_t reserved;             /**< Zero. */
	uint64_t spawn_cap;            /**< The root's TASK capability (task 0's handle, for TaskSpawn). */
	uint64_t kernel_base;          /**< The kernel's memory (a fault there is KERNEL_MEMORY). */
	uint64_t kernel_size;          /**< Its bytes. */
	struct rvx_part_device devices[RVX_PART_DEVICES]; /**< Devices (a fault there is a lease question). */
	uint32_t node_count;           /**< NUMA nodes, 0..`cpu_count` (0 or 1: one node, no accounting). */
	uint32_t reserved2;            /**< Zero. */
	uint8_t cpu_node[RVX_CONFIG_HYP_MAX_CPUS]; /**< Node of each CPU (each node has a CPU;
						       zero beyond `cpu_count`, and with one node). */
};

/**
 * Arguments of a `RVX_PART_WITNESS_TRAFFIC` record (native byte order; the
 * record's target is lib/hyp's number of the closed epoch, its actor
 * `RVX_HYP_NONE`): the closed epoch's CommEdge traffic as the kernel counted
 * it, split by where its ends were during the epoch. 64 bytes.
 */
struct rvx_part_traffic_record {
	uint64_t bytes;               /**< Bytes on every live CommEdge. */
	uint64_t messages;            /**< Messages on them. */
	uint64_t cross_cpu_bytes;     /**< Bytes on edges whose ends had different CPUs. */
	uint64_t cross_cpu_messages;  /**< Their messages. */
	uint64_t cross_node_bytes;    /**< Bytes on edges whose ends were on different nodes. */
	uint64_t cross_node_messages; /**< Their messages. */
	uint32_t nodes;               /**< `node_count` of the layer. */
	uint32_t edges;               /**< Live CommEdges counted. */
	uint64_t reserved;            /**< Zero. */
};

_Static_assert(sizeof(struct rvx_part_traffic_record) == 64, "a traffic record is 64 bytes");

/** One construction-journal entry's kinds. */
enum rvx_part_jkind {
	RVX_PART_J_SPAWN = 1,  /**< The root spawned a task into a slot. */
	RVX_PART_J_REGION = 2, /**< A task mapped a region by trap. */
	RVX_PART_J_GRANT = 3,  /**< Another partition granted a task a capability. */
};

/** One privileged set-up action, replayed in order by reconstruction. */
struct rvx_part_jentry {
	uint32_t kind;      /**< An `enum rvx_part_jkind`. */
	uint32_t live;      /**< 0 once it no longer describes the partition. */
	uint32_t slot;      /**< The task's slot in its partition. */
	uint32_t role;      /**< SPAWN: the task's role. */
	uint32_t nx;        /**< SPAWN: capabilities handed over. */
	uint32_t cap_index; /**< REGION: which spawn capability gated the map. */
	struct rvx_syscall_capxfer x[RVX_PART_SPAWN_CAPS]; /**< SPAWN: the root's handles and rights. */
	uint16_t where[RVX_PART_SPAWN_CAPS]; /**< Where each new handle is published (`handle_out`). */
	uint64_t child[RVX_PART_SPAWN_CAPS]; /**< SPAWN: the child's handles now. */
	uint32_t from_part; /**< GRANT: the grantor's partition. */
	uint32_t from_task; /**< GRANT: the grantor task. */
	uint32_t edge;      /**< GRANT: the edge the capability carries, or RVX_HYP_NONE. */
	uint32_t reserved;  /**< Zero. */
	uint64_t from_cap;  /**< GRANT: the grantor's handle. */
	uint64_t rights;    /**< GRANT: rights. */
	uint64_t badge;     /**< GRANT: badge. */
	uint64_t policy;    /**< REGION: policy. */
	uint64_t size;      /**< REGION: size. */
	uint64_t slab;      /**< REGION: slab slot size. */
	uint64_t handle;    /**< REGION, GRANT: the handle the task holds now. */
};

/** What the last rebuild of a partition did. */
struct rvx_part_rebuild {
	uint32_t ended;     /**< Tasks ended. */
	uint32_t spawned;   /**< Tasks spawned afresh. */
	uint32_t regions;   /**< Regions mapped again. */
	uint32_t grants;    /**< Grants re-made. */
	uint32_t withdrawn; /**< Grants the grantor had withdrawn (not re-made). */
	uint32_t drained;   /**< Messages of the failed incarnation dropped. */
};

/** One partition (read it; change it only through the calls). */
struct rvx_part_partition {
	rvx_handle_t h;          /**< Its lib/hyp handle. */
	uint32_t live;           /**< 1 once created, until destroyed. */
	uint32_t vmid;           /**< VMID. */
	uint64_t mem;            /**< Its private memory (IPA; = PA unless `layout`). */
	uint64_t mem_size;       /**< Bytes. */
	uint32_t layout;         /**< 1: made by `rvx_part_create_layout()` (its own text, no shared one). */
	uint32_t adopted;        /**< Tasks `rvx_part_adopt()` added (no spawn entry: not rebuilt). */
	uint32_t tasks[RVX_CONFIG_PART_TASKS]; /**< Task id per slot. */
	uint32_t roles[RVX_CONFIG_PART_TASKS]; /**< Role per slot. */
	uint8_t alive[RVX_CONFIG_PART_TASKS];  /**< 0 once the slot's task was ended. */
	uint32_t task_count;     /**< Slots used. */
	struct rvx_part_map maps[RVX_CONFIG_PART_MAPS]; /**< The mapping journal. */
	uint32_t map_count;      /**< Entries used. */
	uint32_t has_ckpt;       /**< 1 once a checkpoint was taken. */
	uint8_t ckpt_digest[32]; /**< SHA-256 of the checkpoint, as witnessed. */
	uint32_t ended_devices;  /**< Bit n: a lease of device n ended. */
	uint32_t suspended;      /**< 1 while suspended by `rvx_part_suspend()`. */
	uint32_t flags;          /**< `RVX_PART_STOPPABLE` or 0, as created. */
	uint32_t stopped;        /**< 1 once the ladder stopped it for good (lib/hyp: STOPPED). */
	uint32_t stopped_tasks[RVX_CONFIG_PART_TASKS]; /**< The tasks the stop ended, in slot order. */
	uint32_t stopped_count;  /**< Entries of `stopped_tasks` used. */
	uint32_t cpu;            /**< Its home CPU: where its tasks are spawned and run. */
	uint32_t migrations;     /**< Times it was moved to another CPU. */
	rvx_handle_t lease;      /**< Its last lease. */
	uint32_t held[RVX_CONFIG_PART_TASKS]; /**< Tasks held while suspended. */
	uint32_t held_count;     /**< Entries used. */
	uint32_t faults;         /**< Faults recorded. */
	uint32_t restarts;       /**< Task restarts. */
	uint32_t reconstructs;   /**< Reconstructions. */
	uint32_t rollbacks;      /**< Region roll backs. */
	uint32_t cause_seen[RVX_PART_CAUSE_COUNT]; /**< Faults per cause. */
	struct rvx_part_jentry journal[RVX_CONFIG_PART_JOURNAL]; /**< The construction journal. */
	uint32_t journal_count;  /**< Entries used. */
	uint32_t journal_lost;   /**< 1: an action did not fit; reconstruction is refused. */
	uint32_t regrant;        /**< 1: rebuilt; grants to re-make once back in service. */
	struct rvx_part_rebuild rebuild; /**< The last rebuild. */
	uint8_t other_caps[RVX_CONFIG_PART_MAX_PARTITIONS][32]; /**< Others' capability digests before it. */
	uint64_t stale[RVX_CONFIG_PART_JOURNAL]; /**< Handles its ended tasks held. */
	uint32_t stale_count;    /**< Entries used. */
	uint32_t stale_refused;  /**< Syscalls refused with one of `stale`. */
};

/** A CommEdge as this layer sees it: the queue, who may send on it, the root's handle. */
struct rvx_part_edge {
	rvx_handle_t h;         /**< Its lib/hyp handle. */
	uint32_t live;          /**< 1 while it exists. */
	uint32_t send_count;    /**< Entries of `send` used. */
	struct {
		uint32_t task;  /**< Sending task. */
		uint32_t part;  /**< Its partition. */
		uint64_t cap;   /**< Its handle on the queue. */
	} send[RVX_PART_EDGE_SENDERS]; /**< Who may send, with which handle. */
	uint32_t from;          /**< The partition at its sending end. */
	uint32_t to;            /**< The partition at its receiving end. */
	uint32_t grant_task;    /**< A task whose grant of `grant_cap` adds a sender. */
	uint64_t grant_cap;     /**< That task's handle. */
	uint64_t root_cap;      /**< The root's handle on the queue (READ for the drain). */
	uint16_t grant_where;   /**< Where the receiver of such a grant keeps it. */
	uint16_t reserved[3];   /**< Zero. */
	uint64_t seen_messages; /**< The queue's sends already counted on the edge. */
	uint64_t seen_bytes;    /**< Their bytes. */
};

/** Which partition a kernel task belongs to (caller's table, one per task;
 *  the layer writes it). */
struct rvx_part_task {
	uint8_t part; /**< Partition index + 1; 0: not a partition task. */
	uint8_t slot; /**< Its slot in the partition. */
	uint8_t cpu;  /**< The CPU that loaded its state last, + 1; 0: none. */
};

/* The coherence engine's embedding (ruvix/part_coh.h, when built). */
struct rvx_part_coh;

/** The layer's state (caller storage). */
struct rvx_part {
	struct rvx_hyp hyp; /**< The books (read with the rvx_hyp_*_info calls). */
	struct rvx_hyp_partition hyp_parts[RVX_CONFIG_PART_MAX_PARTITIONS]; /**< lib/hyp's slots. */
	struct rvx_hyp_edge hyp_edges[RVX_CONFIG_PART_EDGES]; /**< lib/hyp's edge slots. */
	const struct rvx_part_arch_ops *arch;  /**< Architecture operations. */
	const struct rvx_part_kernel_ops *kern;/**< Kernel operations. */
	void *ctx;                             /**< Passed to every operation. */
	struct rvx_part_config cfg;            /**< As given. */
	struct rvx_part_task *tasks;           /**< Caller's task table. */
	uint32_t task_count;                   /**< Its entries. */
	uint32_t part_count;                   /**< Partitions created. */
	uint32_t active;                       /**< 1 from init to teardown. */
	uint32_t loaded_task[RVX_CONFIG_HYP_MAX_CPUS]; /**< Whose CPU state is live in each CPU (it runs there). */
	uint32_t shadow_task[RVX_CONFIG_HYP_MAX_CPUS]; /**< Whose saved state each CPU's registers still equal. */
	uint32_t loaded_part[RVX_CONFIG_HYP_MAX_CPUS]; /**< Whose stage-2 each CPU holds. */
	uint64_t cpu_loads;                    /**< CPU states loaded. */
	uint64_t vm_loads;                     /**< Stage-2 bases loaded. */
	uint64_t kicks;                        /**< CPUs kicked for a cross-CPU wake-up. */
	uint64_t epoch_started;                /**< When the open switch epoch began. */
	struct rvx_part_partition parts[RVX_CONFIG_PART_MAX_PARTITIONS]; /**< Partitions. */
	struct rvx_part_edge edges[RVX_CONFIG_PART_EDGES]; /**< Edges. */
	struct rvx_part_coh *coh;              /**< The coherence engine attached, or NULL
						    (`rvx_part_coherence_attach()`). */
	struct rvx_part_traffic_record traffic_last;  /**< The last epoch's traffic (several nodes). */
	struct rvx_part_traffic_record traffic_total; /**< Every closed epoch's, summed. */
	uint64_t traffic_epochs;               /**< Epochs summed there. */
};

/**
 * The witness kind of a lib/hyp event kind (the nucleus's named hypervisor
 * kinds; `RVX_HYP_WITNESS_KIND_BASE + kind` for those without a name).
 * @param kind an `enum rvx_hyp_event_kind`
 * @return the witness kind
 */
uint16_t rvx_part_witness_kind(uint16_t kind);

/**
 * The name of a fault cause, as console lines give it ("bad-pointer", ...).
 * @param cause an `enum rvx_part_cause`
 * @return its name ("?" for NONE or an unknown cause)
 */
const char *rvx_part_cause_name(uint32_t cause);

/**
 * Initialise the layer: no partitions, every CPU idle, the embedded lib/hyp
 * initialised with the policy and a sink that writes its events as witness
 * records. Everything is zeroed first.
 * @param[out] pl the state
 * @param cfg configuration (copied)
 * @param arch architecture operations (kept; every member set)
 * @param kern kernel operations (kept; every member but `trace` set)
 * @param ctx passed to every operation
 * @param tasks the task table, one entry per kernel task (zeroed here)
 * @param task_count its entries (1..65535)
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or operation, a task count out of
 *         range, more than `RVX_PART_DEVICES` devices, a device id above
 *         31 or an empty device range, an empty text range, epoch_ns 0, a
 *         reserved field set, a CPU count or policy lib/hyp refuses, or a
 *         node map that is not one: `node_count` above `cpu_count`, a CPU's
 *         node not below `node_count`, a node without a CPU, or a
 *         `cpu_node` entry set beyond `cpu_count` or with one node
 */
int rvx_part_init(struct rvx_part *pl, const struct rvx_part_config *cfg,
		  const struct rvx_part_arch_ops *arch, const struct rvx_part_kernel_ops *kern,
		  void *ctx, struct rvx_part_task *tasks, uint32_t task_count);

/**
 * Create a partition over private memory [@p mem, @p mem + @p mem_size):
 * its stage-2 tables built with the text (read + execute) and the memory
 * mapped and journaled, and its lib/hyp partition CREATED (PART_CREATE
 * record). Its index is the number of partitions created before it.
 * @param pl the state
 * @param vmid its VMID (unique; not 0)
 * @param mem its memory's first byte (4 KiB aligned)
 * @param mem_size bytes (a non-zero multiple of 4 KiB)
 * @param flags `RVX_PART_STOPPABLE` or 0: the end of its recovery ladder
 * @param[out] index its index
 * @retval 0 created
 * @retval -RVX_EINVAL a NULL pointer, VMID 0, an unknown flag, or a range that is empty,
 *         unaligned, wraps, or overlaps the text or another partition's memory
 * @retval -RVX_EEXIST a partition has this VMID
 * @retval -RVX_ENOMEM `RVX_CONFIG_PART_MAX_PARTITIONS` partitions exist
 * @retval -RVX_EPERM the layer was torn down
 * @retval other the port's stage-2 error: it could not build the tables
 *         (no partition was created)
 */
int rvx_part_create(struct rvx_part *pl, uint32_t vmid, uint64_t mem, uint64_t mem_size,
		    uint32_t flags, uint32_t *index);

/**
 * Create a partition with its own layout: the window [@p ipa, @p ipa +
 * @p size) is its memory as its tasks see it, and @p maps (each inside the
 * window, with the physical pages behind it in `pa`) are what its stage 2
 * maps, journaled in order. The configured shared text is not mapped into
 * it. Syscall pointers must lie wholly in the window or wholly in one of
 * its live mappings that is not a leased device (a region mapped with
 * `rvx_part_map_add()`, say) and, if the port gives `guest_check`, in
 * pages mapped with the access's permission. Otherwise as
 * `rvx_part_create()` (PART_CREATE record; index = partitions created before).
 * @param pl the state
 * @param vmid its VMID (unique; not 0)
 * @param ipa the window's first byte (4 KiB aligned)
 * @param size its bytes (a non-zero multiple of 4 KiB)
 * @param maps its mappings (copied)
 * @param count entries of @p maps (1..`RVX_CONFIG_PART_MAPS` - 1: one entry stays for leases)
 * @param flags `RVX_PART_STOPPABLE` or 0: the end of its recovery ladder
 * @param[out] index its index
 * @retval 0 created
 * @retval -RVX_EINVAL a NULL pointer, VMID 0, an unknown flag, a window that is empty, unaligned
 *         or wraps, a count out of range, or a mapping that is empty,
 *         unaligned, outside the window, marked dead or as a lease
 * @retval -RVX_EEXIST a partition has this VMID
 * @retval -RVX_ENOMEM `RVX_CONFIG_PART_MAX_PARTITIONS` partitions exist
 * @retval -RVX_EPERM the layer was torn down
 * @retval other the port's stage-2 error (no partition was created)
 */
int rvx_part_create_layout(struct rvx_part *pl, uint32_t vmid, uint64_t ipa, uint64_t size,
			   const struct rvx_part_map *maps, uint32_t count, uint32_t flags,
			   uint32_t *index);

/**
 * Map @p m into partition @p part's stage 2 and journal it (a region the
 * port maps into the partition's address space, say). Syscall pointers
 * stay checked against the partition's memory alone.
 * @param pl the state
 * @param part the partition
 * @param m the mapping (`pa` set; live, not a lease)
 * @retval 0 mapped
 * @retval -RVX_EINVAL @p pl or @p m is NULL, or @p m is empty, unaligned,
 *         wraps, dead or a lease
 * @retval -RVX_ENOENT @p part is not a partition
 * @retval -RVX_EPERM it was stopped for good
 * @retval -RVX_ELIMIT its mapping journal is full
 * @retval other the port's stage-2 error (nothing was journaled)
 */
int rvx_part_map_add(struct rvx_part *pl, uint32_t part, const struct rvx_part_map *m);

/**
 * Make kernel task @p task, which exists but has not run yet (one a mount
 * created), the task of the next slot of partition @p part: from its
 * first start it runs with its partition's CPU state. No spawn entry is
 * journaled (the root did not create it and cannot again), so the
 * partition cannot be reconstructed once it has adopted a task: its
 * ladder stops at task restarts.
 * @param pl the state
 * @param part the partition
 * @param task the kernel task
 * @param role its role (given to the port's task start)
 * @retval 0 adopted
 * @retval -RVX_EINVAL @p pl is NULL, or @p task is outside the task table
 * @retval -RVX_ENOENT @p part is not a partition
 * @retval -RVX_EEXIST @p task belongs to a partition already
 * @retval -RVX_EPERM it was stopped for good
 * @retval -RVX_ELIMIT its slots are full
 */
int rvx_part_adopt(struct rvx_part *pl, uint32_t part, uint32_t task, uint32_t role);

/**
 * Spawn a task into the next slot of partition @p part: the construction
 * journal records it first, then the root (task 0) spawns it with the
 * capabilities @p x; each child handle is published at @p where[i]
 * (`RVX_PART_NOWHERE`: nowhere) and returned in @p child. The task starts
 * with its partition's CPU state (`rvx_part_task_start()`).
 * @param pl the state
 * @param part the partition
 * @param role its role (given to the port's task start)
 * @param x the root's capabilities and the rights handed over
 * @param nx entries of @p x, @p where and @p child (0..`RVX_PART_SPAWN_CAPS`)
 * @param where where each child handle is published
 * @param[out] child the child's handles (may be NULL if @p nx is 0)
 * @param[out] task the new task's id
 * @retval 0 spawned
 * @retval -RVX_EINVAL a NULL pointer, or @p nx too large
 * @retval -RVX_ENOENT @p part is not a partition
 * @retval -RVX_EPERM it was stopped for good
 * @retval -RVX_ELIMIT its slots or its journal are full, or the kernel
 *         gave a task id outside the task table (the task was ended again)
 * @retval other the kernel's TaskSpawn error (nothing changed)
 */
int rvx_part_spawn(struct rvx_part *pl, uint32_t part, uint32_t role,
		   const struct rvx_syscall_capxfer *x, uint32_t nx, const uint16_t *where,
		   uint64_t *child, uint32_t *task);

/**
 * Connect partition @p from to @p to over the queue the root holds as
 * @p root_cap (a CommEdge; EDGE_CREATE record). @p sender, if not
 * `RVX_HYP_NONE`, may send on it with @p sender_cap; sends are counted.
 * @param pl the state
 * @param from the sending partition
 * @param to the receiving partition
 * @param root_cap the root's handle on the queue
 * @param sender a task of @p from, or `RVX_HYP_NONE`
 * @param sender_cap its handle on the queue
 * @param[out] edge the edge's index
 * @retval 0 created
 * @retval -RVX_EINVAL a NULL pointer, @p from is @p to, or @p sender is not a task of @p from
 * @retval -RVX_ENOENT a partition does not exist
 * @retval -RVX_ENOMEM `RVX_CONFIG_PART_EDGES` edges exist
 * @retval other the capability lookup's or lib/hyp's error
 */
int rvx_part_edge_create(struct rvx_part *pl, uint32_t from, uint32_t to, uint64_t root_cap,
			 uint32_t sender, uint64_t sender_cap, uint32_t *edge);

/**
 * Say that when @p task grants its handle @p cap to a task of another
 * partition, the receiver becomes a sender on @p edge and keeps the handle
 * at @p where.
 * @param pl the state
 * @param edge the edge
 * @param task the granting task
 * @param cap its handle on the edge's queue
 * @param where where the receiver keeps it
 * @retval 0 done
 * @retval -RVX_EINVAL @p pl is NULL
 * @retval -RVX_ENOENT @p edge does not exist
 */
int rvx_part_edge_set_grant(struct rvx_part *pl, uint32_t edge, uint32_t task, uint64_t cap,
			    uint16_t where);

/**
 * Lease device @p device (one of the configured ranges) to partition
 * @p part until @p now + @p ns: LEASE_GRANT record, the range mapped into
 * its stage-2 and journaled as a lease mapping.
 * @param pl the state
 * @param part the partition
 * @param device a configured device id
 * @param rights `RVX_HYP_LEASE_R` / `RVX_HYP_LEASE_W`
 * @param ns duration in nanoseconds (> 0)
 * @retval 0 granted
 * @retval -RVX_EINVAL @p pl is NULL, @p ns is 0, or bad rights
 * @retval -RVX_ENOENT @p part is not a partition, or @p device is not configured
 * @retval -RVX_ELIMIT its mapping journal is full
 * @retval other lib/hyp's grant error (-RVX_EBUSY: the device is leased;
 *         -RVX_EPERM: the partition is FAILED or
 *         STOPPED; ...), or the port's stage-2
 *         error (the lease was granted and revoked again, both witnessed)
 */
int rvx_part_lease_grant(struct rvx_part *pl, uint32_t part, uint32_t device, uint32_t rights,
			 uint64_t ns);

/**
 * Revoke partition @p part's last lease before it expires: LEASE_REVOKE
 * record, the range unmapped, its journal entry dead.
 * @param pl the state
 * @param part the partition
 * @retval 0 revoked
 * @retval -RVX_EINVAL @p pl is NULL
 * @retval -RVX_ENOENT @p part is not a partition
 * @retval -RVX_ESTALE its lease already ended (or it never had one)
 */
int rvx_part_lease_revoke(struct rvx_part *pl, uint32_t part);

/**
 * Checkpoint partition @p part: its memory copied aside by the port and the
 * copy's SHA-256 witnessed (`RVX_PART_WITNESS_CHECKPOINT`). Reconstruction
 * restores only a checkpoint whose digest still matches.
 * @param pl the state
 * @param part the partition
 * @retval 0 done
 * @retval -RVX_EINVAL @p pl is NULL
 * @retval -RVX_ENOENT @p part is not a partition
 * @retval other the port's snapshot error (no checkpoint recorded)
 */
int rvx_part_checkpoint(struct rvx_part *pl, uint32_t part);

/**
 * Suspend partition @p part: taken off every CPU (its CPU state saved on
 * @p cpu; a task running on another CPU is left to that CPU, which is
 * kicked and holds it when it next picks it), PART_SUSPEND record, and
 * every live task held (`hold_task`); a task that cannot be held now (it
 * waits in the kernel, or runs elsewhere) is held by `rvx_part_hold()` when
 * next picked.
 * @param pl the state
 * @param part the partition
 * @param cpu the calling CPU
 * @retval 0 suspended
 * @retval -RVX_EINVAL @p pl is NULL or @p cpu is out of range
 * @retval -RVX_ENOENT @p part is not a partition
 * @retval -RVX_EPERM it is not RUNNING
 */
int rvx_part_suspend(struct rvx_part *pl, uint32_t part, uint32_t cpu);

/**
 * Make CPU @p to partition @p part's home: every live task of it is moved
 * there with its queue waits and timers (`task_migrate`), later spawns go
 * there, and a MIGRATE record says from where, to where and how many tasks
 * (placing a partition without tasks is the same call). CPU @p to is kicked
 * so it runs them at once. Nothing changes if it is home already.
 * @param pl the state
 * @param part the partition
 * @param to its new home CPU
 * @param cpu the calling CPU (not kicked)
 * @retval 0 moved (or already there)
 * @retval -RVX_EINVAL @p pl is NULL, or @p to or @p cpu is out of range
 * @retval -RVX_ENOENT @p part is not a partition
 * @retval -RVX_EPERM it was stopped for good
 * @retval -RVX_EBUSY one of its tasks is running now (suspend it first, or retry)
 * @retval other the kernel's refusal of a task's move (nothing was moved)
 */
int rvx_part_migrate(struct rvx_part *pl, uint32_t part, uint32_t to, uint32_t cpu);

/**
 * Resume a CREATED or suspended partition: PART_RESUME record, its held
 * tasks released, the other CPUs kicked so they see them.
 * @param pl the state
 * @param part the partition
 * @param cpu the calling CPU (not kicked)
 * @retval 0 running
 * @retval -RVX_EINVAL @p pl is NULL
 * @retval -RVX_ENOENT @p part is not a partition
 * @retval -RVX_EPERM it is RUNNING or FAILED
 */
int rvx_part_resume(struct rvx_part *pl, uint32_t part, uint32_t cpu);

/**
 * Called when the scheduler picks @p task: if its partition is suspended
 * the task is held (and the caller picks again).
 * @param pl the state
 * @param task the task picked
 * @retval 1 held: pick another
 * @retval 0 run it
 * @retval -RVX_EBUSY its partition is suspended but the port could not hold it
 */
int rvx_part_hold(struct rvx_part *pl, uint32_t task);

/**
 * Called on every switch to @p task on @p cpu, and with `RVX_HYP_NONE` when
 * the CPU goes idle: for a partition task, its partition's stage-2 is
 * loaded if another's is, and its CPU state if another task's is. For a
 * kernel task or idleness the partition task that ran saves its CPU state
 * (so it may run anywhere next); the stage-2 stays loaded (VMID-tagged).
 * @param pl the state
 * @param cpu the CPU
 * @param task the task about to run, or `RVX_HYP_NONE`
 * @retval 1 a partition task's state is loaded
 * @retval 0 not a partition task
 * @retval -RVX_EPERM its partition is not RUNNING (it must not run)
 * @retval -RVX_EINVAL @p cpu is out of range
 */
int rvx_part_switch(struct rvx_part *pl, uint32_t cpu, uint32_t task);

/**
 * Called when @p task's frame is made afresh (first run, restart): its CPU
 * state is reset (`cpu_reset`), and what its entry needs is returned.
 * @param pl the state
 * @param task the task
 * @param[out] mem its partition's memory (the entry's first argument)
 * @param[out] role its role
 * @retval 1 a partition task: enter it with @p mem and @p role
 * @retval 0 not a partition task
 * @retval -RVX_EINVAL a NULL pointer
 */
int rvx_part_task_start(struct rvx_part *pl, uint32_t task, uint64_t *mem, uint32_t *role);

/**
 * Handle the trap @p cpu just took from partition task @p task: decode it
 * (`trap_decode`), then decide. A syscall whose structures or buffers are
 * not all in the partition's own memory is refused before the kernel sees
 * it (BAD_POINTER fault); task creation from a partition is refused
 * (-RVX_EPERM to the task); a syscall refused for its capability is a
 * CAPABILITY fault; a successful grant to another partition, region map or
 * send is journaled or counted (a send on a CommEdge kicks the receiving
 * partition's CPU if it is another). A stage-2 abort is classified (another
 * partition's memory, the kernel's, a device without or after its lease, a
 * permission fault, unmapped); every fault is witnessed and the recovery
 * ladder climbed until a rung works. Port-specific calls come back as
 * `RVX_PART_NEXT_CALL`.
 *
 * No rung ends a task that runs on another CPU: that CPU is on the task's
 * stack and context until it next enters the kernel, and an ended task's
 * index may be reused by the next TaskSpawn at once (by the rebuild itself).
 * So the reconstruction rung fails before it acts if a live task of the
 * partition other than @p task is loaded on a CPU, and so does the stop rung.
 *
 * The stop rung (a `RVX_PART_STOPPABLE` partition past restart,
 * reconstruction and roll back) decides first: every live task of the
 * partition must be one `task_exit_check` accepts and none may run on
 * another CPU, or the rung fails and the ladder goes on to reboot. Then it
 * ends each task through `task_exit` (code `RVX_PART_EXIT_STOPPED`: a
 * TASK_EXIT record each; the nucleus frees what they hold), unmaps its
 * leased devices, and lib/hyp destroys its edges, revokes its leases and
 * marks it STOPPED (EDGE_DESTROY, LEASE_REVOKE, then a RECOVERY record with
 * action STOP_PARTITION). Its memory and stage-2 tables stay as they are,
 * mapped by it alone and never given to another partition; the verdict is
 * `RVX_PART_NEXT_STOPPED`. A `task_exit` that fails after its check (the
 * kernel's journal filled up meanwhile) fails the rung.
 * @param pl the state
 * @param cpu the CPU
 * @param task the task that trapped
 * @param[out] v what to do next
 * @retval 0 decided
 * @retval -RVX_EINVAL a NULL pointer
 * @retval -RVX_ENOENT @p task is not a partition task (a port bug: nothing was done)
 */
int rvx_part_trap(struct rvx_part *pl, uint32_t cpu, uint32_t task, struct rvx_part_verdict *v);

/**
 * Check bytes [@p off, @p off + @p len) of @p task's partition (region
 * @p region) against its checkpoint; a difference is a REGION fault, and
 * the ladder rolls it back.
 * @param pl the state
 * @param task the asking task
 * @param region the region's number (the ladder's ROLLBACK names it)
 * @param off offset in the partition's memory
 * @param len bytes
 * @param[out] v what to do next (`ret` 0 intact, 1 repaired)
 * @retval 0 decided
 * @retval -RVX_EINVAL a NULL pointer, or a range outside the partition's memory
 * @retval -RVX_ENOENT @p task is not a partition task
 */
int rvx_part_region_check(struct rvx_part *pl, uint32_t task, uint32_t region, uint64_t off,
			  uint64_t len, struct rvx_part_verdict *v);

/**
 * End @p task for good (through `task_exit`): it is never rebuilt. For the
 * task that trapped on the calling CPU, which switches away from it before
 * another CPU may reuse its index (a port's `task_exit` refuses a task
 * another CPU runs).
 * @param pl the state
 * @param task the task
 * @param code its exit code
 * @retval 0 ended
 * @retval -RVX_EINVAL @p pl is NULL
 * @retval -RVX_ENOENT @p task is not a live partition task
 * @retval other the kernel's exit error (nothing changed)
 */
int rvx_part_task_end(struct rvx_part *pl, uint32_t task, int32_t code);

/**
 * Bring every CommEdge's traffic up to date from the kernel's own per-queue
 * counts (kernel op `queue_traffic`): a message is counted once, by the
 * kernel, and the edges take the difference since they last looked.
 * rvx_part_tick() does this each tick; call it before reading the edges.
 * @param pl the layer
 * @retval 0 done
 * @retval -RVX_EINVAL @p pl is NULL
 */
int rvx_part_traffic_sync(struct rvx_part *pl);

/**
 * Timer tick: leases due are expired (LEASE_EXPIRE records) and unmapped;
 * once per epoch, if a partition switch happened or a CommEdge carried
 * traffic in it, the epoch closes: its switches and traffic are summarised
 * in one record (and, with several nodes, a TRAFFIC record). With a
 * coherence engine attached (ruvix/part_coh.h), each epoch closed here is
 * fed to it and its placement witnessed and carried out, and a move it
 * placed that was refused before is tried again at every tick.
 * @param pl the state
 * @param now current time
 * @return leases expired (>= 0)
 * @retval -RVX_EINVAL @p pl is NULL
 */
int rvx_part_tick(struct rvx_part *pl, uint64_t now);

/**
 * Tear everything down: every CPU idle, the switch epoch closed, each
 * partition (but a stopped one) suspended (unless it is already) and
 * resumed once more, edges destroyed, tasks ended, partitions destroyed
 * (all witnessed). The layer is inactive afterwards
 * (`rvx_part_switch()` and `rvx_part_task_start()` ignore every task).
 * No partition task may be running on a CPU other than @p cpu: an ended
 * task's index can be reused by the next TaskSpawn at once, while that CPU
 * is still on the task's stack until it next enters the kernel. So the
 * caller suspends the partitions first (a task running elsewhere is held
 * when its CPU, which is kicked, next picks it) and tries again while this
 * refuses.
 * @param pl the state
 * @param cpu the calling CPU
 * @retval 0 done
 * @retval -RVX_EINVAL @p pl is NULL or @p cpu is out of range
 * @retval -RVX_EPERM already torn down
 * @retval -RVX_EBUSY a partition task runs on another CPU now (nothing changed)
 * @retval other the first step's error (later steps were not tried)
 */
int rvx_part_teardown(struct rvx_part *pl, uint32_t cpu);

/**
 * Would rvx_part_teardown() on @p cpu start now? Its checks, changing nothing.
 * @param pl the state
 * @param cpu the calling CPU
 * @retval 0 it would
 * @retval -RVX_EINVAL @p pl is NULL or @p cpu is out of range
 * @retval -RVX_EPERM already torn down
 * @retval -RVX_EBUSY a partition task runs on another CPU now
 */
int rvx_part_teardown_check(const struct rvx_part *pl, uint32_t cpu);

/**
 * The partition @p task belongs to.
 * @param pl the state
 * @param task the task
 * @return its index (>= 0)
 * @retval -RVX_ENOENT not a partition task (or @p pl is NULL)
 */
int rvx_part_of(const struct rvx_part *pl, uint32_t task);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_PART_H */
