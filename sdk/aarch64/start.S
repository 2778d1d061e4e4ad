/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A component's start-up on the AArch64 targets (ruvix/user_image.h): the
 * image header, the task entry and the EL1 vectors. The kernel enters
 * rvx_user_a64_start at EL1 (MMU off, its stage 2 on) with x0 = the task's
 * struct rvx_user_start, x1 = its entry, SP_EL1 = the top of its stack and
 * VBAR_EL1 = rvx_user_a64_vectors.
 */
	.section .rvx_header, "a"
	.balign 8
	.globl rvx_user_a64_header
rvx_user_a64_header:
	.word 0x43585652		/* magic "RVXC" */
	.hword 1			/* version */
	.hword 64			/* header size */
	.quad __rvx_image_start		/* link address */
	.quad __rvx_text_size		/* header + text + rodata, page multiple */
	.quad __rvx_data_size		/* data, page multiple */
	.quad __rvx_bss_size		/* bss */
	.word __rvx_start_off		/* start-up code */
	.word __rvx_vectors_off		/* EL1 vectors */
	.quad 0, 0

/* The default entry, at offset 64 right after the header: a manifest may
 * name `entry=64` for a component whose entry is rvx_component_main()
 * (the convention of components that build for every target). A component
 * without one that is entered here ends with code -1. */
	.section .text.rvx_entry, "ax"
	.balign 4
	.weak rvx_component_main
	.globl rvx_user_a64_default_entry
rvx_user_a64_default_entry:
	ldr x9, 2f
	cbz x9, 1f
	br x9
1:	mov x0, #-1
	hvc #6
	b .
	.balign 8
2:	.quad rvx_component_main

	.section .text.rvx_start, "ax"
	.balign 8
	.globl rvx_user_a64_start
rvx_user_a64_start:
	/* FP/SIMD at EL1 and EL0 untrapped (the kernel saves them on a switch). */
	mov x9, #(3 << 20)
	msr cpacr_el1, x9
	isb
	mov x29, #0
	mov x30, #0
	blr x1
	/* Returned: end the task with code 0. */
	mov x0, #0
	hvc #6
	b .

/* Any exception taken at EL1 (an undefined instruction, an alignment
 * fault, an SVC) is reported to the kernel, which faults the task; the
 * kernel never returns to it. */
	.section .text.rvx_vectors, "ax"
	.balign 2048
	.globl rvx_user_a64_vectors
rvx_user_a64_vectors:
	.rept 16
	.balign 128
	mrs x0, esr_el1
	mrs x1, elr_el1
	mrs x2, far_el1
	hvc #3
	b .
	.endr
