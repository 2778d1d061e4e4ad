/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/region.h: slab regions (sizing, init, alloc, free, read, write,
 * ptr) and their static-storage macro.
 */
#include "region_test.h"

/* 8 slots of 24 usable bytes: stride 32. */
#define SLOT 24
#define STRIDE 32
#define COUNT 8
#define SIZE (STRIDE * COUNT)

/* A fake address near the top of the address space (never dereferenced). */
#define HIGH_PTR ((void *)(UINTPTR_MAX - 63))

static struct arena a;    /* slot memory */
static struct arena m;    /* slot metadata */
static struct rvx_region_slot *meta;
static struct rvx_region r;

static void setup(void)
{
	arena_init(&a, SIZE);
	arena_init(&m, COUNT * sizeof(struct rvx_region_slot));
	meta = (struct rvx_region_slot *)m.mem;
	memset(&r, 0, sizeof(r));
}

/* Runs at the end of every test (see TEST_CHECKED). */
static void check_memory(void)
{
	cr_assert(arena_intact(&a), "canary around the slot memory was overwritten");
	cr_assert(arena_intact(&m), "canary around the metadata was overwritten");
}

static void teardown(void)
{
	arena_fini(&a);
	arena_fini(&m);
}

TestSuite(region_slab, .init = setup, .fini = teardown);

static void make_slab(void)
{
	cr_assert_eq(rvx_region_init_slab(&r, a.mem, SIZE, SLOT, meta, m.len), 0);
}

/* Snapshot the region, its slots and its metadata. */
static void snap_slab(struct snap *s)
{
	snap_add(s, &r, sizeof(r));
	snap_add(s, a.mem, SIZE);
	snap_add(s, meta, m.len);
}

static rvx_handle_t alloc_ok(void)
{
	rvx_handle_t h = RVX_HANDLE_NULL;

	cr_assert_eq(rvx_region_slab_alloc(&r, &h), 0);
	cr_assert_neq(rvx_handle_gen(h), 0, "generation 0 is never issued");
	return h;
}

/* ---- sizing ------------------------------------------------------------- */

TEST_CHECKED(region_slab, stride_and_alignment_rules)
{
	static const size_t sizes[] = {1, 2, 3, 4, 5, 8, 9, 15, 16, 17, 24, 32, 33, 100};
	static const size_t strides[] = {1, 2, 4, 4, 8, 8, 16, 16, 16, 32, 32, 32, 48, 112};
	static const size_t aligns[] = {1, 2, 4, 4, 8, 8, 16, 16, 16, 16, 16, 16, 16, 16};

	for (size_t i = 0; i < RVX_ARRAY_COUNT(sizes); i++) {
		cr_assert_eq(RVX_REGION_SLAB_STRIDE(sizes[i]), strides[i], "slot %zu", sizes[i]);
		cr_assert_eq(RVX_REGION_SLAB_ALIGN(sizes[i]), aligns[i], "slot %zu", sizes[i]);
		cr_assert_eq(RVX_REGION_SLAB_MEM_SIZE(sizes[i], 3), 3 * strides[i]);
	}
	cr_assert_eq(RVX_REGION_SLAB_STRIDE(RVX_REGION_SLOT_SIZE_MAX), RVX_REGION_SLOT_SIZE_MAX);
	cr_assert_eq(RVX_REGION_SLAB_META_SIZE(5), 40);
}

TEST_CHECKED(region_slab, slot_count)
{
	cr_assert_eq(rvx_region_slab_slot_count(SIZE, SLOT), COUNT);
	cr_assert_eq(rvx_region_slab_slot_count(SIZE + STRIDE - 1, SLOT), COUNT, "a partial slot is not counted");
	cr_assert_eq(rvx_region_slab_slot_count(100, 3), 25);
	cr_assert_eq(rvx_region_slab_slot_count(7, 7), 0, "stride 8 does not fit 7 bytes");
	cr_assert_eq(rvx_region_slab_slot_count(SIZE, 0), 0);
	cr_assert_eq(rvx_region_slab_slot_count(SIZE_MAX, (size_t)RVX_REGION_SLOT_SIZE_MAX + 1), 0);
	cr_assert_eq(rvx_region_slab_slot_count(0, 1), 0);
	cr_assert_eq(rvx_region_slab_slot_count((size_t)RVX_REGION_SLAB_SLOTS_MAX, 1), RVX_REGION_SLAB_SLOTS_MAX);
	cr_assert_eq(rvx_region_slab_slot_count((size_t)RVX_REGION_SLAB_SLOTS_MAX + 1, 1), 0);
	cr_assert_eq(rvx_region_slab_slot_count(SIZE_MAX, 1), 0);
}

TEST_CHECKED(region_slab, meta_size)
{
	cr_assert_eq(rvx_region_slab_meta_size(1), 8);
	cr_assert_eq(rvx_region_slab_meta_size(COUNT), COUNT * sizeof(struct rvx_region_slot));
	cr_assert_eq(rvx_region_slab_meta_size(RVX_REGION_SLAB_SLOTS_MAX),
		     (size_t)RVX_REGION_SLAB_SLOTS_MAX * 8);
	cr_assert_eq(rvx_region_slab_meta_size(0), 0);
	cr_assert_eq(rvx_region_slab_meta_size(RVX_REGION_SLAB_SLOTS_MAX + 1), 0);
	cr_assert_eq(rvx_region_slab_meta_size(UINT32_MAX), 0);
}

/* ---- rvx_region_init_slab ----------------------------------------------- */

TEST_CHECKED(region_slab, init_zeroes_slots_and_links_metadata)
{
	struct rvx_region_info info;

	memset(a.mem, 0x5a, SIZE);
	memset(meta, 0xee, m.len);
	make_slab();
	cr_assert(all_bytes(a.mem, SIZE, 0), "slots start zeroed");
	for (uint32_t i = 0; i < COUNT; i++) {
		cr_assert_eq(meta[i].gen, 1);
		cr_assert_eq(meta[i].next, i + 1 < COUNT ? i + 1 : RVX_REGION_SLOT_END);
	}
	cr_assert_eq(rvx_region_policy(&r), RVX_REGION_POLICY_SLAB);
	cr_assert_eq(rvx_region_info(&r, &info), 0);
	cr_assert_eq(info.policy, RVX_REGION_POLICY_SLAB);
	cr_assert_eq(info.size, SIZE);
	cr_assert_eq(info.slot_size, SLOT);
	cr_assert_eq(info.slot_stride, STRIDE);
	cr_assert_eq(info.slot_count, COUNT);
	cr_assert_eq(info.used_slots, 0);
	cr_assert_eq(info.retired_slots, 0);
	cr_assert_eq(info.used_bytes, 0);
	cr_assert_eq(r.free_head, 0);
	cr_assert_eq(r.cursor, 0);
	cr_assert_eq(r.reserved, 0);
}

TEST_CHECKED(region_slab, init_leaves_the_tail_and_unused_meta_alone)
{
	struct arena big, bigm;

	/* 3 whole slots of stride 32 plus a 20-byte tail; metadata for 5. */
	arena_init(&big, 3 * STRIDE + 20);
	arena_init(&bigm, 5 * sizeof(struct rvx_region_slot));
	memset(big.mem, 0x5a, big.len);
	memset(bigm.mem, 0xee, bigm.len);
	struct rvx_region_slot *mt = (struct rvx_region_slot *)bigm.mem;

	cr_assert_eq(rvx_region_init_slab(&r, big.mem, big.len, SLOT, mt, bigm.len), 0);
	cr_assert_eq(r.slot_count, 3);
	cr_assert(all_bytes(big.mem, 3 * STRIDE, 0));
	cr_assert(all_bytes(big.mem + 3 * STRIDE, 20, 0x5a), "bytes past the last slot are not touched");
	cr_assert(all_bytes(&mt[3], 2 * sizeof(*mt), 0xee), "metadata past the last slot is not touched");
	cr_assert(arena_intact(&big));
	cr_assert(arena_intact(&bigm));
	arena_fini(&big);
	arena_fini(&bigm);
}

TEST_CHECKED(region_slab, init_small_slots_need_only_natural_alignment)
{
	struct rvx_region_slot mt[16];

	/* 4-byte slots: memory aligned to 4 (not 16) is accepted. */
	cr_assert_eq(rvx_region_init_slab(&r, a.mem + 4, 64, 4, mt, sizeof(mt)), 0);
	cr_assert_eq(r.slot_stride, 4);
	cr_assert_eq(r.slot_count, 16);
	/* 1-byte slots: any address. */
	cr_assert_eq(rvx_region_init_slab(&r, a.mem + 1, 16, 1, mt, sizeof(mt)), 0);
	cr_assert_eq(r.slot_count, 16);
}

TEST_CHECKED(region_slab, init_errors_change_nothing)
{
	struct snap s = {0};
	rvx_handle_t h;

	make_slab();
	h = alloc_ok();
	cr_assert_eq(rvx_region_slab_write(&r, h, 0, "live", 4), 0);
	/* before: a slab with one live slot */
	snap_slab(&s);
	EXPECT_FAIL(s, rvx_region_init_slab(NULL, a.mem, SIZE, SLOT, meta, m.len), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_slab(&r, NULL, SIZE, SLOT, meta, m.len), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, 0, SLOT, meta, m.len), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, SIZE, SLOT, NULL, m.len), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, SIZE, 0, meta, m.len), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, SIZE, SIZE + 1, meta, m.len), -RVX_EINVAL);
	/* slot fits the size but its stride does not */
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, 20, 20, meta, m.len), -RVX_EINVAL);
	/* slot size above the maximum, with a size large enough to hold it
	 * (a fake range that validation refuses before touching it) */
	EXPECT_FAIL(s, rvx_region_init_slab(&r, (void *)(uintptr_t)0x10000, SIZE_MAX / 4,
					    (size_t)RVX_REGION_SLOT_SIZE_MAX + 1, meta, m.len),
		    -RVX_EINVAL);
	/* misaligned slot memory: 24-byte slots need 16-byte alignment */
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem + 8, SIZE - 8, SLOT, meta, m.len), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem + 1, SIZE - 1, 2, meta, m.len), -RVX_EINVAL);
	/* misaligned metadata */
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, SIZE, SLOT,
					    (struct rvx_region_slot *)(m.mem + 2), m.len - 2),
		    -RVX_EINVAL);
	/* slot memory wrapping the address space */
	EXPECT_FAIL(s, rvx_region_init_slab(&r, HIGH_PTR, 128, 16, meta, m.len), -RVX_EINVAL);
	/* more slots than RVX_REGION_SLAB_SLOTS_MAX (fake range) */
	EXPECT_FAIL(s, rvx_region_init_slab(&r, (void *)(uintptr_t)0x10000,
					    (size_t)RVX_REGION_SLAB_SLOTS_MAX + 1, 1, meta, SIZE_MAX),
		    -RVX_EINVAL);
	/* metadata one entry short, and one byte short */
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, SIZE, SLOT, meta, m.len - 8), -RVX_ENOMEM);
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, SIZE, SLOT, meta, m.len - 1), -RVX_ENOMEM);
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, SIZE, SLOT, meta, 0), -RVX_ENOMEM);
	/* metadata inside the slot memory, and slot memory inside the metadata */
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, SIZE, SLOT,
					    (struct rvx_region_slot *)(a.mem + SIZE - 8), 64),
		    -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_init_slab(&r, m.mem, 32, 4, meta, m.len), -RVX_EINVAL);
	/* metadata wrapping the address space */
	EXPECT_FAIL(s, rvx_region_init_slab(&r, a.mem, SIZE, SLOT,
					    (struct rvx_region_slot *)(UINTPTR_MAX - 31), 64),
		    -RVX_EINVAL);
	/* after: the live slot is still live with its bytes */
	unsigned char out[4];

	cr_assert_eq(rvx_region_slab_read(&r, h, 0, out, 4), 0);
	cr_assert(memcmp(out, "live", 4) == 0);
	snap_free(&s);
}

/* ---- rvx_region_slab_alloc ---------------------------------------------- */

TEST_CHECKED(region_slab, alloc_gives_zeroed_distinct_slots)
{
	rvx_handle_t h[COUNT];
	struct rvx_region_info info;

	make_slab();
	for (uint32_t i = 0; i < COUNT; i++) {
		void *p;

		h[i] = alloc_ok();
		cr_assert_lt(rvx_handle_index(h[i]), COUNT);
		cr_assert_eq(rvx_handle_gen(h[i]), 1);
		for (uint32_t j = 0; j < i; j++)
			cr_assert_neq(rvx_handle_index(h[i]), rvx_handle_index(h[j]));
		cr_assert_eq(rvx_region_slab_ptr(&r, h[i], &p), 0);
		cr_assert(all_bytes(p, SLOT, 0));
		cr_assert_eq(meta[rvx_handle_index(h[i])].next, RVX_REGION_SLOT_LIVE);
		cr_assert_eq(rvx_region_info(&r, &info), 0);
		cr_assert_eq(info.used_slots, i + 1);
		cr_assert_eq(info.used_bytes, (uint64_t)(i + 1) * STRIDE);
	}
}

TEST_CHECKED(region_slab, alloc_exhaustion_and_recovery)
{
	rvx_handle_t h[COUNT], extra = rvx_handle_make(123, 456);
	struct snap s = {0};

	make_slab();
	for (uint32_t i = 0; i < COUNT; i++)
		h[i] = alloc_ok();
	/* before: every slot in use */
	snap_slab(&s);
	snap_add(&s, &extra, sizeof(extra));
	EXPECT_FAIL(s, rvx_region_slab_alloc(&r, &extra), -RVX_ESLABFULL);
	EXPECT_FAIL(s, rvx_region_slab_alloc(&r, &extra), -RVX_ESLABFULL);
	/* after: unchanged; freeing makes room again, repeatedly */
	snap_free(&s);
	for (int round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < COUNT; i += 2)
			cr_assert_eq(rvx_region_slab_free(&r, h[i]), 0);
		cr_assert_eq(r.used_slots, COUNT / 2);
		for (uint32_t i = 0; i < COUNT; i += 2) {
			h[i] = alloc_ok();
			cr_assert_eq(rvx_handle_gen(h[i]), (uint32_t)round + 2);
		}
		cr_assert_eq(rvx_region_slab_alloc(&r, &extra), -RVX_ESLABFULL);
	}
}

TEST_CHECKED(region_slab, alloc_errors_change_nothing)
{
	struct snap s = {0};
	struct rvx_region zero;
	rvx_handle_t h = rvx_handle_make(7, 7);

	memset(&zero, 0, sizeof(zero));
	make_slab();
	(void)alloc_ok();
	/* before: one slot in use */
	snap_slab(&s);
	snap_add(&s, &h, sizeof(h));
	EXPECT_FAIL(s, rvx_region_slab_alloc(NULL, &h), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_alloc(&zero, &h), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_alloc(&r, NULL), -RVX_EINVAL);
	/* after: unchanged */
	snap_free(&s);
}

TEST_CHECKED(region_slab, alloc_refused_on_append_only)
{
	struct snap s = {0};
	struct rvx_region br;
	rvx_handle_t h = rvx_handle_make(7, 7);

	cr_assert_eq(rvx_region_init_append(&br, a.mem, SIZE), 0);
	/* before: an append-only region */
	snap_add(&s, &br, sizeof(br));
	snap_add(&s, a.mem, SIZE);
	snap_add(&s, &h, sizeof(h));
	EXPECT_FAIL(s, rvx_region_slab_alloc(&br, &h), -RVX_EPOLICY);
	EXPECT_FAIL(s, rvx_region_slab_free(&br, rvx_handle_make(0, 1)), -RVX_EPOLICY);
	EXPECT_FAIL(s, rvx_region_slab_write(&br, rvx_handle_make(0, 1), 0, "x", 1), -RVX_EPOLICY);
	/* after: unchanged */
	snap_free(&s);
}

/* ---- rvx_region_slab_free ----------------------------------------------- */

TEST_CHECKED(region_slab, free_zeroes_and_moves_generation)
{
	rvx_handle_t h;
	void *p;
	unsigned char ff[SLOT];
	uint32_t index;

	memset(ff, 0xff, sizeof(ff));
	make_slab();
	h = alloc_ok();
	index = rvx_handle_index(h);
	cr_assert_eq(rvx_region_slab_write(&r, h, 0, ff, SLOT), 0);
	cr_assert_eq(rvx_region_slab_ptr(&r, h, &p), 0);
	cr_assert(all_bytes(p, SLOT, 0xff));
	cr_assert_eq(rvx_region_slab_free(&r, h), 0);
	cr_assert(all_bytes(a.mem + (size_t)index * STRIDE, STRIDE, 0), "zeroed on free");
	cr_assert_eq(meta[index].gen, 2);
	cr_assert_eq(r.used_slots, 0);
	cr_assert_eq(r.free_head, index, "freed slot is reused first (LIFO)");
}

TEST_CHECKED(region_slab, use_after_free_detected_across_reuse)
{
	rvx_handle_t old, cur;
	struct snap s = {0};
	unsigned char buf[4] = {1, 2, 3, 4};
	void *p = NULL;

	make_slab();
	old = alloc_ok();
	cr_assert_eq(rvx_region_slab_free(&r, old), 0);
	cur = alloc_ok();
	cr_assert_eq(rvx_handle_index(cur), rvx_handle_index(old), "same slot reused");
	cr_assert_neq(rvx_handle_gen(cur), rvx_handle_gen(old));
	cr_assert_eq(rvx_region_slab_write(&r, cur, 0, "new!", 4), 0);
	/* before: the slot belongs to cur; old is stale */
	snap_slab(&s);
	snap_add(&s, buf, sizeof(buf));
	snap_add(&s, &p, sizeof(p));
	EXPECT_FAIL(s, rvx_region_slab_free(&r, old), -RVX_ESTALE);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, old, 0, "OLD!", 4), -RVX_ESTALE);
	EXPECT_FAIL(s, rvx_region_slab_read(&r, old, 0, buf, 4), -RVX_ESTALE);
	EXPECT_FAIL(s, rvx_region_slab_ptr(&r, old, &p), -RVX_ESTALE);
	/* after: cur's bytes intact; a double free of cur is caught too */
	snap_free(&s);
	cr_assert_eq(rvx_region_slab_read(&r, cur, 0, buf, 4), 0);
	cr_assert(memcmp(buf, "new!", 4) == 0);
	cr_assert_eq(rvx_region_slab_free(&r, cur), 0);
	snap_slab(&s);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, cur), -RVX_ESTALE);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, old), -RVX_ESTALE);
	snap_free(&s);
}

TEST_CHECKED(region_slab, free_errors_change_nothing)
{
	struct snap s = {0};
	struct rvx_region zero;
	rvx_handle_t h;
	uint32_t idx;

	memset(&zero, 0, sizeof(zero));
	make_slab();
	h = alloc_ok();
	idx = rvx_handle_index(h);
	cr_assert_eq(rvx_region_slab_write(&r, h, 0, "keep", 4), 0);
	/* before: one live slot holding "keep" */
	snap_slab(&s);
	EXPECT_FAIL(s, rvx_region_slab_free(NULL, h), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_free(&zero, h), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, RVX_HANDLE_NULL), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, rvx_handle_make(idx, 0)), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, rvx_handle_make(COUNT, 1)), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, rvx_handle_make(UINT32_MAX, 1)), -RVX_EINVAL);
	/* a generation from the future, and a never-allocated slot */
	EXPECT_FAIL(s, rvx_region_slab_free(&r, rvx_handle_make(idx, 2)), -RVX_ESTALE);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, rvx_handle_make((idx + 1) % COUNT, 1)), -RVX_ESTALE);
	/* after: unchanged */
	snap_free(&s);
}

TEST_CHECKED(region_slab, generation_never_zero)
{
	struct rvx_region_slot mt[1];
	rvx_handle_t h;

	cr_assert_eq(rvx_region_init_slab(&r, a.mem, STRIDE, SLOT, mt, sizeof(mt)), 0);
	for (uint32_t i = 1; i <= 1000; i++) {
		h = alloc_ok();
		cr_assert_eq(rvx_handle_gen(h), i);
		cr_assert_eq(rvx_region_slab_free(&r, h), 0);
	}
}

TEST_CHECKED(region_slab, exhausted_generation_retires_the_slot)
{
	struct rvx_region_slot mt[2];
	rvx_handle_t h, h2, spare = RVX_HANDLE_NULL;
	struct rvx_region_info info;
	struct snap s = {0};

	cr_assert_eq(rvx_region_init_slab(&r, a.mem, 2 * STRIDE, SLOT, mt, sizeof(mt)), 0);
	/* White box: age the free slot 0 to just before the last generation
	 * instead of running four billion alloc/free pairs. */
	mt[0].gen = UINT32_MAX - 1;
	h = alloc_ok();
	cr_assert_eq(h.raw, rvx_handle_make(0, UINT32_MAX - 1).raw);
	cr_assert_eq(rvx_region_slab_free(&r, h), 0);
	h = alloc_ok();
	cr_assert_eq(h.raw, rvx_handle_make(0, UINT32_MAX).raw, "the last generation is issued once");
	cr_assert_eq(rvx_region_slab_write(&r, h, 0, "last", 4), 0);
	cr_assert_eq(rvx_region_slab_free(&r, h), 0);
	/* The slot is retired: zeroed, never back on the free list. */
	cr_assert_eq(mt[0].next, RVX_REGION_SLOT_RETIRED);
	cr_assert_eq(mt[0].gen, UINT32_MAX, "no wrap to a reused generation");
	cr_assert(all_bytes(a.mem, STRIDE, 0));
	cr_assert_eq(rvx_region_info(&r, &info), 0);
	cr_assert_eq(info.retired_slots, 1);
	cr_assert_eq(info.used_slots, 0);
	h2 = alloc_ok();
	cr_assert_eq(rvx_handle_index(h2), 1);
	/* before: slot 0 retired, slot 1 live */
	snap_add(&s, &r, sizeof(r));
	snap_add(&s, a.mem, 2 * STRIDE);
	snap_add(&s, mt, sizeof(mt));
	snap_add(&s, &spare, sizeof(spare));
	EXPECT_FAIL(s, rvx_region_slab_alloc(&r, &spare), -RVX_ESLABFULL);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, h), -RVX_ESTALE);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, rvx_handle_make(0, UINT32_MAX - 1)), -RVX_ESTALE);
	EXPECT_FAIL(s, rvx_region_slab_free(&r, rvx_handle_make(0, 1)), -RVX_ESTALE);
	/* after: unchanged; freeing slot 1 makes it the only allocatable one */
	snap_free(&s);
	cr_assert_eq(rvx_region_slab_free(&r, h2), 0);
	h2 = alloc_ok();
	cr_assert_eq(rvx_handle_index(h2), 1);
	cr_assert_eq(rvx_handle_gen(h2), 2);
}

/* ---- rvx_region_slab_write / rvx_region_slab_read ----------------------- */

TEST_CHECKED(region_slab, write_then_read_back)
{
	rvx_handle_t h1, h2;
	unsigned char data[SLOT], out[SLOT];

	fill_pattern(data, SLOT, 9);
	make_slab();
	h1 = alloc_ok();
	h2 = alloc_ok();
	cr_assert_eq(rvx_region_slab_write(&r, h1, 0, data, SLOT), 0, "the whole slot");
	cr_assert_eq(rvx_region_slab_write(&r, h2, 5, "mid", 3), 0);
	cr_assert_eq(rvx_region_slab_write(&r, h2, SLOT, "", 0), 0, "empty write at the end checks only");
	cr_assert_eq(rvx_region_slab_read(&r, h1, 0, out, SLOT), 0);
	cr_assert(memcmp(out, data, SLOT) == 0);
	cr_assert_eq(rvx_region_slab_read(&r, h2, 4, out, 5), 0);
	cr_assert(memcmp(out, "\0mid\0", 5) == 0);
	cr_assert_eq(rvx_region_slab_read(&r, h2, SLOT, out, 0), 0);
	/* Bytes land at base + index * stride. */
	cr_assert(memcmp(a.mem + (size_t)rvx_handle_index(h1) * STRIDE, data, SLOT) == 0);
	cr_assert(all_bytes(a.mem + (size_t)rvx_handle_index(h1) * STRIDE + SLOT, STRIDE - SLOT, 0),
		  "padding between slots is never written");
	/* Copy between two slots of the same slab. */
	void *p1;

	cr_assert_eq(rvx_region_slab_ptr(&r, h1, &p1), 0);
	cr_assert_eq(rvx_region_slab_write(&r, h2, 0, p1, SLOT), 0);
	cr_assert_eq(rvx_region_slab_read(&r, h2, 0, out, SLOT), 0);
	cr_assert(memcmp(out, data, SLOT) == 0);
}

TEST_CHECKED(region_slab, write_errors_change_nothing)
{
	struct snap s = {0};
	struct rvx_region zero;
	rvx_handle_t h;
	unsigned char data[SLOT + 1];

	memset(&zero, 0, sizeof(zero));
	memset(data, 0xab, sizeof(data));
	make_slab();
	h = alloc_ok();
	/* before: one live zeroed slot */
	snap_slab(&s);
	EXPECT_FAIL(s, rvx_region_slab_write(NULL, h, 0, data, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_write(&zero, h, 0, data, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, h, 0, NULL, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, RVX_HANDLE_NULL, 0, data, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, rvx_handle_make(COUNT, 1), 0, data, 1), -RVX_EINVAL);
	/* past the usable size, though inside the stride */
	EXPECT_FAIL(s, rvx_region_slab_write(&r, h, 0, data, SLOT + 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, h, SLOT, data, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, h, SLOT + 1, data, 0), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, h, SIZE_MAX, data, 2), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, h, 1, data, SIZE_MAX), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_write(&r, rvx_handle_make(rvx_handle_index(h), 2), 0, data, 1),
		    -RVX_ESTALE);
	/* after: unchanged */
	snap_free(&s);
}

TEST_CHECKED(region_slab, read_errors_change_nothing)
{
	struct snap s = {0};
	struct rvx_region zero, imm;
	rvx_handle_t h;
	unsigned char out[SLOT + 1];

	memset(&zero, 0, sizeof(zero));
	memset(out, 0x11, sizeof(out));
	cr_assert_eq(rvx_region_init_immutable(&imm, out, 4, "imm", 4), 0);
	memset(out, 0x11, sizeof(out));
	make_slab();
	h = alloc_ok();
	cr_assert_eq(rvx_region_slab_write(&r, h, 0, "data", 4), 0);
	/* before: one live slot; out filled with 0x11 */
	snap_slab(&s);
	snap_add(&s, out, sizeof(out));
	EXPECT_FAIL(s, rvx_region_slab_read(NULL, h, 0, out, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_read(&zero, h, 0, out, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_read(&r, h, 0, NULL, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_read(&r, RVX_HANDLE_NULL, 0, out, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_read(&r, rvx_handle_make(COUNT + 5, 1), 0, out, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_read(&r, h, 0, out, SLOT + 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_read(&r, h, SLOT - 3, out, 4), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_read(&r, h, SIZE_MAX, out, 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_read(&r, h, 2, out, SIZE_MAX - 1), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_read(&r, rvx_handle_make(rvx_handle_index(h), 9), 0, out, 1),
		    -RVX_ESTALE);
	EXPECT_FAIL(s, rvx_region_slab_read(&imm, h, 0, out, 1), -RVX_EPOLICY);
	/* after: unchanged, out untouched */
	snap_free(&s);
}

/* ---- rvx_region_slab_ptr ------------------------------------------------ */

TEST_CHECKED(region_slab, ptr_points_at_the_slot)
{
	rvx_handle_t h;
	void *p = NULL;

	make_slab();
	for (uint32_t i = 0; i < COUNT; i++) {
		h = alloc_ok();
		cr_assert_eq(rvx_region_slab_ptr(&r, h, &p), 0);
		cr_assert_eq(p, a.mem + (size_t)rvx_handle_index(h) * STRIDE);
		cr_assert_eq((uintptr_t)p % RVX_REGION_SLAB_ALIGN(SLOT), 0);
		/* In-place writes are seen by slab_read. */
		memcpy(p, &i, sizeof(i));
		uint32_t back = 0;

		cr_assert_eq(rvx_region_slab_read(&r, h, 0, &back, sizeof(back)), 0);
		cr_assert_eq(back, i);
	}
}

TEST_CHECKED(region_slab, ptr_errors_change_nothing)
{
	struct snap s = {0};
	struct rvx_region zero, app;
	rvx_handle_t h;
	void *p = (void *)(uintptr_t)0x1234;
	unsigned char other[8];

	memset(&zero, 0, sizeof(zero));
	cr_assert_eq(rvx_region_init_append(&app, other, sizeof(other)), 0);
	make_slab();
	h = alloc_ok();
	/* before: one live slot, p holds a marker */
	snap_slab(&s);
	snap_add(&s, &p, sizeof(p));
	EXPECT_FAIL(s, rvx_region_slab_ptr(NULL, h, &p), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_ptr(&zero, h, &p), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_ptr(&r, h, NULL), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_ptr(&r, RVX_HANDLE_NULL, &p), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_ptr(&r, rvx_handle_make(COUNT, 1), &p), -RVX_EINVAL);
	EXPECT_FAIL(s, rvx_region_slab_ptr(&r, rvx_handle_make(rvx_handle_index(h), 2), &p), -RVX_ESTALE);
	EXPECT_FAIL(s, rvx_region_slab_ptr(&app, h, &p), -RVX_EPOLICY);
	/* after: unchanged, p untouched */
	snap_free(&s);
}

TEST_CHECKED(region_slab, every_slot_naturally_aligned)
{
	static struct rvx_region_slot mt[512];

	for (size_t slot = 1; slot <= 64; slot++) {
		size_t align = RVX_REGION_SLAB_ALIGN(slot);
		size_t stride = RVX_REGION_SLAB_STRIDE(slot);
		struct arena big;

		arena_init(&big, 512);
		cr_assert_eq(rvx_region_init_slab(&r, big.mem, 512, slot, mt, sizeof(mt)), 0,
			     "slot %zu", slot);
		cr_assert_eq(r.slot_count, 512 / stride);
		for (uint32_t i = 0; i < r.slot_count; i++) {
			rvx_handle_t h = alloc_ok();
			void *p;

			cr_assert_eq(rvx_region_slab_ptr(&r, h, &p), 0);
			cr_assert_eq((uintptr_t)p % align, 0, "slot %zu index %u", slot, i);
			/* Anything no larger than the slot is aligned in it:
			 * alignment of a C object never exceeds its size. */
			cr_assert_geq(align, slot < 16 ? slot : 16);
			memset(p, 0xff, slot);
		}
		cr_assert(arena_intact(&big));
		arena_fini(&big);
	}
}

/* ---- static storage ----------------------------------------------------- */

struct msg {
	uint64_t id;
	uint32_t len;
	char text[12];
};

RVX_REGION_SLAB_DEFINE(msg_slab, sizeof(struct msg), 5);

TEST_CHECKED(region_slab, define_macro_storage)
{
	rvx_handle_t h[5], extra;
	struct msg *p;

	cr_assert_eq(sizeof(msg_slab_mem), RVX_REGION_SLAB_MEM_SIZE(sizeof(struct msg), 5));
	cr_assert_eq(sizeof(msg_slab_meta), rvx_region_slab_meta_size(5));
	cr_assert_eq((uintptr_t)msg_slab_mem % RVX_REGION_ALIGN, 0);
	cr_assert_eq(rvx_region_init_slab(&msg_slab, msg_slab_mem, sizeof(msg_slab_mem),
					  sizeof(struct msg), msg_slab_meta, sizeof(msg_slab_meta)),
		     0);
	cr_assert_eq(msg_slab.slot_count, 5);
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(rvx_region_slab_alloc(&msg_slab, &h[i]), 0);
		void *vp;

		cr_assert_eq(rvx_region_slab_ptr(&msg_slab, h[i], &vp), 0);
		p = vp;
		cr_assert_eq((uintptr_t)p % alignof(struct msg), 0);
		p->id = (uint64_t)i;
	}
	cr_assert_eq(rvx_region_slab_alloc(&msg_slab, &extra), -RVX_ESLABFULL);
}
