/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of ruvix/queue.h on one thread: every public function's
 * success case and each documented error, with a byte-for-byte check that
 * a failed call changed neither the queue nor its storage; priorities,
 * descriptors, index wrap-around and a randomised run against a reference
 * model. Each Criterion test runs in its own process, so the file-scope
 * queue and storage start fresh every time.
 */
#include <criterion/criterion.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "queue_internal.h"
#include "ruvix/queue.h"

#define SLOTS 4u
#define PAYLOAD 40u
/* Level @p n folded into the configured number of levels, so the tests also
 * build and run with RVX_CONFIG_QUEUE_PRIORITIES other than 4. */
#define LVL(n) ((uint8_t)((n) % RVX_QUEUE_PRIORITIES))
/* The highest level. */
#define TOP ((uint8_t)(RVX_QUEUE_PRIORITIES - 1))

static alignas(64) uint8_t storage[RVX_QUEUE_STORAGE_SIZE(SLOTS, PAYLOAD)];
static struct rvx_queue q;

/* A copy of the queue and its storage, taken before a call that must fail. */
static struct rvx_queue snap_q;
static uint8_t snap_storage[sizeof(storage)];

static void snap_take(void)
{
	memcpy(&snap_q, &q, sizeof(q));
	memcpy(snap_storage, storage, sizeof(storage));
}

static void snap_assert_unchanged(const char *what)
{
	cr_assert(memcmp(&snap_q, &q, sizeof(q)) == 0, "%s changed the queue struct", what);
	cr_assert(memcmp(snap_storage, storage, sizeof(storage)) == 0,
		  "%s changed the queue storage", what);
}

static void setup(void)
{
	cr_assert_eq(rvx_queue_init(&q, storage, sizeof(storage), SLOTS, PAYLOAD), 0);
}

static struct rvx_queue_msg_hdr make_hdr(uint32_t type_id, uint8_t prio, uint32_t len)
{
	struct rvx_queue_msg_hdr h;

	memset(&h, 0, sizeof(h));
	h.type_id = type_id;
	h.length = len;
	h.priority = prio;
	h.coherence = RVX_QUEUE_COHERENCE_ONE / 2u + type_id;
	for (unsigned i = 0; i < RVX_QUEUE_WITNESS_BYTES; i++)
		h.witness[i] = (uint8_t)(type_id * 31u + i);
	return h;
}

/* Send a message whose payload is @p len bytes derived from @p type_id. */
static int send_msg(uint32_t type_id, uint8_t prio, uint32_t len)
{
	struct rvx_queue_msg_hdr h = make_hdr(type_id, prio, len);
	uint8_t payload[RVX_QUEUE_PAYLOAD_MAX < 256 ? RVX_QUEUE_PAYLOAD_MAX : 256];

	for (uint32_t i = 0; i < len && i < sizeof(payload); i++)
		payload[i] = (uint8_t)(type_id ^ (i * 7u));
	return rvx_queue_send(&q, &h, payload);
}

/* Receive one message and check it is the one send_msg(type_id, prio, len) made. */
static void expect_msg(uint32_t type_id, uint8_t prio, uint32_t len)
{
	struct rvx_queue_msg_hdr h, want = make_hdr(type_id, prio, len);
	uint8_t buf[PAYLOAD];

	int ret = rvx_queue_recv(&q, &h, buf, sizeof(buf));
	cr_assert_eq(ret, (int)len, "recv returned %d, want %u (type %u)", ret, len, type_id);
	cr_assert(memcmp(&h, &want, sizeof(h)) == 0, "header of type %u differs", type_id);
	for (uint32_t i = 0; i < len; i++)
		cr_assert_eq(buf[i], (uint8_t)(type_id ^ (i * 7u)), "payload byte %u of type %u", i,
			     type_id);
}

/*
 * Whether the inline data path sees the size of a local object. Only in an
 * optimised build: without optimisation the compiler does not fold
 * __builtin_object_size() inside inlined code, even where the caller
 * (@p here) can.
 */
static bool object_sizes_known(bool here)
{
#ifdef __OPTIMIZE__
	return here;
#else
	(void)here;
	return false;
#endif
}

/* ---- ABI and layout ---------------------------------------------------- */

Test(queue, abi_sizes_and_layout)
{
	cr_assert_eq(sizeof(struct rvx_queue_msg_hdr), 32u);
	cr_assert_eq(sizeof(struct rvx_queue_desc), 16u);
	cr_assert_eq(sizeof(struct rvx_queue_cqe), 16u);
	/* A slot is its 16-byte tag field, the header and the payload, padded
	 * to 64 bytes or to whole cache lines so no slot straddles a line. */
	cr_assert_eq(RVX_QUEUE_SLOT_TAG_BYTES, 16);
	cr_assert_eq(RVX_QUEUE_SLOT_SIZE(0), 64u);
	cr_assert_eq(RVX_QUEUE_SLOT_SIZE(1), 64u);
	cr_assert_eq(RVX_QUEUE_SLOT_SIZE(16), 64u);
	if (RVX_CONFIG_CACHE_LINE == 64) {
		cr_assert_eq(RVX_QUEUE_SLOT_SIZE(17), 128u);
		cr_assert_eq(RVX_QUEUE_SLOT_SIZE(80), 128u);
		cr_assert_eq(RVX_QUEUE_SLOT_SIZE(81), 192u);
	}
	cr_assert_eq(RVX_QUEUE_CQ_SLOT_SIZE, 32u);
	cr_assert_eq(RVX_QUEUE_STORAGE_ALIGN, RVX_CONFIG_CACHE_LINE);
	/* Each ring end owns whole cache lines: no line is written by both CPUs. */
	cr_assert_eq(sizeof(struct rvx_queue_end), (size_t)RVX_CONFIG_CACHE_LINE);
	cr_assert_eq(alignof(struct rvx_queue), (size_t)RVX_CONFIG_CACHE_LINE);
	cr_assert_eq(sizeof(struct rvx_queue),
		     offsetof(struct rvx_queue, sq) +
			     (size_t)RVX_CONFIG_CACHE_LINE * 2u * (RVX_QUEUE_PRIORITIES + 1u));
	if (RVX_CONFIG_CACHE_LINE == 64 && RVX_QUEUE_PRIORITIES == 4)
		cr_assert_eq(sizeof(struct rvx_queue), 704u);
	for (unsigned p = 0; p < RVX_QUEUE_PRIORITIES; p++) {
		cr_assert_eq((uintptr_t)&q.sq[p].tx % RVX_CONFIG_CACHE_LINE, 0u);
		cr_assert_eq((uintptr_t)&q.sq[p].rx % RVX_CONFIG_CACHE_LINE, 0u);
	}
	cr_assert_eq((uintptr_t)&q.cq.tx % RVX_CONFIG_CACHE_LINE, 0u);
	cr_assert_eq((uintptr_t)&q.cq.rx % RVX_CONFIG_CACHE_LINE, 0u);
}

/* ---- rvx_queue_storage_size --------------------------------------------- */

Test(queue, storage_size_matches_macro)
{
	static const uint32_t counts[] = {2, 4, 64, 1024, RVX_QUEUE_SLOTS_MAX};
	static const uint32_t payloads[] = {0, 1, 8, 16, 100, RVX_QUEUE_PAYLOAD_MAX};

	for (unsigned i = 0; i < RVX_ARRAY_COUNT(counts); i++)
		for (unsigned j = 0; j < RVX_ARRAY_COUNT(payloads); j++)
			cr_assert_eq(rvx_queue_storage_size(counts[i], payloads[j]),
				     RVX_QUEUE_STORAGE_SIZE(counts[i], payloads[j]), "%u x %u",
				     counts[i], payloads[j]);
	/* 4 slots: 4 completion slots of 32 + levels x 4 slots x (16 + 32 + 48,
	 * padded to 128). */
	if (RVX_CONFIG_CACHE_LINE == 64)
		cr_assert_eq(rvx_queue_storage_size(4, 40),
			     4u * 32u + (size_t)RVX_QUEUE_PRIORITIES * 4u * 128u);
}

Test(queue, storage_size_invalid_is_zero)
{
	cr_assert_eq(rvx_queue_storage_size(0, 8), 0u);
	cr_assert_eq(rvx_queue_storage_size(1, 8), 0u);
	cr_assert_eq(rvx_queue_storage_size(3, 8), 0u);
	cr_assert_eq(rvx_queue_storage_size(96, 8), 0u);
	cr_assert_eq(rvx_queue_storage_size(RVX_QUEUE_SLOTS_MAX * 2u, 8), 0u);
	cr_assert_eq(rvx_queue_storage_size(UINT32_MAX, 8), 0u);
	cr_assert_eq(rvx_queue_storage_size(4, RVX_QUEUE_PAYLOAD_MAX + 1u), 0u);
	cr_assert_eq(rvx_queue_storage_size(4, UINT32_MAX), 0u);
}

/* ---- rvx_queue_init and RVX_QUEUE_DEFINE ------------------------------- */

Test(queue, init_success)
{
	memset(storage, 0xa5, sizeof(storage));
	memset(&q, 0xa5, sizeof(q));
	cr_assert_eq(rvx_queue_init(&q, storage, sizeof(storage), SLOTS, PAYLOAD), 0);
	cr_assert_eq(rvx_queue_capacity(&q), SLOTS);
	cr_assert_eq(rvx_queue_max_payload(&q), PAYLOAD);
	cr_assert_eq(rvx_queue_count_total(&q), 0u);
	cr_assert_eq(rvx_queue_completion_count(&q), 0u);
	for (unsigned p = 0; p < RVX_QUEUE_PRIORITIES; p++)
		cr_assert_eq(rvx_queue_count(&q, p), 0);
	/* The storage is zeroed, so identical queues are identical bytes. */
	for (size_t i = 0; i < sizeof(storage); i++)
		cr_assert_eq(storage[i], 0, "storage byte %zu not zeroed", i);

	struct rvx_queue_msg_hdr h;
	cr_assert_eq(rvx_queue_recv(&q, &h, NULL, 0), -RVX_EEMPTY);
}

Test(queue, init_exact_storage_and_larger)
{
	/* Exactly enough storage for a smaller queue inside the test buffer. */
	size_t need = rvx_queue_storage_size(2, 0);
	cr_assert_eq(rvx_queue_init(&q, storage, need, 2, 0), 0);
	cr_assert_eq(rvx_queue_capacity(&q), 2u);
	cr_assert_eq(rvx_queue_max_payload(&q), 0u);
	cr_assert_eq(rvx_queue_init(&q, storage, sizeof(storage), 2, 0), 0);
}

/* Run an init that must fail with @p want and prove it touched nothing. */
static void init_must_fail(void *st, size_t size, uint32_t count, uint32_t payload, int want,
			   const char *what)
{
	memset(&q, 0x5a, sizeof(q));
	memset(storage, 0xc3, sizeof(storage));
	/* before: q and storage hold patterns */
	snap_take();
	cr_assert_eq(rvx_queue_init(&q, st, size, count, payload), want, "%s", what);
	/* after: the same patterns */
	snap_assert_unchanged(what);
}

Test(queue, init_einval_slot_count)
{
	init_must_fail(storage, sizeof(storage), 0, 8, -RVX_EINVAL, "0 slots");
	init_must_fail(storage, sizeof(storage), 1, 8, -RVX_EINVAL, "1 slot");
	init_must_fail(storage, sizeof(storage), 3, 8, -RVX_EINVAL, "3 slots");
	init_must_fail(storage, sizeof(storage), RVX_QUEUE_SLOTS_MAX * 2u, 8, -RVX_EINVAL,
		       "too many slots");
}

Test(queue, init_einval_payload)
{
	init_must_fail(storage, sizeof(storage), 2, RVX_QUEUE_PAYLOAD_MAX + 1u, -RVX_EINVAL,
		       "payload too large");
}

Test(queue, init_einval_storage)
{
	init_must_fail(NULL, sizeof(storage), SLOTS, PAYLOAD, -RVX_EINVAL, "NULL storage");
	init_must_fail(storage + 8, sizeof(storage) - 8, 2, 0, -RVX_EINVAL, "8-aligned storage");
	/* Slots must start on cache lines, so 16-byte alignment is not enough. */
	init_must_fail(storage + 16, sizeof(storage) - 16, 2, 0, -RVX_EINVAL, "16-aligned storage");
	init_must_fail(storage + 1, sizeof(storage) - 1, 2, 0, -RVX_EINVAL, "odd storage");
}

Test(queue, init_enomem)
{
	init_must_fail(storage, sizeof(storage) - 1, SLOTS, PAYLOAD, -RVX_ENOMEM, "one byte short");
	init_must_fail(storage, 0, 2, 0, -RVX_ENOMEM, "no storage");
	/* Valid parameters whose storage is far larger than what is given:
	 * nothing may be written beyond (or within) the buffer. */
	init_must_fail(storage, sizeof(storage), RVX_QUEUE_SLOTS_MAX, RVX_QUEUE_PAYLOAD_MAX,
		       -RVX_ENOMEM, "huge queue");
}

RVX_QUEUE_DEFINE(static_q, 8, 24);

Test(queue, define_is_ready_and_equals_init)
{
	_Static_assert(sizeof(static_q_storage) == RVX_QUEUE_STORAGE_SIZE(8, 24), "size");
	cr_assert_eq((uintptr_t)static_q_storage % RVX_QUEUE_STORAGE_ALIGN, 0u);
	cr_assert_eq(rvx_queue_capacity(&static_q), 8u);
	cr_assert_eq(rvx_queue_max_payload(&static_q), 24u);

	/* An initialised queue on the same storage is the same bytes. */
	struct rvx_queue other;
	memset(&other, 0xee, sizeof(other));
	cr_assert_eq(rvx_queue_init(&other, static_q_storage, sizeof(static_q_storage), 8, 24), 0);
	cr_assert(memcmp(&other, &static_q, sizeof(other)) == 0);

	/* And it works without any init call. */
	struct rvx_queue_msg_hdr h = make_hdr(9, LVL(1), 3), out;
	uint8_t buf[24];
	cr_assert_eq(rvx_queue_send(&static_q, &h, "abc"), 0);
	cr_assert_eq(rvx_queue_recv(&static_q, &out, buf, sizeof(buf)), 3);
	cr_assert(memcmp(&h, &out, sizeof(h)) == 0);
	cr_assert(memcmp(buf, "abc", 3) == 0);
}

/* ---- rvx_queue_send ---------------------------------------------------- */

Test(queue, send_success, .init = setup)
{
	cr_assert_eq(send_msg(1, LVL(2), 5), 0);
	cr_assert_eq(rvx_queue_count(&q, LVL(2)), 1);
	cr_assert_eq(rvx_queue_count_total(&q), 1u);
	/* The header lands verbatim in the first slot of its level, after the
	 * slot's tag, which now says "index 0 is here" (index + 1). */
	struct rvx_queue_msg_hdr want = make_hdr(1, LVL(2), 5);
	const uint8_t *slot = storage + LVL(2) * SLOTS * RVX_QUEUE_SLOT_SIZE(PAYLOAD);
	uint32_t tag;
	memcpy(&tag, slot, sizeof(tag));
	cr_assert_eq(tag, 1u);
	cr_assert(memcmp(slot + RVX_QUEUE_SLOT_TAG_BYTES, &want, sizeof(want)) == 0);
	cr_assert_eq((uintptr_t)slot % RVX_CONFIG_CACHE_LINE, 0u);
	expect_msg(1, LVL(2), 5);
	cr_assert_eq(rvx_queue_count_total(&q), 0u);
}

Test(queue, send_empty_payload_null_pointer, .init = setup)
{
	struct rvx_queue_msg_hdr h = make_hdr(77, 0, 0), out;

	cr_assert_eq(rvx_queue_send(&q, &h, NULL), 0);
	cr_assert_eq(rvx_queue_recv(&q, &out, NULL, 0), 0);
	cr_assert(memcmp(&h, &out, sizeof(h)) == 0);
}

Test(queue, send_max_payload, .init = setup)
{
	cr_assert_eq(send_msg(3, 0, PAYLOAD), 0);
	expect_msg(3, 0, PAYLOAD);
}

/* Send @p h, which must fail with @p want, and prove nothing changed. */
static void send_must_fail(const struct rvx_queue_msg_hdr *h, const void *payload, int want,
			   const char *what)
{
	/* before: snapshot */
	snap_take();
	cr_assert_eq(rvx_queue_send(&q, h, payload), want, "%s", what);
	/* after: identical */
	snap_assert_unchanged(what);
}

Test(queue, send_efull, .init = setup)
{
	uint8_t payload[8] = {0};
	struct rvx_queue_msg_hdr h = make_hdr(100, TOP, 8);

	for (uint32_t i = 0; i < SLOTS; i++)
		cr_assert_eq(send_msg(i, TOP, 8), 0);
	cr_assert_eq(rvx_queue_count(&q, TOP), (int)SLOTS);
	send_must_fail(&h, payload, -RVX_EFULL, "send to a full ring");
	/* Only that level is full: the others still accept. */
	if (RVX_QUEUE_PRIORITIES > 1)
		cr_assert_eq(send_msg(50, 0, 1), 0);
}

Test(queue, send_efull_then_room_after_recv, .init = setup)
{
	for (uint32_t i = 0; i < SLOTS; i++)
		cr_assert_eq(send_msg(i, 0, 4), 0);
	cr_assert_eq(send_msg(99, 0, 4), -RVX_EFULL);
	/* The producer's cached head is stale now; the next send must see
	 * the freed slot by re-reading the consumer's head. */
	expect_msg(0, 0, 4);
	cr_assert_eq(send_msg(SLOTS, 0, 4), 0);
	cr_assert_eq(send_msg(99, 0, 4), -RVX_EFULL);
	for (uint32_t i = 1; i <= SLOTS; i++)
		expect_msg(i, 0, 4);
}

Test(queue, send_emsgsize, .init = setup)
{
	uint8_t payload[PAYLOAD + 1] = {0};
	struct rvx_queue_msg_hdr h = make_hdr(1, 0, PAYLOAD + 1);

	send_must_fail(&h, payload, -RVX_EMSGSIZE, "payload one byte too long");
	h.length = UINT32_MAX;
	send_must_fail(&h, payload, -RVX_EMSGSIZE, "length UINT32_MAX");
}

Test(queue, send_einval_priority, .init = setup)
{
	uint8_t payload[4] = {0};
	struct rvx_queue_msg_hdr h = make_hdr(1, RVX_QUEUE_PRIORITIES, 4);

	send_must_fail(&h, payload, -RVX_EINVAL, "priority == levels");
	h.priority = 255;
	send_must_fail(&h, payload, -RVX_EINVAL, "priority 255");
}

Test(queue, send_einval_reserved, .init = setup)
{
	uint8_t payload[4] = {0};
	struct rvx_queue_msg_hdr h = make_hdr(1, 0, 4);

	h.reserved = 1;
	send_must_fail(&h, payload, -RVX_EINVAL, "reserved != 0");
	h.reserved = 0x8000;
	send_must_fail(&h, payload, -RVX_EINVAL, "reserved high bit");
}

Test(queue, send_einval_unknown_flags, .init = setup)
{
	uint8_t payload[4] = {0};
	struct rvx_queue_msg_hdr h = make_hdr(1, 0, 4);

	h.flags = 0x02;
	send_must_fail(&h, payload, -RVX_EINVAL, "flag 0x02");
	h.flags = 0x80;
	send_must_fail(&h, payload, -RVX_EINVAL, "flag 0x80");
}

Test(queue, send_einval_descriptor_length, .init = setup)
{
	struct rvx_queue_desc d = {.region = 1, .offset = 0, .length = 4};
	struct rvx_queue_msg_hdr h = make_hdr(1, 0, 8);

	h.flags = RVX_QUEUE_MSG_DESC;
	send_must_fail(&h, &d, -RVX_EINVAL, "descriptor of 8 bytes");
	h.length = 0;
	send_must_fail(&h, &d, -RVX_EINVAL, "descriptor of 0 bytes");
	h.length = sizeof(d) + 1u;
	send_must_fail(&h, &d, -RVX_EINVAL, "descriptor of 17 bytes");
}

Test(queue, send_einval_payload_object_too_small, .init = setup)
{
	/* Where the compiler can see the payload object, a length that
	 * overruns it is refused instead of read out of bounds. */
	uint32_t small = 7;
	struct rvx_queue_msg_hdr h = make_hdr(1, 0, 8);

	if (!object_sizes_known(__builtin_object_size(&small, 0) == sizeof(small)))
		cr_skip_test("this build does not see object sizes (no optimisation)");
	snap_take();
	cr_assert_eq(rvx_queue_send(&q, &h, &small), -RVX_EINVAL);
	snap_assert_unchanged("send overrunning its payload object");
	h.length = sizeof(small);
	cr_assert_eq(rvx_queue_send(&q, &h, &small), 0);
}

Test(queue, send_einval_null_payload_with_length, .init = setup)
{
	struct rvx_queue_msg_hdr h = make_hdr(1, 0, 4);

	send_must_fail(&h, NULL, -RVX_EINVAL, "NULL payload of 4 bytes");
	h.length = 0;
	cr_assert_eq(rvx_queue_send(&q, &h, NULL), 0);
}

Test(queue, send_einval_checked_before_full, .init = setup)
{
	/* Argument errors win over a full ring; either way nothing changes. */
	uint8_t payload[4] = {0};
	struct rvx_queue_msg_hdr h = make_hdr(1, 0, 4);

	for (uint32_t i = 0; i < SLOTS; i++)
		cr_assert_eq(send_msg(i, 0, 4), 0);
	h.reserved = 1;
	send_must_fail(&h, payload, -RVX_EINVAL, "bad header to a full ring");
	h.reserved = 0;
	h.length = PAYLOAD + 1;
	send_must_fail(&h, payload, -RVX_EMSGSIZE, "oversized to a full ring");
}

/* ---- rvx_queue_recv ---------------------------------------------------- */

Test(queue, recv_success_all_lengths, .init = setup)
{
	/* Every length from 0 to the maximum, so each copy path is used, and
	 * nothing past the length is written into the caller's buffer. */
	for (uint32_t len = 0; len <= PAYLOAD; len++) {
		struct rvx_queue_msg_hdr h;
		uint8_t buf[PAYLOAD + 8];

		cr_assert_eq(send_msg(len + 1000u, (uint8_t)(len % RVX_QUEUE_PRIORITIES), len), 0);
		memset(buf, 0xcd, sizeof(buf));
		cr_assert_eq(rvx_queue_recv(&q, &h, buf, sizeof(buf)), (int)len);
		cr_assert_eq(h.type_id, len + 1000u);
		cr_assert_eq(h.length, len);
		for (uint32_t i = 0; i < len; i++)
			cr_assert_eq(buf[i], (uint8_t)((len + 1000u) ^ (i * 7u)), "len %u byte %u",
				     len, i);
		for (uint32_t i = len; i < sizeof(buf); i++)
			cr_assert_eq(buf[i], 0xcd, "len %u wrote byte %u", len, i);
	}
}

Test(queue, recv_buffer_exactly_length, .init = setup)
{
	struct rvx_queue_msg_hdr h;
	uint8_t buf[7];

	cr_assert_eq(send_msg(5, 0, 7), 0);
	cr_assert_eq(rvx_queue_recv(&q, &h, buf, 7), 7);
	cr_assert_eq(buf[6], (uint8_t)(5u ^ 42u));
}

Test(queue, recv_eempty, .init = setup)
{
	struct rvx_queue_msg_hdr h;
	uint8_t buf[8];

	/* before: fresh queue */
	snap_take();
	cr_assert_eq(rvx_queue_recv(&q, &h, buf, sizeof(buf)), -RVX_EEMPTY);
	/* after: unchanged */
	snap_assert_unchanged("recv from an empty queue");

	/* Empty again after traffic (the consumer's cached tail is now
	 * non-zero and must not be confused with a message). */
	cr_assert_eq(send_msg(1, TOP, 1), 0);
	expect_msg(1, TOP, 1);
	snap_take();
	cr_assert_eq(rvx_queue_recv(&q, &h, buf, sizeof(buf)), -RVX_EEMPTY);
	snap_assert_unchanged("recv from a drained queue");
}

Test(queue, recv_ebufsmall, .init = setup)
{
	struct rvx_queue_msg_hdr h, want = make_hdr(4, LVL(1), 12);
	uint8_t buf[12];

	cr_assert_eq(send_msg(4, LVL(1), 12), 0);
	memset(buf, 0x11, sizeof(buf));
	/* before: one message of 12 bytes queued */
	snap_take();
	cr_assert_eq(rvx_queue_recv(&q, &h, buf, 11), -RVX_EBUFSMALL);
	/* after: still queued, nothing consumed, buffer untouched */
	snap_assert_unchanged("recv into a short buffer");
	cr_assert(memcmp(&h, &want, sizeof(h)) == 0, "header tells the length needed");
	for (unsigned i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0x11);
	cr_assert_eq(rvx_queue_recv(&q, &h, NULL, 0), -RVX_EBUFSMALL);
	snap_assert_unchanged("recv into no buffer");
	cr_assert_eq(rvx_queue_count(&q, LVL(1)), 1);
	expect_msg(4, LVL(1), 12);
}

Test(queue, recv_ebufsmall_null_buffer, .init = setup)
{
	/* A NULL buffer holds nothing, whatever buf_size claims. */
	struct rvx_queue_msg_hdr h;

	cr_assert_eq(send_msg(2, TOP, 1), 0);
	snap_take();
	cr_assert_eq(rvx_queue_recv(&q, &h, NULL, 64), -RVX_EBUFSMALL);
	snap_assert_unchanged("recv into NULL");
	cr_assert_eq(h.length, 1u);
	expect_msg(2, TOP, 1);
}

Test(queue, recv_ebufsmall_object_smaller_than_buf_size, .init = setup)
{
	/* A buf_size that overstates a buffer the compiler can see is caught
	 * as a buffer too small, not written out of bounds. */
	struct rvx_queue_msg_hdr h;
	uint32_t small = 0x01020304;

	if (!object_sizes_known(__builtin_object_size(&small, 0) == sizeof(small)))
		cr_skip_test("this build does not see object sizes (no optimisation)");
	cr_assert_eq(send_msg(6, 0, 8), 0);
	snap_take();
	cr_assert_eq(rvx_queue_recv(&q, &h, &small, 8), -RVX_EBUFSMALL);
	snap_assert_unchanged("recv overrunning its buffer object");
	cr_assert_eq(small, 0x01020304u);
	expect_msg(6, 0, 8);
}

Test(queue, recv_ebufsmall_after_fresh_tail_read, .init = setup)
{
	/* The consumer's cached tail is stale (it has never looked), so recv
	 * reads the producer's tail; failing must not even store that. */
	struct rvx_queue_msg_hdr h;

	cr_assert_eq(send_msg(8, 0, 9), 0);
	cr_assert_eq(send_msg(9, 0, 9), 0);
	snap_take();
	cr_assert_eq(rvx_queue_recv(&q, &h, NULL, 0), -RVX_EBUFSMALL);
	snap_assert_unchanged("short-buffer recv");
	expect_msg(8, 0, 9);
	expect_msg(9, 0, 9);
}

/* ---- rvx_queue_peek ---------------------------------------------------- */

Test(queue, peek_success_consumes_nothing, .init = setup)
{
	struct rvx_queue_msg_hdr h, want = make_hdr(21, TOP, 6);

	if (RVX_QUEUE_PRIORITIES < 2)
		cr_skip_test("needs two levels");
	cr_assert_eq(send_msg(20, 0, 3), 0);
	cr_assert_eq(send_msg(21, TOP, 6), 0);
	/* before: two messages queued */
	snap_take();
	cr_assert_eq(rvx_queue_peek(&q, &h), 6);
	/* after: peek writes nothing, even on success */
	snap_assert_unchanged("peek");
	cr_assert(memcmp(&h, &want, sizeof(h)) == 0, "peek shows the highest priority");
	expect_msg(21, TOP, 6);
	cr_assert_eq(rvx_queue_peek(&q, &h), 3);
	cr_assert_eq(h.type_id, 20u);
	expect_msg(20, 0, 3);
}

Test(queue, peek_eempty, .init = setup)
{
	struct rvx_queue_msg_hdr h;

	snap_take();
	cr_assert_eq(rvx_queue_peek(&q, &h), -RVX_EEMPTY);
	snap_assert_unchanged("peek on an empty queue");
}

/* ---- priorities -------------------------------------------------------- */

Test(queue, priorities_highest_first_fifo_within_level, .init = setup)
{
	/* Interleaved sends over every level (ids 1..n, level chosen by a
	 * fixed shuffle); receives must come out by level, highest first,
	 * and in sending order within a level. */
	enum { N = SLOTS * RVX_QUEUE_PRIORITIES };
	uint8_t level_of[N + 1];
	uint32_t sent_per_level[RVX_QUEUE_PRIORITIES] = {0};

	for (uint32_t id = 1; id <= N; id++) {
		uint8_t p = (uint8_t)((id * 7u + id / 3u) % RVX_QUEUE_PRIORITIES);
		if (sent_per_level[p] == SLOTS) /* keep within each level's capacity */
			for (p = 0; sent_per_level[p] == SLOTS; p++)
				;
		level_of[id] = p;
		sent_per_level[p]++;
		cr_assert_eq(send_msg(id, p, id % PAYLOAD), 0);
	}
	for (uint32_t p = 0; p < RVX_QUEUE_PRIORITIES; p++)
		cr_assert_eq(rvx_queue_count(&q, p), (int)sent_per_level[p]);
	cr_assert_eq(rvx_queue_count_total(&q), (uint32_t)N);
	for (int p = RVX_QUEUE_PRIORITIES - 1; p >= 0; p--)
		for (uint32_t id = 1; id <= N; id++)
			if (level_of[id] == p)
				expect_msg(id, (uint8_t)p, id % PAYLOAD);
	cr_assert_eq(rvx_queue_count_total(&q), 0u);
}

Test(queue, priorities_interleaved_example, .init = setup)
{
	/* A small hand-checked case: (id, level) sent in this order. */
	static const struct {
		uint32_t id;
		uint8_t prio;
	} sent[] = {{1, 0}, {2, 2}, {3, 1}, {4, 3}, {5, 0}, {6, 3}, {7, 2}, {8, 1}, {9, 0}};
	static const uint32_t order[] = {4, 6, 2, 7, 3, 8, 1, 5, 9};

	if (RVX_QUEUE_PRIORITIES != 4)
		cr_skip_test("written for the default 4 levels");
	for (unsigned i = 0; i < RVX_ARRAY_COUNT(sent); i++)
		cr_assert_eq(send_msg(sent[i].id, sent[i].prio % RVX_QUEUE_PRIORITIES, 1), 0);
	for (unsigned i = 0; i < RVX_ARRAY_COUNT(order); i++) {
		uint8_t prio = 0;
		for (unsigned j = 0; j < RVX_ARRAY_COUNT(sent); j++)
			if (sent[j].id == order[i])
				prio = sent[j].prio;
		expect_msg(order[i], prio, 1);
	}
}

Test(queue, priority_overtakes_cached_lower_level, .init = setup)
{
	/* The consumer has lower-level messages in its cache; a higher one
	 * sent afterwards must still come out next. */
	if (RVX_QUEUE_PRIORITIES < 3)
		cr_skip_test("needs three levels");
	cr_assert_eq(send_msg(1, 0, 1), 0);
	cr_assert_eq(send_msg(2, 0, 1), 0);
	cr_assert_eq(send_msg(3, 0, 1), 0);
	expect_msg(1, 0, 1); /* consumer now caches tail 3 of level 0 */
	cr_assert_eq(send_msg(4, TOP, 1), 0);
	expect_msg(4, TOP, 1);
	cr_assert_eq(send_msg(5, 1, 1), 0);
	expect_msg(5, 1, 1);
	expect_msg(2, 0, 1);
	expect_msg(3, 0, 1);
}

/* ---- descriptors ------------------------------------------------------- */

Test(queue, descriptor_round_trip, .init = setup)
{
	struct rvx_queue_desc d = {.region = 0x0000000700000003ull, .offset = 4096, .length = 1234};
	struct rvx_queue_desc got;
	struct rvx_queue_msg_hdr h = make_hdr(55, LVL(1), sizeof(d)), out;

	h.flags = RVX_QUEUE_MSG_DESC;
	cr_assert_eq(rvx_queue_send(&q, &h, &d), 0);
	memset(&got, 0, sizeof(got));
	cr_assert_eq(rvx_queue_recv(&q, &out, &got, sizeof(got)), (int)sizeof(got));
	cr_assert_eq(out.flags, RVX_QUEUE_MSG_DESC);
	cr_assert(memcmp(&h, &out, sizeof(h)) == 0);
	cr_assert_eq(got.region, d.region);
	cr_assert_eq(got.offset, d.offset);
	cr_assert_eq(got.length, d.length);
}

Test(queue, descriptor_needs_room_for_one)
{
	/* A queue whose inline payload is smaller than a descriptor refuses
	 * descriptor messages as too large, changing nothing. */
	struct rvx_queue_desc d = {.region = 1, .offset = 0, .length = 1};
	struct rvx_queue_msg_hdr h = make_hdr(1, 0, sizeof(d));

	cr_assert_eq(rvx_queue_init(&q, storage, sizeof(storage), SLOTS, 8), 0);
	h.flags = RVX_QUEUE_MSG_DESC;
	send_must_fail(&h, &d, -RVX_EMSGSIZE, "descriptor into an 8-byte queue");
}

/* ---- completion ring --------------------------------------------------- */

Test(queue, complete_and_reap_success, .init = setup)
{
	struct rvx_queue_cqe in[3] = {
		{.user_data = 0x1122334455667788ull, .result = 0, .flags = 1},
		{.user_data = 2, .result = -RVX_EINVAL, .flags = 0},
		{.user_data = UINT64_MAX, .result = INT32_MAX, .flags = UINT32_MAX},
	};
	struct rvx_queue_cqe out;

	for (unsigned i = 0; i < 3; i++)
		cr_assert_eq(rvx_queue_complete(&q, &in[i]), 0);
	cr_assert_eq(rvx_queue_completion_count(&q), 3u);
	/* The completion ring is independent of the message rings. */
	cr_assert_eq(rvx_queue_count_total(&q), 0u);
	for (unsigned i = 0; i < 3; i++) {
		cr_assert_eq(rvx_queue_reap(&q, &out), 0);
		cr_assert(memcmp(&out, &in[i], sizeof(out)) == 0, "completion %u", i);
	}
	cr_assert_eq(rvx_queue_completion_count(&q), 0u);
}

Test(queue, complete_efull, .init = setup)
{
	struct rvx_queue_cqe c = {.user_data = 9, .result = 1, .flags = 0};

	for (uint32_t i = 0; i < SLOTS; i++) {
		c.user_data = i;
		cr_assert_eq(rvx_queue_complete(&q, &c), 0);
	}
	/* before: completion ring full */
	snap_take();
	cr_assert_eq(rvx_queue_complete(&q, &c), -RVX_EFULL);
	/* after: unchanged */
	snap_assert_unchanged("complete into a full ring");
	/* Messages can still be sent. */
	cr_assert_eq(send_msg(1, 0, 1), 0);
	/* Reaping one makes room (through a refresh of the cached head). */
	struct rvx_queue_cqe out;
	cr_assert_eq(rvx_queue_reap(&q, &out), 0);
	cr_assert_eq(out.user_data, 0u);
	cr_assert_eq(rvx_queue_complete(&q, &c), 0);
}

Test(queue, reap_eempty, .init = setup)
{
	struct rvx_queue_cqe out;
	struct rvx_queue_cqe c = {.user_data = 1, .result = 0, .flags = 0};

	snap_take();
	cr_assert_eq(rvx_queue_reap(&q, &out), -RVX_EEMPTY);
	snap_assert_unchanged("reap from an empty ring");
	/* A queued message is not a completion. */
	cr_assert_eq(send_msg(1, 0, 1), 0);
	cr_assert_eq(rvx_queue_reap(&q, &out), -RVX_EEMPTY);
	cr_assert_eq(rvx_queue_complete(&q, &c), 0);
	cr_assert_eq(rvx_queue_reap(&q, &out), 0);
	snap_take();
	cr_assert_eq(rvx_queue_reap(&q, &out), -RVX_EEMPTY);
	snap_assert_unchanged("reap from a drained ring");
}

/* ---- introspection ----------------------------------------------------- */

Test(queue, count_success_and_einval, .init = setup)
{
	if (RVX_QUEUE_PRIORITIES < 3)
		cr_skip_test("needs three levels");
	cr_assert_eq(send_msg(1, 1, 1), 0);
	cr_assert_eq(send_msg(2, 1, 1), 0);
	cr_assert_eq(send_msg(3, TOP, 1), 0);
	cr_assert_eq(rvx_queue_count(&q, 0), 0);
	cr_assert_eq(rvx_queue_count(&q, 1), 2);
	cr_assert_eq(rvx_queue_count(&q, TOP), 1);
	cr_assert_eq(rvx_queue_count_total(&q), 3u);
	snap_take();
	cr_assert_eq(rvx_queue_count(&q, RVX_QUEUE_PRIORITIES), -RVX_EINVAL);
	cr_assert_eq(rvx_queue_count(&q, UINT32_MAX), -RVX_EINVAL);
	snap_assert_unchanged("count of a bad priority");
	cr_assert_eq(rvx_queue_capacity(&q), SLOTS);
	cr_assert_eq(rvx_queue_max_payload(&q), PAYLOAD);
}

/* ---- index wrap-around ------------------------------------------------- */

Test(queue, wrap_around_message_rings)
{
	/* Start every index 3 below the wrap; fill and drain each level a few
	 * times so head and tail each cross UINT32_MAX -> 0, with full and
	 * empty detected on both sides of it. */
	cr_assert_eq(rvx_queue_init_at_(&q, storage, sizeof(storage), SLOTS, PAYLOAD,
					UINT32_MAX - 2u),
		     0);
	for (uint8_t p = 0; p < RVX_QUEUE_PRIORITIES; p++) {
		uint32_t id = 0;
		for (unsigned round = 0; round < 3; round++) {
			for (uint32_t i = 0; i < SLOTS; i++)
				cr_assert_eq(send_msg(p * 100u + id + i, p, (id + i) % PAYLOAD), 0);
			cr_assert_eq(rvx_queue_count(&q, p), (int)SLOTS);
			snap_take();
			cr_assert_eq(send_msg(999, p, 1), -RVX_EFULL, "level %u round %u", p, round);
			snap_assert_unchanged("send to a full ring across the wrap");
			for (uint32_t i = 0; i < SLOTS; i++)
				expect_msg(p * 100u + id + i, p, (id + i) % PAYLOAD);
			struct rvx_queue_msg_hdr h;
			cr_assert_eq(rvx_queue_recv(&q, &h, NULL, 0), -RVX_EEMPTY);
			id += SLOTS;
		}
		/* The indices really did wrap. */
		cr_assert_lt(q.sq[p].tx.pos, 100u);
		cr_assert_lt(q.sq[p].rx.pos, 100u);
	}
}

Test(queue, wrap_around_half_full)
{
	/* Keep the ring half full while the indices cross the wrap, so the
	 * tail has wrapped while the head has not. */
	cr_assert_eq(rvx_queue_init_at_(&q, storage, sizeof(storage), SLOTS, PAYLOAD,
					UINT32_MAX - 1u),
		     0);
	cr_assert_eq(send_msg(0, LVL(2), 2), 0);
	cr_assert_eq(send_msg(1, LVL(2), 2), 0);
	for (uint32_t i = 2; i < 12; i++) {
		cr_assert_eq(send_msg(i, LVL(2), 2), 0);
		cr_assert_eq(rvx_queue_count(&q, LVL(2)), 3);
		expect_msg(i - 2, LVL(2), 2);
	}
	cr_assert_eq(rvx_queue_count(&q, LVL(2)), 2);
	cr_assert_eq(send_msg(20, LVL(2), 2), 0);
	cr_assert_eq(send_msg(21, LVL(2), 2), 0);
	cr_assert_eq(send_msg(22, LVL(2), 2), -RVX_EFULL);
}

Test(queue, wrap_around_completion_ring)
{
	struct rvx_queue_cqe c = {.user_data = 0, .result = 0, .flags = 0}, out;

	cr_assert_eq(rvx_queue_init_at_(&q, storage, sizeof(storage), SLOTS, PAYLOAD,
					UINT32_MAX - 2u),
		     0);
	uint64_t next_in = 0, next_out = 0;
	for (unsigned round = 0; round < 4; round++) {
		while (rvx_queue_complete(&q, &c) == 0)
			c.user_data = ++next_in;
		cr_assert_eq(rvx_queue_completion_count(&q), SLOTS);
		while (rvx_queue_reap(&q, &out) == 0)
			cr_assert_eq(out.user_data, next_out++);
		cr_assert_eq(rvx_queue_completion_count(&q), 0u);
	}
	cr_assert_eq(next_out, 4u * SLOTS);
	cr_assert_lt(q.cq.tx.pos, 100u);
}

Test(queue, init_at_checks_like_init)
{
	init_must_fail(storage, sizeof(storage), 3, 8, -RVX_EINVAL, "init_at_ 3 slots");
	memset(&q, 0x5a, sizeof(q));
	snap_take();
	cr_assert_eq(rvx_queue_init_at_(&q, storage, 1, SLOTS, PAYLOAD, 7), -RVX_ENOMEM);
	snap_assert_unchanged("init_at_ short storage");
}

/* ---- randomised run against a reference model -------------------------- */

struct model_msg {
	uint32_t id;
	uint32_t len;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

Test(queue, random_operations_match_model)
{
	/* Per-level FIFOs and a completion FIFO, each as an array with
	 * free-running indices, mirror what the queue must do. Every failing
	 * call is also checked to change nothing. */
	struct model_msg fifo[RVX_QUEUE_PRIORITIES][SLOTS];
	uint32_t head[RVX_QUEUE_PRIORITIES] = {0}, tail[RVX_QUEUE_PRIORITIES] = {0};
	uint64_t cq[SLOTS];
	uint32_t cq_head = 0, cq_tail = 0;
	uint32_t next_id = 1, next_user = 1;

	cr_assert_eq(rvx_queue_init_at_(&q, storage, sizeof(storage), SLOTS, PAYLOAD,
					UINT32_MAX - 40u),
		     0);
	for (unsigned step = 0; step < 20000; step++) {
		uint32_t op = rng() % 8u;

		if (op < 3) { /* send */
			uint8_t p = (uint8_t)(rng() % (RVX_QUEUE_PRIORITIES + 1u));
			uint32_t len = rng() % (PAYLOAD + 2u);
			int want = 0;
			if (p >= RVX_QUEUE_PRIORITIES)
				want = -RVX_EINVAL;
			else if (len > PAYLOAD)
				want = -RVX_EMSGSIZE;
			else if (tail[p] - head[p] == SLOTS)
				want = -RVX_EFULL;
			snap_take();
			int got = send_msg(next_id, p, len);
			cr_assert_eq(got, want, "step %u send", step);
			if (want != 0) {
				snap_assert_unchanged("random send");
				continue;
			}
			fifo[p][tail[p]++ % SLOTS] = (struct model_msg){next_id++, len};
		} else if (op < 5) { /* recv */
			int p;
			for (p = RVX_QUEUE_PRIORITIES - 1; p >= 0; p--)
				if (tail[p] != head[p])
					break;
			if (p < 0) {
				struct rvx_queue_msg_hdr h;
				snap_take();
				cr_assert_eq(rvx_queue_recv(&q, &h, NULL, 0), -RVX_EEMPTY);
				snap_assert_unchanged("random recv");
				continue;
			}
			struct model_msg m = fifo[p][head[p] % SLOTS];
			if (m.len > 0 && rng() % 4u == 0) {
				struct rvx_queue_msg_hdr h;
				uint8_t small[PAYLOAD];
				snap_take();
				cr_assert_eq(rvx_queue_recv(&q, &h, small, m.len - 1u), -RVX_EBUFSMALL);
				snap_assert_unchanged("random short recv");
				cr_assert_eq(h.type_id, m.id);
			}
			expect_msg(m.id, (uint8_t)p, m.len);
			head[p]++;
		} else if (op < 6) { /* peek */
			struct rvx_queue_msg_hdr h;
			int p;
			for (p = RVX_QUEUE_PRIORITIES - 1; p >= 0; p--)
				if (tail[p] != head[p])
					break;
			snap_take();
			int got = rvx_queue_peek(&q, &h);
			snap_assert_unchanged("random peek");
			if (p < 0) {
				cr_assert_eq(got, -RVX_EEMPTY);
			} else {
				cr_assert_eq(got, (int)fifo[p][head[p] % SLOTS].len);
				cr_assert_eq(h.type_id, fifo[p][head[p] % SLOTS].id);
			}
		} else if (op < 7) { /* complete */
			struct rvx_queue_cqe c = {.user_data = next_user, .result = 1, .flags = 2};
			snap_take();
			int got = rvx_queue_complete(&q, &c);
			if (cq_tail - cq_head == SLOTS) {
				cr_assert_eq(got, -RVX_EFULL);
				snap_assert_unchanged("random complete");
			} else {
				cr_assert_eq(got, 0);
				cq[cq_tail++ % SLOTS] = next_user++;
			}
		} else { /* reap */
			struct rvx_queue_cqe c;
			snap_take();
			int got = rvx_queue_reap(&q, &c);
			if (cq_tail == cq_head) {
				cr_assert_eq(got, -RVX_EEMPTY);
				snap_assert_unchanged("random reap");
			} else {
				cr_assert_eq(got, 0);
				cr_assert_eq(c.user_data, cq[cq_head++ % SLOTS]);
			}
		}
		uint32_t total = 0;
		for (unsigned p = 0; p < RVX_QUEUE_PRIORITIES; p++) {
			cr_assert_eq(rvx_queue_count(&q, p), (int)(tail[p] - head[p]));
			total += tail[p] - head[p];
		}
		cr_assert_eq(rvx_queue_count_total(&q), total);
		cr_assert_eq(rvx_queue_completion_count(&q), cq_tail - cq_head);
	}
	/* Enough traffic went through for every index to have wrapped. */
	for (unsigned p = 0; p < RVX_QUEUE_PRIORITIES; p++)
		cr_assert_lt(q.sq[p].rx.pos, UINT32_MAX - 40u, "level %u never wrapped", p);
	cr_assert_lt(q.cq.rx.pos, UINT32_MAX - 40u);
}

/* ---- rvx_queue_send_typed() and rvx_queue_recv_strict() -------------------- */

Test(queue, send_typed_success_equals_send, .init = setup)
{
	static alignas(64) uint8_t storage2[sizeof(storage)];
	struct rvx_queue q2;
	struct rvx_queue_msg_hdr h, got;
	uint8_t payload[PAYLOAD], buf[PAYLOAD];

	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13u + 1u);
	memset(&h, 0, sizeof(h));
	h.type_id = 0xa1b2c3d4u;
	h.length = 11;
	h.priority = TOP;
	h.coherence = 0x12345u;
	cr_assert_eq(rvx_queue_init(&q2, storage2, sizeof(storage2), SLOTS, PAYLOAD), 0);
	/* before: two empty queues of the same geometry */
	cr_assert_eq(rvx_queue_send_typed(&q, h.type_id, TOP, h.coherence, payload, 11), 0);
	cr_assert_eq(rvx_queue_send(&q2, &h, payload), 0);
	/* after: the same bytes in both storages (header with no flags and a
	 * zero witness, payload, tag) and the same ends */
	cr_assert(memcmp(storage, storage2, sizeof(storage)) == 0, "storage differs from send()");
	cr_assert(memcmp(&q.sq, &q2.sq, sizeof(q.sq)) == 0, "ring ends differ from send()");
	cr_assert_eq(rvx_queue_recv(&q, &got, buf, sizeof(buf)), 11);
	cr_assert(memcmp(&got, &h, sizeof(h)) == 0);
	cr_assert(memcmp(buf, payload, 11) == 0);
}

Test(queue, send_typed_all_lengths_round_trip, .init = setup)
{
	uint8_t payload[PAYLOAD], buf[PAYLOAD];
	struct rvx_queue_msg_hdr got;

	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(0x5au ^ i);
	for (uint32_t len = 0; len <= PAYLOAD; len++) {
		cr_assert_eq(rvx_queue_send_typed(&q, 7u + len, LVL(len), len * 3u,
						  len ? payload : NULL, len), 0);
		memset(buf, 0, sizeof(buf));
		cr_assert_eq(rvx_queue_recv(&q, &got, buf, sizeof(buf)), (int)len);
		cr_assert_eq(got.type_id, 7u + len);
		cr_assert_eq(got.length, len);
		cr_assert_eq(got.priority, LVL(len));
		cr_assert_eq(got.flags, 0);
		cr_assert_eq(got.reserved, 0);
		cr_assert_eq(got.coherence, len * 3u);
		for (unsigned i = 0; i < RVX_QUEUE_WITNESS_BYTES; i++)
			cr_assert_eq(got.witness[i], 0);
		cr_assert(memcmp(buf, payload, len) == 0, "payload of length %u", len);
	}
}

Test(queue, send_typed_errors_change_nothing, .init = setup)
{
	uint8_t payload[PAYLOAD + 1] = {1};

	cr_assert_eq(send_msg(1, LVL(0), 4), 0);
	/* before: one message queued */
	snap_take();
	cr_assert_eq(rvx_queue_send_typed(&q, 1, RVX_QUEUE_PRIORITIES, 0, payload, 4),
		     -RVX_EINVAL);
	snap_assert_unchanged("send_typed with a bad priority");
	cr_assert_eq(rvx_queue_send_typed(&q, 1, 0, 0, NULL, 4), -RVX_EINVAL);
	snap_assert_unchanged("send_typed with a NULL payload");
	cr_assert_eq(rvx_queue_send_typed(&q, 1, 0, 0, payload, PAYLOAD + 1), -RVX_EMSGSIZE);
	snap_assert_unchanged("send_typed above the maximum payload");
	/* after: still the one message */
	cr_assert_eq(rvx_queue_count_total(&q), 1);
	for (uint32_t i = 1; i < SLOTS; i++)
		cr_assert_eq(rvx_queue_send_typed(&q, 2, LVL(0), 0, payload, 1), 0);
	snap_take();
	cr_assert_eq(rvx_queue_send_typed(&q, 3, LVL(0), 0, payload, 1), -RVX_EFULL);
	snap_assert_unchanged("send_typed into a full ring");
}

Test(queue, recv_strict_success_eempty_ebufsmall, .init = setup)
{
	struct rvx_queue_msg_hdr h, untouched, want = make_hdr(6, LVL(2), 12);
	uint8_t buf[12];

	memset(&h, 0x77, sizeof(h));
	memcpy(&untouched, &h, sizeof(h));
	/* before: empty */
	snap_take();
	cr_assert_eq(rvx_queue_recv_strict(&q, &h, buf, sizeof(buf)), -RVX_EEMPTY);
	snap_assert_unchanged("recv_strict on an empty queue");
	cr_assert(memcmp(&h, &untouched, sizeof(h)) == 0, "header written on EEMPTY");
	cr_assert_eq(send_msg(6, LVL(2), 12), 0);
	memset(buf, 0x11, sizeof(buf));
	snap_take();
	cr_assert_eq(rvx_queue_recv_strict(&q, &h, buf, 11), -RVX_EBUFSMALL);
	/* after: nothing consumed, and neither buffer nor header written */
	snap_assert_unchanged("recv_strict into a short buffer");
	cr_assert(memcmp(&h, &untouched, sizeof(h)) == 0, "header written on EBUFSMALL");
	for (unsigned i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0x11);
	cr_assert_eq(rvx_queue_recv_strict(&q, &h, buf, sizeof(buf)), 12);
	cr_assert(memcmp(&h, &want, sizeof(h)) == 0);
	for (uint32_t i = 0; i < 12; i++)
		cr_assert_eq(buf[i], (uint8_t)(6u ^ (i * 7u)));
	cr_assert_eq(rvx_queue_count_total(&q), 0);
}

/* ---- the hint of the levels in use --------------------------------------- */

Test(queue, levels_hint_marks_each_level_on_first_send, .init = setup)
{
	cr_assert_eq(q.levels, 0u, "a fresh queue has used no level");
	cr_assert_eq(send_msg(1, TOP, 3), 0);
	cr_assert_eq(q.levels, 1u << TOP);
	expect_msg(1, TOP, 3);
	cr_assert_eq(q.levels, 1u << TOP, "a level stays marked once empty");
	cr_assert_eq(send_msg(2, 0, 3), 0);
	cr_assert_eq(q.levels, (1u << TOP) | 1u);
	expect_msg(2, 0, 3);
	cr_assert_eq(rvx_queue_recv(&q, &(struct rvx_queue_msg_hdr){0}, NULL, 0), -RVX_EEMPTY);
}

Test(queue, levels_hint_not_set_by_failed_send, .init = setup)
{
	struct rvx_queue_msg_hdr h = make_hdr(1, TOP, PAYLOAD + 1);
	uint8_t big[PAYLOAD + 1] = {0};

	/* Refused sends at a level never used leave the hint as it was. */
	snap_take();
	cr_assert_eq(rvx_queue_send(&q, &h, big), -RVX_EMSGSIZE);
	cr_assert_eq(rvx_queue_send_typed(&q, 1, TOP, 0, NULL, 4), -RVX_EINVAL);
	snap_assert_unchanged("a refused send");
	cr_assert_eq(q.levels, 0u);
}

/* A queue as a checkpoint brings it back: levels with messages, and a hint
 * that is wrong for them (missing levels, or bits of levels that do not
 * exist). rvx_queue_restored() derives it from the rings alone. */
Test(queue, restored_derives_levels_hint_from_the_rings, .init = setup)
{
	static const uint32_t wrong[] = {0u, 1u, 0xffffffffu, 1u << TOP};

	if (RVX_QUEUE_PRIORITIES < 3)
		cr_skip_test("needs three levels");
	for (unsigned w = 0; w < RVX_ARRAY_COUNT(wrong); w++) {
		setup();
		cr_assert_eq(send_msg(1, TOP, 2), 0); /* used, then emptied */
		expect_msg(1, TOP, 2);
		cr_assert_eq(send_msg(2, 0, 2), 0);
		cr_assert_eq(send_msg(3, 1, 2), 0);
		q.levels = wrong[w];
		rvx_queue_restored(&q);
		cr_assert_eq(q.levels, 3u, "hint %#x: only the levels holding messages", wrong[w]);
		expect_msg(3, 1, 2); /* the higher level first, as ever */
		expect_msg(2, 0, 2);
		cr_assert_eq(rvx_queue_recv(&q, &(struct rvx_queue_msg_hdr){0}, NULL, 0),
			     -RVX_EEMPTY);
		/* and the top level, empty at the restore, works again */
		cr_assert_eq(send_msg(4, TOP, 2), 0);
		expect_msg(4, TOP, 2);
	}
}

/* The checkpoint section leaves the hint out; loading it into a fresh queue
 * (hint 0) derives the hint, and the messages come out in priority order. */
Test(queue, ckpt_section_load_derives_levels_hint, .init = setup)
{
	static alignas(64) uint8_t storage2[sizeof(storage)];
	static uint8_t image[sizeof(storage) + 512];
	struct rvx_queue q2;
	size_t n;

	if (RVX_QUEUE_PRIORITIES < 3)
		cr_skip_test("needs three levels");
	cr_assert_eq(send_msg(1, 0, 5), 0);
	cr_assert_eq(send_msg(2, 2, 5), 0);
	cr_assert_eq(send_msg(3, 0, 5), 0);
	n = rvx_queue_ckpt_ops.size(&q);
	cr_assert_leq(n, sizeof(image));
	rvx_queue_ckpt_ops.write(&q, image);
	cr_assert_eq(rvx_queue_init(&q2, storage2, sizeof(storage2), SLOTS, PAYLOAD), 0);
	cr_assert_eq(rvx_queue_ckpt_ops.check(&q2, image, n), 0);
	rvx_queue_ckpt_ops.load(&q2, image, n);
	cr_assert_eq(q2.levels, (1u << 2) | 1u);
	memcpy(&q, &q2, sizeof(q)); /* receive through the helpers */
	expect_msg(2, 2, 5);
	expect_msg(1, 0, 5);
	expect_msg(3, 0, 5);
}
