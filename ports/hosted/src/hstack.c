/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Task stacks: the guard region at the bottom of a caller's block, made
 * inaccessible with mprotect().
 */
#define _GNU_SOURCE
#include "ruvix/hosted_stack.h"
#include "ruvix/err.h"

#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

size_t rvx_hstack_page_size(void)
{
	long n = sysconf(_SC_PAGESIZE);

	return n > 0 ? (size_t)n : (size_t)4096u;
}

int rvx_hstack_prepare(struct rvx_hstack *st, void *mem, size_t size,
		       size_t guard)
{
	size_t page = rvx_hstack_page_size();

	if (st == NULL || mem == NULL)
		return -RVX_EINVAL;
	if ((uintptr_t)mem % page != 0 || size % page != 0 || guard % page != 0)
		return -RVX_EINVAL;
	if (guard == 0 || guard >= size || size - guard < page)
		return -RVX_EINVAL;
	if ((uintptr_t)mem > UINTPTR_MAX - size)
		return -RVX_EINVAL;
	/* The only step that can fail is the system call, and it changes
	 * nothing when it fails on a range that is mapped at its start; on a
	 * partly unmapped range the kernel stops at the hole, so the part it
	 * did change is put back. */
	if (mprotect(mem, guard, PROT_NONE) != 0) {
		(void)mprotect(mem, guard, PROT_READ | PROT_WRITE);
		return -RVX_EINVAL;
	}
	st->mem = mem;
	st->size = size;
	st->guard = guard;
	st->base = (unsigned char *)mem + guard;
	st->usable = size - guard;
	return 0;
}

int rvx_hstack_release(struct rvx_hstack *st)
{
	if (st == NULL || st->mem == NULL)
		return -RVX_EINVAL;
	if (mprotect(st->mem, st->guard, PROT_READ | PROT_WRITE) != 0)
		return -RVX_EINVAL;
#if defined(__SANITIZE_ADDRESS__)
	/* Frames of a context that never returned (finished by a switch, or
	 * abandoned after a fault) leave their redzones poisoned; the caller
	 * may reuse or unmap the block, so clear them. */
	__asan_unpoison_memory_region(st->mem, st->size);
#endif
	st->mem = NULL;
	st->base = NULL;
	st->size = 0;
	st->guard = 0;
	st->usable = 0;
	return 0;
}
