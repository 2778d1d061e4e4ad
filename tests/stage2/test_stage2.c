/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/stage2.h: geometry and VTCR_EL2, init, map, unmap, protect, lookup,
 * VTTBR_EL2. Every mapping is checked with the independent walker
 * (s2_walk.h); every failure is checked to leave the object and every pool
 * byte unchanged.
 */
#include "s2_fixture.h"

static const uint32_t RW = RVX_STAGE2_R | RVX_STAGE2_W;
static const uint32_t RWX = RVX_STAGE2_RWX;

TestSuite(stage2);

/* ---- geometry --------------------------------------------------------- */

static struct rvx_stage2_geometry geo_of(unsigned ipa, unsigned pa, unsigned level, int *rc)
{
	struct rvx_stage2_config c = {.ipa_bits = (uint8_t)ipa, .pa_bits = (uint8_t)pa,
				      .start_level = (uint8_t)level};
	struct rvx_stage2_geometry g;

	memset(&g, 0x5A, sizeof(g));
	*rc = rvx_stage2_geometry(&c, &g);
	return g;
}

Test(stage2, geometry_40bit_level1_concatenated)
{
	int rc;
	struct rvx_stage2_geometry g = geo_of(40, 40, RVX_STAGE2_START_AUTO, &rc);

	cr_assert_eq(rc, 0);
	cr_assert_eq(g.start_level, 1);
	cr_assert_eq(g.levels, 3);
	cr_assert_eq(g.root_pages, 2);
	cr_assert_eq(g.root_entries, 1024);
	cr_assert_eq(g.t0sz, 24);
	cr_assert_eq(g.sl0, 1);
	cr_assert_eq(g.ps, 2);
	/* T0SZ 24 | SL0 1<<6 | IRGN0 1<<8 | ORGN0 1<<10 | SH0 3<<12 | TG0 0 | PS 2<<16 | RES1 bit 31 */
	cr_assert_eq(g.vtcr, UINT64_C(0x80023558), "vtcr %#llx", (unsigned long long)g.vtcr);
}

Test(stage2, geometry_48bit_level0)
{
	int rc;
	struct rvx_stage2_geometry g = geo_of(48, 48, RVX_STAGE2_START_AUTO, &rc);

	cr_assert_eq(rc, 0);
	cr_assert_eq(g.start_level, 0);
	cr_assert_eq(g.levels, 4);
	cr_assert_eq(g.root_pages, 1);
	cr_assert_eq(g.root_entries, 512);
	cr_assert_eq(g.vtcr, UINT64_C(0x80053590), "vtcr %#llx", (unsigned long long)g.vtcr);
}

Test(stage2, geometry_other_shapes)
{
	int rc;
	struct rvx_stage2_geometry g;

	g = geo_of(40, 44, 0, &rc); /* 40-bit IPA from level 0: 2 root entries */
	cr_assert_eq(rc, 0);
	cr_assert_eq(g.start_level, 0);
	cr_assert_eq(g.root_entries, 2);
	cr_assert_eq(g.root_pages, 1);
	cr_assert_eq(g.sl0, 2);
	cr_assert_eq(g.ps, 4);
	g = geo_of(43, 48, 1, &rc); /* the most concatenation: 16 pages */
	cr_assert_eq(rc, 0);
	cr_assert_eq(g.root_pages, 16);
	g = geo_of(39, 40, RVX_STAGE2_START_AUTO, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_eq(g.start_level, 1);
	cr_assert_eq(g.root_pages, 1);
	cr_assert_eq(g.root_entries, 512);
	g = geo_of(32, 32, RVX_STAGE2_START_AUTO, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_eq(g.root_entries, 4);
	cr_assert_eq(g.ps, 0);
	cr_assert_eq(g.t0sz, 32);
	g = geo_of(44, 44, RVX_STAGE2_START_AUTO, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_eq(g.start_level, 0);
	g = geo_of(42, 42, RVX_STAGE2_START_AUTO, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_eq(g.ps, 3);
	g = geo_of(36, 36, RVX_STAGE2_START_AUTO, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_eq(g.ps, 1);
}

Test(stage2, geometry_errors)
{
	struct rvx_stage2_config c = {.ipa_bits = 40, .pa_bits = 40, .start_level = 1};
	struct rvx_stage2_geometry g, before;
	int rc;

	memset(&g, 0x5A, sizeof(g));
	before = g;
	cr_assert_eq(rvx_stage2_geometry(NULL, &g), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_geometry(&c, NULL), -RVX_EINVAL);
	(void)geo_of(31, 40, RVX_STAGE2_START_AUTO, &rc);
	cr_assert_eq(rc, -RVX_EINVAL);
	(void)geo_of(49, 48, RVX_STAGE2_START_AUTO, &rc);
	cr_assert_eq(rc, -RVX_EINVAL);
	(void)geo_of(40, 41, RVX_STAGE2_START_AUTO, &rc); /* no such PS */
	cr_assert_eq(rc, -RVX_EINVAL);
	(void)geo_of(44, 40, RVX_STAGE2_START_AUTO, &rc); /* IPA above PA */
	cr_assert_eq(rc, -RVX_EINVAL);
	(void)geo_of(44, 48, 1, &rc); /* level 1 reaches only 43 bits */
	cr_assert_eq(rc, -RVX_EINVAL);
	(void)geo_of(39, 48, 0, &rc); /* level 0 needs at least 40 bits */
	cr_assert_eq(rc, -RVX_EINVAL);
	(void)geo_of(34, 48, 2, &rc); /* level 2 start not supported */
	cr_assert_eq(rc, -RVX_EINVAL);
	c.vmid = 256;
	cr_assert_eq(rvx_stage2_geometry(&c, &g), -RVX_EINVAL);
	c.vmid = 0;
	c.reserved = 1;
	cr_assert_eq(rvx_stage2_geometry(&c, &g), -RVX_EINVAL);
	c.reserved = 0;
	c.reserved2 = 1;
	cr_assert_eq(rvx_stage2_geometry(&c, &g), -RVX_EINVAL);
	cr_assert(memcmp(&g, &before, sizeof(g)) == 0, "out written on failure");
}

Test(stage2, tables_bound)
{
	int rc;
	struct rvx_stage2_geometry g1 = geo_of(40, 40, 1, &rc);
	struct rvx_stage2_geometry g0 = geo_of(48, 48, 0, &rc);

	cr_assert_eq(rvx_stage2_tables_bound(&g1, 0, 0), 0);
	cr_assert_eq(rvx_stage2_tables_bound(&g1, 0, KB4), 2);       /* L2 + L3 */
	cr_assert_eq(rvx_stage2_tables_bound(&g0, 0, KB4), 3);       /* L1 + L2 + L3 */
	cr_assert_eq(rvx_stage2_tables_bound(&g1, MB2 - KB4, 2 * KB4), 3); /* two L3 */
	cr_assert_eq(rvx_stage2_tables_bound(&g1, 0, GB1 + KB4), 2 + 513);
	cr_assert_eq(rvx_stage2_tables_bound(NULL, 0, KB4), UINT64_MAX);
	cr_assert_eq(rvx_stage2_tables_bound(&g1, UINT64_MAX - KB4 + 1, 2 * KB4), UINT64_MAX);
}

/* ---- init --------------------------------------------------------------- */

Test(stage2, init_zeroes_root_and_sets_registers)
{
	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 16);
	/* after: both concatenated root pages zero, pages 2.. untouched */
	for (unsigned p = 0; p < 2; p++)
		for (unsigned i = 0; i < RVX_STAGE2_ENTRIES; i++)
			cr_assert_eq(s2t_pool[p][i], 0);
	cr_assert_eq(s2t_pool[2][0], UINT64_C(0xA5A5A5A5A5A5A5A5));
	cr_assert_eq(rvx_stage2_vttbr(&s2t), PA_BASE | (UINT64_C(7) << 48));
	cr_assert_eq(rvx_stage2_vtcr(&s2t), UINT64_C(0x80023558));
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 14);
	cr_assert_eq(s2t.tables, 0);
	s2t_expect_unmapped(0, 8 * GB1, GB1 / 4);
	s2t_expect_unmapped((UINT64_C(1) << 40) - KB4, KB4, KB4);
	/* The walker refuses an IPA beyond T0SZ. */
	cr_assert_eq(s2t_walk(UINT64_C(1) << 40).fault, S2W_TRANSLATION);
}

Test(stage2, init_errors_change_nothing)
{
	struct rvx_stage2_config c = {.ipa_bits = 40, .pa_bits = 40};
	static alignas(RVX_STAGE2_POOL_ALIGN) uint64_t pages[4][RVX_STAGE2_ENTRIES];
	struct rvx_stage2 s, before;

	c.start_level = 1;
	memset(&s, 0x3C, sizeof(s));
	memset(pages, 0x77, sizeof(pages));
	before = s;
	cr_assert_eq(rvx_stage2_init(NULL, &c, pages, 4, PA_BASE), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_init(&s, NULL, pages, 4, PA_BASE), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_init(&s, &c, NULL, 4, PA_BASE), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_init(&s, &c, (char *)pages + 8, 3, PA_BASE), -RVX_EINVAL);
	/* A root of two concatenated pages must be 8 KiB aligned. */
	cr_assert_eq(rvx_stage2_init(&s, &c, pages, 4, PA_BASE + KB4), -RVX_EINVAL);
	/* The pool must lie below the PA size. */
	cr_assert_eq(rvx_stage2_init(&s, &c, pages, 4, UINT64_C(1) << 40), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_init(&s, &c, pages, 4, (UINT64_C(1) << 40) - 2 * KB4), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_init(&s, &c, pages, RVX_STAGE2_NIL, PA_BASE), -RVX_EINVAL);
	c.ipa_bits = 50;
	cr_assert_eq(rvx_stage2_init(&s, &c, pages, 4, PA_BASE), -RVX_EINVAL);
	c.ipa_bits = 40;
	cr_assert_eq(rvx_stage2_init(&s, &c, pages, 1, PA_BASE), -RVX_ENOMEM);
	cr_assert(memcmp(&s, &before, sizeof(s)) == 0);
	for (unsigned p = 0; p < 4; p++)
		for (unsigned i = 0; i < RVX_STAGE2_ENTRIES; i++)
			cr_assert_eq(pages[p][i], UINT64_C(0x7777777777777777));
	cr_assert_eq(rvx_stage2_init(&s, &c, pages, 2, PA_BASE), 0);
	cr_assert_eq(rvx_stage2_pages_free(&s), 0);
}

/* ---- map ----------------------------------------------------------------- */

Test(stage2, map_one_page_each_memtype)
{
	struct s2w_result r;

	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 16);
	/* before: nothing mapped */
	cr_assert_eq(rvx_stage2_map(&s2t, 0x80000000, 0x90000000, KB4, RWX, RVX_STAGE2_NORMAL_WB), 0);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x80001000, 0x90005000, KB4, RVX_STAGE2_R,
				    RVX_STAGE2_NORMAL_NC), 0);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x09000000, 0x09000000, KB4, RW, RVX_STAGE2_DEVICE), 0);
	/* after: three pages, the neighbours unmapped */
	s2t_expect_mapped(0x80000000, 0x90000000, KB4, RWX, ATTR_WB, KB4);
	s2t_expect_mapped(0x80001000, 0x90005000, KB4, RVX_STAGE2_R, ATTR_NC, KB4);
	s2t_expect_mapped(0x09000000, 0x09000000, KB4, RW, ATTR_DEV, KB4);
	s2t_expect_unmapped(0x80002000, MB2 - 2 * KB4, KB4);
	s2t_expect_unmapped(0x7FFFF000, KB4, KB4);
	s2t_expect_unmapped(0x08FFF000, KB4, KB4);
	s2t_expect_unmapped(0x09001000, KB4, KB4);
	r = s2t_walk(0x80000123);
	cr_assert_eq(r.level, 3);
	cr_assert_eq(r.block, KB4);
	/* 2 (root) + an L2 and an L3 table for each of the two 1 GiB areas */
	cr_assert_eq(s2t.tables, 4);
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 10);
	cr_assert_eq(s2t.mapped_bytes, 3 * KB4);
}

Test(stage2, map_uses_2m_and_1g_blocks_where_aligned)
{
	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 16);
	/* 1 MiB of pages, then a 2 MiB block, then pages, all in one call */
	cr_assert_eq(rvx_stage2_map(&s2t, 0x40100000, 0x80100000, 0x100000 + MB2 + 0x3000, RW,
				    RVX_STAGE2_NORMAL_WB), 0);
	s2t_expect_mapped(0x40100000, 0x80100000, 0x100000 + MB2 + 0x3000, RW, ATTR_WB, KB4);
	cr_assert_eq(s2t_walk(0x40100000).level, 3);
	cr_assert_eq(s2t_walk(0x40200000).level, 2);
	cr_assert_eq(s2t_walk(0x40200000).block, MB2);
	cr_assert_eq(s2t_walk(0x40400000).level, 3);
	s2t_expect_unmapped(0x400FF000, KB4, KB4);
	s2t_expect_unmapped(0x40403000, KB4, KB4);
	/* one L2 table and two L3 tables */
	cr_assert_eq(s2t.tables, 3);

	/* A whole aligned 1 GiB is one level-1 block: no table at all. */
	cr_assert_eq(rvx_stage2_map(&s2t, 4 * GB1, 0x4000000000 - GB1, GB1, RVX_STAGE2_R,
				    RVX_STAGE2_NORMAL_WB), 0);
	cr_assert_eq(s2t.tables, 3);
	cr_assert_eq(s2t_walk(4 * GB1 + 12345).level, 1);
	s2t_expect_mapped(4 * GB1, 0x4000000000 - GB1, GB1, RVX_STAGE2_R, ATTR_WB, MB2 / 2 + KB4);

	/* PA not 2 MiB aligned while IPA is: pages only. */
	cr_assert_eq(rvx_stage2_map(&s2t, 6 * GB1, 0x1000, MB2, RW, RVX_STAGE2_NORMAL_WB), 0);
	cr_assert_eq(s2t_walk(6 * GB1).level, 3);
	s2t_expect_mapped(6 * GB1, 0x1000, MB2, RW, ATTR_WB, KB4);
}

Test(stage2, map_reaches_second_concatenated_root_page)
{
	uint64_t ipa = (UINT64_C(1) << 40) - MB2; /* last 2 MiB: root entry 1023 */

	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 16);
	cr_assert_eq(rvx_stage2_map(&s2t, ipa, MB2 * 7, MB2, RW, RVX_STAGE2_NORMAL_WB), 0);
	s2t_expect_mapped(ipa, MB2 * 7, MB2, RW, ATTR_WB, KB4 * 16);
	cr_assert_neq(s2t_pool[1][511], 0, "the descriptor lives in the second root page");
	cr_assert_eq(s2t_pool[0][511], 0);
	s2t_expect_unmapped(ipa - GB1, GB1, MB2);
}

Test(stage2, map_four_levels_from_level0)
{
	uint64_t ipa = UINT64_C(0xFF8040201000); /* indices 511/2/1/1 */

	s2t_init(48, 48, 0, 16);
	cr_assert_eq(rvx_stage2_map(&s2t, ipa, UINT64_C(0xABC000), 3 * KB4, RWX,
				    RVX_STAGE2_NORMAL_WB), 0);
	s2t_expect_mapped(ipa, UINT64_C(0xABC000), 3 * KB4, RWX, ATTR_WB, KB4);
	cr_assert_eq(s2t_walk(ipa).level, 3);
	cr_assert_eq(s2t.tables, 3);
	cr_assert_neq(s2t_pool[0][511], 0);
	s2t_expect_unmapped(ipa - KB4, KB4, KB4);
	s2t_expect_unmapped(ipa + 3 * KB4, KB4, KB4);
	/* 2 MiB and 1 GiB blocks work below a level-0 root too. */
	cr_assert_eq(rvx_stage2_map(&s2t, 2 * GB1, 2 * GB1, GB1 + MB2, RW, RVX_STAGE2_NORMAL_WB), 0);
	cr_assert_eq(s2t_walk(2 * GB1).level, 1);
	cr_assert_eq(s2t_walk(3 * GB1).level, 2);
	s2t_expect_mapped(2 * GB1, 2 * GB1, GB1 + MB2, RW, ATTR_WB, MB2 / 2 + KB4);
}

Test(stage2, map_errors_change_nothing)
{
	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 4);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x200000, 0x200000, MB2, RW, RVX_STAGE2_NORMAL_WB), 0);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x600000, 0x700000, KB4, RW, RVX_STAGE2_NORMAL_WB), 0);
	s2t_snap();
	cr_assert_eq(rvx_stage2_map(NULL, 0, 0, KB4, RW, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x800, 0, KB4, RW, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0x800, KB4, RW, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0, 0, RW, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0, 0x1800, RW, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, UINT64_C(1) << 40, 0, KB4, RW, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, (UINT64_C(1) << 40) - KB4, 0, 2 * KB4, RW, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, (UINT64_C(1) << 40) - KB4, 2 * KB4, RW, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, UINT64_MAX & ~(KB4 - 1), KB4, RW, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0, KB4, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0, KB4, 8, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0, KB4, RW, RVX_STAGE2_MEMTYPE_COUNT), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0, KB4, RWX, RVX_STAGE2_DEVICE), -RVX_EINVAL);
	/* overlap: a page inside the block, a range ending in it, a mapped page */
	cr_assert_eq(rvx_stage2_map(&s2t, 0x300000, 0, KB4, RW, 0), -RVX_EEXIST);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x100000, 0, 0x101000, RW, 0), -RVX_EEXIST);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x5FF000, 0, 2 * KB4, RW, 0), -RVX_EEXIST);
	/* pool exhausted: 2 root + L2 + L3 used; a new 1 GiB area needs two */
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 0);
	cr_assert_eq(rvx_stage2_map(&s2t, GB1, 0, KB4, RW, 0), -RVX_ENOMEM);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x800000, 0, KB4, RW, 0), -RVX_ENOMEM);
	s2t_unchanged();
	/* still possible without new tables: a block, a page in the existing L3 */
	cr_assert_eq(rvx_stage2_map(&s2t, 0x800000, 0x800000, MB2, RW, 0), 0);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x601000, 0x123000, KB4, RW, 0), 0);
	s2t_expect_mapped(0x601000, 0x123000, KB4, RW, ATTR_WB, KB4);
}

Test(stage2, enomem_counts_every_table_before_writing)
{
	/* Pool with room for one table only; the mapping needs L2 and L3:
	 * nothing may be written, not even the first table. */
	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 3);
	s2t_snap();
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0, KB4, RW, 0), -RVX_ENOMEM);
	s2t_unchanged();
	/* a block needs only the L2 table */
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0, MB2, RW, 0), 0);
	s2t_expect_mapped(0, 0, MB2, RW, ATTR_WB, KB4 * 8);
}

/* ---- unmap --------------------------------------------------------------- */

Test(stage2, unmap_pages_and_free_tables)
{
	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 16);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x9000000, 0x9000000, 4 * KB4, RW, RVX_STAGE2_DEVICE), 0);
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 12);
	/* before: four device pages */
	cr_assert_eq(rvx_stage2_unmap(&s2t, 0x9001000, 2 * KB4), 0);
	/* after: the middle two fault, the others remain */
	s2t_expect_unmapped(0x9001000, 2 * KB4, KB4);
	s2t_expect_mapped(0x9000000, 0x9000000, KB4, RW, ATTR_DEV, KB4);
	s2t_expect_mapped(0x9003000, 0x9003000, KB4, RW, ATTR_DEV, KB4);
	cr_assert_eq(s2t.mapped_bytes, 2 * KB4);
	cr_assert_eq(rvx_stage2_unmap(&s2t, 0x9000000, KB4), 0);
	cr_assert_eq(rvx_stage2_unmap(&s2t, 0x9003000, KB4), 0);
	/* every table emptied went back to the pool */
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 14);
	cr_assert_eq(s2t.tables, 0);
	cr_assert_eq(s2t_pool[0][0], 0);
	s2t_expect_unmapped(0x9000000, 4 * KB4, KB4);
	/* and are reused */
	cr_assert_eq(rvx_stage2_map(&s2t, 0x9000000, 0x1000, KB4, RVX_STAGE2_R, 0), 0);
	s2t_expect_mapped(0x9000000, 0x1000, KB4, RVX_STAGE2_R, ATTR_WB, KB4);
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 12);
}

Test(stage2, unmap_block_whole_and_split)
{
	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 16);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x40000000, 0x80000000, 2 * MB2, RWX, 0), 0);
	cr_assert_eq(s2t.tables, 1);
	/* whole block */
	cr_assert_eq(rvx_stage2_unmap(&s2t, 0x40200000, MB2), 0);
	s2t_expect_unmapped(0x40200000, MB2, KB4);
	/* one page from the middle of the other block: split into 512 pages */
	cr_assert_eq(rvx_stage2_unmap(&s2t, 0x40010000, KB4), 0);
	s2t_expect_unmapped(0x40010000, KB4, KB4);
	s2t_expect_mapped(0x40000000, 0x80000000, 0x10000, RWX, ATTR_WB, KB4);
	s2t_expect_mapped(0x40011000, 0x80011000, MB2 - 0x11000, RWX, ATTR_WB, KB4);
	cr_assert_eq(s2t_walk(0x40000000).level, 3);
	cr_assert_eq(s2t.tables, 2);
	cr_assert_eq(s2t.mapped_bytes, MB2 - KB4);

	/* split a 1 GiB block down to a page: L2 of blocks, then one L3 */
	cr_assert_eq(rvx_stage2_map(&s2t, 2 * GB1, 0, GB1, RW, RVX_STAGE2_NORMAL_NC), 0);
	cr_assert_eq(rvx_stage2_unmap(&s2t, 2 * GB1 + 5 * MB2 + 3 * KB4, KB4), 0);
	cr_assert_eq(s2t.tables, 4);
	cr_assert_eq(s2t_walk(2 * GB1).level, 2);
	cr_assert_eq(s2t_walk(2 * GB1 + 5 * MB2).level, 3);
	s2t_expect_unmapped(2 * GB1 + 5 * MB2 + 3 * KB4, KB4, KB4);
	s2t_expect_mapped(2 * GB1, 0, 5 * MB2 + 3 * KB4, RW, ATTR_NC, KB4 * 4);
	s2t_expect_mapped(2 * GB1 + 5 * MB2 + 4 * KB4, 5 * MB2 + 4 * KB4,
			  GB1 - 5 * MB2 - 4 * KB4, RW, ATTR_NC, MB2 / 4 + KB4);
}

Test(stage2, unmap_errors_change_nothing)
{
	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 3);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0x80000000, MB2, RW, 0), 0);
	s2t_snap();
	cr_assert_eq(rvx_stage2_unmap(NULL, 0, KB4), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_unmap(&s2t, 0x10, KB4), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_unmap(&s2t, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_unmap(&s2t, 0, 0x10), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_unmap(&s2t, UINT64_C(1) << 40, KB4), -RVX_EINVAL);
	/* partly unmapped range, fully unmapped range */
	cr_assert_eq(rvx_stage2_unmap(&s2t, MB2 - KB4, 2 * KB4), -RVX_ENOENT);
	cr_assert_eq(rvx_stage2_unmap(&s2t, GB1, KB4), -RVX_ENOENT);
	/* a split needs a page the pool lacks */
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 0);
	cr_assert_eq(rvx_stage2_unmap(&s2t, KB4, KB4), -RVX_ENOMEM);
	s2t_unchanged();
	cr_assert_eq(rvx_stage2_unmap(&s2t, 0, MB2), 0);
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 1);
}

/* ---- protect ------------------------------------------------------------- */

Test(stage2, protect_pages_and_part_of_block)
{
	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 16);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x40000000, 0x40000000, MB2, RWX, 0), 0);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x9000000, 0x9000000, 2 * KB4, RW, RVX_STAGE2_DEVICE), 0);
	/* before: RWX block; after: one page read-only, rest unchanged */
	cr_assert_eq(rvx_stage2_protect(&s2t, 0x40001000, KB4, RVX_STAGE2_R), 0);
	s2t_expect_mapped(0x40001000, 0x40001000, KB4, RVX_STAGE2_R, ATTR_WB, KB4);
	s2t_expect_mapped(0x40000000, 0x40000000, KB4, RWX, ATTR_WB, KB4);
	s2t_expect_mapped(0x40002000, 0x40002000, MB2 - 2 * KB4, RWX, ATTR_WB, KB4);
	/* device pages: write-only keeps the device type */
	cr_assert_eq(rvx_stage2_protect(&s2t, 0x9000000, 2 * KB4, RVX_STAGE2_W), 0);
	s2t_expect_mapped(0x9000000, 0x9000000, 2 * KB4, RVX_STAGE2_W, ATTR_DEV, KB4);
	/* a whole block stays a block */
	cr_assert_eq(rvx_stage2_map(&s2t, 0x80000000, 0x80000000, MB2, RW, 0), 0);
	cr_assert_eq(rvx_stage2_protect(&s2t, 0x80000000, MB2, RVX_STAGE2_R | RVX_STAGE2_X), 0);
	cr_assert_eq(s2t_walk(0x80000000).level, 2);
	s2t_expect_mapped(0x80000000, 0x80000000, MB2, RVX_STAGE2_R | RVX_STAGE2_X, ATTR_WB, KB4);
	cr_assert_eq(s2t.mapped_bytes, 2 * MB2 + 2 * KB4);
}

Test(stage2, protect_errors_change_nothing)
{
	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 4);
	cr_assert_eq(rvx_stage2_map(&s2t, 0, 0, MB2, RW, 0), 0);
	cr_assert_eq(rvx_stage2_map(&s2t, MB2 * 2, 0x9000000, KB4, RW, RVX_STAGE2_DEVICE), 0);
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 0);
	s2t_snap();
	cr_assert_eq(rvx_stage2_protect(NULL, 0, KB4, RW), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_protect(&s2t, 1, KB4, RW), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_protect(&s2t, 0, 0, RW), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_protect(&s2t, UINT64_C(1) << 40, KB4, RW), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_protect(&s2t, 0, MB2, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_protect(&s2t, 0, MB2, 16), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_protect(&s2t, MB2 * 2, KB4, RVX_STAGE2_R | RVX_STAGE2_X),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_protect(&s2t, MB2, 2 * MB2, RVX_STAGE2_R), -RVX_ENOENT);
	cr_assert_eq(rvx_stage2_protect(&s2t, KB4, KB4, RVX_STAGE2_R), -RVX_ENOMEM);
	s2t_unchanged();
}

/* ---- lookup, registers ----------------------------------------------------- */

Test(stage2, lookup_matches_walker)
{
	struct rvx_stage2_mapping m;

	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 16);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x40000000, 0x80000000, MB2 + KB4, RW, 0), 0);
	cr_assert_eq(rvx_stage2_map(&s2t, 0x9000000, 0x9000000, KB4, RVX_STAGE2_R,
				    RVX_STAGE2_DEVICE), 0);
	cr_assert_eq(rvx_stage2_map(&s2t, 2 * GB1, 2 * GB1, GB1, RVX_STAGE2_RWX,
				    RVX_STAGE2_NORMAL_NC), 0);
	cr_assert_eq(rvx_stage2_lookup(&s2t, 0x40001234, &m), 0);
	cr_assert_eq(m.pa, 0x80001234);
	cr_assert_eq(m.level, 2);
	cr_assert_eq(m.size, MB2);
	cr_assert_eq(m.ipa_base, 0x40000000);
	cr_assert_eq(m.perms, RW);
	cr_assert_eq(m.memtype, RVX_STAGE2_NORMAL_WB);
	cr_assert_eq(rvx_stage2_lookup(&s2t, 0x40200010, &m), 0);
	cr_assert_eq(m.pa, 0x80200010);
	cr_assert_eq(m.level, 3);
	cr_assert_eq(rvx_stage2_lookup(&s2t, 0x9000008, &m), 0);
	cr_assert_eq(m.memtype, RVX_STAGE2_DEVICE);
	cr_assert_eq(m.perms, RVX_STAGE2_R);
	cr_assert_eq(rvx_stage2_lookup(&s2t, 2 * GB1 + 77, &m), 0);
	cr_assert_eq(m.level, 1);
	cr_assert_eq(m.memtype, RVX_STAGE2_NORMAL_NC);
	cr_assert_eq(m.perms, RVX_STAGE2_RWX);
	cr_assert_eq(rvx_stage2_lookup(&s2t, 0x40201000, &m), -RVX_ENOENT);
	cr_assert_eq(rvx_stage2_lookup(&s2t, 0, &m), -RVX_ENOENT);
	cr_assert_eq(rvx_stage2_lookup(&s2t, UINT64_C(1) << 40, &m), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_lookup(NULL, 0, &m), -RVX_EINVAL);
	cr_assert_eq(rvx_stage2_lookup(&s2t, 0, NULL), -RVX_EINVAL);
}

Test(stage2, vttbr_carries_vmid_and_root)
{
	struct rvx_stage2_config c = {.ipa_bits = 40, .pa_bits = 48, .start_level = 1, .vmid = 255};
	static alignas(RVX_STAGE2_POOL_ALIGN) uint64_t pages[2][RVX_STAGE2_ENTRIES];
	struct rvx_stage2 s;

	cr_assert_eq(rvx_stage2_init(&s, &c, pages, 2, UINT64_C(0x0000ABCDE0000000)), 0);
	cr_assert_eq(rvx_stage2_vttbr(&s), UINT64_C(0x00FFABCDE0000000));
	cr_assert_eq(rvx_stage2_vtcr(&s), s.geo.vtcr);
	cr_assert_eq((rvx_stage2_vtcr(&s) >> 16) & 7, 5);
}

Test(stage2, map_across_concatenated_root_pages)
{
	uint64_t ipa = (UINT64_C(1) << 39) - MB2; /* root entries 511 (page 0) and 512 (page 1) */

	s2t_init(40, 40, RVX_STAGE2_START_AUTO, 16);
	cr_assert_eq(rvx_stage2_map(&s2t, ipa, UINT64_C(0x8000000000) - GB1, 2 * MB2 + 8 * KB4, RW,
				    RVX_STAGE2_NORMAL_WB), 0);
	s2t_expect_mapped(ipa, UINT64_C(0x8000000000) - GB1, 2 * MB2 + 8 * KB4, RW, ATTR_WB, KB4);
	cr_assert_neq(s2t_pool[0][511], 0);
	cr_assert_neq(s2t_pool[1][0], 0);
	s2t_expect_unmapped(ipa - KB4, KB4, KB4);
	s2t_expect_unmapped(ipa + 2 * MB2 + 8 * KB4, KB4, KB4);
	cr_assert_eq(rvx_stage2_unmap(&s2t, ipa, 2 * MB2 + 8 * KB4), 0);
	cr_assert_eq(s2t.tables, 0);
	cr_assert_eq(s2t_pool[0][511], 0);
	cr_assert_eq(s2t_pool[1][0], 0);
	s2t_expect_unmapped(ipa, 2 * MB2 + 8 * KB4, KB4);
}
