/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/region.h against a reference model: long seeded sequences of random
 * operations on one slab, one append-only and one immutable region, each
 * checked against plain arrays that say what every call must return and
 * what every byte must hold. A failed call must leave its region byte for
 * byte as it was; canaries around all caller memory catch writes out of
 * bounds; the library's live-slot count must equal the model's; every stale
 * handle kept in the pool must be refused.
 */
#include "region_test.h"

#define MAX_SLOTS 64
#define MAX_SLOT 48
#define POOL 96
#define APP_SIZE 3000
#define IMM_SIZE 300
#define CHECK_EVERY 997

/* One geometry and seed per test; together about 200k operations. */
struct geometry {
	uint64_t seed;
	size_t slot_size;
	uint32_t slot_count;
	uint32_t ops;
};

/* The reference model: what the regions must contain. */
struct model {
	/* slab */
	uint32_t count, stride;
	size_t slot_size;
	bool live[MAX_SLOTS];
	uint32_t gen[MAX_SLOTS];
	unsigned char bytes[MAX_SLOTS][MAX_SLOT];
	uint32_t live_count;
	/* every handle ever issued, live or stale (a ring) */
	rvx_handle_t pool[POOL];
	uint32_t pool_len, pool_next;
	/* append-only */
	unsigned char app[APP_SIZE];
	uint64_t cursor;
	/* immutable */
	unsigned char imm[IMM_SIZE];
};

/* Counters, so the test can show each path was really exercised. */
struct tally {
	uint64_t ok, stale, full, einval, epolicy, badesc, regionfull;
};

struct world {
	uint64_t rng;
	struct model m;
	struct tally t;
	struct arena slab_mem, slab_meta, app_mem, imm_mem;
	struct rvx_region slab, app, imm;
	struct rvx_region_slot *meta;
	/* random bytes for long appends */
	unsigned char src[APP_SIZE];
	/* scratch copies for the unchanged-state check */
	unsigned char snap_r[sizeof(struct rvx_region)];
	unsigned char snap_mem[APP_SIZE > MAX_SLOTS * MAX_SLOT ? APP_SIZE : MAX_SLOTS * MAX_SLOT];
	unsigned char snap_meta[MAX_SLOTS * sizeof(struct rvx_region_slot)];
};

static struct world w;

static void tally(int ret)
{
	switch (-ret) {
	case 0: w.t.ok++; break;
	case RVX_ESTALE: w.t.stale++; break;
	case RVX_ESLABFULL: w.t.full++; break;
	case RVX_EINVAL: w.t.einval++; break;
	case RVX_EPOLICY: w.t.epolicy++; break;
	case RVX_EBADDESC: w.t.badesc++; break;
	case RVX_EREGIONFULL: w.t.regionfull++; break;
	default: cr_assert_fail("unexpected return %d", ret);
	}
}

/* Snapshot one region (struct, memory, and metadata for the slab). */
static void snap_region(const struct rvx_region *r, const struct arena *mem,
			const struct arena *meta)
{
	memcpy(w.snap_r, r, sizeof(*r));
	memcpy(w.snap_mem, mem->mem, mem->len);
	if (meta != NULL)
		memcpy(w.snap_meta, meta->mem, meta->len);
}

static void same_region(const struct rvx_region *r, const struct arena *mem,
			const struct arena *meta, const char *op, uint32_t step)
{
	cr_assert(memcmp(w.snap_r, r, sizeof(*r)) == 0, "step %u %s: struct changed on failure", step, op);
	cr_assert(memcmp(w.snap_mem, mem->mem, mem->len) == 0, "step %u %s: memory changed on failure", step, op);
	if (meta != NULL)
		cr_assert(memcmp(w.snap_meta, meta->mem, meta->len) == 0,
			  "step %u %s: metadata changed on failure", step, op);
}

/* What the library must answer for a handle: 0, -EINVAL or -ESTALE. */
static int model_status(rvx_handle_t h)
{
	uint32_t idx = rvx_handle_index(h), gen = rvx_handle_gen(h);

	if (gen == 0 || idx >= w.m.count)
		return -RVX_EINVAL;
	if (!w.m.live[idx] || w.m.gen[idx] != gen)
		return -RVX_ESTALE;
	return 0;
}

static bool in_range(uint64_t off, uint64_t len, uint64_t limit)
{
	return off <= limit && len <= limit - off;
}

/* A length that is usually small and sometimes absurd. */
static size_t pick_len(size_t typical)
{
	uint64_t k = prng_below(&w.rng, 64);

	if (k == 0)
		return SIZE_MAX - prng_below(&w.rng, 4);
	if (k == 1)
		return 0;
	return (size_t)prng_below(&w.rng, typical + 1);
}

static size_t pick_off(size_t typical)
{
	if (prng_below(&w.rng, 64) == 0)
		return SIZE_MAX - prng_below(&w.rng, 4);
	return (size_t)prng_below(&w.rng, typical + 1);
}

/* A handle to use: half the time a live slot's current handle (so slabs do
 * not just fill up), otherwise one from the pool of issued handles, which
 * may be stale, and now and then a forged one. */
static rvx_handle_t pick_handle(void)
{
	uint64_t k = prng_below(&w.rng, 16);

	if (k < 8 && w.m.live_count != 0) {
		uint32_t idx = (uint32_t)prng_below(&w.rng, w.m.count);

		while (!w.m.live[idx])
			idx = (idx + 1) % w.m.count;
		return rvx_handle_make(idx, w.m.gen[idx]);
	}
	if (w.m.pool_len == 0 || k == 15) {
		/* forged: random index (some out of range), random gen */
		uint32_t idx = (uint32_t)prng_below(&w.rng, w.m.count + 3);
		uint32_t gen = (uint32_t)prng_below(&w.rng, 6);

		return rvx_handle_make(idx, gen);
	}
	return w.m.pool[prng_below(&w.rng, w.m.pool_len)];
}

/* ---- slab operations ---------------------------------------------------- */

static void op_alloc(uint32_t step)
{
	rvx_handle_t h = RVX_HANDLE_NULL;
	bool full = w.m.live_count == w.m.count;

	if (full)
		snap_region(&w.slab, &w.slab_mem, &w.slab_meta);
	int ret = rvx_region_slab_alloc(&w.slab, &h);

	tally(ret);
	if (full) {
		cr_assert_eq(ret, -RVX_ESLABFULL, "step %u alloc on a full slab", step);
		cr_assert_eq(h.raw, 0, "handle written on failure");
		same_region(&w.slab, &w.slab_mem, &w.slab_meta, "alloc", step);
		return;
	}
	cr_assert_eq(ret, 0, "step %u alloc: %d", step, ret);
	uint32_t idx = rvx_handle_index(h);

	cr_assert_lt(idx, w.m.count);
	cr_assert(!w.m.live[idx], "step %u: a live slot was handed out again", step);
	cr_assert_neq(rvx_handle_gen(h), 0);
	cr_assert_eq(rvx_handle_gen(h), w.m.gen[idx], "step %u: generation", step);
	w.m.live[idx] = true;
	w.m.live_count++;
	w.m.pool[w.m.pool_next] = h;
	w.m.pool_next = (w.m.pool_next + 1) % POOL;
	if (w.m.pool_len < POOL)
		w.m.pool_len++;
}

static void op_free(uint32_t step)
{
	rvx_handle_t h = pick_handle();
	int want = model_status(h);

	if (want != 0)
		snap_region(&w.slab, &w.slab_mem, &w.slab_meta);
	int ret = rvx_region_slab_free(&w.slab, h);

	tally(ret);
	cr_assert_eq(ret, want, "step %u free(%u,%u): got %d want %d", step,
		     rvx_handle_index(h), rvx_handle_gen(h), ret, want);
	if (want != 0) {
		same_region(&w.slab, &w.slab_mem, &w.slab_meta, "free", step);
		return;
	}
	uint32_t idx = rvx_handle_index(h);

	w.m.live[idx] = false;
	w.m.gen[idx]++;
	w.m.live_count--;
	memset(w.m.bytes[idx], 0, MAX_SLOT);
}

static void op_slab_write(uint32_t step)
{
	rvx_handle_t h = pick_handle();
	size_t off = pick_off(w.m.slot_size + 2);
	size_t len = pick_len(w.m.slot_size + 2);
	unsigned char data[MAX_SLOT + 8];
	int want = model_status(h);

	if (want == 0 && !in_range(off, len, w.m.slot_size))
		want = -RVX_EINVAL;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)prng_next(&w.rng);
	if (want != 0)
		snap_region(&w.slab, &w.slab_mem, &w.slab_meta);
	int ret = rvx_region_slab_write(&w.slab, h, off, data, len);

	tally(ret);
	cr_assert_eq(ret, want, "step %u slab_write off %zu len %zu: got %d want %d", step, off,
		     len, ret, want);
	if (want != 0) {
		same_region(&w.slab, &w.slab_mem, &w.slab_meta, "slab_write", step);
		return;
	}
	memcpy(w.m.bytes[rvx_handle_index(h)] + off, data, len);
}

static void op_slab_read(uint32_t step)
{
	rvx_handle_t h = pick_handle();
	size_t off = pick_off(w.m.slot_size + 2);
	size_t len = pick_len(w.m.slot_size + 2);
	unsigned char out[MAX_SLOT + 8];
	int want = model_status(h);

	if (want == 0 && !in_range(off, len, w.m.slot_size))
		want = -RVX_EINVAL;
	memset(out, 0xa7, sizeof(out));
	snap_region(&w.slab, &w.slab_mem, &w.slab_meta);
	int ret = rvx_region_slab_read(&w.slab, h, off, out, len);

	tally(ret);
	cr_assert_eq(ret, want, "step %u slab_read off %zu len %zu: got %d want %d", step, off,
		     len, ret, want);
	/* A read never changes the region, successful or not. */
	same_region(&w.slab, &w.slab_mem, &w.slab_meta, "slab_read", step);
	if (want != 0) {
		cr_assert(all_bytes(out, sizeof(out), 0xa7), "step %u: buffer written on failure", step);
		return;
	}
	cr_assert(memcmp(out, w.m.bytes[rvx_handle_index(h)] + off, len) == 0,
		  "step %u: slot bytes differ from the model", step);
	cr_assert(all_bytes(out + len, sizeof(out) - len, 0xa7), "step %u: read past len", step);
}

static void op_slab_ptr(uint32_t step)
{
	rvx_handle_t h = pick_handle();
	void *p = NULL;
	int want = model_status(h);

	snap_region(&w.slab, &w.slab_mem, &w.slab_meta);
	int ret = rvx_region_slab_ptr(&w.slab, h, &p);

	tally(ret);
	cr_assert_eq(ret, want, "step %u slab_ptr: got %d want %d", step, ret, want);
	same_region(&w.slab, &w.slab_mem, &w.slab_meta, "slab_ptr", step);
	if (want != 0) {
		cr_assert_null(p);
		return;
	}
	uint32_t idx = rvx_handle_index(h);

	cr_assert_eq(p, w.slab_mem.mem + (size_t)idx * w.m.stride);
	cr_assert(memcmp(p, w.m.bytes[idx], w.m.slot_size) == 0);
}

/* ---- append-only and immutable operations ------------------------------- */

static void op_append(uint32_t step)
{
	size_t len = pick_len(64);
	unsigned char data[64];
	uint64_t off = 0x5555;
	int want = 0;

	if (prng_below(&w.rng, 32) == 0)
		len = APP_SIZE - (size_t)w.m.cursor + prng_below(&w.rng, 3); /* fit, or just too big */
	if (len == 0)
		want = -RVX_EINVAL;
	else if (len > APP_SIZE - w.m.cursor)
		want = -RVX_EREGIONFULL;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)prng_next(&w.rng);

	/* A length larger than data[] that fits comes from the long random
	 * source; an absurd one is never read because it must fail. */
	const void *src = len <= sizeof(data) ? (const void *)data : (const void *)w.src;
	if (want != 0)
		snap_region(&w.app, &w.app_mem, NULL);
	int ret = rvx_region_append(&w.app, src, len, &off);

	tally(ret);
	cr_assert_eq(ret, want, "step %u append len %zu at %llu: got %d want %d", step, len,
		     (unsigned long long)w.m.cursor, ret, want);
	if (want != 0) {
		cr_assert_eq(off, 0x5555, "offset written on failure");
		same_region(&w.app, &w.app_mem, NULL, "append", step);
		return;
	}
	cr_assert_eq(off, w.m.cursor);
	memcpy(w.m.app + w.m.cursor, src, len);
	w.m.cursor += len;
}

static void op_append_read(uint32_t step)
{
	uint64_t off = pick_off(APP_SIZE + 2);
	size_t len = pick_len(80);
	unsigned char out[96];
	int want = in_range(off, len, w.m.cursor) ? 0 : -RVX_EINVAL;

	if (want == 0 && len > sizeof(out))
		len = sizeof(out);
	memset(out, 0xa7, sizeof(out));
	snap_region(&w.app, &w.app_mem, NULL);
	int ret = rvx_region_read(&w.app, off, out, len);

	tally(ret);
	cr_assert_eq(ret, want, "step %u read %llu+%zu (cursor %llu): got %d want %d", step,
		     (unsigned long long)off, len, (unsigned long long)w.m.cursor, ret, want);
	same_region(&w.app, &w.app_mem, NULL, "read", step);
	if (want == 0)
		cr_assert(memcmp(out, w.m.app + off, len) == 0, "step %u: appended bytes differ", step);
	else
		cr_assert(all_bytes(out, sizeof(out), 0xa7));
}

static void op_imm_read(uint32_t step)
{
	uint64_t off = pick_off(IMM_SIZE + 2);
	size_t len = pick_len(IMM_SIZE + 2);
	unsigned char out[IMM_SIZE + 4];
	int want = in_range(off, len, IMM_SIZE) ? 0 : -RVX_EINVAL;

	memset(out, 0xa7, sizeof(out));
	snap_region(&w.imm, &w.imm_mem, NULL);
	int ret = rvx_region_read(&w.imm, off, out, len);

	tally(ret);
	cr_assert_eq(ret, want, "step %u imm read: got %d want %d", step, ret, want);
	same_region(&w.imm, &w.imm_mem, NULL, "imm read", step);
	if (want == 0)
		cr_assert(memcmp(out, w.m.imm + off, len) == 0);
}

/* A descriptor into one of the three regions, chosen at random. */
static void op_desc(uint32_t step)
{
	uint64_t kind = prng_below(&w.rng, 3);
	uint64_t off = prng_below(&w.rng, 8) == 0 ? UINT64_MAX - prng_below(&w.rng, 300)
						  : prng_below(&w.rng, APP_SIZE + 2);
	uint32_t len = prng_below(&w.rng, 32) == 0 ? UINT32_MAX - (uint32_t)prng_below(&w.rng, 3)
						   : (uint32_t)prng_below(&w.rng, 200);
	const struct rvx_region *r = kind == 0 ? &w.imm : kind == 1 ? &w.app : &w.slab;
	const unsigned char *model = kind == 0 ? w.m.imm : w.m.app;
	uint64_t limit = kind == 0 ? IMM_SIZE : w.m.cursor;
	const void *p = NULL;
	int want = 0;

	if (kind == 2 || len == 0 || !in_range(off, len, limit))
		want = -RVX_EBADDESC;
	int ret = rvx_region_desc_check(r, off, len, &p);

	tally(ret);
	cr_assert_eq(ret, want, "step %u desc kind %llu %llu+%u: got %d want %d", step,
		     (unsigned long long)kind, (unsigned long long)off, len, ret, want);
	if (want != 0) {
		cr_assert_null(p);
		return;
	}
	cr_assert_eq(p, r->base + off);
	cr_assert(memcmp(p, model + off, len) == 0, "step %u: described bytes differ", step);
}

/* Raw-offset writes: refused on every region, nothing changes. */
/* An operation the region's policy forbids: appending to an immutable or
 * slab region, or allocating a slot from a byte region. */
static void op_policy_violation(uint32_t step)
{
	uint64_t kind = prng_below(&w.rng, 4);
	uint64_t off = 0x5555;
	rvx_handle_t h = RVX_HANDLE_NULL;
	int ret;

	if (kind == 0) {
		snap_region(&w.imm, &w.imm_mem, NULL);
		ret = rvx_region_append(&w.imm, "abc", 3, &off);
		same_region(&w.imm, &w.imm_mem, NULL, "append to immutable", step);
	} else if (kind == 1) {
		snap_region(&w.slab, &w.slab_mem, &w.slab_meta);
		ret = rvx_region_append(&w.slab, "abc", 3, &off);
		same_region(&w.slab, &w.slab_mem, &w.slab_meta, "append to slab", step);
	} else {
		struct rvx_region *r = kind == 2 ? &w.imm : &w.app;
		struct arena *mem = kind == 2 ? &w.imm_mem : &w.app_mem;
		snap_region(r, mem, NULL);
		ret = rvx_region_slab_alloc(r, &h);
		same_region(r, mem, NULL, "slab alloc from byte region", step);
	}
	tally(ret);
	cr_assert_eq(ret, -RVX_EPOLICY, "step %u policy violation %llu: got %d", step,
		     (unsigned long long)kind, ret);
	cr_assert_eq(off, 0x5555, "offset written on failure");
	cr_assert(rvx_handle_is_null(h), "handle written on failure");
}

static void op_reset_append(uint32_t step)
{
	(void)step;
	cr_assert_eq(rvx_region_init_append(&w.app, w.app_mem.mem, APP_SIZE), 0);
	w.m.cursor = 0;
}

/* ---- whole-state checks ------------------------------------------------- */

static void check_all(uint32_t step)
{
	struct rvx_region_info info;

	cr_assert(arena_intact(&w.slab_mem), "step %u: slab memory canary", step);
	cr_assert(arena_intact(&w.slab_meta), "step %u: metadata canary", step);
	cr_assert(arena_intact(&w.app_mem), "step %u: append memory canary", step);
	cr_assert(arena_intact(&w.imm_mem), "step %u: immutable memory canary", step);

	cr_assert_eq(rvx_region_info(&w.slab, &info), 0);
	cr_assert_eq(info.used_slots, w.m.live_count, "step %u: slot leak", step);
	cr_assert_eq(info.retired_slots, 0);
	cr_assert_eq(info.used_bytes, (uint64_t)w.m.live_count * w.m.stride);
	for (uint32_t i = 0; i < w.m.count; i++) {
		const unsigned char *slot = w.slab_mem.mem + (size_t)i * w.m.stride;

		cr_assert_eq(w.meta[i].gen, w.m.gen[i], "step %u slot %u generation", step, i);
		cr_assert_eq(w.meta[i].next == RVX_REGION_SLOT_LIVE, w.m.live[i]);
		if (w.m.live[i])
			cr_assert(memcmp(slot, w.m.bytes[i], w.m.slot_size) == 0,
				  "step %u slot %u bytes", step, i);
		else
			cr_assert(all_bytes(slot, w.m.slot_size, 0), "step %u free slot %u not zero", step, i);
		cr_assert(all_bytes(slot + w.m.slot_size, w.m.stride - w.m.slot_size, 0),
			  "step %u slot %u padding written", step, i);
	}
	/* Walk the free list: every free slot exactly once, no live slot. */
	uint32_t seen = 0;

	for (uint32_t i = w.slab.free_head; i != RVX_REGION_SLOT_END; i = w.meta[i].next) {
		cr_assert_lt(i, w.m.count);
		cr_assert(!w.m.live[i]);
		cr_assert_leq(++seen, w.m.count, "free list loops");
	}
	cr_assert_eq(seen, w.m.count - w.m.live_count);

	/* Every stale handle in the pool is refused, live ones are accepted. */
	for (uint32_t k = 0; k < w.m.pool_len; k++) {
		unsigned char b;
		int want = model_status(w.m.pool[k]);
		int ret = rvx_region_slab_read(&w.slab, w.m.pool[k], 0, &b, 1);

		cr_assert_eq(ret, want, "step %u pool handle %u", step, k);
		tally(ret);
	}

	cr_assert_eq(rvx_region_info(&w.app, &info), 0);
	cr_assert_eq(info.used_bytes, w.m.cursor);
	cr_assert(memcmp(w.app_mem.mem, w.m.app, (size_t)w.m.cursor) == 0, "step %u: append log", step);
	cr_assert(memcmp(w.imm_mem.mem, w.m.imm, IMM_SIZE) == 0, "step %u: immutable bytes", step);
}

static void run(const struct geometry *g)
{
	memset(&w, 0, sizeof(w));
	w.rng = g->seed;
	cr_assert_leq(g->slot_count, MAX_SLOTS);
	cr_assert_leq(g->slot_size, MAX_SLOT);

	w.m.slot_size = g->slot_size;
	w.m.stride = (uint32_t)RVX_REGION_SLAB_STRIDE(g->slot_size);
	w.m.count = g->slot_count;
	arena_init(&w.slab_mem, (size_t)w.m.stride * g->slot_count);
	arena_init(&w.slab_meta, rvx_region_slab_meta_size(g->slot_count));
	arena_init(&w.app_mem, APP_SIZE);
	arena_init(&w.imm_mem, IMM_SIZE);
	w.meta = (struct rvx_region_slot *)w.slab_meta.mem;

	cr_assert_eq(rvx_region_init_slab(&w.slab, w.slab_mem.mem, w.slab_mem.len, g->slot_size,
					  w.meta, w.slab_meta.len),
		     0);
	cr_assert_eq(w.slab.slot_count, g->slot_count);
	for (uint32_t i = 0; i < g->slot_count; i++)
		w.m.gen[i] = 1;
	cr_assert_eq(rvx_region_init_append(&w.app, w.app_mem.mem, APP_SIZE), 0);
	for (size_t i = 0; i < 200; i++)
		w.m.imm[i] = (unsigned char)prng_next(&w.rng);
	for (size_t i = 0; i < APP_SIZE; i++)
		w.src[i] = (unsigned char)prng_next(&w.rng);
	cr_assert_eq(rvx_region_init_immutable(&w.imm, w.imm_mem.mem, IMM_SIZE, w.m.imm, 200), 0);

	for (uint32_t step = 0; step < g->ops; step++) {
		uint64_t k = prng_below(&w.rng, 100);

		if (k < 15)
			op_alloc(step);
		else if (k < 28)
			op_free(step);
		else if (k < 42)
			op_slab_write(step);
		else if (k < 56)
			op_slab_read(step);
		else if (k < 60)
			op_slab_ptr(step);
		else if (k < 72)
			op_append(step);
		else if (k < 80)
			op_append_read(step);
		else if (k < 90)
			op_desc(step);
		else if (k < 95)
			op_imm_read(step);
		else if (k < 98)
			op_policy_violation(step);
		else if (k < 99 || w.m.cursor + 16 > APP_SIZE)
			op_reset_append(step);
		if (step % CHECK_EVERY == 0)
			check_all(step);
	}
	check_all(g->ops);

	cr_log_info("ok %llu stale %llu full %llu einval %llu epolicy %llu badesc %llu regionfull %llu",
		    (unsigned long long)w.t.ok, (unsigned long long)w.t.stale,
		    (unsigned long long)w.t.full, (unsigned long long)w.t.einval,
		    (unsigned long long)w.t.epolicy, (unsigned long long)w.t.badesc,
		    (unsigned long long)w.t.regionfull);
	/* Each path really ran. */
	cr_assert_gt(w.t.ok, g->ops / 4);
	cr_assert_gt(w.t.stale, 100, "stale handles were exercised");
	cr_assert_gt(w.t.full, 10, "the slab was full sometimes");
	cr_assert_gt(w.t.einval, 100);
	cr_assert_gt(w.t.epolicy, 100);
	cr_assert_gt(w.t.badesc, 100);
	cr_assert_gt(w.t.regionfull, 10);

	arena_fini(&w.slab_mem);
	arena_fini(&w.slab_meta);
	arena_fini(&w.app_mem);
	arena_fini(&w.imm_mem);
}

Test(region_model, slot13_stride16)
{
	struct geometry g = {.seed = 0x5eed0001, .slot_size = 13, .slot_count = 37, .ops = 50000};

	run(&g);
}

Test(region_model, slot3_stride4)
{
	struct geometry g = {.seed = 0x5eed0002, .slot_size = 3, .slot_count = 64, .ops = 50000};

	run(&g);
}

Test(region_model, slot40_stride48)
{
	struct geometry g = {.seed = 0x5eed0003, .slot_size = 40, .slot_count = 11, .ops = 50000};

	run(&g);
}

Test(region_model, slot1_tiny_slab)
{
	struct geometry g = {.seed = 0x5eed0004, .slot_size = 1, .slot_count = 5, .ops = 50000};

	run(&g);
}
