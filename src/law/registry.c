/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The registry side of laws: loads every person's facts with their provenance (record
 * and source) in a handful of queries, derives each status from events, and records
 * reviewer facts in person_fact (the table law/ owns). It reads the registry's tables
 * but writes only person_fact.
 */
#include "law_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- status from events (local fallback for am_status_derive) --------------------------- */

static const uint8_t event_effect[] = {
#define AM_X(e, s, effect, rank) effect,
    AM_EVENT_TABLE(AM_X)
#undef AM_X
};
static const uint8_t event_rank[] = {
#define AM_X(e, s, effect, rank) rank,
    AM_EVENT_TABLE(AM_X)
#undef AM_X
};

struct ev_tmp {
    int64_t person_id;
    int type;
    int32_t date;
    int64_t seq;
    int64_t record_id;
    const char *source;
};

/*
 * registry.h's rule (am_status_derive is not on main yet): the latest event with an
 * effect wins, by date, then rank, then seq; undated events count only when no event
 * with an effect is dated. Returns the index of the deciding event or -1.
 */
static long derive_status(const struct ev_tmp *ev, size_t n, int *status, int *incommunicado)
{
    long best = -1;
    int any_dated = 0;
    for (size_t i = 0; i < n; i++)
        if (event_effect[ev[i].type] != AM_STATUS_UNKNOWN && ev[i].date != AM_DATE_UNKNOWN)
            any_dated = 1;
    for (size_t i = 0; i < n; i++) {
        if (event_effect[ev[i].type] == AM_STATUS_UNKNOWN)
            continue;
        if (any_dated && ev[i].date == AM_DATE_UNKNOWN)
            continue;
        if (best < 0) {
            best = (long)i;
            continue;
        }
        const struct ev_tmp *b = &ev[best], *e = &ev[i];
        int later = e->date != b->date ? e->date > b->date
                    : event_rank[e->type] != event_rank[b->type]
                        ? event_rank[e->type] > event_rank[b->type]
                        : e->seq > b->seq;
        if (later)
            best = (long)i;
    }
    *status = best < 0 ? AM_STATUS_UNKNOWN : event_effect[ev[best].type];
    *incommunicado = best >= 0 && *status == AM_STATUS_DETAINED && ev[best].type == AM_EV_INCOMMUNICADO;
    return best;
}

/* ---- loading -------------------------------------------------------------------------------- */

static int32_t parse_date(const char *s)
{
    int32_t d;
    if (s && am_law_date_parse(s, strlen(s), &d) == 0)
        return d;
    return AM_DATE_UNKNOWN;
}

static int nationality_of(const char *nat, const char *cedula_kind, const char **why)
{
    char f[64];
    *why = NULL;
    if (nat && *nat) {
        am_law_fold(nat, f, sizeof(f));
        static const char *const ve[] = {"v", "ve", "ven", "venezuela", "venezolana",
                                         "venezolano", "venezuelan"};
        for (size_t i = 0; i < sizeof(ve) / sizeof(ve[0]); i++)
            if (strcmp(f, ve[i]) == 0)
                return AM_NAT_VENEZUELAN;
        return f[0] ? AM_NAT_FOREIGN : AM_NAT_UNKNOWN;
    }
    if (cedula_kind && strcmp(cedula_kind, "V") == 0) {
        *why = "from the cedula kind V";
        return AM_NAT_VENEZUELAN;
    }
    if (cedula_kind && strcmp(cedula_kind, "E") == 0) {
        *why = "from the cedula kind E (resident foreigner)";
        return AM_NAT_FOREIGN;
    }
    return AM_NAT_UNKNOWN;
}

struct am_law_person *am_law_population_find(struct am_law_population *pop, int64_t id)
{
    size_t lo = 0, hi = pop->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pop->v[mid].id < id)
            lo = mid + 1;
        else if (pop->v[mid].id > id)
            hi = mid;
        else
            return &pop->v[mid];
    }
    return NULL;
}

void am_law_population_release(struct am_law_population *pop)
{
    if (!pop)
        return;
    am_free(pop->v);
    am_arena_release(&pop->arena);
    memset(pop, 0, sizeof(*pop));
}

/* The source of a record (or of a hand-added event), as SQL shared by the queries. */
#define SOURCE_OF(rec, src)                                                                \
    "COALESCE((SELECT s.name FROM record r JOIN snapshot n ON n.id = r.snapshot_id"         \
    " JOIN source s ON s.id = n.source_id WHERE r.id = " rec "), "                          \
    "(SELECT name FROM source WHERE id = " src "))"

static const char sql_persons[] =
    "SELECT id, display_name, cedula_kind, birth_date, nationality FROM person ORDER BY id";
static const char sql_records[] =
    "SELECT rp.person_id, r.id, r.arrest_date, r.facility, r.state, s.name"
    " FROM record_person rp JOIN record r ON r.id = rp.record_id"
    " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"
    " ORDER BY rp.person_id, n.as_of, r.id";
static const char sql_events[] =
    "SELECT e.person_id, e.type, e.date, e.record_id, " SOURCE_OF("e.record_id", "e.source_id")
    ", e.id FROM event e ORDER BY e.person_id, e.id";
static const char sql_charges[] =
    "SELECT c.person_id, c.raw, c.class, c.certainty, c.record_id, "
    SOURCE_OF("c.record_id", "NULL") " FROM charge c ORDER BY c.person_id, c.id";
static const char sql_categories[] =
    "SELECT c.person_id, c.category, c.record_id, " SOURCE_OF("c.record_id", "NULL")
    " FROM category c ORDER BY c.person_id, c.rowid";
static const char sql_facts[] =
    "SELECT person_id, fact, value, by FROM person_fact ORDER BY person_id, id";

static struct am_law_origin origin(struct am_arena *a, int64_t record_id, const char *source,
                                   const char *note)
{
    struct am_law_origin o = {record_id, am_arena_strdup(a, source), note};
    return o;
}

static int load_events(struct am_store *store, struct am_law_population *pop, int32_t as_of,
                       struct am_err *err)
{
    struct am_stmt *st = am_stmt_prepare(store, sql_events, err);
    if (!st)
        return -1;
    AM_VEC(struct ev_tmp) ev = {0};
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        int type = am__law_event_from_name(am_stmt_text(st, 1));
        if (type < 0)
            continue; /* not ours to judge: an unknown type changes no status */
        struct ev_tmp e = {am_stmt_int64(st, 0), type, parse_date(am_stmt_text(st, 2)),
                           am_stmt_int64(st, 5), am_stmt_int64(st, 3),
                           am_arena_strdup(&pop->arena, am_stmt_text(st, 4))};
        if (e.date != AM_DATE_UNKNOWN && e.date > as_of)
            continue;
        AM_VEC_PUSH(&ev, e);
    }
    am_stmt_finalize(st);
    if (rc < 0) {
        AM_VEC_FREE(&ev);
        return -1;
    }
    for (size_t i = 0; i < ev.n;) {
        size_t j = i;
        while (j < ev.n && ev.v[j].person_id == ev.v[i].person_id)
            j++;
        struct am_law_person *p = am_law_population_find(pop, ev.v[i].person_id);
        if (p) {
            p->events = am_arena_alloc(&pop->arena, (j - i) * sizeof(*p->events));
            p->n_events = j - i;
            for (size_t k = i; k < j; k++) {
                p->events[k - i].type = (uint8_t)ev.v[k].type;
                p->events[k - i].date = ev.v[k].date;
                if ((ev.v[k].type == AM_EV_ARREST || ev.v[k].type == AM_EV_REARREST) &&
                    ev.v[k].date != AM_DATE_UNKNOWN &&
                    (p->facts.arrest_date == AM_DATE_UNKNOWN ||
                     ev.v[k].date < p->facts.arrest_date)) {
                    p->facts.arrest_date = ev.v[k].date;
                    p->origin[AM_FACT_ARREST_DATE] =
                        origin(&pop->arena, ev.v[k].record_id, ev.v[k].source, "arrest event");
                }
            }
            int status, inc;
            long best = derive_status(ev.v + i, j - i, &status, &inc);
            p->facts.status = (uint8_t)status;
            p->incommunicado = inc;
            if (best >= 0) {
                const struct ev_tmp *b = &ev.v[i + (size_t)best];
                p->origin[AM_FACT_STATUS] = origin(
                    &pop->arena, b->record_id, b->source,
                    am_arena_printf(&pop->arena, "derived from the %s event", am__law_event_name(b->type)));
            }
        }
        i = j;
    }
    AM_VEC_FREE(&ev);
    return 0;
}

int am_law_population_load(struct am_store *store, int32_t as_of, struct am_law_population *out,
                           struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    am_arena_init(&out->arena);
    struct am_arena *a = &out->arena;
    AM_VEC(struct am_law_person) people = {0};
    struct am_stmt *st = am_stmt_prepare(store, sql_persons, err);
    if (!st)
        goto fail;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_law_person p;
        memset(&p, 0, sizeof(p));
        p.id = am_stmt_int64(st, 0);
        p.name = am_arena_strdup(a, am_stmt_text(st, 1));
        am_law_facts_init(&p.facts);
        p.facts.person_id = p.id;
        p.facts.birth_date = parse_date(am_stmt_text(st, 3));
        const char *why;
        p.facts.nationality =
            (uint8_t)nationality_of(am_stmt_text(st, 4), am_stmt_text(st, 2), &why);
        p.origin[AM_FACT_NATIONALITY].note = why;
        AM_VEC_PUSH(&people, p);
    }
    am_stmt_finalize(st);
    if (rc < 0)
        goto fail;
    out->v = people.v;
    out->n = people.n;
    people.v = NULL;

    /* Records: the arrest date they state, the latest facility and state. */
    if (!(st = am_stmt_prepare(store, sql_records, err)))
        goto fail;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_law_person *p = am_law_population_find(out, am_stmt_int64(st, 0));
        if (!p)
            continue;
        int64_t rec = am_stmt_int64(st, 1);
        int32_t d = parse_date(am_stmt_text(st, 2));
        if (d != AM_DATE_UNKNOWN && d <= as_of &&
            (p->facts.arrest_date == AM_DATE_UNKNOWN || d < p->facts.arrest_date)) {
            p->facts.arrest_date = d;
            p->origin[AM_FACT_ARREST_DATE] = origin(a, rec, am_stmt_text(st, 5), NULL);
        }
        if (am_stmt_text(st, 3))
            p->facility = am_arena_strdup(a, am_stmt_text(st, 3));
        if (am_stmt_text(st, 4))
            p->state = am_arena_strdup(a, am_stmt_text(st, 4));
    }
    am_stmt_finalize(st);
    if (rc < 0)
        goto fail;
    if (load_events(store, out, as_of, err) != 0)
        goto fail;

    if (!(st = am_stmt_prepare(store, sql_charges, err)))
        goto fail;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_law_person *p = am_law_population_find(out, am_stmt_int64(st, 0));
        if (!p)
            continue;
        if (p->facts.n_charges >= AM_LAW_MAX_CHARGES) {
            p->n_unstored_charges++;
            continue;
        }
        struct am_law_charge *c = &p->facts.charges[p->facts.n_charges];
        const char *raw = am_stmt_text(st, 1);
        char fold[512];
        c->raw = am_arena_strdup(a, raw);
        c->fold = am_arena_strdup(a, am_law_fold(raw, fold, sizeof(fold)));
        int cls = am_charge_class_from_name(am_stmt_text(st, 2));
        c->cls = (uint8_t)(cls < 0 ? AM_CC_UNKNOWN : cls);
        const char *cert = am_stmt_text(st, 3);
        c->uncertain = cert && strcmp(cert, "uncertain") == 0;
        p->charge_origin[p->facts.n_charges] =
            origin(a, am_stmt_int64(st, 4), am_stmt_text(st, 5),
                   cls < 0 ? am_arena_printf(a, "class '%s' is not a charge class",
                                             am_stmt_text(st, 2) ? am_stmt_text(st, 2) : "")
                           : NULL);
        p->facts.n_charges++;
    }
    am_stmt_finalize(st);
    if (rc < 0)
        goto fail;

    if (!(st = am_stmt_prepare(store, sql_categories, err)))
        goto fail;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_law_person *p = am_law_population_find(out, am_stmt_int64(st, 0));
        int cat = am_category_from_name(am_stmt_text(st, 1));
        if (!p)
            continue;
        if (cat < 0)
            cat = AM_CAT_OTHER; /* recorded but not a DESIGN category: counts as "other" */
        if (!p->facts.categories)
            p->origin[AM_FACT_CATEGORY] = origin(a, am_stmt_int64(st, 2), am_stmt_text(st, 3), NULL);
        p->facts.categories |= (uint16_t)(1u << cat);
    }
    am_stmt_finalize(st);
    if (rc < 0)
        goto fail;

    if (!(st = am_stmt_prepare(store, sql_facts, err)))
        goto fail;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_law_person *p = am_law_population_find(out, am_stmt_int64(st, 0));
        const char *fact = am_stmt_text(st, 1), *value = am_stmt_text(st, 2);
        if (!p || !fact || !value)
            continue;
        const char *by = am_arena_printf(a, "reviewer %s", am_stmt_text(st, 3));
        if (strcmp(fact, "act_date") == 0) {
            int32_t d = parse_date(value);
            if (d != AM_DATE_UNKNOWN) {
                p->facts.act_date = d;
                p->origin[AM_FACT_ACT_DATE] = origin(a, 0, by, NULL);
            }
            continue;
        }
        int rf = am_reviewer_fact_from_name(fact);
        if (rf < 0)
            continue;
        p->facts.marks[rf] = strcmp(value, "true") == 0    ? AM_MARK_TRUE
                             : strcmp(value, "false") == 0 ? AM_MARK_FALSE
                                                           : AM_MARK_UNCERTAIN;
        p->origin[AM_FACT_REVIEWER + rf] = origin(a, 0, by, NULL);
    }
    am_stmt_finalize(st);
    if (rc < 0)
        goto fail;

    for (size_t i = 0; i < out->n; i++) {
        struct am_law_person *p = &out->v[i];
        if (p->facts.act_date == AM_DATE_UNKNOWN && p->facts.arrest_date != AM_DATE_UNKNOWN) {
            p->facts.act_date = p->facts.arrest_date;
            p->origin[AM_FACT_ACT_DATE] = p->origin[AM_FACT_ARREST_DATE];
            p->origin[AM_FACT_ACT_DATE].note = "arrest date taken as the date of the acts";
        }
        if (p->n_unstored_charges) {
            /* More charges than the facts hold: the last slot stands for the rest, as an
             * unknown charge, so that no rule decides without them. */
            struct am_law_charge *c = &p->facts.charges[AM_LAW_MAX_CHARGES - 1];
            c->raw = am_arena_printf(a, "%zu more charges not evaluated",
                                     p->n_unstored_charges + 1);
            c->fold = NULL;
            c->cls = AM_CC_UNKNOWN;
            c->uncertain = 1;
        }
        p->facts.origin = p->origin;
        p->facts.charge_origin = p->charge_origin;
    }
    return 0;
fail:
    AM_VEC_FREE(&people);
    am_law_population_release(out);
    return -1;
}

/* ---- reviewer facts ----------------------------------------------------------------------- */

int am_law_fact_set(struct am_store *store, int64_t person_id, const char *fact,
                    const char *value, const char *by, const char *note, struct am_err *err)
{
    if (!fact || !value)
        return AM_FAIL(err, AM_EINPUT, "a fact needs a name and a value");
    if (strcmp(fact, "act_date") == 0) {
        int32_t d;
        if (am_law_date_parse(value, strlen(value), &d) != 0)
            return AM_FAIL(err, AM_EINPUT,
                           "act_date '%s' is not a date; write it as YYYY-MM-DD", value);
        if (d > am_today())
            return AM_FAIL(err, AM_EINPUT, "act_date %s is in the future; check the date", value);
    } else if (am_reviewer_fact_from_name(fact) >= 0) {
        if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0 &&
            strcmp(value, "uncertain") != 0)
            return AM_FAIL(err, AM_EINPUT,
                           "value '%s' for %s; write true, false or uncertain", value, fact);
    } else {
        struct am_buf names;
        am_buf_init(&names);
        for (int i = 0; i < AM__RF_COUNT; i++)
            am_buf_addf(&names, "%s, ", am_reviewer_fact_name(i));
        AM_FAIL(err, AM_EINPUT, "unknown fact '%s'; facts are %sact_date", fact, names.ptr);
        am_buf_release(&names);
        return -1;
    }
    if (!by || !*by)
        return AM_FAIL(err, AM_EINPUT, "who marks the fact is required; give --by NAME");
    if (!note || !*note)
        return AM_FAIL(err, AM_EINPUT,
                       "a reviewer fact needs its ground; give --note TEXT (the document seen)");
    struct am_stmt *st = am_stmt_prepare(store, "SELECT 1 FROM person WHERE id = ?", err);
    if (!st)
        return -1;
    int rc = am_stmt_bind_int64(st, 1, person_id, err) == 0 ? am_stmt_step(st, err) : -1;
    am_stmt_finalize(st);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return AM_FAIL(err, AM_ENOTFOUND, "no person %lld in the registry; see amnistia people",
                       (long long)person_id);
    char at[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
    st = am_stmt_prepare(store,
                         "INSERT INTO person_fact (person_id, fact, value, by, at, note)"
                         " VALUES (?, ?, ?, ?, ?, ?)",
                         err);
    if (!st)
        return -1;
    rc = 0;
    if (am_stmt_bind_int64(st, 1, person_id, err) || am_stmt_bind_text(st, 2, fact, err) ||
        am_stmt_bind_text(st, 3, value, err) || am_stmt_bind_text(st, 4, by, err) ||
        am_stmt_bind_text(st, 5, at, err) || am_stmt_bind_text(st, 6, note, err) ||
        am_stmt_step(st, err) < 0)
        rc = -1;
    am_stmt_finalize(st);
    return rc;
}
