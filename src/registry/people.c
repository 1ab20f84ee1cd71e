/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reading persons: the streaming list with derived statuses, lookup by id or cédula, the
 * full JSON of one person, the record-to-person links, and sensitivity. Reads only, except
 * sensitivity; linking decides who is who, import writes records.
 */
#include "amnistia/registry.h"
#include "amnistia/text.h"

#include <string.h>

int am_registry_people(struct am_store *store, const struct am_people_filter *filter,
                       am_person_cb cb, void *ctx, struct am_err *err)
{
    struct am_stmt *ps = am_stmt_prepare(
        store,
        "SELECT id, display_name, cedula_kind, cedula, birth_date, sex, nationality,"
        " sensitivity FROM person ORDER BY id",
        err);
    struct am_facts_scan *es = ps ? am_facts_scan_new(store, err) : NULL;
    struct am_stmt *ss =
        es ? am_stmt_prepare(store,
                             "SELECT rp.person_id, count(*), group_concat(DISTINCT s.name)"
                             " FROM record_person rp JOIN record r ON r.id = rp.record_id"
                             " JOIN snapshot n ON n.id = r.snapshot_id"
                             " JOIN source s ON s.id = n.source_id"
                             " GROUP BY rp.person_id ORDER BY rp.person_id",
                             err)
           : NULL;
    struct am_stmt *fs = NULL;
    if (ss && filter && filter->source) {
        fs = am_stmt_prepare(store,
                             "SELECT DISTINCT rp.person_id FROM record_person rp"
                             " JOIN record r ON r.id = rp.record_id"
                             " JOIN snapshot n ON n.id = r.snapshot_id"
                             " JOIN source s ON s.id = n.source_id"
                             " WHERE s.name = ?1 ORDER BY rp.person_id",
                             err);
        if (fs)
            am_stmt_bind_text(fs, 1, filter->source, err);
    }
    if (!ss || (filter && filter->source && !fs)) {
        am_stmt_finalize(ps);
        am_facts_scan_free(es);
        am_stmt_finalize(ss);
        am_stmt_finalize(fs);
        return -1;
    }

    struct am_facts cur = {0}, none = {0};
    int rc = 0, erc = am_facts_scan_next(es, &cur, err), src = am_stmt_step(ss, err);
    int frc = fs ? am_stmt_step(fs, err) : 0;
    char *sources = NULL;
    while (erc >= 0 && src >= 0 && frc >= 0 && (rc = am_stmt_step(ps, err)) == 1) {
        int64_t id = am_stmt_int64(ps, 0);
        while (erc == 1 && cur.person_id < id)
            erc = am_facts_scan_next(es, &cur, err);
        const struct am_facts *f = erc == 1 && cur.person_id == id ? &cur : &none;
        int64_t records = 0;
        am_free(sources);
        sources = NULL;
        for (; src == 1 && am_stmt_int64(ss, 0) <= id; src = am_stmt_step(ss, err)) {
            if (am_stmt_int64(ss, 0) == id) {
                records = am_stmt_int64(ss, 1);
                sources = am_strdup(am_stmt_text(ss, 2));
            }
        }
        int in_source = 1;
        if (fs) {
            while (frc == 1 && am_stmt_int64(fs, 0) < id)
                frc = am_stmt_step(fs, err);
            in_source = frc == 1 && am_stmt_int64(fs, 0) == id;
        }
        if (!in_source)
            continue;

        struct am_event_fact *facts = am_facts_event_facts(f);
        const char *as_of = filter ? filter->as_of : NULL;
        size_t decided;
        int incommunicado;
        enum am_status status =
            am_status_derive_event(facts, f->n_events, as_of, &incommunicado, &decided);
        am_free(facts);
        if (filter && filter->status >= 0 && (int)status != filter->status)
            continue;
        const char *arrest = NULL, *facility = NULL, *facility_date = NULL;
        for (size_t i = 0; i < f->n_events; i++) {
            const struct am_fact_event *e = &f->events[i];
            if (as_of && e->date && strcmp(e->date, as_of) > 0)
                continue;
            if ((e->type == AM_EV_ARREST || e->type == AM_EV_REARREST) && e->date &&
                (!arrest || strcmp(e->date, arrest) < 0))
                arrest = e->date;
            if (e->facility && (!facility || (e->date && (!facility_date ||
                                                          strcmp(e->date, facility_date) >= 0)))) {
                facility = e->facility;
                facility_date = e->date;
            }
        }
        struct am_person_row row = {
            .id = id,
            .display_name = am_stmt_text(ps, 1),
            .cedula_kind = am_stmt_text(ps, 2),
            .cedula = am_stmt_text(ps, 3),
            .birth_date = am_stmt_text(ps, 4),
            .sex = am_stmt_text(ps, 5),
            .nationality = am_stmt_text(ps, 6),
            .sensitivity = am_stmt_text(ps, 7),
            .status = status,
            .incommunicado = incommunicado,
            .status_date = decided != (size_t)-1 ? f->events[decided].date : NULL,
            .arrest_date = arrest,
            .facility = facility,
            .sources = sources ? sources : "",
            .records = records,
        };
        if (cb(&row, ctx))
            break;
    }
    am_free(sources);
    am_stmt_finalize(ps);
    am_facts_scan_free(es);
    am_stmt_finalize(ss);
    am_stmt_finalize(fs);
    return am_err_is_set(err) ? -1 : 0;
}

int am_registry_find_person(struct am_store *store, const char *id_or_cedula, int64_t *person_id,
                            struct am_err *err)
{
    int64_t id;
    if (am_parse_int64(id_or_cedula, &id) == 0) {
        struct am_stmt *st = am_stmt_prepare(store, "SELECT id FROM person WHERE id = ?1", err);
        if (!st)
            return -1;
        am_stmt_bind_int64(st, 1, id, err);
        int rc = am_stmt_step(st, err);
        am_stmt_finalize(st);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            *person_id = id;
            return 0;
        }
    }
    struct am_cedula ced;
    char why[128];
    if (am_cedula_parse(id_or_cedula, &ced, why, sizeof(why)) != 0)
        return AM_FAIL(err, AM_ENOTFOUND,
                       "no person with id '%s', and it is not a cédula (%s); see amnistia people",
                       id_or_cedula, why);
    /* A cédula written without V/E matches either kind. */
    struct am_stmt *st = am_stmt_prepare(
        store,
        "SELECT DISTINCT rp.person_id FROM record r JOIN record_person rp ON rp.record_id = r.id"
        " WHERE r.cedula = ?1 AND (?2 IS NULL OR r.cedula_kind IS NULL OR r.cedula_kind = ?2)"
        " ORDER BY rp.person_id",
        err);
    if (!st)
        return -1;
    char kind[2] = {ced.kind, 0};
    am_stmt_bind_text(st, 1, ced.number, err);
    am_stmt_bind_text(st, 2, ced.kind ? kind : NULL, err);
    struct am_buf ids;
    am_buf_init(&ids);
    int n = 0, rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        *person_id = am_stmt_int64(st, 0);
        am_buf_addf(&ids, "%s%lld", n++ ? ", " : "", (long long)*person_id);
    }
    am_stmt_finalize(st);
    if (rc < 0) {
        am_buf_release(&ids);
        return -1;
    }
    if (n == 0 && ced.kind) {
        /* The number under the other letter: one list's V is often another's E (a
         * naturalised foreigner, a typing slip). Said, not silently taken. */
        st = am_stmt_prepare(store,
                             "SELECT DISTINCT rp.person_id FROM record r JOIN record_person rp"
                             " ON rp.record_id = r.id WHERE r.cedula = ?1 ORDER BY rp.person_id",
                             err);
        if (!st) {
            am_buf_release(&ids);
            return -1;
        }
        am_stmt_bind_text(st, 1, ced.number, err);
        int m = 0;
        while ((rc = am_stmt_step(st, err)) == 1)
            am_buf_addf(&ids, "%s%lld", m++ ? ", " : "", (long long)am_stmt_int64(st, 0));
        am_stmt_finalize(st);
        if (rc < 0) {
            am_buf_release(&ids);
            return -1;
        }
        if (m > 0) {
            rc = AM_FAIL(err, AM_ENOTFOUND,
                         "no person with cédula %s-%s, but the number %s is on person%s %s "
                         "under the other letter (%s); show it by id, or without V/E",
                         kind, ced.number, ced.number, m > 1 ? "s" : "", ids.ptr,
                         ced.kind == 'V' ? "E" : "V");
            am_buf_release(&ids);
            return rc;
        }
    }
    if (n == 0)
        rc = AM_FAIL(err, AM_ENOTFOUND, "no person with %s%s%s%s; see amnistia people",
                     ced.kind ? "cédula " : "id or cédula ", ced.kind ? kind : "",
                     ced.kind ? "-" : "", ced.kind ? ced.number : id_or_cedula);
    else if (n > 1)
        rc = AM_FAIL(err, AM_ECONFLICT,
                     "cédula %s is on records of %d persons (%s); show them by id, and review "
                     "the link if they are one person",
                     ced.number, n, ids.ptr);
    else
        rc = 0;
    am_buf_release(&ids);
    return rc;
}

int am_registry_links(struct am_store *store, am_link_cb cb, void *ctx, struct am_err *err)
{
    struct am_stmt *st = am_stmt_prepare(
        store,
        "SELECT r.id, s.name, r.snapshot_id, r.list_id, rp.person_id FROM record r"
        " JOIN record_person rp ON rp.record_id = r.id"
        " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"
        " ORDER BY r.id",
        err);
    if (!st)
        return -1;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_link_row row = {
            .record_id = am_stmt_int64(st, 0),
            .source = am_stmt_text(st, 1),
            .snapshot_id = am_stmt_int64(st, 2),
            .list_id = am_stmt_text(st, 3),
            .person_id = am_stmt_int64(st, 4),
        };
        if (cb(&row, ctx))
            break;
    }
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}

int am_registry_set_sensitivity(struct am_store *store, int64_t person_id, const char *level,
                                struct am_err *err)
{
    if (!level || (strcmp(level, "public") && strcmp(level, "restricted") && strcmp(level, "sealed")))
        return AM_FAIL(err, AM_EINPUT,
                       "unknown sensitivity '%s'; use public, restricted or sealed",
                       level ? level : "");
    struct am_stmt *st =
        am_stmt_prepare(store, "UPDATE person SET sensitivity = ?1, sensitivity_by_hand = 1 WHERE id = ?2", err);
    if (!st)
        return -1;
    am_stmt_bind_text(st, 1, level, err);
    am_stmt_bind_int64(st, 2, person_id, err);
    int rc = am_stmt_step(st, err);
    am_stmt_finalize(st);
    if (rc < 0)
        return -1;
    if (am_store_changes(store) == 0)
        return AM_FAIL(err, AM_ENOTFOUND, "no person with id %lld; see amnistia people",
                       (long long)person_id);
    return 0;
}
