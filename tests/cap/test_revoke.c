/* SPDX-License-Identifier: Apache-2.0 */
/* cap_revoke and cap_delete: subtree removal and slot reclamation. */
#include "cap_fixture.h"

TestSuite(cap_revoke, .init = fx_setup);
TestSuite(cap_delete, .init = fx_setup);

/* A handle together with the table it lives in. */
struct ref {
	uint32_t task;
	rvx_handle_t h;
};

/*
 * The tree used by the structural tests, spanning tasks 0, 1 and 2:
 *
 *   r (t0, d0, ALL)
 *   |- c1 (t1) - c2 (t2) - c3 (t0) - c4 (t1) - c5 (t2) - c6 (t0) - c7 (t1) - c8 (t2, d8)
 *   |                                  \- d5 (t0, d5)
 *   \- b1 (t2, d1)
 *        |- b2 (t1, d2)
 *        \- b3 (t0, d2)
 *   s  (t2, d0): a second root for the same object, with child s1 (t0)
 *   u  (t1, d0): a root for another object, with child u1 (t2)
 */
struct tree {
	rvx_handle_t obj, other;
	struct ref r, c[9], d5, b1, b2, b3, s, s1, u, u1;
};

static struct tree tr;

static struct ref derive_ref(struct ref src, uint32_t dst)
{
	struct ref out = {dst, fx_derive(src.task, src.h, dst, RVX_RIGHTS_ALL, 0)};
	return out;
}

static void build_tree(void)
{
	fx_setup();
	memset(&tr, 0, sizeof(tr));
	tr.obj = fx_object(RVX_OBJ_REGION, 100);
	tr.other = fx_object(RVX_OBJ_QUEUE, 200);
	tr.r.task = 0;
	tr.r.h = fx_mint(0, tr.obj, RVX_RIGHTS_ALL, 0);
	tr.c[0] = tr.r;
	for (uint32_t d = 1; d <= 8; d++)
		tr.c[d] = derive_ref(tr.c[d - 1], d % 3);
	tr.d5 = derive_ref(tr.c[4], 0);
	tr.b1 = derive_ref(tr.r, 2);
	tr.b2 = derive_ref(tr.b1, 1);
	tr.b3 = derive_ref(tr.b1, 0);
	tr.s.task = 2;
	tr.s.h = fx_mint(2, tr.obj, RVX_RIGHTS_ALL, 0);
	tr.s1 = derive_ref(tr.s, 0);
	tr.u.task = 1;
	tr.u.h = fx_mint(1, tr.other, RVX_RIGHTS_ALL, 0);
	tr.u1 = derive_ref(tr.u, 2);
}

static int check_ref(struct ref x)
{
	return rvx_cap_check(SP, x.task, x.h, RVX_OBJ_NONE, 0, NULL);
}

static uint32_t depth_of(struct ref x)
{
	struct rvx_cap_info info;

	cr_assert_eq(rvx_cap_lookup(SP, x.task, x.h, &info), 0);
	return info.depth;
}

/* Fill every free slot of every table and assert exactly `free[t]` fit. */
static void assert_free_slots_reusable(const int free_count[FX_TASKS])
{
	for (uint32_t t = 0; t < FX_TASKS; t++) {
		int minted = 0;
		rvx_handle_t h;

		while (rvx_cap_mint(SP, t, tr.other, RVX_RIGHT_READ, 0, &h) == 0) {
			cr_assert_eq(rvx_cap_check(SP, t, h, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL), 0);
			minted++;
		}
		cr_assert_eq(minted, free_count[t], "table %u: %d slots reusable, wanted %d", t,
			     minted, free_count[t]);
		cr_assert_eq(rvx_cap_table_used(SP, t), (int)FX_SLOTS);
	}
}

Test(cap_revoke, tree_built_as_drawn, .init = build_tree)
{
	for (uint32_t d = 0; d <= 8; d++)
		cr_assert_eq(depth_of(tr.c[d]), d);
	cr_assert_eq(depth_of(tr.d5), 5u);
	cr_assert_eq(depth_of(tr.b3), 2u);
	/* t0: r c3 c6 d5 b3 s1 = 6; t1: c1 c4 c7 b2 u = 5; t2: c2 c5 c8 b1 s u1 = 6 */
	cr_assert_eq(rvx_cap_table_used(SP, 0), 6);
	cr_assert_eq(rvx_cap_table_used(SP, 1), 5);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 6);
	rvx_handle_t h;
	FX_EXPECT_FAIL(-RVX_EDEPTH, rvx_cap_derive(SP, 2, tr.c[8].h, 3, RVX_RIGHT_READ, 0, &h));
}

Test(cap_revoke, root_removes_whole_subtree_across_three_tasks, .init = build_tree)
{
	/* before: r has 12 descendants in tasks 0, 1, 2 (see the drawing) */
	cr_assert_eq(rvx_cap_revoke(SP, tr.r.task, tr.r.h), 12);
	/* after: r alone and still live; s, s1, u, u1 untouched */
	cr_assert_eq(check_ref(tr.r), 0);
	cr_assert_eq(fx.slots[rvx_handle_index(tr.r.h)].first_child, RVX_CAP_LINK_NIL);
	for (uint32_t d = 1; d <= 8; d++)
		cr_assert_eq(check_ref(tr.c[d]), -RVX_ESTALE, "c%u", d);
	cr_assert_eq(check_ref(tr.d5), -RVX_ESTALE);
	cr_assert_eq(check_ref(tr.b1), -RVX_ESTALE);
	cr_assert_eq(check_ref(tr.b2), -RVX_ESTALE);
	cr_assert_eq(check_ref(tr.b3), -RVX_ESTALE);
	cr_assert_eq(check_ref(tr.s), 0);
	cr_assert_eq(check_ref(tr.s1), 0);
	cr_assert_eq(check_ref(tr.u), 0);
	cr_assert_eq(check_ref(tr.u1), 0);
	/* t0: r s1; t1: u; t2: s u1 */
	cr_assert_eq(rvx_cap_table_used(SP, 0), 2);
	cr_assert_eq(rvx_cap_table_used(SP, 1), 1);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 2);
	/* Freed slots are zeroed except for the generation and free-list link. */
	uint32_t g = 2 * FX_SLOTS + rvx_handle_index(tr.c[8].h);
	cr_assert_eq(fx.slots[g].gen, rvx_handle_gen(tr.c[8].h) + 1);
	cr_assert_eq(fx.slots[g].type, RVX_OBJ_NONE);
	cr_assert_eq(fx.slots[g].badge, 0u);
	cr_assert_eq(fx.slots[g].rights, 0);
	cr_assert_eq(fx.slots[g].parent, 0u);
	/* Revoking again finds nothing to remove. */
	cr_assert_eq(rvx_cap_revoke(SP, tr.r.task, tr.r.h), 0);
	/* r can derive again, to full depth. */
	struct ref x = tr.r;
	for (uint32_t d = 1; d <= 8; d++)
		x = derive_ref(x, (d + 1) % 3);
	cr_assert_eq(depth_of(x), 8u);
	cr_assert_eq(rvx_cap_revoke(SP, tr.r.task, tr.r.h), 8);
	const int free_count[FX_TASKS] = {14, 15, 14, 16};
	assert_free_slots_reusable(free_count);
}

Test(cap_revoke, middle_of_chain, .init = build_tree)
{
	/* before: c3 (t0, d3) has descendants c4..c8 and d5 */
	cr_assert_eq(rvx_cap_revoke(SP, tr.c[3].task, tr.c[3].h), 6);
	/* after: r, c1, c2, c3 and the b branch stay; c4..c8 and d5 are gone */
	for (uint32_t d = 0; d <= 3; d++)
		cr_assert_eq(check_ref(tr.c[d]), 0, "c%u", d);
	for (uint32_t d = 4; d <= 8; d++)
		cr_assert_eq(check_ref(tr.c[d]), -RVX_ESTALE, "c%u", d);
	cr_assert_eq(check_ref(tr.d5), -RVX_ESTALE);
	cr_assert_eq(check_ref(tr.b2), 0);
	cr_assert_eq(check_ref(tr.b3), 0);
	/* t0 lost c6 d5, t1 lost c4 c7, t2 lost c5 c8 */
	cr_assert_eq(rvx_cap_table_used(SP, 0), 4);
	cr_assert_eq(rvx_cap_table_used(SP, 1), 3);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 4);
	const int free_count[FX_TASKS] = {12, 13, 12, 16};
	assert_free_slots_reusable(free_count);
	/* The new occupants did not revive the old handles. */
	for (uint32_t d = 4; d <= 8; d++)
		cr_assert_eq(check_ref(tr.c[d]), -RVX_ESTALE, "c%u", d);
}

Test(cap_revoke, leaf_changes_nothing, .init = build_tree)
{
	struct fx_snap snap;

	fx_snap_take(&snap);
	cr_assert_eq(rvx_cap_revoke(SP, tr.c[8].task, tr.c[8].h), 0);
	fx_snap_assert_same(&snap, "revoke of a leaf");
}

Test(cap_revoke, einval, .init = build_tree)
{
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_revoke(SP, FX_TASKS, tr.r.h));
}

Test(cap_revoke, ebadcap, .init = build_tree)
{
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_revoke(SP, 0, rvx_handle_make(FX_SLOTS, 1)));
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_revoke(SP, 0, RVX_HANDLE_NULL));
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_revoke(SP, 3, tr.r.h));
}

Test(cap_revoke, estale, .init = build_tree)
{
	cr_assert_eq(rvx_cap_revoke(SP, tr.c[1].task, tr.c[1].h), 8);
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_revoke(SP, tr.c[2].task, tr.c[2].h));
}

Test(cap_revoke, erevoked, .init = build_tree)
{
	cr_assert_eq(rvx_cap_object_bump_epoch(SP, tr.obj), 0);
	FX_EXPECT_FAIL(-RVX_EREVOKED, rvx_cap_revoke(SP, tr.r.task, tr.r.h));
	/* The unrelated object's tree still works. */
	cr_assert_eq(rvx_cap_revoke(SP, tr.u.task, tr.u.h), 1);
}

Test(cap_revoke, erights_without_revoke_right, .init = build_tree)
{
	struct ref weak = {3, fx_derive(tr.r.task, tr.r.h, 3,
					RVX_RIGHTS_ALL & ~RVX_RIGHT_REVOKE, 0)};
	fx_derive(weak.task, weak.h, 3, RVX_RIGHT_READ, 0);
	FX_EXPECT_FAIL(-RVX_ERIGHTS, rvx_cap_revoke(SP, weak.task, weak.h));
}

Test(cap_delete, middle_capability_takes_its_subtree, .init = build_tree)
{
	/* before: c4 (t1, d4) under c3 (t0), with c5..c8 and d5 below */
	cr_assert_eq(rvx_cap_delete(SP, tr.c[4].task, tr.c[4].h), 6);
	/* after: c3 has no children, everything from c4 down is gone */
	cr_assert_eq(fx.slots[rvx_handle_index(tr.c[3].h)].first_child, RVX_CAP_LINK_NIL);
	cr_assert_eq(check_ref(tr.c[3]), 0);
	for (uint32_t d = 4; d <= 8; d++)
		cr_assert_eq(check_ref(tr.c[d]), -RVX_ESTALE, "c%u", d);
	cr_assert_eq(check_ref(tr.d5), -RVX_ESTALE);
	const int free_count[FX_TASKS] = {12, 13, 12, 16};
	assert_free_slots_reusable(free_count);
}

Test(cap_delete, unlinks_first_middle_and_last_sibling_across_tables)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 1);
	rvx_handle_t p = fx_mint(1, obj, RVX_RIGHTS_ALL, 0);
	rvx_handle_t x = fx_derive(1, p, 0, RVX_RIGHT_READ, 0);
	rvx_handle_t y = fx_derive(1, p, 2, RVX_RIGHT_READ, 0);
	rvx_handle_t z = fx_derive(1, p, 3, RVX_RIGHT_READ, 0);
	uint32_t pg = FX_SLOTS + rvx_handle_index(p);
	uint32_t xg = rvx_handle_index(x);
	uint32_t zg = 3 * FX_SLOTS + rvx_handle_index(z);

	/* before: p's children, newest first: z (t3), y (t2), x (t0) */
	cr_assert_eq(rvx_cap_delete(SP, 2, y), 1);
	/* after: z <-> x */
	cr_assert_eq(fx.slots[pg].first_child, zg);
	cr_assert_eq(fx.slots[zg].next_sibling, xg);
	cr_assert_eq(fx.slots[xg].prev_sibling, zg);

	cr_assert_eq(rvx_cap_delete(SP, 3, z), 1);
	/* after: x alone, first child */
	cr_assert_eq(fx.slots[pg].first_child, xg);
	cr_assert_eq(fx.slots[xg].prev_sibling, RVX_CAP_LINK_NIL);
	cr_assert_eq(fx.slots[xg].next_sibling, RVX_CAP_LINK_NIL);

	rvx_handle_t w = fx_derive(1, p, 2, RVX_RIGHT_READ, 0);
	uint32_t wg = 2 * FX_SLOTS + rvx_handle_index(w);
	/* before: w, x; delete the last one */
	cr_assert_eq(rvx_cap_delete(SP, 0, x), 1);
	cr_assert_eq(fx.slots[pg].first_child, wg);
	cr_assert_eq(fx.slots[wg].next_sibling, RVX_CAP_LINK_NIL);
	cr_assert_eq(rvx_cap_delete(SP, 2, w), 1);
	cr_assert_eq(fx.slots[pg].first_child, RVX_CAP_LINK_NIL);
	cr_assert_eq(rvx_cap_check(SP, 1, p, RVX_OBJ_QUEUE, RVX_RIGHTS_ALL, NULL), 0);
	cr_assert_eq(rvx_cap_table_used(SP, 1), 1);
	cr_assert_eq(rvx_cap_table_used(SP, 0) + rvx_cap_table_used(SP, 2) +
			     rvx_cap_table_used(SP, 3),
		     0);
}

Test(cap_delete, root_needs_no_rights_and_reclaims_dead_caps, .init = build_tree)
{
	/* A capability with no rights at all can still be dropped. */
	rvx_handle_t bare = fx_mint(3, tr.obj, 0, 0);
	cr_assert_eq(rvx_cap_delete(SP, 3, bare), 1);
	/* Kill every capability to obj through the epoch: they stay as dead entries. */
	cr_assert_eq(rvx_cap_object_bump_epoch(SP, tr.obj), 0);
	cr_assert_eq(check_ref(tr.c[5]), -RVX_EREVOKED);
	cr_assert_eq(rvx_cap_table_used(SP, 0), 6);
	/* Deleting the dead root reclaims the dead tree: r and its 12 descendants. */
	cr_assert_eq(rvx_cap_delete(SP, tr.r.task, tr.r.h), 13);
	cr_assert_eq(rvx_cap_delete(SP, tr.s.task, tr.s.h), 2);
	cr_assert_eq(check_ref(tr.u1), 0);
	const int free_count[FX_TASKS] = {16, 15, 15, 16};
	assert_free_slots_reusable(free_count);
}

Test(cap_delete, einval, .init = build_tree)
{
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_delete(SP, FX_TASKS, tr.r.h));
}

Test(cap_delete, ebadcap, .init = build_tree)
{
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_delete(SP, 0, rvx_handle_make(FX_SLOTS, 1)));
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_delete(SP, 0, rvx_handle_make(3, 0)));
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_delete(SP, 3, rvx_handle_make(0, 1)));
}

Test(cap_delete, estale, .init = build_tree)
{
	cr_assert_eq(rvx_cap_delete(SP, tr.b1.task, tr.b1.h), 3);
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_delete(SP, tr.b1.task, tr.b1.h));
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_delete(SP, tr.b3.task, tr.b3.h));
}
