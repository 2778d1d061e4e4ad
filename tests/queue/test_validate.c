/* SPDX-License-Identifier: Apache-2.0 */
/* rvx_queue_validate(): a queue built and used by the library passes; each
 * kind of corruption of its fields or storage is reported. */
#include <criterion/criterion.h>
#include <stdalign.h>
#include <string.h>

#include "ruvix/queue.h"

#define N 4u
#define P 48u
static alignas(RVX_CONFIG_CACHE_LINE) uint8_t mem[RVX_QUEUE_STORAGE_SIZE(N, P)];
static struct rvx_queue q;

static void build(void)
{
	struct rvx_queue_msg_hdr h;

	cr_assert_eq(rvx_queue_init(&q, mem, sizeof(mem), N, P), 0);
	memset(&h, 0, sizeof(h));
	h.length = 5;
	cr_assert_eq(rvx_queue_send(&q, &h, "hello"), 0);
	h.length = 3;
	cr_assert_eq(rvx_queue_send(&q, &h, "abc"), 0);
}

static int qv(void)
{
	return rvx_queue_validate(&q, mem, sizeof(mem));
}

/* The header of the entry at ring index i of level 0. */
static uint8_t *hdr_at(uint32_t i)
{
	return mem + (size_t)(i & (N - 1u)) * q.slot_size + RVX_QUEUE_SLOT_TAG_BYTES;
}

TestSuite(queue_validate, .init = build);

Test(queue_validate, built_queue_passes)
{
	cr_assert_eq(qv(), 0);
	cr_assert_eq(rvx_queue_validate(&q, mem, 16), -RVX_ENOMEM);
	cr_assert_eq(rvx_queue_validate(NULL, mem, sizeof(mem)), -RVX_EINVAL);
	cr_assert_eq(rvx_queue_validate(&q, NULL, sizeof(mem)), -RVX_EINVAL);
}

Test(queue_validate, header_length_reported)
{
	uint32_t len = P + 1;

	memcpy(hdr_at(0) + 4, &len, 4);
	cr_assert_eq(qv(), -RVX_EINVAL);
	build();
	hdr_at(1)[9] = 0x80; /* unknown flag */
	cr_assert_eq(qv(), -RVX_EINVAL);
	build();
	hdr_at(1)[8] = 1; /* a level-1 header on level 0 */
	cr_assert_eq(qv(), -RVX_EINVAL);
}

Test(queue_validate, positions_reported)
{
	q.sq[0].tx.pos += 1; /* a tail past what was written */
	cr_assert_eq(qv(), -RVX_EINVAL);
	build();
	q.sq[0].rx.pos += 3; /* a head past the tail */
	cr_assert_eq(qv(), -RVX_EINVAL);
	build();
	q.sq[0].tx.pos += N + 1;
	cr_assert_eq(qv(), -RVX_EINVAL);
	build();
	q.cq.tx.pos += 1;
	cr_assert_eq(qv(), -RVX_EINVAL);
	build();
	q.sq[1].rx.pad[3] = 1;
	cr_assert_eq(qv(), -RVX_EINVAL);
}

Test(queue_validate, stale_tag_reported)
{
	uint32_t tag = 3; /* announces index 2, which was never sent */

	memcpy(mem + 2 * q.slot_size, &tag, 4);
	cr_assert_eq(qv(), -RVX_EINVAL);
}

Test(queue_validate, geometry_reported)
{
	q.slot_count = 3;
	cr_assert_eq(qv(), -RVX_EINVAL);
	build();
	q.max_payload = P + 64;
	cr_assert_eq(qv(), -RVX_EINVAL);
	build();
	q.ring_size += 64;
	cr_assert_eq(qv(), -RVX_EINVAL);
}
