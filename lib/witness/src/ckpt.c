/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checkpoint framing (header, sections, SHA-256 trailer) and the witness
 * log's own section. The other sections belong to the libraries that own
 * their objects (ruvix/ckpt_section.h).
 */
/* BearSSL first, its symbols hidden: its headers include <string.h> before
 * env.h, and its functions are then reached PC-relative, not through a GOT
 * a freestanding kernel would have to provide. The HMAC runs over
 * rvx_sha256_vtable (lib/sha256). */
#pragma GCC visibility push(hidden)
#include "bearssl_hmac.h"
#pragma GCC visibility pop

#include "witness_internal.h"

#include "ruvix/witness_ckpt.h"

static const uint8_t ckpt_magic[8] = {'R', 'V', 'X', 'C', 'K', 'P', 'T', 0};

static size_t pad8(size_t n)
{
	return (n + 7u) & ~(size_t)7u;
}

size_t rvx_ckpt_size(const struct rvx_ckpt_item *items, size_t count)
{
	size_t total = RVX_CKPT_HEADER_SIZE + RVX_CKPT_TRAILER_SIZE;

	if (items == NULL && count > 0)
		return 0;
	for (size_t i = 0; i < count; i++) {
		if (items[i].ops == NULL || items[i].obj == NULL)
			return 0;
		total += RVX_CKPT_SECTION_HEADER_SIZE + pad8(items[i].ops->size(items[i].obj));
	}
	return total;
}

/* HMAC-SHA256 under `key` of n bytes at `in`. */
static void ckpt_mac(const uint8_t *key, size_t key_len, const uint8_t *in, size_t n,
		     uint8_t out[RVX_CKPT_MAC_SIZE])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &rvx_sha256_vtable, key, key_len);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, in, n);
	br_hmac_out(&hc, out);
}

/* Write with a MAC under `key` (key_len > 0) or without one (key_len 0). */
static int ckpt_write(const struct rvx_ckpt_item *items, size_t count, const uint8_t *key,
		      size_t key_len, uint8_t *out, size_t cap, size_t *written)
{
	struct rvx_sha256 c;
	size_t total, off;

	if (out == NULL || count > UINT32_MAX)
		return -RVX_EINVAL;
	total = rvx_ckpt_size(items, count);
	if (total == 0)
		return -RVX_EINVAL;
	if (key_len != 0)
		total += RVX_CKPT_MAC_SIZE;
	if (cap < total)
		return -RVX_EBUFSMALL;
	memcpy(out, ckpt_magic, 8);
	rvx_le_put32(out + 8, RVX_CKPT_VERSION);
	rvx_le_put32(out + 12, key_len != 0 ? RVX_CKPT_F_MAC : 0);
	rvx_le_put64(out + 16, total);
	rvx_le_put32(out + 24, (uint32_t)count);
	rvx_le_put32(out + 28, 0);
	off = RVX_CKPT_HEADER_SIZE;
	for (size_t i = 0; i < count; i++) {
		size_t n = items[i].ops->size(items[i].obj);

		rvx_le_put32(out + off, items[i].ops->type);
		rvx_le_put32(out + off + 4, 0);
		rvx_le_put64(out + off + 8, n);
		off += RVX_CKPT_SECTION_HEADER_SIZE;
		items[i].ops->write(items[i].obj, out + off);
		memset(out + off + n, 0, pad8(n) - n);
		off += pad8(n);
	}
	rvx_sha256_init(&c);
	rvx_sha256_update(&c, out, off);
	rvx_sha256_out(&c, out + off);
	if (key_len != 0)
		ckpt_mac(key, key_len, out, off + RVX_CKPT_TRAILER_SIZE,
			 out + off + RVX_CKPT_TRAILER_SIZE);
	if (written != NULL)
		*written = total;
	return 0;
}

int rvx_ckpt_write(const struct rvx_ckpt_item *items, size_t count, uint8_t *out, size_t cap,
		   size_t *written)
{
	return ckpt_write(items, count, NULL, 0, out, cap, written);
}

int rvx_ckpt_write_mac(const struct rvx_ckpt_item *items, size_t count, const uint8_t *key,
		       size_t key_len, uint8_t *out, size_t cap, size_t *written)
{
	if (key == NULL || key_len == 0)
		return -RVX_EINVAL;
	return ckpt_write(items, count, key, key_len, out, cap, written);
}

static int refuse(enum rvx_ckpt_reason *reason, enum rvx_ckpt_reason why)
{
	if (reason != NULL)
		*reason = why;
	return -RVX_EINVAL;
}

/* Restore, requiring a MAC under `key` (key_len > 0) or no MAC (key_len 0). */
static int ckpt_restore(const uint8_t *in, size_t len, const uint8_t *key, size_t key_len,
			const struct rvx_ckpt_item *items, size_t count,
			enum rvx_ckpt_reason *reason)
{
	uint8_t digest[32];
	struct rvx_sha256 c;
	uint64_t total;
	size_t off, end, mac_size = key_len != 0 ? RVX_CKPT_MAC_SIZE : 0;

	if (reason != NULL)
		*reason = RVX_CKPT_OK;
	if (in == NULL || (items == NULL && count > 0))
		return -RVX_EINVAL;
	for (size_t i = 0; i < count; i++)
		if (items[i].ops == NULL || items[i].obj == NULL)
			return -RVX_EINVAL;
	/* Framing first: a short or foreign input is named before the digest. */
	if (len >= 8 && memcmp(in, ckpt_magic, 8) != 0)
		return refuse(reason, RVX_CKPT_MAGIC);
	if (len < RVX_CKPT_HEADER_SIZE + RVX_CKPT_TRAILER_SIZE + mac_size)
		return refuse(reason, len < 8 || memcmp(in, ckpt_magic, 8) == 0
					      ? RVX_CKPT_TRUNCATED
					      : RVX_CKPT_MAGIC);
	if (rvx_le_get32(in + 8) != RVX_CKPT_VERSION)
		return refuse(reason, RVX_CKPT_BADVERSION);
	total = rvx_le_get64(in + 16);
	if (total > len)
		return refuse(reason, RVX_CKPT_TRUNCATED);
	if (total < len || (total & 7u))
		return refuse(reason, RVX_CKPT_LENGTH);
	/* A checkpoint with a MAC is read only by the call that checks it,
	 * and one without only by the call that needs none. */
	if ((rvx_le_get32(in + 12) & RVX_CKPT_F_MAC) != (key_len != 0 ? RVX_CKPT_F_MAC : 0))
		return refuse(reason, RVX_CKPT_MAC);
	end = len - RVX_CKPT_TRAILER_SIZE - mac_size;
	rvx_sha256_init(&c);
	rvx_sha256_update(&c, in, end);
	rvx_sha256_out(&c, digest);
	if (!rvx_wit_eq_(digest, in + end, 32))
		return refuse(reason, RVX_CKPT_DIGEST);
	if (key_len != 0) {
		ckpt_mac(key, key_len, in, end + RVX_CKPT_TRAILER_SIZE, digest);
		if (!rvx_wit_eq_(digest, in + end + RVX_CKPT_TRAILER_SIZE, RVX_CKPT_MAC_SIZE))
			return refuse(reason, RVX_CKPT_MAC);
	}
	if ((rvx_le_get32(in + 12) & ~RVX_CKPT_F_MAC) != 0 || rvx_le_get32(in + 28) != 0)
		return refuse(reason, RVX_CKPT_FORMAT);
	if (rvx_le_get32(in + 24) != count)
		return refuse(reason, RVX_CKPT_SECTIONS);

	/* Walk and check every section against its destination. */
	off = RVX_CKPT_HEADER_SIZE;
	for (size_t i = 0; i < count; i++) {
		uint64_t n;

		if (end - off < RVX_CKPT_SECTION_HEADER_SIZE)
			return refuse(reason, RVX_CKPT_BOUNDS);
		n = rvx_le_get64(in + off + 8);
		if (rvx_le_get32(in + off) != items[i].ops->type)
			return refuse(reason, RVX_CKPT_SECTIONS);
		if (rvx_le_get32(in + off + 4) != 0)
			return refuse(reason, RVX_CKPT_FORMAT);
		off += RVX_CKPT_SECTION_HEADER_SIZE;
		if (n > end - off || pad8((size_t)n) > end - off)
			return refuse(reason, RVX_CKPT_BOUNDS);
		for (size_t k = (size_t)n; k < pad8((size_t)n); k++)
			if (in[off + k] != 0)
				return refuse(reason, RVX_CKPT_FORMAT);
		if (items[i].ops->check(items[i].obj, in + off, (size_t)n) != 0)
			return refuse(reason, RVX_CKPT_SECTION);
		off += pad8((size_t)n);
	}
	if (off != end)
		return refuse(reason, RVX_CKPT_BOUNDS);

	/* Commit: nothing below can fail. */
	off = RVX_CKPT_HEADER_SIZE;
	for (size_t i = 0; i < count; i++) {
		size_t n = (size_t)rvx_le_get64(in + off + 8);

		off += RVX_CKPT_SECTION_HEADER_SIZE;
		items[i].ops->load(items[i].obj, in + off, n);
		off += pad8(n);
	}
	return 0;
}

int rvx_ckpt_restore(const uint8_t *in, size_t len, const struct rvx_ckpt_item *items,
		     size_t count, enum rvx_ckpt_reason *reason)
{
	return ckpt_restore(in, len, NULL, 0, items, count, reason);
}

int rvx_ckpt_restore_mac(const uint8_t *in, size_t len, const uint8_t *key, size_t key_len,
			 const struct rvx_ckpt_item *items, size_t count,
			 enum rvx_ckpt_reason *reason)
{
	if (reason != NULL)
		*reason = RVX_CKPT_OK;
	if (key == NULL || key_len == 0)
		return -RVX_EINVAL;
	return ckpt_restore(in, len, key, key_len, items, count, reason);
}

/* ---- witness log: sequence, chaining value, head (checked), epoch ---- */

#define WIT_SECTION_SIZE 160u

static size_t wit_size(const void *obj)
{
	(void)obj;
	return WIT_SECTION_SIZE;
}

static void wit_write(const void *obj, uint8_t *out)
{
	const struct rvx_witness_log *log = obj;

	rvx_le_put64(out, log->sequence);
	memcpy(out + 8, log->state, 32);
	rvx_witness_head_at_(log->state, log->sequence, out + 40);
	rvx_le_put64(out + 72, log->epoch);
	rvx_le_put64(out + 80, log->epoch_events);
	rvx_le_put64(out + 88, log->epoch_bytes);
	memcpy(out + 96, log->epoch_state, 32);
	memcpy(out + 128, log->epoch_pending, 32);
}

static int wit_check(const void *obj, const uint8_t *in, size_t len)
{
	uint8_t head[32];

	(void)obj;
	if (len != WIT_SECTION_SIZE)
		return -RVX_EINVAL;
	/* The stored head must be what the stored state finalises to. */
	rvx_witness_head_at_(in + 8, rvx_le_get64(in), head);
	return rvx_wit_eq_(head, in + 40, 32) ? 0 : -RVX_EINVAL;
}

static void wit_load(void *obj, const uint8_t *in, size_t len)
{
	struct rvx_witness_log *log = obj;

	(void)len;
	log->sequence = rvx_le_get64(in);
	memcpy(log->state, in + 8, 32);
	log->epoch = rvx_le_get64(in + 72);
	log->epoch_events = rvx_le_get64(in + 80);
	log->epoch_bytes = rvx_le_get64(in + 88);
	memcpy(log->epoch_state, in + 96, 32);
	memcpy(log->epoch_pending, in + 128, 32);
}

const struct rvx_ckpt_section_ops rvx_ckpt_witness_ops = {
	RVX_CKPT_WITNESS, wit_size, wit_write, wit_check, wit_load,
};
