/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NUMA nodes in the partition layer: the CPU -> node map a port gives
 * rvx_part_init() (refused when it is not one, with nothing changed), and
 * the TRAFFIC record of each epoch close: the kernel's CommEdge counts
 * split by whether the ends' home CPUs, and their nodes, differed.
 */
#include "fake_arch.h"

/* Root handles of the queues under the edges. */
#define Q0 UINT64_C(0x61)
#define Q1 UINT64_C(0x62)
#define Q2 UINT64_C(0x63)
#define Q3 UINT64_C(0x64)

/* 4 CPUs: 0 and 1 on node 0, 2 and 3 on node 1. */
static void numa_config(struct rvx_part_config *cfg)
{
	fk_config(cfg);
	cfg->cpu_count = 4;
	cfg->node_count = 2;
	cfg->cpu_node[2] = 1;
	cfg->cpu_node[3] = 1;
}

static void numa_setup(void)
{
	struct rvx_part_config cfg;

	numa_config(&cfg);
	cr_assert_eq(rvx_part_init(&pl, &cfg, &fk_arch, &fk_kern, &fk, fk_tasks, FK_TASKS), 0);
}

Test(numa, a_node_map_that_is_not_one_is_refused_and_changes_nothing)
{
	static struct rvx_part before;
	struct rvx_part_config cfg;
	static const char *const bad[] = {
		"more nodes than CPUs", "a node id not below node_count", "a node without a CPU",
		"a node set beyond the CPUs", "a node set with one node", "reserved2 set",
	};

	for (uint32_t i = 0; i < RVX_ARRAY_COUNT(bad); i++) {
		numa_config(&cfg);
		switch (i) {
		case 0: cfg.cpu_count = 2; cfg.node_count = 3; cfg.cpu_node[2] = cfg.cpu_node[3] = 0;
			break;
		case 1: cfg.cpu_node[3] = 2; break;
		case 2: cfg.node_count = 3; break; /* node 2 has no CPU */
		case 3: cfg.cpu_node[5] = 1; break;
		case 4: cfg.node_count = 1; break; /* CPUs 2 and 3 still name node 1 */
		default: cfg.reserved2 = 1; break;
		}
		memcpy(&before, &pl, sizeof(pl));
		cr_assert_eq(rvx_part_init(&pl, &cfg, &fk_arch, &fk_kern, &fk, fk_tasks, FK_TASKS),
			     -RVX_EINVAL, "%s", bad[i]);
		cr_assert_eq(memcmp(&before, &pl, sizeof(pl)), 0, "%s: nothing changed", bad[i]);
	}
	numa_config(&cfg);
	cr_assert_eq(rvx_part_init(&pl, &cfg, &fk_arch, &fk_kern, &fk, fk_tasks, FK_TASKS), 0);
	cr_assert_eq(pl.cfg.node_count, 2);
	/* node_count 0 and 1 both mean one node. */
	numa_config(&cfg);
	cfg.node_count = 0;
	cfg.cpu_node[2] = cfg.cpu_node[3] = 0;
	cr_assert_eq(rvx_part_init(&pl, &cfg, &fk_arch, &fk_kern, &fk, fk_tasks, FK_TASKS), 0);
}

/* Switches on CPU 0 (an epoch closes only if one happened), then the tick. */
static void close_epoch(uint32_t t0, uint32_t t1)
{
	cr_assert_eq(rvx_part_switch(&pl, 0, t0), 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, t1), 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, RVX_HYP_NONE), 0);
	fk.now += 100;
	cr_assert_geq(rvx_part_tick(&pl, fk.now), 0);
}

static struct rvx_part_traffic_record last_traffic(void)
{
	struct rvx_part_traffic_record r;

	memset(&r, 0, sizeof(r));
	for (uint32_t i = nrecs; i-- > 0;) {
		if (recs[i].kind == RVX_PART_WITNESS_TRAFFIC) {
			/* The fake keeps the first 48 bytes: the six counts. */
			memcpy(&r, recs[i].args, sizeof(recs[i].args));
			cr_assert_eq(memcmp(&r, &pl.traffic_last, 48), 0, "the record is the layer's");
			return r;
		}
	}
	cr_assert_fail("no TRAFFIC record");
	return r;
}

Test(numa, each_epoch_close_splits_the_traffic_by_cpu_and_node)
{
	struct rvx_part_traffic_record r;
	uint32_t t[4], e;
	/* A and B share CPU 0, C is on CPU 1 (node 0), D on CPU 2 (node 1). */
	static const uint32_t home[4] = {0, 0, 1, 2};

	numa_setup();
	fk_parts(4);
	for (uint32_t i = 0; i < 4; i++) {
		cr_assert_eq(rvx_part_migrate(&pl, i, home[i], 0), 0);
		t[i] = fk_spawn(i, 1);
	}
	cr_assert_eq(rvx_part_edge_create(&pl, 0, 1, Q0, RVX_HYP_NONE, 0, &e), 0); /* same CPU */
	cr_assert_eq(rvx_part_edge_create(&pl, 0, 2, Q1, RVX_HYP_NONE, 0, &e), 0); /* same node */
	cr_assert_eq(rvx_part_edge_create(&pl, 2, 3, Q2, RVX_HYP_NONE, 0, &e), 0); /* across */
	cr_assert_eq(rvx_part_edge_create(&pl, 3, 0, Q3, RVX_HYP_NONE, 0, &e), 0); /* across */
	fk_traffic_add(Q0, 1, 1000);
	fk_traffic_add(Q1, 2, 2000);
	fk_traffic_add(Q2, 4, 4000);
	fk_traffic_add(Q3, 8, 8000);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_TRAFFIC), 0);
	close_epoch(t[0], t[3]);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_TRAFFIC), 1, "one record per close");
	r = last_traffic();
	cr_assert_eq(r.bytes, 15000);
	cr_assert_eq(r.messages, 15);
	cr_assert_eq(r.cross_cpu_bytes, 14000);
	cr_assert_eq(r.cross_cpu_messages, 14);
	cr_assert_eq(r.cross_node_bytes, 12000);
	cr_assert_eq(r.cross_node_messages, 12);
	cr_assert_eq(pl.traffic_last.nodes, 2);
	cr_assert_eq(pl.traffic_last.edges, 4);

	/* D moves to node 0 (CPU 1, with C): next epoch only A-D... none crosses nodes. */
	cr_assert_eq(rvx_part_migrate(&pl, 3, 1, 0), 0);
	fk_traffic_add(Q2, 1, 500);
	fk_traffic_add(Q3, 1, 700);
	close_epoch(t[0], t[2]);
	r = last_traffic();
	cr_assert_eq(r.bytes, 1200);
	cr_assert_eq(r.cross_cpu_bytes, 700, "D (CPU 1) to A (CPU 0)");
	cr_assert_eq(r.cross_node_bytes, 0);
	cr_assert_eq(pl.traffic_epochs, 2);
	cr_assert_eq(pl.traffic_total.bytes, 16200);
	cr_assert_eq(pl.traffic_total.cross_node_bytes, 12000);
	cr_assert_eq(pl.traffic_total.cross_node_messages, 12);

	/* An epoch without traffic still has its record, all zero. */
	close_epoch(t[0], t[1]);
	r = last_traffic();
	cr_assert_eq(r.bytes + r.cross_cpu_bytes + r.cross_node_bytes, 0);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_TRAFFIC), 3);
}

Test(numa, one_node_writes_no_traffic_record)
{
	uint32_t t0, t1, e;

	fk_setup();
	fk_parts(2);
	cr_assert_eq(rvx_part_migrate(&pl, 1, 1, 0), 0);
	t0 = fk_spawn(0, 1);
	t1 = fk_spawn(1, 1);
	cr_assert_eq(rvx_part_edge_create(&pl, 0, 1, Q0, RVX_HYP_NONE, 0, &e), 0);
	fk_traffic_add(Q0, 10, 640);
	close_epoch(t0, t1);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_TRAFFIC), 0);
	cr_assert_eq(pl.traffic_epochs, 0);
}
