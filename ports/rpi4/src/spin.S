/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A secondary CPU released from its spin table (the firmware's, or QEMU's
 * stub, which branch to the release address with x0 = 0) comes here with
 * its MMU off; the core's entry wants its dense index in x0. The primary
 * starts one CPU at a time and cleaned rvx_rpi4_start_index to the point
 * of coherency before the release, so an uncached load sees it.
 */
	.section .text, "ax"
	.globl rvx_rpi4_secondary_entry
	.type rvx_rpi4_secondary_entry, %function
	.balign 8
rvx_rpi4_secondary_entry:
	adrp	x1, rvx_rpi4_start_index
	ldr	x0, [x1, :lo12:rvx_rpi4_start_index]
	b	rvx_a64_secondary_entry
	.size rvx_rpi4_secondary_entry, . - rvx_rpi4_secondary_entry
