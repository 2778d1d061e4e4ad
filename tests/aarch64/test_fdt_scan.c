/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AArch64 core's DTB scan (ports/aarch64/src/fdt.c), which reads the
 * structure block itself, tag by tag, over a DTB laid out as QEMU's virt
 * board writes it: what it finds agrees with libfdt's own lookups, and every
 * truncation, bad tag, oversized length, unterminated name and random byte
 * of the structure block gives an error or a result, never a read outside
 * the blob (each variant is a heap buffer of its exact size, where ASan
 * builds catch a read past it).
 */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "a64.h"

/* The image's first byte, which the memory scan compares with RAM. */
char __image_start[16];

static uint8_t blob[8192];

static void prop_u32s(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t cells[16];

	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	cr_assert_eq(fdt_property(fdt, name, cells, 4 * n), 0);
}

/* A small virt-like DTB: memory, two CPUs, PSCI, GICv2, the timer, two
 * PL011s (stdout-path names the second), a virtio node, /chosen. */
static void build(void)
{
	static const uint32_t mem[] = {0, 0x40000000u, 0, 0x10000000u};
	static const uint32_t gic[] = {0, 0x08000000u, 0, 0x10000, 0, 0x08010000u, 0, 0x10000};
	static const uint32_t timer[] = {1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4};
	static const uint32_t uart0[] = {0, 0x09000000u, 0, 0x1000};
	static const uint32_t uart1[] = {0, 0x09040000u, 0, 0x1000};
	static const char compat_gic[] = "arm,cortex-a15-gic";
	static const char compat_psci[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	static const char compat_uart[] = "arm,pl011\0arm,primecell";
	void *fdt = blob;

	cr_assert_eq(fdt_create(fdt, sizeof(blob)), 0);
	cr_assert_eq(fdt_finish_reservemap(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, ""), 0);
	cr_assert_eq(fdt_property_u32(fdt, "#address-cells", 2), 0);
	cr_assert_eq(fdt_property_u32(fdt, "#size-cells", 2), 0);
	cr_assert_eq(fdt_property_string(fdt, "compatible", "linux,dummy-virt"), 0);
	cr_assert_eq(fdt_begin_node(fdt, "psci"), 0);
	cr_assert_eq(fdt_property(fdt, "compatible", compat_psci, sizeof(compat_psci)), 0);
	cr_assert_eq(fdt_property_string(fdt, "method", "smc"), 0);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, "memory@40000000"), 0);
	cr_assert_eq(fdt_property_string(fdt, "device_type", "memory"), 0);
	prop_u32s(fdt, "reg", mem, 4);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, "virtio_mmio@a000000"), 0);
	cr_assert_eq(fdt_property(fdt, "dma-coherent", "", 0), 0);
	cr_assert_eq(fdt_property_string(fdt, "compatible", "virtio,mmio"), 0);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, "pl011@9000000"), 0);
	cr_assert_eq(fdt_property(fdt, "compatible", compat_uart, sizeof(compat_uart)), 0);
	prop_u32s(fdt, "reg", uart0, 4);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, "pl011@9040000"), 0);
	cr_assert_eq(fdt_property(fdt, "compatible", compat_uart, sizeof(compat_uart)), 0);
	prop_u32s(fdt, "reg", uart1, 4);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, "intc@8000000"), 0);
	cr_assert_eq(fdt_property(fdt, "compatible", compat_gic, sizeof(compat_gic)), 0);
	prop_u32s(fdt, "reg", gic, 8);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, "cpus"), 0);
	cr_assert_eq(fdt_property_u32(fdt, "#address-cells", 1), 0);
	cr_assert_eq(fdt_property_u32(fdt, "#size-cells", 0), 0);
	for (uint32_t c = 0; c < 2; c++) {
		cr_assert_eq(fdt_begin_node(fdt, c == 0 ? "cpu@0" : "cpu@1"), 0);
		cr_assert_eq(fdt_property_string(fdt, "device_type", "cpu"), 0);
		cr_assert_eq(fdt_property_string(fdt, "compatible", "arm,cortex-a72"), 0);
		cr_assert_eq(fdt_property_u32(fdt, "reg", c), 0);
		cr_assert_eq(fdt_end_node(fdt), 0);
	}
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, "timer"), 0);
	cr_assert_eq(fdt_property_string(fdt, "compatible", "arm,armv8-timer"), 0);
	prop_u32s(fdt, "interrupts", timer, 12);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, "chosen"), 0);
	cr_assert_eq(fdt_property_string(fdt, "stdout-path", "/pl011@9040000"), 0);
	cr_assert_eq(fdt_property_string(fdt, "bootargs", "rvx.selftest"), 0);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_finish(fdt), 0);
	cr_assert_eq(fdt_pack(fdt), 0);
	cr_assert_eq(fdt_check_header(fdt), 0);
}

static const char *const pl011[] = {"arm,pl011"};

/* A copy of @p n bytes in a heap buffer of exactly that size (malloc's
 * alignment is the 8 bytes the scan requires), so a read past it leaves the
 * allocation. */
static void *tail_copy(const void *src, size_t n, void **base)
{
	uint8_t *p = malloc(n);

	cr_assert_not_null(p);
	memcpy(p, src, n);
	*base = p;
	return p;
}

Test(fdt_scan, finds_what_libfdt_finds)
{
	const char *what = "";
	const struct rvx_a64_fdt_node *uart;
	const struct rvx_a64_board *b = &rvx_a64_board;

	build();
	memset(&rvx_a64_board, 0, sizeof(rvx_a64_board));
	cr_assert_eq(rvx_a64_fdt_scan(blob, pl011, 1, &what), 0, "%s", what);
	uart = rvx_a64_fdt_stdout_device();
	cr_assert_not_null(uart);
	cr_assert_eq(uart->node, fdt_path_offset(blob, "/pl011@9040000"));
	cr_assert_eq(uart->depth, 1);
	cr_assert_eq(uart->anc[0], 0);
	cr_assert_eq(rvx_a64_fdt_machine(true, &what), 0, "%s", what);
	cr_assert_eq(b->mem.base, 0x40000000u);
	cr_assert_eq(b->mem.size, 0x10000000u);
	cr_assert_eq(b->gicd.base, 0x08000000u);
	cr_assert_eq(b->gicc.base, 0x08010000u);
	cr_assert_eq(b->timer_intid, 26u);
	cr_assert_eq(b->psci_smc, RVX_A64_PSCI_SMC);
	cr_assert_eq(b->cpu_count_dtb, 2u);
	cr_assert_eq(b->cpu_mpidr[1], 1u);
	cr_assert_str_eq(b->bootargs, "rvx.selftest");
	{
		int count = 0;
		const struct rvx_a64_fdt_node *d = rvx_a64_fdt_devices(&count);

		cr_assert_eq(count, 2);
		cr_assert_eq(d[0].node, fdt_path_offset(blob, "/pl011@9000000"));
		cr_assert_eq(d[1].node, fdt_path_offset(blob, "/pl011@9040000"));
	}
}

/* Every way the structure block can lie gives an error or a result; the
 * truncated and mis-tagged ones an error. */
Test(fdt_scan, malformed_structure_is_an_error_not_a_wild_read)
{
	const char *what;
	uint32_t off, size;
	void *base;

	build();
	off = fdt_off_dt_struct(blob);
	size = fdt_size_dt_struct(blob);
	/* before: the whole block scans; after: each block cut before the
	 * root's end is refused (the FDT_END word after it is not needed) */
	cr_assert_eq(rvx_a64_fdt_scan(blob, pl011, 1, &what), 0);
	for (uint32_t cut = 0; cut < size - 4u; cut += 4) {
		uint8_t *t = tail_copy(blob, off + cut, &base);

		memcpy(t, blob, off);
		fdt_set_size_dt_struct(t, cut);
		fdt_set_totalsize(t, off + cut);
		fdt_set_off_dt_strings(t, off + cut);
		fdt_set_size_dt_strings(t, 0);
		int rc = rvx_a64_fdt_scan(t, pl011, 1, &what);

		cr_assert(rc == -FDT_ERR_TRUNCATED || rc == -FDT_ERR_BADSTRUCTURE,
			  "structure cut at %u: %d (%s)", cut, rc, what);
		free(base);
	}
	/* Every tag before the root's end replaced by a value no tag has. */
	for (int at = 0, next = 0; fdt_next_tag(blob, at, &next) != FDT_END; at = next) {
		uint8_t *t = tail_copy(blob, fdt_totalsize(blob), &base);

		*(fdt32_t *)(void *)(t + off + (uint32_t)at) = cpu_to_fdt32(0x77u);
		int rc = rvx_a64_fdt_scan(t, pl011, 1, &what);

		cr_assert_eq(rc, -FDT_ERR_BADSTRUCTURE, "tag at %d: %d (%s)", at, rc, what);
		free(base);
	}
	/* A property whose length runs past the block. */
	{
		int node = fdt_path_offset(blob, "/timer");
		int prop = fdt_first_property_offset(blob, node);
		uint8_t *t = tail_copy(blob, fdt_totalsize(blob), &base);

		cr_assert_geq(prop, 0);
		*(fdt32_t *)(void *)(t + off + (uint32_t)prop + 4) = cpu_to_fdt32(0x7ffffff0u);
		cr_assert_eq(rvx_a64_fdt_scan(t, pl011, 1, &what), -FDT_ERR_TRUNCATED);
		free(base);
	}
	/* A node name with no NUL before the block's end. */
	{
		uint8_t *t = tail_copy(blob, off + 12, &base);

		memcpy(t, blob, off);
		memcpy(t + off, blob + off, 4); /* FDT_BEGIN_NODE */
		memcpy(t + off + 4, "abcdefgh", 8);
		fdt_set_size_dt_struct(t, 12);
		fdt_set_totalsize(t, off + 12);
		fdt_set_off_dt_strings(t, off + 12);
		fdt_set_size_dt_strings(t, 0);
		cr_assert_eq(rvx_a64_fdt_scan(t, pl011, 1, &what), -FDT_ERR_TRUNCATED);
		free(base);
	}
}

Test(fdt_scan, random_bytes_in_the_structure_never_read_outside)
{
	const char *what;
	uint32_t off, size;
	void *base;

	build();
	off = fdt_off_dt_struct(blob);
	size = fdt_size_dt_struct(blob);
	srand(19);
	for (int i = 0; i < 20000; i++) {
		uint8_t *t = tail_copy(blob, fdt_totalsize(blob), &base);
		int flips = 1 + rand() % 4;

		for (int f = 0; f < flips; f++)
			t[off + (uint32_t)rand() % size] = (uint8_t)rand();
		if (rvx_a64_fdt_scan(t, pl011, 1, &what) == 0)
			(void)rvx_a64_fdt_stdout_device();
		free(base);
	}
}
