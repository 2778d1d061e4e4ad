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
 */
#include "ruvix/buddy.h"
#include "a64.h"

#define PAGE 4096u
#define MAX_ORDER 18u /* 1 GiB blocks */

static struct rvx_buddy phys;
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

int rvx_a64_phys_init(void)
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	uint64_t dtb = (uint64_t)(uintptr_t)b->dtb;
	uint64_t initrd_len = b->initrd_end - b->initrd_start;
	uint64_t img = (uint64_t)(uintptr_t)__image_start;
	uint64_t base = plan_base;

	if (plan_count == 0)
		return -1;
	if (rvx_buddy_init(&phys, (struct rvx_buddy_page *)(uintptr_t)plan_meta, plan_count, base,
			   plan_end - base, PAGE, MAX_ORDER) != 0 ||
	    rvx_buddy_add(&phys, base, plan_end - base) != 0)
		return -1;
	if (img > base && rvx_buddy_reserve(&phys, base, img - base) != 0)
		return -1;
	if (rvx_buddy_reserve(&phys, img, (uint64_t)(uintptr_t)__image_end - img) != 0 ||
	    rvx_buddy_reserve(&phys, plan_meta, plan_meta_len) != 0 ||
	    rvx_buddy_reserve(&phys, plan_stacks, plan_stacks_len) != 0 ||
	    rvx_buddy_reserve(&phys, dtb, b->dtb_size) != 0)
		return -1;
	if (initrd_len != 0 && rvx_buddy_reserve(&phys, b->initrd_start, initrd_len) != 0)
		return -1;
	phys_total = plan_count;
	return 0;
}

void *rvx_a64_alloc(uint64_t size, uint64_t align)
{
	uint64_t need = size > align ? size : align;
	uint32_t order = 0;
	uint64_t addr = 0;
	uint64_t daif;
	int rc;

	while (((uint64_t)PAGE << order) < need) {
		if (++order > MAX_ORDER)
			return NULL;
	}
	daif = rvx_a64_lock_irqsave(&phys_lock);
	rc = rvx_buddy_alloc(&phys, order, &addr);
	rvx_a64_unlock_irqrestore(&phys_lock, daif);
	return rc == 0 ? (void *)(uintptr_t)addr : NULL;
}

void rvx_a64_free(void *block, uint64_t size, uint64_t align)
{
	uint64_t need = size > align ? size : align;
	uint32_t order = 0;
	uint64_t daif;
	int rc;

	while (((uint64_t)PAGE << order) < need)
		order++;
	daif = rvx_a64_lock_irqsave(&phys_lock);
	rc = rvx_buddy_free(&phys, (uint64_t)(uintptr_t)block, order);
	rvx_a64_unlock_irqrestore(&phys_lock, daif);
	if (rc != 0)
		rvx_a64_fail("freeing a block that was not allocated", rc);
}

void rvx_a64_phys_stats(uint64_t *free_pages, uint64_t *total_pages)
{
	struct rvx_buddy_stats st;

	*total_pages = phys_total;
	*free_pages = 0;
	if (rvx_buddy_stats(&phys, &st) == 0)
		*free_pages = st.free_pages;
}
