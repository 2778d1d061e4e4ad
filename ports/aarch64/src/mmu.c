/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL2 stage-1 translation: 4 KiB granule, 39-bit addresses (walks start at
 * level 1), identity mapped. The image's text is read-only and executable,
 * its rodata read-only, its data and bss read-write and never executable;
 * the rest of RAM is read-write, never executable (2 MiB blocks where it
 * can) but for one unmapped guard page below each task, boot and exception
 * stack; the UART and
 * the GIC are Device-nGnRE. Nothing else is mapped, so a
 * stray pointer faults. SCTLR_EL2.WXN makes every writable page
 * non-executable whatever its descriptor says.
 */
#include "a64.h"

#define DESC_VALID 1u
#define DESC_TABLE 3u
#define DESC_BLOCK 1u
#define DESC_PAGE 3u
#define ATTR_DEVICE (0u << 2) /* MAIR index 0: Device-nGnRE */
#define ATTR_NORMAL (1u << 2) /* MAIR index 1: Normal, write-back */
#define AP_RW (1u << 6)       /* AP[2:1] = 01 */
#define AP_RO (3u << 6)       /* AP[2:1] = 11 */
#define SH_INNER (3u << 8)
#define AF (1u << 10)
#define XN (UINT64_C(1) << 54)
#define ADDR_MASK UINT64_C(0x0000fffffffff000)

#define MAIR ((UINT64_C(0x04) << 0) | (UINT64_C(0xff) << 8))
#define VA_BITS 39u
#define TABLE_COUNT 32u

#define PAGE 4096u
#define BLOCK (2u * 1024u * 1024u)

/* An invalid descriptor that map_range() leaves alone: a guard page. */
#define DESC_GUARD 2u
#define STACK_SPAN (RVX_A64_TASK_STACK + RVX_A64_GUARD)

static RVX_A64_NOINIT alignas(4096) uint64_t tables[TABLE_COUNT][512];
static uint64_t stack_arena;
static uint32_t tables_used;
static uint64_t mmu_tcr;
static uint64_t mmu_sctlr;

/* A cleared table (the storage is not zeroed at boot: only the tables in
 * use are). */
static uint64_t *table_new(void)
{
	if (tables_used == TABLE_COUNT)
		return NULL;
	memset(tables[tables_used], 0, sizeof(tables[0]));
	return tables[tables_used++];
}

/* The next-level table behind @p t[idx], made if the entry is empty. */
static uint64_t *next_level(uint64_t *t, uint32_t idx)
{
	uint64_t *n;

	if ((t[idx] & 3u) == DESC_TABLE)
		return (uint64_t *)(uintptr_t)(t[idx] & ADDR_MASK);
	if ((t[idx] & DESC_VALID) != 0u)
		return NULL; /* a block is there already */
	n = table_new();
	if (n != NULL)
		t[idx] = (uint64_t)(uintptr_t)n | DESC_TABLE;
	return n;
}

/* Map [base, base + size) with @p attr; pages already mapped are kept. */
static int map_range(uint64_t base, uint64_t size, uint64_t attr, bool blocks)
{
	uint64_t a = base & ~(uint64_t)(PAGE - 1u);
	uint64_t end = (base + size + PAGE - 1u) & ~(uint64_t)(PAGE - 1u);

	if (end > (UINT64_C(1) << VA_BITS) || end < a)
		return -1;
	while (a < end) {
		uint64_t *l2 = next_level(tables[0], (uint32_t)(a >> 30) & 511u);
		uint32_t i2 = (uint32_t)(a >> 21) & 511u;
		uint64_t *l3;

		if (l2 == NULL)
			return -1;
		if (blocks && (a & (BLOCK - 1u)) == 0 && end - a >= BLOCK && l2[i2] == 0) {
			l2[i2] = a | attr | AF | DESC_BLOCK;
			a += BLOCK;
			continue;
		}
		l3 = next_level(l2, i2);
		if (l3 == NULL)
			return -1;
		/* The pages up to the end of this level-3 table. */
		do {
			uint64_t *e = &l3[(a >> 12) & 511u];

			if (*e == 0)
				*e = a | attr | AF | DESC_PAGE;
			a += PAGE;
		} while (a < end && (a & (BLOCK - 1u)) != 0);
	}
	return 0;
}

uint64_t rvx_a64_stacks_size(void)
{
	return (uint64_t)STACK_SPAN * RVX_A64_TASK_SLOTS;
}

int rvx_a64_stacks_reserve(void)
{
	uint64_t a = rvx_a64_phys_stacks();

	if (a == 0 || (a & (PAGE - 1u)) != 0)
		return -1;
	stack_arena = a;
	return 0;
}

uint8_t *rvx_a64_task_stack_top(uint32_t task)
{
	if (stack_arena == 0 || task >= RVX_A64_TASK_SLOTS)
		return NULL;
	return (uint8_t *)(uintptr_t)(stack_arena + (uint64_t)(task + 1u) * STACK_SPAN);
}

int rvx_a64_stack_guard_hit(uint64_t addr)
{
	uint64_t off;

	if (stack_arena == 0 || addr < stack_arena)
		return -1;
	off = addr - stack_arena;
	if (off >= (uint64_t)STACK_SPAN * RVX_A64_TASK_SLOTS || off % STACK_SPAN >= RVX_A64_GUARD)
		return -1;
	return (int)(off / STACK_SPAN);
}

/* The CPU whose stack in @p stacks (@p size bytes each, one per CPU) has
 * its guard page at @p addr, or -1. */
static int cpu_guard_hit(const uint8_t *stacks, uint64_t size, uint64_t addr)
{
	uint64_t base = (uint64_t)(uintptr_t)stacks;

	if (addr < base || addr >= base + size * RVX_A64_MAX_CPUS)
		return -1;
	if ((addr - base) % size >= RVX_A64_GUARD)
		return -1;
	return (int)((addr - base) / size);
}

int rvx_a64_boot_guard_hit(uint64_t addr)
{
	return cpu_guard_hit(rvx_a64_boot_stacks[0], RVX_A64_BOOT_STACK, addr);
}

int rvx_a64_exc_guard_hit(uint64_t addr)
{
	return cpu_guard_hit(rvx_a64_exc_stacks[0], RVX_A64_EXC_STACK, addr);
}

static int mark_guard(uint64_t g)
{
	uint64_t *l2 = next_level(tables[0], (uint32_t)(g >> 30) & 511u);
	uint64_t *l3 = l2 != NULL ? next_level(l2, (uint32_t)(g >> 21) & 511u) : NULL;

	if (l3 == NULL)
		return -1;
	l3[(g >> 12) & 511u] = DESC_GUARD;
	return 0;
}

/* Mark the guard pages below every task stack, every boot stack and
 * every exception stack (before anything else is mapped, so nothing maps
 * them). */
static int map_guards(void)
{
	for (uint32_t i = 0; i < RVX_A64_MAX_CPUS; i++) {
		if (mark_guard((uint64_t)(uintptr_t)rvx_a64_boot_stacks[i]) != 0 ||
		    mark_guard((uint64_t)(uintptr_t)rvx_a64_exc_stacks[i]) != 0)
			return -1;
	}
	for (uint32_t i = 0; stack_arena != 0 && i < RVX_A64_TASK_SLOTS; i++) {
		if (mark_guard(stack_arena + (uint64_t)i * STACK_SPAN) != 0)
			return -1;
	}
	return 0;
}

/* Map [base, base + size) with @p attr if it lies wholly outside the
 * kernel's RAM (inside, the RAM's own mapping covers it); empty: nothing. */
static int map_outside(const struct rvx_a64_board *b, uint64_t base, uint64_t size, uint64_t attr)
{
	if (size == 0 || base + size < base)
		return size == 0 ? 0 : -1;
	if (base < b->mem.base + b->mem.size && b->mem.base < base + size) {
		/* Overlapping: only a range wholly inside is covered. */
		return base >= b->mem.base && base + size <= b->mem.base + b->mem.size ? 0 : -1;
	}
	return map_range(base, size, attr, false);
}

int rvx_a64_mmu_build(void)
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	uint64_t text = (uint64_t)(uintptr_t)__image_start;
	uint64_t text_end = (uint64_t)(uintptr_t)__text_end;
	uint64_t ro_end = (uint64_t)(uintptr_t)__rodata_end;
	uint64_t img_end = (uint64_t)(uintptr_t)__image_end;
	uint64_t normal = ATTR_NORMAL | SH_INNER;
	uint64_t device = ATTR_DEVICE | XN | AP_RW;
	uint64_t parange;
	int err = 0;

	if (table_new() == NULL) /* tables[0]: level 1 */
		return -1;
	err |= map_guards();
	err |= map_range(text, text_end - text, normal | AP_RO, false);
	err |= map_range(text_end, ro_end - text_end, normal | AP_RO | XN, false);
	err |= map_range(ro_end, img_end - ro_end, normal | AP_RW | XN, false);
	err |= map_range(b->uart.base, b->uart.size, device, false);
	err |= map_range(b->gicd.base, b->gicd.size, device, false);
	err |= map_range(b->gicc.base, b->gicc.size, device, false);
	if (b->devwin.size != 0)
		err |= map_range(b->devwin.base, b->devwin.size, device, false);
	err |= map_range(b->mem.base, b->mem.size, normal | AP_RW | XN, true);
	/* On a NUMA machine the loader may put the DTB or the initrd in
	 * another node's memory than the kernel's: they stay readable. */
	err |= map_outside(b, (uint64_t)(uintptr_t)b->dtb, b->dtb_size, normal | AP_RO | XN);
	err |= map_outside(b, b->initrd_start, b->initrd_end - b->initrd_start,
			   normal | AP_RO | XN);
	if (err != 0)
		return -1;
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(parange));
	parange &= 0xfu;
	if (parange > 5u)
		parange = 5u;
	mmu_tcr = (64u - VA_BITS) | (1u << 8) | (1u << 10) | (3u << 12) | (parange << 16) |
		  (UINT64_C(1) << 23) | (UINT64_C(1) << 31);
	/* RES1 bits, then M, C, SA, I, WXN. */
	mmu_sctlr = UINT64_C(0x30c50830) | (1u << 0) | (1u << 2) | (1u << 3) | (1u << 12) |
		    (1u << 19);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

uint32_t rvx_a64_locks_live;

void rvx_a64_mmu_enable(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
	rvx_a64_mmu_on((uint64_t)(uintptr_t)tables[0], mmu_tcr, MAIR, mmu_sctlr);
	__atomic_store_n(&rvx_a64_locks_live, 1u, __ATOMIC_RELEASE);
}
