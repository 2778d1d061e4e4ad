#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Partition figures of the virt image: boots `-append rvx.partitions=bench`
on two CPUs (-smp 2: the hot switch runs on CPU 0, the wake-up and
migration figures need a second CPU) under TCG (the counter follows the host clock: guest time as the emulator
delivers it) --runs times and once under -icount shift=0 (one instruction
per nanosecond of guest time, so the figures are instruction counts), and
prints each series' median and p99 (the median over runs of each).

With --numa it instead boots `-append rvx.partitions=numa` on 4 CPUs in two
NUMA nodes (-numa node,nodeid=0,cpus=0-1 -numa node,nodeid=1,cpus=2-3, remote
distance 20) under -icount shift=0, once with the coherence engine
(rvx.coherence=on, k = nodes) and once without (the partitions stay where
they started: round-robin over the CPUs in creation order), and prints the
cross-node bytes of each epoch (100 ms of guest time, i.e. 10^8
instructions) as the kernel counted them (its TRAFFIC records' console
lines), the totals, and the summary row.

usage: partition-figures.py --qemu QEMU --image IMG [--runs N] [--numa]
"""
import argparse
import re
import statistics
import subprocess
import sys


def bench(qemu, image, icount):
    cmd = [qemu, "-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m", "256M",
           "-smp", "2", "-nographic", "-nic", "none", "-semihosting", "-kernel", image,
           "-append", "rvx.partitions=bench"]
    if icount:
        cmd[1:1] = ["-icount", "shift=0"]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        print(out[-3000:])
        raise SystemExit("bench run failed (exit %d)" % p.returncode)
    fig = {}
    for m in re.finditer(r"^RVX-BENCH (\S+) n=(\d+) median_ns=(\d+) p99_ns=(\d+)", out, re.M):
        fig[m.group(1)] = (int(m.group(3)), int(m.group(4)))
    return fig


NUMA_ARGS = ["-smp", "4,sockets=2,cores=2",
             "-object", "memory-backend-ram,id=m0,size=128M",
             "-object", "memory-backend-ram,id=m1,size=128M",
             "-numa", "node,nodeid=0,cpus=0-1,memdev=m0",
             "-numa", "node,nodeid=1,cpus=2-3,memdev=m1",
             "-numa", "dist,src=0,dst=1,val=20"]


def numa_run(qemu, image, engine):
    cmd = [qemu, "-icount", "shift=0", "-M", "virt,virtualization=on", "-cpu", "cortex-a72",
           "-m", "256M"] + NUMA_ARGS + [
               "-nographic", "-nic", "none", "-semihosting", "-kernel", image, "-append",
               "rvx.partitions=numa" + (" rvx.coherence=on" if engine else "")]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        print(out[-3000:])
        raise SystemExit("numa run failed (exit %d)" % p.returncode)
    epochs = [(int(e), int(b), int(c)) for e, b, c in re.findall(
        r"^RVX-ACT traffic part=- epoch=(\d+) bytes=(\d+) .* cross_node_bytes=(\d+) ", out, re.M)]
    moves = re.findall(r"^RVX-ACT partition-migrate part=\S from=\d+ to=\d+ tasks=[1-9]", out, re.M)
    return epochs, len(moves), " ".join(cmd)


def numa(args):
    eng, moves, cmd = numa_run(args.qemu, args.image, True)
    rr, _, _ = numa_run(args.qemu, args.image, False)
    print("command: %s (and without rvx.coherence=on)" % cmd)
    print("%6s %14s %14s %14s %14s" % ("epoch", "rr bytes", "rr cross-node", "engine bytes",
                                        "engine cross"))
    for i in range(max(len(eng), len(rr))):
        a = rr[i] if i < len(rr) else (i, 0, 0)
        b = eng[i] if i < len(eng) else (i, 0, 0)
        print("%6d %14d %14d %14d %14d" % (i, a[1], a[2], b[1], b[2]))
    rt, rc = sum(e[1] for e in rr), sum(e[2] for e in rr)
    et, ec = sum(e[1] for e in eng), sum(e[2] for e in eng)
    # After the engine's first decision (the epoch 0 it saw round-robin too).
    es = sum(e[2] for e in eng[1:]) / max(sum(e[1] for e in eng[1:]), 1)
    print("%6s %14d %14d %14d %14d" % ("total", rt, rc, et, ec))
    print("| QEMU virt, 4 CPUs, 2 NUMA nodes: cross-node bytes engine vs round-robin | "
          "%d of %d (%.1f%%) vs %d of %d (%.1f%%): %.1f%% lower; after the first close %.1f%% "
          "of the engine's bytes cross (%d migrations); guest time as instructions "
          "(-icount shift=0), 100 ms epochs |" % (
              ec, et, 100.0 * ec / max(et, 1), rc, rt, 100.0 * rc / max(rt, 1),
              100.0 * (1 - (ec / max(et, 1)) / max(rc / max(rt, 1), 1e-9)), 100.0 * es, moves))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--numa", action="store_true")
    args = ap.parse_args()
    if args.numa:
        return numa(args)
    tcg = [bench(args.qemu, args.image, False) for _ in range(args.runs)]
    ic = bench(args.qemu, args.image, True)
    print("%-28s %14s %14s %18s" % ("series", "TCG median", "TCG p99",
                                    "instructions (med)"))
    for name in ic:
        med = statistics.median(r[name][0] for r in tcg)
        p99 = statistics.median(r[name][1] for r in tcg)
        print("%-28s %11d ns %11d ns %18d" % (name, med, p99, ic[name][0]))
    for name in ("partition-switch-via-trap", "wake-cross-cpu-sgi", "wake-cross-cpu-tick",
                 "partition-migrate"):
        if name in ic:
            print("RVX-FIGURE %s tcg_median_ns=%d icount_ns=%d" % (
                name, statistics.median(r[name][0] for r in tcg), ic[name][0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
