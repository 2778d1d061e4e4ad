/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/region.h: zero-copy descriptors (rvx_region_desc_check, _make,
 * _resolve) and the descriptor's fixed layout.
 */
#include "region_test.h"

#define SIZE 128

static struct arena a;
static struct rvx_region r;
static struct rvx_region_slot slab_meta[SIZE / 8];

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

TestSuite(region_desc, .init = setup, .fini = teardown);

static void make_immutable(void)
{
	unsigned char init[SIZE];

	fill_pattern(init, SIZE, 2);
	cr_assert_eq(rvx_region_init_immutable(&r, a.mem, SIZE, init, SIZE), 0);
}

/* Append-only region with 40 bytes written out of SIZE. */
static void make_append(void)
{
	unsigned char data[40];

	fill_pattern(data, sizeof(data), 3);
	cr_assert_eq(rvx_region_init_append(&r, a.mem, SIZE), 0);
	cr_assert_eq(rvx_region_append(&r, data, sizeof(data), NULL), 0);
}

static void make_slab(void)
{
	rvx_handle_t h;

	cr_assert_eq(rvx_region_init_slab(&r, a.mem, SIZE, 8, slab_meta, sizeof(slab_meta)), 0);
	cr_assert_eq(rvx_region_slab_alloc(&r, &h), 0);
}

/* ---- layout ------------------------------------------------------------- */

TEST_CHECKED(region_desc, fixed_layout)
{
	cr_assert_eq(sizeof(struct rvx_region_desc), 24);
	cr_assert_eq(offsetof(struct rvx_region_desc, region), 0);
	cr_assert_eq(offsetof(struct rvx_region_desc, offset), 8);
	cr_assert_eq(offsetof(struct rvx_region_desc, length), 16);
	cr_assert_eq(offsetof(struct rvx_region_desc, reserved), 20);
	cr_assert_eq(alignof(struct rvx_region_desc), 8);
}

/* ---- rvx_region_desc_check ---------------------------------------------- */

TEST_CHECKED(region_desc, check_immutable_ranges)
{
	const void *p = NULL;

	make_immutable();
	cr_assert_eq(rvx_region_desc_check(&r, 0, SIZE, &p), 0, "the whole region");
	cr_assert_eq(p, a.mem);
	cr_assert_eq(rvx_region_desc_check(&r, 17, 30, &p), 0);
	cr_assert_eq(p, a.mem + 17);
	cr_assert_eq(rvx_region_desc_check(&r, SIZE - 1, 1, &p), 0, "the last byte");
	cr_assert_eq(p, a.mem + SIZE - 1);
	cr_assert_eq(rvx_region_desc_check(&r, 5, 5, NULL), 0, "ptr is optional");
}

TEST_CHECKED(region_desc, check_append_below_cursor_only)
{
	const void *p = NULL;
	unsigned char want[40];

	fill_pattern(want, sizeof(want), 3);
	make_append();
	cr_assert_eq(rvx_region_desc_check(&r, 0, 40, &p), 0);
	cr_assert(memcmp(p, want, 40) == 0);
	cr_assert_eq(rvx_region_desc_check(&r, 39, 1, &p), 0);
	cr_assert_eq(rvx_region_desc_check(&r, 40, 1, &p), -RVX_EBADDESC);
	/* Appending more moves the limit; old descriptors stay valid and
	 * their bytes never change. */
	cr_assert_eq(rvx_region_append(&r, "xyz", 3, NULL), 0);
	cr_assert_eq(rvx_region_desc_check(&r, 40, 3, &p), 0);
	cr_assert(memcmp(p, "xyz", 3) == 0);
	cr_assert_eq(rvx_region_desc_check(&r, 0, 40, &p), 0);
	cr_assert(memcmp(p, want, 40) == 0);
}

TEST_CHECKED(region_desc, check_rejections_change_nothing)
{
	struct snap s = {0};
	const void *p = (const void *)(uintptr_t)0x1234;

	make_append();
	/* before: append-only, 40 of SIZE bytes written; p holds a marker */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	snap_add(&s, &p, sizeof(p));
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 0, 0, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 40, 0, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 0, 41, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 40, 1, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 41, 1, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 10, SIZE, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, SIZE, 1, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, SIZE + 1, 1, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 0, UINT32_MAX, &p), -RVX_EBADDESC);
	/* offset + length overflows 64 bits */
	EXPECT_FAIL(s, rvx_region_desc_check(&r, UINT64_MAX, 1, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, UINT64_MAX - 1, 4, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, UINT64_MAX - 2, UINT32_MAX, &p), -RVX_EBADDESC);
	/* after: unchanged, p untouched */
	snap_free(&s);
}

TEST_CHECKED(region_desc, check_empty_append_region)
{
	struct snap s = {0};

	cr_assert_eq(rvx_region_init_append(&r, a.mem, SIZE), 0);
	/* before: nothing appended yet */
	snap_add(&s, &r, sizeof(r));
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 0, 1, NULL), -RVX_EBADDESC);
	/* after: unchanged */
	snap_free(&s);
}

TEST_CHECKED(region_desc, check_immutable_past_size)
{
	struct snap s = {0};

	make_immutable();
	/* before: immutable SIZE bytes */
	snap_add(&s, &r, sizeof(r));
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 0, SIZE + 1, NULL), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, SIZE, 1, NULL), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 1, SIZE, NULL), -RVX_EBADDESC);
	/* after: unchanged */
	snap_free(&s);
}

TEST_CHECKED(region_desc, check_refuses_slab)
{
	struct snap s = {0};
	const void *p = NULL;

	make_slab();
	/* before: a slab with a live slot at offset 0 */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	snap_add(&s, &p, sizeof(p));
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 0, 8, &p), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_check(&r, 0, 1, &p), -RVX_EBADDESC);
	/* after: unchanged */
	snap_free(&s);
}

TEST_CHECKED(region_desc, check_invalid_region)
{
	struct rvx_region zero;
	const void *p = NULL;

	memset(&zero, 0, sizeof(zero));
	cr_assert_eq(rvx_region_desc_check(NULL, 0, 1, &p), -RVX_EINVAL);
	cr_assert_eq(rvx_region_desc_check(&zero, 0, 1, &p), -RVX_EINVAL);
	cr_assert_null(p);
}

/* ---- rvx_region_desc_make ----------------------------------------------- */

TEST_CHECKED(region_desc, make_fills_every_field)
{
	struct rvx_region_desc d;
	rvx_handle_t id = rvx_handle_make(9, 3);

	memset(&d, 0xff, sizeof(d));
	make_append();
	cr_assert_eq(rvx_region_desc_make(&r, id, 4, 20, &d), 0);
	cr_assert_eq(d.region.raw, id.raw);
	cr_assert_eq(d.offset, 4);
	cr_assert_eq(d.length, 20);
	cr_assert_eq(d.reserved, 0, "padding is cleared");
}

TEST_CHECKED(region_desc, make_errors_change_nothing)
{
	struct snap s = {0};
	struct rvx_region zero, slab;
	struct rvx_region_desc d;
	struct rvx_region_slot mt[2];
	unsigned char slab_mem[16];

	memset(&zero, 0, sizeof(zero));
	memset(&d, 0xee, sizeof(d));
	cr_assert_eq(rvx_region_init_slab(&slab, slab_mem, sizeof(slab_mem), 8, mt, sizeof(mt)), 0);
	make_append();
	/* before: append-only with 40 bytes; d filled with 0xee */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, &d, sizeof(d));
	EXPECT_FAIL(s, rvx_region_desc_make(NULL, RVX_HANDLE_NULL, 0, 1, &d), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_desc_make(&zero, RVX_HANDLE_NULL, 0, 1, &d), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_desc_make(&r, RVX_HANDLE_NULL, 0, 1, NULL), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_desc_make(&r, RVX_HANDLE_NULL, 0, 0, &d), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_make(&r, RVX_HANDLE_NULL, 30, 11, &d), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_make(&r, RVX_HANDLE_NULL, UINT64_MAX, 2, &d), -RVX_EBADDESC);
	EXPECT_FAIL(s, rvx_region_desc_make(&slab, RVX_HANDLE_NULL, 0, 8, &d), -RVX_EBADDESC);
	/* after: unchanged, d untouched */
	snap_free(&s);
}

/* ---- rvx_region_desc_resolve -------------------------------------------- */

TEST_CHECKED(region_desc, resolve_round_trip)
{
	struct rvx_region_desc d;
	const void *p = NULL;
	unsigned char want[SIZE];

	fill_pattern(want, SIZE, 2);
	make_immutable();
	cr_assert_eq(rvx_region_desc_make(&r, rvx_handle_make(1, 1), 100, 28, &d), 0);
	cr_assert_eq(rvx_region_desc_resolve(&r, &d, &p), 0);
	cr_assert_eq(p, a.mem + 100);
	cr_assert(memcmp(p, want + 100, 28) == 0);
	cr_assert_eq(rvx_region_desc_resolve(&r, &d, NULL), 0, "ptr is optional");
	/* The identity field belongs to the embedder: any value resolves. */
	d.region = rvx_handle_make(UINT32_MAX, 0);
	cr_assert_eq(rvx_region_desc_resolve(&r, &d, &p), 0);
}

TEST_CHECKED(region_desc, resolve_rejections_change_nothing)
{
	struct snap s = {0};
	struct rvx_region zero;
	struct rvx_region_desc good, bad;
	const void *p = (const void *)(uintptr_t)0x1234;

	memset(&zero, 0, sizeof(zero));
	make_append();
	cr_assert_eq(rvx_region_desc_make(&r, RVX_HANDLE_NULL, 0, 40, &good), 0);
	/* before: append-only with 40 bytes; p holds a marker */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, SIZE);
	snap_add(&s, &p, sizeof(p));
	EXPECT_FAIL(s, rvx_region_desc_resolve(NULL, &good, &p), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_desc_resolve(&zero, &good, &p), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_desc_resolve(&r, NULL, &p), -RVX_EINVAL);
	bad = good;
	bad.reserved = 1;
	EXPECT_FAIL(s, rvx_region_desc_resolve(&r, &bad, &p), -RVX_EBADDESC);
	bad = good;
	bad.length = 0;
	EXPECT_FAIL(s, rvx_region_desc_resolve(&r, &bad, &p), -RVX_EBADDESC);
	bad = good;
	bad.length = 41;
	EXPECT_FAIL(s, rvx_region_desc_resolve(&r, &bad, &p), -RVX_EBADDESC);
	bad = good;
	bad.offset = UINT64_MAX - 10;
	EXPECT_FAIL(s, rvx_region_desc_resolve(&r, &bad, &p), -RVX_EBADDESC);
	bad = good;
	bad.offset = SIZE;
	bad.length = 1;
	EXPECT_FAIL(s, rvx_region_desc_resolve(&r, &bad, &p), -RVX_EBADDESC);
	/* after: unchanged, p untouched */
	snap_free(&s);
	make_slab();
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, &p, sizeof(p));
	bad = good;
	bad.length = 8;
	EXPECT_FAIL(s, rvx_region_desc_resolve(&r, &bad, &p), -RVX_EBADDESC);
	snap_free(&s);
}
