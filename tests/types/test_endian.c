/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include "ruvix/endian.h"

/* Known bytes: the wire order is fixed, not the host's. */
Test(endian, put_writes_least_significant_byte_first)
{
	uint8_t b[9];
	static const uint8_t want16[2] = {0x34, 0x12};
	static const uint8_t want32[4] = {0x78, 0x56, 0x34, 0x12};
	static const uint8_t want64[8] = {0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01};

	memset(b, 0xaa, sizeof(b));
	rvx_le_put16(b + 1, 0x1234u);
	cr_assert(memcmp(b + 1, want16, 2) == 0);
	cr_assert_eq(b[0], 0xaa);
	cr_assert_eq(b[3], 0xaa);
	memset(b, 0xaa, sizeof(b));
	rvx_le_put32(b + 1, 0x12345678u);
	cr_assert(memcmp(b + 1, want32, 4) == 0);
	cr_assert_eq(b[0], 0xaa);
	cr_assert_eq(b[5], 0xaa);
	memset(b, 0xaa, sizeof(b));
	rvx_le_put64(b + 1, UINT64_C(0x0123456789abcdef));
	cr_assert(memcmp(b + 1, want64, 8) == 0);
	cr_assert_eq(b[0], 0xaa);
}

Test(endian, get_reads_what_put_wrote_at_any_alignment)
{
	static const uint8_t in[9] = {0, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01};
	uint8_t b[8];

	cr_assert_eq(rvx_le_get16(in + 1), 0xcdefu);
	cr_assert_eq(rvx_le_get32(in + 1), 0x89abcdefu);
	cr_assert_eq(rvx_le_get64(in + 1), UINT64_C(0x0123456789abcdef));
	/* Top bits survive (no sign extension through int promotion). */
	rvx_le_put16(b, 0xffffu);
	cr_assert_eq(rvx_le_get16(b), 0xffffu);
	rvx_le_put32(b, 0xfffffffeu);
	cr_assert_eq(rvx_le_get32(b), 0xfffffffeu);
	rvx_le_put64(b, UINT64_MAX - 1u);
	cr_assert_eq(rvx_le_get64(b), UINT64_MAX - 1u);
}
