/* SPDX-License-Identifier: Apache-2.0 */
#include "s2_fixture.h"

static alignas(RVX_STAGE2_POOL_ALIGN) uint64_t pool[POOL_PAGES][RVX_STAGE2_ENTRIES];
static uint64_t snap_pool[POOL_PAGES][RVX_STAGE2_ENTRIES];
static struct rvx_stage2 snap_s2;

uint64_t (*const s2t_pool)[RVX_STAGE2_ENTRIES] = pool;
struct rvx_stage2 s2t;

void s2t_init(unsigned ipa_bits, unsigned pa_bits, unsigned start_level, uint32_t pages)
{
	struct rvx_stage2_config cfg = {
		.ipa_bits = (uint8_t)ipa_bits,
		.pa_bits = (uint8_t)pa_bits,
		.start_level = (uint8_t)start_level,
		.vmid = 7,
	};

	cr_assert_leq(pages, POOL_PAGES);
	/* Dirty memory first: init must zero the root and map must zero tables. */
	memset(pool, 0xA5, sizeof(pool));
	memset(&s2t, 0xA5, sizeof(s2t));
	cr_assert_eq(rvx_stage2_init(&s2t, &cfg, pool, pages, PA_BASE), 0);
}

struct s2w_result s2t_walk(uint64_t ipa)
{
	struct s2w_mem m = {&pool[0][0], PA_BASE, sizeof(pool)};

	return s2w_translate(&m, rvx_stage2_vtcr(&s2t), rvx_stage2_vttbr(&s2t), ipa);
}

void s2t_expect_mapped(uint64_t ipa, uint64_t pa, uint64_t size, uint32_t perms,
		       unsigned memattr, uint64_t step)
{
	for (uint64_t off = 0; off < size; off += step) {
		/* Probe the first and the last byte of each sampled page. */
		for (int k = 0; k < 2; k++) {
			uint64_t a = ipa + off + (k ? KB4 - 1 : 0);
			struct s2w_result r = s2t_walk(a);

			cr_assert_eq(r.fault, S2W_OK, "ipa %#llx faults (%d at level %d)",
				     (unsigned long long)a, r.fault, r.level);
			cr_assert_eq(r.pa, pa + off + (k ? KB4 - 1 : 0), "ipa %#llx -> %#llx",
				     (unsigned long long)a, (unsigned long long)r.pa);
			cr_assert_eq(r.r, !!(perms & RVX_STAGE2_R));
			cr_assert_eq(r.w, !!(perms & RVX_STAGE2_W));
			cr_assert_eq(r.x, !!(perms & RVX_STAGE2_X));
			cr_assert_eq(r.memattr, memattr);
			cr_assert_eq(r.sh, memattr == ATTR_DEV ? 0u : 3u);
		}
	}
}

void s2t_expect_unmapped(uint64_t ipa, uint64_t size, uint64_t step)
{
	for (uint64_t off = 0; off < size; off += step) {
		struct s2w_result r = s2t_walk(ipa + off);

		cr_assert_eq(r.fault, S2W_TRANSLATION, "ipa %#llx: fault %d",
			     (unsigned long long)(ipa + off), r.fault);
	}
}

void s2t_snap(void)
{
	memcpy(snap_pool, pool, sizeof(pool));
	snap_s2 = s2t;
}

void s2t_unchanged(void)
{
	cr_assert(memcmp(&snap_s2, &s2t, sizeof(s2t)) == 0, "stage2 object changed");
	cr_assert(memcmp(snap_pool, pool, sizeof(pool)) == 0, "tables changed");
}
