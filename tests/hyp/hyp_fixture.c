/* SPDX-License-Identifier: Apache-2.0 */
#include "hyp_fixture.h"

struct rvx_hyp hx;
struct rvx_hyp_partition hx_parts[NPARTS];
struct rvx_hyp_edge hx_edges[NEDGES];
struct rvx_hyp_event hx_ev[EV_MAX];
unsigned hx_ev_count;

static struct rvx_hyp snap_h;
static struct rvx_hyp_partition snap_parts[NPARTS];
static struct rvx_hyp_edge snap_edges[NEDGES];
static unsigned snap_ev_count;

static void record(void *ctx, const struct rvx_hyp_event *ev)
{
	cr_assert_eq(ctx, &hx, "sink context passed through");
	cr_assert_lt(hx_ev_count, EV_MAX);
	hx_ev[hx_ev_count++] = *ev;
}

const struct rvx_hyp_sink hx_sink = {record, &hx};

void hx_setup(void)
{
	struct rvx_hyp_config cfg = {
		.cpu_count = NCPUS,
		.policy = {.window = WINDOW, .restart_limit = RESTARTS, .reconstruct_limit = RECONSTRUCTS},
	};

	memset(hx_ev, 0, sizeof(hx_ev));
	hx_ev_count = 0;
	memset(hx_parts, 0x5A, sizeof(hx_parts)); /* init must clear them */
	memset(hx_edges, 0x5A, sizeof(hx_edges));
	cr_assert_eq(rvx_hyp_init(&hx, &cfg, hx_parts, NPARTS, hx_edges, NEDGES, &hx_sink), 0);
}

rvx_handle_t hx_make(uint16_t vmid)
{
	struct rvx_hyp_partition_config pc = {.vmid = vmid, .cap_root = 100u + vmid};
	rvx_handle_t h;

	cr_assert_eq(rvx_hyp_partition_create(&hx, &pc, 0, &h), 0);
	return h;
}

rvx_handle_t hx_make_running(uint16_t vmid)
{
	rvx_handle_t h = hx_make(vmid);

	cr_assert_eq(rvx_hyp_partition_resume(&hx, h, 0), 0);
	return h;
}

void hx_snap(void)
{
	snap_h = hx;
	memcpy(snap_parts, hx_parts, sizeof(hx_parts));
	memcpy(snap_edges, hx_edges, sizeof(hx_edges));
	snap_ev_count = hx_ev_count;
}

void hx_unchanged(void)
{
	cr_assert(memcmp(&snap_h, &hx, sizeof(hx)) == 0, "struct rvx_hyp changed");
	cr_assert(memcmp(snap_parts, hx_parts, sizeof(hx_parts)) == 0, "partitions changed");
	cr_assert(memcmp(snap_edges, hx_edges, sizeof(hx_edges)) == 0, "edges changed");
	cr_assert_eq(hx_ev_count, snap_ev_count, "an event was emitted");
}

uint16_t hx_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t hx_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t hx_get64(const uint8_t *p)
{
	return (uint64_t)hx_get32(p) | (uint64_t)hx_get32(p + 4) << 32;
}

void hx_expect_ev(unsigned i, uint16_t kind, uint32_t partition, uint64_t target)
{
	cr_assert_lt(i, hx_ev_count, "event %u missing (%u events)", i, hx_ev_count);
	cr_assert_eq(hx_ev[i].kind, kind, "event %u kind %u, want %u", i, hx_ev[i].kind, kind);
	cr_assert_eq(hx_ev[i].partition, partition, "event %u partition", i);
	cr_assert_eq(hx_ev[i].target, target, "event %u target", i);
	/* bytes beyond args_len are zero: the digest is canonical */
	for (unsigned k = hx_ev[i].args_len; k < RVX_HYP_EVENT_ARGS_MAX; k++)
		cr_assert_eq(hx_ev[i].args[k], 0);
}
