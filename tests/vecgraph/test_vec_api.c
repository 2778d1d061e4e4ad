/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every public function of the vector store (ruvix/vecgraph_vec.h): the
 * success case, each documented error, and for each failure a check that
 * the object and its memory are byte-for-byte unchanged.
 */
#include <math.h>

#include "vg_test.h"

#define DIM 4
#define CAP 8

static struct rvx_vec_config cfg;
static struct rvx_vec_store s;
static void *mem;
static size_t mem_size;
static struct rvx_vec_scratch sc;
static void *scratch;
static size_t scratch_size;

static void setup_metric(uint32_t metric)
{
	rvx_vec_config_default(&cfg, DIM, CAP, metric);
	cr_assert_eq(rvx_vec_store_size(&cfg, &mem_size), 0);
	mem = vg_alloc(mem_size);
	cr_assert_eq(rvx_vec_store_init(&s, &cfg, mem, mem_size), 0);
	cr_assert_eq(rvx_vec_scratch_size(CAP, 64, &scratch_size), 0);
	scratch = vg_alloc(scratch_size);
	cr_assert_eq(rvx_vec_scratch_init(&sc, scratch, scratch_size, CAP, 64), 0);
}

static void setup(void)
{
	setup_metric(RVX_VEC_METRIC_L2);
}

static void setup_cosine(void)
{
	setup_metric(RVX_VEC_METRIC_COSINE);
}

static void teardown(void)
{
	free(mem);
	free(scratch);
}

/* Vector i of a small fixed set: distinct points on a line and around it. */
static void vec_i(uint32_t i, float *v)
{
	v[0] = (float)i;
	v[1] = (float)(i % 3);
	v[2] = 1.0f;
	v[3] = -(float)i * 0.5f;
}

static void fill(uint32_t n)
{
	float v[DIM];
	for (uint32_t i = 0; i < n; i++) {
		vec_i(i, v);
		cr_assert_eq(rvx_vec_store_insert(&s, 100 + i, v, DIM), 0);
	}
}

static struct vg_snap snap(void)
{
	return vg_snap_take(&s, sizeof(s), mem, mem_size);
}

static void same(struct vg_snap *sn)
{
	vg_snap_same(sn, &s, mem);
}

/* ---- configuration and sizing ------------------------------------------------- */

Test(vec_config, defaults)
{
	struct rvx_vec_config c;
	rvx_vec_config_default(&c, 128, 1000, RVX_VEC_METRIC_DOT);
	cr_assert_eq(c.dim, 128);
	cr_assert_eq(c.capacity, 1000);
	cr_assert_eq(c.m, 16);
	cr_assert_eq(c.m0, 32);
	cr_assert_eq(c.ef_construction, 200);
	cr_assert_eq(c.ef_search, 64);
	cr_assert_eq(c.metric, RVX_VEC_METRIC_DOT);
	cr_assert_eq(c.seed, 0);
	cr_assert_eq(c.reserved, 0);
}

Test(vec_config, size_success_and_growth)
{
	struct rvx_vec_config c;
	size_t a, b;
	rvx_vec_config_default(&c, 16, 100, RVX_VEC_METRIC_L2);
	cr_assert_eq(rvx_vec_store_size(&c, &a), 0);
	c.capacity = 200;
	cr_assert_eq(rvx_vec_store_size(&c, &b), 0);
	cr_assert_gt(b, a);
	/* per slot at least a record, a metadata record and two hash entries */
	cr_assert_geq(b - a, 100 * (rvx_vec_store_record_size(&c) + 64 + 32));
	cr_assert_eq(rvx_vec_store_record_size(&c) % 16, 0);
	cr_assert_geq(rvx_vec_store_record_size(&c), 24 + 4 + 4 * 32 + 4 * 16);
}

Test(vec_config, size_rejects_each_bad_field)
{
	struct rvx_vec_config good, c;
	size_t sz = 12345;
	rvx_vec_config_default(&good, 16, 100, RVX_VEC_METRIC_L2);
#define BAD(field, value)                                                              \
	do {                                                                           \
		c = good;                                                              \
		c.field = value;                                                       \
		cr_assert_eq(rvx_vec_store_size(&c, &sz), -RVX_EINVAL, #field);        \
		cr_assert_eq(rvx_vec_store_record_size(&c), 0);                        \
	} while (0)
	BAD(dim, 0);
	BAD(dim, RVX_VEC_DIM_MAX + 1);
	BAD(capacity, 0);
	BAD(capacity, RVX_VEC_CAPACITY_MAX + 1);
	BAD(m, 1);
	BAD(m, RVX_VEC_M_MAX + 1);
	BAD(m0, 15);
	BAD(m0, RVX_VEC_M0_MAX + 1);
	BAD(ef_construction, 15);
	BAD(ef_construction, RVX_VEC_EF_MAX + 1);
	BAD(ef_search, 0);
	BAD(ef_search, RVX_VEC_EF_MAX + 1);
	BAD(metric, RVX_VEC_METRIC_COUNT);
	BAD(reserved, 1);
#undef BAD
	cr_assert_eq(sz, 12345, "size written on failure");
	cr_assert_eq(rvx_vec_store_size(NULL, &sz), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_size(&good, NULL), -RVX_EINVAL);
}

/* ---- init and bind ---------------------------------------------------------------- */

Test(vec_init, success_empty_store, .init = setup, .fini = teardown)
{
	struct rvx_vec_config c;
	rvx_vec_store_config(&s, &c);
	cr_assert(memcmp(&c, &cfg, sizeof(c)) == 0);
	cr_assert_eq(rvx_vec_store_count(&s), 0);
	cr_assert_eq(rvx_vec_store_epoch(&s), 0);
	cr_assert_lt(rvx_vec_store_state_size(&s), mem_size);
	cr_assert_eq(rvx_vec_store_verify(&s), 0);
}

Test(vec_init, errors_change_nothing, .init = setup, .fini = teardown)
{
	struct rvx_vec_store t;
	struct rvx_vec_config bad = cfg;
	uint8_t *m2 = vg_alloc(mem_size + 64);

	memset(&t, 0x5a, sizeof(t));
	struct vg_snap sn = vg_snap_take(&t, sizeof(t), m2, mem_size + 64);
	cr_assert_eq(rvx_vec_store_init(&t, &cfg, NULL, mem_size), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_init(&t, &cfg, m2 + 8, mem_size), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_init(NULL, &cfg, m2, mem_size), -RVX_EINVAL);
	bad.m = 0;
	cr_assert_eq(rvx_vec_store_init(&t, &bad, m2, mem_size), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_init(&t, NULL, m2, mem_size), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_init(&t, &cfg, m2, mem_size - 1), -RVX_ENOMEM);
	vg_snap_same(&sn, &t, m2);
	vg_snap_free(&sn);
	free(m2);
}

Test(vec_bind, success_same_answers, .init = setup, .fini = teardown)
{
	struct rvx_vec_store t;
	float v[DIM], w[DIM];
	fill(5);
	cr_assert_eq(rvx_vec_store_bind(&t, mem, mem_size), 0);
	cr_assert_eq(rvx_vec_store_count(&t), 5);
	vec_i(3, v);
	cr_assert_eq(rvx_vec_store_get(&t, 103, w, DIM, RVX_VEC_NOW_NONE), 0);
	cr_assert(memcmp(v, w, sizeof(v)) == 0);
}

Test(vec_bind, errors_change_nothing, .init = setup, .fini = teardown)
{
	struct rvx_vec_store t;
	fill(3);
	memset(&t, 0x5a, sizeof(t));
	struct vg_snap sn = vg_snap_take(&t, sizeof(t), mem, mem_size);
	cr_assert_eq(rvx_vec_store_bind(&t, NULL, mem_size), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_bind(NULL, mem, mem_size), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_bind(&t, mem, mem_size - 1), -RVX_ENOMEM);
	cr_assert_eq(rvx_vec_store_bind(&t, mem, 16), -RVX_ENOMEM);
	vg_snap_same(&sn, &t, mem);
	vg_snap_free(&sn);

	/* A damaged header is refused: magic, version, layout, counters. */
	uint32_t *w = mem;
	for (int word = 0; word < 28; word++) {
		if (word == 8 || word == 9) /* the seed: any value is valid */
			continue;
		uint32_t old = w[word];
		w[word] ^= 0x40000000u;
		int rc = rvx_vec_store_bind(&t, mem, mem_size);
		cr_assert(rc == -RVX_EINVAL || rc == -RVX_ENOMEM, "word %d accepted (%d)", word, rc);
		w[word] = old;
	}
	cr_assert_eq(rvx_vec_store_bind(&t, mem, mem_size), 0);
}

/* ---- kernels ------------------------------------------------------------------------ */

Test(vec_kernel, availability_and_selection, .init = setup, .fini = teardown)
{
	cr_assert(rvx_vec_kernel_available(RVX_VEC_KERNEL_PORTABLE));
	cr_assert(!rvx_vec_kernel_available(RVX_VEC_KERNEL_COUNT));
	cr_assert_eq(rvx_vec_store_set_kernel(&s, RVX_VEC_KERNEL_PORTABLE), 0);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_set_kernel(&s, RVX_VEC_KERNEL_COUNT), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_set_kernel(&s, 77), -RVX_EINVAL);
	same(&sn);
	vg_snap_free(&sn);
	/* The explicit kernel is accepted exactly when it was compiled in. */
	int want = rvx_vec_kernel_available(RVX_VEC_KERNEL_AVX2) ? 0 : -RVX_ENOTSUP;
	cr_assert_eq(rvx_vec_store_set_kernel(&s, RVX_VEC_KERNEL_AVX2), want);
	cr_assert_eq(rvx_vec_store_set_kernel(&s, RVX_VEC_KERNEL_PORTABLE), 0);
}

/* ---- insert ------------------------------------------------------------------------- */

Test(vec_insert, success_then_get, .init = setup, .fini = teardown)
{
	float v[DIM], w[DIM];
	struct rvx_vec_meta m;

	/* before: empty */
	cr_assert_eq(rvx_vec_store_get(&s, 100, NULL, 0, RVX_VEC_NOW_NONE), -RVX_ENOENT);
	fill(CAP);
	/* after: every vector readable, counts and epochs advanced */
	cr_assert_eq(rvx_vec_store_count(&s), CAP);
	cr_assert_eq(rvx_vec_store_epoch(&s), CAP);
	for (uint32_t i = 0; i < CAP; i++) {
		vec_i(i, v);
		cr_assert_eq(rvx_vec_store_get(&s, 100 + i, w, DIM, RVX_VEC_NOW_NONE), 0);
		cr_assert(memcmp(v, w, sizeof(v)) == 0);
		cr_assert_eq(rvx_vec_store_meta(&s, 100 + i, &m), 0);
		cr_assert_eq(m.epoch, i + 1);
	}
	cr_assert_eq(rvx_vec_store_verify(&s), 0);
}

Test(vec_insert, errors_change_nothing, .init = setup, .fini = teardown)
{
	float v[DIM] = {1, 2, 3, 4};
	fill(3);
	struct vg_snap sn = snap();

	cr_assert_eq(rvx_vec_store_insert(&s, 1, v, DIM - 1), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_insert(&s, 1, v, DIM + 1), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_insert(&s, 1, NULL, DIM), -RVX_EINVAL);
	v[2] = NAN;
	cr_assert_eq(rvx_vec_store_insert(&s, 1, v, DIM), -RVX_EINVAL);
	v[2] = INFINITY;
	cr_assert_eq(rvx_vec_store_insert(&s, 1, v, DIM), -RVX_EINVAL);
	v[2] = -INFINITY;
	cr_assert_eq(rvx_vec_store_insert(&s, 1, v, DIM), -RVX_EINVAL);
	v[2] = 1e30f; /* finite, but its distances could overflow */
	cr_assert_eq(rvx_vec_store_insert(&s, 1, v, DIM), -RVX_EINVAL);
	v[2] = 3;
	cr_assert_eq(rvx_vec_store_insert(&s, 101, v, DIM), -RVX_EEXIST);
	same(&sn);
	vg_snap_free(&sn);

	for (uint32_t i = 3; i < CAP; i++)
		cr_assert_eq(rvx_vec_store_insert(&s, 500 + i, v, DIM), 0);
	sn = snap();
	cr_assert_eq(rvx_vec_store_insert(&s, 999, v, DIM), -RVX_ELIMIT);
	same(&sn);
	vg_snap_free(&sn);
}

Test(vec_insert, cosine_refuses_zero_vector, .init = setup_cosine, .fini = teardown)
{
	float z[DIM] = {0, 0, 0, 0}, v[DIM] = {0, 0, 2, 0};
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_insert(&s, 1, z, DIM), -RVX_EINVAL);
	same(&sn);
	vg_snap_free(&sn);
	cr_assert_eq(rvx_vec_store_insert(&s, 1, v, DIM), 0);
	sn = snap();
	cr_assert_eq(rvx_vec_store_update(&s, 1, z, DIM), -RVX_EINVAL);
	same(&sn);
	vg_snap_free(&sn);
}

/* ---- update and put ----------------------------------------------------------------- */

Test(vec_update, success_keeps_metadata, .init = setup, .fini = teardown)
{
	float v[DIM] = {9, 9, 9, 9}, w[DIM];
	uint8_t att[RVX_VEC_HASH_BYTES];
	struct rvx_vec_meta m;

	fill(6);
	memset(att, 0xcd, sizeof(att));
	cr_assert_eq(rvx_vec_store_set_coherence(&s, 102, RVX_VEC_COHERENCE_ONE / 2), 0);
	cr_assert_eq(rvx_vec_store_set_attestation(&s, 102, att), 0);
	/* before: the old vector, epoch 3 */
	cr_assert_eq(rvx_vec_store_meta(&s, 102, &m), 0);
	cr_assert_eq(m.epoch, 3);
	cr_assert_eq(rvx_vec_store_update(&s, 102, v, DIM), 0);
	/* after: the new vector, a new epoch, the rest kept */
	cr_assert_eq(rvx_vec_store_get(&s, 102, w, DIM, RVX_VEC_NOW_NONE), 0);
	cr_assert(memcmp(v, w, sizeof(v)) == 0);
	cr_assert_eq(rvx_vec_store_meta(&s, 102, &m), 0);
	cr_assert_eq(m.epoch, 7);
	cr_assert_eq(m.coherence, RVX_VEC_COHERENCE_ONE / 2);
	cr_assert(memcmp(m.attestation, att, sizeof(att)) == 0);
	cr_assert_eq(rvx_vec_store_count(&s), 6);
	cr_assert_eq(rvx_vec_store_verify(&s), 0);
	/* the moved vector is found where it now is */
	struct rvx_vec_hit h[1];
	cr_assert_eq(rvx_vec_store_search(&s, v, DIM, 1, 8, &sc, h, RVX_VEC_NOW_NONE), 1);
	cr_assert_eq(h[0].key, 102);
	cr_assert_float_eq(h[0].distance, 0.0f, 0.0f);
}

Test(vec_update, single_node_store, .init = setup, .fini = teardown)
{
	float v[DIM] = {1, 1, 1, 1};
	struct rvx_vec_hit h[2];
	fill(1);
	cr_assert_eq(rvx_vec_store_update(&s, 100, v, DIM), 0);
	cr_assert_eq(rvx_vec_store_verify(&s), 0);
	cr_assert_eq(rvx_vec_store_search(&s, v, DIM, 2, 8, &sc, h, RVX_VEC_NOW_NONE), 1);
	cr_assert_eq(h[0].key, 100);
}

Test(vec_update, errors_change_nothing, .init = setup, .fini = teardown)
{
	float v[DIM] = {1, 2, 3, 4};
	fill(3);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_update(&s, 55, v, DIM), -RVX_ENOENT);
	cr_assert_eq(rvx_vec_store_update(&s, 101, v, 3), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_update(&s, 101, NULL, DIM), -RVX_EINVAL);
	v[0] = NAN;
	cr_assert_eq(rvx_vec_store_update(&s, 101, v, DIM), -RVX_EINVAL);
	same(&sn);
	vg_snap_free(&sn);
}

Test(vec_put, insert_then_update, .init = setup, .fini = teardown)
{
	float v[DIM] = {1, 2, 3, 4}, w[DIM];
	cr_assert_eq(rvx_vec_store_put(&s, 7, v, DIM), 0);
	v[0] = 5;
	cr_assert_eq(rvx_vec_store_put(&s, 7, v, DIM), 1);
	cr_assert_eq(rvx_vec_store_count(&s), 1);
	cr_assert_eq(rvx_vec_store_get(&s, 7, w, DIM, RVX_VEC_NOW_NONE), 0);
	cr_assert_float_eq(w[0], 5.0f, 0.0f);
}

Test(vec_put, errors_change_nothing, .init = setup, .fini = teardown)
{
	float v[DIM] = {1, 2, 3, 4};
	fill(CAP);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_put(&s, 999, v, DIM), -RVX_ELIMIT);
	cr_assert_eq(rvx_vec_store_put(&s, 101, v, 2), -RVX_EINVAL);
	v[1] = -INFINITY;
	cr_assert_eq(rvx_vec_store_put(&s, 101, v, DIM), -RVX_EINVAL);
	same(&sn);
	vg_snap_free(&sn);
}

Test(vec_put_check, agrees_with_put_and_writes_nothing, .init = setup, .fini = teardown)
{
	float v[DIM] = {1, 2, 3, 4};
	fill(CAP - 1);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_put_check(&s, 7, v, DIM), 0);
	cr_assert_eq(rvx_vec_store_put_check(&s, 101, v, DIM), 1);
	cr_assert_eq(rvx_vec_store_put_check(&s, 101, v, 2), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_put_check(&s, 101, NULL, DIM), -RVX_EINVAL);
	v[2] = NAN;
	cr_assert_eq(rvx_vec_store_put_check(&s, 101, v, DIM), -RVX_EINVAL);
	v[2] = 2.0f * RVX_VEC_COMPONENT_MAX;
	cr_assert_eq(rvx_vec_store_put_check(&s, 101, v, DIM), -RVX_EINVAL);
	same(&sn);
	vg_snap_free(&sn);
	v[2] = 3;
	cr_assert_eq(rvx_vec_store_put(&s, 7, v, DIM), 0);
	sn = snap();
	cr_assert_eq(rvx_vec_store_put_check(&s, 8, v, DIM), -RVX_ELIMIT);
	same(&sn);
	vg_snap_free(&sn);
}

Test(vec_put_check, cosine_underflowing_norm, .init = setup_cosine, .fini = teardown)
{
	const float tiny[DIM] = {1e-30f, 1e-30f, 1e-30f, 1e-30f};
	const float small[DIM] = {1e-20f, 0, 0, 0};
	struct vg_snap sn = snap();

	/* Not zero, but every square underflows: the norm is 0. */
	cr_assert_eq(rvx_vec_store_put_check(&s, 1, tiny, DIM), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_put(&s, 1, tiny, DIM), -RVX_EINVAL);
	same(&sn);
	vg_snap_free(&sn);
	cr_assert_eq(rvx_vec_store_put_check(&s, 1, small, DIM), 0);
	cr_assert_eq(rvx_vec_store_put(&s, 1, small, DIM), 0);
}

/* ---- delete ------------------------------------------------------------------------- */

Test(vec_delete, success_and_slot_reuse, .init = setup, .fini = teardown)
{
	float v[DIM];
	struct rvx_vec_hit h[CAP];
	fill(CAP);
	/* before: full */
	cr_assert_eq(rvx_vec_store_count(&s), CAP);
	cr_assert_eq(rvx_vec_store_delete(&s, 103), 0);
	/* after: gone, the rest intact, and the slot takes a new key */
	cr_assert_eq(rvx_vec_store_count(&s), CAP - 1);
	cr_assert_eq(rvx_vec_store_get(&s, 103, NULL, 0, RVX_VEC_NOW_NONE), -RVX_ENOENT);
	cr_assert_eq(rvx_vec_store_verify(&s), 0);
	vec_i(3, v);
	int n = rvx_vec_store_search(&s, v, DIM, CAP, 16, &sc, h, RVX_VEC_NOW_NONE);
	cr_assert_eq(n, CAP - 1);
	for (int i = 0; i < n; i++)
		cr_assert_neq(h[i].key, 103);
	cr_assert_eq(rvx_vec_store_insert(&s, 777, v, DIM), 0);
	cr_assert_eq(rvx_vec_store_verify(&s), 0);
	cr_assert_eq(rvx_vec_store_search(&s, v, DIM, 1, 16, &sc, h, RVX_VEC_NOW_NONE), 1);
	cr_assert_eq(h[0].key, 777);
}

Test(vec_delete, everything_then_refill, .init = setup, .fini = teardown)
{
	float v[DIM] = {1, 1, 1, 1};
	struct rvx_vec_hit h[CAP];
	for (int round = 0; round < 3; round++) {
		fill(CAP);
		/* delete in an order that removes the entry point along the way */
		for (uint32_t i = 0; i < CAP; i++) {
			cr_assert_eq(rvx_vec_store_delete(&s, 100 + (i * 5) % CAP), 0);
			cr_assert_eq(rvx_vec_store_verify(&s), 0);
			int n = rvx_vec_store_search(&s, v, DIM, CAP, 16, &sc, h, RVX_VEC_NOW_NONE);
			cr_assert_eq(n, (int)(CAP - 1 - i));
		}
	}
}

Test(vec_delete, unknown_key_changes_nothing, .init = setup, .fini = teardown)
{
	fill(4);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_delete(&s, 4242), -RVX_ENOENT);
	same(&sn);
	vg_snap_free(&sn);
}

/* ---- get, meta, setters --------------------------------------------------------------- */

Test(vec_get, pure_without_time, .init = setup, .fini = teardown)
{
	float w[DIM];
	fill(4);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_get(&s, 101, w, DIM, RVX_VEC_NOW_NONE), 0);
	cr_assert_eq(rvx_vec_store_get(&s, 101, NULL, 0, RVX_VEC_NOW_NONE), 0);
	same(&sn); /* a read without a time writes nothing */
	vg_snap_free(&sn);
}

Test(vec_get, records_access_with_time, .init = setup, .fini = teardown)
{
	float w[DIM];
	struct rvx_vec_meta m;
	fill(4);
	cr_assert_eq(rvx_vec_store_get(&s, 101, w, DIM, 1000), 0);
	cr_assert_eq(rvx_vec_store_get(&s, 101, w, DIM, 2000), 0);
	cr_assert_eq(rvx_vec_store_meta(&s, 101, &m), 0);
	cr_assert_eq(m.last_access, 2000);
	cr_assert_eq(m.access_count, 2);
	cr_assert_eq(rvx_vec_store_meta(&s, 102, &m), 0);
	cr_assert_eq(m.access_count, 0);
}

Test(vec_get, errors_change_nothing, .init = setup, .fini = teardown)
{
	float w[DIM];
	fill(4);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_get(&s, 9, w, DIM, 5), -RVX_ENOENT);
	cr_assert_eq(rvx_vec_store_get(&s, 101, w, DIM - 1, 5), -RVX_EBUFSMALL);
	same(&sn);
	vg_snap_free(&sn);
}

Test(vec_meta, fields, .init = setup, .fini = teardown)
{
	struct rvx_vec_meta m;
	uint8_t zero[RVX_VEC_HASH_BYTES] = {0};
	fill(2);
	cr_assert_eq(rvx_vec_store_meta(&s, 101, &m), 0);
	cr_assert_eq(m.key, 101);
	cr_assert_eq(m.epoch, 2);
	cr_assert_eq(m.coherence, 0);
	cr_assert_eq(m.last_access, 0);
	cr_assert(memcmp(m.attestation, zero, sizeof(zero)) == 0);
	cr_assert_leq(m.level, RVX_VEC_LEVEL_MAX);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_meta(&s, 5, &m), -RVX_ENOENT);
	same(&sn);
	vg_snap_free(&sn);
}

Test(vec_meta, setters_and_errors, .init = setup, .fini = teardown)
{
	uint8_t att[RVX_VEC_HASH_BYTES];
	struct rvx_vec_meta m;
	fill(2);
	for (unsigned i = 0; i < sizeof(att); i++)
		att[i] = (uint8_t)i;
	cr_assert_eq(rvx_vec_store_set_coherence(&s, 100, 12345), 0);
	cr_assert_eq(rvx_vec_store_set_attestation(&s, 100, att), 0);
	cr_assert_eq(rvx_vec_store_meta(&s, 100, &m), 0);
	cr_assert_eq(m.coherence, 12345);
	cr_assert(memcmp(m.attestation, att, sizeof(att)) == 0);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_set_coherence(&s, 5, 1), -RVX_ENOENT);
	cr_assert_eq(rvx_vec_store_set_attestation(&s, 5, att), -RVX_ENOENT);
	cr_assert_eq(rvx_vec_store_set_attestation(&s, 100, NULL), -RVX_EINVAL);
	same(&sn);
	vg_snap_free(&sn);
}

/* The level is a function of key and seed with P(level >= 1) = 1/m. */
Test(vec_level, deterministic_geometric)
{
	struct rvx_vec_config c;
	struct rvx_vec_store a, b;
	size_t sz;
	float v[2] = {0.5f, 0.25f};
	struct rvx_vec_meta ma, mb;
	uint32_t up = 0, diff = 0, n = 2000;

	rvx_vec_config_default(&c, 2, n, RVX_VEC_METRIC_L2);
	c.ef_construction = 16;
	cr_assert_eq(rvx_vec_store_size(&c, &sz), 0);
	void *ma_mem = vg_alloc(sz), *mb_mem = vg_alloc(sz);
	cr_assert_eq(rvx_vec_store_init(&a, &c, ma_mem, sz), 0);
	c.seed = 1;
	cr_assert_eq(rvx_vec_store_init(&b, &c, mb_mem, sz), 0);
	for (uint32_t i = 0; i < n; i++) {
		v[0] = (float)i;
		cr_assert_eq(rvx_vec_store_insert(&a, i, v, 2), 0);
		cr_assert_eq(rvx_vec_store_insert(&b, i, v, 2), 0);
		cr_assert_eq(rvx_vec_store_meta(&a, i, &ma), 0);
		cr_assert_eq(rvx_vec_store_meta(&b, i, &mb), 0);
		up += ma.level >= 1;
		diff += ma.level != mb.level;
	}
	/* expected 125 of 2000 above layer 0 */
	cr_assert(up > 80 && up < 175, "%u nodes above layer 0", up);
	cr_assert_gt(diff, 0, "the seed must change levels");
	cr_assert_eq(rvx_vec_store_verify(&a), 0);
	free(ma_mem);
	free(mb_mem);
}

/* ---- scratch and search ---------------------------------------------------------------- */

Test(vec_scratch, size_and_init)
{
	size_t sz;
	struct rvx_vec_scratch t;
	cr_assert_eq(rvx_vec_scratch_size(100, 10, &sz), 0);
	cr_assert_eq(sz, 200 + 80);
	cr_assert_eq(rvx_vec_scratch_size(0, 10, &sz), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_scratch_size(100, 0, &sz), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_scratch_size(100, RVX_VEC_EF_MAX + 1, &sz), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_scratch_size(RVX_VEC_CAPACITY_MAX + 1, 10, &sz), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_scratch_size(100, 10, NULL), -RVX_EINVAL);
	uint8_t *m = vg_alloc(512);
	memset(&t, 0x11, sizeof(t));
	struct vg_snap sn = vg_snap_take(&t, sizeof(t), m, 512);
	cr_assert_eq(rvx_vec_scratch_init(&t, m, 279, 100, 10), -RVX_ENOMEM);
	cr_assert_eq(rvx_vec_scratch_init(&t, m + 1, 400, 100, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_scratch_init(&t, NULL, 400, 100, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_scratch_init(&t, m, 400, 0, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_scratch_init(NULL, m, 400, 100, 10), -RVX_EINVAL);
	vg_snap_same(&sn, &t, m);
	vg_snap_free(&sn);
	cr_assert_eq(rvx_vec_scratch_init(&t, m, 280, 100, 10), 0);
	cr_assert_eq(t.capacity, 100);
	cr_assert_eq(t.ef_max, 10);
	free(m);
}

Test(vec_search, exact_on_small_store, .init = setup, .fini = teardown)
{
	struct rvx_vec_hit h[CAP];
	float q[DIM] = {2.2f, 1.0f, 1.0f, -1.0f}, v[DIM];
	uint64_t truth[CAP];
	float data[CAP * DIM];

	fill(CAP);
	for (uint32_t i = 0; i < CAP; i++)
		vec_i(i, data + i * DIM);
	vg_brute(data, NULL, CAP, DIM, RVX_VEC_METRIC_L2, q, CAP, truth);
	int n = rvx_vec_store_search(&s, q, DIM, CAP, 0, &sc, h, RVX_VEC_NOW_NONE);
	cr_assert_eq(n, CAP);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(h[i].key, 100 + truth[i], "rank %d", i);
		vec_i((uint32_t)truth[i], v);
		cr_assert_float_eq(h[i].distance, (float)vg_dist(q, v, DIM, 0), 1e-4);
		cr_assert_eq(h[i].reserved, 0);
		if (i > 0)
			cr_assert_leq(h[i - 1].distance, h[i].distance);
	}
	/* k above the count returns what there is */
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 16, 16, &sc, h, RVX_VEC_NOW_NONE), CAP);
}

Test(vec_search, empty_store, .init = setup, .fini = teardown)
{
	struct rvx_vec_hit h[1];
	float q[DIM] = {1, 2, 3, 4};
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 1, 0, &sc, h, RVX_VEC_NOW_NONE), 0);
}

Test(vec_search, cosine_and_dot_distances)
{
	float a[DIM] = {1, 0, 0, 0}, b[DIM] = {0, 2, 0, 0}, c[DIM] = {3, 3, 0, 0};
	struct rvx_vec_hit h[3];
	for (uint32_t metric = RVX_VEC_METRIC_COSINE; metric <= RVX_VEC_METRIC_DOT; metric++) {
		setup_metric(metric);
		cr_assert_eq(rvx_vec_store_insert(&s, 1, a, DIM), 0);
		cr_assert_eq(rvx_vec_store_insert(&s, 2, b, DIM), 0);
		cr_assert_eq(rvx_vec_store_insert(&s, 3, c, DIM), 0);
		cr_assert_eq(rvx_vec_store_search(&s, a, DIM, 3, 8, &sc, h, RVX_VEC_NOW_NONE), 3);
		if (metric == RVX_VEC_METRIC_COSINE) {
			cr_assert_eq(h[0].key, 1);
			cr_assert_float_eq(h[0].distance, 0.0f, 1e-6);
			cr_assert_eq(h[1].key, 3);
			cr_assert_float_eq(h[1].distance, 1.0f - 0.70710678f, 1e-6);
			cr_assert_eq(h[2].key, 2);
			cr_assert_float_eq(h[2].distance, 1.0f, 1e-6);
		} else {
			cr_assert_eq(h[0].key, 3); /* 1 - 3 */
			cr_assert_float_eq(h[0].distance, -2.0f, 1e-6);
			cr_assert_eq(h[1].key, 1);
			cr_assert_float_eq(h[1].distance, 0.0f, 1e-6);
			cr_assert_eq(h[2].key, 2);
			cr_assert_float_eq(h[2].distance, 1.0f, 1e-6);
		}
		teardown();
	}
}

Test(vec_search, pure_without_time_records_with_time, .init = setup, .fini = teardown)
{
	struct rvx_vec_hit h[3];
	struct rvx_vec_meta m;
	float q[DIM] = {0, 0, 1, 0};
	fill(6);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 3, 8, &sc, h, RVX_VEC_NOW_NONE), 3);
	same(&sn); /* the store's memory and object are untouched */
	vg_snap_free(&sn);
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 3, 8, &sc, h, 77), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(rvx_vec_store_meta(&s, h[i].key, &m), 0);
		cr_assert_eq(m.last_access, 77);
		cr_assert_eq(m.access_count, 1);
	}
}

Test(vec_search, errors_change_nothing, .init = setup, .fini = teardown)
{
	struct rvx_vec_hit h[CAP];
	float q[DIM] = {1, 2, 3, 4};
	struct rvx_vec_scratch small;
	size_t ssz;
	fill(4);
	cr_assert_eq(rvx_vec_scratch_size(CAP / 2, 16, &ssz), 0);
	void *sm = vg_alloc(ssz);
	cr_assert_eq(rvx_vec_scratch_init(&small, sm, ssz, CAP / 2, 16), 0);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 0, 8, &sc, h, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 1, 8, NULL, h, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 1, 8, &sc, NULL, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_search(&s, NULL, DIM, 1, 8, &sc, h, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM + 1, 1, 8, &sc, h, 1), -RVX_EINVAL);
	q[3] = NAN;
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 1, 8, &sc, h, 1), -RVX_EINVAL);
	q[3] = 4;
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 1, 65, &sc, h, 1), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 65, 0, &sc, h, 1), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_vec_store_search(&s, q, DIM, 1, 8, &small, h, 1), -RVX_EBUFSMALL);
	same(&sn);
	vg_snap_free(&sn);
	free(sm);
}

Test(vec_search, cosine_zero_query, .init = setup_cosine, .fini = teardown)
{
	struct rvx_vec_hit h[1];
	float z[DIM] = {0, 0, 0, 0}, v[DIM] = {1, 0, 0, 0};
	cr_assert_eq(rvx_vec_store_insert(&s, 1, v, DIM), 0);
	struct vg_snap sn = snap();
	cr_assert_eq(rvx_vec_store_search(&s, z, DIM, 1, 8, &sc, h, 1), -RVX_EINVAL);
	same(&sn);
	vg_snap_free(&sn);
}

/* The visited marks wrap after 65535 searches; searching on must still be
 * exact. */
Test(vec_search, scratch_epoch_wraps, .init = setup, .fini = teardown)
{
	struct rvx_vec_hit h[CAP];
	float q[DIM] = {3, 0, 1, -1.5f};
	fill(CAP);
	sc.epoch = 0xfffe;
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(rvx_vec_store_search(&s, q, DIM, CAP, 8, &sc, h, RVX_VEC_NOW_NONE), CAP);
		cr_assert_eq(h[0].key, 103);
	}
	cr_assert_lt(sc.epoch, 0xfffe);
}

/* ---- verify ------------------------------------------------------------------------------- */

Test(vec_verify, detects_damage, .init = setup, .fini = teardown)
{
	fill(CAP);
	cr_assert_eq(rvx_vec_store_verify(&s), 0);
	uint8_t *rec0 = (uint8_t *)mem + s.off_nodes;
	uint32_t old;
	memcpy(&old, rec0 + 24, 4);
	uint32_t bad = s.m0 + 1; /* a layer-0 link count above m0 */
	memcpy(rec0 + 24, &bad, 4);
	cr_assert_eq(rvx_vec_store_verify(&s), -RVX_EINVAL);
	memcpy(rec0 + 24, &old, 4);
	cr_assert_eq(rvx_vec_store_verify(&s), 0);
	/* a link to itself */
	uint32_t self = 0, link;
	memcpy(&link, rec0 + 28, 4);
	memcpy(rec0 + 28, &self, 4);
	cr_assert_eq(rvx_vec_store_verify(&s), -RVX_EINVAL);
	memcpy(rec0 + 28, &link, 4);
	/* a key the hash table does not know */
	uint64_t key;
	memcpy(&key, rec0, 8);
	key ^= 0xffff;
	memcpy(rec0, &key, 8);
	cr_assert_eq(rvx_vec_store_verify(&s), -RVX_EINVAL);
}

/* ---- static storage ---------------------------------------------------------------------- */

RVX_VEC_STORE_DEFINE(static_store, 8, 32, 8, 16, 32);
RVX_VEC_SCRATCH_DEFINE(static_scratch, 32, 16);
_Static_assert(sizeof(static_store) == RVX_VEC_STORE_BYTES(8, 32, 8, 16, 32),
	       "the size macro is a constant expression");

Test(vec_static, macros_match_functions)
{
	static const uint32_t dims[] = {1, 3, 4, 17, 128, 4096};
	static const uint32_t caps[] = {1, 7, 1000, 100003};
	static const uint16_t ms[] = {2, 5, 16, 128};
	for (unsigned a = 0; a < 6; a++)
		for (unsigned b = 0; b < 4; b++)
			for (unsigned c = 0; c < 4; c++) {
				struct rvx_vec_config k;
				size_t sz, ssz;
				rvx_vec_config_default(&k, dims[a], caps[b], RVX_VEC_METRIC_L2);
				k.m = ms[c];
				k.m0 = (uint16_t)(2 * ms[c] + c);
				k.ef_construction = (uint16_t)(ms[c] + 100);
				cr_assert_eq(rvx_vec_store_size(&k, &sz), 0);
				cr_assert_eq(sz, RVX_VEC_STORE_BYTES(k.dim, k.capacity, k.m, k.m0,
								     k.ef_construction));
				cr_assert_eq(rvx_vec_store_record_size(&k),
					     RVX_VEC_RECORD_BYTES(k.dim, k.m0));
				cr_assert_eq(rvx_vec_scratch_size(caps[b], dims[a], &ssz), 0);
				cr_assert_eq(ssz, RVX_VEC_SCRATCH_BYTES(caps[b], dims[a]));
			}
}

Test(vec_static, static_storage_works)
{
	struct rvx_vec_config k;
	struct rvx_vec_store st;
	struct rvx_vec_scratch ss;
	struct rvx_vec_hit h[2];
	float v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	rvx_vec_config_default(&k, 8, 32, RVX_VEC_METRIC_L2);
	k.m = 8;
	k.m0 = 16;
	k.ef_construction = 32;
	cr_assert_eq(rvx_vec_store_init(&st, &k, static_store, sizeof(static_store)), 0);
	cr_assert_eq(rvx_vec_scratch_init(&ss, static_scratch, sizeof(static_scratch), 32, 16), 0);
	cr_assert_eq(rvx_vec_store_insert(&st, 1, v, 8), 0);
	cr_assert_eq(rvx_vec_store_search(&st, v, 8, 2, 8, &ss, h, RVX_VEC_NOW_NONE), 1);
	cr_assert_eq(h[0].key, 1);
}

/* ---- level assignment: the documented formula, and the pool cap ------------------------------ */

static uint64_t doc_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The level exactly as the header documents it. */
static uint32_t doc_level(uint64_t key, uint64_t seed, uint32_t m)
{
	uint64_t h = doc_mix(key ^ seed), t = UINT64_MAX;
	uint32_t l = 0;
	while (l < RVX_VEC_LEVEL_MAX) {
		t /= m;
		if (!(h < t))
			break;
		l++;
	}
	return l;
}

Test(vec_level, matches_documented_formula)
{
	struct rvx_vec_config c;
	struct rvx_vec_store st;
	struct rvx_vec_meta mt;
	size_t sz;
	float v[2];
	rvx_vec_config_default(&c, 2, 1500, RVX_VEC_METRIC_L2);
	c.m = 4;
	c.m0 = 8;
	c.ef_construction = 8;
	c.seed = 0xfeedface12345678ull;
	cr_assert_eq(rvx_vec_store_size(&c, &sz), 0);
	void *m = vg_alloc(sz);
	cr_assert_eq(rvx_vec_store_init(&st, &c, m, sz), 0);
	uint32_t high = 0;
	for (uint64_t k = 0; k < 1500; k++) {
		uint64_t key = k * 0x9e3779b97f4a7c15ull;
		v[0] = (float)k;
		v[1] = (float)(k % 7);
		cr_assert_eq(rvx_vec_store_insert(&st, key, v, 2), 0);
		cr_assert_eq(rvx_vec_store_meta(&st, key, &mt), 0);
		cr_assert_eq(mt.level, doc_level(key, c.seed, c.m), "key %llu",
			     (unsigned long long)key);
		high += mt.level >= 3;
	}
	cr_assert_gt(high, 5); /* expected 1500/64 ~ 23 */
	cr_assert_eq(rvx_vec_store_verify(&st), 0);
	free(m);
}

/* Keys whose documented level is the maximum would need more upper-layer
 * blocks than the pool holds: later ones are capped, deterministically,
 * and the store stays consistent and searchable. */
Test(vec_level, pool_cap)
{
	struct rvx_vec_config c;
	struct rvx_vec_store st;
	struct rvx_vec_meta mt;
	struct rvx_vec_scratch ss;
	struct rvx_vec_hit h[1];
	size_t sz, ssz;
	float v[2];
	uint64_t keys[12];
	uint32_t found = 0, total = 0;

	rvx_vec_config_default(&c, 2, 12, RVX_VEC_METRIC_L2);
	c.m = 2;
	c.m0 = 4;
	c.ef_construction = 4;
	for (uint64_t k = 0; found < 12; k++)
		if (doc_level(k, 0, 2) == RVX_VEC_LEVEL_MAX)
			keys[found++] = k;
	cr_assert_eq(rvx_vec_store_size(&c, &sz), 0);
	void *m = vg_alloc(sz);
	cr_assert_eq(rvx_vec_store_init(&st, &c, m, sz), 0);
	/* the pool: 2*12/(2-1) + 64 = 88 blocks, while 12 nodes want 180 */
	for (uint32_t i = 0; i < 12; i++) {
		v[0] = (float)i;
		v[1] = 1.0f;
		cr_assert_eq(rvx_vec_store_insert(&st, keys[i], v, 2), 0);
		cr_assert_eq(rvx_vec_store_meta(&st, keys[i], &mt), 0);
		uint32_t want = 88 - total < RVX_VEC_LEVEL_MAX ? 88 - total : RVX_VEC_LEVEL_MAX;
		cr_assert_eq(mt.level, want, "node %u", i);
		total += mt.level;
	}
	cr_assert_eq(total, 88);
	cr_assert_eq(rvx_vec_store_verify(&st), 0);
	/* deleting a full-height node returns its blocks */
	cr_assert_eq(rvx_vec_store_delete(&st, keys[0]), 0);
	cr_assert_eq(rvx_vec_store_insert(&st, keys[0], v, 2), 0);
	cr_assert_eq(rvx_vec_store_meta(&st, keys[0], &mt), 0);
	cr_assert_eq(mt.level, RVX_VEC_LEVEL_MAX);
	cr_assert_eq(rvx_vec_store_verify(&st), 0);
	cr_assert_eq(rvx_vec_scratch_size(12, 4, &ssz), 0);
	void *sm = vg_alloc(ssz);
	cr_assert_eq(rvx_vec_scratch_init(&ss, sm, ssz, 12, 4), 0);
	v[0] = 5.0f;
	cr_assert_eq(rvx_vec_store_search(&st, v, 2, 1, 4, &ss, h, RVX_VEC_NOW_NONE), 1);
	cr_assert_eq(h[0].key, keys[5]);
	free(m);
	free(sm);
}
