#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# CLI golden cases: tests/cli/cases/NAME.t, one file per case (curl's tests/data idea,
# jq's .test layout). Each case runs in a fresh temporary directory holding the files of
# tests/cli/cases/NAME/ (if any) and a registry test.db. Lines of a case:
#   $ ARGS      run `amnistia --db test.db ARGS` (shell words; runs in the temp dir)
#   > TEXT      the next line of its standard output, exactly
#   >~ TEXT     some line of its standard output contains TEXT
#   ! TEXT      its standard error contains TEXT
#   ? N         its exit status is N (default 0)
#   % CMD       run a shell command in the temp dir (set-up, e.g. sqlite3); must succeed
#   # ...       a comment
# A command's expectations follow it; stdout lines not matched by '>' are allowed only
# when the case uses '>~' for that command. Prints "N passed, M failed".
set -u
AM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=${AM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CASES="$SRC/tests/cli/cases"
export AMNISTIA_TODAY=${AMNISTIA_TODAY:-2026-11-29}
pass=0 fail=0

run_case() {
    case_file=$1
    name=$(basename "$case_file" .t)
    work=$(mktemp -d)
    [ -d "$CASES/$name" ] && cp -r "$CASES/$name/." "$work/"
    ok=1
    step=0
    exp_status=0
    have_cmd=0
    : > "$work/.exp_out"
    : > "$work/.exp_contains"
    : > "$work/.exp_err"

    check() {
        [ $have_cmd = 1 ] || return 0
        if [ "$status" != "$exp_status" ]; then
            echo "  $name step $step: exit status $status, expected $exp_status"; ok=0
        fi
        if [ -s "$work/.exp_out" ] && ! cmp -s "$work/.exp_out" "$work/.out"; then
            echo "  $name step $step: stdout differs:"; diff "$work/.exp_out" "$work/.out" | head -20; ok=0
        fi
        while IFS= read -r want; do
            grep -qF -- "$want" "$work/.out" || { echo "  $name step $step: stdout lacks: $want"; ok=0; }
        done < "$work/.exp_contains"
        while IFS= read -r want; do
            grep -qF -- "$want" "$work/.err" || { echo "  $name step $step: stderr lacks: $want"; cat "$work/.err"; ok=0; }
        done < "$work/.exp_err"
        : > "$work/.exp_out"; : > "$work/.exp_contains"; : > "$work/.exp_err"
        exp_status=0
        have_cmd=0
    }

    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
        '$ '*)
            check
            step=$((step + 1))
            args=${line#\$ }
            (cd "$work" && eval "\"\$AM\" --db test.db $args" > .out 2> .err)
            status=$?
            tr -d '\r' < "$work/.out" > "$work/.out.lf" && mv "$work/.out.lf" "$work/.out"
            have_cmd=1 ;;
        '% '*)
            check
            (cd "$work" && eval "${line#% }") > /dev/null 2>&1 || { echo "  $name: set-up failed: $line"; ok=0; } ;;
        '>~ '*) printf '%s\n' "${line#>~ }" >> "$work/.exp_contains" ;;
        '> '*) printf '%s\n' "${line#> }" >> "$work/.exp_out" ;;
        '>') printf '\n' >> "$work/.exp_out" ;;
        '! '*) printf '%s\n' "${line#! }" >> "$work/.exp_err" ;;
        '? '*) exp_status=${line#? } ;;
        '#'*|'') ;;
        *) echo "  $name: cannot read line: $line"; ok=0 ;;
        esac
    done < "$case_file"
    check
    rm -rf "$work"
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name"; fi
}

for c in "$CASES"/*.t; do
    run_case "$c"
done

# Every command answers --help with its usage on stdout and exit 0.
for cmd in $("$AM" --help | awk '/^commands:/{on=1; next} on && !NF {on=0} on {print $1}'); do
    if "$AM" "$cmd" --help > /tmp/am_help.$$ 2>&1 && grep -q "usage: amnistia $cmd" /tmp/am_help.$$; then
        pass=$((pass + 1))
    else
        echo "FAIL $cmd --help"; fail=$((fail + 1))
    fi
done
rm -f /tmp/am_help.$$
# The command table names each command once (union merges can repeat a line).
dups=$("$AM" --help | awk '/^commands:/{on=1; next} on && !NF {on=0} on {print $1}' | sort | uniq -d)
if [ -z "$dups" ]; then pass=$((pass + 1)); else echo "FAIL commands listed twice: $dups"; fail=$((fail + 1)); fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
