/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Context switch for AArch64 hosts (AAPCS64); see ruvix/hosted_ctx.h.
 *
 * A suspended context's stack pointer points at this frame (176 bytes,
 * keeping sp 16-byte aligned as AArch64 requires):
 *
 *   sp+0    x19, x20     sp+96   d8, d9
 *   sp+16   x21, x22     sp+112  d10, d11
 *   sp+32   x23, x24     sp+128  d12, d13
 *   sp+48   x25, x26     sp+144  d14, d15
 *   sp+64   x27, x28     sp+160  FPCR (8 bytes, 8 unused)
 *   sp+80   x29, x30
 *
 * x30 is the address the switch returns to. hctx.c builds the same frame
 * for a new context, with x30 pointing at rvx_hctx_start_. FPCR (rounding
 * mode and friends) is preserved across calls by the procedure call
 * standard, so it is saved with the registers.
 */

#if !RVX_HCTX_FIBER_HOOKS
	.globl	rvx_hctx_switch
	.type	rvx_hctx_switch, %function
#endif
	.globl	rvx_hctx_switch_raw_
	.hidden	rvx_hctx_switch_raw_
	.type	rvx_hctx_switch_raw_, %function
	.globl	rvx_hctx_start_
	.hidden	rvx_hctx_start_
	.type	rvx_hctx_start_, %function

	.text
	.p2align 4
#if !RVX_HCTX_FIBER_HOOKS
rvx_hctx_switch:
#endif
rvx_hctx_switch_raw_:
	.cfi_startproc
	sub	sp, sp, #176
	.cfi_adjust_cfa_offset 176
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	.cfi_rel_offset x29, 80
	.cfi_rel_offset x30, 88
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mrs	x9, fpcr
	str	x9, [sp, #160]

	/* from->sp = sp; sp = to->sp */
	mov	x9, sp
	str	x9, [x0]
	ldr	x9, [x1]
	mov	sp, x9

	ldr	x9, [sp, #160]
	msr	fpcr, x9
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #176
	.cfi_adjust_cfa_offset -176
	.cfi_restore x29
	.cfi_restore x30
	ret
	.cfi_endproc
	.size	rvx_hctx_switch_raw_, . - rvx_hctx_switch_raw_
#if !RVX_HCTX_FIBER_HOOKS
	.size	rvx_hctx_switch, . - rvx_hctx_switch
#endif

/*
 * First code of a new context, reached by the switch's `ret` with
 * x19 = entry, x20 = arg, x21 = on_return and sp 16-byte aligned.
 * rvx_hctx_run_ never returns; if it did, brk stops the context. This is
 * the outermost frame, so the return address is undefined for unwinders.
 */
	.p2align 4
rvx_hctx_start_:
	.cfi_startproc
	.cfi_undefined x30
	mov	x0, x20
	mov	x1, x19
	mov	x2, x21
	bl	rvx_hctx_run_
	brk	#0x3e8
	.cfi_endproc
	.size	rvx_hctx_start_, . - rvx_hctx_start_

	.section .note.GNU-stack, "", %progbits
