/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha256-diff: the FIPS 180-4 examples, RFC 4231 HMACs and COUNT random
 * messages of every length 0..SHACHK_MAX_LEN in random pieces, compared
 * with BearSSL, on the portable fallback and on every hardware compression
 * this CPU has. Built for the host and, as a static Linux program, for
 * AArch64 to run under qemu-user.
 *
 *   sha256-diff [COUNT [SEED]] [--expect-hw]
 *
 * --expect-hw fails unless a hardware compression was found and checked.
 * Exit status 0 when everything matched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/err.h"
#include "sha256_check.h"

static const char *name(enum rvx_sha256_impl impl)
{
	switch (impl) {
	case RVX_SHA256_IMPL_PORTABLE:
		return "portable (BearSSL)";
	case RVX_SHA256_IMPL_X86_SHANI:
		return "x86-64 SHA-NI";
	case RVX_SHA256_IMPL_A64_SHA2:
		return "AArch64 SHA2";
	default:
		return "?";
	}
}

int main(int argc, char **argv)
{
	static const enum rvx_sha256_impl impls[] = {RVX_SHA256_IMPL_PORTABLE,
						     RVX_SHA256_IMPL_X86_SHANI,
						     RVX_SHA256_IMPL_A64_SHA2};
	unsigned long long count = 100000, seed = 1;
	bool expect_hw = false, hw = false;
	int failed = 0, pos = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--expect-hw") == 0)
			expect_hw = true;
		else if (pos++ == 0)
			count = strtoull(argv[i], NULL, 0);
		else
			seed = strtoull(argv[i], NULL, 0);
	}
	printf("automatic choice: %s\n", name(rvx_sha256_impl()));
	for (unsigned i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		int kat, hmac;
		uint64_t bad;

		if (rvx_sha256_select(impls[i]) != 0) {
			printf("%-20s not on this CPU\n", name(impls[i]));
			continue;
		}
		hw |= impls[i] != RVX_SHA256_IMPL_PORTABLE;
		kat = shachk_kats();
		hmac = shachk_hmac_kats();
		bad = shachk_random(seed, count);
		printf("%-20s FIPS 180-4 %s, RFC 4231 %s, %llu random messages (lengths 0..%u, "
		       "seed %llu): %s\n",
		       name(impls[i]), kat == 0 ? "ok" : "FAILED", hmac == 0 ? "ok" : "FAILED",
		       count, SHACHK_MAX_LEN, seed, bad == 0 ? "all match BearSSL" : "MISMATCH");
		if (bad != 0)
			printf("  first mismatch: message %llu\n", (unsigned long long)(bad - 1u));
		failed |= kat != 0 || hmac != 0 || bad != 0;
	}
	if (expect_hw && !hw) {
		printf("no hardware compression found, and --expect-hw\n");
		failed = 1;
	}
	return failed;
}
