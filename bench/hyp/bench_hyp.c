/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The library halves of a partition switch and of a lease fault, and
 * stage-2 table edits. Everything runs on one thread pinned to one CPU, in
 * one address space, at user level (hosted): these are plain function
 * calls over RuVix's bookkeeping, not the switch itself (registers, system
 * registers, VTTBR_EL2, TLB maintenance), which the AArch64 port times in
 * the guest. Each figure is the median over RUNS runs of the mean per call;
 * every timed call's result is checked.
 */
#include "bench_util.h" /* first: it defines _GNU_SOURCE */

#include <stdalign.h>

#include "ruvix/hyp.h"
#include "ruvix/stage2.h"

#define RUNS 11
#define CALLS 1000000u
#define MB2 UINT64_C(0x200000)

RVX_HYP_DEFINE(hyp, 256, 1024);
static unsigned long long events;

static void count_event(void *ctx, const struct rvx_hyp_event *ev)
{
	(void)ctx;
	bench_keep(ev->kind);
	events++;
}

RVX_STAGE2_POOL_DEFINE(pool, 64);
static struct rvx_stage2 s2;

static void row(const char *what, double *v, const char *note)
{
	printf("%-56s %8.1f ns%s\n", what, bench_median(v, RUNS), note);
}

int main(void)
{
	struct rvx_hyp_config cfg = {.cpu_count = 4, .policy = {.window = 1000000, .restart_limit = 3, .reconstruct_limit = 1}};
	struct rvx_hyp_sink sink = {count_event, NULL};
	struct rvx_stage2_config s2cfg = {.ipa_bits = 40, .pa_bits = 40, .start_level = RVX_STAGE2_START_AUTO, .vmid = 1};
	rvx_handle_t part[256], e, l;
	double v[RUNS], step, rd;
	int rc;

	if (bench_pin(0) != 0)
		fprintf(stderr, "note: could not pin to CPU 0\n");
	bench_timer_floor(&step, &rd);
	printf("timer floor: step %.0f ns, read %.1f ns\n", step, rd);
	printf("%-56s %11s\n", "what (one thread, one CPU, user level, library only)", "median");

	/* A full table: 256 partitions, each RUNNING, with 8 leases on partition 0. */
	BENCH_REQUIRE(RVX_HYP_INIT(hyp, &cfg, &sink) == 0, "init");
	for (uint32_t i = 0; i < 256; i++) {
		struct rvx_hyp_partition_config pc = {.vmid = (uint16_t)i, .cap_root = i};
		BENCH_REQUIRE(rvx_hyp_partition_create(&hyp, &pc, 0, &part[i]) == 0, "create %u", i);
		BENCH_REQUIRE(rvx_hyp_partition_resume(&hyp, part[i], 0) == 0, "resume %u", i);
	}
	for (uint32_t k = 0; k < RVX_CONFIG_HYP_LEASES_PER_PARTITION; k++) {
		struct rvx_hyp_lease_req r = {.device = k, .rights = RVX_HYP_LEASE_R | RVX_HYP_LEASE_W,
					      .mmio_base = 0x09000000 + k * 0x10000, .mmio_size = 0x1000};
		BENCH_REQUIRE(rvx_hyp_lease_grant(&hyp, part[0], &r, 0, UINT64_MAX, &l) == 0, "lease %u", k);
	}
	BENCH_REQUIRE(rvx_hyp_edge_create(&hyp, part[0], part[1], 1, RVX_HYP_EDGE_BIDIR, 0, &e) == 0, "edge");

	/* rvx_hyp_switch: every call a real change (A <-> B on CPU 0). */
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		rc = 0;
		for (uint32_t i = 0; i < CALLS; i++)
			rc |= rvx_hyp_switch(&hyp, 0, part[1u + (i & 1u)]);
		v[r] = (double)(bench_now_ns() - t0) / CALLS;
		BENCH_REQUIRE(rc == 0, "switch");
	}
	row("rvx_hyp_switch (bookkeeping of one change)", v, "");

	/* rvx_hyp_lease_check: hit in the last of 8 leases; and a miss. */
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		rc = 0;
		for (uint32_t i = 0; i < CALLS; i++)
			rc |= rvx_hyp_lease_check(&hyp, part[0], 0x09070000 + (i & 0xFF8u), RVX_HYP_LEASE_W, i);
		v[r] = (double)(bench_now_ns() - t0) / CALLS;
		BENCH_REQUIRE(rc == 0, "lease check");
	}
	row("rvx_hyp_lease_check (hit, 8th of 8 leases)", v, "");
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		int bad = 0;
		for (uint32_t i = 0; i < CALLS; i++)
			bad |= rvx_hyp_lease_check(&hyp, part[0], 0x0A000000 + (i & 0xFF8u), RVX_HYP_LEASE_R, i) != -RVX_EPERM;
		v[r] = (double)(bench_now_ns() - t0) / CALLS;
		BENCH_REQUIRE(!bad, "lease check miss must be EPERM");
	}
	row("rvx_hyp_lease_check (miss: no lease covers it)", v, "");

	/* rvx_hyp_tick with nothing due, and rvx_hyp_edge_note. */
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		rc = 0;
		for (uint32_t i = 0; i < CALLS; i++)
			rc |= rvx_hyp_tick(&hyp, i, NULL, 0);
		v[r] = (double)(bench_now_ns() - t0) / CALLS;
		BENCH_REQUIRE(rc == 0, "tick");
	}
	row("rvx_hyp_tick (no lease due)", v, "");
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		rc = 0;
		for (uint32_t i = 0; i < CALLS; i++)
			rc |= rvx_hyp_edge_note(&hyp, e, part[i & 1u], 64);
		v[r] = (double)(bench_now_ns() - t0) / CALLS;
		BENCH_REQUIRE(rc == 0, "edge note");
	}
	row("rvx_hyp_edge_note (one message counted)", v, "");
	for (int r = 0; r < RUNS; r++) {
		const uint32_t n = 10000;
		uint64_t t0 = bench_now_ns();
		rc = 0;
		for (uint32_t i = 0; i < n; i++)
			rc |= rvx_hyp_epoch_close(&hyp, i);
		v[r] = (double)(bench_now_ns() - t0) / n;
		BENCH_REQUIRE(rc == 0, "epoch close");
	}
	row("rvx_hyp_epoch_close (256 partitions, 1024 edge slots)", v, "");

	/* Stage 2: 40-bit IPA, 3 levels. A page kept mapped in the same 2 MiB
	 * and a block in the same 1 GiB keep the tables, so the timed calls
	 * edit one descriptor (the steady state of a lease map/unmap). */
	/* A physical address for the pool as a port would give it (the host
	 * pointer is above the 40-bit PA size; no hardware walks these tables). */
	BENCH_REQUIRE(rvx_stage2_init(&s2, &s2cfg, pool, 64, UINT64_C(0x40000000)) == 0, "s2 init");
	BENCH_REQUIRE(rvx_stage2_map(&s2, 0x09000000, 0x09000000, 0x1000, RVX_STAGE2_R, RVX_STAGE2_DEVICE) == 0, "keep");
	BENCH_REQUIRE(rvx_stage2_map(&s2, 0x40000000, 0x40000000, MB2, RVX_STAGE2_RWX, RVX_STAGE2_NORMAL_WB) == 0, "keep");
	for (int r = 0; r < RUNS; r++) {
		const uint32_t n = 200000;
		uint64_t t0 = bench_now_ns();
		rc = 0;
		for (uint32_t i = 0; i < n; i++) {
			rc |= rvx_stage2_map(&s2, 0x09001000, 0x09001000, 0x1000, RVX_STAGE2_R | RVX_STAGE2_W, RVX_STAGE2_DEVICE);
			rc |= rvx_stage2_unmap(&s2, 0x09001000, 0x1000);
		}
		v[r] = (double)(bench_now_ns() - t0) / n;
		BENCH_REQUIRE(rc == 0, "map/unmap 4K");
	}
	row("rvx_stage2_map + unmap, 4 KiB page (tables present)", v, "");
	for (int r = 0; r < RUNS; r++) {
		const uint32_t n = 200000;
		uint64_t t0 = bench_now_ns();
		rc = 0;
		for (uint32_t i = 0; i < n; i++) {
			rc |= rvx_stage2_map(&s2, 0x40200000, 0x80200000, MB2, RVX_STAGE2_R | RVX_STAGE2_W, RVX_STAGE2_NORMAL_WB);
			rc |= rvx_stage2_unmap(&s2, 0x40200000, MB2);
		}
		v[r] = (double)(bench_now_ns() - t0) / n;
		BENCH_REQUIRE(rc == 0, "map/unmap 2M");
	}
	row("rvx_stage2_map + unmap, 2 MiB block (L2 table present)", v, "");
	for (int r = 0; r < RUNS; r++) {
		const uint32_t n = 20000;
		uint64_t t0 = bench_now_ns();
		rc = 0;
		for (uint32_t i = 0; i < n; i++) {
			rc |= rvx_stage2_map(&s2, 0x7FE00000, 0x7FE00000, 0x1000, RVX_STAGE2_R, RVX_STAGE2_NORMAL_WB);
			rc |= rvx_stage2_unmap(&s2, 0x7FE00000, 0x1000);
		}
		v[r] = (double)(bench_now_ns() - t0) / n;
		BENCH_REQUIRE(rc == 0, "map/unmap 4K cold");
	}
	row("rvx_stage2_map + unmap, 4 KiB page (new L3, freed again)", v, "");
	for (int r = 0; r < RUNS; r++) {
		struct rvx_stage2_mapping m;
		uint64_t t0 = bench_now_ns();
		rc = 0;
		for (uint32_t i = 0; i < CALLS; i++)
			rc |= rvx_stage2_lookup(&s2, 0x40000000 + (i & 0x1FFFFFu), &m);
		v[r] = (double)(bench_now_ns() - t0) / CALLS;
		BENCH_REQUIRE(rc == 0, "lookup");
	}
	row("rvx_stage2_lookup (2 MiB block, 2 levels)", v, "");
	printf("events emitted: %llu; vttbr %#llx vtcr %#llx\n", events,
	       (unsigned long long)rvx_stage2_vttbr(&s2), (unsigned long long)rvx_stage2_vtcr(&s2));
	return 0;
}
