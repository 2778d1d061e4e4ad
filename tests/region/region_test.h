/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the region tests: byte-for-byte snapshots of state, and
 * caller memory surrounded by canary bytes so that any write outside the
 * bounds given to the library is caught.
 */
#ifndef RUVIX_TEST_REGION_H
#define RUVIX_TEST_REGION_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/region.h"

/* --- snapshots ---------------------------------------------------------- */

#define SNAP_PARTS 6

/* Copies of up to SNAP_PARTS byte ranges, taken before a call that must
 * fail and compared after it. */
struct snap {
	const void *at[SNAP_PARTS];
	size_t len[SNAP_PARTS];
	unsigned char *copy[SNAP_PARTS];
	int count;
};

static inline void snap_add(struct snap *s, const void *p, size_t len)
{
	cr_assert_lt(s->count, SNAP_PARTS);
	unsigned char *c = malloc(len ? len : 1);

	cr_assert_not_null(c);
	memcpy(c, p, len);
	s->at[s->count] = p;
	s->len[s->count] = len;
	s->copy[s->count] = c;
	s->count++;
}

static inline void snap_check(const struct snap *s, const char *what)
{
	for (int i = 0; i < s->count; i++)
		cr_assert(memcmp(s->at[i], s->copy[i], s->len[i]) == 0,
			  "%s: part %d (%zu bytes) changed after a failed call",
			  what, i, s->len[i]);
}

static inline void snap_free(struct snap *s)
{
	for (int i = 0; i < s->count; i++)
		free(s->copy[i]);
	s->count = 0;
}

/* Run expr, which must return err, and check that every byte in the
 * snapshot is as it was. */
#define EXPECT_FAIL(s, expr, err)                                              \
	do {                                                                   \
		int ret_ = (expr);                                             \
		cr_assert_eq(ret_, (err), "%s: got %d (%s), want %d (%s)",     \
			     #expr, ret_, rvx_strerror(ret_), (err),           \
			     rvx_strerror(err));                               \
		snap_check(&(s), #expr);                                       \
	} while (0)

/* --- caller memory with canaries ---------------------------------------- */

#define CANARY_LEN 64
#define CANARY_BYTE 0xC3

/* len usable bytes at mem, 64-byte aligned, with CANARY_LEN canary bytes on
 * each side. */
struct arena {
	unsigned char *raw;
	unsigned char *mem;
	size_t len;
};

static inline void arena_init(struct arena *a, size_t len)
{
	size_t total = (len + 2 * CANARY_LEN + 63) / 64 * 64;

	a->raw = aligned_alloc(64, total);
	cr_assert_not_null(a->raw);
	memset(a->raw, CANARY_BYTE, total);
	a->mem = a->raw + CANARY_LEN;
	a->len = len;
}

static inline void arena_fini(struct arena *a)
{
	free(a->raw);
	a->raw = a->mem = NULL;
}

/* True if both canaries still hold their pattern. */
static inline int arena_intact(const struct arena *a)
{
	for (size_t i = 0; i < CANARY_LEN; i++)
		if (a->raw[i] != CANARY_BYTE || a->mem[a->len + i] != CANARY_BYTE)
			return 0;
	return 1;
}

/* True if n bytes at p are all equal to b. */
static inline int all_bytes(const void *p, size_t n, unsigned char b)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != b)
			return 0;
	return 1;
}

/* Deterministic test bytes: byte i of a stream seeded with seed. */
static inline void fill_pattern(void *p, size_t n, unsigned seed)
{
	unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		c[i] = (unsigned char)(seed * 131u + i * 7u + 1u);
}

/*
 * A Criterion test whose body is followed by check_memory(), which each
 * test file defines (canaries around its caller memory). Criterion 2.4 only
 * warns about an assertion or a crash in a suite's .fini, without failing
 * the test, so the check has to run inside the test itself.
 */
#define TEST_CHECKED(suite, name)                                              \
	static void suite##_##name##_body(void);                               \
	Test(suite, name)                                                      \
	{                                                                      \
		suite##_##name##_body();                                       \
		check_memory();                                                \
	}                                                                      \
	static void suite##_##name##_body(void)

/* --- seeded PRNG (splitmix64) ------------------------------------------- */

static inline uint64_t prng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform-ish value in [0, n), n > 0. */
static inline uint64_t prng_below(uint64_t *state, uint64_t n)
{
	return prng_next(state) % n;
}

#endif /* RUVIX_TEST_REGION_H */
