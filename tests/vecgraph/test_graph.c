/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The graph store (ruvix/vecgraph_graph.h): every public function, every
 * documented error with a byte-for-byte unchanged check, the canonical
 * mutation encoding, determinism, checkpoint round trip, and a random
 * operation sequence checked against a small reference model.
 */
#include "vg_test.h"

#define NODES 16
#define EDGES 32

static struct rvx_graph_config cfg;
static struct rvx_graph g;
static void *mem;
static size_t mem_size;

static void setup_flags(uint32_t flags)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.node_capacity = NODES;
	cfg.edge_capacity = EDGES;
	cfg.flags = flags;
	cfg.seed = 0x1234;
	cr_assert_eq(rvx_graph_size(&cfg, &mem_size), 0);
	mem = vg_alloc(mem_size);
	cr_assert_eq(rvx_graph_init(&g, &cfg, mem, mem_size), 0);
}

static void setup(void)
{
	setup_flags(0);
}

static void setup_loops(void)
{
	setup_flags(RVX_GRAPH_FLAG_SELF_LOOPS);
}

static void teardown(void)
{
	free(mem);
}

static struct vg_snap snap(void)
{
	return vg_snap_take(&g, sizeof(g), mem, mem_size);
}

static void same(struct vg_snap *sn)
{
	vg_snap_same(sn, &g, mem);
}

static void meta_of(uint64_t id, uint8_t *m)
{
	for (unsigned i = 0; i < RVX_GRAPH_META_BYTES; i++)
		m[i] = (uint8_t)(id * 7 + i);
}

/* Nodes 1..n, each with its metadata. */
static void nodes(uint32_t n)
{
	uint8_t m[RVX_GRAPH_META_BYTES];
	for (uint64_t i = 1; i <= n; i++) {
		meta_of(i, m);
		cr_assert_eq(rvx_graph_node_add(&g, i, m), 0);
	}
}

/* ---- sizing, init, bind ------------------------------------------------------------ */

Test(graph_init, size_and_errors)
{
	struct rvx_graph_config c = {.node_capacity = 10, .edge_capacity = 20};
	size_t sz = 7;
	cr_assert_eq(rvx_graph_size(&c, &sz), 0);
	cr_assert_geq(sz, 128 + 10 * 64 + 20 * 32 + 20 * 16 + 40 * 4);
	struct rvx_graph_config b = c;
	b.node_capacity = 0;
	cr_assert_eq(rvx_graph_size(&b, &sz), -RVX_EINVAL);
	b = c;
	b.edge_capacity = 0;
	cr_assert_eq(rvx_graph_size(&b, &sz), -RVX_EINVAL);
	b = c;
	b.node_capacity = RVX_GRAPH_CAPACITY_MAX + 1;
	cr_assert_eq(rvx_graph_size(&b, &sz), -RVX_EINVAL);
	b = c;
	b.edge_capacity = RVX_GRAPH_CAPACITY_MAX + 1;
	cr_assert_eq(rvx_graph_size(&b, &sz), -RVX_EINVAL);
	b = c;
	b.flags = 2;
	cr_assert_eq(rvx_graph_size(&b, &sz), -RVX_EINVAL);
	b = c;
	b.reserved = 1;
	cr_assert_eq(rvx_graph_size(&b, &sz), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_size(NULL, &sz), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_size(&c, NULL), -RVX_EINVAL);

	size_t need;
	cr_assert_eq(rvx_graph_size(&c, &need), 0);
	uint8_t *m = vg_alloc(need + 64);
	struct rvx_graph t;
	memset(&t, 0x3c, sizeof(t));
	struct vg_snap sn = vg_snap_take(&t, sizeof(t), m, need + 64);
	cr_assert_eq(rvx_graph_init(&t, &c, m, need - 1), -RVX_ENOMEM);
	cr_assert_eq(rvx_graph_init(&t, &c, m + 4, need), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_init(&t, &c, NULL, need), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_init(&t, &b, m, need), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_init(NULL, &c, m, need), -RVX_EINVAL);
	vg_snap_same(&sn, &t, m);
	vg_snap_free(&sn);
	cr_assert_eq(rvx_graph_init(&t, &c, m, need), 0);
	cr_assert_eq(rvx_graph_node_count(&t), 0);
	cr_assert_eq(rvx_graph_edge_count(&t), 0);
	cr_assert_eq(rvx_graph_state_size(&t), need);
	cr_assert_eq(rvx_graph_verify(&t), 0);
	free(m);
}

Test(graph_bind, success_and_errors, .init = setup, .fini = teardown)
{
	struct rvx_graph t;
	nodes(3);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 2, 5), 0);
	cr_assert_eq(rvx_graph_bind(&t, mem, mem_size), 0);
	cr_assert_eq(rvx_graph_node_count(&t), 3);
	cr_assert_eq(rvx_graph_edge_get(&t, 1, 2, NULL), 0);

	memset(&t, 0x3c, sizeof(t));
	struct vg_snap sn = vg_snap_take(&t, sizeof(t), mem, mem_size);
	cr_assert_eq(rvx_graph_bind(&t, mem, mem_size - 1), -RVX_ENOMEM);
	cr_assert_eq(rvx_graph_bind(&t, mem, 8), -RVX_ENOMEM);
	cr_assert_eq(rvx_graph_bind(&t, NULL, mem_size), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_bind(NULL, mem, mem_size), -RVX_EINVAL);
	vg_snap_same(&sn, &t, mem);
	vg_snap_free(&sn);
	/* damaged header words (all but the seed) are refused */
	uint32_t *w = mem;
	for (int word = 0; word < 18; word++) {
		if (word == 6 || word == 7)
			continue;
		uint32_t old = w[word];
		w[word] ^= 0x40000000u;
		int rc = rvx_graph_bind(&t, mem, mem_size);
		cr_assert(rc == -RVX_EINVAL || rc == -RVX_ENOMEM, "word %d accepted", word);
		w[word] = old;
	}
}

/* ---- nodes ------------------------------------------------------------------------------ */

Test(graph_node, add_get_meta, .init = setup, .fini = teardown)
{
	struct rvx_graph_node_info info;
	uint8_t m[RVX_GRAPH_META_BYTES], z[RVX_GRAPH_META_BYTES] = {0};
	/* before: absent */
	cr_assert_eq(rvx_graph_node_get(&g, 1, NULL), -RVX_ENOENT);
	nodes(2);
	cr_assert_eq(rvx_graph_node_add(&g, 99, NULL), 0);
	/* after: present with its metadata */
	cr_assert_eq(rvx_graph_node_count(&g), 3);
	cr_assert_eq(rvx_graph_node_get(&g, 2, &info), 0);
	meta_of(2, m);
	cr_assert_eq(info.id, 2);
	cr_assert(memcmp(info.meta, m, sizeof(m)) == 0);
	cr_assert_eq(info.out_degree, 0);
	cr_assert_eq(info.in_degree, 0);
	cr_assert_eq(rvx_graph_node_get(&g, 99, &info), 0);
	cr_assert(memcmp(info.meta, z, sizeof(z)) == 0);
	meta_of(42, m);
	cr_assert_eq(rvx_graph_node_set_meta(&g, 99, m), 0);
	cr_assert_eq(rvx_graph_node_get(&g, 99, &info), 0);
	cr_assert(memcmp(info.meta, m, sizeof(m)) == 0);
	cr_assert_eq(rvx_graph_verify(&g), 0);
}

Test(graph_node, errors_change_nothing, .init = setup, .fini = teardown)
{
	uint8_t m[RVX_GRAPH_META_BYTES] = {1};
	struct rvx_graph_node_info info;
	nodes(NODES);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_graph_node_add(&g, 3, m), -RVX_EEXIST);
	cr_assert_eq(rvx_graph_node_add(&g, 1000, m), -RVX_ELIMIT);
	cr_assert_eq(rvx_graph_node_remove(&g, 1000), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_node_set_meta(&g, 1000, m), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_node_set_meta(&g, 3, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_node_get(&g, 1000, &info), -RVX_ENOENT);
	same(&sn);
	vg_snap_free(&sn);
}

Test(graph_node, remove_takes_its_edges, .init = setup_loops, .fini = teardown)
{
	struct rvx_graph_node_info info;
	nodes(5);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 2, 1), 0);
	cr_assert_eq(rvx_graph_edge_add(&g, 2, 1, 1), 0);
	cr_assert_eq(rvx_graph_edge_add(&g, 2, 3, 1), 0);
	cr_assert_eq(rvx_graph_edge_add(&g, 4, 2, 1), 0);
	cr_assert_eq(rvx_graph_edge_add(&g, 2, 2, 1), 0); /* self loop */
	cr_assert_eq(rvx_graph_edge_add(&g, 3, 4, 1), 0);
	/* before: 6 edges, node 2 has out 3, in 3 */
	cr_assert_eq(rvx_graph_node_get(&g, 2, &info), 0);
	cr_assert_eq(info.out_degree, 3);
	cr_assert_eq(info.in_degree, 3);
	cr_assert_eq(rvx_graph_node_remove(&g, 2), 0);
	/* after: only 3 -> 4 is left */
	cr_assert_eq(rvx_graph_edge_count(&g), 1);
	cr_assert_eq(rvx_graph_node_count(&g), 4);
	cr_assert_eq(rvx_graph_edge_get(&g, 3, 4, NULL), 0);
	cr_assert_eq(rvx_graph_node_get(&g, 1, &info), 0);
	cr_assert_eq(info.out_degree + info.in_degree, 0);
	cr_assert_eq(rvx_graph_node_get(&g, 3, &info), 0);
	cr_assert_eq(info.in_degree, 0);
	cr_assert_eq(info.out_degree, 1);
	cr_assert_eq(rvx_graph_verify(&g), 0);
	/* the id can come back, with no edges */
	cr_assert_eq(rvx_graph_node_add(&g, 2, NULL), 0);
	cr_assert_eq(rvx_graph_node_get(&g, 2, &info), 0);
	cr_assert_eq(info.out_degree + info.in_degree, 0);
	cr_assert_eq(rvx_graph_verify(&g), 0);
}

/* ---- edges -------------------------------------------------------------------------------- */

Test(graph_edge, add_get_set_remove, .init = setup, .fini = teardown)
{
	int32_t w = 0;
	nodes(3);
	/* before: no edge */
	cr_assert_eq(rvx_graph_edge_get(&g, 1, 2, &w), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 2, RVX_GRAPH_WEIGHT_ONE), 0);
	cr_assert_eq(rvx_graph_edge_add(&g, 2, 1, -5), 0);
	/* after: both directions, distinct */
	cr_assert_eq(rvx_graph_edge_get(&g, 1, 2, &w), 0);
	cr_assert_eq(w, RVX_GRAPH_WEIGHT_ONE);
	cr_assert_eq(rvx_graph_edge_get(&g, 2, 1, &w), 0);
	cr_assert_eq(w, -5);
	cr_assert_eq(rvx_graph_edge_set_weight(&g, 1, 2, INT32_MIN), 0);
	cr_assert_eq(rvx_graph_edge_get(&g, 1, 2, &w), 0);
	cr_assert_eq(w, INT32_MIN);
	cr_assert_eq(rvx_graph_edge_count(&g), 2);
	cr_assert_eq(rvx_graph_edge_remove(&g, 1, 2), 0);
	cr_assert_eq(rvx_graph_edge_get(&g, 1, 2, NULL), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_edge_get(&g, 2, 1, NULL), 0);
	cr_assert_eq(rvx_graph_edge_count(&g), 1);
	cr_assert_eq(rvx_graph_verify(&g), 0);
}

Test(graph_edge, errors_change_nothing, .init = setup, .fini = teardown)
{
	int32_t w = 77;
	nodes(4);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 2, 3), 0);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 1, 3), -RVX_EINVAL); /* self loop */
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 9, 3), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_edge_add(&g, 9, 1, 3), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 2, 4), -RVX_EEXIST);
	cr_assert_eq(rvx_graph_edge_remove(&g, 2, 1), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_edge_remove(&g, 9, 1), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_edge_set_weight(&g, 2, 1, 0), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_edge_set_weight(&g, 1, 9, 0), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_edge_get(&g, 3, 4, &w), -RVX_ENOENT);
	cr_assert_eq(w, 77);
	same(&sn);
	vg_snap_free(&sn);
}

Test(graph_edge, full_is_elimit, .init = setup, .fini = teardown)
{
	nodes(8);
	uint32_t n = 0;
	for (uint64_t a = 1; a <= 8 && n < EDGES; a++)
		for (uint64_t b = 1; b <= 8 && n < EDGES; b++)
			if (a != b) {
				cr_assert_eq(rvx_graph_edge_add(&g, a, b, (int32_t)n), 0);
				n++;
			}
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_graph_edge_add(&g, 8, 7, 0), -RVX_ELIMIT);
	same(&sn);
	vg_snap_free(&sn);
	cr_assert_eq(rvx_graph_verify(&g), 0);
}

Test(graph_edge, self_loop_allowed_by_flag, .init = setup_loops, .fini = teardown)
{
	struct rvx_graph_node_info info;
	nodes(1);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 1, 9), 0);
	cr_assert_eq(rvx_graph_node_get(&g, 1, &info), 0);
	cr_assert_eq(info.out_degree, 1);
	cr_assert_eq(info.in_degree, 1);
	cr_assert_eq(rvx_graph_edge_remove(&g, 1, 1), 0);
	cr_assert_eq(rvx_graph_verify(&g), 0);
}

/* ---- iteration ---------------------------------------------------------------------------- */

Test(graph_iter, out_and_in_newest_first, .init = setup, .fini = teardown)
{
	struct rvx_graph_iter it;
	struct rvx_graph_edge e;
	nodes(5);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 2, 12), 0);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 3, 13), 0);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 4, 14), 0);
	cr_assert_eq(rvx_graph_edge_add(&g, 5, 3, 53), 0);
	cr_assert_eq(rvx_graph_edge_remove(&g, 1, 3), 0);

	cr_assert_eq(rvx_graph_iter_init(&g, 1, RVX_GRAPH_OUT, &it), 0);
	cr_assert_eq(rvx_graph_iter_next(&g, &it, &e), 1);
	cr_assert(e.src == 1 && e.dst == 4 && e.weight == 14 && e.reserved == 0);
	cr_assert_eq(rvx_graph_iter_next(&g, &it, &e), 1);
	cr_assert(e.src == 1 && e.dst == 2 && e.weight == 12);
	cr_assert_eq(rvx_graph_iter_next(&g, &it, &e), 0);
	cr_assert_eq(rvx_graph_iter_next(&g, &it, &e), 0);

	cr_assert_eq(rvx_graph_iter_init(&g, 3, RVX_GRAPH_IN, &it), 0);
	cr_assert_eq(rvx_graph_iter_next(&g, &it, &e), 1);
	cr_assert(e.src == 5 && e.dst == 3 && e.weight == 53);
	cr_assert_eq(rvx_graph_iter_next(&g, &it, &e), 0);

	cr_assert_eq(rvx_graph_iter_init(&g, 2, RVX_GRAPH_OUT, &it), 0);
	cr_assert_eq(rvx_graph_iter_next(&g, &it, &e), 0);
}

Test(graph_iter, errors, .init = setup, .fini = teardown)
{
	struct rvx_graph_iter it = {123, 456};
	nodes(1);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_graph_iter_init(&g, 2, RVX_GRAPH_OUT, &it), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_iter_init(&g, 1, 2, &it), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_iter_init(&g, 1, RVX_GRAPH_IN, NULL), -RVX_EINVAL);
	cr_assert_eq(it.next, 123);
	same(&sn);
	vg_snap_free(&sn);
}

/* ---- mutations: apply and encoding ---------------------------------------------------------- */

static struct rvx_graph_mutation mut(uint32_t kind, uint64_t node, uint64_t peer, int32_t w)
{
	struct rvx_graph_mutation m;
	memset(&m, 0, sizeof(m));
	m.kind = kind;
	m.node = node;
	m.peer = peer;
	m.weight = w;
	meta_of(node, m.meta);
	return m;
}

Test(graph_apply, each_kind, .init = setup, .fini = teardown)
{
	struct rvx_graph_node_info info;
	int32_t w;
	struct rvx_graph_mutation m;

	m = mut(RVX_GRAPH_OP_ADD_NODE, 1, 0, 0);
	cr_assert_eq(rvx_graph_apply(&g, &m), 0);
	m = mut(RVX_GRAPH_OP_ADD_NODE, 2, 0, 0);
	cr_assert_eq(rvx_graph_apply(&g, &m), 0);
	cr_assert_eq(rvx_graph_node_count(&g), 2);
	m = mut(RVX_GRAPH_OP_ADD_EDGE, 1, 2, 100);
	cr_assert_eq(rvx_graph_apply(&g, &m), 0);
	cr_assert_eq(rvx_graph_edge_get(&g, 1, 2, &w), 0);
	cr_assert_eq(w, 100);
	m = mut(RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT, 1, 2, -100);
	cr_assert_eq(rvx_graph_apply(&g, &m), 0);
	cr_assert_eq(rvx_graph_edge_get(&g, 1, 2, &w), 0);
	cr_assert_eq(w, -100);
	m = mut(RVX_GRAPH_OP_UPDATE_NODE_META, 2, 0, 0);
	m.meta[0] = 0xee;
	cr_assert_eq(rvx_graph_apply(&g, &m), 0);
	cr_assert_eq(rvx_graph_node_get(&g, 2, &info), 0);
	cr_assert_eq(info.meta[0], 0xee);
	m = mut(RVX_GRAPH_OP_REMOVE_EDGE, 1, 2, 0);
	cr_assert_eq(rvx_graph_apply(&g, &m), 0);
	cr_assert_eq(rvx_graph_edge_count(&g), 0);
	m = mut(RVX_GRAPH_OP_REMOVE_NODE, 1, 0, 0);
	cr_assert_eq(rvx_graph_apply(&g, &m), 0);
	cr_assert_eq(rvx_graph_node_count(&g), 1);
	cr_assert_eq(rvx_graph_verify(&g), 0);
}

Test(graph_apply, errors_change_nothing, .init = setup, .fini = teardown)
{
	struct rvx_graph_mutation m;
	nodes(NODES);
	struct vg_snap sn = snap();
	m = mut(0, 1, 0, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_EINVAL);
	m = mut(7, 1, 0, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_EINVAL);
	m = mut(0xffffffffu, 1, 0, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_apply_check(&g, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_apply(&g, NULL), -RVX_EINVAL);
	m = mut(RVX_GRAPH_OP_ADD_NODE, 1, 0, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_EEXIST);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_EEXIST);
	m = mut(RVX_GRAPH_OP_ADD_NODE, 100, 0, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_ELIMIT);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_ELIMIT);
	m = mut(RVX_GRAPH_OP_REMOVE_NODE, 100, 0, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_ENOENT);
	m = mut(RVX_GRAPH_OP_ADD_EDGE, 1, 1, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_EINVAL);
	m = mut(RVX_GRAPH_OP_REMOVE_EDGE, 1, 2, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_ENOENT);
	m = mut(RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT, 1, 2, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_ENOENT);
	m = mut(RVX_GRAPH_OP_UPDATE_NODE_META, 100, 0, 0);
	cr_assert_eq(rvx_graph_apply_check(&g, &m), -RVX_ENOENT);
	cr_assert_eq(rvx_graph_apply(&g, &m), -RVX_ENOENT);
	same(&sn);
	vg_snap_free(&sn);
}

Test(graph_encoding, layout_and_round_trip)
{
	uint8_t b[RVX_GRAPH_MUTATION_BYTES], b2[RVX_GRAPH_MUTATION_BYTES];
	struct rvx_graph_mutation m, d;

	m = mut(RVX_GRAPH_OP_ADD_EDGE, 0x0102030405060708ull, 0x1112131415161718ull, -2);
	cr_assert_eq(rvx_graph_mutation_encode(&m, b), 0);
	/* the documented layout, little-endian */
	const uint8_t want[24] = {1, 3, 0, 0, 0xfe, 0xff, 0xff, 0xff, 8, 7, 6, 5,
				  4, 3, 2, 1, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11};
	cr_assert(memcmp(b, want, sizeof(want)) == 0);
	for (unsigned i = 24; i < sizeof(b); i++)
		cr_assert_eq(b[i], 0, "meta of an edge mutation must encode as zero");
	cr_assert_eq(rvx_graph_mutation_decode(b, &d), 0);
	cr_assert_eq(d.kind, m.kind);
	cr_assert_eq(d.node, m.node);
	cr_assert_eq(d.peer, m.peer);
	cr_assert_eq(d.weight, m.weight);

	/* every kind: decode(encode(m)) encodes to the same bytes, and unused
	 * fields do not change the encoding */
	for (uint32_t k = RVX_GRAPH_OP_ADD_NODE; k <= RVX_GRAPH_OP_UPDATE_NODE_META; k++) {
		m = mut(k, 77, 88, 99);
		cr_assert_eq(rvx_graph_mutation_encode(&m, b), 0);
		cr_assert_eq(b[0], RVX_GRAPH_MUTATION_VERSION);
		cr_assert_eq(b[1], k);
		cr_assert_eq(rvx_graph_mutation_decode(b, &d), 0);
		cr_assert_eq(rvx_graph_mutation_encode(&d, b2), 0);
		cr_assert(memcmp(b, b2, sizeof(b)) == 0, "kind %u", k);
		struct rvx_graph_mutation m2 = m;
		if (k == RVX_GRAPH_OP_ADD_NODE || k == RVX_GRAPH_OP_REMOVE_NODE ||
		    k == RVX_GRAPH_OP_UPDATE_NODE_META)
			m2.peer = 12345;
		if (k != RVX_GRAPH_OP_ADD_EDGE && k != RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT)
			m2.weight = 54321;
		if (k != RVX_GRAPH_OP_ADD_NODE && k != RVX_GRAPH_OP_UPDATE_NODE_META)
			m2.meta[5] ^= 0xff;
		cr_assert_eq(rvx_graph_mutation_encode(&m2, b2), 0);
		cr_assert(memcmp(b, b2, sizeof(b)) == 0, "unused field encoded for kind %u", k);
	}
}

Test(graph_encoding, rejects_non_canonical)
{
	uint8_t b[RVX_GRAPH_MUTATION_BYTES], c[RVX_GRAPH_MUTATION_BYTES];
	struct rvx_graph_mutation m = mut(RVX_GRAPH_OP_REMOVE_NODE, 5, 0, 0), d;

	cr_assert_eq(rvx_graph_mutation_encode(&m, b), 0);
	memset(&d, 0x77, sizeof(d));
	struct rvx_graph_mutation d0 = d;
	/* any nonzero byte outside node id is refused for REMOVE_NODE */
	for (unsigned i = 0; i < sizeof(b); i++) {
		if (i >= 8 && i < 16)
			continue;
		memcpy(c, b, sizeof(b));
		c[i] ^= (i == 1) ? 0x40 : 0x01;
		cr_assert_eq(rvx_graph_mutation_decode(c, &d), -RVX_EINVAL, "byte %u", i);
	}
	cr_assert(memcmp(&d, &d0, sizeof(d)) == 0, "output written on failure");
	memcpy(c, b, sizeof(b));
	c[1] = 0;
	cr_assert_eq(rvx_graph_mutation_decode(c, &d), -RVX_EINVAL);
	c[1] = 7;
	cr_assert_eq(rvx_graph_mutation_decode(c, &d), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_mutation_decode(NULL, &d), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_mutation_decode(b, NULL), -RVX_EINVAL);
	m.kind = 9;
	memset(c, 0x33, sizeof(c));
	memcpy(b, c, sizeof(c));
	cr_assert_eq(rvx_graph_mutation_encode(&m, c), -RVX_EINVAL);
	cr_assert(memcmp(b, c, sizeof(c)) == 0, "output written on failure");
	cr_assert_eq(rvx_graph_mutation_encode(NULL, c), -RVX_EINVAL);
	m.kind = RVX_GRAPH_OP_ADD_NODE;
	cr_assert_eq(rvx_graph_mutation_encode(&m, NULL), -RVX_EINVAL);
}

/* ---- against a reference model ---------------------------------------------------------------- */

#define MN 24 /* ids 1..MN */

struct model {
	bool node[MN + 1];
	bool edge[MN + 1][MN + 1];
	int32_t w[MN + 1][MN + 1];
	uint8_t meta[MN + 1][RVX_GRAPH_META_BYTES];
	uint32_t nodes, edges;
};

/* What the model says a mutation returns (and does, on success). */
static int model_apply(struct model *md, const struct rvx_graph_mutation *m, uint32_t ncap,
		       uint32_t ecap, bool loops)
{
	uint64_t a = m->node, b = m->peer;
	switch (m->kind) {
	case RVX_GRAPH_OP_ADD_NODE:
		if (md->node[a])
			return -RVX_EEXIST;
		if (md->nodes >= ncap)
			return -RVX_ELIMIT;
		md->node[a] = true;
		md->nodes++;
		memcpy(md->meta[a], m->meta, RVX_GRAPH_META_BYTES);
		return 0;
	case RVX_GRAPH_OP_REMOVE_NODE:
		if (!md->node[a])
			return -RVX_ENOENT;
		for (int x = 1; x <= MN; x++) {
			if (md->edge[a][x]) {
				md->edge[a][x] = false;
				md->edges--;
			}
			if (md->edge[x][a]) {
				md->edge[x][a] = false;
				md->edges--;
			}
		}
		md->node[a] = false;
		md->nodes--;
		return 0;
	case RVX_GRAPH_OP_ADD_EDGE:
		if (a == b && !loops)
			return -RVX_EINVAL;
		if (!md->node[a] || !md->node[b])
			return -RVX_ENOENT;
		if (md->edge[a][b])
			return -RVX_EEXIST;
		if (md->edges >= ecap)
			return -RVX_ELIMIT;
		md->edge[a][b] = true;
		md->w[a][b] = m->weight;
		md->edges++;
		return 0;
	case RVX_GRAPH_OP_REMOVE_EDGE:
		if (!md->node[a] || !md->node[b] || !md->edge[a][b])
			return -RVX_ENOENT;
		md->edge[a][b] = false;
		md->edges--;
		return 0;
	case RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT:
		if (!md->node[a] || !md->node[b] || !md->edge[a][b])
			return -RVX_ENOENT;
		md->w[a][b] = m->weight;
		return 0;
	case RVX_GRAPH_OP_UPDATE_NODE_META:
		if (!md->node[a])
			return -RVX_ENOENT;
		memcpy(md->meta[a], m->meta, RVX_GRAPH_META_BYTES);
		return 0;
	default:
		return -RVX_EINVAL;
	}
}

static void check_model(const struct model *md)
{
	struct rvx_graph_node_info info;
	int32_t w;
	cr_assert_eq(rvx_graph_node_count(&g), md->nodes);
	cr_assert_eq(rvx_graph_edge_count(&g), md->edges);
	for (uint64_t a = 1; a <= MN; a++) {
		cr_assert_eq(rvx_graph_node_get(&g, a, &info) == 0, md->node[a]);
		if (!md->node[a])
			continue;
		cr_assert(memcmp(info.meta, md->meta[a], RVX_GRAPH_META_BYTES) == 0);
		uint32_t out = 0, in = 0;
		for (uint64_t b = 1; b <= MN; b++) {
			out += md->edge[a][b];
			in += md->edge[b][a];
			cr_assert_eq(rvx_graph_edge_get(&g, a, b, &w) == 0, md->edge[a][b]);
			if (md->edge[a][b])
				cr_assert_eq(w, md->w[a][b]);
		}
		cr_assert_eq(info.out_degree, out);
		cr_assert_eq(info.in_degree, in);
		/* iteration visits exactly the model's neighbours */
		struct rvx_graph_iter it;
		struct rvx_graph_edge e;
		uint32_t seen = 0;
		cr_assert_eq(rvx_graph_iter_init(&g, a, RVX_GRAPH_OUT, &it), 0);
		while (rvx_graph_iter_next(&g, &it, &e)) {
			cr_assert(e.src == a && md->edge[a][e.dst] && md->w[a][e.dst] == e.weight);
			seen++;
		}
		cr_assert_eq(seen, out);
		seen = 0;
		cr_assert_eq(rvx_graph_iter_init(&g, a, RVX_GRAPH_IN, &it), 0);
		while (rvx_graph_iter_next(&g, &it, &e)) {
			cr_assert(e.dst == a && md->edge[e.src][a]);
			seen++;
		}
		cr_assert_eq(seen, in);
	}
}

Test(graph_model, random_operations_match, .init = setup_loops, .fini = teardown)
{
	static struct model md;
	uint64_t seed = 2024;
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];
	int ok = 0, failed = 0;

	memset(&md, 0, sizeof(md));
	for (int step = 0; step < 6000; step++) {
		uint32_t r = (uint32_t)(vg_rng(&seed) % 100);
		uint32_t kind = r < 20 ? RVX_GRAPH_OP_ADD_NODE
			      : r < 28 ? RVX_GRAPH_OP_REMOVE_NODE
			      : r < 65 ? RVX_GRAPH_OP_ADD_EDGE
			      : r < 82 ? RVX_GRAPH_OP_REMOVE_EDGE
			      : r < 94 ? RVX_GRAPH_OP_UPDATE_EDGE_WEIGHT
			      : r < 99 ? RVX_GRAPH_OP_UPDATE_NODE_META
				       : 11; /* an invalid kind now and then */
		struct rvx_graph_mutation m = mut(kind, 1 + vg_rng(&seed) % MN, 1 + vg_rng(&seed) % MN,
						  (int32_t)vg_rng(&seed));
		m.meta[0] = (uint8_t)step;
		struct vg_snap sn = snap();
		/* The check agrees with the apply, and writes nothing. */
		int checked = rvx_graph_apply_check(&g, &m);
		same(&sn);
		int want = model_apply(&md, &m, NODES, EDGES, true);
		/* apply goes through the canonical encoding, as the kernel will */
		struct rvx_graph_mutation d;
		int rc;
		if (rvx_graph_mutation_encode(&m, enc) == 0) {
			cr_assert_eq(rvx_graph_mutation_decode(enc, &d), 0);
			rc = rvx_graph_apply(&g, &d);
		} else {
			rc = rvx_graph_apply(&g, &m);
		}
		cr_assert_eq(rc, want, "step %d kind %u: %d, model %d", step, kind, rc, want);
		cr_assert_eq(checked, want, "step %d kind %u: check %d, model %d", step, kind, checked,
			     want);
		if (rc != 0)
			same(&sn);
		vg_snap_free(&sn);
		ok += rc == 0;
		failed += rc != 0;
		if (step % 200 == 0) {
			cr_assert_eq(rvx_graph_verify(&g), 0);
			check_model(&md);
		}
	}
	cr_assert_eq(rvx_graph_verify(&g), 0);
	check_model(&md);
	cr_assert_gt(ok, 1000);
	cr_assert_gt(failed, 500);
}

/* ---- determinism and checkpoint ------------------------------------------------------------------ */

static void run_ops(struct rvx_graph *gg)
{
	uint64_t seed = 8;
	for (int i = 0; i < 3000; i++) {
		uint32_t kind = 1 + (uint32_t)(vg_rng(&seed) % 6);
		struct rvx_graph_mutation m =
			mut(kind, 1 + vg_rng(&seed) % 20, 1 + vg_rng(&seed) % 20, i);
		(void)rvx_graph_apply(gg, &m);
	}
}

Test(graph_state, deterministic_and_checkpointable, .init = setup, .fini = teardown)
{
	struct rvx_graph b, c;
	void *mb = vg_alloc(mem_size), *mc = vg_alloc(mem_size + 128);
	cr_assert_eq(rvx_graph_init(&b, &cfg, mb, mem_size), 0);
	/* before: two fresh stores */
	run_ops(&g);
	run_ops(&b);
	/* after: identical bytes */
	cr_assert(memcmp(mem, mb, rvx_graph_state_size(&g)) == 0);
	cr_assert_eq(rvx_graph_verify(&g), 0);
	/* a copy at another address answers and evolves the same */
	uint8_t *other = (uint8_t *)mc + 64;
	memcpy(other, mem, rvx_graph_state_size(&g));
	cr_assert_eq(rvx_graph_bind(&c, other, mem_size), 0);
	cr_assert_eq(rvx_graph_verify(&c), 0);
	for (uint64_t a = 1; a <= 20; a++)
		for (uint64_t z = 1; z <= 20; z++) {
			int32_t w1 = 0, w2 = 0;
			int r1 = rvx_graph_edge_get(&g, a, z, &w1);
			cr_assert_eq(rvx_graph_edge_get(&c, a, z, &w2), r1);
			cr_assert_eq(w1, w2);
		}
	run_ops(&g);
	run_ops(&c);
	cr_assert(memcmp(mem, other, rvx_graph_state_size(&g)) == 0);
	free(mb);
	free(mc);
}

Test(graph_verify, detects_damage, .init = setup, .fini = teardown)
{
	nodes(3);
	cr_assert_eq(rvx_graph_edge_add(&g, 1, 2, 1), 0);
	cr_assert_eq(rvx_graph_verify(&g), 0);
	/* node 1's out-degree (node record 0, offset 16) */
	uint8_t *n0 = (uint8_t *)mem + g.off_nodes;
	n0[16] ^= 1;
	cr_assert_eq(rvx_graph_verify(&g), -RVX_EINVAL);
	n0[16] ^= 1;
	cr_assert_eq(rvx_graph_verify(&g), 0);
	n0[0] ^= 1; /* its id: the hash table no longer agrees */
	cr_assert_eq(rvx_graph_verify(&g), -RVX_EINVAL);
}

/* ---- static storage -------------------------------------------------------------------------- */

RVX_GRAPH_DEFINE(static_graph, 10, 30);
_Static_assert(sizeof(static_graph) == RVX_GRAPH_BYTES(10, 30), "constant expression");

Test(graph_static, macro_matches_function_and_storage_works)
{
	static const uint32_t caps[] = {1, 3, 10, 1000, 65537};
	for (unsigned a = 0; a < 5; a++)
		for (unsigned b = 0; b < 5; b++) {
			struct rvx_graph_config c = {.node_capacity = caps[a], .edge_capacity = caps[b]};
			size_t sz;
			cr_assert_eq(rvx_graph_size(&c, &sz), 0);
			cr_assert_eq(sz, RVX_GRAPH_BYTES(caps[a], caps[b]));
		}
	struct rvx_graph_config c = {.node_capacity = 10, .edge_capacity = 30};
	struct rvx_graph t;
	cr_assert_eq(rvx_graph_init(&t, &c, static_graph, sizeof(static_graph)), 0);
	cr_assert_eq(rvx_graph_node_add(&t, 1, NULL), 0);
	cr_assert_eq(rvx_graph_node_count(&t), 1);
}
