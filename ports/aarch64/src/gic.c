/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GICv2 (GIC-400): the distributor once, the CPU interface on every CPU.
 * Interrupts are all group 0 here (no security extensions in use), with
 * one priority; SGIs and PPIs are banked per CPU, so each CPU enables its
 * own timer PPI.
 */
#include "a64.h"

#define GICD_CTLR 0x000u
#define GICD_TYPER 0x004u
#define GICD_ISENABLER 0x100u
#define GICD_ICENABLER 0x180u
#define GICD_ICPENDR 0x280u
#define GICD_IPRIORITYR 0x400u
#define GICD_ITARGETSR 0x800u
#define GICD_ICFGR 0xc00u
#define GICD_SGIR 0xf00u

#define GICC_CTLR 0x000u
#define GICC_PMR 0x004u
#define GICC_BPR 0x008u
#define GICC_IAR 0x00cu
#define GICC_EOIR 0x010u

/* Each CPU's GIC CPU interface bit (its banked GICD_ITARGETSR0 byte), for
 * SGI target lists: the interface number need not be the dense index. */
static uint8_t cpu_if_mask[RVX_A64_MAX_CPUS];

static inline volatile uint32_t *gicd(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(rvx_a64_board.gicd.base + off);
}

static inline volatile uint32_t *gicc(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(rvx_a64_board.gicc.base + off);
}

void rvx_a64_gic_init_dist(void)
{
	uint32_t lines = ((*gicd(GICD_TYPER) & 0x1fu) + 1u) * 32u;

	*gicd(GICD_CTLR) = 0;
	/* Every shared interrupt off, not pending, priority 0xa0, to CPU 0. */
	for (uint32_t i = 32; i < lines; i += 32) {
		*gicd(GICD_ICENABLER + i / 8u) = 0xffffffffu;
		*gicd(GICD_ICPENDR + i / 8u) = 0xffffffffu;
	}
	for (uint32_t i = 32; i < lines; i += 4) {
		*gicd(GICD_IPRIORITYR + i) = 0xa0a0a0a0u;
		*gicd(GICD_ITARGETSR + i) = 0x01010101u;
	}
	*gicd(GICD_CTLR) = 1;
}

void rvx_a64_gic_init_cpu(void)
{
	/* The banked SGIs and PPIs of this CPU: off, priority 0xa0. */
	*gicd(GICD_ICENABLER) = 0xffffffffu;
	*gicd(GICD_ICPENDR) = 0xffffffffu;
	for (uint32_t i = 0; i < 32; i += 4)
		*gicd(GICD_IPRIORITYR + i) = 0xa0a0a0a0u;
	cpu_if_mask[rvx_a64_cpu_index() % RVX_A64_MAX_CPUS] =
		(uint8_t)(*gicd(GICD_ITARGETSR) & 0xffu);
	*gicc(GICC_PMR) = 0xf0u;
	*gicc(GICC_BPR) = 0;
	*gicc(GICC_CTLR) = 1;
}

void rvx_a64_gic_enable(uint32_t intid)
{
	*gicd(GICD_ISENABLER + (intid / 32u) * 4u) = 1u << (intid % 32u);
}

void rvx_a64_gic_sgi(uint32_t cpu, uint32_t intid)
{
	uint32_t mask = cpu < RVX_A64_MAX_CPUS ? cpu_if_mask[cpu] : 0u;

	if (mask == 0)
		return; /* that CPU never set its interface up */
	/* The distributor must see every earlier store of this CPU (the
	 * run-queue change the kick announces) before the target wakes. */
	__asm__ volatile("dsb ishst" ::: "memory");
	*gicd(GICD_SGIR) = ((uint32_t)mask << 16) | (intid & 0xfu);
}

uint32_t rvx_a64_gic_ack(void)
{
	return *gicc(GICC_IAR);
}

void rvx_a64_gic_eoi(uint32_t iar)
{
	*gicc(GICC_EOIR) = iar;
}
