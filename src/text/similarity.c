/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * String similarity for linkage: Jaro-Winkler, Damerau-Levenshtein (optimal string
 * alignment) and a token-set similarity that forgives reordering and missing names.
 * All work byte-wise on normalised text and never allocate for inputs of up to
 * AM__SHORT bytes, because linkage calls them hundreds of millions of times; longer
 * inputs fall back to the heap and give the same answers.
 */
#include "amnistia/text.h"

#include <stdlib.h>
#include <string.h>

#define AM__SHORT 128

/* Winkler's boost for a common prefix of up to four bytes, scale 0.1, applied above 0.7
 * as Winkler (1990) did. */
static double winkler(double sim, const char *a, const char *b, size_t la)
{
    if (sim > 0.7) {
        size_t p = 0;
        while (p < 4 && p < la && a[p] == b[p])
            p++;
        sim += (double)p * 0.1 * (1.0 - sim);
    }
    return sim;
}

/*
 * Jaro for b of at most 64 bytes, bit-parallel: pos[c] holds the positions of byte c in
 * b, so each byte of a finds its first unmatched partner in the window with one mask
 * and a count of trailing zeros. The same matches as the textbook scan, in the same
 * order. pos is thread-local and left all zero after each call.
 */
static _Thread_local uint64_t pos[256];

static double jaro_short(const unsigned char *a, size_t la, const unsigned char *b, size_t lb)
{
    for (size_t j = 0; j < lb; j++)
        pos[b[j]] |= UINT64_C(1) << j;
    size_t window = lb / 2;
    window = window ? window - 1 : 0;
    uint64_t flagged_b = 0, flagged_a = 0;
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > window ? i - window : 0;
        size_t hi = i + window + 1 < lb ? i + window + 1 : lb;
        if (lo >= hi)
            continue;
        uint64_t win = (hi == 64 ? ~UINT64_C(0) : (UINT64_C(1) << hi) - 1) &
                       ~((UINT64_C(1) << lo) - 1);
        uint64_t cand = pos[a[i]] & ~flagged_b & win;
        if (cand) {
            flagged_b |= cand & (~cand + 1);
            flagged_a |= UINT64_C(1) << i;
            m++;
        }
    }
    for (size_t j = 0; j < lb; j++)
        pos[b[j]] = 0;
    if (!m)
        return 0.0;
    size_t t = 0;
    uint64_t fa = flagged_a, fb = flagged_b;
    while (fa) {
        int i = __builtin_ctzll(fa), j = __builtin_ctzll(fb);
        t += a[i] != b[j];
        fa &= fa - 1;
        fb &= fb - 1;
    }
    double md = (double)m;
    return (md / (double)la + md / (double)lb + (md - (double)(t / 2)) / md) / 3.0;
}

/* Jaro-Winkler over a[0..la) and b[0..lb): what the token-set measure calls on spans. */
static double jaro_winkler_n(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == 0 && lb == 0)
        return 1.0;
    if (la == 0 || lb == 0)
        return 0.0;
    if (la == lb && memcmp(a, b, la) == 0)
        return 1.0;
    /* a is the shorter; between equal lengths the smaller bytes, so that the greedy
     * matching, and with it the answer, does not depend on the argument order. */
    if (la > lb || (la == lb && memcmp(a, b, la) > 0)) {
        const char *t = a;
        a = b, b = t;
        size_t tl = la;
        la = lb, lb = tl;
    }
    if (lb <= 64)
        return winkler(jaro_short((const unsigned char *)a, la, (const unsigned char *)b, lb),
                       a, b, la);
    unsigned char stack_flags[2 * AM__SHORT];
    unsigned char *fa = stack_flags, *fb = stack_flags + AM__SHORT;
    unsigned char *heap = NULL;
    if (lb > AM__SHORT) {
        heap = am_calloc(la + lb, 1);
        fa = heap, fb = heap + la;
    } else {
        memset(stack_flags, 0, la);
        memset(fb, 0, lb);
    }
    size_t window = lb / 2;
    window = window ? window - 1 : 0;
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > window ? i - window : 0;
        size_t hi = i + window + 1 < lb ? i + window + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!fb[j] && a[i] == b[j]) {
                fa[i] = fb[j] = 1;
                m++;
                break;
            }
        }
    }
    double sim = 0.0;
    if (m) {
        size_t t = 0, j = 0;
        for (size_t i = 0; i < la; i++) {
            if (!fa[i])
                continue;
            while (!fb[j])
                j++;
            t += a[i] != b[j];
            j++;
        }
        double md = (double)m;
        sim = (md / (double)la + md / (double)lb + (md - (double)(t / 2)) / md) / 3.0;
    }
    am_free(heap);
    return winkler(sim, a, b, la);
}

double am_jaro_winkler(const char *a, const char *b)
{
    if (!a)
        a = "";
    if (!b)
        b = "";
    return jaro_winkler_n(a, strlen(a), b, strlen(b));
}

int am_damerau_levenshtein(const char *a, const char *b)
{
    if (!a)
        a = "";
    if (!b)
        b = "";
    size_t la = strlen(a), lb = strlen(b);
    if (la == 0)
        return (int)(lb < (size_t)INT32_MAX ? lb : INT32_MAX);
    if (lb == 0)
        return (int)(la < (size_t)INT32_MAX ? la : INT32_MAX);
    /* Three rows of the dynamic programme: two back for the transposition. */
    int stack_rows[3 * (AM__SHORT + 1)];
    int *heap = NULL, *rows = stack_rows;
    if (lb > AM__SHORT) {
        heap = am_malloc(3 * (lb + 1) * sizeof(int));
        rows = heap;
    }
    int *prev2 = rows, *prev = rows + (lb + 1), *cur = rows + 2 * (lb + 1);
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
        }
        int *t = prev2;
        prev2 = prev, prev = cur, cur = t;
    }
    int d = prev[lb];
    am_free(heap);
    return d;
}

/* ---- token sets ---------------------------------------------------------------------- */

#define MAX_SET 16

struct span {
    const char *s;
    size_t n;
};

/* Particles carry no identity: "juan de la cruz" and "juan cruz" are one person's name. */
static int is_particle(const char *s, size_t n)
{
    static const char *const words[] = {"de",  "del", "la", "las", "los", "da", "das", "do",
                                        "dos", "di",  "van", "von", "y",  "der", "den", "le"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return 1;
    return 0;
}

/* Splits on spaces; particles dropped unless nothing else is there. */
static int split(const char *s, struct span *v)
{
    int n = 0, all = 0;
    struct span any[MAX_SET];
    for (const char *p = s; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *st = p;
        while (*p && *p != ' ')
            p++;
        struct span t = {st, (size_t)(p - st)};
        if (all < MAX_SET)
            any[all++] = t;
        if (!is_particle(t.s, t.n) && n < MAX_SET)
            v[n++] = t;
    }
    if (n == 0) {
        memcpy(v, any, (size_t)all * sizeof(*v));
        n = all;
    }
    return n;
}

static double span_jw(struct span x, struct span y)
{
    if (x.n == y.n && memcmp(x.s, y.s, x.n) == 0)
        return 1.0;
    return jaro_winkler_n(x.s, x.n, y.s, y.n);
}

double am_token_set_similarity(const char *a, const char *b)
{
    if (!a || !b)
        return 0.0;
    struct span ta[MAX_SET], tb[MAX_SET];
    int na = split(a, ta), nb = split(b, tb);
    if (na == 0 || nb == 0)
        return 0.0;
    /* The shorter side (fewer tokens; on a tie, fewer bytes) is the one measured. */
    size_t bytes_a = 0, bytes_b = 0;
    for (int i = 0; i < na; i++)
        bytes_a += ta[i].n;
    for (int j = 0; j < nb; j++)
        bytes_b += tb[j].n;
    struct span *s = ta, *l = tb;
    int ns = na, nl = nb;
    size_t total = bytes_a;
    if (nb < na || (nb == na && bytes_b < bytes_a)) {
        s = tb, l = ta, ns = nb, nl = na, total = bytes_b;
    }
    double score[MAX_SET][MAX_SET];
    for (int i = 0; i < ns; i++)
        for (int j = 0; j < nl; j++)
            score[i][j] = span_jw(s[i], l[j]);
    /* Greedy one-to-one assignment, best pair first: names have few tokens, and the
     * greedy choice equals the optimal one whenever a token has one clear partner. */
    unsigned used_s = 0, used_l = 0;
    double matched = 0.0;
    for (;;) {
        double best = 0.9 - 1e-12;
        int bi = -1, bj = -1;
        for (int i = 0; i < ns; i++) {
            if (used_s & (1u << i))
                continue;
            for (int j = 0; j < nl; j++)
                if (!(used_l & (1u << j)) && score[i][j] >= best) {
                    if (score[i][j] > best || bi < 0) {
                        best = score[i][j];
                        bi = i, bj = j;
                    }
                }
        }
        if (bi < 0)
            break;
        used_s |= 1u << bi;
        used_l |= 1u << bj;
        matched += (double)s[bi].n * best;
    }
    return total ? matched / (double)total : 0.0;
}
