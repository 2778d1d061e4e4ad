/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The path a port takes from this library to the witness log: the event
 * sink commits each event as a witness record (kind RVX_HYP_WITNESS_KIND_BASE
 * + kind, actor = partition, target = target) with its canonical args as
 * the journal payload. A run of privileged actions then verifies as one
 * intact chain whose records are exactly those actions, each args digest
 * matching its journal entry; and a tampered argument byte is caught.
 */
#include "hyp_fixture.h"
#include "ruvix/witness.h"

TestSuite(hyp_witness);

#define RECS 64u

static uint8_t wire[RECS][RVX_WITNESS_RECORD_SIZE];
static uint32_t wire_count;
static uint8_t jbuf[RECS * RVX_WITNESS_FRAME_SIZE(RVX_HYP_EVENT_ARGS_MAX)];
static struct rvx_witness_journal journal;
static struct rvx_witness_log wlog;

static int store(void *ctx, const uint8_t rec[RVX_WITNESS_RECORD_SIZE])
{
	(void)ctx;
	if (wire_count >= RECS)
		return -RVX_EFULL;
	memcpy(wire[wire_count++], rec, RVX_WITNESS_RECORD_SIZE);
	return 0;
}

/* The port's sink: room was reserved beforehand, so a failure is a bug. */
static void to_witness(void *ctx, const struct rvx_hyp_event *ev)
{
	struct rvx_witness_event we = {
		.time = ev->time,
		.kind = (uint16_t)(RVX_HYP_WITNESS_KIND_BASE + ev->kind),
		.actor = ev->partition,
		.target = ev->target,
	};

	(void)ctx;
	cr_assert_eq(rvx_witness_commit(&wlog, &journal, &we, ev->args, ev->args_len, NULL), 0);
}

Test(hyp_witness, privileged_actions_form_a_verified_chain)
{
	static struct rvx_hyp h;
	static struct rvx_hyp_partition parts[4];
	static struct rvx_hyp_edge edges[4];
	struct rvx_hyp_config cfg = {.cpu_count = 1, .policy = {.window = 100, .restart_limit = 1, .reconstruct_limit = 1}};
	struct rvx_hyp_sink sink = {to_witness, NULL};
	struct rvx_witness_sink ws = {store, NULL};
	struct rvx_hyp_partition_config pa = {.vmid = 1, .cap_root = 1}, pb = {.vmid = 2, .cap_root = 2};
	struct rvx_hyp_lease_req uart = {.device = 1, .rights = RVX_HYP_LEASE_W,
					 .mmio_base = 0x09000000, .mmio_size = 0x1000};
	struct rvx_hyp_fault f = {.kind = RVX_HYP_FAULT_TASK, .task = 2, .region = RVX_HYP_NONE};
	struct rvx_hyp_decision d;
	struct rvx_hyp_lease_info out[1];
	struct rvx_witness_head head;
	struct rvx_witness_report rep;
	rvx_handle_t a, b, e, l;
	static const uint16_t kinds[] = {
		RVX_HYP_EV_PART_CREATE, RVX_HYP_EV_PART_CREATE, RVX_HYP_EV_PART_RESUME,
		RVX_HYP_EV_EDGE_CREATE, RVX_HYP_EV_CAP_GRANT, RVX_HYP_EV_LEASE_GRANT,
		RVX_HYP_EV_LEASE_EXPIRE, RVX_HYP_EV_FAULT, RVX_HYP_EV_RECOVERY,
		RVX_HYP_EV_EPOCH_SUMMARY, RVX_HYP_EV_EDGE_DESTROY, RVX_HYP_EV_PART_DESTROY,
	};

	wire_count = 0;
	cr_assert_eq(rvx_witness_log_init(&wlog, &ws), 0);
	cr_assert_eq(rvx_witness_journal_init(&journal, jbuf, sizeof(jbuf)), 0);
	cr_assert_eq(rvx_hyp_init(&h, &cfg, parts, 4, edges, 4, &sink), 0);

	cr_assert_eq(rvx_hyp_partition_create(&h, &pa, 1, &a), 0);
	cr_assert_eq(rvx_hyp_partition_create(&h, &pb, 2, &b), 0);
	cr_assert_eq(rvx_hyp_partition_resume(&h, a, 3), 0);
	cr_assert_eq(rvx_hyp_edge_create(&h, a, b, 9, 0, 4, &e), 0);
	cr_assert_eq(rvx_hyp_switch(&h, 0, a), 0);
	cr_assert_eq(rvx_hyp_edge_note(&h, e, a, 16), 0);
	cr_assert_eq(rvx_hyp_cap_grant(&h, a, b, 77, RVX_RIGHT_READ, 5), 0);
	cr_assert_eq(rvx_hyp_lease_grant(&h, a, &uart, 6, 50, &l), 0);
	cr_assert_eq(rvx_hyp_tick(&h, 50, out, 1), 1);
	cr_assert_eq(rvx_hyp_fault(&h, a, &f, 51, &d), 0);
	cr_assert_eq(rvx_hyp_recovery_report(&h, a, d.action, true, 52, NULL), 0);
	cr_assert_eq(rvx_hyp_epoch_close(&h, 60), 0);
	cr_assert_eq(rvx_hyp_partition_destroy(&h, a, 70), 0);

	/* One record per privileged action, in order, chained and journaled. */
	cr_assert_eq(wire_count, RVX_ARRAY_COUNT(kinds));
	rvx_witness_head(&wlog, &head);
	cr_assert_eq(rvx_witness_verify(&wire[0][0], wire_count, NULL, &journal, &head, &rep), 0);
	cr_assert_eq(rep.fault, RVX_WITNESS_OK);
	cr_assert_eq(rep.checked, wire_count);
	for (uint32_t i = 0; i < wire_count; i++) {
		struct rvx_witness_record r;

		rvx_witness_record_decode(wire[i], &r);
		cr_assert_eq(r.sequence, i);
		cr_assert_eq(r.kind, RVX_HYP_WITNESS_KIND_BASE + kinds[i], "record %u kind %#x", i, r.kind);
	}

	/* Editing one argument byte of the fault's journal entry is detected. */
	{
		size_t cursor = 0;
		struct rvx_witness_entry ent;

		for (int i = 0; i <= 7; i++)
			cr_assert_eq(rvx_witness_journal_next(&journal, &cursor, &ent), 0);
		cr_assert_eq(ent.record.kind, RVX_HYP_WITNESS_KIND_BASE + RVX_HYP_EV_FAULT);
		((uint8_t *)ent.args)[4] ^= 1; /* the task index */
		cr_assert_eq(rvx_witness_verify(&wire[0][0], wire_count, NULL, &journal, &head, &rep),
			     -RVX_EBADSIG);
		cr_assert_eq(rep.index, 7);
	}
}
