/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "ruvix/atomic.h"
#include "ruvix/port.h"
#include "ruvix/types.h"

Test(types, handle_round_trip)
{
	rvx_handle_t h = rvx_handle_make(0xdeadbeefu, 0x12345678u);

	cr_assert_eq(rvx_handle_index(h), 0xdeadbeefu);
	cr_assert_eq(rvx_handle_gen(h), 0x12345678u);
	cr_assert_eq(h.raw, 0x12345678deadbeefull);
	cr_assert(!rvx_handle_is_null(h));
	cr_assert(rvx_handle_is_null(RVX_HANDLE_NULL));
}

Test(types, generation_skips_zero)
{
	cr_assert_eq(rvx_gen_next(1), 2u);
	cr_assert_eq(rvx_gen_next(UINT32_MAX), 1u);
}

Test(types, rights_subset)
{
	cr_assert(rvx_rights_subset(RVX_RIGHT_READ, RVX_RIGHT_READ | RVX_RIGHT_WRITE));
	cr_assert(rvx_rights_subset(0, 0));
	cr_assert(!rvx_rights_subset(RVX_RIGHT_GRANT, RVX_RIGHT_READ));
	cr_assert(!rvx_rights_subset(RVX_RIGHTS_ALL, RVX_RIGHTS_ALL & ~RVX_RIGHT_PROVE));
	cr_assert_eq(RVX_RIGHTS_ALL,
		     RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT | RVX_RIGHT_REVOKE |
			     RVX_RIGHT_EXECUTE | RVX_RIGHT_PROVE | RVX_RIGHT_GRANT_ONCE);
}

Test(types, strerror_every_code_named_and_distinct)
{
	for (int i = 0; i < RVX_ERR_COUNT; i++) {
		const char *s = rvx_strerror(i);
		cr_assert_str_neq(s, "unknown error", "code %d has no name", i);
		cr_assert_str_eq(rvx_strerror(-i), s, "sign must not matter for %d", i);
		for (int j = 0; j < i; j++)
			cr_assert_str_neq(s, rvx_strerror(j), "codes %d and %d share a name", i, j);
	}
}

Test(types, strerror_out_of_range)
{
	cr_assert_str_eq(rvx_strerror(RVX_ERR_COUNT), "unknown error");
	cr_assert_str_eq(rvx_strerror(-RVX_ERR_COUNT), "unknown error");
	cr_assert_str_eq(rvx_strerror(INT32_MIN), "unknown error");
	cr_assert_str_eq(rvx_strerror(INT32_MAX), "unknown error");
}

Test(types, stable_codes)
{
	/* The numeric values are ABI: a reorder must be caught here. */
	cr_assert_eq(RVX_EBADCAP, 1);
	cr_assert_eq(RVX_EFULL, 6);
	cr_assert_eq(RVX_ESTALE, 19);
	cr_assert_eq(RVX_EBADDESC, 26);
	cr_assert_eq(RVX_EBUSY, 29);
	cr_assert_str_eq(rvx_strerror(-RVX_EBADDESC), "invalid descriptor region");
}

Test(types, atomics)
{
	uint32_t w = 0;
	uint64_t d = 5;

	rvx_store_release_u32(&w, 7);
	cr_assert_eq(rvx_load_acquire_u32(&w), 7u);
	rvx_store_relaxed_u32(&w, 9);
	cr_assert_eq(rvx_load_relaxed_u32(&w), 9u);
	cr_assert_eq(rvx_fetch_add_u64(&d, 3), 5u);
	cr_assert_eq(rvx_load_acquire_u64(&d), 8u);
	rvx_store_release_u64(&d, 1);
	cr_assert_eq(d, 1u);
}

Test(port_hosted, init_and_clocks)
{
	cr_assert_eq(rvx_port_init(), 0);
	cr_assert_eq(rvx_port_init(), 0, "init is idempotent");
	uint64_t a = rvx_port_time_real_ns();
	uint64_t b = rvx_port_time_real_ns();
	cr_assert_geq(b, a);
	cr_assert_geq(rvx_port_time_real_resolution_ns(), 1u);
}

Test(port_hosted, virtual_clock)
{
	/* Each Criterion test runs in its own process, so the clock starts at 0. */
	cr_assert_eq(rvx_port_time_virtual_ns(), 0u);
	cr_assert_eq(rvx_port_time_virtual_advance(100), 100u);
	cr_assert_eq(rvx_port_time_virtual_set(250), 0);
	cr_assert_eq(rvx_port_time_virtual_ns(), 250u);
	/* before: 250; a backwards set fails; after: still 250 */
	cr_assert_eq(rvx_port_time_virtual_set(249), -RVX_EINVAL);
	cr_assert_eq(rvx_port_time_virtual_ns(), 250u);
	cr_assert_eq(rvx_port_time_virtual_advance(UINT64_MAX), UINT64_MAX, "saturates");
}

Test(port_hosted, entropy)
{
	unsigned char a[600], b[600];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	cr_assert_eq(rvx_port_entropy(a, sizeof(a)), 0);
	cr_assert_eq(rvx_port_entropy(b, sizeof(b)), 0);
	cr_assert_neq(memcmp(a, b, sizeof(a)), 0, "two draws must differ");
	cr_assert_eq(rvx_port_entropy(a, 0), 0);
}

Test(port_hosted, cpus)
{
	cr_assert_geq(rvx_port_cpu_count(), 1u);
	cr_assert_lt(rvx_port_cpu_id(), rvx_port_cpu_count());
	rvx_port_cpu_relax();
	rvx_port_barrier_device();
}

Test(port_hosted, panic_aborts, .signal = SIGABRT)
{
	rvx_port_panic("deliberate");
}

Test(port_hosted, console)
{
	/* The console writes to stdout; redirect it and read it back. */
	cr_redirect_stdout();
	rvx_port_console_write("hello\n", 6);
	fflush(stdout);
	cr_assert_stdout_eq_str("hello\n");
}
