/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Bayesian model averaging over decomposable graphical models (Madigan & York 1997), as
 * R's dga 2.0.2 computes it: every decomposable graph on the k lists, a hyper-Dirichlet
 * prior (delta per cell of the full table), the prior 1/N on the total, equal prior
 * model weights, and the exact posterior of N over a grid. Graphs are enumerated here
 * (dga ships them as data); each graph's marginal likelihood is a sum over a perfect
 * elimination order of g(family) - g(parents), which equals cliques over separators.
 */
#include "amnistia/estimate.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

int am_dga_edge_bit(int k, int i, int j)
{
    if (i > j) {
        int t = i;
        i = j;
        j = t;
    }
    int bit = 0;
    for (int a = 0; a < k; a++)
        for (int b = a + 1; b < k; b++) {
            if (a == i && b == j)
                return bit;
            bit++;
        }
    return -1;
}

static unsigned neighbours(int k, unsigned edges, int v)
{
    unsigned nb = 0;
    for (int u = 0; u < k; u++)
        if (u != v && (edges >> am_dga_edge_bit(k, u, v) & 1))
            nb |= 1u << u;
    return nb;
}

static int is_clique(int k, unsigned edges, unsigned set)
{
    for (int a = 0; a < k; a++)
        for (int b = a + 1; b < k; b++)
            if ((set >> a & 1) && (set >> b & 1) && !(edges >> am_dga_edge_bit(k, a, b) & 1))
                return 0;
    return 1;
}

/*
 * Eliminates simplicial vertices one by one; a graph is chordal (decomposable) iff this
 * empties it. coef[A] gets +1 for each family {v} + nb(v) and -1 for each parent set nb(v).
 */
static int decompose(int k, unsigned edges, int *coef)
{
    memset(coef, 0, sizeof(int) * AM_MSE_MAX_CELLS);
    unsigned left = (1u << k) - 1;
    while (left) {
        int found = -1;
        unsigned nb = 0;
        for (int v = 0; v < k && found < 0; v++) {
            if (!(left >> v & 1))
                continue;
            nb = neighbours(k, edges, v) & left;
            if (is_clique(k, edges, nb))
                found = v;
        }
        if (found < 0)
            return 0;
        coef[nb | (1u << found)] += 1;
        if (nb)
            coef[nb] -= 1;
        left &= ~(1u << found);
    }
    return 1;
}

void am_dga_graph_name(int k, unsigned edges, char *out, size_t size)
{
    struct am_llm_model m;
    memset(&m, 0, sizeof(m));
    m.k = k;
    /* maximal cliques: every clique of two or more lists goes in; naming keeps the maximal */
    for (unsigned s = 1; s < (1u << k); s++)
        if (__builtin_popcount(s) >= 2 && is_clique(k, edges, s))
            m.terms[m.nterms++] = (uint8_t)s;
    am_llm_model_name(&m, out, size);
}

void am_dga_result_release(struct am_dga_result *r)
{
    if (!r)
        return;
    am_free(r->post);
    am_free(r->graph_weight);
    am_free(r->graph_edges);
    memset(r, 0, sizeof(*r));
}

int am_dga_run(const struct am_mse_table *t, double delta, long nmax, struct am_dga_result *r,
               struct am_err *err)
{
    memset(r, 0, sizeof(*r));
    int k = t->k;
    if (k < 3 || k > 5)
        return AM_FAIL(err, AM_EINPUT,
                       "dga averages over graphs of 3 to 5 lists, not %d; use the log-linear "
                       "models for %d lists",
                       k, k);
    if (t->n <= 0)
        return AM_FAIL(err, AM_EINPUT, "no one was seen by any list; nothing to estimate");
    if (delta <= 0)
        delta = ldexp(1.0, -k);
    if (nmax <= 0)
        nmax = (long)((k == 3 ? 40 : 10) * t->n);
    if (nmax > 50000000)
        return AM_FAIL(err, AM_EUSAGE, "dga grid of %ld values is too large; give a smaller "
                       "range", nmax);
    r->k = k;
    r->delta = delta;
    r->nmax = nmax;
    unsigned ncells = 1u << k;
    int nedges = k * (k - 1) / 2;

    /* decomposable graphs and their coefficient vectors over subsets */
    AM_VEC(int) coefs = {0};
    AM_VEC(uint16_t) graphs = {0};
    for (unsigned e = 0; e < (1u << nedges); e++) {
        int coef[AM_MSE_MAX_CELLS];
        if (!decompose(k, e, coef))
            continue;
        AM_VEC_PUSH(&graphs, (uint16_t)e);
        for (unsigned a = 0; a < ncells; a++)
            AM_VEC_PUSH(&coefs, coef[a]);
    }
    int ng = (int)graphs.n;

    /* per subset A: the marginal table's cell terms that do not depend on the missing
     * count, and the observed count of its all-zero cell */
    double fixed[AM_MSE_MAX_CELLS] = {0}, zero_obs[AM_MSE_MAX_CELLS] = {0};
    double alpha_of[AM_MSE_MAX_CELLS] = {0};
    for (unsigned A = 1; A < ncells; A++) {
        int size = __builtin_popcount(A);
        double alpha = delta * ldexp(1.0, k - size);
        alpha_of[A] = alpha;
        double marg[AM_MSE_MAX_CELLS] = {0};
        for (unsigned c = 1; c < ncells; c++)
            marg[c & A] += t->count[c];
        for (unsigned s = A;; s = (s - 1) & A) {
            if (s != 0)
                fixed[A] += lgamma(marg[s] + alpha) - lgamma(alpha);
            else
                zero_obs[A] = marg[0];
            if (s == 0)
                break;
        }
        fixed[A] -= lgamma(alpha); /* the zero cell's -lgamma(alpha) */
    }
    double sum_alpha = delta * (double)ncells;
    double lg_sum_obs = 0;
    for (unsigned c = 1; c < ncells; c++)
        lg_sum_obs += lgamma(t->count[c] + 1);

    /* each graph as a short list of (subset, coefficient) pairs */
    AM_VEC(int) sub = {0}, sc = {0};
    size_t *start = am_malloc(((size_t)ng + 1) * sizeof(size_t));
    for (int j = 0; j < ng; j++) {
        start[j] = sub.n;
        const int *cf = &coefs.v[(size_t)j * ncells];
        for (unsigned A = 1; A < ncells; A++)
            if (cf[A]) {
                AM_VEC_PUSH(&sub, (int)A);
                AM_VEC_PUSH(&sc, cf[A]);
            }
    }
    start[ng] = sub.n;
    size_t grid = (size_t)nmax + 1;
    /*
     * One pass, memory of one row: post[] holds each N's log weight (log-sum-exp over the
     * graphs), and graph weights accumulate relative to the running maximum `best`,
     * rescaled whenever a larger log weight appears.
     */
    double *row = am_malloc((size_t)ng * sizeof(double));
    r->post = am_calloc(grid, sizeof(double));
    r->graph_weight = am_calloc((size_t)ng, sizeof(double));
    double best = -INFINITY;
    for (size_t m = 0; m < grid; m++) {
        double N = t->n + (double)m;
        double g[AM_MSE_MAX_CELLS];
        double dconst = lgamma(sum_alpha) - lgamma(N + sum_alpha);
        g[0] = 0;
        for (unsigned A = 1; A < ncells; A++)
            g[A] = dconst + fixed[A] + lgamma(zero_obs[A] + (double)m + alpha_of[A]);
        double extra = lgamma(N + 1) - lg_sum_obs - lgamma((double)m + 1) - log(N);
        double rowmax = -INFINITY;
        for (int j = 0; j < ng; j++) {
            double s = extra;
            for (size_t q = start[j]; q < start[j + 1]; q++)
                s += sc.v[q] * g[sub.v[q]];
            row[j] = s;
            if (s > rowmax)
                rowmax = s;
        }
        if (rowmax > best) {
            double scale = isfinite(best) ? exp(best - rowmax) : 0;
            for (int j = 0; j < ng; j++)
                r->graph_weight[j] *= scale;
            best = rowmax;
        }
        double sum = 0;
        for (int j = 0; j < ng; j++) {
            double lw = row[j] - best;
            double w = lw < -745 ? 0 : exp(lw);
            r->graph_weight[j] += w;
            sum += exp(row[j] - rowmax);
        }
        r->post[m] = rowmax + log(sum);
    }
    am_free(row);
    am_free(start);
    AM_VEC_FREE(&sub);
    AM_VEC_FREE(&sc);
    double total = 0;
    for (size_t m = 0; m < grid; m++) {
        double lw = r->post[m] - best;
        r->post[m] = lw < -745 ? 0 : exp(lw);
        total += r->post[m];
    }
    double gtotal = 0;
    for (int j = 0; j < ng; j++)
        gtotal += r->graph_weight[j];
    for (size_t m = 0; m < grid; m++)
        r->post[m] /= total;
    for (int j = 0; j < ng; j++)
        r->graph_weight[j] /= gtotal;
    r->top_graph = 0;
    for (int j = 0; j < ng; j++) {
        if (r->graph_weight[j] > r->graph_weight[r->top_graph])
            r->top_graph = j;
    }
    r->ngraphs = ng;
    r->graph_edges = graphs.v;
    AM_VEC_FREE(&coefs);

    /* summaries: quantiles as the first N whose cumulative probability reaches q */
    double cdf = 0, mean = 0, modep = -1;
    int have_lo = 0, have_med = 0, have_hi = 0;
    for (size_t m = 0; m < grid; m++) {
        double N = t->n + (double)m;
        cdf += r->post[m];
        mean += N * r->post[m];
        if (r->post[m] > modep) {
            modep = r->post[m];
            r->mode = N;
        }
        if (!have_lo && cdf >= 0.025) {
            r->lo = N;
            have_lo = 1;
        }
        if (!have_med && cdf >= 0.5) {
            r->median = N;
            have_med = 1;
        }
        if (!have_hi && cdf >= 0.975) {
            r->hi = N;
            have_hi = 1;
        }
    }
    if (!have_hi)
        r->hi = t->n + (double)nmax;
    r->mean = mean;
    double tail = 0;
    for (size_t m = grid - grid / 100 - 1; m < grid; m++)
        tail += r->post[m];
    r->tail_mass = tail;
    return 0;
}

void am_dga_sample(const struct am_dga_result *r, double n_seen, unsigned long seed, double *out,
                   size_t n)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    size_t grid = (size_t)r->nmax + 1;
    gsl_ran_discrete_t *table = gsl_ran_discrete_preproc(grid, r->post);
    for (size_t i = 0; i < n; i++)
        out[i] = n_seen + (double)gsl_ran_discrete(rng, table);
    gsl_ran_discrete_free(table);
    gsl_rng_free(rng);
}
