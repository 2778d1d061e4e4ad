/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A capability space shared by the cap tests: FX_TASKS tables of FX_SLOTS
 * slots and FX_OBJECTS registry entries, plus helpers to snapshot every byte
 * of its state and to prove a failed call changed none of it.
 */
#ifndef CAP_FIXTURE_H
#define CAP_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include "ruvix/cap.h"

#define FX_TASKS 4u
#define FX_SLOTS 16u
#define FX_OBJECTS 8u

/** The space under test and its storage. */
struct fx {
	struct rvx_cap_space space;
	struct rvx_cap_slot slots[FX_TASKS * FX_SLOTS];
	struct rvx_cap_table tables[FX_TASKS];
	struct rvx_cap_object objects[FX_OBJECTS];
};

/** A byte copy of everything a call may change. */
struct fx_snap {
	struct rvx_cap_space space;
	struct rvx_cap_slot slots[FX_TASKS * FX_SLOTS];
	struct rvx_cap_table tables[FX_TASKS];
	struct rvx_cap_object objects[FX_OBJECTS];
};

extern struct fx fx;
/* Shorthand for the space under test. */
#define SP (&fx.space)

/** Criterion .init: initialise fx (asserts success). */
void fx_setup(void);
/** Copy the whole state of fx. */
void fx_snap_take(struct fx_snap *snap);
/** Assert that fx is byte for byte what it was when snap was taken. */
void fx_snap_assert_same(const struct fx_snap *snap, const char *what);

/** Register an object of type, asserting success. */
rvx_handle_t fx_object(enum rvx_obj_type type, uint32_t ref);
/** Mint into task, asserting success. */
rvx_handle_t fx_mint(uint32_t task, rvx_handle_t obj, rvx_rights_t rights, uint64_t badge);
/** Derive, asserting success. */
rvx_handle_t fx_derive(uint32_t src_task, rvx_handle_t src, uint32_t dst_task,
		       rvx_rights_t rights, uint64_t badge);

/*
 * Run a call that must fail with `err`, and prove it changed nothing.
 * `call` is an expression returning int.
 */
#define FX_EXPECT_FAIL(err, call)                                              \
	do {                                                                   \
		struct fx_snap fx_snap_;                                       \
		int fx_ret_;                                                   \
		fx_snap_take(&fx_snap_);                                       \
		fx_ret_ = (call);                                              \
		cr_assert_eq(fx_ret_, (err), "%s returned %d (%s), wanted %d", \
			     #call, fx_ret_, rvx_strerror(fx_ret_), (err));    \
		fx_snap_assert_same(&fx_snap_, #call);                         \
	} while (0)

#endif /* CAP_FIXTURE_H */
