/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The CSV reader: RFC 4180 as lists are really written (quoted fields with separators,
 * newlines and doubled quotes inside; CRLF, LF or CR; a UTF-8 BOM; ',' or ';'). It
 * streams: the file is read in chunks and only the current record is held, so memory is
 * flat in the file's size. Every field knows its line and column for error messages.
 * It does not decode or validate text: that is the importer's job.
 */
#include "amnistia/text.h"

#include <string.h>

#define CHUNK (64 * 1024)
/* No real list has a row this long; a quote left open would otherwise pull the rest of
 * the file into memory. Beyond it the row's bytes are dropped and the row is bad. */
#define MAX_RECORD (16 * 1024 * 1024)
/* The separator is decided from at most this much of the first line. */
#define MAX_DETECT (1024 * 1024)
#define MAX_FIELDS (64 * 1024)

struct mem_src {
    const char *data;
    size_t len, off;
};

struct am_csv {
    char *name;
    am_read_fn read;
    void *ctx;
    struct mem_src mem;
    char *buf;
    size_t cap, len, pos;
    int eof;
    char sep;
    int started;
    long line, col; /* position of the next byte */
    int prev_cr;    /* the previous byte was a CR (a following LF ends no new line) */
    int skip_lf;    /* the last record ended with a CR: a LF right after belongs to it */
    struct am_buf rec;
    AM_VEC(struct am_csv_field) fields;
    AM_VEC(size_t) offs;
    char problem[256];
    /* The bytes that end a run inside a field: [0] unquoted (the separator), [1] quoted
     * ('"'); both also line ends and NUL. Built for stop_sep. */
    unsigned char stop[2][256];
    char stop_sep;
};

static long mem_read(void *ctx, char *buf, size_t cap)
{
    struct mem_src *m = ctx;
    size_t n = m->len - m->off;
    if (n > cap)
        n = cap;
    memcpy(buf, m->data + m->off, n);
    m->off += n;
    return (long)n;
}

struct am_csv *am_csv_new(const char *name, am_read_fn read, void *ctx)
{
    struct am_csv *csv = am_calloc(1, sizeof(*csv));
    csv->name = am_strdup(name ? name : "");
    csv->read = read;
    csv->ctx = ctx;
    csv->cap = CHUNK;
    csv->buf = am_malloc(csv->cap);
    csv->line = 1;
    csv->col = 1;
    am_buf_init(&csv->rec);
    return csv;
}

struct am_csv *am_csv_new_mem(const char *name, const char *data, size_t len)
{
    struct am_csv *csv = am_csv_new(name, mem_read, NULL);
    csv->mem.data = data;
    csv->mem.len = len;
    csv->ctx = &csv->mem;
    return csv;
}

void am_csv_free(struct am_csv *csv)
{
    if (!csv)
        return;
    am_free(csv->name);
    am_free(csv->buf);
    am_buf_release(&csv->rec);
    AM_VEC_FREE(&csv->fields);
    AM_VEC_FREE(&csv->offs);
    am_free(csv);
}

void am_csv_set_separator(struct am_csv *csv, char sep) { csv->sep = sep; }
char am_csv_separator(const struct am_csv *csv) { return csv->sep; }

/* Appends more bytes after buf[len], growing the buffer when keep is set (the separator
 * scan needs the whole first line), else reusing it from the start. */
static int fill(struct am_csv *csv, int keep, struct am_err *err)
{
    if (csv->eof)
        return 0;
    if (!keep) {
        csv->len = csv->pos = 0;
    } else if (csv->len == csv->cap) {
        csv->cap *= 2;
        csv->buf = am_realloc(csv->buf, csv->cap);
    }
    long n = csv->read(csv->ctx, csv->buf + csv->len, csv->cap - csv->len);
    if (n < 0)
        return AM_FAIL_AT(err, AM_EIO, csv->name, csv->line, csv->col,
                          "cannot read the file; check that it is readable");
    if (n == 0) {
        csv->eof = 1;
        return 0;
    }
    csv->len += (size_t)n;
    return 1;
}

/* Skips a BOM and picks the separator from the first line, outside quotes. */
static int start(struct am_csv *csv, struct am_err *err)
{
    csv->started = 1;
    while (csv->len < 3 && !csv->eof)
        if (fill(csv, 1, err) < 0)
            return -1;
    if (csv->len >= 3 && memcmp(csv->buf, "\xEF\xBB\xBF", 3) == 0)
        csv->pos = 3;
    if (csv->sep)
        return 0;
    size_t commas = 0, semis = 0, i = csv->pos;
    int quoted = 0;
    for (;;) {
        if (i >= MAX_DETECT)
            break;
        if (i == csv->len) {
            int rc = fill(csv, 1, err);
            if (rc < 0)
                return -1;
            if (rc == 0)
                break;
        }
        char c = csv->buf[i++];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted && c == ',')
            commas++;
        else if (!quoted && c == ';')
            semis++;
    }
    csv->sep = semis > commas ? ';' : ',';
    return 0;
}

enum state { FIELD_START, UNQUOTED, QUOTED, QUOTE_SEEN };

static void set_problem(struct am_csv *csv, struct am_csv_record *rec, long line, long col,
                        const char *msg)
{
    if (rec->problem)
        return;
    snprintf(csv->problem, sizeof(csv->problem), "%s", msg);
    rec->problem = csv->problem;
    rec->problem_line = line;
    rec->problem_col = col;
}

static inline void put(struct am_buf *b, char c)
{
    if (b->len + 1 >= b->cap) {
        if (b->len >= MAX_RECORD)
            return;
        am_buf_grow(b, 1);
    }
    b->ptr[b->len++] = c;
}

static void end_field(struct am_csv *csv, long line, long col, int quoted)
{
    /* A row past the limit keeps the fields it had; the rest is dropped. */
    if (csv->fields.n > 0 && (csv->rec.len >= MAX_RECORD || csv->fields.n >= MAX_FIELDS))
        return;
    if (csv->rec.len + 1 >= csv->rec.cap)
        am_buf_grow(&csv->rec, 1);
    csv->rec.ptr[csv->rec.len++] = '\0';
    struct am_csv_field f = {NULL, 0, line, col, quoted};
    AM_VEC_PUSH(&csv->fields, f);
    AM_VEC_PUSH(&csv->offs, csv->rec.len);
}

int am_csv_next(struct am_csv *csv, struct am_csv_record *rec, struct am_err *err)
{
    memset(rec, 0, sizeof(*rec));
    if (!csv->started && start(csv, err) < 0)
        return -1;
    am_buf_reset(&csv->rec);
    csv->fields.n = 0;
    csv->offs.n = 0;
    AM_VEC_PUSH(&csv->offs, 0);
    enum state st = FIELD_START;
    int in_record = 0, done = 0;
    long fline = csv->line, fcol = csv->col; /* where the current field starts */
    long qline = 0, qcol = 0;                /* where the open quote is */
    const char sep = csv->sep;
    if (csv->stop_sep != sep || !csv->stop[1]['"']) {
        memset(csv->stop, 0, sizeof(csv->stop));
        for (int t = 0; t < 2; t++)
            csv->stop[t]['\n'] = csv->stop[t]['\r'] = csv->stop[t][0] = 1;
        csv->stop[0][(unsigned char)sep] = 1;
        csv->stop[1]['"'] = 1;
        csv->stop_sep = sep;
    }
    while (!done) {
        if (csv->pos == csv->len) {
            int rc = fill(csv, 0, err);
            if (rc < 0)
                return -1;
            if (rc == 0)
                break;
        }
        if (st == FIELD_START && !csv->skip_lf) {
            /* A field that starts with an ordinary byte (not a quote, a separator, a
             * line end or NUL) is unquoted: straight into the run below, as the byte
             * path would after its first byte. */
            unsigned char c0 = (unsigned char)csv->buf[csv->pos];
            if (c0 != '"' && !csv->stop[0][c0]) {
                fline = csv->line;
                fcol = csv->col;
                if (!in_record) {
                    in_record = 1;
                    rec->line = csv->line;
                }
                st = UNQUOTED;
            }
        }
        if ((st == UNQUOTED || st == QUOTED) && !csv->skip_lf) {
            /* The bytes inside a field that end nothing, copied as a run: the same as
             * the byte-by-byte path below, without its per-byte bookkeeping. */
            const unsigned char *b = (const unsigned char *)csv->buf;
            const unsigned char *stop = csv->stop[st == QUOTED];
            size_t p = csv->pos, end = csv->len, cont = 0;
            /* One pass: the run's end, and its UTF-8 continuation bytes (a column is a
             * character, not a byte). */
            while (p < end) {
                unsigned char c = b[p];
                if (stop[c])
                    break;
                cont += (c & 0xC0) == 0x80;
                p++;
            }
            size_t n = p - csv->pos;
            long cols = (long)(n - cont);
            if (n) {
                /* Past MAX_RECORD the bytes are dropped (the row is reported too long). */
                size_t room = csv->rec.len < MAX_RECORD ? MAX_RECORD - csv->rec.len : 0;
                size_t k = n < room ? n : room;
                if (k) {
                    am_buf_grow(&csv->rec, k);
                    memcpy(csv->rec.ptr + csv->rec.len, b + csv->pos, k);
                    csv->rec.len += k;
                }
                csv->pos = p;
                csv->col += cols;
                csv->prev_cr = 0;
                continue;
            }
        }
        unsigned char c = (unsigned char)csv->buf[csv->pos++];
        if (csv->skip_lf) {
            csv->skip_lf = 0;
            if (c == '\n') {
                csv->prev_cr = 0;
                continue;
            }
        }
        long line = csv->line, col = csv->col;
        if (c == '\n') {
            if (!csv->prev_cr) {
                csv->line++;
                csv->col = 1;
            }
        } else if (c == '\r') {
            csv->line++;
            csv->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            csv->col++;
        }
        csv->prev_cr = c == '\r';
        if (!in_record) {
            in_record = 1;
            rec->line = line;
        }
        if (c == 0)
            set_problem(csv, rec, line, col,
                        "NUL byte in the text; the file is binary or UTF-16: save it as "
                        "UTF-8 text");
        switch (st) {
        case FIELD_START:
            fline = line;
            fcol = col;
            if (c == '"') {
                st = QUOTED;
                qline = line;
                qcol = col;
            } else if (c == (unsigned char)sep) {
                end_field(csv, line, col, 0);
            } else if (c == '\n' || c == '\r') {
                end_field(csv, line, col, 0);
                done = 1;
            } else {
                put(&csv->rec, (char)c);
                st = UNQUOTED;
            }
            break;
        case UNQUOTED:
            if (c == (unsigned char)sep) {
                end_field(csv, fline, fcol, 0);
                st = FIELD_START;
            } else if (c == '\n' || c == '\r') {
                end_field(csv, fline, fcol, 0);
                done = 1;
            } else {
                put(&csv->rec, (char)c);
            }
            break;
        case QUOTED:
            if (c == '"')
                st = QUOTE_SEEN;
            else
                put(&csv->rec, (char)c);
            break;
        case QUOTE_SEEN:
            if (c == '"') {
                put(&csv->rec, '"');
                st = QUOTED;
            } else if (c == (unsigned char)sep) {
                end_field(csv, fline, fcol, 1);
                st = FIELD_START;
            } else if (c == '\n' || c == '\r') {
                end_field(csv, fline, fcol, 1);
                done = 1;
            } else {
                set_problem(csv, rec, line, col,
                            "text after the closing quote of a field; inside a quoted "
                            "field write a quote as two quotes (\"\")");
                put(&csv->rec, (char)c);
                st = UNQUOTED;
            }
            break;
        }
        if (done && c == '\r')
            csv->skip_lf = 1;
    }
    if (!in_record)
        return 0;
    if (csv->rec.len >= MAX_RECORD || csv->fields.n >= MAX_FIELDS)
        set_problem(csv, rec, rec->line, 1,
                    "this row is longer than 16 MB or 65,536 fields, so a quote is probably "
                    "left open; close the quoted field that starts the long text");
    if (!done) {
        /* The file ended inside the record. */
        if (st == QUOTED)
            set_problem(csv, rec, qline, qcol,
                        "a quoted field is never closed; add the closing quote (\")");
        if (st == FIELD_START)
            end_field(csv, csv->line, csv->col, 0);
        else
            end_field(csv, fline, fcol, st != UNQUOTED);
    }
    for (size_t i = 0; i < csv->fields.n; i++) {
        csv->fields.v[i].value = csv->rec.ptr + csv->offs.v[i];
        csv->fields.v[i].len = csv->offs.v[i + 1] - csv->offs.v[i] - 1;
    }
    rec->fields = csv->fields.v;
    rec->n = csv->fields.n;
    rec->end_line = done ? csv->line - 1 : csv->line;
    if (rec->end_line < rec->line)
        rec->end_line = rec->line;
    return 1;
}
