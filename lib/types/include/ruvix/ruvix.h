/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file ruvix.h
 * @brief Umbrella header: every public RuVix header that is installed.
 */
#ifndef RUVIX_RUVIX_H
#define RUVIX_RUVIX_H

#include "ruvix/atomic.h"
#include "ruvix/config.h"
#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/port.h"
#include "ruvix/types.h"

#endif /* RUVIX_RUVIX_H */
