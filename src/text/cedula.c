/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Venezuelan cédulas and the sex column. A cédula is read as lists write it (prefix or
 * not, dots or not, dash or space after the prefix) and kept as kind + digits without
 * leading zeros, so "V-01.234.567" and "1234567" compare equal. A letter anywhere but
 * the prefix is refused with its name: it is a typing error or another document (a RIF,
 * a passport) and must not be silently dropped.
 */
#include "amnistia/text.h"

#include <string.h>

static int fail(char *why, size_t why_len, const char *fmt, const char *a, int b)
{
    if (why && why_len)
        snprintf(why, why_len, fmt, a, b);
    return -1;
}

/* The character at s as a printable quote: one UTF-8 sequence, or the byte in hex. */
static void quote_char(const char *s, char out[8])
{
    const unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n && am_utf8_invalid_at(s, strnlen(s, n)) < 0 && strnlen(s, n) == n) {
        memcpy(out, s, n);
        out[n] = 0;
    } else {
        snprintf(out, 8, "\\x%02X", c);
    }
}

/* A thousands group: exactly three digits, then the end, a blank or another separator. */
static int group_of_three(const char *p)
{
    for (int i = 0; i < 3; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return !(p[3] >= '0' && p[3] <= '9');
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int am_cedula_parse(const char *s, struct am_cedula *out, char *why, size_t why_len)
{
    char q[8];
    memset(out, 0, sizeof(*out));
    if (!s)
        s = "";
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return fail(why, why_len, "cédula is empty%s", "", 0);

    const char *p = s;
    if (is_alpha(*p)) {
        char k = (char)(*p & ~0x20);
        if (k != 'V' && k != 'E') {
            q[0] = *p, q[1] = 0;
            return fail(why, why_len,
                        "letter '%s' before the number; a cédula starts with V or E only "
                        "(J, G, P are RIFs or passports)",
                        q, 0);
        }
        if (is_alpha(p[1])) {
            q[0] = p[1], q[1] = 0;
            return fail(why, why_len, "letter '%s' after the prefix; a cédula has only digits",
                        q, 0);
        }
        out->kind = k;
        p++;
        /* "V-", "V -", "V.", "V. ", "V:" and "V " all separate the prefix. */
        while (*p == ' ' || *p == '\t' || *p == '-' || *p == '.' || *p == ':')
            p++;
    }
    int digits = 0, significant = 0;
    const char *first = NULL; /* first digit of the number */
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (!first)
                first = p;
            digits++;
            if (significant || *p != '0') {
                if (significant < 9)
                    out->number[significant] = *p;
                significant++;
            }
            continue;
        }
        /* Thousands separators between digits: "12.345.678", "12 345 678", "12,345,678". */
        if ((*p == '.' || *p == ',' || *p == ' ') && first && group_of_three(p + 1))
            continue;
        if ((*p == ' ' || *p == '\t') && first) { /* trailing blanks */
            const char *t = p;
            while (*t == ' ' || *t == '\t')
                t++;
            if (!*t)
                break;
        }
        if (is_alpha(*p)) {
            q[0] = *p, q[1] = 0;
            memset(out, 0, sizeof(*out));
            if (*p == 'O' || *p == 'o')
                return fail(why, why_len,
                            "letter '%s' at character %d; a cédula has only digits "
                            "(a zero typed as the letter O?)",
                            q, (int)(p - s) + 1);
            return fail(why, why_len, "letter '%s' at character %d; a cédula has only digits", q,
                        (int)(p - s) + 1);
        }
        quote_char(p, q);
        memset(out, 0, sizeof(*out));
        return fail(why, why_len, "unexpected '%s' at character %d; write digits, as V-12345678",
                    q, (int)(p - s) + 1);
    }
    if (digits == 0) {
        memset(out, 0, sizeof(*out));
        return fail(why, why_len, "no digits in the cédula%s", "", 0);
    }
    if (significant == 0) {
        memset(out, 0, sizeof(*out));
        return fail(why, why_len, "cédula number is zero%s", "", 0);
    }
    if (significant > 9) {
        memset(out, 0, sizeof(*out));
        return fail(why, why_len, "too many digits%s (%d); a cédula has at most 9", "",
                    significant);
    }
    out->number[significant] = 0;
    return 0;
}

static const char *const missing_words[] = {
    "",        "s c",       "n a",       "n d",        "s i",         "na",
    "nd",      "sin cedula", "no posee", "no tiene",   "indocumentado", "indocumentada",
    "desconocida", "desconocido", "sin datos", "sin informacion", "no aplica", "ninguna",
};

int am_cedula_is_missing(const char *s)
{
    if (!s)
        return 1;
    /* Normalising keeps digits and no word above has one: a value with a digit (every
     * real cédula) is never a "missing" word, without normalising it. */
    if (strpbrk(s, "0123456789"))
        return 0;
    if (strlen(s) > 64)
        return 0;
    struct am_buf b;
    am_buf_init(&b);
    am_name_normalize(s, &b);
    int missing = 0;
    for (size_t i = 0; i < sizeof(missing_words) / sizeof(missing_words[0]); i++)
        if (strcmp(b.ptr, missing_words[i]) == 0)
            missing = 1;
    am_buf_release(&b);
    return missing;
}

/* ---- sex ------------------------------------------------------------------------- */

struct sex_word {
    const char *word;
    char sex;
};

/* Compared after am_name_normalize, so case and accents do not matter. */
static const struct sex_word sex_words[] = {
    {"f", 'F'},         {"fem", 'F'},       {"femenino", 'F'},   {"femenina", 'F'},
    {"mujer", 'F'},     {"female", 'F'},    {"woman", 'F'},      {"w", 'F'},
    {"m", 'M'},         {"masc", 'M'},      {"masculino", 'M'},  {"masculina", 'M'},
    {"hombre", 'M'},    {"varon", 'M'},     {"male", 'M'},       {"man", 'M'},
    {"h", 'M'},         {"", 0},            {"x", 0},            {"nd", 0},
    {"n d", 0},         {"na", 0},          {"n a", 0},          {"s i", 0},
    {"desconocido", 0}, {"desconocida", 0},  {"unknown", 0},
    {"sin informacion", 0}, {"sin dato", 0}, {"sin datos", 0},  {"no indica", 0},
    {"ninguno", 0},     {"otro", 0},        {"other", 0},
};

int am_sex_parse(const char *s, char *out)
{
    *out = 0;
    if (!s)
        return 0;
    /* The usual one letter, without normalising it: the same answer as the table. */
    if ((s[0] == 'F' || s[0] == 'f' || s[0] == 'M' || s[0] == 'm') && s[1] == '\0') {
        *out = (char)(s[0] & ~0x20);
        return 0;
    }
    if (strlen(s) > 64)
        return -1;
    struct am_buf b;
    am_buf_init(&b);
    am_name_normalize(s, &b);
    int rc = -1;
    for (size_t i = 0; i < sizeof(sex_words) / sizeof(sex_words[0]); i++) {
        if (strcmp(b.ptr, sex_words[i].word) == 0) {
            *out = sex_words[i].sex;
            rc = 0;
            break;
        }
    }
    am_buf_release(&b);
    return rc;
}
