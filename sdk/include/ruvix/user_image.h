/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * A component's image on the AArch64 targets, and the board calls it may
 * make besides the twelve syscalls. Shared by the SDK's AArch64 start-up
 * (sdk/aarch64) and the kernel that loads components (ports/virt).
 *
 * A component links at one fixed intermediate physical address,
 * `RVX_USER_IMAGE_IPA`: every component has a stage-2 address space of its
 * own, so the address need not be the physical one. Its flat binary (the
 * package's code segment) starts with a `struct rvx_user_image` and holds
 * text and read-only data first, then, from a page boundary, its data; its
 * bss follows in memory, not in the file:
 *
 *     IPA base                      base + text_size     + data_size  + bss_size
 *     | header | start | vectors | text | rodata | data | bss |
 *     |<------------ read + execute ------------>|<-- read + write -->|
 *
 * The default entry lies at offset 64, right after the header: it calls
 * `rvx_component_main(start)` if the component defines it (the convention of
 * components that build for every target), so a manifest may say
 * `entry=64`; other entries are any function of the text.
 *
 * A task starts at `start` with x0 = the address of its
 * `struct rvx_user_start` (ruvix/user.h) and x1 = its entry (the image's
 * base plus the manifest's entry offset); its stack pointer is set. The
 * start-up calls `entry(start)`, then ends the task with
 * `RVX_USER_HVC_EXIT` and the code 0.
 *
 * Board calls (`hvc #imm` from EL1):
 * - `hvc #0` a syscall (x0 number, x1 the address of the arguments, x2 of
 *   the result; x0 returns 0 or -RVX_E*);
 * - `hvc #1` yield;
 * - `hvc #2` a console line: x0 the address, x1 its bytes (1..120);
 * - `hvc #3` an exception the component took at EL1 (its vectors:
 *   x0 ESR_EL1, x1 ELR_EL1, x2 FAR_EL1): the kernel faults the task;
 * - `hvc #6` end the task: x0 its exit code.
 */
#ifndef RUVIX_USER_IMAGE_H
#define RUVIX_USER_IMAGE_H

#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** `struct rvx_user_image` magic: "RVXC" little-endian. */
#define RVX_USER_IMAGE_MAGIC UINT32_C(0x43585652)
/** Version of the image header. */
#define RVX_USER_IMAGE_VERSION 1u
/** Where every component is linked and mapped (its own stage 2). */
#define RVX_USER_IMAGE_IPA UINT64_C(0x10000000)
/** Where a package's region i (manifest order) lies in a component whose
 * tasks are wired to it: mapped at mount with its policy's permissions
 * (immutable and append-only read only; a slab read + write if a task of
 * the component holds WRITE), every region in a 64 MiB slot of its own. */
#define RVX_USER_IMAGE_REGION(i) (UINT64_C(0x40000000) + (uint64_t)(i) * (UINT64_C(64) << 20))
/** Largest image (text + data + bss) a loader takes. */
#define RVX_USER_IMAGE_MAX (UINT64_C(1) << 20)

/** Board call: a syscall. */
#define RVX_USER_HVC_SYSCALL 0u
/** Board call: yield. */
#define RVX_USER_HVC_YIELD 1u
/** Board call: a console line. */
#define RVX_USER_HVC_PRINT 2u
/** Board call: an exception taken at EL1. */
#define RVX_USER_HVC_EXCEPTION 3u
/** Board call: end the task. */
#define RVX_USER_HVC_EXIT 6u
/** Longest console line. */
#define RVX_USER_PRINT_MAX 120u

/** The first bytes of a component's flat binary (64 bytes, little-endian). */
struct rvx_user_image {
	uint32_t magic;       /**< RVX_USER_IMAGE_MAGIC. */
	uint16_t version;     /**< RVX_USER_IMAGE_VERSION. */
	uint16_t header_size; /**< sizeof(struct rvx_user_image). */
	uint64_t ipa;         /**< The link address (RVX_USER_IMAGE_IPA). */
	uint64_t text_size;   /**< Bytes of header, text and rodata (a page multiple). */
	uint64_t data_size;   /**< Bytes of data after them (a page multiple, may be 0). */
	uint64_t bss_size;    /**< Bytes of bss after the data (zeroed by the loader). */
	uint32_t start;       /**< Offset of the start-up code (in the text). */
	uint32_t vectors;     /**< Offset of the EL1 vectors (2 KiB aligned, in the text). */
	uint64_t reserved[2]; /**< 0. */
};

_Static_assert(sizeof(struct rvx_user_image) == 64, "the image header is 64 bytes");

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_USER_IMAGE_H */
