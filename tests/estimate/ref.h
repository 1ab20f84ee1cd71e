/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Test helpers for tests/estimate/: loading the reference vectors of tests/vectors/mse/
 * (the capture tables and R's reference.csv) so that each test file can compare against
 * them. Not part of the program.
 */
#ifndef AM_TEST_ESTIMATE_REF_H
#define AM_TEST_ESTIMATE_REF_H

#include "amnistia/estimate.h"

#define REF_MAX_FIELDS 16

/* One row of reference.csv (or lcmcr_long_runs.csv): fields as strings. */
struct ref_row {
    int nf;
    char *f[REF_MAX_FIELDS];
};

/* Reads a CSV file with quoted fields under tests/vectors/mse/; rows[0] is the header. */
struct ref_row *ref_read(const char *name, size_t *nrows);
void ref_free(struct ref_row *rows, size_t nrows);
/* Loads tests/vectors/mse/NAME.csv as a capture table (fails the test on error). */
void ref_table(const char *name, struct am_mse_table *t);
/* Relative difference |a-b|/|b|. */
double rel(double a, double b);
/* Parses a field as a double ("NA" gives NAN). */
double num(const char *s);
/* Finds "key=value" in a note field; NAN when absent. */
double note_value(const char *note, const char *key);

#endif
