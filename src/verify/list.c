/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Which list a command means: a snapshot id or a source name, resolved to the snapshot
 * (or every snapshot of the source) with its source and date. Also the names of flags
 * and facts. Nothing here judges a list.
 */
#include "verify_int.h"

#include <string.h>

static const char *const flag_names[] = {
#define AM_X(e, s) s,
    AM_FLAG_TABLE(AM_X)
#undef AM_X
};

static const char *const compare_fact_names[] = {
#define AM_X(e, s) s,
    AM_COMPARE_FACT_TABLE(AM_X)
#undef AM_X
};

const char *am_flag_name(enum am_flag flag)
{
    return (int)flag >= 0 && flag < AM__FLAG_COUNT ? flag_names[flag] : "?";
}

int am_flag_from_name(const char *name)
{
    for (int i = 0; name && i < AM__FLAG_COUNT; i++)
        if (strcmp(flag_names[i], name) == 0)
            return i;
    return -1;
}

const char *am_compare_fact_name(enum am_compare_fact fact)
{
    return (int)fact >= 0 && fact < AM__CMP_COUNT ? compare_fact_names[fact] : "?";
}

static void fill(struct am_verify_list *out, struct am_stmt *st)
{
    out->snapshot_id = am_stmt_int64(st, 0);
    out->source_id = am_stmt_int64(st, 1);
    snprintf(out->source_name, sizeof(out->source_name), "%s", am_stmt_text(st, 2));
    snprintf(out->source_kind, sizeof(out->source_kind), "%s", am_stmt_text(st, 3));
    const char *as_of = am_stmt_text(st, 4);
    am__verify_day(as_of && *as_of ? as_of : am_stmt_text(st, 5), out->as_of);
}

int am_verify_list_resolve(struct am_store *store, const char *spec, int want_snapshot,
                           struct am_verify_list *out, struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    if (!spec || !*spec)
        return AM_FAIL(err, AM_EUSAGE, "no list given; name a snapshot id or a source name");
    int64_t id = 0;
    if (am__verify_is_digits(spec) && am_parse_int64(spec, &id) == 0) {
        struct am_stmt *st =
            am_stmt_prepare(store,
                            "SELECT n.id, n.source_id, s.name, s.kind, n.as_of, n.imported_at"
                            " FROM snapshot n JOIN source s ON s.id = n.source_id WHERE n.id = ?",
                            err);
        if (!st || am_stmt_bind_int64(st, 1, id, err) < 0) {
            am_stmt_finalize(st);
            return -1;
        }
        int rc = am_stmt_step(st, err);
        if (rc == 1)
            fill(out, st);
        am_stmt_finalize(st);
        if (rc < 0)
            return -1;
        if (rc == 1)
            return 0;
    }
    struct am_stmt *st = am_stmt_prepare(
        store,
        "SELECT n.id, n.source_id, s.name, s.kind, n.as_of, n.imported_at"
        " FROM source s LEFT JOIN snapshot n ON n.source_id = s.id WHERE s.name = ?"
        " ORDER BY coalesce(n.as_of, substr(n.imported_at, 1, 10)) DESC, n.id DESC LIMIT 1",
        err);
    if (!st || am_stmt_bind_text(st, 1, spec, err) < 0) {
        am_stmt_finalize(st);
        return -1;
    }
    int rc = am_stmt_step(st, err);
    int has_snapshot = rc == 1 && !am_stmt_is_null(st, 0);
    if (has_snapshot)
        fill(out, st);
    am_stmt_finalize(st);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return AM_FAIL(err, AM_ENOTFOUND,
                       "no snapshot and no source is called '%s'; see `amnistia sources` "
                       "for the names and ids",
                       spec);
    if (!has_snapshot)
        return AM_FAIL(err, AM_EINPUT,
                       "source '%s' has no snapshot yet; import a list from it first", spec);
    out->whole_source = !want_snapshot;
    return 0;
}
