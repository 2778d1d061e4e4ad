/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RVF packages: verification (check everything reading only the package and
 * locals, then decode into the caller's view with code that cannot fail) and
 * the host-side writer.
 */
/* BearSSL first: its headers include <string.h>, which must not see the
 * mem* macros of ruvix/env.h. Hidden visibility keeps its tables reached
 * PC-relative in a static kernel image (see lib/proof). */
#pragma GCC visibility push(hidden)
#include "bearssl.h"
#pragma GCC visibility pop

#include "ruvix/endian.h"
#include "ruvix/rvf.h"

/* Region policy values (enum rvx_region_policy in ruvix/region.h). */
#define POL_IMMUTABLE 1u
#define POL_SLAB 3u

/* On-disk sizes of the manifest-family headers (docs/rvf.md). */
#define MF_HEADER_SIZE 64u
#define LIST_HEADER_SIZE 16u
#define TASK_SIZE 48u
#define REGION_SIZE 48u
#define QUEUE_SIZE 32u
#define WIRE_SIZE 16u
#define REQUIRED_SIZE 32u
#define POLICY_SIZE 48u
#define WITNESS_SIZE 32u
#define VSTORE_SIZE 64u
#define GSTORE_SIZE 48u

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

static void sha256(const uint8_t *p, size_t n, uint8_t out[RVX_RVF_HASH_SIZE])
{
	br_sha256_context sc;
	br_sha256_init(&sc);
	br_sha256_update(&sc, p, n);
	br_sha256_out(&sc, out);
}

/* ---- record codecs (on-disk bytes <-> host structs) ---- */

static void dec_segment(const uint8_t *p, struct rvx_rvf_segment *s)
{
	s->type = rvx_le_get16(p);
	s->flags = rvx_le_get16(p + 2);
	s->reserved = rvx_le_get32(p + 4);
	s->offset = rvx_le_get64(p + 8);
	s->length = rvx_le_get64(p + 16);
	memcpy(s->hash, p + 24, RVX_RVF_HASH_SIZE);
}

static void dec_task(const uint8_t *p, struct rvx_rvf_task *t)
{
	memcpy(t->name, p, RVX_RVF_NAME_SIZE);
	t->code_segment = rvx_le_get32(p + 16);
	t->entry = rvx_le_get32(p + 20);
	t->deadline_ns = rvx_le_get64(p + 24);
	t->stack_size = rvx_le_get32(p + 32);
	t->priority = p[36];
	t->partition = p[37];
	t->flags = rvx_le_get16(p + 38);
	memcpy(t->reserved, p + 40, 8);
}

static void enc_task(uint8_t *p, const struct rvx_rvf_task *t)
{
	memcpy(p, t->name, RVX_RVF_NAME_SIZE);
	rvx_le_put32(p + 16, t->code_segment);
	rvx_le_put32(p + 20, t->entry);
	rvx_le_put64(p + 24, t->deadline_ns);
	rvx_le_put32(p + 32, t->stack_size);
	p[36] = t->priority;
	p[37] = t->partition;
	rvx_le_put16(p + 38, t->flags);
	memcpy(p + 40, t->reserved, 8);
}

static void dec_region(const uint8_t *p, struct rvx_rvf_region *r)
{
	memcpy(r->name, p, RVX_RVF_NAME_SIZE);
	r->policy = p[16];
	memcpy(r->reserved0, p + 17, 3);
	r->init_segment = rvx_le_get32(p + 20);
	r->size = rvx_le_get64(p + 24);
	r->slot_size = rvx_le_get64(p + 32);
	memcpy(r->reserved, p + 40, 8);
}

static void enc_region(uint8_t *p, const struct rvx_rvf_region *r)
{
	memcpy(p, r->name, RVX_RVF_NAME_SIZE);
	p[16] = r->policy;
	memcpy(p + 17, r->reserved0, 3);
	rvx_le_put32(p + 20, r->init_segment);
	rvx_le_put64(p + 24, r->size);
	rvx_le_put64(p + 32, r->slot_size);
	memcpy(p + 40, r->reserved, 8);
}

static void dec_queue(const uint8_t *p, struct rvx_rvf_queue *q)
{
	memcpy(q->name, p, RVX_RVF_NAME_SIZE);
	q->slot_count = rvx_le_get32(p + 16);
	q->max_payload = rvx_le_get32(p + 20);
	memcpy(q->reserved, p + 24, 8);
}

static void enc_queue(uint8_t *p, const struct rvx_rvf_queue *q)
{
	memcpy(p, q->name, RVX_RVF_NAME_SIZE);
	rvx_le_put32(p + 16, q->slot_count);
	rvx_le_put32(p + 20, q->max_payload);
	memcpy(p + 24, q->reserved, 8);
}

static void dec_wire(const uint8_t *p, struct rvx_rvf_wire *w)
{
	w->task = rvx_le_get16(p);
	w->kind = p[2];
	w->reserved0 = p[3];
	w->object = rvx_le_get16(p + 4);
	w->reserved1 = rvx_le_get16(p + 6);
	w->rights = rvx_le_get32(p + 8);
	w->reserved2 = rvx_le_get32(p + 12);
}

static void enc_wire(uint8_t *p, const struct rvx_rvf_wire *w)
{
	rvx_le_put16(p, w->task);
	p[2] = w->kind;
	p[3] = w->reserved0;
	rvx_le_put16(p + 4, w->object);
	rvx_le_put16(p + 6, w->reserved1);
	rvx_le_put32(p + 8, w->rights);
	rvx_le_put32(p + 12, w->reserved2);
}

static void dec_required(const uint8_t *p, struct rvx_rvf_required *r)
{
	memcpy(r->name, p, RVX_RVF_NAME_SIZE);
	r->object_type = p[16];
	memcpy(r->reserved0, p + 17, 3);
	r->rights = rvx_le_get32(p + 20);
	memcpy(r->reserved, p + 24, 8);
}

static void enc_required(uint8_t *p, const struct rvx_rvf_required *r)
{
	memcpy(p, r->name, RVX_RVF_NAME_SIZE);
	p[16] = r->object_type;
	memcpy(p + 17, r->reserved0, 3);
	rvx_le_put32(p + 20, r->rights);
	memcpy(p + 24, r->reserved, 8);
}

static void dec_policy(const uint8_t *p, struct rvx_rvf_proof_policy *o)
{
	o->kind = p[0];
	o->tier = p[1];
	o->object = rvx_le_get16(p + 2);
	o->min_coherence = rvx_le_get32(p + 4);
	o->max_payload = rvx_le_get64(p + 8);
	o->key_lo = rvx_le_get64(p + 16);
	o->key_hi = rvx_le_get64(p + 24);
	o->rate_window_ns = rvx_le_get64(p + 32);
	o->rate_count = rvx_le_get32(p + 40);
	o->authority = rvx_le_get32(p + 44);
}

static void enc_policy(uint8_t *p, const struct rvx_rvf_proof_policy *o)
{
	p[0] = o->kind;
	p[1] = o->tier;
	rvx_le_put16(p + 2, o->object);
	rvx_le_put32(p + 4, o->min_coherence);
	rvx_le_put64(p + 8, o->max_payload);
	rvx_le_put64(p + 16, o->key_lo);
	rvx_le_put64(p + 24, o->key_hi);
	rvx_le_put64(p + 32, o->rate_window_ns);
	rvx_le_put32(p + 40, o->rate_count);
	rvx_le_put32(p + 44, o->authority);
}

static void dec_vstore(const uint8_t *p, struct rvx_rvf_vector_store *v)
{
	memcpy(v->name, p, RVX_RVF_NAME_SIZE);
	v->dim = rvx_le_get32(p + 16);
	v->capacity = rvx_le_get32(p + 20);
	v->metric = p[24];
	memcpy(v->reserved0, p + 25, 3);
	v->seed_segment = rvx_le_get32(p + 28);
	v->m = rvx_le_get16(p + 32);
	v->m0 = rvx_le_get16(p + 34);
	v->ef_construction = rvx_le_get16(p + 36);
	v->ef_search = rvx_le_get16(p + 38);
	v->hnsw_seed = rvx_le_get64(p + 40);
	memcpy(v->reserved, p + 48, 16);
}

static void enc_vstore(uint8_t *p, const struct rvx_rvf_vector_store *v)
{
	memcpy(p, v->name, RVX_RVF_NAME_SIZE);
	rvx_le_put32(p + 16, v->dim);
	rvx_le_put32(p + 20, v->capacity);
	p[24] = v->metric;
	memcpy(p + 25, v->reserved0, 3);
	rvx_le_put32(p + 28, v->seed_segment);
	rvx_le_put16(p + 32, v->m);
	rvx_le_put16(p + 34, v->m0);
	rvx_le_put16(p + 36, v->ef_construction);
	rvx_le_put16(p + 38, v->ef_search);
	rvx_le_put64(p + 40, v->hnsw_seed);
	memcpy(p + 48, v->reserved, 16);
}

static void dec_gstore(const uint8_t *p, struct rvx_rvf_graph_store *g)
{
	memcpy(g->name, p, RVX_RVF_NAME_SIZE);
	g->node_capacity = rvx_le_get32(p + 16);
	g->edge_capacity = rvx_le_get32(p + 20);
	g->flags = rvx_le_get32(p + 24);
	g->seed_segment = rvx_le_get32(p + 28);
	g->hash_seed = rvx_le_get64(p + 32);
	memcpy(g->reserved, p + 40, 8);
}

static void enc_gstore(uint8_t *p, const struct rvx_rvf_graph_store *g)
{
	memcpy(p, g->name, RVX_RVF_NAME_SIZE);
	rvx_le_put32(p + 16, g->node_capacity);
	rvx_le_put32(p + 20, g->edge_capacity);
	rvx_le_put32(p + 24, g->flags);
	rvx_le_put32(p + 28, g->seed_segment);
	rvx_le_put64(p + 32, g->hash_seed);
	memcpy(p + 40, g->reserved, 8);
}

static void dec_witness(const uint8_t *p, struct rvx_rvf_witness_policy *w)
{
	w->flags = rvx_le_get32(p);
	w->checkpoint_every = rvx_le_get32(p + 4);
	w->log_records = rvx_le_get64(p + 8);
	memcpy(w->reserved, p + 16, 16);
}

static void enc_witness(uint8_t *p, const struct rvx_rvf_witness_policy *w)
{
	rvx_le_put32(p, w->flags);
	rvx_le_put32(p + 4, w->checkpoint_every);
	rvx_le_put64(p + 8, w->log_records);
	memcpy(p + 16, w->reserved, 16);
}

/* ---- framing ---- */

/* What the framing pass learned; locals of rvx_rvf_verify(). */
struct frame {
	uint32_t count;
	uint32_t seg_index[RVX_RVF_SEG_TYPE_COUNT]; /* for the single-instance types */
	struct rvx_rvf_segment segs[RVX_RVF_MAX_SEGMENTS];
};

static enum rvx_rvf_reason check_framing(const uint8_t *pkg, size_t len, struct frame *f)
{
	uint8_t order[RVX_RVF_MAX_SEGMENTS];
	uint64_t total, data_start, sig_start, cursor;
	uint32_t count;

	if (len < RVX_RVF_HEADER_SIZE)
		return RVX_RVF_TRUNCATED;
	if (memcmp(pkg, RVX_RVF_MAGIC, 8) != 0)
		return RVX_RVF_BAD_MAGIC;
	if (rvx_le_get16(pkg + 8) != RVX_RVF_VERSION)
		return RVX_RVF_BAD_VERSION;
	total = rvx_le_get64(pkg + 24);
	if (total > (uint64_t)len)
		return RVX_RVF_TRUNCATED;
	if (total < (uint64_t)len)
		return RVX_RVF_OVERSIZED;
	count = rvx_le_get32(pkg + 16);
	if (rvx_le_get16(pkg + 10) != RVX_RVF_HEADER_SIZE || rvx_le_get32(pkg + 12) != 0 ||
	    rvx_le_get32(pkg + 20) != 0 || !all_zero(pkg + 40, 24) || count == 0 ||
	    count > RVX_RVF_MAX_SEGMENTS || total > RVX_RVF_MAX_PACKAGE ||
	    total % RVX_RVF_ALIGN != 0)
		return RVX_RVF_BAD_HEADER;
	data_start = RVX_RVF_HEADER_SIZE + (uint64_t)count * RVX_RVF_SEGMENT_ENTRY_SIZE;
	if (total < data_start + RVX_RVF_SIG_SIZE)
		return RVX_RVF_BAD_HEADER;
	sig_start = total - RVX_RVF_SIG_SIZE;

	f->count = count;
	for (uint32_t t = 0; t < RVX_RVF_SEG_TYPE_COUNT; t++)
		f->seg_index[t] = RVX_RVF_NONE;
	for (uint32_t i = 0; i < count; i++) {
		struct rvx_rvf_segment *s = &f->segs[i];
		dec_segment(pkg + RVX_RVF_HEADER_SIZE + (size_t)i * RVX_RVF_SEGMENT_ENTRY_SIZE, s);
		if (s->type == 0 || s->type >= RVX_RVF_SEG_TYPE_COUNT || s->flags != 0 ||
		    s->reserved != 0)
			return RVX_RVF_SEG_TYPE;
		if (s->length == 0 || s->offset < data_start || s->offset > sig_start ||
		    s->length > sig_start - s->offset)
			return RVX_RVF_SEG_RANGE;
		if (s->offset % RVX_RVF_ALIGN != 0)
			return RVX_RVF_SEG_ALIGN;
	}
	/* Insertion sort of the (at most 16) segments by offset, then walk
	 * them: each must start at or after the previous one's end, and every
	 * byte not inside a segment must be zero, so that the signature, which
	 * covers the segments through their hashes, covers every byte. */
	for (uint32_t i = 0; i < count; i++) {
		uint32_t j = i;
		while (j > 0 && f->segs[order[j - 1]].offset > f->segs[i].offset) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = (uint8_t)i;
	}
	cursor = data_start;
	for (uint32_t k = 0; k < count; k++) {
		const struct rvx_rvf_segment *s = &f->segs[order[k]];
		if (s->offset < cursor)
			return RVX_RVF_SEG_OVERLAP;
		cursor = s->offset + s->length;
	}
	cursor = data_start;
	for (uint32_t k = 0; k < count; k++) {
		const struct rvx_rvf_segment *s = &f->segs[order[k]];
		if (!all_zero(pkg + cursor, (size_t)(s->offset - cursor)))
			return RVX_RVF_PADDING;
		cursor = s->offset + s->length;
	}
	if (!all_zero(pkg + cursor, (size_t)(sig_start - cursor)))
		return RVX_RVF_PADDING;

	for (uint32_t i = 0; i < count; i++) {
		uint16_t t = f->segs[i].type;
		if (t == RVX_RVF_SEG_MANIFEST || t == RVX_RVF_SEG_PROOF_POLICY ||
		    t == RVX_RVF_SEG_WITNESS_POLICY || t == RVX_RVF_SEG_REQUIRED_CAPS) {
			if (f->seg_index[t] != RVX_RVF_NONE)
				return RVX_RVF_SEG_COUNT;
			f->seg_index[t] = i;
		}
	}
	if (f->seg_index[RVX_RVF_SEG_MANIFEST] == RVX_RVF_NONE)
		return RVX_RVF_SEG_COUNT;
	return RVX_RVF_OK;
}

static enum rvx_rvf_reason check_hashes(const uint8_t *pkg, const struct frame *f)
{
	for (uint32_t i = 0; i < f->count; i++) {
		uint8_t h[RVX_RVF_HASH_SIZE];
		uint8_t diff = 0;
		sha256(pkg + f->segs[i].offset, (size_t)f->segs[i].length, h);
		for (unsigned k = 0; k < RVX_RVF_HASH_SIZE; k++)
			diff |= (uint8_t)(h[k] ^ f->segs[i].hash[k]);
		if (diff != 0)
			return RVX_RVF_SEG_HASH;
	}
	return RVX_RVF_OK;
}

void rvx_rvf_key_id(const uint8_t pub[RVX_RVF_PUBKEY_SIZE], uint8_t id[RVX_RVF_KEY_ID_SIZE])
{
	uint8_t h[RVX_RVF_HASH_SIZE];
	sha256(pub, RVX_RVF_PUBKEY_SIZE, h);
	memcpy(id, h, RVX_RVF_KEY_ID_SIZE);
}

static enum rvx_rvf_reason check_signature(const uint8_t *pkg, const struct frame *f,
					   const struct rvx_rvf_trusted_keys *keys,
					   uint32_t *key_index, uint8_t digest[RVX_RVF_HASH_SIZE])
{
	const uint8_t *sig = pkg + (rvx_le_get64(pkg + 24) - RVX_RVF_SIG_SIZE);
	uint8_t q[RVX_RVF_PUBKEY_SIZE];
	br_ec_public_key pk;
	uint32_t found = RVX_RVF_NONE;

	if (all_zero(sig, RVX_RVF_SIG_SIZE))
		return RVX_RVF_UNSIGNED;
	for (uint32_t i = 0; i < keys->count && found == RVX_RVF_NONE; i++) {
		uint8_t id[RVX_RVF_KEY_ID_SIZE];
		rvx_rvf_key_id(keys->keys + (size_t)i * RVX_RVF_PUBKEY_SIZE, id);
		if (memcmp(id, pkg + 32, RVX_RVF_KEY_ID_SIZE) == 0)
			found = i;
	}
	if (found == RVX_RVF_NONE)
		return RVX_RVF_UNKNOWN_KEY;
	sha256(pkg, RVX_RVF_HEADER_SIZE + (size_t)f->count * RVX_RVF_SEGMENT_ENTRY_SIZE, digest);
	/* BearSSL takes a non-const key; verify from a copy. */
	memcpy(q, keys->keys + (size_t)found * RVX_RVF_PUBKEY_SIZE, sizeof(q));
	pk.curve = BR_EC_secp256r1;
	pk.q = q;
	pk.qlen = sizeof(q);
	if (q[0] != 0x04 ||
	    br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, digest, RVX_RVF_HASH_SIZE, &pk, sig,
				  RVX_RVF_SIG_SIZE) != 1)
		return RVX_RVF_BAD_SIG;
	*key_index = found;
	return RVX_RVF_OK;
}

/* ---- manifest ---- */

/* A name: not empty, NUL-padded (once a NUL appears, only NULs follow) and
 * ending in NUL. */
static bool name_ok(const char *n, size_t size)
{
	size_t i = 0;
	if (n[0] == '\0')
		return false;
	while (i < size && n[i] != '\0')
		i++;
	if (i == size)
		return false;
	return all_zero((const uint8_t *)n + i, size - i);
}

static bool names_unique(const char *base, size_t stride, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		for (uint32_t j = i + 1; j < count; j++)
			if (memcmp(base + i * stride, base + j * stride, RVX_RVF_NAME_SIZE) == 0)
				return false;
	return true;
}

/* The rights a manifest may give on each kind of object. */
#define RIGHTS_QUEUE                                                                    \
	(RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT | RVX_RIGHT_REVOKE |         \
	 RVX_RIGHT_PROVE | RVX_RIGHT_GRANT_ONCE)
#define RIGHTS_REGION_RO                                                                \
	(RVX_RIGHT_READ | RVX_RIGHT_GRANT | RVX_RIGHT_REVOKE | RVX_RIGHT_EXECUTE |       \
	 RVX_RIGHT_PROVE | RVX_RIGHT_GRANT_ONCE)

static bool is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* A vector store's seed segment (docs/rvf.md): its header, its exact
 * length, at most the store's capacity of records, keys strictly ascending.
 * The components are the kernel's to judge (the vector store's rules). */
static enum rvx_rvf_reason check_vector_seed(const uint8_t *pkg, const struct frame *f,
					     const struct rvx_rvf_vector_store *v)
{
	const struct rvx_rvf_segment *s = &f->segs[v->seed_segment];
	const uint8_t *p = pkg + s->offset;
	uint64_t rec = RVX_RVF_VECTOR_SEED_RECORD_SIZE(v->dim), prev = 0;
	uint32_t count;

	if (s->length < RVX_RVF_SEED_HEADER_SIZE)
		return RVX_RVF_MF_LENGTH;
	count = rvx_le_get32(p + 4);
	if (!all_zero(p + 8, 8))
		return RVX_RVF_MF_RESERVED;
	if (rvx_le_get32(p) != v->dim || count > v->capacity)
		return RVX_RVF_MF_VALUE;
	if (s->length != RVX_RVF_SEED_HEADER_SIZE + (uint64_t)count * rec)
		return RVX_RVF_MF_LENGTH;
	p += RVX_RVF_SEED_HEADER_SIZE;
	for (uint32_t i = 0; i < count; i++, p += rec) {
		uint64_t key = rvx_le_get64(p);

		if (i != 0 && key <= prev)
			return key == prev ? RVX_RVF_MF_DUPLICATE : RVX_RVF_MF_VALUE;
		prev = key;
	}
	return RVX_RVF_OK;
}

/* Node id of graph seed record @p i (records start after the header). */
static uint64_t seed_node(const uint8_t *recs, uint32_t i)
{
	return rvx_le_get64(recs + (size_t)i * RVX_RVF_GRAPH_SEED_RECORD_SIZE + 8);
}

/* A graph store's seed segment: its header and exact length; records that
 * add nodes (ids strictly ascending, at most node_capacity), then records
 * that add edges (by (source, target) strictly ascending, at most
 * edge_capacity, both ends among the seeded nodes, no self loop unless the
 * store allows them). The records' canonical form is the kernel's to judge
 * (the graph store's decoder). */
static enum rvx_rvf_reason check_graph_seed(const uint8_t *pkg, const struct frame *f,
					    const struct rvx_rvf_graph_store *g)
{
	const struct rvx_rvf_segment *s = &f->segs[g->seed_segment];
	const uint8_t *recs = pkg + s->offset + RVX_RVF_SEED_HEADER_SIZE;
	uint32_t count, nodes = 0, edges = 0;
	uint64_t psrc = 0, pdst = 0;

	if (s->length < RVX_RVF_SEED_HEADER_SIZE)
		return RVX_RVF_MF_LENGTH;
	count = rvx_le_get32(pkg + s->offset);
	if (!all_zero(pkg + s->offset + 4, 12))
		return RVX_RVF_MF_RESERVED;
	if (s->length != RVX_RVF_SEED_HEADER_SIZE + (uint64_t)count * RVX_RVF_GRAPH_SEED_RECORD_SIZE)
		return RVX_RVF_MF_LENGTH;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *r = recs + (size_t)i * RVX_RVF_GRAPH_SEED_RECORD_SIZE;

		if (r[0] != RVX_RVF_GRAPH_SEED_VERSION)
			return RVX_RVF_MF_VALUE;
		if (r[1] == RVX_RVF_GRAPH_SEED_NODE) {
			if (edges != 0 || nodes == g->node_capacity)
				return RVX_RVF_MF_VALUE;
			if (nodes != 0 && seed_node(recs, i) <= seed_node(recs, i - 1u))
				return seed_node(recs, i) == seed_node(recs, i - 1u)
					       ? RVX_RVF_MF_DUPLICATE
					       : RVX_RVF_MF_VALUE;
			nodes++;
		} else if (r[1] == RVX_RVF_GRAPH_SEED_EDGE) {
			uint64_t src = rvx_le_get64(r + 8), dst = rvx_le_get64(r + 16);
			bool found[2] = {false, false};

			if (edges == g->edge_capacity)
				return RVX_RVF_MF_VALUE;
			if (edges != 0 && (src < psrc || (src == psrc && dst <= pdst)))
				return src == psrc && dst == pdst ? RVX_RVF_MF_DUPLICATE
								  : RVX_RVF_MF_VALUE;
			if (src == dst && (g->flags & RVX_RVF_GRAPH_SELF_LOOPS) == 0)
				return RVX_RVF_MF_VALUE;
			/* Both ends among the nodes: binary search (they ascend). */
			for (int e = 0; e < 2; e++) {
				uint64_t want = e == 0 ? src : dst;
				uint32_t lo = 0, hi = nodes;

				while (lo < hi) {
					uint32_t mid = lo + (hi - lo) / 2u;
					uint64_t id = seed_node(recs, mid);

					if (id == want) {
						found[e] = true;
						break;
					}
					if (id < want)
						lo = mid + 1u;
					else
						hi = mid;
				}
			}
			if (!found[0] || !found[1])
				return RVX_RVF_MF_INDEX;
			psrc = src;
			pdst = dst;
			edges++;
		} else {
			return RVX_RVF_MF_VALUE;
		}
	}
	return RVX_RVF_OK;
}

/* The vector and graph store records and their seed segments. */
static enum rvx_rvf_reason check_stores(const uint8_t *pkg, const struct frame *f,
					const uint8_t *vstores, uint32_t nv,
					const uint8_t *gstores, uint32_t ng)
{
	enum rvx_rvf_reason why;

	for (uint32_t i = 0; i < nv; i++) {
		struct rvx_rvf_vector_store v;

		dec_vstore(vstores + (size_t)i * VSTORE_SIZE, &v);
		if (!name_ok(v.name, RVX_RVF_NAME_SIZE))
			return RVX_RVF_MF_NAME;
		if (!all_zero(v.reserved0, 3) || !all_zero(v.reserved, 16))
			return RVX_RVF_MF_RESERVED;
		if (v.dim == 0 || v.dim > RVX_RVF_MAX_VECTOR_DIM || v.capacity == 0 ||
		    v.capacity > RVX_RVF_MAX_STORE_CAPACITY || v.metric > RVX_RVF_METRIC_DOT)
			return RVX_RVF_MF_VALUE;
		if (v.seed_segment != RVX_RVF_NONE) {
			if (v.seed_segment >= f->count ||
			    f->segs[v.seed_segment].type != RVX_RVF_SEG_VECTOR_SEED)
				return RVX_RVF_MF_INDEX;
			why = check_vector_seed(pkg, f, &v);
			if (why != RVX_RVF_OK)
				return why;
		}
	}
	if (!names_unique((const char *)vstores, VSTORE_SIZE, nv))
		return RVX_RVF_MF_NAME;
	for (uint32_t i = 0; i < ng; i++) {
		struct rvx_rvf_graph_store g;

		dec_gstore(gstores + (size_t)i * GSTORE_SIZE, &g);
		if (!name_ok(g.name, RVX_RVF_NAME_SIZE))
			return RVX_RVF_MF_NAME;
		if ((g.flags & ~(uint32_t)RVX_RVF_GRAPH_SELF_LOOPS) != 0 || !all_zero(g.reserved, 8))
			return RVX_RVF_MF_RESERVED;
		if (g.node_capacity == 0 || g.node_capacity > RVX_RVF_MAX_STORE_CAPACITY ||
		    g.edge_capacity == 0 || g.edge_capacity > RVX_RVF_MAX_STORE_CAPACITY)
			return RVX_RVF_MF_VALUE;
		if (g.seed_segment != RVX_RVF_NONE) {
			if (g.seed_segment >= f->count ||
			    f->segs[g.seed_segment].type != RVX_RVF_SEG_GRAPH_SEED)
				return RVX_RVF_MF_INDEX;
			why = check_graph_seed(pkg, f, &g);
			if (why != RVX_RVF_OK)
				return why;
		}
	}
	if (!names_unique((const char *)gstores, GSTORE_SIZE, ng))
		return RVX_RVF_MF_NAME;
	return RVX_RVF_OK;
}

/*
 * Check the manifest and policy segments. The view is written only on
 * success, so this pass decodes each record into locals and the commit pass
 * (decode_manifest()) repeats the decode into the view.
 */
static enum rvx_rvf_reason check_manifest(const uint8_t *pkg, const struct frame *f)
{
	const struct rvx_rvf_segment *ms = &f->segs[f->seg_index[RVX_RVF_SEG_MANIFEST]];
	const uint8_t *p = pkg + ms->offset;
	uint32_t nt, nr, nq, nw, nv, ng, nreq = 0, npol = 0, nkeys = 0;
	const uint8_t *tasks, *regions, *queues, *wires, *vstores, *gstores, *req = NULL,
		      *keys = NULL, *pols = NULL;
	enum rvx_rvf_reason why;
	struct rvx_rvf_region reg_cache[RVX_RVF_MAX_REGIONS];
	struct rvx_rvf_required req_cache[RVX_RVF_MAX_REQUIRED];

	if (ms->length < MF_HEADER_SIZE)
		return RVX_RVF_MF_LENGTH;
	nt = rvx_le_get16(p + 36);
	nr = rvx_le_get16(p + 38);
	nq = rvx_le_get16(p + 40);
	nw = rvx_le_get16(p + 42);
	nv = rvx_le_get16(p + 44);
	ng = rvx_le_get16(p + 46);
	if (nt > RVX_RVF_MAX_TASKS || nr > RVX_RVF_MAX_REGIONS || nq > RVX_RVF_MAX_QUEUES ||
	    nw > RVX_RVF_MAX_WIRES || nv > RVX_RVF_MAX_VECTOR_STORES ||
	    ng > RVX_RVF_MAX_GRAPH_STORES)
		return RVX_RVF_MF_LIMIT;
	if (ms->length != MF_HEADER_SIZE + (uint64_t)nt * TASK_SIZE + (uint64_t)nr * REGION_SIZE +
				  (uint64_t)nq * QUEUE_SIZE + (uint64_t)nw * WIRE_SIZE +
				  (uint64_t)nv * VSTORE_SIZE + (uint64_t)ng * GSTORE_SIZE)
		return RVX_RVF_MF_LENGTH;
	if (rvx_le_get32(p + 32) != 0 || !all_zero(p + 48, 16))
		return RVX_RVF_MF_RESERVED;
	if (!name_ok((const char *)p, RVX_RVF_PKG_NAME_SIZE))
		return RVX_RVF_MF_NAME;
	tasks = p + MF_HEADER_SIZE;
	regions = tasks + (size_t)nt * TASK_SIZE;
	queues = regions + (size_t)nr * REGION_SIZE;
	wires = queues + (size_t)nq * QUEUE_SIZE;
	vstores = wires + (size_t)nw * WIRE_SIZE;
	gstores = vstores + (size_t)nv * VSTORE_SIZE;

	if (f->seg_index[RVX_RVF_SEG_REQUIRED_CAPS] != RVX_RVF_NONE) {
		const struct rvx_rvf_segment *s = &f->segs[f->seg_index[RVX_RVF_SEG_REQUIRED_CAPS]];
		const uint8_t *q = pkg + s->offset;
		if (s->length < LIST_HEADER_SIZE)
			return RVX_RVF_MF_LENGTH;
		nreq = rvx_le_get32(q);
		if (nreq > RVX_RVF_MAX_REQUIRED)
			return RVX_RVF_MF_LIMIT;
		if (s->length != LIST_HEADER_SIZE + (uint64_t)nreq * REQUIRED_SIZE)
			return RVX_RVF_MF_LENGTH;
		if (!all_zero(q + 4, 12))
			return RVX_RVF_MF_RESERVED;
		req = q + LIST_HEADER_SIZE;
	}
	if (f->seg_index[RVX_RVF_SEG_PROOF_POLICY] != RVX_RVF_NONE) {
		const struct rvx_rvf_segment *s = &f->segs[f->seg_index[RVX_RVF_SEG_PROOF_POLICY]];
		const uint8_t *q = pkg + s->offset;
		if (s->length < LIST_HEADER_SIZE)
			return RVX_RVF_MF_LENGTH;
		npol = rvx_le_get32(q);
		nkeys = rvx_le_get32(q + 4);
		if (npol > RVX_RVF_MAX_PROOF_POLICIES || nkeys > RVX_RVF_MAX_AUTHORITY_KEYS)
			return RVX_RVF_MF_LIMIT;
		if (s->length != LIST_HEADER_SIZE + (uint64_t)nkeys * RVX_RVF_AUTHORITY_RECORD_SIZE +
					 (uint64_t)npol * POLICY_SIZE)
			return RVX_RVF_MF_LENGTH;
		if (!all_zero(q + 8, 8))
			return RVX_RVF_MF_RESERVED;
		keys = q + LIST_HEADER_SIZE;
		pols = keys + (size_t)nkeys * RVX_RVF_AUTHORITY_RECORD_SIZE;
	}
	if (f->seg_index[RVX_RVF_SEG_WITNESS_POLICY] != RVX_RVF_NONE) {
		const struct rvx_rvf_segment *s = &f->segs[f->seg_index[RVX_RVF_SEG_WITNESS_POLICY]];
		struct rvx_rvf_witness_policy w;
		if (s->length != WITNESS_SIZE)
			return RVX_RVF_MF_LENGTH;
		dec_witness(pkg + s->offset, &w);
		if ((w.flags & ~(uint32_t)RVX_RVF_WITNESS_ALL) != 0 || !all_zero(w.reserved, 16))
			return RVX_RVF_MF_RESERVED;
	}

	for (uint32_t i = 0; i < nt; i++) {
		struct rvx_rvf_task t;
		dec_task(tasks + (size_t)i * TASK_SIZE, &t);
		if (!name_ok(t.name, RVX_RVF_NAME_SIZE))
			return RVX_RVF_MF_NAME;
		if ((t.flags & ~(uint32_t)RVX_RVF_TASK_ENTRY_SYMBOL) != 0 || !all_zero(t.reserved, 8))
			return RVX_RVF_MF_RESERVED;
		if (t.flags & RVX_RVF_TASK_ENTRY_SYMBOL) {
			if (t.code_segment != RVX_RVF_NONE)
				return RVX_RVF_MF_INDEX;
		} else {
			if (t.code_segment >= f->count ||
			    f->segs[t.code_segment].type != RVX_RVF_SEG_CODE ||
			    t.entry >= f->segs[t.code_segment].length)
				return RVX_RVF_MF_INDEX;
		}
		if (t.stack_size < RVX_RVF_MIN_STACK || t.stack_size > RVX_RVF_MAX_STACK ||
		    t.stack_size % 16u != 0 || t.partition >= RVX_RVF_MAX_PARTITIONS)
			return RVX_RVF_MF_VALUE;
	}
	if (!names_unique((const char *)tasks, TASK_SIZE, nt))
		return RVX_RVF_MF_NAME;

	for (uint32_t i = 0; i < nr; i++) {
		struct rvx_rvf_region *r = &reg_cache[i];
		dec_region(regions + (size_t)i * REGION_SIZE, r);
		if (!name_ok(r->name, RVX_RVF_NAME_SIZE))
			return RVX_RVF_MF_NAME;
		if (!all_zero(r->reserved0, 3) || !all_zero(r->reserved, 8))
			return RVX_RVF_MF_RESERVED;
		if (r->policy < 1 || r->policy > POL_SLAB || r->size == 0 ||
		    r->size > RVX_RVF_MAX_REGION_SIZE)
			return RVX_RVF_MF_VALUE;
		if (r->policy == POL_SLAB ? (r->slot_size == 0 || r->slot_size > r->size)
				   : r->slot_size != 0)
			return RVX_RVF_MF_VALUE;
		if (r->init_segment != RVX_RVF_NONE) {
			if (r->policy == POL_SLAB || r->init_segment >= f->count ||
			    f->segs[r->init_segment].type != RVX_RVF_SEG_REGION_DATA)
				return RVX_RVF_MF_INDEX;
			if (f->segs[r->init_segment].length > r->size)
				return RVX_RVF_MF_VALUE;
		}
	}
	if (!names_unique((const char *)regions, REGION_SIZE, nr))
		return RVX_RVF_MF_NAME;

	for (uint32_t i = 0; i < nq; i++) {
		struct rvx_rvf_queue q;
		dec_queue(queues + (size_t)i * QUEUE_SIZE, &q);
		if (!name_ok(q.name, RVX_RVF_NAME_SIZE))
			return RVX_RVF_MF_NAME;
		if (!all_zero(q.reserved, 8))
			return RVX_RVF_MF_RESERVED;
		if (!is_pow2(q.slot_count) || q.slot_count > RVX_RVF_MAX_QUEUE_SLOTS ||
		    q.max_payload == 0 || q.max_payload > RVX_RVF_MAX_QUEUE_PAYLOAD)
			return RVX_RVF_MF_VALUE;
	}
	if (!names_unique((const char *)queues, QUEUE_SIZE, nq))
		return RVX_RVF_MF_NAME;

	why = check_stores(pkg, f, vstores, nv, gstores, ng);
	if (why != RVX_RVF_OK)
		return why;

	for (uint32_t i = 0; i < nreq; i++) {
		struct rvx_rvf_required *r = &req_cache[i];
		dec_required(req + (size_t)i * REQUIRED_SIZE, r);
		if (!name_ok(r->name, RVX_RVF_NAME_SIZE))
			return RVX_RVF_MF_NAME;
		if (!all_zero(r->reserved0, 3) || !all_zero(r->reserved, 8))
			return RVX_RVF_MF_RESERVED;
		if (r->object_type == RVX_OBJ_NONE || r->object_type >= RVX_OBJ_TYPE_COUNT)
			return RVX_RVF_MF_VALUE;
		if (r->rights == 0 || !rvx_rights_subset(r->rights, RVX_RIGHTS_ALL))
			return RVX_RVF_MF_RIGHTS;
	}
	if (nreq > 0 && !names_unique((const char *)req, REQUIRED_SIZE, nreq))
		return RVX_RVF_MF_NAME;

	for (uint32_t i = 0; i < nw; i++) {
		struct rvx_rvf_wire w;
		rvx_rights_t allowed;
		dec_wire(wires + (size_t)i * WIRE_SIZE, &w);
		if (w.reserved0 != 0 || w.reserved1 != 0 || w.reserved2 != 0)
			return RVX_RVF_MF_RESERVED;
		if (w.task >= nt)
			return RVX_RVF_MF_INDEX;
		switch (w.kind) {
		case RVX_RVF_WIRE_TASK:
			if (w.object >= nt)
				return RVX_RVF_MF_INDEX;
			allowed = RVX_RIGHTS_ALL;
			break;
		case RVX_RVF_WIRE_REGION:
			if (w.object >= nr)
				return RVX_RVF_MF_INDEX;
			allowed = reg_cache[w.object].policy == POL_IMMUTABLE
					  ? RIGHTS_REGION_RO
					  : (rvx_rights_t)(RIGHTS_QUEUE);
			break;
		case RVX_RVF_WIRE_QUEUE:
			if (w.object >= nq)
				return RVX_RVF_MF_INDEX;
			allowed = RIGHTS_QUEUE;
			break;
		case RVX_RVF_WIRE_REQUIRED:
			if (w.object >= nreq)
				return RVX_RVF_MF_INDEX;
			allowed = req_cache[w.object].rights;
			break;
		case RVX_RVF_WIRE_VECTOR:
		case RVX_RVF_WIRE_GRAPH:
			if (w.object >= (w.kind == RVX_RVF_WIRE_VECTOR ? nv : ng))
				return RVX_RVF_MF_INDEX;
			allowed = RIGHTS_QUEUE;
			break;
		default:
			return RVX_RVF_MF_INDEX;
		}
		if (w.rights == 0 || !rvx_rights_subset(w.rights, allowed))
			return RVX_RVF_MF_RIGHTS;
		for (uint32_t j = 0; j < i; j++) {
			struct rvx_rvf_wire o;
			dec_wire(wires + (size_t)j * WIRE_SIZE, &o);
			if (o.task == w.task && o.kind == w.kind && o.object == w.object)
				return RVX_RVF_MF_DUPLICATE;
		}
	}

	for (uint32_t i = 0; i < nkeys; i++) {
		const uint8_t *k = keys + (size_t)i * RVX_RVF_AUTHORITY_RECORD_SIZE;
		if (!all_zero(k + RVX_RVF_PUBKEY_SIZE,
			      RVX_RVF_AUTHORITY_RECORD_SIZE - RVX_RVF_PUBKEY_SIZE))
			return RVX_RVF_MF_RESERVED;
		if (k[0] != 0x04)
			return RVX_RVF_MF_VALUE;
	}
	for (uint32_t i = 0; i < npol; i++) {
		struct rvx_rvf_proof_policy o;
		dec_policy(pols + (size_t)i * POLICY_SIZE, &o);
		if (o.kind == RVX_RVF_WIRE_REGION   ? o.object >= nr
		    : o.kind == RVX_RVF_WIRE_QUEUE  ? o.object >= nq
		    : o.kind == RVX_RVF_WIRE_VECTOR ? o.object >= nv
		    : o.kind == RVX_RVF_WIRE_GRAPH  ? o.object >= ng
						    : true)
			return RVX_RVF_MF_INDEX;
		if (o.authority != RVX_RVF_NONE && o.authority >= nkeys)
			return RVX_RVF_MF_INDEX;
		if (o.tier < 1 || o.tier > 3 || o.key_lo > o.key_hi ||
		    (o.rate_count != 0 && o.rate_window_ns == 0) ||
		    (o.tier == 3 && o.authority == RVX_RVF_NONE))
			return RVX_RVF_MF_VALUE;
		for (uint32_t j = 0; j < i; j++) {
			struct rvx_rvf_proof_policy e;
			dec_policy(pols + (size_t)j * POLICY_SIZE, &e);
			if (e.kind == o.kind && e.object == o.object)
				return RVX_RVF_MF_DUPLICATE;
		}
	}
	return RVX_RVF_OK;
}

/* Commit pass: the same segments, already checked, decoded into @m. */
static void decode_manifest(const uint8_t *pkg, const struct frame *f, struct rvx_rvf_manifest *m)
{
	const uint8_t *p = pkg + f->segs[f->seg_index[RVX_RVF_SEG_MANIFEST]].offset;
	const uint8_t *r;

	memset(m, 0, sizeof(*m));
	memcpy(m->name, p, RVX_RVF_PKG_NAME_SIZE);
	m->task_count = rvx_le_get16(p + 36);
	m->region_count = rvx_le_get16(p + 38);
	m->queue_count = rvx_le_get16(p + 40);
	m->wire_count = rvx_le_get16(p + 42);
	r = p + MF_HEADER_SIZE;
	for (uint32_t i = 0; i < m->task_count; i++, r += TASK_SIZE)
		dec_task(r, &m->tasks[i]);
	for (uint32_t i = 0; i < m->region_count; i++, r += REGION_SIZE)
		dec_region(r, &m->regions[i]);
	for (uint32_t i = 0; i < m->queue_count; i++, r += QUEUE_SIZE)
		dec_queue(r, &m->queues[i]);
	for (uint32_t i = 0; i < m->wire_count; i++, r += WIRE_SIZE)
		dec_wire(r, &m->wires[i]);
	m->vector_count = rvx_le_get16(p + 44);
	m->graph_count = rvx_le_get16(p + 46);
	for (uint32_t i = 0; i < m->vector_count; i++, r += VSTORE_SIZE)
		dec_vstore(r, &m->vectors[i]);
	for (uint32_t i = 0; i < m->graph_count; i++, r += GSTORE_SIZE)
		dec_gstore(r, &m->graphs[i]);
	if (f->seg_index[RVX_RVF_SEG_REQUIRED_CAPS] != RVX_RVF_NONE) {
		r = pkg + f->segs[f->seg_index[RVX_RVF_SEG_REQUIRED_CAPS]].offset;
		m->required_count = rvx_le_get32(r);
		r += LIST_HEADER_SIZE;
		for (uint32_t i = 0; i < m->required_count; i++, r += REQUIRED_SIZE)
			dec_required(r, &m->required[i]);
	}
	if (f->seg_index[RVX_RVF_SEG_PROOF_POLICY] != RVX_RVF_NONE) {
		uint64_t off = f->segs[f->seg_index[RVX_RVF_SEG_PROOF_POLICY]].offset;
		r = pkg + off;
		m->policy_count = rvx_le_get32(r);
		m->authority_count = rvx_le_get32(r + 4);
		off += LIST_HEADER_SIZE;
		for (uint32_t i = 0; i < m->authority_count; i++, off += RVX_RVF_AUTHORITY_RECORD_SIZE)
			m->authority_offset[i] = off;
		r = pkg + off;
		for (uint32_t i = 0; i < m->policy_count; i++, r += POLICY_SIZE)
			dec_policy(r, &m->policies[i]);
	}
	if (f->seg_index[RVX_RVF_SEG_WITNESS_POLICY] != RVX_RVF_NONE) {
		m->has_witness_policy = 1;
		dec_witness(pkg + f->segs[f->seg_index[RVX_RVF_SEG_WITNESS_POLICY]].offset,
			    &m->witness);
	}
}

static int refuse(enum rvx_rvf_reason *reason, enum rvx_rvf_reason why)
{
	if (reason != NULL)
		*reason = why;
	if (why >= RVX_RVF_MF_LENGTH)
		return -RVX_EMANIFEST;
	if (why >= RVX_RVF_SEG_HASH)
		return -RVX_EBADSIG;
	return -RVX_EINVAL;
}

/* Verify (keys != NULL) or inspect (keys == NULL: no signature check). */
static int parse(const uint8_t *pkg, size_t len, const struct rvx_rvf_trusted_keys *keys,
		 struct rvx_rvf_package *view, enum rvx_rvf_reason *reason)
{
	struct frame f;
	uint8_t digest[RVX_RVF_HASH_SIZE];
	uint32_t key_index = RVX_RVF_NONE;
	enum rvx_rvf_reason why;

	why = check_framing(pkg, len, &f);
	if (why == RVX_RVF_OK)
		why = check_hashes(pkg, &f);
	if (why == RVX_RVF_OK && keys != NULL)
		why = check_signature(pkg, &f, keys, &key_index, digest);
	if (why == RVX_RVF_OK && keys == NULL)
		sha256(pkg, RVX_RVF_HEADER_SIZE + (size_t)f.count * RVX_RVF_SEGMENT_ENTRY_SIZE,
		       digest);
	if (why == RVX_RVF_OK)
		why = check_manifest(pkg, &f);
	if (why != RVX_RVF_OK)
		return refuse(reason, why);

	/* Commit: nothing below can fail. */
	memset(view, 0, sizeof(*view));
	view->total_length = (uint64_t)len;
	view->version = RVX_RVF_VERSION;
	view->segment_count = f.count;
	view->key_index = key_index;
	view->manifest_segment = f.seg_index[RVX_RVF_SEG_MANIFEST];
	memcpy(view->key_id, pkg + 32, RVX_RVF_KEY_ID_SIZE);
	sha256(pkg, len, view->package_hash);
	memcpy(view->signed_digest, digest, RVX_RVF_HASH_SIZE);
	memcpy(view->segments, f.segs, (size_t)f.count * sizeof(f.segs[0]));
	decode_manifest(pkg, &f, &view->manifest);
	if (reason != NULL)
		*reason = RVX_RVF_OK;
	return 0;
}

int rvx_rvf_verify(const uint8_t *pkg, size_t len, const struct rvx_rvf_trusted_keys *keys,
		   struct rvx_rvf_package *view, enum rvx_rvf_reason *reason)
{
	if (pkg == NULL || keys == NULL || (keys->keys == NULL && keys->count != 0) ||
	    view == NULL)
		return refuse(reason, RVX_RVF_BAD_HEADER);
	return parse(pkg, len, keys, view, reason);
}

int rvx_rvf_inspect(const uint8_t *pkg, size_t len, struct rvx_rvf_package *view,
		    enum rvx_rvf_reason *reason)
{
	if (pkg == NULL || view == NULL)
		return refuse(reason, RVX_RVF_BAD_HEADER);
	return parse(pkg, len, NULL, view, reason);
}

/* ---- writer ---- */

static uint64_t align_up(uint64_t v)
{
	return (v + (RVX_RVF_ALIGN - 1)) & ~(uint64_t)(RVX_RVF_ALIGN - 1);
}

size_t rvx_rvf_build_size(const struct rvx_rvf_input *segs, uint32_t count)
{
	uint64_t total;

	if (segs == NULL || count == 0 || count > RVX_RVF_MAX_SEGMENTS)
		return 0;
	total = RVX_RVF_HEADER_SIZE + (uint64_t)count * RVX_RVF_SEGMENT_ENTRY_SIZE;
	for (uint32_t i = 0; i < count; i++) {
		if (segs[i].length == 0 || (uint64_t)segs[i].length > RVX_RVF_MAX_PACKAGE)
			return 0;
		total = align_up(total) + segs[i].length;
	}
	total = align_up(total) + RVX_RVF_SIG_SIZE;
	if (total > RVX_RVF_MAX_PACKAGE)
		return 0;
	return (size_t)total;
}

int rvx_rvf_build(const struct rvx_rvf_input *segs, uint32_t count,
		  const uint8_t key_id[RVX_RVF_KEY_ID_SIZE], uint8_t *out, size_t cap,
		  size_t *out_len, uint8_t digest[RVX_RVF_HASH_SIZE])
{
	size_t total;
	uint64_t off;
	uint8_t *table;

	if (key_id == NULL || out == NULL || out_len == NULL || digest == NULL)
		return -RVX_EINVAL;
	total = rvx_rvf_build_size(segs, count);
	if (total == 0)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < count; i++)
		if (segs[i].data == NULL || segs[i].type == 0 ||
		    segs[i].type >= RVX_RVF_SEG_TYPE_COUNT)
			return -RVX_EINVAL;
	if (cap < total)
		return -RVX_EBUFSMALL;

	memset(out, 0, total);
	memcpy(out, RVX_RVF_MAGIC, 8);
	rvx_le_put16(out + 8, RVX_RVF_VERSION);
	rvx_le_put16(out + 10, RVX_RVF_HEADER_SIZE);
	rvx_le_put32(out + 16, count);
	rvx_le_put64(out + 24, (uint64_t)total);
	memcpy(out + 32, key_id, RVX_RVF_KEY_ID_SIZE);
	table = out + RVX_RVF_HEADER_SIZE;
	off = RVX_RVF_HEADER_SIZE + (uint64_t)count * RVX_RVF_SEGMENT_ENTRY_SIZE;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t *e = table + (size_t)i * RVX_RVF_SEGMENT_ENTRY_SIZE;
		off = align_up(off);
		memcpy(out + off, segs[i].data, segs[i].length);
		rvx_le_put16(e, segs[i].type);
		rvx_le_put64(e + 8, off);
		rvx_le_put64(e + 16, (uint64_t)segs[i].length);
		sha256(segs[i].data, segs[i].length, e + 24);
		off += segs[i].length;
	}
	sha256(out, RVX_RVF_HEADER_SIZE + (size_t)count * RVX_RVF_SEGMENT_ENTRY_SIZE, digest);
	*out_len = total;
	return 0;
}

int rvx_rvf_attach_signature(uint8_t *pkg, size_t len, const uint8_t sig[RVX_RVF_SIG_SIZE])
{
	if (pkg == NULL || sig == NULL || len < RVX_RVF_HEADER_SIZE + RVX_RVF_SIG_SIZE ||
	    memcmp(pkg, RVX_RVF_MAGIC, 8) != 0 || rvx_le_get64(pkg + 24) != (uint64_t)len)
		return -RVX_EINVAL;
	memcpy(pkg + len - RVX_RVF_SIG_SIZE, sig, RVX_RVF_SIG_SIZE);
	return 0;
}

int rvx_rvf_segment_encode(enum rvx_rvf_segment_type type, const struct rvx_rvf_manifest *m,
			   const uint8_t *authority_keys, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t need;
	uint8_t *p;

	if (m == NULL || out == NULL || out_len == NULL)
		return -RVX_EINVAL;
	switch (type) {
	case RVX_RVF_SEG_MANIFEST:
		if (m->task_count > RVX_RVF_MAX_TASKS || m->region_count > RVX_RVF_MAX_REGIONS ||
		    m->queue_count > RVX_RVF_MAX_QUEUES || m->wire_count > RVX_RVF_MAX_WIRES ||
		    m->vector_count > RVX_RVF_MAX_VECTOR_STORES ||
		    m->graph_count > RVX_RVF_MAX_GRAPH_STORES)
			return -RVX_EINVAL;
		need = MF_HEADER_SIZE + m->task_count * TASK_SIZE + m->region_count * REGION_SIZE +
		       m->queue_count * QUEUE_SIZE + m->wire_count * WIRE_SIZE +
		       m->vector_count * VSTORE_SIZE + m->graph_count * GSTORE_SIZE;
		if (cap < need)
			return -RVX_EBUFSMALL;
		memset(out, 0, MF_HEADER_SIZE);
		memcpy(out, m->name, RVX_RVF_PKG_NAME_SIZE);
		rvx_le_put16(out + 36, (uint16_t)m->task_count);
		rvx_le_put16(out + 38, (uint16_t)m->region_count);
		rvx_le_put16(out + 40, (uint16_t)m->queue_count);
		rvx_le_put16(out + 42, (uint16_t)m->wire_count);
		rvx_le_put16(out + 44, (uint16_t)m->vector_count);
		rvx_le_put16(out + 46, (uint16_t)m->graph_count);
		p = out + MF_HEADER_SIZE;
		for (uint32_t i = 0; i < m->task_count; i++, p += TASK_SIZE)
			enc_task(p, &m->tasks[i]);
		for (uint32_t i = 0; i < m->region_count; i++, p += REGION_SIZE)
			enc_region(p, &m->regions[i]);
		for (uint32_t i = 0; i < m->queue_count; i++, p += QUEUE_SIZE)
			enc_queue(p, &m->queues[i]);
		for (uint32_t i = 0; i < m->wire_count; i++, p += WIRE_SIZE)
			enc_wire(p, &m->wires[i]);
		for (uint32_t i = 0; i < m->vector_count; i++, p += VSTORE_SIZE)
			enc_vstore(p, &m->vectors[i]);
		for (uint32_t i = 0; i < m->graph_count; i++, p += GSTORE_SIZE)
			enc_gstore(p, &m->graphs[i]);
		break;
	case RVX_RVF_SEG_REQUIRED_CAPS:
		if (m->required_count > RVX_RVF_MAX_REQUIRED)
			return -RVX_EINVAL;
		need = LIST_HEADER_SIZE + m->required_count * REQUIRED_SIZE;
		if (cap < need)
			return -RVX_EBUFSMALL;
		memset(out, 0, LIST_HEADER_SIZE);
		rvx_le_put32(out, m->required_count);
		p = out + LIST_HEADER_SIZE;
		for (uint32_t i = 0; i < m->required_count; i++, p += REQUIRED_SIZE)
			enc_required(p, &m->required[i]);
		break;
	case RVX_RVF_SEG_PROOF_POLICY:
		if (m->policy_count > RVX_RVF_MAX_PROOF_POLICIES ||
		    m->authority_count > RVX_RVF_MAX_AUTHORITY_KEYS ||
		    (m->authority_count > 0 && authority_keys == NULL))
			return -RVX_EINVAL;
		need = LIST_HEADER_SIZE + m->authority_count * RVX_RVF_AUTHORITY_RECORD_SIZE +
		       m->policy_count * POLICY_SIZE;
		if (cap < need)
			return -RVX_EBUFSMALL;
		memset(out, 0, need);
		rvx_le_put32(out, m->policy_count);
		rvx_le_put32(out + 4, m->authority_count);
		p = out + LIST_HEADER_SIZE;
		for (uint32_t i = 0; i < m->authority_count; i++, p += RVX_RVF_AUTHORITY_RECORD_SIZE)
			memcpy(p, authority_keys + (size_t)i * RVX_RVF_PUBKEY_SIZE, RVX_RVF_PUBKEY_SIZE);
		for (uint32_t i = 0; i < m->policy_count; i++, p += POLICY_SIZE)
			enc_policy(p, &m->policies[i]);
		break;
	case RVX_RVF_SEG_WITNESS_POLICY:
		need = WITNESS_SIZE;
		if (cap < need)
			return -RVX_EBUFSMALL;
		enc_witness(out, &m->witness);
		break;
	default:
		return -RVX_EINVAL;
	}
	*out_len = need;
	return 0;
}

const char *rvx_rvf_reason_str(enum rvx_rvf_reason reason)
{
	static const char *const names[RVX_RVF_REASON_COUNT] = {
		[RVX_RVF_OK] = "ok",
		[RVX_RVF_TRUNCATED] = "truncated",
		[RVX_RVF_OVERSIZED] = "oversized (trailing bytes)",
		[RVX_RVF_BAD_MAGIC] = "bad magic",
		[RVX_RVF_BAD_VERSION] = "unsupported version",
		[RVX_RVF_BAD_HEADER] = "bad header",
		[RVX_RVF_SEG_TYPE] = "bad segment type or flags",
		[RVX_RVF_SEG_RANGE] = "segment out of range",
		[RVX_RVF_SEG_ALIGN] = "misaligned segment",
		[RVX_RVF_SEG_OVERLAP] = "overlapping segments",
		[RVX_RVF_PADDING] = "nonzero padding",
		[RVX_RVF_SEG_COUNT] = "missing or repeated manifest/policy segment",
		[RVX_RVF_SEG_HASH] = "segment hash mismatch",
		[RVX_RVF_UNSIGNED] = "unsigned",
		[RVX_RVF_UNKNOWN_KEY] = "signed by an unknown key",
		[RVX_RVF_BAD_SIG] = "bad signature",
		[RVX_RVF_MF_LENGTH] = "manifest: length mismatch",
		[RVX_RVF_MF_LIMIT] = "manifest: count over limit",
		[RVX_RVF_MF_NAME] = "manifest: bad or duplicate name",
		[RVX_RVF_MF_RESERVED] = "manifest: reserved field set",
		[RVX_RVF_MF_INDEX] = "manifest: index out of range",
		[RVX_RVF_MF_VALUE] = "manifest: invalid value",
		[RVX_RVF_MF_RIGHTS] = "manifest: invalid rights",
		[RVX_RVF_MF_DUPLICATE] = "manifest: duplicate wire or policy",
	};
	if ((unsigned)reason >= RVX_RVF_REASON_COUNT)
		return "unknown reason";
	return names[reason];
}

const char *rvx_rvf_segment_type_str(uint32_t type)
{
	static const char *const names[RVX_RVF_SEG_TYPE_COUNT] = {
		[0] = "unknown",
		[RVX_RVF_SEG_MANIFEST] = "manifest",
		[RVX_RVF_SEG_CODE] = "code",
		[RVX_RVF_SEG_REGION_DATA] = "region-data",
		[RVX_RVF_SEG_VECTOR_SEED] = "vector-seed",
		[RVX_RVF_SEG_GRAPH_SEED] = "graph-seed",
		[RVX_RVF_SEG_PROOF_POLICY] = "proof-policy",
		[RVX_RVF_SEG_WITNESS_POLICY] = "witness-policy",
		[RVX_RVF_SEG_REQUIRED_CAPS] = "required-caps",
	};
	if (type >= RVX_RVF_SEG_TYPE_COUNT)
		return "unknown";
	return names[type];
}
