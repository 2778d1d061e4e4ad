/* SPDX-License-Identifier: Apache-2.0 */
/* cap_object: rvx_cap_object_create, _bump_epoch and _destroy. */
#include "cap_fixture.h"

TestSuite(cap_object, .init = fx_setup);

Test(cap_object, create_success)
{
	rvx_handle_t a = fx_object(RVX_OBJ_REGION, 0x1234);
	rvx_handle_t b = fx_object(RVX_OBJ_DEVICE_LEASE, 7);

	cr_assert_eq(rvx_handle_index(a), 0u);
	cr_assert_eq(rvx_handle_gen(a), 1u);
	cr_assert_eq(rvx_handle_index(b), 1u);
	cr_assert_eq(fx.objects[0].type, RVX_OBJ_REGION);
	cr_assert_eq(fx.objects[0].ref, 0x1234u);
	cr_assert_eq(fx.objects[1].type, RVX_OBJ_DEVICE_LEASE);
	cr_assert_eq(fx.space.object_used, 2u);
}

Test(cap_object, create_einval)
{
	rvx_handle_t h;

	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_object_create(SP, RVX_OBJ_NONE, 1, &h));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_object_create(SP, RVX_OBJ_TYPE_COUNT, 1, &h));
	FX_EXPECT_FAIL(-RVX_EINVAL,
		       rvx_cap_object_create(SP, (enum rvx_obj_type)(RVX_OBJ_TASK + 256), 1, &h));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_object_create(SP, RVX_OBJ_TASK, 1, NULL));
}

Test(cap_object, create_elimit_when_registry_full)
{
	rvx_handle_t h;

	for (uint32_t i = 0; i < FX_OBJECTS; i++)
		fx_object(RVX_OBJ_QUEUE, i);
	FX_EXPECT_FAIL(-RVX_ELIMIT, rvx_cap_object_create(SP, RVX_OBJ_QUEUE, 99, &h));
	/* Freeing one entry makes room again. */
	cr_assert_eq(rvx_cap_object_destroy(SP, rvx_handle_make(3, 1)), 0);
	cr_assert_eq(rvx_cap_object_create(SP, RVX_OBJ_QUEUE, 99, &h), 0);
	cr_assert_eq(rvx_handle_index(h), 3u);
	cr_assert_eq(rvx_handle_gen(h), 2u);
}

Test(cap_object, bump_epoch_kills_every_capability_at_once)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 5);
	rvx_handle_t other = fx_object(RVX_OBJ_QUEUE, 6);
	rvx_handle_t root = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);
	rvx_handle_t child = fx_derive(0, root, 1, RVX_RIGHT_READ | RVX_RIGHT_GRANT, 0);
	rvx_handle_t grandchild = fx_derive(1, child, 2, RVX_RIGHT_READ, 0);
	rvx_handle_t unrelated = fx_mint(0, other, RVX_RIGHT_READ, 0);

	/* before: root (t0) -> child (t1) -> grandchild (t2), all live */
	cr_assert_eq(rvx_cap_check(SP, 2, grandchild, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL), 0);
	cr_assert_eq(rvx_cap_object_bump_epoch(SP, obj), 0);
	/* after: the three are dead but still occupy their slots */
	cr_assert_eq(rvx_cap_check(SP, 0, root, RVX_OBJ_NONE, 0, NULL), -RVX_EREVOKED);
	cr_assert_eq(rvx_cap_check(SP, 1, child, RVX_OBJ_NONE, 0, NULL), -RVX_EREVOKED);
	cr_assert_eq(rvx_cap_check(SP, 2, grandchild, RVX_OBJ_NONE, 0, NULL), -RVX_EREVOKED);
	cr_assert_eq(rvx_cap_table_used(SP, 0), 2);
	cr_assert_eq(rvx_cap_table_used(SP, 1), 1);
	cr_assert_eq(rvx_cap_check(SP, 0, unrelated, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL), 0);
	/* The object itself lives on: a fresh mint is live. */
	rvx_handle_t fresh = fx_mint(3, obj, RVX_RIGHT_READ, 0);
	cr_assert_eq(rvx_cap_check(SP, 3, fresh, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL), 0);
	/* Deleting the dead root reclaims the dead tree. */
	cr_assert_eq(rvx_cap_delete(SP, 0, root), 3);
	cr_assert_eq(rvx_cap_table_used(SP, 0), 1);
	cr_assert_eq(rvx_cap_table_used(SP, 1), 0);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 0);
}

Test(cap_object, bump_epoch_enoent)
{
	fx_object(RVX_OBJ_QUEUE, 5);
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_object_bump_epoch(SP, rvx_handle_make(FX_OBJECTS, 1)));
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_object_bump_epoch(SP, rvx_handle_make(0, 0)));
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_object_bump_epoch(SP, RVX_HANDLE_NULL));
	/* entry 1 was never used: a forged handle with its generation names nothing */
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_object_bump_epoch(SP, rvx_handle_make(1, 1)));
}

Test(cap_object, bump_epoch_estale)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 5);

	cr_assert_eq(rvx_cap_object_destroy(SP, obj), 0);
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_object_bump_epoch(SP, obj));
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_object_bump_epoch(SP, rvx_handle_make(0, 7)));
}

Test(cap_object, destroy_success_and_reuse_never_revives_old_caps)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_REGION, 5);
	rvx_handle_t cap = fx_mint(0, obj, RVX_RIGHT_READ, 0);
	uint32_t epoch = fx.objects[0].epoch;

	cr_assert_eq(rvx_cap_object_destroy(SP, obj), 0);
	cr_assert_eq(fx.objects[0].type, RVX_OBJ_NONE);
	cr_assert_eq(fx.objects[0].epoch, epoch + 1, "destroy moves the epoch on");
	cr_assert_eq(fx.space.object_used, 0u);
	cr_assert_eq(rvx_cap_check(SP, 0, cap, RVX_OBJ_NONE, 0, NULL), -RVX_EREVOKED);

	/* A new object in the same entry: new generation, epoch not reset. */
	rvx_handle_t again = fx_object(RVX_OBJ_REGION, 6);
	cr_assert_eq(rvx_handle_index(again), 0u);
	cr_assert_eq(rvx_handle_gen(again), 2u);
	cr_assert_eq(fx.objects[0].epoch, epoch + 1);
	cr_assert_eq(rvx_cap_check(SP, 0, cap, RVX_OBJ_REGION, RVX_RIGHT_READ, NULL),
		     -RVX_EREVOKED, "an old capability must not name the new object");
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_mint(SP, 0, obj, RVX_RIGHT_READ, 0, &cap));
	rvx_handle_t newcap = fx_mint(0, again, RVX_RIGHT_READ, 0);
	struct rvx_cap_target tgt;
	cr_assert_eq(rvx_cap_check(SP, 0, newcap, RVX_OBJ_REGION, RVX_RIGHT_READ, &tgt), 0);
	cr_assert_eq(tgt.ref, 6u);
}

Test(cap_object, destroy_enoent)
{
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_object_destroy(SP, rvx_handle_make(0, 1)));
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_object_destroy(SP, rvx_handle_make(FX_OBJECTS + 3, 1)));
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_object_destroy(SP, RVX_HANDLE_NULL));
}

Test(cap_object, destroy_estale)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_REGION, 5);

	cr_assert_eq(rvx_cap_object_destroy(SP, obj), 0);
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_object_destroy(SP, obj));
	fx_object(RVX_OBJ_REGION, 6); /* reuses entry 0 with generation 2 */
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_object_destroy(SP, obj));
}

Test(cap_object, epoch_wrap_deletes_every_capability_to_the_entry)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 5);
	rvx_handle_t other = fx_object(RVX_OBJ_QUEUE, 6);

	/* Pretend the entry has been bumped 2^32 - 2 times. */
	fx.objects[0].epoch = UINT32_MAX - 1;
	rvx_handle_t old = fx_mint(0, obj, RVX_RIGHTS_ALL, 0);      /* snapshot MAX-1 */
	rvx_handle_t old_child = fx_derive(0, old, 1, RVX_RIGHT_READ, 0);
	cr_assert_eq(rvx_cap_object_bump_epoch(SP, obj), 0);        /* epoch MAX */
	rvx_handle_t newer = fx_mint(2, obj, RVX_RIGHTS_ALL, 0);    /* snapshot MAX */
	rvx_handle_t keep = fx_mint(2, other, RVX_RIGHT_READ, 0);
	cr_assert_eq(rvx_cap_check(SP, 0, old, RVX_OBJ_NONE, 0, NULL), -RVX_EREVOKED);
	cr_assert_eq(rvx_cap_check(SP, 2, newer, RVX_OBJ_NONE, 0, NULL), 0);

	/* before: dead old (t0) -> old_child (t1); live newer (t2); keep (t2) */
	cr_assert_eq(rvx_cap_object_bump_epoch(SP, obj), 0);        /* wraps to 0 */
	/* after: every capability to entry 0 is gone; keep survives */
	cr_assert_eq(fx.objects[0].epoch, 0u);
	cr_assert_eq(rvx_cap_check(SP, 0, old, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_cap_check(SP, 1, old_child, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_cap_check(SP, 2, newer, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_cap_check(SP, 2, keep, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL), 0);
	cr_assert_eq(rvx_cap_table_used(SP, 0), 0);
	cr_assert_eq(rvx_cap_table_used(SP, 1), 0);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 1);
	for (uint32_t g = 0; g < FX_TASKS * FX_SLOTS; g++)
		cr_assert(fx.slots[g].type == RVX_OBJ_NONE || fx.slots[g].object != 0);
}
