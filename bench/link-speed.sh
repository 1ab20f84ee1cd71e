#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Linking speed end to end: about 1,000,000 records from four synthetic lists (synth with
# 680,000 people), imported, then `amnistia link` timed (load, block, compare, EM,
# cluster, write) under /usr/bin/time -v. Prints wall seconds, peak memory, pairs compared
# per second and the per-phase times. Import is not timed. Needs a Release build in build/.
# PEOPLE (default 680000) and SEED (default 7) can be set in the environment.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${AMNISTIA:-$here/build/amnistia}
people=${PEOPLE:-680000}
seed=${SEED:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
export AMNISTIA_TODAY=${AMNISTIA_TODAY:-2026-11-29}
export AMNISTIA_DB=$work/r.db

"$bin" synth --seed "$seed" --people "$people" --out "$work/s" >/dev/null
tail -n +2 "$work/s/manifest.csv" | while IFS=, read -r file source kind asof map enc; do
    if [ -n "$map" ]; then
        "$bin" import --source "$source" --kind "$kind" --as-of "$asof" --encoding "$enc" \
            --map "$work/s/$map" "$work/s/$file" >/dev/null
    else
        "$bin" import --source "$source" --kind "$kind" --as-of "$asof" --encoding "$enc" \
            "$work/s/$file" >/dev/null
    fi
done
/usr/bin/time -v "$bin" link --json >"$work/summary.json" 2>"$work/time.txt"
records=$(sed -n 's/^{"records":\([0-9]*\).*/\1/p' "$work/summary.json")
pairs=$(sed -n 's/^{"records":[0-9]*,"pairs":\([0-9]*\).*/\1/p' "$work/summary.json")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
cpu_user=$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")
cpu_sys=$(sed -n 's/.*System time (seconds): //p' "$work/time.txt")
echo "link: $records records, $pairs pairs compared"
echo "wall $wall (m:ss), user $cpu_user s, system $cpu_sys s, peak memory $((rss / 1024)) MiB"
sed -n 's/.*"pairs_per_second":\([0-9]*\).*/pairs compared per second (block+compare phase): \1/p' "$work/summary.json"
sed -n 's/.*"seconds":{\(.*\)}}/phases (s): \1/p' "$work/summary.json"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
