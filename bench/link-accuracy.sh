#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Linking accuracy against a known truth: makes synthetic lists with `amnistia synth`
# (default and heavy profiles), imports them, links with no labels, and prints pairwise
# precision, recall and F1 against DIR/truth_links.csv. Needs a Release build in build/
# (make build). PEOPLE (default 20000) and SEED (default 1) can be set in the environment.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${AMNISTIA:-$here/build/amnistia}
people=${PEOPLE:-20000}
seed=${SEED:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
export AMNISTIA_TODAY=${AMNISTIA_TODAY:-2026-11-29}

for profile in default heavy; do
    dir=$work/$profile
    export AMNISTIA_DB=$work/$profile.db
    "$bin" synth --seed "$seed" --people "$people" --profile "$profile" --out "$dir" >/dev/null
    tail -n +2 "$dir/manifest.csv" | while IFS=, read -r file source kind asof map enc; do
        if [ -n "$map" ]; then
            "$bin" import --source "$source" --kind "$kind" --as-of "$asof" --encoding "$enc" \
                --map "$dir/$map" "$dir/$file" >/dev/null
        else
            "$bin" import --source "$source" --kind "$kind" --as-of "$asof" --encoding "$enc" \
                "$dir/$file" >/dev/null
        fi
    done
    "$bin" link --json >"$work/summary.json" 2>"$work/link.log"
    "$bin" links --csv >"$work/links.csv"
    echo "profile $profile, $people people, seed $seed:"
    awk -f "$here/bench/link-pairwise.awk" "$dir/truth_links.csv" "$work/links.csv"
    sed -n 's/.*"persons":\([0-9]*\).*"seconds":{\(.*\)}}/persons \1; seconds \2/p' "$work/summary.json"
    echo "capped-block warnings: $(grep -c 'warning: block' "$work/link.log" || true)"
done
