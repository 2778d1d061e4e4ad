/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vector store: HNSW over caller memory.
 *
 * Memory layout (every part starts on a 64-byte boundary):
 *
 *   header      struct vec_hdr: configuration, layout, counters, entry point
 *   nodes       capacity records of `stride` bytes:
 *                 struct vec_node (key, inverse norm, layer, upper chain),
 *                 u32 count + u32 links[m0] (layer 0),
 *                 float vec[dim] (16-byte aligned)
 *               so a search that visits a node touches one contiguous block.
 *   meta        capacity struct vec_meta_rec (coherence and access data),
 *               kept apart so searches do not drag it through the cache
 *   hash        2*capacity struct vec_hash_ent: key -> slot, linear probing
 *               with backward-shift deletion (no tombstones to accumulate)
 *   upper       upper_count link blocks of u32 next, u32 count, u32 links[m];
 *               a node on layer L owns a chain of L blocks (layers 1..L)
 *   ---------- state ends here; what follows is not part of a checkpoint
 *   work        visited marks (u16 per slot) and the candidate arrays used by
 *               insert, update and delete
 *
 * Free node slots and free blocks are zeroed and kept on LIFO lists threaded
 * through their `upper`/`next` fields; slots never used are above `hwm`.
 * Every index is a u32 below the capacity, so the bytes mean the same thing
 * at any address.
 *
 * Links are directed. A delete repairs the nodes that link back to the
 * deleted one; a link from elsewhere may be left pointing at a free slot (it
 * is skipped: the slot is not live) or, once the slot is reused, at the new
 * node (a valid if unplanned edge). Searches therefore check that a node is
 * live and reaches the layer before they use it.
 */
#include "vec_kernels.h"
#include "vecgraph_internal.h"

#define VEC_MAGIC 0x43455652u /* "RVEC" little-endian */
#define VEC_VERSION 1u
#define VEC_EXPANDED 0x80000000u

struct vec_hdr {
	uint32_t magic;
	uint32_t version;
	struct rvx_vec_config cfg;
	uint64_t total_size;
	uint64_t state_size;
	uint32_t stride;
	uint32_t vec_offset;
	uint32_t hash_count;
	uint32_t upper_count;
	uint32_t upper_stride;
	uint32_t count;      /* live nodes */
	uint32_t hwm;        /* slots ever used */
	uint32_t free_head;  /* free slot list */
	uint32_t entry;      /* entry point slot, NONE when empty */
	uint32_t max_level;  /* layer of the entry point */
	uint32_t upper_used; /* blocks owned by live nodes */
	uint32_t upper_hwm;  /* blocks ever used */
	uint32_t upper_free; /* free block list */
	uint32_t reserved0;
	uint64_t epoch;      /* mutation counter */
	uint8_t reserved[136];
};
_Static_assert(sizeof(struct vec_hdr) == 256, "vec header is 256 bytes");

struct vec_node {
	uint64_t key;
	float inv_norm; /* 1/|v| for cosine, 1 otherwise; 0 when free */
	uint32_t upper; /* first upper block, or next free slot when free */
	uint8_t live;
	uint8_t level;
	uint8_t reserved[6];
};
_Static_assert(sizeof(struct vec_node) == 24, "vec node head is 24 bytes");
#define VEC_LINKS0 24u /* offset of the layer-0 count, then the links */

struct vec_meta_rec {
	uint64_t epoch;
	uint64_t last_access;
	uint64_t access_count;
	uint32_t coherence;
	uint32_t reserved;
	uint8_t attestation[RVX_VEC_HASH_BYTES];
};
_Static_assert(sizeof(struct vec_meta_rec) == 64, "vec meta record is 64 bytes");

struct vec_hash_ent {
	uint64_t key;
	uint32_t slot1; /* slot + 1; 0 = empty */
	uint32_t reserved;
};
_Static_assert(sizeof(struct vec_hash_ent) == 16, "vec hash entry is 16 bytes");

/* A candidate: distance and slot (VEC_EXPANDED marks one already expanded). */
struct vec_cand {
	float d;
	uint32_t id;
};

struct vec_layout {
	uint32_t stride, vec_offset, hash_count, upper_count, upper_stride;
	uint64_t off_nodes, off_meta, off_hash, off_upper, off_work;
	uint64_t off_pool, off_cand, off_sel;
	uint64_t total;
};

/* ---- layout ----------------------------------------------------------- */

static bool config_valid(const struct rvx_vec_config *c)
{
	return c != NULL && c->dim >= 1 && c->dim <= RVX_VEC_DIM_MAX && c->capacity >= 1 &&
	       c->capacity <= RVX_VEC_CAPACITY_MAX && c->m >= RVX_VEC_M_MIN &&
	       c->m <= RVX_VEC_M_MAX && c->m0 >= c->m && c->m0 <= RVX_VEC_M0_MAX &&
	       c->ef_construction >= c->m && c->ef_construction <= RVX_VEC_EF_MAX &&
	       c->ef_search >= 1 && c->ef_search <= RVX_VEC_EF_MAX &&
	       c->metric < RVX_VEC_METRIC_COUNT && c->reserved == 0;
}

static int layout(const struct rvx_vec_config *c, struct vec_layout *lo)
{
	uint64_t off;

	if (!config_valid(c))
		return -RVX_EINVAL;
	lo->vec_offset = (uint32_t)rvx_vg_align(VEC_LINKS0 + 4u + 4u * c->m0, 16);
	lo->stride = (uint32_t)rvx_vg_align(lo->vec_offset + 4u * (size_t)c->dim, 16);
	lo->hash_count = 2u * c->capacity;
	/* Expected blocks per node: sum over l >= 1 of m^-l = 1/(m-1). Twice
	 * that plus slack makes running short vanishingly unlikely. */
	lo->upper_count = (uint32_t)((2ull * c->capacity) / (c->m - 1u) + 64u);
	lo->upper_stride = 4u * (c->m + 2u);
	off = sizeof(struct vec_hdr);
	lo->off_nodes = off;
	off = rvx_vg_align(off + (uint64_t)lo->stride * c->capacity, 64);
	lo->off_meta = off;
	off = rvx_vg_align(off + (uint64_t)sizeof(struct vec_meta_rec) * c->capacity, 64);
	lo->off_hash = off;
	off = rvx_vg_align(off + (uint64_t)sizeof(struct vec_hash_ent) * lo->hash_count, 64);
	lo->off_upper = off;
	off = rvx_vg_align(off + (uint64_t)lo->upper_stride * lo->upper_count, 64);
	lo->off_work = off;
	lo->off_pool = off + rvx_vg_align(2ull * c->capacity, 64);
	lo->off_cand = lo->off_pool + 8ull * (c->ef_construction + 1u);
	lo->off_sel = lo->off_cand + 8ull * (2u * c->m0 + 2u);
	lo->total = lo->off_work + rvx_vg_align(2ull * c->capacity, 64) +
		    8ull * (c->ef_construction + 4ull * c->m0 + c->m + 8u);
	_Static_assert(sizeof(size_t) >= 8 || RVX_VEC_CAPACITY_MAX <= (1u << 16),
		       "32-bit hosts need a smaller capacity limit");
	return 0;
}

/* ---- accessors -------------------------------------------------------- */

static inline struct vec_hdr *hdr(const struct rvx_vec_store *s)
{
	return (struct vec_hdr *)(void *)s->base;
}

static inline uint8_t *rec(const struct rvx_vec_store *s, uint32_t slot)
{
	return s->base + s->off_nodes + (size_t)slot * s->stride;
}

static inline struct vec_node *node(const struct rvx_vec_store *s, uint32_t slot)
{
	return (struct vec_node *)(void *)rec(s, slot);
}

static inline float *vec_of(const struct rvx_vec_store *s, uint32_t slot)
{
	return (float *)(void *)(rec(s, slot) + s->vec_offset);
}

static inline struct vec_meta_rec *meta(const struct rvx_vec_store *s, uint32_t slot)
{
	return (struct vec_meta_rec *)(void *)(s->base + s->off_meta) + slot;
}

static inline struct vec_hash_ent *hash_tab(const struct rvx_vec_store *s)
{
	return (struct vec_hash_ent *)(void *)(s->base + s->off_hash);
}

static inline uint32_t *block(const struct rvx_vec_store *s, uint32_t b)
{
	return (uint32_t *)(void *)(s->base + s->off_upper + (size_t)b * s->upper_stride);
}

/* The link list of @p slot on @p level: [0] is the count, links follow. */
static inline uint32_t *links(const struct rvx_vec_store *s, uint32_t slot, uint32_t level)
{
	if (level == 0)
		return (uint32_t *)(void *)(rec(s, slot) + VEC_LINKS0);
	uint32_t b = node(s, slot)->upper;
	while (--level > 0)
		b = block(s, b)[0];
	return block(s, b) + 1;
}

static inline uint32_t max_links(const struct rvx_vec_store *s, uint32_t level)
{
	return level == 0 ? s->m0 : s->m;
}

static inline uint16_t *work_visited(const struct rvx_vec_store *s)
{
	return (uint16_t *)(void *)(s->base + s->off_work);
}

/* ---- distances --------------------------------------------------------- */

static inline float kernel_l2(const struct rvx_vec_store *s, const float *a, const float *b)
{
#if RVX_VG_HAVE_AVX2
	if (s->kernel == RVX_VEC_KERNEL_AVX2)
		return rvx_vg_l2_avx2_(a, b, s->dim);
#endif
	return rvx_vg_l2_portable_(a, b, s->dim);
}

static inline float kernel_dot(const struct rvx_vec_store *s, const float *a, const float *b)
{
#if RVX_VG_HAVE_AVX2
	if (s->kernel == RVX_VEC_KERNEL_AVX2)
		return rvx_vg_dot_avx2_(a, b, s->dim);
#endif
	return rvx_vg_dot_portable_(a, b, s->dim);
}

/* Distance from a query (with its inverse norm, used only by cosine) to a
 * stored node. The metric and kernel branches are perfectly predicted, and
 * the portable kernel inlines into the search loop. */
static inline float dist_q(const struct rvx_vec_store *s, const float *q, float qinv,
			   uint32_t slot)
{
	const uint8_t *r = rec(s, slot);
	const float *v = (const float *)(const void *)(r + s->vec_offset);

	switch (s->metric) {
	case RVX_VEC_METRIC_L2:
		return kernel_l2(s, q, v);
	case RVX_VEC_METRIC_DOT:
		return 1.0f - kernel_dot(s, q, v);
	default:
		return 1.0f - kernel_dot(s, q, v) * qinv *
				      ((const struct vec_node *)(const void *)r)->inv_norm;
	}
}

static inline float dist_nodes(const struct rvx_vec_store *s, uint32_t a, uint32_t b)
{
	return dist_q(s, vec_of(s, a), node(s, a)->inv_norm, b);
}

/* Validate a vector of @p dim components for a store of @p metric; compute
 * its inverse norm for cosine. */
static int vector_ok(uint32_t metric, const float *v, uint32_t dim, float *inv_norm)
{
	float sq = 0.0f;

	if (v == NULL || dim == 0)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < dim; i++) {
		float x = v[i];
		/* Rejects NaN (all comparisons false) and infinities; the bound
		 * keeps every distance finite, so the graph never sees a NaN. */
		if (!(x >= -RVX_VEC_COMPONENT_MAX && x <= RVX_VEC_COMPONENT_MAX))
			return -RVX_EINVAL;
		sq += x * x;
	}
	*inv_norm = 1.0f;
	if (metric == RVX_VEC_METRIC_COSINE) {
		if (!(sq > 0.0f))
			return -RVX_EINVAL;
		*inv_norm = rvx_vg_inv_sqrt_(sq);
	}
	return 0;
}

/* Validate a vector from outside; compute its inverse norm for cosine. */
static int check_vector(const struct rvx_vec_store *s, const float *v, uint32_t dim,
			float *inv_norm)
{
	if (dim != s->dim)
		return -RVX_EINVAL;
	return vector_ok(s->metric, v, dim, inv_norm);
}

int rvx_vec_check_vector(uint32_t metric, const float *vec, uint32_t dim)
{
	float inv;

	if (metric >= RVX_VEC_METRIC_COUNT)
		return -RVX_EINVAL;
	return vector_ok(metric, vec, dim, &inv);
}

/* ---- key hash table ----------------------------------------------------- */

static inline uint32_t hash_home(const struct rvx_vec_store *s, uint64_t key)
{
	uint64_t h = rvx_vg_mix64(key ^ hdr(s)->cfg.seed ^ 0x5bd1e9955bd1e995ull);
	return rvx_vg_range(h, s->hash_count);
}

/* Position of @p key in the table, or RVX_VG_NONE. The table always has an
 * empty entry (count <= capacity = hash_count / 2), so probing ends. */
static uint32_t hash_pos(const struct rvx_vec_store *s, uint64_t key)
{
	const struct vec_hash_ent *t = hash_tab(s);
	uint32_t i = hash_home(s, key);

	while (t[i].slot1 != 0) {
		if (t[i].key == key)
			return i;
		if (++i == s->hash_count)
			i = 0;
	}
	return RVX_VG_NONE;
}

static uint32_t find_slot(const struct rvx_vec_store *s, uint64_t key)
{
	uint32_t p = hash_pos(s, key);
	return p == RVX_VG_NONE ? RVX_VG_NONE : hash_tab(s)[p].slot1 - 1u;
}

static void hash_insert(struct rvx_vec_store *s, uint64_t key, uint32_t slot)
{
	struct vec_hash_ent *t = hash_tab(s);
	uint32_t i = hash_home(s, key);

	while (t[i].slot1 != 0)
		if (++i == s->hash_count)
			i = 0;
	t[i].key = key;
	t[i].slot1 = slot + 1u;
}

static void hash_remove(struct rvx_vec_store *s, uint32_t i)
{
	struct vec_hash_ent *t = hash_tab(s);
	uint32_t j = i;

	/* Backward shift: pull later entries of the probe run into the hole
	 * unless their home lies cyclically in (hole, j]. */
	for (;;) {
		if (++j == s->hash_count)
			j = 0;
		if (t[j].slot1 == 0)
			break;
		uint32_t h = hash_home(s, t[j].key);
		bool stays = (i <= j) ? (h > i && h <= j) : (h > i || h <= j);
		if (!stays) {
			t[i] = t[j];
			i = j;
		}
	}
	memset(&t[i], 0, sizeof(t[i]));
}

/* ---- level assignment --------------------------------------------------- */

static void compute_thresholds(struct rvx_vec_store *s)
{
	uint64_t t = UINT64_MAX;

	for (uint32_t i = 0; i < RVX_VEC_LEVEL_MAX; i++) {
		t /= s->m;
		s->level_threshold[i] = t;
	}
}

static uint32_t level_of(const struct rvx_vec_store *s, uint64_t key)
{
	uint64_t h = rvx_vg_mix64(key ^ hdr(s)->cfg.seed);
	uint32_t l = 0;

	while (l < RVX_VEC_LEVEL_MAX && h < s->level_threshold[l])
		l++;
	return l;
}

/* ---- candidate lists ---------------------------------------------------- */

static uint16_t work_mark(struct rvx_vec_store *s)
{
	if (++s->work_epoch > 0xffffu) {
		memset(work_visited(s), 0, 2u * (size_t)s->capacity);
		s->work_epoch = 1;
	}
	return (uint16_t)s->work_epoch;
}

/* Insert (d, id) into the sorted list @p pool of @p *size <= ef entries;
 * returns the position, or ef when it did not fit. Equal distances go
 * after existing ones, so the order is a function of the visit order. */
static inline uint32_t pool_insert(struct vec_cand *pool, uint32_t *size, uint32_t ef, float d,
				   uint32_t id)
{
	const struct vec_cand *base = pool;
	uint32_t len = *size, lo = 0;

	/* The first entry farther than d: the range halves without a branch
	 * on the data (a conditional move), so nothing is mispredicted. */
	if (len != 0) {
		while (len > 1) {
			uint32_t half = len >> 1;
			base = base[half].d <= d ? base + half : base;
			len -= half;
		}
		lo = (uint32_t)(base - pool) + (base->d <= d ? 1u : 0u);
	}
	if (lo >= ef)
		return ef;
	uint32_t n = *size - lo - (*size == ef ? 1u : 0u);
	memmove(&pool[lo + 1], &pool[lo], n * sizeof(*pool));
	pool[lo].d = d;
	pool[lo].id = id;
	if (*size < ef)
		(*size)++;
	return lo;
}

/* How search_layer() computes distances: L2 with one of the kernels
 * inlined (the hot case, specialised so the loop holds no metric or kernel
 * branch), or through dist_q() for the other metrics. The _WHOLE variants
 * serve dimensions that are a multiple of the kernel's pass (64 components
 * portable, 128 AVX2): the compiler then drops the remainder steps. */
enum { DK_L2_PORTABLE, DK_L2_PORTABLE_WHOLE, DK_L2_AVX2, DK_L2_AVX2_WHOLE, DK_OTHER };

/* Neighbours prefetched together (a whole layer-0 list at the default m0;
 * bounded so the stack use stays small whatever the configuration). */
#define VEC_BATCH 32u

/* The layout facts the search loop needs, copied out of the store object
 * so that stores into the candidate list cannot make the compiler reload
 * them. */
struct walk {
	const uint8_t *nodes;
	size_t stride;
	uint32_t vec_offset, dim;
	uint32_t vec_lines; /* cache lines a vector may span */
};

/* Start fetching @p lines cache lines from @p p on. The count may include
 * one line past the vector: it lies in the next record or in the metadata
 * that follows the nodes, and a prefetch never faults anyway. */
static inline __attribute__((always_inline)) void prefetch_lines(const uint8_t *p, uint32_t lines)
{
	for (; lines >= 4; lines -= 4, p += 256) {
		__builtin_prefetch(p);
		__builtin_prefetch(p + 64);
		__builtin_prefetch(p + 128);
		__builtin_prefetch(p + 192);
	}
	for (; lines > 0; lines--, p += 64)
		__builtin_prefetch(p);
}

static inline struct walk walk_of(const struct rvx_vec_store *s)
{
	const struct walk w = {
		.nodes = s->base + s->off_nodes,
		.stride = s->stride,
		.vec_offset = s->vec_offset,
		.dim = s->dim,
		/* Vectors start 16-byte aligned, so at most 48 bytes into a
		 * cache line. */
		.vec_lines = (4u * s->dim + 48u + 63u) / 64u,
	};
	return w;
}

/* The lines to prefetch per vector; for a whole number of 64-component
 * passes that is dim / 16 + 1, a multiple of four plus one, which the
 * compiler then unrolls completely. */
static inline __attribute__((always_inline)) uint32_t walk_vec_lines(const struct walk *w, int dk)
{
	if (dk == DK_L2_PORTABLE_WHOLE || dk == DK_L2_AVX2_WHOLE)
		return ((w->dim & ~63u) >> 4) + 1u;
	return w->vec_lines;
}

static inline const uint32_t *walk_links0(const struct walk *w, uint32_t c)
{
	return (const uint32_t *)(const void *)(w->nodes + (size_t)c * w->stride + VEC_LINKS0);
}

static inline __attribute__((always_inline)) float
walk_dist(const struct rvx_vec_store *s, const struct walk *w, const float *q, float qinv,
	  uint32_t n, int dk)
{
	const float *v = (const float *)(const void *)(w->nodes + (size_t)n * w->stride +
							 w->vec_offset);
#if RVX_VG_HAVE_AVX2
	if (dk == DK_L2_AVX2)
		return rvx_vg_l2_avx2_(q, v, w->dim);
	/* dim & ~127 is dim here; written so, its low bits are known zero. */
	if (dk == DK_L2_AVX2_WHOLE)
		return rvx_vg_l2_avx2_(q, v, w->dim & ~127u);
#endif
	if (dk == DK_L2_PORTABLE)
		return rvx_vg_l2_portable_a16_(q, v, w->dim);
	if (dk == DK_L2_PORTABLE_WHOLE)
		return rvx_vg_l2_portable_a16_(q, v, w->dim & ~63u);
	return dist_q(s, q, qinv, n);
}

/*
 * Best-first search of one layer from @p ep, keeping the @p ef closest live
 * nodes of that layer in @p pool (sorted). The caller has advanced the
 * visited mark and may have pre-marked nodes to exclude. Every node enters
 * the list at most once, so the work is bounded by the nodes reachable.
 *
 * Each expansion takes the neighbours VEC_BATCH at a time: it first collects
 * the unvisited ones (the marks are a small array, mostly in cache) and
 * starts the memory fetches of all their vectors' cache lines, then
 * computes the distances, so the fetches overlap one another.
 */
static inline __attribute__((always_inline)) uint32_t
search_layer_t(const struct rvx_vec_store *s, const float *q, float qinv, uint32_t ep,
	       float d_ep, uint32_t level, uint32_t ef, uint16_t *visited, uint16_t mark,
	       struct vec_cand *pool, int dk)
{
	uint32_t size = 1, cursor = 0;
	uint32_t batch[VEC_BATCH];
	const struct walk w = walk_of(s);

	visited[ep] = mark;
	pool[0].d = d_ep;
	pool[0].id = ep;
	for (;;) {
		/* cursor: the first entry that may be unexpanded. Entries before
		 * it are all expanded; an insertion before it moves it back. */
		while (cursor < size && (pool[cursor].id & VEC_EXPANDED) != 0)
			cursor++;
		if (cursor >= size)
			break;
		uint32_t c = pool[cursor].id;
		pool[cursor].id = c | VEC_EXPANDED;
		cursor++;
		const uint32_t *lst = level != 0 ? links(s, c, level) : walk_links0(&w, c);
		uint32_t cnt = lst[0];
		for (uint32_t j0 = 1; j0 <= cnt; j0 += VEC_BATCH) {
			uint32_t end = cnt - j0 < VEC_BATCH ? cnt + 1 : j0 + VEC_BATCH, t = 0;
			for (uint32_t j = j0; j < end; j++) {
				uint32_t n = lst[j];
				if (visited[n] == mark)
					continue;
				visited[n] = mark;
				batch[t++] = n;
			}
			for (uint32_t j = 0; j < t; j++)
				prefetch_lines(w.nodes + (size_t)batch[j] * w.stride + w.vec_offset,
					       walk_vec_lines(&w, dk));
			for (uint32_t j = 0; j < t; j++) {
				uint32_t n = batch[j];
				float d = walk_dist(s, &w, q, qinv, n, dk);
				if (size == ef && !(d < pool[ef - 1].d))
					continue;
				const struct vec_node *nn = (const struct vec_node *)(const void *)(
					w.nodes + (size_t)n * w.stride);
				if (!nn->live || nn->level < level)
					continue;
				uint32_t pos = pool_insert(pool, &size, ef, d, n);
				if (pos < cursor)
					cursor = pos;
			}
		}
	}
	return size;
}

#if RVX_VG_HAVE_AVX2
/* The same loop compiled for AVX2, with the AVX2 kernel inlined; called
 * only when the embedder selected that kernel. */
RVX_VG_AVX2 static uint32_t search_layer_avx2(const struct rvx_vec_store *s, const float *q,
					      float qinv, uint32_t ep, float d_ep, uint32_t level,
					      uint32_t ef, uint16_t *visited, uint16_t mark,
					      struct vec_cand *pool)
{
	if (s->dim % 128u == 0)
		return search_layer_t(s, q, qinv, ep, d_ep, level, ef, visited, mark, pool,
				      DK_L2_AVX2_WHOLE);
	return search_layer_t(s, q, qinv, ep, d_ep, level, ef, visited, mark, pool, DK_L2_AVX2);
}
#endif

static uint32_t search_layer(const struct rvx_vec_store *s, const float *q, float qinv,
			     uint32_t ep, float d_ep, uint32_t level, uint32_t ef,
			     uint16_t *visited, uint16_t mark, struct vec_cand *pool)
{
	if (s->metric != RVX_VEC_METRIC_L2)
		return search_layer_t(s, q, qinv, ep, d_ep, level, ef, visited, mark, pool,
				      DK_OTHER);
#if RVX_VG_HAVE_AVX2
	if (s->kernel == RVX_VEC_KERNEL_AVX2)
		return search_layer_avx2(s, q, qinv, ep, d_ep, level, ef, visited, mark, pool);
#endif
	if (s->dim % 64u == 0)
		return search_layer_t(s, q, qinv, ep, d_ep, level, ef, visited, mark, pool,
				      DK_L2_PORTABLE_WHOLE);
	return search_layer_t(s, q, qinv, ep, d_ep, level, ef, visited, mark, pool,
			      DK_L2_PORTABLE);
}

/*
 * Greedy descent on one upper layer: move to any closer neighbour until
 * none is closer. @p skip is never entered (a node being re-linked).
 * Neighbours are taken VEC_BATCH at a time as in search_layer_t(): the
 * usable ones are collected and their vectors prefetched, then compared in
 * list order, so the moves are those of a one-by-one walk.
 */
static inline __attribute__((always_inline)) void
greedy_t(const struct rvx_vec_store *s, const float *q, float qinv, uint32_t *ep, float *d,
	 uint32_t level, uint32_t skip, int dk)
{
	const struct walk w = walk_of(s);
	uint32_t batch[VEC_BATCH];
	bool moved = true;

	while (moved) {
		moved = false;
		const uint32_t *lst = links(s, *ep, level);
		uint32_t cnt = lst[0];
		for (uint32_t j0 = 1; j0 <= cnt; j0 += VEC_BATCH) {
			uint32_t end = cnt - j0 < VEC_BATCH ? cnt + 1 : j0 + VEC_BATCH, t = 0;
			for (uint32_t j = j0; j < end; j++) {
				uint32_t n = lst[j];
				const struct vec_node *nn = node(s, n);
				if (n == skip || !nn->live || nn->level < level)
					continue;
				batch[t++] = n;
				prefetch_lines(w.nodes + (size_t)n * w.stride + w.vec_offset,
					       walk_vec_lines(&w, dk));
			}
			for (uint32_t j = 0; j < t; j++) {
				float dn = walk_dist(s, &w, q, qinv, batch[j], dk);
				if (dn < *d) {
					*d = dn;
					*ep = batch[j];
					moved = true;
				}
			}
		}
	}
}

#if RVX_VG_HAVE_AVX2
RVX_VG_AVX2 static void greedy_avx2(const struct rvx_vec_store *s, const float *q, float qinv,
				    uint32_t *ep, float *d, uint32_t level, uint32_t skip)
{
	if (s->dim % 128u == 0)
		greedy_t(s, q, qinv, ep, d, level, skip, DK_L2_AVX2_WHOLE);
	else
		greedy_t(s, q, qinv, ep, d, level, skip, DK_L2_AVX2);
}
#endif

static void greedy(const struct rvx_vec_store *s, const float *q, float qinv, uint32_t *ep,
		   float *d, uint32_t level, uint32_t skip)
{
	if (s->metric != RVX_VEC_METRIC_L2) {
		greedy_t(s, q, qinv, ep, d, level, skip, DK_OTHER);
		return;
	}
#if RVX_VG_HAVE_AVX2
	if (s->kernel == RVX_VEC_KERNEL_AVX2) {
		greedy_avx2(s, q, qinv, ep, d, level, skip);
		return;
	}
#endif
	if (s->dim % 64u == 0)
		greedy_t(s, q, qinv, ep, d, level, skip, DK_L2_PORTABLE_WHOLE);
	else
		greedy_t(s, q, qinv, ep, d, level, skip, DK_L2_PORTABLE);
}

/* Sort a short candidate array by (distance, slot): insertion sort, which is
 * fast for the <= 2*m0+1 entries it sees and gives a total order. */
static void sort_cands(struct vec_cand *c, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		struct vec_cand x = c[i];
		uint32_t j = i;
		while (j > 0 && (c[j - 1].d > x.d || (c[j - 1].d == x.d && c[j - 1].id > x.id))) {
			c[j] = c[j - 1];
			j--;
		}
		c[j] = x;
	}
}

/*
 * The HNSW neighbour-selection heuristic: walk candidates nearest first and
 * keep one only if it is closer to the base than to every neighbour kept so
 * far, so links spread in different directions. With no more candidates
 * than room, all are kept. @p cand is sorted; ids carry no flag bits.
 */
static uint32_t select_neighbours(const struct rvx_vec_store *s, const struct vec_cand *cand,
				  uint32_t n, uint32_t maxm, uint32_t *out)
{
	uint32_t cnt = 0;

	if (n <= maxm) {
		for (uint32_t i = 0; i < n; i++)
			out[i] = cand[i].id;
		return n;
	}
	for (uint32_t i = 0; i < n && cnt < maxm; i++) {
		bool keep = true;
		for (uint32_t j = 0; j < cnt; j++) {
			if (dist_nodes(s, cand[i].id, out[j]) < cand[i].d) {
				keep = false;
				break;
			}
		}
		if (keep)
			out[cnt++] = cand[i].id;
	}
	return cnt;
}

static inline bool usable(const struct rvx_vec_store *s, uint32_t n, uint32_t level)
{
	const struct vec_node *nn = node(s, n);
	return nn->live && nn->level >= level;
}

static void write_links(uint32_t *lst, uint32_t maxm, const uint32_t *ids, uint32_t cnt)
{
	lst[0] = cnt;
	/* A node may have no links yet (ids is NULL then); memcpy's arguments
	 * must be valid pointers even for a zero length. */
	if (cnt != 0)
		memcpy(lst + 1, ids, cnt * sizeof(uint32_t));
	memset(lst + 1 + cnt, 0, (maxm - cnt) * sizeof(uint32_t));
}

/* Re-choose the links of @p b on @p level from the candidates in
 * cand[0..n) (ids only; distances to b are computed here). */
static void relink(struct rvx_vec_store *s, uint32_t b, uint32_t level, struct vec_cand *cand,
		   uint32_t n)
{
	uint32_t *sel = (uint32_t *)(void *)(s->base + s->off_sel);
	uint32_t maxm = max_links(s, level);

	for (uint32_t i = 0; i < n; i++)
		cand[i].d = dist_nodes(s, b, cand[i].id);
	sort_cands(cand, n);
	uint32_t cnt = select_neighbours(s, cand, n, maxm, sel);
	write_links(links(s, b, level), maxm, sel, cnt);
}

/* Add the link b -> x on @p level; if b's list is full, shrink it with the
 * heuristic (dropping links to nodes no longer usable on the way). */
static void add_link(struct rvx_vec_store *s, uint32_t b, uint32_t x, uint32_t level)
{
	uint32_t *lst = links(s, b, level);
	uint32_t cnt = lst[0], maxm = max_links(s, level);

	for (uint32_t j = 1; j <= cnt; j++)
		if (lst[j] == x)
			return;
	if (cnt < maxm) {
		lst[cnt + 1] = x;
		lst[0] = cnt + 1;
		return;
	}
	struct vec_cand *cand = (struct vec_cand *)(void *)(s->base + s->off_cand);
	uint32_t n = 0;
	for (uint32_t j = 1; j <= cnt; j++)
		if (usable(s, lst[j], level))
			cand[n++].id = lst[j];
	cand[n++].id = x;
	relink(s, b, level, cand, n);
}

/* Link node @p x (live, lists empty, not the entry point) into the graph. */
static void link_node(struct rvx_vec_store *s, uint32_t x)
{
	struct vec_hdr *h = hdr(s);
	const struct vec_node *xn = node(s, x);
	uint32_t top = xn->level;
	const float *q = vec_of(s, x);
	float qinv = xn->inv_norm;
	struct vec_cand *pool = (struct vec_cand *)(void *)(s->base + s->off_pool);
	uint32_t *sel = (uint32_t *)(void *)(s->base + s->off_sel);
	uint16_t *visited = work_visited(s);

	if (h->entry == RVX_VG_NONE) {
		h->entry = x;
		h->max_level = top;
		return;
	}
	uint32_t ep = h->entry;
	float d = dist_q(s, q, qinv, ep);
	for (uint32_t l = h->max_level; l > top; l--)
		greedy(s, q, qinv, &ep, &d, l, x);
	for (uint32_t l = top < h->max_level ? top : h->max_level;; l--) {
		uint16_t mark = work_mark(s);
		visited[x] = mark;
		uint32_t n = search_layer(s, q, qinv, ep, d, l, s->ef_construction, visited, mark,
					  pool);
		for (uint32_t i = 0; i < n; i++)
			pool[i].id &= ~VEC_EXPANDED;
		uint32_t cnt = select_neighbours(s, pool, n, s->m, sel);
		/* sel is reused by add_link's shrink: keep the choice in x's
		 * own list and read it back from there. */
		write_links(links(s, x, l), max_links(s, l), sel, cnt);
		const uint32_t *mine = links(s, x, l);
		for (uint32_t i = 1; i <= cnt; i++)
			add_link(s, mine[i], x, l);
		ep = pool[0].id;
		d = pool[0].d;
		if (l == 0)
			break;
	}
	if (top > h->max_level) {
		h->entry = x;
		h->max_level = top;
	}
}

/* Choose a new entry point when @p x (the current one) leaves the graph:
 * the highest-layer live neighbour on x's highest non-empty layer, or, if x
 * has none, the lowest slot among the highest-layer live nodes (a scan,
 * taken only when x was isolated). */
static void replace_entry(struct rvx_vec_store *s, uint32_t x)
{
	struct vec_hdr *h = hdr(s);
	uint32_t best = RVX_VG_NONE, best_level = 0;

	for (uint32_t l = node(s, x)->level + 1; l-- > 0 && best == RVX_VG_NONE;) {
		const uint32_t *lst = links(s, x, l);
		for (uint32_t j = 1; j <= lst[0]; j++) {
			const struct vec_node *nn = node(s, lst[j]);
			if (lst[j] != x && nn->live &&
			    (best == RVX_VG_NONE || nn->level > best_level)) {
				best = lst[j];
				best_level = nn->level;
			}
		}
	}
	if (best == RVX_VG_NONE) {
		for (uint32_t i = 0; i < h->hwm; i++) {
			const struct vec_node *nn = node(s, i);
			if (i != x && nn->live && (best == RVX_VG_NONE || nn->level > best_level)) {
				best = i;
				best_level = nn->level;
			}
		}
	}
	h->entry = best;
	h->max_level = best == RVX_VG_NONE ? 0 : best_level;
}

/*
 * Node @p b loses its link (at position @p k of its list on @p level) to
 * @p x, which is leaving. b keeps all its other links; the gap is filled
 * from x's neighbours, nearest to b first, each accepted only if none of
 * b's links is closer to it than b is (the selection heuristic, applied
 * incrementally). If none passes, the nearest is taken, so b's degree
 * does not shrink with every delete around it.
 */
static void repair(struct rvx_vec_store *s, uint32_t b, uint32_t x, uint32_t level, uint32_t k)
{
	struct vec_cand *cand = (struct vec_cand *)(void *)(s->base + s->off_cand);
	uint16_t *visited = work_visited(s);
	uint32_t *bl = links(s, b, level);
	const uint32_t *xl = links(s, x, level);
	uint32_t maxm = max_links(s, level), n = 0, added = 0;

	memmove(&bl[k], &bl[k + 1], (bl[0] - k) * sizeof(uint32_t));
	bl[bl[0]] = 0;
	bl[0]--;
	uint16_t mark = work_mark(s);
	visited[b] = mark;
	visited[x] = mark;
	for (uint32_t i = 1; i <= bl[0]; i++)
		visited[bl[i]] = mark;
	for (uint32_t i = 1; i <= xl[0]; i++) {
		uint32_t c = xl[i];
		if (visited[c] != mark && usable(s, c, level)) {
			visited[c] = mark;
			cand[n].id = c;
			cand[n].d = dist_nodes(s, b, c);
			n++;
		}
	}
	sort_cands(cand, n);
	for (uint32_t i = 0; i < n && bl[0] < maxm; i++) {
		bool keep = true;
		for (uint32_t j = 1; j <= bl[0]; j++) {
			if (usable(s, bl[j], level) && dist_nodes(s, cand[i].id, bl[j]) < cand[i].d) {
				keep = false;
				break;
			}
		}
		if (keep) {
			bl[++bl[0]] = cand[i].id;
			added++;
		}
	}
	if (added == 0 && n > 0 && bl[0] < maxm)
		bl[++bl[0]] = cand[0].id;
}

/*
 * Take @p x out of the graph: every neighbour that links back to x loses
 * that link and is repaired (see repair()); then x's own lists are cleared.
 * x stays live; the caller frees or re-links it.
 */
static void unlink_node(struct rvx_vec_store *s, uint32_t x)
{
	uint32_t top = node(s, x)->level;

	if (hdr(s)->entry == x)
		replace_entry(s, x);
	for (uint32_t l = 0; l <= top; l++) {
		uint32_t *xl = links(s, x, l);
		for (uint32_t j = 1; j <= xl[0]; j++) {
			uint32_t b = xl[j];
			if (b == x || !usable(s, b, l))
				continue;
			uint32_t *bl = links(s, b, l);
			uint32_t k = 1;
			while (k <= bl[0] && bl[k] != x)
				k++;
			if (k > bl[0])
				continue; /* b does not link back: nothing to repair */
			repair(s, b, x, l, k);
		}
	}
	for (uint32_t l = 0; l <= top; l++)
		write_links(links(s, x, l), max_links(s, l), NULL, 0);
}

/* ---- public: configuration and binding ---------------------------------- */

void rvx_vec_config_default(struct rvx_vec_config *cfg, uint32_t dim, uint32_t capacity,
			    enum rvx_vec_metric metric)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dim = dim;
	cfg->capacity = capacity;
	cfg->m = RVX_VEC_DEFAULT_M;
	cfg->m0 = 2u * RVX_VEC_DEFAULT_M;
	cfg->ef_construction = RVX_VEC_DEFAULT_EF_CONSTRUCTION;
	cfg->ef_search = RVX_VEC_DEFAULT_EF_SEARCH;
	cfg->metric = (uint32_t)metric;
}

int rvx_vec_store_size(const struct rvx_vec_config *cfg, size_t *size)
{
	struct vec_layout lo;
	int rc = layout(cfg, &lo);

	if (rc != 0 || size == NULL)
		return -RVX_EINVAL;
	if (lo.total > SIZE_MAX)
		return -RVX_EINVAL;
	*size = (size_t)lo.total;
	return 0;
}

size_t rvx_vec_store_record_size(const struct rvx_vec_config *cfg)
{
	struct vec_layout lo;
	return layout(cfg, &lo) == 0 ? lo.stride : 0;
}

static void set_kernel(struct rvx_vec_store *s, uint32_t kernel)
{
	s->kernel = kernel;
}

/* Fill the object from a configuration and its layout. */
static void fill_object(struct rvx_vec_store *s, const struct rvx_vec_config *c,
			const struct vec_layout *lo, uint8_t *mem, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->base = mem;
	s->size = size;
	s->dim = c->dim;
	s->capacity = c->capacity;
	s->m = c->m;
	s->m0 = c->m0;
	s->metric = c->metric;
	s->stride = lo->stride;
	s->vec_offset = lo->vec_offset;
	s->upper_stride = lo->upper_stride;
	s->hash_count = lo->hash_count;
	s->upper_count = lo->upper_count;
	s->ef_construction = c->ef_construction;
	s->off_nodes = (size_t)lo->off_nodes;
	s->off_meta = (size_t)lo->off_meta;
	s->off_hash = (size_t)lo->off_hash;
	s->off_upper = (size_t)lo->off_upper;
	s->off_work = (size_t)lo->off_work;
	s->off_pool = (size_t)lo->off_pool;
	s->off_cand = (size_t)lo->off_cand;
	s->off_sel = (size_t)lo->off_sel;
	compute_thresholds(s);
	set_kernel(s, RVX_VEC_KERNEL_PORTABLE);
}

static void clear_work(struct rvx_vec_store *s, size_t total)
{
	memset(s->base + s->off_work, 0, total - s->off_work);
	s->work_epoch = 0;
}

int rvx_vec_store_init(struct rvx_vec_store *s, const struct rvx_vec_config *cfg, void *mem,
		       size_t size)
{
	struct vec_layout lo;

	if (s == NULL || mem == NULL || ((uintptr_t)mem % RVX_VEC_STORE_ALIGN) != 0)
		return -RVX_EINVAL;
	if (layout(cfg, &lo) != 0 || lo.total > SIZE_MAX)
		return -RVX_EINVAL;
	if (size < lo.total)
		return -RVX_ENOMEM;
	memset(mem, 0, (size_t)lo.total);
	fill_object(s, cfg, &lo, mem, size);
	struct vec_hdr *h = hdr(s);
	h->magic = VEC_MAGIC;
	h->version = VEC_VERSION;
	h->cfg = *cfg;
	h->total_size = lo.total;
	h->state_size = lo.off_work;
	h->stride = lo.stride;
	h->vec_offset = lo.vec_offset;
	h->hash_count = lo.hash_count;
	h->upper_count = lo.upper_count;
	h->upper_stride = lo.upper_stride;
	h->free_head = RVX_VG_NONE;
	h->entry = RVX_VG_NONE;
	h->upper_free = RVX_VG_NONE;
	return 0;
}

int rvx_vec_store_bind(struct rvx_vec_store *s, void *mem, size_t size)
{
	struct vec_layout lo;
	const struct vec_hdr *h = mem;

	if (s == NULL || mem == NULL || ((uintptr_t)mem % RVX_VEC_STORE_ALIGN) != 0)
		return -RVX_EINVAL;
	if (size < sizeof(struct vec_hdr))
		return -RVX_ENOMEM;
	if (h->magic != VEC_MAGIC || h->version != VEC_VERSION || layout(&h->cfg, &lo) != 0)
		return -RVX_EINVAL;
	uint32_t cap = h->cfg.capacity;
	if (h->total_size != lo.total || h->state_size != lo.off_work || h->stride != lo.stride ||
	    h->vec_offset != lo.vec_offset || h->hash_count != lo.hash_count ||
	    h->upper_count != lo.upper_count || h->upper_stride != lo.upper_stride ||
	    h->hwm > cap || h->count > h->hwm ||
	    (h->free_head != RVX_VG_NONE && h->free_head >= h->hwm) ||
	    (h->count == 0) != (h->entry == RVX_VG_NONE) ||
	    (h->entry != RVX_VG_NONE && h->entry >= h->hwm) || h->max_level > RVX_VEC_LEVEL_MAX ||
	    h->upper_hwm > h->upper_count || h->upper_used > h->upper_hwm ||
	    (h->upper_free != RVX_VG_NONE && h->upper_free >= h->upper_hwm) ||
	    h->reserved0 != 0)
		return -RVX_EINVAL;
	if (lo.total > SIZE_MAX || size < lo.total)
		return -RVX_ENOMEM;
	fill_object(s, &h->cfg, &lo, mem, size);
	clear_work(s, (size_t)lo.total);
	return 0;
}

size_t rvx_vec_store_state_size(const struct rvx_vec_store *s)
{
	return (size_t)hdr(s)->state_size;
}

bool rvx_vec_kernel_available(uint32_t kernel)
{
	if (kernel == RVX_VEC_KERNEL_PORTABLE)
		return true;
	return kernel == RVX_VEC_KERNEL_AVX2 && RVX_VG_HAVE_AVX2;
}

int rvx_vec_store_set_kernel(struct rvx_vec_store *s, uint32_t kernel)
{
	if (kernel >= RVX_VEC_KERNEL_COUNT)
		return -RVX_EINVAL;
	if (!rvx_vec_kernel_available(kernel))
		return -RVX_ENOTSUP;
	set_kernel(s, kernel);
	return 0;
}

void rvx_vec_store_config(const struct rvx_vec_store *s, struct rvx_vec_config *cfg)
{
	*cfg = hdr(s)->cfg;
}

uint32_t rvx_vec_store_count(const struct rvx_vec_store *s)
{
	return hdr(s)->count;
}

uint64_t rvx_vec_store_epoch(const struct rvx_vec_store *s)
{
	return hdr(s)->epoch;
}

/* ---- public: mutations ---------------------------------------------------- */

static void write_vector(struct rvx_vec_store *s, uint32_t slot, const float *v, float inv)
{
	memcpy(vec_of(s, slot), v, (size_t)s->dim * sizeof(float));
	node(s, slot)->inv_norm = inv;
}

/* Everything checked: take a slot, give it blocks for its layers, link it. */
static void do_insert(struct rvx_vec_store *s, uint64_t key, const float *v, float inv)
{
	struct vec_hdr *h = hdr(s);
	uint32_t slot;

	if (h->free_head != RVX_VG_NONE) {
		slot = h->free_head;
		h->free_head = node(s, slot)->upper;
	} else {
		slot = h->hwm++;
	}
	uint32_t level = level_of(s, key);
	uint32_t avail = h->upper_count - h->upper_used;
	if (level > avail)
		level = avail;
	struct vec_node *xn = node(s, slot);
	memset(rec(s, slot), 0, s->stride);
	xn->key = key;
	xn->live = 1;
	xn->level = (uint8_t)level;
	xn->upper = RVX_VG_NONE;
	/* Chain blocks so that the first is layer 1, its next layer 2, ... */
	for (uint32_t l = level; l >= 1; l--) {
		uint32_t b;
		if (h->upper_free != RVX_VG_NONE) {
			b = h->upper_free;
			h->upper_free = block(s, b)[0];
		} else {
			b = h->upper_hwm++;
		}
		memset(block(s, b), 0, s->upper_stride);
		block(s, b)[0] = xn->upper;
		xn->upper = b;
	}
	h->upper_used += level;
	write_vector(s, slot, v, inv);
	hash_insert(s, key, slot);
	struct vec_meta_rec *mr = meta(s, slot);
	memset(mr, 0, sizeof(*mr));
	mr->epoch = ++h->epoch;
	h->count++;
	link_node(s, slot);
}

static void do_update(struct rvx_vec_store *s, uint32_t slot, const float *v, float inv)
{
	struct vec_hdr *h = hdr(s);

	unlink_node(s, slot);
	if (h->entry == RVX_VG_NONE) {
		/* It was the only node: it stays the entry point. */
		write_vector(s, slot, v, inv);
		h->entry = slot;
		h->max_level = node(s, slot)->level;
	} else {
		write_vector(s, slot, v, inv);
		link_node(s, slot);
	}
	meta(s, slot)->epoch = ++h->epoch;
}

int rvx_vec_store_insert(struct rvx_vec_store *s, uint64_t key, const float *vec, uint32_t dim)
{
	float inv;
	int rc = check_vector(s, vec, dim, &inv);

	if (rc != 0)
		return rc;
	if (find_slot(s, key) != RVX_VG_NONE)
		return -RVX_EEXIST;
	if (hdr(s)->count >= s->capacity)
		return -RVX_ELIMIT;
	do_insert(s, key, vec, inv);
	return 0;
}

int rvx_vec_store_update(struct rvx_vec_store *s, uint64_t key, const float *vec, uint32_t dim)
{
	float inv;
	int rc = check_vector(s, vec, dim, &inv);

	if (rc != 0)
		return rc;
	uint32_t slot = find_slot(s, key);
	if (slot == RVX_VG_NONE)
		return -RVX_ENOENT;
	do_update(s, slot, vec, inv);
	return 0;
}

/* The rules of a put, in one place: the vector (and its inverse norm), then
 * room for a new key. @p slot is the key's slot, or RVX_VG_NONE if new. */
static int put_check(const struct rvx_vec_store *s, uint64_t key, const float *vec,
		     uint32_t dim, float *inv, uint32_t *slot)
{
	int rc = check_vector(s, vec, dim, inv);

	if (rc != 0)
		return rc;
	*slot = find_slot(s, key);
	if (*slot != RVX_VG_NONE)
		return 1;
	if (hdr(s)->count >= s->capacity)
		return -RVX_ELIMIT;
	return 0;
}

int rvx_vec_store_put_check(const struct rvx_vec_store *s, uint64_t key, const float *vec,
			    uint32_t dim)
{
	uint32_t slot;
	float inv;

	return put_check(s, key, vec, dim, &inv, &slot);
}

int rvx_vec_store_put(struct rvx_vec_store *s, uint64_t key, const float *vec, uint32_t dim)
{
	uint32_t slot = RVX_VG_NONE;
	float inv = 1.0f;
	int rc = put_check(s, key, vec, dim, &inv, &slot);

	if (rc == 1)
		do_update(s, slot, vec, inv);
	else if (rc == 0)
		do_insert(s, key, vec, inv);
	return rc;
}

int rvx_vec_store_delete(struct rvx_vec_store *s, uint64_t key)
{
	struct vec_hdr *h = hdr(s);
	uint32_t pos = hash_pos(s, key);

	if (pos == RVX_VG_NONE)
		return -RVX_ENOENT;
	uint32_t slot = hash_tab(s)[pos].slot1 - 1u;
	unlink_node(s, slot);
	hash_remove(s, pos);
	struct vec_node *xn = node(s, slot);
	uint32_t b = xn->upper;
	for (uint32_t l = 0; l < xn->level; l++) {
		uint32_t next = block(s, b)[0];
		memset(block(s, b), 0, s->upper_stride);
		block(s, b)[0] = h->upper_free;
		h->upper_free = b;
		b = next;
	}
	h->upper_used -= xn->level;
	memset(rec(s, slot), 0, s->stride);
	xn->upper = h->free_head;
	h->free_head = slot;
	memset(meta(s, slot), 0, sizeof(struct vec_meta_rec));
	h->count--;
	h->epoch++;
	if (h->count == 0) {
		h->entry = RVX_VG_NONE;
		h->max_level = 0;
	}
	return 0;
}

/* ---- public: reads ---------------------------------------------------------- */

static void touch(struct rvx_vec_store *s, uint32_t slot, uint64_t now)
{
	struct vec_meta_rec *mr = meta(s, slot);
	mr->last_access = now;
	mr->access_count++;
}

int rvx_vec_store_get(struct rvx_vec_store *s, uint64_t key, float *out, uint32_t dim,
		      uint64_t now)
{
	uint32_t slot = find_slot(s, key);

	if (slot == RVX_VG_NONE)
		return -RVX_ENOENT;
	if (out != NULL && dim < s->dim)
		return -RVX_EBUFSMALL;
	if (out != NULL)
		memcpy(out, vec_of(s, slot), (size_t)s->dim * sizeof(float));
	if (now != RVX_VEC_NOW_NONE)
		touch(s, slot, now);
	return 0;
}

int rvx_vec_store_meta(const struct rvx_vec_store *s, uint64_t key, struct rvx_vec_meta *m)
{
	uint32_t slot = find_slot(s, key);

	if (slot == RVX_VG_NONE)
		return -RVX_ENOENT;
	const struct vec_meta_rec *mr = meta(s, slot);
	memset(m, 0, sizeof(*m));
	m->key = key;
	m->epoch = mr->epoch;
	m->last_access = mr->last_access;
	m->access_count = mr->access_count;
	m->coherence = mr->coherence;
	m->level = node(s, slot)->level;
	memcpy(m->attestation, mr->attestation, RVX_VEC_HASH_BYTES);
	return 0;
}

int rvx_vec_store_set_coherence(struct rvx_vec_store *s, uint64_t key, uint32_t coherence)
{
	uint32_t slot = find_slot(s, key);

	if (slot == RVX_VG_NONE)
		return -RVX_ENOENT;
	meta(s, slot)->coherence = coherence;
	return 0;
}

int rvx_vec_store_set_attestation(struct rvx_vec_store *s, uint64_t key, const uint8_t *hash)
{
	if (hash == NULL)
		return -RVX_EINVAL;
	uint32_t slot = find_slot(s, key);
	if (slot == RVX_VG_NONE)
		return -RVX_ENOENT;
	memcpy(meta(s, slot)->attestation, hash, RVX_VEC_HASH_BYTES);
	return 0;
}

/* ---- public: search ---------------------------------------------------------- */

static uint64_t scratch_bytes(uint32_t capacity, uint32_t ef_max)
{
	return rvx_vg_align(2ull * capacity, 8) + 8ull * ef_max;
}

int rvx_vec_scratch_size(uint32_t capacity, uint32_t ef_max, size_t *size)
{
	if (size == NULL || capacity == 0 || capacity > RVX_VEC_CAPACITY_MAX || ef_max == 0 ||
	    ef_max > RVX_VEC_EF_MAX)
		return -RVX_EINVAL;
	*size = (size_t)scratch_bytes(capacity, ef_max);
	return 0;
}

int rvx_vec_scratch_init(struct rvx_vec_scratch *sc, void *mem, size_t size, uint32_t capacity,
			 uint32_t ef_max)
{
	size_t need;

	if (sc == NULL || mem == NULL || ((uintptr_t)mem % RVX_VEC_SCRATCH_ALIGN) != 0 ||
	    rvx_vec_scratch_size(capacity, ef_max, &need) != 0)
		return -RVX_EINVAL;
	if (size < need)
		return -RVX_ENOMEM;
	memset(mem, 0, need);
	sc->base = mem;
	sc->size = size;
	sc->capacity = capacity;
	sc->ef_max = ef_max;
	sc->epoch = 0;
	sc->reserved = 0;
	return 0;
}

int rvx_vec_store_search(struct rvx_vec_store *s, const float *query, uint32_t dim, uint32_t k,
			 uint32_t ef, struct rvx_vec_scratch *sc, struct rvx_vec_hit *out,
			 uint64_t now)
{
	const struct vec_hdr *h = hdr(s);
	float qinv;
	int rc;

	if (sc == NULL || out == NULL || k == 0)
		return -RVX_EINVAL;
	rc = check_vector(s, query, dim, &qinv);
	if (rc != 0)
		return rc;
	if (ef == 0)
		ef = h->cfg.ef_search;
	if (ef < k)
		ef = k;
	if (sc->capacity < s->capacity || ef > sc->ef_max)
		return -RVX_EBUFSMALL;
	if (h->count == 0)
		return 0;

	uint16_t *visited = (uint16_t *)(void *)sc->base;
	struct vec_cand *pool =
		(struct vec_cand *)(void *)(sc->base + rvx_vg_align(2ull * sc->capacity, 8));
	if (++sc->epoch > 0xffffu) {
		memset(visited, 0, 2u * (size_t)sc->capacity);
		sc->epoch = 1;
	}
	uint32_t ep = h->entry;
	float d = dist_q(s, query, qinv, ep);
	for (uint32_t l = h->max_level; l > 0; l--)
		greedy(s, query, qinv, &ep, &d, l, RVX_VG_NONE);
	uint32_t n = search_layer(s, query, qinv, ep, d, 0, ef, visited, (uint16_t)sc->epoch,
				  pool);
	if (n > k)
		n = k;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t slot = pool[i].id & ~VEC_EXPANDED;
		out[i].key = node(s, slot)->key;
		out[i].distance = pool[i].d;
		out[i].reserved = 0;
		if (now != RVX_VEC_NOW_NONE)
			touch(s, slot, now);
	}
	return (int)n;
}

/* ---- public: verification ------------------------------------------------------ */

int rvx_vec_store_verify(const struct rvx_vec_store *s)
{
	const struct vec_hdr *h = hdr(s);
	uint32_t live = 0, levels = 0, top = 0;

	for (uint32_t i = 0; i < h->hwm; i++) {
		const struct vec_node *xn = node(s, i);
		if (!xn->live)
			continue;
		live++;
		if (xn->level > RVX_VEC_LEVEL_MAX || find_slot(s, xn->key) != i)
			return -RVX_EINVAL;
		levels += xn->level;
		if (xn->level > top)
			top = xn->level;
		uint32_t b = xn->upper;
		for (uint32_t l = 1; l <= xn->level; l++) {
			if (b >= h->upper_hwm)
				return -RVX_EINVAL;
			b = block(s, b)[0];
		}
		if (b != RVX_VG_NONE)
			return -RVX_EINVAL;
		for (uint32_t l = 0; l <= xn->level; l++) {
			const uint32_t *lst = links(s, i, l);
			if (lst[0] > max_links(s, l))
				return -RVX_EINVAL;
			for (uint32_t j = 1; j <= lst[0]; j++) {
				if (lst[j] >= h->hwm || lst[j] == i)
					return -RVX_EINVAL;
				for (uint32_t k = 1; k < j; k++)
					if (lst[k] == lst[j])
						return -RVX_EINVAL;
			}
		}
	}
	if (live != h->count || levels != h->upper_used)
		return -RVX_EINVAL;
	/* Free lists: exactly the dead slots and the unowned blocks. */
	uint32_t n = 0;
	for (uint32_t f = h->free_head; f != RVX_VG_NONE; f = node(s, f)->upper) {
		if (f >= h->hwm || node(s, f)->live || ++n > h->hwm - h->count)
			return -RVX_EINVAL;
	}
	if (n != h->hwm - h->count)
		return -RVX_EINVAL;
	n = 0;
	for (uint32_t f = h->upper_free; f != RVX_VG_NONE; f = block(s, f)[0]) {
		if (f >= h->upper_hwm || ++n > h->upper_hwm - h->upper_used)
			return -RVX_EINVAL;
	}
	if (n != h->upper_hwm - h->upper_used)
		return -RVX_EINVAL;
	if (h->count > 0) {
		const struct vec_node *en = node(s, h->entry);
		if (!en->live || en->level != h->max_level || top < h->max_level)
			return -RVX_EINVAL;
	}
	n = 0;
	for (uint32_t i = 0; i < s->hash_count; i++) {
		const struct vec_hash_ent *e = &hash_tab(s)[i];
		if (e->slot1 == 0)
			continue;
		n++;
		if (e->slot1 > h->hwm || !node(s, e->slot1 - 1u)->live ||
		    node(s, e->slot1 - 1u)->key != e->key)
			return -RVX_EINVAL;
	}
	return n == h->count ? 0 : -RVX_EINVAL;
}

/* ---- public: validation of candidate state bytes ------------------------------ */

/*
 * The validator reads bytes that are not yet a store (a checkpoint image, at
 * any alignment) through memcpy only, and follows only indices it has
 * checked. It uses a bitmap in the caller's work memory: one bit per slot
 * (duplicate links) and one per upper block (each owned by one node or on
 * the free list, never both).
 */
struct vec_view {
	const uint8_t *b;
	struct vec_hdr h;
	struct vec_layout lo;
	uint8_t *bits;
};

static uint32_t vv_u32(const struct vec_view *v, uint64_t off)
{
	uint32_t x;

	memcpy(&x, v->b + off, sizeof(x));
	return x;
}

static bool vv_zero(const struct vec_view *v, uint64_t off, uint64_t len)
{
	uint8_t acc = 0;

	for (uint64_t i = 0; i < len; i++)
		acc |= v->b[off + i];
	return acc == 0;
}

static void vv_node(const struct vec_view *v, uint32_t slot, struct vec_node *n)
{
	memcpy(n, v->b + v->lo.off_nodes + (uint64_t)slot * v->lo.stride, sizeof(*n));
}

/* Offset of block @p b's first word (its next link; count and links follow). */
static uint64_t vv_block(const struct vec_view *v, uint32_t b)
{
	return v->lo.off_upper + (uint64_t)b * v->lo.upper_stride;
}

static bool bit_test_set(uint8_t *bits, uint64_t i)
{
	bool was = (bits[i >> 3] >> (i & 7u)) & 1u;

	bits[i >> 3] |= (uint8_t)(1u << (i & 7u));
	return was;
}

static void bit_clear(uint8_t *bits, uint64_t i)
{
	bits[i >> 3] &= (uint8_t)~(1u << (i & 7u));
}

/* One link list (count at @p off, links after it) of live node @p slot:
 * at most @p maxm links, each to a used slot, never itself, no repeats. */
static bool vv_links_ok(const struct vec_view *v, uint32_t slot, uint64_t off, uint32_t maxm)
{
	uint32_t cnt = vv_u32(v, off), j;
	bool ok = cnt <= maxm;

	for (j = 0; ok && j < cnt; j++) {
		uint32_t n = vv_u32(v, off + 4u + 4u * (uint64_t)j);

		ok = n < v->h.hwm && n != slot && !bit_test_set(v->bits, n);
	}
	/* The slot bits serve one list at a time: clear what this one set. */
	while (j-- > 0) {
		uint32_t n = vv_u32(v, off + 4u + 4u * (uint64_t)j);

		if (n < v->h.hwm)
			bit_clear(v->bits, n);
	}
	return ok;
}

/* A live node's vector: finite components within RVX_VEC_COMPONENT_MAX, and
 * its stored inverse norm what the metric makes of it (1 for L2 and dot; for
 * cosine, 1/|v| within rounding), so every distance stays finite. */
static bool vv_vector_ok(const struct vec_view *v, uint32_t slot, float inv)
{
	uint64_t off = v->lo.off_nodes + (uint64_t)slot * v->lo.stride + v->lo.vec_offset;
	float sq = 0.0f;

	for (uint32_t i = 0; i < v->h.cfg.dim; i++) {
		float x;

		memcpy(&x, v->b + off + 4u * (uint64_t)i, sizeof(x));
		if (!(x >= -RVX_VEC_COMPONENT_MAX && x <= RVX_VEC_COMPONENT_MAX))
			return false;
		sq += x * x;
	}
	if (v->h.cfg.metric != RVX_VEC_METRIC_COSINE)
		return inv == 1.0f;
	if (!(sq > 0.0f) || !(inv > 0.0f) || !(inv <= 3.4e38f))
		return false;
	float r = inv / rvx_vg_inv_sqrt_(sq);
	return r >= 0.999f && r <= 1.001f;
}

/* Header: a configuration, the layout it implies, counters in range. */
static bool vv_header_ok(struct vec_view *v, size_t len)
{
	const struct vec_hdr *h = &v->h;
	uint32_t cap;

	if (h->magic != VEC_MAGIC || h->version != VEC_VERSION || layout(&h->cfg, &v->lo) != 0)
		return false;
	cap = h->cfg.capacity;
	return h->total_size == v->lo.total && h->state_size == v->lo.off_work &&
	       len == v->lo.off_work && h->stride == v->lo.stride &&
	       h->vec_offset == v->lo.vec_offset && h->hash_count == v->lo.hash_count &&
	       h->upper_count == v->lo.upper_count && h->upper_stride == v->lo.upper_stride &&
	       h->hwm <= cap && h->count <= h->hwm &&
	       (h->free_head == RVX_VG_NONE || h->free_head < h->hwm) &&
	       (h->count == 0) == (h->entry == RVX_VG_NONE) &&
	       (h->entry == RVX_VG_NONE || h->entry < h->hwm) &&
	       h->max_level <= RVX_VEC_LEVEL_MAX && (h->count != 0 || h->max_level == 0) &&
	       h->upper_hwm <= h->upper_count && h->upper_used <= h->upper_hwm &&
	       (h->upper_free == RVX_VG_NONE || h->upper_free < h->upper_hwm) &&
	       h->reserved0 == 0 &&
	       vv_zero(v, offsetof(struct vec_hdr, reserved), sizeof(h->reserved));
}

/* Every slot: unused ones zero, free ones zero but for their free link, live
 * ones well formed with their upper chains and link lists in range. */
static bool vv_nodes_ok(const struct vec_view *v, uint32_t *top)
{
	const struct vec_hdr *h = &v->h;
	uint32_t live = 0;
	uint64_t levels = 0;

	*top = 0;
	for (uint32_t i = 0; i < h->cfg.capacity; i++) {
		uint64_t r = v->lo.off_nodes + (uint64_t)i * v->lo.stride;
		uint64_t mr = v->lo.off_meta + (uint64_t)i * sizeof(struct vec_meta_rec);
		struct vec_node n;
		struct vec_meta_rec m;

		vv_node(v, i, &n);
		if (i >= h->hwm || n.live == 0) {
			uint64_t up = offsetof(struct vec_node, upper);

			if (!vv_zero(v, r, up) || !vv_zero(v, r + up + 4u, v->lo.stride - up - 4u) ||
			    !vv_zero(v, mr, sizeof(m)) || (i >= h->hwm && n.upper != 0))
				return false;
			continue;
		}
		memcpy(&m, v->b + mr, sizeof(m));
		if (n.live != 1 || n.level > RVX_VEC_LEVEL_MAX || m.reserved != 0 ||
		    !vv_zero(v, r + offsetof(struct vec_node, reserved), sizeof(n.reserved)) ||
		    !vv_vector_ok(v, i, n.inv_norm) ||
		    !vv_links_ok(v, i, r + VEC_LINKS0, h->cfg.m0))
			return false;
		live++;
		levels += n.level;
		if (n.level > *top)
			*top = n.level;
		/* The chain: one block per layer 1..level, ending in NONE; each
		 * block owned once (its bit). */
		uint32_t b = n.upper;
		for (uint32_t l = 1; l <= n.level; l++) {
			if (b >= h->upper_hwm || bit_test_set(v->bits + (h->cfg.capacity + 7u) / 8u, b) ||
			    !vv_links_ok(v, i, vv_block(v, b) + 4u, h->cfg.m))
				return false;
			b = vv_u32(v, vv_block(v, b));
		}
		if (b != RVX_VG_NONE)
			return false;
	}
	return live == h->count && levels == h->upper_used;
}

/* The free lists: slots, exactly the free ones below hwm; blocks, exactly
 * those below upper_hwm no node owns, zero but for their link. */
static bool vv_free_ok(const struct vec_view *v)
{
	const struct vec_hdr *h = &v->h;
	uint8_t *bbits = v->bits + (h->cfg.capacity + 7u) / 8u;
	uint32_t n = 0;

	for (uint32_t f = h->free_head; f != RVX_VG_NONE;) {
		struct vec_node x;

		if (f >= h->hwm || n++ == h->hwm - h->count)
			return false;
		vv_node(v, f, &x);
		if (x.live != 0)
			return false;
		f = x.upper;
	}
	if (n != h->hwm - h->count)
		return false;
	n = 0;
	for (uint32_t f = h->upper_free; f != RVX_VG_NONE;) {
		if (f >= h->upper_hwm || n++ == h->upper_hwm - h->upper_used ||
		    bit_test_set(bbits, f) ||
		    !vv_zero(v, vv_block(v, f) + 4u, v->lo.upper_stride - 4u))
			return false;
		f = vv_u32(v, vv_block(v, f));
	}
	if (n != h->upper_hwm - h->upper_used)
		return false;
	for (uint32_t b = h->upper_hwm; b < h->upper_count; b++)
		if (!vv_zero(v, vv_block(v, b), v->lo.upper_stride))
			return false;
	return true;
}

/* The key table: each entry names a live node by its key and is the first
 * entry for that key on its probe run from the key's home (so every key is
 * found, found once, and no key is repeated); as many entries as nodes. */
static bool vv_hash_ok(const struct vec_view *v)
{
	const struct vec_hdr *h = &v->h;
	uint32_t n = 0, hc = v->lo.hash_count;

	for (uint32_t i = 0; i < hc; i++) {
		struct vec_hash_ent e;
		struct vec_node x;

		memcpy(&e, v->b + v->lo.off_hash + (uint64_t)i * sizeof(e), sizeof(e));
		if (e.slot1 == 0) {
			if (e.key != 0 || e.reserved != 0)
				return false;
			continue;
		}
		if (e.reserved != 0 || e.slot1 > h->hwm)
			return false;
		vv_node(v, e.slot1 - 1u, &x);
		if (x.live != 1 || x.key != e.key)
			return false;
		uint32_t j = rvx_vg_range(rvx_vg_mix64(e.key ^ h->cfg.seed ^ 0x5bd1e9955bd1e995ull), hc);
		while (j != i) {
			struct vec_hash_ent o;

			memcpy(&o, v->b + v->lo.off_hash + (uint64_t)j * sizeof(o), sizeof(o));
			if (o.slot1 == 0 || o.key == e.key)
				return false;
			if (++j == hc)
				j = 0;
		}
		n++;
	}
	return n == h->count;
}

static int vv_check(struct vec_view *v, size_t len)
{
	uint32_t top;

	if (!vv_header_ok(v, len))
		return -RVX_EINVAL;
	if (!vv_nodes_ok(v, &top) || !vv_free_ok(v) || !vv_hash_ok(v))
		return -RVX_EINVAL;
	if (v->h.count > 0) {
		struct vec_node en;

		vv_node(v, v->h.entry, &en);
		if (en.live != 1 || en.level != v->h.max_level || top < v->h.max_level)
			return -RVX_EINVAL;
	}
	return 0;
}

size_t rvx_vec_store_validate_work_size(const struct rvx_vec_config *cfg)
{
	struct vec_layout lo;

	if (layout(cfg, &lo) != 0)
		return 0;
	return (cfg->capacity + 7u) / 8u + (lo.upper_count + 7u) / 8u;
}

int rvx_vec_store_validate(const void *state, size_t len, void *work, size_t work_size,
			   struct rvx_vec_config *cfg)
{
	struct vec_view v;
	size_t need;
	int rc;

	if (state == NULL || work == NULL || len < sizeof(struct vec_hdr))
		return -RVX_EINVAL;
	memset(&v, 0, sizeof(v));
	v.b = state;
	memcpy(&v.h, state, sizeof(v.h));
	need = rvx_vec_store_validate_work_size(&v.h.cfg);
	if (need == 0)
		return -RVX_EINVAL;
	if (work_size < need)
		return -RVX_ENOMEM;
	v.bits = work;
	memset(work, 0, need);
	rc = vv_check(&v, len);
	memset(work, 0, need);
	if (rc == 0 && cfg != NULL)
		*cfg = v.h.cfg;
	return rc;
}
