#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Component figures of the virt image: boots the bench package
(tests/virt/components/bench.txt) as the root package on one CPU, --runs
times under TCG (the counter follows the host clock) and once under
-icount shift=0 (one instruction per nanosecond of guest time, so the
figures are instruction counts, to the counter's 16-instruction step), and
prints:
- mount to the component's first instruction: from the start of the
  component loader's RvfMount (the root task, at boot) to the counter the
  component reads first thing in its entry, with the stages between
  (decoding and plan by the port, the nucleus's RvfMount with the signature
  check, loading and starting the partitions, then the rest of the boot
  until the first dispatch);
- the round trip of a syscall by trap from the component (QueueRecv on an
  empty queue; a syscall number the dispatcher refuses), median and p99.

usage: component-figures.py --qemu QEMU --image IMG --initrd BENCH.rvf [--runs N]
"""
import argparse
import re
import statistics
import subprocess
import sys


def boot(qemu, image, initrd, icount):
    cmd = [qemu, "-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m", "256M",
           "-smp", "1", "-nographic", "-nic", "none", "-semihosting", "-kernel", image,
           "-initrd", initrd]
    if icount:
        cmd[1:1] = ["-icount", "shift=0"]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace").replace("\r", "")
    if p.returncode != 0 or "FAILED" in out:
        print(out[-3000:])
        raise SystemExit("bench run failed (exit %d)" % p.returncode)
    freq = int(re.search(r"CNTFRQ (\d+) Hz", out).group(1))
    ns = lambda ticks: ticks * 1000000000 // freq
    m = re.search(r"^RVX-COMP-T mount-start=(\d+) planned=(\d+) mounted=(\d+) started=(\d+)$",
                  out, re.M)
    first = int(re.search(r"^RVX-BENCH first-instruction counter=(\d+)$", out, re.M).group(1))
    t = [int(x) for x in m.groups()]
    fig = {
        "mount-to-first-instruction": ns(first - t[0]),
        "  port: decode (no signature) + plan": ns(t[1] - t[0]),
        "  nucleus RvfMount": ns(t[2] - t[1]),
        "  load + start partitions": ns(t[3] - t[2]),
        "  rest of boot to first dispatch": ns(first - t[3]),
    }
    for b in re.finditer(r"^RVX-BENCH (\S+) n=\d+ median_ns=(\d+) p99_ns=(\d+)$", out, re.M):
        fig[b.group(1) + " median"] = int(b.group(2))
        fig[b.group(1) + " p99"] = int(b.group(3))
    return fig


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    tcg = [boot(args.qemu, args.image, args.initrd, False) for _ in range(args.runs)]
    ic = boot(args.qemu, args.image, args.initrd, True)
    print("%-42s %14s %20s" % ("figure", "TCG median", "instructions (icount)"))
    for name in ic:
        print("%-42s %11d ns %20d" % (name, statistics.median(r[name] for r in tcg), ic[name]))
    for name in ("mount-to-first-instruction", "component-trap-queue-recv median",
                 "component-trap-null median"):
        print("RVX-FIGURE %s tcg_median_ns=%d icount_ns=%d" % (
            name.replace(" median", ""), statistics.median(r[name] for r in tcg), ic[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
