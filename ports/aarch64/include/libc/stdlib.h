/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The <stdlib.h> of the AArch64 images: libfdt's environment header includes it
 * but the parts of libfdt the image builds call nothing from it.
 */
#ifndef RVX_A64_STDLIB_H
#define RVX_A64_STDLIB_H

#include <stddef.h>

#endif
