/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Importing dated procedural events — amnesty requested, granted or denied, a case
 * dismissed — from a CSV kept by a court, a lawyer or the Public Ministry, so that the
 * deadlines a law sets can be tracked (`amnistia event import`). The rows name persons
 * already in the registry; lists of people enter through am_import_run, not here.
 */
#include "amnistia/import.h"
#include "amnistia/registry.h"
#include "amnistia/text.h"

#include <errno.h>
#include <string.h>

static long read_file(void *ctx, char *buf, size_t cap)
{
    FILE *f = ctx;
    size_t n = fread(buf, 1, cap, f);
    return n == 0 && ferror(f) ? -1 : (long)n;
}

enum { COL_PERSON, COL_TYPE, COL_DATE, COL_DETAIL, COL_COUNT };
static const char *const col_names[COL_COUNT] = {"person", "type", "date", "detail"};

/* One row: find the person, read the date as lists write it, insert. */
static int import_row(struct am_store *store, const char *path, const struct am_csv_record *rec,
                      const int *col, const char *source, struct am_err *err)
{
    const struct am_csv_field *f[COL_COUNT] = {0};
    for (int c = 0; c < COL_COUNT; c++)
        if (col[c] >= 0 && (size_t)col[c] < rec->n)
            f[c] = &rec->fields[col[c]];
    for (int c = 0; c < COL_DETAIL; c++)
        if (!f[c] || !f[c]->value[0])
            return AM_FAIL_AT(err, AM_EINPUT, path, rec->line, f[c] ? f[c]->col : 1,
                              "this row has no %s; every event needs person, type and date",
                              col_names[c]);
    struct am_err e = AM_ERR_INIT;
    int64_t person, id;
    if (am_registry_find_person(store, f[COL_PERSON]->value, &person, &e))
        return AM_FAIL_AT(err, e.code, path, f[COL_PERSON]->line, f[COL_PERSON]->col, "%s",
                          e.msg);
    int32_t days;
    char why[128], iso[11];
    if (am_date_parse(f[COL_DATE]->value, &days, why, sizeof(why)))
        return AM_FAIL_AT(err, AM_EINPUT, path, f[COL_DATE]->line, f[COL_DATE]->col,
                          "bad date '%s': %s", f[COL_DATE]->value, why);
    am_format_date(days, iso);
    int created;
    const char *detail = f[COL_DETAIL] && f[COL_DETAIL]->value[0] ? f[COL_DETAIL]->value : NULL;
    if (am_registry_event_insert(store, person, f[COL_TYPE]->value, iso, source, detail, &id,
                                 &created, &e)) {
        const struct am_csv_field *at = strstr(e.msg, "event type") ? f[COL_TYPE] : f[COL_PERSON];
        return AM_FAIL_AT(err, e.code, path, at->line, at->col, "%s", e.msg);
    }
    return 0;
}

int am_import_events(struct am_store *store, const char *path, const char *source,
                     size_t *n_events, struct am_err *err)
{
    *n_events = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot open: %s; check the path",
                          strerror(errno));
    struct am_csv *csv = am_csv_new(path, read_file, fp);
    struct am_csv_record rec;
    int col[COL_COUNT] = {-1, -1, -1, -1};
    int rc = am_csv_next(csv, &rec, err);
    if (rc == 0)
        rc = AM_FAIL_AT(err, AM_EINPUT, path, 1, 1, "the file is empty; the first line "
                        "names the columns person,type,date[,detail]");
    if (rc == 1) {
        for (size_t i = 0; i < rec.n; i++)
            for (int c = 0; c < COL_COUNT; c++)
                if (strcmp(rec.fields[i].value, col_names[c]) == 0)
                    col[c] = (int)i;
        for (int c = 0; c < COL_DETAIL && rc == 1; c++)
            if (col[c] < 0)
                rc = AM_FAIL_AT(err, AM_EINPUT, path, 1, 1,
                                "no column '%s'; the first line names the columns "
                                "person,type,date[,detail]",
                                col_names[c]);
    }
    size_t width = rc == 1 ? rec.n : 0;
    if (rc == 1 && am_store_begin(store, err) == 0) {
        /* All rows or none: a list of decisions is read as a whole. */
        while ((rc = am_csv_next(csv, &rec, err)) == 1) {
            if (rec.problem) {
                rc = AM_FAIL_AT(err, AM_EINPUT, path, rec.problem_line, rec.problem_col, "%s",
                                rec.problem);
                break;
            }
            if (rec.n == 1 && !rec.fields[0].value[0])
                continue; /* a blank line */
            if (rec.n != width) {
                rc = AM_FAIL_AT(err, AM_EINPUT, path, rec.line, 1,
                                "this row has %zu fields and the header %zu; quote fields "
                                "that contain the separator",
                                rec.n, width);
                break;
            }
            if (import_row(store, path, &rec, col, source, err)) {
                rc = -1;
                break;
            }
            (*n_events)++;
        }
        if (rc == 0 && am_store_commit(store, err) == 0)
            rc = 0;
        else
            rc = -1;
        if (rc)
            am_store_rollback(store);
    } else if (rc == 1) {
        rc = -1;
    }
    if (rc)
        *n_events = 0;
    am_csv_free(csv);
    fclose(fp);
    return rc < 0 ? -1 : 0;
}
