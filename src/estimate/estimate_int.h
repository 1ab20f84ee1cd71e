/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to the estimate module: the exact random draws of the LCMCR sampler (lcmcr.c),
 * exposed so that tests/estimate can check each against its exact distribution. A
 * generator here is the sampler's own: xoshiro256+ as a gsl_rng type, seeded like
 * am_lcmcr_run. Not part of the public API.
 */
#ifndef AM_ESTIMATE_INT_H
#define AM_ESTIMATE_INT_H

#include <stdint.h>

struct am__lcmcr_draws;

/* A generator with its tables, seeded; released with am__lcmcr_draws_free (NULL is fine). */
struct am__lcmcr_draws *am__lcmcr_draws_new(unsigned long seed);
void am__lcmcr_draws_free(struct am__lcmcr_draws *d);
/* Standard normal (the sampler's inline ziggurat). */
double am__lcmcr_normal(struct am__lcmcr_draws *d);
/* Binomial(n, p), Poisson(mu), Gamma(a, 1), Beta(a, b) for whole a, b >= 1. */
uint64_t am__lcmcr_binom(struct am__lcmcr_draws *d, uint64_t n, double p);
uint64_t am__lcmcr_poisson(struct am__lcmcr_draws *d, double mu);
double am__lcmcr_gamma(struct am__lcmcr_draws *d, double a);
double am__lcmcr_beta(struct am__lcmcr_draws *d, uint64_t a, uint64_t b);
/*
 * Multinomial split of count over K (<= 64) classes with unnormalised probabilities w,
 * visiting classes in `order` (a permutation of 0..K-1); out receives K counts.
 */
void am__lcmcr_split(struct am__lcmcr_draws *d, int K, const int *order, const double *w,
                     uint64_t count, uint64_t *out);
/*
 * The same for ncells (1 to 65) cells at once, as the sweep does it (the binomials run
 * class by class across the cells): w and out hold ncells rows of K.
 */
void am__lcmcr_split_cells(struct am__lcmcr_draws *d, int K, const int *order, int ncells,
                           const double *w, const uint64_t *counts, uint64_t *out);

#endif
