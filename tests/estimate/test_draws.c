/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The exact draws inside the LCMCR sampler (src/estimate/estimate_int.h) against their exact
 * distributions: binomials (inversion, its squeeze, BTRS, the mirrored p > 1/2) and
 * Poisson (multiplication, PTRS) by chi-square over their probabilities; gammas and betas
 * by mean and variance; the multinomial split of a cell by each class's mean and
 * variance, the variance of sums of two classes (their covariance), and the count adding
 * up. Seeds are fixed; a bound of 5 standard errors never trips on a correct
 * sampler and trips at once on a wrong constant (each statistic is printed).
 */
#include "groups.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/estimate_int.h"

#define DRAWS 100000L
#define MAXK 6001

/* chi-square z-score of counts h[0..kmax] against probabilities pmf (cells with expected
 * count below 10 pooled) */
static double chi_z(const long *h, const double *pmf, int kmax, long n)
{
    double chi = 0, pool_e = 0;
    long pool_o = 0;
    int cells = 0;
    for (int k = 0; k <= kmax; k++) {
        double e = (double)n * pmf[k];
        if (e < 10) {
            pool_e += e;
            pool_o += h[k];
            continue;
        }
        chi += (h[k] - e) * (h[k] - e) / e;
        cells++;
    }
    long tail = n;
    for (int k = 0; k <= kmax; k++)
        tail -= h[k];
    pool_o += tail; /* draws past kmax */
    pool_e += (double)n;
    for (int k = 0; k <= kmax; k++)
        pool_e -= (double)n * pmf[k];
    if (pool_e >= 10) {
        chi += (pool_o - pool_e) * (pool_o - pool_e) / pool_e;
        cells++;
    }
    return (chi - (cells - 1)) / sqrt(2.0 * (cells - 1));
}

static void test_binomial(void **state)
{
    (void)state;
    struct am__lcmcr_draws *d = am__lcmcr_draws_new(11);
    static const struct {
        uint64_t n;
        double p;
    } cases[] = {{20, 0.3},   {16, 0.02}, {40, 0.4},     {100, 0.15}, {300, 0.5},
                 {1000, 0.03}, {2000, 0.7}, {5000, 0.001}, {50, 0.99},  {17, 0.6}};
    long *h = calloc(MAXK, sizeof(long));
    double *pmf = calloc(MAXK, sizeof(double));
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        uint64_t n = cases[c].n;
        double p = cases[c].p;
        memset(h, 0, MAXK * sizeof(long));
        for (long i = 0; i < DRAWS; i++) {
            uint64_t x = am__lcmcr_binom(d, n, p);
            assert_true(x <= n);
            h[x]++;
        }
        for (uint64_t k = 0; k <= n; k++)
            pmf[k] = exp(lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) +
                         (double)k * log(p) + (double)(n - k) * log1p(-p));
        double z = chi_z(h, pmf, (int)n, DRAWS);
        printf("binomial n=%-5lu p=%-5g chi-square z %6.2f\n", (unsigned long)n, p, z);
        assert_true(fabs(z) < 5);
    }
    assert_int_equal(am__lcmcr_binom(d, 40, 0), 0);
    assert_int_equal(am__lcmcr_binom(d, 40, 1), 40);
    assert_int_equal(am__lcmcr_binom(d, 0, 0.5), 0);
    free(h);
    free(pmf);
    am__lcmcr_draws_free(d);
    am__lcmcr_draws_free(NULL);
}

static void test_poisson(void **state)
{
    (void)state;
    struct am__lcmcr_draws *d = am__lcmcr_draws_new(12);
    static const double mus[] = {0.5, 3, 9.5, 12, 45, 800, 3000};
    long *h = calloc(MAXK, sizeof(long));
    double *pmf = calloc(MAXK, sizeof(double));
    for (size_t c = 0; c < sizeof(mus) / sizeof(mus[0]); c++) {
        double mu = mus[c];
        memset(h, 0, MAXK * sizeof(long));
        for (long i = 0; i < DRAWS; i++) {
            uint64_t x = am__lcmcr_poisson(d, mu);
            if (x < MAXK)
                h[x]++;
        }
        for (int k = 0; k < MAXK; k++)
            pmf[k] = exp(-mu + k * log(mu) - lgamma(k + 1.0));
        double z = chi_z(h, pmf, MAXK - 1, DRAWS);
        printf("poisson mu=%-6g chi-square z %6.2f\n", mu, z);
        assert_true(fabs(z) < 5);
    }
    assert_int_equal(am__lcmcr_poisson(d, 0), 0);
    free(h);
    free(pmf);
    am__lcmcr_draws_free(d);
}

static void moments(double *draws, long n, double *mean, double *var)
{
    double s = 0, s2 = 0;
    for (long i = 0; i < n; i++)
        s += draws[i];
    *mean = s / (double)n;
    for (long i = 0; i < n; i++)
        s2 += (draws[i] - *mean) * (draws[i] - *mean);
    *var = s2 / (double)(n - 1);
}

static void test_gamma_beta(void **state)
{
    (void)state;
    struct am__lcmcr_draws *d = am__lcmcr_draws_new(13);
    double *x = malloc(DRAWS * sizeof(double));
    static const double shapes[] = {0.3, 1, 2.5, 7, 150, 5000};
    for (size_t c = 0; c < sizeof(shapes) / sizeof(shapes[0]); c++) {
        double a = shapes[c], m, v;
        for (long i = 0; i < DRAWS; i++) {
            x[i] = am__lcmcr_gamma(d, a);
            assert_true(x[i] > 0);
        }
        moments(x, DRAWS, &m, &v);
        double zm = (m - a) / sqrt(a / DRAWS);
        double zv = (v / a - 1) / sqrt((6 / a + 2) / DRAWS);
        printf("gamma a=%-6g mean z %6.2f variance z %6.2f\n", a, zm, zv);
        assert_true(fabs(zm) < 5 && fabs(zv) < 5);
    }
    static const uint64_t ab[][2] = {{1, 5}, {4, 1}, {2, 3}, {3, 40}, {30, 900}, {7, 7}, {2000, 3000}};
    for (size_t c = 0; c < sizeof(ab) / sizeof(ab[0]); c++) {
        double a = (double)ab[c][0], b = (double)ab[c][1], m, v;
        for (long i = 0; i < DRAWS; i++) {
            x[i] = am__lcmcr_beta(d, ab[c][0], ab[c][1]);
            assert_true(x[i] >= 0 && x[i] <= 1);
        }
        moments(x, DRAWS, &m, &v);
        double em = a / (a + b), ev = a * b / ((a + b) * (a + b) * (a + b + 1));
        double zm = (m - em) / sqrt(ev / DRAWS);
        printf("beta(%g, %g) mean z %6.2f variance ratio %.4f\n", a, b, zm, v / ev);
        assert_true(fabs(zm) < 5 && fabs(v / ev - 1) < 0.05);
    }
    free(x);
    am__lcmcr_draws_free(d);
}

/* The ziggurat normal: chi-square over 40 bins of equal probability between -3.5 and 3.5
 * plus both tails (the ziggurat's own tail starts at 3.44), mean and variance. */
static void test_normal(void **state)
{
    (void)state;
    struct am__lcmcr_draws *d = am__lcmcr_draws_new(15);
    enum { BINS = 42 };
    long h[BINS] = {0}, n = 4 * DRAWS, far = 0;
    double edge[BINS - 1], pmf[BINS], sum = 0, sum2 = 0;
    /* edges: -inf, -3.5, then 40 bins of width 0.175 up to 3.5, then +inf */
    for (int b = 0; b < BINS - 1; b++)
        edge[b] = -3.5 + 0.175 * b;
    for (int b = 0; b < BINS; b++) {
        double lo = b == 0 ? -INFINITY : edge[b - 1], hi = b == BINS - 1 ? INFINITY : edge[b];
        pmf[b] = 0.5 * (erfc(-hi / 1.4142135623730951) - erfc(-lo / 1.4142135623730951));
    }
    for (long i = 0; i < n; i++) {
        double z = am__lcmcr_normal(d);
        int b = 0;
        while (b < BINS - 1 && z >= edge[b])
            b++;
        h[b]++;
        sum += z;
        sum2 += z * z;
        far += fabs(z) > 3.442619855899;
    }
    double zc = chi_z(h, pmf, BINS - 1, n);
    double zm = sum / n / sqrt(1.0 / n), zv = (sum2 / n - 1) / sqrt(2.0 / n);
    /* P(|Z| > R) = 5.7e-4: the tail sampler's share */
    double pfar = erfc(3.442619855899 / 1.4142135623730951), zf = (far - n * pfar) / sqrt(n * pfar);
    printf("normal chi-square z %6.2f mean z %6.2f variance z %6.2f beyond R z %6.2f\n", zc,
           zm, zv, zf);
    assert_true(fabs(zc) < 5 && fabs(zm) < 5 && fabs(zv) < 5 && fabs(zf) < 5);
    am__lcmcr_draws_free(d);
}

/* Several cells split at once (the binomials run class by class across the cells): each
 * cell's counts add up and each class's mean is its multinomial mean. */
static void test_split_cells(void **state)
{
    (void)state;
    struct am__lcmcr_draws *d = am__lcmcr_draws_new(16);
    enum { CELLS = 5, K = 7 };
    const double w[CELLS][K] = {{0.5, 0.2, 0.1, 0.1, 0.05, 0.05, 0},
                                {0.01, 0.3, 0.3, 0.2, 0.1, 0.05, 0.04},
                                {1e-6, 1e-6, 0.9, 0.05, 0.02, 0.02, 0.01},
                                {0.2, 0.2, 0.2, 0.2, 0.1, 0.05, 0.05},
                                {0, 0, 0, 0, 0, 0, 1e-9}};
    const uint64_t counts[CELLS] = {3000, 40, 17, 9, 50};
    const int order[K] = {0, 1, 2, 3, 4, 5, 6};
    double sum[CELLS][K] = {{0}};
    long reps = DRAWS / 4;
    for (long r = 0; r < reps; r++) {
        uint64_t out[CELLS][K];
        am__lcmcr_split_cells(d, K, order, CELLS, &w[0][0], counts, &out[0][0]);
        for (int i = 0; i < CELLS; i++) {
            uint64_t tot = 0;
            for (int c = 0; c < K; c++) {
                tot += out[i][c];
                sum[i][c] += (double)out[i][c];
            }
            assert_int_equal(tot, counts[i]);
        }
        assert_int_equal(out[0][6], 0);  /* weight 0 */
        assert_int_equal(out[4][6], 50); /* the only class with weight */
    }
    double zmax = 0;
    for (int i = 0; i < CELLS; i++) {
        double ws = 0;
        for (int c = 0; c < K; c++)
            ws += w[i][c];
        for (int c = 0; c < K; c++) {
            double p = w[i][c] / ws;
            if (p == 0 || p == 1)
                continue;
            double z = (sum[i][c] / (double)reps - (double)counts[i] * p) /
                       sqrt((double)counts[i] * p * (1 - p) / (double)reps);
            if (fabs(z) > fabs(zmax))
                zmax = z;
        }
    }
    printf("split of 5 cells at once: largest class-mean z %6.2f\n", zmax);
    assert_true(fabs(zmax) < 5);
    /* 16 people over 16 classes of equal weight: one by one over more classes than the
     * packed counts hold (the counts through memory) */
    enum { K16 = 16 };
    double w16[K16];
    int order16[K16];
    for (int c = 0; c < K16; c++) {
        w16[c] = 1;
        order16[c] = K16 - 1 - c;
    }
    double s16[K16] = {0};
    for (long r = 0; r < reps; r++) {
        uint64_t out[K16], tot = 0;
        am__lcmcr_split(d, K16, order16, w16, 16, out);
        for (int c = 0; c < K16; c++) {
            tot += out[c];
            s16[c] += (double)out[c];
        }
        assert_int_equal(tot, 16);
    }
    double z16 = 0;
    for (int c = 0; c < K16; c++) {
        double z = (s16[c] / (double)reps - 1) / sqrt(16 * (1.0 / 16) * (15.0 / 16) / (double)reps);
        if (fabs(z) > fabs(z16))
            z16 = z;
    }
    printf("split of 16 over 16 classes: largest class-mean z %6.2f\n", z16);
    assert_true(fabs(z16) < 5);
    am__lcmcr_draws_free(d);
}

static void test_split(void **state)
{
    (void)state;
    struct am__lcmcr_draws *d = am__lcmcr_draws_new(14);
    const double w[10] = {0.3, 0.001, 0.2, 0.05, 0.0, 0.12, 0.02, 0.25, 1e-5, 0.059};
    const int order[10] = {0, 7, 2, 5, 9, 3, 6, 1, 8, 4};
    double wsum = 0;
    for (int c = 0; c < 10; c++)
        wsum += w[c];
    static const uint64_t counts[] = {1, 5, 16, 17, 40, 300, 5000};
    for (size_t t = 0; t < sizeof(counts) / sizeof(counts[0]); t++) {
        double sum[10] = {0}, sq[10] = {0}, sq2[10] = {0};
        long reps = DRAWS / 4;
        for (long r = 0; r < reps; r++) {
            uint64_t out[10], tot = 0;
            am__lcmcr_split(d, 10, order, w, counts[t], out);
            for (int c = 0; c < 10; c++) {
                sum[c] += (double)out[c];
                sq[c] += (double)out[c] * (double)out[c];
                double pair = (double)(out[c] + out[(c + 1) % 10]);
                sq2[c] += pair * pair;
                tot += out[c];
            }
            assert_int_equal(tot, counts[t]);
            assert_int_equal(out[4], 0); /* the class of weight 0 */
        }
        /* the joint distribution, not only the means: each class's count and each sum of
         * two neighbouring classes is binomial (n, p) with p the class's (the two
         * classes') share; their sample variances against n p (1 - p), with the standard
         * error of a sample variance from the binomial's fourth central moment */
        double zvar = 0;
        for (int c = 0; c < 10; c++) {
            for (int two = 0; two < 2; two++) {
                double p = (w[c] + (two ? w[(c + 1) % 10] : 0)) / wsum;
                double n = (double)counts[t], v = n * p * (1 - p);
                if (v == 0)
                    continue;
                double mean = (sum[c] + (two ? sum[(c + 1) % 10] : 0)) / (double)reps;
                double s2 = (two ? sq2[c] : sq[c]) / (double)reps - mean * mean;
                double mu4 = v * (1 + 3 * (n - 2) * p * (1 - p));
                double z = (s2 - v) / sqrt((mu4 - v * v) / (double)reps);
                if (fabs(z) > fabs(zvar))
                    zvar = z;
            }
        }
        double zmax = 0;
        for (int c = 0; c < 10; c++) {
            double p = w[c] / wsum;
            if (p == 0)
                continue;
            double z = (sum[c] / (double)reps - (double)counts[t] * p) /
                       sqrt((double)counts[t] * p * (1 - p) / (double)reps);
            if (fabs(z) > fabs(zmax))
                zmax = z;
        }
        printf("split of %-5lu over 10 classes: largest class-mean z %6.2f, largest "
               "variance z (classes and pairs) %6.2f\n",
               (unsigned long)counts[t], zmax, zvar);
        assert_true(fabs(zmax) < 5);
        assert_true(fabs(zvar) < 5);
    }
    am__lcmcr_draws_free(d);
}

int run_draws_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binomial),
        cmocka_unit_test(test_poisson),
        cmocka_unit_test(test_gamma_beta),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_split_cells),
    };
    return cmocka_run_group_tests_name("estimate/draws", tests, NULL, NULL);
}
