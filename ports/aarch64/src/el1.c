/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL1 state of partition tasks: what a switch between two tasks at EL1
 * saves and loads besides the exception frame (boot.S) and VTTBR_EL2
 * (vm.c). The state is kept per task slot here, so lib/part's cpu_save
 * and cpu_load are these functions themselves, with no board code between
 * the switch and the registers.
 */
#include "a64.h"
#include "ruvix/nucleus.h"

static struct rvx_a64_el1 el1[RVX_KERNEL_TASKS];

void rvx_a64_el1_reset(uint32_t task, uint64_t vbar, uint64_t sp, uint64_t contextidr,
		       uint64_t tpidr)
{
	struct rvx_a64_el1 *c = &el1[task];

	memset(c, 0, sizeof(*c));
	c->sctlr = RVX_A64_SCTLR_EL1_RESET;
	c->vbar = vbar;
	c->sp_el1 = sp;
	c->spsr = RVX_A64_SPSR_EL1H_MASKED;
	c->cpacr = RVX_A64_CPACR_FPEN;
	c->contextidr = contextidr;
	c->tpidr_el1 = tpidr;
	c->mair = RVX_A64_MAIR_EL1_RESET;
}

/* The compiler would recompute &el1[task] (a multiply-add) before every
 * field, the switch's hottest code: an opaque copy keeps the address in a
 * register. */
#define KEEP_IN_REGISTER(p) __asm__("" : "+r"(p))

#define SAVE(reg, field) __asm__ volatile("mrs %0, " #reg : "=r"(c->field))
#define LOAD(reg, field) __asm__ volatile("msr " #reg ", %0" ::"r"(c->field))

void rvx_a64_el1_save(void *ctx, uint32_t task)
{
	struct rvx_a64_el1 *c = &el1[task];

	(void)ctx;
	KEEP_IN_REGISTER(c);
	SAVE(sctlr_el1, sctlr);
	SAVE(ttbr0_el1, ttbr0);
	SAVE(ttbr1_el1, ttbr1);
	SAVE(tcr_el1, tcr);
	SAVE(mair_el1, mair);
	SAVE(amair_el1, amair);
	SAVE(vbar_el1, vbar);
	SAVE(sp_el1, sp_el1);
	SAVE(sp_el0, sp_el0);
	SAVE(elr_el1, elr);
	SAVE(spsr_el1, spsr);
	SAVE(esr_el1, esr);
	SAVE(far_el1, far);
	SAVE(afsr0_el1, afsr0);
	SAVE(afsr1_el1, afsr1);
	SAVE(contextidr_el1, contextidr);
	SAVE(tpidr_el1, tpidr_el1);
	SAVE(tpidr_el0, tpidr_el0);
	SAVE(tpidrro_el0, tpidrro);
	SAVE(cpacr_el1, cpacr);
	SAVE(par_el1, par);
	SAVE(cntkctl_el1, cntkctl);
	SAVE(csselr_el1, csselr);
}

/* Only registers whose values differ from what they hold (@p o) are
 * written. Partitions share most of the EL1 configuration (MMU off, the
 * same vectors), and on QEMU a write to a translation control register
 * flushes its software TLB, so skipping unchanged registers is what keeps
 * the switch short there; on hardware it saves the writes'
 * synchronisation. Registers a task changes all the time are written
 * always: the compare would cost more than it saves. */
#define LOAD_CHANGED(reg, field)                                               \
	do {                                                                   \
		if (o == NULL || c->field != o->field)                         \
			LOAD(reg, field);                                      \
	} while (0)

void rvx_a64_el1_load(void *ctx, uint32_t task, uint32_t prev)
{
	const struct rvx_a64_el1 *c = &el1[task];
	const struct rvx_a64_el1 *o = prev < RVX_KERNEL_TASKS ? &el1[prev] : NULL;

	(void)ctx;
	KEEP_IN_REGISTER(c);
	KEEP_IN_REGISTER(o);
	LOAD_CHANGED(sctlr_el1, sctlr);
	LOAD_CHANGED(ttbr0_el1, ttbr0);
	LOAD_CHANGED(ttbr1_el1, ttbr1);
	LOAD_CHANGED(tcr_el1, tcr);
	LOAD_CHANGED(mair_el1, mair);
	LOAD_CHANGED(amair_el1, amair);
	LOAD_CHANGED(vbar_el1, vbar);
	LOAD(sp_el1, sp_el1);
	LOAD(sp_el0, sp_el0);
	LOAD(elr_el1, elr);
	LOAD(spsr_el1, spsr);
	LOAD(esr_el1, esr);
	LOAD(far_el1, far);
	LOAD_CHANGED(afsr0_el1, afsr0);
	LOAD_CHANGED(afsr1_el1, afsr1);
	LOAD_CHANGED(contextidr_el1, contextidr);
	LOAD(tpidr_el1, tpidr_el1);
	LOAD(tpidr_el0, tpidr_el0);
	LOAD(tpidrro_el0, tpidrro);
	LOAD_CHANGED(cpacr_el1, cpacr);
	LOAD(par_el1, par);
	LOAD_CHANGED(cntkctl_el1, cntkctl);
	LOAD_CHANGED(csselr_el1, csselr);
}
