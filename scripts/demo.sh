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

step "the amnesty laws (laws/*.law)"
"$AM" laws check laws/anuncio-2026-01-30.law laws/ley-amnistia-2026.law \
    laws/comite-madres-2026.law laws/ley-amnistia-2016.law

step "whom the enacted law covers, excludes or leaves in doubt (summary)"
"$AM" eligibility --law laws/ley-amnistia-2026.law > "$DIR/eligibility-2026.txt"
sed -n '/^Summary/,$p' "$DIR/eligibility-2026.txt"

step "the enacted law against the mothers' committee draft"
"$AM" diff-laws laws/ley-amnistia-2026.law laws/comite-madres-2026.law

step "publishing the persons the enacted law covers: a signed list anyone can verify"
"$AM" keys new demo.example/amnistia --out "$DIR/publisher.key"
"$AM" publish --status detained --title "Personas detenidas (demo)" \
    --key "$DIR/publisher.key" --out "$DIR/publication-1"
"$AM" publish --law laws/ley-amnistia-2026.law \
    --title "Cubiertos por la Ley de Amnistía 2026 (demo)" \
    --key "$DIR/publisher.key" --out "$DIR/publication-2"
"$AM" log
"$AM" verify "$DIR/publication-2" --key "$DIR/publisher.key.pub" --since "$DIR/publication-1"
