/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virt image's boot and kernel main. The primary CPU: DTB (libfdt),
 * console, MMU, GIC, timer, entropy; then the nucleus boots with a secret
 * from the DTB's rng-seed and the early boot stages (RESET, HARDWARE with
 * the DTB's SHA-256, CONSOLE, MMU), the root package from the initrd is
 * mounted through RvfMount, the secondary CPUs come up through PSCI, and
 * every CPU schedules tasks. The root task (task 0) spawns workers on every
 * CPU, waits for every task to finish, dumps the witness log on the UART
 * and exits QEMU with 0 through semihosting.
 *
 * Boot arguments (/chosen bootargs, QEMU -append) select test modes:
 * rvx.test=fault (read an unmapped address), rvx.test=wx (write to the
 * kernel's text), rvx.test=undef (an undefined instruction),
 * rvx.test=stack (the root task overflows its stack into its guard page),
 * rvx.test=stack-reuse (a component task's index is reused on another CPU
 * while the CPU that ended it is still leaving its trap: see
 * rvx_virt_test_stack_reuse());
 * rvx.test=teardown-reuse with rvx.partitions=smp (the partition teardown
 * with a partition task running on another CPU, its index reused at once
 * on a third: part_setup.c);
 * rvx.selftest runs the kernel's self-tests (tests/target) and exits;
 * rvx.partitions[=bench|smp|smp-shared|numa] runs a partition program
 * instead of the root package (part_demo.c, part_bench.c, part_numa.c);
 * rvx.net=A.B.C.D/N (and rvx.rng=on) runs the virtio drivers and the
 * network task instead of the workers (vnet.c);
 * rvx.shell=on (an image built with the kernel-shell option) starts rvsh
 * on the console once the root's own work is done (the root package's tasks
 * run on, unwaited), and the witness log is dumped when the shell ends
 * (after a `reboot`, the machine is then reset).
 */
#include <libfdt.h>

#include "ruvix/nucleus.h"
#include "ruvix/port.h"
#include "ruvix/selftest.h"
#include "ruvix/sha256.h"
#include "component.h"
#include "objects.h"
#include "vdev.h"
#include "virt.h"

#ifndef RVX_VIRT_HAVE_TRUSTED_KEYS
#define RVX_VIRT_HAVE_TRUSTED_KEYS 0
#endif
#if RVX_VIRT_HAVE_TRUSTED_KEYS
extern const uint8_t rvx_virt_trusted_keys[];
extern const uint32_t rvx_virt_trusted_key_count;
#endif

/* Scheduler tick. */
#define TICK_NS 1000000u
/* Witness records the image keeps for the dump (rvx.witness.keep=N asks
 * for fewer: a test mode). */
#define WITNESS_KEEP 4096u
/* Built-in programs a task's entry (symbol id) selects. */
#define PROG_HELLO 1u
#define PROG_LONG 2u
#define PROG_SHORT 3u
#define PROG_SCRIBBLE 4u
/* rvx.test=stack-reuse: bytes of its stack the reusing task writes over. */
#define SCRIBBLE_BYTES 16384u
/* Relative deadlines of the preemption pair: the long task would keep its
 * CPU for a second; the short one is due within a tick. */
#define LONG_DEADLINE_NS UINT64_C(1000000000)
#define SHORT_DEADLINE_NS UINT64_C(1000000)

RVX_KERNEL_DEFINE(kernel);
static struct rvx_kernel_root root_caps;
static RVX_A64_NOINIT uint8_t witness_store[WITNESS_KEEP][RVX_WITNESS_RECORD_SIZE];
/* The newest records from an anchor; full, it refuses a record unless the
 * persistent store has released the oldest (rvx_virt_witness_release()). */
static struct rvx_witness_keep witness_keep;
static struct rvx_witness_sink keep_sink;
static uint64_t first_record_ns;
static uint64_t reset_ns;
static uint32_t tasks_expected;
static uint32_t tasks_finished;
/* The workers the root spawned (task indices): done, each still has its
 * TASK_EXIT to make (task_finish()). */
static uint32_t workers[2u * RVX_A64_MAX_CPUS];
static uint32_t worker_count;
static uint32_t ran_on_cpu[RVX_A64_MAX_CPUS];
static uint32_t short_ran[RVX_A64_MAX_CPUS];
static uint32_t long_started[RVX_A64_MAX_CPUS];
static uint32_t package_task_count;
static uint8_t package_task[RVX_KERNEL_TASKS]; /* 1 until the root package's task ends */
static uint32_t component_failures;

/* Counter stamps at the boot's stage boundaries up to the first witness
 * record, printed once it is written (RVX-BOOT-STEP lines): under -icount
 * shift=0 each step's nanoseconds are its guest instructions, which is how
 * tests/virt/boot-figures.py breaks the cold-boot figure down. */
#define BOOT_STEPS 16u
static struct {
	const char *name;
	uint64_t ticks;
} boot_step[BOOT_STEPS];
static uint32_t boot_step_count;

static void boot_mark(const char *name)
{
	if (boot_step_count < BOOT_STEPS) {
		boot_step[boot_step_count].name = name;
		boot_step[boot_step_count].ticks = rvx_a64_counter();
		boot_step_count++;
	}
}

static void boot_steps_print(void)
{
	for (uint32_t i = 1; i < boot_step_count; i++)
		rvx_a64_printf("RVX-BOOT-STEP %s %lu ns\n", boot_step[i].name,
			       rvx_a64_ticks_to_ns(boot_step[i].ticks) -
				       rvx_a64_ticks_to_ns(boot_step[i - 1].ticks));
}


/* The witness sink: keeps every record for the dump (until a persistent
 * store releases it); the first record's arrival is stamped on the UART
 * (the cold-boot figure). */
static int witness_write(void *ctx, const uint8_t rec[RVX_WITNESS_RECORD_SIZE])
{
	int rc;

	(void)ctx;
	rc = keep_sink.write(keep_sink.ctx, rec);
	if (rc != 0)
		return rc;
	if (first_record_ns == 0) {
		boot_mark("kernel-boot");
		first_record_ns = rvx_port_time_real_ns();
		rvx_a64_printf("RVX-FIRST-WITNESS %lu ns (entry at %lu ns)\n", first_record_ns,
			       reset_ns);
	}
	return 0;
}

/* rvx.witness.keep=N (1..WITNESS_KEEP): the keep's capacity. */
static uint32_t keep_capacity(void)
{
	const char *p = rvx_a64_board.bootargs, *w = "rvx.witness.keep=";
	size_t n = strlen(w);
	uint64_t v = 0;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (strncmp(p, w, n) == 0) {
			for (p += n; *p >= '0' && *p <= '9' && v <= WITNESS_KEEP; p++)
				v = v * 10u + (uint64_t)(*p - '0');
			return v >= 1u && v <= WITNESS_KEEP ? (uint32_t)v : WITNESS_KEEP;
		}
		while (*p != ' ' && *p != '\0')
			p++;
	}
	return WITNESS_KEEP;
}

int rvx_virt_witness_restart(void)
{
	struct rvx_witness_anchor at;
	int rc = rvx_kernel_witness_anchor(&kernel, &at);

	return rc != 0 ? rc : rvx_witness_keep_restart(&witness_keep, &at);
}

int rvx_virt_witness_release(uint64_t sequence)
{
	return rvx_witness_keep_release(&witness_keep, sequence);
}

const struct rvx_witness_keep *rvx_virt_witness_keep(void)
{
	return &witness_keep;
}

static void hex(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15u];
	}
	out[2 * n] = '\0';
}

static void witness_dump(void *ctx)
{
	struct rvx_witness_head h;
	char line[2 * RVX_WITNESS_RECORD_SIZE + 1];

	(void)ctx;
	if (rvx_kernel_witness_head(&kernel, &h) != 0) {
		rvx_a64_puts("witness: no head\n");
		return;
	}
	rvx_a64_printf("RVX-WITNESS-BEGIN %u %lu\n", witness_keep.count,
		       witness_keep.start.sequence);
	if (witness_keep.start.sequence != 0) {
		/* The older records gave way (durable elsewhere): the dump
		 * verifies from the chain point before the first it holds. */
		hex(line, witness_keep.start.state, sizeof(witness_keep.start.state));
		rvx_a64_printf("RVX-WITNESS-ANCHOR %lu %s\n", witness_keep.start.sequence, line);
	}
	for (uint32_t i = 0; i < witness_keep.count; i++) {
		hex(line, witness_store[i], RVX_WITNESS_RECORD_SIZE);
		rvx_a64_printf("RVX-W %s\n", line);
	}
	hex(line, h.head, sizeof(h.head));
	rvx_a64_printf("RVX-WITNESS-END %s\n", line);
}

void rvx_virt_witness_dump(void)
{
	witness_dump(NULL);
}

int rvx_virt_witness_records(const uint8_t **records, uint64_t *first, uint64_t *count)
{
	struct rvx_witness_head h;

	if (rvx_kernel_witness_head(&kernel, &h) != 0)
		return -RVX_EINVAL;
	*records = witness_store[0];
	*count = witness_keep.count;
	*first = witness_keep.start.sequence;
	return 0;
}

bool rvx_virt_bootarg(const char *word)
{
	const char *p = rvx_a64_board.bootargs;
	size_t n = strlen(word);

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return true;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	return false;
}

static void test_faults(void)
{
	if (rvx_virt_bootarg("rvx.test=fault")) {
		rvx_a64_puts("test: reading an unmapped address\n");
		/* Just past the end of RAM: nothing is mapped there. */
		volatile uintptr_t bad = rvx_a64_board.mem.base + rvx_a64_board.mem.size + 0x10u;

		(void)*(volatile uint64_t *)bad;
	}
	if (rvx_virt_bootarg("rvx.test=wx")) {
		rvx_a64_puts("test: writing to the kernel's text\n");
		*(volatile uint32_t *)(void *)__image_start = 0;
	}
	if (rvx_virt_bootarg("rvx.test=undef")) {
		rvx_a64_puts("test: executing an undefined instruction\n");
		__asm__ volatile(".inst 0x00000000");
	}
}

static void selftest_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	rvx_port_console_write(s, n);
}

/* rvx.selftest (or rvx.selftest=inject, with one failing case added): run
 * the kernel's own self-tests on this machine after the MMU is on, then
 * exit 0 if every case passed, 1 otherwise. */
static void run_selftests(void)
{
	bool inject = rvx_virt_bootarg("rvx.selftest=inject");
	int failed;

	if (!inject && !rvx_virt_bootarg("rvx.selftest"))
		return;
	rvx_a64_printf("selftest: %u cases on the target\n", rvx_selftest_case_count());
	failed = rvx_selftest_run(selftest_write, NULL, inject ? RVX_SELFTEST_INJECT_FAILURE : 0);
	rvx_a64_printf("RVX-SELFTEST %s\n", failed == 0 ? "pass" : "FAIL");
	rvx_a64_exit(failed == 0 ? 0 : 1);
}

/* rvx.persist=on (persist.c, in the virt image only; the images that share
 * this file without it refuse the mode). */
__attribute__((weak)) int rvx_virt_persist_secret(uint8_t out[32]);
__attribute__((weak)) _Noreturn void rvx_virt_persist_main(struct rvx_kernel *k);
/* rvx.fat=<path> (fatread.c, virt only): returns at once without the argument. */
__attribute__((weak)) void rvx_virt_fat_main(struct rvx_kernel *k);

static bool persist_requested(void)
{
	return rvx_virt_bootarg("rvx.persist=on");
}

static _Noreturn void die(const char *what, int err, uint32_t code)
{
	rvx_a64_printf("RuVix: %s: %s (%d)\n", what, rvx_strerror(err), err);
	rvx_a64_printf("RuVix: stopping with exit code %u\n", code);
	rvx_a64_exit(code);
}

struct rvx_kernel *rvx_virt_kernel(void)
{
	return &kernel;
}

const struct rvx_kernel_root *rvx_virt_root_caps(void)
{
	return &root_caps;
}

static bool partitions_requested(void)
{
	return rvx_virt_bootarg("rvx.partitions") || rvx_virt_bootarg("rvx.partitions=bench") ||
	       rvx_virt_bootarg("rvx.partitions=smp") || rvx_virt_bootarg("rvx.partitions=smp-shared") ||
	       rvx_virt_bootarg("rvx.partitions=numa");
}

static void syscall_args_init(struct rvx_syscall_args *a)
{
	memset(a, 0, sizeof(*a));
	a->version = RVX_SYSCALL_VERSION;
}

/* ---- tasks ---- */

/* A task whose program is done ends through the nucleus (TASK_EXIT). */
static _Noreturn void task_finish(uint32_t task)
{
	(void)task;
	__atomic_fetch_add(&tasks_finished, 1u, __ATOMIC_ACQ_REL);
	rvx_a64_rt_exit(0);
}

/* A component task ended itself, or was ended with its component when the
 * recovery ladder stopped it (component.c). The root waits for the root
 * package's tasks (not for those they spawn); an exit code other than 0
 * fails the boot. A stopped component is contained, not a failure: the
 * rest of the system ran on. */
static void component_done(uint32_t task, int32_t code, bool stopped)
{
	__atomic_fetch_add(&ran_on_cpu[rvx_a64_cpu_index()], 1u, __ATOMIC_RELAXED);
	if (stopped) {
		rvx_a64_printf("RVX-COMP task=%u stopped with its component (code %d)\n", task,
			       (int)code);
	} else if (code != 0) {
		rvx_a64_printf("RVX-COMP task=%u ended with code %d\n", task, (int)code);
		__atomic_fetch_add(&component_failures, 1u, __ATOMIC_ACQ_REL);
	}
	if (task < RVX_KERNEL_TASKS && __atomic_exchange_n(&package_task[task], 0, __ATOMIC_ACQ_REL))
		__atomic_fetch_add(&tasks_finished, 1u, __ATOMIC_ACQ_REL);
}

static void sleep_ns(uint32_t task, uint64_t clock, uint64_t ns)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	syscall_args_init(&a);
	a.cap = clock;
	a.flags = RVX_SYSCALL_F_RELATIVE;
	a.arg[0] = ns;
	rc = rvx_a64_rt_syscall(task, RVX_SYS_TIMER_WAIT, &a, &r);
	if (rc != 0)
		die("TimerWait", rc, 6);
}

bool rvx_virt_spin(uint64_t ns, uint64_t *preempted)
{
	uint64_t start = rvx_port_time_real_ns();
	uint64_t last = start;
	double acc = 0.0;
	uint64_t n = 0;

	while (last - start < ns) {
		uint64_t now = rvx_port_time_real_ns();

		if (now - last > TICK_NS / 2u)
			(*preempted)++;
		last = now;
		acc += (double)n * 0.5;
		n++;
	}
	/* Exact in double for any n reached here. */
	return acc == 0.25 * (double)n * (double)(n - 1u);
}

/* The long task of a CPU's preemption pair: computes (FP) without ever
 * yielding or blocking until the short task of its CPU has run. It holds
 * the later deadline, so only the timer tick can have let the short task
 * in: seeing its flag proves preemption. FP/SIMD state is checked after
 * every slice. */
static void prog_long(uint32_t task)
{
	uint32_t cpu = rvx_a64_cpu_index();
	uint64_t give_up = rvx_port_time_real_ns() + UINT64_C(5) * 1000000000u;
	uint64_t gaps = 0, slices = 0;
	bool fp_ok = true;

	while (!__atomic_load_n(&short_ran[cpu], __ATOMIC_ACQUIRE)) {
		if (!rvx_virt_spin(TICK_NS / 4u, &gaps))
			fp_ok = false;
		slices++;
		__atomic_store_n(&long_started[cpu], 1u, __ATOMIC_RELEASE);
		if (rvx_port_time_real_ns() > give_up)
			die("the short task never preempted the long one", -RVX_ETIMEDOUT, 8);
	}
	/* A little more work after the switch back, still checked. */
	for (uint32_t i = 0; i < 4u; i++)
		fp_ok = rvx_virt_spin(TICK_NS / 4u, &gaps) && fp_ok;
	__atomic_fetch_add(&ran_on_cpu[cpu], 1u, __ATOMIC_RELAXED);
	rvx_a64_printf("RVX-TASK long task=%u cpu=%u preempted=yes slices=%lu fp=%s\n", task, cpu,
		       slices, fp_ok ? "ok" : "BAD");
	if (!fp_ok)
		die("FP/SIMD state was lost across a switch", -RVX_EINVAL, 7);
	task_finish(task);
}

/* The short task: due soon, it runs at the next tick of its CPU. */
static void prog_short(uint32_t task)
{
	uint32_t cpu = rvx_a64_cpu_index();

	__atomic_store_n(&short_ran[cpu], 1u, __ATOMIC_RELEASE);
	__atomic_fetch_add(&ran_on_cpu[cpu], 1u, __ATOMIC_RELAXED);
	rvx_a64_printf("RVX-TASK short task=%u cpu=%u\n", task, cpu);
	task_finish(task);
}

static void prog_hello(uint32_t task, uint64_t entry)
{
	uint32_t cpu = rvx_a64_cpu_index();

	__atomic_fetch_add(&ran_on_cpu[cpu], 1u, __ATOMIC_RELAXED);
	rvx_a64_printf("RVX-TASK package task=%u entry=%lu cpu=%u\n", task, entry, cpu);
	task_finish(task);
}

/* rvx.test=stack-reuse and teardown-reuse: set once the reusing task has
 * written its stack; teardown-reuse sets `scribble_hold` before the spawn
 * and `scribble_release` once the CPU that ran the index's old task has
 * been through the kernel again. */
static uint32_t scribbled;
static uint32_t scribble_hold;
static uint32_t scribble_release;
static uint32_t scribble_intact;

/* rvx.test=stack-reuse's and teardown-reuse's task: in the index of a task
 * that just ended, it zeroes the top half of its stack (everything a CPU
 * leaving the ended task's trap could still be using there). Held, it
 * keeps running on that stack until released, then checks every byte. */
static void prog_scribble(uint32_t task)
{
	volatile uint8_t fill[SCRIBBLE_BYTES];
	uint32_t cpu = rvx_a64_cpu_index(), bad = 0;

	for (uint32_t i = 0; i < SCRIBBLE_BYTES; i++)
		fill[i] = 0;
	if (fill[0] != 0 || fill[SCRIBBLE_BYTES - 1u] != 0)
		die("rvx.test=stack-reuse: the reusing task's stack lost its zeroes", -RVX_EINVAL,
		    7);
	__atomic_store_n(&scribbled, 1u, __ATOMIC_RELEASE);
	__atomic_fetch_add(&ran_on_cpu[cpu], 1u, __ATOMIC_RELAXED);
	rvx_a64_printf("RVX-TEST stack-reuse: task %u on CPU %u zeroed %u bytes of its stack\n",
		       task, cpu, SCRIBBLE_BYTES);
	if (__atomic_load_n(&scribble_hold, __ATOMIC_ACQUIRE)) {
		while (!__atomic_load_n(&scribble_release, __ATOMIC_ACQUIRE))
			__asm__ volatile("yield");
		for (uint32_t i = 0; i < SCRIBBLE_BYTES; i++)
			bad += fill[i] != 0;
		if (bad != 0)
			die("rvx.test=teardown-reuse: another CPU wrote over the reusing task's "
			    "stack", -RVX_EINVAL, 7);
		__atomic_store_n(&scribble_intact, 1u, __ATOMIC_RELEASE);
	}
	task_finish(task);
}

/* TaskSpawn of the scribbler into exactly index @p task, on @p cpu
 * (kernel lock held); 0 or the kernel's error. */
static int spawn_scribble_locked(uint32_t task, uint32_t cpu)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	syscall_args_init(&a);
	a.cap = root_caps.task.raw;
	a.arg[0] = PROG_SCRIBBLE;
	a.arg[1] = 1;
	a.arg[2] = SHORT_DEADLINE_NS;
	a.arg[4] = cpu;
	a.arg[5] = task + 1u; /* exactly the ended task's index */
	__atomic_fetch_add(&tasks_expected, 1u, __ATOMIC_ACQ_REL);
	rc = rvx_syscall(&kernel, 0, RVX_SYS_TASK_SPAWN, &a, &r);
	if (rc != 0)
		__atomic_fetch_sub(&tasks_expected, 1u, __ATOMIC_ACQ_REL);
	return rc;
}

/* Wait up to a second for the scribbler to have zeroed its stack. */
static void scribble_wait(const char *test)
{
	uint64_t until = rvx_port_time_real_ns() + UINT64_C(1000000000);

	while (!__atomic_load_n(&scribbled, __ATOMIC_ACQUIRE) && rvx_port_time_real_ns() < until)
		__asm__ volatile("yield");
	if (!__atomic_load_n(&scribbled, __ATOMIC_ACQUIRE)) {
		rvx_a64_printf("RuVix: rvx.test=%s: the task in the reused index never ran\n",
			       test);
		rvx_a64_exit(8);
	}
}

void rvx_virt_test_stack_reuse(uint32_t task)
{
	static uint32_t done;
	uint32_t cpu = rvx_a64_cpu_index(), online = rvx_a64_cpus_up(), to;
	uint64_t daif;
	int rc;

	if (online < 2 || task == 0 || task >= RVX_KERNEL_TASKS ||
	    __atomic_exchange_n(&done, 1u, __ATOMIC_ACQ_REL) != 0)
		return;
	to = (cpu + 1u) % online;
	daif = rvx_a64_rt_lock();
	rc = spawn_scribble_locked(task, to);
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		die("rvx.test=stack-reuse: spawning into the ended task's index", rc, 6);
	rvx_a64_gic_sgi(to, RVX_A64_SGI_KICK);
	scribble_wait("stack-reuse");
	rvx_a64_printf("RVX-TEST stack-reuse: task %u's index reused on CPU %u while CPU %u "
		       "left its trap\n",
		       task, to, cpu);
}

int rvx_virt_test_teardown_reuse_spawn(uint32_t task, uint32_t to)
{
	__atomic_store_n(&scribble_hold, 1u, __ATOMIC_RELEASE);
	return spawn_scribble_locked(task, to);
}

void rvx_virt_test_teardown_reuse_check(uint32_t task, uint32_t to, uint32_t was)
{
	uint64_t kicks, until, daif;

	rvx_a64_gic_sgi(to, RVX_A64_SGI_KICK);
	scribble_wait("teardown-reuse");
	/* CPU @p was (where the old task ran) goes through the kernel once
	 * more while the new task runs on the index's stack: a kick, and the
	 * kernel lock taken after it (its switch is done by then). */
	kicks = rvx_a64_rt_kicks(was);
	rvx_a64_gic_sgi(was, RVX_A64_SGI_KICK);
	until = rvx_port_time_real_ns() + UINT64_C(1000000000);
	while (rvx_a64_rt_kicks(was) == kicks && rvx_port_time_real_ns() < until)
		__asm__ volatile("yield");
	if (rvx_a64_rt_kicks(was) == kicks)
		die("rvx.test=teardown-reuse: the old task's CPU took no kick", -RVX_ETIMEDOUT, 8);
	daif = rvx_a64_rt_lock();
	rvx_a64_rt_unlock(daif);
	__atomic_store_n(&scribble_release, 1u, __ATOMIC_RELEASE);
	until = rvx_port_time_real_ns() + UINT64_C(1000000000);
	while (!__atomic_load_n(&scribble_intact, __ATOMIC_ACQUIRE) &&
	       rvx_port_time_real_ns() < until)
		__asm__ volatile("yield");
	if (!__atomic_load_n(&scribble_intact, __ATOMIC_ACQUIRE))
		die("rvx.test=teardown-reuse: the reusing task never checked its stack",
		    -RVX_ETIMEDOUT, 8);
	rvx_a64_printf("RVX-TEST teardown-reuse: task %u's index reused on CPU %u; its stack "
		       "intact after CPU %u went through the kernel\n",
		       task, to, was);
}

/* Deep recursion for the stack-overflow test (each level keeps 512 bytes). */
static volatile uint64_t recurse_limit = UINT64_MAX;

static uint64_t recurse(uint64_t depth)
{
	volatile uint8_t pad[512];

	pad[depth % sizeof(pad)] = (uint8_t)depth;
	if (depth >= recurse_limit)
		return pad[0];
	return recurse(depth + 1u) + pad[(depth + 1u) % sizeof(pad)];
}

/* TaskSpawn from the root: a worker on @p cpu (it needs no capability). */
static void spawn_worker(uint64_t prog, uint32_t cpu, uint64_t rel_deadline)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	syscall_args_init(&a);
	a.cap = root_caps.task.raw;
	a.arg[0] = prog;
	a.arg[1] = 1;
	a.arg[2] = rel_deadline;
	a.arg[4] = cpu;
	__atomic_fetch_add(&tasks_expected, 1u, __ATOMIC_ACQ_REL);
	rc = rvx_a64_rt_syscall(0, RVX_SYS_TASK_SPAWN, &a, &r);
	if (rc != 0)
		die("TaskSpawn", rc, 6);
	if (worker_count < sizeof(workers) / sizeof(workers[0]))
		workers[worker_count++] = (uint32_t)r.value[0];
}

/* Whether a worker still lives at task index @p task (one that counted
 * itself finished may not have made its TASK_EXIT yet). Another program
 * there is a later task in the index it left. */
static bool worker_live(uint32_t task)
{
	struct rvx_kernel_task_info info;
	uint64_t daif = rvx_a64_rt_lock();
	bool live = rvx_kernel_task_info(&kernel, task, &info) == 0 &&
		    (info.entry == PROG_LONG || info.entry == PROG_SHORT);

	rvx_a64_rt_unlock(daif);
	return live;
}

/* `rvx.store-digest=KEY+COUNT`: print the digest of the store "memory"
 * over those keys (objects.h), the line the hosted component demo prints
 * for the same package, so the two runs can be compared. */
static void store_digest(void)
{
	const char *p = rvx_a64_board.bootargs;
	uint64_t key0 = 0, count = 0;
	uint8_t d[32];
	char line[65];
	uint32_t n;

	while (*p != '\0' && ((p != rvx_a64_board.bootargs && p[-1] != ' ') ||
			       strncmp(p, "rvx.store-digest=", 17) != 0))
		p++;
	if (*p == '\0')
		return;
	for (p += 17; *p >= '0' && *p <= '9' && key0 < UINT64_C(1) << 56; p++)
		key0 = key0 * 10u + (uint64_t)(*p - '0');
	if (*p++ != '+')
		return;
	for (; *p >= '0' && *p <= '9' && count < 1u << 20; p++)
		count = count * 10u + (uint64_t)(*p - '0');
	n = rvx_virt_objects_digest(&kernel, key0, (uint32_t)count, d);
	hex(line, d, sizeof(d));
	rvx_a64_printf("vector store: %u vectors; digest %s\n", n, line);
}

static bool shell_reboot;

/* rvx.shell=on: rvsh on the console until it ends (`reboot`); the root
 * sleeps meanwhile. */
static void run_shell(void)
{
#if RVX_VIRT_SHELL
	bool reboot = false;
	int rc;

	if (!rvx_virt_shell_wanted())
		return;
	rc = rvx_virt_shell_start(0, root_caps.task, root_caps.clock);
	if (rc != 0)
		die("starting the shell", rc, 6);
	while (!rvx_virt_shell_done(&reboot))
		sleep_ns(0, root_caps.clock.raw, 50u * TICK_NS);
	shell_reboot = reboot;
#else
	if (rvx_virt_bootarg("rvx.shell=on"))
		rvx_a64_puts("note: rvx.shell=on, but this image was built without the shell "
			     "(meson -Dkernel-shell=enabled)\n");
#endif
}

/* Task 0: spawn the workers, wait for every task, dump, exit. */
static void prog_root(void)
{
	uint32_t online = rvx_a64_cpus_up();
	uint64_t deadline = rvx_port_time_real_ns() + UINT64_C(20) * 1000000000u;
	uint32_t spawned = 0;

	rvx_a64_printf("RVX-TASK root task=0 cpu=%u, %u CPU(s) online\n", rvx_a64_cpu_index(),
		       online);
	if (rvx_virt_bootarg("rvx.test=stack")) {
		rvx_a64_puts("test: the root task recurses until its stack runs out\n");
		(void)recurse(0);
	}
	if (rvx_virt_net_wanted()) {
		/* rvx.net / rvx.rng: the virtio drivers and the network task
		 * (vnet.c) are the work. */
		rvx_virt_net_main(0, root_caps.clock.raw);
		online = 0;
	} else if (partitions_requested()) {
		rvx_virt_part_main(rvx_virt_bootarg("rvx.partitions=bench")	? RVX_VIRT_PART_BENCH
				   : rvx_virt_bootarg("rvx.partitions=smp")	? RVX_VIRT_PART_SMP
				   : rvx_virt_bootarg("rvx.partitions=smp-shared") ? RVX_VIRT_PART_SMP_SHARED
				   : rvx_virt_bootarg("rvx.partitions=numa")	? RVX_VIRT_PART_NUMA
									  : RVX_VIRT_PART_DEMO);
		online = 0; /* no preemption pairs: the partitions were the work */
	}
	/* A preemption pair per CPU: the long task first; once it computes,
	 * the short one. */
	for (uint32_t cpu = 0; cpu < online; cpu++)
		spawn_worker(PROG_LONG, cpu, LONG_DEADLINE_NS);
	for (uint32_t cpu = 0; cpu < online; cpu++) {
		while (!__atomic_load_n(&long_started[cpu], __ATOMIC_ACQUIRE)) {
			if (rvx_port_time_real_ns() > deadline)
				die("a long task never started", -RVX_ETIMEDOUT, 8);
			sleep_ns(0, root_caps.clock.raw, TICK_NS);
		}
	}
	for (uint32_t cpu = 0; cpu < online; cpu++)
		spawn_worker(PROG_SHORT, cpu, SHORT_DEADLINE_NS);
	spawned = 2u * online;
	if (spawned != 0)
		rvx_a64_printf("root: spawned %u workers\n", spawned);
	while (__atomic_load_n(&tasks_finished, __ATOMIC_ACQUIRE) <
	       __atomic_load_n(&tasks_expected, __ATOMIC_ACQUIRE)) {
		if (rvx_port_time_real_ns() > deadline)
			die("tasks did not finish in time", -RVX_ETIMEDOUT, 8);
		sleep_ns(0, root_caps.clock.raw, 2u * TICK_NS);
	}
	/* A worker counts itself finished just before its TASK_EXIT: wait for
	 * the nucleus to have ended each, so what follows (the shell) starts
	 * with the workers gone, not with one still on its way out (seen as
	 * `kernel: 3 tasks` in rvsh on a loaded host). */
	for (uint32_t i = 0; i < worker_count; i++) {
		while (worker_live(workers[i])) {
			if (rvx_port_time_real_ns() > deadline)
				die("tasks did not end in time", -RVX_ETIMEDOUT, 8);
			sleep_ns(0, root_caps.clock.raw, TICK_NS);
		}
	}
	for (uint32_t cpu = 0; cpu < online; cpu++)
		rvx_a64_printf("RVX-CPU %u tasks=%u dispatches=%lu\n", cpu, ran_on_cpu[cpu],
			       rvx_a64_rt_dispatches(cpu));
	run_shell();
	{
		uint64_t daif = rvx_a64_rt_lock();
		/* Queue traffic is counted, not recorded message by message: an
		 * epoch summary covers what the run sent before the log is shown. */
		int rc = rvx_kernel_epoch_close(&kernel);

		if (rc != 0)
			die("closing the traffic epoch", rc, 6);
		store_digest();
		witness_dump(NULL);
		rvx_a64_rt_unlock(daif);
	}
	if (component_failures != 0)
		die("a component failed", -RVX_EINVAL, 6);
	if (shell_reboot) {
		rvx_a64_puts("RVX-SHUTDOWN reboot\n");
		rvx_a64_console_flush();
		rvx_virt_board_reset();
	}
	rvx_a64_puts("RVX-SHUTDOWN clean\n");
	rvx_a64_exit(0);
}

void rvx_a64_board_task_main(uint32_t task, uint64_t entry)
{
	if (task == 0) {
		prog_root();
		return;
	}
	switch (entry) {
#if RVX_VIRT_SHELL
	case RVX_VIRT_PROG_SHELL:
		rvx_virt_shell_main(task);
		break;
#endif
	case PROG_LONG:
		prog_long(task);
		break;
	case PROG_SHORT:
		prog_short(task);
		break;
	case PROG_SCRIBBLE:
		prog_scribble(task);
		break;
	case PROG_HELLO:
	default:
		prog_hello(task, entry);
		break;
	}
}

/* ---- boot ---- */

/* rvx.shell=on in an image built with the shell. */
static bool shell_requested(void)
{
#if RVX_VIRT_SHELL
	return rvx_virt_shell_wanted();
#else
	return false;
#endif
}

/* Why a package was refused, in the package library's words: the same
 * verification RvfMount ran, repeated read-only for its reason. */
static const char *refusal_reason(uint64_t addr, uint64_t len)
{
	static struct rvx_rvf_package view;
	enum rvx_rvf_reason reason = RVX_RVF_OK;
	struct rvx_rvf_trusted_keys keys = {NULL, 0};

#if RVX_VIRT_HAVE_TRUSTED_KEYS
	keys.keys = rvx_virt_trusted_keys;
	keys.count = rvx_virt_trusted_key_count;
#endif
	if (rvx_rvf_verify((const uint8_t *)(uintptr_t)addr, len, &keys, &view, &reason) == 0)
		return "the package verifies; the kernel or this image cannot provide what it asks for";
	return rvx_rvf_reason_str(reason);
}

static void mount_root_package(void)
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_kernel_stats before, after;
	uint32_t ids[RVX_RVF_MAX_TASKS];
	uint8_t digest[32];
	struct rvx_sha256 sha;
	int rc;

	if (b->initrd_end <= b->initrd_start) {
		rvx_a64_puts("RVX-MOUNT none: no initrd, no root package to mount\n");
		return;
	}
	rvx_a64_printf("mount: root package at 0x%lx, %lu bytes\n", b->initrd_start,
		       b->initrd_end - b->initrd_start);
	syscall_args_init(&a);
	a.cap = root_caps.task.raw;
	a.in = b->initrd_start;
	a.in_len = b->initrd_end - b->initrd_start;
	a.out = (uint64_t)(uintptr_t)ids;
	a.out_len = sizeof(ids);
	(void)rvx_kernel_stats(&kernel, &before);
	/* Kernel time moves only through rvx_kernel_tick(): bring it to now so
	 * the MOUNT and PACKAGE records carry the time they happened. */
	(void)rvx_kernel_tick(&kernel, rvx_port_time_real_ns());
	{
		/* The package's code runs as components (component.c). */
		uint64_t daif = rvx_a64_rt_lock();

		rc = rvx_virt_comp_mount(0, &a, &r, ids, RVX_RVF_MAX_TASKS, true);
		rvx_a64_rt_unlock(daif);
	}
	if (rc != 0) {
		(void)rvx_kernel_stats(&kernel, &after);
		rvx_a64_printf("RVX-MOUNT refused: %s (%d): %s\n", rvx_strerror(rc), rc,
			       refusal_reason(b->initrd_start, a.in_len));
		rvx_a64_printf("mount: nothing mounted (tasks %u -> %u, regions %u -> %u, queues %u "
			       "-> %u, mounts %u -> %u)\n",
				before.tasks, after.tasks, before.regions, after.regions,
				before.queues, after.queues, before.mounts, after.mounts);
		rvx_a64_puts("RuVix: the root package was refused; stopping\n");
		rvx_a64_exit(after.tasks == before.tasks && after.mounts == before.mounts &&
					      after.regions == before.regions
				      ? 5
				      : 9);
	}
	rvx_sha256_init(&sha);
	rvx_sha256_update(&sha, (const void *)(uintptr_t)b->initrd_start, a.in_len);
	rvx_sha256_out(&sha, digest);
	(void)rvx_kernel_tick(&kernel, rvx_port_time_real_ns());
	rc = rvx_kernel_boot_stage(&kernel, RVX_KERNEL_BOOT_PACKAGE, digest);
	if (rc != 0)
		die("recording the PACKAGE stage", rc, 6);
	package_task_count = (uint32_t)r.value[2];
	if (package_task_count > RVX_RVF_MAX_TASKS)
		package_task_count = RVX_RVF_MAX_TASKS;
	/* With rvx.shell=on the root does not wait for the package's tasks:
	 * the shell starts once the root's own workers are done and shows the
	 * package as it runs (its tasks by their manifest names). */
	if (!shell_requested()) {
		for (uint32_t i = 0; i < package_task_count; i++)
			package_task[ids[i]] = 1;
		tasks_expected += package_task_count;
	}
	rvx_a64_printf("RVX-MOUNT ok: mount %lu, %lu task(s)\n", r.value[1], r.value[2]);
}

static void boot_kernel(const struct rvx_kernel_early_stage *early, uint32_t early_count)
{
	static const struct rvx_witness_sink sink = {witness_write, NULL};
	struct rvx_kernel_config cfg;
	uint8_t secret[32];
	int rc;

	if (persist_requested()) {
		/* The persistent log is the kernel's only under the same secret. */
		if (rvx_virt_persist_secret == NULL)
			die("rvx.persist=on: this image has no persistence", -RVX_ENOTSUP, 4);
		rc = rvx_virt_persist_secret(secret);
		if (rc != 0)
			die("rvx.persist=on needs rvx.persist.key=<64 hex digits>", rc, 4);
	} else {
		rc = rvx_port_entropy(secret, sizeof(secret));
		if (rc != 0)
			die("no entropy for the kernel secret (the DTB has no rng-seed)", rc, 4);
	}
	RVX_CHECK(rvx_witness_keep_init(&witness_keep, witness_store, keep_capacity()) == 0);
	keep_sink = rvx_witness_keep_sink(&witness_keep);
	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool_size = 1024u * 1024u;
	cfg.region_pool = rvx_a64_alloc(cfg.region_pool_size, 4096);
	cfg.queue_pool_size = 256u * 1024u;
	cfg.queue_pool = rvx_a64_alloc(cfg.queue_pool_size, 4096);
	/* Stores a package's manifest declares (RvfMount) come from here. */
	cfg.store_pool_size = 512u * 1024u;
	cfg.store_pool = rvx_a64_alloc(cfg.store_pool_size, 4096);
	cfg.journal_size = 512u * 1024u;
	cfg.journal = rvx_a64_alloc(cfg.journal_size, 4096);
	cfg.sink = &sink;
	cfg.cpu_count = rvx_a64_board.cpu_count;
	cfg.period_ns = 10u * TICK_NS;
	cfg.early_stages = early;
	cfg.early_stage_count = early_count;
	rvx_virt_objects_scratch(&cfg);
	/* Regions on pages of their own: components map them (component.c). */
	cfg.region_align = 4096;
	if (cfg.vec_scratch == NULL || cfg.region_pool == NULL || cfg.queue_pool == NULL ||
	    cfg.store_pool == NULL || cfg.journal == NULL)
		die("not enough RAM for the kernel's pools", -RVX_ENOMEM, 4);
	boot_mark("kernel-pools");
	rc = rvx_kernel_boot(&kernel, &cfg, secret, sizeof(secret), rvx_port_time_real_ns(),
			     &root_caps);
	memset(secret, 0, sizeof(secret));
	if (rc != 0)
		die("rvx_kernel_boot", rc, 4);
	rc = rvx_virt_objects_create(&kernel);
	if (rc != 0)
		die("creating the vector store, graph store and timer sensor", rc, 4);
#if RVX_VIRT_HAVE_TRUSTED_KEYS
	rc = rvx_kernel_trusted_keys_set(&kernel, rvx_virt_trusted_keys, rvx_virt_trusted_key_count);
	if (rc != 0)
		die("setting the trusted keys", rc, 4);
#else
	rvx_a64_puts("note: no trusted keys built in; every package will be refused\n");
#endif
}

static size_t dtb_used_size(const void *dtb)
{
	size_t end = fdt_off_dt_strings(dtb) + fdt_size_dt_strings(dtb);
	size_t st = fdt_off_dt_struct(dtb) + fdt_size_dt_struct(dtb);

	if (st > end)
		end = st;
	return end < fdt_totalsize(dtb) ? end : fdt_totalsize(dtb);
}

/* The DTB's NUMA topology (QEMU -numa), or why it was refused; nothing
 * for a machine without one. */
static void report_numa(const struct rvx_a64_board *b)
{
	const struct rvx_a64_numa *n = &b->numa;

	if (b->numa_err != 0) {
		rvx_a64_printf("RVX-NUMA invalid: %s (%s); running as one node\n", b->numa_why,
			       fdt_strerror(b->numa_err));
		return;
	}
	if (n->dtb_nodes == 0)
		return;
	rvx_a64_printf("RVX-NUMA nodes=%u cpus=", n->node_count);
	for (uint32_t c = 0; c < b->cpu_count; c++)
		rvx_a64_printf("%s%u:%u", c == 0 ? "" : ",", c, n->cpu_node_id[c]);
	rvx_a64_puts("\n");
	for (uint32_t m = 0; m < b->mem_count; m++) {
		if (n->mem_node_id[m] == RVX_A64_NUMA_NONE)
			rvx_a64_printf("RVX-NUMA memory=0x%lx+0x%lx node=-%s\n", b->mems[m].base,
				       b->mems[m].size, m == b->mem_used ? " kernel" : "");
		else
			rvx_a64_printf("RVX-NUMA memory=0x%lx+0x%lx node=%u%s\n", b->mems[m].base,
				       b->mems[m].size, n->mem_node_id[m],
				       m == b->mem_used ? " kernel" : "");
	}
	for (uint32_t i = 0; i < RVX_A64_NUMA_MAX_NODES; i++)
		for (uint32_t j = i + 1u; j < RVX_A64_NUMA_MAX_NODES; j++)
			if ((n->dtb_nodes >> i & 1u) && (n->dtb_nodes >> j & 1u))
				rvx_a64_printf("RVX-NUMA distance %u-%u=%u%s\n", i, j,
					       n->distance[i][j], n->has_map ? "" : " (default)");
}

_Noreturn void rvx_a64_board_primary_main(const void *dtb, uint64_t el, uint64_t entry_counter)
{
	struct rvx_kernel_early_stage early[4];
	const struct rvx_a64_board *b = &rvx_a64_board;
	const char *what = "";
	struct rvx_sha256 sha;
	int err;

	if (el == 2)
		__asm__ volatile("msr tpidr_el2, xzr");
	memset(early, 0, sizeof(early));
	early[0].stage = RVX_KERNEL_BOOT_RESET;
	early[0].time_ns = rvx_a64_ticks_to_ns(entry_counter);
	reset_ns = early[0].time_ns;
	boot_step[0].name = "entry";
	boot_step[0].ticks = entry_counter;
	boot_step_count = 1;
	boot_mark("bss");

	err = rvx_virt_fdt_parse(dtb, &what);
	if (err != 0) {
		if (rvx_virt_board_console())
			rvx_a64_printf("RuVix: DTB at %p: %s: %s\n", dtb, what, fdt_strerror(err));
		rvx_a64_exit(3);
	}
	boot_mark("dtb-scan");
	/* The HARDWARE stage is the DTB read; its digest is taken once the
	 * MMU is on (below), where the caches and the SHA instructions on
	 * Normal memory make it cheap. */
	early[1].stage = RVX_KERNEL_BOOT_HARDWARE;
	early[1].has_digest = 1;
	early[1].time_ns = rvx_port_time_real_ns();

	(void)rvx_virt_board_console();
	rvx_a64_printf("\nRuVix %s: EL%lu, DTB %p (%u bytes), RAM 0x%lx+0x%lx, %u CPU(s)\n",
		       rvx_virt_board_name, el, dtb, b->dtb_size, b->mem.base, b->mem.size,
		       b->cpu_count_dtb);
	if (el != 2) {
		rvx_a64_printf("RuVix: entered at EL%lu; this image runs at EL2%s\n", el,
			       rvx_virt_board_el2_hint);
		rvx_a64_exit(4);
	}
	if (b->cpu_count_dtb > b->cpu_count)
		rvx_a64_printf("note: using %u of %u CPUs\n", b->cpu_count, b->cpu_count_dtb);
	early[2].stage = RVX_KERNEL_BOOT_CONSOLE;
	early[2].time_ns = rvx_port_time_real_ns();
	rvx_virt_board_report();
	report_numa(b);
	if ((uint64_t)(uintptr_t)__image_start < b->mem.base ||
	    (uint64_t)(uintptr_t)__image_end > b->mem.base + b->mem.size) {
		rvx_a64_puts("RuVix: the image does not lie in the DTB's memory\n");
		rvx_a64_exit(3);
	}
	rvx_a64_own_cpu_first();
	boot_mark("console");
	/* With the MMU off every data access is to Device memory, where a
	 * strict machine faults unaligned and exclusive accesses: only plan
	 * the layout and build the tables here (port code, -mstrict-align),
	 * and build the allocator once the MMU is on. */
	if (rvx_a64_phys_plan(rvx_a64_stacks_size()) != 0) {
		rvx_a64_puts("RuVix: the DTB's memory cannot hold the page records and task stacks\n");
		rvx_a64_exit(3);
	}
	if (rvx_a64_stacks_reserve() != 0 || rvx_a64_mmu_build() != 0) {
		rvx_a64_puts("RuVix: building the page tables failed\n");
		rvx_a64_exit(3);
	}
	boot_mark("mmu-tables");
	rvx_a64_mmu_enable();
	early[3].stage = RVX_KERNEL_BOOT_MMU;
	early[3].time_ns = rvx_port_time_real_ns();
	rvx_a64_puts("mmu: on (text RX, rodata R, data RW-NX, devices nGnRE)\n");
	boot_mark("mmu-on");
	/* The DTB's content: header, reservation map, structure and strings
	 * (QEMU pads totalsize to 1 MiB; the padding carries nothing). */
	rvx_sha256_init(&sha);
	rvx_sha256_update(&sha, dtb, dtb_used_size(dtb));
	rvx_sha256_out(&sha, early[1].digest);
	boot_mark("dtb-sha256");
	if (rvx_a64_phys_init() != 0) {
		rvx_a64_puts("RuVix: the physical page allocator could not take the DTB's memory\n");
		rvx_a64_exit(3);
	}
	{
		uint64_t free_pages, total_pages;

		rvx_a64_phys_stats(&free_pages, &total_pages);
		rvx_a64_printf("memory: %lu of %lu pages free (buddy allocator)\n", free_pages,
			       total_pages);
	}
	boot_mark("page-allocator");
	test_faults();
	run_selftests();

	rvx_a64_gic_init_dist();
	rvx_a64_gic_init_cpu();
	(void)rvx_a64_entropy_init();
	boot_mark("gic-entropy");
	boot_kernel(early, 4);
	boot_steps_print();
	if (persist_requested() && rvx_virt_persist_main != NULL)
		rvx_virt_persist_main(&kernel);
	if (rvx_virt_fat_main != NULL)
		rvx_virt_fat_main(&kernel);
	if (partitions_requested()) {
		/* The partition mode's work is the partitions, on every CPU; the
		 * root package stays unmounted. */
		rvx_a64_puts("partitions: every CPU, no root package\n");
		rvx_virt_board_smp();
	} else {
		/* Components run on every CPU: the CPUs are up (not yet
		 * scheduling) when the root package is mounted. */
		rvx_virt_board_smp();
		if (rvx_virt_comp_init(component_done) != 0)
			die("starting the partition layer for components", -RVX_EINVAL, 4);
		mount_root_package();
	}
	rvx_a64_smp_release(&kernel, TICK_NS);
	rvx_a64_timer_init_cpu(TICK_NS);
	rvx_a64_rt_start(&kernel);
	rvx_a64_rt_idle();
}
