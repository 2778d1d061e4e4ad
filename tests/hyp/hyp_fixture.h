/* SPDX-License-Identifier: Apache-2.0 */
/* Shared fixture of the hyp tests: a layer over static storage, a sink that
 * records every event, and snapshots of every byte of state. */
#ifndef HYP_FIXTURE_H
#define HYP_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include "ruvix/hyp.h"

#define NPARTS 8u
#define NEDGES 16u
#define NCPUS 2u
#define EV_MAX 1024u

/* Policy: 2 restarts, then 1 reconstruction per window of 1000. */
#define WINDOW 1000u
#define RESTARTS 2u
#define RECONSTRUCTS 1u

extern struct rvx_hyp hx;
extern struct rvx_hyp_partition hx_parts[NPARTS];
extern struct rvx_hyp_edge hx_edges[NEDGES];
extern struct rvx_hyp_event hx_ev[EV_MAX];
extern unsigned hx_ev_count;
extern const struct rvx_hyp_sink hx_sink;

void hx_setup(void);
rvx_handle_t hx_make(uint16_t vmid);          /* create, CREATED */
rvx_handle_t hx_make_running(uint16_t vmid);  /* create + resume */
void hx_snap(void);
void hx_unchanged(void);                       /* state bytes and event count as at hx_snap() */

uint16_t hx_get16(const uint8_t *p);
uint32_t hx_get32(const uint8_t *p);
uint64_t hx_get64(const uint8_t *p);
/* Event @i has this kind, partition and target. */
void hx_expect_ev(unsigned i, uint16_t kind, uint32_t partition, uint64_t target);

#endif
