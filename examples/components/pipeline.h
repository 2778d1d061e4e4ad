/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the cognitive pipeline's components agree on: message types and
 * layouts, the vector dimension, the fixed seed, how many readings. Plain
 * constants and structs, the same on every target. Every value that ends up
 * in the vector store is made with exact arithmetic (integers scaled by a
 * power of two), so a hosted run and a target run store the same bits.
 */
#ifndef RVX_EXAMPLE_PIPELINE_H
#define RVX_EXAMPLE_PIPELINE_H

#include "ruvix/user.h"
#include "ruvix/queue.h"
#include "ruvix/region.h"
#include "ruvix/user_proof.h"
#include "ruvix/vecgraph_graph.h"
#include "ruvix/vecgraph_vec.h"

/** Components of each vector. */
#define PIPE_DIM 8u
/** Readings the sensor component produces. */
#define PIPE_READINGS 24u
/** Seed of the readings. */
#define PIPE_SEED UINT32_C(0x5EED2026)
/** Key of reading i in the vector store. */
#define PIPE_KEY(i) (UINT64_C(1000) + (uint64_t)(i))
/** Neighbours reasoning links per reading. */
#define PIPE_NEIGHBOURS 3u
/** A proof token's lifetime after the task started (ns). */
#define PIPE_TOKEN_LIFE_NS (UINT64_C(600) * 1000000000u)

/** Message types. */
#define PIPE_MSG_READING 1u
#define PIPE_MSG_PERCEPT 2u
#define PIPE_MSG_FINDING 3u
#define PIPE_MSG_END 9u

/** sensor -> perception. */
struct pipe_reading {
	uint32_t index;
	uint32_t reserved;
	float v[PIPE_DIM];
};

/** perception -> reasoning. */
struct pipe_percept {
	uint64_t key;
	uint32_t index;
	uint32_t reserved;
};

/** reasoning -> attestation. */
struct pipe_finding {
	uint64_t key;       /**< The reading's key. */
	uint64_t nearest;   /**< Its nearest other key (0: none). */
	uint32_t neighbours;/**< Neighbours linked. */
	uint32_t edges;     /**< Graph edges added. */
};

/** The component entry every image of this pipeline provides. */
void rvx_component_main(const struct rvx_user_start *s);

/** The handle in slot @p i of the start block (wire order). */
static inline rvx_handle_t pipe_cap(const struct rvx_user_start *s, uint32_t i)
{
	rvx_handle_t h;

	h.raw = i < s->cap_count ? s->caps[i] : 0;
	return h;
}

#endif /* RVX_EXAMPLE_PIPELINE_H */
