/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The NUMA program (`-append rvx.partitions=numa`, run by the root task):
 * four partitions A, B, C, D in two clusters that talk, A with C and B with
 * D, over a ring of CommEdges: A->C and B->D carry a steady flow (4
 * messages of 48 bytes every 2 ms), C->B and D->A a trickle (1 message of
 * 8 bytes every 2 ms) that links the clusters. They start round-robin over
 * the CPUs in creation order (A on CPU 0, B on 1, C on 2, D on 3), which on
 * `-numa node,nodeid=0,cpus=0-1 -numa node,nodeid=1,cpus=2-3` splits both
 * clusters across the nodes: the naive placement. With rvx.coherence=on
 * the engine in lib/part (k = nodes) gathers each cluster on a node by
 * witnessed migrations; without it the partitions stay. Either way each
 * epoch close writes the TRAFFIC record with the cross-node bytes the
 * kernel counted, which tests/virt/partitions.py --check numa and
 * partition-figures.py --numa read. Every flow runs the same rounds, so the
 * two runs carry the same traffic.
 *
 * Locks: lib/part calls under the kernel lock (rvx_a64_rt_lock()).
 */
#include "ruvix/nucleus.h"
#include "part.h"

#define FIELD(f) ((uint16_t)offsetof(struct guest_boot, f))
#define ROUNDS 500u
#define PERIOD_NS (2u * RVX_VIRT_MS)
#define HEAVY_BURST 4u
#define HEAVY_LEN 48u
#define LIGHT_BURST 1u
#define LIGHT_LEN 8u

/* The ring: edge e goes from partition from[e] to to[e]; heavy[e] says which
 * carry the clusters' flow. */
static const uint32_t from[4] = {0, 2, 1, 3}; /* A->C, C->B, B->D, D->A */
static const uint32_t to[4] = {2, 1, 3, 0};
static const bool heavy[4] = {true, false, true, false};

static struct rvx_part *PL(void)
{
	return &rvx_virt_pl;
}

static bool flows_done(void)
{
	for (uint32_t i = 0; i < RVX_VIRT_PARTS_MAX; i++)
		if (rvx_virt_progress[i].reports[GUEST_REP_FLOW] == 0)
			return false;
	return true;
}

static uint32_t node_of(uint32_t cpu)
{
	return PL()->cfg.node_count > 1u ? PL()->cfg.cpu_node[cpu] : 0u;
}

void rvx_virt_part_numa(void)
{
	uint64_t clock = rvx_virt_root_caps()->clock.raw;
	uint64_t q[4], daif;
	uint32_t task[RVX_VIRT_PARTS_MAX], cpus = PL()->cfg.cpu_count;
	uint64_t child[RVX_VIRT_PARTS_MAX][3];
	static const uint16_t where[3] = {FIELD(clock), FIELD(q_send), FIELD(q_recv)};
	int rc = 0;

	daif = rvx_a64_rt_lock();
	for (uint32_t e = 0; e < 4u; e++) {
		rvx_handle_t cap;

		rc = rvx_kernel_queue_create(rvx_virt_kernel(), 0, 8, 64,
					     RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT, &cap);
		if (rc != 0)
			rvx_a64_fail("creating a queue", rc);
		q[e] = cap.raw;
	}
	/* Round-robin over the CPUs in creation order. */
	for (uint32_t i = 0; rc == 0 && i < RVX_VIRT_PARTS_MAX; i++) {
		rc = rvx_part_migrate(PL(), i, i % cpus, rvx_a64_cpu_index());
		if (rc == 0)
			rc = rvx_part_resume(PL(), i, rvx_a64_cpu_index());
	}
	if (rc != 0)
		rvx_a64_fail("placing a partition", rc);
	for (uint32_t i = 0; i < RVX_VIRT_PARTS_MAX; i++) {
		struct guest_boot *g = rvx_virt_part_boot(i);
		/* Partition i sends on the edge it starts and receives on the one it ends. */
		uint32_t out = 0, in = 0;
		struct rvx_syscall_capxfer x[3];

		for (uint32_t e = 0; e < 4u; e++) {
			if (from[e] == i)
				out = e;
			if (to[e] == i)
				in = e;
		}
		x[0] = (struct rvx_syscall_capxfer){clock, RVX_RIGHT_READ, 0};
		x[1] = (struct rvx_syscall_capxfer){q[out], RVX_RIGHT_WRITE, 0};
		x[2] = (struct rvx_syscall_capxfer){q[in], RVX_RIGHT_READ, 0};
		g->magic = GUEST_MAGIC;
		g->part = i;
		g->vmid = PL()->parts[i].vmid;
		g->mem = PL()->parts[i].mem;
		g->flow_rounds = ROUNDS;
		g->flow_period = PERIOD_NS;
		g->flow_burst = heavy[out] ? HEAVY_BURST : LIGHT_BURST;
		g->flow_len = heavy[out] ? HEAVY_LEN : LIGHT_LEN;
		rc = rvx_part_spawn(PL(), i, GUEST_ROLE_FLOW, x, 3, where, child[i], &task[i]);
		if (rc != 0)
			rvx_a64_fail("spawning a partition task", rc);
	}
	for (uint32_t e = 0; e < 4u; e++) {
		uint32_t edge;

		rc = rvx_part_edge_create(PL(), from[e], to[e], q[e], task[from[e]],
					  child[from[e]][1], &edge);
		if (rc != 0)
			rvx_a64_fail("creating a CommEdge", rc);
	}
	for (uint32_t i = 0; i < RVX_VIRT_PARTS_MAX; i++)
		rvx_a64_printf("RVX-NUMA-START part=%c cpu=%u node=%u\n", (char)('A' + i),
				PL()->parts[i].cpu, node_of(PL()->parts[i].cpu));
	rvx_a64_printf("RVX-NUMA-DEMO clusters=A+C,B+D rounds=%u coherence=%s\n", ROUNDS,
			PL()->coh != NULL ? "on" : "off");
	rvx_a64_rt_unlock(daif);

	if (!rvx_virt_part_wait_for("the flows", flows_done, 60000))
		rvx_a64_exit(8);
	/* Two epochs more: what is still in flight is received and counted. */
	rvx_virt_part_sleep_ms(2u * 100u + 10u);
	daif = rvx_a64_rt_lock();
	rc = rvx_part_traffic_sync(PL());
	for (uint32_t e = 0; rc == 0 && e < 4u; e++) {
		struct rvx_hyp_edge_info ei;

		rc = rvx_hyp_edge_info(&PL()->hyp, PL()->edges[e].h, &ei);
		if (rc == 0)
			rvx_a64_printf("RVX-EDGE %u %c->%c messages=%lu bytes=%lu\n", e,
					(char)('A' + from[e]), (char)('A' + to[e]), ei.messages,
					ei.bytes);
	}
	for (uint32_t i = 0; i < RVX_VIRT_PARTS_MAX; i++) {
		const struct guest_boot *g = rvx_virt_part_boot(i);

		rvx_a64_printf("RVX-NUMA-PART part=%c cpu=%u node=%u sent=%lu received=%lu\n",
				(char)('A' + i), PL()->parts[i].cpu, node_of(PL()->parts[i].cpu),
				rvx_virt_progress[i].report_val[GUEST_REP_FLOW], g->received);
	}
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("reading the CommEdges", rc);
}
