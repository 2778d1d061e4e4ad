/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Components on the virt image: the loading policy. A package whose tasks
 * name code segments is mounted through RvfMount and each code segment
 * becomes a partition of its own (lib/part, at EL1 under stage 2, its own
 * VMID): the image (sdk/aarch64, ruvix/user_image.h) copied to fresh pages
 * from the buddy allocator and mapped at RVX_USER_IMAGE_IPA, text read +
 * execute, data and bss read + write, never both; each of its tasks gets a
 * stack (below an unmapped guard page) and a start block (struct
 * rvx_user_start: its capabilities in wire order) and starts at the
 * image's start-up with its manifest entry. part.c is the mechanism (it
 * calls back here for what differs from the demo's identity-mapped
 * partitions: CPU state at start, address translation, board calls).
 *
 * Check, then commit: the package is verified (rvx_rvf_verify()) and the
 * whole load planned (every image header, the layout, the partition
 * slots) and its memory reserved before the nucleus mounts it; a refused
 * mount gives the memory back, so nothing changed. Once the nucleus has
 * committed, the steps cannot fail on an input (the plan checked them); a
 * port that cannot do them stops the machine.
 *
 * IPA layout of one component (its window; the physical block behind it
 * is one buddy allocation, so IPA -> PA is base + offset):
 *
 *   0x10000000 | text (R-X) | data + bss (RW-) | guard | stack, start block (RW-) | guard | ...
 *
 * Locks: everything runs under the kernel lock (rvx_a64_rt_lock()).
 */
#include "ruvix/nucleus.h"
#include "ruvix/port.h"
#include "ruvix/rvf.h"
#include "ruvix/stage2.h"
#include "ruvix/user.h"
#include "ruvix/user_image.h"
#include "component.h"
#include "objects.h"
#include "part.h"

#ifndef RVX_VIRT_HAVE_TRUSTED_KEYS
#define RVX_VIRT_HAVE_TRUSTED_KEYS 0
#endif
#if RVX_VIRT_HAVE_TRUSTED_KEYS
extern const uint8_t rvx_virt_trusted_keys[];
extern const uint32_t rvx_virt_trusted_key_count;
#endif

#define PAGE 4096u
/* Where regions a component maps are placed in its IPA space. */
#define RVX_VIRT_COMP_REGIONS UINT64_C(0x20000000)
#define RVX_VIRT_COMP_REGIONS_END UINT64_C(0x40000000)
/* Stage-2 table pages of one component beyond what its mappings at load
 * can take (for the regions RegionMap maps later). */
#define COMP_POOL_SPARE 8u
/* Board calls a component may make (ruvix/user_image.h). */
#define COMP_CALLS ((1u << RVX_USER_HVC_PRINT) | (1u << RVX_USER_HVC_EXIT))
/* Stack of a task a component spawns (TaskSpawn). */
#define COMP_SPAWN_STACK 8192u

/* One task of a component: IPAs of its entry, stack top and start block. */
struct comp_slot {
	uint64_t entry;
	uint64_t sp;
	uint64_t start;
};

/* One component: a code segment loaded into a partition of its own. */
struct comp {
	uint32_t live;      /* 1 once its partition exists */
	uint32_t segment;   /* its code segment in the package */
	uint32_t cpu;       /* home CPU */
	uint32_t tasks;     /* slots used */
	uint64_t pa;        /* the physical block behind the window */
	uint64_t window;    /* bytes of the window (IPA) */
	uint64_t text_size; /* bytes mapped read + execute */
	uint64_t rw_size;   /* bytes of data + bss mapped read + write */
	uint64_t image_len; /* bytes of the code segment */
	uint64_t start;     /* IPA of the start-up code */
	uint64_t vectors;   /* IPA of the EL1 vectors */
	uint64_t regions;   /* IPA where the next region RegionMap made is mapped */
	void *pool;         /* its stage-2 table pages */
	uint32_t pool_pages;/* how many */
	uint32_t region_rights[RVX_RVF_MAX_REGIONS]; /* the package's regions its tasks hold */
	char name[RVX_RVF_NAME_SIZE];
	struct comp_slot slot[RVX_CONFIG_PART_TASKS];
	struct rvx_part_map maps[RVX_CONFIG_PART_MAPS];
	uint32_t map_count;
};

/* A mount being planned: the components and where each task goes. */
struct plan {
	uint32_t count;
	struct comp c[RVX_RVF_MAX_SEGMENTS];
	uint32_t task_comp[RVX_RVF_MAX_TASKS];
};

/* By lib/part partition index. */
static struct comp comps[RVX_CONFIG_PART_MAX_PARTITIONS];
static uint32_t next_vmid = 1;
static uint32_t active;
static struct rvx_rvf_package view;
static struct plan plan;
static void (*task_done)(uint32_t task, int32_t code, bool stopped);
static bool stack_reuse_test; /* rvx.test=stack-reuse */

static struct rvx_kernel *K(void)
{
	return rvx_virt_kernel();
}

static uint64_t round_page(uint64_t v)
{
	return (v + PAGE - 1u) & ~(uint64_t)(PAGE - 1u);
}

/* ---- what part.c asks of component partitions ---- */

uint64_t rvx_virt_comp_translate(uint32_t part, uint64_t ipa, uint64_t len)
{
	const struct rvx_part_partition *pp;
	const struct comp *c;

	if (part >= RVX_CONFIG_PART_MAX_PARTITIONS || !comps[part].live)
		return 0;
	c = &comps[part];
	if (ipa >= RVX_USER_IMAGE_IPA && len <= c->window &&
	    ipa - RVX_USER_IMAGE_IPA <= c->window - len)
		return c->pa + (ipa - RVX_USER_IMAGE_IPA);
	/* Else wholly inside one region mapped into it (RegionMap's or its
	 * package's): one mapping is one contiguous run of memory. */
	pp = &rvx_virt_pl.parts[part];
	for (uint32_t i = 0; i < pp->map_count; i++) {
		const struct rvx_part_map *m = &pp->maps[i];

		if (m->live && !m->lease && m->ipa >= RVX_VIRT_COMP_REGIONS && ipa >= m->ipa &&
		    len <= m->size && ipa - m->ipa <= m->size - len)
			return m->pa + (ipa - m->ipa);
	}
	return 0;
}

uint64_t rvx_virt_comp_pa(uint32_t part, uint64_t ipa, uint64_t len, bool write)
{
	uint64_t pa = rvx_virt_comp_translate(part, ipa, len), first, last;
	const struct rvx_stage2 *s2;

	if (pa == 0)
		return 0;
	/* Every page the range touches must be mapped with the permission:
	 * the tables say what the component may reach, nothing else does. */
	s2 = rvx_virt_part_s2(part);
	first = ipa & ~(uint64_t)(PAGE - 1u);
	last = len == 0 ? first : (ipa + len - 1u) & ~(uint64_t)(PAGE - 1u);
	for (uint64_t a = first;; a += PAGE) {
		struct rvx_stage2_mapping m;

		if (rvx_stage2_lookup(s2, a, &m) != 0 || (m.perms & RVX_STAGE2_R) == 0 ||
		    (write && (m.perms & RVX_STAGE2_W) == 0))
			return 0;
		if (a == last)
			break;
	}
	return pa;
}

void rvx_virt_comp_cpu_reset(uint32_t task, uint32_t part, uint32_t slot)
{
	const struct comp *c = &comps[part];

	rvx_a64_el1_reset(task, c->vectors, c->slot[slot].sp,
			  ((uint64_t)rvx_virt_pl.parts[part].vmid << 8) | slot, part);
}

void rvx_virt_comp_task_init(uint32_t part, uint32_t task, struct rvx_a64_frame *nf)
{
	const struct comp *c = &comps[part];
	uint32_t slot = rvx_virt_pl.tasks[task].slot;

	nf->elr = c->start;
	nf->spsr = RVX_A64_SPSR_EL1H_MASKED;
	nf->x[0] = c->slot[slot].start;
	nf->x[1] = c->slot[slot].entry;
}

/* A buffer the component named, as the kernel reaches it (lib/part has
 * checked it, with rvx_virt_comp_pa(): translated once, not walked again). */
static uint64_t buffer(uint32_t part, uint64_t ipa, uint64_t len)
{
	if (ipa == 0 && len == 0)
		return 0;
	return rvx_virt_comp_translate(part, ipa, len);
}

/* A region RegionMap just made for @p task: mapped into its component's
 * stage 2 above everything else, with its policy's permissions (immutable
 * and append-only read only, a slab read + write; never execute). Its IPA
 * (region_room() made sure before the call that it can be mapped; 0 only
 * if the port broke that). Nobody else maps it. */
static uint64_t map_region(uint32_t part, uint32_t task, rvx_handle_t cap)
{
	struct rvx_kernel_region_memory mem;
	struct comp *c = &comps[part];
	struct rvx_part_map m;
	uint64_t size;

	if (rvx_kernel_region_memory(K(), task, cap, &mem) != 0 ||
	    ((uint64_t)(uintptr_t)mem.base & (PAGE - 1u)) != 0)
		return 0;
	size = round_page(mem.size);
	if (size == 0 || c->regions + size > RVX_VIRT_COMP_REGIONS_END || c->regions + size < size)
		return 0;
	m = (struct rvx_part_map){c->regions, size,
				  mem.policy == RVX_REGION_POLICY_SLAB
					  ? RVX_STAGE2_R | RVX_STAGE2_W
					  : RVX_STAGE2_R,
				  RVX_STAGE2_NORMAL_WB, 1, 0, {0}, (uint64_t)(uintptr_t)mem.base};
	if (rvx_part_map_add(&rvx_virt_pl, part, &m) != 0)
		return 0;
	c->regions += size + PAGE; /* an unmapped page between regions */
	return m.ipa;
}

/* Before a RegionMap of @p size bytes from component @p part: is there room
 * to map the region once the nucleus makes it (IPA space, the mapping
 * journal, stage-2 table pages)? Asked first, so a region the component
 * could not reach is never made. 0 or the refusal; changes nothing. */
static int region_room(uint32_t part, uint64_t size)
{
	const struct comp *c = &comps[part];
	const struct rvx_stage2 *s2 = rvx_virt_part_s2(part);
	uint64_t need;

	if (size == 0 || size > RVX_VIRT_COMP_REGIONS_END)
		return 0; /* the nucleus refuses it with its own reason */
	size = round_page(size);
	if (c->regions + size > RVX_VIRT_COMP_REGIONS_END || c->regions + size < size)
		return -RVX_ENOMEM;
	if (rvx_virt_pl.parts[part].map_count >= RVX_CONFIG_PART_MAPS)
		return -RVX_ELIMIT;
	need = rvx_stage2_tables_bound(&s2->geo, c->regions, size);
	if (need > rvx_stage2_pages_free(s2))
		return -RVX_ENOMEM;
	return 0;
}

int rvx_virt_comp_syscall(uint32_t part, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r)
{
	int rc;

	uint64_t in = buffer(part, a->in, a->in_len);
	uint64_t out = buffer(part, a->out, a->out_len);
	uint64_t aux = buffer(part, a->aux, a->aux_len);

	if ((in == 0 && a->in != 0) || (out == 0 && a->out != 0) || (aux == 0 && a->aux != 0))
		return -RVX_EINVAL; /* unreachable: lib/part checked the same */
	if (nr == RVX_SYS_REGION_MAP) {
		rc = region_room(part, a->arg[1]);
		if (rc != 0)
			return rc;
	}
	a->in = in;
	a->out = out;
	a->aux = aux;
	rc = rvx_syscall(K(), task, nr, a, r);
	if (rc == 0 && nr == RVX_SYS_REGION_MAP)
		r->value[1] = map_region(part, task, (rvx_handle_t){r->value[0]});
	return rc;
}

struct rvx_a64_frame *rvx_virt_comp_call(uint32_t task, struct rvx_a64_frame *f,
					 const struct rvx_part_verdict *v)
{
	const struct rvx_part_trap *t = &v->trap;
	struct rvx_part_verdict ev;
	uint64_t daif;
	int32_t code;
	int rc;

	if (t->nr == RVX_USER_HVC_PRINT) {
		char line[RVX_USER_PRINT_MAX + 1u];
		uint64_t pa;

		daif = rvx_a64_rt_lock();
		pa = t->x[1] >= 1u && t->x[1] <= RVX_USER_PRINT_MAX
			     ? rvx_virt_comp_pa(v->part, t->x[0], t->x[1], false)
			     : 0;
		if (pa != 0) {
			memcpy(line, (const void *)(uintptr_t)pa, t->x[1]);
			line[t->x[1]] = '\0';
		}
		rvx_a64_rt_unlock(daif);
		if (pa != 0)
			rvx_a64_printf("%s\n", line);
		f->x[0] = pa != 0 ? 0 : (uint64_t)(int64_t)-RVX_EINVAL;
		return f;
	}
	/* RVX_USER_HVC_EXIT: the task ends through the nucleus (TASK_EXIT),
	 * and this CPU switches away from it in the same hold of the kernel
	 * lock: once the lock is released another CPU may spawn a task into
	 * the ended one's index and run it, and the runtime's slot of that
	 * index (rt.c) is the new task's. */
	code = (int32_t)t->x[0];
	memset(&ev, 0, sizeof(ev));
	ev.next = RVX_PART_NEXT_EXITED;
	ev.part = v->part;
	daif = rvx_a64_rt_lock();
	rc = rvx_part_task_end(&rvx_virt_pl, task, code);
	if (rc != 0) {
		rvx_a64_rt_unlock(daif);
		rvx_a64_fail("ending a component task", rc);
	}
	if (task_done != NULL)
		task_done(task, code, false);
	f = rvx_virt_part_apply_locked(f, &ev);
	rvx_a64_rt_unlock(daif);
	if (stack_reuse_test)
		rvx_virt_test_stack_reuse(task);
	return f;
}

/* ---- planning (no side effects but the memory reservations) ---- */

static void plan_release(struct plan *p)
{
	for (uint32_t i = 0; i < p->count; i++) {
		struct comp *c = &p->c[i];

		if (c->pa != 0)
			rvx_a64_free((void *)(uintptr_t)c->pa, c->window, PAGE);
		if (c->pool != NULL)
			rvx_a64_free(c->pool, (uint64_t)c->pool_pages * PAGE, PAGE);
		c->pa = 0;
		c->pool = NULL;
	}
	p->count = 0;
}

/* Read and check one code segment's image header; the component's layout
 * up to its tasks. */
static int plan_image(const uint8_t *pkg, const struct rvx_rvf_segment *seg, struct comp *c)
{
	struct rvx_user_image h;

	if (seg->length < sizeof(h))
		return -RVX_EMANIFEST;
	memcpy(&h, pkg + seg->offset, sizeof(h));
	if (h.magic != RVX_USER_IMAGE_MAGIC || h.version != RVX_USER_IMAGE_VERSION ||
	    h.header_size != sizeof(h) || h.ipa != RVX_USER_IMAGE_IPA || h.reserved[0] != 0 ||
	    h.reserved[1] != 0)
		return -RVX_EMANIFEST;
	if (h.text_size == 0 || (h.text_size & (PAGE - 1u)) != 0 ||
	    (h.data_size & (PAGE - 1u)) != 0 || h.text_size > RVX_USER_IMAGE_MAX ||
	    h.data_size > RVX_USER_IMAGE_MAX || h.bss_size > RVX_USER_IMAGE_MAX ||
	    h.text_size + h.data_size + h.bss_size > RVX_USER_IMAGE_MAX)
		return -RVX_EMANIFEST;
	/* The file is the text, then (if any) the whole data. */
	if (seg->length > h.text_size + h.data_size ||
	    (h.data_size != 0 && seg->length != h.text_size + h.data_size))
		return -RVX_EMANIFEST;
	if (h.start < sizeof(h) || h.start >= h.text_size || (h.start & 3u) != 0 ||
	    h.vectors < sizeof(h) || (uint64_t)h.vectors + 2048u > h.text_size ||
	    (h.vectors & 2047u) != 0)
		return -RVX_EMANIFEST;
	c->text_size = h.text_size;
	c->rw_size = round_page(h.data_size + h.bss_size);
	c->image_len = seg->length;
	c->start = RVX_USER_IMAGE_IPA + h.start;
	c->vectors = RVX_USER_IMAGE_IPA + h.vectors;
	c->window = c->text_size + c->rw_size;
	c->map_count = 0;
	c->maps[c->map_count++] = (struct rvx_part_map){
		RVX_USER_IMAGE_IPA, c->text_size, RVX_STAGE2_R | RVX_STAGE2_X,
		RVX_STAGE2_NORMAL_WB, 1, 0, {0}, 0};
	if (c->rw_size != 0)
		c->maps[c->map_count++] = (struct rvx_part_map){
			RVX_USER_IMAGE_IPA + c->text_size, c->rw_size,
			RVX_STAGE2_R | RVX_STAGE2_W, RVX_STAGE2_NORMAL_WB, 1, 0, {0}, 0};
	return 0;
}

/* True if @p off is a possible entry: an instruction in the text after the header. */
static bool entry_ok(const struct comp *c, uint64_t off)
{
	return off >= sizeof(struct rvx_user_image) && off < c->text_size && (off & 3u) == 0;
}

/* A task of the component (NULL: a slot for a task it may spawn): its
 * entry inside the text, a guard page, its stack and its start block. */
static int plan_task(struct comp *c, const struct rvx_rvf_task *t)
{
	uint64_t stack = round_page(t != NULL ? t->stack_size : COMP_SPAWN_STACK), base;
	struct comp_slot *s;

	if (c->tasks >= RVX_CONFIG_PART_TASKS || c->map_count + 1u >= RVX_CONFIG_PART_MAPS)
		return -RVX_ELIMIT;
	if (t != NULL && !entry_ok(c, t->entry))
		return -RVX_EMANIFEST;
	base = RVX_USER_IMAGE_IPA + c->window + PAGE; /* after an unmapped guard page */
	s = &c->slot[c->tasks++];
	s->entry = t != NULL ? RVX_USER_IMAGE_IPA + t->entry : 0;
	s->sp = base + stack;
	s->start = base + stack;
	c->maps[c->map_count++] = (struct rvx_part_map){
		base, stack + PAGE, RVX_STAGE2_R | RVX_STAGE2_W, RVX_STAGE2_NORMAL_WB, 1, 0, {0}, 0};
	c->window += PAGE + stack + PAGE;
	return 0;
}

/* Regions of the package a component maps. */
static uint32_t regions_of(const struct comp *c)
{
	uint32_t n = 0;

	for (uint32_t r = 0; r < RVX_RVF_MAX_REGIONS; r++)
		n += c->region_rights[r] != 0;
	return n;
}

/* Table pages the component's stage 2 can need: the root, every mapping
 * made at load at 4 KiB granularity, and a margin for RegionMap. */
static uint32_t pool_need(const struct rvx_rvf_manifest *m, const struct comp *c)
{
	struct rvx_stage2_config cfg = {.ipa_bits = 32, .pa_bits = 40,
					.start_level = RVX_STAGE2_START_AUTO};
	struct rvx_stage2_geometry geo;
	uint64_t n;

	if (rvx_stage2_geometry(&cfg, &geo) != 0)
		return 0;
	n = geo.root_pages + COMP_POOL_SPARE;
	for (uint32_t k = 0; k < c->map_count - regions_of(c); k++)
		n += rvx_stage2_tables_bound(&geo, c->maps[k].ipa, c->maps[k].size);
	for (uint32_t r = 0; r < m->region_count; r++)
		if (c->region_rights[r] != 0)
			n += rvx_stage2_tables_bound(&geo, RVX_USER_IMAGE_REGION(r),
						     round_page(m->regions[r].size));
	return (uint32_t)n;
}

static int plan_mount(const uint8_t *pkg, const struct rvx_rvf_package *v, struct plan *p)
{
	const struct rvx_rvf_manifest *m = &v->manifest;
	uint32_t online = rvx_a64_cpus_up();
	int rc;

	memset(p, 0, sizeof(*p));
	for (uint32_t t = 0; t < m->task_count; t++) {
		const struct rvx_rvf_task *rt = &m->tasks[t];
		uint32_t i;

		/* No kernel code is selectable by number on this image. */
		if ((rt->flags & RVX_RVF_TASK_ENTRY_SYMBOL) != 0 || rt->code_segment >= v->segment_count)
			return -RVX_ENOTSUP;
		for (i = 0; i < p->count; i++)
			if (p->c[i].segment == rt->code_segment)
				break;
		if (i == p->count) {
			if (p->count == RVX_RVF_MAX_SEGMENTS)
				return -RVX_ELIMIT;
			p->c[i].segment = rt->code_segment;
			memcpy(p->c[i].name, rt->name, sizeof(p->c[i].name));
			rc = plan_image(pkg, &v->segments[rt->code_segment], &p->c[i]);
			if (rc != 0)
				return rc;
			p->count++;
		}
		rc = plan_task(&p->c[i], rt);
		if (rc != 0)
			return rc;
		p->task_comp[t] = i;
	}
	/* Every slot of a component has its stack from the start, so a task
	 * it spawns needs no new mapping. */
	for (uint32_t i = 0; i < p->count; i++)
		while (p->c[i].tasks < RVX_CONFIG_PART_TASKS) {
			rc = plan_task(&p->c[i], NULL);
			if (rc != 0)
				return rc;
		}
	/* The package's regions each component's tasks are wired to, with
	 * the rights they hold together: mapped at RVX_USER_IMAGE_REGION(i). */
	for (uint32_t w = 0; w < m->wire_count; w++) {
		const struct rvx_rvf_wire *wi = &m->wires[w];
		struct comp *c = &p->c[p->task_comp[wi->task]];

		if (wi->kind != RVX_RVF_WIRE_REGION)
			continue;
		if (c->region_rights[wi->object] == 0) {
			if (c->map_count >= RVX_CONFIG_PART_MAPS - 1u)
				return -RVX_ELIMIT; /* one entry stays for RegionMap */
			c->map_count++;
		}
		c->region_rights[wi->object] |= wi->rights;
	}
	if (rvx_virt_pl.part_count + p->count > RVX_CONFIG_PART_MAX_PARTITIONS ||
	    next_vmid + p->count > 256u)
		return -RVX_ELIMIT;
	/* Reserve the memory: the window's pages and the stage-2 tables. */
	for (uint32_t i = 0; i < p->count; i++) {
		struct comp *c = &p->c[i];

		c->cpu = (rvx_virt_pl.part_count + i) % online;
		c->pool_pages = pool_need(m, c);
		c->pa = (uint64_t)(uintptr_t)rvx_a64_alloc(c->window, PAGE);
		c->pool = rvx_a64_alloc((uint64_t)c->pool_pages * PAGE, PAGE);
		for (uint32_t k = 0; k < c->map_count - regions_of(c); k++)
			c->maps[k].pa = c->pa + (c->maps[k].ipa - RVX_USER_IMAGE_IPA);
		if (c->pa == 0 || c->pool == NULL) {
			plan_release(p);
			return -RVX_ENOMEM;
		}
	}
	return 0;
}

/* ---- commit (after the nucleus mounted the package) ---- */

/* Read the component's tables back: text R-X, data RW-, stacks RW-, the
 * guard pages, the kernel's image and the package regions it does not hold
 * unmapped (those it holds: map_package_regions()). */
static uint32_t audit(uint32_t part, const struct comp *c)
{
	const struct rvx_stage2 *s2 = rvx_virt_part_s2(part);
	uint64_t img = (uint64_t)(uintptr_t)__image_start, end = (uint64_t)(uintptr_t)__image_end;
	uint32_t bad = rvx_a64_vm_check(s2, img, end - img, 0);

	for (uint32_t k = 0; k < c->map_count; k++)
		bad += rvx_a64_vm_check(s2, c->maps[k].ipa, c->maps[k].size, c->maps[k].perms);
	for (uint32_t s = 0; s < RVX_CONFIG_PART_TASKS; s++)
		bad += rvx_a64_vm_check(s2, c->maps[c->map_count - RVX_CONFIG_PART_TASKS + s].ipa - PAGE,
					PAGE, 0);
	/* The package's regions its tasks do not hold are not mapped. */
	for (uint32_t r = 0; r < RVX_RVF_MAX_REGIONS; r++)
		if (c->region_rights[r] != UINT32_MAX)
			bad += rvx_a64_vm_check(s2, RVX_USER_IMAGE_REGION(r), PAGE, 0);
	return bad;
}

static void start_block(const struct comp *c, uint32_t slot, uint32_t task)
{
	struct rvx_user_start *s =
		(struct rvx_user_start *)(uintptr_t)(c->pa + (c->slot[slot].start - RVX_USER_IMAGE_IPA));
	struct rvx_cap_info info;

	memset(s, 0, sizeof(*s));
	s->version = RVX_USER_START_VERSION;
	s->task = task;
	s->cpu = c->cpu;
	s->now_ns = rvx_port_time_real_ns();
	while (s->cap_count < RVX_USER_START_CAPS &&
	       rvx_kernel_cap_slot_info(K(), task, s->cap_count, &info) == 0)
		s->caps[s->cap_count++] = info.handle.raw;
}

/* Map each region of the package into the components whose tasks are
 * wired to it, at RVX_USER_IMAGE_REGION(i): immutable and append-only read
 * only, a slab read + write if one of its tasks holds WRITE. A task's
 * capabilities are in wire order, so wire w is slot (its task's wires
 * before it). */
static void map_package_regions(const struct rvx_rvf_manifest *m, const struct plan *p,
				const uint32_t *ids, uint32_t base)
{
	uint32_t slot[RVX_RVF_MAX_TASKS] = {0};

	for (uint32_t w = 0; w < m->wire_count; w++) {
		const struct rvx_rvf_wire *wi = &m->wires[w];
		uint32_t s = slot[wi->task]++, part = base + p->task_comp[wi->task];
		struct comp *c = &comps[part];
		struct rvx_kernel_region_memory mem;
		struct rvx_cap_info info;
		struct rvx_part_map map;
		int rc;

		if (wi->kind != RVX_RVF_WIRE_REGION || c->region_rights[wi->object] == UINT32_MAX)
			continue;
		rc = rvx_kernel_cap_slot_info(K(), ids[wi->task], s, &info);
		if (rc == 0)
			rc = rvx_kernel_region_memory(K(), ids[wi->task], info.handle, &mem);
		if (rc != 0 || ((uint64_t)(uintptr_t)mem.base & (PAGE - 1u)) != 0)
			rvx_a64_fail("finding a package region to map", rc != 0 ? rc : -RVX_EINVAL);
		map = (struct rvx_part_map){
			RVX_USER_IMAGE_REGION(wi->object), round_page(mem.size),
			mem.policy == RVX_REGION_POLICY_SLAB &&
					(c->region_rights[wi->object] & RVX_RIGHT_WRITE) != 0
				? RVX_STAGE2_R | RVX_STAGE2_W
				: RVX_STAGE2_R,
			RVX_STAGE2_NORMAL_WB, 1, 0, {0}, (uint64_t)(uintptr_t)mem.base};
		rc = rvx_part_map_add(&rvx_virt_pl, part, &map);
		if (rc != 0)
			rvx_a64_fail("mapping a package region into a component", rc);
		c->region_rights[wi->object] = UINT32_MAX; /* mapped */
		rvx_a64_printf("RVX-COMP part=%c region %u mapped at 0x%lx, %lu bytes, %s\n",
			       (char)('A' + part), wi->object, map.ipa, mem.size,
			       map.perms & RVX_STAGE2_W ? "RW-" : "R--");
	}
}

static void commit(const uint8_t *pkg, const struct rvx_rvf_package *v, struct plan *p,
		   const uint32_t *ids, uint32_t cpu)
{
	const struct rvx_rvf_manifest *m = &v->manifest;
	uint32_t base = rvx_virt_pl.part_count;

	for (uint32_t i = 0; i < p->count; i++) {
		struct comp *c = &p->c[i];
		uint32_t index;
		int rc;

		memset((void *)(uintptr_t)c->pa, 0, c->window);
		memcpy((void *)(uintptr_t)c->pa, pkg + v->segments[c->segment].offset, c->image_len);
		__asm__ volatile("dsb ish" ::: "memory");
		rvx_virt_part_set_pool(base + i, c->pool, c->pool_pages);
		c->map_count -= regions_of(c); /* the package's regions come after the tasks */
		/* Stoppable: a component that keeps faulting past its restarts
		 * is stopped for good, not the machine. */
		rc = rvx_part_create_layout(&rvx_virt_pl, next_vmid, RVX_USER_IMAGE_IPA, c->window,
					    c->maps, c->map_count, RVX_PART_STOPPABLE, &index);
		if (rc != 0 || index != base + i)
			rvx_a64_fail("creating a component's partition", rc != 0 ? rc : -RVX_EINVAL);
		next_vmid++;
		c->tasks = 0;
		c->regions = RVX_VIRT_COMP_REGIONS;
		c->live = 1;
		comps[index] = *c;
	}
	for (uint32_t t = 0; t < m->task_count; t++) {
		uint32_t index = base + p->task_comp[t];
		struct comp *c = &comps[index];
		uint32_t slot = c->tasks++;
		int rc = rvx_part_adopt(&rvx_virt_pl, index, ids[t], t);

		if (rc != 0)
			rvx_a64_fail("adopting a component task", rc);
		start_block(c, slot, ids[t]);
	}
	map_package_regions(m, p, ids, base);
	for (uint32_t i = 0; i < p->count; i++) {
		struct comp *c = &comps[base + i];
		uint32_t bad = audit(base + i, c);
		int rc;

		rvx_a64_printf("RVX-COMP part=%c vmid=%u %s: text %u pages R-X, data %u pages RW-, "
			       "%u task(s), pa 0x%lx; %s\n",
			       (char)('A' + base + i), rvx_virt_pl.parts[base + i].vmid, c->name,
			       (uint32_t)(c->text_size / PAGE), (uint32_t)(c->rw_size / PAGE), c->tasks,
			       c->pa, bad == 0 ? "as intended" : "WRONG");
		if (bad != 0)
			rvx_a64_fail("a component's stage-2 tables map more than they should",
				     -RVX_EINVAL);
		rc = rvx_part_migrate(&rvx_virt_pl, base + i, c->cpu, cpu);
		if (rc == 0)
			rc = rvx_part_resume(&rvx_virt_pl, base + i, cpu);
		if (rc != 0)
			rvx_a64_fail("starting a component's partition", rc);
	}
	p->count = 0; /* the memory is the partitions' now */
}

/* The image's object for each `require` line of @p m, by name and type. */
static int offered(const struct rvx_rvf_manifest *m, uint64_t *required)
{
	uint32_t n;
	const struct rvx_virt_offer *o = rvx_virt_objects_offers(&n);

	for (uint32_t i = 0; i < m->required_count; i++) {
		uint32_t j;

		for (j = 0; j < n; j++)
			if (memcmp(o[j].name, m->required[i].name, sizeof(o[j].name)) == 0)
				break;
		if (j == n)
			return -RVX_ENOENT;
		if (o[j].type != m->required[i].object_type)
			return -RVX_ETYPE;
		required[i] = o[j].cap.raw;
	}
	return 0;
}

int rvx_virt_comp_mount(uint32_t task, const struct rvx_syscall_args *a,
			struct rvx_syscall_result *r, uint32_t *ids, uint32_t ids_room, bool offer)
{
	static uint64_t required[RVX_RVF_MAX_REQUIRED];
	struct rvx_rvf_trusted_keys keys = {NULL, 0};
	enum rvx_rvf_reason reason = RVX_RVF_OK;
	struct rvx_syscall_args ma = *a;
	const uint8_t *pkg = (const uint8_t *)(uintptr_t)a->in;
	uint64_t t[4];
	int rc;

	t[0] = rvx_a64_counter();
	if (!active)
		return -RVX_EPERM;
#if RVX_VIRT_HAVE_TRUSTED_KEYS
	keys.keys = rvx_virt_trusted_keys;
	keys.count = rvx_virt_trusted_key_count;
#endif
	/* The plan needs the package's structure, not its signature: it only
	 * reserves memory, and nothing is committed unless the nucleus's
	 * RvfMount (which verifies everything, signature included) accepts
	 * the same bytes, under the same lock. So the structure is decoded
	 * without the signature check here (one ECDSA verification per mount,
	 * not two). A package that does not decode is the nucleus's to refuse,
	 * with its reason; the port refuses for a reason of its own only a
	 * package that verifies. */
	ma.out = (uint64_t)(uintptr_t)ids;
	ma.out_len = (uint64_t)ids_room * 4u;
	if (a->in == 0 || a->in_len == 0 || a->in_len > RVX_RVF_MAX_PACKAGE ||
	    rvx_rvf_inspect(pkg, (size_t)a->in_len, &view, &reason) != 0)
		return rvx_syscall(K(), task, RVX_SYS_RVF_MOUNT, &ma, r);
	rc = view.manifest.task_count > ids_room ? -RVX_ELIMIT : plan_mount(pkg, &view, &plan);
	if (rc == 0 && offer) {
		/* The image's objects the manifest names (`require`), in order. */
		rc = offered(&view.manifest, required);
		if (rc != 0)
			plan_release(&plan);
		ma.aux = (uint64_t)(uintptr_t)required;
		ma.aux_len = (uint64_t)view.manifest.required_count * 8u;
	}
	if (rc != 0) {
		if (rvx_rvf_verify(pkg, (size_t)a->in_len, &keys, &view, &reason) != 0)
			return rvx_syscall(K(), task, RVX_SYS_RVF_MOUNT, &ma, r);
		return rc;
	}
	t[1] = rvx_a64_counter();
	rc = rvx_syscall(K(), task, RVX_SYS_RVF_MOUNT, &ma, r);
	if (rc != 0) {
		plan_release(&plan);
		return rc;
	}
	t[2] = rvx_a64_counter();
	commit(pkg, &view, &plan, ids, rvx_a64_cpu_index());
	t[3] = rvx_a64_counter();
	/* The figures (tests/virt/component-figures.py): counter values. */
	rvx_a64_printf("RVX-COMP-T mount-start=%lu planned=%lu mounted=%lu started=%lu\n", t[0],
		       t[1], t[2], t[3]);
	return 0;
}

/* RvfMount from a component: the package and the required handles in its
 * memory, the task ids written back to it. Refused or not, the counts
 * before and after are printed. */
static int mount_from(uint32_t part, uint32_t task, struct rvx_syscall_args *a,
		      struct rvx_syscall_result *r)
{
	static uint32_t ids[RVX_RVF_MAX_TASKS];
	struct rvx_kernel_stats before, after;
	struct rvx_syscall_args ka = *a;
	uint64_t out = buffer(part, a->out, a->out_len);
	uint32_t room = RVX_RVF_MAX_TASKS;
	int rc;

	ka.in = buffer(part, a->in, a->in_len);
	ka.aux = buffer(part, a->aux, a->aux_len);
	if ((ka.in == 0 && a->in != 0) || (ka.aux == 0 && a->aux != 0) || (out == 0 && a->out != 0))
		return -RVX_EINVAL; /* unreachable: lib/part checked the same */
	if (a->out != 0 && a->out_len / 4u < room)
		room = (uint32_t)(a->out_len / 4u);
	(void)rvx_kernel_stats(K(), &before);
	rc = rvx_virt_comp_mount(task, &ka, r, ids, room, false);
	(void)rvx_kernel_stats(K(), &after);
	if (rc != 0) {
		rvx_a64_printf("RVX-MOUNT from task=%u refused: %s (%d); tasks %u -> %u, regions %u -> "
			       "%u, queues %u -> %u, mounts %u -> %u, partitions %u\n",
			       task, rvx_strerror(rc), rc, before.tasks, after.tasks, before.regions,
			       after.regions, before.queues, after.queues, before.mounts,
			       after.mounts, rvx_virt_pl.part_count);
		return rc;
	}
	if (out != 0)
		memcpy((void *)(uintptr_t)out, ids, (size_t)r->value[2] * 4u);
	rvx_a64_printf("RVX-MOUNT from task=%u ok: mount %lu, %lu task(s)\n", task, r->value[1],
		       r->value[2]);
	return 0;
}

/* TaskSpawn from a component: the child starts in the caller's partition
 * at an entry inside its text, in the next slot (its stack is mapped). */
static int spawn_from(uint32_t part, uint32_t task, struct rvx_syscall_args *a,
		      struct rvx_syscall_result *r)
{
	const struct rvx_part_partition *p = &rvx_virt_pl.parts[part];
	struct comp *c = &comps[part];
	struct rvx_kernel_task_info info;
	struct rvx_syscall_args ka = *a;
	uint32_t slot = p->task_count, child;
	int rc;

	ka.in = buffer(part, a->in, a->in_len);
	ka.out = buffer(part, a->out, a->out_len);
	if ((ka.in == 0 && a->in != 0) || (ka.out == 0 && a->out != 0))
		return -RVX_EINVAL; /* unreachable: lib/part checked the same */
	if (a->arg[0] < RVX_USER_IMAGE_IPA || !entry_ok(c, a->arg[0] - RVX_USER_IMAGE_IPA))
		return -RVX_EINVAL;
	if (slot >= RVX_CONFIG_PART_TASKS)
		return -RVX_ELIMIT; /* every slot (planned at load) is taken */
	rc = rvx_kernel_task_info(K(), task, &info);
	if (rc != 0)
		return rc;
	/* Its caller's scheduler partition and CPU, the lowest free index. */
	ka.arg[3] = info.partition;
	ka.arg[4] = p->cpu;
	ka.arg[5] = 0;
	rc = rvx_syscall(K(), task, RVX_SYS_TASK_SPAWN, &ka, r);
	if (rc != 0)
		return rc;
	child = (uint32_t)r->value[0];
	c->slot[slot].entry = a->arg[0];
	c->tasks++;
	rc = rvx_part_adopt(&rvx_virt_pl, part, child, slot);
	if (rc != 0)
		rvx_a64_fail("adopting a spawned component task", rc);
	start_block(c, slot, child);
	rvx_a64_printf("RVX-SPAWN part=%c task=%u child=%u entry=0x%lx\n", (char)('A' + part), task,
		       child, a->arg[0]);
	return 0;
}

int rvx_virt_comp_create(uint32_t part, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
			 struct rvx_syscall_result *r)
{
	if (part >= RVX_CONFIG_PART_MAX_PARTITIONS || !comps[part].live)
		return -RVX_EPERM;
	if (nr == RVX_SYS_RVF_MOUNT)
		return mount_from(part, task, a, r);
	return spawn_from(part, task, a, r);
}

/* The ladder stopped component @p part (lib/part ended its tasks with
 * TASK_EXIT records): its window, pages and stage-2 tables stay reserved,
 * mapped by no other partition, and its VMID is never reused. */
void rvx_virt_comp_stopped(uint32_t part)
{
	const struct rvx_part_partition *p = &rvx_virt_pl.parts[part];

	rvx_a64_printf("RVX-COMP part=%c %s stopped for good: %u task(s) ended; the rest runs on\n",
		       (char)('A' + part), comps[part].name, p->stopped_count);
	for (uint32_t i = 0; i < p->stopped_count && task_done != NULL; i++)
		task_done(p->stopped_tasks[i], RVX_PART_EXIT_STOPPED, true);
}

int rvx_virt_comp_init(void (*done)(uint32_t task, int32_t code, bool stopped))
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	struct rvx_part_config cfg;
	uint64_t t = (uint64_t)(uintptr_t)__guest_start;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.cpu_count = rvx_a64_cpus_up();
	/* Failures within 50 ms count together: up to three are answered by
	 * restarting the task. A component cannot be reconstructed (its
	 * tasks came from a mount, which the root cannot replay) nor rolled
	 * back (no region), so a fourth within the window climbs to the
	 * stop: its partitions are stoppable (commit()), and the rest runs on. */
	cfg.policy.window = RVX_VIRT_WINDOW_NS;
	cfg.policy.restart_limit = 3;
	cfg.policy.reconstruct_limit = 1;
	cfg.epoch_ns = 100u * RVX_VIRT_MS;
	/* lib/part wants the shared text of identity-mapped partitions; no
	 * component maps it. */
	cfg.text_base = t;
	cfg.text_size = (uint64_t)(uintptr_t)__guest_end - t;
	cfg.text_perms = RVX_STAGE2_R | RVX_STAGE2_X;
	cfg.mem_perms = RVX_STAGE2_R | RVX_STAGE2_W;
	cfg.normal_memtype = RVX_STAGE2_NORMAL_WB;
	cfg.device_memtype = RVX_STAGE2_DEVICE;
	cfg.device_perms = RVX_STAGE2_R | RVX_STAGE2_W;
	cfg.region_where = RVX_PART_NOWHERE;
	cfg.spawn_cap = rvx_virt_root_caps()->task.raw;
	cfg.kernel_base = b->mem.base;
	cfg.kernel_size = b->mem.size;
	rvx_a64_hvc_board_calls = COMP_CALLS;
	rc = rvx_virt_part_init(&cfg);
	if (rc == 0) {
		rvx_virt_part_set_mode(RVX_VIRT_PART_MODE_COMP);
		task_done = done;
		stack_reuse_test = rvx_virt_bootarg("rvx.test=stack-reuse");
		active = 1;
	}
	return rc;
}
