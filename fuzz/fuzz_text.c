/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * libFuzzer target for src/text/: the input, as a NUL-terminated string, goes through
 * every parser (encodings, dates, cédulas, sex, names in every order) and, split in
 * half, through every comparison. It checks invariants that must hold for any bytes:
 * normalised names are valid UTF-8 without doubled or edge spaces, similarities stay in
 * 0..1 and are symmetric, an edit distance is bounded by the longer string.
 */
#include "amnistia/text.h"

#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_normalized(const struct am_buf *b)
{
    check(am_utf8_invalid_at(b->ptr, b->len) < 0);
    check(strlen(b->ptr) == b->len);
    if (b->len) {
        check(b->ptr[0] != ' ' && b->ptr[b->len - 1] != ' ');
        check(strstr(b->ptr, "  ") == NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0; /* names are short; quadratic comparisons on megabytes prove nothing */
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    size_t len = strlen(s);

    struct am_buf b, k;
    am_buf_init(&b);
    am_buf_init(&k);

    /* encodings */
    long bad = am_utf8_invalid_at((const char *)data, size);
    check(bad >= -1 && bad < (long)size);
    am_looks_like_cp1252((const char *)data, size);
    am_cp1252_to_utf8((const char *)data, size, &b);
    check(am_utf8_invalid_at(b.ptr, b.len) < 0);
    am_buf_reset(&b);

    /* fields */
    int32_t days = 0;
    char why[128];
    if (am_date_parse(s, &days, why, sizeof(why)) == 0)
        check(days <= am_today() && days >= am_days_from_civil(1900, 1, 1));
    struct am_cedula ced;
    if (am_cedula_parse(s, &ced, why, sizeof(why)) == 0) {
        size_t n = strlen(ced.number);
        check(n >= 1 && n <= 9 && ced.number[0] != '0');
        check(ced.kind == 0 || ced.kind == 'V' || ced.kind == 'E');
    } else {
        check(why[0] != 0);
    }
    if (am_cedula_is_missing(s))
        check(am_cedula_parse(s, &ced, NULL, 0) == -1); /* no word of it is a number */
    char sex;
    if (am_sex_parse(s, &sex) == 0)
        check(sex == 0 || sex == 'F' || sex == 'M');

    /* names */
    am_name_normalize(s, &b);
    check_normalized(&b);
    for (const char *p = b.ptr; *p;) {
        size_t n = strcspn(p, " ");
        char tok[64];
        if (n < sizeof(tok)) {
            memcpy(tok, p, n);
            tok[n] = 0;
            am_buf_reset(&k);
            am_phonetic_key(tok, &k);
            check(k.len <= 2 * n);
            am_nickname_canonical(tok);
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    struct am_arena arena;
    am_arena_init(&arena);
    static const enum am_name_order orders[] = {AM_ORDER_UNKNOWN, AM_ORDER_GIVEN_FIRST,
                                                AM_ORDER_SURNAMES_FIRST};
    for (size_t o = 0; o < 3; o++) {
        struct am_name nm;
        am_name_parse(s, orders[o], &arena, &nm);
        check(nm.n_given >= 0 && nm.n_given <= 4 && nm.n_surnames >= 0 && nm.n_surnames <= 4);
        check(nm.order_why != NULL);
        for (int i = 0; i < nm.n_given; i++)
            check(nm.given[i] && *nm.given[i]);
        for (int i = 0; i < nm.n_surnames; i++)
            check(nm.surnames[i] && *nm.surnames[i]);
    }

    /* comparisons: first half against second half */
    char *x = strndup(s, len / 2), *y = strdup(s + len / 2);
    struct am_name nm;
    am_name_parse_split(x, y, &arena, &nm);
    am_arena_release(&arena);
    double jw = am_jaro_winkler(x, y);
    check(jw >= 0.0 && jw <= 1.0 && jw == am_jaro_winkler(y, x));
    int d = am_damerau_levenshtein(x, y);
    size_t lx = strlen(x), ly = strlen(y);
    check(d >= 0 && (size_t)d <= (lx > ly ? lx : ly) && d == am_damerau_levenshtein(y, x));
    double ts = am_token_set_similarity(x, y);
    check(ts >= 0.0 && ts <= 1.0 + 1e-12);
    am_buf_reset(&b);
    am_buf_reset(&k);
    am_name_normalize(x, &b);
    am_name_normalize(y, &k);
    ts = am_token_set_similarity(b.ptr, k.ptr);
    check(ts >= 0.0 && ts <= 1.0 + 1e-12);

    free(x);
    free(y);
    am_buf_release(&b);
    am_buf_release(&k);
    free(s);
    return 0;
}
