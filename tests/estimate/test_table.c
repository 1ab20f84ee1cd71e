/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Capture-history tables: the published tables load as expected, and every kind of bad
 * input is refused with its message and its line and column. Also the posterior summary
 * helpers (R's type-7 quantiles, effective sample size, writing draws).
 */
#include "groups.h"
#include "ref.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static void test_load_vectors(void **state)
{
    (void)state;
    struct am_mse_table t;
    ref_table("kosovo", &t);
    assert_int_equal(t.k, 4);
    assert_string_equal(t.names[0], "EXH");
    assert_string_equal(t.names[3], "HRW");
    assert_true(t.n == 4400);
    /* 0,0,0,1 -> HRW only: bit 3 */
    assert_true(t.count[8] == 306);
    assert_true(t.count[15] == 27);
    ref_table("spina_bifida_ny", &t);
    assert_int_equal(t.k, 3);
    assert_true(t.n == 626);
    assert_true(t.count[1] == 247); /* 1,0,0: BC only */
    ref_table("hav_taiwan", &t);
    assert_true(t.n == 271);
    assert_true(t.count[7] == 28);
}

static void test_lenient_forms(void **state)
{
    (void)state;
    /* BOM, CRLF, blank lines, spaces, quoted header, missing patterns count 0 */
    const char text[] = "\xEF\xBB\xBF\"A\", \"B\",count\r\n\r\n1,0, 5\r\n 0 ,1,3\r\n1,1,0\r\n";
    struct am_mse_table t;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_mse_table_parse(text, sizeof(text) - 1, "x.csv", &t, &err), 0);
    assert_int_equal(t.k, 2);
    assert_string_equal(t.names[1], "B");
    assert_true(t.count[1] == 5 && t.count[2] == 3 && t.count[3] == 0 && t.n == 8);
    /* an explicit all-zero row with count 0 is accepted and ignored */
    const char z[] = "A,B,C,count\n0,0,0,0\n1,1,1,4\n";
    assert_int_equal(am_mse_table_parse(z, sizeof(z) - 1, "z.csv", &t, &err), 0);
    assert_true(t.n == 4);
}

struct bad_case {
    const char *text;
    long line, col;
    const char *msg;
};

static void test_bad_input(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"", 1, 1, "empty table"},
        {"\n\n", 2, 1, "empty table"},
        {"A,B,C,n\n", 1, 7, "last header column must be `count`"},
        {"A,count\n1,3\n", 1, 1, "at least 2 lists"},
        {"A,B,C,D,E,F,G,count\n", 1, 1, "more than 6 lists"},
        {"A,,C,count\n", 1, 3, "empty list name"},
        {"A,B,A,count\n", 1, 5, "named twice"},
        {"A,B,C,count\n1,0,1\n", 2, 1, "3 fields where the header has 4"},
        {"A,B,C,count\n1,0,1,2,7\n", 2, 1, "5 fields where the header has 4"},
        {"A,B,C,count\n1,2,1,5\n", 2, 3, "'2' under list 'B' is not 0 or 1"},
        {"A,B,C,count\n1,0,yes,5\n", 2, 5, "'yes' under list 'C'"},
        {"A,B,C,count\n1,0,1,-4\n", 2, 7, "count '-4' is not a whole number"},
        {"A,B,C,count\n1,0,1,2.5\n", 2, 7, "count '2.5'"},
        {"A,B,C,count\n1,0,1,\n", 2, 7, "is not a whole number"},
        {"A,B,C,count\n0,0,0,3\n", 2, 1, "all-zero pattern"},
        {"A,B,C,count\n1,0,1,3\n0,1,0,1\n1,0,1,2\n", 4, 1, "already given on line 2"},
        {"A,B,C,count\n1,0,1,0\n", 2, 1, "no one was seen"},
        {"A,B,count\n1,0,1x\n", 2, 5, "count '1x'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct am_mse_table t;
        struct am_err err = AM_ERR_INIT;
        int rc = am_mse_table_parse(cases[i].text, strlen(cases[i].text), "t.csv", &t, &err);
        if (rc == 0 || !strstr(err.msg, cases[i].msg) || err.input_line != cases[i].line ||
            err.input_col != cases[i].col)
            fprintf(stderr, "case %zu: rc=%d %ld:%ld %s\n", i, rc, err.input_line,
                    err.input_col, err.msg);
        assert_int_equal(rc, -1);
        assert_int_equal(err.code, AM_EINPUT);
        assert_string_equal(err.input_file, "t.csv");
        assert_non_null(strstr(err.msg, cases[i].msg));
        assert_int_equal(err.input_line, cases[i].line);
        assert_int_equal(err.input_col, cases[i].col);
    }
    /* a NUL byte */
    const char nul[] = "A,B,count\n1,\0,3\n";
    struct am_mse_table t;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_mse_table_parse(nul, sizeof(nul) - 1, "t.csv", &t, &err), -1);
    assert_non_null(strstr(err.msg, "NUL byte"));
    assert_int_equal(err.input_line, 2);
    assert_int_equal(err.input_col, 3);
}

static void test_load_missing_file(void **state)
{
    (void)state;
    struct am_mse_table t;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_mse_table_load("/nonexistent/x.csv", &t, &err), -1);
    assert_int_equal(err.code, AM_EIO);
    assert_non_null(strstr(err.msg, "cannot open"));
}

static void test_quantiles_and_ess(void **state)
{
    (void)state;
    /* R: quantile(1:10, c(.025,.5,.975)) = 1.225 5.5 9.775 */
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = 10 - i; /* unsorted on purpose */
    struct am_mse_summary s;
    am_mse_summarize(x, 10, &s);
    assert_float_equal(s.lo, 1.225, 1e-12);
    assert_float_equal(s.median, 5.5, 1e-12);
    assert_float_equal(s.hi, 9.775, 1e-12);
    assert_float_equal(s.mean, 5.5, 1e-12);
    assert_float_equal(s.sd, sqrt(55.0 / 6.0), 1e-12);
    /* independent draws: ESS near n; a sticky chain: ESS far below n */
    size_t n = 4000;
    double *iid = am_malloc(n * sizeof(double)), *ar = am_malloc(n * sizeof(double));
    unsigned long st = 12345;
    double prev = 0;
    for (size_t i = 0; i < n; i++) {
        st = st * 6364136223846793005ul + 1442695040888963407ul;
        double u = (double)(st >> 11) / 9007199254740992.0 - 0.5;
        iid[i] = u;
        prev = 0.95 * prev + u;
        ar[i] = prev;
    }
    am_mse_summarize(iid, n, &s);
    assert_true(s.ess > 0.7 * (double)n);
    am_mse_summarize(ar, n, &s);
    /* AR(1) with phi=.95: n (1-phi)/(1+phi) = 103 */
    assert_true(s.ess > 40 && s.ess < 250);
    am_free(iid);
    am_free(ar);
}

static void test_draws_write(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof(path), "%s/test_draws_%d.csv", AM_BINARY_DIR, (int)getpid());
    double d[3] = {10, 12, 11};
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_mse_draws_write(path, d, 3, &err), 0);
    struct am_buf b;
    am_buf_init(&b);
    assert_int_equal(am_buf_read_file(&b, path, &err), 0);
    assert_string_equal(b.ptr, "N\n10\n12\n11\n");
    am_buf_release(&b);
    unlink(path);
    assert_int_equal(am_mse_draws_write("/nonexistent/dir/d.csv", d, 3, &err), -1);
    assert_int_equal(err.code, AM_EIO);
}

int run_table_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_vectors),       cmocka_unit_test(test_lenient_forms),
        cmocka_unit_test(test_bad_input),          cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_quantiles_and_ess),  cmocka_unit_test(test_draws_write),
    };
    return cmocka_run_group_tests_name("estimate/table", tests, NULL, NULL);
}
