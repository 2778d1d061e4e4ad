/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A component that writes into its own code: the text of an image is
 * mapped read+execute only, so the write faults, and the fault is contained
 * (tests/hosted/test_hkrt.c).
 */
#include "ruvix/user.h"

void rvx_component_main(const struct rvx_user_start *s);

void rvx_component_main(const struct rvx_user_start *s)
{
	volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)rvx_component_main;

	rvx_user_init(s);
	code[0] = 0xc3;
}
