/* SPDX-License-Identifier: Apache-2.0 */
/* Bad manifests, each signed correctly: refused with -RVX_EMANIFEST and the reason. */
#include <criterion/criterion.h>
#include <string.h>

#include "rvf_fixture.h"

TestSuite(rvf_manifest, .init = fx_init);

static uint8_t pkg[PKG_CAP];

static void expect_bad(const struct rvx_rvf_manifest *m, enum rvx_rvf_reason why)
{
	size_t len = fx_build(m, pkg);
	fx_expect_refused(pkg, len, -RVX_EMANIFEST, why);
}

#define MUTATE(test_name, reason, body)                 \
	Test(rvf_manifest, test_name)                   \
	{                                               \
		struct rvx_rvf_manifest m;              \
		fx_manifest(&m);                        \
		body;                                   \
		expect_bad(&m, reason);                 \
	}

/* indices out of range */
MUTATE(wire_task_out_of_range, RVX_RVF_MF_INDEX, m.wires[0].task = 2)
MUTATE(wire_queue_out_of_range, RVX_RVF_MF_INDEX, m.wires[0].object = 1)
MUTATE(wire_region_out_of_range, RVX_RVF_MF_INDEX, m.wires[3].object = 3)
MUTATE(wire_task_object_out_of_range, RVX_RVF_MF_INDEX, m.wires[5].object = 9)
MUTATE(wire_required_out_of_range, RVX_RVF_MF_INDEX, m.wires[2].object = 1)
MUTATE(wire_unknown_kind, RVX_RVF_MF_INDEX, m.wires[2].kind = 9)
MUTATE(task_code_segment_out_of_range, RVX_RVF_MF_INDEX, m.tasks[0].code_segment = S_COUNT)
MUTATE(task_code_segment_wrong_type, RVX_RVF_MF_INDEX, m.tasks[0].code_segment = S_DATA)
MUTATE(task_entry_past_code, RVX_RVF_MF_INDEX, m.tasks[0].entry = 40)
MUTATE(symbol_task_with_code_segment, RVX_RVF_MF_INDEX, m.tasks[1].code_segment = S_CODE)
MUTATE(region_init_wrong_type, RVX_RVF_MF_INDEX, m.regions[0].init_segment = S_CODE)
MUTATE(region_init_out_of_range, RVX_RVF_MF_INDEX, m.regions[0].init_segment = 40)
MUTATE(slab_with_init_data, RVX_RVF_MF_INDEX, m.regions[2].init_segment = S_DATA)
MUTATE(policy_object_out_of_range, RVX_RVF_MF_INDEX, m.policies[1].object = 1)
MUTATE(policy_bad_kind, RVX_RVF_MF_INDEX, m.policies[1].kind = RVX_RVF_WIRE_TASK)
MUTATE(policy_authority_out_of_range, RVX_RVF_MF_INDEX, m.policies[0].authority = 1)

/* rights */
MUTATE(rights_widening_past_required, RVX_RVF_MF_RIGHTS, m.wires[2].rights = RVX_RIGHT_READ | RVX_RIGHT_WRITE)
MUTATE(write_on_immutable_region, RVX_RVF_MF_RIGHTS, m.wires[3].rights = RVX_RIGHT_WRITE)
MUTATE(execute_on_queue, RVX_RVF_MF_RIGHTS, m.wires[0].rights = RVX_RIGHT_EXECUTE)
MUTATE(empty_rights, RVX_RVF_MF_RIGHTS, m.wires[1].rights = 0)
MUTATE(unknown_rights, RVX_RVF_MF_RIGHTS, m.wires[5].rights = 0x80)
MUTATE(required_unknown_rights, RVX_RVF_MF_RIGHTS, m.required[0].rights = 0x100)

/* values */
MUTATE(zero_size_region, RVX_RVF_MF_VALUE, m.regions[1].size = 0)
MUTATE(huge_region, RVX_RVF_MF_VALUE, m.regions[1].size = RVX_RVF_MAX_REGION_SIZE + 1)
MUTATE(init_data_larger_than_region, RVX_RVF_MF_VALUE, m.regions[0].size = 8)
MUTATE(unknown_region_policy, RVX_RVF_MF_VALUE, m.regions[1].policy = 4)
MUTATE(slab_slot_bigger_than_region, RVX_RVF_MF_VALUE, m.regions[2].slot_size = 2048)
MUTATE(slab_without_slot_size, RVX_RVF_MF_VALUE, m.regions[2].slot_size = 0)
MUTATE(slot_size_on_append_region, RVX_RVF_MF_VALUE, m.regions[1].slot_size = 8)
MUTATE(queue_slots_not_power_of_two, RVX_RVF_MF_VALUE, m.queues[0].slot_count = 12)
MUTATE(queue_zero_payload, RVX_RVF_MF_VALUE, m.queues[0].max_payload = 0)
MUTATE(queue_payload_too_large, RVX_RVF_MF_VALUE, m.queues[0].max_payload = RVX_RVF_MAX_QUEUE_PAYLOAD + 1)
MUTATE(stack_too_small, RVX_RVF_MF_VALUE, m.tasks[0].stack_size = 512)
MUTATE(stack_misaligned, RVX_RVF_MF_VALUE, m.tasks[0].stack_size = 4100)
MUTATE(partition_out_of_range, RVX_RVF_MF_VALUE, m.tasks[1].partition = RVX_RVF_MAX_PARTITIONS)
MUTATE(required_object_type_none, RVX_RVF_MF_VALUE, m.required[0].object_type = 0)
MUTATE(policy_bad_tier, RVX_RVF_MF_VALUE, m.policies[1].tier = 4)
MUTATE(policy_key_range_reversed, RVX_RVF_MF_VALUE, (m.policies[0].key_lo = 10, m.policies[0].key_hi = 9))
MUTATE(policy_rate_without_window, RVX_RVF_MF_VALUE, m.policies[0].rate_window_ns = 0)
MUTATE(deep_without_authority, RVX_RVF_MF_VALUE, m.policies[0].authority = RVX_RVF_NONE)

/* names */
MUTATE(empty_package_name, RVX_RVF_MF_NAME, memset(m.name, 0, sizeof(m.name)))
MUTATE(package_name_not_terminated, RVX_RVF_MF_NAME, memset(m.name, 'a', sizeof(m.name)))
MUTATE(name_not_nul_padded, RVX_RVF_MF_NAME, m.tasks[0].name[10] = 'x')
MUTATE(duplicate_task_name, RVX_RVF_MF_NAME, memcpy(m.tasks[1].name, m.tasks[0].name, 16))
MUTATE(duplicate_region_name, RVX_RVF_MF_NAME, memcpy(m.regions[2].name, m.regions[1].name, 16))
MUTATE(empty_queue_name, RVX_RVF_MF_NAME, m.queues[0].name[0] = 0)

/* reserved fields */
MUTATE(task_unknown_flag, RVX_RVF_MF_RESERVED, m.tasks[0].flags = 2)
MUTATE(task_reserved_byte, RVX_RVF_MF_RESERVED, m.tasks[0].reserved[3] = 1)
MUTATE(wire_reserved, RVX_RVF_MF_RESERVED, m.wires[0].reserved2 = 1)
MUTATE(witness_unknown_flag, RVX_RVF_MF_RESERVED, m.witness.flags = 0x10)

/* duplicates and limits */
MUTATE(duplicate_wire, RVX_RVF_MF_DUPLICATE, m.wires[1].task = 0)
MUTATE(duplicate_policy, RVX_RVF_MF_DUPLICATE, (m.policies[1].kind = RVX_RVF_WIRE_REGION, m.policies[1].object = 2))

Test(rvf_manifest, count_over_limit)
{
	struct rvx_rvf_manifest m;
	uint8_t seg[2048];
	size_t l, len;

	fx_manifest(&m);
	m.task_count = 0;
	m.region_count = 0;
	m.queue_count = 0;
	m.wire_count = 0;
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, seg, sizeof(seg), &l), 0);
	seg[36] = RVX_RVF_MAX_TASKS + 1; /* task count */
	struct rvx_rvf_input in = { RVX_RVF_SEG_MANIFEST, seg, l };
	len = fx_build_segs(&in, 1, pkg);
	fx_expect_refused(pkg, len, -RVX_EMANIFEST, RVX_RVF_MF_LIMIT);
}

Test(rvf_manifest, length_disagrees_with_counts)
{
	struct rvx_rvf_manifest m;
	uint8_t seg[2048];
	size_t l, len;

	fx_manifest(&m);
	m.task_count = 0;
	m.region_count = 0;
	m.queue_count = 0;
	m.wire_count = 0;
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, seg, sizeof(seg), &l), 0);
	seg[38] = 1; /* one region, but no record */
	struct rvx_rvf_input in = { RVX_RVF_SEG_MANIFEST, seg, l };
	len = fx_build_segs(&in, 1, pkg);
	fx_expect_refused(pkg, len, -RVX_EMANIFEST, RVX_RVF_MF_LENGTH);
	/* a manifest shorter than its header */
	in.length = 40;
	len = fx_build_segs(&in, 1, pkg);
	fx_expect_refused(pkg, len, -RVX_EMANIFEST, RVX_RVF_MF_LENGTH);
}

Test(rvf_manifest, bad_authority_key_record)
{
	struct rvx_rvf_manifest m;
	fx_manifest(&m);
	size_t len = fx_build(&m, pkg);
	uint64_t off = rvx_le_get64(pkg + fx_entry(S_PROOF, 8));
	uint8_t seg[512];
	size_t l = (size_t)rvx_le_get64(pkg + fx_entry(S_PROOF, 16));
	memcpy(seg, pkg + off, l);
	seg[16] = 0x02; /* compressed-point prefix: not accepted */
	(void)len;
	/* rebuild every segment with the altered proof policy */
	uint8_t mf[2048], rq[512], wt[64];
	size_t lm, lr, lw;
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, mf, sizeof(mf), &lm), 0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_REQUIRED_CAPS, &m, NULL, rq, sizeof(rq), &lr), 0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_WITNESS_POLICY, &m, NULL, wt, sizeof(wt), &lw), 0);
	struct rvx_rvf_input in[S_COUNT] = {
		{ RVX_RVF_SEG_MANIFEST, mf, lm },
		{ RVX_RVF_SEG_CODE, fx_code, sizeof(fx_code) },
		{ RVX_RVF_SEG_REGION_DATA, fx_data, sizeof(fx_data) },
		{ RVX_RVF_SEG_VECTOR_SEED, fx_vseed, sizeof(fx_vseed) },
		{ RVX_RVF_SEG_REQUIRED_CAPS, rq, lr },
		{ RVX_RVF_SEG_PROOF_POLICY, seg, l },
		{ RVX_RVF_SEG_WITNESS_POLICY, wt, lw },
	};
	len = fx_build_segs(in, S_COUNT, pkg);
	fx_expect_refused(pkg, len, -RVX_EMANIFEST, RVX_RVF_MF_VALUE);
	seg[16] = 0x04;
	seg[16 + 66] = 1; /* padding after the key */
	len = fx_build_segs(in, S_COUNT, pkg);
	fx_expect_refused(pkg, len, -RVX_EMANIFEST, RVX_RVF_MF_RESERVED);
}
