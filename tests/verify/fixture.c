/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The verify/ test fixture: a fresh registry file per test in the build directory and
 * INSERTs through the store API. Any failure aborts the test run with the SQL error,
 * since a fixture that silently fails would make the tests meaningless.
 */
#include "verify/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const struct am_err *err)
{
    am_err_print(err, stderr);
    abort();
}

void fx_open(struct fx *fx, const char *name)
{
    memset(fx, 0, sizeof(*fx));
    snprintf(fx->path, sizeof(fx->path), "%s/test_verify_%s_%d.db", AM_BINARY_DIR, name,
             (int)getpid());
    unlink(fx->path);
    struct am_err err = AM_ERR_INIT;
    fx->s = am_store_open(fx->path, &err);
    if (!fx->s)
        die(&err);
}

void fx_close(struct fx *fx)
{
    am_store_close(fx->s);
    char side[600];
    unlink(fx->path);
    snprintf(side, sizeof(side), "%s-wal", fx->path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", fx->path);
    unlink(side);
}

/* Runs sql with the given text binds (NULL binds NULL); returns the last insert id. */
static int64_t run(struct fx *fx, const char *sql, int n, const char *const *vals)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(fx->s, sql, &err);
    if (!st)
        die(&err);
    for (int i = 0; i < n; i++)
        if (am_stmt_bind_text(st, i + 1, vals[i], &err) < 0)
            die(&err);
    if (am_stmt_step(st, &err) < 0)
        die(&err);
    am_stmt_finalize(st);
    return am_store_last_insert_id(fx->s);
}

static const char *num(char *buf, int64_t v)
{
    snprintf(buf, 24, "%lld", (long long)v);
    return v ? buf : NULL;
}

int64_t fx_source(struct fx *fx, const char *name, const char *kind)
{
    const char *v[] = {name, kind};
    return run(fx, "INSERT INTO source(name, kind) VALUES (?, ?)", 2, v);
}

int64_t fx_snapshot(struct fx *fx, int64_t source_id, const char *as_of)
{
    char a[24], sha[32];
    snprintf(sha, sizeof(sha), "sha%d", ++fx->seq);
    const char *v[] = {num(a, source_id), as_of, sha};
    return run(fx,
               "INSERT INTO snapshot(source_id, title, as_of, imported_at, file_sha256,"
               " file_name) VALUES (?, 'list', ?, '2026-11-29T00:00:00Z', ?, 'list.csv')",
               3, v);
}

int64_t fx_person(struct fx *fx, const char *name, const char *cedula)
{
    const char *v[] = {name, cedula};
    return run(fx, "INSERT INTO person(display_name, cedula) VALUES (?, ?)", 2, v);
}

int64_t fx_record(struct fx *fx, int64_t snapshot_id, const char *list_id, const char *name,
                  const char *cedula, const char *status, const char *release_date,
                  int64_t person_id)
{
    char a[24], b[24];
    const char *v[] = {num(a, snapshot_id), list_id, name, cedula, status, release_date};
    int64_t id = run(fx,
                     "INSERT INTO record(snapshot_id, row_no, line_no, list_id, raw, full_name,"
                     " cedula, status, release_date) VALUES (?1,"
                     " (SELECT coalesce(max(row_no), 0) + 1 FROM record WHERE snapshot_id = ?1),"
                     " 0, ?2, '{}', ?3, ?4, ?5, ?6)",
                     6, v);
    if (person_id) {
        const char *w[] = {num(a, id), num(b, person_id)};
        run(fx,
            "INSERT INTO record_person(record_id, person_id, decided_by, decided_at)"
            " VALUES (?, ?, 'auto', '2026-11-29')",
            2, w);
    }
    return id;
}

void fx_record_set(struct fx *fx, int64_t record_id, const char *column, const char *value)
{
    static const char *const cols[] = {"facility", "arrest_date", "charges", "status_date",
                                       "status", "release_date", "measures", "name_order",
                                       "state", "sex", "birth_date"};
    char a[24];
    const char *v[] = {value, num(a, record_id)};
    for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
        if (strcmp(cols[i], column) != 0)
            continue;
        char sql[128];
        snprintf(sql, sizeof(sql), "UPDATE record SET %s = ? WHERE id = ?", cols[i]);
        run(fx, sql, 2, v);
        return;
    }
    abort();
}

int64_t fx_event(struct fx *fx, int64_t person_id, const char *type, const char *date,
                 int64_t record_id)
{
    char a[24], b[24];
    const char *v[] = {num(a, person_id), type, date, num(b, record_id)};
    return run(fx,
               "INSERT INTO event(person_id, type, date, record_id, source_id) VALUES"
               " (?1, ?2, ?3, ?4, (SELECT n.source_id FROM record r JOIN snapshot n"
               " ON n.id = r.snapshot_id WHERE r.id = ?4))",
               4, v);
}

void fx_charge(struct fx *fx, int64_t person_id, const char *raw, const char *cls,
               int64_t record_id)
{
    char a[24], b[24];
    const char *v[] = {num(a, person_id), raw, cls, num(b, record_id)};
    run(fx, "INSERT INTO charge(person_id, raw, class, record_id) VALUES (?, ?, ?, ?)", 4, v);
}

int64_t fx_snapshot_source(struct fx *fx, int64_t snapshot_id)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(fx->s, "SELECT source_id FROM snapshot WHERE id = ?",
                                         &err);
    if (!st || am_stmt_bind_int64(st, 1, snapshot_id, &err) < 0 ||
        am_stmt_step(st, &err) != 1)
        die(&err);
    int64_t id = am_stmt_int64(st, 0);
    am_stmt_finalize(st);
    return id;
}
