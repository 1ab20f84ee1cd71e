/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Fuzz target for the capture-history table parser and the log-linear model parser: any
 * bytes must give a table or a positioned error, never a crash. When a table parses, a
 * model spec made of the input's first line is parsed too, and a small fit is run.
 */
#include <stdint.h>
#include <string.h>

#include "amnistia/estimate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_mse_table t;
    struct am_err err = AM_ERR_INIT;
    int rc = am_mse_table_parse((const char *)data, size, "fuzz", &t, &err);
    if (rc != 0 && (err.code != AM_EINPUT || err.input_line < 1 || err.input_col < 1))
        __builtin_trap();
    char spec[64];
    size_t n = 0;
    while (n < size && n < sizeof(spec) - 1 && data[n] != '\n' && data[n] != '\0') {
        spec[n] = (char)data[n];
        n++;
    }
    spec[n] = '\0';
    struct am_llm_model m;
    am_err_clear(&err);
    int k = rc == 0 ? t.k : 3;
    if (am_llm_model_parse(spec, k, &m, &err) == 0 && rc == 0) {
        struct am_llm_fit f;
        am_llm_fit(&t, &m, 0, &f, &err);
    }
    return 0;
}
