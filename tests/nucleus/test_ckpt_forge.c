/* SPDX-License-Identifier: Apache-2.0 */
/* Forged checkpoints: bytes edited and the SHA-256 trailer recomputed (the
 * MAC too, where the test stands in for a kernel holding the secret, so the
 * structural checks alone are exercised). Every forgery is refused, the
 * kernel is left byte for byte as it was, and syscalls still work. */
#include "nk_fixture.h"

#include <stddef.h>

TestSuite(nucleus_ckpt_forge, .init = nk_setup);

static struct nk_world W2;
static uint8_t ck[1u << 20];
static size_t ck_n;

/* Offset of the kernel image inside the checkpoint: header, section header. */
#define IMG 48u
#define KOFF(f) (IMG + offsetof(struct rvx_kernel, f))

/* Some state worth forging: a child task with granted capabilities (a
 * derivation tree), a message in the queue, a slab region, a vector, an
 * armed wait timer. */
static void populate(void)
{
	const float v[NK_DIM] = {1.0f, 2.0f, 3.0f, 4.0f};
	struct rvx_proof_token tok;
	struct rvx_syscall_capxfer x[2];
	uint64_t handles[2];
	uint8_t msg[5] = "hello";
	struct rvx_syscall_args a;

	memset(x, 0, sizeof(x));
	x[0].handle = nk_queue.raw;
	x[0].rights = RVX_RIGHTS_ALL;
	x[1].handle = nk_vstore.raw;
	x[1].rights = RVX_RIGHT_READ;
	(void)nk_spawn(x, 2, handles);
	a = nk_args(nk_queue.raw);
	a.in = (uint64_t)(uintptr_t)msg;
	a.in_len = sizeof(msg);
	NK_OK(0, RVX_SYS_QUEUE_SEND, a);
	a = nk_args(nk_root.task.raw);
	a.arg[0] = RVX_REGION_POLICY_SLAB;
	a.arg[1] = 256;
	a.arg[2] = 32;
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 5;
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = sizeof(v);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof(&tok, 0, nk_vstore, RVX_SYS_VECTOR_PUT_PROVED, nk_target(0, nk_vstore), 5, v,
		 sizeof(v), 1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &ck_n, NULL), 0);
}

/* Syscalls that touch the capability tree, the scheduler, the queue and
 * the stores all still work. */
static void still_works(void)
{
	struct rvx_syscall_capxfer x;
	uint64_t h;
	uint8_t buf[64];
	struct rvx_queue_msg_hdr hdr;
	float out[NK_DIM];
	struct rvx_syscall_args a;

	memset(&x, 0, sizeof(x));
	x.handle = nk_queue.raw;
	x.rights = RVX_RIGHT_READ;
	(void)nk_spawn(&x, 1, &h);
	a = nk_args(nk_queue.raw);
	a.in = (uint64_t)(uintptr_t)"ok";
	a.in_len = 2;
	NK_OK(0, RVX_SYS_QUEUE_SEND, a);
	a = nk_args(nk_queue.raw);
	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = sizeof(buf);
	a.aux = (uint64_t)(uintptr_t)&hdr;
	a.aux_len = sizeof(hdr);
	NK_OK(0, RVX_SYS_QUEUE_RECV, a);
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 5;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = sizeof(out);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	cr_assert(out[1] == 2.0f);
}

/* Restore `ck` (edited by the caller) into W: refused, nothing changed. */
static void refused(bool mac)
{
	int ret;

	nk_ckpt_reseal(ck, ck_n, mac);
	nk_snap();
	ret = rvx_kernel_restore(&W.k, ck, ck_n);
	cr_assert_eq(ret, -RVX_EINVAL, "forged checkpoint restored (%d)", ret);
	cr_assert(nk_unchanged(), "a refused restore changed the kernel");
	still_works();
}

static inline void put32(size_t off, uint32_t v)
{
	memcpy(ck + off, &v, 4);
}

Test(nucleus_ckpt_forge, edited_byte_with_recomputed_digest_refused)
{
	/* before: a checkpoint of W; after: a harmless counter edited and the
	 * SHA-256 recomputed, which anyone can do: only the MAC catches it */
	populate();
	ck[KOFF(sensors[0].events)] ^= 0x5a;
	refused(false);
}

Test(nucleus_ckpt_forge, other_secret_refused)
{
	static const uint8_t other[32] = "another kernel's secret, 32 byte";
	static struct nk_world snap2;

	populate();
	nk_setup_world_secret(&W2, other, sizeof(other));
	memcpy(&snap2, &W2, sizeof(W2));
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck, ck_n), -RVX_EINVAL);
	cr_assert(memcmp(&snap2, &W2, sizeof(W2)) == 0);
	/* and the checkpoint is fine for a kernel with the right secret */
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck, ck_n), 0);
}

Test(nucleus_ckpt_forge, authentic_checkpoint_restores)
{
	populate();
	nk_ckpt_reseal(ck, ck_n, true);
	cr_assert_eq(rvx_kernel_restore(&W.k, ck, ck_n), 0);
	still_works();
}
