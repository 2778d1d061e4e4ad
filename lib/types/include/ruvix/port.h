/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file port.h
 * @brief The contract every RuVix port implements.
 *
 * The libraries under `lib/` never call these functions (an archive may
 * reference only the memory functions); the kernel glue and the programs
 * that a port builds do. A port provides each function below with the
 * behaviour written in its comment. The hosted port (`ports/hosted`) is the
 * reference implementation and the platform the unit tests run on.
 *
 * Order of use: a port is ready after `rvx_port_init()`; everything else
 * may be called from any CPU afterwards unless its comment says otherwise.
 */
#ifndef RUVIX_PORT_H
#define RUVIX_PORT_H

#include "ruvix/env.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Bring the port's services (console, clocks, entropy) up.
 * Idempotent: a second call does nothing and succeeds.
 * @retval 0 the port is ready
 * @retval -RVX_ENOTSUP a required service is missing on this machine
 */
int rvx_port_init(void);

/**
 * Write bytes to the console. Blocks until every byte is accepted; never
 * fails once the port is initialised. Safe to call from several CPUs, though
 * their output may interleave.
 * @param buf bytes to write
 * @param len number of bytes
 */
void rvx_port_console_write(const char *buf, size_t len);

/**
 * Real time: nanoseconds from an arbitrary origin, monotonic, never going
 * backwards on one CPU and consistent between CPUs.
 * @return the current real time in nanoseconds
 */
uint64_t rvx_port_time_real_ns(void);

/**
 * Resolution of the real clock (the smallest step it can show).
 * @return nanoseconds per tick of the underlying counter, at least 1
 */
uint64_t rvx_port_time_real_resolution_ns(void);

/**
 * The virtual clock: nanoseconds that advance only through
 * `rvx_port_time_virtual_advance()` or `rvx_port_time_virtual_set()`, so a
 * test or a replay sees the same times on every run. Starts at 0.
 * @return the current virtual time in nanoseconds
 */
uint64_t rvx_port_time_virtual_ns(void);

/**
 * Advance the virtual clock.
 * @param delta_ns nanoseconds to add; the clock saturates rather than wraps
 * @return the new virtual time
 */
uint64_t rvx_port_time_virtual_advance(uint64_t delta_ns);

/**
 * Set the virtual clock to an absolute time, which must not go backwards.
 * @param now_ns the new time
 * @retval 0 the clock now reads @p now_ns
 * @retval -RVX_EINVAL @p now_ns is earlier than the current virtual time;
 *         the clock is unchanged
 */
int rvx_port_time_virtual_set(uint64_t now_ns);

/**
 * Stop the machine with a message on the console. Used for broken
 * internal invariants of the kernel glue, never for bad input.
 * @param msg NUL-terminated reason
 */
_Noreturn void rvx_port_panic(const char *msg);

/**
 * Fill a buffer with unpredictable bytes suitable for keys (the host's
 * CSPRNG, a hardware RNG, or a boot-time seed stretched by a DRBG).
 * @param[out] buf destination
 * @param len number of bytes
 * @retval 0 @p buf holds @p len fresh bytes
 * @retval -RVX_ENOTSUP no entropy source is available; @p buf is unchanged
 */
int rvx_port_entropy(void *buf, size_t len);

/**
 * Index of the CPU the caller is running on, from 0.
 * @return the CPU index, below `rvx_port_cpu_count()`
 */
uint32_t rvx_port_cpu_id(void);

/**
 * Number of CPUs the port runs the kernel on.
 * @return at least 1
 */
uint32_t rvx_port_cpu_count(void);

/**
 * Hint that the caller is spinning (`pause` on x86-64, `yield` on AArch64).
 */
void rvx_port_cpu_relax(void);

/**
 * Full hardware barrier for memory shared with devices or other observers
 * that do not take part in the C11 memory model (`mfence`, `dsb sy`).
 * CPU-to-CPU ordering uses `ruvix/atomic.h` instead.
 */
void rvx_port_barrier_device(void);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_PORT_H */
