/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The evaluator's units: three-valued conditions, exceptions and levels, conflicts,
 * open facts with what each value would give, deadlines, dates, folding, explanations.
 */
#include <string.h>

#include "amnistia/law.h"
#include "laws_tests.h"

static struct am_law *parse(const char *text)
{
    struct am_err err = AM_ERR_INIT;
    struct am_law_diags d = {0};
    struct am_law *law = am_law_parse("u.law", text, strlen(text), &d, &err);
    if (!law)
        for (size_t i = 0; i < d.v.n; i++)
            fprintf(stderr, "%ld:%ld %s\n", d.v.v[i].line, d.v.v[i].col, d.v.v[i].msg);
    am_law_diags_release(&d);
    return law;
}

static const char base_law[] =
    "law u\n  title \"U\"\n  version 2\n  status enacted\n  in-force 2026-02-19\n"
    "article 1\narticle 2\narticle 3\n"
    "episodes e\n  cite 1\n  one [2014-02-01 .. 2014-03-01)\n  two (2017-03-01 .. 2017-08-31] uncertain\n"
    "rule cover\n  verdict covered\n  cite 1\n  when act_date in episodes e\n"
    "  and charges include political\n"
    "rule kill\n  verdict excluded\n  cite 2\n  exception-to cover\n  when charges include homicide\n"
    "rule young\n  verdict needs_review\n  cite 3\n  exception-to cover\n  when age_at_arrest < 18\n"
    "default\n  verdict excluded\n  cite 1\n"
    "deadline court\n  cite 2\n  who \"court\"\n  must \"decide\"\n"
    "  within 15 days of amnesty_requested\n  met-by amnesty_granted, amnesty_denied\n"
    "deadline mp\n  cite 3\n  who \"ministry\"\n  must \"dismiss\"\n"
    "  within 180 days of in-force\n  met-by case_dismissed\n";

static void facts(struct am_law_facts *f, int y, int m, int d, int cls)
{
    am_law_facts_init(f);
    f->act_date = f->arrest_date = am_days_from_civil(y, m, d);
    f->birth_date = am_days_from_civil(1980, 1, 1);
    f->status = AM_STATUS_DETAINED;
    f->n_charges = 1;
    f->charges[0].raw = "x";
    f->charges[0].fold = "x";
    f->charges[0].cls = (uint8_t)cls;
}

static void test_bounds(void **state)
{
    (void)state;
    struct am_law *law = parse(base_law);
    assert_non_null(law);
    struct am_law_facts f;
    struct am_law_verdict v;
    /* [2014-02-01 .. 2014-03-01): first day in, last day out */
    facts(&f, 2014, 2, 1, AM_CC_POLITICAL);
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_COVERED);
    assert_string_equal(am_law_rule_id(law, v.decider), "cover");
    facts(&f, 2014, 2, 28, AM_CC_POLITICAL);
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_COVERED);
    facts(&f, 2014, 3, 1, AM_CC_POLITICAL);
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    assert_string_equal(am_law_rule_id(law, v.decider), "default");
    /* the default says which rule failed and on which fact */
    int failed = 0;
    for (int i = 0; i < v.n; i++)
        if (v.reasons[i].role == AM_REASON_FAILED && v.reasons[i].fact == AM_FACT_ACT_DATE)
            failed = 1;
    assert_true(failed);
    /* (2017-03-01 .. 2017-08-31] uncertain: inside gives needs_review; the open bound */
    facts(&f, 2017, 3, 1, AM_CC_POLITICAL);
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    facts(&f, 2017, 8, 31, AM_CC_POLITICAL);
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW);
    assert_int_equal(v.reasons[0].role, AM_REASON_OPEN);
    assert_int_equal(v.reasons[0].if_applies, AM_OUTCOME_COVERED);
    assert_int_equal(v.reasons[0].otherwise, AM_OUTCOME_EXCLUDED);
    assert_int_equal(v.reasons[0].episode, 1);
    am_law_free(law);
}

static void test_exceptions(void **state)
{
    (void)state;
    struct am_law *law = parse(base_law);
    struct am_law_facts f;
    struct am_law_verdict v;
    facts(&f, 2014, 2, 10, AM_CC_POLITICAL);
    f.n_charges = 2;
    f.charges[1] = (struct am_law_charge){"homicidio", "homicidio", AM_CC_HOMICIDE, 0};
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    assert_string_equal(am_law_rule_id(law, v.decider), "kill");
    assert_int_equal(v.reasons[0].charge, 1);
    /* exception and another exception at the same level disagree: conflict -> review */
    f.birth_date = am_days_from_civil(2000, 1, 1);
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW);
    int conflict = 0;
    for (int i = 0; i < v.n; i++)
        conflict |= v.reasons[i].role == AM_REASON_CONFLICT;
    assert_true(conflict);
    /* an exception narrows its base: outside the episodes the homicide rule is silent */
    facts(&f, 2015, 6, 1, AM_CC_HOMICIDE);
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    assert_string_equal(am_law_rule_id(law, v.decider), "default");
    am_law_free(law);
}

static void test_unknowns(void **state)
{
    (void)state;
    struct am_law *law = parse(base_law);
    struct am_law_facts f;
    struct am_law_verdict v;
    /* unknown class: could be political (covered) -> review naming the charge */
    facts(&f, 2014, 2, 10, AM_CC_UNKNOWN);
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW);
    assert_int_equal(v.reasons[0].fact, AM_FACT_CHARGES);
    /* uncertain catalog row: the same */
    facts(&f, 2014, 2, 10, AM_CC_POLITICAL);
    f.charges[0].uncertain = 1;
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW);
    /* no charge recorded at all */
    facts(&f, 2014, 2, 10, AM_CC_POLITICAL);
    f.n_charges = 0;
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW);
    /* an unknown fact that cannot change the outcome does not ask for review: outside
     * the episodes, the age (unknown) does not matter */
    facts(&f, 2015, 6, 1, AM_CC_POLITICAL);
    f.birth_date = AM_DATE_UNKNOWN;
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    /* inside, it does: an adolescent would go to review */
    facts(&f, 2014, 2, 10, AM_CC_POLITICAL);
    f.birth_date = AM_DATE_UNKNOWN;
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW);
    assert_int_equal(v.reasons[0].fact, AM_FACT_AGE_AT_ARREST);
    assert_int_equal(v.reasons[0].if_applies, AM_OUTCOME_REVIEW);
    assert_int_equal(v.reasons[0].otherwise, AM_OUTCOME_COVERED);
    struct am_buf b;
    am_buf_init(&b);
    am_law_reason_text(law, &f, &v.reasons[0], &b);
    assert_non_null(strstr(b.ptr, "open fact: rule young (art. 3)"));
    assert_non_null(strstr(b.ptr, "age_at_arrest = unknown"));
    assert_non_null(strstr(b.ptr, "if it applies -> needs_review, otherwise -> covered"));
    am_buf_release(&b);
    am_law_free(law);
}

static void test_conditions(void **state)
{
    (void)state;
    struct am_law *law = parse(
        "law u\n  title \"U\"\n  version 1\n  status draft\narticle 1\n"
        "rule a\n  verdict covered\n  cite 1\n"
        "  when status in exiled, in_hiding or category in journalist\n"
        "  and not nationality is foreign\n"
        "  and charges only political, military\n"
        "  and arrest_date from 2014-02-01\n  and arrest_date until 2020-12-31\n"
        "rule b\n  verdict excluded\n  cite 1\n  exception-to a\n"
        "  when charges include \"REBELIÓN  militar\"\n"
        "rule c\n  verdict needs_review\n  cite 1\n  exception-to a\n  when fact armed_action\n"
        "default\n  verdict excluded\n  cite 1\n");
    assert_non_null(law);
    struct am_law_facts f;
    struct am_law_verdict v;
    facts(&f, 2015, 1, 1, AM_CC_POLITICAL);
    f.status = AM_STATUS_EXILED;
    f.nationality = AM_NAT_VENEZUELAN;
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_COVERED);
    f.nationality = AM_NAT_FOREIGN;
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    f.nationality = AM_NAT_UNKNOWN; /* not(unknown) stays unknown */
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW);
    assert_int_equal(v.reasons[0].fact, AM_FACT_NATIONALITY);
    f.nationality = AM_NAT_VENEZUELAN;
    f.status = AM_STATUS_DETAINED; /* or: the category */
    f.categories = 1u << AM_CAT_JOURNALIST;
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_COVERED);
    f.n_charges = 2; /* `only`: a common charge breaks it */
    f.charges[1] = (struct am_law_charge){"robo", "robo", AM_CC_COMMON, 0};
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    f.charges[1] = (struct am_law_charge){"rebelion militar", "rebelion militar", AM_CC_MILITARY, 0};
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    assert_string_equal(am_law_rule_id(law, v.decider), "b");
    f.n_charges = 1;
    f.marks[AM_RF_ARMED_ACTION] = AM_MARK_TRUE;
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW);
    assert_string_equal(am_law_rule_id(law, v.decider), "c");
    f.marks[AM_RF_ARMED_ACTION] = AM_MARK_FALSE;
    f.arrest_date = am_days_from_civil(2021, 1, 1);
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    am_law_free(law);
}

static void test_deadlines(void **state)
{
    (void)state;
    struct am_law *law = parse(base_law);
    struct am_law_deadline_status s;
    int32_t req = am_days_from_civil(2026, 2, 20);
    struct am_law_event ev[3] = {{AM_EV_AMNESTY_REQUESTED, req},
                                 {AM_EV_AMNESTY_GRANTED, req + 10},
                                 {AM_EV_CASE_DISMISSED, AM_DATE_UNKNOWN}};
    am_law_deadline_eval(law, 0, ev, 0, req + 3, &s);
    assert_int_equal(s.state, AM_DEADLINE_NOT_STARTED);
    am_law_deadline_eval(law, 0, ev, 1, req + 3, &s);
    assert_int_equal(s.state, AM_DEADLINE_PENDING);
    assert_int_equal(s.due, req + 15);
    assert_int_equal(s.days_left, 12);
    am_law_deadline_eval(law, 0, ev, 1, req + 16, &s);
    assert_int_equal(s.state, AM_DEADLINE_OVERDUE);
    assert_int_equal(s.days_left, -1);
    am_law_deadline_eval(law, 0, ev, 2, req + 30, &s);
    assert_int_equal(s.state, AM_DEADLINE_MET);
    assert_int_equal(s.met, req + 10);
    ev[1].date = req + 20;
    am_law_deadline_eval(law, 0, ev, 2, req + 30, &s);
    assert_int_equal(s.state, AM_DEADLINE_MET_LATE);
    /* an event after as_of is not yet known */
    am_law_deadline_eval(law, 0, ev, 2, req + 5, &s);
    assert_int_equal(s.state, AM_DEADLINE_PENDING);
    /* from the entry into force; an undated dismissal does not meet it */
    am_law_deadline_eval(law, 1, ev, 3, am_days_from_civil(2026, 11, 29), &s);
    assert_int_equal(s.state, AM_DEADLINE_OVERDUE);
    assert_int_equal(s.due, am_days_from_civil(2026, 2, 19) + 180);
    assert_string_equal(s.start_name, "in-force");
    assert_string_equal(am_deadline_state_name(s.state), "overdue");
    am_law_free(law);
}

static void test_vocabulary(void **state)
{
    (void)state;
    int32_t d;
    assert_int_equal(am_law_date_parse("2024-02-29", 10, &d), 0);
    assert_int_equal(d, am_days_from_civil(2024, 2, 29));
    assert_int_equal(am_law_date_parse("2023-02-29", 10, &d), -1);
    assert_int_equal(am_law_date_parse("2023-13-01", 10, &d), -1);
    assert_int_equal(am_law_date_parse("2023-1-01", 9, &d), -1);
    assert_int_equal(am_law_date_parse("20230101xx", 10, &d), -1);
    char out[64];
    assert_string_equal(am_law_fold("  Tráfico  de DROGAS (art. 149) ", out, sizeof(out)),
                        "trafico de drogas art 149");
    assert_string_equal(am_law_fold("Ñandú CÓRDOBA", out, sizeof(out)), "nandu cordoba");
    assert_string_equal(am_law_fold("abcdef", out, 4), "abc");
    assert_string_equal(am_law_fold(NULL, out, sizeof(out)), "");
    assert_int_equal(am_charge_class_from_name("drugs"), AM_CC_DRUGS);
    assert_int_equal(am_charge_class_from_name("drug"), -1);
    assert_int_equal(am_category_from_name("relative_of_target"), AM_CAT_RELATIVE_OF_TARGET);
    assert_int_equal(am_reviewer_fact_from_name("armed_action"), AM_RF_ARMED_ACTION);
    assert_string_equal(am_law_fact_name(AM_FACT_REVIEWER + AM_RF_WAR_CRIME), "war_crime");
    assert_string_equal(am_outcome_name(AM_OUTCOME_REVIEW), "needs_review");
}

static void test_explain(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof(path), "%s/laws/ley-amnistia-2026.law", AM_SOURCE_DIR);
    struct am_err err = AM_ERR_INIT;
    struct am_law *law = am_law_load(path, NULL, &err);
    assert_non_null(law);
    struct am_law_facts f;
    facts(&f, 2017, 5, 3, AM_CC_POLITICAL);
    f.person_id = 42;
    struct am_law_origin origin[AM__FACT_COUNT], corigin[AM_LAW_MAX_CHARGES];
    memset(origin, 0, sizeof(origin));
    memset(corigin, 0, sizeof(corigin));
    origin[AM_FACT_ACT_DATE] = (struct am_law_origin){7, "Lista sintética", "arrest date"};
    corigin[0] = (struct am_law_origin){8, "Tribunal sintético", NULL};
    f.origin = origin;
    f.charge_origin = corigin;
    f.charges[0].raw = "Instigación pública";
    f.categories = 1u << AM_CAT_JOURNALIST;
    struct am_law_verdict v;
    am_law_eval(law, &f, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_COVERED);
    struct am_buf b;
    am_buf_init(&b);
    am_law_explain(law, &f, &v, &b);
    assert_non_null(strstr(b.ptr, "Person 42 under ley-amnistia-2026 v1 (enacted, in force 2026-02-19)"));
    assert_non_null(strstr(b.ptr, "VERDICT: covered"));
    assert_non_null(strstr(b.ptr, "episode protests_2017 [2017-03-01 .. 2017-08-31]"));
    assert_non_null(strstr(b.ptr, "[arrest date; record 7; source Lista sintética]"));
    assert_non_null(strstr(b.ptr, "\"Instigación pública\" (political) [record 8; source Tribunal sintético]"));
    assert_non_null(strstr(b.ptr, "art. 8 \"Hechos comprendidos\""));
    assert_non_null(strstr(b.ptr, "(exception to political_in_episode"));
    am_buf_reset(&b);
    am_law_verdict_json(law, &f, &v, &b);
    assert_non_null(strstr(b.ptr, "{\"role\": \"decided\", \"rule\": \"political_in_episode\", "
                                  "\"article\": \"1, 8\", \"verdict\": \"covered\", \"fact\": \"act_date\", "
                                  "\"value\": \"2017-05-03\""));
    assert_non_null(strstr(b.ptr, "\"record_id\": 8, \"source\": \"Tribunal sintético\", "
                                  "\"charge_class\": \"political\", \"catalog_uncertain\": false"));
    am_buf_release(&b);
    am_law_free(law);
}

int am_test_eval(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds),      cmocka_unit_test(test_exceptions),
        cmocka_unit_test(test_unknowns),    cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_deadlines),   cmocka_unit_test(test_vocabulary),
        cmocka_unit_test(test_explain),
    };
    return cmocka_run_group_tests_name("eval", tests, NULL, NULL);
}
