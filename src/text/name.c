/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Spanish names: which words are given names and which are surnames. Particles (de, del,
 * de la, da, dos, van, y, ...) stay with the surname they introduce; surnames first is
 * read from a comma, from upper-case surnames next to mixed-case given names, or from the
 * source's mapping; a trailing "de X" (or "viuda de X") is a married name. Only the
 * reading of one name lives here; comparing names is in similarity.c.
 */
#include "amnistia/text.h"
#include "text_int.h"

#include <string.h>
#include <utf8proc.h>

/* ---- particles --------------------------------------------------------------------- */

static int word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* A word that opens a particle: "de", "del", "da", ... (normalised, lower case). */
static int particle_word(const char *w, size_t n)
{
    static const char *const words[] = {"de", "del", "da", "das", "do",
                                        "dos", "di", "van", "von", "y"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (word_is(w, n, words[i]))
            return 1;
    return 0;
}

/* A word that continues a particle after one: "de la", "de los", "van der", "von den". */
static int particle_continuation(const char *w, size_t n)
{
    return word_is(w, n, "la") || word_is(w, n, "las") || word_is(w, n, "los") ||
           word_is(w, n, "der") || word_is(w, n, "den") || word_is(w, n, "le");
}

/* ---- tokens ------------------------------------------------------------------------ */

#define MAX_TOKENS 32

struct tokens {
    const char *v[MAX_TOKENS];
    int n;
};

/*
 * Normalises s[0..len) and splits it into tokens, joining each particle (and its
 * continuations) to the word that follows it: "juan de la cruz" -> "juan", "de la cruz".
 * A particle with nothing after it stays a token of its own. Tokens past MAX_TOKENS are
 * joined into the last one, so no word is ever lost.
 */
static void tokenize(const char *s, size_t len, struct am_buf *norm, struct am_arena *arena,
                     struct tokens *out)
{
    out->n = 0;
    am_buf_reset(norm);
    am__text_normalize_n(s, len, norm);
    const char *p = norm->ptr, *end = norm->ptr + norm->len;
    while (p < end) {
        const char *start = p;
        const char *w = p;
        size_t wn = strcspn(w, " ");
        int in_particle = 0;
        /* Absorb particle words, then the one word they introduce. */
        while (particle_word(w, wn) || (in_particle && particle_continuation(w, wn))) {
            if (w + wn >= end)
                break; /* a trailing particle: keep it as it is */
            in_particle = 1;
            w += wn + 1;
            wn = strcspn(w, " ");
        }
        const char *stop = w + wn;
        if (out->n < MAX_TOKENS) {
            out->v[out->n++] = am_arena_strndup(arena, start, (size_t)(stop - start));
        } else { /* join the overflow into the last token */
            out->v[MAX_TOKENS - 1] =
                am_arena_printf(arena, "%s %.*s", out->v[MAX_TOKENS - 1], (int)(stop - start),
                                start);
        }
        p = stop < end ? stop + 1 : end;
    }
}

/* "de X": the plain particle "de" and exactly one word — the shape of a married name. */
static const char *married_of(const char *tok)
{
    if (strncmp(tok, "de ", 3) != 0 || strchr(tok + 3, ' '))
        return NULL;
    return tok + 3;
}

static int widow_word(const char *tok)
{
    return strcmp(tok, "vda") == 0 || strcmp(tok, "viuda") == 0 || strcmp(tok, "vd") == 0;
}

/*
 * Takes a married "de X" off the end of t when at least min_before tokens precede it (a
 * "viuda de X" / "vda de X" is married whatever precedes it). Returns X or NULL.
 */
static const char *take_married(struct tokens *t, int min_before)
{
    if (t->n < 1)
        return NULL;
    const char *x = married_of(t->v[t->n - 1]);
    if (!x)
        return NULL;
    if (t->n >= 2 && widow_word(t->v[t->n - 2])) {
        t->n -= 2;
        return x;
    }
    if (t->n - 1 < min_before)
        return NULL;
    t->n--;
    return x;
}

/* Copies t[from..to) into dst (at most 4 slots; the overflow is joined into the 4th). */
static int fill(const char **dst, const struct tokens *t, int from, int to,
                struct am_arena *arena)
{
    int n = 0;
    for (int i = from; i < to; i++) {
        if (n < 4)
            dst[n++] = t->v[i];
        else
            dst[3] = am_arena_printf(arena, "%s %s", dst[3], t->v[i]);
    }
    return n;
}

/* ---- order detection ----------------------------------------------------------------- */

enum word_class { W_NONE, W_UPPER, W_INITIAL, W_MIXED, W_PARTICLE };

struct word {
    size_t start, end; /* byte range in the raw name */
    enum word_class cls;
};

static enum word_class classify(const char *s, size_t n)
{
    int upper = 0, lower = 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, end - p, &cp);
        if (k <= 0) {
            p++;
            continue;
        }
        p += k;
        if (utf8proc_isupper(cp))
            upper++;
        else if (utf8proc_islower(cp))
            lower++;
    }
    if (lower) {
        /* Particles are plain ASCII, so a lower-case word is compared as it stands. */
        if (upper == 0 && (particle_word(s, n) || particle_continuation(s, n)))
            return W_PARTICLE;
        return W_MIXED;
    }
    if (upper == 1)
        return W_INITIAL;
    return upper ? W_UPPER : W_NONE;
}

#define MAX_WORDS 64

/*
 * Looks for the case signal: upper-case surnames before mixed-case given names
 * ("GONZÁLEZ PÉREZ María José") or after them ("María José GONZÁLEZ PÉREZ"). On success
 * sets the byte offset where the two parts meet and whether surnames come first.
 */
static int case_split(const char *s, size_t *cut, int *surnames_first)
{
    struct word w[MAX_WORDS];
    int n = 0;
    size_t i = 0, len = strlen(s);
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == len)
            break;
        if (n == MAX_WORDS)
            return 0;
        size_t st = i;
        while (i < len && s[i] != ' ' && s[i] != '\t')
            i++;
        w[n].start = st;
        w[n].end = i;
        w[n].cls = classify(s + st, i - st);
        n++;
    }
    int n_upper = 0, n_mixed = 0;
    for (int k = 0; k < n; k++) {
        n_upper += w[k].cls == W_UPPER;
        n_mixed += w[k].cls == W_MIXED;
    }
    if (!n_upper || !n_mixed)
        return 0;
    /* Leading upper run: the upper words all come before the first mixed word. */
    if (w[0].cls == W_UPPER) {
        int last_upper = -1, first_mixed = -1;
        for (int k = 0; k < n; k++) {
            if (w[k].cls == W_UPPER)
                last_upper = k;
            if (w[k].cls == W_MIXED && first_mixed < 0)
                first_mixed = k;
        }
        if (last_upper < first_mixed) {
            *cut = w[last_upper].end;
            *surnames_first = 1;
            return 1;
        }
        return 0;
    }
    /* Trailing upper run: every upper word after the last mixed word or initial. */
    int last_given = -1, first_upper = -1;
    for (int k = 0; k < n; k++) {
        if (w[k].cls == W_MIXED || w[k].cls == W_INITIAL)
            last_given = k;
        if (w[k].cls == W_UPPER && first_upper < 0)
            first_upper = k;
    }
    if (first_upper > last_given) {
        *cut = w[last_given].end;
        *surnames_first = 0;
        return 1;
    }
    return 0;
}

/* ---- parsing --------------------------------------------------------------------------- */

/* Given names in g, surnames (maybe with a married "de X") in sn. */
static void from_parts(const char *g, size_t gn, const char *sn, size_t snn,
                       struct am_buf *norm, struct am_arena *arena, struct am_name *out)
{
    struct tokens tg, ts;
    tokenize(g, gn, norm, arena, &tg);
    tokenize(sn, snn, norm, arena, &ts);
    out->married = take_married(&ts, 1);
    out->n_given = fill(out->given, &tg, 0, tg.n, arena);
    out->n_surnames = fill(out->surnames, &ts, 0, ts.n, arena);
}

void am_name_parse(const char *full_name, enum am_name_order hint, struct am_arena *arena,
                   struct am_name *out)
{
    memset(out, 0, sizeof(*out));
    if (!full_name)
        full_name = "";
    size_t len = strlen(full_name);
    const char *comma = strchr(full_name, ',');
    enum am_name_order order = hint;
    const char *why = "mapping";
    size_t cut = 0;
    int have_cut = 0;

    if (comma) {
        cut = (size_t)(comma - full_name);
        have_cut = 1;
        if (order == AM_ORDER_UNKNOWN) {
            order = AM_ORDER_SURNAMES_FIRST;
            why = "comma";
        }
    } else if (order == AM_ORDER_UNKNOWN) {
        int sf = 0;
        if (case_split(full_name, &cut, &sf)) {
            have_cut = 1;
            order = sf ? AM_ORDER_SURNAMES_FIRST : AM_ORDER_GIVEN_FIRST;
            why = "upper-case surnames";
        } else {
            order = AM_ORDER_GIVEN_FIRST;
            why = "default";
        }
    }
    out->order = order;
    out->order_why = why;

    /* One scratch buffer for the whole parse; tokens are copied into the arena. */
    struct am_buf norm;
    am_buf_init(&norm);
    if (have_cut) {
        const char *a = full_name, *b = full_name + cut + (comma ? 1 : 0);
        size_t an = cut, bn = len - (size_t)(b - full_name);
        if (order == AM_ORDER_SURNAMES_FIRST)
            from_parts(b, bn, a, an, &norm, arena, out);
        else
            from_parts(a, an, b, bn, &norm, arena, out);
        am_buf_release(&norm);
        return;
    }

    struct tokens t;
    tokenize(full_name, len, &norm, arena, &t);
    am_buf_release(&norm);
    if (order == AM_ORDER_SURNAMES_FIRST) {
        /* "GONZALEZ PEREZ MARIA JOSE": two surnames when four or more tokens, else one;
         * a "de X" right after them is the married name. */
        int ns = t.n >= 4 ? 2 : t.n >= 1 ? 1 : 0;
        if (ns < t.n && married_of(t.v[ns])) {
            out->married = married_of(t.v[ns]);
            out->n_surnames = fill(out->surnames, &t, 0, ns, arena);
            out->n_given = fill(out->given, &t, ns + 1, t.n, arena);
        } else {
            out->n_surnames = fill(out->surnames, &t, 0, ns, arena);
            out->n_given = fill(out->given, &t, ns, t.n, arena);
        }
        return;
    }
    /* Given names first: a trailing married name needs a given name and a surname before
     * it, so "juan de leon" keeps "de leon" as his surname. */
    out->married = take_married(&t, 2);
    int ns = t.n >= 4 ? 2 : t.n >= 1 ? 1 : 0;
    out->n_given = fill(out->given, &t, 0, t.n - ns, arena);
    out->n_surnames = fill(out->surnames, &t, t.n - ns, t.n, arena);
}

void am_name_parse_split(const char *given_names, const char *surnames, struct am_arena *arena,
                         struct am_name *out)
{
    memset(out, 0, sizeof(*out));
    if (!given_names)
        given_names = "";
    if (!surnames)
        surnames = "";
    struct am_buf norm;
    am_buf_init(&norm);
    from_parts(given_names, strlen(given_names), surnames, strlen(surnames), &norm, arena, out);
    am_buf_release(&norm);
    out->order = AM_ORDER_UNKNOWN;
    out->order_why = "separate columns";
}
