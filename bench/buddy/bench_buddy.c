/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The buddy allocator's alloc + free, order 0 (one 4 KiB page) and order 4
 * (64 KiB), over a 256 MiB span with max order 10, beside glibc's
 * posix_memalign(4096, size) + free on the same pattern. Both are user-level
 * allocators called in the same thread on one CPU, and no system call is
 * timed: glibc's heap is grown once before timing and told neither to trim
 * it nor to use mmap for these sizes (mallopt), so its brk calls stay out of
 * the runs. The buddy allocator never touches the memory it hands out;
 * posix_memalign writes its chunk headers into it, which is part of its cost.
 *
 * Two patterns, each the median of RUNS runs:
 * - pair: alloc then free at once; the buddy alloc splits the smallest free
 *   block larger than the order (the line says how many levels) and the
 *   free merges them all back;
 * - batch: BATCH allocations, then the same BATCH frees in allocation order
 *   (blocks mostly come from split remainders and merge in steps).
 */
/* First: it sets _GNU_SOURCE before any libc header. */
#include "bench_util.h"

#include <malloc.h>

#include "ruvix/buddy.h"

#define PAGE 4096u
#define SPAN (256u << 20)
#define MAX_ORDER 10u
#define PAIRS 200000
#define BATCH 1024
#define ROUNDS 100
#define RUNS 11

RVX_BUDDY_DEFINE(heap, SPAN, PAGE);
/* The same span with nothing carved out: only max-order blocks, so a pair
 * splits and merges every level (the worst case). */
RVX_BUDDY_DEFINE(whole, SPAN, PAGE);
static struct rvx_buddy *cur = &heap;
static uint64_t addrs[BATCH];
static void *ptrs[BATCH];

static double buddy_pair(uint32_t order)
{
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < PAIRS; i++) {
		uint64_t a;
		int rc = rvx_buddy_alloc(cur, order, &a);
		BENCH_REQUIRE(rc == 0, "alloc %d", rc);
		rc = rvx_buddy_free(cur, a, order);
		BENCH_REQUIRE(rc == 0, "free %d", rc);
	}
	return (double)(bench_now_ns() - t0) / PAIRS;
}

static double malloc_pair(uint32_t order)
{
	size_t size = (size_t)PAGE << order;
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < PAIRS; i++) {
		void *p = NULL;
		int rc = posix_memalign(&p, PAGE, size);
		BENCH_REQUIRE(rc == 0 && p != NULL, "posix_memalign %d", rc);
		bench_keep((uint64_t)(uintptr_t)p);
		free(p);
	}
	return (double)(bench_now_ns() - t0) / PAIRS;
}

static double buddy_batch(uint32_t order)
{
	uint64_t t0 = bench_now_ns();
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++) {
			int rc = rvx_buddy_alloc(&heap, order, &addrs[i]);
			BENCH_REQUIRE(rc == 0, "alloc %d", rc);
		}
		for (int i = 0; i < BATCH; i++) {
			int rc = rvx_buddy_free(&heap, addrs[i], order);
			BENCH_REQUIRE(rc == 0, "free %d", rc);
		}
	}
	return (double)(bench_now_ns() - t0) / ((double)ROUNDS * BATCH);
}

static double malloc_batch(uint32_t order)
{
	size_t size = (size_t)PAGE << order;
	uint64_t t0 = bench_now_ns();
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++) {
			int rc = posix_memalign(&ptrs[i], PAGE, size);
			BENCH_REQUIRE(rc == 0 && ptrs[i] != NULL, "posix_memalign %d", rc);
		}
		for (int i = 0; i < BATCH; i++)
			free(ptrs[i]);
	}
	return (double)(bench_now_ns() - t0) / ((double)ROUNDS * BATCH);
}

/* Levels an alloc of @p order splits now: the smallest free order at or
 * above it, minus it. */
static uint32_t split_levels(uint32_t order)
{
	struct rvx_buddy_stats st;

	BENCH_REQUIRE(rvx_buddy_stats(cur, &st) == 0, "stats");
	for (uint32_t o = order; o <= MAX_ORDER; o++)
		if (st.free_blocks[o] != 0)
			return o - order;
	BENCH_REQUIRE(0, "no free block");
	return 0;
}

static double median_of(double (*fn)(uint32_t), uint32_t order)
{
	double v[RUNS];

	for (int i = 0; i < RUNS; i++)
		v[i] = fn(order);
	return bench_median(v, RUNS);
}

int main(void)
{
	double step, rd;

	bench_pin(0);
	BENCH_REQUIRE(rvx_buddy_init(&heap, heap_pages, RVX_ARRAY_COUNT(heap_pages),
				     0x40000000u, SPAN, PAGE, MAX_ORDER) == 0, "init");
	BENCH_REQUIRE(rvx_buddy_add(&heap, 0x40000000u, SPAN) == 0, "add");
	/* Carve out an image and a DTB, as a kernel does at boot. */
	BENCH_REQUIRE(rvx_buddy_reserve(&heap, 0x40080000u, 0x150000u) == 0, "reserve");
	BENCH_REQUIRE(rvx_buddy_reserve(&heap, 0x44000000u, 0x100000u) == 0, "reserve");
	BENCH_REQUIRE(rvx_buddy_init(&whole, whole_pages, RVX_ARRAY_COUNT(whole_pages),
				     0x40000000u, SPAN, PAGE, MAX_ORDER) == 0, "init");
	BENCH_REQUIRE(rvx_buddy_add(&whole, 0x40000000u, SPAN) == 0, "add");
	struct rvx_buddy_stats before, after;
	BENCH_REQUIRE(rvx_buddy_stats(&heap, &before) == 0, "stats");

	/* Keep glibc's heap from shrinking or switching to mmap, then grow
	 * it once, so no brk/mmap call lands in a timed run. */
	BENCH_REQUIRE(mallopt(M_TRIM_THRESHOLD, 512 << 20) == 1, "mallopt trim");
	BENCH_REQUIRE(mallopt(M_MMAP_THRESHOLD, 1 << 20) == 1, "mallopt mmap");
	(void)malloc_batch(4);

	bench_timer_floor(&step, &rd);
	printf("timer floor: step %.0f ns, read %.1f ns\n", step, rd);
	printf("span 256 MiB in 4 KiB pages, max order %u; page records %zu KiB\n", MAX_ORDER,
	       sizeof(heap_pages) / 1024);
	printf("%-58s %10s\n", "what (one thread, one CPU, user level)", "median");
	for (uint32_t order = 0; order <= 4; order += 4) {
		char what[80];
		snprintf(what, sizeof(what), "buddy alloc+free pair, order %u (splits/merges %u levels)",
			 order, split_levels(order));
		printf("%-58s %7.1f ns\n", what, median_of(buddy_pair, order));
		cur = &whole;
		snprintf(what, sizeof(what), "  same, heap of max-order blocks only (%u levels)",
			 split_levels(order));
		printf("%-58s %7.1f ns\n", what, median_of(buddy_pair, order));
		cur = &heap;
		printf("%-58s %7.1f ns\n",
		       order ? "posix_memalign(4096, 64 KiB) + free pair"
			     : "posix_memalign(4096, 4 KiB) + free pair",
		       median_of(malloc_pair, order));
		printf("%-58s %7.1f ns\n",
		       order ? "buddy batch of 1024, order 4, per alloc+free"
			     : "buddy batch of 1024, order 0, per alloc+free",
		       median_of(buddy_batch, order));
		printf("%-58s %7.1f ns\n",
		       order ? "posix_memalign batch of 1024, 64 KiB, per alloc+free"
			     : "posix_memalign batch of 1024, 4 KiB, per alloc+free",
		       median_of(malloc_batch, order));
	}
	/* Every block went back: the allocator is as it was. */
	BENCH_REQUIRE(rvx_buddy_stats(&heap, &after) == 0, "stats");
	BENCH_REQUIRE(memcmp(&before, &after, sizeof(before)) == 0, "stats differ after the run");
	BENCH_REQUIRE(rvx_buddy_verify(&heap) == 0, "verify");
	return 0;
}
