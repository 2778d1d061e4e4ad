/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/buddy.h, call by call: the success case of each public function and
 * one case per documented error, each refused call checked to leave the
 * allocator and every page record byte for byte as it was.
 */
#include "buddy_test.h"

static struct rvx_buddy b;
static struct rvx_buddy_page pages[REC_CAP];

/* A 64-page span at BASE, max order 4, all of it free (four order-4
 * blocks). */
static void setup64(void)
{
	memset(pages, 0xA5, sizeof(pages));
	OK(rvx_buddy_init(&b, pages, REC_CAP, BASE, 64 * PG, PG, 4));
	OK(rvx_buddy_add(&b, BASE, 64 * PG));
}

Test(buddy_page_count, sizes)
{
	cr_assert_eq(rvx_buddy_page_count(64 * PG, PG), 64);
	cr_assert_eq(rvx_buddy_page_count(PG, PG), 1);
	cr_assert_eq(rvx_buddy_page_count(0, PG), 0);
	cr_assert_eq(rvx_buddy_page_count(64 * PG + 1, PG), 0, "partial page");
	cr_assert_eq(rvx_buddy_page_count(64 * PG, 3000), 0, "not a power of two");
	cr_assert_eq(rvx_buddy_page_count(64 * PG, 0), 0);
	cr_assert_eq(rvx_buddy_page_count((uint64_t)RVX_BUDDY_PAGES_MAX * PG, PG),
		     RVX_BUDDY_PAGES_MAX);
	cr_assert_eq(rvx_buddy_page_count(((uint64_t)RVX_BUDDY_PAGES_MAX + 1) * PG, PG), 0);
	cr_assert_eq(RVX_BUDDY_PAGE_COUNT(256u << 20, 4096u), 65536u);
}

/* The static-storage macro gives records for the whole span. */
RVX_BUDDY_DEFINE(static_buddy, 1u << 20, 4096u);

Test(buddy_define, static_storage)
{
	cr_assert_eq(RVX_ARRAY_COUNT(static_buddy_pages), 256);
	OK(rvx_buddy_init(&static_buddy, static_buddy_pages,
			  RVX_ARRAY_COUNT(static_buddy_pages), BASE, 1u << 20, 4096u, 8));
	OK(rvx_buddy_add(&static_buddy, BASE, 1u << 20));
	EXPECT_BLOCKS(&static_buddy, 0, 0, 0, 0, 0, 0, 0, 0);
	struct rvx_buddy_stats st;
	OK(rvx_buddy_stats(&static_buddy, &st));
	cr_assert_eq(st.free_blocks[8], 1, "one block of 256 pages");
}

Test(buddy_init, success)
{
	struct rvx_buddy_stats st;

	memset(pages, 0xA5, sizeof(pages));
	OK(rvx_buddy_init(&b, pages, 100, BASE + 3 * PG, 100 * PG, PG, 5));
	OK(rvx_buddy_stats(&b, &st));
	cr_assert_eq(st.page_size, PG);
	cr_assert_eq(st.page_count, 100);
	cr_assert_eq(st.managed_pages, 0, "nothing is free before add");
	cr_assert_eq(st.free_pages, 0);
	cr_assert_eq(st.used_pages, 0);
	cr_assert_eq(st.max_order, 5);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(pages[i].state, RVX_BUDDY_PAGE_ABSENT);
	cr_assert_eq(pages[100].state, 0xA5, "records past the span are not touched");
	cr_assert_eq(rvx_buddy_verify(&b), 0);
	uint64_t a;
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 0, &a), -RVX_ENOMEM);
}

Test(buddy_init, einval_unchanged)
{
	setup64();
	/* Every refused init leaves an allocator that is in use untouched. */
	EXPECT_FAIL(&b, pages, rvx_buddy_init(NULL, pages, REC_CAP, BASE, PG, PG, 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, NULL, REC_CAP, BASE, PG, PG, 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, pages, REC_CAP, BASE, PG, 3000, 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, pages, REC_CAP, BASE, PG, 0, 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, pages, REC_CAP, BASE + 1, PG, PG, 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, pages, REC_CAP, BASE, PG + 8, PG, 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, pages, REC_CAP, BASE, 0, PG, 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, pages, REC_CAP, UINT64_MAX - PG + 1, PG, PG, 0),
		    -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, pages, REC_CAP, UINT64_MAX - PG + 1, 2 * PG, PG, 0),
		    -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, pages, REC_CAP, BASE, PG, PG, RVX_BUDDY_ORDER_MAX + 1),
		    -RVX_EINVAL);
	EXPECT_FAIL(&b, pages,
		    rvx_buddy_init(&b, pages, SIZE_MAX, 0, ((uint64_t)RVX_BUDDY_PAGES_MAX + 1) * PG, PG, 0),
		    -RVX_EINVAL);
}

Test(buddy_init, enomem_unchanged)
{
	setup64();
	EXPECT_FAIL(&b, pages, rvx_buddy_init(&b, pages, 63, BASE, 64 * PG, PG, 4), -RVX_ENOMEM);
	OK(rvx_buddy_init(&b, pages, 64, BASE, 64 * PG, PG, 4));
}

Test(buddy_add, success_whole_span)
{
	setup64();
	/* after: four order-4 blocks, 64 free pages */
	EXPECT_BLOCKS(&b, 0, 0, 0, 0, 4);
	struct rvx_buddy_stats st;
	OK(rvx_buddy_stats(&b, &st));
	cr_assert_eq(st.managed_pages, 64);
	cr_assert_eq(st.free_pages, 64);
	cr_assert_eq(st.used_pages, 0);
}

Test(buddy_add, rounds_inward)
{
	OK(rvx_buddy_init(&b, pages, REC_CAP, BASE, 8 * PG, PG, 3));
	/* [PA(1) - 1, PA(3) + 5) holds whole pages 1 and 2 only. */
	OK(rvx_buddy_add(&b, PA(1) - 1, 2 * PG + 6));
	cr_assert_eq(pages[0].state, RVX_BUDDY_PAGE_ABSENT);
	cr_assert_eq(pages[1].state, RVX_BUDDY_PAGE_FREE);
	cr_assert_eq(pages[2].state, RVX_BUDDY_PAGE_FREE);
	cr_assert_eq(pages[3].state, RVX_BUDDY_PAGE_ABSENT);
	/* pages 1 and 2 are not buddies (1 ^ 1 = 0): two order-0 blocks */
	EXPECT_BLOCKS(&b, 2, 0, 0, 0);
}

Test(buddy_add, einval_unchanged)
{
	OK(rvx_buddy_init(&b, pages, REC_CAP, BASE, 16 * PG, PG, 4));
	OK(rvx_buddy_add(&b, PA(4), 4 * PG));
	EXPECT_FAIL(&b, pages, rvx_buddy_add(NULL, PA(0), PG), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_add(&b, PA(0), 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_add(&b, UINT64_MAX - 10, 100), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_add(&b, BASE - PG, 2 * PG), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_add(&b, PA(15), 2 * PG), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_add(&b, PA(16), PG), -RVX_EINVAL);
	/* inside the span but no whole page */
	EXPECT_FAIL(&b, pages, rvx_buddy_add(&b, PA(1) + 1, PG), -RVX_EINVAL);
}

Test(buddy_add, eexist_unchanged)
{
	OK(rvx_buddy_init(&b, pages, REC_CAP, BASE, 16 * PG, PG, 4));
	OK(rvx_buddy_add(&b, PA(4), 4 * PG));
	/* Overlaps free page 4 at its end: nothing of [0, 5) is added. */
	EXPECT_FAIL(&b, pages, rvx_buddy_add(&b, PA(0), 5 * PG), -RVX_EEXIST);
	uint64_t a;
	OK(rvx_buddy_alloc(&b, 2, &a));
	cr_assert_eq(a, PA(4));
	/* Overlaps an allocated block. */
	EXPECT_FAIL(&b, pages, rvx_buddy_add(&b, PA(6), PG), -RVX_EEXIST);
}

Test(buddy_reserve, success_splits)
{
	setup64();
	/* before: blocks [0,16) [16,32) [32,48) [48,64), all order 4 */
	OK(rvx_buddy_reserve(&b, PA(5), PG));
	/* after: [0,16) split around page 5: [0,4) o2, [4] o0, [6,8) o1,
	 * [8,16) o3; page 5 ABSENT; the other three order-4 blocks intact */
	EXPECT_BLOCKS(&b, 1, 1, 1, 1, 3);
	cr_assert_eq(pages[5].state, RVX_BUDDY_PAGE_ABSENT);
	cr_assert_eq(pages[0].state, RVX_BUDDY_PAGE_FREE);
	cr_assert_eq(pages[0].order, 2);
	cr_assert_eq(pages[4].order, 0);
	cr_assert_eq(pages[6].order, 1);
	cr_assert_eq(pages[8].order, 3);
	struct rvx_buddy_stats st;
	OK(rvx_buddy_stats(&b, &st));
	cr_assert_eq(st.managed_pages, 63);
	cr_assert_eq(st.free_pages, 63);
}

Test(buddy_reserve, rounds_outward_and_clips)
{
	setup64();
	/* A 2-byte range straddling pages 9 and 10 takes both. */
	OK(rvx_buddy_reserve(&b, PA(10) - 1, 2));
	cr_assert_eq(pages[9].state, RVX_BUDDY_PAGE_ABSENT);
	cr_assert_eq(pages[10].state, RVX_BUDDY_PAGE_ABSENT);
	cr_assert_eq(pages[8].state, RVX_BUDDY_PAGE_FREE);
	cr_assert_eq(pages[11].state, RVX_BUDDY_PAGE_FREE);
	/* Reserving an absent page again is fine and changes nothing. */
	static struct snap s;
	snap_take(&s, &b, pages);
	OK(rvx_buddy_reserve(&b, PA(9), PG));
	snap_check(&s, &b, pages, "reserve of an absent page");
	/* Outside the span: nothing to do, nothing changes. */
	OK(rvx_buddy_reserve(&b, BASE - 16 * PG, 16 * PG));
	OK(rvx_buddy_reserve(&b, PA(64), 100 * PG));
	OK(rvx_buddy_reserve(&b, UINT64_MAX - PG, PG + 1));
	snap_check(&s, &b, pages, "reserve outside the span");
	/* Clipped: a range covering the span's last page and beyond. */
	OK(rvx_buddy_reserve(&b, PA(63), 10 * PG));
	cr_assert_eq(pages[63].state, RVX_BUDDY_PAGE_ABSENT);
	cr_assert_eq(rvx_buddy_verify(&b), 0);
}

Test(buddy_reserve, einval_unchanged)
{
	setup64();
	EXPECT_FAIL(&b, pages, rvx_buddy_reserve(NULL, PA(0), PG), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_reserve(&b, PA(0), 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_reserve(&b, UINT64_MAX - 10, 100), -RVX_EINVAL);
}

Test(buddy_reserve, ebusy_no_partial_effect)
{
	setup64();
	uint64_t a;
	/* before: four order-4 blocks; the list is LIFO, so [48,64) is
	 * taken first */
	OK(rvx_buddy_alloc(&b, 0, &a));
	cr_assert_eq(a, PA(48));
	/* Pages 40..59: free pages 40..47 come before the allocated page 48.
	 * Nothing may be reserved, not even them. */
	EXPECT_FAIL(&b, pages, rvx_buddy_reserve(&b, PA(40), 20 * PG), -RVX_EBUSY);
	/* The allocated page is the very last one of the range. */
	EXPECT_FAIL(&b, pages, rvx_buddy_reserve(&b, PA(0), 49 * PG), -RVX_EBUSY);
	/* A page inside an allocated block (not its head). */
	OK(rvx_buddy_alloc(&b, 3, &a));
	cr_assert_eq(a, PA(56));
	EXPECT_FAIL(&b, pages, rvx_buddy_reserve(&b, a + 3 * PG, PG), -RVX_EBUSY);
	EXPECT_FAIL(&b, pages, rvx_buddy_reserve(&b, PA(49), 15 * PG), -RVX_EBUSY);
}

Test(buddy_alloc, success_aligned)
{
	setup64();
	uint64_t a;
	for (uint32_t o = 0; o <= 4; o++) {
		OK(rvx_buddy_alloc(&b, o, &a));
		cr_assert_eq(a % ((uint64_t)PG << o), 0, "order %u block at %#llx", o,
			     (unsigned long long)a);
		cr_assert_eq(pages[(a - BASE) / PG].state, RVX_BUDDY_PAGE_USED);
		cr_assert_eq(pages[(a - BASE) / PG].order, o);
	}
	struct rvx_buddy_stats st;
	OK(rvx_buddy_stats(&b, &st));
	cr_assert_eq(st.used_pages, 1 + 2 + 4 + 8 + 16);
	cr_assert_eq(st.free_pages, 64 - 31);
	cr_assert_eq(rvx_buddy_verify(&b), 0);
}

Test(buddy_alloc, einval_unchanged)
{
	setup64();
	uint64_t a;
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(NULL, 0, &a), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 0, NULL), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 5, &a), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, RVX_BUDDY_ORDER_MAX + 1, &a), -RVX_EINVAL);
}

Test(buddy_alloc, enomem_unchanged)
{
	setup64();
	uint64_t a;
	for (int i = 0; i < 4; i++)
		OK(rvx_buddy_alloc(&b, 4, &a));
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 0, &a), -RVX_ENOMEM);
	/* Only small blocks left: a larger order still fails. */
	OK(rvx_buddy_free(&b, a, 4));
	OK(rvx_buddy_reserve(&b, a + 8 * PG, PG)); /* split [a, a+16) */
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 4, &a), -RVX_ENOMEM);
	OK(rvx_buddy_alloc(&b, 3, &a));
}

Test(buddy_free, success_merges_back)
{
	setup64();
	uint64_t a[5];
	for (uint32_t o = 0; o <= 4; o++)
		OK(rvx_buddy_alloc(&b, o, &a[o]));
	for (uint32_t o = 0; o <= 4; o++)
		OK(rvx_buddy_free(&b, a[o], o));
	/* after: everything merged back into four order-4 blocks */
	EXPECT_BLOCKS(&b, 0, 0, 0, 0, 4);
}

Test(buddy_free, einval_unchanged)
{
	setup64();
	uint64_t a, a2, a3;
	OK(rvx_buddy_alloc(&b, 2, &a));
	OK(rvx_buddy_alloc(&b, 0, &a2));
	OK(rvx_buddy_alloc(&b, 0, &a3));
	cr_assert_eq(a3, a2 + PG, "two order-0 pages from one order-1 split");
	EXPECT_FAIL(&b, pages, rvx_buddy_free(NULL, a, 2), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a, 5), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a, 3), -RVX_EINVAL); /* wrong order */
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a, 1), -RVX_EINVAL); /* wrong order */
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a3, 1), -RVX_EINVAL); /* misaligned for order 1 */
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a2, 1), -RVX_EINVAL); /* aligned, wrong order */
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a + 1, 2), -RVX_EINVAL); /* not page-aligned */
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a + 2 * PG, 2), -RVX_EINVAL); /* misaligned */
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, BASE - PG, 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, PA(64), 0), -RVX_EINVAL);
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, 0, 0), -RVX_EINVAL);
}

Test(buddy_free, enoent_unchanged)
{
	setup64();
	uint64_t a, a0;
	OK(rvx_buddy_alloc(&b, 2, &a));
	OK(rvx_buddy_alloc(&b, 0, &a0));
	/* a page inside the allocated order-2 block */
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a + PG, 0), -RVX_ENOENT);
	/* a free page (head of a free block) */
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, PA(32), 4), -RVX_ENOENT);
	/* a page inside a free block */
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, PA(33), 0), -RVX_ENOENT);
	/* double free */
	OK(rvx_buddy_free(&b, a0, 0));
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a0, 0), -RVX_ENOENT);
	OK(rvx_buddy_free(&b, a, 2));
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, a, 2), -RVX_ENOENT);
	/* an absent (reserved) page */
	OK(rvx_buddy_reserve(&b, PA(40), PG));
	EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, PA(40), 0), -RVX_ENOENT);
	EXPECT_BLOCKS(&b, 1, 1, 1, 1, 3);
}

Test(buddy_stats, einval)
{
	setup64();
	struct rvx_buddy_stats st;
	cr_assert_eq(rvx_buddy_stats(NULL, &st), -RVX_EINVAL);
	cr_assert_eq(rvx_buddy_stats(&b, NULL), -RVX_EINVAL);
}

Test(buddy_verify, detects_corruption)
{
	setup64();
	uint64_t a;
	OK(rvx_buddy_alloc(&b, 1, &a));
	cr_assert_eq(rvx_buddy_verify(&b), 0);
	cr_assert_eq(rvx_buddy_verify(NULL), -RVX_EINVAL);

	static struct snap s;
	snap_take(&s, &b, pages);
	pages[(a - BASE) / PG + 1].state = RVX_BUDDY_PAGE_FREE; /* inner page */
	cr_assert_eq(rvx_buddy_verify(&b), -RVX_EINVAL, "a head inside a block");
	memcpy(pages, s.pages, sizeof(pages));
	b.free_pages++;
	cr_assert_eq(rvx_buddy_verify(&b), -RVX_EINVAL, "free page count");
	memcpy(&b, &s.b, sizeof(b));
	b.free_head[4] = pages[b.free_head[4]].next;
	cr_assert_eq(rvx_buddy_verify(&b), -RVX_EINVAL, "a block lost from its list");
	memcpy(&b, &s.b, sizeof(b));
	b.nonempty |= 1u << 4 | 1u << 7;
	cr_assert_eq(rvx_buddy_verify(&b), -RVX_EINVAL, "non-empty mask");
	memcpy(&b, &s.b, sizeof(b));
	/* two free buddies left unmerged */
	uint32_t i = (uint32_t)((a - BASE) / PG);
	pages[i].state = RVX_BUDDY_PAGE_FREE;
	pages[i].order = 0;
	pages[i + 1].state = RVX_BUDDY_PAGE_FREE;
	cr_assert_eq(rvx_buddy_verify(&b), -RVX_EINVAL, "unmerged buddies");
	memcpy(pages, s.pages, sizeof(pages));
	cr_assert_eq(rvx_buddy_verify(&b), 0);
}
