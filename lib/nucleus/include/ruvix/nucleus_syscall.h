/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * The syscall ABI of the RuVix nucleus: syscall numbers, the fixed-layout
 * argument and result structures, and flag bits. A port fills a
 * `struct rvx_syscall_args` from the trapping task's registers or memory,
 * calls rvx_syscall() (ruvix/nucleus.h), and copies the
 * `struct rvx_syscall_result` back. Both structures are 128 bytes with
 * fixed-width fields, explicit padding and a version field; pointers travel
 * as 64-bit addresses in the kernel's address space (the port translates
 * and checks user addresses before the call).
 */
#ifndef RUVIX_NUCLEUS_SYSCALL_H
#define RUVIX_NUCLEUS_SYSCALL_H

#include "ruvix/env.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version callers put in both structures' `version` field. */
#define RVX_SYSCALL_VERSION 1u

/** Syscall numbers (SPEC "The twelve syscalls"). Values are ABI. */
enum rvx_syscall_nr {
	RVX_SYS_TASK_SPAWN = 0,          /**< Create a task with a subset of the caller's capabilities. */
	RVX_SYS_CAP_GRANT = 1,           /**< Derive a narrowed capability into a task, or revoke a subtree. */
	RVX_SYS_REGION_MAP = 2,          /**< Create a region from the kernel's region pool. */
	RVX_SYS_QUEUE_SEND = 3,          /**< Send an inline or descriptor message. */
	RVX_SYS_QUEUE_RECV = 4,          /**< Receive a message, optionally blocking. */
	RVX_SYS_TIMER_WAIT = 5,          /**< Block until a deadline or for a duration. */
	RVX_SYS_RVF_MOUNT = 6,           /**< Verify and mount a signed package. */
	RVX_SYS_ATTEST_EMIT = 7,         /**< Append a proved caller attestation to the witness log. */
	RVX_SYS_VECTOR_GET = 8,          /**< Read a vector by key or run a k-NN query. */
	RVX_SYS_VECTOR_PUT_PROVED = 9,   /**< Insert or update a vector under a proof. */
	RVX_SYS_GRAPH_APPLY_PROVED = 10, /**< Apply a graph mutation under a proof. */
	RVX_SYS_SENSOR_SUBSCRIBE = 11,   /**< Route a sensor's events into a queue. */
	RVX_SYS_COUNT = 12               /**< Number of syscall numbers; not a syscall. */
};

/** No flags. Each call accepts only the flags listed for it; other bits must be 0. */
#define RVX_SYSCALL_F_NONE 0u
/** CapGrant: revoke the subtree derived from `cap` instead of granting. */
#define RVX_SYSCALL_F_REVOKE 0x1u
/** QueueSend: the payload is a `struct rvx_region_desc` naming a region capability. */
#define RVX_SYSCALL_F_DESC 0x2u
/** QueueRecv: block (with the timeout in arg[0]) instead of returning -RVX_EEMPTY. */
#define RVX_SYSCALL_F_BLOCK 0x4u
/** TimerWait: arg[0] is a duration from now rather than an absolute deadline. */
#define RVX_SYSCALL_F_RELATIVE 0x8u
/** VectorGet: run a k-NN query instead of a lookup by key. */
#define RVX_SYSCALL_F_QUERY 0x10u

/**
 * CapGrant: instead of granting, write the proof key of `cap` (a capability
 * of the caller with PROVE) to `out` as a `struct rvx_syscall_prove_key`.
 * Only flag of the call.
 */
#define RVX_SYSCALL_F_PROVE_KEY 0x20u

/**
 * What CapGrant with RVX_SYSCALL_F_PROVE_KEY writes (96 bytes, host byte
 * order): the Reflex/Standard MAC key of one PROVE capability and the
 * identity a token made with it must name. The key is
 * rvx_proof_issuer_key() of that identity, derived from the kernel secret,
 * which never leaves the kernel. A token MACed with it verifies only when
 * the same task presents it through the same capability (the token's
 * issuer must be a capability in the caller's own table, naming the
 * target); revoking the capability or moving its object's epoch on makes
 * the key useless.
 */
struct rvx_syscall_prove_key {
	uint8_t key[32];     /**< HMAC-SHA256 key of the capability (rvx_proof_issuer_key()). */
	uint64_t issuer;     /**< The capability's kernel-wide identity: a token's `issuer`. */
	uint64_t target;     /**< Raw registry handle of the object it names: a token's `target`. */
	uint64_t badge;      /**< The capability's badge. */
	uint32_t object;     /**< Registry index of the object. */
	uint32_t epoch;      /**< The capability's epoch. */
	uint64_t next_nonce; /**< Nonce above every one the identity's window accepted: every nonce from it up is accepted. */
	uint32_t tier;       /**< Least tier the object's policy demands (a vector or graph store's policy; AttestEmit's policy for a region or queue, from its manifest, or the kernel's attestation policy for other objects). */
	uint32_t reserved;   /**< Written as 0. */
};

_Static_assert(sizeof(struct rvx_syscall_prove_key) == 80, "ABI: prove key is 80 bytes");
_Static_assert(offsetof(struct rvx_syscall_prove_key, issuer) == 32 &&
		       offsetof(struct rvx_syscall_prove_key, target) == 40 &&
		       offsetof(struct rvx_syscall_prove_key, badge) == 48 &&
		       offsetof(struct rvx_syscall_prove_key, object) == 56 &&
		       offsetof(struct rvx_syscall_prove_key, epoch) == 60 &&
		       offsetof(struct rvx_syscall_prove_key, next_nonce) == 64 &&
		       offsetof(struct rvx_syscall_prove_key, tier) == 72 &&
		       offsetof(struct rvx_syscall_prove_key, reserved) == 76,
	       "ABI: prove key layout");

/**
 * Bytes of the mutation payload a VectorPutProved proof covers, for a
 * vector of @p dim components. The payload (rvx_syscall_vector_put_payload()
 * writes it) is, little-endian:
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 4 | coherence (arg[1]), Q16.16 |
 * | 4 | 4 * dim | the components, IEEE-754 binary32 |
 * The mutation hash is rvx_proof_mutation_hash() of (VectorPutProved, the
 * store's registry handle, the key, this payload).
 */
#define RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(dim) (4u + 4u * (size_t)(dim))

/**
 * Write the mutation payload a VectorPutProved proof covers (layout
 * above, RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES()). The
 * kernel builds its own with this function; a proof issuer hashes the same
 * bytes with rvx_proof_mutation_hash(). @p out may be the 4 bytes before
 * @p vec (the encoding is then made in place).
 * @param coherence the coherence value of the put (arg[1]), Q16.16
 * @param vec       @p dim components (any alignment)
 * @param dim       the store's dimension, 1..RVX_VEC_DIM_MAX
 * @param[out] out  RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(@p dim) bytes
 * @param cap       bytes at @p out
 * @return the payload's length in bytes
 * @retval -RVX_EINVAL @p vec or @p out NULL, or @p dim out of range
 * @retval -RVX_EBUFSMALL @p cap is too small
 */
long rvx_syscall_vector_put_payload(uint32_t coherence, const void *vec, uint32_t dim,
				    uint8_t *out, size_t cap);

/** The call completed (its result is in the result structure). */
#define RVX_SYSCALL_DONE 0
/** The task was blocked; the port switches away and resumes it later. */
#define RVX_SYSCALL_BLOCKED 1
/** QueueRecv re-issued after its blocking wait timed out: no message was taken. */
#define RVX_SYSCALL_TIMED_OUT 2

/**
 * A capability handed to a new task by TaskSpawn: the caller's handle and
 * the rights the child's copy gets (a subset).
 */
struct rvx_syscall_capxfer {
	uint64_t handle;  /**< The capability in the caller's table. */
	uint32_t rights;  /**< Rights for the child (subset of the source's). */
	uint32_t reserved;/**< Must be 0. */
};

_Static_assert(sizeof(struct rvx_syscall_capxfer) == 16, "ABI: capxfer is 16 bytes");

/**
 * Syscall arguments. What each field means depends on the syscall; see
 * rvx_syscall() for the table. Unused fields should be 0.
 */
struct rvx_syscall_args {
	uint32_t version; /**< RVX_SYSCALL_VERSION. */
	uint32_t flags;   /**< RVX_SYSCALL_F_* bits valid for the call; others must be 0. */
	uint64_t cap;     /**< The primary capability handle (in the caller's table). */
	uint64_t cap2;    /**< A secondary capability handle, where the call takes one. */
	uint64_t arg[7];  /**< Scalar arguments. */
	uint64_t in;      /**< Address of the input buffer, or 0. */
	uint64_t in_len;  /**< Bytes at `in`. */
	uint64_t out;     /**< Address of the output buffer, or 0. */
	uint64_t out_len; /**< Bytes at `out`. */
	uint64_t aux;     /**< Address of an auxiliary buffer (a proof token, a header), or 0. */
	uint64_t aux_len; /**< Bytes at `aux`. */
};

_Static_assert(sizeof(struct rvx_syscall_args) == 128, "ABI: args are 128 bytes");
_Static_assert(offsetof(struct rvx_syscall_args, cap) == 8 &&
		       offsetof(struct rvx_syscall_args, cap2) == 16 &&
		       offsetof(struct rvx_syscall_args, arg) == 24 &&
		       offsetof(struct rvx_syscall_args, in) == 80 &&
		       offsetof(struct rvx_syscall_args, out) == 96 &&
		       offsetof(struct rvx_syscall_args, aux) == 112 &&
		       offsetof(struct rvx_syscall_args, aux_len) == 120,
	       "ABI: args layout");

/**
 * Syscall result. The return value of rvx_syscall() is the error; this
 * holds values and, for proved mutations, the attestation. A successful
 * call writes version, status and value[]; QueueSend and QueueRecv (the
 * traffic fast path) leave the attestation fields as they were, every
 * other call writes them (zero when it attests nothing).
 */
struct rvx_syscall_result {
	uint32_t version;   /**< RVX_SYSCALL_VERSION (written by the kernel). */
	int32_t status;     /**< RVX_SYSCALL_DONE, RVX_SYSCALL_BLOCKED or RVX_SYSCALL_TIMED_OUT. */
	uint64_t value[4];  /**< Returned values (handles, lengths, counts); unused ones are 0. */
	uint64_t sequence;  /**< Attestation: witness sequence of the mutation's record. */
	uint64_t time;      /**< Attestation: kernel time of the mutation. */
	uint8_t chain_head[32];    /**< Attestation: the witness chain head after the record. */
	uint8_t mutation_hash[32]; /**< Attestation: the mutation hash the kernel computed. */
	uint8_t tier;       /**< Attestation: the proof tier that authorised it (0: none). */
	uint8_t reserved[7];/**< Written as 0. */
};

_Static_assert(sizeof(struct rvx_syscall_result) == 128, "ABI: result is 128 bytes");
_Static_assert(offsetof(struct rvx_syscall_result, value) == 8 &&
		       offsetof(struct rvx_syscall_result, sequence) == 40 &&
		       offsetof(struct rvx_syscall_result, chain_head) == 56 &&
		       offsetof(struct rvx_syscall_result, mutation_hash) == 88 &&
		       offsetof(struct rvx_syscall_result, tier) == 120,
	       "ABI: result layout");

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_NUCLEUS_SYSCALL_H */
