/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Misuse of the prover: a component whose capability to the vector store
 * lacks PROVE asks for its proof key. The kernel refuses it (a capability
 * fault: the task is restarted, nothing written), and a token it forges
 * with a key of its own choosing is refused by the store.
 * Capabilities: 0 the image's vector store (READ, WRITE; no PROVE).
 */
#include "ruvix/user.h"
#include "ruvix/user_a64.h"
#include "ruvix/user_proof.h"

#define DIM 8u

static uint32_t life;
static struct rvx_user_prover p;

void noprove_main(const struct rvx_user_start *s)
{
	rvx_handle_t vstore = {s->caps[0]};
	struct rvx_proof_token tok;
	struct rvx_syscall_result att;
	float v[DIM];
	int rc;

	rvx_user_init(s);
	if (life++ == 0) {
		memset(&p, 0x5A, sizeof(p));
		__asm__ volatile("" ::: "memory"); /* stored before the fault restarts us */

		rc = rvx_sys_prove_key(vstore, &p);
		rvx_user_a64_printf("RVX-PROBE-NOT-STOPPED noprove got a proof key (%d)", rc);
		rvx_user_a64_exit(6);
	}
	/* Restarted after the refusal: nothing was written into p. */
	rvx_user_a64_printf("RVX-NOPROVE its key request without PROVE was refused, key %s",
			    p.key[0] == 0x5A && p.key[31] == 0x5A ? "untouched" : "WRITTEN");
	/* A forged prover: its own key, the store's identity guessed. */
	memset(&p, 0, sizeof(p));
	p.next_nonce = 1;
	p.tier = RVX_PROOF_TIER_REFLEX;
	for (uint32_t d = 0; d < DIM; d++)
		v[d] = (float)d;
	rc = rvx_user_prove_vector_put(&p, 300, 1u << 16, v, DIM, s->now_ns + 1000000000u, &tok);
	if (rc == 0)
		rc = rvx_sys_vector_put_proved(vstore, 300, 1u << 16, v, DIM, &tok, sizeof(tok), &att);
	rvx_user_a64_printf("RVX-NOPROVE a forged token: %s (%d)",
			    rc == -RVX_EPROOF ? "refused" : "ACCEPTED", rc);
}
