/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fake of lib/part's architecture and kernel interface for host tests:
 * every call is logged, partition memory and checkpoints are host arrays,
 * stage-2 mappings are a list per partition, traps are what the test sets,
 * and the kernel answers syscalls from a small model (task ids, fresh
 * handles, queues that hold a count of messages, grants that can be
 * withdrawn). Knobs make single operations fail.
 */
#ifndef TESTS_PART_FAKE_ARCH_H
#define TESTS_PART_FAKE_ARCH_H

#include <criterion/criterion.h>
#include <string.h>

#include "ruvix/part.h"

#define FK_PARTS 8u
#define FK_MEM 0x4000u     /* bytes of each partition's memory */
#define FK_MEM_BASE(i) (UINT64_C(0x100000) + (uint64_t)(i) * 0x10000u)
#define FK_TEXT UINT64_C(0x80000)
#define FK_KERNEL UINT64_C(0x40000000)
#define FK_UART UINT64_C(0x9000000)
#define FK_GIC UINT64_C(0x8000000)
#define FK_DEV_UART 1u
#define FK_DEV_GIC 2u
#define FK_TASKS 32u
#define FK_QUEUES 8u /* queues whose sends the fake kernel counts */
#define FK_CALLS 512u
#define FK_MAPS 16u

enum fk_op {
	FK_CPU_RESET = 1, FK_CPU_SAVE, FK_CPU_LOAD, FK_VM_LOAD, FK_S2_RESET, FK_S2_MAP, FK_S2_UNMAP,
	FK_S2_SYNC, FK_TRAP_DECODE, FK_KICK, FK_SYSCALL, FK_TASK_EXIT, FK_TASK_RESTART, FK_HOLD,
	FK_RELEASE, FK_RECORD, FK_SNAP_SAVE, FK_SNAP_RESTORE, FK_HANDLE_OUT, FK_REBOOT, FK_MIGRATE,
};

struct fk_call {
	uint32_t op;
	uint32_t a; /* task, partition or CPU */
	uint64_t b; /* syscall nr, record kind, exit code, ... */
	uint64_t c;
};

struct fk_map {
	struct rvx_part_map m;
	uint32_t part;
	uint32_t live;
};

struct fake {
	struct fk_call calls[FK_CALLS];
	uint32_t ncalls;
	uint8_t mem[FK_PARTS][FK_MEM];
	uint8_t ckpt[FK_PARTS][FK_MEM];
	uint8_t has_ckpt[FK_PARTS];
	struct fk_map maps[FK_MAPS * FK_PARTS];
	uint32_t nmaps;
	struct rvx_part_trap trap;      /* what trap_decode reports */
	uint32_t next_task;             /* next task id TaskSpawn gives */
	uint64_t next_handle;           /* next handle any call gives */
	uint32_t alive[FK_TASKS];
	uint32_t held[FK_TASKS];
	uint32_t cap_gen[FK_TASKS];     /* moves on when a task's capabilities change */
	uint32_t queued;                /* messages waiting in every queue */
	struct {
		uint64_t queue, messages, bytes;
	} traffic[FK_QUEUES];           /* sends per queue, as the kernel counts them */
	uint32_t traffic_count;
	uint64_t alias[FK_QUEUES][2];   /* sender handle -> the queue (root handle) it sends on */
	uint32_t alias_count;
	uint32_t cpu_of[FK_TASKS];      /* the CPU each task is placed on */
	uint32_t running[FK_TASKS];     /* the scheduler has it RUNNING (it cannot move) */
	uint64_t now;
	uint64_t published[FK_PARTS][64]; /* handle_out: where/8 -> handle */
	/* knobs */
	int s2_map_rc;                  /* s2_map returns this */
	int spawn_rc;                   /* TaskSpawn returns this */
	int grant_rc;                   /* CapGrant returns this */
	int guest_rc;                   /* the next guest syscall returns this */
	int blocked;                    /* the next guest syscall blocks */
	int spawn_task_out_of_range;    /* TaskSpawn gives a task id beyond the table */
	int migrate_rc;                 /* task_migrate_check returns this */
	int check_refuse;               /* guest_check says no */
	int exit_check_rc;              /* task_exit_check returns this */
	int exit_rc;                    /* task_exit returns this (and ends nothing) */
	uint32_t checks;                /* guest_check calls */
	uint32_t pressure[FK_TASKS];    /* task_scores: the last cut pressure given */
	uint32_t risk[FK_TASKS];        /* task_scores: the last risk given */
	uint32_t scored[FK_TASKS];      /* task_scores calls per task */
};

/* A witness record as the fake kernel received it (the first 48 bytes of its args). */
struct fk_rec {
	uint16_t kind;
	uint32_t actor;
	uint8_t args[48];
};

extern struct fk_rec recs[256];
extern uint32_t nrecs;
extern struct fake fk;
extern const struct rvx_part_arch_ops fk_arch;
extern const struct rvx_part_kernel_ops fk_kern;
extern struct rvx_part pl;
extern struct rvx_part_task fk_tasks[FK_TASKS];

/* A layer over the fake: 2 CPUs, UART and GIC devices, window 50, limits 2 and 1. */
/* Sends with @p sender_cap go to the queue the root names @p queue_cap. */
void fk_alias(uint64_t sender_cap, uint64_t queue_cap);
void fk_setup(void);
/* Reset the fake and give fk_setup()'s configuration (to change before rvx_part_init()). */
void fk_config(struct rvx_part_config *cfg);
/* The kernel counts @p messages more sends of @p bytes in all on the queue the root names @p queue_cap. */
void fk_traffic_add(uint64_t queue_cap, uint64_t messages, uint64_t bytes);
/* Create partitions 0..n-1 (VMIDs 1..n) and resume them. */
void fk_parts(uint32_t n);
/* Spawn a task into @p part with one capability published at offset 8. */
uint32_t fk_spawn(uint32_t part, uint32_t role);
/* Calls of @p op since the log was cleared. */
uint32_t fk_count(uint32_t op);
/* Records of witness @p kind. */
uint32_t fk_records(uint16_t kind);
/* Forget the call log. */
void fk_clear(void);
/* The live stage-2 mapping of @p part covering @p ipa, or NULL. */
const struct fk_map *fk_map_at(uint32_t part, uint64_t ipa);
/* Put @p a at partition @p part's offset @p off (as the guest would). */
void fk_put(uint32_t part, uint64_t off, const void *a, size_t len);
/* Set the next trap to a syscall with args at @p args_off and result at @p res_off. */
void fk_trap_syscall(uint32_t part, uint32_t nr, uint64_t args, uint64_t res);
/* Set the next trap to a stage-2 abort. */
void fk_trap_abort(uint64_t addr, bool write);

#endif
