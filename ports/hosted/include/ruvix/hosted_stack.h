/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hosted_stack.h
 * @brief Task stacks with a guard region, on caller-provided memory.
 *
 * The hosted runtime runs each task on a stack the caller provides (an
 * `mmap` of its own, or any page-aligned block it owns). Stacks grow down,
 * so the lowest pages of the block become the guard: rvx_hstack_prepare()
 * makes them inaccessible with `mprotect(PROT_NONE)`, and a task that
 * overflows its stack faults there instead of overwriting whatever lies
 * below. ruvix/hosted_fault.h turns that fault into a recorded, contained
 * task failure.
 *
 * Order of use: rvx_hstack_prepare() the block, rvx_hctx_init() a context on
 * the usable part (`base`, `usable`), run it; once no context runs on it,
 * rvx_hstack_release() makes the guard accessible again, after which the
 * caller may free or reuse the block.
 */
#ifndef RUVIX_HOSTED_STACK_H
#define RUVIX_HOSTED_STACK_H

#include "ruvix/env.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A prepared stack: the caller's block, split into the guard (lowest
 * `guard` bytes) and the usable stack above it. Filled by
 * rvx_hstack_prepare(); caller storage.
 */
struct rvx_hstack {
	/** The caller's block (page-aligned); NULL when not prepared. */
	void *mem;
	/** Bytes of the block, a multiple of the page size. */
	size_t size;
	/** Bytes of guard at the bottom of the block, a multiple of the page size. */
	size_t guard;
	/** Lowest usable byte, `mem + guard`: the `stack` for rvx_hctx_init(). */
	void *base;
	/** Usable bytes above the guard, `size - guard`. */
	size_t usable;
};

/**
 * The host's page size, the unit of stack and guard sizes.
 * @return bytes per page (4096 on most hosts)
 */
size_t rvx_hstack_page_size(void);

/**
 * Turn the lowest @p guard bytes of a block into an inaccessible guard and
 * describe the usable stack above it.
 * @param[out] st the prepared stack
 * @param mem the block: page-aligned, mapped readable and writable
 * @param size bytes of the block: a multiple of the page size
 * @param guard bytes of guard: a non-zero multiple of the page size,
 *        leaving at least one usable page
 * @retval 0 the guard is in place and @p st describes the stack
 * @retval -RVX_EINVAL @p st or @p mem is NULL, @p mem, @p size or @p guard
 *         is not page-aligned, @p guard is 0, or @p guard leaves less than a
 *         page; or the host refused to protect the range (part of it is not
 *         mapped). Nothing is changed.
 */
int rvx_hstack_prepare(struct rvx_hstack *st, void *mem, size_t size,
		       size_t guard);

/**
 * Make the guard of a prepared stack readable and writable again and mark
 * @p st unprepared. No context may run on the stack any more.
 * @param st a stack from rvx_hstack_prepare()
 * @retval 0 the whole block is ordinary memory again
 * @retval -RVX_EINVAL @p st is NULL or not prepared (never prepared, or
 *         already released), or the host refused to change the protection;
 *         @p st is unchanged
 */
int rvx_hstack_release(struct rvx_hstack *st);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_HOSTED_STACK_H */
