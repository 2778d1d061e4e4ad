/* SPDX-License-Identifier: Apache-2.0 */
/* A well-formed, signed package verifies and decodes to what was packed. */
#include <criterion/criterion.h>
#include <string.h>

#include "bearssl.h"
#include "rvf_fixture.h"

static uint8_t pkg[PKG_CAP];
static struct rvx_rvf_package view;

TestSuite(rvf_verify, .init = fx_init);

Test(rvf_verify, reference_package_verifies_and_decodes)
{
	struct rvx_rvf_manifest m;
	enum rvx_rvf_reason why = RVX_RVF_REASON_COUNT;
	uint8_t h[32];
	br_sha256_context sc;
	uint8_t snapshot[PKG_CAP];

	fx_manifest(&m);
	size_t len = fx_build(&m, pkg);
	memcpy(snapshot, pkg, len);
	cr_assert_eq(rvx_rvf_verify(pkg, len, &fx_trusted, &view, &why), 0);
	cr_assert_eq(why, RVX_RVF_OK);
	cr_assert(memcmp(snapshot, pkg, len) == 0, "verify must not write the package");
	cr_assert_eq(view.total_length, len);
	cr_assert_eq(view.segment_count, S_COUNT);
	cr_assert_eq(view.key_index, 1);
	cr_assert_eq(view.manifest_segment, S_MANIFEST);
	br_sha256_init(&sc);
	br_sha256_update(&sc, pkg, len);
	br_sha256_out(&sc, h);
	cr_assert(memcmp(h, view.package_hash, 32) == 0, "package hash is SHA-256 of the whole");

	/* Segment views point at the packed bytes. */
	cr_assert_eq(view.segments[S_CODE].type, RVX_RVF_SEG_CODE);
	cr_assert_eq(view.segments[S_CODE].length, sizeof(fx_code));
	cr_assert(memcmp(pkg + view.segments[S_CODE].offset, fx_code, sizeof(fx_code)) == 0);
	cr_assert(memcmp(pkg + view.segments[S_DATA].offset, fx_data, sizeof(fx_data)) == 0);
	cr_assert(memcmp(pkg + view.segments[S_VSEED].offset, fx_vseed, sizeof(fx_vseed)) == 0);
	for (uint32_t i = 0; i < view.segment_count; i++)
		cr_assert_eq(view.segments[i].offset % RVX_RVF_ALIGN, 0);

	/* The decoded manifest is the packed one. */
	cr_assert(memcmp(&view.manifest.tasks, &m.tasks, sizeof(m.tasks)) == 0);
	cr_assert(memcmp(&view.manifest.regions, &m.regions, sizeof(m.regions)) == 0);
	cr_assert(memcmp(&view.manifest.queues, &m.queues, sizeof(m.queues)) == 0);
	cr_assert(memcmp(&view.manifest.wires, &m.wires, sizeof(m.wires)) == 0);
	cr_assert(memcmp(&view.manifest.required, &m.required, sizeof(m.required)) == 0);
	cr_assert(memcmp(&view.manifest.policies, &m.policies, sizeof(m.policies)) == 0);
	cr_assert(memcmp(&view.manifest.witness, &m.witness, sizeof(m.witness)) == 0);
	cr_assert_str_eq(view.manifest.name, "hello");
	cr_assert_eq(view.manifest.task_count, 2);
	cr_assert_eq(view.manifest.wire_count, 6);
	cr_assert_eq(view.manifest.has_witness_policy, 1);
	cr_assert_eq(view.manifest.authority_count, 1);
	cr_assert(memcmp(pkg + view.manifest.authority_offset[0], fx_authority_pub, 65) == 0);
}

Test(rvf_verify, minimal_package_with_only_a_manifest)
{
	struct rvx_rvf_manifest m;
	uint8_t seg[128];
	size_t l;

	memset(&m, 0, sizeof(m));
	memcpy(m.name, "empty", 5);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, seg, sizeof(seg), &l), 0);
	cr_assert_eq(l, 64);
	struct rvx_rvf_input in = { RVX_RVF_SEG_MANIFEST, seg, l };
	size_t len = fx_build_segs(&in, 1, pkg);
	cr_assert_eq(len, 64 + 56 + 64 + 64);
	cr_assert_eq(rvx_rvf_verify(pkg, len, &fx_trusted, &view, NULL), 0);
	cr_assert_eq(view.manifest.task_count, 0);
	cr_assert_eq(view.manifest.has_witness_policy, 0);
}

Test(rvf_verify, null_arguments_are_refused)
{
	struct rvx_rvf_manifest m;
	enum rvx_rvf_reason why;
	struct rvx_rvf_trusted_keys bad = { NULL, 1 };

	fx_manifest(&m);
	size_t len = fx_build(&m, pkg);
	cr_assert_eq(rvx_rvf_verify(NULL, len, &fx_trusted, &view, &why), -RVX_EINVAL);
	cr_assert_eq(rvx_rvf_verify(pkg, len, NULL, &view, &why), -RVX_EINVAL);
	cr_assert_eq(rvx_rvf_verify(pkg, len, &fx_trusted, NULL, &why), -RVX_EINVAL);
	cr_assert_eq(rvx_rvf_verify(pkg, len, &bad, &view, &why), -RVX_EINVAL);
}

Test(rvf_verify, no_trusted_keys_means_unknown_key)
{
	struct rvx_rvf_manifest m;
	struct rvx_rvf_trusted_keys none = { NULL, 0 };
	enum rvx_rvf_reason why;

	fx_manifest(&m);
	size_t len = fx_build(&m, pkg);
	cr_assert_eq(rvx_rvf_verify(pkg, len, &none, &view, &why), -RVX_EBADSIG);
	cr_assert_eq(why, RVX_RVF_UNKNOWN_KEY);
}

Test(rvf_verify, inspect_skips_only_the_signature)
{
	struct rvx_rvf_manifest m;
	enum rvx_rvf_reason why;

	fx_manifest(&m);
	size_t len = fx_build(&m, pkg);
	memset(pkg + len - 64, 0, 64); /* unsigned */
	cr_assert_eq(rvx_rvf_verify(pkg, len, &fx_trusted, &view, &why), -RVX_EBADSIG);
	cr_assert_eq(why, RVX_RVF_UNSIGNED);
	cr_assert_eq(rvx_rvf_inspect(pkg, len, &view, &why), 0);
	cr_assert_eq(view.key_index, RVX_RVF_NONE);
	cr_assert_eq(view.manifest.task_count, 2);
	/* a wrong hash is still refused */
	pkg[view.segments[S_CODE].offset] ^= 1;
	memset(&view, 0x33, sizeof(view));
	struct rvx_rvf_package snap;
	memcpy(&snap, &view, sizeof(view));
	cr_assert_eq(rvx_rvf_inspect(pkg, len, &view, &why), -RVX_EBADSIG);
	cr_assert_eq(why, RVX_RVF_SEG_HASH);
	cr_assert(memcmp(&snap, &view, sizeof(view)) == 0);
	cr_assert_eq(rvx_rvf_inspect(NULL, len, &view, &why), -RVX_EINVAL);
}
