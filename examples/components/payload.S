/* SPDX-License-Identifier: Apache-2.0 */
/* The loader's second package, included as read-only data at build time
 * (RVX_PAYLOAD is its path). Hidden symbols: reached PC-relative. */
	.section .rodata
	.balign 8
	.globl rvx_payload_pkg
	.hidden rvx_payload_pkg
	.globl rvx_payload_pkg_end
	.hidden rvx_payload_pkg_end
rvx_payload_pkg:
	.incbin RVX_PAYLOAD
rvx_payload_pkg_end:
	.section .note.GNU-stack,"",%progbits
