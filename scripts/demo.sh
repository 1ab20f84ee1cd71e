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

# Linking (docs/linking.md) before everything that counts persons: without it every record
# is its own person and the official list's rows come out as unknown_identity.
step "linking the four lists: which rows are the same person"
"$AM" link
step "the review queue: the most uncertain pairs, field by field (amnistia review)"
"$AM" review --limit 3
OFFICIAL=$(tail -n +2 "$DIR/lists/manifest.csv" | tr -d '\r' | awk -F, '$3 == "official" { print $2; exit }')
START=$(tr -d '\r\n' <"$DIR/lists/official_process.txt")
step "auditing the official list '$OFFICIAL' (process start $START): the count per flag"
"$AM" audit "$OFFICIAL" --process-start "$START" --csv >"$DIR/audit.csv"
"$AM" audit "$OFFICIAL" --process-start "$START" | tail -n 11
echo "(every row with its evidence: $DIR/audit.csv)"

step "the counts side by side"
"$AM" reconcile --html "$DIR/reconcile.html" >/dev/null
"$AM" reconcile
echo "(the same as a page: $DIR/reconcile.html)"

step "the revolving door: arrests and releases per month, all sources (last 12 months)"
"$AM" flow --by month --csv | tr -d '\r' | awk -F, '$2 == "all"' | tail -n 12 |
    awk -F, 'BEGIN { print "month    arrests  releases" } { printf "%-8s %7d %9d\n", $1, $3, $4 }'

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

step "how many political detainees were arrested since July 2024, counting those no list found"
# Multiple systems estimation over the three documentation lists (docs/estimation.md);
# the official release list is left out: it is not a list of arrests.
"$AM" estimate --sources ngo,family,press --population period:2024-07-01..2026-11-29 \
    --method all --seed 1
# The truth, from synth's files: political detainees with an arrest in the period.
awk -F, 'NR == FNR { if (FNR > 1 && ($2 == "arrest" || $2 == "rearrest") &&
                         $3 >= "2024-07-01" && $3 <= "2026-11-29") arrested[$1] = 1; next }
         FNR > 1 && ($1 in arrested) && $2 == "political" { n++ }
         END { printf "true N (synthetic truth): %d\n", n }' \
    "$DIR/lists/truth_events.csv" "$DIR/lists/truth_people.csv"
