/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/region.h: immutable and append-only regions, and the calls common
 * to every policy (policy, info, read, write).
 */
#include <pthread.h>

#include "region_test.h"

#define SIZE 256

/* A fake address near the top of the address space: any range starting
 * here with a sizeable length wraps, so init must refuse it before it
 * touches a byte (the address is never dereferenced). */
#define HIGH_PTR ((void *)(UINTPTR_MAX - 63))

static struct arena a;
static struct rvx_region r;

static void setup(void)
{
	arena_init(&a, SIZE);
	memset(&r, 0, sizeof(r));
}

/* Runs at the end of every test (see TEST_CHECKED). */
static void check_memory(void)
{
	cr_assert(arena_intact(&a), "canary around the region memory was overwritten");
}

static void teardown(void)
{
	arena_fini(&a);
}

TestSuite(region, .init = setup, .fini = teardown);

/* An append-only region holding "abcdefghij" at offset 0, so that failure
 * tests start from a region with real state. */
static void make_append_with_data(void)
{
	cr_assert_eq(rvx_region_init_append(&r, a.mem, SIZE), 0);
	cr_assert_eq(rvx_region_append(&r, "abcdefghij", 10, NULL), 0);
}

static void make_immutable(void)
{
	unsigned char init[100];

	fill_pattern(init, sizeof(init), 1);
	cr_assert_eq(rvx_region_init_immutable(&r, a.mem, SIZE, init, sizeof(init)), 0);
}

/* A slab over the same arena, with its metadata in a static array. */
static struct rvx_region_slot slab_meta[SIZE / 16];

static void make_slab(void)
{
	rvx_handle_t h;

	cr_assert_eq(rvx_region_init_slab(&r, a.mem, SIZE, 16, slab_meta, sizeof(slab_meta)), 0);
	cr_assert_eq(rvx_region_slab_alloc(&r, &h), 0);
	cr_assert_eq(rvx_region_slab_write(&r, h, 0, "slot", 4), 0);
}

/* ---- rvx_region_init_immutable ------------------------------------------ */

TEST_CHECKED(region, init_immutable_copies_and_zero_fills)
{
	unsigned char init[100];
	struct rvx_region_info info;

	memset(a.mem, 0x5a, SIZE);
	fill_pattern(init, sizeof(init), 3);
	cr_assert_eq(rvx_region_init_immutable(&r, a.mem, SIZE, init, sizeof(init)), 0);
	cr_assert(memcmp(a.mem, init, sizeof(init)) == 0);
	cr_assert(all_bytes(a.mem + sizeof(init), SIZE - sizeof(init), 0), "rest must be zeroed");
	cr_assert_eq(rvx_region_policy(&r), RVX_REGION_POLICY_IMMUTABLE);
	cr_assert_eq(rvx_region_info(&r, &info), 0);
	cr_assert_eq(info.policy, RVX_REGION_POLICY_IMMUTABLE);
	cr_assert_eq(info.size, SIZE);
	cr_assert_eq(info.used_bytes, SIZE);
	cr_assert_eq(info.slot_size, 0);
	cr_assert_eq(info.slot_count, 0);
	cr_assert_eq(r.base, a.mem);
	cr_assert_eq(r.reserved, 0);
}

TEST_CHECKED(region, init_immutable_empty_init_is_all_zero)
{
	memset(a.mem, 0x5a, SIZE);
	cr_assert_eq(rvx_region_init_immutable(&r, a.mem, SIZE, NULL, 0), 0);
	cr_assert(all_bytes(a.mem, SIZE, 0));
}

TEST_CHECKED(region, init_immutable_exact_fit)
{
	unsigned char init[SIZE];

	fill_pattern(init, SIZE, 4);
	cr_assert_eq(rvx_region_init_immutable(&r, a.mem, SIZE, init, SIZE), 0);
	cr_assert(memcmp(a.mem, init, SIZE) == 0);
}

TEST_CHECKED(region, init_immutable_in_place_and_overlapping)
{
	unsigned char want[SIZE];

	/* Contents prepared in place: init == mem keeps them. */
	fill_pattern(a.mem, SIZE, 5);
	memcpy(want, a.mem, SIZE);
	cr_assert_eq(rvx_region_init_immutable(&r, a.mem, SIZE, a.mem, SIZE), 0);
	cr_assert(memcmp(a.mem, want, SIZE) == 0);

	/* Overlapping source: behaves like memmove, then zero-fills. */
	cr_assert_eq(rvx_region_init_immutable(&r, a.mem, SIZE, a.mem + 8, 100), 0);
	cr_assert(memcmp(a.mem, want + 8, 100) == 0);
	cr_assert(all_bytes(a.mem + 100, SIZE - 100, 0));
}

TEST_CHECKED(region, init_immutable_errors_change_nothing)
{
	unsigned char init[SIZE + 1];
	struct snap s = {0};

	fill_pattern(init, sizeof(init), 6);
	make_append_with_data();
	/* before: an append-only region with 10 bytes */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	EXPECT_FAIL(s, rvx_region_init_immutable(NULL, a.mem, SIZE, init, 4), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_immutable(&r, NULL, SIZE, init, 4), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_immutable(&r, a.mem, 0, NULL, 0), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_immutable(&r, HIGH_PTR, 64, NULL, 0), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_immutable(&r, HIGH_PTR, SIZE_MAX, NULL, 0), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_immutable(&r, a.mem, SIZE, init, SIZE + 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_immutable(&r, a.mem, SIZE, NULL, 1), -RVX_EINVAL);
	/* after: still the same append-only region */
	cr_assert_eq(rvx_region_policy(&r), RVX_REGION_POLICY_APPEND_ONLY);
	snap_free(&s);
}

TEST_CHECKED(region, immutable_refuses_every_write)
{
	struct snap s = {0};
	rvx_handle_t h = RVX_HANDLE_NULL;
	uint64_t off = 77;

	make_immutable();
	/* before: immutable region */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	snap_add(&s, &h, sizeof(h));
	snap_add(&s, &off, sizeof(off));
	EXPECT_FAIL(s, rvx_region_append(&r, "x", 1, &off), -RVX_EPOLICY);
	EXPECT_FAIL(s, rvx_region_slab_alloc(&r, &h), -RVX_EPOLICY);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, rvx_handle_make(0, 1), 0, "x", 1), -RVX_EPOLICY);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, rvx_handle_make(0, 1)), -RVX_EPOLICY);
	/* after: unchanged (checked by each EXPECT_FAIL) */
	snap_free(&s);
}

/* ---- rvx_region_init_append --------------------------------------------- */

TEST_CHECKED(region, init_append_starts_empty_and_leaves_memory)
{
	struct rvx_region_info info;

	memset(&r, 0xee, sizeof(r));
	memset(a.mem, 0x5a, SIZE);
	cr_assert_eq(rvx_region_init_append(&r, a.mem, SIZE), 0);
	cr_assert_eq(rvx_region_policy(&r), RVX_REGION_POLICY_APPEND_ONLY);
	cr_assert_eq(rvx_region_info(&r, &info), 0);
	cr_assert_eq(info.size, SIZE);
	cr_assert_eq(info.used_bytes, 0);
	cr_assert_eq(info.used_slots, 0);
	cr_assert(all_bytes(a.mem, SIZE, 0x5a), "init must not touch the memory");
	cr_assert_null(r.slots, "no stale field may survive a re-init");
	cr_assert_eq(r.reserved, 0);
}

TEST_CHECKED(region, init_append_errors_change_nothing)
{
	struct snap s = {0};

	make_immutable();
	/* before: an immutable region */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	EXPECT_FAIL(s, rvx_region_init_append(NULL, a.mem, SIZE), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_append(&r, NULL, SIZE), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_append(&r, a.mem, 0), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_append(&r, HIGH_PTR, 65), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_append(&r, a.mem, SIZE_MAX), -RVX_EINVAL);
	/* after: still immutable */
	cr_assert_eq(rvx_region_policy(&r), RVX_REGION_POLICY_IMMUTABLE);
	snap_free(&s);
}

/* ---- rvx_region_policy / rvx_region_info -------------------------------- */

TEST_CHECKED(region, policy_of_each_kind)
{
	make_immutable();
	cr_assert_eq(rvx_region_policy(&r), RVX_REGION_POLICY_IMMUTABLE);
	make_append_with_data();
	cr_assert_eq(rvx_region_policy(&r), RVX_REGION_POLICY_APPEND_ONLY);
	make_slab();
	cr_assert_eq(rvx_region_policy(&r), RVX_REGION_POLICY_SLAB);
}

TEST_CHECKED(region, policy_errors)
{
	struct rvx_region zero;

	memset(&zero, 0, sizeof(zero));
	cr_assert_eq(rvx_region_policy(NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_region_policy(&zero), -RVX_EINVAL, "a zeroed struct is not initialised");
	zero.policy = 4;
	cr_assert_eq(rvx_region_policy(&zero), -RVX_EINVAL, "unknown policy value");
}

TEST_CHECKED(region, info_append_tracks_cursor)
{
	struct rvx_region_info info;

	make_append_with_data();
	cr_assert_eq(rvx_region_info(&r, &info), 0);
	cr_assert_eq(info.policy, RVX_REGION_POLICY_APPEND_ONLY);
	cr_assert_eq(info.used_bytes, 10);
	cr_assert_eq(rvx_region_append(&r, "0123", 4, NULL), 0);
	cr_assert_eq(rvx_region_info(&r, &info), 0);
	cr_assert_eq(info.used_bytes, 14);
	cr_assert_eq(info.size, SIZE);
}

TEST_CHECKED(region, info_errors_change_nothing)
{
	struct snap s = {0};
	struct rvx_region zero;
	struct rvx_region_info info;

	memset(&zero, 0, sizeof(zero));
	memset(&info, 0x77, sizeof(info));
	make_append_with_data();
	/* before: append-only region, info filled with 0x77 */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, &info, sizeof(info));
	EXPECT_FAIL(s, rvx_region_info(NULL, &info), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_info(&r, NULL), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_info(&zero, &info), -RVX_EINVAL);
	/* after: info untouched */
	snap_free(&s);
}

/* ---- rvx_region_append -------------------------------------------------- */

TEST_CHECKED(region, append_returns_offsets_and_stores_bytes)
{
	uint64_t off = 99;
	unsigned char out[16];

	cr_assert_eq(rvx_region_init_append(&r, a.mem, SIZE), 0);
	cr_assert_eq(rvx_region_append(&r, "hello", 5, &off), 0);
	cr_assert_eq(off, 0);
	cr_assert_eq(rvx_region_append(&r, "world!", 6, &off), 0);
	cr_assert_eq(off, 5);
	cr_assert_eq(rvx_region_append(&r, "?", 1, NULL), 0, "offset is optional");
	cr_assert_eq(rvx_region_read(&r, 0, out, 12), 0);
	cr_assert(memcmp(out, "helloworld!?", 12) == 0);
	cr_assert(memcmp(a.mem, "helloworld!?", 12) == 0, "bytes land in the caller's memory");
}

TEST_CHECKED(region, append_from_inside_the_region)
{
	uint64_t off;

	make_append_with_data();
	/* Re-append the region's own first 6 bytes. */
	cr_assert_eq(rvx_region_append(&r, a.mem, 6, &off), 0);
	cr_assert_eq(off, 10);
	cr_assert(memcmp(a.mem + 10, "abcdef", 6) == 0);
	/* A source running past the cursor into the destination (memmove). */
	cr_assert_eq(rvx_region_append(&r, a.mem + 12, 8, &off), 0);
	cr_assert_eq(off, 16);
	/* Source bytes 16..19 are the arena's canary filler, read before the
	 * copy overwrites them. */
	cr_assert(memcmp(a.mem + 16, "cdef\xc3\xc3\xc3\xc3", 8) == 0,
		  "source read before it is overwritten");
}

TEST_CHECKED(region, append_exact_fit_then_full)
{
	unsigned char data[SIZE];
	uint64_t off = 1234;
	struct snap s = {0};
	struct rvx_region_info info;

	fill_pattern(data, SIZE, 7);
	cr_assert_eq(rvx_region_init_append(&r, a.mem, SIZE), 0);
	cr_assert_eq(rvx_region_append(&r, data, SIZE - 1, &off), 0);
	cr_assert_eq(rvx_region_append(&r, data + SIZE - 1, 1, &off), 0, "the last byte fits exactly");
	cr_assert_eq(off, SIZE - 1);
	cr_assert(memcmp(a.mem, data, SIZE) == 0);
	/* before: the region is exactly full */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	snap_add(&s, &off, sizeof(off));
	EXPECT_FAIL(s, rvx_region_append(&r, "x", 1, &off), -RVX_EREGIONFULL);
	EXPECT_FAIL(s, rvx_region_append(&r, data, SIZE, &off), -RVX_EREGIONFULL);
	/* after: unchanged, cursor still at the end */
	cr_assert_eq(rvx_region_info(&r, &info), 0);
	cr_assert_eq(info.used_bytes, SIZE);
	snap_free(&s);
}

TEST_CHECKED(region, append_never_writes_partially)
{
	unsigned char data[SIZE];
	struct snap s = {0};

	memset(a.mem, 0x5a, SIZE);
	fill_pattern(data, SIZE, 8);
	cr_assert_eq(rvx_region_init_append(&r, a.mem, SIZE), 0);
	cr_assert_eq(rvx_region_append(&r, data, SIZE - 6, NULL), 0);
	/* before: 6 bytes left, all still 0x5a */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	EXPECT_FAIL(s, rvx_region_append(&r, data, 7, NULL), -RVX_EREGIONFULL);
	/* after: not one of the 7 bytes was written */
	cr_assert(all_bytes(a.mem + SIZE - 6, 6, 0x5a));
	cr_assert_eq(rvx_region_append(&r, data, 6, NULL), 0, "what fits still fits");
	snap_free(&s);
}

TEST_CHECKED(region, append_sizes_near_size_max)
{
	unsigned char small[8] = {0};
	struct snap s = {0};

	make_append_with_data();
	/* before: 10 bytes used; len + cursor would wrap for these lengths */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	EXPECT_FAIL(s, rvx_region_append(&r, small, SIZE_MAX, NULL), -RVX_EREGIONFULL);
	EXPECT_FAIL(s, rvx_region_append(&r, small, SIZE_MAX - 9, NULL), -RVX_EREGIONFULL);
	EXPECT_FAIL(s, rvx_region_append(&r, small, SIZE_MAX - 10, NULL), -RVX_EREGIONFULL);
	EXPECT_FAIL(s, rvx_region_append(&r, small, (SIZE_MAX >> 1) + 1, NULL), -RVX_EREGIONFULL);
	EXPECT_FAIL(s, rvx_region_append(&r, small, SIZE - 9, NULL), -RVX_EREGIONFULL);
	/* after: unchanged */
	snap_free(&s);
}

TEST_CHECKED(region, append_errors_change_nothing)
{
	struct snap s = {0};
	struct rvx_region zero;
	uint64_t off = 4242;

	memset(&zero, 0, sizeof(zero));
	make_append_with_data();
	/* before: append-only region with 10 bytes */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	snap_add(&s, &off, sizeof(off));
	snap_add(&s, &zero, sizeof(zero));
	EXPECT_FAIL(s, rvx_region_append(NULL, "x", 1, &off), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_append(&zero, "x", 1, &off), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_append(&r, NULL, 1, &off), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_append(&r, "x", 0, &off), -RVX_EINVAL);
	/* after: unchanged, and off was not written */
	snap_free(&s);
}

TEST_CHECKED(region, append_refused_on_other_policies)
{
	struct snap s = {0};
	uint64_t off = 4242;

	make_slab();
	/* before: a slab with one slot in use */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	snap_add(&s, slab_meta, sizeof(slab_meta));
	snap_add(&s, &off, sizeof(off));
	EXPECT_FAIL(s, rvx_region_append(&r, "x", 1, &off), -RVX_EPOLICY);
	/* after: unchanged (the immutable case is in immutable_refuses_every_write) */
	snap_free(&s);
}

/* ---- rvx_region_read ---------------------------------------------------- */

TEST_CHECKED(region, read_immutable_ranges)
{
	unsigned char want[SIZE], out[SIZE];

	fill_pattern(want, 100, 1);
	memset(want + 100, 0, SIZE - 100);
	make_immutable();
	cr_assert_eq(rvx_region_read(&r, 0, out, SIZE), 0);
	cr_assert(memcmp(out, want, SIZE) == 0);
	cr_assert_eq(rvx_region_read(&r, 37, out, 80), 0);
	cr_assert(memcmp(out, want + 37, 80) == 0);
	cr_assert_eq(rvx_region_read(&r, SIZE - 1, out, 1), 0);
	cr_assert_eq(out[0], 0);
	cr_assert_eq(rvx_region_read(&r, SIZE, out, 0), 0, "an empty read at the end checks only");
}

TEST_CHECKED(region, read_append_only_below_cursor)
{
	unsigned char out[16];
	struct snap s = {0};

	make_append_with_data();
	cr_assert_eq(rvx_region_read(&r, 2, out, 8), 0);
	cr_assert(memcmp(out, "cdefghij", 8) == 0);
	memset(out, 0x11, sizeof(out));
	/* before: cursor at 10 */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, out, sizeof(out));
	EXPECT_FAIL(s, rvx_region_read(&r, 2, out, 9), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_read(&r, 10, out, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_read(&r, 11, out, 0), -RVX_EINVAL);
	/* after: unchanged; the same bytes become readable once appended */
	snap_free(&s);
	cr_assert_eq(rvx_region_append(&r, "k", 1, NULL), 0);
	cr_assert_eq(rvx_region_read(&r, 2, out, 9), 0);
	cr_assert(memcmp(out, "cdefghijk", 9) == 0);
}

TEST_CHECKED(region, read_errors_change_nothing)
{
	unsigned char out[16];
	struct snap s = {0};
	struct rvx_region zero;

	memset(&zero, 0, sizeof(zero));
	memset(out, 0x11, sizeof(out));
	make_immutable();
	/* before: immutable region, out filled with 0x11 */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	snap_add(&s, out, sizeof(out));
	EXPECT_FAIL(s, rvx_region_read(NULL, 0, out, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_read(&zero, 0, out, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_read(&r, 0, NULL, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_read(&r, SIZE + 1, out, 0), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_read(&r, SIZE - 4, out, 5), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_read(&r, UINT64_MAX, out, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_read(&r, 1, out, SIZE_MAX), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_read(&r, UINT64_MAX - 2, out, 4), -RVX_EINVAL);
	/* after: unchanged, out untouched */
	snap_free(&s);
}

TEST_CHECKED(region, read_refused_on_slab)
{
	unsigned char out[4];
	struct snap s = {0};

	make_slab();
	memset(out, 0x11, sizeof(out));
	/* before: slab with one live slot holding "slot" */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, out, sizeof(out));
	EXPECT_FAIL(s, rvx_region_read(&r, 0, out, 4), -RVX_EPOLICY);
	/* after: out untouched */
	snap_free(&s);
}

/* ---- static storage ----------------------------------------------------- */

RVX_REGION_DEFINE(static_log, 100);

TEST_CHECKED(region, define_macro_storage)
{
	uint64_t off;

	cr_assert_eq(sizeof(static_log_mem), 100);
	cr_assert_eq((uintptr_t)static_log_mem % RVX_REGION_ALIGN, 0);
	cr_assert_eq(rvx_region_init_append(&static_log, static_log_mem, sizeof(static_log_mem)), 0);
	cr_assert_eq(rvx_region_append(&static_log, "boot", 4, &off), 0);
	cr_assert_eq(off, 0);
	cr_assert(memcmp(static_log_mem, "boot", 4) == 0);
}

/* ---- concurrency: one appender, one reader on another thread ------------ */

#define REC 64
#define REC_COUNT 20000

struct conc {
	struct rvx_region *r;
	int bad;
	uint64_t checked;
};

/* Record i is REC bytes, each a function of i and its position. */
static void make_record(unsigned char *rec, uint32_t i)
{
	memcpy(rec, &i, sizeof(i));
	for (size_t k = sizeof(i); k < REC; k++)
		rec[k] = (unsigned char)(i * 31u + k);
}

static void *reader(void *arg)
{
	struct conc *c = arg;
	unsigned char want[REC];
	struct rvx_region_info info;

	for (;;) {
		/* No cr_assert here: Criterion's asserts belong to the test's
		 * main thread, so this thread only counts what went wrong. */
		if (rvx_region_info(c->r, &info) != 0) {
			c->bad++;
			break;
		}
		uint64_t n = info.used_bytes / REC;

		if (n != 0) {
			/* The newest complete record: its bytes were written
			 * just before the cursor was published. */
			const void *p = NULL;
			uint32_t i = (uint32_t)(n - 1);

			if (rvx_region_desc_check(c->r, (uint64_t)i * REC, REC, &p) != 0)
				c->bad++;
			make_record(want, i);
			if (p == NULL || memcmp(p, want, REC) != 0)
				c->bad++;
			c->checked++;
		}
		if (n == REC_COUNT)
			break;
	}
	return NULL;
}

TEST_CHECKED(region, append_cursor_published_to_another_thread)
{
	struct arena big;
	struct rvx_region cr;
	struct conc c = {.r = &cr};
	pthread_t t;
	unsigned char rec[REC];

	arena_init(&big, (size_t)REC * REC_COUNT);
	cr_assert_eq(rvx_region_init_append(&cr, big.mem, big.len), 0);
	cr_assert_eq(pthread_create(&t, NULL, reader, &c), 0);
	for (uint32_t i = 0; i < REC_COUNT; i++) {
		make_record(rec, i);
		cr_assert_eq(rvx_region_append(&cr, rec, REC, NULL), 0);
	}
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(c.bad, 0, "a reader saw a published range with unwritten bytes");
	cr_assert_gt(c.checked, 0);
	cr_assert_eq(rvx_region_append(&cr, rec, 1, NULL), -RVX_EREGIONFULL);
	cr_assert(arena_intact(&big));
	arena_fini(&big);
}
