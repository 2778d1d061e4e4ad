/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Physical pages: lib/buddy over the DTB's memory range. Its page records
 * and the task-stack arena live in RAM right after the image (clear of the
 * DTB and the initrd); the image, the records, the arena, the DTB, the
 * initrd and everything below the image (where a boot loader may keep its
 * own data) are reserved. The layout is planned before the MMU is on (the
 * page tables need the arena's guard pages); the allocator itself is built
 * after, since with the MMU off all memory is Device memory, where
 * unaligned and exclusive accesses fault on a strict machine. The kernel's
 * pools come from here.
 *
 * The range is cut into aligned chunks (16 MiB, more on a machine with
 * more than 1 GiB), each a buddy allocator of its own over its slice of the
 * page records, built only when an allocation finds every built chunk
 * full: building one writes each of its page records, so building all of
 * RAM at boot cost more than the rest of the boot together. A chunk gets
 * only the gaps between the reserved ranges, each as its largest aligned
 * blocks. No block is larger than a chunk.
 */
#include "ruvix/buddy.h"
#include "a64.h"

#define PAGE 4096u
#define PAGE_SHIFT 12u
/* Chunks: at least 16 MiB (order 12), at most MAX_CHUNKS of them. */
#define CHUNK_ORDER_MIN 12u
#define MAX_CHUNKS 64u
/* Reserved ranges: below the image, the image, the page records, the
 * stacks, the DTB and the initrd. */
#define RESERVED 6u

struct chunk {
	struct rvx_buddy buddy;
	uint64_t start, end; /* the chunk's slice of [plan_base, plan_end) */
	bool built;
};

static struct chunk chunks[MAX_CHUNKS];
static uint32_t chunk_count, chunk_order;
static uint64_t res_start[RESERVED], res_end[RESERVED];
static uint32_t res_count;
static struct rvx_a64_lock phys_lock;
static uint64_t phys_total;

static bool overlaps(uint64_t a, uint64_t len, uint64_t b, uint64_t blen)
{
	return len != 0 && blen != 0 && a < b + blen && b < a + len;
}

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE - 1u) & ~(uint64_t)(PAGE - 1u);
}

/* The boot-time layout, planned with the MMU off (arithmetic only: no
 * allocator state is written before the MMU is on, so nothing runs on
 * Device memory but plain aligned stores). */
static uint64_t plan_base, plan_end, plan_meta, plan_meta_len, plan_stacks, plan_stacks_len;
static size_t plan_count;

/* First page-aligned address >= @p at where [at, at + len) misses the DTB
 * and the initrd. */
static uint64_t first_gap(uint64_t at, uint64_t len)
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	uint64_t dtb = (uint64_t)(uintptr_t)b->dtb;
	uint64_t initrd_len = b->initrd_end - b->initrd_start;

	at = page_up(at);
	for (int i = 0; i < 3; i++) {
		if (overlaps(at, len, dtb, b->dtb_size))
			at = page_up(dtb + b->dtb_size);
		if (overlaps(at, len, b->initrd_start, initrd_len))
			at = page_up(b->initrd_end);
	}
	return at;
}

int rvx_a64_phys_plan(uint64_t stacks_len)
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	uint64_t base = page_up(b->mem.base);
	uint64_t end = (b->mem.base + b->mem.size) & ~(uint64_t)(PAGE - 1u);
	uint64_t dtb = (uint64_t)(uintptr_t)b->dtb;
	uint64_t initrd_len = b->initrd_end - b->initrd_start;
	uint64_t meta, meta_len, stacks;
	size_t count;

	if (end <= base)
		return -1;
	count = rvx_buddy_page_count(end - base, PAGE);
	meta_len = page_up(count * sizeof(struct rvx_buddy_page));
	stacks_len = page_up(stacks_len);
	/* The page records, then the task-stack arena, go to the first gaps
	 * after the image that miss the DTB and the initrd. */
	meta = first_gap((uint64_t)(uintptr_t)__image_end, meta_len);
	stacks = first_gap(meta + meta_len, stacks_len);
	if (count == 0 || meta + meta_len > end || stacks + stacks_len > end ||
	    stacks + stacks_len < stacks || overlaps(meta, meta_len, dtb, b->dtb_size) ||
	    overlaps(meta, meta_len, b->initrd_start, initrd_len) ||
	    overlaps(stacks, stacks_len, dtb, b->dtb_size) ||
	    overlaps(stacks, stacks_len, b->initrd_start, initrd_len))
		return -1;
	plan_base = base;
	plan_end = end;
	plan_meta = meta;
	plan_meta_len = meta_len;
	plan_stacks = stacks;
	plan_stacks_len = stacks_len;
	plan_count = count;
	return 0;
}

uint64_t rvx_a64_phys_stacks(void)
{
	return plan_stacks;
}

/* The ranges the allocator must not hand out, rounded out to whole pages,
 * clipped to [lo, hi) and sorted by address; returns how many are
 * non-empty. */
static uint32_t reserved_ranges(uint64_t lo, uint64_t hi, uint64_t start[RESERVED],
				uint64_t end[RESERVED])
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	uint64_t img = (uint64_t)(uintptr_t)__image_start;
	const uint64_t want[RESERVED][2] = {
		{lo, img}, /* below the image: the boot loader's */
		{img, (uint64_t)(uintptr_t)__image_end},
		{plan_meta, plan_meta + plan_meta_len},
		{plan_stacks, plan_stacks + plan_stacks_len},
		{(uint64_t)(uintptr_t)b->dtb, (uint64_t)(uintptr_t)b->dtb + b->dtb_size},
		{b->initrd_start, b->initrd_end},
	};
	uint32_t n = 0;

	for (uint32_t i = 0; i < RESERVED; i++) {
		uint64_t s = want[i][0] & ~(uint64_t)(PAGE - 1u);
		uint64_t e = page_up(want[i][1]);
		uint32_t j;

		if (s < lo)
			s = lo;
		if (e > hi)
			e = hi;
		if (s >= e)
			continue;
		for (j = n++; j > 0 && start[j - 1] > s; j--) {
			start[j] = start[j - 1];
			end[j] = end[j - 1];
		}
		start[j] = s;
		end[j] = e;
	}
	return n;
}

/* Calls @p fn on each gap between the reserved ranges inside
 * [@p lo, @p hi); stops at the first non-zero return and returns it. */
static int each_gap(uint64_t lo, uint64_t hi, int (*fn)(void *, uint64_t, uint64_t), void *ctx)
{
	uint64_t at = lo;

	for (uint32_t i = 0; i <= res_count && at < hi; i++) {
		uint64_t gap_end = i < res_count && res_start[i] < hi ? res_start[i] : hi;
		int rc;

		if (gap_end > at) {
			rc = fn(ctx, at, gap_end - at);
			if (rc != 0)
				return rc;
		}
		if (i < res_count && res_end[i] > at)
			at = res_end[i];
	}
	return 0;
}

static int add_gap(void *ctx, uint64_t addr, uint64_t len)
{
	return rvx_buddy_add(ctx, addr, len) == 0 ? 0 : -1;
}

static int count_gap(void *ctx, uint64_t addr, uint64_t len)
{
	(void)addr;
	*(uint64_t *)ctx += len >> PAGE_SHIFT;
	return 0;
}

/* Build chunk @p c: its page records, then its gaps. */
static int chunk_build(struct chunk *c)
{
	uint64_t first = (c->start - plan_base) >> PAGE_SHIFT;
	struct rvx_buddy_page *pages = (struct rvx_buddy_page *)(uintptr_t)plan_meta + first;

	if (rvx_buddy_init(&c->buddy, pages, (size_t)((c->end - c->start) >> PAGE_SHIFT),
			   c->start, c->end - c->start, PAGE, chunk_order) != 0 ||
	    each_gap(c->start, c->end, add_gap, &c->buddy) != 0)
		return -1;
	c->built = true;
	return 0;
}

int rvx_a64_phys_init(void)
{
	uint64_t chunk_len, first;

	if (plan_count == 0)
		return -1;
	chunk_order = CHUNK_ORDER_MIN;
	while (((plan_end - plan_base) >> (PAGE_SHIFT + chunk_order)) >= MAX_CHUNKS)
		chunk_order++;
	chunk_len = (uint64_t)PAGE << chunk_order;
	first = plan_base & ~(chunk_len - 1u);
	chunk_count = 0;
	for (uint64_t at = first; at < plan_end; at += chunk_len) {
		struct chunk *c = &chunks[chunk_count++];

		c->start = at > plan_base ? at : plan_base;
		c->end = at + chunk_len < plan_end ? at + chunk_len : plan_end;
		c->built = false;
	}
	res_count = reserved_ranges(plan_base, plan_end, res_start, res_end);
	phys_total = plan_count;
	/* The first chunk now, so the boot's own pools find it built. */
	return chunk_build(&chunks[0]);
}

void *rvx_a64_alloc(uint64_t size, uint64_t align)
{
	uint64_t need = size > align ? size : align;
	uint32_t order = 0;
	uint64_t addr = 0;
	uint64_t daif;
	int rc = -1;

	while (((uint64_t)PAGE << order) < need) {
		if (++order > chunk_order)
			return NULL;
	}
	daif = rvx_a64_lock_irqsave(&phys_lock);
	for (uint32_t i = 0; i < chunk_count && rc != 0; i++) {
		struct chunk *c = &chunks[i];

		if (!c->built && chunk_build(c) != 0)
			rvx_a64_fail("building a chunk of the page allocator", -RVX_EINVAL);
		rc = rvx_buddy_alloc(&c->buddy, order, &addr);
	}
	rvx_a64_unlock_irqrestore(&phys_lock, daif);
	return rc == 0 ? (void *)(uintptr_t)addr : NULL;
}

void rvx_a64_free(void *block, uint64_t size, uint64_t align)
{
	uint64_t need = size > align ? size : align;
	uint64_t addr = (uint64_t)(uintptr_t)block;
	uint64_t first = plan_base & ~(((uint64_t)PAGE << chunk_order) - 1u);
	uint32_t order = 0;
	uint64_t i;
	uint64_t daif;
	int rc = -RVX_EINVAL;

	while (((uint64_t)PAGE << order) < need)
		order++;
	i = addr >= first ? (addr - first) >> (PAGE_SHIFT + chunk_order) : chunk_count;
	daif = rvx_a64_lock_irqsave(&phys_lock);
	if (i < chunk_count && chunks[i].built)
		rc = rvx_buddy_free(&chunks[i].buddy, addr, order);
	rvx_a64_unlock_irqrestore(&phys_lock, daif);
	if (rc != 0)
		rvx_a64_fail("freeing a block that was not allocated", rc);
}

void rvx_a64_phys_stats(uint64_t *free_pages, uint64_t *total_pages)
{
	uint64_t daif = rvx_a64_lock_irqsave(&phys_lock);

	*total_pages = phys_total;
	*free_pages = 0;
	for (uint32_t i = 0; i < chunk_count; i++) {
		struct rvx_buddy_stats st;

		/* A chunk not yet built is all free but its reserved pages. */
		if (!chunks[i].built)
			(void)each_gap(chunks[i].start, chunks[i].end, count_gap, free_pages);
		else if (rvx_buddy_stats(&chunks[i].buddy, &st) == 0)
			*free_pages += st.free_pages;
	}
	rvx_a64_unlock_irqrestore(&phys_lock, daif);
}
