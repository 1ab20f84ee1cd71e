/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The commands compare, audit, reconcile and flow run as a user runs them: the built
 * amnistia binary on a small registry, checking output in each format, usage errors
 * (exit 1), bad input (exit 2) and their messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "amnistia/core.h"
#include "verify/fixture.h"
#include "verify/groups.h"

static struct fx fx;

/* Runs `amnistia --db DB ARGS` (stderr joined to stdout); returns the exit status. */
static int run(const char *args, struct am_buf *out)
{
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "AMNISTIA_TODAY=2026-11-29 '%s/amnistia' --db '%s' %s 2>&1",
             AM_BINARY_DIR, fx.path, args);
    am_buf_reset(out);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        am_buf_add(out, chunk, n);
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int setup(void **state)
{
    (void)state;
    fx_open(&fx, "cli");
    int64_t gov = fx_snapshot(&fx, fx_source(&fx, "ministerio", "official"), "2026-01-26");
    int64_t a = fx_snapshot(&fx, fx_source(&fx, "ngo-a", "ngo"), "2025-12-30");
    int64_t b = fx_snapshot(&fx, fx_source(&fx, "ngo-b", "ngo"), "2026-02-10");
    int64_t p1 = fx_person(&fx, "Ana Sintetica", NULL), p2 = fx_person(&fx, "Beto", NULL),
            p3 = fx_person(&fx, "Carla", NULL);
    int64_t r = fx_record(&fx, a, "N-1", "ANA SINTETICA", NULL, "detained", NULL, p1);
    fx_record_set(&fx, r, "facility", "Rodeo I");
    fx_event(&fx, p1, "arrest", "2024-08-01", r);
    r = fx_record(&fx, b, "M-1", "Ana Sintetica", NULL, "released", NULL, p1);
    fx_record_set(&fx, r, "facility", "El Helicoide");
    fx_event(&fx, p1, "release_with_measures", "2026-01-10", r);
    r = fx_record(&fx, a, "N-2", "BETO", NULL, NULL, NULL, p2);
    fx_event(&fx, p2, "arrest", "2019-01-01", r);
    fx_event(&fx, p2, "release", "2021-01-01", r);
    fx_charge(&fx, p2, "Robo", "common", r);
    const int64_t ps[] = {p1, p2, p3};
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof(id), "G-%d", i + 1);
        r = fx_record(&fx, gov, id, "Sintetica", NULL, "released", "2026-01-10", ps[i]);
        fx_event(&fx, ps[i], "release", "2026-01-10", r);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fx_close(&fx);
    return 0;
}

static void test_cli_audit(void **state)
{
    (void)state;
    struct am_buf out;
    am_buf_init(&out);
    assert_int_equal(run("audit ministerio", &out), 0);
    assert_non_null(strstr(out.ptr, "audit of ministerio (snapshot 1, 2026-01-26), process "
                                    "start 2026-01-10"));
    assert_non_null(strstr(out.ptr, "3 rows: 1 verified, 2 flagged"));
    assert_non_null(strstr(out.ptr, "  released_earlier     1\n"));
    assert_non_null(strstr(out.ptr, "released_earlier;not_political"));

    assert_int_equal(run("audit 1 --json --process-start 2026-01-09", &out), 0);
    json_error_t jerr;
    json_t *doc = json_loads(out.ptr, 0, &jerr);
    assert_non_null(doc);
    assert_int_equal(json_array_size(doc), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(doc, 0), "verdict")),
                        "verified");
    json_decref(doc);

    assert_int_equal(run("audit ministerio --csv", &out), 0);
    /* CSV per RFC 4180: CRLF line ends. */
    assert_int_equal(strncmp(out.ptr, "row,list_id,record,person,verdict,flags,sources,evidence\r\n"
                                      "1,G-1,",
                             64),
                     0);
    assert_non_null(strstr(out.ptr, "\n3,G-3,"));

    assert_int_equal(run("audit", &out), 1);
    assert_non_null(strstr(out.ptr, "amnistia: name the list to audit"));
    assert_int_equal(run("audit ministerio ngo-a", &out), 1);
    assert_non_null(strstr(out.ptr, "one list at a time; 'ngo-a' is extra"));
    assert_int_equal(run("audit ministerio --process-start", &out), 1);
    assert_int_equal(run("audit ministerio --process-start 31/01/2026", &out), 1);
    assert_non_null(strstr(out.ptr, "--process-start '31/01/2026' is not a date"));
    assert_int_equal(run("audit ministerio --law", &out), 1);
    assert_non_null(strstr(out.ptr, "--law needs a rule file"));
    assert_int_equal(run("audit ministerio --law /nonexistent.law", &out), 3);
    assert_int_equal(run("audit ministerio --frobnicate", &out), 1);
    assert_non_null(strstr(out.ptr, "unknown option '--frobnicate'"));
    char args[700], bad[600];
    snprintf(args, sizeof(args), "audit ministerio --json --law '%s/laws/anuncio-2026-01-30.law'",
             AM_SOURCE_DIR);
    assert_int_equal(run(args, &out), 0);
    assert_non_null(strstr(out.ptr, "\"verdict\": \"verified\""));
    /* A malformed rule file: its diagnostics and exit 2. */
    snprintf(bad, sizeof(bad), "%s.bad.law", fx.path);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("law x\n  nonsense here\n", f);
    fclose(f);
    snprintf(args, sizeof(args), "audit ministerio --law '%s'", bad);
    assert_int_equal(run(args, &out), 2);
    assert_non_null(strstr(out.ptr, "fix the rule file"));
    unlink(bad);
    assert_int_equal(run("audit nadie", &out), 2);
    assert_non_null(strstr(out.ptr, "no snapshot and no source is called 'nadie'"));
    assert_int_equal(run("audit --help", &out), 0);
    assert_non_null(strstr(out.ptr, "usage: amnistia audit SNAPSHOT"));
    am_buf_release(&out);
}

static void test_cli_compare(void **state)
{
    (void)state;
    struct am_buf out;
    am_buf_init(&out);
    assert_int_equal(run("compare ngo-a ngo-b", &out), 0);
    assert_non_null(strstr(out.ptr, "persons on both: 1; only in A: 1; only in B: 0"));
    assert_non_null(strstr(out.ptr, "status 1; arrest_date 0; release_date 0; facility 1;"));
    assert_non_null(strstr(out.ptr, "Rodeo I"));
    assert_int_equal(run("compare ministerio ngo-a --csv", &out), 0);
    assert_int_equal(strncmp(out.ptr, "kind,person,a_record,a_list_id,b_record,b_list_id,fact,"
                                      "a_value,b_value\r\n",
                             72),
                     0);
    assert_non_null(strstr(out.ptr, "\nonly_a,3,"));
    assert_int_equal(run("compare ministerio ngo-a --json", &out), 0);
    json_error_t jerr;
    json_t *doc = json_loads(out.ptr, 0, &jerr);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "both")), 2);
    json_decref(doc);
    assert_int_equal(run("compare ngo-a", &out), 1);
    assert_non_null(strstr(out.ptr, "name two lists to compare"));
    assert_int_equal(run("compare a b c", &out), 1);
    assert_int_equal(run("compare ngo-a --nope ngo-b", &out), 1);
    assert_int_equal(run("compare ngo-a nadie", &out), 2);
    am_buf_release(&out);
}

static void test_cli_reconcile(void **state)
{
    (void)state;
    struct am_buf out, page;
    am_buf_init(&out);
    am_buf_init(&page);
    assert_int_equal(run("reconcile --as-of 2026-03-01", &out), 0);
    assert_non_null(strstr(out.ptr, "as of 2026-03-01: 3 persons on the latest lists; 1 "
                                    "confirmed by at least two independent sources"));
    assert_non_null(strstr(out.ptr, "ministerio: 3 released; 1 verified; 1 unknown identity; "
                                    "1 released earlier; 1 not political"));
    assert_int_equal(run("reconcile --csv --as-of=2026-03-01", &out), 0);
    assert_non_null(strstr(out.ptr, "\nministerio,official,1,2026-01-26,3,3,1,3,1,1,0,1,0,0,1,0,"
                                    "0,0\r\n"));
    assert_int_equal(run("reconcile --json", &out), 0);
    json_error_t jerr;
    json_t *doc = json_loads(out.ptr, 0, &jerr);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "sources")), 3);
    json_decref(doc);
    char html[600], args[700];
    snprintf(html, sizeof(html), "%s.html", fx.path);
    snprintf(args, sizeof(args), "reconcile --html '%s'", html);
    assert_int_equal(run(args, &out), 0);
    assert_non_null(strstr(out.ptr, "wrote "));
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_buf_read_file(&page, html, &err), 0);
    assert_non_null(strstr(page.ptr, "ministerio: 3 released; 1 verified;"));
    assert_null(strstr(page.ptr, "<script"));
    unlink(html);
    assert_int_equal(run("reconcile --html /nonexistent-dir/x.html", &out), 3);
    assert_non_null(strstr(out.ptr, "cannot write /nonexistent-dir/x.html"));
    assert_int_equal(run("reconcile --as-of 2026-02-31", &out), 1);
    assert_int_equal(run("reconcile --as-of", &out), 1);
    assert_int_equal(run("reconcile extra", &out), 1);
    am_buf_release(&out);
    am_buf_release(&page);
}

static void test_cli_flow(void **state)
{
    (void)state;
    struct am_buf out;
    am_buf_init(&out);
    assert_int_equal(run("flow --by month --csv", &out), 0);
    assert_non_null(strstr(out.ptr, "period,source,arrests,releases\r\n2019-01,all,1,0\r\n"));
    assert_non_null(strstr(out.ptr, "\n2026-01,ministerio,0,3\r\n"));
    assert_int_equal(run("flow --by week --source ngo-a", &out), 0);
    assert_non_null(strstr(out.ptr, "2024-07-29  ngo-a"));
    assert_null(strstr(out.ptr, "all"));
    assert_int_equal(run("flow", &out), 1);
    assert_non_null(strstr(out.ptr, "say --by week or --by month"));
    assert_int_equal(run("flow --by year", &out), 1);
    assert_int_equal(run("flow --by", &out), 1);
    assert_int_equal(run("flow --by week --source nadie", &out), 2);
    assert_non_null(strstr(out.ptr, "no source is called 'nadie'"));
    am_buf_release(&out);
}

int am_test_cli(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_audit),
        cmocka_unit_test(test_cli_compare),
        cmocka_unit_test(test_cli_reconcile),
        cmocka_unit_test(test_cli_flow),
    };
    return cmocka_run_group_tests_name("cli", tests, setup, teardown);
}
