/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The root package's worker: computes with FP for items/2 ms (`params`,
 * capability 0, READ; the timer preempts it and the kernel must keep its
 * FP/SIMD registers), then reports on its queue (capability 1, WRITE).
 */
#include "pipeline.h"

/* @p ms of the counter's time, summing in double; true if the sum is
 * exact (it is, for every n reached, unless FP state was lost). */
static bool compute(uint32_t ms, uint32_t *slices)
{
	uint64_t start = rvx_user_a64_counter(), last = start, f;
	volatile double acc = 0.0;
	uint64_t n = 0;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	while (last - start < f / 1000u * ms) {
		uint64_t now = rvx_user_a64_counter();

		if (now - last > f / 2000u) /* a gap of half a tick: preempted */
			(*slices)++;
		last = now;
		acc += (double)n * 0.5;
		n++;
	}
	return acc == 0.25 * (double)n * (double)(n - 1u);
}

void worker_main(const struct rvx_user_start *s)
{
	rvx_handle_t done = {s->caps[1]};
	struct pipe_report rep;
	int rc;

	rvx_user_init(s);
	memset(&rep, 0, sizeof(rep));
	rep.task = s->task;
	rep.cpu = s->cpu;
	rep.fp_ok = compute(pipe_param("items=") / 2u, &rep.slices) ? 1u : 0u;
	while ((rc = rvx_sys_queue_send(done, PIPE_MSG_REPORT, 0, 0, &rep, sizeof(rep))) ==
	       -RVX_EFULL)
		rvx_user_a64_yield();
	rvx_user_a64_printf("RVX-TASK worker task=%u cpu=%u preempted=%u fp=%s%s", s->task, s->cpu,
			    rep.slices, rep.fp_ok ? "ok" : "BAD", rc == 0 ? "" : " FAILED");
	if (rc != 0 || !rep.fp_ok)
		rvx_user_a64_exit(7);
}
