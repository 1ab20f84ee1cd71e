/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The four lists: which persons each one holds (heterogeneous coverage through a latent
 * visibility shared by all lists, the family committee feeding on the NGO's list, the
 * official list padded the 2020 way) and how each row is written in that list's layout
 * and habits. Truth links and padding reasons are written beside each row, so they can
 * never disagree with the lists.
 */
#include "synth_int.h"

#include <string.h>

const char *const am__synth_list_file[AM_SYNTH__LIST_COUNT] = {"ngo.csv", "family.csv", "press.csv",
                                                               "official.csv"};
const char *const am__synth_list_source[AM_SYNTH__LIST_COUNT] = {"ngo", "family", "press",
                                                                 "official"};
const char *const am__synth_list_kind[AM_SYNTH__LIST_COUNT] = {"ngo", "family", "press",
                                                               "official"};

static int held(enum am_status s)
{
    return s == AM_STATUS_DETAINED || s == AM_STATUS_DISAPPEARED || s == AM_STATUS_HOUSE_ARREST;
}

/* The release (with or without measures) in [from, to], or 0. */
static int32_t release_between(const struct am__synth_person *p, int32_t from, int32_t to)
{
    for (int i = 0; i < p->n_ev; i++)
        if ((p->ev_type[i] == AM_EV_RELEASE || p->ev_type[i] == AM_EV_RELEASE_WITH_MEASURES) &&
            p->ev_date[i] >= from && p->ev_date[i] <= to)
            return p->ev_date[i];
    return 0;
}

static int high_profile(const struct am__synth_person *p)
{
    return (p->categories & ((1u << AM__CAT_LEADER) | (1u << AM__CAT_JOURNALIST) |
                             (1u << AM__CAT_HRD) | (1u << AM__CAT_UNIONIST))) != 0;
}

static int first_event_by(const struct am__synth_person *p, int32_t t)
{
    return p->n_ev > 0 && p->ev_date[0] <= t;
}

/* A never-detained person is known by day t when exile or hiding began by then; one
 * never charged (no event at all) is known to NGOs and the press all along. */
static int known_by(const struct am__synth_person *p, int32_t t)
{
    return p->n_ev == 0 || first_event_by(p, t);
}

static void add_row(struct am__synth_ctx *ctx, enum am_synth_list l, uint32_t i, int32_t claimed,
                    const struct am__synth_habits *h, struct am__synth_rng *r)
{
    struct am__synth_row row = {i, 0, claimed};
    AM_VEC_PUSH(&ctx->rows[l], row);
    ctx->lists_of[i] |= (uint8_t)(1u << l);
    /* Always the same draws whatever the rates, so that the heavy profile selects the same
     * persons as the default one and differs only in how rows are written. */
    int dup = am__synth_chance(r, h->duplicate);
    int32_t other = am__synth_between(r, ctx->dates.process_start, ctx->dates.official_as_of);
    if (dup) {
        row.dup = 1;
        if (l == AM_SYNTH_OFFICIAL &&
            !release_between(&ctx->people[i], ctx->dates.process_start, ctx->dates.official_as_of))
            row.claimed = other;
        AM_VEC_PUSH(&ctx->rows[l], row);
    }
}

static void shuffle(struct am__synth_row *v, size_t n, struct am__synth_rng *r)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = am__synth_below(r, (uint32_t)i);
        struct am__synth_row t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

struct idvec {
    uint32_t *v;
    size_t n, cap;
};

/* Picks up to k persons of pool (partial Fisher-Yates) not chosen yet; returns how many. */
static size_t pick_some(struct am__synth_ctx *ctx, struct idvec *pool, size_t k, uint8_t *chosen,
                        const struct am__synth_habits *h, struct am__synth_rng *r)
{
    size_t taken = 0;
    for (size_t i = 0; i < pool->n && taken < k; i++) {
        size_t j = i + am__synth_below(r, (uint32_t)(pool->n - i));
        uint32_t t = pool->v[i];
        pool->v[i] = pool->v[j];
        pool->v[j] = t;
        uint32_t who = pool->v[i];
        if (chosen[who])
            continue;
        chosen[who] = 1;
        add_row(ctx, AM_SYNTH_OFFICIAL, who,
                am__synth_between(r, ctx->dates.process_start, ctx->dates.official_as_of), h, r);
        taken++;
    }
    return taken;
}

/*
 * Share of padding rows whose person no other list mentions. A ministry pads its list with
 * names that circulate — the people NGOs, families and the press denounced — because the
 * list answers those lists: Foro Penal identified every one of the 110 names of the 2020
 * pardon list. A few names nobody else documents are still there.
 */
#define PADDING_UNKNOWN 0.03

/* Picks up to k persons of pool: 1 - PADDING_UNKNOWN of them known to another list. */
static void pick_pool(struct am__synth_ctx *ctx, struct idvec *pool, size_t k, uint8_t *chosen,
                      const struct am__synth_habits *h, struct am__synth_rng *r)
{
    struct idvec known = {0}, unknown = {0};
    for (size_t i = 0; i < pool->n; i++)
        AM_VEC_PUSH(ctx->lists_of[pool->v[i]] & ~(1u << AM_SYNTH_OFFICIAL) ? &known : &unknown,
                    pool->v[i]);
    size_t want_unknown = (size_t)(PADDING_UNKNOWN * (double)k + 0.5);
    size_t taken = pick_some(ctx, &known, k - want_unknown, chosen, h, r);
    taken += pick_some(ctx, &unknown, k - taken, chosen, h, r);
    if (taken < k)
        pick_some(ctx, &known, k - taken, chosen, h, r);
    AM_VEC_FREE(&known);
    AM_VEC_FREE(&unknown);
}

static void select_official(struct am__synth_ctx *ctx, struct am__synth_rng *r)
{
    const struct am__synth_dates *d = &ctx->dates;
    struct am__synth_habits h;
    am__synth_habits_get(AM_SYNTH_OFFICIAL, ctx->profile, &h);
    enum { ND, UM, RE, NP, DE, SD, NPOOLS };
    struct idvec pool[NPOOLS];
    memset(pool, 0, sizeof(pool));
    uint8_t *chosen = am_calloc(ctx->n ? ctx->n : 1, 1);
    size_t genuine = 0;
    for (size_t i = 0; i < ctx->n; i++) {
        const struct am__synth_person *p = &ctx->people[i];
        uint32_t u = (uint32_t)i;
        int32_t death = am__synth_death(p);
        if (death && death <= d->official_as_of)
            AM_VEC_PUSH(&pool[DE], u);
        if (p->kind == AM__K_NEVER) {
            AM_VEC_PUSH(&pool[ND], u);
            continue;
        }
        if (p->kind == AM__K_COMMON) {
            int32_t a = am__synth_first_arrest(p);
            if (a && a <= d->official_as_of)
                AM_VEC_PUSH(&pool[NP], u);
            continue;
        }
        enum am_status before = am__synth_status_at(p, d->process_start - 1, NULL, NULL);
        int32_t rel = release_between(p, d->process_start, d->official_as_of);
        if (held(before) && rel) {
            /* A genuine release of the process: most are on the ministry's list. */
            if (am__synth_chance(r, 0.9)) {
                chosen[i] = 1;
                add_row(ctx, AM_SYNTH_OFFICIAL, u, rel, &h, r);
                genuine++;
            }
        } else if (before == AM_STATUS_RELEASED_WITH_MEASURES) {
            AM_VEC_PUSH(&pool[UM], u);
        } else if (before == AM_STATUS_RELEASED || before == AM_STATUS_EXILED ||
                   before == AM_STATUS_IN_HIDING) {
            AM_VEC_PUSH(&pool[RE], u);
        } else if (held(before) && held(am__synth_status_at(p, d->official_as_of, NULL, NULL))) {
            AM_VEC_PUSH(&pool[SD], u);
        }
    }
    /* The 2020 shape: fewer than half the rows are genuine releases. */
    double total = genuine ? genuine / 0.45 : (double)(ctx->n / 50 + 10);
    static const double share[NPOOLS] = {0.17, 0.13, 0.07, 0.12, 0.01, 0.04};
    for (int k = 0; k < NPOOLS; k++) {
        size_t want = (size_t)(share[k] * total + 0.5);
        if (want == 0 && pool[k].n)
            want = 1;
        pick_pool(ctx, &pool[k], want, chosen, &h, r);
        AM_VEC_FREE(&pool[k]);
    }
    am_free(chosen);
}

void am__synth_select(struct am__synth_ctx *ctx)
{
    const struct am__synth_dates *d = &ctx->dates;
    struct am__synth_rng r;
    struct am__synth_habits h[AM_SYNTH__LIST_COUNT];
    for (int l = 0; l < AM_SYNTH__LIST_COUNT; l++)
        am__synth_habits_get((enum am_synth_list)l, ctx->profile, &h[l]);

    /* NGOs are based in the capital region and document it best. */
    int capital[32] = {0};
    for (size_t s = 0; s < ctx->cat.n_state; s++)
        capital[s] = strcmp(ctx->cat.state[s].name, "Distrito Capital") == 0 ||
                     strcmp(ctx->cat.state[s].name, "Miranda") == 0;

    am__synth_rng_seed(&r, ctx->seed, 100);
    for (size_t i = 0; i < ctx->n; i++) {
        const struct am__synth_person *p = &ctx->people[i];
        uint32_t u = (uint32_t)i;
        double z = p->z;
        int32_t arrest = am__synth_first_arrest(p);
        int military = (p->categories >> AM__CAT_MILITARY) & 1;

        /* NGO: about three quarters of the political detainees, more of the visible. */
        int in_ngo = 0;
        if (p->kind == AM__K_POLITICAL && arrest && arrest <= d->as_of[AM_SYNTH_NGO]) {
            double x = 1.25 + 0.9 * z + 1.2 * high_profile(p) - 0.4 * military +
                       0.5 * p->adolescent + 0.2 * (p->sex == 'F') + 0.3 * (p->wave == AM__W_2024) -
                       0.3 * (p->wave == AM__W_2014) + 0.3 * capital[p->state];
            in_ngo = am__synth_logit_chance(&r, x);
        } else if (p->kind == AM__K_NEVER && known_by(p, d->as_of[AM_SYNTH_NGO])) {
            /* The persecuted who were never held (deputies in exile or hiding, people
             * with a warrant or an open investigation) are what human-rights NGOs
             * document: Foro Penal named the 37 never charged of the 2020 pardon list. */
            in_ngo = am__synth_logit_chance(&r, 1.1 + 0.9 * z + 1.0 * high_profile(p));
        }
        if (in_ngo)
            add_row(ctx, AM_SYNTH_NGO, u, 0, &h[AM_SYNTH_NGO], &r);

        /* Family committee: smaller, and families feed the NGO (strong dependence). */
        if (p->kind == AM__K_POLITICAL && arrest && arrest <= d->as_of[AM_SYNTH_FAMILY]) {
            enum am_status st = am__synth_status_at(p, d->as_of[AM_SYNTH_FAMILY], NULL, NULL);
            double x = -1.0 + 0.6 * z - 1.7 * !in_ngo - 0.6 * military +
                       0.5 * (arrest >= am_days_from_civil(2024, 7, 1)) + 0.8 * p->adolescent +
                       0.5 * held(st);
            if (am__synth_logit_chance(&r, x))
                add_row(ctx, AM_SYNTH_FAMILY, u, 0, &h[AM_SYNTH_FAMILY], &r);
        }

        /* Court and press: the visible cases, soldiers, and common-crime cases too. */
        int32_t pa = d->as_of[AM_SYNTH_PRESS];
        double xp = -100;
        if (p->kind == AM__K_POLITICAL && arrest && arrest <= pa)
            xp = -0.9 + 0.7 * z + 2.0 * high_profile(p) + 0.4 * military +
                 0.3 * (p->wave == AM__W_2014);
        else if (p->kind == AM__K_COMMON && arrest && arrest <= pa)
            xp = 2.2 + 0.5 * z; /* a court docket lists every case it tried */
        else if (p->kind == AM__K_NEVER && known_by(p, pa))
            xp = 0.4 + 0.7 * z + 1.0 * high_profile(p);
        if (xp > -100 && am__synth_logit_chance(&r, xp))
            add_row(ctx, AM_SYNTH_PRESS, u, 0, &h[AM_SYNTH_PRESS], &r);
    }
    am__synth_rng_seed(&r, ctx->seed, 101);
    select_official(ctx, &r);
    uint8_t *seen = am_calloc(ctx->n ? ctx->n : 1, 1);
    for (int l = 0; l < AM_SYNTH__LIST_COUNT; l++) {
        am__synth_rng_seed(&r, ctx->seed, 110 + (uint64_t)l);
        shuffle(ctx->rows[l].v, ctx->rows[l].n, &r);
        /* In file order, the first row of a person is the original, later ones repeat it. */
        memset(seen, 0, ctx->n);
        for (size_t k = 0; k < ctx->rows[l].n; k++) {
            struct am__synth_row *row = &ctx->rows[l].v[k];
            row->dup = seen[row->person];
            seen[row->person] = 1;
        }
    }
    am_free(seen);
}

/* ---- padding truth ---------------------------------------------------------------------- */

void am__synth_padding_reasons(const struct am__synth_ctx *ctx, const struct am__synth_person *p,
                               int dup, struct am_buf *out)
{
    const struct am__synth_dates *d = &ctx->dates;
    int n = 0;
#define REASON(s)                                                                                  \
    do {                                                                                           \
        if (n++)                                                                                   \
            am_buf_addc(out, ';');                                                                 \
        am_buf_adds(out, s);                                                                       \
    } while (0)
    int32_t death = am__synth_death(p);
    int dead = death && death <= d->official_as_of;
    if (p->kind == AM__K_NEVER) {
        REASON("not_detained");
    } else {
        if (!am__synth_is_political(p, &ctx->cat))
            REASON("not_political");
        enum am_status before = am__synth_status_at(p, d->process_start - 1, NULL, NULL);
        if (before == AM_STATUS_RELEASED || before == AM_STATUS_EXILED ||
            before == AM_STATUS_IN_HIDING) {
            REASON("released_earlier");
        } else if (before == AM_STATUS_RELEASED_WITH_MEASURES) {
            REASON("released_earlier");
            REASON("under_measures");
        } else if (held(before) && !dead &&
                   !release_between(p, d->process_start, d->official_as_of)) {
            REASON("still_detained");
        }
    }
    if (dead)
        REASON("deceased");
    if (dup)
        REASON("duplicate");
    if (!n)
        REASON("genuine");
#undef REASON
}

/* ---- writing rows ----------------------------------------------------------------------- */

static void field(struct am_buf *b, const char *s)
{
    am_buf_addc(b, ',');
    am_buf_add_csv_field(b, s ? s : "");
}

static void field_date(struct am_buf *b, int32_t days, int format)
{
    am_buf_addc(b, ',');
    if (days)
        am__synth_render_date(b, days, format);
}

static int32_t date_with_errors(int32_t t, int32_t limit, double shift, struct am__synth_rng *r)
{
    if (am__synth_chance(r, shift))
        t += am__synth_chance(r, 0.5) ? am__synth_between(r, 1, 5) : -am__synth_between(r, 1, 5);
    return t > limit ? limit : t;
}

/* Appends "a; b; c" of the person's charges, as the list writes them. */
static void charges_text(struct am_buf *t, const struct am__synth_ctx *ctx,
                         const struct am__synth_person *p)
{
    for (int i = 0; i < p->n_charges; i++) {
        if (i)
            am_buf_adds(t, "; ");
        am_buf_adds(t, ctx->cat.charge[p->charges[i]].text);
    }
}

/* Strips accents and/or upper-cases the text in t (the press and the ministry write so). */
static void restyle(struct am_buf *t, int strip, int upper)
{
    if (strip)
        t->len = am__synth_strip_accents(t->ptr, t->len);
    if (upper)
        am__synth_upper(t->ptr, t->len);
}

static void join2(struct am_buf *t, const char *a, const char *sep, const char *b)
{
    am_buf_adds(t, a);
    am_buf_adds(t, sep);
    am_buf_adds(t, b);
}

static const char *status_word(enum am_status s)
{
    return am_status_name(s);
}

int am__synth_write_list(struct am__synth_ctx *ctx, enum am_synth_list l, struct am__synth_out *o,
                         struct am__synth_out *links, struct am__synth_out *padding,
                         struct am_err *err)
{
    static const char *const header[AM_SYNTH__LIST_COUNT] = {
        ("list_id,given_names,surnames,cedula,sex,birth_date,nationality,arrest_date,"
         "arrest_place,state,facility,agency,charges,status,status_date,release_date,measures,"
         "categories,sensitivity,notes\n"),
        ("list_id,full_name,cedula,sex,birth_date,arrest_date,state,facility,status,status_date,"
         "sensitivity,notes\n"),
        ("list_id,full_name,cedula,arrest_date,state,facility,charges,status,release_date,"
         "sensitivity\n"),
        "N°,APELLIDOS Y NOMBRES,C.I.,FECHA DE EXCARCELACION,CENTRO,DELITO,ESTADO\n"};
    struct am__synth_habits h;
    am__synth_habits_get(l, ctx->profile, &h);
    struct am__synth_rng r;
    am__synth_rng_seed(&r, ctx->seed, 200 + (uint64_t)l);
    const struct am__synth_catalog *cat = &ctx->cat;
    int32_t as_of = ctx->dates.as_of[l];
    struct am_buf given, sur, t, id;
    am_buf_init(&given);
    am_buf_init(&sur);
    am_buf_init(&t);
    am_buf_init(&id);
    struct am_buf *b = &o->buf;
    am_buf_adds(b, header[l]);
    if (l == AM_SYNTH_OFFICIAL)
        am_buf_adds(&padding->buf, "list_id,person_id,reasons\n");
    int rc = 0;
    for (size_t k = 0; k < ctx->rows[l].n && rc == 0; k++) {
        const struct am__synth_row *row = &ctx->rows[l].v[k];
        const struct am__synth_person *p = &ctx->people[row->person];
        int32_t since = 0, released = 0;
        enum am_status st = am__synth_status_at(p, as_of, &since, &released);
        int32_t arrest = am__synth_first_arrest(p);
        am_buf_reset(&id);
        switch (l) {
        case AM_SYNTH_NGO:
            am_buf_addc(&id, 'N');
            am__synth_add_uint(&id, k + 1, 7);
            break;
        case AM_SYNTH_FAMILY:
            am_buf_addc(&id, 'F');
            am__synth_add_uint(&id, k + 1, 6);
            break;
        case AM_SYNTH_PRESS:
            am_buf_addc(&id, 'P');
            am__synth_add_uint(&id, k + 1, 6);
            break;
        default:
            am__synth_add_uint(&id, k + 1, 0);
        }
        am_buf_add_csv_field(b, id.ptr);
        am__synth_render_name(p, cat, &h, &r, &given, &sur);
        char kind = p->foreign ? 'E' : 'V';
        int has_ced = p->cedula && !am__synth_chance(&r, h.ced_missing);
        int fmiss[8];
        for (int f = 0; f < 8; f++)
            fmiss[f] = am__synth_chance(&r, h.field_missing);
        const char *facility = p->facility != 0xFF ? cat->facility[p->facility].name : NULL;
        const char *state = cat->state[p->state].name;

        if (l == AM_SYNTH_NGO) {
            field(b, given.ptr);
            field(b, sur.ptr);
            am_buf_addc(b, ',');
            if (has_ced) {
                double u = am__synth_unit(&r);
                am__synth_render_cedula(b, kind, p->cedula, u < 0.5 ? 0 : u < 0.8 ? 1 : 2, &h, &r);
            }
            field(b, fmiss[0] ? "" : p->sex == 'F' ? "F" : "M");
            field_date(b,
                       am__synth_chance(&r, h.birth_missing)
                           ? 0
                           : date_with_errors(p->birth, as_of, h.date_shift, &r),
                       0);
            field(b, fmiss[1] ? "" : am__synth_nationality_names[p->nationality]);
            field_date(b,
                       !arrest || am__synth_chance(&r, h.arrest_missing)
                           ? 0
                           : date_with_errors(arrest, as_of, h.date_shift, &r),
                       0);
            field(b, arrest && !fmiss[2] ? cat->state[p->state].cities[p->city] : "");
            field(b, fmiss[3] ? "" : state);
            field(b, fmiss[4] ? "" : facility);
            field(b, fmiss[5] || p->agency == 0xFF ? "" : cat->agency[p->agency]);
            am_buf_reset(&t);
            if (!fmiss[6])
                charges_text(&t, ctx, p);
            field(b, t.ptr);
            field(b, status_word(st));
            field_date(b, since, 0);
            field_date(b, released, 0);
            am_buf_reset(&t);
            if (st == AM_STATUS_RELEASED_WITH_MEASURES || st == AM_STATUS_HOUSE_ARREST) {
                unsigned m = st == AM_STATUS_HOUSE_ARREST ? 1u << 5 : p->measures & 0x1Fu;
                for (int i = 0; i < AM__SYNTH_N_MEASURES; i++)
                    if (m & (1u << i)) {
                        if (t.len)
                            am_buf_adds(&t, "; ");
                        am_buf_adds(&t, am__synth_measure_names[i]);
                    }
            }
            field(b, t.ptr);
            am_buf_reset(&t);
            for (int i = 0; i < AM__SYNTH_N_CATEGORIES; i++)
                if (p->categories & (1u << i)) {
                    if (t.len)
                        am_buf_addc(&t, ';');
                    am_buf_adds(&t, am__synth_category_names[i]);
                }
            field(b, t.ptr);
            field(b, am__synth_sensitivity_names[p->sensitivity]);
            field(b, st == AM_STATUS_DISAPPEARED            ? "paradero desconocido"
                     : am__synth_incommunicado_at(p, as_of) ? "incomunicado"
                     : p->adolescent                        ? "adolescente al ser detenido"
                                                            : "");
        } else if (l == AM_SYNTH_FAMILY) {
            am_buf_reset(&t);
            if (am__synth_chance(&r, 0.05))
                join2(&t, sur.ptr, ", ", given.ptr);
            else
                join2(&t, given.ptr, " ", sur.ptr);
            field(b, t.ptr);
            am_buf_addc(b, ',');
            if (has_ced) {
                double u = am__synth_unit(&r);
                am__synth_render_cedula(b, kind, p->cedula, u < 0.6 ? 2 : u < 0.9 ? 3 : 4, &h, &r);
            }
            field(b, fmiss[0] ? "" : p->sex == 'F' ? "mujer" : "hombre");
            field_date(b,
                       am__synth_chance(&r, h.birth_missing)
                           ? 0
                           : date_with_errors(p->birth, as_of, h.date_shift, &r),
                       1);
            field_date(b,
                       am__synth_chance(&r, h.arrest_missing)
                           ? 0
                           : date_with_errors(arrest, as_of, h.date_shift, &r),
                       1);
            field(b, fmiss[3] ? "" : state);
            field(b, fmiss[4] ? "" : facility);
            field(b, am__synth_status_es(st, (char)p->sex));
            field_date(b, fmiss[5] ? 0 : since, 1);
            field(b, am__synth_sensitivity_names[p->sensitivity]);
            field(b, st == AM_STATUS_DISAPPEARED            ? "sin fe de vida"
                     : am__synth_incommunicado_at(p, as_of) ? "incomunicado"
                                                            : "");
        } else if (l == AM_SYNTH_PRESS) {
            am_buf_reset(&t);
            join2(&t, sur.ptr, ", ", given.ptr);
            field(b, t.ptr);
            am_buf_addc(b, ',');
            if (has_ced)
                am__synth_render_cedula(b, kind, p->cedula, am__synth_chance(&r, 0.9) ? 0 : 1, &h,
                                        &r);
            field_date(b,
                       !arrest || am__synth_chance(&r, h.arrest_missing)
                           ? 0
                           : date_with_errors(arrest, as_of, h.date_shift, &r),
                       2);
            am_buf_reset(&t);
            if (!fmiss[3])
                am_buf_adds(&t, state);
            restyle(&t, 1, 1);
            field(b, t.ptr);
            am_buf_reset(&t);
            if (!fmiss[4] && facility)
                am_buf_adds(&t, facility);
            restyle(&t, 1, 1);
            field(b, t.ptr);
            am_buf_reset(&t);
            /* A court docket always states the charges of the cases it tried. */
            if (!fmiss[6] || p->kind == AM__K_COMMON)
                charges_text(&t, ctx, p);
            restyle(&t, 1, 1);
            field(b, t.ptr);
            am_buf_reset(&t);
            am_buf_adds(&t, am__synth_status_es(st, (char)p->sex));
            restyle(&t, 1, 1);
            field(b, t.ptr);
            /* The court's release order is dated; a press note often only says "released". */
            int dated = am__synth_chance(&r, 0.7) || p->kind == AM__K_COMMON;
            field_date(b, dated ? released : 0, 2);
            field(b, am__synth_sensitivity_names[p->sensitivity]);
        } else {
            am_buf_reset(&t);
            join2(&t, sur.ptr, " ", given.ptr);
            field(b, t.ptr);
            am_buf_addc(b, ',');
            if (has_ced)
                am__synth_render_cedula(b, kind, p->cedula, am__synth_chance(&r, 0.6) ? 1 : 2, &h,
                                        &r);
            field_date(b, row->claimed, 1);
            am_buf_reset(&t);
            if (facility && !fmiss[4])
                am_buf_adds(&t, facility);
            else if (!facility && am__synth_chance(&r, 0.3))
                am_buf_adds(&t, cat->facility[am__synth_below(&r, (uint32_t)cat->n_facility)].name);
            restyle(&t, am__synth_chance(&r, h.accent_drop), 1);
            field(b, t.ptr);
            am_buf_reset(&t);
            if (am__synth_chance(&r, 0.4))
                charges_text(&t, ctx, p);
            restyle(&t, am__synth_chance(&r, h.accent_drop), 1);
            field(b, t.ptr);
            am_buf_reset(&t);
            if (!fmiss[3])
                am_buf_adds(&t, state);
            restyle(&t, am__synth_chance(&r, h.accent_drop), 1);
            field(b, t.ptr);

            am_buf_add_csv_field(&padding->buf, id.ptr);
            am_buf_adds(&padding->buf, ",P");
            am__synth_add_uint(&padding->buf, row->person + 1u, 7);
            am_buf_addc(&padding->buf, ',');
            am__synth_padding_reasons(ctx, p, row->dup, &padding->buf);
            am_buf_addc(&padding->buf, '\n');
        }
        am_buf_addc(b, '\n');
        am_buf_adds(&links->buf, am__synth_list_source[l]);
        am_buf_addc(&links->buf, ',');
        am_buf_add_csv_field(&links->buf, id.ptr);
        am_buf_adds(&links->buf, ",P");
        am__synth_add_uint(&links->buf, row->person + 1u, 7);
        am_buf_addc(&links->buf, '\n');
        if (am__synth_out_flush(o, 0, err) != 0 || am__synth_out_flush(links, 0, err) != 0 ||
            (padding && am__synth_out_flush(padding, 0, err) != 0))
            rc = -1;
    }
    am_buf_release(&given);
    am_buf_release(&sur);
    am_buf_release(&t);
    am_buf_release(&id);
    return rc;
}
