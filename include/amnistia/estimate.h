/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * estimate: multiple systems estimation — how many people no list has found. It reads
 * capture histories (from a plain table or from the registry's linked persons) and fits
 * three families of models: log-linear Poisson models (as R's Rcapture), the Bayesian
 * latent-class model LCMCR (Manrique-Vallier 2016) and Bayesian model averaging over
 * decomposable graphs (Madigan & York 1997, as R's dga). It prints nothing: the command
 * formats what these functions return.
 */
#ifndef AMNISTIA_ESTIMATE_H
#define AMNISTIA_ESTIMATE_H

#include <stdint.h>

#include "amnistia/core.h"
#include "amnistia/store.h"

/* ---- capture histories ------------------------------------------------------------ */

#define AM_MSE_MAX_LISTS 6
#define AM_MSE_MAX_CELLS (1 << AM_MSE_MAX_LISTS)
#define AM_MSE_NAME_MAX 64

/*
 * A 2^k contingency table of capture histories. Cell index = capture pattern: bit j is
 * set when list j (0-based, in column order) saw the person. count[0], the people no list
 * saw, is what we estimate and is always 0 here.
 */
struct am_mse_table {
    int k;                                             /* lists, 2..6 */
    char names[AM_MSE_MAX_LISTS][AM_MSE_NAME_MAX];     /* list names (table header) */
    double count[AM_MSE_MAX_CELLS];
    double n;                                          /* people seen: sum of counts */
};

/*
 * Parses a capture-history table: a header with one column per list then `count`, and
 * one row per pattern of 0/1 values then a non-negative whole count. Patterns left out
 * count 0; a pattern given twice, the all-zero pattern, a value other than 0/1, a bad
 * count, fewer than 2 or more than 6 lists are AM_EINPUT with file, line and column.
 * CRLF line ends and a UTF-8 BOM are accepted; blank lines are skipped. `file` names the
 * input in messages.
 */
int am_mse_table_parse(const char *text, size_t len, const char *file, struct am_mse_table *t,
                       struct am_err *err);
/* Reads and parses a table file (AM_EIO when it cannot be read). */
int am_mse_table_load(const char *path, struct am_mse_table *t, struct am_err *err);
/* Sets n from the counts; call after filling count[] by hand. */
void am_mse_table_total(struct am_mse_table *t);

/* ---- capture histories from the registry ------------------------------------------- */

/*
 * The closed population to count. `detained-on:DATE`: people whose status derived from
 * their events (am_status_derive with as_of DATE) is detained or disappeared on DATE.
 * `period:FROM..TO`: people with an arrest or re-arrest dated from FROM to TO inclusive.
 * ALL (no --population): every linked person, which is rarely a closed population.
 */
enum am_mse_population_kind { AM_MSE_POP_ALL, AM_MSE_POP_DETAINED_ON, AM_MSE_POP_PERIOD };
struct am_mse_population {
    enum am_mse_population_kind kind;
    char from[11], to[11]; /* YYYY-MM-DD; detained-on uses from */
};
/* Parses "detained-on:YYYY-MM-DD" or "period:YYYY-MM-DD..YYYY-MM-DD"; AM_EUSAGE when bad. */
int am_mse_population_parse(const char *spec, struct am_mse_population *p, struct am_err *err);

/*
 * Strata: the person's state (most frequent among their records), period (year of the
 * arrest that puts them in the population), sex, category (most frequent recorded
 * category); "unknown" when the registry does not say.
 */
enum am_mse_stratum { AM_MSE_BY_NONE, AM_MSE_BY_STATE, AM_MSE_BY_PERIOD, AM_MSE_BY_SEX,
                      AM_MSE_BY_CATEGORY };
/* "state", "period", "sex", "category"; AM_EUSAGE otherwise. */
int am_mse_stratum_parse(const char *name, enum am_mse_stratum *by, struct am_err *err);

struct am_mse_histories {
    struct am_mse_table all;        /* everyone in the population */
    size_t nstrata;                 /* 0 without --by */
    char **labels;                  /* stratum names, sorted */
    struct am_mse_table *strata;
    long persons_outside;           /* linked persons left out by the population */
};
/*
 * Builds capture histories from linked persons: a person is seen by a source when at
 * least one of their records comes from a snapshot of that source. `sources` is a
 * comma-separated list of source names (2 to 6; their order is the lists' order) or NULL
 * for every source (then there must be 2 to 6). AM_EINPUT for an unknown source name or a
 * wrong number of sources; AM_EDB on database errors. Release with
 * am_mse_histories_release.
 */
int am_mse_histories_load(struct am_store *store, const char *sources,
                          const struct am_mse_population *pop, enum am_mse_stratum by,
                          struct am_mse_histories *h, struct am_err *err);
void am_mse_histories_release(struct am_mse_histories *h);

/* ---- posterior summaries ---------------------------------------------------------- */

/* A posterior sample of N summarised as R does: quantiles of type 7 (interpolated). */
struct am_mse_summary {
    double median, mean, lo, hi; /* lo, hi: 2.5% and 97.5% quantiles */
    double sd;
    double ess;                  /* effective sample size (Geyer's initial positive sequence) */
};
/* Summarises n draws (n >= 1); draws are not modified. */
void am_mse_summarize(const double *draws, size_t n, struct am_mse_summary *s);
/* The q-quantile (0..1) of n draws, type 7; `sorted` must be in ascending order. */
double am_mse_quantile(const double *sorted, size_t n, double q);
/* Writes draws one per line ("N\n") to path; AM_EIO on failure. */
int am_mse_draws_write(const char *path, const double *draws, size_t n, struct am_err *err);

/* ---- log-linear models (Rcapture) ------------------------------------------------- */

/*
 * A hierarchical log-linear model: the interaction terms it holds (bit masks of two or
 * more lists), closed downwards (every sub-term of a term is in). Main effects and the
 * intercept are always in and are not listed. The k-way term is never allowed: it is
 * confounded with the unobserved cell.
 */
struct am_llm_model {
    int k;
    int nterms;
    uint8_t terms[AM_MSE_MAX_CELLS];
    /* Rcapture's closedp.t designs: `m0` replaces the k main effects by one column, the
     * number of lists that saw the cell (f); `hetero` adds a heterogeneity column h(f). */
    int m0;
    enum am_llm_hetero {
        AM_LLM_HET_NONE,
        AM_LLM_HET_POISSON2, /* h(f) = 2^f - 1 */
        AM_LLM_HET_DARROCH,  /* h(f) = f^2 / 2 */
        AM_LLM_HET_GAMMA35,  /* h(f) = -log(3.5 + f) + log(3.5) */
        AM_LLM_HET_CHAO,     /* Chao's lower bound: columns (f - j + 1)+ for j = 3..k whose
                              * coefficients are not negative (the others are dropped) */
    } hetero;
    unsigned chao_drop;      /* Chao columns dropped by the fit (bit j for column j) */
    /* Rcapture's behavioural-response models, which read the lists as capture occasions in
     * their column order (list 1 first): columns f0 (occasions before the first capture)
     * and f - 1 (captures after the first); Mbh adds 1 - x1 (not seen by list 1). N̂ and
     * its standard error come from Rcapture's closed forms, not from n + exp(β0). */
    enum am_llm_behaviour {
        AM_LLM_BEH_NONE,
        AM_LLM_BEH_MB,  /* "Mb" */
        AM_LLM_BEH_MBH, /* "Mbh" */
    } behaviour;
};

/*
 * Parses Rcapture's bracket notation for k lists: "[123,14,34]", "[12,3]", "[1,2,3]";
 * "independence" (or "[]") is the model with main effects only. Lists are the digits 1..k.
 * Also Rcapture's closedp.t names: "M0", "Mt", "Mh Chao (LB)", "Mh Poisson2", "Mh Darroch",
 * "Mh Gamma3.5", the same with "Mth", and "Mb", "Mbh" (behavioural response: only meaningful
 * when the lists' column order is their order in time).
 * The model is closed hierarchically ([123] brings in 12, 13, 23). Bad digits, a repeated
 * digit in a term, a missing list, the k-way term or junk are AM_EINPUT with the column
 * (file "model").
 */
int am_llm_model_parse(const char *spec, int k, struct am_llm_model *m, struct am_err *err);
/* Writes the model's name in Rcapture's notation: its generators, highest order first. */
void am_llm_model_name(const struct am_llm_model *m, char *out, size_t size);
/* Adds one interaction term and everything under it (no check; for enumeration). */
void am_llm_model_add(struct am_llm_model *m, unsigned term);
/* 1 when the model holds the term. */
int am_llm_model_has(const struct am_llm_model *m, unsigned term);

enum am_llm_status {
    AM_LLM_OK = 0,          /* the estimate exists */
    AM_LLM_NOT_EXIST,       /* the MLE is on the boundary: N̂ infinite or undefined */
    AM_LLM_NO_CONVERGENCE,  /* IRLS did not converge */
    AM_LLM_BELOW_SEEN,      /* N̂ (Mb, Mbh closed forms) is below the number of people seen */
};

struct am_llm_fit {
    enum am_llm_status status;
    int params;       /* parameters, intercept included */
    int df;           /* observed cells minus parameters; 0 = nothing left to test the fit */
    int iterations;
    double N, n0, se; /* Poisson MLE: N̂ = n + exp(β0); se by the delta method (Rcapture);
                       * Mb, Mbh: Rcapture's closed forms, n0 = N̂ - n */
    double wald_lo, wald_hi;
    double lognormal_lo, lognormal_hi; /* Chao (1987) log-normal interval; NaN if n0 <= 0 */
    /* Profile likelihood over the unobserved cell (multinomial, as Rcapture's closedpCI):
     * prof_N is the multinomial MLE; a bound that does not exist is +/-INFINITY. Not for
     * Mb and Mbh, whose designs have no row for the unobserved cell (Rcapture has none). */
    double prof_N, prof_lo, prof_hi;
    int profile_done;
    double deviance, loglik, aic, bic;
    /* Coefficients: intercept, the k main effects, then the model's terms in its order. */
    double coef[1 + AM_MSE_MAX_LISTS + AM_MSE_MAX_CELLS];
};

/*
 * Fits the model to the table's 2^k - 1 observed cells by IRLS. Returns 0 with the fit
 * (fit->status tells whether the estimate exists; the profile interval is computed when
 * `profile` is non-zero and the estimate exists). AM_EINPUT when the model is for another
 * number of lists or has more parameters than observed cells, or the table is empty.
 */
int am_llm_fit(const struct am_mse_table *t, const struct am_llm_model *m, int profile,
               struct am_llm_fit *fit, struct am_err *err);

/*
 * Every hierarchical model with all main effects and terms of order 2..maxorder (maxorder
 * 2 or 3, and below k): 2^C(k,2) models for maxorder 2. Returns a new array of *count
 * models (caller frees with am_free), NULL with AM_EUSAGE for a bad maxorder or k.
 */
struct am_llm_model *am_llm_models(int k, int maxorder, size_t *count, struct am_err *err);

struct am_llm_ranked {
    struct am_llm_model model;
    struct am_llm_fit fit;
};
/*
 * Fits every model of am_llm_models (without profile intervals) and returns them in a new
 * array (caller frees), in enumeration order. *aic_best / *bic_best receive the index of
 * the model with the smallest AIC / BIC among those whose estimate exists (-1 if none).
 */
struct am_llm_ranked *am_llm_search(const struct am_mse_table *t, int maxorder, size_t *count,
                                    long *aic_best, long *bic_best, struct am_err *err);

/* ---- LCMCR: latent classes with a Dirichlet-process prior ------------------------- */

struct am_lcmcr_settings {
    int K;                 /* latent classes (truncation), default 10 */
    long burnin;           /* iterations discarded, default 10000 */
    long samples;          /* draws kept, default 10000 */
    long thinning;         /* iterations per kept draw, default 10 */
    unsigned long seed;    /* seed of the generator (xoshiro256+ as a gsl_rng), default 20250101 */
    double a_alpha, b_alpha; /* Gamma prior of the concentration, default 0.25, 0.25 */
};
void am_lcmcr_settings_default(struct am_lcmcr_settings *s);

struct am_lcmcr_result {
    struct am_lcmcr_settings settings;
    double *draws;       /* samples draws of N (caller releases with am_lcmcr_result_release) */
    size_t ndraws;
    struct am_mse_summary summary;
    double seconds;      /* wall time of the sampler */
    long iterations;     /* burnin + samples * thinning */
    const char *rng;     /* name of the gsl_rng type drawn from (static string) */
};
/*
 * Runs the Gibbs sampler of Manrique-Vallier (2016) over the table's cells: class counts
 * per cell by multinomial draws, the unobserved cell by a negative binomial draw given the
 * probability of being missed (prior on N proportional to 1/N), capture probabilities
 * ~ Beta(1,1) a priori, stick-breaking weights, concentration alpha ~ Gamma(a, b).
 * AM_EUSAGE for bad settings, AM_EINPUT for fewer than 3 lists or an empty table.
 */
int am_lcmcr_run(const struct am_mse_table *t, const struct am_lcmcr_settings *s,
                 struct am_lcmcr_result *r, struct am_err *err);
void am_lcmcr_result_release(struct am_lcmcr_result *r);

/* ---- dga: model averaging over decomposable graphs -------------------------------- */

struct am_dga_result {
    int k;
    double delta;     /* hyper-Dirichlet prior count per cell (default 2^-k) */
    long nmax;        /* grid: N = n + 0 .. n + nmax */
    double *post;     /* nmax + 1 posterior probabilities of N = n + i */
    int ngraphs;      /* decomposable graphs on k lists */
    double *graph_weight; /* posterior probability of each graph */
    uint16_t *graph_edges; /* edge bits of each graph (bit of pair (i,j) as in am_dga_edge_bit) */
    int top_graph;
    double median, mean, lo, hi, mode;
    double tail_mass; /* posterior mass in the last 1% of the grid: should be ~0 */
};
/*
 * Exact Bayesian model averaging over all decomposable graphical models of the k lists
 * (3..5), with a hyper-Dirichlet prior (delta per cell; delta <= 0 means dga's default
 * 2^-k), a prior on N proportional to 1/N and equal prior model weights, for N from n to
 * n + nmax (nmax <= 0: chosen so that the tail is negligible). Release with
 * am_dga_result_release. AM_EINPUT for fewer than 3 or more than 5 lists.
 */
int am_dga_run(const struct am_mse_table *t, double delta, long nmax, struct am_dga_result *r,
               struct am_err *err);
void am_dga_result_release(struct am_dga_result *r);
/* The bit of the edge between lists i < j in a graph's edge set. */
int am_dga_edge_bit(int k, int i, int j);
/* Writes a graph as its cliques in bracket notation, e.g. "[12,34]". */
void am_dga_graph_name(int k, unsigned edges, char *out, size_t size);
/* Draws n values of N from the dga posterior (for combining strata). */
void am_dga_sample(const struct am_dga_result *r, double n_seen, unsigned long seed, double *out,
                   size_t n);

/* ---- estimates side by side, with warnings ---------------------------------------- */

enum { AM_MSE_LOGLINEAR = 1, AM_MSE_LCMCR = 2, AM_MSE_DGA = 4, AM_MSE_ALL = 7 };

struct am_mse_options {
    unsigned methods;     /* AM_MSE_* bits */
    const char *model;    /* log-linear model in bracket notation; NULL: search by AIC/BIC */
    struct am_lcmcr_settings lcmcr;
    long min_people;      /* fewer people seen than this is "too small" (default 50) */
};
void am_mse_options_default(struct am_mse_options *o);

/* One estimate: a method, a model or its settings, N and a 95% interval. */
struct am_mse_estimate {
    char method[16];      /* "loglinear", "lcmcr", "dga" */
    char model[96];       /* "[123,14,34]", "K=10", "822 graphs" */
    char role[24];        /* "independence", "AIC-best", "BIC-best", "chosen", "" */
    char interval[32];    /* "profile likelihood", "credible (equal-tail)" */
    double N, lo, hi;     /* point (MLE or posterior median) and 95% bounds */
    double se, mean;      /* se for log-linear; posterior mean for Bayesian methods */
    double aic, bic;
    int df;
    int exists;           /* 0 when the estimate does not exist (log-linear) */
    /* log-linear only: the Wald interval, and the multinomial MLE at the profile's peak */
    double wald_lo, wald_hi, profile_mle;
};

/*
 * Everything `amnistia estimate` shows for one table: the estimates of the chosen methods
 * and plain warnings (only two lists, sparse cells, too few people, an estimate that does
 * not exist, strong dependence between two lists, AIC and BIC far apart, a short chain).
 * LCMCR draws and the dga posterior are kept for combining strata.
 */
struct am_mse_report {
    struct am_mse_table table;
    AM_VEC(struct am_mse_estimate) estimates;
    AM_VEC(char *) warnings;
    int have_lcmcr, have_dga;
    struct am_lcmcr_result lcmcr;
    struct am_dga_result dga;
    int maxorder;           /* of the model search, 0 when a model was given */
    size_t models_searched;
};
/*
 * Runs the methods of o on t into r (release with am_mse_report_release). A method that
 * cannot apply to the table (LCMCR or dga with 2 lists, dga with 6) is left out with a
 * warning, not an error. AM_EINPUT for a bad --model; errors of the methods pass through.
 */
int am_mse_report_run(const struct am_mse_table *t, const struct am_mse_options *o,
                      struct am_mse_report *r, struct am_err *err);
void am_mse_report_release(struct am_mse_report *r);

/*
 * The total over strata: LCMCR and dga posteriors are combined by summing draws per
 * iteration (dga draws are sampled from each stratum's posterior with seed), so the total
 * carries every stratum's uncertainty; log-linear totals sum the BIC-best (or chosen)
 * estimates and combine their standard errors as independent (Wald interval). The total's
 * table is the sum of the strata's tables.
 */
int am_mse_report_total(const struct am_mse_report *strata, size_t n, unsigned long seed,
                        struct am_mse_report *total, struct am_err *err);

#endif
