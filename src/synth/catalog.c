/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The generator's catalogs, read from the bundled data/ files: weighted given names and
 * surnames with nicknames, facilities, arresting agencies, states with cities, and charges
 * with their class and the kind of case they belong to. A malformed file is bad input
 * with its line and column, so a corrected $AMNISTIA_DATA copy is easy to fix.
 */
#include "synth_int.h"

#include <string.h>

const char *const am__synth_class_names[AM__CL__COUNT] = {"political", "military", "homicide",
                                                          "drugs", "common"};
static const char *const group_names[AM__G__COUNT] = {"protest",   "election", "conspiracy",
                                                      "sanctions", "civmil",   "military",
                                                      "homicide",  "drugs",    "common"};

/* Splits line (modified in place) at sep into at most max fields; returns the count. */
static size_t split(char *line, char sep, char **field, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        if (n < max)
            field[n] = p;
        n++;
        char *q = strchr(p, sep);
        if (!q)
            break;
        *q = 0;
        p = q + 1;
    }
    return n;
}

/* 1-based column of at in the line starting at start, counted in characters. */
static long colof(const char *start, const char *at)
{
    long col = 1;
    for (const char *q = start; q < at; q++)
        col += ((unsigned char)*q & 0xC0) != 0x80;
    return col;
}

static int parse_weight(const char *s, uint64_t *w, const char *file, long line, long col,
                        struct am_err *err)
{
    int64_t v;
    if (am_parse_int64(s, &v) != 0 || v <= 0 || v > 1000000)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, col,
                          "weight '%s' is not a whole number from 1 to 1000000; "
                          "write a positive relative frequency",
                          s);
    *w = (uint64_t)v;
    return 0;
}

/* Calls row(fields) for each non-comment line of data file name; skip_header skips line 1. */
typedef int (*row_fn)(void *ctx, char **f, size_t nf, const char *file, long line,
                      struct am_err *err);

static int each_line(struct am__synth_catalog *cat, const char *name, char sep, int skip_header,
                     row_fn fn, void *ctx, struct am_err *err)
{
    struct am_buf buf;
    am_buf_init(&buf);
    if (am_data_load(name, &buf, err) != 0) {
        am_buf_release(&buf);
        return -1;
    }
    char file[64];
    snprintf(file, sizeof(file), "data/%s", name);
    char *text = am_arena_strndup(&cat->arena, buf.ptr, buf.len);
    am_buf_release(&buf);
    long line_no = 0;
    char *p = text;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        line_no++;
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r')
            p[--len] = 0;
        if (len && p[0] != '#' && !(skip_header && line_no == 1)) {
            char *f[16];
            size_t nf = split(p, sep, f, 16);
            if (fn(ctx, f, nf, file, line_no, err) != 0)
                return -1;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}

static int name_row(void *ctx, char **f, size_t nf, const char *file, long line, struct am_err *err)
{
    struct am__synth_names *t = ctx;
    if (nf < 2 || nf > 3)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1,
                          "expected 'name;weight[;nick|nick]', found %zu fields; "
                          "fix the line",
                          nf);
    if (!*f[0])
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1, "empty name; write the name first");
    uint64_t w = 0;
    if (parse_weight(f[1], &w, file, line, colof(f[0], f[1]), err) != 0)
        return -1;
    if (t->n >= 4000)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1,
                          "more than 4000 names; split or shorten the list");
    if (t->n % 64 == 0) {
        t->v = am_realloc(t->v, (t->n + 64) * sizeof(*t->v));
        t->cum = am_realloc(t->cum, (t->n + 64) * sizeof(*t->cum));
    }
    struct am__synth_name *nm = &t->v[t->n];
    memset(nm, 0, sizeof(*nm));
    nm->text = f[0];
    nm->second_only = strncmp(f[0], "Del ", 4) == 0;
    if (nf == 3 && *f[2]) {
        char *nick[4];
        size_t nn = split(f[2], '|', nick, 4);
        for (size_t i = 0; i < nn && i < 3; i++)
            if (*nick[i])
                nm->nick[nm->n_nick++] = nick[i];
    }
    t->cum[t->n] = (t->n ? t->cum[t->n - 1] : 0) + w;
    t->n++;
    return 0;
}

static int load_names(struct am__synth_catalog *cat, const char *name, struct am__synth_names *t,
                      struct am_err *err)
{
    if (each_line(cat, name, ';', 0, name_row, t, err) != 0)
        return -1;
    size_t firsts = 0;
    for (size_t i = 0; i < t->n; i++)
        firsts += !t->v[i].second_only;
    if (firsts == 0)
        return AM_FAIL(err, AM_EINPUT,
                       "data/%s holds no ordinary first name (only 'Del ...' "
                       "names or none); add some",
                       name);
    return 0;
}

static int facility_row(void *ctx, char **f, size_t nf, const char *file, long line,
                        struct am_err *err)
{
    struct am__synth_catalog *cat = ctx;
    if (nf != 8)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1,
                          "expected 8 columns (name,state,agency,sex,military,from_year,"
                          "to_year,weight), found %zu",
                          nf);
    if (cat->n_facility >= AM__SYNTH_MAX_ROWS)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1, "too many facilities (max %d)",
                          AM__SYNTH_MAX_ROWS);
    struct am__synth_facility *fa = &cat->facility[cat->n_facility];
    fa->name = f[0];
    fa->state = f[1];
    fa->agency = f[2];
    if (strcmp(f[3], "any") == 0)
        fa->sex = 0;
    else if (strcmp(f[3], "F") == 0 || strcmp(f[3], "M") == 0)
        fa->sex = f[3][0];
    else
        return AM_FAIL_AT(err, AM_EINPUT, file, line, colof(f[0], f[3]),
                          "sex '%s' is not any, F or M", f[3]);
    int64_t mil, from, to;
    if (am_parse_int64(f[4], &mil) != 0 || (mil != 0 && mil != 1))
        return AM_FAIL_AT(err, AM_EINPUT, file, line, colof(f[0], f[4]),
                          "military '%s' is not 0 or 1", f[4]);
    if (am_parse_int64(f[5], &from) != 0 || am_parse_int64(f[6], &to) != 0 || from > to ||
        from < 1990 || to > 2100)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, colof(f[0], f[5]),
                          "years '%s'..'%s' are not a range of years", f[5], f[6]);
    fa->military = (uint8_t)mil;
    fa->from_year = (int)from;
    fa->to_year = (int)to;
    if (parse_weight(f[7], &fa->weight, file, line, colof(f[0], f[7]), err) != 0)
        return -1;
    cat->n_facility++;
    return 0;
}

static int agency_row(void *ctx, char **f, size_t nf, const char *file, long line,
                      struct am_err *err)
{
    struct am__synth_catalog *cat = ctx;
    if (nf != 3)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1,
                          "expected 3 columns (agency,civil_weight,military_weight), found %zu",
                          nf);
    if (cat->n_agency >= 32)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1, "too many agencies (max 32)");
    int64_t c, m;
    if (am_parse_int64(f[1], &c) != 0 || am_parse_int64(f[2], &m) != 0 || c < 0 || m < 0 ||
        c > 1000000 || m > 1000000)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, colof(f[0], f[1]),
                          "weights '%s','%s' are not whole numbers from 0 to 1000000", f[1], f[2]);
    size_t i = cat->n_agency++;
    cat->agency[i] = f[0];
    cat->agency_cum_civil[i] = (i ? cat->agency_cum_civil[i - 1] : 0) + (uint64_t)c;
    cat->agency_cum_military[i] = (i ? cat->agency_cum_military[i - 1] : 0) + (uint64_t)m;
    return 0;
}

static int state_row(void *ctx, char **f, size_t nf, const char *file, long line,
                     struct am_err *err)
{
    struct am__synth_catalog *cat = ctx;
    if (nf != 3)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1,
                          "expected 3 columns (state,weight,cities), found %zu", nf);
    if (cat->n_state >= 32)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1, "too many states (max 32)");
    uint64_t w = 0;
    if (parse_weight(f[1], &w, file, line, colof(f[0], f[1]), err) != 0)
        return -1;
    size_t i = cat->n_state++;
    struct am__synth_state *s = &cat->state[i];
    s->name = f[0];
    char *city[9];
    size_t nc = split(f[2], '|', city, 9);
    if (nc > 8 || !*city[0])
        return AM_FAIL_AT(err, AM_EINPUT, file, line, colof(f[0], f[2]),
                          "write one to eight cities separated by |");
    for (size_t c = 0; c < nc; c++)
        s->cities[c] = city[c];
    s->n_cities = (uint8_t)nc;
    cat->state_cum[i] = (i ? cat->state_cum[i - 1] : 0) + w;
    return 0;
}

static int charge_row(void *ctx, char **f, size_t nf, const char *file, long line,
                      struct am_err *err)
{
    struct am__synth_catalog *cat = ctx;
    if (nf != 4)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1,
                          "expected 4 columns (charge,class,group,weight), found %zu", nf);
    if (cat->n_charge >= AM__SYNTH_MAX_ROWS)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1, "too many charges (max %d)",
                          AM__SYNTH_MAX_ROWS);
    int cls = -1, grp = -1;
    for (int i = 0; i < AM__CL__COUNT; i++)
        if (strcmp(f[1], am__synth_class_names[i]) == 0)
            cls = i;
    if (cls < 0)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, colof(f[0], f[1]),
                          "class '%s' is not political, military, homicide, drugs or common", f[1]);
    for (int i = 0; i < AM__G__COUNT; i++)
        if (strcmp(f[2], group_names[i]) == 0)
            grp = i;
    if (grp < 0)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, colof(f[0], f[2]),
                          "group '%s' is unknown; use protest, election, conspiracy, sanctions, "
                          "civmil, military, homicide, drugs or common",
                          f[2]);
    uint64_t w = 0;
    if (parse_weight(f[3], &w, file, line, colof(f[0], f[3]), err) != 0)
        return -1;
    size_t gi = cat->group_n[grp];
    if (gi >= 64)
        return AM_FAIL_AT(err, AM_EINPUT, file, line, 1, "too many charges in group '%s'", f[2]);
    size_t i = cat->n_charge++;
    cat->charge[i].text = f[0];
    cat->charge[i].cls = (uint8_t)cls;
    cat->charge[i].group = (uint8_t)grp;
    cat->group_idx[grp][gi] = (uint8_t)i;
    cat->group_cum[grp][gi] = (gi ? cat->group_cum[grp][gi - 1] : 0) + w;
    cat->group_n[grp] = gi + 1;
    return 0;
}

int am__synth_catalog_load(struct am__synth_catalog *cat, struct am_err *err)
{
    memset(cat, 0, sizeof(*cat));
    am_arena_init(&cat->arena);
    if (load_names(cat, "given_names_m.txt", &cat->male, err) != 0 ||
        load_names(cat, "given_names_f.txt", &cat->female, err) != 0 ||
        load_names(cat, "surnames.txt", &cat->surnames, err) != 0 ||
        each_line(cat, "synth_facilities.csv", ',', 1, facility_row, cat, err) != 0 ||
        each_line(cat, "synth_agencies.csv", ',', 1, agency_row, cat, err) != 0 ||
        each_line(cat, "synth_states.csv", ',', 1, state_row, cat, err) != 0 ||
        each_line(cat, "synth_charges.csv", ',', 1, charge_row, cat, err) != 0)
        return -1;
    if (cat->n_facility == 0 || cat->n_agency == 0 || cat->n_state == 0)
        return AM_FAIL(err, AM_EINPUT,
                       "a synth catalog in data/ is empty; restore "
                       "synth_facilities.csv, synth_agencies.csv and synth_states.csv");
    if (cat->agency_cum_civil[cat->n_agency - 1] == 0 ||
        cat->agency_cum_military[cat->n_agency - 1] == 0)
        return AM_FAIL(err, AM_EINPUT,
                       "data/synth_agencies.csv: each weight column needs "
                       "at least one non-zero weight");
    for (int g = 0; g < AM__G__COUNT; g++)
        if (cat->group_n[g] == 0)
            return AM_FAIL(err, AM_EINPUT,
                           "data/synth_charges.csv has no charge in group "
                           "'%s'; add one",
                           group_names[g]);
    return 0;
}

void am__synth_catalog_release(struct am__synth_catalog *cat)
{
    am_free(cat->male.v);
    am_free(cat->male.cum);
    am_free(cat->female.v);
    am_free(cat->female.cum);
    am_free(cat->surnames.v);
    am_free(cat->surnames.cum);
    am_arena_release(&cat->arena);
    memset(cat, 0, sizeof(*cat));
}
