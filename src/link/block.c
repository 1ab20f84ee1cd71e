/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Blocking: which pairs of records are compared at all. Several rules, each giving every
 * record up to three keys; records sharing a key are candidates. A pair is compared only
 * by the first rule (and first key) that generates it, checked by looking at the keys,
 * so no pair is compared twice and no set of seen pairs is needed. Blocks larger than the
 * cap are compared by sorted neighbourhood (birth date, surnames, given names) with a
 * warning that says how many pairs were skipped. Comparing is split across threads.
 */
#include "link_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define KEYS 3       /* keys per record per rule */
#define WINDOW 12    /* sorted-neighbourhood window within a capped block */

/* Where record i's keys of a rule start in out->keys and out->pos: record-major, so
 * that one record's keys of every rule sit together (one or two cache lines). */
#define KIX(out, i, rule) (((size_t)(i) * (out)->n_rules + (rule)) * KEYS)

typedef void (*key_fn)(const struct am__link_records *r, size_t i, uint64_t out[KEYS]);

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h ? h : 1;
}

static uint64_t phon(const struct am__link_records *r, uint32_t tok)
{
    return tok ? r->tok.phon.v[tok] : 0;
}

static int birth_year(const struct am__link_records *r, size_t i)
{
    if (r->birth[i] == AM__LINK_MISSING_DATE)
        return 0;
    int y, m, d;
    am_civil_from_days(r->birth[i], &y, &m, &d);
    return y;
}

static void key_cedula(const struct am__link_records *r, size_t i, uint64_t out[KEYS])
{
    out[0] = r->cedula[i] ? mix(1, r->cedula[i]) : 0;
}

/* Puts the unordered key of a surname and a given name into the first free slot of out,
 * unless it is already there or no slot is free. */
static void put_name_key(const struct am__link_records *r, uint32_t sur, uint32_t given,
                         uint64_t salt, int y, uint64_t out[KEYS])
{
    /* Unordered: a name written surnames-first without a comma still meets itself. */
    uint64_t x1 = phon(r, sur), x2 = phon(r, given);
    if (x1 > x2) {
        uint64_t tmp = x1;
        x1 = x2;
        x2 = tmp;
    }
    uint64_t key = mix(mix(mix(salt, x1), x2), (uint64_t)y);
    for (int k = 0; k < KEYS; k++) {
        if (out[k] == key)
            return;
        if (!out[k]) {
            out[k] = key;
            return;
        }
    }
}

/* Each surname (married included) with the first given name's sound: tolerates surname
 * order, a missing second surname and married names. A name read surnames first whose
 * split nobody stated ("RUIZ SILVA ANDRES" under a mapping's `order surnames_first`: one
 * surname or two?) is compared under both splits (compare.c, views_of); its free slots
 * take the other split's keys, so that the split that agrees with the other record also
 * meets it here. Names read given names first keep their keys: for them the extra
 * readings brought namesakes in the family lists together (heavy profile). */
static void surname_given(const struct am__link_records *r, size_t i, uint64_t out[KEYS],
                          uint64_t salt, int with_year)
{
    uint32_t g = r->given[i][0];
    if (!g)
        return;
    int y = 0;
    if (with_year && !(y = birth_year(r, i)))
        return;
    for (int k = 0; k < 3; k++)
        if (r->sur[i][k])
            put_name_key(r, r->sur[i][k], g, salt, y, out);
    int nw = r->n_words[i];
    const uint32_t *w = r->words[i];
    if (nw < 3 || w[0] != r->sur[i][0])
        return;
    for (int ns = 1; ns <= 2; ns++)
        for (int k = 0; k < ns; k++)
            put_name_key(r, w[k], w[ns], salt, y, out);
}

static void key_surname_given_year(const struct am__link_records *r, size_t i, uint64_t out[KEYS])
{
    surname_given(r, i, out, 2, 1);
}

static void key_birth_initial(const struct am__link_records *r, size_t i, uint64_t out[KEYS])
{
    if (r->birth[i] == AM__LINK_MISSING_DATE || !r->given[i][0])
        return;
    unsigned char c = (unsigned char)r->tok.str.v[r->given[i][0]][0];
    out[0] = mix(mix(3, (uint64_t)(uint32_t)r->birth[i]), c);
}

static void key_surnames_year(const struct am__link_records *r, size_t i, uint64_t out[KEYS])
{
    int y;
    if (r->n_sur[i] < 2 || !(y = birth_year(r, i)))
        return;
    uint64_t a = phon(r, r->sur[i][0]), b = phon(r, r->sur[i][1]);
    if (a > b) {
        uint64_t t = a;
        a = b;
        b = t;
    }
    out[0] = mix(mix(mix(4, a), b), (uint64_t)y);
}

/* The words that may be record i's surnames: its parsed surnames, or, for a name written
 * in one run with no stated order ("Santiago Maldonado Morales", perhaps read as two
 * given names and one surname), its last words (never the first). */
static void surname_candidates(const struct am__link_records *r, size_t i, uint32_t cand[3])
{
    cand[0] = r->sur[i][0];
    cand[1] = r->sur[i][1];
    cand[2] = r->sur[i][2];
    int nw = r->n_words[i];
    if (nw >= 2) {
        int from = nw - 3 > 1 ? nw - 3 : 1;
        for (int k = 0; k < 3; k++)
            cand[k] = from + k < nw ? r->words[i][from + k] : 0;
    }
}

/* Each surname's sound with the arrest date: the lists without birth date or cédula
 * (family, press) meet the others here even when they drop a given name or a surname. */
static void key_surname_arrest(const struct am__link_records *r, size_t i, uint64_t out[KEYS])
{
    if (!r->arrest || r->arrest[i] == AM__LINK_MISSING_DATE)
        return;
    uint32_t cand[3];
    surname_candidates(r, i, cand);
    for (int k = 0; k < 3; k++) {
        uint32_t t = cand[k];
        if (!t)
            continue;
        uint64_t key = mix(mix(6, phon(r, t)), (uint64_t)(uint32_t)r->arrest[i]);
        int dup = 0;
        for (int j = 0; j < k; j++)
            dup |= out[j] == key;
        if (!dup)
            out[k] = key;
    }
}

/* The cédula's digits sorted, with the first given name's sound: two digits swapped by a
 * typist still meet (the exact cédula rule does not see them). */
static void key_cedula_digits(const struct am__link_records *r, size_t i, uint64_t out[KEYS])
{
    if (!r->cedula[i] || !r->given[i][0])
        return;
    int count[10] = {0};
    for (uint32_t v = r->cedula[i]; v; v /= 10)
        count[v % 10]++;
    uint64_t key = 0;
    for (int d = 0; d < 10; d++)
        key = key * 11 + (uint64_t)count[d];
    out[0] = mix(mix(7, key), phon(r, r->given[i][0]));
}

/* Each surname and the first given name with the facility (else the state): the lists
 * with neither a birth date nor an arrest date (the official one against the press) meet
 * here without the flood of namesakes of the name-only rule. */
static void key_surname_given_place(const struct am__link_records *r, size_t i,
                                    uint64_t out[KEYS])
{
    uint32_t place = r->facility[i] ? r->facility[i] : r->state[i];
    if (!place)
        return;
    surname_given(r, i, out, 8, 0);
    for (int k = 0; k < KEYS; k++)
        if (out[k])
            out[k] = mix(out[k], place);
}

static void key_surname_given(const struct am__link_records *r, size_t i, uint64_t out[KEYS])
{
    surname_given(r, i, out, 5, 0);
}

/* The first letter of a surname as a typist may vary it: a typo rarely touches a word's
 * first letter, and the letters Spanish spells alike (b/v, s/z, c/k/q, g/j) are one. */
static uint64_t sur_initial(const struct am__link_records *r, uint32_t tok)
{
    unsigned char c = (unsigned char)r->tok.str.v[tok][0];
    switch (c) {
    case 'v': return 'b';
    case 'z': return 's';
    case 'k':
    case 'q': return 'c';
    case 'j': return 'g';
    default: return c;
    }
}

/* The first given name's sound with each surname's first letter and `what` (an arrest
 * date, a place): a surname with a typo ("Mratinez", "Peerz", "Gutierriz") changes its
 * sound, so the surname keys above never bring it together with the same name spelt
 * right; its first letter almost always survives. A name whose order is a guess gives
 * the initials of its last words, as in key_surname_arrest. */
static void given_initials(const struct am__link_records *r, size_t i, uint64_t out[KEYS],
                           uint64_t salt, uint64_t what)
{
    uint32_t g = r->given[i][0];
    if (!g)
        return;
    uint32_t cand[3];
    surname_candidates(r, i, cand);
    int n = 0;
    for (int k = 0; k < 3; k++) {
        if (!cand[k] || cand[k] == g)
            continue;
        uint64_t key = mix(mix(mix(salt, phon(r, g)), sur_initial(r, cand[k])), what);
        int dup = 0;
        for (int j = 0; j < n; j++)
            dup |= out[j] == key;
        if (!dup)
            out[n++] = key;
    }
}

static void key_given_initial_arrest(const struct am__link_records *r, size_t i,
                                     uint64_t out[KEYS])
{
    if (!r->arrest || r->arrest[i] == AM__LINK_MISSING_DATE)
        return;
    given_initials(r, i, out, 9, (uint64_t)(uint32_t)r->arrest[i]);
}


/* Bits of AM__LINK_FREE_FIELDS (arrest date, cédula, birth date). */
#define HOLDS_ARREST 1u
#define HOLDS_CEDULA 2u
#define HOLDS_BIRTH 4u

/* cap_div: the rule's cap is the block cap divided by this. The last rule has no date in
 * its key, so its blocks of common names are large and are capped harder. */
static const struct rule {
    const char *name;
    key_fn key;
    size_t cap_div;
    int dated; /* the key holds a cédula or a date: its pairs are used to fit m */
    /* A capped block's neighbourhood is ordered by the first given name's sound first:
     * for keys without the given name, where namesakes by surname meet. */
    int given_first;
    /* The fields its key holds, of AM__LINK_FREE_FIELDS (bit k for field k there). */
    unsigned holds;
} rules[] = {
    {"cedula", key_cedula, 1, 1, 0, HOLDS_CEDULA},
    {"surname+given+year", key_surname_given_year, 1, 1, 0, HOLDS_BIRTH},
    {"birth_date+initial", key_birth_initial, 1, 1, 0, HOLDS_BIRTH},
    {"surnames+year", key_surnames_year, 1, 1, 0, HOLDS_BIRTH},
    {"surname+arrest_date", key_surname_arrest, 4, 1, 1, HOLDS_ARREST},
    {"cedula_digits+given", key_cedula_digits, 1, 1, 0, HOLDS_CEDULA},
    {"surname+given+place", key_surname_given_place, 4, 0, 0, 0},
    {"surname+given", key_surname_given, 16, 0, 0, 0},
    {"given+initial+arrest_date", key_given_initial_arrest, 4, 1, 0, HOLDS_ARREST},
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

struct entry {
    uint64_t key;
    uint32_t rec;
    uint32_t slot;
};

static void radix_sort(struct entry *v, size_t n)
{
    struct entry *tmp = am_malloc((n ? n : 1) * sizeof(*tmp));
    size_t *count = am_malloc(65536 * sizeof(size_t));
    for (int pass = 0; pass < 4; pass++) {
        int sh = pass * 16;
        memset(count, 0, 65536 * sizeof(size_t));
        for (size_t i = 0; i < n; i++)
            count[(v[i].key >> sh) & 0xffff]++;
        size_t sum = 0;
        for (size_t k = 0; k < 65536; k++) {
            size_t c = count[k];
            count[k] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i].key >> sh) & 0xffff]++] = v[i];
        struct entry *t = v;
        v = tmp;
        tmp = t;
    }
    /* Four passes: the result is back in the caller's array. */
    am_free(tmp);
    am_free(count);
}

/* Does rule `rule` generate pair (a, b) through a shared key below `below` (inclusive
 * bound excluded; UINT64_MAX for any)? A capped block generates only its window. */
static int generates_at(const uint64_t *ka, const uint64_t *kb, const int32_t *pa,
                        const int32_t *pb, uint64_t below)
{
    for (int i = 0; i < KEYS; i++) {
        if (!ka[i] || ka[i] >= below)
            continue;
        for (int j = 0; j < KEYS; j++) {
            if (ka[i] != kb[j])
                continue;
            if (pa[i] < 0 || (pa[i] > pb[j] ? pa[i] - pb[j] : pb[j] - pa[i]) <= WINDOW)
                return 1;
        }
    }
    return 0;
}

static int generates(const struct am__link_block_out *out, size_t rule, uint32_t a, uint32_t b,
                     uint64_t below)
{
    size_t ia = KIX(out, a, rule), ib = KIX(out, b, rule);
    return generates_at(out->keys + ia, out->keys + ib, out->pos + ia, out->pos + ib, below);
}

const char *am__link_block_rule_of(const struct am__link_block_out *out, uint32_t a, uint32_t b)
{
    for (size_t r = 0; r < out->n_rules; r++)
        if (generates(out, r, a, b, UINT64_MAX))
            return rules[r].name;
    return NULL;
}

struct group {
    size_t start, len;
    int capped; /* compared by sorted neighbourhood (see rule_prepare) */
};

struct job {
    const struct am__link_records *rec;
    struct am__link_block_out *out;
    const struct am__link_crec *crec; /* every record, packed for comparing */
    size_t rule;
    const struct entry *e;
    const struct group *groups;
    size_t n_groups;
    atomic_size_t next;
};

struct worker {
    struct job *job;
    struct am__link_pairs pairs;
    uint64_t *pattern_count;
    uint64_t *dated_seen; /* pattern_count already credited to dated rules */
    uint64_t pairs_rule;
    /* The members of the block at hand: their packed records and their keys of the rules
     * up to the current one, gathered once per block so that its pairs read only these. */
    struct am__link_crec *lc;
    struct am__link_views *lv;
    uint64_t *lk;
    int32_t *lp; /* the keys' positions in capped blocks (out->pos), same layout as lk */
    size_t lcap;
    /* Pattern counts go through a small direct-mapped table that stays in cache; a slot
     * taken by another pattern is added to pattern_count first (see count_pattern). */
    am__link_pattern *pc_key;
    uint64_t *pc_n;
};

#define PC_SLOTS 4096 /* a power of two */

static void count_pattern(struct worker *w, am__link_pattern p)
{
    size_t k = (size_t)((p * 2654435761u) >> 20) & (PC_SLOTS - 1);
    if (w->pc_key[k] != p) {
        if (w->pc_n[k])
            w->pattern_count[w->pc_key[k]] += w->pc_n[k];
        w->pc_key[k] = p;
        w->pc_n[k] = 0;
    }
    w->pc_n[k]++;
}

/* Adds what the direct-mapped table holds to pattern_count. */
static void flush_patterns(struct worker *w)
{
    for (size_t k = 0; k < PC_SLOTS; k++) {
        if (w->pc_n[k])
            w->pattern_count[w->pc_key[k]] += w->pc_n[k];
        w->pc_n[k] = 0;
    }
}

/* Do two records' keys (KEYS slots each) share one below `below`? */
static int keys_meet(const uint64_t *ka, const uint64_t *kb, uint64_t below)
{
    int meet = 0;
    for (int i = 0; i < KEYS; i++)
        if (ka[i] && ka[i] < below)
            meet |= (ka[i] == kb[0]) | (ka[i] == kb[1]) | (ka[i] == kb[2]);
    return meet;
}

/* Members x and y of the current block (e: its entries; w->lc, w->lk: its gathered
 * members, same positions): compared unless an earlier rule, or this rule
 * through a smaller key, generates the pair. */
static void emit(struct worker *w, const struct entry *e, size_t x, size_t y, uint64_t key)
{
    struct job *j = w->job;
    uint32_t a = e[x].rec, b = e[y].rec;
    if (a == b)
        return;
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
        size_t tx = x;
        x = y;
        y = tx;
    }
    size_t stride = (j->rule + 1) * KEYS;
    const uint64_t *ka = w->lk + x * stride, *kb = w->lk + y * stride;
    const int32_t *pa = w->lp + x * stride, *pb = w->lp + y * stride;
    for (size_t r = 0; r < j->rule; r++)
        if (keys_meet(ka + r * KEYS, kb + r * KEYS, UINT64_MAX) &&
            generates_at(ka + r * KEYS, kb + r * KEYS, pa + r * KEYS, pb + r * KEYS,
                         UINT64_MAX))
            return;
    size_t o = j->rule * KEYS;
    if (keys_meet(ka + o, kb + o, key) && generates_at(ka + o, kb + o, pa + o, pb + o, key))
        return;
    if (w->pairs.n == w->pairs.cap) {
        w->pairs.cap = w->pairs.cap ? w->pairs.cap * 2 : 65536;
        w->pairs.v = am_realloc(w->pairs.v, w->pairs.cap * sizeof(*w->pairs.v));
    }
    am__link_pattern p = am__link_compare_cv(j->rec, &w->lc[x], &w->lc[y], &w->lv[x], &w->lv[y]);
    w->pairs.v[w->pairs.n++] = (struct am__link_pair){a, b, p, 0};
    count_pattern(w, p);
    w->pairs_rule++;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct job *j = w->job;
    size_t stride = (j->rule + 1) * KEYS;
    for (;;) {
        size_t g = atomic_fetch_add(&j->next, 1);
        if (g >= j->n_groups)
            break;
        const struct entry *e = j->e + j->groups[g].start;
        size_t len = j->groups[g].len;
        uint64_t key = e[0].key;
        int capped = j->groups[g].capped;
        if (len > w->lcap) {
            w->lcap = len * 2;
            am_free(w->lc);
            am_free(w->lv);
            am_free(w->lk);
            am_free(w->lp);
            w->lc = am_malloc(w->lcap * sizeof(*w->lc));
            w->lv = am_malloc(w->lcap * sizeof(*w->lv));
            w->lk = am_malloc(w->lcap * KEYS * AM_LINK_MAX_RULES * sizeof(*w->lk));
            w->lp = am_malloc(w->lcap * KEYS * AM_LINK_MAX_RULES * sizeof(*w->lp));
        }
        for (size_t x = 0; x < len; x++) {
            if (x + 4 < len) { /* the members are scattered over the million records */
                const char *ahead = (const char *)&j->crec[e[x + 4].rec];
                for (size_t o = 0; o < sizeof(struct am__link_crec); o += 64)
                    __builtin_prefetch(ahead + o);
                __builtin_prefetch(j->out->keys + KIX(j->out, e[x + 4].rec, 0));
                __builtin_prefetch(j->out->pos + KIX(j->out, e[x + 4].rec, 0));
            }
            w->lc[x] = j->crec[e[x].rec];
            w->lv[x].n = 0;
            memcpy(w->lk + x * stride, j->out->keys + KIX(j->out, e[x].rec, 0),
                   stride * sizeof(*w->lk));
            memcpy(w->lp + x * stride, j->out->pos + KIX(j->out, e[x].rec, 0),
                   stride * sizeof(*w->lp));
        }
        for (size_t x = 0; x < len; x++) {
            size_t end = capped ? (x + WINDOW + 1 < len ? x + WINDOW + 1 : len) : len;
            for (size_t y = x + 1; y < end; y++)
                emit(w, e, x, y, key);
        }
    }
    flush_patterns(w);
    return NULL;
}

/* Secondary order inside a capped block: records likely to be the same person end up
 * near each other: the bag of the name's words first (so "RUIZ COLMENARES HUGO" and
 * "Hugo Ruiz Colmenares" sit together whatever the parser made of them, with or without
 * a birth date), then birth date, surnames and given names. */
static const struct am__link_records *sort_rec;
static const uint64_t *sort_bag;
static int sort_given_first;
static int cmp_neighbour(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    const struct am__link_records *r = sort_rec;
    if (sort_given_first) {
        uint64_t ga = phon(r, r->given[a->rec][0]), gb = phon(r, r->given[b->rec][0]);
        if (ga != gb)
            return ga < gb ? -1 : 1;
    }
    if (sort_bag[a->rec] != sort_bag[b->rec])
        return sort_bag[a->rec] < sort_bag[b->rec] ? -1 : 1;
    if (r->birth[a->rec] != r->birth[b->rec])
        return r->birth[a->rec] < r->birth[b->rec] ? -1 : 1;
    if (r->sur_key[a->rec] != r->sur_key[b->rec])
        return r->sur_key[a->rec] < r->sur_key[b->rec] ? -1 : 1;
    if (r->given_key[a->rec] != r->given_key[b->rec])
        return r->given_key[a->rec] < r->given_key[b->rec] ? -1 : 1;
    return a->rec < b->rec ? -1 : a->rec > b->rec;
}

/* The name's words as a set, hashed in ascending token order. */
static uint64_t name_bag(const struct am__link_records *r, size_t i)
{
    uint32_t w[6];
    int k = 0;
    for (int x = 0; x < r->n_given[i]; x++)
        w[k++] = r->given[i][x];
    for (int x = 0; x < r->n_sur[i]; x++)
        w[k++] = r->sur[i][x];
    for (int x = 1; x < k; x++)
        for (int y = x; y > 0 && w[y - 1] > w[y]; y--) {
            uint32_t t = w[y];
            w[y] = w[y - 1];
            w[y - 1] = t;
        }
    uint64_t h = 7;
    for (int x = 0; x < k; x++)
        h = mix(h, w[x]);
    return h;
}

static const char *describe_key(const struct am__link_records *r, size_t rule, uint32_t rec,
                                char *buf, size_t n)
{
    const char *g = r->tok.str.v[r->given[rec][0]];
    const char *s = r->tok.str.v[r->sur[rec][0]];
    char date[11] = "";
    if (r->birth[rec] != AM__LINK_MISSING_DATE)
        am_format_date(r->birth[rec], date);
    switch (rule) {
    case 0:
        snprintf(buf, n, "cedula %u", r->cedula[rec]);
        break;
    case 2:
        snprintf(buf, n, "born %s, given name %c...", date, g[0]);
        break;
    default:
        snprintf(buf, n, "like '%s %s'%s%.4s", g, s, date[0] ? " born " : "", date);
    }
    return buf;
}

struct prep {
    const struct am__link_records *r;
    struct am__link_block_out *out;
    uint64_t *bag;
    struct am__link_crec *crec;
    size_t from, to;
};

static void *prepare(void *arg)
{
    struct prep *p = arg;
    for (size_t i = p->from; i < p->to; i++) {
        for (size_t k = 0; k < NRULES; k++)
            rules[k].key(p->r, i, p->out->keys + KIX(p->out, i, k));
        p->bag[i] = name_bag(p->r, i);
        am__link_crec_fill(p->r, (uint32_t)i, &p->crec[i]);
    }
    return NULL;
}

/* One rule's blocks, made ready for comparing: entries (key, record, slot) sorted by key,
 * the groups of two or more, capped groups put in neighbourhood order with their
 * positions recorded, and the warnings about them kept in `log` to be printed in turn.
 * Runs on its own thread while the rule before is compared: it writes only this rule's
 * slots of out->pos and out->rules. */
struct rule_prep {
    const struct am__link_records *r;
    struct am__link_block_out *out;
    size_t k, cap;
    int log; /* keep warnings */
    struct entry *e;
    AM_VEC(struct group) groups;
    struct am_buf msg;
};

static void *rule_prepare(void *arg)
{
    struct rule_prep *p = arg;
    const struct am__link_records *r = p->r;
    struct am__link_block_out *out = p->out;
    size_t n = r->n, k = p->k, cap = p->cap;
    size_t ne = 0;
    struct entry *e = am_malloc((n * KEYS + 1) * sizeof(*e));
    for (size_t i = 0; i < n; i++)
        for (int s = 0; s < KEYS; s++)
            if (out->keys[KIX(out, i, k) + (size_t)s])
                e[ne++] = (struct entry){out->keys[KIX(out, i, k) + (size_t)s], (uint32_t)i,
                                         (uint32_t)s};
    radix_sort(e, ne);
    for (size_t i = 0; i < ne;) {
        size_t j = i + 1;
        while (j < ne && e[j].key == e[i].key)
            j++;
        if (j - i >= 2) {
            AM_VEC_PUSH(&p->groups, ((struct group){i, j - i, j - i > cap}));
            out->rules[k].blocks++;
            if (j - i > cap) {
                /* Capped: sorted neighbourhood; positions let later checks know
                 * which of its pairs were compared. */
                sort_rec = r;
                sort_given_first = rules[k].given_first;
                qsort(e + i, j - i, sizeof(*e), cmp_neighbour);
                for (size_t x = i; x < j; x++)
                    out->pos[KIX(out, e[x].rec, k) + e[x].slot] = (int32_t)(x - i);
                uint64_t len = j - i, all = len * (len - 1) / 2;
                uint64_t done = 0;
                for (uint64_t x = 0; x < len; x++)
                    done += (len - 1 - x) < WINDOW ? (len - 1 - x) : WINDOW;
                out->rules[k].capped_blocks++;
                out->rules[k].skipped += all - done;
                if (p->log && out->rules[k].capped_blocks <= 5) {
                    char what[160];
                    am_buf_addf(&p->msg,
                                "amnistia: link: warning: block %s (%s) has %llu records; "
                                "compared %llu pairs by sorted neighbourhood, skipped %llu\n",
                                rules[k].name, describe_key(r, k, e[i].rec, what, sizeof(what)),
                                (unsigned long long)len, (unsigned long long)done,
                                (unsigned long long)(all - done));
                }
            }
        }
        i = j;
    }
    if (p->log && out->rules[k].capped_blocks > 5)
        am_buf_addf(&p->msg,
                    "amnistia: link: warning: rule %s capped %llu blocks in all, skipping %llu "
                    "pairs (see `amnistia link` summary)\n",
                    rules[k].name, (unsigned long long)out->rules[k].capped_blocks,
                    (unsigned long long)out->rules[k].skipped);
    p->e = e;
    return NULL;
}

int am__link_block(const struct am__link_records *r, const struct am_link_options *opt,
                   struct am__link_block_out *out, struct am_err *err)
{
    (void)err;
    memset(out, 0, sizeof(*out));
    size_t n = r->n;
    size_t cap0 = opt && opt->block_cap ? opt->block_cap : 500;
    int nthreads = opt && opt->threads > 0 ? opt->threads : 2;
    FILE *log = opt ? opt->log : NULL;
    out->n_rules = NRULES;
    size_t nk = n * NRULES * KEYS + 1;
    out->keys = am_calloc(nk, sizeof(uint64_t));
    out->pos = am_malloc(nk * sizeof(int32_t));
    memset(out->pos, 0xff, nk * sizeof(int32_t));
    out->pattern_count = am_calloc(AM__LINK_NPATTERNS, sizeof(uint64_t));
    for (size_t k = 0; k < NRULES; k++)
        out->rules[k].name = rules[k].name;
    /* Every record's keys, name bag and packed record, split across the threads. */
    uint64_t *bag = am_malloc((n ? n : 1) * sizeof(uint64_t));
    struct am__link_crec *crec = am_malloc((n ? n : 1) * sizeof(*crec));
    {
        struct prep prep[16];
        pthread_t tid[16];
        int nt = nthreads < 16 ? nthreads : 16, started[16] = {0};
        for (int t = 0; t < nt; t++) {
            prep[t] = (struct prep){r, out, bag, crec, n * (size_t)t / (size_t)nt,
                                    n * (size_t)(t + 1) / (size_t)nt};
            if (t > 0)
                started[t] = pthread_create(&tid[t], NULL, prepare, &prep[t]) == 0;
        }
        prepare(&prep[0]);
        for (int t = 1; t < nt; t++)
            if (started[t])
                pthread_join(tid[t], NULL);
            else
                prepare(&prep[t]);
    }
    sort_bag = bag;
    struct worker *workers = am_calloc((size_t)nthreads, sizeof(*workers));
    for (int t = 0; t < nthreads; t++)
        workers[t].pattern_count = am_calloc(AM__LINK_NPATTERNS, sizeof(uint64_t));
    for (int t = 0; t < nthreads; t++)
        workers[t].dated_seen = am_calloc(AM__LINK_NPATTERNS, sizeof(uint64_t));
    for (int t = 0; t < nthreads; t++) {
        workers[t].pc_key = am_calloc(PC_SLOTS, sizeof(am__link_pattern));
        workers[t].pc_n = am_calloc(PC_SLOTS, sizeof(uint64_t));
    }
    out->pattern_count_dated = am_calloc(AM__LINK_NPATTERNS, sizeof(uint64_t));
    /* A pair is compared by the first rule that generates it, so a later rule never sees
     * the pairs an earlier one took: only the rules before the first that holds a field
     * compare pairs whatever that field says (see pattern_count_free). */
    size_t first_holding[AM__LINK_NFREE];
    for (int g = 0; g < AM__LINK_NFREE; g++) {
        out->pattern_count_free[g] = am_calloc(AM__LINK_NPATTERNS, sizeof(uint64_t));
        first_holding[g] = NRULES;
        for (size_t k = NRULES; k-- > 0;)
            if (rules[k].holds & (1u << g))
                first_holding[g] = k;
    }

    /* Rule k + 1's blocks are sorted on a thread of their own while rule k's pairs are
     * compared: the sort would otherwise leave the second core idle. */
    struct rule_prep *rp = am_calloc(NRULES, sizeof(*rp));
    pthread_t prep_tid;
    int prep_started = 0;
    for (size_t k = 0; k < NRULES; k++) {
        rp[k] = (struct rule_prep){.r = r, .out = out, .k = k,
                                   .cap = cap0 / rules[k].cap_div > 2 ? cap0 / rules[k].cap_div
                                                                      : 2,
                                   .log = log != NULL};
        am_buf_init(&rp[k].msg);
    }
    rule_prepare(&rp[0]);
    for (size_t k = 0; k < NRULES; k++) {
        if (prep_started) {
            pthread_join(prep_tid, NULL);
            prep_started = 0;
        }
        if (k + 1 < NRULES)
            prep_started = pthread_create(&prep_tid, NULL, rule_prepare, &rp[k + 1]) == 0;
        if (log && rp[k].msg.len)
            fputs(rp[k].msg.ptr, log);
        struct entry *e = rp[k].e;
        struct job job = {r, out, crec, k, e, rp[k].groups.v, rp[k].groups.n, 0};
        pthread_t tid[16];
        int started = 0;
        for (int t = 0; t < nthreads && t < 16; t++) {
            workers[t].job = &job;
            workers[t].pairs_rule = 0;
            if (t > 0 && pthread_create(&tid[t], NULL, work, &workers[t]) == 0)
                started |= 1 << t;
        }
        work(&workers[0]);
        for (int t = 1; t < nthreads && t < 16; t++)
            if (started & (1 << t))
                pthread_join(tid[t], NULL);
            else
                work(&workers[t]); /* could not start a thread: do its share here */
        for (int t = 0; t < nthreads; t++) {
            out->rules[k].pairs += workers[t].pairs_rule;
            /* The pairs of rules whose key holds a cédula or a date, for fitting m. */
            for (size_t p = 0; p < AM__LINK_NPATTERNS; p++) {
                uint64_t delta = workers[t].pattern_count[p] - workers[t].dated_seen[p];
                if (!delta)
                    continue;
                if (rules[k].dated)
                    out->pattern_count_dated[p] += delta;
                for (int g = 0; g < AM__LINK_NFREE; g++)
                    if (k < first_holding[g])
                        out->pattern_count_free[g][p] += delta;
                workers[t].dated_seen[p] = workers[t].pattern_count[p];
            }
        }
        if (k + 1 < NRULES && !prep_started)
            rule_prepare(&rp[k + 1]); /* could not start the thread: sort it here */
        AM_VEC_FREE(&rp[k].groups);
        am_buf_release(&rp[k].msg);
        am_free(e);
        if (log && opt->progress)
            fprintf(log, "amnistia: link: blocking rule %zu/%zu (%s): %llu pairs\n", k + 1,
                    (size_t)NRULES, rules[k].name, (unsigned long long)out->rules[k].pairs);
    }

    am_free(rp);

    /* The first thread's pairs grow in place to hold the others' (no second copy of
     * the first, the largest share). */
    size_t total = 0;
    for (int t = 0; t < nthreads; t++)
        total += workers[t].pairs.n;
    out->pairs = workers[0].pairs;
    out->pairs.v = am_realloc(out->pairs.v, (total ? total : 1) * sizeof(*out->pairs.v));
    out->pairs.cap = total;
    workers[0].pairs.v = NULL;
    for (int t = 0; t < nthreads; t++) {
        if (t > 0 && workers[t].pairs.n) {
            memcpy(out->pairs.v + out->pairs.n, workers[t].pairs.v,
                   workers[t].pairs.n * sizeof(*out->pairs.v));
            out->pairs.n += workers[t].pairs.n;
        }
        for (size_t p = 0; p < AM__LINK_NPATTERNS; p++)
            out->pattern_count[p] += workers[t].pattern_count[p];
        am_free(workers[t].pairs.v);
        am_free(workers[t].pattern_count);
        am_free(workers[t].dated_seen);
        am_free(workers[t].lc);
        am_free(workers[t].lv);
        am_free(workers[t].lk);
        am_free(workers[t].lp);
        am_free(workers[t].pc_key);
        am_free(workers[t].pc_n);
    }
    am_free(workers);
    out->crec = crec;
    am_free(bag);
    sort_bag = NULL;
    return 0;
}

void am__link_block_release(struct am__link_block_out *out)
{
    am_free(out->keys);
    am_free(out->crec);
    am_free(out->pos);
    am_free(out->pairs.v);
    am_free(out->pattern_count);
    am_free(out->pattern_count_dated);
    for (int g = 0; g < AM__LINK_NFREE; g++)
        am_free(out->pattern_count_free[g]);
    memset(out, 0, sizeof(*out));
}
