/* SPDX-License-Identifier: Apache-2.0 */
/* ruvix/hyp.h: DeviceLeases (grant, revoke, info, tick, checks). */
#include "hyp_fixture.h"

TestSuite(hyp_lease, .init = hx_setup);

#define UART UINT64_C(0x09000000)
static const struct rvx_hyp_lease_req UART_RW = {
	.device = 1, .rights = RVX_HYP_LEASE_R | RVX_HYP_LEASE_W, .mmio_base = UART, .mmio_size = 0x1000};
static const struct rvx_hyp_lease_req RTC_R = {
	.device = 2, .rights = RVX_HYP_LEASE_R, .mmio_base = 0x09010000, .mmio_size = 0x1000};

Test(hyp_lease, grant_emits_and_info_reads)
{
	rvx_handle_t a = hx_make_running(1), l;
	struct rvx_hyp_lease_info li;
	struct rvx_hyp_partition_info pi;
	unsigned n;

	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &UART_RW, 10, 110, &l), 0);
	n = hx_ev_count - 1;
	hx_expect_ev(n, RVX_HYP_EV_LEASE_GRANT, 0, l.raw);
	cr_assert_eq(hx_ev[n].args_len, 32);
	cr_assert_eq(hx_get32(hx_ev[n].args), 1);
	cr_assert_eq(hx_get32(hx_ev[n].args + 4), 3);
	cr_assert_eq(hx_get64(hx_ev[n].args + 8), UART);
	cr_assert_eq(hx_get64(hx_ev[n].args + 16), 0x1000);
	cr_assert_eq(hx_get64(hx_ev[n].args + 24), 110);
	cr_assert_eq(rvx_hyp_lease_info(&hx, l, &li), 0);
	cr_assert_eq(li.lease.raw, l.raw);
	cr_assert_eq(li.partition.raw, a.raw);
	cr_assert_eq(li.device, 1);
	cr_assert_eq(li.mmio_base, UART);
	cr_assert_eq(li.expiry, 110);
	cr_assert_eq(hx.next_expiry, 110);
	cr_assert_eq(hx.active_leases, 1);
	cr_assert_eq(rvx_hyp_partition_info(&hx, a, &pi), 0);
	cr_assert_eq(pi.lease_count, 1);
}

Test(hyp_lease, grant_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), f = hx_make_running(3), l;
	struct rvx_hyp_lease_req r;
	struct rvx_hyp_fault flt = {.kind = RVX_HYP_FAULT_TASK, .task = 0, .region = RVX_HYP_NONE};
	struct rvx_hyp_decision d;

	cr_assert_eq(rvx_hyp_fault(&hx, f, &flt, 0, &d), 0);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &UART_RW, 0, 100, &l), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_lease_grant(NULL, b, &RTC_R, 0, 100, &l), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, NULL, 0, 100, &l), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &RTC_R, 0, 100, NULL), -RVX_EINVAL);
	r = RTC_R;
	r.rights = 0;
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &r, 0, 100, &l), -RVX_EINVAL);
	r.rights = 4;
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &r, 0, 100, &l), -RVX_EINVAL);
	r = RTC_R;
	r.mmio_size = 0;
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &r, 0, 100, &l), -RVX_EINVAL);
	r.mmio_size = 0x800;
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &r, 0, 100, &l), -RVX_EINVAL);
	r = RTC_R;
	r.mmio_base += 4;
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &r, 0, 100, &l), -RVX_EINVAL);
	r.mmio_base = UINT64_MAX - 0xFFF;
	r.mmio_size = 0x2000;
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &r, 0, 100, &l), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &RTC_R, 100, 100, &l), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, rvx_handle_make(NPARTS, 1), &RTC_R, 0, 100, &l),
		     -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, rvx_handle_make(5, 1), &RTC_R, 0, 100, &l),
		     -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, f, &RTC_R, 0, 100, &l), -RVX_EPERM);
	/* exclusive: the same device, or a range overlapping another lease */
	r = RTC_R;
	r.device = 1;
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &r, 0, 100, &l), -RVX_EBUSY);
	r = RTC_R;
	r.mmio_base = UART - 0x1000;
	r.mmio_size = 0x2000;
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &r, 0, 100, &l), -RVX_EBUSY);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &UART_RW, 0, 100, &l), -RVX_EBUSY);
	hx_unchanged();
	/* the eighth lease fits, a ninth does not */
	for (uint32_t k = 1; k < RVX_CONFIG_HYP_LEASES_PER_PARTITION; k++) {
		r = RTC_R;
		r.device = 10 + k;
		r.mmio_base = 0x10000000 + k * 0x1000;
		cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &r, 0, 100 + k, &l), 0);
	}
	hx_snap();
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &RTC_R, 0, 100, &l), -RVX_ELIMIT);
	hx_unchanged();
}

Test(hyp_lease, revoke_emits_and_frees)
{
	rvx_handle_t a = hx_make_running(1), l1, l2, l3;
	unsigned n;

	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &UART_RW, 0, 300, &l1), 0);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &RTC_R, 0, 200, &l2), 0);
	cr_assert_eq(hx.next_expiry, 200);
	cr_assert_eq(rvx_hyp_lease_revoke(&hx, l2, 50), 0);
	n = hx_ev_count - 1;
	hx_expect_ev(n, RVX_HYP_EV_LEASE_REVOKE, 0, l2.raw);
	cr_assert_eq(hx_get32(hx_ev[n].args), 2);
	cr_assert_eq(hx_get64(hx_ev[n].args + 24), 200);
	cr_assert_eq(hx_ev[n].time, 50);
	/* the earliest expiry moved to the remaining lease */
	cr_assert_eq(hx.next_expiry, 300);
	cr_assert_eq(hx.active_leases, 1);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, 0x09010000, RVX_HYP_LEASE_R, 60), -RVX_EPERM);
	/* the slot is granted again under a new generation */
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &RTC_R, 0, 200, &l3), 0);
	cr_assert_eq(rvx_handle_index(l3), rvx_handle_index(l2));
	cr_assert_neq(l3.raw, l2.raw);
	cr_assert_eq(rvx_hyp_lease_info(&hx, l2, &(struct rvx_hyp_lease_info){0}), -RVX_ESTALE);
}

Test(hyp_lease, revoke_and_info_errors_change_nothing)
{
	rvx_handle_t a = hx_make_running(1), l;
	struct rvx_hyp_lease_info li;

	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &UART_RW, 0, 300, &l), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_lease_revoke(NULL, l, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_revoke(&hx, rvx_handle_make(NPARTS * RVX_CONFIG_HYP_LEASES_PER_PARTITION, 1), 0),
		     -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_lease_revoke(&hx, rvx_handle_make(0, 0), 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_lease_revoke(&hx, rvx_handle_make(0, 2), 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_lease_revoke(&hx, rvx_handle_make(1, 1), 0), -RVX_ESTALE);
	cr_assert_eq(rvx_hyp_lease_info(NULL, l, &li), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_info(&hx, l, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_info(&hx, RVX_HANDLE_NULL, &li), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_lease_info(&hx, rvx_handle_make(3, 1), &li), -RVX_ESTALE);
	hx_unchanged();
	cr_assert_eq(rvx_hyp_lease_revoke(&hx, l, 0), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_lease_revoke(&hx, l, 0), -RVX_ESTALE);
	hx_unchanged();
}

Test(hyp_lease, tick_expires_in_bounded_batches)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make(2), l1, l2, l3;
	struct rvx_hyp_lease_info out[2];
	struct rvx_hyp_lease_req r = RTC_R;

	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &UART_RW, 0, 100, &l1), 0);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &RTC_R, 0, 150, &l2), 0);
	r.device = 3;
	r.mmio_base = 0x0A000000;
	cr_assert_eq(rvx_hyp_lease_grant(&hx, b, &r, 0, 400, &l3), 0);
	/* nothing due: one comparison, no change */
	hx_snap();
	cr_assert_eq(rvx_hyp_tick(&hx, 99, out, 2), 0);
	cr_assert_eq(rvx_hyp_tick(&hx, 99, NULL, 0), 0);
	hx_unchanged();
	/* two due, room for one: the first goes now, the other next tick */
	cr_assert_eq(rvx_hyp_tick(&hx, 200, out, 1), 1);
	cr_assert_eq(out[0].lease.raw, l1.raw);
	cr_assert_eq(out[0].partition.raw, a.raw);
	cr_assert_eq(out[0].mmio_base, UART);
	hx_expect_ev(hx_ev_count - 1, RVX_HYP_EV_LEASE_EXPIRE, 0, l1.raw);
	cr_assert_eq(hx_ev[hx_ev_count - 1].time, 200);
	cr_assert_eq(hx.next_expiry, 150);
	cr_assert_eq(rvx_hyp_tick(&hx, 200, out, 2), 1);
	cr_assert_eq(out[0].lease.raw, l2.raw);
	hx_expect_ev(hx_ev_count - 1, RVX_HYP_EV_LEASE_EXPIRE, 1, l2.raw);
	cr_assert_eq(hx.next_expiry, 400);
	cr_assert_eq(hx.active_leases, 1);
	/* capacity 0 reports nothing and changes nothing */
	hx_snap();
	cr_assert_eq(rvx_hyp_tick(&hx, 500, NULL, 0), 0);
	hx_unchanged();
	/* expiry is at the instant: now == expiry expires */
	cr_assert_eq(rvx_hyp_tick(&hx, 400, out, 2), 1);
	cr_assert_eq(out[0].lease.raw, l3.raw);
	cr_assert_eq(hx.next_expiry, UINT64_MAX);
	hx_snap();
	cr_assert_eq(rvx_hyp_tick(NULL, 0, out, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_tick(&hx, 0, NULL, 1), -RVX_EINVAL);
	hx_unchanged();
}

Test(hyp_lease, check_by_address_and_device)
{
	rvx_handle_t a = hx_make_running(1), b = hx_make_running(2), l;

	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &UART_RW, 0, 100, &l), 0);
	cr_assert_eq(rvx_hyp_lease_grant(&hx, a, &RTC_R, 0, 100, &l), 0);
	hx_snap();
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, UART, RVX_HYP_LEASE_W, 99), 0);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, UART + 0xFFF, RVX_HYP_LEASE_R | RVX_HYP_LEASE_W, 0), 0);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, UART + 0x1000, RVX_HYP_LEASE_R, 0), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, UART - 1, RVX_HYP_LEASE_R, 0), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_lease_check(&hx, b, UART, RVX_HYP_LEASE_R, 0), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, UART, RVX_HYP_LEASE_R, 100), -RVX_ETIMEDOUT);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, 0x09010008, RVX_HYP_LEASE_W, 5), -RVX_ERIGHTS);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, 0x09010008, RVX_HYP_LEASE_R, 5), 0);
	cr_assert_eq(rvx_hyp_lease_check(NULL, a, UART, RVX_HYP_LEASE_R, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, UART, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_check(&hx, a, UART, 4, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_check(&hx, rvx_handle_make(NPARTS, 1), UART, 1, 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_lease_check(&hx, rvx_handle_make(0, 4), UART, 1, 0), -RVX_ESTALE);

	cr_assert_eq(rvx_hyp_lease_check_device(&hx, a, 1, RVX_HYP_LEASE_W, 0), 0);
	cr_assert_eq(rvx_hyp_lease_check_device(&hx, a, 2, RVX_HYP_LEASE_W, 0), -RVX_ERIGHTS);
	cr_assert_eq(rvx_hyp_lease_check_device(&hx, a, 1, RVX_HYP_LEASE_R, 150), -RVX_ETIMEDOUT);
	cr_assert_eq(rvx_hyp_lease_check_device(&hx, a, 3, RVX_HYP_LEASE_R, 0), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_lease_check_device(&hx, b, 1, RVX_HYP_LEASE_R, 0), -RVX_EPERM);
	cr_assert_eq(rvx_hyp_lease_check_device(NULL, a, 1, 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_check_device(&hx, a, 1, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_check_device(&hx, a, 1, 8, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hyp_lease_check_device(&hx, RVX_HANDLE_NULL, 1, 1, 0), -RVX_ENOENT);
	cr_assert_eq(rvx_hyp_lease_check_device(&hx, rvx_handle_make(1, 9), 1, 1, 0), -RVX_ESTALE);
	/* checks are pure */
	hx_unchanged();
}
