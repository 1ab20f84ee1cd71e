/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Test fixtures for linking: temporary registries, records, a synthetic population. */
#ifndef AMNISTIA_TEST_LINK_FIXTURE_H
#define AMNISTIA_TEST_LINK_FIXTURE_H

#include "amnistia/core.h"
#include "amnistia/store.h"

struct fx_rec {
    const char *list_id, *given, *surnames, *full, *cedula, *sex, *birth, *state, *facility;
    const char *sensitivity;
    const char *arrest; /* arrest date as written, NULL when none */
};

struct am_store *fx_open(char *path, size_t n, const char *name);
void fx_remove(const char *path);
int64_t fx_snapshot(struct am_store *s, const char *source);
/* Inserts a record as import would (own person, one event); returns the record id. */
int64_t fx_record(struct am_store *s, int64_t snapshot, const struct fx_rec *r);
int64_t fx_person_of(struct am_store *s, int64_t record);
int64_t fx_scalar(struct am_store *s, const char *sql, int64_t arg);

struct fx_person {
    char given1[32], given2[32], sur1[32], sur2[32], cedula[16], birth[40], arrest[16];
    const char *sex, *state;
};
struct fx_listed {
    int64_t record, truth;
};
struct fx_population {
    struct fx_person *people;
    size_t n_persons;
    struct fx_listed *listed;
    size_t n_listed, cap_listed;
};
void fx_population(struct fx_population *pop, size_t persons, uint64_t seed);
void fx_population_release(struct fx_population *pop);
/* Lists a share `coverage` of the population with errors at rate `error`. */
int fx_list(struct fx_population *pop, struct am_store *store, const char *source, double coverage,
            double error, uint64_t seed);
/* Pairwise precision and recall of the registry's linkage against the truth. */
void fx_pairwise(struct fx_population *pop, struct am_store *store, double *precision,
                 double *recall);

#endif
