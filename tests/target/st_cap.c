/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability self-tests (lib/cap): rights checks, narrowing derivation,
 * GRANT_ONCE, the depth limit, badges, subtree revocation, epochs, stale
 * handles, and failed calls that change no byte of the space.
 */
#include "ruvix/cap.h"
#include "st_internal.h"

#define TASKS 4u
#define SLOTS 16u
#define OBJECTS 8u

/* The space and all of its storage, so one memcpy snapshots everything. */
static struct world {
	struct rvx_cap_space space;
	struct rvx_cap_slot slots[TASKS * SLOTS];
	struct rvx_cap_table tables[TASKS];
	struct rvx_cap_object objects[OBJECTS];
} w, snap;

#define SP (&w.space)

static bool setup(void)
{
	memset(&w, 0, sizeof(w));
	return rvx_cap_space_init(SP, w.slots, TASKS * SLOTS, w.tables, TASKS, SLOTS,
				  w.objects, OBJECTS) == 0;
}

static void take(void)
{
	memcpy(&snap, &w, sizeof(w));
}

#define UNCHANGED() ST_MEM_EQ(&snap, &w, sizeof(w))

static void check_rights(void)
{
	rvx_handle_t obj, cap;
	struct rvx_cap_target t;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_REGION, 77, &obj), 0);
	ST_EQ(rvx_cap_mint(SP, 0, obj, RVX_RIGHT_READ | RVX_RIGHT_WRITE, 0, &cap), 0);
	ST_EQ(rvx_cap_check(SP, 0, cap, RVX_OBJ_REGION, RVX_RIGHT_READ, &t), 0);
	ST_EQ(t.ref, 77);
	ST_EQ(rvx_cap_check(SP, 0, cap, RVX_OBJ_REGION, RVX_RIGHT_EXECUTE, NULL), -RVX_ERIGHTS);
	ST_EQ(rvx_cap_check(SP, 0, cap, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL), -RVX_ETYPE);
	ST_EQ(rvx_cap_check(SP, TASKS, cap, RVX_OBJ_REGION, RVX_RIGHT_READ, NULL), -RVX_EINVAL);
	/* Another task's table does not hold it. */
	ST_EQ(rvx_cap_check(SP, 1, cap, RVX_OBJ_REGION, RVX_RIGHT_READ, NULL), -RVX_EBADCAP);
}

static void derive_narrows(void)
{
	rvx_handle_t obj, root, child, grandchild;
	struct rvx_cap_info info;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_QUEUE, 1, &obj), 0);
	ST_EQ(rvx_cap_mint(SP, 0, obj, RVX_RIGHTS_ALL, 0, &root), 0);
	ST_EQ(rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ | RVX_RIGHT_GRANT, 0, &child), 0);
	ST_EQ(rvx_cap_lookup(SP, 1, child, &info), 0);
	ST_EQ(info.rights, RVX_RIGHT_READ | RVX_RIGHT_GRANT);
	ST_EQ(info.depth, 1);
	ST_EQ(info.parent_task, 0);
	/* Widening is refused, and refused without a trace. */
	take();
	ST_EQ(rvx_cap_derive(SP, 1, child, 2, RVX_RIGHT_READ | RVX_RIGHT_WRITE, 0, &grandchild),
	      -RVX_ERIGHTS);
	UNCHANGED();
	ST_EQ(rvx_cap_derive(SP, 1, child, 2, RVX_RIGHT_READ, 0, &grandchild), 0);
	ST_EQ(rvx_cap_check(SP, 2, grandchild, RVX_OBJ_QUEUE, RVX_RIGHT_WRITE, NULL), -RVX_ERIGHTS);
}

static void grant_once(void)
{
	rvx_handle_t obj, root, once, leaf, none;
	struct rvx_cap_info info;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_TIMER, 2, &obj), 0);
	ST_EQ(rvx_cap_mint(SP, 0, obj, RVX_RIGHTS_ALL, 0, &root), 0);
	ST_EQ(rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ | RVX_RIGHT_GRANT_ONCE, 0, &once), 0);
	/* The child of a GRANT_ONCE-only capability loses both grant rights. */
	ST_EQ(rvx_cap_derive(SP, 1, once, 2, RVX_RIGHT_READ | RVX_RIGHT_GRANT_ONCE, 0, &leaf), 0);
	ST_EQ(rvx_cap_lookup(SP, 2, leaf, &info), 0);
	ST_EQ(info.rights, RVX_RIGHT_READ);
	take();
	ST_EQ(rvx_cap_derive(SP, 2, leaf, 3, RVX_RIGHT_READ, 0, &none), -RVX_ECANTGRANT);
	UNCHANGED();
}

static void depth_limit(void)
{
	rvx_handle_t obj, cap, next;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_REGION, 3, &obj), 0);
	ST_EQ(rvx_cap_mint(SP, 3, obj, RVX_RIGHTS_ALL, 0, &cap), 0);
	for (uint32_t d = 1; d <= RVX_CONFIG_CAP_MAX_DEPTH; d++) {
		ST_EQ(rvx_cap_derive(SP, 3, cap, 3, RVX_RIGHT_READ | RVX_RIGHT_GRANT, 0, &next), 0);
		cap = next;
	}
	take();
	ST_EQ(rvx_cap_derive(SP, 3, cap, 3, RVX_RIGHT_READ, 0, &next), -RVX_EDEPTH);
	UNCHANGED();
}

static void badges_travel(void)
{
	rvx_handle_t obj, root, badged, child, other;
	struct rvx_cap_target t;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_QUEUE, 4, &obj), 0);
	ST_EQ(rvx_cap_mint(SP, 0, obj, RVX_RIGHTS_ALL, 0, &root), 0);
	ST_EQ(rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ | RVX_RIGHT_GRANT, 0xB0B, &badged), 0);
	ST_EQ(rvx_cap_derive(SP, 1, badged, 2, RVX_RIGHT_READ, 0, &child), 0);
	ST_EQ(rvx_cap_check(SP, 2, child, RVX_OBJ_QUEUE, RVX_RIGHT_READ, &t), 0);
	ST_EQ(t.badge, 0xB0B);
	take();
	ST_EQ(rvx_cap_derive(SP, 1, badged, 2, RVX_RIGHT_READ, 0xBAD, &other), -RVX_EPERM);
	UNCHANGED();
}

static void revoke_subtree(void)
{
	rvx_handle_t obj, root, a, b, c;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_REGION, 5, &obj), 0);
	ST_EQ(rvx_cap_mint(SP, 0, obj, RVX_RIGHTS_ALL, 0, &root), 0);
	ST_EQ(rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ | RVX_RIGHT_GRANT, 0, &a), 0);
	ST_EQ(rvx_cap_derive(SP, 1, a, 2, RVX_RIGHT_READ, 0, &b), 0);
	ST_EQ(rvx_cap_derive(SP, 0, root, 3, RVX_RIGHT_READ, 0, &c), 0);
	ST_EQ(rvx_cap_table_used(SP, 1) + rvx_cap_table_used(SP, 2) + rvx_cap_table_used(SP, 3), 3);
	ST_EQ(rvx_cap_revoke(SP, 0, root), 3);
	/* Every descendant is gone, its slot reclaimed; the root stays. */
	ST_EQ(rvx_cap_check(SP, 1, a, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	ST_EQ(rvx_cap_check(SP, 2, b, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	ST_EQ(rvx_cap_check(SP, 3, c, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	ST_EQ(rvx_cap_table_used(SP, 1) + rvx_cap_table_used(SP, 2) + rvx_cap_table_used(SP, 3), 0);
	ST_EQ(rvx_cap_check(SP, 0, root, RVX_OBJ_REGION, RVX_RIGHTS_ALL, NULL), 0);
}

static void revoke_needs_right(void)
{
	rvx_handle_t obj, root, weak;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_REGION, 6, &obj), 0);
	ST_EQ(rvx_cap_mint(SP, 0, obj, RVX_RIGHTS_ALL, 0, &root), 0);
	ST_EQ(rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ | RVX_RIGHT_GRANT, 0, &weak), 0);
	take();
	ST_EQ(rvx_cap_revoke(SP, 1, weak), -RVX_ERIGHTS);
	UNCHANGED();
}

static void epoch_bump_kills_all(void)
{
	rvx_handle_t obj, root, child;
	struct rvx_cap_info info;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_QUEUE, 7, &obj), 0);
	ST_EQ(rvx_cap_mint(SP, 0, obj, RVX_RIGHTS_ALL, 0, &root), 0);
	ST_EQ(rvx_cap_derive(SP, 0, root, 1, RVX_RIGHT_READ, 0, &child), 0);
	ST_EQ(rvx_cap_object_bump_epoch(SP, obj), 0);
	ST_EQ(rvx_cap_check(SP, 0, root, RVX_OBJ_QUEUE, 0, NULL), -RVX_EREVOKED);
	ST_EQ(rvx_cap_check(SP, 1, child, RVX_OBJ_QUEUE, 0, NULL), -RVX_EREVOKED);
	ST_EQ(rvx_cap_lookup(SP, 1, child, &info), -RVX_EREVOKED);
	/* Dead entries stay until deleted; delete reclaims the subtree. */
	ST_EQ(rvx_cap_table_used(SP, 1), 1);
	ST_EQ(rvx_cap_delete(SP, 0, root), 2);
	ST_EQ(rvx_cap_table_used(SP, 1), 0);
}

static void stale_and_forged(void)
{
	rvx_handle_t obj, cap, again;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_REGION, 8, &obj), 0);
	ST_EQ(rvx_cap_mint(SP, 0, obj, RVX_RIGHT_READ, 0, &cap), 0);
	ST_EQ(rvx_cap_delete(SP, 0, cap), 1);
	ST_EQ(rvx_cap_check(SP, 0, cap, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	/* The slot is reused under a new generation: the old handle stays
	 * stale and never names the new occupant. */
	ST_EQ(rvx_cap_mint(SP, 0, obj, RVX_RIGHT_READ, 0, &again), 0);
	ST_EQ(rvx_handle_index(again), rvx_handle_index(cap));
	ST_TRUE(rvx_handle_gen(again) != rvx_handle_gen(cap));
	ST_EQ(rvx_cap_check(SP, 0, cap, RVX_OBJ_NONE, 0, NULL), -RVX_ESTALE);
	ST_EQ(rvx_cap_check(SP, 0, rvx_handle_make(rvx_handle_index(again), 0), RVX_OBJ_NONE, 0, NULL),
	      -RVX_EBADCAP);
	ST_EQ(rvx_cap_check(SP, 0, rvx_handle_make(SLOTS, 1), RVX_OBJ_NONE, 0, NULL), -RVX_EBADCAP);
}

static void table_full_unchanged(void)
{
	rvx_handle_t obj, cap;

	ST_TRUE(setup());
	ST_EQ(rvx_cap_object_create(SP, RVX_OBJ_REGION, 9, &obj), 0);
	for (uint32_t i = 0; i < SLOTS; i++)
		ST_EQ(rvx_cap_mint(SP, 2, obj, RVX_RIGHT_READ, i, &cap), 0);
	take();
	ST_EQ(rvx_cap_mint(SP, 2, obj, RVX_RIGHT_READ, 0, &cap), -RVX_ELIMIT);
	UNCHANGED();
	ST_EQ(rvx_cap_table_clear(SP, 2), (int)SLOTS);
	ST_EQ(rvx_cap_table_used(SP, 2), 0);
}

const struct st_case st_cap_cases[] = {
	{"cap", "check_rights", check_rights},
	{"cap", "derive_narrows", derive_narrows},
	{"cap", "grant_once", grant_once},
	{"cap", "depth_limit", depth_limit},
	{"cap", "badges_travel", badges_travel},
	{"cap", "revoke_subtree", revoke_subtree},
	{"cap", "revoke_needs_right", revoke_needs_right},
	{"cap", "epoch_bump_kills_all", epoch_bump_kills_all},
	{"cap", "stale_and_forged", stale_and_forged},
	{"cap", "table_full_unchanged", table_full_unchanged},
};
const uint32_t st_cap_case_count = RVX_ARRAY_COUNT(st_cap_cases);
