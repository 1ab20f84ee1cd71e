/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The facts API tests of test_facts.c, declared for test_registry.c's main (one cmocka
 * executable per test directory).
 */
#ifndef AM_TESTS_REGISTRY_FACTS_TESTS_H
#define AM_TESTS_REGISTRY_FACTS_TESTS_H

void am_test_facts_derived(void **state);
void am_test_facts_manual_event(void **state);
void am_test_facts_upgrade(void **state);

#endif
