/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The graph store.
 *
 * Memory layout (parts 64-byte aligned):
 *   header      struct graph_hdr
 *   nodes       node_capacity struct graph_node: id, heads and lengths of
 *               the out- and in-edge lists, metadata
 *   edges       edge_capacity struct graph_edge: source and target slots,
 *               weight, and the links of the two doubly linked lists it is
 *               on (its source's out-list and its target's in-list)
 *   node hash   2*node_capacity {id, slot+1}: linear probing
 *   edge hash   2*edge_capacity u32 edge+1, keyed by (source slot, target
 *               slot): linear probing
 * Free nodes and edges are zeroed and kept on LIFO lists; records never
 * used lie above the high-water marks. Both hash tables use backward-shift
 * deletion, so their contents depend only on the live set and the order of
 * operations, never on leftover tombstones.
 */
#include "vecgraph_internal.h"

#define GRAPH_MAGIC 0x48505247u /* "GRPH" little-endian */
#define GRAPH_VERSION 1u

struct graph_hdr {
	uint32_t magic;
	uint32_t version;
	struct rvx_graph_config cfg;
	uint64_t total_size;
	uint32_t node_count;
	uint32_t edge_count;
	uint32_t node_hwm;
	uint32_t edge_hwm;
	uint32_t node_free;
	uint32_t edge_free;
	uint32_t node_hash_count;
	uint32_t edge_hash_count;
	uint8_t reserved[56];
};
_Static_assert(sizeof(struct graph_hdr) == 128, "graph header is 128 bytes");

struct graph_node {
	uint64_t id;
	uint32_t out_head;
	uint32_t in_head;
	uint32_t out_count;
	uint32_t in_count;
	uint32_t live;
	uint32_t next_free;
	uint8_t meta[RVX_GRAPH_META_BYTES];
};
_Static_assert(sizeof(struct graph_node) == 64, "graph node is 64 bytes");

struct graph_edge {
	uint32_t src;
	uint32_t dst;
	int32_t weight;
	uint32_t live;
	uint32_t out_next; /* also the free-list link when free */
	uint32_t out_prev;
	uint32_t in_next;
	uint32_t in_prev;
};
_Static_assert(sizeof(struct graph_edge) == 32, "graph edge is 32 bytes");

struct graph_node_ent {
	uint64_t id;
	uint32_t slot1;
	uint32_t reserved;
};
_Static_assert(sizeof(struct graph_node_ent) == 16, "graph node hash entry is 16 bytes");

struct graph_layout {
	uint64_t off_nodes, off_edges, off_node_hash, off_edge_hash, total;
};

static bool config_valid(const struct rvx_graph_config *c)
{
	return c != NULL && c->node_capacity >= 1 && c->node_capacity <= RVX_GRAPH_CAPACITY_MAX &&
	       c->edge_capacity >= 1 && c->edge_capacity <= RVX_GRAPH_CAPACITY_MAX &&
	       (c->flags & ~RVX_GRAPH_FLAG_SELF_LOOPS) == 0 && c->reserved == 0;
}

static int layout(const struct rvx_graph_config *c, struct graph_layout *lo)
{
	if (!config_valid(c))
		return -RVX_EINVAL;
	lo->off_nodes = sizeof(struct graph_hdr);
	lo->off_edges = rvx_vg_align(lo->off_nodes + 64ull * c->node_capacity, 64);
	lo->off_node_hash = rvx_vg_align(lo->off_edges + 32ull * c->edge_capacity, 64);
	lo->off_edge_hash = rvx_vg_align(lo->off_node_hash + 16ull * 2u * c->node_capacity, 64);
	lo->total = rvx_vg_align(lo->off_edge_hash + 4ull * 2u * c->edge_capacity, 64);
	return 0;
}

static inline struct graph_hdr *ghdr(const struct rvx_graph *g)
{
	return (struct graph_hdr *)(void *)g->base;
}

static inline struct graph_node *gnode(const struct rvx_graph *g, uint32_t i)
{
	return (struct graph_node *)(void *)(g->base + g->off_nodes) + i;
}

static inline struct graph_edge *gedge(const struct rvx_graph *g, uint32_t i)
{
	return (struct graph_edge *)(void *)(g->base + g->off_edges) + i;
}

static inline struct graph_node_ent *node_tab(const struct rvx_graph *g)
{
	return (struct graph_node_ent *)(void *)(g->base + g->off_node_hash);
}

static inline uint32_t *edge_tab(const struct rvx_graph *g)
{
	return (uint32_t *)(void *)(g->base + g->off_edge_hash);
}

/* ---- node hash ------------------------------------------------------------- */

static inline uint32_t node_home(const struct rvx_graph *g, uint64_t id)
{
	return rvx_vg_range(rvx_vg_mix64(id ^ ghdr(g)->cfg.seed), g->node_hash_count);
}

static uint32_t node_pos(const struct rvx_graph *g, uint64_t id)
{
	const struct graph_node_ent *t = node_tab(g);
	uint32_t i = node_home(g, id);

	while (t[i].slot1 != 0) {
		if (t[i].id == id)
			return i;
		if (++i == g->node_hash_count)
			i = 0;
	}
	return RVX_VG_NONE;
}

static uint32_t find_node(const struct rvx_graph *g, uint64_t id)
{
	uint32_t p = node_pos(g, id);
	return p == RVX_VG_NONE ? RVX_VG_NONE : node_tab(g)[p].slot1 - 1u;
}

static void node_hash_insert(struct rvx_graph *g, uint64_t id, uint32_t slot)
{
	struct graph_node_ent *t = node_tab(g);
	uint32_t i = node_home(g, id);

	while (t[i].slot1 != 0)
		if (++i == g->node_hash_count)
			i = 0;
	t[i].id = id;
	t[i].slot1 = slot + 1u;
}

static inline bool stays_put(uint32_t hole, uint32_t j, uint32_t home)
{
	return (hole <= j) ? (home > hole && home <= j) : (home > hole || home <= j);
}

static void node_hash_remove(struct rvx_graph *g, uint32_t i)
{
	struct graph_node_ent *t = node_tab(g);
	uint32_t j = i;

	for (;;) {
		if (++j == g->node_hash_count)
			j = 0;
		if (t[j].slot1 == 0)
			break;
		if (!stays_put(i, j, node_home(g, t[j].id))) {
			t[i] = t[j];
			i = j;
		}
	}
	memset(&t[i], 0, sizeof(t[i]));
}

/* ---- edge hash ------------------------------------------------------------- */

static inline uint32_t edge_home(const struct rvx_graph *g, uint32_t src, uint32_t dst)
{
	uint64_t k = ((uint64_t)src << 32) | dst;
	return rvx_vg_range(rvx_vg_mix64(k ^ ghdr(g)->cfg.seed ^ 0x2545f4914f6cdd1dull),
			    g->edge_hash_count);
}

static uint32_t edge_pos(const struct rvx_graph *g, uint32_t src, uint32_t dst)
{
	const uint32_t *t = edge_tab(g);
	uint32_t i = edge_home(g, src, dst);

	while (t[i] != 0) {
		const struct graph_edge *e = gedge(g, t[i] - 1u);
		if (e->src == src && e->dst == dst)
			return i;
		if (++i == g->edge_hash_count)
			i = 0;
	}
	return RVX_VG_NONE;
}

static void edge_hash_insert(struct rvx_graph *g, uint32_t e)
{
	uint32_t *t = edge_tab(g);
	uint32_t i = edge_home(g, gedge(g, e)->src, gedge(g, e)->dst);

	while (t[i] != 0)
		if (++i == g->edge_hash_count)
			i = 0;
	t[i] = e + 1u;
}

static void edge_hash_remove(struct rvx_graph *g, uint32_t i)
{
	uint32_t *t = edge_tab(g);
	uint32_t j = i;

	for (;;) {
		if (++j == g->edge_hash_count)
			j = 0;
		if (t[j] == 0)
			break;
		const struct graph_edge *e = gedge(g, t[j] - 1u);
		if (!stays_put(i, j, edge_home(g, e->src, e->dst))) {
			t[i] = t[j];
			i = j;
		}
	}
	t[i] = 0;
}

/* ---- init and bind ---------------------------------------------------------- */

int rvx_graph_size(const struct rvx_graph_config *cfg, size_t *size)
{
	struct graph_layout lo;

	if (size == NULL || layout(cfg, &lo) != 0 || lo.total > SIZE_MAX)
		return -RVX_EINVAL;
	*size = (size_t)lo.total;
	return 0;
}

static void fill_object(struct rvx_graph *g, const struct rvx_graph_config *c,
			const struct graph_layout *lo, uint8_t *mem, size_t size)
{
	memset(g, 0, sizeof(*g));
	g->base = mem;
	g->size = size;
	g->node_capacity = c->node_capacity;
	g->edge_capacity = c->edge_capacity;
	g->node_hash_count = 2u * c->node_capacity;
	g->edge_hash_count = 2u * c->edge_capacity;
	g->off_nodes = (size_t)lo->off_nodes;
	g->off_edges = (size_t)lo->off_edges;
	g->off_node_hash = (size_t)lo->off_node_hash;
	g->off_edge_hash = (size_t)lo->off_edge_hash;
}

int rvx_graph_init(struct rvx_graph *g, const struct rvx_graph_config *cfg, void *mem,
		   size_t size)
{
	struct graph_layout lo;

	if (g == NULL || mem == NULL || ((uintptr_t)mem % RVX_GRAPH_ALIGN) != 0 ||
	    layout(cfg, &lo) != 0 || lo.total > SIZE_MAX)
		return -RVX_EINVAL;
	if (size < lo.total)
		return -RVX_ENOMEM;
	memset(mem, 0, (size_t)lo.total);
	fill_object(g, cfg, &lo, mem, size);
	struct graph_hdr *h = ghdr(g);
	h->magic = GRAPH_MAGIC;
	h->version = GRAPH_VERSION;
	h->cfg = *cfg;
	h->total_size = lo.total;
	h->node_free = RVX_VG_NONE;
	h->edge_free = RVX_VG_NONE;
	h->node_hash_count = g->node_hash_count;
	h->edge_hash_count = g->edge_hash_count;
	return 0;
}

int rvx_graph_bind(struct rvx_graph *g, void *mem, size_t size)
{
	struct graph_layout lo;
	const struct graph_hdr *h = mem;

	if (g == NULL || mem == NULL || ((uintptr_t)mem % RVX_GRAPH_ALIGN) != 0)
		return -RVX_EINVAL;
	if (size < sizeof(struct graph_hdr))
		return -RVX_ENOMEM;
	if (h->magic != GRAPH_MAGIC || h->version != GRAPH_VERSION || layout(&h->cfg, &lo) != 0)
		return -RVX_EINVAL;
	if (h->total_size != lo.total || h->node_hwm > h->cfg.node_capacity ||
	    h->edge_hwm > h->cfg.edge_capacity || h->node_count > h->node_hwm ||
	    h->edge_count > h->edge_hwm ||
	    (h->node_free != RVX_VG_NONE && h->node_free >= h->node_hwm) ||
	    (h->edge_free != RVX_VG_NONE && h->edge_free >= h->edge_hwm) ||
	    h->node_hash_count != 2u * h->cfg.node_capacity ||
	    h->edge_hash_count != 2u * h->cfg.edge_capacity)
		return -RVX_EINVAL;
	if (lo.total > SIZE_MAX || size < lo.total)
		return -RVX_ENOMEM;
	fill_object(g, &h->cfg, &lo, mem, size);
	return 0;
}

size_t rvx_graph_state_size(const struct rvx_graph *g)
{
	return (size_t)ghdr(g)->total_size;
}

uint32_t rvx_graph_node_count(const struct rvx_graph *g)
{
	return ghdr(g)->node_count;
}

uint32_t rvx_graph_edge_count(const struct rvx_graph *g)
{
	return ghdr(g)->edge_count;
}

/* ---- mutations ---------------------------------------------------------------- */

/*
 * The rules of each mutation, read-only: the direct calls and
 * rvx_graph_apply_check() both ask these, so a caller that decides before it
 * commits and the commit itself cannot disagree.
 */
static int node_add_check(const struct rvx_graph *g, uint64_t id)
{
	if (find_node(g, id) != RVX_VG_NONE)
		return -RVX_EEXIST;
	if (ghdr(g)->node_count >= g->node_capacity)
		return -RVX_ELIMIT;
	return 0;
}

/* On success @p s and @p d are the endpoints' slots. */
static int edge_add_check(const struct rvx_graph *g, uint64_t src, uint64_t dst, uint32_t *s,
			  uint32_t *d)
{
	if (src == dst && (ghdr(g)->cfg.flags & RVX_GRAPH_FLAG_SELF_LOOPS) == 0)
		return -RVX_EINVAL;
	*s = find_node(g, src);
	*d = find_node(g, dst);
	if (*s == RVX_VG_NONE || *d == RVX_VG_NONE)
		return -RVX_ENOENT;
	if (edge_pos(g, *s, *d) != RVX_VG_NONE)
		return -RVX_EEXIST;
	if (ghdr(g)->edge_count >= g->edge_capacity)
		return -RVX_ELIMIT;
	return 0;
}

int rvx_graph_node_add(struct rvx_graph *g, uint64_t id, const uint8_t *meta)
{
	struct graph_hdr *h = ghdr(g);
	uint32_t slot;
	int rc = node_add_check(g, id);

	if (rc != 0)
		return rc;
	if (h->node_free != RVX_VG_NONE) {
		slot = h->node_free;
		h->node_free = gnode(g, slot)->next_free;
	} else {
		slot = h->node_hwm++;
	}
	struct graph_node *n = gnode(g, slot);
	memset(n, 0, sizeof(*n));
	n->id = id;
	n->out_head = RVX_VG_NONE;
	n->in_head = RVX_VG_NONE;
	n->live = 1;
	if (meta != NULL)
		memcpy(n->meta, meta, RVX_GRAPH_META_BYTES);
	node_hash_insert(g, id, slot);
	h->node_count++;
	return 0;
}

/* Unlink edge @p e (at table position @p pos) from both lists and free it. */
static void edge_drop(struct rvx_graph *g, uint32_t e, uint32_t pos)
{
	struct graph_hdr *h = ghdr(g);
	struct graph_edge *x = gedge(g, e);
	struct graph_node *s = gnode(g, x->src), *d = gnode(g, x->dst);

	if (x->out_prev != RVX_VG_NONE)
		gedge(g, x->out_prev)->out_next = x->out_next;
	else
		s->out_head = x->out_next;
	if (x->out_next != RVX_VG_NONE)
		gedge(g, x->out_next)->out_prev = x->out_prev;
	if (x->in_prev != RVX_VG_NONE)
		gedge(g, x->in_prev)->in_next = x->in_next;
	else
		d->in_head = x->in_next;
	if (x->in_next != RVX_VG_NONE)
		gedge(g, x->in_next)->in_prev = x->in_prev;
	s->out_count--;
	d->in_count--;
	edge_hash_remove(g, pos);
	memset(x, 0, sizeof(*x));
	x->out_next = h->edge_free;
	h->edge_free = e;
	h->edge_count--;
}

static void edge_drop_any(struct rvx_graph *g, uint32_t e)
{
	const struct graph_edge *x = gedge(g, e);
	edge_drop(g, e, edge_pos(g, x->src, x->dst));
}

int rvx_graph_node_remove(struct rvx_graph *g, uint64_t id)
{
	struct graph_hdr *h = ghdr(g);
	uint32_t pos = node_pos(g, id);

	if (pos == RVX_VG_NONE)
		return -RVX_ENOENT;
	uint32_t slot = node_tab(g)[pos].slot1 - 1u;
	struct graph_node *n = gnode(g, slot);
	/* A self loop is on both lists; dropping it from the out pass also
	 * takes it off the in-list, so each edge is dropped once. */
	while (n->out_head != RVX_VG_NONE)
		edge_drop_any(g, n->out_head);
	while (n->in_head != RVX_VG_NONE)
		edge_drop_any(g, n->in_head);
	node_hash_remove(g, pos);
	memset(n, 0, sizeof(*n));
	n->next_free = h->node_free;
	h->node_free = slot;
	h->node_count--;
	return 0;
}

int rvx_graph_node_set_meta(struct rvx_graph *g, uint64_t id, const uint8_t *meta)
{
	if (meta == NULL)
		return -RVX_EINVAL;
	uint32_t slot = find_node(g, id);
	if (slot == RVX_VG_NONE)
		return -RVX_ENOENT;
	memcpy(gnode(g, slot)->meta, meta, RVX_GRAPH_META_BYTES);
	return 0;
}

int rvx_graph_node_get(const struct rvx_graph *g, uint64_t id, struct rvx_graph_node_info *info)
{
	uint32_t slot = find_node(g, id);

	if (slot == RVX_VG_NONE)
		return -RVX_ENOENT;
	if (info != NULL) {
		const struct graph_node *n = gnode(g, slot);
		memset(info, 0, sizeof(*info));
		info->id = id;
		info->out_degree = n->out_count;
		info->in_degree = n->in_count;
		memcpy(info->meta, n->meta, RVX_GRAPH_META_BYTES);
	}
	return 0;
}

int rvx_graph_edge_add(struct rvx_graph *g, uint64_t src, uint64_t dst, int32_t weight)
{
	struct graph_hdr *h = ghdr(g);
	uint32_t s, d;
	int rc = edge_add_check(g, src, dst, &s, &d);

	if (rc != 0)
		return rc;
	uint32_t e;
	if (h->edge_free != RVX_VG_NONE) {
		e = h->edge_free;
		h->edge_free = gedge(g, e)->out_next;
	} else {
		e = h->edge_hwm++;
	}
	struct graph_edge *x = gedge(g, e);
	struct graph_node *sn = gnode(g, s), *dn = gnode(g, d);
	x->src = s;
	x->dst = d;
	x->weight = weight;
	x->live = 1;
	x->out_prev = RVX_VG_NONE;
	x->out_next = sn->out_head;
	if (sn->out_head != RVX_VG_NONE)
		gedge(g, sn->out_head)->out_prev = e;
	sn->out_head = e;
	sn->out_count++;
	x->in_prev = RVX_VG_NONE;
	x->in_next = dn->in_head;
	if (dn->in_head != RVX_VG_NONE)
		gedge(g, dn->in_head)->in_prev = e;
	dn->in_head = e;
	dn->in_count++;
	edge_hash_insert(g, e);
	h->edge_count++;
	return 0;
}

/* Table position of the edge src -> dst (by id), or RVX_VG_NONE. */
static uint32_t lookup_edge(const struct rvx_graph *g, uint64_t src, uint64_t dst)
{
	uint32_t s = find_node(g, src), d = find_node(g, dst);

	if (s == RVX_VG_NONE || d == RVX_VG_NONE)
		return RVX_VG_NONE;
	return edge_pos(g, s, d);
}

int rvx_graph_edge_remove(struct rvx_graph *g, uint64_t src, uint64_t dst)
{
	uint32_t pos = lookup_edge(g, src, dst);

	if (pos == RVX_VG_NONE)
		return -RVX_ENOENT;
	edge_drop(g, edge_tab(g)[pos] - 1u, pos);
	return 0;
}

int rvx_graph_edge_set_weight(struct rvx_graph *g, uint64_t src, uint64_t dst, int32_t weight)
{
	uint32_t pos = lookup_edge(g, src, dst);

	if (pos == RVX_VG_NONE)
		return -RVX_ENOENT;
	gedge(g, edge_tab(g)[pos] - 1u)->weight = weight;
	return 0;
}

int rvx_graph_edge_get(const struct rvx_graph *g, uint64_t src, uint64_t dst, int32_t *weight)
{
	uint32_t pos = lookup_edge(g, src, dst);

	if (pos == RVX_VG_NONE)
		return -RVX_ENOENT;
	if (weight != NULL)
		*weight = gedge(g, edge_tab(g)[pos] - 1u)->weight;
	return 0;
}

/* ---- mutation records ----------------------------------------------------------- */

static bool kind_valid(uint32_t kind)
{
	return kind >= RVX_GRAPH_OP_ADD_NODE && kind <= RVX_GRAPH_OP_UPDATE_NODE_META;
}

static bool kind_has_peer(uint32_t kind)
{
	return kind == RVX_GRAPH_OP_ADD_EDGE || kind == RVX_GRAPH_OP_REMOVE_EDGE ||
	       kind == RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT;
}

static bool kind_has_weight(uint32_t kind)
{
	return kind == RVX_GRAPH_OP_ADD_EDGE || kind == RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT;
}

static bool kind_has_meta(uint32_t kind)
{
	return kind == RVX_GRAPH_OP_ADD_NODE || kind == RVX_GRAPH_OP_UPDATE_NODE_META;
}

int rvx_graph_apply_check(const struct rvx_graph *g, const struct rvx_graph_mutation *m)
{
	uint32_t s, d;

	if (m == NULL || !kind_valid(m->kind))
		return -RVX_EINVAL;
	switch (m->kind) {
	case RVX_GRAPH_OP_ADD_NODE:
		return node_add_check(g, m->node);
	case RVX_GRAPH_OP_REMOVE_NODE:
	case RVX_GRAPH_OP_UPDATE_NODE_META:
		return find_node(g, m->node) != RVX_VG_NONE ? 0 : -RVX_ENOENT;
	case RVX_GRAPH_OP_ADD_EDGE:
		return edge_add_check(g, m->node, m->peer, &s, &d);
	default:
		return lookup_edge(g, m->node, m->peer) != RVX_VG_NONE ? 0 : -RVX_ENOENT;
	}
}

int rvx_graph_apply(struct rvx_graph *g, const struct rvx_graph_mutation *m)
{
	if (m == NULL || !kind_valid(m->kind))
		return -RVX_EINVAL;
	switch (m->kind) {
	case RVX_GRAPH_OP_ADD_NODE:
		return rvx_graph_node_add(g, m->node, m->meta);
	case RVX_GRAPH_OP_REMOVE_NODE:
		return rvx_graph_node_remove(g, m->node);
	case RVX_GRAPH_OP_ADD_EDGE:
		return rvx_graph_edge_add(g, m->node, m->peer, m->weight);
	case RVX_GRAPH_OP_REMOVE_EDGE:
		return rvx_graph_edge_remove(g, m->node, m->peer);
	case RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT:
		return rvx_graph_edge_set_weight(g, m->node, m->peer, m->weight);
	default:
		return rvx_graph_node_set_meta(g, m->node, m->meta);
	}
}

int rvx_graph_mutation_encode(const struct rvx_graph_mutation *m, uint8_t *out)
{
	if (m == NULL || out == NULL || !kind_valid(m->kind))
		return -RVX_EINVAL;
	memset(out, 0, RVX_GRAPH_MUTATION_BYTES);
	out[0] = RVX_GRAPH_MUTATION_VERSION;
	out[1] = (uint8_t)m->kind;
	if (kind_has_weight(m->kind))
		rvx_le_put32(out + 4, (uint32_t)m->weight);
	rvx_le_put64(out + 8, m->node);
	if (kind_has_peer(m->kind))
		rvx_le_put64(out + 16, m->peer);
	if (kind_has_meta(m->kind))
		memcpy(out + 24, m->meta, RVX_GRAPH_META_BYTES);
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

int rvx_graph_mutation_decode(const uint8_t *in, struct rvx_graph_mutation *m)
{
	if (in == NULL || m == NULL)
		return -RVX_EINVAL;
	uint32_t kind = in[1];
	if (in[0] != RVX_GRAPH_MUTATION_VERSION || !kind_valid(kind) || !all_zero(in + 2, 2) ||
	    !all_zero(in + 56, 8) || (!kind_has_weight(kind) && !all_zero(in + 4, 4)) ||
	    (!kind_has_peer(kind) && !all_zero(in + 16, 8)) ||
	    (!kind_has_meta(kind) && !all_zero(in + 24, RVX_GRAPH_META_BYTES)))
		return -RVX_EINVAL;
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->weight = (int32_t)rvx_le_get32(in + 4);
	m->node = rvx_le_get64(in + 8);
	m->peer = rvx_le_get64(in + 16);
	memcpy(m->meta, in + 24, RVX_GRAPH_META_BYTES);
	return 0;
}

/* ---- iteration --------------------------------------------------------------------- */

int rvx_graph_iter_init(const struct rvx_graph *g, uint64_t id, uint32_t dir,
			struct rvx_graph_iter *it)
{
	if (dir > RVX_GRAPH_IN || it == NULL)
		return -RVX_EINVAL;
	uint32_t slot = find_node(g, id);
	if (slot == RVX_VG_NONE)
		return -RVX_ENOENT;
	const struct graph_node *n = gnode(g, slot);
	it->next = dir == RVX_GRAPH_OUT ? n->out_head : n->in_head;
	it->dir = dir;
	return 0;
}

int rvx_graph_iter_next(const struct rvx_graph *g, struct rvx_graph_iter *it,
			struct rvx_graph_edge *edge)
{
	if (it->next == RVX_VG_NONE || it->next >= g->edge_capacity)
		return 0;
	const struct graph_edge *x = gedge(g, it->next);
	edge->src = gnode(g, x->src)->id;
	edge->dst = gnode(g, x->dst)->id;
	edge->weight = x->weight;
	edge->reserved = 0;
	it->next = it->dir == RVX_GRAPH_OUT ? x->out_next : x->in_next;
	return 1;
}

/* ---- verification -------------------------------------------------------------------- */

/* Walk one list of node @p slot, checking links, ends and length. */
static bool list_ok(const struct rvx_graph *g, uint32_t slot, bool out)
{
	const struct graph_hdr *h = ghdr(g);
	const struct graph_node *n = gnode(g, slot);
	uint32_t prev = RVX_VG_NONE, cnt = 0;

	for (uint32_t e = out ? n->out_head : n->in_head; e != RVX_VG_NONE;) {
		if (e >= h->edge_hwm || ++cnt > h->edge_count)
			return false;
		const struct graph_edge *x = gedge(g, e);
		if (!x->live || (out ? x->src : x->dst) != slot ||
		    (out ? x->out_prev : x->in_prev) != prev ||
		    edge_pos(g, x->src, x->dst) == RVX_VG_NONE)
			return false;
		prev = e;
		e = out ? x->out_next : x->in_next;
	}
	return cnt == (out ? n->out_count : n->in_count);
}

int rvx_graph_verify(const struct rvx_graph *g)
{
	const struct graph_hdr *h = ghdr(g);
	uint32_t nodes = 0, outs = 0, ins = 0, edges = 0, n;

	for (uint32_t i = 0; i < h->node_hwm; i++) {
		const struct graph_node *x = gnode(g, i);
		if (!x->live)
			continue;
		nodes++;
		if (find_node(g, x->id) != i || !list_ok(g, i, true) || !list_ok(g, i, false))
			return -RVX_EINVAL;
		outs += x->out_count;
		ins += x->in_count;
	}
	for (uint32_t i = 0; i < h->edge_hwm; i++) {
		const struct graph_edge *x = gedge(g, i);
		if (!x->live)
			continue;
		edges++;
		if (x->src >= h->node_hwm || x->dst >= h->node_hwm || !gnode(g, x->src)->live ||
		    !gnode(g, x->dst)->live ||
		    (x->src == x->dst && (h->cfg.flags & RVX_GRAPH_FLAG_SELF_LOOPS) == 0))
			return -RVX_EINVAL;
	}
	if (nodes != h->node_count || edges != h->edge_count || outs != edges || ins != edges)
		return -RVX_EINVAL;
	n = 0;
	for (uint32_t f = h->node_free; f != RVX_VG_NONE; f = gnode(g, f)->next_free)
		if (f >= h->node_hwm || gnode(g, f)->live || ++n > h->node_hwm - h->node_count)
			return -RVX_EINVAL;
	if (n != h->node_hwm - h->node_count)
		return -RVX_EINVAL;
	n = 0;
	for (uint32_t f = h->edge_free; f != RVX_VG_NONE; f = gedge(g, f)->out_next)
		if (f >= h->edge_hwm || gedge(g, f)->live || ++n > h->edge_hwm - h->edge_count)
			return -RVX_EINVAL;
	if (n != h->edge_hwm - h->edge_count)
		return -RVX_EINVAL;
	n = 0;
	for (uint32_t i = 0; i < g->node_hash_count; i++) {
		const struct graph_node_ent *e = &node_tab(g)[i];
		if (e->slot1 == 0)
			continue;
		n++;
		if (e->slot1 > h->node_hwm || !gnode(g, e->slot1 - 1u)->live ||
		    gnode(g, e->slot1 - 1u)->id != e->id)
			return -RVX_EINVAL;
	}
	if (n != h->node_count)
		return -RVX_EINVAL;
	n = 0;
	for (uint32_t i = 0; i < g->edge_hash_count; i++) {
		uint32_t e = edge_tab(g)[i];
		if (e == 0)
			continue;
		n++;
		if (e > h->edge_hwm || !gedge(g, e - 1u)->live)
			return -RVX_EINVAL;
	}
	return n == h->edge_count ? 0 : -RVX_EINVAL;
}

/* ---- validation of candidate state bytes ------------------------------------------- */

/*
 * Reads bytes that are not yet a store (a checkpoint image, at any
 * alignment) through memcpy only, and follows only indices it has checked.
 * No scratch is needed: the edge lists are doubly linked (a walk whose back
 * links agree is a simple path) and each hash entry is checked to be the
 * first for its key on its probe run.
 */
struct graph_view {
	const uint8_t *b;
	struct graph_hdr h;
	struct graph_layout lo;
};

static void gv_node(const struct graph_view *v, uint32_t i, struct graph_node *n)
{
	memcpy(n, v->b + v->lo.off_nodes + (uint64_t)i * sizeof(*n), sizeof(*n));
}

static void gv_edge(const struct graph_view *v, uint32_t i, struct graph_edge *e)
{
	memcpy(e, v->b + v->lo.off_edges + (uint64_t)i * sizeof(*e), sizeof(*e));
}

static uint32_t gv_edge_ent(const struct graph_view *v, uint32_t i)
{
	uint32_t x;

	memcpy(&x, v->b + v->lo.off_edge_hash + 4ull * i, sizeof(x));
	return x;
}

static bool gv_header_ok(struct graph_view *v, size_t len)
{
	const struct graph_hdr *h = &v->h;

	if (h->magic != GRAPH_MAGIC || h->version != GRAPH_VERSION || layout(&h->cfg, &v->lo) != 0)
		return false;
	return h->total_size == v->lo.total && len == v->lo.total &&
	       h->node_hwm <= h->cfg.node_capacity && h->edge_hwm <= h->cfg.edge_capacity &&
	       h->node_count <= h->node_hwm && h->edge_count <= h->edge_hwm &&
	       (h->node_free == RVX_VG_NONE || h->node_free < h->node_hwm) &&
	       (h->edge_free == RVX_VG_NONE || h->edge_free < h->edge_hwm) &&
	       h->node_hash_count == 2u * h->cfg.node_capacity &&
	       h->edge_hash_count == 2u * h->cfg.edge_capacity &&
	       all_zero(v->b + offsetof(struct graph_hdr, reserved), sizeof(h->reserved));
}

/* Walk one edge list of live node @p slot: a simple path (back links agree)
 * of live edges from or to @p slot, of the node's recorded length. */
static bool gv_list_ok(const struct graph_view *v, uint32_t slot, const struct graph_node *n,
		       bool out)
{
	uint32_t prev = RVX_VG_NONE, cnt = 0, want = out ? n->out_count : n->in_count;

	for (uint32_t e = out ? n->out_head : n->in_head; e != RVX_VG_NONE;) {
		struct graph_edge x;

		if (e >= v->h.edge_hwm || cnt++ == want)
			return false;
		gv_edge(v, e, &x);
		if (x.live != 1 || (out ? x.src : x.dst) != slot ||
		    (out ? x.out_prev : x.in_prev) != prev)
			return false;
		prev = e;
		e = out ? x.out_next : x.in_next;
	}
	return cnt == want;
}

static bool gv_nodes_ok(const struct graph_view *v)
{
	const struct graph_hdr *h = &v->h;
	uint64_t outs = 0, ins = 0;
	uint32_t live = 0;

	for (uint32_t i = 0; i < h->cfg.node_capacity; i++) {
		uint64_t off = v->lo.off_nodes + 64ull * i;
		struct graph_node n;

		gv_node(v, i, &n);
		if (i >= h->node_hwm || n.live == 0) {
			size_t nf = offsetof(struct graph_node, next_free);

			if (!all_zero(v->b + off, nf) ||
			    !all_zero(v->b + off + nf + 4u, sizeof(n) - nf - 4u) ||
			    (i >= h->node_hwm && n.next_free != 0))
				return false;
			continue;
		}
		if (n.live != 1 || n.next_free != 0 || !gv_list_ok(v, i, &n, true) ||
		    !gv_list_ok(v, i, &n, false))
			return false;
		live++;
		outs += n.out_count;
		ins += n.in_count;
	}
	return live == h->node_count && outs == h->edge_count && ins == h->edge_count;
}

/* Every edge: unused ones zero, free ones zero but for their free link, live
 * ones between live nodes (a self loop only if the store allows them). With
 * the lists walked, each live edge is on its source's out-list and its
 * target's in-list exactly once. */
static bool gv_edges_ok(const struct graph_view *v)
{
	const struct graph_hdr *h = &v->h;
	uint32_t live = 0;

	for (uint32_t i = 0; i < h->cfg.edge_capacity; i++) {
		uint64_t off = v->lo.off_edges + 32ull * i;
		struct graph_edge x;
		struct graph_node s, d;

		gv_edge(v, i, &x);
		if (i >= h->edge_hwm || x.live == 0) {
			size_t nx = offsetof(struct graph_edge, out_next);

			if (!all_zero(v->b + off, nx) ||
			    !all_zero(v->b + off + nx + 4u, sizeof(x) - nx - 4u) ||
			    (i >= h->edge_hwm && x.out_next != 0))
				return false;
			continue;
		}
		if (x.live != 1 || x.src >= h->node_hwm || x.dst >= h->node_hwm ||
		    (x.src == x.dst && (h->cfg.flags & RVX_GRAPH_FLAG_SELF_LOOPS) == 0))
			return false;
		gv_node(v, x.src, &s);
		gv_node(v, x.dst, &d);
		if (s.live != 1 || d.live != 1)
			return false;
		live++;
	}
	return live == h->edge_count;
}

static bool gv_free_ok(const struct graph_view *v)
{
	const struct graph_hdr *h = &v->h;
	uint32_t n = 0;

	for (uint32_t f = h->node_free; f != RVX_VG_NONE;) {
		struct graph_node x;

		if (f >= h->node_hwm || n++ == h->node_hwm - h->node_count)
			return false;
		gv_node(v, f, &x);
		if (x.live != 0)
			return false;
		f = x.next_free;
	}
	if (n != h->node_hwm - h->node_count)
		return false;
	n = 0;
	for (uint32_t f = h->edge_free; f != RVX_VG_NONE;) {
		struct graph_edge x;

		if (f >= h->edge_hwm || n++ == h->edge_hwm - h->edge_count)
			return false;
		gv_edge(v, f, &x);
		if (x.live != 0)
			return false;
		f = x.out_next;
	}
	return n == h->edge_hwm - h->edge_count;
}

/* Both tables: each entry names a live record, is the first entry for its
 * key on its probe run from the key's home (so each key is found, once, and
 * never repeated), and there are as many entries as live records. */
static bool gv_hash_ok(const struct graph_view *v)
{
	const struct graph_hdr *h = &v->h;
	uint32_t n = 0, nc = h->node_hash_count, ec = h->edge_hash_count;

	for (uint32_t i = 0; i < nc; i++) {
		struct graph_node_ent e, o;
		struct graph_node x;

		memcpy(&e, v->b + v->lo.off_node_hash + 16ull * i, sizeof(e));
		if (e.slot1 == 0) {
			if (e.id != 0 || e.reserved != 0)
				return false;
			continue;
		}
		if (e.reserved != 0 || e.slot1 > h->node_hwm)
			return false;
		gv_node(v, e.slot1 - 1u, &x);
		if (x.live != 1 || x.id != e.id)
			return false;
		for (uint32_t j = rvx_vg_range(rvx_vg_mix64(e.id ^ h->cfg.seed), nc); j != i;) {
			memcpy(&o, v->b + v->lo.off_node_hash + 16ull * j, sizeof(o));
			if (o.slot1 == 0 || o.id == e.id)
				return false;
			if (++j == nc)
				j = 0;
		}
		n++;
	}
	if (n != h->node_count)
		return false;
	n = 0;
	for (uint32_t i = 0; i < ec; i++) {
		uint32_t e = gv_edge_ent(v, i);
		struct graph_edge x, o;

		if (e == 0)
			continue;
		if (e > h->edge_hwm)
			return false;
		gv_edge(v, e - 1u, &x);
		if (x.live != 1)
			return false;
		uint64_t k = ((uint64_t)x.src << 32) | x.dst;
		for (uint32_t j = rvx_vg_range(rvx_vg_mix64(k ^ h->cfg.seed ^ 0x2545f4914f6cdd1dull), ec);
		     j != i;) {
			uint32_t oe = gv_edge_ent(v, j);

			/* Entries on the run were checked or will be: only
			 * those naming a used edge are followed. */
			if (oe == 0 || oe > h->edge_hwm)
				return false;
			gv_edge(v, oe - 1u, &o);
			if (o.src == x.src && o.dst == x.dst)
				return false;
			if (++j == ec)
				j = 0;
		}
		n++;
	}
	return n == h->edge_count;
}

int rvx_graph_validate(const void *state, size_t len, struct rvx_graph_config *cfg)
{
	struct graph_view v;

	if (state == NULL || len < sizeof(struct graph_hdr))
		return -RVX_EINVAL;
	memset(&v, 0, sizeof(v));
	v.b = state;
	memcpy(&v.h, state, sizeof(v.h));
	if (!gv_header_ok(&v, len) || !gv_nodes_ok(&v) || !gv_edges_ok(&v) || !gv_free_ok(&v) ||
	    !gv_hash_ok(&v))
		return -RVX_EINVAL;
	if (cfg != NULL)
		*cfg = v.h.cfg;
	return 0;
}
