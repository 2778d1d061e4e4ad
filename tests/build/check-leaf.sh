#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: check-leaf.sh LIBDIR ALLOWED_INCLUDE_DIR...
# A leaf library includes only RuVix headers found in the given include
# directories (its own and lib/types'), so it depends on no other RuVix
# library. Every `#include "ruvix/NAME"` in LIBDIR's sources and headers must
# name a file in one of them.
set -u
lib=$1
shift
status=0
for f in $(find "$lib/src" "$lib/include" -name '*.[ch]'); do
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\(ruvix\/[^"]*\)".*/\1/p' "$f"); do
		found=0
		for d in "$@"; do
			[ -f "$d/$h" ] && found=1
		done
		if [ $found -eq 0 ]; then
			echo "$f: includes $h, from outside the leaf's dependencies"
			status=1
		fi
	done
done
exit $status
