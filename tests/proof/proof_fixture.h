/* SPDX-License-Identifier: Apache-2.0 */
/* Shared fixture of the proof tests: an engine, issuers, token minting
 * (MAC, batch, ECDSA signing with a deterministic test key), and a check
 * that a rejected proof changed no byte of the engine or its table. */
#ifndef PROOF_FIXTURE_H
#define PROOF_FIXTURE_H

#include <bearssl.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ruvix/proof.h"
#include "rvx_test.h"

#define FX_ISSUERS 8
#define FX_NOW 1000000000ull

extern struct rvx_proof_engine fx_engine;
extern struct rvx_proof_issuer_state fx_issuers[FX_ISSUERS];
extern struct rvx_proof_issuer fx_issuer;  /* slot 1, PROVE on object 3 */
extern struct rvx_proof_issuer fx_other;   /* slot 2, PROVE on object 3, another capability */
extern struct rvx_proof_policy fx_policy;
extern struct rvx_proof_token fx_token;
extern struct rvx_proof_request fx_req;
extern uint8_t fx_payload[48];
/* The authority's key pair and a second (non-authority) key pair. */
extern uint8_t fx_auth_pub[65];
extern uint8_t fx_rogue_pub[65];

void fx_setup(void);
/* Hex string to bytes; returns the byte count. */
size_t fx_hex(const char *hex, uint8_t *out, size_t cap);
/* Fill fx_token for the current fx_req.mutation and sign it for @issuer. */
void fx_make(uint8_t tier, uint64_t nonce, const struct rvx_proof_issuer *issuer);
/* Re-sign fx_token (its current fields and mutation_hash) with @issuer's MAC key. */
void fx_mac(struct rvx_proof_token *t, const struct rvx_proof_issuer *issuer);
/* Sign fx_token (its current fields and mutation_hash) for fx_req.issuer with the authority
 * (rogue = false) or rogue key. */
void fx_sign(struct rvx_proof_token *t, bool rogue);
/* Build a batch of @count mutations (keys key0 .. key0+count-1, same payload);
 * fills fx_token as a Standard batch token and @path for leaf @index. */
void fx_batch(uint32_t count, uint32_t index, uint64_t nonce, uint8_t path[][32], uint32_t *path_len);
/* Expect rejection with @err and @reason, with every byte of state unchanged. */
void fx_expect_reject(int err, uint32_t reason);
/* Expect acceptance at @tier. */
void fx_expect_ok(uint8_t tier);

#endif
