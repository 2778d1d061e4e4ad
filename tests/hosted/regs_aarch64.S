/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AArch64 versions of the helpers in regs_x86_64.S: x19..x29 get
 * seed+1..seed+11 and d8..d15 get seed+12..seed+19 (as raw bits); the mask
 * has bit i set when register i of that list lost its value.
 */
	.text
	.globl	rvx_test_switch_check
	.type	rvx_test_switch_check, %function
	.p2align 2
rvx_test_switch_check:
	sub	sp, sp, #176
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	str	x2, [sp, #160]
	add	x19, x2, #1
	add	x20, x2, #2
	add	x21, x2, #3
	add	x22, x2, #4
	add	x23, x2, #5
	add	x24, x2, #6
	add	x25, x2, #7
	add	x26, x2, #8
	add	x27, x2, #9
	add	x28, x2, #10
	add	x29, x2, #11
	add	x9, x2, #12
	fmov	d8, x9
	add	x9, x2, #13
	fmov	d9, x9
	add	x9, x2, #14
	fmov	d10, x9
	add	x9, x2, #15
	fmov	d11, x9
	add	x9, x2, #16
	fmov	d12, x9
	add	x9, x2, #17
	fmov	d13, x9
	add	x9, x2, #18
	fmov	d14, x9
	add	x9, x2, #19
	fmov	d15, x9
	bl	rvx_hctx_switch
	ldr	x2, [sp, #160]
	mov	x0, #0
	.macro	chk reg, k, bit
	add	x9, x2, #\k
	cmp	\reg, x9
	b.eq	1f
	orr	x0, x0, #(1 << \bit)
1:
	.endm
	.macro	chkd reg, k, bit
	add	x9, x2, #\k
	fmov	x10, \reg
	cmp	x10, x9
	b.eq	1f
	orr	x0, x0, #(1 << \bit)
1:
	.endm
	chk	x19, 1, 0
	chk	x20, 2, 1
	chk	x21, 3, 2
	chk	x22, 4, 3
	chk	x23, 5, 4
	chk	x24, 6, 5
	chk	x25, 7, 6
	chk	x26, 8, 7
	chk	x27, 9, 8
	chk	x28, 10, 9
	chk	x29, 11, 10
	chkd	d8, 12, 11
	chkd	d9, 13, 12
	chkd	d10, 14, 13
	chkd	d11, 15, 14
	chkd	d12, 16, 15
	chkd	d13, 17, 16
	chkd	d14, 18, 17
	chkd	d15, 19, 18
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
	ret
	.size	rvx_test_switch_check, . - rvx_test_switch_check

	.globl	rvx_test_switch_clobber
	.type	rvx_test_switch_clobber, %function
	.p2align 2
rvx_test_switch_clobber:
	sub	sp, sp, #176
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	movz	x9, #0xdead
	mvn	x10, x9
	mov	x19, x9
	mov	x20, x10
	mov	x21, x9
	mov	x22, x10
	mov	x23, x9
	mov	x24, x10
	mov	x25, x9
	mov	x26, x10
	mov	x27, x9
	mov	x28, x10
	fmov	d8, x9
	fmov	d9, x10
	fmov	d10, x9
	fmov	d11, x10
	fmov	d12, x9
	fmov	d13, x10
	fmov	d14, x9
	fmov	d15, x10
	bl	rvx_hctx_switch
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
	ret
	.size	rvx_test_switch_clobber, . - rvx_test_switch_clobber

	.section .note.GNU-stack, "", %progbits
