/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file atomic.h
 * @brief Atomics and barriers used by the libraries' lock-free code.
 *
 * These are compiler builtins, so they inline to single instructions
 * (`ldar`/`stlr` on AArch64, plain moves plus compiler ordering on x86-64)
 * and add no undefined symbols to an archive. On AArch64 build with
 * `-mno-outline-atomics` (gcc) so read-modify-write operations inline too.
 * A port's own barriers for devices and caches are in `ruvix/port.h`.
 */
#ifndef RUVIX_ATOMIC_H
#define RUVIX_ATOMIC_H

#include "ruvix/env.h"

/**
 * Load with acquire ordering: later accesses are not moved before it.
 * @param p address of a naturally aligned 32-bit word
 * @return the value loaded
 */
static inline uint32_t rvx_load_acquire_u32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/**
 * Store with release ordering: earlier accesses are not moved after it.
 * @param p address of a naturally aligned 32-bit word
 * @param v value to store
 */
static inline void rvx_store_release_u32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/**
 * Load without ordering but without tearing.
 * @param p address of a naturally aligned 32-bit word
 * @return the value loaded
 */
static inline uint32_t rvx_load_relaxed_u32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/**
 * Store without ordering but without tearing.
 * @param p address of a naturally aligned 32-bit word
 * @param v value to store
 */
static inline void rvx_store_relaxed_u32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/**
 * Load a 64-bit word with acquire ordering.
 * @param p address of a naturally aligned 64-bit word
 * @return the value loaded
 */
static inline uint64_t rvx_load_acquire_u64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/**
 * Store a 64-bit word with release ordering.
 * @param p address of a naturally aligned 64-bit word
 * @param v value to store
 */
static inline void rvx_store_release_u64(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/**
 * Atomically add to a 64-bit word and return the previous value
 * (sequentially consistent).
 * @param p address of a naturally aligned 64-bit word
 * @param v amount to add
 * @return the value before the addition
 */
static inline uint64_t rvx_fetch_add_u64(uint64_t *p, uint64_t v)
{
	return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

/** Full memory fence between all earlier and later accesses. */
static inline void rvx_fence_seq_cst(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/** Compiler-only barrier: no instruction, no reordering across it. */
static inline void rvx_compiler_barrier(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

#endif /* RUVIX_ATOMIC_H */
