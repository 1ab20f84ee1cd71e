/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to synth/: the random generator, the catalogs read from data/, the compact
 * person record, and the list habits. Shared by rng.c, catalog.c, population.c, render.c,
 * lists.c and synth.c; nothing outside src/synth/ includes it.
 */
#ifndef AMNISTIA_SYNTH_INT_H
#define AMNISTIA_SYNTH_INT_H

#include "amnistia/core.h"
#include "amnistia/registry.h"
#include "amnistia/synth.h"

/* ---- random numbers: xoshiro256** seeded by splitmix64 (no rand(), no clock) ---------- */

struct am__synth_rng {
    uint64_t s[4];
};
/* Seeds an independent stream: the same (seed, stream) always gives the same numbers. */
void am__synth_rng_seed(struct am__synth_rng *r, uint64_t seed, uint64_t stream);
uint64_t am__synth_u64(struct am__synth_rng *r);
double am__synth_unit(struct am__synth_rng *r);                             /* [0, 1) */
uint32_t am__synth_below(struct am__synth_rng *r, uint32_t n);              /* [0, n), n > 0 */
int32_t am__synth_between(struct am__synth_rng *r, int32_t lo, int32_t hi); /* [lo, hi] */
int am__synth_chance(struct am__synth_rng *r, double p);
/* Approximately standard normal (Irwin-Hall of 12 uniforms): exact arithmetic, no libm,
 * so the bytes do not depend on the C library. */
double am__synth_normal(struct am__synth_rng *r);
/* Natural logarithm in exact arithmetic (no libm), and a Bernoulli draw with probability
 * 1 / (1 + e^-x) — the logistic capture models of lists.c. */
double am__synth_ln(double x);
int am__synth_logit_chance(struct am__synth_rng *r, double x);
/* Index into a cumulative weight table cum[0..n) (cum[n-1] is the total). */
size_t am__synth_pick(const uint64_t *cum, size_t n, struct am__synth_rng *r);

/* ---- catalogs (data/) ------------------------------------------------------------------ */

struct am__synth_name {
    const char *text;
    const char *nick[3];
    uint8_t n_nick;
    uint8_t second_only; /* "Del Valle", "Del Carmen": only as a second given name */
};

struct am__synth_names {
    struct am__synth_name *v;
    uint64_t *cum;
    size_t n;
};

struct am__synth_facility {
    const char *name, *state, *agency;
    char sex; /* 'F', 'M' or 0 for any */
    uint8_t military;
    int from_year, to_year;
    uint64_t weight;
};

struct am__synth_state {
    const char *name;
    const char *cities[8];
    uint8_t n_cities;
};

/* Charge classes (DESIGN §2). */
enum am__synth_class {
    AM__CL_POLITICAL,
    AM__CL_MILITARY,
    AM__CL_HOMICIDE,
    AM__CL_DRUGS,
    AM__CL_COMMON,
    AM__CL__COUNT
};
/* Groups of charges typical of a wave or a kind of case. */
enum am__synth_group {
    AM__G_PROTEST,
    AM__G_ELECTION,
    AM__G_CONSPIRACY,
    AM__G_SANCTIONS,
    AM__G_CIVMIL,
    AM__G_MILITARY,
    AM__G_HOMICIDE,
    AM__G_DRUGS,
    AM__G_COMMON,
    AM__G__COUNT
};

struct am__synth_charge {
    const char *text;
    uint8_t cls;
    uint8_t group;
};

#define AM__SYNTH_MAX_ROWS 256

struct am__synth_catalog {
    struct am_arena arena;
    struct am__synth_names male, female, surnames;
    struct am__synth_facility facility[AM__SYNTH_MAX_ROWS];
    size_t n_facility;
    const char *agency[32];
    uint64_t agency_cum_civil[32], agency_cum_military[32];
    size_t n_agency;
    struct am__synth_state state[32];
    uint64_t state_cum[32];
    size_t n_state;
    struct am__synth_charge charge[AM__SYNTH_MAX_ROWS];
    size_t n_charge;
    /* per group: charge indices and cumulative weights */
    uint8_t group_idx[AM__G__COUNT][64];
    uint64_t group_cum[AM__G__COUNT][64];
    size_t group_n[AM__G__COUNT];
};

/* Loads every synth data file; AM_EINPUT with the file and line for a malformed one. */
int am__synth_catalog_load(struct am__synth_catalog *cat, struct am_err *err);
void am__synth_catalog_release(struct am__synth_catalog *cat);
extern const char *const am__synth_class_names[AM__CL__COUNT];

/* ---- the population ---------------------------------------------------------------------- */

enum am__synth_kind { AM__K_POLITICAL, AM__K_COMMON, AM__K_NEVER };
enum am__synth_wave {
    AM__W_BACKGROUND,
    AM__W_2014,
    AM__W_2017,
    AM__W_2019,
    AM__W_2024,
    AM__W_2025,
    AM__W__COUNT
};

/* Categories (DESIGN §2), bit i = am__synth_category_names[i]. */
#define AM__SYNTH_N_CATEGORIES 12
extern const char *const am__synth_category_names[AM__SYNTH_N_CATEGORIES];
enum {
    AM__CAT_PROTESTER,
    AM__CAT_STUDENT,
    AM__CAT_SOCIAL_ACTIVIST,
    AM__CAT_JOURNALIST,
    AM__CAT_HRD,
    AM__CAT_VICTIMS,
    AM__CAT_LEADER,
    AM__CAT_MILITARY,
    AM__CAT_UNIONIST,
    AM__CAT_OFFICIAL,
    AM__CAT_RELATIVE,
    AM__CAT_OTHER
};

/* Measures imposed at a release with measures, bit i = am__synth_measure_names[i]. */
#define AM__SYNTH_N_MEASURES 6
extern const char *const am__synth_measure_names[AM__SYNTH_N_MEASURES];

#define AM__SYNTH_MAX_EVENTS 12
#define AM__SYNTH_NONE 0xFFFFu

enum { AM__SENS_PUBLIC, AM__SENS_RESTRICTED, AM__SENS_SEALED };
extern const char *const am__synth_sensitivity_names[3];

extern const char *const am__synth_nationality_names[];

/* One person, compact: a million of them fit in about 90 MB. */
struct am__synth_person {
    uint32_t cedula; /* 0: none */
    int32_t birth;   /* days since 1970-01-01 */
    int32_t ev_date[AM__SYNTH_MAX_EVENTS];
    uint8_t ev_type[AM__SYNTH_MAX_EVENTS]; /* enum am_event_type, in date order */
    uint16_t given[2], sur[2], married;    /* name indices, AM__SYNTH_NONE when absent */
    uint16_t categories;
    float z; /* latent visibility shared by all lists: heterogeneous capture */
    uint8_t n_ev, sex, foreign, nationality, adolescent, kind, wave, sensitivity;
    uint8_t n_charges, charges[3], state, city, facility, agency, measures;
};

/* Fixed dates of the simulation (documented in docs/synth.md). */
struct am__synth_dates {
    int32_t end;           /* truth "now": 2026-11-15 */
    int32_t wave26_start;  /* 2026-01-08: the first 2026 releases */
    int32_t process_start; /* 2026-02-19: the amnesty process the official list belongs to */
    int32_t official_as_of;
    int32_t as_of[AM_SYNTH__LIST_COUNT];
};
void am__synth_dates_init(struct am__synth_dates *d);

/* Fills p[0..n) from the rng; the catalogs give names, facilities and charges. */
void am__synth_population(struct am__synth_person *p, size_t n, const struct am__synth_catalog *cat,
                          const struct am__synth_dates *dates, struct am__synth_rng *rng);

/* A person's status on day t (events after t ignored), with the day of the event that set
 * it (*since, may be NULL) and the last release day up to t (*released, 0 when none). */
enum am_status am__synth_status_at(const struct am__synth_person *p, int32_t t, int32_t *since,
                                   int32_t *released);
int32_t am__synth_first_arrest(const struct am__synth_person *p); /* 0 when never */
/* 1 when on day t the person is held incommunicado (no visit granted since). */
int am__synth_incommunicado_at(const struct am__synth_person *p, int32_t t);
/* The Spanish word a family committee or the press writes for a status, by sex
 * ("detenida", "excarcelado", "casa por cárcel", ...); import reads these words. */
const char *am__synth_status_es(enum am_status status, char sex);
int32_t am__synth_death(const struct am__synth_person *p); /* 0 when alive */
int am__synth_is_political(const struct am__synth_person *p, const struct am__synth_catalog *cat);
/* Bitmask of am__synth_class over the person's charges. */
unsigned am__synth_charge_classes(const struct am__synth_person *p,
                                  const struct am__synth_catalog *cat);

/* ---- list habits and rendering ------------------------------------------------------------ */

struct am__synth_habits {
    double accent_drop, upper, drop_given2, drop_sur2, swap_sur, typo, nick, married_de;
    double ced_missing, ced_transpose, ced_digit, birth_missing, arrest_missing, date_shift;
    double duplicate, field_missing;
};
/* The habits of list l under a profile (docs/synth.md prints the same table). */
void am__synth_habits_get(enum am_synth_list l, enum am_synth_profile profile,
                          struct am__synth_habits *h);

enum am__synth_name_layout {
    AM__NAME_GIVEN_FIRST,
    AM__NAME_SURNAMES_COMMA,
    AM__NAME_SURNAMES_BARE
};

/* Renders a person's name as a list writes it: given names and surnames into two buffers
 * (both reset first), with the habits' errors drawn from rng. */
void am__synth_render_name(const struct am__synth_person *p, const struct am__synth_catalog *cat,
                           const struct am__synth_habits *h, struct am__synth_rng *rng,
                           struct am_buf *given, struct am_buf *surnames);
/* Transforms s in place: strip accents (á -> a, ñ -> n) and/or upper-case (UTF-8 Latin-1
 * range only). Returns the new length. */
size_t am__synth_strip_accents(char *s, size_t len);
void am__synth_upper(char *s, size_t len);
/* Applies one Damerau edit (insert, delete, substitute, transpose) on ASCII letters of s,
 * keeping UTF-8 valid. Returns the new length (s must have room for one more byte). */
size_t am__synth_typo(char *s, size_t len, struct am__synth_rng *rng);
/* Cédula formats: 0 "V-12.345.678", 1 "V12345678", 2 "12345678", 3 "12.345.678",
 * 4 "V-12345678". Appends; errors (transposition, wrong digit) drawn from the habits. */
void am__synth_render_cedula(struct am_buf *out, char kind, uint32_t number, int format,
                             const struct am__synth_habits *h, struct am__synth_rng *rng);
/* Appends v in decimal, left-padded with zeros to width digits (0: no padding): the hot
 * paths write millions of numbers, and vsnprintf was most of the run time. */
void am__synth_add_uint(struct am_buf *out, uint64_t v, int width);
/* Date formats: 0 ISO, 1 DD/MM/YYYY, 2 DD-MM-YYYY. */
void am__synth_render_date(struct am_buf *out, int32_t days, int format);
/* Appends UTF-8 s converted to Windows-1252 (every character the generator writes is in
 * Latin-1). */
void am__synth_to_cp1252(struct am_buf *out, const char *s, size_t len);

/* ---- the run ------------------------------------------------------------------------------ */

/* One row of a list: which person, whether it repeats a person already in the list, and
 * for the official list the release day it claims. */
struct am__synth_row {
    uint32_t person;
    uint8_t dup;
    int32_t claimed;
};

struct am__synth_ctx {
    enum am_synth_profile profile;
    uint64_t seed;
    struct am__synth_catalog cat;
    struct am__synth_dates dates;
    struct am__synth_person *people;
    size_t n;
    AM_VEC(struct am__synth_row) rows[AM_SYNTH__LIST_COUNT];
    uint8_t *lists_of; /* per person: bit l set when list l holds the person */
};

/* Decides which persons each list holds (coverage and dependence; the official list's
 * padding) and orders the rows. */
void am__synth_select(struct am__synth_ctx *ctx);

/* A buffered output file written under DIR/.NAME.tmp and renamed by _commit. */
struct am__synth_out {
    FILE *f;
    struct am_buf buf, conv;
    char path[1024], tmp[1040];
    int cp1252;
};
int am__synth_out_open(struct am__synth_out *o, const char *dir, const char *name, int cp1252,
                       struct am_err *err);
int am__synth_out_flush(struct am__synth_out *o, int force, struct am_err *err);
int am__synth_out_close(struct am__synth_out *o, struct am_err *err);
int am__synth_out_commit(struct am__synth_out *o, struct am_err *err);
void am__synth_out_abandon(struct am__synth_out *o);

/* Writes list l's rows to o (a CSV with its header) and each row's truth link to links
 * (and, for the official list, its padding reasons to padding). */
int am__synth_write_list(struct am__synth_ctx *ctx, enum am_synth_list l, struct am__synth_out *o,
                         struct am__synth_out *links, struct am__synth_out *padding,
                         struct am_err *err);
/* The padding reasons of an official row (";"-separated, or "genuine"). */
void am__synth_padding_reasons(const struct am__synth_ctx *ctx, const struct am__synth_person *p,
                               int dup, struct am_buf *out);

extern const char *const am__synth_list_file[AM_SYNTH__LIST_COUNT];
extern const char *const am__synth_list_source[AM_SYNTH__LIST_COUNT];
extern const char *const am__synth_list_kind[AM_SYNTH__LIST_COUNT];

#endif
