/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The audit's own search for a row that linking left alone: among the records of other
 * sources, the one person whose name agrees with the row's (every word of the shorter name
 * found in the longer, in any order, by sound or one typo) with a cédula that agrees, or,
 * without one, with nothing in any of its records that says another person (cédula, sex,
 * birth date, place), and a name (with the facility and the set of charges it shares with
 * the row) rare enough that a namesake is unlikely in a registry of this size, while no
 * other person comes close.
 * It never writes: the match is reported beside the row, with how it was made.
 */
#include "verify_int.h"

#include "amnistia/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXTOK 8

struct mrec {
    int64_t record_id, person_id, source_id;
    const char *source, *cedula, *sex, *birth, *as_of;
    uint32_t state, facility, charges; /* value ids (struct values), NONE when not given */
    int nt;
    const char *tok[MAXTOK];
    uint32_t key[MAXTOK]; /* phonetic key ids */
};

struct posting {
    AM_VEC(uint32_t) v;
};

#define NONE UINT32_MAX
#define UNSEEN (UINT32_MAX - 1) /* the row gives a value no record has */

/* The distinct values of one column (state, facility, charge set), each with how many
 * records carry it: the chance that a stranger shares it. A state is only compared, never
 * counted as agreement: official lists write the state the person was released in, and
 * one state in 24 is little to go on. */
struct values {
    struct am_strmap id;
    AM_VEC(uint32_t) count;
    AM_VEC(const char *) text;
};

struct am__verify_matcher {
    struct am_arena arena;
    AM_VEC(struct mrec) rec;
    struct am_strmap keyid; /* phonetic key -> id */
    AM_VEC(struct posting) post;
    struct values state, facility, charges;
    struct am_catalog *catalog;
    int64_t list_source;
    const char *known_by;
    uint32_t *stamp; /* per record: the last search that saw it */
    uint32_t *next_of_person; /* per record: the next record of its person, NONE at the end */
    struct am_strmap first_of_person; /* "p<person>" -> its first record */
    uint32_t search;
};

static const char sql_all[] =
    "SELECT r.id, coalesce(rp.person_id, 0), n.source_id, s.name, r.full_name, r.name_order,"
    " r.given_names, r.surnames, r.cedula, r.sex, r.birth_date, r.state,"
    " r.facility, coalesce(n.as_of, substr(n.imported_at, 1, 10)), r.charges"
    " FROM record r LEFT JOIN record_person rp ON rp.record_id = r.id"
    " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"
    " ORDER BY r.id";

static const char *col(struct am_arena *a, struct am_stmt *st, int c)
{
    const char *s = am_stmt_text(st, c);
    return s && *s ? am_arena_strdup(a, s) : NULL;
}

static void values_release(struct values *v)
{
    am_strmap_release(&v->id);
    AM_VEC_FREE(&v->count);
    AM_VEC_FREE(&v->text);
}

/* The id of a value (normalised text), counted once more when add; NONE for an empty or,
 * without add, an unseen value. */
static uint32_t value_id(struct am__verify_matcher *m, struct values *v, const char *text,
                         int add)
{
    if (!text || !*text)
        return NONE;
    int64_t id;
    if (am_strmap_get(&v->id, text, &id)) {
        if (add)
            v->count.v[id]++;
        return (uint32_t)id;
    }
    if (!add)
        return NONE;
    id = (int64_t)v->count.n;
    am_strmap_put(&v->id, text, id);
    AM_VEC_PUSH(&v->count, 1u);
    AM_VEC_PUSH(&v->text, am_arena_strdup(&m->arena, text));
    return (uint32_t)id;
}

/* A place as lists write it (accents, case, blanks aside). */
static uint32_t place_id(struct am__verify_matcher *m, struct values *v, const char *text,
                         int add)
{
    if (!text || !*text)
        return NONE;
    struct am_buf b;
    am_buf_init(&b);
    if (v == &m->facility)
        am_facility_key(text, &b);
    else
        am_name_normalize(text, &b);
    if (!b.len) {
        am_buf_release(&b);
        return NONE;
    }
    uint32_t id = value_id(m, v, b.ptr, add);
    am_buf_release(&b);
    return id;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The set of a record's charges, each read through the catalog (its article when the
 * catalog knows one, so two spellings of one charge agree), sorted, without repeats. */
static uint32_t charges_id(struct am__verify_matcher *m, const char *text, int add)
{
    if (!text || !*text)
        return NONE;
    struct am_arena scratch;
    am_arena_init(&scratch);
    const char **items;
    size_t n = am_catalog_split_charges(m->catalog, &scratch, text, &items);
    const char **keys = am_arena_alloc(&scratch, (n ? n : 1) * sizeof(*keys));
    struct am_buf b;
    am_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        struct am_record_charge c;
        am_catalog_charge(m->catalog, items[i], &c);
        am_buf_reset(&b);
        if (c.law_ref && *c.law_ref)
            am_buf_adds(&b, c.law_ref);
        else
            am_name_normalize(items[i], &b);
        keys[i] = am_arena_strdup(&scratch, b.ptr);
    }
    qsort(keys, n, sizeof(*keys), cmp_str);
    am_buf_reset(&b);
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(keys[i], keys[i - 1]) == 0)
            continue;
        if (b.len)
            am_buf_addc(&b, ';');
        am_buf_adds(&b, keys[i]);
    }
    uint32_t id = b.len ? value_id(m, &m->charges, b.ptr, add) : NONE;
    am_buf_release(&b);
    am_arena_release(&scratch);
    return id;
}

/* The name's words (given names, surnames, married name), normalised, nicknames read as
 * the name they stand for, each with its phonetic key id. */
static void tokens_of(struct am__verify_matcher *m, struct mrec *r, const char *full,
                      const char *order, const char *given, const char *sur, int add_keys)
{
    struct am_name nm;
    struct am_arena scratch;
    am_arena_init(&scratch);
    if (order && strcmp(order, "split") == 0)
        am_name_parse_split(given, sur, &scratch, &nm);
    else
        am_name_parse(full ? full : "",
                      order && strcmp(order, "surnames_first") == 0 ? AM_ORDER_SURNAMES_FIRST
                                                                    : AM_ORDER_UNKNOWN,
                      &scratch, &nm);
    const char *words[MAXTOK];
    int n = 0;
    for (int i = 0; i < nm.n_given && n < MAXTOK; i++) {
        const char *c = nm.given[i] ? am_nickname_canonical(nm.given[i]) : NULL;
        words[n++] = c ? c : nm.given[i];
    }
    for (int i = 0; i < nm.n_surnames && n < MAXTOK; i++)
        words[n++] = nm.surnames[i];
    if (nm.married && n < MAXTOK)
        words[n++] = nm.married;
    struct am_buf key;
    am_buf_init(&key);
    r->nt = 0;
    for (int i = 0; i < n; i++) {
        if (!words[i] || !*words[i])
            continue;
        am_buf_reset(&key);
        am_phonetic_key(words[i], &key);
        int64_t id;
        if (!am_strmap_get(&m->keyid, key.ptr, &id)) {
            if (!add_keys)
                id = -1;
            else {
                id = (int64_t)m->post.n;
                am_strmap_put(&m->keyid, key.ptr, id);
                struct posting p = {0};
                AM_VEC_PUSH(&m->post, p);
            }
        }
        r->tok[r->nt] = am_arena_strdup(&m->arena, words[i]);
        r->key[r->nt] = id < 0 ? UINT32_MAX : (uint32_t)id;
        r->nt++;
    }
    am_buf_release(&key);
    am_arena_release(&scratch);
}

struct am__verify_matcher *am__verify_matcher_new(struct am_store *store, int64_t list_source,
                                                  const char *known_by, struct am_err *err)
{
    struct am_catalog *catalog = am_catalog_load(err);
    if (!catalog)
        return NULL;
    struct am_stmt *st = am_stmt_prepare(store, sql_all, err);
    if (!st) {
        am_catalog_free(catalog);
        return NULL;
    }
    struct am__verify_matcher *m = am_malloc(sizeof(*m));
    memset(m, 0, sizeof(*m));
    am_arena_init(&m->arena);
    am_strmap_init(&m->keyid);
    am_strmap_init(&m->first_of_person);
    am_strmap_init(&m->state.id);
    am_strmap_init(&m->facility.id);
    am_strmap_init(&m->charges.id);
    m->catalog = catalog;
    m->list_source = list_source;
    m->known_by = known_by ? am_arena_strdup(&m->arena, known_by) : NULL;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct mrec r;
        memset(&r, 0, sizeof(r));
        r.record_id = am_stmt_int64(st, 0);
        r.person_id = am_stmt_int64(st, 1);
        r.source_id = am_stmt_int64(st, 2);
        r.source = col(&m->arena, st, 3);
        r.cedula = col(&m->arena, st, 8);
        r.sex = col(&m->arena, st, 9);
        r.birth = col(&m->arena, st, 10);
        r.state = place_id(m, &m->state, am_stmt_text(st, 11), 1);
        r.facility = place_id(m, &m->facility, am_stmt_text(st, 12), 1);
        r.as_of = col(&m->arena, st, 13);
        r.charges = charges_id(m, am_stmt_text(st, 14), 1);
        tokens_of(m, &r, am_stmt_text(st, 4), am_stmt_text(st, 5), am_stmt_text(st, 6),
                  am_stmt_text(st, 7), 1);
        uint32_t idx = (uint32_t)m->rec.n;
        for (int k = 0; k < r.nt; k++) {
            int seen = 0;
            for (int j = 0; j < k; j++)
                seen |= r.key[j] == r.key[k];
            if (!seen)
                AM_VEC_PUSH(&m->post.v[r.key[k]].v, idx);
        }
        AM_VEC_PUSH(&m->rec, r);
    }
    am_stmt_finalize(st);
    if (rc < 0) {
        am__verify_matcher_free(m);
        return NULL;
    }
    m->stamp = am_malloc((m->rec.n ? m->rec.n : 1) * sizeof(*m->stamp));
    memset(m->stamp, 0, (m->rec.n ? m->rec.n : 1) * sizeof(*m->stamp));
    /* Each person's records chained, so that a candidate is judged by all of them. */
    m->next_of_person = am_malloc((m->rec.n ? m->rec.n : 1) * sizeof(*m->next_of_person));
    for (size_t i = m->rec.n; i-- > 0;) {
        char pk[32];
        int64_t first;
        snprintf(pk, sizeof(pk), "p%lld", (long long)m->rec.v[i].person_id);
        m->next_of_person[i] =
            m->rec.v[i].person_id && am_strmap_get(&m->first_of_person, pk, &first)
                ? (uint32_t)first
                : NONE;
        if (m->rec.v[i].person_id)
            am_strmap_put(&m->first_of_person, pk, (int64_t)i);
    }
    return m;
}

void am__verify_matcher_free(struct am__verify_matcher *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->post.n; i++)
        AM_VEC_FREE(&m->post.v[i].v);
    AM_VEC_FREE(&m->post);
    AM_VEC_FREE(&m->rec);
    am_strmap_release(&m->keyid);
    am_strmap_release(&m->first_of_person);
    am_free(m->next_of_person);
    values_release(&m->state);
    values_release(&m->facility);
    values_release(&m->charges);
    am_catalog_free(m->catalog);
    am_free(m->stamp);
    am_arena_release(&m->arena);
    am_free(m);
}

/* Two words agree: the same sound, or one typo (one edit) on words of four letters or more. */
static int word_agrees(const char *a, uint32_t ka, const char *b, uint32_t kb)
{
    if (ka != UINT32_MAX && ka == kb)
        return 1;
    return strlen(a) >= 4 && strlen(b) >= 4 && am_damerau_levenshtein(a, b) <= 1;
}

/*
 * How many words the two names share when every word of the shorter one is found in the
 * longer (each word used once); -1 when a word of the shorter has no partner. shared[]
 * receives the indexes, in a, of the words found.
 */
static int shared_words(const struct mrec *a, const struct mrec *b, int shared[MAXTOK])
{
    int a_short = a->nt <= b->nt;
    const struct mrec *s = a_short ? a : b, *l = a_short ? b : a;
    int used[MAXTOK] = {0}, n = 0;
    for (int i = 0; i < s->nt; i++) {
        int j = 0;
        for (; j < l->nt; j++)
            if (!used[j] && word_agrees(s->tok[i], s->key[i], l->tok[j], l->key[j]))
                break;
        if (j == l->nt)
            return -1;
        used[j] = 1;
        shared[n++] = a_short ? i : j;
    }
    return n;
}

static int cedula_close(const char *a, const char *b)
{
    return strcmp(a, b) == 0 ? 2 : am_damerau_levenshtein(a, b) <= 1 ? 1 : 0;
}

static int differ(const char *a, const char *b)
{
    return a && b && strcmp(a, b) != 0;
}

/* What a candidate record shares with the row beyond the name, and what it contradicts. */
struct cand {
    uint32_t idx;
    int words, facility, charges; /* agreements */
    int elsewhere; /* held at another facility (or, without facilities, in another state) */
    double expected; /* strangers expected to agree this much in a registry this size */
};

/* A cédula, sex, birth date or place of the record that says another person. */
static int record_contradicts(const struct mrec *row, const struct am__verify_match_query *q,
                              const struct mrec *c)
{
    if (row->cedula && c->cedula && !cedula_close(row->cedula, c->cedula))
        return 1;
    if (differ(q->sex, c->sex) || differ(q->birth, c->birth))
        return 1;
    return row->facility != NONE && c->facility != NONE && row->facility != c->facility &&
           row->state != NONE && c->state != NONE && row->state != c->state;
}

/* The candidate's person says another person in any of its records: the record that
 * shares the name may lack the cédula another record of the same person gives. */
static int contradicts(const struct am__verify_matcher *m, const struct mrec *row,
                       const struct am__verify_match_query *q, uint32_t idx)
{
    char pk[32];
    int64_t first;
    snprintf(pk, sizeof(pk), "p%lld", (long long)m->rec.v[idx].person_id);
    if (!am_strmap_get(&m->first_of_person, pk, &first))
        return record_contradicts(row, q, &m->rec.v[idx]);
    for (uint32_t i = (uint32_t)first; i != NONE; i = m->next_of_person[i]) {
        const struct mrec *c = &m->rec.v[i];
        if (c->source_id == m->list_source)
            continue; /* the audited list's own rows say nothing of who else it is */
        if (m->known_by && c->as_of && strcmp(c->as_of, m->known_by) > 0)
            continue;
        if (record_contradicts(row, q, c))
            return 1;
    }
    return 0;
}

/* The namesakes a registry of this size holds by chance, if words, the facility and the
 * charge set were independent. */
static void expect(const struct am__verify_matcher *m, const struct mrec *row,
                   const struct mrec *c, struct cand *out)
{
    int sh[MAXTOK];
    double n = (double)m->rec.n;
    out->words = shared_words(row, c, sh);
    out->expected = n;
    for (int k = 0; k < out->words; k++) {
        uint32_t key = row->key[sh[k]];
        double df = key == UINT32_MAX ? 1.0 : (double)m->post.v[key].v.n;
        out->expected *= df / n;
    }
    out->facility = row->facility != NONE && row->facility == c->facility;
    out->charges = row->charges != NONE && row->charges == c->charges;
    out->elsewhere = row->facility != NONE && c->facility != NONE
                         ? row->facility != c->facility
                         : row->state != NONE && c->state != NONE && row->state != c->state;
    if (out->facility)
        out->expected *= (double)m->facility.count.v[c->facility] / n;
    if (out->charges)
        out->expected *= (double)m->charges.count.v[c->charges] / n;
}

int am__verify_match(struct am__verify_matcher *m, const struct am__verify_match_query *q,
                     struct am_arena *arena, struct am__verify_match_result *out)
{
    memset(out, 0, sizeof(*out));
    struct mrec row;
    memset(&row, 0, sizeof(row));
    tokens_of(m, &row, q->full_name, q->name_order, q->given_names, q->surnames, 0);
    row.cedula = q->cedula && *q->cedula ? q->cedula : NULL;
    if (row.nt < 2 || !m->rec.n)
        return 0;
    row.state = q->state && *q->state ? place_id(m, &m->state, q->state, 0) : NONE;
    row.facility = q->facility && *q->facility ? place_id(m, &m->facility, q->facility, 0) : NONE;
    row.charges = q->charges && *q->charges ? charges_id(m, q->charges, 0) : NONE;
    if (q->state && *q->state && row.state == NONE)
        row.state = UNSEEN;
    if (q->facility && *q->facility && row.facility == NONE)
        row.facility = UNSEEN;
    if (q->charges && *q->charges && row.charges == NONE)
        row.charges = UNSEEN;
    if (++m->search == 0) {
        memset(m->stamp, 0, m->rec.n * sizeof(*m->stamp));
        m->search = 1;
    }
    /* A cédula that agrees (one person only), else the records sharing every word of the
     * shorter name, each with the namesakes its agreement would leave to chance. */
    size_t best_by_ced = SIZE_MAX;
    int n_ced_persons = 0;
    int64_t ced_person = 0;
    AM_VEC(struct cand) cands = {0};
    for (int k = 0; k < row.nt; k++) {
        if (row.key[k] == UINT32_MAX)
            continue;
        const struct posting *p = &m->post.v[row.key[k]];
        for (size_t x = 0; x < p->v.n; x++) {
            uint32_t i = p->v.v[x];
            if (m->stamp[i] == m->search)
                continue;
            m->stamp[i] = m->search;
            const struct mrec *c = &m->rec.v[i];
            if (c->source_id == m->list_source || !c->person_id || c->person_id == q->person_id)
                continue;
            if (m->known_by && c->as_of && strcmp(c->as_of, m->known_by) > 0)
                continue;
            int sh[MAXTOK];
            if (shared_words(&row, c, sh) < 2)
                continue;
            if (row.cedula && c->cedula && cedula_close(row.cedula, c->cedula)) {
                if (best_by_ced == SIZE_MAX) {
                    ced_person = c->person_id;
                    n_ced_persons = 1;
                    best_by_ced = i;
                } else if (c->person_id != ced_person) {
                    n_ced_persons = 2; /* two persons: the cédula decides nothing */
                }
            }
            if (contradicts(m, &row, q, i))
                continue;
            struct cand cd = {.idx = i};
            expect(m, &row, c, &cd);
            AM_VEC_PUSH(&cands, cd);
        }
    }
    const struct mrec *c = NULL;
    char how[320];
    if (best_by_ced != SIZE_MAX && n_ced_persons == 1) {
        int sh[MAXTOK];
        c = &m->rec.v[best_by_ced];
        int n = shared_words(&row, c, sh);
        snprintf(how, sizeof(how), "cédula %s %s, %d name words agree", c->cedula,
                 strcmp(c->cedula, row.cedula) == 0 ? "the same" : "one digit off or swapped",
                 n);
        out->strength = AM__MATCH_CEDULA;
    } else {
        /* The least likely coincidence wins, provided it is unlikely, rests on three words
         * or on something beside the name, and no other person
         * comes that close, unless that one is known to be held elsewhere: two plausible
         * persons decide nothing. */
        const struct cand *best = NULL;
        for (size_t x = 0; x < cands.n; x++)
            if (!best || cands.v[x].expected < best->expected)
                best = &cands.v[x];
        if (!best || best->expected > AM__VERIFY_MATCH_MAX_NAMESAKES ||
            (best->words < 3 && !best->facility && !best->charges)) {
            AM_VEC_FREE(&cands);
            return 0;
        }
        c = &m->rec.v[best->idx];
        for (size_t x = 0; x < cands.n; x++)
            if (m->rec.v[cands.v[x].idx].person_id != c->person_id && !cands.v[x].elsewhere &&
                cands.v[x].expected <= AM__VERIFY_MATCH_MAX_NAMESAKES) {
                AM_VEC_FREE(&cands);
                return 0;
            }
        char also[200] = "";
        if (best->facility || best->charges)
            snprintf(also, sizeof(also), ", the same %s%s%s%s",
                     best->facility ? "facility (" : "",
                     best->facility ? m->facility.text.v[c->facility] : "",
                     best->facility ? ")" : "",
                     best->charges ? (best->facility ? " and charges" : "charges") : "");
        snprintf(how, sizeof(how),
                 "%d name words agree%s, namesakes expected %.3f and no other person close; "
                 "no cédula on one side",
                 best->words, also, best->expected);
        out->expected = best->expected;
        out->strength = AM__MATCH_NAME;
    }
    AM_VEC_FREE(&cands);
    out->person_id = c->person_id;
    out->record_id = c->record_id;
    out->source = am_arena_strdup(arena, c->source ? c->source : "");
    out->how = am_arena_strdup(arena, how);
    return 1;
}
