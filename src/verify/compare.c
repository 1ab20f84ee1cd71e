/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * compare: two lists (snapshots, or every snapshot of a source) person by person. Who is
 * on both, who only on one, and for those on both the facts their latest records
 * disagree on (status, arrest and release dates, facility, charges), with the records
 * behind each. A fact missing on one side is not a disagreement: lists omit a lot.
 */
#include "verify_int.h"

#include "amnistia/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct side_rec {
    int64_t person_id, record_id;
    const char *list_id, *name, *status, *arrest, *release, *facility, *charges_raw;
    size_t n;
};

struct side {
    struct side_rec *v;
    size_t n, cap;
    struct am_strmap index; /* "p<person>" or "r<record>" -> position */
};

static const char sql_side[] =
    "SELECT r.id, coalesce(rp.person_id, 0), r.list_id, r.full_name, r.status,"
    " r.arrest_date, r.release_date, r.facility, r.charges"
    " FROM record r JOIN snapshot n ON n.id = r.snapshot_id"
    " LEFT JOIN record_person rp ON rp.record_id = r.id"
    " WHERE (?1 = 0 AND n.source_id = ?2) OR n.id = ?1"
    " ORDER BY coalesce(n.as_of, substr(n.imported_at, 1, 10)), n.id, r.row_no";

static void key_of(const struct side_rec *r, char key[32])
{
    if (r->person_id)
        snprintf(key, 32, "p%lld", (long long)r->person_id);
    else
        snprintf(key, 32, "r%lld", (long long)r->record_id);
}

static int load_side(struct am_store *store, const struct am_verify_list *l, struct side *s,
                     struct am_arena *a, struct am_err *err)
{
    struct am_stmt *st = am_stmt_prepare(store, sql_side, err);
    if (!st || am_stmt_bind_int64(st, 1, l->whole_source ? 0 : l->snapshot_id, err) < 0 ||
        am_stmt_bind_int64(st, 2, l->source_id, err) < 0) {
        am_stmt_finalize(st);
        return -1;
    }
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct side_rec r = {
            .record_id = am_stmt_int64(st, 0),
            .person_id = am_stmt_int64(st, 1),
            .list_id = am_arena_strdup(a, am_stmt_text(st, 2)),
            .name = am_arena_strdup(a, am_stmt_text(st, 3)),
            .status = am_arena_strdup(a, am_stmt_text(st, 4)),
            .arrest = am_arena_strdup(a, am_stmt_text(st, 5)),
            .release = am_arena_strdup(a, am_stmt_text(st, 6)),
            .facility = am_arena_strdup(a, am_stmt_text(st, 7)),
            .charges_raw = am_arena_strdup(a, am_stmt_text(st, 8)),
            .n = 1,
        };
        char key[32];
        key_of(&r, key);
        int64_t at;
        if (am_strmap_get(&s->index, key, &at)) {
            /* Ordered by date: the later record of the same person speaks for it. */
            r.n = s->v[at].n + 1;
            s->v[at] = r;
        } else {
            am_strmap_put(&s->index, key, (int64_t)s->n);
            AM_VEC_PUSH(s, r);
        }
    }
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* The status a record states: from its own events when import made them, else its word. */
static int record_status(struct am_facts_reader *fr, const struct side_rec *r,
                         struct am_arena *a, const char **out, struct am_err *err)
{
    struct am_facts f;
    if (am_facts_record(fr, r->record_id, &f, err) < 0)
        return -1;
    AM_VEC(struct am__vev) ev = {0};
    for (size_t i = 0; i < f.n_events; i++) {
        struct am__vev e = {
            .type = (int)f.events[i].type,
            .date = am_arena_strdup(a, f.events[i].date),
            .seq = f.events[i].seq,
        };
        AM_VEC_PUSH(&ev, e);
    }
    enum am_status s = am__verify_derive(ev.v, ev.n, NULL, NULL);
    AM_VEC_FREE(&ev);
    *out = s != AM_STATUS_UNKNOWN ? am__verify_status_name(s) : r->status;
    return 0;
}

static int cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * A record's charges as a sorted set: catalog classes when the charge table has them,
 * else the raw `;`-separated texts lower-cased. *by_class says which.
 */
static int record_charges(struct am_facts_reader *fr, const struct side_rec *r,
                          struct am_arena *a, const char **out, int *by_class,
                          struct am_err *err)
{
    struct am_facts f;
    if (am_facts_record(fr, r->record_id, &f, err) < 0)
        return -1;
    AM_VEC(char *) items = {0};
    for (size_t i = 0; i < f.n_charges; i++)
        AM_VEC_PUSH(&items, am_arena_strdup(a, f.charges[i].class_name));
    *by_class = items.n > 0;
    if (!items.n && r->charges_raw) {
        const char *p = r->charges_raw;
        while (*p) {
            size_t len = strcspn(p, ";");
            const char *b = p, *e = p + len;
            while (b < e && isspace((unsigned char)*b))
                b++;
            while (e > b && isspace((unsigned char)e[-1]))
                e--;
            if (e > b) {
                char *item = am_arena_strndup(a, b, (size_t)(e - b));
                for (char *c = item; *c; c++)
                    *c = (char)tolower((unsigned char)*c);
                AM_VEC_PUSH(&items, item);
            }
            p += len + (p[len] == ';');
        }
    }
    if (items.n)
        qsort(items.v, items.n, sizeof(items.v[0]), cmp_cstr);
    struct am_buf buf;
    am_buf_init(&buf);
    for (size_t i = 0; i < items.n; i++)
        if (i == 0 || strcmp(items.v[i], items.v[i - 1]) != 0)
            am_buf_addf(&buf, "%s%s", buf.len ? ";" : "", items.v[i]);
    *out = items.n ? am_arena_strdup(a, buf.ptr) : NULL;
    am_buf_release(&buf);
    AM_VEC_FREE(&items);
    return 0;
}

/* The same text as people write it: case, accents, punctuation and blanks do not
 * matter ("TOCORON" and "Tocorón", "Rodeo I" and "RODEO I."), and a facility is compared
 * by its key (am_facility_key: "El Helicoide" and "Helicoide", "INOF (Los Teques)" and
 * "INOF", "Rodeo I" and "Rodeo 1"). */
static int same_text(const char *x, const char *y, int facility)
{
    struct am_buf bx, by;
    am_buf_init(&bx);
    am_buf_init(&by);
    if (facility) {
        am_facility_key(x, &bx);
        am_facility_key(y, &by);
    } else {
        am_name_normalize(x, &bx);
        am_name_normalize(y, &by);
    }
    int same = strcmp(bx.len ? bx.ptr : "", by.len ? by.ptr : "") == 0;
    am_buf_release(&bx);
    am_buf_release(&by);
    return same;
}

static struct am_compare_entry entry(const struct side_rec *r)
{
    struct am_compare_entry e = {.person_id = r->person_id,
                                 .record_id = r->record_id,
                                 .list_id = r->list_id,
                                 .name = r->name,
                                 .n_records = r->n};
    return e;
}

static int compare_pair(struct am_compare *out, struct am_facts_reader *fr,
                        const struct side_rec *x, const struct side_rec *y,
                        struct am_compare_disagreement **dv, size_t *dn, size_t *dcap,
                        struct am_err *err)
{
    struct am_arena *a = &out->arena;
    const char *va[AM__CMP_COUNT] = {0}, *vb[AM__CMP_COUNT] = {0};
    int class_a = 0, class_b = 0;
    if (record_status(fr, x, a, &va[AM_CMP_STATUS], err) < 0 ||
        record_status(fr, y, a, &vb[AM_CMP_STATUS], err) < 0 ||
        record_charges(fr, x, a, &va[AM_CMP_CHARGES], &class_a, err) < 0 ||
        record_charges(fr, y, a, &vb[AM_CMP_CHARGES], &class_b, err) < 0)
        return -1;
    va[AM_CMP_ARREST_DATE] = x->arrest;
    vb[AM_CMP_ARREST_DATE] = y->arrest;
    va[AM_CMP_RELEASE_DATE] = x->release;
    vb[AM_CMP_RELEASE_DATE] = y->release;
    va[AM_CMP_FACILITY] = x->facility;
    vb[AM_CMP_FACILITY] = y->facility;
    if (class_a != class_b) /* classes on one side, raw text on the other: not comparable */
        va[AM_CMP_CHARGES] = vb[AM_CMP_CHARGES] = NULL;
    for (int f = 0; f < AM__CMP_COUNT; f++) {
        if (!va[f] || !vb[f] || !*va[f] || !*vb[f] || same_text(va[f], vb[f], f == AM_CMP_FACILITY))
            continue;
        struct am_compare_disagreement d = {
            .person_id = x->person_id,
            .fact = (enum am_compare_fact)f,
            .a_value = va[f],
            .b_value = vb[f],
            .a_record = x->record_id,
            .b_record = y->record_id,
        };
        if (*dn == *dcap) {
            *dcap = *dcap ? *dcap * 2 : 16;
            *dv = am_realloc(*dv, *dcap * sizeof(**dv));
        }
        (*dv)[(*dn)++] = d;
        out->fact_count[f]++;
    }
    return 0;
}

int am_compare_run(struct am_store *store, const struct am_verify_list *a,
                   const struct am_verify_list *b, struct am_compare *out, struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    am_arena_init(&out->arena);
    out->a = *a;
    out->b = *b;
    struct side sa = {0}, sb = {0};
    am_strmap_init(&sa.index);
    am_strmap_init(&sb.index);
    struct am_facts_reader *fr = NULL;
    struct am_compare_disagreement *dv = NULL;
    size_t dn = 0, dcap = 0;
    int rc = -1;
    if (load_side(store, a, &sa, &out->arena, err) < 0 ||
        load_side(store, b, &sb, &out->arena, err) < 0)
        goto done;
    /* Each record's own events and charges: registry/'s facts, derived from it. */
    fr = am_facts_reader_new(store, err);
    if (!fr)
        goto done;

    size_t cap = sa.n > sb.n ? sa.n : sb.n;
    out->both_a = am_arena_alloc(&out->arena, (cap + 1) * sizeof(*out->both_a));
    out->both_b = am_arena_alloc(&out->arena, (cap + 1) * sizeof(*out->both_b));
    out->only_a = am_arena_alloc(&out->arena, (sa.n + 1) * sizeof(*out->only_a));
    out->only_b = am_arena_alloc(&out->arena, (sb.n + 1) * sizeof(*out->only_b));
    for (size_t i = 0; i < sa.n; i++) {
        char key[32];
        key_of(&sa.v[i], key);
        int64_t at;
        if (!am_strmap_get(&sb.index, key, &at)) {
            out->only_a[out->n_only_a++] = entry(&sa.v[i]);
            continue;
        }
        out->both_a[out->n_both] = entry(&sa.v[i]);
        out->both_b[out->n_both] = entry(&sb.v[at]);
        out->n_both++;
        if (compare_pair(out, fr, &sa.v[i], &sb.v[at], &dv, &dn, &dcap, err) < 0)
            goto done;
    }
    for (size_t i = 0; i < sb.n; i++) {
        char key[32];
        key_of(&sb.v[i], key);
        int64_t at;
        if (!am_strmap_get(&sa.index, key, &at))
            out->only_b[out->n_only_b++] = entry(&sb.v[i]);
    }
    if (dn) {
        out->disagreements = am_arena_alloc(&out->arena, dn * sizeof(*dv));
        memcpy(out->disagreements, dv, dn * sizeof(*dv));
        out->n_disagreements = dn;
    }
    /* fact_count counts persons: a person disagrees on a fact at most once. */
    rc = 0;
done:
    am_free(dv);
    am_facts_reader_free(fr);
    AM_VEC_FREE(&sa);
    AM_VEC_FREE(&sb);
    am_strmap_release(&sa.index);
    am_strmap_release(&sb.index);
    return rc;
}

void am_compare_release(struct am_compare *cmp)
{
    if (!cmp)
        return;
    am_arena_release(&cmp->arena);
    memset(cmp, 0, sizeof(*cmp));
}

static void json_opt(struct am_buf *out, const char *s)
{
    if (s)
        am_buf_add_json_string(out, s);
    else
        am_buf_adds(out, "null");
}

static void json_list(struct am_buf *out, const struct am_verify_list *l)
{
    am_buf_adds(out, "{\"source\": ");
    am_buf_add_json_string(out, l->source_name);
    if (l->whole_source)
        am_buf_adds(out, ", \"snapshot\": null");
    else
        am_buf_addf(out, ", \"snapshot\": %lld", (long long)l->snapshot_id);
    am_buf_adds(out, ", \"as_of\": ");
    am_buf_add_json_string(out, l->as_of);
    am_buf_adds(out, "}");
}

static void json_entry(struct am_buf *out, const struct am_compare_entry *e)
{
    am_buf_adds(out, "{\"person_id\": ");
    if (e->person_id)
        am_buf_addf(out, "%lld", (long long)e->person_id);
    else
        am_buf_adds(out, "null");
    am_buf_addf(out, ", \"record_id\": %lld, \"list_id\": ", (long long)e->record_id);
    json_opt(out, e->list_id);
    am_buf_adds(out, ", \"name\": ");
    json_opt(out, e->name);
    am_buf_addf(out, ", \"records\": %zu}", e->n_records);
}

static void json_entries(struct am_buf *out, const struct am_compare_entry *e, size_t n)
{
    am_buf_adds(out, "[");
    for (size_t i = 0; i < n; i++) {
        am_buf_adds(out, i ? ",\n  " : "\n  ");
        json_entry(out, &e[i]);
    }
    am_buf_adds(out, "]");
}

void am_compare_write_json(const struct am_compare *cmp, struct am_buf *out)
{
    am_buf_adds(out, "{\"a\": ");
    json_list(out, &cmp->a);
    am_buf_adds(out, ", \"b\": ");
    json_list(out, &cmp->b);
    am_buf_addf(out, ",\n \"both\": %zu, \"only_a\": %zu, \"only_b\": %zu, \"disagree\": {",
                cmp->n_both, cmp->n_only_a, cmp->n_only_b);
    for (int f = 0; f < AM__CMP_COUNT; f++)
        am_buf_addf(out, "%s\"%s\": %zu", f ? ", " : "",
                    am_compare_fact_name((enum am_compare_fact)f), cmp->fact_count[f]);
    am_buf_adds(out, "},\n \"persons_only_a\": ");
    json_entries(out, cmp->only_a, cmp->n_only_a);
    am_buf_adds(out, ",\n \"persons_only_b\": ");
    json_entries(out, cmp->only_b, cmp->n_only_b);
    am_buf_adds(out, ",\n \"persons_both\": [");
    for (size_t i = 0; i < cmp->n_both; i++) {
        am_buf_adds(out, i ? ",\n  {\"a\": " : "\n  {\"a\": ");
        json_entry(out, &cmp->both_a[i]);
        am_buf_adds(out, ", \"b\": ");
        json_entry(out, &cmp->both_b[i]);
        am_buf_adds(out, "}");
    }
    am_buf_adds(out, "],\n \"disagreements\": [");
    for (size_t i = 0; i < cmp->n_disagreements; i++) {
        const struct am_compare_disagreement *d = &cmp->disagreements[i];
        am_buf_adds(out, i ? ",\n  {\"person_id\": " : "\n  {\"person_id\": ");
        if (d->person_id)
            am_buf_addf(out, "%lld", (long long)d->person_id);
        else
            am_buf_adds(out, "null");
        am_buf_addf(out, ", \"fact\": \"%s\", \"a\": ", am_compare_fact_name(d->fact));
        am_buf_add_json_string(out, d->a_value);
        am_buf_addf(out, ", \"a_record\": %lld, \"b\": ", (long long)d->a_record);
        am_buf_add_json_string(out, d->b_value);
        am_buf_addf(out, ", \"b_record\": %lld}", (long long)d->b_record);
    }
    am_buf_adds(out, "]}\n");
}
