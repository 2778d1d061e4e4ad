/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers for RuVix benchmark programs: a monotonic clock, the
 * timer's own floor, repeated timing with a median, CPU pinning, and a
 * checked-failure exit so no benchmark ever reports the time of a failing
 * call.
 */
#ifndef RUVIX_BENCH_UTIL_H
#define RUVIX_BENCH_UTIL_H

#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Abort the whole benchmark: a timed call failed, so no figure is valid. */
#define BENCH_REQUIRE(cond, ...)                                                    \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "benchmark: check failed: %s (%s:%d): ", #cond, \
				__FILE__, __LINE__);                                \
			fprintf(stderr, __VA_ARGS__);                               \
			fputc('\n', stderr);                                        \
			exit(2);                                                    \
		}                                                                   \
	} while (0)

/* The smallest non-zero step the clock shows, and the cost of one read. */
static inline void bench_timer_floor(double *step_ns, double *read_ns)
{
	uint64_t best = UINT64_MAX;
	const int reads = 1000000;

	for (int i = 0; i < 100000; i++) {
		uint64_t a = bench_now_ns(), b = bench_now_ns();
		while (b == a)
			b = bench_now_ns();
		if (b - a < best)
			best = b - a;
	}
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < reads; i++)
		(void)bench_now_ns();
	*step_ns = (double)best;
	*read_ns = (double)(bench_now_ns() - t0) / reads;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of @n values (sorts in place). */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Pin the calling thread to one CPU; returns 0 on success. */
static inline int bench_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* Keep a value alive so the compiler cannot drop the work producing it. */
static inline void bench_keep(uint64_t v)
{
	__asm__ volatile("" : : "r"(v) : "memory");
}

#endif /* RUVIX_BENCH_UTIL_H */
