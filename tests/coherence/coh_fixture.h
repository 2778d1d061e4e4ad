/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the ruvix/coherence.h tests: an engine in static storage, a
 * deterministic random source, and an independent cut/balance model. */
#ifndef COH_FIXTURE_H
#define COH_FIXTURE_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "ruvix/coherence.h"

#define CF_NV 64u
#define CF_NE 512u
#define CF_K 8u

struct cf {
	struct rvx_coh c;
	struct rvx_coh_vertex v[CF_NV];
	struct rvx_coh_edge e[CF_NE];
	_Alignas(8) uint8_t scratch[RVX_COH_SCRATCH_BYTES(CF_NV, CF_NE, CF_K)];
};

/* A graph given by its edges and weights (bytes per epoch). */
struct cf_graph {
	uint32_t n, m;
	uint32_t a[CF_NE], b[CF_NE];
	uint64_t w[CF_NE];
};

uint64_t cf_rand(uint64_t *s);
void cf_random_graph(struct cf_graph *g, uint64_t seed, uint32_t n, uint32_t m, uint64_t wmax);
/* Start @f with @g's vertices (unit load) placed per @part (NULL: engine's
 * choice) and its edges; returns the edge slots in @slots. */
void cf_start(struct cf *f, const struct rvx_coh_config *cfg, const struct cf_graph *g,
	      const uint32_t *part);
/* Note one epoch of @g's traffic and unit loads. */
void cf_note(struct cf *f, const struct cf_graph *g);
/* Cut of @part on @g (raw weights) and heaviest part (vertex count). */
uint64_t cf_cut(const struct cf_graph *g, const uint32_t *part);
uint32_t cf_max_count(const uint32_t *part, uint32_t n, uint32_t k);
/* The engine's placement of vertices 0..n-1. */
void cf_placement(const struct cf *f, uint32_t n, uint32_t *part);

/* A clock that moves on by a fixed step at each reading. */
struct cf_clock {
	uint64_t now, step, reads;
};
uint64_t cf_clock_read(void *ctx);

#endif
