/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file buddy.h
 * @brief A buddy allocator for physical pages over caller-provided metadata.
 *
 * The allocator hands out blocks of `2^order` pages from a span of physical
 * addresses, each block aligned (as a physical address) to its own size, and
 * merges a freed block with its buddy whenever both are free. It never reads
 * or writes the memory it manages: all of its state is one
 * `struct rvx_buddy` plus one `struct rvx_buddy_page` record per page of the
 * span, which the caller provides. Free lists are doubly linked through
 * those records by page index, so the state holds indices, not pointers, and
 * every split, merge and list operation is O(1) per order step.
 *
 * Order of use:
 * 1. Provide storage: `RVX_BUDDY_DEFINE()` for static storage, or an array
 *    of `rvx_buddy_page_count()` records of your own.
 * 2. Bind the span once with `rvx_buddy_init()`. Nothing is free yet.
 * 3. Give it memory with `rvx_buddy_add()` (for example each RAM range the
 *    DTB lists) and carve out what is already in use with
 *    `rvx_buddy_reserve()` (the kernel image, the DTB, the initrd).
 * 4. Allocate with `rvx_buddy_alloc()` and return blocks with
 *    `rvx_buddy_free()`, giving the same order. `rvx_buddy_stats()` reports
 *    free blocks per order; `rvx_buddy_verify()` checks every invariant.
 *
 * There is no teardown. Every action validates all of its arguments before it
 * changes anything, so a refused call (double free, wrong order, misaligned
 * address, a range that overlaps memory in use) leaves the allocator and its
 * page records byte for byte as they were. Calls must be serialised by the
 * caller (a kernel holds its memory lock around them).
 */
#ifndef RUVIX_BUDDY_H
#define RUVIX_BUDDY_H

#include "ruvix/env.h"
#include "ruvix/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Largest order the allocator supports: blocks of up to `2^24` pages (64 GiB
 * with 4 KiB pages).
 */
#define RVX_BUDDY_ORDER_MAX 24u

/** Largest number of pages one span may have; larger indices are markers. */
#define RVX_BUDDY_PAGES_MAX UINT32_C(0xFFFFFFF0)

/** Page index that names no page: the end of a free list. */
#define RVX_BUDDY_NONE UINT32_C(0xFFFFFFFF)

/** What a page record says about its page. Values are stored in `state`. */
enum rvx_buddy_page_state {
	/** Not managed: a hole in the span, or reserved. Never allocated. */
	RVX_BUDDY_PAGE_ABSENT = 0,
	/** First page of a free block of `order`, linked in that order's list. */
	RVX_BUDDY_PAGE_FREE = 1,
	/** First page of an allocated block of `order`. */
	RVX_BUDDY_PAGE_USED = 2,
	/** Any other page of a free or allocated block. */
	RVX_BUDDY_PAGE_INNER = 3,
};

/**
 * Metadata of one page of the span. The caller provides an array of them
 * (one per page); the library owns their contents. Only a block's first page
 * carries its order and links; the links are page indices relative to the
 * span's base, never pointers.
 */
struct rvx_buddy_page {
	/** Next free block of the same order, or `RVX_BUDDY_NONE`. */
	uint32_t next;
	/** Previous free block of the same order, or `RVX_BUDDY_NONE`. */
	uint32_t prev;
	/** One of `enum rvx_buddy_page_state`. */
	uint8_t state;
	/** Order of the block this page heads (FREE and USED pages). */
	uint8_t order;
	/** Always 0; keeps the record a fixed 12 bytes. */
	uint8_t pad[2];
};

_Static_assert(sizeof(struct rvx_buddy_page) == 12, "page records are 12 bytes");

/**
 * The allocator. Treat the fields as read-only: they are public so the
 * struct can be declared statically and copied as plain bytes.
 */
struct rvx_buddy {
	/** The caller's page records, one per page of the span. */
	struct rvx_buddy_page *pages;
	/** Physical address of the span's first page. */
	uint64_t base;
	/** Page frame number of `base` (`base >> page_shift`). */
	uint64_t base_pfn;
	/** Pages in the span (managed or not). */
	uint32_t page_count;
	/** log2 of the page size. */
	uint32_t page_shift;
	/** Largest order a block may have. */
	uint32_t max_order;
	/** Bit `o` is set when the free list of order `o` is not empty. */
	uint32_t nonempty;
	/** Pages added and not reserved: free plus allocated. */
	uint32_t managed_pages;
	/** Pages in free blocks. */
	uint32_t free_pages;
	/** First free block of each order, or `RVX_BUDDY_NONE`. */
	uint32_t free_head[RVX_BUDDY_ORDER_MAX + 1];
	/** Number of free blocks of each order. */
	uint32_t free_blocks[RVX_BUDDY_ORDER_MAX + 1];
};

/** A snapshot of the allocator's counters, filled by `rvx_buddy_stats()`. */
struct rvx_buddy_stats {
	/** Page size in bytes. */
	uint64_t page_size;
	/** Pages in the span (managed or not). */
	uint32_t page_count;
	/** Pages added and not reserved. */
	uint32_t managed_pages;
	/** Pages in free blocks. */
	uint32_t free_pages;
	/** Pages in allocated blocks (`managed_pages - free_pages`). */
	uint32_t used_pages;
	/** Largest order a block may have. */
	uint32_t max_order;
	/** Free blocks per order; entries above `max_order` are 0. */
	uint32_t free_blocks[RVX_BUDDY_ORDER_MAX + 1];
};

/**
 * Number of page records a span of @p size bytes needs with pages of
 * @p page_size bytes (a constant expression when both are).
 */
#define RVX_BUDDY_PAGE_COUNT(size, page_size) ((size_t)((size) / (page_size)))

/**
 * Declare a static allocator `name` with records for a span of @p size bytes
 * in pages of @p page_size bytes, as `name` and `name##_pages`. Pass
 * `name##_pages` and `RVX_ARRAY_COUNT(name##_pages)` to `rvx_buddy_init()`.
 */
#define RVX_BUDDY_DEFINE(name, size, page_size)                                \
	_Static_assert(RVX_IS_POW2(page_size), "the page size is a power of two"); \
	_Static_assert((size) % (page_size) == 0 && (size) > 0,                \
		       "the span is a non-zero number of whole pages");       \
	_Static_assert(RVX_BUDDY_PAGE_COUNT(size, page_size) <=                \
			       RVX_BUDDY_PAGES_MAX,                            \
		       "too many pages for one span");                         \
	static struct rvx_buddy_page                                           \
		name##_pages[RVX_BUDDY_PAGE_COUNT(size, page_size)];           \
	static struct rvx_buddy name

/**
 * Number of page records `rvx_buddy_init()` needs for a span.
 * @param size      bytes in the span
 * @param page_size page size in bytes (a power of two)
 * @return the record count; 0 if @p page_size is not a power of two, or if
 *         @p size is not a whole number of pages or is larger than
 *         `RVX_BUDDY_PAGES_MAX` pages
 */
size_t rvx_buddy_page_count(uint64_t size, uint64_t page_size);

/**
 * Bind an allocator to the span `[base, base + size)`, with nothing free.
 *
 * Every page starts ABSENT; `rvx_buddy_add()` makes memory allocatable.
 * The managed memory itself is never touched.
 * @param[out] b         allocator to initialise
 * @param[out] pages     page records (every byte is rewritten)
 * @param page_capacity  number of records in @p pages
 * @param base           physical address of the span, a multiple of @p page_size
 * @param size           bytes in the span, a non-zero multiple of @p page_size
 * @param page_size      page size in bytes, a power of two
 * @param max_order      largest block order, at most `RVX_BUDDY_ORDER_MAX`
 * @retval 0 the allocator is ready
 * @retval -RVX_EINVAL a NULL pointer, a page size that is not a power of
 *         two, an unaligned base or size, a zero size, a span that wraps or
 *         ends at 2^64, a span of more than `RVX_BUDDY_PAGES_MAX` pages, or
 *         @p max_order above `RVX_BUDDY_ORDER_MAX`
 * @retval -RVX_ENOMEM @p page_capacity is smaller than the span's page count
 */
int rvx_buddy_init(struct rvx_buddy *b, struct rvx_buddy_page *pages,
		   size_t page_capacity, uint64_t base, uint64_t size,
		   uint64_t page_size, uint32_t max_order);

/**
 * Make the whole pages inside `[addr, addr + size)` allocatable.
 *
 * The range is rounded inwards to whole pages (a partial page at either end
 * is left out). The new pages merge with free neighbours into the largest
 * aligned blocks, as if each had been freed.
 * @param b    allocator
 * @param addr physical address of the range
 * @param size bytes in the range
 * @retval 0 the pages are free
 * @retval -RVX_EINVAL a NULL allocator, a zero size, a range that wraps, a
 *         range not inside the span, or one that holds no whole page
 * @retval -RVX_EEXIST a page of the range is already managed (free or
 *         allocated)
 */
int rvx_buddy_add(struct rvx_buddy *b, uint64_t addr, uint64_t size);

/**
 * Take every page that touches `[addr, addr + size)` out of the allocator.
 *
 * The range is rounded outwards to whole pages and clipped to the span
 * (pages outside it are never allocated anyway). Pages already ABSENT stay
 * so, which lets adjacent reservations share a page. Free blocks around a
 * reserved page are split so that every other page of them stays free.
 * @param b    allocator
 * @param addr physical address of the range
 * @param size bytes in the range
 * @retval 0 no page of the range can be allocated any more
 * @retval -RVX_EINVAL a NULL allocator, a zero size or a range that wraps
 * @retval -RVX_EBUSY a page of the range is in an allocated block
 */
int rvx_buddy_reserve(struct rvx_buddy *b, uint64_t addr, uint64_t size);

/**
 * Allocate a block of `2^order` pages, aligned to its size.
 *
 * Takes the smallest free block of at least @p order and splits it, putting
 * each unused half on its free list.
 * @param b         allocator
 * @param order     block order, at most the allocator's `max_order`
 * @param[out] addr physical address of the block's first page
 * @retval 0 the block is allocated
 * @retval -RVX_EINVAL a NULL pointer or @p order above `max_order`
 * @retval -RVX_ENOMEM no free block of @p order or larger
 */
int rvx_buddy_alloc(struct rvx_buddy *b, uint32_t order, uint64_t *addr);

/**
 * Return a block that `rvx_buddy_alloc()` gave out, merging it with its
 * buddies while they are free.
 * @param b     allocator
 * @param addr  the address the allocation returned
 * @param order the order it was allocated with
 * @retval 0 the block is free
 * @retval -RVX_EINVAL a NULL allocator, @p order above `max_order`, an
 *         address outside the span, not page-aligned or not aligned to the
 *         block size, or an allocated block of a different order
 * @retval -RVX_ENOENT no allocated block starts at @p addr (a double free,
 *         or an address inside a block, free memory or a hole)
 */
int rvx_buddy_free(struct rvx_buddy *b, uint64_t addr, uint32_t order);

/**
 * Read the allocator's counters.
 * @param b          allocator
 * @param[out] stats counters
 * @retval 0 @p stats is filled in
 * @retval -RVX_EINVAL a NULL pointer
 */
int rvx_buddy_stats(const struct rvx_buddy *b, struct rvx_buddy_stats *stats);

/**
 * Check every invariant of the allocator and its page records: list links
 * and counts, block alignment and extent, the INNER marks, the counters, and
 * that no two free buddies were left unmerged. O(pages); meant for tests
 * and self-tests, not for hot paths.
 * @param b allocator
 * @retval 0 the state is consistent
 * @retval -RVX_EINVAL a NULL allocator, or an invariant does not hold
 */
int rvx_buddy_verify(const struct rvx_buddy *b);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_BUDDY_H */
