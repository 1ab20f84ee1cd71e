/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Test fixtures for linking: a temporary registry, records inserted as import would
 * (one person per record, an event per record), and a small deterministic synthetic
 * population listed several times with the errors lists make. The names are invented
 * combinations of common Spanish names; no real person is described.
 */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct am_store *fx_open(char *path, size_t n, const char *name)
{
    snprintf(path, n, "%s/test_link_%s_%d.db", AM_BINARY_DIR, name, (int)getpid());
    unlink(path);
    char side[600];
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    if (!s)
        am_err_print(&err, stderr);
    return s;
}

void fx_remove(const char *path)
{
    char side[600];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

static int64_t scalar(struct am_store *s, const char *sql, int64_t arg)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(s, sql, &err);
    if (!st)
        return -1;
    if (arg)
        am_stmt_bind_int64(st, 1, arg, &err);
    int64_t v = am_stmt_step(st, &err) == 1 ? am_stmt_int64(st, 0) : -1;
    am_stmt_finalize(st);
    return v;
}

int64_t fx_scalar(struct am_store *s, const char *sql, int64_t arg) { return scalar(s, sql, arg); }

int64_t fx_snapshot(struct am_store *s, const char *source)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(s, "INSERT OR IGNORE INTO source(name, kind) VALUES (?1, 'ngo')", &err);
    am_stmt_bind_text(st, 1, source, &err);
    am_stmt_step(st, &err);
    am_stmt_finalize(st);
    st = am_stmt_prepare(s, "SELECT id FROM source WHERE name = ?1", &err);
    am_stmt_bind_text(st, 1, source, &err);
    am_stmt_step(st, &err);
    int64_t src = am_stmt_int64(st, 0);
    am_stmt_finalize(st);
    static int serial;
    char sha[32];
    snprintf(sha, sizeof(sha), "sha-%d-%d", (int)getpid(), ++serial);
    st = am_stmt_prepare(s,
                         "INSERT INTO snapshot(source_id, title, as_of, imported_at, file_sha256,"
                         " file_name) VALUES (?1, ?2, '2026-11-01', '2026-11-29T00:00:00Z', ?3,"
                         " 'fixture.csv')",
                         &err);
    am_stmt_bind_int64(st, 1, src, &err);
    am_stmt_bind_text(st, 2, source, &err);
    am_stmt_bind_text(st, 3, sha, &err);
    am_stmt_step(st, &err);
    am_stmt_finalize(st);
    return am_store_last_insert_id(s);
}

int64_t fx_record(struct am_store *s, int64_t snapshot, const struct fx_rec *r)
{
    struct am_err err = AM_ERR_INIT;
    int64_t row = scalar(s, "SELECT count(*) + 1 FROM record WHERE snapshot_id = ?1", snapshot);
    struct am_stmt *st = am_stmt_prepare(
        s,
        "INSERT INTO record(snapshot_id, row_no, line_no, list_id, raw, given_names, surnames,"
        " full_name, name_order, cedula_kind, cedula, sex, birth_date, state, facility,"
        " sensitivity, arrest_date) VALUES (?1, ?2, ?2, ?3, '{}', ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " ?11, ?12, ?13, ?14, ?15)",
        &err);
    am_stmt_bind_int64(st, 1, snapshot, &err);
    am_stmt_bind_int64(st, 2, row, &err);
    am_stmt_bind_text(st, 3, r->list_id, &err);
    am_stmt_bind_text(st, 4, r->given, &err);
    am_stmt_bind_text(st, 5, r->surnames, &err);
    char full[256];
    if (r->full)
        snprintf(full, sizeof(full), "%s", r->full);
    else
        snprintf(full, sizeof(full), "%s %s", r->given ? r->given : "",
                 r->surnames ? r->surnames : "");
    am_stmt_bind_text(st, 6, full, &err);
    am_stmt_bind_text(st, 7, r->full ? NULL : "split", &err);
    am_stmt_bind_text(st, 8, r->cedula && *r->cedula ? "V" : NULL, &err);
    am_stmt_bind_text(st, 9, r->cedula && *r->cedula ? r->cedula : NULL, &err);
    am_stmt_bind_text(st, 10, r->sex, &err);
    am_stmt_bind_text(st, 11, r->birth, &err);
    am_stmt_bind_text(st, 12, r->state, &err);
    am_stmt_bind_text(st, 13, r->facility, &err);
    am_stmt_bind_text(st, 14, r->sensitivity ? r->sensitivity : "restricted", &err);
    am_stmt_bind_text(st, 15, r->arrest, &err);
    if (am_stmt_step(st, &err) < 0) {
        am_err_print(&err, stderr);
        am_stmt_finalize(st);
        return -1;
    }
    am_stmt_finalize(st);
    int64_t rec = am_store_last_insert_id(s);
    /* As import does: a person of its own, and an event that came from the record. */
    st = am_stmt_prepare(s, "INSERT INTO person(display_name) VALUES (?1)", &err);
    am_stmt_bind_text(st, 1, full, &err);
    am_stmt_step(st, &err);
    am_stmt_finalize(st);
    int64_t person = am_store_last_insert_id(s);
    st = am_stmt_prepare(s,
                         "INSERT INTO record_person(record_id, person_id, weight, decided_by,"
                         " decided_at) VALUES (?1, ?2, 1.0, 'import', '2026-11-29T00:00:00Z')",
                         &err);
    am_stmt_bind_int64(st, 1, rec, &err);
    am_stmt_bind_int64(st, 2, person, &err);
    am_stmt_step(st, &err);
    am_stmt_finalize(st);
    st = am_stmt_prepare(s,
                         "INSERT INTO event(person_id, type, date, record_id) VALUES (?1,"
                         " 'arrest', '2025-01-01', ?2)",
                         &err);
    am_stmt_bind_int64(st, 1, person, &err);
    am_stmt_bind_int64(st, 2, rec, &err);
    am_stmt_step(st, &err);
    am_stmt_finalize(st);
    return rec;
}

int64_t fx_person_of(struct am_store *s, int64_t record)
{
    return scalar(s, "SELECT person_id FROM record_person WHERE record_id = ?1", record);
}

/* ---- a synthetic population -------------------------------------------------------- */

static const char *const male[] = {"José", "Luis", "Carlos", "Juan", "Jesús", "Pedro", "Miguel",
                                   "Rafael", "Antonio", "Manuel", "Francisco", "Ángel", "Víctor",
                                   "Ramón", "Eduardo", "Alejandro", "Gustavo", "Wilmer",
                                   "Yonathan", "Henry"};
static const char *const female[] = {"María", "Ana", "Carmen", "Luisa", "Rosa", "Yolanda",
                                     "Gabriela", "Andreína", "Daniela", "Mariela", "Yelitza",
                                     "Carolina", "Josefina", "Beatriz", "Xiomara", "Nelly",
                                     "Isabel", "Elena", "Milagros", "Zulay"};
/* Common first, so that some names are frequent (the José González problem). */
static const char *const surnames[] = {
    "González", "Rodríguez", "Pérez", "Hernández", "García", "Martínez", "López", "Díaz",
    "Sánchez", "Ramírez", "Torres", "Rojas", "Flores", "Medina", "Castillo", "Vargas",
    "Gutiérrez", "Mendoza", "Silva", "Suárez", "Uzcátegui", "Briceño", "Quintero", "Villegas",
    "Betancourt", "Zambrano", "Chacón", "Albornoz", "Urdaneta", "Echenique", "Peñaloza",
    "Barrios", "Colmenares", "Montilla", "Sifontes", "Azuaje", "Landaeta", "Guevara",
    "De La Cruz", "Da Silva"};
static const char *const states[] = {"Zulia", "Lara", "Carabobo", "Miranda", "Distrito Capital",
                                     "Táchira", "Mérida", "Bolívar"};

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned pick(uint64_t *s, unsigned n, int skew)
{
    /* skew: squares a uniform number so that the first entries are much more frequent. */
    double u = (double)(rng_next(s) >> 11) / 9007199254740992.0;
    if (skew)
        u = u * u;
    unsigned k = (unsigned)(u * n);
    return k < n ? k : n - 1;
}

static double unif(uint64_t *s) { return (double)(rng_next(s) >> 11) / 9007199254740992.0; }

/* One typo: two adjacent letters swapped (ASCII letters only, so UTF-8 stays valid). */
static void typo(char *s, uint64_t *rng)
{
    size_t n = strlen(s);
    for (int tries = 0; tries < 8 && n > 3; tries++) {
        size_t i = 1 + pick(rng, (unsigned)(n - 2), 0);
        if (i + 1 < n && (unsigned char)s[i] < 0x80 && (unsigned char)s[i + 1] < 0x80 &&
            s[i] != ' ' && s[i + 1] != ' ' && s[i] != s[i + 1]) {
            char t = s[i];
            s[i] = s[i + 1];
            s[i + 1] = t;
            return;
        }
    }
}

static void strip_upper(const char *in, char *out, size_t n)
{
    /* Upper case without accents, as many official lists write names. */
    static const char *const from[] = {"á", "é", "í", "ó", "ú", "Á", "É", "Í", "Ó", "Ú", "ñ", "Ñ"};
    static const char to[] = {'A', 'E', 'I', 'O', 'U', 'A', 'E', 'I', 'O', 'U', 'N', 'N'};
    size_t o = 0;
    for (const char *p = in; *p && o + 1 < n;) {
        int done = 0;
        for (size_t k = 0; k < sizeof(to); k++) {
            size_t l = strlen(from[k]);
            if (strncmp(p, from[k], l) == 0) {
                out[o++] = to[k];
                p += l;
                done = 1;
                break;
            }
        }
        if (!done) {
            char c = *p++;
            out[o++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        }
    }
    out[o] = 0;
}

/* Digits of s from off, n of them, as a number. */
static int digits_at(const char *s, int off, int n)
{
    int v = 0;
    for (int k = 0; k < n; k++)
        v = v * 10 + (s[off + k] - '0');
    return v;
}

void fx_population(struct fx_population *pop, size_t persons, uint64_t seed)
{
    memset(pop, 0, sizeof(*pop));
    pop->n_persons = persons;
    pop->people = am_calloc(persons, sizeof(*pop->people));
    uint64_t s = seed;
    for (size_t i = 0; i < persons; i++) {
        struct fx_person *p = &pop->people[i];
        int f = unif(&s) < 0.3;
        p->sex = f ? "F" : "M";
        const char *const *g = f ? female : male;
        snprintf(p->given1, sizeof(p->given1), "%s", g[pick(&s, 20, 1)]);
        if (unif(&s) < 0.6)
            snprintf(p->given2, sizeof(p->given2), "%s", g[pick(&s, 20, 0)]);
        snprintf(p->sur1, sizeof(p->sur1), "%s", surnames[pick(&s, 40, 1)]);
        snprintf(p->sur2, sizeof(p->sur2), "%s", surnames[pick(&s, 40, 1)]);
        snprintf(p->cedula, sizeof(p->cedula), "%u", 5000000u + (unsigned)(rng_next(&s) % 25000000u));
        int y = 1955 + (int)pick(&s, 50, 0), m = 1 + (int)pick(&s, 12, 0), d = 1 + (int)pick(&s, 28, 0);
        snprintf(p->birth, sizeof(p->birth), "%04d-%02d-%02d", y, m, d);
        p->state = states[pick(&s, 8, 0)];
    }
    /* Arrest dates from a stream of their own (the draws above stay as they were): half
     * on the days of a few waves, half spread over 2014-2026. */
    static const int waves[][3] = {{2014, 2, 12}, {2017, 7, 30}, {2019, 1, 23}, {2024, 7, 29},
                                   {2024, 8, 3}};
    uint64_t t = seed ^ 0xa5a5a5a5a5a5a5a5ull;
    for (size_t i = 0; i < persons; i++) {
        struct fx_person *p = &pop->people[i];
        if (unif(&t) < 0.5) {
            const int *w = waves[pick(&t, 5, 0)];
            int32_t d = am_days_from_civil(w[0], w[1], w[2]) + (int32_t)pick(&t, 10, 0);
            am_format_date(d, p->arrest);
        } else
            am_format_date(am_days_from_civil(2014, 1, 1) + (int32_t)pick(&t, 4700, 0), p->arrest);
    }
}

void fx_population_release(struct fx_population *pop)
{
    am_free(pop->people);
    am_free(pop->listed);
    memset(pop, 0, sizeof(*pop));
}

int fx_list(struct fx_population *pop, struct am_store *store, const char *source, double coverage,
            double error, uint64_t seed)
{
    uint64_t s = seed;
    int64_t snap = fx_snapshot(store, source);
    for (size_t i = 0; i < pop->n_persons; i++) {
        if (unif(&s) >= coverage)
            continue;
        struct fx_person *p = &pop->people[i];
        char given[96], sur[96], full[200], ced[16], birth[40];
        snprintf(given, sizeof(given), "%s%s%s", p->given1, p->given2[0] ? " " : "", p->given2);
        if (p->given2[0] && unif(&s) < error * 2)
            snprintf(given, sizeof(given), "%s", p->given1); /* second name dropped */
        snprintf(sur, sizeof(sur), "%s %s", p->sur1, p->sur2);
        if (unif(&s) < error * 2)
            snprintf(sur, sizeof(sur), "%s", p->sur1); /* second surname dropped */
        if (unif(&s) < error)
            typo(sur, &s);
        if (unif(&s) < error / 2)
            typo(given, &s);
        snprintf(ced, sizeof(ced), "%s", p->cedula);
        if (unif(&s) < error * 2)
            ced[0] = 0; /* missing */
        else if (unif(&s) < error / 2 && strlen(ced) > 3) {
            char t = ced[2];
            ced[2] = ced[3];
            ced[3] = t;
        }
        snprintf(birth, sizeof(birth), "%s", p->birth);
        double e = unif(&s);
        if (e < error * 2)
            birth[0] = 0;
        else if (e < error * 2.5) {
            /* Day and month swapped (when that is still a date). */
            if (birth[8] < '2' && !(birth[8] == '1' && birth[9] > '2')) {
                char d0 = birth[8], d1 = birth[9];
                birth[8] = birth[5];
                birth[9] = birth[6];
                birth[5] = d0;
                birth[6] = d1;
            }
        } else if (e < error * 3)
            birth[3] = birth[3] == '9' ? '8' : (char)(birth[3] + 1); /* year off */
        struct fx_rec r = {0};
        double form = unif(&s);
        if (form < 0.15) {
            /* Upper case, one given name, no comma: which words are surnames is a guess. */
            char u[200];
            snprintf(full, sizeof(full), "%s %s", p->given1, sur);
            strip_upper(full, u, sizeof(u));
            snprintf(full, sizeof(full), "%s", u);
            r.full = full;
        } else if (form < 0.55) {
            /* Upper case without accents, surnames first with a comma. */
            char us[96], ug[96];
            strip_upper(sur, us, sizeof(us));
            strip_upper(given, ug, sizeof(ug));
            snprintf(full, sizeof(full), "%s, %s", us, ug);
            r.full = full;
        } else {
            r.given = given;
            r.surnames = sur;
        }
        r.cedula = ced[0] ? ced : NULL;
        r.birth = birth[0] ? birth : NULL;
        r.sex = unif(&s) < error ? NULL : p->sex;
        r.state = p->state;
        /* The arrest date, from its own stream: missing, or a few days off, at the rate. */
        uint64_t t = seed ^ (0x9e3779b97f4a7c15ull * (i + 1));
        char arrest[16];
        snprintf(arrest, sizeof(arrest), "%s", p->arrest);
        double ea = unif(&t);
        if (ea < error * 2)
            arrest[0] = 0;
        else if (ea < error * 3) {
            int y, m, d;
            am_civil_from_days(am_days_from_civil(digits_at(arrest, 0, 4), digits_at(arrest, 5, 2),
                                                  digits_at(arrest, 8, 2)) +
                                   1 + (int32_t)pick(&t, 5, 0),
                               &y, &m, &d);
            snprintf(arrest, sizeof(arrest), "%04d-%02d-%02d", y, m, d);
        }
        r.arrest = arrest[0] ? arrest : NULL;
        int64_t id = fx_record(store, snap, &r);
        if (id < 0)
            return -1;
        if (pop->n_listed == pop->cap_listed) {
            pop->cap_listed = pop->cap_listed ? pop->cap_listed * 2 : 1024;
            pop->listed = am_realloc(pop->listed, pop->cap_listed * sizeof(*pop->listed));
        }
        pop->listed[pop->n_listed++] = (struct fx_listed){id, (int64_t)i};
    }
    return 0;
}

void fx_pairwise(struct fx_population *pop, struct am_store *store, double *precision,
                 double *recall)
{
    /* Pairs of listed records: same truth person vs same linked person. */
    size_t n = pop->n_listed;
    int64_t *linked = am_malloc((n ? n : 1) * sizeof(int64_t));
    for (size_t i = 0; i < n; i++)
        linked[i] = fx_person_of(store, pop->listed[i].record);
    uint64_t tp = 0, fp = 0, fn = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            int truth = pop->listed[i].truth == pop->listed[j].truth;
            int got = linked[i] == linked[j];
            tp += truth && got;
            fp += !truth && got;
            fn += truth && !got;
        }
    *precision = tp + fp ? (double)tp / (double)(tp + fp) : 1;
    *recall = tp + fn ? (double)tp / (double)(tp + fn) : 1;
    am_free(linked);
}
