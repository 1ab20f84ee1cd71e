/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * One person as a JSON document: who, the derived status and the event that decided it,
 * every record behind the person with its source and date, events in date order, charges
 * with their class, measures and categories. `show` and `export --json` print it.
 */
#include "amnistia/registry.h"

#include <string.h>

static void add_key(struct am_buf *b, const char *key, int *first)
{
    if (!*first)
        am_buf_addc(b, ',');
    *first = 0;
    am_buf_add_json_string(b, key);
    am_buf_addc(b, ':');
}

/* Appends column col of st as a JSON value: null, a number (for numeric columns listed
 * as such by the caller) or a string. */
static void add_col(struct am_buf *b, struct am_stmt *st, int col, int numeric)
{
    if (am_stmt_is_null(st, col))
        am_buf_adds(b, "null");
    else if (numeric)
        am_buf_addf(b, "%lld", (long long)am_stmt_int64(st, col));
    else
        am_buf_add_json_string(b, am_stmt_text(st, col));
}

/* Runs st (already bound) and appends an array of objects, one per row, with the column
 * names as keys; columns whose name ends in "_id" or is "id" or "row_no" are numbers. */
static int add_rows(struct am_buf *b, struct am_stmt *st, struct am_err *err)
{
    am_buf_addc(b, '[');
    int rc, n = 0;
    while ((rc = am_stmt_step(st, err)) == 1) {
        am_buf_adds(b, n++ ? ",{" : "{");
        int first = 1;
        for (int c = 0; c < am_stmt_column_count(st); c++) {
            const char *name = am_stmt_column_name(st, c);
            size_t len = strlen(name);
            int numeric = strcmp(name, "id") == 0 || strcmp(name, "row_no") == 0 ||
                          (len > 3 && strcmp(name + len - 3, "_id") == 0);
            add_key(b, name, &first);
            if (strcmp(name, "weight") == 0 && !am_stmt_is_null(st, c))
                am_buf_addf(b, "%.4f", am_stmt_double(st, c));
            else
                add_col(b, st, c, numeric);
        }
        am_buf_addc(b, '}');
    }
    am_buf_addc(b, ']');
    return rc < 0 ? -1 : 0;
}

static const char *const sections[][2] = {
    {"records",
     "SELECT r.id AS record_id, s.name AS source, s.kind AS source_kind, n.id AS snapshot_id,"
     " n.title AS snapshot, n.as_of, r.row_no, r.list_id, r.full_name, r.given_names,"
     " r.surnames, r.cedula_kind, r.cedula, r.sex, r.birth_date, r.nationality,"
     " r.arrest_date, r.arrest_place, r.state, r.facility, r.agency, r.charges, r.status,"
     " r.status_date, r.release_date, r.measures, r.categories, r.sensitivity, r.notes,"
     " rp.decided_by, rp.weight"
     " FROM record_person rp JOIN record r ON r.id = rp.record_id"
     " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"
     " WHERE rp.person_id = ?1 ORDER BY n.as_of, r.id"},
    {"events",
     "SELECT e.id, e.type, e.date, e.facility, e.detail, e.record_id,"
     " coalesce(s.name, (SELECT s2.name FROM record r JOIN snapshot n ON n.id = r.snapshot_id"
     "   JOIN source s2 ON s2.id = n.source_id WHERE r.id = e.record_id)) AS source"
     " FROM event e LEFT JOIN source s ON s.id = e.source_id"
     " WHERE e.person_id = ?1 ORDER BY e.date IS NULL, e.date, e.id"},
    {"charges",
     "SELECT raw, class, certainty, law_ref, record_id FROM charge WHERE person_id = ?1"
     " ORDER BY id"},
    {"measures",
     "SELECT type, raw, imposed, lifted, record_id FROM measure WHERE person_id = ?1"
     " ORDER BY id"},
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

/* The statements of one person's document, prepared once for many persons (export). */
struct am_person_reader {
    struct am_stmt *person, *events, *categories;
    struct am_stmt *section[N_SECTIONS];
};

void am_person_reader_free(struct am_person_reader *r)
{
    if (!r)
        return;
    am_stmt_finalize(r->person);
    am_stmt_finalize(r->events);
    am_stmt_finalize(r->categories);
    for (size_t i = 0; i < N_SECTIONS; i++)
        am_stmt_finalize(r->section[i]);
    am_free(r);
}

struct am_person_reader *am_person_reader_new(struct am_store *store, struct am_err *err)
{
    struct am_person_reader *r = am_calloc(1, sizeof(*r));
    r->person = am_stmt_prepare(store,
                                "SELECT id, display_name, cedula_kind, cedula, birth_date, sex,"
                                " nationality, sensitivity FROM person WHERE id = ?1",
                                err);
    r->events = r->person ? am_stmt_prepare(store,
                                            "SELECT type, date, id FROM event WHERE person_id = ?1",
                                            err)
                          : NULL;
    r->categories = r->events ? am_stmt_prepare(store,
                                                "SELECT DISTINCT category FROM category"
                                                " WHERE person_id = ?1 ORDER BY category",
                                                err)
                              : NULL;
    for (size_t i = 0; r->categories && i < N_SECTIONS; i++)
        if (!(r->section[i] = am_stmt_prepare(store, sections[i][1], err)))
            break;
    if (!r->categories || !r->section[N_SECTIONS - 1]) {
        am_person_reader_free(r);
        return NULL;
    }
    return r;
}

int am_registry_person_json(struct am_store *store, int64_t person_id, struct am_buf *out,
                            struct am_err *err)
{
    struct am_person_reader *r = am_person_reader_new(store, err);
    int rc = r ? am_person_reader_json(r, person_id, out, err) : -1;
    am_person_reader_free(r);
    return rc;
}

int am_person_reader_json(struct am_person_reader *r, int64_t person_id, struct am_buf *out,
                          struct am_err *err)
{
    struct am_stmt *st = r->person;
    am_stmt_reset(st);
    am_stmt_bind_int64(st, 1, person_id, err);
    int rc = am_stmt_step(st, err);
    if (rc <= 0)
        return rc < 0 ? -1 : AM_FAIL(err, AM_ENOTFOUND, "no person with id %lld",
                                     (long long)person_id);
    int first = 1;
    am_buf_addc(out, '{');
    for (int c = 0; c < am_stmt_column_count(st); c++) {
        add_key(out, c == 0 ? "person_id" : am_stmt_column_name(st, c), &first);
        add_col(out, st, c, c == 0);
    }
    am_stmt_reset(st);

    /* The derived status and the event that decided it. */
    st = r->events;
    am_stmt_reset(st);
    am_stmt_bind_int64(st, 1, person_id, err);
    AM_VEC(struct am_event_fact) facts = {0};
    AM_VEC(int64_t) ids = {0};
    struct am_arena arena;
    am_arena_init(&arena);
    while ((rc = am_stmt_step(st, err)) == 1) {
        int type = am_event_from_name(am_stmt_text(st, 0));
        if (type < 0)
            continue;
        struct am_event_fact f = {type, am_arena_strdup(&arena, am_stmt_text(st, 1)),
                                  am_stmt_int64(st, 2)};
        AM_VEC_PUSH(&facts, f);
        AM_VEC_PUSH(&ids, am_stmt_int64(st, 2));
    }
    am_stmt_reset(st);
    size_t decided;
    int incommunicado;
    enum am_status status = am_status_derive_event(facts.v, facts.n, NULL, &incommunicado, &decided);
    add_key(out, "status", &first);
    am_buf_add_json_string(out, am_status_name(status));
    add_key(out, "incommunicado", &first);
    am_buf_adds(out, incommunicado ? "true" : "false");
    add_key(out, "status_event_id", &first);
    if (decided != (size_t)-1)
        am_buf_addf(out, "%lld", (long long)ids.v[decided]);
    else
        am_buf_adds(out, "null");
    add_key(out, "status_date", &first);
    if (decided != (size_t)-1 && facts.v[decided].date)
        am_buf_add_json_string(out, facts.v[decided].date);
    else
        am_buf_adds(out, "null");
    AM_VEC_FREE(&facts);
    AM_VEC_FREE(&ids);
    am_arena_release(&arena);
    if (rc < 0)
        return -1;

    for (size_t i = 0; i < N_SECTIONS; i++) {
        st = r->section[i];
        am_stmt_reset(st);
        am_stmt_bind_int64(st, 1, person_id, err);
        add_key(out, sections[i][0], &first);
        rc = add_rows(out, st, err);
        am_stmt_reset(st);
        if (rc)
            return -1;
    }
    st = r->categories;
    am_stmt_reset(st);
    am_stmt_bind_int64(st, 1, person_id, err);
    add_key(out, "categories", &first);
    am_buf_addc(out, '[');
    int n = 0;
    while ((rc = am_stmt_step(st, err)) == 1) {
        if (n++)
            am_buf_addc(out, ',');
        am_buf_add_json_string(out, am_stmt_text(st, 0));
    }
    am_stmt_reset(st);
    am_buf_adds(out, "]}");
    return rc < 0 ? -1 : 0;
}
