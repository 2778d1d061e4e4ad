/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shape of the free lists around splits and merges, spans whose size is
 * not a power of two, bases not aligned to the largest block, holes between
 * added ranges, and the carve-outs a kernel makes at boot.
 */
#include "buddy_test.h"

static struct rvx_buddy b;
static struct rvx_buddy_page pages[REC_CAP];

Test(buddy_structure, split_then_merge_step_by_step)
{
	OK(rvx_buddy_init(&b, pages, REC_CAP, BASE, 8 * PG, PG, 3));
	OK(rvx_buddy_add(&b, BASE, 8 * PG));
	/* before: [0,8) o3 */
	EXPECT_BLOCKS(&b, 0, 0, 0, 1);
	uint64_t p0, p1, p2;
	OK(rvx_buddy_alloc(&b, 0, &p0));
	/* after: [0] used; [1] o0, [2,4) o1, [4,8) o2 */
	cr_assert_eq(p0, PA(0));
	EXPECT_BLOCKS(&b, 1, 1, 1, 0);
	OK(rvx_buddy_alloc(&b, 0, &p1));
	/* after: [0] [1] used; [2,4) o1, [4,8) o2 */
	cr_assert_eq(p1, PA(1));
	EXPECT_BLOCKS(&b, 0, 1, 1, 0);
	OK(rvx_buddy_alloc(&b, 1, &p2));
	/* after: [2,4) used; [4,8) o2 */
	cr_assert_eq(p2, PA(2));
	EXPECT_BLOCKS(&b, 0, 0, 1, 0);

	OK(rvx_buddy_free(&b, p0, 0));
	/* after: [0] o0 (its buddy [1] is in use, no merge) */
	EXPECT_BLOCKS(&b, 1, 0, 1, 0);
	OK(rvx_buddy_free(&b, p2, 1));
	/* after: [2,4) o1 cannot merge ([0,2) is not a free o1 block) */
	EXPECT_BLOCKS(&b, 1, 1, 1, 0);
	cr_assert_eq(pages[2].state, RVX_BUDDY_PAGE_FREE);
	OK(rvx_buddy_free(&b, p1, 0));
	/* after: [1] + [0] -> [0,2) o1, + [2,4) -> [0,4) o2, + [4,8) -> [0,8) o3 */
	EXPECT_BLOCKS(&b, 0, 0, 0, 1);
	cr_assert_eq(pages[0].order, 3);
	for (int i = 1; i < 8; i++)
		cr_assert_eq(pages[i].state, RVX_BUDDY_PAGE_INNER, "page %d", i);
}

Test(buddy_structure, merge_from_the_upper_buddy)
{
	OK(rvx_buddy_init(&b, pages, REC_CAP, BASE, 4 * PG, PG, 2));
	OK(rvx_buddy_add(&b, BASE, 4 * PG));
	uint64_t a[4];
	for (int i = 0; i < 4; i++)
		OK(rvx_buddy_alloc(&b, 0, &a[i]));
	EXPECT_BLOCKS(&b, 0, 0, 0);
	/* before: all four pages used; free the upper ones first */
	OK(rvx_buddy_free(&b, PA(3), 0));
	OK(rvx_buddy_free(&b, PA(2), 0));
	/* after: [2,4) o1, headed by page 2 (the lower buddy), page 3 inner */
	EXPECT_BLOCKS(&b, 0, 1, 0);
	cr_assert_eq(pages[2].state, RVX_BUDDY_PAGE_FREE);
	cr_assert_eq(pages[3].state, RVX_BUDDY_PAGE_INNER);
	OK(rvx_buddy_free(&b, PA(1), 0));
	OK(rvx_buddy_free(&b, PA(0), 0));
	/* after: [0,4) o2 */
	EXPECT_BLOCKS(&b, 0, 0, 1);
}

Test(buddy_structure, non_power_of_two_span)
{
	/* 13 pages at an aligned base, max order 4: [0,8) o3, [8,12) o2,
	 * [12] o0 */
	OK(rvx_buddy_init(&b, pages, REC_CAP, BASE, 13 * PG, PG, 4));
	OK(rvx_buddy_add(&b, BASE, 13 * PG));
	EXPECT_BLOCKS(&b, 1, 0, 1, 1, 0);
	uint64_t a;
	OK(rvx_buddy_alloc(&b, 3, &a));
	cr_assert_eq(a, PA(0));
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 3, &a), -RVX_ENOMEM);
	OK(rvx_buddy_free(&b, PA(0), 3));
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 4, &a), -RVX_ENOMEM);
	struct rvx_buddy_stats st;
	OK(rvx_buddy_stats(&b, &st));
	cr_assert_eq(st.free_pages, 13);
}

Test(buddy_structure, unaligned_base_blocks_align_physically)
{
	/* The span starts at frame 0x40003 (odd): page 0 can only be an
	 * order-0 block, page 1 (frame 0x40004) starts an order-2 block. */
	const uint64_t base = BASE + 3 * PG;
	OK(rvx_buddy_init(&b, pages, REC_CAP, base, 29 * PG, PG, 3));
	OK(rvx_buddy_add(&b, base, 29 * PG));
	/* frames 0x40003 | 0x40004-7 | 0x40008-f | 0x40010-17 | 0x40018-1f:
	 * o0, o2, o3, o3, o3 */
	EXPECT_BLOCKS(&b, 1, 0, 1, 3);
	/* Every order-3 block handed out is aligned to 32 KiB. */
	for (int i = 0; i < 3; i++) {
		uint64_t a;
		OK(rvx_buddy_alloc(&b, 3, &a));
		cr_assert_eq(a % (8 * PG), 0);
		cr_assert(a >= base && a + 8 * PG <= base + 29 * PG);
	}
	uint64_t a;
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 3, &a), -RVX_ENOMEM);
	OK(rvx_buddy_alloc(&b, 2, &a));
	cr_assert_eq(a, base + PG);
	OK(rvx_buddy_alloc(&b, 0, &a));
	cr_assert_eq(a, base);
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 0, &a), -RVX_ENOMEM);
	/* Freeing the odd first page cannot merge: its buddy is below the
	 * span. */
	OK(rvx_buddy_free(&b, base, 0));
	EXPECT_BLOCKS(&b, 1, 0, 0, 0);
}

Test(buddy_structure, holes_and_adjacent_adds)
{
	OK(rvx_buddy_init(&b, pages, REC_CAP, BASE, 32 * PG, PG, 4));
	/* Two RAM banks with a hole at [8,20). */
	OK(rvx_buddy_add(&b, PA(0), 8 * PG));
	OK(rvx_buddy_add(&b, PA(20), 12 * PG));
	/* after: [0,8) o3, [20,24) o2, [24,32) o3 */
	EXPECT_BLOCKS(&b, 0, 0, 1, 2, 0);
	uint64_t a;
	EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, 4, &a), -RVX_ENOMEM);
	/* Fill the hole: the new pages merge with both banks. */
	OK(rvx_buddy_add(&b, PA(8), 12 * PG));
	/* after: [0,16) o4, [16,32) o4 */
	EXPECT_BLOCKS(&b, 0, 0, 0, 0, 2);
	/* A hole page is never handed out: allocate everything. */
}

Test(buddy_structure, hole_pages_never_allocated)
{
	OK(rvx_buddy_init(&b, pages, REC_CAP, BASE, 64 * PG, PG, 5));
	OK(rvx_buddy_add(&b, PA(0), 64 * PG));
	/* Holes at 3, [17,19) and 40. */
	OK(rvx_buddy_reserve(&b, PA(3), PG));
	OK(rvx_buddy_reserve(&b, PA(17), 2 * PG));
	OK(rvx_buddy_reserve(&b, PA(40), 1));
	cr_assert_eq(rvx_buddy_verify(&b), 0);
	bool seen[64] = {false};
	uint64_t a;
	int n = 0;
	while (rvx_buddy_alloc(&b, 0, &a) == 0) {
		uint64_t i = (a - BASE) / PG;
		cr_assert_lt(i, 64);
		cr_assert(!seen[i], "page %llu handed out twice", (unsigned long long)i);
		cr_assert(i != 3 && i != 17 && i != 18 && i != 40, "hole page %llu",
			  (unsigned long long)i);
		seen[i] = true;
		n++;
	}
	cr_assert_eq(n, 60);
	struct rvx_buddy_stats st;
	OK(rvx_buddy_stats(&b, &st));
	cr_assert_eq(st.free_pages, 0);
	cr_assert_eq(st.used_pages, 60);
	for (uint64_t i = 0; i < 64; i++)
		if (seen[i])
			OK(rvx_buddy_free(&b, PA(i), 0));
	/* after: [0,2) o1, [2] o0, [4,8) o2, [8,16) o3, [16] o0, [19] o0,
	 * [20,24) o2, [24,32) o3, [32,40) o3, [41] o0, [42,44) o1,
	 * [44,48) o2, [48,64) o4 */
	EXPECT_BLOCKS(&b, 4, 2, 3, 3, 1, 0);
}

Test(buddy_structure, boot_carve_outs)
{
	/* A 256 MiB RAM bank at 0x40000000 with max order 10 (4 MiB blocks),
	 * as on QEMU virt: the kernel image at 0x40080000 (1.3 MiB), the DTB
	 * at 0x44000000 (1 MiB, not page-aligned at its end) and an initrd at
	 * 0x48000000 (37 KiB). */
	static struct rvx_buddy_page big[65536];
	OK(rvx_buddy_init(&b, big, 65536, BASE, 256u << 20, PG, 10));
	OK(rvx_buddy_add(&b, BASE, 256u << 20));
	struct rvx_buddy_stats st;
	OK(rvx_buddy_stats(&b, &st));
	cr_assert_eq(st.free_blocks[10], 64);
	OK(rvx_buddy_reserve(&b, 0x40080000, 0x150000));
	OK(rvx_buddy_reserve(&b, 0x44000000, 0x100000 - 300));
	OK(rvx_buddy_reserve(&b, 0x48000000 + 100, 37 * 1024));
	cr_assert_eq(rvx_buddy_verify(&b), 0);
	OK(rvx_buddy_stats(&b, &st));
	const uint32_t kernel = 0x150000 / PG, dtb = 256, initrd = 10;
	cr_assert_eq(st.managed_pages, 65536 - kernel - dtb - initrd);
	cr_assert_eq(st.free_pages, st.managed_pages);
	/* Every 4 MiB block that holds no carve-out is still whole. */
	cr_assert_eq(st.free_blocks[10], 61);
	/* No allocation overlaps a carve-out. */
	uint64_t a;
	while (rvx_buddy_alloc(&b, 0, &a) == 0) {
		cr_assert(a + PG <= 0x40080000 || a >= 0x40080000 + 0x150000);
		cr_assert(a + PG <= 0x44000000 || a >= 0x44100000);
		cr_assert(a + PG <= 0x48000000 || a >= 0x48000000 + 10 * PG);
	}
	OK(rvx_buddy_stats(&b, &st));
	cr_assert_eq(st.used_pages, 65536 - kernel - dtb - initrd);
}
