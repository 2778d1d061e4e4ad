/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virt board's DTB: the core's scan (memory, GICv2, timer, PSCI, CPUs,
 * /chosen) plus the PL011 console, the one /chosen stdout-path names when
 * there are several, and its interrupt. PSCI is required: it starts the secondary CPUs. Runs
 * before the MMU is on (built with -mstrict-align).
 */
#include <libfdt.h>

#include "virt.h"

uint32_t rvx_virt_uart_intid;

/* The console's interrupt (GICv2: SPI n is INTID 32 + n, PPI n 16 + n), for
 * the shell's receive; 0 when the DTB gives none. */
static void uart_intid(const void *dtb, int node)
{
	int len = 0;
	const fdt32_t *irq = fdt_getprop(dtb, node, "interrupts", &len);

	if (irq == NULL || len < 12)
		return;
	rvx_virt_uart_intid = fdt32_to_cpu(irq[1]) + (fdt32_to_cpu(irq[0]) == 0 ? 32u : 16u);
}

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
	uart_intid(dtb, uart->node);
	return rvx_a64_fdt_machine(true, what);
}
