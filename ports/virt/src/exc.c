/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exceptions at EL2: interrupts go to the GIC and the task runtime, a
 * task's SVC to the runtime, everything else is a fault: a readable report
 * on the UART (what happened, ESR decoded, FAR, ELR, SPSR, the registers)
 * and a non-zero exit through semihosting.
 */
#include "virt.h"

static struct rvx_virt_lock panic_lock;

_Noreturn void rvx_virt_exit(uint32_t code)
{
	/* SYS_EXIT with ADP_Stopped_ApplicationExit: QEMU exits with @p code. */
	static uint64_t block[RVX_VIRT_MAX_CPUS][2];
	uint64_t el;
	uint32_t cpu = 0;

	/* TPIDR_EL2 only exists for us at EL2 (an EL1 entry exits from here). */
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	if (((el >> 2) & 3u) == 2u)
		cpu = rvx_virt_cpu_index();

	block[cpu][0] = 0x20026u;
	block[cpu][1] = code;
	rvx_virt_semihost(0x18u, block[cpu]);
	rvx_virt_halt();
}

static const char *ec_name(uint32_t ec)
{
	switch (ec) {
	case 0x00: return "unknown reason";
	case 0x01: return "WFI/WFE trapped";
	case 0x07: return "FP/SIMD access trapped";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC from AArch64";
	case 0x16: return "HVC from AArch64";
	case 0x17: return "SMC from AArch64";
	case 0x18: return "system register access trapped";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort (same EL)";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort (same EL)";
	case 0x26: return "SP alignment fault";
	case 0x2c: return "FP exception";
	case 0x2f: return "SError";
	case 0x30: return "breakpoint from a lower EL";
	case 0x31: return "breakpoint (same EL)";
	case 0x32: return "software step from a lower EL";
	case 0x33: return "software step (same EL)";
	case 0x34: return "watchpoint from a lower EL";
	case 0x35: return "watchpoint (same EL)";
	case 0x3c: return "BRK instruction";
	default: return "other";
	}
}

static const char *fsc_name(uint32_t fsc)
{
	switch (fsc & 0x3cu) {
	case 0x00: return "address size fault";
	case 0x04: return "translation fault";
	case 0x08: return "access flag fault";
	case 0x0c: return "permission fault";
	default: break;
	}
	switch (fsc) {
	case 0x10: return "synchronous external abort";
	case 0x21: return "alignment fault";
	case 0x30: return "TLB conflict";
	default: return "other fault";
	}
}

static const char *const kind_names[16] = {
	"sync (SP0)", "IRQ (SP0)", "FIQ (SP0)", "SError (SP0)",
	"sync", "IRQ", "FIQ", "SError",
	"sync (lower EL, AArch64)", "IRQ (lower EL, AArch64)", "FIQ (lower EL, AArch64)",
	"SError (lower EL, AArch64)",
	"sync (lower EL, AArch32)", "IRQ (lower EL, AArch32)", "FIQ (lower EL, AArch32)",
	"SError (lower EL, AArch32)",
};

_Noreturn void rvx_virt_panic_frame(const char *why, uint64_t kind, const struct rvx_virt_frame *f)
{
	uint64_t esr, far;
	uint32_t ec, iss;

	rvx_virt_irq_save();
	rvx_virt_lock_take(&panic_lock);
	__asm__ volatile("mrs %0, esr_el2" : "=r"(esr));
	__asm__ volatile("mrs %0, far_el2" : "=r"(far));
	ec = (uint32_t)(esr >> 26) & 0x3fu;
	iss = (uint32_t)esr & 0x1ffffffu;
	rvx_virt_printf("\n*** RuVix PANIC on CPU %u: %s\n", rvx_virt_cpu_index(), why);
	if (rvx_virt_rt_current(rvx_virt_cpu_index()) != UINT32_MAX)
		rvx_virt_printf("running task %u\n", rvx_virt_rt_current(rvx_virt_cpu_index()));
	if (f != NULL && (ec == 0x25 || ec == 0x24) && rvx_virt_stack_guard_hit(far) >= 0)
		rvx_virt_printf("stack overflow: task %d ran into the guard page below its stack\n",
				rvx_virt_stack_guard_hit(far));
	if (f != NULL && (ec == 0x25 || ec == 0x24) && rvx_virt_boot_guard_hit(far) >= 0)
		rvx_virt_printf("stack overflow: CPU %d's boot stack ran into its guard page\n",
				rvx_virt_boot_guard_hit(far));
	if (f != NULL) {
		rvx_virt_printf("exception: %s\n", kind < 16 ? kind_names[kind] : "?");
		rvx_virt_printf("ESR_EL2 0x%08lx: EC 0x%02x (%s), IL %u, ISS 0x%07x\n", esr, ec,
				ec_name(ec), (unsigned)(esr >> 25) & 1u, iss);
		if (ec == 0x24 || ec == 0x25 || ec == 0x20 || ec == 0x21) {
			rvx_virt_printf("  %s, %s, level %u%s\n", fsc_name(iss & 0x3fu),
					(ec == 0x24 || ec == 0x25) && (iss & (1u << 6)) ? "write"
											    : "read",
					iss & 3u, (iss & (1u << 10)) ? ", FAR not valid" : "");
		}
		rvx_virt_printf("FAR_EL2 0x%016lx  ELR_EL2 0x%016lx  SPSR_EL2 0x%08lx\n", far,
				f->elr, f->spsr);
		for (int i = 0; i < 31; i += 2) {
			if (i == 30)
				rvx_virt_printf("x30 0x%016lx  sp  0x%016lx\n", f->x[30], f->sp);
			else
				rvx_virt_printf("x%02d 0x%016lx  x%02d 0x%016lx\n", i, f->x[i], i + 1,
						f->x[i + 1]);
		}
	}
	rvx_virt_printf("*** exiting with code 2\n");
	rvx_virt_exit(2);
}

struct rvx_virt_frame *rvx_virt_exception(uint64_t kind, struct rvx_virt_frame *f)
{
	if (kind == 5 || kind == 9) {
		uint32_t iar = rvx_virt_gic_ack();
		uint32_t intid = iar & 0x3ffu;
		struct rvx_virt_frame *next = f;

		if (intid >= 1020u)
			return f; /* spurious */
		if (intid == rvx_virt_board.timer_intid) {
			rvx_virt_timer_rearm();
			rvx_virt_gic_eoi(iar);
			next = rvx_virt_rt_tick(f);
		} else {
			rvx_virt_gic_eoi(iar);
		}
		return next;
	}
	if (kind == 4) {
		uint64_t esr;

		__asm__ volatile("mrs %0, esr_el2" : "=r"(esr));
		/* QEMU without -semihosting: the semihosting HLT is undefined.
		 * Power off through PSCI instead (the exit code is lost). */
		if (f->elr == (uint64_t)(uintptr_t)rvx_virt_semihost && ((esr >> 26) & 0x3fu) == 0u) {
			rvx_virt_uart_write_raw("semihosting unavailable: PSCI SYSTEM_OFF\n", 41);
			rvx_virt_system_off();
		}
		if (((esr >> 26) & 0x3fu) == 0x15u)
			return rvx_virt_rt_svc((uint32_t)esr & 0xffffu, f);
		rvx_virt_panic_frame("unexpected synchronous exception", kind, f);
	}
	/* From a partition (EL1): synchronous exceptions and SErrors are its
	 * own to answer for; FIQs are not used. */
	if (kind == 8 || kind == 11)
		return rvx_virt_part_trap(f);
	if (kind == 10)
		return f;
	rvx_virt_panic_frame("unexpected exception", kind, f);
}
