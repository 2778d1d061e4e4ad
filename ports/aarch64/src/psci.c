/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PSCI through the conduit the DTB names (SMC or HVC): SYSTEM_OFF, SYSTEM_RESET and
 * CPU_ON. At EL2 an HVC would trap to this image itself, so only SMC (to
 * EL3 firmware, or QEMU's built-in PSCI) can work here; the board decides
 * what to do with a DTB that says hvc (virt starts no secondaries then).
 */
#include "a64.h"

#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

static uint64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (rvx_a64_board.psci_smc == RVX_A64_PSCI_SMC)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
	return x0;
}

_Noreturn void rvx_a64_system_off(void)
{
	if (rvx_a64_board.have_psci)
		psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	rvx_a64_halt();
}

_Noreturn void rvx_a64_system_reset(void)
{
	if (rvx_a64_board.have_psci)
		psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	rvx_a64_halt();
}

int rvx_a64_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	return (int)(int64_t)psci_call(rvx_a64_board.psci_cpu_on, mpidr, entry, ctx);
}
