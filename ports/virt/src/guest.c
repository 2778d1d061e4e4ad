/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The programs partitions run at EL1 (see guest.h for the trap ABI). This
 * file is linked into the image's .guest section, which stage 2 maps into
 * every partition (read, execute); it has no data of its own and calls
 * nothing outside itself, so a partition needs nothing of the kernel's
 * memory. State lives on the task's stack and in the partition's boot
 * block (its private memory), which the kernel passes in x0.
 */
#include "ruvix/err.h"
#include "ruvix/nucleus_syscall.h"
#include "ruvix/queue.h"
#include "ruvix/types.h"
#include "guest.h"

#define MS 1000000u

void guest_entry(struct guest_boot *b, uint64_t role);

/* EL1 vectors: any exception taken at EL1 (an undefined instruction, an
 * alignment fault, an SVC) is reported to the kernel, which faults the
 * task. */
__asm__(".pushsection .text.guest_vectors, \"ax\"\n"
	".balign 2048\n"
	".globl guest_vectors\n"
	"guest_vectors:\n"
	".rept 16\n"
	".balign 128\n"
	"mrs x0, esr_el1\n"
	"mrs x1, elr_el1\n"
	"mrs x2, far_el1\n"
	"hvc #3\n"
	"b .\n"
	".endr\n"
	".popsection\n");

static inline int64_t hvc_sys(uint64_t nr, void *a, void *r)
{
	register uint64_t x0 __asm__("x0") = nr;
	register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)a;
	register uint64_t x2 __asm__("x2") = (uint64_t)(uintptr_t)r;

	__asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2) : "memory");
	return (int64_t)x0;
}

static inline void hvc_yield(void)
{
	__asm__ volatile("hvc #1" ::: "x0", "memory");
}

static inline void hvc_print(const char *s, uint64_t len)
{
	register uint64_t x0 __asm__("x0") = (uint64_t)(uintptr_t)s;
	register uint64_t x1 __asm__("x1") = len;

	__asm__ volatile("hvc #2" : "+r"(x0) : "r"(x1) : "memory");
}

static inline void hvc_report(uint64_t code, uint64_t value)
{
	register uint64_t x0 __asm__("x0") = code;
	register uint64_t x1 __asm__("x1") = value;

	__asm__ volatile("hvc #4" : "+r"(x0) : "r"(x1) : "memory");
}

static inline int64_t hvc_check_state(void)
{
	register uint64_t x0 __asm__("x0") = 0;

	__asm__ volatile("hvc #5" : "+r"(x0)::"memory");
	return (int64_t)x0;
}

static inline uint64_t counter(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v)::"memory");
	return v;
}

static void zero(void *p, uint64_t n)
{
	volatile uint8_t *d = p;

	for (uint64_t i = 0; i < n; i++)
		d[i] = 0;
}

static void args_init(struct rvx_syscall_args *a)
{
	zero(a, sizeof(*a));
	a->version = RVX_SYSCALL_VERSION;
}

/* ---- text ---- */

struct line {
	char s[112];
	uint32_t n;
};

static void put_s(struct line *l, const char *s)
{
	while (*s != '\0' && l->n < sizeof(l->s))
		l->s[l->n++] = *s++;
}

static void put_u(struct line *l, uint64_t v)
{
	char t[20];
	int k = 0;

	do {
		t[k++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v != 0 && k < 20);
	while (k > 0 && l->n < sizeof(l->s))
		l->s[l->n++] = t[--k];
}

static void put_i(struct line *l, int64_t v)
{
	if (v < 0) {
		put_s(l, "-");
		put_u(l, (uint64_t)(-v));
	} else {
		put_u(l, (uint64_t)v);
	}
}

static void say(struct line *l)
{
	hvc_print(l->s, l->n);
	l->n = 0;
}

/* ---- syscalls ---- */

static void sleep_ns(uint64_t clock, uint64_t ns)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;

	args_init(&a);
	a.cap = clock;
	a.flags = RVX_SYSCALL_F_RELATIVE;
	a.arg[0] = ns;
	(void)hvc_sys(RVX_SYS_TIMER_WAIT, &a, &r);
}

static int64_t send(uint64_t q, uint32_t type, const void *p, uint64_t len)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;

	args_init(&a);
	a.cap = q;
	a.arg[0] = type;
	a.in = (uint64_t)(uintptr_t)p;
	a.in_len = len;
	return hvc_sys(RVX_SYS_QUEUE_SEND, &a, &r);
}

/* 1 with a message, 0 without (empty or timed out), < 0 an error. */
static int64_t recv(uint64_t q, uint64_t timeout, void *buf, uint64_t cap,
		    struct rvx_queue_msg_hdr *hdr)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int64_t rc;

	args_init(&a);
	a.cap = q;
	a.flags = timeout != 0 ? RVX_SYSCALL_F_BLOCK : 0;
	a.arg[0] = timeout;
	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = cap;
	a.aux = (uint64_t)(uintptr_t)hdr;
	a.aux_len = sizeof(*hdr);
	rc = hvc_sys(RVX_SYS_QUEUE_RECV, &a, &r);
	if (rc == -RVX_EEMPTY || (rc == 0 && r.status == RVX_SYSCALL_TIMED_OUT))
		return 0;
	return rc == 0 ? 1 : rc;
}

/* RegionMap: an append-only region of the partition's own, from the
 * kernel's region pool (the capability lands in this task's table). */
static void map_region(struct guest_boot *b)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;

	if (b->region != 0)
		return;
	args_init(&a);
	a.cap = b->task_cap;
	a.arg[0] = 2; /* RVX_REGION_POLICY_APPEND_ONLY */
	a.arg[1] = 4096;
	if (hvc_sys(RVX_SYS_REGION_MAP, &a, &r) == 0) {
		b->region = r.value[0];
		hvc_report(GUEST_REP_REGION, r.value[0]);
	}
}

static _Noreturn void park(uint64_t clock)
{
	for (;;)
		sleep_ns(clock, UINT64_C(3600) * 1000u * MS);
}

/* ---- partition A: the talker ---- */

static void uart_puts(uint64_t base, const char *s)
{
	volatile uint32_t *dr = (volatile uint32_t *)(uintptr_t)base;
	volatile uint32_t *fr = (volatile uint32_t *)(uintptr_t)(base + 0x18u);

	for (; *s != '\0'; s++) {
		while ((*fr & (1u << 5)) != 0u)
			;
		*dr = (uint32_t)(uint8_t)*s;
	}
}

static void talk(struct guest_boot *b)
{
	struct line l;

	l.n = 0;

	map_region(b);
	if (b->step[0] == 0) {
		struct rvx_syscall_args a;
		struct rvx_syscall_result r;
		uint64_t handle, el;
		int64_t rc;

		__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
		put_s(&l, "talker: running at EL");
		put_u(&l, (el >> 2) & 3u);
		say(&l);

		/* Hand the listener a capability to answer on: a capability
		 * grant across partitions (the kernel witnesses it). */
		args_init(&a);
		a.cap = b->q_grant;
		a.arg[0] = b->peer_task;
		a.arg[1] = RVX_RIGHT_WRITE;
		rc = hvc_sys(RVX_SYS_CAP_GRANT, &a, &r);
		if (rc != 0) {
			put_s(&l, "talker: CapGrant failed ");
			put_i(&l, rc);
			say(&l);
			park(b->clock);
		}
		handle = r.value[0];
		while (send(b->q_send, GUEST_MSG_GRANT, &handle, sizeof(handle)) == -RVX_EFULL)
			hvc_yield();
		b->step[0] = 1;
	}
	if (b->step[0] == 1) {
		while (b->sent < b->pings) {
			struct rvx_queue_msg_hdr h;
			uint64_t seq = b->sent, got = 0;
			int64_t rc = send(b->q_send, GUEST_MSG_PING, &seq, sizeof(seq));

			if (rc == -RVX_EFULL) {
				hvc_yield();
				continue;
			}
			b->sent++;
			rc = recv(b->q_recv, 20u * MS, &got, sizeof(got), &h);
			if (rc == 1 && h.type_id == GUEST_MSG_PONG)
				b->received++;
		}
		/* Pongs that came after their wait timed out (a slow host). */
		for (uint32_t tries = 0; b->received < b->sent && tries < 50u; tries++) {
			struct rvx_queue_msg_hdr h;
			uint64_t got = 0;

			if (recv(b->q_recv, 20u * MS, &got, sizeof(got), &h) == 1 &&
			    h.type_id == GUEST_MSG_PONG)
				b->received++;
		}
		put_s(&l, "talker: ");
		put_u(&l, b->sent);
		put_s(&l, " pings sent to partition B, ");
		put_u(&l, b->received);
		put_s(&l, " pongs back");
		say(&l);
		hvc_report(GUEST_REP_PINGS, b->received);
		b->step[0] = 2;
	}
	if (b->step[0] == 2) {
		b->step[0] = 3;
		if (b->uart != 0) {
			uart_puts(b->uart, "RVX-LEASE partition A writes this line itself, "
					   "through the PL011 it holds a lease on\n");
			hvc_report(GUEST_REP_LEASE, 1);
		}
	}
	if (b->step[0] == 3) {
		/* Wait for the lease to end (the kernel's tick unmaps the UART),
		 * then use it again: a stage-2 fault, contained. */
		while (counter() < b->lease_until)
			sleep_ns(b->clock, 2u * MS);
		sleep_ns(b->clock, 3u * MS);
		b->step[0] = 4;
		if (b->uart != 0)
			uart_puts(b->uart, "RVX-LEASE-BROKEN: written after the lease ended\n");
	}
	for (;;) {
		b->heartbeat++;
		/* rvx.test=teardown-reuse: run at EL1 without a trap of its own
		 * (only the kernel's interrupts take the CPU from it). */
		if (b->spin) {
			b->spinning = 1;
			while (b->spin)
				b->heartbeat++;
		}
		sleep_ns(b->clock, 2u * MS);
	}
}

/* ---- partition B: the listener ---- */

static uint64_t state_word(uint64_t i)
{
	return UINT64_C(0x5354415445000000) + i;
}

static int state_ok(const struct guest_boot *b)
{
	const volatile uint64_t *s =
		(const volatile uint64_t *)(uintptr_t)(b->mem + GUEST_STATE_OFF);

	for (uint64_t i = 0; i < GUEST_STATE_SIZE / 8u; i++)
		if (s[i] != state_word(i))
			return 0;
	return 1;
}

static void listen(struct guest_boot *b)
{
	struct line l;

	l.n = 0;

	map_region(b);
	while (b->step[0] == 0) {
		struct rvx_queue_msg_hdr h;
		uint64_t handle = 0;

		if (recv(b->q_recv, 20u * MS, &handle, sizeof(handle), &h) == 1 &&
		    h.type_id == GUEST_MSG_GRANT) {
			b->q_send = handle;
			b->step[0] = 1;
			hvc_report(GUEST_REP_HANDSHAKE, handle);
		}
	}
	for (;;) {
		struct rvx_queue_msg_hdr h;
		uint64_t seq = 0;
		int64_t rc;

		if (b->inject_crash) {
			/* An injected crash: a message left in flight (the
			 * reconstruction drops what the failed incarnation
			 * produced), then a store to an address stage 2 does
			 * not map (a stage-2 translation fault). */
			uint64_t orphan = UINT64_C(0x0bad000000000000) + b->sent;

			(void)send(b->q_send, GUEST_MSG_PONG, &orphan, sizeof(orphan));
			*(volatile uint64_t *)(uintptr_t)b->unmapped = 1;
		}
		if (b->probe_stale == 1) {
			/* A handle this listener held before its partition was
			 * reconstructed: the capability check must refuse it. */
			struct rvx_queue_msg_hdr sh;
			uint64_t v = 0;

			b->probe_stale = 2;
			rc = recv(b->stale_cap, 0, &v, sizeof(v), &sh);
			put_s(&l, "RVX-PROBE-NOT-STOPPED stale handle rc ");
			put_i(&l, rc);
			say(&l);
		}
		if (b->inject_corrupt) {
			volatile uint64_t *s =
				(volatile uint64_t *)(uintptr_t)(b->mem + GUEST_STATE_OFF);

			for (uint64_t i = 0; i < 16u; i++)
				s[i * 7u] = ~state_word(i * 7u);
			rc = hvc_check_state();
			put_s(&l, "listener: state region ");
			put_s(&l, state_ok(b) ? "intact" : "CORRUPT");
			put_s(&l, " after the check (");
			put_s(&l, rc == 1 ? "rolled back" : "not rolled back");
			put_s(&l, ")");
			say(&l);
			if (state_ok(b))
				hvc_report(GUEST_REP_ROLLED, (uint64_t)rc);
		}
		if (b->uart_step == 1) {
			b->uart_step = 2;
			uart_puts(b->uart, "RVX-LEASE partition B writes this line through the "
					   "PL011 lease it holds now\n");
			hvc_report(GUEST_REP_LEASE_B, 1);
		}
		if (b->uart_step == 3) {
			/* The kernel revoked the lease: this faults. */
			b->uart_step = 4;
			uart_puts(b->uart, "RVX-LEASE-BROKEN: written after the lease was revoked\n");
		}
		rc = recv(b->q_recv, 5u * MS, &seq, sizeof(seq), &h);
		if (rc == 1 && h.type_id == GUEST_MSG_PING) {
			b->received++;
			while (send(b->q_send, GUEST_MSG_PONG, &seq, sizeof(seq)) == -RVX_EFULL)
				hvc_yield();
			b->sent++;
		}
	}
}

/* ---- both: the prober ---- */

static void probe(struct guest_boot *b)
{
	struct line l;

	l.n = 0;
	volatile uint64_t sink = 0;

	for (;;) {
		uint64_t s = b->step[1];
		struct rvx_syscall_args a;
		struct rvx_syscall_result r;
		uint64_t v = 7;
		int64_t rc = 0;

		if (s >= GUEST_PROBE_COUNT)
			break;
		/* One attempt per life: note it first, so a restarted prober
		 * goes on with the next. Spaced out wider than the recovery
		 * policy's window (50 ms), so each is a first failure there and
		 * gets a task restart. */
		b->step[1] = s + 1u;
		sleep_ns(b->clock_probe, 60u * MS);
		switch (s) {
		case GUEST_PROBE_READ_OTHER:
			sink = *(volatile uint64_t *)(uintptr_t)b->other_mem;
			break;
		case GUEST_PROBE_WRITE_OTHER:
			*(volatile uint64_t *)(uintptr_t)(b->other_mem + GUEST_STATE_OFF) = 0xbad;
			break;
		case GUEST_PROBE_READ_KERNEL:
			sink = *(volatile uint64_t *)(uintptr_t)b->kernel_mem;
			break;
		case GUEST_PROBE_WRITE_KERNEL:
			*(volatile uint64_t *)(uintptr_t)b->kernel_mem = 0xbad;
			break;
		case GUEST_PROBE_DEVICE:
			sink = *(volatile uint32_t *)(uintptr_t)b->device;
			break;
		case GUEST_PROBE_FOREIGN_CAP:
			rc = send(b->foreign_cap, GUEST_MSG_PING, &v, sizeof(v));
			break;
		case GUEST_PROBE_KERNEL_PTR:
			args_init(&a);
			a.cap = b->clock_probe;
			a.arg[0] = GUEST_MSG_PING;
			a.in = b->kernel_mem;
			a.in_len = 8;
			rc = hvc_sys(RVX_SYS_QUEUE_SEND, &a, &r);
			break;
		case GUEST_PROBE_PMU:
			__asm__ volatile("mrs %0, pmccntr_el0" : "=r"(v));
			sink = v;
			break;
		case GUEST_PROBE_POWER_OFF: {
			register uint64_t x0 __asm__("x0") = 0x84000008u;

			__asm__ volatile("smc #0" : "+r"(x0)::"memory");
			rc = (int64_t)x0;
			break;
		}
		case GUEST_PROBE_UNDEFINED:
			__asm__ volatile(".inst 0x00000000" ::: "memory");
			break;
		default:
			break;
		}
		/* Only an attempt that was not stopped gets here. */
		put_s(&l, "RVX-PROBE-NOT-STOPPED attempt ");
		put_u(&l, s);
		put_s(&l, " rc ");
		put_i(&l, rc);
		say(&l);
	}
	(void)sink;
	hvc_report(GUEST_REP_PROBED, b->step[1]);
	park(b->clock_probe);
}

/* ---- bench ---- */

/* Fill v0..v31 with a pattern of this partition (inline assembly: the
 * compiler itself uses general registers only) and check it later: the
 * FP/SIMD registers must survive every switch to the other partition. */
static void fp_fill(uint64_t seed)
{
	__asm__ volatile(".arch_extension simd\n"
			 ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
			 "24,25,26,27,28,29,30,31\n"
			 "add x9, %0, #\\n\n"
			 "dup v\\n\\().2d, x9\n"
			 ".endr" ::"r"(seed)
			 : "x9", "memory");
}

static uint64_t fp_check(uint64_t seed)
{
	uint64_t bad = 0;

	__asm__ volatile(".arch_extension simd\n"
			 ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
			 "24,25,26,27,28,29,30,31\n"
			 "add x9, %1, #\\n\n"
			 "umov x10, v\\n\\().d[1]\n"
			 "eor x10, x10, x9\n"
			 "orr %0, %0, x10\n"
			 ".endr"
			 : "+r"(bad)
			 : "r"(seed)
			 : "x9", "x10", "memory");
	return bad;
}

/* EL1 registers the switch must carry: TPIDR_EL1 holds the partition
 * index the kernel gave this task, TPIDR_EL0 a value of its own. */
static uint64_t el1_check(const struct guest_boot *b, uint64_t mine)
{
	uint64_t t1, t0;

	__asm__ volatile("mrs %0, tpidr_el1\n\tmrs %1, tpidr_el0" : "=r"(t1), "=r"(t0));
	return (t1 ^ b->part) | (t0 ^ mine);
}

static void bench(struct guest_boot *b)
{
	uint32_t *rt = (uint32_t *)(uintptr_t)(b->mem + GUEST_SAMPLES_OFF);
	uint32_t *nul = rt + GUEST_SAMPLES;
	uint32_t *snd = nul + GUEST_SAMPLES;
	uint32_t *rcv = snd + GUEST_SAMPLES;
	uint64_t n = b->samples_n;

	uint64_t seed = UINT64_C(0xa0a0000000000000), mine = UINT64_C(0xa11ce);

	__asm__ volatile("msr tpidr_el0, %0" ::"r"(mine));
	fp_fill(seed);
	for (uint32_t i = 0; i < 64u; i++)
		hvc_yield();
	/* Round trip: yield to the other partition, which yields back. */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t0 = counter();

		hvc_yield();
		rt[i] = (uint32_t)(counter() - t0);
	}
	hvc_report(GUEST_REP_STATE, (fp_check(seed) | el1_check(b, mine)) == 0);
	for (uint64_t i = 0; i < n; i++) {
		struct rvx_syscall_args a;
		struct rvx_syscall_result r;
		struct rvx_queue_msg_hdr h;
		uint64_t v = i, got = 0;
		uint64_t t0, t1, t2, t3;

		args_init(&a);
		t0 = counter();
		(void)hvc_sys(RVX_SYS_COUNT + 7u, &a, &r); /* refused by the dispatcher */
		t1 = counter();
		(void)send(b->q_own, 9, &v, sizeof(v));
		t2 = counter();
		(void)recv(b->q_own, 0, &got, sizeof(got), &h);
		t3 = counter();
		nul[i] = (uint32_t)(t1 - t0);
		snd[i] = (uint32_t)(t2 - t1);
		rcv[i] = (uint32_t)(t3 - t2);
	}
	hvc_report(GUEST_REP_BENCH, n);
	park(b->clock);
}

static void bench_peer(struct guest_boot *b)
{
	uint64_t seed = UINT64_C(0xb0b0000000000000), mine = UINT64_C(0xb0b);
	uint64_t n = 0;

	__asm__ volatile("msr tpidr_el0, %0" ::"r"(mine));
	fp_fill(seed);
	while (!*(volatile uint64_t *)&b->stop) {
		hvc_yield();
		if ((++n & 255u) == 0 && (fp_check(seed) | el1_check(b, mine)) != 0)
			hvc_report(GUEST_REP_STATE, 0);
	}
	park(b->clock);
}

/* Cross-CPU wake-up: every 2 ms a message carrying the counter at the send
 * goes to a receiver blocked on another CPU. Two phases: the kernel kicks
 * the receiver's CPU in the first, leaves it to its tick in the second. */
static void wake_send(struct guest_boot *b)
{
	uint64_t clock = b->clock, q = b->q_wake;

	for (uint32_t phase = 0; phase < 2u; phase++) {
		for (uint32_t i = 0; i < GUEST_WAKE_SAMPLES; i++) {
			uint64_t t0;

			sleep_ns(clock, 2u * MS);
			t0 = counter();
			(void)send(q, 1, &t0, sizeof(t0));
		}
		if (phase == 0) {
			hvc_report(GUEST_REP_WAKE_PHASE, GUEST_WAKE_SAMPLES);
			while (b->wake_phase != 2u)
				sleep_ns(clock, 1u * MS);
		}
	}
	park(clock);
}

static void wake_recv(struct guest_boot *b)
{
	uint32_t *lat = (uint32_t *)(uintptr_t)(b->mem + GUEST_SAMPLES_OFF);
	uint64_t clock = b->clock, q = b->q_wake;
	uint32_t n = 0;

	while (n < 2u * GUEST_WAKE_SAMPLES) {
		struct rvx_queue_msg_hdr h;
		uint64_t t0 = 0;

		if (recv(q, UINT64_C(5000) * MS, &t0, sizeof(t0), &h) == 1)
			lat[n++] = (uint32_t)(counter() - t0);
	}
	hvc_report(GUEST_REP_WAKE, n);
	park(clock);
}

/* A steady flow between partitions (the NUMA demo): each round sends
 * flow_burst messages of flow_len bytes on q_send (a full queue drops the
 * rest of the round: only what the kernel accepted counts), takes whatever
 * waits on q_recv, and sleeps flow_period. */
static void flow(struct guest_boot *b)
{
	uint8_t msg[48], in[64];
	uint64_t sent = 0;

	for (uint32_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(0xF0u + i);
	while (b->flow_round < b->flow_rounds) {
		struct rvx_queue_msg_hdr h;

		for (uint64_t i = 0; b->q_send != 0 && i < b->flow_burst; i++) {
			if (send(b->q_send, 4, msg, b->flow_len <= sizeof(msg) ? b->flow_len : 0) != 0)
				break;
			sent++;
		}
		while (b->q_recv != 0 && recv(b->q_recv, 0, in, sizeof(in), &h) == 1)
			b->received++;
		b->flow_round++;
		sleep_ns(b->clock, b->flow_period);
	}
	hvc_report(GUEST_REP_FLOW, sent);
	/* Keep draining, so late messages do not fill the queue. */
	for (;;) {
		struct rvx_queue_msg_hdr h;

		if (b->q_recv == 0 || recv(b->q_recv, UINT64_C(3600) * 1000u * MS, in, sizeof(in),
					   &h) < 0)
			park(b->clock);
		b->received++;
	}
}

void guest_entry(struct guest_boot *b, uint64_t role)
{
	switch (role) {
	case GUEST_ROLE_TALK:
		talk(b);
		break;
	case GUEST_ROLE_LISTEN:
		listen(b);
		break;
	case GUEST_ROLE_PROBE:
		probe(b);
		break;
	case GUEST_ROLE_BENCH:
		bench(b);
		break;
	case GUEST_ROLE_BENCH_PEER:
		bench_peer(b);
		break;
	case GUEST_ROLE_WAKE_SEND:
		wake_send(b);
		break;
	case GUEST_ROLE_WAKE_RECV:
		wake_recv(b);
		break;
	case GUEST_ROLE_FLOW:
		flow(b);
		break;
	default:
		break;
	}
	park(role == GUEST_ROLE_PROBE ? b->clock_probe : b->clock);
}
