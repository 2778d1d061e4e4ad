/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Random map/unmap/protect sequences over a 32 MiB window checked against a
 * per-page reference model: after every call every page of the window is
 * translated by the independent walker and compared with the model, and a
 * failed call must leave every byte as it was.
 */
#include "s2_fixture.h"

#define WIN_PAGES 8192u /* 32 MiB */
static uint64_t WIN_BASE;

struct page_model {
	bool mapped;
	uint64_t pa;
	uint32_t perms;
	uint32_t memtype;
};

static struct page_model model[WIN_PAGES];
static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const unsigned attr_of[3] = {ATTR_WB, ATTR_NC, ATTR_DEV};

static void compare_all(void)
{
	for (uint32_t p = 0; p < WIN_PAGES; p++) {
		struct s2w_result r = s2t_walk(WIN_BASE + (uint64_t)p * KB4 + (p & 0xFFF));

		if (!model[p].mapped) {
			cr_assert_eq(r.fault, S2W_TRANSLATION, "page %u should fault (%d)", p, r.fault);
			continue;
		}
		cr_assert_eq(r.fault, S2W_OK, "page %u faults %d", p, r.fault);
		cr_assert_eq(r.pa, model[p].pa + (p & 0xFFF), "page %u pa", p);
		cr_assert_eq(r.r, !!(model[p].perms & RVX_STAGE2_R));
		cr_assert_eq(r.w, !!(model[p].perms & RVX_STAGE2_W));
		cr_assert_eq(r.x, !!(model[p].perms & RVX_STAGE2_X));
		cr_assert_eq(r.memattr, attr_of[model[p].memtype]);
	}
}

/* A range in the window, biased towards 2 MiB alignment and sizes. */
static void pick_range(uint32_t *first, uint32_t *count)
{
	uint32_t f, n;

	if (rnd() % 3 == 0) {
		f = (uint32_t)(rnd() % (WIN_PAGES / 512)) * 512u;
		n = (uint32_t)(rnd() % 3 + 1) * 512u;
	} else {
		f = (uint32_t)(rnd() % WIN_PAGES);
		n = (uint32_t)(rnd() % 700 + 1);
	}
	if (f + n > WIN_PAGES)
		n = WIN_PAGES - f;
	*first = f;
	*count = n;
}

/* Mostly ranges that can succeed: inside one run of pages that are all
 * mapped (@mapped) or all unmapped, so that calls do not just fail. */
static void pick_run(bool mapped, uint32_t *first, uint32_t *count)
{
	uint32_t start, n, limit = *count + 1536u;

	if (rnd() % 4 == 0)
		return; /* keep the plain random range */
	for (start = *first; start < WIN_PAGES && model[start].mapped != mapped; start++)
		;
	if (start < WIN_PAGES && rnd() % 2) {
		uint32_t aligned = (start + 511u) & ~511u; /* aim at a block boundary */
		if (aligned < WIN_PAGES && model[aligned].mapped == mapped)
			start = aligned;
	}
	if (start == WIN_PAGES)
		return;
	for (n = 0; start + n < WIN_PAGES && n < limit && model[start + n].mapped == mapped; n++)
		;
	*first = start;
	*count = n > 1 && rnd() % 2 ? (uint32_t)(rnd() % n) + 1 : n;
}

static void run_model(unsigned ipa_bits, unsigned pa_bits, unsigned level, uint64_t base,
		      uint32_t root_pages)
{
	uint32_t ok = 0, failed = 0, blocks_seen = 0;

	memset(model, 0, sizeof(model));
	WIN_BASE = base;
	s2t_init(ipa_bits, pa_bits, level, 64);
	for (int step = 0; step < 400; step++) {
		uint32_t f, n, op = (uint32_t)(rnd() % 3);
		uint32_t perms = (uint32_t)(rnd() % 7 + 1);
		int want = 0, rc;

		pick_range(&f, &n);
		pick_run(op == 0 ? false : true, &f, &n);
		if (op == 0) {
			uint32_t memtype = (uint32_t)(rnd() % 3);
			uint64_t pa = (rnd() % 4096) * (rnd() % 2 ? MB2 : KB4) & ((UINT64_C(1) << 40) - 1);

			if (pa + (uint64_t)n * KB4 > (UINT64_C(1) << 40))
				pa = 0;
			if (memtype == RVX_STAGE2_DEVICE && (perms & RVX_STAGE2_X))
				want = -RVX_EINVAL;
			for (uint32_t p = f; p < f + n && !want; p++)
				if (model[p].mapped)
					want = -RVX_EEXIST;
			s2t_snap();
			rc = rvx_stage2_map(&s2t, WIN_BASE + (uint64_t)f * KB4, pa, (uint64_t)n * KB4,
					    perms, memtype);
			cr_assert_eq(rc, want, "map step %d: %d want %d", step, rc, want);
			if (!rc)
				for (uint32_t p = f; p < f + n; p++)
					model[p] = (struct page_model){true, pa + (uint64_t)(p - f) * KB4,
								       perms, memtype};
		} else {
			for (uint32_t p = f; p < f + n && !want; p++) {
				if (!model[p].mapped)
					want = -RVX_ENOENT;
				else if (op == 2 && (perms & RVX_STAGE2_X) &&
					 model[p].memtype == RVX_STAGE2_DEVICE)
					want = -RVX_EINVAL;
			}
			s2t_snap();
			rc = op == 1 ? rvx_stage2_unmap(&s2t, WIN_BASE + (uint64_t)f * KB4,
							(uint64_t)n * KB4)
				     : rvx_stage2_protect(&s2t, WIN_BASE + (uint64_t)f * KB4,
							  (uint64_t)n * KB4, perms);
			cr_assert_eq(rc, want, "op %u step %d: %d want %d", op, step, rc, want);
			if (!rc)
				for (uint32_t p = f; p < f + n; p++) {
					if (op == 1)
						model[p].mapped = false;
					else
						model[p].perms = perms;
				}
		}
		if (rc) {
			failed++;
			s2t_unchanged();
		} else {
			ok++;
		}
		for (uint32_t b = 0; b < WIN_PAGES; b += 512)
			blocks_seen += s2t_walk(WIN_BASE + (uint64_t)b * KB4).block == MB2;
		compare_all();
	}
	cr_log_info("model: %u calls succeeded, %u failed, %u block probes", ok, failed, blocks_seen);
	cr_assert_gt(ok, 100);
	cr_assert_gt(failed, 20);
	cr_assert_gt(blocks_seen, 0, "some 2 MiB blocks were made");
	/* Unmapping everything returns every table to the pool. */
	for (uint32_t p = 0; p < WIN_PAGES; p++)
		if (model[p].mapped) {
			cr_assert_eq(rvx_stage2_unmap(&s2t, WIN_BASE + (uint64_t)p * KB4, KB4), 0);
			model[p].mapped = false;
		}
	compare_all();
	cr_assert_eq(s2t.tables, 0);
	cr_assert_eq(s2t.mapped_bytes, 0);
	cr_assert_eq(rvx_stage2_pages_free(&s2t), 64 - root_pages);
}

/* 40-bit IPA, 3 levels from a root of two concatenated pages. */
Test(stage2, random_sequences_match_model)
{
	run_model(40, 40, RVX_STAGE2_START_AUTO, UINT64_C(0x40000000), 2);
}

/* 48-bit IPA, 4 levels; the window straddles a 1 GiB and a 512 GiB
 * boundary, so level-1 and level-2 tables come and go too. */
Test(stage2, random_sequences_match_model_level0)
{
	run_model(48, 48, 0, (UINT64_C(1) << 39) - (UINT64_C(16) << 20), 1);
}
