/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `amnistia explain PERSON --law FILE` (am_cmd_explain_law) is not in the command table:
 * link/'s `explain` hands over to it. It is compiled here from src/cli/ and run on a
 * temporary registry, so that its output and its errors are tested before that dispatch.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/common.c"
#include "cli/law_cli.c"
#include "cli/cmd_explain_law.c"
#include "laws_tests.h"

/* main.c's, which this test does not link. */
struct am_store *am_cli_open_store(struct am_cli *cli, struct am_err *err)
{
    return am_store_open(cli->db_path, err);
}

static int run(const char *db, char **argv, int argc, char **out, struct am_err *err)
{
    size_t len;
    struct am_cli cli = {0};
    cli.db_path = db;
    cli.out = open_memstream(out, &len);
    int rc = am_cmd_explain_law(&cli, argc, argv, err);
    fclose(cli.out);
    return rc;
}

static void test_explain_command(void **state)
{
    (void)state;
    char db[512], law[1024];
    snprintf(db, sizeof(db), "%s/test_laws_explain_%d.db", AM_BINARY_DIR, (int)getpid());
    snprintf(law, sizeof(law), "%s/laws/ley-amnistia-2026.law", AM_SOURCE_DIR);
    unlink(db);
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(db, &err);
    assert_non_null(s);
    assert_int_equal(
        am_store_exec(s,
                      "INSERT INTO source(id,name,kind) VALUES (1,'ONG sintética','ngo');"
                      "INSERT INTO person(id,display_name,cedula_kind,cedula) VALUES"
                      " (1,'Eva Ejemplo','V','11222333');"
                      "INSERT INTO snapshot(id,source_id,title,as_of,imported_at,file_sha256,"
                      "file_name) VALUES (1,1,'l','2026-01-05','2026-01-06T00:00:00Z','a','a.csv');"
                      "INSERT INTO record(id,snapshot_id,row_no,line_no,raw,full_name,cedula_kind,"
                      "cedula) VALUES (1,1,1,2,'{}','Eva Ejemplo','V','11222333');"
                      "INSERT INTO record_person(record_id,person_id,decided_at) VALUES (1,1,'x');"
                      "INSERT INTO event(person_id,type,date,source_id) VALUES"
                      " (1,'arrest','2017-06-02',1),(1,'amnesty_requested','2026-02-20',1);"
                      "INSERT INTO charge(person_id,raw,class,certainty) VALUES"
                      " (1,'Instigación pública','political','confirmed');",
                      &err),
        0);
    am_store_close(s);
    char *out = NULL;
    char *argv1[] = {"explain", "V-11.222.333", "--law", law, "--as-of", "2026-03-01"};
    int rc1 = run(db, argv1, 6, &out, &err);
    if (rc1 != 0)
        fprintf(stderr, "explain: %s\n", err.msg);
    assert_int_equal(rc1, 0);
    assert_non_null(strstr(out, "Eva Ejemplo\nPerson 1 under ley-amnistia-2026 v1"));
    assert_non_null(strstr(out, "VERDICT: covered"));
    assert_non_null(strstr(out, "[arrest event; source ONG sintética]"));
    assert_non_null(strstr(out, "DEADLINE court_decision (art. 7): the court (tribunal de control) "
                                "must decide the amnesty request, with reasons if refused within "
                                "15 days of amnesty_requested: pending, due 2026-03-07"));
    free(out);
    out = NULL;
    /* errors: unknown person, bad law, missing --law, bad date */
    struct am_err e2 = AM_ERR_INIT;
    char *argv2[] = {"explain", "99", "--law", law};
    assert_int_equal(run(db, argv2, 4, &out, &e2), -1);
    assert_int_equal(e2.code, AM_ENOTFOUND);
    free(out);
    out = NULL;
    am_err_clear(&e2);
    char *argv3[] = {"explain", "1"};
    assert_int_equal(run(db, argv3, 2, &out, &e2), -1);
    assert_int_equal(e2.code, AM_EUSAGE);
    assert_non_null(strstr(e2.msg, "--law FILE is required"));
    free(out);
    out = NULL;
    am_err_clear(&e2);
    char *argv4[] = {"explain", "1", "--law", law, "--as-of", "ayer"};
    assert_int_equal(run(db, argv4, 6, &out, &e2), -1);
    assert_int_equal(e2.code, AM_EUSAGE);
    free(out);
    out = NULL;
    am_err_clear(&e2);
    char *argv5[] = {"explain", "1", "--law", "/nonexistent.law"};
    assert_int_equal(run(db, argv5, 4, &out, &e2), -1);
    assert_int_equal(e2.code, AM_EIO);
    free(out);
    unlink(db);
    char side[600];
    snprintf(side, sizeof(side), "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", db);
    unlink(side);
}

int am_test_explain_cmd(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_command),
    };
    return cmocka_run_group_tests_name("explain_cmd", tests, NULL, NULL);
}
