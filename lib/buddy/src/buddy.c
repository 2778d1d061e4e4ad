/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The buddy allocator. Blocks are aligned by absolute page frame number, not
 * by index from the span's base, so a block of order o is aligned to
 * `page_size << o` as a physical address whatever the base is; a block's
 * buddy is the one whose frame number differs in bit o, and it exists only
 * when it lies wholly inside the span.
 *
 * Invariant: every managed page is either the head of a block (FREE or
 * USED, with the block's order) or INNER. Splits and merges keep it with
 * O(1) work per order step: a split marks the new upper half's head, a merge
 * turns the higher head into INNER.
 *
 * Every action checks everything first, then mutates with code that cannot
 * fail, so a refused call leaves every byte as it was.
 */
#include "ruvix/buddy.h"

/* Index of the page holding @p addr; the caller checked it is in the span. */
static uint32_t page_index(const struct rvx_buddy *b, uint64_t addr)
{
	return (uint32_t)((addr >> b->page_shift) - b->base_pfn);
}

static uint64_t page_addr(const struct rvx_buddy *b, uint32_t idx)
{
	return b->base + ((uint64_t)idx << b->page_shift);
}

/* Whether the block of @p order starting at index @p idx is aligned to its
 * size (by frame number) and lies wholly inside the span. */
static bool block_fits(const struct rvx_buddy *b, uint64_t idx, uint32_t order)
{
	uint64_t n = (uint64_t)1 << order;

	return ((b->base_pfn + idx) & (n - 1u)) == 0 && idx + n <= b->page_count;
}

/* Push the block at @p idx onto the free list of @p order. */
static void list_push(struct rvx_buddy *b, uint32_t idx, uint32_t order)
{
	struct rvx_buddy_page *p = &b->pages[idx];
	uint32_t head = b->free_head[order];

	p->state = RVX_BUDDY_PAGE_FREE;
	p->order = (uint8_t)order;
	p->prev = RVX_BUDDY_NONE;
	p->next = head;
	if (head != RVX_BUDDY_NONE)
		b->pages[head].prev = idx;
	b->free_head[order] = idx;
	b->free_blocks[order]++;
	b->nonempty |= 1u << order;
	b->free_pages += 1u << order;
}

/* Unlink the free block at @p idx from its list. The caller sets its new
 * state. */
static void list_unlink(struct rvx_buddy *b, uint32_t idx)
{
	struct rvx_buddy_page *p = &b->pages[idx];
	uint32_t order = p->order;

	if (p->prev != RVX_BUDDY_NONE)
		b->pages[p->prev].next = p->next;
	else
		b->free_head[order] = p->next;
	if (p->next != RVX_BUDDY_NONE)
		b->pages[p->next].prev = p->prev;
	p->next = RVX_BUDDY_NONE;
	p->prev = RVX_BUDDY_NONE;
	b->free_blocks[order]--;
	if (b->free_head[order] == RVX_BUDDY_NONE)
		b->nonempty &= ~(1u << order);
	b->free_pages -= 1u << order;
}

/* Put the block at @p idx of @p order on the free lists, merging it with its
 * buddy for as long as the buddy is a free block of the same order. The
 * block's pages other than its head must already be INNER. */
static void free_merge(struct rvx_buddy *b, uint32_t idx, uint32_t order)
{
	while (order < b->max_order) {
		uint64_t pfn = b->base_pfn + idx;
		uint64_t buddy_pfn = pfn ^ ((uint64_t)1 << order);

		/* The buddy is outside the span (below the base or past the
		 * end): this block cannot grow. */
		if (buddy_pfn < b->base_pfn)
			break;
		uint64_t bidx = buddy_pfn - b->base_pfn;
		if (bidx + ((uint64_t)1 << order) > b->page_count)
			break;
		const struct rvx_buddy_page *bp = &b->pages[bidx];
		if (bp->state != RVX_BUDDY_PAGE_FREE || bp->order != order)
			break;
		list_unlink(b, (uint32_t)bidx);
		/* The merged block starts at the lower of the two heads; the
		 * higher one becomes an inner page. */
		if (bidx < idx) {
			b->pages[idx].state = RVX_BUDDY_PAGE_INNER;
			b->pages[idx].order = 0;
			idx = (uint32_t)bidx;
		} else {
			b->pages[bidx].state = RVX_BUDDY_PAGE_INNER;
			b->pages[bidx].order = 0;
		}
		order++;
	}
	list_push(b, idx, order);
}

/* Index of the head of the block holding managed page @p idx, found by
 * trying each aligned position below it from the smallest order up: the
 * first head met whose block reaches @p idx is the one (every page strictly
 * between it and @p idx is INNER). Returns RVX_BUDDY_NONE for an ABSENT
 * page. */
static uint32_t block_head(const struct rvx_buddy *b, uint32_t idx)
{
	if (b->pages[idx].state == RVX_BUDDY_PAGE_ABSENT)
		return RVX_BUDDY_NONE;
	for (uint32_t o = 0; o <= b->max_order; o++) {
		uint64_t pfn = (b->base_pfn + idx) & ~(((uint64_t)1 << o) - 1u);
		if (pfn < b->base_pfn)
			break;
		uint32_t h = (uint32_t)(pfn - b->base_pfn);
		const struct rvx_buddy_page *p = &b->pages[h];
		if ((p->state == RVX_BUDDY_PAGE_FREE ||
		     p->state == RVX_BUDDY_PAGE_USED) &&
		    (uint64_t)h + ((uint64_t)1 << p->order) > idx)
			return h;
	}
	/* A managed page outside every block breaks the invariant. */
	RVX_CHECK(0);
	return RVX_BUDDY_NONE;
}

size_t rvx_buddy_page_count(uint64_t size, uint64_t page_size)
{
	if (!RVX_IS_POW2(page_size) || size % page_size != 0)
		return 0;
	uint64_t n = size / page_size;
	if (n > RVX_BUDDY_PAGES_MAX || n > SIZE_MAX)
		return 0;
	return (size_t)n;
}

int rvx_buddy_init(struct rvx_buddy *b, struct rvx_buddy_page *pages,
		   size_t page_capacity, uint64_t base, uint64_t size,
		   uint64_t page_size, uint32_t max_order)
{
	if (b == NULL || pages == NULL || !RVX_IS_POW2(page_size) || size == 0 ||
	    base % page_size != 0 || size % page_size != 0 ||
	    base + size <= base || max_order > RVX_BUDDY_ORDER_MAX)
		return -RVX_EINVAL;
	uint64_t count = size / page_size;
	if (count > RVX_BUDDY_PAGES_MAX)
		return -RVX_EINVAL;
	if (page_capacity < count)
		return -RVX_ENOMEM;

	/* All zero: every page ABSENT, every pad byte defined, so two
	 * allocators that saw the same calls are equal byte for byte. */
	memset(pages, 0, sizeof(*pages) * (size_t)count);
	memset(b, 0, sizeof(*b));
	b->pages = pages;
	b->base = base;
	b->page_shift = (uint32_t)__builtin_ctzll(page_size);
	b->base_pfn = base >> b->page_shift;
	b->page_count = (uint32_t)count;
	b->max_order = max_order;
	for (uint32_t o = 0; o <= RVX_BUDDY_ORDER_MAX; o++)
		b->free_head[o] = RVX_BUDDY_NONE;
	return 0;
}

/* Clip [addr, addr + size) to the span as page indices [*lo, *hi), rounding
 * inwards (@p outward false) or outwards. The caller checked that the range
 * does not wrap. */
static void range_pages(const struct rvx_buddy *b, uint64_t addr, uint64_t size,
			bool outward, uint64_t *lo, uint64_t *hi)
{
	uint64_t end = addr + size; /* 0 when an outward range ends at 2^64 */
	uint64_t first = addr >> b->page_shift;
	uint64_t mask = ((uint64_t)1 << b->page_shift) - 1u;
	uint64_t last; /* one past the last page frame */

	if (outward) {
		last = (end - 1u) >> b->page_shift;
		last++;
	} else {
		if (addr & mask)
			first++;
		/* Inward ranges lie inside the span, which ends below 2^64. */
		last = end >> b->page_shift;
	}
	uint64_t span_end = b->base_pfn + b->page_count;
	if (first < b->base_pfn)
		first = b->base_pfn;
	if (last > span_end)
		last = span_end;
	*lo = first - b->base_pfn;
	*hi = last > first ? last - b->base_pfn : *lo;
}

int rvx_buddy_add(struct rvx_buddy *b, uint64_t addr, uint64_t size)
{
	if (b == NULL || size == 0 || addr + size - 1u < addr)
		return -RVX_EINVAL;
	/* The range must lie inside the span. */
	uint64_t span_last = b->base + ((uint64_t)b->page_count << b->page_shift) - 1u;
	if (addr < b->base || addr + size - 1u > span_last)
		return -RVX_EINVAL;
	uint64_t lo, hi;
	range_pages(b, addr, size, false, &lo, &hi);
	if (lo >= hi)
		return -RVX_EINVAL;
	for (uint64_t i = lo; i < hi; i++)
		if (b->pages[i].state != RVX_BUDDY_PAGE_ABSENT)
			return -RVX_EEXIST;

	/* Cover the range with the largest aligned blocks that fit, each
	 * freed as if it had been allocated, so it merges with whatever free
	 * neighbours the range has. */
	uint64_t i = lo;
	while (i < hi) {
		uint32_t order = 0;
		while (order < b->max_order && block_fits(b, i, order + 1u) &&
		       i + ((uint64_t)2 << order) <= hi)
			order++;
		uint64_t n = (uint64_t)1 << order;
		for (uint64_t j = i + 1u; j < i + n; j++)
			b->pages[j].state = RVX_BUDDY_PAGE_INNER;
		b->managed_pages += (uint32_t)n;
		free_merge(b, (uint32_t)i, order);
		i += n;
	}
	return 0;
}

/* Take the single page @p idx, inside the free block headed by @p head, out
 * of the allocator: the block is split in halves down to order 0, each half
 * that does not hold the page going back on its free list. */
static void reserve_page(struct rvx_buddy *b, uint32_t head, uint32_t idx)
{
	uint32_t order = b->pages[head].order;

	list_unlink(b, head);
	while (order > 0) {
		order--;
		uint32_t upper = head + (1u << order);
		if (idx >= upper) {
			list_push(b, head, order);
			head = upper;
		} else {
			list_push(b, upper, order);
		}
	}
	b->pages[idx].state = RVX_BUDDY_PAGE_ABSENT;
	b->pages[idx].order = 0;
	b->managed_pages--;
}

int rvx_buddy_reserve(struct rvx_buddy *b, uint64_t addr, uint64_t size)
{
	if (b == NULL || size == 0 || addr + size - 1u < addr)
		return -RVX_EINVAL;
	uint64_t lo, hi;
	range_pages(b, addr, size, true, &lo, &hi);
	for (uint64_t i = lo; i < hi; i++) {
		uint32_t h = block_head(b, (uint32_t)i);
		if (h != RVX_BUDDY_NONE && b->pages[h].state == RVX_BUDDY_PAGE_USED)
			return -RVX_EBUSY;
	}

	for (uint64_t i = lo; i < hi; i++) {
		uint32_t h = block_head(b, (uint32_t)i);
		if (h != RVX_BUDDY_NONE)
			reserve_page(b, h, (uint32_t)i);
	}
	return 0;
}

int rvx_buddy_alloc(struct rvx_buddy *b, uint32_t order, uint64_t *addr)
{
	if (b == NULL || addr == NULL || order > b->max_order)
		return -RVX_EINVAL;
	uint32_t avail = b->nonempty >> order;
	if (avail == 0)
		return -RVX_ENOMEM;

	/* The smallest non-empty list at or above @p order, in one step. */
	uint32_t o = order + (uint32_t)__builtin_ctz(avail);
	uint32_t idx = b->free_head[o];
	list_unlink(b, idx);
	while (o > order) {
		o--;
		list_push(b, idx + (1u << o), o);
	}
	b->pages[idx].state = RVX_BUDDY_PAGE_USED;
	b->pages[idx].order = (uint8_t)order;
	*addr = page_addr(b, idx);
	return 0;
}

int rvx_buddy_free(struct rvx_buddy *b, uint64_t addr, uint32_t order)
{
	if (b == NULL || order > b->max_order || addr < b->base ||
	    ((addr >> b->page_shift) - b->base_pfn) >= b->page_count ||
	    (addr & (((uint64_t)1 << b->page_shift) - 1u)) != 0 ||
	    ((addr >> b->page_shift) & (((uint64_t)1 << order) - 1u)) != 0)
		return -RVX_EINVAL;
	uint32_t idx = page_index(b, addr);
	const struct rvx_buddy_page *p = &b->pages[idx];
	if (p->state != RVX_BUDDY_PAGE_USED)
		return -RVX_ENOENT;
	if (p->order != order)
		return -RVX_EINVAL;

	free_merge(b, idx, order);
	return 0;
}

int rvx_buddy_stats(const struct rvx_buddy *b, struct rvx_buddy_stats *stats)
{
	if (b == NULL || stats == NULL)
		return -RVX_EINVAL;
	memset(stats, 0, sizeof(*stats));
	stats->page_size = (uint64_t)1 << b->page_shift;
	stats->page_count = b->page_count;
	stats->managed_pages = b->managed_pages;
	stats->free_pages = b->free_pages;
	stats->used_pages = b->managed_pages - b->free_pages;
	stats->max_order = b->max_order;
	for (uint32_t o = 0; o <= b->max_order; o++)
		stats->free_blocks[o] = b->free_blocks[o];
	return 0;
}

int rvx_buddy_verify(const struct rvx_buddy *b)
{
	if (b == NULL || b->pages == NULL || b->max_order > RVX_BUDDY_ORDER_MAX ||
	    b->page_shift >= 64 || b->page_count > RVX_BUDDY_PAGES_MAX)
		return -RVX_EINVAL;

	/* Walk the span block by block: each head's block must be aligned,
	 * inside the span and made of INNER pages; ABSENT pages stand alone. */
	uint64_t managed = 0, free_pages = 0;
	uint32_t blocks[RVX_BUDDY_ORDER_MAX + 1] = {0};
	uint64_t i = 0;
	while (i < b->page_count) {
		const struct rvx_buddy_page *p = &b->pages[i];
		if (p->pad[0] != 0 || p->pad[1] != 0)
			return -RVX_EINVAL;
		if (p->state == RVX_BUDDY_PAGE_ABSENT) {
			i++;
			continue;
		}
		if (p->state != RVX_BUDDY_PAGE_FREE && p->state != RVX_BUDDY_PAGE_USED)
			return -RVX_EINVAL;
		if (p->order > b->max_order || !block_fits(b, i, p->order))
			return -RVX_EINVAL;
		uint64_t n = (uint64_t)1 << p->order;
		for (uint64_t j = i + 1u; j < i + n; j++)
			if (b->pages[j].state != RVX_BUDDY_PAGE_INNER)
				return -RVX_EINVAL;
		managed += n;
		if (p->state == RVX_BUDDY_PAGE_FREE) {
			free_pages += n;
			blocks[p->order]++;
			/* Fully merged: a free block's buddy is never a free
			 * block of the same order. */
			if (p->order < b->max_order) {
				uint64_t bp = (b->base_pfn + i) ^ n;
				if (bp >= b->base_pfn &&
				    bp - b->base_pfn + n <= b->page_count) {
					const struct rvx_buddy_page *q =
						&b->pages[bp - b->base_pfn];
					if (q->state == RVX_BUDDY_PAGE_FREE &&
					    q->order == p->order)
						return -RVX_EINVAL;
				}
			}
		}
		i += n;
	}
	if (managed != b->managed_pages || free_pages != b->free_pages)
		return -RVX_EINVAL;

	/* Each list: links consistent both ways, only free heads of its
	 * order, as many as counted; the non-empty mask agrees. */
	for (uint32_t o = 0; o <= RVX_BUDDY_ORDER_MAX; o++) {
		uint32_t count = 0, prev = RVX_BUDDY_NONE;
		for (uint32_t h = b->free_head[o]; h != RVX_BUDDY_NONE;
		     h = b->pages[h].next) {
			if (h >= b->page_count || count >= b->free_blocks[o])
				return -RVX_EINVAL;
			const struct rvx_buddy_page *p = &b->pages[h];
			if (p->state != RVX_BUDDY_PAGE_FREE || p->order != o ||
			    p->prev != prev)
				return -RVX_EINVAL;
			prev = h;
			count++;
		}
		if (count != b->free_blocks[o] || count != blocks[o] ||
		    ((b->nonempty >> o) & 1u) != (count != 0))
			return -RVX_EINVAL;
	}
	if (b->max_order < 31u && (b->nonempty >> (b->max_order + 1u)) != 0)
		return -RVX_EINVAL;
	return 0;
}
