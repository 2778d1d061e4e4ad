/* SPDX-License-Identifier: Apache-2.0 */
#include "proof_fixture.h"

struct rvx_proof_engine fx_engine;
struct rvx_proof_issuer_state fx_issuers[FX_ISSUERS];
struct rvx_proof_issuer fx_issuer;
struct rvx_proof_issuer fx_other;
struct rvx_proof_policy fx_policy;
struct rvx_proof_token fx_token;
struct rvx_proof_request fx_req;
uint8_t fx_payload[48];
uint8_t fx_auth_pub[65];
uint8_t fx_rogue_pub[65];

static struct rvx_test_key auth, rogue;

static const uint8_t secret[32] = "ruvix test kernel secret 32 byte";

void fx_setup(void)
{
	static const uint8_t word[] = "vector payload bytes for a proved put, 48 bytes";

	cr_assert(rvx_proof_engine_init(&fx_engine, secret, sizeof(secret), fx_issuers, FX_ISSUERS) == 0);
	memset(&fx_issuer, 0, sizeof(fx_issuer));
	fx_issuer.id = rvx_handle_make(5, 1).raw;
	fx_issuer.badge = 0;
	fx_issuer.object = 3;
	fx_issuer.epoch = 7;
	fx_issuer.rights = RVX_RIGHT_PROVE | RVX_RIGHT_WRITE;
	fx_issuer.slot = 1;
	fx_other = fx_issuer;
	fx_other.id = rvx_handle_make(6, 1).raw;
	fx_other.badge = 99;
	fx_other.slot = 2;
	cr_assert(rvx_test_key_from_seed(&auth, "authority key seed", 18) == 0);
	cr_assert(rvx_test_key_from_seed(&rogue, "rogue key seed", 14) == 0);
	memcpy(fx_auth_pub, auth.pub, 65);
	memcpy(fx_rogue_pub, rogue.pub, 65);
	rvx_proof_policy_open(&fx_policy, RVX_PROOF_TIER_REFLEX);
	fx_policy.has_authority = 1;
	memcpy(fx_policy.authority_key, fx_auth_pub, 65);
	memcpy(fx_payload, word, sizeof(fx_payload));
	memset(&fx_req, 0, sizeof(fx_req));
	fx_req.token = &fx_token;
	fx_req.token_size = sizeof(fx_token);
	fx_req.issuer = &fx_issuer;
	fx_req.policy = &fx_policy;
	fx_req.mutation.syscall = 9;
	fx_req.mutation.target = rvx_handle_make(3, 2).raw;
	fx_req.mutation.key = 42;
	fx_req.mutation.payload = fx_payload;
	fx_req.mutation.len = sizeof(fx_payload);
	fx_req.now_ns = FX_NOW;
	fx_req.coherence = 1u << 16;
}

size_t fx_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (hex[0] && hex[1]) {
		unsigned v;
		cr_assert(n < cap);
		cr_assert(sscanf(hex, "%2x", &v) == 1);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

void fx_mac(struct rvx_proof_token *t, const struct rvx_proof_issuer *issuer)
{
	cr_assert(rvx_test_token_mac(&fx_engine, issuer, t) == 0);
}

void fx_sign(struct rvx_proof_token *t, bool rogue_key)
{
	cr_assert(rvx_test_token_sign(rogue_key ? &rogue : &auth, fx_req.issuer, t) == 0);
}

static void fill(uint8_t tier, uint64_t nonce, const struct rvx_proof_issuer *issuer)
{
	memset(&fx_token, 0, sizeof(fx_token));
	fx_token.version = RVX_PROOF_VERSION;
	fx_token.tier = tier;
	fx_token.issuer = issuer->id;
	fx_token.target = fx_req.mutation.target;
	fx_token.nonce = nonce;
	fx_token.expiry_ns = FX_NOW + 1000;
}

void fx_make(uint8_t tier, uint64_t nonce, const struct rvx_proof_issuer *issuer)
{
	fill(tier, nonce, issuer);
	cr_assert(rvx_proof_mutation_hash(&fx_req.mutation, fx_token.mutation_hash) == 0);
	if (tier == RVX_PROOF_TIER_DEEP)
		fx_sign(&fx_token, false);
	else
		fx_mac(&fx_token, issuer);
}

void fx_batch(uint32_t count, uint32_t index, uint64_t nonce, uint8_t path[][32], uint32_t *path_len)
{
	static uint8_t level[1u << 12][32];
	struct rvx_proof_mutation m = fx_req.mutation;
	uint64_t key0 = fx_req.mutation.key - index;
	uint32_t width = 1, depth = 0, pos = index;

	while (width < count) {
		width <<= 1;
		depth++;
	}
	cr_assert(width <= RVX_ARRAY_COUNT(level));
	for (uint32_t i = 0; i < width; i++) {
		uint8_t h[32];
		if (i < count) {
			m.key = key0 + i;
			cr_assert(rvx_proof_mutation_hash(&m, h) == 0);
			rvx_proof_merkle_leaf(h, level[i]);
		} else {
			memset(level[i], 0, 32); /* padding leaves */
		}
	}
	for (uint32_t d = 0; d < depth; d++, width >>= 1, pos >>= 1) {
		memcpy(path[d], level[pos ^ 1u], 32);
		for (uint32_t i = 0; i < width / 2; i++) {
			uint8_t up[32];
			rvx_proof_merkle_node(level[2 * i], level[2 * i + 1], up);
			memcpy(level[i], up, 32);
		}
	}
	*path_len = depth;
	fill(RVX_PROOF_TIER_STANDARD, nonce, &fx_issuer);
	fx_token.flags = RVX_PROOF_FLAG_BATCH;
	fx_token.batch_count = count;
	memcpy(fx_token.mutation_hash, level[0], 32);
	fx_mac(&fx_token, &fx_issuer);
	fx_token.batch_index = index;
}

void fx_expect_reject(int err, uint32_t reason)
{
	struct rvx_proof_engine eng_before;
	struct rvx_proof_issuer_state tab_before[FX_ISSUERS];
	struct rvx_proof_result res;
	int ret;

	memcpy(&eng_before, &fx_engine, sizeof(eng_before));
	memcpy(tab_before, fx_issuers, sizeof(tab_before));
	/* before: the engine and its table as snapshotted */
	ret = rvx_proof_verify(&fx_engine, &fx_req, &res);
	cr_assert_eq(ret, err, "verify returned %d (%s), expected %d", ret, rvx_strerror(ret), err);
	cr_assert_eq(res.reason, reason, "reason %u, expected %u", res.reason, reason);
	cr_assert_eq(res.tier, 0);
	/* after: not one byte changed */
	cr_assert(memcmp(&eng_before, &fx_engine, sizeof(eng_before)) == 0, "engine changed");
	cr_assert(memcmp(tab_before, fx_issuers, sizeof(tab_before)) == 0, "issuer table changed");
}

void fx_expect_ok(uint8_t tier)
{
	struct rvx_proof_result res;
	uint8_t h[32];
	int ret = rvx_proof_verify(&fx_engine, &fx_req, &res);

	cr_assert_eq(ret, 0, "verify returned %d (%s), reason %u", ret, rvx_strerror(ret), res.reason);
	cr_assert_eq(res.reason, RVX_PROOF_OK);
	cr_assert_eq(res.tier, tier);
	cr_assert(rvx_proof_mutation_hash(&fx_req.mutation, h) == 0);
	cr_assert(memcmp(h, res.mutation_hash, 32) == 0);
}
