/* SPDX-License-Identifier: Apache-2.0 */
/* Timers: order, cancel, bounded expiry, many at once, the top of the
 * time range, and a random sequence against a sorted reference. */
#include <stdlib.h>

#include "sched_fixture.h"

#define TCAP 10000

static struct rvx_timer tm;
static alignas(64) uint8_t tstore[RVX_TIMER_STORAGE_SIZE(TCAP)];
static uint64_t cookies[TCAP];
#define T (&tm)

struct tsnap {
	struct rvx_timer t;
	uint8_t store[sizeof(tstore)];
};
static struct tsnap snap;

static void tsetup(void)
{
	memset(tstore, 0xa5, sizeof(tstore));
	cr_assert_eq(rvx_timer_init(T, tstore, sizeof(tstore), TCAP), 0);
}

static void tsnap_take(void)
{
	snap.t = tm;
	memcpy(snap.store, tstore, sizeof(tstore));
}

static void tsnap_same(const char *what)
{
	cr_assert(memcmp(&snap.t, &tm, sizeof(tm)) == 0, "%s changed the timer set", what);
	cr_assert(memcmp(snap.store, tstore, sizeof(tstore)) == 0, "%s changed the storage", what);
}

static rvx_handle_t arm_at(uint64_t deadline, uint64_t cookie)
{
	rvx_handle_t h;

	cr_assert_eq(rvx_timer_arm_at(T, deadline, cookie, &h), 0);
	return h;
}

TestSuite(timer, .init = tsetup);

Test(timer, storage_size_and_define)
{
	RVX_TIMER_DEFINE(local, 4);
	rvx_handle_t h;

	cr_assert_eq(rvx_timer_storage_size(TCAP), RVX_TIMER_STORAGE_SIZE(TCAP));
	cr_assert_eq(rvx_timer_storage_size(0), 0);
	cr_assert_eq(rvx_timer_storage_size(RVX_TIMER_CAPACITY_MAX + 1), 0);
	cr_assert_eq(rvx_timer_init(&local, local_storage, sizeof(local_storage), 4), 0);
	cr_assert_eq(rvx_timer_arm_at(&local, 5, 1, &h), 0);
	cr_assert_eq(rvx_timer_count(&local), 1);
}

Test(timer, init_errors)
{
	struct rvx_timer t, t0;

	memset(&t, 0x11, sizeof(t));
	t0 = t;
	tsnap_take();
	cr_assert_eq(rvx_timer_init(NULL, tstore, sizeof(tstore), 4), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_init(&t, NULL, sizeof(tstore), 4), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_init(&t, tstore + 1, sizeof(tstore), 4), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_init(&t, tstore, sizeof(tstore), 0), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_init(&t, tstore, RVX_TIMER_STORAGE_SIZE(4) - 1, 4), -RVX_ENOMEM);
	cr_assert(memcmp(&t, &t0, sizeof(t)) == 0);
	tsnap_same("failed init");
}

Test(timer, fires_in_deadline_order)
{
	static const uint64_t d[] = {50, 10, 40, 20, 30};
	uint64_t next;

	for (int i = 0; i < 5; i++)
		arm_at(d[i], d[i] * 100);
	cr_assert_eq(rvx_timer_next_deadline(T, &next), 0);
	cr_assert_eq(next, 10);
	cr_assert_eq(rvx_timer_expire(T, 9, cookies, 10), 0);
	cr_assert_eq(rvx_timer_expire(T, 30, cookies, 10), 3);
	cr_assert_eq(cookies[0], 1000);
	cr_assert_eq(cookies[1], 2000);
	cr_assert_eq(cookies[2], 3000);
	cr_assert_eq(rvx_timer_count(T), 2);
	cr_assert_eq(rvx_timer_expire(T, 100, cookies, 10), 2);
	cr_assert_eq(cookies[0], 4000);
	cr_assert_eq(cookies[1], 5000);
	cr_assert_eq(rvx_timer_next_deadline(T, &next), -RVX_EEMPTY);
}

Test(timer, equal_deadlines_fire_in_arming_order)
{
	for (uint64_t i = 0; i < 100; i++)
		arm_at(7, i);
	cr_assert_eq(rvx_timer_expire(T, 7, cookies, 100), 100);
	for (uint64_t i = 0; i < 100; i++)
		cr_assert_eq(cookies[i], i);
}

Test(timer, arm_after_is_relative_and_saturates)
{
	rvx_handle_t h;
	uint64_t next;

	cr_assert_eq(rvx_timer_arm_after(T, 1000, 500, 1, &h), 0);
	cr_assert_eq(rvx_timer_next_deadline(T, &next), 0);
	cr_assert_eq(next, 1500);
	cr_assert_eq(rvx_timer_cancel(T, h, NULL), 0);
	cr_assert_eq(rvx_timer_arm_after(T, UINT64_MAX - 10, 11, 2, &h), 0);
	cr_assert_eq(rvx_timer_next_deadline(T, &next), 0);
	cr_assert_eq(next, UINT64_MAX);
	cr_assert_eq(rvx_timer_arm_after(T, UINT64_MAX, UINT64_MAX, 3, &h), 0);
	cr_assert_eq(rvx_timer_expire(T, UINT64_MAX - 1, cookies, 10), 0);
	cr_assert_eq(rvx_timer_expire(T, UINT64_MAX, cookies, 10), 2);
	cr_assert_eq(cookies[0], 2);
	cr_assert_eq(cookies[1], 3);
}

Test(timer, deadlines_near_the_top_keep_order)
{
	/* Plain unsigned order across the half-range and near UINT64_MAX. */
	static const uint64_t d[] = {UINT64_MAX, UINT64_MAX / 2 + 1, UINT64_MAX / 2,
				     UINT64_MAX - 1, 0, UINT64_MAX / 2 - 1, 1};

	for (int i = 0; i < 7; i++)
		arm_at(d[i], d[i]);
	cr_assert_eq(rvx_timer_expire(T, UINT64_MAX / 2, cookies, 100), 4);
	cr_assert_eq(cookies[0], 0);
	cr_assert_eq(cookies[1], 1);
	cr_assert_eq(cookies[2], UINT64_MAX / 2 - 1);
	cr_assert_eq(cookies[3], UINT64_MAX / 2);
	cr_assert_eq(rvx_timer_expire(T, UINT64_MAX - 1, cookies, 100), 2);
	cr_assert_eq(cookies[0], UINT64_MAX / 2 + 1);
	cr_assert_eq(cookies[1], UINT64_MAX - 1);
	cr_assert_eq(rvx_timer_expire(T, UINT64_MAX, cookies, 100), 1);
	cr_assert_eq(cookies[0], UINT64_MAX);
}

Test(timer, cancel_success_and_stale)
{
	rvx_handle_t a = arm_at(10, 1), b = arm_at(20, 2), c = arm_at(30, 3);
	uint64_t cookie = 0;

	cr_assert_eq(rvx_timer_cancel(T, b, &cookie), 0);
	cr_assert_eq(cookie, 2);
	cr_assert_eq(rvx_timer_expire(T, 100, cookies, 10), 2);
	cr_assert_eq(cookies[0], 1);
	cr_assert_eq(cookies[1], 3);
	/* Fired and cancelled timers are stale, also after their slot is reused. */
	tsnap_take();
	cr_assert_eq(rvx_timer_cancel(T, a, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_timer_cancel(T, b, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_timer_cancel(T, c, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_timer_cancel(T, rvx_handle_make(TCAP, 1), NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_cancel(T, rvx_handle_make(5, 1), NULL), -RVX_ESTALE);
	tsnap_same("failed cancel");
	rvx_handle_t d = arm_at(40, 4);
	cr_assert_eq(rvx_handle_index(d), rvx_handle_index(c));
	cr_assert_eq(rvx_timer_cancel(T, c, NULL), -RVX_ESTALE);
	cr_assert_eq(rvx_timer_cancel(T, d, NULL), 0);
}

Test(timer, arm_errors_change_nothing)
{
	static alignas(8) uint8_t small[RVX_TIMER_STORAGE_SIZE(2)];
	struct rvx_timer t, t0;
	uint8_t before[sizeof(small)];
	rvx_handle_t h;

	tsnap_take();
	cr_assert_eq(rvx_timer_arm_at(T, 1, 1, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_arm_after(T, 1, 1, 1, NULL), -RVX_EINVAL);
	tsnap_same("arm without out");
	cr_assert_eq(rvx_timer_init(&t, small, sizeof(small), 2), 0);
	cr_assert_eq(rvx_timer_arm_at(&t, 1, 1, &h), 0);
	cr_assert_eq(rvx_timer_arm_at(&t, 2, 2, &h), 0);
	t0 = t;
	memcpy(before, small, sizeof(small));
	cr_assert_eq(rvx_timer_arm_at(&t, 3, 3, &h), -RVX_ELIMIT);
	cr_assert_eq(rvx_timer_arm_after(&t, 3, 3, 3, &h), -RVX_ELIMIT);
	cr_assert(memcmp(&t, &t0, sizeof(t)) == 0 && memcmp(small, before, sizeof(small)) == 0);
}

Test(timer, expire_and_next_errors)
{
	arm_at(1, 1);
	tsnap_take();
	cr_assert_eq(rvx_timer_expire(T, 10, NULL, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_expire(T, 10, cookies, (uint32_t)INT32_MAX + 1), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_next_deadline(T, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_expire(T, 10, NULL, 0), 0);
	tsnap_same("failed or empty expire");
}

Test(timer, bounded_expire_many_at_once)
{
	int total = 0, n, calls = 0;

	/* before: 10,000 timers all due at the same instant */
	for (uint64_t i = 0; i < TCAP; i++)
		arm_at(1000, i);
	cr_assert_eq(rvx_timer_count(T), TCAP);
	while ((n = rvx_timer_expire(T, 1000, cookies + total, 64)) > 0) {
		cr_assert_leq(n, 64);
		total += n;
		calls++;
	}
	/* after: all fired, in arming order, 64 at a time */
	cr_assert_eq(n, 0);
	cr_assert_eq(total, TCAP);
	cr_assert_eq(calls, (TCAP + 63) / 64);
	for (uint64_t i = 0; i < TCAP; i++)
		cr_assert_eq(cookies[i], i);
	cr_assert_eq(rvx_timer_count(T), 0);
}

/* Random arm/cancel/expire against a list kept sorted by (deadline, seq). */
struct ref {
	uint64_t deadline, seq, cookie;
	rvx_handle_t h;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->deadline != y->deadline)
		return x->deadline < y->deadline ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

Test(timer, random_against_reference)
{
	static struct ref refs[TCAP];
	int n = 0;
	uint64_t seq = 0, now = 0, x = 88172645463325252ull;

	for (int step = 0; step < 40000; step++) {
		uint32_t op;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		op = (uint32_t)(x % 100);
		if (op < 50 && n < 2000) {
			uint64_t d = now + (x >> 40) % 5000;
			rvx_handle_t h = arm_at(d, seq);

			refs[n++] = (struct ref){d, seq, seq, h};
			seq++;
		} else if (op < 70 && n > 0) {
			int k = (int)((x >> 20) % (uint64_t)n);
			uint64_t cookie;

			cr_assert_eq(rvx_timer_cancel(T, refs[k].h, &cookie), 0);
			cr_assert_eq(cookie, refs[k].cookie);
			refs[k] = refs[--n];
		} else {
			uint32_t max = (uint32_t)((x >> 30) % 20);
			int fired, want = 0;

			now += (x >> 50) % 300;
			qsort(refs, (size_t)n, sizeof(refs[0]), ref_cmp);
			while (want < n && want < (int)max && refs[want].deadline <= now)
				want++;
			fired = rvx_timer_expire(T, now, cookies, max);
			cr_assert_eq(fired, want);
			for (int k = 0; k < fired; k++)
				cr_assert_eq(cookies[k], refs[k].cookie);
			memmove(refs, refs + fired, (size_t)(n - fired) * sizeof(refs[0]));
			n -= fired;
		}
		cr_assert_eq(rvx_timer_count(T), (uint32_t)n);
	}
}
