/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AArch64 core (ports/aarch64, the static library ruvix-aarch64-core):
 * everything an EL2 RuVix image needs that does not depend on the board.
 * It knows no board name and no address: every address comes from
 * struct rvx_a64_board, which the board fills (from the DTB, with the
 * rvx_a64_fdt_* helpers) before the core uses it.
 *
 * Board interface. A board is an executable that links this library and
 * provides:
 *   - rvx_a64_board_primary_main(): called by boot.S on the boot CPU, MMU
 *     off, on boot stack 0, bss cleared; it never returns.
 *   - rvx_a64_board_task_main(): what a task runs (rt.c calls it).
 *   - a linker script that places boot.S's .text.head first, at the link
 *     address the loader uses (the Image header's text_offset is 0x80000),
 *     and defines __image_start, __text_end, __rodata_end, __bss_start,
 *     __bss_end, __image_end (page aligned but __bss_start, 16-byte
 *     aligned) and __image_size.
 *   - in rvx_a64_board: the console device (its register range, for the
 *     page tables, and console_write, its polled raw output) and
 *     cpu_start, how a secondary CPU is started (PSCI CPU_ON on virt, a
 *     spin table on the Raspberry Pi): the CPU must enter
 *     rvx_a64_secondary_entry with x0 = its dense index.
 * Optionally it provides the partition hooks (rvx_a64_part_*); without
 * them the core's weak defaults say "no partitions".
 *
 * Boot order (the primary CPU; see docs/aarch64.md):
 *   1. boot.S: counter stamp, EL2 set-up, bss cleared, C on boot stack 0.
 *   2. [MMU off] the board parses the DTB (rvx_a64_fdt_scan(), its own
 *      devices, rvx_a64_fdt_machine()), brings its console up, then
 *      rvx_a64_own_cpu_first(), rvx_a64_phys_plan(rvx_a64_stacks_size()),
 *      rvx_a64_stacks_reserve(), rvx_a64_mmu_build(), rvx_a64_mmu_enable().
 *   3. [MMU on] rvx_a64_phys_init(), rvx_a64_gic_init_dist(),
 *      rvx_a64_gic_init_cpu(), rvx_a64_entropy_init(), the nucleus boots,
 *      rvx_a64_smp_start() (each secondary runs rvx_a64_secondary_main():
 *      MMU, GIC CPU interface, then waits), rvx_a64_smp_release(), then
 *      rvx_a64_timer_init_cpu(), rvx_a64_rt_start(), rvx_a64_rt_idle().
 *
 * MMU off. Until rvx_a64_mmu_enable() every data access is to Device
 * memory, where a strict machine (hardware, QEMU 10) faults unaligned and
 * exclusive accesses. So everything that runs before it (boot.S, fdt.c,
 * console.c, pl011.c, mmu.c, phys.c's planning, libc.c, and the board's
 * DTB and console code, libfdt, BearSSL's SHA-256) is built with
 * -mstrict-align and takes no lock: rvx_a64_lock_take() does nothing
 * until rvx_a64_locks_live is set, which rvx_a64_mmu_enable() does. Only
 * one CPU runs then. rvx_a64_phys_plan() only computes; the buddy
 * allocator is built by rvx_a64_phys_init() with the MMU on.
 *
 * Lock order: the kernel lock (rvx_a64_rt_lock(), around every call into
 * the nucleus and the run queues) before the console lock. Both are taken
 * with interrupts masked.
 */
#ifndef RVX_A64_H
#define RVX_A64_H

#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "a64_numa.h"

/** CPUs the core serves (more in the DTB are left off). */
#define RVX_A64_MAX_CPUS 4u
_Static_assert(RVX_A64_MAX_CPUS <= RVX_A64_NUMA_MAX_CPUS, "the NUMA parser takes every CPU");
/** Boot (and idle) stack of each CPU, its lowest page an unmapped guard;
 *  boot.S shifts by 16. */
#define RVX_A64_BOOT_STACK 65536u
/** Bytes of each CPU's exception stack (its lowest page a guard). */
#define RVX_A64_EXC_STACK 65536u

/** An exception context, as boot.S saves it (800 bytes). */
struct rvx_a64_frame {
	uint64_t x[31];   /**< x0..x30 */
	uint64_t sp;      /**< the interrupted stack pointer (frame + 800) */
	uint64_t elr;     /**< ELR_EL2 */
	uint64_t spsr;    /**< SPSR_EL2 */
	uint64_t fpsr;    /**< FPSR */
	uint64_t fpcr;    /**< FPCR */
	uint64_t q[64];   /**< q0..q31, two words each */
};
_Static_assert(sizeof(struct rvx_a64_frame) == 800, "boot.S FRAME");
_Static_assert(offsetof(struct rvx_a64_frame, elr) == 256, "boot.S FRAME_ELR");
_Static_assert(offsetof(struct rvx_a64_frame, fpsr) == 272, "boot.S FRAME_FPSR");
_Static_assert(offsetof(struct rvx_a64_frame, q) == 288, "boot.S FRAME_Q");

/* Exception kinds: boot.S's vector index, group * 4 + type (groups:
 * current EL with SP0, current EL with SPx, lower EL AArch64, lower EL
 * AArch32; types: sync, IRQ, FIQ, SError). */
#define RVX_A64_VEC_SYNC 4u        /**< synchronous, at EL2 */
#define RVX_A64_VEC_IRQ 5u         /**< IRQ, at EL2 */
#define RVX_A64_VEC_LOWER_SYNC 8u  /**< synchronous, from EL1/EL0 (AArch64) */
#define RVX_A64_VEC_LOWER_IRQ 9u   /**< IRQ, from EL1/EL0 (AArch64) */
#define RVX_A64_VEC_LOWER_FIQ 10u  /**< FIQ, from EL1/EL0 (AArch64) */
#define RVX_A64_VEC_LOWER_SERR 11u /**< SError, from EL1/EL0 (AArch64) */
#define RVX_A64_VEC_COUNT 16u      /**< vector entries */

/* ESR_ELx: exception class, instruction length, syndrome. */
#define RVX_A64_ESR_EC_SHIFT 26u          /**< EC position */
#define RVX_A64_ESR_EC_MASK 0x3fu         /**< EC width */
#define RVX_A64_ESR_IL_SHIFT 25u          /**< IL position */
#define RVX_A64_ESR_ISS_MASK 0x1ffffffu   /**< ISS width */
/** The exception class of @p esr. */
#define RVX_A64_ESR_EC(esr) ((uint32_t)((esr) >> RVX_A64_ESR_EC_SHIFT) & RVX_A64_ESR_EC_MASK)
/** The syndrome of @p esr. */
#define RVX_A64_ESR_ISS(esr) ((uint32_t)(esr) & RVX_A64_ESR_ISS_MASK)

/* Exception classes (ESR_ELx.EC). */
#define RVX_A64_EC_UNKNOWN 0x00u       /**< unknown reason (e.g. undefined instruction) */
#define RVX_A64_EC_WFX 0x01u           /**< WFI/WFE trapped */
#define RVX_A64_EC_FP 0x07u            /**< FP/SIMD access trapped */
#define RVX_A64_EC_ILLEGAL 0x0eu       /**< illegal execution state */
#define RVX_A64_EC_SVC64 0x15u         /**< SVC from AArch64 */
#define RVX_A64_EC_HVC64 0x16u         /**< HVC from AArch64 */
#define RVX_A64_EC_SMC64 0x17u         /**< SMC from AArch64 */
#define RVX_A64_EC_SYSREG 0x18u        /**< system register access trapped */
#define RVX_A64_EC_IABT_LOWER 0x20u    /**< instruction abort from a lower EL */
#define RVX_A64_EC_IABT_CUR 0x21u      /**< instruction abort, same EL */
#define RVX_A64_EC_PC_ALIGN 0x22u      /**< PC alignment fault */
#define RVX_A64_EC_DABT_LOWER 0x24u    /**< data abort from a lower EL */
#define RVX_A64_EC_DABT_CUR 0x25u      /**< data abort, same EL */
#define RVX_A64_EC_SP_ALIGN 0x26u      /**< SP alignment fault */
#define RVX_A64_EC_FP_EXC 0x2cu        /**< FP exception (AArch64) */
#define RVX_A64_EC_SERROR 0x2fu        /**< SError */
#define RVX_A64_EC_BKPT_LOWER 0x30u    /**< breakpoint from a lower EL */
#define RVX_A64_EC_BKPT_CUR 0x31u      /**< breakpoint, same EL */
#define RVX_A64_EC_STEP_LOWER 0x32u    /**< software step from a lower EL */
#define RVX_A64_EC_STEP_CUR 0x33u      /**< software step, same EL */
#define RVX_A64_EC_WATCH_LOWER 0x34u   /**< watchpoint from a lower EL */
#define RVX_A64_EC_WATCH_CUR 0x35u     /**< watchpoint, same EL */
#define RVX_A64_EC_BRK 0x3cu           /**< BRK instruction (AArch64) */

/* ISS of an SVC/HVC/SMC: the immediate. */
#define RVX_A64_ISS_IMM16_MASK 0xffffu /**< the #imm16 of the call */

/* ISS of an instruction or data abort. */
#define RVX_A64_ISS_FSC_MASK 0x3fu        /**< fault status code */
#define RVX_A64_ISS_FSC_TYPE_MASK 0x3cu   /**< FSC without the level */
#define RVX_A64_ISS_FSC_LEVEL_MASK 0x3u   /**< the translation level */
#define RVX_A64_ISS_WNR (1u << 6)         /**< data abort: caused by a write */
#define RVX_A64_ISS_FNV (1u << 10)        /**< FAR not valid */

/* Fault status codes (FSC). */
#define RVX_A64_FSC_ADDR_SIZE 0x00u   /**< address size fault (+ level) */
#define RVX_A64_FSC_TRANSLATION 0x04u /**< translation fault (+ level) */
#define RVX_A64_FSC_ACCESS 0x08u      /**< access flag fault (+ level) */
#define RVX_A64_FSC_PERMISSION 0x0cu  /**< permission fault (+ level) */
#define RVX_A64_FSC_EXT_ABORT 0x10u   /**< synchronous external abort */
#define RVX_A64_FSC_ALIGNMENT 0x21u   /**< alignment fault */
#define RVX_A64_FSC_TLB_CONFLICT 0x30u /**< TLB conflict abort */

/** Interrupt ids at and above this are special (1023: spurious). */
#define RVX_A64_GIC_SPURIOUS 1020u
/** The interrupt id field of GICC_IAR. */
#define RVX_A64_GIC_IAR_ID_MASK 0x3ffu

/** A physical address range. */
struct rvx_a64_range {
	uint64_t base; /**< first byte */
	uint64_t size; /**< bytes */
};

/** PSCI conduit values of rvx_a64_board.psci_smc. */
#define RVX_A64_PSCI_HVC 0u /**< PSCI through HVC */
#define RVX_A64_PSCI_SMC 1u /**< PSCI through SMC */

/** The machine: filled by the board (mostly from the DTB) before the core
 *  uses it. */
struct rvx_a64_board {
	const void *dtb;               /**< the DTB */
	uint32_t dtb_size;             /**< its total size */
	struct rvx_a64_range mem;      /**< the memory range holding the image (else the
					    first): the kernel's RAM */
	uint32_t mem_count;            /**< memory nodes the DTB lists (up to RVX_A64_NUMA_MAX_MEMS) */
	uint32_t mem_used;             /**< which of them is `mem` */
	struct rvx_a64_range mems[RVX_A64_NUMA_MAX_MEMS]; /**< every memory node's first range */
	struct rvx_a64_numa numa;      /**< NUMA topology (one node without, or if invalid) */
	int numa_err;                  /**< 0, or the libfdt error that made it one node */
	const char *numa_why;          /**< why, when numa_err is set */
	struct rvx_a64_range uart;     /**< the console device's registers (mapped Device) */
	struct rvx_a64_range gicd;     /**< GIC distributor */
	struct rvx_a64_range gicc;     /**< GIC CPU interface */
	struct rvx_a64_range devwin;   /**< more device registers the board maps (virt: the
					    virtio-mmio slots); size 0: none */
	uint32_t timer_intid;          /**< GIC INTID of the EL2 (hypervisor) timer */
	uint32_t have_psci;            /**< 1: the DTB has a PSCI node */
	uint32_t psci_smc;             /**< RVX_A64_PSCI_SMC or RVX_A64_PSCI_HVC */
	uint32_t psci_cpu_on;          /**< CPU_ON function id */
	uint32_t cpu_count;            /**< CPUs used (<= RVX_A64_MAX_CPUS) */
	uint32_t cpu_count_dtb;        /**< CPUs the DTB lists */
	uint64_t cpu_mpidr[RVX_A64_MAX_CPUS]; /**< MPIDR affinity of each, index = dense id */
	uint64_t initrd_start;         /**< /chosen linux,initrd-start (0: none) */
	uint64_t initrd_end;           /**< /chosen linux,initrd-end */
	const uint8_t *rng_seed;       /**< /chosen rng-seed, or NULL */
	uint32_t rng_seed_len;         /**< its bytes */
	char bootargs[512];            /**< /chosen bootargs (may be empty; longer ones are cut here) */
	/** The console's polled output, no lock taken (may run with the MMU
	 *  off and in a panic); NULL until the console is up. */
	void (*console_write)(const char *s, size_t len);
	/** Start secondary CPU @p index (dense, >= 1) so that it enters
	 *  rvx_a64_secondary_entry with x0 = @p index; 0 or a negative
	 *  board-specific error. NULL: the board starts no secondaries. */
	int (*cpu_start)(uint32_t index);
	/** A device interrupt @p intid the core does not handle itself (not
	 *  the timer, not a kick), taken on the calling CPU before its EOI;
	 *  returns the frame to resume (@p f, or what
	 *  rvx_a64_rt_device_irq() chose). NULL: such interrupts are ignored. */
	struct rvx_a64_frame *(*irq)(uint32_t intid, struct rvx_a64_frame *f);
};

/** The board, filled once by the primary CPU before anything else runs. */
extern struct rvx_a64_board rvx_a64_board;

/* ---- the board's side (provided by the board's executable) ---- */

/** Boot CPU's C entry (boot.S): MMU off, boot stack 0, bss clear; @p el is
 *  the exception level entered at, @p entry_counter CNTPCT_EL0 at entry. */
_Noreturn void rvx_a64_board_primary_main(const void *dtb, uint64_t el, uint64_t entry_counter);
/** What task @p task runs (@p entry: its entry from the nucleus). */
void rvx_a64_board_task_main(uint32_t task, uint64_t entry);

/* ---- boot.S ---- */
/** Load the translation registers and turn the EL2 MMU on. */
void rvx_a64_mmu_on(uint64_t ttbr0, uint64_t tcr, uint64_t mair, uint64_t sctlr);
/** One semihosting call (@p op, parameter block @p arg); returns x0. */
uint64_t rvx_a64_semihost(uint64_t op, const void *arg);
/** SVC #0: give up the CPU through the exception path. */
void rvx_a64_svc_yield(void);
/** Mask everything and wait forever. */
_Noreturn void rvx_a64_halt(void);
/** Load @p f and return into it (ERET). */
_Noreturn void rvx_a64_frame_resume(struct rvx_a64_frame *f);
/** Where a secondary CPU starts, x0 = its dense index (MMU off). */
void rvx_a64_secondary_entry(void);
/** The EL2 vector table. */
extern char rvx_a64_vectors[];
/** Boot (idle) stacks, one per CPU, lowest page a guard. */
extern uint8_t rvx_a64_boot_stacks[RVX_A64_MAX_CPUS][RVX_A64_BOOT_STACK];
/** Exception stacks, one per CPU, lowest page a guard: every exception
 *  handler runs on its CPU's, after boot.S saved the interrupted context's
 *  frame on the interrupted stack; a task's stack holds only its own code's
 *  frames and its saved frame. */
extern uint8_t rvx_a64_exc_stacks[RVX_A64_MAX_CPUS][RVX_A64_EXC_STACK];

/** For large static storage that is always written before it is read: the
 *  linker scripts put .bss.noinit outside [__bss_start, __bss_end), so the
 *  boot does not spend instructions zeroing it. */
#define RVX_A64_NOINIT __attribute__((section(".bss.noinit")))

/* Linker symbols (the board's linker script). */
extern char __image_start[], __text_end[], __rodata_end[], __bss_start[], __bss_end[];
extern char __image_end[];

/* ---- fdt.c: DTB helpers (MMU off; libfdt) ---- */
/** Nesting the DTB helpers follow. */
#define RVX_A64_FDT_MAX_DEPTH 8
/** Nodes of one board-named compatible kept by rvx_a64_fdt_scan(). */
#define RVX_A64_FDT_MAX_DEVS 4

/** Compatibles rvx_a64_fdt_scan_for() keeps the first node of. */
#define RVX_A64_FDT_MAX_FIRSTS 4

/** A node found by the scan, with its ancestors (anc[0] the root,
 *  anc[depth - 1] the parent), so `reg` and `ranges` need no rescan. */
struct rvx_a64_fdt_node {
	int node;                       /**< the node's offset */
	int depth;                      /**< its depth (root 0) */
	int anc[RVX_A64_FDT_MAX_DEPTH]; /**< its ancestors' offsets */
};

/** Check the DTB's header and scan it once for the machine's nodes
 *  (memory, GIC, timer, PSCI, CPUs, /chosen) and for up to
 *  RVX_A64_FDT_MAX_DEVS nodes compatible with any of @p dev_compat
 *  (@p dev_count strings): the board's devices. Sets rvx_a64_board.dtb
 *  and dtb_size; 0 or a negative libfdt error, *what naming the part. */
int rvx_a64_fdt_scan(const void *dtb, const char *const *dev_compat, size_t dev_count,
		     const char **what);
/** rvx_a64_fdt_scan(), also keeping the first node compatible with each
 *  of @p first (@p first_count strings, at most RVX_A64_FDT_MAX_FIRSTS),
 *  for rvx_a64_fdt_first(); 0, -FDT_ERR_NOSPACE (too many, *what "scan
 *  request") or rvx_a64_fdt_scan()'s errors. */
int rvx_a64_fdt_scan_for(const void *dtb, const char *const *dev_compat, size_t dev_count,
			 const char *const *first, size_t first_count, const char **what);
/** The first node compatible with the scan's @p i-th first string (in DTB
 *  order); NULL if there was none. */
const struct rvx_a64_fdt_node *rvx_a64_fdt_first(size_t i);
/** The scan's /cpus node, or -FDT_ERR_NOTFOUND. */
int rvx_a64_fdt_cpus_offset(void);
/** The scan's GIC node (the first compatible GICv2), or -FDT_ERR_NOTFOUND. */
int rvx_a64_fdt_gic_offset(void);
/** The device nodes the scan kept (in DTB order); *count gets how many. */
const struct rvx_a64_fdt_node *rvx_a64_fdt_devices(int *count);
/** Of the scan's device nodes, the one /chosen stdout-path names, else
 *  the first; NULL if there is none. */
const struct rvx_a64_fdt_node *rvx_a64_fdt_stdout_device(void);
/** The @p index-th (address, size) of @p n's `reg` as a CPU address (every
 *  ancestor's `ranges` applied); 0 or a negative libfdt error. */
int rvx_a64_fdt_reg(const struct rvx_a64_fdt_node *n, int index, struct rvx_a64_range *out);
/** Translate @p addr on @p n's parent bus into a CPU address through every
 *  ancestor's `ranges`; 0 or a negative libfdt error. */
int rvx_a64_fdt_translate(const struct rvx_a64_fdt_node *n, uint64_t *addr);
/** Fill rvx_a64_board from the scan: memory, GICv2 (distributor and CPU
 *  interface), the timer's EL2 PPI, PSCI (required if @p need_psci), the
 *  CPUs and /chosen; 0 or a negative libfdt error, *what naming the part. */
int rvx_a64_fdt_machine(bool need_psci, const char **what);

/* ---- pl011.c: a PL011 UART (polled) ---- */
/** Take over the PL011 at @p base: 8N1, FIFOs, no interrupts. */
void rvx_a64_pl011_init(uint64_t base);
/** Write @p len bytes (LF as CRLF), polling; nothing before init. */
void rvx_a64_pl011_write(const char *s, size_t len);
/** Interrupt on received bytes (the FIFO's level or its receive timeout),
 *  or not (the bytes wait in the FIFO: flow control). */
void rvx_a64_pl011_rx_irq(bool on);
/** Take up to @p cap received bytes out of the FIFO; returns how many. The
 *  receive interrupt drops as the FIFO is read empty and rises again with
 *  the next byte; it is never cleared through UARTICR (that would race a
 *  byte arriving after the FIFO was seen empty). */
size_t rvx_a64_pl011_rx(char *buf, size_t cap);

/* ---- console.c: the console (through rvx_a64_board.console_write) ---- */
/** Write a string under the console lock. */
void rvx_a64_puts(const char *s);
/** Format (%[0][width][l|ll|z](d|u|x|s|c|p), %%) and write, a line at a time. */
void rvx_a64_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** rvx_a64_printf() with a va_list. */
void rvx_a64_vprintf(const char *fmt, va_list ap);
/** Write without the console lock (panic path). */
void rvx_a64_console_write_raw(const char *s, size_t len);
/** Hold the kernel's console lines back while the console's device is
 *  leased to a partition (@p hold true), or write them out and go on
 *  writing (false). Lines are kept in order in a bounded buffer; when it is
 *  full they are written anyway. */
void rvx_a64_console_hold(bool hold);
/** Write out any held lines and stop holding (on exit and panic paths). */
void rvx_a64_console_flush(void);

/* ---- mmu.c ---- */
/** Task stacks: one per kernel task slot, each above an unmapped guard page. */
#define RVX_A64_TASK_STACK (32u * 1024u)
/** Task stack slots (at least the nucleus's task count). */
#define RVX_A64_TASK_SLOTS 64u
/** Bytes of each guard page. */
#define RVX_A64_GUARD 4096u
/** Bytes of the task-stack arena (for rvx_a64_phys_plan()). */
uint64_t rvx_a64_stacks_size(void);
/** Take the arena rvx_a64_phys_plan() placed (before rvx_a64_mmu_build()); 0 or -1. */
int rvx_a64_stacks_reserve(void);
/** Top of task slot @p task's stack, or NULL. */
uint8_t *rvx_a64_task_stack_top(uint32_t task);
/** The task slot whose guard page holds @p addr, or -1. */
int rvx_a64_stack_guard_hit(uint64_t addr);
/** The CPU whose boot-stack guard page holds @p addr, or -1. */
int rvx_a64_boot_guard_hit(uint64_t addr);
/** The CPU whose exception-stack guard page holds @p addr, or -1. */
int rvx_a64_exc_guard_hit(uint64_t addr);
/** Build the EL2 tables from the board and the image layout (MMU off); 0 or -1. */
int rvx_a64_mmu_build(void);
/** Turn the MMU on with the tables rvx_a64_mmu_build() made; locks are
 *  live from then on. */
void rvx_a64_mmu_enable(void);

/* ---- gic.c: GICv2 / GIC-400 ---- */
/** Distributor: every shared interrupt off, priority 0xa0, to CPU 0. */
void rvx_a64_gic_init_dist(void);
/** This CPU's interface and banked SGIs/PPIs. */
void rvx_a64_gic_init_cpu(void);
/** Enable interrupt @p intid. */
void rvx_a64_gic_enable(uint32_t intid);
/** The SGI that makes a CPU pick again at once (a cross-CPU wake-up). */
#define RVX_A64_SGI_KICK 1u
/** Send SGI @p intid (0..15) to CPU @p cpu (dense index; its GIC CPU
 *  interface as rvx_a64_gic_init_cpu() found it). */
void rvx_a64_gic_sgi(uint32_t cpu, uint32_t intid);
/** Acknowledge: GICC_IAR. */
uint32_t rvx_a64_gic_ack(void);
/** End of interrupt for @p iar. */
void rvx_a64_gic_eoi(uint32_t iar);

/* ---- timer.c: the generic timer ---- */
/** Start this CPU's EL2 timer at @p period_ns and enable its PPI. */
void rvx_a64_timer_init_cpu(uint64_t period_ns);
/** Re-arm this CPU's timer for the next period. */
void rvx_a64_timer_rearm(void);
/** CNTPCT_EL0. */
uint64_t rvx_a64_counter(void);
/** CNTFRQ_EL0. */
uint64_t rvx_a64_counter_freq(void);
/** Counter ticks to nanoseconds. */
uint64_t rvx_a64_ticks_to_ns(uint64_t ticks);

/* ---- psci.c ---- */
/** PSCI SYSTEM_OFF (halts if the board has no PSCI). */
_Noreturn void rvx_a64_system_off(void);
/** PSCI SYSTEM_RESET (halts if the board has no PSCI). */
_Noreturn void rvx_a64_system_reset(void);
/** PSCI CPU_ON of @p mpidr at @p entry with @p ctx in x0; PSCI's return code. */
int rvx_a64_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx);

/* ---- exc.c ---- */
/** Called by boot.S for every exception; returns the frame to resume. */
struct rvx_a64_frame *rvx_a64_exception(uint64_t kind, struct rvx_a64_frame *f);
/** Exit QEMU through semihosting with @p code (0 = clean). */
_Noreturn void rvx_a64_exit(uint32_t code);
/** Print a panic report and exit non-zero. */
_Noreturn void rvx_a64_panic_frame(const char *why, uint64_t kind, const struct rvx_a64_frame *f);
/** Stop with a message naming @p err (exit code 6). */
_Noreturn void rvx_a64_fail(const char *what, int err);

/* ---- smp.c (and port.c): CPUs ---- */
/** Dense index of the calling CPU (from TPIDR_EL2; port.c). */
uint32_t rvx_a64_cpu_index(void);
/** Put the booting CPU first in the board's table (dense index 0). */
void rvx_a64_own_cpu_first(void);
/** Start every secondary CPU through rvx_a64_board.cpu_start, one at a
 *  time, waiting up to 500 ms for each; stops at the first that fails.
 *  Sets the online count; returns the CPUs up. */
uint32_t rvx_a64_smp_start(void);
/** CPUs up so far (the boot CPU included). */
uint32_t rvx_a64_cpus_up(void);
struct rvx_kernel;
/** Let the waiting secondaries schedule @p k's tasks at a @p tick_ns tick. */
void rvx_a64_smp_release(struct rvx_kernel *k, uint64_t tick_ns);
/** A secondary CPU's C entry (boot.S). */
_Noreturn void rvx_a64_secondary_main(uint32_t index);

/* ---- port.c ---- */
/** Set the CPU count rvx_port_cpu_count() reports. */
void rvx_a64_cpu_set_online(uint32_t count);
/** Seed the DRBG from the DTB's rng-seed; -RVX_ENOTSUP without one. */
int rvx_a64_entropy_init(void);
/** Mix @p len bytes from a hardware source (virtio-rng) into the DRBG
 *  (seeding it if the DTB gave no rng-seed); 0, or -RVX_EINVAL for fewer
 *  than 16 bytes when there is nothing to mix them into. */
int rvx_a64_entropy_mix(const void *data, size_t len);

/* ---- phys.c: physical pages (lib/buddy) ---- */
/** Place the allocator's page records and the task-stack arena
 *  (@p stacks_len bytes) in RAM clear of the image, the DTB and the initrd.
 *  Runs with the MMU off: it only computes; 0 or -1. */
int rvx_a64_phys_plan(uint64_t stacks_len);
/** The task-stack arena's address from rvx_a64_phys_plan() (0 before). */
uint64_t rvx_a64_phys_stacks(void);
/** With the MMU on: hand the DTB's memory to the buddy allocator, less the
 *  image, the DTB, the initrd, the arena and the page records, in chunks
 *  built when first needed (phys.c); builds the first; 0 or -1. */
int rvx_a64_phys_init(void);
/** A block of at least @p size bytes aligned to @p align (both rounded up
 *  to a power-of-two number of pages, at most one chunk: 16 MiB, more on a
 *  machine with over 1 GiB); not zeroed: its users initialise what they
 *  hand out. NULL when no block is free or the size is over a chunk. */
void *rvx_a64_alloc(uint64_t size, uint64_t align);
/** Give back a block rvx_a64_alloc() returned for the same @p size and
 *  @p align (a mismatch stops the machine). */
void rvx_a64_free(void *block, uint64_t size, uint64_t align);
/** Free and total pages (for the boot log). */
void rvx_a64_phys_stats(uint64_t *free_pages, uint64_t *total_pages);

struct rvx_syscall_args;
struct rvx_syscall_result;

/* ---- rt.c: the task runtime (tasks are EL2 threads scheduled by the nucleus) ---- */
/** Scheduler tick from the timer interrupt; returns the frame to resume. */
struct rvx_a64_frame *rvx_a64_rt_tick(struct rvx_a64_frame *f);
/** A task's SVC #0 (yield, or switch away after blocking); returns the frame to resume. */
struct rvx_a64_frame *rvx_a64_rt_svc(uint32_t imm, struct rvx_a64_frame *f);
/** Start scheduling on the calling CPU (timer and GIC already set up). */
void rvx_a64_rt_start(struct rvx_kernel *k);
/** The idle loop of a CPU: interrupts on, wait for the tick. */
_Noreturn void rvx_a64_rt_idle(void);
/** End the calling task through the nucleus (SVC #1); never returns. */
_Noreturn void rvx_a64_rt_exit(int32_t code);
/** A task's syscall: takes the kernel lock, blocks and resumes as needed. */
int rvx_a64_rt_syscall(uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
		       struct rvx_syscall_result *r);
/** Give up the CPU (the task stays ready). */
void rvx_a64_rt_yield(void);
/** Take the kernel lock (interrupts masked); returns the DAIF to restore. */
uint64_t rvx_a64_rt_lock(void);
/** Release the kernel lock. */
void rvx_a64_rt_unlock(uint64_t daif);
/** The task running on @p cpu, or UINT32_MAX. */
uint32_t rvx_a64_rt_current(uint32_t cpu);
/** Tasks dispatched on each CPU so far. */
uint64_t rvx_a64_rt_dispatches(uint32_t cpu);

/** How a trap from a partition leaves the CPU (rvx_a64_rt_trap_switch). */
#define RVX_A64_TRAP_YIELD 0u   /**< the task stays ready */
#define RVX_A64_TRAP_BLOCKED 1u /**< the task blocked in a syscall */
#define RVX_A64_TRAP_RESTART 2u /**< the task starts afresh when next picked */
#define RVX_A64_TRAP_EXITED 3u  /**< the task was ended (rvx_kernel_task_exit) */
/** Switch away from the running task after a trap (takes the kernel lock). */
struct rvx_a64_frame *rvx_a64_rt_trap_switch(struct rvx_a64_frame *f, uint32_t how);
/** rvx_a64_rt_trap_switch() with the kernel lock already held (the partition
 *  trap path decides and switches under one hold). */
struct rvx_a64_frame *rvx_a64_rt_trap_switch_locked(struct rvx_a64_frame *f, uint32_t how);
/** A kick (SGI RVX_A64_SGI_KICK) arrived: pick again at once, as the tick
 *  does but without advancing time; returns the frame to resume. */
struct rvx_a64_frame *rvx_a64_rt_kick(struct rvx_a64_frame *f);
/** Kicks this runtime has taken on @p cpu. */
uint64_t rvx_a64_rt_kicks(uint32_t cpu);
/** Timer interrupts this runtime has taken on @p cpu while scheduling. */
uint64_t rvx_a64_rt_ticks(uint32_t cpu);
/** A device interrupt's kernel work: run @p fn under the kernel lock (it
 *  may wake tasks, e.g. rvx_kernel_sensor_deliver()), then pick again on
 *  this CPU as a kick does; returns the frame to resume. */
struct rvx_a64_frame *rvx_a64_rt_device_irq(struct rvx_a64_frame *f,
					    void (*fn)(struct rvx_kernel *k, void *ctx),
					    void *ctx);
/** Drop a task's saved context: it restarts at its entry (kernel lock held). */
void rvx_a64_rt_restart(uint32_t task);

/* ---- partition hooks: the partition layer's (weak defaults: none) ---- */
/** A new frame for @p task: set it up to enter its partition at EL1; false
 *  if @p task is a kernel task. */
bool rvx_a64_part_task_init(uint32_t task, struct rvx_a64_frame *nf);
/** True if @p task belongs to a suspended partition: it was just picked and
 *  is now blocked in the scheduler until the partition resumes. */
bool rvx_a64_part_hold(uint32_t task);
/** CPU @p cpu switches to @p task (UINT32_MAX: it goes idle): load the EL1
 *  state and stage-2 base of a partition's task, save the one that ran. */
void rvx_a64_part_switch(uint32_t cpu, uint32_t task);
/** A synchronous exception or SError from EL1; returns the frame to resume. */
struct rvx_a64_frame *rvx_a64_part_trap(struct rvx_a64_frame *f);
/** Timer tick (kernel lock held): expire device leases. */
void rvx_a64_part_tick(uint64_t now);

/* ---- partitions: EL2 controls, EL1 state, stage 2, trap decode ---- */

/* HCR_EL2 bits the partition set-up sets (vm.c). */
#define RVX_A64_HCR_VM (UINT64_C(1) << 0)     /**< stage 2 translation on */
#define RVX_A64_HCR_DC (UINT64_C(1) << 12)    /**< EL1 MMU off: Normal cacheable accesses */
#define RVX_A64_HCR_TSC (UINT64_C(1) << 19)   /**< SMC from EL1 traps */
#define RVX_A64_HCR_TIDCP (UINT64_C(1) << 20) /**< implementation-defined registers trap */
#define RVX_A64_HCR_TSW (UINT64_C(1) << 22)   /**< set/way cache maintenance traps */
#define RVX_A64_HCR_RW (UINT64_C(1) << 31)    /**< EL1 is AArch64 */
/* MDCR_EL2 bits: EL1 accesses to the shared PMU and debug registers trap. */
#define RVX_A64_MDCR_TPMCR (UINT64_C(1) << 5)  /**< PMCR_EL0 */
#define RVX_A64_MDCR_TPM (UINT64_C(1) << 6)    /**< the other PMU registers */
#define RVX_A64_MDCR_TDA (UINT64_C(1) << 9)    /**< debug registers */
#define RVX_A64_MDCR_TDOSA (UINT64_C(1) << 10) /**< OS lock and power-down registers */
#define RVX_A64_MDCR_TDRA (UINT64_C(1) << 11)  /**< debug ROM address registers */
/** CNTHCTL_EL2.EL1PCTEN: EL1 may read the physical counter (EL1PCEN clear:
 *  it may not program the EL1 physical timer). */
#define RVX_A64_CNTHCTL_EL1PCTEN UINT64_C(1)
/** SPSR of a partition task's first entry: EL1h, DAIF masked at EL1 (EL2
 *  still takes its IRQs, HCR_EL2.IMO). */
#define RVX_A64_SPSR_EL1H_MASKED UINT64_C(0x3c5)
/** SCTLR_EL1 at a partition task's start: the RES1 bits, MMU and caches off. */
#define RVX_A64_SCTLR_EL1_RESET UINT64_C(0x30d00800)
/** CPACR_EL1.FPEN: FP/SIMD allowed at EL1 and EL0. */
#define RVX_A64_CPACR_FPEN (UINT64_C(3) << 20)
/** MAIR_EL1 at a partition task's start: attr0 Normal non-cacheable,
 *  attr1 Normal write-back. */
#define RVX_A64_MAIR_EL1_RESET UINT64_C(0xff44)

/** EL1 state that belongs to a partition task: what a switch saves and loads. */
struct rvx_a64_el1 {
	uint64_t sctlr;      /**< SCTLR_EL1 */
	uint64_t ttbr0;      /**< TTBR0_EL1 */
	uint64_t ttbr1;      /**< TTBR1_EL1 */
	uint64_t tcr;        /**< TCR_EL1 */
	uint64_t mair;       /**< MAIR_EL1 */
	uint64_t amair;      /**< AMAIR_EL1 */
	uint64_t vbar;       /**< VBAR_EL1 */
	uint64_t sp_el1;     /**< SP_EL1 */
	uint64_t sp_el0;     /**< SP_EL0 */
	uint64_t elr;        /**< ELR_EL1 */
	uint64_t spsr;       /**< SPSR_EL1 */
	uint64_t esr;        /**< ESR_EL1 */
	uint64_t far;        /**< FAR_EL1 */
	uint64_t afsr0;      /**< AFSR0_EL1 */
	uint64_t afsr1;      /**< AFSR1_EL1 */
	uint64_t contextidr; /**< CONTEXTIDR_EL1 */
	uint64_t tpidr_el1;  /**< TPIDR_EL1 */
	uint64_t tpidr_el0;  /**< TPIDR_EL0 */
	uint64_t tpidrro;    /**< TPIDRRO_EL0 */
	uint64_t cpacr;      /**< CPACR_EL1 */
	uint64_t par;        /**< PAR_EL1 */
	uint64_t cntkctl;    /**< CNTKCTL_EL1 */
	uint64_t csselr;     /**< CSSELR_EL1 */
};

/* el1.c: every partition task's EL1 state, by task slot (the nucleus's
 * task index). The three calls below have the shape of lib/part's
 * `struct rvx_part_arch_ops` members (cpu_reset's board half aside), so a
 * board puts them in its table as they are: the hot switch calls them
 * with no wrapper in between. @p ctx is unused. */
/** Task @p task's EL1 state at its (re)start: MMU off, vectors @p vbar,
 *  stack @p sp, FP/SIMD allowed, CONTEXTIDR_EL1 @p contextidr and
 *  TPIDR_EL1 @p tpidr (identities a partition may read). */
void rvx_a64_el1_reset(uint32_t task, uint64_t vbar, uint64_t sp, uint64_t contextidr,
		       uint64_t tpidr);
/** Save the EL1 registers into task @p task's state. */
void rvx_a64_el1_save(void *ctx, uint32_t task);
/** Load task @p task's EL1 state; @p prev is the task whose state the
 *  registers hold now (any value >= the task count: unknown), and only
 *  registers that differ from it are written where that is safe. */
void rvx_a64_el1_load(void *ctx, uint32_t task, uint32_t prev);

/* vm.c: stage 2 on this CPU (VTTBR_EL2, VTCR_EL2, the EL2 controls). */
/** Per CPU: 1 once rvx_a64_vm_cpu_setup() ran there. */
extern uint32_t rvx_a64_vm_cpu_ready[RVX_A64_MAX_CPUS];
/** Set the VTCR_EL2 every partition shares (the stage-2 tables' own,
 *  rvx_stage2_vtcr()); before the first rvx_a64_vm_enter(). */
void rvx_a64_vm_set_vtcr(uint64_t vtcr);
/** The EL2 controls for partitions on CPU @p cpu (the calling CPU): stage
 *  2 on, the VTCR_EL2 of rvx_a64_vm_set_vtcr(), the traps a partition must
 *  not escape (SMC, set/way maintenance, implementation-defined, PMU and
 *  debug registers, the EL1 physical timer). */
void rvx_a64_vm_cpu_setup(uint32_t cpu);

/** Run the calling CPU @p cpu under the stage 2 at @p vttbr (the EL2
 *  controls set on its first use). No TLB maintenance: translations are
 *  tagged with the VMID in @p vttbr. Inline: it is on the hot switch. */
static inline void rvx_a64_vm_enter(uint32_t cpu, uint64_t vttbr)
{
	if (__builtin_expect(!rvx_a64_vm_cpu_ready[cpu], 0))
		rvx_a64_vm_cpu_setup(cpu);
	__asm__ volatile("msr vttbr_el2, %0" ::"r"(vttbr));
}

/** Invalidate every stage 1+2 translation of the VMID in @p vttbr on
 *  every CPU of the inner-shareable domain (after its tables changed); the
 *  calling CPU's VTTBR_EL2 is restored. */
void rvx_a64_vm_sync(uint64_t vttbr);

struct rvx_stage2;
/** Pages of [@p base, @p base + @p size) (page aligned) whose stage-2
 *  mapping in @p s2 is not as expected: mapped with exactly
 *  @p perms, or unmapped when @p perms is 0 (the audit of a partition's
 *  tables). */
uint32_t rvx_a64_vm_check(const struct rvx_stage2 *s2, uint64_t base, uint64_t size,
			  uint32_t perms);

/* trap.c: a trap from EL1 into lib/part's `struct rvx_part_trap`. */
/* The partition hypercall ABI (HVC #imm from EL1) the decode knows. */
#define RVX_A64_HVC_SYSCALL 0u   /**< a nucleus syscall: x0 nr, x1 args, x2 result */
#define RVX_A64_HVC_YIELD 1u     /**< give up the CPU */
#define RVX_A64_HVC_EXCEPTION 3u /**< the partition took an exception: x1 the address */
/** The frame of the trap being decoded, per CPU (the board's
 *  rvx_a64_part_trap() sets it before it asks lib/part to decode). */
extern struct rvx_a64_frame *rvx_a64_trap_frame[RVX_A64_MAX_CPUS];
/** HVC immediates (bit n: #n, n < 32) the board handles itself: decoded
 *  as RVX_PART_TRAP_CALL with the immediate and x0..x2. */
extern uint32_t rvx_a64_hvc_board_calls;
struct rvx_part_trap;
/** Decode ESR_EL2 (and FAR_EL2, and rvx_a64_trap_frame[@p cpu]) into
 *  @p t: lib/part's trap_decode, in its shape (@p ctx unused). */
void rvx_a64_trap_decode(void *ctx, uint32_t cpu, struct rvx_part_trap *t);

/* ---- locks ---- */
/** A spinlock (test-and-test-and-set on __atomic builtins). */
struct rvx_a64_lock {
	uint32_t v; /**< 0 free, 1 held */
};

/** Mask IRQs; returns the DAIF to restore. */
static inline uint64_t rvx_a64_irq_save(void)
{
	uint64_t daif;

	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
	return daif;
}

/** Restore DAIF from rvx_a64_irq_save(). */
static inline void rvx_a64_irq_restore(uint64_t daif)
{
	__asm__ volatile("msr daif, %0" ::"r"(daif) : "memory");
}

/** Set once the boot CPU's MMU is on: before that, one CPU runs and all
 *  memory is Device memory, where exclusive accesses are not reliable, so
 *  locks are not taken. */
extern uint32_t rvx_a64_locks_live;

/** Take @p l (a no-op until rvx_a64_locks_live). */
static inline void rvx_a64_lock_take(struct rvx_a64_lock *l)
{
	if (__builtin_expect(__atomic_load_n(&rvx_a64_locks_live, __ATOMIC_RELAXED) == 0u, 0))
		return;
	while (__atomic_exchange_n(&l->v, 1u, __ATOMIC_ACQUIRE) != 0u) {
		while (__atomic_load_n(&l->v, __ATOMIC_RELAXED) != 0u)
			__asm__ volatile("yield");
	}
}

/** Release @p l. */
static inline void rvx_a64_lock_give(struct rvx_a64_lock *l)
{
	__atomic_store_n(&l->v, 0u, __ATOMIC_RELEASE);
}

/** Mask IRQs and take @p l; returns the DAIF to restore. */
static inline uint64_t rvx_a64_lock_irqsave(struct rvx_a64_lock *l)
{
	uint64_t daif = rvx_a64_irq_save();

	rvx_a64_lock_take(l);
	return daif;
}

/** Release @p l and restore DAIF. */
static inline void rvx_a64_unlock_irqrestore(struct rvx_a64_lock *l, uint64_t daif)
{
	rvx_a64_lock_give(l);
	rvx_a64_irq_restore(daif);
}

/** Read system register @p name. */
#define RVX_A64_SYSREG_READ(name)                                              \
	__extension__({                                                        \
		uint64_t v_;                                                   \
		__asm__ volatile("mrs %0, " #name : "=r"(v_));                \
		v_;                                                            \
	})

#endif
