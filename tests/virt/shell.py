#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""rvsh on the virt image, driven over its serial console (QEMU's stdio).

usage: shell.py --qemu QEMU --image IMG [--transcript FILE]
                [--machine virt|rpi4 --dtb DTB --console mini|pl011]
                [--initrd shell.rvf]

Boots with -append rvx.shell=on, waits for each prompt, types a command,
checks the answer against the state the image is known to have when the
shell starts (the root task and the shell's own task 1 holding its clock,
console sensor and input queue; the embedder's vector store of 256
8-dimensional vectors and graph store of 64 nodes), then hostile lines,
then `reboot`: the image dumps its witness log, which must hold the shell's
trace switch and reboot records and hash to the dumped chain head, and
resets (QEMU -no-reboot exits 0).

--machine rpi4 runs the Raspberry Pi 4 image (kernel8.img) under QEMU
raspi4b with the Pi 4's DTB (prepared as tests/rpi4/run-rpi4.py does), the
console the mini UART (its receive interrupt SPI 93, INTID 125) or, with
--console pl011, the PL011 (SPI 121, INTID 153); the other UART goes to
QEMU's null device.

--initrd boots the shell test's package (tests/virt/components/shell.txt)
as the root package: its one task, sleeping while the shell runs, is task
1, and `tasks` must show it by its manifest name (`sleeper`, recorded by
the nucleus at the mount) beside the root and the shell (task 2); then
`reboot` as above.

--interleave ELF sweeps every interleaving of one arriving byte with the
console's receive (rvx_virt_console_rx, from the UART's interrupt): over
QEMU's gdbstub it stops that receive at its entry with the first byte of
a line in the FIFO, single-steps it K instructions, lets the next byte
land in the FIFO, resumes, types the rest and wants the line answered;
K = 0, 1, ... until the receive has returned. A byte that reaches the FIFO
at a point where the driver then clears the receive interrupt
(PL011 ICR with the FIFO no longer empty) is never taken: the shell goes
silent. Then `help` and `reboot` as above.
"""
import argparse
import hashlib
import os
import re
import select
import socket
import struct
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--qemu", required=True)
ap.add_argument("--image", required=True)
ap.add_argument("--transcript")
ap.add_argument("--timeout", type=float, default=40.0)
ap.add_argument("--machine", choices=["virt", "rpi4"], default="virt")
ap.add_argument("--dtb", help="rpi4: the Pi 4's DTB")
ap.add_argument("--console", choices=["mini", "pl011"], default="mini")
ap.add_argument("--initrd", help="boot the shell test's package (shell.txt)")
ap.add_argument("--interleave", metavar="ELF",
                help="sweep a byte's arrival over the console receive (the image's ELF)")
ap.add_argument("--interleave-fn", default="rvx_virt_console_rx",
                help="the function swept (from its entry to its return; a local one if unique)")
ap.add_argument("--interleave-stride", type=int, default=1,
                help="instructions between the sweep's arrival points")
args = ap.parse_args()

if args.machine == "virt":
    cmd = [args.qemu, "-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m", "256M",
           "-nographic", "-nic", "none", "-semihosting", "-no-reboot", "-kernel", args.image,
           "-smp", "2", "-append", "rvx.shell=on"]
    if args.initrd:
        cmd += ["-initrd", args.initrd]
    INTID, BOARD, CPUS, PAGES = 33, "qemu-virt", 2, "65536"
else:
    import importlib.util
    import tempfile
    spec = importlib.util.spec_from_file_location(
        "run_rpi4", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rpi4",
                                 "run-rpi4.py"))
    rpi4 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rpi4)
    tmpdir = tempfile.TemporaryDirectory(prefix="rvx-rpi4-shell-")
    dtb = rpi4.make_dtb(args.dtb, tmpdir.name, args.console, "keep")
    # serial0 is the PL011, serial1 the mini UART.
    serials = ["stdio", "null"] if args.console == "pl011" else ["null", "stdio"]
    cmd = [args.qemu, "-M", "raspi4b", "-nodefaults", "-display", "none",
           "-serial", serials[0], "-serial", serials[1], "-semihosting", "-no-reboot",
           "-kernel", args.image, "-dtb", dtb, "-append", "rvx.shell=on"]
    INTID = 153 if args.console == "pl011" else 125
    BOARD, CPUS, PAGES = "Raspberry Pi 4 Model B", 4, r"\d+"
if args.interleave:
    import tempfile
    gdbdir = tempfile.TemporaryDirectory(prefix="rvx-shell-gdb-")
    gdbsock = os.path.join(gdbdir.name, "gdb")
    # Stopped at reset until the sweep has set its breakpoint.
    cmd += ["-S", "-gdb", "unix:%s,server=on,wait=off" % gdbsock]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
deadline = time.monotonic() + args.timeout
log = b""
pending = b""
failures = []


def read_until(pat):
    """Bytes up to and including the first @pat, or fail on timeout/exit."""
    global pending, log
    while True:
        i = pending.find(pat)
        if i >= 0:
            out, pending = pending[:i + len(pat)], pending[i + len(pat):]
            return out.decode("ascii", "replace").replace("\r\n", "\n")
        left = deadline - time.monotonic()
        if left <= 0:
            finish("timed out waiting for %r" % pat)
        r, _, _ = select.select([p.stdout], [], [], min(left, 0.5))
        if r:
            d = os.read(p.stdout.fileno(), 65536)
            if not d:
                finish("QEMU exited while waiting for %r" % pat)
            pending += d
            log += d


def finish(msg=None):
    if p.poll() is None:
        p.kill()
        p.wait()
    if args.transcript:
        with open(args.transcript, "wb") as f:
            f.write(log)
    if msg:
        failures.append(msg)
    for f in failures:
        print("FAILED:", f)
    if failures:
        print(log.decode("ascii", "replace")[-4000:])
        sys.exit(1)
    print("%s shell: every answer as expected" % args.machine)
    sys.exit(0)


typed = 0  # bytes typed by run()


def run(line):
    """Type @line and return what the shell answered (without the echo and prompt)."""
    global typed
    typed += len(line) + 1
    p.stdin.write(line + b"\r")
    p.stdin.flush()
    out = read_until(b"rvsh> ")
    echo = line.decode("ascii", "replace")
    if out.startswith(echo + "\n"):
        out = out[len(echo) + 1:]
    return out[:-len("rvsh> ")]


def expect(what, text, pattern):
    if not re.search(pattern, text, re.M):
        failures.append("%s: /%s/ not in:\n%s" % (what, pattern, text))


def elf_symbol(path, name):
    """The address of function @name in the ELF64 @path: the global one, or
    the one local one of that name."""
    with open(path, "rb") as f:
        elf = f.read()
    shoff = struct.unpack_from("<Q", elf, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3a)
    secs = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    found = {}
    for sec in secs:
        if sec[1] != 2:  # SHT_SYMTAB
            continue
        strs = secs[sec[6]][4]
        for off in range(sec[4], sec[4] + sec[5], 24):
            st_name, st_info, _, _, value, _ = struct.unpack_from("<IBBHQQ", elf, off)
            if st_info & 0xf == 2 and elf[strs + st_name:elf.index(b"\0", strs + st_name)] == name:
                found.setdefault(st_info >> 4, []).append(value)  # by binding
    if len(found.get(1, [])) == 1:
        return found[1][0]
    if not found.get(1) and len(found.get(0, [])) == 1:
        return found[0][0]
    finish("no one function %s in %s" % (name.decode(), path))


class Gdb:
    """The few requests of QEMU's gdbstub (remote serial protocol) the sweep makes.
    The machine runs all-stop: requests are made only while it is stopped."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                self.s.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline or p.poll() is not None:
                    finish("no gdbstub at %s" % path)
                time.sleep(0.05)
        self.buf = b""

    def poll(self):
        """A whole packet's payload if one has come (acknowledged), else None."""
        i = self.buf.find(b"$")
        j = self.buf.find(b"#", i) if i >= 0 else -1
        if j < 0 or len(self.buf) < j + 3:
            return None
        data, self.buf = self.buf[i + 1:j], self.buf[j + 3:]
        self.s.sendall(b"+")
        return data.decode("ascii")

    def take(self):
        """Bytes from the stub into the buffer; fail if it has gone."""
        d = self.s.recv(65536)
        if not d:
            finish("the gdbstub closed its connection")
        self.buf += d

    def packet(self):
        while True:
            got = self.poll()
            if got is not None:
                return got
            left = deadline - time.monotonic()
            if left <= 0:
                finish("gdbstub: no answer in time")
            if select.select([self.s], [], [], min(left, 0.5))[0]:
                self.take()

    def ask(self, req):
        req = req.encode("ascii")
        self.s.sendall(b"$%s#%02x" % (req, sum(req) & 0xff))
        return self.packet() if req != b"c" else None

    def ok(self, req):
        r = self.ask(req)
        if r != "OK":
            finish("gdbstub: %s answered %r" % (req, r))

    def reg(self, n):
        r = self.ask("p%x" % n)
        if len(r) != 16:
            finish("gdbstub: register %d read as %r" % (n, r))
        return int.from_bytes(bytes.fromhex(r), "little")

    def read32(self, addr):
        r = self.ask("m%x,4" % addr)
        if len(r) != 8:
            finish("gdbstub: read of 0x%x answered %r" % (addr, r))
        return int.from_bytes(bytes.fromhex(r), "little")

    def step(self):
        """One instruction of the stopped CPU; its PC after."""
        r = self.ask("s")
        if r[:1] not in ("T", "S"):
            finish("gdbstub: step answered %r" % r)
        return self.reg(32)


def pump_until(pat, what):
    """read_until(@pat), meanwhile letting each receive stopped at the
    breakpoint go on (off it by one step, the breakpoint back)."""
    global pending, log
    while True:
        i = pending.find(pat)
        if i >= 0:
            out, pending = pending[:i + len(pat)], pending[i + len(pat):]
            return out.decode("ascii", "replace").replace("\r\n", "\n")
        if gdb.poll() is not None:
            gdb.ok("z0,%x,4" % rx_entry)
            gdb.step()
            gdb.ok("Z0,%x,4" % rx_entry)
            gdb.ask("c")
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            finish("timed out waiting for %r: %s" % (pat, what))
        r, _, _ = select.select([p.stdout, gdb.s], [], [], min(left, 0.5))
        if gdb.s in r:
            gdb.take()
        if p.stdout in r:
            d = os.read(p.stdout.fileno(), 65536)
            if not d:
                finish("QEMU exited while waiting for %r" % pat)
            pending += d
            log += d


def fifo_holds_input():
    """The console UART's receive FIFO is not empty."""
    if uart_kind == "PL011":
        return gdb.read32(uart_base + 0x18) & 0x10 == 0  # UARTFR.RXFE
    return gdb.read32(uart_base + 0x14) & 0x01 != 0  # AUX_MU_LSR data ready


def land(byte):
    """Type @byte while the machine is stopped, and wait until QEMU has put
    it into the UART's FIFO (the pipe drained and the FIFO not empty)."""
    import fcntl
    import termios
    was = fifo_holds_input()
    p.stdin.write(byte)
    p.stdin.flush()
    while True:
        n = fcntl.ioctl(p.stdin.fileno(), termios.FIONREAD, b"\0\0\0\0")
        if struct.unpack("i", n)[0] == 0 and fifo_holds_input():
            break
        if time.monotonic() > deadline:
            finish("the typed byte never reached the UART's FIFO")
        time.sleep(0.005)
    if was:
        time.sleep(0.05)  # the first byte still there: the FIFO's state cannot tell


def interleave_sweep():
    """Each round types a line `qNNN`: its first byte raises the receive,
    stopped at its entry; K steps on, the second byte lands in the FIFO; the
    rest is typed and the line must be answered. Returns the rounds."""
    global deadline, log
    k = 0
    while True:
        deadline = time.monotonic() + 30.0
        line = b"q%03d" % k
        p.stdin.write(line[:1])
        p.stdin.flush()
        while True:
            stop = gdb.packet()
            if gdb.reg(32) != rx_entry:
                finish("round %d: stopped (%s) away from the receive" % (k, stop))
            if fifo_holds_input():
                break
            # Entered with nothing to take (not this round's byte): let it go.
            log += b"\nshell.py: round %d: a receive with the FIFO empty\n" % k
            gdb.ok("z0,%x,4" % rx_entry)
            gdb.step()
            gdb.ok("Z0,%x,4" % rx_entry)
            gdb.ask("c")
        ret = gdb.reg(30)
        gdb.ok("z0,%x,4" % rx_entry)
        pc = rx_entry
        for _ in range(k):
            pc = gdb.step()
            if pc == ret:
                break
        land(line[1:2])
        gdb.step()
        if pc != ret:
            gdb.ok("Z0,%x,4" % rx_entry)
        gdb.ask("c")
        p.stdin.write(line[2:] + b"\r")
        p.stdin.flush()
        out = pump_until(b"rvsh> ", "round %d: the second byte landed before pc 0x%x, %d "
                         "instruction(s) into the receive (returning to 0x%x)" % (k, pc, k, ret))
        expect("round %d (pc 0x%x)" % (k, pc), out,
               r"^rvsh: %s: unknown command" % line.decode())
        if pc == ret:
            return k // args.interleave_stride + 1
        k += args.interleave_stride


if args.interleave:
    # Stopped at reset (-S): the breakpoint on the console's receive, then run.
    rx_entry = elf_symbol(args.interleave, args.interleave_fn.encode())
    gdb = Gdb(gdbsock)
    gdb.ask("?")
    gdb.ok("Z0,%x,4" % rx_entry)
    gdb.ask("c")
boot = read_until(b"rvsh> ")


def reboot_and_check(traces):
    """`reboot`: the dump must verify and hold @traces trace records."""
    global log
    p.stdin.write(b"reboot\r")
    p.stdin.flush()
    rest = read_until(b"RVX-SHUTDOWN reboot")
    try:
        code = p.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        finish("QEMU did not exit after the reset (-no-reboot)")
    log += p.stdout.read()
    if code != 0:
        failures.append("QEMU exit status %d after reboot" % code)
    expect("reboot witnessed", rest, r"^reboot: witnessed; rebooting$")
    recs = [bytes.fromhex(x) for x in re.findall(r"^RVX-W ([0-9a-f]{128})\r?$", rest, re.M)]
    end = re.search(r"^RVX-WITNESS-END ([0-9a-f]{64})\r?$", rest, re.M)
    if not end or not recs:
        failures.append("no witness dump after reboot")
    else:
        if hashlib.sha256(b"".join(recs)).hexdigest() != end.group(1):
            failures.append("the dumped records do not hash to the dumped head")
        kinds = [struct.unpack_from("<H", r, 16)[0] for r in recs]
        if kinds.count(0x8100) != traces:
            failures.append("expected %d shell trace records, kinds %s" % (traces, kinds))
        if kinds.count(0x8101) != 1:
            failures.append("expected one shell reboot record")
        if struct.unpack_from("<Q", recs[0], 0)[0] != 0:
            failures.append("the dump does not start at the origin")
    finish()


if args.interleave:
    m = re.search(r"^console: (PL011|mini UART) at (0x[0-9a-f]+)", boot, re.M)
    if not m:
        finish("the boot names no console UART:\n" + boot)
    uart_kind, uart_base = m.group(1), int(m.group(2), 16)
    rounds = interleave_sweep()
    if args.interleave_fn != "rvx_virt_console_rx":
        print("swept %s every %d instruction(s)" % (args.interleave_fn, args.interleave_stride))
    deadline = time.monotonic() + 30.0
    log += b"\nshell.py: %d interleavings swept\n" % rounds
    print("%s %s: %d interleavings of a byte with the receive" % (args.machine, uart_kind, rounds))
    if rounds < 8:
        failures.append("only %d interleavings: the receive returned too soon" % rounds)
    out = run(b"help")
    expect("help after the sweep", out, r"^reboot   reboot \(witnessed\)$")
    reboot_and_check(0)

if args.initrd:
    expect("ready", boot, r"^RVX-SHELL ready: task 2, console INTID %d$" % INTID)
    expect("mounted", boot, r"^RVX-MOUNT ok: mount 0, 1 task\(s\)$")
    out = run(b"tasks")
    expect("tasks: the package's task by its manifest name", out,
           r"^1    sleeper      (blocked|ready|running) +1    2   \d$")
    expect("tasks: the shell", out, r"^2    rvsh         running     3    1   0 \(this shell\)$")
    out = run(b"caps 1")
    expect("caps 1: the sleeper's clock", out, r"^0    timer      \d+\s+r------")
    reboot_and_check(0)

expect("ready", boot, r"^RVX-SHELL ready: task 1, console INTID %d$" % INTID)
out = run(b"tasks")
expect("tasks: root (asleep, or woken by its timer)", out, r"^0    root         (blocked|ready) +5    0   0$")
expect("tasks: the shell", out, r"^1    rvsh         running     3    1   0 \(this shell\)$")
out = run(b"caps 1")
expect("caps 1", out, r"^task 1: 3 capabilities$")
expect("caps 1: clock, read, derived", out, r"^0    timer      1      r------     1 0$")
expect("caps 1: console sensor", out, r"^1    sensor     \d+\s+r------     0 0$")
expect("caps 1: input queue", out, r"^2    queue      \d+\s+rw-----     0 0$")
out = run(b"info")
expect("info", out, r"^RuVix \S+ on %s$" % BOARD)
expect("info: CPUs", out, r"^cpu: cortex-a72 x%d$" % CPUS)
m = re.search(r"kernel: 2 tasks, \d+ objects, (\d+) witness records", out)
if not m:
    failures.append("info: no kernel line:\n" + out)
records = int(m.group(1)) if m else -1
out = run(b"witness verify")
expect("witness verify", out, r"^witness: %d records verified from the origin; head [0-9a-f]{16}"
       r"\.\.\. matches the kernel's$" % records)
out = run(b"vectors")
expect("vectors", out, r"^0\s+\d+\s+8\s+0\s+256 l2\s+reflex\s+0 embedder$")
out = run(b"graphs")
expect("graphs", out, r"^0\s+\d+\s+0\s+64\s+0\s+256 reflex\s+embedder$")
out = run(b"mem")
expect("mem: physical pages", out, r"^physical: \d+ of %s pages free \(4096 bytes each\)$" % PAGES)
expect("mem: queue pool", out, r"^queue pool\s+\d+ of\s+262144 bytes used$")
out = run(b"irq")
expect("irq: the console's receive interrupts", out, r"^%d\s+uart rx\s+[1-9]\d*$" % INTID)
expect("irq: the scheduler's timer", out, r"^26\s+timer\s+[1-9]\d*$")
out = run(b"cpu")
expect("cpu 0 runs the shell", out, r"^0   yes     task 1 ")
QUEUE = r"^0\s+\d+\s+0/16\s+32\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$"


def console_queue(what):
    """The console queue's (sent, sent bytes, received, received bytes,
    dropped) from `queues`."""
    out = run(b"queues")
    m = re.search(QUEUE, out, re.M)
    if not m:
        failures.append("%s: /%s/ not in:\n%s" % (what, QUEUE, out))
        return (0, 0, 0, 0, 0)
    return tuple(int(x) for x in m.groups())


first = console_queue("queues: the console queue")
typed_first = typed
if first[0] == 0 or first[4] != 0:
    failures.append("queues: the console queue sent %d, dropped %d" % (first[0], first[4]))
out = run(b"proofs")
expect("proofs", out, r"^no rejections$")
out = run(b"panic")
expect("panic", out, r"^no panics or contained faults since boot$")
out = run(b"trace on")
expect("trace on", out, r"^trace: on \(witnessed\)$")
out = run(b"witness tail 1")
expect("witness tail 1: the trace switch", out, r"^\s+%d\s+\d+ shell_trace\s+1 -\s+1$" % records)
out = run(b"trace")
expect("trace: the shell's receives", out, r"task 1   syscall 4  -> 0$")
out = run(b"trace off")
out = run(b"perf")
expect("perf", out, r"^uart\.rx_bytes\s+[1-9]")
out = run(b"bogus")
expect("unknown command", out, r"^rvsh: bogus: unknown command \(try `help`\)$")
out = run(b"caps 99")
expect("caps 99", out, r"^rvsh: caps: TASK is a task number")
out = run(b"caps 7")
expect("caps 7", out, r"^rvsh: caps: no such task$")
out = run(b"witness tail x")
expect("bad number", out, r"^rvsh: witness tail: usage")
out = run(b"y" * 2000)  # more than the input queue holds: flow control, not loss
expect("overlong line", out, r"rvsh: input: line too long; dropped$")
# Every byte typed since the first `queues` went through the console queue,
# none dropped (the paste waited in the UART's FIFO instead).
now = console_queue("queues after the overlong line")
if (now[1] - first[1], now[3] - first[3], now[4]) != (typed - typed_first,) * 2 + (0,):
    failures.append("console queue: %d bytes typed since the first `queues`, %d sent and %d "
                    "received, %d dropped" % (typed - typed_first, now[1] - first[1],
                                              now[3] - first[3], now[4]))
out = run(b"perf")
held = re.search(r"^uart\.rx_held\s+(\d+)$", out, re.M)
if not held:
    failures.append("perf: no uart.rx_held:\n" + out)
else:
    log += b"\nshell.py: the receive held input back %s time(s)\n" % held.group(1).encode()
out = run(b"he\x02lp")  # not Ctrl-A: QEMU's -nographic escape
expect("binary byte", out, r"rvsh: input: the line holds a byte that is not text$")
out = run(b"help")
expect("help still works", out, r"^reboot   reboot \(witnessed\)$")

reboot_and_check(2)
