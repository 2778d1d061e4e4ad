/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hosted kernel runtime (ruvix/hosted_krt.h). It mirrors the AArch64
 * runtime (ports/aarch64/src/rt.c): the nucleus decides what runs; this file
 * saves and restores contexts, moves time forward and turns a task's gate
 * call into an rvx_syscall() on the CPU's own stack under the kernel lock.
 *
 * Locking: `lock` guards every call into the nucleus and every field of the
 * runtime. A CPU holds it while it schedules and while it serves a trap, and
 * drops it only while a task runs. A task never takes it: its gate call
 * saves the task's context and switches to its CPU's context, which takes
 * the lock and serves the call, so the kernel's work runs on the CPU's stack
 * (a fault there is the kernel's, not contained as the task's).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ruvix/hosted_krt.h"

#define NONE UINT32_MAX
#define WHY_NONE 0u
#define WHY_TRAP 1u
#define WHY_EXIT 2u

/* The relative relocation of the host's ELF ABI. */
#if defined(__x86_64__)
#define RELATIVE 8u /* R_X86_64_RELATIVE */
#elif defined(__aarch64__)
#define RELATIVE 1027u /* R_AARCH64_RELATIVE */
#endif

/* The CPU this host thread is, while it runs the runtime. */
static _Thread_local struct rvx_hkrt_cpu *hk_cpu;

/* Not inlined, so a task resumed after a switch reads its thread's value. */
static __attribute__((noinline)) struct rvx_hkrt_cpu *this_cpu(void)
{
	struct rvx_hkrt_cpu *c = hk_cpu;

	__asm__ volatile("" ::: "memory");
	return c;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Kernel time (lock held): never behind what was handed out before. */
static uint64_t now_locked(struct rvx_hkrt *rt)
{
	uint64_t n = rt->cfg.time_base + (mono_ns() - rt->mono0);

	if (n < rt->last_now)
		n = rt->last_now;
	rt->last_now = n;
	return n;
}

static void wake_idle(struct rvx_hkrt *rt)
{
	if (rt->idle_cpus != 0)
		pthread_cond_broadcast(&rt->idle);
}

static void fail(struct rvx_hkrt *rt, int rc)
{
	if (rt->result == 0)
		rt->result = rc;
	rt->stop = 1;
	pthread_cond_broadcast(&rt->idle);
}

/* Deliver the periodic sensors' due events (lock held). */
static void sensors_due(struct rvx_hkrt *rt, uint64_t now)
{
	for (uint32_t i = 0; i < rt->sensor_count; i++) {
		uint32_t burst = 0;

		while (rt->sensors[i].next <= now && burst < 64u &&
		       (rt->sensors[i].limit == 0 || rt->sensors[i].seq < rt->sensors[i].limit)) {
			struct rvx_queue_msg_hdr h;
			uint64_t ev[2] = {rt->sensors[i].seq, rt->sensors[i].next};
			int rc;

			memset(&h, 0, sizeof(h));
			h.length = sizeof(ev);
			rc = rvx_kernel_sensor_deliver(rt->cfg.kernel, rt->sensors[i].sensor, &h, ev);
			if (rc < 0) {
				fail(rt, rc);
				return;
			}
			rt->sensors[i].seq++;
			rt->sensors[i].next += rt->sensors[i].period_ns;
			burst++;
			if (rc > 0)
				wake_idle(rt);
		}
		if (rt->sensors[i].next <= now) /* far behind: skip ahead, never flood */
			rt->sensors[i].next = now + rt->sensors[i].period_ns;
	}
}

/* Advance kernel time (lock held); returns the time. */
static uint64_t tick(struct rvx_hkrt *rt)
{
	uint64_t now = now_locked(rt);
	int rc;

	if (rt->coh_tick != NULL)
		rt->coh_tick(rt, now);
	rc = rvx_kernel_tick(rt->cfg.kernel, now);

	if (rc < 0)
		fail(rt, rc);
	else if (rc > 0)
		wake_idle(rt);
	sensors_due(rt, now);
	return now;
}

int rvx_hkrt_init(struct rvx_hkrt *rt, const struct rvx_hkrt_cfg *cfg)
{
	struct rvx_kernel_task_info ti;
	pthread_condattr_t ca;
	size_t page = rvx_hstack_page_size();
	int rc;

	if (rt == NULL || cfg == NULL || cfg->kernel == NULL || cfg->cpu_count == 0 ||
	    cfg->cpu_count > RVX_HKRT_CPUS_MAX || cfg->stacks == NULL || cfg->tick_ns == 0 ||
	    cfg->slice_ns == 0 || (cfg->native_count != 0 && cfg->natives == NULL) ||
	    cfg->stack_size < 4 * page || cfg->stack_size % page != 0 ||
	    (uintptr_t)cfg->stacks % page != 0 || cfg->reserved != 0)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < cfg->native_count; i++) {
		if (cfg->natives[i] == NULL)
			return -RVX_EINVAL;
	}
	if (cfg->stacks_size / cfg->stack_size < RVX_KERNEL_TASKS)
		return -RVX_ENOMEM;
	if (rvx_kernel_task_info(cfg->kernel, 0, &ti) != 0)
		return -RVX_EINVAL;
	if (cfg->root == NULL && !ti.held) {
		rc = rvx_kernel_task_hold(cfg->kernel, 0);
		if (rc != 0)
			return rc;
	}
	memset(rt, 0, sizeof(*rt));
	rt->cfg = *cfg;
	for (uint32_t i = 0; i < RVX_KERNEL_TASKS; i++)
		rt->tasks[i].image = -1;
	rt->tasks[0].fn = cfg->root;
	rt->tasks[0].object = ti.object;
	rt->tasks[0].generation = 1;
	for (uint32_t i = 0; i < RVX_HKRT_CPUS_MAX; i++) {
		rt->cpus[i].rt = rt;
		rt->cpus[i].index = i;
		rt->cpus[i].cur = NONE;
	}
	rt->mono0 = mono_ns();
	rt->last_now = cfg->time_base;
	pthread_mutex_init(&rt->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&rt->idle, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

/* ---- memory a task's calls may name ---------------------------------- */

static bool in_range(uintptr_t p, uint64_t len, uintptr_t lo, uintptr_t hi)
{
	return p >= lo && p <= hi && len <= (uint64_t)(hi - p);
}

/* May task @p t's call name [p, p + len) (for writing if @p write)? */
static bool task_owns(const struct rvx_hkrt *rt, const struct rvx_hkrt_task *t, uint64_t p,
		      uint64_t len, bool write)
{
	const struct rvx_hkrt_image *im;
	uintptr_t a = (uintptr_t)p;

	if (t->image < 0)
		return true; /* the host program's own code: trusted */
	if (len == 0)
		return true;
	if (p == 0 || (uint64_t)a != p)
		return false;
	if (in_range(a, len, (uintptr_t)t->stack.base, (uintptr_t)t->stack.base + t->stack.usable))
		return true;
	im = &rt->images[t->image];
	if (in_range(a, len, (uintptr_t)im->base + im->text_size, (uintptr_t)im->base + im->map_size))
		return true;
	if (!write && in_range(a, len, (uintptr_t)im->base, (uintptr_t)im->base + im->text_size))
		return true;
	for (uint32_t i = 0; i < t->region_count; i++) {
		if ((!write || t->regions[i].writable) &&
		    in_range(a, len, t->regions[i].lo, t->regions[i].hi))
			return true;
	}
	return false;
}

static bool args_owned(const struct rvx_hkrt *rt, const struct rvx_hkrt_task *t, uint32_t nr,
		       const struct rvx_syscall_args *a)
{
	/* QueueRecv writes its header into aux; every other aux is read. */
	return task_owns(rt, t, a->in, a->in_len, false) &&
	       task_owns(rt, t, a->out, a->out_len, true) &&
	       task_owns(rt, t, a->aux, a->aux_len, nr == RVX_SYS_QUEUE_RECV);
}

/* ---- component images ------------------------------------------------- */

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Map the component image @p seg (lock held); its index, or a negative error. */
static int image_map(struct rvx_hkrt *rt, const uint8_t *seg, uint64_t len)
{
	uint64_t text, data, bss, entry, map, rela_off, rela_size;
	struct rvx_hkrt_image *im = NULL;
	uint8_t *p;
	int idx = -1;

	if (len < RVX_HKRT_IMAGE_HEADER || memcmp(seg, RVX_HKRT_IMAGE_MAGIC, 8) != 0 ||
	    rd32(seg + 8) != 1u || rd32(seg + 12) != RVX_HKRT_IMAGE_HEADER)
		return -RVX_ENOTSUP;
	rela_off = rd64(seg + 48);
	rela_size = rd64(seg + 56);
	text = rd64(seg + 16);
	data = rd64(seg + 24);
	bss = rd64(seg + 32);
	entry = rd64(seg + 40);
	if (text < RVX_HKRT_IMAGE_PAGE || text % RVX_HKRT_IMAGE_PAGE != 0 || text > (64u << 20) ||
	    data > (64u << 20) || bss > (64u << 20) || len > text + data ||
	    entry < RVX_HKRT_IMAGE_HEADER || entry >= text ||
	    rela_size % 24u != 0 || rela_off > text || rela_size > text - rela_off ||
	    (rela_size != 0 && rela_off < RVX_HKRT_IMAGE_HEADER) || rela_off + rela_size > len ||
	    rvx_hstack_page_size() != RVX_HKRT_IMAGE_PAGE)
		return -RVX_ENOTSUP;
	for (uint32_t i = 0; i < RVX_HKRT_IMAGES_MAX; i++) {
		if (!rt->images[i].live) {
			im = &rt->images[i];
			idx = (int)i;
			break;
		}
	}
	if (im == NULL)
		return -RVX_ELIMIT;
	map = text + (data + bss + RVX_HKRT_IMAGE_PAGE - 1u) / RVX_HKRT_IMAGE_PAGE *
			     RVX_HKRT_IMAGE_PAGE;
	p = mmap(NULL, (size_t)map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -RVX_ENOMEM;
	memcpy(p, seg, (size_t)len);
	/* Relative relocations only, each a pointer-sized slot in the image
	 * pointing into it, applied while the image is still writable. */
	for (uint64_t r = 0; r < rela_size; r += 24u) {
		uint64_t off = rd64(seg + rela_off + r), info = rd64(seg + rela_off + r + 8u);
		uint64_t add = rd64(seg + rela_off + r + 16u), v;

		if ((info & 0xffffffffu) != RELATIVE || (info >> 32) != 0 || off % 8u != 0 ||
		    off < RVX_HKRT_IMAGE_HEADER || off > map - 8u || add >= map) {
			munmap(p, (size_t)map);
			return -RVX_ENOTSUP;
		}
		v = (uint64_t)(uintptr_t)p + add;
		memcpy(p + off, &v, 8);
	}
	__builtin___clear_cache((char *)p, (char *)p + text);
	/* W^X: the text was written while writable; now it only executes. */
	if (mprotect(p, (size_t)text, PROT_READ | PROT_EXEC) != 0) {
		munmap(p, (size_t)map);
		return -RVX_ENOMEM;
	}
	im->base = p;
	im->text_size = (size_t)text;
	im->map_size = (size_t)map;
	im->users = 0;
	im->live = 1;
	return idx;
}

static void image_put(struct rvx_hkrt *rt, int idx)
{
	struct rvx_hkrt_image *im;

	if (idx < 0)
		return;
	im = &rt->images[idx];
	if (im->users > 0)
		im->users--;
	if (im->users == 0 && im->live) {
		munmap(im->base, im->map_size);
		memset(im, 0, sizeof(*im));
	}
}

/* Unmap every image no task was bound to (a mount that did not happen). */
static void images_drop_unused(struct rvx_hkrt *rt)
{
	for (uint32_t i = 0; i < RVX_HKRT_IMAGES_MAX; i++) {
		if (rt->images[i].live && rt->images[i].users == 0) {
			munmap(rt->images[i].base, rt->images[i].map_size);
			memset(&rt->images[i], 0, sizeof(rt->images[i]));
		}
	}
}

/* ---- binding kernel tasks to what they run ---------------------------- */

static rvx_hkrt_entry_fn native_of(const struct rvx_hkrt *rt, uint64_t entry)
{
	for (uint32_t i = 0; i < rt->cfg.native_count; i++) {
		if ((uint64_t)(uintptr_t)rt->cfg.natives[i] == entry)
			return rt->cfg.natives[i];
	}
	return NULL;
}

/* Task @p task (just created) runs @p fn, in image @p image or natively. */
static void bind(struct rvx_hkrt *rt, uint32_t task, rvx_hkrt_entry_fn fn, int image)
{
	struct rvx_hkrt_task *t = &rt->tasks[task];
	uint32_t gen = t->generation + 1u;

	struct rvx_kernel_task_info ti;

	memset(t, 0, sizeof(*t));
	t->generation = gen;
	t->fn = fn;
	t->image = image;
	t->ran_image = image >= 0;
	if (rvx_kernel_task_info(rt->cfg.kernel, task, &ti) == 0)
		t->object = ti.object;
	if (image >= 0)
		rt->images[image].users++;
}

/* End @p task (lock held, not running on any CPU's context). */
static void end_task(struct rvx_hkrt *rt, uint32_t task, uint32_t why, int32_t code)
{
	struct rvx_hkrt_task *t = &rt->tasks[task];
	struct rvx_kernel *k = rt->cfg.kernel;
	int rc;

	if (task == 0) {
		/* The root cannot end; its program is over, so it is held. */
		struct rvx_kernel_task_info ti;

		if (rvx_kernel_task_info(k, 0, &ti) == 0 && !ti.held) {
			rc = rvx_kernel_task_hold(k, 0);
			if (rc != 0)
				fail(rt, rc);
		}
		rt->root_done = 1;
	} else {
		rc = rvx_kernel_task_exit(k, task, code);
		if (rc != 0)
			fail(rt, rc);
	}
	if (t->started)
		(void)rvx_hstack_release(&t->stack);
	image_put(rt, t->image);
	t->image = -1;
	t->fn = NULL;
	t->started = 0;
	t->why = WHY_NONE;
	t->in_call = 0;
	t->kill_pending = 0;
	t->region_count = 0;
	t->end = why;
	t->end_code = code;
	wake_idle(rt);
}

/* ---- the syscall path -------------------------------------------------- */

/* Where manifest task @p i of a package starts: its image and address. */
struct mount_bind {
	int image[RVX_RVF_MAX_TASKS];
	rvx_hkrt_entry_fn fn[RVX_RVF_MAX_TASKS];
};

/* Map the code of a package about to be mounted (lock held); nothing stays
 * mapped on failure. */
static int mount_prepare(struct rvx_hkrt *rt, const uint8_t *pkg, uint64_t len,
			 const struct rvx_rvf_package *p, struct mount_bind *mb)
{
	int seg_image[RVX_RVF_MAX_SEGMENTS];
	const struct rvx_rvf_manifest *m = &p->manifest;
	uint32_t i;
	int rc = 0;

	(void)len;
	for (i = 0; i < RVX_RVF_MAX_SEGMENTS; i++)
		seg_image[i] = -1;
	for (i = 0; i < m->task_count && rc == 0; i++) {
		const struct rvx_rvf_task *tk = &m->tasks[i];
		const struct rvx_rvf_segment *s;

		mb->image[i] = -1;
		mb->fn[i] = NULL;
		if (tk->code_segment == RVX_RVF_NONE) {
			/* An entry symbol: the host program's table. */
			if (tk->entry >= rt->cfg.native_count)
				rc = -RVX_ENOTSUP;
			else
				mb->fn[i] = rt->cfg.natives[tk->entry];
			continue;
		}
		s = &p->segments[tk->code_segment];
		if (seg_image[tk->code_segment] < 0) {
			rc = image_map(rt, pkg + s->offset, s->length);
			if (rc < 0)
				break;
			seg_image[tk->code_segment] = rc;
			rc = 0;
		}
		mb->image[i] = seg_image[tk->code_segment];
		if (tk->entry < RVX_HKRT_IMAGE_HEADER ||
		    tk->entry >= rt->images[mb->image[i]].text_size) {
			rc = -RVX_ENOTSUP;
			break;
		}
		mb->fn[i] = (rvx_hkrt_entry_fn)((uintptr_t)rt->images[mb->image[i]].base + tk->entry);
	}
	if (rc != 0)
		images_drop_unused(rt);
	return rc;
}

static int call_mount(struct rvx_hkrt *rt, uint32_t task, const struct rvx_syscall_args *a,
		      struct rvx_syscall_result *r)
{
	struct rvx_kernel *k = rt->cfg.kernel;
	struct rvx_syscall_args ka = *a;
	struct rvx_rvf_package *p;
	struct mount_bind mb;
	uint32_t ids[RVX_RVF_MAX_TASKS];

	for (uint32_t i = 0; i < RVX_RVF_MAX_TASKS; i++) {
		mb.image[i] = -1;
		mb.fn[i] = NULL;
	}
	uint8_t *copy;
	int rc;

	if (a->in == 0 || a->in_len == 0 || a->in_len > RVX_RVF_MAX_PACKAGE ||
	    (a->out != 0 && a->out_len % 4u != 0))
		return -RVX_EINVAL;
	/* The package is copied first: the caller cannot change what is
	 * verified, what is mounted and what is mapped. */
	copy = malloc((size_t)a->in_len);
	p = malloc(sizeof(*p));
	if (copy == NULL || p == NULL) {
		free(copy);
		free(p);
		return -RVX_ENOMEM;
	}
	memcpy(copy, (const void *)(uintptr_t)a->in, (size_t)a->in_len);
	rc = rvx_rvf_inspect(copy, (size_t)a->in_len, p, NULL);
	if (rc == 0)
		rc = mount_prepare(rt, copy, a->in_len, p, &mb);
	else
		rc = 0; /* malformed: the nucleus refuses it with its reason */
	if (rc == 0) {
		ka.in = (uint64_t)(uintptr_t)copy;
		ka.out = (uint64_t)(uintptr_t)ids;
		ka.out_len = sizeof(ids);
		rc = rvx_syscall(k, task, RVX_SYS_RVF_MOUNT, &ka, r);
		if (rc != 0) {
			images_drop_unused(rt);
		} else {
			uint32_t n = (uint32_t)r->value[2];

			for (uint32_t i = 0; i < n; i++) {
				bind(rt, ids[i], mb.fn[i], mb.image[i]);
				if (rt->cfg.spread && rt->cfg.cpu_count > 1 &&
				    i % rt->cfg.cpu_count != 0) {
					int m = rvx_kernel_task_migrate(k, ids[i],
									i % rt->cfg.cpu_count);

					if (m != 0)
						fail(rt, m);
				}
			}
			if (a->out != 0) {
				uint32_t room = (uint32_t)(a->out_len / 4u);

				memcpy((void *)(uintptr_t)a->out, ids,
				       (size_t)(room < n ? room : n) * 4u);
			}
			rt->mount_ns = now_locked(rt);
		}
	}
	free(copy);
	free(p);
	return rc;
}

/* Issue @p nr for @p task (lock held); @p t is the caller's runtime record. */
static int call(struct rvx_hkrt *rt, uint32_t task, uint32_t nr, const struct rvx_syscall_args *a,
		struct rvx_syscall_result *r, bool trusted)
{
	struct rvx_kernel *k = rt->cfg.kernel;
	struct rvx_hkrt_task *t = &rt->tasks[task];
	rvx_hkrt_entry_fn child_fn = NULL;
	int rc;

	if (!trusted && !args_owned(rt, t, nr, a))
		return -RVX_EINVAL;
	if (nr == RVX_SYS_RVF_MOUNT)
		return call_mount(rt, task, a, r);
	if (nr == RVX_SYS_TASK_SPAWN) {
		/* A component starts children inside its own text; the host
		 * program at one of its native entries. */
		if (t->image >= 0) {
			const struct rvx_hkrt_image *im = &rt->images[t->image];
			uintptr_t e = (uintptr_t)a->arg[0];

			if ((uint64_t)e != a->arg[0] ||
			    e < (uintptr_t)im->base + RVX_HKRT_IMAGE_HEADER ||
			    e >= (uintptr_t)im->base + im->text_size)
				return -RVX_EINVAL;
			child_fn = (rvx_hkrt_entry_fn)e;
		} else {
			child_fn = native_of(rt, a->arg[0]);
			if (child_fn == NULL)
				return -RVX_EINVAL;
		}
	}
	rc = rvx_syscall(k, task, nr, a, r);
	if (rc != 0)
		return rc;
	if (nr == RVX_SYS_TASK_SPAWN) {
		bind(rt, (uint32_t)r->value[0], child_fn, t->image);
	} else if (nr == RVX_SYS_REGION_MAP) {
		struct rvx_kernel_region_memory mem;
		rvx_handle_t cap = {r->value[0]};

		if (rvx_kernel_region_memory(k, task, cap, &mem) == 0) {
			r->value[1] = (uint64_t)(uintptr_t)mem.base;
			if (t->region_count < RVX_HKRT_TASK_REGIONS) {
				struct rvx_hkrt_range *g = &t->regions[t->region_count++];

				g->lo = (uintptr_t)mem.base;
				g->hi = (uintptr_t)mem.base + (uintptr_t)mem.size;
				g->writable = mem.policy == RVX_REGION_POLICY_SLAB &&
					      (mem.rights & RVX_RIGHT_WRITE) != 0;
			}
		}
	}
	return 0;
}

int rvx_hkrt_syscall(struct rvx_hkrt *rt, uint32_t task, uint32_t nr,
		     const struct rvx_syscall_args *a, struct rvx_syscall_result *r)
{
	struct rvx_kernel_task_info ti;
	int rc;

	if (rt == NULL || a == NULL || r == NULL || task >= RVX_KERNEL_TASKS ||
	    (nr == RVX_SYS_QUEUE_RECV && (a->flags & RVX_SYSCALL_F_BLOCK) != 0) ||
	    nr == RVX_SYS_TIMER_WAIT)
		return -RVX_EINVAL;
	pthread_mutex_lock(&rt->lock);
	(void)tick(rt);
	rc = rvx_kernel_task_info(rt->cfg.kernel, task, &ti);
	if (rc == 0 && ti.state == RVX_TASK_RUNNING)
		rc = -RVX_EINVAL;
	if (rc == 0)
		rc = call(rt, task, nr, a, r, true);
	if (rc == 0)
		wake_idle(rt);
	pthread_mutex_unlock(&rt->lock);
	return rc;
}

int rvx_hkrt_sensor_periodic(struct rvx_hkrt *rt, uint32_t sensor, uint64_t period_ns,
			     uint64_t limit)
{
	int rc = 0;

	if (rt == NULL || period_ns == 0)
		return -RVX_EINVAL;
	pthread_mutex_lock(&rt->lock);
	if (rt->running)
		rc = -RVX_EINVAL;
	else if (rt->sensor_count >= RVX_KERNEL_SENSORS)
		rc = -RVX_ELIMIT;
	if (rc == 0) {
		rt->sensors[rt->sensor_count].sensor = sensor;
		rt->sensors[rt->sensor_count].period_ns = period_ns;
		rt->sensors[rt->sensor_count].limit = limit;
		rt->sensors[rt->sensor_count].seq = 0;
		rt->sensor_count++;
	}
	pthread_mutex_unlock(&rt->lock);
	return rc;
}

/* ---- tasks' side ------------------------------------------------------- */

int rvx_hkrt_gate(uint64_t ctx, uint32_t nr, struct rvx_syscall_args *a,
		  struct rvx_syscall_result *r)
{
	struct rvx_hkrt_cpu *c = this_cpu();
	struct rvx_hkrt_task *t;

	if (c == NULL || (uint64_t)(uintptr_t)c->rt != ctx || c->cur == NONE)
		return -RVX_EINVAL;
	t = &c->rt->tasks[c->cur];
	t->nr = nr;
	t->a = a;
	t->r = r;
	t->why = WHY_TRAP;
	/* Trap: the CPU serves the call on its own stack and resumes us. */
	rvx_hctx_switch(&t->ctx, &c->sched_ctx);
	return t->rc;
}

_Noreturn void rvx_hkrt_exit(int32_t code)
{
	struct rvx_hkrt_cpu *c = this_cpu();
	struct rvx_hkrt_task *t;

	if (c == NULL || c->cur == NONE)
		abort(); /* not a task of a runtime */
	t = &c->rt->tasks[c->cur];
	t->why = WHY_EXIT;
	t->exit_code = code;
	rvx_hctx_exit(&c->sched_ctx);
}

static void task_main(void *arg)
{
	struct rvx_hkrt_task *t = arg;

	t->fn(t->start);
}

static void task_returned(void *arg)
{
	(void)arg;
	rvx_hkrt_exit(0);
}

/* ---- CPUs ------------------------------------------------------------- */

/* Give task @p task a context and start block (lock held). */
static int task_prepare(struct rvx_hkrt *rt, struct rvx_hkrt_cpu *c, uint32_t task, uint64_t entry,
			uint64_t now)
{
	struct rvx_hkrt_task *t = &rt->tasks[task];
	struct rvx_kernel *k = rt->cfg.kernel;
	struct rvx_kernel_task_info ti;
	struct rvx_user_start *s;
	size_t top;
	int rc;

	/* A binding is for the kernel task it was made for; a task the
	 * runtime did not see created (its index reused behind its back)
	 * is judged by its entry alone. */
	if (t->fn != NULL && (rvx_kernel_task_info(k, task, &ti) != 0 ||
			      ti.object.raw != t->object.raw)) {
		image_put(rt, t->image);
		t->image = -1;
		t->fn = NULL;
	}
	if (t->fn == NULL) {
		/* Not created through the runtime: only a native entry runs. */
		rvx_hkrt_entry_fn fn = native_of(rt, entry);

		if (fn == NULL)
			return -RVX_ENOTSUP;
		bind(rt, task, fn, -1);
	}
	rc = rvx_hstack_prepare(&t->stack,
				(uint8_t *)rt->cfg.stacks + (size_t)task * rt->cfg.stack_size,
				rt->cfg.stack_size, rvx_hstack_page_size());
	if (rc != 0)
		return rc;
	top = (t->stack.usable - sizeof(*s)) & ~(size_t)63u;
	s = (struct rvx_user_start *)(void *)((uint8_t *)t->stack.base + top);
	memset(s, 0, sizeof(*s));
	s->version = RVX_USER_START_VERSION;
	s->task = task;
	s->cpu = c->index;
	s->gate = (uint64_t)(uintptr_t)rvx_hkrt_gate;
	s->gate_ctx = (uint64_t)(uintptr_t)rt;
	s->now_ns = now;
	for (uint32_t slot = 0; slot < RVX_KERNEL_SLOTS && s->cap_count < RVX_USER_START_CAPS;
	     slot++) {
		struct rvx_cap_info info;

		if (rvx_kernel_cap_slot_info(k, task, slot, &info) == 0 && !info.revoked)
			s->caps[s->cap_count++] = info.handle.raw;
	}
	t->start = s;
	RVX_CHECK(rvx_hctx_init(&t->ctx, t->stack.base, top, task_main, t, task_returned) == 0);
	RVX_CHECK(rvx_hfault_scope_init(&t->scope, &t->stack, &c->sched_ctx, &t->fault,
					t->image >= 0 ? RVX_HFAULT_CONTAIN_ALL : 0) == 0);
	t->started = 1;
	return 0;
}

/* Serve task @p task's trap (lock held). Returns true to resume it now. */
static bool trap(struct rvx_hkrt *rt, struct rvx_hkrt_cpu *c, uint32_t task, bool reissue)
{
	struct rvx_hkrt_task *t = &rt->tasks[task];
	struct rvx_syscall_result kr;
	uint64_t now;
	int rc;

	if (!reissue) {
		t->traps++;
		if (!task_owns(rt, t, (uint64_t)(uintptr_t)t->a, sizeof(*t->a), false) ||
		    !task_owns(rt, t, (uint64_t)(uintptr_t)t->r, sizeof(*t->r), true)) {
			t->rc = -RVX_EINVAL;
			return true;
		}
		t->nr_copy = t->nr;
		t->acopy = *t->a; /* the kernel's copy: the task cannot change it now */
	}
	now = tick(rt);
	memset(&kr, 0, sizeof(kr));
	rc = call(rt, task, t->nr_copy, &t->acopy, &kr, false);
	if (rc == 0 && kr.status == RVX_SYSCALL_BLOCKED) {
		/* Off the CPU until the nucleus wakes it. */
		t->in_call = 1;
		wake_idle(rt);
		return false;
	}
	t->in_call = 0;
	if (rc == 0) {
		memcpy(t->r, &kr, sizeof(kr));
		if (t->image >= 0 && t->nr_copy < RVX_SYS_COUNT)
			rt->calls[t->nr_copy]++;
	}
	t->rc = rc;
	wake_idle(rt);
	if (now - c->picked_at >= rt->cfg.slice_ns) {
		rc = rvx_kernel_put(rt->cfg.kernel, c->index, task, now - c->picked_at, 0);
		if (rc != 0)
			fail(rt, rc);
		return false;
	}
	return true;
}

/* A woken task left mid-call: finish the call (lock held). True: run it. */
static bool resume_call(struct rvx_hkrt *rt, struct rvx_hkrt_cpu *c, uint32_t task)
{
	struct rvx_hkrt_task *t = &rt->tasks[task];

	if (t->nr_copy == RVX_SYS_QUEUE_RECV)
		return trap(rt, c, task, true);
	/* A TimerWait is complete once the task is woken. */
	t->in_call = 0;
	if (t->image >= 0)
		rt->calls[RVX_SYS_TIMER_WAIT]++;
	memset(t->r, 0, sizeof(*t->r));
	t->r->version = RVX_SYSCALL_VERSION;
	t->r->status = RVX_SYSCALL_DONE;
	t->rc = 0;
	return true;
}

static void record_fault(struct rvx_hkrt *rt, uint32_t task)
{
	struct rvx_hkrt_task *t = &rt->tasks[task];
	uint64_t args[2] = {t->fault.kind, t->fault.pc};
	int rc;

	t->fault_addr = t->fault.addr;
	rc = rvx_kernel_port_record(rt->cfg.kernel, RVX_WITNESS_FAULT, task, t->fault.addr, args,
				    sizeof(args));
	if (rc != 0)
		fail(rt, rc);
	end_task(rt, task,
		 t->fault.kind == RVX_HFAULT_STACK_OVERFLOW ? RVX_HKRT_END_STACK_OVERFLOW
							     : RVX_HKRT_END_FAULT,
		 RVX_HKRT_CODE_FAULT);
}

/* Run the picked task @p task until it leaves the CPU (lock held). */
static void run_task(struct rvx_hkrt *rt, struct rvx_hkrt_cpu *c, uint32_t task, uint64_t entry,
		     uint64_t now)
{
	struct rvx_hkrt_task *t = &rt->tasks[task];
	bool go = true;

	c->cur = task;
	c->picked_at = now;
	t->cpu = c->index;
	if (t->kill_pending) {
		end_task(rt, task, RVX_HKRT_END_KILLED, RVX_HKRT_CODE_KILLED);
		c->cur = NONE;
		return;
	}
	if (!t->started && task_prepare(rt, c, task, entry, now) != 0) {
		end_task(rt, task, RVX_HKRT_END_BAD_ENTRY, RVX_HKRT_CODE_BAD_ENTRY);
		c->cur = NONE;
		return;
	}
	if (rt->runs_total++ == 0) {
		int rc = rvx_kernel_boot_stage(rt->cfg.kernel, RVX_KERNEL_BOOT_FIRST_TASK, NULL);

		if (rc != 0)
			fail(rt, rc);
	}
	if (t->image >= 0 && rt->first_instruction_ns == 0)
		rt->first_instruction_ns = now;
	if (t->in_call)
		go = resume_call(rt, c, task);
	while (go) {
		t->runs++;
		t->scope.recover = &c->sched_ctx;
		t->why = WHY_NONE;
		pthread_mutex_unlock(&rt->lock);
		rvx_hfault_set_current(&t->scope);
		rvx_hctx_switch(&c->sched_ctx, &t->ctx);
		rvx_hfault_set_current(NULL);
		pthread_mutex_lock(&rt->lock);
		if (t->fault.kind != RVX_HFAULT_NONE) {
			record_fault(rt, task);
			break;
		}
		if (t->why == WHY_EXIT) {
			end_task(rt, task, RVX_HKRT_END_RETURNED, t->exit_code);
			break;
		}
		if (t->kill_pending) {
			end_task(rt, task, RVX_HKRT_END_KILLED, RVX_HKRT_CODE_KILLED);
			break;
		}
		go = trap(rt, c, task, false);
	}
	t->run_ns += now_locked(rt) - c->picked_at;
	c->cur = NONE;
}

/* Nothing left to run: only the root, and its program (if any) is over. */
static bool finished(struct rvx_hkrt *rt)
{
	struct rvx_kernel_stats st;

	if (rvx_kernel_stats(rt->cfg.kernel, &st) != 0)
		return true;
	return st.tasks <= 1u && (rt->cfg.root == NULL || rt->root_done);
}

/* Wait for work (lock held): until woken, the next tick, the next periodic
 * sensor event, or the kernel's next timer (a task's sleep ending), which
 * would otherwise wait for the tick when no other CPU's event wakes this
 * one. */
static void idle_wait(struct rvx_hkrt *rt, uint64_t now)
{
	uint64_t wait = rt->cfg.tick_ns, at, due;
	struct timespec ts;

	for (uint32_t i = 0; i < rt->sensor_count; i++) {
		if (rt->sensors[i].next > now && rt->sensors[i].next - now < wait)
			wait = rt->sensors[i].next - now;
	}
	if (rvx_kernel_next_timer(rt->cfg.kernel, &due) == 0 && due > now && due - now < wait)
		wait = due - now;
	at = rt->mono0 + (now - rt->cfg.time_base) + wait;
	ts.tv_sec = (time_t)(at / 1000000000u);
	ts.tv_nsec = (long)(at % 1000000000u);
	rt->idle_cpus++;
	pthread_cond_timedwait(&rt->idle, &rt->lock, &ts);
	rt->idle_cpus--;
}

static void cpu_loop(struct rvx_hkrt_cpu *c)
{
	struct rvx_hkrt *rt = c->rt;

	pthread_mutex_lock(&rt->lock);
	while (!rt->stop) {
		uint64_t now = tick(rt), entry = 0;
		uint32_t task;
		int rc;

		if (rt->stop)
			break;
		rc = rvx_kernel_pick(rt->cfg.kernel, c->index, &task, &entry);
		if (rc == 0) {
			run_task(rt, c, task, entry, now);
			continue;
		}
		if (rc != -RVX_EEMPTY) {
			fail(rt, rc);
			break;
		}
		if (finished(rt)) {
			rt->stop = 1;
			break;
		}
		idle_wait(rt, now);
	}
	pthread_cond_broadcast(&rt->idle);
	pthread_mutex_unlock(&rt->lock);
}

static void *cpu_thread(void *arg)
{
	struct rvx_hkrt_cpu *c = arg;

	if (rvx_hfault_thread_init() != 0) {
		pthread_mutex_lock(&c->rt->lock);
		fail(c->rt, -RVX_ENOTSUP);
		pthread_mutex_unlock(&c->rt->lock);
		return NULL;
	}
	hk_cpu = c;
	cpu_loop(c);
	hk_cpu = NULL;
	rvx_hfault_thread_fini();
	return NULL;
}

int rvx_hkrt_run(struct rvx_hkrt *rt)
{
	struct rvx_hkrt_cpu *saved = hk_cpu;
	uint32_t started = 1;
	uint64_t now;
	int rc;

	if (rt == NULL)
		return -RVX_EINVAL;
	if (rvx_hfault_install() != 0 || rvx_hfault_thread_init() != 0)
		return -RVX_ENOTSUP;
	pthread_mutex_lock(&rt->lock);
	if (rt->running) {
		pthread_mutex_unlock(&rt->lock);
		return -RVX_EINVAL;
	}
	rt->running = 1;
	rt->stop = 0;
	rt->result = 0;
	now = now_locked(rt);
	for (uint32_t i = 0; i < rt->sensor_count; i++) {
		if (rt->sensors[i].next == 0)
			rt->sensors[i].next = now + rt->sensors[i].period_ns;
	}
	pthread_mutex_unlock(&rt->lock);
	for (uint32_t i = 1; i < rt->cfg.cpu_count; i++) {
		if (pthread_create(&rt->cpus[i].thread, NULL, cpu_thread, &rt->cpus[i]) != 0) {
			pthread_mutex_lock(&rt->lock);
			fail(rt, -RVX_ENOTSUP);
			pthread_mutex_unlock(&rt->lock);
			break;
		}
		started++;
	}
	hk_cpu = &rt->cpus[0];
	cpu_loop(&rt->cpus[0]);
	hk_cpu = saved;
	for (uint32_t i = 1; i < started; i++)
		pthread_join(rt->cpus[i].thread, NULL);
	pthread_mutex_lock(&rt->lock);
	rt->running = 0;
	rc = rt->result;
	pthread_mutex_unlock(&rt->lock);
	return rc;
}

void rvx_hkrt_stop(struct rvx_hkrt *rt)
{
	if (rt == NULL)
		return;
	pthread_mutex_lock(&rt->lock);
	rt->stop = 1;
	pthread_cond_broadcast(&rt->idle);
	pthread_mutex_unlock(&rt->lock);
}

int rvx_hkrt_kill(struct rvx_hkrt *rt, uint32_t task)
{
	struct rvx_kernel_task_info ti;
	int rc;

	if (rt == NULL || task == 0 || task >= RVX_KERNEL_TASKS)
		return -RVX_EINVAL;
	pthread_mutex_lock(&rt->lock);
	rc = rvx_kernel_task_info(rt->cfg.kernel, task, &ti);
	if (rc == 0) {
		bool running = false;

		for (uint32_t i = 0; i < rt->cfg.cpu_count; i++)
			running |= rt->cpus[i].cur == task;
		if (running) {
			rt->tasks[task].kill_pending = 1;
		} else {
			end_task(rt, task, RVX_HKRT_END_KILLED, RVX_HKRT_CODE_KILLED);
			rc = rt->result;
		}
	}
	pthread_mutex_unlock(&rt->lock);
	return rc;
}

uint32_t rvx_hkrt_task_generation(struct rvx_hkrt *rt, uint32_t task)
{
	uint32_t g;

	if (rt == NULL || task >= RVX_KERNEL_TASKS)
		return 0;
	pthread_mutex_lock(&rt->lock);
	g = rt->tasks[task].generation;
	pthread_mutex_unlock(&rt->lock);
	return g;
}

int rvx_hkrt_task_status(struct rvx_hkrt *rt, uint32_t task, struct rvx_hkrt_task_status *out)
{
	const struct rvx_hkrt_task *t;

	if (rt == NULL || out == NULL || task >= RVX_KERNEL_TASKS)
		return -RVX_EINVAL;
	pthread_mutex_lock(&rt->lock);
	t = &rt->tasks[task];
	memset(out, 0, sizeof(*out));
	out->end = t->end;
	out->code = t->end_code;
	out->cpu = t->cpu;
	out->generation = t->generation;
	out->runs = t->runs;
	out->traps = t->traps;
	out->fault_addr = t->fault_addr;
	out->fault_kind = t->fault.kind;
	out->image = t->ran_image;
	pthread_mutex_unlock(&rt->lock);
	return 0;
}

uint64_t rvx_hkrt_now(struct rvx_hkrt *rt)
{
	uint64_t n;

	pthread_mutex_lock(&rt->lock);
	n = now_locked(rt);
	pthread_mutex_unlock(&rt->lock);
	return n;
}

void rvx_hkrt_times(struct rvx_hkrt *rt, uint64_t *mount_ns, uint64_t *first_instruction_ns)
{
	pthread_mutex_lock(&rt->lock);
	if (mount_ns != NULL)
		*mount_ns = rt->mount_ns;
	if (first_instruction_ns != NULL)
		*first_instruction_ns = rt->first_instruction_ns;
	pthread_mutex_unlock(&rt->lock);
}

void rvx_hkrt_calls(struct rvx_hkrt *rt, uint64_t out[RVX_SYS_COUNT])
{
	pthread_mutex_lock(&rt->lock);
	memcpy(out, rt->calls, sizeof(rt->calls));
	pthread_mutex_unlock(&rt->lock);
}
