#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: check-doxygen.sh DOXYGEN DOXYFILE WARN_LOG
# Generates the API reference and fails if Doxygen reported anything: an
# undocumented public declaration, a missing @param, a broken command.
set -eu
doxygen=$1
doxyfile=$2
log=$3
rm -f "$log"
"$doxygen" "$doxyfile"
if [ -s "$log" ]; then
	echo "Doxygen warnings (every public declaration must be documented):"
	cat "$log"
	exit 1
fi
echo "API reference generated with no warnings"
