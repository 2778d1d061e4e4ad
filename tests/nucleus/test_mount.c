/* SPDX-License-Identifier: Apache-2.0 */
/* RvfMount: a signed package creates exactly what its manifest declares;
 * bad signatures, missing required capabilities and too little room refuse
 * it with no partial state. */
#include <bearssl.h>

#include "nk_fixture.h"

TestSuite(nucleus_mount, .init = nk_setup);

static br_ec_private_key signer, rogue;
static uint8_t signer_kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], rogue_kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
static uint8_t signer_pub[65], rogue_pub[65];
static uint8_t pkg[16384];
static const uint8_t region_data[24] = "region initial contents";
static const uint8_t code[32] = {0xd5, 0x03, 0x20, 0x1f};

static void keygen(const char *seed, br_ec_private_key *sk, uint8_t *kbuf, uint8_t pub[65])
{
	br_hmac_drbg_context rng;
	br_ec_public_key pk;
	uint8_t pbuf[BR_EC_KBUF_PUB_MAX_SIZE];

	br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, strlen(seed));
	cr_assert(br_ec_keygen(&rng.vtable, &br_ec_p256_m31, sk, kbuf, BR_EC_secp256r1) == 32);
	cr_assert(br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, sk) == 65);
	memcpy(pub, pk.q, 65);
}

static void set_name(char *dst, const char *s)
{
	memset(dst, 0, RVX_RVF_NAME_SIZE);
	memcpy(dst, s, strlen(s));
}

/* Two tasks, three regions, a queue, a required sensor capability. */
static void manifest(struct rvx_rvf_manifest *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->name, "agent", 5);
	m->task_count = 2;
	set_name(m->tasks[0].name, "perceive");
	m->tasks[0].code_segment = 1;
	m->tasks[0].entry = 4;
	m->tasks[0].deadline_ns = 500000;
	m->tasks[0].stack_size = 4096;
	set_name(m->tasks[1].name, "reason");
	m->tasks[1].code_segment = RVX_RVF_NONE;
	m->tasks[1].entry = 7;
	m->tasks[1].flags = RVX_RVF_TASK_ENTRY_SYMBOL;
	m->tasks[1].stack_size = 4096;
	m->tasks[1].partition = 1;
	m->region_count = 3;
	set_name(m->regions[0].name, "config");
	m->regions[0].policy = RVX_REGION_POLICY_IMMUTABLE;
	m->regions[0].init_segment = 2;
	m->regions[0].size = 64;
	set_name(m->regions[1].name, "log");
	m->regions[1].policy = RVX_REGION_POLICY_APPEND_ONLY;
	m->regions[1].init_segment = RVX_RVF_NONE;
	m->regions[1].size = 1024;
	set_name(m->regions[2].name, "slots");
	m->regions[2].policy = RVX_REGION_POLICY_SLAB;
	m->regions[2].init_segment = RVX_RVF_NONE;
	m->regions[2].size = 512;
	m->regions[2].slot_size = 64;
	m->queue_count = 1;
	set_name(m->queues[0].name, "events");
	m->queues[0].slot_count = 8;
	m->queues[0].max_payload = 32;
	m->required_count = 1;
	set_name(m->required[0].name, "sensor0");
	m->required[0].object_type = RVX_OBJ_SENSOR;
	m->required[0].rights = RVX_RIGHT_READ | RVX_RIGHT_GRANT;
	m->wire_count = 5;
	m->wires[0] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_QUEUE, .object = 0,
					    .rights = RVX_RIGHT_WRITE};
	m->wires[1] = (struct rvx_rvf_wire){.task = 1, .kind = RVX_RVF_WIRE_QUEUE, .object = 0,
					    .rights = RVX_RIGHT_READ};
	m->wires[2] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_REQUIRED, .object = 0,
					    .rights = RVX_RIGHT_READ};
	m->wires[3] = (struct rvx_rvf_wire){.task = 1, .kind = RVX_RVF_WIRE_REGION, .object = 0,
					    .rights = RVX_RIGHT_READ};
	m->wires[4] = (struct rvx_rvf_wire){.task = 0, .kind = RVX_RVF_WIRE_TASK, .object = 1,
					    .rights = RVX_RIGHT_EXECUTE};
}

static size_t build(const struct rvx_rvf_manifest *m, bool use_rogue)
{
	static uint8_t seg[2][2048];
	struct rvx_rvf_input in[4];
	uint8_t id[8], digest[32], sig[64];
	size_t l0, l1, len;

	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, m, NULL, seg[0], sizeof(seg[0]),
					    &l0), 0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_REQUIRED_CAPS, m, NULL, seg[1],
					    sizeof(seg[1]), &l1), 0);
	in[0] = (struct rvx_rvf_input){RVX_RVF_SEG_MANIFEST, seg[0], l0};
	in[1] = (struct rvx_rvf_input){RVX_RVF_SEG_CODE, code, sizeof(code)};
	in[2] = (struct rvx_rvf_input){RVX_RVF_SEG_REGION_DATA, region_data, sizeof(region_data)};
	in[3] = (struct rvx_rvf_input){RVX_RVF_SEG_REQUIRED_CAPS, seg[1], l1};
	rvx_rvf_key_id(use_rogue ? rogue_pub : signer_pub, id);
	cr_assert_eq(rvx_rvf_build(in, 4, id, pkg, sizeof(pkg), &len, digest), 0);
	cr_assert(br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, digest,
					use_rogue ? &rogue : &signer, sig) == 64);
	cr_assert_eq(rvx_rvf_attach_signature(pkg, len, sig), 0);
	return len;
}

static uint64_t req_handle;
static uint32_t ids[4];

static struct rvx_syscall_args mount_args(size_t len)
{
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	req_handle = nk_sensor_cap.raw;
	a.in = (uint64_t)(uintptr_t)pkg;
	a.in_len = len;
	a.aux = (uint64_t)(uintptr_t)&req_handle;
	a.aux_len = 8;
	a.out = (uint64_t)(uintptr_t)ids;
	a.out_len = sizeof(ids);
	return a;
}

static void init_keys(void)
{
	keygen("nucleus mount signer", &signer, signer_kbuf, signer_pub);
	keygen("nucleus mount rogue", &rogue, rogue_kbuf, rogue_pub);
	cr_assert_eq(rvx_kernel_trusted_keys_set(&W.k, signer_pub, 1), 0);
}

Test(nucleus_mount, mount_creates_exactly_the_manifest)
{
	struct rvx_rvf_manifest m;
	struct rvx_kernel_stats before, after;
	struct rvx_syscall_args a;
	struct rvx_cap_info info;
	struct rvx_rvf_package view;
	uint64_t n;
	uint8_t buf[24];
	uint32_t t0, t1;

	init_keys();
	manifest(&m);
	a = mount_args(build(&m, false));
	cr_assert_eq(rvx_kernel_stats(&W.k, &before), 0);
	n = nk_records();
	NK_OK(0, RVX_SYS_RVF_MOUNT, a);
	cr_assert_eq(nk_records(), n + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_MOUNT);
	cr_assert_eq(nk_res.value[2], 2);
	cr_assert_eq(rvx_kernel_stats(&W.k, &after), 0);
	cr_assert_eq(after.tasks, before.tasks + 2);
	cr_assert_eq(after.regions, before.regions + 3);
	cr_assert_eq(after.queues, before.queues + 1);
	cr_assert_eq(after.mounts, 1);
	/* 5 wires plus the caller's MOUNT capability */
	cr_assert_eq(after.caps, before.caps + 6);
	t0 = ids[0];
	t1 = ids[1];
	cr_assert_eq(rvx_cap_table_used(&W.k.caps, t0), 3);
	cr_assert_eq(rvx_cap_table_used(&W.k.caps, t1), 2);
	/* each task keeps its manifest name; the mounting task has none */
	{
		struct rvx_kernel_task_info ti;

		cr_assert_eq(rvx_kernel_task_info(&W.k, t0, &ti), 0);
		cr_assert_str_eq(ti.name, "perceive");
		cr_assert_eq(rvx_kernel_task_info(&W.k, t1, &ti), 0);
		cr_assert_str_eq(ti.name, "reason");
		cr_assert_eq(rvx_kernel_task_info(&W.k, 0, &ti), 0);
		cr_assert_str_eq(ti.name, "");
	}
	cr_assert_eq(rvx_cap_slot_info(&W.k.caps, t0, 0, &info), 0);
	cr_assert_eq(info.type, RVX_OBJ_QUEUE);
	cr_assert_eq(info.rights, RVX_RIGHT_WRITE);
	cr_assert_eq(rvx_cap_slot_info(&W.k.caps, t0, 1, &info), 0);
	cr_assert_eq(info.type, RVX_OBJ_SENSOR);
	cr_assert_eq(info.rights, RVX_RIGHT_READ);
	cr_assert_eq(info.depth, 1); /* derived from the caller's sensor capability */
	cr_assert_eq(rvx_cap_slot_info(&W.k.caps, t1, 1, &info), 0);
	cr_assert_eq(info.type, RVX_OBJ_REGION);
	cr_assert_eq(rvx_region_read(&W.k.regions[info.object_ref].region, 0, buf, sizeof(buf)), 0);
	cr_assert(memcmp(buf, region_data, sizeof(buf)) == 0);
	/* the record's package hash is the real one */
	cr_assert_eq(rvx_rvf_verify(pkg, a.in_len, &W.k.trusted, &view, NULL), 0);
	cr_assert(memcmp(W.k.mounts[nk_res.value[1]].package_hash, view.package_hash, 32) == 0);
	/* the mounted tasks talk through their queue with their own capabilities */
	{
		struct rvx_syscall_args s = nk_args(0);
		struct rvx_syscall_args r;
		struct rvx_queue_msg_hdr h;
		uint8_t msg[4] = {1, 2, 3, 4}, got[32];

		cr_assert_eq(rvx_cap_slot_info(&W.k.caps, t0, 0, &info), 0);
		s.cap = info.handle.raw;
		s.in = (uint64_t)(uintptr_t)msg;
		s.in_len = sizeof(msg);
		NK_OK(t0, RVX_SYS_QUEUE_SEND, s);
		cr_assert_eq(rvx_cap_slot_info(&W.k.caps, t1, 0, &info), 0);
		r = nk_args(info.handle.raw);
		r.out = (uint64_t)(uintptr_t)got;
		r.out_len = sizeof(got);
		r.aux = (uint64_t)(uintptr_t)&h;
		r.aux_len = sizeof(h);
		NK_OK(t1, RVX_SYS_QUEUE_RECV, r);
		cr_assert(memcmp(got, msg, 4) == 0);
		/* but the receiver cannot send */
		NK_FAIL(t1, RVX_SYS_QUEUE_SEND, r, -RVX_ERIGHTS);
	}
}

Test(nucleus_mount, bad_packages_refused_without_trace)
{
	struct rvx_rvf_manifest m;
	struct rvx_syscall_args a;
	size_t len;

	init_keys();
	manifest(&m);
	a = mount_args(build(&m, true)); /* signed by an untrusted key */
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EBADSIG);
	len = build(&m, false);
	a = mount_args(len);
	pkg[len - 70] ^= 1; /* a byte of a segment */
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EBADSIG);
	pkg[len - 70] ^= 1;
	a.in_len = len - 8; /* truncated */
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EINVAL);
	a.in_len = 0;
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EINVAL);
	/* no trusted key at all */
	a = mount_args(len);
	cr_assert_eq(rvx_kernel_trusted_keys_set(&W.k, NULL, 0), 0);
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EBADSIG);
}

Test(nucleus_mount, required_capabilities_checked)
{
	struct rvx_rvf_manifest m;
	struct rvx_syscall_args a;

	init_keys();
	manifest(&m);
	a = mount_args(build(&m, false));
	a.aux_len = 0;
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EINVAL);
	a.aux_len = 8;
	req_handle = nk_queue.raw; /* not a sensor */
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_ETYPE);
	req_handle = rvx_handle_make(15, 0).raw;
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EBADCAP);
	/* a sensor capability without GRANT cannot feed the package */
	{
		struct rvx_syscall_args g = nk_args(nk_sensor_cap.raw);

		g.arg[1] = RVX_RIGHT_READ;
		NK_OK(0, RVX_SYS_CAP_GRANT, g);
		req_handle = nk_res.value[0];
		NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_ERIGHTS);
	}
	/* the caller needs EXECUTE and WRITE on its task capability */
	a.cap = nk_queue.raw;
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_ETYPE);
}

Test(nucleus_mount, capacity_checked_before_anything)
{
	struct rvx_rvf_manifest m;
	struct rvx_syscall_args a, s = nk_args(nk_root.task.raw);
	uint32_t i;

	init_keys();
	manifest(&m);
	m.regions[1].size = sizeof(W.region_pool); /* more than the pool */
	a = mount_args(build(&m, false));
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_ENOMEM);
	manifest(&m);
	m.tasks[1].partition = RVX_KERNEL_PARTITIONS; /* valid RVF, not here */
	a = mount_args(build(&m, false));
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EMANIFEST);
	/* one free task slot left: the second task would not fit */
	manifest(&m);
	a = mount_args(build(&m, false));
	for (i = 2; i < RVX_KERNEL_TASKS; i++)
		NK_OK(0, RVX_SYS_TASK_SPAWN, s);
	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_ELIMIT);
}
