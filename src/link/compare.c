/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Field comparisons: two loaded records to one comparison level per field, packed in a
 * pattern. Token equality is an integer compare; edit distances and Jaro-Winkler (text/)
 * run only when interned tokens differ. The weights of the levels are not here (model.c).
 */
#include "link_int.h"

#include <string.h>

#include "amnistia/text.h"

static const char *const field_names[AM_LF__COUNT] = {
    "given_names", "surnames", "cedula", "birth_date", "sex", "place",
};
static const char *const level_names[AM_LL__COUNT] = {
    "exact", "close", "far", "different", "missing",
};

/* Which levels each field uses, and what they mean. NULL: the level never occurs. */
static const char *const meanings[AM_LF__COUNT][AM_LL__COUNT] = {
    [AM_LF_GIVEN] = {"the same given names",
                     "one list gives fewer given names, or a typo (one edit)",
                     "the first names sound alike or one is the other's second name",
                     "different given names", "a list gives no given name"},
    [AM_LF_SURNAMES] = {"the same surnames (in any order)",
                        "one list gives fewer surnames or the married name, or a typo",
                        "one surname in common, another different",
                        "no surname in common", "a list gives no surname"},
    [AM_LF_CEDULA] = {"the same cédula number", "one digit off or two digits swapped", NULL,
                      "different cédula numbers", "a list gives no cédula"},
    [AM_LF_BIRTH] = {"the same birth date",
                     "day and month swapped, or one of day, month, year different", NULL,
                     "different birth dates", "a list gives no birth date"},
    [AM_LF_SEX] = {"the same sex", NULL, NULL, "different sex", "a list gives no sex"},
    [AM_LF_PLACE] = {"the same facility", "the same state, not the same facility", NULL,
                     "different state", "a list gives no place"},
};

const char *am_link_field_name(enum am_link_field f)
{
    return (unsigned)f < AM_LF__COUNT ? field_names[f] : "?";
}

const char *am_link_level_name(enum am_link_level l)
{
    return (unsigned)l < AM_LL__COUNT ? level_names[l] : "?";
}

const char *am_link_level_meaning(enum am_link_field f, enum am_link_level l)
{
    if ((unsigned)f >= AM_LF__COUNT || (unsigned)l >= AM_LL__COUNT || !meanings[f][l])
        return "";
    return meanings[f][l];
}

int am__link_level_used(int field, int level)
{
    return field >= 0 && field < AM_LF__COUNT && level >= 0 && level < AM_LL__COUNT &&
           meanings[field][level] != NULL;
}

/* Two tokens: 2 the same, 1 alike (one edit on a word of four letters or more, or the
 * same Spanish phonetic key), 0 different. */
static int token_match(const struct am__link_records *r, uint32_t a, uint32_t b)
{
    if (!a || !b)
        return 0;
    if (a == b)
        return 2;
    if (r->tok.phon.v[a] == r->tok.phon.v[b])
        return 1;
    const char *sa = r->tok.str.v[a], *sb = r->tok.str.v[b];
    size_t la = strlen(sa), lb = strlen(sb);
    if (la < 4 || lb < 4 || (la > lb ? la - lb : lb - la) > 1)
        return 0;
    return am_damerau_levenshtein(sa, sb) <= 1;
}

static int cmp_given(const struct am__link_records *r, uint32_t a, uint32_t b)
{
    int na = r->n_given[a], nb = r->n_given[b];
    if (!na || !nb)
        return AM_LL_MISSING;
    if (r->given_key[a] == r->given_key[b])
        return AM_LL_EXACT;
    const uint32_t *ga = r->given[a], *gb = r->given[b];
    /* Every name of the shorter side found in the other (exactly or by one typo). */
    const uint32_t *s = na <= nb ? ga : gb, *l = na <= nb ? gb : ga;
    int ns = na <= nb ? na : nb, nl = na <= nb ? nb : na;
    int all = 1, any = 0;
    for (int i = 0; i < ns; i++) {
        int best = 0;
        for (int j = 0; j < nl && best < 2; j++) {
            int t = token_match(r, s[i], l[j]);
            if (t > best)
                best = t;
        }
        if (best)
            any = 1;
        else
            all = 0;
    }
    if (all && token_match(r, ga[0], gb[0]))
        return AM_LL_CLOSE;
    if (any)
        return AM_LL_FAR;
    /* An initial written for a name ("J." for José). */
    const char *fa = r->tok.str.v[ga[0]], *fb = r->tok.str.v[gb[0]];
    if ((fa[1] == 0 || fb[1] == 0) && fa[0] == fb[0])
        return AM_LL_FAR;
    return AM_LL_DIFFERENT;
}

static int cmp_surnames(const struct am__link_records *r, uint32_t a, uint32_t b)
{
    int na = r->n_sur[a], nb = r->n_sur[b];
    const uint32_t *sa = r->sur[a], *sb = r->sur[b];
    int ma = sa[2] != 0, mb = sb[2] != 0;
    if ((!na && !ma) || (!nb && !mb))
        return AM_LL_MISSING;
    if (na && na == nb && r->sur_key[a] == r->sur_key[b] && (!ma || !mb || sa[2] == sb[2]))
        return AM_LL_EXACT;
    /* The side with fewer surnames (married name included on the other side). */
    int a_short = (na + ma) <= (nb + mb);
    const uint32_t *s = a_short ? sa : sb, *l = a_short ? sb : sa;
    int ns = a_short ? na : nb, nl = a_short ? nb : na;
    uint32_t st[3];
    int k = 0;
    for (int i = 0; i < ns; i++)
        st[k++] = s[i];
    if (s[2])
        st[k++] = s[2];
    int exact = 0, alike = 0, unmatched = 0;
    for (int i = 0; i < k; i++) {
        int best = 0;
        for (int j = 0; j < nl && best < 2; j++) {
            int t = token_match(r, st[i], l[j]);
            if (t > best)
                best = t;
        }
        if (best < 2 && l[2]) {
            int t = token_match(r, st[i], l[2]);
            if (t > best)
                best = t;
        }
        if (best == 2)
            exact++;
        else if (best == 1)
            alike++;
        else
            unmatched++;
    }
    /* A married name on the shorter side only counts when it is the one that matches. */
    if (!unmatched)
        return AM_LL_CLOSE;
    if (s[2] && unmatched == 1 && exact + alike >= 1 && ns >= 1) {
        /* "perez de gonzalez" vs "perez": the maiden surname matched, married absent. */
        int maiden_ok = 0;
        for (int j = 0; j < nl; j++)
            if (token_match(r, s[0], l[j]))
                maiden_ok = 1;
        if (maiden_ok && nl <= 1)
            return AM_LL_CLOSE;
    }
    if (exact + alike >= 1)
        return AM_LL_FAR;
    return AM_LL_DIFFERENT;
}

int am__link_cmp_cedula(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen)
{
    if (!a || !b)
        return AM_LL_MISSING;
    if (a == b)
        return AM_LL_EXACT;
    char da[12], db[12];
    int la = 0, lb = 0;
    for (uint32_t v = a; v; v /= 10)
        da[la++] = (char)('0' + v % 10);
    for (uint32_t v = b; v; v /= 10)
        db[lb++] = (char)('0' + v % 10);
    (void)alen;
    (void)blen;
    if (la == lb) {
        int diff[3], nd = 0;
        for (int i = 0; i < la; i++)
            if (da[i] != db[i]) {
                if (nd == 2)
                    return AM_LL_DIFFERENT;
                diff[nd++] = i;
            }
        if (nd == 1)
            return AM_LL_CLOSE;
        /* Two adjacent digits swapped. */
        if (nd == 2 && diff[1] == diff[0] + 1 && da[diff[0]] == db[diff[1]] &&
            da[diff[1]] == db[diff[0]])
            return AM_LL_CLOSE;
        return AM_LL_DIFFERENT;
    }
    /* One digit dropped or added. */
    if (la - lb == 1 || lb - la == 1) {
        const char *lo = la > lb ? da : db, *sh = la > lb ? db : da;
        int nl = la > lb ? la : lb;
        int i = 0, j = 0, skipped = 0;
        while (i < nl) {
            if (j < nl - 1 && lo[i] == sh[j]) {
                i++;
                j++;
            } else if (!skipped) {
                skipped = 1;
                i++;
            } else
                return AM_LL_DIFFERENT;
        }
        return AM_LL_CLOSE;
    }
    return AM_LL_DIFFERENT;
}

int am__link_cmp_birth(int32_t a, int32_t b)
{
    if (a == AM__LINK_MISSING_DATE || b == AM__LINK_MISSING_DATE)
        return AM_LL_MISSING;
    if (a == b)
        return AM_LL_EXACT;
    int ya, ma, da, yb, mb, db;
    am_civil_from_days(a, &ya, &ma, &da);
    am_civil_from_days(b, &yb, &mb, &db);
    if (ya == yb && ma == db && da == mb)
        return AM_LL_CLOSE;
    int off = (ya != yb) + (ma != mb) + (da != db);
    return off == 1 ? AM_LL_CLOSE : AM_LL_DIFFERENT;
}

static int cmp_place(const struct am__link_records *r, uint32_t a, uint32_t b)
{
    uint32_t fa = r->facility[a], fb = r->facility[b], sa = r->state[a], sb = r->state[b];
    if (fa && fb && fa == fb)
        return AM_LL_EXACT;
    if (sa && sb)
        return sa == sb ? AM_LL_CLOSE : AM_LL_DIFFERENT;
    /* Two facilities named and no states: different places. */
    return (fa && fb) ? AM_LL_DIFFERENT : AM_LL_MISSING;
}

am__link_pattern am__link_compare(const struct am__link_records *r, uint32_t a, uint32_t b)
{
    int lv[AM_LF__COUNT];
    lv[AM_LF_GIVEN] = cmp_given(r, a, b);
    lv[AM_LF_SURNAMES] = cmp_surnames(r, a, b);
    lv[AM_LF_CEDULA] = am__link_cmp_cedula(r->cedula[a], r->cedula_len[a], r->cedula[b],
                                           r->cedula_len[b]);
    lv[AM_LF_BIRTH] = am__link_cmp_birth(r->birth[a], r->birth[b]);
    lv[AM_LF_SEX] = (!r->sex[a] || !r->sex[b]) ? AM_LL_MISSING
                    : r->sex[a] == r->sex[b]   ? AM_LL_EXACT
                                               : AM_LL_DIFFERENT;
    lv[AM_LF_PLACE] = cmp_place(r, a, b);
    am__link_pattern p = 0;
    for (int f = 0; f < AM_LF__COUNT; f++)
        p |= (am__link_pattern)lv[f] << (AM__LINK_PATTERN_BITS * f);
    return p;
}
