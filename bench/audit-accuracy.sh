#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Audit accuracy against synth's padding truth: synthesises a population and its four
# lists (the official one padded the 2020 way), imports them as manifest.csv says, links
# them, audits the official list, and prints precision and recall per flag against
# truth_padding.csv. Targets (issue 5): >= 0.95 for not_political, released_earlier,
# not_detained and duplicate.
#
# usage: bench/audit-accuracy.sh [PEOPLE] [SEED] [PROFILE]   (defaults 20000 1 default)
# The binary is $AMNISTIA_BIN, else build/amnistia (built in Release when missing).
#
# Scoring: row by row on list_id, except duplicate; no label is used to fit anything.
# recall(known) counts only the rows the audit found known to another source (not flagged
# unknown_identity). prec(on) and rec(on) count only the rows whose person is, by synth's
# truth_links.csv, on another list (ngo, family or press): what the evidence could reach if
# linking joined every such row; the rest can only be unknown_identity. synth marks one
# copy of a person listed twice as the duplicate and then shuffles the list, so which copy is "the"
# duplicate is arbitrary; duplicate is scored per person (k copies: k-1 duplicates,
# matched against the rows audit flags among that person's rows).
set -eu

PEOPLE=${1:-20000}
SEED=${2:-1}
PROFILE=${3:-default}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AM=${AMNISTIA_BIN:-$ROOT/build/amnistia}
if [ ! -x "$AM" ]; then
    cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$ROOT/build" -j2 >/dev/null
fi
for cmd in synth import link audit; do
    if ! "$AM" "$cmd" --help >/dev/null 2>&1; then
        echo "audit-accuracy: this amnistia has no '$cmd' command; merge its branch first" >&2
        exit 1
    fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/audit-accuracy.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LISTS=$WORK/lists
DB=$WORK/bench.db
export AMNISTIA_TODAY=${AMNISTIA_TODAY:-2026-11-29}

t0=$(date +%s)
"$AM" synth --seed "$SEED" --people "$PEOPLE" --profile "$PROFILE" --out "$LISTS" >/dev/null

# Import each list as the manifest says (file,source,kind,as_of,map,encoding).
tail -n +2 "$LISTS/manifest.csv" | tr -d '\r' |
    while IFS=, read -r file source kind as_of map enc; do
        set -- --source "$source" --kind "$kind" --as-of "$as_of" \
            --skip-bad "$WORK/rejects-$source.csv"
        [ -n "$map" ] && set -- "$@" --map "$LISTS/$map"
        [ -n "$enc" ] && set -- "$@" --encoding "$enc"
        "$AM" --db "$DB" import "$@" "$LISTS/$file" >/dev/null
    done
t1=$(date +%s)
"$AM" --db "$DB" link >/dev/null
t2=$(date +%s)

OFFICIAL=$(tail -n +2 "$LISTS/manifest.csv" | tr -d '\r' | awk -F, '$3 == "official" { print $2; exit }')
START=$(tr -d '\r\n' <"$LISTS/official_process.txt")
"$AM" --db "$DB" audit "$OFFICIAL" --process-start "$START" --csv >"$WORK/audit.csv"
t3=$(date +%s)

rejected=0
for f in "$WORK"/rejects-*.csv; do
    [ -f "$f" ] && rejected=$((rejected + $(tail -n +2 "$f" | wc -l)))
done

echo "audit-accuracy: $PEOPLE people, seed $SEED, profile $PROFILE; official list '$OFFICIAL'," \
    "process start $START"
echo "  rows rejected at import (all lists): $rejected"
echo "  seconds: synth+import $((t1 - t0)), link $((t2 - t1)), audit $((t3 - t2))"

# Columns of `audit --csv`: row,list_id,record,person,verdict,flags,sources,evidence. The
# first six never hold a comma (flags and sources are ;-separated, quoted by the CSV
# writer), so -F, and dropping the quotes is enough.
awk -F, -v official="$OFFICIAL" '
    FNR == 1 { next }
    FILENAME == ARGV[1] {                      # truth_links.csv: source,list_id,person_id
        sub(/\r$/, "")
        if ($1 != official) elsewhere[$3] = 1
        next
    }
    FILENAME == ARGV[2] {                      # truth_padding.csv: list_id,person_id,reasons
        sub(/\r$/, "")
        id = $1; person[id] = $2; rows++
        n = split($3, r, ";")
        for (i = 1; i <= n; i++) {
            truth[id, r[i]] = 1; tcount[r[i]]++
            if (r[i] == "duplicate") tdup[$2]++
        }
        next
    }
    {                                          # audit.csv
        sub(/\r$/, "")
        gsub(/"/, "", $6)                      # quoted when it holds a ";"
        id = $2; audited[id] = 1; seen++
        if ($5 == "verified") verified++
        n = split($6, f, ";")
        if ($6 !~ /unknown_identity/) known[id] = 1
        for (i = 1; i <= n; i++) {
            flag[id, f[i]] = 1; fcount[f[i]]++
            if (f[i] == "duplicate" && (id in person)) fdup[person[id]]++
        }
    }
    END {
        printf "  rows: truth %d, audited %d, verified %d (truth genuine %d)\n",
               rows, seen, verified, tcount["genuine"]
        for (id in person) if (person[id] in elsewhere) nelse++
        printf "  rows whose person is on another list (truth_links.csv): %d\n", nelse
        printf "  %-18s %7s %7s %7s %9s %7s %13s %8s %8s  %s\n", "flag", "truth", "flagged",
               "agree", "precision", "recall", "recall(known)", "prec(on)", "rec(on)", "target"
        nf = split("not_political released_earlier not_detained duplicate under_measures " \
                   "still_detained deceased", names, " ")
        for (k = 1; k <= nf; k++) {
            name = names[k]; tp = 0; fl = 0; tr = 0; trk = 0; tpk = 0; tro = 0; tpo = 0; flo = 0
            if (name == "duplicate") {
                for (p in tdup) {
                    hit = (fdup[p] < tdup[p] ? fdup[p] : tdup[p])
                    tr += tdup[p]; tp += hit
                    if (p in elsewhere) { tro += tdup[p]; tpo += hit }
                }
                trk = tr; tpk = tp
                for (p in fdup) { fl += fdup[p]; if (p in elsewhere) flo += fdup[p] }
                for (key in flag) {            # flagged rows with no truth person
                    split(key, kk, SUBSEP)
                    if (kk[2] == "duplicate" && !(kk[1] in person)) fl++
                }
            } else {
                for (key in truth) {
                    split(key, kk, SUBSEP)
                    if (kk[2] != name) continue
                    tr++; hit = ((kk[1], name) in flag); tp += hit
                    if (kk[1] in known) { trk++; tpk += hit }
                    if (person[kk[1]] in elsewhere) { tro++; tpo += hit }
                }
                fl = fcount[name] + 0
                for (key in flag) {
                    split(key, kk, SUBSEP)
                    if (kk[2] == name && (person[kk[1]] in elsewhere)) flo++
                }
            }
            prec = fl ? tp / fl : 1; rec = tr ? tp / tr : 1; reck = trk ? tpk / trk : 1
            preco = flo ? tpo / flo : 1; reco = tro ? tpo / tro : 1
            target = (name == "not_political" || name == "released_earlier" ||
                      name == "not_detained" || name == "duplicate") ? ">= 0.95" : "-"
            mark = (target != "-" && (prec < 0.95 || rec < 0.95)) ? "  BELOW TARGET" : ""
            printf "  %-18s %7d %7d %7d %9.4f %7.4f %13.4f %8.4f %8.4f  %s%s\n", name, tr, fl, tp,
                   prec, rec, reck, preco, reco, target, mark
        }
        for (key in flag) {
            split(key, kk, SUBSEP)
            if (kk[2] != "unknown_identity") continue
            if (person[kk[1]] in elsewhere) uon++; else if (truth[kk[1], "genuine"]) ugen++
            else upad++
        }
        printf "  %-18s %7s %7d   (no truth: synth does not model it)\n", "unknown_identity",
               "-", fcount["unknown_identity"]
        printf "    of which: on no other list %d (padding %d, genuine %d); on another list but" \
               " not linked %d\n", ugen + upad, upad, ugen, uon
        printf "  %-18s %7s %7d   (no truth: synth does not model it)\n", "release_unconfirmed",
               "-", fcount["release_unconfirmed"]
    }
' "$LISTS/truth_links.csv" "$LISTS/truth_padding.csv" "$WORK/audit.csv"
