/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reading sources and snapshots: what lists the registry holds, from whom, as of when.
 * import/ writes them; nothing here changes the registry.
 */
#include "amnistia/registry.h"

int am_registry_sources(struct am_store *store, am_source_cb cb, void *ctx, struct am_err *err)
{
    struct am_stmt *st = am_stmt_prepare(
        store,
        "SELECT s.id, s.name, s.kind,"
        " (SELECT count(*) FROM snapshot WHERE source_id = s.id),"
        " (SELECT count(*) FROM record r JOIN snapshot n ON n.id = r.snapshot_id"
        "  WHERE n.source_id = s.id)"
        " FROM source s ORDER BY s.name",
        err);
    if (!st)
        return -1;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_source_row row = {
            .id = am_stmt_int64(st, 0),
            .name = am_stmt_text(st, 1),
            .kind = am_stmt_text(st, 2),
            .snapshots = am_stmt_int64(st, 3),
            .records = am_stmt_int64(st, 4),
        };
        if (cb(&row, ctx))
            break;
    }
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}

int am_registry_snapshots(struct am_store *store, am_snapshot_cb cb, void *ctx,
                          struct am_err *err)
{
    struct am_stmt *st = am_stmt_prepare(
        store,
        "SELECT n.id, s.name, n.title, n.as_of, n.imported_at, n.file_name, n.file_sha256,"
        " n.rows, n.rejected FROM snapshot n JOIN source s ON s.id = n.source_id ORDER BY n.id",
        err);
    if (!st)
        return -1;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_snapshot_row row = {
            .id = am_stmt_int64(st, 0),
            .source = am_stmt_text(st, 1),
            .title = am_stmt_text(st, 2),
            .as_of = am_stmt_text(st, 3),
            .imported_at = am_stmt_text(st, 4),
            .file_name = am_stmt_text(st, 5),
            .file_sha256 = am_stmt_text(st, 6),
            .rows = am_stmt_int64(st, 7),
            .rejected = am_stmt_int64(st, 8),
        };
        if (cb(&row, ctx))
            break;
    }
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}
