/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cap_model: random operation sequences checked against a reference model.
 *
 * The model is deliberately naive: plain arrays, an explicit parent index per
 * slot, subtrees found by repeated scans. It predicts every return code; the
 * library picks which free slot a new capability lands in, and the model
 * checks that the choice is a free slot of the right table with the
 * generation the model expects. After every operation the whole space is
 * compared with the model, the structural invariants are checked on the
 * library's own view (no rights amplification, depth bounds, counts), and a
 * failed operation must have left every byte unchanged.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cap_fixture.h"

#define M_TASKS 8u
#define M_SLOTS 16u
#define M_TOTAL (M_TASKS * M_SLOTS)
#define M_OBJECTS 6u
#define M_OPS 200000u

struct m_slot {
	bool used;
	uint32_t gen;
	uint32_t obj;
	uint32_t epoch;
	uint8_t type;
	uint8_t rights;
	uint32_t depth;
	uint64_t badge;
	int parent; /* global index, or -1 for a root */
};

struct m_obj {
	bool used;
	uint32_t gen;
	uint32_t epoch;
	uint8_t type;
	uint32_t ref;
};

static struct m_slot ms[M_TOTAL];
static struct m_obj mo[M_OBJECTS];

static struct rvx_cap_space space;
static struct rvx_cap_slot slots[M_TOTAL];
static struct rvx_cap_table tables[M_TASKS];
static struct rvx_cap_object objects[M_OBJECTS];

static struct {
	struct rvx_cap_space space;
	struct rvx_cap_slot slots[M_TOTAL];
	struct rvx_cap_table tables[M_TASKS];
	struct rvx_cap_object objects[M_OBJECTS];
} snap;

static uint64_t rng_state;

/* splitmix64: small, seedable, good enough to drive a test. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

static void snap_take(void)
{
	memcpy(&snap.space, &space, sizeof(space));
	memcpy(snap.slots, slots, sizeof(slots));
	memcpy(snap.tables, tables, sizeof(tables));
	memcpy(snap.objects, objects, sizeof(objects));
}

static void snap_assert_same(uint32_t op, const char *what)
{
	cr_assert(memcmp(&snap.space, &space, sizeof(space)) == 0 &&
			  memcmp(snap.slots, slots, sizeof(slots)) == 0 &&
			  memcmp(snap.tables, tables, sizeof(tables)) == 0 &&
			  memcmp(snap.objects, objects, sizeof(objects)) == 0,
		  "op %u: failed %s changed state", op, what);
}

/* ---- the model ---- */

static uint32_t m_gen_next(uint32_t g)
{
	return g == UINT32_MAX ? 1u : g + 1u;
}

static bool m_live(uint32_t g)
{
	return ms[g].used && ms[g].epoch == mo[ms[g].obj].epoch;
}

static uint32_t m_used(uint32_t task)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < M_SLOTS; i++)
		n += ms[task * M_SLOTS + i].used;
	return n;
}

/* Resolve a capability handle, as every call does. */
static int m_resolve(uint32_t task, rvx_handle_t h, bool need_live, uint32_t *g_out)
{
	uint32_t idx = rvx_handle_index(h);
	uint32_t gen = rvx_handle_gen(h);
	uint32_t g;

	if (task >= M_TASKS)
		return -RVX_EINVAL;
	if (idx >= M_SLOTS)
		return -RVX_EBADCAP;
	g = task * M_SLOTS + idx;
	if (ms[g].gen != gen)
		return gen == 0 ? -RVX_EBADCAP : -RVX_ESTALE;
	if (!ms[g].used)
		return -RVX_EBADCAP;
	if (need_live && !m_live(g))
		return -RVX_EREVOKED;
	*g_out = g;
	return 0;
}

static int m_obj_resolve(rvx_handle_t h, uint32_t *i_out)
{
	uint32_t i = rvx_handle_index(h);
	uint32_t gen = rvx_handle_gen(h);

	if (i >= M_OBJECTS || gen == 0)
		return -RVX_ENOENT;
	if (mo[i].gen != gen)
		return -RVX_ESTALE;
	if (!mo[i].used)
		return -RVX_ENOENT;
	*i_out = i;
	return 0;
}

/* Mark g and all its descendants (repeated scans until nothing changes). */
static void m_mark_subtree(uint32_t g, bool mark[M_TOTAL])
{
	bool changed = true;

	memset(mark, 0, M_TOTAL * sizeof(bool));
	mark[g] = true;
	while (changed) {
		changed = false;
		for (uint32_t i = 0; i < M_TOTAL; i++) {
			if (ms[i].used && !mark[i] && ms[i].parent >= 0 && mark[ms[i].parent]) {
				mark[i] = true;
				changed = true;
			}
		}
	}
}

static int m_remove_subtree(uint32_t g, bool with_root)
{
	bool mark[M_TOTAL];
	int n = 0;

	m_mark_subtree(g, mark);
	if (!with_root)
		mark[g] = false;
	for (uint32_t i = 0; i < M_TOTAL; i++) {
		if (mark[i]) {
			ms[i].used = false;
			ms[i].gen = m_gen_next(ms[i].gen);
			n++;
		}
	}
	return n;
}

/* Accept the library's choice of slot for a new capability in task. */
static uint32_t m_take_slot(uint32_t op, uint32_t task, rvx_handle_t h)
{
	uint32_t idx = rvx_handle_index(h);
	uint32_t g = task * M_SLOTS + idx;

	cr_assert_lt(idx, M_SLOTS, "op %u: new handle out of range", op);
	cr_assert(!ms[g].used, "op %u: new capability landed on an occupied slot", op);
	cr_assert_eq(rvx_handle_gen(h), ms[g].gen, "op %u: new handle has generation %u, want %u",
		     op, rvx_handle_gen(h), ms[g].gen);
	return g;
}

/* ---- picking arguments: mostly sensible, sometimes hostile ---- */

static uint32_t pick_task(void)
{
	return rnd(200) == 0 ? M_TASKS + rnd(3) : rnd(M_TASKS);
}

static rvx_handle_t pick_cap(uint32_t task)
{
	uint32_t r = rnd(100);
	uint32_t t = task < M_TASKS ? task : 0;

	if (r < 80) {
		/* an occupied slot of the table if there is one */
		uint32_t start = rnd(M_SLOTS);

		for (uint32_t k = 0; k < M_SLOTS; k++) {
			uint32_t i = (start + k) % M_SLOTS;

			if (ms[t * M_SLOTS + i].used)
				return rvx_handle_make(i, ms[t * M_SLOTS + i].gen);
		}
	}
	uint32_t i = rnd(M_SLOTS);
	uint32_t gen = ms[t * M_SLOTS + i].gen;
	if (r < 90)
		return rvx_handle_make(i, gen);                 /* maybe empty */
	if (r < 95)
		return rvx_handle_make(i, gen > 1 ? gen - 1 : 0); /* stale */
	if (r < 97)
		return rvx_handle_make(M_SLOTS + rnd(5), gen);  /* out of range */
	if (r < 98)
		return rvx_handle_make(i, 0);
	return rvx_handle_make(i, (uint32_t)rng());
}

/*
 * The deepest live capability that can still grant, anywhere, to push chains
 * to the depth limit; its task is returned through task_out.
 */
static rvx_handle_t pick_deep(uint32_t *task_out)
{
	int best = -1;

	for (uint32_t g = 0; g < M_TOTAL; g++) {
		if (ms[g].used && m_live(g) &&
		    (ms[g].rights & (RVX_RIGHT_GRANT | RVX_RIGHT_GRANT_ONCE)) != 0 &&
		    (best < 0 || ms[g].depth > ms[best].depth))
			best = (int)g;
	}
	if (best < 0)
		return pick_cap(*task_out);
	*task_out = (uint32_t)best / M_SLOTS;
	return rvx_handle_make((uint32_t)best % M_SLOTS, ms[best].gen);
}

static rvx_handle_t pick_obj(void)
{
	uint32_t r = rnd(100);
	uint32_t i = rnd(M_OBJECTS);

	if (r < 85)
		return rvx_handle_make(i, mo[i].gen);
	if (r < 93)
		return rvx_handle_make(i, mo[i].gen > 1 ? mo[i].gen - 1 : 0);
	if (r < 97)
		return rvx_handle_make(M_OBJECTS + rnd(3), 1);
	return rvx_handle_make(i, 0);
}

static rvx_rights_t pick_rights(void)
{
	uint32_t r = rnd(100);

	if (r < 40)
		return RVX_RIGHTS_ALL;
	if (r < 97)
		return (rvx_rights_t)rnd(RVX_RIGHTS_ALL + 1);
	return (rvx_rights_t)rnd(256); /* maybe bits outside RVX_RIGHTS_ALL */
}

/* ---- the whole-state comparison, after every operation ---- */

static void check_everything(uint32_t op)
{
	for (uint32_t t = 0; t < M_TASKS; t++) {
		int used = rvx_cap_table_used(&space, t);

		cr_assert_eq(used, (int)m_used(t), "op %u: task %u uses %d slots, model %u", op, t,
			     used, m_used(t));
	}
	for (uint32_t g = 0; g < M_TOTAL; g++) {
		uint32_t t = g / M_SLOTS;
		uint32_t i = g % M_SLOTS;
		const struct m_slot *m = &ms[g];
		struct rvx_cap_info info;
		int ret = rvx_cap_slot_info(&space, t, i, &info);
		rvx_handle_t cur = rvx_handle_make(i, m->gen);
		int want;

		if (!m->used) {
			cr_assert_eq(ret, -RVX_ENOENT, "op %u: slot %u should be empty", op, g);
			want = -RVX_EBADCAP;
		} else {
			cr_assert_eq(ret, 0, "op %u: slot %u should be occupied", op, g);
			cr_assert_eq(info.handle.raw, cur.raw, "op %u: slot %u handle", op, g);
			cr_assert_eq(info.rights, m->rights, "op %u: slot %u rights", op, g);
			cr_assert_eq(info.depth, m->depth, "op %u: slot %u depth", op, g);
			cr_assert_eq(info.badge, m->badge, "op %u: slot %u badge", op, g);
			cr_assert_eq((unsigned)info.type, m->type, "op %u: slot %u type", op, g);
			cr_assert_eq(rvx_handle_index(info.object), m->obj, "op %u: slot %u obj", op, g);
			cr_assert_eq(info.revoked, !m_live(g), "op %u: slot %u revoked", op, g);
			if (m->parent < 0) {
				cr_assert_eq(info.parent_task, RVX_CAP_NIL, "op %u: slot %u root", op, g);
			} else {
				cr_assert_eq(info.parent_task * M_SLOTS + info.parent_slot,
					     (uint32_t)m->parent, "op %u: slot %u parent", op, g);
			}
			want = m_live(g) ? 0 : -RVX_EREVOKED;

			/* Invariants, on the library's own view of the tree. */
			cr_assert_leq(info.depth, RVX_CONFIG_CAP_MAX_DEPTH, "op %u: depth", op);
			if (info.parent_task != RVX_CAP_NIL) {
				struct rvx_cap_info up;

				cr_assert_eq(rvx_cap_slot_info(&space, info.parent_task,
							       info.parent_slot, &up),
					     0, "op %u: slot %u has a dangling parent", op, g);
				cr_assert(rvx_rights_subset(info.rights, up.rights),
					  "op %u: slot %u amplified rights %#x over parent's %#x", op,
					  g, info.rights, up.rights);
				cr_assert((up.rights & RVX_RIGHT_GRANT) != 0 ||
						  (info.rights & (RVX_RIGHT_GRANT |
								  RVX_RIGHT_GRANT_ONCE)) == 0,
					  "op %u: slot %u can grant below a GRANT_ONCE parent", op, g);
				cr_assert_eq(info.depth, up.depth + 1, "op %u: slot %u depth step", op, g);
				cr_assert_eq(rvx_handle_index(info.object), rvx_handle_index(up.object),
					     "op %u: slot %u names another object than its parent", op, g);
				cr_assert(up.badge == 0 || info.badge == up.badge,
					  "op %u: slot %u lost its parent's badge", op, g);
			}
		}
		/* The current handle checks as the model says; the previous one is stale. */
		cr_assert_eq(rvx_cap_check(&space, t, cur, RVX_OBJ_NONE, 0, NULL), want,
			     "op %u: check of slot %u", op, g);
		if (m->gen > 1)
			cr_assert_eq(rvx_cap_check(&space, t, rvx_handle_make(i, m->gen - 1),
						   RVX_OBJ_NONE, 0, NULL),
				     -RVX_ESTALE, "op %u: old handle of slot %u", op, g);
	}
}

/* ---- one random operation ---- */

enum op_kind {
	OP_OBJ_CREATE,
	OP_OBJ_BUMP,
	OP_OBJ_DESTROY,
	OP_MINT,
	OP_DERIVE,
	OP_CHECK,
	OP_LOOKUP,
	OP_REVOKE,
	OP_DELETE,
	OP_CLEAR,
	OP_KIND_COUNT
};

static const char *const op_names[OP_KIND_COUNT] = {
	"object_create", "bump_epoch", "object_destroy", "mint", "derive",
	"check", "lookup", "revoke", "delete", "table_clear",
};

/* outcomes[op][-ret]: how often each operation returned each code. */
static uint32_t outcomes[OP_KIND_COUNT][RVX_ERR_COUNT];
/* Capabilities removed by successful revokes (not counting the revoked one). */
static uint32_t revoke_removed;

static enum op_kind pick_op(void)
{
	/* cumulative weights out of 1000 */
	static const uint16_t cut[OP_KIND_COUNT] = {25, 33, 39, 159, 619, 739, 789, 849, 995, 1000};
	uint32_t r = rnd(1000);

	for (int k = 0; k < OP_KIND_COUNT; k++)
		if (r < cut[k])
			return (enum op_kind)k;
	return OP_CHECK;
}

static void run_op(uint32_t op)
{
	enum op_kind kind = pick_op();
	bool mutating = kind != OP_CHECK && kind != OP_LOOKUP;
	int ret = 0;
	int want = 0;

	if (mutating)
		snap_take();

	switch (kind) {
	case OP_OBJ_CREATE: {
		uint32_t r = rnd(20);
		enum rvx_obj_type type = r == 0   ? RVX_OBJ_NONE
					 : r == 1 ? RVX_OBJ_TYPE_COUNT
						  : (enum rvx_obj_type)(1 + rnd(RVX_OBJ_TYPE_COUNT - 1));
		uint32_t ref = (uint32_t)rng();
		rvx_handle_t h = RVX_HANDLE_NULL;
		int free_i = -1;

		for (uint32_t i = 0; i < M_OBJECTS && free_i < 0; i++)
			if (!mo[i].used)
				free_i = (int)i;
		if (type == RVX_OBJ_NONE || type == RVX_OBJ_TYPE_COUNT)
			want = -RVX_EINVAL;
		else if (free_i < 0)
			want = -RVX_ELIMIT;
		ret = rvx_cap_object_create(&space, type, ref, &h);
		cr_assert_eq(ret, want, "op %u: object_create %d, want %d", op, ret, want);
		if (ret == 0) {
			uint32_t i = rvx_handle_index(h);

			cr_assert_lt(i, M_OBJECTS);
			cr_assert(!mo[i].used, "op %u: object landed on a used entry", op);
			cr_assert_eq(rvx_handle_gen(h), mo[i].gen);
			mo[i].used = true;
			mo[i].type = (uint8_t)type;
			mo[i].ref = ref;
		}
		break;
	}
	case OP_OBJ_BUMP:
	case OP_OBJ_DESTROY: {
		rvx_handle_t h = pick_obj();
		uint32_t i = 0;

		want = m_obj_resolve(h, &i);
		ret = kind == OP_OBJ_BUMP ? rvx_cap_object_bump_epoch(&space, h)
					  : rvx_cap_object_destroy(&space, h);
		cr_assert_eq(ret, want, "op %u: %s %d, want %d", op, op_names[kind], ret, want);
		if (ret == 0) {
			mo[i].epoch++;
			if (kind == OP_OBJ_DESTROY) {
				mo[i].used = false;
				mo[i].gen = m_gen_next(mo[i].gen);
			}
		}
		break;
	}
	case OP_MINT: {
		uint32_t task = pick_task();
		rvx_handle_t oh = pick_obj();
		rvx_rights_t rights = pick_rights();
		uint64_t badge = rnd(2) ? 0 : 1 + rnd(4);
		rvx_handle_t h = RVX_HANDLE_NULL;
		uint32_t oi = 0;

		if (task >= M_TASKS || (rights & ~RVX_RIGHTS_ALL) != 0)
			want = -RVX_EINVAL;
		else if ((want = m_obj_resolve(oh, &oi)) == 0 && m_used(task) == M_SLOTS)
			want = -RVX_ELIMIT;
		ret = rvx_cap_mint(&space, task, oh, rights, badge, &h);
		cr_assert_eq(ret, want, "op %u: mint %d, want %d", op, ret, want);
		if (ret == 0) {
			uint32_t g = m_take_slot(op, task, h);

			ms[g] = (struct m_slot){true, ms[g].gen, oi, mo[oi].epoch, mo[oi].type,
						(uint8_t)rights, 0, badge, -1};
		}
		break;
	}
	case OP_DERIVE: {
		uint32_t st = pick_task();
		rvx_handle_t src = rnd(4) == 0 ? pick_deep(&st) : pick_cap(st);
		uint32_t dt = pick_task();
		rvx_rights_t rights;
		uint64_t badge;
		rvx_handle_t h = RVX_HANDLE_NULL;
		uint32_t pg = 0;
		int pr;

		/* Mostly ask for a subset of what the source holds. */
		pr = m_resolve(st, src, true, &pg);
		rights = pick_rights();
		if (pr == 0 && rnd(10) < 8)
			rights &= ms[pg].rights;
		badge = rnd(3) == 0 ? 0 : (pr == 0 && rnd(2) ? ms[pg].badge : 1 + rnd(4));

		if (st >= M_TASKS || dt >= M_TASKS)
			want = -RVX_EINVAL;
		else if (pr != 0)
			want = pr;
		else if ((ms[pg].rights & (RVX_RIGHT_GRANT | RVX_RIGHT_GRANT_ONCE)) == 0)
			want = -RVX_ECANTGRANT;
		else if ((rights & ~(rvx_rights_t)ms[pg].rights) != 0)
			want = -RVX_ERIGHTS;
		else if (ms[pg].depth + 1 > RVX_CONFIG_CAP_MAX_DEPTH)
			want = -RVX_EDEPTH;
		else if (ms[pg].badge != 0 && badge != 0 && badge != ms[pg].badge)
			want = -RVX_EPERM;
		else if (m_used(dt) == M_SLOTS)
			want = -RVX_ELIMIT;
		ret = rvx_cap_derive(&space, st, src, dt, rights, badge, &h);
		cr_assert_eq(ret, want, "op %u: derive %d, want %d", op, ret, want);
		if (ret == 0) {
			uint32_t g = m_take_slot(op, dt, h);
			rvx_rights_t r = rights;

			if ((ms[pg].rights & RVX_RIGHT_GRANT) == 0)
				r &= ~(RVX_RIGHT_GRANT | RVX_RIGHT_GRANT_ONCE);
			ms[g] = (struct m_slot){true, ms[g].gen, ms[pg].obj, ms[pg].epoch,
						ms[pg].type, (uint8_t)r, ms[pg].depth + 1,
						ms[pg].badge != 0 ? ms[pg].badge : badge, (int)pg};
		}
		break;
	}
	case OP_CHECK: {
		uint32_t task = pick_task();
		rvx_handle_t h = pick_cap(task);
		enum rvx_obj_type type = rnd(2) ? RVX_OBJ_NONE
						: (enum rvx_obj_type)rnd(RVX_OBJ_TYPE_COUNT + 1);
		rvx_rights_t rights = rnd(2) ? 0 : pick_rights();
		struct rvx_cap_target tgt;
		uint32_t g = 0;

		want = m_resolve(task, h, true, &g);
		if (want == 0 && type != RVX_OBJ_NONE && (unsigned)type != ms[g].type)
			want = -RVX_ETYPE;
		else if (want == 0 && (rights & ~(rvx_rights_t)ms[g].rights) != 0)
			want = -RVX_ERIGHTS;
		ret = rvx_cap_check(&space, task, h, type, rights, &tgt);
		cr_assert_eq(ret, want, "op %u: check %d, want %d", op, ret, want);
		if (ret == 0) {
			cr_assert_eq(tgt.object, ms[g].obj);
			cr_assert_eq(tgt.ref, mo[ms[g].obj].ref);
			cr_assert_eq(tgt.badge, ms[g].badge);
		}
		break;
	}
	case OP_LOOKUP: {
		uint32_t task = pick_task();
		rvx_handle_t h = pick_cap(task);
		struct rvx_cap_info info;
		uint32_t g = 0;

		want = m_resolve(task, h, true, &g);
		ret = rvx_cap_lookup(&space, task, h, &info);
		cr_assert_eq(ret, want, "op %u: lookup %d, want %d", op, ret, want);
		if (ret == 0) {
			cr_assert_eq(info.object.raw,
				     rvx_handle_make(ms[g].obj, mo[ms[g].obj].gen).raw);
			cr_assert_eq(info.object_ref, mo[ms[g].obj].ref);
			cr_assert_eq(info.rights, ms[g].rights);
		}
		break;
	}
	case OP_REVOKE: {
		uint32_t task = pick_task();
		rvx_handle_t h = pick_cap(task);
		uint32_t g = 0;

		want = m_resolve(task, h, true, &g);
		if (want == 0 && (ms[g].rights & RVX_RIGHT_REVOKE) == 0)
			want = -RVX_ERIGHTS;
		ret = rvx_cap_revoke(&space, task, h);
		if (want == 0)
			want = m_remove_subtree(g, false);
		cr_assert_eq(ret, want, "op %u: revoke %d, want %d", op, ret, want);
		if (ret > 0)
			revoke_removed += (uint32_t)ret;
		break;
	}
	case OP_DELETE: {
		uint32_t task = pick_task();
		rvx_handle_t h = pick_cap(task);
		uint32_t g = 0;

		want = m_resolve(task, h, false, &g);
		ret = rvx_cap_delete(&space, task, h);
		if (want == 0)
			want = m_remove_subtree(g, true);
		cr_assert_eq(ret, want, "op %u: delete %d, want %d", op, ret, want);
		break;
	}
	case OP_CLEAR: {
		uint32_t task = pick_task();

		ret = rvx_cap_table_clear(&space, task);
		if (task >= M_TASKS) {
			want = -RVX_EINVAL;
		} else {
			want = 0;
			for (uint32_t i = 0; i < M_SLOTS; i++)
				if (ms[task * M_SLOTS + i].used)
					want += m_remove_subtree(task * M_SLOTS + i, true);
		}
		cr_assert_eq(ret, want, "op %u: table_clear %d, want %d", op, ret, want);
		break;
	}
	default:
		cr_assert_fail("unreachable");
	}

	if (ret < 0) {
		outcomes[kind][-ret]++;
		if (mutating)
			snap_assert_same(op, op_names[kind]);
	} else {
		outcomes[kind][0]++;
	}
}

Test(cap_model, random_sequences_match_the_model, .timeout = 100)
{
	rng_state = 0x52755669785f6361ull; /* fixed seed: failures reproduce */
	memset(ms, 0, sizeof(ms));
	memset(mo, 0, sizeof(mo));
	memset(outcomes, 0, sizeof(outcomes));
	revoke_removed = 0;
	for (uint32_t g = 0; g < M_TOTAL; g++)
		ms[g].gen = 1;
	for (uint32_t i = 0; i < M_OBJECTS; i++)
		mo[i].gen = 1;
	cr_assert_eq(rvx_cap_space_init(&space, slots, M_TOTAL, tables, M_TASKS, M_SLOTS,
					objects, M_OBJECTS),
		     0);

	uint32_t max_depth = 0;
	for (uint32_t op = 0; op < M_OPS; op++) {
		run_op(op);
		check_everything(op);
		for (uint32_t g = 0; g < M_TOTAL; g++)
			if (ms[g].used && ms[g].depth > max_depth)
				max_depth = ms[g].depth;
	}

	/* The sequence must have exercised every outcome worth testing. */
	static const struct {
		enum op_kind kind;
		int err;
	} must_see[] = {
		{OP_OBJ_CREATE, 0},          {OP_OBJ_CREATE, RVX_EINVAL},
		{OP_OBJ_CREATE, RVX_ELIMIT}, {OP_OBJ_BUMP, 0},
		{OP_OBJ_BUMP, RVX_ESTALE},   {OP_OBJ_BUMP, RVX_ENOENT},
		{OP_OBJ_DESTROY, 0},         {OP_OBJ_DESTROY, RVX_ESTALE},
		{OP_MINT, 0},                {OP_MINT, RVX_EINVAL},
		{OP_MINT, RVX_ENOENT},       {OP_MINT, RVX_ESTALE},
		{OP_MINT, RVX_ELIMIT},       {OP_DERIVE, 0},
		{OP_DERIVE, RVX_EINVAL},     {OP_DERIVE, RVX_EBADCAP},
		{OP_DERIVE, RVX_ESTALE},     {OP_DERIVE, RVX_EREVOKED},
		{OP_DERIVE, RVX_ECANTGRANT}, {OP_DERIVE, RVX_ERIGHTS},
		{OP_DERIVE, RVX_EDEPTH},     {OP_DERIVE, RVX_EPERM},
		{OP_DERIVE, RVX_ELIMIT},     {OP_CHECK, 0},
		{OP_CHECK, RVX_EBADCAP},     {OP_CHECK, RVX_ESTALE},
		{OP_CHECK, RVX_EREVOKED},    {OP_CHECK, RVX_ETYPE},
		{OP_CHECK, RVX_ERIGHTS},     {OP_LOOKUP, 0},
		{OP_REVOKE, 0},              {OP_REVOKE, RVX_ERIGHTS},
		{OP_REVOKE, RVX_EREVOKED},   {OP_DELETE, 0},
		{OP_DELETE, RVX_ESTALE},     {OP_DELETE, RVX_EBADCAP},
		{OP_CLEAR, 0},               {OP_CLEAR, RVX_EINVAL},
	};
	for (size_t k = 0; k < RVX_ARRAY_COUNT(must_see); k++)
		cr_expect_gt(outcomes[must_see[k].kind][must_see[k].err], 0u,
			     "%s never returned %d", op_names[must_see[k].kind], -must_see[k].err);
	cr_expect_eq(max_depth, RVX_CONFIG_CAP_MAX_DEPTH, "chains never reached the limit");
	cr_expect_gt(revoke_removed, 1000u, "revokes rarely removed anything");
	if (getenv("CAP_MODEL_VERBOSE") != NULL) {
		for (int k = 0; k < OP_KIND_COUNT; k++) {
			fprintf(stderr, "%-15s", op_names[k]);
			for (int e = 0; e < RVX_ERR_COUNT; e++)
				if (outcomes[k][e])
					fprintf(stderr, " %s=%u", e ? rvx_strerror(e) : "ok",
						outcomes[k][e]);
			fprintf(stderr, "\n");
		}
	}
}
