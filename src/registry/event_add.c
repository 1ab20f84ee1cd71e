/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Adding one event by hand: what a lawyer learns from a court (a request for amnesty,
 * a grant, a dismissal) enters the registry as a dated event with its source, so that
 * statuses and deadlines follow from it. Lists enter through import/, not here.
 */
#include "amnistia/registry.h"
#include "amnistia/text.h"

#include <string.h>

int am_registry_event_insert(struct am_store *store, int64_t person_id, const char *type,
                             const char *date, const char *source, const char *detail,
                             int64_t *event_id, int *source_created, struct am_err *err)
{
    if (!type || am_event_from_name(type) < 0) {
        struct am_buf names;
        am_buf_init(&names);
        for (int i = 0; i < AM__EVENT_COUNT; i++)
            am_buf_addf(&names, "%s%s", i ? ", " : "", am_event_name((enum am_event_type)i));
        AM_FAIL(err, AM_EINPUT, "unknown event type '%s'; event types are %s", type ? type : "",
                names.ptr);
        am_buf_release(&names);
        return -1;
    }
    /* One spelling for a date typed by hand: YYYY-MM-DD, then text/'s checks (a real
     * day, not in the future). */
    int32_t days;
    char why[128] = "expected YYYY-MM-DD";
    int iso = date && strlen(date) == 10 && date[4] == '-' && date[7] == '-';
    if (!iso || am_date_parse(date, &days, why, sizeof(why)) != 0)
        return AM_FAIL(err, AM_EINPUT, "bad date '%s': %s", date ? date : "", why);
    if (!source || !*source)
        return AM_FAIL(err, AM_EINPUT, "an event needs its source; give --source NAME");
    *source_created = 0;
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
    if (rc != 1) {
        *source_created = 0;
        return am_err_is_set(err) ? -1 : AM_FAIL(err, AM_EDB, "cannot add the event");
    }
    return 0;
}

int am_registry_event_add(struct am_store *store, int64_t person_id, const char *type,
                          const char *date, const char *source, const char *detail,
                          int64_t *event_id, int *source_created, struct am_err *err)
{
    if (am_store_begin(store, err) != 0)
        return -1;
    if (am_registry_event_insert(store, person_id, type, date, source, detail, event_id,
                                 source_created, err) != 0 ||
        am_store_commit(store, err) != 0) {
        am_store_rollback(store);
        *source_created = 0;
        return -1;
    }
    return 0;
}
