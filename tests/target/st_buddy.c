/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Buddy allocator self-tests (lib/buddy): split and merge, alignment over an
 * odd base, boot carve-outs, and refused frees and reservations that change
 * no byte of the allocator or its page records.
 */
#include "ruvix/buddy.h"
#include "st_internal.h"

#define PG 4096u
#define PAGES 64u
#define BASE UINT64_C(0x40000000)

static struct {
	struct rvx_buddy b;
	struct rvx_buddy_page pages[PAGES];
} w, snap;

static void take(void)
{
	memcpy(&snap, &w, sizeof(w));
}

#define UNCHANGED() ST_MEM_EQ(&snap, &w, sizeof(w))

static bool setup(uint64_t base, uint32_t pages, uint32_t max_order)
{
	memset(&w, 0, sizeof(w));
	return rvx_buddy_init(&w.b, w.pages, PAGES, base, (uint64_t)pages * PG, PG, max_order) == 0 &&
	       rvx_buddy_add(&w.b, base, (uint64_t)pages * PG) == 0;
}

static void split_and_merge(void)
{
	struct rvx_buddy_stats st;
	uint64_t a, b2;

	ST_TRUE(setup(BASE, 16, 4));
	ST_EQ(rvx_buddy_alloc(&w.b, 0, &a), 0);
	ST_EQ(a, BASE);
	/* One order-4 block split into orders 0, 1, 2 and 3. */
	ST_EQ(rvx_buddy_stats(&w.b, &st), 0);
	ST_EQ(st.free_blocks[0] + st.free_blocks[1] + st.free_blocks[2] + st.free_blocks[3], 4);
	ST_EQ(st.free_blocks[4], 0);
	ST_EQ(rvx_buddy_alloc(&w.b, 2, &b2), 0);
	ST_EQ(b2 % (4 * PG), 0);
	ST_EQ(rvx_buddy_free(&w.b, a, 0), 0);
	ST_EQ(rvx_buddy_free(&w.b, b2, 2), 0);
	/* Everything merged back into one block. */
	ST_EQ(rvx_buddy_stats(&w.b, &st), 0);
	ST_EQ(st.free_blocks[4], 1);
	ST_EQ(st.free_pages, 16);
	ST_EQ(rvx_buddy_verify(&w.b), 0);
}

static void odd_base_alignment(void)
{
	uint64_t a;
	uint32_t n = 0;

	/* 61 pages from frame 0x40003: blocks align by physical address. */
	ST_TRUE(setup(BASE + 3 * PG, 61, 3));
	while (rvx_buddy_alloc(&w.b, 3, &a) == 0) {
		ST_EQ(a % (8 * PG), 0);
		ST_TRUE(a >= BASE + 3 * PG && a + 8 * PG <= BASE + 64 * PG);
		n++;
	}
	ST_EQ(n, 7);
	ST_EQ(rvx_buddy_verify(&w.b), 0);
}

static void refused_calls_unchanged(void)
{
	uint64_t a, a0;

	ST_TRUE(setup(BASE, 32, 4));
	ST_EQ(rvx_buddy_alloc(&w.b, 2, &a), 0);
	ST_EQ(rvx_buddy_alloc(&w.b, 0, &a0), 0);
	take();
	ST_EQ(rvx_buddy_free(&w.b, a, 1), -RVX_EINVAL);      /* wrong order */
	ST_EQ(rvx_buddy_free(&w.b, a + PG, 0), -RVX_ENOENT); /* inside a block */
	ST_EQ(rvx_buddy_free(&w.b, a + 8, 2), -RVX_EINVAL);  /* misaligned */
	ST_EQ(rvx_buddy_reserve(&w.b, a, PG), -RVX_EBUSY);   /* in use */
	ST_EQ(rvx_buddy_alloc(&w.b, 5, &a), -RVX_EINVAL);    /* above max order */
	UNCHANGED();
	ST_EQ(rvx_buddy_free(&w.b, a0, 0), 0);
	take();
	ST_EQ(rvx_buddy_free(&w.b, a0, 0), -RVX_ENOENT);     /* double free */
	UNCHANGED();
}

static void boot_carve_outs(void)
{
	struct rvx_buddy_stats st;
	uint64_t a;

	ST_TRUE(setup(BASE, 64, 5));
	/* An image at pages 2..9 (unaligned end) and a DTB sharing its last page. */
	ST_EQ(rvx_buddy_reserve(&w.b, BASE + 2 * PG, 7 * PG + 100), 0);
	ST_EQ(rvx_buddy_reserve(&w.b, BASE + 9 * PG + 200, 3 * PG), 0);
	ST_EQ(rvx_buddy_stats(&w.b, &st), 0);
	ST_EQ(st.managed_pages, 64 - 11);
	ST_EQ(rvx_buddy_verify(&w.b), 0);
	while (rvx_buddy_alloc(&w.b, 0, &a) == 0)
		ST_TRUE(a < BASE + 2 * PG || a >= BASE + 13 * PG);
	ST_EQ(rvx_buddy_stats(&w.b, &st), 0);
	ST_EQ(st.used_pages, 53);
}

const struct st_case st_buddy_cases[] = {
	{"buddy", "split_and_merge", split_and_merge},
	{"buddy", "odd_base_alignment", odd_base_alignment},
	{"buddy", "refused_calls_unchanged", refused_calls_unchanged},
	{"buddy", "boot_carve_outs", boot_carve_outs},
};
const uint32_t st_buddy_case_count = RVX_ARRAY_COUNT(st_buddy_cases);
