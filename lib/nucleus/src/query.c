/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Read-only questions an operator asks (ruvix/nucleus_query.h): memory,
 * queues and stores by index, proof decisions, the syscall trace and the
 * records of the kernel's own witness ring. Nothing here changes kept
 * state; rvx_kernel_trace_set() switches the trace, which is not state.
 */
#include "nucleus_internal.h"
#include "ruvix/endian.h"
#include "ruvix/nucleus_query.h"

int rvx_kernel_mem_info(const struct rvx_kernel *k, struct rvx_kernel_mem_info *out)
{
	uint32_t i;

	if (k == NULL || out == NULL || !k->booted)
		return -RVX_EINVAL;
	memset(out, 0, sizeof(*out));
	out->kernel_bytes = sizeof(*k);
	out->region_pool.size = k->region_pool_size;
	out->region_pool.used = k->region_pool_used;
	out->queue_pool.size = k->queue_pool_size;
	out->queue_pool.used = k->queue_pool_used;
	out->store_pool.size = k->store_pool_size;
	out->store_pool.used = k->store_pool_used;
	if (k->has_journal) {
		out->journal.size = k->journal.capacity;
		out->journal.used = k->journal.used;
	}
	for (i = 0; i < RVX_KERNEL_REGIONS; i++) {
		const struct rvx_region *r = &k->regions[i].region;

		if (!k->regions[i].live || r->policy > 3u)
			continue;
		out->regions[r->policy]++;
		out->region_bytes[r->policy] += r->size;
		if (r->policy == RVX_REGION_POLICY_APPEND_ONLY)
			out->append_used += r->cursor;
		if (r->policy == RVX_REGION_POLICY_SLAB) {
			out->slab_slots += r->slot_count;
			out->slab_used += r->used_slots;
		}
	}
	return 0;
}

int rvx_kernel_queue_info(const struct rvx_kernel *k, uint32_t index,
			  struct rvx_kernel_queue_info *out)
{
	const struct rvx_kernel_queue *q;

	if (k == NULL || out == NULL || !k->booted || index >= RVX_KERNEL_QUEUES)
		return -RVX_EINVAL;
	q = &k->queues[index];
	if (!q->live)
		return -RVX_ENOENT;
	memset(out, 0, sizeof(*out));
	out->object = q->object;
	out->capacity = rvx_queue_capacity(&q->queue);
	out->depth = rvx_queue_count_total(&q->queue);
	out->max_payload = rvx_queue_max_payload(&q->queue);
	out->waiter = q->waiter;
	out->sent_messages = q->closed_msgs[0] + q->epoch_msgs[0];
	out->sent_bytes = q->closed_bytes[0] + q->epoch_bytes[0];
	out->received_messages = q->closed_msgs[1] + q->epoch_msgs[1];
	out->received_bytes = q->closed_bytes[1] + q->epoch_bytes[1];
	out->dropped = q->dropped;
	return 0;
}

int rvx_kernel_vstore_info(const struct rvx_kernel *k, uint32_t index,
			   struct rvx_kernel_vstore_info *out)
{
	const struct rvx_kernel_vstore *v;

	if (k == NULL || out == NULL || !k->booted || index >= RVX_KERNEL_VECTOR_STORES)
		return -RVX_EINVAL;
	v = &k->vstores[index];
	if (!v->live)
		return -RVX_ENOENT;
	memset(out, 0, sizeof(*out));
	out->object = v->object;
	out->dim = v->store.dim;
	out->capacity = v->store.capacity;
	out->count = rvx_vec_store_count(&v->store);
	out->metric = v->store.metric;
	out->tier = v->policy.required_tier;
	out->mounted = v->pool_size != 0;
	out->epoch = rvx_vec_store_epoch(&v->store);
	return 0;
}

int rvx_kernel_gstore_info(const struct rvx_kernel *k, uint32_t index,
			   struct rvx_kernel_gstore_info *out)
{
	const struct rvx_kernel_gstore *g;

	if (k == NULL || out == NULL || !k->booted || index >= RVX_KERNEL_GRAPH_STORES)
		return -RVX_EINVAL;
	g = &k->gstores[index];
	if (!g->live)
		return -RVX_ENOENT;
	memset(out, 0, sizeof(*out));
	out->object = g->object;
	out->nodes = rvx_graph_node_count(&g->graph);
	out->edges = rvx_graph_edge_count(&g->graph);
	out->node_capacity = g->graph.node_capacity;
	out->edge_capacity = g->graph.edge_capacity;
	out->tier = g->policy.required_tier;
	out->mounted = g->pool_size != 0;
	return 0;
}

int rvx_kernel_proof_counts(const struct rvx_kernel *k, struct rvx_kernel_proof_counts *out)
{
	if (k == NULL || out == NULL || !k->booted)
		return -RVX_EINVAL;
	memcpy(out->accepted, k->observe.proof_accepted, sizeof(out->accepted));
	memcpy(out->rejected, k->observe.proof_rejected, sizeof(out->rejected));
	memcpy(out->reasons, k->observe.proof_reasons, sizeof(out->reasons));
	return 0;
}

int rvx_kernel_trace_set(struct rvx_kernel *k, uint32_t on)
{
	if (k == NULL || !k->booted || k->call.active || on > 1u)
		return -RVX_EINVAL;
	k->observe.trace_on = on;
	return 0;
}

int rvx_kernel_trace_state(const struct rvx_kernel *k, uint32_t *on, uint64_t *count)
{
	if (k == NULL || !k->booted)
		return -RVX_EINVAL;
	if (on != NULL)
		*on = k->observe.trace_on;
	if (count != NULL)
		*count = k->observe.trace_count;
	return 0;
}

int rvx_kernel_trace_read(const struct rvx_kernel *k, uint32_t back,
			  struct rvx_kernel_trace_entry *out)
{
	const struct rvx_kernel_observe *o;
	uint64_t held;

	if (k == NULL || out == NULL || !k->booted)
		return -RVX_EINVAL;
	o = &k->observe;
	held = o->trace_count < RVX_KERNEL_TRACE_ENTRIES ? o->trace_count
							  : RVX_KERNEL_TRACE_ENTRIES;
	if ((uint64_t)back >= held)
		return -RVX_ENOENT;
	*out = o->trace[(o->trace_next + RVX_KERNEL_TRACE_ENTRIES - 1u - back) %
			RVX_KERNEL_TRACE_ENTRIES];
	return 0;
}

int rvx_kernel_witness_held(const struct rvx_kernel *k, uint64_t *first, uint64_t *count)
{
	if (k == NULL || first == NULL || count == NULL || !k->booted)
		return -RVX_EINVAL;
	if (k->ring.base == NULL)
		return -RVX_ENOTSUP;
	/* After a restore to an earlier point the ring holds another history. */
	if (k->ring.count > k->log.sequence)
		return -RVX_ENOENT;
	/* The ring holds the newest records: the last `count` appended. */
	*count = k->ring.count;
	*first = k->log.sequence - k->ring.count;
	return 0;
}

int rvx_kernel_witness_read(const struct rvx_kernel *k, uint64_t seq,
			    uint8_t out[RVX_WITNESS_RECORD_SIZE])
{
	uint64_t first, count;
	const uint8_t *rec;
	int ret;

	if (out == NULL)
		return -RVX_EINVAL;
	ret = rvx_kernel_witness_held(k, &first, &count);
	if (ret != 0)
		return ret;
	if (seq < first || seq - first >= count)
		return -RVX_ENOENT;
	rec = rvx_witness_ring_at(&k->ring, (uint32_t)(seq - first));
	if (rec == NULL || rvx_le_get64(rec) != seq /* its sequence */)
		return -RVX_ENOENT;
	memcpy(out, rec, RVX_WITNESS_RECORD_SIZE);
	return 0;
}

int rvx_kernel_witness_span(const struct rvx_kernel *k, const uint8_t **records,
			    uint64_t *count)
{
	if (k == NULL || records == NULL || count == NULL || !k->booted)
		return -RVX_EINVAL;
	if (k->ring.base == NULL)
		return -RVX_ENOTSUP;
	if (k->ring.dropped != 0 || k->ring.count != k->log.sequence)
		return -RVX_ENOENT;
	/* Never wrapped: the oldest record is in the first slot. */
	*records = k->ring.base;
	*count = k->ring.count;
	return 0;
}
