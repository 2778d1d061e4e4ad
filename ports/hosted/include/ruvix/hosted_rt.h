/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hosted_rt.h
 * @brief The hosted task runtime: user-level tasks scheduled by lib/sched on
 *        host threads acting as CPUs, with sleeps, blocking queue receives
 *        with timeouts, fault containment, cleanup and a trace.
 *
 * This runtime has no kernel: it schedules plain functions over bare
 * lib/queue rings (rvx_hrt_queue_send() and rvx_hrt_queue_recv() touch the
 * rings directly, with no capability check and no witness record). It is
 * the scheduler-level test bed of the contexts, stacks and fault containment
 * and the baseline of bench-tasks. Tasks of a kernel run on the hosted kernel
 * runtime instead (ruvix/hosted_krt.h), where every call is a syscall
 * through the nucleus.
 *
 * Order of use:
 * 1. Fill a `struct rvx_hrt_cfg`, size the runtime's storage with
 *    rvx_hrt_storage_size(), provide `task_capacity` task slots and a stack
 *    arena of `task_capacity * stack_size` page-aligned bytes, and call
 *    rvx_hrt_init().
 * 2. rvx_hrt_spawn() tasks on chosen CPUs (before or during the run).
 * 3. rvx_hrt_run() runs CPU 0 on the calling thread and CPUs 1.. on new host
 *    threads until every task is dead or rvx_hrt_stop() is called.
 * 4. Inside a task: rvx_hrt_self(), rvx_hrt_now(), rvx_hrt_yield(),
 *    rvx_hrt_sleep_until(), rvx_hrt_sleep_for(), rvx_hrt_queue_send(),
 *    rvx_hrt_queue_recv(), rvx_hrt_exit(); from anywhere: rvx_hrt_kill(),
 *    rvx_hrt_task_status().
 *
 * Locking: one mutex guards the scheduler, the timers, the task slots, the
 * queue waits and the trace. A task entering the runtime takes it and keeps
 * it across the switch to its CPU's scheduler, which finishes the hand-back
 * (yield, block, exit) before anything else can see the task; the scheduler
 * switches into a task with the lock held and the task releases it. So a
 * wake from another CPU never sees a half-suspended task.
 *
 * Clocks: RVX_HRT_CLOCK_REAL reads rvx_port_time_real_ns(); idle CPUs sleep
 * on a condition variable until a wake or the next timer deadline.
 * RVX_HRT_CLOCK_VIRTUAL uses a clock owned by the runtime, starting at 0,
 * that stands still while tasks run and jumps to the next timer deadline
 * when every task is blocked, so a run is a function of its inputs alone
 * (one CPU only). Because it stands still while tasks run, a yield's next
 * deadline (now + relative deadline) ties with that of a peer of equal
 * relative deadline woken or yielded at the same instant; the scheduler
 * breaks equal keys by enqueue order (FIFO), so the yielding task still goes
 * after that peer, as it does on the real clock: two such tasks that yield
 * alternate (ABAB) on either clock.
 *
 * Cleanup: a task that returns from its entry, exits, overflows its stack
 * guard, faults in its own stack, or is killed, is released: its timer is
 * cancelled, its queue wait dropped, its capability table cleared (when the
 * runtime has a capability space), its stack guard released and its control
 * block exited and freed. The reason stays queryable until the slot is
 * reused by a later spawn.
 */
#ifndef RUVIX_HOSTED_RT_H
#define RUVIX_HOSTED_RT_H

#include <pthread.h>

#include "ruvix/cap.h"
#include "ruvix/env.h"
#include "ruvix/hosted_ctx.h"
#include "ruvix/hosted_fault.h"
#include "ruvix/hosted_stack.h"
#include "ruvix/queue.h"
#include "ruvix/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most CPUs (host threads) one runtime runs. */
#define RVX_HRT_CPUS_MAX 16u
/** Most tasks one runtime holds. */
#define RVX_HRT_TASKS_MAX 4096u
/** Timeout of rvx_hrt_queue_recv(): do not wait. */
#define RVX_HRT_NO_WAIT ((uint64_t)0u)
/** Timeout of rvx_hrt_queue_recv(): wait with no time limit. */
#define RVX_HRT_FOREVER UINT64_MAX

/** Which clock a runtime uses. */
enum rvx_hrt_clock {
	RVX_HRT_CLOCK_REAL = 0,    /**< rvx_port_time_real_ns(). */
	RVX_HRT_CLOCK_VIRTUAL = 1, /**< The runtime's deterministic virtual clock. */
};

/** Why a task died. */
enum rvx_hrt_exit_reason {
	RVX_HRT_EXIT_NONE = 0,           /**< Not dead (or the slot was never used). */
	RVX_HRT_EXIT_RETURNED = 1,       /**< Its entry function returned. */
	RVX_HRT_EXIT_EXITED = 2,         /**< It called rvx_hrt_exit(). */
	RVX_HRT_EXIT_STACK_OVERFLOW = 3, /**< It touched its stack guard. */
	RVX_HRT_EXIT_FAULT = 4,          /**< It faulted in its own stack. */
	RVX_HRT_EXIT_KILLED = 5,         /**< rvx_hrt_kill() ended it. */
};

/** State of a task slot. */
enum rvx_hrt_slot_state {
	RVX_HRT_SLOT_FREE = 0, /**< Never used. */
	RVX_HRT_SLOT_LIVE = 1, /**< The task exists (ready, running or blocked). */
	RVX_HRT_SLOT_DEAD = 2, /**< The task died; its status is kept. */
};

/** Events of the trace. */
enum rvx_hrt_event {
	RVX_HRT_EV_SPAWN = 1,   /**< Task created; arg: CPU. */
	RVX_HRT_EV_RUN = 2,     /**< Task switched in; arg: pick flags. */
	RVX_HRT_EV_YIELD = 3,   /**< Task yielded. */
	RVX_HRT_EV_BLOCK = 4,   /**< Task blocked; arg: timer deadline or UINT64_MAX. */
	RVX_HRT_EV_WAKE = 5,    /**< Task woken by a queue send. */
	RVX_HRT_EV_TIMEOUT = 6, /**< Task woken by its timer. */
	RVX_HRT_EV_EXIT = 7,    /**< Task died; arg: `enum rvx_hrt_exit_reason`. */
	RVX_HRT_EV_FAULT = 8,   /**< Task faulted; arg: `enum rvx_hfault_kind`. */
	RVX_HRT_EV_KILL = 9,    /**< Kill requested; arg: 1 if deferred. */
};

/** One trace record (32 bytes, no padding, so traces compare with memcmp). */
struct rvx_hrt_trace_rec {
	uint64_t time;  /**< Runtime clock at the event (ns). */
	uint64_t arg;   /**< Event argument (see `enum rvx_hrt_event`). */
	uint32_t cpu;   /**< CPU the event was recorded on. */
	uint32_t task;  /**< Task slot index. */
	uint32_t event; /**< An `enum rvx_hrt_event`. */
	uint32_t seq;   /**< Record number from 0. */
};

_Static_assert(sizeof(struct rvx_hrt_trace_rec) == 32, "a trace record is 32 bytes");

/** Configuration of a runtime. */
struct rvx_hrt_cfg {
	uint32_t cpu_count;      /**< Host threads acting as CPUs, 1..RVX_HRT_CPUS_MAX. */
	uint32_t clock;          /**< An `enum rvx_hrt_clock`; VIRTUAL needs cpu_count 1. */
	uint32_t task_capacity;  /**< Task slots, 1..RVX_HRT_TASKS_MAX. */
	uint32_t partitions;     /**< Scheduler partitions, 1..RVX_SCHED_PARTITIONS_MAX. */
	uint64_t period_ns;      /**< Scheduler budget period (ns), non-zero. */
	size_t stack_size;       /**< Bytes per task stack incl. one guard page; page multiple, >= 2 pages. */
	struct rvx_cap_space *caps; /**< Optional capability space (tables >= task_capacity), or NULL. */
	struct rvx_hrt_trace_rec *trace; /**< Optional trace buffer, or NULL. */
	uint32_t trace_cap;      /**< Records at @c trace. */
};

/** A task slot: the runtime's per-task record. Caller storage; opaque. */
struct rvx_hrt_task_slot {
	struct rvx_hctx ctx;              /**< The task's saved context. */
	struct rvx_hstack stack;          /**< Its guarded stack. */
	struct rvx_hfault_scope scope;    /**< Its fault scope. */
	struct rvx_hfault_record fault;   /**< Its fault record. */
	void (*entry)(void *arg);         /**< Entry function. */
	void *arg;                        /**< Entry argument. */
	struct rvx_queue *wait_q;         /**< Queue it waits to receive on, or NULL. */
	struct rvx_hrt *rt;               /**< The runtime. */
	rvx_handle_t sched_id;            /**< Its scheduler task id. */
	rvx_handle_t timer;               /**< Its armed timer, or RVX_HANDLE_NULL. */
	uint64_t runs;                    /**< Times run (kept after death). */
	uint64_t exit_time;               /**< Clock at death. */
	uint32_t gen;                     /**< Generation of the slot's task handles, from 1. */
	uint32_t state;                   /**< An `enum rvx_hrt_slot_state`. */
	uint32_t reason;                  /**< An `enum rvx_hrt_exit_reason`. */
	int32_t exit_code;                /**< Code given to rvx_hrt_exit() (0 otherwise). */
	int32_t wake_result;              /**< 0 woken by an event, -RVX_ETIMEDOUT by the timer. */
	uint32_t why;                     /**< Why it last came back to the scheduler. */
	uint32_t cpu;                     /**< Its CPU. */
	uint32_t deadline_misses;         /**< Deadline misses (kept after death). */
	uint8_t kill_pending;             /**< Killed while running elsewhere. */
	uint8_t holds_lock;               /**< It holds the runtime lock (inside a runtime call). */
	uint8_t reserved[6];              /**< Zero. */
};

/** Per-CPU state of a runtime. */
struct rvx_hrt_cpu {
	struct rvx_hctx sched_ctx; /**< The CPU's scheduler context. */
	struct rvx_hrt *rt;        /**< The runtime. */
	pthread_t thread;          /**< Host thread (CPUs 1..). */
	uint32_t index;            /**< CPU number. */
	uint32_t cur;              /**< Running slot, or RVX_SCHED_NIL. */
	uint64_t picked_at;        /**< Clock when the running task was picked. */
};

/** A runtime. Caller storage; fields are private. */
struct rvx_hrt {
	struct rvx_hrt_cfg cfg;                   /**< Copy of the configuration. */
	struct rvx_sched sched;                   /**< The scheduler. */
	struct rvx_timer timers;                  /**< Task timers (one per task at most). */
	struct rvx_hrt_task_slot *slots;          /**< task_capacity slots. */
	uint8_t *stacks;                          /**< The stack arena. */
	struct rvx_hrt_cpu cpus[RVX_HRT_CPUS_MAX]; /**< Per-CPU state. */
	pthread_mutex_t lock;                     /**< The runtime lock. */
	pthread_cond_t idle;                      /**< Idle CPUs wait here. */
	uint64_t vnow;                            /**< Virtual clock (ns). */
	uint32_t live;                            /**< Live tasks. */
	uint32_t trace_len;                       /**< Records written. */
	uint64_t trace_dropped;                   /**< Records lost to a full buffer. */
	uint32_t stop;                            /**< rvx_hrt_stop() was called. */
	uint32_t idle_cpus;                       /**< CPUs waiting on `idle`. */
	int result;                               /**< Result rvx_hrt_run() returns. */
};

/** What rvx_hrt_task_status() reports. */
struct rvx_hrt_task_status {
	uint32_t state;           /**< An `enum rvx_hrt_slot_state`. */
	uint32_t reason;          /**< An `enum rvx_hrt_exit_reason`. */
	int32_t exit_code;        /**< Code given to rvx_hrt_exit(). */
	uint32_t cpu;             /**< The task's CPU. */
	uint32_t deadline_misses; /**< Deadlines missed. */
	uint32_t fault_kind;      /**< An `enum rvx_hfault_kind` (FAULT / STACK_OVERFLOW). */
	uint64_t runs;            /**< Times run. */
	uint64_t exit_time;       /**< Clock at death (0 while live). */
	uint64_t fault_addr;      /**< Faulting address when it faulted. */
};

/**
 * Bytes of runtime storage (scheduler and timers) a configuration needs.
 * @param cfg the configuration
 * @return the size, or 0 if @p cfg is NULL or out of range
 */
size_t rvx_hrt_storage_size(const struct rvx_hrt_cfg *cfg);

/**
 * Initialise a runtime on caller storage.
 * @param[out] rt the runtime
 * @param cfg the configuration (copied)
 * @param storage rvx_hrt_storage_size() bytes, 8-byte aligned
 * @param storage_size bytes at @p storage
 * @param slots task_capacity task slots
 * @param stacks the stack arena: page-aligned, read-write, task_capacity x stack_size bytes
 * @param stacks_size bytes at @p stacks
 * @retval 0 success
 * @retval -RVX_EINVAL a pointer is NULL or misaligned, a field of @p cfg is out of range,
 *         the virtual clock with more than one CPU, or @p cfg->caps has too few tables
 * @retval -RVX_ENOMEM @p storage_size or @p stacks_size is too small
 */
int rvx_hrt_init(struct rvx_hrt *rt, const struct rvx_hrt_cfg *cfg, void *storage,
		 size_t storage_size, struct rvx_hrt_task_slot *slots, void *stacks,
		 size_t stacks_size);

/**
 * Create a task on a CPU and partition and make it ready.
 * @param rt the runtime
 * @param cpu its CPU, below cpu_count
 * @param partition its partition
 * @param rel_deadline_ns its relative deadline (ns), non-zero
 * @param entry function it runs
 * @param arg argument of @p entry
 * @param[out] task its handle (may be NULL)
 * @retval 0 success
 * @retval -RVX_EINVAL @p entry is NULL, @p cpu, @p partition or @p rel_deadline_ns is out of range
 * @retval -RVX_ELIMIT every slot holds a live task
 */
int rvx_hrt_spawn(struct rvx_hrt *rt, uint32_t cpu, uint32_t partition,
		  uint64_t rel_deadline_ns, void (*entry)(void *arg), void *arg,
		  rvx_handle_t *task);

/**
 * Run the CPUs until every task is dead or rvx_hrt_stop() is called.
 * @param rt the runtime
 * @retval 0 every task died, or the run was stopped
 * @retval -RVX_EBUSY (virtual clock) every live task is blocked with no timer armed
 * @retval -RVX_ENOTSUP a host thread or the fault handler could not be set up
 */
int rvx_hrt_run(struct rvx_hrt *rt);

/**
 * Ask rvx_hrt_run() to return once each CPU is back in its scheduler.
 * @param rt the runtime
 */
void rvx_hrt_stop(struct rvx_hrt *rt);

/**
 * The running task's handle (inside a task).
 * @return the handle, or RVX_HANDLE_NULL outside a task
 */
rvx_handle_t rvx_hrt_self(void);

/**
 * The runtime clock (inside a task: its runtime's; elsewhere 0).
 * @return nanoseconds
 */
uint64_t rvx_hrt_now(void);

/** Give up the CPU; the task is ready again with its next deadline. */
void rvx_hrt_yield(void);

/**
 * Block until the clock reaches @p deadline.
 * @param deadline absolute time (ns)
 * @retval 0 the deadline passed
 * @retval -RVX_ELIMIT no timer slot was free (does not happen: one per task)
 */
int rvx_hrt_sleep_until(uint64_t deadline);

/**
 * Block for @p ns nanoseconds.
 * @param ns duration
 * @retval 0 the time passed
 * @retval -RVX_ELIMIT no timer slot was free
 */
int rvx_hrt_sleep_for(uint64_t ns);

/**
 * Send a message (producer side) and wake the task waiting to receive on @p q.
 * @param rt the runtime
 * @param q the queue
 * @param hdr the header
 * @param payload the payload
 * @retval 0 sent
 * @retval -RVX_EFULL the ring of the message's priority is full
 * @retval -RVX_EINVAL a bad header (see rvx_queue_send())
 * @retval -RVX_EMSGSIZE the payload is too long
 */
int rvx_hrt_queue_send(struct rvx_hrt *rt, struct rvx_queue *q,
		       const struct rvx_queue_msg_hdr *hdr, const void *payload);

/**
 * Receive a message (consumer side, inside a task), blocking up to
 * @p timeout_ns while the queue is empty.
 * @param rt the runtime
 * @param q the queue
 * @param[out] hdr the header
 * @param[out] buf the payload
 * @param size bytes at @p buf
 * @param timeout_ns RVX_HRT_NO_WAIT, a duration, or RVX_HRT_FOREVER
 * @return the payload length (>= 0)
 * @retval -RVX_ETIMEDOUT the queue stayed empty until the timeout
 * @retval -RVX_EBUSY another task waits on @p q
 * @retval -RVX_EMSGSIZE @p size is too small for the next message
 * @retval -RVX_EINVAL called outside a task
 */
int rvx_hrt_queue_recv(struct rvx_hrt *rt, struct rvx_queue *q,
		       struct rvx_queue_msg_hdr *hdr, void *buf, size_t size,
		       uint64_t timeout_ns);

/**
 * End the running task with a code; does not return.
 * @param code its exit code
 */
_Noreturn void rvx_hrt_exit(int code);

/**
 * Kill a task: at once if it is not running, otherwise when it next enters
 * the runtime or is switched out.
 * @param rt the runtime
 * @param task the task
 * @retval 0 killed, or marked to die
 * @retval -RVX_EINVAL the handle's index is out of range
 * @retval -RVX_ESTALE the task is not live
 */
int rvx_hrt_kill(struct rvx_hrt *rt, rvx_handle_t task);

/**
 * Report a task's state (live or dead).
 * @param rt the runtime
 * @param task the task
 * @param[out] out its status
 * @retval 0 success
 * @retval -RVX_EINVAL @p out is NULL or the handle's index is out of range
 * @retval -RVX_ESTALE the slot holds another task now, or never held one
 */
int rvx_hrt_task_status(struct rvx_hrt *rt, rvx_handle_t task,
			struct rvx_hrt_task_status *out);

/**
 * Number of trace records written so far.
 * @param rt the runtime
 * @return the count (at most trace_cap)
 */
uint32_t rvx_hrt_trace_len(const struct rvx_hrt *rt);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_HOSTED_RT_H */
