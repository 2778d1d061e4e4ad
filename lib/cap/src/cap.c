/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability spaces. Each public function first validates everything it
 * was given without writing anything, then commits with helpers that
 * cannot fail (slot_alloc, slot_free, subtree_remove, epoch_advance).
 *
 * Derivation trees are kept as intrusive doubly linked child lists in the
 * slots themselves (parent, first_child, next_sibling, prev_sibling, all
 * global slot indices), so unlinking any capability is O(1) whichever table
 * its parent lives in, and removing a subtree needs no stack: it walks down
 * first-child links and back up parent links.
 *
 * Links are 16 bits in the slots and table headers (LNIL for none) and
 * 32-bit indices (NIL for none) everywhere else: lget() and lput() convert.
 */
#include "ruvix/endian.h"
#include "ruvix/cap.h"

#define NIL RVX_CAP_NIL
#define LNIL RVX_CAP_LINK_NIL

static uint32_t lget(uint16_t v)
{
	return v == LNIL ? NIL : v;
}

static uint16_t lput(uint32_t v)
{
	return v == NIL ? (uint16_t)LNIL : (uint16_t)v;
}

/* Global slot index of (task, slot index); both already range-checked. */
static uint32_t slot_global(const struct rvx_cap_space *space, uint32_t task,
			    uint32_t index)
{
	return task * space->slots_per_table + index;
}

/* The handle a task uses for global slot g. */
static rvx_handle_t slot_handle(const struct rvx_cap_space *space, uint32_t g)
{
	return rvx_handle_make(g % space->slots_per_table, space->slots[g].gen);
}

/*
 * Resolve a capability handle to a global slot index without looking at the
 * epoch, for the calls that also accept dead capabilities. Same checks, same
 * order and same codes as the first half of rvx_cap_check().
 */
static int slot_resolve(const struct rvx_cap_space *space, uint32_t task,
			rvx_handle_t handle, uint32_t *g_out)
{
	uint32_t index = rvx_handle_index(handle);
	uint32_t gen = rvx_handle_gen(handle);
	uint32_t g;

	if (task >= space->table_count)
		return -RVX_EINVAL;
	if (index >= space->slots_per_table)
		return -RVX_EBADCAP;
	g = slot_global(space, task, index);
	if (space->slots[g].gen != gen)
		return gen == 0 ? -RVX_EBADCAP : -RVX_ESTALE;
	if (space->slots[g].type == RVX_OBJ_NONE)
		return -RVX_EBADCAP;
	*g_out = g;
	return 0;
}

/* Resolve an object handle to a registry index in use. */
static int object_resolve(const struct rvx_cap_space *space, rvx_handle_t obj,
			  uint32_t *index_out)
{
	uint32_t index = rvx_handle_index(obj);
	uint32_t gen = rvx_handle_gen(obj);

	if (index >= space->object_count || gen == 0)
		return -RVX_ENOENT;
	if (space->objects[index].gen != gen)
		return -RVX_ESTALE;
	if (space->objects[index].type == RVX_OBJ_NONE)
		return -RVX_ENOENT;
	*index_out = index;
	return 0;
}

/* Take the first free slot of a task's table; the caller checked that one
 * exists. The slot comes back zeroed except for its generation. */
static uint32_t slot_alloc(struct rvx_cap_space *space, uint32_t task)
{
	struct rvx_cap_table *table = &space->tables[task];
	uint32_t g = lget(table->free_head);
	struct rvx_cap_slot *slot;

	RVX_CHECK(g != NIL && g / space->slots_per_table == task);
	slot = &space->slots[g];
	RVX_CHECK(slot->type == RVX_OBJ_NONE);
	table->free_head = slot->next_sibling;
	table->used++;
	slot->next_sibling = 0;
	return g;
}

/* Fill a freshly allocated slot. */
static void slot_fill(struct rvx_cap_slot *slot, uint32_t object,
		      uint32_t epoch, uint8_t type, rvx_rights_t rights,
		      uint32_t depth, uint64_t badge)
{
	slot->object = object;
	slot->epoch = epoch;
	slot->type = type;
	slot->rights = (uint8_t)rights;
	slot->depth = (uint8_t)depth;
	slot->reserved = 0;
	slot->badge = badge;
	slot->parent = LNIL;
	slot->first_child = LNIL;
	slot->next_sibling = LNIL;
	slot->prev_sibling = LNIL;
}

/* Make child the first child of parent. */
static void slot_link(struct rvx_cap_space *space, uint32_t parent,
		      uint32_t child)
{
	struct rvx_cap_slot *slots = space->slots;
	uint32_t first = lget(slots[parent].first_child);

	slots[child].parent = lput(parent);
	slots[child].prev_sibling = LNIL;
	slots[child].next_sibling = lput(first);
	if (first != NIL)
		slots[first].prev_sibling = lput(child);
	slots[parent].first_child = lput(child);
}

/*
 * Free one childless slot: unlink it from its parent's child list (the parent
 * may be in any table), zero it, move its generation on so every handle to it
 * becomes stale, and push it on its own table's free list.
 */
static void slot_free(struct rvx_cap_space *space, uint32_t g)
{
	struct rvx_cap_slot *slots = space->slots;
	struct rvx_cap_slot *slot = &slots[g];
	struct rvx_cap_table *table = &space->tables[g / space->slots_per_table];
	uint32_t gen = rvx_gen_next(slot->gen);

	RVX_CHECK(slot->type != RVX_OBJ_NONE && slot->first_child == LNIL);
	if (slot->parent != LNIL) {
		if (slot->prev_sibling != LNIL)
			slots[slot->prev_sibling].next_sibling = slot->next_sibling;
		else
			slots[slot->parent].first_child = slot->next_sibling;
		if (slot->next_sibling != LNIL)
			slots[slot->next_sibling].prev_sibling = slot->prev_sibling;
	}
	memset(slot, 0, sizeof(*slot));
	slot->gen = gen;
	slot->next_sibling = table->free_head;
	table->free_head = lput(g);
	RVX_CHECK(table->used > 0);
	table->used--;
}

/*
 * Remove every descendant of root, and root too if with_root. Walks down
 * first-child links to a leaf, frees it, and resumes from its parent: each
 * slot is entered once and freed once, so the work is linear in the subtree
 * and needs no stack. The step budget only guards against a corrupted tree.
 */
static uint32_t subtree_remove(struct rvx_cap_space *space, uint32_t root,
			       bool with_root)
{
	struct rvx_cap_slot *slots = space->slots;
	uint64_t budget = 2u * (uint64_t)space->slot_total;
	uint32_t cur = root;
	uint32_t removed = 0;

	for (;;) {
		uint32_t up;

		while (slots[cur].first_child != LNIL) {
			cur = slots[cur].first_child;
			RVX_CHECK(budget-- > 0);
		}
		if (cur == root)
			break;
		up = slots[cur].parent;
		slot_free(space, cur);
		removed++;
		RVX_CHECK(budget-- > 0);
		cur = up;
	}
	if (with_root) {
		slot_free(space, root);
		removed++;
	}
	return removed;
}

/*
 * Move a registry entry's epoch on. Between wraps epochs only increase, so
 * no dead snapshot can equal the current epoch; when the counter wraps,
 * every capability naming the entry is deleted first-come (all of them are
 * in trees rooted at a capability naming the same entry, since derivation
 * keeps the object), after which no old snapshot exists to collide.
 */
static void epoch_advance(struct rvx_cap_space *space, uint32_t index)
{
	struct rvx_cap_object *obj = &space->objects[index];

	obj->epoch++;
	if (RVX_UNLIKELY(obj->epoch == 0)) {
		for (uint32_t g = 0; g < space->slot_total; g++) {
			const struct rvx_cap_slot *slot = &space->slots[g];

			if (slot->type != RVX_OBJ_NONE && slot->object == index &&
			    slot->parent == LNIL)
				(void)subtree_remove(space, g, true);
		}
	}
}

/* Fill an info record from an occupied slot. */
static void info_fill(const struct rvx_cap_space *space, uint32_t g,
		      struct rvx_cap_info *out)
{
	const struct rvx_cap_slot *slot = &space->slots[g];
	const struct rvx_cap_object *obj = &space->objects[slot->object];
	bool revoked = obj->epoch != slot->epoch;

	out->handle = slot_handle(space, g);
	/* A live capability's entry still holds the object it was made for
	 * (destroying the object would have moved the epoch), so the current
	 * entry generation names that object; a dead one names nothing. */
	out->object = rvx_handle_make(slot->object, revoked ? 0 : obj->gen);
	out->badge = slot->badge;
	out->object_ref = revoked ? 0 : obj->ref;
	out->rights = slot->rights;
	out->type = (enum rvx_obj_type)slot->type;
	out->depth = slot->depth;
	if (slot->parent == LNIL) {
		out->parent_task = NIL;
		out->parent_slot = NIL;
	} else {
		out->parent_task = slot->parent / space->slots_per_table;
		out->parent_slot = slot->parent % space->slots_per_table;
	}
	out->revoked = revoked;
}

int rvx_cap_space_init(struct rvx_cap_space *space, struct rvx_cap_slot *slots,
		       size_t slot_count, struct rvx_cap_table *tables,
		       uint32_t table_count, uint32_t slots_per_table,
		       struct rvx_cap_object *objects, uint32_t object_count)
{
	uint64_t total;

	if (space == NULL || slots == NULL || tables == NULL || objects == NULL)
		return -RVX_EINVAL;
	if (table_count == 0 || slots_per_table == 0 || object_count == 0 ||
	    object_count == NIL)
		return -RVX_EINVAL;
	/* Every slot index fits a 16-bit link (and every count an int). */
	total = (uint64_t)table_count * slots_per_table;
	if (total > RVX_CAP_SLOTS_MAX)
		return -RVX_EINVAL;
	if (slot_count < total)
		return -RVX_ENOMEM;

	space->slots = slots;
	space->tables = tables;
	space->objects = objects;
	space->table_count = table_count;
	space->slots_per_table = slots_per_table;
	space->slot_total = (uint32_t)total;
	space->object_count = object_count;
	space->object_free_head = 0;
	space->object_used = 0;

	memset(slots, 0, (size_t)total * sizeof(*slots));
	for (uint32_t t = 0; t < table_count; t++) {
		uint32_t base = t * slots_per_table;

		for (uint32_t i = 0; i < slots_per_table; i++) {
			slots[base + i].gen = 1;
			slots[base + i].next_sibling =
				i + 1 < slots_per_table ? lput(base + i + 1) : (uint16_t)LNIL;
		}
		tables[t].free_head = lput(base);
		tables[t].used = 0;
	}
	memset(objects, 0, (size_t)object_count * sizeof(*objects));
	for (uint32_t i = 0; i < object_count; i++) {
		objects[i].gen = 1;
		objects[i].ref = i + 1 < object_count ? i + 1 : NIL;
	}
	return 0;
}

int rvx_cap_object_create(struct rvx_cap_space *space, enum rvx_obj_type type,
			  uint32_t ref, rvx_handle_t *out)
{
	uint32_t index;
	struct rvx_cap_object *obj;

	if (out == NULL || (unsigned)type == RVX_OBJ_NONE ||
	    (unsigned)type >= RVX_OBJ_TYPE_COUNT)
		return -RVX_EINVAL;
	if (space->object_free_head == NIL)
		return -RVX_ELIMIT;

	index = space->object_free_head;
	obj = &space->objects[index];
	RVX_CHECK(obj->type == RVX_OBJ_NONE);
	space->object_free_head = obj->ref;
	space->object_used++;
	/* The epoch is kept from the entry's previous life on purpose. */
	obj->type = (uint8_t)type;
	obj->ref = ref;
	*out = rvx_handle_make(index, obj->gen);
	return 0;
}

int rvx_cap_object_bump_epoch(struct rvx_cap_space *space, rvx_handle_t obj)
{
	uint32_t index;
	int ret = object_resolve(space, obj, &index);

	if (ret != 0)
		return ret;
	epoch_advance(space, index);
	return 0;
}

int rvx_cap_object_destroy(struct rvx_cap_space *space, rvx_handle_t obj)
{
	uint32_t index;
	struct rvx_cap_object *entry;
	int ret = object_resolve(space, obj, &index);

	if (ret != 0)
		return ret;
	epoch_advance(space, index);
	entry = &space->objects[index];
	entry->type = RVX_OBJ_NONE;
	entry->gen = rvx_gen_next(entry->gen);
	entry->ref = space->object_free_head;
	space->object_free_head = index;
	space->object_used--;
	return 0;
}

int rvx_cap_mint(struct rvx_cap_space *space, uint32_t task, rvx_handle_t obj,
		 rvx_rights_t rights, uint64_t badge, rvx_handle_t *out)
{
	uint32_t index;
	uint32_t g;
	const struct rvx_cap_object *entry;
	int ret;

	if (out == NULL || task >= space->table_count ||
	    (rights & ~RVX_RIGHTS_ALL) != 0)
		return -RVX_EINVAL;
	ret = object_resolve(space, obj, &index);
	if (ret != 0)
		return ret;
	if (space->tables[task].free_head == LNIL)
		return -RVX_ELIMIT;

	entry = &space->objects[index];
	g = slot_alloc(space, task);
	slot_fill(&space->slots[g], index, entry->epoch, entry->type, rights, 0,
		  badge);
	*out = slot_handle(space, g);
	return 0;
}

int rvx_cap_derive(struct rvx_cap_space *space, uint32_t src_task,
		   rvx_handle_t src, uint32_t dst_task, rvx_rights_t rights,
		   uint64_t badge, rvx_handle_t *out)
{
	const rvx_rights_t grants = RVX_RIGHT_GRANT | RVX_RIGHT_GRANT_ONCE;
	const struct rvx_cap_slot *parent;
	uint32_t pg;
	uint32_t cg;
	uint32_t depth;
	int ret;

	if (out == NULL || src_task >= space->table_count ||
	    dst_task >= space->table_count)
		return -RVX_EINVAL;
	ret = rvx_cap_check(space, src_task, src, RVX_OBJ_NONE, 0, NULL);
	if (ret != 0)
		return ret;
	pg = slot_global(space, src_task, rvx_handle_index(src));
	parent = &space->slots[pg];
	if ((parent->rights & grants) == 0)
		return -RVX_ECANTGRANT;
	if (!rvx_rights_subset(rights, parent->rights))
		return -RVX_ERIGHTS;
	depth = (uint32_t)parent->depth + 1u;
	if (depth > RVX_CONFIG_CAP_MAX_DEPTH)
		return -RVX_EDEPTH;
	if (parent->badge != 0 && badge != 0 && badge != parent->badge)
		return -RVX_EPERM;
	if (space->tables[dst_task].free_head == LNIL)
		return -RVX_ELIMIT;

	/* GRANT_ONCE without GRANT: the child is the end of the line. */
	if ((parent->rights & RVX_RIGHT_GRANT) == 0)
		rights &= ~grants;
	if (parent->badge != 0)
		badge = parent->badge;
	cg = slot_alloc(space, dst_task);
	slot_fill(&space->slots[cg], parent->object, parent->epoch, parent->type,
		  rights, depth, badge);
	slot_link(space, pg, cg);
	*out = slot_handle(space, cg);
	return 0;
}

int rvx_cap_lookup(const struct rvx_cap_space *space, uint32_t task,
		   rvx_handle_t handle, struct rvx_cap_info *out)
{
	int ret;

	if (out == NULL)
		return -RVX_EINVAL;
	ret = rvx_cap_check(space, task, handle, RVX_OBJ_NONE, 0, NULL);
	if (ret != 0)
		return ret;
	info_fill(space, slot_global(space, task, rvx_handle_index(handle)), out);
	return 0;
}

int rvx_cap_revoke(struct rvx_cap_space *space, uint32_t task,
		   rvx_handle_t handle)
{
	int ret = rvx_cap_check(space, task, handle, RVX_OBJ_NONE,
				RVX_RIGHT_REVOKE, NULL);

	if (ret != 0)
		return ret;
	return (int)subtree_remove(
		space, slot_global(space, task, rvx_handle_index(handle)), false);
}

int rvx_cap_delete(struct rvx_cap_space *space, uint32_t task,
		   rvx_handle_t handle)
{
	uint32_t g;
	int ret = slot_resolve(space, task, handle, &g);

	if (ret != 0)
		return ret;
	return (int)subtree_remove(space, g, true);
}

int rvx_cap_table_clear(struct rvx_cap_space *space, uint32_t task)
{
	uint32_t removed = 0;
	uint32_t base;

	if (task >= space->table_count)
		return -RVX_EINVAL;
	base = slot_global(space, task, 0);
	/* Removing one subtree may free later slots of this table too; each
	 * slot is looked at when the loop reaches it. */
	for (uint32_t i = 0; i < space->slots_per_table; i++) {
		if (space->slots[base + i].type != RVX_OBJ_NONE)
			removed += subtree_remove(space, base + i, true);
	}
	RVX_CHECK(space->tables[task].used == 0);
	return (int)removed;
}

int rvx_cap_table_used(const struct rvx_cap_space *space, uint32_t task)
{
	if (task >= space->table_count)
		return -RVX_EINVAL;
	return (int)space->tables[task].used;
}

int rvx_cap_slot_info(const struct rvx_cap_space *space, uint32_t task,
		      uint32_t slot_index, struct rvx_cap_info *out)
{
	uint32_t g;

	if (out == NULL || task >= space->table_count ||
	    slot_index >= space->slots_per_table)
		return -RVX_EINVAL;
	g = slot_global(space, task, slot_index);
	if (space->slots[g].type == RVX_OBJ_NONE)
		return -RVX_ENOENT;
	info_fill(space, g, out);
	return 0;
}

int rvx_cap_slot_encode(const struct rvx_cap_space *space, uint32_t task, uint32_t slot_index,
			uint8_t out[RVX_CAP_SLOT_ENCODED_SIZE])
{
	const struct rvx_cap_slot *c;
	uint32_t g;

	if (space == NULL || out == NULL || task >= space->table_count ||
	    slot_index >= space->slots_per_table)
		return -RVX_EINVAL;
	g = slot_global(space, task, slot_index);
	c = &space->slots[g];
	if (c->type == RVX_OBJ_NONE)
		return -RVX_ENOENT;
	rvx_le_put32(out + 0, slot_index);
	rvx_le_put32(out + 4, c->gen);
	rvx_le_put32(out + 8, c->object);
	rvx_le_put32(out + 12, c->epoch);
	out[16] = c->type;
	out[17] = c->rights;
	out[18] = c->depth;
	out[19] = 0;
	rvx_le_put32(out + 20, lget(c->parent));
	rvx_le_put64(out + 24, c->badge);
	return 0;
}

/* ---- validation of state bytes (a checkpoint image, before it is loaded) ---- */

static struct rvx_cap_slot vslot(const void *slots, uint32_t g)
{
	struct rvx_cap_slot s;

	memcpy(&s, (const uint8_t *)slots + (size_t)g * sizeof(s), sizeof(s));
	return s;
}

static struct rvx_cap_object vobj(const void *objects, uint32_t i)
{
	struct rvx_cap_object o;

	memcpy(&o, (const uint8_t *)objects + (size_t)i * sizeof(o), sizeof(o));
	return o;
}

static bool vlink(uint32_t v, uint32_t n)
{
	return v == NIL || v < n;
}

static bool vlink16(uint16_t v, uint32_t n)
{
	return v == LNIL || v < n;
}

/* The registry: entries well formed, the free list a simple path through
 * exactly the free entries, the use count right. */
static bool objects_valid(const struct rvx_cap_space *space, const void *objects)
{
	uint32_t n = space->object_count, used = 0, cur, steps = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct rvx_cap_object o = vobj(objects, i);

		if (o.type >= RVX_OBJ_TYPE_COUNT || o.gen == 0 || o.reserved[0] != 0 ||
		    o.reserved[1] != 0 || o.reserved[2] != 0)
			return false;
		if (o.type != RVX_OBJ_NONE)
			used++;
		else if (!vlink(o.ref, n))
			return false;
	}
	if (used != space->object_used || !vlink(space->object_free_head, n))
		return false;
	for (cur = space->object_free_head; cur != NIL; cur = vobj(objects, cur).ref) {
		if (steps++ == n - used || vobj(objects, cur).type != RVX_OBJ_NONE)
			return false;
	}
	return steps == n - used;
}

/* One slot on its own: fields in range, a free slot zero but for its
 * generation and free-list link, an occupied one naming an entry and, while
 * live, an entry of its own type. */
static bool slot_valid(const struct rvx_cap_space *space, const void *objects,
		       const struct rvx_cap_slot *s, uint32_t g)
{
	uint32_t total = space->slot_total, spt = space->slots_per_table;
	struct rvx_cap_object o;

	if (s->gen == 0 || s->type >= RVX_OBJ_TYPE_COUNT || s->reserved != 0 ||
	    (s->rights & ~RVX_RIGHTS_ALL) != 0 || s->depth > RVX_CONFIG_CAP_MAX_DEPTH)
		return false;
	if (s->type == RVX_OBJ_NONE)
		return s->object == 0 && s->epoch == 0 && s->rights == 0 && s->depth == 0 &&
		       s->badge == 0 && s->parent == 0 && s->first_child == 0 &&
		       s->prev_sibling == 0 &&
		       (s->next_sibling == LNIL ||
			(s->next_sibling < total && s->next_sibling / spt == g / spt));
	if (s->object >= space->object_count || !vlink16(s->parent, total) ||
	    !vlink16(s->first_child, total) || !vlink16(s->next_sibling, total) ||
	    !vlink16(s->prev_sibling, total) || s->parent == g || s->first_child == g ||
	    s->next_sibling == g || s->prev_sibling == g)
		return false;
	o = vobj(objects, s->object);
	return o.epoch != s->epoch || o.type == s->type;
}

/* The derivation links around occupied slot g agree with each other: its
 * parent holds it one level up with the same object, its siblings point back
 * at it and share its parent, its first child points back at it. */
static bool links_valid(const void *slots, const struct rvx_cap_slot *s, uint32_t g)
{
	struct rvx_cap_slot o;

	if (s->parent == LNIL) {
		if (s->depth != 0 || s->next_sibling != LNIL || s->prev_sibling != LNIL)
			return false;
	} else {
		o = vslot(slots, s->parent);
		if (o.type == RVX_OBJ_NONE || o.depth + 1u != s->depth || o.object != s->object ||
		    (s->prev_sibling == LNIL && o.first_child != g))
			return false;
	}
	if (s->next_sibling != LNIL) {
		o = vslot(slots, s->next_sibling);
		if (o.type == RVX_OBJ_NONE || o.prev_sibling != g || o.parent != s->parent)
			return false;
	}
	if (s->prev_sibling != LNIL) {
		o = vslot(slots, s->prev_sibling);
		if (o.type == RVX_OBJ_NONE || o.next_sibling != g || o.parent != s->parent)
			return false;
	}
	if (s->first_child != LNIL) {
		o = vslot(slots, s->first_child);
		if (o.type == RVX_OBJ_NONE || o.parent != g || o.prev_sibling != LNIL)
			return false;
	}
	return true;
}

int rvx_cap_space_validate(const struct rvx_cap_space *space, const void *slots,
			   const void *tables, const void *objects)
{
	uint32_t total, spt, children = 0, listed = 0;
	uint64_t expect;

	if (space == NULL || slots == NULL || tables == NULL || objects == NULL)
		return -RVX_EINVAL;
	spt = space->slots_per_table;
	total = space->slot_total;
	expect = (uint64_t)space->table_count * spt;
	if (space->table_count == 0 || spt == 0 || expect != total || expect > RVX_CAP_SLOTS_MAX ||
	    space->object_count == 0 || space->object_count == NIL)
		return -RVX_EINVAL;
	if (!objects_valid(space, objects))
		return -RVX_EINVAL;
	for (uint32_t g = 0; g < total; g++) {
		struct rvx_cap_slot s = vslot(slots, g);

		if (!slot_valid(space, objects, &s, g))
			return -RVX_EINVAL;
		if (s.type != RVX_OBJ_NONE && !links_valid(slots, &s, g))
			return -RVX_EINVAL;
		if (s.type != RVX_OBJ_NONE && s.parent != LNIL)
			children++;
	}
	/* Every child list, walked from its head, is a simple path (the back
	 * links agree, so no slot is met twice); together they must reach every
	 * slot that has a parent, or some slots form a detached ring. Parents
	 * are exactly one level up, so no chain of parents can loop either. */
	for (uint32_t g = 0; g < total; g++) {
		struct rvx_cap_slot s = vslot(slots, g);

		if (s.type == RVX_OBJ_NONE)
			continue;
		for (uint32_t c = lget(s.first_child); c != NIL;
		     c = lget(vslot(slots, c).next_sibling))
			if (listed++ == children)
				return -RVX_EINVAL;
	}
	if (listed != children)
		return -RVX_EINVAL;
	/* Each table: its free list a simple path through exactly its free
	 * slots, its use count right. */
	for (uint32_t t = 0; t < space->table_count; t++) {
		struct rvx_cap_table tb;
		uint32_t used = 0, steps = 0, cur;

		memcpy(&tb, (const uint8_t *)tables + (size_t)t * sizeof(tb), sizeof(tb));
		if (tb.used > spt ||
		    !(tb.free_head == LNIL || (tb.free_head < total && tb.free_head / spt == t)))
			return -RVX_EINVAL;
		for (uint32_t i = 0; i < spt; i++)
			if (vslot(slots, t * spt + i).type != RVX_OBJ_NONE)
				used++;
		if (used != tb.used)
			return -RVX_EINVAL;
		for (cur = lget(tb.free_head); cur != NIL; cur = lget(vslot(slots, cur).next_sibling))
			if (steps++ == spt - used || vslot(slots, cur).type != RVX_OBJ_NONE)
				return -RVX_EINVAL;
		if (steps != spt - used)
			return -RVX_EINVAL;
	}
	return 0;
}
