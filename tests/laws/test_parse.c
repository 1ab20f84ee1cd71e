/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The rule-file parser: every malformed law is refused with its message and position
 * (line, column), every error of a file is collected, and the printed form shows the
 * line with a caret under the fault and a hint. Also: the four laws in laws/ parse.
 */
#include <stdlib.h>
#include <string.h>

#include "amnistia/law.h"
#include "laws_tests.h"

#define HEAD                                                                                  \
    "law t\n"                                                                                 \
    "  title \"T\"\n"                                                                         \
    "  version 1\n"                                                                           \
    "  status draft\n"                                                                        \
    "article 1 \"Uno\"\n"                                                                     \
    "  > texto\n"
#define RULE_OK                                                                               \
    "rule r\n"                                                                                \
    "  verdict covered\n"                                                                     \
    "  cite 1\n"                                                                              \
    "  when charges include political\n"
#define DEFAULT_OK                                                                            \
    "default\n"                                                                               \
    "  verdict excluded\n"                                                                    \
    "  cite 1\n"

struct bad_case {
    const char *text;
    long line, col;
    const char *msg;  /* a part of the message */
    const char *hint; /* a part of the hint, or NULL */
};

static const struct bad_case bad[] = {
    /* conditions (line 10 is the `when` line of RULE_OK) */
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when act_dat in [2014-01-01 .. 2015-01-01]\n" DEFAULT_OK,
     10, 8, "unknown fact 'act_dat'", "conditions start with act_date"},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when charges include politcal\n" DEFAULT_OK, 10,
     24, "unknown charge class 'politcal'", "charge classes are political"},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when charges include unknown\n" DEFAULT_OK, 10,
     24, "unknown charge class 'unknown'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when charges contain political\n" DEFAULT_OK, 10,
     16, "expected 'include' or 'only'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when charges include \"  \"\n" DEFAULT_OK, 10, 24,
     "empty charge text", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when status in exiled, prisoner\n" DEFAULT_OK, 10,
     26, "unknown status 'prisoner'", "statuses are detained"},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when status in unknown\n" DEFAULT_OK, 10, 18,
     "unknown status 'unknown'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when status exiled\n" DEFAULT_OK, 10, 15,
     "expected 'in', found 'exiled'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when category in journalists\n" DEFAULT_OK, 10,
     20, "unknown category 'journalists'", "categories are protester"},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when act_date in [2014-01-01 .. 2013-01-01)\n" DEFAULT_OK,
     10, 45, "empty date range", "earlier date first"},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when act_date in [2014-02-30 .. 2015-01-01]\n" DEFAULT_OK,
     10, 21, "expected a date, found '2014-02-30'", "YYYY-MM-DD"},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when act_date in [2014-01-01 2015-01-01]\n" DEFAULT_OK,
     10, 32, "expected '..', found '2015-01-01'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when act_date in [2014-01-01 .. 2015-01-01\n" DEFAULT_OK,
     10, 45, "expected ] or ), found end of line", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when act_date in 2014\n" DEFAULT_OK, 10, 20,
     "expected a date range or `episodes`", "[ and ] include the day"},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when act_date since 2014-01-01\n" DEFAULT_OK, 10,
     17, "expected a date test, found 'since'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when act_date in episodes nowhere\n" DEFAULT_OK,
     10, 29, "unknown episodes list 'nowhere'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when age_at_arrest = 18\n" DEFAULT_OK, 10, 22,
     "expected a comparison, found '='", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when age_at_arrest < old\n" DEFAULT_OK, 10, 24,
     "expected an age in years, found 'old'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when nationality is martian\n" DEFAULT_OK, 10, 23,
     "unknown nationality 'martian'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when fact armed\n" DEFAULT_OK, 10, 13,
     "unknown reviewer fact 'armed'", "reviewer facts are armed_action"},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when fact armed_action extra\n" DEFAULT_OK, 10, 26,
     "unexpected 'extra' after the end of the statement", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  and fact armed_action\n" DEFAULT_OK, 10, 3,
     "`and` before any `when`", NULL},
    /* tokens */
    {HEAD "rule r\n  verdict covered\n  cite 1\n  when fact @armed\n" DEFAULT_OK, 10, 13,
     "unexpected character '@'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  note \"open\n" DEFAULT_OK, 10, 8,
     "unterminated text", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  note \"caf\xC3\"\n" DEFAULT_OK, 10, 12,
     "invalid UTF-8", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  note \"a\0b\"\n" DEFAULT_OK, 10, 10, "NUL byte", NULL},
    /* rules */
    {HEAD "rule r\n  verdict maybe\n  cite 1\n" DEFAULT_OK, 8, 11, "unknown verdict 'maybe'",
     "covered, excluded or needs_review"},
    {HEAD "rule r\n  cite 1\n  when fact armed_action\n" DEFAULT_OK, 7, 1, "rule r has no verdict",
     NULL},
    {HEAD "rule r\n  verdict covered\n  when fact armed_action\n" DEFAULT_OK, 7, 1,
     "rule r cites no article", "every rule cites the law"},
    {HEAD "rule r\n  verdict covered\n  cite 2\n" DEFAULT_OK, 9, 8,
     "article 2 is cited but not declared", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  exception-to zz\n" DEFAULT_OK, 10, 16,
     "unknown rule 'zz'", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  exception-to r\n" DEFAULT_OK, 10, 16,
     "rule r is an exception to itself", NULL},
    {HEAD "rule r\n  verdict covered\n  cite 1\n  exception-to default\n" DEFAULT_OK, 10, 16,
     "a rule cannot be an exception to the default", NULL},
    {HEAD "rule a\n  verdict covered\n  cite 1\n  exception-to b\nrule b\n  verdict excluded\n  cite 1\n  exception-to a\n" DEFAULT_OK,
     7, 1, "rule a is, through its exceptions, an exception to itself", NULL},
    {HEAD RULE_OK "rule r\n  verdict covered\n  cite 1\n" DEFAULT_OK, 11, 6, "rule r declared twice",
     "first declared at line 7"},
    {HEAD RULE_OK "  colour red\n" DEFAULT_OK, 11, 3, "unknown rule property 'colour'", NULL},
    {HEAD RULE_OK "default\n  verdict excluded\n  cite 1\n  when fact armed_action\n", 14, 3,
     "unknown default property 'when'", "the default has only verdict"},
    {HEAD RULE_OK DEFAULT_OK "default\n", 14, 1, "a second default", "the default is at line 11"},
    {HEAD RULE_OK, 11, 1, "the law has no default", NULL},
    {HEAD DEFAULT_OK, 10, 1, "the law has no rule", NULL},
    /* header */
    {"  title \"x\"\n", 1, 3, "indented line outside any block", "start a block first"},
    {"", 1, 1, "no `law` in the file", NULL},
    {"rule r\n", 1, 1, "expected `law`, found 'rule'", "start the file with `law ID`"},
    {"law t\n  version 1\n  status draft\narticle 1\n" RULE_OK DEFAULT_OK, 1, 1,
     "the law has no `title`", NULL},
    {"law t\n  title \"T\"\n  version one\n  status draft\narticle 1\n" RULE_OK DEFAULT_OK, 3, 11,
     "expected a version number, found 'one'", NULL},
    {"law t\n  title \"T\"\n  version 1\n  status passed\narticle 1\n" RULE_OK DEFAULT_OK, 4, 10,
     "unknown status 'passed'", "draft, enacted or struck_down"},
    {"law t\n  title \"T\"\n  version 1\n  status enacted\narticle 1\n" RULE_OK DEFAULT_OK, 4, 10,
     "an enacted law needs its in-force date", "in-force"},
    {"law t\n  title \"T\"\n  version 1\n  status struck_down\narticle 1\n" RULE_OK DEFAULT_OK, 4,
     10, "a struck-down law needs the date of the ruling", NULL},
    {"law t\n  title \"T\"\n  version 1\n  status draft\n  colour red\narticle 1\n" RULE_OK DEFAULT_OK,
     5, 3, "unknown law property 'colour'", NULL},
    {"law t\n  title \"T\"\n  version 1\n  status draft\n  published 30/01/2026\narticle 1\n" RULE_OK
         DEFAULT_OK,
     5, 15, "unexpected character '/'", "put other text in double quotes"},
    {"law t\n  title T\n  version 1\n  status draft\narticle 1\n" RULE_OK DEFAULT_OK, 2, 9,
     "expected the title in double quotes, found 'T'", NULL},
    {HEAD "law u\n" RULE_OK DEFAULT_OK, 7, 1, "a second `law`", NULL},
    /* blocks */
    {HEAD "statute x\n" RULE_OK DEFAULT_OK, 7, 1, "unknown directive 'statute'",
     "directives are law, article"},
    {HEAD "article 1\n" RULE_OK DEFAULT_OK, 7, 9, "article 1 declared twice",
     "first declared at line 5"},
    {HEAD RULE_OK "  > stray\n" DEFAULT_OK, 11, 3, "quoted text outside an article", NULL},
    {HEAD "article 2\n  cite 1\n" RULE_OK DEFAULT_OK, 8, 3, "unexpected line in an article", NULL},
    {HEAD "episodes e\n  one [2014-01-01 .. 2014-02-01]\n" RULE_OK DEFAULT_OK, 7, 1,
     "episodes e cites no article", NULL},
    {HEAD "episodes e\n  cite 1\n" RULE_OK DEFAULT_OK, 7, 1, "episodes e lists no episode", NULL},
    {HEAD "episodes e\n  cite 1\n  one 2014-01-01\n" RULE_OK DEFAULT_OK, 9, 7,
     "expected a date range, found '2014-01-01'", NULL},
    {HEAD "episodes e\n  cite 1\n  one [2014-01-01 .. 2014-02-01] maybe\n" RULE_OK DEFAULT_OK, 9,
     34, "unexpected 'maybe'", NULL},
    {HEAD "episodes e\n  cite 1\n  one [2014-01-01 .. 2014-02-01]\nepisodes e\n  cite 1\n  two [2015-01-01 .. 2015-02-01]\n" RULE_OK DEFAULT_OK,
     10, 10, "episodes e declared twice", NULL},
    /* deadlines */
    {HEAD RULE_OK DEFAULT_OK "deadline d\n  cite 1\n  who \"court\"\n  must \"decide\"\n  met-by amnesty_granted\n",
     14, 1, "deadline d has no `within`", NULL},
    {HEAD RULE_OK DEFAULT_OK "deadline d\n  cite 1\n  who \"court\"\n  must \"decide\"\n  within 15 days of in-force\n  met-by amnesty_granted\n",
     18, 21, "the law has no in-force date", "assumed-in-force"},
    {HEAD RULE_OK DEFAULT_OK "deadline d\n  cite 1\n  who \"court\"\n  must \"decide\"\n  within 15 days of petition\n  met-by amnesty_granted\n",
     18, 21, "unknown starting event 'petition'", NULL},
    {HEAD RULE_OK DEFAULT_OK "deadline d\n  cite 1\n  who \"court\"\n  must \"decide\"\n  within 15 weeks of amnesty_requested\n  met-by amnesty_granted\n",
     18, 13, "expected 'days', found 'weeks'", NULL},
    {HEAD RULE_OK DEFAULT_OK "deadline d\n  cite 1\n  who \"court\"\n  must \"decide\"\n  within 0 days of amnesty_requested\n  met-by amnesty_granted\n",
     18, 10, "expected a number of days, found '0'", NULL},
    {HEAD RULE_OK DEFAULT_OK "deadline d\n  cite 1\n  who \"court\"\n  must \"decide\"\n  within 15 days of amnesty_requested\n  met-by granted\n",
     19, 10, "unknown event 'granted'", NULL},
    {HEAD RULE_OK DEFAULT_OK "deadline d\n  cite 1\n  who \"court\"\n  must \"decide\"\n  within 15 days of amnesty_requested\n  met-by amnesty_granted\n  by tomorrow\n",
     20, 3, "unknown deadline property 'by'", NULL},
    {HEAD RULE_OK DEFAULT_OK "  when fact armed_action\n", 14, 3, "unknown default property 'when'",
     NULL},
    {"    \nlaw t\n", 2, 1, "the law has no `title`", NULL},
};

static void test_bad_laws(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const struct bad_case *c = &bad[i];
        size_t len = strlen(c->text);
        if (strstr(c->msg, "NUL byte"))
            len += strlen(c->text + len + 1) + 1; /* the case embeds a NUL */
        struct am_law_diags d = {0};
        struct am_err err = AM_ERR_INIT;
        struct am_law *law = am_law_parse("t.law", c->text, len, &d, &err);
        int ok = law == NULL && d.v.n > 0 && err.code == AM_EINPUT;
        /* The error in err is the first by position; the case's error must be among
         * those collected, at its position. */
        int found = 0;
        for (size_t k = 0; ok && k < d.v.n; k++)
            if (strstr(d.v.v[k].msg, c->msg) && d.v.v[k].line == c->line &&
                d.v.v[k].col == c->col && (!c->hint || strstr(d.v.v[k].hint, c->hint)))
                found = 1;
        if (!found) {
            fprintf(stderr, "case %zu: expected %ld:%ld '%s'; got:\n", i, c->line, c->col, c->msg);
            for (size_t k = 0; k < d.v.n; k++)
                fprintf(stderr, "  %ld:%ld %s | %s\n", d.v.v[k].line, d.v.v[k].col, d.v.v[k].msg,
                        d.v.v[k].hint);
        }
        if (found && (strcmp(err.input_file, "t.law") != 0 || err.input_line != d.v.v[0].line ||
                      err.input_col != d.v.v[0].col)) {
            fprintf(stderr, "case %zu: err does not hold the first diagnostic\n", i);
            found = 0;
        }
        failures += !found;
        am_law_diags_release(&d);
        am_law_free(law);
    }
    assert_int_equal(failures, 0);
}

/* Every error of a file is collected, in line order, not only the first. */
static void test_all_errors_collected(void **state)
{
    (void)state;
    const char *text = "law t\n"
                       "  title \"T\"\n"
                       "  version 1\n"
                       "  status draft\n"
                       "article 1\n"
                       "rule a\n"
                       "  verdict covered\n"
                       "  cite 9\n"                            /* 8: undeclared article */
                       "  when act_dat in [2014-01-01 .. 2015-01-01]\n" /* 9: unknown fact */
                       "  and charges include politcal\n"      /* 10: unknown class */
                       "rule b\n"
                       "  verdict maybe\n"                     /* 12: bad verdict */
                       "  cite 1\n"
                       "  exception-to zz\n"                   /* 14: unknown rule */
                       "default\n"
                       "  verdict excluded\n"
                       "  cite 1\n";
    struct am_law_diags d = {0};
    struct am_err err = AM_ERR_INIT;
    assert_null(am_law_parse("x.law", text, strlen(text), &d, &err));
    assert_int_equal(d.v.n, 6);
    long want[][2] = {{8, 8}, {9, 8}, {10, 23}, {11, 1}, {12, 11}, {14, 16}};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(d.v.v[i].line, want[i][0]);
        assert_int_equal(d.v.v[i].col, want[i][1]);
    }
    assert_non_null(strstr(d.v.v[3].msg, "rule b has no verdict"));
    assert_int_equal(err.input_line, 8);
    assert_non_null(strstr(err.msg, "article 9 is cited but not declared"));

    /* The printed form: FILE:LINE:COL, the line, a caret under the fault, the hint. */
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    am_law_diags_print(&d, "x.law", text, strlen(text), f);
    fclose(f);
    assert_non_null(strstr(buf, "x.law:9:8: error: unknown fact 'act_dat'\n"
                                "    9 |   when act_dat in [2014-01-01 .. 2015-01-01]\n"
                                "      |        ^\n"
                                "hint: conditions start with act_date"));
    assert_non_null(strstr(buf, "x.law:12:11: error: unknown verdict 'maybe'\n"
                                "   12 |   verdict maybe\n"
                                "      |           ^\n"));
    free(buf);
    am_law_diags_release(&d);
}

/* Columns count characters, not bytes: an accent before the fault does not shift it. */
static void test_column_in_characters(void **state)
{
    (void)state;
    const char *text = HEAD "rule r\n  verdict covered\n  cite 1\n  note \"acción\" bogus\n" DEFAULT_OK;
    struct am_law_diags d = {0};
    struct am_err err = AM_ERR_INIT;
    assert_null(am_law_parse("t.law", text, strlen(text), &d, &err));
    assert_int_equal(d.v.n, 1);
    assert_int_equal(d.v.v[0].line, 10);
    assert_int_equal(d.v.v[0].col, 17);
    am_law_diags_release(&d);
}

/* An episode list holds at most 127 episodes (explanations index them in a byte). */
static void test_too_many_episodes(void **state)
{
    (void)state;
    struct am_buf b;
    am_buf_init(&b);
    am_buf_adds(&b, HEAD "episodes e\n  cite 1\n");
    for (int i = 0; i < 128; i++) {
        char d[11];
        am_format_date(am_days_from_civil(2000, 1, 1) + i, d);
        am_buf_addf(&b, "  e%d [%s .. %s]\n", i, d, d);
    }
    am_buf_adds(&b, RULE_OK DEFAULT_OK);
    struct am_law_diags d = {0};
    struct am_err err = AM_ERR_INIT;
    assert_null(am_law_parse("t.law", b.ptr, b.len, &d, &err));
    assert_int_equal(d.v.n, 1);
    assert_int_equal(d.v.v[0].line, 9 + 127);
    assert_int_equal(d.v.v[0].col, 3);
    assert_string_equal(d.v.v[0].msg, "more than 127 episodes in one list");
    am_law_diags_release(&d);
    am_buf_release(&b);
}

static void test_laws_dir_parses(void **state)
{
    (void)state;
    const char *names[] = {"anuncio-2026-01-30", "ley-amnistia-2026", "comite-madres-2026",
                           "ley-amnistia-2016"};
    for (int i = 0; i < 4; i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/laws/%s.law", AM_SOURCE_DIR, names[i]);
        struct am_law_diags d = {0};
        struct am_err err = AM_ERR_INIT;
        struct am_law *law = am_law_load(path, &d, &err);
        assert_non_null(law);
        assert_int_equal(d.v.n, 0);
        assert_string_equal(am_law_id(law), names[i]);
        am_law_free(law);
    }
    struct am_err err = AM_ERR_INIT;
    assert_null(am_law_load("/nonexistent/x.law", NULL, &err));
    assert_int_equal(err.code, AM_EIO);
}

static void test_header_fields(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof(path), "%s/laws/ley-amnistia-2016.law", AM_SOURCE_DIR);
    struct am_err err = AM_ERR_INIT;
    struct am_law *law = am_law_load(path, NULL, &err);
    assert_non_null(law);
    assert_int_equal(am_law_state(law), AM_LAW_STRUCK_DOWN);
    assert_string_equal(am_law_state_name(am_law_state(law)), "struck_down");
    assert_int_equal(am_law_published(law), am_days_from_civil(2016, 3, 29));
    assert_int_equal(am_law_in_force(law), AM_DATE_UNKNOWN);
    assert_non_null(strstr(am_law_article_text(law, "3"), "crímenes de guerra"));
    assert_null(am_law_article_text(law, "99"));
    am_law_free(law);
    snprintf(path, sizeof(path), "%s/laws/comite-madres-2026.law", AM_SOURCE_DIR);
    law = am_law_load(path, NULL, &err);
    assert_non_null(law);
    assert_int_equal(am_law_in_force(law), am_days_from_civil(2026, 2, 19)); /* assumed */
    assert_int_equal(am_law_deadline_count(law), 1);
    am_law_free(law);
}

int am_test_parse(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_laws),
        cmocka_unit_test(test_all_errors_collected),
        cmocka_unit_test(test_column_in_characters),
        cmocka_unit_test(test_too_many_episodes),
        cmocka_unit_test(test_laws_dir_parses),
        cmocka_unit_test(test_header_fields),
    };
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
