/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interfaces of the QEMU virt image (ports/virt). Everything the
 * board has (memory, UART, GIC, timer interrupt, PSCI conduit, CPUs,
 * initrd, seed) comes from the DTB into struct rvx_virt_board; the drivers
 * take their addresses from there.
 *
 * Lock order: the kernel lock (rvx_virt_klock, around every call into the
 * nucleus and the run queues) before the console lock. Both are taken with
 * interrupts masked.
 */
#ifndef RVX_VIRT_H
#define RVX_VIRT_H

#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** CPUs the image serves (more in the DTB are left off). */
#define RVX_VIRT_MAX_CPUS 4u
/** Boot (and idle) stack of each CPU, its lowest page an unmapped guard;
 *  boot.S shifts by 16. */
#define RVX_VIRT_BOOT_STACK 65536u

/** An exception context, as boot.S saves it (800 bytes). */
struct rvx_virt_frame {
	uint64_t x[31];   /**< x0..x30 */
	uint64_t sp;      /**< the interrupted stack pointer (frame + 800) */
	uint64_t elr;     /**< ELR_EL2 */
	uint64_t spsr;    /**< SPSR_EL2 */
	uint64_t fpsr;    /**< FPSR */
	uint64_t fpcr;    /**< FPCR */
	uint64_t q[64];   /**< q0..q31, two words each */
};
_Static_assert(sizeof(struct rvx_virt_frame) == 800, "boot.S FRAME");
_Static_assert(offsetof(struct rvx_virt_frame, elr) == 256, "boot.S FRAME_ELR");
_Static_assert(offsetof(struct rvx_virt_frame, fpsr) == 272, "boot.S FRAME_FPSR");
_Static_assert(offsetof(struct rvx_virt_frame, q) == 288, "boot.S FRAME_Q");

/** A physical address range. */
struct rvx_virt_range {
	uint64_t base; /**< first byte */
	uint64_t size; /**< bytes */
};

/** What the DTB says about the machine. */
struct rvx_virt_board {
	const void *dtb;               /**< the DTB */
	uint32_t dtb_size;             /**< its total size */
	struct rvx_virt_range mem;     /**< the first memory range */
	struct rvx_virt_range uart;    /**< PL011 registers */
	struct rvx_virt_range gicd;    /**< GIC distributor */
	struct rvx_virt_range gicc;    /**< GIC CPU interface */
	uint32_t timer_intid;          /**< GIC INTID of the EL2 (hypervisor) timer */
	uint32_t psci_smc;             /**< 1: PSCI through SMC, 0: HVC */
	uint32_t psci_cpu_on;          /**< CPU_ON function id */
	uint32_t cpu_count;            /**< CPUs used (<= RVX_VIRT_MAX_CPUS) */
	uint32_t cpu_count_dtb;        /**< CPUs the DTB lists */
	uint64_t cpu_mpidr[RVX_VIRT_MAX_CPUS]; /**< MPIDR affinity of each, index = dense id */
	uint64_t initrd_start;         /**< /chosen linux,initrd-start (0: none) */
	uint64_t initrd_end;           /**< /chosen linux,initrd-end */
	const uint8_t *rng_seed;       /**< /chosen rng-seed, or NULL */
	uint32_t rng_seed_len;         /**< its bytes */
	char bootargs[128];            /**< /chosen bootargs (may be empty) */
};

/** The board, filled once by the primary CPU before anything else runs. */
extern struct rvx_virt_board rvx_virt_board;

/* boot.S */
void rvx_virt_mmu_on(uint64_t ttbr0, uint64_t tcr, uint64_t mair, uint64_t sctlr);
uint64_t rvx_virt_semihost(uint64_t op, const void *arg);
void rvx_virt_svc_yield(void);
_Noreturn void rvx_virt_halt(void);
_Noreturn void rvx_virt_frame_resume(struct rvx_virt_frame *f);
void rvx_virt_secondary_entry(void);
extern char rvx_virt_vectors[];
extern uint8_t rvx_virt_boot_stacks[RVX_VIRT_MAX_CPUS][RVX_VIRT_BOOT_STACK];

/* Linker symbols (virt.ld). */
extern char __image_start[], __text_end[], __rodata_end[], __bss_start[], __bss_end[];
extern char __image_end[];

/* fdt.c */
/** Parse the DTB into rvx_virt_board; returns 0 or a negative libfdt error
 *  with *what naming the part that was missing or malformed. */
int rvx_virt_fdt_parse(const void *dtb, const char **what);

/* uart.c: the console. */
void rvx_virt_uart_init(uint64_t base);
void rvx_virt_puts(const char *s);
void rvx_virt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rvx_virt_vprintf(const char *fmt, va_list ap);
/** Write without the console lock (panic path). */
void rvx_virt_uart_write_raw(const char *s, size_t len);

/* mmu.c */
/** Task stacks: one per kernel task slot, each above an unmapped guard page. */
#define RVX_VIRT_TASK_STACK (32u * 1024u)
#define RVX_VIRT_TASK_SLOTS 64u
#define RVX_VIRT_GUARD 4096u
/** Bytes of the task-stack arena (for rvx_virt_phys_plan()). */
uint64_t rvx_virt_stacks_size(void);
/** Take the arena rvx_virt_phys_plan() placed (before rvx_virt_mmu_build()); 0 or -1. */
int rvx_virt_stacks_reserve(void);
/** Top of task slot @p task's stack, or NULL. */
uint8_t *rvx_virt_task_stack_top(uint32_t task);
/** The task slot whose guard page holds @p addr, or -1. */
int rvx_virt_stack_guard_hit(uint64_t addr);
/** The CPU whose boot-stack guard page holds @p addr, or -1. */
int rvx_virt_boot_guard_hit(uint64_t addr);
/** Build the EL2 tables from the board and the image layout; 0 or -1. */
int rvx_virt_mmu_build(void);
/** Turn the MMU on with the tables rvx_virt_mmu_build() made. */
void rvx_virt_mmu_enable(void);

/* gic.c */
void rvx_virt_gic_init_dist(void);
void rvx_virt_gic_init_cpu(void);
void rvx_virt_gic_enable(uint32_t intid);
uint32_t rvx_virt_gic_ack(void);
void rvx_virt_gic_eoi(uint32_t iar);

/* timer.c */
void rvx_virt_timer_init_cpu(uint64_t period_ns);
void rvx_virt_timer_rearm(void);
uint64_t rvx_virt_counter(void);
uint64_t rvx_virt_counter_freq(void);
uint64_t rvx_virt_ticks_to_ns(uint64_t ticks);

/* psci.c */
_Noreturn void rvx_virt_system_off(void);
int rvx_virt_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx);

/* exc.c */
/** Called by boot.S for every exception; returns the frame to resume. */
struct rvx_virt_frame *rvx_virt_exception(uint64_t kind, struct rvx_virt_frame *f);
/** Exit QEMU through semihosting with @p code (0 = clean). */
_Noreturn void rvx_virt_exit(uint32_t code);
/** Print a panic report and exit non-zero. */
_Noreturn void rvx_virt_panic_frame(const char *why, uint64_t kind, const struct rvx_virt_frame *f);

/* cpu */
/** Dense index of the calling CPU (from MPIDR through the board's table). */
uint32_t rvx_virt_cpu_index(void);

/* rt.c: the task runtime. */
/** Scheduler tick from the timer interrupt; returns the frame to resume. */
struct rvx_virt_frame *rvx_virt_rt_tick(struct rvx_virt_frame *f);
/** A task's SVC #0 (yield, or switch away after blocking); returns the frame to resume. */
struct rvx_virt_frame *rvx_virt_rt_svc(uint32_t imm, struct rvx_virt_frame *f);

/* port.c */
void rvx_virt_cpu_set_online(uint32_t count);
/** Seed the DRBG from the DTB's rng-seed; -RVX_ENOTSUP without one. */
int rvx_virt_entropy_init(void);

/* phys.c: physical pages (lib/buddy). */
/** Place the allocator's page records and the task-stack arena
 *  (@p stacks_len bytes) in RAM clear of the image, the DTB and the initrd.
 *  Runs with the MMU off: it only computes; 0 or -1. */
int rvx_virt_phys_plan(uint64_t stacks_len);
/** The task-stack arena's address from rvx_virt_phys_plan() (0 before). */
uint64_t rvx_virt_phys_stacks(void);
/** With the MMU on: hand the DTB's memory to the buddy allocator, less the
 *  image, the DTB, the initrd, the arena and the page records; 0 or -1. */
int rvx_virt_phys_init(void);
/** A block of at least @p size bytes aligned to @p align (both rounded up
 *  to a power-of-two number of pages); not zeroed: its users initialise
 *  what they hand out. NULL when no block is free. */
void *rvx_virt_alloc(uint64_t size, uint64_t align);
/** Free and total pages (for the boot log). */
void rvx_virt_phys_stats(uint64_t *free_pages, uint64_t *total_pages);

struct rvx_kernel;
struct rvx_syscall_args;
struct rvx_syscall_result;

/* rt.c: the task runtime (tasks are EL2 threads scheduled by the nucleus). */
/** Start scheduling on the calling CPU (timer and GIC already set up). */
void rvx_virt_rt_start(struct rvx_kernel *k);
/** The idle loop of a CPU: interrupts on, wait for the tick. */
_Noreturn void rvx_virt_rt_idle(void);
/* End the calling task through the nucleus (SVC #1); never returns. */
_Noreturn void rvx_virt_rt_exit(int32_t code);
/** A task's syscall: takes the kernel lock, blocks and resumes as needed. */
int rvx_virt_rt_syscall(uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
			struct rvx_syscall_result *r);
/** Give up the CPU (the task stays ready). */
void rvx_virt_rt_yield(void);
/** Take the kernel lock (interrupts masked); returns the DAIF to restore. */
uint64_t rvx_virt_rt_lock(void);
/** Release the kernel lock. */
void rvx_virt_rt_unlock(uint64_t daif);
/** The task running on @p cpu, or UINT32_MAX. */
uint32_t rvx_virt_rt_current(uint32_t cpu);
/** Tasks dispatched on each CPU so far. */
uint64_t rvx_virt_rt_dispatches(uint32_t cpu);
/** The kernel object. */
struct rvx_kernel *rvx_virt_kernel(void);
/** Stop with a message naming @p err (exit code 6). */
_Noreturn void rvx_virt_fail(const char *what, int err);
/** Spin (never yielding) for @p ns, doing FP work; counts the gaps that
 *  preemption left in *preempted; false if FP state was lost. */
bool rvx_virt_spin(uint64_t ns, uint64_t *preempted);
/* programs.c */
/** Run the root package's program @p entry (symbol id); false if none. */
bool rvx_virt_program_run(uint32_t task, uint64_t entry);
/** What a task runs: provided by main.c. */
void rvx_virt_task_main(uint32_t task, uint64_t entry);

/** How a trap from a partition leaves the CPU (rvx_virt_rt_trap_switch). */
#define RVX_VIRT_TRAP_YIELD 0u   /**< the task stays ready */
#define RVX_VIRT_TRAP_BLOCKED 1u /**< the task blocked in a syscall */
#define RVX_VIRT_TRAP_RESTART 2u /**< the task starts afresh when next picked */
#define RVX_VIRT_TRAP_EXITED 3u  /**< the task was ended (rvx_kernel_task_exit) */
/** Switch away from the running task after a trap (takes the kernel lock). */
struct rvx_virt_frame *rvx_virt_rt_trap_switch(struct rvx_virt_frame *f, uint32_t how);
/** Drop a task's saved context: it restarts at its entry (kernel lock held). */
void rvx_virt_rt_restart(uint32_t task);
struct rvx_kernel_root;
/** The root task's capabilities. */
const struct rvx_kernel_root *rvx_virt_root_caps(void);

/* part.c: partitions at EL1 under stage 2 (-append rvx.partitions). */
/** Run the partition demo (or, with @p bench, the figures) from the root task. */
void rvx_virt_part_main(uint32_t bench);
/** True while partitions exist. */
bool rvx_virt_part_mode(void);
/** A new frame for @p task: set it up to enter its partition at EL1; false
 *  if @p task is a kernel task. */
bool rvx_virt_part_task_init(uint32_t task, struct rvx_virt_frame *nf);
/** True if @p task belongs to a suspended partition: it was just picked and
 *  is now blocked in the scheduler until the partition resumes. */
bool rvx_virt_part_hold(uint32_t task);
/** Load the EL1 state and stage-2 base of @p task if it is a partition's. */
void rvx_virt_part_switch(uint32_t task);
/** A synchronous exception from EL1: HVC, stage-2 abort, other trap. */
struct rvx_virt_frame *rvx_virt_part_trap(struct rvx_virt_frame *f);
/** Timer tick (kernel lock held): expire device leases. */
void rvx_virt_part_tick(uint64_t now);

/* A spinlock (test-and-test-and-set on __atomic builtins). */
struct rvx_virt_lock {
	uint32_t v; /**< 0 free, 1 held */
};

static inline uint64_t rvx_virt_irq_save(void)
{
	uint64_t daif;

	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
	return daif;
}

static inline void rvx_virt_irq_restore(uint64_t daif)
{
	__asm__ volatile("msr daif, %0" ::"r"(daif) : "memory");
}

/** Set once the boot CPU's MMU is on: before that, one CPU runs and all
 *  memory is Device memory, where exclusive accesses are not reliable, so
 *  locks are not taken. */
extern uint32_t rvx_virt_locks_live;

static inline void rvx_virt_lock_take(struct rvx_virt_lock *l)
{
	if (__builtin_expect(__atomic_load_n(&rvx_virt_locks_live, __ATOMIC_RELAXED) == 0u, 0))
		return;
	while (__atomic_exchange_n(&l->v, 1u, __ATOMIC_ACQUIRE) != 0u) {
		while (__atomic_load_n(&l->v, __ATOMIC_RELAXED) != 0u)
			__asm__ volatile("yield");
	}
}

static inline void rvx_virt_lock_give(struct rvx_virt_lock *l)
{
	__atomic_store_n(&l->v, 0u, __ATOMIC_RELEASE);
}

/** Mask IRQs and take @p l; returns the DAIF to restore. */
static inline uint64_t rvx_virt_lock_irqsave(struct rvx_virt_lock *l)
{
	uint64_t daif = rvx_virt_irq_save();

	rvx_virt_lock_take(l);
	return daif;
}

/** Release @p l and restore DAIF. */
static inline void rvx_virt_unlock_irqrestore(struct rvx_virt_lock *l, uint64_t daif)
{
	rvx_virt_lock_give(l);
	rvx_virt_irq_restore(daif);
}

#define RVX_VIRT_SYSREG_READ(name)                                             \
	__extension__({                                                        \
		uint64_t v_;                                                   \
		__asm__ volatile("mrs %0, " #name : "=r"(v_));                \
		v_;                                                            \
	})

#endif
