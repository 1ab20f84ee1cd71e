/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The registry schema as an append-only list of migrations: migration i takes a registry
 * from user_version i to i+1. Never edit a migration that has shipped; add one.
 * Tables are STRICT so that a wrong type is an error, not a silent conversion.
 */
#include "store_int.h"

static const char *const migrations[] = {
    /* 0 -> 1: the registry foundation (DESIGN §5). */
    "CREATE TABLE source ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL DEFAULT 'other'"
    "    CHECK (kind IN ('ngo','official','court','family','press','other')),"
    "  notes TEXT"
    ") STRICT;"
    "CREATE TABLE snapshot ("
    "  id INTEGER PRIMARY KEY,"
    "  source_id INTEGER NOT NULL REFERENCES source(id),"
    "  title TEXT NOT NULL,"
    "  as_of TEXT,"                    /* YYYY-MM-DD */
    "  imported_at TEXT NOT NULL,"     /* YYYY-MM-DDTHH:MM:SSZ */
    "  file_sha256 TEXT NOT NULL UNIQUE,"
    "  file_name TEXT NOT NULL,"
    "  rows INTEGER NOT NULL DEFAULT 0,"
    "  rejected INTEGER NOT NULL DEFAULT 0"
    ") STRICT;"
    "CREATE TABLE record ("
    "  id INTEGER PRIMARY KEY,"
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),"
    "  row_no INTEGER NOT NULL,"       /* data row, 1-based */
    "  line_no INTEGER NOT NULL,"      /* physical line where the row starts */
    "  list_id TEXT,"
    "  raw TEXT NOT NULL,"             /* the row verbatim, as a JSON object */
    "  given_names TEXT, surnames TEXT, full_name TEXT NOT NULL,"
    "  name_order TEXT CHECK (name_order IN ('given_first','surnames_first','split')),"
    "  cedula_kind TEXT CHECK (cedula_kind IN ('V','E')), cedula TEXT,"
    "  sex TEXT CHECK (sex IN ('F','M')), birth_date TEXT, nationality TEXT,"
    "  arrest_date TEXT, arrest_place TEXT, state TEXT, facility TEXT, agency TEXT,"
    "  charges TEXT, status TEXT, status_date TEXT, release_date TEXT,"
    "  measures TEXT, categories TEXT,"
    "  sensitivity TEXT NOT NULL DEFAULT 'restricted'"
    "    CHECK (sensitivity IN ('public','restricted','sealed')),"
    "  notes TEXT,"
    "  UNIQUE (snapshot_id, row_no)"
    ") STRICT;"
    "CREATE INDEX record_cedula ON record(cedula);"
    "CREATE TABLE person ("
    "  id INTEGER PRIMARY KEY,"
    "  display_name TEXT NOT NULL,"
    "  cedula_kind TEXT, cedula TEXT, birth_date TEXT, sex TEXT, nationality TEXT,"
    "  sensitivity TEXT NOT NULL DEFAULT 'restricted'"
    "    CHECK (sensitivity IN ('public','restricted','sealed')),"
    /* 1 when a person set it by hand (people set-sensitivity): relinking keeps it. */
    "  sensitivity_by_hand INTEGER NOT NULL DEFAULT 0"
    ") STRICT;"
    "CREATE INDEX person_cedula ON person(cedula);"
    "CREATE TABLE record_person ("
    "  record_id INTEGER PRIMARY KEY REFERENCES record(id),"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  weight REAL,"
    "  decided_by TEXT NOT NULL DEFAULT 'auto' CHECK (decided_by IN ('auto','review','import')),"
    "  decided_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX record_person_person ON record_person(person_id);"
    "CREATE TABLE match_decision ("
    "  record_a INTEGER NOT NULL REFERENCES record(id),"
    "  record_b INTEGER NOT NULL REFERENCES record(id),"
    "  verdict TEXT NOT NULL CHECK (verdict IN ('same','different')),"
    "  reason TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,"
    "  PRIMARY KEY (record_a, record_b), CHECK (record_a < record_b)"
    ") STRICT;"
    "CREATE TABLE event ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  type TEXT NOT NULL,"
    "  date TEXT,"                     /* NULL when the source gives no date */
    "  facility TEXT, detail TEXT,"
    "  record_id INTEGER REFERENCES record(id),"  /* NULL for events added by hand */
    "  source_id INTEGER REFERENCES source(id)"
    ") STRICT;"
    "CREATE INDEX event_person ON event(person_id, date);"
    "CREATE INDEX event_record ON event(record_id);"
    "CREATE TABLE charge ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  raw TEXT NOT NULL, class TEXT NOT NULL,"
    "  law_ref TEXT, certainty TEXT,"
    "  record_id INTEGER REFERENCES record(id)"
    ") STRICT;"
    "CREATE INDEX charge_person ON charge(person_id);"
    "CREATE TABLE measure ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  type TEXT NOT NULL, raw TEXT,"
    "  imposed TEXT, lifted TEXT,"
    "  record_id INTEGER REFERENCES record(id)"
    ") STRICT;"
    "CREATE INDEX measure_person ON measure(person_id);"
    "CREATE TABLE category ("
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  category TEXT NOT NULL,"
    "  record_id INTEGER REFERENCES record(id)"
    ") STRICT;"
    "CREATE INDEX category_person ON category(person_id);",
    /* 1 -> 2: publish/: the transparency log (RFC 9162 leaves, C2SP checkpoints) and the
     * publications it records. Append-only: triggers refuse UPDATE and DELETE. */
    "CREATE TABLE log_entry ("
    "  leaf_index INTEGER PRIMARY KEY CHECK (leaf_index >= 0),"
    "  leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),"
    "  entry BLOB NOT NULL,"           /* the exact bytes hashed: a manifest.json */
    "  title TEXT NOT NULL,"
    "  at TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE checkpoint ("
    "  size INTEGER PRIMARY KEY CHECK (size > 0),"
    "  root BLOB NOT NULL CHECK (length(root) = 32),"
    "  origin TEXT NOT NULL,"
    "  note TEXT NOT NULL,"            /* the signed checkpoint, verbatim */
    "  at TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE publication ("
    "  leaf_index INTEGER PRIMARY KEY REFERENCES log_entry(leaf_index),"
    "  title TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  selection TEXT NOT NULL,"
    "  persons INTEGER NOT NULL,"
    "  withheld INTEGER NOT NULL,"
    "  manifest_sha256 TEXT NOT NULL,"
    "  list_json TEXT NOT NULL"        /* the exact published list.json */
    ") STRICT;"
    "CREATE TRIGGER log_entry_append_only_u BEFORE UPDATE ON log_entry"
    "  BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;"
    "CREATE TRIGGER log_entry_append_only_d BEFORE DELETE ON log_entry"
    "  BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;"
    "CREATE TRIGGER checkpoint_append_only_u BEFORE UPDATE ON checkpoint"
    "  BEGIN SELECT RAISE(ABORT, 'signed checkpoints are never changed'); END;"
    "CREATE TRIGGER checkpoint_append_only_d BEFORE DELETE ON checkpoint"
    "  BEGIN SELECT RAISE(ABORT, 'signed checkpoints are never deleted'); END;"
    "CREATE TRIGGER publication_append_only_u BEFORE UPDATE ON publication"
    "  BEGIN SELECT RAISE(ABORT, 'publications are never changed'); END;"
    "CREATE TRIGGER publication_append_only_d BEFORE DELETE ON publication"
    "  BEGIN SELECT RAISE(ABORT, 'publications are never deleted'); END;",
    /* 2 -> 3: law/: facts only a reviewer can establish (armed_action, act_date, ...),
     * kept as a history; the latest row for a person and fact is the one in force. */
    "CREATE TABLE person_fact ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  fact TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  by TEXT NOT NULL,"
    "  at TEXT NOT NULL,"              /* YYYY-MM-DDTHH:MM:SSZ */
    "  note TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX person_fact_person ON person_fact(person_id, fact);"
    /* Laws by the SHA-256 of their text, and the verdicts given under them on a date
     * (`amnistia eligibility --save`), so that a list of verdicts can be cited later. */
    "CREATE TABLE law ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('draft','enacted','struck_down')),"
    "  sha256 TEXT NOT NULL UNIQUE,"
    "  text TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE verdict ("
    "  law_id INTEGER NOT NULL REFERENCES law(id),"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  as_of TEXT NOT NULL,"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('covered','excluded','needs_review')),"
    "  rule TEXT NOT NULL, article TEXT NOT NULL,"
    "  reasons TEXT NOT NULL,"          /* JSON array, as in eligibility --json */
    "  at TEXT NOT NULL,"
    "  PRIMARY KEY (law_id, person_id, as_of)"
    ") STRICT;"
    "CREATE INDEX verdict_person ON verdict(person_id);",
    /* 3 -> 4: import/: a CSV snapshot keeps its header once, as a JSON array of the column
     * names in file order; the raw of each of its records is then the JSON array of the
     * row's values (from this version on; older records keep their JSON objects). No row
     * for JSON Lines snapshots, whose records keep the line verbatim. */
    "CREATE TABLE snapshot_header ("
    "  snapshot_id INTEGER PRIMARY KEY REFERENCES snapshot(id),"
    "  header TEXT NOT NULL"
    ") STRICT;",
    /* 4 -> 5: registry/: a record is the single stored fact from a list. The events,
     * charges, measures and categories a record stands for are derived from its columns
     * each time they are read (registry.h, am_facts_*), so the rows import used to write
     * for them go; the tables keep the facts no record gives (events added by hand or from
     * a court's file: record_id NULL). status_event keeps the one thing of a row the
     * other columns do not say: a status word that stands for another event than its
     * status's own (incomunicado: detained, by an incommunicado event). */
    "ALTER TABLE record ADD COLUMN status_event TEXT;"
    "UPDATE record SET status_event = 'incommunicado' WHERE id IN"
    "  (SELECT record_id FROM event WHERE type = 'incommunicado' AND record_id IS NOT NULL);"
    "DELETE FROM event WHERE record_id IS NOT NULL;"
    "DELETE FROM charge WHERE record_id IS NOT NULL;"
    "DELETE FROM measure WHERE record_id IS NOT NULL;"
    "DELETE FROM category WHERE record_id IS NOT NULL;"
    "CREATE INDEX charge_record ON charge(record_id);"
    "CREATE INDEX measure_record ON measure(record_id);"
    "CREATE INDEX category_record ON category(record_id);",
    /* 5 -> 6: import/: indexes only as big as the lookups need. Nothing looks a person up
     * by cédula (show and audit look up records, then follow record_person), so
     * person_cedula goes: it cost every import a sort of all its persons and every
     * relink an index update per moved person. record_cedula keeps only the records that
     * have a cédula: `cedula = ?` implies NOT NULL, so the same lookups use it, and a
     * list with few cédulas no longer sorts its NULLs into it. */
    "DROP INDEX IF EXISTS person_cedula;"
    "DROP INDEX IF EXISTS record_cedula;"
    "CREATE INDEX record_cedula ON record(cedula) WHERE cedula IS NOT NULL;",
};

int am__store_migration_count(void) { return (int)(sizeof(migrations) / sizeof(migrations[0])); }

const char *am__store_migration(int from_version) { return migrations[from_version]; }
