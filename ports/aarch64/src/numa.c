/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NUMA topology from the DTB (a64_numa.h): numa-node-id on the CPU and
 * memory nodes, the distance map. Everything is read and checked into a
 * local result first; the caller's is written once, with the result or
 * with one node. Runs before the MMU is on (-mstrict-align, no lock) and
 * on the host (tests/aarch64).
 */
#include <libfdt.h>

#include "a64_numa.h"

/* A node's numa-node-id: 1 and *id when present, 0 when absent, or a
 * negative error with *why. */
static int node_id(const void *dtb, int node, uint32_t *id, const char **why)
{
	int len = 0;
	const fdt32_t *p;

	if (node < 0)
		return -FDT_ERR_BADOFFSET;
	p = fdt_getprop(dtb, node, "numa-node-id", &len);
	if (p == NULL) {
		if (len == -FDT_ERR_NOTFOUND)
			return 0;
		*why = "a node cannot be read";
		return len < 0 ? len : -FDT_ERR_BADSTRUCTURE;
	}
	if (len != 4) {
		*why = "a numa-node-id is not one cell";
		return -FDT_ERR_BADNCELLS;
	}
	*id = fdt32_to_cpu(p[0]);
	if (*id >= RVX_A64_NUMA_MAX_NODES) {
		*why = "a numa-node-id is out of range (0..7)";
		return -FDT_ERR_BADVALUE;
	}
	return 1;
}

/* The distance map's triples into n->distance (defaults already there). */
static int distances(const void *dtb, int node, struct rvx_a64_numa *n, const char **why)
{
	uint8_t given[RVX_A64_NUMA_MAX_NODES][RVX_A64_NUMA_MAX_NODES];
	const fdt32_t *p;
	int len = 0;

	p = fdt_getprop(dtb, node, "distance-matrix", &len);
	if (p == NULL) {
		*why = "the distance map has no distance-matrix";
		return len == -FDT_ERR_NOTFOUND ? -FDT_ERR_BADVALUE : len;
	}
	if (len <= 0 || len % 12 != 0) {
		*why = "distance-matrix is not a list of (from, to, distance) triples";
		return -FDT_ERR_BADNCELLS;
	}
	memset(given, 0, sizeof(given));
	for (int i = 0; i < len / 4; i += 3) {
		uint32_t a = fdt32_to_cpu(p[i]), b = fdt32_to_cpu(p[i + 1]);
		uint32_t d = fdt32_to_cpu(p[i + 2]);

		if (a >= RVX_A64_NUMA_MAX_NODES || b >= RVX_A64_NUMA_MAX_NODES ||
		    !(n->dtb_nodes & (UINT32_C(1) << a)) || !(n->dtb_nodes & (UINT32_C(1) << b))) {
			*why = "distance-matrix names a node no CPU or memory node has";
			return -FDT_ERR_BADVALUE;
		}
		if (a == b && d != RVX_A64_NUMA_LOCAL) {
			*why = "distance-matrix gives a node a distance to itself other than 10";
			return -FDT_ERR_BADVALUE;
		}
		if (a != b && (d <= RVX_A64_NUMA_LOCAL || d > 255u)) {
			*why = "distance-matrix gives two nodes a distance outside 11..255";
			return -FDT_ERR_BADVALUE;
		}
		if ((given[a][b] && n->distance[a][b] != d) || (given[b][a] && n->distance[b][a] != d)) {
			*why = "distance-matrix gives one pair of nodes two distances";
			return -FDT_ERR_BADVALUE;
		}
		/* One direction stands for both, as the binding allows. */
		n->distance[a][b] = n->distance[b][a] = (uint8_t)d;
		given[a][b] = given[b][a] = 1;
	}
	n->has_map = 1;
	return 0;
}

static void one_node(struct rvx_a64_numa *n, uint32_t cpu_count, uint32_t mem_count)
{
	memset(n, 0, sizeof(*n));
	n->node_count = 1;
	n->cpu_count = cpu_count;
	n->mem_count = mem_count;
	memset(n->mem_node_id, RVX_A64_NUMA_NONE, sizeof(n->mem_node_id));
	for (uint32_t a = 0; a < RVX_A64_NUMA_MAX_NODES; a++)
		for (uint32_t b = 0; b < RVX_A64_NUMA_MAX_NODES; b++)
			n->distance[a][b] = a == b ? RVX_A64_NUMA_LOCAL : RVX_A64_NUMA_REMOTE;
}

static int parse(const void *dtb, const int *cpu, uint32_t cpu_count, const int *mem,
		 uint32_t mem_count, int distance_map, struct rvx_a64_numa *n, const char **why)
{
	uint32_t with = 0, cpu_nodes = 0;
	int rc;

	if (cpu_count == 0 || cpu_count > RVX_A64_NUMA_MAX_CPUS ||
	    mem_count > RVX_A64_NUMA_MAX_MEMS) {
		*why = "more CPUs or memory nodes than the parser takes, or no CPU";
		return -FDT_ERR_NOSPACE;
	}
	for (uint32_t i = 0; i < cpu_count; i++) {
		uint32_t id = 0;

		rc = node_id(dtb, cpu[i], &id, why);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			with++;
			n->cpu_node_id[i] = (uint8_t)id;
			n->dtb_nodes |= UINT32_C(1) << id;
			cpu_nodes |= UINT32_C(1) << id;
		}
	}
	if (with != 0 && with != cpu_count) {
		*why = "some CPUs have a numa-node-id and others not";
		return -FDT_ERR_BADVALUE;
	}
	for (uint32_t i = 0; i < mem_count; i++) {
		uint32_t id = 0;

		rc = node_id(dtb, mem[i], &id, why);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (with == 0) {
				*why = "memory has a numa-node-id but the CPUs have none";
				return -FDT_ERR_BADVALUE;
			}
			n->mem_node_id[i] = (uint8_t)id;
			n->dtb_nodes |= UINT32_C(1) << id;
		}
	}
	if (distance_map >= 0) {
		if (with == 0) {
			*why = "a distance map but no numa-node-id";
			return -FDT_ERR_BADVALUE;
		}
		rc = distances(dtb, distance_map, n, why);
		if (rc != 0)
			return rc;
	}
	/* Dense numbers for the nodes that have CPUs, in id order. */
	n->node_count = 0;
	for (uint32_t id = 0; id < RVX_A64_NUMA_MAX_NODES; id++)
		if (cpu_nodes & (UINT32_C(1) << id))
			n->node_id[n->node_count++] = (uint8_t)id;
	if (n->node_count == 0)
		n->node_count = 1;
	for (uint32_t i = 0; i < cpu_count; i++)
		for (uint32_t d = 0; d < n->node_count; d++)
			if (with != 0 && n->node_id[d] == n->cpu_node_id[i])
				n->cpu_node[i] = (uint8_t)d;
	return 0;
}

int rvx_a64_numa_parse(const void *dtb, const int *cpu, uint32_t cpu_count, const int *mem,
		       uint32_t mem_count, int distance_map, struct rvx_a64_numa *out,
		       const char **why)
{
	struct rvx_a64_numa n;
	int rc;

	*why = NULL;
	one_node(&n, cpu_count, mem_count);
	rc = parse(dtb, cpu, cpu_count, mem, mem_count, distance_map, &n, why);
	if (rc != 0) {
		if (*why == NULL)
			*why = "the DTB cannot be read";
		one_node(&n, cpu_count, mem_count);
	}
	memcpy(out, &n, sizeof(n));
	return rc;
}
