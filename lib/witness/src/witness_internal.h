/* SPDX-License-Identifier: Apache-2.0 */
/* Private helpers of lib/witness: SHA-256 glue (lib/sha256). */
#ifndef RUVIX_WITNESS_INTERNAL_H
#define RUVIX_WITNESS_INTERNAL_H

#include "ruvix/endian.h"
#include "ruvix/sha256.h"
#include "ruvix/witness.h"

/* The SHA-256 chaining value before any block (the standard IV), in the
 * big-endian byte form rvx_sha256_state() uses. A static copy per file:
 * shared data would make -fPIC objects reference _GLOBAL_OFFSET_TABLE_. */
static const uint8_t rvx_witness_iv_[32] = {
	0x6a, 0x09, 0xe6, 0x67, 0xbb, 0x67, 0xae, 0x85, 0x3c, 0x6e, 0xf3, 0x72, 0xa5, 0x4f, 0xf5, 0x3a,
	0x51, 0x0e, 0x52, 0x7f, 0x9b, 0x05, 0x68, 0x8c, 0x1f, 0x83, 0xd9, 0xab, 0x5b, 0xe0, 0xcd, 0x19,
};

/*
 * Resume the record stream at (state, sequence): every record is one whole
 * block, so the context's buffer is empty and `sequence * 64` bytes were
 * hashed.
 */
static inline void rvx_wit_resume_(struct rvx_sha256 *c, const uint8_t state[32],
				   uint64_t sequence)
{
	rvx_sha256_set_state(c, state, sequence * RVX_WITNESS_RECORD_SIZE);
}

/* Chain head for the stream at (state, sequence). */
/* Write a journal frame's header, record and digest around the @p args_len
 * payload bytes already at frame + 8 + RVX_WITNESS_RECORD_SIZE. */
void rvx_witness_frame_seal_(uint8_t *frame, const uint8_t wire[64], uint32_t args_len);
/* Journal internals (journal.c): room check, staging a payload in the free
 * space where the next frame's payload goes, and sealing that frame. */
int rvx_witness_journal_check_(const struct rvx_witness_journal *j, uint64_t sequence,
			       uint32_t args_len);
uint8_t *rvx_witness_journal_stage_(struct rvx_witness_journal *j,
				    const struct rvx_witness_piece *pieces, uint32_t count);
void rvx_witness_journal_seal_(struct rvx_witness_journal *j, const uint8_t wire[64],
			       uint32_t args_len);
void rvx_witness_head_at_(const uint8_t state[32], uint64_t sequence, uint8_t out[32]);

/* Fill the 64 wire bytes of the next record of `log` (no side effects). */
void rvx_witness_build_(const struct rvx_witness_log *log, const struct rvx_witness_event *ev,
			const uint8_t digest[RVX_WITNESS_DIGEST_SIZE], uint8_t wire[64]);

/* Constant-time equality of n bytes. */
static inline bool rvx_wit_eq_(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

#endif /* RUVIX_WITNESS_INTERNAL_H */
