#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: check-subproject.sh SOURCE_ROOT
# Builds tests/build/consumer (a project that uses RuVix as a Meson
# subproject and asks only for ruvix-cap), runs it, and checks that its link
# line names libruvix-cap.a and no other RuVix archive.
set -eu
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/tests/build/consumer/meson.build" "$src/tests/build/consumer/main.c" "$work/"
mkdir "$work/subprojects"
ln -s "$src" "$work/subprojects/ruvix"
meson setup "$work/build" "$work" >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
ninja -C "$work/build" consumer >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
"$work/build/consumer"
link=$(ninja -C "$work/build" -t commands consumer | tail -n 1)
echo "$link" | grep -q 'libruvix-cap\.a' || { echo "consumer does not link libruvix-cap.a: $link"; exit 1; }
others=$(echo "$link" | tr ' ' '\n' | grep -E 'libruvix[^/]*\.a$' | grep -v 'libruvix-cap\.a$' || true)
if [ -n "$others" ]; then
	echo "consumer links more than ruvix-cap: $others"
	exit 1
fi
echo "subproject consumer links only libruvix-cap.a"
