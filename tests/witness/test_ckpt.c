/* SPDX-License-Identifier: Apache-2.0 */
/* Checkpoint round trip and every refusal, destination unchanged. */
#include <bearssl.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "kern.h"

static struct kern *kern_alloc(void)
{
	return aligned_alloc(64, (sizeof(struct kern) + 63u) & ~(size_t)63u);
}

/* A small kernel after a few operations, and its checkpoint. */
static struct kern *small_ckpt(uint8_t *out, size_t cap, size_t *n)
{
	struct kern *k = kern_alloc();
	static uint8_t jb[64 * 1024];
	struct rvx_witness_journal j;
	uint32_t rng = 99u;
	unsigned ops = 0;

	cr_assert(k);
	kern_init(k, 256);
	cr_assert_eq(rvx_witness_journal_init(&j, jb, sizeof(jb)), 0);
	while (ops < 30)
		ops += (unsigned)kern_step(k, &j, &rng, ops);
	cr_assert_eq(rvx_ckpt_write(k->items, 4, out, cap, n), 0);
	return k;
}

Test(witness_ckpt, round_trip)
{
	static uint8_t a[16384], b[16384];
	size_t na, nb;
	struct kern *k = small_ckpt(a, sizeof(a), &na), *k2 = kern_alloc();
	enum rvx_ckpt_reason why;

	cr_assert(k2);
	cr_assert_eq(rvx_ckpt_size(k->items, 4), na);
	kern_init(k2, 256);
	cr_assert_eq(rvx_ckpt_restore(a, na, k2->items, 4, &why), 0);
	cr_assert_eq(why, RVX_CKPT_OK);
	cr_assert_eq(rvx_ckpt_write(k2->items, 4, b, sizeof(b), &nb), 0);
	cr_assert_eq(nb, na);
	cr_assert_eq(memcmp(a, b, na), 0);
	cr_assert_eq(k2->reg.cursor, k->reg.cursor);
	cr_assert_eq(memcmp(k2->regmem, k->regmem, k->reg.cursor), 0);
	cr_assert_eq(memcmp(k2->slots, k->slots, sizeof(k->slots)), 0);
	cr_assert_eq(memcmp(k2->qmem, k->qmem, sizeof(k->qmem)), 0);
	cr_assert_eq(memcmp(k2->log.state, k->log.state, 32), 0);
	/* too small a buffer */
	cr_assert_eq(rvx_ckpt_write(k->items, 4, b, na - 1, &nb), -RVX_EBUFSMALL);
	free(k);
	free(k2);
}

/* Restore must fail with `want` and leave the destination as it was. */
static void refused(const uint8_t *in, size_t len, struct kern *dst, struct kern *snap,
		    int want_reason)
{
	enum rvx_ckpt_reason why;

	cr_assert_eq(rvx_ckpt_restore(in, len, dst->items, 4, &why), -RVX_EINVAL);
	if (want_reason >= 0)
		cr_assert_eq((int)why, want_reason, "reason %d", why);
	else
		cr_assert_neq(why, RVX_CKPT_OK);
	/* after: every byte of the destination is unchanged */
	cr_assert_eq(memcmp(dst, snap, sizeof(*dst)), 0);
}

Test(witness_ckpt, every_truncation_and_every_flipped_byte_is_refused)
{
	static uint8_t a[16384], c[16384];
	size_t na;
	struct kern *k = small_ckpt(a, sizeof(a), &na), *dst = kern_alloc(), *snap = kern_alloc();

	cr_assert(dst && snap);
	kern_init(dst, 256);
	memcpy(snap, dst, sizeof(*dst));
	for (size_t len = 0; len < na; len++)
		refused(a, len, dst, snap, -1);
	for (size_t i = 0; i < na; i++) {
		memcpy(c, a, na);
		c[i] ^= 0x20u;
		refused(c, na, dst, snap, -1);
	}
	/* extra bytes */
	memcpy(c, a, na);
	c[na] = 0;
	refused(c, na + 1, dst, snap, RVX_CKPT_LENGTH);
	free(k);
	free(dst);
	free(snap);
}

Test(witness_ckpt, specific_reasons)
{
	static uint8_t a[16384], c[16384];
	size_t na;
	struct kern *k = small_ckpt(a, sizeof(a), &na), *dst = kern_alloc(), *snap = kern_alloc();

	cr_assert(dst && snap);
	kern_init(dst, 256);
	memcpy(snap, dst, sizeof(*dst));
	memcpy(c, a, na);
	c[0] = 'X';
	refused(c, na, dst, snap, RVX_CKPT_MAGIC);
	memcpy(c, a, na);
	c[8] = 2; /* version 2 */
	refused(c, na, dst, snap, RVX_CKPT_BADVERSION);
	refused(a, na - 1, dst, snap, RVX_CKPT_TRUNCATED);
	refused(a, 10, dst, snap, RVX_CKPT_TRUNCATED);
	memcpy(c, a, na);
	c[na - 100] ^= 1u;
	refused(c, na, dst, snap, RVX_CKPT_DIGEST);
	/* a destination of another geometry: the section check refuses */
	{
		struct kern *other = kern_alloc(), *osnap = kern_alloc();

		cr_assert(other && osnap);
		kern_init(other, 512);
		memcpy(osnap, other, sizeof(*other));
		refused(a, na, other, osnap, RVX_CKPT_SECTION);
		free(other);
		free(osnap);
	}
	/* items in another order */
	{
		struct rvx_ckpt_item swapped[4] = {dst->items[1], dst->items[0], dst->items[2],
						  dst->items[3]};
		enum rvx_ckpt_reason why;

		cr_assert_eq(rvx_ckpt_restore(a, na, swapped, 4, &why), -RVX_EINVAL);
		cr_assert_eq(why, RVX_CKPT_SECTIONS);
		cr_assert_eq(rvx_ckpt_restore(a, na, dst->items, 3, &why), -RVX_EINVAL);
		cr_assert_eq(why, RVX_CKPT_SECTIONS);
		cr_assert_eq(memcmp(dst, snap, sizeof(*dst)), 0);
	}
	free(k);
	free(dst);
	free(snap);
}

Test(witness_ckpt, mac_round_trip_and_refusals)
{
	static uint8_t a[16384], b[16384];
	static const uint8_t key[32] = "witness ckpt test mac key 32 byt";
	static const uint8_t other[32] = "another witness ckpt mac key 32b";
	br_sha256_context c;
	size_t na, nb, n;
	struct kern *k = small_ckpt(b, sizeof(b), &nb), *dst = kern_alloc(), *snap = kern_alloc();
	enum rvx_ckpt_reason why;

	cr_assert(dst && snap);
	kern_init(dst, 256);
	memcpy(snap, dst, sizeof(*dst));
	cr_assert_eq(rvx_ckpt_write_mac(k->items, 4, key, sizeof(key), a, sizeof(a), &na), 0);
	cr_assert_eq(na, rvx_ckpt_size(k->items, 4) + RVX_CKPT_MAC_SIZE);
	cr_assert_eq(rvx_ckpt_write_mac(k->items, 4, key, sizeof(key), a, na - 1, &n),
		     -RVX_EBUFSMALL);
	cr_assert_eq(rvx_ckpt_write_mac(k->items, 4, NULL, 0, a, sizeof(a), &n), -RVX_EINVAL);
	/* the SHA-256 trailer still digests every byte before it */
	{
		uint8_t d[32];

		br_sha256_init(&c);
		br_sha256_update(&c, a, na - 64);
		br_sha256_out(&c, d);
		cr_assert_eq(memcmp(d, a + na - 64, 32), 0);
	}
	/* another key, or no key at all, is refused; dst unchanged */
	cr_assert_eq(rvx_ckpt_restore_mac(a, na, other, sizeof(other), dst->items, 4, &why),
		     -RVX_EINVAL);
	cr_assert_eq(why, RVX_CKPT_MAC);
	cr_assert_eq(memcmp(dst, snap, sizeof(*dst)), 0);
	refused(a, na, dst, snap, RVX_CKPT_MAC);
	/* a checkpoint without a MAC is not taken by the authenticated call */
	cr_assert_eq(rvx_ckpt_restore_mac(b, nb, key, sizeof(key), dst->items, 4, &why),
		     -RVX_EINVAL);
	cr_assert_eq(why, RVX_CKPT_MAC);
	cr_assert_eq(memcmp(dst, snap, sizeof(*dst)), 0);
	cr_assert_eq(rvx_ckpt_restore_mac(a, na, NULL, 0, dst->items, 4, &why), -RVX_EINVAL);
	/* an edited byte with the digest recomputed: only the MAC catches it */
	a[RVX_CKPT_HEADER_SIZE + RVX_CKPT_SECTION_HEADER_SIZE + 3] ^= 1;
	br_sha256_init(&c);
	br_sha256_update(&c, a, na - 64);
	br_sha256_out(&c, a + na - 64);
	cr_assert_eq(rvx_ckpt_restore_mac(a, na, key, sizeof(key), dst->items, 4, &why),
		     -RVX_EINVAL);
	cr_assert_eq(why, RVX_CKPT_MAC);
	cr_assert_eq(memcmp(dst, snap, sizeof(*dst)), 0);
	a[RVX_CKPT_HEADER_SIZE + RVX_CKPT_SECTION_HEADER_SIZE + 3] ^= 1;
	br_sha256_init(&c);
	br_sha256_update(&c, a, na - 64);
	br_sha256_out(&c, a + na - 64);
	cr_assert_eq(rvx_ckpt_restore_mac(a, na, key, sizeof(key), dst->items, 4, &why), 0);
	cr_assert_eq(why, RVX_CKPT_OK);
	free(k);
	free(dst);
	free(snap);
}
