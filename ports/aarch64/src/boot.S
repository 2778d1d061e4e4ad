/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Machine entry of an AArch64 image (the core, ports/aarch64): the arm64
 * Image header, the primary and secondary CPU entries, the EL2 exception
 * vectors with the one context save/restore path every exception,
 * preemption and task switch goes through, turning the MMU on, and the
 * semihosting call. The board's rvx_a64_board_primary_main() is called
 * with the MMU off (a64.h); secondaries go to rvx_a64_secondary_main().
 *
 * Context frame (struct rvx_a64_frame in a64.h): x0..x30, the interrupted
 * sp, ELR_EL2, SPSR_EL2, FPSR, FPCR, then q0..q31: 800 bytes, saved on the
 * interrupted stack. rvx_a64_exception() returns the frame to resume, so
 * a switch between tasks is "return another task's frame".
 *
 * The handler itself runs on the CPU's own exception stack
 * (rvx_a64_exc_stacks), never on the interrupted task's: once a handler
 * has switched away from a task under the kernel lock and released it,
 * another CPU may at once resume that task (a partition moved to it) or
 * start a new task in the same slot (an ended task's index reused), on
 * that stack. Had the handler still been on it, the other CPU would write
 * over the frames it returns through (rt.c has the story).
 */
#define FRAME 800
#define FRAME_SP 248
#define FRAME_ELR 256
#define FRAME_FPSR 272
#define FRAME_Q 288
#define BOOT_STACK_SHIFT 16	/* RVX_A64_BOOT_STACK = 64 KiB */
#define EXC_STACK_SHIFT 16	/* RVX_A64_EXC_STACK = 64 KiB */
#define MAX_CPUS 4		/* RVX_A64_MAX_CPUS (smp.c checks both) */

	.section .text.head, "ax"
	.globl _start
_start:
	/* arm64 Image header (Documentation/arm64/booting.rst in Linux). */
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset */
	.quad	__image_size		/* image_size, bss included */
	.quad	2			/* flags: little endian, 4 KiB pages */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

/* Exit code 3 through semihosting, for an image not placed where linked. */
	.balign 8
misplaced_block:
	.quad	0x20026, 3

/* EL2 set-up shared by every CPU: FP/SIMD untrapped, physical interrupts
 * and SErrors routed to EL2 (so they are taken while running at EL2),
 * lower ELs in AArch64, no virtual offset, our vectors. */
	.macro el2_setup
	mov	x2, #0x33ff
	msr	cptr_el2, x2
	msr	hstr_el2, xzr
	mov	x2, #0x38
	orr	x2, x2, #(1 << 31)
	msr	hcr_el2, x2
	msr	cntvoff_el2, xzr
	adr	x2, rvx_a64_vectors
	msr	vbar_el2, x2
	isb
	.endm

primary_entry:
	mrs	x21, cntpct_el0		/* the RESET stage's time */
	mov	x19, x0			/* DTB address from the loader */
	mrs	x20, CurrentEL
	lsr	x20, x20, #2
	adr	x1, _start
	ldr	x2, =_start
	cmp	x1, x2
	b.ne	misplaced
	cmp	x20, #2
	b.ne	1f
	el2_setup
	msr	tpidr_el2, xzr		/* CPU index 0: its exception stack */
	b	2f
1:	mov	x2, #(3 << 20)		/* not EL2: enable FP/SIMD at EL1 so C */
	msr	cpacr_el1, x2		/* can report it */
	isb
2:	ldr	x1, =__bss_start	/* 16-byte aligned */
	ldr	x2, =__bss_end		/* page aligned */
3:	tst	x1, #63			/* 16 bytes at a time to a 64-byte line, */
	b.eq	4f
	stp	xzr, xzr, [x1], #16
	b	3b
4:	cmp	x1, x2			/* then a line at a time */
	b.hs	5f
	stp	xzr, xzr, [x1]
	stp	xzr, xzr, [x1, #16]
	stp	xzr, xzr, [x1, #32]
	stp	xzr, xzr, [x1, #48]
	add	x1, x1, #64
	b	4b
5:	ldr	x1, =rvx_a64_boot_stacks
	add	x1, x1, #(1 << BOOT_STACK_SHIFT)
	mov	sp, x1
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	bl	rvx_a64_board_primary_main
	b	rvx_a64_halt

misplaced:
	mov	w0, #0x18		/* SYS_EXIT */
	adr	x1, misplaced_block
	hlt	#0xf000
	b	rvx_a64_halt

	.text
/* PSCI CPU_ON entry of a secondary CPU; x0 = its dense index. */
	.globl rvx_a64_secondary_entry
rvx_a64_secondary_entry:
	mov	x19, x0
	el2_setup
	msr	tpidr_el2, x19		/* its index: its exception stack */
	ldr	x1, =rvx_a64_boot_stacks
	add	x2, x19, #1
	lsl	x2, x2, #BOOT_STACK_SHIFT
	add	x1, x1, x2
	mov	sp, x1
	mov	x0, x19
	bl	rvx_a64_secondary_main
	/* fall through */
	.globl rvx_a64_halt
rvx_a64_halt:
	msr	daifset, #0xf
1:	wfe
	b	1b

/* rvx_a64_mmu_on(ttbr0, tcr, mair, sctlr): tables are already written. */
	.globl rvx_a64_mmu_on
rvx_a64_mmu_on:
	msr	mair_el2, x2
	msr	tcr_el2, x1
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	ish
	isb
	msr	sctlr_el2, x3
	isb
	ret

/* rvx_a64_semihost(op, arg): one semihosting call, result in x0. */
	.globl rvx_a64_semihost
rvx_a64_semihost:
	hlt	#0xf000
	ret

/* rvx_a64_svc_yield(): a task gives up its CPU through the exception
 * path, so the switch saves the same frame as a preemption does. */
	.globl rvx_a64_svc_yield
rvx_a64_svc_yield:
	svc	#0
	ret

/* Vectors: 16 entries of 128 bytes, kind = entry index (group * 4 + type:
 * groups current EL with SP0, current EL with SPx, lower EL AArch64, lower
 * EL AArch32; types sync, IRQ, FIQ, SError). */
	.macro ventry kind
	.balign 0x80
	sub	sp, sp, #FRAME
	stp	x0, x1, [sp]
	mov	x0, #\kind
	b	exc_entry
	.endm

	.balign 2048
	.globl rvx_a64_vectors
rvx_a64_vectors:
	ventry 0
	ventry 1
	ventry 2
	ventry 3
	ventry 4
	ventry 5
	ventry 6
	ventry 7
	ventry 8
	ventry 9
	ventry 10
	ventry 11
	ventry 12
	ventry 13
	ventry 14
	ventry 15

exc_entry:
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
	add	x1, sp, #FRAME
	stp	x30, x1, [sp, #240]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #FRAME_ELR]
	mrs	x2, fpsr
	mrs	x3, fpcr
	stp	x2, x3, [sp, #FRAME_FPSR]
	add	x2, sp, #FRAME_Q
	stp	q0, q1, [x2, #0]
	stp	q2, q3, [x2, #32]
	stp	q4, q5, [x2, #64]
	stp	q6, q7, [x2, #96]
	stp	q8, q9, [x2, #128]
	stp	q10, q11, [x2, #160]
	stp	q12, q13, [x2, #192]
	stp	q14, q15, [x2, #224]
	stp	q16, q17, [x2, #256]
	stp	q18, q19, [x2, #288]
	stp	q20, q21, [x2, #320]
	stp	q22, q23, [x2, #352]
	stp	q24, q25, [x2, #384]
	stp	q26, q27, [x2, #416]
	stp	q28, q29, [x2, #448]
	stp	q30, q31, [x2, #480]
	mov	x1, sp
	/* To this CPU's exception stack (TPIDR_EL2 = its index), unless the
	 * frame is on it already: an exception inside a handler stays below
	 * the handler's frames. */
	mrs	x2, tpidr_el2
	cmp	x2, #MAX_CPUS
	b.hs	1f
	ldr	x3, =rvx_a64_exc_stacks
	add	x2, x2, #1
	add	x3, x3, x2, lsl #EXC_STACK_SHIFT
	sub	x4, x3, x1
	cmp	x4, #(1 << EXC_STACK_SHIFT)
	b.ls	1f
	mov	sp, x3
1:	bl	rvx_a64_exception
	/* fall through with the frame to resume in x0 */

/* rvx_a64_frame_resume(frame): load a saved frame and return into it. */
	.globl rvx_a64_frame_resume
rvx_a64_frame_resume:
	mov	sp, x0
	add	x2, sp, #FRAME_Q
	ldp	q0, q1, [x2, #0]
	ldp	q2, q3, [x2, #32]
	ldp	q4, q5, [x2, #64]
	ldp	q6, q7, [x2, #96]
	ldp	q8, q9, [x2, #128]
	ldp	q10, q11, [x2, #160]
	ldp	q12, q13, [x2, #192]
	ldp	q14, q15, [x2, #224]
	ldp	q16, q17, [x2, #256]
	ldp	q18, q19, [x2, #288]
	ldp	q20, q21, [x2, #320]
	ldp	q22, q23, [x2, #352]
	ldp	q24, q25, [x2, #384]
	ldp	q26, q27, [x2, #416]
	ldp	q28, q29, [x2, #448]
	ldp	q30, q31, [x2, #480]
	ldp	x2, x3, [sp, #FRAME_FPSR]
	msr	fpsr, x2
	msr	fpcr, x3
	ldp	x2, x3, [sp, #FRAME_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
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
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME
	eret
