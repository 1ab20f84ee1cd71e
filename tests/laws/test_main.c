/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_laws: runs every group of the law module's tests (scenarios, parser errors,
 * evaluator units, registry). The exit status is non-zero when any group fails.
 */
#include "laws_tests.h"

int main(void)
{
    int failed = 0;
    failed += am_test_scenarios();
    failed += am_test_parse();
    failed += am_test_eval();
    failed += am_test_registry();
    failed += am_test_explain_cmd();
    return failed ? 1 : 0;
}
