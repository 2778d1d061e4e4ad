/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the kernel (part*.c, EL2) and the partition programs (guest.c, EL1)
 * share: the trap ABI and the layout of a partition's private memory.
 *
 * Trap ABI (HVC from EL1; SVC from EL1 is taken at EL1 itself, so the
 * partition's way into the kernel is HVC):
 *   hvc #0  syscall: x0 = number (0..11), x1 = IPA of a struct
 *           rvx_syscall_args, x2 = IPA of a struct rvx_syscall_result;
 *           returns x0 = 0 or -RVX_E*. Every pointer (the two structures and
 *           the args' in/out/aux buffers) must lie in the partition's own
 *           read-write memory, or the call is refused and witnessed as a
 *           fault. The call lands in the same rvx_syscall() dispatcher as
 *           every other task's.
 *   hvc #1  yield the CPU.
 *   hvc #2  console line: x0 = IPA of the text, x1 = bytes (< 120).
 *   hvc #3  report an exception taken at EL1 (the guest's own vectors):
 *           x0 = ESR_EL1, x1 = ELR_EL1, x2 = FAR_EL1. The task is faulted.
 *   hvc #4  report progress: x0 = code (GUEST_REP_*), x1 = value.
 *   hvc #5  check the state region: the kernel compares it with the
 *           partition's checkpoint; a mismatch is a region fault, rolled
 *           back. Returns 0 intact, 1 rolled back.
 * Partitions run with their EL1 stage-1 MMU off and HCR_EL2.DC set (their
 * accesses are Normal write-back), so an address they use is an IPA, and
 * stage 2 maps the IPA onto the same physical address: the shared program
 * text (read, execute) and the partition's private memory (read, write).
 */
#ifndef RVX_VIRT_GUEST_H
#define RVX_VIRT_GUEST_H

#include <stdint.h>

/** Private memory of one partition (naturally aligned). */
#define GUEST_MEM_SIZE (128u * 1024u)
/** Offset of the state region (one page) the checkpoint guards. */
#define GUEST_STATE_OFF 4096u
/** Bytes of the state region. */
#define GUEST_STATE_SIZE 4096u
/** Offset of the benchmark samples. */
#define GUEST_SAMPLES_OFF 8192u
/** Samples per series. */
#define GUEST_SAMPLES 2048u
/** Stack of guest task @p i: 32 KiB ending at the top minus i * 32 KiB. */
#define GUEST_STACK_SIZE (32u * 1024u)
/** Tasks per partition. */
#define GUEST_TASKS 2u

/* Roles (the entry the kernel spawns a guest task with). */
#define GUEST_ROLE_TALK 1u   /* partition A: pings B, then the UART lease, then heartbeat */
#define GUEST_ROLE_LISTEN 2u /* partition B: answers pings; crash and rollback targets */
#define GUEST_ROLE_PROBE 3u  /* both: tries what it must not, one thing per life */
#define GUEST_ROLE_BENCH 4u  /* bench: round trips, syscalls by trap */
#define GUEST_ROLE_BENCH_PEER 5u /* bench: yields back at once (parks once `stop` is set) */
#define GUEST_ROLE_WAKE_SEND 6u  /* bench: timestamped sends to a receiver on another CPU */
#define GUEST_ROLE_WAKE_RECV 7u  /* bench: blocks in a receive, records each wake-up's latency */
#define GUEST_ROLE_FLOW 8u       /* numa: rounds of sends on q_send, drains q_recv, sleeps */

/* Progress reports (hvc #4). */
#define GUEST_REP_PINGS 1u    /* talker: ping phase done, value = pongs seen */
#define GUEST_REP_LEASE 2u    /* talker: wrote through the leased UART */
#define GUEST_REP_PROBED 3u   /* prober: every attempt made, value = attempts */
#define GUEST_REP_HANDSHAKE 4u/* listener: has the reply capability */
#define GUEST_REP_ROLLED 5u   /* listener: state region intact again after roll back */
#define GUEST_REP_BENCH 6u    /* bench: samples ready */
#define GUEST_REP_CAPDENIED 7u/* prober: a syscall was refused (value = error) */
#define GUEST_REP_REGION 9u   /* talker/listener: mapped its region, value = handle */
#define GUEST_REP_LEASE_B 10u /* listener: wrote through the UART lease it was given */
#define GUEST_REP_STATE 8u    /* bench: FP/SIMD and EL1 registers checked, value = 1 intact, 0 lost */
#define GUEST_REP_WAKE_PHASE 11u /* wake sender: first phase sent, value = messages */
#define GUEST_REP_WAKE 12u    /* wake receiver: latencies recorded, value = count */
#define GUEST_REP_FLOW 13u    /* flow: every round done, value = messages sent */
#define GUEST_WAKE_SAMPLES 64u /* wake-ups per phase */

/* Message types on the CommEdges. */
#define GUEST_MSG_GRANT 1u /* payload: the reply capability's handle in the listener's table */
#define GUEST_MSG_PING 2u
#define GUEST_MSG_PONG 3u

/* Prober attempts, in order. */
#define GUEST_PROBE_READ_OTHER 0u
#define GUEST_PROBE_WRITE_OTHER 1u
#define GUEST_PROBE_READ_KERNEL 2u
#define GUEST_PROBE_WRITE_KERNEL 3u
#define GUEST_PROBE_DEVICE 4u
#define GUEST_PROBE_FOREIGN_CAP 5u
#define GUEST_PROBE_KERNEL_PTR 6u
#define GUEST_PROBE_PMU 7u        /* read the cycle counter every partition shares */
#define GUEST_PROBE_POWER_OFF 8u  /* PSCI SYSTEM_OFF through SMC */
#define GUEST_PROBE_UNDEFINED 9u  /* an undefined instruction: the partition's own vectors report it */
#define GUEST_PROBE_COUNT 10u

#define GUEST_MAGIC 0x52565850u /* "PXVR" */

/* HVC immediates (the trap ABI above). */
#define GUEST_HVC_SYSCALL 0u
#define GUEST_HVC_YIELD 1u
#define GUEST_HVC_PRINT 2u
#define GUEST_HVC_EXCEPTION 3u
#define GUEST_HVC_REPORT 4u
#define GUEST_HVC_CHECK_STATE 5u
/** The state region's number in REGION faults and roll backs. */
#define GUEST_STATE_REGION 1u

/** The boot block at offset 0 of a partition's private memory. The kernel
 *  writes it before the partition's tasks first run; the tasks keep their
 *  progress here, so a restarted task goes on where it stopped. */
struct guest_boot {
	uint32_t magic;       /* GUEST_MAGIC */
	uint32_t part;        /* partition index (0 = A, 1 = B) */
	uint32_t mode;        /* 0 demo, 1 bench */
	uint32_t vmid;        /* its VMID */
	uint64_t mem;         /* IPA of this block (= its private memory) */
	uint64_t clock;       /* clock capability (READ) of the role-0 task */
	uint64_t clock_probe; /* clock capability (READ) of the prober */
	uint64_t task_cap;    /* RegionMap's capability (TASK, WRITE only: no spawning) */
	uint64_t region;      /* the region the role-0 task mapped (its own) */
	uint64_t q_send;      /* talker: ping queue (WRITE); listener: 0 until granted */
	uint64_t q_recv;      /* talker: pong queue (READ); listener: ping queue (READ) */
	uint64_t q_grant;     /* talker: pong queue with WRITE|GRANT, to grant to the listener */
	uint64_t q_own;       /* bench: a queue of its own (READ|WRITE) */
	uint64_t peer_task;   /* talker: the listener's task id (CapGrant's destination) */
	uint64_t other_mem;   /* the other partition's memory (physical = its IPA there) */
	uint64_t kernel_mem;  /* an address in the kernel's data */
	uint64_t device;      /* a device no lease covers (GIC distributor) */
	uint64_t uart;        /* the leased UART's registers (talker), or 0 */
	uint64_t lease_until; /* counter value after which the lease has ended */
	uint64_t foreign_cap; /* a handle valid in the other partition's table only */
	uint64_t pings;       /* talker: pings to send */
	volatile uint64_t inject_crash;   /* kernel: crash at the next message (listener) */
	volatile uint64_t inject_corrupt; /* kernel: scribble over the state region (listener) */
	uint64_t step[GUEST_TASKS];       /* progress per role slot */
	uint64_t sent, received;          /* traffic counts */
	volatile uint64_t heartbeat;      /* talker: heartbeats since start */
	uint64_t samples_n;               /* bench: samples per series */
	uint64_t stop;                    /* bench: peer stops yielding when set */
	volatile uint64_t uart_step;      /* listener: 1 lease granted, 2 used, 3 revoked, 4 tried */
	volatile uint64_t probe_stale;    /* kernel: 1 try stale_cap once (listener); 2 tried */
	uint64_t stale_cap;               /* a handle of the listener before its partition's rebuild */
	volatile uint64_t wake_phase;     /* wake sender: 2 = the kernel lets the second phase start */
	uint64_t q_wake;                  /* wake sender (WRITE) / receiver (READ): their queue */
	uint64_t flow_rounds;             /* flow: rounds to run */
	uint64_t flow_burst;              /* flow: messages sent per round (0: sends none) */
	uint64_t flow_len;                /* flow: payload bytes of each (<= 48) */
	uint64_t flow_period;             /* flow: ns between rounds */
	uint64_t flow_round;              /* flow: rounds done (a restarted task goes on) */
	uint64_t unmapped;                /* an IPA nobody owns (just past the DTB's memory) */
	volatile uint64_t spin;           /* kernel (rvx.test=teardown-reuse): talker, spin */
	volatile uint64_t spinning;       /* talker: 1 once it spins at EL1, never trapping */
};

#endif
