/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The groups of test_laws: scenarios, parser errors, evaluator units, registry. Each
 * group returns the number of failed tests, as cmocka_run_group_tests does.
 */
#ifndef AMNISTIA_LAWS_TESTS_H
#define AMNISTIA_LAWS_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

int am_test_scenarios(void);
int am_test_parse(void);
int am_test_eval(void);
int am_test_registry(void);
int am_test_explain_cmd(void);

#endif
