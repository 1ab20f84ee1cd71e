/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * flow: arrests and releases per week and month, per source and in total; a source
 * repeating an event in a later list counts once; undated events, and events dated only
 * by their list, count nowhere; an unknown source is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "amnistia/verify.h"
#include "verify/fixture.h"
#include "verify/groups.h"

static const struct am_flow_row *row(const struct am_flow *f, const char *period,
                                     const char *source)
{
    for (size_t i = 0; i < f->n_rows; i++)
        if (strcmp(f->rows[i].period, period) == 0 && strcmp(f->rows[i].source, source) == 0)
            return &f->rows[i];
    return NULL;
}

static void world(struct fx *fx)
{
    int64_t a1 = fx_snapshot(fx, fx_source(fx, "ngo-a", "ngo"), "2026-01-20");
    int64_t a2 = fx_snapshot(fx, fx_snapshot_source(fx, a1), "2026-02-20");
    int64_t b = fx_snapshot(fx, fx_source(fx, "ngo-b", "ngo"), "2026-02-01");
    int64_t p = fx_person(fx, "Uno", NULL), q = fx_person(fx, "Dos", NULL);
    /* p arrested on Wed 2026-01-07 (told by a twice and by b), released Mon 2026-01-12. */
    fx_event(fx, p, "arrest", "2026-01-07", fx_record(fx, a1, NULL, "Uno", NULL, NULL, NULL, p));
    fx_event(fx, p, "arrest", "2026-01-07", fx_record(fx, a2, NULL, "Uno", NULL, NULL, NULL, p));
    int64_t rb = fx_record(fx, b, NULL, "Uno", NULL, NULL, NULL, p);
    fx_event(fx, p, "arrest", "2026-01-06", rb);
    fx_event(fx, p, "release_with_measures", "2026-01-12", rb);
    /* q: rearrested Sun 2026-01-11, measures revoked in February, an undated release. */
    int64_t rq = fx_record(fx, b, NULL, "Dos", NULL, NULL, NULL, q);
    fx_event(fx, q, "rearrest", "2026-01-11", rq);
    fx_event(fx, q, "measures_revoked", "2026-02-03", rq);
    fx_event(fx, q, "release", NULL, rq);
    fx_event(fx, q, "transfer", "2026-01-15", rq); /* not an arrest */
}

static void test_flow_week(void **state)
{
    (void)state;
    struct fx fx;
    fx_open(&fx, "flow_week");
    world(&fx);
    struct am_flow f;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_flow_run(fx.s, AM_FLOW_WEEK, NULL, &f, &err), 0);
    const struct am_flow_row *r = row(&f, "2026-01-05", "ngo-a");
    assert_non_null(r);
    assert_int_equal(r->arrests, 1); /* one arrest told in two lists */
    r = row(&f, "2026-01-05", "ngo-b");
    assert_int_equal(r->arrests, 2); /* p on the 6th, q on Sunday the 11th */
    r = row(&f, "2026-01-05", "all");
    assert_int_equal(r->arrests, 2); /* two persons */
    assert_int_equal(r->releases, 0);
    r = row(&f, "2026-01-12", "all");
    assert_int_equal(r->releases, 1);
    r = row(&f, "2026-02-02", "ngo-b");
    assert_int_equal(r->arrests, 1);
    /* Sorted by period, "all" first within a period. */
    assert_string_equal(f.rows[0].period, "2026-01-05");
    assert_string_equal(f.rows[0].source, "all");
    assert_string_equal(f.rows[1].source, "ngo-a");
    assert_int_equal(f.n_rows, 7);
    am_flow_release(&f);
    fx_close(&fx);
}

static void test_flow_month_and_source(void **state)
{
    (void)state;
    struct fx fx;
    fx_open(&fx, "flow_month");
    world(&fx);
    struct am_flow f;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_flow_run(fx.s, AM_FLOW_MONTH, NULL, &f, &err), 0);
    const struct am_flow_row *r = row(&f, "2026-01", "all");
    assert_int_equal(r->arrests, 2);
    assert_int_equal(r->releases, 1);
    r = row(&f, "2026-01", "ngo-b");
    assert_int_equal(r->arrests, 2);
    assert_int_equal(r->releases, 1);
    r = row(&f, "2026-02", "all");
    assert_int_equal(r->arrests, 1);
    am_flow_release(&f);
    assert_int_equal(am_flow_run(fx.s, AM_FLOW_MONTH, "ngo-a", &f, &err), 0);
    assert_int_equal(f.n_rows, 1);
    assert_string_equal(f.rows[0].source, "ngo-a");
    assert_int_equal(f.rows[0].arrests, 1);
    am_flow_release(&f);
    assert_int_equal(am_flow_run(fx.s, AM_FLOW_MONTH, "nadie", &f, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    assert_string_equal(err.msg,
                        "no source is called 'nadie'; see `amnistia sources` for the names");
    am_flow_release(&f);
    fx_close(&fx);
}

static void test_flow_empty(void **state)
{
    (void)state;
    struct fx fx;
    fx_open(&fx, "flow_empty");
    struct am_flow f;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_flow_run(fx.s, AM_FLOW_WEEK, NULL, &f, &err), 0);
    assert_int_equal(f.n_rows, 0);
    am_flow_release(&f);
    fx_close(&fx);
}

/* A release dated only by its list ("released", no date) has no date of its own. */
static void test_flow_dated_by_list(void **state)
{
    (void)state;
    struct fx fx;
    fx_open(&fx, "flow_by_list");
    int64_t snap = fx_snapshot(&fx, fx_source(&fx, "prensa", "press"), "2026-09-30");
    int64_t p = fx_person(&fx, "Uno", NULL), q = fx_person(&fx, "Dos", NULL);
    fx_event(&fx, p, "release", "2026-09-30",
             fx_record(&fx, snap, NULL, "Uno", NULL, "released", NULL, p));
    /* The same date written in the row itself is the row's date: counted. */
    fx_event(&fx, q, "release", "2026-09-30",
             fx_record(&fx, snap, NULL, "Dos", NULL, "released", "2026-09-30", q));
    struct am_flow f;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_flow_run(fx.s, AM_FLOW_MONTH, NULL, &f, &err), 0);
    const struct am_flow_row *r = row(&f, "2026-09", "all");
    assert_non_null(r);
    assert_int_equal(r->releases, 1);
    am_flow_release(&f);
    fx_close(&fx);
}

int am_test_flow(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_week),
        cmocka_unit_test(test_flow_month_and_source),
        cmocka_unit_test(test_flow_empty),
        cmocka_unit_test(test_flow_dated_by_list),
    };
    return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
