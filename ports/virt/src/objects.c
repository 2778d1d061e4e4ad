/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel objects the virt image makes at boot for its packages (the
 * embedder's objects of the nucleus): a vector store "memory", a graph
 * store "beliefs", a sensor "sensor0" fed by a real source, the generic timer (one event per 1 ms tick
 * of CPU 0, carrying the counter and a sequence number), and the root's
 * clock "clock" (the names the cognitive demo's package asks for). The root task
 * holds them with every right; a package asks for one with a `require NAME
 * type=...` line, and the component loader (component.c) passes it the
 * object of that name and type (the nucleus derives its capability with
 * the rights the manifest wires).
 *
 * Locks: rvx_virt_objects_tick() runs under the kernel lock (the tick).
 */
#include "ruvix/nucleus.h"
#include "ruvix/port.h"
#include "objects.h"

/* The vector store: RVX_VIRT_VEC_DIM floats per vector, L2. */
#define VEC_CAPACITY 256u
/* Largest ef a k-NN query may use (the kernel's scratch). */
#define VEC_EF_MAX 64u

static struct rvx_virt_offer offers[4];
static uint32_t offer_count;
static uint32_t sensor_index;
static uint32_t sensor_live;
static uint64_t sensor_seq;

void rvx_virt_objects_scratch(struct rvx_kernel_config *cfg)
{
	cfg->vec_scratch_size = RVX_VEC_SCRATCH_BYTES(VEC_CAPACITY, VEC_EF_MAX);
	cfg->vec_scratch = rvx_a64_alloc(cfg->vec_scratch_size, 4096);
	cfg->vec_scratch_capacity = VEC_CAPACITY;
	cfg->vec_scratch_ef = VEC_EF_MAX;
}

static int offer(const char *name, uint32_t type, rvx_handle_t cap)
{
	struct rvx_virt_offer *o = &offers[offer_count++];

	memset(o, 0, sizeof(*o));
	memcpy(o->name, name, strlen(name));
	o->type = type;
	o->cap = cap;
	return 0;
}

int rvx_virt_objects_create(struct rvx_kernel *k)
{
	struct rvx_vec_config vc;
	struct rvx_graph_config gc = {64, 256, 0, 0, 0x5EED};
	struct rvx_proof_policy pol;
	rvx_handle_t vstore, gstore, sensor;
	size_t vsize, gsize;
	void *vmem, *gmem;
	int rc;

	rvx_vec_config_default(&vc, RVX_VIRT_VEC_DIM, VEC_CAPACITY, RVX_VEC_METRIC_L2);
	rc = rvx_vec_store_size(&vc, &vsize);
	if (rc == 0)
		rc = rvx_graph_size(&gc, &gsize);
	if (rc != 0)
		return rc;
	vmem = rvx_a64_alloc(vsize, 4096);
	gmem = rvx_a64_alloc(gsize, 4096);
	if (vmem == NULL || gmem == NULL)
		return -RVX_ENOMEM;
	/* Every mutation needs a proof token the kernel verifies (the nucleus
	 * checks the token against the capability it is presented with); the
	 * policy adds no further bounds. */
	rvx_proof_policy_open(&pol, RVX_PROOF_TIER_REFLEX);
	rc = rvx_kernel_vector_store_create(k, 0, &vc, vmem, vsize, &pol, RVX_RIGHTS_ALL, &vstore);
	if (rc == 0)
		rc = rvx_kernel_graph_store_create(k, 0, &gc, gmem, gsize, &pol, RVX_RIGHTS_ALL,
						   &gstore);
	if (rc == 0)
		rc = rvx_kernel_sensor_register(k, 0, RVX_VIRT_SENSOR_TYPE, RVX_RIGHTS_ALL,
						&sensor_index, &sensor);
	if (rc != 0)
		return rc;
	offer("memory", RVX_OBJ_VECTOR_STORE, vstore);
	offer("beliefs", RVX_OBJ_GRAPH_STORE, gstore);
	offer("sensor0", RVX_OBJ_SENSOR, sensor);
	offer("clock", RVX_OBJ_TIMER, rvx_virt_root_caps()->clock);
	__atomic_store_n(&sensor_live, 1u, __ATOMIC_RELEASE);
	return 0;
}

const struct rvx_virt_offer *rvx_virt_objects_offers(uint32_t *count)
{
	*count = offer_count;
	return offers;
}

void rvx_virt_objects_tick(struct rvx_kernel *k, uint32_t cpu)
{
	struct rvx_virt_timer_event ev;
	struct rvx_queue_msg_hdr hdr;

	if (cpu != 0 || !__atomic_load_n(&sensor_live, __ATOMIC_ACQUIRE))
		return;
	ev.counter = rvx_a64_counter();
	ev.seq = sensor_seq++;
	memset(&hdr, 0, sizeof(hdr));
	hdr.length = sizeof(ev);
	(void)rvx_kernel_sensor_deliver(k, sensor_index, &hdr, &ev);
}

uint32_t rvx_virt_objects_digest(struct rvx_kernel *k, uint64_t key0, uint32_t count,
				 uint8_t out[32])
{
	uint32_t found = 0;

	if (offer_count == 0 ||
	    rvx_kernel_vector_digest(k, 0, offers[0].cap /* "memory" */, key0, count, out,
				     &found) != 0)
		memset(out, 0, 32);
	return found;
}
