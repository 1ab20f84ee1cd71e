#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs every libFuzzer target in BUILD for SECONDS each, starting from the committed
# corpus; new inputs found go to a scratch copy, crashes to fuzz/crashes/.
set -eu
build=$1; seconds=$2
mkdir -p fuzz/crashes
for t in "$build"/fuzz_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    work=$(mktemp -d)
    cp -r "fuzz/corpus/$name/." "$work/" 2>/dev/null || true
    echo "== $name ($seconds s)"
    "$t" -max_total_time="$seconds" -artifact_prefix=fuzz/crashes/ "$work"
    rm -rf "$work"
done
