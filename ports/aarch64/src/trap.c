/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A trap from EL1 into lib/part's terms: ESR_EL2 and FAR_EL2 and the
 * trapped frame become a `struct rvx_part_trap`. The partition hypercall
 * ABI's own immediates (a64.h's RVX_A64_HVC_*) are decoded here; the
 * board's own hypercalls come back as RVX_PART_TRAP_CALL for it to handle.
 */
#include "a64.h"
#include "ruvix/part.h"

struct rvx_a64_frame *rvx_a64_trap_frame[RVX_A64_MAX_CPUS];
uint32_t rvx_a64_hvc_board_calls;

static void decode_hvc(const struct rvx_a64_frame *f, uint32_t imm, struct rvx_part_trap *t)
{
	switch (imm) {
	case RVX_A64_HVC_SYSCALL:
		t->kind = RVX_PART_TRAP_SYSCALL;
		t->nr = (uint32_t)f->x[0];
		t->x[0] = f->x[1];
		t->x[1] = f->x[2];
		break;
	case RVX_A64_HVC_YIELD:
		t->kind = RVX_PART_TRAP_YIELD;
		break;
	case RVX_A64_HVC_EXCEPTION:
		t->kind = RVX_PART_TRAP_EL1_EXCEPTION;
		t->addr = f->x[1];
		break;
	default:
		if (imm < 32u && (rvx_a64_hvc_board_calls >> imm) & 1u) {
			t->kind = RVX_PART_TRAP_CALL;
			t->nr = imm;
			t->x[0] = f->x[0];
			t->x[1] = f->x[1];
			t->x[2] = f->x[2];
		}
		break;
	}
}

void rvx_a64_trap_decode(void *ctx, uint32_t cpu, struct rvx_part_trap *t)
{
	uint64_t esr = RVX_A64_SYSREG_READ(esr_el2);
	uint32_t ec = RVX_A64_ESR_EC(esr), iss = RVX_A64_ESR_ISS(esr);

	(void)ctx;
	/* Every field, without a memset: this runs on every trap. */
	t->kind = RVX_PART_TRAP_OTHER;
	t->nr = 0;
	t->x[0] = t->x[1] = t->x[2] = 0;
	t->addr = 0;
	t->syndrome = esr;
	t->write = t->permission = 0;
	t->reserved[0] = t->reserved[1] = t->reserved[2] = 0;
	t->reserved[3] = t->reserved[4] = t->reserved[5] = 0;
	switch (ec) {
	case RVX_A64_EC_HVC64:
		decode_hvc(rvx_a64_trap_frame[cpu], iss & RVX_A64_ISS_IMM16_MASK, t);
		break;
	case RVX_A64_EC_DABT_LOWER: /* stage 2 said no */
	case RVX_A64_EC_IABT_LOWER:
		t->kind = RVX_PART_TRAP_ABORT;
		t->addr = RVX_A64_SYSREG_READ(far_el2);
		t->write = ec == RVX_A64_EC_DABT_LOWER && (iss & RVX_A64_ISS_WNR) != 0;
		t->permission = (iss & RVX_A64_ISS_FSC_TYPE_MASK) == RVX_A64_FSC_PERMISSION;
		break;
	case RVX_A64_EC_SYSREG:
		t->kind = RVX_PART_TRAP_SYSREG;
		break;
	case RVX_A64_EC_SMC64:
		t->kind = RVX_PART_TRAP_SMC;
		break;
	default:
		break;
	}
}
