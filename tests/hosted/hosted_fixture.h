/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the hosted port's tests. */
#ifndef RUVIX_TESTS_HOSTED_FIXTURE_H
#define RUVIX_TESTS_HOSTED_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "ruvix/hosted_ctx.h"

/* Assembly helpers (regs_<cpu>.S). */
uint32_t rvx_test_switch_check(struct rvx_hctx *from, struct rvx_hctx *to,
			       uint64_t seed);
void rvx_test_switch_clobber(struct rvx_hctx *from, struct rvx_hctx *to);

/* Map @p size bytes of fresh read-write memory (page-aligned); asserts. */
void *fx_map(size_t size);
/* Unmap what fx_map() returned. */
void fx_unmap(void *p, size_t size);
/* The permission string ("rw-p", "---p", ...) of the mapping holding
 * @p addr per /proc/self/maps, written to @p out (5 bytes); "" if none. */
void fx_prot(const void *addr, char out[5]);

#endif
