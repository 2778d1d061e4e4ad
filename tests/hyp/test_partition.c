/* SPDX-License-Identifier: Apache-2.0 */
/* ruvix/hyp.h: init, partitions, switch accounting, epochs, capability grants. */
#include "hyp_fixture.h"

TestSuite(hyp_partition, .init = hx_setup);

static const struct rvx_hyp_partition_config PC = {.vmid = 9, .cap_root = 3};

/* ---- init ----------------------------------------------------------------- */

Test(hyp_partition, init_clears_storage)
{
	rvx_handle_t cur;

	/* after (hx_setup): every slot free, every CPU idle, no lease due */
	for (unsigned i = 0; i < NPARTS; i++)
		cr_assert_eq(hx_parts[i].state, RVX_HYP_STATE_FREE);
	for (unsigned i = 0; i < NEDGES; i++)
		cr_assert_eq(hx_edges[i].live, 0);
	cr_assert_eq(hx.next_expiry, UINT64_MAX);
	cr_assert_eq(hx.live_partitions, 0);
	for (unsigned c = 0; c < NCPUS; c++) {
		cr_assert_eq(rvx_hyp_current(&hx, c, &cur), 0);
		cr_assert(rvx_handle_is_null(cur));
	}
	cr_assert_eq(hx_ev_count, 0);
}

Test(hyp_partition, init_errors_change_nothing)
{
	struct rvx_hyp_config cfg = {.cpu_count = 1, .policy = {.window = 1}};
	struct rvx_hyp_sink nosink = {NULL, NULL};
	struct rvx_hyp h2;
	static struct rvx_hyp_partition p2[2];
	static struct rvx_hyp_edge e2[2];
	unsigned char before_p[sizeof(p2)], before_e[sizeof(e2)], before_h[sizeof(h2)];

	memset(&h2, 0x11, sizeof(h2));
	memset(p2, 0x22, sizeof(p2));
	memset(e2, 0x33, sizeof(e2));
	memcpy(before_h, &h2, sizeof(h2));
	memcpy(before_p, p2, sizeof(p2));
	memcpy(before_e, e2, sizeof(e2));
	cr_assert_eq(rvx_hyp_init(NULL, &cfg, p2, 2, e2, 2, &hx_sink), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_init(&h2, NULL, p2, 2, e2, 2, &hx_sink), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, NULL, 2, e2, 2, &hx_sink), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 2, NULL, 2, &hx_sink), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 2, e2, 2, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 2, e2, 2, &nosink), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 0, e2, 2, &hx_sink), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, RVX_CONFIG_HYP_MAX_PARTITIONS + 1, e2, 2, &hx_sink),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 2, e2, 0, &hx_sink), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 2, e2,
				  RVX_CONFIG_HYP_MAX_PARTITIONS * RVX_CONFIG_HYP_EDGES_PER_PARTITION + 1,
				  &hx_sink), -RVX_EINVAL);
	cfg.cpu_count = 0;
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 2, e2, 2, &hx_sink), -RVX_EINVAL);
	cfg.cpu_count = RVX_CONFIG_HYP_MAX_CPUS + 1;
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 2, e2, 2, &hx_sink), -RVX_EINVAL);
	cfg.cpu_count = 1;
	cfg.reserved = 1;
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 2, e2, 2, &hx_sink), -RVX_EINVAL);
	cfg.reserved = 0;
	cfg.policy.window = 0;
	cr_assert_eq(rvx_hyp_init(&h2, &cfg, p2, 2, e2, 2, &hx_sink), -RVX_EINVAL);
	cr_assert(memcmp(before_h, &h2, sizeof(h2)) == 0);
	cr_assert(memcmp(before_p, p2, sizeof(p2)) == 0);
	cr_assert(memcmp(before_e, e2, sizeof(e2)) == 0);
}

Test(hyp_partition, define_macro_gives_working_storage)
{
	RVX_HYP_DEFINE(mac, 4, 8);
	struct rvx_hyp_config cfg = {.cpu_count = 1, .policy = {.window = 1}};
	rvx_handle_t p;

	cr_assert_eq(RVX_HYP_INIT(mac, &cfg, &hx_sink), 0);
	cr_assert_eq(mac.part_count, 4);
	cr_assert_eq(mac.edge_count, 8);
	cr_assert_eq(rvx_hyp_partition_create(&mac, &PC, 0, &p), 0);
	cr_assert_eq(mac_parts[0].state, RVX_HYP_STATE_CREATED);
}

/* ---- create --------------------------------------------------------------- */

Test(hyp_partition, create_emits_and_fills_slot)
{
	struct rvx_hyp_partition_info info;
	rvx_handle_t p;

	/* before: no partition */
	cr_assert_eq(rvx_hyp_partition_create(&hx, &PC, 77, &p), 0);
	/* after: slot 0, generation 1, CREATED, one PART_CREATE event */
	cr_assert_eq(rvx_handle_index(p), 0);
	cr_assert_eq(rvx_handle_gen(p), 1);
	cr_assert_eq(rvx_hyp_partition_info(&hx, p, &info), 0);
	cr_assert_eq(info.state, RVX_HYP_STATE_CREATED);
	cr_assert_eq(info.vmid, 9);
	cr_assert_eq(info.cap_root, 3);
	cr_assert_eq(info.pending.action, RVX_HYP_ACT_NONE);
	cr_assert_eq(hx.live_partitions, 1);
	cr_assert_eq(hx_ev_count, 1);
	hx_expect_ev(0, RVX_HYP_EV_PART_CREATE, 0, p.raw);
	cr_assert_eq(hx_ev[0].time, 77);
	cr_assert_eq(hx_ev[0].args_len, 12);
	cr_assert_eq(hx_get32(hx_ev[0].args), 9);
	cr_assert_eq(hx_get32(hx_ev[0].args + 4), 3);
	cr_assert_eq(hx_get32(hx_ev[0].args + 8), 0);
	cr_assert_eq(info.flags, 0);
}

Test(hyp_partition, create_errors_change_nothing)
{
	struct rvx_hyp_partition_config bad = PC;
	rvx_handle_t p;

	hx_make(9);
	hx_snap();
	cr_assert_eq(rvx_hyp_partition_create(NULL, &PC, 0, &p), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_partition_create(&hx, NULL, 0, &p), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_partition_create(&hx, &PC, 0, NULL), -RVX_EINVAL);
	bad.vmid = 10;
	bad.flags = 2; /* not a flag */
	cr_assert_eq(rvx_hyp_partition_create(&hx, &bad, 0, &p), -RVX_EINVAL);
	bad.flags = 0;
	bad.cap_root = RVX_HYP_NONE;
	cr_assert_eq(rvx_hyp_partition_create(&hx, &bad, 0, &p), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_partition_create(&hx, &PC, 0, &p), -RVX_EEXIST);
	hx_unchanged();
	for (uint16_t v = 1; v < NPARTS; v++)
		hx_make((uint16_t)(20 + v));
	hx_snap();
	bad = PC;
	bad.vmid = 99;
	cr_assert_eq(rvx_hyp_partition_create(&hx, &bad, 0, &p), -RVX_ENOMEM);
	hx_unchanged();
}

/* ---- destroy -------------------------------------------------------------- */

Test(hyp_partition, destroy_cascades_edges_and_leases)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make_running(2), c = hx_make(3);
	rvx_handle_t e1, e2, e3, l1;
	struct rvx_hyp_lease_req req = {.device = 4, .rights = RVX_HYP_LEASE_R,
					.mmio_base = 0x9000000, .mmio_size = 0x1000};
	struct rvx_hyp_partition_info info;
	unsigned n0;

	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 1, 0, 0, &e1), 0);
	cr_assert_eq(rvx_hyp_edge_create(&hx, c, a, 2, RVX_HYP_EDGE_BIDIR, 0, &e2), 0);
	cr_assert_eq(rvx_hyp_edge_create(&hx, b, c, 3, 0, 0, &e3), 0);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &req, 0, 500, &l1), 0);
	n0 = hx_ev_count;
	/* before: a has two edges and one lease */
	cr_assert_eq(rvx_hyp_partition_destroy(&hx, a, 42), 0);
	/* after: edges e1, e2 and lease l1 gone (events first), then PART_DESTROY */
	cr_assert_eq(hx_ev_count, n0 + 4);
	hx_expect_ev(n0, RVX_HYP_EV_EDGE_DESTROY, 0, e1.raw);
	hx_expect_ev(n0 + 1, RVX_HYP_EV_EDGE_DESTROY, 2, e2.raw);
	hx_expect_ev(n0 + 2, RVX_HYP_EV_LEASE_REVOKE, 0, l1.raw);
	hx_expect_ev(n0 + 3, RVX_HYP_EV_PART_DESTROY, 0, a.raw);
	cr_assert_eq(hx_get32(hx_ev[n0 + 3].args), 2);
	cr_assert_eq(hx_get32(hx_ev[n0 + 3].args + 4), 1);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &info), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_edge_info(&hx, e1, &(struct rvx_hyp_edge_info){0}), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_lease_revoke(&hx, l1, 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_partition_info(&hx, b, &info), 0);
	cr_assert_eq(info.edge_count, 1);
	cr_assert_eq(hx.live_edges, 1);
	cr_assert_eq(hx.active_leases, 0);
	cr_assert_eq(hx.next_expiry, UINT64_MAX);
	cr_assert_eq(hx.live_partitions, 2);
	/* the slot is reused with a new generation; the old handle stays stale */
	{
		rvx_handle_t a2 = hx_make(1);

		cr_assert_eq(rvx_handle_index(a2), 0);
		cr_assert_eq(rvx_handle_gen(a2), 2);
		cr_assert_eq(rvx_hyp_partition_destroy(&hx, a, 0), -RVX_ESTALE);
	}
}

Test(hyp_partition, destroy_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1);

	cr_assert_eq(rvx_hyp_switch(&hx, 1, a), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_partition_destroy(NULL, a, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_partition_destroy(&hx, rvx_handle_make(NPARTS, 1), 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_partition_destroy(&hx, rvx_handle_make(0, 0), 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_partition_destroy(&hx, rvx_handle_make(0, 2), 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_partition_destroy(&hx, rvx_handle_make(1, 1), 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_partition_destroy(&hx, a, 0), -RVX_EBUSY);
	hx_unchanged();
	cr_assert_eq(rvx_hyp_switch(&hx, 1, RVX_HANDLE_NULL), 0);
	cr_assert_eq(rvx_hyp_partition_destroy(&hx, a, 0), 0);
}

/* ---- suspend / resume ----------------------------------------------------- */

Test(hyp_partition, suspend_resume_cycle)
{
	rvx_handle_t a = hx_make(1);
	struct rvx_hyp_partition_info info;

	cr_assert_eq(rvx_hyp_partition_resume(&hx, a, 5), 0);
	cr_assert_eq(rvx_hyp_partition_suspend(&hx, a, 6), 0);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &info), 0);
	cr_assert_eq(info.state, RVX_HYP_STATE_SUSPENDED);
	cr_assert_eq(rvx_hyp_partition_resume(&hx, a, 7), 0);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &info), 0);
	cr_assert_eq(info.state, RVX_HYP_STATE_RUNNING);
	hx_expect_ev(1, RVX_HYP_EV_PART_RESUME, 0, a.raw);
	cr_assert_eq(hx_get32(hx_ev[1].args), RVX_HYP_STATE_CREATED);
	cr_assert_eq(hx_get32(hx_ev[1].args + 4), RVX_HYP_STATE_RUNNING);
	hx_expect_ev(2, RVX_HYP_EV_PART_SUSPEND, 0, a.raw);
	cr_assert_eq(hx_get32(hx_ev[2].args), RVX_HYP_STATE_RUNNING);
	cr_assert_eq(hx_get32(hx_ev[2].args + 4), RVX_HYP_STATE_SUSPENDED);
	hx_expect_ev(3, RVX_HYP_EV_PART_RESUME, 0, a.raw);
	cr_assert_eq(hx_get32(hx_ev[3].args), RVX_HYP_STATE_SUSPENDED);
	cr_assert_eq(hx_ev[3].time, 7);
}

Test(hyp_partition, suspend_errors_change_nothing)
{
	rvx_handle_t created = hx_make(1), running = hx_make_running(2);

	cr_assert_eq(rvx_hyp_switch(&hx, 0, running), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_partition_suspend(NULL, running, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_partition_suspend(&hx, rvx_handle_make(99, 1), 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_partition_suspend(&hx, rvx_handle_make(0, 5), 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_partition_suspend(&hx, created, 0), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_partition_suspend(&hx, running, 0), -RVX_EBUSY);
	hx_unchanged();
}

Test(hyp_partition, resume_errors_change_nothing)
{
	rvx_handle_t running = hx_make_running(2), failed = hx_make_running(3);
	struct rvx_hyp_fault f = {.kind = RVX_HYP_FAULT_TASK, .task = 1, .region = RVX_HYP_NONE};
	struct rvx_hyp_decision d;

	cr_assert_eq(rvx_hyp_fault(&hx, failed, &f, 0, &d), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_partition_resume(NULL, running, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_partition_resume(&hx, rvx_handle_make(NPARTS + 3, 1), 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_partition_resume(&hx, rvx_handle_make(5, 1), 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_partition_resume(&hx, running, 0), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_partition_resume(&hx, failed, 0), -RVX_EPERM);
	hx_unchanged();
}

Test(hyp_partition, info_errors)
{
	struct rvx_hyp_partition_info info;
	rvx_handle_t a = hx_make(1);

	hx_snap();
	cr_assert_eq(rvx_hyp_partition_info(NULL, a, &info), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_partition_info(&hx, RVX_HANDLE_NULL, &info), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_partition_info(&hx, rvx_handle_make(0, 9), &info), -RVX_ESTALE);
	hx_unchanged();
}

/* ---- switch, current, epochs --------------------------------------------- */

Test(hyp_partition, switch_counts_changes_per_cpu_and_epoch)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make_running(2), cur;
	struct rvx_hyp_partition_info ia, ib;
	unsigned n0 = hx_ev_count;

	/* before: both CPUs idle */
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0); /* same: not a switch */
	cr_assert_eq(rvx_hyp_switch(&hx, 1, a), 0); /* a on both CPUs */
	cr_assert_eq(rvx_hyp_switch(&hx, 0, b), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 1, RVX_HANDLE_NULL), 0);
	/* after: cpu0 = b, cpu1 idle; four changes; no event */
	cr_assert_eq(rvx_hyp_current(&hx, 0, &cur), 0);
	cr_assert_eq(cur.raw, b.raw);
	cr_assert_eq(rvx_hyp_current(&hx, 1, &cur), 0);
	cr_assert(rvx_handle_is_null(cur));
	cr_assert_eq(hx.epoch_switches, 4);
	cr_assert_eq(hx.switches_total, 4);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &ia), 0);
	cr_assert_eq(rvx_hyp_partition_info(&hx, b, &ib), 0);
	cr_assert_eq(ia.switches_epoch, 2);
	cr_assert_eq(ia.current_cpus, 0);
	cr_assert_eq(ib.switches_epoch, 1);
	cr_assert_eq(ib.current_cpus, 1);
	cr_assert_eq(hx_ev_count, n0);
}

Test(hyp_partition, switch_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1), created = hx_make(2), susp = hx_make_running(3);

	cr_assert_eq(rvx_hyp_partition_suspend(&hx, susp, 0), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_switch(NULL, 0, a), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_switch(&hx, NCPUS, a), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_switch(&hx, 1, rvx_handle_make(NPARTS, 1)), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_switch(&hx, 1, rvx_handle_make(0, 7)), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_switch(&hx, 1, created), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_switch(&hx, 1, susp), -RVX_EPERM);
	hx_unchanged();
}

Test(hyp_partition, current_errors)
{
	rvx_handle_t cur = {12345};

	cr_assert_eq(rvx_hyp_current(NULL, 0, &cur), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_current(&hx, 0, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_current(&hx, NCPUS, &cur), -RVX_EINVAL);
	cr_assert_eq(cur.raw, 12345);
}

Test(hyp_partition, epoch_close_summarises_and_rolls_weights)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make_running(2), e;
	struct rvx_hyp_edge_info w;
	struct rvx_hyp_partition_info ia;
	unsigned n0;

	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 5, 0, 0, &e), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, b), 0);
	cr_assert_eq(rvx_hyp_switch(&hx, 0, a), 0);
	cr_assert_eq(rvx_hyp_edge_note(&hx, e, a, 100), 0);
	cr_assert_eq(rvx_hyp_edge_note(&hx, e, a, 28), 0);
	n0 = hx_ev_count;
	cr_assert_eq(rvx_hyp_epoch_close(&hx, 1000), 0);
	cr_assert_eq(hx_ev_count, n0 + 1);
	hx_expect_ev(n0, RVX_HYP_EV_EPOCH_SUMMARY, RVX_HYP_NONE, 0);
	cr_assert_eq(hx_get64(hx_ev[n0].args), 0);        /* epoch */
	cr_assert_eq(hx_get64(hx_ev[n0].args + 8), 3);    /* switches */
	cr_assert_eq(hx_get64(hx_ev[n0].args + 16), 2);   /* messages */
	cr_assert_eq(hx_get64(hx_ev[n0].args + 24), 128); /* bytes */
	cr_assert_eq(hx.epoch, 1);
	cr_assert_eq(hx.epoch_switches, 0);
	cr_assert_eq(rvx_hyp_edge_info(&hx, e, &w), 0);
	cr_assert_eq(w.last_messages, 2);
	cr_assert_eq(w.last_bytes, 128);
	cr_assert_eq(w.epoch_messages, 0);
	cr_assert_eq(w.messages, 2);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &ia), 0);
	cr_assert_eq(ia.switches_epoch, 0);
	cr_assert_eq(ia.switches_total, 2);
	/* an empty epoch still gets its summary, with the next number */
	cr_assert_eq(rvx_hyp_epoch_close(&hx, 2000), 0);
	hx_expect_ev(n0 + 1, RVX_HYP_EV_EPOCH_SUMMARY, RVX_HYP_NONE, 1);
	cr_assert_eq(hx_get64(hx_ev[n0 + 1].args + 8), 0);
	cr_assert_eq(rvx_hyp_edge_info(&hx, e, &w), 0);
	cr_assert_eq(w.last_messages, 0);
	cr_assert_eq(rvx_hyp_epoch_close(NULL, 0), -RVX_EINVAL);
}

/* ---- capability grants ---------------------------------------------------- */

Test(hyp_partition, cap_grant_records_event)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2);

	cr_assert_eq(rvx_hyp_cap_grant(&hx, a, b, 0xABCD00000007ull, RVX_RIGHT_READ, 9), 0);
	hx_expect_ev(hx_ev_count - 1, RVX_HYP_EV_CAP_GRANT, 0, b.raw);
	cr_assert_eq(hx_get64(hx_ev[hx_ev_count - 1].args), 0xABCD00000007ull);
	cr_assert_eq(hx_get32(hx_ev[hx_ev_count - 1].args + 8), RVX_RIGHT_READ);
	cr_assert_eq(hx_get32(hx_ev[hx_ev_count - 1].args + 12), 1);
}

Test(hyp_partition, cap_grant_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), f = hx_make_running(3);
	struct rvx_hyp_fault flt = {.kind = RVX_HYP_FAULT_PARTITION, .task = RVX_HYP_NONE,
				    .region = RVX_HYP_NONE};
	struct rvx_hyp_decision d;

	cr_assert_eq(rvx_hyp_fault(&hx, f, &flt, 0, &d), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_cap_grant(NULL, a, b, 1, RVX_RIGHT_READ, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, a, a, 1, RVX_RIGHT_READ, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, a, b, 1, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, a, b, 1, RVX_RIGHTS_ALL + 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, rvx_handle_make(NPARTS, 1), b, 1, 1, 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, a, RVX_HANDLE_NULL, 1, 1, 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, rvx_handle_make(6, 1), b, 1, 1, 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, a, rvx_handle_make(1, 3), 1, 1, 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, a, f, 1, RVX_RIGHT_READ, 0), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_cap_grant(&hx, f, a, 1, RVX_RIGHT_READ, 0), -RVX_EPERM);
	hx_unchanged();
}
