/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * LCMCR: the Bayesian non-parametric latent-class capture-recapture model of
 * Manrique-Vallier (2016, Biometrics 72:1119), with the priors of the LCMCR R package
 * (capture probabilities Beta(1,1), stick-breaking weights with concentration alpha ~
 * Gamma(0.25, 0.25), K classes). The Gibbs sampler works on cells rather than people:
 * each capture pattern's count is split among the classes by one multinomial draw, and
 * the people no list saw are drawn as one negative binomial count. Every draw is exact.
 * Speed comes from keeping the generator's state in registers for a whole sweep
 * (xoshiro256+, a gsl_rng type whose state the sweep copies in and out; every sampler is
 * inlined into the sweep, and the rare slow paths take the state by value), an inline
 * ziggurat normal, Marsaglia-Tsang gammas, BTRS binomials, PTRS Poisson draws, the last
 * few people of each cell placed four at a time by vector comparisons (four more
 * generator lanes), and pattern probabilities built by products only. Summaries and
 * draws out are in table.c.
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

/* The samplers are inlined into the sweep so that the generator's state stays in
 * registers; their rare slow paths are kept out of line. */
#define AI static inline __attribute__((always_inline))
#define COLD static __attribute__((noinline, cold))

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

/*
 * The class arrays are padded with empty classes (weight 0) to KP, a multiple of 4, and
 * aligned, so that the loops over them work on four classes at once (GCC and Clang vector
 * types: whatever vector instructions the target has).
 */
typedef double v4d __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));
#define V4D(p, c) (*(v4d *)(void *)((p) + (c)))
#define V4U(p, c) (*(v4u *)(void *)((p) + (c)))
#define ALIGNED _Alignas(32)

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

AI uint64_t xo_next(struct xo *x)
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
AI double unif(struct xo *x)
{
    return ((double)(int64_t)(xo_next(x) >> 11) + 0.5) * 0x1.0p-53;
}

/*
 * Four xoshiro256+ streams in the lanes of one vector: four uniforms on (0, 1) for about
 * the price of one scalar draw. Each lane's top 52 bits become the mantissa of a double
 * in [1, 2) (the exponent bits ORed in), and 1 - 2^-53 is taken off: the result is
 * k 2^-52 + 2^-53 for k uniform on 0 .. 2^52 - 1, exactly (the subtraction does not
 * round), so never 0 and never 1.
 */
struct xo4 {
    v4u s[4];
};

AI void unif4(struct xo4 *x, v4d *out)
{
    v4u *s = x->s;
    v4u r = s[0] + s[3], t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    v4u bits = (r >> 12) | 0x3ff0000000000000u;
    *out = (v4d)bits - (1 - 0x1p-53);
}

/* a draw made out of line: the generator's state after it, and the value */
struct drawn {
    struct xo x;
    double v;
};

/*
 * The generator's whole state: the scalar stream, and four more xoshiro256+ streams that
 * run side by side in the lanes of one vector (struct xo4), for the sweep's batches of
 * uniforms. All five are seeded from one splitmix64 sequence started at the seed.
 */
struct xo_state {
    struct xo x;
    uint64_t v[4][4]; /* v[i][lane]: word i of each lane's state */
};

static uint64_t splitmix(uint64_t *z)
{
    *z += 0x9e3779b97f4a7c15u;
    uint64_t y = *z;
    y = (y ^ (y >> 30)) * 0xbf58476d1ce4e5b9u;
    y = (y ^ (y >> 27)) * 0x94d049bb133111ebu;
    return y ^ (y >> 31);
}

static void xo_set(void *state, unsigned long seed)
{
    struct xo_state *st = state;
    uint64_t z = seed;
    for (int i = 0; i < 4; i++)
        st->x.s[i] = splitmix(&z);
    if (!(st->x.s[0] | st->x.s[1] | st->x.s[2] | st->x.s[3]))
        st->x.s[0] = 1;
    for (int lane = 0; lane < 4; lane++) {
        for (int i = 0; i < 4; i++)
            st->v[i][lane] = splitmix(&z);
        if (!(st->v[0][lane] | st->v[1][lane] | st->v[2][lane] | st->v[3][lane]))
            st->v[0][lane] = 1;
    }
}

/* the lanes' state, between memory (struct xo_state) and registers */
static inline void xo4_load(struct xo4 *x4, const struct xo_state *st)
{
    for (int i = 0; i < 4; i++)
        memcpy(&x4->s[i], st->v[i], sizeof(x4->s[i]));
}

static inline void xo4_store(struct xo_state *st, const struct xo4 *x4)
{
    for (int i = 0; i < 4; i++)
        memcpy(st->v[i], &x4->s[i], sizeof(x4->s[i]));
}

static unsigned long xo_get(void *state) { return (unsigned long)(xo_next(state) >> 32); }

static double xo_get_double(void *state)
{
    return (double)(xo_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xo_type = {"xoshiro256+", 0xffffffffUL, 0, sizeof(struct xo_state),
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

/*
 * Standard normal by the ziggurat of Marsaglia & Tsang (2000) in Doornik's (2005) form: 128
 * layers of equal area, read inline from the generator. One 64-bit draw gives the layer
 * (bits 4-10: the lowest bits of xoshiro256+ are its weak ones) and a uniform on (-1, 1)
 * (the top 53 bits); about 99% of draws end at the first comparison. The wedges are
 * decided by the exact density, the tail beyond R by Marsaglia's (1964) method.
 */
#define ZIG_C 128
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3

struct zig {
    double x[ZIG_C + 1]; /* layer edges: x[0] = V / f(R), x[1] = R, ..., x[C] = 0 */
    double r[ZIG_C];     /* x[i + 1] / x[i]: below it the point is inside the layer */
};

static void zig_init(struct zig *z)
{
    double f = exp(-0.5 * ZIG_R * ZIG_R);
    z->x[0] = ZIG_V / f;
    z->x[1] = ZIG_R;
    z->x[ZIG_C] = 0;
    for (int i = 2; i < ZIG_C; i++) {
        z->x[i] = sqrt(-2 * log(ZIG_V / z->x[i - 1] + f));
        f = exp(-0.5 * z->x[i] * z->x[i]);
    }
    for (int i = 0; i < ZIG_C; i++)
        z->r[i] = z->x[i + 1] / z->x[i];
}

/* The tail and the wedges (about 1% of draws); v is NaN when the point is rejected. */
COLD struct drawn zig_slow(struct xo x, const struct zig *z, int i, double u)
{
    struct drawn d;
    if (i == 0) {
        /* the tail |x| > R */
        double a, b;
        do {
            a = log(unif(&x)) / ZIG_R;
            b = log(unif(&x));
        } while (-2 * b < a * a);
        d.v = u < 0 ? a - ZIG_R : ZIG_R - a;
    } else {
        double v = u * z->x[i], v2 = v * v;
        double f0 = exp(-0.5 * (z->x[i] * z->x[i] - v2));
        double f1 = exp(-0.5 * (z->x[i + 1] * z->x[i + 1] - v2));
        d.v = f1 + unif(&x) * (f0 - f1) < 1.0 ? v : NAN;
    }
    d.x = x;
    return d;
}

AI double normal(const struct zig *z, struct xo *x)
{
    for (;;) {
        uint64_t b = xo_next(x);
        int i = (int)((b >> 4) & (ZIG_C - 1));
        double u = (double)(int64_t)(b >> 11) * 0x1.0p-52 - 1; /* [-1, 1) */
        if (__builtin_expect(fabs(u) < z->r[i], 1))
            return u * z->x[i];
        struct drawn d = zig_slow(*x, z, i, u);
        *x = d.x;
        if (d.v == d.v)
            return d.v;
    }
}

/* Marsaglia & Tsang's exact test, when the squeeze did not decide (no random numbers) */
COLD int mt_accept(double u, double z2, double d, double v)
{
    return log(u) < 0.5 * z2 + d * (1 - v + log(v));
}

/* Marsaglia & Tsang (2000) for Gamma(a, 1), a >= 1, with d = a - 1/3, c = 1/sqrt(9d) */
AI double gamma_mt(const struct zig *zg, struct xo *x, double d, double c)
{
    for (;;) {
        double z, v;
        do {
            z = normal(zg, x);
            v = 1 + c * z;
        } while (v <= 0);
        v = v * v * v;
        double u = unif(x), z2 = z * z;
        if (__builtin_expect(u < 1 - 0.0331 * z2 * z2, 1) || mt_accept(u, z2, d, v))
            return d * v;
    }
}

/* Gamma(a, 1): Marsaglia & Tsang; below 1 by the boost G(a) = G(a + 1) U^(1/a). */
AI double gamma_draw(const struct zig *zg, struct xo *x, double a)
{
    double boost = 1;
    if (a < 1) {
        boost = exp(log(unif(x)) / a);
        a += 1;
    }
    double d = a - 1.0 / 3;
    return boost * gamma_mt(zg, x, d, 1 / sqrt(9 * d));
}

/* Gamma(a, 1) for a whole a >= 1: Marsaglia & Tsang with c from a table (no square root) */
AI double gamma_whole(const struct zig *zg, struct xo *x, const double *mtc, uint64_t a)
{
    if (a < LF_TABLE)
        return gamma_mt(zg, x, (double)a - 1.0 / 3, mtc[a]);
    return gamma_draw(zg, x, (double)a);
}

/* Beta(a, b) for whole a, b >= 1, as G(a) / (G(a) + G(b)) */
AI double beta_whole(const struct zig *zg, struct xo *x, const double *mtc, uint64_t a,
                     uint64_t b)
{
    double g = gamma_whole(zg, x, mtc, a);
    return g / (g + gamma_whole(zg, x, mtc, b));
}

/* q^n: by squaring for moderate n (a few products instead of exp and log1p) */
AI double qpow(double p, uint64_t n)
{
    if (n > 4096)
        return exp((double)n * log1p(-p));
    double r = 1, f[2] = {1, 1 - p};
    while (n) {
        r *= f[n & 1]; /* a load, not a branch on the bits of n */
        f[1] *= f[1];
        n >>= 1;
    }
    return r;
}

/*
 * BTRS's exact test, when its box did not decide (no random numbers): accept k when
 * v alpha / (a / us^2 + b) <= f(k) / f(m), f the binomial probabilities and m the mode.
 * Near the mode (|k - m| <= 48, both below LF_TABLE) the ratio is the product of the
 * successive ratios f(i) / f(i - 1) = ((n + 1) / i - 1) p / q — the same identity the
 * inversion walks with, a few multiplications instead of logarithms; farther out, the
 * logarithms of Hörmann's paper.
 */
COLD int btrs_accept(const double *lf, const double *rk, double n, double p, double spq,
                     double a, double b, double us, double v, double k)
{
    double alpha = (2.83 + 5.1 / b) * spq, q = 1 - p;
    double m = floor((n + 1) * p);
    double lhs = v * alpha / (a / (us * us) + b);
    if (fabs(k - m) <= 48 && k < LF_TABLE && m < LF_TABLE) {
        double s = p / q, A = (n + 1) * s, r = 1;
        if (k > m) {
            for (int i = (int)m + 1; i <= (int)k; i++)
                r *= A * rk[i] - s;
            return lhs <= r;
        }
        for (int i = (int)k + 1; i <= (int)m; i++)
            r *= A * rk[i] - s;
        return lhs * r <= 1;
    }
    double h = logfact(lf, m) + logfact(lf, n - m);
    return log(lhs) <= h - logfact(lf, k) - logfact(lf, n - k) + (k - m) * log(p / q);
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
AI uint64_t binom_half(struct xo *x, const double *lf, const double *rk, uint64_t n, double p)
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
    double dn = (double)n, spq = sqrt(np * (1 - p));
    double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = np + 0.5;
    double vr = 0.92 - 4.2 / b;
    for (;;) {
        double u = unif(x) - 0.5, v = unif(x), us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + c);
        if (k < 0 || k > dn)
            continue;
        if (__builtin_expect(us >= 0.07 && v <= vr, 1) ||
            btrs_accept(lf, rk, dn, p, spq, a, b, us, v, k))
            return (uint64_t)k;
    }
}

AI uint64_t binom(struct xo *x, const double *lf, const double *rk, uint64_t n, double p)
{
    if (p <= 0 || n == 0)
        return 0;
    if (p >= 1)
        return n;
    if (p > 0.5)
        return n - binom_half(x, lf, rk, n, 1 - p);
    return binom_half(x, lf, rk, n, p);
}

/* PTRS's exact test (no random numbers) */
COLD int ptrs_accept(const double *lf, double mu, double a, double b, double us, double v,
                     double k)
{
    double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    return log(v) + log(invalpha) - log(a / (us * us) + b) <=
           -mu + k * log(mu) - logfact(lf, k);
}

/*
 * Poisson(mu): multiplication of uniforms below mean 10, Hörmann's (1993) PTRS above.
 * The result is capped at 2^53 (a total no table can mean).
 */
AI uint64_t poisson(struct xo *x, const double *lf, double mu)
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
    double b = 0.931 + 2.53 * sqrt(mu), a = -0.059 + 0.02483 * b;
    double vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
        double u = unif(x) - 0.5, v = unif(x), us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + mu + 0.43);
        if (us >= 0.07 && v <= vr && k >= 0)
            return (uint64_t)k;
        if (k < 0 || (us < 0.013 && v > us))
            continue;
        if (ptrs_accept(lf, mu, a, b, us, v, k))
            return (uint64_t)k;
    }
}

/* ---- the sampler ------------------------------------------------------------------- */

/* cells with at most this many people left are split person by person (one uniform each) */
#define SPLIT_SMALL 24
_Static_assert(SPLIT_SMALL % 4 == 0, "the people are drawn four at a time");


struct sampler {
    int k, K, KP, nobs;
    unsigned cells[AM_MSE_MAX_CELLS]; /* observed patterns with a positive count */
    uint64_t counts[AM_MSE_MAX_CELLS + 1]; /* their counts, then n0 (set each sweep) */
    uint64_t n, n0;
    ALIGNED double lambda[AM_MSE_MAX_LISTS][KMAX];
    ALIGNED double pi[KMAX];
    double alpha, a_alpha, b_alpha;
    ALIGNED double w[AM_MSE_MAX_CELLS * KMAX]; /* pi_c P(pattern | class c), stride KP */
    double lf[LF_TABLE];               /* log k! */
    double mtc[LF_TABLE];              /* 1/sqrt(9(a - 1/3)) for Marsaglia & Tsang */
    double rk[LF_TABLE];               /* 1/k */
    struct zig zig;                    /* the normal's ziggurat */
    ALIGNED uint64_t X[(AM_MSE_MAX_CELLS + 1) * KMAX]; /* the split: cell i at X + i KP */
    gsl_rng *rng;
    struct xo *x;                      /* the generator's scalar state inside rng */
    struct xo_state *st;               /* its whole state (the vector lanes too) */
};

/*
 * The last few people of a cell (1 to SPLIT_SMALL) over the classes ord[0 .. R-1] with
 * unnormalised weights w (total tot): each person by the inverse CDF of one uniform U,
 * i.e. into class r when C(r-1) <= U tot < C(r) (C the cumulative weights). The count of
 * class r is then #{U tot < C(r)} - #{U tot < C(r-1)}: the people are drawn four at a
 * time (struct xo4), and each threshold C(r) is compared with all of them at once (four
 * per vector instruction), class by class, until everyone is placed (the heaviest
 * classes come first, so that is usually after a few). Whoever rounding leaves above the
 * last threshold goes to the last class of positive weight, so that no one lands in a
 * class of weight 0. Lanes past the last person hold +infinity (never below a
 * threshold).
 */
AI void split_small(struct xo4 *x4, const double *w, double tot, const int *ord, int R,
                    uint64_t L, uint64_t *out)
{
    /* the uniforms of the L people, four per group; the lanes from person L on, and the
     * groups after the last, hold +infinity, so that the counting loops below run the
     * same number of groups for every cell (a loop exit the processor predicts) */
    enum { G = SPLIT_SMALL / 4 };
    const v4d inf = {INFINITY, INFINITY, INFINITY, INFINITY};
    const v4u lane = {0, 1, 2, 3};
    v4d us[G];
    for (int g = 0; g < G; g++)
        us[g] = inf;
    int used = (int)((L + 3) / 4);
    for (int g = 0; g < used; g++) {
        unif4(x4, &us[g]);
        v4u past = (v4u)(lane + (uint64_t)(4 * g) >= L);
        us[g] = (v4d)(((v4u)(us[g] * tot) & ~past) | ((v4u)inf & past));
    }
    uint64_t below = 0; /* people placed in the classes so far */
    double cum = 0;
    int lastpos = ord[0];
    for (int r = 0; r < R; r++) {
        double wc = w[ord[r]];
        if (!(wc > 0))
            continue;
        lastpos = ord[r];
        cum += wc;
        v4d c4 = {cum, cum, cum, cum};
        v4u acc = {0, 0, 0, 0};
        for (int g = 0; g < G; g++)
            acc -= (v4u)(us[g] < c4);
        uint64_t n = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        out[ord[r]] += n - below;
        below = n;
        if (below == L)
            return;
    }
    out[lastpos] += L - below;
}

/*
 * Splits each cell's count among the K classes with unnormalised probabilities rows[i]
 * (total wsums[i]), exactly (one multinomial draw per cell), into X (cell i's counts at
 * X + at[i] KP). Conditional binomials over the classes in `order` (heaviest by prior weight
 * first) while more than SPLIT_SMALL people of the cell are left, then the last few one
 * by one, each by the inverse CDF over the classes not drawn yet (one uniform each).
 * The binomials run class by class across the cells, so that the processor overlaps the
 * independent draws of different cells (each binomial is a chain of dependent divisions
 * and square roots); which uniform goes to which cell does not change the distribution.
 */
AI void split_cells(const struct sampler *s, struct xo *x, struct xo4 *x4, const int *order,
                    int ncells, const double *const *rows, const double *wsums,
                    const uint64_t *counts, const unsigned *at, uint64_t *X)
{
    int K = s->K, KP = s->KP, nact = 0;
    int act[AM_MSE_MAX_CELLS + 1], pos[AM_MSE_MAX_CELLS + 1];
    uint64_t left[AM_MSE_MAX_CELLS + 1];
    double rest[AM_MSE_MAX_CELLS + 1];
    const double *row[AM_MSE_MAX_CELLS + 1];
    for (int ci = 0; ci < ncells; ci++) {
        uint64_t *out = X + (size_t)at[ci] * (size_t)KP;
        for (int c = 0; c < KP; c += 4)
            V4U(out, c) = (v4u){0, 0, 0, 0};
        left[ci] = counts[ci];
        rest[ci] = wsums[ci];
        row[ci] = rows[ci];
        pos[ci] = 0;
        if (left[ci] > SPLIT_SMALL)
            act[nact++] = ci;
    }
    /* conditional binomials, class by class, over the cells with many people left */
    for (int i = 0; i < K - 1 && nact > 0; i++) {
        int c = order[i], keep = 0;
        for (int a = 0; a < nact; a++) {
            int ci = act[a];
            double wc = row[ci][c];
            uint64_t y = rest[ci] > 0 ? binom(x, s->lf, s->rk, left[ci], wc / rest[ci]) : 0;
            X[(size_t)at[ci] * (size_t)KP + (size_t)c] = y;
            left[ci] -= y;
            rest[ci] -= wc;
            pos[ci] = i + 1;
            act[keep] = ci; /* kept while more than SPLIT_SMALL are left (no branch) */
            keep += left[ci] > SPLIT_SMALL;
        }
        nact = keep;
    }
    for (int ci = 0; ci < ncells; ci++) {
        uint64_t *out = X + (size_t)at[ci] * (size_t)KP;
        int i = pos[ci];
        if (i == K - 1) {
            out[order[K - 1]] += left[ci];
            continue;
        }
        if (left[ci] == 0)
            continue;
        double tot = rest[ci];
        if (!(tot > 0)) { /* what the binomials left of the weight rounded away: sum it */
            tot = 0;
            for (int r = i; r < K; r++)
                tot += row[ci][order[r]];
        }
        split_small(x4, row[ci], tot, order + i, K - i, left[ci], out);
    }
}

/* ---- the draws, for tests (estimate_int.h) ---------------------------------------- */

struct am__lcmcr_draws {
    void *block;       /* holds the sampler, aligned for its vector loads */
    struct sampler *s;
};

/* p rounded up to a multiple of 32 bytes */
static void *align32(void *p)
{
    return (char *)p + ((32 - (uintptr_t)p % 32) % 32);
}

static void tables(struct sampler *s)
{
    for (int i = 0; i < LF_TABLE; i++)
        s->lf[i] = lgamma(i + 1.0);
    for (int i = 1; i < LF_TABLE; i++) {
        s->mtc[i] = 1 / sqrt(9 * (i - 1.0 / 3));
        s->rk[i] = 1.0 / i;
    }
    zig_init(&s->zig);
}

struct am__lcmcr_draws *am__lcmcr_draws_new(unsigned long seed)
{
    struct am__lcmcr_draws *d = am_calloc(1, sizeof(*d));
    d->block = am_calloc(1, sizeof(struct sampler) + 32);
    d->s = align32(d->block);
    d->s->rng = gsl_rng_alloc(&xo_type);
    gsl_rng_set(d->s->rng, seed);
    d->s->st = d->s->rng->state;
    d->s->x = &d->s->st->x;
    tables(d->s);
    return d;
}

void am__lcmcr_draws_free(struct am__lcmcr_draws *d)
{
    if (!d)
        return;
    gsl_rng_free(d->s->rng);
    am_free(d->block);
    am_free(d);
}

uint64_t am__lcmcr_binom(struct am__lcmcr_draws *d, uint64_t n, double p)
{
    return binom(d->s->x, d->s->lf, d->s->rk, n, p);
}

uint64_t am__lcmcr_poisson(struct am__lcmcr_draws *d, double mu)
{
    return poisson(d->s->x, d->s->lf, mu);
}

double am__lcmcr_normal(struct am__lcmcr_draws *d)
{
    return normal(&d->s->zig, d->s->x);
}

double am__lcmcr_gamma(struct am__lcmcr_draws *d, double a)
{
    return gamma_draw(&d->s->zig, d->s->x, a);
}

double am__lcmcr_beta(struct am__lcmcr_draws *d, uint64_t a, uint64_t b)
{
    return beta_whole(&d->s->zig, d->s->x, d->s->mtc, a, b);
}

void am__lcmcr_split_cells(struct am__lcmcr_draws *d, int K, const int *order, int ncells,
                           const double *w, const uint64_t *counts, uint64_t *out)
{
    d->s->K = K;
    d->s->KP = (K + 3) & ~3;
    size_t KP = (size_t)d->s->KP;
    double *wp = am_calloc((size_t)ncells * KP + 4, sizeof(double));
    double *aligned = align32(wp);
    const double *rows[AM_MSE_MAX_CELLS + 1];
    double wsums[AM_MSE_MAX_CELLS + 1];
    for (int i = 0; i < ncells; i++) {
        wsums[i] = 0;
        for (int c = 0; c < K; c++) {
            aligned[(size_t)i * KP + (size_t)c] = w[(size_t)i * (size_t)K + (size_t)c];
            wsums[i] += w[(size_t)i * (size_t)K + (size_t)c];
        }
        rows[i] = aligned + (size_t)i * KP;
    }
    unsigned at[AM_MSE_MAX_CELLS + 1];
    for (int i = 0; i < ncells; i++)
        at[i] = (unsigned)i;
    struct xo4 x4;
    xo4_load(&x4, d->s->st);
    split_cells(d->s, d->s->x, &x4, order, ncells, rows, wsums, counts, at, d->s->X);
    xo4_store(d->s->st, &x4);
    for (int i = 0; i < ncells; i++)
        memcpy(out + (size_t)i * (size_t)K, d->s->X + (size_t)i * KP, (size_t)K * sizeof(out[0]));
    am_free(wp);
}

void am__lcmcr_split(struct am__lcmcr_draws *d, int K, const int *order, const double *w,
                     uint64_t count, uint64_t *out)
{
    am__lcmcr_split_cells(d, K, order, 1, w, &count, out);
}

/*
 * One Gibbs sweep. Compiled twice where the compiler can: for AVX2 (the four-class vectors
 * in one instruction each) and for baseline x86-64, the loader picking the one the
 * processor runs; both do the same arithmetic in the same order (no fused multiply-add),
 * so a seed gives the same chain on either.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define AM_NO_CLONES /* sanitizer runtimes and load-time resolvers do not mix */
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define AM_NO_CLONES
#endif
#if defined(__x86_64__) && defined(__linux__) && defined(__has_attribute) && !defined(AM_NO_CLONES)
#if __has_attribute(target_clones)
__attribute__((target_clones("avx2", "default")))
#endif
#endif
static void iterate(struct sampler *s)
{
    int K = s->K, KP = s->KP, k = s->k;
    /* the generator's state, in registers for the sweep */
    struct xo xl = *s->x, *x = &xl;
    struct xo4 x4;
    xo4_load(&x4, s->st);
    ALIGNED uint64_t m[KMAX], hits[AM_MSE_MAX_LISTS][KMAX];
    const v4u zero = {0, 0, 0, 0};
    for (int c = 0; c < KP; c += 4) {
        V4U(m, c) = zero;
        for (int j = 0; j < k; j++)
            V4U(hits[j], c) = zero;
    }
    /* w[pattern][c] = pi_c prod_j P(seen or not by j | c), built list by list: the
     * patterns so far, times lambda for those list j sees and 1 - lambda for the rest
     * (products only, no division); padded classes have pi = 0 */
    double *w = s->w;
    for (int c = 0; c < KP; c += 4)
        V4D(w, c) = V4D(s->pi, c);
    for (int j = 0; j < k; j++) {
        const double *l = s->lambda[j];
        for (unsigned sub = 0; sub < (1u << j); sub++) {
            double *lo = w + (size_t)sub * (size_t)KP;
            double *hi = w + (size_t)(sub | (1u << j)) * (size_t)KP;
            for (int c = 0; c < KP; c += 4) {
                v4d h = V4D(lo, c) * V4D(l, c);
                V4D(hi, c) = h;
                V4D(lo, c) -= h;
            }
        }
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
    /* 1. the people no list saw: n0 ~ NegBin(n, 1 - p0) under the prior 1/N (a Poisson
     * with a Gamma(n) mean) */
    v4d acc = {0, 0, 0, 0};
    for (int c = 0; c < KP; c += 4)
        acc += V4D(w, c);
    double p0 = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    if (p0 >= 1)
        p0 = 1 - 1e-12;
    double g = gamma_whole(&s->zig, x, s->mtc, s->n);
    s->n0 = poisson(x, s->lf, g * p0 / (1 - p0));
    /* 2. every cell's people among the classes: the observed cells, then the unobserved */
    int nobs = s->nobs;
    const double *rows[AM_MSE_MAX_CELLS + 1];
    double wsums[AM_MSE_MAX_CELLS + 1];
    for (int i = 0; i < nobs; i++) {
        const double *row = w + (size_t)s->cells[i] * (size_t)KP;
        v4d a4 = {0, 0, 0, 0};
        for (int c = 0; c < KP; c += 4)
            a4 += V4D(row, c);
        rows[i] = row;
        wsums[i] = (a4[0] + a4[1]) + (a4[2] + a4[3]);
    }
    rows[nobs] = w;
    wsums[nobs] = p0;
    s->counts[nobs] = s->n0;
    /* the split goes to X by pattern (row 0 the unobserved; the rows of patterns nobody
     * shows stay 0 from the start) */
    uint64_t *X = s->X;
    unsigned at[AM_MSE_MAX_CELLS + 1];
    for (int i = 0; i < nobs; i++)
        at[i] = s->cells[i];
    at[nobs] = 0;
    split_cells(s, x, &x4, order, nobs + 1, rows, wsums, s->counts, at, X);
    /* class sizes m and, for each list j, the class's people list j saw (the patterns
     * with bit j): folding the pattern rows in halves, highest bit first — the upper
     * half's total is hits[j], the two halves added give the table of the lower bits */
    ALIGNED uint64_t F[AM_MSE_MAX_CELLS / 2 * KMAX];
    const uint64_t *src = X;
    for (int j = k - 1; j >= 0; j--) {
        size_t half = (size_t)1 << j;
        for (int c = 0; c < KP; c += 4)
            V4U(hits[j], c) = zero;
        for (size_t r = 0; r < half; r++)
            for (int c = 0; c < KP; c += 4) {
                v4u up = V4U(src + (half + r) * (size_t)KP, c);
                V4U(hits[j], c) += up;
                V4U(F + r * (size_t)KP, c) = V4U(src + r * (size_t)KP, c) + up;
            }
        src = F;
    }
    for (int c = 0; c < KP; c += 4)
        V4U(m, c) = V4U(F, c);
    /* 3. capture probabilities, Beta(1,1) prior */
    for (int c = 0; c < K; c++)
        for (int j = 0; j < k; j++) {
            double l;
            if (m[c] == 0)
                l = unif(x);
            else
                l = beta_whole(&s->zig, x, s->mtc, 1 + hits[j][c], 1 + (m[c] - hits[j][c]));
            if (l < 1e-12)
                l = 1e-12;
            if (l > 1 - 1e-12)
                l = 1 - 1e-12;
            s->lambda[j][c] = l;
        }
    /* 4. stick-breaking weights: V_c ~ Beta(1 + m_c, alpha + people in later classes).
     * The sum of log(1 - V_c) that alpha needs is the log of what is left of the stick
     * (one logarithm); 1 - V_c is computed directly (G(b) / (G(a) + G(b)), or U^(1/b)
     * by inversion when m_c = 0), never as 1 minus a number near 1. */
    uint64_t after = 0;
    for (int c = 0; c < K; c++)
        after += m[c];
    double rest = 1;
    for (int c = 0; c < K - 1; c++) {
        after -= m[c];
        double bb = s->alpha + (double)after, v, q;
        if (m[c] == 0) {
            q = exp(log(unif(x)) / bb);
            v = 1 - q;
        } else {
            double ga = gamma_whole(&s->zig, x, s->mtc, 1 + m[c]);
            double gb = gamma_draw(&s->zig, x, bb), sum = ga + gb;
            v = ga / sum;
            q = gb / sum;
        }
        if (q < 1e-12) {
            q = 1e-12;
            v = 1 - q;
        }
        s->pi[c] = v * rest;
        rest *= q;
    }
    s->pi[K - 1] = rest;
    /* 5. concentration */
    s->alpha = gamma_draw(&s->zig, x, s->a_alpha + K - 1) / (s->b_alpha - log(rest));
    if (s->alpha < 1e-6)
        s->alpha = 1e-6;
    *s->x = xl;
    xo4_store(s->st, &x4);
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
    s.KP = (set->K + 3) & ~3;
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
    s.st = s.rng->state;
    s.x = &s.st->x;
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
