/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the buddy tests: an allocator over static page records
 * at a fake physical span (the allocator never touches the memory it
 * manages, so any address works), and byte-for-byte snapshots of the
 * allocator plus its records around calls that must fail.
 */
#ifndef RUVIX_TEST_BUDDY_H
#define RUVIX_TEST_BUDDY_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "ruvix/buddy.h"

#define PG 4096u
#define REC_CAP 4096u

/* A physical base aligned to 64 MiB, so blocks of every test order align. */
#define BASE UINT64_C(0x40000000)

/* Address of page @i of the span starting at BASE. */
#define PA(i) (BASE + (uint64_t)(i) * PG)

struct snap {
	struct rvx_buddy b;
	struct rvx_buddy_page pages[REC_CAP];
};

static inline void snap_take(struct snap *s, const struct rvx_buddy *b,
			     const struct rvx_buddy_page *pages)
{
	memcpy(&s->b, b, sizeof(*b));
	memcpy(s->pages, pages, sizeof(s->pages));
}

static inline void snap_check(const struct snap *s, const struct rvx_buddy *b,
			      const struct rvx_buddy_page *pages, const char *what)
{
	cr_assert(memcmp(&s->b, b, sizeof(*b)) == 0,
		  "%s: the allocator struct changed after a failed call", what);
	cr_assert(memcmp(s->pages, pages, sizeof(s->pages)) == 0,
		  "%s: the page records changed after a failed call", what);
}

/* Run expr, which must return err, and check every byte of the allocator
 * and of all REC_CAP records is as it was. */
#define EXPECT_FAIL(b, pages, expr, err)                                       \
	do {                                                                   \
		static struct snap snap_;                                      \
		snap_take(&snap_, (b), (pages));                               \
		int ret_ = (expr);                                             \
		cr_assert_eq(ret_, (err), "%s: got %d (%s), want %d (%s)",     \
			     #expr, ret_, rvx_strerror(ret_), (err),           \
			     rvx_strerror(err));                               \
		snap_check(&snap_, (b), (pages), #expr);                       \
	} while (0)

/* Expect a call to succeed. */
#define OK(expr)                                                               \
	do {                                                                   \
		int ret_ = (expr);                                             \
		cr_assert_eq(ret_, 0, "%s: got %d (%s)", #expr, ret_,         \
			     rvx_strerror(ret_));                              \
	} while (0)

/* Free blocks of each order 0..7 as one comparable array. */
static inline void free_blocks8(const struct rvx_buddy *b, uint32_t out[8])
{
	struct rvx_buddy_stats st;

	cr_assert_eq(rvx_buddy_stats(b, &st), 0);
	for (int o = 0; o < 8; o++)
		out[o] = st.free_blocks[o];
}

#define EXPECT_BLOCKS(b, ...)                                                  \
	do {                                                                   \
		uint32_t got_[8], want_[8] = {__VA_ARGS__};                    \
		free_blocks8((b), got_);                                       \
		for (int o_ = 0; o_ < 8; o_++)                                 \
			cr_assert_eq(got_[o_], want_[o_],                      \
				     "free blocks of order %d: got %u, want %u", \
				     o_, got_[o_], want_[o_]);                 \
		cr_assert_eq(rvx_buddy_verify(b), 0, "verify failed");       \
	} while (0)

#endif /* RUVIX_TEST_BUDDY_H */
