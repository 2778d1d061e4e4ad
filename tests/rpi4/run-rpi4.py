#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Boot the RuVix Raspberry Pi 4 image (kernel8.img) under QEMU raspi4b and
check its serial transcript, with the checks of the virt runner
(tests/virt/run-qemu.py) or of the partition acceptance
(tests/virt/partitions.py) where they apply.

usage: run-rpi4.py --qemu QEMU --image kernel8.img --dtb DTB --mode MODE
                   [--initrd PKG] [--append ARGS] [--console mini|pl011]
                   [--ranges keep|shift|shift-window-only] [...]

The DTB is the Pi 4's (Debian's bcm2711-rpi-4-b.dtb), copied for each run
and changed with fdtput as a firmware would: /chosen rng-seed gets 32 fresh
random bytes (the Pi firmware writes one; QEMU's raspi4b does not).
--console pl011 points /chosen stdout-path at serial0 (the PL011) instead of
the mini UART. --ranges shift moves the /soc bus window of the peripherals
(0x7e000000) down by 256 MiB: the first `ranges` entry's child address and
every `reg` inside that window, so the CPU addresses stay where QEMU has the
devices and only a kernel that translates through `ranges` finds them;
shift-window-only moves the window but not the nodes, so the UARTs lie
outside every window and the kernel must refuse the DTB (exit 3).

Modes:
  boot     clean shutdown, the boot stages in the witness dump in order, its
           chain head, the tick's preemption on every one of the four CPUs
  fault    a deliberate fault: a readable panic report and a non-zero exit
  refuse   a bad package refused at boot, nothing mounted, exit 5
  exit     only the exit code (--expect-exit) and the --expect patterns
  partitions CHECK (--check): tests/virt/partitions.py's acceptance
"""
import argparse
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHIFT = 0x10000000


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def fdt(tool, *a):
    p = subprocess.run([tool] + [str(x) for x in a], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    if p.returncode != 0:
        raise RuntimeError("%s %s: %s" % (tool, " ".join(map(str, a)),
                                          p.stderr.decode().strip()))
    return p.stdout.decode()


def make_dtb(src, out_dir, console, ranges):
    dtb = os.path.join(out_dir, "rpi4.dtb")
    with open(src, "rb") as f, open(dtb, "wb") as g:
        g.write(f.read())
    seed = ["0x%08x" % int.from_bytes(os.urandom(4), "little") for _ in range(8)]
    fdt("fdtput", "-t", "x", dtb, "/chosen", "rng-seed", *seed)
    if console == "pl011":
        fdt("fdtput", "-t", "s", dtb, "/chosen", "stdout-path", "serial0:115200n8")
    if ranges != "keep":
        r = [int(x, 16) for x in fdt("fdtget", "-t", "x", dtb, "/soc", "ranges").split()]
        # <child parent-hi parent-lo size> per entry; the first is the
        # peripherals' window (0x7e000000 -> 0xfe000000).
        lo, size = r[0], r[3]
        r[0] -= SHIFT
        fdt("fdtput", "-t", "x", dtb, "/soc", "ranges", *["0x%x" % x for x in r])
        moved = 0
        if ranges == "shift":
            for node in fdt("fdtget", "-l", dtb, "/soc").split():
                path = "/soc/" + node
                try:
                    reg = [int(x, 16) for x in fdt("fdtget", "-t", "x", dtb, path, "reg").split()]
                except RuntimeError:
                    continue  # no reg
                changed = False
                for i in range(0, len(reg) - 1, 2):
                    if lo <= reg[i] < lo + size:
                        reg[i] -= SHIFT
                        changed = True
                if changed:
                    fdt("fdtput", "-t", "x", dtb, path, "reg", *["0x%x" % x for x in reg])
                    moved += 1
        print("dtb: /soc window 0x%x moved to 0x%x, %d node(s) moved with it" % (lo, lo - SHIFT,
                                                                                moved))
    return dtb


def qemu_cmd(args, dtb, append, icount=False):
    cmd = [args.qemu, "-M", "raspi4b", "-nodefaults", "-display", "none",
           "-chardev", "stdio,id=con,mux=on", "-serial", "chardev:con", "-serial", "chardev:con",
           "-semihosting", "-kernel", args.image, "-dtb", dtb]
    if icount:
        cmd[1:1] = ["-icount", "shift=0"]
    if args.initrd:
        cmd += ["-initrd", args.initrd]
    if append:
        cmd += ["-append", append]
    return cmd


def run(args, cmd):
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=args.timeout)
        code, out = p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        code, out = None, (e.stdout or b"").decode("utf-8", "replace")
    elapsed = time.monotonic() - start
    out = out.replace("\r\n", "\n")
    if args.transcript:
        with open(args.transcript, "w") as f:
            f.write(out)
    return code, out, elapsed


def partitions(args, dtb):
    part = load("partitions", os.path.join(HERE, "..", "virt", "partitions.py"))

    def boot(pargs, append, icount=False):
        cmd = qemu_cmd(args, dtb, append, icount)
        code, out, _ = run(args, cmd)
        print(" ".join(cmd))
        print("exit %s" % code)
        return code, out

    part.boot = boot
    argv = ["partitions.py", "--qemu", args.qemu, "--image", args.image, "--check", args.check,
            "--smp", "4"]
    if args.verify_tool:
        argv += ["--verify-tool", args.verify_tool]
    if args.placement:
        argv += ["--placement", args.placement]
    sys.argv = argv
    return part.main()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--dtb", required=True)
    ap.add_argument("--mode", required=True,
                    choices=["boot", "fault", "refuse", "exit", "partitions"])
    ap.add_argument("--expect-exit", type=int, default=0)
    ap.add_argument("--initrd")
    ap.add_argument("--append")
    ap.add_argument("--console", choices=["mini", "pl011"], default="mini")
    ap.add_argument("--ranges", choices=["keep", "shift", "shift-window-only"], default="keep")
    ap.add_argument("--transcript")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--verify-tool")
    ap.add_argument("--expect-kinds")
    ap.add_argument("--require-kinds",
                    help="records the dump must show, in any order (comma-separated kind names)")
    ap.add_argument("--reason")
    ap.add_argument("--check", choices=["isolation", "recovery", "actions", "budget",
                                        "teardown-reuse"])
    ap.add_argument("--placement", choices=["smp", "smp-shared"])
    args = ap.parse_args()
    virt = load("run_qemu", os.path.join(HERE, "..", "virt", "run-qemu.py"))

    with tempfile.TemporaryDirectory(prefix="rvx-rpi4-") as tmp:
        dtb = make_dtb(args.dtb, tmp, args.console, args.ranges)
        if args.mode == "partitions":
            return partitions(args, dtb)
        cmd = qemu_cmd(args, dtb, args.append)
        code, out, elapsed = run(args, cmd)
    print(" ".join(cmd))
    print("exit %s after %.2f s" % (code, elapsed))
    try:
        if code is None:
            raise AssertionError("QEMU hung (killed after %.0f s)" % args.timeout)
        if args.mode == "boot":
            if code != 0:
                raise AssertionError("exit code %d, expected 0" % code)
            virt.check_boot(out, args.initrd is not None)
            for cpu in range(4):
                if not re.search(r"^RVX-TASK long task=\d+ cpu=%d preempted=yes slices=[1-9]"
                                 % cpu, out, re.M):
                    raise AssertionError("no proof that the tick preempted a task on CPU %d"
                                         % cpu)
            if "fp=BAD" in out:
                raise AssertionError("FP state lost")
            if args.verify_tool:
                v = [args.verify_tool, "witness", "verify-dump", "-"]
                if args.expect_kinds:
                    v += ["--expect-kinds", args.expect_kinds]
                p = subprocess.run(v, input=out.encode(), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, timeout=30)
                text = p.stdout.decode("utf-8", "replace").rstrip()
                print(text.splitlines()[-1] if text else "(no output)")
                if p.returncode != 0:
                    print(text)
                    raise AssertionError("ruvix witness verify-dump failed (%d)" % p.returncode)
                if args.require_kinds:
                    seen = set(re.findall(r"^\s*seq \d+\s+time \d+\s+(\S+)", text, re.M))
                    missing = [k for k in args.require_kinds.split(",") if k not in seen]
                    if missing:
                        raise AssertionError("the dump has no %s record" % ", ".join(missing))
        elif args.mode == "fault":
            if code == 0:
                raise AssertionError("a fault exited 0")
            for want in ("RuVix PANIC", "ESR_EL2", "FAR_EL2", "ELR_EL2", "x29"):
                if want not in out:
                    raise AssertionError("panic report lacks %r" % want)
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
            if args.reason and not re.search(r"^RVX-MOUNT refused: .*: %s$"
                                             % re.escape(args.reason), out, re.M):
                raise AssertionError("the refusal does not name %r" % args.reason)
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
