/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Capture histories from the registry: which sources found each linked person, for a
 * closed population the user defines (detained on a date, or arrested in a period), in
 * total and by stratum. Status comes from registry's am_status_derive, never from a
 * list's word. It only reads; it does not estimate.
 */
#include "amnistia/estimate.h"

#include <stdlib.h>
#include <string.h>

#include "amnistia/registry.h"

static int valid_date(const char *s, size_t len)
{
    int32_t d;
    return am_iso_date_parse(s, len, &d) == 0;
}

int am_mse_population_parse(const char *spec, struct am_mse_population *p, struct am_err *err)
{
    memset(p, 0, sizeof(*p));
    if (strncmp(spec, "detained-on:", 12) == 0) {
        const char *d = spec + 12;
        if (!valid_date(d, strlen(d)))
            return AM_FAIL(err, AM_EUSAGE,
                           "--population '%s': '%s' is not a date; write detained-on:YYYY-MM-DD",
                           spec, d);
        p->kind = AM_MSE_POP_DETAINED_ON;
        memcpy(p->from, d, 10);
        return 0;
    }
    if (strncmp(spec, "period:", 7) == 0) {
        const char *a = spec + 7;
        const char *dots = strstr(a, "..");
        if (!dots || !valid_date(a, (size_t)(dots - a)) || !valid_date(dots + 2, strlen(dots + 2)))
            return AM_FAIL(err, AM_EUSAGE,
                           "--population '%s' is not a period; write period:YYYY-MM-DD..YYYY-MM-DD",
                           spec);
        memcpy(p->from, a, 10);
        memcpy(p->to, dots + 2, 10);
        if (strcmp(p->from, p->to) > 0)
            return AM_FAIL(err, AM_EUSAGE,
                           "--population '%s' ends before it starts; give FROM..TO in order",
                           spec);
        p->kind = AM_MSE_POP_PERIOD;
        return 0;
    }
    return AM_FAIL(err, AM_EUSAGE,
                   "--population '%s' is not known; write detained-on:YYYY-MM-DD or "
                   "period:YYYY-MM-DD..YYYY-MM-DD",
                   spec);
}

int am_mse_stratum_parse(const char *name, enum am_mse_stratum *by, struct am_err *err)
{
    static const char *const names[] = {"state", "period", "sex", "category"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *by = (enum am_mse_stratum)(i + 1);
            return 0;
        }
    return AM_FAIL(err, AM_EUSAGE, "--by '%s' is not known; use state, period, sex or category",
                   name);
}

struct person {
    int64_t id;
    unsigned bits;
    const char *sex, *state, *category;
    AM_VEC(struct am_event_fact) events;
};

struct loader {
    struct am_store *store;
    struct am_arena arena;
    AM_VEC(struct person) people;
    struct am_strmap index; /* person id (decimal) -> position */
    int64_t list_ids[AM_MSE_MAX_LISTS]; /* source id of each list, by bit */
    int nlists;
};

static struct person *find(struct loader *l, int64_t id)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)id);
    int64_t pos;
    if (!am_strmap_get(&l->index, key, &pos))
        return NULL;
    return &l->people.v[pos];
}

/* Runs sql and calls fn for each row. */
static int each_row(struct loader *l, const char *sql, void (*fn)(struct loader *, struct am_stmt *),
                    struct am_err *err)
{
    struct am_stmt *st = am_stmt_prepare(l->store, sql, err);
    if (!st)
        return -1;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1)
        fn(l, st);
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}

static void row_person(struct loader *l, struct am_stmt *st)
{
    struct person p;
    memset(&p, 0, sizeof(p));
    p.id = am_stmt_int64(st, 0);
    p.sex = am_arena_strdup(&l->arena, am_stmt_text(st, 1));
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)p.id);
    am_strmap_put(&l->index, key, (int64_t)l->people.n);
    AM_VEC_PUSH(&l->people, p);
}

/* Events (and, for --by category, the most frequent category, ties by name) of every
 * person, from registry/'s facts: derived from the records, plus those entered by hand. */
static int load_facts(struct loader *l, int want_category, struct am_err *err)
{
    struct am_facts_scan *scan = am_facts_scan_new(l->store, err);
    if (!scan)
        return -1;
    struct am_facts f;
    int rc;
    while ((rc = am_facts_scan_next(scan, &f, err)) == 1) {
        struct person *p = find(l, f.person_id);
        if (!p)
            continue;
        for (size_t i = 0; i < f.n_events; i++) {
            struct am_event_fact e = {f.events[i].type,
                                      am_arena_strdup(&l->arena, f.events[i].date),
                                      f.events[i].seq};
            AM_VEC_PUSH(&p->events, e);
        }
        if (!want_category)
            continue;
        const char *best = NULL;
        size_t best_n = 0;
        for (size_t i = 0; i < f.n_categories; i++) {
            const char *c = f.categories[i].category;
            size_t n = 0;
            for (size_t k = 0; k < f.n_categories; k++)
                n += strcmp(f.categories[k].category, c) == 0;
            if (n > best_n || (n == best_n && strcmp(c, best) < 0)) {
                best = c;
                best_n = n;
            }
        }
        if (best)
            p->category = am_arena_strdup(&l->arena, best);
    }
    am_facts_scan_free(scan);
    return rc < 0 ? -1 : 0;
}

/* Rows ordered by person, count desc: the first value per person is the most frequent. */
static void row_state(struct loader *l, struct am_stmt *st)
{
    struct person *p = find(l, am_stmt_int64(st, 0));
    if (p && !p->state)
        p->state = am_arena_strdup(&l->arena, am_stmt_text(st, 1));
}
static void row_sex(struct loader *l, struct am_stmt *st)
{
    struct person *p = find(l, am_stmt_int64(st, 0));
    if (p && (!p->sex || !*p->sex))
        p->sex = am_arena_strdup(&l->arena, am_stmt_text(st, 1));
}
static void row_capture(struct loader *l, struct am_stmt *st)
{
    struct person *p = find(l, am_stmt_int64(st, 0));
    int64_t src = am_stmt_int64(st, 1);
    if (!p)
        return;
    for (int j = 0; j < l->nlists; j++)
        if (l->list_ids[j] == src)
            p->bits |= 1u << j;
}

static int is_arrest(enum am_event_type t) { return t == AM_EV_ARREST || t == AM_EV_REARREST; }

/* Whether p is in the population, and the date of the arrest that puts them there. */
static int in_population(const struct person *p, const struct am_mse_population *pop,
                         const char **arrest)
{
    *arrest = NULL;
    if (pop->kind == AM_MSE_POP_PERIOD) {
        for (size_t i = 0; i < p->events.n; i++) {
            const struct am_event_fact *e = &p->events.v[i];
            if (is_arrest(e->type) && e->date && strcmp(e->date, pop->from) >= 0 &&
                strcmp(e->date, pop->to) <= 0 && (!*arrest || strcmp(e->date, *arrest) < 0))
                *arrest = e->date;
        }
        return *arrest != NULL;
    }
    const char *as_of = pop->kind == AM_MSE_POP_DETAINED_ON ? pop->from : NULL;
    for (size_t i = 0; i < p->events.n; i++) {
        const struct am_event_fact *e = &p->events.v[i];
        if (is_arrest(e->type) && e->date && (!as_of || strcmp(e->date, as_of) <= 0) &&
            (!*arrest || strcmp(e->date, *arrest) > 0))
            *arrest = e->date; /* the latest arrest before the date */
    }
    if (pop->kind == AM_MSE_POP_ALL)
        return 1;
    int inc;
    enum am_status s = am_status_derive(p->events.v, p->events.n, as_of, &inc);
    return s == AM_STATUS_DETAINED || s == AM_STATUS_DISAPPEARED;
}

void am_mse_histories_release(struct am_mse_histories *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nstrata; i++)
        am_free(h->labels[i]);
    am_free(h->labels);
    am_free(h->strata);
    memset(h, 0, sizeof(*h));
}

static int cmp_label(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int am_mse_histories_load(struct am_store *store, const char *sources,
                          const struct am_mse_population *pop, enum am_mse_stratum by,
                          struct am_mse_histories *h, struct am_err *err)
{
    memset(h, 0, sizeof(*h));
    struct loader l;
    memset(&l, 0, sizeof(l));
    l.store = store;
    am_arena_init(&l.arena);
    am_strmap_init(&l.index);
    int rc = -1;
    struct am_mse_table *tables = NULL;
    char **labels = NULL;
    size_t nlabels = 0;

    /* the lists */
    struct am_stmt *st = am_stmt_prepare(store, "SELECT id, name FROM source ORDER BY name", err);
    if (!st)
        goto done;
    AM_VEC(int64_t) ids = {0};
    AM_VEC(char *) names = {0};
    int step;
    while ((step = am_stmt_step(st, err)) == 1) {
        AM_VEC_PUSH(&ids, am_stmt_int64(st, 0));
        AM_VEC_PUSH(&names, am_arena_strdup(&l.arena, am_stmt_text(st, 1)));
    }
    am_stmt_finalize(st);
    if (step < 0) {
        AM_VEC_FREE(&ids);
        AM_VEC_FREE(&names);
        goto done;
    }
    l.nlists = 0;
    struct am_mse_table base;
    memset(&base, 0, sizeof(base));
    if (sources) {
        const char *p = sources;
        for (;;) {
            size_t len = strcspn(p, ",");
            if (l.nlists == AM_MSE_MAX_LISTS) {
                AM_FAIL(err, AM_EINPUT, "--sources names more than %d sources; estimate with "
                        "at most %d lists",
                        AM_MSE_MAX_LISTS, AM_MSE_MAX_LISTS);
                break;
            }
            int found = -1;
            for (size_t i = 0; i < names.n; i++)
                if (strlen(names.v[i]) == len && strncmp(names.v[i], p, len) == 0)
                    found = (int)i;
            if (found < 0) {
                AM_FAIL(err, AM_EINPUT, "no source named '%.*s'; see amnistia sources", (int)len,
                        p);
                break;
            }
            for (int j = 0; j < l.nlists; j++)
                if (l.list_ids[j] == ids.v[found]) {
                    AM_FAIL(err, AM_EINPUT, "source '%.*s' given twice in --sources", (int)len, p);
                    found = -1;
                }
            if (found < 0)
                break;
            snprintf(base.names[l.nlists], AM_MSE_NAME_MAX, "%s", names.v[found]);
            l.list_ids[l.nlists++] = ids.v[found];
            if (!p[len])
                break;
            p += len + 1;
        }
    } else if (names.n > AM_MSE_MAX_LISTS) {
        AM_FAIL(err, AM_EINPUT, "the registry has %zu sources; choose 2 to %d with --sources",
                names.n, AM_MSE_MAX_LISTS);
    } else {
        for (size_t i = 0; i < names.n; i++) {
            snprintf(base.names[l.nlists], AM_MSE_NAME_MAX, "%s", names.v[i]);
            l.list_ids[l.nlists++] = ids.v[i];
        }
    }
    AM_VEC_FREE(&ids);
    AM_VEC_FREE(&names);
    if (am_err_is_set(err))
        goto done;
    if (l.nlists < 2) {
        AM_FAIL(err, AM_EINPUT, "%d source%s: estimation needs at least 2 lists (3 or more to "
                "model dependence); import more lists or name them with --sources",
                l.nlists, l.nlists == 1 ? "" : "s");
        goto done;
    }
    base.k = l.nlists;

    if (each_row(&l, "SELECT id, sex FROM person ORDER BY id", row_person, err) ||
        each_row(&l,
                 "SELECT DISTINCT rp.person_id, sn.source_id FROM record_person rp"
                 " JOIN record r ON r.id = rp.record_id JOIN snapshot sn ON sn.id = r.snapshot_id",
                 row_capture, err) ||
        load_facts(&l, by == AM_MSE_BY_CATEGORY, err))
        goto done;
    if (by == AM_MSE_BY_STATE &&
        each_row(&l,
                 "SELECT rp.person_id, r.state, count(*) AS c FROM record_person rp"
                 " JOIN record r ON r.id = rp.record_id WHERE r.state IS NOT NULL AND"
                 " r.state <> '' GROUP BY 1, 2 ORDER BY 1, c DESC, 2",
                 row_state, err))
        goto done;
    if (by == AM_MSE_BY_SEX &&
        each_row(&l,
                 "SELECT rp.person_id, r.sex, count(*) AS c FROM record_person rp"
                 " JOIN record r ON r.id = rp.record_id WHERE r.sex IS NOT NULL"
                 " GROUP BY 1, 2 ORDER BY 1, c DESC, 2",
                 row_sex, err))
        goto done;

    h->all = base;
    struct am_strmap strata;
    am_strmap_init(&strata);
    for (size_t i = 0; i < l.people.n; i++) {
        struct person *p = &l.people.v[i];
        if (!p->bits)
            continue;
        const char *arrest;
        if (!in_population(p, pop, &arrest)) {
            h->persons_outside++;
            continue;
        }
        h->all.count[p->bits] += 1;
        if (by == AM_MSE_BY_NONE)
            continue;
        const char *label = NULL;
        char year[5];
        switch (by) {
        case AM_MSE_BY_STATE: label = p->state; break;
        case AM_MSE_BY_SEX: label = p->sex && *p->sex ? p->sex : NULL; break;
        case AM_MSE_BY_CATEGORY: label = p->category; break;
        case AM_MSE_BY_PERIOD:
            if (arrest && strlen(arrest) >= 4) {
                memcpy(year, arrest, 4);
                year[4] = '\0';
                label = year;
            }
            break;
        case AM_MSE_BY_NONE: break;
        }
        if (!label)
            label = "unknown";
        int64_t pos;
        if (!am_strmap_get(&strata, label, &pos)) {
            pos = (int64_t)nlabels;
            am_strmap_put(&strata, label, pos);
            labels = am_realloc(labels, (nlabels + 1) * sizeof(char *));
            tables = am_realloc(tables, (nlabels + 1) * sizeof(*tables));
            labels[nlabels] = am_strdup(label);
            tables[nlabels] = base;
            nlabels++;
        }
        tables[pos].count[p->bits] += 1;
    }
    am_strmap_release(&strata);
    am_mse_table_total(&h->all);
    /* strata in label order */
    if (nlabels) {
        struct pair {
            char *label;
            struct am_mse_table t;
        };
        struct pair *pairs = am_malloc(nlabels * sizeof(*pairs));
        for (size_t i = 0; i < nlabels; i++) {
            pairs[i].label = labels[i];
            pairs[i].t = tables[i];
        }
        qsort(pairs, nlabels, sizeof(*pairs), cmp_label);
        for (size_t i = 0; i < nlabels; i++) {
            labels[i] = pairs[i].label;
            tables[i] = pairs[i].t;
            am_mse_table_total(&tables[i]);
        }
        am_free(pairs);
    }
    h->labels = labels;
    h->strata = tables;
    h->nstrata = nlabels;
    labels = NULL;
    tables = NULL;
    rc = 0;
done:
    for (size_t i = 0; labels && i < nlabels; i++)
        am_free(labels[i]);
    am_free(labels);
    am_free(tables);
    for (size_t i = 0; i < l.people.n; i++)
        AM_VEC_FREE(&l.people.v[i].events);
    AM_VEC_FREE(&l.people);
    am_strmap_release(&l.index);
    am_arena_release(&l.arena);
    return rc;
}
