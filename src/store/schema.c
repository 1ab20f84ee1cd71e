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
};

int am__store_migration_count(void) { return (int)(sizeof(migrations) / sizeof(migrations[0])); }

const char *am__store_migration(int from_version) { return migrations[from_version]; }
