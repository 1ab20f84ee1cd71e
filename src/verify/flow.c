/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * flow: the revolving door. New arrests (arrest, rearrest, measures revoked) and releases
 * (release, release with measures) per week or month from dated events, per source and
 * in total. A source that repeats an event in a later list is counted once; the total
 * counts each person once per period and kind, whichever sources told it. An event dated
 * only by its list's date ("released", no date given) has no date of its own: it would
 * pile every such release into the week of the list, so it counts nowhere.
 */
#include "verify_int.h"

#include <stdlib.h>
#include <string.h>

/* Events come from registry/'s facts (derived from the records, plus those entered by
 * hand), every person in order. */
static int flow_event(int type)
{
    return type == AM_EV_ARREST || type == AM_EV_REARREST || type == AM_EV_MEASURES_REVOKED ||
           type == AM_EV_RELEASE || type == AM_EV_RELEASE_WITH_MEASURES;
}

static int period_of(const char *date, enum am_flow_period by, char out[11])
{
    if (!am__verify_date_valid(date))
        return -1;
    if (by == AM_FLOW_MONTH) {
        memcpy(out, date, 7);
        out[7] = '\0';
        return 0;
    }
    int y = (int)strtol(date, NULL, 10), m = (int)strtol(date + 5, NULL, 10),
        d = (int)strtol(date + 8, NULL, 10);
    int32_t days = am_days_from_civil(y, m, d);
    int32_t dow = ((days + 3) % 7 + 7) % 7; /* 0 = Monday; 1970-01-01 was a Thursday */
    am_format_date(days - dow, out);
    return 0;
}

static int cmp_rows(const void *x, const void *y)
{
    const struct am_flow_row *a = x, *b = y;
    int c = strcmp(a->period, b->period);
    if (c)
        return c;
    int aa = strcmp(a->source, "all") == 0, ba = strcmp(b->source, "all") == 0;
    if (aa != ba)
        return ba - aa;
    return strcmp(a->source, b->source);
}

struct rowvec {
    struct am_flow_row *v;
    size_t n, cap;
};

static void count(struct rowvec *rows, struct am_strmap *index, struct am_arena *a,
                  const char *period, const char *source, int release)
{
    char key[400];
    snprintf(key, sizeof(key), "%s|%s", period, source);
    int64_t at;
    if (!am_strmap_get(index, key, &at)) {
        struct am_flow_row r = {.source = am_arena_strdup(a, source)};
        snprintf(r.period, sizeof(r.period), "%s", period);
        at = (int64_t)rows->n;
        AM_VEC_PUSH(rows, r);
        am_strmap_put(index, key, at);
    }
    if (release)
        rows->v[at].releases++;
    else
        rows->v[at].arrests++;
}

int am_flow_run(struct am_store *store, enum am_flow_period by, const char *source_name,
                struct am_flow *out, struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    am_arena_init(&out->arena);
    if (source_name) {
        struct am_stmt *st = am_stmt_prepare(store, "SELECT 1 FROM source WHERE name = ?", err);
        if (!st || am_stmt_bind_text(st, 1, source_name, err) < 0) {
            am_stmt_finalize(st);
            return -1;
        }
        int rc = am_stmt_step(st, err);
        am_stmt_finalize(st);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return AM_FAIL(err, AM_ENOTFOUND,
                           "no source is called '%s'; see `amnistia sources` for the names",
                           source_name);
    }
    struct am_facts_scan *scan = am_facts_scan_new(store, err);
    if (!scan)
        return -1;
    struct rowvec rows = {0};
    struct am_strmap index, seen;
    am_strmap_init(&index);
    am_strmap_init(&seen);
    int rc;
    struct am_facts f;
    while ((rc = am_facts_scan_next(scan, &f, err)) == 1) {
        for (size_t i = 0; i < f.n_events; i++) {
            const struct am_fact_event *e = &f.events[i];
            if (!e->date || !flow_event((int)e->type) || e->by_list)
                continue;
            int64_t person = f.person_id;
            int type = (int)e->type;
            const char *date = e->date;
            const char *source = e->source ? e->source : "manual entry";
            if (source_name && strcmp(source, source_name) != 0)
                continue;
            char period[11];
            if (period_of(date, by, period) < 0)
                continue; /* a malformed date in the registry counts nowhere */
            int release = am__verify_is_release(type);
            char key[512];
            snprintf(key, sizeof(key), "s|%s|%lld|%d|%s", source, (long long)person, release,
                     date);
            if (!am_strmap_get(&seen, key, NULL)) {
                am_strmap_put(&seen, key, 1);
                count(&rows, &index, &out->arena, period, source, release);
            }
            snprintf(key, sizeof(key), "a|%lld|%d|%s", (long long)person, release, period);
            if (!source_name && !am_strmap_get(&seen, key, NULL)) {
                am_strmap_put(&seen, key, 1);
                count(&rows, &index, &out->arena, period, "all", release);
            }
        }
    }
    am_facts_scan_free(scan);
    am_strmap_release(&index);
    am_strmap_release(&seen);
    if (rc < 0) {
        AM_VEC_FREE(&rows);
        return -1;
    }
    if (rows.n)
        qsort(rows.v, rows.n, sizeof(rows.v[0]), cmp_rows);
    out->n_rows = rows.n;
    out->rows = am_arena_alloc(&out->arena, (rows.n + 1) * sizeof(*out->rows));
    if (rows.n)
        memcpy(out->rows, rows.v, rows.n * sizeof(*rows.v));
    AM_VEC_FREE(&rows);
    return 0;
}

void am_flow_release(struct am_flow *flow)
{
    if (!flow)
        return;
    am_arena_release(&flow->arena);
    memset(flow, 0, sizeof(*flow));
}
