/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Queue self-tests (lib/queue): inline round trip, priorities served highest
 * first and FIFO within a level, full and empty, message size and header
 * validation, a short receive buffer, completions, and a zero-copy
 * descriptor checked against a region. Refused calls must leave the queue
 * and its storage byte for byte as they were.
 */
#include "ruvix/queue.h"
#include "ruvix/region.h"
#include "st_internal.h"

#define SLOTS 4u
#define PAYLOAD 32u

static struct {
	struct rvx_queue q;
	alignas(RVX_QUEUE_STORAGE_ALIGN) uint8_t storage[RVX_QUEUE_STORAGE_SIZE(SLOTS, PAYLOAD)];
} w, snap;

static void take(void)
{
	memcpy(&snap, &w, sizeof(w));
}

#define UNCHANGED() ST_MEM_EQ(&snap, &w, sizeof(w))

static bool setup(void)
{
	memset(&w, 0, sizeof(w));
	return rvx_queue_init(&w.q, w.storage, sizeof(w.storage), SLOTS, PAYLOAD) == 0;
}

static struct rvx_queue_msg_hdr hdr(uint32_t type, uint32_t len, uint8_t prio)
{
	struct rvx_queue_msg_hdr h;

	memset(&h, 0, sizeof(h));
	h.type_id = type;
	h.length = len;
	h.priority = prio;
	h.coherence = RVX_QUEUE_COHERENCE_ONE;
	h.witness[0] = 0xAB;
	return h;
}

static void inline_round_trip(void)
{
	struct rvx_queue_msg_hdr h = hdr(42, 11, 1), got;
	char buf[PAYLOAD];

	ST_TRUE(setup());
	ST_EQ(rvx_queue_send(&w.q, &h, "hello queue"), 0);
	ST_EQ(rvx_queue_count_total(&w.q), 1);
	ST_EQ(rvx_queue_recv(&w.q, &got, buf, sizeof(buf)), 11);
	ST_MEM_EQ(&got, &h, sizeof(h));
	ST_MEM_EQ(buf, "hello queue", 11);
	ST_EQ(rvx_queue_count_total(&w.q), 0);
}

static void priority_order(void)
{
	struct rvx_queue_msg_hdr got;
	uint8_t sent[] = {0, 3, 1, 3, 0}, want[] = {3, 3, 1, 0, 0};
	uint32_t seq_want[] = {1, 3, 2, 0, 4};
	uint32_t seq;

	ST_TRUE(setup());
	for (uint32_t i = 0; i < sizeof(sent); i++) {
		struct rvx_queue_msg_hdr h = hdr(7, sizeof(i), sent[i]);
		ST_EQ(rvx_queue_send(&w.q, &h, &i), 0);
	}
	/* Highest level first, oldest first within a level. */
	for (uint32_t i = 0; i < sizeof(want); i++) {
		ST_EQ(rvx_queue_recv(&w.q, &got, &seq, sizeof(seq)), sizeof(seq));
		ST_EQ(got.priority, want[i]);
		ST_EQ(seq, seq_want[i]);
	}
}

static void full_and_empty(void)
{
	struct rvx_queue_msg_hdr h = hdr(1, 1, 2), hi = hdr(1, 1, 3), got;
	uint8_t b = 0;

	ST_TRUE(setup());
	take();
	ST_EQ(rvx_queue_recv(&w.q, &got, &b, 1), -RVX_EEMPTY);
	UNCHANGED();
	for (uint32_t i = 0; i < SLOTS; i++)
		ST_EQ(rvx_queue_send(&w.q, &h, &b), 0);
	take();
	ST_EQ(rvx_queue_send(&w.q, &h, &b), -RVX_EFULL);
	UNCHANGED();
	/* A full level does not block another. */
	ST_EQ(rvx_queue_send(&w.q, &hi, &b), 0);
	ST_EQ(rvx_queue_count(&w.q, 2), (int)SLOTS);
	ST_EQ(rvx_queue_count(&w.q, 3), 1);
}

static void header_validation(void)
{
	uint8_t big[PAYLOAD + 1];
	struct rvx_queue_msg_hdr h;

	ST_TRUE(setup());
	memset(big, 0x5A, sizeof(big));
	take();
	h = hdr(1, PAYLOAD + 1, 0);
	ST_EQ(rvx_queue_send(&w.q, &h, big), -RVX_EMSGSIZE);
	h = hdr(1, 1, RVX_QUEUE_PRIORITIES);
	ST_EQ(rvx_queue_send(&w.q, &h, big), -RVX_EINVAL);
	h = hdr(1, 1, 0);
	h.reserved = 1;
	ST_EQ(rvx_queue_send(&w.q, &h, big), -RVX_EINVAL);
	h = hdr(1, 1, 0);
	h.flags = 0x80;
	ST_EQ(rvx_queue_send(&w.q, &h, big), -RVX_EINVAL);
	h = hdr(1, 4, 0);
	h.flags = RVX_QUEUE_MSG_DESC; /* a descriptor is exactly 16 bytes */
	ST_EQ(rvx_queue_send(&w.q, &h, big), -RVX_EINVAL);
	UNCHANGED();
}

static void short_buffer_keeps_message(void)
{
	struct rvx_queue_msg_hdr h = hdr(9, 20, 0), got;
	uint8_t small[8], buf[PAYLOAD];

	ST_TRUE(setup());
	ST_EQ(rvx_queue_send(&w.q, &h, "twenty bytes of data"), 0);
	take();
	ST_EQ(rvx_queue_recv(&w.q, &got, small, sizeof(small)), -RVX_EBUFSMALL);
	UNCHANGED();
	/* The header still tells the caller how much room it needs. */
	ST_EQ(got.length, 20);
	ST_EQ(rvx_queue_recv(&w.q, &got, buf, sizeof(buf)), 20);
	ST_MEM_EQ(buf, "twenty bytes of data", 20);
}

static void completions(void)
{
	struct rvx_queue_cqe c = {0xC0FFEE, -RVX_ENOENT, 5}, got;

	ST_TRUE(setup());
	take();
	ST_EQ(rvx_queue_reap(&w.q, &got), -RVX_EEMPTY);
	UNCHANGED();
	ST_EQ(rvx_queue_complete(&w.q, &c), 0);
	ST_EQ(rvx_queue_completion_count(&w.q), 1);
	ST_EQ(rvx_queue_reap(&w.q, &got), 0);
	ST_EQ(got.user_data, 0xC0FFEE);
	ST_EQ(got.result, -RVX_ENOENT);
	ST_EQ(got.flags, 5);
	for (uint32_t i = 0; i < SLOTS; i++)
		ST_EQ(rvx_queue_complete(&w.q, &c), 0);
	ST_EQ(rvx_queue_complete(&w.q, &c), -RVX_EFULL);
}

static struct rvx_region shared;
static alignas(RVX_REGION_ALIGN) uint8_t shared_mem[64];

static void zero_copy_descriptor(void)
{
	struct rvx_queue_desc d = {0x10001, 8, 16}, got_d;
	struct rvx_queue_msg_hdr h = hdr(3, sizeof(d), 2), got;
	const void *p;
	uint64_t off;

	ST_TRUE(setup());
	ST_EQ(rvx_region_init_append(&shared, shared_mem, sizeof(shared_mem)), 0);
	ST_EQ(rvx_region_append(&shared, "headers.payload of sixteen", 26, &off), 0);
	h.flags = RVX_QUEUE_MSG_DESC;
	ST_EQ(rvx_queue_send(&w.q, &h, &d), 0);
	ST_EQ(rvx_queue_recv(&w.q, &got, &got_d, sizeof(got_d)), (int)sizeof(got_d));
	ST_EQ(got.flags, RVX_QUEUE_MSG_DESC);
	/* The receiver validates the untrusted descriptor against the region. */
	ST_EQ(rvx_region_desc_check(&shared, got_d.offset, got_d.length, &p), 0);
	ST_MEM_EQ(p, "payload of sixteen", 16);
	ST_EQ(rvx_region_desc_check(&shared, got_d.offset + 8, got_d.length, &p), -RVX_EBADDESC);
}

const struct st_case st_queue_cases[] = {
	{"queue", "inline_round_trip", inline_round_trip},
	{"queue", "priority_order", priority_order},
	{"queue", "full_and_empty", full_and_empty},
	{"queue", "header_validation", header_validation},
	{"queue", "short_buffer_keeps_message", short_buffer_keeps_message},
	{"queue", "completions", completions},
	{"queue", "zero_copy_descriptor", zero_copy_descriptor},
};
const uint32_t st_queue_case_count = RVX_ARRAY_COUNT(st_queue_cases);
