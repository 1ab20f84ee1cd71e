/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Status derivation as publishing relies on it (registry.h's contract): latest event with
 * an effect wins by date, then rank, then record order; undated events count only when
 * nothing is dated; as_of cuts later events; incommunicado; names round-trip.
 */
#include "tests.h"

#include "amnistia/registry.h"

static enum am_status derive(const struct am_event_fact *ev, size_t n, const char *as_of, int *inc)
{
    return am_status_derive(ev, n, as_of, inc);
}

static void test_derive(void **state)
{
    (void)state;
    int inc = -1;
    assert_int_equal(derive(NULL, 0, NULL, &inc), AM_STATUS_UNKNOWN);
    assert_int_equal(inc, 0);
    struct am_event_fact a[] = {{AM_EV_ARREST, "2025-01-01", 1},
                                {AM_EV_CHARGE, "2025-02-01", 2},
                                {AM_EV_RELEASE, "2025-03-01", 3}};
    assert_int_equal(derive(a, 3, NULL, &inc), AM_STATUS_RELEASED);
    /* as_of before the release. */
    assert_int_equal(derive(a, 3, "2025-02-15", &inc), AM_STATUS_DETAINED);
    /* A charge changes no status. */
    assert_int_equal(derive(a, 2, NULL, &inc), AM_STATUS_DETAINED);
    /* Same day: the arrest (rank 10) before the release (rank 43), whatever the order. */
    struct am_event_fact same[] = {{AM_EV_RELEASE, "2025-05-05", 1},
                                   {AM_EV_ARREST, "2025-05-05", 2}};
    assert_int_equal(derive(same, 2, NULL, &inc), AM_STATUS_RELEASED);
    /* Undated events count only when nothing is dated. */
    struct am_event_fact undated[] = {{AM_EV_EXILE, NULL, 1}, {AM_EV_ARREST, "2024-01-01", 2}};
    assert_int_equal(derive(undated, 2, NULL, &inc), AM_STATUS_DETAINED);
    assert_int_equal(derive(undated, 1, NULL, &inc), AM_STATUS_EXILED);
    /* Incommunicado while detained; not after a release. */
    struct am_event_fact inco[] = {{AM_EV_ARREST, "2025-01-01", 1},
                                   {AM_EV_INCOMMUNICADO, "2025-01-02", 2},
                                   {AM_EV_RELEASE, "2025-06-01", 3}};
    assert_int_equal(derive(inco, 2, NULL, &inc), AM_STATUS_DETAINED);
    assert_int_equal(inc, 1);
    assert_int_equal(derive(inco, 3, NULL, &inc), AM_STATUS_RELEASED);
    assert_int_equal(inc, 0);
    /* Same date and rank: the later record wins. */
    struct am_event_fact seq[] = {{AM_EV_EXILE, "2025-01-01", 2}, {AM_EV_HIDING, "2025-01-01", 1}};
    assert_int_equal(derive(seq, 2, NULL, NULL), AM_STATUS_IN_HIDING);
}

static void test_names(void **state)
{
    (void)state;
    for (int s = 0; s < AM__STATUS_COUNT; s++)
        assert_int_equal(am_status_from_name(am_status_name((enum am_status)s)), s);
    for (int e = 0; e < AM__EVENT_COUNT; e++)
        assert_int_equal(am_event_from_name(am_event_name((enum am_event_type)e)), e);
    assert_int_equal(am_status_from_name("preso"), -1);
    assert_int_equal(am_event_from_name(NULL), -1);
    assert_string_equal(am_status_name(AM_STATUS_RELEASED_WITH_MEASURES), "released_with_measures");
    assert_int_equal(am_event_effect(AM_EV_MEASURES_LIFTED), AM_STATUS_RELEASED);
    assert_int_equal(am_event_for_status(AM_STATUS_DETAINED), AM_EV_DETENTION_CONFIRMED);
    assert_int_equal(am_event_for_status(AM_STATUS_UNKNOWN), -1);
}

int run_status_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derive),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
