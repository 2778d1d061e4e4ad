/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/sha256.h: the FIPS 180-4 examples, RFC 4231 HMACs over its BearSSL
 * hash class and a bounded differential run against BearSSL, each with the
 * portable fallback forced and with the hardware compression this CPU has
 * (x86-64 SHA-NI, as /proc/cpuinfo reports it); the choice of
 * implementation and its errors; and the witness log, which must give the
 * same chain whichever implementation hashes it. The long differential run
 * is the sha256-diff program (tests/sha256/meson.build).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "bearssl_hash.h"
#include "ruvix/err.h"
#include "ruvix/witness.h"
#include "sha256_check.h"

/* What the kernel reports for this CPU, read independently of CPUID. */
static bool cpu_has_sha_ni(void)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	cr_assert_not_null(f);
	while (!found && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "flags", 5) == 0)
			found = strstr(line, " sha_ni") != NULL;
	fclose(f);
	return found;
}

static enum rvx_sha256_impl hardware(void)
{
#if defined(__x86_64__)
	return RVX_SHA256_IMPL_X86_SHANI;
#else
	return RVX_SHA256_IMPL_A64_SHA2;
#endif
}

static void run_checks(void)
{
	cr_assert_eq(shachk_kats(), 0, "FIPS 180-4 example %d", shachk_kats());
	cr_assert_eq(shachk_hmac_kats(), 0, "RFC 4231 case %d", shachk_hmac_kats());
	cr_assert_eq(shachk_random(0x5eed, 20000), 0, "random message %llu differs",
		     (unsigned long long)shachk_random(0x5eed, 20000) - 1u);
}

Test(sha256, portable_matches_bearssl)
{
	cr_assert_eq(rvx_sha256_select(RVX_SHA256_IMPL_PORTABLE), 0);
	cr_assert_eq(rvx_sha256_impl(), RVX_SHA256_IMPL_PORTABLE);
	run_checks();
}

Test(sha256, hardware_matches_bearssl)
{
	if (!cpu_has_sha_ni()) {
		/* before: automatic choice; after: a refused select changed nothing */
		enum rvx_sha256_impl before = rvx_sha256_impl();

		cr_assert_eq(rvx_sha256_select(hardware()), -RVX_ENOTSUP);
		cr_assert_eq(rvx_sha256_impl(), before);
		return;
	}
	cr_assert_eq(rvx_sha256_select(hardware()), 0);
	cr_assert_eq(rvx_sha256_impl(), hardware());
	run_checks();
}

Test(sha256, automatic_choice_follows_the_cpu)
{
	cr_assert_eq(rvx_sha256_impl(), cpu_has_sha_ni() ? hardware() : RVX_SHA256_IMPL_PORTABLE);
	cr_assert_eq(rvx_sha256_impl_available(hardware()), cpu_has_sha_ni());
	cr_assert(rvx_sha256_impl_available(RVX_SHA256_IMPL_PORTABLE));
	cr_assert_eq(rvx_sha256_select(RVX_SHA256_IMPL_PORTABLE), 0);
	cr_assert_eq(rvx_sha256_select(RVX_SHA256_IMPL_AUTO), 0);
	cr_assert_eq(rvx_sha256_impl(), cpu_has_sha_ni() ? hardware() : RVX_SHA256_IMPL_PORTABLE);
}

Test(sha256, select_refuses_what_it_cannot_run)
{
	cr_assert_eq(rvx_sha256_select(RVX_SHA256_IMPL_PORTABLE), 0);
	/* before: portable */
	cr_assert_eq(rvx_sha256_select((enum rvx_sha256_impl)99), -RVX_EINVAL);
#if defined(__x86_64__)
	cr_assert_eq(rvx_sha256_select(RVX_SHA256_IMPL_A64_SHA2), -RVX_ENOTSUP);
	cr_assert_not(rvx_sha256_impl_available(RVX_SHA256_IMPL_A64_SHA2));
#else
	cr_assert_eq(rvx_sha256_select(RVX_SHA256_IMPL_X86_SHANI), -RVX_ENOTSUP);
#endif
	/* after: still portable */
	cr_assert_eq(rvx_sha256_impl(), RVX_SHA256_IMPL_PORTABLE);
}

Test(sha256, hash_class_describes_sha256_as_bearssl_does)
{
	cr_assert_eq(rvx_sha256_vtable.desc, br_sha256_vtable.desc);
	cr_assert_eq(rvx_sha256_vtable.context_size, sizeof(struct rvx_sha256));
	cr_assert_leq(rvx_sha256_vtable.context_size, sizeof(br_hash_compat_context));
}

Test(sha256, zero_blocks_change_nothing)
{
	uint8_t st[32], before[32];

	memset(st, 0x3c, sizeof(st));
	memcpy(before, st, sizeof(st));
	rvx_sha256_blocks(st, NULL, 0);
	cr_assert_arr_eq(st, before, sizeof(st));
}

/* Records into an array, for the log below. */
static uint8_t ring[2][200 * 64];

static int store(void *ctx, const uint8_t rec[64])
{
	uint32_t *n = ctx;

	memcpy(ring[n[1]] + (size_t)n[0]++ * 64u, rec, 64);
	return 0;
}

static void chain(uint32_t which, struct rvx_witness_head *head)
{
	uint32_t n[2] = {0, which};
	struct rvx_witness_sink sink = {store, n};
	struct rvx_witness_log log;

	cr_assert_eq(rvx_witness_log_init(&log, &sink), 0);
	for (uint32_t i = 0; i < 200; i++) {
		struct rvx_witness_event ev = {i, RVX_WITNESS_BOOT_STAGE, 0, 0, 7, i};
		uint8_t args[40];

		memset(args, (int)i, sizeof(args));
		cr_assert_eq(rvx_witness_append(&log, &ev, args, i % sizeof(args), NULL), 0);
		rvx_witness_note_traffic(&log, RVX_WITNESS_QUEUE_SEND, 1, i, i);
	}
	rvx_witness_head(&log, head);
}

Test(sha256, witness_chain_is_the_same_on_every_implementation)
{
	struct rvx_witness_head portable, automatic;
	br_sha256_context ref;
	uint8_t want[32];

	cr_assert_eq(rvx_sha256_select(RVX_SHA256_IMPL_PORTABLE), 0);
	chain(0, &portable);
	cr_assert_eq(rvx_sha256_select(RVX_SHA256_IMPL_AUTO), 0);
	chain(1, &automatic);
	cr_assert_arr_eq(ring[0], ring[1], sizeof(ring[0]));
	cr_assert_eq(portable.count, 200);
	cr_assert_eq(automatic.count, 200);
	cr_assert_arr_eq(portable.head, automatic.head, 32);
	/* The head is the plain SHA-256 of the records, by BearSSL. */
	br_sha256_init(&ref);
	br_sha256_update(&ref, ring[0], sizeof(ring[0]));
	br_sha256_out(&ref, want);
	cr_assert_arr_eq(automatic.head, want, 32);
}
