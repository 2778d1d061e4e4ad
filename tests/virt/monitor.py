#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`ruvix monitor` on a live virt run: QEMU's serial console on a unix
socket, the monitor attached to it with keystrokes for rvsh on its standard
input (`witness verify`, `tasks`, `reboot`). The monitor must print the
console (the shell's answers), decode the witness dump the image prints
after the reboot record by record, verify the chain as it arrives, and exit
0 when QEMU ends.

usage: monitor.py --qemu QEMU --image IMG --ruvix RUVIX [--transcript FILE] [--tcp]

--tcp: the console on TCP instead (-serial tcp:127.0.0.1:PORT,server=on,
wait=off, a free port), `ruvix monitor --tcp 127.0.0.1:PORT`. QEMU does not
wait for the monitor, so what the console printed before it connected may
be missed: a command is typed at each prompt seen, and an Enter elicits a
fresh prompt if none shows within 5 s.
"""
import argparse
import os
import select
import socket
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("--qemu", required=True)
ap.add_argument("--image", required=True)
ap.add_argument("--ruvix", required=True)
ap.add_argument("--transcript")
ap.add_argument("--tcp", action="store_true", help="the console on TCP (ruvix monitor --tcp)")
args = ap.parse_args()

d = tempfile.mkdtemp(prefix="ruvix-monitor-")
if args.tcp:
    with socket.socket() as s:  # a free port (QEMU binds it next)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    serial = "tcp:127.0.0.1:%d,server=on,wait=off" % port
    attach = ["--tcp", "127.0.0.1:%d" % port]
else:
    sock = os.path.join(d, "serial.sock")
    serial = "unix:%s,server=on,wait=on" % sock
    attach = ["--socket", sock]
qemu = subprocess.Popen([args.qemu, "-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m",
                         "256M", "-display", "none", "-monitor", "none", "-nic", "none",
                         "-semihosting", "-no-reboot", "-kernel", args.image, "-smp", "2",
                         "-append", "rvx.shell=on", "-serial", serial],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if not args.tcp:
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
failures = []
try:
    # Type as a person would: each line once the monitor shows a prompt.
    mon = subprocess.Popen([args.ruvix, "monitor"] + attach, stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    deadline = time.monotonic() + 60
    for line in [b"tasks", b"witness verify", b"reboot"]:
        mark = len(seen)
        poke = time.monotonic() + 5
        while b"rvsh> " not in seen[mark:]:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("monitor", 60)
            if time.monotonic() > poke:
                mon.stdin.write(b"\n")  # no prompt seen (connected late): a fresh one
                mon.stdin.flush()
                poke = time.monotonic() + 5
            r, _, _ = select.select([mon.stdout], [], [], 0.5)
            if not r:
                continue
            chunk = os.read(mon.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
        mon.stdin.write(line + b"\n")
        mon.stdin.flush()
    rest, err = mon.communicate(timeout=max(1, deadline - time.monotonic()))
    out = (seen + rest).decode(errors="replace")
    if mon.returncode != 0:
        failures.append("ruvix monitor exited %d: %s" % (mon.returncode, err.decode()))
    wants = [] if args.tcp else ["RVX-SHELL ready: task 1"]
    for want in wants + ["1    rvsh         running",
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
