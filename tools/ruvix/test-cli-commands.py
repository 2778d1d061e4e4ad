#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The ruvix CLI's commands, each on success and on each documented failure
(exit statuses: 0 ok, 1 failed check, 2 usage, 3 I/O, 4 unavailable):
--help/--version, build (dry runs, a missing port), config, keys sign and
verify, dtb (device trees compiled here with dtc, and the QEMU virt board's
own when QEMU is given), monitor (a log file, a growing log, a unix socket
with keystrokes passed through) and security audit (an ELF made here with a
writable and executable segment, configurations, packages with a baseline).

usage: test-cli-commands.py RUVIX SOURCE_ROOT DTC [QEMU]
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ruvix, src, dtc = sys.argv[1], sys.argv[2], sys.argv[3]
qemu = sys.argv[4] if len(sys.argv) > 4 else None
failures = []
tmp = tempfile.mkdtemp(prefix="ruvix-cli-")
os.chdir(tmp)


def run(*args, code=0, inp=None, out=None, err=None, timeout=60):
    p = subprocess.run([ruvix] + list(args), input=inp, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    so, se = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    what = "ruvix " + " ".join(args)
    if p.returncode != code:
        failures.append("%s: exit %d, expected %d\nstdout: %s\nstderr: %s" %
                        (what, p.returncode, code, so[-1500:], se[-1500:]))
    if out is not None and out not in so:
        failures.append("%s: %r not in stdout:\n%s" % (what, out, so[-2000:]))
    if err is not None and err not in se:
        failures.append("%s: %r not in stderr:\n%s" % (what, err, se[-2000:]))
    if code != 0 and code != 1 and se == "":
        failures.append("%s: an error (exit %d) with nothing on stderr" % (what, code))
    return so


# ---- conventions ----
run("--help", out="exit statuses: 0 success")
run("--version", out="ruvix ")
for cmd in ["build", "config", "keys", "pkg", "dtb", "monitor", "security", "witness"]:
    run(cmd, "--help", out="usage: ruvix " + cmd)
run("frobnicate", code=2, err="unknown command 'frobnicate'")
run(code=2, err="usage: ruvix COMMAND")

# ---- build ----
run("build", "--target", "virt", "--dry-run", "--source", src, "--builddir", "b",
    out="--cross-file %s/cross/aarch64-clang.ini" % src)
run("build", "--target", "virt", "--dry-run", "--source", src, "--builddir", "b", "--release",
    "--features", "no-shell,coherence", "--toolchain", "gcc",
    out="-Dbuildtype=release -Dkernel-shell=disabled -Dcoherence=enabled")
so = run("build", "--target", "hosted", "--dry-run", "--source", src, "--builddir", "h")
if "--cross-file" in so:
    failures.append("build --target hosted uses a cross file")
if os.path.isdir(os.path.join(src, "ports", "rpi4")):
    run("build", "--target", "rpi4", "--dry-run", "--source", src, "--builddir", "b",
        out="ports/rpi4/kernel8.img")
else:
    run("build", "--target", "rpi4", "--dry-run", "--source", src, code=4,
        err="the Raspberry Pi 4 port (ports/rpi4) is not in the tree")
fake = os.path.join(tmp, "no-ports")
os.makedirs(fake)
run("build", "--target", "virt", "--source", fake, code=4, err="the virt port (ports/virt)")
run("build", "--target", "mips", code=2, err="--target must be hosted, virt or rpi4")
run("build", "--target", "virt", "--features", "turbo", code=2, err="unknown feature 'turbo'")
run("build", "--target", "virt", "--toolchain", "icc", code=2, err="--toolchain")
run("build", code=2, err="--target must be")

# ---- config ----
run("config", "show", out="max_tasks            = 64")
so = run("config", "show", "--json")
conf = json.loads(so)
if conf["max_tasks"]["value"] != 64 or conf["cap_max_depth"]["max"] != 8:
    failures.append("config show --json: %s" % so[:300])
run("config", "set", "max_tasks", "128", "--file", "k.conf", out="k.conf: max_tasks = 128")
run("config", "set", "bootargs", "rvx.shell=on rvx.coherence=on", "--file", "k.conf")
before = open("k.conf").read()
run("config", "set", "max_tasks", "63", "--file", "k.conf", code=1,
    err="RVX_CONFIG_MAX_TASKS needs 64..256")
run("config", "set", "cache_line", "48", "--file", "k.conf", code=1, err="a power of two")
run("config", "set", "cap_max_depth", "x", "--file", "k.conf", code=1, err="not a number")
run("config", "set", "buildtype", "release", "--file", "k.conf", code=1,
    err="rvx.shell=on, but kernel-shell = auto with buildtype = release builds no shell")
run("config", "set", "coherence", "disabled", "--file", "k.conf", code=1,
    err="rvx.coherence=on, but coherence = disabled")
run("config", "set", "bootargs", "rvx.bogus", "--file", "k.conf", code=1,
    err="'rvx.bogus' is not a boot argument")
if open("k.conf").read() != before:
    failures.append("a refused config set changed the file")
run("config", "set", "nosuchkey", "1", "--file", "k.conf", code=2, err="unknown key 'nosuchkey'")
run("config", "check", "--file", "k.conf", out="k.conf: valid")
so = run("config", "check", "--file", "k.conf", "--json")
if json.loads(so)["ok"] is not True:
    failures.append("config check --json: " + so)
open("bad.conf", "w").write("max_tasks = 1000\nqueue_priorities = 9\n")
run("config", "check", "--file", "bad.conf", code=1, out="queue_priorities = 9")
open("worse.conf", "w").write("this is not a config\n")
run("config", "check", "--file", "worse.conf", code=2, err="not KEY = VALUE")
run("config", "check", "--file", "missing.conf", code=3, err="missing.conf")
run("config", "frob", code=2, err="usage: ruvix config")
# The bounds are config.h's own: the compiler refuses what config check refuses.
cc = subprocess.run(["cc", "-fsyntax-only", "-x", "c", "-I", src + "/lib/types/include",
                     "-DRVX_CONFIG_MAX_TASKS=63", "-"], input=b'#include "ruvix/config.h"\n',
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
if cc.returncode == 0:
    failures.append("config.h accepted RVX_CONFIG_MAX_TASKS=63, which config check refuses")

# ---- keys sign / verify ----
run("keys", "generate", "--out", "a.key")
run("keys", "generate", "--out", "b.key")
open("image.bin", "wb").write(os.urandom(200000))
run("keys", "sign", "--key", "a.key", "image.bin", out="signed by key")
run("keys", "verify", "image.bin", "--pub", "b.key.pub", "--pub", "a.key.pub", out=": OK, signed by key")
so = run("keys", "verify", "image.bin", "--pub", "a.key.pub", "--json")
if json.loads(so)["ok"] is not True:
    failures.append("keys verify --json: " + so)
run("keys", "verify", "image.bin", "--pub", "b.key.pub", code=1, err="not among the keys given")
with open("image.bin", "r+b") as f:
    f.seek(1000)
    f.write(b"\x00\x01")
run("keys", "verify", "image.bin", "--pub", "a.key.pub", code=1, err="not the one signed")
sig = open("image.bin.sig").read().replace("signature ", "signature 00", 1)
open("forged.sig", "w").write(sig)
run("keys", "verify", "image.bin", "--pub", "a.key.pub", "--sig", "forged.sig", code=1,
    err="not a ruvix signature file")
run("keys", "sign", "--key", "a.key", "nosuch.bin", code=3, err="nosuch.bin")
run("keys", "sign", "--key", "nosuch.key", "image.bin", code=3)
run("keys", "sign", "image.bin", code=2)
run("keys", "verify", "image.bin", code=2)
run("keys", "verify", "image.bin", "--pub", "a.key.pub", "--sig", "none.sig", code=3)

# ---- dtb ----
VIRT_DTS = """/dts-v1/;
/ { #address-cells = <2>; #size-cells = <2>; compatible = "linux,dummy-virt"; model = "test-virt";
  chosen { stdout-path = "/pl011@9000000"; };
  memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x10000000>; };
  cpus { #address-cells = <1>; #size-cells = <0>;
    cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a72"; reg = <0>; enable-method = "psci"; }; };
  psci { compatible = "arm,psci-1.0"; method = "smc"; };
  intc@8000000 { compatible = "arm,cortex-a15-gic"; reg = <0 0x8000000 0 0x10000 0 0x8010000 0 0x10000>; };
  timer { compatible = "arm,armv8-timer"; };
  pl011@9000000 { compatible = "arm,pl011"; reg = <0 0x9000000 0 0x1000>; };
};
"""
RPI4_DTS = """/dts-v1/;
/ { #address-cells = <2>; #size-cells = <1>; compatible = "raspberrypi,4-model-b", "brcm,bcm2711";
  model = "test-rpi4";
  memory@0 { device_type = "memory"; reg = <0 0 0x3b400000>; };
  cpus { #address-cells = <1>; #size-cells = <0>;
    cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a72"; reg = <0>; enable-method = "spin-table"; }; };
  timer { compatible = "arm,armv8-timer"; };
  soc { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>;
    ranges = <0x7e000000 0 0xfe000000 0x1800000>, <0x40000000 0 0xff800000 0x800000>;
    serial@7e201000 { compatible = "arm,pl011"; reg = <0x7e201000 0x200>; };
    mailbox@7e00b880 { compatible = "brcm,bcm2835-mbox"; reg = <0x7e00b880 0x40>; };
    gic@40041000 { compatible = "arm,gic-400"; reg = <0x40041000 0x1000>, <0x40042000 0x2000>; };
    lost@10000000 { compatible = "test,outside"; reg = <0x10000000 0x100>; };
  };
};
"""
for name, dts in [("virt", VIRT_DTS), ("rpi4", RPI4_DTS)]:
    open(name + ".dts", "w").write(dts)
    subprocess.run([dtc, "-I", "dts", "-O", "dtb", "-o", name + ".dtb", name + ".dts"], check=True,
                   stderr=subprocess.DEVNULL)
run("dtb", "validate", "virt.dtb", "--target", "virt", out="virt.dtb: usable for virt")
run("dtb", "validate", "rpi4.dtb", "--target", "rpi4", out="rpi4.dtb: usable for rpi4")
run("dtb", "validate", "virt.dtb", out="structure ok")
run("dtb", "validate", "virt.dtb", "--target", "rpi4", code=1, out="VideoCore mailbox    MISSING",
    err="node(s) rpi4 needs are missing")
run("dtb", "validate", "rpi4.dtb", "--target", "virt", code=1, out="PSCI                 MISSING")
so = run("dtb", "validate", "rpi4.dtb", "--target", "rpi4", "--json")
if json.loads(so)["ok"] is not True:
    failures.append("dtb validate --json: " + so)
so = run("dtb", "inspect", "rpi4.dtb", out="model 'test-rpi4'")
if "bus 0x07e201000 -> cpu 0x0fe201000" not in so:
    failures.append("dtb inspect: the UART not translated through /soc ranges:\n" + so)
if "bus 0x040042000 -> cpu 0x0ff842000" not in so:
    failures.append("dtb inspect: the GIC's second range not translated:\n" + so)
if "bus 0x010000000 -> (not translatable)" not in so:
    failures.append("dtb inspect: an address outside every range was translated:\n" + so)
j = json.loads(run("dtb", "inspect", "rpi4.dtb", "--json"))
uart = [r for r in j["regs"] if r["path"] == "/soc/serial@7e201000"]
if not uart or uart[0]["cpu"] != 0xfe201000:
    failures.append("dtb inspect --json: %s" % j)
blob = open("virt.dtb", "rb").read()
open("short.dtb", "wb").write(blob[:len(blob) // 2])
run("dtb", "validate", "short.dtb", code=1, err="INVALID: truncated")
open("junk.dtb", "wb").write(b"\x00" * 64)
run("dtb", "validate", "junk.dtb", code=1, err="INVALID")
run("dtb", "inspect", "junk.dtb", code=1, err="INVALID")
run("dtb", "validate", "nosuch.dtb", code=3, err="nosuch.dtb")
run("dtb", "validate", "virt.dtb", "--target", "vax", code=2, err="--target must be")
run("dtb", "frob", code=2)
if qemu:
    subprocess.run([qemu, "-M", "virt,virtualization=on,dumpdtb=qemu.dtb", "-cpu", "cortex-a72",
                    "-m", "256M", "-nographic", "-nic", "none"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=30)
    run("dtb", "validate", "qemu.dtb", "--target", "virt", out="usable for virt")
    run("dtb", "inspect", "qemu.dtb", out="/pl011@9000000")

# ---- monitor ----
sample = subprocess.run([ruvix, "witness", "sample-dump"], stdout=subprocess.PIPE).stdout
open("console.log", "wb").write(sample)
run("monitor", "--file", "console.log", out="chain verified: 11 records from the origin")
so = run("monitor", "--file", "console.log", "--json")
events = [json.loads(l) for l in so.splitlines()]
if events[-1]["event"] != "verified" or sum(e["event"] == "record" for e in events) != 11:
    failures.append("monitor --json: %s" % so[-500:])
lines = sample.decode().split("\n")
recs = [i for i, l in enumerate(lines) if l.startswith("RVX-W ")]
edited = list(lines)
l = edited[recs[5]]
edited[recs[5]] = l[:22] + ("0" if l[22] != "0" else "1") + l[23:]  # record 5's time
open("edited.log", "w").write("\n".join(edited))
run("monitor", "--file", "edited.log", "--quiet", code=1,
    out="FIRST BAD RECORD: sequence 6: the chain breaks here")
dropped = [l for i, l in enumerate(lines) if i != recs[3]]
open("dropped.log", "w").write("\n".join(dropped))
run("monitor", "--file", "dropped.log", "--quiet", code=1, out="FIRST BAD RECORD: sequence 3")
truncated = "\n".join(lines[:recs[8]])
open("truncated.log", "w").write(truncated)
run("monitor", "--file", "truncated.log", "--quiet", code=1, out="truncated")
run("monitor", "--file", "nosuch.log", code=3, err="nosuch.log")
run("monitor", code=2)
run("monitor", "--socket", "a", "--file", "b", code=2)
run("monitor", "--socket", os.path.join(tmp, "nosuch.sock"), code=3)

# A log being written: --follow reads it as it grows, until the shutdown line.
def grow():
    with open("growing.log", "wb") as f:
        for i in range(0, len(sample), 97):
            f.write(sample[i:i + 97])
            f.flush()
            time.sleep(0.01)
        f.write(b"RVX-SHUTDOWN clean\n")
open("growing.log", "wb").close()
t = threading.Thread(target=grow)
t.start()
run("monitor", "--file", "growing.log", "--follow", "--timeout", "30",
    out="chain verified: 11 records")
t.join()

# A QEMU-style serial socket: console out in pieces, keystrokes in.
path = os.path.join(tmp, "serial.sock")
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
got = []


def serve():
    c, _ = srv.accept()
    c.settimeout(10)
    c.sendall(b"rvsh> ")
    data = b""
    while b"\r" not in data:
        d = c.recv(100)
        if not d:
            break
        data += d
    got.append(data)
    for i in range(0, len(sample), 50):
        c.sendall(sample[i:i + 50])
        time.sleep(0.005)
    c.close()
threading.Thread(target=serve).start()
so = run("monitor", "--socket", path, inp=b"help\n", out="chain verified: 11 records")
if not got or got[0] != b"help\r":
    failures.append("monitor passed %r to the console, not b'help\\r'" % got)
if "rvsh> " not in so:
    failures.append("monitor did not print the prompt:\n" + so[:300])

# The same over TCP (QEMU -serial tcp:...,server=on,wait=off).
tsrv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tsrv.bind(("127.0.0.1", 0))
tsrv.listen(1)
tport = tsrv.getsockname()[1]
got.clear()
srv = tsrv
threading.Thread(target=serve).start()
so = run("monitor", "--tcp", "127.0.0.1:%d" % tport, inp=b"help\n",
         out="chain verified: 11 records")
if not got or got[0] != b"help\r":
    failures.append("monitor --tcp passed %r to the console, not b'help\\r'" % got)
tsrv.close()
for bad in ["127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:http", "127.0.0.1:70000", "[::1:80"]:
    run("monitor", "--tcp", bad, code=2, err="not HOST:PORT")
# Nothing listens there (the port just closed): tried for 5 s, then 3.
run("monitor", "--tcp", "127.0.0.1:%d" % tport, code=3, err="Connection refused")

# A serial device (a pty here): set raw, console in, keystrokes out.
import pty
import tty
master, slave = pty.openpty()
tty.setraw(master)
slave_path = os.ttyname(slave)


def pty_serve():
    os.write(master, b"rvsh> ")
    data = b""
    end = time.monotonic() + 10
    while b"\r" not in data and time.monotonic() < end:
        try:
            data += os.read(master, 100)
        except OSError:
            break
    got.append(data)
    for i in range(0, len(sample), 64):
        os.write(master, sample[i:i + 64])
    os.write(master, b"RVX-SHUTDOWN clean\n")
got.clear()
t = threading.Thread(target=pty_serve)
t.start()
so = run("monitor", "--serial", slave_path, "--timeout", "2", inp=b"tasks\n",
         out="chain verified: 11 records")
t.join()
os.close(slave)
os.close(master)
if not got or got[0] != b"tasks\r":
    failures.append("monitor --serial passed %r, not b'tasks\\r'" % got)
run("monitor", "--serial", "/nonexistent/tty", code=3, err="/nonexistent/tty")

# build, run for real with stand-ins for meson and ninja that record their
# arguments and make (or not) what a build leaves.
bin_dir = os.path.join(tmp, "bin")
os.makedirs(bin_dir)
open(os.path.join(bin_dir, "meson"), "w").write(
    "#!/bin/sh\necho \"meson $*\" >> %s/calls\n[ -n \"$FAIL_MESON\" ] && exit 3\n"
    "[ \"$1\" = setup ] && mkdir -p \"$2/meson-private\"\nexit 0\n" % tmp)
open(os.path.join(bin_dir, "ninja"), "w").write(
    "#!/bin/sh\necho \"ninja $*\" >> %s/calls\n[ -n \"$NO_IMAGE\" ] && exit 0\n"
    "mkdir -p \"$2/ports/virt\" && touch \"$2/ports/virt/ruvix-virt.img\" \"$2/libruvix.a\"\n" % tmp)
os.chmod(os.path.join(bin_dir, "meson"), 0o755)
os.chmod(os.path.join(bin_dir, "ninja"), 0o755)
env_path = os.environ["PATH"]
os.environ["PATH"] = bin_dir + ":" + env_path
run("build", "--target", "virt", "--source", src, "--builddir", os.path.join(tmp, "bv"),
    out="ruvix build: built %s/bv/ports/virt/ruvix-virt.img" % tmp)
run("build", "--target", "virt", "--source", src, "--builddir", os.path.join(tmp, "bv"),
    "--features", "shell", out="reconfiguring the tree")
calls = open(os.path.join(tmp, "calls")).read()
if "meson setup %s/bv %s --cross-file" % (tmp, src) not in calls or \
   "meson configure %s/bv -Dbuildtype=debugoptimized -Dkernel-shell=enabled" % tmp not in calls or \
   "ninja -C %s/bv ports/virt/ruvix-virt.img" % tmp not in calls:
    failures.append("build ran:\n" + calls)
os.environ["FAIL_MESON"] = "1"
run("build", "--target", "hosted", "--source", src, "--builddir", os.path.join(tmp, "bh"),
    code=1, err="meson failed")
del os.environ["FAIL_MESON"]
os.environ["NO_IMAGE"] = "1"
run("build", "--target", "virt", "--source", src, "--builddir", os.path.join(tmp, "bn"),
    code=1, err="is missing after the build")
del os.environ["NO_IMAGE"]
# --config: the checked file's limits become a header in the tree
# (-Dconfig_header), its features options; never c_args (the cross file's).
open("big.conf", "w").write("max_tasks = 128\nkernel-shell = disabled\nbootargs = rvx.selftest\n")
so = run("build", "--target", "virt", "--source", src, "--builddir", os.path.join(tmp, "bc"),
         "--config", "big.conf", out="boot arguments of big.conf")
hdr = open(os.path.join(tmp, "bc", "ruvix-config.h")).read()
if "#define RVX_CONFIG_MAX_TASKS 128\n" not in hdr or "#define RVX_CONFIG_CAP_MAX_DEPTH 8\n" not in hdr:
    failures.append("build --config wrote:\n" + hdr)
calls = open(os.path.join(tmp, "calls")).read().splitlines()
setup = [c for c in calls if c.startswith("meson setup %s/bc " % tmp)]
if not setup or "-Dkernel-shell=disabled" not in setup[-1] or \
   "-Dconfig_header=%s/bc/ruvix-config.h" % tmp not in setup[-1] or \
   "--cross-file %s/cross/aarch64-clang.ini" % src not in setup[-1] or "c_args" in setup[-1]:
    failures.append("build --config ran: %s" % setup)
mtime = os.stat(os.path.join(tmp, "bc", "ruvix-config.h")).st_mtime_ns
time.sleep(0.05)
run("build", "--target", "virt", "--source", src, "--builddir", os.path.join(tmp, "bc"),
    "--config", "big.conf", out="reconfiguring the tree")
if os.stat(os.path.join(tmp, "bc", "ruvix-config.h")).st_mtime_ns != mtime:
    failures.append("build --config rewrote an unchanged header (everything rebuilds)")
open("rel2.conf", "w").write("buildtype = release\n")
so = run("build", "--target", "hosted", "--source", src, "--dry-run", "--config", "rel2.conf",
         out="-Dbuildtype=release")
if "%s/build-release" % src not in so:
    failures.append("build --config with buildtype = release: not the release tree:\n" + so)
open("bad.conf", "w").write("max_tasks = 32\n")
run("build", "--target", "virt", "--source", src, "--builddir", os.path.join(tmp, "bb"),
    "--config", "bad.conf", code=1, err="max_tasks = 32")
if os.path.exists(os.path.join(tmp, "bb")):
    failures.append("a configuration that does not check still made the tree")
run("build", "--target", "virt", "--source", src, "--config", "nosuch.conf", code=3)
run("build", "--target", "virt", "--source", src, "--dry-run", "--config", "big.conf",
    "--features", "shell", code=2, err="one place only")
run("build", "--target", "virt", "--source", src, "--dry-run", "--config", "big.conf",
    "--features", "tests", out="-Dtests=enabled")
open("dbg.conf", "w").write("buildtype = debug\n")
run("build", "--target", "virt", "--source", src, "--dry-run", "--config", "dbg.conf",
    "--release", code=2, err="--release, but dbg.conf says buildtype = debug")
run("build", "--target", "hosted", "--source", src, "--dry-run", "--only", "../x", code=2,
    err="--only ../x")
run("build", "--target", "hosted", "--source", src, "--dry-run", "--only", "-v", code=2)
run("build", "--target", "virt", "--source", src, "--builddir", os.path.join(tmp, "bv"),
    "--only", "ports/virt/ruvix-virt.img", out="built %s/bv/ports/virt/ruvix-virt.img" % tmp)
os.environ["NO_IMAGE"] = "1"
run("build", "--target", "hosted", "--source", src, "--builddir", os.path.join(tmp, "bv"),
    "--only", "tools/ruvix/ruvix", code=1, err="tools/ruvix/ruvix is missing after the build")
del os.environ["NO_IMAGE"]
os.environ["PATH"] = os.path.join(tmp, "empty")
run("build", "--target", "hosted", "--source", src, "--builddir", os.path.join(tmp, "bx"),
    code=4, err="meson and ninja must be in PATH")
os.environ["PATH"] = env_path

# ---- security audit ----
def elf(path, segs):
    """A minimal ELF64 (AArch64) with the given PT_LOAD (vaddr, size, flags)."""
    eh = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + b"\0" * 9, 2, 183, 1,
                     0x40080000, 64, 0, 0, 64, 56, len(segs), 64, 0, 0)
    ph = b"".join(struct.pack("<IIQQQQQQ", 1, fl, 0, va, va, sz, sz, 0x1000) for va, sz, fl in segs)
    open(path, "wb").write(eh + ph)
elf("good.elf", [(0x40080000, 0x5000, 5), (0x40090000, 0x1000, 4), (0x400a0000, 0x2000, 6)])
elf("wx.elf", [(0x40080000, 0x5000, 7)])
elf("shared.elf", [(0x40080000, 0x800, 5), (0x40080800, 0x800, 6)])
run("keys", "sign", "--key", "a.key", "good.elf")
run("security", "audit", "--image", "good.elf", "--pub", "a.key.pub",
    out="audit: 0 finding(s)")
run("security", "audit", "--image", "good.elf", "--pub", "b.key.pub", code=1,
    out="not among the keys given")
run("security", "audit", "--image", "wx.elf", code=1, out="segment 0 at 0x40080000 is writable and executable")
run("security", "audit", "--image", "shared.elf", code=1, out="share a 4 KiB page")
run("security", "audit", "--image", "image.bin", code=1, out="not a 64-bit little-endian ELF")
run("security", "audit", "--image", "good.elf", "--release", code=1,
    out="FINDING  signature")  # no --pub: a release must verify
so = run("security", "audit", "--image", "wx.elf", "--json", code=1)
j = json.loads(so)
if j["findings_count"] < 1 or j["findings"][0]["area"] != "w^x":
    failures.append("security audit --json: " + so)
open("rel.conf", "w").write("buildtype = release\nkernel-shell = enabled\nbootargs = rvx.shell=on\n")
run("security", "audit", "--config", "rel.conf", code=1, out="FINDING  config     kernel-shell = enabled")
run("security", "audit", "--config", "rel.conf", code=1, out="the boot arguments start the shell")
open("dev.conf", "w").write("bootargs = rvx.shell=on\n")
run("security", "audit", "--config", "dev.conf", out="note     config     the boot arguments start the shell")
run("security", "audit", "--config", "bad.conf", code=1, out="does not pass `ruvix config check`")
ex = os.path.join(src, "examples", "packages")
open("hello.bin", "wb").write(b"hello code image, 32 bytes long!")
open("config.bin", "wb").write(b"config region initial data")
run("pkg", "pack", "--manifest", ex + "/hello.txt", "--key", "a.key", "--out", "hello.rvf",
    "code:hello.bin", "data:config.bin")
man = open(ex + "/hello.txt").read()
if "wire perception  region:embeddings rights=read,write,prove" not in man and \
   "rights=read,write,prove" not in man:
    failures.append("examples/packages/hello.txt changed: the widening test needs a new edit")
narrow = man.replace("rights=read,write,prove", "rights=read,write", 1)
open("narrow.txt", "w").write(narrow)
run("pkg", "pack", "--manifest", "narrow.txt", "--key", "a.key", "--out", "narrow.rvf",
    "code:hello.bin", "data:config.bin")
run("security", "audit", "--pkg", "hello.rvf", "--pub", "a.key.pub",
    out="hello.rvf is signed by key")
run("security", "audit", "--pkg", "hello.rvf", "--baseline", "narrow.rvf", "--pub", "a.key.pub",
    code=1, out="gains prove on wire")
run("security", "audit", "--pkg", "narrow.rvf", "--baseline", "hello.rvf", "--pub", "a.key.pub")
run("security", "audit", "--pkg", "hello.rvf", "--pub", "b.key.pub", code=1,
    out="does not verify with the keys given")
run("security", "audit", "--pkg", "image.bin", code=1, out="is not a valid package")
run("security", "audit", code=2)
run("security", "audit", "--baseline", "hello.rvf", code=2)
run("security", "audit", "--image", "nosuch.elf", code=3, err="nosuch.elf")
run("security", "audit", "--config", "nosuch.conf", code=3, err="nosuch.conf")
run("security", "frob", code=2)

if failures:
    for f in failures:
        print("FAILED:", f)
    sys.exit(1)
print("ruvix CLI: every command, every documented failure, as expected")
