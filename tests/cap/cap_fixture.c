/* SPDX-License-Identifier: Apache-2.0 */
#include "cap_fixture.h"

struct fx fx;

void fx_setup(void)
{
	memset(&fx, 0xa5, sizeof(fx)); /* init must not rely on zeroed storage */
	cr_assert_eq(rvx_cap_space_init(&fx.space, fx.slots, RVX_ARRAY_COUNT(fx.slots),
					fx.tables, FX_TASKS, FX_SLOTS, fx.objects,
					FX_OBJECTS),
		     0);
}

void fx_snap_take(struct fx_snap *snap)
{
	memcpy(&snap->space, &fx.space, sizeof(snap->space));
	memcpy(snap->slots, fx.slots, sizeof(snap->slots));
	memcpy(snap->tables, fx.tables, sizeof(snap->tables));
	memcpy(snap->objects, fx.objects, sizeof(snap->objects));
}

void fx_snap_assert_same(const struct fx_snap *snap, const char *what)
{
	cr_assert(memcmp(&snap->space, &fx.space, sizeof(snap->space)) == 0,
		  "%s changed the space header", what);
	cr_assert(memcmp(snap->slots, fx.slots, sizeof(snap->slots)) == 0,
		  "%s changed a slot", what);
	cr_assert(memcmp(snap->tables, fx.tables, sizeof(snap->tables)) == 0,
		  "%s changed a table header", what);
	cr_assert(memcmp(snap->objects, fx.objects, sizeof(snap->objects)) == 0,
		  "%s changed the registry", what);
}

rvx_handle_t fx_object(enum rvx_obj_type type, uint32_t ref)
{
	rvx_handle_t h = RVX_HANDLE_NULL;

	cr_assert_eq(rvx_cap_object_create(SP, type, ref, &h), 0);
	return h;
}

rvx_handle_t fx_mint(uint32_t task, rvx_handle_t obj, rvx_rights_t rights, uint64_t badge)
{
	rvx_handle_t h = RVX_HANDLE_NULL;
	int ret = rvx_cap_mint(SP, task, obj, rights, badge, &h);

	cr_assert_eq(ret, 0, "mint: %s", rvx_strerror(ret));
	return h;
}

rvx_handle_t fx_derive(uint32_t src_task, rvx_handle_t src, uint32_t dst_task,
		       rvx_rights_t rights, uint64_t badge)
{
	rvx_handle_t h = RVX_HANDLE_NULL;
	int ret = rvx_cap_derive(SP, src_task, src, dst_task, rights, badge, &h);

	cr_assert_eq(ret, 0, "derive: %s", rvx_strerror(ret));
	return h;
}
