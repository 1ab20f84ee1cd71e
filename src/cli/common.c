/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What every command shares: --help handling, usage errors, the output-format flags and
 * the table printer (terminal, CSV, JSON).
 */
#include "cli.h"

#include <string.h>

int am_cli_help_requested(int argc, char **argv, const char *usage)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
    }
    return 0;
}

int am_cli_usage_error(struct am_err *err, const char *usage, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    /* Only the first line of the usage text: the synopsis. */
    size_t n = strcspn(usage, "\n");
    return AM_FAIL(err, AM_EUSAGE, "%s\n%.*s", what, (int)n, usage);
}

int am_cli_format_flag(const char *arg, enum am_out_format *fmt)
{
    if (strcmp(arg, "--json") == 0) {
        *fmt = AM_OUT_JSON;
        return 1;
    }
    if (strcmp(arg, "--csv") == 0) {
        *fmt = AM_OUT_CSV;
        return 1;
    }
    return 0;
}

void am_table_init(struct am_table *t, const char *const *cols, size_t ncols)
{
    memset(t, 0, sizeof(*t));
    am_arena_init(&t->arena);
    t->ncols = ncols;
    t->cols = am_arena_alloc(&t->arena, ncols * sizeof(char *));
    t->numeric = am_arena_alloc(&t->arena, ncols);
    for (size_t i = 0; i < ncols; i++)
        t->cols[i] = am_arena_strdup(&t->arena, cols[i]);
}

void am_table_release(struct am_table *t)
{
    AM_VEC_FREE(&t->cells);
    am_arena_release(&t->arena);
}

void am_table_set_numeric(struct am_table *t, size_t col) { t->numeric[col] = 1; }
void am_table_set_boolean(struct am_table *t, size_t col) { t->numeric[col] = 2; }

void am_table_add_row(struct am_table *t, const char *const *cells)
{
    for (size_t i = 0; i < t->ncols; i++)
        AM_VEC_PUSH(&t->cells, am_arena_strdup(&t->arena, cells[i]));
}

size_t am_table_rows(const struct am_table *t) { return t->ncols ? t->cells.n / t->ncols : 0; }

/* Display width of UTF-8 text: one column per code point (no wide characters in names). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; s && *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void print_terminal(const struct am_table *t, FILE *out)
{
    size_t rows = am_table_rows(t);
    size_t *w = am_calloc(t->ncols, sizeof(size_t));
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = width(t->cols[c]);
        for (size_t r = 0; r < rows; r++) {
            size_t cw = width(t->cells.v[r * t->ncols + c]);
            if (cw > w[c])
                w[c] = cw;
        }
        if (w[c] > 48)
            w[c] = 48; /* long cells overflow their column rather than widen the table */
    }
    for (size_t r = 0; r <= rows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = r == 0 ? t->cols[c] : t->cells.v[(r - 1) * t->ncols + c];
            if (!s)
                s = "";
            size_t sw = width(s);
            int right = r > 0 && t->numeric[c] == 1;
            if (right)
                for (size_t k = sw; k < w[c]; k++)
                    fputc(' ', out);
            fputs(s, out);
            if (c + 1 < t->ncols) {
                if (!right)
                    for (size_t k = sw; k < w[c]; k++)
                        fputc(' ', out);
                fputs("  ", out);
            }
        }
        fputc('\n', out);
    }
    am_free(w);
}

void am_table_print(const struct am_table *t, enum am_out_format fmt, FILE *out)
{
    size_t rows = am_table_rows(t);
    struct am_buf b;
    am_buf_init(&b);
    if (fmt == AM_OUT_TABLE) {
        print_terminal(t, out);
    } else if (fmt == AM_OUT_CSV) {
        for (size_t r = 0; r <= rows; r++) {
            am_buf_reset(&b);
            for (size_t c = 0; c < t->ncols; c++) {
                if (c)
                    am_buf_addc(&b, ',');
                am_buf_add_csv_field(&b, r == 0 ? t->cols[c] : t->cells.v[(r - 1) * t->ncols + c]);
            }
            am_buf_adds(&b, "\r\n");
            fwrite(b.ptr, 1, b.len, out);
        }
    } else {
        fputs("[", out);
        for (size_t r = 0; r < rows; r++) {
            am_buf_reset(&b);
            am_buf_adds(&b, r ? ",\n {" : "\n {");
            for (size_t c = 0; c < t->ncols; c++) {
                const char *s = t->cells.v[r * t->ncols + c];
                if (c)
                    am_buf_adds(&b, ", ");
                am_buf_add_json_string(&b, t->cols[c]);
                am_buf_adds(&b, ": ");
                if (!s)
                    am_buf_adds(&b, "null");
                else if (t->numeric[c] == 1 ||
                         (t->numeric[c] == 2 && (!strcmp(s, "true") || !strcmp(s, "false"))))
                    am_buf_adds(&b, s);
                else
                    am_buf_add_json_string(&b, s);
            }
            am_buf_addc(&b, '}');
            fwrite(b.ptr, 1, b.len, out);
        }
        fputs(rows ? "\n]\n" : "]\n", out);
    }
    am_buf_release(&b);
}
