#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Import speed and memory: generates ROWS synthetic list rows (default 1,000,000) in the
# canonical columns with bench/gen_import_rows.py, imports them into a fresh registry
# with the release build, and prints rows per second and peak memory. A second import of
# a tenth of the rows shows whether memory is flat in the file's size.
# Usage: sh bench/import.sh [path/to/amnistia]   (ROWS=N to change the size)
set -eu
bin=${1:-build/amnistia}
rows=${ROWS:-1000000}
small=$((rows / 10))
here=$(dirname "$0")
[ -x "$bin" ] || { echo "bench/import.sh: no $bin; run make build first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/import.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
export AMNISTIA_TODAY=${AMNISTIA_TODAY:-2026-11-29}

run() { # rows label
    python3 "$here/gen_import_rows.py" "$1" 7 > "$work/list.csv"
    rm -f "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm"
    /usr/bin/time -v "$bin" --db "$work/bench.db" import --source bench --as-of 2026-11-01 \
        "$work/list.csv" > "$work/out.txt" 2> "$work/time.txt"
    size=$(wc -c < "$work/list.csv")
    awk -v rows="$1" -v label="$2" -v size="$size" '
        /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); wall = (n == 3) ? p[1]*3600 + p[2]*60 + p[3] : p[1]*60 + p[2] }
        /User time/ { user = $NF }
        /System time/ { sys = $NF }
        /Maximum resident set size/ { rss = $NF }
        END {
            printf "%s: %d rows (%.0f MB of CSV) in %.2f s wall, %.2f s CPU: %.0f rows/s wall, %.0f rows/s per CPU second; peak memory %.1f MB\n",
                label, rows, size / 1048576, wall, user + sys, rows / wall, rows / (user + sys), rss / 1024
        }' "$work/time.txt"
    grep -q "$1 records imported" "$work/out.txt" || { echo "import failed:"; cat "$work/out.txt" "$work/time.txt"; exit 1; }
}
echo "amnistia import benchmark ($(nproc) cores; target >= 200000 rows/s, memory flat)"
run "$small" "small"
run "$rows" "large"
