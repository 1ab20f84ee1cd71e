/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The registry side: a temporary registry with synthetic people, events and charges;
 * loading their facts with provenance, verdicts, the summary, the comparison of two
 * laws, deadlines from events added by hand, and reviewer facts.
 */
#include <string.h>
#include <unistd.h>

#include "amnistia/law.h"
#include "amnistia/registry.h"
#include "laws_tests.h"

static const char seed_sql[] =
    "INSERT INTO source(id,name,kind) VALUES (1,'ONG sintética','ngo'),(2,'Lista oficial','official');"
    "INSERT INTO snapshot(id,source_id,title,as_of,imported_at,file_sha256,file_name) VALUES"
    " (1,1,'lista 1','2026-01-05','2026-01-06T00:00:00Z','a','a.csv'),"
    " (2,2,'lista 2','2026-01-26','2026-01-27T00:00:00Z','b','b.csv');"
    /* Events come from the records' columns (registry.h, am_facts_*); the event table
     * holds only what no record says (visits granted, entered by hand). Charges and
     * categories are stored rows citing their records here. */
    "INSERT INTO record(id,snapshot_id,row_no,line_no,raw,full_name,arrest_date,facility,state,"
    " status,status_date,release_date) VALUES"
    " (1,1,1,2,'{}','Ana Prueba','2017-05-03','Ramo Verde','Miranda',NULL,NULL,NULL),"
    " (2,1,2,3,'{}','Beto Ficticio','2015-05-03','Rodeo I','Miranda',NULL,NULL,NULL),"
    " (3,2,1,2,'{}','Ana Prueba','2017-05-04','El Helicoide','Distrito Capital',"
    "  'released_with_measures',NULL,'2026-01-20'),"
    " (4,1,3,4,'{}','Carla Inventada',NULL,NULL,NULL,'exiled','2018-02-01',NULL),"
    " (5,1,4,5,'{}','Dario Supuesto','2019-04-30','Ramo Verde','Miranda',NULL,NULL,NULL);"
    "INSERT INTO person(id,display_name,nationality,cedula_kind,birth_date) VALUES"
    " (1,'Ana Prueba','venezolana','V','1990-01-01'),(2,'Beto Ficticio',NULL,'E',NULL),"
    " (3,'Carla Inventada',NULL,NULL,NULL),(4,'Dario Supuesto',NULL,'V','1985-06-01');"
    "INSERT INTO record_person(record_id,person_id,decided_at) VALUES"
    " (1,1,'x'),(2,2,'x'),(3,1,'x'),(4,3,'x'),(5,4,'x');"
    "INSERT INTO event(person_id,type,date,record_id) VALUES"
    " (4,'visits_granted','2026-12-01',5);"
    "INSERT INTO charge(person_id,raw,class,certainty,record_id) VALUES"
    " (1,'Instigación pública','political','confirmed',1),"
    " (2,'Traición a la patria','political','likely (texto tomado de apunte)',2),"
    " (2,'asociación xx','unknown',NULL,2),"
    " (3,'Conspiración','political','uncertain (número de artículo no visto en fuente)',4),"
    " (4,'Rebelión militar','political','confirmed',5);"
    "INSERT INTO category(person_id,category,record_id) VALUES (1,'journalist',1),(4,'military',5),"
    " (3,'political_leader',4);";

static struct am_store *make_registry(char *path, size_t n, const char *name)
{
    snprintf(path, n, "%s/test_laws_%s_%d.db", AM_BINARY_DIR, name, (int)getpid());
    unlink(path);
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_non_null(s);
    assert_int_equal(am_store_exec(s, seed_sql, &err), 0);
    return s;
}

static void drop(struct am_store *s, const char *path)
{
    am_store_close(s);
    unlink(path);
    char side[600];
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

static struct am_law *law_file(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/laws/%s.law", AM_SOURCE_DIR, name);
    struct am_err err = AM_ERR_INIT;
    struct am_law *law = am_law_load(path, NULL, &err);
    assert_non_null(law);
    return law;
}

static int32_t today_days(void) { return am_days_from_civil(2026, 11, 29); }

static void test_load_facts(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = make_registry(path, sizeof(path), "load");
    struct am_err err = AM_ERR_INIT;
    struct am_law_population pop;
    assert_int_equal(am_law_population_load(s, today_days(), &pop, &err), 0);
    assert_int_equal(pop.n, 4);
    struct am_law_person *ana = am_law_population_find(&pop, 1);
    assert_non_null(ana);
    assert_int_equal(ana->facts.arrest_date, am_days_from_civil(2017, 5, 3));
    assert_int_equal(ana->facts.act_date, ana->facts.arrest_date);
    assert_string_equal(ana->origin[AM_FACT_ACT_DATE].note,
                        "arrest date taken as the date of the acts");
    assert_int_equal(ana->origin[AM_FACT_ARREST_DATE].record_id, 1);
    assert_string_equal(ana->origin[AM_FACT_ARREST_DATE].source, "ONG sintética");
    assert_int_equal(ana->facts.status, AM_STATUS_RELEASED_WITH_MEASURES);
    assert_int_equal(ana->origin[AM_FACT_STATUS].record_id, 3);
    assert_string_equal(ana->origin[AM_FACT_STATUS].source, "Lista oficial");
    assert_int_equal(ana->facts.nationality, AM_NAT_VENEZUELAN);
    assert_int_equal(ana->facts.categories, 1u << AM_CAT_JOURNALIST);
    assert_string_equal(ana->facility, "El Helicoide"); /* the latest list */
    assert_int_equal(ana->facts.n_charges, 1);
    assert_string_equal(ana->facts.charges[0].fold, "instigacion publica");
    assert_int_equal(ana->charge_origin[0].record_id, 1);
    struct am_law_person *beto = am_law_population_find(&pop, 2);
    assert_int_equal(beto->facts.nationality, AM_NAT_FOREIGN); /* from the cédula E */
    assert_int_equal(beto->facts.charges[1].cls, AM_CC_UNKNOWN);
    assert_int_equal(beto->facts.charges[0].uncertain, 0); /* "likely (...)" */
    assert_int_equal(beto->facts.status, AM_STATUS_DETAINED);
    struct am_law_person *carla = am_law_population_find(&pop, 3);
    assert_int_equal(carla->facts.status, AM_STATUS_EXILED);
    assert_int_equal(carla->facts.arrest_date, AM_DATE_UNKNOWN);
    assert_int_equal(carla->facts.charges[0].uncertain, 1);
    /* the event after as_of is ignored */
    struct am_law_person *dario = am_law_population_find(&pop, 4);
    assert_int_equal(dario->n_events, 1);
    assert_null(am_law_population_find(&pop, 99));
    am_law_population_release(&pop);
    /* as of an earlier day: Ana was still detained */
    assert_int_equal(am_law_population_load(s, am_days_from_civil(2026, 1, 10), &pop, &err), 0);
    assert_int_equal(am_law_population_find(&pop, 1)->facts.status, AM_STATUS_DETAINED);
    am_law_population_release(&pop);
    drop(s, path);
}

static void test_verdicts_and_diff(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = make_registry(path, sizeof(path), "diff");
    struct am_err err = AM_ERR_INIT;
    struct am_law_population pop;
    assert_int_equal(am_law_population_load(s, today_days(), &pop, &err), 0);
    struct am_law *enacted = law_file("ley-amnistia-2026"), *mothers = law_file("comite-madres-2026");
    struct am_law_verdict v;
    am_law_eval(enacted, &am_law_population_find(&pop, 1)->facts, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_COVERED);
    am_law_eval(enacted, &am_law_population_find(&pop, 2)->facts, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED); /* 2015: outside the episodes */
    am_law_eval(enacted, &am_law_population_find(&pop, 3)->facts, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW); /* exile, no date */
    am_law_eval(enacted, &am_law_population_find(&pop, 4)->facts, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED); /* military rebellion, Apr 2019 */
    assert_string_equal(am_law_rule_id(enacted, v.decider), "military_rebellion_2019");

    struct am_law_summary sum;
    am_law_summary_init(&sum);
    for (size_t i = 0; i < pop.n; i++) {
        am_law_eval(enacted, &pop.v[i].facts, &v);
        am_law_summary_add(&sum, enacted, &pop.v[i], &v);
    }
    size_t n;
    struct am_law_summary_row *rows = am_law_summary_rows(&sum, &n);
    assert_true(n > 6);
    assert_string_equal(rows[0].dimension, "outcome");
    assert_string_equal(rows[0].value, "excluded");
    assert_int_equal(rows[0].total, 2);
    int facility_seen = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].dimension, "facility") == 0 && strcmp(rows[i].value, "Ramo Verde") == 0)
            facility_seen = (int)rows[i].total;
    assert_int_equal(facility_seen, 1);
    am_free(rows);
    am_law_summary_release(&sum);

    struct am_law_diff diff;
    am_law_diff_run(enacted, mothers, &pop, -1, &diff);
    assert_int_equal(diff.crosstab[AM_OUTCOME_COVERED][AM_OUTCOME_COVERED], 1);
    /* Beto (2015) excluded by the enacted law; the mothers' draft sees a political
     * charge beside an unmapped one: covered, since it has no exclusions */
    assert_int_equal(diff.crosstab[AM_OUTCOME_EXCLUDED][AM_OUTCOME_COVERED], 2);
    assert_true(diff.n_groups >= 2);
    int64_t total = 0;
    for (size_t i = 0; i < diff.n_groups; i++)
        total += diff.groups[i].count;
    int64_t differ = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            if (a != b)
                differ += diff.crosstab[a][b];
    assert_int_equal(total, differ);
    am_law_diff_release(&diff);
    am_law_diff_run(enacted, mothers, &pop, AM_STATUS_EXILED, &diff);
    int64_t all = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            all += diff.crosstab[a][b];
    assert_int_equal(all, 1);
    am_law_diff_release(&diff);
    am_law_free(enacted);
    am_law_free(mothers);
    am_law_population_release(&pop);
    drop(s, path);
}

static void test_events_and_deadlines(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = make_registry(path, sizeof(path), "deadline");
    struct am_err err = AM_ERR_INIT;
    int64_t id;
    int created;
    assert_int_equal(am_registry_event_add(s, 1, "amnesty_requested", "2026-02-20",
                                           "Tribunal sintético", "solicitud", &id, &created, &err),
                     0);
    assert_true(created);
    assert_int_equal(am_registry_event_add(s, 1, "amnesty_granted", "2026-03-10",
                                           "Tribunal sintético", NULL, &id, &created, &err),
                     0);
    assert_false(created);
    /* bad input: nothing written */
    struct am_err e2 = AM_ERR_INIT;
    assert_int_equal(am_registry_event_add(s, 1, "pardon", "2026-02-20", "x", NULL, &id,
                                           &created, &e2), -1);
    assert_int_equal(e2.code, AM_EINPUT);
    assert_non_null(strstr(e2.msg, "unknown event type 'pardon'; event types are arrest"));
    am_err_clear(&e2);
    assert_int_equal(am_registry_event_add(s, 1, "release", "2026-02-30", "x", NULL, &id,
                                           &created, &e2), -1);
    assert_non_null(strstr(e2.msg, "bad date '2026-02-30': day 30 does not exist in February 2026"));
    am_err_clear(&e2);
    assert_int_equal(am_registry_event_add(s, 1, "release", "2027-01-01", "x", NULL, &id,
                                           &created, &e2), -1);
    assert_non_null(strstr(e2.msg, "in the future"));
    am_err_clear(&e2);
    assert_int_equal(am_registry_event_add(s, 1, "release", "20-01-2026", "x", NULL, &id,
                                           &created, &e2), -1);
    assert_non_null(strstr(e2.msg, "expected YYYY-MM-DD"));
    am_err_clear(&e2);
    assert_int_equal(am_registry_event_add(s, 99, "release", "2026-01-20", "Nueva fuente", NULL,
                                           &id, &created, &e2), -1);
    assert_int_equal(e2.code, AM_ENOTFOUND);
    struct am_stmt *st = am_stmt_prepare(
        s, "SELECT (SELECT count(*) FROM event), (SELECT count(*) FROM source)", &err);
    assert_int_equal(am_stmt_step(st, &err), 1);
    /* The seed's one stored event and the two added by hand (the others are derived). */
    assert_int_equal(am_stmt_int64(st, 0), 3);
    assert_int_equal(am_stmt_int64(st, 1), 3); /* 'Nueva fuente' rolled back */
    am_stmt_finalize(st);

    struct am_law_population pop;
    assert_int_equal(am_law_population_load(s, am_days_from_civil(2026, 3, 1), &pop, &err), 0);
    struct am_law *enacted = law_file("ley-amnistia-2026");
    struct am_law_person *ana = am_law_population_find(&pop, 1);
    struct am_law_deadline_status ds;
    am_law_deadline_eval(enacted, 0, ana->events, ana->n_events, am_days_from_civil(2026, 3, 1),
                         &ds);
    assert_int_equal(ds.state, AM_DEADLINE_PENDING);
    assert_int_equal(ds.days_left, 6);
    am_law_population_release(&pop);
    assert_int_equal(am_law_population_load(s, today_days(), &pop, &err), 0);
    ana = am_law_population_find(&pop, 1);
    am_law_deadline_eval(enacted, 0, ana->events, ana->n_events, today_days(), &ds);
    assert_int_equal(ds.state, AM_DEADLINE_MET_LATE); /* granted on day 18 of 15 */
    am_law_population_release(&pop);
    am_law_free(enacted);
    drop(s, path);
}

static void test_reviewer_facts(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = make_registry(path, sizeof(path), "facts");
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_law_fact_set(s, 1, "armed_action", "true", "revisora", "sentencia X", &err), 0);
    assert_int_equal(am_law_fact_set(s, 3, "act_date", "2019-01-23", "revisora", "acta", &err), 0);
    struct am_err e2 = AM_ERR_INIT;
    assert_int_equal(am_law_fact_set(s, 1, "armed", "true", "r", "n", &e2), -1);
    assert_non_null(strstr(e2.msg, "unknown fact 'armed'; facts are armed_action"));
    am_err_clear(&e2);
    assert_int_equal(am_law_fact_set(s, 1, "armed_action", "yes", "r", "n", &e2), -1);
    assert_non_null(strstr(e2.msg, "write true, false or uncertain"));
    am_err_clear(&e2);
    assert_int_equal(am_law_fact_set(s, 1, "act_date", "2019-02-30", "r", "n", &e2), -1);
    assert_non_null(strstr(e2.msg, "not a date"));
    am_err_clear(&e2);
    assert_int_equal(am_law_fact_set(s, 1, "armed_action", "true", "", "n", &e2), -1);
    assert_non_null(strstr(e2.msg, "--by"));
    am_err_clear(&e2);
    assert_int_equal(am_law_fact_set(s, 1, "armed_action", "true", "r", "", &e2), -1);
    assert_non_null(strstr(e2.msg, "--note"));
    am_err_clear(&e2);
    assert_int_equal(am_law_fact_set(s, 77, "armed_action", "true", "r", "n", &e2), -1);
    assert_int_equal(e2.code, AM_ENOTFOUND);

    struct am_law_population pop;
    assert_int_equal(am_law_population_load(s, today_days(), &pop, &err), 0);
    struct am_law *enacted = law_file("ley-amnistia-2026");
    struct am_law_person *ana = am_law_population_find(&pop, 1);
    assert_int_equal(ana->facts.marks[AM_RF_ARMED_ACTION], AM_MARK_TRUE);
    assert_string_equal(ana->origin[AM_FACT_REVIEWER + AM_RF_ARMED_ACTION].source,
                        "reviewer revisora");
    struct am_law_verdict v;
    am_law_eval(enacted, &ana->facts, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_EXCLUDED);
    assert_string_equal(am_law_rule_id(enacted, v.decider), "armed_action");
    /* Carla: the reviewer's act date (Jan 2019) puts her in an episode; uncertain
     * catalog row on her charge keeps her in review */
    struct am_law_person *carla = am_law_population_find(&pop, 3);
    assert_int_equal(carla->facts.act_date, am_days_from_civil(2019, 1, 23));
    am_law_eval(enacted, &carla->facts, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_REVIEW);
    assert_int_equal(v.reasons[0].fact, AM_FACT_CHARGES);
    /* a later mark replaces an earlier one */
    assert_int_equal(am_law_fact_set(s, 1, "armed_action", "false", "otro", "revisado", &err), 0);
    am_law_population_release(&pop);
    assert_int_equal(am_law_population_load(s, today_days(), &pop, &err), 0);
    am_law_eval(enacted, &am_law_population_find(&pop, 1)->facts, &v);
    assert_int_equal(v.outcome, AM_OUTCOME_COVERED);
    am_law_population_release(&pop);
    am_law_free(enacted);
    drop(s, path);
}

static void test_save_verdicts(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = make_registry(path, sizeof(path), "save");
    struct am_err err = AM_ERR_INIT;
    struct am_law_population pop;
    assert_int_equal(am_law_population_load(s, today_days(), &pop, &err), 0);
    struct am_law *mothers = law_file("comite-madres-2026");
    int64_t saved;
    assert_int_equal(am_law_verdicts_save(s, mothers, &pop, today_days(), -1, &saved, &err), 0);
    assert_int_equal(saved, 4);
    assert_int_equal(am_law_verdicts_save(s, mothers, &pop, today_days(), AM_STATUS_EXILED,
                                          &saved, &err), 0);
    assert_int_equal(saved, 1);
    struct am_stmt *st = am_stmt_prepare(
        s, "SELECT (SELECT count(*) FROM law), (SELECT count(*) FROM verdict),"
           " (SELECT name || ' ' || status FROM law),"
           " (SELECT outcome || ' ' || rule || ' ' || article FROM verdict WHERE person_id = 1),"
           " (SELECT reasons FROM verdict WHERE person_id = 1)", &err);
    assert_int_equal(am_stmt_step(st, &err), 1);
    assert_int_equal(am_stmt_int64(st, 0), 1);
    assert_int_equal(am_stmt_int64(st, 1), 4);
    assert_string_equal(am_stmt_text(st, 2), "comite-madres-2026 draft");
    assert_string_equal(am_stmt_text(st, 3), "covered persecuted 1, 2");
    assert_non_null(strstr(am_stmt_text(st, 4), "\"role\": \"decided\", \"rule\": \"persecuted\""));
    am_stmt_finalize(st);
    am_store_close(s);
    /* a registry opened read-only: the save fails and writes nothing */
    s = am_store_open_readonly(path, &err);
    assert_non_null(s);
    struct am_err e2 = AM_ERR_INIT;
    assert_int_equal(am_law_verdicts_save(s, mothers, &pop, today_days() - 1, -1, &saved, &e2), -1);
    assert_true(e2.code == AM_EDB || e2.code == AM_EIO);
    assert_int_equal(saved, 0);
    am_law_free(mothers);
    am_law_population_release(&pop);
    drop(s, path);
}

int am_test_registry(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_facts),
        cmocka_unit_test(test_verdicts_and_diff),
        cmocka_unit_test(test_events_and_deadlines),
        cmocka_unit_test(test_reviewer_facts),
        cmocka_unit_test(test_save_verdicts),
    };
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
