/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/buddy.h against a page bitmap: long seeded sequences of random
 * allocations and frees (with invalid frees mixed in) over spans with holes,
 * an odd base and a size that is not a power of two. The model says, page
 * by page, whether memory is absent, free or in use; from it follows what
 * every call must return. An allocation must be aligned, inside the span and
 * made only of free pages; an allocation may fail only when no aligned run
 * of free pages of that order exists (a buddy allocator that merges
 * eagerly always finds one if there is one); every refused call must leave
 * all bytes as they were; counters and the full invariant check must agree
 * throughout.
 */
#include "buddy_test.h"

#define SPAN 1000u
#define LIVE_MAX SPAN
#define VERIFY_EVERY 61u

enum { M_ABSENT, M_FREE, M_USED };

struct live {
	uint64_t addr;
	uint32_t order;
};

struct world {
	uint64_t rng;
	uint64_t base;
	uint32_t max_order;
	uint8_t model[SPAN];
	struct live live[LIVE_MAX];
	uint32_t live_count;
	uint64_t allocs, frees, enomem, bad_frees;
};

static struct rvx_buddy b;
static struct rvx_buddy_page pages[REC_CAP];
static struct world w;

static uint64_t rnd(void)
{
	/* xorshift64*: enough for a reproducible sequence */
	w.rng ^= w.rng >> 12;
	w.rng ^= w.rng << 25;
	w.rng ^= w.rng >> 27;
	return w.rng * UINT64_C(2685821657736338717);
}

static uint32_t model_free_pages(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < SPAN; i++)
		n += w.model[i] == M_FREE;
	return n;
}

/* Whether the model has an aligned run of 2^order free pages inside the
 * span: then a merging buddy allocator must be able to allocate it. */
static bool model_has_run(uint32_t order)
{
	uint64_t n = (uint64_t)1 << order;
	uint64_t pfn0 = w.base / PG;
	uint64_t first = (pfn0 + n - 1) & ~(n - 1);

	for (uint64_t pfn = first; pfn + n <= pfn0 + SPAN; pfn += n) {
		uint64_t i = pfn - pfn0;
		bool all = true;
		for (uint64_t j = i; j < i + n && all; j++)
			all = w.model[j] == M_FREE;
		if (all)
			return true;
	}
	return false;
}

static void check_counts(void)
{
	struct rvx_buddy_stats st;

	OK(rvx_buddy_stats(&b, &st));
	cr_assert_eq(st.free_pages, model_free_pages());
	uint32_t used = 0;
	for (uint32_t i = 0; i < w.live_count; i++)
		used += 1u << w.live[i].order;
	cr_assert_eq(st.used_pages, used);
}

static void do_alloc(void)
{
	uint32_t order = (uint32_t)(rnd() % (w.max_order + 1));
	/* Small orders most of the time, as a kernel would ask. */
	if (rnd() % 4 != 0)
		order = order / 3;
	uint64_t a;
	if (w.live_count == LIVE_MAX)
		return;
	bool expect_ok = model_has_run(order);
	if (!expect_ok) {
		EXPECT_FAIL(&b, pages, rvx_buddy_alloc(&b, order, &a), -RVX_ENOMEM);
		w.enomem++;
		return;
	}
	OK(rvx_buddy_alloc(&b, order, &a));
	uint64_t n = (uint64_t)1 << order;
	cr_assert_eq(a % (PG * n), 0, "order %u block at %#llx is misaligned", order,
		     (unsigned long long)a);
	cr_assert(a >= w.base && a + n * PG <= w.base + (uint64_t)SPAN * PG);
	uint64_t i = (a - w.base) / PG;
	for (uint64_t j = i; j < i + n; j++) {
		cr_assert_eq(w.model[j], M_FREE, "page %llu handed out but not free",
			     (unsigned long long)j);
		w.model[j] = M_USED;
	}
	w.live[w.live_count++] = (struct live){a, order};
	w.allocs++;
}

static void do_free(void)
{
	if (w.live_count == 0)
		return;
	uint32_t k = (uint32_t)(rnd() % w.live_count);
	struct live l = w.live[k];
	uint64_t i = (l.addr - w.base) / PG;

	/* Now and then, an invalid free first: wrong order, an inner page,
	 * or an address off by a byte. */
	switch (rnd() % 8) {
	case 0:
		if (l.order < w.max_order &&
		    (l.addr / PG) % ((uint64_t)2 << l.order) == 0) {
			EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, l.addr, l.order + 1), -RVX_EINVAL);
			w.bad_frees++;
		}
		break;
	case 1:
		if (l.order > 0) {
			EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, l.addr + PG, 0), -RVX_ENOENT);
			w.bad_frees++;
		}
		break;
	case 2:
		EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, l.addr + 8, l.order), -RVX_EINVAL);
		w.bad_frees++;
		break;
	default:
		break;
	}
	OK(rvx_buddy_free(&b, l.addr, l.order));
	for (uint64_t j = i; j < i + ((uint64_t)1 << l.order); j++)
		w.model[j] = M_FREE;
	w.live[k] = w.live[--w.live_count];
	w.frees++;
	/* And sometimes the double free right after. */
	if (rnd() % 8 == 0) {
		EXPECT_FAIL(&b, pages, rvx_buddy_free(&b, l.addr, l.order), -RVX_ENOENT);
		w.bad_frees++;
	}
}

/* Set up a span of SPAN pages at @p base with RAM at the given ranges (page
 * indices [lo, hi)) and reservations carved from it. */
static void setup(uint64_t seed, uint64_t base, uint32_t max_order)
{
	memset(&w, 0, sizeof(w));
	w.rng = seed;
	w.base = base;
	w.max_order = max_order;
	OK(rvx_buddy_init(&b, pages, REC_CAP, base, (uint64_t)SPAN * PG, PG, max_order));
	/* Two banks with a hole [412, 430) and an unmanaged tail. */
	static const uint32_t banks[][2] = {{0, 412}, {430, 977}};
	for (size_t k = 0; k < 2; k++) {
		OK(rvx_buddy_add(&b, base + (uint64_t)banks[k][0] * PG,
				 (uint64_t)(banks[k][1] - banks[k][0]) * PG));
		for (uint32_t i = banks[k][0]; i < banks[k][1]; i++)
			w.model[i] = M_FREE;
	}
	/* Carve-outs with unaligned edges, as a kernel image and a DTB. */
	static const uint64_t carve[][2] = {{17 * PG + 5, 40 * PG}, {600 * PG - 1, 3}};
	for (size_t k = 0; k < 2; k++) {
		OK(rvx_buddy_reserve(&b, base + carve[k][0], carve[k][1]));
		for (uint64_t i = carve[k][0] / PG; i <= (carve[k][0] + carve[k][1] - 1) / PG; i++)
			w.model[i] = M_ABSENT;
	}
	OK(rvx_buddy_verify(&b));
	check_counts();
}

static void soak(uint32_t ops)
{
	for (uint32_t n = 0; n < ops; n++) {
		/* Drift between filling up and draining so both ENOMEM and
		 * long merge chains are exercised. */
		uint32_t bias = (n / 4000) % 2 ? 35 : 65;
		if (rnd() % 100 < bias)
			do_alloc();
		else
			do_free();
		if (n % VERIFY_EVERY == 0) {
			cr_assert_eq(rvx_buddy_verify(&b), 0, "verify after op %u", n);
			check_counts();
		}
	}
	/* Drain: everything merges back to the state right after set-up. */
	while (w.live_count)
		do_free();
	cr_assert_eq(rvx_buddy_verify(&b), 0);
	check_counts();
	cr_assert_gt(w.allocs, 1000);
	cr_assert_gt(w.enomem, 10, "the soak must reach exhaustion (%llu)",
		     (unsigned long long)w.enomem);
	cr_assert_gt(w.bad_frees, 100);
}

Test(buddy_model, aligned_base)
{
	setup(0x9E3779B97F4A7C15u, BASE, 7);
	struct rvx_buddy_stats before;
	OK(rvx_buddy_stats(&b, &before));
	soak(200000);
	struct rvx_buddy_stats after;
	OK(rvx_buddy_stats(&b, &after));
	cr_assert(memcmp(&before, &after, sizeof(before)) == 0,
		  "after draining, the free blocks per order are as after set-up");
}

Test(buddy_model, odd_base)
{
	setup(12345, BASE + 5 * PG, 6);
	struct rvx_buddy_stats before;
	OK(rvx_buddy_stats(&b, &before));
	soak(200000);
	struct rvx_buddy_stats after;
	OK(rvx_buddy_stats(&b, &after));
	cr_assert(memcmp(&before, &after, sizeof(before)) == 0);
}

Test(buddy_model, max_order_zero)
{
	setup(777, BASE + 3 * PG, 0);
	soak(50000);
}
