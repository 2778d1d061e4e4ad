/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The programs the root package's tasks enter (ports/virt/root/root.txt
 * names them by symbol id): 1 producer, 2 consumer, 3 + n worker n. Tasks
 * are EL2 threads in the kernel's address space, so a task reads and
 * appends to its regions here, through the capability it holds (checked:
 * type and rights), with the kernel lock held; everything else goes
 * through syscalls.
 */
#include "ruvix/nucleus.h"
#include "ruvix/port.h"
#include "virt.h"

#define MSG_ITEM 1u
#define MSG_REPORT 2u

/* Items the producer sent, published when it is done. */
static uint32_t produced;
static uint32_t producer_done;

/* The capability in @p slot of @p task's table (wire order), checked. */
static int slot_cap(uint32_t task, uint32_t slot, enum rvx_obj_type type, rvx_rights_t need,
		    struct rvx_cap_info *info)
{
	uint64_t daif = rvx_a64_rt_lock();
	int rc = rvx_kernel_cap_slot_info(rvx_virt_kernel(), task, slot, info);

	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		return rc;
	if (info->type != type || info->revoked)
		return -RVX_ETYPE;
	if ((info->rights & need) != need)
		return -RVX_ERIGHTS;
	return 0;
}

static int region_read(uint32_t task, uint32_t slot, void *buf, size_t len)
{
	struct rvx_cap_info info;
	int rc = slot_cap(task, slot, RVX_OBJ_REGION, RVX_RIGHT_READ, &info);
	uint64_t daif;

	if (rc != 0)
		return rc;
	daif = rvx_a64_rt_lock();
	rc = rvx_kernel_region_read(rvx_virt_kernel(), task, info.handle, 0, buf, len);
	rvx_a64_rt_unlock(daif);
	return rc;
}

/* Through the nucleus: witnessed, journaled and replayed. */
static int region_append(uint32_t task, uint32_t slot, const void *buf, size_t len)
{
	struct rvx_cap_info info;
	int rc = slot_cap(task, slot, RVX_OBJ_REGION, RVX_RIGHT_WRITE, &info);
	uint64_t daif;

	if (rc != 0)
		return rc;
	daif = rvx_a64_rt_lock();
	rc = rvx_kernel_region_append(rvx_virt_kernel(), task, info.handle, buf, len, NULL);
	rvx_a64_rt_unlock(daif);
	return rc;
}

static uint64_t queue_handle(uint32_t task, uint32_t slot, rvx_rights_t need)
{
	struct rvx_cap_info info;
	int rc = slot_cap(task, slot, RVX_OBJ_QUEUE, need, &info);

	if (rc != 0)
		rvx_a64_fail("a package task lacks a queue capability", rc);
	return info.handle.raw;
}

static uint32_t parse_after(const char *s, const char *key)
{
	const char *p = s;
	size_t n = strlen(key);
	uint32_t v = 0;

	while (*p != '\0' && strncmp(p, key, n) != 0)
		p++;
	if (*p == '\0')
		return 0;
	for (p += n; *p >= '0' && *p <= '9'; p++)
		v = v * 10u + (uint32_t)(*p - '0');
	return v;
}

/* params: "ruvix virt root: items=N size=N" after a comment line. */
static void read_params(uint32_t task, uint32_t *items, uint32_t *size)
{
	char buf[129];
	int rc = region_read(task, 0, buf, 128);

	if (rc != 0)
		rvx_a64_fail("reading region params", rc);
	buf[128] = '\0';
	*items = parse_after(buf, "items=");
	*size = parse_after(buf, "size=");
	if (*items == 0 || *items > 64 || *size == 0 || *size > 64)
		rvx_a64_fail("region params is malformed", -RVX_EINVAL);
}

static int send(uint32_t task, uint64_t q, uint32_t type, const void *p, size_t len)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = q;
	a.arg[0] = type;
	a.in = (uint64_t)(uintptr_t)p;
	a.in_len = len;
	return rvx_a64_rt_syscall(task, RVX_SYS_QUEUE_SEND, &a, &r);
}

/* Receive from @p q: 1 with a message, 0 if none (or timed out). */
static int recv(uint32_t task, uint64_t q, uint64_t timeout_ns, void *buf, size_t cap,
		struct rvx_queue_msg_hdr *hdr)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = q;
	a.flags = timeout_ns != 0 ? RVX_SYSCALL_F_BLOCK : 0;
	a.arg[0] = timeout_ns;
	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = cap;
	a.aux = (uint64_t)(uintptr_t)hdr;
	a.aux_len = sizeof(*hdr);
	rc = rvx_a64_rt_syscall(task, RVX_SYS_QUEUE_RECV, &a, &r);
	if (rc == -RVX_EEMPTY || (rc == 0 && r.status == RVX_SYSCALL_TIMED_OUT))
		return 0;
	if (rc != 0)
		rvx_a64_fail("QueueRecv", rc);
	return 1;
}

static void producer(uint32_t task)
{
	uint32_t items, size, sent = 0;
	uint64_t work = queue_handle(task, 1, RVX_RIGHT_WRITE);
	uint8_t msg[64];

	read_params(task, &items, &size);
	while (sent < items) {
		int rc;

		memset(msg, (int)('a' + sent % 26u), sizeof(msg));
		msg[0] = (uint8_t)sent;
		rc = send(task, work, MSG_ITEM, msg, size);
		if (rc == -RVX_EFULL) {
			rvx_a64_rt_yield();
			continue;
		}
		if (rc != 0)
			rvx_a64_fail("producer QueueSend", rc);
		sent++;
	}
	__atomic_store_n(&produced, sent, __ATOMIC_RELEASE);
	__atomic_store_n(&producer_done, 1u, __ATOMIC_RELEASE);
	rvx_a64_printf("RVX-TASK producer task=%u cpu=%u sent=%u\n", task, rvx_a64_cpu_index(),
			sent);
}

/* "item <index> <length>\n" */
static size_t item_line(char *out, uint32_t index, uint32_t len)
{
	char tmp[12];
	size_t n = 0;
	uint32_t v[2] = {index, len};

	memcpy(out, "item", 4);
	n = 4;
	for (int f = 0; f < 2; f++) {
		int t = 0;
		uint32_t x = v[f];

		out[n++] = ' ';
		do {
			tmp[t++] = (char)('0' + x % 10u);
			x /= 10u;
		} while (x != 0);
		while (t > 0)
			out[n++] = tmp[--t];
	}
	out[n++] = '\n';
	return n;
}

static void consume_item(uint32_t task, const uint8_t *buf, uint32_t len, uint32_t *got)
{
	char line[32];
	size_t n = item_line(line, buf[0], len);
	int rc = region_append(task, 3, line, n);

	if (rc != 0)
		rvx_a64_fail("consumer: append to region log", rc);
	(*got)++;
}

static void consumer(uint32_t task)
{
	uint64_t q[3] = {queue_handle(task, 0, RVX_RIGHT_READ), queue_handle(task, 1, RVX_RIGHT_READ),
			 queue_handle(task, 2, RVX_RIGHT_READ)};
	uint32_t got_items = 0, got_reports = 0, fp_bad = 0;
	uint64_t until = rvx_port_time_real_ns() + UINT64_C(10) * 1000000000u;

	/* Until both workers reported and every item the producer sent is in. */
	while (got_reports < 2u || !__atomic_load_n(&producer_done, __ATOMIC_ACQUIRE) ||
	       got_items < __atomic_load_n(&produced, __ATOMIC_ACQUIRE)) {
		struct rvx_queue_msg_hdr hdr;
		uint8_t buf[64];
		int any = 0;

		for (uint32_t i = 0; i < 3u; i++) {
			if (recv(task, q[i], 0, buf, sizeof(buf), &hdr) == 0)
				continue;
			any = 1;
			if (i == 0) {
				consume_item(task, buf, hdr.length, &got_items);
			} else {
				got_reports++;
				fp_bad += buf[2] == 0u;
			}
		}
		if (!any) {
			if (rvx_port_time_real_ns() > until)
				rvx_a64_fail("consumer: messages did not arrive", -RVX_ETIMEDOUT);
			/* Nothing queued: wait on the work queue for a while. */
			if (recv(task, q[0], 1000000u, buf, sizeof(buf), &hdr) == 1)
				consume_item(task, buf, hdr.length, &got_items);
		}
	}
	rvx_a64_printf("RVX-TASK consumer task=%u cpu=%u items=%u reports=%u\n", task,
			rvx_a64_cpu_index(), got_items, got_reports);
	if (fp_bad != 0)
		rvx_a64_fail("a worker lost FP/SIMD state", -RVX_EINVAL);
}

static void worker(uint32_t task, uint32_t n)
{
	uint32_t items, size;
	uint64_t done = queue_handle(task, 1, RVX_RIGHT_WRITE);
	uint32_t cpu = rvx_a64_cpu_index();
	uint64_t preempted = 0;
	uint8_t msg[16];
	bool fp_ok;
	int rc;

	read_params(task, &items, &size);
	fp_ok = rvx_virt_spin((uint64_t)items * 500000u, &preempted);
	memset(msg, 0, sizeof(msg));
	msg[0] = (uint8_t)n;
	msg[1] = (uint8_t)cpu;
	msg[2] = fp_ok ? 1u : 0u;
	while ((rc = send(task, done, MSG_REPORT, msg, sizeof(msg))) == -RVX_EFULL)
		rvx_a64_rt_yield();
	if (rc != 0)
		rvx_a64_fail("worker QueueSend", rc);
	rvx_a64_printf("RVX-TASK worker%u task=%u cpu=%u preempted=%lu fp=%s\n", n, task, cpu,
			preempted, fp_ok ? "ok" : "BAD");
	if (!fp_ok)
		rvx_a64_fail("FP/SIMD state was lost across a switch", -RVX_EINVAL);
}

bool rvx_virt_program_run(uint32_t task, uint64_t entry)
{
	switch (entry) {
	case 1:
		producer(task);
		return true;
	case 2:
		consumer(task);
		return true;
	case 3:
	case 4:
		worker(task, (uint32_t)entry - 3u);
		return true;
	default:
		return false;
	}
}
