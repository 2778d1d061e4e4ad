/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix dtb validate / inspect (libfdt): a device tree blob's structure,
 * the nodes a target's image needs from it, and each device's registers
 * translated from its bus to a CPU address through every ancestor's
 * `ranges` (the translation the images do at boot, ports/aarch64/src/fdt.c).
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "cli.h"

const char cli_dtb_usage[] =
	"usage: ruvix dtb validate DTB [--target virt|rpi4] [--json]\n"
	"       ruvix dtb inspect DTB [--json]\n"
	"  validate: the header and every node and property are well formed, and\n"
	"  (with --target) the nodes that target's image needs are present:\n"
	"  virt: memory, CPUs, PSCI, GICv2, the generic timer, a PL011, /chosen;\n"
	"  rpi4: memory, CPUs, GIC-400, the generic timer, a PL011 or mini UART,\n"
	"  the VideoCore mailbox, a bus with ranges.\n"
	"  inspect: model, memory, CPUs and each device's registers, bus address\n"
	"  and CPU address after `ranges` translation.\n"
	"  exit: 0 valid; 1 malformed or a required node missing; 2 usage;\n"
	"        3 the file cannot be read\n";

#define MAX_DEPTH 16

/* The whole blob, structurally: header, sizes, every node and property. */
static const char *structure(const void *fdt, size_t len)
{
	int node = 0, depth = 0, err;

	err = fdt_check_header(fdt);
	if (err != 0)
		return fdt_strerror(err);
	if (fdt_totalsize(fdt) > len)
		return "truncated: the header's totalsize is past the end of the file";
	/* fdt_next_node() leaves the tree with depth below 0. */
	while (node >= 0 && depth >= 0) {
		int prop;

		if (fdt_get_name(fdt, node, NULL) == NULL)
			return "a node without a readable name";
		fdt_for_each_property_offset(prop, fdt, node) {
			const char *name;
			int plen;

			if (fdt_getprop_by_offset(fdt, prop, &name, &plen) == NULL || name == NULL)
				return "a property that cannot be read";
		}
		if (prop != -FDT_ERR_NOTFOUND)
			return fdt_strerror(prop);
		node = fdt_next_node(fdt, node, &depth);
		if (depth > MAX_DEPTH)
			return "nodes nested too deeply";
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return fdt_strerror(node);
	return NULL;
}

/* Cells of @prop (#address-cells / #size-cells) of @node, with @dflt. */
static int cells(const void *fdt, int node, const char *prop, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (p == NULL || len != 4)
		return dflt;
	return (int)fdt32_to_cpu(*p);
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/*
 * Translate @addr, an address on the bus @bus (the parent of a node with
 * `reg`), up to the CPU: at each bus with a `ranges` property, find the
 * range holding @addr and move it to the parent bus; an empty `ranges` is
 * identity, a missing one (below the root) means no translation.
 * Returns 0, or -1 if the address is not translatable.
 */
static int translate(const void *fdt, int bus, uint64_t *addr)
{
	while (bus > 0) {
		int parent = fdt_parent_offset(fdt, bus), len;
		const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);
		int ca, pa, cs, entry;
		bool found = false;

		if (parent < 0)
			return -1;
		if (r == NULL)
			return -1;
		if (len == 0) {
			bus = parent;
			continue;
		}
		ca = cells(fdt, bus, "#address-cells", 2);
		cs = cells(fdt, bus, "#size-cells", 1);
		pa = cells(fdt, parent, "#address-cells", 2);
		entry = (ca + pa + cs) * 4;
		if (entry <= 0 || ca > 2 || pa > 2 || cs > 2)
			return -1;
		for (int off = 0; off + entry <= len; off += entry) {
			const fdt32_t *e = r + off / 4;
			uint64_t child = read_cells(e, ca), par = read_cells(e + ca, pa);
			uint64_t size = read_cells(e + ca + pa, cs);

			if (*addr >= child && *addr - child < size) {
				*addr = par + (*addr - child);
				found = true;
				break;
			}
		}
		if (!found)
			return -1;
		bus = parent;
	}
	return 0;
}

static int find_compatible(const void *fdt, const char *const *compat, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int node = fdt_node_offset_by_compatible(fdt, -1, compat[i]);

		if (node >= 0)
			return node;
	}
	return -1;
}

struct need {
	const char *what;
	const char *compat[3];
	int kind; /* 0 compatible, 1 memory, 2 cpus, 3 /chosen, 4 a bus with ranges */
};

static bool have(const void *fdt, const struct need *n)
{
	size_t count = 0;

	while (count < 3 && n->compat[count] != NULL)
		count++;
	switch (n->kind) {
	case 0:
		return find_compatible(fdt, n->compat, count) >= 0;
	case 1: {
		int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
							 sizeof("memory"));
		int len = 0;

		return node >= 0 && fdt_getprop(fdt, node, "reg", &len) != NULL && len > 0;
	}
	case 2: {
		int cpus = fdt_path_offset(fdt, "/cpus"), node;

		if (cpus < 0)
			return false;
		fdt_for_each_subnode(node, fdt, cpus) {
			const char *dt = fdt_getprop(fdt, node, "device_type", NULL);

			if (dt != NULL && strcmp(dt, "cpu") == 0)
				return true;
		}
		return false;
	}
	case 3:
		return fdt_path_offset(fdt, "/chosen") >= 0;
	default: {
		int node;

		fdt_for_each_subnode(node, fdt, 0) {
			int len;

			if (fdt_getprop(fdt, node, "ranges", &len) != NULL && len > 0)
				return true;
		}
		return false;
	}
	}
}

static const struct need virt_needs[] = {
	{"memory", {NULL}, 1},
	{"CPUs", {NULL}, 2},
	{"PSCI", {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"}, 0},
	{"GICv2", {"arm,cortex-a15-gic", "arm,gic-400", NULL}, 0},
	{"generic timer", {"arm,armv8-timer", NULL}, 0},
	{"PL011 UART", {"arm,pl011", NULL}, 0},
	{"/chosen", {NULL}, 3},
};

static const struct need rpi4_needs[] = {
	{"memory", {NULL}, 1},
	{"CPUs", {NULL}, 2},
	{"GIC-400", {"arm,gic-400", NULL}, 0},
	{"generic timer", {"arm,armv8-timer", NULL}, 0},
	{"PL011 or mini UART", {"arm,pl011", "brcm,bcm2835-aux-uart", NULL}, 0},
	{"VideoCore mailbox", {"brcm,bcm2835-mbox", NULL}, 0},
	{"bus with ranges", {NULL}, 4},
};

static int load(const char *path, void **fdt, size_t *len)
{
	uint8_t *data;
	int rc = cli_slurp(path, &data, len);

	if (rc != CLI_OK)
		return rc;
	*fdt = data;
	return CLI_OK;
}

static int validate(int argc, char **argv)
{
	const char *path = NULL, *target = NULL, *bad;
	const struct need *needs = NULL;
	size_t nneeds = 0, len, missing = 0;
	bool json = false;
	void *fdt;
	int rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--target") == 0 && i + 1 < argc)
			target = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] != '-' && path == NULL)
			path = argv[i];
		else
			return fputs(cli_dtb_usage, stderr), CLI_USAGE;
	}
	if (path == NULL)
		return fputs(cli_dtb_usage, stderr), CLI_USAGE;
	if (target != NULL && strcmp(target, "virt") == 0) {
		needs = virt_needs;
		nneeds = sizeof(virt_needs) / sizeof(virt_needs[0]);
	} else if (target != NULL && strcmp(target, "rpi4") == 0) {
		needs = rpi4_needs;
		nneeds = sizeof(rpi4_needs) / sizeof(rpi4_needs[0]);
	} else if (target != NULL) {
		fprintf(stderr, "ruvix dtb: --target must be virt or rpi4\n");
		return CLI_USAGE;
	}
	rc = load(path, &fdt, &len);
	if (rc != CLI_OK)
		return rc;
	bad = structure(fdt, len);
	if (bad != NULL) {
		if (json) {
			printf("{\"file\": ");
			cli_json_str(path);
			printf(", \"ok\": false, \"error\": ");
			cli_json_str(bad);
			printf("}\n");
		}
		fprintf(stderr, "%s: INVALID: %s\n", path, bad);
		free(fdt);
		return CLI_FAILED;
	}
	if (json) {
		printf("{\"file\": ");
		cli_json_str(path);
		printf(", \"structure\": \"ok\", \"nodes\": {");
	} else {
		printf("%s: structure ok (%u bytes, version %u)\n", path, fdt_totalsize(fdt),
		       fdt_version(fdt));
	}
	for (size_t i = 0; i < nneeds; i++) {
		bool ok = have(fdt, &needs[i]);

		missing += !ok;
		if (json)
			printf("%s\"%s\": %s", i ? ", " : "", needs[i].what, ok ? "true" : "false");
		else
			printf("  %-20s %s\n", needs[i].what, ok ? "ok" : "MISSING");
	}
	if (json)
		printf("}, \"ok\": %s}\n", missing ? "false" : "true");
	else if (target != NULL)
		printf("%s: %s for %s\n", path, missing ? "NOT usable" : "usable", target);
	if (missing)
		fprintf(stderr, "%s: %zu node(s) %s needs are missing\n", path, missing, target);
	free(fdt);
	return missing ? CLI_FAILED : CLI_OK;
}

/* One node with `reg`: its bus addresses and CPU addresses. */
static void show_regs(const void *fdt, int node, bool json, bool *first)
{
	char path[512];
	int parent = fdt_parent_offset(fdt, node), len = 0;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	const char *compat = fdt_getprop(fdt, node, "compatible", NULL);
	int ac, sc, entry;

	if (reg == NULL || parent < 0 || fdt_get_path(fdt, node, path, sizeof(path)) != 0)
		return;
	ac = cells(fdt, parent, "#address-cells", 2);
	sc = cells(fdt, parent, "#size-cells", 1);
	entry = (ac + sc) * 4;
	if (ac < 1 || ac > 2 || sc > 2 || entry <= 0)
		return;
	for (int off = 0; off + entry <= len; off += entry) {
		const fdt32_t *e = reg + off / 4;
		uint64_t bus = read_cells(e, ac), size = read_cells(e + ac, sc), cpu = bus;
		bool ok = translate(fdt, parent, &cpu) == 0;

		if (json) {
			printf("%s{\"path\": ", *first ? "" : ", ");
			cli_json_str(path);
			printf(", \"compatible\": ");
			cli_json_str(compat != NULL ? compat : "");
			printf(", \"bus\": %llu, \"size\": %llu, \"cpu\": ", (unsigned long long)bus,
			       (unsigned long long)size);
			if (ok)
				printf("%llu}", (unsigned long long)cpu);
			else
				printf("null}");
			*first = false;
		} else {
			printf("  %-40s %-26s bus 0x%09llx", path, compat != NULL ? compat : "-",
			       (unsigned long long)bus);
			if (ok)
				printf(" -> cpu 0x%09llx", (unsigned long long)cpu);
			else
				printf(" -> (not translatable)");
			printf(" size 0x%llx\n", (unsigned long long)size);
		}
	}
}

static int inspect(int argc, char **argv)
{
	const char *path = NULL, *bad, *model, *compat;
	bool json = false, first = true;
	int node, depth = 0, cpus = 0, cnode;
	size_t len;
	void *fdt;
	int rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] != '-' && path == NULL)
			path = argv[i];
		else
			return fputs(cli_dtb_usage, stderr), CLI_USAGE;
	}
	if (path == NULL)
		return fputs(cli_dtb_usage, stderr), CLI_USAGE;
	rc = load(path, &fdt, &len);
	if (rc != CLI_OK)
		return rc;
	bad = structure(fdt, len);
	if (bad != NULL) {
		fprintf(stderr, "%s: INVALID: %s\n", path, bad);
		free(fdt);
		return CLI_FAILED;
	}
	model = fdt_getprop(fdt, 0, "model", NULL);
	compat = fdt_getprop(fdt, 0, "compatible", NULL);
	cnode = fdt_path_offset(fdt, "/cpus");
	if (cnode >= 0) {
		int c;

		fdt_for_each_subnode(c, fdt, cnode) {
			const char *dt = fdt_getprop(fdt, c, "device_type", NULL);

			cpus += dt != NULL && strcmp(dt, "cpu") == 0;
		}
	}
	if (json) {
		printf("{\"file\": ");
		cli_json_str(path);
		printf(", \"model\": ");
		cli_json_str(model != NULL ? model : "");
		printf(", \"compatible\": ");
		cli_json_str(compat != NULL ? compat : "");
		printf(", \"cpus\": %d, \"regs\": [", cpus);
	} else {
		printf("%s: %u bytes, model '%s', compatible '%s', %d CPU(s)\n", path,
		       fdt_totalsize(fdt), model != NULL ? model : "-", compat != NULL ? compat : "-",
		       cpus);
		printf("  %-40s %-26s registers (bus address -> CPU address through ranges)\n",
		       "node", "compatible");
	}
	for (node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth))
		show_regs(fdt, node, json, &first);
	if (json)
		printf("]}\n");
	free(fdt);
	return CLI_OK;
}

int cli_dtb(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "validate") == 0)
		return validate(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "inspect") == 0)
		return inspect(argc - 1, argv + 1);
	fputs(cli_dtb_usage, stderr);
	return CLI_USAGE;
}
