/* SPDX-License-Identifier: Apache-2.0 */
/* A signed package inside a component's read-only data (RVX_PAYLOAD names
 * the file; the build makes it first): the mounter mounts it. */
	.section .rodata
	.balign 8
	.globl rvx_payload_pkg
	.globl rvx_payload_pkg_end
rvx_payload_pkg:
	.incbin RVX_PAYLOAD
rvx_payload_pkg_end:
	.balign 8
