#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a package's text manifest (docs/rvf.md) from a template whose task
entries name functions of components: `@NAME:SYMBOL@` becomes SYMBOL's
offset in component NAME's image (its address in the ELF less the image's
link address, ruvix/user_image.h). SYMBOL must be a text symbol. Comments
(from `#`) are copied unchanged.

usage: component-manifest.py --nm NM --in TEMPLATE --out MANIFEST NAME=ELF...
"""
import argparse
import re
import subprocess
import sys

IMAGE_IPA = 0x10000000


def symbols(nm, elf):
    out = subprocess.run([nm, "--defined-only", elf], check=True, capture_output=True,
                         text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = (int(parts[0], 16), parts[1])
    return syms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nm", required=True)
    ap.add_argument("--in", dest="template", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("elfs", nargs="*", help="NAME=ELF")
    args = ap.parse_args()
    tables = {}
    for e in args.elfs:
        name, _, path = e.partition("=")
        tables[name] = symbols(args.nm, path)

    def sub(m):
        name, sym = m.group(1), m.group(2)
        if name not in tables:
            sys.exit("component-manifest: no component %r" % name)
        s = tables[name]
        if sym not in s or s[sym][1] not in "Tt":
            sys.exit("component-manifest: %s has no function %r" % (name, sym))
        end = s.get("__rvx_text_end", (None,))[0]
        addr = s[sym][0]
        if addr < IMAGE_IPA or (end is not None and addr >= end):
            sys.exit("component-manifest: %s:%s lies outside the image's text" % (name, sym))
        return str(addr - IMAGE_IPA)

    pat = re.compile(r"@([A-Za-z0-9_.-]+):([A-Za-z_][A-Za-z0-9_]*)@")
    out = []
    for line in open(args.template):
        code, hash_, comment = line.partition("#")  # comments are left as they are
        out.append(pat.sub(sub, code) + hash_ + comment)
    open(args.out, "w").write("".join(out))


if __name__ == "__main__":
    main()
