/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The proof engine. Every check in rvx_proof_verify() reads state and writes
 * only locals; the single commit at the end updates the issuer's entry with
 * code that cannot fail, so a rejected proof changes nothing.
 */
/* BearSSL first: its headers include <string.h>, which must not see the
 * mem* macros of ruvix/env.h. Its symbols are declared hidden: BearSSL is
 * linked statically into the same image, so its tables (br_ec_p256_m31)
 * are reached PC-relative, not through a GOT that a freestanding kernel
 * would have to provide. Hashes and HMACs run on lib/sha256. */
#pragma GCC visibility push(hidden)
#include "bearssl.h"
#pragma GCC visibility pop
#include "ruvix/sha256.h"

#include "ruvix/endian.h"
#include "ruvix/proof.h"

_Static_assert(sizeof(br_hmac_key_context) <= sizeof(((struct rvx_proof_engine *)0)->secret_ctx),
	       "the engine's opaque storage holds a BearSSL HMAC key context");
_Static_assert(_Alignof(br_hmac_key_context) <= _Alignof(uint64_t),
	       "the engine's opaque storage is aligned for an HMAC key context");
_Static_assert(sizeof(RVX_PROOF_MUTATION_DOMAIN) - 1 == 17, "mutation domain is 17 bytes");
_Static_assert(sizeof(RVX_PROOF_KEY_DOMAIN) - 1 == 14, "key domain is 14 bytes");
_Static_assert(sizeof(RVX_PROOF_TOKEN_DOMAIN) - 1 == 14, "token domain is 14 bytes");
_Static_assert(RVX_PROOF_SIGNED_SIZE == 14 + 2 + 1 + 1 + 4 + 8 * 4 + 32 + 8 + 4 + 4,
	       "signed encoding size");
_Static_assert(RVX_PROOF_MAC_SHORT_SIZE == 2 + 1 + 1 + 8 + 8 + 32 && RVX_PROOF_MAC_SHORT_SIZE + 9 <= 64,
	       "the short MAC input and SHA-256 padding fit one block");
_Static_assert(RVX_PROOF_NONCE_WINDOW == 64, "the nonce window is one 64-bit bitmap");

/* The order n of the P-256 group, big-endian: r and s must lie in [1, n-1]. */
static const uint8_t p256_order[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

static const br_hmac_key_context *secret_ctx(const struct rvx_proof_engine *engine)
{
	return (const br_hmac_key_context *)(const void *)engine->secret_ctx;
}

bool rvx_proof_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a;
	const volatile uint8_t *y = b;
	uint32_t diff = 0;

	/* No early exit: every byte is read whatever the differences. */
	for (size_t i = 0; i < len; i++)
		diff |= (uint32_t)(x[i] ^ y[i]);
	return diff == 0;
}

int rvx_proof_engine_init(struct rvx_proof_engine *engine, const void *secret,
			  size_t secret_len, struct rvx_proof_issuer_state *issuers,
			  uint32_t issuer_count)
{
	if (engine == NULL || secret == NULL || issuers == NULL || issuer_count == 0)
		return -RVX_EINVAL;
	if (secret_len < RVX_PROOF_SECRET_MIN || secret_len > RVX_PROOF_SECRET_MAX)
		return -RVX_EINVAL;
	memset(engine, 0, sizeof(*engine));
	br_hmac_key_init((br_hmac_key_context *)(void *)engine->secret_ctx, &rvx_sha256_vtable,
			 secret, secret_len);
	memset(issuers, 0, (size_t)issuer_count * sizeof(*issuers));
	engine->issuers = issuers;
	engine->issuer_count = issuer_count;
	engine->ready = 1;
	return 0;
}

void rvx_proof_policy_open(struct rvx_proof_policy *policy, enum rvx_proof_tier tier)
{
	memset(policy, 0, sizeof(*policy));
	policy->required_tier = (uint8_t)tier;
	policy->max_payload = UINT64_MAX;
	policy->key_lo = 0;
	policy->key_hi = UINT64_MAX;
}

static void issuer_key(const struct rvx_proof_engine *engine, const struct rvx_proof_issuer *is,
		       uint8_t key[32])
{
	br_hmac_context hc;
	uint8_t msg[14 + 8 + 4 + 4 + 8];

	memcpy(msg, RVX_PROOF_KEY_DOMAIN, 14);
	rvx_le_put64(msg + 14, is->id);
	rvx_le_put32(msg + 22, is->object);
	rvx_le_put32(msg + 26, is->epoch);
	rvx_le_put64(msg + 30, is->badge);
	br_hmac_init(&hc, secret_ctx(engine), 0);
	br_hmac_update(&hc, msg, sizeof(msg));
	br_hmac_out(&hc, key);
}

/* The HMAC-SHA256 key schedule (RFC 2104) of a 32-byte key: the SHA-256
 * states after the block key ^ ipad and after key ^ opad. These two states
 * are all an HMAC needs of its key, so caching them saves the derivation
 * (2 compressions) and the schedule (2 more) on every verification. */
static void mac_key_states(const uint8_t key[32], uint8_t inner[32], uint8_t outer[32])
{
	struct rvx_sha256 sc;
	uint8_t pad[64];

	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = (uint8_t)((i < 32 ? key[i] : 0) ^ 0x36);
	rvx_sha256_init(&sc);
	rvx_sha256_update(&sc, pad, sizeof(pad));
	(void)rvx_sha256_state(&sc, inner);
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	rvx_sha256_init(&sc);
	rvx_sha256_update(&sc, pad, sizeof(pad));
	(void)rvx_sha256_state(&sc, outer);
}

/* HMAC-SHA256 of @msg from the key states of mac_key_states(): resume the
 * inner hash after its key block, then the outer hash over the inner one. */
static void mac_compute(const uint8_t inner[32], const uint8_t outer[32], const uint8_t *msg,
			size_t len, uint8_t mac[32])
{
	struct rvx_sha256 sc;
	uint8_t ih[32];

	rvx_sha256_init(&sc);
	rvx_sha256_set_state(&sc, inner, 64);
	rvx_sha256_update(&sc, msg, len);
	rvx_sha256_out(&sc, ih);
	rvx_sha256_set_state(&sc, outer, 64);
	rvx_sha256_update(&sc, ih, sizeof(ih));
	rvx_sha256_out(&sc, mac);
}

int rvx_proof_issuer_key(const struct rvx_proof_engine *engine,
			 const struct rvx_proof_issuer *issuer, uint8_t key[32])
{
	if (engine == NULL || issuer == NULL || key == NULL || !engine->ready)
		return -RVX_EINVAL;
	issuer_key(engine, issuer, key);
	return 0;
}

/* Depth of the smallest complete tree with @count leaves (count >= 1). */
static uint32_t merkle_depth(uint32_t count)
{
	uint32_t d = 0;

	while (((uint64_t)1 << d) < count)
		d++;
	return d;
}

/* Big-endian 32-byte x: is 0 < x < n? (Public data: no need for constant time.) */
static bool scalar_in_range(const uint8_t x[32])
{
	bool nonzero = false;

	for (int i = 0; i < 32; i++)
		nonzero = nonzero || x[i] != 0;
	if (!nonzero)
		return false;
	for (int i = 0; i < 32; i++) {
		if (x[i] != p256_order[i])
			return x[i] < p256_order[i];
	}
	return false; /* x == n */
}

static bool all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

/* Add the nonces of the window (high, bitmap) to @st's window. */
static void window_union(struct rvx_proof_issuer_state *st, uint64_t high, uint64_t bitmap)
{
	if (high > st->nonce_high) {
		uint64_t shift = high - st->nonce_high;

		st->nonce_bitmap = (shift >= 64 ? 0 : st->nonce_bitmap << shift) | bitmap;
		st->nonce_high = high;
	} else {
		uint64_t shift = st->nonce_high - high;

		st->nonce_bitmap |= shift >= 64 ? 0 : bitmap << shift;
	}
}

/*
 * Order of two identities sharing one table entry: by id, then epoch (the
 * embedder gives a later capability at the same entry a larger id, and an
 * object's epoch only grows). -1: @p a is older, 0: the same, 1: newer.
 * Within one id and epoch a different object cannot be ordered; it reads as
 * older, so it proves nothing until a newer capability takes the entry.
 */
static int identity_order(uint64_t a_id, uint32_t a_object, uint32_t a_epoch,
			  const struct rvx_proof_issuer_state *b)
{
	if (a_id != b->owner)
		return a_id < b->owner ? -1 : 1;
	if (a_epoch != b->epoch)
		return a_epoch < b->epoch ? -1 : 1;
	return a_object == b->object ? 0 : -1;
}

/* Copy the identity, window and rate of @src (no key cache). */
static void take_entry(struct rvx_proof_issuer_state *dst, const struct rvx_proof_issuer_state *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->owner = src->owner;
	dst->object = src->object;
	dst->epoch = src->epoch;
	dst->nonce_high = src->nonce_high;
	dst->nonce_bitmap = src->nonce_bitmap;
	dst->rate_start = src->rate_start;
	dst->rate_used = src->rate_used;
}

void rvx_proof_issuer_restore(struct rvx_proof_issuer_state *live,
			      const struct rvx_proof_issuer_state *saved)
{
	int order;

	if (saved->owner == 0)
		return;
	if (live->owner == 0) {
		take_entry(live, saved);
		return;
	}
	order = identity_order(saved->owner, saved->object, saved->epoch, live);
	if (order == 0)
		window_union(live, saved->nonce_high, saved->nonce_bitmap);
	else if (order > 0)
		take_entry(live, saved);
	/* order < 0: the live entry belongs to a newer capability and stays;
	 * the saved one is older and proves nothing again (verify refuses
	 * identities older than the entry's). */
}

void rvx_proof_issuer_reapply(struct rvx_proof_issuer_state *live,
			      const struct rvx_proof_issuer_state *accepted)
{
	int order = live->owner == 0
			    ? 1
			    : identity_order(accepted->owner, accepted->object, accepted->epoch, live);

	if (order == 0) {
		window_union(live, accepted->nonce_high, accepted->nonce_bitmap);
		live->rate_start = accepted->rate_start;
		live->rate_used = accepted->rate_used;
		return;
	}
	if (order > 0)
		take_entry(live, accepted);
}

int rvx_proof_issuer_next_nonce(const struct rvx_proof_engine *engine,
				const struct rvx_proof_issuer *issuer, uint64_t *next)
{
	const struct rvx_proof_issuer_state *cur;
	int order;

	if (engine == NULL || issuer == NULL || next == NULL || !engine->ready ||
	    issuer->slot >= engine->issuer_count)
		return -RVX_EINVAL;
	cur = &engine->issuers[issuer->slot];
	if (cur->owner == 0) {
		*next = 1;
		return 0;
	}
	order = identity_order(issuer->id, issuer->object, issuer->epoch, cur);
	/* Superseded, or every nonce used up: nothing verifies any more. */
	if (order < 0 || (order == 0 && cur->nonce_high == UINT64_MAX))
		return -RVX_EPROOF;
	/* An older identity's entry reads as fresh to this one (see
	 * rvx_proof_verify()). */
	*next = order == 0 ? cur->nonce_high + 1u : 1u;
	return 0;
}

static uint32_t nonce_check(const struct rvx_proof_issuer_state *st, uint64_t nonce)
{
	if (nonce == 0)
		return RVX_PROOF_REJECT_NONCE_OLD;
	if (nonce > st->nonce_high)
		return RVX_PROOF_OK;
	if (st->nonce_high - nonce >= RVX_PROOF_NONCE_WINDOW)
		return RVX_PROOF_REJECT_NONCE_OLD;
	if ((st->nonce_bitmap >> (st->nonce_high - nonce)) & 1u)
		return RVX_PROOF_REJECT_NONCE_REPLAY;
	return RVX_PROOF_OK;
}

static int reject(struct rvx_proof_result *res, uint32_t reason)
{
	res->reason = reason;
	res->tier = 0;
	return reason == RVX_PROOF_REJECT_SIG || reason == RVX_PROOF_REJECT_SIG_FORMAT
		       ? -RVX_EBADSIG
		       : -RVX_EPROOF;
}

int rvx_proof_verify(struct rvx_proof_engine *engine, const struct rvx_proof_request *req,
		     struct rvx_proof_result *res)
{
	const struct rvx_proof_token *t;
	const struct rvx_proof_issuer *is;
	const struct rvx_proof_policy *pol;
	const struct rvx_proof_mutation *m;
	struct rvx_proof_issuer_state fresh;
	const struct rvx_proof_issuer_state *cur;
	uint8_t hash[32];
	uint8_t node[32];
	const uint8_t *covered;
	uint8_t signed_bytes[RVX_PROOF_SIGNED_SIZE];
	uint8_t key_inner[32];
	uint8_t key_outer[32];
	uint64_t nonce;
	uint64_t rate_start;
	uint32_t rate_used;
	uint32_t reason;
	bool batch;
	bool owned;
	bool derived = false;

	if (engine == NULL || req == NULL || res == NULL || !engine->ready ||
	    req->issuer == NULL || req->policy == NULL)
		return -RVX_EINVAL;
	is = req->issuer;
	pol = req->policy;
	m = &req->mutation;
	if (is->slot >= engine->issuer_count || (m->payload == NULL && m->len != 0))
		return -RVX_EINVAL;

	memset(res, 0, sizeof(*res));
	t = req->token;
	/* Format: the whole token, exactly, with known values only. */
	if (t == NULL || req->token_size != sizeof(*t) || t->version != RVX_PROOF_VERSION ||
	    t->tier < RVX_PROOF_TIER_REFLEX || t->tier > RVX_PROOF_TIER_DEEP ||
	    (t->flags & ~RVX_PROOF_FLAG_BATCH) != 0 || !all_zero(t->reserved, sizeof(t->reserved)))
		return reject(res, RVX_PROOF_REJECT_FORMAT);
	batch = (t->flags & RVX_PROOF_FLAG_BATCH) != 0;
	if (batch) {
		if (t->tier != RVX_PROOF_TIER_STANDARD || t->batch_count == 0 ||
		    t->batch_count > (1u << RVX_PROOF_MERKLE_MAX_DEPTH) ||
		    t->batch_index >= t->batch_count || t->nonce > UINT64_MAX - t->batch_index)
			return reject(res, RVX_PROOF_REJECT_FORMAT);
	} else if (t->batch_count != 0 || t->batch_index != 0 || req->path_len != 0) {
		return reject(res, RVX_PROOF_REJECT_FORMAT);
	}
	if (t->tier != RVX_PROOF_TIER_DEEP && !all_zero(t->tag + 32, 32))
		return reject(res, RVX_PROOF_REJECT_FORMAT);
	nonce = t->nonce + (batch ? t->batch_index : 0);
	res->nonce = nonce;

	if (t->target != m->target)
		return reject(res, RVX_PROOF_REJECT_TARGET);
	if (t->issuer != is->id || is->object != rvx_handle_index((rvx_handle_t){m->target}))
		return reject(res, RVX_PROOF_REJECT_ISSUER);
	if ((is->rights & RVX_RIGHT_PROVE) == 0)
		return reject(res, RVX_PROOF_REJECT_RIGHTS);
	if (is->revoked)
		return reject(res, RVX_PROOF_REJECT_REVOKED);
	if (t->tier < pol->required_tier)
		return reject(res, RVX_PROOF_REJECT_TIER);
	if (req->now_ns > t->expiry_ns)
		return reject(res, RVX_PROOF_REJECT_EXPIRED);

	/* The object's policy, whatever the tier. */
	if ((uint64_t)m->len > pol->max_payload)
		return reject(res, RVX_PROOF_REJECT_POLICY_SIZE);
	if (m->key < pol->key_lo || m->key > pol->key_hi)
		return reject(res, RVX_PROOF_REJECT_POLICY_KEY);
	if (req->coherence < pol->min_coherence)
		return reject(res, RVX_PROOF_REJECT_POLICY_COHERENCE);

	/* The issuer's entry. One last used by an older capability (or an
	 * older epoch of this one) reads as fresh; one used by a newer one
	 * means this identity is superseded: its proofs are never accepted
	 * again, so rolling capabilities back cannot re-open used nonces. */
	cur = &engine->issuers[is->slot];
	owned = false;
	if (cur->owner != 0) {
		int order = identity_order(is->id, is->object, is->epoch, cur);

		if (order < 0)
			return reject(res, RVX_PROOF_REJECT_NONCE_OLD);
		owned = order == 0;
	}
	if (!owned) {
		memset(&fresh, 0, sizeof(fresh));
		fresh.owner = is->id;
		fresh.object = is->object;
		fresh.epoch = is->epoch;
		cur = &fresh;
	}
	reason = nonce_check(cur, nonce);
	if (reason != RVX_PROOF_OK)
		return reject(res, reason);
	rate_start = cur->rate_start;
	rate_used = cur->rate_used;
	if (pol->rate_count != 0) {
		if (rate_used == 0 || req->now_ns < rate_start ||
		    req->now_ns - rate_start >= pol->rate_window_ns) {
			rate_start = req->now_ns;
			rate_used = 0;
		}
		if (rate_used >= pol->rate_count)
			return reject(res, RVX_PROOF_REJECT_RATE);
		rate_used++;
	}

	/* The mutation hash is the kernel's own; the token's copy is only compared. */
	(void)rvx_proof_mutation_hash(m, hash);
	memcpy(res->mutation_hash, hash, sizeof(hash));
	if (batch) {
		uint32_t index = t->batch_index;

		if (req->path_len != merkle_depth(t->batch_count) || (req->path_len != 0 && req->path == NULL))
			return reject(res, RVX_PROOF_REJECT_MERKLE);
		rvx_proof_merkle_leaf(hash, node);
		for (uint32_t i = 0; i < req->path_len; i++, index >>= 1) {
			uint8_t up[32];

			if (index & 1u)
				rvx_proof_merkle_node(req->path[i], node, up);
			else
				rvx_proof_merkle_node(node, req->path[i], up);
			memcpy(node, up, sizeof(node));
		}
		if (!rvx_proof_ct_equal(node, t->mutation_hash, 32))
			return reject(res, RVX_PROOF_REJECT_MERKLE);
		/* The root checked equals the token's: the MAC covers it. */
		covered = node;
	} else {
		if (!rvx_proof_ct_equal(hash, t->mutation_hash, 32))
			return reject(res, RVX_PROOF_REJECT_HASH);
		covered = hash;
	}

	if (t->tier == RVX_PROOF_TIER_DEEP) {
		br_ec_public_key pk;
		uint8_t q[RVX_PROOF_PUBKEY_SIZE];
		uint8_t digest[32];
		struct rvx_sha256 sc;

		if (!pol->has_authority || pol->authority_key[0] != 0x04)
			return reject(res, RVX_PROOF_REJECT_AUTHORITY);
		if (!scalar_in_range(t->tag) || !scalar_in_range(t->tag + 32))
			return reject(res, RVX_PROOF_REJECT_SIG_FORMAT);
		memcpy(q, pol->authority_key, sizeof(q));
		pk.curve = BR_EC_secp256r1;
		pk.q = q;
		pk.qlen = sizeof(q);
		rvx_proof_signed_bytes(t, is, covered, signed_bytes);
		rvx_sha256_init(&sc);
		rvx_sha256_update(&sc, signed_bytes, sizeof(signed_bytes));
		rvx_sha256_out(&sc, digest);
		if (br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, digest, sizeof(digest), &pk, t->tag, 64) != 1)
			return reject(res, RVX_PROOF_REJECT_SIG);
	} else {
		uint8_t mac[32];
		size_t len = rvx_proof_mac_input(t, is, covered, signed_bytes);
		bool cached;

		/* The cached key serves only the exact identity it was derived
		 * for; otherwise derive into locals, kept for the commit. */
		cached = owned && cur->key_ready == 1 && cur->key_badge == is->badge;
		if (cached) {
			mac_compute(cur->key_inner, cur->key_outer, signed_bytes, len, mac);
		} else {
			uint8_t key[32];

			issuer_key(engine, is, key);
			mac_key_states(key, key_inner, key_outer);
			mac_compute(key_inner, key_outer, signed_bytes, len, mac);
			derived = true;
		}
		if (!rvx_proof_ct_equal(mac, t->tag, 32))
			return reject(res, RVX_PROOF_REJECT_MAC);
	}

	/* Commit: cannot fail. */
	{
		struct rvx_proof_issuer_state *st = &engine->issuers[is->slot];

		if (cur == &fresh)
			*st = fresh;
		if (nonce > st->nonce_high) {
			uint64_t shift = nonce - st->nonce_high;

			st->nonce_bitmap = shift >= 64 ? 0 : st->nonce_bitmap << shift;
			st->nonce_bitmap |= 1u;
			st->nonce_high = nonce;
		} else {
			st->nonce_bitmap |= (uint64_t)1 << (st->nonce_high - nonce);
		}
		if (pol->rate_count != 0) {
			st->rate_start = rate_start;
			st->rate_used = rate_used;
		}
		/* Only a key whose MAC just verified is cached. */
		if (derived) {
			memcpy(st->key_inner, key_inner, sizeof(key_inner));
			memcpy(st->key_outer, key_outer, sizeof(key_outer));
			st->key_badge = is->badge;
			st->key_ready = 1;
		}
	}
	res->reason = RVX_PROOF_OK;
	res->tier = t->tier;
	return 0;
}
