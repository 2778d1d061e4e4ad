#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Build a component image for the hosted port (ruvix/hosted_krt.h).

Compiles the component's own sources and the start-up file, compiles the
library sources it may use into a private archive (so only the objects the
component needs are linked), links a position-independent executable with
component.ld, checks that it holds only relative relocations, and writes the
flat image with objcopy. Every source is compiled here with the component's
flags (freestanding, no stack protector, no sanitizer), whatever the build
around it uses.

usage: build-image.py --out IMG --cc CC [--cc CC-ARG...] --objcopy OBJCOPY --ar AR
                      --ld SCRIPT [-I DIR...] [-D DEF...] --src FILE... [--lib FILE...]
"""
import argparse
import os
import subprocess
import sys
import tempfile

FLAGS = ['-std=c11', '-O2', '-ffreestanding', '-fPIE', '-fno-stack-protector',
         '-fno-asynchronous-unwind-tables', '-fno-unwind-tables', '-fno-plt',
         '-fvisibility=hidden', '-fno-tree-loop-distribute-patterns',
         '-fcf-protection=none', '-fstack-clash-protection', '-fno-sanitize=all', '-Wall', '-Wextra', '-Werror',
         '-Wno-unused-parameter']


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(' '.join(cmd) + '\n' + r.stdout + r.stderr)
        sys.exit(1)
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--cc', action='append', required=True)
    ap.add_argument('--objcopy', required=True)
    ap.add_argument('--ar', required=True)
    ap.add_argument('--readelf', required=True)
    ap.add_argument('--ld', required=True)
    ap.add_argument('-I', action='append', default=[])
    ap.add_argument('-D', action='append', default=[])
    ap.add_argument('--src', action='append', required=True)
    ap.add_argument('--lib', action='append', default=[])
    o = ap.parse_args()
    cc = o.cc
    inc = ['-I' + d for d in o.I] + ['-D' + d for d in o.D]
    with tempfile.TemporaryDirectory() as tmp:
        objs, libobjs = [], []
        for i, s in enumerate(o.src + o.lib):
            obj = os.path.join(tmp, '%d_%s.o' % (i, os.path.basename(s)))
            run(cc + FLAGS + inc + ['-c', s, '-o', obj])
            (objs if i < len(o.src) else libobjs).append(obj)
        ar = os.path.join(tmp, 'libcomponent.a')
        if libobjs:
            run([o.ar, 'rcs', ar] + libobjs)
        elf = o.out + '.elf'
        run(cc + ['-nostdlib', '-static-pie', '-Wl,--no-dynamic-linker', '-Wl,-T,' + o.ld,
                  '-Wl,-z,noexecstack', '-Wl,--build-id=none', '-Wl,-z,norelro',
                  '-o', elf] + objs + ([ar] if libobjs else []) + ['-lgcc'])
        # Only relative relocations: the loader applies nothing else.
        rel = run([o.readelf, '-r', '-W', elf])
        for line in rel.splitlines():
            f = line.split()
            if len(f) >= 3 and f[0][:1] in '0123456789abcdef' and len(f[0]) >= 8:
                if not f[2].endswith('_RELATIVE'):
                    sys.stderr.write('%s: relocation %s is not relative\n' % (elf, f[2]))
                    sys.exit(1)
        undef = run([o.readelf, '-s', '-W', elf])
        for line in undef.splitlines():
            f = line.split()
            if len(f) >= 8 and f[6] == 'UND' and f[7] != '':
                sys.stderr.write('%s: undefined symbol %s\n' % (elf, f[7]))
                sys.exit(1)
        run([o.objcopy, '-O', 'binary', '--only-section=.rvx_header', '--only-section=.text',
             '--only-section=.rodata', '--only-section=.data.rel.ro', '--only-section=.got',
             '--only-section=.rela.dyn', '--only-section=.dynamic', '--only-section=.data',
             elf, o.out])


main()
