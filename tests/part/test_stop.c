/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/part's stop rung through the fake architecture: a partition created
 * RVX_PART_STOPPABLE that keeps faulting past its restarts is stopped for
 * good (its tasks ended through the kernel, its lease unmapped, its edges
 * and leases ended, STOPPED, witnessed) while the other partitions run on;
 * a partition created without the flag still climbs to reboot; a stop that
 * cannot be checked or committed fails the rung and changes nothing.
 */
#include "fake_arch.h"

#include "ruvix/witness.h"

static struct rvx_part before;

/* before: a copy of the layer; after: the same bytes. */
#define SNAP() memcpy(&before, &pl, sizeof(pl))
#define UNCHANGED() cr_assert_eq(memcmp(&before, &pl, sizeof(pl)), 0, "state changed")

TestSuite(part_stop, .init = fk_setup);

static struct rvx_part_verdict trap(uint32_t cpu, uint32_t task)
{
	struct rvx_part_verdict v;

	cr_assert_eq(rvx_part_trap(&pl, cpu, task, &v), 0);
	return v;
}

/* Partition 0 stoppable, partition 1 not (the demo's kind): two tasks in
 * 0, one in 1, an edge 1 -> 0 and a UART lease held by 0. */
static void scene(uint32_t *t0, uint32_t *t1, uint32_t *u, uint32_t *edge)
{
	uint32_t index;

	cr_assert_eq(rvx_part_create(&pl, 1, FK_MEM_BASE(0), FK_MEM, RVX_PART_STOPPABLE, &index), 0);
	cr_assert_eq(rvx_part_create(&pl, 2, FK_MEM_BASE(1), FK_MEM, 0, &index), 0);
	cr_assert_eq(rvx_part_resume(&pl, 0, 0), 0);
	cr_assert_eq(rvx_part_resume(&pl, 1, 0), 0);
	cr_assert_eq(pl.parts[0].flags, RVX_PART_STOPPABLE);
	cr_assert_eq(pl.hyp_parts[0].flags, RVX_HYP_PART_STOPPABLE);
	cr_assert_eq(pl.hyp_parts[1].flags, 0);
	*t0 = fk_spawn(0, 1);
	*t1 = fk_spawn(0, 2);
	*u = fk_spawn(1, 3);
	cr_assert_eq(rvx_part_edge_create(&pl, 1, 0, 0x42, *u, 0x43, edge), 0);
	cr_assert_eq(rvx_part_lease_grant(&pl, 0, FK_DEV_UART, RVX_HYP_LEASE_W, 1000000), 0);
	cr_assert_not_null(fk_map_at(0, FK_UART));
}

/* The index of the last record of @p kind, or -1. */
static int last_record(uint16_t kind)
{
	for (int i = (int)nrecs - 1; i >= 0; i--)
		if (recs[i].kind == kind)
			return i;
	return -1;
}

static uint32_t rec32(int i, uint32_t off)
{
	uint32_t v;

	memcpy(&v, recs[i].args + off, 4);
	return v;
}

/* A RECOVERY record's arguments: time u64, then action, ok, task, region, next (u32). */
static void expect_recovery(int i, uint32_t action, uint32_t ok, uint32_t next)
{
	cr_assert_geq(i, 0);
	cr_assert_eq(recs[i].kind, RVX_WITNESS_RECOVERY);
	cr_assert_eq(rec32(i, 8), action, "record %d: action %u", i, rec32(i, 8));
	cr_assert_eq(rec32(i, 12), ok);
	cr_assert_eq(rec32(i, 24), next);
}

/* Three faults of @p task within the policy's window (2 restarts, 1 reconstruction). */
static struct rvx_part_verdict fault_three_times(uint32_t task)
{
	fk_trap_abort(UINT64_C(0x70000000), false);
	cr_assert_eq(trap(0, task).next, RVX_PART_NEXT_RESTART);
	cr_assert_eq(trap(0, task).next, RVX_PART_NEXT_RESTART);
	return trap(0, task);
}

Test(part_stop, a_stoppable_partition_past_its_restarts_is_stopped_and_the_rest_runs_on)
{
	uint32_t t0, t1, u, e, exits = 0;
	struct rvx_part_partition other;
	struct rvx_part_verdict v;
	int stop, last_exit = -1, stop_call = -1;

	scene(&t0, &t1, &u, &e);
	memcpy(&other, &pl.parts[1], sizeof(other));
	fk_clear();
	/* No checkpoint: the reconstruction fails; no region: no roll back. */
	v = fault_three_times(t0);
	/* after: the partition stopped for good, no reboot */
	cr_assert_eq(v.next, RVX_PART_NEXT_STOPPED);
	cr_assert_eq(v.part, 0);
	cr_assert_eq(fk_count(FK_REBOOT), 0);
	cr_assert_eq(fk_count(FK_TASK_RESTART), 2);
	/* both of its tasks ended through the kernel, code STOPPED, slot order */
	for (uint32_t i = 0; i < fk.ncalls; i++) {
		if (fk.calls[i].op != FK_TASK_EXIT)
			continue;
		cr_assert_eq(fk.calls[i].a, exits == 0 ? t0 : t1);
		cr_assert_eq(fk.calls[i].b, (uint64_t)RVX_PART_EXIT_STOPPED);
		exits++;
		last_exit = (int)i;
	}
	cr_assert_eq(exits, 2);
	cr_assert_eq(fk.alive[t0], 0);
	cr_assert_eq(fk.alive[t1], 0);
	cr_assert_eq(pl.parts[0].stopped, 1);
	cr_assert_eq(pl.parts[0].stopped_count, 2);
	cr_assert_eq(pl.parts[0].stopped_tasks[0], t0);
	cr_assert_eq(pl.parts[0].stopped_tasks[1], t1);
	cr_assert_eq(rvx_part_of(&pl, t0), -RVX_ENOENT);
	cr_assert_eq(rvx_part_of(&pl, t1), -RVX_ENOENT);
	cr_assert_eq(pl.hyp_parts[0].state, RVX_HYP_STATE_STOPPED);
	/* its device unmapped, its lease and edge ended, witnessed */
	cr_assert_null(fk_map_at(0, FK_UART));
	cr_assert_eq(fk_count(FK_S2_UNMAP), 1);
	cr_assert_eq(pl.edges[e].live, 0);
	cr_assert_eq(pl.hyp.live_edges, 0);
	cr_assert_eq(pl.hyp.active_leases, 0);
	cr_assert_eq(fk_records(RVX_WITNESS_LEASE_REVOKE), 1);
	cr_assert_eq(fk_records(RVX_HYP_WITNESS_KIND_BASE + RVX_HYP_EV_EDGE_DESTROY), 1);
	cr_assert_eq(fk_records(RVX_WITNESS_FAULT), 3);
	cr_assert_eq(fk_records(RVX_WITNESS_RECOVERY), 4, "restart x2, reconstruct, stop");
	stop = last_record(RVX_WITNESS_RECOVERY);
	expect_recovery(stop, RVX_HYP_ACT_STOP_PARTITION, 1, RVX_HYP_ACT_NONE);
	/* between them: EDGE_DESTROY, LEASE_REVOKE */
	expect_recovery(stop - 3, RVX_HYP_ACT_RECONSTRUCT, 0, RVX_HYP_ACT_STOP_PARTITION);
	cr_assert_lt(last_record(RVX_WITNESS_LEASE_REVOKE), stop);
	/* the tasks ended before the stop was reported */
	for (uint32_t i = 0; i < fk.ncalls; i++)
		if (fk.calls[i].op == FK_RECORD && fk.calls[i].b == RVX_WITNESS_RECOVERY)
			stop_call = (int)i;
	cr_assert_lt(last_exit, stop_call);
	/* its memory is kept as it was, mapped by it alone: not rebuilt, not reused */
	cr_assert_eq(fk_count(FK_S2_RESET), 0);
	cr_assert_eq(fk_count(FK_SNAP_RESTORE), 0);
	cr_assert_not_null(fk_map_at(0, FK_MEM_BASE(0)));
	cr_assert_null(fk_map_at(1, FK_MEM_BASE(0)));
	/* the other partition is untouched and still runs */
	cr_assert_eq(memcmp(&other, &pl.parts[1], sizeof(other)), 0);
	cr_assert_eq(pl.hyp_parts[1].state, RVX_HYP_STATE_RUNNING);
	cr_assert_eq(pl.hyp_parts[1].faults_total, 0);
	cr_assert_eq(fk.alive[u], 1);
	cr_assert_eq(rvx_part_switch(&pl, 1, u), 1);
	memset(&fk.trap, 0, sizeof(fk.trap));
	fk.trap.kind = RVX_PART_TRAP_YIELD;
	cr_assert_eq(trap(1, u).next, RVX_PART_NEXT_YIELD);
}

Test(part_stop, a_stopped_partition_refuses_new_work_and_changes_nothing)
{
	struct rvx_syscall_capxfer x[1] = {{0x55, RVX_RIGHT_WRITE, 0}};
	struct rvx_part_map m = {0x900000, 0x1000, 3, 1, 1, 0, {0}, 0x900000};
	uint16_t where[1] = {8};
	struct rvx_part_verdict v;
	uint32_t t0, t1, u, e, task = 99, calls;
	uint64_t child[1];

	scene(&t0, &t1, &u, &e);
	cr_assert_eq(fault_three_times(t0).next, RVX_PART_NEXT_STOPPED);
	calls = fk.ncalls;
	SNAP();
	cr_assert_eq(rvx_part_spawn(&pl, 0, 1, x, 1, where, child, &task), -RVX_EPERM);
	cr_assert_eq(rvx_part_adopt(&pl, 0, 20, 1), -RVX_EPERM);
	cr_assert_eq(rvx_part_map_add(&pl, 0, &m), -RVX_EPERM);
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 0), -RVX_EPERM);
	cr_assert_eq(rvx_part_resume(&pl, 0, 0), -RVX_EPERM);
	cr_assert_eq(rvx_part_suspend(&pl, 0, 0), -RVX_EPERM);
	cr_assert_eq(rvx_part_lease_grant(&pl, 0, FK_DEV_UART, RVX_HYP_LEASE_W, 100), -RVX_EPERM);
	cr_assert_eq(rvx_part_edge_create(&pl, 1, 0, 0x44, u, 0x45, &e), -RVX_EPERM);
	cr_assert_eq(rvx_part_trap(&pl, 0, t0, &v), -RVX_ENOENT, "its tasks are gone");
	cr_assert_eq(rvx_part_task_end(&pl, t1, 0), -RVX_ENOENT);
	UNCHANGED();
	cr_assert_eq(task, 99);
	for (uint32_t i = calls; i < fk.ncalls; i++)
		cr_assert(fk.calls[i].op != FK_TASK_EXIT && fk.calls[i].op != FK_S2_MAP &&
				  fk.calls[i].op != FK_RECORD && fk.calls[i].op != FK_SYSCALL,
			  "a refused call acted (op %u)", fk.calls[i].op);
	/* teardown passes it by and destroys it */
	fk_clear();
	cr_assert_eq(rvx_part_teardown(&pl, 0), 0);
	cr_assert_eq(fk_count(FK_TASK_EXIT), 1, "only the other partition's task was left");
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_DESTROY), 2);
}

Test(part_stop, a_partition_not_stoppable_beside_it_still_goes_to_reboot)
{
	uint32_t t0, t1, u, e;
	struct rvx_part_verdict v;
	int last;

	scene(&t0, &t1, &u, &e);
	fk_clear();
	v = fault_three_times(u);
	cr_assert_eq(v.next, RVX_PART_NEXT_HALTED);
	cr_assert_eq(fk_count(FK_REBOOT), 1);
	cr_assert_eq(fk_count(FK_TASK_EXIT), 0);
	cr_assert_eq(pl.hyp_parts[1].state, RVX_HYP_STATE_FAILED);
	last = last_record(RVX_WITNESS_RECOVERY);
	expect_recovery(last, RVX_HYP_ACT_REBOOT, 0, RVX_HYP_ACT_REBOOT);
	expect_recovery(last - 1, RVX_HYP_ACT_RECONSTRUCT, 0, RVX_HYP_ACT_REBOOT);
	/* the stoppable one was not touched */
	cr_assert_eq(pl.hyp_parts[0].state, RVX_HYP_STATE_RUNNING);
	cr_assert_eq(pl.parts[0].stopped, 0);
	cr_assert_eq(rvx_part_of(&pl, t0), 0);
}

/* A stop whose check fails: the rung fails with nothing changed, and the
 * ladder goes on to reboot. */
static void expect_stop_refused(uint32_t t0, uint32_t t1)
{
	struct rvx_part_verdict v;

	fk_clear();
	v = fault_three_times(t0);
	cr_assert_eq(v.next, RVX_PART_NEXT_HALTED);
	cr_assert_eq(fk_count(FK_TASK_EXIT), 0);
	cr_assert_eq(fk_count(FK_S2_UNMAP), 0);
	cr_assert_eq(fk_count(FK_REBOOT), 1);
	cr_assert_eq(pl.parts[0].stopped, 0);
	cr_assert_eq(pl.parts[0].stopped_count, 0);
	cr_assert_eq(pl.hyp_parts[0].state, RVX_HYP_STATE_FAILED);
	cr_assert_eq(rvx_part_of(&pl, t0), 0);
	cr_assert_eq(rvx_part_of(&pl, t1), 0);
	cr_assert_not_null(fk_map_at(0, FK_UART));
	cr_assert_eq(pl.hyp.live_edges, 1);
	expect_recovery(last_record(RVX_WITNESS_RECOVERY) - 1, RVX_HYP_ACT_STOP_PARTITION, 0,
			RVX_HYP_ACT_REBOOT);
}

Test(part_stop, a_task_the_kernel_would_not_end_fails_the_stop_before_it_acts)
{
	uint32_t t0, t1, u, e;

	scene(&t0, &t1, &u, &e);
	fk.exit_check_rc = -RVX_EINVAL;
	expect_stop_refused(t0, t1);
}

Test(part_stop, a_task_running_on_another_cpu_fails_the_stop_before_it_acts)
{
	uint32_t t0, t1, u, e;

	scene(&t0, &t1, &u, &e);
	cr_assert_eq(rvx_part_switch(&pl, 1, t1), 1); /* its registers are CPU 1's */
	expect_stop_refused(t0, t1);
}

Test(part_stop, a_kernel_exit_failing_after_its_check_fails_the_rung)
{
	uint32_t t0, t1, u, e;
	struct rvx_part_verdict v;

	scene(&t0, &t1, &u, &e);
	fk.exit_rc = -RVX_EFULL; /* the journal filled up between check and commit */
	fk_clear();
	v = fault_three_times(t0);
	cr_assert_eq(v.next, RVX_PART_NEXT_HALTED);
	cr_assert_eq(fk_count(FK_REBOOT), 1);
	cr_assert_eq(pl.parts[0].stopped, 0);
	cr_assert_eq(pl.hyp_parts[0].state, RVX_HYP_STATE_FAILED);
}

Test(part_stop, a_component_like_partition_with_an_adopted_task_is_stopped)
{
	struct rvx_part_map m[2] = {
		{FK_MEM_BASE(0), 0x1000, 5, 1, 1, 0, {0}, 0x900000},
		{FK_MEM_BASE(0) + 0x1000, 0x1000, 3, 1, 1, 0, {0}, 0x901000},
	};
	struct rvx_part_verdict v;
	uint32_t index, other;

	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, m, 2, 7, &index),
		     -RVX_EINVAL, "an unknown flag");
	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, m, 2, RVX_PART_STOPPABLE,
					    &index), 0);
	cr_assert_eq(rvx_part_resume(&pl, index, 0), 0);
	cr_assert_eq(rvx_part_adopt(&pl, index, 5, 0), 0);
	fk.alive[5] = 1; /* a task a mount created */
	cr_assert_eq(rvx_part_create(&pl, 2, FK_MEM_BASE(1), FK_MEM, 0, &other), 0);
	cr_assert_eq(rvx_part_resume(&pl, other, 0), 0);
	fk_clear();
	/* Its journal cannot rebuild it (adopted): restart, restart, stop. */
	v = fault_three_times(5);
	cr_assert_eq(v.next, RVX_PART_NEXT_STOPPED);
	cr_assert_eq(fk_count(FK_TASK_EXIT), 1);
	cr_assert_eq(fk.alive[5], 0);
	cr_assert_eq(pl.parts[index].stopped_count, 1);
	cr_assert_eq(pl.parts[index].stopped_tasks[0], 5);
	cr_assert_eq(pl.hyp_parts[index].state, RVX_HYP_STATE_STOPPED);
	cr_assert_eq(pl.hyp_parts[other].state, RVX_HYP_STATE_RUNNING);
	cr_assert_eq(fk_count(FK_REBOOT), 0);
	expect_recovery(last_record(RVX_WITNESS_RECOVERY), RVX_HYP_ACT_STOP_PARTITION, 1,
			RVX_HYP_ACT_NONE);
}
