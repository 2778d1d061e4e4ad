#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Boot the RuVix virt image under QEMU and check its serial transcript.

usage: run-qemu.py --qemu QEMU --image IMG --mode MODE [--initrd PKG]
                   [--smp N] [--append ARGS] [--transcript FILE]

Modes:
  boot      clean shutdown (exit 0), the boot stages in the witness dump in
            order, the dump's chain head equal to SHA-256 of its records, a
            task on CPU 0 preempted by the tick (the long/short pair)
  smp       as boot, and tasks ran on CPU 1, one of them preempted by the tick
  fault     a deliberate fault: a readable panic report and a non-zero exit
  el1       entered at EL1 (no virtualization=on): a clear refusal, exit 4
  refuse    a bad package: refused at boot with a clear message, exit 5
  exit      only the exit code (--expect-exit) and the --expect patterns
"""
import argparse
import hashlib
import re
import struct
import subprocess
import sys
import time

STAGES = {1: "RESET", 2: "HARDWARE", 3: "CONSOLE", 4: "MMU", 5: "OBJECTS_READY",
          6: "PACKAGE", 7: "FIRST_TASK"}
KIND_BOOT_STAGE = 1


def run(args):
    machine = "virt" if args.mode == "el1" else "virt,virtualization=on"
    cmd = [args.qemu, "-M", machine, "-cpu", "cortex-a72", "-m", "256M", "-nographic",
           "-nic", "none", "-semihosting", "-kernel", args.image, "-smp", str(args.smp)]
    if args.initrd:
        cmd += ["-initrd", args.initrd]
    if args.append:
        cmd += ["-append", args.append]
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=args.timeout)
        code = p.returncode
        out = p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        code = None
        out = (e.stdout or b"").decode("utf-8", "replace")
    elapsed = time.monotonic() - start
    out = out.replace("\r\n", "\n")
    if args.transcript:
        with open(args.transcript, "w") as f:
            f.write(out)
    return code, out, elapsed, cmd


def witness(out):
    """The dumped records (raw bytes) and the chain head, or raise."""
    m = re.search(r"^RVX-WITNESS-BEGIN (\d+) (\d+)$", out, re.M)
    if not m:
        raise AssertionError("no RVX-WITNESS-BEGIN line")
    count, first = int(m.group(1)), int(m.group(2))
    recs = [bytes.fromhex(x) for x in re.findall(r"^RVX-W ([0-9a-f]{128})$", out, re.M)]
    end = re.search(r"^RVX-WITNESS-END ([0-9a-f]{64})$", out, re.M)
    if not end:
        raise AssertionError("no RVX-WITNESS-END line")
    if len(recs) != count:
        raise AssertionError("BEGIN says %d records, %d RVX-W lines" % (count, len(recs)))
    for i, r in enumerate(recs):
        seq = struct.unpack_from("<Q", r, 0)[0]
        if seq != first + i:
            raise AssertionError("record %d has sequence %d" % (i, seq))
    return first, recs, bytes.fromhex(end.group(1))


def check_boot(out, need_package):
    first, recs, head = witness(out)
    if first != 0:
        raise AssertionError("the dump does not start at sequence 0")
    digest = hashlib.sha256(b"".join(recs)).digest()
    if digest != head:
        raise AssertionError("chain head is not SHA-256 of the records")
    stages = [struct.unpack_from("<Q", r, 24)[0] for r in recs
              if struct.unpack_from("<H", r, 16)[0] == KIND_BOOT_STAGE]
    want = [1, 2, 3, 4, 5] + ([6] if need_package else []) + [7]
    if stages != want:
        raise AssertionError("boot stages %s, expected %s" % (
            [STAGES.get(s, s) for s in stages], [STAGES[s] for s in want]))
    times = [struct.unpack_from("<Q", r, 8)[0] for r in recs]
    if times != sorted(times):
        raise AssertionError("record times go backwards")
    if "RVX-FIRST-WITNESS" not in out or "RVX-SHUTDOWN clean" not in out:
        raise AssertionError("missing first-witness stamp or clean shutdown line")
    print("witness: %d records, chain head ok, stages %s" % (
        len(recs), " ".join(STAGES[s] for s in stages)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--mode", required=True,
                    choices=["boot", "smp", "fault", "el1", "refuse", "exit"])
    ap.add_argument("--expect-exit", type=int, default=0)
    ap.add_argument("--initrd")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--append")
    ap.add_argument("--transcript")
    ap.add_argument("--expect", action="append", default=[],
                    help="a regular expression the transcript must match")
    ap.add_argument("--reject", action="append", default=[],
                    help="a regular expression the transcript must not match")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--verify-tool",
                    help="the host tool (ruvix) whose `witness verify-dump` checks the dump")
    ap.add_argument("--expect-kinds", help="records the dump must show, in order")
    ap.add_argument("--require-kinds",
                    help="records the dump must show, in any order (comma-separated kind names)")
    ap.add_argument("--reason", help="refuse mode: the refusal reason the message must name")
    args = ap.parse_args()

    code, out, elapsed, cmd = run(args)
    print(" ".join(cmd))
    print("exit %s after %.2f s" % (code, elapsed))
    try:
        if code is None:
            raise AssertionError("QEMU hung (killed after %.0f s)" % args.timeout)
        if args.mode in ("boot", "smp"):
            if code != 0:
                raise AssertionError("exit code %d, expected 0" % code)
            check_boot(out, args.initrd is not None)
            # The long task of CPU 0 never yields; the short one, due sooner,
            # can only have run after the tick preempted it.
            if not re.search(r"^RVX-TASK long task=\d+ cpu=0 preempted=yes slices=[1-9]",
                             out, re.M):
                raise AssertionError("no proof that the tick preempted a task on CPU 0")
            if args.mode == "smp":
                if not re.search(r"^RVX-TASK \S+ task=\d+ cpu=1 ", out, re.M):
                    raise AssertionError("no task ran on CPU 1")
                if not re.search(r"^RVX-TASK long task=\d+ cpu=1 preempted=yes slices=[1-9]",
                                 out, re.M):
                    raise AssertionError("no proof that the tick preempted a task on CPU 1")
                if "fp=BAD" in out:
                    raise AssertionError("FP state lost")
        elif args.mode == "fault":
            if code == 0:
                raise AssertionError("a fault exited 0")
            for want in ("RuVix PANIC", "ESR_EL2", "FAR_EL2", "ELR_EL2", "x29"):
                if want not in out:
                    raise AssertionError("panic report lacks %r" % want)
        elif args.mode == "el1":
            if code != 4 or "runs at EL2" not in out:
                raise AssertionError("EL1 entry not refused clearly (exit %d)" % code)
        elif args.mode == "exit":
            if code != args.expect_exit:
                raise AssertionError("exit code %d, expected %d" % (code, args.expect_exit))
        elif args.mode == "refuse":
            if code != 5:
                raise AssertionError("exit code %d, expected 5 (package refused)" % code)
            if not re.search(r"^RVX-MOUNT refused: ", out, re.M):
                raise AssertionError("no refusal message")
            if re.search(r"^RVX-TASK (producer|consumer|worker)", out, re.M):
                raise AssertionError("a task of the refused package ran")
            if "nothing mounted (tasks 1 -> 1" not in out:
                raise AssertionError("no proof that nothing was mounted")
            if args.reason and not re.search(r"^RVX-MOUNT refused: .*: %s$" % re.escape(args.reason),
                                             out, re.M):
                raise AssertionError("the refusal does not name %r" % args.reason)
        if args.verify_tool and args.mode in ("boot", "smp"):
            cmd = [args.verify_tool, "witness", "verify-dump", "-"]
            if args.expect_kinds:
                cmd += ["--expect-kinds", args.expect_kinds]
            v = subprocess.run(cmd, input=out.encode(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=30)
            print(v.stdout.decode("utf-8", "replace").rstrip())
            if v.returncode != 0:
                raise AssertionError("ruvix witness verify-dump failed (%d)" % v.returncode)
            if args.require_kinds:
                seen = set(re.findall(r"^\s*seq \d+\s+time \d+\s+(\S+)", v.stdout.decode(
                    "utf-8", "replace"), re.M))
                missing = [k for k in args.require_kinds.split(",") if k not in seen]
                if missing:
                    raise AssertionError("the dump has no %s record" % ", ".join(missing))
        for pat in args.expect:
            if not re.search(pat, out, re.M):
                raise AssertionError("transcript lacks /%s/" % pat)
        for pat in args.reject:
            if re.search(pat, out, re.M):
                raise AssertionError("transcript has /%s/" % pat)
    except AssertionError as e:
        print("--- transcript ---")
        print(out[-6000:])
        print("FAIL: %s" % e)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
