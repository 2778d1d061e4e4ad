/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The component loader of the virt image (component.c): packages whose
 * tasks are code in the package, each code segment run as a partition of
 * its own at EL1 under stage 2. main.c uses it for the root package.
 */
#ifndef RVX_VIRT_COMPONENT_H
#define RVX_VIRT_COMPONENT_H

#include "ruvix/nucleus_syscall.h"
#include "virt.h"

/**
 * Start the partition layer for components (after the secondary CPUs are
 * up, before any is released to schedule). @p done is told of each
 * component task that ends itself (@p stopped false) and of each task the
 * recovery ladder ended when it stopped the task's component for good
 * (@p stopped true, code RVX_PART_EXIT_STOPPED); for a task that ended
 * itself it is called with the kernel lock held (the console's lock may
 * be taken inside it, nothing else).
 * @retval 0 ready
 * @retval other lib/part's rvx_part_init() error
 */
int rvx_virt_comp_init(void (*done)(uint32_t task, int32_t code, bool stopped));

/**
 * RvfMount of a package of components by kernel task @p task (the root;
 * kernel lock held; @p a names kernel memory): the package is verified
 * and the load planned and its memory reserved, then the nucleus mounts it
 * (RvfMount, witnessed) and only then are the partitions created, the
 * images loaded and the tasks started. A package that does not verify is
 * refused by the nucleus with its reason; one the port cannot run (a task
 * with an entry symbol, a malformed image header, too many partitions or
 * tasks, no memory) is refused here. Either way nothing was created and
 * the reserved memory is given back.
 * @param task the mounting task
 * @param a RvfMount's arguments (in, in_len, aux, aux_len, cap; out ignored)
 * @param[out] r RvfMount's result
 * @param[out] ids the created tasks' ids, in manifest order
 * @param ids_room entries of @p ids
 * @param offer true: the package's required capabilities are the image's
 *        objects its `require` lines name (objects.h; @p a's aux ignored)
 * @retval 0 mounted and started
 * @retval -RVX_ENOTSUP a task names an entry symbol, or no code segment
 * @retval -RVX_EMANIFEST a code segment's image header is malformed, or an
 *         entry lies outside its text
 * @retval -RVX_ELIMIT more partitions, tasks per component or VMIDs than
 *         the image has, or more tasks than @p ids_room
 * @retval -RVX_ENOMEM no memory for an image or its tables
 * @retval -RVX_ENOENT @p offer and a `require` line names no object of the image
 * @retval -RVX_ETYPE @p offer and the object named has another type
 * @retval -RVX_EPERM rvx_virt_comp_init() was not called
 * @retval other the nucleus's RvfMount error
 */
int rvx_virt_comp_mount(uint32_t task, const struct rvx_syscall_args *a,
			struct rvx_syscall_result *r, uint32_t *ids, uint32_t ids_room, bool offer);

#endif
