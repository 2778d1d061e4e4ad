/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guarded stacks (ruvix/hosted_stack.h): argument checks with state left
 * unchanged, the guard's protection as the kernel reports it, and release.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "hosted_fixture.h"
#include "ruvix/err.h"
#include "ruvix/hosted_stack.h"

static size_t page;

static void setup(void)
{
	page = rvx_hstack_page_size();
}

TestSuite(hosted_stack, .init = setup);

Test(hosted_stack, page_size_is_sane)
{
	cr_assert_geq(page, 4096u);
	cr_assert_eq(page & (page - 1u), 0u);
}

Test(hosted_stack, prepare_rejects_bad_arguments)
{
	size_t size = 8u * page;
	unsigned char *mem = fx_map(size);
	/* A hole: mapped, then unmapped, so mprotect() fails there. */
	unsigned char *hole = fx_map(2u * page);
	struct rvx_hstack st, snap;
	char prot[5];
	struct {
		struct rvx_hstack *st;
		void *mem;
		size_t size, guard;
	} bad[] = {
		{NULL, mem, size, page},
		{&st, NULL, size, page},
		{&st, mem + 8, size - page, page},     /* misaligned block */
		{&st, mem, size - 1u, page},           /* size not in pages */
		{&st, mem, size, page + 1u},           /* guard not in pages */
		{&st, mem, size, 0},                   /* no guard */
		{&st, mem, size, size},                /* nothing usable */
		{&st, mem, page, page},                /* one page: all guard */
		{&st, hole, 2u * page, page},          /* not mapped */
	};

	fx_unmap(hole, 2u * page);
	memset(&st, 0xa5, sizeof(st));
	memcpy(&snap, &st, sizeof(st));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(rvx_hstack_prepare(bad[i].st, bad[i].mem, bad[i].size,
						bad[i].guard),
			     -RVX_EINVAL, "case %zu", i);
		cr_assert_eq(memcmp(&st, &snap, sizeof(st)), 0, "case %zu wrote st", i);
		/* the block is still ordinary memory */
		fx_prot(mem, prot);
		cr_assert_str_eq(prot, "rw-p", "case %zu changed protection", i);
		mem[0] = 1;
	}
	fx_unmap(mem, size);
}

Test(hosted_stack, prepare_protects_the_lowest_pages)
{
	size_t size = 16u * page;
	unsigned char *mem = fx_map(size);
	struct rvx_hstack st;
	char prot[5];

	/* before: the whole block is read-write */
	fx_prot(mem, prot);
	cr_assert_str_eq(prot, "rw-p");
	cr_assert_eq(rvx_hstack_prepare(&st, mem, size, 2u * page), 0);
	/* after: two guard pages, the rest usable */
	cr_assert_eq(st.mem, mem);
	cr_assert_eq(st.size, size);
	cr_assert_eq(st.guard, 2u * page);
	cr_assert_eq(st.base, mem + 2u * page);
	cr_assert_eq(st.usable, 14u * page);
	fx_prot(mem, prot);
	cr_assert_str_eq(prot, "---p");
	fx_prot(mem + 2u * page - 1u, prot);
	cr_assert_str_eq(prot, "---p");
	fx_prot(mem + 2u * page, prot);
	cr_assert_str_eq(prot, "rw-p");
	mem[2u * page] = 1;     /* usable bottom */
	mem[size - 1u] = 1;     /* usable top */
	cr_assert_eq(rvx_hstack_release(&st), 0);
	fx_unmap(mem, size);
}

Test(hosted_stack, guard_faults_without_a_handler, .signal = SIGSEGV)
{
	size_t size = 4u * page;
	volatile unsigned char *mem = fx_map(size);
	struct rvx_hstack st;

	cr_assert_eq(rvx_hstack_prepare(&st, (void *)mem, size, page), 0);
	/* The default action, not a sanitizer's report-and-exit. */
	signal(SIGSEGV, SIG_DFL);
	mem[page - 1u] = 1;
	cr_assert_fail("a write to the guard did not fault");
}

Test(hosted_stack, release_restores_and_rejects_a_second_release)
{
	size_t size = 4u * page;
	unsigned char *mem = fx_map(size);
	struct rvx_hstack st, snap;
	char prot[5];

	cr_assert_eq(rvx_hstack_prepare(&st, mem, size, page), 0);
	/* before: guard inaccessible */
	fx_prot(mem, prot);
	cr_assert_str_eq(prot, "---p");
	cr_assert_eq(rvx_hstack_release(&st), 0);
	/* after: the guard is memory again and st is unprepared */
	fx_prot(mem, prot);
	cr_assert_str_eq(prot, "rw-p");
	mem[0] = 0x77;
	cr_assert_eq(mem[0], 0x77);
	cr_assert_null(st.mem);
	cr_assert_null(st.base);
	cr_assert_eq(st.usable, 0u);

	memcpy(&snap, &st, sizeof(st));
	cr_assert_eq(rvx_hstack_release(&st), -RVX_EINVAL);
	cr_assert_eq(memcmp(&st, &snap, sizeof(st)), 0);
	cr_assert_eq(rvx_hstack_release(NULL), -RVX_EINVAL);
	fx_unmap(mem, size);
}

Test(hosted_stack, release_of_a_never_prepared_stack)
{
	struct rvx_hstack st, snap;

	memset(&st, 0, sizeof(st));
	memcpy(&snap, &st, sizeof(st));
	cr_assert_eq(rvx_hstack_release(&st), -RVX_EINVAL);
	cr_assert_eq(memcmp(&st, &snap, sizeof(st)), 0);
}
