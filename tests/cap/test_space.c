/* SPDX-License-Identifier: Apache-2.0 */
/* cap_space: rvx_cap_space_init, RVX_CAP_SPACE_DEFINE and the layout. */
#include "cap_fixture.h"

RVX_CAP_SPACE_DEFINE(static_space, 3, 5, 2);

Test(cap_space, layout)
{
	cr_assert_eq(sizeof(struct rvx_cap_slot), 32u);
	cr_assert_eq(sizeof(struct rvx_cap_table), 4u);
	cr_assert_eq(sizeof(struct rvx_cap_object), 16u);
	/* 16 slots + header, within the 1 KiB per-task budget with room for a TCB. */
	cr_assert_eq(RVX_CAP_TABLE_BYTES(16), 516u);
	cr_assert_leq(RVX_CAP_TABLE_BYTES(RVX_CONFIG_CAP_SLOTS_PER_TASK), 1024u - 256u);
}

Test(cap_space, init_success)
{
	fx_setup();
	cr_assert_eq(fx.space.slots, fx.slots);
	cr_assert_eq(fx.space.tables, fx.tables);
	cr_assert_eq(fx.space.objects, fx.objects);
	cr_assert_eq(fx.space.table_count, FX_TASKS);
	cr_assert_eq(fx.space.slots_per_table, FX_SLOTS);
	cr_assert_eq(fx.space.slot_total, FX_TASKS * FX_SLOTS);
	cr_assert_eq(fx.space.object_count, FX_OBJECTS);
	cr_assert_eq(fx.space.object_used, 0u);
	for (uint32_t t = 0; t < FX_TASKS; t++) {
		cr_assert_eq(rvx_cap_table_used(SP, t), 0);
		cr_assert_eq(fx.tables[t].free_head, t * FX_SLOTS);
		for (uint32_t i = 0; i < FX_SLOTS; i++) {
			const struct rvx_cap_slot *s = &fx.slots[t * FX_SLOTS + i];

			cr_assert_eq(s->gen, 1u, "generation 0 is never valid");
			cr_assert_eq(s->type, RVX_OBJ_NONE);
			cr_assert_eq(s->rights, 0);
			cr_assert_eq(s->badge, 0u);
		}
	}
	for (uint32_t i = 0; i < FX_OBJECTS; i++) {
		cr_assert_eq(fx.objects[i].gen, 1u);
		cr_assert_eq(fx.objects[i].epoch, 0u);
		cr_assert_eq(fx.objects[i].type, RVX_OBJ_NONE);
	}
	/* Every slot of every table can be filled, and then the table is full. */
	rvx_handle_t obj = fx_object(RVX_OBJ_QUEUE, 1);
	for (uint32_t t = 0; t < FX_TASKS; t++) {
		for (uint32_t i = 0; i < FX_SLOTS; i++) {
			rvx_handle_t h = fx_mint(t, obj, RVX_RIGHT_READ, 0);
			cr_assert_eq(rvx_handle_index(h), i, "slots are handed out in order");
			cr_assert_eq(rvx_handle_gen(h), 1u);
		}
		cr_assert_eq(rvx_cap_table_used(SP, t), (int)FX_SLOTS);
	}
}

Test(cap_space, init_accepts_larger_slot_array)
{
	struct rvx_cap_slot slots[10];
	struct rvx_cap_table tables[2];
	struct rvx_cap_object objects[1];
	struct rvx_cap_space space;

	cr_assert_eq(rvx_cap_space_init(&space, slots, 10, tables, 2, 4, objects, 1), 0);
	cr_assert_eq(space.slot_total, 8u);
}

Test(cap_space, define_macro)
{
	rvx_handle_t obj = RVX_HANDLE_NULL;
	rvx_handle_t cap = RVX_HANDLE_NULL;

	cr_assert_eq(RVX_CAP_SPACE_INIT(static_space), 0);
	cr_assert_eq(static_space.table_count, 3u);
	cr_assert_eq(static_space.slots_per_table, 5u);
	cr_assert_eq(static_space.object_count, 2u);
	cr_assert_eq(RVX_ARRAY_COUNT(static_space_slots), 15u);
	cr_assert_eq(rvx_cap_object_create(&static_space, RVX_OBJ_TIMER, 9, &obj), 0);
	cr_assert_eq(rvx_cap_mint(&static_space, 2, obj, RVX_RIGHT_READ, 0, &cap), 0);
	cr_assert_eq(rvx_cap_check(&static_space, 2, cap, RVX_OBJ_TIMER, RVX_RIGHT_READ, NULL), 0);
}

/* A failed init must not touch the space or any of the storage it was given. */
struct init_case {
	struct rvx_cap_space space;
	struct rvx_cap_slot slots[8];
	struct rvx_cap_table tables[2];
	struct rvx_cap_object objects[2];
};

static void init_fails(int err, bool null_space, bool null_slots, bool null_tables,
		       bool null_objects, size_t slot_count, uint32_t table_count,
		       uint32_t spt, uint32_t object_count)
{
	static struct init_case c;
	static struct init_case before;

	memset(&c, 0x5a, sizeof(c));
	memcpy(&before, &c, sizeof(c));
	int ret = rvx_cap_space_init(null_space ? NULL : &c.space, null_slots ? NULL : c.slots,
				     slot_count, null_tables ? NULL : c.tables, table_count,
				     spt, null_objects ? NULL : c.objects, object_count);
	cr_assert_eq(ret, err, "got %d (%s), wanted %d", ret, rvx_strerror(ret), err);
	cr_assert(memcmp(&c, &before, sizeof(c)) == 0, "failed init changed storage");
}

Test(cap_space, init_einval_null_pointers)
{
	init_fails(-RVX_EINVAL, true, false, false, false, 8, 2, 4, 2);
	init_fails(-RVX_EINVAL, false, true, false, false, 8, 2, 4, 2);
	init_fails(-RVX_EINVAL, false, false, true, false, 8, 2, 4, 2);
	init_fails(-RVX_EINVAL, false, false, false, true, 8, 2, 4, 2);
}

Test(cap_space, init_einval_zero_counts)
{
	init_fails(-RVX_EINVAL, false, false, false, false, 8, 0, 4, 2);
	init_fails(-RVX_EINVAL, false, false, false, false, 8, 2, 0, 2);
	init_fails(-RVX_EINVAL, false, false, false, false, 8, 2, 4, 0);
}

Test(cap_space, init_einval_too_many)
{
	/* Every slot index fits a 16-bit link (RVX_CAP_SLOTS_MAX), and NIL is
	 * reserved. */
	init_fails(-RVX_EINVAL, false, false, false, false, SIZE_MAX, 65536, 65536, 2);
	init_fails(-RVX_EINVAL, false, false, false, false, SIZE_MAX, 4096, 16, 2);
	init_fails(-RVX_EINVAL, false, false, false, false, SIZE_MAX, 1, RVX_CAP_SLOTS_MAX + 1u, 2);
	init_fails(-RVX_EINVAL, false, false, false, false, SIZE_MAX, 2, 0x40000000u, 2);
	init_fails(-RVX_EINVAL, false, false, false, false, 8, 2, 4, RVX_CAP_NIL);
}

Test(cap_space, init_enomem_slot_array_too_small)
{
	init_fails(-RVX_ENOMEM, false, false, false, false, 7, 2, 4, 2);
	init_fails(-RVX_ENOMEM, false, false, false, false, 0, 2, 4, 2);
}
