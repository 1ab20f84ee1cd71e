#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# CLI golden tests for `amnistia import`: one directory per case under cases/, holding
#   args      the arguments after `amnistia --db reg.db` (shell words, may quote)
#   exit      the expected exit status
#   stdout    lines that must each appear in stdout (substrings), optional
#   stderr    lines that must each appear in stderr (substrings), optional
#   before    commands (one per line, same form as args) run first; each must exit 0
#   unchanged present: `sources --csv` must read the same before and after the command
#   after     a command run afterwards; after.stdout lists lines its stdout must contain
#   expect.FILE  lines that must appear in FILE (e.g. the rejects file) after the command
# and the input files. Usage: bash run.sh path/to/amnistia
set -u
bin=$(realpath "$1")
cases="${AM_SOURCE_DIR:?}/tests/import/cases"
export AMNISTIA_TODAY=${AMNISTIA_TODAY:-2026-11-29}
pass=0
failed=0
contains_all() { # file-of-needles haystack-file
    local needle
    while IFS= read -r needle || [ -n "$needle" ]; do
        [ -z "$needle" ] && continue
        grep -qF -- "$needle" "$2" || { echo "missing: $needle"; return 1; }
    done < "$1"
    return 0
}
for dir in "$cases"/*/; do
    name=$(basename "$dir")
    work=$(mktemp -d)
    cp -r "$dir". "$work/"
    why=$(
        cd "$work" || exit 1
        if [ -f before ]; then
            while IFS= read -r line || [ -n "$line" ]; do
                [ -z "$line" ] && continue
                eval "set -- $line"
                "$bin" --db reg.db "$@" > /dev/null 2> before.err ||
                    { echo "before failed: $line: $(cat before.err)"; exit 1; }
            done < before
        fi
        "$bin" --db reg.db sources --csv > sources.before 2> /dev/null
        eval "set -- $(cat args)"
        "$bin" --db reg.db "$@" > out.txt 2> err.txt
        rc=$?
        want=$(cat exit)
        [ "$rc" = "$want" ] || { echo "exit $rc, want $want; stderr: $(head -c 600 err.txt)"; exit 1; }
        if [ -f stdout ]; then contains_all stdout out.txt || { echo "stdout was: $(head -c 600 out.txt)"; exit 1; }; fi
        if [ -f stderr ]; then contains_all stderr err.txt || { echo "stderr was: $(head -c 600 err.txt)"; exit 1; }; fi
        if [ -f unchanged ]; then
            "$bin" --db reg.db sources --csv > sources.after 2> /dev/null
            cmp -s sources.before sources.after || { echo "registry changed: $(cat sources.after)"; exit 1; }
        fi
        if [ -f after ]; then
            eval "set -- $(cat after)"
            "$bin" --db reg.db "$@" > after.out 2>&1 || { echo "after failed: $(cat after.out)"; exit 1; }
            contains_all after.stdout after.out || { echo "after printed: $(cat after.out)"; exit 1; }
        fi
        for e in expect.*; do
            [ -f "$e" ] || continue
            target=${e#expect.}
            [ -f "$target" ] || { echo "no file $target"; exit 1; }
            contains_all "$e" "$target" || { echo "$target was: $(head -c 600 "$target")"; exit 1; }
        done
        exit 0
    )
    if [ $? = 0 ]; then
        pass=$((pass + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: $why"
    fi
    rm -rf "$work"
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ] && [ "$pass" -gt 0 ]
