/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * LCMCR against the LCMCR R package (tests/vectors/mse/lcmcr_long_runs.csv) and against
 * the truth. The reference chains ran 1.1 M iterations; these tests run 310,000 (seconds
 * even under ASan) and compare within Monte Carlo error: the error of our
 * median and bounds is measured by batch means over the chain, the reference's is scaled
 * from ours by the two effective sample sizes, and the tolerance is four combined
 * standard errors (printed). The coverage test draws 100 synthetic populations with known
 * N (two latent classes: heterogeneous capture, lists dependent through the classes) and
 * counts how often the 95% interval covers N; it uses short chains to stay near a minute
 * under ASan, and prints the coverage.
 */
#include "groups.h"
#include "ref.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BATCHES 20

/* Monte Carlo standard errors of median, 2.5% and 97.5% quantiles by batch means. */
static void batch_se(const double *draws, size_t n, double se[3])
{
    size_t bl = n / BATCHES;
    double q[BATCHES][3];
    for (int b = 0; b < BATCHES; b++) {
        struct am_mse_summary s;
        am_mse_summarize(draws + (size_t)b * bl, bl, &s);
        q[b][0] = s.median;
        q[b][1] = s.lo;
        q[b][2] = s.hi;
    }
    for (int i = 0; i < 3; i++) {
        double m = 0, v = 0;
        for (int b = 0; b < BATCHES; b++)
            m += q[b][i];
        m /= BATCHES;
        for (int b = 0; b < BATCHES; b++)
            v += (q[b][i] - m) * (q[b][i] - m);
        se[i] = sqrt(v / (BATCHES - 1)) / sqrt((double)BATCHES);
    }
}

static void test_long_runs(void **state)
{
    (void)state;
    size_t nrows;
    struct ref_row *rows = ref_read("lcmcr_long_runs.csv", &nrows);
    int checked = 0;
    for (size_t i = 1; i < nrows; i++) {
        struct ref_row *r = &rows[i];
        if (strcmp(r->f[1], "long") != 0 || strcmp(r->f[2], "10") != 0)
            continue;
        struct am_mse_table t;
        ref_table(r->f[0], &t);
        struct am_lcmcr_settings s;
        am_lcmcr_settings_default(&s);
        s.burnin = 10000;
        s.samples = 30000;
        s.thinning = 10;
        struct am_lcmcr_result res;
        struct am_err err = AM_ERR_INIT;
        assert_int_equal(am_lcmcr_run(&t, &s, &res, &err), 0);
        assert_int_equal(res.ndraws, 30000);
        assert_int_equal(res.iterations, 310000);
        double se[3];
        batch_se(res.draws, res.ndraws, se);
        double ref_ess = num(r->f[13]);
        double scale = sqrt(res.summary.ess / ref_ess);
        double ours[3] = {res.summary.median, res.summary.lo, res.summary.hi};
        double refv[3] = {num(r->f[9]), num(r->f[10]), num(r->f[11])};
        const char *what[3] = {"median", "2.5%", "97.5%"};
        for (int q = 0; q < 3; q++) {
            double tol = 4 * se[q] * sqrt(1 + scale * scale);
            printf("lcmcr %-16s %-6s ours %8.1f reference %8.1f  |diff| %7.1f  tolerance "
                   "%7.1f (ESS %.0f)\n",
                   r->f[0], what[q], ours[q], refv[q], fabs(ours[q] - refv[q]), tol,
                   res.summary.ess);
            assert_true(fabs(ours[q] - refv[q]) <= tol);
        }
        /* the tolerance is not vacuous: at most a fifth of the estimate */
        assert_true(4 * se[0] * sqrt(1 + scale * scale) < 0.2 * refv[0]);
        am_lcmcr_result_release(&res);
        checked++;
    }
    ref_free(rows, nrows);
    assert_int_equal(checked, 3);
}

static void test_reproducible(void **state)
{
    (void)state;
    struct am_mse_table t;
    ref_table("spina_bifida_ny", &t);
    struct am_lcmcr_settings s;
    am_lcmcr_settings_default(&s);
    s.burnin = 200;
    s.samples = 300;
    s.thinning = 2;
    struct am_lcmcr_result a, b, c;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_lcmcr_run(&t, &s, &a, &err), 0);
    assert_int_equal(am_lcmcr_run(&t, &s, &b, &err), 0);
    assert_memory_equal(a.draws, b.draws, a.ndraws * sizeof(double));
    s.seed++;
    assert_int_equal(am_lcmcr_run(&t, &s, &c, &err), 0);
    assert_true(memcmp(a.draws, c.draws, a.ndraws * sizeof(double)) != 0);
    for (size_t i = 0; i < a.ndraws; i++)
        assert_true(a.draws[i] >= t.n && a.draws[i] == floor(a.draws[i]));
    assert_true(a.summary.lo <= a.summary.median && a.summary.median <= a.summary.hi);
    assert_true(a.summary.ess > 1 && a.summary.ess <= 300);
    assert_int_equal(a.settings.seed, 20250101);
    assert_string_equal(a.rng, "xoshiro256+");
    am_lcmcr_result_release(&a);
    am_lcmcr_result_release(&b);
    am_lcmcr_result_release(&c);
    am_lcmcr_result_release(NULL);
}

static void test_refusals(void **state)
{
    (void)state;
    struct am_mse_table t;
    ref_table("hav_taiwan", &t);
    struct am_lcmcr_settings s;
    struct am_lcmcr_result r;
    struct am_err err = AM_ERR_INIT;
    am_lcmcr_settings_default(&s);
    s.K = 1;
    assert_int_equal(am_lcmcr_run(&t, &s, &r, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    assert_non_null(strstr(err.msg, "latent classes"));
    am_err_clear(&err);
    am_lcmcr_settings_default(&s);
    s.thinning = 0;
    assert_int_equal(am_lcmcr_run(&t, &s, &r, &err), -1);
    assert_non_null(strstr(err.msg, "thinning >= 1"));
    am_err_clear(&err);
    am_lcmcr_settings_default(&s);
    s.a_alpha = 0;
    assert_int_equal(am_lcmcr_run(&t, &s, &r, &err), -1);
    assert_non_null(strstr(err.msg, "Gamma prior"));
    am_err_clear(&err);
    am_lcmcr_settings_default(&s);
    const char two[] = "A,B,count\n1,0,4\n0,1,3\n1,1,2\n";
    assert_int_equal(am_mse_table_parse(two, sizeof(two) - 1, "t", &t, &err), 0);
    assert_int_equal(am_lcmcr_run(&t, &s, &r, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "at least 3 lists"));
}

/*
 * A population of N (500..2000) people in two latent classes seen by 5 lists: a
 * hard-to-see class (30-70% of people, capture probabilities 0.15-0.35 per list) and an
 * easy one (0.4-0.8). People of one class are seen together, so the lists are dependent.
 * (With a nearly invisible class, capture below 0.2 on 4 lists, coverage falls to about
 * two thirds: see docs/estimation.md.)
 */
static void synth_population(gsl_rng *rng, struct am_mse_table *t, double *N_true)
{
    memset(t, 0, sizeof(*t));
    t->k = 5;
    unsigned N = 500 + (unsigned)gsl_rng_uniform_int(rng, 1500);
    double share = 0.3 + 0.4 * gsl_rng_uniform(rng); /* the hard-to-see class */
    double p[2][5];
    for (int j = 0; j < 5; j++) {
        p[0][j] = 0.15 + 0.2 * gsl_rng_uniform(rng);
        p[1][j] = 0.4 + 0.4 * gsl_rng_uniform(rng);
    }
    for (unsigned i = 0; i < N; i++) {
        int c = gsl_rng_uniform(rng) < share ? 0 : 1;
        unsigned pat = 0;
        for (int j = 0; j < 5; j++)
            if (gsl_rng_uniform(rng) < p[c][j])
                pat |= 1u << j;
        t->count[pat] += 1;
    }
    am_mse_table_total(t);
    *N_true = N;
}

static void test_coverage(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 4242);
    int covered = 0, runs = 100;
    double width = 0;
    for (int run = 0; run < runs; run++) {
        struct am_mse_table t;
        double N;
        synth_population(rng, &t, &N);
        struct am_lcmcr_settings s;
        am_lcmcr_settings_default(&s);
        s.seed = 1000 + (unsigned long)run;
        s.burnin = 2000;
        s.samples = 1000;
        s.thinning = 5;
        struct am_lcmcr_result r;
        struct am_err err = AM_ERR_INIT;
        assert_int_equal(am_lcmcr_run(&t, &s, &r, &err), 0);
        if (r.summary.lo <= N && N <= r.summary.hi)
            covered++;
        width += (r.summary.hi - r.summary.lo) / N;
        am_lcmcr_result_release(&r);
    }
    gsl_rng_free(rng);
    printf("lcmcr coverage: the 95%% interval covered the true N in %d of %d synthetic "
           "populations (mean width %.0f%% of N; K=10, burn-in 2000, 1000 draws thinned by "
           "5)\n",
           covered, runs, 100 * width / runs);
    assert_true(covered >= 90);
}

int run_lcmcr_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_runs),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_coverage),
    };
    return cmocka_run_group_tests_name("estimate/lcmcr", tests, NULL, NULL);
}
