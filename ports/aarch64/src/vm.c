/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stage 2 for partitions on this CPU: the EL2 controls, VTCR_EL2,
 * VTTBR_EL2 and the TLB maintenance a change of a partition's tables
 * needs. The tables themselves are lib/stage2's, in the board's storage.
 *
 * TLB maintenance: none on a switch or a migration. Every partition has
 * its own VMID and EL1&0 translations are tagged with it; a board that
 * never reuses a VMID while it runs keeps the entries another CPU still
 * holds for a partition that moved away correct. A change of a
 * partition's tables is followed by rvx_a64_vm_sync(): TLBI VMALLS12E1IS
 * (broadcast to every CPU in the inner-shareable domain) and DSB ISH with
 * the partition's VTTBR loaded, so a partition running on another CPU
 * loses the old translation before the call returns, with no IPI.
 */
#include "a64.h"
#include "ruvix/stage2.h"

uint32_t rvx_a64_vm_cpu_ready[RVX_A64_MAX_CPUS];
static uint64_t vtcr;

void rvx_a64_vm_set_vtcr(uint64_t v)
{
	vtcr = v;
}

/* HCR_EL2.IMO/FMO/AMO (physical interrupts to EL2) are boot.S's. */
void rvx_a64_vm_cpu_setup(uint32_t cpu)
{
	uint64_t hcr = RVX_A64_SYSREG_READ(hcr_el2), mdcr = RVX_A64_SYSREG_READ(mdcr_el2);

	hcr |= RVX_A64_HCR_VM | RVX_A64_HCR_DC | RVX_A64_HCR_TSC | RVX_A64_HCR_TIDCP |
	       RVX_A64_HCR_TSW | RVX_A64_HCR_RW;
	mdcr |= RVX_A64_MDCR_TPMCR | RVX_A64_MDCR_TPM | RVX_A64_MDCR_TDA | RVX_A64_MDCR_TDOSA |
		RVX_A64_MDCR_TDRA;
	__asm__ volatile("msr hcr_el2, %0\n\tmsr cnthctl_el2, %1\n\tmsr mdcr_el2, %2\n\tisb"
			 ::"r"(hcr), "r"(RVX_A64_CNTHCTL_EL1PCTEN), "r"(mdcr)
			 : "memory");
	__asm__ volatile("msr vtcr_el2, %0\n\tisb" ::"r"(vtcr));
	rvx_a64_vm_cpu_ready[cpu] = 1;
}

void rvx_a64_vm_sync(uint64_t vttbr)
{
	uint64_t cur = RVX_A64_SYSREG_READ(vttbr_el2);

	__asm__ volatile("dsb ishst\n\tmsr vttbr_el2, %0\n\tisb\n\ttlbi vmalls12e1is\n\t"
			 "dsb ish\n\tisb\n\tmsr vttbr_el2, %1\n\tisb" ::"r"(vttbr),
			 "r"(cur)
			 : "memory");
}

uint32_t rvx_a64_vm_check(const struct rvx_stage2 *s2, uint64_t base, uint64_t size,
			  uint32_t perms)
{
	struct rvx_stage2_mapping m;
	uint32_t bad = 0;

	for (uint64_t a = base; a - base < size; a += 4096u) {
		int rc = rvx_stage2_lookup(s2, a, &m);

		if (perms == 0)
			bad += rc != -RVX_ENOENT;
		else
			bad += rc != 0 || m.perms != perms;
	}
	return bad;
}
