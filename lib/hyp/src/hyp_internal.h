/* SPDX-License-Identifier: Apache-2.0 */
/* Private helpers shared by the hyp sources: handle lookup and events. */
#ifndef RUVIX_HYP_INTERNAL_H
#define RUVIX_HYP_INTERNAL_H

#include "ruvix/endian.h"
#include "ruvix/hyp.h"

#define LEASES RVX_CONFIG_HYP_LEASES_PER_PARTITION

/* Resolve a partition handle to its slot index. */
int rvx_hyp_part_get_(const struct rvx_hyp *h, rvx_handle_t ph, uint32_t *idx);

/* The handle of live partition slot @i. */
static inline rvx_handle_t hyp_part_handle_(const struct rvx_hyp *h, uint32_t i)
{
	return rvx_handle_make(i, h->parts[i].generation);
}

/* Build an event of @kind with @args_len bytes of args (zero-filled). */
static inline void hyp_event_init_(struct rvx_hyp_event *ev, uint16_t kind, uint32_t partition,
				   uint64_t target, uint64_t now, uint16_t args_len)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->args_len = args_len;
	ev->partition = partition;
	ev->target = target;
	ev->time = now;
}

static inline void hyp_emit_(const struct rvx_hyp *h, const struct rvx_hyp_event *ev)
{
	h->sink.emit(h->sink.ctx, ev);
}

/* Free lease @slot of partition @pi and emit @kind for it (EXPIRE or REVOKE);
 * @info, if not NULL, receives the lease as it was. */
void rvx_hyp_lease_end_(struct rvx_hyp *h, uint32_t pi, uint32_t slot, uint16_t kind, uint64_t now,
		    struct rvx_hyp_lease_info *info);

/* End live edge @ei (its ends' counts, EDGE_DESTROY with its traffic). */
void rvx_hyp_edge_end_(struct rvx_hyp *h, uint32_t ei, uint64_t now);

/* Recompute the earliest expiry over every active lease. */
void rvx_hyp_lease_rescan_(struct rvx_hyp *h);

#endif /* RUVIX_HYP_INTERNAL_H */
