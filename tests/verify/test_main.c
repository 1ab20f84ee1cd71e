/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The verify/ test executable: runs the groups of each test file (audit, compare,
 * reconcile, flow) and fails when any group fails.
 */
#include "verify/groups.h"

int main(void)
{
    int failed = 0;
    failed += am_test_audit();
    failed += am_test_match();
    failed += am_test_compare();
    failed += am_test_reconcile();
    failed += am_test_flow();
    failed += am_test_cli();
    return failed ? 1 : 0;
}
