/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Used only where the compiler has no <string.h> (bare-metal clang):
 * BearSSL's headers include it, and need only these declarations. RuVix's
 * env.h maps the four functions to builtins afterwards.
 */
#ifndef RUVIX_WITNESS_FREESTANDING_STRING_H
#define RUVIX_WITNESS_FREESTANDING_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
