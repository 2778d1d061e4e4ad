/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hosted-demo: the foundation libraries working together on the hosted port,
 * the way the nucleus will drive them.
 *
 * A capability space with two tasks, an append-only region and a queue are
 * registered as kernel objects. Task 0 holds full rights and grants task 1 a
 * read-only capability to the queue. Task 1's attempt to send is refused by
 * the rights check; task 0 writes a record into the region and sends a
 * zero-copy descriptor to it; the receiver resolves the descriptor against
 * the region. Revoking the grant makes task 1's handle stale at once.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ruvix/ruvix.h"

enum { TASK_ROOT = 0, TASK_READER = 1 };

RVX_CAP_SPACE_DEFINE(space, 2, 16, 8);
RVX_REGION_DEFINE(journal, 4096);
RVX_QUEUE_DEFINE(inbox, 16, 64);

static int failures;

static void say(const char *fmt_line, int rc)
{
	printf("  %-58s -> %s\n", fmt_line, rc >= 0 ? "ok" : rvx_strerror(rc));
}

static void expect(const char *what, int rc, int want)
{
	say(what, rc);
	if (rc != want) {
		printf("  !! expected %s\n", want >= 0 ? "ok" : rvx_strerror(want));
		failures++;
	}
}

int main(void)
{
	rvx_handle_t q_obj, r_obj, q_root, r_root, q_reader;
	uint8_t secret[16];
	char line[128];

	if (rvx_port_init() != 0 || rvx_port_entropy(secret, sizeof(secret)) != 0) {
		fprintf(stderr, "hosted port unavailable\n");
		return 1;
	}
	uint64_t t0 = rvx_port_time_real_ns();
	printf("RuVix hosted demo: %" PRIu32 " CPUs, clock resolution %" PRIu64 " ns, "
	       "boot secret %02x%02x..%02x\n",
	       rvx_port_cpu_count(), rvx_port_time_real_resolution_ns(), secret[0], secret[1],
	       secret[15]);

	puts("objects and root capabilities");
	expect("capability space: 2 tasks x 16 slots", RVX_CAP_SPACE_INIT(space), 0);
	expect("append-only region, 4096 bytes",
	       rvx_region_init_append(&journal, journal_mem, sizeof(journal_mem)), 0);
	expect("register queue object", rvx_cap_object_create(&space, RVX_OBJ_QUEUE, 0, &q_obj), 0);
	expect("register region object",
	       rvx_cap_object_create(&space, RVX_OBJ_REGION, 0, &r_obj), 0);
	expect("task 0: root capability to the queue (all rights)",
	       rvx_cap_mint(&space, TASK_ROOT, q_obj, RVX_RIGHTS_ALL, 0, &q_root), 0);
	expect("task 0: root capability to the region (all rights)",
	       rvx_cap_mint(&space, TASK_ROOT, r_obj, RVX_RIGHTS_ALL, 0, &r_root), 0);

	puts("delegation");
	expect("task 0 grants task 1 READ on the queue, badge 42",
	       rvx_cap_derive(&space, TASK_ROOT, q_root, TASK_READER, RVX_RIGHT_READ, 42, &q_reader),
	       0);
	expect("task 1 tries to widen its grant to WRITE",
	       rvx_cap_derive(&space, TASK_READER, q_reader, TASK_READER,
			      RVX_RIGHT_READ | RVX_RIGHT_WRITE, 0, &(rvx_handle_t){0}),
	       -RVX_ECANTGRANT);
	expect("task 1 sends on the queue (needs WRITE)",
	       rvx_cap_check(&space, TASK_READER, q_reader, RVX_OBJ_QUEUE, RVX_RIGHT_WRITE, NULL),
	       -RVX_ERIGHTS);

	puts("zero-copy message");
	const char record[] = "sensor 7: temperature 21.5 C";
	uint64_t off = 0;
	int rc = rvx_cap_check(&space, TASK_ROOT, r_root, RVX_OBJ_REGION, RVX_RIGHT_WRITE, NULL);
	expect("task 0 may write the region", rc, 0);
	expect("append the record to the region",
	       rvx_region_append(&journal, record, sizeof(record), &off), 0);
	struct rvx_queue_desc desc = {.region = r_obj.raw, .offset = (uint32_t)off,
				      .length = sizeof(record)};
	struct rvx_queue_msg_hdr hdr = {.type_id = 7, .length = sizeof(desc), .priority = 2,
					.flags = RVX_QUEUE_MSG_DESC,
					.coherence = RVX_QUEUE_COHERENCE_ONE};
	expect("task 0 may write the queue",
	       rvx_cap_check(&space, TASK_ROOT, q_root, RVX_OBJ_QUEUE, RVX_RIGHT_WRITE, NULL), 0);
	expect("send descriptor message, priority 2", rvx_queue_send(&inbox, &hdr, &desc), 0);

	struct rvx_cap_target target;
	struct rvx_queue_msg_hdr in;
	struct rvx_queue_desc got;
	expect("task 1 may read the queue",
	       rvx_cap_check(&space, TASK_READER, q_reader, RVX_OBJ_QUEUE, RVX_RIGHT_READ, &target),
	       0);
	expect("receive", rvx_queue_recv(&inbox, &in, &got, sizeof(got)), (int)sizeof(got));
	const void *bytes = NULL;
	expect("resolve the descriptor against the region",
	       rvx_region_desc_check(&journal, got.offset, got.length, &bytes), 0);
	snprintf(line, sizeof(line), "task 1 (badge %" PRIu64 ") reads: \"%s\"", target.badge,
		 bytes ? (const char *)bytes : "");
	puts(line);
	if (bytes == NULL || memcmp(bytes, record, sizeof(record)) != 0)
		failures++;
	expect("a descriptor past the written bytes is refused",
	       rvx_region_desc_check(&journal, got.offset, 4000, NULL), -RVX_EBADDESC);
	expect("receive again", rvx_queue_recv(&inbox, &in, &got, sizeof(got)), -RVX_EEMPTY);

	puts("revocation");
	rc = rvx_cap_revoke(&space, TASK_ROOT, q_root);
	expect("task 0 revokes everything derived from its queue capability", rc, 1);
	expect("task 1 uses its old handle",
	       rvx_cap_check(&space, TASK_READER, q_reader, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL),
	       -RVX_ESTALE);
	expect("slots in use by task 1", rvx_cap_table_used(&space, TASK_READER), 0);

	printf("%s in %.1f us\n", failures == 0 ? "all steps behaved" : "SOME STEPS MISBEHAVED",
	       (double)(rvx_port_time_real_ns() - t0) / 1000.0);
	return failures == 0 ? 0 : 1;
}
