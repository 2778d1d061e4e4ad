/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helpers that put known values in every callee-saved register around
 * a context switch, which C cannot do (the compiler picks its registers).
 *
 * uint32_t rvx_test_switch_check(struct rvx_hctx *from, struct rvx_hctx *to,
 *                                uint64_t seed)
 *   Loads rbx, rbp, r12..r15 with seed+1..seed+6, switches, and returns a
 *   bit mask of the registers that no longer hold their value (0 = all
 *   preserved). The caller's own registers are saved and restored.
 *
 * void rvx_test_switch_clobber(struct rvx_hctx *from, struct rvx_hctx *to)
 *   Fills the same registers with garbage, then switches: the context
 *   switched to must not see it.
 */
	.text
	.globl	rvx_test_switch_check
	.type	rvx_test_switch_check, @function
	.p2align 4
rvx_test_switch_check:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp		/* the seed's slot; realigns rsp to 16 */
	movq	%rdx, (%rsp)
	leaq	1(%rdx), %rbx
	leaq	2(%rdx), %rbp
	leaq	3(%rdx), %r12
	leaq	4(%rdx), %r13
	leaq	5(%rdx), %r14
	leaq	6(%rdx), %r15
	call	rvx_hctx_switch@PLT
	movq	(%rsp), %rdx
	xorl	%eax, %eax
	leaq	1(%rdx), %rcx
	cmpq	%rcx, %rbx
	je	1f
	orl	$0x01, %eax
1:	leaq	2(%rdx), %rcx
	cmpq	%rcx, %rbp
	je	2f
	orl	$0x02, %eax
2:	leaq	3(%rdx), %rcx
	cmpq	%rcx, %r12
	je	3f
	orl	$0x04, %eax
3:	leaq	4(%rdx), %rcx
	cmpq	%rcx, %r13
	je	4f
	orl	$0x08, %eax
4:	leaq	5(%rdx), %rcx
	cmpq	%rcx, %r14
	je	5f
	orl	$0x10, %eax
5:	leaq	6(%rdx), %rcx
	cmpq	%rcx, %r15
	je	6f
	orl	$0x20, %eax
6:	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	rvx_test_switch_check, . - rvx_test_switch_check

	.globl	rvx_test_switch_clobber
	.type	rvx_test_switch_clobber, @function
	.p2align 4
rvx_test_switch_clobber:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	movabsq	$0xdeadbeefcafef00d, %rax
	movq	%rax, %rbx
	notq	%rax
	movq	%rax, %rbp
	rolq	$7, %rax
	movq	%rax, %r12
	rolq	$7, %rax
	movq	%rax, %r13
	rolq	$7, %rax
	movq	%rax, %r14
	rolq	$7, %rax
	movq	%rax, %r15
	call	rvx_hctx_switch@PLT
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	rvx_test_switch_clobber, . - rvx_test_switch_clobber

	.section .note.GNU-stack, "", @progbits
