/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * rvsh, the in-kernel debug shell: line editing over a caller's buffer, a
 * tokenizer and sixteen commands that read a running kernel through its
 * public calls (ruvix/nucleus.h, ruvix/nucleus_query.h) and the port's
 * optional hooks (struct rvx_shell_port).
 *
 * Order of use: the port gives rvx_shell_init() a booted kernel, the task
 * the shell acts as (the actor of the records it writes), a line buffer and
 * an output callback; then it feeds received bytes to rvx_shell_input()
 * (which edits the line, echoes if asked and runs each completed line) or
 * whole lines to rvx_shell_exec(). No heap, no libc I/O: every byte of
 * storage is the caller's, every byte of output goes through the callback.
 *
 * Commands: help, info, mem, tasks, caps TASK, queues, vectors, graphs,
 * proofs, irq, cpu, witness tail N, witness verify, trace on|off (no
 * argument: show the trace), perf, panic, reboot. What the shell changes,
 * it witnesses first (rvx_kernel_port_record(), kinds RVX_SHELL_WITNESS_*):
 * switching the syscall trace and asking the port to reboot. Bad input (an
 * unknown command, a missing or malformed number, a line longer than the
 * buffer, bytes that are not printable) gets one line starting "rvsh: " and
 * changes nothing.
 *
 * The caller serialises calls on one shell and holds its kernel lock (if it
 * has one) around rvx_shell_input() and rvx_shell_exec().
 */
#ifndef RUVIX_SHELL_H
#define RUVIX_SHELL_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/nucleus.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Witness kind of a trace switch (actor: the shell's task; target: 1 on, 0 off). */
#define RVX_SHELL_WITNESS_TRACE ((uint16_t)(RVX_WITNESS_KIND_USER + 0x100u))
/** Witness kind of a reboot the shell asked for (actor: the shell's task; target 0). */
#define RVX_SHELL_WITNESS_REBOOT ((uint16_t)(RVX_WITNESS_KIND_USER + 0x101u))
/** Smallest line buffer rvx_shell_init() takes. */
#define RVX_SHELL_LINE_MIN 16u
/** Most tokens one line is split into (more is an error). */
#define RVX_SHELL_TOKENS_MAX 8u
/** What rvx_shell_exec() returns after `reboot` when the port's hook returned. */
#define RVX_SHELL_STOP 1

/** Receives the shell's output (not NUL-terminated). */
typedef void (*rvx_shell_write_fn)(void *ctx, const char *s, size_t len);

/** One CPU as the port sees it (struct rvx_shell_port::cpu). */
struct rvx_shell_cpu {
	uint32_t online;     /**< 1 if it schedules tasks. */
	uint32_t current;    /**< Task running there, or RVX_CAP_NIL (idle). */
	uint64_t dispatches; /**< Tasks dispatched there. */
	uint64_t kicks;      /**< Cross-CPU kicks taken. */
};

/** One interrupt source (struct rvx_shell_port::irq). */
struct rvx_shell_irq {
	const char *name; /**< What raises it ("timer", "uart", ...). */
	uint32_t intid;   /**< Its interrupt number. */
	uint64_t count;   /**< Times taken since boot. */
};

/** One named counter (struct rvx_shell_port::counter). */
struct rvx_shell_counter {
	const char *name; /**< Its name. */
	uint64_t value;   /**< Its value. */
};

/** One panic or contained fault the port remembers (struct rvx_shell_port::panic). */
struct rvx_shell_panic {
	uint64_t time;      /**< When (ns, the kernel's clock). */
	const char *what;   /**< What happened. */
};

/**
 * What a port tells the shell beyond the kernel's own calls. Every member is
 * optional (NULL or 0): a command whose source is missing says so in one
 * line. Indexed hooks return 0, or -RVX_ENOENT past their last entry.
 */
struct rvx_shell_port {
	void *ctx;                 /**< Passed to every hook. */
	const char *board;         /**< Board name ("qemu-virt", "hosted"). */
	const char *cpu_model;     /**< CPU model. */
	uint64_t ram_bytes;        /**< RAM the kernel runs in. */
	uint64_t boot_ns;          /**< Kernel time at boot. */
	/** Kernel time now (ns). */
	uint64_t (*now_ns)(void *ctx);
	/** The name of a task (a program, a package's task), or NULL. */
	const char *(*task_name)(void *ctx, uint32_t task);
	/** Physical pages: free and total, and the page size. */
	int (*phys)(void *ctx, uint64_t *free_pages, uint64_t *total_pages, uint32_t *page_size);
	/** CPU @p cpu. */
	int (*cpu)(void *ctx, uint32_t cpu, struct rvx_shell_cpu *out);
	/** Interrupt source @p i. */
	int (*irq)(void *ctx, uint32_t i, struct rvx_shell_irq *out);
	/** Counter @p i. */
	int (*counter)(void *ctx, uint32_t i, struct rvx_shell_counter *out);
	/** Panic or contained fault @p i (0 the oldest kept). */
	int (*panic)(void *ctx, uint32_t i, struct rvx_shell_panic *out);
	/** The witness records the port keeps (an embedder sink), oldest
	 *  first, contiguous: NULL to use the kernel's own ring. */
	int (*witness)(void *ctx, const uint8_t **records, uint64_t *first, uint64_t *count);
	/** The chain point before the first record @ref witness gives, when
	 *  that is not sequence 0 (older records gave way, kept on a disk):
	 *  `witness verify` then verifies from it. NULL: only a log kept from
	 *  the origin is verified. */
	int (*witness_anchor)(void *ctx, struct rvx_witness_anchor *out);
	/** Reboot. Returns only if the port cannot (or, hosted, ends the shell). */
	int (*reboot)(void *ctx);
};

/** A shell. Plain state over the caller's buffer; treat the fields as private. */
struct rvx_shell {
	struct rvx_kernel *k;               /**< The kernel looked at. */
	const struct rvx_shell_port *port;  /**< The port's hooks (never NULL after init). */
	rvx_shell_write_fn write;           /**< Output. */
	void *write_ctx;                    /**< Passed to @ref write. */
	char *line;                         /**< The caller's line buffer. */
	size_t cap;                         /**< Its bytes (one kept for the end). */
	size_t len;                         /**< Bytes in the line being edited. */
	uint32_t self;                      /**< The shell's task. */
	uint32_t echo;                      /**< 1: echo input and edits. */
	uint32_t overflow;                  /**< 1: the line outgrew the buffer; drop it at its end. */
	uint32_t binary;                    /**< 1: the line held a byte that is not text. */
	uint32_t last_cr;                   /**< 1: the last byte was CR (a following LF is not a second line). */
	uint32_t reserved;                  /**< 0. */
	uint64_t lines;                     /**< Lines run. */
	uint64_t errors;                    /**< Of them, refused. */
};

/**
 * Set a shell up over a booted kernel.
 * @param[out] sh   the shell
 * @param k         the kernel
 * @param self      the task the shell acts as (a live task)
 * @param line      line buffer (the longest line is @p cap - 1 bytes)
 * @param cap       bytes at @p line, at least RVX_SHELL_LINE_MIN
 * @param write     output callback
 * @param write_ctx passed to @p write
 * @param port      the port's hooks (may be NULL: none)
 * @param echo      1 to echo input (a terminal), 0 not to (a pipe)
 * @retval 0 ready
 * @retval -RVX_EINVAL a NULL pointer, @p cap too small, @p echo above 1, or
 *         @p self is not a live task of a booted @p k
 */
int rvx_shell_init(struct rvx_shell *sh, struct rvx_kernel *k, uint32_t self, char *line,
		   size_t cap, rvx_shell_write_fn write, void *write_ctx,
		   const struct rvx_shell_port *port, uint32_t echo);

/**
 * Write the prompt ("rvsh> ").
 * @param sh the shell
 */
void rvx_shell_prompt(struct rvx_shell *sh);

/**
 * Feed received bytes: printable bytes go into the line, backspace (0x08 or
 * 0x7f) removes the last, Ctrl-U (0x15) clears the line, Ctrl-C (0x03)
 * abandons it, CR or LF (CR LF counts once) runs it and prompts again. A
 * line longer than the buffer, or holding other control or non-ASCII bytes,
 * is refused whole when it ends.
 * @param sh  the shell
 * @param in  the bytes (may be NULL if @p len is 0)
 * @param len bytes at @p in
 * @retval 0 consumed
 * @retval RVX_SHELL_STOP a `reboot` ran and the port's hook returned (stop feeding)
 * @retval -RVX_EINVAL @p sh is NULL, or @p in NULL with @p len non-zero
 */
int rvx_shell_input(struct rvx_shell *sh, const char *in, size_t len);

/**
 * Run one command line (no line editing; @p len bytes, no end of line).
 * @param sh   the shell
 * @param line the line (may be NULL if @p len is 0)
 * @param len  bytes at @p line
 * @retval 0 ran (an empty line does nothing)
 * @retval RVX_SHELL_STOP `reboot` ran and the port's hook returned
 * @retval -RVX_EINVAL a NULL pointer, a line with a byte that is not
 *         printable ASCII, too many tokens, a malformed number or a bad
 *         argument (one "rvsh: " line was written)
 * @retval -RVX_ENOENT an unknown command, or no such task
 * @retval -RVX_ENOTSUP the port does not provide what the command reads
 * @retval -RVX_EBADSIG `witness verify` found a bad record
 * @retval other the kernel's error for a command that changes something
 *         (trace, reboot): nothing changed
 */
int rvx_shell_exec(struct rvx_shell *sh, const char *line, size_t len);

/**
 * Parse a decimal or 0x-prefixed hexadecimal unsigned number, whole.
 * @param s   the text
 * @param len its bytes
 * @param max the largest value accepted
 * @param[out] out the value
 * @retval 0 parsed
 * @retval -RVX_EINVAL empty, a byte that is not a digit, or above @p max
 */
int rvx_shell_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_SHELL_H */
