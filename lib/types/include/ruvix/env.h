/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file env.h
 * @brief The environment every RuVix library is compiled against.
 *
 * Libraries include only this header for their language support, never a
 * libc header directly. It provides the freestanding C11 headers, the four
 * memory functions the libraries may call (`memcpy`, `memmove`, `memset`,
 * `memcmp`) and a few compiler helpers. A kernel that embeds RuVix and needs
 * something different defines `RVX_ENV_HEADER` to the name of its own header
 * (for example `-DRVX_ENV_HEADER='"my_env.h"'`); that header must provide the
 * same names.
 */
#ifndef RUVIX_ENV_H
#define RUVIX_ENV_H

#ifdef RVX_ENV_HEADER
#include RVX_ENV_HEADER
#else

#include <limits.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Copy @p n bytes between non-overlapping buffers (provided by the embedder).
 * @param[out] dst destination
 * @param src source
 * @param n byte count
 * @return @p dst
 */
void *memcpy(void *dst, const void *src, size_t n);
/**
 * Copy @p n bytes between possibly overlapping buffers (provided by the embedder).
 * @param[out] dst destination
 * @param src source
 * @param n byte count
 * @return @p dst
 */
void *memmove(void *dst, const void *src, size_t n);
/**
 * Fill @p n bytes with @p c (provided by the embedder).
 * @param[out] dst destination
 * @param c byte value
 * @param n byte count
 * @return @p dst
 */
void *memset(void *dst, int c, size_t n);
/**
 * Compare @p n bytes (provided by the embedder).
 * @param a first buffer
 * @param b second buffer
 * @param n byte count
 * @return 0 if equal, otherwise the sign of the first differing byte
 */
int memcmp(const void *a, const void *b, size_t n);

#ifdef __cplusplus
}
#endif

/* Libraries are compiled with -ffreestanding, which stops the compiler from
 * treating these names as builtins; routing them through the builtins lets
 * small fixed-size copies inline while larger ones still call the embedder's
 * functions. Only inside the libraries' own sources (RVX_BUILDING_LIB), so a
 * program that includes <string.h> after a RuVix header is not affected. */
#ifdef RVX_BUILDING_LIB
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))
#endif

#endif /* RVX_ENV_HEADER */

/** Branch hint: the condition is expected to be true. */
#define RVX_LIKELY(x) __builtin_expect(!!(x), 1)
/** Branch hint: the condition is expected to be false. */
#define RVX_UNLIKELY(x) __builtin_expect(!!(x), 0)
/** Number of elements of a true array. */
#define RVX_ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
/** True if @p x is a non-zero power of two. */
#define RVX_IS_POW2(x) ((x) != 0 && (((x) & ((x) - 1)) == 0))

/**
 * Internal invariant check. A library cannot call into a port (its archive
 * may reference only the memory functions), so a broken invariant traps.
 * Never used for anything that comes from outside the kernel.
 */
#define RVX_CHECK(cond)                                                        \
	do {                                                                   \
		if (RVX_UNLIKELY(!(cond)))                                     \
			__builtin_trap();                                      \
	} while (0)

#endif /* RUVIX_ENV_H */
