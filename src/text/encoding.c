/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Encodings: strict UTF-8 validation, Windows-1252 to UTF-8 conversion and the heuristic
 * that tells a Latin-1/Windows-1252 list from a damaged UTF-8 one. Government offices
 * still export spreadsheets in Windows-1252; this is where such bytes become text. It
 * does not guess any other encoding.
 */
#include "amnistia/text.h"

/*
 * Windows-1252 0x80-0x9F. The five bytes the code page leaves undefined (0x81, 0x8D,
 * 0x8F, 0x90, 0x9D) map to the C1 control of the same value, as the WHATWG encoding
 * standard does, so no byte is ever lost.
 */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80-87 */
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F, /* 88-8F */
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90-97 */
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, /* 98-9F */
};

long am_utf8_invalid_at(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return (long)i; /* continuation byte, overlong lead C0/C1, or F5-FF */
        }
        if (len - i <= need)
            return (long)i;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return (long)i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return (long)i;
        i += need + 1;
    }
    return -1;
}

static void add_code_point(struct am_buf *out, uint32_t cp)
{
    char b[3];
    if (cp < 0x80) {
        am_buf_addc(out, (char)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        am_buf_add(out, b, 2);
    } else {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        am_buf_add(out, b, 3);
    }
}

void am_cp1252_to_utf8(const char *str, size_t len, struct am_buf *out)
{
    const unsigned char *s = (const unsigned char *)str;
    am_buf_grow(out, len + len / 2);
    size_t run = 0; /* start of the pending ASCII run, copied in one go */
    for (size_t i = 0; i < len; i++) {
        if (s[i] < 0x80)
            continue;
        am_buf_add(out, s + run, i - run);
        run = i + 1;
        add_code_point(out, s[i] < 0xA0 ? cp1252_high[s[i] - 0x80] : s[i]);
    }
    am_buf_add(out, s + run, len - run);
}

/* Bytes of Windows-1252 that Spanish text uses: letters with accents, ñ, ü, ¿ ¡ º ª °,
 * typographic quotes and dashes, the euro sign and the ellipsis. */
static int spanish_high_byte(unsigned char c)
{
    switch (c) {
    case 0x80: case 0x85: case 0x91: case 0x92: case 0x93: case 0x94: case 0x96: case 0x97:
    case 0xA1: case 0xAA: case 0xB0: case 0xB4: case 0xBA: case 0xBF:
    case 0xC1: case 0xC9: case 0xCD: case 0xD1: case 0xD3: case 0xDA: case 0xDC:
    case 0xE1: case 0xE9: case 0xED: case 0xF1: case 0xF3: case 0xFA: case 0xFC:
    case 0xC0: case 0xC8: case 0xCC: case 0xD2: case 0xD9: case 0xC7: case 0xE7:
    case 0xE0: case 0xE8: case 0xEC: case 0xF2: case 0xF9: case 0xE4: case 0xEB:
    case 0xEF: case 0xF6: case 0xC4: case 0xCB: case 0xCF: case 0xD6: case 0xE2:
    case 0xEA: case 0xEE: case 0xF4: case 0xFB: case 0xE3: case 0xF5:
        return 1;
    default:
        return 0;
    }
}

int am_looks_like_cp1252(const char *str, size_t len)
{
    if (am_utf8_invalid_at(str, len) < 0)
        return 0; /* valid UTF-8: nothing to convert */
    const unsigned char *s = (const unsigned char *)str;
    size_t high = 0, spanish = 0, letters = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
            return 0; /* binary, not text in any code page */
        if (c >= 0x80) {
            high++;
            spanish += (size_t)spanish_high_byte(c);
        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            letters++;
        }
    }
    /* Spanish text is mostly ASCII letters with a few accented ones; random bytes or
     * another code page put many unusual high bytes in. */
    return high > 0 && spanish * 10 >= high * 9 && letters * 2 >= high;
}
