/* SPDX-License-Identifier: Apache-2.0 */
/* cap_table and cap_slot_info: task exit and introspection. */
#include "cap_fixture.h"

TestSuite(cap_table, .init = fx_setup);
TestSuite(cap_slot_info, .init = fx_setup);

Test(cap_table, clear_removes_everything_the_task_holds)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 1);
	rvx_handle_t dead_obj = fx_object(RVX_OBJ_TIMER, 2);
	rvx_handle_t p0 = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);          /* t0 root */
	rvx_handle_t keep = fx_derive(0, p0, 0, RVX_RIGHT_READ, 0);     /* t0, survives */
	rvx_handle_t r1 = fx_mint(1, obj, RVX_RIGHTS_ALL, 0);          /* t1 root */
	rvx_handle_t r1a = fx_derive(1, r1, 0, RVX_RIGHTS_ALL, 0);      /* t0 */
	fx_derive(0, r1a, 2, RVX_RIGHT_READ, 0);                        /* t2 */
	rvx_handle_t c = fx_derive(0, p0, 1, RVX_RIGHTS_ALL, 0);        /* t1, parent in t0 */
	rvx_handle_t c1 = fx_derive(1, c, 2, RVX_RIGHT_READ, 0);        /* t2 */
	rvx_handle_t own = fx_derive(1, c, 1, RVX_RIGHT_READ, 0);       /* t1, inside c's subtree */
	rvx_handle_t dead = fx_mint(1, dead_obj, RVX_RIGHT_READ, 0);   /* t1, dead below */
	cr_assert_eq(rvx_cap_object_bump_epoch(SP, dead_obj), 0);

	/* before: t0 {p0, keep, r1a}, t1 {r1, c, own, dead}, t2 {r1a's child, c1} */
	cr_assert_eq(rvx_cap_table_used(SP, 0), 3);
	cr_assert_eq(rvx_cap_table_used(SP, 1), 4);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 2);
	cr_assert_eq(rvx_cap_table_clear(SP, 1), 7);
	/* after: t0 {p0, keep}, t1 {}, t2 {} */
	cr_assert_eq(rvx_cap_table_used(SP, 0), 2);
	cr_assert_eq(rvx_cap_table_used(SP, 1), 0);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 0);
	cr_assert_eq(rvx_cap_check(SP, 0, p0, RVX_OBJ_QUEUE, RVX_RIGHTS_ALL, NULL), 0);
	cr_assert_eq(rvx_cap_check(SP, 0, keep, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL), 0);
	cr_assert_eq(rvx_cap_check(SP, 1, r1, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_cap_check(SP, 0, r1a, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_cap_check(SP, 1, c, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_cap_check(SP, 2, c1, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_cap_check(SP, 1, own, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_cap_check(SP, 1, dead, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	/* p0's child list holds only keep now. */
	uint32_t kg = rvx_handle_index(keep);
	cr_assert_eq(fx.slots[rvx_handle_index(p0)].first_child, kg);
	cr_assert_eq(fx.slots[kg].next_sibling, RVX_CAP_LINK_NIL);
	cr_assert_eq(fx.slots[kg].prev_sibling, RVX_CAP_LINK_NIL);
	/* The whole table is reusable. */
	for (uint32_t i = 0; i < FX_SLOTS; i++)
		fx_mint(1, obj, RVX_RIGHT_READ, 0);
	cr_assert_eq(rvx_cap_table_used(SP, 1), (int)FX_SLOTS);
	/* Clearing an empty table removes nothing and changes nothing. */
	struct fx_snap snap;
	fx_snap_take(&snap);
	cr_assert_eq(rvx_cap_table_clear(SP, 3), 0);
	fx_snap_assert_same(&snap, "clear of an empty table");
}

Test(cap_table, clear_einval)
{
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_table_clear(SP, FX_TASKS));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_table_clear(SP, UINT32_MAX));
}

Test(cap_table, used_counts_live_and_dead)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 1);

	cr_assert_eq(rvx_cap_table_used(SP, 2), 0);
	fx_mint(2, obj, RVX_RIGHT_READ, 0);
	rvx_handle_t h = fx_mint(2, obj, RVX_RIGHT_READ, 0);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 2);
	cr_assert_eq(rvx_cap_object_destroy(SP, obj), 0);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 2, "dead capabilities still occupy slots");
	cr_assert_eq(rvx_cap_delete(SP, 2, h), 1);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 1);
}

Test(cap_table, used_einval)
{
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_table_used(SP, FX_TASKS));
}

Test(cap_slot_info, live_and_dead_entries)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_GRAPH_STORE, 55);
	rvx_handle_t root = fx_mint(3, obj, RVX_RIGHTS_ALL, 9);
	rvx_handle_t child = fx_derive(3, root, 0, RVX_RIGHT_READ | RVX_RIGHT_GRANT, 0);
	struct rvx_cap_info info;
	struct fx_snap snap;

	fx_snap_take(&snap);
	cr_assert_eq(rvx_cap_slot_info(SP, 0, rvx_handle_index(child), &info), 0);
	cr_assert_eq(info.handle.raw, child.raw);
	cr_assert_eq(info.object.raw, obj.raw);
	cr_assert_eq(info.object_ref, 55u);
	cr_assert_eq(info.badge, 9u);
	cr_assert_eq(info.rights, RVX_RIGHT_READ | RVX_RIGHT_GRANT);
	cr_assert_eq(info.type, RVX_OBJ_GRAPH_STORE);
	cr_assert_eq(info.depth, 1u);
	cr_assert_eq(info.parent_task, 3u);
	cr_assert_eq(info.parent_slot, rvx_handle_index(root));
	cr_assert(!info.revoked);
	fx_snap_assert_same(&snap, "rvx_cap_slot_info");

	cr_assert_eq(rvx_cap_object_destroy(SP, obj), 0);
	cr_assert_eq(rvx_cap_slot_info(SP, 3, rvx_handle_index(root), &info), 0);
	cr_assert(info.revoked);
	cr_assert_eq(info.handle.raw, root.raw);
	cr_assert_eq(rvx_handle_index(info.object), rvx_handle_index(obj));
	cr_assert_eq(rvx_handle_gen(info.object), 0u, "a dead capability names no object");
	cr_assert_eq(info.object_ref, 0u);
	cr_assert_eq(info.parent_task, RVX_CAP_NIL);

	/* A debug shell's walk over a table sees exactly the occupied slots. */
	int seen = 0;
	for (uint32_t i = 0; i < FX_SLOTS; i++)
		if (rvx_cap_slot_info(SP, 3, i, &info) == 0)
			seen++;
	cr_assert_eq(seen, rvx_cap_table_used(SP, 3));
}

Test(cap_slot_info, enoent)
{
	struct rvx_cap_info info;

	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_slot_info(SP, 0, 0, &info));
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 1);
	rvx_handle_t h = fx_mint(0, obj, RVX_RIGHT_READ, 0);
	cr_assert_eq(rvx_cap_delete(SP, 0, h), 1);
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_slot_info(SP, 0, rvx_handle_index(h), &info));
}

Test(cap_slot_info, einval)
{
	struct rvx_cap_info info;
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 1);

	fx_mint(0, obj, RVX_RIGHT_READ, 0);
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_slot_info(SP, FX_TASKS, 0, &info));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_slot_info(SP, 0, FX_SLOTS, &info));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_slot_info(SP, 0, 0, NULL));
}
