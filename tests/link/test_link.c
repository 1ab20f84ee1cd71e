/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * link: comparison levels, the regression set of tricky pairs (tests/link/tricky_pairs.csv),
 * EM on a synthetic population, clustering constraints, incremental re-linking, review
 * decisions and explanations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "amnistia/link.h"
#include "fixture.h"
#include "link/link_int.h"

/* ---- comparison levels ------------------------------------------------------------ */

struct lv_case {
    const char *a_given, *a_sur, *a_full;
    const char *b_given, *b_sur, *b_full;
    int field, level;
    const char *why;
};

static void add(struct am__link_records *r, struct am_arena *ar, int64_t id, const char *given,
                const char *sur, const char *full, const char *ced, const char *birth,
                const char *sex, const char *state, const char *facility)
{
    am__link_records_add(r, id, 1, 0, 0, given, sur, full, full ? NULL : "split", ced ? "V" : NULL,
                         ced, sex, birth, NULL, state, facility, NULL, ar);
}

static const struct lv_case name_cases[] = {
    {"María José", "Pérez González", NULL, NULL, NULL, "PEREZ GONZALEZ, MARIA JOSE", AM_LF_GIVEN,
     AM_LL_EXACT, "accents and case"},
    {"María José", "Pérez González", NULL, NULL, NULL, "PEREZ GONZALEZ, MARIA JOSE",
     AM_LF_SURNAMES, AM_LL_EXACT, "surnames first with a comma"},
    {"Luis", "González Pérez", NULL, "Luis", "Pérez González", NULL, AM_LF_SURNAMES, AM_LL_EXACT,
     "surnames swapped"},
    {"Luis", "González Pérez", NULL, "Luis", "González", NULL, AM_LF_SURNAMES, AM_LL_CLOSE,
     "second surname missing"},
    {"Luis", "González Pérez", NULL, "Luis", "Gonzales Pérez", NULL, AM_LF_SURNAMES, AM_LL_CLOSE,
     "z/s typo"},
    {"Luis", "Uzcátegui Pérez", NULL, "Luis", "Uzcátegiu Pérez", NULL, AM_LF_SURNAMES,
     AM_LL_CLOSE, "swapped letters"},
    {"Luis", "González Pérez", NULL, "Luis", "González Rojas", NULL, AM_LF_SURNAMES, AM_LL_FAR,
     "one surname in common"},
    {"Luis", "González Pérez", NULL, "Luis", "Medina Rojas", NULL, AM_LF_SURNAMES,
     AM_LL_DIFFERENT, "no surname in common"},
    {"Ana", "De La Cruz Silva", NULL, NULL, NULL, "DE LA CRUZ SILVA, ANA", AM_LF_SURNAMES,
     AM_LL_EXACT, "particle kept with its surname"},
    {NULL, NULL, "María Pérez de González", "María", "González", NULL, AM_LF_SURNAMES,
     AM_LL_CLOSE, "married name against the husband's surname"},
    {NULL, NULL, "María Pérez de González", "María", "Pérez", NULL, AM_LF_SURNAMES, AM_LL_EXACT,
     "married name against the maiden surname (the married name is extra)"},
    {NULL, NULL, "María Pérez de González", "María", "Pérez Rojas de González", NULL,
     AM_LF_SURNAMES, AM_LL_CLOSE, "married name on both sides, one gives a second surname"},
    {"María José", "Pérez", NULL, "María", "Pérez", NULL, AM_LF_GIVEN, AM_LL_CLOSE,
     "second given name missing"},
    {"José", "Pérez", NULL, "Pepe", "Pérez", NULL, AM_LF_GIVEN, AM_LL_EXACT,
     "nickname as the name it stands for"},
    {"Yelitza", "Pérez", NULL, "Yelitsa", "Pérez", NULL, AM_LF_GIVEN, AM_LL_CLOSE,
     "phonetic variant"},
    {"Juan Carlos", "Pérez", NULL, "Carlos", "Pérez", NULL, AM_LF_GIVEN, AM_LL_FAR,
     "second name used as first"},
    {"Juan", "Pérez", NULL, "Pedro", "Pérez", NULL, AM_LF_GIVEN, AM_LL_DIFFERENT,
     "different given names"},
    {"Juan", "Pérez", NULL, NULL, NULL, "PEREZ", AM_LF_GIVEN, AM_LL_MISSING, "no given name"},
};

static void test_name_levels(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(name_cases) / sizeof(name_cases[0]); k++) {
        const struct lv_case *c = &name_cases[k];
        struct am__link_records r;
        struct am_arena ar;
        am__link_records_init(&r);
        am_arena_init(&ar);
        add(&r, &ar, 1, c->a_given, c->a_sur, c->a_full, NULL, NULL, NULL, NULL, NULL);
        add(&r, &ar, 2, c->b_given, c->b_sur, c->b_full, NULL, NULL, NULL, NULL, NULL);
        am__link_pattern p = am__link_compare(&r, 0, 1);
        int got = am__link_level_of(p, c->field);
        if (got != c->level)
            fail_msg("%s: %s level %s, expected %s", c->why, am_link_field_name(c->field),
                     am_link_level_name(got), am_link_level_name(c->level));
        /* Symmetric. */
        assert_int_equal(am__link_level_of(am__link_compare(&r, 1, 0), c->field), c->level);
        am__link_records_release(&r);
        am_arena_release(&ar);
    }
}

static void test_cedula_levels(void **state)
{
    (void)state;
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 12345678, 8), AM_LL_EXACT);
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 12354678, 8), AM_LL_CLOSE); /* swap */
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 12345679, 8), AM_LL_CLOSE); /* digit */
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 1234578, 7), AM_LL_CLOSE);  /* dropped */
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 123456789, 9), AM_LL_CLOSE); /* added */
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 12346587, 8), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 87654321, 8), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 1234, 4), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_cedula(0, 0, 12345678, 8), AM_LL_MISSING);
}

static void test_birth_levels(void **state)
{
    (void)state;
    int32_t d = am_days_from_civil(1980, 3, 7);
    assert_int_equal(am__link_cmp_birth(d, d), AM_LL_EXACT);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1980, 7, 3)), AM_LL_CLOSE);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1981, 3, 7)), AM_LL_CLOSE);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1980, 3, 17)), AM_LL_CLOSE);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1980, 4, 8)), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1975, 11, 20)), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_birth(d, AM__LINK_MISSING_DATE), AM_LL_MISSING);
}

static void test_sex_place_levels(void **state)
{
    (void)state;
    struct am__link_records r;
    struct am_arena ar;
    am__link_records_init(&r);
    am_arena_init(&ar);
    add(&r, &ar, 1, "Ana", "Pérez", NULL, NULL, NULL, "F", "Zulia", "Rodeo I");
    add(&r, &ar, 2, "Ana", "Pérez", NULL, NULL, NULL, "F", "ZULIA", "RODEO I");
    add(&r, &ar, 3, "Ana", "Pérez", NULL, NULL, NULL, "M", "Zulia", "Tocorón");
    add(&r, &ar, 4, "Ana", "Pérez", NULL, NULL, NULL, NULL, "Lara", NULL);
    add(&r, &ar, 5, "Ana", "Pérez", NULL, NULL, NULL, NULL, NULL, NULL);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 1), AM_LF_SEX), AM_LL_EXACT);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 2), AM_LF_SEX), AM_LL_DIFFERENT);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 3), AM_LF_SEX), AM_LL_MISSING);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 1), AM_LF_PLACE), AM_LL_EXACT);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 2), AM_LF_PLACE), AM_LL_CLOSE);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 3), AM_LF_PLACE),
                     AM_LL_DIFFERENT);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 4), AM_LF_PLACE), AM_LL_MISSING);
    /* Every level a field produces is one it declares. */
    for (uint32_t a = 0; a < 5; a++)
        for (uint32_t b = 0; b < 5; b++) {
            am__link_pattern p = am__link_compare(&r, a, b);
            for (int f = 0; f < AM_LF__COUNT; f++)
                assert_true(am__link_level_used(f, am__link_level_of(p, f)));
        }
    assert_string_equal(am_link_field_name(AM_LF_CEDULA), "cedula");
    assert_string_equal(am_link_level_name(AM_LL_FAR), "far");
    assert_string_equal(am_link_level_meaning(AM_LF_CEDULA, AM_LL_FAR), "");
    am__link_records_release(&r);
    am_arena_release(&ar);
}

/* ---- clustering -------------------------------------------------------------------- */

static int no_conflict(void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    (void)a;
    (void)b;
    return 0;
}

static int conflict_0_2(void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    return (a == 0 && b == 2) || (a == 2 && b == 0);
}

static void test_cluster_constraints(void **state)
{
    (void)state;
    /* 0-1 strong, 1-2 weak but above threshold, 3-4 strong, 5 alone. */
    struct am__link_pair pairs[] = {
        {0, 1, 0, 20.0f}, {1, 2, 0, 4.0f}, {3, 4, 0, 15.0f}, {4, 5, 0, -10.0f}};
    struct am__link_cluster_in in = {.n = 6, .pairs = pairs, .n_pairs = 4,
                                     .threshold_weight = 3.17, .conflict = no_conflict};
    struct am__link_cluster_out out;
    am__link_cluster(&in, &out);
    assert_int_equal(out.links, 3);
    assert_int_equal(out.label[0], 0);
    assert_int_equal(out.label[1], 0);
    assert_int_equal(out.label[2], 0);
    assert_int_equal(out.label[3], 3);
    assert_int_equal(out.label[4], 3);
    assert_int_equal(out.label[5], 5);
    assert_float_equal(out.best[0], 20.0f, 1e-6);
    assert_true(isnan(out.best[5]));
    am__link_cluster_release(&out);

    /* Weak middle: 0 and 2 are clearly different people (found by the all-pairs check of
     * a small component): the weakest edge (1-2) goes. */
    in.conflict = conflict_0_2;
    am__link_cluster(&in, &out);
    assert_int_equal(out.dropped, 1);
    assert_int_equal(out.label[1], 0);
    assert_int_equal(out.label[2], 2);
    am__link_cluster_release(&out);

    /* The same through a compared pair flagged as a conflict. */
    struct am__link_pair pairs2[] = {{0, 1, 0, 20.0f},
                                     {1, 2, 0, 4.0f},
                                     {0, 2, AM__LINK_CONFLICT_BIT, -30.0f}};
    struct am__link_cluster_in in2 = {.n = 3, .pairs = pairs2, .n_pairs = 3,
                                      .threshold_weight = 3.17, .conflict = NULL};
    am__link_cluster(&in2, &out);
    assert_int_equal(out.dropped, 1);
    assert_int_equal(out.label[2], 2);
    am__link_cluster_release(&out);

    /* A human "different" between 3 and 4 splits a strong link; "same" joins 4 and 5. */
    const uint32_t cannot[][2] = {{3, 4}};
    const uint32_t must[][2] = {{4, 5}};
    in.conflict = no_conflict;
    in.cannot = cannot;
    in.n_cannot = 1;
    in.must = must;
    in.n_must = 1;
    am__link_cluster(&in, &out);
    assert_int_not_equal(out.label[3], out.label[4]);
    assert_int_equal(out.label[4], out.label[5]);
    assert_int_equal(out.dropped, 1);
    am__link_cluster_release(&out);

    /* A human "same" wins over a conflict found by comparison. */
    const uint32_t must02[][2] = {{0, 2}};
    struct am__link_cluster_in in3 = {.n = 3, .pairs = pairs2, .n_pairs = 3,
                                      .threshold_weight = 3.17, .must = must02, .n_must = 1};
    am__link_cluster(&in3, &out);
    assert_int_equal(out.label[0], out.label[2]);
    assert_int_equal(out.label[1], 0);
    am__link_cluster_release(&out);
}

/* ---- a synthetic population -------------------------------------------------------- */

static void test_population_em_and_accuracy(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fx_open(path, sizeof(path), "pop");
    assert_non_null(s);
    struct fx_population pop;
    fx_population(&pop, 1500, 42);
    assert_int_equal(fx_list(&pop, s, "Lista A", 0.8, 0.04, 1), 0);
    assert_int_equal(fx_list(&pop, s, "Lista B", 0.7, 0.08, 2), 0);
    assert_int_equal(fx_list(&pop, s, "Lista C", 0.5, 0.04, 3), 0);
    struct am_err err = AM_ERR_INIT;
    struct am_link_summary sum;
    struct am_link_options opt = {0};
    assert_int_equal(am_link_run(s, &opt, &sum, &err), 0);
    assert_int_equal(sum.records, pop.n_listed);
    assert_true(sum.model.em_converged);
    /* The model found what a person's records look like. */
    assert_true(sum.model.m[AM_LF_CEDULA][AM_LL_EXACT] > 0.8);
    assert_true(sum.model.u[AM_LF_CEDULA][AM_LL_EXACT] < 1e-3);
    assert_true(sum.model.weight[AM_LF_BIRTH][AM_LL_EXACT] > 5);
    assert_true(sum.model.weight[AM_LF_CEDULA][AM_LL_DIFFERENT] < -3);
    assert_true(sum.model.weight[AM_LF_SURNAMES][AM_LL_DIFFERENT] < 0);
    double precision, recall;
    fx_pairwise(&pop, s, &precision, &recall);
    double f1 = 2 * precision * recall / (precision + recall);
    print_message("population: %zu records, %llu pairs, precision %.4f recall %.4f F1 %.4f\n",
                  pop.n_listed, (unsigned long long)sum.pairs, precision, recall, f1);
    assert_true(f1 > 0.97);
    /* Every record has one person; events followed their records; no person is empty. */
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM record_person", 0), (int64_t)pop.n_listed);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM person p WHERE NOT EXISTS (SELECT 1 FROM"
                                  " record_person rp WHERE rp.person_id = p.id)", 0), 0);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM event e JOIN record_person rp ON"
                                  " rp.record_id = e.record_id WHERE rp.person_id != e.person_id",
                               0),
                     0);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM person", 0), (int64_t)sum.persons);
    fx_population_release(&pop);
    am_store_close(s);
    fx_remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_levels),
        cmocka_unit_test(test_cedula_levels),
        cmocka_unit_test(test_birth_levels),
        cmocka_unit_test(test_sex_place_levels),
        cmocka_unit_test(test_cluster_constraints),
        cmocka_unit_test(test_population_em_and_accuracy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
