/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file vecgraph.h
 * @brief Kernel-resident vector and graph stores (library ruvix-vecgraph).
 *
 * Two independent stores over caller-provided memory, both kept as plain
 * bytes with indices so they can be hashed, checkpointed and restored at
 * another address, and both deterministic functions of their mutation
 * sequence:
 *  - the vector store (`ruvix/vecgraph_vec.h`, prefix `rvx_vec_`): an HNSW
 *    index for k-nearest-neighbour search with per-entry coherence metadata;
 *  - the graph store (`ruvix/vecgraph_graph.h`, prefix `rvx_graph_`):
 *    nodes with metadata and directed Q16.16-weighted edges, with a
 *    canonical mutation encoding for proofs and the journal.
 *
 * Size the memory, init (or bind a restored copy), then mutate and query;
 * each header describes its own order of calls. Neither store allocates,
 * and a failed call changes nothing.
 */
#ifndef RUVIX_VECGRAPH_H
#define RUVIX_VECGRAPH_H

#include "ruvix/vecgraph_graph.h"
#include "ruvix/vecgraph_vec.h"

#endif /* RUVIX_VECGRAPH_H */
