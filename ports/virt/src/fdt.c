/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virt board half of main.c. Its DTB: the core's scan (memory, GICv2, timer, PSCI, CPUs,
 * /chosen) plus the PL011 console, the one /chosen stdout-path names when
 * there are several, and its interrupt. PSCI is required: it starts the secondary CPUs. Runs
 * before the MMU is on (built with -mstrict-align).
 */
#include <libfdt.h>

#include "vdev.h"

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

/*
 * Whether a boot argument asks for a virtio driver (rvx.net..., rvx.persist...,
 * rvx.fat=...). Only then are the virtio-mmio slots read from the DTB: on QEMU
 * virt that is 32 nodes, about a million guest instructions of libfdt lookups
 * (MMU off), which a boot that uses no device should not pay before its first
 * witness record.
 */
static bool wants_virtio(void)
{
	static const char *const keys[] = {"rvx.net", "rvx.persist", "rvx.fat"};
	const char *p = rvx_a64_board.bootargs;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t n = strlen(keys[i]);

			if (strncmp(p, keys[i], n) == 0 &&
			    (p[n] == '=' || p[n] == '.' || p[n] == ' ' || p[n] == '\0'))
				return true;
		}
		while (*p != ' ' && *p != '\0')
			p++;
	}
	return false;
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
	err = rvx_a64_fdt_machine(true, what);
	if (err == 0 && wants_virtio())
		rvx_virt_vdev_scan(dtb);
	return err;
}

const char rvx_virt_board_name[] = "virt";
const char rvx_virt_board_el2_hint[] = ": start QEMU with -M virt,virtualization=on";

bool rvx_virt_board_console(void)
{
	if (rvx_a64_board.uart.base == 0)
		return false;
	rvx_a64_pl011_init(rvx_a64_board.uart.base);
	rvx_a64_board.console_write = rvx_a64_pl011_write;
	return true;
}

size_t rvx_virt_console_rx(char *buf, size_t cap)
{
	return rvx_a64_pl011_rx(buf, cap);
}

void rvx_virt_console_rx_irq(bool on)
{
	rvx_a64_pl011_rx_irq(on);
}

_Noreturn void rvx_virt_board_reset(void)
{
	rvx_a64_system_reset();
}

const char *rvx_virt_board_model(void)
{
	return "qemu-virt";
}

void rvx_virt_board_report(void)
{
	const struct rvx_a64_board *b = &rvx_a64_board;

	rvx_a64_printf("console: PL011 at 0x%lx; GICv2 D 0x%lx C 0x%lx; timer INTID %u; PSCI %s; "
		       "CNTFRQ %lu Hz\n",
			b->uart.base, b->gicd.base, b->gicc.base, b->timer_intid,
			b->psci_smc == RVX_A64_PSCI_SMC ? "smc" : "hvc", rvx_a64_counter_freq());
}

/* The board's way to start a CPU: PSCI CPU_ON into the core's entry. */
static int virt_cpu_start(uint32_t index)
{
	return rvx_a64_psci_cpu_on(rvx_a64_board.cpu_mpidr[index],
				   (uint64_t)(uintptr_t)rvx_a64_secondary_entry, index);
}

void rvx_virt_board_smp(void)
{
	const struct rvx_a64_board *b = &rvx_a64_board;

	if (b->cpu_count < 2)
		return;
	if (b->psci_smc != RVX_A64_PSCI_SMC) {
		rvx_a64_puts("smp: the DTB's PSCI conduit is HVC, which traps to this image at "
			     "EL2; running on one CPU\n");
		return;
	}
	rvx_a64_board.cpu_start = virt_cpu_start;
	(void)rvx_a64_smp_start();
}
