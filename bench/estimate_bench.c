/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Speed of the estimate module, printed (never asserted): LCMCR microseconds per Gibbs
 * iteration on 3, 4 and 5 lists at K = 10 (hav_taiwan, kosovo, and a synthetic 5-list
 * table of 5,000 people), the log-linear model search for 5 lists, and dga for 5 lists.
 * Run by bench/estimate.sh on a Release build. Times are CPU time of this process.
 */
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "amnistia/estimate.h"

/* CPU time of this process: the machine is shared, so wall time would count others' work. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* 5,000 people in two latent classes seen by 5 lists (fixed seed). */
static void five_lists(struct am_mse_table *t)
{
    memset(t, 0, sizeof(*t));
    t->k = 5;
    for (int j = 0; j < 5; j++)
        snprintf(t->names[j], sizeof(t->names[j]), "L%d", j + 1);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 5);
    static const double p[2][5] = {{0.15, 0.2, 0.25, 0.1, 0.3}, {0.5, 0.6, 0.4, 0.7, 0.55}};
    for (int i = 0; i < 8000; i++) {
        int c = gsl_rng_uniform(rng) < 0.5;
        unsigned pat = 0;
        for (int j = 0; j < 5; j++)
            if (gsl_rng_uniform(rng) < p[c][j])
                pat |= 1u << j;
        t->count[pat] += 1;
    }
    gsl_rng_free(rng);
    am_mse_table_total(t);
}

static int load(const char *dir, const char *name, struct am_mse_table *t)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s.csv", dir, name);
    struct am_err err = AM_ERR_INIT;
    if (am_mse_table_load(path, t, &err) != 0) {
        am_err_print(&err, stderr);
        return -1;
    }
    return 0;
}

static void lcmcr(const char *what, const struct am_mse_table *t, double r_us)
{
    struct am_lcmcr_settings s;
    am_lcmcr_settings_default(&s);
    s.burnin = 20000;
    s.samples = 10000;
    s.thinning = 10; /* 120,000 iterations */
    struct am_lcmcr_result r;
    struct am_err err = AM_ERR_INIT;
    double t0 = now();
    if (am_lcmcr_run(t, &s, &r, &err) != 0) {
        am_err_print(&err, stderr);
        return;
    }
    double us = (now() - t0) * 1e6 / (double)r.iterations;
    printf("lcmcr %-12s %d lists, n=%5.0f, K=10: %6.2f us/iteration (R LCMCR ~%g us: %.1fx; "
           "target <= %.1f us, 10x: %s)  median %.0f, RNG %s\n",
           what, t->k, t->n, us, r_us, r_us / us, r_us / 10, us <= r_us / 10 ? "met" : "not met",
           r.summary.median, r.rng);
    am_lcmcr_result_release(&r);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/vectors/mse";
    struct am_mse_table hav, kos, five;
    if (load(dir, "hav_taiwan", &hav) || load(dir, "kosovo", &kos))
        return 1;
    five_lists(&five);
    lcmcr("hav_taiwan", &hav, 8);
    lcmcr("kosovo", &kos, 13);
    lcmcr("synthetic", &five, 13);

    struct am_err err = AM_ERR_INIT;
    double t0 = now();
    size_t n;
    long ai, bi;
    struct am_llm_ranked *res = am_llm_search(&five, 2, &n, &ai, &bi, &err);
    double t1 = now();
    if (!res) {
        am_err_print(&err, stderr);
        return 1;
    }
    char name[96];
    am_llm_model_name(&res[bi].model, name, sizeof(name));
    printf("loglinear search, 5 lists, %zu models up to two-way terms: %.3f s (R Rcapture "
           "3.5 s: %.0fx), BIC-best %s\n",
           n, t1 - t0, 3.5 / (t1 - t0), name);
    am_free(res);

    t0 = now();
    struct am_dga_result d;
    if (am_dga_run(&five, 0, 0, &d, &err) != 0) {
        am_err_print(&err, stderr);
        return 1;
    }
    t1 = now();
    printf("dga, 5 lists, %d graphs, N grid of %ld: %.3f s, median %.0f\n", d.ngraphs,
           d.nmax + 1, t1 - t0, d.median);
    am_dga_result_release(&d);
    return 0;
}
