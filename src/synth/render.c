/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * How lists write what they know: each list's habits (error rates per profile), and the
 * rendering of names, cédulas and dates with those habits — dropped accents, upper case,
 * missing second names, swapped surnames, married "de X", nicknames, Damerau typos,
 * cédula formats with transposed digits. It decides only how a fact is written, never
 * which facts a list holds (lists.c).
 */
#include "synth_int.h"

#include <string.h>

/* Per-list rates under the default profile; docs/synth.md prints the same table. */
// clang-format off
static const struct am__synth_habits default_habits[AM_SYNTH__LIST_COUNT] = {
    /* accent upper dropg2 drops2 swap typo nick marr cedmis cedtr ceddig birth arrest shift dup field */
    {0.08, 0.05, 0.08, 0.06, 0.01, 0.03, 0.00, 0.30, 0.08, 0.010, 0.005, 0.20, 0.03, 0.02, 0.010, 0.05},
    {0.40, 0.10, 0.25, 0.25, 0.03, 0.06, 0.15, 0.50, 0.35, 0.030, 0.015, 0.60, 0.15, 0.08, 0.030, 0.20},
    {1.00, 1.00, 0.20, 0.15, 0.02, 0.05, 0.00, 0.20, 0.25, 0.040, 0.010, 1.00, 0.10, 0.05, 0.020, 0.15},
    {0.70, 1.00, 0.10, 0.10, 0.02, 0.06, 0.00, 0.30, 0.03, 0.020, 0.010, 1.00, 1.00, 0.03, 0.030, 0.10},
};
// clang-format on

void am__synth_habits_get(enum am_synth_list l, enum am_synth_profile profile,
                          struct am__synth_habits *h)
{
    *h = default_habits[l];
    if (profile != AM_SYNTH_HEAVY)
        return;
    /* Heavy: every error rate times 2.5 (at most 0.9); a habit already at 1 (the press
     * always writes upper case) stays; married-name use and nicknames are habits too. */
    double *rates[] = {&h->accent_drop, &h->drop_given2,   &h->drop_sur2,      &h->swap_sur,
                       &h->typo,        &h->nick,          &h->ced_missing,    &h->ced_transpose,
                       &h->ced_digit,   &h->birth_missing, &h->arrest_missing, &h->date_shift,
                       &h->duplicate,   &h->field_missing};
    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        if (*rates[i] >= 1.0)
            continue;
        double v = *rates[i] * 2.5;
        *rates[i] = v > 0.9 ? 0.9 : v;
    }
}

/* ---- characters --------------------------------------------------------------------------- */

/* Base letter of the Latin-1 letter U+00C0 + i (UTF-8 C3 80+i), or 0 to keep it. */
static const char latin1_base[64] =
    "AAAAAAACEEEEIIIIDNOOOOO\0OUUUUY\0sAAAAAAACEEEEIIIIdnooooo\0ouuuuy\0y";

size_t am__synth_strip_accents(char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC3 && i + 1 < len) {
            unsigned char n = (unsigned char)s[i + 1];
            if (n >= 0x80 && n <= 0xBF && latin1_base[n - 0x80]) {
                char b = latin1_base[n - 0x80];
                if (n >= 0xA0 && b >= 'A' && b <= 'Z')
                    b = (char)(b + 32);
                s[o++] = b;
                i++;
                continue;
            }
        }
        s[o++] = (char)c;
    }
    s[o] = 0;
    return o;
}

void am__synth_upper(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z') {
            s[i] = (char)(c - 32);
        } else if (c == 0xC3 && i + 1 < len) {
            unsigned char n = (unsigned char)s[i + 1];
            if (n >= 0xA0 && n <= 0xBE && n != 0xB7)
                s[i + 1] = (char)(n - 0x20);
            i++;
        } else if (c >= 0x80) {
            /* skip continuation bytes of other characters untouched */
        }
    }
}

static int ascii_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Letters people confuse in Spanish names (b/v, s/z/c, y/i/ll, g/j, n/m, ...). */
static char confuse(char c, struct am__synth_rng *r)
{
    static const char *const pairs[] = {"bv", "vb", "sz", "zs", "cs", "yi", "iy", "gj", "jg",
                                        "nm", "mn", "ei", "ou", "rl", "td", "kc", "xs"};
    int upper = c >= 'A' && c <= 'Z';
    char lc = upper ? (char)(c + 32) : c;
    char out = 0;
    for (int k = 0; k < 2 && !out; k++) {
        size_t i = am__synth_below(r, sizeof(pairs) / sizeof(pairs[0]));
        if (pairs[i][0] == lc)
            out = pairs[i][1];
    }
    for (size_t i = 0; !out && i < sizeof(pairs) / sizeof(pairs[0]); i++)
        if (pairs[i][0] == lc)
            out = pairs[i][1];
    if (!out)
        out = (char)('a' + am__synth_below(r, 26));
    if (out == lc)
        out = lc == 'a' ? 'e' : 'a';
    return upper ? (char)(out - 32) : out;
}

size_t am__synth_typo(char *s, size_t len, struct am__synth_rng *r)
{
    size_t pos[96], n = 0;
    for (size_t i = 0; i < len && n < 96; i++)
        if (ascii_letter((unsigned char)s[i]))
            pos[n++] = i;
    if (n < 2)
        return len;
    switch (am__synth_below(r, 4)) {
    case 0: { /* transpose two adjacent letters (after the initial) */
        for (int tries = 0; tries < 6; tries++) {
            size_t k = pos[1 + am__synth_below(r, (uint32_t)n - 1)];
            if (k + 1 < len && ascii_letter((unsigned char)s[k + 1]) && s[k] != s[k + 1]) {
                char t = s[k];
                s[k] = s[k + 1];
                s[k + 1] = t;
                return len;
            }
        }
        __attribute__((fallthrough)); /* nothing to transpose: substitute instead */
    }
    case 1: { /* substitute */
        size_t k = pos[1 + am__synth_below(r, (uint32_t)n - 1)];
        s[k] = confuse(s[k], r);
        return len;
    }
    case 2: { /* delete (never the first letter: people keep initials) */
        if (n < 4)
            return len;
        size_t k = pos[1 + am__synth_below(r, (uint32_t)n - 1)];
        memmove(s + k, s + k + 1, len - k);
        return len - 1;
    }
    default: { /* insert: a doubled letter */
        size_t k = pos[1 + am__synth_below(r, (uint32_t)n - 1)];
        memmove(s + k + 1, s + k, len - k + 1);
        return len + 1;
    }
    }
}

/* ---- names --------------------------------------------------------------------------------- */

#define TOK_MAX 8
#define TOK_LEN 96

void am__synth_render_name(const struct am__synth_person *p, const struct am__synth_catalog *cat,
                           const struct am__synth_habits *h, struct am__synth_rng *r,
                           struct am_buf *given, struct am_buf *surnames)
{
    char tok[TOK_MAX][TOK_LEN];
    size_t tlen[TOK_MAX];
    int is_given[TOK_MAX], typo_ok[TOK_MAX], nt = 0;
    const struct am__synth_names *gt = p->sex == 'F' ? &cat->female : &cat->male;

#define PUSH(text, giv, ok)                                                                        \
    do {                                                                                           \
        size_t l_ = strlen(text);                                                                  \
        if (l_ > TOK_LEN - 4)                                                                      \
            l_ = TOK_LEN - 4;                                                                      \
        memcpy(tok[nt], text, l_);                                                                 \
        tok[nt][l_] = 0;                                                                           \
        tlen[nt] = l_;                                                                             \
        is_given[nt] = (giv);                                                                      \
        typo_ok[nt] = (ok);                                                                        \
        nt++;                                                                                      \
    } while (0)

    const struct am__synth_name *g0 = &gt->v[p->given[0]];
    int nick = g0->n_nick && am__synth_chance(r, h->nick);
    if (nick)
        PUSH(g0->nick[am__synth_below(r, g0->n_nick)], 1, 1);
    else
        PUSH(g0->text, 1, 1);
    if (p->given[1] != AM__SYNTH_NONE && !(nick && am__synth_chance(r, 0.7)) &&
        !am__synth_chance(r, h->drop_given2))
        PUSH(gt->v[p->given[1]].text, 1, 1);
    int first_sur = nt;
    if (p->married != AM__SYNTH_NONE && am__synth_chance(r, h->married_de)) {
        PUSH(cat->surnames.v[p->sur[0]].text, 0, 1);
        PUSH("de", 0, 0);
        PUSH(cat->surnames.v[p->married].text, 0, 1);
    } else {
        PUSH(cat->surnames.v[p->sur[0]].text, 0, 1);
        if (p->sur[1] != AM__SYNTH_NONE && !am__synth_chance(r, h->drop_sur2)) {
            PUSH(cat->surnames.v[p->sur[1]].text, 0, 1);
            if (am__synth_chance(r, h->swap_sur)) {
                char t[TOK_LEN];
                memcpy(t, tok[first_sur], TOK_LEN);
                memcpy(tok[first_sur], tok[first_sur + 1], TOK_LEN);
                memcpy(tok[first_sur + 1], t, TOK_LEN);
                size_t tl = tlen[first_sur];
                tlen[first_sur] = tlen[first_sur + 1];
                tlen[first_sur + 1] = tl;
            }
        }
    }
#undef PUSH
    for (int round = 0; round < 2; round++) {
        if (!am__synth_chance(r, round ? h->typo / 3 : h->typo))
            break;
        int k = (int)am__synth_below(r, (uint32_t)nt);
        if (typo_ok[k])
            tlen[k] = am__synth_typo(tok[k], tlen[k], r);
    }
    int strip = am__synth_chance(r, h->accent_drop);
    int upper = am__synth_chance(r, h->upper);
    am_buf_reset(given);
    am_buf_reset(surnames);
    for (int k = 0; k < nt; k++) {
        if (strip)
            tlen[k] = am__synth_strip_accents(tok[k], tlen[k]);
        if (upper)
            am__synth_upper(tok[k], tlen[k]);
        struct am_buf *b = is_given[k] ? given : surnames;
        if (b->len)
            am_buf_addc(b, ' ');
        am_buf_add(b, tok[k], tlen[k]);
    }
}

/* ---- cédulas and dates ---------------------------------------------------------------------- */

void am__synth_render_cedula(struct am_buf *out, char kind, uint32_t number, int format,
                             const struct am__synth_habits *h, struct am__synth_rng *r)
{
    char d[16];
    int n = 0;
    {
        char rev[16];
        int k = 0;
        do {
            rev[k++] = (char)('0' + number % 10);
            number /= 10;
        } while (number && k < 15);
        while (k)
            d[n++] = rev[--k];
        d[n] = 0;
    }
    if (n >= 2 && am__synth_chance(r, h->ced_transpose)) {
        for (int tries = 0; tries < 6; tries++) {
            int k = (int)am__synth_below(r, (uint32_t)n - 1);
            if (d[k] != d[k + 1] && !(k == 0 && d[1] == '0')) {
                char t = d[k];
                d[k] = d[k + 1];
                d[k + 1] = t;
                break;
            }
        }
    }
    if (n >= 2 && am__synth_chance(r, h->ced_digit)) {
        int k = 1 + (int)am__synth_below(r, (uint32_t)n - 1);
        d[k] = (char)('0' + (d[k] - '0' + 1 + (int)am__synth_below(r, 9)) % 10);
    }
    if (format == 0 || format == 1 || format == 4) {
        am_buf_addc(out, kind);
        if (format != 1)
            am_buf_addc(out, '-');
    }
    if (format == 0 || format == 3) {
        int first = n % 3 ? n % 3 : 3;
        am_buf_add(out, d, (size_t)first);
        for (int i = first; i < n; i += 3) {
            am_buf_addc(out, '.');
            am_buf_add(out, d + i, 3);
        }
    } else {
        am_buf_add(out, d, (size_t)n);
    }
}

void am__synth_add_uint(struct am_buf *out, uint64_t v, int width)
{
    char rev[24];
    int k = 0;
    do {
        rev[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k < width && k < 24)
        rev[k++] = '0';
    am_buf_grow(out, (size_t)k);
    while (k)
        out->ptr[out->len++] = rev[--k];
    out->ptr[out->len] = 0;
}

void am__synth_render_date(struct am_buf *out, int32_t days, int format)
{
    int y, m, d;
    am_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        am_buf_adds(out, "0000-00-00");
        return;
    }
    char sep = format == 1 ? '/' : '-';
    if (format == 1 || format == 2) {
        am__synth_add_uint(out, (uint64_t)d, 2);
        am_buf_addc(out, sep);
        am__synth_add_uint(out, (uint64_t)m, 2);
        am_buf_addc(out, sep);
        am__synth_add_uint(out, (uint64_t)y, 4);
    } else {
        am__synth_add_uint(out, (uint64_t)y, 4);
        am_buf_addc(out, '-');
        am__synth_add_uint(out, (uint64_t)m, 2);
        am_buf_addc(out, '-');
        am__synth_add_uint(out, (uint64_t)d, 2);
    }
}

void am__synth_to_cp1252(struct am_buf *out, const char *s, size_t len)
{
    am_buf_grow(out, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            out->ptr[out->len++] = (char)c;
        } else if ((c == 0xC2 || c == 0xC3) && i + 1 < len) {
            unsigned char n = (unsigned char)s[i + 1];
            out->ptr[out->len++] = (char)(c == 0xC2 ? n : n + 0x40);
            i++;
        } else {
            /* Not in Latin-1 (never produced by the generator): skip the sequence. */
            out->ptr[out->len++] = '?';
            while (i + 1 < len && ((unsigned char)s[i + 1] & 0xC0) == 0x80)
                i++;
        }
    }
    out->ptr[out->len] = 0;
}
