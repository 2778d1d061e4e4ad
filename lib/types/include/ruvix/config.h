/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file config.h
 * @brief Compile-time limits of RuVix, with defaults and checks.
 *
 * RuVix never allocates, so every table has a size fixed at compile time.
 * Each limit below has a default; an embedder overrides any of them by
 * defining it on the command line or by defining `RVX_CONFIG_HEADER` to a
 * header that defines them. Every value is checked by a static assertion, so
 * an impossible configuration fails to compile rather than misbehaving.
 */
#ifndef RUVIX_CONFIG_H
#define RUVIX_CONFIG_H

#ifdef RVX_CONFIG_HEADER
#include RVX_CONFIG_HEADER
#endif

/** Maximum length of a capability derivation chain (root has depth 0). */
#ifndef RVX_CONFIG_CAP_MAX_DEPTH
#define RVX_CONFIG_CAP_MAX_DEPTH 8
#endif

/** Capability slots per task table. */
#ifndef RVX_CONFIG_CAP_SLOTS_PER_TASK
#define RVX_CONFIG_CAP_SLOTS_PER_TASK 16
#endif

/** Maximum number of tasks a kernel supports. */
#ifndef RVX_CONFIG_MAX_TASKS
#define RVX_CONFIG_MAX_TASKS 64
#endif

/** Maximum number of vector stores a kernel supports. */
#ifndef RVX_CONFIG_MAX_VECTOR_STORES
#define RVX_CONFIG_MAX_VECTOR_STORES 16
#endif

/** Maximum number of graph stores a kernel supports. */
#ifndef RVX_CONFIG_MAX_GRAPH_STORES
#define RVX_CONFIG_MAX_GRAPH_STORES 16
#endif

/** Number of distinct message priorities a queue honours (0 is lowest). */
#ifndef RVX_CONFIG_QUEUE_PRIORITIES
#define RVX_CONFIG_QUEUE_PRIORITIES 4
#endif

/** Cache line size assumed for padding shared data (bytes). */
#ifndef RVX_CONFIG_CACHE_LINE
#define RVX_CONFIG_CACHE_LINE 64
#endif

_Static_assert(RVX_CONFIG_CAP_MAX_DEPTH >= 1 && RVX_CONFIG_CAP_MAX_DEPTH <= 8,
	       "capability delegation depth must be 1..8");
_Static_assert(RVX_CONFIG_CAP_SLOTS_PER_TASK >= 4 &&
		       RVX_CONFIG_CAP_SLOTS_PER_TASK <= 4096,
	       "capability slots per task must be 4..4096");
_Static_assert(RVX_CONFIG_MAX_TASKS >= 64, "at least 64 tasks");
_Static_assert(RVX_CONFIG_MAX_VECTOR_STORES >= 16, "at least 16 vector stores");
_Static_assert(RVX_CONFIG_MAX_GRAPH_STORES >= 16, "at least 16 graph stores");
_Static_assert(RVX_CONFIG_QUEUE_PRIORITIES >= 1 &&
		       RVX_CONFIG_QUEUE_PRIORITIES <= 8,
	       "queue priorities must be 1..8");
_Static_assert(RVX_CONFIG_CACHE_LINE >= 16 &&
		       (RVX_CONFIG_CACHE_LINE & (RVX_CONFIG_CACHE_LINE - 1)) == 0,
	       "cache line must be a power of two >= 16");

#endif /* RUVIX_CONFIG_H */
