#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Cold-boot figures of the RuVix virt image.

usage: boot-figures.py --qemu QEMU --image IMG [--initrd PKG] [--runs N]

- wall time from starting QEMU to the UART line the image prints when the
  first witness record is written (RVX-FIRST-WITNESS), measured on the host,
  median (and min/max) of N runs;
- guest instructions from the image's first instruction to that record with
  -icount shift=0 (each instruction advances the virtual clock by 1 ns, so
  the guest counter's nanoseconds between the entry stamp and the record
  count the instructions; the counter's 16 ns step bounds the error), median
  of 3 runs, and the same broken down by boot step (the image's
  RVX-BOOT-STEP lines: counter stamps at the stage boundaries);
- the image size.
"""
import argparse
import os
import re
import statistics
import subprocess
import time


def one_run(cmd):
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    first = None
    banner = None
    guest_ns = None
    steps = []
    for raw in p.stdout:
        line = raw.decode("utf-8", "replace")
        if banner is None and line.startswith("RuVix virt:"):
            banner = time.monotonic() - start
        m = re.match(r"RVX-FIRST-WITNESS (\d+) ns \(entry at (\d+) ns\)", line)
        if m and first is None:
            first = time.monotonic() - start
            guest_ns = int(m.group(1)) - int(m.group(2))
        m = re.match(r"RVX-BOOT-STEP (\S+) (\d+) ns", line)
        if m:
            steps.append((m.group(1), int(m.group(2))))
    code = p.wait(timeout=30)
    if first is None or code != 0:
        raise SystemExit("run failed (exit %s, first record seen: %s)" % (code, first))
    return first, guest_ns, banner, steps


def print_steps(steps, prefix=""):
    """The per-step breakdown of one -icount shift=0 run."""
    if not steps:
        return
    print("%sguest instructions by boot step (-icount shift=0, one run):" % prefix)
    for name, n in steps:
        print("%s  %-16s %9d" % (prefix, name, n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--initrd")
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    base = [args.qemu, "-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m", "256M",
            "-nographic", "-nic", "none", "-semihosting", "-kernel", args.image]
    if args.initrd:
        base += ["-initrd", args.initrd]

    runs = [one_run(base) for _ in range(args.runs)]
    walls = [r[0] * 1000.0 for r in runs]
    banners = [r[2] * 1000.0 for r in runs]
    icount = [one_run(base + ["-icount", "shift=0"]) for _ in range(3)]
    insns = [r[1] for r in icount]
    size = os.path.getsize(args.image)
    print("cold boot to first witness record, wall from QEMU start: median %.1f ms "
          "(min %.1f, max %.1f, %d runs)" % (statistics.median(walls), min(walls), max(walls),
                                             len(walls)))
    print("for reference, QEMU start to the image's first UART line (after the DTB is "
          "parsed): median %.1f ms" % statistics.median(banners))
    print("guest instructions from entry to first witness record (-icount shift=0): %d (runs: %s)" % (
        statistics.median(insns), ", ".join(str(i) for i in insns)))
    print_steps(icount[0][3])
    print("image size: %d bytes (%.1f KiB)" % (size, size / 1024.0))


if __name__ == "__main__":
    main()
