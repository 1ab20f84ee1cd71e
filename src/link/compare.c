/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Field comparisons: two loaded records to one comparison level per field, packed in a
 * pattern. Token equality is an integer compare; edit distances and Jaro-Winkler (text/)
 * run only when interned tokens differ. The weights of the levels are not here (model.c).
 */
#include "link_int.h"

#include <stdlib.h>
#include <string.h>

#include "amnistia/text.h"

static const char *const field_names[AM_LF__COUNT] = {
    "given_names", "surnames", "cedula", "birth_date", "sex", "place", "arrest_date",
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
    [AM_LF_ARREST] = {"the same arrest date",
                      "arrest dates a week apart at most, or day and month swapped",
                      "arrest dates two months apart at most", "different arrest dates",
                      "a list gives no arrest date"},
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

/* At most one edit (substitution, insertion, deletion or two adjacent letters swapped)
 * between a and b: the same answer as Damerau-Levenshtein <= 1, in one pass. */
static int within_one_edit(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > lb) {
        const char *t = a;
        a = b;
        b = t;
        size_t tl = la;
        la = lb;
        lb = tl;
    }
    size_t i = 0;
    while (i < la && a[i] == b[i])
        i++;
    if (i == la)
        return lb - la <= 1;
    if (la == lb) {
        /* One substitution, or a swap of i and i+1. */
        if (memcmp(a + i + 1, b + i + 1, la - i - 1) == 0)
            return 1;
        return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
               memcmp(a + i + 2, b + i + 2, la - i - 2) == 0;
    }
    /* lb == la + 1: b has one letter more at i. */
    return memcmp(a + i, b + i + 1, la - i) == 0;
}

#ifndef NDEBUG
/* Word x of packed record a against word y of b (the reference for debug builds; the
 * pair loop in cmp_names_at computes the same without branches): 2 the same, 1 alike (one edit on a word
 * of four letters or more, or the same Spanish phonetic key), 0 different. Read from what
 * the packed records carry: the strings only when one edit is still possible (the
 * letters of two words one edit apart differ by at most two bits of their sets). */
static int word_match(const struct am__link_records *r, const struct am__link_crec *a, int x,
                      const struct am__link_crec *b, int y)
{
    uint32_t ta = a->t[x], tb = b->t[y];
    if (!ta || !tb)
        return 0;
    if (ta == tb)
        return 2;
    if (a->ph[x] == b->ph[y])
        return 1;
    unsigned la = a->tl[x], lb = b->tl[y];
    uint32_t d = a->lm[x] ^ b->lm[y];
    d &= d - 1;
    d &= d - 1; /* zero when at most two bits differ */
    if (la < 4 || lb < 4 || la == 255 || lb == 255 || (la > lb ? la - lb : lb - la) > 1 || d)
        return 0;
    return within_one_edit(r->tok.str.v[ta], la, r->tok.str.v[tb], lb);
}
#endif

/* A word's letters as a set of bits (see word_match). */
static uint32_t letter_mask(const char *s)
{
    uint32_t m = 0;
    for (; *s; s++)
        m |= 1u << ((unsigned char)*s & 31u);
    return m;
}

/* A reading of a record's name. A name like "GUSTAVO LANDAETA AZUAJE" (three words, no
 * comma, no case hint) has two readings: two given names and one surname, or one given
 * name and two surnames. */
#define view am__link_view

static void sort_small(uint32_t *x, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && x[j - 1] > x[j]; j--) {
            uint32_t t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
}

/* Fills the sorted copies of a view whose g, s, ng and ns are set. */
static void view_finish(struct view *v)
{
    memcpy(v->gs, v->g, sizeof(v->gs));
    sort_small(v->gs, v->ng);
    memcpy(v->ss, v->s, sizeof(v->ss));
    sort_small(v->ss, v->ns);
}

static int same_view(const struct view *a, const struct view *b)
{
    return a->ng == b->ng && a->ns == b->ns && a->married == b->married &&
           !memcmp(a->g, b->g, sizeof(a->g)) && !memcmp(a->s, b->s, sizeof(a->s));
}

/* Every reading of a record's name: the parser's, and for a name whose order nobody
 * stated (no comma, no case contrast, no separate columns), the others a list could have
 * meant: given names first with one or two surnames last, or one or two surnames first.
 * Returns how many were written (1 to 5). */
static int views_of(const struct am__link_crec *c, struct view v[5])
{
    v[0] = c->v;
    int n = 1, nw = c->nw;
    if (!nw)
        return 1;
    const uint32_t *w = c->t;
    for (int spec = 0; spec < 4; spec++) {
        int sur_first = spec >= 2, ns = 1 + (spec & 1);
        if (ns >= nw)
            continue;
        struct view t;
        memset(&t, 0, sizeof(t));
        t.ns = (uint8_t)ns;
        int ng = nw - ns < AM__LINK_NGIVEN ? nw - ns : AM__LINK_NGIVEN;
        for (int k = 0; k < ns; k++) {
            t.si[k] = (uint8_t)(sur_first ? k : nw - ns + k);
            t.s[k] = w[t.si[k]];
        }
        for (int k = 0; k < ng; k++) {
            t.gi[k] = (uint8_t)(sur_first ? ns + k : k);
            t.g[k] = w[t.gi[k]];
        }
        t.ng = (uint8_t)ng;
        int dup = 0;
        for (int k = 0; k < n && !dup; k++)
            dup = same_view(&t, &v[k]);
        if (!dup) {
            view_finish(&t);
            v[n++] = t;
        }
    }
    return n;
}

/* Same tokens in any order: a and b are the views' ascending copies (at most three;
 * the unused slots are zero on both sides). */
static int same_set(const uint32_t *a, int na, const uint32_t *b, int nb)
{
    if (na != nb || !na)
        return 0;
    for (int i = 0; i < na; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

#ifndef NDEBUG
/* The word-by-word comparisons: the reference that the bit-set comparisons below are
 * checked against in debug builds. */
/* One pair's token comparisons, each made at most once whatever the readings tried:
 * memo[i][j] is word_match of word i of record a and word j of record b. */
struct pairctx {
    const struct am__link_records *r;
    const struct am__link_crec *a, *b;
    uint8_t memo[6][6];
};

static int tm(struct pairctx *c, int ia, int ib)
{
    uint8_t v = c->memo[ia][ib];
    if (v == 0xff) {
        v = (uint8_t)word_match(c->r, c->a, ia, c->b, ib);
        c->memo[ia][ib] = v;
    }
    return v;
}

/* word_match of word x of one side and word y of the other; a_first: x is a's. */
static int tm_side(struct pairctx *c, int a_first, int x, int y)
{
    return a_first ? tm(c, x, y) : tm(c, y, x);
}

static int cmp_given(struct pairctx *c, const struct view *va, const struct view *vb)
{
    int na = va->ng, nb = vb->ng;
    if (!na || !nb)
        return AM_LL_MISSING;
    if (same_set(va->gs, na, vb->gs, nb))
        return AM_LL_EXACT;
    /* Every name of the shorter side found in the other (exactly or by one typo). */
    int a_short = na <= nb;
    const uint8_t *s = a_short ? va->gi : vb->gi, *l = a_short ? vb->gi : va->gi;
    int ns = a_short ? na : nb, nl = a_short ? nb : na;
    int all = 1, any = 0;
    for (int i = 0; i < ns; i++) {
        int best = 0;
        for (int j = 0; j < nl && best < 2; j++) {
            int t = tm_side(c, a_short, s[i], l[j]);
            if (t > best)
                best = t;
        }
        if (best)
            any = 1;
        else
            all = 0;
    }
    if (all && tm(c, va->gi[0], vb->gi[0]))
        return AM_LL_CLOSE;
    if (any)
        return AM_LL_FAR;
    /* An initial written for a name ("J." for José). */
    const struct am__link_crec *ra = c->a, *rb = c->b;
    int xa = va->gi[0], xb = vb->gi[0];
    if ((ra->tl[xa] == 1 || rb->tl[xb] == 1) && ra->c0[xa] == rb->c0[xb])
        return AM_LL_FAR;
    return AM_LL_DIFFERENT;
}

static int cmp_surnames(struct pairctx *c, const struct view *va, const struct view *vb)
{
    int na = va->ns, nb = vb->ns;
    int ma = va->married != 0, mb = vb->married != 0;
    if ((!na && !ma) || (!nb && !mb))
        return AM_LL_MISSING;
    if (same_set(va->ss, na, vb->ss, nb) && (!ma || !mb || va->married == vb->married))
        return AM_LL_EXACT;
    /* The side with fewer surnames (married name included on the other side). */
    int a_short = (na + ma) <= (nb + mb);
    const struct view *sv = a_short ? va : vb, *lv = a_short ? vb : va;
    int ns = sv->ns, nl = lv->ns;
    uint8_t st[3];
    int k = 0;
    for (int i = 0; i < ns; i++)
        st[k++] = sv->si[i];
    if (sv->married)
        st[k++] = sv->mi;
    int exact = 0, alike = 0, unmatched = 0;
    for (int i = 0; i < k; i++) {
        int best = 0;
        for (int j = 0; j < nl && best < 2; j++) {
            int t = tm_side(c, a_short, st[i], lv->si[j]);
            if (t > best)
                best = t;
        }
        if (best < 2 && lv->married) {
            int t = tm_side(c, a_short, st[i], lv->mi);
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
    if (!unmatched)
        return AM_LL_CLOSE;
    if (sv->married && unmatched == 1 && ns >= 1 && nl <= 1) {
        /* "perez de gonzalez" vs "perez": the maiden surname matched, married absent. */
        for (int j = 0; j < nl; j++)
            if (tm_side(c, a_short, sv->si[0], lv->si[j]))
                return AM_LL_CLOSE;
    }
    if (exact + alike >= 1) {
        /* "urdaneta de suarez" vs "urdaneta salazar": see married_for_mothers. */
        for (int side = 0; side < 2; side++) {
            const struct view *mv = side ? vb : va, *ov = side ? va : vb;
            if (mv->married && !ov->married && mv->ns == 1 && ov->ns == 2 &&
                tm_side(c, !side, mv->si[0], ov->si[0]) &&
                !tm_side(c, !side, mv->mi, ov->si[0]) && !tm_side(c, !side, mv->mi, ov->si[1]))
                return AM_LL_CLOSE;
        }
        return AM_LL_FAR;
    }
    return AM_LL_DIFFERENT;
}
#endif

/* A married woman writes her father's surname and "de" her husband's, and drops her
 * mother's: "Irene Urdaneta de Suárez" is "Irene Urdaneta Salazar" of another list. The
 * maiden surname against the other's first surname, the husband's found in neither:
 * one list gives the married name, the other the second surname (close, not one surname
 * in common and another different). like_m: the married side's row of word matches. */
static int married_for_mothers(const uint8_t *like_m, const struct view *mv,
                               const struct view *ov)
{
    if (!mv->married || ov->married || mv->ns != 1 || ov->ns != 2)
        return 0;
    uint8_t both = (uint8_t)(1u << ov->si[0] | 1u << ov->si[1]);
    return ((like_m[mv->si[0]] >> ov->si[0]) & 1u) && !(like_m[mv->mi] & both);
}

/* The same levels as cmp_given and cmp_surnames, from the pair's whole table of word
 * matches as bit sets: like[i] holds the words j of b alike (or equal) to word i of a,
 * like_t[j] the words i of a alike to word j of b. Only whether a word finds a partner
 * matters to either level, so each test is one AND; used for the other readings of a
 * name whose order is a guess, where a pair tries up to 25 of them. */
static uint8_t word_bits(const uint8_t *pos, int n)
{
    uint8_t m = 0;
    for (int k = 0; k < n; k++)
        m |= (uint8_t)(1u << pos[k]);
    return m;
}

static int cmp_given_bits(const struct am__link_crec *ra, const struct am__link_crec *rb,
                          const uint8_t *like, const uint8_t *like_t, const struct view *va,
                          const struct view *vb)
{
    int na = va->ng, nb = vb->ng;
    if (!na || !nb)
        return AM_LL_MISSING;
    if (same_set(va->gs, na, vb->gs, nb))
        return AM_LL_EXACT;
    int all = 1, any = 0;
    if (na <= nb) {
        uint8_t gb = word_bits(vb->gi, nb);
        for (int k = 0; k < na; k++) {
            int f = (like[va->gi[k]] & gb) != 0;
            any |= f;
            all &= f;
        }
    } else {
        uint8_t ga = word_bits(va->gi, na);
        for (int k = 0; k < nb; k++) {
            int f = (like_t[vb->gi[k]] & ga) != 0;
            any |= f;
            all &= f;
        }
    }
    if (all && ((like[va->gi[0]] >> vb->gi[0]) & 1u))
        return AM_LL_CLOSE;
    if (any)
        return AM_LL_FAR;
    int xa = va->gi[0], xb = vb->gi[0];
    if ((ra->tl[xa] == 1 || rb->tl[xb] == 1) && ra->c0[xa] == rb->c0[xb])
        return AM_LL_FAR;
    return AM_LL_DIFFERENT;
}

static int cmp_surnames_bits(const uint8_t *like, const uint8_t *like_t, const struct view *va,
                             const struct view *vb)
{
    int na = va->ns, nb = vb->ns;
    int ma = va->married != 0, mb = vb->married != 0;
    if ((!na && !ma) || (!nb && !mb))
        return AM_LL_MISSING;
    if (same_set(va->ss, na, vb->ss, nb) && (!ma || !mb || va->married == vb->married))
        return AM_LL_EXACT;
    int a_short = (na + ma) <= (nb + mb);
    const struct view *sv = a_short ? va : vb, *lv = a_short ? vb : va;
    const uint8_t *row = a_short ? like : like_t; /* indexed by the short side's words */
    int ns = sv->ns, nl = lv->ns;
    uint8_t lsur = word_bits(lv->si, nl);
    uint8_t lall = (uint8_t)(lsur | (lv->married ? 1u << lv->mi : 0u));
    int matched = 0, unmatched = 0;
    for (int k = 0; k < ns; k++) {
        int f = (row[sv->si[k]] & lall) != 0;
        matched += f;
        unmatched += !f;
    }
    if (sv->married) {
        int f = (row[sv->mi] & lall) != 0;
        matched += f;
        unmatched += !f;
    }
    if (!unmatched)
        return AM_LL_CLOSE;
    if (sv->married && unmatched == 1 && ns >= 1 && nl <= 1 && (row[sv->si[0]] & lsur))
        return AM_LL_CLOSE;
    if (matched) {
        if (married_for_mothers(like, va, vb) || married_for_mothers(like_t, vb, va))
            return AM_LL_CLOSE;
        return AM_LL_FAR;
    }
    return AM_LL_DIFFERENT;
}

/* Lower is better: how strongly a level says "same". */
static const int level_rank[AM_LL__COUNT] = {0, 1, 2, 4, 3};

/* Names under each reading of the two records; the best agreement wins (a list's
 * ambiguous word order must not count against the pair). */
static void cmp_names_at(const struct am__link_records *r, const struct am__link_crec *a,
                         const struct am__link_crec *b, int *lg, int *ls, struct view *ua,
                         struct view *ub, struct am__link_views *xa, struct am__link_views *xb)
{
    const struct view *pa = &a->v, *pb = &b->v;
    if (ua) {
        *ua = *pa;
        *ub = *pb;
    }
    /* The same given names and surnames under the parser's readings: nothing to look at
     * word by word. */
    if (pa->ng && same_set(pa->gs, pa->ng, pb->gs, pb->ng) && pa->ns &&
        same_set(pa->ss, pa->ns, pb->ss, pb->ns) &&
        (!pa->married || !pb->married || pa->married == pb->married)) {
        *lg = *ls = AM_LL_EXACT;
        return;
    }
    /* Every word of a against every word of b, once, as bit sets: word_match without
     * branches except for the rare pair of words that may be one edit apart. */
    uint8_t like[6] = {0}, like_t[6] = {0};
    for (int i = 0; i < a->nt; i++) {
        uint32_t ta = a->t[i], pha = a->ph[i], ma = a->lm[i];
        unsigned la = a->tl[i];
        int a_edit = (la >= 4) & (la != 255) & (ta != 0);
        for (int j = 0; j < b->nt; j++) {
            uint32_t tb = b->t[j];
            unsigned lb = b->tl[j];
            int same = (ta == tb) | (pha == b->ph[j]);
            uint32_t d = ma ^ b->lm[j];
            d &= d - 1;
            d &= d - 1;
            int edit = (same == 0) & a_edit & (lb >= 4) & (lb != 255) & (la - lb + 1u <= 2u) &
                       (d == 0);
            int m = (same | (edit && within_one_edit(r->tok.str.v[ta], la, r->tok.str.v[tb], lb))) &
                    (ta != 0) & (tb != 0);
#ifndef NDEBUG
            if (m != (word_match(r, a, i, b, j) != 0))
                abort();
#endif
            like[i] |= (uint8_t)((unsigned)m << j);
            like_t[j] |= (uint8_t)((unsigned)m << i);
        }
    }
#ifndef NDEBUG
    /* The bit sets give what the word-by-word comparisons give (checked in the tests'
     * debug builds on every reading of every pair they compare). */
    struct pairctx c;
    c.r = r;
    c.a = a;
    c.b = b;
    memset(c.memo, 0xff, sizeof(c.memo));
#define CHECK_READING(x, y)                                                                \
    do {                                                                                   \
        if (cmp_given_bits(a, b, like, like_t, (x), (y)) != cmp_given(&c, (x), (y)) ||     \
            cmp_surnames_bits(like, like_t, (x), (y)) != cmp_surnames(&c, (x), (y)))       \
            abort();                                                                       \
    } while (0)
#else
#define CHECK_READING(x, y) ((void)0)
#endif
    int best;
    /* The parser's readings first; the others only when they are not already exact. */
    {
        CHECK_READING(pa, pb);
        int g = cmp_given_bits(a, b, like, like_t, pa, pb);
        int s = cmp_surnames_bits(like, like_t, pa, pb);
        best = level_rank[g] + level_rank[s];
        *lg = g;
        *ls = s;
        if (best == 0 || (!a->nw && !b->nw))
            return;
    }
    /* Another reading can only help when some word of one record is like some word of
     * the other. */
    {
        uint8_t wb = (uint8_t)(word_bits(pb->gi, pb->ng) | word_bits(pb->si, pb->ns));
        int any = 0;
        for (int x = 0; x < pa->ng; x++)
            any |= (like[pa->gi[x]] & wb) != 0;
        for (int x = 0; x < pa->ns; x++)
            any |= (like[pa->si[x]] & wb) != 0;
        if (!any)
            return;
    }
    if (!xa->n)
        xa->n = views_of(a, xa->v);
    if (!xb->n)
        xb->n = views_of(b, xb->v);
    const struct view *va = xa->v, *vb = xb->v;
    int na = xa->n, nb = xb->n;
    for (int x = 0; x < na; x++)
        for (int y = 0; y < nb; y++) {
            if (!x && !y)
                continue;
            CHECK_READING(&va[x], &vb[y]);
            int g = cmp_given_bits(a, b, like, like_t, &va[x], &vb[y]);
            if (level_rank[g] >= best)
                continue; /* the surnames cannot make up for it */
            int s = cmp_surnames_bits(like, like_t, &va[x], &vb[y]);
            int score = level_rank[g] + level_rank[s];
            if (score < best) {
                best = score;
                *lg = g;
                *ls = s;
                if (ua) {
                    *ua = va[x];
                    *ub = vb[y];
                }
            }
            if (best == 0)
                return;
        }
#undef CHECK_READING
}

static void view_text(const struct am__link_records *r, const uint32_t *tok, int n,
                      struct am_buf *out)
{
    for (int i = 0; i < n; i++) {
        if (!tok[i])
            continue;
        if (out->len)
            am_buf_addc(out, ' ');
        am_buf_adds(out, r->tok.str.v[tok[i]]);
    }
}

void am__link_name_reading(const struct am__link_records *r, uint32_t a, uint32_t b,
                           struct am_buf *given_a, struct am_buf *sur_a, struct am_buf *given_b,
                           struct am_buf *sur_b)
{
    int lg, ls;
    struct view va, vb;
    struct am__link_crec ca, cb;
    am__link_crec_fill(r, a, &ca);
    am__link_crec_fill(r, b, &cb);
    struct am__link_views xa = {0}, xb = {0};
    cmp_names_at(r, &ca, &cb, &lg, &ls, &va, &vb, &xa, &xb);
    view_text(r, va.g, va.ng, given_a);
    view_text(r, va.s, va.ns, sur_a);
    if (va.married)
        am_buf_addf(sur_a, "%s(married %s)", sur_a->len ? " " : "", r->tok.str.v[va.married]);
    view_text(r, vb.g, vb.ng, given_b);
    view_text(r, vb.s, vb.ns, sur_b);
    if (vb.married)
        am_buf_addf(sur_b, "%s(married %s)", sur_b->len ? " " : "", r->tok.str.v[vb.married]);
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

static uint32_t ymd_of(int32_t days)
{
    if (days == AM__LINK_MISSING_DATE)
        return 0;
    int y, m, d;
    am_civil_from_days(days, &y, &m, &d);
    return (uint32_t)(y + 32768) << 9 | (uint32_t)m << 5 | (uint32_t)d;
}

#define YMD_Y(v) ((v) >> 9)
#define YMD_M(v) (((v) >> 5) & 15u)
#define YMD_D(v) ((v) & 31u)

static int cmp_birth_ymd(int32_t a, uint32_t ay, int32_t b, uint32_t by)
{
    if (a == AM__LINK_MISSING_DATE || b == AM__LINK_MISSING_DATE)
        return AM_LL_MISSING;
    if (a == b)
        return AM_LL_EXACT;
    if (YMD_Y(ay) == YMD_Y(by) && YMD_M(ay) == YMD_D(by) && YMD_D(ay) == YMD_M(by))
        return AM_LL_CLOSE;
    int off = (YMD_Y(ay) != YMD_Y(by)) + (YMD_M(ay) != YMD_M(by)) + (YMD_D(ay) != YMD_D(by));
    return off == 1 ? AM_LL_CLOSE : AM_LL_DIFFERENT;
}

int am__link_cmp_birth(int32_t a, int32_t b)
{
    return cmp_birth_ymd(a, ymd_of(a), b, ymd_of(b));
}

/* Lists copy an arrest date from one another with a few days' slip or day and month
 * read the other way round; beyond two months it is another arrest. */
static int cmp_arrest_ymd(int32_t a, uint32_t ay, int32_t b, uint32_t by)
{
    if (a == AM__LINK_MISSING_DATE || b == AM__LINK_MISSING_DATE)
        return AM_LL_MISSING;
    if (a == b)
        return AM_LL_EXACT;
    int32_t d = a > b ? a - b : b - a;
    if (d <= 7)
        return AM_LL_CLOSE;
    if (YMD_Y(ay) == YMD_Y(by) && YMD_M(ay) == YMD_D(by) && YMD_D(ay) == YMD_M(by))
        return AM_LL_CLOSE;
    return d <= 61 ? AM_LL_FAR : AM_LL_DIFFERENT;
}

int am__link_cmp_arrest(int32_t a, int32_t b)
{
    return cmp_arrest_ymd(a, ymd_of(a), b, ymd_of(b));
}

static int cmp_place(const struct am__link_crec *a, const struct am__link_crec *b)
{
    uint32_t fa = a->facility, fb = b->facility, sa = a->state, sb = b->state;
    if (fa && fb && fa == fb)
        return AM_LL_EXACT;
    if (sa && sb)
        return sa == sb ? AM_LL_CLOSE : AM_LL_DIFFERENT;
    /* Two facilities named and no states: different places. */
    return (fa && fb) ? AM_LL_DIFFERENT : AM_LL_MISSING;
}

void am__link_crec_fill(const struct am__link_records *r, uint32_t i, struct am__link_crec *c)
{
    memset(c, 0, sizeof(*c));
    struct view *v = &c->v;
    v->ng = r->n_given[i];
    memcpy(v->g, r->given[i], sizeof(v->g));
    v->ns = r->n_sur[i];
    v->s[0] = r->sur[i][0];
    v->s[1] = r->sur[i][1];
    v->married = r->sur[i][2];
    view_finish(v);
    c->nw = r->n_words[i];
    if (c->nw) {
        /* The words as written hold exactly the parser's given names and surnames (a
         * name with a married part never gets here). */
        memcpy(c->t, r->words[i], sizeof(r->words[i]));
        c->nt = c->nw;
        for (int k = 0; k < v->ng; k++)
            for (int x = c->nt - 1; x >= 0; x--)
                if (c->t[x] == v->g[k])
                    v->gi[k] = (uint8_t)x;
        for (int k = 0; k < v->ns; k++)
            for (int x = c->nt - 1; x >= 0; x--)
                if (c->t[x] == v->s[k])
                    v->si[k] = (uint8_t)x;
    } else {
        int k = 0;
        for (int x = 0; x < v->ng; x++) {
            v->gi[x] = (uint8_t)k;
            c->t[k++] = v->g[x];
        }
        for (int x = 0; x < v->ns; x++) {
            v->si[x] = (uint8_t)k;
            c->t[k++] = v->s[x];
        }
        if (v->married) {
            v->mi = (uint8_t)k;
            c->t[k++] = v->married;
        }
        c->nt = (uint8_t)k;
    }
    for (int k = 0; k < c->nt; k++) {
        uint32_t t = c->t[k];
        if (!t)
            continue;
        c->ph[k] = r->tok.phon.v[t];
        c->lm[k] = letter_mask(r->tok.str.v[t]);
        c->tl[k] = r->tok.len.v[t];
        c->c0[k] = r->tok.str.v[t][0];
    }
    c->sex = r->sex[i];
    c->cedula = r->cedula[i];
    c->birth = r->birth[i];
    c->birth_ymd = ymd_of(c->birth);
    c->arrest = r->arrest ? r->arrest[i] : AM__LINK_MISSING_DATE;
    c->arrest_ymd = ymd_of(c->arrest);
    c->state = r->state[i];
    c->facility = r->facility[i];
}

am__link_pattern am__link_compare_cv(const struct am__link_records *r,
                                     const struct am__link_crec *a,
                                     const struct am__link_crec *b, struct am__link_views *xa,
                                     struct am__link_views *xb)
{
    int lv[AM_LF__COUNT];
    cmp_names_at(r, a, b, &lv[AM_LF_GIVEN], &lv[AM_LF_SURNAMES], NULL, NULL, xa, xb);
    lv[AM_LF_CEDULA] = am__link_cmp_cedula(a->cedula, 0, b->cedula, 0);
    lv[AM_LF_BIRTH] = cmp_birth_ymd(a->birth, a->birth_ymd, b->birth, b->birth_ymd);
    lv[AM_LF_SEX] = (!a->sex || !b->sex) ? AM_LL_MISSING
                    : a->sex == b->sex   ? AM_LL_EXACT
                                         : AM_LL_DIFFERENT;
    lv[AM_LF_PLACE] = cmp_place(a, b);
    lv[AM_LF_ARREST] = cmp_arrest_ymd(a->arrest, a->arrest_ymd, b->arrest, b->arrest_ymd);
    am__link_pattern p = 0;
    for (int f = 0; f < AM_LF__COUNT; f++)
        p |= (am__link_pattern)lv[f] << (AM__LINK_PATTERN_BITS * f);
    return p;
}

am__link_pattern am__link_compare_c(const struct am__link_records *r,
                                    const struct am__link_crec *a,
                                    const struct am__link_crec *b)
{
    struct am__link_views xa, xb;
    xa.n = xb.n = 0;
    return am__link_compare_cv(r, a, b, &xa, &xb);
}

am__link_pattern am__link_compare(const struct am__link_records *r, uint32_t a, uint32_t b)
{
    struct am__link_crec ca, cb;
    am__link_crec_fill(r, a, &ca);
    am__link_crec_fill(r, b, &cb);
    return am__link_compare_c(r, &ca, &cb);
}
