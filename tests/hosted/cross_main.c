/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hosted port's contexts, guard and sensor checks as a plain program
 * (no Criterion), for a host where Criterion is not installed: built for
 * AArch64 by check-cross.sh and run under qemu-user. Prints one line per
 * check and exits non-zero on the first failure.
 */
#define _GNU_SOURCE
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ruvix/err.h"
#include "ruvix/hosted_ctx.h"
#include "ruvix/hosted_fault.h"
#include "ruvix/hosted_sensor.h"
#include "ruvix/hosted_stack.h"

uint32_t rvx_test_switch_check(struct rvx_hctx *from, struct rvx_hctx *to,
			       uint64_t seed);
void rvx_test_switch_clobber(struct rvx_hctx *from, struct rvx_hctx *to);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			exit(1);                                               \
		}                                                              \
	} while (0)

#define STACK_BYTES ((size_t)256u * 1024u)

static struct rvx_hctx main_ctx, task_ctx;
static unsigned char *stack_mem;

static void exit_to_main(void *arg)
{
	(void)arg;
	rvx_hctx_exit(&main_ctx);
}

static volatile uint64_t ping;

static void ping_entry(void *arg)
{
	for (uint64_t i = 0; i < *(uint64_t *)arg; i++) {
		ping++;
		rvx_hctx_switch(&task_ctx, &main_ctx);
	}
}

static void clobber_entry(void *arg)
{
	(void)arg;
	for (;;)
		rvx_test_switch_clobber(&task_ctx, &main_ctx);
}

static volatile int fp_mode_at_entry = -1, fp_mode_later = -1;

static void fp_entry(void *arg)
{
	(void)arg;
	fp_mode_at_entry = fegetround();
	fesetround(FE_DOWNWARD);
	rvx_hctx_switch(&task_ctx, &main_ctx);
	fp_mode_later = fegetround();
}

static volatile uintptr_t frame_at_entry;

static void align_entry(void *arg)
{
	(void)arg;
	frame_at_entry = (uintptr_t)__builtin_frame_address(0);
}

static volatile int keep_going = 1;

static uint64_t __attribute__((noinline)) recurse(uint64_t depth)
{
	volatile uint8_t pad[512];

	pad[0] = (uint8_t)depth;
	if (!keep_going)
		return pad[0];
	return recurse(depth + 1u) + pad[0];
}

static void overflow_entry(void *arg)
{
	(void)arg;
	recurse(0);
}

static volatile int normal_done;

static void normal_entry(void *arg)
{
	(void)arg;
	normal_done = 1;
}

int main(void)
{
	uint64_t rounds = 100000;
	size_t page = rvx_hstack_page_size();

	stack_mem = mmap(NULL, STACK_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(stack_mem != MAP_FAILED);

	/* switching both ways */
	CHECK(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, ping_entry, &rounds,
			    exit_to_main) == 0);
	for (uint64_t i = 0; i < rounds; i++)
		rvx_hctx_switch(&main_ctx, &task_ctx);
	CHECK(ping == rounds);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	printf("ok switch round trips\n");

	/* x19-x29 and d8-d15 */
	CHECK(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, clobber_entry, NULL,
			    exit_to_main) == 0);
	for (uint64_t i = 0; i < 1000; i++) {
		uint32_t lost = rvx_test_switch_check(&main_ctx, &task_ctx,
						      0x0123456789abcdefu * (i + 1u));
		if (lost != 0)
			printf("lost mask 0x%x\n", lost);
		CHECK(lost == 0);
	}
	printf("ok callee-saved registers\n");

	/* FPCR */
	fesetround(FE_UPWARD);
	CHECK(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, fp_entry, NULL,
			    exit_to_main) == 0);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	CHECK(fp_mode_at_entry == FE_TONEAREST);
	CHECK(fegetround() == FE_UPWARD);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	CHECK(fp_mode_later == FE_DOWNWARD);
	CHECK(fegetround() == FE_UPWARD);
	fesetround(FE_TONEAREST);
	printf("ok floating-point control\n");

	/* alignment */
	for (size_t skew = 0; skew < 16; skew++) {
		CHECK(rvx_hctx_init(&task_ctx, stack_mem + skew, STACK_BYTES - 2u * skew - 1u,
				    align_entry, NULL, exit_to_main) == 0);
		rvx_hctx_switch(&main_ctx, &task_ctx);
		CHECK(frame_at_entry % 16u == 0);
	}
	printf("ok entry alignment\n");

	/* guard overflow contained, twice, then a normal task */
	{
		struct rvx_hstack st;
		struct rvx_hfault_scope scope;
		struct rvx_hfault_record rec;
		sigset_t now;

		CHECK(rvx_hfault_install() == 0);
		CHECK(rvx_hfault_thread_init() == 0);
		CHECK(rvx_hstack_prepare(&st, stack_mem, STACK_BYTES, page) == 0);
		CHECK(rvx_hfault_scope_init(&scope, &st, &main_ctx, &rec, 0) == 0);
		for (int round = 0; round < 2; round++) {
			memset(&rec, 0, sizeof(rec));
			CHECK(rvx_hctx_init(&task_ctx, st.base, st.usable, overflow_entry, NULL,
					    exit_to_main) == 0);
			rvx_hfault_set_current(&scope);
			rvx_hctx_switch(&main_ctx, &task_ctx);
			rvx_hfault_set_current(NULL);
			CHECK(rec.kind == RVX_HFAULT_STACK_OVERFLOW);
			CHECK(rec.addr >= (uintptr_t)stack_mem &&
			      rec.addr < (uintptr_t)st.base);
			CHECK(pthread_sigmask(SIG_BLOCK, NULL, &now) == 0);
			CHECK(!sigismember(&now, SIGSEGV));
			normal_done = 0;
			CHECK(rvx_hctx_init(&task_ctx, st.base, st.usable, normal_entry, NULL,
					    exit_to_main) == 0);
			rvx_hctx_switch(&main_ctx, &task_ctx);
			CHECK(normal_done == 1);
		}
		CHECK(rvx_hstack_release(&st) == 0);
		rvx_hfault_thread_fini();
	}
	printf("ok guard overflow contained\n");

	/* the vector stream's bytes match the x86-64 test's known value */
	{
		static alignas(64) uint8_t store[RVX_QUEUE_STORAGE_SIZE(8, 256)];
		struct rvx_queue q;
		struct rvx_hsensor s;
		struct rvx_queue_msg_hdr h;
		struct rvx_hsensor_vector_cfg c = {
			.seed = 42, .dim = 4, .clusters = 4, .spread_q16 = 3277, .burst = 1,
		};
		uint8_t msg[256];
		uint64_t sum = 0;
		int n;

		CHECK(rvx_queue_init(&q, store, sizeof(store), 8, 256) == 0);
		CHECK(rvx_hsensor_vector_init(&s, &c, 0) == 0);
		CHECK(rvx_hsensor_poll(&s, 0, &q) == 1);
		n = rvx_queue_recv(&q, &h, msg, sizeof(msg));
		CHECK(n == 32);
		for (int i = 0; i < n; i++)
			sum = sum * 131u + msg[i];
		CHECK(sum == 0x88f91ea9df36bf35ull);
	}
	printf("ok vector stream bytes\n");
	printf("all checks passed\n");
	return 0;
}
