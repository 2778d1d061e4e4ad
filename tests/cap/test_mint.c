/* SPDX-License-Identifier: Apache-2.0 */
/* cap_mint: rvx_cap_mint. */
#include "cap_fixture.h"

TestSuite(cap_mint, .init = fx_setup);

Test(cap_mint, success)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_VECTOR_STORE, 42);
	rvx_handle_t cap = fx_mint(2, obj, RVX_RIGHT_READ | RVX_RIGHT_PROVE, 0xbadbadull);
	const struct rvx_cap_slot *s = &fx.slots[2 * FX_SLOTS + rvx_handle_index(cap)];
	struct rvx_cap_info info;

	cr_assert_eq(rvx_handle_index(cap), 0u);
	cr_assert_eq(rvx_handle_gen(cap), 1u);
	cr_assert_eq(s->type, RVX_OBJ_VECTOR_STORE);
	cr_assert_eq(s->rights, RVX_RIGHT_READ | RVX_RIGHT_PROVE);
	cr_assert_eq(s->depth, 0);
	cr_assert_eq(s->badge, 0xbadbadull);
	cr_assert_eq(s->parent, RVX_CAP_LINK_NIL);
	cr_assert_eq(s->first_child, RVX_CAP_LINK_NIL);
	cr_assert_eq(rvx_cap_table_used(SP, 2), 1);
	cr_assert_eq(rvx_cap_lookup(SP, 2, cap, &info), 0);
	cr_assert_eq(info.object.raw, obj.raw);
	cr_assert_eq(info.object_ref, 42u);
	cr_assert_eq(info.depth, 0u);
	cr_assert_eq(info.parent_task, RVX_CAP_NIL);
	/* Other tables are untouched; the same slot index in another table is empty. */
	cr_assert_eq(rvx_cap_check(SP, 1, cap, RVX_OBJ_NONE, 0, NULL), -RVX_EBADCAP);
	/* Minting with no rights at all is allowed (an identity token). */
	rvx_handle_t bare = fx_mint(2, obj, 0, 0);
	cr_assert_eq(rvx_cap_check(SP, 2, bare, RVX_OBJ_VECTOR_STORE, 0, NULL), 0);
	cr_assert_eq(rvx_cap_check(SP, 2, bare, RVX_OBJ_NONE, RVX_RIGHT_READ, NULL), -RVX_ERIGHTS);
}

Test(cap_mint, einval)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 1);
	rvx_handle_t h;

	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_mint(SP, FX_TASKS, obj, RVX_RIGHT_READ, 0, &h));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_mint(SP, UINT32_MAX, obj, RVX_RIGHT_READ, 0, &h));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_mint(SP, 0, obj, RVX_RIGHTS_ALL + 1, 0, &h));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_mint(SP, 0, obj, 0x80000000u, 0, &h));
	FX_EXPECT_FAIL(-RVX_EINVAL, rvx_cap_mint(SP, 0, obj, RVX_RIGHT_READ, 0, NULL));
}

Test(cap_mint, enoent)
{
	rvx_handle_t h;

	fx_object(RVX_OBJ_QUEUE, 1);
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_mint(SP, 0, rvx_handle_make(1, 1), RVX_RIGHT_READ, 0, &h));
	FX_EXPECT_FAIL(-RVX_ENOENT,
		       rvx_cap_mint(SP, 0, rvx_handle_make(FX_OBJECTS, 1), RVX_RIGHT_READ, 0, &h));
	FX_EXPECT_FAIL(-RVX_ENOENT, rvx_cap_mint(SP, 0, RVX_HANDLE_NULL, RVX_RIGHT_READ, 0, &h));
}

Test(cap_mint, estale)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 1);
	rvx_handle_t h;

	cr_assert_eq(rvx_cap_object_destroy(SP, obj), 0);
	FX_EXPECT_FAIL(-RVX_ESTALE, rvx_cap_mint(SP, 0, obj, RVX_RIGHT_READ, 0, &h));
}

Test(cap_mint, elimit_when_table_full)
{
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 1);
	rvx_handle_t last = RVX_HANDLE_NULL;
	rvx_handle_t h;

	for (uint32_t i = 0; i < FX_SLOTS; i++)
		last = fx_mint(1, obj, RVX_RIGHT_READ, 0);
	FX_EXPECT_FAIL(-RVX_ELIMIT, rvx_cap_mint(SP, 1, obj, RVX_RIGHT_READ, 0, &h));
	/* Only that table is full. */
	cr_assert_eq(rvx_cap_mint(SP, 0, obj, RVX_RIGHT_READ, 0, &h), 0);
	/* Freeing a slot makes it available again, with a new generation. */
	cr_assert_eq(rvx_cap_delete(SP, 1, last), 1);
	cr_assert_eq(rvx_cap_mint(SP, 1, obj, RVX_RIGHT_READ, 0, &h), 0);
	cr_assert_eq(rvx_handle_index(h), rvx_handle_index(last));
	cr_assert_eq(rvx_handle_gen(h), rvx_handle_gen(last) + 1);
	cr_assert_eq(rvx_cap_check(SP, 1, last, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
}
