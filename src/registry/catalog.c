/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The charge and measure catalogs (data/charges.csv, data/measures.csv): how a charge as
 * a list writes it ("TERRORISMO, asociación para delinquir") finds its class and legal
 * reference, and a measure its code of the procedure code. Matching is by the longest
 * alias occurring as whole words in the normalised text; results are cached per distinct
 * text, since lists repeat the same few charges many thousands of times.
 */
#include "amnistia/registry.h"
#include "amnistia/text.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_MAX 65536

struct alias {
    const char *norm; /* normalised alias */
    size_t len;
    int entry;
};

struct entry {
    const char *code; /* measures: COPP-242-4; charges: the catalog's charge_es */
    const char *class_name;
    const char *law_ref;
    const char *certainty;
};

struct table {
    AM_VEC(struct entry) entries;
    AM_VEC(struct alias) aliases; /* longest first */
    struct am_strmap cache;       /* raw text -> entry + 1, or 0 for no match */
};

struct am_catalog {
    struct am_arena arena;
    struct table charges, measures;
    struct am_buf scratch;
};

static int by_length_desc(const void *a, const void *b)
{
    const struct alias *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? 1 : -1;
    return x->entry - y->entry;
}

static const char *field_of(const struct am_csv_record *rec, int idx)
{
    return idx >= 0 && (size_t)idx < rec->n ? rec->fields[idx].value : "";
}

/* Loads one catalog: key_col names the entry (code or text), the others are copied. */
static int load_table(struct am_catalog *cat, struct table *t, const char *file,
                      const char *key_col, const char *class_col, const char *law_col,
                      struct am_err *err)
{
    struct am_buf data;
    am_buf_init(&data);
    if (am_data_load(file, &data, err)) {
        am_buf_release(&data);
        return -1;
    }
    struct am_csv *csv = am_csv_new_mem(file, data.ptr, data.len);
    struct am_csv_record rec;
    int rc = am_csv_next(csv, &rec, err);
    int key = -1, cls = -1, law = -1, cert = -1, al = -1;
    for (size_t i = 0; rc == 1 && i < rec.n; i++) {
        const char *h = rec.fields[i].value;
        if (strcmp(h, key_col) == 0)
            key = (int)i;
        if (class_col && strcmp(h, class_col) == 0)
            cls = (int)i;
        if (strcmp(h, law_col) == 0)
            law = (int)i;
        if (strcmp(h, "certainty") == 0)
            cert = (int)i;
        if (strcmp(h, "aliases") == 0)
            al = (int)i;
    }
    if (rc == 1 && (key < 0 || al < 0 || (class_col && cls < 0)))
        rc = AM_FAIL_AT(err, AM_EINPUT, file, 1, 1,
                        "the catalog lacks a %s or aliases column; restore data/%s", key_col,
                        file);
    while (rc == 1 && (rc = am_csv_next(csv, &rec, err)) == 1) {
        if (rec.n == 1 && rec.fields[0].len == 0)
            continue;
        struct entry e = {
            .code = am_arena_strdup(&cat->arena, field_of(&rec, key)),
            .class_name = cls >= 0 ? am_arena_strdup(&cat->arena, field_of(&rec, cls)) : NULL,
            .law_ref = am_arena_strdup(&cat->arena, field_of(&rec, law)),
            .certainty = am_arena_strdup(&cat->arena, field_of(&rec, cert)),
        };
        int index = (int)t->entries.n;
        AM_VEC_PUSH(&t->entries, e);
        const char *p = field_of(&rec, al);
        while (*p) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            char *one = am_strndup(p, n);
            am_buf_reset(&cat->scratch);
            am_name_normalize(one, &cat->scratch);
            am_free(one);
            if (cat->scratch.len) {
                struct alias a = {am_arena_strdup(&cat->arena, cat->scratch.ptr),
                                  cat->scratch.len, index};
                AM_VEC_PUSH(&t->aliases, a);
            }
            p += n;
            if (*p == '|')
                p++;
        }
    }
    am_csv_free(csv);
    am_buf_release(&data);
    if (rc < 0)
        return -1;
    if (t->aliases.n)
        qsort(t->aliases.v, t->aliases.n, sizeof(t->aliases.v[0]), by_length_desc);
    return 0;
}

struct am_catalog *am_catalog_load(struct am_err *err)
{
    struct am_catalog *cat = am_calloc(1, sizeof(*cat));
    am_arena_init(&cat->arena);
    am_buf_init(&cat->scratch);
    am_strmap_init(&cat->charges.cache);
    am_strmap_init(&cat->measures.cache);
    if (load_table(cat, &cat->charges, "charges.csv", "charge_es", "class", "law_ref", err) ||
        load_table(cat, &cat->measures, "measures.csv", "code", NULL, "law_ref", err)) {
        am_catalog_free(cat);
        return NULL;
    }
    return cat;
}

static void table_release(struct table *t)
{
    AM_VEC_FREE(&t->entries);
    AM_VEC_FREE(&t->aliases);
    am_strmap_release(&t->cache);
}

void am_catalog_free(struct am_catalog *cat)
{
    if (!cat)
        return;
    table_release(&cat->charges);
    table_release(&cat->measures);
    am_buf_release(&cat->scratch);
    am_arena_release(&cat->arena);
    am_free(cat);
}

/* Whole-word containment: "robo" is in "robo agravado" but not in "robot". */
static int contains_word(const char *hay, size_t hay_len, const char *needle, size_t n)
{
    const char *p = hay, *end = hay + hay_len;
    while (p + n <= end) {
        const char *f = strstr(p, needle);
        if (!f)
            return 0;
        int left = f == hay || f[-1] == ' ';
        int right = f + n == end || f[n] == ' ';
        if (left && right)
            return 1;
        p = f + 1;
    }
    return 0;
}

static int match(const struct am_catalog *ccat, const struct table *ct, const char *text)
{
    /* The cache and scratch buffer are not part of the catalog's meaning: matching the
     * same text always gives the same answer, so a const catalog may fill them. */
    struct am_catalog *cat = (struct am_catalog *)ccat;
    struct table *t = (struct table *)ct;
    int64_t hit;
    if (am_strmap_get(&t->cache, text, &hit))
        return (int)hit - 1;
    am_buf_reset(&cat->scratch);
    am_name_normalize(text, &cat->scratch);
    int found = -1;
    for (size_t i = 0; i < t->aliases.n && found < 0; i++)
        if (contains_word(cat->scratch.ptr, cat->scratch.len, t->aliases.v[i].norm,
                          t->aliases.v[i].len))
            found = t->aliases.v[i].entry;
    if (t->cache.count < CACHE_MAX)
        am_strmap_put(&t->cache, text, found + 1);
    return found;
}

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

void am_catalog_charge(const struct am_catalog *cat, const char *text,
                       struct am_record_charge *out)
{
    out->raw = text;
    int e = match(cat, &cat->charges, text);
    if (e < 0) {
        out->class_name = "unknown";
        out->law_ref = out->certainty = NULL;
        return;
    }
    const struct entry *en = &cat->charges.entries.v[e];
    out->class_name = en->class_name;
    out->law_ref = nonempty(en->law_ref);
    out->certainty = nonempty(en->certainty);
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* A trimmed copy of s[a, b) in the arena; NULL when only blanks. */
static const char *span_dup(struct am_arena *arena, const char *s, size_t a, size_t b)
{
    while (a < b && is_blank(s[a]))
        a++;
    while (b > a && (is_blank(s[b - 1]) || s[b - 1] == ','))
        b--;
    return b > a ? am_arena_strndup(arena, s + a, b - a) : NULL;
}

/* Cuts one item at ',' and at a lone word "y"/"e" outside brackets: the pieces as
 * [start, end) offsets into pieces (two per piece, at most cap pieces; the last one takes
 * the rest). Returns how many. */
static size_t cut_item(const char *s, size_t len, size_t *pieces, size_t cap)
{
    size_t n = 0, start = 0;
    int depth = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++) {
        char c = s[i];
        if (c == '(' || c == '[')
            depth++;
        else if ((c == ')' || c == ']') && depth > 0)
            depth--;
        if (depth)
            continue;
        size_t sep = 0; /* length of the separator at i */
        if (c == ',')
            sep = 1;
        else if (is_blank(c) && i + 2 < len &&
                 ((s[i + 1] | 0x20) == 'y' || (s[i + 1] | 0x20) == 'e') && is_blank(s[i + 2]))
            sep = 3;
        if (!sep)
            continue;
        pieces[2 * n] = start;
        pieces[2 * n + 1] = i;
        n++;
        start = i + sep;
        i = start - 1;
    }
    pieces[2 * n] = start;
    pieces[2 * n + 1] = len;
    return n + 1;
}

static size_t split_items(const struct am_catalog *cat, const struct table *table,
                          struct am_arena *arena, const char *s, const char ***items)
{
    const char **list;
    size_t n = am_split_list(arena, s, &list);
    enum { MAX_PIECES = 32 };
    size_t pieces[2 * MAX_PIECES];
    int known[MAX_PIECES];
    /* Most cells hold no ',' and no ' y ' outside brackets: the list as split is the
     * answer (this runs for every row of an import). */
    size_t first_cut = 0;
    while (first_cut < n && cut_item(list[first_cut], strlen(list[first_cut]), pieces,
                                     MAX_PIECES) == 1)
        first_cut++;
    if (n && first_cut == n) {
        *items = list;
        return n;
    }
    AM_VEC(const char *) out = {0};
    for (size_t i = 0; i < n; i++) {
        const char *item = list[i];
        size_t len = strlen(item);
        size_t np = cut_item(item, len, pieces, MAX_PIECES);
        size_t n_known = 0;
        for (size_t k = 0; k < np && np > 1; k++) {
            const char *piece = span_dup(arena, item, pieces[2 * k], pieces[2 * k + 1]);
            known[k] = piece && match(cat, table, piece) >= 0;
            n_known += (size_t)known[k];
        }
        if (n_known < 2) {
            AM_VEC_PUSH(&out, item);
            continue;
        }
        /* A charge runs from a known piece to the next one; unknown pieces stay with the
         * charge before them (those before the first known one, with the first). */
        size_t first = 0; /* the group's first piece */
        int seen = 0;
        for (size_t k = 0; k < np; k++) {
            if (!known[k])
                continue;
            if (seen) {
                const char *ch =
                    span_dup(arena, item, pieces[2 * first], pieces[2 * (k - 1) + 1]);
                if (ch)
                    AM_VEC_PUSH(&out, ch);
                first = k;
            }
            seen = 1;
        }
        const char *ch = span_dup(arena, item, pieces[2 * first], len);
        if (ch)
            AM_VEC_PUSH(&out, ch);
    }
    const char **v = am_arena_alloc(arena, (out.n ? out.n : 1) * sizeof(*v));
    if (out.n)
        memcpy(v, out.v, out.n * sizeof(*v));
    size_t count = out.n;
    AM_VEC_FREE(&out);
    *items = v;
    return count;
}

size_t am_catalog_split_charges(const struct am_catalog *cat, struct am_arena *arena,
                                const char *s, const char ***items)
{
    return split_items(cat, &cat->charges, arena, s, items);
}

size_t am_catalog_split_measures(const struct am_catalog *cat, struct am_arena *arena,
                                 const char *s, const char ***items)
{
    return split_items(cat, &cat->measures, arena, s, items);
}

void am_catalog_measure(const struct am_catalog *cat, const char *text,
                        struct am_record_measure *out)
{
    out->raw = text;
    int e = match(cat, &cat->measures, text);
    out->type = e < 0 ? "other" : cat->measures.entries.v[e].code;
}
