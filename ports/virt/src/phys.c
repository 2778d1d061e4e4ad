/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Physical pages: lib/buddy over the DTB's memory range. Its page records
 * live in RAM right after the image (clear of the DTB and the initrd);
 * the image, the records, the DTB, the initrd and everything below the
 * image (where a boot loader may keep its own data) are reserved. The
 * kernel's pools and the task-stack arena come from here.
 */
#include "ruvix/buddy.h"
#include "virt.h"

#define PAGE 4096u
#define MAX_ORDER 18u /* 1 GiB blocks */

static struct rvx_buddy phys;
static struct rvx_virt_lock phys_lock;
static uint64_t phys_total;

static bool overlaps(uint64_t a, uint64_t len, uint64_t b, uint64_t blen)
{
	return len != 0 && blen != 0 && a < b + blen && b < a + len;
}

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE - 1u) & ~(uint64_t)(PAGE - 1u);
}

int rvx_virt_phys_init(void)
{
	const struct rvx_virt_board *b = &rvx_virt_board;
	uint64_t base = page_up(b->mem.base);
	uint64_t end = (b->mem.base + b->mem.size) & ~(uint64_t)(PAGE - 1u);
	uint64_t dtb = (uint64_t)(uintptr_t)b->dtb;
	uint64_t initrd_len = b->initrd_end - b->initrd_start;
	uint64_t img = (uint64_t)(uintptr_t)__image_start;
	uint64_t meta, meta_len;
	size_t count;

	if (end <= base)
		return -1;
	count = rvx_buddy_page_count(end - base, PAGE);
	meta_len = page_up(count * sizeof(struct rvx_buddy_page));
	/* The records go to the first gap after the image that misses the
	 * DTB and the initrd. */
	meta = page_up((uint64_t)(uintptr_t)__image_end);
	for (int i = 0; i < 3; i++) {
		if (overlaps(meta, meta_len, dtb, b->dtb_size))
			meta = page_up(dtb + b->dtb_size);
		if (overlaps(meta, meta_len, b->initrd_start, initrd_len))
			meta = page_up(b->initrd_end);
	}
	if (count == 0 || meta + meta_len > end || overlaps(meta, meta_len, dtb, b->dtb_size) ||
	    overlaps(meta, meta_len, b->initrd_start, initrd_len))
		return -1;
	if (rvx_buddy_init(&phys, (struct rvx_buddy_page *)(uintptr_t)meta, count, base,
			   end - base, PAGE, MAX_ORDER) != 0 ||
	    rvx_buddy_add(&phys, base, end - base) != 0)
		return -1;
	if (img > base && rvx_buddy_reserve(&phys, base, img - base) != 0)
		return -1;
	if (rvx_buddy_reserve(&phys, img, (uint64_t)(uintptr_t)__image_end - img) != 0 ||
	    rvx_buddy_reserve(&phys, meta, meta_len) != 0 ||
	    rvx_buddy_reserve(&phys, dtb, b->dtb_size) != 0)
		return -1;
	if (initrd_len != 0 && rvx_buddy_reserve(&phys, b->initrd_start, initrd_len) != 0)
		return -1;
	phys_total = count;
	return 0;
}

void *rvx_virt_alloc(uint64_t size, uint64_t align)
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
	daif = rvx_virt_lock_irqsave(&phys_lock);
	rc = rvx_buddy_alloc(&phys, order, &addr);
	rvx_virt_unlock_irqrestore(&phys_lock, daif);
	return rc == 0 ? (void *)(uintptr_t)addr : NULL;
}

void rvx_virt_phys_stats(uint64_t *free_pages, uint64_t *total_pages)
{
	struct rvx_buddy_stats st;

	*total_pages = phys_total;
	*free_pages = 0;
	if (rvx_buddy_stats(&phys, &st) == 0)
		*free_pages = st.free_pages;
}
