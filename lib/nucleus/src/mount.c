/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RvfMount (syscall 6). The package is verified by lib/rvf (framing, every
 * segment hash, the signature against the kernel's trusted keys, the
 * manifest); then the nucleus plans the whole mount (table slots, pool
 * offsets, capability-table room, the required capabilities) without
 * touching state, writes one MOUNT record with the package hash, and only
 * then creates regions, queues, vector and graph stores (with their seeds
 * and proof policies) and tasks in index order (each with its manifest
 * name, which the package hash in the record covers) and grants exactly the
 * manifest's wires. Every step after the record has had its preconditions
 * established by the plan: the seeds were judged by the stores' own rules.
 */
#include "nucleus_internal.h"

_Static_assert(RVX_KERNEL_TASK_NAME == RVX_RVF_NAME_SIZE, "a task keeps its manifest name whole");

/* Where each created object goes; computed by plan(), used by commit(). */
struct mount_plan {
	uint32_t task_slot[RVX_RVF_MAX_TASKS];
	uint32_t region_slot[RVX_RVF_MAX_REGIONS];
	size_t region_base[RVX_RVF_MAX_REGIONS];
	size_t region_meta[RVX_RVF_MAX_REGIONS];
	size_t region_meta_size[RVX_RVF_MAX_REGIONS];
	uint32_t queue_slot[RVX_RVF_MAX_QUEUES];
	size_t queue_base[RVX_RVF_MAX_QUEUES];
	size_t queue_size[RVX_RVF_MAX_QUEUES];
	rvx_handle_t required[RVX_RVF_MAX_REQUIRED];
	rvx_handle_t task_obj[RVX_RVF_MAX_TASKS];
	rvx_handle_t region_obj[RVX_RVF_MAX_REGIONS];
	rvx_handle_t queue_obj[RVX_RVF_MAX_QUEUES];
	uint32_t vstore_slot[RVX_RVF_MAX_VECTOR_STORES];
	uint32_t gstore_slot[RVX_RVF_MAX_GRAPH_STORES];
	size_t vstore_base[RVX_RVF_MAX_VECTOR_STORES];
	size_t vstore_size[RVX_RVF_MAX_VECTOR_STORES];
	size_t gstore_base[RVX_RVF_MAX_GRAPH_STORES];
	size_t gstore_size[RVX_RVF_MAX_GRAPH_STORES];
	struct rvx_vec_config vcfg[RVX_RVF_MAX_VECTOR_STORES];
	struct rvx_graph_config gcfg[RVX_RVF_MAX_GRAPH_STORES];
	struct rvx_proof_policy vpol[RVX_RVF_MAX_VECTOR_STORES];
	struct rvx_proof_policy gpol[RVX_RVF_MAX_GRAPH_STORES];
	rvx_handle_t vstore_obj[RVX_RVF_MAX_VECTOR_STORES];
	rvx_handle_t gstore_obj[RVX_RVF_MAX_GRAPH_STORES];
	size_t region_end;
	size_t queue_end;
	size_t store_end;
	uint32_t mount_slot;
};

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1u) & ~(a - 1u);
}

/* Take `size` bytes aligned to `align` from a bump pool; false if no room. */
static bool pool_take(const uint8_t *pool, size_t pool_size, size_t *used, size_t size,
		      size_t align, size_t *base)
{
	size_t b = align_up(*used, align);

	if (pool == NULL || b > pool_size || pool_size - b < size ||
	    ((uintptr_t)(pool + b) & (align - 1u)) != 0)
		return false;
	*base = b;
	*used = b + size;
	return true;
}

/* Take `n` free entries of a table of `live` flags, stride bytes apart. */
static bool take_slots(const uint32_t *live0, size_t stride, uint32_t count, uint32_t n,
		       uint32_t *out)
{
	uint32_t found = 0;

	for (uint32_t i = 0; i < count && found < n; i++) {
		const uint32_t *live = (const uint32_t *)(const void *)((const uint8_t *)live0 +
									 i * stride);
		if (*live == 0)
			out[found++] = i;
	}
	return found == n;
}

/* A manifest vector store's configuration: the kernel's defaults, then
 * what the record sets. */
static void vec_config(const struct rvx_rvf_vector_store *v, struct rvx_vec_config *c)
{
	rvx_vec_config_default(c, v->dim, v->capacity, (enum rvx_vec_metric)v->metric);
	if (v->m != 0) {
		c->m = v->m;
		c->m0 = (uint16_t)(2u * v->m);
	}
	if (v->m0 != 0)
		c->m0 = v->m0;
	if (v->ef_construction != 0)
		c->ef_construction = v->ef_construction;
	if (v->ef_search != 0)
		c->ef_search = v->ef_search;
	c->seed = v->hnsw_seed;
}

/* The proof policy the manifest gives object (kind, index) in @p out, or
 * the open Reflex policy; true if it gives one. lib/rvf checked the
 * authority index and the key's form. */
static bool object_policy(const uint8_t *pkg, const struct rvx_rvf_manifest *m, uint8_t kind,
			  uint32_t index, struct rvx_proof_policy *out)
{
	rvx_proof_policy_open(out, RVX_PROOF_TIER_REFLEX);
	for (uint32_t i = 0; i < m->policy_count; i++) {
		const struct rvx_rvf_proof_policy *o = &m->policies[i];

		if (o->kind != kind || o->object != index)
			continue;
		out->required_tier = o->tier;
		out->min_coherence = o->min_coherence;
		out->max_payload = o->max_payload;
		out->key_lo = o->key_lo;
		out->key_hi = o->key_hi;
		out->rate_window_ns = o->rate_window_ns;
		out->rate_count = o->rate_count;
		if (o->authority != RVX_RVF_NONE) {
			out->has_authority = 1;
			memcpy(out->authority_key, pkg + m->authority_offset[o->authority],
			       RVX_PROOF_PUBKEY_SIZE);
		}
		return true;
	}
	return false;
}

/* A vector seed's records: each vector must pass the store's own vector
 * rule (lib/rvf checked the layout, the count and the keys' order). Judged
 * in the kernel's staging, which is zero again afterwards. */
static int vec_seed_check(const struct rvx_kernel *k, const uint8_t *pkg,
			  const struct rvx_rvf_package *p, const struct rvx_rvf_vector_store *v)
{
	float *vec = (float *)(uintptr_t)(k->stage.vec + 1);
	const uint8_t *r;
	uint32_t count;
	int ret = 0;

	if (v->seed_segment == RVX_RVF_NONE)
		return 0;
	r = pkg + p->segments[v->seed_segment].offset;
	count = rvx_le_get32(r + 4);
	r += RVX_RVF_SEED_HEADER_SIZE;
	for (uint32_t i = 0; i < count && ret == 0; i++) {
		memcpy(vec, r + 8, 4u * (size_t)v->dim);
		ret = rvx_vec_check_vector(v->metric, vec, v->dim);
		r += RVX_RVF_VECTOR_SEED_RECORD_SIZE(v->dim);
	}
	memset(vec, 0, 4u * (size_t)v->dim);
	return ret != 0 ? -RVX_EMANIFEST : 0;
}

/* A graph seed's records: each must be a canonical mutation (lib/rvf
 * checked the kinds, the order, the counts and the ends). */
static int graph_seed_check(const uint8_t *pkg, const struct rvx_rvf_package *p,
			    const struct rvx_rvf_graph_store *g)
{
	struct rvx_graph_mutation mu;
	const uint8_t *r;
	uint32_t count;

	if (g->seed_segment == RVX_RVF_NONE)
		return 0;
	r = pkg + p->segments[g->seed_segment].offset;
	count = rvx_le_get32(r);
	r += RVX_RVF_SEED_HEADER_SIZE;
	for (uint32_t i = 0; i < count; i++, r += RVX_RVF_GRAPH_SEED_RECORD_SIZE) {
		if (rvx_graph_mutation_decode(r, &mu) != 0)
			return -RVX_EMANIFEST;
	}
	return 0;
}

/* The stores: configurations this kernel accepts (the stores' own rules),
 * seeds, policies, table entries and room in the store pool. */
static int plan_stores(const struct rvx_kernel *k, const uint8_t *pkg,
		       const struct rvx_rvf_package *p, struct mount_plan *pl)
{
	const struct rvx_rvf_manifest *m = &p->manifest;
	uint32_t i;
	int ret;

	for (i = 0; i < m->vector_count; i++) {
		const struct rvx_rvf_vector_store *v = &m->vectors[i];

		vec_config(v, &pl->vcfg[i]);
		/* A store whose puts could not be journaled, or whose checkpoint
		 * could not be judged in the kernel's staging, is not offered. */
		if (rvx_vec_store_size(&pl->vcfg[i], &pl->vstore_size[i]) != 0 ||
		    v->dim > RVX_KERNEL_VEC_DIM_MAX ||
		    rvx_vec_store_validate_work_size(&pl->vcfg[i]) > sizeof(k->stage))
			return -RVX_EMANIFEST;
		ret = vec_seed_check(k, pkg, p, v);
		if (ret != 0)
			return ret;
		(void)object_policy(pkg, m, RVX_RVF_WIRE_VECTOR, i, &pl->vpol[i]);
	}
	for (i = 0; i < m->graph_count; i++) {
		const struct rvx_rvf_graph_store *g = &m->graphs[i];

		memset(&pl->gcfg[i], 0, sizeof(pl->gcfg[i]));
		pl->gcfg[i].node_capacity = g->node_capacity;
		pl->gcfg[i].edge_capacity = g->edge_capacity;
		pl->gcfg[i].flags = g->flags;
		pl->gcfg[i].seed = g->hash_seed;
		if (rvx_graph_size(&pl->gcfg[i], &pl->gstore_size[i]) != 0)
			return -RVX_EMANIFEST;
		ret = graph_seed_check(pkg, p, g);
		if (ret != 0)
			return ret;
		(void)object_policy(pkg, m, RVX_RVF_WIRE_GRAPH, i, &pl->gpol[i]);
	}
	if (!take_slots(&k->vstores[0].live, sizeof(k->vstores[0]), RVX_KERNEL_VECTOR_STORES,
			m->vector_count, pl->vstore_slot) ||
	    !take_slots(&k->gstores[0].live, sizeof(k->gstores[0]), RVX_KERNEL_GRAPH_STORES,
			m->graph_count, pl->gstore_slot))
		return -RVX_ELIMIT;
	pl->store_end = k->store_pool_used;
	for (i = 0; i < m->vector_count; i++) {
		if (!pool_take(k->store_pool, k->store_pool_size, &pl->store_end,
			       pl->vstore_size[i], RVX_KERNEL_STORE_ALIGN, &pl->vstore_base[i]))
			return -RVX_ENOMEM;
	}
	for (i = 0; i < m->graph_count; i++) {
		if (!pool_take(k->store_pool, k->store_pool_size, &pl->store_end,
			       pl->gstore_size[i], RVX_KERNEL_STORE_ALIGN, &pl->gstore_base[i]))
			return -RVX_ENOMEM;
	}
	return 0;
}

static int plan(const struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
		const uint8_t *pkg, const struct rvx_rvf_package *p, struct mount_plan *pl)
{
	const struct rvx_rvf_manifest *m = &p->manifest;
	uint32_t per_task[RVX_RVF_MAX_TASKS] = {0};
	uint32_t t, i, free_tasks = 0;
	struct rvx_sched_stats st;

	/* Required capabilities: the caller's, of the type and rights asked. */
	if (a->aux_len != (uint64_t)m->required_count * 8u || (m->required_count && a->aux == 0))
		return -RVX_EINVAL;
	for (i = 0; i < m->required_count; i++) {
		struct rvx_cap_info info;
		int ret;

		memcpy(&pl->required[i].raw, (const uint8_t *)(uintptr_t)a->aux + 8u * i, 8);
		ret = rvx_cap_lookup(&k->caps, task, pl->required[i], &info);
		if (ret != 0)
			return ret;
		if ((uint32_t)info.type != m->required[i].object_type)
			return -RVX_ETYPE;
		if (!rvx_rights_subset(m->required[i].rights, info.rights))
			return -RVX_ERIGHTS;
		if ((info.rights & (RVX_RIGHT_GRANT | RVX_RIGHT_GRANT_ONCE)) == 0)
			return -RVX_ECANTGRANT;
		if (info.depth + 1u > RVX_CONFIG_CAP_MAX_DEPTH)
			return -RVX_EDEPTH;
	}
	/* What this kernel can run. */
	for (t = 0; t < m->task_count; t++) {
		if (m->tasks[t].partition >= RVX_KERNEL_PARTITIONS)
			return -RVX_EMANIFEST;
	}
	for (i = 0; i < m->queue_count; i++) {
		if (m->queues[i].slot_count < 2)
			return -RVX_EMANIFEST;
	}
	for (i = 0; i < m->region_count; i++) {
		const struct rvx_rvf_region *r = &m->regions[i];

		if (r->policy == RVX_REGION_POLICY_SLAB &&
		    rvx_region_slab_slot_count((size_t)r->size, (size_t)r->slot_size) == 0)
			return -RVX_EMANIFEST;
	}
	/* The witness policy's log size: at most what the ring or the sink
	 * keeps (0 there: every record). Its flags only ask for recording this
	 * kernel always does; checkpoint_every is kept with the mount. */
	if (m->has_witness_policy && m->witness.log_records != 0 && k->witness_keep != 0 &&
	    m->witness.log_records > k->witness_keep)
		return -RVX_EMANIFEST;
	/* Table slots. */
	for (i = 0; i < RVX_KERNEL_TASKS; i++)
		free_tasks += k->tasks[i].live == 0;
	RVX_CHECK(rvx_sched_stats(&k->sched, &st) == 0);
	if (free_tasks < m->task_count || st.free < m->task_count ||
	    !take_slots(&k->tasks[0].live, sizeof(k->tasks[0]), RVX_KERNEL_TASKS, m->task_count,
			pl->task_slot) ||
	    !take_slots(&k->regions[0].live, sizeof(k->regions[0]), RVX_KERNEL_REGIONS,
			m->region_count, pl->region_slot) ||
	    !take_slots(&k->queues[0].live, sizeof(k->queues[0]), RVX_KERNEL_QUEUES,
			m->queue_count, pl->queue_slot) ||
	    !take_slots(&k->mounts[0].live, sizeof(k->mounts[0]), RVX_KERNEL_MOUNTS, 1,
			&pl->mount_slot))
		return -RVX_ELIMIT;
	if (!rvx_kernel_object_free_(k, m->task_count + m->region_count + m->queue_count +
					   m->vector_count + m->graph_count + 1u) ||
	    !rvx_kernel_slot_free_(k, task))
		return -RVX_ELIMIT;
	/* Capability-table room of each new task (its table is empty). */
	for (i = 0; i < m->wire_count; i++) {
		if (++per_task[m->wires[i].task] > RVX_KERNEL_SLOTS)
			return -RVX_ELIMIT;
	}
	/* Pools. */
	pl->region_end = k->region_pool_used;
	for (i = 0; i < m->region_count; i++) {
		const struct rvx_rvf_region *r = &m->regions[i];

		/* The region's bytes fill whole granules (region_align). */
		if (!pool_take(k->region_pool, k->region_pool_size, &pl->region_end,
			       ((size_t)r->size + k->region_align - 1u) & ~(k->region_align - 1u),
			       k->region_align, &pl->region_base[i]))
			return -RVX_ENOMEM;
		pl->region_meta_size[i] = 0;
		if (r->policy == RVX_REGION_POLICY_SLAB) {
			uint32_t n = rvx_region_slab_slot_count((size_t)r->size, (size_t)r->slot_size);

			pl->region_meta_size[i] = rvx_region_slab_meta_size(n);
			if (!pool_take(k->region_pool, k->region_pool_size, &pl->region_end,
				       pl->region_meta_size[i], RVX_REGION_ALIGN, &pl->region_meta[i]))
				return -RVX_ENOMEM;
		}
	}
	pl->queue_end = k->queue_pool_used;
	for (i = 0; i < m->queue_count; i++) {
		pl->queue_size[i] = rvx_queue_storage_size(m->queues[i].slot_count,
							   m->queues[i].max_payload);
		if (!pool_take(k->queue_pool, k->queue_pool_size, &pl->queue_end, pl->queue_size[i],
			       RVX_QUEUE_STORAGE_ALIGN, &pl->queue_base[i]))
			return -RVX_ENOMEM;
	}
	return plan_stores(k, pkg, p, pl);
}

static void create_region(struct rvx_kernel *k, const uint8_t *pkg,
			  const struct rvx_rvf_package *p, const struct mount_plan *pl, uint32_t i)
{
	const struct rvx_rvf_region *r = &p->manifest.regions[i];
	struct rvx_region *reg = &k->regions[pl->region_slot[i]].region;
	uint8_t *mem = k->region_pool + pl->region_base[i];
	const uint8_t *init = NULL;
	size_t init_len = 0;
	uint64_t off;

	if (r->init_segment != RVX_RVF_NONE) {
		init = pkg + p->segments[r->init_segment].offset;
		init_len = (size_t)p->segments[r->init_segment].length;
	}
	switch (r->policy) {
	case RVX_REGION_POLICY_IMMUTABLE:
		RVX_CHECK(rvx_region_init_immutable(reg, mem, (size_t)r->size, init, init_len) == 0);
		break;
	case RVX_REGION_POLICY_APPEND_ONLY:
		RVX_CHECK(rvx_region_init_append(reg, mem, (size_t)r->size) == 0);
		if (init_len != 0)
			RVX_CHECK(rvx_region_append(reg, init, init_len, &off) == 0);
		break;
	default:
		RVX_CHECK(rvx_region_init_slab(reg, mem, (size_t)r->size, (size_t)r->slot_size,
					       (struct rvx_region_slot *)(void *)(k->region_pool +
										  pl->region_meta[i]),
					       pl->region_meta_size[i]) == 0);
		break;
	}
}

/* A vector store in the pool, its seed put vector by vector (each judged by
 * the plan; keys are distinct and at most the capacity, so each inserts). */
static void create_vstore(struct rvx_kernel *k, const uint8_t *pkg,
			  const struct rvx_rvf_package *p, struct mount_plan *pl, uint32_t i)
{
	const struct rvx_rvf_vector_store *rv = &p->manifest.vectors[i];
	struct rvx_kernel_vstore *v = &k->vstores[pl->vstore_slot[i]];
	float *vec = k->stage.vec + 1;

	RVX_CHECK(rvx_vec_store_init(&v->store, &pl->vcfg[i], k->store_pool + pl->vstore_base[i],
				     pl->vstore_size[i]) == 0);
	RVX_CHECK(rvx_cap_object_create(&k->caps, RVX_OBJ_VECTOR_STORE, pl->vstore_slot[i],
					&v->object) == 0);
	pl->vstore_obj[i] = v->object;
	v->policy = pl->vpol[i];
	v->pool_base = pl->vstore_base[i];
	v->pool_size = pl->vstore_size[i];
	v->state_size = rvx_vec_store_state_size(&v->store);
	v->live = 1;
	if (rv->seed_segment != RVX_RVF_NONE) {
		const uint8_t *r = pkg + p->segments[rv->seed_segment].offset;
		uint32_t count = rvx_le_get32(r + 4);

		r += RVX_RVF_SEED_HEADER_SIZE;
		for (uint32_t j = 0; j < count; j++, r += RVX_RVF_VECTOR_SEED_RECORD_SIZE(rv->dim)) {
			memcpy(vec, r + 8, 4u * (size_t)rv->dim);
			RVX_CHECK(rvx_vec_store_put(&v->store, rvx_le_get64(r), vec, rv->dim) == 0);
		}
		memset(vec, 0, 4u * (size_t)rv->dim);
	}
}

/* A graph store in the pool, its seed applied mutation by mutation (nodes,
 * then edges between them, each judged by the plan and lib/rvf). */
static void create_gstore(struct rvx_kernel *k, const uint8_t *pkg,
			  const struct rvx_rvf_package *p, struct mount_plan *pl, uint32_t i)
{
	const struct rvx_rvf_graph_store *rg = &p->manifest.graphs[i];
	struct rvx_kernel_gstore *g = &k->gstores[pl->gstore_slot[i]];

	RVX_CHECK(rvx_graph_init(&g->graph, &pl->gcfg[i], k->store_pool + pl->gstore_base[i],
				 pl->gstore_size[i]) == 0);
	RVX_CHECK(rvx_cap_object_create(&k->caps, RVX_OBJ_GRAPH_STORE, pl->gstore_slot[i],
					&g->object) == 0);
	pl->gstore_obj[i] = g->object;
	g->policy = pl->gpol[i];
	g->flags = rg->flags;
	g->pool_base = pl->gstore_base[i];
	g->pool_size = pl->gstore_size[i];
	g->state_size = rvx_graph_state_size(&g->graph);
	g->live = 1;
	if (rg->seed_segment != RVX_RVF_NONE) {
		const uint8_t *r = pkg + p->segments[rg->seed_segment].offset;
		uint32_t count = rvx_le_get32(r);
		struct rvx_graph_mutation mu;

		r += RVX_RVF_SEED_HEADER_SIZE;
		for (uint32_t j = 0; j < count; j++, r += RVX_RVF_GRAPH_SEED_RECORD_SIZE) {
			RVX_CHECK(rvx_graph_mutation_decode(r, &mu) == 0);
			RVX_CHECK(rvx_graph_apply(&g->graph, &mu) == 0);
		}
	}
}

static void commit(struct rvx_kernel *k, uint32_t task, const uint8_t *pkg,
		   const struct rvx_rvf_package *p, struct mount_plan *pl)
{
	const struct rvx_rvf_manifest *m = &p->manifest;
	uint32_t i;

	for (i = 0; i < m->region_count; i++) {
		struct rvx_kernel_region *kr = &k->regions[pl->region_slot[i]];
		struct rvx_kernel_obj_policy *op = &k->region_policy[pl->region_slot[i]];

		create_region(k, pkg, p, pl, i);
		memset(op, 0, sizeof(*op));
		op->set = object_policy(pkg, m, RVX_RVF_WIRE_REGION, i, &op->policy);
		if (!op->set)
			memset(op, 0, sizeof(*op));
		RVX_CHECK(rvx_cap_object_create(&k->caps, RVX_OBJ_REGION, pl->region_slot[i],
						&kr->object) == 0);
		pl->region_obj[i] = kr->object;
		kr->live = 1;
	}
	k->region_pool_used = pl->region_end;
	for (i = 0; i < m->queue_count; i++) {
		struct rvx_kernel_queue *q = &k->queues[pl->queue_slot[i]];
		struct rvx_kernel_obj_policy *op = &k->queue_policy[pl->queue_slot[i]];

		memset(op, 0, sizeof(*op));
		op->set = object_policy(pkg, m, RVX_RVF_WIRE_QUEUE, i, &op->policy);
		if (!op->set)
			memset(op, 0, sizeof(*op));
		RVX_CHECK(rvx_queue_init(&q->queue, k->queue_pool + pl->queue_base[i],
					 pl->queue_size[i], m->queues[i].slot_count,
					 m->queues[i].max_payload) == 0);
		RVX_CHECK(rvx_cap_object_create(&k->caps, RVX_OBJ_QUEUE, pl->queue_slot[i],
						&q->object) == 0);
		pl->queue_obj[i] = q->object;
		q->live = 1;
		q->waiter = RVX_CAP_NIL;
		q->dropped = 0;
	}
	k->queue_pool_used = pl->queue_end;
	for (i = 0; i < m->vector_count; i++)
		create_vstore(k, pkg, p, pl, i);
	for (i = 0; i < m->graph_count; i++)
		create_gstore(k, pkg, p, pl, i);
	k->store_pool_used = pl->store_end;
	for (i = 0; i < m->task_count; i++) {
		const struct rvx_rvf_task *rt = &m->tasks[i];
		uint32_t c = pl->task_slot[i];
		struct rvx_kernel_task *t = &k->tasks[c];
		uint64_t entry = rt->entry;

		if (rt->code_segment != RVX_RVF_NONE)
			entry += p->segments[rt->code_segment].offset;
		memset(t, 0, sizeof(*t));
		RVX_CHECK(rvx_cap_object_create(&k->caps, RVX_OBJ_TASK, c, &t->object) == 0);
		pl->task_obj[i] = t->object;
		t->entry = entry;
		t->priority = rt->priority;
		/* The manifest's name: NUL-padded with at least one NUL (the
		 * package library refused it otherwise). */
		memcpy(t->name, rt->name, sizeof(t->name));
		RVX_CHECK(rvx_sched_task_create(&k->sched, 0, rt->partition,
						rt->deadline_ns != 0 ? rt->deadline_ns
								     : RVX_KERNEL_DEFAULT_DEADLINE_NS,
						c, &t->sched) == 0);
		RVX_CHECK(rvx_sched_task_set_port_ctx(&k->sched, t->sched, entry) == 0);
		RVX_CHECK(rvx_sched_task_set_urgency(&k->sched, t->sched,
						     RVX_SCHED_URGENCY_MAX - rt->priority) == 0);
		t->live = 1;
	}
	/* Exactly the declared capabilities. */
	for (i = 0; i < m->wire_count; i++) {
		const struct rvx_rvf_wire *w = &m->wires[i];
		uint32_t dst = pl->task_slot[w->task];
		rvx_handle_t out;

		switch (w->kind) {
		case RVX_RVF_WIRE_TASK:
			RVX_CHECK(rvx_cap_mint(&k->caps, dst, pl->task_obj[w->object], w->rights, 0,
					       &out) == 0);
			break;
		case RVX_RVF_WIRE_REGION:
			RVX_CHECK(rvx_cap_mint(&k->caps, dst, pl->region_obj[w->object], w->rights,
					       0, &out) == 0);
			break;
		case RVX_RVF_WIRE_QUEUE:
			RVX_CHECK(rvx_cap_mint(&k->caps, dst, pl->queue_obj[w->object], w->rights, 0,
					       &out) == 0);
			break;
		case RVX_RVF_WIRE_VECTOR:
			RVX_CHECK(rvx_cap_mint(&k->caps, dst, pl->vstore_obj[w->object], w->rights,
					       0, &out) == 0);
			break;
		case RVX_RVF_WIRE_GRAPH:
			RVX_CHECK(rvx_cap_mint(&k->caps, dst, pl->gstore_obj[w->object], w->rights,
					       0, &out) == 0);
			break;
		default:
			RVX_CHECK(rvx_cap_derive(&k->caps, task, pl->required[w->object], dst,
						 w->rights, 0, &out) == 0);
			break;
		}
	}
	for (i = 0; i < m->task_count; i++)
		RVX_CHECK(rvx_sched_task_wake(&k->sched, k->tasks[pl->task_slot[i]].sched,
					      k->now) == 0);
}

int rvx_kernel_sys_mount_(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r)
{
	struct rvx_rvf_package p;
	struct mount_plan pl;
	struct rvx_kernel_mount *mt;
	enum rvx_rvf_reason reason;
	const uint8_t *pkg;
	uint8_t args[32 + 16];
	uint32_t counts[4];
	rvx_handle_t cap = {a->cap}, mcap;
	uint32_t i;
	int ret;

	if (a->flags != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_TASK,
			    RVX_RIGHT_EXECUTE | RVX_RIGHT_WRITE, NULL);
	if (ret != 0)
		return ret;
	if (a->in == 0 || a->in_len == 0 || a->in_len > RVX_RVF_MAX_PACKAGE)
		return -RVX_EINVAL;
	pkg = (const uint8_t *)(uintptr_t)a->in;
	ret = rvx_rvf_verify(pkg, (size_t)a->in_len, &k->trusted, &p, &reason);
	if (ret != 0)
		return ret;
	if (a->out != 0 && a->out_len < (uint64_t)p.manifest.task_count * 4u)
		return -RVX_EBUFSMALL;
	memset(&pl, 0, sizeof(pl));
	ret = plan(k, task, a, pkg, &p, &pl);
	if (ret != 0)
		return ret;
	counts[0] = p.manifest.task_count;
	counts[1] = p.manifest.region_count;
	counts[2] = p.manifest.queue_count;
	counts[3] = p.manifest.wire_count;
	memcpy(args, p.package_hash, 32);
	memcpy(args + 32, counts, sizeof(counts));
	ret = rvx_kernel_witness_room_(k, sizeof(args));
	if (ret != 0)
		return ret;
	ret = rvx_kernel_witness_(k, RVX_WITNESS_MOUNT, RVX_PROOF_TIER_DEEP, task, pl.mount_slot,
				  args, sizeof(args), NULL);
	if (ret != 0)
		return ret;
	commit(k, task, pkg, &p, &pl);
	mt = &k->mounts[pl.mount_slot];
	mcap = rvx_kernel_create_mint_(k, task, RVX_OBJ_MOUNT, pl.mount_slot, RVX_RIGHTS_ALL,
				       &mt->object);
	mt->live = 1;
	mt->task_count = counts[0];
	mt->region_count = counts[1];
	mt->queue_count = counts[2];
	mt->vector_count = p.manifest.vector_count;
	mt->graph_count = p.manifest.graph_count;
	mt->checkpoint_every = p.manifest.has_witness_policy ? p.manifest.witness.checkpoint_every
							     : 0;
	memcpy(mt->package_hash, p.package_hash, 32);
	if (a->out != 0) {
		for (i = 0; i < counts[0]; i++)
			memcpy((uint8_t *)(uintptr_t)a->out + 4u * i, &pl.task_slot[i], 4);
	}
	memset(r, 0, sizeof(*r));
	r->version = RVX_SYSCALL_VERSION;
	r->status = RVX_SYSCALL_DONE;
	r->value[0] = mcap.raw;
	r->value[1] = pl.mount_slot;
	r->value[2] = counts[0];
	return 0;
}
