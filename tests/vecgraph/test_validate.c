/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rvx_vec_store_validate() and rvx_graph_validate(): state built by the
 * stores' own calls passes (at any alignment, through random operation
 * sequences), and each kind of damage to a copy is reported. The byte
 * offsets below are the stores' documented private layouts (vec_store.c,
 * graph_store.c).
 */
#include <math.h>

#include "vg_test.h"

/* ---- vector store ------------------------------------------------------------ */

#define VDIM 4
#define VCAP 64

/* Header fields (struct vec_hdr). */
#define VH_COUNT 76
#define VH_HWM 80
#define VH_FREE 84
#define VH_ENTRY 88
#define VH_MAXLVL 92
#define VH_UPFREE 104
#define VH_RESERVED 120
/* Node head (struct vec_node) and the layer-0 list. */
#define VN_INV 8
#define VN_UPPER 12
#define VN_LIVE 16
#define VN_LEVEL 17
#define VN_LINKS 24

static struct rvx_vec_config vcfg;
static struct rvx_vec_store vs;
static uint8_t *vmem;
static size_t vmem_size, vstate;
static uint8_t *work;
static size_t work_size;
static uint8_t *img; /* a copy of the state, one byte off alignment */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void vec_of_key(uint64_t key, float *v)
{
	uint64_t s = key * 977u + 1u;
	for (unsigned i = 0; i < VDIM; i++)
		v[i] = vg_uniform(&s) + 0.01f;
}

static void vsetup_metric(uint32_t metric)
{
	float v[VDIM];

	rvx_vec_config_default(&vcfg, VDIM, VCAP, metric);
	vcfg.m = 3;
	vcfg.m0 = 6;
	vcfg.ef_construction = 16;
	vcfg.seed = 7;
	cr_assert_eq(rvx_vec_store_size(&vcfg, &vmem_size), 0);
	vmem = vg_alloc(vmem_size);
	cr_assert_eq(rvx_vec_store_init(&vs, &vcfg, vmem, vmem_size), 0);
	for (uint64_t k = 1; k <= 48; k++) {
		vec_of_key(k, v);
		cr_assert_eq(rvx_vec_store_insert(&vs, k * 0x9e37u, v, VDIM), 0);
	}
	/* Deletes leave free slots and free upper blocks. */
	for (uint64_t k = 3; k <= 48; k += 5)
		cr_assert_eq(rvx_vec_store_delete(&vs, k * 0x9e37u), 0);
	cr_assert_eq(rvx_vec_store_verify(&vs), 0);
	vstate = rvx_vec_store_state_size(&vs);
	work_size = rvx_vec_store_validate_work_size(&vcfg);
	cr_assert(work_size > 0 && work_size <= vmem_size - vstate);
	work = malloc(work_size);
	img = malloc(vstate + 1);
	cr_assert(work != NULL && img != NULL);
	memcpy(img + 1, vmem, vstate);
}

static void vsetup(void)
{
	vsetup_metric(RVX_VEC_METRIC_L2);
}

static void vsetup_cos(void)
{
	vsetup_metric(RVX_VEC_METRIC_COSINE);
}

static void vteardown(void)
{
	free(vmem);
	free(work);
	free(img);
}

static int vcheck(void)
{
	return rvx_vec_store_validate(img + 1, vstate, work, work_size, NULL);
}

static uint8_t *vhdr(void)
{
	return img + 1;
}

static uint8_t *vrec(uint32_t slot)
{
	return img + 1 + vs.off_nodes + (size_t)slot * vs.stride;
}

static uint8_t *vblock(uint32_t b)
{
	return img + 1 + vs.off_upper + (size_t)b * vs.upper_stride;
}

/* The first live slot on at least @p level, after @p after. */
static uint32_t live_at(uint32_t level, uint32_t after)
{
	for (uint32_t i = after; i < get32(vhdr() + VH_HWM); i++)
		if (vrec(i)[VN_LIVE] && vrec(i)[VN_LEVEL] >= level)
			return i;
	cr_assert_fail("no live node on layer %u", level);
	return 0;
}

/* Damage one copy, expect it reported, then restore the copy. */
#define VBAD(stmt)                                                                          \
	do {                                                                                \
		memcpy(img + 1, vmem, vstate);                                              \
		stmt;                                                                       \
		cr_assert_eq(vcheck(), -RVX_EINVAL, "not reported: %s", #stmt);             \
		for (size_t z_ = 0; z_ < work_size; z_++)                                   \
			cr_assert_eq(work[z_], 0, "work left dirty");                       \
	} while (0)

Test(vec_validate, store_state_passes_at_any_alignment, .init = vsetup, .fini = vteardown)
{
	struct rvx_vec_config got;

	memset(work, 0xee, work_size);
	cr_assert_eq(rvx_vec_store_validate(img + 1, vstate, work, work_size, &got), 0);
	cr_assert(memcmp(&got, &vcfg, sizeof(got)) == 0);
	for (size_t i = 0; i < work_size; i++)
		cr_assert_eq(work[i], 0);
	/* The store's own work area is enough. */
	cr_assert_eq(rvx_vec_store_validate(vmem, vstate, vmem + vstate, vmem_size - vstate, NULL), 0);
	cr_assert_eq(rvx_vec_store_verify(&vs), 0);
}

Test(vec_validate, empty_and_cosine_states_pass, .init = vsetup_cos, .fini = vteardown)
{
	struct rvx_vec_store e;
	uint8_t *m = vg_alloc(vmem_size);

	cr_assert_eq(vcheck(), 0);
	cr_assert_eq(rvx_vec_store_init(&e, &vcfg, m, vmem_size), 0);
	cr_assert_eq(rvx_vec_store_validate(m, vstate, work, work_size, NULL), 0);
	free(m);
	/* A cosine node's inverse norm must match its vector. */
	uint32_t a = live_at(0, 0);
	VBAD({ float f; memcpy(&f, vrec(a) + VN_INV, 4); f *= 2.0f; memcpy(vrec(a) + VN_INV, &f, 4); });
	VBAD({ float f = INFINITY; memcpy(vrec(a) + VN_INV, &f, 4); });
	VBAD(memset(vrec(a) + vs.vec_offset, 0, 4 * VDIM));
}

Test(vec_validate, arguments, .init = vsetup, .fini = vteardown)
{
	cr_assert_eq(rvx_vec_store_validate(NULL, vstate, work, work_size, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_validate(img + 1, vstate, NULL, work_size, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_validate(img + 1, 100, work, work_size, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_validate(img + 1, vstate - 64, work, work_size, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_validate(img + 1, vstate, work, work_size - 1, NULL), -RVX_ENOMEM);
	struct rvx_vec_config bad = vcfg;
	bad.m = 1;
	cr_assert_eq(rvx_vec_store_validate_work_size(&bad), 0);
}

Test(vec_validate, header_damage, .init = vsetup, .fini = vteardown)
{
	uint32_t hwm = get32(vhdr() + VH_HWM);

	VBAD(vhdr()[0] ^= 1);                                   /* magic */
	VBAD(vhdr()[8] ^= 1);                                   /* dim: layout differs */
	VBAD(put32(vhdr() + VH_COUNT, get32(vhdr() + VH_COUNT) + 1));
	VBAD(put32(vhdr() + VH_COUNT, get32(vhdr() + VH_COUNT) - 1));
	VBAD(put32(vhdr() + VH_HWM, VCAP + 1));
	VBAD(put32(vhdr() + VH_ENTRY, hwm));
	VBAD(put32(vhdr() + VH_ENTRY, get32(vhdr() + VH_FREE)));   /* a free slot */
	VBAD(put32(vhdr() + VH_MAXLVL, get32(vhdr() + VH_MAXLVL) + 1));
	VBAD(put32(vhdr() + VH_MAXLVL, 16));
	VBAD(put32(vhdr() + VH_FREE, 0xfffffffeu));
	VBAD(vhdr()[VH_RESERVED + 5] = 1);
}

Test(vec_validate, node_damage, .init = vsetup, .fini = vteardown)
{
	uint32_t a = live_at(0, 0), b = live_at(0, a + 1), u = live_at(1, 0);
	uint32_t f = get32(vhdr() + VH_FREE), hwm = get32(vhdr() + VH_HWM);
	uint32_t cnt0 = get32(vrec(a) + VN_LINKS);

	cr_assert(cnt0 >= 2);
	VBAD(vrec(a)[VN_LIVE] = 2);
	VBAD(vrec(a)[VN_LEVEL] = 16);
	VBAD(vrec(u)[VN_LEVEL] = 0);                              /* chain longer than its layer */
	VBAD(vrec(a)[VN_LEVEL] = (uint8_t)(vrec(a)[VN_LEVEL] + 1)); /* chain too short */
	VBAD(put32(vrec(a) + VN_LINKS, vcfg.m0 + 1));
	VBAD(put32(vrec(a) + VN_LINKS + 4, hwm));                  /* out of range */
	VBAD(put32(vrec(a) + VN_LINKS + 4, a));                    /* self link */
	VBAD(put32(vrec(a) + VN_LINKS + 8, get32(vrec(a) + VN_LINKS + 4))); /* repeated */
	VBAD({ float x = NAN; memcpy(vrec(b) + vs.vec_offset, &x, 4); });
	VBAD({ float x = INFINITY; memcpy(vrec(b) + vs.vec_offset + 4, &x, 4); });
	VBAD({ float x = 2.0f * RVX_VEC_COMPONENT_MAX; memcpy(vrec(b) + vs.vec_offset, &x, 4); });
	VBAD({ float x = 0.5f; memcpy(vrec(b) + VN_INV, &x, 4); }); /* L2 keeps 1 */
	VBAD(vrec(f)[VN_LEVEL] = 1);                               /* free slot not zero */
	VBAD(vrec(f)[VN_LIVE] = 1);                                /* a free slot revived */
	VBAD(vrec(hwm)[0] = 1);                                    /* unused slot not zero */
	VBAD(img[1 + vs.off_meta + (size_t)f * 64] = 1);           /* free slot's metadata */
	VBAD(put32(vrec(f) + VN_UPPER, f));                        /* free list loops */
	VBAD(put32(vrec(f) + VN_UPPER, a));                        /* free list reaches a live slot */
}

Test(vec_validate, upper_block_damage, .init = vsetup, .fini = vteardown)
{
	uint32_t u = live_at(1, 0), w = live_at(1, u + 1);
	uint32_t ub = get32(vrec(u) + VN_UPPER), bf = get32(vhdr() + VH_UPFREE);

	cr_assert_neq(bf, 0xffffffffu, "the deletes freed an upper block");
	VBAD(put32(vblock(ub) + 4, vcfg.m + 1));                   /* layer-1 count above m */
	VBAD(put32(vblock(ub) + 8, u));                            /* layer-1 self link */
	VBAD({ if (vrec(w)[VN_LEVEL] == vrec(u)[VN_LEVEL]) put32(vrec(w) + VN_UPPER, ub);
	       else { put32(vhdr() + VH_UPFREE, ub); } });          /* a block owned twice */
	VBAD(put32(vhdr() + VH_UPFREE, ub));                       /* owned block on the free list */
	VBAD(put32(vblock(bf), ub));                               /* free list runs into a chain */
	VBAD(put32(vblock(bf) + 4, 1));                            /* free block not zero */
	VBAD(put32(vrec(u) + VN_UPPER, get32(vhdr() + 100)));      /* block above the mark */
}

Test(vec_validate, key_table_damage, .init = vsetup, .fini = vteardown)
{
	uint8_t *t = img + 1 + vs.off_hash;
	uint32_t hc = vs.hash_count, full = hc, empty = hc;

	for (uint32_t i = 0; i < hc; i++) {
		uint32_t s1 = get32(t + 16 * i + 8);
		if (s1 != 0 && full == hc)
			full = i;
		if (s1 == 0 && empty == hc && full != hc)
			empty = i;
	}
	cr_assert(full < hc && empty < hc);
	VBAD(t[16 * full] ^= 1);                                   /* key no longer the node's */
	VBAD(put32(t + 16 * full + 8, get32(vhdr() + VH_FREE) + 1)); /* names a free slot */
	VBAD(put32(t + 16 * full + 12, 1));                        /* reserved */
	VBAD(memcpy(t + 16 * empty, t + 16 * full, 16));           /* the key twice */
	VBAD(memset(t + 16 * full, 0, 16));                        /* a node not in the table */
	VBAD(t[16 * empty] = 1);                                   /* empty entry not zero */
	/* An entry moved away from its home across an empty entry is lost. */
	VBAD({ memcpy(t + 16 * empty, t + 16 * full, 16); memset(t + 16 * full, 0, 16); });
}

Test(vec_validate, random_histories_pass)
{
	struct rvx_vec_config c;
	struct rvx_vec_store s;
	uint64_t seed = 42;
	size_t size;

	rvx_vec_config_default(&c, 3, 40, RVX_VEC_METRIC_COSINE);
	c.m = 2;
	c.m0 = 4;
	c.ef_construction = 8;
	cr_assert_eq(rvx_vec_store_size(&c, &size), 0);
	uint8_t *m = vg_alloc(size);
	cr_assert_eq(rvx_vec_store_init(&s, &c, m, size), 0);
	size_t st = rvx_vec_store_state_size(&s);
	for (int step = 0; step < 600; step++) {
		uint64_t key = vg_rng(&seed) % 60;
		float v[3] = {vg_uniform(&seed), vg_uniform(&seed), 0.5f};
		if (vg_rng(&seed) % 3 == 0)
			(void)rvx_vec_store_delete(&s, key);
		else
			(void)rvx_vec_store_put(&s, key, v, 3);
		cr_assert_eq(rvx_vec_store_validate(m, st, m + st, size - st, NULL), 0,
			     "step %d", step);
	}
	free(m);
}

/* ---- graph store ------------------------------------------------------------- */

#define GN 16
#define GE 32
#define GH_NCOUNT 40
#define GH_ECOUNT 44
#define GH_NHWM 48
#define GH_EHWM 52
#define GH_NFREE 56
#define GH_EFREE 60

static struct rvx_graph_config gcfg;
static struct rvx_graph gs;
static uint8_t *gmem;
static size_t gsize;
static uint8_t *gimg;

static void gsetup_flags(uint32_t flags)
{
	memset(&gcfg, 0, sizeof(gcfg));
	gcfg.node_capacity = GN;
	gcfg.edge_capacity = GE;
	gcfg.flags = flags;
	gcfg.seed = 99;
	cr_assert_eq(rvx_graph_size(&gcfg, &gsize), 0);
	gmem = vg_alloc(gsize);
	cr_assert_eq(rvx_graph_init(&gs, &gcfg, gmem, gsize), 0);
	for (uint64_t n = 1; n <= 10; n++)
		cr_assert_eq(rvx_graph_node_add(&gs, n * 11, NULL), 0);
	for (uint64_t a = 1; a <= 10; a++)
		for (uint64_t b = 1; b <= 10; b++)
			if ((a * 3 + b) % 4 == 0 && a != b)
				(void)rvx_graph_edge_add(&gs, a * 11, b * 11, (int32_t)(a * b));
	cr_assert_eq(rvx_graph_node_remove(&gs, 4 * 11), 0);   /* frees a node and edges */
	cr_assert_eq(rvx_graph_edge_remove(&gs, 1 * 11, 5 * 11), 0);
	cr_assert_eq(rvx_graph_verify(&gs), 0);
	gsize = rvx_graph_state_size(&gs);
	gimg = malloc(gsize + 3);
	cr_assert_not_null(gimg);
	memcpy(gimg + 3, gmem, gsize);
}

static void gsetup(void)
{
	gsetup_flags(0);
}

static void gteardown(void)
{
	free(gmem);
	free(gimg);
}

static uint8_t *gh(void)
{
	return gimg + 3;
}

static uint8_t *gnode_at(uint32_t i)
{
	return gimg + 3 + gs.off_nodes + 64u * i;
}

static uint8_t *gedge_at(uint32_t i)
{
	return gimg + 3 + gs.off_edges + 32u * i;
}

static uint32_t live_edge(uint32_t after)
{
	for (uint32_t i = after; i < get32(gh() + GH_EHWM); i++)
		if (get32(gedge_at(i) + 12))
			return i;
	cr_assert_fail("no live edge");
	return 0;
}

#define GBAD(stmt)                                                                          \
	do {                                                                                \
		memcpy(gimg + 3, gmem, gsize);                                              \
		stmt;                                                                       \
		cr_assert_eq(rvx_graph_validate(gimg + 3, gsize, NULL), -RVX_EINVAL,        \
			     "not reported: %s", #stmt);                                    \
	} while (0)

Test(graph_validate, store_state_passes_at_any_alignment, .init = gsetup, .fini = gteardown)
{
	struct rvx_graph_config got;

	cr_assert_eq(rvx_graph_validate(gimg + 3, gsize, &got), 0);
	cr_assert(memcmp(&got, &gcfg, sizeof(got)) == 0);
	cr_assert_eq(rvx_graph_validate(NULL, gsize, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_validate(gimg + 3, gsize - 64, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_graph_validate(gimg + 3, 64, NULL), -RVX_EINVAL);
}

Test(graph_validate, header_and_node_damage, .init = gsetup, .fini = gteardown)
{
	uint32_t nf = get32(gh() + GH_NFREE), nh = get32(gh() + GH_NHWM);

	cr_assert_neq(nf, 0xffffffffu);
	GBAD(gh()[0] ^= 1);
	GBAD(put32(gh() + GH_NCOUNT, get32(gh() + GH_NCOUNT) + 1));
	GBAD(put32(gh() + GH_ECOUNT, get32(gh() + GH_ECOUNT) - 1));
	GBAD(put32(gh() + GH_NHWM, GN + 1));
	GBAD(put32(gh() + GH_EFREE, get32(gh() + GH_EHWM)));
	GBAD(gh()[100] = 1);                                     /* reserved */
	GBAD(put32(gnode_at(0) + 16, get32(gnode_at(0) + 16) + 1)); /* out-degree */
	GBAD(put32(gnode_at(0) + 20, get32(gnode_at(0) + 20) + 1)); /* in-degree */
	GBAD(put32(gnode_at(0) + 24, 2));                        /* live flag */
	GBAD(put32(gnode_at(0) + 28, 5));                        /* live node with a free link */
	GBAD(put32(gnode_at(nf) + 24, 1));                       /* free node revived */
	GBAD(gnode_at(nf)[40] = 1);                              /* free node not zero */
	GBAD(gnode_at(nh)[0] = 1);                               /* unused node not zero */
	GBAD(put32(gnode_at(nf) + 28, nf));                      /* free list loops */
	GBAD(put32(gnode_at(0) + 8, get32(gh() + GH_EHWM)));     /* out head out of range */
}

Test(graph_validate, edge_damage, .init = gsetup, .fini = gteardown)
{
	uint32_t e = live_edge(0), e2 = live_edge(e + 1), ef = get32(gh() + GH_EFREE);
	uint32_t nf = get32(gh() + GH_NFREE);

	cr_assert_neq(ef, 0xffffffffu);
	GBAD(put32(gedge_at(e) + 0, get32(gh() + GH_NHWM)));      /* source out of range */
	GBAD(put32(gedge_at(e) + 4, nf));                         /* target a free node */
	GBAD(put32(gedge_at(e) + 4, get32(gedge_at(e) + 0)));     /* self loop not allowed */
	GBAD(put32(gedge_at(e) + 20, e2));                        /* back link disagrees */
	GBAD(put32(gedge_at(e) + 16, e));                         /* out-list loops */
	GBAD(put32(gedge_at(e) + 24, e));                         /* in-list loops */
	GBAD(put32(gedge_at(e) + 12, 0));                         /* a listed edge is dead */
	GBAD(put32(gedge_at(ef) + 12, 1));                        /* free edge revived */
	GBAD(gedge_at(ef)[8] = 1);                                /* free edge not zero */
	GBAD(put32(gedge_at(ef) + 16, ef));                       /* edge free list loops */
	/* A second edge with the same endpoints. */
	GBAD({ memcpy(gedge_at(e2), gedge_at(e), 8); });
}

Test(graph_validate, table_damage, .init = gsetup, .fini = gteardown)
{
	uint8_t *nt = gimg + 3 + gs.off_node_hash, *et = gimg + 3 + gs.off_edge_hash;
	uint32_t nfull = 0, nempty = 0, efull = 0, eempty = 0;

	while (get32(nt + 16 * nfull + 8) == 0)
		nfull++;
	while (get32(nt + 16 * nempty + 8) != 0)
		nempty++;
	while (get32(et + 4 * efull) == 0)
		efull++;
	while (get32(et + 4 * eempty) != 0)
		eempty++;
	GBAD(nt[16 * nfull] ^= 1);                                /* id mismatch */
	GBAD(memcpy(nt + 16 * nempty, nt + 16 * nfull, 16));      /* id twice */
	GBAD(memset(nt + 16 * nfull, 0, 16));                     /* node lost */
	GBAD(put32(nt + 16 * nfull + 12, 1));
	GBAD(put32(nt + 16 * nfull + 8, get32(gh() + GH_NFREE) + 1));
	GBAD(nt[16 * nempty + 2] = 1);
	GBAD(put32(et + 4 * eempty, get32(et + 4 * efull)));      /* edge twice */
	GBAD(put32(et + 4 * efull, 0));                           /* edge lost */
	GBAD(put32(et + 4 * efull, get32(gh() + GH_EFREE) + 1));  /* a free edge */
	GBAD(put32(et + 4 * efull, get32(gh() + GH_EHWM) + 1));
}

Test(graph_validate, self_loops_when_allowed)
{
	gsetup_flags(RVX_GRAPH_FLAG_SELF_LOOPS);
	cr_assert_eq(rvx_graph_edge_add(&gs, 11, 11, 5), 0);
	cr_assert_eq(rvx_graph_validate(gmem, gsize, NULL), 0);
	gteardown();
}

Test(graph_validate, random_histories_pass)
{
	struct rvx_graph_config c = {.node_capacity = 12, .edge_capacity = 20,
				     .flags = RVX_GRAPH_FLAG_SELF_LOOPS, .seed = 5};
	struct rvx_graph g;
	uint64_t seed = 3;
	size_t size;

	cr_assert_eq(rvx_graph_size(&c, &size), 0);
	uint8_t *m = vg_alloc(size);
	cr_assert_eq(rvx_graph_init(&g, &c, m, size), 0);
	for (int step = 0; step < 2000; step++) {
		uint64_t a = vg_rng(&seed) % 16, b = vg_rng(&seed) % 16;
		switch (vg_rng(&seed) % 5) {
		case 0: (void)rvx_graph_node_add(&g, a, NULL); break;
		case 1: (void)rvx_graph_node_remove(&g, a); break;
		case 2: (void)rvx_graph_edge_remove(&g, a, b); break;
		default: (void)rvx_graph_edge_add(&g, a, b, 1); break;
		}
		cr_assert_eq(rvx_graph_validate(m, size, NULL), 0, "step %d", step);
		cr_assert_eq(rvx_graph_verify(&g), 0);
	}
	free(m);
}
