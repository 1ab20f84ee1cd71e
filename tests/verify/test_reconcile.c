/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * reconcile: each source's claim (its latest list as of a date), persons after linking,
 * persons two independent sources confirm, the official audit's breakdown and sentence,
 * and the JSON and HTML writers carrying the same numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "amnistia/verify.h"
#include "verify/fixture.h"
#include "verify/groups.h"

/*
 * ministerio (official, 2026-01-26): 6 rows, 5 persons (one twice). Of them: p1, p2
 * verified (ngo-a arrest, ngo-b release); p3 released in 2021 (ngo-a); p4 only in the
 * ministry's list; p5 charged with robbery only (ngo-a arrest + ngo-b release).
 * ngo-a has an older snapshot (2025-06-01, 1 row) and a newer one (2025-12-30, 4 rows).
 */
static void world(struct fx *fx)
{
    int64_t gov = fx_snapshot(fx, fx_source(fx, "ministerio", "official"), "2026-01-26");
    int64_t a_old = fx_snapshot(fx, fx_source(fx, "ngo-a", "ngo"), "2025-06-01");
    int64_t a = fx_snapshot(fx, fx_snapshot_source(fx, a_old), "2025-12-30");
    int64_t b = fx_snapshot(fx, fx_source(fx, "ngo-b", "ngo"), "2026-02-10");
    int64_t p[6];
    for (int i = 1; i <= 5; i++) {
        char name[32];
        snprintf(name, sizeof(name), "Sintetico %d", i);
        p[i] = fx_person(fx, name, NULL);
    }
    fx_record(fx, a_old, NULL, "S1", NULL, NULL, NULL, p[1]);
    for (int i = 1; i <= 5; i++) {
        if (i != 4) {
            int64_t r = fx_record(fx, a, NULL, "S", NULL, NULL, NULL, p[i]);
            fx_event(fx, p[i], "arrest", "2019-01-01", r);
            if (i == 3)
                fx_event(fx, p[i], "release", "2021-01-01", r);
            if (i == 5)
                fx_charge(fx, p[i], "Robo", "common", r);
        }
        if (i == 1 || i == 2 || i == 5)
            fx_event(fx, p[i], "release", "2026-01-10",
                     fx_record(fx, b, NULL, "S", NULL, NULL, NULL, p[i]));
        int64_t g = fx_record(fx, gov, NULL, "S", NULL, "released", "2026-01-10", p[i]);
        fx_event(fx, p[i], "release", "2026-01-10", g);
    }
    fx_record(fx, gov, NULL, "S2 again", NULL, "released", "2026-01-10", p[2]);
}

static const struct am_reconcile_source *src(const struct am_reconcile *r, const char *name)
{
    for (size_t i = 0; i < r->n_sources; i++)
        if (strcmp(r->sources[i].name, name) == 0)
            return &r->sources[i];
    return NULL;
}

static void test_reconcile_counts(void **state)
{
    (void)state;
    struct fx fx;
    fx_open(&fx, "reconcile");
    world(&fx);
    struct am_reconcile rec;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_reconcile_run(fx.s, "2026-03-01", &rec, &err), 0);
    assert_string_equal(rec.as_of, "2026-03-01");
    assert_int_equal(rec.n_sources, 3);
    const struct am_reconcile_source *g = src(&rec, "ministerio");
    assert_non_null(g);
    assert_int_equal(g->rows, 6);
    assert_int_equal(g->persons, 5);
    assert_int_equal(g->confirmed, 3); /* p1, p2, p5 are on ngo-a and ngo-b */
    assert_int_equal(g->audited, 1);
    assert_int_equal(g->released, 6);
    assert_int_equal(g->verified, 2);
    assert_int_equal(g->flag_count[AM_FLAG_RELEASED_EARLIER], 1);
    assert_int_equal(g->flag_count[AM_FLAG_UNKNOWN_IDENTITY], 1);
    assert_int_equal(g->flag_count[AM_FLAG_NOT_POLITICAL], 1);
    assert_int_equal(g->flag_count[AM_FLAG_DUPLICATE], 1);
    const struct am_reconcile_source *na = src(&rec, "ngo-a");
    assert_string_equal(na->as_of, "2025-12-30"); /* its latest list */
    assert_int_equal(na->rows, 4);
    assert_int_equal(na->persons, 4);
    assert_int_equal(na->confirmed, 3);
    assert_int_equal(na->audited, 0);
    assert_int_equal(rec.persons_total, 5);
    assert_int_equal(rec.confirmed_total, 3);

    struct am_buf buf;
    am_buf_init(&buf);
    am_reconcile_sentence(g, &buf);
    assert_string_equal(buf.ptr, "ministerio: 6 released; 2 verified; 1 unknown identity; "
                                 "1 released earlier; 1 not political; 1 duplicate");
    am_buf_reset(&buf);
    am_reconcile_sentence(na, &buf);
    assert_string_equal(buf.ptr,
                        "ngo-a: 4 rows; 4 persons; 3 confirmed by two independent sources");

    am_buf_reset(&buf);
    am_reconcile_write_json(&rec, &buf);
    json_error_t jerr;
    json_t *doc = json_loads(buf.ptr, 0, &jerr);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "persons")), 5);
    json_t *s0 = json_array_get(json_object_get(doc, "sources"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "source")), "ministerio");
    json_t *audit = json_object_get(s0, "audit");
    assert_int_equal(json_integer_value(json_object_get(audit, "verified")), 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(audit, "flags"), "duplicate")), 1);
    assert_non_null(strstr(json_string_value(json_object_get(audit, "summary")), "2 verified"));
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(doc, "sources"), 1),
                                             "audit")));
    json_decref(doc);

    am_buf_reset(&buf);
    am_reconcile_write_html(&rec, &buf);
    assert_non_null(strstr(buf.ptr, "<!DOCTYPE html>"));
    assert_non_null(strstr(buf.ptr, "<style>"));
    assert_null(strstr(buf.ptr, "<script"));
    assert_null(strstr(buf.ptr, "http"));
    assert_non_null(strstr(buf.ptr, "ministerio: 6 released; 2 verified;"));
    assert_non_null(strstr(buf.ptr, "<td>duplicate</td><td class=\"n\">1</td>"));
    assert_non_null(strstr(buf.ptr, "<strong>2026-03-01</strong>: 5 persons"));
    am_buf_release(&buf);
    am_reconcile_release(&rec);
    fx_close(&fx);
}

static void test_reconcile_as_of(void **state)
{
    (void)state;
    struct fx fx;
    fx_open(&fx, "reconcile_as_of");
    world(&fx);
    struct am_reconcile rec;
    struct am_err err = AM_ERR_INIT;
    /* Before the ministry's list and ngo-b's: only ngo-a's older list counts. */
    assert_int_equal(am_reconcile_run(fx.s, "2025-07-01", &rec, &err), 0);
    assert_int_equal(rec.n_sources, 1);
    assert_string_equal(rec.sources[0].name, "ngo-a");
    assert_int_equal(rec.sources[0].rows, 1);
    assert_int_equal(rec.sources[0].confirmed, 0);
    assert_int_equal(rec.persons_total, 1);
    am_reconcile_release(&rec);
    /* Between the ministry's list and ngo-b's: the releases are not yet confirmed. */
    assert_int_equal(am_reconcile_run(fx.s, "2026-02-01", &rec, &err), 0);
    assert_int_equal(rec.n_sources, 2);
    const struct am_reconcile_source *g = &rec.sources[0];
    assert_string_equal(g->name, "ministerio");
    assert_int_equal(g->verified, 0);
    /* p1, p2 twice, p5 */
    assert_int_equal(g->flag_count[AM_FLAG_RELEASE_UNCONFIRMED], 4);
    assert_int_equal(g->flag_count[AM_FLAG_RELEASED_EARLIER], 1);
    assert_int_equal(g->confirmed, 0);
    am_reconcile_release(&rec);
    /* Default: today (AMNISTIA_TODAY in tests). */
    assert_int_equal(am_reconcile_run(fx.s, NULL, &rec, &err), 0);
    assert_int_equal(rec.n_sources, 3);
    am_reconcile_release(&rec);
    assert_int_equal(am_reconcile_run(fx.s, "yesterday", &rec, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    assert_string_equal(err.msg, "--as-of 'yesterday' is not a date; write it as YYYY-MM-DD");
    am_reconcile_release(&rec);
    am_reconcile_release(NULL);
    fx_close(&fx);
}

static void test_reconcile_html_escapes(void **state)
{
    (void)state;
    struct fx fx;
    fx_open(&fx, "reconcile_html");
    fx_snapshot(&fx, fx_source(&fx, "<b>\"A&B\"</b>", "press"), "2026-01-01");
    struct am_reconcile rec;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_reconcile_run(fx.s, "2026-02-01", &rec, &err), 0);
    struct am_buf buf;
    am_buf_init(&buf);
    am_reconcile_write_html(&rec, &buf);
    assert_non_null(strstr(buf.ptr, "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"));
    assert_null(strstr(buf.ptr, "<b>"));
    am_buf_release(&buf);
    am_reconcile_release(&rec);
    fx_close(&fx);
}

int am_test_reconcile(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reconcile_counts),
        cmocka_unit_test(test_reconcile_as_of),
        cmocka_unit_test(test_reconcile_html_escapes),
    };
    return cmocka_run_group_tests_name("reconcile", tests, NULL, NULL);
}
