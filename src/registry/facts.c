/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reading facts: a person's events, charges, measures and categories, derived at read
 * time from each of its records (am_record_events and the catalogs, the same pure
 * functions the import checks a row with) and joined with the few facts stored because
 * no record gives them (events added by hand or from a court's file). One person, one
 * record, or every person in person order as a stream. Every reader of facts uses this.
 */
#include "amnistia/registry.h"

#include <stdlib.h>
#include <string.h>

/* ---- SQL ---------------------------------------------------------------------------------- */

/* The columns a record's facts are derived from; column 0 is the person id. */
#define REC_COLS                                                                           \
    " r.id, n.source_id, s.name, n.as_of, r.arrest_date, r.arrest_place, r.facility,"     \
    " r.status, r.status_event, r.status_date, r.release_date, r.charges, r.measures,"    \
    " r.categories"
#define REC_JOIN                                                                           \
    " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"

/* Stored facts: the record they cite (if any) gives the source and list date. */
#define CITE_JOIN(t)                                                                        \
    " LEFT JOIN record r ON r.id = " t ".record_id LEFT JOIN snapshot n ON n.id = r.snapshot_id"
#define EV_SELECT                                                                          \
    "SELECT e.person_id, e.id, e.type, e.date, e.facility, e.detail,"                      \
    " coalesce(e.record_id, 0), coalesce(e.source_id, n.source_id, 0), s.name, n.as_of,"   \
    " r.release_date, r.status_date, r.arrest_date"                                        \
    " FROM event e" CITE_JOIN("e")                                                        \
    " LEFT JOIN source s ON s.id = coalesce(e.source_id, n.source_id)"
#define CH_SELECT                                                                          \
    "SELECT c.person_id, c.raw, c.class, c.law_ref, c.certainty, coalesce(c.record_id, 0),"\
    " coalesce(n.source_id, 0), s.name, n.as_of"                                           \
    " FROM charge c" CITE_JOIN("c") " LEFT JOIN source s ON s.id = n.source_id"
#define ME_SELECT                                                                          \
    "SELECT m.person_id, m.type, m.raw, m.imposed, m.lifted, coalesce(m.record_id, 0),"    \
    " coalesce(n.source_id, 0), s.name, n.as_of"                                           \
    " FROM measure m" CITE_JOIN("m") " LEFT JOIN source s ON s.id = n.source_id"
#define CA_SELECT                                                                          \
    "SELECT c.person_id, c.category, coalesce(c.record_id, 0), coalesce(n.source_id, 0),"  \
    " s.name, n.as_of FROM category c" CITE_JOIN("c") " LEFT JOIN source s ON s.id = n.source_id"

enum { Q_REC, Q_EV, Q_CH, Q_ME, Q_CA, Q__COUNT };

static const char *const sql_person[Q__COUNT] = {
    [Q_REC] = "SELECT rp.person_id," REC_COLS " FROM record_person rp"
              " JOIN record r ON r.id = rp.record_id" REC_JOIN
              " WHERE rp.person_id = ?1 ORDER BY rp.record_id",
    [Q_EV] = EV_SELECT " WHERE e.person_id = ?1 ORDER BY e.id",
    [Q_CH] = CH_SELECT " WHERE c.person_id = ?1 ORDER BY c.id",
    [Q_ME] = ME_SELECT " WHERE m.person_id = ?1 ORDER BY m.id",
    [Q_CA] = CA_SELECT " WHERE c.person_id = ?1 ORDER BY c.rowid",
};

static const char *const sql_record[Q__COUNT] = {
    [Q_REC] = "SELECT coalesce(rp.person_id, 0)," REC_COLS " FROM record r" REC_JOIN
              " LEFT JOIN record_person rp ON rp.record_id = r.id WHERE r.id = ?1",
    [Q_EV] = EV_SELECT " WHERE e.record_id = ?1 ORDER BY e.id",
    [Q_CH] = CH_SELECT " WHERE c.record_id = ?1 ORDER BY c.id",
    [Q_ME] = ME_SELECT " WHERE m.record_id = ?1 ORDER BY m.id",
    [Q_CA] = CA_SELECT " WHERE c.record_id = ?1 ORDER BY c.rowid",
};

/* In person order: record_person's index on person_id holds record ids in order too. */
static const char *const sql_scan[Q__COUNT] = {
    [Q_REC] = "SELECT rp.person_id," REC_COLS " FROM record_person rp"
              " JOIN record r ON r.id = rp.record_id" REC_JOIN
              " ORDER BY rp.person_id, rp.record_id",
    [Q_EV] = EV_SELECT " ORDER BY e.person_id, e.id",
    [Q_CH] = CH_SELECT " ORDER BY c.person_id, c.id",
    [Q_ME] = ME_SELECT " ORDER BY m.person_id, m.id",
    [Q_CA] = CA_SELECT " ORDER BY c.person_id, c.rowid",
};

/* ---- accumulating one person's facts ------------------------------------------------------ */

/* Strings of the facts returned live in the arena, released every RECYCLE reads: memory
 * stays flat and no read pays for a block allocation. */
#define RECYCLE 256

struct acc {
    struct am_arena arena;
    int reads;
    AM_VEC(struct am_fact_event) ev;
    AM_VEC(struct am_fact_charge) ch;
    AM_VEC(struct am_fact_measure) me;
    AM_VEC(struct am_fact_category) ca;
    size_t n_records;
    struct am_catalog *catalog;
    /* the last source name seen: consecutive records mostly share one */
    int64_t last_source_id;
    const char *last_source;
};

static int acc_init(struct acc *a, struct am_err *err)
{
    memset(a, 0, sizeof(*a));
    am_arena_init(&a->arena);
    a->catalog = am_catalog_load(err);
    return a->catalog ? 0 : -1;
}

static void acc_release(struct acc *a)
{
    am_arena_release(&a->arena);
    AM_VEC_FREE(&a->ev);
    AM_VEC_FREE(&a->ch);
    AM_VEC_FREE(&a->me);
    AM_VEC_FREE(&a->ca);
    if (a->catalog)
        am_catalog_free(a->catalog);
}

static void acc_start(struct acc *a)
{
    if (++a->reads >= RECYCLE) {
        am_arena_release(&a->arena);
        a->reads = 0;
        a->last_source_id = 0;
        a->last_source = NULL;
    }
    a->ev.n = a->ch.n = a->me.n = a->ca.n = 0;
    a->n_records = 0;
}

static const char *dup(struct acc *a, struct am_stmt *st, int col)
{
    return am_arena_strdup(&a->arena, am_stmt_text(st, col));
}

static const char *source_name(struct acc *a, int64_t id, struct am_stmt *st, int col)
{
    if (id && id == a->last_source_id && a->last_source)
        return a->last_source;
    const char *s = dup(a, st, col);
    a->last_source_id = id;
    a->last_source = s;
    return s;
}

/* The catalog's certainty is a word such as "likely" followed by a note: the word. */
static const char *first_word(struct am_arena *arena, const char *s)
{
    return s ? am_arena_strndup(arena, s, strcspn(s, " (")) : NULL;
}

static int same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* One record row (columns from c0 on, in REC_COLS order): its derived facts. */
static void add_record(struct acc *a, struct am_stmt *st, int c0)
{
    struct am_arena *ar = &a->arena;
    int64_t record_id = am_stmt_int64(st, c0), source_id = am_stmt_int64(st, c0 + 1);
    const char *source = source_name(a, source_id, st, c0 + 2);
    const char *as_of = dup(a, st, c0 + 3);
    struct am_record_dates rec;
    memset(&rec, 0, sizeof(rec));
    rec.arrest_date = dup(a, st, c0 + 4);
    rec.arrest_place = dup(a, st, c0 + 5);
    rec.facility = dup(a, st, c0 + 6);
    const char *status = am_stmt_text(st, c0 + 7), *status_event = am_stmt_text(st, c0 + 8);
    rec.status = status ? am_status_from_name(status) : -1;
    rec.status_event = status_event ? am_event_from_name(status_event) : -1;
    rec.status_date = dup(a, st, c0 + 9);
    rec.release_date = dup(a, st, c0 + 10);
    const char *charges = am_stmt_text(st, c0 + 11), *measures = am_stmt_text(st, c0 + 12),
               *categories = am_stmt_text(st, c0 + 13);
    a->n_records++;

    if (charges) {
        const char **items;
        size_t n = am_catalog_split_charges(a->catalog, ar, charges, &items);
        for (size_t i = 0; i < n; i++) {
            struct am_record_charge c;
            am_catalog_charge(a->catalog, items[i], &c);
            struct am_fact_charge f = {items[i], c.class_name, c.law_ref,
                                       first_word(ar, c.certainty), record_id, source_id,
                                       source, as_of};
            AM_VEC_PUSH(&a->ch, f);
        }
    }
    if (measures) {
        const char **items;
        size_t n = am_catalog_split_measures(a->catalog, ar, measures, &items);
        rec.n_measures = n;
        for (size_t i = 0; i < n; i++) {
            struct am_record_measure m;
            am_catalog_measure(a->catalog, items[i], &m);
            struct am_fact_measure f = {m.type,    items[i],  rec.release_date, NULL,
                                        record_id, source_id, source,           as_of};
            AM_VEC_PUSH(&a->me, f);
        }
    }
    if (categories) {
        const char **items;
        size_t n = am_split_list(ar, categories, &items);
        for (size_t i = 0; i < n; i++) {
            struct am_fact_category f = {items[i], record_id, source_id, source, as_of};
            AM_VEC_PUSH(&a->ca, f);
        }
    }
    struct am_record_event ev[3];
    size_t n = am_record_events(rec, as_of, ev);
    for (size_t i = 0; i < n; i++) {
        const char *d = ev[i].date;
        int by_list = as_of && same(d, as_of) && !same(rec.release_date, d) &&
                      !same(rec.status_date, d) && !same(rec.arrest_date, d);
        struct am_fact_event f = {(enum am_event_type)ev[i].type,
                                  d,
                                  ev[i].facility,
                                  ev[i].detail,
                                  record_id,
                                  0,
                                  source_id,
                                  source,
                                  as_of,
                                  by_list,
                                  record_id * 4 + (int64_t)i};
        AM_VEC_PUSH(&a->ev, f);
    }
}

/* Stored rows (columns from 1 on, after the person id). */
static void add_stored_event(struct acc *a, struct am_stmt *st)
{
    int type = am_event_from_name(am_stmt_text(st, 2));
    if (type < 0)
        return; /* a type this build does not know changes nothing it derives */
    int64_t id = am_stmt_int64(st, 1);
    const char *date = dup(a, st, 3), *as_of = am_stmt_text(st, 9);
    int by_list = as_of && same(date, as_of) && !same(am_stmt_text(st, 10), date) &&
                  !same(am_stmt_text(st, 11), date) && !same(am_stmt_text(st, 12), date);
    struct am_fact_event f = {(enum am_event_type)type,
                              date,
                              dup(a, st, 4),
                              dup(a, st, 5),
                              am_stmt_int64(st, 6),
                              id,
                              am_stmt_int64(st, 7),
                              dup(a, st, 8),
                              dup(a, st, 9),
                              by_list,
                              ((int64_t)1 << 40) + id};
    AM_VEC_PUSH(&a->ev, f);
}

static void add_stored_charge(struct acc *a, struct am_stmt *st)
{
    struct am_fact_charge f = {dup(a, st, 1),         dup(a, st, 2),         dup(a, st, 3),
                               first_word(&a->arena, am_stmt_text(st, 4)),
                               am_stmt_int64(st, 5),  am_stmt_int64(st, 6),  dup(a, st, 7),
                               dup(a, st, 8)};
    AM_VEC_PUSH(&a->ch, f);
}

static void add_stored_measure(struct acc *a, struct am_stmt *st)
{
    struct am_fact_measure f = {dup(a, st, 1),        dup(a, st, 2),        dup(a, st, 3),
                                dup(a, st, 4),        am_stmt_int64(st, 5), am_stmt_int64(st, 6),
                                dup(a, st, 7),        dup(a, st, 8)};
    AM_VEC_PUSH(&a->me, f);
}

static void add_stored_category(struct acc *a, struct am_stmt *st)
{
    struct am_fact_category f = {dup(a, st, 1), am_stmt_int64(st, 2), am_stmt_int64(st, 3),
                                 dup(a, st, 4), dup(a, st, 5)};
    AM_VEC_PUSH(&a->ca, f);
}

static void add_row(struct acc *a, int q, struct am_stmt *st)
{
    switch (q) {
    case Q_REC: add_record(a, st, 1); break;
    case Q_EV: add_stored_event(a, st); break;
    case Q_CH: add_stored_charge(a, st); break;
    case Q_ME: add_stored_measure(a, st); break;
    default: add_stored_category(a, st); break;
    }
}

static int by_date(const void *x, const void *y)
{
    const struct am_fact_event *a = x, *b = y;
    if (!a->date != !b->date)
        return a->date ? -1 : 1;
    if (a->date) {
        int c = strcmp(a->date, b->date);
        if (c)
            return c;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void acc_finish(struct acc *a, int64_t person_id, struct am_facts *out)
{
    if (a->ev.n > 1)
        qsort(a->ev.v, a->ev.n, sizeof(*a->ev.v), by_date);
    out->person_id = person_id;
    out->n_records = a->n_records;
    out->events = a->ev.v;
    out->n_events = a->ev.n;
    out->charges = a->ch.v;
    out->n_charges = a->ch.n;
    out->measures = a->me.v;
    out->n_measures = a->me.n;
    out->categories = a->ca.v;
    out->n_categories = a->ca.n;
}

struct am_event_fact *am_facts_event_facts(const struct am_facts *f)
{
    struct am_event_fact *v = am_malloc((f->n_events ? f->n_events : 1) * sizeof(*v));
    for (size_t i = 0; i < f->n_events; i++)
        v[i] = (struct am_event_fact){f->events[i].type, f->events[i].date, f->events[i].seq};
    return v;
}

/* ---- one person or one record ------------------------------------------------------------- */

struct am_facts_reader {
    struct acc acc;
    struct am_stmt *person[Q__COUNT], *record[Q__COUNT];
};

void am_facts_reader_free(struct am_facts_reader *r)
{
    if (!r)
        return;
    for (int q = 0; q < Q__COUNT; q++) {
        am_stmt_finalize(r->person[q]);
        am_stmt_finalize(r->record[q]);
    }
    acc_release(&r->acc);
    am_free(r);
}

struct am_facts_reader *am_facts_reader_new(struct am_store *store, struct am_err *err)
{
    struct am_facts_reader *r = am_calloc(1, sizeof(*r));
    if (acc_init(&r->acc, err))
        goto fail;
    for (int q = 0; q < Q__COUNT; q++)
        if (!(r->person[q] = am_stmt_prepare(store, sql_person[q], err)) ||
            !(r->record[q] = am_stmt_prepare(store, sql_record[q], err)))
            goto fail;
    return r;
fail:
    am_facts_reader_free(r);
    return NULL;
}

static int read_one(struct am_facts_reader *r, struct am_stmt *const *q, int64_t id,
                    int64_t person_id, struct am_facts *out, struct am_err *err)
{
    acc_start(&r->acc);
    for (int i = 0; i < Q__COUNT; i++) {
        struct am_stmt *st = q[i];
        am_stmt_reset(st);
        if (am_stmt_bind_int64(st, 1, id, err))
            return -1;
        int rc;
        while ((rc = am_stmt_step(st, err)) == 1) {
            if (i == Q_REC && person_id < 0)
                person_id = am_stmt_int64(st, 0);
            add_row(&r->acc, i, st);
        }
        am_stmt_reset(st);
        if (rc < 0)
            return -1;
    }
    acc_finish(&r->acc, person_id < 0 ? 0 : person_id, out);
    return 0;
}

int am_facts_person(struct am_facts_reader *r, int64_t person_id, struct am_facts *out,
                    struct am_err *err)
{
    return read_one(r, r->person, person_id, person_id, out, err);
}

int am_facts_record(struct am_facts_reader *r, int64_t record_id, struct am_facts *out,
                    struct am_err *err)
{
    return read_one(r, r->record, record_id, -1, out, err);
}

/* ---- every person, in order --------------------------------------------------------------- */

struct am_facts_scan {
    struct acc acc;
    struct am_stmt *q[Q__COUNT];
    int rc[Q__COUNT]; /* 1: a row is waiting, 0: the stream is done */
};

void am_facts_scan_free(struct am_facts_scan *s)
{
    if (!s)
        return;
    for (int q = 0; q < Q__COUNT; q++)
        am_stmt_finalize(s->q[q]);
    acc_release(&s->acc);
    am_free(s);
}

struct am_facts_scan *am_facts_scan_new(struct am_store *store, struct am_err *err)
{
    struct am_facts_scan *s = am_calloc(1, sizeof(*s));
    if (acc_init(&s->acc, err))
        goto fail;
    for (int q = 0; q < Q__COUNT; q++) {
        if (!(s->q[q] = am_stmt_prepare(store, sql_scan[q], err)))
            goto fail;
        if ((s->rc[q] = am_stmt_step(s->q[q], err)) < 0)
            goto fail;
    }
    return s;
fail:
    am_facts_scan_free(s);
    return NULL;
}

int am_facts_scan_next(struct am_facts_scan *s, struct am_facts *out, struct am_err *err)
{
    int64_t pid = 0;
    int any = 0;
    for (int q = 0; q < Q__COUNT; q++)
        if (s->rc[q] == 1) {
            int64_t p = am_stmt_int64(s->q[q], 0);
            if (!any || p < pid)
                pid = p;
            any = 1;
        }
    if (!any)
        return 0;
    acc_start(&s->acc);
    for (int q = 0; q < Q__COUNT; q++) {
        struct am_stmt *st = s->q[q];
        while (s->rc[q] == 1 && am_stmt_int64(st, 0) == pid) {
            add_row(&s->acc, q, st);
            s->rc[q] = am_stmt_step(st, err);
        }
        if (s->rc[q] < 0)
            return -1;
    }
    acc_finish(&s->acc, pid, out);
    return 1;
}
