#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# The link, review and explain commands end to end on a small synthetic registry: exit
# statuses, error messages, that a refused command writes nothing, and that a human
# decision is stored and shown.
set -u
bin=${1:?usage: run.sh path/to/amnistia}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
export AMNISTIA_DB=$work/r.db
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS PATTERN -- command...: runs, checks the exit status and that stdout+stderr
# contain PATTERN.
expect() {
    want=$1 pattern=$2
    shift 3
    "$@" >"$work/out" 2>&1
    got=$?
    if [ "$got" != "$want" ]; then
        bad "$* exited $got, expected $want"; cat "$work/out"; return
    fi
    if ! grep -q -- "$pattern" "$work/out"; then
        bad "$* did not say '$pattern'"; cat "$work/out"; return
    fi
    ok
}

"$bin" synth --seed 3 --people 400 --out "$work/s" >/dev/null || { echo "synth failed"; exit 1; }
for f in ngo family press; do
    "$bin" import --source "$f" --kind ngo --as-of 2026-11-01 "$work/s/$f.csv" >/dev/null ||
        { echo "import failed"; exit 1; }
done

expect 0 "usage: amnistia link" -- "$bin" link --help
expect 1 "is not a probability" -- "$bin" link --threshold 2
expect 1 "is not a probability" -- "$bin" link --threshold abc
expect 1 "unknown argument" -- "$bin" link --frobnicate
expect 0 "persons" -- "$bin" link
expect 0 '"persons":' -- "$bin" link --json --threshold 0.95
# The JSON is one valid document.
"$bin" link --json >"$work/link.json" 2>/dev/null
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["records"] > 0 and len(d["rules"]) >= 4' "$work/link.json"; then ok; else bad "link --json is not the expected JSON"; fi
expect 0 "time" -- "$bin" link --verbose

expect 0 "uncertain pairs" -- "$bin" review --limit 3
expect 0 '"pairs":' -- "$bin" review --limit 2 --json
expect 1 "needs a number" -- "$bin" review --limit x
expect 1 "same record" -- "$bin" review decide 1 1 same --reason "typo"
expect 1 "not a decision" -- "$bin" review decide 1 2 maybe --reason "typo"
expect 1 "needs --reason" -- "$bin" review decide 1 2 same
expect 1 "not a record id" -- "$bin" review decide one 2 same --reason x
expect 2 "record 999999 does not exist" -- "$bin" review decide 1 999999 same --reason "seen"
expect 0 "a human decided: none\|records 1 and 2" -- "$bin" explain 1 2
if grep -q "a human decided" "$work/out"; then bad "a refused decision was written"; else ok; fi
expect 0 "recorded: records 1 and 2 are different people" -- \
    "$bin" review decide 2 1 different --reason "different mothers" --by tester
expect 0 "a human decided: different" -- "$bin" explain 1 2
expect 0 '"decision":"different"' -- "$bin" explain 2 1 --json
expect 0 "human decisions 0 same, 1 different" -- "$bin" link
# After the decision the two records belong to different persons.
p1=$("$bin" links --csv | awk -F, 'NR == 2 { print $3 }')
p2=$("$bin" links --csv | awk -F, 'NR == 3 { print $3 }')
if [ -n "$p1" ] && [ "$p1" != "$p2" ]; then ok; else bad "records 1 and 2 share person $p1"; fi

expect 0 "usage: amnistia explain" -- "$bin" explain --help
expect 1 "needs two record ids" -- "$bin" explain 1
expect 1 "not a record id" -- "$bin" explain 1 x
expect 2 "record 999999 does not exist" -- "$bin" explain 1 999999
expect 1 "same record" -- "$bin" explain 3 3

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
