/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Isolation probe, the owner: maps a slab region (read + write) and an
 * immutable one (read only) with RegionMap, uses both, sends the slab's
 * address to the other probe, then tries to write its immutable region,
 * which stage 2 must stop (a permission fault: the task is restarted).
 * Capabilities: 0 its TASK (WRITE), 1 queue `ipa` (WRITE).
 */
#include "ruvix/region.h"
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

static uint32_t stage;               /* survives a restart (.data/.bss) */
static volatile uint8_t *immutable;

void owner_main(const struct rvx_user_start *s)
{
	static const char hello[] = "immutable hello";
	struct rvx_user_region slab, imm;
	rvx_handle_t task = {s->caps[0]}, q = {s->caps[1]};
	volatile uint64_t *w;
	uint64_t bad = 0;
	int rc;

	rvx_user_init(s);
	if (stage == 1) {
		rvx_user_a64_printf("RVX-ISO owner: its write to its immutable region at 0x%lx "
				    "was stopped", (uint64_t)(uintptr_t)immutable);
		return;
	}
	rc = rvx_sys_region_map(task, RVX_REGION_POLICY_SLAB, 4096, 64, NULL, 0, &slab);
	if (rc != 0 || slab.base == NULL) {
		rvx_user_a64_printf("RVX-ISO owner: RegionMap slab FAILED %d", rc);
		rvx_user_a64_exit(6);
	}
	w = slab.base;
	for (uint32_t i = 0; i < 512u; i++)
		w[i] = 0x5EED0000u + i;
	for (uint32_t i = 0; i < 512u; i++)
		bad += w[i] != 0x5EED0000u + i;
	rc = rvx_sys_region_map(task, RVX_REGION_POLICY_IMMUTABLE, 64, 0, hello, sizeof(hello),
				&imm);
	if (rc != 0 || imm.base == NULL || memcmp(imm.base, hello, sizeof(hello)) != 0 || bad) {
		rvx_user_a64_printf("RVX-ISO owner: RegionMap immutable FAILED %d", rc);
		rvx_user_a64_exit(6);
	}
	rvx_user_a64_printf("RVX-ISO owner: slab region at 0x%lx read+write ok, immutable region "
			    "at 0x%lx reads \"%s\"",
			    (uint64_t)(uintptr_t)slab.base, (uint64_t)(uintptr_t)imm.base,
			    (const char *)imm.base);
	{
		/* A syscall's buffer may lie in a region mapped into it: a third
		 * region made from the bytes of the immutable one. */
		struct rvx_user_region copy;

		rc = rvx_sys_region_map(task, RVX_REGION_POLICY_IMMUTABLE, 64, 0, imm.base,
					sizeof(hello), &copy);
		rvx_user_a64_printf("RVX-ISO owner: a region made from its immutable region's bytes: "
				    "%s (%d)",
				    rc == 0 && copy.base != NULL &&
						    memcmp(copy.base, hello, sizeof(hello)) == 0
					    ? "ok"
					    : "FAILED",
				    rc);
		if (rc != 0)
			rvx_user_a64_exit(6);
	}
	{
		uint64_t ipa = (uint64_t)(uintptr_t)slab.base;

		rc = rvx_sys_queue_send(q, 1, 0, 0, &ipa, sizeof(ipa));
		if (rc != 0)
			rvx_user_a64_exit(6);
	}
	immutable = imm.base;
	stage = 1;
	__asm__ volatile("" ::: "memory"); /* stored before the fault restarts us */
	immutable[0] = 'X'; /* stopped: read-only in stage 2 */
	rvx_user_a64_printf("RVX-PROBE-NOT-STOPPED owner wrote its immutable region");
	rvx_user_a64_exit(6);
}
