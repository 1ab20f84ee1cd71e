/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Loading records for linking: one pass over the record table into parallel arrays,
 * names parsed once (text/), tokens interned with their phonetic key and frequency, so
 * that comparing two records is mostly comparing small integers. Not for display: the
 * registry module reads records for people.
 */
#include "link_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "amnistia/text.h"

static void keytab_init(struct am__link_keytab *k)
{
    am_strmap_init(&k->map);
    AM_VEC_PUSH(&k->count, 0);
    AM_VEC_PUSH(&k->str, "");
    k->known = 0;
}

static void keytab_release(struct am__link_keytab *k)
{
    am_strmap_release(&k->map);
    AM_VEC_FREE(&k->count);
    AM_VEC_FREE(&k->str);
}

void am__link_records_init(struct am__link_records *r)
{
    memset(r, 0, sizeof(*r));
    am_arena_init(&r->strs);
    am_strmap_init(&r->tok.map);
    am_strmap_init(&r->tok.phon_map);
    keytab_init(&r->gkeys);
    keytab_init(&r->skeys);
    am_strmap_init(&r->places);
    am_strmap_init(&r->nats);
    AM_VEC_PUSH(&r->nat_str, "");
    am_buf_init(&r->names);
    /* Id 0 means "none" in every intern table. */
    AM_VEC_PUSH(&r->tok.str, "");
    AM_VEC_PUSH(&r->tok.phon, 0);
    AM_VEC_PUSH(&r->tok.len, 0);
    AM_VEC_PUSH(&r->tok.count, 0);
    r->tok.n_phon = 1;
    AM_VEC_PUSH(&r->place_str, "");
    am_strmap_init(&r->rp_at_map);
    AM_VEC_PUSH(&r->rp_at_str, "");
}

void am__link_records_release(struct am__link_records *r)
{
    am_free(r->id);
    am_free(r->old_person);
    am_free(r->reviewed);
    am_free(r->rp_flags);
    am_free(r->rp_weight);
    am_free(r->rp_at);
    am_strmap_release(&r->rp_at_map);
    AM_VEC_FREE(&r->rp_at_str);
    am_free(r->source);
    am_free(r->snap);
    am_free(r->given);
    am_free(r->n_given);
    am_free(r->sur);
    am_free(r->n_sur);
    am_free(r->words);
    am_free(r->n_words);
    am_free(r->given_key);
    am_free(r->sur_key);
    am_free(r->cedula);
    am_free(r->cedula_len);
    am_free(r->cedula_kind);
    am_free(r->nationality);
    am_free(r->birth);
    am_free(r->sex);
    am_free(r->state);
    am_free(r->facility);
    am_free(r->sensitivity);
    am_free(r->name_off);
    am_buf_release(&r->names);
    am_strmap_release(&r->tok.map);
    am_strmap_release(&r->tok.phon_map);
    AM_VEC_FREE(&r->tok.str);
    AM_VEC_FREE(&r->tok.phon);
    AM_VEC_FREE(&r->tok.len);
    AM_VEC_FREE(&r->tok.count);
    keytab_release(&r->gkeys);
    keytab_release(&r->skeys);
    am_strmap_release(&r->places);
    am_strmap_release(&r->nats);
    AM_VEC_FREE(&r->nat_str);
    AM_VEC_FREE(&r->place_str);
    am_arena_release(&r->strs);
    memset(r, 0, sizeof(*r));
}

#define RESIZE(field, cap) ((field) = am_realloc((field), (cap) * sizeof(*(field))))

static void ensure(struct am__link_records *r)
{
    if (r->n < r->cap)
        return;
    r->cap = r->cap ? r->cap * 2 : 1024;
    size_t *cap = &r->cap;
    RESIZE(r->id, *cap);
    RESIZE(r->old_person, *cap);
    RESIZE(r->reviewed, *cap);
    RESIZE(r->rp_flags, *cap);
    RESIZE(r->rp_weight, *cap);
    RESIZE(r->rp_at, *cap);
    RESIZE(r->source, *cap);
    RESIZE(r->snap, *cap);
    RESIZE(r->given, *cap);
    RESIZE(r->n_given, *cap);
    RESIZE(r->sur, *cap);
    RESIZE(r->n_sur, *cap);
    RESIZE(r->words, *cap);
    RESIZE(r->n_words, *cap);
    RESIZE(r->given_key, *cap);
    RESIZE(r->sur_key, *cap);
    RESIZE(r->cedula, *cap);
    RESIZE(r->cedula_len, *cap);
    RESIZE(r->cedula_kind, *cap);
    RESIZE(r->nationality, *cap);
    RESIZE(r->birth, *cap);
    RESIZE(r->sex, *cap);
    RESIZE(r->state, *cap);
    RESIZE(r->facility, *cap);
    RESIZE(r->sensitivity, *cap);
    RESIZE(r->name_off, *cap);
}

static uint32_t intern_token(struct am__link_records *r, const char *s)
{
    struct am__link_tokens *t = &r->tok;
    int64_t id;
    if (!s || !*s)
        return 0;
    if (am_strmap_get(&t->map, s, &id)) {
        t->count.v[id]++;
        return (uint32_t)id;
    }
    id = (int64_t)t->str.n;
    am_strmap_put(&t->map, s, id);
    AM_VEC_PUSH(&t->str, am_arena_strdup(&r->strs, s));
    size_t len = strlen(s);
    AM_VEC_PUSH(&t->len, (uint8_t)(len > 255 ? 255 : len));
    struct am_buf ph;
    am_buf_init(&ph);
    am_phonetic_key(s, &ph);
    int64_t pid;
    if (!am_strmap_get(&t->phon_map, ph.ptr, &pid)) {
        pid = t->n_phon++;
        am_strmap_put(&t->phon_map, ph.ptr, pid);
    }
    am_buf_release(&ph);
    AM_VEC_PUSH(&t->phon, (uint32_t)pid);
    AM_VEC_PUSH(&t->count, 1);
    return (uint32_t)id;
}

static uint32_t intern_key(struct am__link_records *r, struct am__link_keytab *k, const char *s)
{
    int64_t id;
    if (!s || !*s)
        return 0;
    k->known++;
    if (am_strmap_get(&k->map, s, &id)) {
        k->count.v[id]++;
        return (uint32_t)id;
    }
    id = (int64_t)k->count.n;
    am_strmap_put(&k->map, s, id);
    AM_VEC_PUSH(&k->count, 1);
    AM_VEC_PUSH(&k->str, am_arena_strdup(&r->strs, s));
    return (uint32_t)id;
}

static uint32_t intern_place(struct am__link_records *r, const char *raw, int facility,
                             struct am_buf *tmp)
{
    if (!raw || !*raw)
        return 0;
    if (facility) {
        am_facility_key(raw, tmp);
    } else {
        am_buf_reset(tmp);
        am_name_normalize(raw, tmp);
    }
    if (tmp->len == 0)
        return 0;
    int64_t id;
    if (am_strmap_get(&r->places, tmp->ptr, &id))
        return (uint32_t)id;
    id = (int64_t)r->place_str.n;
    am_strmap_put(&r->places, tmp->ptr, id);
    AM_VEC_PUSH(&r->place_str, am_arena_strdup(&r->strs, tmp->ptr));
    return (uint32_t)id;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted tokens joined by one space: a key that ignores order. */
static void sorted_key(const char *const *tok, int n, struct am_buf *out)
{
    const char *s[4];
    int k = 0;
    for (int i = 0; i < n && k < 4; i++)
        if (tok[i] && *tok[i])
            s[k++] = tok[i];
    qsort(s, (size_t)k, sizeof(s[0]), cmp_str);
    am_buf_reset(out);
    for (int i = 0; i < k; i++) {
        if (i)
            am_buf_addc(out, ' ');
        am_buf_adds(out, s[i]);
    }
}

static int parse_iso(const char *s, int32_t *days)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int y = 0, m = 0, d = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -1;
    }
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    *days = am_days_from_civil(y, m, d);
    return 0;
}

static int32_t parse_birth(const char *s)
{
    int32_t days;
    if (!s || !*s)
        return AM__LINK_MISSING_DATE;
    if (parse_iso(s, &days) == 0)
        return days;
    if (am_date_parse(s, &days, NULL, 0) == 0)
        return days;
    return AM__LINK_MISSING_DATE;
}

static uint32_t parse_cedula(const char *s, uint8_t *len)
{
    *len = 0;
    if (!s)
        return 0;
    uint64_t v = 0;
    int digits = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (digits == 0 && *s == '0')
                continue; /* leading zeros */
            v = v * 10 + (uint64_t)(*s - '0');
            if (++digits > 9)
                return 0;
        }
    }
    if (v == 0 || v > UINT32_MAX)
        return 0;
    *len = (uint8_t)digits;
    return (uint32_t)v;
}

void am__link_records_add(struct am__link_records *r, int64_t id, uint32_t source,
                          int64_t old_person, int reviewed, const char *given_names,
                          const char *surnames, const char *full_name, const char *name_order,
                          const char *cedula_kind, const char *cedula, const char *sex,
                          const char *birth_date, const char *nationality, const char *state, const char *facility, const char *sensitivity,
                          struct am_arena *scratch)
{
    ensure(r);

    size_t i = r->n++;
    r->id[i] = id;
    r->source[i] = source;
    r->snap[i] = source;
    r->old_person[i] = old_person;
    r->reviewed[i] = (uint8_t)(reviewed != 0);
    r->rp_flags[i] = 0;
    r->rp_weight[i] = 0;
    r->rp_at[i] = 0;

    /* The name as the list wrote it: import's split of a full name is a guess, so a
     * full name is parsed here again (keeping only a declared surnames-first order);
     * given names and surnames from separate columns are taken as they are. */
    struct am_name nm;
    int split = name_order && strcmp(name_order, "split") == 0;
    if (!split && full_name && *full_name) {
        enum am_name_order hint = AM_ORDER_UNKNOWN;
        if (name_order && strcmp(name_order, "surnames_first") == 0)
            hint = AM_ORDER_SURNAMES_FIRST;
        am_name_parse(full_name, hint, scratch, &nm);
    } else
        am_name_parse_split(given_names, surnames, scratch, &nm);
    int ng = nm.n_given < AM__LINK_NGIVEN ? nm.n_given : AM__LINK_NGIVEN;
    int ns = nm.n_surnames < 2 ? nm.n_surnames : 2;
    memset(r->given[i], 0, sizeof(r->given[i]));
    memset(r->sur[i], 0, sizeof(r->sur[i]));
    int k = 0;
    const char *given_c[AM__LINK_NGIVEN];
    for (int g = 0; g < ng; g++) {
        /* A nickname compares as the name it stands for ("pepe" as "jose"). */
        const char *canon = nm.given[g] ? am_nickname_canonical(nm.given[g]) : NULL;
        given_c[g] = canon ? canon : nm.given[g];
        if (given_c[g] && *given_c[g])
            r->given[i][k++] = intern_token(r, given_c[g]);
    }
    r->n_given[i] = (uint8_t)k;
    k = 0;
    for (int s = 0; s < ns; s++)
        if (nm.surnames[s] && *nm.surnames[s])
            r->sur[i][k++] = intern_token(r, nm.surnames[s]);
    r->n_sur[i] = (uint8_t)k;
    r->sur[i][2] = intern_token(r, nm.married);
    /* "GUSTAVO LANDAETA AZUAJE": nothing said which words are surnames. Keep the words
     * in written order so that comparisons can try the other readings. */
    r->n_words[i] = 0;
    memset(r->words[i], 0, sizeof(r->words[i]));
    /* A comma states where the surnames end whatever order a mapping declared
     * ("HERNANDEZ MARQUEZ, LUIS" under `order surnames_first`): such a name is read as
     * written, not guessed, so that "hernandez" stays a surname in every key. */
    int nw = r->n_given[i] + r->n_sur[i];
    int comma = !split && full_name && strchr(full_name, ',') != NULL;
    if (nm.order_why && !comma && !r->sur[i][2] && nw >= 2 && nw <= 5 &&
        (strcmp(nm.order_why, "default") == 0 || strcmp(nm.order_why, "mapping") == 0)) {
        int k2 = 0;
        if (nm.order == AM_ORDER_SURNAMES_FIRST) {
            for (int x = 0; x < r->n_sur[i]; x++)
                r->words[i][k2++] = r->sur[i][x];
            for (int x = 0; x < r->n_given[i]; x++)
                r->words[i][k2++] = r->given[i][x];
        } else {
            for (int x = 0; x < r->n_given[i]; x++)
                r->words[i][k2++] = r->given[i][x];
            for (int x = 0; x < r->n_sur[i]; x++)
                r->words[i][k2++] = r->sur[i][x];
        }
        r->n_words[i] = (uint8_t)k2;
    }
    struct am_buf tmp;
    am_buf_init(&tmp);
    sorted_key(given_c, ng, &tmp);
    r->given_key[i] = intern_key(r, &r->gkeys, tmp.ptr);
    sorted_key(nm.surnames, ns, &tmp);
    r->sur_key[i] = intern_key(r, &r->skeys, tmp.ptr);

    r->cedula[i] = parse_cedula(cedula, &r->cedula_len[i]);
    r->cedula_kind[i] = (r->cedula[i] && cedula_kind && (cedula_kind[0] == 'V' ||
                                                          cedula_kind[0] == 'E'))
                            ? cedula_kind[0]
                            : 0;
    r->birth[i] = parse_birth(birth_date);
    r->nationality[i] = 0;
    if (nationality && *nationality) {
        int64_t nid;
        if (!am_strmap_get(&r->nats, nationality, &nid)) {
            nid = (int64_t)r->nat_str.n;
            am_strmap_put(&r->nats, nationality, nid);
            AM_VEC_PUSH(&r->nat_str, am_arena_strdup(&r->strs, nationality));
        }
        r->nationality[i] = (uint32_t)nid;
    }
    r->sex[i] = (sex && (sex[0] == 'F' || sex[0] == 'M')) ? sex[0] : 0;
    r->state[i] = intern_place(r, state, 0, &tmp);
    r->facility[i] = intern_place(r, facility, 1, &tmp);
    r->sensitivity[i] = 1;
    if (sensitivity && strcmp(sensitivity, "public") == 0)
        r->sensitivity[i] = 0;
    else if (sensitivity && strcmp(sensitivity, "sealed") == 0)
        r->sensitivity[i] = 2;

    r->name_off[i] = (uint32_t)r->names.len;
    if (full_name && *full_name)
        am_buf_adds(&r->names, full_name);
    else {
        am_buf_adds(&r->names, given_names ? given_names : "");
        am_buf_addc(&r->names, ' ');
        am_buf_adds(&r->names, surnames ? surnames : "");
    }
    am_buf_addc(&r->names, '\0');
    am_buf_release(&tmp);
}

void am__link_records_set_row(struct am__link_records *r, size_t i, int has_weight,
                              double weight, const char *decided_by, const char *decided_at)
{
    static const char *const by_name[3] = {"auto", "review", "import"};
    unsigned by = AM__LINK_BY_OTHER;
    for (unsigned k = 0; k < 3; k++)
        if (decided_by && strcmp(decided_by, by_name[k]) == 0)
            by = k;
    int64_t at = 0;
    if (decided_at && *decided_at && !am_strmap_get(&r->rp_at_map, decided_at, &at)) {
        at = (int64_t)r->rp_at_str.n;
        AM_VEC_PUSH(&r->rp_at_str, am_arena_strdup(&r->strs, decided_at));
        am_strmap_put(&r->rp_at_map, decided_at, at);
    }
    r->rp_flags[i] = (uint8_t)(AM__LINK_RP_PRESENT | (has_weight ? AM__LINK_RP_WEIGHT : 0) |
                               by << AM__LINK_RP_BY_SHIFT);
    r->rp_weight[i] = has_weight ? weight : 0;
    r->rp_at[i] = (uint32_t)at;
}

long am__link_records_find(const struct am__link_records *r, int64_t id)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < r->n && r->id[lo] == id) ? (long)lo : -1;
}

static const char load_sql[] =
    "SELECT r.id, s.source_id, rp.person_id, rp.decided_by, r.given_names, r.surnames,"
    " r.full_name, r.name_order, r.cedula_kind, r.cedula, r.sex, r.birth_date,"
    " r.nationality, r.state, r.facility, r.sensitivity, rp.decided_at, rp.weight,"
    " r.snapshot_id"
    " FROM record r JOIN snapshot s ON s.id = r.snapshot_id"
    " LEFT JOIN record_person rp ON rp.record_id = r.id"
    " ORDER BY r.id";

/* Loading is a two-stage pipeline: a reader thread steps the query and copies each
 * batch of rows into an arena while this thread parses and interns the batch before.
 * The records are added in the query's order, so the result is the same as one loop. */
#define LOAD_BATCH 4096
#define LOAD_COLS 17 /* text columns 3..16; 17 (the weight) is kept apart */

struct load_batch {
    struct am_arena strs;
    size_t n;
    int64_t num[LOAD_BATCH][4]; /* id, source, person (0 when NULL), snapshot */
    double weight[LOAD_BATCH];
    uint8_t has_weight[LOAD_BATCH];
    const char *col[LOAD_BATCH][LOAD_COLS];
    int full;                   /* filled by the reader, not yet used */
};

struct loader {
    struct am_stmt *st;
    struct load_batch b[2];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, rc;              /* reader finished; its last am_stmt_step result */
    struct am_err err;
};

static void *load_reader(void *arg)
{
    struct loader *l = arg;
    int rc = 1;
    for (int k = 0; rc == 1; k ^= 1) {
        struct load_batch *b = &l->b[k];
        pthread_mutex_lock(&l->mu);
        while (b->full)
            pthread_cond_wait(&l->cv, &l->mu);
        pthread_mutex_unlock(&l->mu);
        am_arena_release(&b->strs);
        am_arena_init(&b->strs);
        b->n = 0;
        while (b->n < LOAD_BATCH && (rc = am_stmt_step(l->st, &l->err)) == 1) {
            size_t i = b->n++;
            b->num[i][0] = am_stmt_int64(l->st, 0);
            b->num[i][1] = am_stmt_int64(l->st, 1);
            b->num[i][2] = am_stmt_is_null(l->st, 2) ? 0 : am_stmt_int64(l->st, 2);
            for (int c = 3; c < LOAD_COLS; c++) {
                const char *t = am_stmt_text(l->st, c);
                b->col[i][c] = t ? am_arena_strdup(&b->strs, t) : NULL;
            }
            b->num[i][3] = am_stmt_int64(l->st, LOAD_COLS + 1);
            b->has_weight[i] = !am_stmt_is_null(l->st, LOAD_COLS);
            b->weight[i] = b->has_weight[i] ? am_stmt_double(l->st, LOAD_COLS) : 0;
        }
        pthread_mutex_lock(&l->mu);
        b->full = 1;
        if (rc != 1) {
            l->done = 1;
            l->rc = rc;
        }
        pthread_cond_broadcast(&l->cv);
        pthread_mutex_unlock(&l->mu);
    }
    return NULL;
}

int am__link_records_load(struct am__link_records *r, struct am_store *store, struct am_err *err)
{
    struct am_stmt *st = am_stmt_prepare(store, load_sql, err);
    if (!st)
        return -1;
    struct loader *l = am_calloc(1, sizeof(*l));
    l->st = st;
    l->err = (struct am_err)AM_ERR_INIT;
    am_arena_init(&l->b[0].strs);
    am_arena_init(&l->b[1].strs);
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    pthread_t tid;
    int threaded = pthread_create(&tid, NULL, load_reader, l) == 0;
    struct am_arena scratch;
    am_arena_init(&scratch);
    for (int k = 0; threaded; k ^= 1) {
        struct load_batch *b = &l->b[k];
        pthread_mutex_lock(&l->mu);
        while (!b->full && !l->done)
            pthread_cond_wait(&l->cv, &l->mu);
        int have = b->full;
        pthread_mutex_unlock(&l->mu);
        if (!have)
            break;
        for (size_t i = 0; i < b->n; i++) {
            const char *const *c = b->col[i];
            const char *by = c[3];
            am__link_records_add(r, b->num[i][0], (uint32_t)b->num[i][1], b->num[i][2],
                                 by && strcmp(by, "review") == 0, c[4], c[5], c[6], c[7], c[8],
                                 c[9], c[10], c[11], c[12], c[13], c[14], c[15], &scratch);
            r->snap[r->n - 1] = (uint32_t)b->num[i][3];
            if (b->num[i][2])
                am__link_records_set_row(r, r->n - 1, b->has_weight[i], b->weight[i], by,
                                         c[16]);
        }
        /* Parsed names are needed only until interned. */
        am_arena_release(&scratch);
        am_arena_init(&scratch);
        pthread_mutex_lock(&l->mu);
        b->full = 0;
        int last = l->done && !l->b[k ^ 1].full;
        pthread_cond_broadcast(&l->cv);
        pthread_mutex_unlock(&l->mu);
        if (last)
            break;
    }
    if (threaded)
        pthread_join(tid, NULL);
    else {
        /* No second thread: read and add row by row. */
        int step;
        while ((step = am_stmt_step(st, &l->err)) == 1) {
            const char *by = am_stmt_text(st, 3);
            am__link_records_add(r, am_stmt_int64(st, 0), (uint32_t)am_stmt_int64(st, 1),
                                 am_stmt_is_null(st, 2) ? 0 : am_stmt_int64(st, 2),
                                 by && strcmp(by, "review") == 0, am_stmt_text(st, 4),
                                 am_stmt_text(st, 5), am_stmt_text(st, 6), am_stmt_text(st, 7),
                                 am_stmt_text(st, 8), am_stmt_text(st, 9), am_stmt_text(st, 10),
                                 am_stmt_text(st, 11), am_stmt_text(st, 12), am_stmt_text(st, 13),
                                 am_stmt_text(st, 14), am_stmt_text(st, 15), &scratch);
            r->snap[r->n - 1] = (uint32_t)am_stmt_int64(st, LOAD_COLS + 1);
            if (!am_stmt_is_null(st, 2))
                am__link_records_set_row(r, r->n - 1, !am_stmt_is_null(st, LOAD_COLS),
                                         am_stmt_double(st, LOAD_COLS), by,
                                         am_stmt_text(st, 16));
            if (r->n % LOAD_BATCH == 0) {
                am_arena_release(&scratch);
                am_arena_init(&scratch);
            }
        }
        l->rc = step;
    }
    am_arena_release(&scratch);
    am_arena_release(&l->b[0].strs);
    am_arena_release(&l->b[1].strs);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    am_stmt_finalize(st);
    int rc = l->rc;
    if (rc < 0 && err)
        *err = l->err;
    am_free(l);
    return rc < 0 ? -1 : 0;
}
