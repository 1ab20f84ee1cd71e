/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * compare: persons on both lists, only on one, the facts they disagree on (status from
 * events or the status word, dates, facility, charges by class or by text), unlinked
 * records standing for themselves, whole sources against snapshots, and the JSON.
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

static void resolve(struct fx *fx, const char *spec, int snap, struct am_verify_list *l)
{
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_verify_list_resolve(fx->s, spec, snap, l, &err), 0);
}

static const struct am_compare_disagreement *find(const struct am_compare *c, int64_t person,
                                                  enum am_compare_fact f)
{
    for (size_t i = 0; i < c->n_disagreements; i++)
        if (c->disagreements[i].person_id == person && c->disagreements[i].fact == f)
            return &c->disagreements[i];
    return NULL;
}

static void test_compare_sets_and_facts(void **state)
{
    (void)state;
    struct fx fx;
    fx_open(&fx, "compare");
    int64_t a = fx_snapshot(&fx, fx_source(&fx, "ngo-a", "ngo"), "2026-01-05");
    int64_t b = fx_snapshot(&fx, fx_source(&fx, "ngo-b", "ngo"), "2026-01-20");
    int64_t p1 = fx_person(&fx, "Uno Sintetico", NULL), p2 = fx_person(&fx, "Dos", NULL),
            p3 = fx_person(&fx, "Tres", NULL), p4 = fx_person(&fx, "Cuatro", NULL);
    /* p1 on both, agreeing except for status (events) and facility. */
    int64_t a1 = fx_record(&fx, a, "A1", "UNO SINTETICO", NULL, "detained", NULL, p1);
    fx_record_set(&fx, a1, "facility", "Rodeo I");
    fx_record_set(&fx, a1, "arrest_date", "2024-08-01");
    fx_event(&fx, p1, "arrest", "2024-08-01", a1);
    int64_t b1 = fx_record(&fx, b, "B1", "Uno Sintetico", NULL, "released", "2026-01-10", p1);
    fx_record_set(&fx, b1, "facility", "El Helicoide");
    fx_record_set(&fx, b1, "arrest_date", "2024-08-01");
    fx_event(&fx, p1, "release", "2026-01-10", b1);
    /* p2 on both: arrest dates differ, facility differs only in case and blanks. */
    int64_t a2 = fx_record(&fx, a, "A2", "Dos", NULL, "detained", NULL, p2);
    fx_record_set(&fx, a2, "arrest_date", "2019-04-30");
    fx_record_set(&fx, a2, "facility", "ramo verde");
    int64_t b2 = fx_record(&fx, b, "B2", "Dos", NULL, "Detained", NULL, p2);
    fx_record_set(&fx, b2, "arrest_date", "2019-05-01");
    fx_record_set(&fx, b2, "facility", " Ramo Verde ");
    /* p3 on both: charges by class differ; a missing release date is no disagreement. */
    int64_t a3 = fx_record(&fx, a, "A3", "Tres", NULL, NULL, "2026-01-02", p3);
    fx_charge(&fx, p3, "Terrorismo", "political", a3);
    int64_t b3 = fx_record(&fx, b, "B3", "Tres", NULL, NULL, NULL, p3);
    fx_charge(&fx, p3, "Robo", "common", b3);
    /* p4 on both: raw charge texts, same set in another order and case. */
    int64_t a4 = fx_record(&fx, a, "A4", "Cuatro", NULL, NULL, NULL, p4);
    fx_record_set(&fx, a4, "charges", "Terrorismo; Incitación al odio");
    int64_t b4 = fx_record(&fx, b, "B4", "Cuatro", NULL, NULL, NULL, p4);
    fx_record_set(&fx, b4, "charges", "incitación al odio;TERRORISMO;");
    /* Only in a: a person and an unlinked record; only in b: one person. */
    int64_t p5 = fx_person(&fx, "Cinco", NULL), p6 = fx_person(&fx, "Seis", NULL);
    fx_record(&fx, a, "A5", "Cinco", NULL, NULL, NULL, p5);
    int64_t loose = fx_record(&fx, a, "A6", "Suelto", NULL, NULL, NULL, 0);
    fx_record(&fx, b, "B6", "Seis", NULL, NULL, NULL, p6);

    struct am_verify_list la, lb;
    resolve(&fx, "ngo-a", 0, &la);
    resolve(&fx, "ngo-b", 0, &lb);
    struct am_compare c;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_compare_run(fx.s, &la, &lb, &c, &err), 0);
    assert_int_equal(c.n_both, 4);
    assert_int_equal(c.n_only_a, 2);
    assert_int_equal(c.n_only_b, 1);
    assert_int_equal(c.only_a[0].person_id, p5);
    assert_int_equal(c.only_a[1].person_id, 0);
    assert_int_equal(c.only_a[1].record_id, loose);
    assert_int_equal(c.only_b[0].person_id, p6);
    assert_string_equal(c.only_b[0].list_id, "B6");

    const struct am_compare_disagreement *d = find(&c, p1, AM_CMP_STATUS);
    assert_non_null(d);
    assert_string_equal(d->a_value, "detained");
    assert_string_equal(d->b_value, "released");
    assert_int_equal(d->a_record, a1);
    assert_int_equal(d->b_record, b1);
    d = find(&c, p1, AM_CMP_FACILITY);
    assert_non_null(d);
    assert_string_equal(d->a_value, "Rodeo I");
    assert_null(find(&c, p1, AM_CMP_ARREST_DATE));
    d = find(&c, p2, AM_CMP_ARREST_DATE);
    assert_non_null(d);
    assert_string_equal(d->b_value, "2019-05-01");
    assert_null(find(&c, p2, AM_CMP_FACILITY));
    assert_null(find(&c, p2, AM_CMP_STATUS)); /* "Detained" and "detained" */
    d = find(&c, p3, AM_CMP_CHARGES);
    assert_non_null(d);
    assert_string_equal(d->a_value, "political");
    assert_string_equal(d->b_value, "common");
    assert_null(find(&c, p3, AM_CMP_RELEASE_DATE));
    assert_null(find(&c, p4, AM_CMP_CHARGES));
    assert_int_equal(c.fact_count[AM_CMP_STATUS], 1);
    assert_int_equal(c.fact_count[AM_CMP_FACILITY], 1);
    assert_int_equal(c.fact_count[AM_CMP_ARREST_DATE], 1);
    assert_int_equal(c.fact_count[AM_CMP_CHARGES], 1);
    assert_int_equal(c.fact_count[AM_CMP_RELEASE_DATE], 0);
    assert_int_equal(c.n_disagreements, 4);

    struct am_buf buf;
    am_buf_init(&buf);
    am_compare_write_json(&c, &buf);
    json_error_t jerr;
    json_t *doc = json_loads(buf.ptr, 0, &jerr);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "both")), 4);
    assert_int_equal(json_integer_value(json_object_get(doc, "only_a")), 2);
    assert_int_equal(json_integer_value(
                         json_object_get(json_object_get(doc, "disagree"), "charges")),
                     1);
    assert_int_equal(json_array_size(json_object_get(doc, "disagreements")), 4);
    assert_int_equal(json_array_size(json_object_get(doc, "persons_both")), 4);
    assert_true(json_is_null(json_object_get(json_object_get(doc, "a"), "snapshot")));
    json_t *loose_j = json_array_get(json_object_get(doc, "persons_only_a"), 1);
    assert_true(json_is_null(json_object_get(loose_j, "person_id")));
    json_decref(doc);
    am_buf_release(&buf);
    am_compare_release(&c);
    fx_close(&fx);
}

static void test_compare_whole_source_latest_record(void **state)
{
    (void)state;
    /* A source's two snapshots: the later record speaks for the person. */
    struct fx fx;
    fx_open(&fx, "compare_latest");
    int64_t src = fx_source(&fx, "ngo-a", "ngo");
    int64_t old = fx_snapshot(&fx, src, "2025-06-01");
    int64_t neu = fx_snapshot(&fx, src, "2026-01-20");
    int64_t gov = fx_snapshot(&fx, fx_source(&fx, "ministerio", "official"), "2026-01-26");
    int64_t p = fx_person(&fx, "Persona", NULL);
    int64_t r_new = fx_record(&fx, neu, "N", "Persona", NULL, "released", NULL, p);
    fx_record(&fx, old, "O", "Persona", NULL, "detained", NULL, p);
    fx_record(&fx, gov, "G", "Persona", NULL, "released", NULL, p);
    struct am_verify_list la, lb;
    resolve(&fx, "ngo-a", 0, &la);
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)gov);
    resolve(&fx, id, 0, &lb);
    struct am_compare c;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_compare_run(fx.s, &la, &lb, &c, &err), 0);
    assert_int_equal(c.n_both, 1);
    assert_int_equal(c.both_a[0].record_id, r_new);
    assert_int_equal(c.both_a[0].n_records, 2);
    assert_int_equal(c.n_disagreements, 0);
    am_compare_release(&c);
    /* The old snapshot alone disagrees. */
    snprintf(id, sizeof(id), "%lld", (long long)old);
    resolve(&fx, id, 0, &la);
    assert_int_equal(am_compare_run(fx.s, &la, &lb, &c, &err), 0);
    assert_int_equal(c.n_disagreements, 1);
    assert_int_equal(c.disagreements[0].fact, AM_CMP_STATUS);
    am_compare_release(&c);
    am_compare_release(NULL);
    fx_close(&fx);
}

int am_test_compare(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_sets_and_facts),
        cmocka_unit_test(test_compare_whole_source_latest_record),
    };
    return cmocka_run_group_tests_name("compare", tests, NULL, NULL);
}
