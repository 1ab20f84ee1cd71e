/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reports over a whole population: counts of verdicts by outcome, deciding rule, status,
 * category, facility and state, and the comparison of two laws (a cross-tabulation and
 * the people whose outcome differs, grouped by the pair of rules that decided). The
 * command line only prints what these compute.
 */
#include "law_int.h"

#include <stdlib.h>
#include <string.h>

void am_law_summary_init(struct am_law_summary *s) { am_strmap_init(&s->counts); }
void am_law_summary_release(struct am_law_summary *s) { am_strmap_release(&s->counts); }

static void count(struct am_law_summary *s, const char *dim, const char *value, int outcome)
{
    char key[512];
    snprintf(key, sizeof(key), "%s\t%s\t%d", dim, value ? value : "(unknown)", outcome);
    am_strmap_add(&s->counts, key, 1);
}

void am_law_summary_add(struct am_law_summary *s, const struct am_law *law,
                        const struct am_law_person *p, const struct am_law_verdict *v)
{
    char reason[256];
    const struct am__law_rule *r = &law->rules[v->decider];
    snprintf(reason, sizeof(reason), "%s (art. %s)", r->id, r->cites);
    count(s, "outcome", am_outcome_name(v->outcome), v->outcome);
    count(s, "reason", reason, v->outcome);
    count(s, "status", am_status_name(p->facts.status), v->outcome);
    if (!p->facts.categories)
        count(s, "category", "(none recorded)", v->outcome);
    for (int c = 0; c < AM__CAT_COUNT; c++)
        if ((p->facts.categories >> c) & 1)
            count(s, "category", am_category_name(c), v->outcome);
    count(s, "facility", p->facility, v->outcome);
    count(s, "state", p->state, v->outcome);
}

static const char *const dims[] = {"outcome", "reason", "status", "category", "facility", "state"};

static int dim_index(const char *d)
{
    for (int i = 0; i < 6; i++)
        if (strcmp(dims[i], d) == 0)
            return i;
    return 6;
}

static int row_cmp(const void *x, const void *y)
{
    const struct am_law_summary_row *a = x, *b = y;
    int da = dim_index(a->dimension), db = dim_index(b->dimension);
    if (da != db)
        return da - db;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->value, b->value);
}

struct am_law_summary_row *am_law_summary_rows(const struct am_law_summary *s, size_t *n)
{
    AM_VEC(struct am_law_summary_row) rows = {0};
    struct am_strmap index;
    am_strmap_init(&index);
    const char *key;
    int64_t v;
    for (size_t it = 0; am_strmap_next(&s->counts, &it, &key, &v);) {
        const char *t1 = strchr(key, '\t');
        const char *t2 = t1 ? strrchr(key, '\t') : NULL;
        if (!t1 || t2 == t1)
            continue;
        int outcome = t2[1] - '0';
        char dv[512];
        snprintf(dv, sizeof(dv), "%.*s", (int)(t2 - key), key);
        int64_t at;
        if (!am_strmap_get(&index, dv, &at)) {
            struct am_law_summary_row r;
            memset(&r, 0, sizeof(r));
            /* Strings point into the summary's own key storage: dimension and value are
             * cut from key, so copy them once into the summary's map as keys. */
            r.dimension = key;
            r.value = t1 + 1;
            at = (int64_t)rows.n;
            AM_VEC_PUSH(&rows, r);
            am_strmap_put(&index, dv, at);
        }
        if (outcome >= 0 && outcome < 3)
            rows.v[at].n[outcome] += v;
        rows.v[at].total += v;
    }
    am_strmap_release(&index);
    /* Keys hold "dim\tvalue\toutcome": give each row NUL-terminated copies, kept in one
     * block after the rows so that a single am_free releases everything. */
    size_t bytes = rows.n * sizeof(struct am_law_summary_row);
    size_t extra = 0;
    for (size_t i = 0; i < rows.n; i++)
        extra += strlen(rows.v[i].dimension) + 2;
    struct am_law_summary_row *out = am_malloc(bytes + extra + 1);
    if (rows.n)
        memcpy(out, rows.v, bytes);
    char *str = (char *)out + bytes;
    for (size_t i = 0; i < rows.n; i++) {
        const char *k = rows.v[i].dimension;
        const char *t1 = strchr(k, '\t'), *t2 = strrchr(k, '\t');
        size_t dl = (size_t)(t1 - k), vl = (size_t)(t2 - t1 - 1);
        memcpy(str, k, dl);
        str[dl] = '\0';
        out[i].dimension = str;
        str += dl + 1;
        memcpy(str, t1 + 1, vl);
        str[vl] = '\0';
        out[i].value = str;
        str += vl + 1;
    }
    *n = rows.n;
    AM_VEC_FREE(&rows);
    qsort(out, *n, sizeof(*out), row_cmp);
    return out;
}

static int group_cmp(const void *x, const void *y)
{
    const struct am_law_diff_group *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->example_person < b->example_person ? -1 : a->example_person > b->example_person;
}

void am_law_diff_run(const struct am_law *a, const struct am_law *b,
                     const struct am_law_population *pop, int status_filter,
                     struct am_law_diff *out)
{
    memset(out, 0, sizeof(*out));
    AM_VEC(struct am_law_diff_group) groups = {0};
    struct am_strmap index;
    am_strmap_init(&index);
    for (size_t i = 0; i < pop->n; i++) {
        const struct am_law_person *p = &pop->v[i];
        if (status_filter >= 0 && p->facts.status != status_filter)
            continue;
        struct am_law_verdict va, vb;
        am_law_eval(a, &p->facts, &va);
        am_law_eval(b, &p->facts, &vb);
        out->crosstab[va.outcome][vb.outcome]++;
        if (va.outcome == vb.outcome)
            continue;
        char key[64];
        snprintf(key, sizeof(key), "%u/%u/%u/%u", va.outcome, va.decider, vb.outcome, vb.decider);
        int64_t at;
        if (!am_strmap_get(&index, key, &at)) {
            struct am_law_diff_group g = {va.outcome, vb.outcome, va.decider, vb.decider, 0, p->id};
            at = (int64_t)groups.n;
            AM_VEC_PUSH(&groups, g);
            am_strmap_put(&index, key, at);
        }
        groups.v[at].count++;
    }
    am_strmap_release(&index);
    if (groups.n)
        qsort(groups.v, groups.n, sizeof(*groups.v), group_cmp);
    out->groups = groups.v;
    out->n_groups = groups.n;
}

void am_law_diff_release(struct am_law_diff *d)
{
    am_free(d->groups);
    memset(d, 0, sizeof(*d));
}
