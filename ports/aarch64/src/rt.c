/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The task runtime: every task is an EL2 thread with its own stack. The
 * nucleus's scheduler decides (rvx_kernel_pick / rvx_kernel_put_pick); this file
 * only saves and restores contexts. A switch always goes through boot.S's
 * exception path: the timer interrupt preempts, a task that yields or
 * blocks in a syscall takes an SVC, and both save the full frame
 * (general registers and FP/SIMD state) on the task's stack, then resume
 * the frame the scheduler chose. A CPU with nothing ready resumes its idle
 * frame (its boot stack, waiting for interrupts).
 *
 * The handlers run on the CPU's exception stack (boot.S), not on the
 * task's: once a handler has switched away from a task under the kernel
 * lock and released it, this CPU touches neither that task's stack nor its
 * slot here again, so another CPU may at once resume the task or start a
 * new task in its index (an ended task's index is reused by the next
 * TaskSpawn). A board that ends a task switches away from it in the same
 * hold of the lock (rvx_a64_rt_trap_switch_locked()), or this CPU would
 * come back to a slot that is the new task's by then. Nor may a CPU end a
 * task another CPU runs (that CPU is on its stack until it next enters the
 * kernel): schedule() panics if it meets either breach (a running task the
 * nucleus no longer knows, a picked task whose index another CPU runs).
 *
 * A task runs on the CPU the nucleus placed it on; a partition's tasks may
 * be moved to another CPU while they are not running (their frames are in
 * memory, saved under the kernel lock before the move). The kernel lock
 * serialises every call into the nucleus (all CPUs share one kernel
 * object). A kick (SGI RVX_A64_SGI_KICK from another CPU) makes a CPU pick
 * again at once, so a task woken from elsewhere need not wait for the tick.
 */
#include "ruvix/nucleus.h"
#include "a64.h"

#define RT_NONE UINT32_MAX
/* SPSR for a new task: EL2h, IRQs on, debug, SError and FIQ masked. */
#define RT_SPSR 0x349u

_Static_assert(RVX_A64_TASK_SLOTS >= RVX_KERNEL_TASKS, "a stack for every kernel task");

struct rt_task {
	struct rvx_a64_frame *frame; /* saved context, NULL before the first run */
	uint64_t picked_at;           /* counter ns when last dispatched */
	uint32_t blocked;             /* blocked in a syscall: not handed back */
	uint32_t reserved;
};

struct rt_cpu {
	uint32_t current;             /* running task, or RT_NONE (idle) */
	uint32_t started;             /* scheduling on this CPU */
	struct rvx_a64_frame *idle;  /* the idle context */
	uint64_t dispatches;          /* tasks dispatched here */
	uint64_t kicks;               /* kicks taken here */
	uint64_t ticks;               /* timer interrupts taken here while scheduling */
};

static struct rvx_a64_lock klock;
static struct rvx_kernel *kernel;
static struct rt_task tasks[RVX_KERNEL_TASKS];
static struct rt_cpu cpus[RVX_A64_MAX_CPUS];
static uint64_t last_now;
static uint32_t first_dispatched;

static void task_entry(uint32_t task, uint64_t entry)
{
	rvx_a64_board_task_main(task, entry);
	rvx_a64_rt_exit(0); /* returning from the program ends the task */
}

/* Kernel time: the real clock, never behind what another CPU passed. */
static uint64_t kernel_now(void)
{
	uint64_t now = rvx_a64_ticks_to_ns(rvx_a64_counter());

	if (now < last_now)
		now = last_now;
	last_now = now;
	return now;
}

/* Save @p f as the outgoing context and choose the next (klock held). A
 * restarted task keeps no context: it starts afresh when next picked. */
static struct rvx_a64_frame *schedule(uint32_t cpu, struct rvx_a64_frame *f, int yield,
				      int restart)
{
	struct rt_cpu *c = &cpus[cpu];
	uint64_t now = kernel_now();
	uint32_t next;
	uint64_t entry = 0;
	struct rt_task *t;
	int picked = -1; /* 0 once the hand-back also picked `next` */

	if (c->current != RT_NONE) {
		t = &tasks[c->current];
		t->frame = restart ? NULL : f;
		/* A task handed back and the next pick are one call. */
		if (!t->blocked) {
			picked = rvx_kernel_put_pick(kernel, cpu, c->current, now - t->picked_at,
						     yield, &next, &entry);
			/* No CPU ends a task another CPU runs (a board
			 * waits until that CPU has left it): its index could
			 * be a new task's by now, on this very stack. */
			if (picked != 0)
				rvx_a64_panic_frame("rvx_kernel_put_pick refused the running task",
						    0, f);
		}
		t->blocked = 0;
		c->current = RT_NONE;
	} else {
		c->idle = f;
	}
	for (;;) {
		if (picked != 0 && rvx_kernel_pick(kernel, cpu, &next, &entry) != 0) {
			rvx_a64_part_switch(cpu, RT_NONE); /* a partition task saves its state */
			return c->idle;
		}
		if (!rvx_a64_part_hold(next)) /* a suspended partition's task waits */
			break;
		picked = -1;
	}
	/* The task in an index runs on one CPU at a time: were another CPU
	 * still on this index's stack (its old task ended under it), the new
	 * task would share it. */
	for (uint32_t o = 0; o < RVX_A64_MAX_CPUS; o++)
		if (o != cpu && __atomic_load_n(&cpus[o].started, __ATOMIC_ACQUIRE) &&
		    cpus[o].current == next)
			rvx_a64_panic_frame("a task picked while another CPU still runs its index",
					    0, f);
	t = &tasks[next];
	if (t->frame == NULL) {
		uint8_t *top = rvx_a64_task_stack_top(next);
		struct rvx_a64_frame *nf;

		if (top == NULL)
			rvx_a64_panic_frame("no stack for a task", 0, f);
		nf = (struct rvx_a64_frame *)(void *)(top - sizeof(*nf));
		memset(nf, 0, sizeof(*nf));
		nf->x[0] = next;
		nf->x[1] = entry;
		nf->sp = (uint64_t)(uintptr_t)top;
		nf->elr = (uint64_t)(uintptr_t)task_entry;
		nf->spsr = RT_SPSR;
		/* A partition's task starts at EL1 instead (part.c). */
		(void)rvx_a64_part_task_init(next, nf);
		t->frame = nf;
	}
	rvx_a64_part_switch(cpu, next);
	t->picked_at = now;
	c->current = next;
	c->dispatches++;
	if (!first_dispatched) {
		first_dispatched = 1;
		if (rvx_kernel_boot_stage(kernel, RVX_KERNEL_BOOT_FIRST_TASK, NULL) != 0)
			rvx_a64_panic_frame("could not record the FIRST_TASK stage", 0, f);
	}
	return t->frame;
}

struct rvx_a64_frame *rvx_a64_rt_tick(struct rvx_a64_frame *f)
{
	uint32_t cpu = rvx_a64_cpu_index();
	struct rvx_a64_frame *next;

	if (!__atomic_load_n(&cpus[cpu].started, __ATOMIC_ACQUIRE))
		return f;
	__atomic_fetch_add(&cpus[cpu].ticks, 1u, __ATOMIC_RELAXED);
	rvx_a64_lock_take(&klock);
	(void)rvx_kernel_tick(kernel, kernel_now());
	rvx_a64_part_tick(last_now);
	next = schedule(cpu, f, 0, 0);
	rvx_a64_lock_give(&klock);
	return next;
}

struct rvx_a64_frame *rvx_a64_rt_kick(struct rvx_a64_frame *f)
{
	uint32_t cpu = rvx_a64_cpu_index();
	struct rvx_a64_frame *next;

	if (!__atomic_load_n(&cpus[cpu].started, __ATOMIC_ACQUIRE))
		return f;
	rvx_a64_lock_take(&klock);
	cpus[cpu].kicks++;
	next = schedule(cpu, f, 0, 0);
	rvx_a64_lock_give(&klock);
	return next;
}

struct rvx_a64_frame *rvx_a64_rt_device_irq(struct rvx_a64_frame *f,
					    void (*fn)(struct rvx_kernel *k, void *ctx),
					    void *ctx)
{
	uint32_t cpu = rvx_a64_cpu_index();
	struct rvx_a64_frame *next = f;

	rvx_a64_lock_take(&klock);
	if (kernel != NULL) {
		fn(kernel, ctx);
		if (__atomic_load_n(&cpus[cpu].started, __ATOMIC_ACQUIRE))
			next = schedule(cpu, f, 0, 0);
	}
	rvx_a64_lock_give(&klock);
	return next;
}

uint64_t rvx_a64_rt_ticks(uint32_t cpu)
{
	return cpu < RVX_A64_MAX_CPUS ? __atomic_load_n(&cpus[cpu].ticks, __ATOMIC_RELAXED) : 0;
}

uint64_t rvx_a64_rt_kicks(uint32_t cpu)
{
	return cpu < RVX_A64_MAX_CPUS ? __atomic_load_n(&cpus[cpu].kicks, __ATOMIC_RELAXED) : 0;
}

struct rvx_a64_frame *rvx_a64_rt_svc(uint32_t imm, struct rvx_a64_frame *f)
{
	uint32_t cpu = rvx_a64_cpu_index();
	struct rvx_a64_frame *next;

	if (imm > 1 || !cpus[cpu].started || cpus[cpu].current == RT_NONE)
		rvx_a64_panic_frame("SVC outside a task", RVX_A64_VEC_SYNC, f);
	rvx_a64_lock_take(&klock);
	if (imm == 1) {
		/* SVC #1: the task ends (x0 = exit code). The nucleus records
		 * TASK_EXIT and releases it; its context is dropped, so a task
		 * later spawned into the same index starts afresh. */
		uint32_t cur = cpus[cpu].current;
		int rc = rvx_kernel_task_exit(kernel, cur, (int32_t)(uint32_t)f->x[0]);

		if (rc != 0)
			rvx_a64_panic_frame("rvx_kernel_task_exit refused the running task",
					    RVX_A64_VEC_SYNC, f);
		tasks[cur].blocked = 1; /* ended: not the scheduler's to hand back */
		next = schedule(cpu, f, 0, 1);
	} else {
		next = schedule(cpu, f, 1, 0);
	}
	rvx_a64_lock_give(&klock);
	return next;
}

struct rvx_a64_frame *rvx_a64_rt_trap_switch(struct rvx_a64_frame *f, uint32_t how)
{
	struct rvx_a64_frame *next;

	rvx_a64_lock_take(&klock);
	next = rvx_a64_rt_trap_switch_locked(f, how);
	rvx_a64_lock_give(&klock);
	return next;
}

struct rvx_a64_frame *rvx_a64_rt_trap_switch_locked(struct rvx_a64_frame *f, uint32_t how)
{
	uint32_t cpu = rvx_a64_cpu_index();
	uint32_t cur;

	cur = cpus[cpu].current;
	if (cur == RT_NONE)
		rvx_a64_panic_frame("a trap outside a task", RVX_A64_VEC_LOWER_SYNC, f);
	/* A blocked or ended task is not the scheduler's to hand back. */
	if (how == RVX_A64_TRAP_BLOCKED || how == RVX_A64_TRAP_EXITED)
		tasks[cur].blocked = 1;
	return schedule(cpu, f, how != RVX_A64_TRAP_BLOCKED,
			how == RVX_A64_TRAP_RESTART || how == RVX_A64_TRAP_EXITED);
}

void rvx_a64_rt_restart(uint32_t task)
{
	if (task < RVX_KERNEL_TASKS)
		tasks[task].frame = NULL;
}

void rvx_a64_rt_start(struct rvx_kernel *k)
{
	uint32_t cpu = rvx_a64_cpu_index();

	kernel = k;
	cpus[cpu].current = RT_NONE;
	rvx_a64_gic_enable(RVX_A64_SGI_KICK);
	__atomic_store_n(&cpus[cpu].started, 1u, __ATOMIC_RELEASE);
}

_Noreturn void rvx_a64_rt_idle(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	for (;;)
		__asm__ volatile("wfi");
}

void rvx_a64_rt_yield(void)
{
	rvx_a64_svc_yield();
}

_Noreturn void rvx_a64_rt_exit(int32_t code)
{
	register uint64_t x0 __asm__("x0") = (uint64_t)(uint32_t)code;

	__asm__ volatile("svc #1" : : "r"(x0) : "memory");
	rvx_a64_fail("an ended task ran again", -RVX_EINVAL);
}

int rvx_a64_rt_syscall(uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
		       struct rvx_syscall_result *r)
{
	for (;;) {
		uint64_t daif = rvx_a64_lock_irqsave(&klock);
		int rc = rvx_syscall(kernel, task, nr, a, r);

		if (rc != 0 || r->status != RVX_SYSCALL_BLOCKED) {
			rvx_a64_unlock_irqrestore(&klock, daif);
			return rc;
		}
		/* Blocked: the scheduler has taken the task off the CPU. Switch
		 * away with interrupts still masked; the SVC returns once the
		 * task was woken and picked again. */
		tasks[task].blocked = 1;
		rvx_a64_lock_give(&klock);
		rvx_a64_svc_yield();
		rvx_a64_irq_restore(daif);
		if (nr != RVX_SYS_QUEUE_RECV) {
			r->status = RVX_SYSCALL_DONE;
			return 0;
		}
		/* A woken receive is issued again: it returns the message or
		 * the timeout. */
	}
}

uint64_t rvx_a64_rt_lock(void)
{
	return rvx_a64_lock_irqsave(&klock);
}

void rvx_a64_rt_unlock(uint64_t daif)
{
	rvx_a64_unlock_irqrestore(&klock, daif);
}

uint32_t rvx_a64_rt_current(uint32_t cpu)
{
	if (cpu >= RVX_A64_MAX_CPUS || !__atomic_load_n(&cpus[cpu].started, __ATOMIC_ACQUIRE))
		return RT_NONE;
	return cpus[cpu].current;
}

uint64_t rvx_a64_rt_dispatches(uint32_t cpu)
{
	return cpu < RVX_A64_MAX_CPUS ? __atomic_load_n(&cpus[cpu].dispatches, __ATOMIC_RELAXED)
				       : 0;
}
