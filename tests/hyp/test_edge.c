/* SPDX-License-Identifier: Apache-2.0 */
/* ruvix/hyp.h: CommEdges (create, destroy, note, info, enumeration). */
#include "hyp_fixture.h"

TestSuite(hyp_edge, .init = hx_setup);

Test(hyp_edge, create_directed_and_bidirectional)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), e1, e2;
	struct rvx_hyp_edge_info w;
	struct rvx_hyp_partition_info ia;
	unsigned n0 = hx_ev_count;

	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 40, 0, 11, &e1), 0);
	cr_assert_eq(rvx_hyp_edge_create(&hx, b, a, 41, RVX_HYP_EDGE_BIDIR, 12, &e2), 0);
	cr_assert_eq(rvx_handle_index(e1), 0);
	cr_assert_eq(rvx_handle_index(e2), 1);
	hx_expect_ev(n0, RVX_HYP_EV_EDGE_CREATE, 0, e1.raw);
	cr_assert_eq(hx_ev[n0].args_len, 16);
	cr_assert_eq(hx_get32(hx_ev[n0].args), 0);
	cr_assert_eq(hx_get32(hx_ev[n0].args + 4), 1);
	cr_assert_eq(hx_get32(hx_ev[n0].args + 8), 40);
	cr_assert_eq(hx_get32(hx_ev[n0].args + 12), 0);
	hx_expect_ev(n0 + 1, RVX_HYP_EV_EDGE_CREATE, 1, e2.raw);
	cr_assert_eq(hx_get32(hx_ev[n0 + 1].args + 12), RVX_HYP_EDGE_BIDIR);
	cr_assert_eq(rvx_hyp_edge_info(&hx, e2, &w), 0);
	cr_assert_eq(w.a.raw, b.raw);
	cr_assert_eq(w.b.raw, a.raw);
	cr_assert_eq(w.queue, 41);
	cr_assert_eq(w.flags, RVX_HYP_EDGE_BIDIR);
	cr_assert_eq(w.messages, 0);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &ia), 0);
	cr_assert_eq(ia.edge_count, 2);
	cr_assert_eq(hx.live_edges, 2);
}

Test(hyp_edge, create_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), e;

	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 7, 0, 0, &e), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_edge_create(NULL, a, b, 8, 0, 0, &e), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 8, 0, 0, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, a, 8, 0, 0, &e), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, RVX_HYP_NONE, 0, 0, &e), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 8, 2, 0, &e), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_create(&hx, rvx_handle_make(NPARTS, 1), b, 8, 0, 0, &e),
		     -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, rvx_handle_make(3, 1), 8, 0, 0, &e), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_edge_create(&hx, b, a, 7, 0, 0, &e), -RVX_EEXIST);
	hx_unchanged();
	for (uint32_t q = 8; q < 8 + NEDGES - 1; q++)
		cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, q, 0, 0, &e), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 100, 0, 0, &e), -RVX_ENOMEM);
	hx_unchanged();
}

Test(hyp_edge, per_partition_limit)
{
	static struct rvx_hyp_partition p3[3];
	static struct rvx_hyp_edge e70[RVX_CONFIG_HYP_EDGES_PER_PARTITION + 6];
	static struct rvx_hyp h;
	static struct rvx_hyp snap;
	struct rvx_hyp_config cfg = {.cpu_count = 1, .policy = {.window = 1}};
	struct rvx_hyp_partition_config pc = {.vmid = 1, .cap_root = 0};
	rvx_handle_t a, b, c, e;

	cr_assert_eq(rvx_hyp_init(&h, &cfg, p3, 3, e70, RVX_ARRAY_COUNT(e70), &hx_sink), 0);
	cr_assert_eq(rvx_hyp_partition_create(&h, &pc, 0, &a), 0);
	pc.vmid = 2;
	cr_assert_eq(rvx_hyp_partition_create(&h, &pc, 0, &b), 0);
	pc.vmid = 3;
	cr_assert_eq(rvx_hyp_partition_create(&h, &pc, 0, &c), 0);
	for (uint32_t q = 0; q < RVX_CONFIG_HYP_EDGES_PER_PARTITION; q++)
		cr_assert_eq(rvx_hyp_edge_create(&h, a, b, q, 0, 0, &e), 0);
	snap = h;
	{
		static struct rvx_hyp_partition sp[3];
		static struct rvx_hyp_edge se[RVX_ARRAY_COUNT(e70)];

		memcpy(sp, p3, sizeof(p3));
		memcpy(se, e70, sizeof(e70));
		cr_assert_eq(rvx_hyp_edge_create(&h, c, a, 1000, 0, 0, &e), -RVX_ELIMIT);
		cr_assert_eq(rvx_hyp_edge_create(&h, b, c, 1000, 0, 0, &e), -RVX_ELIMIT);
		cr_assert(memcmp(&snap, &h, sizeof(h)) == 0);
		cr_assert(memcmp(sp, p3, sizeof(p3)) == 0);
		cr_assert(memcmp(se, e70, sizeof(e70)) == 0);
	}
	/* once a is gone the other two may connect */
	cr_assert_eq(rvx_hyp_partition_destroy(&h, a, 0), 0);
	cr_assert_eq(rvx_hyp_edge_create(&h, b, c, 1000, 0, 0, &e), 0);
}

Test(hyp_edge, destroy_reports_traffic)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), e;
	struct rvx_hyp_partition_info ia;
	unsigned n;

	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 3, 0, 0, &e), 0);
	cr_assert_eq(rvx_hyp_edge_note(&hx, e, a, 64), 0);
	cr_assert_eq(rvx_hyp_edge_destroy(&hx, e, 50), 0);
	n = hx_ev_count - 1;
	hx_expect_ev(n, RVX_HYP_EV_EDGE_DESTROY, 0, e.raw);
	cr_assert_eq(hx_ev[n].args_len, 32);
	cr_assert_eq(hx_get32(hx_ev[n].args + 8), 3);
	cr_assert_eq(hx_get64(hx_ev[n].args + 16), 1);
	cr_assert_eq(hx_get64(hx_ev[n].args + 24), 64);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &ia), 0);
	cr_assert_eq(ia.edge_count, 0);
	cr_assert_eq(hx.live_edges, 0);
	/* the queue is free again; the slot's generation moved on */
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 3, 0, 0, &e), 0);
	cr_assert_eq(rvx_handle_gen(e), 2);
}

Test(hyp_edge, destroy_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), e;

	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 3, 0, 0, &e), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_edge_destroy(NULL, e, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_destroy(&hx, rvx_handle_make(NEDGES, 1), 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_edge_destroy(&hx, rvx_handle_make(0, 0), 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_edge_destroy(&hx, rvx_handle_make(0, 2), 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_edge_destroy(&hx, rvx_handle_make(1, 1), 0), -RVX_ESTALE);
	hx_unchanged();
}

Test(hyp_edge, note_counts_by_direction)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), d, bi;
	struct rvx_hyp_edge_info w;
	unsigned n0;

	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 1, 0, 0, &d), 0);
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 2, RVX_HYP_EDGE_BIDIR, 0, &bi), 0);
	n0 = hx_ev_count;
	cr_assert_eq(rvx_hyp_edge_note(&hx, d, a, 10), 0);
	cr_assert_eq(rvx_hyp_edge_note(&hx, bi, a, 20), 0);
	cr_assert_eq(rvx_hyp_edge_note(&hx, bi, b, 30), 0);
	cr_assert_eq(hx_ev_count, n0, "traffic is not an event");
	cr_assert_eq(rvx_hyp_edge_info(&hx, d, &w), 0);
	cr_assert_eq(w.messages, 1);
	cr_assert_eq(w.bytes, 10);
	cr_assert_eq(w.epoch_messages, 1);
	cr_assert_eq(rvx_hyp_edge_info(&hx, bi, &w), 0);
	cr_assert_eq(w.messages, 2);
	cr_assert_eq(w.bytes, 50);
	cr_assert_eq(w.epoch_bytes, 50);
	cr_assert_eq(hx.epoch_messages, 3);
	cr_assert_eq(hx.epoch_bytes, 60);
}

Test(hyp_edge, note_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), c = hx_make(3), d;

	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 1, 0, 0, &d), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_edge_note(NULL, d, a, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_note(&hx, rvx_handle_make(NEDGES, 1), a, 1), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_edge_note(&hx, d, rvx_handle_make(NPARTS, 1), 1), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_edge_note(&hx, rvx_handle_make(0, 3), a, 1), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_edge_note(&hx, d, rvx_handle_make(0, 3), 1), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_edge_note(&hx, d, b, 1), -RVX_EPERM); /* directed a -> b */
	cr_assert_eq(rvx_hyp_edge_note(&hx, d, c, 1), -RVX_EPERM); /* not an end */
	hx_unchanged();
}

Test(hyp_edge, info_and_enumeration)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), e1, e2, e3, h;
	struct rvx_hyp_edge_info w;
	unsigned found = 0;

	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 1, 0, 0, &e1), 0);
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 2, 0, 0, &e2), 0);
	cr_assert_eq(rvx_hyp_edge_create(&hx, a, b, 3, 0, 0, &e3), 0);
	cr_assert_eq(rvx_hyp_edge_destroy(&hx, e2, 0), 0);
	for (uint32_t s = 0; s < NEDGES; s++) {
		int rc = rvx_hyp_edge_at(&hx, s, &h);

		if (rc == 0) {
			cr_assert(h.raw == e1.raw || h.raw == e3.raw);
			found++;
		} else {
			cr_assert_eq(rc, -RVX_ENOENT);
		}
	}
	cr_assert_eq(found, 2);
	cr_assert_eq(rvx_hyp_edge_at(&hx, NEDGES, &h), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_edge_at(NULL, 0, &h), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_at(&hx, 0, NULL), -RVX_EINVAL);
	hx_snap();
	cr_assert_eq(rvx_hyp_edge_info(NULL, e1, &w), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_info(&hx, e1, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_edge_info(&hx, RVX_HANDLE_NULL, &w), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_edge_info(&hx, e2, &w), -RVX_ESTALE);
	hx_unchanged();
}
