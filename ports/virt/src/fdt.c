/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virt board's DTB: the core's scan (memory, GICv2, timer, PSCI, CPUs,
 * /chosen) plus the PL011 console, the one /chosen stdout-path names when
 * there are several. PSCI is required: it starts the secondary CPUs. Runs
 * before the MMU is on (built with -mstrict-align).
 */
#include <libfdt.h>

#include "virt.h"

int rvx_virt_fdt_parse(const void *dtb, const char **what)
{
	static const char *const pl011[] = {"arm,pl011"};
	const struct rvx_a64_fdt_node *uart;
	int err;

	err = rvx_a64_fdt_scan(dtb, pl011, 1, what);
	if (err != 0)
		return err;
	*what = "PL011 UART";
	uart = rvx_a64_fdt_stdout_device();
	if (uart == NULL)
		return -FDT_ERR_NOTFOUND;
	err = rvx_a64_fdt_reg(uart, 0, &rvx_a64_board.uart);
	if (err != 0)
		return err;
	return rvx_a64_fdt_machine(true, what);
}
