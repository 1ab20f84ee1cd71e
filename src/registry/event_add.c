/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Adding one event by hand: what a lawyer learns from a court (a request for amnesty,
 * a grant, a dismissal) enters the registry as a dated event with its source, so that
 * statuses and deadlines follow from it. Lists enter through import/, not here.
 */
#include "amnistia/registry.h"

#include <string.h>

static const char *const event_names[] = {
#define AM_X(e, s, effect, rank) s,
    AM_EVENT_TABLE(AM_X)
#undef AM_X
};

/* Strict YYYY-MM-DD (am_date_parse of text/ also takes DD/MM/YYYY; an event added by
 * hand has one spelling). Returns days or -1 with a reason. */
static int strict_date(const char *s, int32_t *days, const char **why)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    *why = "expected YYYY-MM-DD";
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12) {
        *why = "the month does not exist";
        return -1;
    }
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap)) {
        *why = "the day does not exist in that month";
        return -1;
    }
    if (y < 1900) {
        *why = "the year is before 1900";
        return -1;
    }
    *days = am_days_from_civil(y, m, d);
    if (*days > am_today()) {
        *why = "the date is in the future";
        return -1;
    }
    return 0;
}

int am_registry_event_add(struct am_store *store, int64_t person_id, const char *type,
                          const char *date, const char *source, const char *detail,
                          int64_t *event_id, int *source_created, struct am_err *err)
{
    int known = 0;
    for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
        if (type && strcmp(type, event_names[i]) == 0)
            known = 1;
    if (!known) {
        struct am_buf names;
        am_buf_init(&names);
        for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
            am_buf_addf(&names, "%s%s", i ? ", " : "", event_names[i]);
        AM_FAIL(err, AM_EINPUT, "unknown event type '%s'; event types are %s", type ? type : "",
                names.ptr);
        am_buf_release(&names);
        return -1;
    }
    int32_t days;
    const char *why;
    if (strict_date(date, &days, &why) != 0)
        return AM_FAIL(err, AM_EINPUT, "bad date '%s': %s", date ? date : "", why);
    if (!source || !*source)
        return AM_FAIL(err, AM_EINPUT, "an event needs its source; give --source NAME");
    *source_created = 0;
    if (am_store_begin(store, err) != 0)
        return -1;
    struct am_stmt *st = am_stmt_prepare(store, "SELECT 1 FROM person WHERE id = ?", err);
    int rc = st && am_stmt_bind_int64(st, 1, person_id, err) == 0 ? am_stmt_step(st, err) : -1;
    am_stmt_finalize(st);
    if (rc == 0)
        AM_FAIL(err, AM_ENOTFOUND, "no person %lld in the registry; see amnistia people",
                (long long)person_id);
    int64_t source_id = 0;
    if (rc == 1) {
        st = am_stmt_prepare(store, "SELECT id FROM source WHERE name = ?", err);
        rc = st && am_stmt_bind_text(st, 1, source, err) == 0 ? am_stmt_step(st, err) : -1;
        if (rc == 1)
            source_id = am_stmt_int64(st, 0);
        am_stmt_finalize(st);
    }
    if (rc == 0 && !am_err_is_set(err)) {
        st = am_stmt_prepare(store, "INSERT INTO source (name, kind) VALUES (?, 'other')", err);
        rc = st && am_stmt_bind_text(st, 1, source, err) == 0 && am_stmt_step(st, err) == 0 ? 1 : -1;
        am_stmt_finalize(st);
        source_id = am_store_last_insert_id(store);
        *source_created = 1;
    }
    if (rc == 1) {
        st = am_stmt_prepare(store,
                             "INSERT INTO event (person_id, type, date, detail, source_id)"
                             " VALUES (?, ?, ?, ?, ?)",
                             err);
        rc = st && am_stmt_bind_int64(st, 1, person_id, err) == 0 &&
                     am_stmt_bind_text(st, 2, type, err) == 0 &&
                     am_stmt_bind_text(st, 3, date, err) == 0 &&
                     am_stmt_bind_text(st, 4, detail, err) == 0 &&
                     am_stmt_bind_int64(st, 5, source_id, err) == 0 && am_stmt_step(st, err) == 0
                 ? 1
                 : -1;
        am_stmt_finalize(st);
        *event_id = am_store_last_insert_id(store);
    }
    if (rc != 1 || am_store_commit(store, err) != 0) {
        am_store_rollback(store);
        *source_created = 0;
        return -1;
    }
    return 0;
}
