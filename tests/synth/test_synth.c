/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * synth: determinism (same seed, same bytes), shares and coverage within tolerance, truth
 * files consistent with the lists, the official list's padding, cédula formats and ranges,
 * the heavy profile's extra errors, the rendering helpers, and every error path. Test
 * populations are small (a few thousand) so the run stays fast under ASan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "amnistia/synth.h"
#include "amnistia/text.h"
#include "synth/synth_int.h"

/* ---- helpers: directories, files, a small RFC 4180 reader -------------------------------- */

static char *make_dir(const char *tag)
{
    char tmpl[512];
    snprintf(tmpl, sizeof(tmpl), "%s/synth-test-%s-XXXXXX", AM_BINARY_DIR, tag);
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return am_strdup(d);
}

static void remove_dir(char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[1024];
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
    am_free(dir);
}

static size_t count_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

struct table {
    struct am_arena arena;
    size_t ncols, nrows;
    char **header;
    AM_VEC(char **) rows;
};

/* Reads DIR/NAME as CSV (UTF-8, or Windows-1252 converted when cp1252). */
static void table_load(struct table *t, const char *dir, const char *name, int cp1252)
{
    memset(t, 0, sizeof(*t));
    am_arena_init(&t->arena);
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct am_buf raw, buf;
    am_buf_init(&raw);
    am_buf_init(&buf);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_buf_read_file(&raw, path, &err), 0);
    if (cp1252)
        am_cp1252_to_utf8(raw.ptr, raw.len, &buf);
    else
        am_buf_add(&buf, raw.ptr, raw.len);
    assert_int_equal(am_utf8_invalid_at(buf.ptr, buf.len), -1);
    const char *p = buf.ptr, *end = buf.ptr + buf.len;
    AM_VEC(char *) fields = {0};
    struct am_buf f;
    am_buf_init(&f);
    while (p < end) {
        fields.n = 0;
        for (;;) {
            am_buf_reset(&f);
            if (*p == '"') {
                p++;
                for (;;) {
                    assert_true(p < end);
                    if (*p == '"' && p + 1 < end && p[1] == '"') {
                        am_buf_addc(&f, '"');
                        p += 2;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        am_buf_addc(&f, *p++);
                    }
                }
            } else {
                while (p < end && *p != ',' && *p != '\n')
                    am_buf_addc(&f, *p++);
            }
            AM_VEC_PUSH(&fields, am_arena_strdup(&t->arena, f.ptr));
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            if (p < end && *p == '\n')
                p++;
            break;
        }
        char **row = am_arena_alloc(&t->arena, fields.n * sizeof(char *));
        memcpy(row, fields.v, fields.n * sizeof(char *));
        if (!t->header) {
            t->header = row;
            t->ncols = fields.n;
        } else {
            assert_int_equal(fields.n, t->ncols); /* no ragged rows */
            AM_VEC_PUSH(&t->rows, row);
        }
    }
    t->nrows = t->rows.n;
    AM_VEC_FREE(&fields);
    am_buf_release(&f);
    am_buf_release(&raw);
    am_buf_release(&buf);
}

static void table_release(struct table *t)
{
    AM_VEC_FREE(&t->rows);
    am_arena_release(&t->arena);
}

static size_t col(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->header[i], name) == 0)
            return i;
    fail_msg("column %s missing", name);
    return 0;
}

static const char *cell(const struct table *t, size_t row, const char *name)
{
    return t->rows.v[row][col(t, name)];
}

static int has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = list; *p;) {
        const char *q = strchr(p, ';');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (len == n && strncmp(p, tok, n) == 0)
            return 1;
        if (!q)
            break;
        p = q + 1;
    }
    return 0;
}

/* ngo writes DESIGN's status names; the family committee Spanish words; the press the
 * same words in upper case without accents. */
static int status_word_known(const char *w, const char *source)
{
    if (strcmp(source, "ngo") == 0)
        return am_status_from_name(w) >= 0;
    for (int st = 0; st < AM__STATUS_COUNT; st++)
        for (int f = 0; f < 2; f++) {
            char word[64];
            snprintf(word, sizeof(word), "%s",
                     am__synth_status_es((enum am_status)st, f ? 'F' : 'M'));
            if (strcmp(source, "press") == 0) {
                am__synth_strip_accents(word, strlen(word));
                am__synth_upper(word, strlen(word));
            }
            if (strcmp(word, w) == 0)
                return 1;
        }
    return 0;
}

static void file_sha(const char *dir, const char *name, char hex[65])
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct am_buf b;
    am_buf_init(&b);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_buf_read_file(&b, path, &err), 0);
    uint8_t d[AM_SHA256_LEN];
    am_sha256(b.ptr, b.len, d);
    am_hex(d, AM_SHA256_LEN, hex);
    am_buf_release(&b);
}

static const char *const all_files[] = {"ngo.csv",
                                        "family.csv",
                                        "press.csv",
                                        "official.csv",
                                        "official.map",
                                        "manifest.csv",
                                        "official_process.txt",
                                        "truth_people.csv",
                                        "truth_events.csv",
                                        "truth_links.csv",
                                        "truth_padding.csv"};
#define N_FILES (sizeof(all_files) / sizeof(all_files[0]))

static void run_synth(const char *dir, uint64_t seed, size_t people, enum am_synth_profile prof,
                      struct am_synth_summary *sum)
{
    struct am_synth_options opt = {seed, people, prof, dir};
    struct am_err err = AM_ERR_INIT;
    int rc = am_synth_run(&opt, sum, &err);
    if (rc != 0)
        fail_msg("synth failed: %s", err.msg);
}

/* One shared default run and one heavy run, reused by the read-only tests. */
static char *g_dir, *g_heavy;
static struct am_synth_summary g_sum;
#define G_PEOPLE 5000

static int setup_runs(void **state)
{
    (void)state;
    g_dir = make_dir("default");
    g_heavy = make_dir("heavy");
    run_synth(g_dir, 42, G_PEOPLE, AM_SYNTH_DEFAULT, &g_sum);
    run_synth(g_heavy, 42, G_PEOPLE, AM_SYNTH_HEAVY, NULL);
    return 0;
}

static int teardown_runs(void **state)
{
    (void)state;
    remove_dir(g_dir);
    remove_dir(g_heavy);
    return 0;
}

/* ---- determinism ---------------------------------------------------------------------- */

static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    char *a = make_dir("det-a"), *b = make_dir("det-b"), *c = make_dir("det-c");
    run_synth(a, 7, 2000, AM_SYNTH_DEFAULT, NULL);
    run_synth(b, 7, 2000, AM_SYNTH_DEFAULT, NULL);
    run_synth(c, 8, 2000, AM_SYNTH_DEFAULT, NULL);
    for (size_t i = 0; i < N_FILES; i++) {
        char ha[65], hb[65], hc[65];
        file_sha(a, all_files[i], ha);
        file_sha(b, all_files[i], hb);
        file_sha(c, all_files[i], hc);
        assert_string_equal(ha, hb);
        if (strstr(all_files[i], ".csv") && strcmp(all_files[i], "manifest.csv") != 0)
            assert_string_not_equal(ha, hc); /* another seed, another population */
    }
    /* No temporary file is left behind. */
    assert_int_equal(count_entries(a), N_FILES);
    remove_dir(a);
    remove_dir(b);
    remove_dir(c);
}

static void test_rng_streams(void **state)
{
    (void)state;
    struct am__synth_rng r1, r2, r3;
    am__synth_rng_seed(&r1, 1, 5);
    am__synth_rng_seed(&r2, 1, 5);
    am__synth_rng_seed(&r3, 1, 6);
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = am__synth_u64(&r1), y = am__synth_u64(&r2), z = am__synth_u64(&r3);
        assert_true(x == y);
        differ += x != z;
    }
    assert_true(differ > 990);
    int seen_lo = 0, seen_hi = 0;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < 20000; i++) {
        int32_t v = am__synth_between(&r1, -3, 3);
        assert_true(v >= -3 && v <= 3);
        seen_lo |= v == -3;
        seen_hi |= v == 3;
        assert_true(am__synth_below(&r1, 10) < 10);
        double u = am__synth_unit(&r1);
        assert_true(u >= 0 && u < 1);
        double z = am__synth_normal(&r1);
        sum += z;
        sum2 += z * z;
    }
    assert_true(seen_lo && seen_hi);
    assert_true(fabs(sum / 20000) < 0.05);
    assert_true(fabs(sum2 / 20000 - 1) < 0.05);
    assert_int_equal(am__synth_between(&r1, 5, 5), 5);
    for (double x = 1e-9; x < 1e9; x *= 3.7)
        assert_true(fabs(am__synth_ln(x) - log(x)) < 1e-12 * (1 + fabs(log(x))));
    uint64_t cum[] = {10, 10, 30};
    int hits[3] = {0};
    for (int i = 0; i < 3000; i++)
        hits[am__synth_pick(cum, 3, &r1)]++;
    assert_int_equal(hits[1], 0); /* zero weight never picked */
    assert_true(hits[2] > 1700 && hits[0] > 800);
}

/* ---- shares --------------------------------------------------------------------------- */

static void test_shares(void **state)
{
    (void)state;
    struct table p;
    table_load(&p, g_dir, "truth_people.csv", 0);
    assert_int_equal(p.nrows, G_PEOPLE);
    size_t pol = 0, women = 0, adol = 0, mil = 0, foreign = 0, sens[3] = {0}, kinds[3] = {0};
    for (size_t i = 0; i < p.nrows; i++) {
        const char *kind = cell(&p, i, "kind");
        kinds[strcmp(kind, "political") == 0 ? 0 : strcmp(kind, "common") == 0 ? 1 : 2]++;
        const char *s = cell(&p, i, "sensitivity");
        sens[strcmp(s, "public") == 0 ? 0 : strcmp(s, "restricted") == 0 ? 1 : 2]++;
        if (strcmp(cell(&p, i, "political_detainee"), "1") != 0)
            continue;
        pol++;
        women += strcmp(cell(&p, i, "sex"), "F") == 0;
        adol += strcmp(cell(&p, i, "adolescent"), "1") == 0;
        mil += strcmp(cell(&p, i, "military"), "1") == 0;
        foreign += strcmp(cell(&p, i, "nationality"), "venezolana") != 0;
    }
    double n = (double)pol;
    assert_true(pol > G_PEOPLE * 0.85);
    assert_true(women / n > 0.09 && women / n < 0.16);
    assert_true(adol / n > 0.01 && adol / n < 0.06);
    assert_true(mil / n > 0.12 && mil / n < 0.21);
    assert_true(foreign / n > 0.01 && foreign / n < 0.05);
    assert_true(sens[0] > 0.64 * G_PEOPLE && sens[0] < 0.76 * G_PEOPLE);
    assert_true(sens[1] > 0.19 * G_PEOPLE && sens[1] < 0.31 * G_PEOPLE);
    assert_true(sens[2] > 0.02 * G_PEOPLE && sens[2] < 0.09 * G_PEOPLE);
    assert_true(kinds[1] > 0.02 * G_PEOPLE && kinds[2] > 0.015 * G_PEOPLE);
    assert_int_equal(g_sum.people, G_PEOPLE);
    assert_int_equal(g_sum.political_detained, pol);
    table_release(&p);
}

/* Arrests cluster on the waves: 2014 Feb-Jun, 2017 Apr-Aug, 2019 Jan-May, after July 2024. */
static void test_waves(void **state)
{
    (void)state;
    struct table p;
    table_load(&p, g_dir, "truth_people.csv", 0);
    size_t pol = 0, in_wave = 0, after_2024 = 0, months_2018 = 0;
    for (size_t i = 0; i < p.nrows; i++) {
        if (strcmp(cell(&p, i, "political_detainee"), "1") != 0)
            continue;
        pol++;
        const char *a = cell(&p, i, "first_arrest_date");
        int y = (int)strtol(a, NULL, 10), m = (int)strtol(a + 5, NULL, 10);
        in_wave += (y == 2014 && m >= 2 && m <= 6) || (y == 2017 && m >= 4 && m <= 8) ||
                   (y == 2019 && m <= 5) || (y == 2024 && m >= 7);
        after_2024 += (y == 2024 && m >= 7);
        months_2018 += y == 2018;
    }
    assert_true(in_wave > 0.65 * pol);
    assert_true(after_2024 > 0.25 * pol);
    assert_true(months_2018 > 0 && months_2018 < 0.05 * pol); /* background */
    table_release(&p);
}

/* ---- coverage -------------------------------------------------------------------------- */

static void test_coverage(void **state)
{
    (void)state;
    struct table p;
    table_load(&p, g_dir, "truth_people.csv", 0);
    size_t pol = 0, ngo = 0, fam = 0, press = 0, fam_ngo = 0, fam_not = 0, not_ngo = 0;
    size_t lead = 0, lead_press = 0, plain = 0, plain_press = 0, common = 0, common_ngo = 0;
    for (size_t i = 0; i < p.nrows; i++) {
        const char *l = cell(&p, i, "lists");
        if (strcmp(cell(&p, i, "kind"), "common") == 0) {
            common++;
            common_ngo += has_token(l, "ngo");
        }
        if (strcmp(cell(&p, i, "political_detainee"), "1") != 0)
            continue;
        pol++;
        int in_ngo = has_token(l, "ngo"), in_fam = has_token(l, "family");
        ngo += in_ngo;
        fam += in_fam;
        press += has_token(l, "press");
        if (in_ngo)
            fam_ngo += in_fam;
        else {
            not_ngo++;
            fam_not += in_fam;
        }
        if (has_token(cell(&p, i, "categories"), "political_leader")) {
            lead++;
            lead_press += has_token(l, "press");
        } else if (strcmp(cell(&p, i, "categories"), "protester") == 0) {
            plain++;
            plain_press += has_token(l, "press");
        }
    }
    double n = (double)pol;
    assert_true(ngo / n > 0.68 && ngo / n < 0.86);
    assert_true(fam / n > 0.12 && fam / n < ngo / n);
    assert_true(press / n > 0.2 && press / n < 0.5);
    /* The family list depends on the NGO's: families feed NGOs. */
    assert_true((double)fam_ngo / (double)ngo > 3 * (double)fam_not / (double)not_ngo);
    /* Heterogeneous capture: leaders are in the press far more often than protesters. */
    assert_true(lead > 20);
    assert_true((double)lead_press / lead > 1.5 * (double)plain_press / plain);
    assert_int_equal(common_ngo, 0);
    assert_true(common > 0);
    table_release(&p);
}

/* ---- truth consistency ---------------------------------------------------------------- */

static void test_truth_consistent(void **state)
{
    (void)state;
    struct table m, links, people, pad;
    table_load(&m, g_dir, "manifest.csv", 0);
    table_load(&links, g_dir, "truth_links.csv", 0);
    table_load(&people, g_dir, "truth_people.csv", 0);
    table_load(&pad, g_dir, "truth_padding.csv", 0);
    assert_int_equal(m.nrows, 4);
    assert_string_equal(m.header[0], "file");
    assert_string_equal(m.header[5], "encoding");

    struct am_strmap link_of, person_ids, seen;
    am_strmap_init(&link_of);
    am_strmap_init(&person_ids);
    am_strmap_init(&seen);
    for (size_t i = 0; i < people.nrows; i++)
        am_strmap_put(&person_ids, cell(&people, i, "person_id"), (int64_t)i);
    struct am_buf key;
    am_buf_init(&key);
    for (size_t i = 0; i < links.nrows; i++) {
        am_buf_reset(&key);
        am_buf_addf(&key, "%s|%s", cell(&links, i, "source"), cell(&links, i, "list_id"));
        int64_t v;
        assert_false(am_strmap_get(&link_of, key.ptr, &v)); /* one link per row */
        assert_true(am_strmap_get(&person_ids, cell(&links, i, "person_id"), &v));
        am_strmap_put(&link_of, key.ptr, v);
        /* The person's capture history names this source. */
        assert_true(has_token(cell(&people, (size_t)v, "lists"), cell(&links, i, "source")));
    }
    size_t total = 0;
    for (size_t l = 0; l < m.nrows; l++) {
        const char *file = cell(&m, l, "file"), *source = cell(&m, l, "source");
        int cp = strcmp(cell(&m, l, "encoding"), "latin1") == 0;
        assert_true(cp || strcmp(cell(&m, l, "encoding"), "utf8") == 0);
        struct table t;
        table_load(&t, g_dir, file, cp);
        size_t idc = strcmp(source, "official") == 0 ? col(&t, "N°") : col(&t, "list_id");
        assert_int_equal(t.nrows, g_sum.lists[l].rows);
        assert_string_equal(g_sum.lists[l].file, file);
        for (size_t r = 0; r < t.nrows; r++) {
            am_buf_reset(&key);
            am_buf_addf(&key, "%s|%s", source, t.rows.v[r][idc]);
            int64_t v;
            assert_true(am_strmap_get(&link_of, key.ptr, &v));
            assert_int_equal(am_strmap_add(&seen, key.ptr, 1), 1); /* list_id unique */
        }
        total += t.nrows;
        if (strcmp(source, "official") == 0) {
            assert_int_equal(pad.nrows, t.nrows);
            for (size_t r = 0; r < pad.nrows; r++)
                assert_string_equal(pad.rows.v[r][0], t.rows.v[r][idc]);
            assert_string_equal(cell(&m, l, "map"), "official.map");
        } else {
            assert_string_equal(cell(&m, l, "map"), "");
            /* canonical columns only */
            static const char *const canon[] = {
                "list_id",     "full_name",    "given_names", "surnames",    "cedula",
                "sex",         "birth_date",   "nationality", "arrest_date", "arrest_place",
                "state",       "facility",     "agency",      "charges",     "status",
                "status_date", "release_date", "measures",    "categories",  "sensitivity",
                "notes"};
            for (size_t c = 0; c < t.ncols; c++) {
                int ok = 0;
                for (size_t k = 0; k < sizeof(canon) / sizeof(canon[0]); k++)
                    ok |= strcmp(t.header[c], canon[k]) == 0;
                assert_true(ok);
            }
            for (size_t r = 0; r < t.nrows; r++) {
                const char *s = t.rows.v[r][col(&t, "sensitivity")];
                assert_true(strcmp(s, "public") == 0 || strcmp(s, "restricted") == 0 ||
                            strcmp(s, "sealed") == 0);
                assert_true(status_word_known(t.rows.v[r][col(&t, "status")], source));
            }
        }
        table_release(&t);
    }
    assert_int_equal(total, links.nrows);
    am_buf_release(&key);
    am_strmap_release(&link_of);
    am_strmap_release(&person_ids);
    am_strmap_release(&seen);
    table_release(&m);
    table_release(&links);
    table_release(&people);
    table_release(&pad);
}

/* Each padding reason agrees with the person's truth and events. */
static void test_padding(void **state)
{
    (void)state;
    struct table pad, people, ev;
    table_load(&pad, g_dir, "truth_padding.csv", 0);
    table_load(&people, g_dir, "truth_people.csv", 0);
    table_load(&ev, g_dir, "truth_events.csv", 0);
    static const char *const reasons[] = {"genuine",        "not_detained",  "released_earlier",
                                          "under_measures", "not_political", "duplicate",
                                          "deceased",       "still_detained"};
    size_t count[8] = {0};
    struct am_strmap first_event;
    am_strmap_init(&first_event);
    for (size_t i = ev.nrows; i-- > 0;)
        am_strmap_put(&first_event, cell(&ev, i, "person_id"), (int64_t)i);
    struct am_strmap persons_seen;
    am_strmap_init(&persons_seen);
    for (size_t r = 0; r < pad.nrows; r++) {
        const char *why = cell(&pad, r, "reasons");
        int any = 0;
        for (int k = 0; k < 8; k++)
            if (has_token(why, reasons[k])) {
                count[k]++;
                any = 1;
            }
        assert_true(any);
        if (has_token(why, "genuine"))
            assert_string_equal(why, "genuine");
        const char *pid = cell(&pad, r, "person_id");
        size_t pi = (size_t)strtol(pid + 1, NULL, 10) - 1;
        assert_string_equal(cell(&people, pi, "person_id"), pid);
        int64_t e0;
        int has_events = am_strmap_get(&first_event, pid, &e0);
        int arrested = 0, released_in_window = 0;
        for (size_t e = has_events ? (size_t)e0 : ev.nrows;
             e < ev.nrows && strcmp(cell(&ev, e, "person_id"), pid) == 0; e++) {
            const char *type = cell(&ev, e, "type"), *date = cell(&ev, e, "date");
            arrested |= strcmp(type, "arrest") == 0;
            if ((strcmp(type, "release") == 0 || strcmp(type, "release_with_measures") == 0) &&
                strcmp(date, "2026-02-19") >= 0 && strcmp(date, "2026-03-20") <= 0)
                released_in_window = 1;
        }
        if (has_token(why, "not_detained")) {
            assert_false(arrested);
            assert_string_equal(cell(&people, pi, "ever_detained"), "0");
        } else {
            assert_true(arrested);
        }
        if (has_token(why, "not_political"))
            assert_false(has_token(cell(&people, pi, "charge_classes"), "political") ||
                         has_token(cell(&people, pi, "charge_classes"), "military"));
        if (has_token(why, "genuine")) {
            assert_true(released_in_window);
            assert_string_equal(cell(&people, pi, "political_detainee"), "1");
        }
        if (has_token(why, "still_detained"))
            assert_false(released_in_window);
        if (has_token(why, "under_measures"))
            assert_true(has_token(why, "released_earlier"));
        if (has_token(why, "deceased"))
            assert_true(strcmp(cell(&people, pi, "status"), "deceased") == 0);
        /* a duplicate row repeats a person already listed (the first row is not flagged) */
        int64_t prev;
        int again = am_strmap_get(&persons_seen, pid, &prev);
        assert_int_equal(has_token(why, "duplicate"), again);
        am_strmap_add(&persons_seen, pid, 1);
    }
    size_t dups = 0;
    const char *k;
    int64_t v;
    for (size_t it = 0; am_strmap_next(&persons_seen, &it, &k, &v);)
        dups += (size_t)(v - 1);
    assert_int_equal(dups, count[5]);
    for (int i = 0; i < 8; i++)
        if (count[i] == 0)
            fail_msg("no official row with reason %s", reasons[i]);
    /* The 2020 shape: genuine releases are fewer than half the rows. */
    assert_true(count[0] > 0.3 * pad.nrows && count[0] < 0.55 * pad.nrows);
    assert_int_equal(g_sum.official_padding, pad.nrows - count[0]);
    am_strmap_release(&first_event);
    am_strmap_release(&persons_seen);
    table_release(&pad);
    table_release(&people);
    table_release(&ev);

    /* The process start is written for audit. */
    char path[1024];
    snprintf(path, sizeof(path), "%s/official_process.txt", g_dir);
    struct am_buf b;
    am_buf_init(&b);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_buf_read_file(&b, path, &err), 0);
    assert_string_equal(b.ptr, "2026-02-19\n");
    am_buf_release(&b);
}

/* ---- cédulas and names ------------------------------------------------------------------ */

static int matches(const char *s, const char *pattern) /* 9 = digit, other = literal */
{
    for (; *pattern; pattern++, s++) {
        if (*pattern == '9') {
            if (*s < '0' || *s > '9')
                return 0;
        } else if (*s != *pattern) {
            return 0;
        }
    }
    return *s == 0;
}

static int dotted(const char *s)
{
    return matches(s, "V-99.999.999") || matches(s, "V-9.999.999") || matches(s, "E-99.999.999");
}

/*
 * What other sources document (docs/synth.md): the never detained are on the NGO's and the
 * press's lists without an arrest; the court docket holds most common-crime prisoners with
 * charges and dated releases; the NGO dates every release; the press leaves some undated;
 * padding nobody else mentions is rare but present.
 */
static int is_release_es(const char *w)
{
    return strncmp(w, "EXCARCELAD", 10) == 0 || strncmp(w, "LIBERAD", 7) == 0;
}

static void test_evidence_elsewhere(void **state)
{
    (void)state;
    struct table people, links, ngo, press, pad;
    table_load(&people, g_dir, "truth_people.csv", 0);
    table_load(&links, g_dir, "truth_links.csv", 0);
    table_load(&ngo, g_dir, "ngo.csv", 0);
    table_load(&press, g_dir, "press.csv", 0);
    table_load(&pad, g_dir, "truth_padding.csv", 0);
    struct am_strmap who; /* "source/list_id" -> person row */
    am_strmap_init(&who);
    for (size_t i = 0; i < links.nrows; i++) {
        char key[64];
        snprintf(key, sizeof(key), "%s/%s", cell(&links, i, "source"), cell(&links, i, "list_id"));
        const char *pid = cell(&links, i, "person_id");
        am_strmap_put(&who, key, strtol(pid + 1, NULL, 10) - 1);
    }
    size_t never = 0, never_ngo = 0, never_any = 0, common = 0, common_press = 0;
    for (size_t i = 0; i < people.nrows; i++) {
        const char *kind = cell(&people, i, "kind"), *l = cell(&people, i, "lists");
        int any = has_token(l, "ngo") || has_token(l, "family") || has_token(l, "press");
        if (strcmp(kind, "never_detained") == 0) {
            never++;
            never_ngo += has_token(l, "ngo");
            never_any += any;
        } else if (strcmp(kind, "common") == 0) {
            common++;
            common_press += has_token(l, "press");
        }
    }
    assert_true(never > 50 && common > 50);
    assert_true((double)never_ngo / (double)never > 0.65);
    assert_true((double)never_any / (double)never > 0.85);
    assert_true((double)common_press / (double)common > 0.8);

    /* NGO rows: the never detained without an arrest; every release dated. */
    size_t ngo_never = 0;
    for (size_t r = 0; r < ngo.nrows; r++) {
        char key[64];
        snprintf(key, sizeof(key), "ngo/%s", cell(&ngo, r, "list_id"));
        int64_t pi;
        assert_true(am_strmap_get(&who, key, &pi));
        const char *st = cell(&ngo, r, "status");
        if (strcmp(cell(&people, (size_t)pi, "kind"), "never_detained") == 0) {
            ngo_never++;
            assert_string_equal(cell(&ngo, r, "arrest_date"), "");
            assert_true(strcmp(st, "exiled") == 0 || strcmp(st, "in_hiding") == 0 ||
                        strcmp(st, "unknown") == 0);
        }
        if (strcmp(st, "released") == 0 || strcmp(st, "released_with_measures") == 0)
            assert_true(cell(&ngo, r, "release_date")[0] != '\0');
    }
    assert_true(ngo_never >= never_ngo); /* rows: a person may be listed twice */

    /* Press rows: the court docket states charges and release dates of common cases; the
     * press dates most political releases, not all. */
    size_t pol_rel = 0, pol_dated = 0, common_rel = 0;
    for (size_t r = 0; r < press.nrows; r++) {
        char key[64];
        snprintf(key, sizeof(key), "press/%s", cell(&press, r, "list_id"));
        int64_t pi;
        assert_true(am_strmap_get(&who, key, &pi));
        const char *kind = cell(&people, (size_t)pi, "kind");
        int rel = is_release_es(cell(&press, r, "status"));
        int dated = cell(&press, r, "release_date")[0] != '\0';
        if (strcmp(kind, "common") == 0) {
            assert_true(cell(&press, r, "charges")[0] != '\0');
            if (rel) {
                common_rel++;
                assert_true(dated);
            }
        } else if (strcmp(kind, "political") == 0 && rel) {
            pol_rel++;
            pol_dated += dated;
        }
        if (dated) /* DD-MM-YYYY, as the press writes every date */
            assert_true(matches(cell(&press, r, "release_date"), "99-99-9999"));
    }
    assert_true(common_rel > 10 && pol_rel > 50);
    assert_true((double)pol_dated / (double)pol_rel > 0.6 &&
                (double)pol_dated / (double)pol_rel < 0.8);

    /* Padding whose person is on no other list: a few, not none, at most about 6 %. */
    size_t padded = 0, nowhere = 0;
    for (size_t r = 0; r < pad.nrows; r++) {
        if (strcmp(cell(&pad, r, "reasons"), "genuine") == 0)
            continue;
        padded++;
        const char *pid = cell(&pad, r, "person_id");
        const char *l = cell(&people, (size_t)(strtol(pid + 1, NULL, 10) - 1), "lists");
        nowhere += !(has_token(l, "ngo") || has_token(l, "family") || has_token(l, "press"));
    }
    assert_true(padded > 100);
    assert_true(nowhere > 0 && (double)nowhere / (double)padded < 0.06);
    am_strmap_release(&who);
    table_release(&people);
    table_release(&links);
    table_release(&ngo);
    table_release(&press);
    table_release(&pad);
}


static void test_cedula_formats(void **state)
{
    (void)state;
    struct table ngo, press, off, people;
    table_load(&ngo, g_dir, "ngo.csv", 0);
    table_load(&press, g_dir, "press.csv", 0);
    table_load(&off, g_dir, "official.csv", 1);
    table_load(&people, g_dir, "truth_people.csv", 0);
    size_t fmt[4] = {0}, empty = 0;
    for (size_t r = 0; r < ngo.nrows; r++) {
        const char *c = cell(&ngo, r, "cedula");
        if (!*c)
            empty++;
        else if (dotted(c))
            fmt[0]++;
        else if (matches(c, "V99999999") || matches(c, "V9999999") || matches(c, "E99999999"))
            fmt[1]++;
        else if (matches(c, "99999999") || matches(c, "9999999"))
            fmt[2]++;
        else
            fmt[3]++;
    }
    assert_true(fmt[0] > 0 && fmt[1] > 0 && fmt[2] > 0);
    assert_true(fmt[3] < ngo.nrows / 100 + 2); /* only 6-digit ones */
    assert_true(empty > 0.04 * ngo.nrows && empty < 0.2 * ngo.nrows);
    size_t press_dotted = 0, press_with = 0;
    for (size_t r = 0; r < press.nrows; r++) {
        const char *c = cell(&press, r, "cedula");
        if (*c) {
            press_with++;
            press_dotted += c[1] == '-' && strchr(c, '.') != NULL;
        }
        assert_true(strchr(cell(&press, r, "full_name"), ',') != NULL);
    }
    assert_true(press_dotted > 0.8 * press_with);
    for (size_t r = 0; r < off.nrows; r++) {
        const char *c = cell(&off, r, "C.I.");
        assert_true(!*c || strchr(c, '.') == NULL);
        struct am_cedula ced;
        if (*c)
            assert_int_equal(am_cedula_parse(c, &ced, NULL, 0), 0);
    }
    /* Consistent with age: sequential numbers, foreigners in the 80 millions. */
    size_t old = 0, old_low = 0, young = 0, young_high = 0, e = 0;
    for (size_t i = 0; i < people.nrows; i++) {
        const char *c = cell(&people, i, "cedula");
        if (!*c)
            continue;
        long num = strtol(c + 1, NULL, 10);
        int born = (int)strtol(cell(&people, i, "birth_date"), NULL, 10);
        if (c[0] == 'E') {
            e++;
            assert_true(num >= 80000000 && num <= 89999999);
            continue;
        }
        assert_true(num < 40000000);
        if (born < 1960) {
            old++;
            old_low += num < 8000000;
        }
        if (born > 1995) {
            young++;
            young_high += num > 20000000;
        }
    }
    assert_true(e > 0 && old > 20 && young > 20);
    assert_true(old_low > 0.95 * old && young_high > 0.95 * young);
    table_release(&ngo);
    table_release(&press);
    table_release(&off);
    table_release(&people);
}

static void test_common_names_shared(void **state)
{
    (void)state;
    struct table p;
    table_load(&p, g_dir, "truth_people.csv", 0);
    struct am_strmap ced;
    am_strmap_init(&ced);
    size_t jose_gonzalez = 0;
    for (size_t i = 0; i < p.nrows; i++) {
        const char *c = cell(&p, i, "cedula");
        if (*c)
            assert_int_equal(am_strmap_add(&ced, c, 1), 1); /* cédulas are unique */
        if (strncmp(cell(&p, i, "given_names"), "José", strlen("José")) == 0 &&
            strncmp(cell(&p, i, "surnames"), "González", strlen("González")) == 0)
            jose_gonzalez++;
    }
    assert_true(jose_gonzalez >= 3);
    am_strmap_release(&ced);
    table_release(&p);
}

/* The share of NGO rows whose name or cédula differs from the truth. */
static void error_rates(const char *dir, double *name_err, double *ced_err, double *missing)
{
    struct table ngo, links, people;
    table_load(&ngo, dir, "ngo.csv", 0);
    table_load(&links, dir, "truth_links.csv", 0);
    table_load(&people, dir, "truth_people.csv", 0);
    size_t ne = 0, ce = 0, miss = 0;
    for (size_t r = 0; r < ngo.nrows; r++) {
        /* truth_links lists the ngo rows first, in order */
        assert_string_equal(cell(&links, r, "list_id"), cell(&ngo, r, "list_id"));
        size_t pi = (size_t)strtol(cell(&links, r, "person_id") + 1, NULL, 10) - 1;
        struct am_buf a, b;
        am_buf_init(&a);
        am_buf_init(&b);
        am_buf_addf(&a, "%s %s", cell(&ngo, r, "given_names"), cell(&ngo, r, "surnames"));
        am_buf_addf(&b, "%s %s", cell(&people, pi, "given_names"), cell(&people, pi, "surnames"));
        ne += strcmp(a.ptr, b.ptr) != 0;
        am_buf_release(&a);
        am_buf_release(&b);
        const char *c = cell(&ngo, r, "cedula"), *t = cell(&people, pi, "cedula");
        if (!*c) {
            miss++;
            continue;
        }
        char digits[32];
        size_t n = 0;
        for (const char *q = c; *q && n < 31; q++)
            if (*q >= '0' && *q <= '9')
                digits[n++] = *q;
        digits[n] = 0;
        ce += strcmp(digits, t + 1) != 0;
    }
    *name_err = (double)ne / ngo.nrows;
    *ced_err = (double)ce / ngo.nrows;
    *missing = (double)miss / ngo.nrows;
    table_release(&ngo);
    table_release(&links);
    table_release(&people);
}

static void test_heavy_has_more_errors(void **state)
{
    (void)state;
    double n1, c1, m1, n2, c2, m2;
    error_rates(g_dir, &n1, &c1, &m1);
    error_rates(g_heavy, &n2, &c2, &m2);
    assert_true(n1 > 0.05 && n2 > 1.5 * n1);
    assert_true(c1 > 0 && c2 > 1.5 * c1);
    assert_true(m2 > 1.5 * m1);
    struct am__synth_habits d, h;
    for (int l = 0; l < AM_SYNTH__LIST_COUNT; l++) {
        am__synth_habits_get((enum am_synth_list)l, AM_SYNTH_DEFAULT, &d);
        am__synth_habits_get((enum am_synth_list)l, AM_SYNTH_HEAVY, &h);
        assert_true(h.typo > d.typo && h.ced_transpose > d.ced_transpose);
        assert_true(h.duplicate > d.duplicate && h.drop_sur2 > d.drop_sur2);
        assert_true(h.upper >= d.upper);
    }
}

static void test_list_habits(void **state)
{
    (void)state;
    struct table fam, press, off;
    table_load(&fam, g_dir, "family.csv", 0);
    table_load(&press, g_dir, "press.csv", 0);
    table_load(&off, g_dir, "official.csv", 1);
    size_t dmy = 0, dated = 0, nick = 0;
    for (size_t r = 0; r < fam.nrows; r++) {
        const char *d = cell(&fam, r, "arrest_date");
        if (*d) {
            dated++;
            dmy += matches(d, "99/99/9999");
        }
        const char *n = cell(&fam, r, "full_name");
        nick += strncmp(n, "Cheo ", 5) == 0 || strncmp(n, "Chucho ", 7) == 0 ||
                strncmp(n, "Pancho ", 7) == 0 || strncmp(n, "Lucho ", 6) == 0;
    }
    assert_int_equal(dmy, dated);
    assert_true(nick > 0);
    for (size_t r = 0; r < press.nrows; r++) {
        const char *n = cell(&press, r, "full_name");
        for (const char *q = n; *q; q++)
            assert_false((*q >= 'a' && *q <= 'z') || (unsigned char)*q >= 0x80);
    }
    assert_string_equal(off.header[0], "N°");
    assert_string_equal(off.header[1], "APELLIDOS Y NOMBRES");
    assert_string_equal(off.header[2], "C.I.");
    assert_string_equal(off.header[3], "FECHA DE EXCARCELACION");
    for (size_t r = 0; r < off.nrows; r++)
        assert_true(matches(cell(&off, r, "FECHA DE EXCARCELACION"), "99/99/2026"));
    table_release(&fam);
    table_release(&press);
    table_release(&off);
}

/* ---- rendering helpers ------------------------------------------------------------------ */

static void test_strip_and_upper(void **state)
{
    (void)state;
    char s[64] = "GONZÁLEZ Ñáñez Güerere Íñigo";
    size_t n = am__synth_strip_accents(s, strlen(s));
    assert_string_equal(s, "GONZALEZ Nanez Guerere Inigo");
    assert_int_equal(n, strlen(s));
    char u[64] = "maría ñáñez d'ambrosio";
    am__synth_upper(u, strlen(u));
    assert_string_equal(u, "MARÍA ÑÁÑEZ D'AMBROSIO");
    struct am_buf b;
    am_buf_init(&b);
    am__synth_to_cp1252(&b, "N°Ñá", strlen("N°Ñá"));
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.ptr, "N\xB0\xD1\xE1", 4);
    am_buf_release(&b);
}

static void test_typo_is_one_edit(void **state)
{
    (void)state;
    struct am__synth_rng r;
    am__synth_rng_seed(&r, 3, 3);
    for (int i = 0; i < 2000; i++) {
        char s[32] = "Rodríguez";
        char orig[32];
        memcpy(orig, s, sizeof(s));
        size_t n = am__synth_typo(s, strlen(s), &r);
        assert_int_equal(n, strlen(s));
        assert_int_equal(am_utf8_invalid_at(s, n), -1);
        assert_true(am_damerau_levenshtein(orig, s) <= 1);
        assert_int_equal(s[0], 'R'); /* initials are kept */
    }
    char one[4] = "a";
    assert_int_equal(am__synth_typo(one, 1, &r), 1); /* too short to damage */
    assert_string_equal(one, "a");
}

static void test_cedula_render(void **state)
{
    (void)state;
    struct am__synth_habits none = {0}, tr = {0};
    tr.ced_transpose = 1;
    struct am__synth_rng r;
    am__synth_rng_seed(&r, 1, 1);
    static const char *const want[] = {"V-12.345.678", "V12345678", "12345678", "12.345.678",
                                       "V-12345678"};
    struct am_buf b;
    am_buf_init(&b);
    for (int f = 0; f < 5; f++) {
        am_buf_reset(&b);
        am__synth_render_cedula(&b, 'V', 12345678, f, &none, &r);
        assert_string_equal(b.ptr, want[f]);
    }
    am_buf_reset(&b);
    am__synth_render_cedula(&b, 'E', 812345, 0, &none, &r);
    assert_string_equal(b.ptr, "E-812.345");
    for (int i = 0; i < 200; i++) {
        am_buf_reset(&b);
        am__synth_render_cedula(&b, 'V', 12345678, 2, &tr, &r);
        assert_int_equal(b.len, 8);
        assert_string_not_equal(b.ptr, "12345678");
        assert_int_equal(am_damerau_levenshtein(b.ptr, "12345678"), 1);
    }
    am_buf_reset(&b);
    am__synth_render_date(&b, am_days_from_civil(2024, 7, 29), 0);
    am_buf_addc(&b, ' ');
    am__synth_render_date(&b, am_days_from_civil(2024, 7, 29), 1);
    am_buf_addc(&b, ' ');
    am__synth_render_date(&b, am_days_from_civil(2024, 7, 29), 2);
    assert_string_equal(b.ptr, "2024-07-29 29/07/2024 29-07-2024");
    am_buf_release(&b);
}

static void test_render_name(void **state)
{
    (void)state;
    struct am__synth_catalog cat;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am__synth_catalog_load(&cat, &err), 0);
    struct am__synth_person p;
    memset(&p, 0, sizeof(p));
    p.sex = 'F';
    p.given[0] = 0; /* María */
    p.given[1] = AM__SYNTH_NONE;
    for (size_t i = 0; i < cat.female.n; i++)
        if (strcmp(cat.female.v[i].text, "Del Valle") == 0)
            p.given[1] = (uint16_t)i;
    assert_int_not_equal(p.given[1], AM__SYNTH_NONE);
    assert_true(cat.female.v[p.given[1]].second_only);
    p.sur[0] = 0;  /* González */
    p.sur[1] = 2;  /* Pérez */
    p.married = 1; /* Rodríguez */
    struct am__synth_habits h = {0};
    struct am__synth_rng r;
    am__synth_rng_seed(&r, 9, 9);
    struct am_buf g, s;
    am_buf_init(&g);
    am_buf_init(&s);
    am__synth_render_name(&p, &cat, &h, &r, &g, &s);
    assert_string_equal(g.ptr, "María Del Valle");
    assert_string_equal(s.ptr, "González Pérez");
    h.married_de = 1;
    h.upper = 1;
    h.accent_drop = 1;
    am__synth_render_name(&p, &cat, &h, &r, &g, &s);
    assert_string_equal(g.ptr, "MARIA DEL VALLE");
    assert_string_equal(s.ptr, "GONZALEZ DE RODRIGUEZ");
    memset(&h, 0, sizeof(h));
    h.drop_given2 = h.drop_sur2 = 1;
    h.nick = 1;
    am__synth_render_name(&p, &cat, &h, &r, &g, &s);
    assert_true(strcmp(g.ptr, "Mari") == 0 || strcmp(g.ptr, "Maruja") == 0);
    assert_string_equal(s.ptr, "González");
    memset(&h, 0, sizeof(h));
    h.swap_sur = 1;
    am__synth_render_name(&p, &cat, &h, &r, &g, &s);
    assert_string_equal(s.ptr, "Pérez González");
    am_buf_release(&g);
    am_buf_release(&s);
    am__synth_catalog_release(&cat);
}

/* ---- status and padding on hand-made persons ------------------------------------------ */

static int32_t D(int y, int m, int d)
{
    return am_days_from_civil(y, m, d);
}

static void person_events(struct am__synth_person *p, int kind, const int *types,
                          const int32_t *dates, int n)
{
    memset(p, 0, sizeof(*p));
    p->kind = (uint8_t)kind;
    p->sex = 'M';
    for (int i = 0; i < n; i++) {
        p->ev_type[i] = (uint8_t)types[i];
        p->ev_date[i] = dates[i];
    }
    p->n_ev = (uint8_t)n;
}

static void test_status_and_reasons(void **state)
{
    (void)state;
    struct am__synth_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am__synth_catalog_load(&ctx.cat, &err), 0);
    am__synth_dates_init(&ctx.dates);
    uint8_t political = 0, homicide = 0;
    for (size_t i = 0; i < ctx.cat.n_charge; i++) {
        if (strcmp(ctx.cat.charge[i].text, "Terrorismo") == 0)
            political = (uint8_t)i;
        if (strcmp(ctx.cat.charge[i].text, "Homicidio intencional") == 0)
            homicide = (uint8_t)i;
    }
    struct am_buf b;
    am_buf_init(&b);
    struct am__synth_person p;
#define REASONS(dup, want)                                                                         \
    do {                                                                                           \
        am_buf_reset(&b);                                                                          \
        am__synth_padding_reasons(&ctx, &p, dup, &b);                                              \
        assert_string_equal(b.ptr, want);                                                          \
    } while (0)

    /* Held since 2024, released in the process window: genuine. */
    int t1[] = {AM_EV_ARREST, AM_EV_INCOMMUNICADO, AM_EV_RELEASE_WITH_MEASURES};
    int32_t d1[] = {D(2024, 8, 1), D(2024, 8, 2), D(2026, 3, 1)};
    person_events(&p, AM__K_POLITICAL, t1, d1, 3);
    p.n_charges = 1;
    p.charges[0] = political;
    REASONS(0, "genuine");
    REASONS(1, "duplicate");
    int32_t since, rel;
    assert_int_equal(am__synth_status_at(&p, D(2024, 8, 1), &since, &rel), AM_STATUS_DETAINED);
    assert_int_equal(since, D(2024, 8, 1));
    assert_int_equal(rel, 0);
    assert_true(am__synth_incommunicado_at(&p, D(2024, 9, 1)));
    assert_false(am__synth_incommunicado_at(&p, D(2024, 8, 1)));
    assert_int_equal(am__synth_status_at(&p, D(2026, 11, 1), &since, &rel),
                     AM_STATUS_RELEASED_WITH_MEASURES);
    assert_int_equal(rel, D(2026, 3, 1));
    assert_int_equal(am__synth_status_at(&p, D(2020, 1, 1), &since, &rel), AM_STATUS_UNKNOWN);
    assert_int_equal(am__synth_first_arrest(&p), D(2024, 8, 1));
    assert_int_equal(am__synth_death(&p), 0);

    /* Out under measures since 2017. */
    int t2[] = {AM_EV_ARREST, AM_EV_RELEASE_WITH_MEASURES};
    int32_t d2[] = {D(2017, 5, 1), D(2017, 5, 20)};
    person_events(&p, AM__K_POLITICAL, t2, d2, 2);
    p.n_charges = 1;
    p.charges[0] = political;
    REASONS(0, "released_earlier;under_measures");

    /* Fully free before the process, and only a homicide charge. */
    int t3[] = {AM_EV_ARREST, AM_EV_RELEASE};
    int32_t d3[] = {D(2015, 5, 1), D(2019, 5, 20)};
    person_events(&p, AM__K_COMMON, t3, d3, 2);
    p.n_charges = 1;
    p.charges[0] = homicide;
    REASONS(0, "not_political;released_earlier");
    REASONS(1, "not_political;released_earlier;duplicate");

    /* Held before and after the window: listed as released, but still held. */
    int t4[] = {AM_EV_ARREST, AM_EV_RELEASE_WITH_MEASURES};
    int32_t d4[] = {D(2025, 5, 1), D(2026, 6, 20)};
    person_events(&p, AM__K_POLITICAL, t4, d4, 2);
    p.n_charges = 1;
    p.charges[0] = political;
    REASONS(0, "still_detained");

    /* Died in custody before the list. */
    int t5[] = {AM_EV_ARREST, AM_EV_DEATH};
    int32_t d5[] = {D(2025, 5, 1), D(2026, 3, 1)};
    person_events(&p, AM__K_POLITICAL, t5, d5, 2);
    p.n_charges = 1;
    p.charges[0] = political;
    REASONS(0, "deceased");
    assert_int_equal(am__synth_death(&p), D(2026, 3, 1));

    /* Never detained: exiled, or nothing at all. */
    int t6[] = {AM_EV_EXILE};
    int32_t d6[] = {D(2018, 1, 1)};
    person_events(&p, AM__K_NEVER, t6, d6, 1);
    REASONS(0, "not_detained");
    assert_int_equal(am__synth_status_at(&p, D(2026, 1, 1), NULL, NULL), AM_STATUS_EXILED);
    person_events(&p, AM__K_NEVER, t6, d6, 0);
    REASONS(1, "not_detained;duplicate");
    assert_int_equal(am__synth_first_arrest(&p), 0);
#undef REASONS
    assert_string_equal(am__synth_status_es(AM_STATUS_HOUSE_ARREST, 'F'), "casa por cárcel");
    assert_string_equal(am__synth_status_es(AM_STATUS_RELEASED_WITH_MEASURES, 'F'), "excarcelada");
    assert_string_equal(am__synth_status_es(AM_STATUS_DETAINED, 'M'), "detenido");
    am_buf_release(&b);
    am__synth_catalog_release(&ctx.cat);
}

/* ---- errors ------------------------------------------------------------------------------ */

static void test_usage_errors(void **state)
{
    (void)state;
    struct am_err err = AM_ERR_INIT;
    char *dir = make_dir("err");
    struct am_synth_options opt = {1, 0, AM_SYNTH_DEFAULT, dir};
    assert_int_equal(am_synth_run(&opt, NULL, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    assert_string_equal(err.msg, "--people 0 is out of range; give 1 to 5000000");
    am_err_clear(&err);
    opt.people = AM_SYNTH_MAX_PEOPLE + 1;
    assert_int_equal(am_synth_run(&opt, NULL, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    am_err_clear(&err);
    opt.people = 10;
    opt.out_dir = "";
    assert_int_equal(am_synth_run(&opt, NULL, &err), -1);
    assert_string_equal(err.msg, "no output directory; give --out DIR");
    am_err_clear(&err);

    /* --out names a file */
    char file[1024];
    snprintf(file, sizeof(file), "%s/plain", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    opt.out_dir = file;
    assert_int_equal(am_synth_run(&opt, NULL, &err), -1);
    assert_int_equal(err.code, AM_EUSAGE);
    assert_non_null(strstr(err.msg, "is not a directory; give --out a directory"));
    am_err_clear(&err);
    unlink(file);

    /* parent missing: I/O error, nothing created */
    char deep[1024];
    snprintf(deep, sizeof(deep), "%s/no/such", dir);
    opt.out_dir = deep;
    assert_int_equal(am_synth_run(&opt, NULL, &err), -1);
    assert_int_equal(err.code, AM_EIO);
    assert_non_null(strstr(err.msg, "cannot create directory"));
    assert_int_equal(count_entries(dir), 0);

    assert_int_equal(am_synth_profile_from_name("heavy"), AM_SYNTH_HEAVY);
    assert_int_equal(am_synth_profile_from_name("default"), AM_SYNTH_DEFAULT);
    assert_int_equal(am_synth_profile_from_name("Heavy"), -1);
    assert_int_equal(am_synth_profile_from_name(NULL), -1);
    assert_string_equal(am_synth_profile_name(AM_SYNTH_HEAVY), "heavy");
    remove_dir(dir);
}

/* A copy of data/ in a temporary directory with one file replaced, for AMNISTIA_DATA. */
static char *data_copy(const char *name, const char *text)
{
    static const char *const files[] = {
        "given_names_m.txt",  "given_names_f.txt", "surnames.txt",     "synth_facilities.csv",
        "synth_agencies.csv", "synth_states.csv",  "synth_charges.csv"};
    char *dir = make_dir("data");
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char src[1024], dst[1024];
        snprintf(src, sizeof(src), "%s/data/%s", AM_SOURCE_DIR, files[i]);
        snprintf(dst, sizeof(dst), "%s/%s", dir, files[i]);
        struct am_buf b;
        am_buf_init(&b);
        struct am_err err = AM_ERR_INIT;
        if (strcmp(files[i], name) == 0)
            am_buf_adds(&b, text);
        else
            assert_int_equal(am_buf_read_file(&b, src, &err), 0);
        FILE *f = fopen(dst, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(b.ptr, 1, b.len, f), b.len);
        fclose(f);
        am_buf_release(&b);
    }
    return dir;
}

struct bad_data {
    const char *file, *text, *msg;
    long line, col;
};

static void test_bad_data_files(void **state)
{
    (void)state;
    static const struct bad_data cases[] = {
        {"surnames.txt", "González;100\nPérez;x\n",
         "weight 'x' is not a whole number from 1 to 1000000; write a positive relative "
         "frequency",
         2, 7},
        {"surnames.txt", "# only a comment\n", NULL, 0, 0},
        {"given_names_f.txt", "María;10;Mari\nAna;5;a;b\n",
         "expected 'name;weight[;nick|nick]', found 4 fields; fix the line", 2, 1},
        {"given_names_m.txt", ";10\n", "empty name; write the name first", 1, 1},
        {"synth_facilities.csv", "h\nX,Miranda,SEBIN,W,0,2014,2026,5\n",
         "sex 'W' is not any, F or M", 2, 17},
        {"synth_facilities.csv", "h\nX,Miranda,SEBIN,any,2,2014,2026,5\n",
         "military '2' is not 0 or 1", 2, 21},
        {"synth_facilities.csv", "h\nX,Miranda,SEBIN,any,0,2026,2014,5\n",
         "years '2026'..'2014' are not a range of years", 2, 23},
        {"synth_facilities.csv", "h\nX,Miranda\n",
         "expected 8 columns (name,state,agency,sex,military,from_year,to_year,weight), found "
         "2",
         2, 1},
        {"synth_agencies.csv", "h\nSEBIN,1,-1\n",
         "weights '1','-1' are not whole numbers from 0 to 1000000", 2, 7},
        {"synth_agencies.csv", "h\nSEBIN,1,0\n",
         "data/synth_agencies.csv: each weight column needs at least one non-zero weight", 0, 0},
        {"synth_states.csv", "h\nZulia,10,\n", "write one to eight cities separated by |", 2, 10},
        {"synth_charges.csv", "h\nTerrorismo,politico,election,5\n",
         "class 'politico' is not political, military, homicide, drugs or common", 2, 12},
        {"synth_charges.csv", "h\nTerrorismo,political,elections,5\n",
         "group 'elections' is unknown; use protest, election, conspiracy, sanctions, civmil, "
         "military, homicide, drugs or common",
         2, 22},
        {"synth_charges.csv", "h\nTerrorismo,political,election,5\n",
         "data/synth_charges.csv has no charge in group 'protest'; add one", 0, 0},
        {"given_names_f.txt", "Del Valle;10\n",
         "data/given_names_f.txt holds no ordinary first name (only 'Del ...' names or none); "
         "add some",
         0, 0},
    };
    char *out = make_dir("bad-out");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *dir = data_copy(cases[i].file, cases[i].text);
        setenv("AMNISTIA_DATA", dir, 1);
        struct am_err err = AM_ERR_INIT;
        struct am_synth_options opt = {1, 50, AM_SYNTH_DEFAULT, out};
        assert_int_equal(am_synth_run(&opt, NULL, &err), -1);
        assert_int_equal(err.code, AM_EINPUT);
        if (cases[i].msg) {
            assert_string_equal(err.msg, cases[i].msg);
        } else {
            char want[256];
            snprintf(want, sizeof(want),
                     "data/%s holds no ordinary first name (only 'Del ...' "
                     "names or none); add some",
                     cases[i].file);
            assert_string_equal(err.msg, want);
        }
        if (cases[i].line) {
            char want[128];
            snprintf(want, sizeof(want), "data/%s", cases[i].file);
            assert_string_equal(err.input_file, want);
            assert_int_equal(err.input_line, cases[i].line);
            assert_int_equal(err.input_col, cases[i].col);
        }
        assert_int_equal(count_entries(out), 0); /* nothing written */
        unsetenv("AMNISTIA_DATA");
        remove_dir(dir);
    }
    /* A data directory without the files: not found, named. */
    char *empty = make_dir("empty");
    setenv("AMNISTIA_DATA", empty, 1);
    struct am_err err = AM_ERR_INIT;
    struct am_synth_options opt = {1, 50, AM_SYNTH_DEFAULT, out};
    assert_int_equal(am_synth_run(&opt, NULL, &err), -1);
    assert_int_equal(err.code, AM_EIO);
    assert_non_null(strstr(err.input_file, "given_names_m.txt"));
    assert_string_equal(err.msg, "cannot open: No such file or directory; check the path");
    unsetenv("AMNISTIA_DATA");
    remove_dir(empty);
    remove_dir(out);
}

int main(void)
{
    const struct CMUnitTest standalone[] = {
        cmocka_unit_test(test_same_seed_same_bytes), cmocka_unit_test(test_rng_streams),
        cmocka_unit_test(test_strip_and_upper),      cmocka_unit_test(test_typo_is_one_edit),
        cmocka_unit_test(test_cedula_render),        cmocka_unit_test(test_render_name),
        cmocka_unit_test(test_status_and_reasons),   cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_bad_data_files),
    };
    const struct CMUnitTest on_runs[] = {
        cmocka_unit_test(test_shares),
        cmocka_unit_test(test_waves),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_truth_consistent),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_evidence_elsewhere),
        cmocka_unit_test(test_cedula_formats),
        cmocka_unit_test(test_common_names_shared),
        cmocka_unit_test(test_heavy_has_more_errors),
        cmocka_unit_test(test_list_habits),
    };
    int failed = cmocka_run_group_tests_name("synth", standalone, NULL, NULL);
    failed += cmocka_run_group_tests_name("synth_runs", on_runs, setup_runs, teardown_runs);
    return failed;
}
