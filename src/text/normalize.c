/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Name normalisation: the one form in which names are compared. Accents and case go
 * (NFD, marks stripped, case folded with utf8proc), ñ becomes n, punctuation and hyphens
 * become spaces, apostrophes vanish ("D'Angelo" -> "dangelo"). Pure ASCII runs take a
 * fast path with no Unicode tables and no allocation beyond the output buffer, because
 * every record of every list passes through here.
 */
#include "amnistia/text.h"
#include "text_int.h"

#include <string.h>
#include <utf8proc.h>

enum { DROP = 0, SEP = 1 };

/* What an ASCII byte becomes: a letter or digit (lower case), SEP or DROP. */
static inline unsigned char ascii_map(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return c;
    if (c >= 'A' && c <= 'Z')
        return (unsigned char)(c | 0x20);
    if (c >= '0' && c <= '9')
        return c;
    if (c == '\'' || c == '`')
        return DROP;
    return SEP;
}

/* Apostrophe look-alikes, dropped like ' so "D’Angelo" and "D´Angelo" match "DAngelo". */
static int is_apostrophe(utf8proc_int32_t cp)
{
    return cp == 0x2019 || cp == 0x2018 || cp == 0x00B4 || cp == 0x02BC || cp == 0x02B9 ||
           cp == 0x2032 || cp == 0x02BB || cp == 0xFF07;
}

/* The writer: out->ptr[out->len] onwards, with a pending separator between words. */
struct writer {
    struct am_buf *out;
    size_t start;
    int pending;
};

static inline void put_word_byte(struct writer *w, char c)
{
    if (w->pending) {
        if (w->out->len > w->start)
            w->out->ptr[w->out->len++] = ' ';
        w->pending = 0;
    }
    w->out->ptr[w->out->len++] = c;
}

static inline void put_ascii(struct writer *w, unsigned char c)
{
    unsigned char m = ascii_map(c);
    if (m == SEP)
        w->pending = 1;
    else if (m != DROP)
        put_word_byte(w, (char)m);
}

/* A non-ASCII code point: decomposed, folded, marks stripped; letters and digits kept. */
static void put_code_point(struct writer *w, utf8proc_int32_t cp)
{
    if (is_apostrophe(cp))
        return;
    utf8proc_int32_t dst[24];
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(
        cp, dst, 24,
        UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_LUMP |
            UTF8PROC_IGNORE,
        &boundclass);
    if (n < 0 || n > 24) {
        w->pending = 1;
        return;
    }
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        utf8proc_int32_t c = dst[i];
        if (c < 0x80) {
            put_ascii(w, (unsigned char)c);
            continue;
        }
        if (is_apostrophe(c))
            continue;
        utf8proc_category_t cat = utf8proc_category(c);
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t k = utf8proc_encode_char(c, enc);
            for (utf8proc_ssize_t j = 0; j < k; j++)
                put_word_byte(w, (char)enc[j]);
        } else if (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) {
            /* Digits of other scripts fold to themselves; keep them as word bytes. */
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t k = utf8proc_encode_char(c, enc);
            for (utf8proc_ssize_t j = 0; j < k; j++)
                put_word_byte(w, (char)enc[j]);
        } else if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) {
            continue; /* a mark STRIPMARK left (none expected): still not a separator */
        } else {
            w->pending = 1;
        }
    }
}

/*
 * U+00C0..U+00FF (the second byte after 0xC3) folded to one ASCII letter, for the
 * accented letters Spanish uses; 0 sends the character through utf8proc. The answers
 * are the ones utf8proc gives (tests/text checks each one against it).
 */
static const char latin1_fold[64] = {
    'a', 'a', 'a', 'a', 'a', 'a', 0,   'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i', /* C0 */
    0,   'n', 'o', 'o', 'o', 'o', 'o', 0,   0,   'u', 'u', 'u', 'u', 'y', 0,   0,   /* D0 */
    'a', 'a', 'a', 'a', 'a', 'a', 0,   'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i', /* E0 */
    0,   'n', 'o', 'o', 'o', 'o', 'o', 0,   0,   'u', 'u', 'u', 'u', 'y', 0,   'y', /* F0 */
};

void am_name_normalize(const char *s, struct am_buf *out)
{
    if (s)
        am__text_normalize_n(s, strlen(s), out);
}

void am__text_normalize_n(const char *s, size_t len, struct am_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    /* ASCII writes at most one byte per input byte (a separator replaces one); each
     * non-ASCII character re-reserves room below before it writes. */
    am_buf_grow(out, len + 1);
    struct writer w = {out, out->len, 0};
    while (p < end) {
        if (*p < 0x80) {
            put_ascii(&w, *p++);
            continue;
        }
        if (*p == 0xC3 && end - p >= 2 && (p[1] & 0xC0) == 0x80 && latin1_fold[p[1] & 0x3F]) {
            put_word_byte(&w, latin1_fold[p[1] & 0x3F]);
            p += 2;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, end - p, &cp);
        if (n <= 0) { /* an invalid byte separates words; it is never copied */
            w.pending = 1;
            p++;
            continue;
        }
        p += n;
        am_buf_grow(out, (size_t)(end - p) + 24 * 5 + 1);
        put_code_point(&w, cp);
    }
    out->ptr[out->len] = 0;
}

void am_facility_key(const char *raw, struct am_buf *out)
{
    am_buf_reset(out);
    /* The town or state added in brackets: "INOF (Los Teques)" is INOF. */
    const char *open = strchr(raw, '(');
    char *head = open && open > raw ? am_strndup(raw, (size_t)(open - raw)) : NULL;
    am_name_normalize(head ? head : raw, out);
    am_free(head);
    if (!out->len)
        return;
    /* A leading article: "El Helicoide" is Helicoide. */
    static const char *const articles[] = {"el ", "la ", "los ", "las "};
    for (size_t i = 0; i < sizeof(articles) / sizeof(articles[0]); i++) {
        size_t n = strlen(articles[i]);
        if (out->len > n && strncmp(out->ptr, articles[i], n) == 0) {
            memmove(out->ptr, out->ptr + n, out->len - n + 1);
            out->len -= n;
            break;
        }
    }
    /* A last word in Roman numerals is the number: "Rodeo I" is Rodeo 1, "Yare II" Yare 2. */
    static const char *const roman[] = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii",
                                        "ix", "x"};
    char *sp = strrchr(out->ptr, ' ');
    if (!sp)
        return;
    for (int k = 0; k < 10; k++)
        if (strcmp(sp + 1, roman[k]) == 0) {
            out->len = (size_t)(sp + 1 - out->ptr);
            out->ptr[out->len] = 0;
            am_buf_addf(out, "%d", k + 1);
            return;
        }
}
