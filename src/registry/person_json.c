/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * One person as a JSON document: who, the derived status and the event that decided it,
 * every record behind the person with its source and date, events in date order, charges
 * with their class, measures and categories. `show` and `export --json` print it.
 */
#include "amnistia/registry.h"

#include <stdlib.h>
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
 * names as keys; columns whose name ends in "_id" (but list_id, the list's own text) or is
 * "id" or "row_no" are numbers. */
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
            /* list_id is the list's own text ("A1", "0012"), not one of our ids. */
            int numeric = strcmp(name, "id") == 0 || strcmp(name, "row_no") == 0 ||
                          (len > 3 && strcmp(name + len - 3, "_id") == 0 &&
                           strcmp(name, "list_id") != 0);
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

static void add_id(struct am_buf *b, int64_t id)
{
    if (id)
        am_buf_addf(b, "%lld", (long long)id);
    else
        am_buf_adds(b, "null");
}

static void add_str(struct am_buf *b, const char *s)
{
    if (s)
        am_buf_add_json_string(b, s);
    else
        am_buf_adds(b, "null");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
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
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

/* The statements of one person's document, prepared once for many persons (export). */
struct am_person_reader {
    struct am_stmt *person;
    struct am_facts_reader *facts;
    struct am_stmt *section[N_SECTIONS];
};

void am_person_reader_free(struct am_person_reader *r)
{
    if (!r)
        return;
    am_stmt_finalize(r->person);
    am_facts_reader_free(r->facts);
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
    r->facts = r->person ? am_facts_reader_new(store, err) : NULL;
    for (size_t i = 0; r->facts && i < N_SECTIONS; i++)
        if (!(r->section[i] = am_stmt_prepare(store, sections[i][1], err)))
            break;
    if (!r->facts || !r->section[N_SECTIONS - 1]) {
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
    struct am_facts f;
    if (am_facts_person(r->facts, person_id, &f, err))
        return -1;
    struct am_event_fact *facts = am_facts_event_facts(&f);
    size_t decided;
    int incommunicado;
    enum am_status status =
        am_status_derive_event(facts, f.n_events, NULL, &incommunicado, &decided);
    am_free(facts);
    const struct am_fact_event *de = decided != (size_t)-1 ? &f.events[decided] : NULL;
    add_key(out, "status", &first);
    am_buf_add_json_string(out, am_status_name(status));
    add_key(out, "incommunicado", &first);
    am_buf_adds(out, incommunicado ? "true" : "false");
    add_key(out, "status_event_id", &first);
    add_id(out, de ? de->event_id : 0);
    add_key(out, "status_record_id", &first);
    add_id(out, de ? de->record_id : 0);
    add_key(out, "status_date", &first);
    add_str(out, de ? de->date : NULL);

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
    add_key(out, "events", &first);
    am_buf_addc(out, '[');
    for (size_t i = 0; i < f.n_events; i++) {
        const struct am_fact_event *e = &f.events[i];
        am_buf_adds(out, i ? ",{\"id\":" : "{\"id\":");
        add_id(out, e->event_id);
        am_buf_adds(out, ",\"type\":");
        am_buf_add_json_string(out, am_event_name(e->type));
        am_buf_adds(out, ",\"date\":");
        add_str(out, e->date);
        am_buf_adds(out, ",\"facility\":");
        add_str(out, e->facility);
        am_buf_adds(out, ",\"detail\":");
        add_str(out, e->detail);
        am_buf_adds(out, ",\"record_id\":");
        add_id(out, e->record_id);
        am_buf_adds(out, ",\"source\":");
        add_str(out, e->source);
        am_buf_addc(out, '}');
    }
    am_buf_addc(out, ']');
    add_key(out, "charges", &first);
    am_buf_addc(out, '[');
    for (size_t i = 0; i < f.n_charges; i++) {
        const struct am_fact_charge *c = &f.charges[i];
        am_buf_adds(out, i ? ",{\"raw\":" : "{\"raw\":");
        add_str(out, c->raw);
        am_buf_adds(out, ",\"class\":");
        add_str(out, c->class_name);
        am_buf_adds(out, ",\"certainty\":");
        add_str(out, c->certainty);
        am_buf_adds(out, ",\"law_ref\":");
        add_str(out, c->law_ref);
        am_buf_adds(out, ",\"record_id\":");
        add_id(out, c->record_id);
        am_buf_addc(out, '}');
    }
    am_buf_addc(out, ']');
    add_key(out, "measures", &first);
    am_buf_addc(out, '[');
    for (size_t i = 0; i < f.n_measures; i++) {
        const struct am_fact_measure *m = &f.measures[i];
        am_buf_adds(out, i ? ",{\"type\":" : "{\"type\":");
        add_str(out, m->type);
        am_buf_adds(out, ",\"raw\":");
        add_str(out, m->raw);
        am_buf_adds(out, ",\"imposed\":");
        add_str(out, m->imposed);
        am_buf_adds(out, ",\"lifted\":");
        add_str(out, m->lifted);
        am_buf_adds(out, ",\"record_id\":");
        add_id(out, m->record_id);
        am_buf_addc(out, '}');
    }
    am_buf_addc(out, ']');
    /* Categories: each once, in name order. */
    add_key(out, "categories", &first);
    am_buf_addc(out, '[');
    const char **cats = am_malloc((f.n_categories ? f.n_categories : 1) * sizeof(*cats));
    for (size_t i = 0; i < f.n_categories; i++)
        cats[i] = f.categories[i].category;
    qsort(cats, f.n_categories, sizeof(*cats), cmp_str);
    for (size_t i = 0, n = 0; i < f.n_categories; i++) {
        if (i && strcmp(cats[i], cats[i - 1]) == 0)
            continue;
        if (n++)
            am_buf_addc(out, ',');
        am_buf_add_json_string(out, cats[i]);
    }
    am_free(cats);
    am_buf_adds(out, "]}");
    return 0;
}
