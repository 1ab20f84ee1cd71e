#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# CLI cases for `amnistia synth`: help, every usage error (exit 1, message, nothing
# written), an I/O error (exit 3), a run that writes every file, the same bytes twice, the
# heavy profile, --csv output, and the written lists importing cleanly into a registry.
set -u
AM=${1:?usage: run.sh path/to/amnistia}
T=$(mktemp -d "${AM_BINARY_DIR:-/tmp}/synth-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS STDERR-SUBSTRING -- ARGS...
expect() {
    local want=$1 msg=$2
    shift 3
    "$AM" "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" != "$want" ]; then bad "$* -> exit $got, want $want ($(cat "$T/err"))"; return; fi
    if [ -n "$msg" ] && ! grep -qF -- "$msg" "$T/err"; then
        bad "$* -> stderr lacks '$msg': $(cat "$T/err")"; return
    fi
    ok
}

expect 0 "" -- synth --help
grep -q "usage: amnistia synth --seed S --people N --out DIR" "$T/out" && ok || bad "help text"
expect 1 "--seed, --people and --out are required" -- synth --seed 1 --people 10
expect 1 "--seed, --people and --out are required" -- synth --people 10 --out "$T/x"
expect 1 "--people '0' is not a number from 1 to 5000000" -- synth --seed 1 --people 0 --out "$T/x"
expect 1 "--people 'many' is not a number from 1 to 5000000" -- synth --seed 1 --people many --out "$T/x"
expect 1 "--seed '-4' is not a whole number from 0 up" -- synth --seed -4 --people 5 --out "$T/x"
expect 1 "--profile 'light' is unknown; use default or heavy" -- synth --seed 1 --people 5 --out "$T/x" --profile light
expect 1 "--out needs a value" -- synth --seed 1 --people 5 --out
expect 1 "unknown argument '--fast'" -- synth --fast
[ ! -e "$T/x" ] && ok || bad "a usage error created the output directory"
touch "$T/file"
expect 1 "is not a directory; give --out a directory" -- synth --seed 1 --people 5 --out "$T/file"
expect 3 "cannot create directory" -- synth --seed 1 --people 5 --out "$T/no/such"

expect 0 "" -- synth --seed 11 --people 1500 --out "$T/a"
grep -q "^official.csv  *official  *official  *2026-03-20" "$T/out" && ok || bad "summary table: $(cat "$T/out")"
grep -q "1500 persons (default profile, seed 11)" "$T/out" && ok || bad "summary line"
for f in ngo.csv family.csv press.csv official.csv official.map manifest.csv official_process.txt \
         truth_people.csv truth_events.csv truth_links.csv truth_padding.csv; do
    [ -s "$T/a/$f" ] && ok || bad "missing $f"
done
[ "$(ls -A "$T/a" | grep -c '^\.')" = 0 ] && ok || bad "temporary files left"
expect 0 "" -- synth --seed 11 --people 1500 --out "$T/b" --csv
head -1 "$T/out" | tr -d "\r" | grep -q "^file,source,kind,as_of,rows,persons$" && ok || bad "--csv header"
for f in "$T"/a/*; do
    cmp -s "$f" "$T/b/$(basename "$f")" && ok || bad "not the same bytes: $(basename "$f")"
done
expect 0 "" -- synth --seed 11 --people 1500 --out "$T/h" --profile heavy
cmp -s "$T/a/truth_people.csv" "$T/h/truth_people.csv" && ok || bad "heavy changed the population"
cmp -s "$T/a/ngo.csv" "$T/h/ngo.csv" && bad "heavy wrote the same ngo list" || ok

# The lists import into a registry as the manifest says, with no rejected row.
DB="$T/reg.db"
tail -n +2 "$T/a/manifest.csv" | while IFS=, read -r file source kind as_of map enc; do
    args=(--db "$DB" import --source "$source" --kind "$kind" --as-of "$as_of" --encoding "$enc")
    [ -n "$map" ] && args+=(--map "$T/a/$map")
    if "$AM" "${args[@]}" "$T/a/$file" >"$T/imp" 2>&1; then
        grep -q "0 rejected" "$T/imp" || echo "FAIL: import $file: $(cat "$T/imp")"
    else
        echo "FAIL: import $file: $(cat "$T/imp")"
    fi
done >"$T/import.log"
[ ! -s "$T/import.log" ] && ok || bad "$(cat "$T/import.log")"
rows=$(($(wc -l <"$T/a/truth_links.csv") - 1))
recs=$("$AM" --db "$DB" links --csv 2>/dev/null | tail -n +2 | wc -l)
[ "$rows" = "$recs" ] && ok || bad "imported $recs records, truth has $rows rows"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
