#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`ruvix monitor` on a live virt run: QEMU's serial console on a unix
socket, the monitor attached to it with keystrokes for rvsh on its standard
input (`witness verify`, `tasks`, `reboot`). The monitor must print the
console (the shell's answers), decode the witness dump the image prints
after the reboot record by record, verify the chain as it arrives, and exit
0 when QEMU ends.

usage: monitor.py --qemu QEMU --image IMG --ruvix RUVIX [--transcript FILE]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("--qemu", required=True)
ap.add_argument("--image", required=True)
ap.add_argument("--ruvix", required=True)
ap.add_argument("--transcript")
args = ap.parse_args()

d = tempfile.mkdtemp(prefix="ruvix-monitor-")
sock = os.path.join(d, "serial.sock")
qemu = subprocess.Popen([args.qemu, "-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m",
                         "256M", "-display", "none", "-monitor", "none", "-nic", "none",
                         "-semihosting", "-no-reboot", "-kernel", args.image, "-smp", "2",
                         "-append", "rvx.shell=on", "-serial",
                         "unix:%s,server=on,wait=on" % sock],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
for _ in range(200):
    if os.path.exists(sock):
        break
    time.sleep(0.05)
failures = []
try:
    # Type as a person would: each line once the monitor shows the prompt.
    mon = subprocess.Popen([args.ruvix, "monitor", "--socket", sock], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    deadline = time.monotonic() + 60
    for line in [b"tasks", b"witness verify", b"reboot"]:
        while seen.count(b"rvsh> ") < [b"tasks", b"witness verify", b"reboot"].index(line) + 1:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("monitor", 60)
            d = os.read(mon.stdout.fileno(), 4096)
            if not d:
                break
            seen += d
        mon.stdin.write(line + b"\n")
        mon.stdin.flush()
    rest, err = mon.communicate(timeout=max(1, deadline - time.monotonic()))
    out = (seen + rest).decode(errors="replace")
    if mon.returncode != 0:
        failures.append("ruvix monitor exited %d: %s" % (mon.returncode, err.decode()))
    for want in ["RVX-SHELL ready: task 1", "1    rvsh         running",
                 "records verified from the origin", "reboot: witnessed; rebooting",
                 "[witness]      0 ", "boot_stage", "shell_reboot",
                 "[witness] chain verified: ", "RVX-SHUTDOWN reboot"]:
        if want not in out:
            failures.append("%r not in the monitor's output" % want)
    if "BAD" in out:
        failures.append("a record was flagged on a clean run")
except subprocess.TimeoutExpired:
    failures.append("ruvix monitor did not end")
    out = ""
finally:
    try:
        qemu.wait(timeout=20)
    except subprocess.TimeoutExpired:
        qemu.kill()
        failures.append("QEMU did not exit after the reboot")
if qemu.returncode not in (0, None):
    failures.append("QEMU exited %s" % qemu.returncode)
if args.transcript:
    open(args.transcript, "w").write(out)
for f in failures:
    print("FAILED:", f)
if failures:
    print(out[-3000:])
    sys.exit(1)
print("ruvix monitor: a live virt run, its console and records decoded, the chain verified")
