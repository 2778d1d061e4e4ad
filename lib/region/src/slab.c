/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Slab regions: fixed-size slots named by (index, generation) handles.
 *
 * Free slots form a singly linked LIFO list threaded through the caller's
 * metadata array by index, so alloc and free are O(1) and the state is
 * plain checkpointable bytes. A slot's generation moves on every time it is
 * freed; a handle is accepted only while the slot is live and the
 * generations match, so a handle kept past a free is detected however often
 * the slot was reused since. Generations never wrap: a slot whose
 * generation reached UINT32_MAX is retired when it is freed.
 */
#include "region_internal.h"

/* The stride for a slot size already known to be 1..RVX_REGION_SLOT_SIZE_MAX
 * (the macro's arithmetic cannot overflow in that range). */
static uint32_t slab_stride(size_t slot_size)
{
	return (uint32_t)RVX_REGION_SLAB_STRIDE(slot_size);
}

_Static_assert(RVX_REGION_SLAB_STRIDE(RVX_REGION_SLOT_SIZE_MAX) ==
		       RVX_REGION_SLOT_SIZE_MAX,
	       "the largest slot's stride fits in 32 bits");

uint32_t rvx_region_slab_slot_count(size_t size, size_t slot_size)
{
	if (slot_size == 0 || slot_size > RVX_REGION_SLOT_SIZE_MAX)
		return 0;

	size_t count = size / slab_stride(slot_size);

	if (count > RVX_REGION_SLAB_SLOTS_MAX)
		return 0;
	return (uint32_t)count;
}

size_t rvx_region_slab_meta_size(uint32_t slot_count)
{
	size_t bytes;

	if (slot_count == 0 || slot_count > RVX_REGION_SLAB_SLOTS_MAX)
		return 0;
	/* Cannot overflow with a 64-bit size_t, but can with a 32-bit one. */
	if (__builtin_mul_overflow((size_t)slot_count,
				   sizeof(struct rvx_region_slot), &bytes))
		return 0;
	return bytes;
}

/* True if the two non-empty, non-wrapping ranges share a byte. */
static bool spans_overlap(const void *a, size_t a_len, const void *b,
			  size_t b_len)
{
	uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;

	return pa < pb + b_len && pb < pa + a_len;
}

int rvx_region_init_slab(struct rvx_region *r, void *mem, size_t size,
			 size_t slot_size, struct rvx_region_slot *meta,
			 size_t meta_size)
{
	if (r == NULL || !rvx_region_span_ok_(mem, size) || meta == NULL)
		return -RVX_EINVAL;
	if (slot_size == 0 || slot_size > RVX_REGION_SLOT_SIZE_MAX ||
	    slot_size > size)
		return -RVX_EINVAL;

	uint32_t stride = slab_stride(slot_size);
	size_t align = stride < RVX_REGION_ALIGN ? stride : RVX_REGION_ALIGN;

	if ((uintptr_t)mem % align != 0 ||
	    (uintptr_t)meta % alignof(struct rvx_region_slot) != 0)
		return -RVX_EINVAL;

	size_t count = size / stride;

	/* count == 0 when the slot fits the memory but its stride does not. */
	if (count == 0 || count > RVX_REGION_SLAB_SLOTS_MAX)
		return -RVX_EINVAL;

	size_t need = rvx_region_slab_meta_size((uint32_t)count);

	if (need == 0 || meta_size < need)
		return -RVX_ENOMEM;
	/* Only the first count slots and need metadata bytes are used; they
	 * must be real, disjoint ranges or one would corrupt the other. */
	size_t span = count * stride;

	if (!rvx_region_span_ok_(meta, need) ||
	    spans_overlap(mem, span, meta, need))
		return -RVX_EINVAL;

	/* Commit. Slots start zeroed, and are zeroed again on free, so a
	 * freshly allocated slot never shows an earlier owner's bytes. */
	uint8_t *base = mem;

	memset(base, 0, span);
	for (uint32_t i = 0; i < (uint32_t)count; i++) {
		meta[i].gen = 1;
		meta[i].next = i + 1;
	}
	meta[count - 1].next = RVX_REGION_SLOT_END;

	memset(r, 0, sizeof(*r));
	r->base = base;
	r->slots = meta;
	r->size = size;
	r->policy = RVX_REGION_POLICY_SLAB;
	r->slot_size = (uint32_t)slot_size;
	r->slot_stride = stride;
	r->slot_count = (uint32_t)count;
	r->free_head = 0;
	return 0;
}

/* Validate a handle against a slab: returns the slot index (>= 0) or an
 * error. Generation 0 and out-of-range indices were never issued by this
 * region, so they are malformed (EINVAL); a well-formed handle whose slot is
 * not live or has moved on to another generation is stale. */
static int64_t slab_lookup(const struct rvx_region *r, rvx_handle_t h)
{
	if (r->policy != RVX_REGION_POLICY_SLAB)
		return -RVX_EPOLICY;

	uint32_t index = rvx_handle_index(h);
	uint32_t gen = rvx_handle_gen(h);

	if (gen == 0 || index >= r->slot_count)
		return -RVX_EINVAL;

	const struct rvx_region_slot *s = &r->slots[index];

	if (s->next != RVX_REGION_SLOT_LIVE || s->gen != gen)
		return -RVX_ESTALE;
	return index;
}

static uint8_t *slot_base(const struct rvx_region *r, uint32_t index)
{
	return r->base + (size_t)index * r->slot_stride;
}

int rvx_region_slab_alloc(struct rvx_region *r, rvx_handle_t *h)
{
	if (!rvx_region_ready_(r) || h == NULL)
		return -RVX_EINVAL;
	if (r->policy != RVX_REGION_POLICY_SLAB)
		return -RVX_EPOLICY;
	if (r->free_head == RVX_REGION_SLOT_END)
		return -RVX_ESLABFULL;

	uint32_t index = r->free_head;
	struct rvx_region_slot *s = &r->slots[index];

	/* The list is only ever built from valid indices by this file; a bad
	 * link means the metadata was corrupted, which must not turn into a
	 * write outside the caller's arrays. */
	RVX_CHECK(index < r->slot_count);
	RVX_CHECK(s->next == RVX_REGION_SLOT_END || s->next < r->slot_count);
	RVX_CHECK(s->gen != 0);

	r->free_head = s->next;
	s->next = RVX_REGION_SLOT_LIVE;
	r->used_slots++;
	*h = rvx_handle_make(index, s->gen);
	return 0;
}

int rvx_region_slab_free(struct rvx_region *r, rvx_handle_t h)
{
	if (!rvx_region_ready_(r))
		return -RVX_EINVAL;

	int64_t found = slab_lookup(r, h);

	if (found < 0)
		return (int)found;

	uint32_t index = (uint32_t)found;
	struct rvx_region_slot *s = &r->slots[index];

	memset(slot_base(r, index), 0, r->slot_stride);
	r->used_slots--;
	if (s->gen == UINT32_MAX) {
		/* Reissuing would have to repeat a generation; retire the
		 * slot so that no old handle can ever match again. */
		s->next = RVX_REGION_SLOT_RETIRED;
		r->retired_slots++;
	} else {
		s->gen++;
		s->next = r->free_head;
		r->free_head = index;
	}
	return 0;
}

int rvx_region_slab_write(struct rvx_region *r, rvx_handle_t h, size_t offset,
			  const void *data, size_t len)
{
	if (!rvx_region_ready_(r) || data == NULL)
		return -RVX_EINVAL;

	int64_t found = slab_lookup(r, h);

	if (found < 0)
		return (int)found;
	if (!rvx_region_range_ok_(offset, len, r->slot_size))
		return -RVX_EINVAL;

	/* memmove: data may come from another slot of the same slab. */
	if (len != 0)
		memmove(slot_base(r, (uint32_t)found) + offset, data, len);
	return 0;
}

int rvx_region_slab_read(const struct rvx_region *r, rvx_handle_t h,
			 size_t offset, void *buf, size_t len)
{
	if (!rvx_region_ready_(r) || buf == NULL)
		return -RVX_EINVAL;

	int64_t found = slab_lookup(r, h);

	if (found < 0)
		return (int)found;
	if (!rvx_region_range_ok_(offset, len, r->slot_size))
		return -RVX_EINVAL;

	if (len != 0)
		memmove(buf, slot_base(r, (uint32_t)found) + offset, len);
	return 0;
}

int rvx_region_slab_ptr(const struct rvx_region *r, rvx_handle_t h, void **ptr)
{
	if (!rvx_region_ready_(r) || ptr == NULL)
		return -RVX_EINVAL;

	int64_t found = slab_lookup(r, h);

	if (found < 0)
		return (int)found;
	*ptr = slot_base(r, (uint32_t)found);
	return 0;
}

/* ---- validation of state bytes (a checkpoint image, before it is loaded) ---- */

static struct rvx_region_slot vmeta(const void *slots, uint32_t i)
{
	struct rvx_region_slot s;

	memcpy(&s, (const uint8_t *)slots + (size_t)i * sizeof(s), sizeof(s));
	return s;
}

/* A slab's metadata: generations, links, counts and its free list. */
static bool vslab_ok(const struct rvx_region *r, const void *slots)
{
	uint32_t n = r->slot_count, live = 0, retired = 0, free_count, steps = 0;

	if (r->cursor != 0 || r->slot_size == 0 || r->slot_size > RVX_REGION_SLOT_SIZE_MAX ||
	    r->slot_size > r->size || r->slot_stride != slab_stride(r->slot_size) ||
	    n == 0 || n > RVX_REGION_SLAB_SLOTS_MAX || n != r->size / r->slot_stride ||
	    slots == NULL || !(r->free_head < n || r->free_head == RVX_REGION_SLOT_END))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		struct rvx_region_slot s = vmeta(slots, i);

		if (s.gen == 0)
			return false;
		if (s.next == RVX_REGION_SLOT_LIVE)
			live++;
		else if (s.next == RVX_REGION_SLOT_RETIRED && s.gen == UINT32_MAX)
			retired++;
		else if (!(s.next < n || s.next == RVX_REGION_SLOT_END))
			return false;
	}
	if (live != r->used_slots || retired != r->retired_slots)
		return false;
	free_count = n - live - retired;
	for (uint32_t cur = r->free_head; cur != RVX_REGION_SLOT_END; cur = vmeta(slots, cur).next) {
		uint32_t next = vmeta(slots, cur).next;

		if (steps++ == free_count || next == RVX_REGION_SLOT_LIVE ||
		    next == RVX_REGION_SLOT_RETIRED)
			return false;
	}
	return steps == free_count;
}

int rvx_region_validate(const struct rvx_region *r, const void *slots)
{
	if (r == NULL || r->reserved != 0)
		return -RVX_EINVAL;
	switch (r->policy) {
	case RVX_REGION_POLICY_IMMUTABLE:
	case RVX_REGION_POLICY_APPEND_ONLY:
		if ((r->policy == RVX_REGION_POLICY_IMMUTABLE ? r->cursor != r->size
							       : r->cursor > r->size) ||
		    r->slot_size != 0 || r->slot_stride != 0 || r->slot_count != 0 ||
		    r->used_slots != 0 || r->retired_slots != 0)
			return -RVX_EINVAL;
		return 0;
	case RVX_REGION_POLICY_SLAB:
		return vslab_ok(r, slots) ? 0 : -RVX_EINVAL;
	default:
		return -RVX_EINVAL;
	}
}
