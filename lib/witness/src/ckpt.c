/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checkpoint framing (header, sections, SHA-256 trailer) and the sections of
 * the objects that exist so far. Each section stores the plain state of its
 * object field by field, little-endian, never a pointer; restore writes that
 * state into an object the caller already bound to its new memory. The
 * object libraries are used through their public struct fields only (this
 * archive calls no function of theirs).
 */
/* BearSSL first, its symbols hidden: its headers include <string.h> before
 * env.h, and br_sha256_vtable is then reached PC-relative, not through a GOT
 * a freestanding kernel would have to provide. */
#pragma GCC visibility push(hidden)
#include "bearssl_hmac.h"
#pragma GCC visibility pop

#include "witness_internal.h"

#include "ruvix/cap.h"
#include "ruvix/queue.h"
#include "ruvix/region.h"
#include "ruvix/witness_ckpt.h"

static const uint8_t ckpt_magic[8] = {'R', 'V', 'X', 'C', 'K', 'P', 'T', 0};

static size_t pad8(size_t n)
{
	return (n + 7u) & ~(size_t)7u;
}

size_t rvx_ckpt_size(const struct rvx_ckpt_item *items, size_t count)
{
	size_t total = RVX_CKPT_HEADER_SIZE + RVX_CKPT_TRAILER_SIZE;

	if (items == NULL && count > 0)
		return 0;
	for (size_t i = 0; i < count; i++) {
		if (items[i].ops == NULL || items[i].obj == NULL)
			return 0;
		total += RVX_CKPT_SECTION_HEADER_SIZE + pad8(items[i].ops->size(items[i].obj));
	}
	return total;
}

/* HMAC-SHA256 under `key` of n bytes at `in`. */
static void ckpt_mac(const uint8_t *key, size_t key_len, const uint8_t *in, size_t n,
		     uint8_t out[RVX_CKPT_MAC_SIZE])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, key_len);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, in, n);
	br_hmac_out(&hc, out);
}

/* Write with a MAC under `key` (key_len > 0) or without one (key_len 0). */
static int ckpt_write(const struct rvx_ckpt_item *items, size_t count, const uint8_t *key,
		      size_t key_len, uint8_t *out, size_t cap, size_t *written)
{
	br_sha256_context c;
	size_t total, off;

	if (out == NULL || count > UINT32_MAX)
		return -RVX_EINVAL;
	total = rvx_ckpt_size(items, count);
	if (total == 0)
		return -RVX_EINVAL;
	if (key_len != 0)
		total += RVX_CKPT_MAC_SIZE;
	if (cap < total)
		return -RVX_EBUFSMALL;
	memcpy(out, ckpt_magic, 8);
	rvx_le_put32(out + 8, RVX_CKPT_VERSION);
	rvx_le_put32(out + 12, key_len != 0 ? RVX_CKPT_F_MAC : 0);
	rvx_le_put64(out + 16, total);
	rvx_le_put32(out + 24, (uint32_t)count);
	rvx_le_put32(out + 28, 0);
	off = RVX_CKPT_HEADER_SIZE;
	for (size_t i = 0; i < count; i++) {
		size_t n = items[i].ops->size(items[i].obj);

		rvx_le_put32(out + off, items[i].ops->type);
		rvx_le_put32(out + off + 4, 0);
		rvx_le_put64(out + off + 8, n);
		off += RVX_CKPT_SECTION_HEADER_SIZE;
		items[i].ops->write(items[i].obj, out + off);
		memset(out + off + n, 0, pad8(n) - n);
		off += pad8(n);
	}
	br_sha256_init(&c);
	br_sha256_update(&c, out, off);
	br_sha256_out(&c, out + off);
	if (key_len != 0)
		ckpt_mac(key, key_len, out, off + RVX_CKPT_TRAILER_SIZE,
			 out + off + RVX_CKPT_TRAILER_SIZE);
	if (written != NULL)
		*written = total;
	return 0;
}

int rvx_ckpt_write(const struct rvx_ckpt_item *items, size_t count, uint8_t *out, size_t cap,
		   size_t *written)
{
	return ckpt_write(items, count, NULL, 0, out, cap, written);
}

int rvx_ckpt_write_mac(const struct rvx_ckpt_item *items, size_t count, const uint8_t *key,
		       size_t key_len, uint8_t *out, size_t cap, size_t *written)
{
	if (key == NULL || key_len == 0)
		return -RVX_EINVAL;
	return ckpt_write(items, count, key, key_len, out, cap, written);
}

static int refuse(enum rvx_ckpt_reason *reason, enum rvx_ckpt_reason why)
{
	if (reason != NULL)
		*reason = why;
	return -RVX_EINVAL;
}

/* Restore, requiring a MAC under `key` (key_len > 0) or no MAC (key_len 0). */
static int ckpt_restore(const uint8_t *in, size_t len, const uint8_t *key, size_t key_len,
			const struct rvx_ckpt_item *items, size_t count,
			enum rvx_ckpt_reason *reason)
{
	uint8_t digest[32];
	br_sha256_context c;
	uint64_t total;
	size_t off, end, mac_size = key_len != 0 ? RVX_CKPT_MAC_SIZE : 0;

	if (reason != NULL)
		*reason = RVX_CKPT_OK;
	if (in == NULL || (items == NULL && count > 0))
		return -RVX_EINVAL;
	for (size_t i = 0; i < count; i++)
		if (items[i].ops == NULL || items[i].obj == NULL)
			return -RVX_EINVAL;
	/* Framing first: a short or foreign input is named before the digest. */
	if (len >= 8 && memcmp(in, ckpt_magic, 8) != 0)
		return refuse(reason, RVX_CKPT_MAGIC);
	if (len < RVX_CKPT_HEADER_SIZE + RVX_CKPT_TRAILER_SIZE + mac_size)
		return refuse(reason, len < 8 || memcmp(in, ckpt_magic, 8) == 0
					      ? RVX_CKPT_TRUNCATED
					      : RVX_CKPT_MAGIC);
	if (rvx_le_get32(in + 8) != RVX_CKPT_VERSION)
		return refuse(reason, RVX_CKPT_BADVERSION);
	total = rvx_le_get64(in + 16);
	if (total > len)
		return refuse(reason, RVX_CKPT_TRUNCATED);
	if (total < len || (total & 7u))
		return refuse(reason, RVX_CKPT_LENGTH);
	/* A checkpoint with a MAC is read only by the call that checks it,
	 * and one without only by the call that needs none. */
	if ((rvx_le_get32(in + 12) & RVX_CKPT_F_MAC) != (key_len != 0 ? RVX_CKPT_F_MAC : 0))
		return refuse(reason, RVX_CKPT_MAC);
	end = len - RVX_CKPT_TRAILER_SIZE - mac_size;
	br_sha256_init(&c);
	br_sha256_update(&c, in, end);
	br_sha256_out(&c, digest);
	if (!rvx_wit_eq_(digest, in + end, 32))
		return refuse(reason, RVX_CKPT_DIGEST);
	if (key_len != 0) {
		ckpt_mac(key, key_len, in, end + RVX_CKPT_TRAILER_SIZE, digest);
		if (!rvx_wit_eq_(digest, in + end + RVX_CKPT_TRAILER_SIZE, RVX_CKPT_MAC_SIZE))
			return refuse(reason, RVX_CKPT_MAC);
	}
	if ((rvx_le_get32(in + 12) & ~RVX_CKPT_F_MAC) != 0 || rvx_le_get32(in + 28) != 0)
		return refuse(reason, RVX_CKPT_FORMAT);
	if (rvx_le_get32(in + 24) != count)
		return refuse(reason, RVX_CKPT_SECTIONS);

	/* Walk and check every section against its destination. */
	off = RVX_CKPT_HEADER_SIZE;
	for (size_t i = 0; i < count; i++) {
		uint64_t n;

		if (end - off < RVX_CKPT_SECTION_HEADER_SIZE)
			return refuse(reason, RVX_CKPT_BOUNDS);
		n = rvx_le_get64(in + off + 8);
		if (rvx_le_get32(in + off) != items[i].ops->type)
			return refuse(reason, RVX_CKPT_SECTIONS);
		if (rvx_le_get32(in + off + 4) != 0)
			return refuse(reason, RVX_CKPT_FORMAT);
		off += RVX_CKPT_SECTION_HEADER_SIZE;
		if (n > end - off || pad8((size_t)n) > end - off)
			return refuse(reason, RVX_CKPT_BOUNDS);
		for (size_t k = (size_t)n; k < pad8((size_t)n); k++)
			if (in[off + k] != 0)
				return refuse(reason, RVX_CKPT_FORMAT);
		if (items[i].ops->check(items[i].obj, in + off, (size_t)n) != 0)
			return refuse(reason, RVX_CKPT_SECTION);
		off += pad8((size_t)n);
	}
	if (off != end)
		return refuse(reason, RVX_CKPT_BOUNDS);

	/* Commit: nothing below can fail. */
	off = RVX_CKPT_HEADER_SIZE;
	for (size_t i = 0; i < count; i++) {
		size_t n = (size_t)rvx_le_get64(in + off + 8);

		off += RVX_CKPT_SECTION_HEADER_SIZE;
		items[i].ops->load(items[i].obj, in + off, n);
		off += pad8(n);
	}
	return 0;
}

int rvx_ckpt_restore(const uint8_t *in, size_t len, const struct rvx_ckpt_item *items,
		     size_t count, enum rvx_ckpt_reason *reason)
{
	return ckpt_restore(in, len, NULL, 0, items, count, reason);
}

int rvx_ckpt_restore_mac(const uint8_t *in, size_t len, const uint8_t *key, size_t key_len,
			 const struct rvx_ckpt_item *items, size_t count,
			 enum rvx_ckpt_reason *reason)
{
	if (reason != NULL)
		*reason = RVX_CKPT_OK;
	if (key == NULL || key_len == 0)
		return -RVX_EINVAL;
	return ckpt_restore(in, len, key, key_len, items, count, reason);
}

/* ---- witness log: sequence, chaining value, head (checked), epoch ---- */

#define WIT_SECTION_SIZE 160u

static size_t wit_size(const void *obj)
{
	(void)obj;
	return WIT_SECTION_SIZE;
}

static void wit_write(const void *obj, uint8_t *out)
{
	const struct rvx_witness_log *log = obj;

	rvx_le_put64(out, log->sequence);
	memcpy(out + 8, log->state, 32);
	rvx_witness_head_at_(log->state, log->sequence, out + 40);
	rvx_le_put64(out + 72, log->epoch);
	rvx_le_put64(out + 80, log->epoch_events);
	rvx_le_put64(out + 88, log->epoch_bytes);
	memcpy(out + 96, log->epoch_state, 32);
	memcpy(out + 128, log->epoch_pending, 32);
}

static int wit_check(const void *obj, const uint8_t *in, size_t len)
{
	uint8_t head[32];

	(void)obj;
	if (len != WIT_SECTION_SIZE)
		return -RVX_EINVAL;
	/* The stored head must be what the stored state finalises to. */
	rvx_witness_head_at_(in + 8, rvx_le_get64(in), head);
	return rvx_wit_eq_(head, in + 40, 32) ? 0 : -RVX_EINVAL;
}

static void wit_load(void *obj, const uint8_t *in, size_t len)
{
	struct rvx_witness_log *log = obj;

	(void)len;
	log->sequence = rvx_le_get64(in);
	memcpy(log->state, in + 8, 32);
	log->epoch = rvx_le_get64(in + 72);
	log->epoch_events = rvx_le_get64(in + 80);
	log->epoch_bytes = rvx_le_get64(in + 88);
	memcpy(log->epoch_state, in + 96, 32);
	memcpy(log->epoch_pending, in + 128, 32);
}

const struct rvx_ckpt_section_ops rvx_ckpt_witness_ops = {
	RVX_CKPT_WITNESS, wit_size, wit_write, wit_check, wit_load,
};

/* ---- capability space: geometry, then slots, tables, registry ---- */

#define CAP_HDR 24u
#define CAP_SLOT 40u
#define CAP_TABLE 8u
#define CAP_OBJECT 16u

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
		rvx_le_put32(p + 24, sl->parent);
		rvx_le_put32(p + 28, sl->first_child);
		rvx_le_put32(p + 32, sl->next_sibling);
		rvx_le_put32(p + 36, sl->prev_sibling);
	}
	for (uint32_t i = 0; i < s->table_count; i++, p += CAP_TABLE) {
		rvx_le_put32(p, s->tables[i].free_head);
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
		sl->parent = rvx_le_get32(p + 24);
		sl->first_child = rvx_le_get32(p + 28);
		sl->next_sibling = rvx_le_get32(p + 32);
		sl->prev_sibling = rvx_le_get32(p + 36);
	}
	for (uint32_t i = 0; i < s->table_count; i++, p += CAP_TABLE) {
		s->tables[i].free_head = rvx_le_get32(p);
		s->tables[i].used = rvx_le_get32(p + 4);
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

const struct rvx_ckpt_section_ops rvx_ckpt_cap_ops = {
	RVX_CKPT_CAP, cap_size, cap_write, cap_check, cap_load,
};

/* ---- region: state, slab metadata, readable contents ---- */

#define REGION_HDR 48u

/* Bytes of contents a region's checkpoint holds: what can be read. */
static uint64_t region_content(uint32_t policy, uint64_t size, uint64_t cursor)
{
	return policy == RVX_REGION_POLICY_APPEND_ONLY ? cursor : size;
}

static size_t region_size(const void *obj)
{
	const struct rvx_region *r = obj;

	return REGION_HDR + (size_t)r->slot_count * 8u +
	       (size_t)region_content(r->policy, r->size, r->cursor);
}

static void region_write(const void *obj, uint8_t *out)
{
	const struct rvx_region *r = obj;
	uint8_t *p = out + REGION_HDR;

	rvx_le_put32(out, r->policy);
	rvx_le_put32(out + 4, r->slot_size);
	rvx_le_put32(out + 8, r->slot_stride);
	rvx_le_put32(out + 12, r->slot_count);
	rvx_le_put32(out + 16, r->free_head);
	rvx_le_put32(out + 20, r->used_slots);
	rvx_le_put32(out + 24, r->retired_slots);
	rvx_le_put32(out + 28, 0);
	rvx_le_put64(out + 32, r->size);
	rvx_le_put64(out + 40, r->cursor);
	for (uint32_t i = 0; i < r->slot_count; i++, p += 8) {
		rvx_le_put32(p, r->slots[i].gen);
		rvx_le_put32(p + 4, r->slots[i].next);
	}
	memcpy(p, r->base, (size_t)region_content(r->policy, r->size, r->cursor));
}

static int region_check(const void *obj, const uint8_t *in, size_t len)
{
	const struct rvx_region *r = obj;
	uint32_t policy, slots;
	uint64_t cursor;
	const uint8_t *p = in + REGION_HDR;

	if (len < REGION_HDR)
		return -RVX_EINVAL;
	policy = rvx_le_get32(in);
	slots = rvx_le_get32(in + 12);
	cursor = rvx_le_get64(in + 40);
	if (policy == RVX_REGION_POLICY_NONE || policy != r->policy ||
	    rvx_le_get32(in + 4) != r->slot_size || rvx_le_get32(in + 8) != r->slot_stride ||
	    slots != r->slot_count || rvx_le_get64(in + 32) != r->size || cursor > r->size ||
	    rvx_le_get32(in + 28) != 0 || r->base == NULL || (slots > 0 && r->slots == NULL))
		return -RVX_EINVAL;
	if (len - REGION_HDR != (size_t)slots * 8u + region_content(policy, r->size, cursor))
		return -RVX_EINVAL;
	/* Without slots the free head is whatever init left; keep it as is. */
	if (slots == 0 && rvx_le_get32(in + 16) != r->free_head)
		return -RVX_EINVAL;
	if (slots > 0 &&
	    !(rvx_le_get32(in + 16) < slots || rvx_le_get32(in + 16) == RVX_REGION_SLOT_END))
		return -RVX_EINVAL;
	if (
	    rvx_le_get32(in + 20) > slots || rvx_le_get32(in + 24) > slots)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < slots; i++, p += 8) {
		uint32_t next = rvx_le_get32(p + 4);

		if (rvx_le_get32(p) == 0 ||
		    !(next < slots || next == RVX_REGION_SLOT_END ||
		      next == RVX_REGION_SLOT_LIVE || next == RVX_REGION_SLOT_RETIRED))
			return -RVX_EINVAL;
	}
	return 0;
}

static void region_load(void *obj, const uint8_t *in, size_t len)
{
	struct rvx_region *r = obj;
	const uint8_t *p = in + REGION_HDR;

	(void)len;
	r->free_head = rvx_le_get32(in + 16);
	r->used_slots = rvx_le_get32(in + 20);
	r->retired_slots = rvx_le_get32(in + 24);
	r->cursor = rvx_le_get64(in + 40);
	for (uint32_t i = 0; i < r->slot_count; i++, p += 8) {
		r->slots[i].gen = rvx_le_get32(p);
		r->slots[i].next = rvx_le_get32(p + 4);
	}
	memcpy(r->base, p, (size_t)region_content(r->policy, r->size, r->cursor));
}

const struct rvx_ckpt_section_ops rvx_ckpt_region_ops = {
	RVX_CKPT_REGION, region_size, region_write, region_check, region_load,
};

/* ---- queue: geometry, ring positions, storage bytes ---- */

#define QUEUE_RINGS (RVX_QUEUE_PRIORITIES + 1u)
#define QUEUE_HDR (24u + QUEUE_RINGS * 16u)

static struct rvx_queue_ring *queue_ring(struct rvx_queue *q, uint32_t i)
{
	return i < RVX_QUEUE_PRIORITIES ? &q->sq[i] : &q->cq;
}

/* Storage bytes: a message ring per priority, then the completion ring
 * (smaller slots), as RVX_QUEUE_STORAGE_SIZE() lays them out. */
static size_t queue_storage(const struct rvx_queue *q)
{
	return q->ring_size * RVX_QUEUE_PRIORITIES + (size_t)q->slot_count * RVX_QUEUE_CQ_SLOT_SIZE;
}

static size_t queue_size(const void *obj)
{
	return QUEUE_HDR + queue_storage(obj);
}

static void queue_write(const void *obj, uint8_t *out)
{
	const struct rvx_queue *q = obj;
	uint8_t *p = out + 24;

	rvx_le_put32(out, q->slot_count);
	rvx_le_put32(out + 4, q->slot_size);
	rvx_le_put32(out + 8, q->max_payload);
	rvx_le_put32(out + 12, 0);
	rvx_le_put64(out + 16, q->ring_size);
	for (uint32_t i = 0; i < QUEUE_RINGS; i++, p += 16) {
		const struct rvx_queue_ring *ring = queue_ring((struct rvx_queue *)(uintptr_t)q, i);

		rvx_le_put32(p, ring->tx.pos);
		rvx_le_put32(p + 4, ring->tx.peer);
		rvx_le_put32(p + 8, ring->rx.pos);
		rvx_le_put32(p + 12, ring->rx.peer);
	}
	memcpy(p, q->storage, queue_storage(q));
}

static int queue_check(const void *obj, const uint8_t *in, size_t len)
{
	const struct rvx_queue *q = obj;
	const uint8_t *p = in + 24;

	if (len < QUEUE_HDR || q->storage == NULL || rvx_le_get32(in) != q->slot_count ||
	    rvx_le_get32(in + 4) != q->slot_size || rvx_le_get32(in + 8) != q->max_payload ||
	    rvx_le_get32(in + 12) != 0 || rvx_le_get64(in + 16) != q->ring_size ||
	    len != queue_size(q))
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < QUEUE_RINGS; i++, p += 16) {
		/* Entries in flight never exceed the ring, from either view. */
		if (rvx_le_get32(p) - rvx_le_get32(p + 8) > q->slot_count ||
		    rvx_le_get32(p) - rvx_le_get32(p + 4) > q->slot_count)
			return -RVX_EINVAL;
	}
	return 0;
}

static void queue_load(void *obj, const uint8_t *in, size_t len)
{
	struct rvx_queue *q = obj;
	const uint8_t *p = in + 24;

	(void)len;
	for (uint32_t i = 0; i < QUEUE_RINGS; i++, p += 16) {
		struct rvx_queue_ring *ring = queue_ring(q, i);

		ring->tx.pos = rvx_le_get32(p);
		ring->tx.peer = rvx_le_get32(p + 4);
		ring->rx.pos = rvx_le_get32(p + 8);
		ring->rx.peer = rvx_le_get32(p + 12);
	}
	memcpy(q->storage, p, queue_storage(q));
}

const struct rvx_ckpt_section_ops rvx_ckpt_queue_ops = {
	RVX_CKPT_QUEUE, queue_size, queue_write, queue_check, queue_load,
};
