/* SPDX-License-Identifier: Apache-2.0 */
/* The writer: sizes, errors, and no output written on error. */
#include <criterion/criterion.h>
#include <string.h>

#include "rvf_fixture.h"

TestSuite(rvf_writer, .init = fx_init);

static uint8_t buf[PKG_CAP], snap[PKG_CAP];

Test(rvf_writer, build_size_matches_layout)
{
	const uint8_t a[5] = { 1 }, b[9] = { 2 };
	struct rvx_rvf_input in[2] = { { RVX_RVF_SEG_MANIFEST, a, 5 }, { RVX_RVF_SEG_CODE, b, 9 } };
	/* 64 + 2*56 = 176; +5 -> 181 -> 184; +9 = 193 -> 200; +64 */
	cr_assert_eq(rvx_rvf_build_size(in, 2), 264);
	cr_assert_eq(rvx_rvf_build_size(in, 0), 0);
	cr_assert_eq(rvx_rvf_build_size(NULL, 1), 0);
	in[1].length = 0;
	cr_assert_eq(rvx_rvf_build_size(in, 2), 0);
}

Test(rvf_writer, build_errors_leave_buffer_untouched)
{
	const uint8_t a[5] = { 1 };
	uint8_t id[8] = { 0 }, digest[32];
	size_t len = 7;
	struct rvx_rvf_input in = { RVX_RVF_SEG_MANIFEST, a, 5 };

	memset(buf, 0xcc, sizeof(buf));
	memcpy(snap, buf, sizeof(buf));
	/* before: buffer patterned; after: each error leaves it and len as they were */
	cr_assert_eq(rvx_rvf_build(&in, 1, id, buf, 100, &len, digest), -RVX_EBUFSMALL);
	in.type = 0;
	cr_assert_eq(rvx_rvf_build(&in, 1, id, buf, sizeof(buf), &len, digest), -RVX_EINVAL);
	in.type = RVX_RVF_SEG_TYPE_COUNT;
	cr_assert_eq(rvx_rvf_build(&in, 1, id, buf, sizeof(buf), &len, digest), -RVX_EINVAL);
	in.type = RVX_RVF_SEG_MANIFEST;
	in.data = NULL;
	cr_assert_eq(rvx_rvf_build(&in, 1, id, buf, sizeof(buf), &len, digest), -RVX_EINVAL);
	in.data = a;
	cr_assert_eq(rvx_rvf_build(&in, 0, id, buf, sizeof(buf), &len, digest), -RVX_EINVAL);
	cr_assert_eq(rvx_rvf_build(&in, 1, NULL, buf, sizeof(buf), &len, digest), -RVX_EINVAL);
	cr_assert(memcmp(buf, snap, sizeof(buf)) == 0);
	cr_assert_eq(len, 7);
	cr_assert_eq(rvx_rvf_build(&in, 1, id, buf, sizeof(buf), &len, digest), 0);
	cr_assert_eq(len, 64 + 56 + 8 + 64);
	cr_assert(memcmp(buf, RVX_RVF_MAGIC, 8) == 0);
}

Test(rvf_writer, attach_signature_checks_framing)
{
	struct rvx_rvf_manifest m;
	uint8_t sig[64];
	fx_manifest(&m);
	size_t len = fx_build(&m, buf);
	memset(sig, 0x11, sizeof(sig));
	memcpy(snap, buf, len);
	cr_assert_eq(rvx_rvf_attach_signature(buf, len - 8, sig), -RVX_EINVAL);
	cr_assert_eq(rvx_rvf_attach_signature(buf, 10, sig), -RVX_EINVAL);
	cr_assert_eq(rvx_rvf_attach_signature(NULL, len, sig), -RVX_EINVAL);
	cr_assert_eq(rvx_rvf_attach_signature(buf, len, NULL), -RVX_EINVAL);
	cr_assert(memcmp(buf, snap, len) == 0);
	cr_assert_eq(rvx_rvf_attach_signature(buf, len, sig), 0);
	cr_assert(memcmp(buf + len - 64, sig, 64) == 0);
	cr_assert(memcmp(buf, snap, len - 64) == 0);
}

Test(rvf_writer, segment_encode_errors)
{
	struct rvx_rvf_manifest m;
	size_t l = 3;
	fx_manifest(&m);
	memset(buf, 0xcc, 256);
	memcpy(snap, buf, 256);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, buf, 63, &l), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_CODE, &m, NULL, buf, sizeof(buf), &l), -RVX_EINVAL);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_PROOF_POLICY, &m, NULL, buf, sizeof(buf), &l), -RVX_EINVAL);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_WITNESS_POLICY, &m, NULL, buf, 31, &l), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_REQUIRED_CAPS, NULL, NULL, buf, sizeof(buf), &l), -RVX_EINVAL);
	m.wire_count = RVX_RVF_MAX_WIRES + 1;
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, buf, sizeof(buf), &l), -RVX_EINVAL);
	cr_assert(memcmp(buf, snap, 256) == 0);
	cr_assert_eq(l, 3);
	m.wire_count = 6;
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, buf, sizeof(buf), &l), 0);
	cr_assert_eq(l, 64 + 2 * 48 + 3 * 48 + 32 + 6 * 16);
}

Test(rvf_writer, key_id_is_sha256_prefix)
{
	uint8_t a[8], b[8];
	rvx_rvf_key_id(fx_signer_pub, a);
	rvx_rvf_key_id(fx_rogue_pub, b);
	cr_assert(memcmp(a, b, 8) != 0);
}
