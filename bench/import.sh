#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Import speed and memory. `amnistia synth` makes a population big enough that its three
# canonical-column lists (ngo.csv, family.csv, press.csv) hold together at least ROWS rows
# (default 1,000,000); one `amnistia import` of the three into a fresh registry is timed
# with the release build, and rows per second (wall and per CPU second) and peak memory are
# printed. A run on a tenth of the rows first shows whether memory is flat in the size.
# Usage: sh bench/import.sh [path/to/amnistia]   (ROWS=N to change the size)
set -eu
bin=${1:-build/amnistia}
rows=${ROWS:-1000000}
[ -x "$bin" ] || { echo "bench/import.sh: no $bin; run make build first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/import.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
export AMNISTIA_TODAY=${AMNISTIA_TODAY:-2026-11-29}

run() { # wanted-rows label
    # The three lists give about 1.41 rows per synthetic person; ask for a few more.
    people=$(( $1 * 100 / 139 ))
    rm -rf "$work/lists"
    "$bin" synth --seed 7 --people "$people" --out "$work/lists" > /dev/null
    rm -f "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm"
    set -- "$2" "$work/lists/ngo.csv" "$work/lists/family.csv" "$work/lists/press.csv"
    label=$1
    shift
    /usr/bin/time -v "$bin" --db "$work/bench.db" import --source bench --kind ngo "$@" \
        > "$work/out.txt" 2> "$work/time.txt" || { echo "import failed:"; cat "$work/out.txt" "$work/time.txt"; exit 1; }
    n=$(awk '/records imported/ { for (i = 1; i < NF; i++) if ($(i + 1) == "records") s += $i } END { print s + 0 }' "$work/out.txt")
    size=$(cat "$@" | wc -c)
    db=$(wc -c < "$work/bench.db")
    awk -v rows="$n" -v label="$label" -v size="$size" -v db="$db" '
        /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); wall = (n == 3) ? p[1]*3600 + p[2]*60 + p[3] : p[1]*60 + p[2] }
        /User time/ { user = $NF }
        /System time/ { sys = $NF }
        /Maximum resident set size/ { rss = $NF }
        END {
            printf "%s: %d rows (%.0f MB of CSV, 3 files, one import) in %.2f s wall, %.2f s CPU (%.2f user + %.2f system): %.0f rows/s wall, %.0f rows/s per CPU second; peak memory %.1f MB; registry %.0f MB (%.0f bytes/row)\n",
                label, rows, size / 1048576, wall, user + sys, user, sys, rows / wall, rows / (user + sys), rss / 1024, db / 1048576, db / rows
        }' "$work/time.txt"

}
echo "amnistia import benchmark ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) at start; target >= 200000 rows/s, memory flat)"
run $((rows / 10)) small
run "$rows" large
