/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Records as they were received, with the person each belongs to, in the canonical
 * columns: what `export --csv` writes, so that an export can be imported elsewhere.
 */
#include "amnistia/registry.h"

#include <string.h>

const char *const am_canonical_columns[AM_CANONICAL_COLUMN_COUNT] = {
#define AM_X(e, s) s,
    AM_COLUMN_TABLE(AM_X)
#undef AM_X
};

int am_registry_records(struct am_store *store, am_record_cb cb, void *ctx, struct am_err *err)
{
    /* Column order after the first four matches am_canonical_columns, cédula apart. */
    struct am_stmt *st = am_stmt_prepare(
        store,
        "SELECT r.id, rp.person_id, r.snapshot_id, s.name,"
        " r.list_id, r.full_name, r.given_names, r.surnames, r.cedula_kind, r.cedula, r.sex,"
        " r.birth_date, r.nationality, r.arrest_date, r.arrest_place, r.state, r.facility,"
        " r.agency, r.charges, r.status, r.status_date, r.release_date, r.measures,"
        " r.categories, r.sensitivity, r.notes"
        " FROM record r JOIN record_person rp ON rp.record_id = r.id"
        " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"
        " ORDER BY rp.person_id, r.id",
        err);
    if (!st)
        return -1;
    int rc;
    char cedula[32];
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_record_row row = {
            .record_id = am_stmt_int64(st, 0),
            .person_id = am_stmt_int64(st, 1),
            .snapshot_id = am_stmt_int64(st, 2),
            .source = am_stmt_text(st, 3),
        };
        int col = 4;
        for (int f = 0; f < AM_CANONICAL_COLUMN_COUNT; f++) {
            if (f == 4) { /* cedula: kind and number */
                const char *kind = am_stmt_text(st, col++);
                const char *num = am_stmt_text(st, col++);
                if (num) {
                    snprintf(cedula, sizeof(cedula), "%s%s%s", kind ? kind : "", kind ? "-" : "",
                             num);
                    row.fields[f] = cedula;
                }
                continue;
            }
            row.fields[f] = am_stmt_text(st, col++);
        }
        if (cb(&row, ctx))
            break;
    }
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}
