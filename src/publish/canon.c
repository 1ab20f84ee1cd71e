/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The canonical forms of what we publish. JSON: RFC 8785 (JCS) for the values we use —
 * objects with keys sorted, arrays, strings, integers, true, false, null; no whitespace;
 * UTF-8 as is; only '"', '\\' and control characters escaped. CSV: RFC 4180 fields,
 * '\n' line ends, arrays joined with ';'. Publishing writes with these; verifying
 * re-serialises what it read and demands the same bytes.
 */
#include "canon.h"

#include <stdlib.h>
#include <string.h>

static void add_string(struct am_buf *out, const char *s, size_t len)
{
    am_buf_addc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            am_buf_adds(out, "\\\"");
            break;
        case '\\':
            am_buf_adds(out, "\\\\");
            break;
        case '\b':
            am_buf_adds(out, "\\b");
            break;
        case '\f':
            am_buf_adds(out, "\\f");
            break;
        case '\n':
            am_buf_adds(out, "\\n");
            break;
        case '\r':
            am_buf_adds(out, "\\r");
            break;
        case '\t':
            am_buf_adds(out, "\\t");
            break;
        default:
            if (c < 0x20)
                am_buf_addf(out, "\\u%04x", c);
            else
                am_buf_addc(out, (char)c);
        }
    }
    am_buf_addc(out, '"');
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int am__canon_json(const json_t *v, struct am_buf *out)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        const char **keys = am_malloc((n ? n : 1) * sizeof(*keys));
        const char *k;
        json_t *val;
        json_object_foreach((json_t *)v, k, val) keys[i++] = k;
        qsort(keys, n, sizeof(*keys), cmp_keys);
        am_buf_addc(out, '{');
        int rc = 0;
        for (i = 0; i < n && rc == 0; i++) {
            if (i)
                am_buf_addc(out, ',');
            add_string(out, keys[i], strlen(keys[i]));
            am_buf_addc(out, ':');
            rc = am__canon_json(json_object_get(v, keys[i]), out);
        }
        am_buf_addc(out, '}');
        am_free(keys);
        return rc;
    }
    case JSON_ARRAY: {
        am_buf_addc(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                am_buf_addc(out, ',');
            if (am__canon_json(json_array_get(v, i), out))
                return -1;
        }
        am_buf_addc(out, ']');
        return 0;
    }
    case JSON_STRING:
        add_string(out, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER:
        am_buf_addf(out, "%lld", (long long)json_integer_value(v));
        return 0;
    case JSON_TRUE:
        am_buf_adds(out, "true");
        return 0;
    case JSON_FALSE:
        am_buf_adds(out, "false");
        return 0;
    case JSON_NULL:
        am_buf_adds(out, "null");
        return 0;
    default:
        return -1; /* reals have no place in a published list */
    }
}

/* One cell: null is empty, arrays are joined with ';'. */
static void csv_cell(const json_t *v, struct am_buf *out)
{
    struct am_buf cell;
    am_buf_init(&cell);
    switch (json_typeof(v)) {
    case JSON_STRING:
        am_buf_adds(&cell, json_string_value(v));
        break;
    case JSON_INTEGER:
        am_buf_addf(&cell, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_TRUE:
        am_buf_adds(&cell, "true");
        break;
    case JSON_FALSE:
        am_buf_adds(&cell, "false");
        break;
    case JSON_ARRAY:
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *e = json_array_get(v, i);
            if (i)
                am_buf_addc(&cell, ';');
            if (json_is_string(e))
                am_buf_adds(&cell, json_string_value(e));
        }
        break;
    default:
        break;
    }
    am_buf_add_csv_field(out, cell.ptr);
    am_buf_release(&cell);
}

void am__canon_csv(const json_t *fields, const json_t *rows, struct am_buf *out)
{
    size_t nf = json_array_size(fields);
    for (size_t f = 0; f < nf; f++) {
        if (f)
            am_buf_addc(out, ',');
        am_buf_add_csv_field(out, json_string_value(json_array_get(fields, f)));
    }
    am_buf_addc(out, '\n');
    for (size_t r = 0; r < json_array_size(rows); r++) {
        json_t *row = json_array_get(rows, r);
        for (size_t f = 0; f < nf; f++) {
            if (f)
                am_buf_addc(out, ',');
            csv_cell(json_object_get(row, json_string_value(json_array_get(fields, f))), out);
        }
        am_buf_addc(out, '\n');
    }
}
