/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runner: walks the suites' case tables, runs each case, and prints one
 * line per case with a formatter of its own (no libc on target).
 */
#include "st_internal.h"

bool st_failed_;

/* The first failure of the current case. */
static struct {
	int line;
	const char *expr;
	int64_t got, want;
	bool values;
} fail;

void st_fail_(int line, const char *expr, int64_t got, int64_t want, bool values)
{
	if (st_failed_)
		return;
	st_failed_ = true;
	fail.line = line;
	fail.expr = expr;
	fail.got = got;
	fail.want = want;
	fail.values = values;
}

/* --- a line formatter ----------------------------------------------------- */

#define LINE_MAX_ 240

static char line[LINE_MAX_];
static size_t line_len;

static void put_char(char c)
{
	/* Keep the last byte for the newline; a long line is cut, not lost. */
	if (line_len < LINE_MAX_ - 1)
		line[line_len++] = c;
}

static void put_str(const char *s)
{
	while (*s)
		put_char(*s++);
}

static void put_u64(uint64_t v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v != 0);
	while (n > 0)
		put_char(digits[--n]);
}

static void put_i64(int64_t v)
{
	if (v < 0) {
		put_char('-');
		put_u64((uint64_t)0 - (uint64_t)v);
	} else {
		put_u64((uint64_t)v);
	}
}

static void put_value(int64_t v)
{
	put_i64(v);
	/* A negative value in the error range is most likely an error code:
	 * name it. */
	if (v < 0 && v > -(int64_t)RVX_ERR_COUNT) {
		put_str(" ");
		put_str(rvx_strerror((int)v));
	}
}

static void flush(rvx_selftest_write_fn write, void *ctx)
{
	line[line_len++] = '\n';
	write(ctx, line, line_len);
	line_len = 0;
}

/* --- the run -------------------------------------------------------------- */

static void injected_failure(void)
{
	/* Fails on purpose (RVX_SELFTEST_INJECT_FAILURE). */
	ST_EQ(1 + 1, 3);
}

static const struct st_case injected[] = {
	{"runner", "injected_failure", injected_failure},
};

struct suite {
	const struct st_case *cases;
	const uint32_t *count;
};

static const struct suite suites[] = {
	{st_cap_cases, &st_cap_case_count},
	{st_region_cases, &st_region_case_count},
	{st_queue_cases, &st_queue_case_count},
	{st_proof_cases, &st_proof_case_count},
	{st_witness_cases, &st_witness_case_count},
	{st_buddy_cases, &st_buddy_case_count},
	{st_sha256_cases, &st_sha256_case_count},
};

uint32_t rvx_selftest_case_count(void)
{
	uint32_t n = 0;

	for (size_t s = 0; s < RVX_ARRAY_COUNT(suites); s++)
		n += *suites[s].count;
	return n;
}

static void run_case(const struct st_case *c, rvx_selftest_write_fn write, void *ctx,
		     uint32_t *passed, uint32_t *failed)
{
	st_failed_ = false;
	c->run();
	put_str("selftest ");
	put_str(c->suite);
	put_char('.');
	put_str(c->name);
	if (!st_failed_) {
		put_str(" ok");
		(*passed)++;
	} else {
		put_str(" FAIL line ");
		put_u64((uint64_t)fail.line);
		put_str(": ");
		put_str(fail.expr);
		if (fail.values) {
			put_str(" (got ");
			put_value(fail.got);
			put_str(", want ");
			put_value(fail.want);
			put_char(')');
		}
		(*failed)++;
	}
	flush(write, ctx);
}

int rvx_selftest_run(rvx_selftest_write_fn write, void *ctx, uint32_t flags)
{
	uint32_t passed = 0, failed = 0;

	if (write == NULL)
		return -1;
	line_len = 0;
	for (size_t s = 0; s < RVX_ARRAY_COUNT(suites); s++)
		for (uint32_t i = 0; i < *suites[s].count; i++)
			run_case(&suites[s].cases[i], write, ctx, &passed, &failed);
	if (flags & RVX_SELFTEST_INJECT_FAILURE)
		run_case(&injected[0], write, ctx, &passed, &failed);
	put_str("selftest: ");
	put_u64(passed);
	put_str(" passed, ");
	put_u64(failed);
	put_str(" failed");
	flush(write, ctx);
	return (int)failed;
}
