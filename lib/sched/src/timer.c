/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Timers: a binary min-heap of slot indices ordered by (deadline, seq). The
 * sequence number makes the order total, so equal deadlines fire in arming
 * order and every run fires identically. A slot's heap position lives in
 * its `link`, so cancel removes from the middle in O(log n).
 */
#include "ruvix/timer.h"

#define NIL RVX_TIMER_NIL

static bool before(const struct rvx_timer *t, uint32_t a, uint32_t b)
{
	const struct rvx_timer_slot *sa = &t->slots[a], *sb = &t->slots[b];

	return sa->deadline < sb->deadline ||
	       (sa->deadline == sb->deadline && sa->seq < sb->seq);
}

static void heap_set(struct rvx_timer *t, uint32_t pos, uint32_t slot)
{
	t->heap[pos] = slot;
	t->slots[slot].link = pos;
}

static void sift_up(struct rvx_timer *t, uint32_t pos)
{
	uint32_t slot = t->heap[pos];

	while (pos > 0) {
		uint32_t parent = (pos - 1) / 2;

		if (!before(t, slot, t->heap[parent]))
			break;
		heap_set(t, pos, t->heap[parent]);
		pos = parent;
	}
	heap_set(t, pos, slot);
}

static void sift_down(struct rvx_timer *t, uint32_t pos)
{
	uint32_t slot = t->heap[pos];

	for (;;) {
		uint32_t child = 2 * pos + 1;

		if (child >= t->count)
			break;
		if (child + 1 < t->count && before(t, t->heap[child + 1], t->heap[child]))
			child++;
		if (!before(t, t->heap[child], slot))
			break;
		heap_set(t, pos, t->heap[child]);
		pos = child;
	}
	heap_set(t, pos, slot);
}

/* Take armed slot `slot` out of the heap and free it. */
static void remove_slot(struct rvx_timer *t, uint32_t slot)
{
	struct rvx_timer_slot *s = &t->slots[slot];
	uint32_t pos = s->link;

	RVX_CHECK(pos < t->count && t->heap[pos] == slot);
	t->count--;
	if (pos != t->count) {
		uint32_t moved = t->heap[t->count];

		heap_set(t, pos, moved);
		sift_up(t, pos);
		sift_down(t, t->slots[moved].link);
	}
	s->seq = 0;
	s->gen = rvx_gen_next(s->gen);
	s->link = t->free_head;
	t->free_head = slot;
}

size_t rvx_timer_storage_size(uint32_t capacity)
{
	if (capacity < 1 || capacity > RVX_TIMER_CAPACITY_MAX)
		return 0;
	return RVX_TIMER_STORAGE_SIZE(capacity);
}

int rvx_timer_init(struct rvx_timer *t, void *storage, size_t storage_size, uint32_t capacity)
{
	size_t need = rvx_timer_storage_size(capacity);

	if (t == NULL || storage == NULL || need == 0 ||
	    ((uintptr_t)storage & (RVX_TIMER_STORAGE_ALIGN - 1)) != 0)
		return -RVX_EINVAL;
	if (storage_size < need)
		return -RVX_ENOMEM;

	memset(storage, 0, need);
	t->slots = storage;
	t->heap = (uint32_t *)(void *)((uint8_t *)storage +
				       (size_t)capacity * sizeof(struct rvx_timer_slot));
	t->next_seq = 1;
	t->capacity = capacity;
	t->count = 0;
	t->free_head = 0;
	t->reserved = 0;
	for (uint32_t i = 0; i < capacity; i++) {
		t->slots[i].gen = 1;
		t->slots[i].link = i + 1 < capacity ? i + 1 : NIL;
	}
	return 0;
}

int rvx_timer_arm_at(struct rvx_timer *t, uint64_t deadline, uint64_t cookie,
		     rvx_handle_t *out)
{
	uint32_t slot;
	struct rvx_timer_slot *s;

	if (out == NULL)
		return -RVX_EINVAL;
	if (t->free_head == NIL)
		return -RVX_ELIMIT;

	slot = t->free_head;
	s = &t->slots[slot];
	RVX_CHECK(s->seq == 0);
	t->free_head = s->link;
	s->deadline = deadline;
	s->cookie = cookie;
	/* 2^64 armings never happen; the counter only goes up. */
	s->seq = t->next_seq++;
	heap_set(t, t->count, slot);
	t->count++;
	sift_up(t, t->count - 1);
	*out = rvx_handle_make(slot, s->gen);
	return 0;
}

int rvx_timer_arm_after(struct rvx_timer *t, uint64_t now, uint64_t delay, uint64_t cookie,
			rvx_handle_t *out)
{
	uint64_t deadline = now > UINT64_MAX - delay ? UINT64_MAX : now + delay;

	return rvx_timer_arm_at(t, deadline, cookie, out);
}

int rvx_timer_cancel(struct rvx_timer *t, rvx_handle_t h, uint64_t *out_cookie)
{
	uint32_t slot = rvx_handle_index(h);
	struct rvx_timer_slot *s;

	if (slot >= t->capacity)
		return -RVX_EINVAL;
	s = &t->slots[slot];
	if (s->seq == 0 || s->gen != rvx_handle_gen(h))
		return -RVX_ESTALE;
	if (out_cookie != NULL)
		*out_cookie = s->cookie;
	remove_slot(t, slot);
	return 0;
}

int rvx_timer_expire(struct rvx_timer *t, uint64_t now, uint64_t *cookies, uint32_t max)
{
	uint32_t fired = 0;

	if ((cookies == NULL && max > 0) || max > INT32_MAX)
		return -RVX_EINVAL;
	while (fired < max && t->count > 0) {
		uint32_t slot = t->heap[0];

		if (t->slots[slot].deadline > now)
			break;
		cookies[fired++] = t->slots[slot].cookie;
		remove_slot(t, slot);
	}
	return (int)fired;
}

int rvx_timer_next_deadline(const struct rvx_timer *t, uint64_t *out)
{
	if (out == NULL)
		return -RVX_EINVAL;
	if (t->count == 0)
		return -RVX_EEMPTY;
	*out = t->slots[t->heap[0]].deadline;
	return 0;
}

uint32_t rvx_timer_count(const struct rvx_timer *t)
{
	return t->count;
}

/* ---- validation of state bytes (a checkpoint image, before it is loaded) ---- */

static struct rvx_timer_slot vslot(const void *st, uint32_t i)
{
	struct rvx_timer_slot s;

	memcpy(&s, (const uint8_t *)st + (size_t)i * sizeof(s), sizeof(s));
	return s;
}

static uint32_t vheap(const struct rvx_timer *t, const void *st, uint32_t pos)
{
	uint32_t v;

	memcpy(&v,
	       (const uint8_t *)st + (size_t)t->capacity * sizeof(struct rvx_timer_slot) +
		       (size_t)pos * sizeof(v),
	       sizeof(v));
	return v;
}

int rvx_timer_validate(const struct rvx_timer *t, const void *storage, size_t storage_size)
{
	uint32_t armed = 0, steps = 0;
	size_t need;

	if (t == NULL || storage == NULL)
		return -RVX_EINVAL;
	need = rvx_timer_storage_size(t->capacity);
	if (need == 0 || t->count > t->capacity || t->next_seq == 0 || t->reserved != 0 ||
	    !(t->free_head == NIL || t->free_head < t->capacity))
		return -RVX_EINVAL;
	if (storage_size < need)
		return -RVX_ENOMEM;
	for (uint32_t i = 0; i < t->capacity; i++) {
		struct rvx_timer_slot s = vslot(storage, i);

		if (s.gen == 0)
			return -RVX_EINVAL;
		if (s.seq == 0) {
			if (!(s.link == NIL || s.link < t->capacity))
				return -RVX_EINVAL;
			continue;
		}
		/* Armed: numbered before the next arming, in the heap where its
		 * link says. */
		if (s.seq >= t->next_seq || s.link >= t->count || vheap(t, storage, s.link) != i)
			return -RVX_EINVAL;
		armed++;
	}
	if (armed != t->count)
		return -RVX_EINVAL;
	/* The heap: (deadline, seq) order; its entries are the armed slots
	 * (each position points back at its slot, above). */
	for (uint32_t pos = 1; pos < t->count; pos++) {
		struct rvx_timer_slot a = vslot(storage, vheap(t, storage, pos));
		struct rvx_timer_slot b = vslot(storage, vheap(t, storage, (pos - 1u) / 2u));

		if (a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq))
			return -RVX_EINVAL;
	}
	/* The free list: a simple path through exactly the free slots. */
	for (uint32_t cur = t->free_head; cur != NIL; cur = vslot(storage, cur).link)
		if (steps++ == t->capacity - armed || vslot(storage, cur).seq != 0)
			return -RVX_EINVAL;
	return steps == t->capacity - armed ? 0 : -RVX_EINVAL;
}
