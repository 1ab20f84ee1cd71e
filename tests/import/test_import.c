/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * import: the CSV reader's edge cases (quotes, embedded newlines, CRLF, BOM, ';', empty
 * fields, ragged rows, one byte at a time), mapping files and every mapping error with its
 * position, row parsing, catalog matching, the events a record gives, and whole imports
 * into a real registry: refusal leaving it unchanged, --skip-bad, duplicates, Latin-1,
 * JSON Lines. All names are invented.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "amnistia/import.h"
#include "amnistia/registry.h"
#include "amnistia/store.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers --------------------------------------------------------------------------- */

/* Reads every record of text into a flat list "f1|f2\n" with positions, for comparing. */
struct collected {
    struct am_buf values;
    struct am_buf positions; /* "line:col" per field, space-separated, a '/' per record */
    int records;
    char problem[300];
};

static void collect(struct am_csv *csv, struct collected *out)
{
    am_buf_init(&out->values);
    am_buf_init(&out->positions);
    out->records = 0;
    out->problem[0] = 0;
    struct am_csv_record rec;
    struct am_err err = AM_ERR_INIT;
    int rc;
    while ((rc = am_csv_next(csv, &rec, &err)) == 1) {
        out->records++;
        for (size_t i = 0; i < rec.n; i++) {
            if (i)
                am_buf_addc(&out->values, '|');
            am_buf_add(&out->values, rec.fields[i].value, rec.fields[i].len);
            am_buf_addf(&out->positions, "%ld:%ld ", rec.fields[i].line, rec.fields[i].col);
        }
        am_buf_addc(&out->values, '\n');
        am_buf_adds(&out->positions, "/ ");
        if (rec.problem && !out->problem[0])
            snprintf(out->problem, sizeof(out->problem), "%ld:%ld %s", rec.problem_line,
                     rec.problem_col, rec.problem);
    }
    assert_int_equal(rc, 0);
}

static void collect_mem(const char *text, struct collected *out, char *sep)
{
    struct am_csv *csv = am_csv_new_mem("t.csv", text, strlen(text));
    collect(csv, out);
    if (sep)
        *sep = am_csv_separator(csv);
    am_csv_free(csv);
}

static void collected_release(struct collected *c)
{
    am_buf_release(&c->values);
    am_buf_release(&c->positions);
}

/* A source that hands out one byte per read, to cross every chunk boundary. */
struct trickle {
    const char *s;
    size_t len, off;
};
static long trickle_read(void *ctx, char *buf, size_t cap)
{
    struct trickle *t = ctx;
    if (t->off == t->len || cap == 0)
        return 0;
    buf[0] = t->s[t->off++];
    return 1;
}

static long failing_read(void *ctx, char *buf, size_t cap)
{
    (void)ctx;
    (void)buf;
    (void)cap;
    return -1;
}

static char tmpdir[512];

static const char *tmp_path(const char *name)
{
    static char paths[8][700];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof(paths[0]), "%s/%s", tmpdir, name);
    return p;
}

static const char *write_tmp(const char *name, const char *bytes, size_t len)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    return p;
}

static const char *write_str(const char *name, const char *text)
{
    return write_tmp(name, text, strlen(text));
}

static struct am_store *fresh_store(const char *name)
{
    const char *p = tmp_path(name);
    char side[800];
    unlink(p);
    snprintf(side, sizeof(side), "%s-wal", p);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", p);
    unlink(side);
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(p, &err);
    assert_non_null(s);
    return s;
}

static int64_t scalar(struct am_store *s, const char *sql)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(s, sql, &err);
    assert_non_null(st);
    assert_int_equal(am_stmt_step(st, &err), 1);
    int64_t v = am_stmt_int64(st, 0);
    am_stmt_finalize(st);
    return v;
}

static char *text_of(struct am_store *s, const char *sql)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(s, sql, &err);
    assert_non_null(st);
    int rc = am_stmt_step(st, &err);
    assert_true(rc >= 0);
    char *v = rc == 1 && am_stmt_text(st, 0) ? am_strdup(am_stmt_text(st, 0)) : NULL;
    am_stmt_finalize(st);
    return v;
}

static void assert_text(struct am_store *s, const char *sql, const char *want)
{
    char *got = text_of(s, sql);
    if (!want) {
        if (got)
            fail_msg("%s: got '%s', want NULL", sql, got);
        return;
    }
    if (!got || strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", sql, got ? got : "NULL", want);
    am_free(got);
}

/* Row counts of every table the import writes, as one string. */
/* What registry/ derives from the records (events, charges, measures), every person in
 * order, as text: "type@date", "raw=class/certainty", "type imposed", space-separated. */
static void derived(struct am_store *s, char what, char *out, size_t n)
{
    struct am_err err = AM_ERR_INIT;
    struct am_facts_scan *scan = am_facts_scan_new(s, &err);
    assert_non_null(scan);
    struct am_facts f;
    size_t len = 0;
    out[0] = '\0';
    int rc;
    while ((rc = am_facts_scan_next(scan, &f, &err)) == 1) {
        size_t k = what == 'e' ? f.n_events : what == 'c' ? f.n_charges : f.n_measures;
        for (size_t i = 0; i < k && len < n; i++) {
            const char *sep = len ? " " : "";
            if (what == 'e')
                len += (size_t)snprintf(out + len, n - len, "%s%s@%s", sep,
                                        am_event_name(f.events[i].type),
                                        f.events[i].date ? f.events[i].date : "-");
            else if (what == 'c')
                len += (size_t)snprintf(out + len, n - len, "%s%s=%s/%s", sep, f.charges[i].raw,
                                        f.charges[i].class_name,
                                        f.charges[i].certainty ? f.charges[i].certainty : "-");
            else
                len += (size_t)snprintf(out + len, n - len, "%s%s %s", sep, f.measures[i].type,
                                        f.measures[i].imposed ? f.measures[i].imposed : "-");
        }
    }
    assert_int_equal(rc, 0);
    am_facts_scan_free(scan);
}

static void counts(struct am_store *s, char *out, size_t n)
{
    static const char *const tables[] = {"source", "snapshot", "record", "person",
                                         "record_person", "event", "charge", "measure",
                                         "category"};
    size_t off = 0;
    for (size_t i = 0; i < N_ELEMS(tables); i++) {
        char q[128];
        snprintf(q, sizeof(q), "SELECT count(*) FROM %s", tables[i]);
        off += (size_t)snprintf(out + off, n - off, "%s=%lld ", tables[i],
                                (long long)scalar(s, q));
    }
}

static void assert_err(const struct am_err *err, enum am_code code, const char *file, long line,
                       long col, const char *needle)
{
    if (err->code != code || (file && !strstr(err->input_file, file)) ||
        err->input_line != line || err->input_col != col || !strstr(err->msg, needle))
        fail_msg("got %s %s:%ld:%ld: %s\nwant %s %s:%ld:%ld containing '%s'",
                 am_code_name(err->code), err->input_file, err->input_line, err->input_col,
                 err->msg, am_code_name(code), file ? file : "*", line, col, needle);
}

/* ---- CSV reader ----------------------------------------------------------------------- */

static void test_csv_basic(void **state)
{
    (void)state;
    struct collected c;
    char sep;
    collect_mem("list_id,full_name\n1,Ana Pérez\n2,Luis Rojas\n", &c, &sep);
    assert_int_equal(sep, ',');
    assert_int_equal(c.records, 3);
    assert_string_equal(c.values.ptr, "list_id|full_name\n1|Ana Pérez\n2|Luis Rojas\n");
    assert_string_equal(c.positions.ptr, "1:1 1:9 / 2:1 2:3 / 3:1 3:3 / ");
    collected_release(&c);
}

static void test_csv_quotes_newlines(void **state)
{
    (void)state;
    struct collected c;
    collect_mem("a,b,c\n\"x,y\",\"line1\nline2\",\"say \"\"hi\"\"\"\n4,\"\",6\n", &c, NULL);
    assert_int_equal(c.records, 3);
    assert_string_equal(c.values.ptr, "a|b|c\nx,y|line1\nline2|say \"hi\"\n4||6\n");
    /* The third field starts on line 3 after the embedded newline; the next record on 4. */
    assert_string_equal(c.positions.ptr, "1:1 1:3 1:5 / 2:1 2:7 3:8 / 4:1 4:3 4:6 / ");
    assert_string_equal(c.problem, "");
    collected_release(&c);
}

static void test_csv_crlf_and_cr(void **state)
{
    (void)state;
    struct collected c;
    collect_mem("a,b\r\n1,2\r\n\"q\r\nr\",3\r\n", &c, NULL);
    assert_int_equal(c.records, 3);
    assert_string_equal(c.values.ptr, "a|b\n1|2\nq\r\nr|3\n");
    assert_string_equal(c.positions.ptr, "1:1 1:3 / 2:1 2:3 / 3:1 4:4 / ");
    collected_release(&c);
    /* Old Mac line ends. */
    collect_mem("a,b\r1,2\r", &c, NULL);
    assert_int_equal(c.records, 2);
    assert_string_equal(c.values.ptr, "a|b\n1|2\n");
    assert_string_equal(c.positions.ptr, "1:1 1:3 / 2:1 2:3 / ");
    collected_release(&c);
}

static void test_csv_bom_and_semicolon(void **state)
{
    (void)state;
    struct collected c;
    char sep;
    collect_mem("\xEF\xBB\xBFnombre;cedula;estado\nAna;V-1;detenida\n", &c, &sep);
    assert_int_equal(sep, ';');
    assert_string_equal(c.values.ptr, "nombre|cedula|estado\nAna|V-1|detenida\n");
    assert_string_equal(c.positions.ptr, "1:1 1:8 1:15 / 2:1 2:5 2:9 / ");
    collected_release(&c);
    /* ';' inside quotes does not count; a tie keeps ','. */
    collect_mem("\"a;b;c\",d\n1,2\n", &c, &sep);
    assert_int_equal(sep, ',');
    collected_release(&c);
    collect_mem("a;b,c\n", &c, &sep);
    assert_int_equal(sep, ',');
    collected_release(&c);
    /* An empty file: no records, separator ','. */
    collect_mem("", &c, &sep);
    assert_int_equal(c.records, 0);
    assert_int_equal(sep, ',');
    collected_release(&c);
}

static void test_csv_empty_fields_and_endings(void **state)
{
    (void)state;
    struct collected c;
    collect_mem("a,b,c\n,,\n", &c, NULL);
    assert_string_equal(c.values.ptr, "a|b|c\n||\n");
    assert_string_equal(c.positions.ptr, "1:1 1:3 1:5 / 2:1 2:2 2:3 / ");
    collected_release(&c);
    /* No trailing newline: the last record still counts. */
    collect_mem("a,b\n1,2", &c, NULL);
    assert_int_equal(c.records, 2);
    assert_string_equal(c.values.ptr, "a|b\n1|2\n");
    collected_release(&c);
    /* A trailing comma at the end of the file gives an empty last field. */
    collect_mem("a,b\n1,", &c, NULL);
    assert_string_equal(c.values.ptr, "a|b\n1|\n");
    collected_release(&c);
    /* A blank line is a record of one empty field (the importer skips it). */
    collect_mem("a,b\n\n1,2\n", &c, NULL);
    assert_int_equal(c.records, 3);
    assert_string_equal(c.values.ptr, "a|b\n\n1|2\n");
    collected_release(&c);
    /* Ragged rows come out with their own number of fields. */
    collect_mem("a,b\n1,2,3\n4\n", &c, NULL);
    assert_string_equal(c.values.ptr, "a|b\n1|2|3\n4\n");
    collected_release(&c);
}

static void test_csv_columns_in_characters(void **state)
{
    (void)state;
    struct collected c;
    collect_mem("ñandú,b\nÁÉÍ,x\n", &c, NULL);
    assert_string_equal(c.positions.ptr, "1:1 1:7 / 2:1 2:5 / ");
    collected_release(&c);
}

static void test_csv_problems(void **state)
{
    (void)state;
    struct collected c;
    collect_mem("a,b\n1,\"open\n2,3\n", &c, NULL);
    assert_string_equal(c.problem, "2:3 a quoted field is never closed; add the closing "
                                   "quote (\")");
    collected_release(&c);
    collect_mem("a,b\n\"x\"y,2\n", &c, NULL);
    assert_true(strncmp(c.problem, "2:4 text after the closing quote", 32) == 0);
    assert_string_equal(c.values.ptr, "a|b\nxy|2\n");
    collected_release(&c);
    static const char nul[] = "a,b\n1,x\0y\n";
    struct am_csv *csv = am_csv_new_mem("t.csv", nul, sizeof(nul) - 1);
    collect(csv, &c);
    assert_true(strncmp(c.problem, "2:4 NUL byte", 12) == 0);
    am_csv_free(csv);
    collected_release(&c);
    /* A bare quote inside an unquoted field is kept as it is. */
    collect_mem("a\n5'8\"\n", &c, NULL);
    assert_string_equal(c.values.ptr, "a\n5'8\"\n");
    assert_string_equal(c.problem, "");
    collected_release(&c);
}

/* A quote left open does not pull the rest of a huge file into memory. */
static void test_csv_limits(void **state)
{
    (void)state;
    size_t big = 17u * 1024 * 1024;
    char *text = am_malloc(big + 16);
    memcpy(text, "a,b\n1,\"", 7);
    memset(text + 7, 'x', big - 7);
    memcpy(text + big, "\n", 2);
    struct am_csv *csv = am_csv_new_mem("big.csv", text, big + 1);
    struct am_csv_record rec;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_csv_next(csv, &rec, &err), 1);
    assert_int_equal(am_csv_next(csv, &rec, &err), 1);
    assert_non_null(rec.problem);
    assert_non_null(strstr(rec.problem, "longer than 16 MB"));
    assert_int_equal(rec.problem_line, 2);
    assert_true(rec.n >= 1);
    assert_int_equal(am_csv_next(csv, &rec, &err), 0);
    am_csv_free(csv);
    /* Too many fields. */
    size_t n = 70000;
    for (size_t i = 0; i < n; i++)
        text[i] = ',';
    text[n] = '\n';
    csv = am_csv_new_mem("wide.csv", text, n + 1);
    assert_int_equal(am_csv_next(csv, &rec, &err), 1);
    assert_non_null(rec.problem);
    assert_int_equal(rec.n, 65536);
    assert_string_equal(rec.fields[rec.n - 1].value, "");
    am_csv_free(csv);
    am_free(text);
}

static void test_csv_trickle_same_as_whole(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "\xEF\xBB\xBF" "a;b\r\n\"x;\r\ny\";\"\"\"q\"\"\"\r\n;\r\n",
        "a,b\r1,2\r\n3,4\n\n\"open",
        "h\n\"x\"junk,\n",
    };
    for (size_t i = 0; i < N_ELEMS(inputs); i++) {
        struct collected whole, bytes;
        collect_mem(inputs[i], &whole, NULL);
        struct trickle t = {inputs[i], strlen(inputs[i]), 0};
        struct am_csv *csv = am_csv_new("t.csv", trickle_read, &t);
        collect(csv, &bytes);
        am_csv_free(csv);
        assert_string_equal(whole.values.ptr, bytes.values.ptr);
        assert_string_equal(whole.positions.ptr, bytes.positions.ptr);
        assert_string_equal(whole.problem, bytes.problem);
        collected_release(&whole);
        collected_release(&bytes);
    }
}

static void test_csv_forced_separator_and_io_error(void **state)
{
    (void)state;
    struct am_csv *csv = am_csv_new_mem("t.csv", "a;b,c\n", 6);
    am_csv_set_separator(csv, ';');
    struct am_csv_record rec;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_csv_next(csv, &rec, &err), 1);
    assert_int_equal(rec.n, 2);
    assert_string_equal(rec.fields[1].value, "b,c");
    am_csv_free(csv);
    csv = am_csv_new("broken.csv", failing_read, NULL);
    assert_int_equal(am_csv_next(csv, &rec, &err), -1);
    assert_int_equal(err.code, AM_EIO);
    assert_string_equal(err.input_file, "broken.csv");
    am_csv_free(csv);
    am_csv_free(NULL);
}

/* ---- columns ------------------------------------------------------------------------------ */

static void test_column_from_header(void **state)
{
    (void)state;
    assert_int_equal(am_column_from_header("full_name"), AM_COL_FULL_NAME);
    assert_int_equal(am_column_from_header("  FULL_NAME "), AM_COL_FULL_NAME);
    assert_int_equal(am_column_from_header("Full Name"), AM_COL_FULL_NAME);
    assert_int_equal(am_column_from_header("Cédula"), AM_COL_CEDULA);
    assert_int_equal(am_column_from_header("notes"), AM_COL_NOTES);
    assert_int_equal(am_column_from_header("list_id"), AM_COL_LIST_ID);
    assert_int_equal(am_column_from_header("nombre"), -1);
    assert_int_equal(am_column_from_header(""), -1);
    assert_string_equal(am_column_name(AM_COL_RELEASE_DATE), "release_date");
}

/* ---- mapping files --------------------------------------------------------------------- */

static const char good_map[] =
    "# Ministry list, surnames first\n"
    "order surnames_first\n"
    "dates mdy   # US-style spreadsheet\n"
    "column \"APELLIDOS Y NOMBRES\" -> full_name\n"
    "column CI -> cedula\n"
    "join \"PRIMER NOMBRE\" + \"SEGUNDO NOMBRE\" -> given_names\n"
    "set status = released\n"
    "set notes = \"lista \"\"oficial\"\"\"\n"
    "status \"EXCARCELADO CON MEDIDAS\" -> released_with_measures\n"
    "category PERIODISTA_INDEPENDIENTE -> journalist\n"
    "ignore OBSERVACIONES, \"NRO\"\n"
    "\n";

static struct am_mapping *parse_map(const char *text, struct am_err *err)
{
    return am_mapping_parse("m.map", text, strlen(text), err);
}

static void test_mapping_good(void **state)
{
    (void)state;
    struct am_err err = AM_ERR_INIT;
    struct am_mapping *m = parse_map(good_map, &err);
    if (!m)
        fail_msg("%ld:%ld %s", err.input_line, err.input_col, err.msg);
    assert_int_equal(am_mapping_order(m), AM_ORDER_SURNAMES_FIRST);
    assert_int_equal(am_mapping_date_order(m), AM_DATES_MDY);
    am_mapping_free(m);
    m = am_mapping_new();
    assert_int_equal(am_mapping_order(m), AM_ORDER_UNKNOWN);
    assert_int_equal(am_mapping_date_order(m), AM_DATES_DMY);
    am_mapping_free(m);
    am_mapping_free(NULL);
    /* A BOM and CRLF line ends are fine. */
    m = parse_map("\xEF\xBB\xBF" "order given_first\r\ndates dmy\r\n", &err);
    assert_non_null(m);
    assert_int_equal(am_mapping_order(m), AM_ORDER_GIVEN_FIRST);
    am_mapping_free(m);
}

static void test_mapping_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        long line, col;
        const char *needle;
    } cases[] = {
        {"colum CI -> cedula\n", 1, 1, "unknown directive 'colum'; use order, dates"},
        {"# c\n\ncolumn \"CI -> cedula\n", 3, 8, "quoted name is never closed"},
        {"column CI cedula\n", 1, 11, "expected '->' but found a name 'cedula'"},
        {"column CI -> cedulla\n", 1, 14, "'cedulla' is not a canonical column; use one of"},
        {"column CI -> cedula\ncolumn DOC -> cedula\n", 2, 15,
         "cedula is already given at line 1"},
        {"column CI -> cedula\nignore CI\n", 2, 8, "column 'CI' is already used at line 1"},
        {"join A -> given_names\n", 1, 8, "a join needs at least two columns"},
        {"join A = B -> given_names\n", 1, 8, "expected '+' or '->' but found '='"},
        {"set status = releasd\n", 1, 14, "'releasd' is not a status; use one of"},
        {"set arrest_date = 31/02/2024\n", 1, 19, "is not a date"},
        {"set arrest_date = 2030-01-01\n", 1, 19, "is not a date"},
        {"set sensitivity = secret\n", 1, 19, "not a sensitivity"},
        {"set sex = azul\n", 1, 11, "not a sex"},
        {"set cedula = V-12A\n", 1, 14, "not a cédula"},
        {"set categories = estudiante;astronauta\n", 1, 18, "'astronauta' is not a category"},
        {"set status released\n", 1, 12, "expected '=' but found a name 'released'"},
        {"status PRESO -> jailed\n", 1, 17, "'jailed' is not a status"},
        {"status PRESO -> detained\nstatus preso -> released\n", 2, 8,
         "the word 'preso' is already mapped"},
        {"category X -> astronaut\n", 1, 15, "'astronaut' is not a category"},
        {"order backwards\n", 1, 7, "unknown name order 'backwards'"},
        {"dates ymd\n", 1, 7, "unknown date order 'ymd'"},
        {"order given_first extra\n", 1, 19, "unexpected a name 'extra' after the end"},
        {"-> full_name\n", 1, 1, "a line starts with '->'"},
        {"column \"\" -> full_name\n", 1, 8, "empty quoted name"},
        {"column ... -> full_name\n", 1, 8, "has no letters or digits"},
        {"ignore A B\n", 1, 10, "expected ',' or the end of the line"},
        {"column N\xE9 -> notes\n", 1, 9, "invalid UTF-8 byte 0xE9"},
        {"join A + B + C + D + E + F + G + H + I -> notes\n", 1, 36, "at most 8 columns"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        struct am_err err = AM_ERR_INIT;
        struct am_mapping *m = parse_map(cases[i].text, &err);
        if (m)
            fail_msg("case %zu parsed: %s", i, cases[i].text);
        if (err.code != AM_EINPUT || strcmp(err.input_file, "m.map") != 0 ||
            err.input_line != cases[i].line || err.input_col != cases[i].col ||
            !strstr(err.msg, cases[i].needle))
            fail_msg("case %zu: got %s:%ld:%ld: %s\nwant %ld:%ld '%s'", i, err.input_file,
                     err.input_line, err.input_col, err.msg, cases[i].line, cases[i].col,
                     cases[i].needle);
        /* Every message says what to do after a ';'. */
        assert_non_null(strchr(err.msg, ';'));
    }
    struct am_err err = AM_ERR_INIT;
    assert_null(am_mapping_load(tmp_path("no-such.map"), &err));
    assert_int_equal(err.code, AM_EIO);
}

/* Builds a plan for a header line given as CSV text. */
static struct am_plan *plan_for(const struct am_mapping *m, const char *header,
                                struct am_buf *extra, struct am_err *err)
{
    struct am_csv *csv = am_csv_new_mem("h.csv", header, strlen(header));
    struct am_csv_record rec;
    assert_int_equal(am_csv_next(csv, &rec, err), 1);
    struct am_plan *p = am_plan_build(m, "h.csv", rec.line, rec.fields, rec.n, extra, err);
    am_csv_free(csv);
    return p;
}

static void test_plan_errors_and_extras(void **state)
{
    (void)state;
    struct am_err err = AM_ERR_INIT;
    struct am_mapping *m = am_mapping_new();
    struct am_buf extra;
    am_buf_init(&extra);
    struct am_plan *p = plan_for(m, "full_name,OBS,cedula,Otra Cosa\n", &extra, &err);
    assert_non_null(p);
    assert_int_equal(am_plan_width(p), 4);
    assert_string_equal(extra.ptr, "'OBS', 'Otra Cosa'");
    am_plan_free(p);
    am_buf_reset(&extra);

    p = plan_for(m, "full_name,cedula,Full Name\n", &extra, &err);
    assert_null(p);
    assert_err(&err, AM_EINPUT, "h.csv", 1, 18, "full_name is given twice");
    am_err_clear(&err);

    p = plan_for(m, "nombre,cedula\n", &extra, &err);
    assert_null(p);
    assert_err(&err, AM_EINPUT, "h.csv", 1, 1, "the header has no name column");
    am_err_clear(&err);
    am_mapping_free(m);

    m = parse_map("column NOMBRE -> full_name\njoin A + B -> notes\n", &err);
    assert_non_null(m);
    p = plan_for(m, "NOMBRES,A,B\n", &extra, &err);
    assert_null(p);
    assert_err(&err, AM_EINPUT, "h.csv", 1, 1, "the mapping (m.map:1) renames column 'NOMBRE'");
    am_err_clear(&err);
    p = plan_for(m, "Nombre,A\n", &extra, &err);
    assert_null(p);
    assert_err(&err, AM_EINPUT, "h.csv", 1, 1, "the mapping (m.map:2) joins column 'B'");
    am_err_clear(&err);
    p = plan_for(m, "nombre,a,A\n", &extra, &err);
    assert_null(p);
    assert_err(&err, AM_EINPUT, "h.csv", 1, 10, "column 'A' appears twice");
    am_err_clear(&err);
    am_mapping_free(m);

    /* A mapping that feeds full_name makes a header full_name column an extra. */
    m = parse_map("column NOMBRE -> full_name\nignore X\n", &err);
    am_buf_reset(&extra);
    p = plan_for(m, "NOMBRE,full_name,X\n", &extra, &err);
    assert_non_null(p);
    assert_string_equal(extra.ptr, "'full_name'");
    /* JSON Lines keys arrive one by one. */
    int is_new;
    size_t idx = am_plan_add_column(p, "cedula", &is_new);
    assert_int_equal(idx, 3);
    assert_int_equal(is_new, 1);
    assert_int_equal(am_plan_add_column(p, "CEDULA", &is_new), 3);
    assert_int_equal(is_new, 0);
    am_plan_free(p);
    am_mapping_free(m);
    am_buf_release(&extra);
}

/* ---- row parsing -------------------------------------------------------------------------- */

struct parsed {
    struct am_arena arena;
    struct am_record rec;
    struct am_err err;
    int rc;
};

/* Parses one data row (CSV text after the header) through a mapping. */
static void parse_row(const char *map_text, const char *csv_text, struct am_catalog *cat,
                      struct parsed *out)
{
    struct am_err err = AM_ERR_INIT;
    struct am_mapping *m = map_text ? parse_map(map_text, &err) : am_mapping_new();
    if (!m)
        fail_msg("mapping: %s", err.msg);
    struct am_csv *csv = am_csv_new_mem("r.csv", csv_text, strlen(csv_text));
    struct am_csv_record rec;
    assert_int_equal(am_csv_next(csv, &rec, &err), 1);
    struct am_plan *p = am_plan_build(m, "r.csv", rec.line, rec.fields, rec.n, NULL, &err);
    if (!p)
        fail_msg("plan: %s", err.msg);
    assert_int_equal(am_csv_next(csv, &rec, &err), 1);
    const char *values[32];
    long lines[32], cols[32];
    am_arena_init(&out->arena);
    for (size_t i = 0; i < rec.n && i < 32; i++) {
        /* The record may point into the row's values: kept with it, past am_csv_free. */
        values[i] = am_arena_strdup(&out->arena, rec.fields[i].value);
        lines[i] = rec.fields[i].line;
        cols[i] = rec.fields[i].col;
    }
    struct am_list_row row = {"r.csv", rec.line, rec.n, values, lines, cols};
    am_err_clear(&out->err);
    out->rc = am_record_parse(p, cat, &row, &out->arena, &out->rec, &out->err);
    am_plan_free(p);
    am_csv_free(csv);
    am_mapping_free(m);
}

static struct am_catalog *catalog(void)
{
    struct am_err err = AM_ERR_INIT;
    struct am_catalog *c = am_catalog_load(&err);
    if (!c)
        fail_msg("catalog: %s", err.msg);
    return c;
}

static void test_row_full_name_and_fields(void **state)
{
    (void)state;
    struct am_catalog *cat = catalog();
    struct parsed p;
    parse_row(NULL,
              "list_id,full_name,cedula,sex,birth_date,arrest_date,status,charges,measures,"
              "categories,sensitivity,nationality\n"
              "7,\"GONZÁLEZ PÉREZ, María José\",V-12.345.678,femenino,02/01/1990,2024-08-15,"
              "Excarcelada,\"Terrorismo; ; robo agravado\",prohibición de salida del país,"
              "Estudiante;periodista,público,venezolana\n",
              cat, &p);
    if (p.rc)
        fail_msg("%s", p.err.msg);
    const struct am_record *r = &p.rec;
    assert_string_equal(r->list_id, "7");
    assert_string_equal(r->full_name, "GONZÁLEZ PÉREZ, María José");
    assert_string_equal(r->given_names, "María José");
    assert_string_equal(r->surnames, "GONZÁLEZ PÉREZ");
    assert_string_equal(r->name_order, "surnames_first");
    assert_int_equal(r->cedula_kind, 'V');
    assert_string_equal(r->cedula, "12345678");
    assert_int_equal(r->sex, 'F');
    assert_string_equal(r->birth_date, "1990-01-02");
    assert_string_equal(r->arrest_date, "2024-08-15");
    assert_int_equal(r->status, AM_STATUS_RELEASED_WITH_MEASURES);
    assert_int_equal(r->n_charges, 2);
    assert_string_equal(r->charges[0].raw, "Terrorismo");
    assert_string_equal(r->charges[0].class_name, "political");
    assert_string_equal(r->charges[1].class_name, "common");
    assert_int_equal(r->n_measures, 1);
    assert_string_equal(r->measures[0].type, "COPP-242-4");
    assert_int_equal(r->n_categories, 2);
    assert_string_equal(r->categories[0], "student");
    assert_string_equal(r->categories[1], "journalist");
    assert_string_equal(r->sensitivity, "public");
    assert_string_equal(r->nationality, "venezolana");
    assert_null(r->release_date);
    am_arena_release(&p.arena);

    /* Split columns build the full name; an empty sensitivity is restricted. */
    parse_row(NULL, "given_names,surnames,sensitivity,cedula\n Luis Ángel , Rojas Peña ,,E-81234567\n",
              cat, &p);
    assert_int_equal(p.rc, 0);
    am_arena_release(&p.arena);
    parse_row(NULL, "full_name,cedula\nAna Díaz,S/C\n", cat, &p);
    assert_int_equal(p.rc, 0);
    assert_null(p.rec.cedula);
    assert_int_equal(p.rec.cedula_kind, 0);
    am_arena_release(&p.arena);
    parse_row(NULL, "given_names,surnames,sensitivity,cedula\n Luis Ángel , Rojas Peña ,,E-81234567\n",
              cat, &p);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.rec.full_name, "Luis Ángel Rojas Peña");
    assert_string_equal(p.rec.given_names, "Luis Ángel");
    assert_string_equal(p.rec.name_order, "split");
    assert_string_equal(p.rec.sensitivity, "restricted");
    assert_int_equal(p.rec.cedula_kind, 'E');
    assert_int_equal(p.rec.status, -1);
    am_arena_release(&p.arena);
    /* The edges of the short path for ISO dates: 1900-01-01 and today are kept as they
     * are; a YYYY/MM/DD date still goes through the parser. */
    parse_row(NULL, "full_name,birth_date,arrest_date,release_date\nAna,1900-01-01,"
              "2026-11-29,2025/03/04\n", cat, &p);
    if (p.rc)
        fail_msg("%s", p.err.msg);
    assert_string_equal(p.rec.birth_date, "1900-01-01");
    assert_string_equal(p.rec.arrest_date, "2026-11-29");
    assert_string_equal(p.rec.release_date, "2025-03-04");
    am_arena_release(&p.arena);
    am_catalog_free(cat);
}

static void test_row_mapping(void **state)
{
    (void)state;
    struct am_catalog *cat = catalog();
    struct parsed p;
    parse_row(good_map,
              "NRO,APELLIDOS Y NOMBRES,CI,PRIMER NOMBRE,SEGUNDO NOMBRE,FECHA,OBSERVACIONES\n"
              "1,RAMÍREZ CASTILLO PEDRO LUIS,9876543,Pedro,,x,y\n",
              cat, &p);
    if (p.rc)
        fail_msg("%s", p.err.msg);
    assert_string_equal(p.rec.full_name, "RAMÍREZ CASTILLO PEDRO LUIS");
    assert_string_equal(p.rec.given_names, "Pedro"); /* from the join, verbatim */
    assert_string_equal(p.rec.surnames, "RAMÍREZ CASTILLO");
    assert_string_equal(p.rec.name_order, "surnames_first");
    assert_string_equal(p.rec.cedula, "9876543");
    assert_int_equal(p.rec.cedula_kind, 0);
    assert_int_equal(p.rec.status, AM_STATUS_RELEASED); /* set status = released */
    assert_string_equal(p.rec.notes, "lista \"oficial\"");
    am_arena_release(&p.arena);

    /* Particles stay with their surname and a married name is kept, verbatim. */
    parse_row(NULL, "full_name\nMaría del Carmen De La Cruz Pérez de Gómez\n", cat, &p);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.rec.name_order, "given_first");
    assert_non_null(strstr(p.rec.surnames, "De La Cruz"));
    assert_non_null(strstr(p.rec.surnames, "de Gómez"));
    am_arena_release(&p.arena);

    /* The source's own status and category words, and US dates. */
    parse_row("status \"EXCARCELADO CON MEDIDAS\" -> released_with_measures\n"
              "category \"PRENSA LIBRE\" -> journalist\ndates mdy\n",
              "full_name,status,categories,release_date\n"
              "Ana Díaz,Excarcelado con medidas,prensa libre,12/31/2025\n",
              cat, &p);
    if (p.rc)
        fail_msg("%s", p.err.msg);
    assert_int_equal(p.rec.status, AM_STATUS_RELEASED_WITH_MEASURES);
    assert_string_equal(p.rec.categories[0], "journalist");
    assert_string_equal(p.rec.release_date, "2025-12-31");
    am_arena_release(&p.arena);

    /* A join of surnames with one part empty. */
    parse_row("join \"PRIMER APELLIDO\" + \"SEGUNDO APELLIDO\" -> surnames\n"
              "column NOMBRES -> given_names\n",
              "NOMBRES,PRIMER APELLIDO,SEGUNDO APELLIDO\nJosé, ,Mendoza\n", cat, &p);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.rec.surnames, "Mendoza");
    assert_string_equal(p.rec.full_name, "José Mendoza");
    am_arena_release(&p.arena);
    am_catalog_free(cat);
}

static void test_row_bad(void **state)
{
    (void)state;
    struct am_catalog *cat = catalog();
    static const struct {
        const char *csv;
        long line, col;
        const char *needle;
    } cases[] = {
        {"full_name,birth_date\nAna,31/02/1990\n", 2, 5, "birth_date '31/02/1990'"},
        {"full_name,arrest_date\nAna,2027-01-01\n", 2, 5, "arrest_date '2027-01-01'"},
        {"full_name,arrest_date\nAna,ayer\n", 2, 5, "write YYYY-MM-DD or DD/MM/YYYY"},
        {"full_name,cedula\nAna,V-12A45\n", 2, 5, "cedula 'V-12A45'"},
        {"full_name,sex\nAna,azul\n", 2, 5, "sex 'azul' is not a sex word"},
        {"full_name,status\nAna,encantada\n", 2, 5, "unknown status word 'encantada'"},
        {"full_name,categories\nAna,estudiante;astronauta\n", 2, 5,
         "unknown category 'astronauta'; use protester, student"},
        {"full_name,sensitivity\nAna,secreto\n", 2, 5, "sensitivity 'secreto'"},
        {"list_id,full_name\n1,\n", 2, 3, "no name"},
        {"list_id,given_names,surnames\n1,Ana,\n", 2, 7, "only given names given, no surnames"},
        {"list_id,given_names,surnames\n1,,Díaz\n", 2, 3, "only surnames given, no given names"},
        {"full_name,notes,release_date\n\"Ana\",\"a\nb\",1/1/2099\n", 3, 4,
         "release_date '1/1/2099'"},
        /* Dates already ISO take a shorter path: the same refusals and messages. */
        {"full_name,birth_date\nAna,1899-12-31\n", 2, 5, "year 1899 is before 1900"},
        {"full_name,birth_date\nAna,0999-01-01\n", 2, 5, "birth_date '0999-01-01'"},
        {"full_name,birth_date\nAna,2023-02-29\n", 2, 5, "day 29 does not exist"},
        {"full_name,arrest_date\nAna,2026-11-30\n", 2, 5, "date is in the future"},
        {"full_name,arrest_date\nAna,2026-13-01\n", 2, 5, "month 13 does not exist"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        struct parsed p;
        parse_row(NULL, cases[i].csv, cat, &p);
        if (p.rc == 0)
            fail_msg("case %zu parsed", i);
        if (p.err.code != AM_EINPUT || strcmp(p.err.input_file, "r.csv") ||
            p.err.input_line != cases[i].line || p.err.input_col != cases[i].col ||
            !strstr(p.err.msg, cases[i].needle) || !strchr(p.err.msg, ';'))
            fail_msg("case %zu: got %ld:%ld %s\nwant %ld:%ld '%s'", i, p.err.input_line,
                     p.err.input_col, p.err.msg, cases[i].line, cases[i].col,
                     cases[i].needle);
        am_arena_release(&p.arena);
    }
    am_catalog_free(cat);
}

/* Dates as people and spreadsheets write them: month names, times after the date. */
static void test_row_dates_as_written(void **state)
{
    (void)state;
    struct am_catalog *cat = catalog();
    static const struct {
        const char *date;
        const char *iso;
    } good[] = {
        {"12 de agosto de 2024", "2024-08-12"}, {"12 agosto 2024", "2024-08-12"},
        {"12-ago-2024", "2024-08-12"},          {"12/AGO/2024", "2024-08-12"},
        {"1ro de agosto 2024", "2024-08-01"},   {"1° de agosto de 2024", "2024-08-01"},
        {"Agosto 12, 2024", "2024-08-12"},      {"3 de Septiembre del 2024", "2024-09-03"},
        {"3 setiembre 2024", "2024-09-03"},     {"12/08/2024 00:00", "2024-08-12"},
        {"2024-08-12 00:00:00", "2024-08-12"},  {"2024-08-12T13:05:00Z", "2024-08-12"},
        {"12/8/2024 9:30", "2024-08-12"},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char csv[128];
        snprintf(csv, sizeof(csv), "full_name,arrest_date\nAna,\"%s\"\n", good[i].date);
        struct parsed p;
        parse_row(NULL, csv, cat, &p);
        if (p.rc)
            fail_msg("%s: %s", good[i].date, p.err.msg);
        assert_string_equal(p.rec.arrest_date, good[i].iso);
        am_arena_release(&p.arena);
    }
    /* A named month is read the same under `dates mdy`. */
    struct parsed p;
    parse_row("dates mdy\n", "full_name,arrest_date\nAna,3 de agosto de 2024\n", cat, &p);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.rec.arrest_date, "2024-08-03");
    am_arena_release(&p.arena);
    static const struct {
        const char *date;
        const char *needle;
    } bad[] = {
        {"agosto 2024", "arrest_date 'agosto 2024': a month without its day; write"},
        {"12 de agosto", "arrest_date '12 de agosto': the year is missing; write"},
        {"31 de febrero de 2024", "day 31 does not exist in February 2024"},
        {"12 de agosto de 2027", "date is in the future"},
        {"12 de agosto de 2024 de 2025", "'12 de agosto de 2024 de 2025': not a date"},
        {"ayer", "arrest_date 'ayer': not a date; write YYYY-MM-DD or DD/MM/YYYY"},
        {"12 de agostos de 2024", "not a date"},
        {"2024-08-12 xx:00", "not a date"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char csv[128];
        snprintf(csv, sizeof(csv), "full_name,arrest_date\nAna,%s\n", bad[i].date);
        parse_row(NULL, csv, cat, &p);
        assert_int_equal(p.rc, -1);
        if (!strstr(p.err.msg, bad[i].needle))
            fail_msg("%s: got '%s', want '%s'", bad[i].date, p.err.msg, bad[i].needle);
        assert_int_equal(p.err.code, AM_EINPUT);
        assert_int_equal(p.err.input_line, 2);
        assert_int_equal(p.err.input_col, 5);
        am_arena_release(&p.arena);
    }
    am_catalog_free(cat);
}

/* Cédulas as lists write them: with the cell's own label, or a word for "none". */
static void test_row_cedula_as_written(void **state)
{
    (void)state;
    struct am_catalog *cat = catalog();
    static const struct {
        const char *cedula;
        char kind;
        const char *number; /* NULL: none */
    } cases[] = {
        {"C.I. V-12.345.678", 'V', "12345678"}, {"CI: 12345678", 0, "12345678"},
        {"C.I.: E-84.123.456", 'E', "84123456"}, {"Cédula V-12345678", 'V', "12345678"},
        {"CI12345678", 0, "12345678"},           {"S/N", 0, NULL},
        {"N/T", 0, NULL},                        {"menor de edad", 0, NULL},
        {"0", 0, NULL},                          {"V-012.345.678", 'V', "12345678"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char csv[128];
        snprintf(csv, sizeof(csv), "full_name,cedula\nAna,\"%s\"\n", cases[i].cedula);
        struct parsed p;
        parse_row(NULL, csv, cat, &p);
        if (p.rc)
            fail_msg("%s: %s", cases[i].cedula, p.err.msg);
        if (cases[i].number) {
            assert_non_null(p.rec.cedula);
            assert_string_equal(p.rec.cedula, cases[i].number);
            assert_int_equal(p.rec.cedula_kind, cases[i].kind);
        } else {
            assert_null(p.rec.cedula);
        }
        am_arena_release(&p.arena);
    }
    /* A label alone, or a word that only starts like one, is still refused, at its cell. */
    static const char *const bad[] = {"Cinco", "CI", "C.I."};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char csv[128];
        snprintf(csv, sizeof(csv), "full_name,cedula\nAna,%s\n", bad[i]);
        struct parsed p;
        parse_row(NULL, csv, cat, &p);
        assert_int_equal(p.rc, -1);
        assert_int_equal(p.err.input_line, 2);
        assert_int_equal(p.err.input_col, 5);
        assert_non_null(strstr(p.err.msg, "cedula '"));
        am_arena_release(&p.arena);
    }
    am_catalog_free(cat);
}

/* A status cell with its date: "Excarcelado el 15/01/2026". */
static void test_row_status_with_date(void **state)
{
    (void)state;
    struct am_catalog *cat = catalog();
    static const struct {
        const char *cell;
        int status;
        const char *date;
    } good[] = {
        {"Excarcelado el 15/01/2026", AM_STATUS_RELEASED_WITH_MEASURES, "2026-01-15"},
        {"Excarcelado con medidas cautelares el 15/01/2026", AM_STATUS_RELEASED_WITH_MEASURES,
         "2026-01-15"},
        {"Detenido desde 12-ago-2024", AM_STATUS_DETAINED, "2024-08-12"},
        {"Excarcelada (17/01/2026)", AM_STATUS_RELEASED_WITH_MEASURES, "2026-01-17"},
        {"Fallecido el 3 de marzo de 2025", AM_STATUS_DECEASED, "2025-03-03"},
        {"en el exilio desde 2025-03-01", AM_STATUS_EXILED, "2025-03-01"},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char csv[160];
        snprintf(csv, sizeof(csv), "full_name,status\nAna,\"%s\"\n", good[i].cell);
        struct parsed p;
        parse_row(NULL, csv, cat, &p);
        if (p.rc)
            fail_msg("%s: %s", good[i].cell, p.err.msg);
        assert_int_equal(p.rec.status, good[i].status);
        assert_non_null(p.rec.status_date);
        assert_string_equal(p.rec.status_date, good[i].date);
        am_arena_release(&p.arena);
    }
    /* The status_date column wins over the cell's date. */
    struct parsed p;
    parse_row(NULL, "full_name,status,status_date\nAna,Excarcelado el 15/01/2026,2026-01-16\n",
              cat, &p);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.rec.status_date, "2026-01-16");
    am_arena_release(&p.arena);
    /* A wrong date after a status: said as such, at the cell. */
    parse_row(NULL, "full_name,status\nAna,Excarcelado el 31/02/2026\n", cat, &p);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err.msg, "status 'Excarcelado el 31/02/2026': the date "
                                      "'31/02/2026' after the status: day 31 does not exist"));
    assert_int_equal(p.err.input_line, 2);
    assert_int_equal(p.err.input_col, 5);
    am_arena_release(&p.arena);
    /* No date after it: still an unknown status word. */
    parse_row(NULL, "full_name,status\nAna,Detenido en Rodeo I\n", cat, &p);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err.msg, "unknown status word 'Detenido en Rodeo I'"));
    am_arena_release(&p.arena);
    am_catalog_free(cat);
}

/* Categories and measures written in one phrase, as people write them. */
static void test_row_lists_in_one_phrase(void **state)
{
    (void)state;
    struct am_catalog *cat = catalog();
    struct parsed p;
    parse_row(NULL,
              "full_name,categories,measures,release_date\n"
              "Ana,\"Manifestante, estudiante; periodista / activista y sindicalista\","
              "\"presentación cada 30 días, prohibición de salida del país\",2026-01-15\n",
              cat, &p);
    if (p.rc)
        fail_msg("%s", p.err.msg);
    assert_int_equal(p.rec.n_categories, 5);
    assert_string_equal(p.rec.categories[0], "protester");
    assert_string_equal(p.rec.categories[1], "student");
    assert_string_equal(p.rec.categories[2], "journalist");
    assert_string_equal(p.rec.categories[3], "social_activist");
    assert_string_equal(p.rec.categories[4], "trade_unionist");
    assert_int_equal(p.rec.n_measures, 2);
    assert_string_equal(p.rec.measures[0].type, "COPP-242-3");
    assert_string_equal(p.rec.measures[1].type, "COPP-242-4");
    am_arena_release(&p.arena);
    /* One unknown piece: the item is refused whole, with the list of ours. */
    parse_row(NULL, "full_name,categories\nAna,\"Manifestante, astronauta\"\n", cat, &p);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err.msg, "unknown category 'Manifestante, astronauta'; use"));
    assert_int_equal(p.err.input_line, 2);
    assert_int_equal(p.err.input_col, 5);
    am_arena_release(&p.arena);
    am_catalog_free(cat);
}

/* "APELLIDOS Y NOMBRES": the header says the order an upper-case name cannot show. */
static void test_row_order_from_header(void **state)
{
    (void)state;
    struct am_catalog *cat = catalog();
    struct parsed p;
    parse_row("column \"APELLIDOS Y NOMBRES\" -> full_name\n",
              "APELLIDOS Y NOMBRES\nMARQUEZ ROJAS LUIS JOSE\n", cat, &p);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.rec.name_order, "surnames_first");
    assert_string_equal(p.rec.surnames, "MARQUEZ ROJAS");
    assert_string_equal(p.rec.given_names, "LUIS JOSE");
    am_arena_release(&p.arena);
    /* The mapping's own order wins over the header's words. */
    parse_row("order given_first\ncolumn \"Apellidos, nombres\" -> full_name\n",
              "\"Apellidos, nombres\"\nLUIS JOSE MARQUEZ ROJAS\n", cat, &p);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.rec.name_order, "given_first");
    assert_string_equal(p.rec.given_names, "LUIS JOSE");
    am_arena_release(&p.arena);
    /* Another name column says nothing about the order. */
    parse_row("column \"NOMBRE COMPLETO\" -> full_name\n",
              "NOMBRE COMPLETO\nLUIS JOSE MARQUEZ ROJAS\n", cat, &p);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.rec.name_order, "given_first");
    am_arena_release(&p.arena);
    am_catalog_free(cat);
}

/* Status phrases of NGO and family lists, and the hint for an unknown one. */
static void test_status_words_as_written(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        int status;
    } cases[] = {
        {"desaparecido forzosamente", AM_STATUS_DISAPPEARED},
        {"Desaparecida forzosamente", AM_STATUS_DISAPPEARED},
        {"desaparición forzosa", AM_STATUS_DISAPPEARED},
        {"Detenido/a", AM_STATUS_DETAINED},
        {"presos políticos", AM_STATUS_DETAINED},
        {"privada de su libertad", AM_STATUS_DETAINED},
        {"Liberado con medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES},
        {"bajo régimen de presentación", AM_STATUS_RELEASED_WITH_MEASURES},
        {"Excarcelado(a)", AM_STATUS_RELEASED_WITH_MEASURES},
        {"liberada sin medidas", AM_STATUS_RELEASED},
        {"en exilio", AM_STATUS_EXILED},
        {"falleció", AM_STATUS_DECEASED},
        {"fallecida en custodia", AM_STATUS_DECEASED},
        {"por confirmar", AM_STATUS_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int ev;
        if (am_status_word(cases[i].word, &ev) != cases[i].status)
            fail_msg("%s: got %d, want %d", cases[i].word, am_status_word(cases[i].word, &ev),
                     cases[i].status);
    }
    /* The hint must not suggest a status: copied as it is, it would call a disappeared
     * person released. */
    struct am_catalog *cat = catalog();
    struct parsed p;
    parse_row(NULL, "full_name,status\nAna,de vacaciones\n", cat, &p);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err.msg, "status \"de vacaciones\" -> STATUS, with the status it"));
    assert_null(strstr(p.err.msg, "-> released"));
    am_arena_release(&p.arena);
    am_catalog_free(cat);
}

static void test_status_and_category_words(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        int status;
        int event;
    } cases[] = {
        {"detenido", AM_STATUS_DETAINED, -1},
        {"DETENIDA", AM_STATUS_DETAINED, -1},
        {"preso", AM_STATUS_DETAINED, -1},
        {"Privado de Libertad", AM_STATUS_DETAINED, -1},
        {"incomunicado", AM_STATUS_DETAINED, AM_EV_INCOMMUNICADO},
        {"desaparecido", AM_STATUS_DISAPPEARED, -1},
        {"paradero desconocido", AM_STATUS_DISAPPEARED, -1},
        {"arresto domiciliario", AM_STATUS_HOUSE_ARREST, -1},
        {"casa por cárcel", AM_STATUS_HOUSE_ARREST, -1},
        {"excarcelado", AM_STATUS_RELEASED_WITH_MEASURES, -1},
        {"liberado con medidas", AM_STATUS_RELEASED_WITH_MEASURES, -1},
        {"medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES, -1},
        {"released_with_measures", AM_STATUS_RELEASED_WITH_MEASURES, -1},
        {"libertad plena", AM_STATUS_RELEASED, -1},
        {"liberado", AM_STATUS_RELEASED, -1},
        {"released", AM_STATUS_RELEASED, -1},
        {"exiliado", AM_STATUS_EXILED, -1},
        {"en el exilio", AM_STATUS_EXILED, -1},
        {"in exile", AM_STATUS_EXILED, -1},
        {"clandestinidad", AM_STATUS_IN_HIDING, -1},
        {"oculto", AM_STATUS_IN_HIDING, -1},
        {"in_hiding", AM_STATUS_IN_HIDING, -1},
        {"fallecido", AM_STATUS_DECEASED, -1},
        {"deceased", AM_STATUS_DECEASED, -1},
        {"desconocido", AM_STATUS_UNKNOWN, -1},
        {"house arrest", AM_STATUS_HOUSE_ARREST, -1},
        {"disappeared", AM_STATUS_DISAPPEARED, -1},
        {"detained", AM_STATUS_DETAINED, -1},
        {"encantado", -1, -1},
        {"  ", -2, -1},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        int ev = 99;
        int st = am_status_word(cases[i].word, &ev);
        if (st != cases[i].status || ev != cases[i].event)
            fail_msg("'%s': got %d/%d want %d/%d", cases[i].word, st, ev, cases[i].status,
                     cases[i].event);
    }
    assert_string_equal(am_category_word("Periodista"), "journalist");
    assert_string_equal(am_category_word("defensora de DDHH"), "human_rights_defender");
    assert_string_equal(am_category_word("human_rights_defender"), "human_rights_defender");
    assert_string_equal(am_category_word("sindicalista"), "trade_unionist");
    assert_string_equal(am_category_word("militar"), "military");
    assert_string_equal(am_category_word("familiar"), "relative_of_target");
    assert_string_equal(am_category_word("comité de víctimas"), "victims_committee");
    assert_string_equal(am_category_word("dirigente político"), "political_leader");
    assert_string_equal(am_category_word("funcionario público"), "public_official");
    assert_string_equal(am_category_word("activista social"), "social_activist");
    assert_string_equal(am_category_word("manifestante"), "protester");
    assert_string_equal(am_category_word("otro"), "other");
    assert_null(am_category_word("astronauta"));
}

/* ---- catalogs ---------------------------------------------------------------------------- */

static void test_catalog_matching(void **state)
{
    (void)state;
    struct am_catalog *cat = catalog();
    static const struct {
        const char *text;
        const char *class_name;
        const char *law_ref_prefix;
    } charges[] = {
        {"TERRORISMO", "political", "Ley Orgánica contra la Delincuencia"},
        {"Instigación al odio", "political", "Ley Constitucional contra el Odio"},
        {"traición a la patria", "political", "Código Penal art. 128"},
        {"asociación para delinquir", "political", "Ley Orgánica contra la Delincuencia"},
        {"rebelión militar", "military", "Código Orgánico de Justicia Militar art. 476"},
        {"homicidio calificado en grado de frustración", "homicide", "Código Penal art. 406"},
        {"homicidio", "homicide", "Código Penal art. 405"},
        {"tráfico de drogas", "drugs", "Ley Orgánica de Drogas"},
        {"robo agravado", "common", "Código Penal art. 458"},
        {"robo", "common", "Código Penal art. 455"},
        {"robótica", "unknown", NULL},
        {"vuelo rasante", "unknown", NULL},
        {"", "unknown", NULL},
    };
    for (int pass = 0; pass < 2; pass++) /* the second pass hits the cache */
        for (size_t i = 0; i < N_ELEMS(charges); i++) {
            struct am_record_charge c;
            am_catalog_charge(cat, charges[i].text, &c);
            if (strcmp(c.class_name, charges[i].class_name) != 0)
                fail_msg("'%s': class %s, want %s", charges[i].text, c.class_name,
                         charges[i].class_name);
            if (charges[i].law_ref_prefix) {
                assert_non_null(c.law_ref);
                if (strncmp(c.law_ref, charges[i].law_ref_prefix,
                            strlen(charges[i].law_ref_prefix)) != 0)
                    fail_msg("'%s': law_ref %s", charges[i].text, c.law_ref);
                assert_non_null(c.certainty);
            } else {
                assert_null(c.law_ref);
            }
            assert_string_equal(c.raw, charges[i].text);
        }
    static const struct {
        const char *text, *type;
    } measures[] = {
        {"Prohibición de salida del país", "COPP-242-4"},
        {"régimen de presentación cada 30 días", "COPP-242-3"},
        {"prohibición de declarar a medios", "COPP-242-9"},
        {"casa por cárcel", "COPP-242-1"},
        {"fianza", "COPP-242-8"},
        {"no puede tener mascotas", "other"},
    };
    for (size_t i = 0; i < N_ELEMS(measures); i++) {
        struct am_record_measure m;
        am_catalog_measure(cat, measures[i].text, &m);
        if (strcmp(m.type, measures[i].type) != 0)
            fail_msg("'%s': %s, want %s", measures[i].text, m.type, measures[i].type);
    }
    am_catalog_free(cat);
    am_catalog_free(NULL);
}

static void test_catalog_missing(void **state)
{
    (void)state;
    setenv("AMNISTIA_DATA", tmpdir, 1);
    struct am_err err = AM_ERR_INIT;
    assert_null(am_catalog_load(&err));
    assert_int_equal(err.code, AM_EIO);
    /* A catalog without its aliases column is refused, not silently empty. */
    write_str("charges.csv", "charge_es,class\nRobo,common\n");
    am_err_clear(&err);
    assert_null(am_catalog_load(&err));
    assert_err(&err, AM_EINPUT, "charges.csv", 1, 1, "lacks a charge_es or aliases column");
    unsetenv("AMNISTIA_DATA");
    unlink(tmp_path("charges.csv"));
}

/* ---- events ------------------------------------------------------------------------------ */

static void test_events(void **state)
{
    (void)state;
    struct am_record r;
    struct am_record_event ev[3];
    memset(&r, 0, sizeof(r));
    r.status = AM_STATUS_DETAINED;
    r.status_event = -1;
    r.arrest_date = "2024-08-15";
    r.facility = "El Helicoide";
    r.arrest_place = "Caracas";
    size_t n = am_record_events(am_record_dates(&r), "2026-11-01", ev);
    assert_int_equal(n, 2);
    assert_int_equal(ev[0].type, AM_EV_ARREST);
    assert_string_equal(ev[0].date, "2024-08-15");
    assert_string_equal(ev[0].facility, "El Helicoide");
    assert_string_equal(ev[0].detail, "Caracas");
    assert_int_equal(ev[1].type, AM_EV_DETENTION_CONFIRMED);
    assert_string_equal(ev[1].date, "2024-08-15");

    /* Released with measures on a date: one release event, not two. */
    r.status = AM_STATUS_RELEASED_WITH_MEASURES;
    r.release_date = "2025-01-10";
    n = am_record_events(am_record_dates(&r), "2026-11-01", ev);
    assert_int_equal(n, 2);
    assert_int_equal(ev[1].type, AM_EV_RELEASE_WITH_MEASURES);
    assert_string_equal(ev[1].date, "2025-01-10");
    assert_null(ev[1].facility);

    /* A status date different from the release date: both events. */
    r.status = AM_STATUS_RELEASED;
    r.status_date = "2026-03-01";
    n = am_record_events(am_record_dates(&r), "2026-11-01", ev);
    assert_int_equal(n, 3);
    assert_int_equal(ev[1].type, AM_EV_RELEASE);
    assert_string_equal(ev[1].date, "2026-03-01");
    assert_int_equal(ev[2].type, AM_EV_RELEASE);
    assert_string_equal(ev[2].date, "2025-01-10");

    /* No status but measures and a release date: released with measures. */
    memset(&r, 0, sizeof(r));
    r.status = -1;
    r.status_event = -1;
    r.release_date = "2025-01-10";
    r.n_measures = 1;
    n = am_record_events(am_record_dates(&r), "2026-11-01", ev);
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].type, AM_EV_RELEASE_WITH_MEASURES);

    /* Exile with no date holds as of the list; incommunicado is its own event. */
    memset(&r, 0, sizeof(r));
    r.status = AM_STATUS_EXILED;
    r.status_event = -1;
    n = am_record_events(am_record_dates(&r), "2026-11-01", ev);
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].type, AM_EV_EXILE);
    assert_string_equal(ev[0].date, "2026-11-01");
    r.status = AM_STATUS_DETAINED;
    r.status_event = AM_EV_INCOMMUNICADO;
    n = am_record_events(am_record_dates(&r), "2026-11-01", ev);
    assert_int_equal(ev[0].type, AM_EV_INCOMMUNICADO);
    /* Detained again after a release: the detention holds as of the list. */
    r.status_event = -1;
    r.arrest_date = "2024-01-01";
    r.release_date = "2025-01-01";
    n = am_record_events(am_record_dates(&r), "2026-11-01", ev);
    assert_int_equal(n, 2);
    assert_int_equal(ev[1].type, AM_EV_DETENTION_CONFIRMED);
    assert_string_equal(ev[1].date, "2026-11-01");
    /* Unknown status: no status event. */
    memset(&r, 0, sizeof(r));
    r.status = AM_STATUS_UNKNOWN;
    r.status_event = -1;
    assert_int_equal(am_record_events(am_record_dates(&r), "2026-11-01", ev), 0);
}

/* ---- whole imports -------------------------------------------------------------------------- */

static const char list_a[] =
    "list_id,full_name,cedula,sex,arrest_date,facility,charges,status,release_date,measures,"
    "categories,extra\n"
    "1,\"GONZÁLEZ PÉREZ, María\",V-12.345.678,F,15/08/2024,El Helicoide,Terrorismo,detenida,,,"
    "estudiante,x\n"
    "2,Pedro Ramírez,9876543,M,2024-07-30,,robo;Vuelo raro,excarcelado,2025-01-10,"
    "prohibición de salida del país,,y\n";

static int run_import(struct am_store *s, const char *const *files, size_t n,
                      const char *rejects, int latin1, struct am_import_result *res,
                      struct am_err *err)
{
    struct am_import_options opt = {.source = "Foro de prueba", .kind = "ngo",
                                    .as_of = "2026-11-01", .rejects_path = rejects,
                                    .latin1 = latin1, .jsonl = -1};
    return am_import_run(s, &opt, files, n, res, err);
}

static void test_import_good(void **state)
{
    (void)state;
    struct am_store *s = fresh_store("good.db");
    const char *files[] = {write_str("a.csv", list_a)};
    struct am_import_result res;
    struct am_err err = AM_ERR_INIT;
    if (run_import(s, files, 1, NULL, 0, &res, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(res.files.n, 1);
    assert_int_equal(res.files.v[0].rows, 2);
    assert_int_equal(res.files.v[0].duplicate, 0);
    assert_int_equal(res.bad_rows, 0);
    am_import_result_release(&res);
    char c[512];
    counts(s, c, sizeof(c));
    /* Only records (and a person each): their facts are derived when read. */
    assert_string_equal(c, "source=1 snapshot=1 record=2 person=2 record_person=2 event=0 "
                           "charge=0 measure=0 category=0 ");
    assert_text(s, "SELECT kind FROM source", "ngo");
    assert_text(s, "SELECT title || ' ' || as_of || ' ' || rows || ' ' || rejected FROM snapshot",
                "a.csv 2026-11-01 2 0");
    /* The header once on the snapshot, each row's values as an array ... */
    assert_text(s, "SELECT header FROM snapshot_header",
                "[\"list_id\",\"full_name\",\"cedula\",\"sex\",\"arrest_date\",\"facility\","
                "\"charges\",\"status\",\"release_date\",\"measures\",\"categories\","
                "\"extra\"]");
    assert_text(s, "SELECT raw FROM record WHERE row_no = 1",
                "[\"1\",\"GONZÁLEZ PÉREZ, María\",\"V-12.345.678\",\"F\",\"15/08/2024\","
                "\"El Helicoide\",\"Terrorismo\",\"detenida\",\"\",\"\",\"estudiante\","
                "\"x\"]");
    /* ... which together give the row back as header -> value, in file order. */
    assert_text(s, "SELECT (SELECT json_group_object(h.value, v.value) FROM json_each(n.header) h"
                   " JOIN json_each(r.raw) v ON v.key = h.key) FROM record r JOIN snapshot_header n"
                   " ON n.snapshot_id = r.snapshot_id WHERE r.row_no = 1",
                "{\"list_id\":\"1\",\"full_name\":\"GONZÁLEZ PÉREZ, María\",\"cedula\":"
                "\"V-12.345.678\",\"sex\":\"F\",\"arrest_date\":\"15/08/2024\",\"facility\":"
                "\"El Helicoide\",\"charges\":\"Terrorismo\",\"status\":\"detenida\","
                "\"release_date\":\"\",\"measures\":\"\",\"categories\":\"estudiante\","
                "\"extra\":\"x\"}");
    assert_text(s, "SELECT cedula_kind || cedula || sex || arrest_date || status FROM record "
                   "WHERE row_no = 1", "V12345678F2024-08-15detained");
    assert_text(s, "SELECT line_no FROM record WHERE row_no = 2", "3");
    char d[512];
    derived(s, 'e', d, sizeof(d));
    assert_string_equal(d, "arrest@2024-08-15 detention_confirmed@2024-08-15 arrest@2024-07-30 "
                           "release_with_measures@2025-01-10");
    /* The catalog's certainty is its word, without the catalog's note. */
    derived(s, 'c', d, sizeof(d));
    assert_string_equal(d, "Terrorismo=political/confirmed robo=common/uncertain "
                           "Vuelo raro=unknown/-");
    derived(s, 'm', d, sizeof(d));
    assert_string_equal(d, "COPP-242-4 2025-01-10");
    assert_text(s, "SELECT decided_by FROM record_person LIMIT 1", "import");
    assert_text(s, "SELECT display_name || '|' || sensitivity FROM person WHERE id = 1",
                "GONZÁLEZ PÉREZ, María|restricted");
    /* The import leaves the connection as it found it. */
    assert_int_equal(scalar(s, "PRAGMA foreign_keys"), 1);
    assert_int_equal(scalar(s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    am_store_close(s);
}

/* Until linking each record is its own person: made from each batch of records, with
 * person ids after the registry's last one (here not the record ids: a person already
 * there), across batches, files, and rows skipped as bad. */
static void test_import_persons_of_records(void **state)
{
    (void)state;
    struct am_store *s = fresh_store("persons.db");
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_store_exec(s, "INSERT INTO person(id, display_name) VALUES (7, 'X')",
                                   &err), 0);
    struct am_buf big;
    am_buf_init(&big);
    am_buf_adds(&big, "list_id,given_names,surnames,cedula,sex,birth_date,sensitivity\n");
    for (int i = 1; i <= 150; i++)
        am_buf_addf(&big, "%d,Ana %d,Díaz Sintética,V-%d,%s,%s,%s\n", i, i, 1000000 + i,
                    i % 2 ? "F" : "", i == 70 ? "31/02/1990" : "1990-01-02",
                    i % 3 ? "public" : "");
    const char *files[] = {write_str("a.csv", list_a), write_str("big.csv", big.ptr)};
    am_buf_release(&big);
    struct am_import_result res;
    if (run_import(s, files, 2, tmp_path("persons_rejects.csv"), 0, &res, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(res.bad_rows, 1);
    am_import_result_release(&res);
    /* 2 + 149 records, each with one person of its own, ids 8.. in record order. */
    assert_int_equal(scalar(s, "SELECT count(*) FROM record"), 151);
    assert_int_equal(scalar(s, "SELECT count(*) FROM person"), 152);
    assert_int_equal(scalar(s, "SELECT count(*) FROM record r JOIN record_person rp ON"
                               " rp.record_id = r.id AND rp.person_id = r.id + 7"
                               " AND rp.weight = 1.0 AND rp.decided_by = 'import'"
                               " JOIN person p ON p.id = rp.person_id"
                               " AND p.display_name = r.full_name"
                               " AND p.cedula_kind IS r.cedula_kind AND p.cedula IS r.cedula"
                               " AND p.birth_date IS r.birth_date AND p.sex IS r.sex"
                               " AND p.nationality IS r.nationality"
                               " AND p.sensitivity = r.sensitivity"),
                     151);
    assert_int_equal(scalar(s, "SELECT min(id) || max(id) FROM person WHERE id > 7"), 8158);
    assert_text(s, "SELECT display_name || '|' || cedula || '|' || coalesce(sex, '-') || '|'"
                   " || sensitivity FROM person WHERE id = 10",
                "Ana 1 Díaz Sintética|1000001|F|public");
    /* The row after the bad one has the next ids, no gap. */
    assert_text(s, "SELECT r.list_id || '>' || rp.person_id FROM record r JOIN record_person rp"
                   " ON rp.record_id = r.id WHERE r.row_no = 71 AND r.snapshot_id = 2",
                "71>79");
    assert_int_equal(scalar(s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    am_store_close(s);
}

static void test_import_refused_unchanged(void **state)
{
    (void)state;
    struct am_store *s = fresh_store("refuse.db");
    struct am_import_result res;
    struct am_err err = AM_ERR_INIT;
    const char *first[] = {write_str("a.csv", list_a)};
    assert_int_equal(run_import(s, first, 1, NULL, 0, &res, &err), 0);
    am_import_result_release(&res);
    char before[512], after[512];
    counts(s, before, sizeof(before));
    int64_t indexes = scalar(s, "SELECT count(*) FROM sqlite_master WHERE type = 'index'");
    /* A good file and a bad one: nothing of either is written. */
    const char *files[] = {
        write_str("b.csv", "full_name,status\nAna Díaz,detenida\n"),
        write_str("c.csv", "full_name,status,arrest_date\nLuis Peña,detenido,2024-01-01\n"
                           "Rosa Mar,preso,31/02/2024\n,liberado,\nJuan Paz,volando,\n"),
    };
    assert_int_equal(run_import(s, files, 2, NULL, 0, &res, &err), -1);
    assert_err(&err, AM_EINPUT, "c.csv", 3, 16, "arrest_date '31/02/2024'");
    assert_int_equal(res.bad_rows, 3);
    am_import_result_release(&res);
    counts(s, after, sizeof(after));
    assert_string_equal(before, after);
    assert_int_equal(scalar(s, "PRAGMA foreign_keys"), 1);
    /* The refusal rolled back everything, including the new source and the schema. */
    assert_int_equal(scalar(s, "SELECT count(*) FROM source"), 1);
    assert_int_equal(scalar(s, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"),
                     indexes);

    /* Each kind of bad row refuses the import with its position. */
    static const struct {
        const char *csv;
        long line, col;
        const char *needle;
    } cases[] = {
        {"full_name,cedula\nAna,V-1A\n", 2, 5, "cedula 'V-1A'"},
        {"full_name,sex\nAna,quizá\n", 2, 5, "sex 'quizá'"},
        {"full_name,categories\nAna,astronauta\n", 2, 5, "unknown category"},
        {"full_name,cedula\nAna,1,2\n", 2, 7, "this row has 3 fields but the header has 2"},
        {"full_name,cedula,sex\nAna,1\n", 2, 6, "this row has 2 fields but the header has 3"},
        {"full_name,cedula\n\"Ana\"x,1\n", 2, 6, "text after the closing quote"},
        {"full_name,cedula\nAna,\"1\n", 2, 5, "never closed"},
        {"full_name,cedula\nAn\xC3\x28,1\n", 2, 3, "byte 0xC3 is not UTF-8 text"},
        /* The row is checked whole first: a bad byte in a later field, a sequence cut by
         * the separator, and one after a quoted field with a newline keep their places. */
        {"full_name,cedula,notes\nJosé,1,ok \xE2\x82\n", 2, 11, "byte 0xE2 is not UTF-8"},
        {"full_name,cedula\nAna\xC3,\xA9\n", 2, 4, "byte 0xC3 is not UTF-8"},
        {"full_name,notes,cedula\nAna,\"a\nb\",1\xED\xA0\x80\n", 3, 5,
         "byte 0xED is not UTF-8"},
        {"", 1, 1, "the file is empty"},
        {"nombre,cedula\nAna,1\n", 1, 1, "no name column"},
        {"full_name,\xFF\n", 1, 11, "byte 0xFF is not UTF-8"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        const char *f[] = {write_str("bad.csv", cases[i].csv)};
        am_err_clear(&err);
        if (run_import(s, f, 1, NULL, 0, &res, &err) == 0)
            fail_msg("case %zu imported", i);
        assert_err(&err, AM_EINPUT, "bad.csv", cases[i].line, cases[i].col, cases[i].needle);
        am_import_result_release(&res);
        counts(s, after, sizeof(after));
        assert_string_equal(before, after);
    }
    am_store_close(s);
}

static char *slurp(const char *path)
{
    struct am_buf b;
    am_buf_init(&b);
    struct am_err err = AM_ERR_INIT;
    if (am_buf_read_file(&b, path, &err))
        fail_msg("%s", err.msg);
    return am_buf_detach(&b);
}

static void test_import_skip_bad(void **state)
{
    (void)state;
    struct am_store *s = fresh_store("skip.db");
    const char *files[] = {write_str(
        "s.csv", "full_name,arrest_date,status\nAna Díaz,2024-01-01,detenida\n"
                 "Rosa Mar,31/02/2024,presa\n\"Luis, el \"\"Chino\"\"\",,volando\n"
                 "Juan Paz,,liberado\nOtro,1,2,3\n")};
    const char *rej = tmp_path("rejects.csv");
    unlink(rej);
    struct am_import_result res;
    struct am_err err = AM_ERR_INIT;
    if (run_import(s, files, 1, rej, 0, &res, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(res.files.v[0].rows, 2);
    assert_int_equal(res.files.v[0].rejected, 3);
    assert_int_equal(res.bad_rows, 3);
    am_import_result_release(&res);
    assert_text(s, "SELECT rows || '/' || rejected FROM snapshot", "2/3");
    assert_text(s, "SELECT group_concat(row_no, ',') FROM record", "1,4");
    char *got = slurp(rej);
    char want[2048];
    snprintf(want, sizeof(want),
             "file,line,column,reason,fields...\n"
             "%s,3,10,\"arrest_date '31/02/2024': day 31 does not exist in February 2024; write "
             "YYYY-MM-DD or DD/MM/YYYY, or leave it empty\",Rosa Mar,31/02/2024,presa\n",
             files[0]);
    if (strncmp(got, want, strlen(want)) != 0)
        fail_msg("rejects:\n%s\nwant prefix:\n%s", got, want);
    assert_non_null(strstr(got, ",4,23,\"unknown status word 'volando'"));
    assert_non_null(strstr(got, "\"Luis, el \"\"Chino\"\"\",,volando\n"));
    assert_non_null(strstr(got, ",6,10,\"this row has 4 fields but the header has 3"));
    assert_non_null(strstr(got, ",Otro,1,2,3\n"));
    am_free(got);
    /* No temporary file is left behind. */
    char tmp[800];
    snprintf(tmp, sizeof(tmp), "%s.tmp", rej);
    assert_int_not_equal(access(tmp, F_OK), 0);
    am_store_close(s);
}

static void test_import_duplicate(void **state)
{
    (void)state;
    struct am_store *s = fresh_store("dup.db");
    const char *files[] = {write_str("a.csv", list_a)};
    struct am_import_result res;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(run_import(s, files, 1, NULL, 0, &res, &err), 0);
    am_import_result_release(&res);
    char before[512], after[512];
    counts(s, before, sizeof(before));
    /* The same bytes under another name, twice in one run: both recognised. */
    const char *again[] = {write_str("copy.csv", list_a), files[0]};
    assert_int_equal(run_import(s, again, 2, NULL, 0, &res, &err), 0);
    assert_int_equal(res.files.n, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(res.files.v[i].duplicate, 1);
        assert_int_equal(res.files.v[i].snapshot_id, 1);
        assert_string_equal(res.files.v[i].duplicate_source, "Foro de prueba");
    }
    am_import_result_release(&res);
    counts(s, after, sizeof(after));
    assert_string_equal(before, after);
    /* Within one run, a file given twice is imported once. */
    const char *twice[] = {write_str("d.csv", "full_name\nAna Díaz\n"), tmp_path("d.csv")};
    assert_int_equal(run_import(s, twice, 2, NULL, 0, &res, &err), 0);
    assert_int_equal(res.files.v[0].duplicate, 0);
    assert_int_equal(res.files.v[1].duplicate, 1);
    am_import_result_release(&res);
    assert_int_equal(scalar(s, "SELECT count(*) FROM snapshot"), 2);
    am_store_close(s);
}

static void test_import_latin1(void **state)
{
    (void)state;
    struct am_store *s = fresh_store("latin1.db");
    static const char latin[] = "full_name,status\nJos\xE9 P\xE9rez,detenido\n"
                                "Mar\xED" "a Nu\xF1" "ez,excarcelada\n";
    const char *files[] = {write_tmp("l.csv", latin, sizeof(latin) - 1)};
    struct am_import_result res;
    struct am_err err = AM_ERR_INIT;
    const char *rej = tmp_path("lrej.csv");
    /* Refused, even with --skip-bad: every accented row would be lost. */
    assert_int_equal(run_import(s, files, 1, rej, 0, &res, &err), -1);
    assert_err(&err, AM_EINPUT, "l.csv", 2, 4, "looks like Latin-1/Windows-1252; pass "
                                               "--encoding latin1");
    am_import_result_release(&res);
    assert_int_equal(scalar(s, "SELECT count(*) FROM record"), 0);
    assert_int_not_equal(access(rej, F_OK), 0);
    am_err_clear(&err);
    assert_int_equal(run_import(s, files, 1, NULL, 1, &res, &err), 0);
    assert_int_equal(res.files.v[0].rows, 2);
    am_import_result_release(&res);
    assert_text(s, "SELECT group_concat(full_name, '|') FROM record", "José Pérez|María Nuñez");
    /* The hash is of the bytes as received. */
    assert_text(s, "SELECT length(file_sha256) FROM snapshot", "64");
    am_store_close(s);
}

static void test_import_jsonl(void **state)
{
    (void)state;
    struct am_store *s = fresh_store("jsonl.db");
    const char *files[] = {write_str(
        "l.jsonl", "{\"list_id\": 17, \"full_name\": \"Ana Díaz\", \"status\": \"detenida\", "
                   "\"arrest_date\": \"2024-08-01\", \"notes\": null, \"score\": 1.5}\n"
                   "\n"
                   "{\"given_names\": \"Luis\", \"surnames\": \"Peña\", \"Cédula\": "
                   "\"V-7654321\"}\r\n")};
    struct am_import_result res;
    struct am_err err = AM_ERR_INIT;
    if (run_import(s, files, 1, NULL, 0, &res, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(res.files.v[0].rows, 2);
    am_import_result_release(&res);
    assert_text(s, "SELECT list_id || ' ' || status || ' ' || row_no FROM record WHERE line_no = 1",
                "17 detained 1");
    assert_text(s, "SELECT full_name || ' ' || cedula || ' ' || row_no FROM record WHERE line_no = 3",
                "Luis Peña 7654321 2");
    assert_text(s, "SELECT raw FROM record WHERE line_no = 3",
                "{\"given_names\": \"Luis\", \"surnames\": \"Peña\", \"Cédula\": \"V-7654321\"}");
    assert_text(s, "SELECT count(*) FROM snapshot_header", "0");

    static const struct {
        const char *text;
        long line, col;
        const char *needle;
    } cases[] = {
        {"{\"full_name\": \"Ana\"}\n{\"full_name\": \"Luis\",}\n", 2, 22, "write one JSON object"},
        {"[1, 2]\n", 1, 1, "a line is a JSON array, not an object"},
        {"{\"full_name\": \"Ana\", \"sex\": true}\n", 1, 22, "is true/false"},
        {"{\"full_name\": \"Ana\", \"x\": {\"a\": 1}}\n", 1, 22, "an object or array"},
        {"{\"full_name\": \"Ana\", \"status\": \"volando\"}\n", 1, 22, "unknown status word"},
        {"{\"status\": \"preso\"}\n", 1, 1, "no name"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        const char *f[] = {write_str("bad.jsonl", cases[i].text)};
        am_err_clear(&err);
        if (run_import(s, f, 1, NULL, 0, &res, &err) == 0)
            fail_msg("case %zu imported", i);
        assert_err(&err, AM_EINPUT, "bad.jsonl", cases[i].line, cases[i].col, cases[i].needle);
        am_import_result_release(&res);
    }
    assert_int_equal(scalar(s, "SELECT count(*) FROM record"), 2);
    am_store_close(s);
}

static void test_import_mapping_and_options(void **state)
{
    (void)state;
    struct am_store *s = fresh_store("map.db");
    const char *map = write_str("m.map", "order surnames_first\n"
                                         "column \"APELLIDOS Y NOMBRES\" -> full_name\n"
                                         "column \"C.I.\" -> cedula\n"
                                         "set status = released\n"
                                         "ignore NRO\n");
    const char *files[] = {write_str("official.csv",
                                     "NRO;APELLIDOS Y NOMBRES;C.I.;FECHA EXCARCELACION\n"
                                     "1;RAMOS LEÓN JOSÉ GREGORIO;V-5.123.456;\n")};
    struct am_import_options opt = {.source = "Ministerio", .kind = "official",
                                    .title = "Lista oficial", .map_path = map, .jsonl = -1};
    struct am_import_result res;
    struct am_err err = AM_ERR_INIT;
    if (am_import_run(s, &opt, files, 1, &res, &err))
        fail_msg("%s", err.msg);
    am_import_result_release(&res);
    assert_text(s, "SELECT given_names || '|' || surnames || '|' || name_order || '|' || status "
                   "FROM record",
                "JOSÉ GREGORIO|RAMOS LEÓN|surnames_first|released");
    assert_text(s, "SELECT title || ' ' || as_of FROM snapshot", "Lista oficial 2026-11-29");
    char d[128];
    derived(s, 'e', d, sizeof(d)); /* dated by the list's date, today */
    assert_string_equal(d, "release@2026-11-29");
    assert_text(s, "SELECT kind FROM source", "official");

    /* Option errors are usage errors; a bad mapping is bad input at its position. */
    static const struct {
        struct am_import_options opt;
        enum am_code code;
        const char *needle;
    } cases[] = {
        {{.source = "", .jsonl = -1}, AM_EUSAGE, "a source is required"},
        {{.source = "x", .kind = "blog", .jsonl = -1}, AM_EUSAGE, "unknown source kind"},
        {{.source = "x", .as_of = "2030-01-01", .jsonl = -1}, AM_EUSAGE, "--as-of"},
        {{.source = "x", .map_path = "/nonexistent/m.map", .jsonl = -1}, AM_EIO, "m.map"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        am_err_clear(&err);
        assert_int_equal(am_import_run(s, &cases[i].opt, files, 1, &res, &err), -1);
        am_import_result_release(&res);
        assert_int_equal(err.code, cases[i].code);
        if (!strstr(err.msg, cases[i].needle) && !strstr(err.input_file, cases[i].needle))
            fail_msg("case %zu: %s", i, err.msg);
    }
    am_err_clear(&err);
    const char *badmap = write_str("bad.map", "order given_first\ncolumn X => full_name\n");
    struct am_import_options o2 = {.source = "x", .map_path = badmap, .jsonl = -1};
    assert_int_equal(am_import_run(s, &o2, files, 1, &res, &err), -1);
    am_import_result_release(&res);
    assert_err(&err, AM_EINPUT, "bad.map", 2, 10, "expected '->'");
    am_err_clear(&err);
    struct am_import_options o3 = {.source = "x", .jsonl = -1};
    assert_int_equal(am_import_run(s, &o3, files, 0, &res, &err), -1);
    am_import_result_release(&res);
    assert_int_equal(err.code, AM_EUSAGE);
    am_err_clear(&err);
    const char *missing[] = {tmp_path("missing.csv")};
    assert_int_equal(am_import_run(s, &o3, missing, 1, &res, &err), -1);
    am_import_result_release(&res);
    assert_int_equal(err.code, AM_EIO);
    assert_int_equal(scalar(s, "SELECT count(*) FROM source"), 1);
    am_store_close(s);
}

static void count_progress(void *ctx, const char *path, int64_t rows, int done)
{
    int64_t *calls = ctx;
    assert_non_null(strstr(path, "bulk.csv"));
    calls[0]++;
    calls[1] = rows;
    calls[2] += done;
}

/* A big import takes the bulk path (indexes dropped and rebuilt): same result. */
static void test_import_bulk_mode(void **state)
{
    (void)state;
    struct am_store *s = fresh_store("bulk.db");
    struct am_buf csv;
    am_buf_init(&csv);
    am_buf_adds(&csv, "list_id,full_name,cedula,arrest_date,status,charges,notes\n");
    for (int i = 0; i < 25000; i++)
        am_buf_addf(&csv, "%d,Persona Inventada %d,V-%d,2024-07-%02d,detenido,terrorismo;robo,"
                          "relleno para que la fila pese unos cien bytes o algo mas\n",
                    i, i, 1000000 + i, 1 + i % 28);
    long indexes = (long)scalar(s, "SELECT count(*) FROM sqlite_master WHERE type = 'index'");
    struct am_import_result res;
    struct am_err err = AM_ERR_INIT;
    /* Refused in bulk mode: the dropped indexes come back with the rollback. */
    size_t good_len = csv.len;
    am_buf_adds(&csv, "25000,Persona Mala,V-1,2024-02-30,detenido,,\n");
    const char *bad[] = {write_tmp("bulk_bad.csv", csv.ptr, csv.len)};
    assert_int_equal(run_import(s, bad, 1, NULL, 0, &res, &err), -1);
    assert_err(&err, AM_EINPUT, "bulk_bad.csv", 25002, 24, "arrest_date '2024-02-30'");
    am_import_result_release(&res);
    assert_int_equal(scalar(s, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"),
                     indexes);
    assert_int_equal(scalar(s, "SELECT count(*) FROM record"), 0);
    assert_int_equal(scalar(s, "SELECT count(*) FROM source"), 0);
    am_err_clear(&err);
    const char *files[] = {write_tmp("bulk.csv", csv.ptr, good_len)};
    am_buf_release(&csv);
    int64_t calls[3] = {0, 0, 0};
    struct am_import_options opt = {.source = "bulk", .as_of = "2026-11-01", .jsonl = -1,
                                    .progress = count_progress, .progress_ctx = calls};
    if (am_import_run(s, &opt, files, 1, &res, &err))
        fail_msg("%s", err.msg);
    /* Progress at 65,536 rows would need more; here only the end of the file. */
    assert_int_equal(calls[0], 1);
    assert_int_equal(calls[1], 25000);
    assert_int_equal(calls[2], 1);
    assert_int_equal(res.files.v[0].rows, 25000);
    am_import_result_release(&res);
    assert_int_equal(scalar(s, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"),
                     indexes);
    assert_int_equal(scalar(s, "SELECT count(*) FROM event"), 0);
    {
        struct am_facts_scan *scan = am_facts_scan_new(s, &err);
        struct am_facts f;
        size_t events = 0, political = 0, persons = 0;
        while (am_facts_scan_next(scan, &f, &err) == 1) {
            persons++;
            events += f.n_events;
            for (size_t i = 0; i < f.n_charges; i++)
                political += strcmp(f.charges[i].class_name, "political") == 0;
        }
        am_facts_scan_free(scan);
        assert_int_equal(persons, 25000);
        assert_int_equal(events, 50000);
        assert_int_equal(political, 25000);
    }
    assert_int_equal(scalar(s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_int_equal(scalar(s, "SELECT count(*) FROM person p JOIN record_person rp ON "
                               "rp.person_id = p.id JOIN record r ON r.id = rp.record_id "
                               "WHERE r.cedula = p.cedula"),
                     25000);
    assert_text(s, "PRAGMA integrity_check", "ok");
    /* The bulk import ran in rollback-journal mode and left the registry in WAL. */
    assert_text(s, "PRAGMA journal_mode", "wal");
    /* With another connection open the journal cannot switch: the import stays in WAL. */
    struct am_store *other = am_store_open(tmp_path("bulk.db"), &err);
    assert_non_null(other);
    assert_text(other, "SELECT count(*) FROM record", "25000");
    am_buf_init(&csv);
    am_buf_adds(&csv, "list_id,full_name,cedula,arrest_date,status,charges,notes\n");
    for (int i = 0; i < 25000; i++)
        am_buf_addf(&csv, "B%d,Persona Inventada %d,V-%d,2024-07-%02d,detenido,robo,"
                          "relleno para que la fila pese unos cien bytes o algo mas\n",
                    i, i, 3000000 + i, 1 + i % 28);
    const char *more[] = {write_tmp("bulk2.csv", csv.ptr, csv.len)};
    am_buf_release(&csv);
    if (run_import(s, more, 1, NULL, 0, &res, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(res.files.v[0].rows, 25000);
    am_import_result_release(&res);
    assert_text(other, "SELECT count(*) FROM record", "50000");
    assert_text(s, "PRAGMA journal_mode", "wal");
    assert_text(s, "PRAGMA integrity_check", "ok");
    am_store_close(other);
    am_store_close(s);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "%s/test_import_%d", AM_BINARY_DIR, (int)getpid());
    mkdir(tmpdir, 0700);
    setenv("AMNISTIA_TODAY", "2026-11-29", 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[700];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_basic),
        cmocka_unit_test(test_csv_quotes_newlines),
        cmocka_unit_test(test_csv_crlf_and_cr),
        cmocka_unit_test(test_csv_bom_and_semicolon),
        cmocka_unit_test(test_csv_empty_fields_and_endings),
        cmocka_unit_test(test_csv_columns_in_characters),
        cmocka_unit_test(test_csv_problems),
        cmocka_unit_test(test_csv_limits),
        cmocka_unit_test(test_csv_trickle_same_as_whole),
        cmocka_unit_test(test_csv_forced_separator_and_io_error),
        cmocka_unit_test(test_column_from_header),
        cmocka_unit_test(test_mapping_good),
        cmocka_unit_test(test_mapping_errors),
        cmocka_unit_test(test_plan_errors_and_extras),
        cmocka_unit_test(test_row_full_name_and_fields),
        cmocka_unit_test(test_row_mapping),
        cmocka_unit_test(test_row_bad),
        cmocka_unit_test(test_row_dates_as_written),
        cmocka_unit_test(test_status_words_as_written),
        cmocka_unit_test(test_row_order_from_header),
        cmocka_unit_test(test_row_cedula_as_written),
        cmocka_unit_test(test_row_lists_in_one_phrase),
        cmocka_unit_test(test_row_status_with_date),
        cmocka_unit_test(test_status_and_category_words),
        cmocka_unit_test(test_catalog_matching),
        cmocka_unit_test(test_catalog_missing),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_import_good),
        cmocka_unit_test(test_import_persons_of_records),
        cmocka_unit_test(test_import_refused_unchanged),
        cmocka_unit_test(test_import_skip_bad),
        cmocka_unit_test(test_import_duplicate),
        cmocka_unit_test(test_import_latin1),
        cmocka_unit_test(test_import_jsonl),
        cmocka_unit_test(test_import_mapping_and_options),
        cmocka_unit_test(test_import_bulk_mode),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
