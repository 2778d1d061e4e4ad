/* SPDX-License-Identifier: Apache-2.0 */
/* Framing and integrity failures: each refused with its reason, view untouched. */
#include <criterion/criterion.h>
#include <string.h>

#include "rvf_fixture.h"

static uint8_t pkg[PKG_CAP];
static size_t len;

static void setup(void)
{
	struct rvx_rvf_manifest m;
	fx_init();
	fx_manifest(&m);
	len = fx_build(&m, pkg);
}

TestSuite(rvf_refuse, .init = setup);

Test(rvf_refuse, truncated_at_every_length)
{
	for (size_t l = 0; l < len; l++)
		fx_expect_refused(pkg, l, -RVX_EINVAL, RVX_RVF_TRUNCATED);
}

Test(rvf_refuse, oversized_with_trailing_bytes)
{
	for (size_t extra = 1; extra <= 16; extra++)
		fx_expect_refused(pkg, len + extra, -RVX_EINVAL, RVX_RVF_OVERSIZED);
}

Test(rvf_refuse, every_flipped_byte_is_refused)
{
	size_t table_end = 64 + S_COUNT * 56;
	for (size_t i = 0; i < len; i++) {
		static struct rvx_rvf_package view, snap;
		enum rvx_rvf_reason why = RVX_RVF_OK;
		pkg[i] ^= 0x01;
		memset(&view, 0x5a, sizeof(view));
		memcpy(&snap, &view, sizeof(view));
		int rc = rvx_rvf_verify(pkg, len, &fx_trusted, &view, &why);
		pkg[i] ^= 0x01;
		cr_assert_lt(rc, 0, "flip at %zu accepted", i);
		cr_assert_neq(why, RVX_RVF_OK);
		cr_assert(memcmp(&view, &snap, sizeof(view)) == 0, "view written (flip at %zu)", i);
		if (i >= len - 64)
			cr_assert_eq(why, RVX_RVF_BAD_SIG, "flip at %zu in signature: %d", i, why);
		else if (i >= table_end)
			cr_assert(why == RVX_RVF_SEG_HASH || why == RVX_RVF_PADDING,
				  "flip at %zu in data: %d", i, why);
		else if (i >= 64 && (i - 64) % 56 >= 24)
			cr_assert_eq(why, RVX_RVF_SEG_HASH, "flip at %zu in a table hash", i);
		else if (i >= 32 && i < 40)
			cr_assert_eq(why, RVX_RVF_UNKNOWN_KEY, "flip at %zu in the key id", i);
	}
}

Test(rvf_refuse, bad_magic_version_header)
{
	pkg[0] = 'X';
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_BAD_MAGIC);
	pkg[0] = 'R';
	pkg[8] = 2;
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_BAD_VERSION);
	pkg[8] = 1;
	pkg[12] = 1; /* flags */
	fx_resign(pkg, len, FX_SIGNER);
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_BAD_HEADER);
	pkg[12] = 0;
	pkg[16] = 17; /* segment count over the limit */
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_BAD_HEADER);
	pkg[16] = 0;
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_BAD_HEADER);
}

Test(rvf_refuse, overlapping_segments)
{
	/* Segment 2 (region data, 20 bytes) moved onto segment 1 (code). */
	uint64_t off1 = rvx_le_get64(pkg + fx_entry(S_CODE, 8));
	rvx_le_put64(pkg + fx_entry(S_DATA, 8), off1 + 8);
	fx_resign(pkg, len, FX_SIGNER);
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_SEG_OVERLAP);
}

Test(rvf_refuse, segment_out_of_range)
{
	size_t e = fx_entry(S_WITNESS, 16);
	uint64_t l = rvx_le_get64(pkg + e);
	/* into the signature block */
	rvx_le_put64(pkg + e, l + 64);
	fx_resign(pkg, len, FX_SIGNER);
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_SEG_RANGE);
	/* length that wraps around */
	rvx_le_put64(pkg + e, UINT64_MAX - 4);
	fx_resign(pkg, len, FX_SIGNER);
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_SEG_RANGE);
	rvx_le_put64(pkg + e, l);
	/* offset inside the table */
	rvx_le_put64(pkg + fx_entry(S_CODE, 8), 64);
	fx_resign(pkg, len, FX_SIGNER);
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_SEG_RANGE);
}

Test(rvf_refuse, misaligned_segment)
{
	size_t e = fx_entry(S_VSEED, 8);
	rvx_le_put64(pkg + e, rvx_le_get64(pkg + e) + 1);
	fx_resign(pkg, len, FX_SIGNER);
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_SEG_ALIGN);
}

Test(rvf_refuse, bad_segment_type)
{
	pkg[fx_entry(S_VSEED, 0)] = 99;
	fx_resign(pkg, len, FX_SIGNER);
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_SEG_TYPE);
}

Test(rvf_refuse, second_manifest_or_none)
{
	pkg[fx_entry(S_VSEED, 0)] = RVX_RVF_SEG_MANIFEST;
	fx_resign(pkg, len, FX_SIGNER);
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_SEG_COUNT);
	pkg[fx_entry(S_VSEED, 0)] = RVX_RVF_SEG_VECTOR_SEED;
	pkg[fx_entry(S_MANIFEST, 0)] = RVX_RVF_SEG_GRAPH_SEED;
	fx_resign(pkg, len, FX_SIGNER);
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_SEG_COUNT);
}

Test(rvf_refuse, nonzero_padding)
{
	/* The code segment (40 bytes) ends aligned; region data (20) leaves 4 padding bytes. */
	uint64_t end = rvx_le_get64(pkg + fx_entry(S_DATA, 8)) + sizeof(fx_data);
	cr_assert_neq(end % 8, 0);
	pkg[end] = 1;
	fx_expect_refused(pkg, len, -RVX_EINVAL, RVX_RVF_PADDING);
}

Test(rvf_refuse, wrong_segment_hash)
{
	/* Content changed, table (and so signature) intact. */
	pkg[rvx_le_get64(pkg + fx_entry(S_CODE, 8)) + 3] ^= 0xff;
	fx_expect_refused(pkg, len, -RVX_EBADSIG, RVX_RVF_SEG_HASH);
}

Test(rvf_refuse, unsigned_package)
{
	memset(pkg + len - 64, 0, 64);
	fx_expect_refused(pkg, len, -RVX_EBADSIG, RVX_RVF_UNSIGNED);
}

Test(rvf_refuse, signed_by_untrusted_key)
{
	fx_resign(pkg, len, FX_ROGUE);
	fx_expect_refused(pkg, len, -RVX_EBADSIG, RVX_RVF_UNKNOWN_KEY);
}

Test(rvf_refuse, untrusted_key_claiming_trusted_id)
{
	uint8_t id[8];
	fx_resign(pkg, len, FX_ROGUE);
	rvx_rvf_key_id(fx_signer_pub, id);
	memcpy(pkg + 32, id, 8);
	fx_expect_refused(pkg, len, -RVX_EBADSIG, RVX_RVF_BAD_SIG);
}

Test(rvf_refuse, right_key_over_different_content)
{
	static uint8_t other[PKG_CAP];
	struct rvx_rvf_manifest m;
	fx_manifest(&m);
	m.name[0] = 'j';
	size_t olen = fx_build(&m, other);
	cr_assert_eq(olen, len);
	/* other's valid signature on this package */
	memcpy(pkg + len - 64, other + olen - 64, 64);
	fx_expect_refused(pkg, len, -RVX_EBADSIG, RVX_RVF_BAD_SIG);
}

Test(rvf_refuse, reason_strings_are_distinct)
{
	for (int i = 0; i < RVX_RVF_REASON_COUNT; i++) {
		cr_assert_not_null(rvx_rvf_reason_str((enum rvx_rvf_reason)i));
		for (int j = 0; j < i; j++)
			cr_assert_str_neq(rvx_rvf_reason_str((enum rvx_rvf_reason)i),
					  rvx_rvf_reason_str((enum rvx_rvf_reason)j));
	}
	cr_assert_str_eq(rvx_rvf_reason_str(RVX_RVF_REASON_COUNT), "unknown reason");
	cr_assert_str_eq(rvx_rvf_segment_type_str(RVX_RVF_SEG_CODE), "code");
	cr_assert_str_eq(rvx_rvf_segment_type_str(99), "unknown");
}
