/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file err.h
 * @brief The one error enumeration shared by every RuVix library.
 *
 * Actions return `int`: 0 on success or a negated code, `-RVX_E...`.
 * Functions that compute a value return it as `>= 0`, or `-RVX_E...`.
 * The numeric values are part of the ABI and never change; new codes are
 * added before `RVX_ERR_COUNT`.
 */
#ifndef RUVIX_ERR_H
#define RUVIX_ERR_H

#include "ruvix/env.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes. Functions return them negated. */
enum rvx_err {
	RVX_OK = 0,            /**< Success. */
	RVX_EBADCAP = 1,       /**< The handle names no capability. */
	RVX_ERIGHTS = 2,       /**< The capability lacks a required right. */
	RVX_EREVOKED = 3,      /**< The capability was revoked (object epoch moved on). */
	RVX_EPROOF = 4,        /**< The proof was rejected. */
	RVX_ENOMEM = 5,        /**< Not enough memory was provided. */
	RVX_EFULL = 6,         /**< The queue is full. */
	RVX_EEMPTY = 7,        /**< The queue is empty. */
	RVX_ETIMEDOUT = 8,     /**< The deadline passed before the event. */
	RVX_EBADSIG = 9,       /**< A signature did not verify. */
	RVX_EMANIFEST = 10,    /**< A package manifest is malformed. */
	RVX_ETYPE = 11,        /**< The object has the wrong type. */
	RVX_ELIMIT = 12,       /**< A compile-time or policy limit was reached. */
	RVX_EEXIST = 13,       /**< The object already exists. */
	RVX_ENOENT = 14,       /**< The object does not exist. */
	RVX_EPERM = 15,        /**< The operation is not permitted. */
	RVX_ECOHERENCE = 16,   /**< A coherence requirement is not met. */
	RVX_EDEPTH = 17,       /**< Delegation depth would exceed the limit. */
	RVX_ECANTGRANT = 18,   /**< The capability may not be granted. */
	RVX_ESTALE = 19,       /**< The handle's generation is stale. */
	RVX_ESLABFULL = 20,    /**< Every slot of the slab is in use. */
	RVX_EREGIONFULL = 21,  /**< An append-only region has no room left. */
	RVX_EPOLICY = 22,      /**< The region's policy forbids the access. */
	RVX_EBUFSMALL = 23,    /**< The caller's buffer is too small. */
	RVX_EINVAL = 24,       /**< An argument is invalid. */
	RVX_EMSGSIZE = 25,     /**< The message is larger than a queue slot. */
	RVX_EBADDESC = 26,     /**< A zero-copy descriptor is invalid. */
	RVX_ENOSYS = 27,       /**< Declared but not implemented. */
	RVX_ENOTSUP = 28,      /**< This port or configuration cannot do it. */
	RVX_EBUSY = 29,        /**< The object is in use. */
	RVX_ERR_COUNT          /**< Number of codes; not an error. */
};

/**
 * Describe an error code in a short English phrase.
 *
 * Accepts the code either positive or negated, so `rvx_strerror(ret)` works
 * directly on a function's return value.
 *
 * @param err  an `enum rvx_err` value, optionally negated
 * @return a static, NUL-terminated string; "unknown error" for a value
 *         outside the enumeration
 */
const char *rvx_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_ERR_H */
