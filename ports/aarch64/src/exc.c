/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exceptions at EL2: interrupts go to the GIC and the task runtime, a
 * task's SVC to the runtime, everything else is a fault: a readable report
 * on the UART (what happened, ESR decoded, FAR, ELR, SPSR, the registers)
 * and a non-zero exit through semihosting.
 */
#include "ruvix/err.h"
#include "a64.h"

/* Semihosting: SYS_EXIT and its ADP_Stopped_ApplicationExit reason. */
#define SEMIHOST_SYS_EXIT 0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static struct rvx_a64_lock panic_lock;

_Noreturn void rvx_a64_exit(uint32_t code)
{
	/* SYS_EXIT with ADP_Stopped_ApplicationExit: QEMU exits with @p code. */
	static uint64_t block[RVX_A64_MAX_CPUS][2];
	uint64_t el;
	uint32_t cpu = 0;

	/* TPIDR_EL2 only exists for us at EL2 (an EL1 entry exits from here). */
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	if (((el >> 2) & 3u) == 2u)
		cpu = rvx_a64_cpu_index();
	/* Held console lines go out first: nothing is leased any more. */
	rvx_a64_console_flush();

	block[cpu][0] = ADP_STOPPED_APPLICATION_EXIT;
	block[cpu][1] = code;
	rvx_a64_semihost(SEMIHOST_SYS_EXIT, block[cpu]);
	rvx_a64_halt();
}

static const char *ec_name(uint32_t ec)
{
	switch (ec) {
	case RVX_A64_EC_UNKNOWN: return "unknown reason";
	case RVX_A64_EC_WFX: return "WFI/WFE trapped";
	case RVX_A64_EC_FP: return "FP/SIMD access trapped";
	case RVX_A64_EC_ILLEGAL: return "illegal execution state";
	case RVX_A64_EC_SVC64: return "SVC from AArch64";
	case RVX_A64_EC_HVC64: return "HVC from AArch64";
	case RVX_A64_EC_SMC64: return "SMC from AArch64";
	case RVX_A64_EC_SYSREG: return "system register access trapped";
	case RVX_A64_EC_IABT_LOWER: return "instruction abort from a lower EL";
	case RVX_A64_EC_IABT_CUR: return "instruction abort (same EL)";
	case RVX_A64_EC_PC_ALIGN: return "PC alignment fault";
	case RVX_A64_EC_DABT_LOWER: return "data abort from a lower EL";
	case RVX_A64_EC_DABT_CUR: return "data abort (same EL)";
	case RVX_A64_EC_SP_ALIGN: return "SP alignment fault";
	case RVX_A64_EC_FP_EXC: return "FP exception";
	case RVX_A64_EC_SERROR: return "SError";
	case RVX_A64_EC_BKPT_LOWER: return "breakpoint from a lower EL";
	case RVX_A64_EC_BKPT_CUR: return "breakpoint (same EL)";
	case RVX_A64_EC_STEP_LOWER: return "software step from a lower EL";
	case RVX_A64_EC_STEP_CUR: return "software step (same EL)";
	case RVX_A64_EC_WATCH_LOWER: return "watchpoint from a lower EL";
	case RVX_A64_EC_WATCH_CUR: return "watchpoint (same EL)";
	case RVX_A64_EC_BRK: return "BRK instruction";
	default: return "other";
	}
}

static const char *fsc_name(uint32_t fsc)
{
	switch (fsc & RVX_A64_ISS_FSC_TYPE_MASK) {
	case RVX_A64_FSC_ADDR_SIZE: return "address size fault";
	case RVX_A64_FSC_TRANSLATION: return "translation fault";
	case RVX_A64_FSC_ACCESS: return "access flag fault";
	case RVX_A64_FSC_PERMISSION: return "permission fault";
	default: break;
	}
	switch (fsc) {
	case RVX_A64_FSC_EXT_ABORT: return "synchronous external abort";
	case RVX_A64_FSC_ALIGNMENT: return "alignment fault";
	case RVX_A64_FSC_TLB_CONFLICT: return "TLB conflict";
	default: return "other fault";
	}
}

static const char *const kind_names[RVX_A64_VEC_COUNT] = {
	"sync (SP0)", "IRQ (SP0)", "FIQ (SP0)", "SError (SP0)",
	"sync", "IRQ", "FIQ", "SError",
	"sync (lower EL, AArch64)", "IRQ (lower EL, AArch64)", "FIQ (lower EL, AArch64)",
	"SError (lower EL, AArch64)",
	"sync (lower EL, AArch32)", "IRQ (lower EL, AArch32)", "FIQ (lower EL, AArch32)",
	"SError (lower EL, AArch32)",
};

_Noreturn void rvx_a64_fail(const char *what, int err)
{
	rvx_a64_printf("RuVix: %s: %s (%d)\n", what, rvx_strerror(err), err);
	rvx_a64_printf("RuVix: stopping with exit code %u\n", 6u);
	rvx_a64_exit(6);
}

_Noreturn void rvx_a64_panic_frame(const char *why, uint64_t kind, const struct rvx_a64_frame *f)
{
	uint64_t esr, far;
	uint32_t ec, iss;
	bool dabt;

	rvx_a64_irq_save();
	rvx_a64_lock_take(&panic_lock);
	__asm__ volatile("mrs %0, esr_el2" : "=r"(esr));
	__asm__ volatile("mrs %0, far_el2" : "=r"(far));
	ec = RVX_A64_ESR_EC(esr);
	iss = RVX_A64_ESR_ISS(esr);
	dabt = ec == RVX_A64_EC_DABT_CUR || ec == RVX_A64_EC_DABT_LOWER;
	rvx_a64_printf("\n*** RuVix PANIC on CPU %u: %s\n", rvx_a64_cpu_index(), why);
	if (rvx_a64_rt_current(rvx_a64_cpu_index()) != UINT32_MAX)
		rvx_a64_printf("running task %u\n", rvx_a64_rt_current(rvx_a64_cpu_index()));
	if (f != NULL && dabt && rvx_a64_stack_guard_hit(far) >= 0)
		rvx_a64_printf("stack overflow: task %d ran into the guard page below its stack\n",
			       rvx_a64_stack_guard_hit(far));
	if (f != NULL && dabt && rvx_a64_boot_guard_hit(far) >= 0)
		rvx_a64_printf("stack overflow: CPU %d's boot stack ran into its guard page\n",
			       rvx_a64_boot_guard_hit(far));
	if (f != NULL && dabt && rvx_a64_exc_guard_hit(far) >= 0)
		rvx_a64_printf("stack overflow: CPU %d's exception stack ran into its guard page\n",
			       rvx_a64_exc_guard_hit(far));
	if (f != NULL) {
		rvx_a64_printf("exception: %s\n", kind < RVX_A64_VEC_COUNT ? kind_names[kind] : "?");
		rvx_a64_printf("ESR_EL2 0x%08lx: EC 0x%02x (%s), IL %u, ISS 0x%07x\n", esr, ec,
			       ec_name(ec), (unsigned)(esr >> RVX_A64_ESR_IL_SHIFT) & 1u, iss);
		if (dabt || ec == RVX_A64_EC_IABT_LOWER || ec == RVX_A64_EC_IABT_CUR) {
			rvx_a64_printf("  %s, %s, level %u%s\n", fsc_name(iss & RVX_A64_ISS_FSC_MASK),
				       dabt && (iss & RVX_A64_ISS_WNR) ? "write" : "read",
				       iss & RVX_A64_ISS_FSC_LEVEL_MASK,
				       (iss & RVX_A64_ISS_FNV) ? ", FAR not valid" : "");
		}
		rvx_a64_printf("FAR_EL2 0x%016lx  ELR_EL2 0x%016lx  SPSR_EL2 0x%08lx\n", far,
			       f->elr, f->spsr);
		for (int i = 0; i < 31; i += 2) {
			if (i == 30)
				rvx_a64_printf("x30 0x%016lx  sp  0x%016lx\n", f->x[30], f->sp);
			else
				rvx_a64_printf("x%02d 0x%016lx  x%02d 0x%016lx\n", i, f->x[i], i + 1,
					       f->x[i + 1]);
		}
	}
	rvx_a64_printf("*** exiting with code 2\n");
	rvx_a64_exit(2);
}

struct rvx_a64_frame *rvx_a64_exception(uint64_t kind, struct rvx_a64_frame *f)
{
	if (kind == RVX_A64_VEC_IRQ || kind == RVX_A64_VEC_LOWER_IRQ) {
		uint32_t iar = rvx_a64_gic_ack();
		uint32_t intid = iar & RVX_A64_GIC_IAR_ID_MASK;
		struct rvx_a64_frame *next = f;

		if (intid >= RVX_A64_GIC_SPURIOUS)
			return f; /* spurious */
		if (intid == rvx_a64_board.timer_intid) {
			rvx_a64_timer_rearm();
			rvx_a64_gic_eoi(iar);
			next = rvx_a64_rt_tick(f);
		} else if (intid == RVX_A64_SGI_KICK) {
			rvx_a64_gic_eoi(iar);
			next = rvx_a64_rt_kick(f);
		} else {
			/* A board's device: its handler quiets the source
			 * (level-triggered) before the end of interrupt. */
			if (rvx_a64_board.irq != NULL)
				next = rvx_a64_board.irq(intid, f);
			rvx_a64_gic_eoi(iar);
		}
		return next;
	}
	if (kind == RVX_A64_VEC_SYNC) {
		uint64_t esr;

		__asm__ volatile("mrs %0, esr_el2" : "=r"(esr));
		/* QEMU without -semihosting: the semihosting HLT is undefined.
		 * Power off through PSCI instead (the exit code is lost). */
		if (f->elr == (uint64_t)(uintptr_t)rvx_a64_semihost &&
		    RVX_A64_ESR_EC(esr) == RVX_A64_EC_UNKNOWN) {
			static const char msg[] = "semihosting unavailable: PSCI SYSTEM_OFF\n";

			rvx_a64_console_write_raw(msg, sizeof(msg) - 1u);
			rvx_a64_system_off();
		}
		if (RVX_A64_ESR_EC(esr) == RVX_A64_EC_SVC64)
			return rvx_a64_rt_svc(RVX_A64_ESR_ISS(esr) & RVX_A64_ISS_IMM16_MASK, f);
		rvx_a64_panic_frame("unexpected synchronous exception", kind, f);
	}
	/* From a partition (EL1): synchronous exceptions and SErrors are its
	 * own to answer for; FIQs are not used. */
	if (kind == RVX_A64_VEC_LOWER_SYNC || kind == RVX_A64_VEC_LOWER_SERR)
		return rvx_a64_part_trap(f);
	if (kind == RVX_A64_VEC_LOWER_FIQ)
		return f;
	rvx_a64_panic_frame("unexpected exception", kind, f);
}
