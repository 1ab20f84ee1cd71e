/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The audit's own search for rows linking left alone (src/verify/match.c): an official
 * row with no dates and a surnames-first upper-case name found in an NGO's record and
 * flagged with that record as evidence; a transposed cédula; and the near misses that must
 * stay unknown_identity: a common name, two namesakes, a cédula or a place that says
 * another person.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "amnistia/verify.h"
#include "verify/fixture.h"
#include "verify/groups.h"

struct mworld {
    struct fx fx;
    int64_t gov, ngo, press;
};

/* Names nobody below shares a word with: the registry a rare name is measured against. */
static const char *const background[] = {
    "Yusmary Quintero Bello",  "Oswaldo Chirinos Lugo",   "Nelly Azocar Fuenmayor",
    "Wuilmer Pacheco Salas",   "Dayana Briceño Ochoa",    "Leonel Zambrano Peña",
    "Xiomara Guedez Aponte",   "Yonaiker Sifontes Rueda", "Marbelis Camacaro Tovar",
    "Heberto Lozada Marquina", "Zuleima Bracho Urbina",   "Argenis Mujica Vielma",
    "Norelys Carrasquel Vera", "Eleazar Manzanilla Paz",  "Yanitza Rondon Alfonzo",
    "Ramiro Villarroel Pinto", "Osmary Tirado Escalona",  "Deivis Landaeta Barrios",
    "Mileidy Castellanos Rea", "Johan Arocha Figueroa",
};

static void mworld_open(struct mworld *w, const char *name)
{
    fx_open(&w->fx, name);
    w->gov = fx_snapshot(&w->fx, fx_source(&w->fx, "ministerio", "official"), "2026-01-26");
    w->ngo = fx_snapshot(&w->fx, fx_source(&w->fx, "ngo-a", "ngo"), "2025-12-30");
    w->press = fx_snapshot(&w->fx, fx_source(&w->fx, "prensa", "press"), "2026-01-15");
    for (size_t i = 0; i < sizeof(background) / sizeof(background[0]); i++) {
        int64_t p = fx_person(&w->fx, background[i], NULL);
        int64_t r = fx_record(&w->fx, w->ngo, NULL, background[i], NULL, NULL, NULL, p);
        fx_event(&w->fx, p, "arrest", "2024-08-01", r);
    }
}

/* An official row as the ministry writes it: upper case, surnames first, no dates of
 * arrest, a claimed release in the process; linked only to a person of its own. */
static int64_t official_row(struct mworld *w, const char *name, const char *cedula)
{
    int64_t p = fx_person(&w->fx, name, cedula);
    int64_t r = fx_record(&w->fx, w->gov, NULL, name, cedula, "released", "2026-01-12", p);
    fx_record_set(&w->fx, r, "name_order", "surnames_first");
    fx_event(&w->fx, p, "release", "2026-01-12", r);
    return r;
}

/* A person an NGO saw arrested and released on `released` (NULL: only arrested). */
static int64_t ngo_person(struct mworld *w, const char *name, const char *cedula,
                          const char *released, int64_t *record)
{
    int64_t p = fx_person(&w->fx, name, cedula);
    int64_t r = fx_record(&w->fx, w->ngo, NULL, name, cedula, released ? "released" : "detained",
                          released, p);
    fx_event(&w->fx, p, "arrest", "2019-03-02", r);
    if (released)
        fx_event(&w->fx, p, "release", released, r);
    if (record)
        *record = r;
    return p;
}

static void run(struct mworld *w, struct am_audit *a)
{
    struct am_err err = AM_ERR_INIT;
    struct am_verify_list list;
    assert_int_equal(am_verify_list_resolve(w->fx.s, "ministerio", 1, &list, &err), 0);
    struct am_audit_options opt = {.process_start = "2026-01-08"};
    int rc = am_audit_run(w->fx.s, &list, &opt, a, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
}

static const struct am_audit_flag *flag_of(const struct am_audit_row *r, enum am_flag f)
{
    for (size_t i = 0; i < r->n_flags; i++)
        if (r->flags[i].flag == f)
            return &r->flags[i];
    return NULL;
}

/*
 * The brief's case: "RUIZ SILVA ANDRES", no cédula, no dates but the claimed release;
 * the NGO knows "Andrés Ruiz Silva", released in 2020. The audit finds him, says how, and
 * flags released_earlier with the NGO's record first and its release after.
 */
static void test_sparse_row_found_by_name(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_name");
    int64_t rec;
    int64_t p = ngo_person(&w, "Andrés Ruiz Silva", NULL, "2020-06-15", &rec);
    fx_record_set(&w.fx, rec, "facility", "Tocorón");
    int64_t row = official_row(&w, "RUIZ SILVA ANDRES", NULL);
    fx_record_set(&w.fx, row, "facility", "TOCORON");
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.n_rows, 1);
    const struct am_audit_row *r = &a.rows[0];
    assert_int_equal(r->match_person, p);
    assert_int_equal(r->match_record, rec);
    assert_string_equal(r->match_source, "ngo-a");
    assert_non_null(strstr(r->match_how, "3 name words agree"));
    assert_non_null(strstr(r->match_how, "namesakes expected"));
    assert_null(flag_of(r, AM_FLAG_UNKNOWN_IDENTITY));
    const struct am_audit_flag *f = flag_of(r, AM_FLAG_RELEASED_EARLIER);
    assert_non_null(f);
    assert_true(f->n_evidence >= 2);
    assert_int_equal(f->evidence[0].record_id, rec);
    assert_non_null(strstr(f->evidence[0].what, "identity by the audit's match"));
    assert_int_equal(f->evidence[1].record_id, rec);
    assert_string_equal(f->evidence[1].date, "2020-06-15");
    assert_string_equal(f->evidence[1].what, "release");
    assert_false(r->verified);

    /* The JSON names the match. */
    struct am_buf json;
    am_buf_init(&json);
    am_audit_write_json(&a, &json);
    char want[160];
    snprintf(want, sizeof(want), "\"match\": {\"person_id\": %lld, \"record_id\": %lld",
             (long long)p, (long long)rec);
    assert_non_null(strstr(json.ptr, want));
    am_buf_release(&json);
    am_audit_release(&a);
    fx_close(&w.fx);
}

/* Without the NGO's record there is nothing to find: unknown_identity, and no match. */
static void test_nothing_to_find(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_none");
    official_row(&w, "RUIZ SILVA ANDRES", NULL);
    /* Two words only (a surname and a given name) never match by name. */
    ngo_person(&w, "Andrés Ruiz", NULL, "2020-06-15", NULL);
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.rows[0].match_person, 0);
    assert_null(a.rows[0].match_how);
    assert_non_null(flag_of(&a.rows[0], AM_FLAG_UNKNOWN_IDENTITY));
    assert_int_equal(a.rows[0].n_flags, 1);
    struct am_buf json;
    am_buf_init(&json);
    am_audit_write_json(&a, &json);
    assert_non_null(strstr(json.ptr, "\"match\": null"));
    am_buf_release(&json);
    am_audit_release(&a);
    fx_close(&w.fx);
}

/*
 * A common name: "GONZALEZ PEREZ JOSE" has one exact namesake in the NGO's list, but José,
 * González and Pérez are everywhere in this registry, so the one namesake proves nothing.
 */
static void test_common_name_not_matched(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_common");
    ngo_person(&w, "José González Pérez", NULL, "2020-06-15", NULL);
    static const char *const common[] = {"José González Rojas", "José González Mora",
                                         "José Pérez Rojas",    "José Pérez Mora",
                                         "Luis González Pérez", "Ana González",
                                         "Pedro González",      "José Rojas Mora"};
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
        ngo_person(&w, common[i], NULL, NULL, NULL);
    official_row(&w, "GONZALEZ PEREZ JOSE", NULL);
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.rows[0].match_person, 0);
    assert_non_null(flag_of(&a.rows[0], AM_FLAG_UNKNOWN_IDENTITY));
    am_audit_release(&a);
    fx_close(&w.fx);
}

/* Two persons carry the rare name: the audit cannot choose, and says unknown. */
static void test_two_namesakes_not_matched(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_two");
    ngo_person(&w, "Ezequiel Uzcátegui Colmenares", NULL, "2020-06-15", NULL);
    int64_t p2 = fx_person(&w.fx, "UZCATEGUI COLMENARES, EZEQUIEL", NULL);
    int64_t r2 = fx_record(&w.fx, w.press, NULL, "UZCATEGUI COLMENARES, EZEQUIEL", NULL,
                           "detained", NULL, p2);
    fx_event(&w.fx, p2, "arrest", "2025-02-01", r2);
    official_row(&w, "UZCATEGUI COLMENARES EZEQUIEL", NULL);
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.rows[0].match_person, 0);
    assert_non_null(flag_of(&a.rows[0], AM_FLAG_UNKNOWN_IDENTITY));
    am_audit_release(&a);
    fx_close(&w.fx);
}

/*
 * Two persons carry the name, but the row names its facility: the one held there is
 * chosen when the other is known to be held elsewhere; not when the other's place is
 * unknown (it could be either).
 */
static void test_namesakes_told_apart_by_facility(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_facility");
    int64_t here_rec, there_rec;
    int64_t here = ngo_person(&w, "Ezequiel Uzcátegui Colmenares", NULL, "2020-06-15", &here_rec);
    fx_record_set(&w.fx, here_rec, "facility", "Rodeo I");
    int64_t there = fx_person(&w.fx, "UZCATEGUI COLMENARES, EZEQUIEL", NULL);
    there_rec = fx_record(&w.fx, w.press, NULL, "UZCATEGUI COLMENARES, EZEQUIEL", NULL,
                          "detained", NULL, there);
    fx_record_set(&w.fx, there_rec, "facility", "Uribana");
    fx_event(&w.fx, there, "arrest", "2025-02-01", there_rec);
    int64_t row = official_row(&w, "UZCATEGUI COLMENARES EZEQUIEL", NULL);
    fx_record_set(&w.fx, row, "facility", "RODEO I");
    /* A third namesake with no place: the second row cannot be told apart. */
    int64_t nowhere = fx_person(&w.fx, "OROPEZA LINARES, YURAIMA", NULL);
    fx_record(&w.fx, w.press, NULL, "OROPEZA LINARES, YURAIMA", NULL, "detained", NULL, nowhere);
    int64_t rec2;
    ngo_person(&w, "Yuraima Oropeza Linares", NULL, "2020-06-15", &rec2);
    fx_record_set(&w.fx, rec2, "facility", "Rodeo I");
    row = official_row(&w, "OROPEZA LINARES YURAIMA", NULL);
    fx_record_set(&w.fx, row, "facility", "RODEO I");
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.n_rows, 2);
    assert_int_equal(a.rows[0].match_person, here);
    assert_int_equal(a.rows[0].match_record, here_rec);
    assert_non_null(strstr(a.rows[0].match_how, "the same facility (rodeo 1)"));
    assert_non_null(flag_of(&a.rows[0], AM_FLAG_RELEASED_EARLIER));
    assert_int_equal(a.rows[1].match_person, 0);
    assert_non_null(flag_of(&a.rows[1], AM_FLAG_UNKNOWN_IDENTITY));
    am_audit_release(&a);
    fx_close(&w.fx);
}

/* A rare name, but a field that says another person: a different cédula, or a different
 * state and facility. */
static void test_contradiction_not_matched(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_contra");
    ngo_person(&w, "Yelitza Urdaneta Colmenares", "19999999", "2020-06-15", NULL);
    official_row(&w, "URDANETA COLMENARES YELITZA", "15000001");
    int64_t rec;
    ngo_person(&w, "Wilmer Echenique Sifontes", NULL, "2020-06-15", &rec);
    fx_record_set(&w.fx, rec, "state", "Zulia");
    fx_record_set(&w.fx, rec, "facility", "Sabaneta");
    int64_t row = official_row(&w, "ECHENIQUE SIFONTES WILMER", NULL);
    fx_record_set(&w.fx, row, "state", "Bolívar");
    fx_record_set(&w.fx, row, "facility", "Vista Hermosa");
    /* Same state, another facility: a transfer, not another person. */
    ngo_person(&w, "Milagros Sifontes Albornoz", NULL, "2020-06-15", &rec);
    fx_record_set(&w.fx, rec, "state", "Lara");
    fx_record_set(&w.fx, rec, "facility", "Uribana");
    row = official_row(&w, "SIFONTES ALBORNOZ MILAGROS", NULL);
    fx_record_set(&w.fx, row, "state", "Lara");
    fx_record_set(&w.fx, row, "facility", "Fenix Lara");
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.n_rows, 3);
    assert_int_equal(a.rows[0].match_person, 0);
    assert_int_equal(a.rows[1].match_person, 0);
    assert_non_null(flag_of(&a.rows[0], AM_FLAG_UNKNOWN_IDENTITY));
    assert_non_null(flag_of(&a.rows[1], AM_FLAG_UNKNOWN_IDENTITY));
    assert_int_equal(a.rows[2].match_record, rec);
    assert_non_null(flag_of(&a.rows[2], AM_FLAG_RELEASED_EARLIER));
    am_audit_release(&a);
    fx_close(&w.fx);
}

/*
 * A cédula with two digits swapped and a shorter name: matched by the cédula. The person
 * was never held (an exile the press knows), so the row is not_detained, on that record.
 */
static void test_transposed_cedula(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_cedula");
    int64_t p = fx_person(&w.fx, "MEDINA, CARLOS", "17234856");
    int64_t rec = fx_record(&w.fx, w.press, NULL, "MEDINA, CARLOS", "17234856", "exiled", NULL, p);
    fx_event(&w.fx, p, "exile", "2019-05-01", rec);
    official_row(&w, "MEDINA ALBORNOZ CARLOS", "17243856");
    struct am_audit a;
    run(&w, &a);
    const struct am_audit_row *r = &a.rows[0];
    assert_int_equal(r->match_person, p);
    assert_non_null(strstr(r->match_how, "cédula 17234856 one digit off or swapped"));
    const struct am_audit_flag *f = flag_of(r, AM_FLAG_NOT_DETAINED);
    assert_non_null(f);
    assert_int_equal(f->evidence[0].record_id, rec);
    assert_null(flag_of(r, AM_FLAG_UNKNOWN_IDENTITY));
    am_audit_release(&a);
    fx_close(&w.fx);
}

/*
 * A row the match finds to be the person of another row is that row again (linking split
 * one person in two): a duplicate, with the earlier row as evidence, not a second person.
 */
static void test_person_on_the_list_is_a_duplicate(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_taken");
    int64_t rec;
    int64_t p = ngo_person(&w, "Andrés Ruiz Silva", NULL, "2026-01-12", &rec);
    int64_t linked = fx_record(&w.fx, w.gov, NULL, "RUIZ SILVA ANDRES", NULL, "released",
                               "2026-01-12", p);
    fx_event(&w.fx, p, "release", "2026-01-12", linked);
    official_row(&w, "RUIZ SILVA ANDRES", NULL);
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.n_rows, 2);
    assert_true(a.rows[0].verified);
    assert_int_equal(a.rows[1].match_person, p);
    assert_null(flag_of(&a.rows[1], AM_FLAG_UNKNOWN_IDENTITY));
    const struct am_audit_flag *f = flag_of(&a.rows[1], AM_FLAG_DUPLICATE);
    assert_non_null(f);
    assert_non_null(strstr(f->why, "already on the list at row 1"));
    assert_int_equal(f->evidence[1].record_id, linked);
    am_audit_release(&a);
    fx_close(&w.fx);
}

/*
 * Two words only, but the facility and the charges agree: "QUINTERO ARGENIS" at Tocorón
 * for terrorism is the press's "QUINTERO BELLO, ARGENIS" held there on that charge (the
 * charges written another way, read through the catalog). The same two words with nothing
 * beside them match no one.
 */
static void test_two_words_with_place_and_charges(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_charges");
    int64_t p = fx_person(&w.fx, "QUINTERO BELLO, ARGENIS", NULL);
    int64_t rec = fx_record(&w.fx, w.press, NULL, "QUINTERO BELLO, ARGENIS", NULL, "released",
                            "2019-05-02", p);
    fx_record_set(&w.fx, rec, "facility", "Tocorón");
    fx_record_set(&w.fx, rec, "state", "Aragua");
    fx_record_set(&w.fx, rec, "charges", "TERRORISMO; ASOCIACION PARA DELINQUIR");
    fx_event(&w.fx, p, "arrest", "2018-03-02", rec);
    fx_event(&w.fx, p, "release", "2019-05-02", rec);
    int64_t row = official_row(&w, "QUINTERO ARGENIS", NULL);
    fx_record_set(&w.fx, row, "facility", "TOCORON");
    fx_record_set(&w.fx, row, "state", "ARAGUA");
    fx_record_set(&w.fx, row, "charges", "Asociación para delinquir; Terrorismo");
    /* The same two words, no place, no charges: nothing beside the name. */
    official_row(&w, "BELLO ARGENIS", NULL);
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.n_rows, 2);
    const struct am_audit_row *r = &a.rows[0];
    assert_int_equal(r->match_person, p);
    assert_int_equal(r->match_record, rec);
    assert_non_null(
        strstr(r->match_how, "2 name words agree, the same facility (tocoron) and charges"));
    assert_non_null(flag_of(r, AM_FLAG_RELEASED_EARLIER));
    assert_null(flag_of(r, AM_FLAG_UNKNOWN_IDENTITY));
    assert_int_equal(a.rows[1].match_person, 0);
    assert_non_null(flag_of(&a.rows[1], AM_FLAG_UNKNOWN_IDENTITY));
    am_audit_release(&a);
    fx_close(&w.fx);
}

/*
 * A state written with and without its accent is one state: "MÉRIDA" and "Merida" make no
 * contradiction with another facility, so the rare three-word name still matches.
 */
static void test_state_accents_agree(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_accents");
    int64_t rec;
    int64_t p = ngo_person(&w, "Yorbelis Carvajal Urdaneta", NULL, "2020-06-15", &rec);
    fx_record_set(&w.fx, rec, "facility", "Rodeo I");
    fx_record_set(&w.fx, rec, "state", "Merida");
    int64_t row = official_row(&w, "CARVAJAL URDANETA YORBELIS", NULL);
    fx_record_set(&w.fx, row, "facility", "LA PICA");
    fx_record_set(&w.fx, row, "state", "MÉRIDA");
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.rows[0].match_person, p);
    assert_non_null(flag_of(&a.rows[0], AM_FLAG_RELEASED_EARLIER));
    am_audit_release(&a);
    fx_close(&w.fx);
}

/*
 * The record that shares the name has no cédula, but another record of the same person
 * gives one the row's contradicts: another person, no match.
 */
static void test_other_record_of_person_contradicts(void **state)
{
    (void)state;
    struct mworld w;
    mworld_open(&w, "match_person_contra");
    int64_t rec;
    int64_t p = ngo_person(&w, "Francisco Yánez Urdaneta", NULL, "2020-06-15", &rec);
    int64_t other = fx_record(&w.fx, w.press, NULL, "YANEZ, FRANCISCO", "31394914", "released",
                              "2020-06-15", p);
    (void)other;
    official_row(&w, "YANEZ URDANETA CESAR FRANCISCO", "10199244");
    struct am_audit a;
    run(&w, &a);
    assert_int_equal(a.rows[0].match_person, 0);
    assert_non_null(flag_of(&a.rows[0], AM_FLAG_UNKNOWN_IDENTITY));
    am_audit_release(&a);
    fx_close(&w.fx);
}

int am_test_match(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sparse_row_found_by_name),
        cmocka_unit_test(test_nothing_to_find),
        cmocka_unit_test(test_common_name_not_matched),
        cmocka_unit_test(test_two_namesakes_not_matched),
        cmocka_unit_test(test_namesakes_told_apart_by_facility),
        cmocka_unit_test(test_contradiction_not_matched),
        cmocka_unit_test(test_transposed_cedula),
        cmocka_unit_test(test_person_on_the_list_is_a_duplicate),
        cmocka_unit_test(test_two_words_with_place_and_charges),
        cmocka_unit_test(test_state_accents_agree),
        cmocka_unit_test(test_other_record_of_person_contradicts),
    };
    return cmocka_run_group_tests_name("audit match", tests, NULL, NULL);
}
