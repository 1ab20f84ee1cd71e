/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The test groups of tests/estimate/, one per file; each returns its failure count. */
#ifndef AM_TEST_ESTIMATE_GROUPS_H
#define AM_TEST_ESTIMATE_GROUPS_H

int run_table_tests(void);
int run_loglinear_tests(void);
int run_dga_tests(void);
int run_lcmcr_tests(void);
int run_draws_tests(void);
int run_histories_tests(void);

#endif
