/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * What a component may do on the AArch64 targets besides the twelve
 * syscalls (ruvix/user_image.h has the board calls): a console line, a
 * yield, ending its task, and the counter. Components that must build for
 * every target use ruvix/user.h alone.
 */
#ifndef RUVIX_USER_A64_H
#define RUVIX_USER_A64_H

#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Print @p len bytes (1..RVX_USER_PRINT_MAX; a longer line is refused) as one console line. */
void rvx_user_a64_print(const char *s, uint32_t len);
/** Print one line formatted with a printf subset (%u %d %x, with l: 64-bit, %s %c %%);
 *  a trailing newline is dropped (the console ends the line). */
void rvx_user_a64_printf(const char *fmt, ...);
/** Give up the CPU. */
void rvx_user_a64_yield(void);
/** End the calling task with @p code; never returns. */
_Noreturn void rvx_user_a64_exit(int32_t code);
/** The physical counter (CNTPCT_EL0, readable from EL1). */
uint64_t rvx_user_a64_counter(void);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_USER_A64_H */
