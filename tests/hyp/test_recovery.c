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
