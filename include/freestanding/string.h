/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The part of <string.h> that BearSSL's public headers need, for bare-metal
 * compilers that ship no C library headers (clang --target=aarch64-none-elf).
 * The root meson.build adds this folder to bearssl_headers_dep only when the
 * compiler has no <string.h> of its own; the four functions are the ones
 * every RuVix archive may leave undefined.
 */
#ifndef RUVIX_FREESTANDING_STRING_H
#define RUVIX_FREESTANDING_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
