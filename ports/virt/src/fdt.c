/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DTB, read with libfdt: everything board-specific the image needs.
 * Runs on the primary CPU before the MMU is on (built with -mstrict-align).
 * Addresses are translated through every ancestor's `ranges`, so a board
 * whose DTB holds bus addresses works as well.
 */
#include <libfdt.h>

#include "virt.h"

struct rvx_virt_board rvx_virt_board;

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* Translate a child-bus address of @p node's parent into a CPU address:
 * walk up, applying each non-empty `ranges` on the way. */
static int translate(const void *dtb, int node, uint64_t *addr)
{
	int bus = fdt_parent_offset(dtb, node);

	while (bus > 0) {
		int len = 0;
		const fdt32_t *r = fdt_getprop(dtb, bus, "ranges", &len);
		int parent = fdt_parent_offset(dtb, bus);

		if (parent < 0)
			return parent;
		if (r != NULL && len > 0) {
			int ca = fdt_address_cells(dtb, bus);
			int pa = fdt_address_cells(dtb, parent);
			int sc = fdt_size_cells(dtb, bus);
			int entry = ca + pa + sc;
			bool found = false;

			if (ca < 1 || pa < 1 || sc < 0 || entry <= 0)
				return -FDT_ERR_BADNCELLS;
			for (int i = 0; i + entry <= len / 4; i += entry) {
				uint64_t child = read_cells(r + i, ca);
				uint64_t paddr = read_cells(r + i + ca, pa);
				uint64_t size = read_cells(r + i + ca + pa, sc);

				if (*addr >= child && *addr - child < size) {
					*addr = *addr - child + paddr;
					found = true;
					break;
				}
			}
			if (!found)
				return -FDT_ERR_NOTFOUND;
		}
		bus = parent;
	}
	return 0;
}

/* The @p index-th (address, size) pair of a node's reg, as a CPU address. */
static int read_reg(const void *dtb, int node, int index, struct rvx_virt_range *out)
{
	int parent = fdt_parent_offset(dtb, node);
	int ac, sc, len = 0;
	const fdt32_t *reg;

	if (parent < 0)
		return parent;
	ac = fdt_address_cells(dtb, parent);
	sc = fdt_size_cells(dtb, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -FDT_ERR_BADNCELLS;
	reg = fdt_getprop(dtb, node, "reg", &len);
	if (reg == NULL)
		return len;
	if ((index + 1) * (ac + sc) * 4 > len)
		return -FDT_ERR_NOTFOUND;
	out->base = read_cells(reg + index * (ac + sc), ac);
	out->size = read_cells(reg + index * (ac + sc) + ac, sc);
	return translate(dtb, node, &out->base);
}

static int first_compatible(const void *dtb, const char *const *compat, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int node = fdt_node_offset_by_compatible(dtb, -1, compat[i]);

		if (node >= 0)
			return node;
	}
	return -FDT_ERR_NOTFOUND;
}

static int parse_uart(const void *dtb, struct rvx_virt_board *b)
{
	int chosen = fdt_path_offset(dtb, "/chosen");
	int node = -FDT_ERR_NOTFOUND;

	/* The console the DTB names, when it is a PL011; otherwise the first PL011. */
	if (chosen >= 0) {
		int len = 0;
		const char *path = fdt_getprop(dtb, chosen, "stdout-path", &len);

		if (path != NULL && len > 0) {
			int plen = (int)strnlen(path, (size_t)len);
			const char *colon = memchr(path, ':', (size_t)plen);

			if (colon != NULL)
				plen = (int)(colon - path);
			node = fdt_path_offset_namelen(dtb, path, plen);
			if (node >= 0 && fdt_node_check_compatible(dtb, node, "arm,pl011") != 0)
				node = -FDT_ERR_NOTFOUND;
		}
	}
	if (node < 0)
		node = fdt_node_offset_by_compatible(dtb, -1, "arm,pl011");
	if (node < 0)
		return node;
	return read_reg(dtb, node, 0, &b->uart);
}

static int parse_memory(const void *dtb, struct rvx_virt_board *b)
{
	int node = fdt_node_offset_by_prop_value(dtb, -1, "device_type", "memory", 7);

	if (node < 0)
		return node;
	return read_reg(dtb, node, 0, &b->mem);
}

static int parse_gic(const void *dtb, struct rvx_virt_board *b)
{
	static const char *const compat[] = {"arm,gic-400", "arm,cortex-a15-gic",
					     "arm,cortex-a9-gic"};
	int node = first_compatible(dtb, compat, sizeof(compat) / sizeof(compat[0]));
	int err;

	if (node < 0)
		return node;
	err = read_reg(dtb, node, 0, &b->gicd);
	if (err == 0)
		err = read_reg(dtb, node, 1, &b->gicc);
	return err;
}

static int parse_timer(const void *dtb, struct rvx_virt_board *b)
{
	static const char *const compat[] = {"arm,armv8-timer", "arm,armv7-timer"};
	int node = first_compatible(dtb, compat, sizeof(compat) / sizeof(compat[0]));
	int len = 0;
	const fdt32_t *irq;

	if (node < 0)
		return node;
	/* Four (type, number, flags) triples: secure physical, non-secure
	 * physical, virtual, hypervisor. The image runs at EL2 and uses the
	 * hypervisor timer (CNTHP), the fourth; it is a PPI (type 1), whose
	 * GIC INTID is its number + 16. */
	irq = fdt_getprop(dtb, node, "interrupts", &len);
	if (irq == NULL)
		return len;
	if (len < 12 * 4 || fdt32_to_cpu(irq[9]) != 1u)
		return -FDT_ERR_BADVALUE;
	b->timer_intid = fdt32_to_cpu(irq[10]) + 16u;
	return 0;
}

static int parse_psci(const void *dtb, struct rvx_virt_board *b)
{
	static const char *const compat[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
	int node = first_compatible(dtb, compat, sizeof(compat) / sizeof(compat[0]));
	int len = 0;
	const char *method;
	const fdt32_t *on;

	if (node < 0)
		return node;
	method = fdt_getprop(dtb, node, "method", &len);
	if (method == NULL)
		return len;
	if (strncmp(method, "smc", (size_t)len) == 0)
		b->psci_smc = 1;
	else if (strncmp(method, "hvc", (size_t)len) == 0)
		b->psci_smc = 0;
	else
		return -FDT_ERR_BADVALUE;
	/* PSCI 0.2+ fixes CPU_ON (SMC64); PSCI 0.1 names it in "cpu_on". */
	b->psci_cpu_on = 0xC4000003u;
	on = fdt_getprop(dtb, node, "cpu_on", &len);
	if (fdt_node_check_compatible(dtb, node, "arm,psci-0.2") != 0 &&
	    fdt_node_check_compatible(dtb, node, "arm,psci-1.0") != 0 && on != NULL && len == 4)
		b->psci_cpu_on = fdt32_to_cpu(on[0]);
	return 0;
}

static int parse_cpus(const void *dtb, struct rvx_virt_board *b)
{
	int cpus = fdt_path_offset(dtb, "/cpus");
	int node;
	int ac;

	if (cpus < 0)
		return cpus;
	ac = fdt_address_cells(dtb, cpus);
	if (ac < 1 || ac > 2)
		return -FDT_ERR_BADNCELLS;
	b->cpu_count = 0;
	b->cpu_count_dtb = 0;
	fdt_for_each_subnode(node, dtb, cpus) {
		int len = 0;
		const char *type = fdt_getprop(dtb, node, "device_type", &len);
		const fdt32_t *reg;

		if (type == NULL || strncmp(type, "cpu", (size_t)len) != 0)
			continue;
		reg = fdt_getprop(dtb, node, "reg", &len);
		if (reg == NULL || len < ac * 4)
			return -FDT_ERR_BADVALUE;
		if (b->cpu_count < RVX_VIRT_MAX_CPUS)
			b->cpu_mpidr[b->cpu_count++] = read_cells(reg, ac);
		b->cpu_count_dtb++;
	}
	return b->cpu_count > 0 ? 0 : -FDT_ERR_NOTFOUND;
}

static int parse_chosen(const void *dtb, struct rvx_virt_board *b)
{
	int chosen = fdt_path_offset(dtb, "/chosen");
	int len = 0;
	const void *p;

	if (chosen < 0)
		return 0; /* everything in /chosen is optional */
	p = fdt_getprop(dtb, chosen, "linux,initrd-start", &len);
	if (p != NULL) {
		const void *e;
		int elen = 0;

		e = fdt_getprop(dtb, chosen, "linux,initrd-end", &elen);
		if (e == NULL || (len != 4 && len != 8) || (elen != 4 && elen != 8))
			return -FDT_ERR_BADVALUE;
		b->initrd_start = read_cells(p, len / 4);
		b->initrd_end = read_cells(e, elen / 4);
		if (b->initrd_end < b->initrd_start)
			return -FDT_ERR_BADVALUE;
	}
	p = fdt_getprop(dtb, chosen, "rng-seed", &len);
	if (p != NULL && len > 0) {
		b->rng_seed = p;
		b->rng_seed_len = (uint32_t)len;
	}
	p = fdt_getprop(dtb, chosen, "bootargs", &len);
	if (p != NULL && len > 0) {
		size_t n = strnlen(p, (size_t)len);

		if (n >= sizeof(b->bootargs))
			n = sizeof(b->bootargs) - 1;
		memcpy(b->bootargs, p, n);
		b->bootargs[n] = '\0';
	}
	return 0;
}

int rvx_virt_fdt_parse(const void *dtb, const char **what)
{
	struct rvx_virt_board *b = &rvx_virt_board;
	int err;

	*what = "header";
	err = fdt_check_header(dtb);
	if (err != 0)
		return err;
	b->dtb = dtb;
	b->dtb_size = fdt_totalsize(dtb);
	*what = "PL011 UART";
	err = parse_uart(dtb, b);
	if (err != 0)
		return err;
	*what = "memory";
	err = parse_memory(dtb, b);
	if (err != 0)
		return err;
	*what = "GICv2";
	err = parse_gic(dtb, b);
	if (err != 0)
		return err;
	*what = "timer";
	err = parse_timer(dtb, b);
	if (err != 0)
		return err;
	*what = "PSCI";
	err = parse_psci(dtb, b);
	if (err != 0)
		return err;
	*what = "cpus";
	err = parse_cpus(dtb, b);
	if (err != 0)
		return err;
	*what = "chosen";
	return parse_chosen(dtb, b);
}
