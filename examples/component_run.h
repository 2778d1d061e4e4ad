/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The component demo's host side, shared by examples/component_demo.c and
 * the hosted tests: boot the nucleus, create the stores and the sensor,
 * mount the signed component package through the hosted kernel runtime, run
 * it, then check the witness log and digest the vector store.
 */
#ifndef RVX_COMPONENT_RUN_H
#define RVX_COMPONENT_RUN_H

#include <stdint.h>

#include "ruvix/nucleus_syscall.h"

/** What a run of the component demo found. */
struct cdemo_result {
	uint8_t digest[32];              /**< SHA-256 of the store's keys and vectors, read back. */
	uint32_t vectors;                /**< Vectors found under the pipeline's keys. */
	uint32_t records;                /**< Witness records. */
	int log_verified;                /**< 1 if the chain verified against journal and head. */
	uint64_t kinds;                  /**< Bit k set: a record of kind k (< 64) exists. */
	uint64_t component_kinds;        /**< Bit k set: a record of kind k whose actor is a package task. */
	uint64_t calls[RVX_SYS_COUNT];   /**< Calls package code completed, per syscall. */
	uint32_t syscalls_witnessed;     /**< Syscalls 0..11 with their record kind in the log. */
	uint32_t tasks_ended_ok;         /**< Package tasks that returned with code 0. */
	uint32_t tasks_ended_bad;        /**< Package tasks that ended any other way. */
	uint64_t mount_to_first_ns;      /**< From the mount call to the first component instruction. */
	uint64_t run_ns;                 /**< The run's length. */
	uint32_t attestations;           /**< ATTEST records. */
	uint32_t graph_applies;          /**< GRAPH_APPLY records. */
};

/**
 * Run the demo.
 * @param pkg_path the signed component package
 * @param pub_path the signer's public key (hex text, `ruvix keys generate`)
 * @param cpus     CPUs (host threads), 1..4
 * @param verbose  print what happens
 * @param[out] out what was found
 * @return 0 if everything behaved, otherwise the number of failed checks
 *         (or -1 if the run could not be set up)
 */
int cdemo_run(const char *pkg_path, const char *pub_path, uint32_t cpus, int verbose,
	      struct cdemo_result *out);

/** Which record kind witnesses syscall @p nr (0 when none does). */
uint32_t cdemo_syscall_kind(uint32_t nr);

#endif /* RVX_COMPONENT_RUN_H */
