/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * audit: each flag on a small hand-written registry (and the near misses that must not
 * raise it), a list with every flag at once, the 2020 pardon replayed (110 rows: 50
 * verified, 37 never detained, 16 under measures, 7 already free), the JSON document,
 * and every error path of choosing a list and a process start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "amnistia/law.h"
#include "amnistia/verify.h"
#include "verify/fixture.h"
#include "verify/groups.h"

/* The cast of every test: an official release list and two NGO lists around it. */
struct world {
    struct fx fx;
    int64_t gov, ngo_a, ngo_b, press; /* snapshots */
    int n;
};

static void world_open(struct world *w, const char *name)
{
    fx_open(&w->fx, name);
    w->gov = fx_snapshot(&w->fx, fx_source(&w->fx, "ministerio", "official"), "2026-01-26");
    w->ngo_a = fx_snapshot(&w->fx, fx_source(&w->fx, "ngo-a", "ngo"), "2025-12-30");
    w->ngo_b = fx_snapshot(&w->fx, fx_source(&w->fx, "ngo-b", "ngo"), "2026-02-10");
    w->press = fx_snapshot(&w->fx, fx_source(&w->fx, "prensa", "press"), "2026-01-15");
    w->n = 0;
}

static int64_t person(struct world *w)
{
    char name[64];
    snprintf(name, sizeof(name), "Persona Sintetica %d", ++w->n);
    return fx_person(&w->fx, name, NULL);
}

/* A record of person p in snapshot snap, with one event of type at date (NULL: none). */
static int64_t seen(struct world *w, int64_t snap, int64_t p, const char *type, const char *date)
{
    int64_t r = fx_record(&w->fx, snap, NULL, "Persona Sintetica", NULL, NULL, NULL, p);
    if (type)
        fx_event(&w->fx, p, type, date, r);
    return r;
}

/* A row of the official list: p released on date (the list's claim). */
static int64_t listed(struct world *w, int64_t p, const char *date)
{
    char id[16];
    snprintf(id, sizeof(id), "G-%03d", w->n);
    int64_t r = fx_record(&w->fx, w->gov, id, "Persona Sintetica", NULL, "released", date, p);
    if (p)
        fx_event(&w->fx, p, "release", date, r);
    return r;
}

/* A person the NGOs saw arrested and released within the process: the genuine case. */
static int64_t genuine(struct world *w)
{
    int64_t p = person(w);
    seen(w, w->ngo_a, p, "arrest", "2024-08-01");
    seen(w, w->ngo_b, p, "release_with_measures", "2026-01-10");
    listed(w, p, "2026-01-10");
    return p;
}

static void run_audit(struct world *w, const char *start, struct am_audit *a)
{
    struct am_err err = AM_ERR_INIT;
    struct am_verify_list list;
    assert_int_equal(am_verify_list_resolve(w->fx.s, "ministerio", 1, &list, &err), 0);
    struct am_audit_options opt = {.process_start = start};
    int rc = am_audit_run(w->fx.s, &list, &opt, a, &err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
}

static const struct am_audit_flag *flag_of(const struct am_audit_row *r, enum am_flag f)
{
    for (size_t i = 0; i < r->n_flags; i++)
        if (r->flags[i].flag == f)
            return &r->flags[i];
    return NULL;
}

/* The row's flags as "a,b" for compact assertions. */
static const char *flags_str(const struct am_audit_row *r, char *buf, size_t n)
{
    buf[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < r->n_flags; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "",
                                am_flag_name(r->flags[i].flag));
    return buf;
}

static void assert_row(const struct am_audit *a, size_t i, const char *flags)
{
    char buf[256];
    assert_true(i < a->n_rows);
    assert_string_equal(flags_str(&a->rows[i], buf, sizeof(buf)), flags);
    assert_int_equal(a->rows[i].verified, flags[0] == '\0');
}

static void test_verified(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "verified");
    genuine(&w);
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_int_equal(a.n_rows, 1);
    assert_row(&a, 0, "");
    assert_string_equal(a.process_start, "2026-01-10");
    assert_int_equal(a.rows[0].n_sources, 2);
    assert_string_equal(a.rows[0].sources[0], "ngo-a");
    assert_string_equal(a.rows[0].sources[1], "ngo-b");
    assert_int_equal(a.verified, 1);
    assert_int_equal(a.flagged, 0);
    am_audit_release(&a);

    /* Known by 1 February: ngo-b's list of the 10th, with the release, is not yet in. */
    struct am_err err = AM_ERR_INIT;
    struct am_verify_list list;
    assert_int_equal(am_verify_list_resolve(w.fx.s, "ministerio", 1, &list, &err), 0);
    struct am_audit_options opt = {.known_by = "2026-02-01"};
    assert_int_equal(am_audit_run(w.fx.s, &list, &opt, &a, &err), 0);
    assert_row(&a, 0, "release_unconfirmed");
    am_audit_release(&a);
    /* Before ngo-a's list too: nobody else knows the person. */
    opt.known_by = "2025-12-01";
    assert_int_equal(am_audit_run(w.fx.s, &list, &opt, &a, &err), 0);
    assert_row(&a, 0, "unknown_identity");
    am_audit_release(&a);
    opt.known_by = "1 Feb";
    assert_int_equal(am_audit_run(w.fx.s, &list, &opt, &a, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    assert_string_equal(err.msg, "--as-of '1 Feb' is not a date; write it as YYYY-MM-DD");
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_unknown_identity(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "unknown");
    genuine(&w);
    /* 1: linked to no person at all. */
    listed(&w, 0, "2026-01-11");
    /* 2: a person only the ministry knows (two of its own snapshots do not count). */
    int64_t only = person(&w);
    listed(&w, only, "2026-01-11");
    int64_t gov_old = fx_snapshot(&w.fx, fx_snapshot_source(&w.fx, w.gov), "2025-12-01");
    seen(&w, gov_old, only, "arrest", "2025-11-01");
    /* 3: known and confirmed, but the list's cédula is another person's. */
    int64_t p = person(&w), q = person(&w);
    seen(&w, w.ngo_a, p, "arrest", "2024-08-01");
    seen(&w, w.ngo_b, p, "release", "2026-01-12");
    int64_t rq = fx_record(&w.fx, w.ngo_a, NULL, "Otra Persona", "12345678", NULL, NULL, q);
    int64_t row = fx_record(&w.fx, w.gov, "G-X", "Persona Sintetica", "12345678", "released",
                            "2026-01-12", p);
    (void)row;
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_int_equal(a.n_rows, 4);
    assert_row(&a, 0, "");
    assert_row(&a, 1, "unknown_identity");
    assert_string_equal(a.rows[1].flags[0].why, "the row is linked to no person");
    assert_row(&a, 2, "unknown_identity");
    assert_non_null(strstr(a.rows[2].flags[0].why, "no source other than ministerio"));
    /* The cédula conflict keeps the rest of the audit: the release is confirmed. */
    assert_row(&a, 3, "unknown_identity");
    const struct am_audit_flag *f = flag_of(&a.rows[3], AM_FLAG_UNKNOWN_IDENTITY);
    assert_non_null(strstr(f->why, "12345678 belongs to a different person"));
    assert_int_equal(f->n_evidence, 1);
    assert_int_equal(f->evidence[0].record_id, rq);
    assert_string_equal(f->evidence[0].source, "ngo-a");
    assert_int_equal(a.flag_count[AM_FLAG_UNKNOWN_IDENTITY], 3);
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_unlinked_and_conflicting_cedula(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "unlinked_cedula");
    int64_t q = person(&w);
    fx_record(&w.fx, w.ngo_a, NULL, "Otra Persona", "V9", NULL, NULL, q);
    fx_record(&w.fx, w.gov, "G-1", "Persona", "V9", "released", "2026-01-10", 0);
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_row(&a, 0, "unknown_identity");
    const struct am_audit_flag *f = &a.rows[0].flags[0];
    assert_non_null(strstr(f->why, "linked to no person; cédula V9 belongs"));
    assert_int_equal(f->n_evidence, 1);
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_not_detained(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "not_detained");
    genuine(&w);
    /* In exile since 2019, charged in absentia: never held. */
    int64_t p = person(&w);
    int64_t r = seen(&w, w.press, p, "exile", "2019-05-01");
    fx_event(&w.fx, p, "charge", "2019-03-01", r);
    listed(&w, p, "2026-01-10");
    /* Known to an NGO with no event at all; a robbery charge does not make a prisoner. */
    int64_t p2 = person(&w);
    int64_t r2 = seen(&w, w.ngo_a, p2, NULL, NULL);
    fx_charge(&w.fx, p2, "Robo", "common", r2);
    listed(&w, p2, "2026-01-10");
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_row(&a, 0, "");
    assert_row(&a, 1, "not_detained");
    const struct am_audit_flag *f = &a.rows[1].flags[0];
    assert_non_null(strstr(f->why, "none records an arrest"));
    assert_int_equal(f->n_evidence, 3); /* the press record, the exile, the charge */
    assert_int_equal(f->evidence[0].record_id, r);
    assert_string_equal(f->evidence[0].source, "prensa");
    assert_string_equal(f->evidence[1].what, "exile");
    assert_string_equal(f->evidence[1].date, "2019-05-01");
    assert_row(&a, 2, "not_detained");
    /* The ministry's own release event is not evidence of a detention. */
    assert_int_equal(a.flag_count[AM_FLAG_NOT_DETAINED], 2);
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_released_earlier(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "released_earlier");
    genuine(&w);
    /* Released in 2021. */
    int64_t p = person(&w);
    seen(&w, w.ngo_a, p, "arrest", "2019-04-30");
    int64_t rr = seen(&w, w.ngo_a, p, "release", "2021-03-01");
    listed(&w, p, "2026-01-15");
    /* Released, then went into exile: still free before the process. */
    int64_t p2 = person(&w);
    seen(&w, w.ngo_a, p2, "arrest", "2018-01-01");
    seen(&w, w.ngo_a, p2, "release", "2018-06-01");
    seen(&w, w.press, p2, "exile", "2019-01-01");
    listed(&w, p2, "2026-01-15");
    /* Released earlier, re-arrested, released in the process: genuine. */
    int64_t p3 = person(&w);
    seen(&w, w.ngo_a, p3, "arrest", "2018-01-01");
    seen(&w, w.ngo_a, p3, "release", "2018-06-01");
    seen(&w, w.ngo_a, p3, "rearrest", "2024-08-05");
    seen(&w, w.ngo_b, p3, "release", "2026-01-15");
    listed(&w, p3, "2026-01-15");
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_string_equal(a.process_start, "2026-01-10");
    assert_row(&a, 0, "");
    assert_row(&a, 1, "released_earlier");
    const struct am_audit_flag *f = &a.rows[1].flags[0];
    assert_non_null(strstr(f->why, "before the process began on 2026-01-10"));
    assert_int_equal(f->evidence[0].record_id, rr);
    assert_string_equal(f->evidence[0].date, "2021-03-01");
    assert_string_equal(f->evidence[0].what, "release");
    assert_row(&a, 2, "released_earlier");
    assert_row(&a, 3, "");
    am_audit_release(&a);
    fx_close(&w.fx);
}

/*
 * A release another source dates in its release_date column counts, whatever its status
 * column says now and although import made no event of it (the status was not a release).
 */
static void test_record_release_date(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "record_release_date");
    genuine(&w);
    /* Press: arrested 2019, now "exiled", the court's release order dated 2019-10-18. */
    int64_t p = person(&w);
    int64_t r = fx_record(&w.fx, w.press, "P-1", "Persona Sintetica", NULL, "exiled", "2019-10-18",
                          p);
    fx_event(&w.fx, p, "arrest", "2019-09-16", r);
    fx_event(&w.fx, p, "exile", "2026-01-15", r); /* dated by the list: undated exile */
    listed(&w, p, "2026-01-12");
    /* The same with measures listed: out under measures before the process. */
    int64_t p2 = person(&w);
    int64_t r2 = fx_record(&w.fx, w.ngo_a, "N-2", "Persona Sintetica", NULL, NULL,
                           "2022-06-01", p2);
    fx_record_set(&w.fx, r2, "measures", "presentación periódica");
    fx_event(&w.fx, p2, "arrest", "2022-01-01", r2);
    listed(&w, p2, "2026-01-12");
    /* Released 2017, re-arrested 2024 (the status event), released in the process: the old
     * release date does not make the row an earlier release. */
    int64_t p3 = person(&w);
    int64_t r3 = fx_record(&w.fx, w.ngo_a, "N-3", "Persona Sintetica", NULL, "detained",
                           "2017-11-04", p3);
    fx_event(&w.fx, p3, "arrest", "2017-05-01", r3);
    fx_event(&w.fx, p3, "arrest", "2024-08-10", r3);
    seen(&w, w.ngo_b, p3, "release_with_measures", "2026-01-12");
    listed(&w, p3, "2026-01-12");
    /* A release date inside the process confirms the row: verified by that source. */
    int64_t p4 = person(&w);
    int64_t r4 = fx_record(&w.fx, w.ngo_b, "N-4", "Persona Sintetica", NULL, "exiled",
                           "2026-01-20", p4);
    fx_event(&w.fx, p4, "arrest", "2024-08-02", r4);
    listed(&w, p4, "2026-01-20");
    /* A malformed release date is no evidence: the release stays unconfirmed. */
    int64_t p5 = person(&w);
    int64_t r5 = fx_record(&w.fx, w.ngo_a, "N-5", "Persona Sintetica", NULL, "detained",
                           "2019-02-30", p5);
    fx_event(&w.fx, p5, "arrest", "2018-03-03", r5);
    listed(&w, p5, "2026-01-12");
    /* A record whose release event already carries the date adds no second release. */
    int64_t p6 = person(&w);
    int64_t r6 = fx_record(&w.fx, w.ngo_a, "N-6", "Persona Sintetica", NULL, "released",
                           "2021-03-01", p6);
    fx_event(&w.fx, p6, "arrest", "2020-01-01", r6);
    fx_event(&w.fx, p6, "release", "2021-03-01", r6);
    listed(&w, p6, "2026-01-12");

    struct am_audit a;
    run_audit(&w, "2026-01-10", &a);
    assert_row(&a, 0, "");
    assert_row(&a, 1, "released_earlier");
    const struct am_audit_flag *f = &a.rows[1].flags[0];
    assert_int_equal(f->evidence[0].record_id, r);
    assert_string_equal(f->evidence[0].source, "prensa");
    assert_string_equal(f->evidence[0].date, "2019-10-18");
    assert_string_equal(f->evidence[0].what, "release");
    assert_row(&a, 2, "released_earlier,under_measures");
    f = flag_of(&a.rows[2], AM_FLAG_UNDER_MEASURES);
    assert_int_equal(f->evidence[0].record_id, r2);
    assert_string_equal(f->evidence[0].what, "release_with_measures");
    assert_row(&a, 3, "");
    assert_row(&a, 4, "");
    assert_int_equal(a.rows[4].n_sources, 1);
    assert_string_equal(a.rows[4].sources[0], "ngo-b");
    assert_row(&a, 5, "release_unconfirmed");
    assert_row(&a, 6, "released_earlier");
    f = &a.rows[6].flags[0];
    assert_int_equal(f->n_evidence, 1); /* one release, not the event and the column twice */
    assert_int_equal(f->evidence[0].record_id, r6);
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_process_start_option(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "process_start");
    int64_t p = person(&w);
    seen(&w, w.ngo_a, p, "arrest", "2024-08-01");
    seen(&w, w.ngo_b, p, "release", "2026-01-05");
    listed(&w, p, "2026-01-05");
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_row(&a, 0, "");
    am_audit_release(&a);
    /* The process began on the 8th: a release the list itself dates the 5th is earlier. */
    run_audit(&w, "2026-01-08", &a);
    assert_string_equal(a.process_start, "2026-01-08");
    assert_row(&a, 0, "released_earlier");
    assert_non_null(strstr(a.rows[0].flags[0].why, "the list itself dates the release"));
    am_audit_release(&a);
    /* A malformed date is a usage error naming the option. */
    struct am_err err = AM_ERR_INIT;
    struct am_verify_list list;
    assert_int_equal(am_verify_list_resolve(w.fx.s, "ministerio", 1, &list, &err), 0);
    struct am_audit_options opt = {.process_start = "2026-02-30"};
    assert_int_equal(am_audit_run(w.fx.s, &list, &opt, &a, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    assert_string_equal(err.msg,
                        "--process-start '2026-02-30' is not a date; write it as YYYY-MM-DD");
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_under_measures(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "under_measures");
    genuine(&w);
    int64_t p = person(&w);
    seen(&w, w.ngo_a, p, "arrest", "2019-01-01");
    int64_t rm = seen(&w, w.ngo_a, p, "release_with_measures", "2022-06-01");
    listed(&w, p, "2026-01-12");
    /* Measures revoked to detention before the process, then released in it: genuine. */
    int64_t p2 = person(&w);
    seen(&w, w.ngo_a, p2, "arrest", "2019-01-01");
    seen(&w, w.ngo_a, p2, "release_with_measures", "2022-06-01");
    seen(&w, w.ngo_a, p2, "measures_revoked", "2025-03-01");
    seen(&w, w.ngo_b, p2, "release", "2026-01-12");
    listed(&w, p2, "2026-01-12");
    struct am_audit a;
    run_audit(&w, NULL, &a);
    /* Out under measures is out of custody: released earlier, and under measures. */
    assert_row(&a, 1, "released_earlier,under_measures");
    const struct am_audit_flag *f = flag_of(&a.rows[1], AM_FLAG_UNDER_MEASURES);
    assert_non_null(strstr(f->why, "since 2022-06-01"));
    assert_int_equal(f->n_evidence, 1);
    assert_int_equal(f->evidence[0].record_id, rm);
    f = flag_of(&a.rows[1], AM_FLAG_RELEASED_EARLIER);
    assert_non_null(strstr(f->why, "(released_with_measures)"));
    assert_int_equal(f->evidence[0].record_id, rm);
    assert_row(&a, 2, "");
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_still_detained(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "still_detained");
    genuine(&w);
    /* The ministry says released on the 10th; an NGO sees the person held on Feb 10th. */
    int64_t p = person(&w);
    seen(&w, w.ngo_a, p, "arrest", "2024-08-01");
    int64_t rd = seen(&w, w.ngo_b, p, "detention_confirmed", "2026-02-10");
    listed(&w, p, "2026-01-10");
    /* Released for real, then revoked after speaking to the press: not still detained. */
    int64_t p2 = person(&w);
    seen(&w, w.ngo_a, p2, "arrest", "2024-08-01");
    seen(&w, w.press, p2, "release_with_measures", "2026-01-11");
    seen(&w, w.ngo_b, p2, "measures_revoked", "2026-02-01");
    listed(&w, p2, "2026-01-11");
    /* Held at an earlier date than the claimed release: only unconfirmed. */
    int64_t p3 = person(&w);
    seen(&w, w.ngo_a, p3, "detention_confirmed", "2025-12-30");
    listed(&w, p3, "2026-01-11");
    /* Released only in March, long after the list of 26 January: held at its date. */
    int64_t p4 = person(&w);
    seen(&w, w.ngo_a, p4, "arrest", "2024-08-01");
    int64_t later = fx_snapshot(&w.fx, fx_snapshot_source(&w.fx, w.ngo_b), "2026-03-30");
    int64_t rl = seen(&w, later, p4, "release_with_measures", "2026-03-25");
    listed(&w, p4, "2026-01-12");
    /* Released a week after the list: within the grace a decree's list is allowed. */
    int64_t p5 = person(&w);
    seen(&w, w.ngo_a, p5, "arrest", "2024-08-01");
    seen(&w, later, p5, "release", "2026-02-03");
    listed(&w, p5, "2026-01-12");
    /* "Released" on a later list without a date: released by then, not on that day. */
    int64_t p7 = person(&w);
    seen(&w, w.ngo_a, p7, "arrest", "2024-08-01");
    seen(&w, later, p7, "release", "2026-03-30");
    listed(&w, p7, "2026-01-12");
    /* An old arrest date on a later list is history, not a statement of custody. */
    int64_t p6 = person(&w);
    seen(&w, w.ngo_b, p6, "arrest", "2024-08-01");
    listed(&w, p6, "2026-01-12");
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_row(&a, 4, "still_detained");
    const struct am_audit_flag *f4 = &a.rows[4].flags[0];
    assert_string_equal(f4->why, "listed as released (2026-01-12) but other sources show "
                                 "detained until 2026-02-10 and a release only on 2026-03-25");
    assert_int_equal(f4->evidence[1].record_id, rl);
    assert_row(&a, 5, "");
    assert_row(&a, 6, "release_unconfirmed");
    assert_row(&a, 7, "release_unconfirmed");
    assert_row(&a, 1, "still_detained");
    const struct am_audit_flag *f = &a.rows[1].flags[0];
    assert_string_equal(f->why,
                        "listed as released (2026-01-10) but ngo-b's list of 2026-02-10 records "
                        "detained");
    assert_int_equal(f->evidence[0].record_id, rd);
    assert_row(&a, 2, "");
    assert_row(&a, 3, "release_unconfirmed");
    assert_non_null(strstr(a.rows[3].flags[0].why, "no other source records a release"));
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_not_political(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "not_political");
    int64_t p = genuine(&w);
    int64_t rc = seen(&w, w.ngo_a, p, NULL, NULL);
    fx_charge(&w.fx, p, "Robo agravado", "common", rc);
    /* The ministry's own charges count too: the catalog class, not the teller, decides. */
    int64_t p2 = genuine(&w);
    fx_charge(&w.fx, p2, "Homicidio intencional", "homicide", 0);
    fx_charge(&w.fx, p2, "Tráfico de drogas", "drugs", 0);
    /* A political charge beside a common one: political. */
    int64_t p3 = genuine(&w);
    fx_charge(&w.fx, p3, "Robo", "common", 0);
    fx_charge(&w.fx, p3, "Terrorismo", "political", 0);
    /* An uncatalogued charge is never read as common. */
    int64_t p4 = genuine(&w);
    fx_charge(&w.fx, p4, "Robo", "common", 0);
    fx_charge(&w.fx, p4, "Algo raro", "unknown", 0);
    /* Military charges are a soldier's, political. */
    int64_t p5 = genuine(&w);
    fx_charge(&w.fx, p5, "Rebelión militar", "military", 0);
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_row(&a, 0, "not_political");
    const struct am_audit_flag *f = &a.rows[0].flags[0];
    assert_string_equal(f->why, "all 1 charge(s) on record are homicide, drugs or common crimes");
    assert_int_equal(f->evidence[0].record_id, rc);
    assert_string_equal(f->evidence[0].what, "Robo agravado (common)");
    assert_string_equal(f->evidence[0].source, "ngo-a");
    assert_row(&a, 1, "not_political");
    assert_int_equal(a.rows[1].flags[0].n_evidence, 2);
    assert_row(&a, 2, "");
    assert_row(&a, 3, "");
    assert_row(&a, 4, "");
    am_audit_release(&a);
    fx_close(&w.fx);
}

/* --law: the executive's announcement excludes homicide even beside a political charge. */
static void test_law_excludes(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "law");
    int64_t p1 = genuine(&w);
    int64_t rc1 = fx_record(&w.fx, w.ngo_a, NULL, "P", NULL, NULL, NULL, p1);
    fx_charge(&w.fx, p1, "Terrorismo", "political", rc1);
    fx_charge(&w.fx, p1, "Homicidio intencional", "homicide", rc1);
    int64_t p2 = genuine(&w);
    fx_charge(&w.fx, p2, "Terrorismo", "political", 0);
    int64_t p3 = genuine(&w);
    fx_charge(&w.fx, p3, "Homicidio intencional", "homicide", 0);

    struct am_law_diags diags;
    memset(&diags, 0, sizeof(diags));
    struct am_err err = AM_ERR_INIT;
    struct am_law *law = am_law_load(AM_SOURCE_DIR "/laws/anuncio-2026-01-30.law", &diags, &err);
    if (!law)
        fprintf(stderr, "%s\n", err.msg);
    assert_non_null(law);
    am_law_diags_release(&diags);
    struct am_verify_list list;
    assert_int_equal(am_verify_list_resolve(w.fx.s, "ministerio", 1, &list, &err), 0);
    struct am_audit_options opt = {.law = law};
    struct am_audit a;
    assert_int_equal(am_audit_run(w.fx.s, &list, &opt, &a, &err), 0);
    assert_row(&a, 0, "not_political");
    const struct am_audit_flag *f = &a.rows[0].flags[0];
    assert_string_equal(f->why,
                        "the law anuncio-2026-01-30 excludes this person (rule homicide)");
    assert_true(f->n_evidence >= 1);
    assert_non_null(strstr(f->evidence[0].what, "homicide"));
    assert_row(&a, 1, "");
    /* Charges and law agree: one flag, both reasons. */
    assert_row(&a, 2, "not_political");
    f = &a.rows[2].flags[0];
    assert_non_null(strstr(f->why, "homicide, drugs or common crimes; the law anuncio-2026-01-30"));
    assert_true(f->n_evidence >= 2);
    am_audit_release(&a);
    /* Without the law, the political charge keeps row 1 unflagged. */
    assert_int_equal(am_audit_run(w.fx.s, &list, NULL, &a, &err), 0);
    assert_row(&a, 0, "");
    am_audit_release(&a);
    am_law_free(law);
    fx_close(&w.fx);
}

static void test_duplicate(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "duplicate");
    int64_t p = genuine(&w);
    genuine(&w);
    int64_t again = fx_record(&w.fx, w.gov, "G-DUP", "P. Sintetica", NULL, "released",
                              "2026-01-10", p);
    /* Two unlinked rows with one cédula: the second is a duplicate (and unknown). */
    fx_record(&w.fx, w.gov, "G-U1", "Sin Enlace", "V777", "released", "2026-01-10", 0);
    fx_record(&w.fx, w.gov, "G-U2", "Sin Enlace", "V777", "released", "2026-01-10", 0);
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_row(&a, 0, "");
    assert_row(&a, 1, "");
    assert_row(&a, 2, "duplicate");
    assert_int_equal(a.rows[2].record_id, again);
    const struct am_audit_flag *f = &a.rows[2].flags[0];
    assert_string_equal(f->why, "the same person is already on the list at row 1");
    assert_int_equal(f->evidence[0].record_id, a.rows[0].record_id);
    assert_string_equal(f->evidence[0].what, "G-001");
    assert_row(&a, 3, "unknown_identity");
    assert_row(&a, 4, "unknown_identity,duplicate");
    assert_int_equal(a.flag_count[AM_FLAG_DUPLICATE], 2);
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_deceased(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "deceased");
    int64_t p = person(&w);
    seen(&w, w.ngo_a, p, "arrest", "2019-01-01");
    int64_t rd = seen(&w, w.ngo_a, p, "death", "2025-10-01");
    listed(&w, p, "2026-01-10");
    /* Died after the list's date: not this flag. */
    int64_t p2 = person(&w);
    seen(&w, w.ngo_a, p2, "arrest", "2019-01-01");
    seen(&w, w.ngo_b, p2, "release", "2026-01-10");
    seen(&w, w.ngo_b, p2, "death", "2026-02-01");
    listed(&w, p2, "2026-01-10");
    /* An undated death in a list older than the audited one counts. */
    int64_t p3 = person(&w);
    seen(&w, w.ngo_a, p3, "arrest", "2019-01-01");
    seen(&w, w.ngo_a, p3, "death", NULL);
    listed(&w, p3, "2026-01-10");
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_row(&a, 0, "deceased");
    const struct am_audit_flag *f = &a.rows[0].flags[0];
    assert_int_equal(f->evidence[0].record_id, rd);
    assert_string_equal(f->why,
                        "another source records the death by the list's date 2026-01-26");
    assert_row(&a, 1, "");
    assert_row(&a, 2, "deceased");
    assert_string_equal(a.rows[2].flags[0].evidence[0].date, "2025-12-30");
    am_audit_release(&a);
    fx_close(&w.fx);
}

static void test_detention_list(void **state)
{
    (void)state;
    /* A list of detainees (no release claimed): verified when another source saw custody. */
    struct world w;
    world_open(&w, "detention_list");
    int64_t p = person(&w), q = person(&w);
    seen(&w, w.ngo_a, p, "arrest", "2024-08-01");
    fx_record(&w.fx, w.gov, "D-1", "Persona", NULL, "detained", NULL, p);
    seen(&w, w.press, q, "hiding", "2024-09-01");
    fx_record(&w.fx, w.gov, "D-2", "Persona", NULL, "detained", NULL, q);
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_string_equal(a.process_start, "");
    assert_row(&a, 0, "");
    assert_int_equal(a.rows[0].released, 0);
    assert_row(&a, 1, "not_detained");
    am_audit_release(&a);
    fx_close(&w.fx);
}

/* One list with every flag at once. */
static void test_every_flag(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "every_flag");
    int64_t p = genuine(&w);                      /* row 1: verified */
    listed(&w, 0, "2026-01-10");                  /* 2: unknown_identity */
    int64_t q = person(&w);                       /* 3: not_detained */
    seen(&w, w.press, q, "exile", "2019-05-01");
    listed(&w, q, "2026-01-10");
    q = person(&w);                               /* 4: released_earlier */
    seen(&w, w.ngo_a, q, "arrest", "2019-01-01");
    seen(&w, w.ngo_a, q, "release", "2020-01-01");
    listed(&w, q, "2026-01-10");
    q = person(&w);                               /* 5: under_measures */
    seen(&w, w.ngo_a, q, "arrest", "2019-01-01");
    seen(&w, w.ngo_a, q, "release_with_measures", "2020-01-01");
    listed(&w, q, "2026-01-10");
    q = person(&w);                               /* 6: still_detained */
    seen(&w, w.ngo_a, q, "arrest", "2019-01-01");
    seen(&w, w.ngo_b, q, "detention_confirmed", "2026-02-10");
    listed(&w, q, "2026-01-10");
    q = genuine(&w);                              /* 7: not_political */
    fx_charge(&w.fx, q, "Robo", "common", 0);
    fx_record(&w.fx, w.gov, "G-D", "Persona", NULL, "released", "2026-01-10", p); /* 8 */
    q = person(&w);                               /* 9: deceased */
    seen(&w, w.ngo_a, q, "arrest", "2019-01-01");
    seen(&w, w.ngo_a, q, "death", "2025-01-01");
    listed(&w, q, "2026-01-10");
    q = person(&w);                               /* 10: release_unconfirmed */
    seen(&w, w.ngo_a, q, "arrest", "2019-01-01");
    listed(&w, q, "2026-01-10");
    struct am_audit a;
    run_audit(&w, NULL, &a);
    assert_int_equal(a.n_rows, 10);
    static const char *const want[] = {"",
                                       "unknown_identity",
                                       "not_detained",
                                       "released_earlier",
                                       "released_earlier,under_measures",
                                       "still_detained",
                                       "not_political",
                                       "duplicate",
                                       "deceased",
                                       "release_unconfirmed"};
    for (size_t i = 0; i < 10; i++)
        assert_row(&a, i, want[i]);
    for (int f = 0; f < AM__FLAG_COUNT; f++)
        assert_int_equal(a.flag_count[f], f == AM_FLAG_RELEASED_EARLIER ? 2 : 1);
    assert_int_equal(a.verified, 1);
    assert_int_equal(a.flagged, 9);

    /* The JSON document: one object per row, verdict and flags with evidence. */
    struct am_buf buf;
    am_buf_init(&buf);
    am_audit_write_json(&a, &buf);
    json_error_t jerr;
    json_t *doc = json_loads(buf.ptr, 0, &jerr);
    assert_non_null(doc);
    assert_true(json_is_array(doc));
    assert_int_equal(json_array_size(doc), 10);
    json_t *r0 = json_array_get(doc, 0);
    assert_string_equal(json_string_value(json_object_get(r0, "verdict")), "verified");
    assert_string_equal(json_string_value(json_object_get(r0, "list_id")), "G-001");
    assert_int_equal(json_array_size(json_object_get(r0, "sources")), 2);
    json_t *r3 = json_array_get(doc, 3);
    assert_string_equal(json_string_value(json_object_get(r3, "verdict")), "flagged");
    json_t *f3 = json_array_get(json_object_get(r3, "flags"), 0);
    assert_string_equal(json_string_value(json_object_get(f3, "flag")), "released_earlier");
    json_t *e3 = json_array_get(json_object_get(f3, "evidence"), 0);
    assert_string_equal(json_string_value(json_object_get(e3, "source")), "ngo-a");
    assert_string_equal(json_string_value(json_object_get(e3, "date")), "2020-01-01");
    assert_true(json_is_integer(json_object_get(e3, "record_id")));
    assert_true(json_is_null(json_object_get(json_array_get(doc, 1), "person_id")));
    json_decref(doc);

    am_buf_reset(&buf);
    am_audit_flag_evidence_text(&a.rows[3].flags[0], &buf);
    assert_non_null(strstr(buf.ptr, "ngo-a r"));
    assert_non_null(strstr(buf.ptr, " 2020-01-01 release"));
    am_buf_release(&buf);
    am_audit_release(&a);
    fx_close(&w.fx);
}

/*
 * The pardon of 31 Aug 2020: 110 names; 50 political prisoners in custody, 37 never before
 * a court (22 deputies in exile or hiding, 15 never detained at all), 16 already under
 * measures, 7 already free.
 */
static void test_pardon_2020(void **state)
{
    (void)state;
    struct fx fx;
    fx_open(&fx, "pardon2020");
    int64_t gov = fx_snapshot(&fx, fx_source(&fx, "gaceta-2020", "official"), "2020-08-31");
    int64_t fp = fx_snapshot(&fx, fx_source(&fx, "ngo-2020", "ngo"), "2020-09-15");
    int64_t pr = fx_snapshot(&fx, fx_source(&fx, "prensa-2020", "press"), "2020-08-01");
    for (int i = 0; i < 110; i++) {
        char name[64];
        snprintf(name, sizeof(name), "Indultado Sintetico %d", i);
        int64_t p = fx_person(&fx, name, NULL);
        if (i < 50) {
            fx_event(&fx, p, "arrest", "2019-05-01",
                     fx_record(&fx, fp, NULL, name, NULL, "detained", NULL, p));
            fx_event(&fx, p, "release", "2020-09-02",
                     fx_record(&fx, fp, NULL, name, NULL, "released", NULL, p));
        } else if (i < 87) {
            int64_t r = fx_record(&fx, pr, NULL, name, NULL, NULL, NULL, p);
            if (i < 72)
                fx_event(&fx, p, i % 2 ? "exile" : "hiding", "2019-06-01", r);
        } else if (i < 103) {
            int64_t r = fx_record(&fx, fp, NULL, name, NULL, NULL, NULL, p);
            fx_event(&fx, p, "arrest", "2018-01-01", r);
            fx_event(&fx, p, "release_with_measures", "2019-02-01", r);
        } else {
            int64_t r = fx_record(&fx, fp, NULL, name, NULL, NULL, NULL, p);
            fx_event(&fx, p, "arrest", "2017-01-01", r);
            fx_event(&fx, p, "release", "2018-12-01", r);
        }
        char id[16];
        snprintf(id, sizeof(id), "IND-%03d", i + 1);
        int64_t r = fx_record(&fx, gov, id, name, NULL, "released", "2020-08-31", p);
        fx_event(&fx, p, "release", "2020-08-31", r);
    }
    struct am_err err = AM_ERR_INIT;
    struct am_verify_list list;
    assert_int_equal(am_verify_list_resolve(fx.s, "gaceta-2020", 1, &list, &err), 0);
    struct am_audit a;
    assert_int_equal(am_audit_run(fx.s, &list, NULL, &a, &err), 0);
    assert_string_equal(a.process_start, "2020-08-31");
    assert_int_equal(a.n_rows, 110);
    assert_int_equal(a.verified, 50);
    assert_int_equal(a.flagged, 60);
    assert_int_equal(a.flag_count[AM_FLAG_NOT_DETAINED], 37);
    assert_int_equal(a.flag_count[AM_FLAG_UNDER_MEASURES], 16);
    /* Already out of custody: 16 under measures and 7 fully free. */
    assert_int_equal(a.flag_count[AM_FLAG_RELEASED_EARLIER], 23);
    for (int f = 0; f < AM__FLAG_COUNT; f++)
        if (f != AM_FLAG_NOT_DETAINED && f != AM_FLAG_UNDER_MEASURES &&
            f != AM_FLAG_RELEASED_EARLIER)
            assert_int_equal(a.flag_count[f], 0);
    size_t free_only = 0, never = 0, measures = 0;
    for (size_t i = 0; i < a.n_rows; i++) {
        const struct am_audit_row *r = &a.rows[i];
        if (r->n_flags == 1 && r->flags[0].flag == AM_FLAG_RELEASED_EARLIER)
            free_only++;
        if (r->n_flags == 1 && r->flags[0].flag == AM_FLAG_NOT_DETAINED)
            never++;
        if (r->n_flags == 2 && r->flags[1].flag == AM_FLAG_UNDER_MEASURES)
            measures++;
        assert_true(r->verified == (i < 50));
    }
    assert_int_equal(free_only, 7);
    assert_int_equal(never, 37);
    assert_int_equal(measures, 16);
    am_audit_release(&a);
    fx_close(&fx);
}

static void test_resolve(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "resolve");
    struct am_err err = AM_ERR_INIT;
    struct am_verify_list l;
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)w.ngo_b);
    assert_int_equal(am_verify_list_resolve(w.fx.s, id, 1, &l, &err), 0);
    assert_int_equal(l.snapshot_id, w.ngo_b);
    assert_string_equal(l.source_name, "ngo-b");
    assert_string_equal(l.source_kind, "ngo");
    assert_string_equal(l.as_of, "2026-02-10");
    assert_int_equal(l.whole_source, 0);
    /* A source name means its latest snapshot, or all of them for compare. */
    int64_t later = fx_snapshot(&w.fx, fx_snapshot_source(&w.fx, w.ngo_a), "2026-01-02");
    assert_int_equal(am_verify_list_resolve(w.fx.s, "ngo-a", 1, &l, &err), 0);
    assert_int_equal(l.snapshot_id, later);
    assert_int_equal(l.whole_source, 0);
    assert_int_equal(am_verify_list_resolve(w.fx.s, "ngo-a", 0, &l, &err), 0);
    assert_int_equal(l.whole_source, 1);
    /* Undated snapshots take the day they were imported. */
    int64_t undated = fx_snapshot(&w.fx, fx_source(&w.fx, "sin-fecha", "other"), NULL);
    assert_int_equal(am_verify_list_resolve(w.fx.s, "sin-fecha", 1, &l, &err), 0);
    assert_int_equal(l.snapshot_id, undated);
    assert_string_equal(l.as_of, "2026-11-29");

    assert_int_equal(am_verify_list_resolve(w.fx.s, "nadie", 1, &l, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    assert_string_equal(err.msg, "no snapshot and no source is called 'nadie'; see `amnistia "
                                 "sources` for the names and ids");
    am_err_clear(&err);
    assert_int_equal(am_verify_list_resolve(w.fx.s, "999", 1, &l, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    am_err_clear(&err);
    fx_source(&w.fx, "vacia", "family");
    assert_int_equal(am_verify_list_resolve(w.fx.s, "vacia", 1, &l, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_string_equal(err.msg,
                        "source 'vacia' has no snapshot yet; import a list from it first");
    am_err_clear(&err);
    assert_int_equal(am_verify_list_resolve(w.fx.s, "", 1, &l, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    fx_close(&w.fx);
}

/* A registry the module cannot read (a table gone): each entry point fails with AM_EDB. */
static void test_registry_errors(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "registry_errors");
    genuine(&w);
    struct am_err err = AM_ERR_INIT;
    struct am_verify_list list, other;
    assert_int_equal(am_verify_list_resolve(w.fx.s, "ministerio", 1, &list, &err), 0);
    assert_int_equal(am_verify_list_resolve(w.fx.s, "ngo-a", 0, &other, &err), 0);
    assert_int_equal(am_store_exec(w.fx.s, "DROP TABLE event", &err), 0);
    struct am_audit a;
    assert_int_equal(am_audit_run(w.fx.s, &list, NULL, &a, &err), -1);
    assert_int_equal(err.code, AM_EDB);
    assert_non_null(strstr(err.msg, "event"));
    am_audit_release(&a);
    am_err_clear(&err);
    struct am_compare c;
    assert_int_equal(am_compare_run(w.fx.s, &list, &other, &c, &err), -1);
    assert_int_equal(err.code, AM_EDB);
    am_compare_release(&c);
    am_err_clear(&err);
    struct am_reconcile rec;
    assert_int_equal(am_reconcile_run(w.fx.s, "2026-03-01", &rec, &err), -1);
    assert_int_equal(err.code, AM_EDB);
    am_reconcile_release(&rec);
    am_err_clear(&err);
    struct am_flow f;
    assert_int_equal(am_flow_run(w.fx.s, AM_FLOW_WEEK, NULL, &f, &err), -1);
    assert_int_equal(err.code, AM_EDB);
    am_flow_release(&f);
    am_err_clear(&err);
    assert_int_equal(am_store_exec(w.fx.s, "DROP TABLE record_person", &err), 0);
    assert_int_equal(am_verify_list_resolve(w.fx.s, "ministerio", 1, &list, &err), 0);
    assert_int_equal(am_audit_run(w.fx.s, &list, NULL, &a, &err), -1);
    assert_int_equal(err.code, AM_EDB);
    am_audit_release(&a);
    am_err_clear(&err);
    fx_close(&w.fx);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(am_flag_name(AM_FLAG_NOT_POLITICAL), "not_political");
    assert_int_equal(am_flag_from_name("duplicate"), AM_FLAG_DUPLICATE);
    assert_int_equal(am_flag_from_name("nope"), -1);
    assert_int_equal(am_flag_from_name(NULL), -1);
    assert_string_equal(am_flag_name(AM__FLAG_COUNT), "?");
    assert_string_equal(am_compare_fact_name(AM_CMP_FACILITY), "facility");
    assert_string_equal(am_compare_fact_name(AM__CMP_COUNT), "?");
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_verify_date_check("2026-01-31", "--as-of", &err), 0);
    assert_int_equal(am_verify_date_check("2026-1-31", "--as-of", &err), -1);
    assert_string_equal(err.msg, "--as-of '2026-1-31' is not a date; write it as YYYY-MM-DD");
    am_err_clear(&err);
    assert_int_equal(am_verify_date_check(NULL, "--as-of", &err), -1);
    am_err_clear(&err);
    assert_int_equal(am_verify_date_check("2025-02-29", "--as-of", &err), -1);
    am_err_clear(&err);
    assert_int_equal(am_verify_date_check("2024-02-29", "--as-of", &err), 0);
    assert_int_equal(am_verify_date_check("2024-13-01", "--as-of", &err), -1);
}

int am_test_audit(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verified),
        cmocka_unit_test(test_unknown_identity),
        cmocka_unit_test(test_unlinked_and_conflicting_cedula),
        cmocka_unit_test(test_not_detained),
        cmocka_unit_test(test_released_earlier),
        cmocka_unit_test(test_record_release_date),
        cmocka_unit_test(test_process_start_option),
        cmocka_unit_test(test_under_measures),
        cmocka_unit_test(test_still_detained),
        cmocka_unit_test(test_not_political),
        cmocka_unit_test(test_law_excludes),
        cmocka_unit_test(test_duplicate),
        cmocka_unit_test(test_deceased),
        cmocka_unit_test(test_detention_list),
        cmocka_unit_test(test_every_flag),
        cmocka_unit_test(test_pardon_2020),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_registry_errors),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
