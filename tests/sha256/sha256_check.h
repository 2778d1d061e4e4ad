/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checks of lib/sha256 shared by the Criterion suite, the differential
 * program (host and AArch64 under qemu-user) and the on-target self-test:
 * freestanding (lib/sha256, BearSSL and memcmp only), no output of their
 * own. Each returns 0 when everything matched, else which case failed.
 */
#ifndef RUVIX_SHA256_CHECK_H
#define RUVIX_SHA256_CHECK_H

#include "ruvix/sha256.h"

/* Longest random message, bytes: every length 0..this is covered. */
#define SHACHK_MAX_LEN 320u

/*
 * The FIPS 180-4 examples (empty, "abc", the 448-bit and 896-bit messages,
 * one million 'a') through rvx_sha256 with the implementation in use, each
 * also fed in uneven pieces. 0, or the number (1..5) of the first that
 * differs from its published digest.
 */
int shachk_kats(void);

/*
 * HMAC-SHA256 through br_hmac over rvx_sha256_vtable against RFC 4231 test
 * cases 1, 2 and 6 (a 131-byte key, hashed first). 0, or the failing case.
 */
int shachk_hmac_kats(void);

/*
 * @p count random messages, message i of length i mod (SHACHK_MAX_LEN + 1)
 * with random bytes (splitmix64 from @p seed), hashed once by BearSSL
 * (br_sha256) and by rvx_sha256 with the implementation in use, fed in
 * random pieces; every 8th message also resumed from a saved state at a
 * block boundary and through rvx_sha256_blocks(), every 16th as an HMAC
 * over both vtables with a random key. 0, or 1 + the index of the first
 * message whose digest differs.
 */
uint64_t shachk_random(uint64_t seed, uint64_t count);

#endif /* RUVIX_SHA256_CHECK_H */
