/* SPDX-License-Identifier: Apache-2.0 */
/* rvx_cap_space_validate(): a space built by the library passes; each kind
 * of corruption of its state bytes is reported. */
#include <criterion/criterion.h>
#include <string.h>

#include "ruvix/cap.h"

#define T 3u
#define S 8u
#define O 6u

static struct rvx_cap_space sp;
static struct rvx_cap_slot slots[T * S];
static struct rvx_cap_table tables[T];
static struct rvx_cap_object objects[O];
static uint32_t root, child, grandchild;

/* A tree: root (task 0) -> child (task 1) -> grandchild (task 2), plus a
 * second child of root in task 0. */
static void build(void)
{
	rvx_handle_t obj, r, c, g, c2;

	cr_assert_eq(rvx_cap_space_init(&sp, slots, T * S, tables, T, S, objects, O), 0);
	cr_assert_eq(rvx_cap_object_create(&sp, RVX_OBJ_QUEUE, 7, &obj), 0);
	cr_assert_eq(rvx_cap_mint(&sp, 0, obj, RVX_RIGHTS_ALL, 0, &r), 0);
	cr_assert_eq(rvx_cap_derive(&sp, 0, r, 1, RVX_RIGHTS_ALL, 0, &c), 0);
	cr_assert_eq(rvx_cap_derive(&sp, 1, c, 2, RVX_RIGHTS_ALL, 0, &g), 0);
	cr_assert_eq(rvx_cap_derive(&sp, 0, r, 0, RVX_RIGHTS_ALL, 0, &c2), 0);
	root = rvx_handle_index(r);
	child = S + rvx_handle_index(c);
	grandchild = 2 * S + rvx_handle_index(g);
}

static int validate(void)
{
	return rvx_cap_space_validate(&sp, slots, tables, objects);
}

TestSuite(cap_validate, .init = build);

Test(cap_validate, built_space_passes)
{
	cr_assert_eq(validate(), 0);
	cr_assert_eq(rvx_cap_space_validate(NULL, slots, tables, objects), -RVX_EINVAL);
	cr_assert_eq(rvx_cap_space_validate(&sp, NULL, tables, objects), -RVX_EINVAL);
}

Test(cap_validate, cycle_reported)
{
	slots[root].parent = grandchild;
	slots[grandchild].first_child = root;
	cr_assert_eq(validate(), -RVX_EINVAL);
}

Test(cap_validate, sibling_ring_reported)
{
	/* the grandchild detached into a ring of its own, parent kept */
	slots[child].first_child = RVX_CAP_LINK_NIL;
	slots[grandchild].next_sibling = grandchild;
	slots[grandchild].prev_sibling = grandchild;
	cr_assert_eq(validate(), -RVX_EINVAL);
}

Test(cap_validate, detached_child_reported)
{
	slots[child].first_child = RVX_CAP_LINK_NIL;
	cr_assert_eq(validate(), -RVX_EINVAL);
}

Test(cap_validate, link_out_of_range_reported)
{
	slots[grandchild].first_child = T * S;
	cr_assert_eq(validate(), -RVX_EINVAL);
}

Test(cap_validate, depth_reported)
{
	slots[grandchild].depth = 1;
	cr_assert_eq(validate(), -RVX_EINVAL);
	build();
	slots[root].depth = RVX_CONFIG_CAP_MAX_DEPTH + 1;
	cr_assert_eq(validate(), -RVX_EINVAL);
}

Test(cap_validate, object_reported)
{
	slots[child].object = O;
	cr_assert_eq(validate(), -RVX_EINVAL);
	build();
	/* a live capability to an entry of another type */
	objects[slots[root].object].type = RVX_OBJ_REGION;
	cr_assert_eq(validate(), -RVX_EINVAL);
	build();
	objects[3].gen = 0;
	cr_assert_eq(validate(), -RVX_EINVAL);
}

Test(cap_validate, free_lists_reported)
{
	slots[tables[0].free_head].next_sibling = tables[0].free_head;
	cr_assert_eq(validate(), -RVX_EINVAL);
	build();
	tables[1].used = 5;
	cr_assert_eq(validate(), -RVX_EINVAL);
	build();
	/* a free slot linked into another table's list */
	slots[tables[0].free_head].next_sibling = S + 5;
	cr_assert_eq(validate(), -RVX_EINVAL);
	build();
	objects[sp.object_free_head].ref = sp.object_free_head;
	cr_assert_eq(validate(), -RVX_EINVAL);
	build();
	sp.object_used = 0;
	cr_assert_eq(validate(), -RVX_EINVAL);
}

Test(cap_validate, free_slot_and_geometry_reported)
{
	slots[tables[2].free_head].badge = 1;
	cr_assert_eq(validate(), -RVX_EINVAL);
	build();
	slots[child].gen = 0;
	cr_assert_eq(validate(), -RVX_EINVAL);
	build();
	sp.slot_total = T * S + 1;
	cr_assert_eq(validate(), -RVX_EINVAL);
}
