/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 self-tests (lib/sha256) on the target: the FIPS 180-4 examples,
 * RFC 4231 HMACs over rvx_sha256_vtable and random messages of every
 * length 0..320 in random pieces against BearSSL, on the portable fallback
 * and on the CPU's SHA instructions (the AArch64 SHA2 extension on the
 * image, SHA-NI when the runner is hosted on x86-64). A CPU without them
 * must refuse the hardware selection and keep the portable code. Each case
 * leaves the automatic choice behind it.
 */
#include "ruvix/err.h"
#include "sha256_check.h"
#include "st_internal.h"

#define RANDOM_MESSAGES 3000u

static enum rvx_sha256_impl hardware(void)
{
#if defined(__x86_64__)
	return RVX_SHA256_IMPL_X86_SHANI;
#else
	return RVX_SHA256_IMPL_A64_SHA2;
#endif
}

static void checks(enum rvx_sha256_impl impl)
{
	ST_EQ(rvx_sha256_select(impl), 0);
	ST_EQ(rvx_sha256_impl(), impl);
	ST_EQ(shachk_kats(), 0);
	ST_EQ(shachk_hmac_kats(), 0);
	ST_EQ(shachk_random(0x7a96e7, RANDOM_MESSAGES), 0);
}

static void portable_matches_bearssl(void)
{
	checks(RVX_SHA256_IMPL_PORTABLE);
	ST_EQ(rvx_sha256_select(RVX_SHA256_IMPL_AUTO), 0);
}

static void hardware_matches_bearssl(void)
{
	if (!rvx_sha256_impl_available(hardware())) {
		/* before: automatic choice; after: the same, portable */
		ST_EQ(rvx_sha256_select(hardware()), -RVX_ENOTSUP);
		ST_EQ(rvx_sha256_impl(), RVX_SHA256_IMPL_PORTABLE);
		return;
	}
	checks(hardware());
	ST_EQ(rvx_sha256_select(RVX_SHA256_IMPL_AUTO), 0);
	ST_EQ(rvx_sha256_impl(), hardware());
}

static void select_refuses_unknown(void)
{
	enum rvx_sha256_impl before = rvx_sha256_impl();

	ST_EQ(rvx_sha256_select((enum rvx_sha256_impl)99), -RVX_EINVAL);
	ST_EQ(rvx_sha256_impl(), before);
}

const struct st_case st_sha256_cases[] = {
	{"sha256", "portable_matches_bearssl", portable_matches_bearssl},
	{"sha256", "hardware_matches_bearssl", hardware_matches_bearssl},
	{"sha256", "select_refuses_unknown", select_refuses_unknown},
};

const uint32_t st_sha256_case_count = RVX_ARRAY_COUNT(st_sha256_cases);
