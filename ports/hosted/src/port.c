/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hosted port: ruvix/port.h on Linux. Console on stdout, real time from
 * CLOCK_MONOTONIC, the virtual clock as one atomic counter, entropy from
 * getrandom(2), CPUs as the host threads that call in.
 */
#define _GNU_SOURCE
#include "ruvix/port.h"
#include "ruvix/err.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t virtual_now_ns;

int rvx_port_init(void)
{
	struct timespec ts;

	/* Everything here is available on any Linux this port supports; the
	 * check is that the monotonic clock really exists. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return -RVX_ENOTSUP;
	return 0;
}

void rvx_port_console_write(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* stdout closed: nothing else can be done */
		}
		buf += n;
		len -= (size_t)n;
	}
}

uint64_t rvx_port_time_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t rvx_port_time_real_resolution_ns(void)
{
	struct timespec ts;

	if (clock_getres(CLOCK_MONOTONIC, &ts) != 0)
		return 1;
	uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return ns == 0 ? 1 : ns;
}

uint64_t rvx_port_time_virtual_ns(void)
{
	return __atomic_load_n(&virtual_now_ns, __ATOMIC_ACQUIRE);
}

uint64_t rvx_port_time_virtual_advance(uint64_t delta_ns)
{
	uint64_t old = __atomic_load_n(&virtual_now_ns, __ATOMIC_RELAXED);
	uint64_t next;

	do {
		next = old + delta_ns;
		if (next < old)
			next = UINT64_MAX; /* saturate */
	} while (!__atomic_compare_exchange_n(&virtual_now_ns, &old, next, true,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return next;
}

int rvx_port_time_virtual_set(uint64_t now_ns)
{
	uint64_t old = __atomic_load_n(&virtual_now_ns, __ATOMIC_RELAXED);

	do {
		if (now_ns < old)
			return -RVX_EINVAL;
	} while (!__atomic_compare_exchange_n(&virtual_now_ns, &old, now_ns, true,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return 0;
}

_Noreturn void rvx_port_panic(const char *msg)
{
	fprintf(stderr, "ruvix: panic: %s\n", msg);
	fflush(stderr);
	abort();
}

int rvx_port_entropy(void *buf, size_t len)
{
	unsigned char *p = buf;
	unsigned char tmp[256];

	/* Fill a scratch buffer first so a failure leaves @buf untouched, as the
	 * contract says; large requests are done in pieces, each complete. */
	while (len > 0) {
		size_t chunk = len < sizeof(tmp) ? len : sizeof(tmp);
		size_t got = 0;

		while (got < chunk) {
			ssize_t n = getrandom(tmp + got, chunk - got, 0);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -RVX_ENOTSUP;
			}
			got += (size_t)n;
		}
		memcpy(p, tmp, chunk);
		p += chunk;
		len -= chunk;
	}
	return 0;
}

uint32_t rvx_port_cpu_id(void)
{
	int cpu = sched_getcpu();
	return cpu < 0 ? 0u : (uint32_t)cpu;
}

uint32_t rvx_port_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1u : (uint32_t)n;
}

void rvx_port_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

void rvx_port_barrier_device(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
