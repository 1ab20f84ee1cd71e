/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * libFuzzer target for mapping files and row parsing, without a database: the input is a
 * mapping file, a line "%%", and a CSV list. The mapping is parsed (errors must carry a
 * position), a plan is built from the header, and every row is parsed into a record and
 * its events. Nothing may crash, and a refused row must say where and why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amnistia/import.h"

static struct am_catalog *catalog;

static void check_error(const struct am_err *err)
{
    if (err->code != AM_EINPUT || err->input_line < 0 || err->input_col < 0 || !err->msg[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!catalog) {
        struct am_err err = AM_ERR_INIT;
        catalog = am_catalog_load(&err);
        if (!catalog)
            abort();
    }
    const char *text = (const char *)data;
    const char *split = NULL;
    for (size_t i = 0; i + 3 <= size && !split; i++)
        if (memcmp(text + i, "%%\n", 3) == 0 && (i == 0 || text[i - 1] == '\n'))
            split = text + i;
    struct am_err err = AM_ERR_INIT;
    struct am_mapping *map;
    const char *csv_text = text;
    size_t csv_len = size;
    if (split) {
        map = am_mapping_parse("fuzz.map", text, (size_t)(split - text), &err);
        if (!map) {
            check_error(&err);
            map = am_mapping_new();
        }
        csv_text = split + 3;
        csv_len = size - (size_t)(csv_text - text);
    } else {
        map = am_mapping_new();
    }
    struct am_csv *csv = am_csv_new_mem("fuzz.csv", csv_text, csv_len);
    struct am_csv_record rec;
    am_err_clear(&err);
    struct am_plan *plan = NULL;
    if (am_csv_next(csv, &rec, &err) == 1) {
        plan = am_plan_build(map, "fuzz.csv", rec.line, rec.fields, rec.n, NULL, &err);
        if (!plan)
            check_error(&err);
    }
    AM_VEC(const char *) values = {0};
    AM_VEC(long) lines = {0};
    AM_VEC(long) cols = {0};
    while (plan && am_csv_next(csv, &rec, &err) == 1) {
        values.n = lines.n = cols.n = 0;
        for (size_t i = 0; i < rec.n; i++) {
            AM_VEC_PUSH(&values, rec.fields[i].value);
            AM_VEC_PUSH(&lines, rec.fields[i].line);
            AM_VEC_PUSH(&cols, rec.fields[i].col);
        }
        struct am_list_row row = {"fuzz.csv", rec.line, rec.n, values.v, lines.v, cols.v};
        struct am_arena arena;
        am_arena_init(&arena);
        struct am_record r;
        am_err_clear(&err);
        if (am_record_parse(plan, catalog, &row, &arena, &r, &err) == 0) {
            if (!r.full_name || !r.sensitivity)
                abort();
            struct am_record_event ev[3];
            size_t n = am_record_events(am_record_dates(&r), "2026-11-01", ev);
            if (n > 3)
                abort();
        } else {
            check_error(&err);
        }
        am_arena_release(&arena);
    }
    AM_VEC_FREE(&values);
    AM_VEC_FREE(&lines);
    AM_VEC_FREE(&cols);
    am_plan_free(plan);
    am_csv_free(csv);
    am_mapping_free(map);
    return 0;
}
