/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The SQLite connection: open, pragmas, migrations, transactions, and the statement
 * wrapper. SQLite's result codes become am_err here and nowhere else.
 */
#include "store_int.h"

#include <sqlite3.h>
#include <string.h>

struct am_store {
    sqlite3 *db;
    char *path;
};

struct am_stmt {
    sqlite3_stmt *st;
    struct am_store *store;
};

static int db_fail(struct am_err *err, sqlite3 *db, int rc, const char *what, const char *file,
                   int line)
{
    int ext = db ? sqlite3_extended_errcode(db) : rc;
    enum am_code code = AM_EDB;
    if (rc == SQLITE_CANTOPEN || rc == SQLITE_IOERR || rc == SQLITE_FULL ||
        rc == SQLITE_READONLY || rc == SQLITE_PERM)
        code = AM_EIO;
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        code = AM_EINPUT;
    am_err_set(err, code, file, line, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (err && err->src_file == file && err->src_line == line)
        err->detail = ext;
    return -1;
}
#define DB_FAIL(err, db, rc, what) db_fail((err), (db), (rc), (what), __FILE__, __LINE__)

int am_store_schema_version(void) { return am__store_migration_count(); }

static int user_version(sqlite3 *db, int *version, struct am_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return DB_FAIL(err, db, rc, "cannot read the registry version");
    rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return DB_FAIL(err, db, rc, "cannot read the registry version");
    return 0;
}

static int migrate(struct am_store *s, struct am_err *err)
{
    int version;
    if (user_version(s->db, &version, err))
        return -1;
    int target = am__store_migration_count();
    if (version > target)
        return AM_FAIL_AT(err, AM_EINPUT, s->path, 0, 0,
                          "this registry has schema version %d but this amnistia knows only "
                          "up to %d; use a newer amnistia (the file was not changed)",
                          version, target);
    while (version < target) {
        char *msg = NULL;
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version + 1);
        /* Each step is its own transaction, so a failed upgrade leaves the old version. */
        int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, am__store_migration(version), NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, pragma, NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            AM_FAIL(err, AM_EDB, "cannot upgrade the registry from version %d: %s", version,
                    msg ? msg : sqlite3_errmsg(s->db));
            sqlite3_free(msg);
            return -1;
        }
        version++;
    }
    return 0;
}

static struct am_store *open_store(const char *path, int readonly, struct am_err *err)
{
    struct am_store *s = am_calloc(1, sizeof(*s));
    s->path = am_strdup(path);
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot open the registry: %s; check the path "
                   "or set --db", s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        am_store_close(s);
        return NULL;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 10000);
    /* page_size only takes effect on a file that has no pages yet (a new registry): rows
     * of ~600 bytes fill a 4 KiB page after six, so a big import spent a tenth of its CPU
     * splitting pages and writing them one system call each; 16 KiB pages measured 20%
     * less wall time for a million-row import (bench/import.sh). An existing registry
     * keeps its page size. */
    static const char pragmas_rw[] = "PRAGMA page_size = 16384;"
                                     "PRAGMA journal_mode = WAL;"
                                     "PRAGMA synchronous = NORMAL;"
                                     "PRAGMA foreign_keys = ON;"
                                     "PRAGMA temp_store = MEMORY;";
    static const char pragmas_ro[] = "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;";
    char *msg = NULL;
    rc = sqlite3_exec(s->db, readonly ? pragmas_ro : pragmas_rw, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_NOTADB)
            AM_FAIL_AT(err, AM_EINPUT, path, 0, 0,
                       "this file is not an amnistia registry (not SQLite); check --db");
        else
            AM_FAIL_AT(err, AM_EDB, path, 0, 0, "cannot configure the registry: %s",
                       msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        am_store_close(s);
        return NULL;
    }
    if (readonly) {
        int version;
        if (user_version(s->db, &version, err) == 0 && version != am__store_migration_count())
            AM_FAIL_AT(err, AM_EINPUT, path, 0, 0,
                       "registry schema version %d, this amnistia needs %d; open it once "
                       "read-write to upgrade, or use a matching amnistia",
                       version, am__store_migration_count());
        if (am_err_is_set(err)) {
            am_store_close(s);
            return NULL;
        }
    } else if (migrate(s, err)) {
        am_store_close(s);
        return NULL;
    }
    return s;
}

struct am_store *am_store_open(const char *path, struct am_err *err)
{
    return open_store(path, 0, err);
}

struct am_store *am_store_open_readonly(const char *path, struct am_err *err)
{
    return open_store(path, 1, err);
}

void am_store_close(struct am_store *store)
{
    if (!store)
        return;
    sqlite3_close_v2(store->db);
    am_free(store->path);
    am_free(store);
}

const char *am_store_path(const struct am_store *store) { return store->path; }

int am_store_exec(struct am_store *store, const char *sql, struct am_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(store->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        AM_FAIL(err, AM_EDB, "database error: %s", msg ? msg : sqlite3_errstr(rc));
        if (err)
            err->detail = rc;
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int am_store_begin(struct am_store *store, struct am_err *err)
{
    return am_store_exec(store, "BEGIN IMMEDIATE", err);
}

int am_store_commit(struct am_store *store, struct am_err *err)
{
    return am_store_exec(store, "COMMIT", err);
}

void am_store_rollback(struct am_store *store)
{
    if (!sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

int64_t am_store_last_insert_id(struct am_store *store)
{
    return sqlite3_last_insert_rowid(store->db);
}

int am_store_changes(struct am_store *store) { return sqlite3_changes(store->db); }

/* ---- statements ---- */

struct am_stmt *am_stmt_prepare(struct am_store *store, const char *sql, struct am_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        DB_FAIL(err, store->db, rc, "cannot prepare a statement");
        return NULL;
    }
    struct am_stmt *stmt = am_malloc(sizeof(*stmt));
    stmt->st = st;
    stmt->store = store;
    return stmt;
}

void am_stmt_finalize(struct am_stmt *stmt)
{
    if (!stmt)
        return;
    sqlite3_finalize(stmt->st);
    am_free(stmt);
}

void am_stmt_reset(struct am_stmt *stmt)
{
    sqlite3_reset(stmt->st);
    sqlite3_clear_bindings(stmt->st);
}

void am_stmt_reset_keep(struct am_stmt *stmt) { sqlite3_reset(stmt->st); }

static int bind_result(struct am_stmt *stmt, int rc, struct am_err *err)
{
    return rc == SQLITE_OK ? 0 : DB_FAIL(err, stmt->store->db, rc, "cannot bind a value");
}

int am_stmt_bind_int64(struct am_stmt *stmt, int idx, int64_t value, struct am_err *err)
{
    return bind_result(stmt, sqlite3_bind_int64(stmt->st, idx, value), err);
}

int am_stmt_bind_double(struct am_stmt *stmt, int idx, double value, struct am_err *err)
{
    return bind_result(stmt, sqlite3_bind_double(stmt->st, idx, value), err);
}

int am_stmt_bind_text(struct am_stmt *stmt, int idx, const char *value, struct am_err *err)
{
    int rc = value ? sqlite3_bind_text(stmt->st, idx, value, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(stmt->st, idx);
    return bind_result(stmt, rc, err);
}

int am_stmt_bind_text_nocopy(struct am_stmt *stmt, int idx, const char *value, size_t len,
                             struct am_err *err)
{
    return bind_result(stmt, sqlite3_bind_text64(stmt->st, idx, value, len, SQLITE_STATIC,
                                                 SQLITE_UTF8),
                       err);
}

int am_stmt_bind_blob(struct am_stmt *stmt, int idx, const void *data, size_t len,
                      struct am_err *err)
{
    return bind_result(stmt, sqlite3_bind_blob64(stmt->st, idx, data, len, SQLITE_TRANSIENT),
                       err);
}

int am_stmt_bind_null(struct am_stmt *stmt, int idx, struct am_err *err)
{
    return bind_result(stmt, sqlite3_bind_null(stmt->st, idx), err);
}

int am_stmt_step(struct am_stmt *stmt, struct am_err *err)
{
    int rc = sqlite3_step(stmt->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    DB_FAIL(err, stmt->store->db, rc, "database error");
    sqlite3_reset(stmt->st);
    return -1;
}

int am_stmt_column_count(struct am_stmt *stmt) { return sqlite3_column_count(stmt->st); }
const char *am_stmt_column_name(struct am_stmt *stmt, int col)
{
    return sqlite3_column_name(stmt->st, col);
}
int am_stmt_is_null(struct am_stmt *stmt, int col)
{
    return sqlite3_column_type(stmt->st, col) == SQLITE_NULL;
}
int64_t am_stmt_int64(struct am_stmt *stmt, int col) { return sqlite3_column_int64(stmt->st, col); }
double am_stmt_double(struct am_stmt *stmt, int col) { return sqlite3_column_double(stmt->st, col); }
const char *am_stmt_text(struct am_stmt *stmt, int col)
{
    return (const char *)sqlite3_column_text(stmt->st, col);
}
const void *am_stmt_blob(struct am_stmt *stmt, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(stmt->st, col);
    if (len)
        *len = (size_t)sqlite3_column_bytes(stmt->st, col);
    return p;
}

/* Whether an index definition leads with one of the columns (its text has "(column"). */
static int leads_with(const char *sql, const char *const *keep_lead)
{
    for (; keep_lead && *keep_lead; keep_lead++) {
        const char *at = sql;
        size_t n = strlen(*keep_lead);
        while ((at = strchr(at, '(')) != NULL) {
            at++;
            if (strncmp(at, *keep_lead, n) == 0)
                return 1;
        }
    }
    return 0;
}

int am_store_indexes_drop(struct am_store *store, const char *table,
                          const char *const *keep_lead, struct am_store_indexes *saved,
                          struct am_err *err)
{
    if (!saved->defs.ptr)
        am_buf_init(&saved->defs);
    struct am_stmt *st = am_stmt_prepare(store,
                                         "SELECT name, sql FROM sqlite_master WHERE type ="
                                         " 'index' AND tbl_name = ?1 AND sql IS NOT NULL"
                                         " ORDER BY name",
                                         err);
    if (!st || am_stmt_bind_text(st, 1, table, err) < 0) {
        am_stmt_finalize(st);
        return -1;
    }
    struct am_buf names;
    am_buf_init(&names);
    size_t n = 0;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        const char *sql = am_stmt_text(st, 1);
        if (leads_with(sql, keep_lead))
            continue;
        am_buf_adds(&names, am_stmt_text(st, 0));
        am_buf_addc(&names, 0);
        am_buf_adds(&saved->defs, sql);
        am_buf_addc(&saved->defs, 0);
        n++;
    }
    am_stmt_finalize(st);
    saved->n += n;
    struct am_buf q;
    am_buf_init(&q);
    const char *name = names.ptr;
    for (size_t k = 0; k < n && rc == 0; k++, name += strlen(name) + 1) {
        am_buf_reset(&q);
        am_buf_adds(&q, "DROP INDEX \"");
        for (const char *ch = name; *ch; ch++) {
            if (*ch == '"')
                am_buf_addc(&q, '"');
            am_buf_addc(&q, *ch);
        }
        am_buf_addc(&q, '"');
        rc = am_store_exec(store, q.ptr, err) < 0 ? -1 : 0;
    }
    am_buf_release(&q);
    am_buf_release(&names);
    return rc < 0 ? -1 : 0;
}

int am_store_indexes_restore(struct am_store *store, struct am_store_indexes *saved,
                             struct am_err *err)
{
    int rc = 0;
    const char *def = saved->defs.ptr;
    for (size_t k = 0; k < saved->n && rc == 0; k++, def += strlen(def) + 1)
        rc = am_store_exec(store, def, err) < 0 ? -1 : 0;
    am_store_indexes_forget(saved);
    return rc;
}

void am_store_indexes_forget(struct am_store_indexes *saved)
{
    if (saved->defs.ptr)
        am_buf_release(&saved->defs);
    memset(saved, 0, sizeof(*saved));
}
