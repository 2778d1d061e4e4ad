#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Partition figures of the virt image: boots `-append rvx.partitions=bench`
on two CPUs (-smp 2: the hot switch runs on CPU 0, the wake-up and
migration figures need a second CPU) under TCG (the counter follows the host clock: guest time as the emulator
delivers it) --runs times and once under -icount shift=0 (one instruction
per nanosecond of guest time, so the figures are instruction counts), and
prints each series' median and p99 (the median over runs of each).

usage: partition-figures.py --qemu QEMU --image IMG [--runs N]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
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
