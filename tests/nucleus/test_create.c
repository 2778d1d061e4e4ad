/* SPDX-License-Identifier: Apache-2.0 */
/* The embedder's object creation calls (queue, vector store, graph store,
 * sensor): each documented error, and that a refused call changed nothing;
 * a successful one appends its record and hands out a working capability. */
#include "nk_fixture.h"

TestSuite(nucleus_create, .init = nk_setup);

static alignas(64) uint8_t mem[262144 + 64];
static struct rvx_proof_policy pol;

static void refused(int got, int want)
{
	cr_assert_eq(got, want, "got %d, want %d", got, want);
	cr_assert(nk_unchanged(), "a refused create changed state");
}

/* Journal room for only a few bytes: every create's record is refused. */
static size_t journal_nearly_full(void)
{
	size_t cap = W.k.journal.capacity;

	W.k.journal.capacity = W.k.journal.used + 8u;
	return cap;
}

static void created(uint16_t kind, uint64_t before, rvx_handle_t cap)
{
	cr_assert_eq(nk_records(), before + 1u);
	cr_assert_eq(nk_last_kind(), kind);
	cr_assert(!rvx_handle_is_null(cap));
}

Test(nucleus_create, vector_store)
{
	struct rvx_vec_config vc, bad;
	rvx_handle_t cap = RVX_HANDLE_NULL;
	size_t need, saved;
	uint64_t before;

	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	rvx_vec_config_default(&vc, NK_DIM, NK_VCAP, RVX_VEC_METRIC_L2);
	cr_assert_eq(rvx_vec_store_size(&vc, &need), 0);
	cr_assert_leq(need, sizeof(mem) - 64u);
	bad = vc;
	bad.dim = 0;
	/* before: a snapshot; after: each refusal left every byte as it was */
	nk_snap();
	refused(rvx_kernel_vector_store_create(NULL, 0, &vc, mem, need, &pol, RVX_RIGHTS_ALL,
					       &cap), -RVX_EINVAL);
	refused(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, need, &pol, RVX_RIGHTS_ALL,
					       NULL), -RVX_EINVAL);
	refused(rvx_kernel_vector_store_create(&W.k, RVX_KERNEL_TASKS, &vc, mem, need, &pol,
					       RVX_RIGHTS_ALL, &cap), -RVX_EINVAL);
	refused(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, need, &pol,
					       (rvx_rights_t)(RVX_RIGHTS_ALL + 1u), &cap),
		-RVX_EINVAL);
	refused(rvx_kernel_vector_store_create(&W.k, 0, NULL, mem, need, &pol, RVX_RIGHTS_ALL,
					       &cap), -RVX_EINVAL);
	refused(rvx_kernel_vector_store_create(&W.k, 0, &vc, NULL, need, &pol, RVX_RIGHTS_ALL,
					       &cap), -RVX_EINVAL);
	refused(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, need, NULL, RVX_RIGHTS_ALL,
					       &cap), -RVX_EINVAL);
	refused(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem + 8, need, &pol,
					       RVX_RIGHTS_ALL, &cap), -RVX_EINVAL);
	refused(rvx_kernel_vector_store_create(&W.k, 0, &bad, mem, need, &pol, RVX_RIGHTS_ALL,
					       &cap), -RVX_EINVAL);
	refused(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, need - 1u, &pol,
					       RVX_RIGHTS_ALL, &cap), -RVX_ENOMEM);
	for (size_t i = 0; i < RVX_KERNEL_VECTOR_STORES; i++)
		W.k.vstores[i].live = 1;
	nk_snap();
	refused(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, need, &pol, RVX_RIGHTS_ALL,
					       &cap), -RVX_ELIMIT);
	for (size_t i = 1; i < RVX_KERNEL_VECTOR_STORES; i++)
		W.k.vstores[i].live = 0;
	saved = journal_nearly_full();
	nk_snap();
	refused(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, need, &pol, RVX_RIGHTS_ALL,
					       &cap), -RVX_EFULL);
	W.k.journal.capacity = saved;

	before = nk_records();
	cr_assert_eq(rvx_kernel_vector_store_create(&W.k, 0, &vc, mem, need, &pol,
						    RVX_RIGHT_READ, &cap), 0);
	created(RVX_WITNESS_OBJECT_CREATE, before, cap);
	cr_assert_eq(W.k.vstores[1].live, 1u);
	cr_assert_eq(nk_target(0, cap), W.k.vstores[1].object.raw);
}

Test(nucleus_create, graph_store)
{
	struct rvx_graph_config gc = {8, 16, 0, 0, 3}, bad = {0, 16, 0, 0, 3};
	rvx_handle_t cap = RVX_HANDLE_NULL;
	size_t need, saved;
	uint64_t before;

	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	cr_assert_eq(rvx_graph_size(&gc, &need), 0);
	nk_snap();
	refused(rvx_kernel_graph_store_create(NULL, 0, &gc, mem, need, &pol, RVX_RIGHTS_ALL,
					      &cap), -RVX_EINVAL);
	refused(rvx_kernel_graph_store_create(&W.k, 0, &gc, mem, need, &pol, RVX_RIGHTS_ALL,
					      NULL), -RVX_EINVAL);
	refused(rvx_kernel_graph_store_create(&W.k, RVX_KERNEL_TASKS, &gc, mem, need, &pol,
					      RVX_RIGHTS_ALL, &cap), -RVX_EINVAL);
	refused(rvx_kernel_graph_store_create(&W.k, 0, &gc, mem, need, &pol,
					      (rvx_rights_t)(RVX_RIGHTS_ALL + 1u), &cap),
		-RVX_EINVAL);
	refused(rvx_kernel_graph_store_create(&W.k, 0, NULL, mem, need, &pol, RVX_RIGHTS_ALL,
					      &cap), -RVX_EINVAL);
	refused(rvx_kernel_graph_store_create(&W.k, 0, &gc, NULL, need, &pol, RVX_RIGHTS_ALL,
					      &cap), -RVX_EINVAL);
	refused(rvx_kernel_graph_store_create(&W.k, 0, &gc, mem, need, NULL, RVX_RIGHTS_ALL,
					      &cap), -RVX_EINVAL);
	refused(rvx_kernel_graph_store_create(&W.k, 0, &gc, mem + 8, need, &pol, RVX_RIGHTS_ALL,
					      &cap), -RVX_EINVAL);
	refused(rvx_kernel_graph_store_create(&W.k, 0, &bad, mem, need, &pol, RVX_RIGHTS_ALL,
					      &cap), -RVX_EINVAL);
	refused(rvx_kernel_graph_store_create(&W.k, 0, &gc, mem, need - 1u, &pol,
					      RVX_RIGHTS_ALL, &cap), -RVX_ENOMEM);
	for (size_t i = 0; i < RVX_KERNEL_GRAPH_STORES; i++)
		W.k.gstores[i].live = 1;
	nk_snap();
	refused(rvx_kernel_graph_store_create(&W.k, 0, &gc, mem, need, &pol, RVX_RIGHTS_ALL,
					      &cap), -RVX_ELIMIT);
	for (size_t i = 1; i < RVX_KERNEL_GRAPH_STORES; i++)
		W.k.gstores[i].live = 0;
	saved = journal_nearly_full();
	nk_snap();
	refused(rvx_kernel_graph_store_create(&W.k, 0, &gc, mem, need, &pol, RVX_RIGHTS_ALL,
					      &cap), -RVX_EFULL);
	W.k.journal.capacity = saved;

	before = nk_records();
	cr_assert_eq(rvx_kernel_graph_store_create(&W.k, 0, &gc, mem, need, &pol, RVX_RIGHT_READ,
						   &cap), 0);
	created(RVX_WITNESS_OBJECT_CREATE, before, cap);
	cr_assert_eq(W.k.gstores[1].live, 1u);
	cr_assert_eq(W.k.gstores[1].flags, gc.flags);
	cr_assert_eq(nk_target(0, cap), W.k.gstores[1].object.raw);
}

Test(nucleus_create, sensor)
{
	rvx_handle_t cap = RVX_HANDLE_NULL;
	uint32_t sensor = 99;
	size_t saved;
	uint64_t before;

	nk_snap();
	refused(rvx_kernel_sensor_register(NULL, 0, 5, RVX_RIGHTS_ALL, &sensor, &cap),
		-RVX_EINVAL);
	refused(rvx_kernel_sensor_register(&W.k, 0, 5, RVX_RIGHTS_ALL, &sensor, NULL),
		-RVX_EINVAL);
	refused(rvx_kernel_sensor_register(&W.k, 0, 5, RVX_RIGHTS_ALL, NULL, &cap), -RVX_EINVAL);
	refused(rvx_kernel_sensor_register(&W.k, RVX_KERNEL_TASKS, 5, RVX_RIGHTS_ALL, &sensor,
					   &cap), -RVX_EINVAL);
	refused(rvx_kernel_sensor_register(&W.k, 0, 5, (rvx_rights_t)(RVX_RIGHTS_ALL + 1u),
					   &sensor, &cap), -RVX_EINVAL);
	cr_assert_eq(sensor, 99u);
	for (size_t i = 0; i < RVX_KERNEL_SENSORS; i++)
		W.k.sensors[i].live = 1;
	nk_snap();
	refused(rvx_kernel_sensor_register(&W.k, 0, 5, RVX_RIGHTS_ALL, &sensor, &cap),
		-RVX_ELIMIT);
	for (size_t i = 1; i < RVX_KERNEL_SENSORS; i++)
		W.k.sensors[i].live = 0;
	saved = journal_nearly_full();
	nk_snap();
	refused(rvx_kernel_sensor_register(&W.k, 0, 5, RVX_RIGHTS_ALL, &sensor, &cap),
		-RVX_EFULL);
	W.k.journal.capacity = saved;

	before = nk_records();
	cr_assert_eq(rvx_kernel_sensor_register(&W.k, 0, 5, RVX_RIGHTS_ALL, &sensor, &cap), 0);
	created(RVX_WITNESS_OBJECT_CREATE, before, cap);
	cr_assert_eq(sensor, 1u);
	cr_assert_eq(W.k.sensors[1].type_id, 5u);
	cr_assert_eq(nk_target(0, cap), W.k.sensors[1].object.raw);
}

Test(nucleus_create, queue)
{
	rvx_handle_t cap = RVX_HANDLE_NULL;
	size_t saved, pool;
	uint64_t before;

	nk_snap();
	refused(rvx_kernel_queue_create(NULL, 0, 4, 64, RVX_RIGHTS_ALL, &cap), -RVX_EINVAL);
	refused(rvx_kernel_queue_create(&W.k, 0, 4, 64, RVX_RIGHTS_ALL, NULL), -RVX_EINVAL);
	refused(rvx_kernel_queue_create(&W.k, RVX_KERNEL_TASKS, 4, 64, RVX_RIGHTS_ALL, &cap),
		-RVX_EINVAL);
	refused(rvx_kernel_queue_create(&W.k, 0, 4, 64, (rvx_rights_t)(RVX_RIGHTS_ALL + 1u), &cap),
		-RVX_EINVAL);
	refused(rvx_kernel_queue_create(&W.k, 0, 3, 64, RVX_RIGHTS_ALL, &cap), -RVX_EINVAL);
	refused(rvx_kernel_queue_create(&W.k, 0, 1, 64, RVX_RIGHTS_ALL, &cap), -RVX_EINVAL);
	refused(rvx_kernel_queue_create(&W.k, 0, 4, RVX_QUEUE_PAYLOAD_MAX + 1u, RVX_RIGHTS_ALL,
					&cap), -RVX_EINVAL);
	pool = W.k.queue_pool_size;
	W.k.queue_pool_size = W.k.queue_pool_used;
	nk_snap();
	refused(rvx_kernel_queue_create(&W.k, 0, 4, 64, RVX_RIGHTS_ALL, &cap), -RVX_ENOMEM);
	W.k.queue_pool_size = pool;
	for (size_t i = 0; i < RVX_KERNEL_QUEUES; i++)
		W.k.queues[i].live = 1;
	nk_snap();
	refused(rvx_kernel_queue_create(&W.k, 0, 4, 64, RVX_RIGHTS_ALL, &cap), -RVX_ELIMIT);
	for (size_t i = 1; i < RVX_KERNEL_QUEUES; i++)
		W.k.queues[i].live = 0;
	saved = journal_nearly_full();
	nk_snap();
	refused(rvx_kernel_queue_create(&W.k, 0, 4, 64, RVX_RIGHTS_ALL, &cap), -RVX_EFULL);
	W.k.journal.capacity = saved;

	before = nk_records();
	cr_assert_eq(rvx_kernel_queue_create(&W.k, 0, 4, 64, RVX_RIGHTS_ALL, &cap), 0);
	created(RVX_WITNESS_QUEUE_CREATE, before, cap);
	cr_assert_eq(W.k.queues[1].live, 1u);
	cr_assert_eq(nk_target(0, cap), W.k.queues[1].object.raw);
}
