/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Faults and the recovery ladder. The policy is a pure function of the
 * partition's failure window, its flags and the fault; rvx_hyp_fault()
 * records the fault and the decision, and only rvx_hyp_recovery_report()
 * (the port saying what the action did) moves the partition on: back to
 * service, out of service for good (a stop), or up one rung. The rungs in
 * order: restart, reconstruct, roll back, stop (a stoppable partition
 * only), reboot.
 */
#include "hyp_internal.h"

static int check_fault(const struct rvx_hyp_fault *f)
{
	if (f->kind >= RVX_HYP_FAULT_KIND_COUNT || f->reserved)
		return -RVX_EINVAL;
	if (f->kind == RVX_HYP_FAULT_TASK && f->task == RVX_HYP_NONE)
		return -RVX_EINVAL;
	if (f->kind == RVX_HYP_FAULT_REGION && f->region == RVX_HYP_NONE)
		return -RVX_EINVAL;
	return 0;
}

/* Whether @now falls in the failure window opened at @start. A clock that
 * went backwards counts as inside it: failures are never forgotten early. */
static bool in_window(const struct rvx_hyp *h, const struct rvx_hyp_partition *p, uint64_t now)
{
	return p->failures != 0 && (now < p->window_start || now - p->window_start < h->policy.window);
}

/* The rung past the ones that keep @p p in service: a stop if it may be
 * stopped, else a reboot. */
static uint32_t last_resort(const struct rvx_hyp_partition *p)
{
	return (p->flags & RVX_HYP_PART_STOPPABLE) ? RVX_HYP_ACT_STOP_PARTITION : RVX_HYP_ACT_REBOOT;
}

/* A roll back needs a region to roll back; without one the next rung is the last resort. */
static uint32_t settle(const struct rvx_hyp_partition *p, uint32_t action, uint32_t region)
{
	if (action == RVX_HYP_ACT_ROLLBACK_REGION && region == RVX_HYP_NONE)
		return last_resort(p);
	return action;
}

/* The rung after @p action failed. A failed reboot stays pending. */
static uint32_t next_rung(const struct rvx_hyp_partition *p, uint32_t action, uint32_t region)
{
	switch (action) {
	case RVX_HYP_ACT_RESTART_TASK: return RVX_HYP_ACT_RECONSTRUCT;
	case RVX_HYP_ACT_RECONSTRUCT: return settle(p, RVX_HYP_ACT_ROLLBACK_REGION, region);
	case RVX_HYP_ACT_ROLLBACK_REGION: return last_resort(p);
	default: return RVX_HYP_ACT_REBOOT; /* after a stop, or a reboot */
	}
}

static void decide(const struct rvx_hyp *h, const struct rvx_hyp_partition *p,
		   const struct rvx_hyp_fault *f, uint64_t now, struct rvx_hyp_decision *out)
{
	static const uint32_t entry[RVX_HYP_FAULT_KIND_COUNT] = {
		[RVX_HYP_FAULT_TASK] = RVX_HYP_ACT_RESTART_TASK,
		[RVX_HYP_FAULT_PARTITION] = RVX_HYP_ACT_RECONSTRUCT,
		[RVX_HYP_FAULT_REGION] = RVX_HYP_ACT_ROLLBACK_REGION,
		[RVX_HYP_FAULT_KERNEL] = RVX_HYP_ACT_REBOOT,
	};
	uint32_t failures = in_window(h, p, now) ? p->failures + 1u : 1u;
	uint64_t restart = h->policy.restart_limit;
	uint64_t reconstruct = restart + h->policy.reconstruct_limit;
	uint32_t by_count, action;

	if (failures == 0)
		failures = UINT32_MAX; /* saturate rather than wrap */
	by_count = failures <= restart       ? RVX_HYP_ACT_RESTART_TASK
		   : failures <= reconstruct ? RVX_HYP_ACT_RECONSTRUCT
					     : RVX_HYP_ACT_ROLLBACK_REGION;
	action = entry[f->kind] > by_count ? entry[f->kind] : by_count;
	out->action = settle(p, action, f->region);
	out->task = f->task;
	out->region = f->region;
	out->failures = failures;
}

int rvx_hyp_recovery_decide(const struct rvx_hyp *h, rvx_handle_t part,
			    const struct rvx_hyp_fault *fault, uint64_t now,
			    struct rvx_hyp_decision *out)
{
	uint32_t pi;
	int rc;

	if (!h || !fault || !out)
		return -RVX_EINVAL;
	rc = check_fault(fault);
	if (rc)
		return rc;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (rc)
		return rc;
	decide(h, &h->parts[pi], fault, now, out);
	return 0;
}

int rvx_hyp_fault(struct rvx_hyp *h, rvx_handle_t part, const struct rvx_hyp_fault *fault,
		  uint64_t now, struct rvx_hyp_decision *out)
{
	struct rvx_hyp_partition *p;
	struct rvx_hyp_decision d;
	struct rvx_hyp_event ev;
	uint32_t pi;
	int rc;

	if (!h || !fault || !out)
		return -RVX_EINVAL;
	rc = check_fault(fault);
	if (rc)
		return rc;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (rc)
		return rc;
	p = &h->parts[pi];
	if (p->state == RVX_HYP_STATE_FAILED)
		return -RVX_EBUSY;
	if (p->state == RVX_HYP_STATE_STOPPED)
		return -RVX_EPERM;

	decide(h, p, fault, now, &d);
	if (!in_window(h, p, now))
		p->window_start = now;
	p->failures = d.failures;
	p->faults_total++;
	p->prior_state = p->state;
	p->state = RVX_HYP_STATE_FAILED;
	p->pending = d;
	/* A failed partition runs nowhere. */
	for (uint32_t c = 0; c < h->cpu_count; c++)
		if (h->current[c] == pi)
			h->current[c] = RVX_HYP_NONE;
	p->current_cpus = 0;
	*out = d;

	hyp_event_init_(&ev, RVX_HYP_EV_FAULT, pi, part.raw, now, 28);
	rvx_le_put16(ev.args, fault->kind);
	rvx_le_put16(ev.args + 2, fault->cause);
	rvx_le_put32(ev.args + 4, fault->task);
	rvx_le_put32(ev.args + 8, fault->region);
	rvx_le_put32(ev.args + 12, d.failures);
	rvx_le_put64(ev.args + 16, fault->addr);
	rvx_le_put32(ev.args + 24, d.action);
	hyp_emit_(h, &ev);
	return 0;
}

int rvx_hyp_recovery_report(struct rvx_hyp *h, rvx_handle_t part, uint32_t action,
			    bool succeeded, uint64_t now, struct rvx_hyp_decision *next)
{
	struct rvx_hyp_partition *p;
	struct rvx_hyp_event ev;
	uint32_t pi, next_action;
	int rc;

	if (!h)
		return -RVX_EINVAL;
	rc = rvx_hyp_part_get_(h, part, &pi);
	if (rc)
		return rc;
	p = &h->parts[pi];
	if (p->state != RVX_HYP_STATE_FAILED)
		return -RVX_EPERM;
	if (action != p->pending.action)
		return -RVX_EINVAL;

	if (succeeded) {
		next_action = RVX_HYP_ACT_NONE;
		p->state = p->prior_state;
		p->recoveries++;
		if (action == RVX_HYP_ACT_STOP_PARTITION) {
			/* Out of service for good: nothing of it stays connected. */
			uint32_t leases = 0;

			for (uint32_t ei = 0; ei < h->edge_count && p->edge_count; ei++)
				if (h->edges[ei].live && (h->edges[ei].a == pi || h->edges[ei].b == pi))
					rvx_hyp_edge_end_(h, ei, now);
			for (uint32_t l = 0; l < LEASES; l++) {
				if (p->leases[l].active) {
					rvx_hyp_lease_end_(h, pi, l, RVX_HYP_EV_LEASE_REVOKE, now, NULL);
					leases++;
				}
			}
			if (leases)
				rvx_hyp_lease_rescan_(h);
			p->state = RVX_HYP_STATE_STOPPED;
		}
	} else {
		next_action = next_rung(p, action, p->pending.region);
	}
	hyp_event_init_(&ev, RVX_HYP_EV_RECOVERY, pi, part.raw, now, 20);
	rvx_le_put32(ev.args, action);
	rvx_le_put32(ev.args + 4, succeeded ? 1u : 0u);
	rvx_le_put32(ev.args + 8, p->pending.task);
	rvx_le_put32(ev.args + 12, p->pending.region);
	rvx_le_put32(ev.args + 16, next_action);
	p->pending.action = next_action;
	if (succeeded) {
		p->pending.task = 0;
		p->pending.region = 0;
		p->pending.failures = 0;
	}
	if (next)
		*next = p->pending;
	hyp_emit_(h, &ev);
	return 0;
}
