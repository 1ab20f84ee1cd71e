/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Log-linear models against R's Rcapture (tests/vectors/mse/reference.csv): every
 * bracket-notation model listed there — N̂, standard error, Wald, log-normal and profile
 * intervals within 0.1%, AIC and BIC, and the models the search picks — including the
 * Kosovo figure [123,14,34] = 10,356.5 [8,994, 12,110]. Also the model parser's errors,
 * model names, the enumeration counts, and estimates that do not exist.
 */
#include "groups.h"
#include "ref.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void fit_named(const struct am_mse_table *t, const char *spec, struct am_llm_fit *f)
{
    struct am_llm_model m;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_llm_model_parse(spec, t->k, &m, &err), 0);
    assert_int_equal(am_llm_fit(t, &m, 1, f, &err), 0);
}

static void test_kosovo_published(void **state)
{
    (void)state;
    struct am_mse_table t;
    ref_table("kosovo", &t);
    struct am_llm_fit f;
    fit_named(&t, "[123,14,34]", &f);
    assert_int_equal(f.status, AM_LLM_OK);
    assert_int_equal(f.df, 4);
    assert_true(fabs(f.N - 10356.5) < 0.05);
    assert_true(fabs(f.prof_lo - 8994) < 1);
    assert_true(fabs(f.prof_hi - 12110) < 1);
}

/* Every Rcapture row of reference.csv whose model is in bracket notation. */
static void test_reference_models(void **state)
{
    (void)state;
    size_t nrows;
    struct ref_row *rows = ref_read("reference.csv", &nrows);
    int checked = 0, searches = 0;
    for (size_t i = 1; i < nrows; i++) {
        struct ref_row *r = &rows[i];
        if (strcmp(r->f[3], "Rcapture") != 0)
            continue;
        const char *model = strrchr(r->f[4], '[');
        assert_non_null(model);
        struct am_mse_table t;
        ref_table(r->f[0], &t);
        assert_true(t.n == num(r->f[2]));
        struct am_llm_fit f;
        fit_named(&t, model, &f);
        assert_int_equal(f.status, AM_LLM_OK);
        const char *type = r->f[9];
        double N = num(r->f[5]), se = num(r->f[6]), lo = num(r->f[7]), hi = num(r->f[8]);
        double gN, glo, ghi;
        if (strcmp(type, "Wald") == 0) {
            gN = f.N, glo = f.wald_lo, ghi = f.wald_hi;
            assert_true(rel(f.se, se) < 1e-3);
        } else if (strncmp(type, "log-normal", 10) == 0) {
            gN = f.N, glo = f.lognormal_lo, ghi = f.lognormal_hi;
            assert_true(rel(f.se, se) < 1e-3);
        } else {
            assert_non_null(strstr(type, "profile"));
            gN = f.prof_N, glo = f.prof_lo, ghi = f.prof_hi;
        }
        if (rel(gN, N) >= 1e-3 || rel(glo, lo) >= 1e-3 || rel(ghi, hi) >= 1e-3)
            fprintf(stderr, "%s %s %s: %f [%f, %f] vs %f [%f, %f]\n", r->f[0], model, type, gN,
                    glo, ghi, N, lo, hi);
        assert_true(rel(gN, N) < 1e-3);
        assert_true(rel(glo, lo) < 1e-3);
        assert_true(rel(ghi, hi) < 1e-3);
        double aic = note_value(r->f[11], "AIC"), bic = note_value(r->f[11], "BIC");
        if (!isnan(aic)) {
            assert_true(fabs(f.aic - aic) < 1e-4);
            assert_true(fabs(f.bic - bic) < 1e-4);
            assert_int_equal(f.df, (int)note_value(r->f[11], "df"));
            assert_true(fabs(f.deviance - note_value(r->f[11], "dev")) <
                        1e-4 * (1 + f.deviance));
        }
        checked++;
        /* "AIC-best(maxorder=2, 8 models, ...)": our search picks the same model */
        int is_aic = strncmp(r->f[4], "AIC-best(", 9) == 0;
        int is_bic = strncmp(r->f[4], "BIC-best(", 9) == 0;
        if ((is_aic || is_bic) && strcmp(type, "Wald") == 0) {
            int maxorder = (int)note_value(r->f[4] + 9, "maxorder");
            long nmodels = strtol(strchr(r->f[4], ',') + 1, NULL, 10);
            size_t count;
            long ai, bi;
            struct am_err err = AM_ERR_INIT;
            struct am_llm_ranked *res = am_llm_search(&t, maxorder, &count, &ai, &bi, &err);
            assert_non_null(res);
            assert_int_equal((long)count, nmodels);
            char name[128];
            am_llm_model_name(&res[is_aic ? ai : bi].model, name, sizeof(name));
            assert_string_equal(name, model);
            am_free(res);
            searches++;
        }
    }
    ref_free(rows, nrows);
    /* 24 hav + 18 spina bifida + 33 Kosovo rows; 8 AIC/BIC-best searches */
    assert_int_equal(checked, 75);
    assert_int_equal(searches, 8);
}

/* Rcapture closedp.t's models (M0, Mt, Mh and Mth with Chao, Poisson2, Darroch, Gamma3.5,
 * Mb, Mbh): N̂, se, Wald interval, deviance, df, AIC, BIC. */
static void test_reference_closedp(void **state)
{
    (void)state;
    size_t nrows;
    struct ref_row *rows = ref_read("reference.csv", &nrows);
    int checked = 0, behaviour = 0;
    for (size_t i = 1; i < nrows; i++) {
        struct ref_row *r = &rows[i];
        if (strcmp(r->f[3], "Rcapture closedp.t") != 0)
            continue;
        struct am_mse_table t;
        ref_table(r->f[0], &t);
        struct am_llm_fit f;
        fit_named(&t, r->f[4], &f);
        if (num(r->f[5]) < t.n) {
            /* spina bifida's Mbh: Rcapture prints N̂ = 111.7 below the 626 people seen */
            assert_int_equal(f.status, AM_LLM_BELOW_SEEN);
            assert_true(isnan(f.lognormal_lo) && isnan(f.lognormal_hi));
        } else {
            assert_int_equal(f.status, AM_LLM_OK);
        }
        if (r->f[4][1] == 'b') {
            behaviour++;
            assert_int_equal(f.profile_done, 0); /* no row for the unobserved cell */
            assert_int_equal(f.params, strcmp(r->f[4], "Mbh") == 0 ? 4 : 3);
        }
        struct am_llm_model m;
        struct am_err err = AM_ERR_INIT;
        assert_int_equal(am_llm_model_parse(r->f[4], t.k, &m, &err), 0);
        char name[64];
        am_llm_model_name(&m, name, sizeof(name));
        assert_string_equal(name, strcmp(r->f[4], "Mt") == 0 ? (t.k == 3 ? "[1,2,3]" : "[1,2,3,4]")
                                                               : r->f[4]);
        if (rel(f.N, num(r->f[5])) >= 1e-3 || rel(f.se, num(r->f[6])) >= 1e-3)
            fprintf(stderr, "%s %s: %f (%f) vs %s (%s)\n", r->f[0], r->f[4], f.N, f.se, r->f[5],
                    r->f[6]);
        assert_true(rel(f.N, num(r->f[5])) < 1e-3);
        assert_true(rel(f.se, num(r->f[6])) < 1e-3);
        assert_true(fabs(f.wald_lo - num(r->f[7])) < 1e-3 * fabs(num(r->f[5])));
        assert_true(fabs(f.wald_hi - num(r->f[8])) < 1e-3 * fabs(num(r->f[5])));
        assert_true(fabs(f.aic - note_value(r->f[11], "AIC")) < 1e-4);
        assert_true(fabs(f.bic - note_value(r->f[11], "BIC")) < 1e-4);
        assert_int_equal(f.df, (int)note_value(r->f[11], "df"));
        double dev = note_value(r->f[11], "dev");
        assert_true(fabs(f.deviance - dev) < 1e-4 * (1 + dev));
        if (r->f[4][1] == 'b')
            printf("closedp.t %-16s %-3s N %10.3f se %9.3f Wald [%9.2f, %9.2f] AIC %.5f BIC "
                   "%.5f; Rcapture %10.3f se %9.3f [%9.2f, %9.2f] AIC %.5f BIC %.5f\n",
                   r->f[0], r->f[4], f.N, f.se, f.wald_lo, f.wald_hi, f.aic, f.bic,
                   num(r->f[5]), num(r->f[6]), num(r->f[7]), num(r->f[8]),
                   note_value(r->f[11], "AIC"), note_value(r->f[11], "BIC"));
        checked++;
    }
    ref_free(rows, nrows);
    assert_int_equal(checked, 36);
    assert_int_equal(behaviour, 6);
}

static void test_model_names(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"[123,14,34]", "[123,14,34]"}, {"[34,14,123]", "[123,14,34]"},
        {"[1,2,3,4]", "[1,2,3,4]"},     {"independence", "[1,2,3,4]"},
        {"[21,3,4]", "[12,3,4]"},       {"[123,12,4]", "[123,4]"},
        {"[134,123]", "[123,134]"},     {"[12,13,14,23,34]", "[12,13,14,23,34]"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        struct am_llm_model m;
        struct am_err err = AM_ERR_INIT;
        assert_int_equal(am_llm_model_parse(pairs[i][0], 4, &m, &err), 0);
        char name[64];
        am_llm_model_name(&m, name, sizeof(name));
        assert_string_equal(name, pairs[i][1]);
    }
    /* hierarchical closure */
    struct am_llm_model m;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_llm_model_parse("[123,4]", 4, &m, &err), 0);
    assert_int_equal(m.nterms, 4);
    assert_true(am_llm_model_has(&m, 0x3) && am_llm_model_has(&m, 0x5) &&
                am_llm_model_has(&m, 0x6) && am_llm_model_has(&m, 0x7));
    assert_false(am_llm_model_has(&m, 0x9));
}

static void test_model_errors(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        int k;
        long col;
        const char *msg;
    } cases[] = {
        {"12,3", 3, 1, "must start with '['"},
        {"[12,5]", 4, 5, "list 5 in model '[12,5]' does not exist"},
        {"[12,0]", 3, 5, "list 0"},
        {"[112,3]", 3, 3, "list 1 repeated"},
        {"[12,,3]", 3, 5, "expected list digits"},
        {"[12,3", 3, 6, "unexpected ' '"},
        {"[12;3]", 3, 4, "unexpected ';'"},
        {"[12,3]x", 3, 6, "unexpected ']'"},
        {"[123]", 3, 2, "the 3-way term"},
        {"[12]", 3, 1, "list 3 is missing"},
        {"[]x", 3, 2, "expected list digits"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct am_llm_model m;
        struct am_err err = AM_ERR_INIT;
        int rc = am_llm_model_parse(cases[i].spec, cases[i].k, &m, &err);
        if (rc == 0 || !strstr(err.msg, cases[i].msg) || err.input_col != cases[i].col)
            fprintf(stderr, "model case %zu: rc=%d col=%ld %s\n", i, rc, err.input_col,
                    err.msg);
        assert_int_equal(rc, -1);
        assert_int_equal(err.code, AM_EINPUT);
        assert_non_null(strstr(err.msg, cases[i].msg));
        assert_int_equal(err.input_col, cases[i].col);
    }
    struct am_llm_model m;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_llm_model_parse("[12]", 7, &m, &err), -1);
    assert_non_null(strstr(err.msg, "2 to 6 lists"));
}

static void test_enumeration(void **state)
{
    (void)state;
    static const struct {
        int k, maxorder;
        size_t n;
    } cases[] = {{3, 2, 8}, {4, 2, 64}, {4, 3, 113}, {5, 2, 1024}, {2, 1, 1}, {3, 1, 1}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n;
        struct am_err err = AM_ERR_INIT;
        struct am_llm_model *m = am_llm_models(cases[i].k, cases[i].maxorder, &n, &err);
        assert_non_null(m);
        assert_int_equal(n, cases[i].n);
        am_free(m);
    }
    size_t n;
    struct am_err err = AM_ERR_INIT;
    assert_null(am_llm_models(3, 3, &n, &err));
    assert_int_equal(err.code, AM_EUSAGE);
    am_err_clear(&err);
    assert_null(am_llm_models(8, 2, &n, &err));
    assert_int_equal(err.code, AM_EUSAGE);
}

static void test_nonexistent(void **state)
{
    (void)state;
    /* Saturated 3-list model with the 110 cell empty: n0 = m100 m010 m001 m111 /
     * (m110 m101 m011) is infinite. */
    const char text[] = "A,B,C,count\n1,0,0,30\n0,1,0,20\n1,1,0,0\n0,0,1,25\n1,0,1,6\n"
                        "0,1,1,5\n1,1,1,4\n";
    struct am_mse_table t;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_mse_table_parse(text, sizeof(text) - 1, "t", &t, &err), 0);
    struct am_llm_fit f;
    fit_named(&t, "[12,13,23]", &f);
    assert_int_not_equal(f.status, AM_LLM_OK);
    assert_int_equal(f.df, 0);
    assert_false(f.profile_done);
    /* the same table under independence is fine */
    fit_named(&t, "[1,2,3]", &f);
    assert_int_equal(f.status, AM_LLM_OK);
    assert_true(f.profile_done);
    /* the search never picks a model whose estimate does not exist */
    size_t count;
    long ai, bi;
    struct am_llm_ranked *r = am_llm_search(&t, 2, &count, &ai, &bi, &err);
    assert_non_null(r);
    assert_true(ai >= 0 && bi >= 0);
    assert_int_equal(r[ai].fit.status, AM_LLM_OK);
    assert_int_equal(r[bi].fit.status, AM_LLM_OK);
    am_free(r);
}

static void test_fit_errors(void **state)
{
    (void)state;
    struct am_mse_table t;
    ref_table("hav_taiwan", &t);
    struct am_llm_model m;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_llm_model_parse("[1,2,3,4]", 4, &m, &err), 0);
    struct am_llm_fit f;
    assert_int_equal(am_llm_fit(&t, &m, 0, &f, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "model is for 4 lists but the table has 3"));
    /* two lists: [12] is the 2-way term and refused; independence has df 0 */
    const char two[] = "A,B,count\n1,0,40\n0,1,30\n1,1,20\n";
    assert_int_equal(am_mse_table_parse(two, sizeof(two) - 1, "t", &t, &err), 0);
    assert_int_equal(am_llm_model_parse("[1,2]", 2, &m, &err), 0);
    assert_int_equal(am_llm_fit(&t, &m, 1, &f, &err), 0);
    assert_int_equal(f.df, 0);
    /* Lincoln-Petersen: 60 * 50 / 20 = 150 */
    assert_float_equal(f.N, 150, 1e-6);
}

/* Mb and Mbh: the two-list closed form by hand, refusals, and the report's warnings. */
static void test_behaviour(void **state)
{
    (void)state;
    struct am_mse_table t;
    struct am_llm_model m;
    struct am_llm_fit f;
    struct am_err err = AM_ERR_INIT;
    /* 60 seen on occasion 1, 20 of them again on 2 (c = 1/3), 30 first seen on 2:
     * N p = 60 and (N - 60) p = 30 give N = 120, with no degrees of freedom left */
    const char two[] = "A,B,count\n1,0,40\n0,1,30\n1,1,20\n";
    assert_int_equal(am_mse_table_parse(two, sizeof(two) - 1, "t", &t, &err), 0);
    assert_int_equal(am_llm_model_parse("Mb", 2, &m, &err), 0);
    assert_int_equal(m.behaviour, AM_LLM_BEH_MB);
    assert_int_equal(am_llm_fit(&t, &m, 1, &f, &err), 0);
    assert_int_equal(f.status, AM_LLM_OK);
    assert_int_equal(f.df, 0);
    assert_float_equal(f.N, 120, 1e-6);
    assert_float_equal(f.n0, 30, 1e-6);
    assert_int_equal(f.profile_done, 0);
    assert_true(isnan(f.prof_lo));
    /* Mbh has four parameters: too many for three cells */
    assert_int_equal(am_llm_model_parse("Mbh", 2, &m, &err), 0);
    assert_int_equal(am_llm_fit(&t, &m, 0, &f, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "has 4 parameters but the table only 3 observed cells"));
    am_err_clear(&err);
    assert_int_equal(am_llm_model_parse("Mbb", 3, &m, &err), -1);
    assert_non_null(strstr(err.msg, "must start with '['"));
    am_err_clear(&err);

    /* the report: Kosovo's Mb exists (Wald interval), spina bifida's Mbh is below n */
    ref_table("kosovo", &t);
    struct am_mse_options o;
    am_mse_options_default(&o);
    o.methods = AM_MSE_LOGLINEAR;
    o.model = "Mb";
    struct am_mse_report r;
    assert_int_equal(am_mse_report_run(&t, &o, &r, &err), 0);
    assert_int_equal(r.estimates.n, 1);
    assert_string_equal(r.estimates.v[0].model, "Mb");
    assert_string_equal(r.estimates.v[0].interval, "Wald");
    assert_int_equal(r.estimates.v[0].exists, 1);
    assert_true(fabs(r.estimates.v[0].N - 5189.665) < 0.01);
    int order = 0, below = 0;
    for (size_t i = 0; i < r.warnings.n; i++)
        order += strstr(r.warnings.v[i], "Mb reads the lists as capture occasions in time") !=
                 NULL;
    assert_int_equal(order, 1);
    am_mse_report_release(&r);
    ref_table("spina_bifida_ny", &t);
    o.model = "Mbh";
    assert_int_equal(am_mse_report_run(&t, &o, &r, &err), 0);
    assert_int_equal(r.estimates.v[0].exists, 0);
    for (size_t i = 0; i < r.warnings.n; i++)
        below += strstr(r.warnings.v[i], "the estimate of Mbh (111.7) is below the 626 people "
                                         "seen") != NULL;
    assert_int_equal(below, 1);
    am_mse_report_release(&r);
}

int run_loglinear_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kosovo_published), cmocka_unit_test(test_reference_models),
        cmocka_unit_test(test_reference_closedp),
        cmocka_unit_test(test_model_names),      cmocka_unit_test(test_model_errors),
        cmocka_unit_test(test_enumeration),      cmocka_unit_test(test_nonexistent),
        cmocka_unit_test(test_fit_errors),       cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests_name("estimate/loglinear", tests, NULL, NULL);
}
