/* SPDX-License-Identifier: Apache-2.0 */
/* Record wire encoding, argument digests and journal frames. */
#include "witness_internal.h"


void rvx_witness_record_encode(const struct rvx_witness_record *rec, uint8_t out[64])
{
	rvx_le_put64(out + 0, rec->sequence);
	rvx_le_put64(out + 8, rec->time);
	rvx_le_put16(out + 16, rec->kind);
	out[18] = rec->tier;
	out[19] = rec->flags;
	rvx_le_put32(out + 20, rec->actor);
	rvx_le_put64(out + 24, rec->target);
	memcpy(out + 32, rec->args_digest, RVX_WITNESS_DIGEST_SIZE);
	memcpy(out + 48, rec->link, RVX_WITNESS_LINK_SIZE);
}

void rvx_witness_record_decode(const uint8_t in[64], struct rvx_witness_record *rec)
{
	rec->sequence = rvx_le_get64(in + 0);
	rec->time = rvx_le_get64(in + 8);
	rec->kind = rvx_le_get16(in + 16);
	rec->tier = in[18];
	rec->flags = in[19];
	rec->actor = rvx_le_get32(in + 20);
	rec->target = rvx_le_get64(in + 24);
	memcpy(rec->args_digest, in + 32, RVX_WITNESS_DIGEST_SIZE);
	memcpy(rec->link, in + 48, RVX_WITNESS_LINK_SIZE);
}

void rvx_witness_args_digest(const void *args, size_t len, uint8_t out[RVX_WITNESS_DIGEST_SIZE])
{
	struct rvx_witness_piece one = {args, len};

	rvx_witness_args_digestv(&one, 1, out);
}

void rvx_witness_args_digestv(const struct rvx_witness_piece *pieces, uint32_t count,
			      uint8_t out[RVX_WITNESS_DIGEST_SIZE])
{
	struct rvx_sha256 c;
	uint8_t full[32];

	rvx_sha256_init(&c);
	for (uint32_t i = 0; i < count; i++)
		if (pieces[i].len > 0)
			rvx_sha256_update(&c, pieces[i].data, pieces[i].len);
	rvx_sha256_out(&c, full);
	memcpy(out, full, RVX_WITNESS_DIGEST_SIZE);
}

/* Frame digest: first 16 bytes of SHA-256 over header, record and payload. */
static void frame_digest(const uint8_t hdr[8], const uint8_t *wire, const uint8_t *args,
			 uint32_t len, uint8_t out[RVX_WITNESS_DIGEST_SIZE])
{
	struct rvx_sha256 c;
	uint8_t full[32];

	rvx_sha256_init(&c);
	rvx_sha256_update(&c, hdr, 8);
	rvx_sha256_update(&c, wire, RVX_WITNESS_RECORD_SIZE);
	if (len > 0)
		rvx_sha256_update(&c, args, len);
	rvx_sha256_out(&c, full);
	memcpy(out, full, RVX_WITNESS_DIGEST_SIZE);
}

void rvx_witness_frame_seal_(uint8_t *frame, const uint8_t wire[64], uint32_t args_len)
{
	rvx_le_put32(frame, RVX_WITNESS_FRAME_MAGIC);
	rvx_le_put32(frame + 4, args_len);
	memcpy(frame + 8, wire, RVX_WITNESS_RECORD_SIZE);
	frame_digest(frame, frame + 8, frame + 8 + RVX_WITNESS_RECORD_SIZE, args_len,
		     frame + 8 + RVX_WITNESS_RECORD_SIZE + args_len);
}

long rvx_witness_frame_encode(uint8_t *out, size_t cap, const uint8_t wire[64], const void *args,
			      uint32_t args_len)
{
	size_t size = RVX_WITNESS_FRAME_SIZE(args_len);

	if (out == NULL || wire == NULL || (args == NULL && args_len > 0) ||
	    args_len > RVX_WITNESS_ARGS_MAX)
		return -RVX_EINVAL;
	if (cap < size)
		return -RVX_EBUFSMALL;
	if (args_len > 0)
		memmove(out + 8 + RVX_WITNESS_RECORD_SIZE, args, args_len);
	rvx_witness_frame_seal_(out, wire, args_len);
	return (long)size;
}

long rvx_witness_frame_parse(const uint8_t *buf, size_t avail, struct rvx_witness_entry *out)
{
	uint8_t want[RVX_WITNESS_DIGEST_SIZE];
	uint32_t len;
	size_t size;
	/* A prefix of a frame is "torn" only if what is there is plausible:
	 * the magic bytes present match, and the length is in range. */
	uint8_t magic[4];

	if (buf == NULL)
		return -RVX_EBADDESC;
	rvx_le_put32(magic, RVX_WITNESS_FRAME_MAGIC);
	for (size_t i = 0; i < 4 && i < avail; i++)
		if (buf[i] != magic[i])
			return -RVX_EBADDESC;
	if (avail < 8)
		return -RVX_EBUFSMALL;
	len = rvx_le_get32(buf + 4);
	if (len > RVX_WITNESS_ARGS_MAX)
		return -RVX_EBADDESC;
	size = RVX_WITNESS_FRAME_SIZE(len);
	if (avail < size)
		return -RVX_EBUFSMALL;
	frame_digest(buf, buf + 8, buf + 8 + RVX_WITNESS_RECORD_SIZE, len, want);
	if (!rvx_wit_eq_(want, buf + 8 + RVX_WITNESS_RECORD_SIZE + len, RVX_WITNESS_DIGEST_SIZE))
		return -RVX_EBADDESC;
	if (out != NULL) {
		rvx_witness_record_decode(buf + 8, &out->record);
		out->wire = buf + 8;
		out->args = buf + 8 + RVX_WITNESS_RECORD_SIZE;
		out->args_len = len;
	}
	return (long)size;
}
