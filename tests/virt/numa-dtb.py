#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Boot the virt image on DTBs whose NUMA topology is malformed and check
that each is refused with its reason and the image runs as one node.

QEMU writes its DTB for -smp 4 with two NUMA nodes (-machine dumpdtb); fdtput
bends one value; QEMU boots the image on it (-dtb, `-append
rvx.partitions=numa`). Expected: the console's "RVX-NUMA invalid: REASON
(libfdt error); running as one node", the partition layer without nodes
(every partition on node 0, no TRAFFIC records, which only a layer with
several nodes writes), the partitions' program done, exit 0. A control boot
on the unbent DTB reports two nodes and writes TRAFFIC records. (QEMU rewrites the memory nodes of a
DTB it is given, so memory nodes are bent only in the host tests,
tests/aarch64.)

usage: numa-dtb.py --qemu QEMU --image IMG --fdtput FDTPUT --dir DIR
"""
import argparse
import os
import re
import subprocess
import sys

NUMA = ["-smp", "4,sockets=2,cores=2",
        "-object", "memory-backend-ram,id=m0,size=128M",
        "-object", "memory-backend-ram,id=m1,size=128M",
        "-numa", "node,nodeid=0,cpus=0-1,memdev=m0",
        "-numa", "node,nodeid=1,cpus=2-3,memdev=m1",
        "-numa", "dist,src=0,dst=1,val=20"]
# (name, fdtput arguments, the reason the image must give)
CASES = [
    ("node-id-out-of-range", ["/cpus/cpu@3", "numa-node-id", "9"],
     "a numa-node-id is out of range"),
    ("node-id-two-cells", ["/cpus/cpu@0", "numa-node-id", "0", "0"],
     "a numa-node-id is not one cell"),
    ("self-distance", ["/distance-map", "distance-matrix", "0", "0", "11", "0", "1", "20"],
     "a distance to itself other than 10"),
    ("remote-distance", ["/distance-map", "distance-matrix", "0", "1", "5"],
     "a distance outside 11..255"),
    ("unknown-node", ["/distance-map", "distance-matrix", "0", "3", "20"],
     "names a node no CPU or memory node has"),
    ("not-triples", ["/distance-map", "distance-matrix", "0", "1"],
     "not a list of (from, to, distance) triples"),
]


def boot(args, dtb):
    cmd = [args.qemu, "-icount", "shift=0", "-M", "virt,virtualization=on", "-cpu", "cortex-a72",
           "-m", "256M"] + NUMA + ["-nographic", "-nic", "none", "-semihosting",
                                   "-kernel", args.image, "-dtb", dtb,
                                   "-append", "rvx.partitions=numa"]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace").replace("\r\n", "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--fdtput", required=True)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    base = os.path.join(args.dir, "numa-base.dtb")
    subprocess.run([args.qemu, "-M", "virt,virtualization=on,dumpdtb=" + base, "-cpu",
                    "cortex-a72", "-m", "256M"] + NUMA + ["-nographic", "-nic", "none"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    failed = 0
    code, out = boot(args, base)
    if code != 0 or not re.search(r"^RVX-NUMA nodes=2 cpus=0:0,1:0,2:1,3:1$", out, re.M) or \
            "RVX-ACT traffic " not in out or \
            not re.search(r"^RVX-NUMA-START part=D cpu=3 node=1$", out, re.M):
        print(out[-3000:])
        print("FAIL control: exit %s, two nodes expected" % code)
        failed += 1
    else:
        print("control: two nodes, D on node 1, TRAFFIC records")
    for name, put, reason in CASES:
        dtb = os.path.join(args.dir, "numa-" + name + ".dtb")
        with open(base, "rb") as f, open(dtb, "wb") as g:
            g.write(f.read())
        subprocess.run([args.fdtput, "-t", "u", dtb] + put, check=True, timeout=30)
        code, out = boot(args, dtb)
        m = re.search(r"^RVX-NUMA invalid: (.*) \((.*)\); running as one node$", out, re.M)
        ok = (code == 0 and m is not None and reason in m.group(1) and
              "RVX-NUMA nodes=" not in out and "RVX-ACT traffic " not in out and
              len(re.findall(r"^RVX-NUMA-PART part=\S cpu=\d node=0 ", out, re.M)) == 4 and
              "RVX-SHUTDOWN clean" in out and "PANIC" not in out)
        if not ok:
            print(re.sub(r"^RVX-W .*\n", "", out, flags=re.M)[-3000:])
            print("FAIL %s: exit %s, %s" % (name, code, m.group(0) if m else "no refusal line"))
            failed += 1
        else:
            print("%s: refused (%s; %s), ran as one node" % (name, m.group(1), m.group(2)))
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
