/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "hosted_fixture.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

void *fx_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED, "mmap of %zu bytes failed", size);
	return p;
}

void fx_unmap(void *p, size_t size)
{
	cr_assert_eq(munmap(p, size), 0);
}

void fx_prot(const void *addr, char out[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	uintptr_t a = (uintptr_t)addr;

	out[0] = '\0';
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		uintptr_t lo, hi;
		char perms[5];

		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s", &lo, &hi, perms) != 3)
			continue;
		if (a >= lo && a < hi) {
			memcpy(out, perms, 5);
			break;
		}
	}
	fclose(f);
}
