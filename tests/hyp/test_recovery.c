/* SPDX-License-Identifier: Apache-2.0 */
/* ruvix/hyp.h: faults, the recovery policy and outcome reports. */
#include "hyp_fixture.h"

TestSuite(hyp_recovery, .init = hx_setup);

static struct rvx_hyp_fault task_fault(uint32_t task, uint32_t region)
{
	struct rvx_hyp_fault f = {.kind = RVX_HYP_FAULT_TASK, .cause = 0x24, .task = task,
				  .region = region, .addr = 0x8000};
	return f;
}

/* Fault @p and report success of the decided action; returns the action. */
static uint32_t fault_and_recover(rvx_handle_t p, struct rvx_hyp_fault f, uint64_t now)
{
	struct rvx_hyp_decision d, next;

	cr_assert_eq(rvx_hyp_fault(&hx, p, &f, now, &d), 0);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, p, d.action, true, now + 1, &next), 0);
	cr_assert_eq(next.action, RVX_HYP_ACT_NONE);
	return d.action;
}

Test(hyp_recovery, fault_marks_failed_and_stops_running)
{
	rvx_handle_t a = hx_make_running(1), cur;
	struct rvx_hyp_fault f = task_fault(4, RVX_HYP_NONE);
	struct rvx_hyp_decision d;
	struct rvx_hyp_partition_info info;
	unsigned n;

	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 1, a), 0);
	/* before: RUNNING on both CPUs */
	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 10, &d), 0);
	/* after: FAILED, current nowhere, restart pending, one FAULT event */
	cr_assert_eq(d.action, RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(d.task, 4);
	cr_assert_eq(d.failures, 1);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &info), 0);
	cr_assert_eq(info.state, RVX_HYP_STATE_FAILED);
	cr_assert_eq(info.current_cpus, 0);
	cr_assert_eq(info.pending.action, RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(info.faults_total, 1);
	cr_assert_eq(rvx_hyp_current(&hx, 0, &cur), 0);
	cr_assert(rvx_handle_is_null(cur));
	cr_assert_eq(rvx_hyp_current(&hx, 1, &cur), 0);
	cr_assert(rvx_handle_is_null(cur));
	n = hx_ev_count - 1;
	hx_expect_ev(n, RVX_HYP_EV_FAULT, 0, a.raw);
	cr_assert_eq(hx_ev[n].args_len, 28);
	cr_assert_eq(hx_get16(hx_ev[n].args), RVX_HYP_FAULT_TASK);
	cr_assert_eq(hx_get16(hx_ev[n].args + 2), 0x24);
	cr_assert_eq(hx_get32(hx_ev[n].args + 4), 4);
	cr_assert_eq(hx_get32(hx_ev[n].args + 8), RVX_HYP_NONE);
	cr_assert_eq(hx_get32(hx_ev[n].args + 12), 1);
	cr_assert_eq(hx_get64(hx_ev[n].args + 16), 0x8000);
	cr_assert_eq(hx_get32(hx_ev[n].args + 24), RVX_HYP_ACT_RESTART_TASK);
}

Test(hyp_recovery, fault_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make_running(2);
	struct rvx_hyp_fault f = task_fault(1, RVX_HYP_NONE), bad;
	struct rvx_hyp_decision d;

	cr_assert_eq(rvx_hyp_fault(&hx, b, &f, 0, &d), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_fault(NULL, a, &f, 0, &d), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_fault(&hx, a, NULL, 0, &d), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 0, NULL), -RVX_EINVAL);
	bad = f;
	bad.kind = RVX_HYP_FAULT_KIND_COUNT;
	cr_assert_eq(rvx_hyp_fault(&hx, a, &bad, 0, &d), -RVX_EINVAL);
	bad = f;
	bad.task = RVX_HYP_NONE;
	cr_assert_eq(rvx_hyp_fault(&hx, a, &bad, 0, &d), -RVX_EINVAL);
	bad = f;
	bad.kind = RVX_HYP_FAULT_REGION;
	cr_assert_eq(rvx_hyp_fault(&hx, a, &bad, 0, &d), -RVX_EINVAL);
	bad = f;
	bad.reserved = 1;
	cr_assert_eq(rvx_hyp_fault(&hx, a, &bad, 0, &d), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_fault(&hx, rvx_handle_make(NPARTS, 1), &f, 0, &d), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_fault(&hx, rvx_handle_make(4, 1), &f, 0, &d), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_fault(&hx, b, &f, 0, &d), -RVX_EBUSY);
	hx_unchanged();
}

Test(hyp_recovery, ladder_climbs_with_failures_in_window)
{
	rvx_handle_t a = hx_make_running(1);
	struct rvx_hyp_partition_info info;

	/* before: no failures; restart_limit 2, reconstruct_limit 1, window 1000 */
	cr_assert_eq(fault_and_recover(a, task_fault(1, 7), 10), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(fault_and_recover(a, task_fault(1, 7), 20), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(fault_and_recover(a, task_fault(1, 7), 30), RVX_HYP_ACT_RECONSTRUCT);
	cr_assert_eq(fault_and_recover(a, task_fault(1, 7), 40), RVX_HYP_ACT_ROLLBACK_REGION);
	cr_assert_eq(fault_and_recover(a, task_fault(1, RVX_HYP_NONE), 50), RVX_HYP_ACT_REBOOT);
	/* after the window the count starts again */
	cr_assert_eq(fault_and_recover(a, task_fault(1, 7), 10 + WINDOW), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &info), 0);
	cr_assert_eq(info.failures, 1);
	cr_assert_eq(info.faults_total, 6);
	cr_assert_eq(info.recoveries, 6);
	cr_assert_eq(info.state, RVX_HYP_STATE_RUNNING);
}

Test(hyp_recovery, fault_kind_sets_lowest_rung)
{
	rvx_handle_t a = hx_make_running(1);
	struct rvx_hyp_fault f = task_fault(RVX_HYP_NONE, RVX_HYP_NONE);
	struct rvx_hyp_decision d;

	f.kind = RVX_HYP_FAULT_PARTITION;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 0, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_RECONSTRUCT);
	f.kind = RVX_HYP_FAULT_REGION;
	f.region = 3;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 0, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_ROLLBACK_REGION);
	cr_assert_eq(d.region, 3);
	f.kind = RVX_HYP_FAULT_KERNEL;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 0, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_REBOOT);
	f.kind = RVX_HYP_FAULT_TASK;
	f.task = 2;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 0, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(d.failures, 1);
}

Test(hyp_recovery, decide_is_pure_and_checks_input)
{
	rvx_handle_t a = hx_make_running(1);
	struct rvx_hyp_fault f = task_fault(1, RVX_HYP_NONE), bad;
	struct rvx_hyp_decision d;

	cr_assert_eq(fault_and_recover(a, f, 5), RVX_HYP_ACT_RESTART_TASK);
	hx_snap();
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 6, &d), 0);
	cr_assert_eq(d.failures, 2);
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 6, &d), 0);
	cr_assert_eq(d.failures, 2, "deciding twice counts nothing");
	cr_assert_eq(rvx_hyp_recovery_decide(NULL, a, &f, 0, &d), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, NULL, 0, &d), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 0, NULL), -RVX_EINVAL);
	bad = f;
	bad.kind = 99;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &bad, 0, &d), -RVX_EINVAL);
	bad = f;
	bad.task = RVX_HYP_NONE;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &bad, 0, &d), -RVX_EINVAL);
	bad.kind = RVX_HYP_FAULT_REGION;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &bad, 0, &d), -RVX_EINVAL);
	bad = f;
	bad.reserved = 7;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &bad, 0, &d), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, rvx_handle_make(NPARTS, 1), &f, 0, &d), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, rvx_handle_make(0, 2), &f, 0, &d), -RVX_ESTALE);
	hx_unchanged();
}

Test(hyp_recovery, failed_outcomes_escalate)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2);
	struct rvx_hyp_decision d, next;
	struct rvx_hyp_partition_info info;
	struct rvx_hyp_fault f = task_fault(3, 9);
	unsigned n;

	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 100, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_RESTART_TASK, false, 101, &next), 0);
	cr_assert_eq(next.action, RVX_HYP_ACT_RECONSTRUCT);
	n = hx_ev_count - 1;
	hx_expect_ev(n, RVX_HYP_EV_RECOVERY, 0, a.raw);
	cr_assert_eq(hx_ev[n].args_len, 20);
	cr_assert_eq(hx_get32(hx_ev[n].args), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(hx_get32(hx_ev[n].args + 4), 0);
	cr_assert_eq(hx_get32(hx_ev[n].args + 8), 3);
	cr_assert_eq(hx_get32(hx_ev[n].args + 12), 9);
	cr_assert_eq(hx_get32(hx_ev[n].args + 16), RVX_HYP_ACT_RECONSTRUCT);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_RECONSTRUCT, false, 102, &next), 0);
	cr_assert_eq(next.action, RVX_HYP_ACT_ROLLBACK_REGION);
	cr_assert_eq(next.region, 9);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_ROLLBACK_REGION, false, 103, &next), 0);
	cr_assert_eq(next.action, RVX_HYP_ACT_REBOOT);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_REBOOT, false, 104, NULL), 0);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &info), 0);
	cr_assert_eq(info.pending.action, RVX_HYP_ACT_REBOOT);
	cr_assert_eq(info.state, RVX_HYP_STATE_FAILED);
	/* without a region the roll back rung is skipped */
	f = task_fault(3, RVX_HYP_NONE);
	cr_assert_eq(rvx_hyp_fault(&hx, b, &f, 100, &d), 0);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, b, RVX_HYP_ACT_RESTART_TASK, false, 101, &next), 0);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, b, RVX_HYP_ACT_RECONSTRUCT, false, 102, &next), 0);
	cr_assert_eq(next.action, RVX_HYP_ACT_REBOOT);
	/* success restores the state before the fault (here CREATED) */
	cr_assert_eq(rvx_hyp_recovery_report(&hx, b, RVX_HYP_ACT_REBOOT, true, 103, &next), 0);
	cr_assert_eq(rvx_hyp_partition_info(&hx, b, &info), 0);
	cr_assert_eq(info.state, RVX_HYP_STATE_CREATED);
	cr_assert_eq(info.pending.action, RVX_HYP_ACT_NONE);
	cr_assert_eq(info.recoveries, 1);
}

Test(hyp_recovery, report_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1), ok = hx_make_running(2);
	struct rvx_hyp_fault f = task_fault(1, RVX_HYP_NONE);
	struct rvx_hyp_decision d, next;

	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 0, &d), 0);
	hx_snap();
	memset(&next, 0x77, sizeof(next));
	cr_assert_eq(rvx_hyp_recovery_report(NULL, a, d.action, true, 0, &next), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_RECONSTRUCT, true, 0, &next),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, rvx_handle_make(NPARTS, 1), d.action, true, 0, &next),
		     -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, rvx_handle_make(0, 2), d.action, true, 0, &next),
		     -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, ok, RVX_HYP_ACT_NONE, true, 0, &next), -RVX_EPERM);
	hx_unchanged();
	cr_assert_eq(next.action, 0x77777777u, "out untouched on failure");
}

/* ---- the stop rung (partitions created RVX_HYP_PART_STOPPABLE) ------------ */

static rvx_handle_t make_stoppable(uint16_t vmid)
{
	struct rvx_hyp_partition_config pc = {.vmid = vmid, .flags = RVX_HYP_PART_STOPPABLE,
					      .cap_root = 5};
	struct rvx_hyp_partition_info info;
	rvx_handle_t p;
	unsigned n = hx_ev_count;

	cr_assert_eq(rvx_hyp_partition_create(&hx, &pc, 0, &p), 0);
	cr_assert_eq(rvx_hyp_partition_resume(&hx, p, 0), 0);
	cr_assert_eq(hx_ev[n].args_len, 12);
	cr_assert_eq(hx_get32(hx_ev[n].args + 8), RVX_HYP_PART_STOPPABLE, "the flag is witnessed");
	cr_assert_eq(rvx_hyp_partition_info(&hx, p, &info), 0);
	cr_assert_eq(info.flags, RVX_HYP_PART_STOPPABLE);
	return p;
}

Test(hyp_recovery, stoppable_ladder_stops_instead_of_rebooting)
{
	static const struct rvx_hyp_lease_req uart = {.device = 1, .rights = RVX_HYP_LEASE_W,
						      .mmio_base = 0x09000000, .mmio_size = 0x1000};
	rvx_handle_t a = make_stoppable(1), b = hx_make_running(2), e, l;
	struct rvx_hyp_partition_info ia, ib_before, ib;
	struct rvx_hyp_decision d, next;
	struct rvx_hyp_fault f = task_fault(3, RVX_HYP_NONE);
	unsigned n;

	cr_assert_eq(rvx_hyp_edge_create(&hx, b, a, 40, RVX_HYP_EDGE_BIDIR, 1, &e), 0);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &uart, 1, 1000000, &l), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 1, b), 0);
	cr_assert_eq(rvx_hyp_partition_info(&hx, b, &ib_before), 0);
	/* before: two restarts within the window answered */
	cr_assert_eq(fault_and_recover(a, f, 10), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(fault_and_recover(a, f, 20), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 30, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_RECONSTRUCT);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_RECONSTRUCT, false, 31, &next), 0);
	/* no region to roll back: the last resort of a stoppable partition */
	cr_assert_eq(next.action, RVX_HYP_ACT_STOP_PARTITION);
	n = hx_ev_count;
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_STOP_PARTITION, true, 32, &next), 0);
	/* after: STOPPED, its edge and lease gone (events first), then RECOVERY */
	cr_assert_eq(next.action, RVX_HYP_ACT_NONE);
	cr_assert_eq(hx_ev_count, n + 3);
	hx_expect_ev(n, RVX_HYP_EV_EDGE_DESTROY, 1, e.raw);
	hx_expect_ev(n + 1, RVX_HYP_EV_LEASE_REVOKE, 0, l.raw);
	hx_expect_ev(n + 2, RVX_HYP_EV_RECOVERY, 0, a.raw);
	cr_assert_eq(hx_get32(hx_ev[n + 2].args), RVX_HYP_ACT_STOP_PARTITION);
	cr_assert_eq(hx_get32(hx_ev[n + 2].args + 4), 1);
	cr_assert_eq(hx_get32(hx_ev[n + 2].args + 8), 3);
	cr_assert_eq(hx_get32(hx_ev[n + 2].args + 16), RVX_HYP_ACT_NONE);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &ia), 0);
	cr_assert_eq(ia.state, RVX_HYP_STATE_STOPPED);
	cr_assert_eq(ia.edge_count, 0);
	cr_assert_eq(ia.lease_count, 0);
	cr_assert_eq(ia.current_cpus, 0);
	cr_assert_eq(ia.pending.action, RVX_HYP_ACT_NONE);
	cr_assert_eq(hx.active_leases, 0);
	cr_assert_eq(hx.live_edges, 0);
	/* the other partition runs on: only its edge to the stopped one went */
	cr_assert_eq(rvx_hyp_partition_info(&hx, b, &ib), 0);
	cr_assert_eq(ib.state, RVX_HYP_STATE_RUNNING);
	cr_assert_eq(ib.current_cpus, 2u);
	cr_assert_eq(ib.faults_total, ib_before.faults_total);
	cr_assert_eq(ib.edge_count, 0);
}

Test(hyp_recovery, stopped_partition_refuses_everything_but_destroy)
{
	static const struct rvx_hyp_lease_req uart = {.device = 1, .rights = RVX_HYP_LEASE_W,
						      .mmio_base = 0x09000000, .mmio_size = 0x1000};
	rvx_handle_t a = make_stoppable(1), b = hx_make_running(2), e, l;
	struct rvx_hyp_fault f = task_fault(3, RVX_HYP_NONE);
	struct rvx_hyp_decision d;

	/* the reconstruction fails at once (a PARTITION fault enters there) */
	f.kind = RVX_HYP_FAULT_PARTITION;
	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 10, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_RECONSTRUCT);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_RECONSTRUCT, false, 11, &d), 0);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_STOP_PARTITION, true, 12, &d), 0);
	f = task_fault(3, RVX_HYP_NONE);
	hx_snap();
	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 13, &d), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_STOP_PARTITION, true, 13, &d),
		     -RVX_EPERM);
	cr_assert_eq(rvx_hyp_partition_resume(&hx, a, 13), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_partition_suspend(&hx, a, 13), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &uart, 13, 100, &l), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, b, a, 77, RVX_RIGHT_READ, 13), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, a, b, 77, RVX_RIGHT_READ, 13), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_edge_create(&hx, b, a, 41, 0, 13, &e), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 41, 0, 13, &e), -RVX_EPERM);
	hx_unchanged();
	cr_assert_eq(rvx_hyp_partition_destroy(&hx, a, 14), 0);
	cr_assert_eq(hx.live_partitions, 1);
}

Test(hyp_recovery, stop_rung_order_and_limits)
{
	rvx_handle_t a = make_stoppable(1), c = make_stoppable(3);
	struct rvx_hyp_fault f = task_fault(3, 9);
	struct rvx_hyp_decision d, next;
	struct rvx_hyp_partition_info info;

	/* with a region the roll back comes first; its failure stops */
	cr_assert_eq(fault_and_recover(a, f, 10), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(fault_and_recover(a, f, 11), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(fault_and_recover(a, f, 12), RVX_HYP_ACT_RECONSTRUCT);
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 13, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_ROLLBACK_REGION);
	f.region = RVX_HYP_NONE;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 13, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_STOP_PARTITION, "no region: straight to the stop");
	/* a KERNEL fault reboots even a stoppable partition */
	f.kind = RVX_HYP_FAULT_KERNEL;
	cr_assert_eq(rvx_hyp_recovery_decide(&hx, a, &f, 13, &d), 0);
	cr_assert_eq(d.action, RVX_HYP_ACT_REBOOT);
	/* a failed stop goes on to reboot, and the partition stays FAILED */
	f = task_fault(3, 9);
	cr_assert_eq(rvx_hyp_fault(&hx, c, &f, 10, &d), 0);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, c, RVX_HYP_ACT_RESTART_TASK, false, 11, &next), 0);
	cr_assert_eq(next.action, RVX_HYP_ACT_RECONSTRUCT);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, c, RVX_HYP_ACT_RECONSTRUCT, false, 12, &next), 0);
	cr_assert_eq(next.action, RVX_HYP_ACT_ROLLBACK_REGION);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, c, RVX_HYP_ACT_ROLLBACK_REGION, false, 13, &next),
		     0);
	cr_assert_eq(next.action, RVX_HYP_ACT_STOP_PARTITION);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, c, RVX_HYP_ACT_STOP_PARTITION, false, 14, &next), 0);
	cr_assert_eq(next.action, RVX_HYP_ACT_REBOOT);
	cr_assert_eq(rvx_hyp_partition_info(&hx, c, &info), 0);
	cr_assert_eq(info.state, RVX_HYP_STATE_FAILED);
	cr_assert_eq(info.pending.action, RVX_HYP_ACT_REBOOT);
}

Test(hyp_recovery, a_partition_not_stoppable_never_gets_the_stop_rung)
{
	rvx_handle_t a = hx_make_running(1);
	struct rvx_hyp_fault f = task_fault(3, RVX_HYP_NONE);
	struct rvx_hyp_decision d, next;

	cr_assert_eq(fault_and_recover(a, f, 10), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(fault_and_recover(a, f, 11), RVX_HYP_ACT_RESTART_TASK);
	cr_assert_eq(rvx_hyp_fault(&hx, a, &f, 12, &d), 0);
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_RECONSTRUCT, false, 13, &next), 0);
	cr_assert_eq(next.action, RVX_HYP_ACT_REBOOT);
	/* and a report of a stop it was never asked for is refused */
	hx_snap();
	cr_assert_eq(rvx_hyp_recovery_report(&hx, a, RVX_HYP_ACT_STOP_PARTITION, true, 14, &next),
		     -RVX_EINVAL);
	hx_unchanged();
}
