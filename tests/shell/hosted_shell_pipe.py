#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""rvsh on the hosted port, driven over a pipe: each command's answer is
checked against the state ruvix-hosted-shell sets up (root task 0, the
shell's task 1 holding a console sensor and its input queue), and hostile
lines get one error line each; `reboot` is witnessed and ends the program."""
import subprocess
import sys

prog = sys.argv[1]
lines = [
    "help",
    "info",
    "tasks",
    "caps 1",
    "caps 99",
    "caps one",
    "queues",
    "mem",
    "vectors",
    "graphs",
    "proofs",
    "cpu",
    "irq",
    "perf",
    "panic",
    "witness verify",
    "trace on",
    "witness tail 1",
    "trace",
    "bogus",
    "x" * 300,
    "witness tail -3",
    "reboot",
    "help",
]
data = ("\n".join(lines) + "\n").encode() + b"\xff\xfe\n"
p = subprocess.run([prog], input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                   timeout=30)
out = p.stdout.decode("ascii", "replace")
failures = []


def expect(what, cond):
    if not cond:
        failures.append(what)


expect("exit status 0 after reboot (got %d)" % p.returncode, p.returncode == 0)
expect("nothing on stderr", p.stderr == b"")
expect("sixteen commands in help", out.count("\nreboot   reboot (witnessed)") == 1)
expect("info names the port", "on hosted\n" in out)
expect("tasks: root", "\n0    root         ready       2    0   0\n" in out)
expect("tasks: the shell with its two capabilities",
       "\n1    rvsh         ready       2    8   0 (this shell)\n" in out)
expect("caps 1: two capabilities", "task 1: 2 capabilities\n" in out)
expect("caps 1: the console sensor, read only", "sensor     " in out and "r------     0" in out)
expect("caps 1: its queue", "queue      " in out and "rw-----     0" in out)
expect("caps 99: no such task", "rvsh: caps: TASK is a task number (see `tasks`)\n" in out)
expect("queues: the console queue of 8", "/8 " in out)
expect("mem: the queue pool", "queue pool" in out)
expect("vectors: none", "(no vector stores)\n" in out)
expect("graphs: none", "(no graph stores)\n" in out)
expect("proofs: none rejected", "no rejections\n" in out)
expect("irq: not on this port", "rvsh: irq: this port has no interrupt counts\n" in out)
expect("cpu 0 runs the shell", "0   yes     task 1  " in out)
expect("perf: shell counters", "shell.lines" in out)
expect("panic: none", "no panics or contained faults since boot\n" in out)
expect("witness verify passes", "records verified from the origin" in out)
expect("trace on witnessed", "trace: on (witnessed)\n" in out)
expect("the newest record is the shell's trace switch", "shell_trace           1" in out)
expect("the trace shows the shell's QueueRecv", "task 1   syscall 4  -> 0\n" in out)
expect("unknown command", "rvsh: bogus: unknown command (try `help`)\n" in out)
expect("overlong line dropped", "rvsh: input: line too long; dropped\n" in out)
expect("bad number", "rvsh: witness tail: usage: witness tail N (1..4096)\n" in out)
expect("reboot witnessed", "reboot: witnessed; rebooting\n" in out)
expect("nothing after reboot", out.count("this list") == 1)
expect("binary bytes never reached the shell", "not text" not in out)
if failures:
    print(out)
    for f in failures:
        print("FAILED:", f)
    sys.exit(1)
print("hosted shell: %d lines, every answer as expected" % len(lines))
