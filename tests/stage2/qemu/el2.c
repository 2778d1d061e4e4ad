/* SPDX-License-Identifier: Apache-2.0 */
/*
 * On-target check of lib/stage2 under QEMU virt at EL2: build a guest's
 * stage-2 tables with the library, load VTCR_EL2/VTTBR_EL2 from it, run a
 * guest at EL1 (MMU off, so every access is translated by stage 2 alone)
 * and check what the hardware model does: reads through a 2 MiB block and
 * a 4 KiB page return the bytes at the mapped physical addresses, a device
 * page reaches the UART, and an unmapped IPA, an unmapped-after-use page
 * (a revoked lease, with TLB invalidation), a write to a read-only page and
 * an instruction fetch from an execute-never page each trap to EL2 with the
 * expected syndrome and IPA. Exit code 0 (semihosting) means all held.
 */
#include "ruvix/stage2.h"

#undef memset
#undef memcpy
#undef memmove
#undef memcmp

void semihost_exit(uint64_t code) __attribute__((noreturn));
void enter_guest(uint64_t entry, uint64_t sp) __attribute__((noreturn));
void el2_main(void) __attribute__((noreturn));
void el2_sync(uint64_t *frame);
extern char guest_entry[], guest_text_start[], guest_text_end[];

void *memset(void *d, int c, size_t n)
{
	volatile unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	if (p < q)
		return memcpy(d, s, n);
	while (n--)
		p[n] = q[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p < *q ? -1 : 1;
	return 0;
}

/* The shape under test; the build makes one image per shape. */
#ifndef S2_IPA_BITS
#define S2_IPA_BITS 40
#endif
#ifndef S2_PA_BITS
#define S2_PA_BITS 40
#endif
#ifndef S2_START_LEVEL
#define S2_START_LEVEL RVX_STAGE2_START_AUTO
#endif

#define UART_PA UINT64_C(0x09000000)
#define IPA_BLOCK UINT64_C(0x48000000)
#define IPA_STACK UINT64_C(0x48200000)
#define IPA_RO UINT64_C(0x49000000)
#define IPA_NONE UINT64_C(0x50000000)
#define MAGIC1 UINT64_C(0x1111222233334444)
#define MAGIC2 UINT64_C(0x5555666677778888)
#define MAGIC3 UINT64_C(0x00ABCDEF00C0FFEE)

uint8_t el2_stack[16384] __attribute__((aligned(16)));
RVX_STAGE2_POOL_DEFINE(pool, 32);
static uint8_t block[2u << 20] __attribute__((aligned(2u << 20)));
static uint64_t stack_page[512] __attribute__((aligned(4096)));
static uint64_t ro_page[512] __attribute__((aligned(4096)));
static struct rvx_stage2 s2;

struct fault {
	uint32_t ec, fsc, wnr;
	uint64_t ipa;
};
static struct fault faults[8];
static unsigned fault_count, checks_passed;

static void putc_(char c)
{
	*(volatile uint32_t *)UART_PA = (uint32_t)c;
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void puthex(uint64_t v)
{
	puts_("0x");
	for (int i = 60; i >= 0; i -= 4)
		putc_("0123456789abcdef"[(v >> i) & 15]);
}

static void fail(const char *what, uint64_t v, unsigned code)
{
	puts_("stage2-qemu: FAIL: ");
	puts_(what);
	puts_(" ");
	puthex(v);
	puts_("\n");
	semihost_exit(code);
}

#define SYSREG_READER(name)                                                    \
	static inline uint64_t read_##name(void)                               \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ volatile("mrs %0, " #name : "=r"(v));                  \
		return v;                                                      \
	}
SYSREG_READER(esr_el2)
SYSREG_READER(far_el2)
SYSREG_READER(hpfar_el2)
SYSREG_READER(elr_el2)
#define SYSREG_WRITE(name, v) __asm__ volatile("msr " #name ", %0" : : "r"((uint64_t)(v)))

void el2_main(void)
{
	struct rvx_stage2_config cfg = {.ipa_bits = S2_IPA_BITS, .pa_bits = S2_PA_BITS,
					.start_level = S2_START_LEVEL, .vmid = 5};
	struct rvx_stage2_mapping m;
	uint64_t gt = (uint64_t)(uintptr_t)guest_text_start;
	uint64_t gsize = (uint64_t)(guest_text_end - guest_text_start);
	int rc;

	puts_("stage2-qemu: building tables at EL2, IPA bits ");
	puthex(S2_IPA_BITS);
	puts_("\n");
	rc = rvx_stage2_init(&s2, &cfg, pool, 32, (uint64_t)(uintptr_t)pool);
	if (rc)
		fail("init", (uint64_t)-rc, 10);
	*(volatile uint64_t *)(block + 0x1000) = MAGIC1;
	*(volatile uint64_t *)(block + 0x1FF000) = MAGIC2;
	ro_page[0] = MAGIC3;
	if ((rc = rvx_stage2_map(&s2, gt, gt, gsize, RVX_STAGE2_R | RVX_STAGE2_X, RVX_STAGE2_NORMAL_WB)) ||
	    (rc = rvx_stage2_map(&s2, IPA_BLOCK, (uint64_t)(uintptr_t)block, 2u << 20,
				 RVX_STAGE2_R | RVX_STAGE2_W, RVX_STAGE2_NORMAL_WB)) ||
	    (rc = rvx_stage2_map(&s2, IPA_STACK, (uint64_t)(uintptr_t)stack_page, 4096,
				 RVX_STAGE2_R | RVX_STAGE2_W, RVX_STAGE2_NORMAL_WB)) ||
	    (rc = rvx_stage2_map(&s2, IPA_RO, (uint64_t)(uintptr_t)ro_page, 4096, RVX_STAGE2_R,
				 RVX_STAGE2_NORMAL_WB)) ||
	    (rc = rvx_stage2_map(&s2, UART_PA, UART_PA, 4096, RVX_STAGE2_R | RVX_STAGE2_W,
				 RVX_STAGE2_DEVICE)))
		fail("map", (uint64_t)-rc, 11);
	if (rvx_stage2_lookup(&s2, IPA_BLOCK, &m) || m.level != 2)
		fail("the block is not a level-2 block", m.level, 12);

	SYSREG_WRITE(vtcr_el2, rvx_stage2_vtcr(&s2));
	SYSREG_WRITE(vttbr_el2, rvx_stage2_vttbr(&s2));
	SYSREG_WRITE(hcr_el2, (UINT64_C(1) << 31) | 1u); /* RW: EL1 is AArch64; VM: stage 2 on */
	SYSREG_WRITE(sctlr_el1, UINT64_C(0x30d00800));    /* RES1 bits, MMU and caches off */
	__asm__ volatile("isb; tlbi vmalls12e1is; dsb ish; isb" ::: "memory");
	puts_("stage2-qemu: vtcr ");
	puthex(rvx_stage2_vtcr(&s2));
	puts_(" vttbr ");
	puthex(rvx_stage2_vttbr(&s2));
	puts_("\nstage2-qemu: entering the guest at EL1\n");
	enter_guest((uint64_t)(uintptr_t)guest_entry, IPA_STACK + 4096);
}

static void expect_fault(unsigned i, uint32_t ec, uint32_t fsc, uint32_t wnr, uint64_t ipa)
{
	if (i >= fault_count)
		fail("missing fault", i, 20 + i);
	if (faults[i].ec != ec || faults[i].fsc != fsc || (ec == 0x24 && faults[i].wnr != wnr) ||
	    faults[i].ipa != ipa) {
		puts_("stage2-qemu: fault ");
		puthex(i);
		puts_(" ec ");
		puthex(faults[i].ec);
		puts_(" fsc ");
		puthex(faults[i].fsc);
		puts_(" wnr ");
		puthex(faults[i].wnr);
		puts_(" ipa ");
		puthex(faults[i].ipa);
		puts_("\n");
		fail("unexpected fault syndrome", i, 30 + i);
	}
	checks_passed++;
}

void el2_sync(uint64_t *frame)
{
	uint64_t esr = read_esr_el2();
	uint32_t ec = (uint32_t)(esr >> 26) & 0x3f;

	if (ec == 0x16) { /* HVC from AArch64 */
		switch (esr & 0xffff) {
		case 1:
			if (frame[0] != MAGIC1 || frame[1] != MAGIC2)
				fail("read through the 2 MiB block", frame[0], 40);
			puts_("\nstage2-qemu: block reads ok; revoking the UART lease next\n");
			checks_passed++;
			return;
		case 2: {
			int rc = rvx_stage2_unmap(&s2, UART_PA, 4096);

			if (rc)
				fail("unmap", (uint64_t)-rc, 41);
			/* The embedder's part: invalidate what the TLB may hold. */
			__asm__ volatile("dsb ishst; tlbi ipas2e1is, %0; dsb ish; tlbi vmalle1is; dsb ish; isb"
					 : : "r"(UART_PA >> 12) : "memory");
			return;
		}
		case 3:
			if (frame[0] != MAGIC3)
				fail("read of the read-only page", frame[0], 42);
			checks_passed++;
			return;
		case 4:
			/* UART after unmap: its L3 and L2 tables were freed, so
			 * the walk stops at level 1 (DFSC 0b000101): the level-1
			 * entry is the root's (level-1 start) or in the level-1
			 * table that the other mappings keep (level-0 start). */
			expect_fault(0, 0x24, 0x05, 1, UART_PA);
			/* write to a read-only page: permission fault, level 3 */
			expect_fault(1, 0x24, 0x0F, 1, IPA_RO);
			/* unmapped IPA under a live level-2 table: translation, level 2 */
			expect_fault(2, 0x24, 0x06, 0, IPA_NONE);
			/* fetch from an execute-never page: instruction abort, permission, level 3 */
			expect_fault(3, 0x20, 0x0F, 0, IPA_RO);
			if (fault_count != 4)
				fail("fault count", fault_count, 50);
			puts_("stage2-qemu: PASS (");
			puthex(checks_passed);
			puts_(" checks)\n");
			semihost_exit(0);
		default:
			fail("unknown hvc", esr & 0xffff, 43);
		}
	}
	if (ec == 0x24 || ec == 0x20) { /* data / instruction abort from a lower EL */
		uint64_t hpfar = read_hpfar_el2();
		uint64_t far = read_far_el2();
		struct fault *f;

		if (fault_count >= 8)
			fail("too many faults", fault_count, 44);
		f = &faults[fault_count++];
		f->ec = ec;
		f->fsc = (uint32_t)esr & 0x3f;
		f->wnr = (uint32_t)(esr >> 6) & 1;
		f->ipa = ((hpfar >> 4) << 12) | (far & 0xfff);
		if (ec == 0x24)
			SYSREG_WRITE(elr_el2, read_elr_el2() + 4); /* skip the access */
		else
			SYSREG_WRITE(elr_el2, frame[30]); /* return from the bad call */
		return;
	}
	fail("unexpected exception, ESR", esr, 45);
}
