/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Context switch for x86-64 hosts (System V ABI); see ruvix/hosted_ctx.h.
 *
 * A suspended context's stack pointer points at this frame (64 bytes):
 *
 *   sp+0   MXCSR (4 bytes)      sp+32  r12
 *   sp+4   x87 control word     sp+40  rbx
 *          (2 bytes, 2 unused)  sp+48  rbp
 *   sp+8   r15                  sp+56  return address
 *   sp+16  r14
 *   sp+24  r13
 *
 * hctx.c builds the same frame for a new context, with the return address
 * pointing at rvx_hctx_start_. Every suspended context has this layout, so
 * the CFI below stays right after the stack pointer is swapped, and a
 * debugger can unwind through a switch in either context.
 *
 * The ABI makes the MXCSR control bits and the x87 control word
 * callee-saved; the status flags are not, but saving the whole MXCSR is
 * one instruction either way.
 */

/* With ASan the C wrapper in hctx.c is rvx_hctx_switch (it annotates the
 * stack switch); otherwise this code is the public function itself. */
#if !RVX_HCTX_FIBER_HOOKS
	.globl	rvx_hctx_switch
	.type	rvx_hctx_switch, @function
#endif
	.globl	rvx_hctx_switch_raw_
	.hidden	rvx_hctx_switch_raw_
	.type	rvx_hctx_switch_raw_, @function
	.globl	rvx_hctx_start_
	.hidden	rvx_hctx_start_
	.type	rvx_hctx_start_, @function

	.text
	.p2align 4
#if !RVX_HCTX_FIBER_HOOKS
rvx_hctx_switch:
#endif
rvx_hctx_switch_raw_:
	.cfi_startproc
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r13, 0
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r14, 0
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r15, 0
	subq	$8, %rsp
	.cfi_adjust_cfa_offset 8
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)

	/* from->sp = rsp; rsp = to->sp */
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp

	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
	popq	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r15
	popq	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r14
	popq	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r13
	popq	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r12
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbx
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size	rvx_hctx_switch_raw_, . - rvx_hctx_switch_raw_
#if !RVX_HCTX_FIBER_HOOKS
	.size	rvx_hctx_switch, . - rvx_hctx_switch
#endif

/*
 * First code of a new context, reached by the switch's `ret` with
 * r12 = entry, r13 = arg, r14 = on_return and rsp 16-byte aligned, so the
 * call below enters C as the ABI requires. rvx_hctx_run_ never returns; if
 * it did, ud2 stops the context. The return address is undefined for
 * unwinders: this is the outermost frame.
 */
	.p2align 4
rvx_hctx_start_:
	.cfi_startproc
	.cfi_undefined %rip
	movq	%r13, %rdi
	movq	%r12, %rsi
	movq	%r14, %rdx
	call	rvx_hctx_run_
	ud2
	.cfi_endproc
	.size	rvx_hctx_start_, . - rvx_hctx_start_

	.section .note.GNU-stack, "", @progbits
