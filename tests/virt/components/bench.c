/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Figures from a component (tests/virt/component-figures.py): the counter
 * at its entry (the kernel prints the counter when the mount began), and
 * the round trip of a syscall by trap: QueueRecv on an empty queue (the
 * capability checked, -RVX_EEMPTY back) and a syscall number the
 * dispatcher refuses, each timed by the component around its `hvc #0`.
 * Capabilities: 0 queue `empty` (READ).
 */
#include "ruvix/queue.h"
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

#define SAMPLES 512u

static uint64_t samples[SAMPLES];

static void sort(uint64_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		uint64_t x = v[i];
		uint32_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static uint64_t freq(void)
{
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

static void report(const char *name, uint64_t f)
{
	sort(samples, SAMPLES);
	rvx_user_a64_printf("RVX-BENCH %s n=%u median_ns=%lu p99_ns=%lu", name, SAMPLES,
			    samples[SAMPLES / 2u] * 1000000000u / f,
			    samples[SAMPLES * 99u / 100u] * 1000000000u / f);
}

void bench_main(const struct rvx_user_start *s)
{
	uint64_t first = rvx_user_a64_counter();
	rvx_handle_t q = {s->caps[0]};
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_queue_msg_hdr hdr;
	uint64_t f = freq(), len, buf;

	rvx_user_init(s);
	rvx_user_a64_printf("RVX-BENCH first-instruction counter=%lu", first);
	for (uint32_t i = 0; i < SAMPLES; i++) {
		uint64_t t0 = rvx_user_a64_counter();
		int rc = rvx_sys_queue_recv(q, &buf, sizeof(buf), &hdr, &len, RVX_USER_NO_WAIT);

		samples[i] = rvx_user_a64_counter() - t0;
		if (rc != -RVX_EEMPTY) {
			rvx_user_a64_printf("RVX-BENCH FAILED: QueueRecv gave %d", rc);
			rvx_user_a64_exit(6);
		}
	}
	report("component-trap-queue-recv", f);
	for (uint32_t i = 0; i < SAMPLES; i++) {
		uint64_t t0;
		int rc;

		memset(&a, 0, sizeof(a));
		a.version = RVX_SYSCALL_VERSION;
		t0 = rvx_user_a64_counter();
		rc = rvx_user_trap(99, &a, &r);
		samples[i] = rvx_user_a64_counter() - t0;
		if (rc == 0) {
			rvx_user_a64_printf("RVX-BENCH FAILED: syscall 99 accepted");
			rvx_user_a64_exit(6);
		}
	}
	report("component-trap-null", f);
}
