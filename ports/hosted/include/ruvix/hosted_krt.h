/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hosted_krt.h
 * @brief The hosted kernel runtime: nucleus tasks on host threads acting as
 *        CPUs, every call through rvx_syscall(), packages' code run from
 *        their code segments.
 *
 * The runtime runs the tasks of one booted `struct rvx_kernel`. It owns no
 * scheduling policy: each CPU (a host thread) asks the nucleus which task to
 * run (rvx_kernel_pick(), rvx_kernel_put_pick()), advances the kernel's time
 * (rvx_kernel_tick()) and runs the chosen task as a user-level context
 * (ruvix/hosted_ctx.h) on a stack with a guard page (ruvix/hosted_stack.h,
 * ruvix/hosted_fault.h). A task enters the kernel only through the gate its
 * start block names (`struct rvx_user_start` of ruvix/user.h, reached by
 * the SDK's hosted backend, libruvix-user-hosted.a): the gate saves the
 * task's context and switches to its CPU's own stack, like a trap, where the
 * call is issued with rvx_syscall() under the one kernel lock. A call that
 * returns RVX_SYSCALL_BLOCKED leaves the task off the CPU; once the nucleus
 * wakes it and it is picked again, a TimerWait is complete and a QueueRecv
 * is issued again (it returns the message or the timeout), as
 * ruvix/nucleus.h describes.
 *
 * What a task runs:
 * - **Package code.** When a package is mounted (by the host through
 *   rvx_hkrt_syscall(), or by a task's RvfMount), the runtime copies the
 *   package out of the caller's memory before the nucleus verifies it, and
 *   after the mount maps each code segment the new tasks start in: a
 *   component image (below) is copied into fresh pages, which then become
 *   read+execute for its text and read+write for its data (W^X: no page is
 *   ever writable and executable). Each task starts at its manifest entry.
 *   A task a component spawns (TaskSpawn) must start inside the text of the
 *   caller's own image.
 * - **Native entries.** Functions of the host program listed in the
 *   configuration (`natives`); a task may start at one only if its entry is
 *   exactly such a function (the root task's program, tests, examples).
 * Any other entry ends the task when it is first picked (TASK_EXIT with
 * RVX_HKRT_CODE_BAD_ENTRY).
 *
 * Component image (the code segment of a package, one per component): a
 * flat, position-independent image, as `ports/hosted/component/component.ld`
 * links it:
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 8 | magic "RVXCIMG1" |
 * | 8 | 4 | version (1) |
 * | 12 | 4 | header size (64) |
 * | 16 | 8 | text_size: bytes of text and read-only data, a multiple of 4096; writable data starts there |
 * | 24 | 8 | data_size: bytes of initialised writable data after text_size |
 * | 32 | 8 | bss_size: zeroed bytes after the data |
 * | 40 | 8 | entry: offset of the image's entry (64) |
 * | 48 | 8 | rela_offset: offset of its relocations, inside the text |
 * | 56 | 8 | rela_size: their bytes (24 each, ELF64 Rela) |
 * The segment holds the header, the text and the initialised data (it may
 * end early; the rest is zero). The only relocations are the host ABI's
 * relative ones (R_X86_64_RELATIVE): a pointer-sized slot of the image set
 * to the image's address plus an addend inside the image, applied before
 * the text is made read+execute. Anything else refuses the image.
 *
 * Buffers: a package task's call may name only memory the task owns: its
 * stack, its image (data writable, text read-only) and the regions it made
 * with RegionMap (the runtime reports each one's base in the result, as
 * rvx_kernel_region_memory() gives it); anything else is refused with
 * -RVX_EINVAL before the nucleus sees the call. On the hosted port this
 * checks the calls a task makes, it does not isolate memory: every task
 * shares the host process's address space.
 *
 * Ending: a task whose entry returns ends with code 0 (the root task is
 * held instead, since it cannot end); a task that touches its stack guard
 * or faults in its own stack is contained: a FAULT record (actor the task,
 * target the faulting address, arguments the fault kind and the program
 * counter, u64 LE each) then its TASK_EXIT with RVX_HKRT_CODE_FAULT; a
 * killed task ends with RVX_HKRT_CODE_KILLED. The reason stays queryable
 * with rvx_hkrt_task_status() until the index is reused.
 *
 * Preemption: none inside a task's own code (the hosted port has no timer
 * interrupt into a user-level context). A task is handed back to the
 * scheduler when it blocks, ends, or enters the kernel after running
 * longer than `slice_ns`.
 *
 * Time: kernel time is `time_base` plus the host's monotonic clock since
 * rvx_hkrt_init(). Idle CPUs sleep at most `tick_ns` before they tick the
 * kernel again (the nucleus does not say when its next timer is due), so a
 * TimerWait ends within about a tick of its deadline.
 */
#ifndef RUVIX_HOSTED_KRT_H
#define RUVIX_HOSTED_KRT_H

#include <pthread.h>

#include "ruvix/hosted_ctx.h"
#include "ruvix/hosted_fault.h"
#include "ruvix/hosted_stack.h"
#include "ruvix/nucleus.h"
#include "ruvix/user.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most CPUs (host threads) of one runtime. */
#define RVX_HKRT_CPUS_MAX RVX_KERNEL_CPUS
/** Component images one runtime keeps mapped. */
#define RVX_HKRT_IMAGES_MAX 32u
/** Regions per task whose memory a task's calls may name. */
#define RVX_HKRT_TASK_REGIONS 8u
/** Magic of a component image. */
#define RVX_HKRT_IMAGE_MAGIC "RVXCIMG1"
/** Bytes of a component image's header. */
#define RVX_HKRT_IMAGE_HEADER 64u
/** Page size a component image is linked for. */
#define RVX_HKRT_IMAGE_PAGE 4096u
/** Exit code of a task that faulted. */
#define RVX_HKRT_CODE_FAULT (-1001)
/** Exit code of a task that was killed. */
#define RVX_HKRT_CODE_KILLED (-1002)
/** Exit code of a task whose entry is neither package code nor a native entry. */
#define RVX_HKRT_CODE_BAD_ENTRY (-1003)

/** An entry point: what a task runs. */
typedef void (*rvx_hkrt_entry_fn)(const struct rvx_user_start *s);

/** Why a task ended. */
enum rvx_hkrt_end {
	RVX_HKRT_END_NONE = 0,           /**< Not ended (or never ran). */
	RVX_HKRT_END_RETURNED = 1,       /**< Its entry returned (or it called rvx_hkrt_exit()). */
	RVX_HKRT_END_STACK_OVERFLOW = 2, /**< It touched its stack guard. */
	RVX_HKRT_END_FAULT = 3,          /**< It faulted in its own stack. */
	RVX_HKRT_END_KILLED = 4,         /**< rvx_hkrt_kill() ended it. */
	RVX_HKRT_END_BAD_ENTRY = 5,      /**< Its entry was not code it may run. */
};

/** Configuration of a runtime. */
struct rvx_hkrt_cfg {
	struct rvx_kernel *kernel;   /**< The booted kernel (its CPU count is the runtime's). */
	uint32_t cpu_count;          /**< Host threads, 1..the kernel's cpu_count. */
	uint32_t native_count;       /**< Entries at `natives`. */
	const rvx_hkrt_entry_fn *natives; /**< Host functions tasks may start at (may be NULL). */
	rvx_hkrt_entry_fn root;      /**< Program of the root task (task 0), or NULL: held. */
	size_t stack_size;           /**< Bytes per task stack incl. one guard page; page multiple, >= 4 pages. */
	void *stacks;                /**< RVX_KERNEL_TASKS stacks of stack_size, page-aligned, read+write. */
	size_t stacks_size;          /**< Bytes at `stacks`. */
	uint64_t time_base;          /**< Kernel time at rvx_hkrt_init() (ns), at least the kernel's. */
	uint64_t tick_ns;            /**< Longest idle sleep between ticks (ns), non-zero. */
	uint64_t slice_ns;           /**< Time after which a task entering the kernel is handed back (ns), non-zero. */
	uint32_t spread;             /**< 1: spread a mount's tasks over the CPUs (TASK_MIGRATE each). */
	uint32_t reserved;           /**< 0. */
};

/** A mapped component image. Private. */
struct rvx_hkrt_image {
	uint8_t *base;      /**< First byte of the mapping (the header). */
	size_t text_size;   /**< Read+execute bytes from base. */
	size_t map_size;    /**< Bytes mapped. */
	uint32_t users;     /**< Tasks started in it. */
	uint32_t live;      /**< 1 if mapped. */
};

/** A range of memory a task's calls may name. Private. */
struct rvx_hkrt_range {
	uintptr_t lo;       /**< First byte. */
	uintptr_t hi;       /**< One past the last byte. */
	uint32_t writable;  /**< 1 if calls may write into it. */
	uint32_t reserved;  /**< 0. */
};

/** What the runtime keeps per kernel task. Private. */
struct rvx_hkrt_task {
	struct rvx_hctx ctx;            /**< Saved context. */
	struct rvx_hstack stack;        /**< Its guarded stack. */
	struct rvx_hfault_scope scope;  /**< Its fault scope. */
	struct rvx_hfault_record fault; /**< Its fault record. */
	struct rvx_user_start *start;   /**< Its start block (top of its stack). */
	rvx_hkrt_entry_fn fn;           /**< What it runs. */
	int32_t image;                  /**< Image index, or -1 (native). */
	uint32_t started;               /**< 1 once a context exists. */
	uint32_t why;                   /**< Why it last came back to its CPU. */
	uint32_t nr;                    /**< A trap's syscall number. */
	uint32_t nr_copy;               /**< The call being served (kernel copy). */
	uint32_t in_call;               /**< 1 while it is off the CPU inside a blocking call. */
	uint32_t ran_image;             /**< 1 if it runs package code. */
	rvx_handle_t object;            /**< The kernel task's registry object it was bound to. */
	struct rvx_syscall_args acopy;  /**< The call's arguments (kernel copy). */
	struct rvx_syscall_args *a;     /**< A trap's arguments (the task's memory). */
	struct rvx_syscall_result *r;   /**< A trap's result (the task's memory). */
	int32_t rc;                     /**< A trap's return value. */
	int32_t exit_code;              /**< Code of rvx_hkrt_exit(). */
	uint32_t kill_pending;          /**< Killed while running. */
	uint32_t region_count;          /**< Entries in regions[]. */
	struct rvx_hkrt_range regions[RVX_HKRT_TASK_REGIONS]; /**< Regions it made. */
	uint32_t end;                   /**< An `enum rvx_hkrt_end` once ended. */
	int32_t end_code;               /**< The code its TASK_EXIT recorded. */
	uint64_t fault_addr;            /**< Faulting address. */
	uint64_t runs;                  /**< Times switched in. */
	uint64_t traps;                 /**< Calls it made through the gate. */
	uint32_t generation;            /**< Bumped each time the index gets a new task. */
	uint32_t cpu;                   /**< CPU it last ran on. */
	uint32_t reserved;              /**< 0. */
	uint64_t run_ns;                /**< Time it ran (ns), added each time it leaves its CPU. */
};

/** Per-CPU state. Private. */
struct rvx_hkrt_cpu {
	struct rvx_hctx sched_ctx; /**< The CPU's own context (the "kernel stack"). */
	struct rvx_hkrt *rt;       /**< The runtime. */
	pthread_t thread;          /**< Host thread (CPUs 1..). */
	uint32_t index;            /**< CPU number. */
	uint32_t cur;              /**< Running task, or UINT32_MAX. */
	uint64_t picked_at;        /**< Time the running task was picked. */
};

/** A runtime. Caller storage; fields are private. */
struct rvx_hkrt {
	struct rvx_hkrt_cfg cfg;                     /**< Copy of the configuration. */
	struct rvx_hkrt_task tasks[RVX_KERNEL_TASKS]; /**< Per kernel task. */
	struct rvx_hkrt_image images[RVX_HKRT_IMAGES_MAX]; /**< Mapped images. */
	struct rvx_hkrt_cpu cpus[RVX_HKRT_CPUS_MAX]; /**< Per CPU. */
	pthread_mutex_t lock;                        /**< The kernel lock. */
	pthread_cond_t idle;                         /**< Idle CPUs wait here. */
	uint64_t mono0;                              /**< Host monotonic clock at init. */
	uint64_t last_now;                           /**< Latest kernel time handed out. */
	uint32_t stop;                               /**< rvx_hkrt_stop() was called. */
	uint32_t idle_cpus;                          /**< CPUs waiting on `idle`. */
	uint32_t root_done;                          /**< The root program returned. */
	uint32_t running;                            /**< rvx_hkrt_run() is running. */
	uint32_t sensor_count;                       /**< Periodic sensors. */
	uint32_t reserved;                           /**< 0. */
	struct {
		uint32_t sensor;                     /**< Kernel sensor index. */
		uint32_t type_id;                    /**< Unused (the kernel sets it). */
		uint64_t period_ns;                  /**< Period. */
		uint64_t next;                       /**< Next event time. */
		uint64_t seq;                        /**< Events delivered. */
		uint64_t limit;                      /**< Events to deliver (0: no limit). */
	} sensors[RVX_KERNEL_SENSORS];               /**< Periodic sensors. */
	uint64_t runs_total;                         /**< Dispatches so far. */
	uint64_t calls[RVX_SYS_COUNT];               /**< Calls package code completed with 0, per syscall. */
	uint64_t first_instruction_ns;               /**< Time the first package task was switched in (0: none yet). */
	uint64_t mount_ns;                           /**< Time the last mount through the runtime completed. */
	int result;                                  /**< What rvx_hkrt_run() returns. */
	/** Called at every tick (lock held) with the kernel time, before the
	 *  kernel's own tick: the coherence engine's (ruvix/hosted_krt_coh.h), or NULL. */
	void (*coh_tick)(struct rvx_hkrt *rt, uint64_t now);
	void *coh;                                   /**< The attached engine, or NULL. */
};

/** A task's state as rvx_hkrt_task_status() reports it. */
struct rvx_hkrt_task_status {
	uint32_t end;          /**< An `enum rvx_hkrt_end` (NONE while it runs). */
	int32_t code;          /**< The code its TASK_EXIT recorded. */
	uint32_t cpu;          /**< CPU it last ran on. */
	uint32_t generation;   /**< Which task of this index (see rvx_hkrt_task_generation()). */
	uint64_t runs;         /**< Times switched in. */
	uint64_t traps;        /**< Calls it made through the gate. */
	uint64_t fault_addr;   /**< Faulting address if it faulted. */
	uint32_t fault_kind;   /**< An `enum rvx_hfault_kind`. */
	uint32_t image;        /**< 1 if it ran package code, 0 a native entry. */
};

/**
 * Initialise a runtime for a booted kernel.
 * @param[out] rt the runtime (caller storage)
 * @param cfg the configuration (copied)
 * @retval 0 ready
 * @retval -RVX_EINVAL a NULL pointer, a field out of range, stacks misaligned
 * @retval -RVX_ENOMEM `stacks_size` is below RVX_KERNEL_TASKS * stack_size
 * @retval other rvx_kernel_task_hold()'s error holding the root (no root program)
 */
int rvx_hkrt_init(struct rvx_hkrt *rt, const struct rvx_hkrt_cfg *cfg);

/**
 * Issue a syscall for @p task from the host program (outside any task's
 * context, e.g. to mount the root package as task 0 before the run), with
 * the same handling as a task's call: a mount's code is mapped and its tasks
 * placed, a RegionMap's base reported. Calls that could block (QueueRecv
 * with RVX_SYSCALL_F_BLOCK, TimerWait) are refused.
 * The host program is trusted: its buffers are not checked against @p task's
 * memory. A mount's task ids are copied to `out` as far as `out_len` allows
 * (the nucleus is given the runtime's own buffer).
 * @param rt   the runtime
 * @param task the kernel task the call is made for
 * @param nr   the syscall number
 * @param a    its arguments (as for rvx_syscall())
 * @param[out] r its result
 * @retval 0 done (as rvx_syscall())
 * @retval -RVX_EINVAL NULL, a blocking call, or @p task is running
 * @retval -RVX_ENOTSUP a package's code segment is not a component image
 *         this port runs, an entry lies outside its text, or an entry
 *         symbol is not in `natives` (nothing mounted)
 * @retval -RVX_ENOMEM the package could not be copied or its code mapped
 *         (nothing mounted)
 * @retval -RVX_ELIMIT no room to keep another image (nothing mounted)
 * @retval other rvx_syscall()'s return
 */
int rvx_hkrt_syscall(struct rvx_hkrt *rt, uint32_t task, uint32_t nr,
		     const struct rvx_syscall_args *a, struct rvx_syscall_result *r);

/**
 * Deliver an event of kernel sensor @p sensor every @p period_ns of kernel
 * time from the run's start (payload: the event's number and time, u64
 * each), at most @p limit events (0: no limit). Call before rvx_hkrt_run().
 * @param rt        the runtime
 * @param sensor    the sensor's index (rvx_kernel_sensor_register())
 * @param period_ns its period (ns)
 * @param limit     events to deliver, 0 for no limit
 * @retval 0 set
 * @retval -RVX_EINVAL NULL, @p period_ns 0, or the run is going
 * @retval -RVX_ELIMIT too many periodic sensors
 */
int rvx_hkrt_sensor_periodic(struct rvx_hkrt *rt, uint32_t sensor, uint64_t period_ns,
			     uint64_t limit);

/**
 * Run the CPUs: CPU 0 on the calling thread, the others on new threads,
 * until no task but the root is left and the root's program (if any) has
 * returned, or rvx_hkrt_stop().
 * @param rt the runtime
 * @retval 0 done
 * @retval -RVX_EINVAL NULL or already running
 * @retval -RVX_ENOTSUP a host thread or the fault handler could not be set up
 * @retval other a nucleus call the runtime relies on failed (a bug)
 */
int rvx_hkrt_run(struct rvx_hkrt *rt);

/**
 * Ask rvx_hkrt_run() to return once each CPU is back on its own stack.
 * @param rt the runtime
 */
void rvx_hkrt_stop(struct rvx_hkrt *rt);

/**
 * End a task: at once if it is not running, otherwise when it next enters
 * the kernel or is switched out (TASK_EXIT with RVX_HKRT_CODE_KILLED).
 * @param rt   the runtime
 * @param task the kernel task
 * @retval 0 ended or marked to end
 * @retval -RVX_EINVAL NULL, @p task out of range or not live, or the root task
 * @retval other rvx_kernel_task_exit()'s error
 */
int rvx_hkrt_kill(struct rvx_hkrt *rt, uint32_t task);

/**
 * The generation of kernel task index @p task: it changes each time the
 * index gets a new task, so a caller can tell whether a status belongs to
 * the task it knew.
 * @param rt   the runtime
 * @param task the kernel task index
 * @return the generation (0: the index never had a task the runtime saw)
 */
uint32_t rvx_hkrt_task_generation(struct rvx_hkrt *rt, uint32_t task);

/**
 * Report a task (ended or running) by its kernel index.
 * @param rt   the runtime
 * @param task the kernel task index
 * @param[out] out its state
 * @retval 0 @p out filled
 * @retval -RVX_EINVAL NULL or @p task out of range
 */
int rvx_hkrt_task_status(struct rvx_hkrt *rt, uint32_t task, struct rvx_hkrt_task_status *out);

/**
 * Inside a native task: end it with @p code (the root task is held instead).
 * @param code the exit code its TASK_EXIT records
 */
_Noreturn void rvx_hkrt_exit(int32_t code);

/**
 * The gate a start block names (`gate` of `struct rvx_user_start`): called
 * on a task's stack by the SDK's hosted backend with `gate_ctx` as @p ctx.
 * @param ctx the start block's `gate_ctx` (the runtime)
 * @param nr  the syscall number
 * @param a   the arguments (the task's memory)
 * @param[out] r the result (the task's memory)
 * @retval 0 done
 * @retval -RVX_EINVAL not called from a task of the runtime @p ctx names
 * @retval other the call's return (see ruvix/user.h's rvx_user_trap())
 */
int rvx_hkrt_gate(uint64_t ctx, uint32_t nr, struct rvx_syscall_args *a,
		  struct rvx_syscall_result *r);

/**
 * How many calls of each syscall package code (not native entries) made
 * and completed with 0 (a blocking call counts once, when it completes).
 * @param rt the runtime
 * @param[out] out RVX_SYS_COUNT counts, by syscall number
 */
void rvx_hkrt_calls(struct rvx_hkrt *rt, uint64_t out[RVX_SYS_COUNT]);

/**
 * Kernel time as the runtime reads it.
 * @param rt the runtime
 * @return the time (ns)
 */
uint64_t rvx_hkrt_now(struct rvx_hkrt *rt);

/**
 * Times for a figure: when the last mount made through the runtime completed
 * and when the first package task was first switched in (kernel ns, 0 if not yet).
 * @param rt the runtime
 * @param[out] mount_ns the mount's completion (may be NULL)
 * @param[out] first_instruction_ns the first switch into package code (may be NULL)
 */
void rvx_hkrt_times(struct rvx_hkrt *rt, uint64_t *mount_ns, uint64_t *first_instruction_ns);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_HOSTED_KRT_H */
