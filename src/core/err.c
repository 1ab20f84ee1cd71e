/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Errors: the code table, setting the first error, and printing it at the edges. Only
 * the CLI and the server print errors; modules only set them.
 */
#include "amnistia/core.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const char *message;
    int exit_status;
    int http_status;
} code_table[] = {
#define AM_X_ROW(name, msg, exit_status, http_status) {#name, msg, exit_status, http_status},
    AM_ERROR_TABLE(AM_X_ROW)
#undef AM_X_ROW
};

static int valid(enum am_code code) { return (unsigned)code < AM__CODE_COUNT; }

const char *am_code_name(enum am_code code) { return valid(code) ? code_table[code].name : "?"; }
const char *am_code_message(enum am_code code)
{
    return valid(code) ? code_table[code].message : "unknown error";
}
int am_code_exit_status(enum am_code code) { return valid(code) ? code_table[code].exit_status : 3; }
int am_code_http_status(enum am_code code) { return valid(code) ? code_table[code].http_status : 500; }

int am_err_vset(struct am_err *err, enum am_code code, const char *src_file, int src_line,
                const char *fmt, va_list ap)
{
    if (!err || err->code != AM_OK)
        return -1;
    err->code = code;
    err->src_file = src_file;
    err->src_line = src_line;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    return -1;
}

int am_err_set(struct am_err *err, enum am_code code, const char *src_file, int src_line,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    am_err_vset(err, code, src_file, src_line, fmt, ap);
    va_end(ap);
    return -1;
}

int am_err_set_at(struct am_err *err, enum am_code code, const char *src_file, int src_line,
                  const char *input_file, long line, long col, const char *fmt, ...)
{
    if (!err || err->code != AM_OK)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    am_err_vset(err, code, src_file, src_line, fmt, ap);
    va_end(ap);
    snprintf(err->input_file, sizeof(err->input_file), "%s", input_file ? input_file : "");
    err->input_line = line;
    err->input_col = col;
    return -1;
}

void am_err_clear(struct am_err *err) { memset(err, 0, sizeof(*err)); }

int am_err_is_set(const struct am_err *err) { return err && err->code != AM_OK; }

void am_err_print(const struct am_err *err, FILE *f)
{
    fputs("amnistia: ", f);
    if (err->input_file[0]) {
        fputs(err->input_file, f);
        if (err->input_line > 0) {
            fprintf(f, ":%ld", err->input_line);
            if (err->input_col > 0)
                fprintf(f, ":%ld", err->input_col);
        }
        fputs(": ", f);
    }
    fprintf(f, "%s\n", err->msg[0] ? err->msg : am_code_message(err->code));
    if (getenv("AMNISTIA_DEBUG") && err->src_file)
        fprintf(f, "amnistia: (raised at %s:%d, %s)\n", err->src_file, err->src_line,
                am_code_name(err->code));
}

_Noreturn void am__assert_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "amnistia: internal error: assertion '%s' failed at %s:%d\n", what, file,
            line);
    abort();
}
