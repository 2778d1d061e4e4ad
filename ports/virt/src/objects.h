/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel objects the virt image makes at boot for its packages
 * (objects.c): a vector store "memory", a graph store "beliefs", a sensor
 * "sensor0" fed by the generic timer, and the root's clock "clock". A package names one in a `require`
 * line; the component loader passes it.
 */
#ifndef RVX_VIRT_OBJECTS_H
#define RVX_VIRT_OBJECTS_H

#include "ruvix/nucleus.h"
#include "virt.h"

/** Dimension of the image's vector store. */
#define RVX_VIRT_VEC_DIM 8u
/** Message type of the timer sensor's events. */
#define RVX_VIRT_SENSOR_TYPE 0x5E50u

/** One timer sensor event (16 bytes). */
struct rvx_virt_timer_event {
	uint64_t counter; /**< CNTPCT_EL0 at the tick. */
	uint64_t seq;     /**< Events delivered before it. */
};

/** An object the image offers packages, by name. */
struct rvx_virt_offer {
	char name[16];    /**< NUL-padded, as a `require` line names it. */
	uint32_t type;    /**< Its `enum rvx_obj_type`. */
	uint32_t reserved;/**< 0. */
	rvx_handle_t cap; /**< The root task's capability (every right). */
};

/** The kernel's k-NN scratch for the store (before rvx_kernel_boot()). */
void rvx_virt_objects_scratch(struct rvx_kernel_config *cfg);
/** Create the objects, held by the root task; 0 or the nucleus's error. */
int rvx_virt_objects_create(struct rvx_kernel *k);
/** The objects offered (@p count entries). */
const struct rvx_virt_offer *rvx_virt_objects_offers(uint32_t *count);
/** A tick of CPU @p cpu (kernel lock held): CPU 0 delivers a timer event. */
void rvx_virt_objects_tick(struct rvx_kernel *k, uint32_t cpu);

/**
 * rvx_kernel_vector_digest() of the store "memory" over keys @p key0 ..
 * @p key0 + @p count - 1, as the root task (kernel lock held): the digest the
 * hosted component demo prints, to compare a target run with a hosted one
 * (all zero if the store is not there).
 * @return the number of vectors found
 */
uint32_t rvx_virt_objects_digest(struct rvx_kernel *k, uint64_t key0, uint32_t count,
				 uint8_t out[32]);

#endif
