/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * LCMCR: the Bayesian non-parametric latent-class capture-recapture model of
 * Manrique-Vallier (2016, Biometrics 72:1119), with the priors of the LCMCR R package
 * (capture probabilities Beta(1,1), stick-breaking weights with concentration alpha ~
 * Gamma(0.25, 0.25), K classes). The Gibbs sampler works on cells rather than people:
 * each capture pattern's count is split among the classes by one multinomial draw, and
 * the people no list saw are drawn as one negative binomial count. Every draw is exact;
 * speed comes from the generator (xoshiro256+ as a gsl_rng type, read inline), cheap
 * exact samplers (BTRS binomials, PTRS Poisson, Marsaglia-Tsang gammas) and pattern
 * probabilities built by one product per pattern. Summaries and draws out are in table.c.
 */
#include "amnistia/estimate.h"
#include "estimate_int.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
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

/* ---- random numbers ------------------------------------------------------------- */

/*
 * xoshiro256+ (Blackman & Vigna 2018) as a GSL generator type, so that GSL's distributions
 * (the ziggurat normal) draw from it through the ordinary gsl_rng interface, while the
 * sampler's own inner draws read its state inline: a Gibbs iteration takes a few hundred
 * uniforms, and a call through a function pointer each (gsl_rng_mt19937) cost more than
 * the arithmetic. Doubles come from the top 53 bits, integers from the top 32 (the low
 * bits of xoshiro256+ are its weak ones). Seeded by splitmix64 from the seed.
 */
struct xo {
    uint64_t s[4];
};

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t xo_next(struct xo *x)
{
    uint64_t *s = x->s;
    uint64_t r = s[0] + s[3], t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* uniform on the open interval (0, 1): never 0, never 1 */
static inline double unif(struct xo *x)
{
    return ((double)(xo_next(x) >> 11) + 0.5) * 0x1.0p-53;
}

static void xo_set(void *state, unsigned long seed)
{
    struct xo *x = state;
    uint64_t z = seed;
    for (int i = 0; i < 4; i++) {
        z += 0x9e3779b97f4a7c15u;
        uint64_t y = z;
        y = (y ^ (y >> 30)) * 0xbf58476d1ce4e5b9u;
        y = (y ^ (y >> 27)) * 0x94d049bb133111ebu;
        x->s[i] = y ^ (y >> 31);
    }
    if (!(x->s[0] | x->s[1] | x->s[2] | x->s[3]))
        x->s[0] = 1;
}

static unsigned long xo_get(void *state) { return (unsigned long)(xo_next(state) >> 32); }

static double xo_get_double(void *state)
{
    return (double)(xo_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xo_type = {"xoshiro256+", 0xffffffffUL, 0, sizeof(struct xo),
                                     xo_set, xo_get, xo_get_double};

/* ---- exact draws ------------------------------------------------------------------- */

/* log k!, from a table below LF_TABLE and Stirling's series above (exact to rounding) */
#define LF_TABLE 1024
static double logfact(const double *lf, double k)
{
    if (k < LF_TABLE)
        return lf[(int)k];
    double x = k + 1, x2 = x * x;
    return (x - 0.5) * log(x) - x + 0.91893853320467274178 +
           (1.0 / 12 - 1.0 / (360 * x2)) / x;
}

/* Marsaglia & Tsang (2000) for Gamma(a, 1), a >= 1, with d = a - 1/3, c = 1/sqrt(9d) */
static double gamma_mt(gsl_rng *r, struct xo *x, double d, double c)
{
    for (;;) {
        double z, v;
        do {
            z = gsl_ran_gaussian_ziggurat(r, 1.0);
            v = 1 + c * z;
        } while (v <= 0);
        v = v * v * v;
        double u = unif(x), z2 = z * z;
        if (u < 1 - 0.0331 * z2 * z2)
            return d * v;
        if (log(u) < 0.5 * z2 + d * (1 - v + log(v)))
            return d * v;
    }
}

/*
 * Gamma(a, 1): Marsaglia & Tsang with GSL's ziggurat normal, as gsl_ran_gamma does; below
 * 1 by the boost G(a) = G(a + 1) U^(1/a).
 */
static double gamma_draw(gsl_rng *r, struct xo *x, double a)
{
    if (a < 1)
        return gamma_draw(r, x, a + 1) * exp(log(unif(x)) / a);
    double d = a - 1.0 / 3;
    return gamma_mt(r, x, d, 1 / sqrt(9 * d));
}

/*
 * Gamma(a, 1) for a whole a >= 1: -log of a product of uniforms when a is small, else
 * Marsaglia & Tsang with c from a table (no square root per draw)
 */
static double gamma_whole(gsl_rng *r, struct xo *x, const double *mtc, uint64_t a)
{
    if (a <= 3) {
        double p = unif(x);
        for (uint64_t i = 1; i < a; i++)
            p *= unif(x);
        return -log(p);
    }
    if (a < LF_TABLE)
        return gamma_mt(r, x, (double)a - 1.0 / 3, mtc[a]);
    return gamma_draw(r, x, (double)a);
}

/* Beta(a, b) for whole a, b >= 1: by inversion when one of them is 1, else gamma ratio */
static double beta_whole(gsl_rng *r, struct xo *x, const double *mtc, uint64_t a, uint64_t b)
{
    if (a == 1)
        return -expm1(log(unif(x)) / (double)b);
    if (b == 1)
        return exp(log(unif(x)) / (double)a);
    double g = gamma_whole(r, x, mtc, a);
    return g / (g + gamma_whole(r, x, mtc, b));
}

/* q^n: by squaring for moderate n (a few products instead of exp and log1p) */
static double qpow(double p, uint64_t n)
{
    if (n > 4096)
        return exp((double)n * log1p(-p));
    double r = 1, q = 1 - p;
    while (n) {
        if (n & 1)
            r *= q;
        q *= q;
        n >>= 1;
    }
    return r;
}

/*
 * Binomial(n, p), p <= 1/2. Mean below 10: inversion, walking the probabilities up from
 * 0, with the squeeze U <= 1 - np => 0 (since (1-p)^n >= 1 - np) that spares the power
 * for the light classes. Otherwise Hörmann's (1993) BTRS transformed rejection, whose
 * box accepts about 85% of proposals with two uniforms; the rest are decided by the
 * exact density ratio.
 */
/* below this mean, binomials by inversion */
#define INV_MAX 10
static uint64_t binom_half(struct xo *x, const double *lf, const double *rk, uint64_t n,
                           double p)
{
    double np = (double)n * p;
    if (np < INV_MAX) {
        for (;;) {
            double u = unif(x);
            if (u <= 1 - np)
                return 0;
            double q = 1 - p, s = p / q, a = ((double)n + 1) * s;
            double f = qpow(p, n);
            uint64_t k = 0;
            int ok = 1;
            while (u > f) {
                u -= f;
                k++;
                /* past n, past the table, or underflow: rounding ate the tail; redraw */
                if (k > n || k >= LF_TABLE) {
                    ok = 0;
                    break;
                }
                f *= a * rk[k] - s;
                if (f <= 0) {
                    ok = 0;
                    break;
                }
            }
            if (ok)
                return k;
        }
    }
    double dn = (double)n, q = 1 - p, spq = sqrt(np * q);
    double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = np + 0.5;
    double vr = 0.92 - 4.2 / b;
    double alpha = 0, lpq = 0, m = 0, h = 0;
    int slow = 0;
    for (;;) {
        double u = unif(x) - 0.5, v = unif(x), us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + c);
        if (k < 0 || k > dn)
            continue;
        if (us >= 0.07 && v <= vr)
            return (uint64_t)k;
        if (!slow) {
            alpha = (2.83 + 5.1 / b) * spq;
            lpq = log(p / q);
            m = floor((dn + 1) * p);
            h = logfact(lf, m) + logfact(lf, dn - m);
            slow = 1;
        }
        v = log(v * alpha / (a / (us * us) + b));
        if (v <= h - logfact(lf, k) - logfact(lf, dn - k) + (k - m) * lpq)
            return (uint64_t)k;
    }
}

static uint64_t binom(struct xo *x, const double *lf, const double *rk, uint64_t n, double p)
{
    if (p <= 0 || n == 0)
        return 0;
    if (p >= 1)
        return n;
    if (p > 0.5)
        return n - binom_half(x, lf, rk, n, 1 - p);
    return binom_half(x, lf, rk, n, p);
}

/*
 * Poisson(mu): multiplication of uniforms below mean 10, Hörmann's (1993) PTRS above.
 * The result is capped at 2^53 (a total no table can mean).
 */
static uint64_t poisson(struct xo *x, const double *lf, double mu)
{
    if (!(mu > 0))
        return 0;
    if (mu < 10) {
        double e = exp(-mu), prod = unif(x);
        uint64_t k = 0;
        while (prod > e) {
            prod *= unif(x);
            k++;
        }
        return k;
    }
    if (mu > 0x1p53)
        mu = 0x1p53;
    double slam = sqrt(mu), loglam = log(mu);
    double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
        double u = unif(x) - 0.5, v = unif(x), us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + mu + 0.43);
        if (us >= 0.07 && v <= vr && k >= 0)
            return (uint64_t)k;
        if (k < 0 || (us < 0.013 && v > us))
            continue;
        if (log(v) + log(invalpha) - log(a / (us * us) + b) <= -mu + k * loglam - logfact(lf, k))
            return (uint64_t)k;
    }
}

/* ---- the sampler ------------------------------------------------------------------- */

/* cells with at most this many people are split person by person (one uniform each) */
#define SPLIT_SMALL 16

struct sampler {
    int k, K, nobs;
    unsigned cells[AM_MSE_MAX_CELLS]; /* observed patterns with a positive count */
    uint64_t counts[AM_MSE_MAX_CELLS];
    uint64_t n, n0;
    double lambda[AM_MSE_MAX_LISTS][KMAX];
    double pi[KMAX];
    double alpha, a_alpha, b_alpha;
    double w[AM_MSE_MAX_CELLS * KMAX]; /* pi_c P(pattern | class c), stride K */
    double lf[LF_TABLE];               /* log k! */
    double mtc[LF_TABLE];              /* 1/sqrt(9(a - 1/3)) for Marsaglia & Tsang */
    double rk[LF_TABLE];               /* 1/k */
    gsl_rng *rng;
    struct xo *x;
};

/*
 * Splits count among the K classes with unnormalised probabilities w (total wsum), exactly
 * (one multinomial draw): conditional binomials over the classes in `order` (heaviest by
 * prior weight first) while more than SPLIT_SMALL people are left, then the last few one
 * by one, each by the inverse CDF over the classes not drawn yet (one uniform each).
 */
static void split(struct sampler *s, const int *order, const double *w, double wsum,
                  uint64_t count, uint64_t *out)
{
    int K = s->K, i = 0;
    for (int c = 0; c < K; c++)
        out[c] = 0;
    uint64_t left = count;
    double rest = wsum;
    /* conditional binomials while many people are left */
    for (; i < K - 1 && left > SPLIT_SMALL; i++) {
        int c = order[i];
        uint64_t y = rest > 0 ? binom(s->x, s->lf, s->rk, left, w[c] / rest) : 0;
        out[c] = y;
        left -= y;
        rest -= w[c];
    }
    if (i == K - 1) {
        out[order[K - 1]] += left;
        return;
    }
    /* the few left, one by one over the classes not drawn yet: inverse CDF by counting
     * the cumulative weights below a uniform (no branches to mispredict) */
    int R = K - i, lastpos = 0;
    double cum[KMAX], tot = 0;
    for (int t = 0; t < R; t++) {
        double wc = w[order[i + t]];
        tot += wc;
        cum[t] = tot;
        if (wc > 0)
            lastpos = t;
    }
    for (uint64_t t = 0; t < left; t++) {
        double u = unif(s->x) * tot;
        int idx = 0;
        for (int r = 0; r < R; r++)
            idx += u >= cum[r];
        out[order[i + (idx < lastpos ? idx : lastpos)]]++;
    }
}

/* ---- the draws, for tests (estimate_int.h) ---------------------------------------- */

struct am__lcmcr_draws {
    struct sampler s;
};

static void tables(struct sampler *s)
{
    for (int i = 0; i < LF_TABLE; i++)
        s->lf[i] = lgamma(i + 1.0);
    for (int i = 1; i < LF_TABLE; i++) {
        s->mtc[i] = 1 / sqrt(9 * (i - 1.0 / 3));
        s->rk[i] = 1.0 / i;
    }
}

struct am__lcmcr_draws *am__lcmcr_draws_new(unsigned long seed)
{
    struct am__lcmcr_draws *d = am_calloc(1, sizeof(*d));
    d->s.rng = gsl_rng_alloc(&xo_type);
    gsl_rng_set(d->s.rng, seed);
    d->s.x = d->s.rng->state;
    tables(&d->s);
    return d;
}

void am__lcmcr_draws_free(struct am__lcmcr_draws *d)
{
    if (!d)
        return;
    gsl_rng_free(d->s.rng);
    am_free(d);
}

uint64_t am__lcmcr_binom(struct am__lcmcr_draws *d, uint64_t n, double p)
{
    return binom(d->s.x, d->s.lf, d->s.rk, n, p);
}

uint64_t am__lcmcr_poisson(struct am__lcmcr_draws *d, double mu)
{
    return poisson(d->s.x, d->s.lf, mu);
}

double am__lcmcr_gamma(struct am__lcmcr_draws *d, double a)
{
    return gamma_draw(d->s.rng, d->s.x, a);
}

double am__lcmcr_beta(struct am__lcmcr_draws *d, uint64_t a, uint64_t b)
{
    return beta_whole(d->s.rng, d->s.x, d->s.mtc, a, b);
}

void am__lcmcr_split(struct am__lcmcr_draws *d, int K, const int *order, const double *w,
                     uint64_t count, uint64_t *out)
{
    double wsum = 0;
    for (int c = 0; c < K; c++)
        wsum += w[c];
    d->s.K = K;
    split(&d->s, order, w, wsum, count, out);
}

static void iterate(struct sampler *s)
{
    int K = s->K, k = s->k;
    uint64_t m[KMAX], hits[AM_MSE_MAX_LISTS][KMAX];
    memset(m, 0, (size_t)K * sizeof(m[0]));
    for (int j = 0; j < k; j++)
        memset(hits[j], 0, (size_t)K * sizeof(hits[j][0]));
    /* w[pattern][c] = pi_c prod_j P(seen or not by j | c), built pattern by pattern from
     * the pattern without its lowest list: one product per pattern and class */
    double odds[AM_MSE_MAX_LISTS][KMAX];
    double *w = s->w;
    for (int c = 0; c < K; c++) {
        double q = s->pi[c];
        for (int j = 0; j < k; j++) {
            double l = s->lambda[j][c];
            q *= 1 - l;
            odds[j][c] = l / (1 - l);
        }
        w[c] = q;
    }
    for (unsigned cell = 1; cell < (1u << k); cell++) {
        int j = __builtin_ctz(cell);
        const double *prev = w + (size_t)(cell & (cell - 1)) * (size_t)K;
        double *row = w + (size_t)cell * (size_t)K;
        for (int c = 0; c < K; c++)
            row[c] = prev[c] * odds[j][c];
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
        const double *row = w + (size_t)cell * (size_t)K;
        double wsum = 0;
        for (int c = 0; c < K; c++)
            wsum += row[c];
        uint64_t xs[KMAX];
        split(s, order, row, wsum, s->counts[i], xs);
        for (int c = 0; c < K; c++)
            m[c] += xs[c];
        for (unsigned bits = cell; bits; bits &= bits - 1) {
            uint64_t *h = hits[__builtin_ctz(bits)];
            for (int c = 0; c < K; c++)
                h[c] += xs[c];
        }
    }
    /* 2. the people no list saw: n0 ~ NegBin(n, 1 - p0) under the prior 1/N (a Poisson
     * with a Gamma(n) mean), then their classes */
    double p0 = 0;
    for (int c = 0; c < K; c++)
        p0 += w[c];
    if (p0 >= 1)
        p0 = 1 - 1e-12;
    double g = gamma_draw(s->rng, s->x, (double)s->n);
    s->n0 = poisson(s->x, s->lf, g * p0 / (1 - p0));
    if (s->n0 > 0) {
        uint64_t xs[KMAX];
        split(s, order, w, p0, s->n0, xs);
        for (int c = 0; c < K; c++)
            m[c] += xs[c];
    }
    /* 3. capture probabilities, Beta(1,1) prior */
    for (int c = 0; c < K; c++)
        for (int j = 0; j < k; j++) {
            double l;
            if (m[c] == 0)
                l = unif(s->x);
            else
                l = beta_whole(s->rng, s->x, s->mtc, 1 + hits[j][c], 1 + (m[c] - hits[j][c]));
            if (l < 1e-12)
                l = 1e-12;
            if (l > 1 - 1e-12)
                l = 1 - 1e-12;
            s->lambda[j][c] = l;
        }
    /* 4. stick-breaking weights: V_c ~ Beta(1 + m_c, alpha + people in later classes) */
    uint64_t after = 0;
    for (int c = 0; c < K; c++)
        after += m[c];
    double rest = 1, sumlog = 0;
    for (int c = 0; c < K - 1; c++) {
        after -= m[c];
        double bb = s->alpha + (double)after, v, lv;
        if (m[c] == 0) {
            /* Beta(1, b) by inversion: log(1 - V) = log(U) / b */
            lv = log(unif(s->x)) / bb;
            v = -expm1(lv);
        } else {
            double ga = gamma_whole(s->rng, s->x, s->mtc, 1 + m[c]);
            v = ga / (ga + gamma_draw(s->rng, s->x, bb));
            lv = log1p(-v);
        }
        if (v > 1 - 1e-12) {
            v = 1 - 1e-12;
            lv = log1p(-v);
        }
        s->pi[c] = v * rest;
        rest *= 1 - v;
        sumlog += lv;
    }
    s->pi[K - 1] = rest;
    /* 5. concentration */
    s->alpha = gamma_draw(s->rng, s->x, s->a_alpha + K - 1) / (s->b_alpha - sumlog);
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
            s.counts[s.nobs] = (uint64_t)t->count[c];
            s.n += s.counts[s.nobs];
            s.nobs++;
        }
    s.rng = gsl_rng_alloc(&xo_type);
    gsl_rng_set(s.rng, set->seed);
    s.x = s.rng->state;
    tables(&s);
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
    r->rng = gsl_rng_name(s.rng);
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
