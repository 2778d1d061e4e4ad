/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/port.h for AArch64 images. Real time is the generic counter
 * (CNTPCT_EL0) converted with CNTFRQ_EL0; the CPU id is the dense index
 * the board's MPIDR table gives (kept in TPIDR_EL2); entropy is the DTB's
 * rng-seed stretched by BearSSL's HMAC-DRBG (over lib/sha256, on the SHA
 * instructions where the CPU has them), with the counter mixed in at
 * every request.
 */
#include <bearssl.h>

#include "ruvix/err.h"
#include "ruvix/port.h"
#include "ruvix/sha256.h"
#include "a64.h"

static struct rvx_a64_lock entropy_lock;
static br_hmac_drbg_context drbg;
static uint32_t drbg_ready;
static uint64_t virtual_ns;
static uint32_t cpus_online = 1;

uint32_t rvx_a64_cpu_index(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(v));
	return (uint32_t)v;
}

void rvx_a64_cpu_set_online(uint32_t count)
{
	__atomic_store_n(&cpus_online, count, __ATOMIC_RELEASE);
}

int rvx_a64_entropy_init(void)
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	uint64_t t = rvx_a64_counter();

	if (b->rng_seed == NULL || b->rng_seed_len < 16u)
		return -RVX_ENOTSUP;
	br_hmac_drbg_init(&drbg, &rvx_sha256_vtable, b->rng_seed, b->rng_seed_len);
	br_hmac_drbg_update(&drbg, &t, sizeof(t));
	drbg_ready = 1;
	return 0;
}

int rvx_a64_entropy_mix(const void *data, size_t len)
{
	uint64_t daif = rvx_a64_lock_irqsave(&entropy_lock);
	int rc = 0;

	if (drbg_ready) {
		br_hmac_drbg_update(&drbg, data, len);
	} else if (len >= 16u) {
		br_hmac_drbg_init(&drbg, &br_sha256_vtable, data, len);
		drbg_ready = 1;
	} else {
		rc = -RVX_EINVAL;
	}
	rvx_a64_unlock_irqrestore(&entropy_lock, daif);
	return rc;
}

int rvx_port_init(void)
{
	return 0;
}

void rvx_port_console_write(const char *buf, size_t len)
{
	uint64_t daif = rvx_a64_irq_save();
	char line[128];

	/* Through the formatter's lock, in pieces. */
	while (len > 0) {
		size_t n = len < sizeof(line) - 1 ? len : sizeof(line) - 1;

		memcpy(line, buf, n);
		line[n] = '\0';
		rvx_a64_puts(line);
		buf += n;
		len -= n;
	}
	rvx_a64_irq_restore(daif);
}

uint64_t rvx_port_time_real_ns(void)
{
	return rvx_a64_ticks_to_ns(rvx_a64_counter());
}

uint64_t rvx_port_time_real_resolution_ns(void)
{
	uint64_t f = rvx_a64_counter_freq();

	return (1000000000u + f - 1u) / f;
}

uint64_t rvx_port_time_virtual_ns(void)
{
	return __atomic_load_n(&virtual_ns, __ATOMIC_ACQUIRE);
}

uint64_t rvx_port_time_virtual_advance(uint64_t delta_ns)
{
	uint64_t old = __atomic_load_n(&virtual_ns, __ATOMIC_RELAXED);
	uint64_t next;

	do {
		next = old + delta_ns < old ? UINT64_MAX : old + delta_ns;
	} while (!__atomic_compare_exchange_n(&virtual_ns, &old, next, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return next;
}

int rvx_port_time_virtual_set(uint64_t now_ns)
{
	uint64_t old = __atomic_load_n(&virtual_ns, __ATOMIC_RELAXED);

	do {
		if (now_ns < old)
			return -RVX_EINVAL;
	} while (!__atomic_compare_exchange_n(&virtual_ns, &old, now_ns, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return 0;
}

_Noreturn void rvx_port_panic(const char *msg)
{
	rvx_a64_panic_frame(msg, 0, NULL);
}

int rvx_port_entropy(void *buf, size_t len)
{
	uint64_t daif, t;

	if (!drbg_ready)
		return -RVX_ENOTSUP;
	daif = rvx_a64_lock_irqsave(&entropy_lock);
	t = rvx_a64_counter();
	br_hmac_drbg_update(&drbg, &t, sizeof(t));
	br_hmac_drbg_generate(&drbg, buf, len);
	rvx_a64_unlock_irqrestore(&entropy_lock, daif);
	return 0;
}

uint32_t rvx_port_cpu_id(void)
{
	return rvx_a64_cpu_index();
}

uint32_t rvx_port_cpu_count(void)
{
	return __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE);
}

void rvx_port_cpu_relax(void)
{
	__asm__ volatile("yield");
}

void rvx_port_barrier_device(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}
