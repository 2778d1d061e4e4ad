/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file vecgraph_graph.h
 * @brief The graph store: nodes with metadata and directed weighted edges.
 *
 * A graph store keeps up to `node_capacity` nodes, each named by a 64-bit id
 * and carrying RVX_GRAPH_META_BYTES of metadata, and up to `edge_capacity`
 * directed edges with Q16.16 fixed-point weights, in caller memory. Order of
 * use:
 *
 *  1. Fill a `struct rvx_graph_config`, ask rvx_graph_size() for the bytes
 *     needed, and call rvx_graph_init() on that memory.
 *  2. Mutate either with the direct calls (rvx_graph_node_add() ...
 *     rvx_graph_node_set_meta()) or by applying a `struct rvx_graph_mutation`
 *     with rvx_graph_apply(); the two are the same operations. Every mutation
 *     has a canonical 64-byte encoding (rvx_graph_mutation_encode() /
 *     rvx_graph_mutation_decode()) that the kernel hashes for proofs and
 *     writes to its journal.
 *  3. Read with rvx_graph_node_get(), rvx_graph_edge_get(), and iterate a
 *     node's out- or in-edges with rvx_graph_iter_init() and
 *     rvx_graph_iter_next().
 *  4. Checkpoint by copying the first rvx_graph_state_size() bytes;
 *     restore with rvx_graph_bind() at any address.
 *
 * Lookups never scan the graph: nodes are found through a hash table on
 * their ids, edges through a hash table on (source, target), and each node
 * keeps doubly linked lists of its out- and in-edges, so removing an edge is
 * O(1) and removing a node is O(its degree). The state is plain bytes with
 * indices, a deterministic function of the sequence of mutations. Every
 * mutation checks everything first and changes nothing when it fails.
 */
#ifndef RUVIX_VECGRAPH_GRAPH_H
#define RUVIX_VECGRAPH_GRAPH_H

#include "ruvix/env.h"
#include "ruvix/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of metadata each node carries. */
#define RVX_GRAPH_META_BYTES 32u
/** Largest node or edge capacity. */
#define RVX_GRAPH_CAPACITY_MAX (1u << 28)
/** Required alignment of graph memory, in bytes. */
#define RVX_GRAPH_ALIGN 64u
/** Edge weight 1.0 in Q16.16 fixed point. */
#define RVX_GRAPH_WEIGHT_ONE 0x10000
/** Configuration flag: allow edges from a node to itself. */
#define RVX_GRAPH_FLAG_SELF_LOOPS 0x1u
/** Size of the canonical encoding of a mutation. */
#define RVX_GRAPH_MUTATION_BYTES 64u
/** Version byte of the canonical mutation encoding. */
#define RVX_GRAPH_MUTATION_VERSION 1u

/** Round @p x up to a multiple of 64 (helper of RVX_GRAPH_BYTES()). */
#define RVX_GRAPH_ALIGN64_(x) (((size_t)(x) + 63u) & ~(size_t)63u)
/** Bytes a graph store needs, as a constant expression; equals
 * rvx_graph_size() for a valid configuration with these capacities. */
#define RVX_GRAPH_BYTES(node_capacity, edge_capacity)                                       \
	(128u + RVX_GRAPH_ALIGN64_(64u * (size_t)(node_capacity)) +                           \
	 RVX_GRAPH_ALIGN64_(32u * (size_t)(edge_capacity)) +                                  \
	 RVX_GRAPH_ALIGN64_(32u * (size_t)(node_capacity)) +                                  \
	 RVX_GRAPH_ALIGN64_(8u * (size_t)(edge_capacity)))
/** Declare static, suitably aligned storage for a graph store. */
#define RVX_GRAPH_DEFINE(name, node_capacity, edge_capacity)                                \
	static _Alignas(RVX_GRAPH_ALIGN) uint8_t name[RVX_GRAPH_BYTES(node_capacity, edge_capacity)]

/** Configuration of a graph store (copied into its memory). */
struct rvx_graph_config {
	uint32_t node_capacity; /**< Maximum nodes, 1..RVX_GRAPH_CAPACITY_MAX. */
	uint32_t edge_capacity; /**< Maximum edges, 1..RVX_GRAPH_CAPACITY_MAX. */
	uint32_t flags;         /**< RVX_GRAPH_FLAG_* bits; others must be 0. */
	uint32_t reserved;      /**< Must be 0. */
	uint64_t seed;          /**< Mixed into the hash tables' positions; any value. */
};

_Static_assert(sizeof(struct rvx_graph_config) == 24, "ABI: rvx_graph_config");

/** Kinds of graph mutation. Values are ABI (they appear in the encoding). */
enum rvx_graph_op {
	RVX_GRAPH_OP_ADD_NODE = 1,           /**< Add node `node` with `meta`. */
	RVX_GRAPH_OP_REMOVE_NODE = 2,        /**< Remove node `node` and all its edges. */
	RVX_GRAPH_OP_ADD_EDGE = 3,           /**< Add edge `node` -> `peer` with `weight`. */
	RVX_GRAPH_OP_REMOVE_EDGE = 4,        /**< Remove edge `node` -> `peer`. */
	RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT = 5, /**< Set the weight of edge `node` -> `peer`. */
	RVX_GRAPH_OP_UPDATE_NODE_META = 6,   /**< Replace the metadata of node `node`. */
};

/**
 * One graph mutation. Fields a kind does not use are ignored by
 * rvx_graph_apply() and encoded as zero.
 *
 * Canonical encoding (RVX_GRAPH_MUTATION_BYTES, little-endian):
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 1 | version (RVX_GRAPH_MUTATION_VERSION) |
 * | 1 | 1 | kind |
 * | 2 | 2 | zero |
 * | 4 | 4 | weight (ADD_EDGE, UPDATE_EDGE_WEIGHT; else 0) |
 * | 8 | 8 | node: the node, or the edge's source |
 * | 16 | 8 | peer: the edge's target (edge kinds; else 0) |
 * | 24 | 32 | meta (ADD_NODE, UPDATE_NODE_META; else 0) |
 * | 56 | 8 | zero |
 */
struct rvx_graph_mutation {
	uint32_t kind;   /**< An `enum rvx_graph_op`. */
	int32_t weight;  /**< Edge weight, Q16.16. */
	uint64_t node;   /**< Node id, or the edge's source id. */
	uint64_t peer;   /**< The edge's target id. */
	uint8_t meta[RVX_GRAPH_META_BYTES]; /**< Node metadata. */
};

_Static_assert(sizeof(struct rvx_graph_mutation) == 56, "ABI: rvx_graph_mutation");

/** What rvx_graph_node_get() reports about a node. */
struct rvx_graph_node_info {
	uint64_t id;         /**< The node's id. */
	uint32_t out_degree; /**< Number of edges leaving it. */
	uint32_t in_degree;  /**< Number of edges entering it. */
	uint8_t meta[RVX_GRAPH_META_BYTES]; /**< Its metadata. */
};

/** One edge as reported by iteration. */
struct rvx_graph_edge {
	uint64_t src;   /**< Source node id. */
	uint64_t dst;   /**< Target node id. */
	int32_t weight; /**< Weight, Q16.16. */
	uint32_t reserved; /**< Always 0. */
};

/** Direction of an edge iteration. */
enum rvx_graph_dir {
	RVX_GRAPH_OUT = 0, /**< Edges leaving the node. */
	RVX_GRAPH_IN = 1,  /**< Edges entering the node. */
};

/** Iterator over one node's edges; invalidated by any mutation. */
struct rvx_graph_iter {
	uint32_t next; /**< Next edge index, or 0xffffffff at the end. */
	uint32_t dir;  /**< An `enum rvx_graph_dir`. */
};

/**
 * A bound graph store: the caller's memory and values derived from its
 * header. All state lives in the memory. Treat the fields as private.
 */
struct rvx_graph {
	uint8_t *base;          /**< The caller's memory. */
	size_t size;            /**< Its size in bytes. */
	uint32_t node_capacity; /**< Node capacity. */
	uint32_t edge_capacity; /**< Edge capacity. */
	uint32_t node_hash_count; /**< Node hash table entries. */
	uint32_t edge_hash_count; /**< Edge hash table entries. */
	size_t off_nodes;       /**< Offset of the node records. */
	size_t off_edges;       /**< Offset of the edge records. */
	size_t off_node_hash;   /**< Offset of the node hash table. */
	size_t off_edge_hash;   /**< Offset of the edge hash table. */
};

/**
 * Compute the memory a graph store needs (RVX_GRAPH_BYTES() is the same as a
 * constant expression): a 128-byte header, 64 bytes per
 * node, 32 bytes per edge, 16 bytes per node-table entry (2 per node) and
 * 4 bytes per edge-table entry (2 per edge), each part rounded to 64 bytes.
 * @param cfg        configuration
 * @param[out] size  bytes needed
 * @retval 0 success
 * @retval -RVX_EINVAL a configuration field is out of range, or @p size NULL
 */
int rvx_graph_size(const struct rvx_graph_config *cfg, size_t *size);

/**
 * Format memory as an empty graph store and bind @p g to it.
 * @param[out] g  graph object
 * @param cfg     configuration
 * @param mem     memory aligned to RVX_GRAPH_ALIGN
 * @param size    its size
 * @retval 0 success
 * @retval -RVX_EINVAL bad configuration, or @p mem NULL or misaligned
 * @retval -RVX_ENOMEM @p size is smaller than rvx_graph_size()
 */
int rvx_graph_init(struct rvx_graph *g, const struct rvx_graph_config *cfg, void *mem,
		   size_t size);

/**
 * Bind @p g to memory that already holds a graph store (a restored
 * checkpoint). Checks the header only; rvx_graph_verify() checks the rest.
 * @param[out] g  graph object
 * @param mem     memory aligned to RVX_GRAPH_ALIGN
 * @param size    its size
 * @retval 0 success
 * @retval -RVX_EINVAL @p mem NULL or misaligned, or not a valid header
 * @retval -RVX_ENOMEM @p size is smaller than the store the header describes
 */
int rvx_graph_bind(struct rvx_graph *g, void *mem, size_t size);

/**
 * Bytes of the memory that hold the state (all of it: the graph store has
 * no work area). A checkpoint copies them.
 * @param g bound graph
 * @return the state size in bytes
 */
size_t rvx_graph_state_size(const struct rvx_graph *g);

/**
 * Number of nodes.
 * @param g bound graph
 * @return the node count
 */
uint32_t rvx_graph_node_count(const struct rvx_graph *g);

/**
 * Number of edges.
 * @param g bound graph
 * @return the edge count
 */
uint32_t rvx_graph_edge_count(const struct rvx_graph *g);

/**
 * Add a node.
 * @param g     bound graph
 * @param id    new node id
 * @param meta  RVX_GRAPH_META_BYTES of metadata, or NULL for zeros
 * @retval 0 success
 * @retval -RVX_EEXIST the id is taken
 * @retval -RVX_ELIMIT the store holds node_capacity nodes
 */
int rvx_graph_node_add(struct rvx_graph *g, uint64_t id, const uint8_t *meta);

/**
 * Remove a node and every edge into or out of it (O(degree)).
 * @param g   bound graph
 * @param id  node id
 * @retval 0 success
 * @retval -RVX_ENOENT no such node
 */
int rvx_graph_node_remove(struct rvx_graph *g, uint64_t id);

/**
 * Replace a node's metadata.
 * @param g     bound graph
 * @param id    node id
 * @param meta  RVX_GRAPH_META_BYTES of metadata
 * @retval 0 success
 * @retval -RVX_EINVAL @p meta is NULL
 * @retval -RVX_ENOENT no such node
 */
int rvx_graph_node_set_meta(struct rvx_graph *g, uint64_t id, const uint8_t *meta);

/**
 * Read a node.
 * @param g          bound graph
 * @param id         node id
 * @param[out] info  its metadata and degrees (may be NULL to test presence)
 * @retval 0 success
 * @retval -RVX_ENOENT no such node
 */
int rvx_graph_node_get(const struct rvx_graph *g, uint64_t id, struct rvx_graph_node_info *info);

/**
 * Add a directed edge.
 * @param g       bound graph
 * @param src     source node id
 * @param dst     target node id
 * @param weight  Q16.16 weight (any value)
 * @retval 0 success
 * @retval -RVX_EINVAL @p src equals @p dst and the store does not allow
 *         self loops
 * @retval -RVX_ENOENT either node does not exist
 * @retval -RVX_EEXIST the edge exists
 * @retval -RVX_ELIMIT the store holds edge_capacity edges
 */
int rvx_graph_edge_add(struct rvx_graph *g, uint64_t src, uint64_t dst, int32_t weight);

/**
 * Remove a directed edge (O(1)).
 * @param g    bound graph
 * @param src  source node id
 * @param dst  target node id
 * @retval 0 success
 * @retval -RVX_ENOENT either node or the edge does not exist
 */
int rvx_graph_edge_remove(struct rvx_graph *g, uint64_t src, uint64_t dst);

/**
 * Set the weight of an edge.
 * @param g       bound graph
 * @param src     source node id
 * @param dst     target node id
 * @param weight  new Q16.16 weight
 * @retval 0 success
 * @retval -RVX_ENOENT either node or the edge does not exist
 */
int rvx_graph_edge_set_weight(struct rvx_graph *g, uint64_t src, uint64_t dst, int32_t weight);

/**
 * Read the weight of an edge (a hash lookup).
 * @param g            bound graph
 * @param src          source node id
 * @param dst          target node id
 * @param[out] weight  its weight (may be NULL to test presence)
 * @retval 0 success
 * @retval -RVX_ENOENT either node or the edge does not exist
 */
int rvx_graph_edge_get(const struct rvx_graph *g, uint64_t src, uint64_t dst, int32_t *weight);

/**
 * Check a mutation without changing anything: rvx_graph_apply() of @p m on
 * the same store succeeds exactly when this returns 0, and otherwise
 * returns the same error. A caller that must decide before it commits (the
 * kernel writes its witness record first) asks this, so the rules, the
 * store's options included, live only in the store.
 * @param g  bound graph
 * @param m  the mutation
 * @retval 0 rvx_graph_apply() would succeed
 * @retval -RVX_EINVAL @p m is NULL, its kind is not an `enum rvx_graph_op`,
 *         or (ADD_EDGE) a self loop that the store does not allow
 * @retval -RVX_ENOENT a node or edge it names does not exist
 * @retval -RVX_EEXIST (ADD_NODE, ADD_EDGE) it already exists
 * @retval -RVX_ELIMIT (ADD_NODE, ADD_EDGE) the store is full
 */
int rvx_graph_apply_check(const struct rvx_graph *g, const struct rvx_graph_mutation *m);

/**
 * Apply one mutation: the same operation as the direct call of its kind
 * (it succeeds exactly when rvx_graph_apply_check() says so).
 * @param g  bound graph
 * @param m  the mutation
 * @retval 0 success
 * @retval -RVX_EINVAL @p m is NULL, its kind is not an `enum rvx_graph_op`,
 *         or (ADD_EDGE) a self loop that the store does not allow
 * @retval -RVX_ENOENT a node or edge it names does not exist
 * @retval -RVX_EEXIST (ADD_NODE, ADD_EDGE) it already exists
 * @retval -RVX_ELIMIT (ADD_NODE, ADD_EDGE) the store is full
 */
int rvx_graph_apply(struct rvx_graph *g, const struct rvx_graph_mutation *m);

/**
 * Write the canonical encoding of a mutation (see `struct
 * rvx_graph_mutation`). Unused fields are written as zero, so two mutations
 * that apply identically encode identically.
 * @param m         the mutation
 * @param[out] out  RVX_GRAPH_MUTATION_BYTES bytes
 * @retval 0 success
 * @retval -RVX_EINVAL a NULL pointer or an invalid kind
 */
int rvx_graph_mutation_encode(const struct rvx_graph_mutation *m, uint8_t *out);

/**
 * Decode a canonical mutation encoding. Only canonical bytes are accepted
 * (right version, valid kind, zero in every unused field), so
 * encode(decode(b)) == b for every accepted b.
 * @param in      RVX_GRAPH_MUTATION_BYTES bytes
 * @param[out] m  the mutation (unused fields zero)
 * @retval 0 success
 * @retval -RVX_EINVAL a NULL pointer, or the bytes are not canonical
 */
int rvx_graph_mutation_decode(const uint8_t *in, struct rvx_graph_mutation *m);

/**
 * Start iterating a node's out- or in-edges (most recently added first).
 * @param g        bound graph
 * @param id       node id
 * @param dir      an `enum rvx_graph_dir`
 * @param[out] it  iterator
 * @retval 0 success
 * @retval -RVX_EINVAL @p dir is not a direction
 * @retval -RVX_ENOENT no such node
 */
int rvx_graph_iter_init(const struct rvx_graph *g, uint64_t id, uint32_t dir,
			struct rvx_graph_iter *it);

/**
 * Step an iterator.
 * @param g          bound graph (unchanged since rvx_graph_iter_init())
 * @param it         iterator
 * @param[out] edge  the next edge
 * @return 1 if an edge was written, 0 at the end
 */
int rvx_graph_iter_next(const struct rvx_graph *g, struct rvx_graph_iter *it,
			struct rvx_graph_edge *edge);

/**
 * Check the store's structure: counts, free lists, both hash tables, and
 * every edge list (links, back links, degrees). Linear in the store's size.
 * @param g bound graph
 * @retval 0 consistent
 * @retval -RVX_EINVAL an inconsistency was found
 */
int rvx_graph_verify(const struct rvx_graph *g);

/**
 * Check that bytes are a consistent graph store state before they are
 * trusted (a checkpoint image, say), as rvx_graph_bind() followed by every
 * later call would need them: the header and the layout its configuration
 * implies; counts against the capacities and high-water marks; unused and
 * free nodes and edges zero but for their free-list links; each free list a
 * simple path through exactly the free records; every live edge between
 * live nodes (a self loop only with RVX_GRAPH_FLAG_SELF_LOOPS), on its
 * source's out-list and its target's in-list exactly once; each edge list
 * a simple path with agreeing back links and the node's recorded degree;
 * both hash tables naming each live node (by id) and each live edge (by
 * source and target) once, reachable from the key's home, with no key
 * repeated. Reads @p state through memcpy only (any alignment). Time linear
 * in the state's size plus one lookup per node and per edge.
 * @param state     candidate state bytes (what rvx_graph_state_size() covers)
 * @param len       bytes at @p state; must equal the size its header gives
 * @param[out] cfg  the state's configuration when valid (may be NULL)
 * @retval 0 consistent
 * @retval -RVX_EINVAL a NULL pointer, or any field, link or count that breaks
 *         one of the invariants above
 */
int rvx_graph_validate(const void *state, size_t len, struct rvx_graph_config *cfg);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_VECGRAPH_GRAPH_H */
