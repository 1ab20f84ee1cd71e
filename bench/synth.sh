#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Times `amnistia synth` on 1,000,000 people (Release build) and prints wall seconds, peak
# memory and the size written. Target: under a minute on this 2-core machine.
# usage: bench/synth.sh [path/to/amnistia] [people]
set -eu
AM=${1:-build/amnistia}
N=${2:-1000000}
[ -x "$AM" ] || { echo "bench/synth.sh: $AM not built; run make first" >&2; exit 1; }
OUT=$(mktemp -d "${TMPDIR:-/tmp}/synth-bench-XXXXXX")
trap 'rm -rf "$OUT"' EXIT
if command -v /usr/bin/time >/dev/null 2>&1; then
    /usr/bin/time -f "%e %M %U %S" -o "$OUT.time" "$AM" synth --seed 1 --people "$N" --out "$OUT/d" >/dev/null
    read -r secs kb usr sys <"$OUT.time"
    rm -f "$OUT.time"
else
    start=$(date +%s.%N)
    "$AM" synth --seed 1 --people "$N" --out "$OUT/d" >/dev/null
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    kb=0
    usr=?
    sys=?
fi
rows=$(cat "$OUT"/d/ngo.csv "$OUT"/d/family.csv "$OUT"/d/press.csv "$OUT"/d/official.csv | wc -l)
mb=$(du -sm "$OUT/d" | cut -f1)
echo "synth: $N people, $((rows - 4)) list rows, ${mb} MB written in ${secs} s wall" \
     "(${usr} s user, ${sys} s system; peak memory $((kb / 1024)) MiB)"
