/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Log-linear capture-recapture models as R's Rcapture fits them: a Poisson GLM by IRLS on
 * the 2^k - 1 observed cells, N̂ = n + exp(β0), the delta-method standard error, Wald and
 * multinomial profile-likelihood intervals, models in bracket notation, and the search
 * over all hierarchical models ranked by AIC and BIC. It does not print or choose for the
 * user: the command reports both choices and warns when they disagree.
 */
#include "amnistia/estimate.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <string.h>

#define CHISQ95 3.8414588206941245 /* qchisq(0.95, 1) */
#define Z975 1.959963984540054

/* ---- models ------------------------------------------------------------------------ */

int am_llm_model_has(const struct am_llm_model *m, unsigned term)
{
    for (int i = 0; i < m->nterms; i++)
        if (m->terms[i] == term)
            return 1;
    return 0;
}

static int popcount(unsigned x) { return __builtin_popcount(x); }

void am_llm_model_add(struct am_llm_model *m, unsigned term)
{
    /* Every sub-term of two or more lists, the term itself included. */
    for (unsigned sub = term; sub; sub = (sub - 1) & term)
        if (popcount(sub) >= 2 && !am_llm_model_has(m, sub))
            m->terms[m->nterms++] = (uint8_t)sub;
}

int am_llm_model_parse(const char *spec, int k, struct am_llm_model *m, struct am_err *err)
{
    memset(m, 0, sizeof(*m));
    m->k = k;
    if (k < 2 || k > AM_MSE_MAX_LISTS)
        return AM_FAIL(err, AM_EINPUT, "models need 2 to %d lists, not %d", AM_MSE_MAX_LISTS,
                       k);
    if (strcmp(spec, "independence") == 0 || strcmp(spec, "[]") == 0 || strcmp(spec, "Mt") == 0)
        return 0;
    if (strcmp(spec, "M0") == 0) {
        m->m0 = 1;
        return 0;
    }
    if (strcmp(spec, "Mb") == 0 || strcmp(spec, "Mbh") == 0) {
        m->behaviour = spec[2] ? AM_LLM_BEH_MBH : AM_LLM_BEH_MB;
        return 0;
    }
    static const struct {
        const char *name;
        int m0;
        enum am_llm_hetero h;
    } named[] = {
        {"Mh Poisson2", 1, AM_LLM_HET_POISSON2},  {"Mh Darroch", 1, AM_LLM_HET_DARROCH},
        {"Mh Gamma3.5", 1, AM_LLM_HET_GAMMA35},   {"Mth Poisson2", 0, AM_LLM_HET_POISSON2},
        {"Mth Darroch", 0, AM_LLM_HET_DARROCH},   {"Mth Gamma3.5", 0, AM_LLM_HET_GAMMA35},
        {"Mh Chao (LB)", 1, AM_LLM_HET_CHAO},     {"Mth Chao (LB)", 0, AM_LLM_HET_CHAO},
    };
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (strcmp(spec, named[i].name) == 0) {
            m->m0 = named[i].m0;
            m->hetero = named[i].h;
            return 0;
        }
    const char *p = spec;
    if (*p != '[')
        return AM_FAIL_AT(err, AM_EINPUT, "model", 1, 1,
                          "model '%s' must start with '['; write it as Rcapture does, e.g. "
                          "[12,3] or [123,14,34]",
                          spec);
    p++;
    unsigned mentioned = 0;
    for (;;) {
        unsigned term = 0;
        const char *start = p;
        while (*p >= '0' && *p <= '9') {
            int d = *p - '0';
            if (d < 1 || d > k)
                return AM_FAIL_AT(err, AM_EINPUT, "model", 1, (long)(p - spec) + 1,
                                  "list %d in model '%s' does not exist; lists are numbered 1 "
                                  "to %d",
                                  d, spec, k);
            if (term & (1u << (d - 1)))
                return AM_FAIL_AT(err, AM_EINPUT, "model", 1, (long)(p - spec) + 1,
                                  "list %d repeated in one term of model '%s'; write each "
                                  "list once per term",
                                  d, spec);
            term |= 1u << (d - 1);
            p++;
        }
        if (p == start)
            return AM_FAIL_AT(err, AM_EINPUT, "model", 1, (long)(p - spec) + 1,
                              "expected list digits at column %ld of model '%s'; write terms "
                              "like 12 or 134 separated by commas",
                              (long)(p - spec) + 1, spec);
        if (term == (1u << k) - 1 && k >= 2)
            return AM_FAIL_AT(err, AM_EINPUT, "model", 1, (long)(start - spec) + 1,
                              "the %d-way term in model '%s' is confounded with the people no "
                              "list saw; leave it out",
                              k, spec);
        mentioned |= term;
        am_llm_model_add(m, term);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == ']' && p[1] == '\0')
            break;
        return AM_FAIL_AT(err, AM_EINPUT, "model", 1, (long)(p - spec) + 1,
                          "unexpected '%c' in model '%s'; terms are digits separated by "
                          "commas, closed by ']'",
                          *p ? *p : ' ', spec);
    }
    if (mentioned != (1u << k) - 1) {
        int missing = 0;
        while (mentioned & (1u << missing))
            missing++;
        return AM_FAIL_AT(err, AM_EINPUT, "model", 1, 1,
                          "list %d is missing from model '%s'; every list must appear (alone "
                          "as ,%d if it has no interaction)",
                          missing + 1, spec, missing + 1);
    }
    return 0;
}

static void term_digits(unsigned term, char *out)
{
    int n = 0;
    for (int j = 0; j < AM_MSE_MAX_LISTS; j++)
        if (term & (1u << j))
            out[n++] = (char)('1' + j);
    out[n] = '\0';
}

/* Generators first by order (highest first), then in digit order, as Rcapture prints. */
void am_llm_model_name(const struct am_llm_model *m, char *out, size_t size)
{
    if (m->behaviour) {
        snprintf(out, size, "%s", m->behaviour == AM_LLM_BEH_MBH ? "Mbh" : "Mb");
        return;
    }
    if (m->m0 || m->hetero) {
        static const char *const h[] = {"", " Poisson2", " Darroch", " Gamma3.5", " Chao (LB)"};
        snprintf(out, size, "%s%s", m->m0 ? (m->hetero ? "Mh" : "M0") : "Mth", h[m->hetero]);
        return;
    }
    unsigned gens[AM_MSE_MAX_CELLS];
    int ng = 0;
    unsigned covered = 0;
    for (int i = 0; i < m->nterms; i++) {
        unsigned t = m->terms[i];
        int maximal = 1;
        for (int j = 0; j < m->nterms; j++)
            if (m->terms[j] != t && (m->terms[j] & t) == t)
                maximal = 0;
        if (maximal)
            gens[ng++] = t;
        covered |= t;
    }
    for (int j = 0; j < m->k; j++)
        if (!(covered & (1u << j)))
            gens[ng++] = 1u << j;
    char names[AM_MSE_MAX_CELLS][8];
    for (int i = 0; i < ng; i++)
        term_digits(gens[i], names[i]);
    /* insertion sort: order desc, then strcmp */
    for (int i = 1; i < ng; i++) {
        for (int j = i; j > 0; j--) {
            int oa = popcount(gens[j - 1]), ob = popcount(gens[j]);
            if (oa > ob || (oa == ob && strcmp(names[j - 1], names[j]) <= 0))
                break;
            unsigned tg = gens[j];
            gens[j] = gens[j - 1];
            gens[j - 1] = tg;
            char tn[8];
            memcpy(tn, names[j], 8);
            memcpy(names[j], names[j - 1], 8);
            memcpy(names[j - 1], tn, 8);
        }
    }
    struct am_buf b;
    am_buf_init(&b);
    am_buf_addc(&b, '[');
    for (int i = 0; i < ng; i++) {
        if (i)
            am_buf_addc(&b, ',');
        am_buf_adds(&b, names[i]);
    }
    am_buf_addc(&b, ']');
    snprintf(out, size, "%s", b.ptr);
    am_buf_release(&b);
}

/* ---- IRLS ---------------------------------------------------------------------------- */

#define MAXP (1 + AM_MSE_MAX_LISTS + AM_MSE_MAX_CELLS)

struct design {
    int ncell;                   /* rows */
    int p;                       /* columns */
    unsigned cell[AM_MSE_MAX_CELLS];
    double x[AM_MSE_MAX_CELLS][MAXP];
};

/*
 * Rcapture's behavioural design (Mb, Mbh) on the observed cells, list 1 being the first
 * occasion (bit 0): intercept, [Mbh: 1 - x1], occasions before the first capture, captures
 * after the first.
 */
static void build_behaviour(const struct am_llm_model *m, struct design *d)
{
    int mbh = m->behaviour == AM_LLM_BEH_MBH;
    d->p = 3 + mbh;
    d->ncell = 0;
    for (unsigned c = 1; c < (1u << m->k); c++) {
        double *row = d->x[d->ncell];
        d->cell[d->ncell] = c;
        row[0] = 1;
        if (mbh)
            row[1] = !(c & 1u);
        row[1 + mbh] = __builtin_ctz(c);
        row[2 + mbh] = popcount(c) - 1;
        d->ncell++;
    }
}

/* Rows for the given cells; columns: intercept, main effects, interaction terms. */
static void build_design(const struct am_llm_model *m, int with_missing, struct design *d)
{
    int k = m->k;
    if (m->behaviour) {
        build_behaviour(m, d);
        return;
    }
    int mains = m->m0 ? 1 : k;
    int nchao = 0;
    for (int j = 3; m->hetero == AM_LLM_HET_CHAO && j <= k; j++)
        nchao += !(m->chao_drop >> j & 1);
    d->p = 1 + mains + m->nterms + (m->hetero == AM_LLM_HET_CHAO ? nchao : m->hetero ? 1 : 0);
    d->ncell = 0;
    for (unsigned c = with_missing ? 0 : 1; c < (1u << k); c++) {
        double *row = d->x[d->ncell];
        d->cell[d->ncell] = c;
        row[0] = 1;
        double f = popcount(c);
        if (m->m0)
            row[1] = f;
        else
            for (int j = 0; j < k; j++)
                row[1 + j] = (c >> j) & 1;
        for (int t = 0; t < m->nterms; t++)
            row[1 + mains + t] = (c & m->terms[t]) == m->terms[t];
        if (m->hetero == AM_LLM_HET_CHAO) {
            int col = 1 + mains + m->nterms;
            for (int j = 3; j <= k; j++)
                if (!(m->chao_drop >> j & 1))
                    row[col++] = f - j + 1 > 0 ? f - j + 1 : 0;
        } else if (m->hetero) {
            double h = m->hetero == AM_LLM_HET_POISSON2  ? pow(2, f) - 1
                       : m->hetero == AM_LLM_HET_DARROCH ? f * f / 2
                                                         : -log(3.5 + f) + log(3.5);
            row[1 + mains + m->nterms] = h;
        }
        d->ncell++;
    }
}

struct glm {
    double beta[MAXP];
    double mu[AM_MSE_MAX_CELLS];
    double cov00;  /* (X'WX)^-1 [0][0] */
    double cov[4][4]; /* (X'WX)^-1, its first four rows and columns (Mb, Mbh) */
    double deviance;
    int iterations;
    int converged;
    int singular;
};

static double poisson_dev(const double *y, const double *mu, int n)
{
    double dev = 0;
    for (int i = 0; i < n; i++) {
        double r = y[i] > 0 ? y[i] * log(y[i] / mu[i]) : 0;
        dev += 2 * (r - (y[i] - mu[i]));
    }
    return dev;
}

/* Poisson GLM with log link by IRLS (glm's start mu = y + 0.1), tight convergence. */
static void irls(const struct design *d, const double *y, struct glm *g)
{
    int n = d->ncell, p = d->p;
    double eta[AM_MSE_MAX_CELLS], z[AM_MSE_MAX_CELLS];
    memset(g, 0, sizeof(*g));
    for (int i = 0; i < n; i++) {
        g->mu[i] = y[i] + 0.1;
        eta[i] = log(g->mu[i]);
    }
    double devold = poisson_dev(y, g->mu, n);
    gsl_matrix *A = gsl_matrix_alloc((size_t)p, (size_t)p);
    gsl_vector *bvec = gsl_vector_alloc((size_t)p);
    gsl_vector *sol = gsl_vector_alloc((size_t)p);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    for (int it = 1; it <= 100; it++) {
        g->iterations = it;
        for (int i = 0; i < n; i++)
            z[i] = eta[i] + (y[i] - g->mu[i]) / g->mu[i];
        gsl_matrix_set_zero(A);
        gsl_vector_set_zero(bvec);
        for (int i = 0; i < n; i++) {
            const double *xi = d->x[i];
            double w = g->mu[i];
            for (int a = 0; a < p; a++) {
                if (xi[a] == 0)
                    continue;
                double wa = w * xi[a];
                (*gsl_vector_ptr(bvec, (size_t)a)) += wa * z[i];
                for (int b = 0; b <= a; b++)
                    if (xi[b] != 0)
                        (*gsl_matrix_ptr(A, (size_t)a, (size_t)b)) += wa * xi[b];
            }
        }
        for (int a = 0; a < p; a++)
            for (int b = a + 1; b < p; b++)
                gsl_matrix_set(A, (size_t)a, (size_t)b, gsl_matrix_get(A, (size_t)b, (size_t)a));
        if (gsl_linalg_cholesky_decomp1(A) != GSL_SUCCESS ||
            gsl_linalg_cholesky_solve(A, bvec, sol) != GSL_SUCCESS) {
            g->singular = 1;
            break;
        }
        for (int a = 0; a < p; a++)
            g->beta[a] = gsl_vector_get(sol, (size_t)a);
        for (int i = 0; i < n; i++) {
            double e = 0;
            for (int a = 0; a < p; a++)
                e += d->x[i][a] * g->beta[a];
            if (e > 700)
                e = 700;
            eta[i] = e;
            g->mu[i] = exp(e);
            if (g->mu[i] < 1e-300)
                g->mu[i] = 1e-300;
        }
        double dev = poisson_dev(y, g->mu, n);
        g->deviance = dev;
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < 1e-12) {
            g->converged = 1;
            break;
        }
        devold = dev;
    }
    if (!g->singular) {
        /* covariance at the final weights */
        gsl_matrix_set_zero(A);
        for (int i = 0; i < n; i++)
            for (int a = 0; a < p; a++)
                for (int b = 0; b <= a; b++)
                    (*gsl_matrix_ptr(A, (size_t)a, (size_t)b)) += g->mu[i] * d->x[i][a] * d->x[i][b];
        for (int a = 0; a < p; a++)
            for (int b = a + 1; b < p; b++)
                gsl_matrix_set(A, (size_t)a, (size_t)b, gsl_matrix_get(A, (size_t)b, (size_t)a));
        if (gsl_linalg_cholesky_decomp1(A) == GSL_SUCCESS &&
            gsl_linalg_cholesky_invert(A) == GSL_SUCCESS) {
            g->cov00 = gsl_matrix_get(A, 0, 0);
            for (int a = 0; a < p && a < 4; a++)
                for (int b = 0; b < p && b < 4; b++)
                    g->cov[a][b] = gsl_matrix_get(A, (size_t)a, (size_t)b);
        } else
            g->singular = 1;
    }
    gsl_set_error_handler(old);
    gsl_matrix_free(A);
    gsl_vector_free(bvec);
    gsl_vector_free(sol);
}

/* ---- profile likelihood over the unobserved cell ------------------------------------ */

struct profile_ctx {
    struct design full; /* all 2^k cells, cell 0 first */
    double y[AM_MSE_MAX_CELLS];
    double n;
};

/* Multinomial log-likelihood of N, maximised over the model's parameters. */
static double profile_ll(struct profile_ctx *pc, double N)
{
    pc->y[0] = N - pc->n;
    struct glm g;
    irls(&pc->full, pc->y, &g);
    double ll = lgamma(N + 1) - lgamma(N - pc->n + 1);
    double total = 0;
    for (int i = 0; i < pc->full.ncell; i++)
        total += g.mu[i];
    for (int i = 0; i < pc->full.ncell; i++)
        if (pc->y[i] > 0)
            ll += pc->y[i] * log(g.mu[i] / total);
    return ll;
}

/* Maximises profile_ll over N in [a, b] by golden-section search. */
static double golden_max(struct profile_ctx *pc, double a, double b, double *best)
{
    const double r = 0.6180339887498949;
    double c = b - r * (b - a), d = a + r * (b - a);
    double fc = profile_ll(pc, c), fd = profile_ll(pc, d);
    for (int it = 0; it < 200 && (b - a) > 1e-9 * (1 + fabs(a)); it++) {
        if (fc > fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = profile_ll(pc, c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = profile_ll(pc, d);
        }
    }
    double x = (a + b) / 2;
    *best = profile_ll(pc, x);
    return x;
}

/* Finds N in [lo, hi] where profile_ll crosses target (f(lo) and f(hi) on opposite sides). */
static double bisect(struct profile_ctx *pc, double lo, double hi, double target)
{
    double flo = profile_ll(pc, lo) - target;
    for (int it = 0; it < 200 && hi - lo > 1e-10 * (1 + fabs(lo)); it++) {
        double mid = (lo + hi) / 2;
        double fm = profile_ll(pc, mid) - target;
        if ((fm > 0) == (flo > 0)) {
            lo = mid;
            flo = fm;
        } else {
            hi = mid;
        }
    }
    return (lo + hi) / 2;
}

static void profile_interval(const struct am_mse_table *t, const struct am_llm_model *m,
                             struct am_llm_fit *fit)
{
    struct profile_ctx pc;
    build_design(m, 1, &pc.full);
    for (int i = 0; i < pc.full.ncell; i++)
        pc.y[i] = t->count[pc.full.cell[i]];
    pc.n = t->n;
    double n = t->n;
    /* Bracket the maximum: the multinomial MLE sits near the Poisson one. */
    double hi = n + 4 * (fit->n0 + 10 * fit->se + 10);
    double llmax;
    double Nmax = golden_max(&pc, n, hi, &llmax);
    if (Nmax > hi * 0.999) { /* widen once if the maximum is at the edge */
        hi = n + 100 * (fit->n0 + 10 * fit->se + 10);
        Nmax = golden_max(&pc, n, hi, &llmax);
    }
    fit->prof_N = Nmax;
    double target = llmax - CHISQ95 / 2;
    if (profile_ll(&pc, n) >= target)
        fit->prof_lo = n;
    else
        fit->prof_lo = bisect(&pc, n, Nmax, target);
    double up = Nmax + (Nmax - n) + 10;
    int found = 0;
    for (int i = 0; i < 60; i++) {
        if (profile_ll(&pc, up) < target) {
            found = 1;
            break;
        }
        up = n + (up - n) * 2;
        if (up > 1e12)
            break;
    }
    fit->prof_hi = found ? bisect(&pc, Nmax, up, target) : INFINITY;
    fit->profile_done = 1;
}

/* ---- fitting -------------------------------------------------------------------------- */

/*
 * Chao's lower-bound model keeps only the heterogeneity columns whose coefficients are
 * not negative (Rivest & Baillargeon 2007): refit without the negative ones until none is.
 */
static void chao_columns(const struct am_mse_table *t, struct am_llm_model *m)
{
    m->chao_drop = 0;
    for (int round = 0; round < AM_MSE_MAX_LISTS; round++) {
        struct design d;
        build_design(m, 0, &d);
        if (d.p > d.ncell)
            return;
        double y[AM_MSE_MAX_CELLS];
        for (int i = 0; i < d.ncell; i++)
            y[i] = t->count[d.cell[i]];
        struct glm g;
        irls(&d, y, &g);
        int col = 1 + (m->m0 ? 1 : m->k) + m->nterms, dropped = 0;
        for (int j = 3; j <= m->k; j++) {
            if (m->chao_drop >> j & 1)
                continue;
            if (g.beta[col] < 0) {
                m->chao_drop |= 1u << j;
                dropped = 1;
            }
            col++;
        }
        if (!dropped)
            return;
    }
}

/*
 * N̂ and its standard error for Mb and Mbh by Rcapture's closed forms (closedp.t), t the
 * number of occasions. Mb, coefficients b0, b1 (occasions before the first capture), b2
 * (captures after it): N̂ = e^b0 (1 + e^b2)^t / (1 + e^b2 - e^b1). Mbh, with the list-1
 * column's coefficient e after b0: N̂ = e^b0 (1 + e^b3)^(t-1) (1 + e^(e+b2) / D),
 * D = 1 + e^b3 - e^b2. Var(N̂) = v' Cov v - N̂ with Rcapture's gradient v; for Mbh its
 * last component is Rcapture's (it leaves out the factor 1 + e^(e+b2)/D of the exact
 * derivative of the first term), kept so that the figures are Rcapture's.
 */
static void behaviour_estimate(const struct am_llm_model *m, const struct glm *g,
                               struct am_llm_fit *fit)
{
    double t = m->k, v[4];
    int p;
    if (m->behaviour == AM_LLM_BEH_MB) {
        double e1 = exp(g->beta[1]), e2 = exp(g->beta[2]), D = 1 + e2 - e1;
        fit->N = exp(g->beta[0]) * pow(1 + e2, t) / D;
        v[0] = fit->N;
        v[1] = fit->N * e1 / D;
        v[2] = fit->N * (t * e2 / (1 + e2) - e2 / D);
        p = 3;
    } else {
        double ee = exp(g->beta[1]), e2 = exp(g->beta[2]), e3 = exp(g->beta[3]);
        double D = 1 + e3 - e2, r = ee * e2 / D;
        double base = exp(g->beta[0]) * pow(1 + e3, t - 1);
        fit->N = base * (1 + r);
        v[0] = base * (1 + r);
        v[1] = base * r;
        v[2] = base * (r + ee * e2 * e2 / (D * D));
        v[3] = base * ((t - 1) * e3 / (1 + e3) - ee * e2 * e3 / (D * D));
        p = 4;
    }
    double q = 0;
    for (int a = 0; a < p; a++)
        for (int b = 0; b < p; b++)
            q += v[a] * g->cov[a][b] * v[b];
    fit->se = sqrt(q - fit->N);
}

int am_llm_fit(const struct am_mse_table *t, const struct am_llm_model *model, int profile,
               struct am_llm_fit *fit, struct am_err *err)
{
    memset(fit, 0, sizeof(*fit));
    struct am_llm_model chao;
    const struct am_llm_model *m = model;
    if (model->hetero == AM_LLM_HET_CHAO && model->k == t->k) {
        chao = *model;
        chao_columns(t, &chao);
        m = &chao;
    }
    if (m->k != t->k)
        return AM_FAIL(err, AM_EINPUT, "the model is for %d lists but the table has %d; name "
                       "lists 1 to %d",
                       m->k, t->k, t->k);
    if (t->n <= 0)
        return AM_FAIL(err, AM_EINPUT, "no one was seen by any list; nothing to estimate");
    struct design d;
    build_design(m, 0, &d);
    if (d.p > d.ncell)
        return AM_FAIL(err, AM_EINPUT, "the model has %d parameters but the table only %d "
                       "observed cells; choose a smaller model",
                       d.p, d.ncell);
    double y[AM_MSE_MAX_CELLS] = {0};
    for (int i = 0; i < d.ncell; i++)
        y[i] = t->count[d.cell[i]];
    struct glm g;
    irls(&d, y, &g);
    fit->params = d.p;
    fit->df = d.ncell - d.p;
    fit->iterations = g.iterations;
    fit->deviance = g.deviance;
    double ll = 0;
    for (int i = 0; i < d.ncell; i++)
        ll += (y[i] > 0 ? y[i] * log(g.mu[i]) : 0) - g.mu[i] - lgamma(y[i] + 1);
    fit->loglik = ll;
    fit->aic = -2 * ll + 2 * d.p;
    fit->bic = fit->aic + (log(t->n) - 2) * d.p;
    for (int a = 0; a < d.p; a++)
        fit->coef[a] = g.beta[a];
    if (m->behaviour) {
        behaviour_estimate(m, &g, fit);
        fit->n0 = fit->N - t->n;
    } else {
        fit->n0 = exp(g.beta[0]);
        fit->N = t->n + fit->n0;
        /* Rcapture's delta method: Var(N̂) = n0 + n0^2 Var(β0) (Cormack 1989). */
        fit->se = sqrt(fit->n0 + fit->n0 * fit->n0 * g.cov00);
    }
    fit->wald_lo = fit->N - Z975 * fit->se;
    fit->wald_hi = fit->N + Z975 * fit->se;
    /* Chao (1987): log(N̂ - n) is roughly normal. */
    fit->lognormal_lo = fit->lognormal_hi = NAN;
    if (fit->n0 > 0) {
        double cfac = exp(Z975 * sqrt(log(1 + fit->se * fit->se / (fit->n0 * fit->n0))));
        fit->lognormal_lo = t->n + fit->n0 / cfac;
        fit->lognormal_hi = t->n + fit->n0 * cfac;
    }
    fit->prof_N = fit->prof_lo = fit->prof_hi = NAN;
    if (g.singular) {
        fit->status = AM_LLM_NOT_EXIST;
    } else if (!g.converged) {
        fit->status = AM_LLM_NO_CONVERGENCE;
    } else if (!isfinite(fit->N) || !isfinite(fit->se) || g.beta[0] > log(1e6 * t->n) ||
               fit->se > 1e3 * fit->N) {
        fit->status = AM_LLM_NOT_EXIST;
    } else if (fit->N < t->n) {
        fit->status = AM_LLM_BELOW_SEEN;
    } else {
        /* A zero cell fitted at zero: the MLE is on the boundary; when that drags β0 along
         * (the intercept's variance explodes), N̂ has no finite estimate. */
        fit->status = AM_LLM_OK;
        for (int i = 0; i < d.ncell; i++)
            if (y[i] == 0 && g.mu[i] < 1e-7 && (g.cov00 > 1e4 || fit->n0 < 1e-7))
                fit->status = AM_LLM_NOT_EXIST;
    }
    if (fit->status == AM_LLM_OK && profile && !m->behaviour)
        profile_interval(t, m, fit);
    return 0;
}

/* ---- enumeration and search ------------------------------------------------------------ */

struct am_llm_model *am_llm_models(int k, int maxorder, size_t *count, struct am_err *err)
{
    *count = 0;
    if (k < 2 || k > AM_MSE_MAX_LISTS) {
        AM_FAIL(err, AM_EUSAGE, "model search needs 2 to %d lists, not %d", AM_MSE_MAX_LISTS, k);
        return NULL;
    }
    if (maxorder < 1 || maxorder > 3 || maxorder >= k) {
        AM_FAIL(err, AM_EUSAGE, "interaction order %d is not searchable for %d lists; use 2 "
                "(or 3 with 4 or more lists)",
                maxorder, k);
        return NULL;
    }
    unsigned pairs[16], triples[24];
    int np = 0, nt = 0;
    for (unsigned c = 1; c < (1u << k); c++) {
        if (popcount(c) == 2)
            pairs[np++] = c;
        else if (popcount(c) == 3 && maxorder >= 3)
            triples[nt++] = c;
    }
    if (maxorder < 2)
        np = 0;
    AM_VEC(struct am_llm_model) out = {0};
    for (unsigned long ps = 0; ps < (1ul << np); ps++) {
        struct am_llm_model base;
        memset(&base, 0, sizeof(base));
        base.k = k;
        for (int i = 0; i < np; i++)
            if (ps & (1ul << i))
                base.terms[base.nterms++] = (uint8_t)pairs[i];
        /* triples whose three pairs are all present */
        unsigned avail[24];
        int na = 0;
        for (int i = 0; i < nt; i++) {
            unsigned tr = triples[i];
            int ok = 1;
            for (int j = 0; j < k; j++)
                if ((tr & (1u << j)) && !am_llm_model_has(&base, tr & ~(1u << j)))
                    ok = 0;
            if (ok && tr != (1u << k) - 1)
                avail[na++] = tr;
        }
        for (unsigned long ts = 0; ts < (1ul << na); ts++) {
            struct am_llm_model m = base;
            for (int i = 0; i < na; i++)
                if (ts & (1ul << i))
                    m.terms[m.nterms++] = (uint8_t)avail[i];
            AM_VEC_PUSH(&out, m);
        }
    }
    *count = out.n;
    return out.v;
}

struct am_llm_ranked *am_llm_search(const struct am_mse_table *t, int maxorder, size_t *count,
                                    long *aic_best, long *bic_best, struct am_err *err)
{
    *aic_best = *bic_best = -1;
    size_t nm;
    struct am_llm_model *models = am_llm_models(t->k, maxorder, &nm, err);
    if (!models)
        return NULL;
    struct am_llm_ranked *r = am_calloc(nm, sizeof(*r));
    size_t n = 0;
    for (size_t i = 0; i < nm; i++) {
        r[n].model = models[i];
        if (am_llm_fit(t, &models[i], 0, &r[n].fit, err) != 0) {
            /* too many parameters for the table: not a candidate */
            am_err_clear(err);
            continue;
        }
        n++;
    }
    am_free(models);
    for (size_t i = 0; i < n; i++) {
        if (r[i].fit.status != AM_LLM_OK)
            continue;
        if (*aic_best < 0 || r[i].fit.aic < r[*aic_best].fit.aic)
            *aic_best = (long)i;
        if (*bic_best < 0 || r[i].fit.bic < r[*bic_best].fit.bic)
            *bic_best = (long)i;
    }
    *count = n;
    return r;
}
