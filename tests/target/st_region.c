/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Region self-tests (lib/region): immutable contents, the append-only
 * cursor and its full error, slab generations (use after free detected,
 * slots zeroed), and zero-copy descriptors, each refused call checked to
 * leave the region and its memory as they were.
 */
#include "ruvix/region.h"
#include "st_internal.h"

#define SLOT_SIZE 24u
#define SLOT_COUNT 4u

static struct {
	struct rvx_region r;
	alignas(RVX_REGION_ALIGN) uint8_t mem[256];
	struct rvx_region_slot meta[SLOT_COUNT];
} w, snap;

static void take(void)
{
	memcpy(&snap, &w, sizeof(w));
}

#define UNCHANGED() ST_MEM_EQ(&snap, &w, sizeof(w))

static const char text[] = "ruvix immutable bytes";

static void immutable_contents(void)
{
	char buf[sizeof(text)];
	uint64_t off;

	memset(&w, 0, sizeof(w));
	ST_EQ(rvx_region_init_immutable(&w.r, w.mem, 64, text, sizeof(text)), 0);
	ST_EQ(rvx_region_policy(&w.r), RVX_REGION_POLICY_IMMUTABLE);
	ST_EQ(rvx_region_read(&w.r, 0, buf, sizeof(buf)), 0);
	ST_MEM_EQ(buf, text, sizeof(text));
	/* The rest is zero-filled. */
	ST_EQ(w.mem[63], 0);
	take();
	ST_EQ(rvx_region_append(&w.r, "x", 1, &off), -RVX_EPOLICY);
	ST_EQ(rvx_region_read(&w.r, 60, buf, 8), -RVX_EINVAL);
	UNCHANGED();
}

static void append_cursor(void)
{
	uint64_t off1, off2, off3;
	uint8_t buf[8];
	struct rvx_region_info info;

	memset(&w, 0, sizeof(w));
	ST_EQ(rvx_region_init_append(&w.r, w.mem, 16), 0);
	ST_EQ(rvx_region_append(&w.r, "abcdef", 6, &off1), 0);
	ST_EQ(rvx_region_append(&w.r, "ghij", 4, &off2), 0);
	ST_EQ(off1, 0);
	ST_EQ(off2, 6);
	ST_EQ(rvx_region_read(&w.r, 4, buf, 4), 0);
	ST_MEM_EQ(buf, "efgh", 4);
	/* Above the cursor nothing is readable yet. */
	ST_EQ(rvx_region_read(&w.r, 8, buf, 4), -RVX_EINVAL);
	take();
	ST_EQ(rvx_region_append(&w.r, "0123456789", 7, &off3), -RVX_EREGIONFULL);
	UNCHANGED();
	ST_EQ(rvx_region_append(&w.r, "012345", 6, &off3), 0);
	ST_EQ(rvx_region_info(&w.r, &info), 0);
	ST_EQ(info.used_bytes, 16);
}

static bool slab_setup(void)
{
	memset(&w, 0, sizeof(w));
	return rvx_region_init_slab(&w.r, w.mem, RVX_REGION_SLAB_MEM_SIZE(SLOT_SIZE, SLOT_COUNT),
				    SLOT_SIZE, w.meta, sizeof(w.meta)) == 0;
}

static void slab_generations(void)
{
	rvx_handle_t h, h2;
	uint8_t buf[SLOT_SIZE], zero[SLOT_SIZE];

	ST_TRUE(slab_setup());
	ST_EQ(rvx_region_slab_alloc(&w.r, &h), 0);
	ST_EQ(rvx_region_slab_write(&w.r, h, 0, "secret", 6), 0);
	ST_EQ(rvx_region_slab_read(&w.r, h, 0, buf, 6), 0);
	ST_MEM_EQ(buf, "secret", 6);
	ST_EQ(rvx_region_slab_free(&w.r, h), 0);
	/* Use after free and double free are detected, and change nothing. */
	take();
	ST_EQ(rvx_region_slab_read(&w.r, h, 0, buf, 6), -RVX_ESTALE);
	ST_EQ(rvx_region_slab_write(&w.r, h, 0, "x", 1), -RVX_ESTALE);
	ST_EQ(rvx_region_slab_free(&w.r, h), -RVX_ESTALE);
	UNCHANGED();
	/* The slot comes back zeroed under a new generation. */
	ST_EQ(rvx_region_slab_alloc(&w.r, &h2), 0);
	ST_EQ(rvx_handle_index(h2), rvx_handle_index(h));
	ST_TRUE(rvx_handle_gen(h2) != rvx_handle_gen(h));
	ST_EQ(rvx_region_slab_read(&w.r, h2, 0, buf, SLOT_SIZE), 0);
	memset(zero, 0, sizeof(zero));
	ST_MEM_EQ(buf, zero, SLOT_SIZE);
}

static void slab_full_and_bounds(void)
{
	rvx_handle_t h[SLOT_COUNT], extra;

	ST_TRUE(slab_setup());
	for (uint32_t i = 0; i < SLOT_COUNT; i++)
		ST_EQ(rvx_region_slab_alloc(&w.r, &h[i]), 0);
	take();
	ST_EQ(rvx_region_slab_alloc(&w.r, &extra), -RVX_ESLABFULL);
	/* A write past the slot's end is refused whole. */
	ST_EQ(rvx_region_slab_write(&w.r, h[1], SLOT_SIZE - 2, "abc", 3), -RVX_EINVAL);
	ST_EQ(rvx_region_read(&w.r, 0, &extra, 1), -RVX_EPOLICY);
	UNCHANGED();
}

static void descriptors(void)
{
	struct rvx_region_desc d;
	const void *p;
	rvx_handle_t rh = rvx_handle_make(3, 1);

	memset(&w, 0, sizeof(w));
	ST_EQ(rvx_region_init_immutable(&w.r, w.mem, 64, text, sizeof(text)), 0);
	ST_EQ(rvx_region_desc_make(&w.r, rh, 6, 9, &d), 0);
	ST_EQ(rvx_region_desc_resolve(&w.r, &d, &p), 0);
	ST_TRUE(p == w.mem + 6);
	ST_MEM_EQ(p, "immutable", 9);
	ST_EQ(rvx_region_desc_check(&w.r, 60, 5, &p), -RVX_EBADDESC);
	ST_EQ(rvx_region_desc_check(&w.r, 0, 0, &p), -RVX_EBADDESC);
	d.reserved = 1;
	ST_EQ(rvx_region_desc_resolve(&w.r, &d, &p), -RVX_EBADDESC);
	/* Slab slots can be freed and reused, so they are never described. */
	ST_TRUE(slab_setup());
	ST_EQ(rvx_region_desc_check(&w.r, 0, 4, &p), -RVX_EBADDESC);
}

const struct st_case st_region_cases[] = {
	{"region", "immutable_contents", immutable_contents},
	{"region", "append_cursor", append_cursor},
	{"region", "slab_generations", slab_generations},
	{"region", "slab_full_and_bounds", slab_full_and_bounds},
	{"region", "descriptors", descriptors},
};
const uint32_t st_region_case_count = RVX_ARRAY_COUNT(st_region_cases);
