#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Golden cases for the law commands: laws check, eligibility, diff-laws, deadlines,
# event add and facts set, on a small synthetic registry written with sqlite3.
# Usage (by CTest): bash run.sh path/to/amnistia
set -u
A=$1
src=${AM_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect STATUS DESCRIPTION -- command...: runs, keeps stdout/stderr in $work/out, $work/err
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$work/out" 2>"$work/err"; got=$?
    if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, wanted $want"; cat "$work/err"; fi
}
has() { # has FILE TEXT DESCRIPTION
    if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1"; sed 's/^/    /' "$1" | head -20; fi
}
L=$src/laws
db=$work/r.db
export AMNISTIA_DB=$db

# ---- laws check -----------------------------------------------------------------------
expect 0 "laws check, the four laws" -- "$A" laws check "$L/anuncio-2026-01-30.law" \
    "$L/ley-amnistia-2026.law" "$L/comite-madres-2026.law" "$L/ley-amnistia-2016.law"
has "$work/out" "ley-amnistia-2026.law: ok: ley-amnistia-2026 v1 (enacted), 12 rules, 1 deadlines" "check ok"
has "$work/out" "ley-amnistia-2016.law: ok: ley-amnistia-2016 v1 (struck_down)" "check ok 2016"
cat >"$work/bad.law" <<'LAW'
law bad
  title "Bad"
  version 1
  status draft
article 1
rule r
  verdict covered
  cite 2
  when act_dat in [2014-01-01 .. 2015-01-01]
  and charges include politcal
default
  verdict excluded
  cite 1
LAW
expect 2 "laws check, a bad law" -- "$A" laws check "$L/comite-madres-2026.law" "$work/bad.law"
has "$work/out" "comite-madres-2026.law: ok" "good file still checked"
has "$work/err" "$work/bad.law:8:8: error: article 2 is cited but not declared" "error 1"
has "$work/err" "$work/bad.law:9:8: error: unknown fact 'act_dat'" "error 2"
has "$work/err" "    9 |   when act_dat in [2014-01-01 .. 2015-01-01]" "error line"
has "$work/err" "      |        ^" "caret"
has "$work/err" "hint: conditions start with act_date" "hint"
has "$work/err" "$work/bad.law:10:23: error: unknown charge class 'politcal'" "error 3"
has "$work/err" "amnistia: 3 errors; fix the rule files" "summary"
expect 2 "laws check, missing file" -- "$A" laws check "$work/none.law"
has "$work/err" "none.law" "missing file named"
expect 1 "laws without check" -- "$A" laws "$work/bad.law"
expect 1 "laws check without files" -- "$A" laws check
expect 0 "laws --help" -- "$A" laws --help
has "$work/out" "usage: amnistia laws check FILE..." "help"

# ---- a synthetic registry ----------------------------------------------------------------
expect 0 "create registry" -- "$A" sources
sqlite3 "$db" <<'SQL' || bad "seed registry"
INSERT INTO source(id,name,kind) VALUES (1,'ONG sintetica','ngo');
INSERT INTO snapshot(id,source_id,title,as_of,imported_at,file_sha256,file_name)
  VALUES (1,1,'lista','2026-01-05','2026-01-06T00:00:00Z','a','a.csv');
INSERT INTO record(id,snapshot_id,row_no,line_no,raw,full_name,arrest_date,facility,state) VALUES
  (1,1,1,2,'{}','Ana Prueba','2017-05-03','Ramo Verde','Miranda'),
  (2,1,2,3,'{}','Beto Ficticio','2015-05-03','Rodeo I','Miranda'),
  (3,1,3,4,'{}','Carla Inventada',NULL,NULL,NULL);
INSERT INTO person(id,display_name) VALUES (1,'Ana Prueba'),(2,'Beto Ficticio'),(3,'Carla Inventada');
INSERT INTO record_person(record_id,person_id,decided_at) VALUES (1,1,'x'),(2,2,'x'),(3,3,'x');
INSERT INTO event(person_id,type,date,record_id) VALUES
  (1,'arrest','2017-05-03',1),(1,'release_with_measures','2026-01-20',1),
  (2,'arrest','2015-05-03',2),(3,'exile','2018-02-01',3);
INSERT INTO charge(person_id,raw,class,certainty,record_id) VALUES
  (1,'Instigación pública','political','confirmed',1),(2,'Traición a la patria','political','likely',2),
  (3,'Conspiración','political','confirmed',3);
INSERT INTO category(person_id,category,record_id) VALUES (1,'journalist',1),(2,'protester',2),
  (3,'political_leader',3);
SQL

# ---- eligibility ----------------------------------------------------------------------------
expect 0 "eligibility json" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --json
has "$work/out" '{"person_id": 1, "name": "Ana Prueba", "status": "released_with_measures", "outcome": "covered", "rule": "political_in_episode", "article": "1, 8", "reasons": [{"role": "decided", "rule": "political_in_episode", "article": "1, 8", "verdict": "covered", "fact": "act_date", "value": "2017-05-03", "condition": "act_date in [1999-01-01 .. 2026-01-30]", "record_id": 1, "source": "ONG sintetica"' "json person 1"
has "$work/out" '{"person_id": 2, "name": "Beto Ficticio", "status": "detained", "outcome": "excluded", "rule": "default", "article": "1, 8"' "json person 2"
has "$work/out" '"role": "does_not_apply", "rule": "political_in_episode"' "json why not"
has "$work/out" '{"person_id": 3, "name": "Carla Inventada", "status": "exiled", "outcome": "needs_review"' "json person 3"
has "$work/out" '"if_applies": "covered", "otherwise": "excluded"' "json open fact"
if head -c 2 "$work/out" | grep -q '^\[$' || head -c 1 "$work/out" | grep -q '^\[$'; then ok; else bad "json is an array of persons"; fi
expect 0 "eligibility summary json" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --summary --json
has "$work/out" '{"dimension": "outcome", "value": "covered", "covered": 1, "excluded": 0, "needs_review": 0, "total": 1}' "summary outcome"
has "$work/out" '{"dimension": "facility", "value": "Rodeo I", "covered": 0, "excluded": 1, "needs_review": 0, "total": 1}' "summary facility"
has "$work/out" '{"dimension": "category", "value": "journalist"' "summary category"
has "$work/out" '{"dimension": "state", "value": "Miranda", "covered": 1, "excluded": 1' "summary state"
has "$work/out" '{"dimension": "reason", "value": "default (art. 1, 8)"' "summary reason"
expect 0 "eligibility terminal" -- "$A" eligibility --law "$L/ley-amnistia-2026.law"
has "$work/out" "Summary: ley-amnistia-2026 v1 (enacted), as of 2026-11-29" "terminal summary"
has "$work/out" "rule political_in_episode (art. 1, 8) -> covered does not apply: \`act_date in episodes art8\` does not hold: act_date = 2015-05-03" "terminal default reason"
expect 0 "eligibility csv" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --csv
has "$work/out" "person_id,name,status,outcome,rule,article,fact,reason" "csv header"
expect 0 "eligibility --status" -- "$A" eligibility --law "$L/comite-madres-2026.law" --status exiled --json
has "$work/out" '"person_id": 3' "status filter keeps"
if grep -q '"person_id": 1' "$work/out"; then bad "status filter drops"; else ok; fi
expect 0 "eligibility --as-of" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --as-of 2026-01-10 --json
has "$work/out" '"person_id": 1, "name": "Ana Prueba", "status": "detained"' "as-of status"
expect 1 "eligibility bad --as-of" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --as-of 10/01/2026
has "$work/err" "--as-of takes a date YYYY-MM-DD" "as-of message"
expect 1 "eligibility bad --status" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --status free
expect 1 "eligibility without --law" -- "$A" eligibility
expect 2 "eligibility with a bad law" -- "$A" eligibility --law "$work/bad.law"
has "$work/err" "bad.law:9:8: error: unknown fact 'act_dat'" "bad law diagnostics"

expect 0 "eligibility --save" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --save --csv
has "$work/err" "amnistia: saved 3 verdicts under ley-amnistia-2026" "save message"
expect 0 "eligibility --save again" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --save --status exiled
n=$(sqlite3 "$db" "SELECT count(*) FROM law; SELECT count(*) FROM verdict; SELECT outcome || ' ' || rule FROM verdict WHERE person_id = 2" | tr '\n' ' ')
[ "$n" = "1 3 excluded default " ] && ok || bad "saved verdicts (got $n)"

# ---- the worked example of docs/laws.md stays true ----------------------------------------
awk '/^## A worked example/{on=1} on && /^```$/{if (inb) exit; inb=1; next} inb{print}' \
    "$src/docs/laws.md" >"$work/example.law"
expect 2 "docs example as printed" -- "$A" laws check "$work/example.law"
has "$work/err" "error: article 7 is cited but not declared" "docs example error"
sed 's/^article 9 "Exclusiones"$/article 7 "Procedimiento"\n  > ...\narticle 9 "Exclusiones"/' \
    "$work/example.law" >"$work/example-fixed.law"
expect 0 "docs example fixed" -- "$A" laws check "$work/example-fixed.law"
expect 0 "docs example evaluated" -- "$A" eligibility --law "$work/example-fixed.law" --json
has "$work/out" '"person_id": 1, "name": "Ana Prueba", "status": "released_with_measures", "outcome": "covered", "rule": "political_in_episode", "article": "1, 8"' "docs example covered"
has "$work/out" '"person_id": 2, "name": "Beto Ficticio", "status": "detained", "outcome": "excluded", "rule": "default", "article": "1, 8"' "docs example default"

# ---- diff-laws ------------------------------------------------------------------------------
expect 0 "diff-laws" -- "$A" diff-laws "$L/ley-amnistia-2026.law" "$L/comite-madres-2026.law"
has "$work/out" "excluded                  1            0            0        1" "crosstab excluded row"
has "$work/out" "1 person (outside the episodes of art. 8, or no political charge (art. 1)): excluded by A art. 1, 8 (default), covered by B art. 1, 2 (persecuted)" "diff group"
expect 0 "diff-laws json" -- "$A" diff-laws "$L/ley-amnistia-2026.law" "$L/comite-madres-2026.law" --json
has "$work/out" '"crosstab": {"covered": {"covered": 1, "excluded": 0, "needs_review": 0}, "excluded": {"covered": 1, "excluded": 0, "needs_review": 0}, "needs_review": {"covered": 0, "excluded": 0, "needs_review": 1}}' "diff json crosstab"
expect 1 "diff-laws one file" -- "$A" diff-laws "$L/ley-amnistia-2026.law"

# ---- events and deadlines -------------------------------------------------------------------
expect 0 "event add" -- "$A" event add 1 amnesty_requested 2026-02-20 --source "Tribunal sintetico" --detail "solicitud"
has "$work/out" "source 'Tribunal sintetico' created (kind other)" "source created"
has "$work/out" "person 1 amnesty_requested 2026-02-20" "event added"
expect 2 "event add bad type" -- "$A" event add 1 pardon 2026-02-20 --source x
has "$work/err" "unknown event type 'pardon'" "bad type message"
expect 2 "event add bad date" -- "$A" event add 1 release 2026-02-31 --source x
has "$work/err" "bad date '2026-02-31'" "bad date message"
expect 2 "event add unknown person" -- "$A" event add 99 release 2026-02-01 --source x
expect 1 "event add without source" -- "$A" event add 1 release 2026-02-01
n=$(sqlite3 "$db" "SELECT count(*) FROM event; SELECT count(*) FROM source WHERE name = 'x'" | tr '\n' ' ')
[ "$n" = "5 0 " ] && ok || bad "nothing written on bad events (got $n)"
expect 0 "deadlines pending" -- "$A" deadlines --law "$L/ley-amnistia-2026.law" --as-of 2026-03-01 --csv
has "$work/out" "1,Ana Prueba,court_decision,7,the court (tribunal de control),\"decide the amnesty request, with reasons if refused\",amnesty_requested,2026-02-20,2026-03-07,pending,,6" "deadline pending"
expect 0 "deadlines overdue" -- "$A" deadlines --law "$L/ley-amnistia-2026.law" --csv
has "$work/out" "2026-03-07,overdue,,-267" "deadline overdue"
expect 0 "event add grant" -- "$A" event add 1 amnesty_granted 2026-03-05 --source "Tribunal sintetico"
expect 0 "deadlines met" -- "$A" deadlines --law "$L/ley-amnistia-2026.law" --csv
has "$work/out" "2026-03-07,met,2026-03-05," "deadline met"
expect 0 "deadlines mothers' draft" -- "$A" deadlines --law "$L/comite-madres-2026.law" --json
has "$work/out" '"deadline": "mp_dismissal", "article": "5", "who": "the Public Ministry"' "mp deadline"
has "$work/out" '"start_event": "in-force", "start": "2026-02-19", "due": "2026-08-18", "state": "overdue"' "mp overdue"
expect 0 "deadlines none" -- "$A" deadlines --law "$L/anuncio-2026-01-30.law"
has "$work/out" "anuncio-2026-01-30 sets no deadline." "no deadlines"

# ---- reviewer facts ---------------------------------------------------------------------------
expect 0 "facts set" -- "$A" facts set 1 armed_action true --by "revisora" --note "sentencia sintética"
expect 0 "eligibility after facts" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --json
has "$work/out" '"person_id": 1, "name": "Ana Prueba", "status": "released_with_measures", "outcome": "excluded", "rule": "armed_action", "article": "9"' "armed action excludes"
has "$work/out" '"fact": "armed_action", "value": "true", "condition": "fact armed_action", "source": "reviewer revisora"' "reviewer provenance"
expect 2 "facts set bad value" -- "$A" facts set 1 armed_action maybe --by r --note n
has "$work/err" "write true, false or uncertain" "bad value message"
expect 1 "facts set without note" -- "$A" facts set 1 armed_action true --by r
n=$(sqlite3 "$db" "SELECT count(*) FROM person_fact")
[ "$n" = "1" ] && ok || bad "one reviewer fact written (got $n)"

# ---- from a list file: import, then the laws ----------------------------------------------
export AMNISTIA_DB=$work/imported.db
cat >"$work/lista.csv" <<'CSV'
full_name,cedula,arrest_date,facility,state,charges,categories,status,status_date
Ana Sintética,V-11222333,2017-05-03,Ramo Verde,Miranda,Instigación pública,journalist,released_with_measures,2026-01-20
Beto Ficticio,V-22333444,2015-05-03,Rodeo I,Miranda,Traición a la patria;Robo agravado,protester,detained,2026-01-05
Carla Inventada,V-33444555,2019-04-30,Ramo Verde,Miranda,Rebelión militar,military,detained,2026-01-05
Dario Supuesto,V-44555666,,,,delito inventado,,exiled,2020-01-01
CSV
expect 0 "import a list" -- "$A" import --source "ONG sintética" --kind ngo --as-of 2026-01-26 "$work/lista.csv"
expect 0 "eligibility on the imported list" -- "$A" eligibility --law "$L/ley-amnistia-2026.law" --csv
has "$work/out" "3,Carla Inventada,detained,excluded,military_rebellion_2019,8,charges," "rebellion from the catalog"
expect 0 "eligibility, announcement" -- "$A" eligibility --law "$L/anuncio-2026-01-30.law" --json
has "$work/out" '"person_id": 2, "name": "Beto Ficticio", "status": "detained", "outcome": "needs_review"' "uncertain catalog row"
has "$work/out" '"value": "\"Robo agravado\" (common, catalog row uncertain)"' "catalog row uncertain said"
has "$work/out" '"value": "\"delito inventado\" (unknown: not in the charge catalog)"' "unmapped said"
expect 0 "explain-free diff on the imported list" -- "$A" diff-laws "$L/ley-amnistia-2026.law" "$L/comite-madres-2026.law"
has "$work/out" "1 person (military rebellion in Jan-Apr 2019, excepted by art. 8): excluded by A art. 8 (military_rebellion_2019), covered by B art. 1, 2 (persecuted)" "rebellion group"
expect 0 "facts set by cedula" -- "$A" facts set V-11.222.333 armed_action uncertain --by revisora --note "prensa"
expect 0 "event add by cedula" -- "$A" event add V-11.222.333 amnesty_requested 2026-02-21 --source "Tribunal sintetico"
has "$work/out" "person 1 amnesty_requested 2026-02-21" "event by cedula"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
