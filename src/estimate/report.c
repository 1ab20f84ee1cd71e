/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The estimates side by side for one table, and the plain warnings that say when they
 * are unsafe: the rules a statistician would apply before trusting a number (two lists
 * only, sparse cells, too few people, no estimate, lists feeding each other, model choice
 * swinging the answer, short chains). Also the total over strata, combining posterior
 * draws rather than point estimates. The command only prints what this file decides.
 */
#include "amnistia/estimate.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

void am_mse_options_default(struct am_mse_options *o)
{
    memset(o, 0, sizeof(*o));
    o->methods = AM_MSE_ALL;
    o->model = NULL;
    am_lcmcr_settings_default(&o->lcmcr);
    o->min_people = 50;
}

static void warn(struct am_mse_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warn(struct am_mse_report *r, const char *fmt, ...)
{
    struct am_buf b;
    am_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    am_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    AM_VEC_PUSH(&r->warnings, am_buf_detach(&b));
}

/* A posterior estimate (LCMCR, dga, or a sum of strata draws): median with its
 * equal-tail interval; no AIC or BIC. */
static void add_posterior(struct am_mse_report *r, const char *method, const char *model,
                          const char *role, double median, double lo, double hi, double mean,
                          double se)
{
    struct am_mse_estimate e;
    memset(&e, 0, sizeof(e));
    snprintf(e.method, sizeof(e.method), "%s", method);
    snprintf(e.model, sizeof(e.model), "%s", model);
    snprintf(e.role, sizeof(e.role), "%s", role);
    snprintf(e.interval, sizeof(e.interval), "credible (equal-tail)");
    e.N = median;
    e.lo = lo;
    e.hi = hi;
    e.mean = mean;
    e.se = se;
    e.aic = e.bic = NAN;
    e.exists = 1;
    AM_VEC_PUSH(&r->estimates, e);
}

static void add_llm(struct am_mse_report *r, const struct am_llm_model *m,
                    const struct am_llm_fit *f, const char *role)
{
    struct am_mse_estimate e;
    memset(&e, 0, sizeof(e));
    snprintf(e.method, sizeof(e.method), "loglinear");
    am_llm_model_name(m, e.model, sizeof(e.model));
    snprintf(e.role, sizeof(e.role), "%s", role);
    e.exists = f->status == AM_LLM_OK;
    e.N = f->N;
    e.se = f->se;
    e.mean = NAN;
    e.aic = f->aic;
    e.bic = f->bic;
    e.df = f->df;
    e.wald_lo = f->wald_lo;
    e.wald_hi = f->wald_hi;
    e.profile_mle = f->prof_N;
    if (f->profile_done) {
        snprintf(e.interval, sizeof(e.interval), "profile likelihood");
        e.lo = f->prof_lo;
        e.hi = f->prof_hi;
    } else {
        snprintf(e.interval, sizeof(e.interval), "Wald");
        e.lo = f->wald_lo;
        e.hi = f->wald_hi;
    }
    AM_VEC_PUSH(&r->estimates, e);
    if (m->behaviour)
        warn(r, "%s reads the lists as capture occasions in time, in their column order (a "
             "person seen once is less or more likely to be seen later): it means nothing "
             "unless the lists were compiled one after another in that order",
             e.model);
    if (f->status == AM_LLM_BELOW_SEEN)
        warn(r, "the estimate of %s (%.1f) is below the %.0f people seen: the model does not "
             "fit these lists; use another",
             e.model, f->N, r->table.n);
    else if (!e.exists)
        warn(r, "the log-linear estimate for %s does not exist (%s): a zero or near-zero "
             "cell sends N to infinity or the fit to the boundary; use a smaller model",
             e.model,
             f->status == AM_LLM_NO_CONVERGENCE ? "the fit did not converge" : "boundary");
    else if (f->df == 0)
        warn(r, "%s has no degrees of freedom left: it fits any table exactly, so nothing "
             "checks it and its interval is wide",
             e.model);
}

/* Pairwise dependence from the all-two-way model: odds ratios far from 1. */
static void dependence_warnings(const struct am_mse_table *t, struct am_mse_report *r)
{
    if (t->k < 3)
        return;
    struct am_llm_model m;
    memset(&m, 0, sizeof(m));
    m.k = t->k;
    for (int a = 0; a < t->k; a++)
        for (int b = a + 1; b < t->k; b++)
            m.terms[m.nterms++] = (uint8_t)((1u << a) | (1u << b));
    struct am_llm_fit f;
    struct am_err err = AM_ERR_INIT;
    if (am_llm_fit(t, &m, 0, &f, &err) != 0 || f.status != AM_LLM_OK)
        return;
    for (int i = 0; i < m.nterms; i++) {
        double or = exp(f.coef[1 + t->k + i]);
        if (or > 3 || or < 1.0 / 3) {
            int a = __builtin_ctz(m.terms[i]);
            int b = 31 - __builtin_clz(m.terms[i]);
            if (or > 1)
                warn(r, "lists %s and %s overlap far more than independence predicts (odds "
                     "ratio %.2g in the two-way model): if one feeds the other (families "
                     "reporting to the NGO that publishes), independence estimates are too low",
                     t->names[a], t->names[b], or);
            else
                warn(r, "lists %s and %s overlap far less than independence predicts (odds "
                     "ratio %.2g in the two-way model): lists that reach different groups "
                     "make independence estimates too high",
                     t->names[a], t->names[b], or);
        }
    }
}

int am_mse_report_run(const struct am_mse_table *t, const struct am_mse_options *o,
                      struct am_mse_report *r, struct am_err *err)
{
    memset(r, 0, sizeof(*r));
    r->table = *t;
    if (t->n <= 0)
        return AM_FAIL(err, AM_EINPUT, "no one was seen by any list; nothing to estimate");
    int k = t->k;
    if (k == 2)
        warn(r, "only two lists: the estimate rests on the lists being independent, which "
             "two lists cannot check; if one list feeds the other it is too low");
    if (t->n < (double)o->min_people)
        warn(r, "only %.0f people seen: too few for a stable estimate", t->n);
    int sparse = 0, cells = (1 << k) - 1;
    for (int c = 1; c <= cells; c++)
        sparse += t->count[c] < 5;
    if (sparse)
        warn(r, "%d of %d capture patterns have fewer than 5 people: interaction terms rest "
             "on sparse cells and are unstable",
             sparse, cells);

    if (o->methods & AM_MSE_LOGLINEAR) {
        struct am_llm_model m;
        struct am_llm_fit f;
        if (o->model) {
            if (am_llm_model_parse(o->model, k, &m, err) != 0 ||
                am_llm_fit(t, &m, 1, &f, err) != 0) {
                am_mse_report_release(r);
                return -1;
            }
            add_llm(r, &m, &f, "chosen");
        } else {
            memset(&m, 0, sizeof(m));
            m.k = k;
            if (am_llm_fit(t, &m, 1, &f, err) != 0) {
                am_mse_report_release(r);
                return -1;
            }
            add_llm(r, &m, &f, "independence");
            if (k >= 3) {
                r->maxorder = k == 4 ? 3 : 2;
                size_t n;
                long ai, bi;
                struct am_llm_ranked *res = am_llm_search(t, r->maxorder, &n, &ai, &bi, err);
                if (!res) {
                    am_mse_report_release(r);
                    return -1;
                }
                r->models_searched = n;
                if (ai < 0) {
                    warn(r, "no log-linear model up to %d-way terms has an estimate that "
                         "exists: the table is too sparse",
                         r->maxorder);
                } else {
                    struct am_llm_fit fa, fb;
                    am_llm_fit(t, &res[bi].model, 1, &fb, err);
                    add_llm(r, &res[bi].model, &fb, "BIC-best");
                    am_llm_fit(t, &res[ai].model, 1, &fa, err);
                    add_llm(r, &res[ai].model, &fa, "AIC-best");
                    double lo = fmin(fa.N, fb.N);
                    if (fabs(fa.N - fb.N) > 0.1 * lo) {
                        char an[96], bn[96];
                        am_llm_model_name(&res[ai].model, an, sizeof(an));
                        am_llm_model_name(&res[bi].model, bn, sizeof(bn));
                        warn(r, "model choice swings the answer: AIC picks %s (N = %.0f), BIC "
                             "picks %s (N = %.0f), %.0f%% apart",
                             an, fa.N, bn, fb.N, 100 * fabs(fa.N - fb.N) / lo);
                    }
                }
                am_free(res);
            }
        }
        dependence_warnings(t, r);
    }

    if (o->methods & AM_MSE_LCMCR) {
        if (k < 3) {
            warn(r, "LCMCR left out: it needs at least 3 lists");
        } else {
            if (am_lcmcr_run(t, &o->lcmcr, &r->lcmcr, err) != 0) {
                if (err->code != AM_EINPUT) {
                    am_mse_report_release(r);
                    return -1;
                }
                warn(r, "LCMCR left out: %s", err->msg);
                am_err_clear(err);
                goto dga;
            }
            r->have_lcmcr = 1;
            char model[32];
            snprintf(model, sizeof(model), "K=%d", o->lcmcr.K);
            const struct am_mse_summary *sm = &r->lcmcr.summary;
            add_posterior(r, "lcmcr", model, "", sm->median, sm->lo, sm->hi, sm->mean, sm->sd);
            if (r->lcmcr.summary.ess < 200)
                warn(r, "the LCMCR chain is short for its mixing (effective sample size %.0f): "
                     "run more iterations before trusting the interval's ends",
                     r->lcmcr.summary.ess);
        }
    }

dga:
    if (o->methods & AM_MSE_DGA) {
        if (k < 3 || k > 5) {
            warn(r, "dga left out: it averages over graphs of 3 to 5 lists");
        } else {
            if (am_dga_run(t, 0, 0, &r->dga, err) != 0) {
                /* a grid too large for the people seen: leave dga out, say why */
                warn(r, "dga left out: %s", err->msg);
                am_err_clear(err);
                return 0;
            }
            r->have_dga = 1;
            char model[32];
            snprintf(model, sizeof(model), "%d graphs", r->dga.ngraphs);
            add_posterior(r, "dga", model, "", r->dga.median, r->dga.lo, r->dga.hi, r->dga.mean,
                          NAN);
            if (r->dga.tail_mass > 1e-3)
                warn(r, "the dga posterior has a heavy tail (%.2g of its mass in the last 1%% "
                     "of the range): the upper bound depends on the range",
                     r->dga.tail_mass);
        }
    }
    return 0;
}

void am_mse_report_release(struct am_mse_report *r)
{
    if (!r)
        return;
    AM_VEC_FREE(&r->estimates);
    for (size_t i = 0; i < r->warnings.n; i++)
        am_free(r->warnings.v[i]);
    AM_VEC_FREE(&r->warnings);
    if (r->have_lcmcr)
        am_lcmcr_result_release(&r->lcmcr);
    if (r->have_dga)
        am_dga_result_release(&r->dga);
    r->have_lcmcr = r->have_dga = 0;
}

/* The log-linear estimate a stratum contributes to a total: chosen, else BIC-best. */
static const struct am_mse_estimate *llm_pick(const struct am_mse_report *r)
{
    const struct am_mse_estimate *best = NULL;
    for (size_t i = 0; i < r->estimates.n; i++) {
        const struct am_mse_estimate *e = &r->estimates.v[i];
        if (strcmp(e->method, "loglinear") != 0)
            continue;
        if (strcmp(e->role, "chosen") == 0 || strcmp(e->role, "BIC-best") == 0)
            return e;
        if (!best)
            best = e; /* independence, when nothing else was fitted */
    }
    return best;
}

int am_mse_report_total(const struct am_mse_report *strata, size_t n, unsigned long seed,
                        struct am_mse_report *total, struct am_err *err)
{
    memset(total, 0, sizeof(*total));
    if (n == 0)
        return AM_FAIL(err, AM_EINPUT, "no strata to add up");
    total->table = strata[0].table;
    for (size_t s = 1; s < n; s++) {
        if (strata[s].table.k != total->table.k)
            return AM_FAIL(err, AM_EINTERNAL, "strata with different numbers of lists");
        for (int c = 1; c < (1 << total->table.k); c++)
            total->table.count[c] += strata[s].table.count[c];
    }
    am_mse_table_total(&total->table);

    /* log-linear: sum of the strata's estimates, variances added */
    int all_llm = 1, all_exist = 1;
    double sumN = 0, var = 0;
    for (size_t s = 0; s < n; s++) {
        const struct am_mse_estimate *e = llm_pick(&strata[s]);
        if (!e) {
            all_llm = 0;
            break;
        }
        all_exist &= e->exists;
        sumN += e->N;
        var += e->se * e->se;
    }
    if (all_llm) {
        struct am_mse_estimate e;
        memset(&e, 0, sizeof(e));
        snprintf(e.method, sizeof(e.method), "loglinear");
        snprintf(e.model, sizeof(e.model), "sum of %zu strata", n);
        snprintf(e.role, sizeof(e.role), "strata total");
        snprintf(e.interval, sizeof(e.interval), "Wald");
        e.exists = all_exist;
        e.N = sumN;
        e.se = sqrt(var);
        /* no fewer than the people seen: a symmetric interval can reach below them */
        e.lo = fmax(sumN - 1.959963984540054 * e.se, total->table.n);
        e.hi = sumN + 1.959963984540054 * e.se;
        e.mean = e.aic = e.bic = NAN;
        AM_VEC_PUSH(&total->estimates, e);
        if (!all_exist)
            warn(total, "a stratum's log-linear estimate does not exist, so neither does the "
                 "total's");
    }

    /* Bayesian methods: sum the draws of each iteration */
    int all_lcmcr = 1;
    size_t nd = 0;
    for (size_t s = 0; s < n; s++) {
        if (!strata[s].have_lcmcr || (s > 0 && strata[s].lcmcr.ndraws != nd)) {
            all_lcmcr = 0;
            break;
        }
        nd = strata[s].lcmcr.ndraws;
    }
    if (all_lcmcr && nd > 0) {
        total->have_lcmcr = 1;
        total->lcmcr.settings = strata[0].lcmcr.settings;
        total->lcmcr.rng = strata[0].lcmcr.rng;
        total->lcmcr.draws = am_calloc(nd, sizeof(double));
        total->lcmcr.ndraws = nd;
        for (size_t s = 0; s < n; s++) {
            for (size_t i = 0; i < nd; i++)
                total->lcmcr.draws[i] += strata[s].lcmcr.draws[i];
            total->lcmcr.seconds += strata[s].lcmcr.seconds;
            total->lcmcr.iterations += strata[s].lcmcr.iterations;
        }
        am_mse_summarize(total->lcmcr.draws, nd, &total->lcmcr.summary);
        char model[48];
        snprintf(model, sizeof(model), "sum of %zu strata", n);
        const struct am_mse_summary *sm = &total->lcmcr.summary;
        add_posterior(total, "lcmcr", model, "strata total", sm->median, sm->lo, sm->hi,
                      sm->mean, sm->sd);
    }
    int all_dga = 1;
    for (size_t s = 0; s < n; s++)
        all_dga &= strata[s].have_dga;
    if (all_dga) {
        size_t ndraws = nd > 0 ? nd : 10000;
        double *sum = am_calloc(ndraws, sizeof(double));
        double *one = am_malloc(ndraws * sizeof(double));
        for (size_t s = 0; s < n; s++) {
            am_dga_sample(&strata[s].dga, strata[s].table.n, seed + s, one, ndraws);
            for (size_t i = 0; i < ndraws; i++)
                sum[i] += one[i];
        }
        struct am_mse_summary sm;
        am_mse_summarize(sum, ndraws, &sm);
        char model[48];
        snprintf(model, sizeof(model), "sum of %zu strata", n);
        add_posterior(total, "dga", model, "strata total", sm.median, sm.lo, sm.hi, sm.mean,
                      sm.sd);
        am_free(sum);
        am_free(one);
    }
    return 0;
}
