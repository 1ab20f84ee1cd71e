/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * registry: the facts API (am_facts_*): events, charges, measures and categories derived
 * at read time from imported records, merged with events entered by hand, and the
 * upgrade of a registry written when import stored them (schema 4) to one that derives
 * them (schema 5). The test functions are run by test_registry.c's main.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "amnistia/import.h"
#include "amnistia/registry.h"
#include "facts_tests.h"

/* Synthetic people only. */
static const char list[] =
    "list_id,full_name,cedula,arrest_date,facility,charges,status,status_date,release_date,"
    "measures,categories\n"
    "1,Ana Sintética Uno,V-10000001,2024-08-02,El Helicoide,Terrorismo; robo ;Vuelo raro,"
    "excarcelada,,2025-01-10,prohibición de salida del país,estudiante;periodista\n"
    "2,Beto Sintético Dos,V-10000002,2019-01-23,Ramo Verde,,incomunicado,2019-01-25,,,\n"
    "3,Carla Sintética Tres,,,,,exiliada,,,,\n";

static char db_path[512], csv_path[512];

static struct am_store *imported(const char *name)
{
    snprintf(db_path, sizeof(db_path), "%s/test_facts_%s_%d.db", AM_BINARY_DIR, name,
             (int)getpid());
    snprintf(csv_path, sizeof(csv_path), "%s/test_facts_%s_%d.csv", AM_BINARY_DIR, name,
             (int)getpid());
    unlink(db_path);
    FILE *f = fopen(csv_path, "wb");
    assert_non_null(f);
    fputs(list, f);
    fclose(f);
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(db_path, &err);
    assert_non_null(s);
    struct am_import_options opt = {.source = "ONG Sintética", .kind = "ngo",
                                    .as_of = "2026-01-05", .jsonl = -1};
    struct am_import_result res;
    const char *files[] = {csv_path};
    if (am_import_run(s, &opt, files, 1, &res, &err))
        fail_msg("%s", err.msg);
    am_import_result_release(&res);
    return s;
}

static void done(struct am_store *s)
{
    am_store_close(s);
    unlink(db_path);
    unlink(csv_path);
    char side[600];
    snprintf(side, sizeof(side), "%s-wal", db_path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", db_path);
    unlink(side);
}

/* "type@date(record,event)" for each event. */
static void events_str(const struct am_facts *f, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < f->n_events && len < n; i++)
        len += (size_t)snprintf(out + len, n - len, "%s%s@%s(%lld,%lld)", i ? " " : "",
                                am_event_name(f->events[i].type),
                                f->events[i].date ? f->events[i].date : "-",
                                (long long)f->events[i].record_id,
                                (long long)f->events[i].event_id);
}

void am_test_facts_derived(void **state)
{
    (void)state;
    struct am_store *s = imported("derived");
    struct am_err err = AM_ERR_INIT;
    struct am_facts_reader *r = am_facts_reader_new(s, &err);
    assert_non_null(r);
    struct am_facts f;
    char buf[512];

    /* Released with measures: the arrest, then the release the status word and the
     * release date give (one event, not two), with the measure imposed that day. */
    assert_int_equal(am_facts_person(r, 1, &f, &err), 0);
    assert_int_equal(f.person_id, 1);
    assert_int_equal(f.n_records, 1);
    events_str(&f, buf, sizeof(buf));
    assert_string_equal(buf, "arrest@2024-08-02(1,0) release_with_measures@2025-01-10(1,0)");
    assert_string_equal(f.events[0].facility, "El Helicoide");
    assert_string_equal(f.events[0].source, "ONG Sintética");
    assert_string_equal(f.events[1].snap_as_of, "2026-01-05");
    assert_int_equal(f.events[1].by_list, 0);
    assert_int_equal(f.n_measures, 1);
    assert_string_equal(f.measures[0].type, "COPP-242-4");
    assert_string_equal(f.measures[0].imposed, "2025-01-10");
    assert_int_equal(f.measures[0].record_id, 1);
    /* Charges split on ';', trimmed, classed by data/charges.csv. */
    assert_int_equal(f.n_charges, 3);
    assert_string_equal(f.charges[0].raw, "Terrorismo");
    assert_string_equal(f.charges[0].class_name, "political");
    assert_string_equal(f.charges[0].certainty, "confirmed");
    assert_non_null(f.charges[0].law_ref);
    assert_string_equal(f.charges[1].raw, "robo");
    assert_string_equal(f.charges[1].class_name, "common");
    assert_string_equal(f.charges[2].class_name, "unknown");
    assert_null(f.charges[2].certainty);
    assert_int_equal(f.n_categories, 2);
    assert_string_equal(f.categories[0].category, "student");
    assert_string_equal(f.categories[1].category, "journalist");
    struct am_event_fact *ef = am_facts_event_facts(&f);
    assert_int_equal(am_status_derive(ef, f.n_events, NULL, NULL),
                     AM_STATUS_RELEASED_WITH_MEASURES);
    am_free(ef);

    /* "incomunicado": detained, by an incommunicado event dated by status_date. */
    assert_int_equal(am_facts_person(r, 2, &f, &err), 0);
    events_str(&f, buf, sizeof(buf));
    assert_string_equal(buf, "arrest@2019-01-23(2,0) incommunicado@2019-01-25(2,0)");
    assert_string_equal(f.events[1].facility, "Ramo Verde");
    int inc = 0;
    ef = am_facts_event_facts(&f);
    assert_int_equal(am_status_derive(ef, f.n_events, NULL, &inc), AM_STATUS_DETAINED);
    assert_int_equal(inc, 1);
    am_free(ef);

    /* No date at all: the status holds as of the list's date, and says so. */
    assert_int_equal(am_facts_person(r, 3, &f, &err), 0);
    events_str(&f, buf, sizeof(buf));
    assert_string_equal(buf, "exile@2026-01-05(3,0)");
    assert_int_equal(f.events[0].by_list, 1);

    /* One record alone; an unknown record or person gives nothing, not an error. */
    assert_int_equal(am_facts_record(r, 1, &f, &err), 0);
    assert_int_equal(f.person_id, 1);
    assert_int_equal(f.n_events, 2);
    assert_int_equal(f.n_charges, 3);
    assert_int_equal(am_facts_record(r, 99, &f, &err), 0);
    assert_int_equal(f.n_events + f.n_charges + f.n_records, 0);
    assert_int_equal(am_facts_person(r, 99, &f, &err), 0);
    assert_int_equal(f.n_events + f.n_charges + f.n_records, 0);
    am_facts_reader_free(r);
    done(s);
}

void am_test_facts_manual_event(void **state)
{
    (void)state;
    struct am_store *s = imported("manual");
    struct am_err err = AM_ERR_INIT;
    int64_t id;
    int created;
    /* A court's revocation between the arrest and today, and a request after it. */
    assert_int_equal(am_registry_event_add(s, 1, "measures_revoked", "2025-06-01", "Tribunal",
                                           "revocada", &id, &created, &err), 0);
    assert_int_equal(am_registry_event_add(s, 1, "amnesty_requested", "2026-02-01", "Tribunal",
                                           NULL, &id, &created, &err), 0);
    struct am_facts_reader *r = am_facts_reader_new(s, &err);
    assert_non_null(r);
    struct am_facts f;
    char buf[512];
    assert_int_equal(am_facts_person(r, 1, &f, &err), 0);
    events_str(&f, buf, sizeof(buf));
    assert_string_equal(buf, "arrest@2024-08-02(1,0) release_with_measures@2025-01-10(1,0) "
                             "measures_revoked@2025-06-01(0,1) amnesty_requested@2026-02-01(0,2)");
    assert_string_equal(f.events[2].source, "Tribunal");
    assert_string_equal(f.events[2].detail, "revocada");
    assert_null(f.events[2].snap_as_of);
    /* Entered by hand after the records: later in the order of entry. */
    assert_true(f.events[2].seq > f.events[1].seq);
    struct am_event_fact *ef = am_facts_event_facts(&f);
    assert_int_equal(am_status_derive(ef, f.n_events, NULL, NULL), AM_STATUS_DETAINED);
    am_free(ef);
    am_facts_reader_free(r);

    /* The stream sees the same, person by person in id order. */
    struct am_facts_scan *scan = am_facts_scan_new(s, &err);
    assert_non_null(scan);
    int64_t last = 0;
    size_t persons = 0;
    int rc;
    while ((rc = am_facts_scan_next(scan, &f, &err)) == 1) {
        assert_true(f.person_id > last);
        last = f.person_id;
        persons++;
        if (f.person_id == 1) {
            events_str(&f, buf, sizeof(buf));
            assert_non_null(strstr(buf, "measures_revoked@2025-06-01(0,1)"));
            assert_int_equal(f.n_events, 4);
        }
    }
    assert_int_equal(rc, 0);
    assert_int_equal(persons, 3);
    am_facts_scan_free(scan);

    /* show: the derived and the hand-entered events, each with its provenance. */
    struct am_buf b;
    am_buf_init(&b);
    assert_int_equal(am_registry_person_json(s, 1, &b, &err), 0);
    assert_non_null(strstr(b.ptr, "\"status\":\"detained\""));
    assert_non_null(strstr(b.ptr, "\"status_event_id\":1,\"status_record_id\":null"));
    assert_non_null(strstr(b.ptr, "{\"id\":null,\"type\":\"arrest\",\"date\":\"2024-08-02\","
                                  "\"facility\":\"El Helicoide\",\"detail\":null,"
                                  "\"record_id\":1,\"source\":\"ONG Sintética\"}"));
    assert_non_null(strstr(b.ptr, "\"categories\":[\"journalist\",\"student\"]"));
    am_buf_release(&b);
    done(s);
}

/* Everything a reader shows of every person, as one text to compare. */
static void snapshot_text(struct am_store *s, struct am_buf *out)
{
    struct am_err err = AM_ERR_INIT;
    for (int64_t id = 1; id <= 3; id++) {
        assert_int_equal(am_registry_person_json(s, id, out, &err), 0);
        am_buf_addc(out, '\n');
    }
}

/* Writes what the import of schema 4 stored for each record: its events, charges,
 * measures and categories as rows citing it. */
static void store_as_schema_4(struct am_store *s)
{
    struct am_err err = AM_ERR_INIT;
    struct am_facts_reader *r = am_facts_reader_new(s, &err);
    assert_non_null(r);
    struct am_stmt *ev = am_stmt_prepare(
        s, "INSERT INTO event(person_id, type, date, facility, detail, record_id, source_id)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &err);
    struct am_stmt *ch = am_stmt_prepare(
        s, "INSERT INTO charge(person_id, raw, class, law_ref, certainty, record_id)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &err);
    struct am_stmt *me = am_stmt_prepare(
        s, "INSERT INTO measure(person_id, type, raw, imposed, record_id)"
           " VALUES (?1, ?2, ?3, ?4, ?5)", &err);
    struct am_stmt *ca = am_stmt_prepare(
        s, "INSERT INTO category(person_id, category, record_id) VALUES (?1, ?2, ?3)", &err);
    assert_true(ev && ch && me && ca);
    for (int64_t rec = 1; rec <= 3; rec++) {
        struct am_facts f;
        assert_int_equal(am_facts_record(r, rec, &f, &err), 0);
        for (size_t i = 0; i < f.n_events; i++) {
            if (f.events[i].event_id)
                continue;
            am_stmt_bind_int64(ev, 1, f.person_id, &err);
            am_stmt_bind_text(ev, 2, am_event_name(f.events[i].type), &err);
            am_stmt_bind_text(ev, 3, f.events[i].date, &err);
            am_stmt_bind_text(ev, 4, f.events[i].facility, &err);
            am_stmt_bind_text(ev, 5, f.events[i].detail, &err);
            am_stmt_bind_int64(ev, 6, rec, &err);
            am_stmt_bind_int64(ev, 7, f.events[i].source_id, &err);
            assert_int_equal(am_stmt_step(ev, &err), 0);
            am_stmt_reset(ev);
        }
        for (size_t i = 0; i < f.n_charges; i++) {
            am_stmt_bind_int64(ch, 1, f.person_id, &err);
            am_stmt_bind_text(ch, 2, f.charges[i].raw, &err);
            am_stmt_bind_text(ch, 3, f.charges[i].class_name, &err);
            am_stmt_bind_text(ch, 4, f.charges[i].law_ref, &err);
            am_stmt_bind_text(ch, 5, f.charges[i].certainty, &err);
            am_stmt_bind_int64(ch, 6, rec, &err);
            assert_int_equal(am_stmt_step(ch, &err), 0);
            am_stmt_reset(ch);
        }
        for (size_t i = 0; i < f.n_measures; i++) {
            am_stmt_bind_int64(me, 1, f.person_id, &err);
            am_stmt_bind_text(me, 2, f.measures[i].type, &err);
            am_stmt_bind_text(me, 3, f.measures[i].raw, &err);
            am_stmt_bind_text(me, 4, f.measures[i].imposed, &err);
            am_stmt_bind_int64(me, 5, rec, &err);
            assert_int_equal(am_stmt_step(me, &err), 0);
            am_stmt_reset(me);
        }
        for (size_t i = 0; i < f.n_categories; i++) {
            am_stmt_bind_int64(ca, 1, f.person_id, &err);
            am_stmt_bind_text(ca, 2, f.categories[i].category, &err);
            am_stmt_bind_int64(ca, 3, rec, &err);
            assert_int_equal(am_stmt_step(ca, &err), 0);
            am_stmt_reset(ca);
        }
    }
    am_stmt_finalize(ev);
    am_stmt_finalize(ch);
    am_stmt_finalize(me);
    am_stmt_finalize(ca);
    am_facts_reader_free(r);
    /* Schema 4 had no status_event column and none of the record_id indexes. */
    assert_int_equal(am_store_exec(s, "DROP INDEX charge_record; DROP INDEX measure_record;"
                                      " DROP INDEX category_record;"
                                      " ALTER TABLE record DROP COLUMN status_event;"
                                      " PRAGMA user_version = 4;", &err), 0);
}

static int64_t count(struct am_store *s, const char *sql)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(s, sql, &err);
    assert_non_null(st);
    assert_int_equal(am_stmt_step(st, &err), 1);
    int64_t n = am_stmt_int64(st, 0);
    am_stmt_finalize(st);
    return n;
}

void am_test_facts_upgrade(void **state)
{
    (void)state;
    struct am_store *s = imported("upgrade");
    struct am_err err = AM_ERR_INIT;
    int64_t id;
    int created;
    assert_int_equal(am_registry_event_add(s, 2, "visits_granted", "2019-03-01", "Familia",
                                           NULL, &id, &created, &err), 0);
    struct am_buf before, after;
    am_buf_init(&before);
    am_buf_init(&after);
    snapshot_text(s, &before);
    /* The same registry as the import of schema 4 wrote it: derived rows stored. */
    store_as_schema_4(s);
    am_store_close(s);
    s = am_store_open(db_path, &err);
    assert_non_null(s);
    assert_int_equal(count(s, "PRAGMA user_version"), am_store_schema_version());
    /* The stored copies went; the event entered by hand stayed. */
    assert_int_equal(count(s, "SELECT count(*) FROM event"), 1);
    assert_int_equal(count(s, "SELECT count(*) FROM charge"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM measure"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM category"), 0);
    /* The incommunicado row keeps its event through the new column. */
    assert_int_equal(count(s, "SELECT count(*) FROM record WHERE status_event ="
                              " 'incommunicado'"), 1);
    /* Same people, events, charges and statuses as before the upgrade. */
    snapshot_text(s, &after);
    assert_string_equal(after.ptr, before.ptr);
    am_buf_release(&before);
    am_buf_release(&after);
    done(s);
}
