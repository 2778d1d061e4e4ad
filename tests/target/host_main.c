/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs the on-target self-tests on the host, with a stdout writer, on a
 * thread whose stack is a painted buffer of a fixed size: the run proves
 * the cases fit in that stack and reports the high-water mark, the figure a
 * bare-metal image needs to size its boot stack.
 *
 *   selftest-host [--inject-failure] [--stack BYTES]
 *
 * Exit status: 0 when every case passed, 1 otherwise.
 */
/* pthread_attr_setstack is POSIX 2008, not C11. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/selftest.h"

#define PAINT 0xA5

static uint32_t flags;
static int failed = -1;

static void write_stdout(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	fwrite(s, 1, n, stdout);
	fflush(stdout);
}

static void *run(void *arg)
{
	(void)arg;
	failed = rvx_selftest_run(write_stdout, NULL, flags);
	return NULL;
}

int main(int argc, char **argv)
{
	size_t stack_size = 64 * 1024;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--inject-failure") == 0) {
			flags |= RVX_SELFTEST_INJECT_FAILURE;
		} else if (strcmp(argv[i], "--stack") == 0 && i + 1 < argc) {
			stack_size = strtoul(argv[++i], NULL, 0);
		} else {
			fprintf(stderr, "usage: %s [--inject-failure] [--stack BYTES]\n", argv[0]);
			return 2;
		}
	}

	/* A painted stack: bytes never written keep the paint. Sanitizer
	 * builds use far more stack, so the figure means something only in a
	 * plain build. */
	unsigned char *stack = aligned_alloc(4096, stack_size);
	pthread_attr_t attr;
	pthread_t t;

	if (stack == NULL)
		return 2;
	memset(stack, PAINT, stack_size);
	if (pthread_attr_init(&attr) != 0 || pthread_attr_setstack(&attr, stack, stack_size) != 0 ||
	    pthread_create(&t, &attr, run, NULL) != 0 || pthread_join(t, NULL) != 0) {
		fprintf(stderr, "selftest-host: cannot run on a %zu-byte stack\n", stack_size);
		return 2;
	}
	size_t untouched = 0;
	while (untouched < stack_size && stack[untouched] == PAINT)
		untouched++;
	printf("selftest-host: %u cases, stack high-water %zu of %zu bytes\n",
	       rvx_selftest_case_count(), stack_size - untouched, stack_size);
	free(stack);
	return failed == 0 ? 0 : 1;
}
