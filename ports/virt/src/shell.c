/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rvsh on the virt image's console (-append rvx.shell=on, with the
 * kernel-shell build option).
 *
 * The shell is a task like any other: the root spawns it on CPU 0 with a
 * read capability to the clock, and the port mints two objects into its
 * table only, a console sensor (READ) and its input queue. The shell's task
 * subscribes the queue to the sensor (SensorSubscribe) and then sleeps in a
 * blocking QueueRecv. The console UART's receive interrupt (an SPI routed
 * to CPU 0: virt's PL011; on the Pi 4 the mini UART or the PL011, the
 * board's rvx_virt_console_rx())
 * drains the FIFO and delivers the bytes as one sensor event under the
 * kernel lock, which wakes the shell; the CPU is not polled. While the
 * queue is full the interrupt is held off and the bytes wait in the FIFO. The shell
 * reads the kernel through the public query calls and writes to the
 * console; what it changes (trace, reboot) it witnesses first.
 *
 * Locks: the shell's commands run under the kernel lock (rvx_a64_rt_lock()),
 * as every nucleus call here; the interrupt handler takes it through
 * rvx_a64_rt_device_irq().
 */
#include "ruvix/nucleus.h"
#include "ruvix/port.h"
#include "ruvix/shell.h"
#include "virt.h"

/* The console sensor's event type ("cons") and the bytes one event carries. */
#define CONSOLE_TYPE 0x636f6e73u
#define CHUNK 32u
/* Events the shell's input queue holds. */
#define QUEUE_SLOTS 16u
/* How long one blocking receive waits before it is issued again. */
#define WAIT_NS UINT64_C(5000000000)

static struct rvx_shell shell;
static char line[128];
static struct rvx_shell_port port;
static uint32_t shell_task = UINT32_MAX;
static uint32_t console_sensor;
static rvx_handle_t sensor_cap, queue_cap, clock_cap; /* in the shell's table */
static uint32_t ready, done, reboot_asked;
static uint32_t spawning, minted, throttled;
static uint64_t uart_irqs, uart_bytes, uart_held;

/* Output: a line at a time to the console (it serialises whole writes). */
static char obuf[160];
static size_t olen;

static void flush(void)
{
	if (olen == 0)
		return;
	obuf[olen] = '\0';
	rvx_a64_puts(obuf);
	olen = 0;
}

static void shell_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		obuf[olen++] = s[i];
		if (s[i] == '\n' || olen == sizeof(obuf) - 1u)
			flush();
	}
}

bool rvx_virt_shell_wanted(void)
{
	return rvx_virt_bootarg("rvx.shell=on");
}

/* ---- the port's answers ---- */

static uint64_t now_ns(void *ctx)
{
	(void)ctx;
	return rvx_port_time_real_ns();
}

static const char *task_name(void *ctx, uint32_t task)
{
	(void)ctx;
	if (task == 0)
		return "root";
	if (task == shell_task)
		return "rvsh";
	return NULL;
}

static int phys(void *ctx, uint64_t *free_pages, uint64_t *total_pages, uint32_t *page_size)
{
	(void)ctx;
	rvx_a64_phys_stats(free_pages, total_pages);
	*page_size = 4096;
	return 0;
}

static int cpu_info(void *ctx, uint32_t cpu, struct rvx_shell_cpu *out)
{
	(void)ctx;
	if (cpu >= rvx_a64_board.cpu_count)
		return -RVX_ENOENT;
	out->current = rvx_a64_rt_current(cpu);
	out->online = out->current != UINT32_MAX || rvx_a64_rt_dispatches(cpu) != 0;
	if (out->current == UINT32_MAX)
		out->current = RVX_CAP_NIL;
	out->dispatches = rvx_a64_rt_dispatches(cpu);
	out->kicks = rvx_a64_rt_kicks(cpu);
	return 0;
}

static int irq_info(void *ctx, uint32_t i, struct rvx_shell_irq *out)
{
	uint64_t sum = 0;

	(void)ctx;
	switch (i) {
	case 0:
		for (uint32_t c = 0; c < rvx_a64_board.cpu_count; c++)
			sum += rvx_a64_rt_ticks(c);
		out->name = "timer";
		out->intid = rvx_a64_board.timer_intid;
		out->count = sum;
		return 0;
	case 1:
		for (uint32_t c = 0; c < rvx_a64_board.cpu_count; c++)
			sum += rvx_a64_rt_kicks(c);
		out->name = "kick (SGI)";
		out->intid = RVX_A64_SGI_KICK;
		out->count = sum;
		return 0;
	case 2:
		out->name = "uart rx";
		out->intid = rvx_virt_uart_intid;
		out->count = __atomic_load_n(&uart_irqs, __ATOMIC_RELAXED);
		return 0;
	default:
		return -RVX_ENOENT;
	}
}

static int counter(void *ctx, uint32_t i, struct rvx_shell_counter *out)
{
	(void)ctx;
	switch (i) {
	case 0:
		out->name = "uart.rx_bytes";
		out->value = __atomic_load_n(&uart_bytes, __ATOMIC_RELAXED);
		return 0;
	case 1:
		/* Receives that found the shell's queue full and left the bytes
		 * in the FIFO (flow control). */
		out->name = "uart.rx_held";
		out->value = __atomic_load_n(&uart_held, __ATOMIC_RELAXED);
		return 0;
	case 2: {
		uint64_t d = 0;

		for (uint32_t c = 0; c < rvx_a64_board.cpu_count; c++)
			d += rvx_a64_rt_dispatches(c);
		out->name = "rt.dispatches";
		out->value = d;
		return 0;
	}
	default:
		return -RVX_ENOENT;
	}
}

static int witness(void *ctx, const uint8_t **records, uint64_t *first, uint64_t *count)
{
	(void)ctx;
	return rvx_virt_witness_records(records, first, count);
}

static int reboot(void *ctx)
{
	(void)ctx;
	/* The root dumps the witness log (the REBOOT record with it), then
	 * resets the machine. */
	__atomic_store_n(&reboot_asked, 1u, __ATOMIC_RELEASE);
	return 0;
}

/* ---- receive ---- */

/* Under the kernel lock, from the console's interrupt: the received bytes
 * become one console event. While the shell's queue is full the bytes stay
 * in the UART's FIFO with its interrupt off (the sender waits), so typed
 * input is never dropped; the shell turns it on again as it takes input. */
static void receive(struct rvx_kernel *k, void *ctx)
{
	struct rvx_kernel_queue_traffic t;
	struct rvx_queue_msg_hdr hdr;
	char bytes[CHUNK];
	size_t n;

	(void)ctx;
	if (rvx_kernel_queue_traffic(k, shell_task, queue_cap, &t) != 0 ||
	    t.sent_messages - t.received_messages >= QUEUE_SLOTS) {
		rvx_virt_console_rx_irq(false);
		__atomic_store_n(&throttled, 1u, __ATOMIC_RELAXED);
		__atomic_fetch_add(&uart_held, 1u, __ATOMIC_RELAXED);
		return;
	}
	n = rvx_virt_console_rx(bytes, sizeof(bytes));
	if (n == 0)
		return;
	__atomic_fetch_add(&uart_bytes, n, __ATOMIC_RELAXED);
	memset(&hdr, 0, sizeof(hdr));
	hdr.length = (uint32_t)n;
	(void)rvx_kernel_sensor_deliver(k, console_sensor, &hdr, bytes);
}

static struct rvx_a64_frame *uart_irq(uint32_t intid, struct rvx_a64_frame *f)
{
	if (intid != rvx_virt_uart_intid)
		return f;
	__atomic_fetch_add(&uart_irqs, 1u, __ATOMIC_RELAXED);
	return rvx_a64_rt_device_irq(f, receive, NULL);
}

/* ---- the task ---- */

static struct rvx_syscall_args args(uint64_t cap)
{
	struct rvx_syscall_args a;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = cap;
	return a;
}

int rvx_virt_shell_start(uint32_t root, rvx_handle_t task_cap, rvx_handle_t clock)
{
	struct rvx_syscall_capxfer x = {clock.raw, RVX_RIGHT_READ, 0};
	struct rvx_syscall_args a = args(task_cap.raw);
	struct rvx_syscall_result r;
	uint64_t handle = 0;
	uint64_t daif;
	int rc;

	if (rvx_virt_uart_intid == 0)
		return -RVX_ENOTSUP;
	a.arg[0] = RVX_VIRT_PROG_SHELL;
	a.arg[1] = 1;
	a.arg[4] = 0; /* CPU 0, where the UART's interrupt goes */
	a.in = (uint64_t)(uintptr_t)&x;
	a.in_len = sizeof(x);
	a.out = (uint64_t)(uintptr_t)&handle;
	a.out_len = sizeof(handle);
	__atomic_store_n(&spawning, 1u, __ATOMIC_RELEASE);
	rc = rvx_a64_rt_syscall(root, RVX_SYS_TASK_SPAWN, &a, &r);
	if (rc != 0)
		return rc;
	daif = rvx_a64_rt_lock();
	shell_task = (uint32_t)r.value[0];
	clock_cap.raw = handle;
	rc = rvx_kernel_sensor_register(rvx_virt_kernel(), shell_task, CONSOLE_TYPE,
					RVX_RIGHT_READ, &console_sensor, &sensor_cap);
	if (rc == 0)
		rc = rvx_kernel_queue_create(rvx_virt_kernel(), shell_task, QUEUE_SLOTS, CHUNK,
					     RVX_RIGHT_READ | RVX_RIGHT_WRITE, &queue_cap);
	if (rc == 0)
		__atomic_store_n(&minted, 1u, __ATOMIC_RELEASE);
	rvx_a64_rt_unlock(daif);
	return rc;
}

bool rvx_virt_shell_done(bool *reboot_out)
{
	*reboot_out = __atomic_load_n(&reboot_asked, __ATOMIC_ACQUIRE) != 0;
	return __atomic_load_n(&done, __ATOMIC_ACQUIRE) != 0;
}

static _Noreturn void finish(int rc, const char *what)
{
	if (rc != 0)
		rvx_a64_printf("rvsh: %s: %s (%d)\n", what, rvx_strerror(rc), rc);
	__atomic_store_n(&done, 1u, __ATOMIC_RELEASE);
	rvx_a64_rt_exit(rc == 0 ? 0 : 1);
}

void rvx_virt_shell_main(uint32_t task)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	uint64_t daif;
	int rc;

	/* Only the task the root spawns for the shell is the shell (another
	 * task started at this entry just ends). The root mints the console
	 * into it right after spawning it; should the tick start it in
	 * between, it gives the CPU back. */
	if (!__atomic_load_n(&spawning, __ATOMIC_ACQUIRE))
		return;
	while (!__atomic_load_n(&minted, __ATOMIC_ACQUIRE))
		rvx_a64_rt_yield();
	if (task != shell_task)
		return;
	a = args(sensor_cap.raw);
	a.cap2 = queue_cap.raw;
	rc = rvx_a64_rt_syscall(task, RVX_SYS_SENSOR_SUBSCRIBE, &a, &r);
	if (rc != 0)
		finish(rc, "SensorSubscribe");
	memset(&port, 0, sizeof(port));
	port.board = rvx_virt_board_model();
	port.cpu_model = "cortex-a72";
	port.ram_bytes = rvx_a64_board.mem.size;
	port.boot_ns = 0; /* the clock counts from the machine's reset */
	port.now_ns = now_ns;
	port.task_name = task_name;
	port.phys = phys;
	port.cpu = cpu_info;
	port.irq = irq_info;
	port.counter = counter;
	port.witness = witness;
	port.reboot = reboot;
	daif = rvx_a64_rt_lock();
	rc = rvx_shell_init(&shell, rvx_virt_kernel(), task, line, sizeof(line), shell_write, NULL,
			    &port, 1);
	if (rc == 0) {
		rvx_a64_board.irq = uart_irq;
		__atomic_store_n(&ready, 1u, __ATOMIC_RELEASE);
		rvx_a64_gic_enable(rvx_virt_uart_intid);
		rvx_virt_console_rx_irq(true);
		rvx_a64_printf("RVX-SHELL ready: task %u, console INTID %u\n", task,
			       rvx_virt_uart_intid);
		rvx_shell_prompt(&shell);
		flush();
	}
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		finish(rc, "rvx_shell_init");
	for (;;) {
		struct rvx_queue_msg_hdr hdr;
		char got[CHUNK];

		/* Asleep until the console's interrupt delivers input. */
		a = args(queue_cap.raw);
		a.flags = RVX_SYSCALL_F_BLOCK;
		a.arg[0] = WAIT_NS;
		a.out = (uint64_t)(uintptr_t)got;
		a.out_len = sizeof(got);
		a.aux = (uint64_t)(uintptr_t)&hdr;
		a.aux_len = sizeof(hdr);
		rc = rvx_a64_rt_syscall(task, RVX_SYS_QUEUE_RECV, &a, &r);
		if (rc != 0)
			finish(rc, "QueueRecv");
		if (r.status == RVX_SYSCALL_TIMED_OUT)
			continue;
		daif = rvx_a64_rt_lock();
		if (__atomic_exchange_n(&throttled, 0u, __ATOMIC_RELAXED))
			rvx_virt_console_rx_irq(true);
		rc = rvx_shell_input(&shell, got, (size_t)r.value[0]);
		flush();
		rvx_a64_rt_unlock(daif);
		if (rc == RVX_SHELL_STOP)
			finish(0, NULL);
	}
}
