/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Start-up of a component image on the hosted port: the entry the image
 * header names (offset 64, the first function of .text) and the four memory
 * functions every freestanding RuVix object may call. The component itself
 * defines rvx_component_main(), which the port's task start calls with the
 * task's start block; returning from it ends the task.
 */
#include "ruvix/user.h"

/* ruvix/env.h maps these names to compiler builtins; here they are defined. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp

void rvx_component_main(const struct rvx_user_start *s);
void _start(const struct rvx_user_start *s);

__attribute__((section(".text.rvx_entry"), used)) void _start(const struct rvx_user_start *s)
{
	rvx_component_main(s);
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n-- != 0)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp < sp) {
		while (n-- != 0)
			*dp++ = *sp++;
	} else {
		while (n-- != 0)
			dp[n] = sp[n];
	}
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;

	while (n-- != 0)
		*dp++ = (unsigned char)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n != 0; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}
