/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to lib/sha256: the hardware compression functions. Each one
 * compresses whole blocks into a chaining value kept as big-endian words
 * (the form br_sha256_state() writes), and is defined only when the
 * library is built for its architecture.
 */
#ifndef RUVIX_SHA256_INTERNAL_H
#define RUVIX_SHA256_INTERNAL_H

#include "ruvix/sha256.h"

#if defined(__x86_64__)
/* CPUID says SHA (leaf 7 EBX bit 29), SSSE3 and SSE4.1 (leaf 1 ECX bits 9, 19). */
bool rvx_sha256_x86_present_(void);
void rvx_sha256_x86_blocks_(uint8_t state[32], const uint8_t *blocks, size_t count);
#endif

#if defined(__aarch64__)
/* ID_AA64ISAR0_EL1.SHA2 (bits 15:12) is at least 1: SHA256H and friends. */
bool rvx_sha256_a64_present_(void);
void rvx_sha256_a64_blocks_(uint8_t state[32], const uint8_t *blocks, size_t count);
#endif

#endif /* RUVIX_SHA256_INTERNAL_H */
