/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file sched.h
 * @brief The scheduler: task control blocks, per-CPU run queues, partition
 *        time budgets, earliest-deadline-first order with novelty, cut
 *        pressure and risk terms, and deadline-miss accounting.
 *
 * One `struct rvx_sched` holds every task's control block (`struct
 * rvx_task`) and, for each CPU, one run queue per partition. All storage
 * comes from the caller; all state in it is indices, never pointers, so the
 * storage is checkpointed as plain bytes. The library never reads a clock:
 * every call that needs the time takes `now` (nanoseconds, `uint64_t`) from
 * the caller, so the same code runs on the port's real clock or on its
 * deterministic virtual clock.
 *
 * Order of use:
 * 1. Size the storage with rvx_sched_storage_size() (or the constant
 *    RVX_SCHED_STORAGE_SIZE(); RVX_SCHED_DEFINE() declares it statically)
 *    and call rvx_sched_init(). Give partitions budgets with
 *    rvx_sched_partition_set_budget() (by default a partition is unlimited).
 * 2. rvx_sched_task_create() makes a task, BLOCKED, on a CPU and partition.
 *    rvx_sched_task_wake() makes it READY with the deadline now + its
 *    relative deadline.
 * 3. Each CPU loops: rvx_sched_pick() takes the best READY task of that CPU
 *    and marks it RUNNING; when it stops running the CPU hands it back with
 *    exactly one of rvx_sched_put() (preempted: same deadline),
 *    rvx_sched_yield() (its job is done: next deadline now + relative),
 *    rvx_sched_task_block() (waits for an event; rvx_sched_task_wake() later)
 *    or rvx_sched_task_exit(). Each of them charges the time it ran to its
 *    partition's budget on that CPU. rvx_sched_put_pick() is a put or yield
 *    and the next pick in one call, O(1) when the task keeps the CPU.
 * 4. rvx_sched_task_exit() makes a task DEAD (in no queue; its id still
 *    answers rvx_sched_task_info()); once the embedder has released the
 *    task's capabilities, timers and stack, rvx_sched_task_free() returns
 *    the control block, and the id becomes stale.
 * Inputs to the order can be given at any time: rvx_sched_task_observe()
 * (novelty), rvx_sched_task_set_cut_pressure(), rvx_sched_task_set_risk();
 * rvx_sched_task_migrate() moves a task that is not running to another CPU
 * or partition.
 *
 * Task states and the calls that move between them:
 * @verbatim
 *   FREE --create--> BLOCKED --wake--> READY --pick--> RUNNING
 *   RUNNING --put/yield--> READY     RUNNING --block--> BLOCKED
 *   READY --block--> BLOCKED         READY/RUNNING/BLOCKED --exit--> DEAD
 *   DEAD --free--> FREE (the generation moves on: old ids are stale)
 * @endverbatim
 *
 * Order (the score). Every READY task has an effective deadline key
 * @verbatim
 *   key = sat(deadline - novelty_boost - pressure_boost - urgency_boost + risk_penalty)
 *   novelty_boost  = novelty (in [0,1], Q16.16)     x RVX_SCHED_NOVELTY_BOOST_MAX_NS
 *   pressure_boost = cut_pressure (in [0,1], Q16.16) x RVX_SCHED_PRESSURE_BOOST_MAX_NS
 *   urgency_boost  = urgency (0..255) / 255           x RVX_SCHED_URGENCY_BOOST_MAX_NS
 *   risk_penalty   = risk (in [0,1], Q16.16)         x RVX_SCHED_RISK_PENALTY_MAX_NS
 * @endverbatim
 * (subtraction saturates at 0, addition at UINT64_MAX). The score of the
 * specification, deadline urgency + novelty boost - structural risk, is
 * `-key`: a task is picked before another when its key is smaller, or the
 * keys are equal and it was enqueued earlier (FIFO among equal keys). Within
 * a CPU this is EDF on the key; across the partitions of a CPU the heads of
 * the eligible partitions (see budgets) are compared by the same (key,
 * enqueue order) rule, so equal keys are FIFO across partitions too.
 *
 * Ties. Each CPU numbers the entries put into its run queues with a 32-bit
 * counter (`enqueue_seq` of `struct rvx_sched_cpu`); the number is kept in
 * the heap entry (`seq` of `struct rvx_sched_hent`). rvx_sched_task_wake(),
 * rvx_sched_yield() and rvx_sched_task_migrate() of a READY task (a new
 * arrival in the destination queue, even on the same CPU) take a fresh
 * number, so they go after every READY task of equal key: two tasks of the
 * same relative deadline that yield alternate even when `now` does not move
 * (as on a virtual clock that stands still while tasks run).
 * rvx_sched_put() (preemption) gives the task back the number it had when
 * it was picked, so it does not fall behind equal-key tasks that were
 * already behind it. Changing a READY task's inputs
 * (rvx_sched_task_observe(), rvx_sched_task_set_cut_pressure(),
 * rvx_sched_task_set_risk()) moves it by its new key but keeps its number;
 * budget refills move no entry. Numbers are compared modulo 2^32
 * (`(int32_t)(a - b) < 0`), which is exact while the READY entries of a CPU
 * were numbered fewer than 2^31 enqueues apart on that CPU (a task put
 * back counts with the number it was picked with). A task that stays READY
 * for longer (only a task whose key keeps it behind everything else can)
 * may then be ordered out of FIFO among tasks of exactly its key;
 * the order by key, and determinism, are never affected. The counter is part
 * of the state, so every run with the same calls picks the same tasks and
 * leaves the same bytes.
 *
 * Partition budgets. Each partition has a budget: nanoseconds of run time
 * per period (`period_ns`, one period for the whole scheduler, kept per
 * CPU). Every CPU grants every partition its own budget per period. Time a
 * task ran is charged to its partition on that CPU when it is handed back.
 * A partition whose budget on a CPU is spent is not eligible there: its
 * tasks wait while any partition that has budget left has a READY task.
 * Budgets are refilled (all partitions of the CPU back to their full
 * budget) by rvx_sched_pick() when either (a) the CPU's period has ended
 * (now >= period start + period; the period start moves on by whole
 * periods) or (b) the CPU has READY tasks but none in a partition with
 * budget left, so a CPU never idles while a task is ready (the new period
 * then starts at `now`). Since every budget is at least 1 ns and every
 * refill makes every partition eligible, a partition with a READY task
 * waits at most until the end of the current period.
 *
 * No starvation. A task that is picked, or handed back, after its deadline
 * has passed is counted (once per deadline) in its `deadline_misses` and in
 * the CPU's, reported by the RVX_SCHED_PICK_MISSED flag of rvx_sched_pick(),
 * and still runs. It is not pushed back: its key stays at most deadline +
 * RVX_SCHED_RISK_PENALTY_MAX_NS, while a task woken at time `t` has a key of
 * at least t - RVX_SCHED_NOVELTY_BOOST_MAX_NS - RVX_SCHED_PRESSURE_BOOST_MAX_NS.
 * So once `now` exceeds the missed deadline by the sum of the three maxima
 * (RVX_SCHED_STARVATION_SLACK_NS), no newly woken task can precede it, and
 * with its partition's budget refilled at the latest at the end of the
 * period, it is picked after at most the tasks that were already ahead.
 *
 * Novelty. A task keeps a summary of what it has seen: a sketch of
 * RVX_SCHED_SKETCH_DIM floats. An input vector x of any dimension is folded
 * into a sketch by s[i mod D] += x[i] / max|x| and the sketch is then scaled
 * to unit length (D = RVX_SCHED_SKETCH_DIM). rvx_sched_task_observe() adds
 * the unit sketch to the task's pending input P (a sum) and sets
 * @verbatim
 *   novelty = clamp(1 - cos(P, S), 0, 1)     (1 when S is empty or P or S is ~0)
 * @endverbatim
 * where S is the summary. When the task is picked, its pending input is
 * merged: S = P/|P| if S was empty, else S = (1 - 1/8) S + (1/8) P/|P|; P
 * is cleared and novelty returns to 0. So input unlike anything the task has
 * seen moves it up by up to RVX_SCHED_NOVELTY_BOOST_MAX_NS, and input it
 * keeps seeing does not. Everything is computed in single precision without
 * libm, in a fixed order, so the same inputs give the same keys.
 *
 * Time base. Times are `uint64_t` nanoseconds since an epoch the embedder
 * chooses (the boot of its clock); they do not wrap in 584 years, so they
 * are compared as plain unsigned numbers, and every sum saturates at
 * UINT64_MAX (a deadline of UINT64_MAX means "never"). `now` should not go
 * backwards on one CPU; if it does, nothing breaks, but budgets and misses
 * are judged against the smaller value.
 *
 * Errors: every mutating call validates everything first and changes no
 * byte of the scheduler or its storage when it fails (check, then commit).
 * A task id is a handle (index, generation): an index beyond the task count
 * is -RVX_EINVAL, a FREE slot or a generation that has moved on is
 * -RVX_ESTALE, and a call the task's state does not allow is -RVX_EBUSY.
 *
 * Concurrency: the library takes no locks. The calls that name a CPU
 * (rvx_sched_pick(), rvx_sched_put(), rvx_sched_yield(), rvx_sched_put_pick(), and
 * rvx_sched_task_block() or rvx_sched_task_exit() of the task RUNNING on
 * that CPU) touch only that CPU's run queues, its counters and the task, so
 * each CPU may make them without a lock as long as nothing else touches
 * that CPU's queues at the same time. Every other mutating call
 * (create, wake, block or exit of a task that is not running there, migrate,
 * observe and the setters of a READY task, free, set_budget) may touch
 * another CPU's queues or the shared free list: the embedder serialises
 * those against each other and against the CPU whose queues they touch,
 * for example with one lock taken by every CPU around its scheduler calls
 * whenever cross-CPU calls are possible. Read-only calls return snapshots.
 */
#ifndef RUVIX_SCHED_H
#define RUVIX_SCHED_H

#include "ruvix/cap.h"
#include "ruvix/config.h"
#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"
/* The timers are part of this library: one header names all of it (and the
 * umbrella header, which lists one header per library, gets both). */
#include "ruvix/timer.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Index value meaning "none" in every index field. */
#define RVX_SCHED_NIL UINT32_MAX

/** Floats in a novelty sketch (the summary and the pending input). */
#define RVX_SCHED_SKETCH_DIM 16

/** Largest input vector rvx_sched_task_observe() accepts (elements). */
#define RVX_SCHED_OBSERVE_DIM_MAX ((uint32_t)1u << 20)

/** Most CPUs one scheduler serves. */
#define RVX_SCHED_CPUS_MAX 256u
/** Most partitions one scheduler serves (the specification's limit). */
#define RVX_SCHED_PARTITIONS_MAX 256u
/** Most tasks one scheduler serves. */
#define RVX_SCHED_TASKS_MAX ((uint32_t)1u << 24)

/** The value 1.0 of the Q16.16 inputs (novelty, cut pressure, risk). */
#define RVX_SCHED_Q16_ONE ((uint32_t)0x10000u)

/** Budget value meaning "never exhausted". */
#define RVX_SCHED_BUDGET_UNLIMITED UINT64_MAX

#ifndef RVX_SCHED_NOVELTY_BOOST_MAX_NS
/** How far (ns) full novelty moves a task's key earlier. */
#define RVX_SCHED_NOVELTY_BOOST_MAX_NS ((uint64_t)1000000u)
#endif
#ifndef RVX_SCHED_PRESSURE_BOOST_MAX_NS
/** How far (ns) full cut pressure moves a task's key earlier. */
#define RVX_SCHED_PRESSURE_BOOST_MAX_NS ((uint64_t)1000000u)
#endif
#ifndef RVX_SCHED_RISK_PENALTY_MAX_NS
/** How far (ns) full structural risk moves a task's key later. */
#define RVX_SCHED_RISK_PENALTY_MAX_NS ((uint64_t)1000000u)
#endif

#ifndef RVX_SCHED_URGENCY_BOOST_MAX_NS
/** How far (ns) the highest urgency (255) moves a task's key earlier. */
#define RVX_SCHED_URGENCY_BOOST_MAX_NS ((uint64_t)1000000u)
#endif
/** Highest task urgency (rvx_sched_task_set_urgency()). */
#define RVX_SCHED_URGENCY_MAX 255u

/**
 * After its deadline has passed by this much, a READY task precedes every
 * task woken from then on (see "No starvation" above).
 */
#define RVX_SCHED_STARVATION_SLACK_NS                                          \
	(RVX_SCHED_NOVELTY_BOOST_MAX_NS + RVX_SCHED_PRESSURE_BOOST_MAX_NS +   \
	 RVX_SCHED_URGENCY_BOOST_MAX_NS + RVX_SCHED_RISK_PENALTY_MAX_NS)

_Static_assert(RVX_SCHED_NOVELTY_BOOST_MAX_NS <= ((uint64_t)1 << 40) &&
		       RVX_SCHED_PRESSURE_BOOST_MAX_NS <= ((uint64_t)1 << 40) &&
		       RVX_SCHED_RISK_PENALTY_MAX_NS <= ((uint64_t)1 << 40) &&
		       RVX_SCHED_URGENCY_BOOST_MAX_NS <= ((uint64_t)1 << 40),
	       "score terms are at most 2^40 ns, so Q16.16 products cannot overflow");

/** Flag from rvx_sched_pick(): the picked task's deadline had already passed. */
#define RVX_SCHED_PICK_MISSED ((uint32_t)1u << 0)
/** Flag from rvx_sched_pick(): this pick refilled the CPU's partition budgets. */
#define RVX_SCHED_PICK_REFILLED ((uint32_t)1u << 1)

/** State of a task control block. Values are ABI. */
enum rvx_task_state {
	RVX_TASK_FREE = 0,    /**< The control block is unused. */
	RVX_TASK_READY = 1,   /**< In its CPU's run queue. */
	RVX_TASK_RUNNING = 2, /**< Picked; running on its CPU. */
	RVX_TASK_BLOCKED = 3, /**< Waiting for rvx_sched_task_wake(). */
	RVX_TASK_DEAD = 4,    /**< Exited; waiting for rvx_sched_task_free(). */
};

/** Task flag: the current deadline's miss has been counted. */
#define RVX_TASK_F_MISSED ((uint8_t)1u << 0)
/** Task flag: the novelty summary holds at least one merged input. */
#define RVX_TASK_F_SUMMARY ((uint8_t)1u << 1)

/**
 * A task control block: the kernel's record of one task, owned by the
 * scheduler (232 bytes). The task's index is its position in the
 * scheduler's task array; its id is rvx_handle_make(index, gen). Fields are
 * read through rvx_sched_task_info() and written only by the library.
 */
struct rvx_task {
	uint64_t deadline;         /**< Absolute deadline of the current job (ns). */
	uint64_t rel_deadline;     /**< Relative deadline / period: wake and yield add it to now. */
	uint64_t key;              /**< Effective deadline key (see the file comment); valid while READY. */
	uint64_t novelty_boost_ns; /**< Current novelty boost, novelty x RVX_SCHED_NOVELTY_BOOST_MAX_NS. */
	uint64_t runs;             /**< Times picked. */
	uint64_t last_run;         /**< `now` of the last pick (0 before the first). */
	uint64_t total_run_ns;     /**< Run time charged so far (saturating). */
	uint64_t port_ctx;         /**< The port's word: its saved-context pointer or index. Opaque here. */
	uint32_t gen;              /**< Generation of the id; never 0; moves on at free. */
	uint32_t link;             /**< FREE: index of the next FREE block, or NIL; otherwise NIL. */
	uint32_t cap_table;        /**< Index of the task's capability table (given at create). */
	uint32_t deadline_misses;  /**< Deadlines missed (saturating). */
	uint32_t cut_pressure;     /**< Cut pressure input, Q16.16 in [0, 1]. */
	uint32_t risk;             /**< Structural risk input, Q16.16 in [0, 1]. */
	uint32_t novelty;          /**< Novelty of the pending input, Q16.16 in [0, 1]. */
	uint32_t pending_count;    /**< Inputs observed since the last pick (saturating). */
	uint16_t cpu;              /**< CPU whose run queues the task belongs to. */
	uint16_t partition;        /**< Partition the task belongs to. */
	uint8_t state;             /**< `enum rvx_task_state`. */
	uint8_t flags;             /**< RVX_TASK_F_* bits. */
	uint8_t urgency;           /**< Urgency 0..255 (0 at create): a key boost, see the file comment. */
	uint8_t reserved;          /**< Zero. */
	float summary[RVX_SCHED_SKETCH_DIM]; /**< Running summary S of merged inputs. */
	float pending[RVX_SCHED_SKETCH_DIM]; /**< Pending input P: sum of unit sketches since the last pick. */
};

_Static_assert(sizeof(struct rvx_task) == 232, "a task control block is 232 bytes");
_Static_assert(RVX_SCHED_CPUS_MAX <= 65536u && RVX_SCHED_PARTITIONS_MAX <= 65536u,
	       "cpu and partition fit the control block's 16-bit fields");

/** Kernel memory per task: its control block and its capability table (bytes). */
#define RVX_SCHED_TASK_KERNEL_BYTES                                            \
	(sizeof(struct rvx_task) + RVX_CAP_TABLE_BYTES(RVX_CONFIG_CAP_SLOTS_PER_TASK))

_Static_assert(RVX_SCHED_TASK_KERNEL_BYTES <= 1024,
	       "a task's control block and capability table fit in 1 KiB");

/**
 * One run queue: the READY tasks of one partition on one CPU, kept as a
 * binary min-heap of (key, enqueue number) entries in the scheduler's
 * storage.
 */
struct rvx_sched_rq {
	uint64_t budget_left; /**< Run time left in this period (ns); RVX_SCHED_BUDGET_UNLIMITED: never spent. */
	uint32_t count;       /**< READY tasks in the heap. */
	uint32_t members;     /**< Tasks of this CPU and partition that are READY, RUNNING or BLOCKED. */
	uint32_t elig_pos;    /**< Position in the CPU's heap of eligible partitions, or NIL. */
	uint32_t reserved;    /**< Zero. */
};

/**
 * One entry of a run queue's heap (16 bytes): the task's key and enqueue
 * number beside its index, so that keeping the heap in order reads only the
 * heap's lines.
 */
struct rvx_sched_hent {
	uint64_t key;  /**< The task's key (equal to its control block's `key`). */
	uint32_t task; /**< Task index. */
	uint32_t seq;  /**< Enqueue number from the CPU's `enqueue_seq`: breaks key ties, FIFO. */
};

/** Per-CPU state: the running task, the period and counters (one cache line). */
struct rvx_sched_cpu {
	uint64_t period_start;    /**< Start of the CPU's current budget period. */
	uint64_t picks;           /**< Successful picks. */
	uint64_t deadline_misses; /**< Deadline misses counted on this CPU. */
	uint64_t refills;         /**< Budget refills. */
	uint32_t running;         /**< Index of the RUNNING task, or NIL when idle. */
	uint32_t ready;           /**< READY tasks in this CPU's run queues. */
	uint32_t eligible;        /**< Partitions in the eligible heap (READY tasks and budget left). */
	uint32_t enqueue_seq;     /**< Next enqueue number for this CPU's run queues (wraps). */
	uint32_t running_seq;     /**< Enqueue number the RUNNING task had when picked (for rvx_sched_put()). */
	uint32_t reserved[3];     /**< Zero; pads to 64 bytes. */
};

_Static_assert(sizeof(struct rvx_sched_rq) == 24, "a run queue is 24 bytes");
_Static_assert(sizeof(struct rvx_sched_hent) == 16, "a heap entry is 16 bytes");
_Static_assert(sizeof(struct rvx_sched_cpu) == 64, "per-CPU state is 64 bytes");

/**
 * A scheduler. The structure holds the caller's storage binding and sizes;
 * the state lives in the storage, apart from `free_head` and `live`.
 */
struct rvx_sched {
	struct rvx_task *tasks;      /**< task_count control blocks. */
	struct rvx_sched_cpu *cpus;  /**< cpu_count per-CPU records. */
	struct rvx_sched_rq *rqs;    /**< cpu_count x partition_count run queues (CPU-major). */
	uint64_t *budgets;           /**< partition_count budgets (ns per period). */
	uint32_t *elig;              /**< cpu_count heaps of partition_count partition indices. */
	uint32_t *pos;               /**< task_count heap positions: READY task's place in its heap, else NIL. */
	struct rvx_sched_hent *heaps; /**< One heap of heap_cap entries per run queue. */
	uint64_t period_ns;          /**< Budget period (ns). */
	uint32_t task_count;         /**< Number of control blocks. */
	uint32_t cpu_count;          /**< Number of CPUs. */
	uint32_t partition_count;    /**< Number of partitions. */
	uint32_t heap_cap;           /**< Most tasks per (CPU, partition). */
	uint32_t free_head;          /**< First FREE control block, or NIL. */
	uint32_t live;               /**< Control blocks that are not FREE. */
};

/**
 * Storage bytes for a scheduler, as a constant expression (no overflow
 * check: use rvx_sched_storage_size() for run-time values).
 * @param tasks task control blocks
 * @param cpus CPUs
 * @param parts partitions
 * @param heap_cap most tasks per (CPU, partition)
 */
#define RVX_SCHED_STORAGE_SIZE(tasks, cpus, parts, heap_cap)                   \
	((size_t)(tasks) * sizeof(struct rvx_task) +                           \
	 (size_t)(cpus) * sizeof(struct rvx_sched_cpu) +                       \
	 (size_t)(cpus) * (size_t)(parts) * sizeof(struct rvx_sched_rq) +      \
	 (size_t)(parts) * sizeof(uint64_t) +                                  \
	 ((((size_t)(cpus) * (size_t)(parts) + (size_t)(tasks)) * sizeof(uint32_t) + \
	   7u) & ~(size_t)7u) +                                                \
	 (size_t)(cpus) * (size_t)(parts) * (size_t)(heap_cap) *                 \
	 sizeof(struct rvx_sched_hent))

/** Alignment the storage must have (bytes). */
#define RVX_SCHED_STORAGE_ALIGN 8u

/**
 * Declare static storage and a scheduler object for it. Then call
 * `rvx_sched_init(&name, name##_storage, sizeof(name##_storage), tasks,
 * cpus, parts, heap_cap, period_ns)`.
 * @param name name of the `struct rvx_sched` variable
 * @param tasks task control blocks
 * @param cpus CPUs
 * @param parts partitions
 * @param heap_cap most tasks per (CPU, partition)
 */
#define RVX_SCHED_DEFINE(name, tasks, cpus, parts, heap_cap)                   \
	_Static_assert((tasks) >= 1 && (tasks) <= RVX_SCHED_TASKS_MAX &&       \
			       (cpus) >= 1 && (cpus) <= RVX_SCHED_CPUS_MAX &&  \
			       (parts) >= 1 &&                                 \
			       (parts) <= RVX_SCHED_PARTITIONS_MAX &&          \
			       (heap_cap) >= 1 && (heap_cap) <= (tasks),       \
		       "scheduler sizes out of range");                        \
	static alignas(RVX_CONFIG_CACHE_LINE) uint64_t name##_storage          \
		[(RVX_SCHED_STORAGE_SIZE(tasks, cpus, parts, heap_cap) + 7u) / 8u]; \
	static struct rvx_sched name

/** Counters and state counts summed over a scheduler (rvx_sched_stats()). */
struct rvx_sched_stats {
	uint64_t picks;           /**< Successful picks, all CPUs. */
	uint64_t deadline_misses; /**< Deadline misses, all CPUs. */
	uint64_t refills;         /**< Budget refills, all CPUs. */
	uint32_t free;            /**< FREE control blocks. */
	uint32_t ready;           /**< READY tasks. */
	uint32_t running;         /**< RUNNING tasks. */
	uint32_t blocked;         /**< BLOCKED tasks. */
	uint32_t dead;            /**< DEAD tasks. */
	uint32_t reserved;        /**< Zero. */
};

/**
 * Storage bytes a scheduler of these sizes needs.
 * @param task_count task control blocks (1..RVX_SCHED_TASKS_MAX)
 * @param cpu_count CPUs (1..RVX_SCHED_CPUS_MAX)
 * @param partition_count partitions (1..RVX_SCHED_PARTITIONS_MAX)
 * @param heap_cap most tasks one (CPU, partition) pair may hold (1..task_count)
 * @return the size in bytes, or 0 if a size is out of range
 */
size_t rvx_sched_storage_size(uint32_t task_count, uint32_t cpu_count,
			      uint32_t partition_count, uint32_t heap_cap);

/**
 * Initialise a scheduler on caller storage: every task FREE, every CPU idle,
 * every partition unlimited, every period starting at 0.
 * @param[out] s the scheduler
 * @param storage at least rvx_sched_storage_size() bytes, aligned to RVX_SCHED_STORAGE_ALIGN
 * @param storage_size bytes at @p storage
 * @param task_count task control blocks
 * @param cpu_count CPUs
 * @param partition_count partitions
 * @param heap_cap most tasks (READY, RUNNING or BLOCKED) one (CPU, partition) pair may hold;
 *        task_count for no limit. Each run queue reserves heap_cap indices.
 * @param period_ns budget period, at least 1
 * @retval 0 success
 * @retval -RVX_EINVAL a pointer is NULL or misaligned, or a size or the period is out of range
 * @retval -RVX_ENOMEM @p storage_size is too small
 */
int rvx_sched_init(struct rvx_sched *s, void *storage, size_t storage_size,
		   uint32_t task_count, uint32_t cpu_count, uint32_t partition_count,
		   uint32_t heap_cap, uint64_t period_ns);

/**
 * Set a partition's budget per period, on every CPU; each CPU's remaining
 * budget for the partition is reset to the new budget.
 * @param s the scheduler
 * @param partition partition index
 * @param budget_ns run time per period, at least 1; RVX_SCHED_BUDGET_UNLIMITED for no limit
 * @retval 0 success
 * @retval -RVX_EINVAL @p partition is out of range or @p budget_ns is 0
 */
int rvx_sched_partition_set_budget(struct rvx_sched *s, uint32_t partition, uint64_t budget_ns);

/**
 * Create a task, BLOCKED, on a CPU and partition. Its inputs (novelty, cut
 * pressure, risk) start at 0 and its counters at 0.
 * @param s the scheduler
 * @param cpu CPU
 * @param partition partition
 * @param rel_deadline_ns relative deadline (and period), at least 1
 * @param cap_table index of the task's capability table, kept for the embedder
 * @param[out] out the new task's id
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL, @p cpu or @p partition is out of range, or @p rel_deadline_ns is 0
 * @retval -RVX_ELIMIT no control block is free, or the (CPU, partition) pair holds heap_cap tasks
 */
int rvx_sched_task_create(struct rvx_sched *s, uint32_t cpu, uint32_t partition,
			  uint64_t rel_deadline_ns, uint32_t cap_table, rvx_handle_t *out);

/**
 * Would rvx_sched_task_wake() succeed? The same checks, changing nothing.
 * @param s the scheduler
 * @param id the task
 * @retval 0 it would
 * @retval -RVX_EINVAL the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is not BLOCKED
 */
int rvx_sched_task_wake_check(const struct rvx_sched *s, rvx_handle_t id);

/**
 * Make a BLOCKED task READY, with the deadline now + its relative deadline
 * (saturating) and a fresh enqueue number (after READY tasks of equal key).
 * @param s the scheduler
 * @param id the task
 * @param now current time (ns)
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is not BLOCKED
 */
int rvx_sched_task_wake(struct rvx_sched *s, rvx_handle_t id, uint64_t now);

/**
 * Would rvx_sched_task_block() succeed? The same checks, changing nothing.
 * @param s the scheduler
 * @param id the task
 * @retval 0 it would
 * @retval -RVX_EINVAL the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is BLOCKED or DEAD
 */
int rvx_sched_task_block_check(const struct rvx_sched *s, rvx_handle_t id);

/**
 * Block a RUNNING or READY task. A RUNNING task is handed back by its CPU
 * as with rvx_sched_put() (its run time charged, a missed deadline
 * counted), and its CPU becomes idle; for a READY task @p now and
 * @p ran_ns are not used.
 * @param s the scheduler
 * @param id the task
 * @param now current time (ns)
 * @param ran_ns time the task ran since it was picked
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is BLOCKED or DEAD
 */
int rvx_sched_task_block(struct rvx_sched *s, rvx_handle_t id, uint64_t now, uint64_t ran_ns);

/**
 * Pick the next task on a CPU: the READY task with the smallest key among
 * the partitions eligible there (refilling budgets first when the rules in
 * the file comment say so). It becomes RUNNING, its `runs` count grows, its
 * `last_run` becomes @p now, a passed deadline is counted, and its pending
 * novelty input is merged into its summary.
 * @param s the scheduler
 * @param cpu the CPU, which must be idle
 * @param now current time (ns)
 * @param[out] out the picked task's id
 * @param[out] out_flags RVX_SCHED_PICK_* bits; may be NULL
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL or @p cpu is out of range
 * @retval -RVX_EBUSY a task is RUNNING on @p cpu
 * @retval -RVX_EEMPTY no task is READY on @p cpu
 */
int rvx_sched_pick(struct rvx_sched *s, uint32_t cpu, uint64_t now, rvx_handle_t *out,
		   uint32_t *out_flags);

/**
 * Hand back a preempted task: RUNNING to READY with the same deadline and
 * the enqueue number it had when picked, so among tasks of equal key it is
 * still ahead of those that were behind it. Its run time is charged to its
 * partition on the CPU and a passed deadline is counted; the CPU becomes
 * idle.
 * @param s the scheduler
 * @param cpu the CPU the task runs on
 * @param id the task
 * @param now current time (ns)
 * @param ran_ns time the task ran since it was picked
 * @retval 0 success
 * @retval -RVX_EINVAL @p cpu or the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is not RUNNING on @p cpu
 */
int rvx_sched_put(struct rvx_sched *s, uint32_t cpu, rvx_handle_t id, uint64_t now,
		  uint64_t ran_ns);

/**
 * Hand back a task that gave up the CPU: as rvx_sched_put(), but its job is
 * over, so its next deadline is now + its relative deadline (saturating),
 * and it takes a fresh enqueue number. Of two tasks with the same relative
 * deadline, the yielding one thus goes after the other, also when `now`
 * has not moved since the other was enqueued (equal keys are FIFO).
 * @param s the scheduler
 * @param cpu the CPU the task runs on
 * @param id the task
 * @param now current time (ns)
 * @param ran_ns time the task ran since it was picked
 * @retval 0 success
 * @retval -RVX_EINVAL @p cpu or the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is not RUNNING on @p cpu
 */
int rvx_sched_yield(struct rvx_sched *s, uint32_t cpu, rvx_handle_t id, uint64_t now,
		    uint64_t ran_ns);

/** What rvx_sched_put_pick() picked. */
struct rvx_sched_picked {
	rvx_handle_t id;    /**< The task picked. */
	uint32_t flags;     /**< RVX_SCHED_PICK_* flags of the pick. */
	uint32_t cap_table; /**< The picked task's `cap_table` (given at create). */
};

/**
 * Hand back the task running on @p cpu and pick the next, in one call: the
 * same decision, flags and task and CPU fields as rvx_sched_put() (or
 * rvx_sched_yield() when @p yield is true) followed by rvx_sched_pick() at
 * the same @p now. When the task's partition keeps budget left and the
 * period has not ended, it takes at most one sift of a heap instead of the
 * two calls' several: the task keeps the CPU if it goes before every other
 * eligible READY task of the CPU; it takes the place of the head of its own
 * partition's heap if that partition is first in line; and if it is the
 * only one of its partition on the CPU while the partition first in line
 * holds one READY task, the two partitions trade places. Otherwise the two
 * calls are made.
 * @param s the scheduler
 * @param cpu the CPU the task runs on
 * @param id the task
 * @param now current time (ns)
 * @param ran_ns time the task ran since it was picked
 * @param yield true: its job is over (as rvx_sched_yield()); false: preempted
 *        (as rvx_sched_put())
 * @param[out] out the task picked (possibly @p id again), the pick's flags
 *        and the picked task's capability-table index
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL, or @p cpu or the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is not RUNNING on @p cpu
 */
int rvx_sched_put_pick(struct rvx_sched *s, uint32_t cpu, rvx_handle_t id, uint64_t now,
		       uint64_t ran_ns, bool yield, struct rvx_sched_picked *out);

/**
 * End a task: READY, RUNNING or BLOCKED to DEAD, out of every queue. A
 * RUNNING task's run time is charged and its CPU becomes idle. The id stays
 * valid for rvx_sched_task_info() and rvx_sched_task_free().
 * @param s the scheduler
 * @param id the task
 * @param now current time (ns)
 * @param ran_ns time the task ran since it was picked (RUNNING only)
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is already DEAD
 */
int rvx_sched_task_exit(struct rvx_sched *s, rvx_handle_t id, uint64_t now, uint64_t ran_ns);

/**
 * Return a DEAD task's control block; its generation moves on, so the id
 * (and every copy of it) becomes stale.
 * @param s the scheduler
 * @param id the task
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is not DEAD
 */
int rvx_sched_task_free(struct rvx_sched *s, rvx_handle_t id);

/**
 * Would rvx_sched_task_migrate() succeed? The same checks, changing nothing.
 * @param s the scheduler
 * @param id the task
 * @param cpu new CPU
 * @param partition new partition
 * @retval 0 it would (also when nothing would change)
 * @retval -RVX_EINVAL the id's index, @p cpu or @p partition is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is RUNNING or DEAD
 * @retval -RVX_ELIMIT the target run queue is full
 */
int rvx_sched_task_migrate_check(const struct rvx_sched *s, rvx_handle_t id, uint32_t cpu,
				 uint32_t partition);

/**
 * Move a task that is not running to another CPU and/or partition. A READY
 * task moves from its old run queue to the new one, keeping its deadline
 * and taking a fresh enqueue number of the new CPU (after READY tasks of
 * equal key there).
 * @param s the scheduler
 * @param id the task
 * @param cpu new CPU
 * @param partition new partition
 * @retval 0 success (also when nothing changes)
 * @retval -RVX_EINVAL the id's index, @p cpu or @p partition is out of range
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is RUNNING or DEAD
 * @retval -RVX_ELIMIT the new (CPU, partition) pair already holds heap_cap tasks
 */
int rvx_sched_task_migrate(struct rvx_sched *s, rvx_handle_t id, uint32_t cpu,
			   uint32_t partition);

/**
 * Feed an input vector to a task's pending input and recompute its novelty
 * (formula in the file comment); a READY task's place in its queue follows.
 * @param s the scheduler
 * @param id the task
 * @param vec the vector
 * @param dim its length, 1..RVX_SCHED_OBSERVE_DIM_MAX
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range, @p vec is NULL, @p dim is out of
 *         range, an element is NaN or infinite, or every element is 0
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is DEAD
 */
int rvx_sched_task_observe(struct rvx_sched *s, rvx_handle_t id, const float *vec,
			   uint32_t dim);

/**
 * Set a task's urgency (a static priority): 0 (none, the default) to
 * RVX_SCHED_URGENCY_MAX. Higher moves its key earlier by up to
 * RVX_SCHED_URGENCY_BOOST_MAX_NS, so among tasks whose deadlines lie closer
 * together than that the more urgent runs first; it never outweighs a
 * deadline further off than that, and the no-starvation bound counts it.
 * @param s the scheduler
 * @param id the task
 * @param urgency 0..RVX_SCHED_URGENCY_MAX
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range or @p urgency is above the maximum
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is DEAD
 */
int rvx_sched_task_set_urgency(struct rvx_sched *s, rvx_handle_t id, uint32_t urgency);

/**
 * Set a task's cut pressure (from the coherence engine); higher moves it
 * earlier by up to RVX_SCHED_PRESSURE_BOOST_MAX_NS.
 * @param s the scheduler
 * @param id the task
 * @param pressure Q16.16 in [0, RVX_SCHED_Q16_ONE]
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range or @p pressure is above 1.0
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is DEAD
 */
int rvx_sched_task_set_cut_pressure(struct rvx_sched *s, rvx_handle_t id, uint32_t pressure);

/**
 * Set a task's structural risk (from the coherence engine); higher moves it
 * later by up to RVX_SCHED_RISK_PENALTY_MAX_NS.
 * @param s the scheduler
 * @param id the task
 * @param risk Q16.16 in [0, RVX_SCHED_Q16_ONE]
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range or @p risk is above 1.0
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is DEAD
 */
int rvx_sched_task_set_risk(struct rvx_sched *s, rvx_handle_t id, uint32_t risk);

/**
 * Set a task's relative deadline, used from its next wake or yield on.
 * @param s the scheduler
 * @param id the task
 * @param rel_deadline_ns relative deadline, at least 1
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range or @p rel_deadline_ns is 0
 * @retval -RVX_ESTALE the id names no live task
 * @retval -RVX_EBUSY the task is DEAD
 */
int rvx_sched_task_set_rel_deadline(struct rvx_sched *s, rvx_handle_t id,
				    uint64_t rel_deadline_ns);

/**
 * Set the port's opaque word of a task (its saved-context pointer or index).
 * @param s the scheduler
 * @param id the task
 * @param port_ctx the value
 * @retval 0 success
 * @retval -RVX_EINVAL the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 */
int rvx_sched_task_set_port_ctx(struct rvx_sched *s, rvx_handle_t id, uint64_t port_ctx);

/**
 * Copy a task's control block (any state but FREE, DEAD included).
 * @param s the scheduler
 * @param id the task
 * @param[out] out the copy
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL or the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 */
int rvx_sched_task_info(const struct rvx_sched *s, rvx_handle_t id, struct rvx_task *out);

/**
 * The capability-table index a task was created with (any state but FREE),
 * without copying its control block.
 * @param s the scheduler
 * @param id the task
 * @param[out] out the task's `cap_table`
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL or the id's index is out of range
 * @retval -RVX_ESTALE the id names no live task
 */
int rvx_sched_task_cap_table(const struct rvx_sched *s, rvx_handle_t id, uint32_t *out);

/**
 * The task RUNNING on a CPU.
 * @param s the scheduler
 * @param cpu the CPU
 * @param[out] out its id
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL or @p cpu is out of range
 * @retval -RVX_EEMPTY the CPU is idle
 */
int rvx_sched_running(const struct rvx_sched *s, uint32_t cpu, rvx_handle_t *out);

/**
 * Number of READY tasks on a CPU.
 * @param s the scheduler
 * @param cpu the CPU
 * @return the count (>= 0)
 * @retval -RVX_EINVAL @p cpu is out of range
 */
int rvx_sched_ready_count(const struct rvx_sched *s, uint32_t cpu);

/**
 * Sum the per-CPU counters and count tasks by state (O(task_count)).
 * @param s the scheduler
 * @param[out] out the figures
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL
 */
int rvx_sched_stats(const struct rvx_sched *s, struct rvx_sched_stats *out);

/**
 * Check that state bytes form a consistent scheduler, before they are
 * trusted (a checkpoint image, say): every control block well formed (state,
 * CPU, partition, flags, Q16.16 inputs at most 1.0, finite sketches, a READY
 * task's key what its inputs give), the free list a simple path through
 * exactly the FREE blocks, the live count right, every run queue's counts
 * and heap in (key, enqueue number) order with positions that point back,
 * each CPU's eligible-partition heap in order and consistent with its run
 * queues, each CPU running at most its one RUNNING task, budgets non-zero.
 * Reads only; time O(cpus x partitions x tasks). On a scheduler in use pass
 * `s->tasks` (the start of its storage).
 * @param s            the sizes and plain fields (period_ns, task_count,
 *                     cpu_count, partition_count, heap_cap, free_head,
 *                     live); its pointers are not read
 * @param storage      the storage bytes, laid out as rvx_sched_init() lays
 *                     them out (any alignment)
 * @param storage_size bytes at @p storage
 * @retval 0 consistent
 * @retval -RVX_EINVAL a NULL pointer, sizes out of range, or any field,
 *         index or heap that breaks one of the invariants above
 * @retval -RVX_ENOMEM @p storage_size is smaller than the sizes need
 */
int rvx_sched_validate(const struct rvx_sched *s, const void *storage, size_t storage_size);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_SCHED_H */
