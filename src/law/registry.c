/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The registry side of laws: loads every person's facts with their provenance (record
 * and source) in a handful of queries, derives each status from events, and records
 * reviewer facts in person_fact and saved verdicts in law and verdict (the tables law/
 * owns). It reads the registry's tables but writes only its own.
 */
#include "law_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static const char sql_persons[] =
    "SELECT id, display_name, cedula_kind, birth_date, nationality FROM person ORDER BY id";
static const char sql_records[] =
    "SELECT rp.person_id, r.id, r.arrest_date, r.facility, r.state, s.name"
    " FROM record_person rp JOIN record r ON r.id = rp.record_id"
    " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"
    " ORDER BY rp.person_id, n.as_of, r.id";
static const char sql_facts[] =
    "SELECT person_id, fact, value, by FROM person_fact ORDER BY person_id, id";

static struct am_law_origin origin(struct am_arena *a, int64_t record_id, const char *source,
                                   const char *note)
{
    struct am_law_origin o = {record_id, am_arena_strdup(a, source), note};
    return o;
}

static void add_charge(struct am_law_person *p, struct am_arena *a,
                       const struct am_fact_charge *fc)
{
    if (p->facts.n_charges >= AM_LAW_MAX_CHARGES) {
        p->n_unstored_charges++;
        return;
    }
    struct am_law_charge *c = &p->facts.charges[p->facts.n_charges];
    char fold[512];
    c->raw = am_arena_strdup(a, fc->raw);
    c->fold = am_arena_strdup(a, am_law_fold(fc->raw, fold, sizeof(fold)));
    int cls = am_charge_class_from_name(fc->class_name);
    c->cls = (uint8_t)(cls < 0 ? AM_CC_UNKNOWN : cls);
    const char *cert = fc->certainty;
    /* The catalog writes "uncertain" or "uncertain (why)": the first word counts. */
    c->uncertain = cert && strncmp(cert, "uncertain", 9) == 0 &&
                   (cert[9] == '\0' || cert[9] == ' ' || cert[9] == '(');
    p->charge_origin[p->facts.n_charges] =
        origin(a, fc->record_id, fc->source,
               cls < 0 ? am_arena_printf(a, "class '%s' is not a charge class",
                                         fc->class_name ? fc->class_name : "")
                       : NULL);
    p->facts.n_charges++;
}

/* Events, charges and categories of every person (registry/'s facts, derived from the
 * records and the few stored by hand), in one pass in person order. */
static int load_facts(struct am_store *store, struct am_law_population *pop, int32_t as_of,
                      struct am_err *err)
{
    struct am_facts_scan *scan = am_facts_scan_new(store, err);
    if (!scan)
        return -1;
    struct am_arena *a = &pop->arena;
    struct am_facts f;
    int rc;
    while ((rc = am_facts_scan_next(scan, &f, err)) == 1) {
        struct am_law_person *p = am_law_population_find(pop, f.person_id);
        if (!p)
            continue;
        size_t n = 0;
        for (size_t k = 0; k < f.n_events; k++) {
            int32_t date = parse_date(f.events[k].date);
            if (date == AM_DATE_UNKNOWN || date <= as_of)
                n++;
        }
        p->events = am_arena_alloc(a, (n ? n : 1) * sizeof(*p->events));
        p->n_events = n;
        struct am_event_fact *facts = am_arena_alloc(a, (n ? n : 1) * sizeof(*facts));
        const struct am_fact_event **kept = am_malloc((n ? n : 1) * sizeof(*kept));
        size_t i = 0;
        for (size_t k = 0; k < f.n_events; k++) {
            const struct am_fact_event *e = &f.events[k];
            int32_t date = parse_date(e->date);
            if (date != AM_DATE_UNKNOWN && date > as_of)
                continue; /* events after as_of are not known yet */
            p->events[i].type = (uint8_t)e->type;
            p->events[i].date = date;
            facts[i] = (struct am_event_fact){
                e->type, date == AM_DATE_UNKNOWN ? NULL : am_arena_strdup(a, e->date), e->seq};
            kept[i++] = e;
            if ((e->type == AM_EV_ARREST || e->type == AM_EV_REARREST) &&
                date != AM_DATE_UNKNOWN &&
                (p->facts.arrest_date == AM_DATE_UNKNOWN || date < p->facts.arrest_date)) {
                p->facts.arrest_date = date;
                p->origin[AM_FACT_ARREST_DATE] =
                    origin(a, e->record_id, e->source, "arrest event");
            }
        }
        if (n) {
            /* registry/'s derivation (events after as_of were dropped above) */
            int inc = 0;
            size_t best = (size_t)-1;
            enum am_status status = am_status_derive_event(facts, n, NULL, &inc, &best);
            p->facts.status = (uint8_t)status;
            p->incommunicado = inc;
            if (best != (size_t)-1) {
                const struct am_fact_event *b = kept[best];
                p->origin[AM_FACT_STATUS] =
                    origin(a, b->record_id, b->source,
                           am_arena_printf(a, "derived from the %s event", am_event_name(b->type)));
            }
        }
        am_free(kept);
        for (size_t k = 0; k < f.n_charges; k++)
            add_charge(p, a, &f.charges[k]);
        for (size_t k = 0; k < f.n_categories; k++) {
            int cat = am_category_from_name(f.categories[k].category);
            if (cat < 0)
                cat = AM_CAT_OTHER; /* recorded but not a DESIGN category: counts as "other" */
            if (!p->facts.categories)
                p->origin[AM_FACT_CATEGORY] =
                    origin(a, f.categories[k].record_id, f.categories[k].source, NULL);
            p->facts.categories |= (uint16_t)(1u << cat);
        }
    }
    am_facts_scan_free(scan);
    return rc < 0 ? -1 : 0;
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
    if (load_facts(store, out, as_of, err) != 0)
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

/* ---- saved verdicts --------------------------------------------------------------------- */

static int save_law(struct am_store *store, const struct am_law *law, int64_t *law_id,
                    struct am_err *err)
{
    uint8_t digest[AM_SHA256_LEN];
    char hex[2 * AM_SHA256_LEN + 1];
    am_sha256(law->text, law->text_len, digest);
    am_hex(digest, sizeof(digest), hex);
    struct am_stmt *st = am_stmt_prepare(store, "SELECT id FROM law WHERE sha256 = ?", err);
    int rc = st && am_stmt_bind_text(st, 1, hex, err) == 0 ? am_stmt_step(st, err) : -1;
    if (rc == 1)
        *law_id = am_stmt_int64(st, 0);
    am_stmt_finalize(st);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    st = am_stmt_prepare(store,
                         "INSERT INTO law (name, version, status, sha256, text) VALUES (?,?,?,?,?)",
                         err);
    rc = st && am_stmt_bind_text(st, 1, law->id, err) == 0 &&
                 am_stmt_bind_int64(st, 2, law->version, err) == 0 &&
                 am_stmt_bind_text(st, 3, am_law_state_name(law->state), err) == 0 &&
                 am_stmt_bind_text(st, 4, hex, err) == 0 &&
                 am_stmt_bind_text(st, 5, law->text, err) == 0
             ? am_stmt_step(st, err)
             : -1;
    am_stmt_finalize(st);
    if (rc < 0)
        return -1;
    *law_id = am_store_last_insert_id(store);
    return 0;
}

int am_law_verdicts_save(struct am_store *store, const struct am_law *law,
                         const struct am_law_population *pop, int32_t as_of, int status_filter,
                         int64_t *saved, struct am_err *err)
{
    *saved = 0;
    if (am_store_begin(store, err) != 0)
        return -1;
    int64_t law_id = 0;
    struct am_stmt *st = NULL;
    struct am_buf reasons;
    am_buf_init(&reasons);
    char day[11], at[32];
    am_format_date(as_of, day);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
    int rc = save_law(store, law, &law_id, err);
    if (rc == 0)
        st = am_stmt_prepare(store,
                             "INSERT OR REPLACE INTO verdict (law_id, person_id, as_of, outcome,"
                             " rule, article, reasons, at) VALUES (?,?,?,?,?,?,?,?)",
                             err);
    if (!st)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < pop->n; i++) {
        const struct am_law_person *p = &pop->v[i];
        if (status_filter >= 0 && p->facts.status != status_filter)
            continue;
        struct am_law_verdict v;
        am_law_eval(law, &p->facts, &v);
        am_buf_reset(&reasons);
        am_law_verdict_json(law, &p->facts, &v, &reasons);
        am_stmt_reset(st);
        if (am_stmt_bind_int64(st, 1, law_id, err) || am_stmt_bind_int64(st, 2, p->id, err) ||
            am_stmt_bind_text(st, 3, day, err) ||
            am_stmt_bind_text(st, 4, am_outcome_name(v.outcome), err) ||
            am_stmt_bind_text(st, 5, am_law_rule_id(law, v.decider), err) ||
            am_stmt_bind_text(st, 6, am_law_rule_cites(law, v.decider), err) ||
            am_stmt_bind_text(st, 7, reasons.ptr, err) || am_stmt_bind_text(st, 8, at, err) ||
            am_stmt_step(st, err) < 0)
            rc = -1;
        else
            (*saved)++;
    }
    am_stmt_finalize(st);
    am_buf_release(&reasons);
    if (rc != 0 || am_store_commit(store, err) != 0) {
        am_store_rollback(store);
        *saved = 0;
        return -1;
    }
    return 0;
}
