/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * LCMCR: the Bayesian non-parametric latent-class capture-recapture model of
 * Manrique-Vallier (2016, Biometrics 72:1119), with the priors of the LCMCR R package
 * (capture probabilities Beta(1,1), stick-breaking weights with concentration alpha ~
 * Gamma(0.25, 0.25), K classes). The Gibbs sampler works on cells rather than people:
 * each capture pattern's count is split among the classes by one multinomial draw, and
 * the people no list saw are drawn as one negative binomial count. Summaries and writing
 * draws out are in table.c.
 */
#include "amnistia/estimate.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define KMAX 64

void am_lcmcr_settings_default(struct am_lcmcr_settings *s)
{
    s->K = 10;
    s->burnin = 10000;
    s->samples = 10000;
    s->thinning = 10;
    s->seed = 20250101;
    s->a_alpha = 0.25;
    s->b_alpha = 0.25;
}

void am_lcmcr_result_release(struct am_lcmcr_result *r)
{
    if (!r)
        return;
    am_free(r->draws);
    r->draws = NULL;
    r->ndraws = 0;
}

struct sampler {
    int k, K;
    unsigned ncells;
    unsigned cells[AM_MSE_MAX_CELLS]; /* observed patterns with a positive count */
    unsigned counts[AM_MSE_MAX_CELLS];
    int nobs;
    unsigned n;
    double lambda[AM_MSE_MAX_LISTS][KMAX];
    double pi[KMAX];
    double V[KMAX];
    double alpha;
    double a_alpha, b_alpha;
    unsigned n0;
    gsl_rng *rng;
};

/*
 * Splits count among K classes with probabilities w (unnormalised, total wsum) by
 * conditional binomials, visiting the classes in `order` (heaviest first) so that the
 * count is used up early and the light classes cost nothing.
 */
static void multinomial(gsl_rng *rng, int K, const int *order, const double *w, double wsum,
                        unsigned count, unsigned *out)
{
    unsigned left = count;
    double rest = wsum;
    for (int c = 0; c < K; c++)
        out[c] = 0;
    for (int i = 0; i < K - 1 && left > 0; i++) {
        int c = order[i];
        double p = rest > 0 ? w[c] / rest : 0;
        unsigned x;
        if (p >= 1)
            x = left;
        else if (p <= 0)
            x = 0;
        else
            x = gsl_ran_binomial(rng, p, left);
        out[c] = x;
        left -= x;
        rest -= w[c];
    }
    if (left > 0)
        out[order[K - 1]] += left;
}

/* Beta(a, b) draws; Beta(1, b) and Beta(a, 1) by inversion, which is cheaper. */
static double beta_draw(gsl_rng *rng, double a, double b)
{
    if (a == 1.0)
        return -expm1(log(gsl_rng_uniform_pos(rng)) / b);
    if (b == 1.0)
        return exp(log(gsl_rng_uniform_pos(rng)) / a);
    return gsl_ran_beta(rng, a, b);
}

static void iterate(struct sampler *s)
{
    int K = s->K, k = s->k;
    unsigned m[KMAX] = {0};
    unsigned hits[AM_MSE_MAX_LISTS][KMAX];
    memset(hits, 0, sizeof(hits));
    /* probability of each pattern within each class: q0 * prod over seen lists of odds */
    double q0[KMAX], odds[AM_MSE_MAX_LISTS][KMAX];
    for (int c = 0; c < K; c++) {
        double q = 1;
        for (int j = 0; j < k; j++) {
            double l = s->lambda[j][c];
            q *= 1 - l;
            odds[j][c] = l / (1 - l);
        }
        q0[c] = q * s->pi[c];
    }
    /* classes by prior weight, heaviest first (insertion sort: K is small) */
    int order[KMAX];
    for (int c = 0; c < K; c++) {
        int i = c;
        while (i > 0 && s->pi[order[i - 1]] < s->pi[c]) {
            order[i] = order[i - 1];
            i--;
        }
        order[i] = c;
    }
    /* 1. observed cells: split each count among the classes */
    for (int i = 0; i < s->nobs; i++) {
        unsigned cell = s->cells[i];
        double w[KMAX], wsum = 0;
        for (int c = 0; c < K; c++) {
            double p = q0[c];
            for (int j = 0; j < k; j++)
                if (cell >> j & 1)
                    p *= odds[j][c];
            w[c] = p;
            wsum += p;
        }
        /* this cell's classes, heaviest first: the count runs out after few draws */
        int ord[KMAX];
        for (int c = 0; c < K; c++) {
            int q = c;
            while (q > 0 && w[ord[q - 1]] < w[c]) {
                ord[q] = ord[q - 1];
                q--;
            }
            ord[q] = c;
        }
        unsigned x[KMAX];
        multinomial(s->rng, K, ord, w, wsum, s->counts[i], x);
        for (int c = 0; c < K; c++) {
            if (!x[c])
                continue;
            m[c] += x[c];
            for (int j = 0; j < k; j++)
                if (cell >> j & 1)
                    hits[j][c] += x[c];
        }
    }
    /* 2. the people no list saw: n0 ~ NegBin(n, 1 - p0) under the prior 1/N, then their
     * classes */
    double p0 = 0;
    for (int c = 0; c < K; c++)
        p0 += q0[c];
    if (p0 >= 1)
        p0 = 1 - 1e-12;
    s->n0 = gsl_ran_negative_binomial(s->rng, 1 - p0, (double)s->n);
    if (s->n0 > 0) {
        unsigned x[KMAX];
        multinomial(s->rng, K, order, q0, p0, s->n0, x);
        for (int c = 0; c < K; c++)
            m[c] += x[c];
    }
    /* 3. capture probabilities, Beta(1,1) prior */
    for (int c = 0; c < K; c++)
        for (int j = 0; j < k; j++) {
            double l;
            if (m[c] == 0)
                l = gsl_rng_uniform_pos(s->rng);
            else
                l = beta_draw(s->rng, 1.0 + hits[j][c], 1.0 + (m[c] - hits[j][c]));
            if (l < 1e-12)
                l = 1e-12;
            if (l > 1 - 1e-12)
                l = 1 - 1e-12;
            s->lambda[j][c] = l;
        }
    /* 4. stick-breaking weights */
    unsigned after = 0;
    for (int c = 0; c < K; c++)
        after += m[c];
    double rest = 1, sumlog = 0;
    for (int c = 0; c < K - 1; c++) {
        after -= m[c];
        double v = beta_draw(s->rng, 1.0 + m[c], s->alpha + after);
        if (v > 1 - 1e-12)
            v = 1 - 1e-12;
        s->V[c] = v;
        s->pi[c] = v * rest;
        rest *= 1 - v;
        sumlog += log1p(-v);
    }
    s->V[K - 1] = 1;
    s->pi[K - 1] = rest;
    /* 5. concentration */
    s->alpha = gsl_ran_gamma(s->rng, s->a_alpha + K - 1, 1.0 / (s->b_alpha - sumlog));
    if (s->alpha < 1e-6)
        s->alpha = 1e-6;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int am_lcmcr_run(const struct am_mse_table *t, const struct am_lcmcr_settings *set,
                 struct am_lcmcr_result *r, struct am_err *err)
{
    memset(r, 0, sizeof(*r));
    if (set->K < 2 || set->K > KMAX)
        return AM_FAIL(err, AM_EUSAGE, "LCMCR needs 2 to %d latent classes, not %d", KMAX,
                       set->K);
    if (set->burnin < 0 || set->samples < 1 || set->thinning < 1 ||
        set->burnin > 1000000000L || set->samples > 100000000L || set->thinning > 100000L)
        return AM_FAIL(err, AM_EUSAGE,
                       "bad LCMCR settings (burn-in %ld, samples %ld, thinning %ld); give "
                       "burn-in >= 0, samples >= 1 and thinning >= 1",
                       set->burnin, set->samples, set->thinning);
    if (!(set->a_alpha > 0) || !(set->b_alpha > 0))
        return AM_FAIL(err, AM_EUSAGE, "the Gamma prior of alpha needs positive parameters");
    if (t->k < 3)
        return AM_FAIL(err, AM_EINPUT,
                       "LCMCR needs at least 3 lists, the table has %d; with 2 lists only "
                       "independence can be assumed (log-linear [1,2])",
                       t->k);
    if (t->n <= 0 || t->n > 4e9)
        return AM_FAIL(err, AM_EINPUT, "LCMCR needs between 1 and 4e9 people seen");
    struct sampler s;
    memset(&s, 0, sizeof(s));
    s.k = t->k;
    s.K = set->K;
    s.a_alpha = set->a_alpha;
    s.b_alpha = set->b_alpha;
    for (unsigned c = 1; c < (1u << t->k); c++)
        if (t->count[c] > 0) {
            s.cells[s.nobs] = c;
            s.counts[s.nobs] = (unsigned)t->count[c];
            s.n += s.counts[s.nobs];
            s.nobs++;
        }
    s.rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(s.rng, set->seed);
    /* start from the prior: alpha = 1, weights by stick-breaking, uniform captures */
    s.alpha = 1;
    double rest = 1;
    for (int c = 0; c < s.K; c++) {
        double v = c == s.K - 1 ? 1 : gsl_ran_beta(s.rng, 1, s.alpha);
        s.pi[c] = v * rest;
        rest *= 1 - v;
        for (int j = 0; j < s.k; j++)
            s.lambda[j][c] = 0.05 + 0.9 * gsl_rng_uniform(s.rng);
    }
    r->settings = *set;
    r->iterations = set->burnin + set->samples * set->thinning;
    r->draws = am_malloc((size_t)set->samples * sizeof(double));
    double t0 = now();
    for (long i = 0; i < set->burnin; i++)
        iterate(&s);
    for (long d = 0; d < set->samples; d++) {
        for (long i = 0; i < set->thinning; i++)
            iterate(&s);
        r->draws[d] = (double)s.n + (double)s.n0;
    }
    r->seconds = now() - t0;
    r->ndraws = (size_t)set->samples;
    gsl_rng_free(s.rng);
    am_mse_summarize(r->draws, r->ndraws, &r->summary);
    return 0;
}
