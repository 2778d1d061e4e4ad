/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file proof.h
 * @brief The proof engine: no proof, no mutation. Every proved mutation is
 *        authorised by a fixed-size token bound to that exact mutation.
 *
 * Order of use:
 * 1. Provide an issuer-state table (`RVX_PROOF_ENGINE_DEFINE()` or your own
 *    array of `struct rvx_proof_issuer_state`) and call
 *    `rvx_proof_engine_init()` with the kernel secret. Only the kernel holds
 *    the secret.
 * 2. For each proved syscall, check the issuer's capability (the nucleus
 *    does this with lib/cap), fill a `struct rvx_proof_issuer` and the target
 *    object's `struct rvx_proof_policy`, and call `rvx_proof_verify()` with
 *    the token and the actual mutation. On success the nonce is consumed,
 *    the rate counter moves on and (Reflex/Standard) the issuer's MAC key
 *    schedule is cached in its entry; on failure nothing changes and the
 *    result names the reason, for the witness log's rejection record.
 *
 * The kernel computes the mutation hash itself (`rvx_proof_mutation_hash()`)
 * and never trusts the token's copy. An issuer is one capability, named by
 * an identity that is unique in the whole kernel (the nucleus uses the
 * capability's global slot index and that slot's generation, never a
 * position in one task's table), and every tier binds the whole identity:
 * the id, badge, epoch and target object. Tiers: Reflex is an HMAC-SHA256
 * tag under a key derived from the kernel secret and that identity
 * (`rvx_proof_issuer_key()`), so revoking the capability or bumping its
 * object's epoch kills every outstanding proof. Standard is the same MAC and
 * may cover a batch: the MAC is over a Merkle root and each mutation carries
 * an inclusion path. Deep is an ECDSA P-256 signature by the authority key
 * that the object's policy names, over bytes that include the identity
 * (`rvx_proof_signed_bytes()`). The policy, not the caller, decides the
 * least tier accepted, and its limits (payload size, key range, coherence,
 * rate) apply to every tier.
 *
 * Each identity has exactly one nonce window, so a token accepted once is
 * never accepted again. Rolling state back does not re-open used proofs:
 * the nonce windows and the clock are floors that survive a restore. An
 * embedder that restores a saved issuer table merges each saved entry into
 * its live one with `rvx_proof_issuer_restore()` (a window only grows), and
 * re-applies a journaled acceptance with `rvx_proof_issuer_reapply()`; it
 * passes `rvx_proof_verify()` the latest time it ever reached, so a token
 * that expired stays expired.
 *
 * All cryptography is BearSSL's (HMAC-SHA256, ECDSA P-256 with the
 * `br_ec_p256_m31` implementation), over SHA-256 from `ruvix/sha256.h`
 * (BearSSL's, or its compression on the CPU's SHA instructions); tags, hashes and roots are compared in
 * constant time. The engine does no locking: the embedder serialises calls
 * to `rvx_proof_verify()` on one engine.
 */
#ifndef RUVIX_PROOF_H
#define RUVIX_PROOF_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Token format version this engine accepts. */
#define RVX_PROOF_VERSION 1u
/** Size in bytes of a SHA-256 digest, a MAC, a Merkle node and a derived key. */
#define RVX_PROOF_HASH_SIZE 32u
/** Size in bytes of an uncompressed P-256 public key (0x04 || X || Y). */
#define RVX_PROOF_PUBKEY_SIZE 65u
/** Size in bytes of a token's tag: a 32-byte MAC (rest zero) or raw r || s. */
#define RVX_PROOF_TAG_SIZE 64u
/** Longest Merkle inclusion path (a batch holds at most 2^this mutations). */
#define RVX_PROOF_MERKLE_MAX_DEPTH 16u
/** Nonces kept in each issuer's sliding window (the bitmap's width). */
#define RVX_PROOF_NONCE_WINDOW 64u
/** Shortest kernel secret accepted, in bytes. */
#define RVX_PROOF_SECRET_MIN 16u
/** Longest kernel secret accepted, in bytes. */
#define RVX_PROOF_SECRET_MAX 64u
/** Domain-separation prefix of the mutation-hash encoding (17 bytes, no NUL). */
#define RVX_PROOF_MUTATION_DOMAIN "ruvix.mutation.v1"
/** Domain-separation prefix of the issuer-key derivation (14 bytes, no NUL). */
#define RVX_PROOF_KEY_DOMAIN "ruvix.prove.v2"
/** Domain-separation prefix of the MAC / signature input (14 bytes, no NUL). */
#define RVX_PROOF_TOKEN_DOMAIN "ruvix.token.v2"
/** Size of the signed encoding of a token's fields (see `rvx_proof_signed_bytes()`). */
#define RVX_PROOF_SIGNED_SIZE 102u
/** Size of the MAC input of a token without the batch flag (see `rvx_proof_mac_input()`). */
#define RVX_PROOF_MAC_SHORT_SIZE 52u

/** Proof tiers, from cheapest to strongest. Values are ABI. */
enum rvx_proof_tier {
	RVX_PROOF_TIER_REFLEX = 1,   /**< HMAC-SHA256 under the issuer's derived key. */
	RVX_PROOF_TIER_STANDARD = 2, /**< Reflex, optionally over a batch (Merkle root). */
	RVX_PROOF_TIER_DEEP = 3,     /**< ECDSA P-256 by the policy's authority key. */
};

/** Token flag: the token covers a batch; `mutation_hash` is a Merkle root. */
#define RVX_PROOF_FLAG_BATCH 0x01u

/** Why a proof was rejected. Values are ABI (they go into witness records). */
enum rvx_proof_reason {
	RVX_PROOF_OK = 0,                /**< Accepted. */
	RVX_PROOF_REJECT_FORMAT = 1,     /**< Wrong size, version, tier value, flags or reserved bytes. */
	RVX_PROOF_REJECT_TARGET = 2,     /**< The token names another object than the mutation. */
	RVX_PROOF_REJECT_ISSUER = 3,     /**< The token names another issuer (not a capability of the caller), or the issuer's capability is not to the target. */
	RVX_PROOF_REJECT_RIGHTS = 4,     /**< The issuing capability lacks PROVE. */
	RVX_PROOF_REJECT_REVOKED = 5,    /**< The issuing capability is revoked. */
	RVX_PROOF_REJECT_TIER = 6,       /**< The token's tier is below what the policy demands. */
	RVX_PROOF_REJECT_EXPIRED = 7,    /**< `now` is past the token's expiry. */
	RVX_PROOF_REJECT_POLICY_SIZE = 8,      /**< The payload is larger than the policy allows. */
	RVX_PROOF_REJECT_POLICY_KEY = 9,       /**< The key is outside the policy's range. */
	RVX_PROOF_REJECT_POLICY_COHERENCE = 10,/**< The coherence is below the policy's minimum. */
	RVX_PROOF_REJECT_RATE = 11,      /**< The issuer used up its rate for this window. */
	RVX_PROOF_REJECT_NONCE_REPLAY = 12, /**< The nonce was already accepted. */
	RVX_PROOF_REJECT_NONCE_OLD = 13, /**< The nonce is older than the window (or 0), or the issuer's identity is older than its entry's (superseded). */
	RVX_PROOF_REJECT_HASH = 14,      /**< The token's mutation hash is not the actual mutation's. */
	RVX_PROOF_REJECT_MERKLE = 15,    /**< The inclusion path does not lead to the token's root. */
	RVX_PROOF_REJECT_MAC = 16,       /**< The MAC does not verify. */
	RVX_PROOF_REJECT_SIG_FORMAT = 17,/**< r or s is 0 or not below the group order, or the tag is malformed. */
	RVX_PROOF_REJECT_SIG = 18,       /**< The signature does not verify under the authority key. */
	RVX_PROOF_REJECT_AUTHORITY = 19, /**< The policy names no usable authority key for a Deep proof. */
	RVX_PROOF_REASON_COUNT           /**< Number of reasons; not a reason. */
};

/**
 * A proof token (144 bytes, host byte order in memory; the MAC covers the
 * little-endian encoding of `rvx_proof_mac_input()`, the signature that of
 * `rvx_proof_signed_bytes()`). `batch_index` is not covered: it selects the
 * leaf the inclusion path proves.
 */
struct rvx_proof_token {
	uint16_t version;       /**< `RVX_PROOF_VERSION`. */
	uint8_t tier;           /**< `enum rvx_proof_tier`. */
	uint8_t flags;          /**< 0 or `RVX_PROOF_FLAG_BATCH` (Standard only). */
	uint32_t batch_count;   /**< Leaves in the batch (1 .. 2^16); 0 without the batch flag. */
	uint64_t issuer;        /**< Identity of the issuing capability (`rvx_proof_issuer.id`). */
	uint64_t target;        /**< Raw handle of the target object. */
	uint64_t nonce;         /**< Nonce (>= 1); a batch uses nonce + leaf index per mutation. */
	uint64_t expiry_ns;     /**< Last kernel time (ns) at which the token is valid. */
	uint8_t mutation_hash[RVX_PROOF_HASH_SIZE]; /**< Mutation hash, or the batch's Merkle root. */
	uint32_t batch_index;   /**< Leaf index of this mutation in the batch; 0 without the flag. */
	uint8_t reserved[4];    /**< Zero. */
	uint8_t tag[RVX_PROOF_TAG_SIZE]; /**< MAC in bytes 0..31 (32..63 zero), or r || s for Deep. */
};

_Static_assert(sizeof(struct rvx_proof_token) == 144, "a proof token is 144 bytes");
_Static_assert(offsetof(struct rvx_proof_token, batch_count) == 4 &&
		       offsetof(struct rvx_proof_token, issuer) == 8 &&
		       offsetof(struct rvx_proof_token, expiry_ns) == 32 &&
		       offsetof(struct rvx_proof_token, mutation_hash) == 40 &&
		       offsetof(struct rvx_proof_token, batch_index) == 72 &&
		       offsetof(struct rvx_proof_token, tag) == 80,
	       "proof token layout has no implicit padding");

/**
 * The issuing capability as the nucleus found it (through `rvx_cap_lookup()`
 * or `rvx_cap_check()`); the proof library never reads capability tables.
 * The nucleus fills it with `rvx_kernel_proof_issuer()`.
 */
struct rvx_proof_issuer {
	uint64_t id;      /**< Identity of the capability, unique in the whole kernel and never 0 (the nucleus: a handle of its global slot index and that slot's generation). A later capability using the same @c slot must have a larger id. */
	uint64_t badge;   /**< The capability's badge. */
	uint32_t object;  /**< Registry index of the object the capability names. */
	uint32_t epoch;   /**< The capability's epoch snapshot. */
	uint32_t rights;  /**< `rvx_rights_t` held. */
	uint32_t slot;    /**< Entry of the engine's issuer table for this capability (e.g. its global slot index). */
	bool revoked;     /**< True if the capability is dead (epoch moved on). */
};

/**
 * The target object's proof policy (from its package manifest). Limits apply
 * whatever the token's tier; the open policy from `rvx_proof_policy_open()`
 * has none.
 */
struct rvx_proof_policy {
	uint8_t required_tier;   /**< Least `enum rvx_proof_tier` accepted. */
	uint8_t has_authority;   /**< 1 if `authority_key` is set (needed for Deep). */
	uint8_t reserved[2];     /**< Zero. */
	uint32_t min_coherence;  /**< Minimum coherence, Q16.16 (0 = none). */
	uint64_t max_payload;    /**< Largest payload in bytes. */
	uint64_t key_lo;         /**< Least key allowed. */
	uint64_t key_hi;         /**< Greatest key allowed. */
	uint64_t rate_window_ns; /**< Rate window length in ns (with rate_count). */
	uint32_t rate_count;     /**< Proofs per issuer per window (0 = no limit). */
	uint8_t authority_key[RVX_PROOF_PUBKEY_SIZE]; /**< Uncompressed P-256 key of the Deep authority. */
	uint8_t reserved2[3];    /**< Zero. */
};

/** The actual mutation, as the kernel sees it (never as the token says). */
struct rvx_proof_mutation {
	uint32_t syscall;       /**< Syscall number. */
	uint64_t target;        /**< Raw handle of the target object. */
	uint64_t key;           /**< Key within the object (vector key, node id...). */
	const void *payload;    /**< Payload bytes (may be NULL when len is 0). */
	size_t len;             /**< Payload length in bytes. */
};

/** Everything `rvx_proof_verify()` needs for one decision. */
struct rvx_proof_request {
	const struct rvx_proof_token *token; /**< The token, as the caller passed it. */
	size_t token_size;                   /**< Size the caller claims; must be sizeof(struct rvx_proof_token). */
	const struct rvx_proof_issuer *issuer; /**< The issuing capability. */
	const struct rvx_proof_policy *policy; /**< The target object's policy. */
	struct rvx_proof_mutation mutation;  /**< The actual mutation. */
	uint64_t now_ns;                     /**< Kernel time. */
	uint32_t coherence;                  /**< The target's current coherence, Q16.16. */
	const uint8_t (*path)[RVX_PROOF_HASH_SIZE]; /**< Merkle inclusion path, leaf level first (batch only). */
	uint32_t path_len;                   /**< Nodes in @c path (batch only; 0 otherwise). */
};

/** What `rvx_proof_verify()` reports. */
struct rvx_proof_result {
	uint8_t mutation_hash[RVX_PROOF_HASH_SIZE]; /**< The recomputed mutation hash (valid once computed, else zero). */
	uint64_t nonce;    /**< The nonce consumed (nonce + leaf index for a batch), or the one rejected. */
	uint32_t reason;   /**< `enum rvx_proof_reason`. */
	uint8_t tier;      /**< Tier verified (0 when rejected). */
	uint8_t reserved[3]; /**< Zero. */
};

/**
 * Per-issuer state (120 bytes): the nonce window, the rate counter and the
 * issuer's cached MAC key schedule, in caller storage. An entry belongs to
 * one capability identity (owner, object, epoch), and an identity has one
 * entry (the nucleus: the entry of its global slot); a different capability
 * in the same entry starts afresh, which is safe because its derived key
 * differs, so tokens made for the previous owner never verify.
 *
 * The key cache holds the two SHA-256 states of HMAC-SHA256 keyed with
 * `rvx_proof_issuer_key()` (after the ipad block and after the opad block),
 * so a Reflex or Standard verification does not derive the key again. It is
 * used only when the owner, object, epoch and badge all equal the
 * capability's, and it is written only when a proof is accepted, with the
 * nonce; a rejected proof (a forged MAC included) leaves it as it was. An
 * epoch bump or a new capability therefore never meets a stale key. The
 * cache is key material: keep the table in kernel memory, and treat a copy
 * of it (a checkpoint) as secret. It adds 72 bytes per entry (48 before).
 */
struct rvx_proof_issuer_state {
	uint64_t owner;         /**< Identity of the capability this entry tracks (0: unused). */
	uint32_t object;        /**< Its object index. */
	uint32_t epoch;         /**< Its epoch. */
	uint64_t nonce_high;    /**< Highest nonce accepted (0: none yet). */
	uint64_t nonce_bitmap;  /**< Bit i set: nonce_high - i was accepted. */
	uint64_t rate_start;    /**< Start of the current rate window (ns). */
	uint32_t rate_used;     /**< Proofs accepted in the current window. */
	uint32_t key_ready;     /**< 1 if the key cache holds the key of (owner, object, epoch, key_badge); else 0. */
	uint64_t key_badge;     /**< Badge of the capability the cached key was derived for. */
	uint8_t key_inner[RVX_PROOF_HASH_SIZE]; /**< SHA-256 state after (key ^ ipad), big-endian words. */
	uint8_t key_outer[RVX_PROOF_HASH_SIZE]; /**< SHA-256 state after (key ^ opad), big-endian words. */
};

_Static_assert(sizeof(struct rvx_proof_issuer_state) == 120, "issuer state is 120 bytes");
_Static_assert(offsetof(struct rvx_proof_issuer_state, key_ready) == 44 &&
		       offsetof(struct rvx_proof_issuer_state, key_badge) == 48 &&
		       offsetof(struct rvx_proof_issuer_state, key_inner) == 56 &&
		       offsetof(struct rvx_proof_issuer_state, key_outer) == 88,
	       "issuer state layout has no implicit padding");

/**
 * A proof engine. Holds the kernel secret's precomputed HMAC state (opaque
 * bytes, so this header needs no BearSSL header) and the caller's table.
 */
struct rvx_proof_engine {
	uint64_t secret_ctx[24];                /**< Opaque: BearSSL HMAC key context of the secret. */
	struct rvx_proof_issuer_state *issuers; /**< Caller's issuer table. */
	uint32_t issuer_count;                  /**< Entries in @c issuers. */
	uint32_t ready;                         /**< Non-zero once initialised. */
};

/**
 * Declare static storage for an engine at file scope: the engine `name` and
 * its issuer table `name##_issuers`. Initialise with `rvx_proof_engine_init()`
 * passing `name##_issuers` and `RVX_ARRAY_COUNT(name##_issuers)`.
 * @param name     identifier of the `struct rvx_proof_engine`
 * @param issuers  issuer-table entries (at least 1)
 */
#define RVX_PROOF_ENGINE_DEFINE(name, issuers)                                 \
	_Static_assert((issuers) >= 1 && (unsigned long long)(issuers) <= UINT32_MAX, \
		       "a proof engine needs 1 .. 2^32-1 issuer entries");   \
	static struct rvx_proof_issuer_state name##_issuers[(issuers)];         \
	static struct rvx_proof_engine name

/**
 * Initialise an engine: keep the secret's HMAC state and clear the table
 * (which also drops every cached issuer key: they belong to the old secret).
 * @param[out] engine      the engine
 * @param secret           the kernel secret (random, never leaves the kernel)
 * @param secret_len       its length, RVX_PROOF_SECRET_MIN .. RVX_PROOF_SECRET_MAX
 * @param[out] issuers     issuer-table storage
 * @param issuer_count     entries in @p issuers (at least 1)
 * @retval 0 the engine is ready
 * @retval -RVX_EINVAL a pointer is NULL, @p issuer_count is 0, or
 *         @p secret_len is out of range
 */
int rvx_proof_engine_init(struct rvx_proof_engine *engine, const void *secret,
			  size_t secret_len, struct rvx_proof_issuer_state *issuers,
			  uint32_t issuer_count);

/**
 * Fill a policy with no limits that demands @p tier: any payload size, any
 * key, no coherence minimum, no rate limit, no authority key.
 * @param[out] policy the policy
 * @param tier        least tier accepted
 */
void rvx_proof_policy_open(struct rvx_proof_policy *policy, enum rvx_proof_tier tier);

/**
 * Compute the mutation hash: SHA-256 of `"ruvix.mutation.v1"` (17 bytes) ||
 * syscall (u32 LE) || target (u64 LE) || key (u64 LE) || len (u64 LE) ||
 * payload (len bytes).
 * @param mutation    the mutation
 * @param[out] out    32 bytes
 * @retval 0 @p out holds the hash
 * @retval -RVX_EINVAL a pointer is NULL (payload may be NULL only when len is 0)
 */
int rvx_proof_mutation_hash(const struct rvx_proof_mutation *mutation, uint8_t out[32]);

/**
 * A mutation hash computed piece by piece (rvx_proof_hash_begin(), then
 * rvx_proof_hash_update() for the payload in order, then
 * rvx_proof_hash_end()): the same hash as rvx_proof_mutation_hash() of the
 * concatenated payload, for an issuer that encodes a large payload in
 * pieces instead of holding it whole. Caller storage, no heap.
 */
struct rvx_proof_hasher {
	uint64_t ctx[16]; /**< Opaque: a SHA-256 context (struct rvx_sha256). */
	uint64_t left;    /**< Payload bytes still to come. */
};

/**
 * Start a mutation hash: the encoding's head (domain, @p syscall, @p target,
 * @p key and the payload length @p len), as rvx_proof_mutation_hash().
 * @param[out] h    the hasher
 * @param syscall   syscall number
 * @param target    raw handle of the target object
 * @param key       key within the object
 * @param len       the whole payload's length in bytes
 */
void rvx_proof_hash_begin(struct rvx_proof_hasher *h, uint32_t syscall, uint64_t target,
			  uint64_t key, uint64_t len);

/**
 * Add the next @p len payload bytes.
 * @param h     the hasher
 * @param data  the bytes (may be NULL when @p len is 0)
 * @param len   how many
 * @retval 0 added
 * @retval -RVX_EINVAL @p h is NULL, @p data is NULL with a non-zero @p len,
 *         or @p len exceeds the bytes still declared (nothing added)
 */
int rvx_proof_hash_update(struct rvx_proof_hasher *h, const void *data, size_t len);

/**
 * Finish: the mutation hash, once exactly the declared payload was added.
 * @param h        the hasher
 * @param[out] out 32 bytes
 * @retval 0 @p out holds the hash
 * @retval -RVX_EINVAL a pointer is NULL or payload bytes are missing
 */
int rvx_proof_hash_end(struct rvx_proof_hasher *h, uint8_t out[32]);

/**
 * Derive the Reflex/Standard MAC key of an issuing capability:
 * HMAC-SHA256(secret, `"ruvix.prove.v2"` || id (u64 LE) || object (u32 LE)
 * || epoch (u32 LE) || badge (u64 LE)). For the embedder's own minting of
 * tokens (and tests); the key must never leave the kernel in clear.
 * @param engine      an initialised engine
 * @param issuer      the capability
 * @param[out] key    32 bytes
 * @retval 0 @p key holds the key
 * @retval -RVX_EINVAL a pointer is NULL or the engine is not initialised
 */
int rvx_proof_issuer_key(const struct rvx_proof_engine *engine,
			 const struct rvx_proof_issuer *issuer, uint8_t key[32]);

/**
 * Encode the fields a token's MAC or signature covers: `"ruvix.token.v2"`
 * (14 bytes) || version (u16) || tier (u8) || flags (u8) || batch_count (u32)
 * || issuer (u64) || target (u64) || nonce (u64) || expiry_ns (u64) ||
 * @p hash (32 bytes) || the issuing capability's badge (u64) || object
 * (u32) || epoch (u32), all little-endian; 102 bytes. The token's issuer
 * field and the capability's badge, object and epoch together are the
 * whole issuer identity, so a signature made for one capability verifies
 * for no other. The verifier passes the hash it recomputed (or the root it
 * checked), never a field it did not check, and the capability it found.
 * @param token       the token
 * @param issuer      the issuing capability
 * @param hash        the mutation hash or Merkle root to encode
 * @param[out] out    RVX_PROOF_SIGNED_SIZE bytes
 */
void rvx_proof_signed_bytes(const struct rvx_proof_token *token,
			    const struct rvx_proof_issuer *issuer, const uint8_t hash[32],
			    uint8_t out[RVX_PROOF_SIGNED_SIZE]);

/**
 * Encode the input of a Reflex/Standard token's MAC and return its length.
 * With the batch flag it is `rvx_proof_signed_bytes()` (102 bytes). Without,
 * it is the 52-byte short form: version (u16) || tier (u8) || flags (u8) ||
 * nonce (u64) || expiry_ns (u64) || @p hash (32 bytes), little-endian, which
 * fits one SHA-256 block after HMAC's key block. The short form leaves out
 * only what is bound otherwise: the domain (the MAC key is derived under
 * its own domain and keys nothing else), the issuer identity (the key is
 * derived from all of it, and verification requires the token's issuer to
 * be the capability), the target (verification requires it to be the mutation's,
 * which the mutation hash encodes) and batch_count (must be 0 without the
 * flag). In a batch the root does not encode the target, so the long form
 * keeps it. The lengths differ, so the two forms never share an input.
 * @param token       the token
 * @param issuer      the issuing capability
 * @param hash        the mutation hash or Merkle root to encode
 * @param[out] out    up to RVX_PROOF_SIGNED_SIZE bytes
 * @return RVX_PROOF_MAC_SHORT_SIZE, or RVX_PROOF_SIGNED_SIZE with the batch flag
 */
size_t rvx_proof_mac_input(const struct rvx_proof_token *token,
			   const struct rvx_proof_issuer *issuer, const uint8_t hash[32],
			   uint8_t out[RVX_PROOF_SIGNED_SIZE]);

/**
 * Merkle leaf of a mutation: SHA-256(0x00 || mutation hash).
 * @param mutation_hash the mutation hash
 * @param[out] out      32 bytes
 */
void rvx_proof_merkle_leaf(const uint8_t mutation_hash[32], uint8_t out[32]);

/**
 * Merkle inner node: SHA-256(0x01 || left || right).
 * @param left       left child
 * @param right      right child
 * @param[out] out   32 bytes (may alias neither child)
 */
void rvx_proof_merkle_node(const uint8_t left[32], const uint8_t right[32], uint8_t out[32]);

/**
 * Compare two byte strings in time that depends only on @p len.
 * @param a    first string
 * @param b    second string
 * @param len  bytes to compare
 * @return true if equal
 */
bool rvx_proof_ct_equal(const void *a, const void *b, size_t len);

/**
 * Verify a proof for a mutation, then (only if it is accepted) consume its
 * nonce and count it against the issuer's rate. Checks, in order: format,
 * target, issuer, rights, revocation, tier, expiry, policy limits, nonce,
 * rate, mutation hash or Merkle path, then the MAC or signature. A rejected
 * proof changes no byte of the engine or its table.
 * @param engine    an initialised engine
 * @param req       the request
 * @param[out] res  the decision: reason, tier, recomputed hash, nonce
 * @retval 0 the proof is accepted (res->reason is RVX_PROOF_OK)
 * @retval -RVX_EINVAL a pointer is NULL, the engine is not initialised, the
 *         issuer's slot is outside the table, or the payload is NULL with a
 *         non-zero length (res is not written)
 * @retval -RVX_EPROOF the proof is rejected; res->reason says why
 * @retval -RVX_EBADSIG a Deep signature is malformed or does not verify
 *         (reason RVX_PROOF_REJECT_SIG_FORMAT or RVX_PROOF_REJECT_SIG)
 */
int rvx_proof_verify(struct rvx_proof_engine *engine, const struct rvx_proof_request *req,
		     struct rvx_proof_result *res);

/**
 * Merge a saved issuer entry (from a checkpoint being restored) into the
 * live entry of the same table position, so that restoring never re-opens a
 * nonce: the saved window is a starting point, the live one a floor. Same
 * identity in both: the window becomes their union (the higher high-water
 * mark, every nonce either accepted) and the live rate counter and key cache
 * stay. Saved entry unused: the live entry stays. Live entry unused: it
 * takes the saved entry (without a key cache). Different identities: the
 * newer one keeps the entry (identities at one position are ordered by id,
 * then epoch; see `struct rvx_proof_issuer`). If the live one is newer, the
 * saved capability's later history is unknown, and `rvx_proof_verify()`
 * refuses every identity older than an entry's, so it proves nothing again;
 * nor does any capability re-created at the same or an older identity, whose
 * used nonces the live window still holds.
 * @param live   the live entry (updated)
 * @param saved  the saved entry
 */
void rvx_proof_issuer_restore(struct rvx_proof_issuer_state *live,
			      const struct rvx_proof_issuer_state *saved);

/**
 * Re-apply a journaled acceptance (the entry as it stood just after the
 * proof was accepted) to the live entry, as a replay of the journal does:
 * the entry ends up as the acceptance left it, except that a live window of
 * the same identity never shrinks (the union is kept) and a live entry of a
 * newer identity stays. The rate counter is the journaled one. The key
 * cache stays when the identity is unchanged.
 * @param live      the live entry (updated)
 * @param accepted  the entry after the journaled acceptance (its key cache
 *                  part is ignored)
 */
void rvx_proof_issuer_reapply(struct rvx_proof_issuer_state *live,
			      const struct rvx_proof_issuer_state *accepted);

/**
 * The nonce an issuer's next token should carry: one above every nonce its
 * window has accepted (1 if it has accepted none, or if the table entry last
 * served an older identity, which reads as fresh). Every nonce from it up is
 * accepted, so an issuer that counts up from it never meets a replay
 * rejection (the window's unused nonces below it are not offered). Reads
 * only; the rate counter is not considered.
 * @param engine    an initialised engine
 * @param issuer    the capability (its slot, id, object and epoch are read)
 * @param[out] next the nonce (unchanged on failure)
 * @retval 0 @p next holds it
 * @retval -RVX_EINVAL a pointer is NULL, the engine is not initialised, or
 *         the issuer's slot is outside the table
 * @retval -RVX_EPROOF no nonce can be accepted: the entry belongs to a newer
 *         identity (this one is superseded, rvx_proof_verify() rejects it
 *         with RVX_PROOF_REJECT_NONCE_OLD), or the window reached 2^64 - 1
 */
int rvx_proof_issuer_next_nonce(const struct rvx_proof_engine *engine,
				const struct rvx_proof_issuer *issuer, uint64_t *next);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_PROOF_H */
