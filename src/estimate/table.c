/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Capture-history tables from plain CSV files (one 0/1 column per list, then `count`),
 * and the posterior summaries shared by the Bayesian methods (quantiles as R's type 7,
 * effective sample size, writing draws out). Reading histories from the registry lives
 * in histories.c.
 */
#include "amnistia/estimate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One field of a line: [start, end) within the text, and its 1-based column. */
struct field {
    const char *s;
    size_t len;
    long col;
};

static int split_line(const char *line, size_t len, struct field *fields, int max, int *nf)
{
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || line[i] == ',') {
            if (n == max)
                return -1;
            size_t a = start, b = i;
            while (a < b && (line[a] == ' ' || line[a] == '\t'))
                a++;
            while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t'))
                b--;
            if (b - a >= 2 && line[a] == '"' && line[b - 1] == '"') {
                a++;
                b--;
            }
            fields[n].s = line + a;
            fields[n].len = b - a;
            fields[n].col = (long)a + 1;
            n++;
            start = i + 1;
        }
    }
    *nf = n;
    return 0;
}

void am_mse_table_total(struct am_mse_table *t)
{
    t->count[0] = 0;
    double n = 0;
    for (int c = 1; c < (1 << t->k); c++)
        n += t->count[c];
    t->n = n;
}

int am_mse_table_parse(const char *text, size_t len, const char *file, struct am_mse_table *t,
                       struct am_err *err)
{
    memset(t, 0, sizeof(*t));
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF) {
        text += 3;
        len -= 3;
    }
    long seen[AM_MSE_MAX_CELLS] = {0};
    long line_no = 0;
    int have_header = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        line_no++;
        const char *line = text + pos;
        size_t ll = end - pos;
        pos = end + 1;
        if (ll > 0 && line[ll - 1] == '\r')
            ll--;
        size_t blank = 0;
        while (blank < ll && (line[blank] == ' ' || line[blank] == '\t'))
            blank++;
        if (blank == ll)
            continue;
        if (memchr(line, '\0', ll))
            return AM_FAIL_AT(err, AM_EINPUT, file, line_no, (long)((const char *)memchr(line, '\0', ll) - line) + 1,
                              "NUL byte in the table; give a plain-text CSV file");
        struct field f[AM_MSE_MAX_LISTS + 2];
        int nf = 0;
        if (!have_header) {
            if (split_line(line, ll, f, AM_MSE_MAX_LISTS + 1, &nf) != 0)
                return AM_FAIL_AT(err, AM_EINPUT, file, line_no, 1,
                                  "more than %d lists in the header; give at most %d list "
                                  "columns then `count`",
                                  AM_MSE_MAX_LISTS, AM_MSE_MAX_LISTS);
            struct field *last = &f[nf - 1];
            if (last->len != 5 || strncmp(last->s, "count", 5) != 0)
                return AM_FAIL_AT(err, AM_EINPUT, file, line_no, last->col,
                                  "the last header column must be `count`; write one column "
                                  "per list, then `count`");
            if (nf - 1 < 2)
                return AM_FAIL_AT(err, AM_EINPUT, file, line_no, 1,
                                  "only %d list in the header; capture-recapture needs at "
                                  "least 2 lists (3 or more to model dependence)",
                                  nf - 1);
            t->k = nf - 1;
            for (int j = 0; j < t->k; j++) {
                if (f[j].len == 0)
                    return AM_FAIL_AT(err, AM_EINPUT, file, line_no, f[j].col,
                                      "empty list name in the header; name every list column");
                if (f[j].len >= AM_MSE_NAME_MAX)
                    return AM_FAIL_AT(err, AM_EINPUT, file, line_no, f[j].col,
                                      "list name longer than %d bytes; shorten it",
                                      AM_MSE_NAME_MAX - 1);
                memcpy(t->names[j], f[j].s, f[j].len);
                t->names[j][f[j].len] = '\0';
                for (int i = 0; i < j; i++)
                    if (strcmp(t->names[i], t->names[j]) == 0)
                        return AM_FAIL_AT(err, AM_EINPUT, file, line_no, f[j].col,
                                          "list '%s' named twice in the header; give each "
                                          "list one column",
                                          t->names[j]);
            }
            have_header = 1;
            continue;
        }
        if (split_line(line, ll, f, t->k + 1, &nf) != 0 || nf != t->k + 1) {
            if (nf == 0 || nf > t->k + 1) {
                /* count the fields for the message */
                int commas = 0;
                for (size_t i = 0; i < ll; i++)
                    commas += line[i] == ',';
                nf = commas + 1;
            }
            return AM_FAIL_AT(err, AM_EINPUT, file, line_no, 1,
                              "%d fields where the header has %d; give one 0/1 per list "
                              "then the count",
                              nf, t->k + 1);
        }
        unsigned pattern = 0;
        for (int j = 0; j < t->k; j++) {
            if (f[j].len != 1 || (f[j].s[0] != '0' && f[j].s[0] != '1'))
                return AM_FAIL_AT(err, AM_EINPUT, file, line_no, f[j].col,
                                  "'%.*s' under list '%s' is not 0 or 1; write 1 when the "
                                  "list saw these people, else 0",
                                  (int)(f[j].len > 40 ? 40 : f[j].len), f[j].s, t->names[j]);
            if (f[j].s[0] == '1')
                pattern |= 1u << j;
        }
        struct field *cf = &f[t->k];
        char buf[32];
        int64_t v;
        if (cf->len == 0 || cf->len >= sizeof(buf))
            return AM_FAIL_AT(err, AM_EINPUT, file, line_no, cf->col,
                              "count '%.*s' is not a whole number; give how many people have "
                              "this capture pattern",
                              (int)(cf->len > 40 ? 40 : cf->len), cf->s);
        memcpy(buf, cf->s, cf->len);
        buf[cf->len] = '\0';
        if (am_parse_int64(buf, &v) != 0 || v < 0 || v > 1000000000)
            return AM_FAIL_AT(err, AM_EINPUT, file, line_no, cf->col,
                              "count '%s' is not a whole number from 0 to 1000000000; give "
                              "how many people have this capture pattern",
                              buf);
        if (pattern == 0) {
            if (v != 0)
                return AM_FAIL_AT(err, AM_EINPUT, file, line_no, f[0].col,
                                  "the all-zero pattern is the people no list saw; it cannot "
                                  "be observed: leave it out (or give count 0)");
            continue;
        }
        if (seen[pattern])
            return AM_FAIL_AT(err, AM_EINPUT, file, line_no, f[0].col,
                              "this capture pattern was already given on line %ld; give "
                              "each pattern once",
                              seen[pattern]);
        seen[pattern] = line_no;
        t->count[pattern] = (double)v;
    }
    if (!have_header)
        return AM_FAIL_AT(err, AM_EINPUT, file, line_no ? line_no : 1, 1,
                          "empty table; give a header (one column per list, then `count`) "
                          "and one row per capture pattern");
    am_mse_table_total(t);
    if (t->n <= 0)
        return AM_FAIL_AT(err, AM_EINPUT, file, line_no, 1,
                          "no one was seen by any list; give at least one non-zero count");
    return 0;
}

int am_mse_table_load(const char *path, struct am_mse_table *t, struct am_err *err)
{
    struct am_buf b;
    am_buf_init(&b);
    int rc = am_buf_read_file(&b, path, err);
    if (rc == 0)
        rc = am_mse_table_parse(b.ptr, b.len, path, t, err);
    am_buf_release(&b);
    return rc;
}

/* ---- posterior summaries ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double am_mse_quantile(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/* Geyer's initial positive sequence estimator of the integrated autocorrelation time. */
static double ess(const double *x, size_t n, double mean)
{
    if (n < 4)
        return (double)n;
    double c0 = 0;
    for (size_t i = 0; i < n; i++)
        c0 += (x[i] - mean) * (x[i] - mean);
    c0 /= (double)n;
    if (c0 <= 0)
        return (double)n;
    double sum = 0;
    for (size_t lag = 0; lag + 1 < n; lag += 2) {
        double pair = 0;
        for (size_t l = lag; l <= lag + 1; l++) {
            double c = 0;
            for (size_t i = 0; i + l < n; i++)
                c += (x[i] - mean) * (x[i + l] - mean);
            pair += c / (double)n / c0;
        }
        if (pair <= 0)
            break;
        sum += pair;
    }
    double tau = 2 * sum - 1;
    if (tau < 1e-9)
        tau = 1e-9;
    double e = (double)n / tau;
    return e > (double)n ? (double)n : e;
}

void am_mse_summarize(const double *draws, size_t n, struct am_mse_summary *s)
{
    memset(s, 0, sizeof(*s));
    if (n == 0) {
        s->median = s->mean = s->lo = s->hi = s->sd = NAN;
        return;
    }
    double *sorted = am_malloc(n * sizeof(double));
    memcpy(sorted, draws, n * sizeof(double));
    qsort(sorted, n, sizeof(double), cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += draws[i];
    s->mean = sum / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (draws[i] - s->mean) * (draws[i] - s->mean);
    s->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
    s->median = am_mse_quantile(sorted, n, 0.5);
    s->lo = am_mse_quantile(sorted, n, 0.025);
    s->hi = am_mse_quantile(sorted, n, 0.975);
    s->ess = ess(draws, n, s->mean);
    am_free(sorted);
}

int am_mse_draws_write(const char *path, const double *draws, size_t n, struct am_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot write draws: %s; check the path",
                          strerror(errno));
    fputs("N\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.0f\n", draws[i]);
    if (fclose(f) != 0)
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot write draws: %s; check the disk",
                          strerror(errno));
    return 0;
}
