/* SPDX-License-Identifier: Apache-2.0 */
/* Vector and graph stores in a manifest and their seed segments: a valid
 * package decodes them; lying counts, seeds over capacity, wrong dimensions,
 * unordered or dangling seeds, wrong segment types, bad wires and policies
 * are refused with their reason (and the view untouched). */
#include <criterion/criterion.h>
#include <string.h>

#include "rvf_fixture.h"

TestSuite(rvf_stores, .init = fx_init);

static uint8_t pkg[PKG_CAP];
static uint8_t mseg[2048], pseg[1024];
static uint8_t vseed[RVX_RVF_SEED_HEADER_SIZE + 4 * (8 + 4 * 3)];
static uint8_t gseed[RVX_RVF_SEED_HEADER_SIZE + 6 * RVX_RVF_GRAPH_SEED_RECORD_SIZE];
static size_t vseed_len, gseed_len;

/* Segment indices of the store package. */
enum { T_MANIFEST, T_VSEED, T_GSEED, T_CODE, T_PROOF, T_COUNT };

static void set_name(char *dst, const char *s)
{
	memset(dst, 0, RVX_RVF_NAME_SIZE);
	memcpy(dst, s, strlen(s));
}

/* A vector seed of @n records of dimension 3, keys 1, 2, ... */
static void vector_seed(uint32_t dim, uint32_t n)
{
	uint8_t *p = vseed;

	memset(vseed, 0, sizeof(vseed));
	rvx_le_put32(p, dim);
	rvx_le_put32(p + 4, n);
	p += RVX_RVF_SEED_HEADER_SIZE;
	for (uint32_t i = 0; i < n; i++, p += 8 + 4 * 3) {
		float v[3] = {(float)i, 1, 2};

		rvx_le_put64(p, i + 1u);
		memcpy(p + 8, v, sizeof(v));
	}
	vseed_len = RVX_RVF_SEED_HEADER_SIZE + (size_t)n * (8 + 4 * 3);
}

/* A graph record: kind, node, peer (the canonical encoding's layout). */
static void graph_rec(uint32_t i, uint8_t kind, uint64_t node, uint64_t peer)
{
	uint8_t *r = gseed + RVX_RVF_SEED_HEADER_SIZE + (size_t)i * RVX_RVF_GRAPH_SEED_RECORD_SIZE;

	memset(r, 0, RVX_RVF_GRAPH_SEED_RECORD_SIZE);
	r[0] = RVX_RVF_GRAPH_SEED_VERSION;
	r[1] = kind;
	rvx_le_put64(r + 8, node);
	if (kind == RVX_RVF_GRAPH_SEED_EDGE)
		rvx_le_put64(r + 16, peer);
}

/* Nodes 5, 6, 7 and edges 5->6, 5->7, 6->7. */
static void graph_seed(void)
{
	memset(gseed, 0, sizeof(gseed));
	rvx_le_put32(gseed, 6);
	graph_rec(0, RVX_RVF_GRAPH_SEED_NODE, 5, 0);
	graph_rec(1, RVX_RVF_GRAPH_SEED_NODE, 6, 0);
	graph_rec(2, RVX_RVF_GRAPH_SEED_NODE, 7, 0);
	graph_rec(3, RVX_RVF_GRAPH_SEED_EDGE, 5, 6);
	graph_rec(4, RVX_RVF_GRAPH_SEED_EDGE, 5, 7);
	graph_rec(5, RVX_RVF_GRAPH_SEED_EDGE, 6, 7);
	gseed_len = sizeof(gseed);
}

/* One task; a seeded vector store (dim 3, capacity 4), a seeded graph
 * store (4 nodes, 4 edges); wires and a policy for each. */
static void manifest(struct rvx_rvf_manifest *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->name, "stores", 6);
	m->task_count = 1;
	set_name(m->tasks[0].name, "t");
	m->tasks[0].code_segment = T_CODE;
	m->tasks[0].stack_size = 4096;
	m->vector_count = 1;
	set_name(m->vectors[0].name, "emb");
	m->vectors[0].dim = 3;
	m->vectors[0].capacity = 4;
	m->vectors[0].metric = RVX_RVF_METRIC_COSINE;
	m->vectors[0].seed_segment = T_VSEED;
	m->vectors[0].m = 8;
	m->vectors[0].hnsw_seed = 99;
	m->graph_count = 1;
	set_name(m->graphs[0].name, "kg");
	m->graphs[0].node_capacity = 4;
	m->graphs[0].edge_capacity = 4;
	m->graphs[0].seed_segment = T_GSEED;
	m->wire_count = 2;
	m->wires[0] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_VECTOR, .object = 0,
					    .rights = RVX_RIGHT_READ | RVX_RIGHT_PROVE};
	m->wires[1] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_GRAPH, .object = 0,
					    .rights = RVX_RIGHT_WRITE};
	m->policy_count = 2;
	m->policies[0] = (struct rvx_rvf_proof_policy){.kind = RVX_RVF_WIRE_VECTOR, .tier = 2,
						       .max_payload = 64, .key_hi = 100,
						       .authority = RVX_RVF_NONE};
	m->policies[1] = (struct rvx_rvf_proof_policy){.kind = RVX_RVF_WIRE_GRAPH, .tier = 1,
						       .max_payload = 64, .key_hi = 100,
						       .authority = RVX_RVF_NONE};
	vector_seed(3, 3);
	graph_seed();
}

/* The package from @m and the current seeds; @edit may change the encoded
 * manifest bytes before the package is laid out and signed. */
static size_t build_edit(const struct rvx_rvf_manifest *m, void (*edit)(uint8_t *, size_t))
{
	struct rvx_rvf_input in[T_COUNT];
	size_t l0, l1;

	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, m, NULL, mseg, sizeof(mseg), &l0),
		     0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_PROOF_POLICY, m, NULL, pseg, sizeof(pseg),
					    &l1), 0);
	if (edit != NULL)
		edit(mseg, l0);
	in[T_MANIFEST] = (struct rvx_rvf_input){RVX_RVF_SEG_MANIFEST, mseg, l0};
	in[T_VSEED] = (struct rvx_rvf_input){RVX_RVF_SEG_VECTOR_SEED, vseed, vseed_len};
	in[T_GSEED] = (struct rvx_rvf_input){RVX_RVF_SEG_GRAPH_SEED, gseed, gseed_len};
	in[T_CODE] = (struct rvx_rvf_input){RVX_RVF_SEG_CODE, fx_code, sizeof(fx_code)};
	in[T_PROOF] = (struct rvx_rvf_input){RVX_RVF_SEG_PROOF_POLICY, pseg, l1};
	return fx_build_segs(in, T_COUNT, pkg);
}

static void expect_bad(const struct rvx_rvf_manifest *m, enum rvx_rvf_reason why)
{
	fx_expect_refused(pkg, build_edit(m, NULL), -RVX_EMANIFEST, why);
}

Test(rvf_stores, a_valid_package_decodes_its_stores)
{
	static struct rvx_rvf_package view;
	struct rvx_rvf_manifest m;
	size_t len;

	manifest(&m);
	len = build_edit(&m, NULL);
	cr_assert_eq(rvx_rvf_verify(pkg, len, &fx_trusted, &view, NULL), 0);
	cr_assert_eq(view.manifest.vector_count, 1);
	cr_assert_eq(view.manifest.graph_count, 1);
	cr_assert(memcmp(&view.manifest.vectors[0], &m.vectors[0], sizeof(m.vectors[0])) == 0);
	cr_assert(memcmp(&view.manifest.graphs[0], &m.graphs[0], sizeof(m.graphs[0])) == 0);
	cr_assert_eq(view.manifest.wires[0].kind, RVX_RVF_WIRE_VECTOR);
	cr_assert_eq(view.manifest.policies[1].kind, RVX_RVF_WIRE_GRAPH);
	/* no seeds at all is fine, and so are empty seeds */
	m.vectors[0].seed_segment = RVX_RVF_NONE;
	m.graphs[0].seed_segment = RVX_RVF_NONE;
	len = build_edit(&m, NULL);
	cr_assert_eq(rvx_rvf_verify(pkg, len, &fx_trusted, &view, NULL), 0);
	manifest(&m);
	vector_seed(3, 0);
	memset(gseed, 0, RVX_RVF_SEED_HEADER_SIZE);
	gseed_len = RVX_RVF_SEED_HEADER_SIZE;
	len = build_edit(&m, NULL);
	cr_assert_eq(rvx_rvf_verify(pkg, len, &fx_trusted, &view, NULL), 0);
	/* a full vector seed: exactly the capacity */
	manifest(&m);
	vector_seed(3, 4);
	len = build_edit(&m, NULL);
	cr_assert_eq(rvx_rvf_verify(pkg, len, &fx_trusted, &view, NULL), 0);
}

static void count_one_more(uint8_t *seg, size_t len)
{
	(void)len;
	seg[44] = 2; /* two vector stores claimed, one record present */
}

static void count_over_limit(uint8_t *seg, size_t len)
{
	(void)len;
	seg[46] = RVX_RVF_MAX_GRAPH_STORES + 1;
}

static void header_reserved(uint8_t *seg, size_t len)
{
	(void)len;
	seg[50] = 1;
}

Test(rvf_stores, lying_counts_are_refused)
{
	struct rvx_rvf_manifest m;

	manifest(&m);
	fx_expect_refused(pkg, build_edit(&m, count_one_more), -RVX_EMANIFEST, RVX_RVF_MF_LENGTH);
	fx_expect_refused(pkg, build_edit(&m, count_over_limit), -RVX_EMANIFEST, RVX_RVF_MF_LIMIT);
	fx_expect_refused(pkg, build_edit(&m, header_reserved), -RVX_EMANIFEST,
			  RVX_RVF_MF_RESERVED);
	/* the vector seed's header claims one record more than it holds */
	manifest(&m);
	rvx_le_put32(vseed + 4, 4);
	expect_bad(&m, RVX_RVF_MF_LENGTH);
	/* the graph seed's header claims fewer */
	manifest(&m);
	rvx_le_put32(gseed, 5);
	expect_bad(&m, RVX_RVF_MF_LENGTH);
}

Test(rvf_stores, seeds_exceeding_capacity_are_refused)
{
	struct rvx_rvf_manifest m;

	manifest(&m);
	m.vectors[0].capacity = 2; /* three seed vectors */
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	m.graphs[0].node_capacity = 2; /* three seed nodes */
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	m.graphs[0].edge_capacity = 2; /* three seed edges */
	expect_bad(&m, RVX_RVF_MF_VALUE);
}

Test(rvf_stores, bad_dimensions_and_values_are_refused)
{
	struct rvx_rvf_manifest m;

	manifest(&m);
	m.vectors[0].dim = 0;
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	m.vectors[0].dim = RVX_RVF_MAX_VECTOR_DIM + 1;
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	m.vectors[0].dim = 4; /* the seed's records are of dimension 3 */
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	m.vectors[0].capacity = 0;
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	m.vectors[0].capacity = RVX_RVF_MAX_STORE_CAPACITY + 1;
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	m.vectors[0].metric = 3;
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	m.graphs[0].edge_capacity = 0;
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	m.vectors[0].reserved[3] = 1;
	expect_bad(&m, RVX_RVF_MF_RESERVED);
	manifest(&m);
	m.graphs[0].flags = 2;
	expect_bad(&m, RVX_RVF_MF_RESERVED);
	manifest(&m);
	vseed[9] = 1; /* the seed header's reserved bytes */
	expect_bad(&m, RVX_RVF_MF_RESERVED);
	manifest(&m);
	set_name(m.vectors[0].name, "");
	expect_bad(&m, RVX_RVF_MF_NAME);
}

Test(rvf_stores, unordered_or_dangling_seeds_are_refused)
{
	struct rvx_rvf_manifest m;

	manifest(&m);
	rvx_le_put64(vseed + RVX_RVF_SEED_HEADER_SIZE + 20, 1); /* key 2 -> 1: a repeat */
	expect_bad(&m, RVX_RVF_MF_DUPLICATE);
	manifest(&m);
	rvx_le_put64(vseed + RVX_RVF_SEED_HEADER_SIZE + 40, 1); /* key 3 -> 1: descending */
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	graph_rec(3, RVX_RVF_GRAPH_SEED_EDGE, 5, 9); /* to a node not seeded */
	expect_bad(&m, RVX_RVF_MF_INDEX);
	manifest(&m);
	graph_rec(2, RVX_RVF_GRAPH_SEED_EDGE, 5, 6); /* an edge before the last node */
	graph_rec(3, RVX_RVF_GRAPH_SEED_NODE, 7, 0);
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	graph_rec(1, RVX_RVF_GRAPH_SEED_NODE, 5, 0); /* node 5 twice */
	expect_bad(&m, RVX_RVF_MF_DUPLICATE);
	manifest(&m);
	graph_rec(4, RVX_RVF_GRAPH_SEED_EDGE, 5, 6); /* edge 5->6 twice */
	expect_bad(&m, RVX_RVF_MF_DUPLICATE);
	manifest(&m);
	graph_rec(5, RVX_RVF_GRAPH_SEED_EDGE, 7, 7); /* a self loop */
	expect_bad(&m, RVX_RVF_MF_VALUE);
	m.graphs[0].flags = RVX_RVF_GRAPH_SELF_LOOPS; /* allowed there */
	cr_assert_eq(rvx_rvf_verify(pkg, build_edit(&m, NULL), &fx_trusted,
				    &(struct rvx_rvf_package){0}, NULL), 0);
	manifest(&m);
	graph_rec(4, 2 /* REMOVE_NODE */, 5, 0);
	expect_bad(&m, RVX_RVF_MF_VALUE);
	manifest(&m);
	gseed[RVX_RVF_SEED_HEADER_SIZE] = 2; /* a version byte */
	expect_bad(&m, RVX_RVF_MF_VALUE);
}

Test(rvf_stores, wrong_segments_wires_and_policies_are_refused)
{
	struct rvx_rvf_manifest m;

	manifest(&m);
	m.vectors[0].seed_segment = T_GSEED;
	expect_bad(&m, RVX_RVF_MF_INDEX);
	manifest(&m);
	m.graphs[0].seed_segment = T_CODE;
	expect_bad(&m, RVX_RVF_MF_INDEX);
	manifest(&m);
	m.graphs[0].seed_segment = T_COUNT;
	expect_bad(&m, RVX_RVF_MF_INDEX);
	manifest(&m);
	m.wires[0].object = 1;
	expect_bad(&m, RVX_RVF_MF_INDEX);
	manifest(&m);
	m.wires[1].rights = RVX_RIGHT_EXECUTE;
	expect_bad(&m, RVX_RVF_MF_RIGHTS);
	manifest(&m);
	m.wires[1].kind = RVX_RVF_WIRE_VECTOR; /* the same store twice to one task */
	expect_bad(&m, RVX_RVF_MF_DUPLICATE);
	manifest(&m);
	m.policies[1].object = 1;
	expect_bad(&m, RVX_RVF_MF_INDEX);
	manifest(&m);
	m.policies[1].kind = RVX_RVF_WIRE_VECTOR; /* two policies for one store */
	m.policies[1].tier = 2;
	expect_bad(&m, RVX_RVF_MF_DUPLICATE);
	manifest(&m);
	m.vector_count = 2;
	m.vectors[1] = m.vectors[0]; /* same name */
	expect_bad(&m, RVX_RVF_MF_NAME);
}
