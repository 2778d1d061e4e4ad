/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix-hosted-shell: rvsh on the hosted port, reading stdin.
 *
 * A kernel boots with its witness ring and journal; the root task spawns
 * the shell's task (TaskSpawn), the host registers a console sensor and an
 * input queue, both minted into the shell's task only, and the shell's task
 * subscribes the queue to the sensor (SensorSubscribe). Each chunk read from
 * stdin is delivered as a sensor event; the shell's task takes it out with
 * QueueRecv through its own capability and feeds it to rvsh. So the shell
 * receives input only through its capabilities, like any other task, and
 * reads the kernel through the public query calls. `reboot` ends the
 * program (exit 0); end of input ends it too.
 *
 * Usage: ruvix-hosted-shell [--echo]    (--echo for a terminal)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ruvix/nucleus.h"
#include "ruvix/shell.h"

/* The console's events: a chunk of input bytes. */
#define CONSOLE_TYPE 0x636f6e73u /* "cons" */
#define CHUNK 64u

static struct rvx_kernel kernel;
static alignas(64) uint8_t region_pool[65536];
static alignas(64) uint8_t queue_pool[65536];
static alignas(64) uint8_t journal[1u << 20];
static alignas(64) uint8_t ring[4096 * RVX_WITNESS_RECORD_SIZE];
static char line[128];
static uint64_t boot_ns;

static uint64_t host_now(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void write_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	fwrite(s, 1, n, stdout);
}

static const char *task_name(void *ctx, uint32_t task)
{
	(void)ctx;
	return task == 0 ? "root" : task == 1 ? "rvsh" : NULL;
}

static int host_cpu(void *ctx, uint32_t cpu, struct rvx_shell_cpu *out)
{
	(void)ctx;
	if (cpu >= 1)
		return -RVX_ENOENT;
	memset(out, 0, sizeof(*out));
	out->online = 1;
	out->current = 1; /* the shell runs on the host thread */
	return 0;
}

static int host_reboot(void *ctx)
{
	(void)ctx;
	return 0; /* the program ends: rvx_shell_input() returns RVX_SHELL_STOP */
}

static int die(const char *what, int err)
{
	fprintf(stderr, "ruvix-hosted-shell: %s: %s (%d)\n", what, rvx_strerror(err), err);
	return 1;
}

static struct rvx_syscall_args args(uint64_t cap)
{
	struct rvx_syscall_args a;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = cap;
	return a;
}

int main(int argc, char **argv)
{
	static const uint8_t secret[32] = "ruvix hosted shell kernel secre";
	struct rvx_shell_port port;
	struct rvx_kernel_config cfg;
	struct rvx_kernel_root root;
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_shell sh;
	rvx_handle_t sensor_cap, queue_cap;
	uint32_t sensor, shell_task;
	uint32_t echo = argc == 2 && strcmp(argv[1], "--echo") == 0;
	int ret;

	if (argc > 2 || (argc == 2 && !echo)) {
		fputs("usage: ruvix-hosted-shell [--echo]\n", stderr);
		return 2;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = region_pool;
	cfg.region_pool_size = sizeof(region_pool);
	cfg.queue_pool = queue_pool;
	cfg.queue_pool_size = sizeof(queue_pool);
	cfg.journal = journal;
	cfg.journal_size = sizeof(journal);
	cfg.witness_ring = ring;
	cfg.witness_records = sizeof(ring) / RVX_WITNESS_RECORD_SIZE;
	cfg.cpu_count = 1;
	cfg.period_ns = 10000000u;
	boot_ns = host_now(NULL);
	ret = rvx_kernel_boot(&kernel, &cfg, secret, sizeof(secret), boot_ns, &root);
	if (ret != 0)
		return die("rvx_kernel_boot", ret);
	/* The root spawns the shell's task; it starts with no capabilities. */
	a = args(root.task.raw);
	a.arg[1] = 8; /* a low priority: a debug shell yields to real work */
	ret = rvx_syscall(&kernel, 0, RVX_SYS_TASK_SPAWN, &a, &r);
	if (ret != 0)
		return die("TaskSpawn of the shell", ret);
	shell_task = (uint32_t)r.value[0];
	/* The console and the shell's input queue, minted into the shell only. */
	ret = rvx_kernel_sensor_register(&kernel, shell_task, CONSOLE_TYPE, RVX_RIGHT_READ, &sensor,
					 &sensor_cap);
	if (ret == 0)
		ret = rvx_kernel_queue_create(&kernel, shell_task, 8, CHUNK,
					      RVX_RIGHT_READ | RVX_RIGHT_WRITE, &queue_cap);
	if (ret != 0)
		return die("creating the console", ret);
	a = args(sensor_cap.raw);
	a.cap2 = queue_cap.raw;
	ret = rvx_syscall(&kernel, shell_task, RVX_SYS_SENSOR_SUBSCRIBE, &a, &r);
	if (ret != 0)
		return die("SensorSubscribe of the shell", ret);

	memset(&port, 0, sizeof(port));
	port.board = "hosted";
	port.cpu_model = "host";
	port.ram_bytes = sizeof(region_pool) + sizeof(queue_pool) + sizeof(journal) + sizeof(ring) +
			 sizeof(kernel);
	port.boot_ns = boot_ns;
	port.now_ns = host_now;
	port.task_name = task_name;
	port.cpu = host_cpu;
	port.reboot = host_reboot;
	ret = rvx_shell_init(&sh, &kernel, shell_task, line, sizeof(line), write_out, NULL, &port,
			     echo);
	if (ret != 0)
		return die("rvx_shell_init", ret);
	rvx_shell_prompt(&sh);
	fflush(stdout);
	for (;;) {
		char in[CHUNK], got[CHUNK];
		struct rvx_queue_msg_hdr hdr;
		ssize_t n = read(0, in, sizeof(in));

		if (n <= 0)
			break;
		(void)rvx_kernel_tick(&kernel, host_now(NULL));
		memset(&hdr, 0, sizeof(hdr));
		hdr.length = (uint32_t)n;
		ret = rvx_kernel_sensor_deliver(&kernel, sensor, &hdr, in);
		if (ret != 1)
			return die("delivering console input", ret < 0 ? ret : -RVX_EFULL);
		/* The shell's task takes its input through its own capability. */
		a = args(queue_cap.raw);
		a.out = (uint64_t)(uintptr_t)got;
		a.out_len = sizeof(got);
		a.aux = (uint64_t)(uintptr_t)&hdr;
		a.aux_len = sizeof(hdr);
		ret = rvx_syscall(&kernel, shell_task, RVX_SYS_QUEUE_RECV, &a, &r);
		if (ret != 0)
			return die("QueueRecv of the shell", ret);
		ret = rvx_shell_input(&sh, got, (size_t)r.value[0]);
		fflush(stdout);
		if (ret == RVX_SHELL_STOP)
			return 0;
	}
	fputs("\n", stdout);
	return 0;
}
