#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: check-undefined.sh NM [--allow-prefix P]... ARCHIVE...
# Every RuVix library archive must be embeddable in a freestanding kernel: the
# only symbols it may leave undefined are the four memory functions (and, for
# the libraries built on BearSSL, its br_* functions, given as
# --allow-prefix br_). Symbols defined by another member of the same archive
# do not count.
set -u
nm_tool=$1
shift
prefixes=""
while [ "${1:-}" = "--allow-prefix" ]; do
	prefixes="$prefixes $2"
	shift 2
done
allowed='memcpy memmove memset memcmp'
status=0
for archive in "$@"; do
	defined=$("$nm_tool" -g --defined-only "$archive" 2>/dev/null | awk 'NF >= 3 { print $3 }' | sort -u)
	undefined=$("$nm_tool" -u "$archive" | awk 'NF >= 2 && $1 == "U" { print $2 } NF == 1 && $1 !~ /:$/ { print $1 }' | sort -u)
	bad=""
	for sym in $undefined; do
		case " $allowed " in *" $sym "*) continue ;; esac
		ok=0
		for p in $prefixes; do
			case "$sym" in "$p"*) ok=1 ;; esac
		done
		[ $ok -eq 1 ] && continue
		if printf '%s\n' "$defined" | grep -qx "$sym"; then
			continue
		fi
		bad="$bad $sym"
	done
	if [ -n "$bad" ]; then
		echo "FAIL $(basename "$archive"): undefined:$bad"
		status=1
	else
		echo "ok   $(basename "$archive")"
	fi
done
exit $status
