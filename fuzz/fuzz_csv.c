/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * libFuzzer target for the CSV reader: any bytes must parse without a crash, every field
 * must have a sane position, and reading the same bytes in 7-byte chunks (crossing BOMs,
 * CRLFs and quotes at every offset) must give exactly the same records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amnistia/import.h"

struct chunks {
    const uint8_t *data;
    size_t size, off;
};

static long chunk_read(void *ctx, char *buf, size_t cap)
{
    struct chunks *c = ctx;
    size_t n = c->size - c->off;
    if (n > 7)
        n = 7;
    if (n > cap)
        n = cap;
    memcpy(buf, c->data + c->off, n);
    c->off += n;
    return (long)n;
}

/* Serialises every record (values, positions, problems) for comparison. */
static void dump(struct am_csv *csv, struct am_buf *out)
{
    struct am_csv_record rec;
    struct am_err err = AM_ERR_INIT;
    int rc;
    while ((rc = am_csv_next(csv, &rec, &err)) == 1) {
        if (rec.n == 0 || rec.line < 1 || rec.end_line < rec.line)
            abort();
        am_buf_addf(out, "R%ld-%ld:", rec.line, rec.end_line);
        for (size_t i = 0; i < rec.n; i++) {
            const struct am_csv_field *f = &rec.fields[i];
            if (f->line < rec.line || f->line > rec.end_line || f->col < 1 ||
                f->value[f->len] != '\0')
                abort();
            am_buf_addf(out, "[%ld:%ld:%d:%zu]", f->line, f->col, f->quoted, f->len);
            am_buf_add(out, f->value, f->len);
        }
        if (rec.problem)
            am_buf_addf(out, "P%ld:%ld:%s", rec.problem_line, rec.problem_col, rec.problem);
        am_buf_addc(out, '\n');
    }
    if (rc != 0)
        abort();
    am_buf_addf(out, "sep=%c", am_csv_separator(csv));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_buf whole, chunked;
    am_buf_init(&whole);
    am_buf_init(&chunked);
    struct am_csv *csv = am_csv_new_mem("fuzz.csv", (const char *)data, size);
    dump(csv, &whole);
    am_csv_free(csv);
    struct chunks c = {data, size, 0};
    csv = am_csv_new("fuzz.csv", chunk_read, &c);
    dump(csv, &chunked);
    am_csv_free(csv);
    if (whole.len != chunked.len || memcmp(whole.ptr, chunked.ptr, whole.len) != 0)
        abort();
    am_buf_release(&whole);
    am_buf_release(&chunked);
    return 0;
}
