/* SPDX-License-Identifier: Apache-2.0 */
/* Record layout and wire encoding; the chain's known answers, computed
 * independently here with BearSSL over the same bytes. */
#include <criterion/criterion.h>
#include <string.h>

#include "bearssl_hash.h"
#include "ruvix/witness.h"
#include "witness_fixture.h"

Test(witness_record, layout_is_64_bytes_little_endian)
{
	struct rvx_witness_record r, back;
	uint8_t w[64];

	memset(&r, 0, sizeof(r));
	r.sequence = 0x0102030405060708u;
	r.time = 0x1112131415161718u;
	r.kind = 0x2122;
	r.tier = 0x23;
	r.flags = 0x24;
	r.actor = 0x25262728u;
	r.target = 0x3132333435363738u;
	for (int i = 0; i < 16; i++) {
		r.args_digest[i] = (uint8_t)(0x40 + i);
		r.link[i] = (uint8_t)(0x50 + i);
	}
	rvx_witness_record_encode(&r, w);
	/* after: every integer is little-endian at its documented offset */
	cr_assert_eq(w[0], 0x08);
	cr_assert_eq(w[7], 0x01);
	cr_assert_eq(w[8], 0x18);
	cr_assert_eq(w[16], 0x22);
	cr_assert_eq(w[17], 0x21);
	cr_assert_eq(w[18], 0x23);
	cr_assert_eq(w[19], 0x24);
	cr_assert_eq(w[20], 0x28);
	cr_assert_eq(w[23], 0x25);
	cr_assert_eq(w[24], 0x38);
	cr_assert_eq(w[31], 0x31);
	cr_assert_eq(w[32], 0x40);
	cr_assert_eq(w[47], 0x4f);
	cr_assert_eq(w[48], 0x50);
	cr_assert_eq(w[63], 0x5f);
	rvx_witness_record_decode(w, &back);
	cr_assert_eq(memcmp(&back, &r, sizeof(r)), 0);
}

Test(witness_record, args_digest_is_truncated_sha256)
{
	static const uint8_t abc_sha256[16] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
					       0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23};
	uint8_t d[16];

	rvx_witness_args_digest("abc", 3, d); /* FIPS 180-2 example */
	cr_assert_eq(memcmp(d, abc_sha256, 16), 0);
}

Test(witness_chain, empty_log_head_is_sha256_of_nothing)
{
	static const uint8_t empty[32] = {
		0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
		0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
		0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
	struct wfix f;
	struct rvx_witness_head h;

	wfix_init(&f);
	rvx_witness_head(&f.log, &h);
	cr_assert_eq(h.count, 0);
	cr_assert_eq(memcmp(h.head, empty, 32), 0);
}

Test(witness_chain, one_record_known_answer)
{
	struct wfix f;
	struct rvx_witness_head h;
	struct rvx_witness_event ev = {.time = 1000, .kind = RVX_WITNESS_CAP_MINT, .tier = 1,
				       .actor = 7, .target = 0x100000003u};
	uint8_t expect[64], head[32], d[16];
	br_sha256_context c;

	wfix_init(&f);
	cr_assert_eq(rvx_witness_append(&f.log, &ev, "mint", 4, NULL), 0);
	/* Build the expected wire bytes by hand. */
	memset(expect, 0, sizeof(expect));
	expect[8] = 0xe8;
	expect[9] = 0x03;
	expect[16] = RVX_WITNESS_CAP_MINT;
	expect[18] = 1;
	expect[20] = 7;
	expect[24] = 3;
	expect[28] = 1;
	br_sha256_init(&c);
	br_sha256_update(&c, "mint", 4);
	br_sha256_out(&c, head);
	memcpy(expect + 32, head, 16);
	/* link = first 16 bytes of SHA-256's IV (big-endian words) */
	static const uint8_t iv16[16] = {0x6a, 0x09, 0xe6, 0x67, 0xbb, 0x67, 0xae, 0x85,
					 0x3c, 0x6e, 0xf3, 0x72, 0xa5, 0x4f, 0xf5, 0x3a};
	memcpy(expect + 48, iv16, 16);
	cr_assert_eq(f.ring.count, 1);
	cr_assert_eq(memcmp(rvx_witness_ring_at(&f.ring, 0), expect, 64), 0);

	br_sha256_init(&c);
	br_sha256_update(&c, expect, 64);
	br_sha256_out(&c, head);
	rvx_witness_head(&f.log, &h);
	cr_assert_eq(h.count, 1);
	cr_assert_eq(memcmp(h.head, head, 32), 0);
	(void)d;
}

Test(witness_chain, head_is_sha256_of_all_records)
{
	struct wfix f;
	struct rvx_witness_head h;
	uint8_t head[32];
	br_sha256_context c;

	wfix_init(&f);
	wfix_fill(&f, 50);
	br_sha256_init(&c);
	for (uint32_t i = 0; i < f.ring.count; i++)
		br_sha256_update(&c, rvx_witness_ring_at(&f.ring, i), 64);
	br_sha256_out(&c, head);
	rvx_witness_head(&f.log, &h);
	cr_assert_eq(h.count, 50);
	cr_assert_eq(memcmp(h.head, head, 32), 0);
	/* and each record's link is the chaining value before it */
	br_sha256_init(&c);
	for (uint32_t i = 0; i < f.ring.count; i++) {
		uint8_t st[32];

		(void)br_sha256_state(&c, st);
		cr_assert_eq(memcmp(rvx_witness_ring_at(&f.ring, i) + 48, st, 16), 0);
		br_sha256_update(&c, rvx_witness_ring_at(&f.ring, i), 64);
	}
}
