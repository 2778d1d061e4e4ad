/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The NUMA parser of the AArch64 core (a64_numa.h) over crafted DTBs: the
 * topology QEMU's -numa options write, DTBs without NUMA, sparse node ids,
 * memory-only nodes, one-direction distance maps, every malformed value the
 * binding forbids (refused with a reason, the result one node), and random
 * DTBs whose results must always be a consistent topology or one node.
 */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a64_numa.h"

#define NO_ID (-1)    /* no numa-node-id property */
#define TWO_CELLS (-2) /* a numa-node-id of two cells */
#define EMPTY (-3)    /* a numa-node-id of no bytes */

struct spec {
	uint32_t cpus;
	int cpu_id[10];
	uint32_t mems;
	int mem_id[8];
	int map;              /* 0 none, 1 with distance-matrix, 2 without the property */
	uint32_t cells[32];   /* the distance-matrix */
	uint32_t cell_count;
};

static uint8_t blob[16384];

static void prop_id(void *fdt, int id)
{
	fdt32_t v[2] = {cpu_to_fdt32(0), cpu_to_fdt32(1)};

	if (id == TWO_CELLS)
		cr_assert_eq(fdt_property(fdt, "numa-node-id", v, 8), 0);
	else if (id == EMPTY)
		cr_assert_eq(fdt_property(fdt, "numa-node-id", v, 0), 0);
	else if (id != NO_ID)
		cr_assert_eq(fdt_property_u32(fdt, "numa-node-id", (uint32_t)id), 0);
}

/* Build the DTB @p s describes: /cpus/cpu@i, /memory@..., /distance-map. */
static void build(const struct spec *s)
{
	void *fdt = blob;
	char name[32];

	cr_assert_eq(fdt_create(fdt, sizeof(blob)), 0);
	cr_assert_eq(fdt_finish_reservemap(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, ""), 0);
	cr_assert_eq(fdt_property_u32(fdt, "#address-cells", 2), 0);
	cr_assert_eq(fdt_property_u32(fdt, "#size-cells", 2), 0);
	for (uint32_t m = 0; m < s->mems; m++) {
		fdt64_t reg[2] = {cpu_to_fdt64(0x40000000u + m * 0x8000000u),
				  cpu_to_fdt64(0x8000000u)};

		snprintf(name, sizeof(name), "memory@%x", 0x40000000u + m * 0x8000000u);
		cr_assert_eq(fdt_begin_node(fdt, name), 0);
		cr_assert_eq(fdt_property_string(fdt, "device_type", "memory"), 0);
		cr_assert_eq(fdt_property(fdt, "reg", reg, sizeof(reg)), 0);
		prop_id(fdt, s->mem_id[m]);
		cr_assert_eq(fdt_end_node(fdt), 0);
	}
	cr_assert_eq(fdt_begin_node(fdt, "cpus"), 0);
	cr_assert_eq(fdt_property_u32(fdt, "#address-cells", 1), 0);
	cr_assert_eq(fdt_property_u32(fdt, "#size-cells", 0), 0);
	for (uint32_t c = 0; c < s->cpus; c++) {
		snprintf(name, sizeof(name), "cpu@%u", c);
		cr_assert_eq(fdt_begin_node(fdt, name), 0);
		cr_assert_eq(fdt_property_string(fdt, "device_type", "cpu"), 0);
		cr_assert_eq(fdt_property_u32(fdt, "reg", c), 0);
		prop_id(fdt, s->cpu_id[c]);
		cr_assert_eq(fdt_end_node(fdt), 0);
	}
	cr_assert_eq(fdt_end_node(fdt), 0);
	if (s->map != 0) {
		cr_assert_eq(fdt_begin_node(fdt, "distance-map"), 0);
		cr_assert_eq(fdt_property_string(fdt, "compatible", "numa-distance-map-v1"), 0);
		if (s->map == 1) {
			fdt32_t cells[32];

			for (uint32_t i = 0; i < s->cell_count; i++)
				cells[i] = cpu_to_fdt32(s->cells[i]);
			cr_assert_eq(fdt_property(fdt, "distance-matrix", cells, 4 * s->cell_count), 0);
		}
		cr_assert_eq(fdt_end_node(fdt), 0);
	}
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_finish(fdt), 0);
	cr_assert_eq(fdt_check_header(fdt), 0);
}

/* Parse the DTB just built, as the core does (offsets found by the scan). */
static int parse(const struct spec *s, struct rvx_a64_numa *n, const char **why)
{
	int cpu[10], mem[8], map;
	char path[40];

	for (uint32_t c = 0; c < s->cpus; c++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%u", c);
		cpu[c] = fdt_path_offset(blob, path);
		cr_assert_geq(cpu[c], 0);
	}
	for (uint32_t m = 0; m < s->mems; m++) {
		snprintf(path, sizeof(path), "/memory@%x", 0x40000000u + m * 0x8000000u);
		mem[m] = fdt_path_offset(blob, path);
		cr_assert_geq(mem[m], 0);
	}
	map = s->map != 0 ? fdt_node_offset_by_compatible(blob, -1, "numa-distance-map-v1") : -1;
	memset(n, 0xAB, sizeof(*n));
	return rvx_a64_numa_parse(blob, cpu, s->cpus, mem, s->mems, map, n, why);
}

/* The result is one node holding every CPU, with default distances. */
static void assert_one_node(const struct rvx_a64_numa *n, uint32_t cpus)
{
	cr_assert_eq(n->node_count, 1);
	cr_assert_eq(n->dtb_nodes, 0);
	cr_assert_eq(n->has_map, 0);
	cr_assert_eq(n->cpu_count, cpus);
	for (uint32_t c = 0; c < RVX_A64_NUMA_MAX_CPUS; c++)
		cr_assert_eq(n->cpu_node[c], 0);
	for (uint32_t m = 0; m < RVX_A64_NUMA_MAX_MEMS; m++)
		cr_assert_eq(n->mem_node_id[m], RVX_A64_NUMA_NONE);
	for (uint32_t a = 0; a < RVX_A64_NUMA_MAX_NODES; a++)
		for (uint32_t b = 0; b < RVX_A64_NUMA_MAX_NODES; b++)
			cr_assert_eq(n->distance[a][b], a == b ? 10 : 20);
}

/* What QEMU writes for -numa node,nodeid=0,cpus=0-1 -numa node,nodeid=1,cpus=2-3
 * -numa dist,src=0,dst=1,val=20 (memory nodes listed node 1 first). */
static const struct spec qemu = {
	.cpus = 4, .cpu_id = {0, 0, 1, 1}, .mems = 2, .mem_id = {1, 0}, .map = 1,
	.cells = {0, 0, 10, 0, 1, 20, 1, 0, 20, 1, 1, 10}, .cell_count = 12,
};

Test(numa_dtb, the_topology_qemu_writes)
{
	struct rvx_a64_numa n;
	const char *why = "x";

	build(&qemu);
	cr_assert_eq(parse(&qemu, &n, &why), 0);
	cr_assert_null(why);
	cr_assert_eq(n.node_count, 2);
	cr_assert_eq(n.dtb_nodes, 3);
	cr_assert_eq(n.has_map, 1);
	for (uint32_t c = 0; c < 4; c++) {
		cr_assert_eq(n.cpu_node[c], c / 2u);
		cr_assert_eq(n.cpu_node_id[c], c / 2u);
	}
	cr_assert_eq(n.mem_node_id[0], 1);
	cr_assert_eq(n.mem_node_id[1], 0);
	cr_assert_eq(n.distance[0][1], 20);
	cr_assert_eq(n.distance[1][0], 20);
	cr_assert_eq(n.distance[1][1], 10);
}

Test(numa_dtb, no_numa_is_one_node_and_no_error)
{
	struct spec s = {.cpus = 2, .cpu_id = {NO_ID, NO_ID}, .mems = 1, .mem_id = {NO_ID}};
	struct rvx_a64_numa n;
	const char *why = "x";

	build(&s);
	cr_assert_eq(parse(&s, &n, &why), 0);
	cr_assert_null(why);
	assert_one_node(&n, 2);
}

Test(numa_dtb, sparse_ids_memory_only_nodes_and_one_direction)
{
	struct spec s = {.cpus = 4, .cpu_id = {5, 3, 5, 3}, .mems = 3, .mem_id = {3, 5, 7},
			 .map = 1, .cells = {3, 5, 30, 7, 3, 40}, .cell_count = 6};
	struct rvx_a64_numa n;
	const char *why;

	build(&s);
	cr_assert_eq(parse(&s, &n, &why), 0);
	/* Nodes with CPUs, densely in id order: 3 -> 0, 5 -> 1; 7 has memory only. */
	cr_assert_eq(n.node_count, 2);
	cr_assert_eq(n.node_id[0], 3);
	cr_assert_eq(n.node_id[1], 5);
	cr_assert_eq(n.dtb_nodes, (1u << 3) | (1u << 5) | (1u << 7));
	cr_assert_eq(n.cpu_node[0], 1);
	cr_assert_eq(n.cpu_node[1], 0);
	cr_assert_eq(n.cpu_node[2], 1);
	cr_assert_eq(n.cpu_node[3], 0);
	cr_assert_eq(n.distance[5][3], 30, "one direction stands for both");
	cr_assert_eq(n.distance[3][7], 40);
	cr_assert_eq(n.distance[5][7], 20, "not named: the default");
}

Test(numa_dtb, every_malformed_value_is_refused_and_gives_one_node)
{
	static const struct {
		const char *what;
		struct spec s;
		int err;
	} bad[] = {
		{"node id 8", {.cpus = 2, .cpu_id = {0, 8}}, -FDT_ERR_BADVALUE},
		{"node id 2^32-1", {.cpus = 2, .cpu_id = {0, -4}}, -FDT_ERR_BADVALUE},
		{"two cells", {.cpus = 2, .cpu_id = {0, TWO_CELLS}}, -FDT_ERR_BADNCELLS},
		{"no bytes", {.cpus = 2, .cpu_id = {EMPTY, 0}}, -FDT_ERR_BADNCELLS},
		{"some CPUs without", {.cpus = 3, .cpu_id = {0, NO_ID, 1}}, -FDT_ERR_BADVALUE},
		{"memory with, CPUs without",
		 {.cpus = 1, .cpu_id = {NO_ID}, .mems = 1, .mem_id = {0}}, -FDT_ERR_BADVALUE},
		{"memory id 200", {.cpus = 1, .cpu_id = {0}, .mems = 1, .mem_id = {200}},
		 -FDT_ERR_BADVALUE},
		{"a map without distance-matrix", {.cpus = 2, .cpu_id = {0, 1}, .map = 2},
		 -FDT_ERR_BADVALUE},
		{"an empty distance-matrix", {.cpus = 2, .cpu_id = {0, 1}, .map = 1},
		 -FDT_ERR_BADNCELLS},
		{"not triples",
		 {.cpus = 2, .cpu_id = {0, 1}, .map = 1, .cells = {0, 1, 20, 1}, .cell_count = 4},
		 -FDT_ERR_BADNCELLS},
		{"an unknown node",
		 {.cpus = 2, .cpu_id = {0, 1}, .map = 1, .cells = {0, 2, 20}, .cell_count = 3},
		 -FDT_ERR_BADVALUE},
		{"a node id 9 in the map",
		 {.cpus = 2, .cpu_id = {0, 1}, .map = 1, .cells = {9, 1, 20}, .cell_count = 3},
		 -FDT_ERR_BADVALUE},
		{"local distance 11",
		 {.cpus = 2, .cpu_id = {0, 1}, .map = 1, .cells = {1, 1, 11}, .cell_count = 3},
		 -FDT_ERR_BADVALUE},
		{"remote distance 10",
		 {.cpus = 2, .cpu_id = {0, 1}, .map = 1, .cells = {0, 1, 10}, .cell_count = 3},
		 -FDT_ERR_BADVALUE},
		{"remote distance 256",
		 {.cpus = 2, .cpu_id = {0, 1}, .map = 1, .cells = {0, 1, 256}, .cell_count = 3},
		 -FDT_ERR_BADVALUE},
		{"two distances for one pair",
		 {.cpus = 2, .cpu_id = {0, 1}, .map = 1, .cells = {0, 1, 20, 1, 0, 30},
		  .cell_count = 6},
		 -FDT_ERR_BADVALUE},
		{"a map and no node ids",
		 {.cpus = 2, .cpu_id = {NO_ID, NO_ID}, .map = 1, .cells = {0, 0, 10}, .cell_count = 3},
		 -FDT_ERR_BADVALUE},
		{"more CPUs than the parser takes",
		 {.cpus = 9, .cpu_id = {0, 0, 0, 0, 1, 1, 1, 1, 1}}, -FDT_ERR_NOSPACE},
	};

	for (uint32_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rvx_a64_numa n;
		const char *why = NULL;
		int rc;

		build(&bad[i].s);
		rc = parse(&bad[i].s, &n, &why);
		cr_assert_eq(rc, bad[i].err, "%s: %d", bad[i].what, rc);
		cr_assert_not_null(why, "%s: a reason", bad[i].what);
		assert_one_node(&n, bad[i].s.cpus);
	}
}

Test(numa_dtb, a_bad_offset_is_an_error_not_a_trap)
{
	int cpu[2] = {-1, -7};
	struct rvx_a64_numa n;
	const char *why;

	build(&qemu);
	cr_assert_eq(rvx_a64_numa_parse(blob, cpu, 2, NULL, 0, -1, &n, &why), -FDT_ERR_BADOFFSET);
	cr_assert_not_null(why);
	assert_one_node(&n, 2);
	/* An offset into the middle of a property is refused by libfdt. */
	cpu[0] = fdt_path_offset(blob, "/cpus/cpu@0") + 4;
	cpu[1] = fdt_path_offset(blob, "/cpus/cpu@1");
	cr_assert_lt(rvx_a64_numa_parse(blob, cpu, 2, NULL, 0, -1, &n, &why), 0);
	assert_one_node(&n, 2);
}

/* Random topologies, valid and not: every result is a consistent topology
 * or one node with a reason. */
Test(numa_dtb, random_dtbs_give_a_topology_or_one_node)
{
	uint32_t ok = 0, refused = 0;

	srand(15);
	for (uint32_t round = 0; round < 3000; round++) {
		struct spec s;
		struct rvx_a64_numa n;
		const char *why = NULL;
		int rc;

		memset(&s, 0, sizeof(s));
		s.cpus = 1u + (uint32_t)rand() % 8u;
		s.mems = (uint32_t)rand() % 4u;
		for (uint32_t c = 0; c < s.cpus; c++)
			s.cpu_id[c] = rand() % 16 == 0 ? rand() % 12 - 3 : rand() % 3;
		for (uint32_t m = 0; m < s.mems; m++)
			s.mem_id[m] = rand() % 10 == 0 ? rand() % 12 - 3 : rand() % 3;
		s.map = rand() % 3;
		s.cell_count = s.map == 1 ? (uint32_t)(rand() % 4) * 3u + (rand() % 8 == 0) : 0;
		for (uint32_t i = 0; i < s.cell_count; i++)
			s.cells[i] = i % 3 == 2 ? 10u + (uint32_t)rand() % 30u - (rand() % 8 == 0 ? 5u : 0u)
						: (uint32_t)rand() % 3u;
		build(&s);
		rc = parse(&s, &n, &why);
		if (rc != 0) {
			cr_assert_not_null(why);
			assert_one_node(&n, s.cpus);
			refused++;
			continue;
		}
		ok++;
		cr_assert_null(why);
		cr_assert_geq(n.node_count, 1);
		for (uint32_t c = 0; c < s.cpus; c++) {
			cr_assert_lt(n.cpu_node[c], n.node_count);
			if (n.dtb_nodes != 0)
				cr_assert_eq(n.node_id[n.cpu_node[c]], (uint32_t)s.cpu_id[c]);
		}
		for (uint32_t a = 0; a < RVX_A64_NUMA_MAX_NODES; a++)
			for (uint32_t b = 0; b < RVX_A64_NUMA_MAX_NODES; b++) {
				cr_assert_eq(n.distance[a][b], n.distance[b][a]);
				if (a == b)
					cr_assert_eq(n.distance[a][b], 10);
				else
					cr_assert_gt(n.distance[a][b], 10);
			}
	}
	cr_assert_gt(ok, 300, "enough valid topologies (%u)", ok);
	cr_assert_gt(refused, 300, "enough refused ones (%u)", refused);
}
