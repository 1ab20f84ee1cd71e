/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The synthetic population: who was detained, when (on the real waves of 2014, 2017, 2019
 * and after July 2024, plus background), by whom, where, on which charges, and what
 * happened next (releases with measures, revocations, house arrest, exile, hiding,
 * disappearance, death), as dated events. Also the persons who are not political
 * detainees but turn up on padded lists: common-crime prisoners and persecuted people who
 * were never detained. Rendering lists is lists.c's job.
 */
#include "synth_int.h"

#include <string.h>

const char *const am__synth_category_names[AM__SYNTH_N_CATEGORIES] = {"protester",
                                                                      "student",
                                                                      "social_activist",
                                                                      "journalist",
                                                                      "human_rights_defender",
                                                                      "victims_committee",
                                                                      "political_leader",
                                                                      "military",
                                                                      "trade_unionist",
                                                                      "public_official",
                                                                      "relative_of_target",
                                                                      "other"};

const char *const am__synth_measure_names[AM__SYNTH_N_MEASURES] = {
    "presentación periódica",
    "prohibición de salida del país",
    "prohibición de declarar a medios",
    "prohibición de comunicarse",
    "prohibición de publicar en redes sociales",
    "detención domiciliaria"};

const char *const am__synth_sensitivity_names[3] = {"public", "restricted", "sealed"};

const char *const am__synth_nationality_names[] = {
    "venezolana",  "colombiana", "peruana", "española", "portuguesa", "estadounidense",
    "ecuatoriana", "argentina",  "chilena", "italiana", "francesa",   "ucraniana"};
static const uint64_t nationality_cum[] = {40, 50, 58, 66, 74, 80, 85, 90, 95, 98, 100};

void am__synth_dates_init(struct am__synth_dates *d)
{
    d->end = am_days_from_civil(2026, 11, 15);
    d->wave26_start = am_days_from_civil(2026, 1, 8);
    d->process_start = am_days_from_civil(2026, 2, 19);
    d->official_as_of = am_days_from_civil(2026, 3, 20);
    d->as_of[AM_SYNTH_NGO] = d->end;
    d->as_of[AM_SYNTH_FAMILY] = am_days_from_civil(2026, 10, 31);
    d->as_of[AM_SYNTH_PRESS] = am_days_from_civil(2026, 9, 30);
    d->as_of[AM_SYNTH_OFFICIAL] = d->official_as_of;
}

/* An exponential draw with mean 1. */
static double expo(struct am__synth_rng *r)
{
    return -am__synth_ln(1.0 - am__synth_unit(r));
}

static int32_t ymd(int y, int m, int d)
{
    return am_days_from_civil(y, m, d);
}

/* ---- events ---------------------------------------------------------------------------- */

struct evb {
    struct am__synth_person *p;
    int32_t end, last;
    int stopped;
};

/* Appends an event no earlier than the previous one; past the end date (or when full)
 * it and every later event are dropped. Returns 1 when added. */
static int add_ev(struct evb *b, enum am_event_type type, int32_t date)
{
    if (b->stopped)
        return 0;
    if (date < b->last)
        date = b->last;
    if (date > b->end || b->p->n_ev >= AM__SYNTH_MAX_EVENTS) {
        b->stopped = 1;
        return 0;
    }
    b->p->ev_type[b->p->n_ev] = (uint8_t)type;
    b->p->ev_date[b->p->n_ev] = date;
    b->p->n_ev++;
    b->last = date;
    return 1;
}

static unsigned pick_measures(struct am__synth_rng *r, int32_t when, int32_t y2026)
{
    int late = when >= y2026;
    unsigned m = 0;
    if (am__synth_chance(r, 0.95))
        m |= 1u << 0;
    if (am__synth_chance(r, 0.85))
        m |= 1u << 1;
    if (am__synth_chance(r, late ? 0.5 : 0.1))
        m |= 1u << 2;
    if (am__synth_chance(r, late ? 0.25 : 0.05))
        m |= 1u << 3;
    if (am__synth_chance(r, late ? 0.3 : 0.05))
        m |= 1u << 4;
    if (!m)
        m = 1u;
    return m;
}

/* A detention from day A and what follows it. */
static void detention(struct am__synth_person *p, int32_t A, const struct am__synth_dates *d,
                      struct am__synth_rng *r)
{
    struct evb b = {p, d->end, A, 0};
    int military = (p->categories >> AM__CAT_MILITARY) & 1;
    int common = p->kind == AM__K_COMMON;
    add_ev(&b, AM_EV_ARREST, A);

    static const double p_short[AM__W__COUNT] = {0.5, 0.8, 0.75, 0.45, 0.4, 0.3};
    double ps = common ? 0.1 : military ? 0.15 : p_short[p->wave];
    int is_short = am__synth_chance(r, ps);
    int never = 0;
    int32_t R;
    if (is_short) {
        R = A + am__synth_between(r, 1, 45);
    } else {
        double mean = military ? 1400 : common ? 1100 : 700;
        R = A + 20 + (int32_t)(mean * expo(r));
        if (p->wave == AM__W_2024 && !military && !common && am__synth_chance(r, 0.45)) {
            int32_t r2 = am__synth_between(r, ymd(2024, 11, 15), ymd(2025, 1, 31));
            if (r2 > A + 10)
                R = r2;
        }
        if (R >= d->wave26_start) {
            double u = am__synth_unit(r);
            if (common) {
                if (u < 0.3)
                    R = am__synth_between(r, d->process_start, d->official_as_of);
                else if (u < 0.5)
                    R = am__synth_between(r, d->official_as_of + 1, d->end);
                else
                    never = 1;
            } else if (u < 0.35) {
                R = am__synth_between(r, d->wave26_start, d->process_start - 1);
            } else if (u < 0.62) {
                R = am__synth_between(r, d->process_start, d->official_as_of);
            } else if (u < 0.78) {
                R = am__synth_between(r, d->official_as_of + 1, d->end);
            } else {
                never = 1;
            }
            if (R <= A)
                R = A + 1;
        }
        int32_t until = never ? d->end : R - 1;
        if (!common && am__synth_chance(r, A >= ymd(2024, 7, 1) ? 0.08 : 0.02)) {
            add_ev(&b, AM_EV_DISAPPEARANCE, A + am__synth_between(r, 1, 15));
            if (am__synth_chance(r, 0.6)) {
                int32_t dc = b.last + am__synth_between(r, 10, 300);
                if (!never && dc >= R)
                    dc = b.last + (R - b.last) / 2;
                add_ev(&b, AM_EV_DETENTION_CONFIRMED, dc);
            }
        } else if (!common && am__synth_chance(r, A >= ymd(2024, 7, 1) ? 0.10 : 0.03)) {
            add_ev(&b, AM_EV_INCOMMUNICADO, A + am__synth_between(r, 0, 5));
            if (am__synth_chance(r, 0.7)) {
                int32_t v = b.last + am__synth_between(r, 20, 200);
                if (!never && v >= R)
                    v = b.last + (R - b.last) / 2;
                add_ev(&b, AM_EV_VISITS_GRANTED, v);
            }
        }
        if (am__synth_chance(r, 0.005)) {
            add_ev(&b, AM_EV_DEATH,
                   am__synth_between(r, b.last + 1, until > b.last ? until : b.last + 1));
            return;
        }
        if (!common && am__synth_chance(r, 0.05)) {
            int32_t h = am__synth_between(r, b.last + 5, until > b.last + 5 ? until : b.last + 5);
            if (add_ev(&b, AM_EV_HOUSE_ARREST, h))
                p->measures |= 1u << 5;
        }
    }
    if (never || b.stopped)
        return;
    int in_window = R >= d->process_start && R <= d->official_as_of;
    int full = am__synth_chance(r, common ? 0.5 : is_short ? 0.05 : in_window ? 0.25 : 0.12);
    if (!add_ev(&b, full ? AM_EV_RELEASE : AM_EV_RELEASE_WITH_MEASURES, R))
        return;
    int32_t y2026 = ymd(2026, 1, 1);
    if (!full) {
        p->measures |= (uint8_t)pick_measures(r, R, y2026);
        if (!common && am__synth_chance(r, 0.04)) {
            if (!add_ev(&b, AM_EV_MEASURES_REVOKED, b.last + am__synth_between(r, 30, 700)))
                return;
            if (!am__synth_chance(r, 0.6) ||
                !add_ev(&b, AM_EV_RELEASE_WITH_MEASURES, b.last + am__synth_between(r, 30, 400)))
                return;
        }
        if (b.last < d->process_start && !common && am__synth_chance(r, 0.35)) {
            full = add_ev(&b, AM_EV_MEASURES_LIFTED,
                          am__synth_between(r, d->process_start + 1, ymd(2026, 6, 30)));
        } else if (am__synth_chance(r, 0.2)) {
            full = add_ev(&b, AM_EV_MEASURES_LIFTED, b.last + am__synth_between(r, 180, 1500));
        }
    }
    /* The revolving door: some of the freed are arrested again. */
    if (full && !common && am__synth_chance(r, 0.03)) {
        if (!add_ev(&b, AM_EV_REARREST, b.last + am__synth_between(r, 60, 1500)))
            return;
        if (!am__synth_chance(r, 0.7) ||
            !add_ev(&b, AM_EV_RELEASE_WITH_MEASURES, b.last + am__synth_between(r, 10, 200)))
            return;
        p->measures |= (uint8_t)pick_measures(r, b.last, y2026);
        full = 0;
    }
    if (am__synth_chance(r, full ? 0.06 : 0.08))
        add_ev(&b, AM_EV_EXILE, b.last + am__synth_between(r, 30, 1000));
    else if (!full && am__synth_chance(r, 0.02))
        add_ev(&b, AM_EV_HIDING, b.last + am__synth_between(r, 30, 700));
    if (am__synth_chance(r, 0.004))
        add_ev(&b, AM_EV_DEATH, b.last + am__synth_between(r, 30, 2000));
}

/* ---- status ------------------------------------------------------------------------------- */

enum am_status am__synth_status_at(const struct am__synth_person *p, int32_t t, int32_t *since,
                                   int32_t *released)
{
    enum am_status st = AM_STATUS_UNKNOWN;
    int32_t s = 0, rel = 0;
    for (int i = 0; i < p->n_ev && p->ev_date[i] <= t; i++) {
        enum am_status e = am_event_effect((enum am_event_type)p->ev_type[i]);
        if (e != AM_STATUS_UNKNOWN) {
            st = e;
            s = p->ev_date[i];
        }
        if (p->ev_type[i] == AM_EV_RELEASE || p->ev_type[i] == AM_EV_RELEASE_WITH_MEASURES)
            rel = p->ev_date[i];
    }
    if (since)
        *since = s;
    if (released)
        *released = rel;
    return st;
}

int32_t am__synth_first_arrest(const struct am__synth_person *p)
{
    for (int i = 0; i < p->n_ev; i++)
        if (p->ev_type[i] == AM_EV_ARREST)
            return p->ev_date[i];
    return 0;
}

int am__synth_incommunicado_at(const struct am__synth_person *p, int32_t t)
{
    int inc = 0;
    for (int i = 0; i < p->n_ev && p->ev_date[i] <= t; i++) {
        enum am_status e = am_event_effect((enum am_event_type)p->ev_type[i]);
        if (p->ev_type[i] == AM_EV_INCOMMUNICADO)
            inc = 1;
        else if (e != AM_STATUS_UNKNOWN)
            inc = 0;
    }
    return inc;
}

const char *am__synth_status_es(enum am_status status, char sex)
{
    int f = sex == 'F';
    switch (status) {
    case AM_STATUS_DETAINED:
        return f ? "detenida" : "detenido";
    case AM_STATUS_DISAPPEARED:
        return f ? "desaparecida" : "desaparecido";
    case AM_STATUS_HOUSE_ARREST:
        return "casa por cárcel";
    case AM_STATUS_RELEASED_WITH_MEASURES:
        return f ? "excarcelada" : "excarcelado";
    case AM_STATUS_RELEASED:
        return f ? "liberada" : "liberado";
    case AM_STATUS_EXILED:
        return f ? "exiliada" : "exiliado";
    case AM_STATUS_IN_HIDING:
        return "en la clandestinidad";
    case AM_STATUS_DECEASED:
        return f ? "fallecida" : "fallecido";
    default:
        return "desconocido";
    }
}

int32_t am__synth_death(const struct am__synth_person *p)
{
    for (int i = 0; i < p->n_ev; i++)
        if (p->ev_type[i] == AM_EV_DEATH)
            return p->ev_date[i];
    return 0;
}

unsigned am__synth_charge_classes(const struct am__synth_person *p,
                                  const struct am__synth_catalog *cat)
{
    unsigned m = 0;
    for (int i = 0; i < p->n_charges; i++)
        m |= 1u << cat->charge[p->charges[i]].cls;
    return m;
}

int am__synth_is_political(const struct am__synth_person *p, const struct am__synth_catalog *cat)
{
    unsigned m = am__synth_charge_classes(p, cat);
    return (m & ((1u << AM__CL_POLITICAL) | (1u << AM__CL_MILITARY))) != 0;
}

/* ---- people ---------------------------------------------------------------------------- */

/* Cédula numbers were issued in sequence: the birth year sets the range. */
static const struct {
    int year;
    uint32_t number;
} cedula_by_year[] = {{1925, 150000},   {1940, 1000000},  {1950, 2800000},  {1960, 5200000},
                      {1970, 9000000},  {1975, 11500000}, {1980, 14500000}, {1985, 17500000},
                      {1990, 20500000}, {1995, 24000000}, {2000, 27500000}, {2005, 30500000},
                      {2010, 33000000}, {2015, 35000000}};

static uint32_t cedula_base(int32_t birth)
{
    int y, m, d;
    am_civil_from_days(birth, &y, &m, &d);
    double year = y + (m - 1) / 12.0;
    size_t n = sizeof(cedula_by_year) / sizeof(cedula_by_year[0]);
    if (year <= cedula_by_year[0].year)
        return cedula_by_year[0].number;
    for (size_t i = 1; i < n; i++) {
        if (year <= cedula_by_year[i].year) {
            double f = (year - cedula_by_year[i - 1].year) /
                       (cedula_by_year[i].year - cedula_by_year[i - 1].year);
            return (
                uint32_t)(cedula_by_year[i - 1].number +
                          f * (double)(cedula_by_year[i].number - cedula_by_year[i - 1].number));
        }
    }
    return cedula_by_year[n - 1].number;
}

#define CEDULA_SPACE 90000000u

static uint32_t unique_cedula(uint8_t *used, uint32_t want, uint32_t lo, uint32_t hi)
{
    if (want < lo || want > hi)
        want = lo + (want % (hi - lo + 1));
    uint32_t c = want;
    while (used[c >> 3] & (1u << (c & 7))) {
        c++;
        if (c > hi)
            c = lo;
        AM_ASSERT(c != want);
    }
    used[c >> 3] |= (uint8_t)(1u << (c & 7));
    return c;
}

static uint16_t pick_given(const struct am__synth_names *t, struct am__synth_rng *r, int first)
{
    for (int tries = 0; tries < 8; tries++) {
        size_t i = am__synth_pick(t->cum, t->n, r);
        if (!first || !t->v[i].second_only)
            return (uint16_t)i;
    }
    for (size_t i = 0; i < t->n; i++)
        if (!t->v[i].second_only)
            return (uint16_t)i;
    return 0;
}

static size_t pick_facility(const struct am__synth_catalog *cat, const struct am__synth_person *p,
                            int year, struct am__synth_rng *r)
{
    uint64_t cum[AM__SYNTH_MAX_ROWS];
    size_t idx[AM__SYNTH_MAX_ROWS];
    int military = (p->categories >> AM__CAT_MILITARY) & 1;
    for (int relax = 0; relax < 3; relax++) {
        size_t n = 0;
        uint64_t total = 0;
        for (size_t i = 0; i < cat->n_facility; i++) {
            const struct am__synth_facility *f = &cat->facility[i];
            if (f->sex && f->sex != p->sex)
                continue;
            if (relax < 2 && f->military != military)
                continue;
            if (relax < 1 && (year < f->from_year || year > f->to_year))
                continue;
            total += f->weight;
            cum[n] = total;
            idx[n++] = i;
        }
        if (n)
            return idx[am__synth_pick(cum, n, r)];
    }
    return am__synth_below(r, (uint32_t)cat->n_facility);
}

static void pick_charges(struct am__synth_person *p, const struct am__synth_catalog *cat,
                         enum am__synth_group g, int count, struct am__synth_rng *r)
{
    for (int k = 0; k < count && p->n_charges < 3; k++) {
        uint8_t c = cat->group_idx[g][am__synth_pick(cat->group_cum[g], cat->group_n[g], r)];
        int dup = 0;
        for (int j = 0; j < p->n_charges; j++)
            dup |= p->charges[j] == c;
        if (!dup)
            p->charges[p->n_charges++] = c;
    }
}

/* Arrest waves (weights in thousandths) and their dates. */
static const uint64_t wave_cum[AM__W__COUNT] = {160, 290, 470, 570, 900, 1000};

static int32_t wave_date(enum am__synth_wave w, struct am__synth_rng *r)
{
    switch (w) {
    case AM__W_2014:
        return am__synth_between(r, ymd(2014, 2, 12), ymd(2014, 6, 30));
    case AM__W_2017:
        return am__synth_between(r, ymd(2017, 4, 1), ymd(2017, 8, 31));
    case AM__W_2019:
        return am__synth_between(r, ymd(2019, 1, 10), ymd(2019, 5, 31));
    case AM__W_2024: {
        /* Most post-election arrests came in the first weeks after 28 July 2024. */
        int32_t dd = (int32_t)(30 * expo(r));
        int32_t t = ymd(2024, 7, 29) + dd;
        return t > ymd(2024, 12, 31) ? ymd(2024, 12, 31) - am__synth_between(r, 0, 60) : t;
    }
    case AM__W_2025:
        return am__synth_between(r, ymd(2025, 1, 1), ymd(2026, 10, 31));
    default:
        return am__synth_between(r, ymd(2014, 1, 1), ymd(2024, 7, 27));
    }
}

static int year_of(int32_t days)
{
    int y, m, d;
    am_civil_from_days(days, &y, &m, &d);
    return y;
}

static void one_person(struct am__synth_person *p, const struct am__synth_catalog *cat,
                       const struct am__synth_dates *d, struct am__synth_rng *r, uint8_t *used)
{
    memset(p, 0, sizeof(*p));
    p->given[1] = p->married = AM__SYNTH_NONE;
    p->sur[1] = AM__SYNTH_NONE;
    double u = am__synth_unit(r);
    p->kind = u < 0.03 ? AM__K_NEVER : u < 0.07 ? AM__K_COMMON : AM__K_POLITICAL;

    int32_t when; /* arrest, or persecution day for the never detained */
    if (p->kind == AM__K_POLITICAL) {
        p->wave = (uint8_t)am__synth_pick(wave_cum, AM__W__COUNT, r);
        when = wave_date(p->wave, r);
    } else if (p->kind == AM__K_COMMON) {
        when = am__synth_between(r, ymd(2012, 1, 1), ymd(2026, 10, 31));
        p->wave = AM__W_BACKGROUND;
    } else {
        when = am__synth_between(r, ymd(2014, 2, 1), ymd(2026, 10, 31));
        p->wave = AM__W_BACKGROUND;
    }

    static const double p_military[AM__W__COUNT] = {0.25, 0.03, 0.12, 0.45, 0.08, 0.2};
    int military = p->kind == AM__K_POLITICAL && am__synth_chance(r, p_military[p->wave]);
    if (p->kind == AM__K_NEVER && am__synth_chance(r, 0.05))
        military = 1;
    double p_woman = military                  ? 0.03
                     : p->kind == AM__K_COMMON ? 0.08
                     : p->kind == AM__K_NEVER  ? 0.2
                                               : 0.135;
    p->sex = am__synth_chance(r, p_woman) ? 'F' : 'M';

    static const double p_adolescent[AM__W__COUNT] = {0.01, 0.035, 0.035, 0.01, 0.05, 0.02};
    int age;
    if (!military && p->kind == AM__K_POLITICAL && am__synth_chance(r, p_adolescent[p->wave])) {
        p->adolescent = 1;
        age = am__synth_between(r, 14, 17);
    } else if (military) {
        double v = am__synth_unit(r);
        age = 20 + (int)(35 * v * v);
    } else {
        double v = am__synth_unit(r);
        age = 18 + (int)(55 * v * v);
        if (p->kind == AM__K_NEVER)
            age += 6;
    }
    p->birth = when - age * 365 - (int32_t)(age / 4) - am__synth_between(r, 0, 364);

    p->foreign = !military && am__synth_chance(r, 0.03);
    if (p->foreign) {
        p->nationality = (uint8_t)(1 + am__synth_pick(nationality_cum, 11, r));
        if (am__synth_chance(r, 0.7))
            p->cedula =
                unique_cedula(used, 80000000u + am__synth_below(r, 9999999u), 80000000u, 89999999u);
    } else if (!(p->adolescent && age < 16 && am__synth_chance(r, 0.3))) {
        uint32_t base = cedula_base(p->birth);
        int32_t spread = (int32_t)(300000 + base / 25);
        int64_t c = (int64_t)base + am__synth_between(r, -spread, spread);
        if (c < 80000)
            c = 80000 + am__synth_below(r, 200000);
        p->cedula = unique_cedula(used, (uint32_t)c, 80000u, 39999999u);
    }

    const struct am__synth_names *gt = p->sex == 'F' ? &cat->female : &cat->male;
    p->given[0] = pick_given(gt, r, 1);
    if (am__synth_chance(r, p->sex == 'F' ? 0.75 : 0.62)) {
        uint16_t g2 = pick_given(gt, r, 0);
        if (g2 != p->given[0])
            p->given[1] = g2;
    }
    p->sur[0] = (uint16_t)am__synth_pick(cat->surnames.cum, cat->surnames.n, r);
    if (!p->foreign || am__synth_chance(r, 0.5))
        p->sur[1] = (uint16_t)am__synth_pick(cat->surnames.cum, cat->surnames.n, r);
    int age_now = (d->end - p->birth) / 365;
    if (p->sex == 'F' && age_now >= 25 && am__synth_chance(r, 0.35)) {
        uint16_t m = (uint16_t)am__synth_pick(cat->surnames.cum, cat->surnames.n, r);
        if (m != p->sur[0])
            p->married = m;
    }

    /* Categories and charges. */
    if (military) {
        p->categories = 1u << AM__CAT_MILITARY;
    } else if (p->kind != AM__K_COMMON) {
        static const uint64_t cum_pol[] = {500, 640, 710, 735, 747, 753,
                                           813, 813, 833, 858, 883, 1000};
        static const uint64_t cum_never[] = {0,   0,   200, 350, 450, 450,
                                             850, 850, 870, 970, 970, 1000};
        const uint64_t *cum = p->kind == AM__K_NEVER ? cum_never : cum_pol;
        size_t c = am__synth_pick(cum, AM__SYNTH_N_CATEGORIES, r);
        if (c == AM__CAT_PROTESTER && age < 26 && am__synth_chance(r, 0.3))
            c = AM__CAT_STUDENT;
        p->categories = (uint16_t)(1u << c);
        if (p->kind == AM__K_POLITICAL && am__synth_chance(r, 0.15)) {
            size_t c2 = (c == AM__CAT_STUDENT) ? AM__CAT_PROTESTER
                                               : am__synth_pick(cum_pol, AM__SYNTH_N_CATEGORIES, r);
            p->categories |= (uint16_t)(1u << c2);
        }
    }
    if (p->kind == AM__K_POLITICAL) {
        int n = 1 + (int)am__synth_below(r, 3);
        if (military) {
            pick_charges(p, cat, AM__G_MILITARY, n, r);
        } else {
            enum am__synth_group g;
            switch (p->wave) {
            case AM__W_2014:
                g = AM__G_PROTEST;
                break;
            case AM__W_2017:
                g = am__synth_chance(r, 0.2) ? AM__G_CIVMIL : AM__G_PROTEST;
                break;
            case AM__W_2019:
                g = AM__G_CONSPIRACY;
                break;
            case AM__W_2024:
                g = AM__G_ELECTION;
                break;
            case AM__W_2025:
                g = am__synth_chance(r, 0.5) ? AM__G_SANCTIONS : AM__G_ELECTION;
                break;
            default:
                g = am__synth_chance(r, 0.6) ? AM__G_CONSPIRACY : AM__G_PROTEST;
            }
            pick_charges(p, cat, g, n, r);
            if (p->n_charges < 3) {
                double v = am__synth_unit(r);
                if (v < 0.03)
                    pick_charges(p, cat, AM__G_COMMON, 1, r);
                else if (v < 0.04)
                    pick_charges(p, cat, AM__G_HOMICIDE, 1, r);
                else if (v < 0.05)
                    pick_charges(p, cat, AM__G_DRUGS, 1, r);
            }
        }
    } else if (p->kind == AM__K_COMMON) {
        double v = am__synth_unit(r);
        enum am__synth_group g = v < 0.5 ? AM__G_COMMON : v < 0.8 ? AM__G_DRUGS : AM__G_HOMICIDE;
        pick_charges(p, cat, g, 1 + (int)am__synth_below(r, 2), r);
    }

    p->state = (uint8_t)am__synth_pick(cat->state_cum, cat->n_state, r);
    p->city = (uint8_t)am__synth_below(r, cat->state[p->state].n_cities);
    if (p->kind != AM__K_NEVER) {
        p->facility = (uint8_t)pick_facility(cat, p, year_of(when), r);
        p->agency = (uint8_t)am__synth_pick(
            military ? cat->agency_cum_military : cat->agency_cum_civil, cat->n_agency, r);
    } else {
        p->facility = p->agency = 0xFF;
    }

    if (p->adolescent)
        p->sensitivity = am__synth_chance(r, 0.25) ? AM__SENS_SEALED : AM__SENS_RESTRICTED;
    else {
        double v = am__synth_unit(r);
        p->sensitivity = v < 0.72   ? AM__SENS_PUBLIC
                         : v < 0.96 ? AM__SENS_RESTRICTED
                                    : AM__SENS_SEALED;
    }
    p->z = (float)am__synth_normal(r);

    if (p->kind == AM__K_NEVER) {
        struct evb b = {p, d->end, when, 0};
        double v = am__synth_unit(r);
        if (v < 0.5)
            add_ev(&b, AM_EV_EXILE, when);
        else if (v < 0.8)
            add_ev(&b, AM_EV_HIDING, when);
    } else {
        detention(p, when, d, r);
    }
}

void am__synth_population(struct am__synth_person *p, size_t n, const struct am__synth_catalog *cat,
                          const struct am__synth_dates *dates, struct am__synth_rng *rng)
{
    uint8_t *used = am_calloc(CEDULA_SPACE / 8 + 1, 1);
    for (size_t i = 0; i < n; i++)
        one_person(&p[i], cat, dates, rng, used);
    am_free(used);
}
