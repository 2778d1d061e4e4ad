/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Raspberry Pi 4 (BCM2711) board half of the kernel main the image
 * shares with virt (ports/virt/src/main.c, virt.h): its DTB, its consoles
 * (PL011 and the mini UART), the VideoCore mailbox and the spin-table
 * start of the secondary CPUs. Everything is found through the DTB: the
 * peripherals' `reg` are VideoCore bus addresses (0x7e......) that the
 * core's helpers translate through /soc `ranges` into CPU addresses, and
 * the mailbox's buffer address goes the other way, through /soc
 * `dma-ranges`. Nothing here knows an address.
 *
 * Runs before the MMU is on but rvx_virt_board_smp() (built with
 * -mstrict-align; aligned 32-bit register accesses only).
 */
#include <libfdt.h>

#include "ruvix/types.h"
#include "rpi4.h"
#include "virt.h"

const char rvx_virt_board_name[] = "rpi4";
const char rvx_virt_board_el2_hint[] =
	": the Pi 4 firmware (armstub8) and QEMU raspi4b enter kernel8.img at EL2";

/* Mini UART (bcm2835-aux-uart) registers, from its `reg`. */
#define MU_IO 0x00u
#define MU_IER 0x04u
#define MU_LSR 0x14u
#define MU_LSR_DATA_READY (1u << 0)
#define MU_LSR_TX_EMPTY (1u << 5)
/* Its interrupt enable: bit 0 receive (the datasheet swaps bits 0 and 1;
 * the board and QEMU follow the 16550), bits 3:2 needed on the board for
 * any interrupt to reach the AUX line. Never the transmit interrupt. */
#define MU_IER_RX (1u << 0)
#define MU_IER_LINE (3u << 2)

/* Mailbox registers (from the mailbox node's `reg`): mailbox 0 is read by
 * the ARM, mailbox 1 written. */
#define MBOX_READ 0x00u
#define MBOX_STATUS0 0x18u
#define MBOX_WRITE 0x20u
#define MBOX_STATUS1 0x38u
#define MBOX_FULL (1u << 31)
#define MBOX_EMPTY (1u << 30)
#define MBOX_CH_PROPERTY 8u
#define MBOX_WAIT_NS (UINT64_C(100) * 1000000u)
#define MBOX_REQUEST 0u
#define MBOX_RESPONSE_OK 0x80000000u
#define MBOX_TAG_RESPONSE (1u << 31)

/* The power manager's watchdog (brcm,bcm2835-pm-wdt, its first `reg`):
 * a full reset when its short count runs out. Every write carries the
 * password in its top byte. */
#define PM_RSTC 0x1cu
#define PM_WDOG 0x24u
#define PM_PASSWORD 0x5a000000u
#define PM_RSTC_WRCFG_MASK 0x30u
#define PM_RSTC_WRCFG_FULL_RESET 0x20u
#define PM_WDOG_TICKS 10u

/* Property tags (the firmware's mailbox property interface). */
#define TAG_BOARD_REVISION 0x00010002u
#define TAG_BOARD_SERIAL 0x00010004u
#define TAG_ARM_MEMORY 0x00010005u
#define TAG_VC_MEMORY 0x00010006u
#define TAG_CLOCK_RATE 0x00030002u
#define CLOCK_EMMC 1u
#define CLOCK_UART 2u
#define CLOCK_ARM 3u
#define CLOCK_CORE 4u

struct rpi4_uart {
	uint64_t base; /* CPU address (0: none) */
	uint64_t bus;  /* its `reg` on the VideoCore bus */
};

static struct rpi4_uart pl011, mini;

/* rvsh's receive interrupt: the console UART's `interrupts` through its
 * interrupt-parent, the GIC-400 (the Pi 4's DTB routes the mini UART as
 * SPI 93, the PL011 as SPI 121; QEMU raspi4b wires both so); 0 when the
 * console's interrupt does not reach the GIC (no shell then). */
uint32_t rvx_virt_uart_intid;
static bool console_is_mini;
static uint64_t mbox_base, mbox_bus;
static uint64_t pm_base; /* the PM watchdog's registers (0: none) */
/* The mailbox's view of ARM memory: bus = cpu - dma_cpu + dma_bus, for
 * cpu in [dma_cpu, dma_cpu + dma_size). */
static uint64_t dma_bus, dma_cpu, dma_size = UINT64_MAX;
static uint64_t release_mpidr[RVX_A64_MAX_CPUS];
static uint64_t release_addr[RVX_A64_MAX_CPUS];
static uint32_t release_count;

/* What the mailbox told (the boot log reports it). */
struct mbox_info {
	uint32_t revision;
	uint32_t clock_arm, clock_core, clock_uart, clock_emmc;
	uint64_t serial;
};
static struct mbox_info info;
static const char *model_name(uint32_t rev);

/* Read by rvx_rpi4_secondary_entry (spin.S) with the MMU off: the dense
 * index of the CPU being started. */
uint64_t rvx_rpi4_start_index;

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* The first address of @p n's `reg` as written (its parent bus). */
static int bus_address(const void *dtb, const struct rvx_a64_fdt_node *n, uint64_t *out)
{
	int ac = fdt_address_cells(dtb, n->anc[n->depth - 1]);
	int len = 0;
	const fdt32_t *reg = fdt_getprop(dtb, n->node, "reg", &len);

	if (ac < 1 || ac > 2)
		return -FDT_ERR_BADNCELLS;
	if (reg == NULL)
		return len;
	if (len < ac * 4)
		return -FDT_ERR_BADVALUE;
	*out = cells(reg, ac);
	return 0;
}

static bool okay(const void *dtb, int node)
{
	int len = 0;
	const char *st = fdt_getprop(dtb, node, "status", &len);

	return st == NULL || (len == 5 && memcmp(st, "okay", 5) == 0) ||
	       (len == 3 && memcmp(st, "ok", 3) == 0);
}

/* The node @p phandle names: the core scan's GIC when it is that one (the
 * usual answer, without libfdt's walk over every node before it). */
static int by_phandle(const void *dtb, uint32_t phandle)
{
	int gic = rvx_a64_fdt_gic_offset();

	if (gic >= 0 && phandle != 0u && phandle != UINT32_MAX &&
	    fdt_get_phandle(dtb, gic) == phandle)
		return gic;
	return fdt_node_offset_by_phandle(dtb, phandle);
}

/* The node's interrupt controller: its own or its nearest ancestor's
 * interrupt-parent (the ancestors the scan kept). */
static int interrupt_parent(const void *dtb, const struct rvx_a64_fdt_node *n)
{
	for (int d = n->depth; d >= 0; d--) {
		int len = 0;
		int at = d == n->depth ? n->node : n->anc[d];
		const fdt32_t *ph = fdt_getprop(dtb, at, "interrupt-parent", &len);

		if (ph != NULL)
			return len == 4 ? by_phandle(dtb, fdt32_to_cpu(*ph)) : -FDT_ERR_BADVALUE;
	}
	return -FDT_ERR_NOTFOUND;
}

/* The GIC INTID of @p n's first interrupt when its controller is a GIC
 * (three cells: SPI n is 32 + n, PPI n 16 + n); 0 otherwise. */
static uint32_t gic_intid(const void *dtb, const struct rvx_a64_fdt_node *n)
{
	int node = n->node;
	int ic = interrupt_parent(dtb, n);
	int len = 0, clen = 0;
	const fdt32_t *irq = fdt_getprop(dtb, node, "interrupts", &len);
	const fdt32_t *cells;
	uint32_t type, num;

	if (ic < 0 || irq == NULL || len < 12)
		return 0;
	if (fdt_node_check_compatible(dtb, ic, "arm,gic-400") != 0 &&
	    fdt_node_check_compatible(dtb, ic, "arm,cortex-a15-gic") != 0)
		return 0;
	cells = fdt_getprop(dtb, ic, "#interrupt-cells", &clen);
	if (cells == NULL || clen != 4 || fdt32_to_cpu(*cells) != 3u)
		return 0;
	type = fdt32_to_cpu(irq[0]);
	num = fdt32_to_cpu(irq[1]);
	if (type == 0u && num < 988u)
		return 32u + num;
	if (type == 1u && num < 16u)
		return 16u + num;
	return 0;
}

static int uart_at(const void *dtb, const struct rvx_a64_fdt_node *n, struct rpi4_uart *u)
{
	struct rvx_a64_range r;
	int err = rvx_a64_fdt_reg(n, 0, &r);

	if (err == 0)
		err = bus_address(dtb, n, &u->bus);
	if (err == 0)
		u->base = r.base;
	return err;
}

/* The mailbox and the bus view of memory its parent gives (dma-ranges). */
static int find_mailbox(const void *dtb, const struct rvx_a64_fdt_node *n)
{
	struct rvx_a64_range r;
	int err, bus, parent, len = 0;
	const fdt32_t *dr;

	if (n == NULL)
		return -FDT_ERR_NOTFOUND;
	if (n->depth < 1)
		return -FDT_ERR_BADSTRUCTURE; /* the root: no parent bus */
	err = rvx_a64_fdt_reg(n, 0, &r);
	if (err == 0)
		err = bus_address(dtb, n, &mbox_bus);
	if (err != 0)
		return err;
	mbox_base = r.base;
	bus = n->anc[n->depth - 1];
	parent = n->depth >= 2 ? n->anc[n->depth - 2] : 0;
	dr = fdt_getprop(dtb, bus, "dma-ranges", &len);
	if (dr != NULL && len > 0) {
		int ca = fdt_address_cells(dtb, bus);
		int pa = fdt_address_cells(dtb, parent);
		int sc = fdt_size_cells(dtb, bus);

		if (ca < 1 || ca > 2 || pa < 1 || pa > 2 || sc < 1 || sc > 2 ||
		    len < (ca + pa + sc) * 4)
			return -FDT_ERR_BADNCELLS;
		/* The first entry: where the bus sees the start of ARM memory. */
		dma_bus = cells(dr, ca);
		dma_cpu = cells(dr + ca, pa);
		dma_size = cells(dr + ca + pa, sc);
	}
	return 0;
}

/* Each CPU's spin-table release address (enable-method "spin-table"). */
static int find_release_addrs(const void *dtb)
{
	int cpus = rvx_a64_fdt_cpus_offset();
	int ac, node;

	if (cpus < 0)
		return cpus;
	ac = fdt_address_cells(dtb, cpus);
	if (ac < 1 || ac > 2)
		return -FDT_ERR_BADNCELLS;
	release_count = 0;
	fdt_for_each_subnode(node, dtb, cpus) {
		int len = 0, rlen = 0, mlen = 0;
		const fdt32_t *reg = fdt_getprop(dtb, node, "reg", &len);
		const fdt32_t *rel = fdt_getprop(dtb, node, "cpu-release-addr", &rlen);
		const char *method = fdt_getprop(dtb, node, "enable-method", &mlen);

		if (reg == NULL || len < ac * 4 || rel == NULL || (rlen != 4 && rlen != 8) ||
		    method == NULL || mlen != 11 || memcmp(method, "spin-table", 11) != 0)
			continue;
		if (release_count == RVX_A64_MAX_CPUS)
			break;
		release_mpidr[release_count] = cells(reg, ac);
		release_addr[release_count] = cells(rel, rlen / 4);
		release_count++;
	}
	return 0;
}

int rvx_virt_fdt_parse(const void *dtb, const char **what)
{
	static const char *const uarts[] = {"arm,pl011", "brcm,bcm2835-aux-uart"};
	/* Found by the core's one pass, as the UARTs are. */
	static const char *const firsts[] = {"brcm,bcm2835-mbox", "brcm,bcm2835-pm-wdt"};
	const struct rvx_a64_fdt_node *devs, *out;
	int count = 0;
	int err;

	err = rvx_a64_fdt_scan_for(dtb, uarts, 2, firsts, 2, what);
	if (err != 0)
		return err;
	*what = "UARTs";
	devs = rvx_a64_fdt_devices(&count);
	for (int i = 0; i < count; i++) {
		bool is_mini = fdt_node_check_compatible(dtb, devs[i].node,
							 "brcm,bcm2835-aux-uart") == 0;
		struct rpi4_uart *u = is_mini ? &mini : &pl011;

		if (u->base != 0 || !okay(dtb, devs[i].node))
			continue;
		err = uart_at(dtb, &devs[i], u);
		if (err != 0)
			return err;
	}
	/* The console: the UART /chosen stdout-path names (the mini UART in
	 * the Pi 4's DTB, the one on the GPIO header with enable_uart=1). */
	*what = "console UART";
	out = rvx_a64_fdt_stdout_device();
	if (out == NULL)
		return -FDT_ERR_NOTFOUND;
	console_is_mini = fdt_node_check_compatible(dtb, out->node, "brcm,bcm2835-aux-uart") == 0;
	{
		struct rpi4_uart c;

		err = uart_at(dtb, out, &c);
		if (err != 0)
			return err;
		if (console_is_mini)
			mini = c;
		else
			pl011 = c;
		rvx_a64_board.uart.base = c.base;
		rvx_a64_board.uart.size = 4096;
		rvx_virt_uart_intid = gic_intid(dtb, out);
	}
	*what = "mailbox";
	err = find_mailbox(dtb, rvx_a64_fdt_first(0));
	if (err != 0)
		return err;
	/* The PM watchdog resets the board (optional: without it, reset
	 * halts). */
	{
		const struct rvx_a64_fdt_node *n = rvx_a64_fdt_first(1);
		struct rvx_a64_range r;

		if (n != NULL && okay(dtb, n->node) && rvx_a64_fdt_reg(n, 0, &r) == 0)
			pm_base = r.base;
	}
	*what = "spin tables";
	err = find_release_addrs(dtb);
	if (err != 0)
		return err;
	return rvx_a64_fdt_machine(false, what);
}

/* ---- consoles ---- */

static volatile uint32_t *mini_regs;

static void mini_write(const char *s, size_t len)
{
	if (mini_regs == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			while ((mini_regs[MU_LSR / 4u] & MU_LSR_TX_EMPTY) == 0u)
				;
			mini_regs[MU_IO / 4u] = '\r';
		}
		while ((mini_regs[MU_LSR / 4u] & MU_LSR_TX_EMPTY) == 0u)
			;
		mini_regs[MU_IO / 4u] = (uint8_t)s[i];
	}
}

bool rvx_virt_board_console(void)
{
	if (rvx_a64_board.uart.base == 0)
		return false;
	if (console_is_mini) {
		/* The firmware set it up (enable_uart=1: 8 bits, 115200 from
		 * the fixed core clock, GPIO 14/15); it is only written. */
		mini_regs = (volatile uint32_t *)(uintptr_t)rvx_a64_board.uart.base;
		rvx_a64_board.console_write = mini_write;
	} else {
		rvx_a64_pl011_init(rvx_a64_board.uart.base);
		rvx_a64_board.console_write = rvx_a64_pl011_write;
	}
	return true;
}

/* rvsh's receive, from the console's interrupt under the kernel lock. The
 * mini UART's interrupt is level: it drops once its FIFO is read empty. */
size_t rvx_virt_console_rx(char *buf, size_t cap)
{
	size_t n = 0;

	if (!console_is_mini)
		return rvx_a64_pl011_rx(buf, cap);
	if (mini_regs == NULL)
		return 0;
	while (n < cap && (mini_regs[MU_LSR / 4u] & MU_LSR_DATA_READY) != 0u)
		buf[n++] = (char)(mini_regs[MU_IO / 4u] & 0xffu);
	return n;
}

void rvx_virt_console_rx_irq(bool on)
{
	if (!console_is_mini) {
		rvx_a64_pl011_rx_irq(on);
		return;
	}
	if (mini_regs != NULL)
		mini_regs[MU_IER / 4u] = on ? MU_IER_RX | MU_IER_LINE : 0u;
}

const char *rvx_virt_board_model(void)
{
	return info.revision != 0u ? model_name(info.revision) : "raspberry-pi-4";
}

/* ---- the VideoCore mailbox ---- */

static inline uint32_t mbox_read(uint32_t off)
{
	return ((volatile uint32_t *)(uintptr_t)mbox_base)[off / 4u];
}

static inline void mbox_write(uint32_t off, uint32_t v)
{
	((volatile uint32_t *)(uintptr_t)mbox_base)[off / 4u] = v;
}

/* One property message, in RAM the VideoCore reads through dma-ranges
 * (16-byte aligned: the low four bits of the word written carry the
 * channel). The MMU is off: these are Device accesses, so no cache holds
 * them from the VideoCore. */
static alignas(16) uint32_t mbox_msg[32];

static uint64_t now_ns(void)
{
	return rvx_a64_ticks_to_ns(rvx_a64_counter());
}

/* Send mbox_msg on the property channel and wait for its answer; 0, or
 * -RVX_ETIMEDOUT (no answer), -RVX_ENOTSUP (refused), -RVX_EINVAL (the
 * buffer is not where the VideoCore can see it). */
static int mbox_call(void)
{
	uint64_t cpu = (uint64_t)(uintptr_t)mbox_msg;
	uint64_t until = now_ns() + MBOX_WAIT_NS;
	uint64_t bus;
	uint32_t word;

	if (mbox_base == 0 || cpu < dma_cpu || cpu - dma_cpu >= dma_size)
		return -RVX_EINVAL;
	bus = cpu - dma_cpu + dma_bus;
	if (bus > UINT32_MAX || (bus & 15u) != 0)
		return -RVX_EINVAL;
	word = (uint32_t)bus | MBOX_CH_PROPERTY;
	__asm__ volatile("dsb sy" ::: "memory");
	while ((mbox_read(MBOX_STATUS1) & MBOX_FULL) != 0u) {
		if (now_ns() > until)
			return -RVX_ETIMEDOUT;
	}
	mbox_write(MBOX_WRITE, word);
	for (;;) {
		while ((mbox_read(MBOX_STATUS0) & MBOX_EMPTY) != 0u) {
			if (now_ns() > until)
				return -RVX_ETIMEDOUT;
		}
		if (mbox_read(MBOX_READ) == word)
			break;
	}
	__asm__ volatile("dsb sy" ::: "memory");
	return mbox_msg[1] == MBOX_RESPONSE_OK ? 0 : -RVX_ENOTSUP;
}

/* One tag with @p req request words and room for @p resp answer words;
 * the answer in @p out. */
static int mbox_tag(uint32_t tag, const uint32_t *req, uint32_t nreq, uint32_t *out,
		    uint32_t nresp)
{
	uint32_t words = nreq > nresp ? nreq : nresp;
	int rc;

	if (6u + words > sizeof(mbox_msg) / 4u)
		return -RVX_EINVAL;
	mbox_msg[0] = (6u + words) * 4u;
	mbox_msg[1] = MBOX_REQUEST;
	mbox_msg[2] = tag;
	mbox_msg[3] = words * 4u;
	mbox_msg[4] = 0;
	for (uint32_t i = 0; i < words; i++)
		mbox_msg[5u + i] = i < nreq ? req[i] : 0u;
	mbox_msg[5u + words] = 0; /* end tag */
	rc = mbox_call();
	if (rc != 0)
		return rc;
	if ((mbox_msg[4] & MBOX_TAG_RESPONSE) == 0u ||
	    (mbox_msg[4] & ~MBOX_TAG_RESPONSE) < nresp * 4u)
		return -RVX_ENOTSUP;
	for (uint32_t i = 0; i < nresp; i++)
		out[i] = mbox_msg[5u + i];
	return 0;
}

static uint32_t clock_rate(uint32_t id)
{
	uint32_t v[2];

	return mbox_tag(TAG_CLOCK_RATE, &id, 1, v, 2) == 0 && v[0] == id ? v[1] : 0u;
}

/* The revision word's new-style fields (bit 23 set): type, memory size. */
static const char *model_name(uint32_t rev)
{
	if ((rev & (1u << 23)) == 0u)
		return "an old-style revision";
	switch ((rev >> 4) & 0xffu) {
	case 0x11:
		return "Raspberry Pi 4 Model B";
	case 0x13:
		return "Raspberry Pi 400";
	case 0x14:
		return "Compute Module 4";
	default:
		return "not a Pi 4";
	}
}

static void mailbox_report(void)
{
	struct mbox_info *in = &info;
	uint32_t v[2];
	int rc;

	rc = mbox_tag(TAG_BOARD_REVISION, NULL, 0, v, 1);
	if (rc != 0) {
		rvx_a64_printf("mailbox: at 0x%lx (bus 0x%lx) does not answer: %s\n", mbox_base,
			       mbox_bus, rvx_strerror(rc));
		return;
	}
	in->revision = v[0];
	rvx_a64_printf("mailbox: at 0x%lx (bus 0x%lx), buffers at bus 0x%lx; board revision "
		       "0x%x: %s, %u MiB\n",
			mbox_base, mbox_bus, (uint64_t)(uintptr_t)mbox_msg - dma_cpu + dma_bus,
			in->revision, model_name(in->revision),
			(in->revision & (1u << 23)) != 0u ? 256u << ((in->revision >> 20) & 7u)
							  : 0u);
	if (mbox_tag(TAG_ARM_MEMORY, NULL, 0, v, 2) == 0) {
		const struct rvx_a64_board *b = &rvx_a64_board;

		rvx_a64_printf("mailbox: ARM memory 0x%x+0x%x (%s the DTB's first memory range "
			       "0x%lx+0x%lx)\n",
				v[0], v[1],
				v[0] == b->mem.base && v[1] == b->mem.size ? "equals" : "differs from",
				b->mem.base, b->mem.size);
	}
	if (mbox_tag(TAG_VC_MEMORY, NULL, 0, v, 2) == 0)
		rvx_a64_printf("mailbox: VideoCore memory 0x%x+0x%x\n", v[0], v[1]);
	in->clock_arm = clock_rate(CLOCK_ARM);
	in->clock_core = clock_rate(CLOCK_CORE);
	in->clock_uart = clock_rate(CLOCK_UART);
	in->clock_emmc = clock_rate(CLOCK_EMMC);
	rvx_a64_printf("mailbox: clocks ARM %u Hz, core %u Hz, UART %u Hz, EMMC %u Hz", in->clock_arm,
		       in->clock_core, in->clock_uart, in->clock_emmc);
	/* The mini UART's baud rate follows the core clock (divisor
	 * core / (8 * baud) - 1); the PL011's its own UART clock. */
	if (in->clock_core != 0u)
		rvx_a64_printf("; mini UART at 115200 baud needs divisor %u",
			       in->clock_core / (8u * 115200u) - 1u);
	rvx_a64_puts("\n");
	if (mbox_tag(TAG_BOARD_SERIAL, NULL, 0, v, 2) == 0) {
		in->serial = (uint64_t)v[1] << 32 | v[0];
		rvx_a64_printf("mailbox: board serial 0x%016lx\n", in->serial);
	}
}

void rvx_virt_board_report(void)
{
	const struct rvx_a64_board *b = &rvx_a64_board;

	rvx_a64_printf("console: %s at 0x%lx (bus 0x%lx)",
		       console_is_mini ? "mini UART" : "PL011", b->uart.base,
		       console_is_mini ? mini.bus : pl011.bus);
	if (console_is_mini && pl011.base != 0)
		rvx_a64_printf("; PL011 at 0x%lx (bus 0x%lx)", pl011.base, pl011.bus);
	if (!console_is_mini && mini.base != 0)
		rvx_a64_printf("; mini UART at 0x%lx (bus 0x%lx)", mini.base, mini.bus);
	rvx_a64_printf("; GIC-400 D 0x%lx C 0x%lx; timer INTID %u; CNTFRQ %lu Hz; %u spin-table "
		       "CPU(s)\n",
			b->gicd.base, b->gicc.base, b->timer_intid, rvx_a64_counter_freq(),
			release_count);
	mailbox_report();
}

/* ---- reset ---- */

/* The PM watchdog is not among the devices the page tables map, so this
 * CPU turns its MMU (and data cache) off first: the kernel is mapped at
 * the addresses it runs from, and with the MMU off every access is
 * Device. Nothing runs after: the watchdog's count is ten ticks. */
_Noreturn void rvx_virt_board_reset(void)
{
	if (pm_base != 0) {
		volatile uint32_t *pm = (volatile uint32_t *)(uintptr_t)pm_base;
		uint64_t sctlr;

		__asm__ volatile("msr daifset, #0xf\n\t"
				 "mrs %0, sctlr_el2" : "=r"(sctlr) :: "memory");
		sctlr &= ~(UINT64_C(1) << 0 | UINT64_C(1) << 2); /* M, C */
		__asm__ volatile("dsb sy\n\tmsr sctlr_el2, %0\n\tisb" :: "r"(sctlr) : "memory");
		pm[PM_WDOG / 4u] = PM_PASSWORD | PM_WDOG_TICKS;
		pm[PM_RSTC / 4u] = PM_PASSWORD | (pm[PM_RSTC / 4u] & 0x00ffffffu & ~PM_RSTC_WRCFG_MASK) |
				   PM_RSTC_WRCFG_FULL_RESET;
		__asm__ volatile("dsb sy" ::: "memory");
	}
	rvx_a64_system_reset();
}

/* ---- secondary CPUs: the spin table ---- */

/* Clean (and invalidate) the line holding @p p to the point of coherency:
 * the CPU being started reads it with its MMU, so its caches, off. */
static void clean_to_poc(const void *p)
{
	__asm__ volatile("dc civac, %0" ::"r"(p) : "memory");
}

static int rpi4_cpu_start(uint32_t index)
{
	uint64_t mpidr = rvx_a64_board.cpu_mpidr[index];
	volatile uint64_t *release = NULL;

	for (uint32_t i = 0; i < release_count; i++) {
		if (release_mpidr[i] == mpidr)
			release = (volatile uint64_t *)(uintptr_t)release_addr[i];
	}
	if (release == NULL)
		return -RVX_ENOENT;
	if ((uintptr_t)release < rvx_a64_board.mem.base ||
	    (uintptr_t)release + 8u > rvx_a64_board.mem.base + rvx_a64_board.mem.size ||
	    ((uintptr_t)release & 7u) != 0)
		return -RVX_EINVAL;
	rvx_rpi4_start_index = index;
	clean_to_poc(&rvx_rpi4_start_index);
	*release = (uint64_t)(uintptr_t)rvx_rpi4_secondary_entry;
	clean_to_poc((const void *)release);
	__asm__ volatile("dsb sy\n\tsev" ::: "memory");
	return 0;
}

void rvx_virt_board_smp(void)
{
	if (rvx_a64_board.cpu_count < 2)
		return;
	rvx_a64_board.cpu_start = rpi4_cpu_start;
	(void)rvx_a64_smp_start();
}
