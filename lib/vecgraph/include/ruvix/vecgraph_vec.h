/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file vecgraph_vec.h
 * @brief The vector store: an HNSW index over caller-provided memory.
 *
 * A vector store keeps up to `capacity` vectors of one fixed dimension, each
 * named by a 64-bit key, in a hierarchical navigable small-world graph (HNSW)
 * for approximate k-nearest-neighbour search. Order of use:
 *
 *  1. Fill a `struct rvx_vec_config` (rvx_vec_config_default() gives sane
 *     defaults), ask rvx_vec_store_size() how many bytes it needs, and call
 *     rvx_vec_store_init() on that much memory (aligned to
 *     `RVX_VEC_STORE_ALIGN`). Nothing is allocated afterwards.
 *  2. Mutate with rvx_vec_store_insert(), rvx_vec_store_update(),
 *     rvx_vec_store_put() and rvx_vec_store_delete(); read with
 *     rvx_vec_store_get() and rvx_vec_store_meta().
 *  3. Search with rvx_vec_store_search(), giving it a scratch area set up by
 *     rvx_vec_scratch_init() (sized by rvx_vec_scratch_size()). Searching
 *     never allocates and, unless the caller passes a time, writes nothing
 *     into the store.
 *  4. Checkpoint by copying the first rvx_vec_store_state_size() bytes of the
 *     memory; restore by copying them into any buffer of the full size (at
 *     any address) and calling rvx_vec_store_bind().
 *
 * The store's memory holds only plain data with indices, never pointers, so
 * it can be hashed, copied and restored. Everything the store does is a
 * deterministic function of its configuration and the sequence of calls:
 * a node's level in the hierarchy comes from its key and the store's seed
 * (see rvx_vec_store_insert()), never from a random-number state, so the same
 * sequence of calls on two fresh stores produces byte-identical state (given
 * the same distance kernel, see rvx_vec_store_set_kernel()).
 *
 * Every mutating call checks everything first and changes nothing on
 * failure. The store is not thread-safe: the caller serialises calls on one
 * store (searches that pass `RVX_VEC_NOW_NONE` only read it and may run in
 * parallel with each other, each with its own scratch).
 *
 * Distances (smaller is closer): L2 is the squared Euclidean distance (no
 * square root is taken: the order is the same); dot is `1 - a.b`; cosine is
 * `1 - a.b / (|a| |b|)`.
 */
#ifndef RUVIX_VECGRAPH_VEC_H
#define RUVIX_VECGRAPH_VEC_H

#include "ruvix/env.h"
#include "ruvix/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest supported vector dimension. */
#define RVX_VEC_DIM_MAX 4096u
/** Largest supported number of vectors in one store. */
#define RVX_VEC_CAPACITY_MAX (1u << 28)
/** Smallest allowed `m` (links per node on the upper layers). */
#define RVX_VEC_M_MIN 2u
/** Largest allowed `m`. */
#define RVX_VEC_M_MAX 128u
/** Largest allowed `m0` (links per node on layer 0). */
#define RVX_VEC_M0_MAX 512u
/** Largest `ef` accepted by the construction and search parameters. */
#define RVX_VEC_EF_MAX 4096u
/** Highest layer a node can reach (layers are 0..RVX_VEC_LEVEL_MAX). */
#define RVX_VEC_LEVEL_MAX 15u
/** Required alignment of store memory, in bytes (one cache line). */
#define RVX_VEC_STORE_ALIGN 64u
/** Required alignment of scratch memory, in bytes. */
#define RVX_VEC_SCRATCH_ALIGN 8u
/** Size of the attestation hash kept with each entry (SHA-256). */
#define RVX_VEC_HASH_BYTES 32u
/** Coherence score 1.0 in the Q16.16 fixed-point format of the metadata. */
#define RVX_VEC_COHERENCE_ONE 0x10000u
/** The `now` argument that means "do not record this access". */
#define RVX_VEC_NOW_NONE UINT64_MAX
/** Largest accepted magnitude of a vector component (2^50): keeps every
 * distance finite, so no NaN or infinity ever enters the graph. */
#define RVX_VEC_COMPONENT_MAX 1125899906842624.0f

/** Round @p x up to a multiple of 64 (helper of the size macros). */
#define RVX_VEC_ALIGN64_(x) (((size_t)(x) + 63u) & ~(size_t)63u)
/** Bytes of one node record for dimension @p dim and layer-0 links @p m0:
 * 24-byte head, u32 count and @p m0 links padded to 16, the vector padded
 * to 16. Equals rvx_vec_store_record_size(). */
#define RVX_VEC_RECORD_BYTES(dim, m0)                                                      \
	((((24u + 4u + 4u * (size_t)(m0) + 15u) & ~(size_t)15u) + 4u * (size_t)(dim) + 15u) & \
	 ~(size_t)15u)
/**
 * Bytes a store needs: a constant expression, usable for static storage.
 * Equals what rvx_vec_store_size() returns for a valid configuration with
 * these fields (the metric and seed do not change the size).
 */
#define RVX_VEC_STORE_BYTES(dim, capacity, m, m0, ef_construction)                        \
	(256u + RVX_VEC_ALIGN64_((size_t)(capacity) * RVX_VEC_RECORD_BYTES(dim, m0)) +        \
	 RVX_VEC_ALIGN64_(64u * (size_t)(capacity)) + RVX_VEC_ALIGN64_(32u * (size_t)(capacity)) + \
	 RVX_VEC_ALIGN64_(((2u * (size_t)(capacity)) / ((m) - 1u) + 64u) * 4u * ((m) + 2u)) +  \
	 RVX_VEC_ALIGN64_(2u * (size_t)(capacity)) +                                          \
	 8u * ((size_t)(ef_construction) + 4u * (size_t)(m0) + (m) + 8u))
/** Bytes of search scratch for @p capacity slots and @p ef_max; equals
 * rvx_vec_scratch_size(). */
#define RVX_VEC_SCRATCH_BYTES(capacity, ef_max)                                             \
	(((2u * (size_t)(capacity) + 7u) & ~(size_t)7u) + 8u * (size_t)(ef_max))
/** Declare static, suitably aligned storage for a store (pass it to
 * rvx_vec_store_init() with sizeof). */
#define RVX_VEC_STORE_DEFINE(name, dim, capacity, m, m0, ef_construction)                  \
	static _Alignas(RVX_VEC_STORE_ALIGN) uint8_t                                          \
		name[RVX_VEC_STORE_BYTES(dim, capacity, m, m0, ef_construction)]
/** Declare static storage for search scratch. */
#define RVX_VEC_SCRATCH_DEFINE(name, capacity, ef_max)                                      \
	static _Alignas(RVX_VEC_SCRATCH_ALIGN) uint8_t name[RVX_VEC_SCRATCH_BYTES(capacity, ef_max)]

/** Default `m` used by rvx_vec_config_default(). */
#define RVX_VEC_DEFAULT_M 16u
/** Default `ef_construction` used by rvx_vec_config_default(). */
#define RVX_VEC_DEFAULT_EF_CONSTRUCTION 200u
/** Default `ef_search` used by rvx_vec_config_default(). */
#define RVX_VEC_DEFAULT_EF_SEARCH 64u

/** Distance functions. Values are stored in the store's memory (ABI). */
enum rvx_vec_metric {
	RVX_VEC_METRIC_L2 = 0,     /**< Squared Euclidean distance. */
	RVX_VEC_METRIC_COSINE = 1, /**< `1 - cos(a, b)`; zero vectors are refused. */
	RVX_VEC_METRIC_DOT = 2,    /**< `1 - a.b` (inner product). */
	RVX_VEC_METRIC_COUNT       /**< Number of metrics; not a metric. */
};

/** Distance kernels. The kernel is a property of a bound store object,
 * never of the stored bytes. */
enum rvx_vec_kernel {
	/** Generic 128-bit vector code that every GCC/Clang target compiles
	 * (SSE2 on x86-64, NEON on AArch64, scalar elsewhere). The default. */
	RVX_VEC_KERNEL_PORTABLE = 0,
	/** Explicit AVX2+FMA code on x86-64, when the compiler supports it.
	 * The caller must know that the CPU has AVX2 and FMA. Results agree
	 * with the portable kernel within float rounding, not bit for bit. */
	RVX_VEC_KERNEL_AVX2 = 1,
	RVX_VEC_KERNEL_COUNT /**< Number of kernels; not a kernel. */
};

/**
 * Configuration of a vector store; copied into the store's memory by
 * rvx_vec_store_init(). Fixed-width fields; every field is checked.
 */
struct rvx_vec_config {
	uint32_t dim;             /**< Components per vector, 1..RVX_VEC_DIM_MAX. */
	uint32_t capacity;        /**< Maximum live vectors, 1..RVX_VEC_CAPACITY_MAX. */
	uint16_t m;               /**< Links per node on layers >= 1, RVX_VEC_M_MIN..RVX_VEC_M_MAX. */
	uint16_t m0;              /**< Links per node on layer 0, m..RVX_VEC_M0_MAX (usually 2*m). */
	uint16_t ef_construction; /**< Candidate list size while inserting, m..RVX_VEC_EF_MAX. */
	uint16_t ef_search;       /**< Default search `ef` (used when a search passes 0), 1..RVX_VEC_EF_MAX. */
	uint32_t metric;          /**< An `enum rvx_vec_metric`. */
	uint32_t reserved;        /**< Must be 0. */
	uint64_t seed;            /**< Mixed into level assignment and hashing; any value. */
};

_Static_assert(sizeof(struct rvx_vec_config) == 32, "ABI: rvx_vec_config");

/** Coherence metadata and access statistics of one entry. */
struct rvx_vec_meta {
	uint64_t key;          /**< The entry's key. */
	uint64_t epoch;        /**< Store mutation counter value at the entry's last vector write. */
	uint64_t last_access;  /**< Time of the last recorded access (0 if never). */
	uint64_t access_count; /**< Number of recorded accesses (gets and search hits). */
	uint32_t coherence;    /**< Coherence score, Q16.16 (0 until set). */
	uint32_t level;        /**< Highest HNSW layer the entry is linked on. */
	uint8_t attestation[RVX_VEC_HASH_BYTES]; /**< Attestation hash of the last proved write (zero until set). */
};

/** One search result. */
struct rvx_vec_hit {
	uint64_t key;      /**< Key of the vector found. */
	float distance;    /**< Its distance to the query under the store's metric. */
	uint32_t reserved; /**< Always 0. */
};

_Static_assert(sizeof(struct rvx_vec_hit) == 16, "ABI: rvx_vec_hit");

/**
 * A bound vector store. Holds the address of the caller's memory and values
 * derived from its header; all state lives in that memory. Treat the fields
 * as private.
 */
struct rvx_vec_store {
	uint8_t *base;        /**< The caller's memory. */
	size_t size;          /**< Its size in bytes. */
	uint32_t dim;         /**< Vector dimension. */
	uint32_t capacity;    /**< Capacity in vectors. */
	uint32_t m;           /**< Links per upper-layer node. */
	uint32_t m0;          /**< Links per layer-0 node. */
	uint32_t metric;      /**< Metric. */
	uint32_t kernel;      /**< Selected `enum rvx_vec_kernel`. */
	uint32_t stride;      /**< Bytes per node record. */
	uint32_t vec_offset;  /**< Offset of the vector inside a node record. */
	uint32_t upper_stride;/**< Bytes per upper-layer link block. */
	uint32_t hash_count;  /**< Key hash table entries. */
	uint32_t upper_count; /**< Upper-layer link blocks. */
	uint32_t ef_construction; /**< Candidate list size while inserting. */
	size_t off_nodes;     /**< Offset of the node records. */
	size_t off_meta;      /**< Offset of the metadata records. */
	size_t off_hash;      /**< Offset of the key hash table. */
	size_t off_upper;     /**< Offset of the upper-layer link blocks. */
	size_t off_work;      /**< Offset of the insertion work area (end of the state). */
	size_t off_pool;      /**< Offset of the work area's candidate list. */
	size_t off_cand;      /**< Offset of the work area's re-link candidates. */
	size_t off_sel;       /**< Offset of the work area's selected links. */
	uint64_t level_threshold[RVX_VEC_LEVEL_MAX]; /**< Level i+1 is reached when the key's hash is below entry i. */
	uint32_t work_epoch;  /**< Visited-mark epoch of the work area. */
};

/**
 * Search scratch memory: a visited-mark array over the store's slots and the
 * candidate list. One per concurrent searcher; reusable across searches and
 * across stores of at most the capacity it was sized for.
 */
struct rvx_vec_scratch {
	uint8_t *base;     /**< The caller's memory. */
	size_t size;       /**< Its size in bytes. */
	uint32_t capacity; /**< Largest store capacity it serves. */
	uint32_t ef_max;   /**< Largest `ef` it serves. */
	uint32_t epoch;    /**< Current visited-mark value. */
	uint32_t reserved; /**< Always 0. */
};

/**
 * Fill a configuration with defaults: m 16, m0 32, ef_construction 200,
 * ef_search 64, seed 0.
 * @param[out] cfg     configuration to fill
 * @param dim          vector dimension
 * @param capacity     maximum number of vectors
 * @param metric       an `enum rvx_vec_metric`
 */
void rvx_vec_config_default(struct rvx_vec_config *cfg, uint32_t dim, uint32_t capacity,
			    enum rvx_vec_metric metric);

/**
 * Compute the memory a store with this configuration needs
 * (RVX_VEC_STORE_BYTES() is the same as a constant expression).
 *
 * The total is: a 256-byte header; per slot a node record (layer-0 links,
 * the vector, key and level) of `rvx_vec_store_record_size()` bytes and a
 * 64-byte metadata record; a key hash table of 2*capacity 16-byte entries;
 * `2*capacity/(m-1) + 64` upper-layer link blocks of `4*(m+2)` bytes; and an
 * insertion work area of `2*capacity` bytes (rounded to 64) plus
 * `8*(ef_construction + 4*m0 + m + 8)` bytes; each part but the last is
 * rounded up to 64 bytes.
 * @param cfg        configuration
 * @param[out] size  bytes needed
 * @retval 0 success
 * @retval -RVX_EINVAL a configuration field is out of range
 */
int rvx_vec_store_size(const struct rvx_vec_config *cfg, size_t *size);

/**
 * Bytes of one node record for a configuration (links, vector, key, level).
 * @param cfg configuration (must be valid)
 * @return the record size, or 0 if the configuration is invalid
 */
size_t rvx_vec_store_record_size(const struct rvx_vec_config *cfg);

/**
 * Format memory as an empty store and bind @p s to it.
 * @param[out] s  store object to bind
 * @param cfg     configuration (copied)
 * @param mem     memory, aligned to RVX_VEC_STORE_ALIGN
 * @param size    its size in bytes
 * @retval 0 success
 * @retval -RVX_EINVAL a configuration field is out of range, or @p mem is
 *         NULL or misaligned
 * @retval -RVX_ENOMEM @p size is smaller than rvx_vec_store_size()
 */
int rvx_vec_store_init(struct rvx_vec_store *s, const struct rvx_vec_config *cfg, void *mem,
		       size_t size);

/**
 * Bind @p s to memory that already holds a store (for example a restored
 * checkpoint). Checks the header and the layout it implies, clears the
 * insertion work area and selects the portable kernel. Does not walk the
 * graph; rvx_vec_store_verify() does.
 * @param[out] s  store object to bind
 * @param mem     memory, aligned to RVX_VEC_STORE_ALIGN
 * @param size    its size in bytes
 * @retval 0 success
 * @retval -RVX_EINVAL @p mem is NULL or misaligned, or the header is not a
 *         valid store header
 * @retval -RVX_ENOMEM @p size is smaller than the store the header describes
 */
int rvx_vec_store_bind(struct rvx_vec_store *s, void *mem, size_t size);

/**
 * Number of leading bytes of the memory that hold the store's state. They
 * are what a checkpoint copies and what a state hash covers; the bytes after
 * them are a work area that rvx_vec_store_bind() clears.
 * @param s bound store
 * @return the state size in bytes
 */
size_t rvx_vec_store_state_size(const struct rvx_vec_store *s);

/**
 * Whether a distance kernel was compiled into this build.
 * @param kernel an `enum rvx_vec_kernel`
 * @return true if rvx_vec_store_set_kernel() accepts it
 */
bool rvx_vec_kernel_available(uint32_t kernel);

/**
 * Select the distance kernel a bound store object uses. Changes only the
 * object, never the stored bytes. Bit-exact replay needs the same kernel.
 * @param s       bound store
 * @param kernel  an `enum rvx_vec_kernel`
 * @retval 0 success
 * @retval -RVX_EINVAL @p kernel is not a kernel
 * @retval -RVX_ENOTSUP the kernel is not compiled into this build
 */
int rvx_vec_store_set_kernel(struct rvx_vec_store *s, uint32_t kernel);

/**
 * Copy the store's configuration.
 * @param s         bound store
 * @param[out] cfg  its configuration
 */
void rvx_vec_store_config(const struct rvx_vec_store *s, struct rvx_vec_config *cfg);

/**
 * Number of vectors in the store.
 * @param s bound store
 * @return the live vector count
 */
uint32_t rvx_vec_store_count(const struct rvx_vec_store *s);

/**
 * Value of the store's mutation counter (advanced by every insert, update
 * and delete).
 * @param s bound store
 * @return the current mutation epoch
 */
uint64_t rvx_vec_store_epoch(const struct rvx_vec_store *s);

/**
 * Insert a new vector under a new key and link it into the graph.
 *
 * The node's layer is the largest L such that `h < t_l` for every
 * l = 1..L, where `h = splitmix64(key ^ seed)` (the splitmix64 output
 * function of the state `key ^ seed`) and `t_l = floor((2^64 - 1) / m^l)`,
 * so `P(L >= l) = m^-l`: the usual HNSW distribution with multiplier
 * 1/ln m, computed with integer divisions only (no logarithm, no libm). L is capped at RVX_VEC_LEVEL_MAX and, if the pool of upper-layer
 * link blocks (sized for twice the expected need) is short, at the number
 * of free blocks: both caps depend only on the store's history, so the
 * result stays deterministic. The work is bounded by ef_construction,
 * m0 and the number of layers.
 * @param s    bound store
 * @param key  key of the new vector
 * @param vec  @p dim finite components of magnitude at most
 *             RVX_VEC_COMPONENT_MAX (not all zero for cosine)
 * @param dim  must equal the store's dimension
 * @retval 0 success
 * @retval -RVX_EINVAL wrong @p dim, @p vec NULL, a NaN or infinite
 *         component or one above RVX_VEC_COMPONENT_MAX in magnitude, or a
 *         zero vector under the cosine metric
 * @retval -RVX_EEXIST the key is already in the store
 * @retval -RVX_ELIMIT the store holds `capacity` vectors
 */
int rvx_vec_store_insert(struct rvx_vec_store *s, uint64_t key, const float *vec, uint32_t dim);

/**
 * Replace the vector of an existing key and re-link it: its neighbours are
 * repaired as for a delete, then it is linked again at its old layer (the
 * same search and selection as an insert).
 * Metadata other than the epoch is kept.
 * @param s    bound store
 * @param key  key of the vector
 * @param vec  @p dim finite components of magnitude at most
 *             RVX_VEC_COMPONENT_MAX (not all zero for cosine)
 * @param dim  must equal the store's dimension
 * @retval 0 success
 * @retval -RVX_EINVAL wrong @p dim, @p vec NULL, a NaN or infinite
 *         component or one above RVX_VEC_COMPONENT_MAX in magnitude, or a
 *         zero vector under the cosine metric
 * @retval -RVX_ENOENT the key is not in the store
 */
int rvx_vec_store_update(struct rvx_vec_store *s, uint64_t key, const float *vec, uint32_t dim);

/**
 * Check a put without changing anything: rvx_vec_store_put() with the same
 * arguments on the same store succeeds exactly when this returns >= 0, and
 * then returns the same value. A caller that must decide before it commits
 * (the kernel writes its witness record first) asks this, so the rules live
 * only here.
 * @param s    bound store
 * @param key  key of the vector
 * @param vec  @p dim components
 * @param dim  must equal the store's dimension
 * @return 0 if the put would insert, 1 if it would update
 * @retval -RVX_EINVAL wrong @p dim, @p vec NULL, a NaN or infinite
 *         component or one above RVX_VEC_COMPONENT_MAX in magnitude, or,
 *         under the cosine metric, a vector whose squared norm is 0 in
 *         single precision (all zero, or components so small that their
 *         squares underflow)
 * @retval -RVX_ELIMIT the key is new and the store is full
 */
int rvx_vec_store_put_check(const struct rvx_vec_store *s, uint64_t key, const float *vec,
			    uint32_t dim);

/**
 * Check a vector's components as a put into a store of @p metric and
 * dimension @p dim judges them (rvx_vec_store_put_check() applies this rule
 * first), without a store: for a caller that must judge vectors before the
 * store they go into exists (the kernel checks a package's seed vectors
 * before it mounts the package).
 * @param metric an `enum rvx_vec_metric`
 * @param vec    @p dim components
 * @param dim    their number (nonzero)
 * @retval 0 a put of this vector into such a store passes the vector check
 * @retval -RVX_EINVAL an unknown @p metric, @p vec NULL, @p dim 0, a NaN or
 *         infinite component or one above RVX_VEC_COMPONENT_MAX in
 *         magnitude, or, under the cosine metric, a zero squared norm in
 *         single precision
 */
int rvx_vec_check_vector(uint32_t metric, const float *vec, uint32_t dim);

/**
 * Insert the vector, or update it if the key exists. Accepts exactly what
 * rvx_vec_store_put_check() accepts.
 * @param s    bound store
 * @param key  key of the vector
 * @param vec  @p dim finite components of magnitude at most
 *             RVX_VEC_COMPONENT_MAX (not all zero for cosine)
 * @param dim  must equal the store's dimension
 * @return 0 if inserted, 1 if an existing vector was updated
 * @retval -RVX_EINVAL wrong @p dim, @p vec NULL, a NaN or infinite
 *         component or one above RVX_VEC_COMPONENT_MAX in magnitude, or a
 *         zero squared norm under the cosine metric (see
 *         rvx_vec_store_put_check())
 * @retval -RVX_ELIMIT the key is new and the store is full
 */
int rvx_vec_store_put(struct rvx_vec_store *s, uint64_t key, const float *vec, uint32_t dim);

/**
 * Delete a vector and repair the graph around it.
 *
 * Each neighbour that links back to the deleted node loses that link,
 * keeps its others, and fills the gap from the deleted node's neighbours
 * (nearest first, accepted by the HNSW selection heuristic, or the nearest
 * one if none passes), so the graph stays navigable under churn and no
 * node's degree erodes. Links from nodes the deleted node did not link to
 * are left in place and skipped by searches until they are pruned or the
 * slot is reused. Work is bounded by about m0^3 distance evaluations per
 * layer in the worst case (m0 neighbours, each checking up to m0
 * candidates against up to m0 links), far less in practice. If the deleted node was the entry point, one of its neighbours on
 * the highest layer takes over (a scan for the highest node happens only
 * when it had none).
 * @param s    bound store
 * @param key  key of the vector
 * @retval 0 success
 * @retval -RVX_ENOENT the key is not in the store
 */
int rvx_vec_store_delete(struct rvx_vec_store *s, uint64_t key);

/**
 * Read a vector by key (a hash lookup, no scan).
 * @param s         bound store
 * @param key       key of the vector
 * @param[out] out  receives the store's dimension of components (may be
 *                  NULL to test presence only)
 * @param dim       capacity of @p out in components; must be at least the
 *                  store's dimension when @p out is not NULL
 * @param now       time of the access to record in the entry's statistics,
 *                  or RVX_VEC_NOW_NONE to leave the store untouched
 * @retval 0 success
 * @retval -RVX_EBUFSMALL @p out is too small
 * @retval -RVX_ENOENT the key is not in the store
 */
int rvx_vec_store_get(struct rvx_vec_store *s, uint64_t key, float *out, uint32_t dim,
		      uint64_t now);

/**
 * Read an entry's coherence metadata and access statistics.
 * @param s          bound store
 * @param key        key of the vector
 * @param[out] meta  the metadata
 * @retval 0 success
 * @retval -RVX_ENOENT the key is not in the store
 */
int rvx_vec_store_meta(const struct rvx_vec_store *s, uint64_t key, struct rvx_vec_meta *meta);

/**
 * Set an entry's coherence score.
 * @param s          bound store
 * @param key        key of the vector
 * @param coherence  score in Q16.16 (RVX_VEC_COHERENCE_ONE is 1.0)
 * @retval 0 success
 * @retval -RVX_ENOENT the key is not in the store
 */
int rvx_vec_store_set_coherence(struct rvx_vec_store *s, uint64_t key, uint32_t coherence);

/**
 * Record the attestation hash of the last proved write of an entry.
 * @param s     bound store
 * @param key   key of the vector
 * @param hash  RVX_VEC_HASH_BYTES bytes
 * @retval 0 success
 * @retval -RVX_EINVAL @p hash is NULL
 * @retval -RVX_ENOENT the key is not in the store
 */
int rvx_vec_store_set_attestation(struct rvx_vec_store *s, uint64_t key, const uint8_t *hash);

/**
 * Compute the scratch memory a search needs: `2*capacity` bytes of visited
 * marks (rounded up to 8) plus `8*ef_max` bytes of candidate list
 * (RVX_VEC_SCRATCH_BYTES() as a constant expression).
 * @param capacity   largest store capacity to serve
 * @param ef_max     largest `ef` (and `k`) to serve
 * @param[out] size  bytes needed
 * @retval 0 success
 * @retval -RVX_EINVAL @p capacity or @p ef_max is 0 or above its maximum
 */
int rvx_vec_scratch_size(uint32_t capacity, uint32_t ef_max, size_t *size);

/**
 * Set up search scratch memory.
 * @param[out] sc  scratch object
 * @param mem      memory, aligned to RVX_VEC_SCRATCH_ALIGN
 * @param size     its size in bytes
 * @param capacity largest store capacity to serve
 * @param ef_max   largest `ef` (and `k`) to serve
 * @retval 0 success
 * @retval -RVX_EINVAL @p mem NULL or misaligned, or @p capacity or
 *         @p ef_max is 0 or above its maximum
 * @retval -RVX_ENOMEM @p size is smaller than rvx_vec_scratch_size()
 */
int rvx_vec_scratch_init(struct rvx_vec_scratch *sc, void *mem, size_t size, uint32_t capacity,
			 uint32_t ef_max);

/**
 * Find the @p k nearest vectors to a query.
 *
 * A greedy descent through the upper layers, then a best-first search of
 * layer 0 that keeps the @p ef closest nodes seen; results are sorted by
 * distance, nearest first. Searching writes only @p sc and @p out, unless
 * @p now is a time: then each returned entry's access statistics record it.
 * @param s         bound store
 * @param query     @p dim finite components (non-zero for cosine)
 * @param dim       must equal the store's dimension
 * @param k         number of neighbours wanted, >= 1
 * @param ef        candidate list size; 0 means the store's ef_search;
 *                  values below @p k are raised to @p k
 * @param sc        scratch from rvx_vec_scratch_init()
 * @param[out] out  room for @p k hits
 * @param now       time to record in the hits' statistics, or
 *                  RVX_VEC_NOW_NONE to leave the store untouched
 * @return the number of hits written (fewer than @p k only when the store
 *         holds fewer vectors than @p k, or the graph reaches fewer)
 * @retval -RVX_EINVAL wrong @p dim, NULL pointer, @p k 0, a NaN or infinite
 *         component or one above RVX_VEC_COMPONENT_MAX in magnitude, or a
 *         zero query under the cosine metric
 * @retval -RVX_EBUFSMALL the scratch serves a smaller capacity or `ef`
 */
int rvx_vec_store_search(struct rvx_vec_store *s, const float *query, uint32_t dim, uint32_t k,
			 uint32_t ef, struct rvx_vec_scratch *sc, struct rvx_vec_hit *out,
			 uint64_t now);

/**
 * Check the store's structure: counts, free lists, every link in range
 * and pointing to a live node of a high enough layer (or a stale slot),
 * no self links or duplicates, and the key table agreeing with the nodes.
 * Linear in the size of the store; meant for tests and for checking a
 * restored checkpoint before use.
 * @param s bound store
 * @retval 0 the structure is consistent
 * @retval -RVX_EINVAL an inconsistency was found
 */
int rvx_vec_store_verify(const struct rvx_vec_store *s);

/**
 * Bytes of work memory rvx_vec_store_validate() needs for a store of this
 * configuration: one bit per slot and one per upper-layer link block. The
 * work area of any store of the same configuration (its memory past
 * rvx_vec_store_state_size()) is always at least this large.
 * @param cfg configuration
 * @return the size in bytes, or 0 if the configuration is invalid
 */
size_t rvx_vec_store_validate_work_size(const struct rvx_vec_config *cfg);

/**
 * Check that bytes are a consistent store state before they are trusted (a
 * checkpoint image, say), as rvx_vec_store_bind() followed by every later
 * call would need them: the header and the layout its configuration
 * implies; counts against the capacity and high-water marks; unused and
 * free slots and blocks zero but for their free-list links; each free list
 * a simple path through exactly the free slots (or the blocks no node
 * owns); every live node's layer at most RVX_VEC_LEVEL_MAX, its chain of
 * upper blocks exactly one block per layer and owned by no other node, at
 * most m0 links on layer 0 and m above, each link to a used slot other
 * than itself and not repeated; its vector finite within
 * RVX_VEC_COMPONENT_MAX and its stored inverse norm what the metric makes of
 * it; the entry point a live node on the top layer; and the key table
 * naming each live node once, by its key, reachable from the key's home.
 * Reads @p state through memcpy only (any alignment). Time linear in the
 * state's size plus one key lookup per vector.
 * @param state     candidate state bytes (what rvx_vec_store_state_size() covers)
 * @param len       bytes at @p state; must equal the state size its header gives
 * @param work      rvx_vec_store_validate_work_size() bytes of scratch (any
 *                  alignment); zero on return, whatever the result
 * @param work_size bytes at @p work
 * @param[out] cfg  the state's configuration when valid (may be NULL)
 * @retval 0 consistent
 * @retval -RVX_EINVAL a NULL pointer, or any field, link or count that breaks
 *         one of the invariants above
 * @retval -RVX_ENOMEM @p work_size is too small for the configuration the
 *         header gives
 */
int rvx_vec_store_validate(const void *state, size_t len, void *work, size_t work_size,
			   struct rvx_vec_config *cfg);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_VECGRAPH_VEC_H */
