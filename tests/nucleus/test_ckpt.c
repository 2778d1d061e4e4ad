/* SPDX-License-Identifier: Apache-2.0 */
/* Checkpoint and restore: a second kernel restored from a checkpoint has the
 * same state hash, the same vector, the same queue contents, the same chain
 * head, and still refuses a proof the first one already consumed. */
#include "nk_fixture.h"

TestSuite(nucleus_ckpt, .init = nk_setup);

static struct nk_world W2;

/* Where `needle` occurs in `hay`, or NULL (C11 has no memmem). */
static const uint8_t *find(const uint8_t *hay, size_t n, const void *needle, size_t len)
{
	for (size_t i = 0; i + len <= n; i++) {
		if (memcmp(hay + i, needle, len) == 0)
			return hay + i;
	}
	return NULL;
}
static uint8_t ck[1u << 20], ck2[1u << 20];
static struct rvx_proof_token tok;

static void mutate(void)
{
	const float v[NK_DIM] = {0.5f, 1.5f, 2.5f, 3.5f};
	uint8_t msg[6] = "queued";
	struct rvx_syscall_args a = nk_args(nk_vstore.raw);
	struct rvx_syscall_args m = nk_args(nk_root.task.raw);

	a.arg[0] = 11;
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = sizeof(v);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), 11, v, 0, 1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	m.arg[0] = RVX_REGION_POLICY_SLAB;
	m.arg[1] = 128;
	m.arg[2] = 16;
	NK_OK(0, RVX_SYS_REGION_MAP, m);
	a = nk_args(nk_queue.raw);
	a.in = (uint64_t)(uintptr_t)msg;
	a.in_len = sizeof(msg);
	NK_OK(0, RVX_SYS_QUEUE_SEND, a);
	a = nk_args(nk_root.task.raw);
	NK_OK(0, RVX_SYS_TASK_SPAWN, a);
}

Test(nucleus_ckpt, restore_reproduces_state)
{
	uint8_t h1[32], h2[32];
	size_t n1, n2;
	struct rvx_witness_head head1, head2;
	struct rvx_kernel_stats s1, s2;
	float out[NK_DIM];
	uint8_t buf[16];
	struct rvx_queue_msg_hdr hdr;
	struct rvx_syscall_args a;
	struct rvx_vec_meta meta;
	uint64_t before;

	mutate();
	nk_snap();
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n1, h1), 0);
	cr_assert(nk_unchanged(), "a checkpoint is a read");
	cr_assert_eq(n1, rvx_kernel_checkpoint_size(&W.k));
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, 16, NULL, NULL), -RVX_EBUFSMALL);

	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck, n1), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert_eq(n1, n2);
	cr_assert(memcmp(h1, h2, 32) == 0, "state hash differs after restore");
	rvx_kernel_witness_head(&W.k, &head1);
	rvx_kernel_witness_head(&W2.k, &head2);
	cr_assert(memcmp(&head1, &head2, sizeof(head1)) == 0);
	rvx_kernel_stats(&W.k, &s1);
	rvx_kernel_stats(&W2.k, &s2);
	cr_assert(memcmp(&s1, &s2, sizeof(s1)) == 0);
	cr_assert_eq(rvx_vec_store_verify(&W2.k.vstores[0].store), 0);
	cr_assert_eq(rvx_vec_store_meta(&W2.k.vstores[0].store, 11, &meta), 0);

	/* the restored kernel serves the same data through the dispatcher */
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 11;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = sizeof(out);
	cr_assert_eq(rvx_syscall(&W2.k, 0, RVX_SYS_VECTOR_GET, &a, &nk_res), 0);
	cr_assert(out[3] == 3.5f);
	a = nk_args(nk_queue.raw);
	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = sizeof(buf);
	a.aux = (uint64_t)(uintptr_t)&hdr;
	a.aux_len = sizeof(hdr);
	cr_assert_eq(rvx_syscall(&W2.k, 0, RVX_SYS_QUEUE_RECV, &a, &nk_res), 0);
	cr_assert(memcmp(buf, "queued", 6) == 0);
	/* the consumed nonce stays consumed */
	{
		const float v[NK_DIM] = {0.5f, 1.5f, 2.5f, 3.5f};

		a = nk_args(nk_vstore.raw);
		a.arg[0] = 11;
		a.in = (uint64_t)(uintptr_t)v;
		a.in_len = sizeof(v);
		a.aux = (uint64_t)(uintptr_t)&tok;
		a.aux_len = sizeof(tok);
		before = W2.k.log.sequence;
		cr_assert_eq(rvx_syscall(&W2.k, 0, RVX_SYS_VECTOR_PUT_PROVED, &a, &nk_res),
			     -RVX_EPROOF);
		cr_assert_eq(W2.k.log.sequence, before + 1);
		/* and a fresh proof works (keys derived again from the secret) */
		tok.nonce = 2;
		{
			struct rvx_proof_token t2;

			nk_proof_put(&t2, 0, nk_vstore,
				 nk_target(0, nk_vstore), 11, v, 0, 2);
			a.aux = (uint64_t)(uintptr_t)&t2;
			cr_assert_eq(rvx_syscall(&W2.k, 0, RVX_SYS_VECTOR_PUT_PROVED, &a, &nk_res), 0);
		}
	}
}

Test(nucleus_ckpt, secret_keys_not_in_checkpoint)
{
	size_t n;
	const uint8_t *hit;

	mutate(); /* the issuer's key is now cached in the engine */
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	for (uint32_t i = 0; i < RVX_ARRAY_COUNT(W.k.issuers); i++) {
		if (!W.k.issuers[i].key_ready)
			continue;
		hit = find(ck, n, W.k.issuers[i].key_inner, 32);
		cr_assert_null(hit, "issuer key state found in the checkpoint");
	}
	hit = find(ck, n, W.k.proof.secret_ctx, sizeof(W.k.proof.secret_ctx));
	cr_assert_null(hit);
}

Test(nucleus_ckpt, corrupted_or_mismatched_refused)
{
	size_t n;

	mutate();
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	nk_setup_world(&W2);
	/* before: W2 freshly booted; after each refusal: unchanged */
	{
		static struct nk_world snap2;

		memcpy(&snap2, &W2, sizeof(W2));
		ck[100] ^= 1;
		cr_assert_eq(rvx_kernel_restore(&W2.k, ck, n), -RVX_EINVAL);
		cr_assert(memcmp(&snap2, &W2, sizeof(W2)) == 0);
		ck[100] ^= 1;
		cr_assert_eq(rvx_kernel_restore(&W2.k, ck, n - 1), -RVX_EINVAL);
		cr_assert(memcmp(&snap2, &W2, sizeof(W2)) == 0);
		/* a destination without the graph store does not fit */
		W2.k.gstores[0].live = 0;
		memcpy(&snap2, &W2, sizeof(W2));
		cr_assert_eq(rvx_kernel_restore(&W2.k, ck, n), -RVX_EINVAL);
		cr_assert(memcmp(&snap2, &W2, sizeof(W2)) == 0);
		cr_assert_eq(rvx_kernel_restore(NULL, ck, n), -RVX_EINVAL);
	}
}
