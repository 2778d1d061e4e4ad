/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Contexts (ruvix/hosted_ctx.h): the initial frame, switching both ways
 * many times, callee-saved and floating-point control state across
 * switches, stack alignment at entry, deep recursion on a task stack, the
 * on_return path and its trap.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <string.h>

#include "hosted_fixture.h"
#include "ruvix/err.h"
#include "ruvix/hosted_ctx.h"

#define STACK_BYTES ((size_t)256u * 1024u)

/* The host thread's own context and one task, shared with the entry
 * functions (tests run one per process). */
static struct rvx_hctx main_ctx;
static struct rvx_hctx task_ctx;
static void *stack_mem;

static void setup(void)
{
	memset(&main_ctx, 0, sizeof(main_ctx));
	memset(&task_ctx, 0, sizeof(task_ctx));
	stack_mem = fx_map(STACK_BYTES);
}

static void teardown(void)
{
	fx_unmap(stack_mem, STACK_BYTES);
}

TestSuite(hosted_ctx, .init = setup, .fini = teardown);

static void exit_to_main(void *arg)
{
	(void)arg;
	rvx_hctx_exit(&main_ctx);
}

static void never(void *arg)
{
	(void)arg;
}

/* ---- rvx_hctx_init --------------------------------------------------- */

Test(hosted_ctx, init_rejects_bad_arguments)
{
	struct rvx_hctx c, snap;
	unsigned char *stack = stack_mem;
	static unsigned char stack_snap[STACK_BYTES];
	struct {
		struct rvx_hctx *c;
		void *stack;
		size_t size;
		void (*entry)(void *);
		void (*on_return)(void *);
	} bad[] = {
		{NULL, stack, STACK_BYTES, never, exit_to_main},
		{&c, NULL, STACK_BYTES, never, exit_to_main},
		{&c, stack, STACK_BYTES, NULL, exit_to_main},
		{&c, stack, STACK_BYTES, never, NULL},
		{&c, stack, RVX_HCTX_STACK_MIN - 1u, never, exit_to_main},
		{&c, stack, 0, never, exit_to_main},
		{&c, (void *)(UINTPTR_MAX - 4095u), 8192, never, exit_to_main},
	};

	memset(&c, 0xa5, sizeof(c));
	memset(stack, 0x5a, STACK_BYTES);
	memcpy(&snap, &c, sizeof(c));
	memcpy(stack_snap, stack, STACK_BYTES);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(rvx_hctx_init(bad[i].c, bad[i].stack, bad[i].size,
					   bad[i].entry, NULL, bad[i].on_return),
			     -RVX_EINVAL, "case %zu", i);
		cr_assert_eq(memcmp(&c, &snap, sizeof(c)), 0, "context changed, case %zu", i);
		cr_assert_eq(memcmp(stack, stack_snap, STACK_BYTES), 0,
			     "stack changed, case %zu", i);
	}
}

Test(hosted_ctx, init_writes_only_the_top_frame)
{
	unsigned char *stack = stack_mem;
	size_t frame_room = RVX_HCTX_FRAME_BYTES + 32u;

	/* before: the stack is a known pattern */
	memset(stack, 0x5a, STACK_BYTES);
	cr_assert_eq(rvx_hctx_init(&task_ctx, stack, STACK_BYTES, never, NULL,
				   exit_to_main), 0);
	/* after: everything below the frame is untouched, sp is inside the
	 * top frame_room bytes, and the bounds are recorded */
	for (size_t i = 0; i < STACK_BYTES - frame_room; i++)
		cr_assert_eq(stack[i], 0x5a, "byte %zu written", i);
	cr_assert_geq((uintptr_t)task_ctx.sp, (uintptr_t)stack + STACK_BYTES - frame_room);
	cr_assert_lt((uintptr_t)task_ctx.sp, (uintptr_t)stack + STACK_BYTES);
	cr_assert_eq((uintptr_t)task_ctx.sp % 8u, 0u);
	cr_assert_eq(task_ctx.stack_lo, stack);
	cr_assert_eq(task_ctx.stack_size, STACK_BYTES);
}

/* ---- switching ------------------------------------------------------- */

static int entry_arg_seen;

static void record_arg(void *arg)
{
	entry_arg_seen = *(int *)arg;
}

Test(hosted_ctx, first_switch_runs_entry_then_on_return)
{
	int value = 4242;

	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, record_arg,
				   &value, exit_to_main), 0);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	cr_assert_eq(entry_arg_seen, 4242);
}

static volatile uint64_t ping_count;

static void ping_entry(void *arg)
{
	uint64_t rounds = *(uint64_t *)arg;

	for (uint64_t i = 0; i < rounds; i++) {
		cr_assert_eq(ping_count, 2u * i + 1u);
		ping_count++;
		rvx_hctx_switch(&task_ctx, &main_ctx);
	}
}

Test(hosted_ctx, switch_back_and_forth_many_times)
{
	uint64_t rounds = 100000;

	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, ping_entry,
				   &rounds, exit_to_main), 0);
	for (uint64_t i = 0; i < rounds; i++) {
		cr_assert_eq(ping_count, 2u * i);
		ping_count++;
		rvx_hctx_switch(&main_ctx, &task_ctx);
	}
	cr_assert_eq(ping_count, 2u * rounds);
	/* The task's loop ends; its return reaches on_return, which exits. */
	rvx_hctx_switch(&main_ctx, &task_ctx);
	cr_assert_eq(ping_count, 2u * rounds);
}

/* The task keeps switching back with every callee-saved register full of
 * garbage; the checker in the main context must find its own values. */
static void clobber_entry(void *arg)
{
	(void)arg;
	for (;;)
		rvx_test_switch_clobber(&task_ctx, &main_ctx);
}

Test(hosted_ctx, callee_saved_registers_survive_switches)
{
	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, clobber_entry,
				   NULL, exit_to_main), 0);
	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t seed = 0x0123456789abcdefu * (i + 1u);
		uint32_t lost = rvx_test_switch_check(&main_ctx, &task_ctx, seed);

		cr_assert_eq(lost, 0u, "round %llu: registers lost, mask 0x%x",
			     (unsigned long long)i, lost);
	}
}

/* Both directions: the main context keeps values in callee-saved
 * registers while the task checks its own. */
static volatile uint32_t task_lost;

static void check_entry(void *arg)
{
	(void)arg;
	for (uint64_t i = 0;; i++)
		task_lost |= rvx_test_switch_check(&task_ctx, &main_ctx,
						   0xfedcba9876543210u ^ i);
}

Test(hosted_ctx, callee_saved_registers_survive_in_the_task_too)
{
	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, check_entry,
				   NULL, exit_to_main), 0);
	for (int i = 0; i < 1000; i++)
		rvx_test_switch_clobber(&main_ctx, &task_ctx);
	cr_assert_eq(task_lost, 0u, "task registers lost, mask 0x%x", task_lost);
}

/* ---- floating point -------------------------------------------------- */

static volatile int fp_task_mode_at_entry = -1;
static volatile int fp_task_mode_later = -1;
static volatile float fp_task_third = 0.0f;

static float third(void)
{
	volatile float one = 1.0f, three = 3.0f;

	return one / three;
}

static void fp_entry(void *arg)
{
	(void)arg;
	fp_task_mode_at_entry = fegetround();
	fesetround(FE_DOWNWARD);
	rvx_hctx_switch(&task_ctx, &main_ctx);
	fp_task_mode_later = fegetround();
	fp_task_third = third();
}

Test(hosted_ctx, floating_point_control_is_per_context)
{
	float up, down, mine;

	fesetround(FE_DOWNWARD);
	down = third();
	fesetround(FE_UPWARD);
	up = third();
	cr_assert_neq(up, down, "rounding modes must give different results");

	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, fp_entry,
				   NULL, exit_to_main), 0);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	/* A new context starts in the ABI's initial mode, not the caller's. */
	cr_assert_eq(fp_task_mode_at_entry, FE_TONEAREST);
	/* The task's FE_DOWNWARD did not leak into this context. */
	cr_assert_eq(fegetround(), FE_UPWARD);
	mine = third();
	cr_assert_eq(mine, up);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	/* And ours did not leak into the task: it computed rounding down. */
	cr_assert_eq(fp_task_mode_later, FE_DOWNWARD);
	cr_assert_eq(fp_task_third, down);
	cr_assert_eq(fegetround(), FE_UPWARD);
	fesetround(FE_TONEAREST);
}

static volatile double fp_task_sum;

static void fp_sum_entry(void *arg)
{
	double acc = 0.5;

	(void)arg;
	for (int i = 1; i <= 100; i++) {
		acc += 1.0 / (double)i;
		rvx_hctx_switch(&task_ctx, &main_ctx);
		acc *= 1.0;
	}
	fp_task_sum = acc;
}

Test(hosted_ctx, floating_point_values_survive_switches)
{
	double mine = 0.25, expect_task = 0.5, expect_mine = 0.25;

	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, fp_sum_entry,
				   NULL, exit_to_main), 0);
	for (int i = 1; i <= 100; i++) {
		mine += 2.0 / (double)i;
		expect_task += 1.0 / (double)i;
		expect_mine += 2.0 / (double)i;
		rvx_hctx_switch(&main_ctx, &task_ctx);
	}
	rvx_hctx_switch(&main_ctx, &task_ctx); /* the task finishes */
	cr_assert_eq(fp_task_sum, expect_task);
	cr_assert_eq(mine, expect_mine);
}

/* ---- stack ----------------------------------------------------------- */

static volatile uintptr_t frame_at_entry;
static volatile uintptr_t frame_nested;

static void __attribute__((noinline)) nested_frame(void)
{
	frame_nested = (uintptr_t)__builtin_frame_address(0);
}

static void align_entry(void *arg)
{
	(void)arg;
	frame_at_entry = (uintptr_t)__builtin_frame_address(0);
	nested_frame();
}

Test(hosted_ctx, entry_stack_is_16_byte_aligned)
{
	unsigned char *stack = stack_mem;

	/* An odd base and size: the top is rounded down inside. */
	for (size_t skew = 0; skew < 16; skew++) {
		frame_at_entry = 1;
		frame_nested = 1;
		cr_assert_eq(rvx_hctx_init(&task_ctx, stack + skew, STACK_BYTES - 2u * skew - 1u,
					   align_entry, NULL, exit_to_main), 0);
		rvx_hctx_switch(&main_ctx, &task_ctx);
		/* The frame address is the stack pointer right after the frame
		 * pointer is pushed at entry (x86-64: rsp+8 is 16-aligned at a
		 * call, so rsp-8 after the push is too; AArch64: sp is always
		 * 16-aligned). */
		cr_assert_eq(frame_at_entry % 16u, 0u, "skew %zu: entry frame %#lx", skew,
			     (unsigned long)frame_at_entry);
		cr_assert_eq(frame_nested % 16u, 0u, "skew %zu", skew);
		cr_assert_gt(frame_at_entry, (uintptr_t)stack);
		cr_assert_lt(frame_at_entry, (uintptr_t)stack + STACK_BYTES);
	}
}

static volatile uint64_t recursion_result;

static uint64_t __attribute__((noinline)) recurse(uint32_t depth)
{
	volatile uint8_t pad[200];

	pad[0] = (uint8_t)depth;
	pad[199] = (uint8_t)(depth >> 8);
	if (depth == 0)
		return 1;
	return recurse(depth - 1u) + pad[0] + ((uint64_t)pad[199] << 8);
}

static void recurse_entry(void *arg)
{
	recursion_result = recurse(*(uint32_t *)arg);
}

Test(hosted_ctx, deep_recursion_on_the_task_stack)
{
	uint32_t depth = 800; /* about 200 KiB of frames, more under ASan */
	uint64_t expect = 1;
	size_t big = 4u * 1024u * 1024u;
	void *mem = fx_map(big);

	for (uint32_t d = 1; d <= depth; d++)
		expect += d;
	cr_assert_eq(rvx_hctx_init(&task_ctx, mem, big, recurse_entry, &depth,
				   exit_to_main), 0);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	cr_assert_eq(recursion_result, expect);
	fx_unmap(mem, big);
}

/* ---- several contexts ------------------------------------------------ */

#define RING 8
static struct rvx_hctx ring_ctx[RING];
static volatile uint32_t ring_trace[RING * 100];
static volatile uint32_t ring_pos;

static void ring_entry(void *arg)
{
	uint32_t me = (uint32_t)(uintptr_t)arg;

	for (int round = 0; round < 100; round++) {
		ring_trace[ring_pos++] = me;
		rvx_hctx_switch(&ring_ctx[me], &main_ctx);
	}
}

Test(hosted_ctx, round_robin_over_eight_contexts)
{
	unsigned char *stack = stack_mem;
	size_t each = STACK_BYTES / RING;

	for (uint32_t i = 0; i < RING; i++)
		cr_assert_eq(rvx_hctx_init(&ring_ctx[i], stack + i * each, each, ring_entry,
					   (void *)(uintptr_t)i, exit_to_main), 0);
	for (int round = 0; round < 100; round++)
		for (uint32_t i = 0; i < RING; i++)
			rvx_hctx_switch(&main_ctx, &ring_ctx[i]);
	cr_assert_eq(ring_pos, RING * 100u);
	for (uint32_t k = 0; k < RING * 100u; k++)
		cr_assert_eq(ring_trace[k], k % RING, "slot %u", k);
}

/* A context suspended on one host thread resumes on another. */
static struct rvx_hctx thread_ctx;
static volatile int migrate_step;

static void migrate_entry(void *arg)
{
	(void)arg;
	migrate_step = 1;
	rvx_hctx_switch(&task_ctx, &main_ctx); /* back to the main thread */
	migrate_step = 2;
	rvx_hctx_switch(&task_ctx, &thread_ctx); /* back to the helper thread */
}

static void *migrate_thread(void *arg)
{
	(void)arg;
	rvx_hctx_switch(&thread_ctx, &task_ctx);
	return NULL;
}

Test(hosted_ctx, context_moves_between_host_threads)
{
	pthread_t t;

	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, migrate_entry,
				   NULL, exit_to_main), 0);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	cr_assert_eq(migrate_step, 1);
	memset(&thread_ctx, 0, sizeof(thread_ctx));
	cr_assert_eq(pthread_create(&t, NULL, migrate_thread, NULL), 0);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(migrate_step, 2);
}

/* ---- on_return ------------------------------------------------------- */

static volatile int returned_arg;

static void return_at_once(void *arg)
{
	(void)arg;
}

static void on_return_records(void *arg)
{
	returned_arg = *(int *)arg;
	rvx_hctx_exit(&main_ctx);
}

Test(hosted_ctx, on_return_runs_and_the_stack_is_reusable)
{
	int a = 7, b = 9;

	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, return_at_once,
				   &a, on_return_records), 0);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	cr_assert_eq(returned_arg, 7);
	/* The same stack, a new context. */
	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, return_at_once,
				   &b, on_return_records), 0);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	cr_assert_eq(returned_arg, 9);
}

static void on_return_returns(void *arg)
{
	(void)arg;
}

#if defined(__x86_64__)
#define TRAP_SIGNAL SIGILL
#else
#define TRAP_SIGNAL SIGTRAP
#endif

Test(hosted_ctx, on_return_that_returns_traps, .signal = TRAP_SIGNAL)
{
	cr_assert_eq(rvx_hctx_init(&task_ctx, stack_mem, STACK_BYTES, return_at_once,
				   NULL, on_return_returns), 0);
	rvx_hctx_switch(&main_ctx, &task_ctx);
	cr_assert_fail("a context whose on_return returned came back");
}
