/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * audit: one list, row by row, against every other source of the registry. A row is
 * verified when other sources than the list's own confirm the person, a detention and
 * (for a release) a release within the process; otherwise it carries flags, each with the
 * records, sources and dates that raised it. docs/verification.md explains each rule.
 * It reads the registry only; it never decides who is who (record_person does).
 */
#include "verify_int.h"

#include "amnistia/law.h"

#include <stdlib.h>
#include <string.h>

/* One list row as read from the snapshot. */
struct row_in {
    int64_t record_id, row_no, person_id;
    char *list_id, *name, *cedula, *status, *status_date, *release_date;
    char *name_order, *given_names, *surnames, *sex, *birth, *state, *facility, *charges;
};

/* A small set of source names, and the rows of the list, as named vector types. */
struct strset {
    const char **v;
    size_t n, cap;
};
struct rowvec {
    struct row_in *v;
    size_t n, cap;
};

/* What the registry knows of one person, read once per row. */
struct person_facts {
    AM_VEC(struct am__vev) ev;
    AM_VEC(struct am_evidence) other_records; /* records of other sources */
    AM_VEC(struct am_evidence) charges;       /* what = raw, date = class */
    struct am_arena arena;
};

struct stmts {
    struct am_stmt *records, *cedula;
    struct am_facts_reader *facts; /* events and charges: registry/'s, derived from records */
    const struct am_law *law;      /* --law, or NULL */
    struct am_law_population *pop; /* the registry's facts for the law, or NULL */
    const char *known_by;          /* only lists dated on or before it, or NULL */
    struct am__verify_matcher *matcher; /* the audit's own search for unlinked rows, */
    struct am_store *store;             /* read on the first row that needs it */
    int64_t list_source;
    struct am_strmap row_of_person; /* "p<person>" -> the list's first row of that person */
};

struct builder {
    struct am_audit *audit;
    AM_VEC(struct am_audit_flag) flags;
    AM_VEC(struct am_evidence) evidence; /* for the flag being built */
};

static const char sql_rows[] =
    "SELECT r.id, r.row_no, r.list_id, r.full_name, r.cedula, r.status, r.status_date,"
    " r.release_date, rp.person_id, r.name_order, r.given_names, r.surnames, r.sex,"
    " r.birth_date, lower(r.state), lower(r.facility), r.charges"
    " FROM record r LEFT JOIN record_person rp ON rp.record_id = r.id"
    " WHERE r.snapshot_id = ? ORDER BY r.row_no";

static const char sql_records[] =
    "SELECT r.id, s.name, coalesce(n.as_of, substr(n.imported_at, 1, 10)), n.source_id,"
    " r.release_date, r.measures, r.status"
    " FROM record_person rp JOIN record r ON r.id = rp.record_id"
    " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"
    " WHERE rp.person_id = ?1 AND n.source_id <> ?2"
    "   AND (?3 IS NULL OR coalesce(n.as_of, substr(n.imported_at, 1, 10)) <= ?3)"
    " ORDER BY r.id";

/* Records elsewhere with the same cédula that belong to another person (or to none).
 * Other rows of the audited list itself are left out: the same cédula twice in one list
 * is the duplicate flag's business, not a doubt about who the first row is. */
static const char sql_cedula[] =
    "SELECT r.id, s.name, coalesce(rp.person_id, 0)"
    " FROM record r LEFT JOIN record_person rp ON rp.record_id = r.id"
    " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"
    " WHERE r.cedula = ?1 AND r.id <> ?2 AND rp.person_id IS NOT NULL AND rp.person_id <> ?3"
    "   AND rp.person_id <> ?5 AND r.snapshot_id <> ?6"
    "   AND (?4 IS NULL OR coalesce(n.as_of, substr(n.imported_at, 1, 10)) <= ?4)"
    " ORDER BY r.id LIMIT 5";

static void stmts_finalize(struct stmts *s)
{
    am_stmt_finalize(s->records);
    am_stmt_finalize(s->cedula);
    am_facts_reader_free(s->facts);
    am__verify_matcher_free(s->matcher);
    am_strmap_release(&s->row_of_person);
}

static char *dup_col(struct am_arena *a, struct am_stmt *st, int col)
{
    return am_arena_strdup(a, am_stmt_text(st, col));
}

static void facts_release(struct person_facts *f)
{
    AM_VEC_FREE(&f->ev);
    AM_VEC_FREE(&f->other_records);
    AM_VEC_FREE(&f->charges);
    am_arena_release(&f->arena);
}

/*
 * A record of another source that dates a release in its release_date column is a dated
 * release, whatever its status column says now ("exiled", "detained" again after a later
 * arrest): import makes an event of it only when the status is a release, so the audit
 * reads the column itself. With measures when the record lists measures or says
 * released_with_measures; a full release otherwise. Nothing is added when one of the
 * record's events already carries that release on that day.
 */
static void add_record_release(struct person_facts *f, struct am_stmt *st,
                               const struct am_evidence *rec)
{
    const char *date = am_stmt_text(st, 4);
    if (!date || !am__verify_date_valid(date))
        return;
    const char *measures = am_stmt_text(st, 5), *status = am_stmt_text(st, 6);
    int with = (measures && *measures) ||
               (status && strcmp(status, "released_with_measures") == 0);
    for (size_t i = 0; i < f->ev.n; i++) {
        const struct am__vev *e = &f->ev.v[i];
        if (e->record_id == rec->record_id && am__verify_is_release(e->type) && e->date &&
            strcmp(e->date, date) == 0)
            return;
    }
    struct am__vev e = {
        .seq = 0, /* an event of the registry wins a tie on the same day */
        .type = with ? AM_EV_RELEASE_WITH_MEASURES : AM_EV_RELEASE,
        .date = am_arena_strdup(&f->arena, date),
        .record_id = rec->record_id,
        .source_id = am_stmt_int64(st, 3),
        .source = rec->source,
        .snap_as_of = rec->date,
        .by_list = 0,
    };
    AM_VEC_PUSH(&f->ev, e);
}

static int by_seq(const void *x, const void *y)
{
    const struct am__vev *a = x, *b = y;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int load_facts(struct stmts *s, int64_t person_id, int64_t list_source,
                      struct person_facts *f, struct am_err *err)
{
    int rc;
    struct am_facts pf;
    if (am_facts_person(s->facts, person_id, &pf, err) < 0)
        return -1;
    for (size_t i = 0; i < pf.n_events; i++) {
        const struct am_fact_event *x = &pf.events[i];
        /* Known by --as-of: a record's facts by its list's date, others by their own. */
        const char *known = x->snap_as_of ? x->snap_as_of : x->date ? x->date : "";
        if (s->known_by && strcmp(known, s->known_by) > 0)
            continue;
        struct am__vev e = {
            .seq = x->seq,
            .type = (int)x->type,
            .date = am_arena_strdup(&f->arena, x->date),
            .record_id = x->record_id,
            .source_id = x->source_id,
            .source = am_arena_strdup(&f->arena, x->source),
            .snap_as_of = am_arena_strdup(&f->arena, x->snap_as_of),
            .by_list = x->by_list,
        };
        /* Only what other sources (or people, by hand) say counts as independent. */
        if (e.source_id != list_source)
            AM_VEC_PUSH(&f->ev, e);
    }
    /* In the order they were entered (import order, then by hand), as rules expect. */
    if (f->ev.n > 1)
        qsort(f->ev.v, f->ev.n, sizeof(*f->ev.v), by_seq);
    for (size_t i = 0; i < pf.n_charges; i++) {
        const struct am_fact_charge *x = &pf.charges[i];
        if (s->known_by && x->snap_as_of && strcmp(x->snap_as_of, s->known_by) > 0)
            continue;
        struct am_evidence e = {
            .date = am_arena_strdup(&f->arena, x->class_name), /* the class */
            .what = am_arena_strdup(&f->arena, x->raw),
            .record_id = x->record_id,
            .source = am_arena_strdup(&f->arena, x->source),
        };
        AM_VEC_PUSH(&f->charges, e);
    }
    am_stmt_reset(s->records);
    if (am_stmt_bind_int64(s->records, 1, person_id, err) < 0 ||
        am_stmt_bind_int64(s->records, 2, list_source, err) < 0 ||
        am_stmt_bind_text(s->records, 3, s->known_by, err) < 0)
        return -1;
    while ((rc = am_stmt_step(s->records, err)) == 1) {
        struct am_evidence e = {
            .record_id = am_stmt_int64(s->records, 0),
            .source = dup_col(&f->arena, s->records, 1),
            .date = dup_col(&f->arena, s->records, 2),
            .what = "record",
        };
        AM_VEC_PUSH(&f->other_records, e);
        add_record_release(f, s->records, &e);
    }
    return rc < 0 ? -1 : 0;
}

static void add_evidence(struct builder *b, int64_t record_id, const char *source, const char *date,
                         const char *what)
{
    struct am_arena *a = &b->audit->arena;
    struct am_evidence e = {
        .record_id = record_id,
        .source = am_arena_strdup(a, source),
        .date = am_arena_strdup(a, date),
        .what = am_arena_strdup(a, what),
    };
    AM_VEC_PUSH(&b->evidence, e);
}

static void add_event_evidence(struct builder *b, const struct am__vev *e)
{
    add_evidence(b, e->record_id, e->source ? e->source : "manual entry",
                 e->date ? e->date : e->snap_as_of,
                 e->type >= 0 ? am__verify_event_name(e->type) : "event");
}

/* Closes the flag being built: moves the evidence gathered so far into the arena. */
static void add_flag(struct builder *b, enum am_flag flag, const char *why)
{
    struct am_arena *a = &b->audit->arena;
    struct am_audit_flag f = {.flag = flag, .why = am_arena_strdup(a, why)};
    if (b->evidence.n) {
        f.evidence = am_arena_alloc(a, b->evidence.n * sizeof(*f.evidence));
        memcpy(f.evidence, b->evidence.v, b->evidence.n * sizeof(*f.evidence));
        f.n_evidence = b->evidence.n;
    }
    b->evidence.n = 0;
    AM_VEC_PUSH(&b->flags, f);
}

static void day_before(const char *date, char out[11])
{
    int y = (int)strtol(date, NULL, 10), m = (int)strtol(date + 5, NULL, 10),
        d = (int)strtol(date + 8, NULL, 10);
    am_format_date(am_days_from_civil(y, m, d) - 1, out);
}

static int is_release_word(const char *status)
{
    return status &&
           (strcmp(status, "released") == 0 || strcmp(status, "released_with_measures") == 0);
}

/* Adds name to a sorted set of source names (kept in the audit arena). */
static void add_source(struct am_audit *audit, struct strset *set, const char *name)
{
    if (!name)
        name = "manual entry";
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->v[i], name) == 0)
            return;
    AM_VEC_PUSH(set, am_arena_strdup(&audit->arena, name));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A release dated with its list's own date: the list said "released" without saying
 * when, so import could only date it by the list. It says "released by then", not "on".
 */
static int dated_by_list(const struct am__vev *e)
{
    return e->by_list;
}

/* The flags of one linked, known row: everything that needs other sources' events. */
static void judge_known(struct builder *b, const struct row_in *r, const struct am_audit_row *out,
                        const struct person_facts *f, const char *list_date,
                        const char *process_start, int *confirmed, struct strset *sources)
{
    struct am_audit *audit = b->audit;
    const struct am__vev *ev = f->ev.v;
    size_t n = f->ev.n;
    char why[512];

    /* deceased: a death recorded elsewhere before the list's date. */
    int dead = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].type != AM_EV_DEATH)
            continue;
        const char *when = ev[i].date ? ev[i].date : ev[i].snap_as_of;
        if (when && list_date[0] && strcmp(when, list_date) <= 0) {
            add_event_evidence(b, &ev[i]);
            dead = 1;
        }
    }
    if (dead) {
        snprintf(why, sizeof(why), "another source records the death by the list's date %s",
                 list_date);
        add_flag(b, AM_FLAG_DECEASED, why);
    }

    /* not_detained: no other source ever recorded custody or a release. */
    size_t detentions = 0;
    for (size_t i = 0; i < n; i++)
        if (am__verify_is_detention(ev[i].type))
            detentions++;
    if (detentions == 0) {
        for (size_t i = 0; i < f->other_records.n; i++) {
            const struct am_evidence *e = &f->other_records.v[i];
            add_evidence(b, e->record_id, e->source, e->date, "record without a detention");
        }
        for (size_t i = 0; i < n; i++)
            if (ev[i].type == AM_EV_EXILE || ev[i].type == AM_EV_HIDING ||
                ev[i].type == AM_EV_CHARGE)
                add_event_evidence(b, &ev[i]);
        snprintf(why, sizeof(why),
                 "%zu record(s) in other sources know this person; none records an arrest, "
                 "a detention or a release",
                 f->other_records.n);
        add_flag(b, AM_FLAG_NOT_DETAINED, why);
        return;
    }
    *confirmed = 1;
    for (size_t i = 0; i < n; i++)
        if (am__verify_is_detention(ev[i].type) && !am__verify_is_release(ev[i].type))
            add_source(audit, sources, ev[i].source);
    if (!out->released || !process_start[0])
        return;

    const char *R = out->release_date;
    if (R && strcmp(R, process_start) < 0) {
        add_evidence(b, r->record_id, audit->list.source_name, R, "release date on the list");
        snprintf(why, sizeof(why),
                 "the list itself dates the release %s, before the process began on %s", R,
                 process_start);
        add_flag(b, AM_FLAG_RELEASED_EARLIER, why);
        return;
    }

    /* Before the process: what was the person's status the day before it began? */
    char before[11];
    day_before(process_start, before);
    long idx = -1;
    enum am_status st = am__verify_derive(ev, n, before, &idx);
    long last_release = -1;
    for (size_t i = 0; i < n; i++)
        if ((am__verify_is_release(ev[i].type) || ev[i].type == AM_EV_MEASURES_LIFTED) &&
            ev[i].date && strcmp(ev[i].date, before) <= 0 &&
            (last_release < 0 || strcmp(ev[i].date, ev[last_release].date) >= 0))
            last_release = (long)i;
    if (st == AM_STATUS_RELEASED || st == AM_STATUS_EXILED || st == AM_STATUS_IN_HIDING ||
        st == AM_STATUS_RELEASED_WITH_MEASURES) {
        /* Out of custody when the process began: released fully or with measures. */
        if (last_release >= 0)
            add_event_evidence(b, &ev[last_release]);
        if (idx >= 0 && idx != last_release)
            add_event_evidence(b, &ev[idx]);
        snprintf(why, sizeof(why), "already out of custody before the process began on %s (%s)",
                 process_start, am__verify_status_name(st));
        add_flag(b, AM_FLAG_RELEASED_EARLIER, why);
        if (st == AM_STATUS_RELEASED_WITH_MEASURES) {
            add_event_evidence(b, &ev[idx]);
            snprintf(why, sizeof(why),
                     "already out under measures before the process began on %s (since %s)",
                     process_start, ev[idx].date ? ev[idx].date : "an undated record");
            add_flag(b, AM_FLAG_UNDER_MEASURES, why);
        }
        return;
    }
    /*
     * Within the process: a release other sources date between the process start and the
     * list's date confirms the claim; a decree's list (the 2020 pardon) is carried out in
     * the days after it, so AM__VERIFY_GRACE_DAYS more are allowed. A release after that
     * was not the list's to claim.
     */
    char grace[11];
    const char *until = NULL;
    if (list_date[0]) {
        int y = (int)strtol(list_date, NULL, 10), m = (int)strtol(list_date + 5, NULL, 10),
            d = (int)strtol(list_date + 8, NULL, 10);
        am_format_date(am_days_from_civil(y, m, d) + AM__VERIFY_GRACE_DAYS, grace);
        until = grace;
    }
    long first_release = -1;
    for (size_t i = 0; i < n; i++)
        if (am__verify_is_release(ev[i].type) && ev[i].date &&
            strcmp(ev[i].date, process_start) >= 0 && (!until || strcmp(ev[i].date, until) <= 0)) {
            add_source(audit, sources, ev[i].source);
            if (first_release < 0 || strcmp(ev[i].date, ev[first_release].date) < 0)
                first_release = (long)i;
        }
    if (first_release >= 0)
        return;
    if (dead)
        return;

    /* still_detained (a): a record made after the claimed release states custody. */
    const char *since = R ? R : list_date;
    long held = -1;
    const char *held_at = NULL;
    struct am__vev *one = am_malloc(n * sizeof(*one));
    for (size_t i = 0; i < n; i++) {
        const char *at = ev[i].snap_as_of;
        if (!ev[i].record_id || !at || !since || strcmp(at, since) <= 0)
            continue;
        if (held_at && strcmp(at, held_at) <= 0)
            continue;
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            if (ev[j].record_id == ev[i].record_id)
                one[k++] = ev[j];
        long dec = -1;
        enum am_status st_rec = am__verify_derive(one, k, NULL, &dec);
        if ((st_rec == AM_STATUS_DETAINED || st_rec == AM_STATUS_DISAPPEARED ||
             st_rec == AM_STATUS_HOUSE_ARREST) &&
            dec >= 0 &&
            !(one[dec].type == AM_EV_ARREST && one[dec].date &&
              strcmp(one[dec].date, since) <= 0)) {
            /* the record's own statement of custody, not merely an old arrest date */
            for (size_t j = 0; j < n; j++)
                if (ev[j].record_id == one[dec].record_id && ev[j].seq == one[dec].seq)
                    held = (long)j;
            held_at = at;
        }
    }
    am_free(one);
    if (held >= 0) {
        add_event_evidence(b, &ev[held]);
        snprintf(why, sizeof(why), "listed as released (%s) but %s's list of %s records %s", since,
                 ev[held].source ? ev[held].source : "a manual entry", held_at,
                 am__verify_status_name(am__verify_event_effect(ev[held].type)));
        add_flag(b, AM_FLAG_STILL_DETAINED, why);
        return;
    }

    /* still_detained (b): held at the list's date, released only after it. */
    long later = -1;
    for (size_t i = 0; i < n; i++)
        if (am__verify_is_release(ev[i].type) && ev[i].date && until &&
            strcmp(ev[i].date, until) > 0 && !dated_by_list(&ev[i]) &&
            (later < 0 || strcmp(ev[i].date, ev[later].date) < 0))
            later = (long)i;
    long at_list = -1;
    enum am_status st_list = am__verify_derive(ev, n, until, &at_list);
    if (later >= 0 && (st_list == AM_STATUS_DETAINED || st_list == AM_STATUS_DISAPPEARED ||
                       st_list == AM_STATUS_HOUSE_ARREST)) {
        if (at_list >= 0)
            add_event_evidence(b, &ev[at_list]);
        add_event_evidence(b, &ev[later]);
        snprintf(why, sizeof(why),
                 "listed as released (%s) but other sources show %s until %s and a release "
                 "only on %s",
                 since, am__verify_status_name(st_list), until, ev[later].date);
        add_flag(b, AM_FLAG_STILL_DETAINED, why);
        return;
    }

    for (size_t i = 0; i < n; i++)
        if (am__verify_is_custody(ev[i].type))
            add_event_evidence(b, &ev[i]);
    snprintf(why, sizeof(why),
             "the detention is confirmed, but no other source records a release between %s "
             "and %s",
             process_start, until ? until : "(none)");
    add_flag(b, AM_FLAG_RELEASE_UNCONFIRMED, why);
}

/*
 * --law: a person the law excludes is flagged not_political, with the law's deciding
 * reasons as evidence (joined to the flag the charges raised, if any).
 */
static void judge_law(struct builder *b, const struct stmts *s, int64_t person_id)
{
    struct am_law_person *p = am_law_population_find(s->pop, person_id);
    if (!p)
        return;
    struct am_law_verdict v;
    am_law_eval(s->law, &p->facts, &v);
    if (v.outcome != AM_OUTCOME_EXCLUDED)
        return;
    struct am_buf text;
    am_buf_init(&text);
    for (size_t i = 0; i < v.n; i++) {
        const struct am_law_reason *reason = &v.reasons[i];
        if (reason->role != AM_REASON_DECIDED)
            continue;
        am_buf_reset(&text);
        am_law_reason_text(s->law, &p->facts, reason, &text);
        const struct am_law_origin *o = reason->charge >= 0 ? &p->charge_origin[reason->charge]
                                        : reason->fact < AM__FACT_COUNT ? &p->origin[reason->fact]
                                                                        : NULL;
        add_evidence(b, o ? o->record_id : 0, o && o->source ? o->source : am_law_id(s->law), NULL,
                     text.ptr);
    }
    am_buf_release(&text);
    char why[512];
    snprintf(why, sizeof(why), "the law %s excludes this person (rule %s)", am_law_id(s->law),
             am_law_rule_id(s->law, v.decider));
    /* One flag per name: the law's reasons join a not_political the charges raised. */
    for (size_t i = 0; i < b->flags.n; i++) {
        struct am_audit_flag *prev = &b->flags.v[i];
        if (prev->flag != AM_FLAG_NOT_POLITICAL)
            continue;
        char both[1024];
        snprintf(both, sizeof(both), "%s; %s", prev->why, why);
        size_t n_new = b->evidence.n, n_old = prev->n_evidence;
        struct am_evidence *all = am_arena_alloc(&b->audit->arena, (n_old + n_new) * sizeof(*all));
        memcpy(all, prev->evidence, n_old * sizeof(*all));
        memcpy(all + n_old, b->evidence.v, n_new * sizeof(*all));
        prev->evidence = all;
        prev->n_evidence = n_old + n_new;
        prev->why = am_arena_strdup(&b->audit->arena, both);
        b->evidence.n = 0;
        return;
    }
    add_flag(b, AM_FLAG_NOT_POLITICAL, why);
}

/*
 * A row linking joined to no record of another source: the audit's own search (match.c).
 * On a match the person's facts are read as for a linked row, and the row says which
 * record matched and how.
 */
static int find_match(struct stmts *s, const struct row_in *r, struct am_audit *audit,
                      struct am_audit_row *out, struct person_facts *f, struct am_err *err)
{
    if (!s->matcher &&
        !(s->matcher = am__verify_matcher_new(s->store, s->list_source, s->known_by, err)))
        return -1;
    struct am__verify_match_query q = {
        .person_id = r->person_id,
        .full_name = r->name,
        .name_order = r->name_order,
        .given_names = r->given_names,
        .surnames = r->surnames,
        .cedula = r->cedula,
        .sex = r->sex,
        .birth = r->birth,
        .state = r->state,
        .facility = r->facility,
        .charges = r->charges,
    };
    struct am__verify_match_result m;
    if (!am__verify_match(s->matcher, &q, &audit->arena, &m))
        return 0;
    size_t before = f->other_records.n;
    if (load_facts(s, m.person_id, audit->list.source_id, f, err) < 0)
        return -1;
    if (f->other_records.n == before)
        return 0; /* nothing of that person is dated by the audit's day */
    out->match_person = m.person_id;
    out->match_record = m.record_id;
    out->match_source = m.source;
    out->match_how = m.how;
    return 0;
}

/* Every flag of a matched row names the match first: the identity it stands on. */
static void add_match_evidence(struct builder *b, const struct am_audit_row *out)
{
    struct am_arena *a = &b->audit->arena;
    char what[320];
    snprintf(what, sizeof(what), "identity by the audit's match, not by linking: %s",
             out->match_how);
    for (size_t i = 0; i < b->flags.n; i++) {
        struct am_audit_flag *fl = &b->flags.v[i];
        struct am_evidence *all = am_arena_alloc(a, (fl->n_evidence + 1) * sizeof(*all));
        all[0] = (struct am_evidence){.record_id = out->match_record,
                                      .source = out->match_source,
                                      .date = NULL,
                                      .what = am_arena_strdup(a, what)};
        if (fl->n_evidence)
            memcpy(all + 1, fl->evidence, fl->n_evidence * sizeof(*all));
        fl->evidence = all;
        fl->n_evidence++;
    }
}

static int audit_row(struct stmts *s, struct am_audit *audit, const struct row_in *r,
                     struct am_audit_row *out, const struct am_audit_row *first_same,
                     struct am_err *err)
{
    struct builder b = {.audit = audit};
    struct person_facts f = {0};
    am_arena_init(&f.arena);
    struct strset sources = {0};
    int confirmed = 0, rc = -1;
    char why[512];
    const int64_t L = audit->list.source_id;

    if (r->person_id && load_facts(s, r->person_id, L, &f, err) < 0)
        goto done;

    /* unknown_identity: nothing elsewhere links to the row, or its cédula is another's. */
    int known = r->person_id && f.other_records.n > 0;
    int64_t judged_as = r->person_id;
    if (!known && find_match(s, r, audit, out, &f, err) < 0)
        goto done;
    if (out->match_person) {
        known = 1;
        judged_as = out->match_person;
        /* The match found the person of another row: linking split one person in two. */
        char pk[32];
        int64_t at;
        snprintf(pk, sizeof(pk), "p%lld", (long long)out->match_person);
        if (!first_same && am_strmap_get(&s->row_of_person, pk, &at) && audit->rows + at != out)
            first_same = &audit->rows[at];
    } else if (!r->person_id) {
        add_flag(&b, AM_FLAG_UNKNOWN_IDENTITY, "the row is linked to no person");
    } else if (!f.other_records.n) {
        snprintf(why, sizeof(why), "no source other than %s has a record of this person",
                 audit->list.source_name);
        add_flag(&b, AM_FLAG_UNKNOWN_IDENTITY, why);
    }
    if (r->cedula && *r->cedula) {
        am_stmt_reset(s->cedula);
        if (am_stmt_bind_text(s->cedula, 1, r->cedula, err) < 0 ||
            am_stmt_bind_int64(s->cedula, 2, r->record_id, err) < 0 ||
            am_stmt_bind_int64(s->cedula, 3, judged_as, err) < 0 ||
            am_stmt_bind_text(s->cedula, 4, s->known_by, err) < 0 ||
            am_stmt_bind_int64(s->cedula, 5, r->person_id, err) < 0 ||
            am_stmt_bind_int64(s->cedula, 6, audit->list.snapshot_id, err) < 0)
            goto done;
        int64_t other = 0;
        int step;
        while ((step = am_stmt_step(s->cedula, err)) == 1) {
            other = am_stmt_int64(s->cedula, 2);
            char what[160];
            snprintf(what, sizeof(what), "cedula %s on person %lld", r->cedula, (long long)other);
            add_evidence(&b, am_stmt_int64(s->cedula, 0), am_stmt_text(s->cedula, 1), NULL, what);
        }
        if (step < 0)
            goto done;
        if (b.evidence.n) {
            snprintf(why, sizeof(why), "cédula %s belongs to a different person (%lld)", r->cedula,
                     (long long)other);
            if (b.flags.n && b.flags.v[b.flags.n - 1].flag == AM_FLAG_UNKNOWN_IDENTITY) {
                /* One flag per name: the conflict joins the flag already raised. */
                struct am_audit_flag *prev = &b.flags.v[--b.flags.n];
                for (size_t i = 0; i < prev->n_evidence; i++)
                    AM_VEC_PUSH(&b.evidence, prev->evidence[i]);
                char both[1024];
                snprintf(both, sizeof(both), "%s; %s", prev->why, why);
                add_flag(&b, AM_FLAG_UNKNOWN_IDENTITY, both);
            } else {
                add_flag(&b, AM_FLAG_UNKNOWN_IDENTITY, why);
            }
        }
    }

    /* duplicate: the same person (or, unlinked, the same cédula) earlier in the list. */
    if (first_same) {
        add_evidence(&b, first_same->record_id, audit->list.source_name, NULL,
                     first_same->list_id ? first_same->list_id : "earlier row");
        snprintf(why, sizeof(why), "the same person %s on the list at row %lld",
                 first_same->row_no < out->row_no ? "is already" : "is again",
                 (long long)first_same->row_no);
        add_flag(&b, AM_FLAG_DUPLICATE, why);
    }

    if (known)
        judge_known(&b, r, out, &f, audit->list.as_of, audit->process_start, &confirmed, &sources);

    /*
     * not_political: every known charge is homicide, drugs or a common crime. Not asked of
     * a person never held: that is no prisoner, whatever the charges.
     */
    int never_held = b.flags.n && b.flags.v[b.flags.n - 1].flag == AM_FLAG_NOT_DETAINED;
    if (f.charges.n && !never_held) {
        size_t common = 0;
        for (size_t i = 0; i < f.charges.n; i++)
            if (am__verify_class_not_political(f.charges.v[i].date))
                common++;
        if (common == f.charges.n) {
            for (size_t i = 0; i < f.charges.n; i++) {
                const struct am_evidence *c = &f.charges.v[i];
                char what[512];
                snprintf(what, sizeof(what), "%s (%s)", c->what, c->date);
                add_evidence(&b, c->record_id, c->source, NULL, what);
            }
            snprintf(why, sizeof(why),
                     "all %zu charge(s) on record are homicide, drugs or common crimes",
                     f.charges.n);
            add_flag(&b, AM_FLAG_NOT_POLITICAL, why);
        }
    }
    if (s->law && judged_as && !never_held)
        judge_law(&b, s, judged_as);
    if (out->match_person)
        add_match_evidence(&b, out);

    out->n_flags = b.flags.n;
    if (b.flags.n) {
        out->flags = am_arena_alloc(&audit->arena, b.flags.n * sizeof(*out->flags));
        memcpy(out->flags, b.flags.v, b.flags.n * sizeof(*out->flags));
    }
    out->verified = confirmed && b.flags.n == 0;
    if (sources.n) {
        qsort(sources.v, sources.n, sizeof(sources.v[0]), cmp_str);
        out->sources = am_arena_alloc(&audit->arena, sources.n * sizeof(*out->sources));
        memcpy(out->sources, sources.v, sources.n * sizeof(*out->sources));
        out->n_sources = sources.n;
    }
    rc = 0;
done:
    AM_VEC_FREE(&b.flags);
    AM_VEC_FREE(&b.evidence);
    AM_VEC_FREE(&sources);
    facts_release(&f);
    return rc;
}

/* Reads the rows; decides for each whether and when it claims a release. */
static int read_rows(struct am_store *store, struct stmts *s, struct am_audit *audit,
                     struct rowvec *rows, struct am_err *err)
{
    struct am_arena *a = &audit->arena;
    struct am_stmt *st = am_stmt_prepare(store, sql_rows, err);
    if (!st || am_stmt_bind_int64(st, 1, audit->list.snapshot_id, err) < 0) {
        am_stmt_finalize(st);
        return -1;
    }
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct row_in r = {
            .record_id = am_stmt_int64(st, 0),
            .row_no = am_stmt_int64(st, 1),
            .list_id = dup_col(a, st, 2),
            .name = dup_col(a, st, 3),
            .cedula = dup_col(a, st, 4),
            .status = dup_col(a, st, 5),
            .status_date = dup_col(a, st, 6),
            .release_date = dup_col(a, st, 7),
            .person_id = am_stmt_is_null(st, 8) ? 0 : am_stmt_int64(st, 8),
            .name_order = dup_col(a, st, 9),
            .given_names = dup_col(a, st, 10),
            .surnames = dup_col(a, st, 11),
            .sex = dup_col(a, st, 12),
            .birth = dup_col(a, st, 13),
            .state = dup_col(a, st, 14),
            .facility = dup_col(a, st, 15),
            .charges = dup_col(a, st, 16),
        };
        AM_VEC_PUSH(rows, r);
    }
    am_stmt_finalize(st);
    if (rc < 0)
        return -1;
    (void)s;
    return 0;
}

static int row_release(struct stmts *s, const struct row_in *r, struct am_arena *a,
                       const char *list_date, int *released, const char **date, struct am_err *err)
{
    *released = is_release_word(r->status) || (r->release_date && *r->release_date);
    *date = r->release_date && *r->release_date ? r->release_date : NULL;
    struct am_facts own;
    if (am_facts_record(s->facts, r->record_id, &own, err) < 0)
        return -1;
    /* The first release the row gives (in the order it gives them) that has a date. */
    const struct am_fact_event *first = NULL;
    for (size_t i = 0; i < own.n_events; i++) {
        const struct am_fact_event *e = &own.events[i];
        if (!am__verify_is_release((int)e->type))
            continue;
        *released = 1;
        if (e->date && (!first || e->seq < first->seq))
            first = e;
    }
    if (!*date && first)
        *date = am_arena_strdup(a, first->date);
    if (*released && !*date)
        *date =
            r->status_date && *r->status_date ? r->status_date : (list_date[0] ? list_date : NULL);
    return 0;
}

int am_audit_run(struct am_store *store, const struct am_verify_list *list,
                 const struct am_audit_options *opt, struct am_audit *out, struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    am_arena_init(&out->arena);
    out->list = *list;
    if (opt && opt->process_start &&
        am_verify_date_check(opt->process_start, "--process-start", err) < 0)
        return -1;
    if (opt && opt->known_by && am_verify_date_check(opt->known_by, "--as-of", err) < 0)
        return -1;

    struct stmts s = {0};
    am_strmap_init(&s.row_of_person);
    s.known_by = opt ? opt->known_by : NULL;
    struct rowvec rows = {0};
    int rc = -1;
    if (!(s.facts = am_facts_reader_new(store, err)) ||
        !(s.records = am_stmt_prepare(store, sql_records, err)) ||
        !(s.cedula = am_stmt_prepare(store, sql_cedula, err)))
        goto done;
    if (read_rows(store, &s, out, &rows, err) < 0)
        goto done;
    s.store = store;
    s.list_source = list->source_id;
    struct am_law_population pop;
    memset(&pop, 0, sizeof(pop));
    if (opt && opt->law) {
        /* The law sees each person as the registry knew them on the list's date. */
        int y = 0, m = 0, d = 0;
        if (sscanf(out->list.as_of, "%4d-%2d-%2d", &y, &m, &d) != 3)
            am_civil_from_days(am_today(), &y, &m, &d);
        if (am_law_population_load(store, am_days_from_civil(y, m, d), &pop, err) < 0)
            goto done;
        s.law = opt->law;
        s.pop = &pop;
    }

    out->n_rows = rows.n;
    out->rows = am_arena_alloc(&out->arena, (rows.n ? rows.n : 1) * sizeof(*out->rows));
    for (size_t i = 0; i < rows.n; i++) {
        struct am_audit_row *o = &out->rows[i];
        o->record_id = rows.v[i].record_id;
        o->row_no = rows.v[i].row_no;
        o->list_id = rows.v[i].list_id;
        o->name = rows.v[i].name;
        o->person_id = rows.v[i].person_id;
        if (row_release(&s, &rows.v[i], &out->arena, out->list.as_of, &o->released,
                        &o->release_date, err) < 0)
            goto done;
        if (o->released && o->release_date && am__verify_date_valid(o->release_date) &&
            (!out->process_start[0] || strcmp(o->release_date, out->process_start) < 0))
            snprintf(out->process_start, sizeof(out->process_start), "%s", o->release_date);
    }
    if (opt && opt->process_start)
        snprintf(out->process_start, sizeof(out->process_start), "%s", opt->process_start);

    /* The first row of each person (or, unlinked, of each cédula) marks later ones; a row
     * the audit's match finds to be another row's person is marked too. */
    struct am_strmap seen;
    am_strmap_init(&seen);
    for (size_t i = rows.n; i-- > 0;) {
        char key[32];
        if (!rows.v[i].person_id)
            continue;
        snprintf(key, sizeof(key), "p%lld", (long long)rows.v[i].person_id);
        am_strmap_put(&s.row_of_person, key, (int64_t)i);
    }
    for (size_t i = 0; i < rows.n; i++) {
        const struct row_in *r = &rows.v[i];
        char key[96], ckey[96];
        key[0] = ckey[0] = '\0';
        if (r->person_id)
            snprintf(key, sizeof(key), "p%lld", (long long)r->person_id);
        /* The same cédula twice in one list is one person twice, even when linking kept
         * the two rows apart ("RAMIREZ SOTO JOSE GREGORIO" and "RAMIREZ JOSE G."). */
        if (r->cedula && *r->cedula)
            snprintf(ckey, sizeof(ckey), "c%.80s", r->cedula);
        const struct am_audit_row *first = NULL;
        int64_t at;
        if (key[0] && am_strmap_get(&seen, key, &at))
            first = &out->rows[at];
        else if (ckey[0] && am_strmap_get(&seen, ckey, &at))
            first = &out->rows[at];
        if (key[0] && !am_strmap_get(&seen, key, NULL))
            am_strmap_put(&seen, key, (int64_t)i);
        if (ckey[0] && !am_strmap_get(&seen, ckey, NULL))
            am_strmap_put(&seen, ckey, (int64_t)i);
        if (audit_row(&s, out, r, &out->rows[i], first, err) < 0) {
            am_strmap_release(&seen);
            goto done;
        }
        struct am_audit_row *o = &out->rows[i];
        if (o->verified)
            out->verified++;
        if (o->n_flags)
            out->flagged++;
        for (size_t k = 0; k < o->n_flags; k++)
            out->flag_count[o->flags[k].flag]++;
    }
    am_strmap_release(&seen);
    rc = 0;
done:
    if (s.pop)
        am_law_population_release(s.pop);
    AM_VEC_FREE(&rows);
    stmts_finalize(&s);
    return rc;
}

void am_audit_release(struct am_audit *audit)
{
    if (!audit)
        return;
    am_arena_release(&audit->arena);
    memset(audit, 0, sizeof(*audit));
}
