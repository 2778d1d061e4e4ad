/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A whole run as a port would drive it: two partitions with stage-2 address
 * spaces, a bidirectional CommEdge with traffic, a capability granted
 * across, a UART lease that expires (and is unmapped) and an RTC lease that
 * is revoked, a task fault that walks up the recovery ladder while the
 * other partition keeps running, an epoch summary, and teardown. Every
 * privileged action is listed as it is made, and the list must equal the
 * events emitted, one for one and in order.
 */
#include <stdalign.h>

#include "hyp_fixture.h"
#include "ruvix/stage2.h"

TestSuite(hyp_scenario, .init = hx_setup);

struct want {
	uint16_t kind;
	uint32_t partition;
	uint64_t target;
};

static struct want wants[64];
static unsigned want_count;

static void want(uint16_t kind, uint32_t partition, uint64_t target)
{
	cr_assert_lt(want_count, RVX_ARRAY_COUNT(wants));
	wants[want_count++] = (struct want){kind, partition, target};
}

static alignas(RVX_STAGE2_POOL_ALIGN) uint64_t pool_a[16][RVX_STAGE2_ENTRIES];
static alignas(RVX_STAGE2_POOL_ALIGN) uint64_t pool_b[16][RVX_STAGE2_ENTRIES];

#define UART UINT64_C(0x09000000)
#define RTC UINT64_C(0x09010000)
#define RAM_A UINT64_C(0x40000000)
#define RAM_B UINT64_C(0x48000000)

Test(hyp_scenario, two_partitions_full_trail)
{
	struct rvx_stage2_config ca = {.ipa_bits = 40, .pa_bits = 40, .start_level = RVX_STAGE2_START_AUTO, .vmid = 1};
	struct rvx_stage2_config cb = ca;
	struct rvx_stage2 s2a, s2b;
	struct rvx_stage2_mapping m;
	struct rvx_hyp_partition_config pa = {.vmid = 1, .cap_root = 10};
	struct rvx_hyp_partition_config pb = {.vmid = 2, .cap_root = 20};
	struct rvx_hyp_lease_req uart = {.device = 1, .rights = RVX_HYP_LEASE_R | RVX_HYP_LEASE_W,
					 .mmio_base = UART, .mmio_size = 0x1000};
	struct rvx_hyp_lease_req rtc = {.device = 2, .rights = RVX_HYP_LEASE_R,
					.mmio_base = RTC, .mmio_size = 0x1000};
	struct rvx_hyp_lease_info expired[4];
	struct rvx_hyp_fault f = {.kind = RVX_HYP_FAULT_TASK, .cause = 1, .task = 3, .region = 5,
				  .addr = UART};
	struct rvx_hyp_decision d, next;
	struct rvx_hyp_edge_info w;
	struct rvx_hyp_partition_info ia, ib;
	rvx_handle_t a, b, e, lu, lr, cur;

	cb.vmid = 2;
	want_count = 0;
	/* Boot: two partitions, each with its own stage-2 space and RAM. */
	cr_assert_eq(rvx_hyp_partition_create(&hx, &pa, 1, &a), 0);
	want(RVX_HYP_EV_PART_CREATE, 0, a.raw);
	cr_assert_eq(rvx_hyp_partition_create(&hx, &pb, 2, &b), 0);
	want(RVX_HYP_EV_PART_CREATE, 1, b.raw);
	cr_assert_eq(rvx_stage2_init(&s2a, &ca, pool_a, 16, UINT64_C(0x80000000)), 0);
	cr_assert_eq(rvx_stage2_init(&s2b, &cb, pool_b, 16, UINT64_C(0x80010000)), 0);
	cr_assert_eq(rvx_stage2_map(&s2a, RAM_A, RAM_A, 0x400000, RVX_STAGE2_RWX, RVX_STAGE2_NORMAL_WB), 0);
	cr_assert_eq(rvx_stage2_map(&s2b, RAM_A, RAM_B, 0x400000, RVX_STAGE2_RWX, RVX_STAGE2_NORMAL_WB), 0);
	cr_assert_neq(rvx_stage2_vttbr(&s2a), rvx_stage2_vttbr(&s2b));
	cr_assert_eq(rvx_hyp_partition_resume(&hx, a, 3), 0);
	want(RVX_HYP_EV_PART_RESUME, 0, a.raw);
	cr_assert_eq(rvx_hyp_partition_resume(&hx, b, 4), 0);
	want(RVX_HYP_EV_PART_RESUME, 1, b.raw);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 1, b), 0);

	/* They talk over a CommEdge; A hands B a read capability. */
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 7, RVX_HYP_EDGE_BIDIR, 5, &e), 0);
	want(RVX_HYP_EV_EDGE_CREATE, 0, e.raw);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(rvx_hyp_edge_note(&hx, e, a, 64), 0);
	for (int i = 0; i < 2; i++)
		cr_assert_eq(rvx_hyp_edge_note(&hx, e, b, 32), 0);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, a, b, 0x100000002ull, RVX_RIGHT_READ, 6), 0);
	want(RVX_HYP_EV_CAP_GRANT, 0, b.raw);

	/* Device leases: the UART to A until t=100, the RTC to B until t=1000. */
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &uart, 10, 100, &lu), 0);
	want(RVX_HYP_EV_LEASE_GRANT, 0, lu.raw);
	cr_assert_eq(rvx_stage2_map(&s2a, UART, UART, 0x1000, RVX_STAGE2_R | RVX_STAGE2_W, RVX_STAGE2_DEVICE), 0);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &rtc, 11, 1000, &lr), 0);
	want(RVX_HYP_EV_LEASE_GRANT, 1, lr.raw);
	cr_assert_eq(rvx_stage2_map(&s2b, RTC, RTC, 0x1000, RVX_STAGE2_R, RVX_STAGE2_DEVICE), 0);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, UART + 0x18, RVX_HYP_LEASE_W, 50), 0);
	cr_assert_eq(rvx_hyp_lease_check(&hx, b, UART + 0x18, RVX_HYP_LEASE_R, 50), -RVX_EPERM);
	cr_assert_eq(rvx_stage2_lookup(&s2b, UART, &m), -RVX_ENOENT, "B has no UART mapping");

	/* B's RTC lease is revoked early; the port unmaps it. */
	cr_assert_eq(rvx_hyp_lease_revoke(&hx, lr, 60), 0);
	want(RVX_HYP_EV_LEASE_REVOKE, 1, lr.raw);
	cr_assert_eq(rvx_stage2_unmap(&s2b, RTC, 0x1000), 0);
	cr_assert_eq(rvx_hyp_lease_check(&hx, b, RTC, RVX_HYP_LEASE_R, 61), -RVX_EPERM);

	/* Switch traffic on CPU 0. */
	cr_assert_eq(rvx_hyp_switch(&hx, 0, b), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);

	/* t=100: the UART lease expires; the port unmaps what tick reports. */
	cr_assert_eq(rvx_hyp_tick(&hx, 99, expired, 4), 0);
	cr_assert_eq(rvx_hyp_tick(&hx, 100, expired, 4), 1);
	want(RVX_HYP_EV_LEASE_EXPIRE, 0, lu.raw);
	cr_assert_eq(expired[0].lease.raw, lu.raw);
	cr_assert_eq(rvx_stage2_unmap(&s2a, expired[0].mmio_base, expired[0].mmio_size), 0);
	cr_assert_eq(rvx_stage2_lookup(&s2a, UART, &m), -RVX_ENOENT);

	/* t=110: task 3 of A touches the UART anyway: a stage-2 abort; the
	 * lease check confirms it holds no lease, and the fault is contained. */
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, UART, RVX_HYP_LEASE_W, 110), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 110, &d), 0);
	want(RVX_HYP_EV_FAULT, 0, a.raw);
	cr_assert_eq(d.action, RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(rvx_hyp_current(&hx, 0, &cur), 0);
	cr_assert(rvx_handle_is_null(cur), "A no longer runs on CPU 0");
	cr_assert_eq(rvx_hyp_current(&hx, 1, &cur), 0);
	cr_assert_eq(cur.raw, b.raw, "B keeps running");
	cr_assert_eq(rvx_hyp_edge_note(&hx, e, b, 32), 0); /* and keeps sending */
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, d.action, true, 111, &next), 0);
	want(RVX_HYP_EV_RECOVERY, 0, a.raw);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);

	/* It keeps failing: second restart, then reconstruction, which fails,
	 * so the region is rolled back, which works. No reboot. */
	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 120, &d), 0);
	want(RVX_HYP_EV_FAULT, 0, a.raw);
	cr_assert_eq(d.action, RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, d.action, true, 121, &next), 0);
	want(RVX_HYP_EV_RECOVERY, 0, a.raw);
	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 130, &d), 0);
	want(RVX_HYP_EV_FAULT, 0, a.raw);
	cr_assert_eq(d.action, RVX_HYP_ACT_RECONSTRUCT);
	cr_assert_eq(d.failures, 3);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_RECONSTRUCT, false, 131, &next), 0);
	want(RVX_HYP_EV_RECOVERY, 0, a.raw);
	cr_assert_eq(next.action, RVX_HYP_ACT_ROLLBACK_REGION);
	cr_assert_eq(next.region, 5);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_ROLLBACK_REGION, true, 132, &next), 0);
	want(RVX_HYP_EV_RECOVERY, 0, a.raw);
	cr_assert_eq(next.action, RVX_HYP_ACT_NONE);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &ia), 0);
	cr_assert_eq(ia.state, RVX_HYP_STATE_RUNNING);
	cr_assert_eq(ia.recoveries, 3);
	cr_assert_eq(ia.faults_total, 3);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);

	/* Epoch summary: 3 + 2 + 1 messages, switches counted, not logged. */
	cr_assert_eq(rvx_hyp_epoch_close(&hx, 200), 0);
	want(RVX_HYP_EV_EPOCH_SUMMARY, RVX_HYP_NONE, 0);
	cr_assert_eq(rvx_hyp_edge_info(&hx, e, &w), 0);
	cr_assert_eq(w.last_messages, 6);
	cr_assert_eq(w.last_bytes, 3 * 64 + 3 * 32);
	cr_assert_eq(rvx_hyp_partition_info(&hx, b, &ib), 0);
	cr_assert_eq(ib.state, RVX_HYP_STATE_RUNNING);
	cr_assert_eq(ib.faults_total, 0);

	/* Teardown of A: off the CPU, then destroy (its edge goes with it). */
	cr_assert_eq(rvx_hyp_switch(&hx, 0, RVX_HANDLE_NULL), 0);
	cr_assert_eq(rvx_hyp_partition_destroy(&hx, a, 300), 0);
	want(RVX_HYP_EV_EDGE_DESTROY, 0, e.raw);
	want(RVX_HYP_EV_PART_DESTROY, 0, a.raw);

	/* Every privileged action has its event, in order, and nothing else. */
	cr_assert_eq(hx_ev_count, want_count, "%u events for %u actions", hx_ev_count, want_count);
	for (unsigned i = 0; i < want_count; i++)
		hx_expect_ev(i, wants[i].kind, wants[i].partition, wants[i].target);

	/* Spot-check the arguments that a verifier would hash. */
	{
		const struct rvx_hyp_event *sum = &hx_ev[want_count - 3];

		cr_assert_eq(sum->kind, RVX_HYP_EV_EPOCH_SUMMARY);
		cr_assert_eq(hx_get64(sum->args), 0);
		/* switches: A@0, B@1, B@0, A@0, A@0 after the first recovery, A@0 after the last */
		cr_assert_eq(hx_get64(sum->args + 8), 6);
		cr_assert_eq(hx_get64(sum->args + 16), 6);
		cr_assert_eq(hx_get64(sum->args + 24), 3 * 64 + 3 * 32);
	}
	{
		const struct rvx_hyp_event *ed = &hx_ev[want_count - 2];

		cr_assert_eq(hx_get64(ed->args + 16), 6);
		cr_assert_eq(hx_get32(hx_ev[want_count - 1].args), 1);   /* edges removed */
		cr_assert_eq(hx_get32(hx_ev[want_count - 1].args + 4), 0); /* leases left */
	}
	/* FAULT events carry the decision; RECOVERY events the outcome. */
	cr_assert_eq(hx_get32(hx_ev[10].args + 24), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(hx_get32(hx_ev[14].args + 24), RVX_HYP_ACT_RECONSTRUCT);
	cr_assert_eq(hx_get32(hx_ev[15].args + 4), 0);
	cr_assert_eq(hx_get32(hx_ev[15].args + 16), RVX_HYP_ACT_ROLLBACK_REGION);
	cr_assert_eq(hx_get32(hx_ev[16].args + 4), 1);
	cr_assert_eq(hx_get32(hx_ev[16].args + 12), 5);
}
