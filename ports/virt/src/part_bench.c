/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The partition figures (`-append rvx.partitions=bench`), run by the root
 * task: a round trip between a task of A and one of B through the trap
 * (two switches), null and queue syscalls by HVC, the raw switch from EL2
 * (EL1 state and VTTBR_EL2, with and without a VMID change), and the cost
 * of reading the counter. With two CPUs or more: the latency of a
 * cross-CPU wake-up (a CommEdge send from A to a receiver of B blocked on
 * another CPU) with the SGI kick and without it (the receiver's CPU notices
 * at its next 1 ms tick), and the cost of moving partition B between CPUs.
 * tests/virt/partitions.py --check budget and partition-figures.py read the
 * RVX-BENCH lines.
 */
#include "ruvix/nucleus.h"
#include "part.h"

static bool bench_done(void)
{
	return rvx_virt_progress[0].reports[GUEST_REP_BENCH] != 0;
}

static bool wake_phase_done(void)
{
	return rvx_virt_progress[0].reports[GUEST_REP_WAKE_PHASE] != 0;
}

static bool wake_done(void)
{
	return rvx_virt_progress[1].reports[GUEST_REP_WAKE] != 0;
}

static void sort32(uint32_t *v, uint32_t n)
{
	/* Shell sort: no recursion, no allocation. */
	for (uint32_t gap = n / 2u; gap > 0; gap /= 2u) {
		for (uint32_t i = gap; i < n; i++) {
			uint32_t x = v[i], j = i;

			while (j >= gap && v[j - gap] > x) {
				v[j] = v[j - gap];
				j -= gap;
			}
			v[j] = x;
		}
	}
}

static void report_series(const char *name, uint32_t *v, uint32_t n, uint32_t div)
{
	uint64_t med, p99, mn, mx;

	sort32(v, n);
	med = rvx_a64_ticks_to_ns(v[n / 2u]) / div;
	p99 = rvx_a64_ticks_to_ns(v[(n * 99u) / 100u]) / div;
	mn = rvx_a64_ticks_to_ns(v[0]) / div;
	mx = rvx_a64_ticks_to_ns(v[n - 1u]) / div;
	rvx_a64_printf("RVX-BENCH %s n=%u median_ns=%lu p99_ns=%lu min_ns=%lu max_ns=%lu\n", name,
			n, med, p99, mn, mx);
}

/* The switch alone, from EL2: save one task's EL1 state, load another's
 * and the other partition's VTTBR_EL2, ISB; timed with the counter. */
static void raw_switch(uint32_t ta, uint32_t tb, uint32_t *v, uint32_t n, bool same_vm)
{
	struct rvx_part *pl = &rvx_virt_pl;
	uint64_t daif = rvx_a64_rt_lock();
	uint64_t va = rvx_virt_part_vttbr(0), vb = rvx_virt_part_vttbr(1);

	if (pl->loaded_task[0] != RVX_HYP_NONE)
		rvx_a64_el1_save(NULL, pl->loaded_task[0]);
	rvx_a64_el1_load(NULL, ta, RVX_HYP_NONE);
	__asm__ volatile("msr vttbr_el2, %0\n\tisb" ::"r"(va));
	for (uint32_t i = 0; i < n; i++) {
		uint64_t t0, t1, to = (i & 1u) || same_vm ? va : vb;
		uint32_t from_t = (i & 1u) ? tb : ta, to_t = (i & 1u) ? ta : tb;

		__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(t0)::"memory");
		rvx_a64_el1_save(NULL, from_t);
		rvx_a64_el1_load(NULL, to_t, from_t);
		__asm__ volatile("msr vttbr_el2, %0\n\tisb" ::"r"(to) : "memory");
		__asm__ volatile("mrs %0, cntpct_el0" : "=r"(t1)::"memory");
		v[i] = (uint32_t)(t1 - t0);
	}
	/* Leave the registers as the lazy switch expects them: nothing loaded
	 * (lib/hyp told as well, so a later suspend finds the partition
	 * current nowhere). */
	rvx_a64_el1_save(NULL, (n & 1u) ? tb : ta);
	pl->loaded_task[0] = RVX_HYP_NONE;
	pl->shadow_task[0] = RVX_HYP_NONE;
	pl->loaded_part[0] = RVX_HYP_NONE;
	(void)rvx_hyp_switch(&pl->hyp, 0, RVX_HANDLE_NULL);
	rvx_a64_rt_unlock(daif);
}

/* Move partition @p part to @p to (retried while one of its tasks runs). */
static int move_to(uint32_t part, uint32_t to, uint32_t *ticks)
{
	int rc;

	for (uint32_t tries = 0; tries < 500u; tries++) {
		uint64_t daif = rvx_a64_rt_lock(), t0, t1;

		__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(t0)::"memory");
		rc = rvx_part_migrate(&rvx_virt_pl, part, to, rvx_a64_cpu_index());
		__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(t1)::"memory");
		rvx_a64_rt_unlock(daif);
		if (rc != -RVX_EBUSY) {
			if (ticks != NULL)
				*ticks = (uint32_t)(t1 - t0);
			return rc;
		}
		rvx_virt_part_sleep_ms(1);
	}
	return rc;
}

/* Wake-up latency across CPUs, by SGI and by the tick, then the cost of a
 * migration of B (two tasks, both waiting in the kernel). */
static void smp_figures(uint32_t *raw)
{
	struct rvx_part *pl = &rvx_virt_pl;
	struct guest_boot *ba = rvx_virt_part_boot(0), *bb = rvx_virt_part_boot(1);
	uint32_t ncpu = pl->cfg.cpu_count, n = GUEST_WAKE_SAMPLES, m = 0, ts, tr, e;
	uint64_t clock = rvx_virt_root_caps()->clock.raw, kicks0;
	uint64_t cs[2] = {0, 0}, cr[2] = {0, 0};
	static const uint16_t wh[2] = {(uint16_t)offsetof(struct guest_boot, clock),
				       (uint16_t)offsetof(struct guest_boot, q_wake)};
	rvx_handle_t q;
	uint32_t *lat;
	uint64_t daif;
	int rc;

	if (ncpu < 2u) {
		rvx_a64_puts("RVX-BENCH smp n/a (one CPU)\n");
		return;
	}
	/* B (its peer parked now) to CPU 1; A stays with the root on CPU 0. */
	bb->stop = 1;
	rvx_virt_part_sleep_ms(5);
	rc = move_to(1, 1, NULL);
	daif = rvx_a64_rt_lock();
	if (rc == 0)
		rc = rvx_kernel_queue_create(rvx_virt_kernel(), 0, 4, 64,
					     RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT, &q);
	if (rc == 0) {
		struct rvx_syscall_capxfer xr[2] = {{clock, RVX_RIGHT_READ, 0},
						    {q.raw, RVX_RIGHT_READ, 0}};
		struct rvx_syscall_capxfer xs[2] = {{clock, RVX_RIGHT_READ, 0},
						    {q.raw, RVX_RIGHT_WRITE, 0}};

		rc = rvx_part_spawn(pl, 1, GUEST_ROLE_WAKE_RECV, xr, 2, wh, cr, &tr);
		if (rc == 0)
			rc = rvx_part_spawn(pl, 0, GUEST_ROLE_WAKE_SEND, xs, 2, wh, cs, &ts);
		if (rc == 0)
			rc = rvx_part_edge_create(pl, 0, 1, q.raw, ts, cs[1], &e);
	}
	kicks0 = pl->kicks;
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("setting up the wake-up figures", rc);
	if (!rvx_virt_part_wait_for("the kicked wake-ups", wake_phase_done, 20000))
		rvx_a64_exit(8);
	daif = rvx_a64_rt_lock();
	kicks0 = pl->kicks - kicks0;
	rvx_virt_part_kicks(false);
	rvx_a64_rt_unlock(daif);
	ba->wake_phase = 2;
	if (!rvx_virt_part_wait_for("the ticked wake-ups", wake_done, 20000))
		rvx_a64_exit(8);
	rvx_virt_part_kicks(true);
	lat = (uint32_t *)(uintptr_t)(pl->parts[1].mem + GUEST_SAMPLES_OFF);
	rvx_a64_printf("RVX-BENCH wake-info cpus=%u sender_cpu=%u receiver_cpu=%u "
			"sgi_kicks=%lu receiver_cpu_kicks_taken=%lu\n",
			ncpu, pl->parts[0].cpu, pl->parts[1].cpu, kicks0, rvx_a64_rt_kicks(1));
	memcpy(raw, lat, 2u * n * sizeof(*raw));
	report_series("wake-cross-cpu-sgi", raw, n, 1);
	report_series("wake-cross-cpu-tick", raw + n, n, 1);
	/* B's two tasks wait in the kernel (a receive, a timer): move B back
	 * and forth between CPUs 1 and 2 (or 0), timing each rvx_part_migrate(). */
	for (uint32_t i = 0; i < 2u * n && m < n; i++) {
		uint32_t to = (i & 1u) ? 1u : (ncpu > 2u ? 2u : 0u), ticks = 0;

		if (move_to(1, to, &ticks) == 0)
			raw[m++] = ticks;
	}
	rvx_a64_printf("RVX-BENCH migrate-info tasks=%u moves=%u\n",
			pl->parts[1].task_count, pl->parts[1].migrations);
	if (m > 0)
		report_series("partition-migrate", raw, m, 1);
}

void rvx_virt_part_bench(void)
{
	static uint32_t raw[GUEST_SAMPLES];
	struct rvx_part *pl = &rvx_virt_pl;
	struct guest_boot *ba = rvx_virt_part_boot(0), *bb = rvx_virt_part_boot(1);
	uint64_t clock = rvx_virt_root_caps()->clock.raw;
	uint64_t daif = rvx_a64_rt_lock();
	rvx_handle_t q;
	int rc = rvx_kernel_queue_create(rvx_virt_kernel(), 0, 4, 64,
					 RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT, &q);
	struct rvx_syscall_capxfer xa[2] = {{clock, RVX_RIGHT_READ, 0},
					    {q.raw, RVX_RIGHT_READ | RVX_RIGHT_WRITE, 0}};
	static const uint16_t wa[2] = {(uint16_t)offsetof(struct guest_boot, clock),
				       (uint16_t)offsetof(struct guest_boot, q_own)};
	uint64_t ca[2] = {0, 0}, cb[1] = {0};
	uint32_t n = GUEST_SAMPLES, ta, tb;
	uint32_t *s;
	uint64_t vm0;

	for (uint32_t i = 0; rc == 0 && i < RVX_VIRT_PARTS; i++)
		rc = rvx_part_resume(pl, i, 0);
	if (rc == 0)
		rc = rvx_part_spawn(pl, 0, GUEST_ROLE_BENCH, xa, 2, wa, ca, &ta);
	if (rc == 0)
		rc = rvx_part_spawn(pl, 1, GUEST_ROLE_BENCH_PEER, xa, 1, wa, cb, &tb);
	if (rc != 0)
		rvx_a64_fail("setting up the benchmark's partitions", rc);
	ba->magic = bb->magic = GUEST_MAGIC;
	ba->mem = pl->parts[0].mem;
	bb->mem = pl->parts[1].mem;
	ba->samples_n = n;
	ba->mode = bb->mode = 1;
	ba->part = 0;
	bb->part = 1;
	vm0 = pl->vm_loads;
	rvx_a64_rt_unlock(daif);
	if (!rvx_virt_part_wait_for("the benchmark", bench_done, 20000))
		rvx_a64_exit(8);
	s = (uint32_t *)(uintptr_t)(pl->parts[0].mem + GUEST_SAMPLES_OFF);
	rvx_a64_printf("RVX-BENCH info counter_hz=%lu vttbr_changes=%lu el1_loads=%lu\n",
			rvx_a64_counter_freq(), pl->vm_loads - vm0, pl->cpu_loads);
	rvx_a64_printf("RVX-BENCH state-check part=A fp_simd_el1=%s part=B fp_simd_el1=%s\n",
			rvx_virt_progress[0].reports[GUEST_REP_STATE] != 0 &&
					rvx_virt_progress[0].report_val[GUEST_REP_STATE] == 1
				? "ok"
				: "LOST",
			rvx_virt_progress[1].reports[GUEST_REP_STATE] == 0 ? "ok" : "LOST");
	report_series("partition-roundtrip", s, n, 1);
	report_series("partition-switch-via-trap", s, n, 2);
	report_series("hvc-null", s + n, n, 1);
	report_series("hvc-queue-send", s + 2u * n, n, 1);
	report_series("hvc-queue-recv", s + 3u * n, n, 1);
	raw_switch(ta, tb, raw, n, false);
	report_series("switch-el1-vttbr", raw, n, 1);
	/* Control: the same EL1 switch with VTTBR_EL2 rewritten unchanged. */
	raw_switch(ta, tb, raw, n, true);
	report_series("switch-el1-same-vmid", raw, n, 1);
	{
		uint64_t t0 = rvx_a64_counter(), t1;

		for (uint32_t i = 0; i < 1000u; i++)
			__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(t1)::"memory");
		rvx_a64_printf("RVX-BENCH counter-read n=1000 total_ns=%lu\n",
				rvx_a64_ticks_to_ns(t1 - t0));
	}
	smp_figures(raw);
}
