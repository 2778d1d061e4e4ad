/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The self-test runner's case table and checks. A case is a function that
 * returns at its first failed check; the check records the line, the
 * expression and, for comparisons, both values, which the runner prints.
 */
#ifndef RUVIX_ST_INTERNAL_H
#define RUVIX_ST_INTERNAL_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/selftest.h"

/** One case: its suite and name as printed, and its body. */
struct st_case {
	const char *suite;
	const char *name;
	void (*run)(void);
};

/* Record the first failure of the current case. */
void st_fail_(int line, const char *expr, int64_t got, int64_t want, bool values);

/* Whether the current case has failed (checks return as soon as it has). */
extern bool st_failed_;

#define ST_TRUE(cond)                                                          \
	do {                                                                   \
		if (!(cond)) {                                                 \
			st_fail_(__LINE__, #cond, 0, 0, false);                \
			return;                                                \
		}                                                              \
	} while (0)

/* Integers (and error codes) compared as int64_t. */
#define ST_EQ(got, want)                                                       \
	do {                                                                   \
		int64_t st_g_ = (int64_t)(got), st_w_ = (int64_t)(want);       \
		if (st_g_ != st_w_) {                                          \
			st_fail_(__LINE__, #got " == " #want, st_g_, st_w_, true); \
			return;                                                \
		}                                                              \
	} while (0)

/* Equal bytes. */
#define ST_MEM_EQ(a, b, n)                                                     \
	do {                                                                   \
		if (memcmp((a), (b), (n)) != 0) {                              \
			st_fail_(__LINE__, "bytes equal: " #a ", " #b, 0, 0, false); \
			return;                                                \
		}                                                              \
	} while (0)

/* Different bytes. */
#define ST_MEM_NE(a, b, n)                                                     \
	do {                                                                   \
		if (memcmp((a), (b), (n)) == 0) {                              \
			st_fail_(__LINE__, "bytes differ: " #a ", " #b, 0, 0, false); \
			return;                                                \
		}                                                              \
	} while (0)

/* Each suite's table, defined in st_<suite>.c. */
extern const struct st_case st_cap_cases[];
extern const uint32_t st_cap_case_count;
extern const struct st_case st_region_cases[];
extern const uint32_t st_region_case_count;
extern const struct st_case st_queue_cases[];
extern const uint32_t st_queue_case_count;
extern const struct st_case st_proof_cases[];
extern const uint32_t st_proof_case_count;
extern const struct st_case st_witness_cases[];
extern const uint32_t st_witness_case_count;
extern const struct st_case st_buddy_cases[];
extern const uint32_t st_buddy_case_count;
extern const struct st_case st_sha256_cases[];
extern const uint32_t st_sha256_case_count;

#endif /* RUVIX_ST_INTERNAL_H */
