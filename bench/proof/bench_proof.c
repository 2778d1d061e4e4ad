/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proof verification cost per tier (Reflex, Standard single and batch with
 * a 10-node path, Deep), beside the BearSSL primitives underneath. Every
 * timed verification must succeed, so each iteration uses a fresh nonce:
 * tokens are minted before the timed loop. Figures are the median of runs.
 */
#include "bench_util.h" /* first: it defines _GNU_SOURCE */

#include <bearssl.h>
#include <stdio.h>
#include <string.h>

#include "ruvix/proof.h"
#include "rvx_test.h"

#define RUNS 7

static struct rvx_proof_engine engine;
static struct rvx_proof_issuer_state issuers[4];
static struct rvx_proof_issuer issuer;
static uint8_t payload[64];
static uint64_t next_nonce = 1;

static void mac_token(struct rvx_proof_token *t)
{
	BENCH_REQUIRE(rvx_test_token_mac(&engine, &issuer, t) == 0, "mac");
}

static void base_token(struct rvx_proof_token *t, uint8_t tier, const struct rvx_proof_mutation *m)
{
	memset(t, 0, sizeof(*t));
	t->version = RVX_PROOF_VERSION;
	t->tier = tier;
	t->issuer = issuer.id;
	t->target = m->target;
	t->nonce = next_nonce++;
	t->expiry_ns = UINT64_MAX;
	BENCH_REQUIRE(rvx_proof_mutation_hash(m, t->mutation_hash) == 0, "hash");
}

static struct rvx_test_key auth;

static void sign_token(struct rvx_proof_token *t)
{
	BENCH_REQUIRE(rvx_test_token_sign(&auth, &issuer, t) == 0, "sign");
}

/* Time @n verifications of the prepared tokens; ns per op. */
static double time_verify(struct rvx_proof_request *req, struct rvx_proof_token *toks, int n,
			  uint8_t tier)
{
	struct rvx_proof_result res;
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < n; i++) {
		req->token = &toks[i];
		int ret = rvx_proof_verify(&engine, req, &res);
		BENCH_REQUIRE(ret == 0 && res.tier == tier, "verify %d: %d reason %u", i, ret, res.reason);
	}
	return (double)(bench_now_ns() - t0) / n;
}

static void row(const char *name, double ns, const char *goal)
{
	printf("%-44s %12.0f ns/op   %s\n", name, ns, goal);
}

int main(void)
{
	static const uint8_t secret[32] = "bench kernel secret, 32 bytes!!";
	static struct rvx_proof_token toks[4096];
	static uint8_t leaves[1024][32], level[1024][32], paths[1024][10][32];
	struct rvx_proof_policy open_pol, std_pol;
	struct rvx_proof_request req;
	double v[RUNS], step, readc;
	uint8_t d[32];

	bench_pin(0);
	BENCH_REQUIRE(rvx_proof_engine_init(&engine, secret, 32, issuers, 4) == 0, "init");
	memset(payload, 0x5c, sizeof(payload));
	issuer.id = rvx_handle_make(1, 1).raw;
	issuer.object = 3;
	issuer.epoch = 1;
	issuer.rights = RVX_RIGHT_PROVE;
	issuer.slot = 1;
	BENCH_REQUIRE(rvx_test_key_from_seed(&auth, "bench authority", 15) == 0, "keygen");

	rvx_proof_policy_open(&open_pol, RVX_PROOF_TIER_REFLEX);
	std_pol = open_pol;
	std_pol.required_tier = RVX_PROOF_TIER_STANDARD;
	std_pol.max_payload = 4096;
	std_pol.key_lo = 0;
	std_pol.key_hi = 1u << 20;
	std_pol.min_coherence = 1u << 15;
	std_pol.rate_count = 1u << 30;
	std_pol.rate_window_ns = 1000000000ull;
	std_pol.has_authority = 1;
	memcpy(std_pol.authority_key, auth.pub, 65);

	memset(&req, 0, sizeof(req));
	req.token_size = sizeof(struct rvx_proof_token);
	req.issuer = &issuer;
	req.mutation.syscall = 9;
	req.mutation.target = rvx_handle_make(3, 1).raw;
	req.mutation.key = 42;
	req.mutation.payload = payload;
	req.mutation.len = sizeof(payload);
	req.now_ns = 1000;
	req.coherence = 1u << 16;

	bench_timer_floor(&step, &readc);
	printf("bench-proof: BearSSL P-256 implementation br_ec_p256_m31 (fastest Debian BearSSL 0.6 provides;"
	       " no m62/m64 in 0.6)\n");
	printf("timer floor: step %.0f ns, one read %.1f ns; median of %d runs\n\n", step, readc, RUNS);
	printf("%-44s %18s   %s\n", "operation", "time", "goal");

	/* Library reference rows: the raw BearSSL primitives. */
	{
		const int n = 200000;
		for (int r = 0; r < RUNS; r++) {
			br_sha256_context sc;
			uint64_t t0 = bench_now_ns();
			for (int i = 0; i < n; i++) {
				payload[0] = (uint8_t)i;
				br_sha256_init(&sc);
				br_sha256_update(&sc, payload, 64);
				br_sha256_out(&sc, d);
				bench_keep(d[0]);
			}
			v[r] = (double)(bench_now_ns() - t0) / n;
		}
		row("BearSSL SHA-256, 64 B", bench_median(v, RUNS), "(library reference)");
		br_hmac_key_context kc;
		br_hmac_key_init(&kc, &br_sha256_vtable, secret, 32);
		for (int r = 0; r < RUNS; r++) {
			br_hmac_context hc;
			uint64_t t0 = bench_now_ns();
			for (int i = 0; i < n; i++) {
				payload[0] = (uint8_t)i;
				br_hmac_init(&hc, &kc, 0);
				br_hmac_update(&hc, payload, 64);
				br_hmac_out(&hc, d);
				bench_keep(d[0]);
			}
			v[r] = (double)(bench_now_ns() - t0) / n;
		}
		row("BearSSL HMAC-SHA256, 64 B (key precomputed)", bench_median(v, RUNS), "(library reference)");
		payload[0] = 0x5c;
	}
	{
		const struct {
			const char *name;
			const br_ec_impl *impl;
		} impls[] = {
			{"BearSSL ECDSA P-256 verify, p256_m31", &br_ec_p256_m31},
			{"BearSSL ECDSA P-256 verify, p256_m15", &br_ec_p256_m15},
			{"BearSSL ECDSA P-256 verify, prime_i31", &br_ec_prime_i31},
			{"BearSSL ECDSA P-256 verify, get_default()", br_ec_get_default()},
		};
		uint8_t sig[64];
		br_sha256_context sc;
		br_ec_public_key vpk = {BR_EC_secp256r1, auth.pub, 65};

		br_sha256_init(&sc);
		br_sha256_update(&sc, "message", 7);
		br_sha256_out(&sc, d);
		BENCH_REQUIRE(br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, d, &auth.sk, sig) == 64, "sign");
		for (size_t k = 0; k < sizeof(impls) / sizeof(impls[0]); k++) {
			const int n = 200;
			for (int r = 0; r < RUNS; r++) {
				uint64_t t0 = bench_now_ns();
				for (int i = 0; i < n; i++)
					BENCH_REQUIRE(br_ecdsa_i31_vrfy_raw(impls[k].impl, d, 32, &vpk, sig, 64) == 1,
						      "ecdsa verify");
				v[r] = (double)(bench_now_ns() - t0) / n;
			}
			row(impls[k].name, bench_median(v, RUNS), "(library reference)");
		}
	}
	printf("\n");

	/* Reflex. */
	{
		const int n = 4096;
		req.policy = &open_pol;
		for (int r = 0; r < RUNS; r++) {
			for (int i = 0; i < n; i++) {
				base_token(&toks[i], RVX_PROOF_TIER_REFLEX, &req.mutation);
				mac_token(&toks[i]);
			}
			v[r] = time_verify(&req, toks, n, RVX_PROOF_TIER_REFLEX);
		}
		row("rvx_proof_verify Reflex (64 B payload)", bench_median(v, RUNS), "goal <= 1000 ns");
	}
	/* Standard, single mutation, with a policy of limits and a rate. */
	{
		const int n = 4096;
		req.policy = &std_pol;
		for (int r = 0; r < RUNS; r++) {
			for (int i = 0; i < n; i++) {
				base_token(&toks[i], RVX_PROOF_TIER_STANDARD, &req.mutation);
				mac_token(&toks[i]);
			}
			v[r] = time_verify(&req, toks, n, RVX_PROOF_TIER_STANDARD);
		}
		row("rvx_proof_verify Standard, single", bench_median(v, RUNS), "goal <= 10000 ns");
	}
	/* Standard batch: 1024 mutations (keys 0..1023), path length 10. */
	{
		struct rvx_proof_mutation m = req.mutation;
		uint8_t root[32];

		for (uint32_t i = 0; i < 1024; i++) {
			m.key = i;
			BENCH_REQUIRE(rvx_proof_mutation_hash(&m, d) == 0, "hash");
			rvx_proof_merkle_leaf(d, leaves[i]);
		}
		memcpy(level, leaves, sizeof(level));
		for (uint32_t depth = 0, width = 1024; depth < 10; depth++, width /= 2) {
			for (uint32_t i = 0; i < 1024; i++)
				memcpy(paths[i][depth], level[(i >> depth) ^ 1u], 32);
			for (uint32_t i = 0; i < width / 2; i++) {
				uint8_t up[32];
				rvx_proof_merkle_node(level[2 * i], level[2 * i + 1], up);
				memcpy(level[i], up, 32);
			}
		}
		memcpy(root, level[0], 32);
		for (int r = 0; r < RUNS; r++) {
			struct rvx_proof_token bt;
			struct rvx_proof_result res;

			base_token(&bt, RVX_PROOF_TIER_STANDARD, &req.mutation);
			bt.flags = RVX_PROOF_FLAG_BATCH;
			bt.batch_count = 1024;
			bt.nonce = next_nonce;
			next_nonce += 1024;
			memcpy(bt.mutation_hash, root, 32);
			mac_token(&bt);
			req.token = &bt;
			req.path_len = 10;
			uint64_t t0 = bench_now_ns();
			for (uint32_t i = 0; i < 1024; i++) {
				bt.batch_index = i;
				req.mutation.key = i;
				req.path = (const uint8_t(*)[32])paths[i];
				int ret = rvx_proof_verify(&engine, &req, &res);
				BENCH_REQUIRE(ret == 0 && res.tier == RVX_PROOF_TIER_STANDARD, "batch %u: %d reason %u",
					      i, ret, res.reason);
			}
			v[r] = (double)(bench_now_ns() - t0) / 1024;
		}
		req.mutation.key = 42;
		req.path = NULL;
		req.path_len = 0;
		row("rvx_proof_verify Standard, batch, path 10", bench_median(v, RUNS), "goal <= 10000 ns (per mutation)");
	}
	/* Deep. */
	{
		const int n = 100;
		struct rvx_proof_policy deep_pol = std_pol;

		deep_pol.required_tier = RVX_PROOF_TIER_DEEP;
		req.policy = &deep_pol;
		for (int r = 0; r < RUNS; r++) {
			for (int i = 0; i < n; i++) {
				base_token(&toks[i], RVX_PROOF_TIER_DEEP, &req.mutation);
				sign_token(&toks[i]);
			}
			v[r] = time_verify(&req, toks, n, RVX_PROOF_TIER_DEEP);
		}
		row("rvx_proof_verify Deep (ECDSA P-256, m31)", bench_median(v, RUNS), "goal <= 200000 ns");
	}
	return 0;
}
