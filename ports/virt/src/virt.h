/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The QEMU virt board (ports/virt): what it adds to the AArch64 core
 * (ports/aarch64, a64.h). The board reads the DTB into rvx_a64_board (its
 * PL011 console, PSCI for the secondary CPUs), owns the boot sequence and
 * the kernel object (main.c), the component loader (component.c) and,
 * for now, the partitions (part.c, part_setup.c, the programs, guest.c).
 */
#ifndef RVX_VIRT_H
#define RVX_VIRT_H

#include "a64.h"
#include "ruvix/types.h"

/* The board half main.c calls (virt: fdt.c; the Raspberry Pi 4 image,
 * which shares main.c and the component loader: ports/rpi4/src/board.c). */
/** Parse the DTB into rvx_a64_board (console, memory, GIC, timer, CPUs);
 *  returns 0 or a negative libfdt error with *what naming the part that
 *  was missing or malformed. Runs with the MMU off. */
int rvx_virt_fdt_parse(const void *dtb, const char **what);
/** Bring up the console rvx_virt_fdt_parse() found and set
 *  rvx_a64_board.console_write; false if there is none (MMU off). */
bool rvx_virt_board_console(void);
/** The board's boot-log lines about its devices (MMU off, console up). */
void rvx_virt_board_report(void);
/** Start the secondary CPUs the board can start (MMU on, kernel booted). */
void rvx_virt_board_smp(void);
/** Reset the machine (virt: PSCI SYSTEM_RESET; the Pi 4: the PM
 *  watchdog's full reset); the console is flushed first by the caller. */
_Noreturn void rvx_virt_board_reset(void);
/** The board's name in the banner ("virt", "rpi4"). */
extern const char rvx_virt_board_name[];
/** What the EL1-entry refusal adds (how to get EL2 on this board). */
extern const char rvx_virt_board_el2_hint[];
/** The console UART's GIC interrupt id, for rvsh's receive interrupt (0: the
 *  board found none, and the shell is unavailable). */
extern uint32_t rvx_virt_uart_intid;
/** rvsh's receive path on the console UART, from its interrupt under the
 *  kernel lock: up to @p cap received bytes into @p buf, the count taken
 *  (the interrupt quiets once the UART holds no more). */
size_t rvx_virt_console_rx(char *buf, size_t cap);
/** Turn the console UART's receive interrupt on or off (off: the bytes
 *  wait in its FIFO and the sender is held back). */
void rvx_virt_console_rx_irq(bool on);
/** The machine as rvsh's `info` names it ("qemu-virt", the Pi's model). */
const char *rvx_virt_board_model(void);

struct rvx_kernel_root;
/** The kernel object. */
struct rvx_kernel *rvx_virt_kernel(void);
/** The root task's capabilities. */
const struct rvx_kernel_root *rvx_virt_root_caps(void);
/** Spin (never yielding) for @p ns, doing FP work; counts the gaps that
 *  preemption left in *preempted; false if FP state was lost. */
bool rvx_virt_spin(uint64_t ns, uint64_t *preempted);

/* part_setup.c: partitions at EL1 under stage 2 (-append rvx.partitions);
 * part.c provides the core's partition hooks (rvx_a64_part_*). */
/** Partition programs (the rvx.partitions boot argument). */
#define RVX_VIRT_PART_DEMO 0u       /**< rvx.partitions: both on CPU 0 */
#define RVX_VIRT_PART_BENCH 1u      /**< rvx.partitions=bench: the figures */
#define RVX_VIRT_PART_SMP 2u        /**< rvx.partitions=smp: A on CPU 1, B on CPU 2, A moved to 3 */
#define RVX_VIRT_PART_SMP_SHARED 3u /**< rvx.partitions=smp-shared: both on the last CPU */
#define RVX_VIRT_PART_NUMA 4u       /**< rvx.partitions=numa: four partitions, two clusters */
/** Run partition program @p mode (RVX_VIRT_PART_*) from the root task. */
void rvx_virt_part_main(uint32_t mode);
/** True while partitions exist. */
bool rvx_virt_part_mode(void);
/* shell.c (with the kernel-shell option): rvsh on the console. */
/** Built in and asked for (rvx.shell=on)? */
bool rvx_virt_shell_wanted(void);
/** From the root task: spawn the shell's task on CPU 0 with its console
 *  sensor and input queue; 0 or a kernel error. */
int rvx_virt_shell_start(uint32_t root, rvx_handle_t task_cap, rvx_handle_t clock_cap);
/** The shell's task body (entry RVX_VIRT_PROG_SHELL). */
void rvx_virt_shell_main(uint32_t task);
/** True once the shell has ended; *reboot says whether it asked to. */
bool rvx_virt_shell_done(bool *reboot);
/** The witness records the image keeps (main.c's sink), oldest first,
 *  contiguous; 0. Call under the kernel lock. */
int rvx_virt_witness_records(const uint8_t **records, uint64_t *first, uint64_t *count);
/** The keep behind main.c's witness sink: after a restore, start it at the
 *  kernel's restored anchor (what it held was another history); 0 or
 *  -RVX_EINVAL (kernel not booted). */
int rvx_virt_witness_restart(void);
/** Records below @p sequence are durable elsewhere (acknowledged by the
 *  persistent store) and may give way in the keep; 0, or -RVX_EINVAL if
 *  @p sequence is beyond the records held (nothing changes). */
int rvx_virt_witness_release(uint64_t sequence);
/** Print the witness dump (RVX-WITNESS-BEGIN ... END; with an
 *  RVX-WITNESS-ANCHOR line when the oldest records gave way). */
void rvx_virt_witness_dump(void);
/** The keep itself (read only): held records, anchor, records given way. */
const struct rvx_witness_keep *rvx_virt_witness_keep(void);
/** Entry of the shell's task. */
#define RVX_VIRT_PROG_SHELL 0x5348u
/* True if the boot arguments hold @p word (a whole, space-separated word). */
bool rvx_virt_bootarg(const char *word);
/** rvx.test=stack-reuse (a test mode, main.c): called by the CPU that
 *  ended component task @p task and switched away from it, on its way out
 *  of the trap (kernel lock not held). Once per boot, a new task is
 *  spawned into the ended task's index on another CPU and writes over the
 *  whole top half of that index's stack before this CPU returns; the image
 *  must come through unharmed (the CPU no longer uses the ended task's
 *  stack once it has switched away). */
void rvx_virt_test_stack_reuse(uint32_t task);
/** rvx.test=teardown-reuse (part_setup.c): spawn a task into index @p task
 *  (a partition task the teardown just ended) on CPU @p to, in the same
 *  hold of the kernel lock as the teardown; it zeroes the top half of its
 *  stack and keeps running there until released. 0 or the kernel's error. */
int rvx_virt_test_teardown_reuse_spawn(uint32_t task, uint32_t to);
/** rvx.test=teardown-reuse, after the spawn (lock not held): once the new
 *  task has zeroed its stack, CPU @p was (where the old task ran) is
 *  kicked through the kernel; then the new task checks every zero. Stops
 *  the image if the stack was written over. */
void rvx_virt_test_teardown_reuse_check(uint32_t task, uint32_t to, uint32_t was);

#endif
