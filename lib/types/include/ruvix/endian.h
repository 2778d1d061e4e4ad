/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file endian.h
 * @brief The little-endian codec every RuVix wire format uses.
 *
 * Records, journals, checkpoints, proof MAC inputs and packages store each
 * integer little-endian at a fixed byte offset, whatever the host's byte
 * order. `rvx_le_put*()` writes one integer to unaligned bytes and
 * `rvx_le_get*()` reads one back; they compile to a plain (unaligned) load
 * or store on a little-endian target and add no undefined symbols.
 */
#ifndef RUVIX_ENDIAN_H
#define RUVIX_ENDIAN_H

#include "ruvix/env.h"

/**
 * Store a 16-bit integer little-endian.
 * @param[out] p two bytes, any alignment
 * @param v the value
 */
static inline void rvx_le_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/**
 * Store a 32-bit integer little-endian.
 * @param[out] p four bytes, any alignment
 * @param v the value
 */
static inline void rvx_le_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/**
 * Store a 64-bit integer little-endian.
 * @param[out] p eight bytes, any alignment
 * @param v the value
 */
static inline void rvx_le_put64(uint8_t *p, uint64_t v)
{
	rvx_le_put32(p, (uint32_t)v);
	rvx_le_put32(p + 4, (uint32_t)(v >> 32));
}

/**
 * Load a little-endian 16-bit integer.
 * @param p two bytes, any alignment
 * @return the value
 */
static inline uint16_t rvx_le_get16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] | (uint16_t)((uint16_t)p[1] << 8));
}

/**
 * Load a little-endian 32-bit integer.
 * @param p four bytes, any alignment
 * @return the value
 */
static inline uint32_t rvx_le_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/**
 * Load a little-endian 64-bit integer.
 * @param p eight bytes, any alignment
 * @return the value
 */
static inline uint64_t rvx_le_get64(const uint8_t *p)
{
	return (uint64_t)rvx_le_get32(p) | ((uint64_t)rvx_le_get32(p + 4) << 32);
}

#endif /* RUVIX_ENDIAN_H */
