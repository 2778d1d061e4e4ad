/* SPDX-License-Identifier: Apache-2.0 */
/* A task without capabilities gets an error, and changes nothing, for every
 * implemented syscall; handles of another task's table mean nothing in its
 * own. */
#include "nk_fixture.h"

TestSuite(nucleus_isolation, .init = nk_setup);

Test(nucleus_isolation, capless_task_gets_errors_everywhere)
{
	uint32_t t = nk_spawn(NULL, 0, NULL);
	static uint8_t buf[256];
	static struct rvx_proof_token tok;
	const float v[NK_DIM] = {1, 2, 3, 4};
	struct rvx_graph_mutation m;
	struct rvx_syscall_args a;
	const uint64_t handles[] = {nk_root.task.raw, nk_root.clock.raw, nk_queue.raw,
				    nk_vstore.raw, nk_gstore.raw, nk_sensor_cap.raw};
	uint32_t nr, i, tested = 0;

	memset(&m, 0, sizeof(m));
	m.kind = RVX_GRAPH_OP_ADD_NODE;
	nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), 1, v, 0, 1);
	for (nr = 0; nr < RVX_SYS_COUNT; nr++) {
		for (i = 0; i < RVX_ARRAY_COUNT(handles); i++) {
			int ret;

			a = nk_args(handles[i]);
			a.cap2 = nk_queue.raw;
			a.arg[0] = 1;
			a.arg[1] = RVX_RIGHT_READ;
			a.out = (uint64_t)(uintptr_t)buf;
			a.out_len = sizeof(buf);
			a.aux = (uint64_t)(uintptr_t)&tok;
			a.aux_len = sizeof(tok);
			if (nr == RVX_SYS_GRAPH_APPLY_PROVED) {
				a.in = (uint64_t)(uintptr_t)&m;
				a.in_len = sizeof(m);
			} else if (nr == RVX_SYS_VECTOR_PUT_PROVED) {
				a.in = (uint64_t)(uintptr_t)v;
				a.in_len = sizeof(v);
			}
			nk_snap();
			ret = nk_call(t, nr, &a);
			cr_assert(ret == -RVX_EBADCAP || ret == -RVX_ESTALE,
				  "syscall %u with handle %u: %d (%s)", nr, i, ret,
				  rvx_strerror(ret));
			cr_assert(nk_unchanged(), "syscall %u changed state", nr);
			tested++;
		}
	}
	cr_assert_eq(tested, 12 * RVX_ARRAY_COUNT(handles));
}

Test(nucleus_isolation, wrong_rights_are_refused)
{
	/* A child holding READ-only copies can neither write nor prove. */
	struct rvx_syscall_capxfer x[2] = {{nk_queue.raw, RVX_RIGHT_READ, 0},
					   {nk_vstore.raw, RVX_RIGHT_READ, 0}};
	uint64_t h[2];
	uint32_t t = nk_spawn(x, 2, h);
	static struct rvx_proof_token tok;
	const float v[NK_DIM] = {1, 2, 3, 4};
	uint8_t msg[4] = {0};
	struct rvx_syscall_args a = nk_args(h[0]);

	a.in = (uint64_t)(uintptr_t)msg;
	a.in_len = sizeof(msg);
	NK_FAIL(t, RVX_SYS_QUEUE_SEND, a, -RVX_ERIGHTS);
	a = nk_args(h[1]);
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = sizeof(v);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	NK_FAIL(t, RVX_SYS_VECTOR_PUT_PROVED, a, -RVX_ERIGHTS);
	NK_FAIL(t, RVX_SYS_ATTEST_EMIT, a, -RVX_ERIGHTS);
	a.cap2 = h[0];
	NK_FAIL(t, RVX_SYS_SENSOR_SUBSCRIBE, a, -RVX_ETYPE);
}
