/* SPDX-License-Identifier: Apache-2.0 */
/* A booted kernel with pools, one queue, one vector and one graph store and a
 * sensor, plus helpers to issue syscalls, snapshot all state and mint proofs. */
#ifndef NK_FIXTURE_H
#define NK_FIXTURE_H

#include <criterion/criterion.h>
#include <stdalign.h>
#include <string.h>

#include "ruvix/nucleus.h"
#include "rvx_test.h"

#define NK_NOW 1000000u
#define NK_DIM 4u
#define NK_VCAP 16u

struct nk_world {
	struct rvx_kernel k;
	alignas(64) uint8_t region_pool[16384];
	alignas(64) uint8_t queue_pool[65536];
	alignas(64) uint8_t journal[262144];
	alignas(64) uint8_t ring[512 * 64];
	alignas(64) uint8_t scratch[8192];
	alignas(64) uint8_t vmem[262144];
	alignas(64) uint8_t gmem[RVX_GRAPH_BYTES(16, 32)];
	alignas(64) uint8_t store_pool[65536];
};

extern struct nk_world W;
extern struct rvx_kernel_root nk_root;
extern rvx_handle_t nk_queue, nk_vstore, nk_gstore, nk_sensor_cap;
extern uint32_t nk_sensor;
extern struct rvx_syscall_result nk_res;

void nk_setup(void);
/* Boot a world and create the fixture's objects in it (same handles each time). */
void nk_setup_world(struct nk_world *w);
/* Boot a world as nk_setup_world() does, under another kernel secret. */
void nk_setup_world_secret(struct nk_world *w, const uint8_t *secret, size_t len);
/* Recompute a checkpoint's SHA-256 trailer after an edit, and (if it carries
 * one and `mac` is true) its MAC under the fixture's kernel secret, derived
 * as documented: HMAC-SHA256(secret, "ruvix.ckpt.v1"). */
void nk_ckpt_reseal(uint8_t *ck, size_t n, bool mac);
/* Arguments with the version set and everything else 0. */
struct rvx_syscall_args nk_args(uint64_t cap);
int nk_call(uint32_t task, uint32_t nr, const struct rvx_syscall_args *a);
/* CPUs of the worlds nk_setup_world() boots (1 unless a test says). */
extern uint32_t nk_cpus;
/* Snapshot every byte of the world; nk_unchanged() compares. */
void nk_snap(void);
bool nk_unchanged(void);
/* Records appended so far. */
uint64_t nk_records(void);
/* Kind of the most recent record. */
uint16_t nk_last_kind(void);
/* Registry handle of the object a capability of `task` names. */
uint64_t nk_target(uint32_t task, rvx_handle_t cap);
/* Mint a Reflex proof by `issuer` (a PROVE capability of `task`) for the
 * mutation (nr, target, key, payload). */
void nk_proof(struct rvx_proof_token *t, uint32_t task, rvx_handle_t issuer, uint32_t nr,
	      uint64_t target, uint64_t key, const void *payload, size_t len, uint64_t nonce);
/* Mint a Reflex proof for VectorPutProved of the NK_DIM-vector `vec` with
 * `coherence` (the payload of rvx_syscall_vector_put_payload()). */
void nk_proof_put(struct rvx_proof_token *t, uint32_t task, rvx_handle_t issuer, uint64_t target,
		  uint64_t key, const float *vec, uint32_t coherence, uint64_t nonce);
/* Spawn a child of the root holding copies of the given capabilities. */
uint32_t nk_spawn(const struct rvx_syscall_capxfer *x, uint32_t n, uint64_t *handles);

/* A call that must fail with `err` and change nothing at all. */
#define NK_FAIL(task, nr, a, err)                                              \
	do {                                                                   \
		int nk_r_;                                                     \
		nk_snap();                                                     \
		nk_r_ = nk_call((task), (nr), &(a));                           \
		cr_assert_eq(nk_r_, (err), "syscall %u returned %d (%s), expected %d", \
			     (unsigned)(nr), nk_r_, rvx_strerror(nk_r_), (int)(err)); \
		cr_assert(nk_unchanged(), "state changed by a failed syscall %u", \
			  (unsigned)(nr));                                     \
	} while (0)

#define NK_OK(task, nr, a)                                                     \
	do {                                                                   \
		int nk_r_ = nk_call((task), (nr), &(a));                       \
		cr_assert_eq(nk_r_, 0, "syscall %u returned %d (%s)", (unsigned)(nr), \
			     nk_r_, rvx_strerror(nk_r_));                      \
	} while (0)

/* The reason of the most recent PROOF_REJECTED record, from the journal. */
uint32_t nk_last_reject_reason(void);
/* A test authority's uncompressed P-256 public key (for Deep policies). */
extern uint8_t nk_auth_pub[65];
/* Mint a Deep proof by `issuer` (a PROVE capability of `task`), signed by the
 * test authority. */
void nk_proof_deep(struct rvx_proof_token *t, uint32_t task, rvx_handle_t issuer, uint32_t nr,
		   uint64_t target, uint64_t key, const void *payload, size_t len, uint64_t nonce);

#endif
