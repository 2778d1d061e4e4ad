/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DTB helpers every board shares, on libfdt: the machine's memory,
 * GICv2, timer PPI, PSCI, CPUs and /chosen, plus the nodes of the devices
 * a board asks for. Runs on the primary CPU before the MMU is on (built
 * with -mstrict-align).
 *
 * One pass over the nodes finds every device of interest; each find keeps
 * the offsets of its ancestors, so reading `reg` (the parent's cell counts)
 * and translating an address through every ancestor's `ranges` needs no
 * further scan (libfdt's fdt_parent_offset() rescans from the root).
 */
#include <libfdt.h>

#include "a64.h"

#define MAX_DEPTH RVX_A64_FDT_MAX_DEPTH
#define MAX_DEVS RVX_A64_FDT_MAX_DEVS
/* PSCI 0.2+'s CPU_ON (SMC64 calling convention). */
#define PSCI_CPU_ON_64 0xC4000003u
/* Tags start on 4-byte boundaries in the structure block. */
#define TAG_ALIGN(off) (((off) + 3u) & ~3u)

struct rvx_a64_board rvx_a64_board;

struct finds {
	struct rvx_a64_fdt_node memory[RVX_A64_NUMA_MAX_MEMS], gic, timer, psci, cpus_node, chosen;
	struct rvx_a64_fdt_node dev[MAX_DEVS];
	int dev_count;
	struct rvx_a64_fdt_node first[RVX_A64_FDT_MAX_FIRSTS];
	bool have_first[RVX_A64_FDT_MAX_FIRSTS];
	int aliases;
	int cpu[RVX_A64_MAX_CPUS];
	uint32_t cpu_count_dtb;
	uint32_t mem_count;
	int distance_map;
	bool have_distance_map;
	bool have_gic, have_timer, have_psci, have_cpus, have_chosen, have_aliases;
};

/* What the board asked the scan to look for. */
struct wants {
	const char *const *dev;
	size_t dev_count;
	const char *const *first;
	size_t first_count;
};

static struct finds finds;

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* Translate an address on @p h's parent bus into a CPU address, applying
 * each non-empty `ranges` on the way up. */
static int translate(const void *dtb, const struct rvx_a64_fdt_node *h, uint64_t *addr)
{
	for (int level = h->depth - 1; level >= 1; level--) {
		int bus = h->anc[level];
		int parent = h->anc[level - 1];
		int len = 0;
		const fdt32_t *r = fdt_getprop(dtb, bus, "ranges", &len);
		int ca, pa, sc, entry;
		bool found = false;

		if (r == NULL || len <= 0)
			continue; /* empty or absent: identity */
		ca = fdt_address_cells(dtb, bus);
		pa = fdt_address_cells(dtb, parent);
		sc = fdt_size_cells(dtb, bus);
		entry = ca + pa + sc;
		if (ca < 1 || ca > 2 || pa < 1 || pa > 2 || sc < 0 || sc > 2)
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
	return 0;
}

/* The @p index-th (address, size) pair of a node's reg, as a CPU address. */
static int read_reg(const void *dtb, const struct rvx_a64_fdt_node *h, int index,
		    struct rvx_a64_range *out)
{
	int parent, ac, sc;
	int len = 0;
	const fdt32_t *reg;

	if (h->depth < 1)
		return -FDT_ERR_BADSTRUCTURE; /* the root: no parent bus */
	parent = h->anc[h->depth - 1];
	ac = fdt_address_cells(dtb, parent);
	sc = fdt_size_cells(dtb, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -FDT_ERR_BADNCELLS;
	reg = fdt_getprop(dtb, h->node, "reg", &len);
	if (reg == NULL)
		return len;
	if ((index + 1) * (ac + sc) * 4 > len)
		return -FDT_ERR_NOTFOUND;
	out->base = read_cells(reg + index * (ac + sc), ac);
	out->size = read_cells(reg + index * (ac + sc) + ac, sc);
	return translate(dtb, h, &out->base);
}

/* True if the stringlist @p list (@p len bytes) holds @p s. */
static bool has_string(const char *list, int len, const char *s)
{
	size_t n = strlen(s) + 1;

	while (len > 0) {
		size_t l = strnlen(list, (size_t)len) + 1;

		if (l == n && memcmp(list, s, n) == 0)
			return true;
		list += l;
		len -= (int)l;
	}
	return false;
}

static bool has_any(const char *list, int len, const char *const *want, size_t n)
{
	for (size_t i = 0; list != NULL && i < n; i++) {
		if (has_string(list, len, want[i]))
			return true;
	}
	return false;
}

static void keep(struct rvx_a64_fdt_node *h, bool *flag, int node, int depth, const int *anc)
{
	if (*flag)
		return; /* the first one counts */
	*flag = true;
	h->node = node;
	h->depth = depth;
	memcpy(h->anc, anc, sizeof(h->anc));
}

/* A stringlist property's entries, split once per node so that matching
 * it against many names costs a first-character compare for most. */
#define LIST_MAX 8
struct strlist {
	const char *s[LIST_MAX];
	int n;       /* entries, or -1 when there are more than LIST_MAX */
	const char *raw;
	int len;
};

static void split(struct strlist *l, const char *list, int len)
{
	l->n = 0;
	l->raw = list;
	l->len = len;
	while (list != NULL && len > 0) {
		size_t e = strnlen(list, (size_t)len) + 1;

		if (l->n == LIST_MAX) {
			l->n = -1;
			return;
		}
		/* An unterminated last entry never matches. */
		if (e > (size_t)len)
			return;
		l->s[l->n++] = list;
		list += e;
		len -= (int)e;
	}
}

static bool list_has_any(const struct strlist *l, const char *const *want, size_t n)
{
	if (l->n < 0)
		return has_any(l->raw, l->len, want, n);
	for (int i = 0; i < l->n; i++) {
		for (size_t j = 0; j < n; j++) {
			if (l->s[i][0] == want[j][0] && strcmp(l->s[i], want[j]) == 0)
				return true;
		}
	}
	return false;
}

/* What the scan reads of one node: its name and two properties. */
struct scan_node {
	int node, depth;
	const char *name;
	const char *compat, *type;
	int clen, tlen;
};

/* Classify one node (its properties all read) into the finds. */
static void visit(struct finds *f, const struct scan_node *n, const int *anc,
		  const struct wants *w)
{
	static const char *const gic[] = {"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic"};
	static const char *const timer[] = {"arm,armv8-timer", "arm,armv7-timer"};
	static const char *const psci[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
	static const char *const distance[] = {"numa-distance-map-v1"};
	static const char *const memory[] = {"memory"};
	static const char *const cpu[] = {"cpu"};
	int node = n->node, depth = n->depth;
	struct strlist compat, type;

	split(&compat, n->compat, n->clen);
	split(&type, n->type, n->tlen);
	if (list_has_any(&type, memory, 1) && f->mem_count < RVX_A64_NUMA_MAX_MEMS) {
		bool dummy = false;

		keep(&f->memory[f->mem_count++], &dummy, node, depth, anc);
	}
	if (list_has_any(&compat, distance, 1) && !f->have_distance_map) {
		f->have_distance_map = true;
		f->distance_map = node;
	}
	if (list_has_any(&type, cpu, 1) && f->have_cpus && depth == 2 &&
	    anc[1] == f->cpus_node.node) {
		if (f->cpu_count_dtb < RVX_A64_MAX_CPUS)
			f->cpu[f->cpu_count_dtb] = node;
		f->cpu_count_dtb++;
	}
	if (list_has_any(&compat, gic, 3))
		keep(&f->gic, &f->have_gic, node, depth, anc);
	if (list_has_any(&compat, timer, 2))
		keep(&f->timer, &f->have_timer, node, depth, anc);
	if (list_has_any(&compat, psci, 3))
		keep(&f->psci, &f->have_psci, node, depth, anc);
	if (list_has_any(&compat, w->dev, w->dev_count) && f->dev_count < MAX_DEVS) {
		bool dummy = false;

		keep(&f->dev[f->dev_count++], &dummy, node, depth, anc);
	}
	for (size_t i = 0; i < w->first_count; i++) {
		if (list_has_any(&compat, &w->first[i], 1))
			keep(&f->first[i], &f->have_first[i], node, depth, anc);
	}
	if (depth == 1 && strcmp(n->name, "cpus") == 0)
		keep(&f->cpus_node, &f->have_cpus, node, depth, anc);
	if (depth == 1 && strcmp(n->name, "chosen") == 0)
		keep(&f->chosen, &f->have_chosen, node, depth, anc);
	if (depth == 1 && strcmp(n->name, "aliases") == 0 && !f->have_aliases) {
		f->have_aliases = true;
		f->aliases = node;
	}
}

/* Whether the string at @p off of the strings block (@p size bytes) is
 * @p want (with its NUL inside the block). */
static bool name_is(const char *strs, uint32_t size, uint32_t off, const char *want, size_t n)
{
	return off < size && size - off > n && memcmp(strs + off, want, n + 1) == 0;
}

/* The single pass: the structure block read once, tag by tag, with every
 * offset and length bounds-checked against the header's block sizes
 * (fdt_check_header() checked those against the blob). A node's own
 * properties are the ones before its first child, as libfdt reads them;
 * it is classified when they end. Offsets are libfdt's node offsets. Going
 * through libfdt here (fdt_getprop() twice per node, each walking the
 * node's properties, plus fdt_next_node()) cost about 0.9 million
 * instructions on QEMU's virt DTB. */
static int scan(const void *dtb, struct finds *f, const struct wants *w)
{
	const uint8_t *st = (const uint8_t *)dtb + fdt_off_dt_struct(dtb);
	const char *strs = (const char *)dtb + fdt_off_dt_strings(dtb);
	uint32_t st_size = fdt_size_dt_struct(dtb);
	uint32_t str_size = fdt_size_dt_strings(dtb);
	struct scan_node cur;
	bool pending = false;
	int anc[MAX_DEPTH];
	int depth = -1;
	uint32_t off = 0;

	/* Version 17 gives the structure block's size; earlier ones are not
	 * produced by any firmware this runs on. */
	if (fdt_version(dtb) < 17)
		return -FDT_ERR_BADVERSION;
	memset(f, 0, sizeof(*f));
	memset(anc, 0, sizeof(anc));
	memset(&cur, 0, sizeof(cur));
	for (;;) {
		uint32_t at = off, tag, len, nameoff;

		if (st_size - off < 4)
			return -FDT_ERR_TRUNCATED;
		tag = fdt32_ld((const fdt32_t *)(const void *)(st + off));
		off += 4;
		if (pending && tag != FDT_PROP && tag != FDT_NOP) {
			visit(f, &cur, anc, w);
			pending = false;
		}
		switch (tag) {
		case FDT_BEGIN_NODE: {
			const char *name = (const char *)st + off;
			const char *end = memchr(name, '\0', st_size - off);

			if (end == NULL)
				return -FDT_ERR_TRUNCATED;
			off = TAG_ALIGN(off + (uint32_t)(end - name) + 1u);
			if (off > st_size)
				return -FDT_ERR_TRUNCATED;
			if (depth < 0 && at != 0)
				return -FDT_ERR_BADSTRUCTURE; /* a second root */
			if (++depth >= MAX_DEPTH)
				return -FDT_ERR_BADSTRUCTURE;
			anc[depth] = (int)at;
			memset(&cur, 0, sizeof(cur));
			cur.node = (int)at;
			cur.depth = depth;
			cur.name = name;
			pending = true;
			break;
		}
		case FDT_PROP:
			if (depth < 0)
				return -FDT_ERR_BADSTRUCTURE;
			if (st_size - off < 8)
				return -FDT_ERR_TRUNCATED;
			len = fdt32_ld((const fdt32_t *)(const void *)(st + off));
			nameoff = fdt32_ld((const fdt32_t *)(const void *)(st + off + 4));
			off += 8;
			if (len > st_size - off || len > INT32_MAX)
				return -FDT_ERR_TRUNCATED;
			if (pending && cur.compat == NULL &&
			    name_is(strs, str_size, nameoff, "compatible", 10)) {
				cur.compat = (const char *)st + off;
				cur.clen = (int)len;
			} else if (pending && cur.type == NULL &&
				   name_is(strs, str_size, nameoff, "device_type", 11)) {
				cur.type = (const char *)st + off;
				cur.tlen = (int)len;
			}
			off = TAG_ALIGN(off + len);
			if (off > st_size)
				return -FDT_ERR_TRUNCATED;
			break;
		case FDT_END_NODE:
			if (depth < 0)
				return -FDT_ERR_BADSTRUCTURE;
			if (--depth < 0)
				return 0; /* past the root's end */
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return depth < 0 && at != 0 ? 0 : -FDT_ERR_BADSTRUCTURE;
		default:
			return -FDT_ERR_BADSTRUCTURE;
		}
	}
}

const struct rvx_a64_fdt_node *rvx_a64_fdt_devices(int *count)
{
	*count = finds.dev_count;
	return finds.dev;
}

/* The node @p path (@p plen bytes) names. A bare alias is looked up in
 * the /aliases node the scan found (libfdt's own lookup first walks the
 * root's children, every subtree before /aliases, to find it); its value
 * must be a string inside the property. Anything else goes to libfdt. */
static int stdout_node(const void *dtb, const struct finds *f, const char *path, int plen)
{
	const char *alias;
	int alen = 0;

	if (plen <= 0 || path[0] == '/' || !f->have_aliases || memchr(path, '/', (size_t)plen))
		return fdt_path_offset_namelen(dtb, path, plen);
	alias = fdt_getprop_namelen(dtb, f->aliases, path, plen, &alen);
	if (alias == NULL || alen <= 0 || alias[alen - 1] != '\0')
		return -FDT_ERR_BADPATH;
	return fdt_path_offset(dtb, alias);
}

const struct rvx_a64_fdt_node *rvx_a64_fdt_first(size_t i)
{
	return i < RVX_A64_FDT_MAX_FIRSTS && finds.have_first[i] ? &finds.first[i] : NULL;
}

int rvx_a64_fdt_cpus_offset(void)
{
	return finds.have_cpus ? finds.cpus_node.node : -FDT_ERR_NOTFOUND;
}

int rvx_a64_fdt_gic_offset(void)
{
	return finds.have_gic ? finds.gic.node : -FDT_ERR_NOTFOUND;
}

const struct rvx_a64_fdt_node *rvx_a64_fdt_stdout_device(void)
{
	const void *dtb = rvx_a64_board.dtb;
	const struct finds *f = &finds;
	int pick = 0;

	if (f->dev_count == 0)
		return NULL;
	/* Several: the one /chosen stdout-path names, if it is one. */
	if (f->dev_count > 1 && f->have_chosen) {
		int len = 0;
		const char *path = fdt_getprop(dtb, f->chosen.node, "stdout-path", &len);

		if (path != NULL && len > 0) {
			int plen = (int)strnlen(path, (size_t)len);
			const char *colon = memchr(path, ':', (size_t)plen);
			int node;

			if (colon != NULL)
				plen = (int)(colon - path);
			node = stdout_node(dtb, f, path, plen);
			for (int i = 0; i < f->dev_count; i++) {
				if (f->dev[i].node == node)
					pick = i;
			}
		}
	}
	return &f->dev[pick];
}

int rvx_a64_fdt_reg(const struct rvx_a64_fdt_node *n, int index, struct rvx_a64_range *out)
{
	return read_reg(rvx_a64_board.dtb, n, index, out);
}

int rvx_a64_fdt_translate(const struct rvx_a64_fdt_node *n, uint64_t *addr)
{
	return translate(rvx_a64_board.dtb, n, addr);
}

/* Every memory node's first range; the kernel's RAM is the one that holds
 * the image (QEMU lists a NUMA machine's memory nodes in any order), else
 * the first. */
static int parse_memory(const void *dtb, const struct finds *f, struct rvx_a64_board *b)
{
	uint64_t img = (uint64_t)(uintptr_t)__image_start;
	bool found = false;

	if (f->mem_count == 0)
		return -FDT_ERR_NOTFOUND;
	b->mem_count = f->mem_count;
	b->mem_used = 0;
	for (uint32_t i = 0; i < f->mem_count; i++) {
		int err = read_reg(dtb, &f->memory[i], 0, &b->mems[i]);

		if (err != 0)
			return err;
		if (!found && img >= b->mems[i].base && img - b->mems[i].base < b->mems[i].size) {
			b->mem_used = i;
			found = true;
		}
	}
	b->mem = b->mems[b->mem_used];
	return 0;
}

static int parse_timer(const void *dtb, const struct finds *f, struct rvx_a64_board *b)
{
	int len = 0;
	const fdt32_t *irq = fdt_getprop(dtb, f->timer.node, "interrupts", &len);

	/* Four (type, number, flags) triples: secure physical, non-secure
	 * physical, virtual, hypervisor. The image runs at EL2 and uses the
	 * hypervisor timer (CNTHP), the fourth; it is a PPI (type 1), whose
	 * GIC INTID is its number + 16. */
	if (irq == NULL)
		return len;
	if (len < 12 * 4 || fdt32_to_cpu(irq[9]) != 1u || fdt32_to_cpu(irq[10]) > 15u)
		return -FDT_ERR_BADVALUE;
	b->timer_intid = fdt32_to_cpu(irq[10]) + 16u;
	return 0;
}

static int parse_psci(const void *dtb, const struct finds *f, struct rvx_a64_board *b)
{
	int node = f->psci.node;
	int len = 0;
	const char *method = fdt_getprop(dtb, node, "method", &len);
	const fdt32_t *on;

	if (method == NULL)
		return len;
	if (len == 4 && memcmp(method, "smc", 4) == 0)
		b->psci_smc = RVX_A64_PSCI_SMC;
	else if (len == 4 && memcmp(method, "hvc", 4) == 0)
		b->psci_smc = RVX_A64_PSCI_HVC;
	else
		return -FDT_ERR_BADVALUE;
	/* PSCI 0.2+ fixes CPU_ON (SMC64); PSCI 0.1 names it in "cpu_on". */
	b->have_psci = 1;
	b->psci_cpu_on = PSCI_CPU_ON_64;
	on = fdt_getprop(dtb, node, "cpu_on", &len);
	if (fdt_node_check_compatible(dtb, node, "arm,psci-0.2") != 0 &&
	    fdt_node_check_compatible(dtb, node, "arm,psci-1.0") != 0 && on != NULL && len == 4)
		b->psci_cpu_on = fdt32_to_cpu(on[0]);
	return 0;
}

static int parse_cpus(const void *dtb, const struct finds *f, struct rvx_a64_board *b)
{
	int ac = fdt_address_cells(dtb, f->cpus_node.node);

	if (ac < 1 || ac > 2)
		return -FDT_ERR_BADNCELLS;
	b->cpu_count_dtb = f->cpu_count_dtb;
	b->cpu_count = f->cpu_count_dtb < RVX_A64_MAX_CPUS ? f->cpu_count_dtb : RVX_A64_MAX_CPUS;
	for (uint32_t i = 0; i < b->cpu_count; i++) {
		int len = 0;
		const fdt32_t *reg = fdt_getprop(dtb, f->cpu[i], "reg", &len);

		if (reg == NULL || len < ac * 4)
			return -FDT_ERR_BADVALUE;
		b->cpu_mpidr[i] = read_cells(reg, ac);
	}
	return b->cpu_count > 0 ? 0 : -FDT_ERR_NOTFOUND;
}

static int parse_chosen(const void *dtb, const struct finds *f, struct rvx_a64_board *b)
{
	int chosen = f->chosen.node;
	int len = 0;
	const void *p;

	if (!f->have_chosen)
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

int rvx_a64_fdt_scan(const void *dtb, const char *const *dev_compat, size_t dev_count,
		     const char **what)
{
	return rvx_a64_fdt_scan_for(dtb, dev_compat, dev_count, NULL, 0, what);
}

int rvx_a64_fdt_scan_for(const void *dtb, const char *const *dev_compat, size_t dev_count,
			 const char *const *first, size_t first_count, const char **what)
{
	struct rvx_a64_board *b = &rvx_a64_board;
	struct wants w = {dev_compat, dev_count, first, first_count};
	int err;

	*what = "scan request";
	if (first_count > RVX_A64_FDT_MAX_FIRSTS)
		return -FDT_ERR_NOSPACE;
	*what = "header";
	err = fdt_check_header(dtb);
	if (err != 0)
		return err;
	b->dtb = dtb;
	b->dtb_size = fdt_totalsize(dtb);
	*what = "structure";
	return scan(dtb, &finds, &w);
}

int rvx_a64_fdt_machine(bool need_psci, const char **what)
{
	struct rvx_a64_board *b = &rvx_a64_board;
	const void *dtb = b->dtb;
	struct finds *f = &finds;
	int err;

	*what = "memory";
	err = parse_memory(dtb, f, b);
	if (err != 0)
		return err;
	*what = "GICv2";
	err = f->have_gic ? read_reg(dtb, &f->gic, 0, &b->gicd) : -FDT_ERR_NOTFOUND;
	if (err == 0)
		err = read_reg(dtb, &f->gic, 1, &b->gicc);
	if (err != 0)
		return err;
	*what = "timer";
	err = f->have_timer ? parse_timer(dtb, f, b) : -FDT_ERR_NOTFOUND;
	if (err != 0)
		return err;
	*what = "PSCI";
	if (f->have_psci)
		err = parse_psci(dtb, f, b);
	else if (need_psci)
		err = -FDT_ERR_NOTFOUND;
	if (err != 0)
		return err;
	*what = "cpus";
	err = f->have_cpus ? parse_cpus(dtb, f, b) : -FDT_ERR_NOTFOUND;
	if (err != 0)
		return err;
	*what = "chosen";
	err = parse_chosen(dtb, f, b);
	if (err != 0)
		return err;
	/* NUMA is a hint: a DTB whose topology is malformed runs as one node
	 * (numa_err and numa_why say why, for the board to report). */
	{
		int mem[RVX_A64_NUMA_MAX_MEMS];

		for (uint32_t i = 0; i < f->mem_count; i++)
			mem[i] = f->memory[i].node;
		b->numa_err = rvx_a64_numa_parse(dtb, f->cpu, b->cpu_count, mem, f->mem_count,
						 f->have_distance_map ? f->distance_map : -1,
						 &b->numa, &b->numa_why);
	}
	return 0;
}
