#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Boot the virt image in partition mode under QEMU and check what it did.

usage: partitions.py --qemu QEMU --image IMG --check CHECK [--verify-tool RUVIX]
                     [--transcript FILE] [--smp N --placement smp|smp-shared]
       partitions.py --qemu QEMU --image IMG --check numa|numa-rr [...]

With --placement the demo runs on N CPUs (-smp N, -append
rvx.partitions=smp or =smp-shared) and every check also asserts where the
partitions ran: smp puts A on CPU 1 and B on CPU 2, then moves A to CPU 3
while it runs (a suspend, a witnessed migration with its tasks, timers and
queue waits, a resume); smp-shared puts both on the last CPU.

Checks (each boots QEMU once with -append rvx.partitions, except budget):
  isolation  each partition tried to read and write the other's memory, read
             and write the kernel's memory, touch a device it holds no lease
             for, use a capability it was not given, pass the kernel a
             pointer into the kernel's memory, read the PMU's cycle counter
             (shared, not switched), power the machine off through PSCI
             (SMC) and run an undefined instruction (its own EL1 vectors
             report it): every attempt was stopped (a
             stage-2 fault or the capability/pointer check), witnessed (a
             FAULT record), contained (the task restarted), while the other
             partition kept running; the two partitions talked over their
             CommEdges, whose traffic was counted; each mapped a region of
             its own; the UART lease worked and its use after expiry
             faulted; a second lease, to B, worked until revoked and its
             use after revocation faulted; the witness dump verifies
             (ruvix witness verify-dump) without a gap.
  recovery   a crash injected three times into partition B's listener: two
             task restarts, then the partition reconstructed from its
             checkpoint (stage 2 rebuilt from its mapping journal, memory
             restored) and its construction journal: its task ended
             (TASK_EXIT), the messages it left in flight drained, a fresh
             task spawned with fresh capabilities (TASK_SPAWN), its region
             mapped again (REGION_MAP), A's grant to it re-made (CAP_GRANT,
             PARTITION_CAP_GRANT), in that order, then the rebuild record;
             no old handle is among the new ones, an old handle used by
             the rebuilt task is refused as stale, the rebuilt task answers
             a ping with its new capabilities, A's capabilities are
             unchanged; a corrupted state region rolled back; RECOVERY
             records for each rung; partition A's heartbeat went on; no
             global reboot.
  actions    enumerate the privileged actions the run performed (the
             RVX-ACT lines the kernel prints where it acts) and check that
             each has its witness record, in order, with the right kind and
             actor, and that no such record lacks an action.
  coherence  -append "rvx.partitions=smp rvx.coherence=on" (use --smp 2): the
             coherence engine in lib/part places the partitions at each
             epoch close: every decision is a PLACEMENT record (0x8203,
             one per "placement" action, its placement in the arguments),
             A and B, which talk over their CommEdges, end up on one CPU,
             moved by witnessed migrations with their tasks, the actions
             check holds and the dump verifies.
  numa       -append "rvx.partitions=numa rvx.coherence=on" on 4 CPUs in two
             NUMA nodes (NUMA_ARGS: -numa node,nodeid=0,cpus=0-1 ...
             -numa dist,src=0,dst=1,val=20), under -icount shift=0: the
             image reports the DTB's topology; four partitions in two
             clusters (A+C, B+D) start round-robin, split across the nodes;
             the engine (k = nodes) gathers each cluster on one node. Every
             decision, move and epoch's traffic is paired with its record
             (kind, actor, epoch; the argument digests include the
             journal's MAC, so they cannot be recomputed here), every
             migration after a decision goes where the last decision said
             and from where the log had the partition, the final CPUs are
             the last decision's, and once
             the clusters are together only the 8-byte trickle crosses nodes
             (cross-node bytes = 8 x cross-node messages); the epochs'
             traffic adds up to the kernel's per-edge counts.
  teardown-reuse  -append "rvx.partitions=smp rvx.test=teardown-reuse" (use
             --smp 4 --placement smp): after the demo, A's talker spins at EL1
             on CPU 3 (never trapping by itself); the root tears the
             partitions down and, in the same hold of the kernel lock, spawns
             a task into the talker's index on a third CPU, which zeroes the
             top half of that index's stack and keeps running there while
             CPU 3 is kicked through the kernel, then checks every zero. The
             teardown must have waited until CPU 3 left the talker (before it
             did, CPU 3 came back to a stack and slot that were the new
             task's and the image panicked); the actions check holds and the
             dump verifies.
  numa-rr    the same without the engine (round-robin stays): no decision,
             no move, every byte crosses nodes (also with -Dcoherence=disabled).
  budget     -append rvx.partitions=bench under -icount shift=0 (guest time
             = instructions): the hot partition switch through the trap is
             within 2 us of guest time, the raw switch within 2 us too, and
             each partition's FP/SIMD registers and EL1 registers survived.
"""
import argparse
import hashlib
import re
import struct
import subprocess
import sys

# Witness kinds (lib/witness) and the hyp events without a named kind.
KINDS = {
    "partition-create": 23, "partition-destroy": 24, "partition-suspend": 25,
    "partition-resume": 26, "lease-grant": 27, "lease-expire": 28, "lease-revoke": 29,
    "cap-grant": 30, "fault": 31, "recovery": 32, "switch-summary": 33,
    "edge-create": 0x8100 + 5, "edge-destroy": 0x8100 + 6,
    "partition-checkpoint": 0x8000 + 0x200, "partition-rebuild": 0x8000 + 0x201,
    "partition-migrate": 0x8000 + 0x202, "placement": 0x8000 + 0x203,
    "traffic": 0x8000 + 0x204,
}
# Two NUMA nodes of two CPUs and 128 MiB each, remote distance 20.
NUMA_ARGS = ["-smp", "4,sockets=2,cores=2",
             "-object", "memory-backend-ram,id=m0,size=128M",
             "-object", "memory-backend-ram,id=m1,size=128M",
             "-numa", "node,nodeid=0,cpus=0-1,memdev=m0",
             "-numa", "node,nodeid=1,cpus=2-3,memdev=m1",
             "-numa", "dist,src=0,dst=1,val=20"]
# Nucleus record kinds a reconstruction leaves.
TASK_SPAWN, TASK_EXIT, CAP_GRANT, REGION_MAP = 2, 3, 7, 10
NONE32 = 0xFFFFFFFF


def boot(args, append, icount=False, numa=False):
    cmd = [args.qemu, "-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m", "256M",
           "-smp", str(args.smp), "-nographic", "-nic", "none", "-semihosting",
           "-kernel", args.image, "-append", append]
    if numa:
        cmd[cmd.index("-smp"):cmd.index("-smp") + 2] = NUMA_ARGS
    if icount:
        cmd[1:1] = ["-icount", "shift=0"]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=55)
        code, out = p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        code, out = None, (e.stdout or b"").decode("utf-8", "replace")
    out = out.replace("\r\n", "\n")
    if args.transcript:
        with open(args.transcript, "w") as f:
            f.write(out)
    print(" ".join(cmd))
    print("exit %s" % code)
    return code, out


def records(out):
    m = re.search(r"^RVX-WITNESS-BEGIN (\d+) (\d+)$", out, re.M)
    end = re.search(r"^RVX-WITNESS-END ([0-9a-f]{64})$", out, re.M)
    if not m or not end:
        raise AssertionError("no witness dump")
    recs = [bytes.fromhex(x) for x in re.findall(r"^RVX-W ([0-9a-f]{128})$", out, re.M)]
    if len(recs) != int(m.group(1)) or int(m.group(2)) != 0:
        raise AssertionError("the dump is not the whole log")
    for i, r in enumerate(recs):
        if struct.unpack_from("<Q", r, 0)[0] != i:
            raise AssertionError("gap or reorder at record %d" % i)
    if hashlib.sha256(b"".join(recs)).digest() != bytes.fromhex(end.group(1)):
        raise AssertionError("chain head is not SHA-256 of the records")
    return [{"seq": struct.unpack_from("<Q", r, 0)[0],
             "kind": struct.unpack_from("<H", r, 16)[0],
             "actor": struct.unpack_from("<I", r, 20)[0],
             "target": struct.unpack_from("<Q", r, 24)[0]} for r in recs]


def verify_tool(args, out):
    if not args.verify_tool:
        return
    v = subprocess.run([args.verify_tool, "witness", "verify-dump", "-"], input=out.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    text = v.stdout.decode("utf-8", "replace")
    print(text.rstrip().splitlines()[-1] if text.strip() else "(no output)")
    if v.returncode != 0:
        print(text)
        raise AssertionError("ruvix witness verify-dump failed (%d)" % v.returncode)


def need(out, pattern, what):
    if not re.search(pattern, out, re.M):
        raise AssertionError("missing: %s (/%s/)" % (what, pattern))


def actions(out):
    acts = []
    for m in re.finditer(r"^RVX-ACT (\S+) part=(\S)", out, re.M):
        actor = NONE32 if m.group(2) == "-" else ord(m.group(2)) - ord("A")
        acts.append((m.group(1), actor))
    return acts


def check_isolation(out, recs):
    stopped = {}
    for m in re.finditer(r"^RVX-STOPPED part=(\S) cause=(\S+) count=(\d+)$", out, re.M):
        stopped[(m.group(1), m.group(2))] = int(m.group(3))
    for part in "AB":
        # read + write of the other's memory, of the kernel's memory
        for cause, n in (("other-partition-memory", 2), ("kernel-memory", 2),
                         ("device-without-lease", 1), ("capability", 1), ("bad-pointer", 1),
                         ("system-register", 1), ("smc", 1), ("el1-exception", 1)):
            if stopped.get((part, cause), 0) < n:
                raise AssertionError("partition %s: %s stopped %d times, expected %d" % (
                    part, cause, stopped.get((part, cause), 0), n))
        need(out, r"^RVX-PART %s .* probes=10 " % part, "partition %s made all 10 attempts" % part)
    if "RVX-PROBE-NOT-STOPPED" in out:
        raise AssertionError("an attempt was not stopped")
    if "RVX-LEASE-BROKEN" in out:
        raise AssertionError("the UART was usable after its lease ended")
    need(out, r"^RVX-PA talker: 20 pings sent to partition B, 20 pongs back$", "the CommEdge talk")
    need(out, r"^RVX-PA talker: running at EL1$", "partition code at EL1")
    for part in "AB":
        need(out, r"^RVX-S2 part=%s image pages: \d+ unmapped \(kernel\), \d+ guest text R-X; "
             r"own memory 32 pages RW-; as intended$" % part,
             "partition %s's stage 2 read back: kernel unmapped" % part)
    need(out, r"^RVX-LEASE partition A writes this line itself", "a write through the lease")
    need(out, r"^RVX-ACT lease-expire part=A", "the lease's expiry")
    need(out, r"^RVX-STOPPED part=A cause=device-lease-ended count=1$", "use after expiry faulted")
    need(out, r"^RVX-LEASE partition B writes this line", "B's write through its own lease")
    need(out, r"^RVX-ACT lease-revoke part=B", "the revocation of B's lease")
    need(out, r"^RVX-STOPPED part=B cause=device-lease-ended count=1$", "use after revocation faulted")
    for part in "AB":
        need(out, r"^RVX-PART %s .* region=0x[1-9a-f][0-9a-f]*$" % part,
             "partition %s mapped a region of its own" % part)
    for e, (a, b) in enumerate((("A", "B"), ("B", "A"))):
        m = re.search(r"^RVX-EDGE %d %s->%s messages=(\d+) bytes=(\d+)$" % (e, a, b), out, re.M)
        if not m or int(m.group(1)) < 20:
            raise AssertionError("edge %s->%s traffic not counted" % (a, b))
    # Each stopped attempt has a FAULT record of its partition.
    faults = [r for r in recs if r["kind"] == KINDS["fault"]]
    nstopped = sum(stopped.values())
    if len(faults) != nstopped:
        raise AssertionError("%d faults stopped, %d FAULT records" % (nstopped, len(faults)))
    hb = re.search(r"^RVX-HEARTBEAT part=A before=(\d+) after=(\d+)$", out, re.M)
    if not hb or int(hb.group(2)) <= int(hb.group(1)):
        raise AssertionError("partition A did not keep running")
    # A suspended partition does not run; resumed, it goes on.
    sus = re.search(r"^RVX-SUSPEND part=A heartbeat at-suspend=(\d+) after-30ms=(\d+) "
                    r"after-resume=(\d+)$", out, re.M)
    if not sus or sus.group(1) != sus.group(2) or int(sus.group(3)) <= int(sus.group(2)):
        raise AssertionError("suspend/resume of partition A not as expected: %s" % (
            sus.group(0) if sus else "no RVX-SUSPEND line"))
    # Each prober was stopped for good after its attempts, and the other
    # tasks ended with their partitions: one TASK_EXIT record per task,
    # and nothing ran at EL1 after the teardown.
    # B's reconstruction ends its listener too (code 2), and its rebuilt
    # listener ends with the partition.
    ended = [(int(t), int(c)) for t, c in
             re.findall(r"^RVX-TASK-EXIT part=\S task=(\d+) code=(-?\d+)$", out, re.M)]
    exits = [t for t, _ in ended]
    rec_exits = [r["actor"] for r in recs if r["kind"] == TASK_EXIT]
    if (len([c for _, c in ended if c == 0]) != 4 or len([c for _, c in ended if c == 2]) != 1
            or len(ended) != 5 or exits != rec_exits):
        raise AssertionError("task exits %s, TASK_EXIT records %s" % (ended, rec_exits))
    need(out, r"^RVX-PARTITIONS done: 0 EL1 loads after the teardown$", "nothing ran after")
    print("isolation: every attempt stopped and witnessed (%d FAULT records), edges counted"
          % len(faults))


def check_recovery(out, recs):
    ladder = re.findall(r"^RVX-ACT recovery part=B action=(\S+) task=\d+ failures=(\d+) ok=1$",
                        out, re.M)
    after = out[out.index("RVX-INJECT part=B crashes=3"):]
    steps = re.findall(r"^RVX-ACT recovery part=B action=(\S+)", after, re.M)
    want = ["restart-task", "restart-task", "reconstruct-partition", "rollback-region"]
    if steps[:4] != want:
        raise AssertionError("recovery ladder %s, expected %s" % (steps[:4], want))
    need(out, r"^RVX-ACT partition-checkpoint part=B ", "partition B's checkpoint")
    need(out, r"^RVX-PB listener: state region intact after the check \(rolled back\)$",
         "the rolled-back region seen intact by the partition")
    need(out, r"^RVX-PART B .* reconstructs=1 rollbacks=1 ", "B's counts")
    rec = [r for r in recs if r["kind"] == KINDS["recovery"] and r["actor"] == 1]
    if len(rec) < len([s for s in ladder]):
        raise AssertionError("RECOVERY records missing")
    hb = re.search(r"^RVX-HEARTBEAT part=A before=(\d+) after=(\d+)$", out, re.M)
    if not hb or int(hb.group(2)) <= int(hb.group(1)):
        raise AssertionError("partition A stopped while B recovered")
    if "global reboot" in out:
        raise AssertionError("a reboot was needed")
    check_rebuild(out, recs)
    print("recovery: restart, restart, reconstruct, roll back; %d RECOVERY records of B; "
          "A's heartbeat %s -> %s" % (len(rec), hb.group(1), hb.group(2)))


def hexlist(s):
    return [int(x, 16) for x in s.split(",")]


def check_rebuild(out, recs):
    """B's kernel-side state rebuilt from its construction journal."""
    end = re.search(r"^RVX-RECON part=B end task=(\d+) handles=(\S+)$", out, re.M)
    spawn = re.search(r"^RVX-RECON part=B spawn task=(\d+) role=2 handles=(\S+)$", out, re.M)
    region = re.search(r"^RVX-RECON part=B region task=(\d+) old=(0x[0-9a-f]+) new=(0x[0-9a-f]+)$",
                       out, re.M)
    grant = re.search(r"^RVX-RECON part=B regrant from=A task=(\d+) to task=(\d+) "
                      r"old=(0x[0-9a-f]+) new=(0x[0-9a-f]+)$", out, re.M)
    if not (end and spawn and region and grant):
        raise AssertionError("the rebuild's steps are not all there")
    old_task, new_task, talker = int(end.group(1)), int(spawn.group(1)), int(grant.group(1))
    if int(region.group(1)) != new_task or int(grant.group(2)) != new_task:
        raise AssertionError("the region or the grant went to another task than the rebuilt one")
    old = set(hexlist(end.group(2))) | {int(region.group(2), 16), int(grant.group(3), 16)}
    new = set(hexlist(spawn.group(2))) | {int(region.group(3), 16), int(grant.group(4), 16)}
    if old & new:
        raise AssertionError("old handles %s are valid again among the new %s" % (
            sorted(hex(x) for x in old & new), sorted(hex(x) for x in new)))
    need(out, r"^RVX-TASK-EXIT part=B task=%d code=2$" % old_task, "the failed listener ended")
    need(out, r"^RVX-RECON part=B drained edge=1 messages=3$",
         "the three messages the failed listener left in flight drained")
    need(out, r"^RVX-RECON-TALK part=B ping=0x5eed first-on-B->A type=3 value=0x5eed ok$",
         "the rebuilt listener answers with its new capabilities, nothing older before it")
    need(out, r"^RVX-RECON part=B other=A capabilities unchanged ",
         "partition A's capabilities untouched")
    need(out, r"^RVX-ACT partition-rebuild part=B ended=1 spawned=1 regions=1 grants=1 "
         r"withdrawn=0 drained=3$", "the rebuild's summary")
    # An old handle, used by the rebuilt task, is refused as stale.
    st = re.search(r"^RVX-RECON-STALE part=B handle=(0x[0-9a-f]+) ", out, re.M)
    if not st or int(st.group(1), 16) not in old:
        raise AssertionError("no stale-handle probe with an old handle")
    need(out[st.end():], r"^RVX-CAP-REFUSED part=B task=%d handle=%s error=stale handle$" % (
        new_task, st.group(1)), "the old handle refused as stale")
    if "RVX-PROBE-NOT-STOPPED" in out:
        raise AssertionError("an attempt was not stopped")
    # The records: from the fault that triggered it to the rebuild record,
    # in this order, and nothing of A's tasks ended.
    rb = [i for i, r in enumerate(recs) if r["kind"] == KINDS["partition-rebuild"]]
    if len(rb) != 1 or recs[rb[0]]["actor"] != 1:
        raise AssertionError("one rebuild record of B expected, got %d" % len(rb))
    start = max(i for i in range(rb[0]) if recs[i]["kind"] == KINDS["fault"]
                and recs[i]["actor"] == 1)
    seg = recs[start:rb[0] + 1]
    want = [(TASK_EXIT, old_task, None), (TASK_SPAWN, 0, new_task), (REGION_MAP, new_task, None),
            (KINDS["recovery"], 1, None), (CAP_GRANT, talker, None),
            (KINDS["cap-grant"], 0, None), (KINDS["partition-rebuild"], 1, None)]
    k = 0
    for r in seg:
        if k < len(want) and r["kind"] == want[k][0] and r["actor"] == want[k][1] and (
                want[k][2] is None or r["target"] == want[k][2]):
            k += 1
    if k != len(want):
        raise AssertionError("rebuild records out of order or missing at step %d: %s" % (
            k, [(r["kind"], r["actor"]) for r in seg]))
    if [r for r in seg if r["kind"] == TASK_EXIT and r["actor"] != old_task]:
        raise AssertionError("the rebuild ended a task that was not B's")
    print("rebuild: task %d ended, task %d spawned with %d fresh handles, region and A's grant "
          "re-made, 3 messages drained; an old handle refused as stale; records in order (%d)"
          % (old_task, new_task, len(new), len(seg)))


def check_actions(out, recs, must=("partition-create", "partition-destroy", "partition-suspend",
                                    "partition-resume", "lease-grant", "lease-expire",
                                    "lease-revoke", "cap-grant", "fault", "recovery",
                                    "switch-summary", "edge-create", "edge-destroy",
                                    "partition-checkpoint", "partition-rebuild")):
    acts = actions(out)
    kinds = set(KINDS.values())
    priv = [r for r in recs if r["kind"] in kinds]
    if not acts:
        raise AssertionError("no privileged actions printed")
    if len(acts) != len(priv):
        raise AssertionError("%d privileged actions, %d records" % (len(acts), len(priv)))
    for i, ((name, actor), r) in enumerate(zip(acts, priv)):
        if name not in KINDS:
            raise AssertionError("unknown action %s" % name)
        if r["kind"] != KINDS[name] or r["actor"] != actor:
            raise AssertionError("action %d (%s by %s) has record kind %d actor %d (seq %d)" % (
                i, name, actor, r["kind"], r["actor"], r["seq"]))
    seen = sorted(set(a for a, _ in acts))
    for m in must:
        if m not in seen:
            raise AssertionError("the run has no %s action" % m)
    print("actions: %d privileged actions, each with its record in order (%s)" % (
        len(acts), ", ".join(seen)))


def check_budget(out):
    # Both partitions loaded v0..v31, TPIDR_EL0 with their own patterns and
    # check them (and TPIDR_EL1) after thousands of switches.
    need(out, r"^RVX-BENCH state-check part=A fp_simd_el1=ok part=B fp_simd_el1=ok$",
         "FP/SIMD and EL1 registers intact across the switches")
    fig = {}
    for m in re.finditer(r"^RVX-BENCH (\S+) n=(\d+) median_ns=(\d+) p99_ns=(\d+)", out, re.M):
        fig[m.group(1)] = (int(m.group(3)), int(m.group(4)))
    for name in ("partition-switch-via-trap", "switch-el1-vttbr", "hvc-null"):
        if name not in fig:
            raise AssertionError("no %s figure" % name)
        print("%s: median %d ns, p99 %d ns (instructions under -icount shift=0)" % (
            name, fig[name][0], fig[name][1]))
    for name in ("partition-switch-via-trap", "switch-el1-vttbr"):
        if fig[name][0] > 2000:
            raise AssertionError("%s median %d ns exceeds 2 us" % (name, fig[name][0]))


def check_placement(out, placement, smp):
    ran = {}
    for m in re.finditer(r"^RVX-PART-CPU part=(\S) cpu=(\d+) vm_loads=(\d+)$", out, re.M):
        ran.setdefault(m.group(1), set()).add(int(m.group(2)))
    need(out, r"^partitions: every CPU", "the partition mode on every CPU")
    need(out, r"^RVX-PARTITIONS \S+: .* %d CPU\(s\)$" % smp, "%d CPUs up" % smp)
    if placement == "smp":
        want = {"A": {1, 3}, "B": {2}}
        # Its prober has ended by then: the talker moves (with its waits).
        need(out, r"^RVX-ACT partition-migrate part=A from=1 to=3 tasks=1$",
             "A moved from CPU 1 to CPU 3 with its live task")
        need(out, r"^RVX-MIGRATE part=A from=1 to=3 tries=\d+ ok$", "A's move")
    else:
        want = {"A": {smp - 1}, "B": {smp - 1}}
    if ran != want:
        raise AssertionError("partitions ran on CPUs %s, expected %s" % (ran, want))
    print("placement %s: %s" % (placement, ", ".join(
        "%s on CPU %s" % (p, sorted(c)) for p, c in sorted(ran.items()))))


def check_coherence(out, recs):
    need(out, r"^RVX-COHERENCE on cpus=\d+", "the engine attached")
    lines = re.findall(r"^RVX-ACT placement part=- epoch=(\d+) cut=(\d+) traffic=(\d+) "
                       r"moved=(\d+) flags=0x([0-9a-f]+)$", out, re.M)
    placed = [r for r in recs if r["kind"] == KINDS["placement"]]
    if len(lines) < 3 or len(lines) != len(placed):
        raise AssertionError("%d placement lines, %d PLACEMENT records" % (len(lines), len(placed)))
    for (epoch, _, _, _, _), r in zip(lines, placed):
        if r["target"] != int(epoch):
            raise AssertionError("PLACEMENT record seq %d names epoch %d, not %s" % (
                r["seq"], r["target"], epoch))
    first = out.index("RVX-ACT placement ")
    moves = re.findall(r"^RVX-ACT partition-migrate part=(\S) from=(\d+) to=(\d+) tasks=(\d+)$",
                       out[first:], re.M)
    if not [m for m in moves if int(m[3]) > 0]:
        raise AssertionError("the engine moved no partition with its tasks")
    ran = {}
    for m in re.finditer(r"^RVX-PART-CPU part=(\S) cpu=(\d+) vm_loads=(\d+)$", out, re.M):
        ran.setdefault(m.group(1), []).append((int(m.group(3)), int(m.group(2))))
    home = {p: max(v)[1] for p, v in ran.items()}
    if home.get("A") is None or home.get("A") != home.get("B"):
        raise AssertionError("A and B mostly ran on CPUs %s, expected one CPU" % home)
    m = re.search(r"^RVX-COHERENCE closes=(\d+) rebuilds=(\d+) budget_exceeded=(\d+) "
                  r"migrations=(\d+) deferred=(\d+) score_failures=(\d+)$", out, re.M)
    if not m:
        raise AssertionError("no engine summary at teardown")
    if int(m.group(1)) != len(lines) or int(m.group(6)) != 0:
        raise AssertionError("engine summary %s: every close recorded, every score taken" %
                             m.group(0))
    print("coherence: %d decisions, moves %s, A and B together on CPU %d; %s" % (
        len(lines), ["%s %s->%s (%s tasks)" % m for m in moves], home["A"], m.group(0)))


# The NUMA program's ring: edge -> (from, to, bytes per message).
NUMA_EDGES = {"A->C": ("A", "C", 48), "C->B": ("C", "B", 8), "B->D": ("B", "D", 48),
              "D->A": ("D", "A", 8)}


def check_numa(out, recs, engine):
    need(out, r"^RVX-NUMA nodes=2 cpus=0:0,1:0,2:1,3:1$", "the DTB's CPU nodes")
    need(out, r"^RVX-NUMA memory=0x40000000\+0x8000000 node=0 kernel$", "node 0's memory, the kernel's")
    need(out, r"^RVX-NUMA memory=0x48000000\+0x8000000 node=1$", "node 1's memory")
    need(out, r"^RVX-NUMA distance 0-1=20$", "the distance map")
    if "RVX-NUMA invalid" in out:
        raise AssertionError("the DTB's topology was refused")
    check_actions(out, recs, must=("partition-create", "partition-destroy", "partition-migrate",
                                   "traffic", "switch-summary", "edge-create", "edge-destroy")
                  + (("placement",) if engine else ()))
    node = lambda cpu: cpu // 2
    priv = iter(r for r in recs if r["kind"] in set(KINDS.values()))
    cpu = {p: 0 for p in "ABCD"}       # every partition is created on CPU 0
    decision = None                    # the last PLACEMENT's CPUs
    decisions = migrations = 0
    at_close = mixed = False           # a move at a close, or within an epoch
    epochs = []
    lines = out.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^RVX-ACT (\S+) part=(\S)", line)
        if not m:
            continue
        rec = next(priv)
        name = m.group(1)
        if name == "placement":
            f = re.match(r"^RVX-ACT placement part=- epoch=(\d+) cut=(\d+) traffic=(\d+) "
                         r"moved=(\d+) flags=0x([0-9a-f]+)$", line)
            g = re.match(r"^RVX-PLACEMENT epoch=(\d+) work=(\d+) cpus=(\S+)$", lines[i + 1])
            if not f or not g or f.group(1) != g.group(1):
                raise AssertionError("placement lines malformed: %r %r" % (line, lines[i + 1]))
            cpus = [255 if c == "-" else int(c) for c in g.group(3).split(",")]
            if rec["kind"] != KINDS["placement"] or rec["target"] != int(f.group(1)):
                raise AssertionError("PLACEMENT record seq %d is not the decision printed: %s"
                                     % (rec["seq"], line))
            decision = dict(zip("ABCD", cpus))
            decisions += 1
            at_close = True
        elif name == "partition-migrate":
            f = re.match(r"^RVX-ACT partition-migrate part=(\S) from=(\d+) to=(\d+) "
                         r"tasks=(\d+)$", line)
            p, frm, to, tasks = f.group(1), int(f.group(2)), int(f.group(3)), int(f.group(4))
            if rec["kind"] != KINDS["partition-migrate"] or rec["actor"] != ord(p) - ord("A"):
                raise AssertionError("MIGRATE record seq %d is not %s" % (rec["seq"], line))
            if cpu[p] != frm:
                raise AssertionError("%s: partition %s was on CPU %d" % (line, p, cpu[p]))
            if decision is not None:
                if to != decision[p]:
                    raise AssertionError("%s: the last decision put %s on CPU %d" % (
                        line, p, decision[p]))
                migrations += 1
                mixed = mixed or not at_close
            cpu[p] = to
        elif name == "traffic":
            f = re.match(r"^RVX-ACT traffic part=- epoch=(\d+) bytes=(\d+) messages=(\d+) "
                         r"cross_cpu_bytes=(\d+) cross_cpu_messages=(\d+) cross_node_bytes=(\d+) "
                         r"cross_node_messages=(\d+) nodes=(\d+) edges=(\d+)$", line)
            v = [int(x) for x in f.groups()]
            if rec["kind"] != KINDS["traffic"] or rec["target"] != v[0]:
                raise AssertionError("TRAFFIC record seq %d is not %s" % (rec["seq"], line))
            ep, byts, msgs, ccb, ccm, cnb, cnm, nodes, nedges = v
            if nodes != 2 or nedges != 4 or cnb > ccb or ccb > byts:
                raise AssertionError("traffic counts inconsistent: %s" % line)
            # The edges that crossed nodes under the placement in force.
            cross = [s for a, b, s in NUMA_EDGES.values() if node(cpu[a]) != node(cpu[b])]
            if not mixed:
                if not cross and cnb != 0:
                    raise AssertionError("no edge crosses nodes, yet %s" % line)
                if len(cross) == 4 and cnb != byts:
                    raise AssertionError("every edge crosses nodes, yet %s" % line)
                if cross and len(set(cross)) == 1 and cnb != cross[0] * cnm:
                    raise AssertionError("only %d-byte messages cross nodes, yet %s" % (
                        cross[0], line))
            epochs.append((ep, byts, cnb, mixed))
            at_close = mixed = False
        else:
            at_close = at_close and name == "partition-migrate"
    m = re.search(r"^RVX-TRAFFIC epochs=(\d+) bytes=(\d+) messages=(\d+) cross_cpu_bytes=(\d+) "
                  r"cross_node_bytes=(\d+) cross_node_messages=(\d+)$", out, re.M)
    if not m or int(m.group(1)) != len(epochs) or int(m.group(2)) != sum(e[1] for e in epochs) \
            or int(m.group(5)) != sum(e[2] for e in epochs):
        raise AssertionError("the epochs do not add up to the totals: %s" % (
            m.group(0) if m else "no RVX-TRAFFIC line"))
    edge_bytes = sum(int(b) for b in re.findall(
        r"^RVX-EDGE \d \S->\S messages=\d+ bytes=(\d+)$", out, re.M))
    if edge_bytes != int(m.group(2)):
        raise AssertionError("the kernel's edges carried %d bytes, the epochs %s" % (
            edge_bytes, m.group(2)))
    final = {}
    for p, c in re.findall(r"^RVX-NUMA-PART part=(\S) cpu=(\d+) node=\d+ sent=\d+ "
                           r"received=\d+$", out, re.M):
        final[p] = int(c)
    if final != cpu:
        raise AssertionError("partitions ended on %s, the log says %s" % (final, cpu))
    total, crossed = int(m.group(2)), int(m.group(5))
    if engine:
        if decision is None or any(final[p] != decision[p] for p in "ABCD"):
            raise AssertionError("the final CPUs %s are not the last decision %s" % (final, decision))
        if node(final["A"]) != node(final["C"]) or node(final["B"]) != node(final["D"]) or \
                node(final["A"]) == node(final["B"]):
            raise AssertionError("the clusters are not one per node: %s" % final)
        if migrations == 0 or crossed * 2 > total:
            raise AssertionError("%d migrations, %d of %d bytes crossed nodes" % (
                migrations, crossed, total))
        s = re.search(r"^RVX-COHERENCE closes=(\d+) rebuilds=\d+ budget_exceeded=\d+ "
                      r"migrations=(\d+) deferred=\d+ score_failures=(\d+)$", out, re.M)
        if not s or int(s.group(1)) != decisions or int(s.group(2)) != migrations or \
                int(s.group(3)) != 0:
            raise AssertionError("engine summary %s: %d decisions, %d migrations" % (
                s.group(0) if s else None, decisions, migrations))
    else:
        if decisions != 0 or migrations != 0 or crossed != total:
            raise AssertionError("round-robin: %d decisions, %d moves, %d of %d bytes crossed"
                                 % (decisions, migrations, crossed, total))
        if final != {"A": 0, "B": 1, "C": 2, "D": 3}:
            raise AssertionError("round-robin moved: %s" % final)
    print("numa (%s): %d epochs, %d decisions, %d migrations checked against their records; "
          "cross-node bytes %d of %d (%.1f%%); final %s" % (
              "engine" if engine else "round-robin", len(epochs), decisions, migrations, crossed,
              total, 100.0 * crossed / max(total, 1),
              ", ".join("%s:CPU%d" % (p, c) for p, c in sorted(final.items()))))


def check_teardown_reuse(out):
    spin = re.search(r"^RVX-TEST teardown-reuse: task (\d+) spins at EL1 on CPU (\d+)$", out, re.M)
    ended = re.search(r"^RVX-TEST teardown-reuse: the teardown ended task (\d+) after CPU (\d+) "
                      r"left it \((\d+) tries\)$", out, re.M)
    reused = re.search(r"^RVX-TEST teardown-reuse: task (\d+)'s index reused on CPU (\d+); its "
                       r"stack intact after CPU (\d+) went through the kernel$", out, re.M)
    if not spin or not ended or not reused:
        raise AssertionError("teardown-reuse lines missing (spin %s, teardown %s, reuse %s)" % (
            bool(spin), bool(ended), bool(reused)))
    task, cpu = spin.group(1), spin.group(2)
    if (ended.group(1), ended.group(2)) != (task, cpu) or reused.group(1) != task or \
            reused.group(3) != cpu or reused.group(2) in (cpu, "0"):
        raise AssertionError("teardown-reuse: not the spinning task's index, or not a third CPU")
    if not re.search(r"^RVX-TEST stack-reuse: task %s on CPU %s zeroed \d+ bytes of its stack$"
                     % (task, reused.group(2)), out, re.M):
        raise AssertionError("teardown-reuse: the reusing task did not run")
    if re.search(r"PANIC", out):
        raise AssertionError("a panic")
    print("teardown-reuse: task %s spun on CPU %s; the teardown waited %s tries for it to leave; "
          "its index reused on CPU %s with the stack intact" % (task, cpu, ended.group(3),
                                                                reused.group(2)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--check", required=True,
                    choices=["isolation", "recovery", "actions", "budget", "coherence", "numa",
                             "numa-rr", "teardown-reuse"])
    ap.add_argument("--verify-tool")
    ap.add_argument("--transcript")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--placement", choices=["smp", "smp-shared"])
    args = ap.parse_args()
    if args.check == "teardown-reuse" and (args.placement != "smp" or args.smp < 4):
        ap.error("--check teardown-reuse runs with --smp 4 --placement smp")
    if args.check == "budget":
        code, out = boot(args, "rvx.partitions=bench", icount=True)
    elif args.check == "coherence":
        code, out = boot(args, "rvx.partitions=smp rvx.coherence=on", icount=True)
    elif args.check in ("numa", "numa-rr"):
        code, out = boot(args, "rvx.partitions=numa" +
                         (" rvx.coherence=on" if args.check == "numa" else ""),
                         icount=True, numa=True)
    elif args.placement:
        code, out = boot(args, "rvx.partitions=" + args.placement +
                         (" rvx.test=teardown-reuse" if args.check == "teardown-reuse" else ""),
                         icount=True)
    else:
        code, out = boot(args, "rvx.partitions", icount=True)
    try:
        if code is None:
            raise AssertionError("QEMU hung")
        if code != 0:
            raise AssertionError("exit code %d, expected 0" % code)
        if "RVX-SHUTDOWN clean" not in out:
            raise AssertionError("no clean shutdown")
        recs = records(out)
        verify_tool(args, out)
        if args.placement:
            check_placement(out, args.placement, args.smp)
        if args.check == "isolation":
            check_isolation(out, recs)
        elif args.check == "recovery":
            check_recovery(out, recs)
        elif args.check == "coherence":
            check_actions(out, recs)
            check_coherence(out, recs)
        elif args.check in ("numa", "numa-rr"):
            check_numa(out, recs, args.check == "numa")
            # The check must be able to fail: a move to another CPU than the
            # decision's (engine), or a byte that did not cross (round-robin).
            if args.check == "numa":
                bad = re.sub(r"^(RVX-ACT partition-migrate part=\S from=\d+ to=)(\d+)( tasks=[1-9])",
                             lambda m: m.group(1) + str((int(m.group(2)) + 1) % 4) + m.group(3),
                             out, count=1, flags=re.M)
            else:
                bad = re.sub(r"cross_node_bytes=(\d+) cross_node_messages=(\d+) nodes",
                             lambda m: "cross_node_bytes=%d cross_node_messages=%s nodes" % (
                                 int(m.group(1)) - 48, m.group(2)), out, count=1)
            try:
                check_numa(bad, recs, args.check == "numa")
            except AssertionError as e:
                print("numa: a falsified log is caught (%s)" % e)
            else:
                raise AssertionError("the numa check missed a falsified log")
        elif args.check == "teardown-reuse":
            check_actions(out, recs)
            check_teardown_reuse(out)
        elif args.check == "actions":
            check_actions(out, recs)
            # The check must be able to fail: an action whose record is
            # missing (here: a record relabelled as another kind) is caught.
            bad = [dict(r) for r in recs]
            for r in bad:
                if r["kind"] == KINDS["lease-expire"]:
                    r["kind"] = 0x8000 + 0x7777
                    break
            try:
                check_actions(out, bad)
            except AssertionError as e:
                print("actions: a dropped LEASE_EXPIRE record is caught (%s)" % e)
            else:
                raise AssertionError("the actions check missed a dropped record")
        else:
            check_budget(out)
    except AssertionError as e:
        print("--- transcript (last 6000 chars) ---")
        print(re.sub(r"^RVX-W .*\n", "", out, flags=re.M)[-6000:])
        print("FAIL: %s" % e)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
