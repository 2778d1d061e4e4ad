/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Isolation probe, the other component: receives the owner's region
 * address and reads it in its own address space, where nothing is mapped
 * there: stage 2 stops it (the task is restarted) and it says so.
 * Capabilities: 0 queue `ipa` (READ).
 */
#include "ruvix/queue.h"
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

static uint32_t stage;
static uint64_t target;

void other_main(const struct rvx_user_start *s)
{
	rvx_handle_t q = {s->caps[0]};
	struct rvx_queue_msg_hdr hdr;
	uint64_t len;
	int rc;

	rvx_user_init(s);
	if (stage == 1) {
		rvx_user_a64_printf("RVX-ISO other: its read of the owner's region address 0x%lx "
				    "was stopped", target);
		return;
	}
	rc = rvx_sys_queue_recv(q, &target, sizeof(target), &hdr, &len, 2000000000u);
	if (rc != 0 || len != sizeof(target)) {
		rvx_user_a64_printf("RVX-ISO other: no address FAILED %d", rc);
		rvx_user_a64_exit(6);
	}
	stage = 1;
	__asm__ volatile("" ::: "memory"); /* stored before the fault restarts us */
	rvx_user_a64_printf("RVX-ISO other: reading 0x%lx, value 0x%lx", target,
			    *(volatile uint64_t *)(uintptr_t)target);
	rvx_user_a64_printf("RVX-PROBE-NOT-STOPPED other read the owner's region");
	rvx_user_a64_exit(6);
}
