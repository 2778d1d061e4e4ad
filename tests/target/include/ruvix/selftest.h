/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file selftest.h
 * @brief The kernel's own self-tests, runnable where Criterion cannot run:
 *        on bare metal under QEMU, and on the host for comparison.
 *
 * `rvx_selftest_run()` runs every case of six suites (cap, region, queue,
 * proof, witness, buddy) through the libraries' public APIs and prints one
 * line per case through the caller's writer:
 *
 *     selftest <suite>.<case> ok
 *     selftest <suite>.<case> FAIL <detail>
 *     selftest: <N> passed, <M> failed
 *
 * Lines end with "\n" alone. The runner is freestanding: it uses no libc
 * beyond `mem*`, no heap, no port function and no clock (proof times are
 * fixed values), only static storage, which each case re-initialises, so it
 * may be run more than once. It is not reentrant: one run at a time. It
 * needs BearSSL (for test keys and independent hashes) and the cap, region,
 * queue, proof, witness, buddy and types archives.
 */
#ifndef RUVIX_SELFTEST_H
#define RUVIX_SELFTEST_H

#include "ruvix/env.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Where the runner's output goes: one call per line, @p n bytes at @p s
 * (not NUL-terminated), ending with '\n'.
 */
typedef void (*rvx_selftest_write_fn)(void *ctx, const char *s, size_t n);

/**
 * Add one case that always fails, so a harness can check that a failure is
 * reported and counted (the runner must be able to fail).
 */
#define RVX_SELFTEST_INJECT_FAILURE 0x1u

/**
 * Run every self-test case and print the results.
 * @param write  the line writer (must not be NULL)
 * @param ctx    passed to @p write
 * @param flags  0, or `RVX_SELFTEST_INJECT_FAILURE`
 * @return the number of failed cases (0 when all passed), or -1 if
 *         @p write is NULL
 */
int rvx_selftest_run(rvx_selftest_write_fn write, void *ctx, uint32_t flags);

/**
 * Number of cases `rvx_selftest_run()` runs with @p flags 0.
 * @return the case count
 */
uint32_t rvx_selftest_case_count(void);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_SELFTEST_H */
