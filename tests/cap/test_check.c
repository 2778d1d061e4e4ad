/* SPDX-License-Identifier: Apache-2.0 */
/* cap_check and cap_lookup: the read-only calls. */
#include "cap_fixture.h"

TestSuite(cap_check, .init = fx_setup);
TestSuite(cap_lookup, .init = fx_setup);

static rvx_handle_t obj;
static rvx_handle_t cap; /* task 1: QUEUE, READ|WRITE|GRANT, badge 77 */

static void setup_one(void)
{
	fx_setup();
	obj = fx_object(RVX_OBJ_QUEUE, 0xabcd);
	fx_mint(1, obj, RVX_RIGHT_READ, 0); /* occupy slot 0 so cap is not at index 0 */
	cap = fx_mint(1, obj, RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT, 77);
}

/* The check must fail with err, change nothing, and leave *out unwritten. */
static void check_fails(int err, uint32_t task, rvx_handle_t h, enum rvx_obj_type type,
			rvx_rights_t rights)
{
	struct rvx_cap_target tgt;
	struct rvx_cap_target untouched;

	memset(&tgt, 0x3c, sizeof(tgt));
	memcpy(&untouched, &tgt, sizeof(tgt));
	FX_EXPECT_FAIL(err, rvx_cap_check(SP, task, h, type, rights, &tgt));
	cr_assert(memcmp(&tgt, &untouched, sizeof(tgt)) == 0, "failed check wrote *out");
	FX_EXPECT_FAIL(err, rvx_cap_check(SP, task, h, type, rights, NULL));
}

Test(cap_check, success, .init = setup_one)
{
	struct rvx_cap_target tgt;
	struct fx_snap snap;

	fx_snap_take(&snap);
	memset(&tgt, 0, sizeof(tgt));
	cr_assert_eq(rvx_cap_check(SP, 1, cap, RVX_OBJ_QUEUE, RVX_RIGHT_READ | RVX_RIGHT_WRITE,
				   &tgt),
		     0);
	cr_assert_eq(tgt.badge, 77u);
	cr_assert_eq(tgt.object, rvx_handle_index(obj));
	cr_assert_eq(tgt.ref, 0xabcdu);
	cr_assert_eq(rvx_cap_check(SP, 1, cap, RVX_OBJ_NONE, 0, NULL), 0, "any type, no rights");
	cr_assert_eq(rvx_cap_check(SP, 1, cap, RVX_OBJ_QUEUE, RVX_RIGHT_GRANT, NULL), 0);
	fx_snap_assert_same(&snap, "rvx_cap_check");
}

Test(cap_check, einval_task, .init = setup_one)
{
	check_fails(-RVX_EINVAL, FX_TASKS, cap, RVX_OBJ_NONE, 0);
	check_fails(-RVX_EINVAL, UINT32_MAX, cap, RVX_OBJ_NONE, 0);
}

Test(cap_check, ebadcap, .init = setup_one)
{
	check_fails(-RVX_EBADCAP, 1, rvx_handle_make(FX_SLOTS, 1), RVX_OBJ_NONE, 0);
	check_fails(-RVX_EBADCAP, 1, rvx_handle_make(UINT32_MAX, 1), RVX_OBJ_NONE, 0);
	check_fails(-RVX_EBADCAP, 1, RVX_HANDLE_NULL, RVX_OBJ_NONE, 0);
	check_fails(-RVX_EBADCAP, 1, rvx_handle_make(rvx_handle_index(cap), 0), RVX_OBJ_NONE, 0);
	/* A forged handle carrying the generation an empty slot will hand out next. */
	check_fails(-RVX_EBADCAP, 1, rvx_handle_make(5, 1), RVX_OBJ_NONE, 0);
	/* Another task's table: task 0 has nothing at that index. */
	check_fails(-RVX_EBADCAP, 0, cap, RVX_OBJ_NONE, 0);
}

Test(cap_check, estale, .init = setup_one)
{
	cr_assert_eq(rvx_cap_delete(SP, 1, cap), 1);
	check_fails(-RVX_ESTALE, 1, cap, RVX_OBJ_NONE, 0);
	/* Reused slot: the old handle still fails, the new one works. */
	rvx_handle_t again = fx_mint(1, obj, RVX_RIGHT_READ, 0);
	cr_assert_eq(rvx_handle_index(again), rvx_handle_index(cap));
	check_fails(-RVX_ESTALE, 1, cap, RVX_OBJ_NONE, 0);
	check_fails(-RVX_ESTALE, 1, rvx_handle_make(rvx_handle_index(again), 99), RVX_OBJ_NONE, 0);
	cr_assert_eq(rvx_cap_check(SP, 1, again, RVX_OBJ_NONE, RVX_RIGHT_READ, NULL), 0);
}

Test(cap_check, erevoked, .init = setup_one)
{
	cr_assert_eq(rvx_cap_object_bump_epoch(SP, obj), 0);
	check_fails(-RVX_EREVOKED, 1, cap, RVX_OBJ_QUEUE, RVX_RIGHT_READ);
	check_fails(-RVX_EREVOKED, 1, cap, RVX_OBJ_NONE, 0);
}

Test(cap_check, etype, .init = setup_one)
{
	check_fails(-RVX_ETYPE, 1, cap, RVX_OBJ_REGION, RVX_RIGHT_READ);
	check_fails(-RVX_ETYPE, 1, cap, RVX_OBJ_TYPE_COUNT, 0);
	/* A type that would alias QUEUE if truncated to the slot's byte. */
	check_fails(-RVX_ETYPE, 1, cap, (enum rvx_obj_type)(RVX_OBJ_QUEUE + 256), 0);
}

/* The order of the checks decides the error when several fail: occupancy,
 * then epoch, then type, then rights, whichever type is asked for (the
 * check tests the asked-for type first, so each order is pinned here). */
Test(cap_check, order_of_errors, .init = setup_one)
{
	/* An empty slot with a forged generation: EBADCAP, not ETYPE. */
	check_fails(-RVX_EBADCAP, 1, rvx_handle_make(5, 1), RVX_OBJ_QUEUE, RVX_RIGHT_READ);
	check_fails(-RVX_EBADCAP, 1, rvx_handle_make(5, 1), RVX_OBJ_REGION, RVX_RIGHT_READ);
	/* Wrong type and missing rights: ETYPE. */
	check_fails(-RVX_ETYPE, 1, cap, RVX_OBJ_REGION, RVX_RIGHT_EXECUTE);
	/* Revoked, of the wrong type, lacking rights: EREVOKED. */
	cr_assert_eq(rvx_cap_object_bump_epoch(SP, obj), 0);
	check_fails(-RVX_EREVOKED, 1, cap, RVX_OBJ_REGION, RVX_RIGHT_READ);
	check_fails(-RVX_EREVOKED, 1, cap, RVX_OBJ_REGION, RVX_RIGHT_EXECUTE);
	check_fails(-RVX_EREVOKED, 1, cap, RVX_OBJ_QUEUE, RVX_RIGHT_EXECUTE);
	check_fails(-RVX_EREVOKED, 1, cap, (enum rvx_obj_type)(RVX_OBJ_QUEUE + 256), 0);
}

/* rvx_cap_check_at_(), the checks after the task's bound on the space's
 * arrays (an embedder with a constant table size uses it): the same
 * answers as rvx_cap_check() for a task in range. */
Test(cap_check, at_matches_check, .init = setup_one)
{
	const enum rvx_obj_type types[] = {RVX_OBJ_NONE, RVX_OBJ_QUEUE, RVX_OBJ_REGION};
	const rvx_rights_t rights[] = {0, RVX_RIGHT_READ, RVX_RIGHT_EXECUTE};
	const rvx_handle_t handles[] = {cap, rvx_handle_make(5, 1), rvx_handle_make(FX_SLOTS, 1),
					rvx_handle_make(rvx_handle_index(cap), 0),
					rvx_handle_make(rvx_handle_index(cap), 9)};

	for (int round = 0; round < 2; round++) {
		for (size_t h = 0; h < RVX_ARRAY_COUNT(handles); h++)
			for (size_t t = 0; t < RVX_ARRAY_COUNT(types); t++)
				for (size_t r = 0; r < RVX_ARRAY_COUNT(rights); r++) {
					struct rvx_cap_target a, b;
					int ra, rb;

					memset(&a, 0x5a, sizeof(a));
					memset(&b, 0x5a, sizeof(b));
					ra = rvx_cap_check(SP, 1, handles[h], types[t], rights[r], &a);
					rb = rvx_cap_check_at_(SP->slots, SP->objects,
							       SP->slots_per_table, 1, handles[h],
							       types[t], rights[r], &b);
					cr_assert_eq(ra, rb, "handle %zu type %zu rights %zu", h, t,
						     r);
					cr_assert(memcmp(&a, &b, sizeof(a)) == 0);
				}
		/* and again with the capability revoked */
		cr_assert_eq(rvx_cap_object_bump_epoch(SP, obj), 0);
	}
}

Test(cap_check, erights, .init = setup_one)
{
	check_fails(-RVX_ERIGHTS, 1, cap, RVX_OBJ_QUEUE, RVX_RIGHT_EXECUTE);
	check_fails(-RVX_ERIGHTS, 1, cap, RVX_OBJ_QUEUE, RVX_RIGHT_READ | RVX_RIGHT_REVOKE);
	check_fails(-RVX_ERIGHTS, 1, cap, RVX_OBJ_NONE, 0x100);
	check_fails(-RVX_ERIGHTS, 1, cap, RVX_OBJ_NONE, RVX_RIGHTS_ALL);
}

Test(cap_lookup, success, .init = setup_one)
{
	struct rvx_cap_info info;
	struct fx_snap snap;

	rvx_handle_t child = fx_derive(1, cap, 3, RVX_RIGHT_READ, 0);
	fx_snap_take(&snap);
	memset(&info, 0xee, sizeof(info));
	cr_assert_eq(rvx_cap_lookup(SP, 1, cap, &info), 0);
	cr_assert_eq(info.handle.raw, cap.raw);
	cr_assert_eq(info.object.raw, obj.raw);
	cr_assert_eq(info.object_ref, 0xabcdu);
	cr_assert_eq(info.badge, 77u);
	cr_assert_eq(info.rights, RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT);
	cr_assert_eq(info.type, RVX_OBJ_QUEUE);
	cr_assert_eq(info.depth, 0u);
	cr_assert_eq(info.parent_task, RVX_CAP_NIL);
	cr_assert_eq(info.parent_slot, RVX_CAP_NIL);
	cr_assert(!info.revoked);

	cr_assert_eq(rvx_cap_lookup(SP, 3, child, &info), 0);
	cr_assert_eq(info.handle.raw, child.raw);
	cr_assert_eq(info.badge, 77u, "badge travels with the child");
	cr_assert_eq(info.rights, RVX_RIGHT_READ);
	cr_assert_eq(info.depth, 1u);
	cr_assert_eq(info.parent_task, 1u);
	cr_assert_eq(info.parent_slot, rvx_handle_index(cap));
	fx_snap_assert_same(&snap, "rvx_cap_lookup");
}

Test(cap_lookup, einval, .init = setup_one)
{
	struct rvx_cap_info info;

	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_lookup(SP, FX_TASKS, cap, &info));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_lookup(SP, 1, cap, NULL));
}

Test(cap_lookup, ebadcap, .init = setup_one)
{
	struct rvx_cap_info info;

	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_lookup(SP, 1, rvx_handle_make(FX_SLOTS, 1), &info));
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_lookup(SP, 1, RVX_HANDLE_NULL, &info));
	FX_EXPECT_FAIL(-RVX_EBADCAP, rvx_cap_lookup(SP, 1, rvx_handle_make(9, 1), &info));
}

Test(cap_lookup, estale, .init = setup_one)
{
	struct rvx_cap_info info;

	cr_assert_eq(rvx_cap_delete(SP, 1, cap), 1);
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_lookup(SP, 1, cap, &info));
}

Test(cap_lookup, erevoked, .init = setup_one)
{
	struct rvx_cap_info info;

	cr_assert_eq(rvx_cap_object_destroy(SP, obj), 0);
	FX_EXPECT_FAIL(-RVX_EREVOKED, rvx_cap_lookup(SP, 1, cap, &info));
}
