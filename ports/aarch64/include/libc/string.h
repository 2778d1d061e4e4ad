/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The <string.h> of the AArch64 images: the functions libfdt and BearSSL use,
 * implemented in ports/aarch64/src/libc.c. Used in place of any C library's
 * header, so third-party code builds the same with every cross compiler.
 */
#ifndef RVX_A64_STRING_H
#define RVX_A64_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
