/* SPDX-License-Identifier: Apache-2.0 */
/* The journal call header: one struct, one encoder, one decoder, and the
 * wire bytes a journaled syscall writes at the documented offsets. */
#include "nk_fixture.h"

#include "ruvix/endian.h"

TestSuite(nucleus_call_header, .init = nk_setup);

/* The payload of the last journal entry. */
static void last_entry(struct rvx_witness_entry *e)
{
	struct rvx_witness_journal j;
	size_t cursor = 0;

	cr_assert_eq(rvx_witness_journal_load(&j, W.journal, sizeof(W.journal), W.k.journal.used,
					      NULL), 0);
	while (rvx_witness_journal_next(&j, &cursor, e) == 0)
		if (cursor == W.k.journal.used)
			return;
	cr_assert_fail("no last entry");
}

Test(nucleus_call_header, a_journaled_call_writes_the_documented_bytes)
{
	static const uint8_t data[24] = "twenty-four bytes of it";
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);
	struct rvx_kernel_call_header h;
	struct rvx_witness_entry e;
	uint8_t again[RVX_KERNEL_CALL_HEADER_BYTES];

	a.flags = 0;
	a.cap2 = UINT64_C(0x1122334455667788);
	a.arg[0] = RVX_REGION_POLICY_IMMUTABLE;
	a.arg[1] = 64;
	a.arg[6] = UINT64_C(0xa5a5000000000007);
	a.in = (uint64_t)(uintptr_t)data;
	a.in_len = sizeof(data);
	a.aux_len = 5;
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	last_entry(&e);
	cr_assert_geq(e.args_len, RVX_KERNEL_CALL_HEADER_BYTES);
	/* before and after: the same little-endian bytes at the same offsets */
	cr_assert_eq(rvx_le_get32(e.args + 0), RVX_KERNEL_CALL_MAGIC);
	cr_assert_eq(rvx_le_get32(e.args + 4), RVX_SYS_REGION_MAP);
	cr_assert_eq(rvx_le_get32(e.args + 8), 0u);
	cr_assert_eq(rvx_le_get32(e.args + 12), 0u);
	cr_assert_eq(rvx_le_get64(e.args + 16), nk_root.task.raw);
	cr_assert_eq(rvx_le_get64(e.args + 24), a.cap2);
	for (unsigned i = 0; i < 7; i++)
		cr_assert_eq(rvx_le_get64(e.args + 32 + 8 * i), a.arg[i]);
	cr_assert_eq(rvx_le_get64(e.args + 88), sizeof(data));
	cr_assert_eq(rvx_le_get64(e.args + 96), 5u);
	cr_assert_eq(rvx_le_get32(e.args + 104), 0u);
	cr_assert_eq(rvx_le_get32(e.args + 108), 0u);
	cr_assert(memcmp(e.args + RVX_KERNEL_CALL_HEADER_BYTES, data, sizeof(data)) == 0);

	/* One decoder, one encoder: they agree with each other and the wire. */
	cr_assert_eq(rvx_kernel_call_header_decode(e.args, e.args_len, &h), 0);
	cr_assert_eq(h.magic, RVX_KERNEL_CALL_MAGIC);
	cr_assert_eq(h.nr, RVX_SYS_REGION_MAP);
	cr_assert_eq(h.cap, nk_root.task.raw);
	cr_assert_eq(h.cap2, a.cap2);
	cr_assert_eq(h.arg[6], a.arg[6]);
	cr_assert_eq(h.in_len, sizeof(data));
	cr_assert_eq(h.aux_len, 5u);
	cr_assert_eq(h.has_issuer, 0u);
	rvx_kernel_call_header_encode(&h, again);
	cr_assert(memcmp(again, e.args, sizeof(again)) == 0);
}

Test(nucleus_call_header, decode_refuses_what_is_not_a_call_header)
{
	struct rvx_kernel_call_header h, before;
	uint8_t wire[RVX_KERNEL_CALL_HEADER_BYTES];

	memset(&h, 0, sizeof(h));
	h.magic = RVX_KERNEL_CALL_MAGIC;
	h.nr = RVX_SYS_QUEUE_SEND;
	h.in_len = 9;
	rvx_kernel_call_header_encode(&h, wire);
	memset(&before, 0x5a, sizeof(before));
	h = before;
	cr_assert_eq(rvx_kernel_call_header_decode(wire, sizeof(wire) - 1u, &h), -RVX_ENOTSUP);
	cr_assert(memcmp(&h, &before, sizeof(h)) == 0);
	wire[0] ^= 1;
	cr_assert_eq(rvx_kernel_call_header_decode(wire, sizeof(wire), &h), -RVX_ENOTSUP);
	cr_assert(memcmp(&h, &before, sizeof(h)) == 0);
	wire[0] ^= 1;
	cr_assert_eq(rvx_kernel_call_header_decode(NULL, sizeof(wire), &h), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_call_header_decode(wire, sizeof(wire), NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_call_header_decode(wire, sizeof(wire), &h), 0);
	cr_assert_eq(h.nr, RVX_SYS_QUEUE_SEND);
	cr_assert_eq(h.in_len, 9u);
}
