/* SPDX-License-Identifier: Apache-2.0 */
/* rvx_sched_validate() and rvx_timer_validate(): state built by the library
 * passes; each kind of corruption of its bytes is reported. */
#include <criterion/criterion.h>
#include <stdalign.h>
#include <string.h>

#include "ruvix/sched.h"
#include "ruvix/timer.h"

#define NT 8u
static alignas(8) uint64_t smem[(RVX_SCHED_STORAGE_SIZE(NT, 2, 2, NT) + 7u) / 8u];
static alignas(8) uint64_t tmem[(RVX_TIMER_STORAGE_SIZE(NT) + 7u) / 8u];
static struct rvx_sched s;
static struct rvx_timer t;
static rvx_handle_t ids[4];

static void build(void)
{
	rvx_handle_t h;

	cr_assert_eq(rvx_sched_init(&s, smem, sizeof(smem), NT, 2, 2, NT, 1000000), 0);
	for (uint32_t i = 0; i < 4; i++) {
		cr_assert_eq(rvx_sched_task_create(&s, 0, 0, 1000 * (i + 1), 0, &ids[i]), 0);
		cr_assert_eq(rvx_sched_task_wake(&s, ids[i], 10), 0);
	}
	cr_assert_eq(rvx_timer_init(&t, tmem, sizeof(tmem), NT), 0);
	for (uint32_t i = 0; i < 4; i++)
		cr_assert_eq(rvx_timer_arm_at(&t, 500 - i * 10, i, &h), 0);
}

static int sv(void)
{
	return rvx_sched_validate(&s, smem, sizeof(smem));
}

static int tv(void)
{
	return rvx_timer_validate(&t, tmem, sizeof(tmem));
}

TestSuite(sched_validate, .init = build);

Test(sched_validate, built_state_passes)
{
	rvx_handle_t run;
	uint32_t flags;

	cr_assert_eq(sv(), 0);
	cr_assert_eq(tv(), 0);
	cr_assert_eq(rvx_sched_pick(&s, 0, 20, &run, &flags), 0);
	cr_assert_eq(sv(), 0);
	cr_assert_eq(rvx_sched_validate(&s, smem, 8), -RVX_ENOMEM);
	cr_assert_eq(rvx_timer_validate(&t, tmem, 8), -RVX_ENOMEM);
	cr_assert_eq(rvx_sched_validate(NULL, smem, sizeof(smem)), -RVX_EINVAL);
	cr_assert_eq(rvx_timer_validate(NULL, tmem, sizeof(tmem)), -RVX_EINVAL);
}

Test(sched_validate, heap_order_reported)
{
	struct rvx_sched_hent a = s.heaps[0], b = s.heaps[1];

	s.heaps[0] = b;
	s.heaps[1] = a;
	s.pos[a.task] = 1;
	s.pos[b.task] = 0;
	cr_assert_eq(sv(), -RVX_EINVAL);
}

Test(sched_validate, positions_and_counts_reported)
{
	s.pos[rvx_handle_index(ids[2])] = 3;
	cr_assert_eq(sv(), -RVX_EINVAL);
	build();
	s.rqs[0].count = 3;
	cr_assert_eq(sv(), -RVX_EINVAL);
	build();
	s.cpus[0].ready = 9;
	cr_assert_eq(sv(), -RVX_EINVAL);
	build();
	s.live = 2;
	cr_assert_eq(sv(), -RVX_EINVAL);
	build();
	s.rqs[0].elig_pos = RVX_SCHED_NIL;
	cr_assert_eq(sv(), -RVX_EINVAL);
}

Test(sched_validate, task_fields_reported)
{
	s.tasks[0].state = 7;
	cr_assert_eq(sv(), -RVX_EINVAL);
	build();
	s.tasks[1].cpu = 2;
	cr_assert_eq(sv(), -RVX_EINVAL);
	build();
	s.tasks[1].risk = 70000;
	cr_assert_eq(sv(), -RVX_EINVAL);
	build();
	s.tasks[1].key += 1;
	cr_assert_eq(sv(), -RVX_EINVAL);
	build();
	s.cpus[1].running = 2;
	cr_assert_eq(sv(), -RVX_EINVAL);
}

Test(sched_validate, free_list_reported)
{
	s.tasks[s.free_head].link = s.free_head;
	cr_assert_eq(sv(), -RVX_EINVAL);
	build();
	s.free_head = NT;
	cr_assert_eq(sv(), -RVX_EINVAL);
}

Test(sched_validate, timer_corruption_reported)
{
	struct rvx_timer_slot *sl = (struct rvx_timer_slot *)(void *)tmem;
	uint32_t *heap = (uint32_t *)(void *)((uint8_t *)tmem + NT * sizeof(*sl));
	uint32_t a = heap[0], b = heap[1];

	heap[0] = b;
	heap[1] = a;
	sl[a].link = 1;
	sl[b].link = 0;
	cr_assert_eq(tv(), -RVX_EINVAL);
	build();
	t.count = 5;
	cr_assert_eq(tv(), -RVX_EINVAL);
	build();
	sl[heap[2]].link = 9;
	cr_assert_eq(tv(), -RVX_EINVAL);
	build();
	sl[t.free_head].link = t.free_head;
	cr_assert_eq(tv(), -RVX_EINVAL);
	build();
	sl[heap[0]].seq = t.next_seq;
	cr_assert_eq(tv(), -RVX_EINVAL);
}
