/* SPDX-License-Identifier: Apache-2.0 */
/* rvx_region_validate(): regions built by the library pass; each kind of
 * corruption of their fields or slab metadata is reported. */
#include <criterion/criterion.h>
#include <stdalign.h>
#include <string.h>

#include "ruvix/region.h"

static alignas(64) uint8_t mem[1024];
static struct rvx_region_slot meta[64];
static struct rvx_region r;
static uint32_t count;

static void slab(void)
{
	rvx_handle_t h;

	cr_assert_eq(rvx_region_init_slab(&r, mem, sizeof(mem), 100, meta, sizeof(meta)), 0);
	count = r.slot_count;
	cr_assert_eq(rvx_region_slab_alloc(&r, &h), 0);
	cr_assert_eq(rvx_region_slab_alloc(&r, &h), 0);
	cr_assert_eq(rvx_region_slab_free(&r, h), 0);
}

TestSuite(region_validate, .init = slab);

Test(region_validate, built_regions_pass)
{
	size_t off;

	cr_assert_eq(rvx_region_validate(&r, meta), 0);
	cr_assert_eq(rvx_region_validate(&r, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_region_validate(NULL, meta), -RVX_EINVAL);
	cr_assert_eq(rvx_region_init_append(&r, mem, sizeof(mem)), 0);
	cr_assert_eq(rvx_region_append(&r, "abc", 3, &off), 0);
	cr_assert_eq(rvx_region_validate(&r, NULL), 0);
	r.cursor = sizeof(mem) + 1;
	cr_assert_eq(rvx_region_validate(&r, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_region_init_immutable(&r, mem, sizeof(mem), "x", 1), 0);
	cr_assert_eq(rvx_region_validate(&r, NULL), 0);
	r.cursor = 3;
	cr_assert_eq(rvx_region_validate(&r, NULL), -RVX_EINVAL);
	r.cursor = r.size;
	r.policy = 9;
	cr_assert_eq(rvx_region_validate(&r, NULL), -RVX_EINVAL);
}

Test(region_validate, slab_free_list_reported)
{
	meta[r.free_head].next = r.free_head;
	cr_assert_eq(rvx_region_validate(&r, meta), -RVX_EINVAL);
	slab();
	meta[r.free_head].next = count + 3;
	cr_assert_eq(rvx_region_validate(&r, meta), -RVX_EINVAL);
	slab();
	r.free_head = count;
	cr_assert_eq(rvx_region_validate(&r, meta), -RVX_EINVAL);
}

Test(region_validate, slab_counts_and_generations_reported)
{
	r.used_slots = 2;
	cr_assert_eq(rvx_region_validate(&r, meta), -RVX_EINVAL);
	slab();
	meta[3].gen = 0;
	cr_assert_eq(rvx_region_validate(&r, meta), -RVX_EINVAL);
	slab();
	meta[count - 1].next = RVX_REGION_SLOT_RETIRED; /* generation not spent */
	cr_assert_eq(rvx_region_validate(&r, meta), -RVX_EINVAL);
	slab();
	r.cursor = 4;
	cr_assert_eq(rvx_region_validate(&r, meta), -RVX_EINVAL);
	slab();
	r.slot_count = count + 1;
	cr_assert_eq(rvx_region_validate(&r, meta), -RVX_EINVAL);
	slab();
	r.slot_stride = 64;
	cr_assert_eq(rvx_region_validate(&r, meta), -RVX_EINVAL);
}
