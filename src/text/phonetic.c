/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A Spanish phonetic key: two spellings that a Venezuelan clerk would pronounce the same
 * get the same key ("Yuleisy"/"Yuleisi", "Jeferson"/"Geferson", "Xiomara"/"Siomara",
 * "Stephany"/"Estefani"). One pass over a normalised token, no allocation beyond the
 * output buffer: linkage computes it for every record and blocks on it.
 */
#include "amnistia/text.h"

#include <string.h>

static int is_front_vowel(char c)
{
    return c == 'e' || c == 'i' || c == 'y';
}

static int is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static int is_consonant(char c)
{
    return c >= 'a' && c <= 'z' && !is_vowel(c) && c != 'y' && c != 'h';
}

/*
 * The rules, in the order they are tried at each position (s[i] is the current letter):
 *
 *   spaces                  dropped: a particle compound "de la cruz" keys as "delakrus"
 *   initial s + consonant   "es": Stephany = Estefany, Sthefany = Esthefany
 *   ph                      f       (Stephany = Estefany)
 *   th                      t       (Thais = Tais)
 *   ch                      C       (one symbol: Chávez, never k or s)
 *   sh                      C       (Shirley ~ Chirley, as Venezuelan Spanish says it)
 *   h                       silent  (Hernández = Ernández, Yohana = Yoana)
 *   c + e/i/y               s       (Cecilia = Sesilia)
 *   c otherwise             k       (Carlos = Karlos)
 *   qu + e/i                k       (Quintero = Kintero); q otherwise k
 *   k                       k
 *   g + e/i/y               j       (Gerardo = Jerardo)
 *   gu + e/i                g       (Guillermo = Gillermo; ü is already u)
 *   j                       j
 *   b, v                    b       (Víctor = Bíctor)
 *   w, wu + vowel           w       (Wilmer = Wuilmer)
 *   z, s                    s       (Zambrano = Sambrano)
 *   x at the start          s       (Xiomara = Siomara)
 *   x elsewhere             ks      (Maximiliano = Maksimiliano)
 *   ll                      y       (Llovera = Yovera)
 *   y + vowel               y       (Yolanda)
 *   y otherwise             i       (Mayra = Maira, Rey = Rei, Yris = Iris)
 *   doubled symbols         one     (Yenny = Yeni, Isaac = Isak, Carrasco = Karasko)
 *
 * Other letters and digits are kept; bytes above 0x7F (letters of other scripts, which
 * normalisation keeps) are copied unchanged.
 */
void am_phonetic_key(const char *token, struct am_buf *out)
{
    if (!token)
        return;
    size_t len = strlen(token);
    /* At most two symbols per input letter (x -> ks, the initial e), plus the NUL. */
    am_buf_grow(out, 2 * len + 2);
    char *o = out->ptr + out->len;
    char *start = o;
    char last = 0;
    const char *s = token;
    size_t i = 0;
#define EMIT(ch)                   \
    do {                           \
        char c_ = (ch);            \
        if (c_ != last)            \
            *o++ = c_;             \
        last = c_;                 \
    } while (0)

    while (i < len) {
        char c = s[i];
        char n1 = i + 1 < len ? s[i + 1] : 0;
        char n2 = i + 2 < len ? s[i + 2] : 0;
        if (c == ' ') {
            i++;
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            c = (char)(c | 0x20); /* tolerate keys of unnormalised input */
        if (n1 >= 'A' && n1 <= 'Z')
            n1 = (char)(n1 | 0x20);
        if (n2 >= 'A' && n2 <= 'Z')
            n2 = (char)(n2 | 0x20);
        int at_start = o == start;
        switch (c) {
        case 's':
            if (at_start && is_consonant(n1) && n1 != 's')
                EMIT('e');
            if (n1 == 'h') {
                EMIT('C');
                i += 2;
                continue;
            }
            EMIT('s');
            break;
        case 'p':
            if (n1 == 'h') {
                EMIT('f');
                i += 2;
                continue;
            }
            EMIT('p');
            break;
        case 't':
            EMIT('t');
            if (n1 == 'h') {
                i += 2;
                continue;
            }
            break;
        case 'c':
            if (n1 == 'h') {
                EMIT('C');
                i += 2;
                continue;
            }
            EMIT(is_front_vowel(n1) ? 's' : 'k');
            break;
        case 'h':
            break; /* silent; ch, sh, ph and th were taken above */
        case 'q':
            EMIT('k');
            if (n1 == 'u' && is_front_vowel(n2)) {
                i += 2;
                continue;
            }
            break;
        case 'k':
            EMIT('k');
            break;
        case 'g':
            if (is_front_vowel(n1)) {
                EMIT('j');
            } else if (n1 == 'u' && is_front_vowel(n2)) {
                EMIT('g');
                i += 2;
                continue;
            } else {
                EMIT('g');
            }
            break;
        case 'b':
        case 'v':
            EMIT('b');
            break;
        case 'w':
            EMIT('w');
            if (n1 == 'u' && (is_vowel(n2) || n2 == 'y') && n2 != 'u') {
                i += 2;
                continue;
            }
            break;
        case 'z':
            EMIT('s');
            break;
        case 'x':
            if (at_start) {
                EMIT('s');
            } else {
                EMIT('k');
                EMIT('s');
            }
            break;
        case 'l':
            if (n1 == 'l') {
                EMIT('y');
                i += 2;
                continue;
            }
            EMIT('l');
            break;
        case 'y':
            EMIT(is_vowel(n1) ? 'y' : 'i');
            break;
        default:
            EMIT(c);
            break;
        }
        i++;
    }
#undef EMIT
    out->len = (size_t)(o - out->ptr);
    out->ptr[out->len] = 0;
}
