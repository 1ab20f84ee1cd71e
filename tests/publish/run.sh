#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The publication commands end to end, as a reader and a publisher use them: keys new,
# publish, verify (good, tampered, wrong key, --since), log and log diff, and bad input
# that exits 1 or 2 and writes nothing. The registry is filled with synthetic rows by SQL.
set -u
A=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export AMNISTIA_DB="$T/r.db"
pass=0 fail=0

# run EXPECTED_STATUS PATTERN CMD...: runs CMD, checks the exit status and that stdout or
# stderr matches the extended regular expression PATTERN.
run() {
    local want=$1 pat=$2; shift 2
    "$@" >out.txt 2>err.txt
    local got=$?
    if [ "$got" != "$want" ] || ! grep -Eq -- "$pat" out.txt err.txt; then
        echo "FAIL: $* -> status $got (want $want), pattern '$pat'"
        sed 's/^/  out: /' out.txt; sed 's/^/  err: /' err.txt
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
}
ok() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }

"$A" sources >/dev/null || { echo "cannot create the registry"; exit 1; }
sqlite3 r.db "
INSERT INTO source(id,name,kind) VALUES (1,'ONG Inventada','ngo');
INSERT INTO snapshot(id,source_id,title,as_of,imported_at,file_sha256,file_name)
  VALUES (1,1,'Lista inventada','2026-10-01','2026-10-02T00:00:00Z','aa','l.csv');
INSERT INTO person(id,display_name,cedula,birth_date,sensitivity) VALUES
  (1,'Ana Inventada Uno','V90000001','2011-05-05','public'),
  (2,'Beto Inventado Dos','V90000002','1990-01-01','restricted'),
  (3,'Carla Inventada Tres','V90000003','1985-03-03','public'),
  (4,'Dora Inventada Cuatro','V90000004','1970-04-04','sealed');
INSERT INTO record(id,snapshot_id,row_no,line_no,raw,full_name,state,notes) VALUES
  (1,1,1,2,'{}','Ana','Zulia','NOTA-SECRETA'),(2,1,2,3,'{}','Beto','Lara',NULL),
  (3,1,3,4,'{}','Carla','Miranda',NULL),(4,1,4,5,'{}','Dora','Mérida',NULL);
INSERT INTO record_person(record_id,person_id,decided_at) VALUES (1,1,'x'),(2,2,'x'),(3,3,'x'),(4,4,'x');
INSERT INTO event(person_id,type,date,facility) VALUES (1,'arrest','2025-01-05','Centro A'),
  (2,'arrest','2025-02-01','Centro B'),(3,'arrest','2024-12-01','Centro C'),(4,'arrest','2025-03-03','Centro D');
" || { echo "cannot fill the registry"; exit 1; }

# keys
run 0 'verifier key: k.pub' "$A" keys new example.org/registro --out k
ok test "$(stat -c %a k)" = 600
ok test "$(stat -c %a k.pub)" = 644
ok grep -Eq '^example\.org/registro\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$' k.pub
ok grep -Eq '^PRIVATE\+KEY\+example\.org/registro\+[0-9a-f]{8}\+' k
run 2 'never overwritten' "$A" keys new example.org/registro --out k
run 2 'not a valid key name' "$A" keys new 'bad name' --out k2
ok test ! -e k2
run 1 'usage: amnistia keys new' "$A" keys new example.org/x
run 1 'expected `keys new`' "$A" keys old

# publish
run 1 'give exactly one of --law, --snapshot or --status' "$A" publish --title t --key k --out p
run 1 'give exactly one' "$A" publish --snapshot 1 --status detained --title t --key k --out p
run 1 'needs --title, --key and --out' "$A" publish --snapshot 1 --key k --out p
run 1 'takes a snapshot id' "$A" publish --snapshot uno --title t --key k --out p
run 2 'no snapshot 99' "$A" publish --snapshot 99 --title t --key k --out p
ok test ! -e p
run 2 'PRIVATE\+KEY\+' "$A" publish --snapshot 1 --title t --key k.pub --out p
run 2 "'arrested' is not a status" "$A" publish --status arrested --title t --key k --out p
ok test ! -e p
run 2 'the title is not valid UTF-8' "$A" publish --snapshot 1 --title "$(printf 'mal\377')" --key k --out p
ok test ! -e p
chmod 644 k
run 2 'readable by others; chmod 600' "$A" publish --snapshot 1 --title 'Lista uno' --key k --out p1
ok test ! -e p1
chmod 600 k
run 0 'published 2 persons \(2 withheld' "$A" publish --snapshot 1 --title 'Lista uno' --key k --out p1
for f in list.json list.csv manifest.json proof.tlog-proof checkpoint.note; do ok test -s "p1/$f"; done
ok test ! -e p1/consistency
# Redaction: no restricted or sealed person, no cédula, birth date or note.
for bad in Beto Dora V9000000 2011-05-05 NOTA-SECRETA; do
    ok sh -c "! grep -rq -- '$bad' p1"
done
ok grep -q 'Ana Inventada Uno' p1/list.csv

# verify
run 0 'verified: all [0-9]+ checks hold' "$A" verify p1 --key k.pub
run 2 'signing \(private\) key' "$A" verify p1 --key k
run 1 'verify needs DIR and --key' "$A" verify p1
run 2 'FAIL: proof.tlog-proof cannot be read' "$A" verify nowhere --key k.pub
cp -r p1 p1bad
sed -i 's/Carla/Karla/' p1bad/list.csv
run 2 'FAIL: list.csv was changed after it was signed' "$A" verify p1bad --key k.pub
ok grep -Eq '1 of [0-9]+ checks failed; do not trust this list' err.txt
"$A" keys new example.org/registro --out other >/dev/null
run 2 'FAIL: the checkpoint in proof.tlog-proof is not signed by example.org/registro' \
    "$A" verify p1 --key other.pub

# a second publication, with row commitments, consistent with the first
sqlite3 r.db "INSERT INTO event(person_id,type,date) VALUES (1,'release','2026-03-01');"
run 0 '' "$A" people set-sensitivity 2 public
run 0 'salts \(private' "$A" publish --snapshot 1 --title 'Lista dos' --key k --out p2 --row-commitments
ok test "$(stat -c %a private/p2.salts.csv)" = 600
ok test "$(stat -c %a private)" = 700
ok test -s p2/consistency/1.proof
ok sh -c "! grep -rq -- \"\$(sed -n 2p private/p2.salts.csv | cut -d, -f2)\" p2"
run 0 'the log only grew since the older checkpoint' "$A" verify p2 --key k.pub --since p1
row_id=$(sed -n 2p private/p2.salts.csv | cut -d, -f1)
row_salt=$(sed -n 2p private/p2.salts.csv | cut -d, -f2)
other_salt=$(sed -n 3p private/p2.salts.csv | cut -d, -f2)
run 0 "the row of person $row_id matches its commitment" \
    "$A" verify p2 --key k.pub --row "$row_id" --salt "$row_salt"
run 2 "does not match its commitment with this salt" \
    "$A" verify p2 --key k.pub --row "$row_id" --salt "$other_salt"
run 2 'published without row commitments' "$A" verify p1 --key k.pub --row 1 --salt "$row_salt"
run 1 '--row and --salt go together' "$A" verify p2 --key k.pub --row 1
run 0 'verified' "$A" verify p2 --key k.pub --since p1/checkpoint.note
run 2 'more than this one' "$A" verify p1 --key k.pub --since p2

# log and log diff
run 0 'Lista dos' "$A" log
ok grep -q 'Lista uno' out.txt
run 0 '"title": "Lista uno"' "$A" log --json
run 0 'status: detained -> released' "$A" log diff 0 1
ok grep -Eq '^ +2 +added +Beto Inventado Dos' out.txt
run 0 '"change": "added"' "$A" log diff p1 p2/list.json --json
AMNISTIA_DB=/nonexistent/r.db run 0 'status: detained -> released' "$A" log diff p1 p2
run 2 'no publication 7' "$A" log diff 0 7
run 2 'neither a publication number nor' "$A" log diff 0 zzz
run 1 'expected `log` or `log diff A B`' "$A" log show 1
run 2 'not empty' "$A" publish --snapshot 1 --title 'otra' --key k --out p2
run 0 'entry' "$A" log --csv
ok test "$(grep -c 'Lista' out.txt)" = 2

# A longer log, checked by amnistia and by an independent verifier written from the
# standards alone (scripts/verify-publication.py), when Python's cryptography is present.
for i in 3 4 5 6 7 8 9 10 11; do
    "$A" publish --status detained --title "Lista $i" --key k --out "p$i" >/dev/null || fail=$((fail + 1))
done
run 0 'the log only grew since the older checkpoint: its 3 entries' "$A" verify p11 --key k.pub --since p3
PY="$AM_SOURCE_DIR/scripts/verify-publication.py"
if python3 -c 'import cryptography' 2>/dev/null; then
    run 0 'the log only grew from 3 to 11 entries' python3 "$PY" p11 k.pub p3/checkpoint.note
    run 0 'manifest.json is entry 6 of the log' python3 "$PY" p7 k.pub p7/checkpoint.note
    run 1 'FAIL: list.csv has the signed SHA-256' python3 "$PY" p1bad k.pub
    run 1 'FAIL: checkpoint signature' python3 "$PY" p11 other.pub
else
    echo "note: python3 cryptography absent; the independent verifier was not run"
fi

# A registry whose log was edited behind amnistia's back is refused when listed.
cp r.db r2.db
sqlite3 r2.db "DROP TRIGGER log_entry_append_only_u; UPDATE log_entry SET entry = X'7b7d' WHERE leaf_index = 1;"
run 2 'log entry 1 does not match its stored hash' "$A" --db r2.db log

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
