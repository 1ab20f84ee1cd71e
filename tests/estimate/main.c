/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The estimate test executable: runs each group (tables, log-linear, dga, LCMCR,
 * histories from the registry) declared in groups.h. Each group lives in its own file.
 */
#include "groups.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

int main(void)
{
    int failed = 0;
    failed += run_table_tests();
    failed += run_loglinear_tests();
    failed += run_dga_tests();
    failed += run_draws_tests();
    failed += run_lcmcr_tests();
    failed += run_histories_tests();
    return failed ? 1 : 0;
}
