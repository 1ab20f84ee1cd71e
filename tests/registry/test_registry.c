/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* registry: status derivation from events, and reading persons from a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include "amnistia/registry.h"
#include "facts_tests.h"

#define EV(t, d, s) {(t), (d), (s)}

static enum am_status derive(const struct am_event_fact *e, size_t n, const char *as_of)
{
    return am_status_derive(e, n, as_of, NULL);
}

static void test_vocabulary(void **state)
{
    (void)state;
    for (int i = 0; i < AM__STATUS_COUNT; i++)
        assert_int_equal(am_status_from_name(am_status_name(i)), i);
    for (int i = 0; i < AM__EVENT_COUNT; i++)
        assert_int_equal(am_event_from_name(am_event_name(i)), i);
    assert_int_equal(am_status_from_name("preso"), -1);
    assert_int_equal(am_event_from_name(NULL), -1);
    assert_string_equal(am_status_name(AM_STATUS_RELEASED_WITH_MEASURES), "released_with_measures");
    assert_int_equal(am_event_for_status(AM_STATUS_DETAINED), AM_EV_DETENTION_CONFIRMED);
    assert_int_equal(am_event_for_status(AM_STATUS_EXILED), AM_EV_EXILE);
    assert_int_equal(am_event_for_status(AM_STATUS_UNKNOWN), -1);
    for (int s = 1; s < AM__STATUS_COUNT; s++)
        assert_int_equal(am_event_effect(am_event_for_status(s)), s);
}

static void test_no_events_is_unknown(void **state)
{
    (void)state;
    assert_int_equal(derive(NULL, 0, NULL), AM_STATUS_UNKNOWN);
    struct am_event_fact only_charge[] = {EV(AM_EV_CHARGE, "2024-08-01", 1)};
    assert_int_equal(derive(only_charge, 1, NULL), AM_STATUS_UNKNOWN);
}

static void test_latest_event_wins(void **state)
{
    (void)state;
    struct am_event_fact e[] = {
        EV(AM_EV_RELEASE_WITH_MEASURES, "2026-01-10", 3),
        EV(AM_EV_ARREST, "2024-08-02", 1),
        EV(AM_EV_CHARGE, "2024-08-05", 2),
    };
    assert_int_equal(derive(e, 3, NULL), AM_STATUS_RELEASED_WITH_MEASURES);
    assert_int_equal(derive(e, 3, "2025-12-31"), AM_STATUS_DETAINED);
    assert_int_equal(derive(e, 3, "2024-08-01"), AM_STATUS_UNKNOWN);
    size_t decided;
    am_status_derive_event(e, 3, NULL, NULL, &decided);
    assert_int_equal(decided, 0);
}

static void test_revocation_and_rearrest(void **state)
{
    (void)state;
    /* Released with measures, spoke to the press, revoked to house arrest. */
    struct am_event_fact e[] = {
        EV(AM_EV_ARREST, "2024-07-30", 1),
        EV(AM_EV_RELEASE_WITH_MEASURES, "2026-01-12", 2),
        EV(AM_EV_HOUSE_ARREST, "2026-02-03", 3),
    };
    assert_int_equal(derive(e, 3, NULL), AM_STATUS_HOUSE_ARREST);
    struct am_event_fact r[] = {
        EV(AM_EV_RELEASE, "2020-08-31", 1),
        EV(AM_EV_REARREST, "2025-01-09", 2),
    };
    assert_int_equal(derive(r, 2, NULL), AM_STATUS_DETAINED);
}

static void test_same_day_order(void **state)
{
    (void)state;
    /* Arrested and released the same day: released (rank), whatever the input order. */
    struct am_event_fact e[] = {
        EV(AM_EV_RELEASE, "2019-01-23", 1),
        EV(AM_EV_ARREST, "2019-01-23", 2),
    };
    assert_int_equal(derive(e, 2, NULL), AM_STATUS_RELEASED);
    /* Two lists on one day disagreeing at the same rank: the later record wins. */
    struct am_event_fact f[] = {
        EV(AM_EV_EXILE, "2025-05-01", 9),
        EV(AM_EV_HIDING, "2025-05-01", 4),
    };
    assert_int_equal(derive(f, 2, NULL), AM_STATUS_IN_HIDING); /* hiding ranks after exile */
}

static void test_same_day_release_with_measures(void **state)
{
    (void)state;
    /* The ministry says "released", an NGO "released with measures", on the same day:
     * the measures stand, whichever list was imported last. */
    struct am_event_fact a[] = {
        EV(AM_EV_RELEASE_WITH_MEASURES, "2026-01-15", 2),
        EV(AM_EV_RELEASE, "2026-01-15", 1),
    };
    assert_int_equal(derive(a, 2, NULL), AM_STATUS_RELEASED_WITH_MEASURES);
    struct am_event_fact b[] = {
        EV(AM_EV_RELEASE, "2026-01-15", 2),
        EV(AM_EV_RELEASE_WITH_MEASURES, "2026-01-15", 1),
    };
    assert_int_equal(derive(b, 2, NULL), AM_STATUS_RELEASED_WITH_MEASURES);
    /* A full release on a later day still ends the measures. */
    struct am_event_fact c[] = {
        EV(AM_EV_RELEASE_WITH_MEASURES, "2026-01-15", 2),
        EV(AM_EV_RELEASE, "2026-03-01", 1),
    };
    assert_int_equal(derive(c, 2, NULL), AM_STATUS_RELEASED);
    /* Measures lifted the same day as the release with measures: lifted (rank). */
    struct am_event_fact d[] = {
        EV(AM_EV_MEASURES_LIFTED, "2026-01-15", 1),
        EV(AM_EV_RELEASE_WITH_MEASURES, "2026-01-15", 2),
    };
    assert_int_equal(derive(d, 2, NULL), AM_STATUS_RELEASED);
}

/* The charges of one column, split as lists write them; each with its catalog class. */
static void check_split(const struct am_catalog *cat, const char *text, size_t n,
                        const char *const *want, const char *const *classes)
{
    struct am_arena a;
    am_arena_init(&a);
    const char **items;
    size_t got = am_catalog_split_charges(cat, &a, text, &items);
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(items[i], want[i]);
        struct am_record_charge c;
        am_catalog_charge(cat, items[i], &c);
        assert_string_equal(c.class_name, classes[i]);
    }
    am_arena_release(&a);
}

static void test_split_charges(void **state)
{
    (void)state;
    struct am_err err = {0};
    struct am_catalog *cat = am_catalog_load(&err);
    assert_non_null(cat);
    /* Two charges in one phrase: both kept (the homicide must not hide behind the
     * longer political alias). */
    check_split(cat, "TRAICIÓN A LA PATRIA, homicidio", 2,
                (const char *const[]){"TRAICIÓN A LA PATRIA", "homicidio"},
                (const char *const[]){"political", "homicide"});
    check_split(cat, "Terrorismo, instigación al odio y asociación para delinquir; robo", 4,
                (const char *const[]){"Terrorismo", "instigación al odio",
                                      "asociación para delinquir", "robo"},
                (const char *const[]){"political", "political", "political", "common"});
    /* A piece that is no charge stays with the one before it. */
    check_split(cat, "asociación para delinquir, en grado de cooperador, terrorismo", 2,
                (const char *const[]){"asociación para delinquir, en grado de cooperador",
                                      "terrorismo"},
                (const char *const[]){"political", "political"});
    /* One charge whose words hold a comma or a "y": left whole. */
    check_split(cat, "Daños (a la propiedad, en grado de determinador)", 1,
                (const char *const[]){"Daños (a la propiedad, en grado de determinador)"},
                (const char *const[]){"political"});
    check_split(cat, "incitación al odio y a la violencia", 1,
                (const char *const[]){"incitación al odio y a la violencia"},
                (const char *const[]){"political"});
    check_split(cat, "  ;  ", 0, NULL, NULL);
    /* Measures written in one phrase: each its own code. */
    {
        struct am_arena a;
        am_arena_init(&a);
        const char **items;
        size_t n = am_catalog_split_measures(
            cat, &a, "Régimen de presentación cada 30 días, prohibición de salida del país", &items);
        assert_int_equal(n, 2);
        struct am_record_measure m;
        am_catalog_measure(cat, items[0], &m);
        assert_string_equal(m.type, "COPP-242-3");
        am_catalog_measure(cat, items[1], &m);
        assert_string_equal(m.type, "COPP-242-4");
        assert_int_equal(am_catalog_split_measures(cat, &a, "fianza", &items), 1);
        am_arena_release(&a);
    }
    check_split(cat, "cargo desconocido, otro", 1,
                (const char *const[]){"cargo desconocido, otro"},
                (const char *const[]){"unknown"});
    am_catalog_free(cat);
}

static void test_undated_events(void **state)
{
    (void)state;
    struct am_event_fact undated_only[] = {EV(AM_EV_DISAPPEARANCE, NULL, 1)};
    assert_int_equal(derive(undated_only, 1, NULL), AM_STATUS_DISAPPEARED);
    /* A dated event beats an undated one. */
    struct am_event_fact mixed[] = {EV(AM_EV_DEATH, NULL, 2), EV(AM_EV_ARREST, "2017-05-01", 1)};
    assert_int_equal(derive(mixed, 2, NULL), AM_STATUS_DETAINED);
    /* as_of never hides an undated event. */
    assert_int_equal(derive(undated_only, 1, "2000-01-01"), AM_STATUS_DISAPPEARED);
}

static void test_incommunicado(void **state)
{
    (void)state;
    int inc = -1;
    struct am_event_fact e[] = {
        EV(AM_EV_ARREST, "2025-01-08", 1),
        EV(AM_EV_INCOMMUNICADO, "2025-01-10", 2),
        EV(AM_EV_TRANSFER, "2025-03-01", 3),
    };
    assert_int_equal(am_status_derive(e, 3, NULL, &inc), AM_STATUS_DETAINED);
    assert_int_equal(inc, 1); /* a transfer does not end isolation */
    struct am_event_fact v[] = {
        EV(AM_EV_ARREST, "2025-01-08", 1),
        EV(AM_EV_INCOMMUNICADO, "2025-01-10", 2),
        EV(AM_EV_VISITS_GRANTED, "2025-04-01", 3),
    };
    am_status_derive(v, 3, NULL, &inc);
    assert_int_equal(inc, 0);
    am_status_derive(v, 3, "2025-02-01", &inc);
    assert_int_equal(inc, 1);
    struct am_event_fact out[] = {
        EV(AM_EV_INCOMMUNICADO, "2025-01-10", 1),
        EV(AM_EV_RELEASE, "2025-06-01", 2),
    };
    am_status_derive(out, 2, NULL, &inc);
    assert_int_equal(inc, 0); /* released people are not incommunicado */
}

/* ---- a small registry on disk ---- */

struct fixture {
    char path[512];
    struct am_store *store;
};

static void exec_ok(struct am_store *s, const char *sql)
{
    struct am_err err = AM_ERR_INIT;
    if (am_store_exec(s, sql, &err))
        fail_msg("%s: %s", sql, err.msg);
}

static int setup(void **state)
{
    struct fixture *f = am_calloc(1, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "%s/test_registry_%d.db", AM_BINARY_DIR, (int)getpid());
    unlink(f->path);
    struct am_err err = AM_ERR_INIT;
    f->store = am_store_open(f->path, &err);
    assert_non_null(f->store);
    /* Synthetic people only. */
    exec_ok(f->store,
            "INSERT INTO source VALUES (1, 'ONG Observatorio', 'ngo', NULL),"
            " (2, 'Ministerio', 'official', NULL);"
            "INSERT INTO snapshot VALUES (1, 1, 'lista ong', '2026-01-05', '2026-01-06T00:00:00Z',"
            "  'aa', 'ong.csv', 2, 0),"
            " (2, 2, 'excarcelados', '2026-01-26', '2026-01-27T00:00:00Z', 'bb', 'min.csv', 1, 0);"
            /* The records carry their facts; events, charges and categories are derived
             * from them when read (registry.h, am_facts_*). */
            "INSERT INTO record (id, snapshot_id, row_no, line_no, list_id, raw, full_name,"
            "  cedula_kind, cedula, status, status_event, status_date, arrest_date, release_date,"
            "  facility, charges, measures, categories) VALUES"
            " (1, 1, 1, 2, 'A1', '{}', 'Ana Pérez Quintero', 'V', '12345678', 'detained', NULL,"
            "  NULL, '2024-08-01', NULL, 'Rodeo I', 'Terrorismo', NULL, 'protester;student'),"
            " (2, 1, 2, 3, 'A2', '{}', 'José González', 'V', '9876543', 'detained',"
            "  'incommunicado', '2019-01-25', '2019-01-23', NULL, 'Ramo Verde', NULL, NULL, NULL),"
            " (3, 2, 1, 2, 'M1', '{}', 'PEREZ QUINTERO, ANA', 'V', '12345678',"
            "  'released_with_measures', NULL, NULL, NULL, '2026-01-20', NULL, NULL,"
            "  'régimen de presentación', NULL);"
            "INSERT INTO person (id, display_name, cedula_kind, cedula, sensitivity) VALUES"
            " (10, 'Ana Pérez Quintero', 'V', '12345678', 'public'),"
            " (11, 'José González', 'V', '9876543', 'restricted');"
            "INSERT INTO record_person VALUES (1, 10, NULL, 'import', 'now'),"
            " (2, 11, NULL, 'import', 'now'), (3, 10, 0.99, 'auto', 'now');");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    am_store_close(f->store);
    unlink(f->path);
    am_free(f);
    return 0;
}

struct seen {
    int64_t ids[8];
    enum am_status status[8];
    int inc[8];
    char facility[8][32];
    char sources[8][64];
    int n;
};

static int collect(const struct am_person_row *p, void *ctx)
{
    struct seen *s = ctx;
    s->ids[s->n] = p->id;
    s->status[s->n] = p->status;
    s->inc[s->n] = p->incommunicado;
    snprintf(s->facility[s->n], 32, "%s", p->facility ? p->facility : "");
    snprintf(s->sources[s->n], 64, "%s", p->sources);
    s->n++;
    return 0;
}

static void test_people(void **state)
{
    struct fixture *f = *state;
    struct am_err err = AM_ERR_INIT;
    struct seen s = {0};
    struct am_people_filter all = {.status = -1};
    assert_int_equal(am_registry_people(f->store, &all, collect, &s, &err), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ids[0], 10);
    assert_int_equal(s.status[0], AM_STATUS_RELEASED_WITH_MEASURES);
    assert_string_equal(s.facility[0], "Rodeo I");
    assert_non_null(strstr(s.sources[0], "Ministerio"));
    assert_non_null(strstr(s.sources[0], "ONG Observatorio"));
    assert_int_equal(s.status[1], AM_STATUS_DETAINED);
    assert_int_equal(s.inc[1], 1);

    struct seen d = {0};
    struct am_people_filter detained = {.status = AM_STATUS_DETAINED};
    assert_int_equal(am_registry_people(f->store, &detained, collect, &d, &err), 0);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.ids[0], 11);

    struct seen before = {0};
    struct am_people_filter dec = {.status = AM_STATUS_DETAINED, .as_of = "2025-12-31"};
    assert_int_equal(am_registry_people(f->store, &dec, collect, &before, &err), 0);
    assert_int_equal(before.n, 2);

    struct seen official = {0};
    struct am_people_filter min = {.status = -1, .source = "Ministerio"};
    assert_int_equal(am_registry_people(f->store, &min, collect, &official, &err), 0);
    assert_int_equal(official.n, 1);
    assert_int_equal(official.ids[0], 10);
}

static void test_find_person(void **state)
{
    struct fixture *f = *state;
    struct am_err err = AM_ERR_INIT;
    int64_t id = 0;
    assert_int_equal(am_registry_find_person(f->store, "11", &id, &err), 0);
    assert_int_equal(id, 11);
    assert_int_equal(am_registry_find_person(f->store, "V-12.345.678", &id, &err), 0);
    assert_int_equal(id, 10);
    assert_int_equal(am_registry_find_person(f->store, "9876543", &id, &err), 0);
    assert_int_equal(id, 11);
    assert_int_equal(am_registry_find_person(f->store, "E-9876543", &id, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    am_err_clear(&err);
    assert_int_equal(am_registry_find_person(f->store, "nadie", &id, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    /* One cédula on two persons is a conflict to review, not a silent pick. */
    am_err_clear(&err);
    exec_ok(f->store, "UPDATE record SET cedula = '12345678' WHERE id = 2");
    assert_int_equal(am_registry_find_person(f->store, "12345678", &id, &err), -1);
    assert_int_equal(err.code, AM_ECONFLICT);
    assert_non_null(strstr(err.msg, "10, 11"));
}

static void test_person_json(void **state)
{
    struct fixture *f = *state;
    struct am_err err = AM_ERR_INIT;
    struct am_buf b;
    am_buf_init(&b);
    assert_int_equal(am_registry_person_json(f->store, 10, &b, &err), 0);
    assert_non_null(strstr(b.ptr, "\"status\":\"released_with_measures\""));
    assert_non_null(strstr(b.ptr, "\"status_date\":\"2026-01-20\""));
    assert_non_null(strstr(b.ptr, "\"categories\":[\"protester\",\"student\"]"));
    assert_non_null(strstr(b.ptr, "\"class\":\"political\""));
    /* Events in date order: the arrest comes before the release. */
    assert_true(strstr(b.ptr, "\"arrest\"") < strstr(b.ptr, "\"release_with_measures\""));
    am_buf_reset(&b);
    assert_int_equal(am_registry_person_json(f->store, 99, &b, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    am_buf_release(&b);
}

static int count_link(const struct am_link_row *l, void *ctx)
{
    (void)l;
    (*(int *)ctx)++;
    return 0;
}

static int count_record(const struct am_record_row *r, void *ctx)
{
    if (r->record_id == 1)
        assert_string_equal(r->fields[4], "V-12345678");
    (*(int *)ctx)++;
    return 0;
}

static void test_links_records_sensitivity(void **state)
{
    struct fixture *f = *state;
    struct am_err err = AM_ERR_INIT;
    int n = 0;
    assert_int_equal(am_registry_links(f->store, count_link, &n, &err), 0);
    assert_int_equal(n, 3);
    n = 0;
    assert_int_equal(am_registry_records(f->store, count_record, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(am_registry_set_sensitivity(f->store, 11, "sealed", &err), 0);
    assert_int_equal(am_registry_set_sensitivity(f->store, 11, "secret", &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    am_err_clear(&err);
    assert_int_equal(am_registry_set_sensitivity(f->store, 404, "public", &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabulary),
        cmocka_unit_test(am_test_facts_derived),
        cmocka_unit_test(am_test_facts_manual_event),
        cmocka_unit_test(am_test_facts_upgrade),
        cmocka_unit_test(test_no_events_is_unknown),
        cmocka_unit_test(test_latest_event_wins),
        cmocka_unit_test(test_revocation_and_rearrest),
        cmocka_unit_test(test_same_day_order),
        cmocka_unit_test(test_same_day_release_with_measures),
        cmocka_unit_test(test_split_charges),
        cmocka_unit_test(test_undated_events),
        cmocka_unit_test(test_incommunicado),
        cmocka_unit_test_setup_teardown(test_people, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_person, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links_records_sensitivity, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
