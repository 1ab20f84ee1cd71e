/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The audit's own search for a row that linking left alone: among the records of other
 * sources, the one person whose name agrees with the row's (every word of the shorter name
 * found in the longer, in any order, by sound or one typo) with a cédula that agrees, or,
 * without one, with three words or more, no contradicting cédula, sex, birth date or
 * place, and a name rare enough that a namesake is unlikely in a registry of this size.
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
    const char *source, *cedula, *sex, *birth, *state, *facility, *as_of;
    int nt;
    const char *tok[MAXTOK];
    uint32_t key[MAXTOK]; /* phonetic key ids */
};

struct posting {
    AM_VEC(uint32_t) v;
};

struct am__verify_matcher {
    struct am_arena arena;
    AM_VEC(struct mrec) rec;
    struct am_strmap keyid; /* phonetic key -> id */
    AM_VEC(struct posting) post;
    struct am_strmap on_list; /* "p<person>" of persons the audited list's source has */
    struct am_strmap facility; /* facility (lower case) -> records held there */
    int64_t list_source;
    const char *known_by;
    uint32_t *stamp; /* per record: the last search that saw it */
    uint32_t search;
};

static const char sql_all[] =
    "SELECT r.id, coalesce(rp.person_id, 0), n.source_id, s.name, r.full_name, r.name_order,"
    " r.given_names, r.surnames, r.cedula, r.sex, r.birth_date, lower(r.state),"
    " lower(r.facility), coalesce(n.as_of, substr(n.imported_at, 1, 10))"
    " FROM record r LEFT JOIN record_person rp ON rp.record_id = r.id"
    " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"
    " ORDER BY r.id";

static const char *col(struct am_arena *a, struct am_stmt *st, int c)
{
    const char *s = am_stmt_text(st, c);
    return s && *s ? am_arena_strdup(a, s) : NULL;
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
    struct am_stmt *st = am_stmt_prepare(store, sql_all, err);
    if (!st)
        return NULL;
    struct am__verify_matcher *m = am_malloc(sizeof(*m));
    memset(m, 0, sizeof(*m));
    am_arena_init(&m->arena);
    am_strmap_init(&m->keyid);
    am_strmap_init(&m->on_list);
    am_strmap_init(&m->facility);
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
        r.state = col(&m->arena, st, 11);
        r.facility = col(&m->arena, st, 12);
        r.as_of = col(&m->arena, st, 13);
        tokens_of(m, &r, am_stmt_text(st, 4), am_stmt_text(st, 5), am_stmt_text(st, 6),
                  am_stmt_text(st, 7), 1);
        if (r.facility)
            am_strmap_add(&m->facility, r.facility, 1);
        uint32_t idx = (uint32_t)m->rec.n;
        for (int k = 0; k < r.nt; k++) {
            int seen = 0;
            for (int j = 0; j < k; j++)
                seen |= r.key[j] == r.key[k];
            if (!seen)
                AM_VEC_PUSH(&m->post.v[r.key[k]].v, idx);
        }
        if (r.source_id == list_source && r.person_id) {
            char pk[32];
            snprintf(pk, sizeof(pk), "p%lld", (long long)r.person_id);
            am_strmap_put(&m->on_list, pk, 1);
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
    am_strmap_release(&m->on_list);
    am_strmap_release(&m->facility);
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

/*
 * Among the records sharing the most words: the one person carrying them; or, when
 * several do, the only one held at the row's facility, provided every other one is known
 * to be held elsewhere. NULL when that leaves no one or more than one.
 */
static const struct mrec *choose_by_name(const struct am__verify_matcher *m,
                                         const struct am__verify_match_query *q,
                                         const uint32_t *tops, size_t n_tops)
{
    const struct mrec *one = NULL, *here = NULL;
    int several = 0, several_here = 0;
    const char *qf = q->facility;
    for (size_t x = 0; x < n_tops; x++) {
        const struct mrec *c = &m->rec.v[tops[x]];
        if (!one)
            one = c;
        else if (c->person_id != one->person_id)
            several = 1;
        if (qf && c->facility && strcmp(qf, c->facility) == 0) {
            if (!here)
                here = c;
            else if (c->person_id != here->person_id)
                several_here = 1;
        }
    }
    if (!several)
        return here ? here : one;
    if (!here || several_here)
        return NULL;
    /* Every other namesake's records are known to be held elsewhere. */
    for (size_t x = 0; x < n_tops; x++) {
        const struct mrec *c = &m->rec.v[tops[x]];
        if (c->person_id != here->person_id && (!c->facility || strcmp(c->facility, qf) == 0))
            return NULL;
    }
    return here;
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
    if (++m->search == 0) {
        memset(m->stamp, 0, m->rec.n * sizeof(*m->stamp));
        m->search = 1;
    }
    /* A cédula that agrees (one person only), else the records sharing the most words. */
    size_t best_by_ced = SIZE_MAX;
    int n_ced_persons = 0, top = 0;
    int64_t ced_person = 0;
    AM_VEC(uint32_t) tops = {0};
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
            char pk[32];
            snprintf(pk, sizeof(pk), "p%lld", (long long)c->person_id);
            if (am_strmap_get(&m->on_list, pk, NULL))
                continue; /* that person is another row of the list */
            int sh[MAXTOK];
            int n = shared_words(&row, c, sh);
            if (n < 2)
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
            if (n > top) {
                top = n;
                tops.n = 0;
            }
            if (n == top)
                AM_VEC_PUSH(&tops, i);
        }
    }
    const struct mrec *c = NULL;
    char how[320];
    int sh[MAXTOK];
    if (best_by_ced != SIZE_MAX && n_ced_persons == 1) {
        c = &m->rec.v[best_by_ced];
        int n = shared_words(&row, c, sh);
        snprintf(how, sizeof(how), "cédula %s %s, %d name words agree", c->cedula,
                 strcmp(c->cedula, row.cedula) == 0 ? "the same" : "one digit off or swapped",
                 n);
        out->strength = AM__MATCH_CEDULA;
    } else if (top >= 3 && (c = choose_by_name(m, q, tops.v, tops.n)) != NULL) {
        int n = shared_words(&row, c, sh);
        const char *qs = q->state, *qf = q->facility;
        if ((row.cedula && c->cedula) || differ(q->sex, c->sex) || differ(q->birth, c->birth) ||
            (qs && c->state && qf && c->facility && strcmp(qs, c->state) != 0 &&
             strcmp(qf, c->facility) != 0)) {
            AM_VEC_FREE(&tops);
            return 0; /* a cédula, sex, birth date or place that says another person */
        }
        /* Namesakes expected in a registry this size if words (and, when the row names
         * the same facility, the facility) were independent. */
        double expected = (double)m->rec.n;
        for (int k = 0; k < n; k++) {
            uint32_t key = row.key[sh[k]];
            double df = key == UINT32_MAX ? 1.0 : (double)m->post.v[key].v.n;
            expected *= df / (double)m->rec.n;
        }
        int at = qf && c->facility && strcmp(qf, c->facility) == 0;
        int64_t held = 0;
        if (at && am_strmap_get(&m->facility, qf, &held))
            expected *= (double)held / (double)m->rec.n;
        if (expected > AM__VERIFY_MATCH_MAX_NAMESAKES) {
            AM_VEC_FREE(&tops);
            return 0;
        }
        out->expected = expected;
        snprintf(how, sizeof(how),
                 "%d name words agree%s%s%s, namesakes expected %.3f; no cédula on one side", n,
                 at ? ", the same facility (" : "", at ? qf : "",
                 at ? ")" : ", no other person in the registry carries them", expected);
        out->strength = AM__MATCH_NAME;
    } else {
        AM_VEC_FREE(&tops);
        return 0;
    }
    AM_VEC_FREE(&tops);
    out->person_id = c->person_id;
    out->record_id = c->record_id;
    out->source = am_arena_strdup(arena, c->source ? c->source : "");
    out->how = am_arena_strdup(arena, how);
    return 1;
}
