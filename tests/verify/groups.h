/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The test groups of tests/verify/, one per file; each returns its number of failures. */
#ifndef AM_TEST_VERIFY_GROUPS_H
#define AM_TEST_VERIFY_GROUPS_H

int am_test_audit(void);
int am_test_match(void);
int am_test_compare(void);
int am_test_reconcile(void);
int am_test_flow(void);
int am_test_cli(void);

#endif
