/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NUMA topology from a DTB (the AArch64 core's numa.c, on libfdt): the
 * `numa-node-id` of each CPU and memory node and the distance map
 * (compatible "numa-distance-map-v1", property `distance-matrix` of
 * (from, to, distance) triples), as QEMU's `-numa node,...` and
 * `-numa dist,...` write them and Linux's bindings define them
 * (Documentation/devicetree/bindings/numa.txt).
 *
 * The DTB is untrusted: anything malformed (a node id that is not one
 * cell, out of range, on some CPUs but not all, a distance map that names
 * an unknown node, a local distance other than 10, a remote one not in
 * 11..255, a pair given twice with two values) is refused with a reason,
 * and the result is then one node holding every CPU: NUMA is a placement
 * hint, and without it the machine still runs. A DTB without any node id
 * (and without a distance map) is one node and not an error.
 *
 * Only libfdt and fixed-width types: the parser builds for the target
 * (before the MMU is on, -mstrict-align) and for host tests over crafted
 * DTBs.
 */
#ifndef RVX_A64_NUMA_H
#define RVX_A64_NUMA_H

#include <stdbool.h>
#include <stdint.h>

/** Node ids a DTB may use (0..7). */
#define RVX_A64_NUMA_MAX_NODES 8u
/** CPUs the parser takes. */
#define RVX_A64_NUMA_MAX_CPUS 8u
/** Memory nodes the parser takes. */
#define RVX_A64_NUMA_MAX_MEMS 8u
/** Distance of a node to itself (the binding's fixed value). */
#define RVX_A64_NUMA_LOCAL 10u
/** Distance between two nodes the distance map does not name. */
#define RVX_A64_NUMA_REMOTE 20u
/** "No node" in `mem_node_id`. */
#define RVX_A64_NUMA_NONE 0xFFu

/** The topology. */
struct rvx_a64_numa {
	uint32_t dtb_nodes;  /**< Bit i: node id i is named by a CPU or memory node (0: no NUMA). */
	uint32_t node_count; /**< Nodes that have a CPU, numbered densely (>= 1). */
	uint32_t cpu_count;  /**< CPUs described. */
	uint32_t mem_count;  /**< Memory nodes described. */
	uint32_t has_map;    /**< 1: the distances came from a distance map. */
	uint8_t cpu_node[RVX_A64_NUMA_MAX_CPUS];    /**< Dense node of each CPU (0..node_count-1). */
	uint8_t cpu_node_id[RVX_A64_NUMA_MAX_CPUS]; /**< Its DTB node id. */
	uint8_t node_id[RVX_A64_NUMA_MAX_NODES];    /**< DTB id of each dense node. */
	uint8_t mem_node_id[RVX_A64_NUMA_MAX_MEMS]; /**< DTB id of each memory node, or NONE. */
	uint8_t distance[RVX_A64_NUMA_MAX_NODES][RVX_A64_NUMA_MAX_NODES]; /**< By DTB id. */
};

/**
 * Read the NUMA topology of @p cpu_count CPU nodes (offsets @p cpu, in the
 * order of their dense CPU ids), @p mem_count memory nodes (@p mem) and the
 * distance-map node @p distance_map (negative: none).
 * @param[out] out the topology; one node (every CPU on node 0) on an error
 * @param[out] why on an error, the reason (a static string); else NULL
 * @return 0, or a negative libfdt error (-FDT_ERR_BADVALUE for a value the
 *         binding does not allow, -FDT_ERR_BADNCELLS for a property of the
 *         wrong size, -FDT_ERR_NOSPACE for more CPUs or memory nodes than
 *         the parser takes, -FDT_ERR_BADOFFSET for a bad offset)
 */
int rvx_a64_numa_parse(const void *dtb, const int *cpu, uint32_t cpu_count, const int *mem,
		       uint32_t mem_count, int distance_map, struct rvx_a64_numa *out,
		       const char **why);

#endif
