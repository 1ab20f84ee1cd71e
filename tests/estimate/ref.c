/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reading the reference vectors for the estimate tests: a small CSV reader for R's
 * write.csv output (quoted strings, no embedded newlines) and table loading.
 */
#include "ref.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *vec_path(const char *name)
{
    size_t n = strlen(AM_SOURCE_DIR) + strlen(name) + 32;
    char *p = am_malloc(n);
    snprintf(p, n, "%s/tests/vectors/mse/%s", AM_SOURCE_DIR, name);
    return p;
}

struct ref_row *ref_read(const char *name, size_t *nrows)
{
    char *path = vec_path(name);
    struct am_buf b;
    am_buf_init(&b);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_buf_read_file(&b, path, &err), 0);
    am_free(path);
    AM_VEC(struct ref_row) rows = {0};
    size_t i = 0;
    while (i < b.len) {
        struct ref_row r;
        memset(&r, 0, sizeof(r));
        struct am_buf field;
        am_buf_init(&field);
        int quoted = 0;
        for (;; i++) {
            char c = i < b.len ? b.ptr[i] : '\n';
            if (quoted) {
                if (c == '"' && i + 1 < b.len && b.ptr[i + 1] == '"') {
                    am_buf_addc(&field, '"');
                    i++;
                } else if (c == '"') {
                    quoted = 0;
                } else {
                    am_buf_addc(&field, c);
                }
                continue;
            }
            if (c == '"') {
                quoted = 1;
            } else if (c == ',' || c == '\n') {
                assert_true(r.nf < REF_MAX_FIELDS);
                r.f[r.nf++] = am_buf_detach(&field);
                if (c == '\n') {
                    i++;
                    break;
                }
            } else if (c != '\r') {
                am_buf_addc(&field, c);
            }
        }
        am_buf_release(&field);
        AM_VEC_PUSH(&rows, r);
    }
    am_buf_release(&b);
    *nrows = rows.n;
    return rows.v;
}

void ref_free(struct ref_row *rows, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++)
        for (int j = 0; j < rows[i].nf; j++)
            am_free(rows[i].f[j]);
    am_free(rows);
}

void ref_table(const char *name, struct am_mse_table *t)
{
    char file[128];
    snprintf(file, sizeof(file), "%s.csv", name);
    char *path = vec_path(file);
    struct am_err err = AM_ERR_INIT;
    int rc = am_mse_table_load(path, t, &err);
    if (rc != 0)
        am_err_print(&err, stderr);
    assert_int_equal(rc, 0);
    am_free(path);
}

double rel(double a, double b) { return fabs(a - b) / fabs(b); }

double num(const char *s)
{
    if (strcmp(s, "NA") == 0)
        return NAN;
    char *end;
    double v = strtod(s, &end);
    assert_true(end != s);
    return v;
}

double note_value(const char *note, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = note; (p = strstr(p, key)) != NULL; p++) {
        if ((p == note || p[-1] == ' ' || p[-1] == ';') && p[kl] == '=')
            return strtod(p + kl + 1, NULL);
    }
    return NAN;
}
