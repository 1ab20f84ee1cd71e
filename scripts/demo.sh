#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# The demo (make demo): synthesise a population and its lists, import them into a fresh
# demo/demo.db with the embedded SQLite default, and show what the registry holds.
# Later capabilities add their step here. Synthetic data only.
set -eu
AM=${AM:-build/amnistia}
DIR=${DEMO_DIR:-demo}
PEOPLE=${DEMO_PEOPLE:-3000}
SEED=${DEMO_SEED:-2026}
rm -rf "$DIR"
mkdir -p "$DIR"
DB="$DIR/demo.db"
export AMNISTIA_DB="$DB"

step() { printf '\n== %s\n' "$*"; }

step "synthesising $PEOPLE people and their lists (seed $SEED)"
"$AM" synth --seed "$SEED" --people "$PEOPLE" --out "$DIR/lists"
cat "$DIR/lists/manifest.csv"

step "importing each list"
# manifest.csv: file,source,kind,as_of,map,encoding (no field holds a comma).
tail -n +2 "$DIR/lists/manifest.csv" | tr -d '\r' |
while IFS=, read -r file source kind as_of map encoding; do
    set -- --source "$source" --kind "$kind" --as-of "$as_of"
    [ -n "$map" ] && set -- "$@" --map "$DIR/lists/$map"
    [ -n "$encoding" ] && set -- "$@" --encoding "$encoding"
    "$AM" import "$@" "$DIR/lists/$file"
done

step "what the registry holds"
"$AM" sources
"$AM" snapshots
