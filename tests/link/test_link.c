/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * link: comparison levels, the regression set of tricky pairs (tests/link/tricky_pairs.csv),
 * EM on a synthetic population, clustering constraints, incremental re-linking, review
 * decisions and explanations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amnistia/link.h"
#include "fixture.h"
#include "link/link_int.h"

/* ---- comparison levels ------------------------------------------------------------ */

struct lv_case {
    const char *a_given, *a_sur, *a_full;
    const char *b_given, *b_sur, *b_full;
    int field, level;
    const char *why;
};

static void add(struct am__link_records *r, struct am_arena *ar, int64_t id, const char *given,
                const char *sur, const char *full, const char *ced, const char *birth,
                const char *sex, const char *state, const char *facility)
{
    am__link_records_add(r, id, 1, 0, 0, given, sur, full, full ? NULL : "split", ced ? "V" : NULL,
                         ced, sex, birth, NULL, state, facility, NULL, ar);
}

static const struct lv_case name_cases[] = {
    {"María José", "Pérez González", NULL, NULL, NULL, "PEREZ GONZALEZ, MARIA JOSE", AM_LF_GIVEN,
     AM_LL_EXACT, "accents and case"},
    {"María José", "Pérez González", NULL, NULL, NULL, "PEREZ GONZALEZ, MARIA JOSE",
     AM_LF_SURNAMES, AM_LL_EXACT, "surnames first with a comma"},
    {"Luis", "González Pérez", NULL, "Luis", "Pérez González", NULL, AM_LF_SURNAMES, AM_LL_EXACT,
     "surnames swapped"},
    {"Luis", "González Pérez", NULL, "Luis", "González", NULL, AM_LF_SURNAMES, AM_LL_CLOSE,
     "second surname missing"},
    {"Luis", "González Pérez", NULL, "Luis", "Gonzales Pérez", NULL, AM_LF_SURNAMES, AM_LL_CLOSE,
     "z/s typo"},
    {"Luis", "Uzcátegui Pérez", NULL, "Luis", "Uzcátegiu Pérez", NULL, AM_LF_SURNAMES,
     AM_LL_CLOSE, "swapped letters"},
    {"Luis", "González Pérez", NULL, "Luis", "González Rojas", NULL, AM_LF_SURNAMES, AM_LL_FAR,
     "one surname in common"},
    {"Luis", "González Pérez", NULL, "Luis", "Medina Rojas", NULL, AM_LF_SURNAMES,
     AM_LL_DIFFERENT, "no surname in common"},
    {"Ana", "De La Cruz Silva", NULL, NULL, NULL, "DE LA CRUZ SILVA, ANA", AM_LF_SURNAMES,
     AM_LL_EXACT, "particle kept with its surname"},
    {NULL, NULL, "María Pérez de González", "María", "González", NULL, AM_LF_SURNAMES,
     AM_LL_CLOSE, "married name against the husband's surname"},
    {NULL, NULL, "María Pérez de González", "María", "Pérez", NULL, AM_LF_SURNAMES, AM_LL_EXACT,
     "married name against the maiden surname (the married name is extra)"},
    {NULL, NULL, "María Pérez de González", "María", "Pérez Rojas de González", NULL,
     AM_LF_SURNAMES, AM_LL_CLOSE, "married name on both sides, one gives a second surname"},
    {NULL, NULL, "Irene Urdaneta de Suárez", "Irene", "Urdaneta Salazar", NULL, AM_LF_SURNAMES,
     AM_LL_CLOSE, "married name against father's and mother's surnames (she drops her mother's)"},
    {"Irene", "Urdaneta Salazar", NULL, NULL, NULL, "URDANETA DE SUAREZ, IRENE", AM_LF_SURNAMES,
     AM_LL_CLOSE, "the same, the married side second and written surnames first"},
    {NULL, NULL, "Irene Urdaneta de Suárez", "Irene", "Salazar Urdaneta", NULL, AM_LF_SURNAMES,
     AM_LL_FAR, "her surname as the other's mother's surname: not her father's, stays far"},
    {NULL, NULL, "Irene Urdaneta de Suárez", "Irene", "Urdaneta Suárez", NULL, AM_LF_SURNAMES,
     AM_LL_CLOSE, "the husband's surname among the other's surnames"},
    {"María José", "Pérez", NULL, "María", "Pérez", NULL, AM_LF_GIVEN, AM_LL_CLOSE,
     "second given name missing"},
    {"José", "Pérez", NULL, "Pepe", "Pérez", NULL, AM_LF_GIVEN, AM_LL_EXACT,
     "nickname as the name it stands for"},
    {"Yelitza", "Pérez", NULL, "Yelitsa", "Pérez", NULL, AM_LF_GIVEN, AM_LL_CLOSE,
     "phonetic variant"},
    {"Juan Carlos", "Pérez", NULL, "Carlos", "Pérez", NULL, AM_LF_GIVEN, AM_LL_FAR,
     "second name used as first"},
    {"Juan", "Pérez", NULL, "Pedro", "Pérez", NULL, AM_LF_GIVEN, AM_LL_DIFFERENT,
     "different given names"},
    {"Juan", "Pérez", NULL, NULL, NULL, "PEREZ", AM_LF_GIVEN, AM_LL_MISSING, "no given name"},
};

static void test_name_levels(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(name_cases) / sizeof(name_cases[0]); k++) {
        const struct lv_case *c = &name_cases[k];
        struct am__link_records r;
        struct am_arena ar;
        am__link_records_init(&r);
        am_arena_init(&ar);
        add(&r, &ar, 1, c->a_given, c->a_sur, c->a_full, NULL, NULL, NULL, NULL, NULL);
        add(&r, &ar, 2, c->b_given, c->b_sur, c->b_full, NULL, NULL, NULL, NULL, NULL);
        am__link_pattern p = am__link_compare(&r, 0, 1);
        int got = am__link_level_of(p, c->field);
        if (got != c->level)
            fail_msg("%s: %s level %s, expected %s", c->why, am_link_field_name(c->field),
                     am_link_level_name(got), am_link_level_name(c->level));
        /* Symmetric. */
        assert_int_equal(am__link_level_of(am__link_compare(&r, 1, 0), c->field), c->level);
        am__link_records_release(&r);
        am_arena_release(&ar);
    }
}

static void test_cedula_levels(void **state)
{
    (void)state;
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 12345678, 8), AM_LL_EXACT);
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 12354678, 8), AM_LL_CLOSE); /* swap */
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 12345679, 8), AM_LL_CLOSE); /* digit */
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 1234578, 7), AM_LL_CLOSE);  /* dropped */
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 123456789, 9), AM_LL_CLOSE); /* added */
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 12346587, 8), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 87654321, 8), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_cedula(12345678, 8, 1234, 4), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_cedula(0, 0, 12345678, 8), AM_LL_MISSING);
}

static void test_birth_levels(void **state)
{
    (void)state;
    int32_t d = am_days_from_civil(1980, 3, 7);
    assert_int_equal(am__link_cmp_birth(d, d), AM_LL_EXACT);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1980, 7, 3)), AM_LL_CLOSE);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1981, 3, 7)), AM_LL_CLOSE);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1980, 3, 17)), AM_LL_CLOSE);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1980, 4, 8)), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_birth(d, am_days_from_civil(1975, 11, 20)), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_birth(d, AM__LINK_MISSING_DATE), AM_LL_MISSING);
}

static void test_arrest_levels(void **state)
{
    (void)state;
    int32_t d = am_days_from_civil(2024, 8, 3);
    assert_int_equal(am__link_cmp_arrest(d, d), AM_LL_EXACT);
    assert_int_equal(am__link_cmp_arrest(d, d + 5), AM_LL_CLOSE);   /* a few days' slip */
    assert_int_equal(am__link_cmp_arrest(d + 7, d), AM_LL_CLOSE);
    assert_int_equal(am__link_cmp_arrest(d, am_days_from_civil(2024, 3, 8)), AM_LL_CLOSE); /* d/m */
    assert_int_equal(am__link_cmp_arrest(d, d + 8), AM_LL_FAR);
    assert_int_equal(am__link_cmp_arrest(d, d - 61), AM_LL_FAR);
    assert_int_equal(am__link_cmp_arrest(d, d + 62), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_arrest(d, am_days_from_civil(2019, 1, 23)), AM_LL_DIFFERENT);
    assert_int_equal(am__link_cmp_arrest(d, AM__LINK_MISSING_DATE), AM_LL_MISSING);
    assert_int_equal(am__link_cmp_arrest(AM__LINK_MISSING_DATE, AM__LINK_MISSING_DATE),
                     AM_LL_MISSING);
    assert_string_equal(am_link_field_name(AM_LF_ARREST), "arrest_date");
    assert_string_equal(am_link_level_meaning(AM_LF_ARREST, AM_LL_EXACT), "the same arrest date");

    /* Records: dates set as lists write them; none loaded means missing, not different. */
    struct am__link_records r;
    struct am_arena ar;
    am__link_records_init(&r);
    am_arena_init(&ar);
    add(&r, &ar, 1, "Yelitza Coromoto", "Mendoza Briceño", NULL, NULL, NULL, NULL, NULL, NULL);
    add(&r, &ar, 2, NULL, NULL, "YELITZA MENDOZA", NULL, NULL, NULL, NULL, NULL);
    add(&r, &ar, 3, "Yelitza", "Mendoza", NULL, NULL, NULL, NULL, NULL, NULL);
    add(&r, &ar, 4, "Yelitza", "Mendoza", NULL, NULL, NULL, NULL, NULL, NULL);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 1), AM_LF_ARREST), AM_LL_MISSING);
    am__link_arrest_set(&r, 0, "2021-03-17");
    am__link_arrest_set(&r, 1, "17/03/2021");
    am__link_arrest_set(&r, 2, "not a date");
    am__link_arrest_set(&r, 3, "2099-01-01"); /* in the future: not a date a list can give */
    am__link_arrest_set(&r, 9, "2021-03-17"); /* no such record: ignored */
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 1), AM_LF_ARREST), AM_LL_EXACT);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 2), AM_LF_ARREST), AM_LL_MISSING);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 3), AM_LF_ARREST), AM_LL_MISSING);

    /* Blocking: the surname+arrest_date rule pairs the record that drops a given name and
     * a surname (read as one run of words) with the full one. */
    struct am__link_block_out out;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am__link_block(&r, NULL, &out, &err), 0);
    const char *rule = am__link_block_rule_of(&out, 0, 1);
    assert_non_null(rule);
    assert_string_equal(rule, "surname+arrest_date");
    am__link_block_release(&out);
    am__link_records_release(&r);
    am_arena_release(&ar);
}

/* A name a mapping declares surnames first, with no comma ("RUIZ SILVA ANDRES": one
 * surname and two given names, or two surnames and one?), meets the record that writes it
 * either way: blocking keys both splits, as the comparison tries both. */
static void test_blocking_surnames_first_splits(void **state)
{
    (void)state;
    struct am__link_records r;
    struct am_arena ar;
    am__link_records_init(&r);
    am_arena_init(&ar);
    am__link_records_add(&r, 1, 2, 0, 0, NULL, NULL, "RUIZ SILVA ANDRES", "surnames_first", NULL,
                         NULL, NULL, NULL, NULL, "SUCRE", "TOCORON", NULL, &ar);
    add(&r, &ar, 2, "Andrés", "Ruiz Silva", NULL, NULL, NULL, NULL, "Sucre", "Tocorón");
    am__link_records_add(&r, 3, 2, 0, 0, NULL, NULL, "PEREZ ARIAS JOSE LUIS", "surnames_first",
                         NULL, NULL, NULL, NULL, NULL, NULL, "YARE I", NULL, &ar);
    add(&r, &ar, 4, "José", "Pérez Arias", NULL, NULL, NULL, NULL, NULL, "Yare I");
    /* The one-surname split of the four words: surname Pérez, given Arias. */
    add(&r, &ar, 5, "Arias", "Pérez", NULL, NULL, NULL, NULL, NULL, "Yare I");
    /* Another given name with the same surnames: no key in common. */
    add(&r, &ar, 6, "Pedro", "Ruiz Silva", NULL, NULL, NULL, NULL, "Sucre", "Tocorón");
    struct am__link_block_out out;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am__link_block(&r, NULL, &out, &err), 0);
    assert_string_equal(am__link_block_rule_of(&out, 0, 1), "surname+given+place");
    assert_string_equal(am__link_block_rule_of(&out, 2, 3), "surname+given+place");
    assert_string_equal(am__link_block_rule_of(&out, 2, 4), "surname+given+place");
    assert_null(am__link_block_rule_of(&out, 0, 5));
    assert_null(am__link_block_rule_of(&out, 1, 2));
    am__link_block_release(&out);
    /* The comparison under the split that agrees: the same given names and surnames. */
    am__link_pattern p = am__link_compare(&r, 0, 1);
    assert_int_equal(am__link_level_of(p, AM_LF_GIVEN), AM_LL_EXACT);
    assert_int_equal(am__link_level_of(p, AM_LF_SURNAMES), AM_LL_EXACT);
    am__link_records_release(&r);
    am_arena_release(&ar);
}

/* The press writes "SURNAMES, GIVEN" and its mapping says `order surnames_first`: the comma
 * says where the surnames end, so the name is read as written, not guessed (before, the
 * first word "hernandez" was taken for a possible given name and left out of the
 * surname+arrest_date key, so "Luis Hernández" arrested the same day never met it). A
 * surname with a typo ("GUTIERRIZ") keeps its first letter: given+initial+arrest_date
 * brings it to the same name spelt right, and nothing to another surname's initial. */
static void test_blocking_comma_and_surname_typos(void **state)
{
    (void)state;
    struct am__link_records r;
    struct am_arena ar;
    am__link_records_init(&r);
    am_arena_init(&ar);
    add(&r, &ar, 1, "Luis", "Hernández", NULL, NULL, NULL, NULL, NULL, NULL);
    am__link_records_add(&r, 2, 2, 0, 0, NULL, NULL, "HERNANDEZ MARQUEZ, LUIS",
                         "surnames_first", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &ar);
    add(&r, &ar, 3, "Yonathan", "Gutiérrez Arias", NULL, NULL, NULL, NULL, NULL, NULL);
    am__link_records_add(&r, 4, 2, 0, 0, NULL, NULL, "GUTIERRIZ, YONATHAN", "surnames_first",
                         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &ar);
    /* Same given name and day, another surname's initial: not brought together. */
    add(&r, &ar, 5, "Yonathan", "Torres", NULL, NULL, NULL, NULL, NULL, NULL);
    /* Same name spelt right, arrested another day: not by the dated rules. */
    add(&r, &ar, 6, "Yonathan", "Gutiérrez", NULL, NULL, NULL, NULL, NULL, NULL);
    /* "Vásquez" and a typist's "BASQUZE": b and v share an initial here. */
    add(&r, &ar, 7, "Wilmer", "Vásquez Rojas", NULL, NULL, NULL, NULL, NULL, NULL);
    am__link_records_add(&r, 8, 2, 0, 0, NULL, NULL, "BASQUZE, WILMER", "surnames_first", NULL,
                         NULL, NULL, NULL, NULL, NULL, NULL, NULL, &ar);
    assert_int_equal(r.n_words[1], 0); /* read as written */
    assert_int_equal(r.n_sur[1], 2);
    const char *dates[] = {"2025-01-06", "2025-01-06", "2024-08-03", "2024-08-03",
                           "2024-08-03", "2024-09-30", "2019-01-23", "2019-01-23"};
    for (size_t i = 0; i < 8; i++)
        am__link_arrest_set(&r, i, dates[i]);
    struct am__link_block_out out;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am__link_block(&r, NULL, &out, &err), 0);
    assert_string_equal(am__link_block_rule_of(&out, 0, 1), "surname+arrest_date");
    assert_string_equal(am__link_block_rule_of(&out, 2, 3), "given+initial+arrest_date");
    assert_string_equal(am__link_block_rule_of(&out, 6, 7), "given+initial+arrest_date");
    assert_null(am__link_block_rule_of(&out, 3, 4));
    /* 3 and 6 (Gutiérrez, another day) meet only by the name-only rule. */
    assert_string_equal(am__link_block_rule_of(&out, 2, 5), "surname+given");
    am__link_block_release(&out);
    /* Compared, the typo pair agrees on the given name and closely on the surnames. */
    am__link_pattern p = am__link_compare(&r, 2, 3);
    assert_int_equal(am__link_level_of(p, AM_LF_GIVEN), AM_LL_EXACT);
    assert_int_equal(am__link_level_of(p, AM_LF_SURNAMES), AM_LL_CLOSE);
    assert_int_equal(am__link_level_of(p, AM_LF_ARREST), AM_LL_EXACT);
    am__link_records_release(&r);
    am_arena_release(&ar);
}

/* Two digits of a cédula swapped: the sorted-digits rule compares the pair, and a place
 * shared by two namesakes without dates gets them compared by surname+given+place. */
static void test_blocking_rules_for_sparse_lists(void **state)
{
    (void)state;
    struct am__link_records r;
    struct am_arena ar;
    am__link_records_init(&r);
    am_arena_init(&ar);
    add(&r, &ar, 1, "Francisco", "Torres", NULL, "31491990", NULL, NULL, NULL, NULL);
    add(&r, &ar, 2, "Francisco", "Torres Sánchez", NULL, "31499190", NULL, NULL, NULL, NULL);
    add(&r, &ar, 3, "Rafael", "Acosta Hernández", NULL, NULL, NULL, NULL, "Carabobo", "Yare II");
    add(&r, &ar, 4, NULL, NULL, "ACOSTA HERNANDEZ, RAFAEL", NULL, NULL, NULL, NULL, "YARE II");
    add(&r, &ar, 5, "Rafael", "Acosta", NULL, NULL, NULL, NULL, NULL, "Tocorón");
    struct am__link_block_out out;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am__link_block(&r, NULL, &out, &err), 0);
    assert_string_equal(am__link_block_rule_of(&out, 0, 1), "cedula_digits+given");
    assert_string_equal(am__link_block_rule_of(&out, 2, 3), "surname+given+place");
    /* Another facility: only the name-only rule pairs them. */
    assert_string_equal(am__link_block_rule_of(&out, 2, 4), "surname+given");
    assert_null(am__link_block_rule_of(&out, 0, 2));
    am__link_block_release(&out);
    am__link_records_release(&r);
    am_arena_release(&ar);
}

/* Blocking over a crowd of namesakes with small caps (every rule capped somewhere): each
 * pair once, a < b, with the pattern am__link_compare gives and the rule that generated
 * it; the per-block caches of readings give the same levels as a fresh comparison; the
 * weights from the per-record term-frequency table equal am__link_pair_weight. */
static void test_block_pairs_match_compare(void **state)
{
    (void)state;
    static const char *const given[] = {"José", "José Luis", "Luis", "María", "Pepe", "Jose"};
    static const char *const sur[] = {"González", "González Pérez", "Gonzales", "Pérez",
                                      "Pérez González"};
    static const char *const full[] = {"JOSE GONZALEZ PEREZ", "GONZALEZ PEREZ JOSE",
                                       "Luis Gonzalez", "María Pérez de González",
                                       "GONZALEZ, JOSE LUIS"};
    static const char *const arrest[] = {"2024-08-01", "2024-08-01", "2024-08-03", NULL};
    struct am__link_records r;
    struct am_arena ar;
    am__link_records_init(&r);
    am_arena_init(&ar);
    int64_t id = 1;
    for (int rep = 0; rep < 3; rep++) {
        for (size_t g = 0; g < 6; g++)
            for (size_t s = 0; s < 5; s++) {
                char ced[16], birth[16];
                snprintf(ced, sizeof(ced), "%d", 12345670 + (int)((g * 5 + s) % 7) + rep);
                snprintf(birth, sizeof(birth), "198%d-0%d-1%d", rep, (int)(s % 9) + 1, (int)g);
                add(&r, &ar, id++, given[g], sur[s], NULL, (g + s) % 3 ? ced : NULL,
                    (g + s + (size_t)rep) % 2 ? birth : NULL, g % 2 ? "M" : NULL,
                    s % 2 ? "Zulia" : NULL, (g + (size_t)rep) % 3 ? "Rodeo I" : NULL);
            }
        for (size_t f = 0; f < 5; f++)
            add(&r, &ar, id++, NULL, NULL, full[f], NULL, NULL, NULL, NULL, "Rodeo I");
    }
    for (size_t i = 0; i < r.n; i++)
        am__link_arrest_set(&r, i, arrest[i % 4]);

    struct am_link_options opt = {.threads = 2, .block_cap = 8};
    struct am__link_block_out out;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am__link_block(&r, &opt, &out, &err), 0);
    assert_true(out.pairs.n > 100);
    uint64_t capped = 0;
    for (size_t k = 0; k < out.n_rules; k++)
        capped += out.rules[k].capped_blocks;
    assert_true(capped > 0);
    uint8_t *seen = calloc(r.n * r.n, 1);
    uint64_t per_rule = 0;
    for (size_t k = 0; k < out.n_rules; k++)
        per_rule += out.rules[k].pairs;
    assert_int_equal(per_rule, out.pairs.n);
    for (size_t k = 0; k < out.pairs.n; k++) {
        const struct am__link_pair *p = &out.pairs.v[k];
        assert_true(p->a < p->b);
        assert_int_equal(seen[p->a * r.n + p->b], 0);
        seen[p->a * r.n + p->b] = 1;
        assert_int_equal(p->pattern, am__link_compare(&r, p->a, p->b));
        assert_non_null(am__link_block_rule_of(&out, p->a, p->b));
    }
    /* Readings kept across pairs (as a block keeps them) change nothing. */
    struct am__link_crec *c = calloc(r.n, sizeof(*c));
    struct am__link_views *v = calloc(r.n, sizeof(*v));
    for (size_t i = 0; i < r.n; i++)
        am__link_crec_fill(&r, (uint32_t)i, &c[i]);
    for (uint32_t a = 0; a < r.n; a++)
        for (uint32_t b = a + 1; b < r.n; b++)
            assert_int_equal(am__link_compare_cv(&r, &c[a], &c[b], &v[a], &v[b]),
                             am__link_compare(&r, a, b));
    /* Weights from the table, bit for bit. */
    struct am__link_model *m = calloc(1, sizeof(*m));
    am__link_model_u(m, &r, 7);
    am__link_model_em_fit(m, out.pattern_count_dated, out.pattern_count, out.pairs.n, r.n);
    struct am__link_tfcache tf;
    am__link_tfcache_init(&tf, m, &r);
    for (uint32_t a = 0; a < r.n; a++)
        for (uint32_t b = 0; b < r.n; b++) {
            if (a == b)
                continue;
            am__link_pattern p = am__link_compare(&r, a, b);
            assert_true(am__link_pair_weight_cached(m, &r, &tf, a, b, p) ==
                        am__link_pair_weight(m, &r, a, b, p));
        }
    am__link_tfcache_release(&tf);
    free(m);
    free(c);
    free(v);
    free(seen);
    am__link_block_release(&out);
    am__link_records_release(&r);
    am_arena_release(&ar);
}

static void test_sex_place_levels(void **state)
{
    (void)state;
    struct am__link_records r;
    struct am_arena ar;
    am__link_records_init(&r);
    am_arena_init(&ar);
    add(&r, &ar, 1, "Ana", "Pérez", NULL, NULL, NULL, "F", "Zulia", "Rodeo I");
    add(&r, &ar, 2, "Ana", "Pérez", NULL, NULL, NULL, "F", "ZULIA", "RODEO I");
    add(&r, &ar, 3, "Ana", "Pérez", NULL, NULL, NULL, "M", "Zulia", "Tocorón");
    add(&r, &ar, 4, "Ana", "Pérez", NULL, NULL, NULL, NULL, "Lara", NULL);
    add(&r, &ar, 5, "Ana", "Pérez", NULL, NULL, NULL, NULL, NULL, NULL);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 1), AM_LF_SEX), AM_LL_EXACT);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 2), AM_LF_SEX), AM_LL_DIFFERENT);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 3), AM_LF_SEX), AM_LL_MISSING);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 1), AM_LF_PLACE), AM_LL_EXACT);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 2), AM_LF_PLACE), AM_LL_CLOSE);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 3), AM_LF_PLACE),
                     AM_LL_DIFFERENT);
    assert_int_equal(am__link_level_of(am__link_compare(&r, 0, 4), AM_LF_PLACE), AM_LL_MISSING);
    /* Every level a field produces is one it declares. */
    for (uint32_t a = 0; a < 5; a++)
        for (uint32_t b = 0; b < 5; b++) {
            am__link_pattern p = am__link_compare(&r, a, b);
            for (int f = 0; f < AM_LF__COUNT; f++)
                assert_true(am__link_level_used(f, am__link_level_of(p, f)));
        }
    assert_string_equal(am_link_field_name(AM_LF_CEDULA), "cedula");
    assert_string_equal(am_link_level_name(AM_LL_FAR), "far");
    assert_string_equal(am_link_level_meaning(AM_LF_CEDULA, AM_LL_FAR), "");
    am__link_records_release(&r);
    am_arena_release(&ar);
}

/* A name whose word order nobody stated is compared under the reading that agrees best,
 * and an explanation shows that reading. */
static void test_name_readings(void **state)
{
    (void)state;
    struct am__link_records r;
    struct am_arena ar;
    am__link_records_init(&r);
    am_arena_init(&ar);
    add(&r, &ar, 1, "Gustavo Adolfo", "Landaeta Azuaje", NULL, NULL, NULL, NULL, NULL, NULL);
    add(&r, &ar, 2, NULL, NULL, "GUSTAVO LANDAETA AZUAJE", NULL, NULL, NULL, NULL, NULL);
    /* Surnames first without a comma, as an official list's mapping may declare. */
    am__link_records_add(&r, 3, 1, 0, 0, NULL, NULL, "LANDAETA AZUAJE GUSTAVO",
                         "surnames_first", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &ar);
    assert_int_equal(r.n_words[0], 0); /* separate columns: the order is known */
    assert_int_equal(r.n_words[1], 3);
    am__link_pattern p = am__link_compare(&r, 0, 1);
    assert_int_equal(am__link_level_of(p, AM_LF_SURNAMES), AM_LL_EXACT);
    assert_int_equal(am__link_level_of(p, AM_LF_GIVEN), AM_LL_CLOSE);
    p = am__link_compare(&r, 1, 2);
    assert_int_equal(am__link_level_of(p, AM_LF_SURNAMES), AM_LL_EXACT);
    assert_int_equal(am__link_level_of(p, AM_LF_GIVEN), AM_LL_EXACT);
    struct am_buf g1, s1, g2, s2;
    am_buf_init(&g1);
    am_buf_init(&s1);
    am_buf_init(&g2);
    am_buf_init(&s2);
    am__link_name_reading(&r, 0, 1, &g1, &s1, &g2, &s2);
    assert_string_equal(g1.ptr, "gustavo adolfo");
    assert_string_equal(s1.ptr, "landaeta azuaje");
    assert_string_equal(g2.ptr, "gustavo");
    assert_string_equal(s2.ptr, "landaeta azuaje");
    am_buf_release(&g1);
    am_buf_release(&s1);
    am_buf_release(&g2);
    am_buf_release(&s2);
    am__link_records_release(&r);
    am_arena_release(&ar);
}

/* ---- clustering -------------------------------------------------------------------- */

static int no_conflict(void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    (void)a;
    (void)b;
    return 0;
}

static int conflict_0_2(void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    return (a == 0 && b == 2) || (a == 2 && b == 0);
}

static void test_cluster_constraints(void **state)
{
    (void)state;
    /* 0-1 strong, 1-2 weak but above threshold, 3-4 strong, 5 alone. */
    struct am__link_pair pairs[] = {
        {0, 1, 0, 20.0f}, {1, 2, 0, 4.0f}, {3, 4, 0, 15.0f}, {4, 5, 0, -10.0f}};
    struct am__link_cluster_in in = {.n = 6, .pairs = pairs, .n_pairs = 4,
                                     .threshold_weight = 3.17, .conflict = no_conflict};
    struct am__link_cluster_out out;
    am__link_cluster(&in, &out);
    assert_int_equal(out.links, 3);
    assert_int_equal(out.label[0], 0);
    assert_int_equal(out.label[1], 0);
    assert_int_equal(out.label[2], 0);
    assert_int_equal(out.label[3], 3);
    assert_int_equal(out.label[4], 3);
    assert_int_equal(out.label[5], 5);
    assert_float_equal(out.best[0], 20.0f, 1e-6);
    assert_true(isnan(out.best[5]));
    am__link_cluster_release(&out);

    /* Weak middle: 0 and 2 are clearly different people (found by the all-pairs check of
     * a small component): the weakest edge (1-2) goes. */
    in.conflict = conflict_0_2;
    am__link_cluster(&in, &out);
    assert_int_equal(out.dropped, 1);
    assert_int_equal(out.label[1], 0);
    assert_int_equal(out.label[2], 2);
    am__link_cluster_release(&out);

    /* The same through a compared pair flagged as a conflict. */
    struct am__link_pair pairs2[] = {{0, 1, 0, 20.0f},
                                     {1, 2, 0, 4.0f},
                                     {0, 2, AM__LINK_CONFLICT_BIT, -30.0f}};
    struct am__link_cluster_in in2 = {.n = 3, .pairs = pairs2, .n_pairs = 3,
                                      .threshold_weight = 3.17, .conflict = NULL};
    am__link_cluster(&in2, &out);
    assert_int_equal(out.dropped, 1);
    assert_int_equal(out.label[2], 2);
    am__link_cluster_release(&out);

    /* A human "different" between 3 and 4 splits a strong link; "same" joins 4 and 5. */
    const uint32_t cannot[][2] = {{3, 4}};
    const uint32_t must[][2] = {{4, 5}};
    in.conflict = no_conflict;
    in.cannot = cannot;
    in.n_cannot = 1;
    in.must = must;
    in.n_must = 1;
    am__link_cluster(&in, &out);
    assert_int_not_equal(out.label[3], out.label[4]);
    assert_int_equal(out.label[4], out.label[5]);
    assert_int_equal(out.dropped, 1);
    am__link_cluster_release(&out);

    /* A human "same" wins over a conflict found by comparison, and the component it is
     * in is not split by comparison conflicts. */
    const uint32_t must02[][2] = {{0, 2}};
    struct am__link_cluster_in in3 = {.n = 3, .pairs = pairs2, .n_pairs = 3,
                                      .threshold_weight = 3.17, .must = must02, .n_must = 1};
    am__link_cluster(&in3, &out);
    assert_int_equal(out.label[0], out.label[2]);
    assert_int_equal(out.label[1], 0);
    am__link_cluster_release(&out);
}

/* ---- a synthetic population -------------------------------------------------------- */

static void test_population_em_and_accuracy(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fx_open(path, sizeof(path), "pop");
    assert_non_null(s);
    struct fx_population pop;
    fx_population(&pop, 1500, 42);
    assert_int_equal(fx_list(&pop, s, "Lista A", 0.8, 0.04, 1), 0);
    assert_int_equal(fx_list(&pop, s, "Lista B", 0.7, 0.08, 2), 0);
    assert_int_equal(fx_list(&pop, s, "Lista C", 0.5, 0.04, 3), 0);
    struct am_err err = AM_ERR_INIT;
    struct am_link_summary sum;
    struct am_link_options opt = {0};
    assert_int_equal(am_link_run(s, &opt, &sum, &err), 0);
    assert_int_equal(sum.records, pop.n_listed);
    assert_true(sum.model.em_converged);
    /* The model found what a person's records look like. */
    assert_true(sum.model.m[AM_LF_CEDULA][AM_LL_EXACT] > 0.8);
    assert_true(sum.model.u[AM_LF_CEDULA][AM_LL_EXACT] < 1e-3);
    assert_true(sum.model.weight[AM_LF_BIRTH][AM_LL_EXACT] > 5);
    assert_true(sum.model.weight[AM_LF_CEDULA][AM_LL_DIFFERENT] < -3);
    assert_true(sum.model.weight[AM_LF_SURNAMES][AM_LL_DIFFERENT] < 0);
    double precision, recall;
    fx_pairwise(&pop, s, &precision, &recall);
    double f1 = 2 * precision * recall / (precision + recall);
    print_message("population: %zu records, %llu pairs, precision %.4f recall %.4f F1 %.4f\n",
                  pop.n_listed, (unsigned long long)sum.pairs, precision, recall, f1);
    assert_true(f1 > 0.97);
    /* Every record has one person; events followed their records; no person is empty. */
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM record_person", 0), (int64_t)pop.n_listed);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM person p WHERE NOT EXISTS (SELECT 1 FROM"
                                  " record_person rp WHERE rp.person_id = p.id)", 0), 0);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM event e JOIN record_person rp ON"
                                  " rp.record_id = e.record_id WHERE rp.person_id != e.person_id",
                               0),
                     0);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM person", 0), (int64_t)sum.persons);
    fx_population_release(&pop);
    am_store_close(s);
    fx_remove(path);
}

/* ---- the regression set of tricky pairs --------------------------------------------- */

static char *field_of(char **line)
{
    char *s = *line, *bar = strchr(s, '|');
    if (bar) {
        *bar = 0;
        *line = bar + 1;
    } else
        *line = s + strlen(s);
    return s;
}

static void test_tricky_pairs(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fx_open(path, sizeof(path), "tricky");
    assert_non_null(s);
    struct fx_population pop;
    fx_population(&pop, 1500, 7);
    assert_int_equal(fx_list(&pop, s, "Lista A", 0.8, 0.04, 11), 0);
    assert_int_equal(fx_list(&pop, s, "Lista B", 0.7, 0.06, 12), 0);
    assert_int_equal(fx_list(&pop, s, "Lista C", 0.5, 0.04, 13), 0);
    int64_t snap_a = fx_snapshot(s, "Casos A"), snap_b = fx_snapshot(s, "Casos B");

    struct am_buf file;
    am_buf_init(&file);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_buf_read_file(&file, AM_SOURCE_DIR "/tests/link/tricky_pairs.txt", &err), 0);
    struct pair {
        int same;
        char why[128];
        int64_t a, b;
    } pairs[64];
    size_t np = 0;
    for (char *line = file.ptr; *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        if (*line && *line != '#') {
            char *cur = line, *f[12];
            for (int k = 0; k < 12; k++)
                f[k] = field_of(&cur);
            assert_true(np < 64);
            pairs[np].same = strcmp(f[0], "same") == 0;
            assert_true(pairs[np].same || strcmp(f[0], "different") == 0);
            snprintf(pairs[np].why, sizeof(pairs[np].why), "%s", f[1]);
            struct fx_rec ra = {.full = f[2], .cedula = *f[3] ? f[3] : NULL,
                                .birth = *f[4] ? f[4] : NULL, .sex = *f[5] ? f[5] : NULL,
                                .arrest = *f[10] ? f[10] : NULL};
            struct fx_rec rb = {.full = f[6], .cedula = *f[7] ? f[7] : NULL,
                                .birth = *f[8] ? f[8] : NULL, .sex = *f[9] ? f[9] : NULL,
                                .arrest = *f[11] ? f[11] : NULL};
            pairs[np].a = fx_record(s, snap_a, &ra);
            pairs[np].b = fx_record(s, snap_b, &rb);
            np++;
        }
        line = nl ? nl + 1 : line + strlen(line);
    }
    am_buf_release(&file);
    assert_true(np >= 20);

    struct am_link_summary sum;
    assert_int_equal(am_link_run(s, NULL, &sum, &err), 0);
    struct am_linker *lk = am_linker_new(s, NULL, &err);
    assert_non_null(lk);
    int failures = 0;
    for (size_t k = 0; k < np; k++) {
        int same = fx_person_of(s, pairs[k].a) == fx_person_of(s, pairs[k].b);
        if (same != pairs[k].same) {
            struct am_link_explanation e;
            assert_int_equal(am_linker_explain(lk, pairs[k].a, pairs[k].b, &e, &err), 0);
            print_message("tricky pair '%s': expected %s, got %s (probability %.4f)\n",
                          pairs[k].why, pairs[k].same ? "same" : "different",
                          same ? "same" : "different", e.probability);
            for (int f = 0; f < AM_LF__COUNT; f++)
                print_message("   %-12s %-9s %+7.2f %+6.2f  %s | %s\n",
                              am_link_field_name(e.fields[f].field),
                              am_link_level_name(e.fields[f].level), e.fields[f].weight,
                              e.fields[f].tf_adjust, e.fields[f].a_value, e.fields[f].b_value);
            failures++;
        }
    }
    am_linker_free(lk);
    fx_population_release(&pop);
    am_store_close(s);
    fx_remove(path);
    assert_int_equal(failures, 0);
}

/* ---- explanations, review, decisions -------------------------------------------------- */

static void test_explain_review_decide(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fx_open(path, sizeof(path), "explain");
    assert_non_null(s);
    struct fx_population pop;
    fx_population(&pop, 800, 5);
    assert_int_equal(fx_list(&pop, s, "Lista A", 0.8, 0.05, 21), 0);
    assert_int_equal(fx_list(&pop, s, "Lista B", 0.8, 0.10, 22), 0);
    struct am_err err = AM_ERR_INIT;
    struct am_linker *lk = am_linker_new(s, NULL, &err);
    assert_non_null(lk);
    const struct am_link_summary *sum = am_linker_summary(lk);
    assert_int_equal(sum->records, pop.n_listed);
    assert_true(sum->pairs > 0);
    uint64_t by_rules = 0;
    for (size_t k = 0; k < sum->n_rules; k++)
        by_rules += sum->rules[k].pairs;
    assert_int_equal(by_rules, sum->pairs);

    /* The waterfall adds up to the total and the probability follows from it. */
    int64_t a = pop.listed[0].record, b = pop.listed[1].record;
    struct am_link_explanation e;
    assert_int_equal(am_linker_explain(lk, b, a, &e, &err), 0);
    assert_true(e.a < e.b);
    double total = e.prior_weight;
    for (int f = 0; f < AM_LF__COUNT; f++)
        total += e.fields[f].weight + e.fields[f].tf_adjust;
    assert_float_equal(total, e.weight, 1e-9);
    assert_float_equal(e.probability, exp2(e.weight) / (1 + exp2(e.weight)), 1e-9);
    assert_null(e.decision);

    /* Errors: the same record twice, a record that does not exist. */
    assert_int_equal(am_linker_explain(lk, a, a, &e, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    assert_non_null(strstr(err.msg, "same record"));
    am_err_clear(&err);
    assert_int_equal(am_linker_explain(lk, a, 999999, &e, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    assert_non_null(strstr(err.msg, "record 999999 does not exist"));
    am_err_clear(&err);

    /* The review queue: most uncertain first, all within the band. */
    struct am_link_explanation q[50];
    size_t total_q = 0;
    size_t n = am_linker_review(lk, 50, q, &total_q);
    assert_true(n <= total_q);
    double thr = log2(0.9 / 0.1);
    for (size_t i = 0; i < n; i++) {
        assert_true(fabs(q[i].weight - thr) <= 6.0 + 1e-3);
        if (i)
            assert_true(fabs(q[i].weight - thr) >= fabs(q[i - 1].weight - thr) - 1e-3);
    }
    am_linker_free(lk);

    /* Decisions: errors leave nothing written. */
    assert_int_equal(am_link_decide(s, a, a, 1, "same row", "tester", &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    am_err_clear(&err);
    assert_int_equal(am_link_decide(s, a, b, 1, "", "tester", &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    assert_non_null(strstr(err.msg, "--reason"));
    am_err_clear(&err);
    assert_int_equal(am_link_decide(s, a, 999999, 1, "seen", "tester", &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    assert_non_null(strstr(err.msg, "record 999999 does not exist"));
    am_err_clear(&err);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM match_decision", 0), 0);

    /* A decision is stored once per pair (in order), replaced by a later one. */
    assert_int_equal(am_link_decide(s, b, a, 1, "same photo", "tester", &err), 0);
    assert_int_equal(am_link_decide(s, a, b, 0, "different mothers", "tester", &err), 0);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM match_decision", 0), 1);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM match_decision WHERE verdict ="
                                  " 'different' AND record_a < record_b", 0),
                     1);
    lk = am_linker_new(s, NULL, &err);
    assert_non_null(lk);
    assert_int_equal(am_linker_explain(lk, a, b, &e, &err), 0);
    assert_string_equal(e.decision, "different");
    /* A decided pair leaves the review queue. */
    n = am_linker_review(lk, 50, q, &total_q);
    for (size_t i = 0; i < n; i++)
        assert_false(q[i].a == (a < b ? a : b) && q[i].b == (a < b ? b : a));
    am_linker_free(lk);

    /* Bad threshold. */
    struct am_link_options bad = {.threshold = 1.5};
    assert_null(am_linker_new(s, &bad, &err));
    assert_int_equal(err.code, AM_EUSAGE);
    am_err_clear(&err);
    fx_population_release(&pop);
    am_store_close(s);
    fx_remove(path);
}

/* Rows entered by hand on a person (reviewers' facts, verdicts, a sensitivity set by hand)
 * follow a person that a link removes to the person that received its records; with
 * none of them present, the write skips those steps (every other test). */
static void test_hand_rows_follow_merge(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fx_open(path, sizeof(path), "handrows");
    assert_non_null(s);
    struct fx_population pop;
    fx_population(&pop, 300, 21);
    assert_int_equal(fx_list(&pop, s, "Lista A", 0.9, 0.0, 41), 0);
    assert_int_equal(fx_list(&pop, s, "Lista B", 0.9, 0.0, 42), 0);
    struct am_err err = AM_ERR_INIT;
    /* One fact and one verdict on every person, naming its record. */
    assert_int_equal(am_store_exec(s,
                                   "INSERT INTO person_fact(person_id, fact, value, by, at, note)"
                                   " SELECT person_id, 'custody', 'r' || record_id, 'tester',"
                                   " '2026-11-29T00:00:00Z', 'by hand' FROM record_person;"
                                   "INSERT INTO law(id, name, version, status, sha256, text)"
                                   " VALUES (1, 'Ley de prueba', 1, 'draft', 'abc', 'texto');"
                                   "INSERT INTO verdict(law_id, person_id, as_of, outcome, rule,"
                                   " article, reasons, at) SELECT 1, id, '2026-11-29',"
                                   " 'needs_review', 'r', 'a', '[]', '2026-11-29T00:00:00Z'"
                                   " FROM person",
                                   &err),
                     0);
    /* Two records of one person, in two lists: the later person (higher id) will go. */
    int64_t a = 0, b = 0;
    for (size_t i = 0; i < pop.n_listed && !b; i++)
        for (size_t j = i + 1; j < pop.n_listed && !b; j++)
            if (pop.listed[i].truth == pop.listed[j].truth) {
                a = pop.listed[i].record;
                b = pop.listed[j].record;
            }
    assert_true(a && b);
    int64_t pa = fx_person_of(s, a), pb = fx_person_of(s, b);
    int64_t gone = pa > pb ? pa : pb;
    assert_int_equal(fx_scalar(s, "UPDATE person SET sensitivity = 'sealed',"
                                  " sensitivity_by_hand = 1 WHERE id = ?1 RETURNING id",
                               gone),
                     gone);
    int64_t facts = fx_scalar(s, "SELECT count(*) FROM person_fact WHERE ?1", 1);

    struct am_link_summary sum;
    assert_int_equal(am_link_run(s, NULL, &sum, &err), 0);
    assert_true(sum.persons_removed > 0);
    /* The pair was linked, the sealed person removed, and its level went to the other. */
    assert_int_equal(fx_person_of(s, a), fx_person_of(s, b));
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM person WHERE id = ?1", gone), 0);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM person WHERE id = ?1 AND sensitivity ="
                                  " 'sealed' AND sensitivity_by_hand = 1",
                               fx_person_of(s, a)),
                     1);
    /* Every fact kept, each on the person now holding the record it names. */
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM person_fact WHERE ?1", 1), facts);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM person_fact f JOIN record_person rp ON"
                                  " 'r' || rp.record_id = f.value WHERE f.person_id !="
                                  " rp.person_id OR ?1 = 0",
                               1),
                     0);
    /* The write turned foreign keys and CHECK constraints off for itself: every reference
     * holds, and both are in force again on this connection. */
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM pragma_foreign_key_check WHERE ?1", 1),
                     0);
    assert_int_equal(fx_scalar(s, "SELECT foreign_keys FROM pragma_foreign_keys WHERE ?1", 1), 1);
    assert_int_equal(am_store_exec(s, "UPDATE person SET sensitivity = 'secreto'", &err), -1);
    assert_int_equal(err.code, AM_EDB);
    am_err_clear(&err);
    assert_int_equal(am_store_exec(s, "UPDATE record_person SET decided_by = 'nadie'", &err), -1);
    am_err_clear(&err);
    /* One verdict per remaining person (those of removed persons collided and went). */
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM verdict WHERE ?1", 1),
                     fx_scalar(s, "SELECT count(*) FROM person WHERE ?1", 1));
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM verdict v WHERE ?1 AND NOT EXISTS"
                                  " (SELECT 1 FROM person p WHERE p.id = v.person_id)",
                               1),
                     0);
    fx_population_release(&pop);
    am_store_close(s);
    fx_remove(path);
}

/* ---- incremental re-linking ------------------------------------------------------------ */

static void test_incremental(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fx_open(path, sizeof(path), "incr");
    assert_non_null(s);
    struct fx_population pop;
    fx_population(&pop, 600, 9);
    assert_int_equal(fx_list(&pop, s, "Lista A", 0.8, 0.03, 31), 0);
    assert_int_equal(fx_list(&pop, s, "Lista B", 0.8, 0.03, 32), 0);
    size_t first = pop.n_listed;
    struct am_err err = AM_ERR_INIT;
    struct am_link_summary s1, s2, s3, s4;
    assert_int_equal(am_link_run(s, NULL, &s1, &err), 0);
    /* From import's one person per record: every linked cluster of two merged two. */
    assert_true(s1.persons_merged > 0);
    assert_int_equal(s1.persons_new, 0);
    assert_int_equal(s1.persons + s1.persons_removed, first);
    int64_t *before = am_malloc(first * sizeof(int64_t));
    for (size_t i = 0; i < first; i++)
        before[i] = fx_person_of(s, pop.listed[i].record);

    /* Linking again changes nothing. */
    assert_int_equal(am_link_run(s, NULL, &s2, &err), 0);
    assert_int_equal(s2.persons_unchanged, s2.persons);
    assert_int_equal(s2.persons_merged + s2.persons_split + s2.persons_removed + s2.persons_new, 0);

    /* A hand-added event on a person stays with it. */
    int64_t keep = before[0];
    assert_int_equal(am_store_exec(s, "INSERT INTO event(person_id, type, date, record_id)"
                                      " SELECT person_id, 'transfer', '2026-01-02', NULL FROM"
                                      " record_person ORDER BY record_id LIMIT 1",
                                   &err),
                     0);

    /* A new list: its records join the persons they belong to, ids are kept. */
    assert_int_equal(fx_list(&pop, s, "Lista C", 0.6, 0.03, 33), 0);
    assert_int_equal(am_link_run(s, NULL, &s3, &err), 0);
    size_t kept = 0;
    for (size_t i = 0; i < first; i++)
        kept += fx_person_of(s, pop.listed[i].record) == before[i];
    assert_int_equal(kept, first);
    assert_true(s3.persons_merged > 0); /* earlier persons joined by the new records' persons */
    assert_int_equal(s3.persons_split, 0);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM event WHERE record_id IS NULL AND"
                                  " person_id = ?1", keep),
                     1);

    /* A human says two linked records are different people: the person splits, one side
     * keeps the id. */
    int64_t a = 0, b = 0;
    for (size_t i = 0; i < first && !b; i++)
        for (size_t j = i + 1; j < first && !b; j++)
            if (before[i] == before[j] && pop.listed[i].truth == pop.listed[j].truth) {
                a = pop.listed[i].record;
                b = pop.listed[j].record;
            }
    assert_true(a && b);
    int64_t old = fx_person_of(s, a);
    int64_t size_old = fx_scalar(s, "SELECT count(*) FROM record_person WHERE person_id = ?1", old);
    assert_int_equal(am_link_decide(s, a, b, 0, "different fathers' names", "tester", &err), 0);
    assert_int_equal(am_link_run(s, NULL, &s4, &err), 0);
    assert_int_not_equal(fx_person_of(s, a), fx_person_of(s, b));
    assert_true(fx_person_of(s, a) == old || fx_person_of(s, b) == old);
    assert_int_equal(s4.persons_split, 1);
    assert_int_equal(s4.cannot_links, 1);
    assert_true(s4.persons_new >= 1 || size_old > 2);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM record_person WHERE decided_by = 'review'",
                               0),
                     2);

    /* And says two different people are one: merged. Two persons away from the split. */
    int64_t pa = fx_person_of(s, a), pb = fx_person_of(s, b), x = 0, c = 0;
    for (size_t i = 0; i < first && !c; i++) {
        int64_t pi = fx_person_of(s, pop.listed[i].record);
        if (pi == pa || pi == pb)
            continue;
        if (!x)
            x = pop.listed[i].record;
        else if (pi != fx_person_of(s, x))
            c = pop.listed[i].record;
    }
    assert_true(x && c);
    assert_int_equal(am_link_decide(s, x, c, 1, "same person, new papers", "tester", &err), 0);
    struct am_link_summary s5;
    assert_int_equal(am_link_run(s, NULL, &s5, &err), 0);
    assert_int_equal(fx_person_of(s, x), fx_person_of(s, c));
    assert_int_equal(s5.persons_merged, 1);
    assert_int_equal(s5.persons_removed, 1);
    assert_int_equal(s5.must_links, 1);
    /* Nothing dangles. */
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM event e LEFT JOIN person p ON p.id ="
                                  " e.person_id WHERE p.id IS NULL", 0),
                     0);
    assert_int_equal(fx_scalar(s, "PRAGMA foreign_key_check", 0), -1);
    am_free(before);
    fx_population_release(&pop);
    am_store_close(s);
    fx_remove(path);
}

/* The record_person row noted with a loaded record: origin, weight, and decided_at
 * interned (the same string once; none reads as ""), and no row for a record without. */
static void test_records_keep_old_rows(void **state)
{
    (void)state;
    struct am__link_records r;
    am__link_records_init(&r);
    struct am_arena ar;
    am_arena_init(&ar);
    for (int64_t id = 1; id <= 6; id++)
        add(&r, &ar, id, "Ana", "Rojas", NULL, NULL, NULL, NULL, NULL, NULL);
    char when[] = "2026-11-29T10:00:00Z"; /* a buffer the records must not keep */
    am__link_records_set_row(&r, 0, 1, 12.5, "auto", when);
    am__link_records_set_row(&r, 1, 0, 99, "review", "2026-11-29T10:00:00Z");
    am__link_records_set_row(&r, 2, 1, -3.25, "import", "2026-10-01T00:00:00Z");
    am__link_records_set_row(&r, 3, 1, 0, "otro", NULL);
    am__link_records_set_row(&r, 4, 0, 0, NULL, "");
    when[0] = 'X';
    assert_int_equal(r.rp_flags[0], AM__LINK_RP_PRESENT | AM__LINK_RP_WEIGHT |
                                        AM__LINK_BY_AUTO << AM__LINK_RP_BY_SHIFT);
    assert_true(r.rp_weight[0] == 12.5);
    assert_int_equal(r.rp_flags[1], AM__LINK_RP_PRESENT | AM__LINK_BY_REVIEW
                                                               << AM__LINK_RP_BY_SHIFT);
    assert_true(r.rp_weight[1] == 0); /* no weight: NULL, not the value passed */
    assert_int_equal((r.rp_flags[2] & AM__LINK_RP_BY) >> AM__LINK_RP_BY_SHIFT,
                     AM__LINK_BY_IMPORT);
    assert_true(r.rp_weight[2] == -3.25);
    assert_int_equal((r.rp_flags[3] & AM__LINK_RP_BY) >> AM__LINK_RP_BY_SHIFT, AM__LINK_BY_OTHER);
    assert_int_equal((r.rp_flags[4] & AM__LINK_RP_BY) >> AM__LINK_RP_BY_SHIFT, AM__LINK_BY_OTHER);
    assert_int_equal(r.rp_flags[5], 0);
    assert_int_equal(r.rp_at[0], r.rp_at[1]);
    assert_string_equal(r.rp_at_str.v[r.rp_at[0]], "2026-11-29T10:00:00Z");
    assert_string_equal(r.rp_at_str.v[r.rp_at[2]], "2026-10-01T00:00:00Z");
    assert_int_not_equal(r.rp_at[0], r.rp_at[2]);
    assert_int_equal(r.rp_at[3], 0);
    assert_int_equal(r.rp_at[4], 0);
    assert_string_equal(r.rp_at_str.v[0], "");
    assert_int_equal(r.rp_at_str.n, 3);
    am__link_records_release(&r);
    am_arena_release(&ar);
}

/* record_person after a relink, whichever way the write takes (the whole table rewritten
 * when many rows change, only the changed rows otherwise): a row whose person, origin and
 * weight stay keeps its weight and decided_at; a changed row gets the new ones; the
 * person_id index is there and used. */
static void check_rows_kept(struct am_store *s, int64_t n_changed)
{
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_store_exec(s, "UPDATE record_person SET decided_at ="
                                      " '2000-01-01T00:00:00Z'",
                                   &err),
                     0);
    assert_int_equal(am_store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS rp_before AS SELECT *"
                                      " FROM record_person WHERE false; DELETE FROM"
                                      " temp.rp_before; INSERT INTO temp.rp_before SELECT * FROM"
                                      " record_person",
                                   &err),
                     0);
    /* The first n_changed records (in id order) look as import left them. */
    struct am_stmt *st = am_stmt_prepare(s, "UPDATE record_person SET decided_by = 'import'"
                                            " WHERE record_id IN (SELECT record_id FROM"
                                            " record_person ORDER BY record_id LIMIT ?1)",
                                         &err);
    assert_non_null(st);
    assert_int_equal(am_stmt_bind_int64(st, 1, n_changed, &err), 0);
    assert_int_equal(am_stmt_step(st, &err), 0);
    am_stmt_finalize(st);
    struct am_link_summary sum;
    assert_int_equal(am_link_run(s, NULL, &sum, &err), 0);
    assert_int_equal(sum.persons_unchanged, sum.persons);
    int64_t total = fx_scalar(s, "SELECT count(*) FROM record_person", 0);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM temp.rp_before", 0), total);
    /* The changed rows: 'auto' again, stamped now; the others exactly as they were. */
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM record_person WHERE decided_at !="
                                  " '2000-01-01T00:00:00Z'",
                               0),
                     n_changed);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM record_person rp JOIN temp.rp_before b"
                                  " ON b.record_id = rp.record_id WHERE rp.person_id ="
                                  " b.person_id AND rp.weight IS b.weight AND rp.decided_by ="
                                  " b.decided_by AND rp.decided_at = b.decided_at",
                               0),
                     total - n_changed);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM record_person WHERE decided_by !="
                                  " 'auto'",
                               0),
                     0);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                  " AND name = 'record_person_person'",
                               0),
                     1);
    assert_int_equal(fx_scalar(s, "SELECT count(*) FROM pragma_integrity_check WHERE"
                                  " integrity_check != 'ok'",
                               0),
                     0);
}

static void test_write_keeps_rows(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fx_open(path, sizeof(path), "keeprows");
    assert_non_null(s);
    struct fx_population pop;
    fx_population(&pop, 300, 4);
    assert_int_equal(fx_list(&pop, s, "Lista A", 0.8, 0.03, 41), 0);
    assert_int_equal(fx_list(&pop, s, "Lista B", 0.8, 0.03, 42), 0);
    struct am_err err = AM_ERR_INIT;
    struct am_link_summary sum;
    assert_int_equal(am_link_run(s, NULL, &sum, &err), 0);
    int64_t total = fx_scalar(s, "SELECT count(*) FROM record_person", 0);
    assert_true(total > 100);
    check_rows_kept(s, 3);         /* a few rows: written one by one */
    check_rows_kept(s, total / 2); /* half of them: the table rewritten */
    check_rows_kept(s, 0);
    fx_population_release(&pop);
    am_store_close(s);
    fx_remove(path);
}

/* ---- EM on known mixtures ------------------------------------------------------------ */

/* Pattern counts drawn exactly from two classes with known m, u and lambda: EM from its
 * usual start recovers them. */
static const double mix_m[AM_LF__COUNT][4] = {
    {0.70, 0.20, 0.06, 0.04}, {0.65, 0.30, 0.02, 0.03}, {0.80, 0.05, 0, 0.15},
    {0.75, 0.10, 0, 0.15},    {0.97, 0, 0, 0.03},       {0.50, 0.30, 0, 0.20},
    {0.85, 0.10, 0.03, 0.02}};
static const double mix_u[AM_LF__COUNT][4] = {
    {0.01, 0.02, 0.05, 0.92}, {0.005, 0.03, 0.06, 0.905}, {0.0001, 0.0005, 0, 0.9994},
    {0.0002, 0.005, 0, 0.9948}, {0.6, 0, 0, 0.4},         {0.05, 0.10, 0, 0.85},
    {0.003, 0.03, 0.10, 0.867}};

static void test_em_recovers_mixture(void **state)
{
    (void)state;
    const double(*m_true)[4] = mix_m, (*u_true)[4] = mix_u;
    const double lambda = 0.05, total = 2e8;
    uint64_t *count = am_calloc(AM__LINK_NPATTERNS, sizeof(uint64_t));
    int lv[AM_LF__COUNT];
    uint64_t pairs = 0;
    /* Every combination of the levels each field uses (missing left out). */
    for (int c = 0; c < 4 * 4 * 4 * 4 * 4 * 4 * 4; c++) {
        int x = c, ok = 1;
        double pm = lambda, pu = 1 - lambda;
        for (int f = 0; f < AM_LF__COUNT; f++) {
            lv[f] = x % 4;
            x /= 4;
            if (!am__link_level_used(f, lv[f]))
                ok = 0;
            else {
                pm *= m_true[f][lv[f]];
                pu *= u_true[f][lv[f]];
            }
        }
        if (!ok)
            continue;
        am__link_pattern p = 0;
        for (int f = 0; f < AM_LF__COUNT; f++)
            p |= (am__link_pattern)lv[f] << (AM__LINK_PATTERN_BITS * f);
        count[p] = (uint64_t)llround(total * (pm + pu));
        pairs += count[p];
    }
    struct am__link_model model;
    memset(&model, 0, sizeof(model));
    for (int f = 0; f < AM_LF__COUNT; f++) {
        for (int l = 0; l < 4; l++)
            model.u[f][l] = u_true[f][l];
        model.u[f][AM_LL_MISSING] = 1;
    }
    am__link_model_em(&model, count, pairs, 100000);
    assert_true(model.converged);
    assert_false(model.em_refit);
    assert_float_equal(model.lambda, lambda, 0.005);
    for (int f = 0; f < AM_LF__COUNT; f++)
        for (int l = 0; l < 4; l++)
            if (am__link_level_used(f, l) && fabs(model.m[f][l] - m_true[f][l]) > 0.02)
                fail_msg("m[%s][%s] = %.4f, expected %.4f", am_link_field_name(f),
                         am_link_level_name(l), model.m[f][l], m_true[f][l]);
    /* Weights follow: log2(m/u). */
    assert_float_equal(model.w[AM_LF_CEDULA][AM_LL_EXACT],
                       log2(model.m[AM_LF_CEDULA][AM_LL_EXACT] / 0.0001), 1e-9);
    assert_float_equal(model.w[AM_LF_SEX][AM_LL_MISSING], 0, 1e-12);

    /* A mixture whose second class agrees on places, not names: EM's answer is refitted
     * with the names' m held, and the warning flag is set. */
    memset(count, 0, AM__LINK_NPATTERNS * sizeof(uint64_t));
    am__link_pattern place_class = (AM_LL_DIFFERENT << (AM__LINK_PATTERN_BITS * AM_LF_GIVEN)) |
                                   (AM_LL_DIFFERENT << (AM__LINK_PATTERN_BITS * AM_LF_SURNAMES)) |
                                   (AM_LL_MISSING << (AM__LINK_PATTERN_BITS * AM_LF_CEDULA)) |
                                   (AM_LL_MISSING << (AM__LINK_PATTERN_BITS * AM_LF_BIRTH)) |
                                   (AM_LL_EXACT << (AM__LINK_PATTERN_BITS * AM_LF_SEX)) |
                                   (AM_LL_EXACT << (AM__LINK_PATTERN_BITS * AM_LF_PLACE)) |
                                   (AM_LL_MISSING << (AM__LINK_PATTERN_BITS * AM_LF_ARREST));
    am__link_pattern other = (AM_LL_DIFFERENT << (AM__LINK_PATTERN_BITS * AM_LF_GIVEN)) |
                             (AM_LL_DIFFERENT << (AM__LINK_PATTERN_BITS * AM_LF_SURNAMES)) |
                             (AM_LL_MISSING << (AM__LINK_PATTERN_BITS * AM_LF_CEDULA)) |
                             (AM_LL_MISSING << (AM__LINK_PATTERN_BITS * AM_LF_BIRTH)) |
                             (AM_LL_DIFFERENT << (AM__LINK_PATTERN_BITS * AM_LF_SEX)) |
                             (AM_LL_DIFFERENT << (AM__LINK_PATTERN_BITS * AM_LF_PLACE)) |
                             (AM_LL_MISSING << (AM__LINK_PATTERN_BITS * AM_LF_ARREST));
    count[place_class] = 400000;
    count[other] = 600000;
    am__link_model_em(&model, count, 1000000, 100000);
    assert_true(model.em_refit);
    assert_true(model.m[AM_LF_GIVEN][AM_LL_EXACT] > 0.5);
    am_free(count);
}

/* The mixture of test_em_recovers_mixture as pattern counts (every combination of the
 * levels each field uses); keep_arrest: only the patterns with that arrest level, as a
 * rule keyed on the exact arrest date gives (-1: all). */
static uint64_t mixture_counts(uint64_t *count, double lambda, double total, int keep_arrest)
{
    int lv[AM_LF__COUNT];
    uint64_t pairs = 0;
    for (int c = 0; c < 4 * 4 * 4 * 4 * 4 * 4 * 4; c++) {
        int x = c, ok = 1;
        double pm = lambda, pu = 1 - lambda;
        for (int f = 0; f < AM_LF__COUNT; f++) {
            lv[f] = x % 4;
            x /= 4;
            if (!am__link_level_used(f, lv[f]))
                ok = 0;
            else {
                pm *= mix_m[f][lv[f]];
                pu *= mix_u[f][lv[f]];
            }
        }
        if (!ok || (keep_arrest >= 0 && lv[AM_LF_ARREST] != keep_arrest))
            continue;
        am__link_pattern p = 0;
        for (int f = 0; f < AM_LF__COUNT; f++)
            p |= (am__link_pattern)lv[f] << (AM__LINK_PATTERN_BITS * f);
        count[p] = (uint64_t)llround(total * (pm + pu));
        pairs += count[p];
    }
    return pairs;
}

/* m fitted only on pairs a rule keyed on the exact arrest date compared sees no match
 * whose arrest dates differ by a few days (m of "close" near 0, so a three-day slip
 * weighs as if it never happened to one person); learnt again from pairs that no rule
 * on the arrest date chose, with the other fields' m held, it comes back to the
 * mixture's 0.10. */
static void test_em_free_fields(void **state)
{
    (void)state;
    uint64_t *biased = am_calloc(AM__LINK_NPATTERNS, sizeof(uint64_t));
    uint64_t *all = am_calloc(AM__LINK_NPATTERNS, sizeof(uint64_t));
    uint64_t nb = mixture_counts(biased, 0.05, 2e7, AM_LL_EXACT);
    uint64_t na = mixture_counts(all, 0.05, 2e8, -1);
    assert_true(nb > 1000 && na > nb);
    struct am__link_model a, b;
    memset(&a, 0, sizeof(a));
    for (int f = 0; f < AM_LF__COUNT; f++) {
        for (int l = 0; l < 4; l++)
            a.u[f][l] = mix_u[f][l];
        a.u[f][AM_LL_MISSING] = 1;
    }
    b = a;
    am__link_model_em_fit(&a, biased, all, na, 100000);
    assert_true(a.m[AM_LF_ARREST][AM_LL_CLOSE] < 0.01);
    const uint64_t *free_count[AM__LINK_NFREE] = {NULL, NULL, NULL};
    for (int k = 0; k < AM__LINK_NFREE; k++)
        if (AM__LINK_FREE_FIELDS[k] == AM_LF_ARREST)
            free_count[k] = all;
    am__link_model_em_fit_free(&b, biased, free_count, all, na, 100000);
    assert_float_equal(b.m[AM_LF_ARREST][AM_LL_EXACT], 0.85, 0.02);
    assert_float_equal(b.m[AM_LF_ARREST][AM_LL_CLOSE], 0.10, 0.02);
    assert_true(b.w[AM_LF_ARREST][AM_LL_CLOSE] > a.w[AM_LF_ARREST][AM_LL_CLOSE] + 3);
    /* The other fields keep the m of the first fit; the share of matches is the same. */
    for (int f = 0; f < AM_LF__COUNT; f++)
        if (f != AM_LF_ARREST)
            for (int l = 0; l < AM_LL_MISSING; l++)
                assert_float_equal(b.m[f][l], a.m[f][l], 1e-12);
    assert_float_equal(b.lambda, 0.05, 0.005);
    /* Too few pairs giving the field on both sides: nothing is learnt again. */
    memset(all, 0, AM__LINK_NPATTERNS * sizeof(uint64_t));
    all[0] = 99; /* every field exact: the arrest date known 99 times */
    struct am__link_model c = b;
    memset(&c.m, 0, sizeof(c.m));
    c.lambda = 0;
    am__link_model_em_fit_free(&c, biased, free_count, biased, nb, 100000);
    assert_float_equal(c.m[AM_LF_ARREST][AM_LL_CLOSE], a.m[AM_LF_ARREST][AM_LL_CLOSE], 1e-9);
    am_free(biased);
    am_free(all);
}

/* The prior by list: two records of one list are one person only when the list repeats
 * someone, two records of two lists whenever the lists overlap. am__link_model_lists from
 * the sums of posteriors, and the records per list. */
static void test_prior_by_list(void **state)
{
    (void)state;
    struct am__link_records r;
    struct am_arena ar;
    am__link_records_init(&r);
    am_arena_init(&ar);
    for (int i = 0; i < 4; i++)
        add(&r, &ar, i + 1, "Luis", "Pérez", NULL, NULL, NULL, NULL, NULL, NULL);
    r.snap[0] = r.snap[1] = 7;
    r.snap[2] = r.snap[3] = 9;
    struct am__link_model m;
    memset(&m, 0, sizeof(m));
    m.prior = -10;
    /* Pairs within a list: 2 of the 12 ordered pairs of 4 records are in one list twice
     * over, u = 4/12; a tenth of the matches within a list. */
    am__link_model_lists(&m, &r, 0.1, 1.0);
    assert_true(m.by_list);
    assert_float_equal(m.u_same_list, 4.0 / 12.0, 1e-12);
    assert_float_equal(m.prior_same, -10 + log2(0.1 / (1.0 / 3.0)), 1e-9);
    assert_float_equal(m.prior_cross, -10 + log2(0.9 / (2.0 / 3.0)), 1e-9);
    assert_float_equal(am__link_prior_of(&m, &r, 0, 1), m.prior_same, 0);
    assert_float_equal(am__link_prior_of(&m, &r, 1, 2), m.prior_cross, 0);
    /* No evidence of any match (sums below one): the one prior. */
    am__link_model_lists(&m, &r, 0, 0.5);
    assert_false(m.by_list);
    assert_float_equal(am__link_prior_of(&m, &r, 0, 1), -10, 0);
    /* Every record in one list: nothing to tell apart. */
    r.snap[2] = r.snap[3] = 7;
    am__link_model_lists(&m, &r, 0.5, 2.0);
    assert_false(m.by_list);
    assert_float_equal(am__link_prior_of(&m, &r, 1, 2), -10, 0);
    am__link_records_release(&r);
    am_arena_release(&ar);

    /* In a registry: namesakes within one list start from a lower prior than the same
     * name across two lists, and two snapshots of one source are two lists (an NGO's
     * list of March and its list of November name the same prisoners). */
    char path[512];
    struct am_store *s = fx_open(path, sizeof(path), "bylist");
    assert_non_null(s);
    struct fx_population pop;
    fx_population(&pop, 1200, 5);
    assert_int_equal(fx_list(&pop, s, "Lista A", 0.8, 0.03, 21), 0);
    assert_int_equal(fx_list(&pop, s, "Lista B", 0.6, 0.03, 22), 0);
    int64_t march = fx_snapshot(s, "Foro"), november = fx_snapshot(s, "Foro");
    struct fx_rec x = {.full = "Yelitza Coromoto Briceño Uzcátegui"};
    int64_t a = fx_record(s, march, &x), b = fx_record(s, march, &x),
            c = fx_record(s, november, &x);
    struct am_err err = AM_ERR_INIT;
    struct am_linker *lk = am_linker_new(s, NULL, &err);
    assert_non_null(lk);
    struct am_link_explanation e1, e2;
    assert_int_equal(am_linker_explain(lk, a, b, &e1, &err), 0);
    assert_int_equal(am_linker_explain(lk, a, c, &e2, &err), 0);
    double prior = am_linker_summary(lk)->model.prior_weight;
    assert_true(e1.prior_weight < prior);
    assert_true(e2.prior_weight > prior);
    assert_float_equal(e1.weight - e1.prior_weight, e2.weight - e2.prior_weight, 1e-9);
    am_linker_free(lk);
    fx_population_release(&pop);
    am_store_close(s);
    fx_remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_levels),
        cmocka_unit_test(test_cedula_levels),
        cmocka_unit_test(test_birth_levels),
        cmocka_unit_test(test_arrest_levels),
        cmocka_unit_test(test_blocking_rules_for_sparse_lists),
        cmocka_unit_test(test_blocking_surnames_first_splits),
        cmocka_unit_test(test_blocking_comma_and_surname_typos),
        cmocka_unit_test(test_block_pairs_match_compare),
        cmocka_unit_test(test_sex_place_levels),
        cmocka_unit_test(test_name_readings),
        cmocka_unit_test(test_cluster_constraints),
        cmocka_unit_test(test_em_recovers_mixture),
        cmocka_unit_test(test_em_free_fields),
        cmocka_unit_test(test_prior_by_list),
        cmocka_unit_test(test_population_em_and_accuracy),
        cmocka_unit_test(test_tricky_pairs),
        cmocka_unit_test(test_explain_review_decide),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_records_keep_old_rows),
        cmocka_unit_test(test_write_keeps_rows),
        cmocka_unit_test(test_hand_rows_follow_merge),
    };
    /* LINK_TEST=pattern runs only the matching tests while debugging. */
    const char *only = getenv("LINK_TEST");
    if (only && *only)
        cmocka_set_test_filter(only);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
