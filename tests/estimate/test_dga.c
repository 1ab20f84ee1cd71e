/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * dga (Madigan & York model averaging) against R's dga 2.0.2 in reference.csv: median and
 * 95% bounds within 1, mean, mode and the top graph's weight; the number of decomposable
 * graphs for 3, 4 and 5 lists; refusals; sampling from the posterior.
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

static void test_reference(void **state)
{
    (void)state;
    size_t nrows;
    struct ref_row *rows = ref_read("reference.csv", &nrows);
    int checked = 0;
    for (size_t i = 1; i < nrows; i++) {
        struct ref_row *r = &rows[i];
        if (strcmp(r->f[3], "dga") != 0)
            continue;
        struct am_mse_table t;
        ref_table(r->f[0], &t);
        /* the reference grid: "grid 0:10840" */
        const char *g = strstr(r->f[4], "grid 0:");
        assert_non_null(g);
        long nmax = strtol(g + 7, NULL, 10);
        struct am_dga_result d;
        struct am_err err = AM_ERR_INIT;
        assert_int_equal(am_dga_run(&t, 0, nmax, &d, &err), 0);
        assert_float_equal(d.delta, ldexp(1.0, -t.k), 0);
        assert_true(fabs(d.median - num(r->f[5])) <= 1);
        assert_true(fabs(d.lo - num(r->f[7])) <= 1);
        assert_true(fabs(d.hi - num(r->f[8])) <= 1);
        assert_true(fabs(d.mean - note_value(r->f[11], "mean")) < 0.1);
        assert_true(fabs(d.mode - note_value(r->f[11], "mode")) <= 1);
        assert_true(fabs(d.graph_weight[d.top_graph] - note_value(r->f[11], "p")) < 1e-3);
        int ngraphs = (int)strtol(strstr(r->f[4], "graphs") - 3, NULL, 10);
        assert_int_equal(d.ngraphs, ngraphs);
        double s = 0;
        for (long m = 0; m <= d.nmax; m++)
            s += d.post[m];
        assert_float_equal(s, 1, 1e-9);
        /* the default grid is the reference's */
        struct am_dga_result d2;
        assert_int_equal(am_dga_run(&t, 0, 0, &d2, &err), 0);
        assert_int_equal(d2.nmax, nmax);
        am_dga_result_release(&d2);
        am_dga_result_release(&d);
        checked++;
    }
    ref_free(rows, nrows);
    assert_int_equal(checked, 3);
}

static void test_top_graphs(void **state)
{
    (void)state;
    struct am_mse_table t;
    struct am_dga_result d;
    struct am_err err = AM_ERR_INIT;
    char name[64];
    ref_table("kosovo", &t);
    assert_int_equal(am_dga_run(&t, 0, 0, &d, &err), 0);
    am_dga_graph_name(t.k, d.graph_edges[d.top_graph], name, sizeof(name));
    assert_string_equal(name, "[123,134]"); /* the AIC-best log-linear model as well */
    am_dga_result_release(&d);
    ref_table("spina_bifida_ny", &t);
    assert_int_equal(am_dga_run(&t, 0, 0, &d, &err), 0);
    am_dga_graph_name(t.k, d.graph_edges[d.top_graph], name, sizeof(name));
    assert_string_equal(name, "[23,1]");
    am_dga_result_release(&d);
    am_dga_result_release(NULL);
}

static void test_five_lists(void **state)
{
    (void)state;
    /* Madigan & York's 5-list example table (dga's documentation), patterns in dga's
     * array order: the first list varies fastest. */
    static const double y[32] = {0,  27, 37, 19, 4, 4, 1, 1, 97, 22, 37, 25, 2, 1, 3, 5,
                                 83, 36, 34, 18, 3, 5, 0, 2, 30, 5,  23, 8,  0, 3, 0, 2};
    struct am_mse_table t;
    memset(&t, 0, sizeof(t));
    t.k = 5;
    for (int c = 1; c < 32; c++)
        t.count[c] = y[c];
    am_mse_table_total(&t);
    struct am_dga_result d;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_dga_run(&t, 0.5, 300, &d, &err), 0);
    assert_int_equal(d.ngraphs, 822);
    assert_true(d.median > t.n && d.median < t.n + 300);
    assert_true(d.lo <= d.median && d.median <= d.hi);
    double s = 0;
    for (int j = 0; j < d.ngraphs; j++)
        s += d.graph_weight[j];
    assert_float_equal(s, 1, 1e-9);
    am_dga_result_release(&d);
}

static void test_refusals(void **state)
{
    (void)state;
    struct am_mse_table t;
    struct am_err err = AM_ERR_INIT;
    const char two[] = "A,B,count\n1,0,4\n0,1,3\n1,1,2\n";
    assert_int_equal(am_mse_table_parse(two, sizeof(two) - 1, "t", &t, &err), 0);
    struct am_dga_result d;
    assert_int_equal(am_dga_run(&t, 0, 0, &d, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "3 to 5 lists, not 2"));
    am_err_clear(&err);
    const char six[] = "A,B,C,D,E,F,count\n1,0,0,0,0,0,4\n";
    assert_int_equal(am_mse_table_parse(six, sizeof(six) - 1, "t", &t, &err), 0);
    assert_int_equal(am_dga_run(&t, 0, 0, &d, &err), -1);
    assert_non_null(strstr(err.msg, "not 6"));
    am_err_clear(&err);
    ref_table("hav_taiwan", &t);
    assert_int_equal(am_dga_run(&t, 0, 60000000, &d, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
}

static void test_sampling(void **state)
{
    (void)state;
    struct am_mse_table t;
    ref_table("spina_bifida_ny", &t);
    struct am_dga_result d;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_dga_run(&t, 0, 0, &d, &err), 0);
    size_t n = 20000;
    double *draws = am_malloc(n * sizeof(double));
    am_dga_sample(&d, t.n, 7, draws, n);
    struct am_mse_summary s;
    am_mse_summarize(draws, n, &s);
    assert_true(fabs(s.median - d.median) <= 2);
    assert_true(fabs(s.mean - d.mean) < 1.5);
    am_free(draws);
    am_dga_result_release(&d);
}

int run_dga_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference), cmocka_unit_test(test_top_graphs),
        cmocka_unit_test(test_five_lists), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_sampling),
    };
    return cmocka_run_group_tests_name("estimate/dga", tests, NULL, NULL);
}
