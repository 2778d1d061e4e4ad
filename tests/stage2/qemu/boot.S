/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entry at EL2 (QEMU virt, virtualization=on), the EL2 exception vectors
 * (only "synchronous from a lower EL, AArch64" is expected), and the guest:
 * a page of EL1 code that touches memory through the stage-2 tables built
 * by lib/stage2 and reports to EL2 with HVC.
 */
	.section .text.boot, "ax"
	.global _start
_start:
	mrs	x0, CurrentEL
	cmp	x0, #(2 << 2)
	b.ne	not_el2
	ldr	x0, =el2_stack + 16384
	mov	sp, x0
	ldr	x0, =bss_start
	ldr	x1, =bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	adr	x0, el2_vectors
	msr	vbar_el2, x0
	isb
	bl	el2_main
	/* el2_main enters the guest and never returns */
not_el2:
	mov	x0, #3
	b	semihost_exit

/* semihost_exit(code): SYS_EXIT with ADP_Stopped_ApplicationExit. */
	.global semihost_exit
semihost_exit:
	adr	x1, exit_block
	movz	x2, #0x0026
	movk	x2, #0x2, lsl #16
	stp	x2, x0, [x1]
	mov	x0, #0x18
	hlt	#0xf000
3:	b	3b

	.balign 16
exit_block:
	.quad 0, 0

/* Enter the guest: x0 = entry IPA, x1 = guest stack IPA. */
	.global enter_guest
enter_guest:
	msr	elr_el2, x0
	msr	sp_el1, x1
	mov	x0, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x0
	isb
	eret

/* Vectors: every entry but "lower EL, AArch64, synchronous" is fatal. */
	.balign 2048
el2_vectors:
	.rept 8
	.balign 128
	mov	x0, #4
	b	semihost_exit
	.endr
	.balign 128			/* 0x400: lower EL AArch64 synchronous */
	b	lower_sync
	.rept 7
	.balign 128
	mov	x0, #5
	b	semihost_exit
	.endr

/* Save x0-x30 in a frame, call el2_sync(frame), restore, return. */
lower_sync:
	sub	sp, sp, #256
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mov	x0, sp
	bl	el2_sync
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #256
	eret

/*
 * The guest, at EL1 with its MMU off (VA = IPA), so every access goes
 * through stage 2 only. IPAs (see el2.c): 0x48000000 a 2 MiB block of
 * data, 0x48200000 the stack page, 0x49000000 a read-only page,
 * 0x09000000 the UART (leased), 0x50000000 nothing.
 */
	.section .guest, "ax"
	.global guest_entry
guest_entry:
	movz	x9, #0x4800, lsl #16
	ldr	x0, [x9, #0x1000]		/* two words through the 2 MiB block */
	add	x10, x9, #0x1ff, lsl #12
	ldr	x1, [x10]
	hvc	#1				/* EL2 checks x0, x1 */
	movz	x11, #0x0900, lsl #16
	mov	w12, #'g'
	str	w12, [x11]			/* UART through the device mapping */
	hvc	#2				/* EL2 revokes the UART lease: unmap + TLBI */
	str	w12, [x11]			/* stage-2 translation fault, skipped by EL2 */
	movz	x13, #0x4900, lsl #16
	ldr	x0, [x13]			/* read-only page: reading works */
	hvc	#3
	str	x0, [x13]			/* write: stage-2 permission fault, skipped */
	movz	x14, #0x5000, lsl #16
	ldr	x0, [x14]			/* unmapped: translation fault, skipped */
	blr	x13				/* execute from an XN page: instruction abort; EL2 returns to x30 */
	ldr	x0, [sp, #-8]!			/* the stack page is read/write */
	str	x0, [sp]
	hvc	#4				/* EL2 checks the trail and exits */
4:	b	4b
	.balign 4096
