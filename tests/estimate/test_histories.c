/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Capture histories from a synthetic registry: which sources saw each linked person, the
 * populations (detained on a date by derived status, arrested in a period), strata (state,
 * period, sex, category), the choice and order of sources, and every refusal. Also the
 * report layer on top: warnings and strata totals that add draws.
 */
#include "groups.h"
#include "ref.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "amnistia/store.h"

#define PEOPLE 70

/*
 * Person i (1..70) is seen by the sources in pattern (i % 7) + 1 (bit 0 = 'Alfa', bit 1 =
 * 'Beta', bit 2 = 'Gamma'); arrested in 2024 when i is even, in 2025 when odd; released on
 * 2026-01-15 when i % 5 == 0; sex F when i % 3 == 0 else M, none when i == 70; state Zulia
 * when i % 2 else Lara; category student when i % 4 == 0 else protester (twice, so it
 * wins over one 'other').
 */
static struct am_store *make_registry(char *path, size_t n)
{
    snprintf(path, n, "%s/test_histories_%d.db", AM_BINARY_DIR, (int)getpid());
    unlink(path);
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_non_null(s);
    struct am_buf b;
    am_buf_init(&b);
    am_buf_adds(&b, "BEGIN;"
                    "INSERT INTO source VALUES (1, 'Alfa', 'ngo', NULL), (2, 'Beta', 'press', NULL),"
                    " (3, 'Gamma', 'family', NULL);"
                    "INSERT INTO snapshot VALUES (1, 1, 'a', '2026-01-01', 'now', 'h1', 'a.csv', 0, 0),"
                    " (2, 2, 'b', '2026-01-01', 'now', 'h2', 'b.csv', 0, 0),"
                    " (3, 3, 'c', '2026-01-01', 'now', 'h3', 'c.csv', 0, 0);");
    long rec = 0;
    for (int i = 1; i <= PEOPLE; i++) {
        unsigned bits = (unsigned)(i % 7) + 1;
        am_buf_addf(&b, "INSERT INTO person (id, display_name, sex) VALUES (%d, 'Persona %d', %s);",
                    i, i, i == 70 ? "NULL" : i % 3 == 0 ? "'F'" : "'M'");
        for (int j = 0; j < 3; j++) {
            if (!(bits >> j & 1))
                continue;
            rec++;
            am_buf_addf(&b,
                        "INSERT INTO record (id, snapshot_id, row_no, line_no, raw, full_name,"
                        " state) VALUES (%ld, %d, %ld, %ld, '{}', 'Persona %d', '%s');"
                        "INSERT INTO record_person VALUES (%ld, %d, NULL, 'import', 'now');",
                        rec, j + 1, rec, rec + 1, i, i % 2 ? "Zulia" : "Lara", rec, i);
        }
        am_buf_addf(&b, "INSERT INTO event (person_id, type, date) VALUES (%d, 'arrest', '%s');", i,
                    i % 2 == 0 ? "2024-05-01" : "2025-03-01");
        if (i % 5 == 0)
            am_buf_addf(&b,
                        "INSERT INTO event (person_id, type, date) VALUES (%d, 'release', "
                        "'2026-01-15');",
                        i);
        const char *cat = i % 4 == 0 ? "student" : "protester";
        am_buf_addf(&b,
                    "INSERT INTO category VALUES (%d, '%s', NULL), (%d, '%s', NULL),"
                    " (%d, 'other', NULL);",
                    i, cat, i, cat, i);
    }
    /* a person linked to no record is never counted */
    am_buf_adds(&b, "INSERT INTO person (id, display_name) VALUES (999, 'Nadie');COMMIT;");
    assert_int_equal(am_store_exec(s, b.ptr, &err), 0);
    am_buf_release(&b);
    return s;
}

static void expected_all(double count[8], int (*keep)(int))
{
    memset(count, 0, 8 * sizeof(double));
    for (int i = 1; i <= PEOPLE; i++)
        if (!keep || keep(i))
            count[(i % 7) + 1] += 1;
}

static int not_released(int i) { return i % 5 != 0; }
static int arrested_2024(int i) { return i % 2 == 0; }
static int arrested_2024_detained(int i) { return i % 2 == 0 && i % 5 != 0; }

static void test_all_and_populations(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = make_registry(path, sizeof(path));
    struct am_err err = AM_ERR_INIT;
    struct am_mse_population pop = {0};
    struct am_mse_histories h;
    double want[8];

    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_NONE, &h, &err), 0);
    assert_int_equal(h.all.k, 3);
    assert_string_equal(h.all.names[0], "Alfa");
    assert_string_equal(h.all.names[2], "Gamma");
    expected_all(want, NULL);
    for (int c = 1; c < 8; c++)
        assert_true(h.all.count[c] == want[c]);
    assert_true(h.all.n == PEOPLE);
    assert_int_equal(h.nstrata, 0);
    am_mse_histories_release(&h);

    /* detained on 2026-06-01: the released are out */
    assert_int_equal(am_mse_population_parse("detained-on:2026-06-01", &pop, &err), 0);
    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_NONE, &h, &err), 0);
    expected_all(want, not_released);
    for (int c = 1; c < 8; c++)
        assert_true(h.all.count[c] == want[c]);
    assert_int_equal(h.persons_outside, 14);
    am_mse_histories_release(&h);

    /* detained on 2026-01-01: before the releases, everyone is detained */
    assert_int_equal(am_mse_population_parse("detained-on:2026-01-01", &pop, &err), 0);
    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_NONE, &h, &err), 0);
    assert_true(h.all.n == PEOPLE);
    am_mse_histories_release(&h);

    /* detained on 2024-12-31: only the 2024 arrests have happened */
    assert_int_equal(am_mse_population_parse("detained-on:2024-12-31", &pop, &err), 0);
    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_NONE, &h, &err), 0);
    assert_true(h.all.n == PEOPLE / 2);
    am_mse_histories_release(&h);

    /* arrested in 2024 */
    assert_int_equal(am_mse_population_parse("period:2024-01-01..2024-12-31", &pop, &err), 0);
    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_NONE, &h, &err), 0);
    expected_all(want, arrested_2024);
    for (int c = 1; c < 8; c++)
        assert_true(h.all.count[c] == want[c]);
    am_mse_histories_release(&h);
    (void)arrested_2024_detained;
    am_store_close(s);
    unlink(path);
}

static void test_strata(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = make_registry(path, sizeof(path));
    struct am_err err = AM_ERR_INIT;
    struct am_mse_population pop = {0};
    struct am_mse_histories h;

    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_SEX, &h, &err), 0);
    assert_int_equal(h.nstrata, 3);
    assert_string_equal(h.labels[0], "F");
    assert_string_equal(h.labels[1], "M");
    assert_string_equal(h.labels[2], "unknown");
    assert_true(h.strata[0].n == 23); /* multiples of 3 up to 69 */
    assert_true(h.strata[2].n == 1);
    assert_true(h.strata[0].n + h.strata[1].n + h.strata[2].n == h.all.n);
    am_mse_histories_release(&h);

    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_PERIOD, &h, &err), 0);
    assert_int_equal(h.nstrata, 2);
    assert_string_equal(h.labels[0], "2024");
    assert_string_equal(h.labels[1], "2025");
    assert_true(h.strata[0].n == 35 && h.strata[1].n == 35);
    am_mse_histories_release(&h);

    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_STATE, &h, &err), 0);
    assert_int_equal(h.nstrata, 2);
    assert_string_equal(h.labels[0], "Lara");
    assert_string_equal(h.labels[1], "Zulia");
    am_mse_histories_release(&h);

    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_CATEGORY, &h, &err), 0);
    assert_int_equal(h.nstrata, 2);
    assert_string_equal(h.labels[0], "protester");
    assert_string_equal(h.labels[1], "student");
    assert_true(h.strata[1].n == 17); /* multiples of 4 up to 68 */
    am_mse_histories_release(&h);
    am_store_close(s);
    unlink(path);
}

static void test_sources_choice(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = make_registry(path, sizeof(path));
    struct am_err err = AM_ERR_INIT;
    struct am_mse_population pop = {0};
    struct am_mse_histories h;
    /* Gamma then Alfa: bit 0 = Gamma, bit 1 = Alfa; Beta-only people are not seen */
    assert_int_equal(am_mse_histories_load(s, "Gamma,Alfa", &pop, AM_MSE_BY_NONE, &h, &err), 0);
    assert_int_equal(h.all.k, 2);
    assert_string_equal(h.all.names[0], "Gamma");
    double want[4] = {0};
    for (int i = 1; i <= PEOPLE; i++) {
        unsigned bits = (unsigned)(i % 7) + 1;
        unsigned nb = ((bits >> 2) & 1) | ((bits & 1) << 1);
        want[nb] += 1;
    }
    for (int c = 1; c < 4; c++)
        assert_true(h.all.count[c] == want[c]);
    am_mse_histories_release(&h);

    static const struct {
        const char *sources;
        const char *msg;
    } bad[] = {
        {"Alfa,Delta", "no source named 'Delta'; see amnistia sources"},
        {"Alfa,Alfa", "source 'Alfa' given twice"},
        {"Alfa", "1 source: estimation needs at least 2 lists"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        am_err_clear(&err);
        assert_int_equal(am_mse_histories_load(s, bad[i].sources, &pop, AM_MSE_BY_NONE, &h, &err),
                         -1);
        assert_int_equal(err.code, AM_EINPUT);
        if (!strstr(err.msg, bad[i].msg))
            fprintf(stderr, "%s\n", err.msg);
        assert_non_null(strstr(err.msg, bad[i].msg));
    }
    /* seven sources and no --sources */
    am_err_clear(&err);
    assert_int_equal(am_store_exec(s,
                                   "INSERT INTO source (name) VALUES ('D'), ('E'), ('F'), ('G');",
                                   &err),
                     0);
    assert_int_equal(am_mse_histories_load(s, NULL, &pop, AM_MSE_BY_NONE, &h, &err), -1);
    assert_non_null(strstr(err.msg, "the registry has 7 sources; choose 2 to 6 with --sources"));
    am_err_clear(&err);
    assert_int_equal(
        am_mse_histories_load(s, "Alfa,Beta,Gamma,D,E,F,G", &pop, AM_MSE_BY_NONE, &h, &err), -1);
    assert_non_null(strstr(err.msg, "--sources names more than 6 sources"));
    /* six of them are fine, even when some saw no one */
    am_err_clear(&err);
    assert_int_equal(
        am_mse_histories_load(s, "Alfa,Beta,Gamma,D,E,F", &pop, AM_MSE_BY_NONE, &h, &err), 0);
    assert_int_equal(h.all.k, 6);
    assert_true(h.all.n == PEOPLE);
    am_mse_histories_release(&h);
    am_store_close(s);
    unlink(path);
}

static void test_parse_population_and_by(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        const char *msg;
    } bad[] = {
        {"detained-on:2026-02-30", "'2026-02-30' is not a date"},
        {"detained-on:26-01-01", "is not a date"},
        {"detained-on:", "is not a date"},
        {"period:2024-01-01", "is not a period"},
        {"period:2024-01-01..2024-13-01", "is not a period"},
        {"period:2025-01-01..2024-01-01", "ends before it starts"},
        {"jailed:2024", "is not known"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct am_mse_population p;
        struct am_err err = AM_ERR_INIT;
        assert_int_equal(am_mse_population_parse(bad[i].spec, &p, &err), -1);
        assert_int_equal(err.code, AM_EUSAGE);
        assert_non_null(strstr(err.msg, bad[i].msg));
    }
    struct am_mse_population p;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_mse_population_parse("period:2024-02-29..2024-03-01", &p, &err), 0);
    assert_int_equal(p.kind, AM_MSE_POP_PERIOD);
    assert_string_equal(p.from, "2024-02-29");
    assert_string_equal(p.to, "2024-03-01");
    enum am_mse_stratum by;
    assert_int_equal(am_mse_stratum_parse("category", &by, &err), 0);
    assert_int_equal(by, AM_MSE_BY_CATEGORY);
    assert_int_equal(am_mse_stratum_parse("age", &by, &err), -1);
    assert_non_null(strstr(err.msg, "use state, period, sex or category"));
}

static void test_report_warnings(void **state)
{
    (void)state;
    struct am_mse_table t;
    ref_table("kosovo", &t);
    struct am_mse_options o;
    am_mse_options_default(&o);
    o.methods = AM_MSE_LOGLINEAR | AM_MSE_DGA;
    struct am_mse_report r;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_mse_report_run(&t, &o, &r, &err), 0);
    assert_int_equal(r.estimates.n, 4);
    assert_string_equal(r.estimates.v[1].role, "BIC-best");
    assert_string_equal(r.estimates.v[1].model, "[123,14,34]");
    assert_string_equal(r.estimates.v[2].model, "[123,134]");
    assert_int_equal(r.models_searched, 113);
    int swing = 0, dep = 0;
    for (size_t i = 0; i < r.warnings.n; i++) {
        swing += strstr(r.warnings.v[i], "model choice swings the answer") != NULL;
        dep += strstr(r.warnings.v[i], "overlap far more than independence predicts") != NULL;
    }
    assert_int_equal(swing, 1);
    assert_true(dep >= 1);
    am_mse_report_release(&r);

    /* spina bifida: DC and MR overlap far less than independence predicts */
    ref_table("spina_bifida_ny", &t);
    o.methods = AM_MSE_LOGLINEAR;
    assert_int_equal(am_mse_report_run(&t, &o, &r, &err), 0);
    int neg = 0;
    for (size_t i = 0; i < r.warnings.n; i++)
        neg += strstr(r.warnings.v[i], "lists DC and MR overlap far less than independence "
                                       "predicts (odds ratio 0.19") != NULL;
    assert_int_equal(neg, 1);
    assert_true(isfinite(r.estimates.v[0].wald_lo) && isfinite(r.estimates.v[0].profile_mle));
    am_mse_report_release(&r);

    /* two lists, few people, sparse cells; LCMCR and dga left out */
    const char two[] = "A,B,count\n1,0,20\n0,1,15\n1,1,3\n";
    assert_int_equal(am_mse_table_parse(two, sizeof(two) - 1, "t", &t, &err), 0);
    am_mse_options_default(&o);
    assert_int_equal(am_mse_report_run(&t, &o, &r, &err), 0);
    assert_int_equal(r.estimates.n, 1);
    const char *want[] = {"only two lists", "only 38 people seen", "1 of 3 capture patterns",
                          "LCMCR left out", "dga left out"};
    for (size_t w = 0; w < 5; w++) {
        int found = 0;
        for (size_t i = 0; i < r.warnings.n; i++)
            found |= strstr(r.warnings.v[i], want[w]) != NULL;
        assert_true(found);
    }
    am_mse_report_release(&r);

    /* a chosen model whose estimate does not exist */
    const char zero[] = "A,B,C,count\n1,0,0,30\n0,1,0,20\n1,1,0,0\n0,0,1,25\n1,0,1,6\n"
                        "0,1,1,5\n1,1,1,4\n";
    assert_int_equal(am_mse_table_parse(zero, sizeof(zero) - 1, "t", &t, &err), 0);
    am_mse_options_default(&o);
    o.methods = AM_MSE_LOGLINEAR;
    o.model = "[12,13,23]";
    assert_int_equal(am_mse_report_run(&t, &o, &r, &err), 0);
    assert_false(r.estimates.v[0].exists);
    int none = 0;
    for (size_t i = 0; i < r.warnings.n; i++)
        none += strstr(r.warnings.v[i], "does not exist") != NULL;
    assert_int_equal(none, 1);
    am_mse_report_release(&r);
    o.model = "[12,5]";
    assert_int_equal(am_mse_report_run(&t, &o, &r, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);

    /* seven thousand million people: LCMCR and dga cannot run and say so; log-linear can */
    const char huge[] = "A,B,C,count\n1,0,0,1000000000\n0,1,0,1000000000\n1,1,0,1000000000\n"
                        "0,0,1,1000000000\n1,0,1,1000000000\n0,1,1,1000000000\n"
                        "1,1,1,1000000000\n";
    am_err_clear(&err);
    assert_int_equal(am_mse_table_parse(huge, sizeof(huge) - 1, "t", &t, &err), 0);
    am_mse_options_default(&o);
    assert_int_equal(am_mse_report_run(&t, &o, &r, &err), 0);
    assert_false(am_err_is_set(&err));
    int lc = 0, dg = 0;
    for (size_t i = 0; i < r.warnings.n; i++) {
        lc += strstr(r.warnings.v[i], "LCMCR left out: LCMCR needs between 1 and 4e9") != NULL;
        dg += strstr(r.warnings.v[i], "dga left out: dga grid") != NULL;
    }
    assert_int_equal(lc, 1);
    assert_int_equal(dg, 1);
    assert_false(r.have_lcmcr);
    assert_false(r.have_dga);
    assert_true(r.estimates.n >= 1);
    am_mse_report_release(&r);
}

static void test_total_adds_draws(void **state)
{
    (void)state;
    struct am_mse_table a, b;
    ref_table("hav_taiwan", &a);
    ref_table("spina_bifida_ny", &b);
    struct am_mse_options o;
    am_mse_options_default(&o);
    o.lcmcr.burnin = 500;
    o.lcmcr.samples = 500;
    o.lcmcr.thinning = 2;
    struct am_mse_report r[2], total;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_mse_report_run(&a, &o, &r[0], &err), 0);
    assert_int_equal(am_mse_report_run(&b, &o, &r[1], &err), 0);
    assert_int_equal(am_mse_report_total(r, 2, 5, &total, &err), 0);
    assert_true(total.table.n == 271 + 626);
    assert_true(total.have_lcmcr);
    for (size_t i = 0; i < total.lcmcr.ndraws; i++)
        assert_true(total.lcmcr.draws[i] == r[0].lcmcr.draws[i] + r[1].lcmcr.draws[i]);
    int methods = 0;
    for (size_t i = 0; i < total.estimates.n; i++) {
        const struct am_mse_estimate *e = &total.estimates.v[i];
        assert_string_equal(e->role, "strata total");
        methods++;
        if (strcmp(e->method, "loglinear") == 0) {
            /* BIC-best of each: [12,13,23] (hav) and [23,1] (spina bifida) */
            assert_true(fabs(e->N - (r[0].estimates.v[1].N + r[1].estimates.v[1].N)) < 1e-9);
            assert_true(e->lo >= total.table.n);
        }
        if (strcmp(e->method, "dga") == 0)
            assert_true(e->N > 292 + 731 - 30 && e->N < 292 + 731 + 200);
    }
    assert_int_equal(methods, 3);
    am_mse_report_release(&total);
    am_mse_report_release(&r[0]);
    am_mse_report_release(&r[1]);
    assert_int_equal(am_mse_report_total(r, 0, 5, &total, &err), -1);
}

int run_histories_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_and_populations), cmocka_unit_test(test_strata),
        cmocka_unit_test(test_sources_choice),      cmocka_unit_test(test_parse_population_and_by),
        cmocka_unit_test(test_report_warnings),     cmocka_unit_test(test_total_adds_draws),
    };
    return cmocka_run_group_tests_name("estimate/histories", tests, NULL, NULL);
}
