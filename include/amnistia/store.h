/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store: the registry's SQLite file. Opens it (WAL, foreign keys), applies the schema
 * migrations by PRAGMA user_version, and offers a thin prepared-statement interface so
 * that modules can keep their own SQL while only this module includes sqlite3.h.
 * SQL text passed here must be a constant in our source: values always go through binds.
 */
#ifndef AMNISTIA_STORE_H
#define AMNISTIA_STORE_H

#include "amnistia/core.h"

struct am_store;
struct am_stmt;

/* The schema version this build writes; a registry with a higher one is refused. */
int am_store_schema_version(void);

/*
 * Opens (creating if needed) the registry at path and upgrades it in place. Fails with
 * AM_EINPUT when the file is newer than this build or is not a registry, AM_EDB or AM_EIO
 * otherwise. The caller frees with am_store_close.
 */
struct am_store *am_store_open(const char *path, struct am_err *err);
/* Opens read-only; no migration is applied (an older registry is refused). */
struct am_store *am_store_open_readonly(const char *path, struct am_err *err);
void am_store_close(struct am_store *store); /* NULL is fine */
const char *am_store_path(const struct am_store *store);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback never fails from the caller's view. */
int am_store_begin(struct am_store *store, struct am_err *err);
int am_store_commit(struct am_store *store, struct am_err *err);
void am_store_rollback(struct am_store *store);
/* Runs constant SQL with no parameters (one or more statements). */
int am_store_exec(struct am_store *store, const char *sql, struct am_err *err);
int64_t am_store_last_insert_id(struct am_store *store);
/*
 * A bulk rewrite drops secondary indexes and builds them again after it (one sort each
 * instead of B-tree inserts at random places). am_store_indexes_drop drops the indexes of
 * `table` that have a CREATE INDEX statement, except those whose first column is one of
 * keep_lead (NULL-terminated, or NULL), and appends their definitions to *saved (zeroed
 * before the first call; several tables may share it). am_store_indexes_restore builds
 * them all again and empties *saved, also on failure; am_store_indexes_forget only empties
 * it (after a rollback, which brings the indexes back by itself). Definitions come from
 * the registry's own schema, so this follows whatever the migrations say.
 */
struct am_store_indexes {
    struct am_buf defs; /* CREATE INDEX statements, NUL-separated */
    size_t n;
};
int am_store_indexes_drop(struct am_store *store, const char *table,
                          const char *const *keep_lead, struct am_store_indexes *saved,
                          struct am_err *err);
int am_store_indexes_restore(struct am_store *store, struct am_store_indexes *saved,
                             struct am_err *err);
void am_store_indexes_forget(struct am_store_indexes *saved);

int am_store_changes(struct am_store *store);

/*
 * Prepared statements. The preparer finalises. Bind indexes are 1-based, column indexes
 * 0-based. Text binds copy the string (SQLITE_TRANSIENT); NULL binds SQL NULL.
 */
struct am_stmt *am_stmt_prepare(struct am_store *store, const char *sql, struct am_err *err);
void am_stmt_finalize(struct am_stmt *stmt); /* NULL is fine */
void am_stmt_reset(struct am_stmt *stmt);    /* also clears bindings */
/* Resets for another step but keeps the bindings: for a statement whose every parameter
 * is bound again before each step (clearing them is wasted work in a bulk insert). */
void am_stmt_reset_keep(struct am_stmt *stmt);
int am_stmt_bind_int64(struct am_stmt *stmt, int idx, int64_t value, struct am_err *err);
int am_stmt_bind_double(struct am_stmt *stmt, int idx, double value, struct am_err *err);
int am_stmt_bind_text(struct am_stmt *stmt, int idx, const char *value, struct am_err *err);
/* Binds text without copying it: value (len bytes, not NUL-terminated necessarily) must
 * stay unchanged until the statement is stepped and reset. For bulk inserts. */
int am_stmt_bind_text_nocopy(struct am_stmt *stmt, int idx, const char *value, size_t len,
                             struct am_err *err);
int am_stmt_bind_blob(struct am_stmt *stmt, int idx, const void *data, size_t len,
                      struct am_err *err);
int am_stmt_bind_null(struct am_stmt *stmt, int idx, struct am_err *err);
/* Returns 1 when a row is ready, 0 when done, -1 on error (err set). */
int am_stmt_step(struct am_stmt *stmt, struct am_err *err);
int am_stmt_column_count(struct am_stmt *stmt);
const char *am_stmt_column_name(struct am_stmt *stmt, int col);
int am_stmt_is_null(struct am_stmt *stmt, int col);
int64_t am_stmt_int64(struct am_stmt *stmt, int col);
double am_stmt_double(struct am_stmt *stmt, int col);
/* Valid until the next step/reset/finalize; NULL for SQL NULL. */
const char *am_stmt_text(struct am_stmt *stmt, int col);
const void *am_stmt_blob(struct am_stmt *stmt, int col, size_t *len);

#endif
