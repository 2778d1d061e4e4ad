/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Raspberry Pi 4 board (ports/rpi4): what it adds to the kernel main
 * it shares with virt (ports/virt/src/main.c and virt.h's board half,
 * which board.c provides).
 */
#ifndef RVX_RPI4_H
#define RVX_RPI4_H

#include <stdint.h>

/** Where a secondary CPU released from its spin table starts (spin.S):
 *  x0 = rvx_rpi4_start_index, then the core's rvx_a64_secondary_entry. */
void rvx_rpi4_secondary_entry(void);
/** The dense index of the CPU being started (written and cleaned to the
 *  point of coherency before its release address is). */
extern uint64_t rvx_rpi4_start_index;

#endif
