#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`ruvix build` for real, once: the hosted target into a temporary tree with
a configuration (max_tasks = 128) and one ninja target (--only
tools/ruvix/ruvix, the CLI itself: a few dozen files, no cache needed). The
CLI built there takes its limits' defaults from ruvix/config.h, so its
`config show --json` must report max_tasks 128 as the compiled-in default:
the header `build --config` wrote reached the compiler. Then the same tree
again: reconfigured, not set up, and nothing rebuilt.

usage: test-build-real.py RUVIX SOURCE
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ruvix, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="ruvix-build-")
failures = []


def run(cmd, timeout=900):
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    out = p.stdout.decode(errors="replace")
    print("$ %s  (exit %d, %.1f s)" % (" ".join(cmd), p.returncode, time.monotonic() - t))
    return p.returncode, out


conf = os.path.join(tmp, "kernel.conf")
with open(conf, "w") as f:
    f.write("max_tasks = 128\ncap_slots_per_task = 32\nbootargs = rvx.shell=on\n")
tree = os.path.join(tmp, "b")
cmd = [ruvix, "build", "--target", "hosted", "--source", src, "--builddir", tree,
       "--config", conf, "--features", "no-tests", "--only", "tools/ruvix/ruvix"]
code, out = run(cmd)
if code != 0:
    failures.append("ruvix build exited %d:\n%s" % (code, out[-4000:]))
elif "ruvix build: built %s/tools/ruvix/ruvix" % tree not in out:
    failures.append("ruvix build did not say what it built:\n" + out[-2000:])
else:
    code, shown = run([os.path.join(tree, "tools", "ruvix", "ruvix"), "config", "show", "--json"])
    try:
        keys = json.loads(shown)
        if keys["max_tasks"]["default"] != 128 or keys["cap_slots_per_task"]["default"] != 32:
            failures.append("the CLI built with the configuration has defaults %s, %s" % (
                keys["max_tasks"], keys["cap_slots_per_task"]))
        if keys["max_vector_stores"]["default"] != 16:
            failures.append("an unset limit is not config.h's default: %s" %
                            keys["max_vector_stores"])
    except (ValueError, KeyError) as e:
        failures.append("config show --json: %s: %s" % (e, shown[:500]))
    code, out = run(cmd)
    if code != 0 or "reconfiguring the tree" not in out or "no work to do" not in out:
        failures.append("the second build (exit %d) reconfigured and rebuilt:\n%s" % (
            code, out[-3000:]))
shutil.rmtree(tmp, ignore_errors=True)
for f in failures:
    print("FAILED:", f)
if failures:
    sys.exit(1)
print("ruvix build: a real hosted build with a configuration, its limits compiled in")
