/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A capability space's checkpoint section (ruvix/ckpt_section.h): geometry,
 * then every slot, table and registry entry, each integer little-endian.
 * The geometry must match the destination's; every link is bounded, so a
 * loaded space never indexes outside its storage. Links are written as 32
 * bits (RVX_CAP_NIL for none) whatever their width in memory.
 */
#include "ruvix/cap.h"
#include "ruvix/endian.h"

#define CAP_HDR 24u
#define CAP_SLOT 40u
#define CAP_TABLE 8u
#define CAP_OBJECT 16u

static uint32_t link_out(uint16_t v)
{
	return v == RVX_CAP_LINK_NIL ? RVX_CAP_NIL : v;
}

/* A link cap_check() bounded by the slot count (at most RVX_CAP_SLOTS_MAX). */
static uint16_t link_in(uint32_t v)
{
	return v == RVX_CAP_NIL ? (uint16_t)RVX_CAP_LINK_NIL : (uint16_t)v;
}

static size_t cap_size(const void *obj)
{
	const struct rvx_cap_space *s = obj;

	return CAP_HDR + (size_t)s->slot_total * CAP_SLOT + (size_t)s->table_count * CAP_TABLE +
	       (size_t)s->object_count * CAP_OBJECT;
}

static void cap_write(const void *obj, uint8_t *out)
{
	const struct rvx_cap_space *s = obj;
	uint8_t *p = out + CAP_HDR;

	rvx_le_put32(out, s->table_count);
	rvx_le_put32(out + 4, s->slots_per_table);
	rvx_le_put32(out + 8, s->slot_total);
	rvx_le_put32(out + 12, s->object_count);
	rvx_le_put32(out + 16, s->object_free_head);
	rvx_le_put32(out + 20, s->object_used);
	for (uint32_t i = 0; i < s->slot_total; i++, p += CAP_SLOT) {
		const struct rvx_cap_slot *sl = &s->slots[i];

		rvx_le_put32(p, sl->gen);
		rvx_le_put32(p + 4, sl->object);
		rvx_le_put32(p + 8, sl->epoch);
		p[12] = sl->type;
		p[13] = sl->rights;
		p[14] = sl->depth;
		p[15] = sl->reserved;
		rvx_le_put64(p + 16, sl->badge);
		rvx_le_put32(p + 24, link_out(sl->parent));
		rvx_le_put32(p + 28, link_out(sl->first_child));
		rvx_le_put32(p + 32, link_out(sl->next_sibling));
		rvx_le_put32(p + 36, link_out(sl->prev_sibling));
	}
	for (uint32_t i = 0; i < s->table_count; i++, p += CAP_TABLE) {
		rvx_le_put32(p, link_out(s->tables[i].free_head));
		rvx_le_put32(p + 4, s->tables[i].used);
	}
	for (uint32_t i = 0; i < s->object_count; i++, p += CAP_OBJECT) {
		const struct rvx_cap_object *o = &s->objects[i];

		rvx_le_put32(p, o->epoch);
		rvx_le_put32(p + 4, o->gen);
		rvx_le_put32(p + 8, o->ref);
		p[12] = o->type;
		p[13] = o->reserved[0];
		p[14] = o->reserved[1];
		p[15] = o->reserved[2];
	}
}

static bool link_ok(uint32_t v, uint32_t n)
{
	return v == RVX_CAP_NIL || v < n;
}

static int cap_check(const void *obj, const uint8_t *in, size_t len)
{
	const struct rvx_cap_space *s = obj;
	const uint8_t *p = in + CAP_HDR;
	uint32_t total, objects;

	if (len < CAP_HDR || rvx_le_get32(in) != s->table_count ||
	    rvx_le_get32(in + 4) != s->slots_per_table ||
	    rvx_le_get32(in + 8) != s->slot_total || rvx_le_get32(in + 12) != s->object_count ||
	    len != cap_size(s) || s->slots == NULL || s->tables == NULL || s->objects == NULL)
		return -RVX_EINVAL;
	total = s->slot_total;
	objects = s->object_count;
	if (!link_ok(rvx_le_get32(in + 16), objects) || rvx_le_get32(in + 20) > objects)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < total; i++, p += CAP_SLOT) {
		uint8_t type = p[12];

		if (type >= RVX_OBJ_TYPE_COUNT || p[13] & ~RVX_RIGHTS_ALL || p[15] != 0 ||
		    rvx_le_get32(p) == 0 ||
		    (type != RVX_OBJ_NONE && rvx_le_get32(p + 4) >= objects) ||
		    !link_ok(rvx_le_get32(p + 24), total) ||
		    !link_ok(rvx_le_get32(p + 28), total) ||
		    !link_ok(rvx_le_get32(p + 32), total) ||
		    !link_ok(rvx_le_get32(p + 36), total))
			return -RVX_EINVAL;
	}
	for (uint32_t i = 0; i < s->table_count; i++, p += CAP_TABLE)
		if (!link_ok(rvx_le_get32(p), total) ||
		    rvx_le_get32(p + 4) > s->slots_per_table)
			return -RVX_EINVAL;
	for (uint32_t i = 0; i < objects; i++, p += CAP_OBJECT)
		if (p[12] >= RVX_OBJ_TYPE_COUNT || rvx_le_get32(p + 4) == 0 ||
		    (p[12] == RVX_OBJ_NONE && !link_ok(rvx_le_get32(p + 8), objects)) ||
		    p[13] != 0 || p[14] != 0 || p[15] != 0)
			return -RVX_EINVAL;
	return 0;
}

static void cap_load(void *obj, const uint8_t *in, size_t len)
{
	struct rvx_cap_space *s = obj;
	const uint8_t *p = in + CAP_HDR;

	(void)len;
	s->object_free_head = rvx_le_get32(in + 16);
	s->object_used = rvx_le_get32(in + 20);
	for (uint32_t i = 0; i < s->slot_total; i++, p += CAP_SLOT) {
		struct rvx_cap_slot *sl = &s->slots[i];

		sl->gen = rvx_le_get32(p);
		sl->object = rvx_le_get32(p + 4);
		sl->epoch = rvx_le_get32(p + 8);
		sl->type = p[12];
		sl->rights = p[13];
		sl->depth = p[14];
		sl->reserved = p[15];
		sl->badge = rvx_le_get64(p + 16);
		sl->parent = link_in(rvx_le_get32(p + 24));
		sl->first_child = link_in(rvx_le_get32(p + 28));
		sl->next_sibling = link_in(rvx_le_get32(p + 32));
		sl->prev_sibling = link_in(rvx_le_get32(p + 36));
	}
	for (uint32_t i = 0; i < s->table_count; i++, p += CAP_TABLE) {
		s->tables[i].free_head = link_in(rvx_le_get32(p));
		s->tables[i].used = (uint16_t)rvx_le_get32(p + 4);
	}
	for (uint32_t i = 0; i < s->object_count; i++, p += CAP_OBJECT) {
		struct rvx_cap_object *o = &s->objects[i];

		o->epoch = rvx_le_get32(p);
		o->gen = rvx_le_get32(p + 4);
		o->ref = rvx_le_get32(p + 8);
		o->type = p[12];
		o->reserved[0] = p[13];
		o->reserved[1] = p[14];
		o->reserved[2] = p[15];
	}
}

const struct rvx_ckpt_section_ops rvx_cap_ckpt_ops = {
	RVX_CKPT_CAP, cap_size, cap_write, cap_check, cap_load,
};
