/* SPDX-License-Identifier: Apache-2.0 */
/* cap_derive: rvx_cap_derive (narrowing, GRANT_ONCE, badges, depth). */
#include "cap_fixture.h"

TestSuite(cap_derive, .init = fx_setup);

#define R_RW (RVX_RIGHT_READ | RVX_RIGHT_WRITE)
#define R_G RVX_RIGHT_GRANT
#define R_G1 RVX_RIGHT_GRANT_ONCE

static const struct rvx_cap_slot *slot_of(uint32_t task, rvx_handle_t h)
{
	return &fx.slots[task * FX_SLOTS + rvx_handle_index(h)];
}

Test(cap_derive, success_into_other_and_same_table)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_REGION, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);
	rvx_handle_t a = fx_derive(0, root, 2, R_RW | R_G, 0);
	rvx_handle_t b = fx_derive(0, root, 0, RVX_RIGHT_READ, 0);
	uint32_t root_g = rvx_handle_index(root);
	uint32_t a_g = 2 * FX_SLOTS + rvx_handle_index(a);
	uint32_t b_g = rvx_handle_index(b);

	/* after: root (t0) has children b (t0, newest first) and a (t2) */
	cr_assert_eq(rvx_cap_check(SP, 2, a, RVX_OBJ_REGION, R_RW | R_G, NULL), 0);
	cr_assert_eq(rvx_cap_check(SP, 2, a, RVX_OBJ_REGION, RVX_RIGHT_REVOKE, NULL), -RVX_ERIGHTS);
	cr_assert_eq(rvx_cap_check(SP, 0, b, RVX_OBJ_REGION, RVX_RIGHT_READ, NULL), 0);
	cr_assert_eq(slot_of(2, a)->depth, 1);
	cr_assert_eq(slot_of(2, a)->parent, root_g);
	cr_assert_eq(slot_of(2, a)->epoch, slot_of(0, root)->epoch);
	cr_assert_eq(slot_of(2, a)->object, slot_of(0, root)->object);
	cr_assert_eq(fx.slots[root_g].first_child, b_g);
	cr_assert_eq(fx.slots[b_g].next_sibling, a_g);
	cr_assert_eq(fx.slots[a_g].prev_sibling, b_g);
	cr_assert_eq(fx.slots[a_g].next_sibling, RVX_CAP_LINK_NIL);
	cr_assert_eq(rvx_cap_table_used(SP, 0), 2);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 1);
	/* A child can itself grant when it holds GRANT. */
	rvx_handle_t c = fx_derive(2, a, 1, RVX_RIGHT_WRITE, 0);
	cr_assert_eq(slot_of(1, c)->depth, 2);
	/* Zero rights are a subset of anything. */
	fx_derive(2, a, 3, 0, 0);
}

Test(cap_derive, grant_once_child_cannot_grant)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHT_READ | R_G1, 0);
	rvx_handle_t h;

	/* The request may include GRANT_ONCE; the child loses it. */
	rvx_handle_t child = fx_derive(0, root, 1, RVX_RIGHT_READ | R_G1, 0);
	cr_assert_eq(slot_of(1, child)->rights, RVX_RIGHT_READ);
	FX_EXPECT_FAIL(-RVX_ECANTGRANT, rvx_cap_derive(SP, 1, child, 2, RVX_RIGHT_READ, 0, &h));
	FX_EXPECT_FAIL(-RVX_ECANTGRANT, rvx_cap_derive(SP, 1, child, 2, 0, 0, &h));
	/* The source itself may grant more than once; each child is terminal. */
	rvx_handle_t second = fx_derive(0, root, 2, R_G1, 0);
	cr_assert_eq(slot_of(2, second)->rights, 0);
	/* GRANT cannot be asked for when the source lacks it. */
	FX_EXPECT_FAIL(-RVX_ERIGHTS, rvx_cap_derive(SP, 0, root, 1, R_G, 0, &h));
}

Test(cap_derive, grant_and_grant_once_together_keep_the_request)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHT_READ | R_G | R_G1, 0);
	rvx_handle_t once = fx_derive(0, root, 1, RVX_RIGHT_READ | R_G1, 0);
	rvx_handle_t both = fx_derive(0, root, 1, RVX_RIGHT_READ | R_G | R_G1, 0);

	cr_assert_eq(slot_of(1, once)->rights, RVX_RIGHT_READ | R_G1);
	cr_assert_eq(slot_of(1, both)->rights, RVX_RIGHT_READ | R_G | R_G1);
	rvx_handle_t end = fx_derive(1, once, 2, RVX_RIGHT_READ | R_G1, 0);
	cr_assert_eq(slot_of(2, end)->rights, RVX_RIGHT_READ);
}

Test(cap_derive, badges)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t plain = fx_mint(0, obj, R_RW | R_G, 0);
	rvx_handle_t h;

	/* An unbadged source may badge its child; 0 keeps it unbadged. */
	rvx_handle_t badged = fx_derive(0, plain, 1, R_RW | R_G, 0x1111);
	rvx_handle_t unbadged = fx_derive(0, plain, 1, R_RW, 0);
	cr_assert_eq(slot_of(1, badged)->badge, 0x1111u);
	cr_assert_eq(slot_of(1, unbadged)->badge, 0u);
	/* A badged source's children carry its badge, asked for or not. */
	rvx_handle_t inherit = fx_derive(1, badged, 2, R_RW | R_G, 0);
	rvx_handle_t same = fx_derive(1, badged, 2, R_RW, 0x1111);
	cr_assert_eq(slot_of(2, inherit)->badge, 0x1111u);
	cr_assert_eq(slot_of(2, same)->badge, 0x1111u);
	rvx_handle_t grand = fx_derive(2, inherit, 3, RVX_RIGHT_READ, 0);
	struct rvx_cap_target tgt;
	cr_assert_eq(rvx_cap_check(SP, 3, grand, RVX_OBJ_QUEUE, RVX_RIGHT_READ, &tgt), 0);
	cr_assert_eq(tgt.badge, 0x1111u);
	/* Rebadging is not permitted. */
	FX_EXPECT_FAIL(-RVX_EPERM, rvx_cap_derive(SP, 1, badged, 2, RVX_RIGHT_READ, 0x2222, &h));
	FX_EXPECT_FAIL(-RVX_EPERM, rvx_cap_derive(SP, 2, inherit, 3, RVX_RIGHT_READ, 1, &h));
}

Test(cap_derive, depth_limit)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_TASK, 3);
	rvx_handle_t h = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);
	uint32_t task = 0;
	rvx_handle_t out;

	for (uint32_t d = 1; d <= RVX_CONFIG_CAP_MAX_DEPTH; d++) {
		uint32_t next = d % FX_TASKS;

		h = fx_derive(task, h, next, RVX_RIGHTS_ALL, 0);
		task = next;
		cr_assert_eq(slot_of(task, h)->depth, d);
	}
	FX_EXPECT_FAIL(-RVX_EDEPTH, rvx_cap_derive(SP, task, h, 0, RVX_RIGHT_READ, 0, &out));
	FX_EXPECT_FAIL(-RVX_EDEPTH, rvx_cap_derive(SP, task, h, task, 0, 0, &out));
}

Test(cap_derive, einval)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);
	rvx_handle_t h;

	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_derive(SP, FX_TASKS, root, 1, RVX_RIGHT_READ, 0, &h));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_derive(SP, 0, root, FX_TASKS, RVX_RIGHT_READ, 0, &h));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ, 0, NULL));
}

Test(cap_derive, ebadcap)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);
	rvx_handle_t h;

	FX_EXPECT_FAIL(-RVX_EBADCAP,
		       rvx_cap_derive(SP, 0, rvx_handle_make(FX_SLOTS, 1), 1, RVX_RIGHT_READ, 0, &h));
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_derive(SP, 0, RVX_HANDLE_NULL, 1, RVX_RIGHT_READ, 0, &h));
	FX_EXPECT_FAIL(-RVX_EBADCAP,
		       rvx_cap_derive(SP, 0, rvx_handle_make(1, 1), 1, RVX_RIGHT_READ, 0, &h));
	/* A task cannot use another table's capability. */
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_derive(SP, 1, root, 1, RVX_RIGHT_READ, 0, &h));
}

Test(cap_derive, estale)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);
	rvx_handle_t h;

	cr_assert_eq(rvx_cap_delete(SP, 0, root), 1);
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ, 0, &h));
}

Test(cap_derive, erevoked)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);
	rvx_handle_t h;

	cr_assert_eq(rvx_cap_object_bump_epoch(SP, obj), 0);
	FX_EXPECT_FAIL(-RVX_EREVOKED, rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ, 0, &h));
}

Test(cap_derive, ecantgrant)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHTS_ALL & ~(R_G | R_G1), 0);
	rvx_handle_t h;

	FX_EXPECT_FAIL(-RVX_ECANTGRANT, rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ, 0, &h));
	/* Checked before amplification. */
	FX_EXPECT_FAIL(-RVX_ECANTGRANT, rvx_cap_derive(SP, 0, root, 1, RVX_RIGHTS_ALL, 0, &h));
}

Test(cap_derive, erights_on_amplification)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHT_READ | R_G, 0);
	rvx_handle_t h;

	FX_EXPECT_FAIL(-RVX_ERIGHTS, rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_WRITE, 0, &h));
	FX_EXPECT_FAIL(-RVX_ERIGHTS, rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ | 0x80, 0, &h));
	FX_EXPECT_FAIL(-RVX_ERIGHTS, rvx_cap_derive(SP, 0, root, 1, RVX_RIGHTS_ALL, 0, &h));
	/* A narrowed child cannot widen again through its own children. */
	rvx_handle_t child = fx_derive(0, root, 1, R_G, 0);
	FX_EXPECT_FAIL(-RVX_ERIGHTS, rvx_cap_derive(SP, 1, child, 2, RVX_RIGHT_READ, 0, &h));
}

Test(cap_derive, elimit_when_destination_full)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 3);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);
	rvx_handle_t h;

	for (uint32_t i = 0; i < FX_SLOTS; i++)
		fx_derive(0, root, 3, RVX_RIGHT_READ, 0);
	FX_EXPECT_FAIL(-RVX_ELIMIT, rvx_cap_derive(SP, 0, root, 3, RVX_RIGHT_READ, 0, &h));
	for (uint32_t i = 1; i < FX_SLOTS; i++)
		fx_derive(0, root, 0, RVX_RIGHT_READ, 0);
	FX_EXPECT_FAIL(-RVX_ELIMIT, rvx_cap_derive(SP, 0, root, 0, RVX_RIGHT_READ, 0, &h));
	cr_assert_eq(rvx_cap_table_used(SP, 0), (int)FX_SLOTS);
	cr_assert_eq(rvx_cap_table_used(SP, 3), (int)FX_SLOTS);
}
