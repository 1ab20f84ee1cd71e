/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* store: migrations, refusal of newer registries, transactions, statements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "amnistia/store.h"

static void temp_db(char *path, size_t n, const char *name)
{
    snprintf(path, n, "%s/test_store_%s_%d.db", AM_BINARY_DIR, name, (int)getpid());
    unlink(path);
}

static void test_open_migrates(void **state)
{
    (void)state;
    char path[512];
    temp_db(path, sizeof(path), "open");
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_non_null(s);
    struct am_stmt *st = am_stmt_prepare(s, "PRAGMA user_version", &err);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_int_equal(am_stmt_int64(st, 0), am_store_schema_version());
    am_stmt_finalize(st);
    st = am_stmt_prepare(s, "PRAGMA journal_mode", &err);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_string_equal(am_stmt_text(st, 0), "wal");
    am_stmt_finalize(st);
    st = am_stmt_prepare(s, "PRAGMA foreign_keys", &err);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_int_equal(am_stmt_int64(st, 0), 1);
    am_stmt_finalize(st);
    /* Schema 6: no index on person(cedula); the record cédula index leaves NULLs out,
     * and the lookup by cédula still uses it. */
    st = am_stmt_prepare(s, "SELECT group_concat(name || ':' || sql, ' | ') FROM sqlite_master"
                            " WHERE type = 'index' AND name IN ('person_cedula',"
                            " 'record_cedula')", &err);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_string_equal(am_stmt_text(st, 0), "record_cedula:CREATE INDEX record_cedula ON "
                                             "record(cedula) WHERE cedula IS NOT NULL");
    am_stmt_finalize(st);
    st = am_stmt_prepare(s, "EXPLAIN QUERY PLAN SELECT id FROM record WHERE cedula = ?1",
                         &err);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_non_null(strstr(am_stmt_text(st, 3), "INDEX record_cedula (cedula=?)"));
    am_stmt_finalize(st);
    am_store_close(s);
    /* Opening again is a no-op migration. */
    s = am_store_open(path, &err);
    assert_non_null(s);
    am_store_close(s);
    unlink(path);
}

static int64_t page_size(struct am_store *s)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(s, "PRAGMA page_size", &err);
    assert_non_null(st);
    assert_int_equal(am_stmt_step(st, &err), 1);
    int64_t n = am_stmt_int64(st, 0);
    am_stmt_finalize(st);
    return n;
}

/* A new registry gets 16 KiB pages; one made with another page size keeps it and still
 * opens and migrates (the pragma only applies to a file with no pages yet). */
static void test_page_size(void **state)
{
    (void)state;
    char path[512];
    temp_db(path, sizeof(path), "pages");
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_non_null(s);
    assert_int_equal(page_size(s), 16384);
    am_store_close(s);
    s = am_store_open(path, &err);
    assert_non_null(s);
    assert_int_equal(page_size(s), 16384);
    am_store_close(s);
    unlink(path);

    /* A registry from before: 4 KiB pages, written by plain SQLite. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA page_size = 4096; CREATE TABLE t(x);"
                                      " DROP TABLE t;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    s = am_store_open(path, &err);
    assert_non_null(s);
    assert_int_equal(page_size(s), 4096);
    am_store_close(s);
    unlink(path);
    char aux[600];
    snprintf(aux, sizeof(aux), "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof(aux), "%s-shm", path);
    unlink(aux);
}

/* am_stmt_reset clears the bindings; am_stmt_reset_keep keeps them for the next step. */
static void test_reset_keeps_or_clears_bindings(void **state)
{
    (void)state;
    char path[512];
    temp_db(path, sizeof(path), "reset");
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_non_null(s);
    struct am_stmt *st = am_stmt_prepare(s, "SELECT ?1, ?2", &err);
    assert_non_null(st);
    assert_int_equal(am_stmt_bind_int64(st, 1, 42, &err), 0);
    assert_int_equal(am_stmt_bind_text(st, 2, "x", &err), 0);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_int_equal(am_stmt_int64(st, 0), 42);
    am_stmt_reset_keep(st);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_int_equal(am_stmt_int64(st, 0), 42);
    assert_string_equal(am_stmt_text(st, 1), "x");
    am_stmt_reset(st);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_true(am_stmt_is_null(st, 0));
    assert_true(am_stmt_is_null(st, 1));
    am_stmt_finalize(st);
    am_store_close(s);
    unlink(path);
}

static void test_newer_refused(void **state)
{
    (void)state;
    char path[512];
    temp_db(path, sizeof(path), "newer");
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_non_null(s);
    assert_int_equal(am_store_exec(s, "PRAGMA user_version = 999", &err), 0);
    am_store_close(s);
    s = am_store_open(path, &err);
    assert_null(s);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "newer amnistia"));
    unlink(path);
}

static void test_not_a_registry(void **state)
{
    (void)state;
    char path[512];
    temp_db(path, sizeof(path), "junk");
    FILE *f = fopen(path, "w");
    fputs("this is not sqlite, just some text long enough to be a header.............", f);
    fclose(f);
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_null(s);
    assert_int_equal(err.code, AM_EINPUT);
    unlink(path);
}

static void test_transactions_and_strict(void **state)
{
    (void)state;
    char path[512];
    temp_db(path, sizeof(path), "tx");
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_int_equal(am_store_begin(s, &err), 0);
    struct am_stmt *st = am_stmt_prepare(s, "INSERT INTO source(name, kind) VALUES (?, ?)", &err);
    assert_int_equal(am_stmt_bind_text(st, 1, "Foro", &err), 0);
    assert_int_equal(am_stmt_bind_text(st, 2, "ngo", &err), 0);
    assert_int_equal(am_stmt_step(st, &err), 0);
    am_stmt_finalize(st);
    am_store_rollback(s);
    st = am_stmt_prepare(s, "SELECT count(*) FROM source", &err);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_int_equal(am_stmt_int64(st, 0), 0);
    am_stmt_finalize(st);
    /* A bad kind is refused by the CHECK constraint, with a database error. */
    st = am_stmt_prepare(s, "INSERT INTO source(name, kind) VALUES ('x', 'bogus')", &err);
    assert_int_equal(am_stmt_step(st, &err), -1);
    assert_int_equal(err.code, AM_EDB);
    am_stmt_finalize(st);
    /* Foreign keys are enforced. */
    am_err_clear(&err);
    st = am_stmt_prepare(s, "INSERT INTO snapshot(source_id, title, imported_at, file_sha256,"
                            " file_name) VALUES (42, 't', 'now', 'h', 'f')", &err);
    assert_int_equal(am_stmt_step(st, &err), -1);
    am_stmt_finalize(st);
    am_store_close(s);
    unlink(path);
}

/* Counts the indexes of a table that have a CREATE INDEX statement. */
static int64_t count_indexes(struct am_store *s, const char *table)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(s,
                                         "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                         " AND tbl_name = ?1 AND sql IS NOT NULL",
                                         &err);
    assert_non_null(st);
    assert_int_equal(am_stmt_bind_text(st, 1, table, &err), 0);
    assert_int_equal(am_stmt_step(st, &err), 1);
    int64_t n = am_stmt_int64(st, 0);
    am_stmt_finalize(st);
    return n;
}

/* Indexes dropped for a bulk rewrite (but those led by a kept column) and built again. */
static void test_indexes_drop_and_restore(void **state)
{
    (void)state;
    char path[512];
    temp_db(path, sizeof(path), "indexes");
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_non_null(s);
    assert_int_equal(am_store_exec(s,
                                   "CREATE TABLE t(a INTEGER, b TEXT, c TEXT) STRICT;"
                                   " CREATE INDEX t_a ON t(a); CREATE INDEX t_b ON t(b, c);"
                                   " CREATE INDEX \"t c\" ON t(c) WHERE c IS NOT NULL;",
                                   &err),
                     0);
    assert_int_equal(count_indexes(s, "t"), 3);
    static const char *const keep[] = {"a", NULL};
    struct am_store_indexes saved = {0};
    assert_int_equal(am_store_indexes_drop(s, "t", keep, &saved, &err), 0);
    assert_int_equal(saved.n, 2);
    assert_int_equal(count_indexes(s, "t"), 1); /* t_a, led by a kept column */
    /* Several tables may share one saved set; a table without indexes adds none. */
    assert_int_equal(am_store_exec(s, "CREATE TABLE u(x INTEGER) STRICT", &err), 0);
    assert_int_equal(am_store_indexes_drop(s, "u", keep, &saved, &err), 0);
    assert_int_equal(saved.n, 2);
    assert_int_equal(am_store_indexes_restore(s, &saved, &err), 0);
    assert_int_equal(saved.n, 0);
    assert_int_equal(count_indexes(s, "t"), 3);
    /* Without kept columns every index goes; forgetting them leaves them dropped. */
    assert_int_equal(am_store_indexes_drop(s, "t", NULL, &saved, &err), 0);
    assert_int_equal(saved.n, 3);
    assert_int_equal(count_indexes(s, "t"), 0);
    am_store_indexes_forget(&saved);
    assert_int_equal(saved.n, 0);
    assert_int_equal(count_indexes(s, "t"), 0);
    am_store_close(s);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_migrates),
        cmocka_unit_test(test_page_size),
        cmocka_unit_test(test_reset_keeps_or_clears_bindings),
        cmocka_unit_test(test_newer_refused),
        cmocka_unit_test(test_not_a_registry),
        cmocka_unit_test(test_transactions_and_strict),
        cmocka_unit_test(test_indexes_drop_and_restore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
