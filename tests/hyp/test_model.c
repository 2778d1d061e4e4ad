/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Random operation sequences checked against a small reference model of
 * partitions, CPUs, edges and leases: every call's result must be the one
 * the model predicts, a failed call must leave every byte of state as it
 * was and emit nothing, and a successful one must emit exactly the events
 * the model expects, in order.
 */
#include "hyp_fixture.h"

#define LPP RVX_CONFIG_HYP_LEASES_PER_PARTITION

struct m_lease {
	bool active;
	uint32_t gen, device;
	uint64_t base, size, expiry;
};

struct m_part {
	uint32_t gen;
	uint32_t state, prior;
	uint16_t vmid;
	uint32_t pending;
	struct m_lease lease[LPP];
};

struct m_edge {
	bool live;
	uint32_t gen, a, b, queue, flags;
};

static struct m_part mp[NPARTS];
static struct m_edge me[NEDGES];
static uint32_t mcur[NCPUS];
static uint64_t now;
static uint64_t rng = 0x2545F4914F6CDD1Du;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A partition handle: mostly live ones, some stale, some out of range. */
static rvx_handle_t pick_part(void)
{
	uint32_t s = rnd(NPARTS + 1);
	uint32_t g = s < NPARTS ? mp[s].gen : 1;

	if (rnd(8) == 0 && g > 1)
		g--;
	if (rnd(16) == 0)
		g = 0;
	return rvx_handle_make(s, g);
}

static int part_expect(rvx_handle_t h, uint32_t *idx)
{
	uint32_t s = rvx_handle_index(h), g = rvx_handle_gen(h);

	if (s >= NPARTS || g == 0)
		return -RVX_ENOENT;
	if (mp[s].state == RVX_HYP_STATE_FREE || mp[s].gen != g)
		return -RVX_ESTALE;
	*idx = s;
	return 0;
}

static rvx_handle_t pick_edge(void)
{
	uint32_t s = rnd(NEDGES + 1);
	uint32_t g = s < NEDGES ? me[s].gen : 1;

	if (rnd(8) == 0 && g > 1)
		g--;
	return rvx_handle_make(s, g);
}

static int edge_expect(rvx_handle_t h, uint32_t *idx)
{
	uint32_t s = rvx_handle_index(h), g = rvx_handle_gen(h);

	if (s >= NEDGES || g == 0)
		return -RVX_ENOENT;
	if (!me[s].live || me[s].gen != g)
		return -RVX_ESTALE;
	*idx = s;
	return 0;
}

static bool is_current(uint32_t pi)
{
	for (uint32_t c = 0; c < NCPUS; c++)
		if (mcur[c] == pi)
			return true;
	return false;
}

static void end_lease(uint32_t pi, uint32_t k)
{
	mp[pi].lease[k].active = false;
}

static void compare(void)
{
	for (uint32_t i = 0; i < NPARTS; i++) {
		uint32_t leases = 0, edges = 0;

		cr_assert_eq(hx_parts[i].state, mp[i].state, "slot %u state", i);
		if (mp[i].state == RVX_HYP_STATE_FREE)
			continue;
		cr_assert_eq(hx_parts[i].generation, mp[i].gen);
		for (uint32_t k = 0; k < LPP; k++) {
			leases += mp[i].lease[k].active;
			cr_assert_eq(hx_parts[i].leases[k].active, mp[i].lease[k].active);
		}
		for (uint32_t e = 0; e < NEDGES; e++)
			edges += me[e].live && (me[e].a == i || me[e].b == i);
		cr_assert_eq(hx_parts[i].lease_count, leases);
		cr_assert_eq(hx_parts[i].edge_count, edges);
	}
	for (uint32_t c = 0; c < NCPUS; c++)
		cr_assert_eq(hx.current[c], mcur[c], "cpu %u", c);
}

Test(hyp_model, random_sequences_match_model, .init = hx_setup)
{
	unsigned ok = 0, failed = 0, ok_by_op[13] = {0};

	memset(mp, 0, sizeof(mp));
	memset(me, 0, sizeof(me));
	for (uint32_t c = 0; c < NCPUS; c++)
		mcur[c] = RVX_HYP_NONE;
	now = 0;
	for (int step = 0; step < 20000; step++) {
		uint32_t op = rnd(13), pi = 0, qi = 0, ei = 0;
		int want = 0, rc = 0;
		unsigned ev0 = hx_ev_count, ev_want = 1;
		uint16_t kind = 0;

		now += rnd(4);
		hx_snap();
		switch (op) {
		case 0: { /* create */
			struct rvx_hyp_partition_config pc = {.vmid = (uint16_t)rnd(12), .cap_root = 1};
			rvx_handle_t h;
			uint32_t free_slot = RVX_HYP_NONE;

			for (uint32_t i = 0; i < NPARTS; i++) {
				if (mp[i].state == RVX_HYP_STATE_FREE) {
					if (free_slot == RVX_HYP_NONE)
						free_slot = i;
				} else if (mp[i].vmid == pc.vmid) {
					want = -RVX_EEXIST;
				}
			}
			if (!want && free_slot == RVX_HYP_NONE)
				want = -RVX_ENOMEM;
			rc = rvx_hyp_partition_create(&hx, &pc, now, &h);
			if (!rc) {
				struct m_part *p = &mp[free_slot];
				cr_assert_eq(rvx_handle_index(h), free_slot);
				p->gen = p->gen + 1;
				p->state = RVX_HYP_STATE_CREATED;
				p->vmid = pc.vmid;
				p->pending = 0;
				for (uint32_t k = 0; k < LPP; k++)
					p->lease[k].active = false;
			}
			kind = RVX_HYP_EV_PART_CREATE;
			break;
		}
		case 1: { /* destroy */
			rvx_handle_t h = pick_part();

			want = part_expect(h, &pi);
			if (!want && is_current(pi))
				want = -RVX_EBUSY;
			rc = rvx_hyp_partition_destroy(&hx, h, now);
			if (!rc) {
				ev_want = 1;
				for (uint32_t e = 0; e < NEDGES; e++)
					if (me[e].live && (me[e].a == pi || me[e].b == pi)) {
						me[e].live = false;
						ev_want++;
					}
				for (uint32_t k = 0; k < LPP; k++)
					if (mp[pi].lease[k].active) {
						end_lease(pi, k);
						ev_want++;
					}
				mp[pi].state = RVX_HYP_STATE_FREE;
			}
			kind = RVX_HYP_EV_PART_DESTROY;
			break;
		}
		case 2: { /* suspend */
			rvx_handle_t h = pick_part();

			want = part_expect(h, &pi);
			if (!want && mp[pi].state != RVX_HYP_STATE_RUNNING)
				want = -RVX_EPERM;
			if (!want && is_current(pi))
				want = -RVX_EBUSY;
			rc = rvx_hyp_partition_suspend(&hx, h, now);
			if (!rc)
				mp[pi].state = RVX_HYP_STATE_SUSPENDED;
			kind = RVX_HYP_EV_PART_SUSPEND;
			break;
		}
		case 3: { /* resume */
			rvx_handle_t h = pick_part();

			want = part_expect(h, &pi);
			if (!want && mp[pi].state != RVX_HYP_STATE_CREATED &&
			    mp[pi].state != RVX_HYP_STATE_SUSPENDED)
				want = -RVX_EPERM;
			rc = rvx_hyp_partition_resume(&hx, h, now);
			if (!rc)
				mp[pi].state = RVX_HYP_STATE_RUNNING;
			kind = RVX_HYP_EV_PART_RESUME;
			break;
		}
		case 4: { /* switch */
			uint32_t cpu = rnd(NCPUS + 1);
			rvx_handle_t h = rnd(5) == 0 ? RVX_HANDLE_NULL : pick_part();

			ev_want = 0;
			pi = RVX_HYP_NONE;
			if (cpu >= NCPUS)
				want = -RVX_EINVAL;
			else if (!rvx_handle_is_null(h)) {
				want = part_expect(h, &pi);
				if (!want && mp[pi].state != RVX_HYP_STATE_RUNNING)
					want = -RVX_EPERM;
			}
			rc = rvx_hyp_switch(&hx, cpu, h);
			if (!rc)
				mcur[cpu] = pi;
			break;
		}
		case 5: { /* edge create */
			rvx_handle_t a = pick_part(), b = pick_part(), h;
			uint32_t queue = rnd(6), flags = rnd(2), free_slot = RVX_HYP_NONE;

			want = part_expect(a, &pi);
			if (!want)
				want = part_expect(b, &qi);
			if (!want && pi == qi)
				want = -RVX_EINVAL;
			for (uint32_t e = 0; e < NEDGES && !want; e++) {
				if (!me[e].live) {
					if (free_slot == RVX_HYP_NONE)
						free_slot = e;
				} else if (me[e].queue == queue) {
					want = -RVX_EEXIST;
				}
			}
			if (!want && free_slot == RVX_HYP_NONE)
				want = -RVX_ENOMEM;
			rc = rvx_hyp_edge_create(&hx, a, b, queue, flags, now, &h);
			if (!rc) {
				cr_assert_eq(rvx_handle_index(h), free_slot);
				me[free_slot] = (struct m_edge){true, me[free_slot].gen + 1, pi, qi, queue, flags};
			}
			kind = RVX_HYP_EV_EDGE_CREATE;
			break;
		}
		case 6: { /* edge destroy */
			rvx_handle_t h = pick_edge();

			want = edge_expect(h, &ei);
			rc = rvx_hyp_edge_destroy(&hx, h, now);
			if (!rc)
				me[ei].live = false;
			kind = RVX_HYP_EV_EDGE_DESTROY;
			break;
		}
		case 7: { /* edge note */
			rvx_handle_t h = pick_edge(), from = pick_part();
			uint32_t es = rvx_handle_index(h);

			/* Mostly an end of the edge, so that traffic gets counted. */
			if (es < NEDGES && me[es].live && rnd(4)) {
				uint32_t end = rnd(2) ? me[es].a : me[es].b;
				from = rvx_handle_make(end, mp[end].gen);
			}
			ev_want = 0;
			want = edge_expect(h, &ei);
			if (!want)
				want = part_expect(from, &pi);
			if (!want && pi != me[ei].a && !(pi == me[ei].b && me[ei].flags))
				want = -RVX_EPERM;
			rc = rvx_hyp_edge_note(&hx, h, from, rnd(100));
			break;
		}
		case 8: { /* lease grant */
			rvx_handle_t h = pick_part(), l;
			struct rvx_hyp_lease_req r = {.device = rnd(6), .rights = 1 + rnd(3),
						      .mmio_base = 0x1000u * rnd(8), .mmio_size = 0x1000u * (1 + rnd(2))};
			uint64_t expiry = now + 1 + rnd(40);
			uint32_t slot = RVX_HYP_NONE;

			want = part_expect(h, &pi);
			if (!want && mp[pi].state == RVX_HYP_STATE_FAILED)
				want = -RVX_EPERM;
			for (uint32_t i = 0; i < NPARTS && !want; i++)
				for (uint32_t k = 0; k < LPP; k++) {
					const struct m_lease *o = &mp[i].lease[k];
					if (mp[i].state != RVX_HYP_STATE_FREE && o->active &&
					    (o->device == r.device ||
					     (r.mmio_base < o->base + o->size && o->base < r.mmio_base + r.mmio_size)))
						want = -RVX_EBUSY;
				}
			if (!want) {
				for (uint32_t k = 0; k < LPP && slot == RVX_HYP_NONE; k++)
					if (!mp[pi].lease[k].active)
						slot = k;
				if (slot == RVX_HYP_NONE)
					want = -RVX_ELIMIT;
			}
			rc = rvx_hyp_lease_grant(&hx, h, &r, now, expiry, &l);
			if (!rc) {
				struct m_lease *m = &mp[pi].lease[slot];
				cr_assert_eq(rvx_handle_index(l), pi * LPP + slot);
				*m = (struct m_lease){true, m->gen + 1, r.device, r.mmio_base, r.mmio_size, expiry};
			}
			kind = RVX_HYP_EV_LEASE_GRANT;
			break;
		}
		case 9: { /* lease revoke (a live one if any, or a stale one) */
			uint32_t s = rnd(NPARTS), k = rnd(LPP);
			uint32_t g;

			/* Mostly a live lease, if there is one. */
			if (rnd(4)) {
				for (uint32_t t = 0, start = rnd(NPARTS * LPP); t < NPARTS * LPP; t++) {
					uint32_t x = (start + t) % (NPARTS * LPP);
					if (mp[x / LPP].state != RVX_HYP_STATE_FREE && mp[x / LPP].lease[x % LPP].active) {
						s = x / LPP;
						k = x % LPP;
						break;
					}
				}
			}
			g = mp[s].lease[k].gen - (rnd(6) == 0 ? 1u : 0u);
			rvx_handle_t h = rvx_handle_make(s * LPP + k, g);

			if (g == 0)
				want = -RVX_ENOENT;
			else if (!mp[s].lease[k].active || mp[s].lease[k].gen != g)
				want = -RVX_ESTALE;
			rc = rvx_hyp_lease_revoke(&hx, h, now);
			if (!rc)
				end_lease(s, k);
			kind = RVX_HYP_EV_LEASE_REVOKE;
			break;
		}
		case 10: { /* tick */
			struct rvx_hyp_lease_info out[3];
			uint32_t cap = rnd(4), n = 0;

			for (uint32_t i = 0; i < NPARTS; i++)
				for (uint32_t k = 0; k < LPP && n < cap; k++)
					if (mp[i].state != RVX_HYP_STATE_FREE && mp[i].lease[k].active &&
					    mp[i].lease[k].expiry <= now) {
						end_lease(i, k);
						n++;
					}
			rc = rvx_hyp_tick(&hx, now, cap ? out : NULL, cap);
			cr_assert_eq(rc, (int)n, "tick expired %d, model %u", rc, n);
			for (unsigned i = 0; i < n; i++)
				cr_assert_eq(hx_ev[ev0 + i].kind, RVX_HYP_EV_LEASE_EXPIRE);
			rc = 0; /* a count, not an error */
			ev_want = n;
			kind = RVX_HYP_EV_LEASE_EXPIRE;
			break;
		}
		case 11: { /* fault */
			rvx_handle_t h = pick_part();
			struct rvx_hyp_fault f = {.kind = RVX_HYP_FAULT_TASK, .task = 1,
						  .region = rnd(2) ? 2u : RVX_HYP_NONE};
			struct rvx_hyp_decision d;

			want = part_expect(h, &pi);
			if (!want && mp[pi].state == RVX_HYP_STATE_FAILED)
				want = -RVX_EBUSY;
			rc = rvx_hyp_fault(&hx, h, &f, now, &d);
			if (!rc) {
				cr_assert(d.action >= RVX_HYP_ACT_RESTART_TASK && d.action <= RVX_HYP_ACT_REBOOT);
				mp[pi].prior = mp[pi].state;
				mp[pi].state = RVX_HYP_STATE_FAILED;
				mp[pi].pending = d.action;
				for (uint32_t c = 0; c < NCPUS; c++)
					if (mcur[c] == pi)
						mcur[c] = RVX_HYP_NONE;
			}
			kind = RVX_HYP_EV_FAULT;
			break;
		}
		case 12: { /* recovery report, or a capability grant */
			if (rnd(2)) {
				rvx_handle_t h = pick_part();
				bool success = rnd(2);
				uint32_t action = 1 + rnd(4);
				struct rvx_hyp_decision next;

				want = part_expect(h, &pi);
				if (!want && mp[pi].state != RVX_HYP_STATE_FAILED)
					want = -RVX_EPERM;
				if (!want && rnd(3))
					action = mp[pi].pending;
				if (!want && action != mp[pi].pending)
					want = -RVX_EINVAL;
				rc = rvx_hyp_recovery_report(&hx, h, action, success, now, &next);
				if (!rc) {
					if (success) {
						mp[pi].state = mp[pi].prior;
						cr_assert_eq(next.action, RVX_HYP_ACT_NONE);
					} else {
						cr_assert_geq(next.action, action);
					}
					mp[pi].pending = next.action;
				}
				kind = RVX_HYP_EV_RECOVERY;
			} else {
				rvx_handle_t a = pick_part(), b = pick_part();

				want = part_expect(a, &pi);
				if (!want)
					want = part_expect(b, &qi);
				if (!want && pi == qi)
					want = -RVX_EINVAL;
				if (!want && (mp[pi].state == RVX_HYP_STATE_FAILED ||
					      mp[qi].state == RVX_HYP_STATE_FAILED))
					want = -RVX_EPERM;
				rc = rvx_hyp_cap_grant(&hx, a, b, 5, RVX_RIGHT_READ, now);
				kind = RVX_HYP_EV_CAP_GRANT;
			}
			break;
		}
		}
		cr_assert_eq(rc, want, "step %d op %u: %d, model %d", step, op, rc, want);
		if (rc) {
			failed++;
			hx_unchanged();
		} else {
			ok++;
			ok_by_op[op]++;
			cr_assert_eq(hx_ev_count, ev0 + ev_want, "step %d op %u: %u events, want %u", step,
				     op, hx_ev_count - ev0, ev_want);
			if (ev_want)
				cr_assert_eq(hx_ev[hx_ev_count - 1].kind, kind, "step %d op %u", step, op);
			if (hx_ev_count > EV_MAX - 64)
				hx_ev_count = 0; /* keep recording; the model checks counts per step */
		}
		compare();
	}
	cr_log_info("hyp model: %u calls succeeded, %u failed; by operation: %u %u %u %u %u %u %u %u %u %u %u %u %u",
		    ok, failed, ok_by_op[0], ok_by_op[1], ok_by_op[2], ok_by_op[3], ok_by_op[4],
		    ok_by_op[5], ok_by_op[6], ok_by_op[7], ok_by_op[8], ok_by_op[9], ok_by_op[10],
		    ok_by_op[11], ok_by_op[12]);
	cr_assert_gt(ok, 4000);
	cr_assert_gt(failed, 4000);
	for (unsigned op = 0; op < 13; op++)
		cr_assert_gt(ok_by_op[op], 10, "operation %u succeeded only %u times", op, ok_by_op[op]);
}
