/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Mapping files (docs/mapping.md) and header plans. A mapping says how a source's own
 * layout becomes the canonical columns: renames, joins, fixed values, the name and date
 * order, the source's status and category words. A plan applies a mapping to one file's
 * header. Every mistake in a mapping is reported at its line and column with a hint.
 */
#include "import_int.h"

#include "amnistia/registry.h"

#include <ctype.h>
#include <string.h>

static const char *const column_names[] = {
#define AM_X(e, s) s,
    AM_COLUMN_TABLE(AM_X)
#undef AM_X
};

static const char column_list[] =
    "list_id, full_name, given_names, surnames, cedula, sex, birth_date, nationality, "
    "arrest_date, arrest_place, state, facility, agency, charges, status, status_date, "
    "release_date, measures, categories, sensitivity, notes";

const char *am_column_name(enum am_column col)
{
    return (unsigned)col < AM__COL_COUNT ? column_names[col] : "?";
}

static char *header_key(const char *s)
{
    struct am_buf b;
    am_buf_init(&b);
    am_name_normalize(s, &b);
    return am_buf_detach(&b);
}

int am_column_from_header(const char *header)
{
    char *key = header_key(header);
    int found = -1;
    for (int c = 0; c < AM__COL_COUNT && found < 0; c++) {
        /* "full_name" normalises to "full name": compare both the same way. */
        char *ck = header_key(column_names[c]);
        if (strcmp(ck, key) == 0)
            found = c;
        am_free(ck);
    }
    am_free(key);
    return found;
}

/* ---- lexer ------------------------------------------------------------------------ */

enum tok { T_END, T_WORD, T_ARROW, T_PLUS, T_EQ, T_COMMA, T_BAD };

struct lex {
    const char *path;
    const char *p, *end; /* the current line */
    long line;
    const char *line_start;
    struct am_buf text; /* the current token's text */
    long col;           /* the current token's column */
    struct am_err *err;
};

static long col_of(const struct lex *lx, const char *at)
{
    long col = 1;
    for (const char *q = lx->line_start; q < at; q++)
        if (((unsigned char)*q & 0xC0) != 0x80)
            col++;
    return col;
}

static enum tok next(struct lex *lx)
{
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r'))
        lx->p++;
    am_buf_reset(&lx->text);
    lx->col = col_of(lx, lx->p);
    if (lx->p >= lx->end || *lx->p == '#')
        return T_END;
    char c = *lx->p;
    if (c == '-' && lx->p + 1 < lx->end && lx->p[1] == '>') {
        lx->p += 2;
        return T_ARROW;
    }
    if (c == '+' || c == '=' || c == ',') {
        lx->p++;
        return c == '+' ? T_PLUS : c == '=' ? T_EQ : T_COMMA;
    }
    if (c == '"') {
        const char *q = lx->p + 1;
        for (;;) {
            if (q >= lx->end) {
                AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                           "quoted name is never closed; add the closing quote (\") on "
                           "the same line");
                return T_BAD;
            }
            if (*q == '"') {
                if (q + 1 < lx->end && q[1] == '"') {
                    am_buf_addc(&lx->text, '"');
                    q += 2;
                    continue;
                }
                break;
            }
            am_buf_addc(&lx->text, *q++);
        }
        lx->p = q + 1;
        if (lx->text.len == 0) {
            AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                       "empty quoted name; write the column's name between the quotes");
            return T_BAD;
        }
        return T_WORD;
    }
    while (lx->p < lx->end && *lx->p != ' ' && *lx->p != '\t' && *lx->p != '\r' &&
           *lx->p != '"' && *lx->p != '+' && *lx->p != '=' && *lx->p != ',' &&
           !(*lx->p == '-' && lx->p + 1 < lx->end && lx->p[1] == '>'))
        am_buf_addc(&lx->text, *lx->p++);
    return T_WORD;
}

static const char *tok_name(enum tok t)
{
    switch (t) {
    case T_END: return "the end of the line";
    case T_ARROW: return "'->'";
    case T_PLUS: return "'+'";
    case T_EQ: return "'='";
    case T_COMMA: return "','";
    default: return "a name";
    }
}

static int expect(struct lex *lx, enum tok want, const char *hint)
{
    enum tok t = next(lx);
    if (t == T_BAD)
        return -1;
    if (t != want)
        return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                          "expected %s but found %s%s%s%s; %s", tok_name(want),
                          tok_name(t), t == T_WORD ? " '" : "", t == T_WORD ? lx->text.ptr : "",
                          t == T_WORD ? "'" : "", hint);
    return 0;
}

static int expect_end(struct lex *lx)
{
    enum tok t = next(lx);
    if (t == T_BAD)
        return -1;
    if (t != T_END)
        return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                          "unexpected %s%s%s%s after the end of the directive; write one "
                          "directive per line (a # starts a comment)",
                          tok_name(t), t == T_WORD ? " '" : "", t == T_WORD ? lx->text.ptr : "",
                          t == T_WORD ? "'" : "");
    return 0;
}

/* ---- directives -------------------------------------------------------------------- */

struct am_mapping *am_mapping_new(void)
{
    struct am_mapping *map = am_calloc(1, sizeof(*map));
    map->path = am_strdup("");
    map->order = AM_ORDER_UNKNOWN;
    map->dates = AM_DATES_DMY;
    am_strmap_init(&map->status_words);
    am_strmap_init(&map->category_words);
    return map;
}

static void name_release(struct am__map_name *n)
{
    am_free(n->name);
    am_free(n->key);
}

void am_mapping_free(struct am_mapping *map)
{
    if (!map)
        return;
    am_free(map->path);
    for (size_t i = 0; i < map->renames.n; i++)
        name_release(&map->renames.v[i].from);
    for (size_t i = 0; i < map->joins.n; i++)
        for (int k = 0; k < map->joins.v[i].n; k++)
            name_release(&map->joins.v[i].parts[k]);
    for (size_t i = 0; i < map->ignores.n; i++)
        name_release(&map->ignores.v[i]);
    AM_VEC_FREE(&map->renames);
    AM_VEC_FREE(&map->joins);
    AM_VEC_FREE(&map->ignores);
    for (int c = 0; c < AM__COL_COUNT; c++)
        am_free(map->set_value[c]);
    am_strmap_release(&map->status_words);
    am_strmap_release(&map->category_words);
    am_free(map);
}

enum am_name_order am_mapping_order(const struct am_mapping *map) { return map->order; }
enum am_date_order am_mapping_date_order(const struct am_mapping *map) { return map->dates; }

/* The source column named by the current token, checked against earlier directives. */
static int source_name(struct am_mapping *map, struct lex *lx, struct am__map_name *out)
{
    char *key = header_key(lx->text.ptr);
    const struct am__map_name *prev = NULL;
    for (size_t i = 0; i < map->renames.n && !prev; i++)
        if (strcmp(map->renames.v[i].from.key, key) == 0)
            prev = &map->renames.v[i].from;
    for (size_t i = 0; i < map->joins.n && !prev; i++)
        for (int k = 0; k < map->joins.v[i].n && !prev; k++)
            if (strcmp(map->joins.v[i].parts[k].key, key) == 0)
                prev = &map->joins.v[i].parts[k];
    for (size_t i = 0; i < map->ignores.n && !prev; i++)
        if (strcmp(map->ignores.v[i].key, key) == 0)
            prev = &map->ignores.v[i];
    if (prev) {
        am_free(key);
        return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                          "column '%s' is already used at line %ld; use each source column "
                          "in one directive only",
                          lx->text.ptr, prev->line);
    }
    if (!*key) {
        am_free(key);
        return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                          "'%s' is not a column name (it has no letters or digits); quote "
                          "the column's name as the header writes it",
                          lx->text.ptr);
    }
    out->name = am_strdup(lx->text.ptr);
    out->key = key;
    out->line = lx->line;
    out->col = lx->col;
    return 0;
}

static int target_column(struct am_mapping *map, struct lex *lx, int *target)
{
    int c = -1;
    for (int i = 0; i < AM__COL_COUNT; i++)
        if (strcmp(column_names[i], lx->text.ptr) == 0)
            c = i;
    if (c < 0)
        return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                          "'%s' is not a canonical column; use one of %s", lx->text.ptr,
                          column_list);
    if (map->fed_line[c])
        return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                          "%s is already given at line %ld; give each canonical column "
                          "once",
                          column_names[c], map->fed_line[c]);
    map->fed_line[c] = lx->line;
    *target = c;
    return 0;
}

static int status_name(const char *s)
{
    static const char *const names[] = {
#define AM_X(e, n) n,
        AM_STATUS_TABLE(AM_X)
#undef AM_X
    };
    for (int i = 0; i < AM__STATUS_COUNT; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static const char status_list[] = "detained, disappeared, house_arrest, released_with_measures, "
                                  "released, exiled, in_hiding, deceased, unknown";

/* A fixed value must be valid for its column, or every row would be refused. */
static int check_fixed(struct am_mapping *map, struct lex *lx, int col, const char *v)
{
    char why[128] = "";
    char date[11];
    switch (col) {
    case AM_COL_BIRTH_DATE:
    case AM_COL_ARREST_DATE:
    case AM_COL_STATUS_DATE:
    case AM_COL_RELEASE_DATE:
        if (am__date_parse(v, map->dates, date, why, sizeof(why)))
            return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                              "'%s' is not a date: %s; write YYYY-MM-DD", v, why);
        return 0;
    case AM_COL_STATUS: {
        int ev;
        int s = status_name(v) >= 0 ? 0 : am_status_word(v, &ev);
        if (s == -1)
            return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                              "'%s' is not a status; use one of %s", v, status_list);
        return 0;
    }
    case AM_COL_SEX: {
        char sx;
        if (am_sex_parse(v, &sx) < 0)
            return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                              "'%s' is not a sex; use F or M", v);
        return 0;
    }
    case AM_COL_CEDULA: {
        struct am_cedula ced;
        if (am_cedula_parse(v, &ced, why, sizeof(why)))
            return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                              "'%s' is not a cédula: %s; write it as V-12345678", v, why);
        return 0;
    }
    case AM_COL_SENSITIVITY:
        if (strcmp(v, "public") && strcmp(v, "restricted") && strcmp(v, "sealed"))
            return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                              "'%s' is not a sensitivity; use public, restricted or sealed", v);
        return 0;
    case AM_COL_CATEGORIES: {
        const char *p = v;
        while (*p) {
            const char *e = strchr(p, ';');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            char *one = am_strndup(p, n);
            const char *cat = am_category_word(one);
            int blank = 1;
            for (const char *q = one; *q; q++)
                if (!isspace((unsigned char)*q))
                    blank = 0;
            if (!cat && !blank) {
                AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                           "'%s' is not a category; use protester, student, social_activist, "
                           "journalist, human_rights_defender, victims_committee, "
                           "political_leader, military, trade_unionist, public_official, "
                           "relative_of_target or other",
                           one);
                am_free(one);
                return -1;
            }
            am_free(one);
            p += n;
            if (*p == ';')
                p++;
        }
        return 0;
    }
    default:
        return 0;
    }
}

static int directive(struct am_mapping *map, struct lex *lx)
{
    enum tok t = next(lx);
    if (t == T_BAD)
        return -1;
    if (t == T_END)
        return 0;
    if (t != T_WORD)
        return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                          "a line starts with %s; start it with a directive: order, dates, "
                          "column, join, set, status, category or ignore",
                          tok_name(t));
    char kw[32];
    snprintf(kw, sizeof(kw), "%s", lx->text.ptr);
    long kw_col = lx->col;

    if (strcmp(kw, "order") == 0) {
        if (expect(lx, T_WORD, "write: order surnames_first (or given_first, or detect)"))
            return -1;
        if (strcmp(lx->text.ptr, "surnames_first") == 0)
            map->order = AM_ORDER_SURNAMES_FIRST;
        else if (strcmp(lx->text.ptr, "given_first") == 0)
            map->order = AM_ORDER_GIVEN_FIRST;
        else if (strcmp(lx->text.ptr, "detect") == 0)
            map->order = AM_ORDER_UNKNOWN;
        else
            return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                              "unknown name order '%s'; use surnames_first, given_first or "
                              "detect",
                              lx->text.ptr);
        return expect_end(lx);
    }
    if (strcmp(kw, "dates") == 0) {
        if (expect(lx, T_WORD, "write: dates dmy (or mdy)"))
            return -1;
        if (strcmp(lx->text.ptr, "dmy") == 0)
            map->dates = AM_DATES_DMY;
        else if (strcmp(lx->text.ptr, "mdy") == 0)
            map->dates = AM_DATES_MDY;
        else
            return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                              "unknown date order '%s'; use dmy (31/12/2024) or mdy "
                              "(12/31/2024); ISO dates are always read",
                              lx->text.ptr);
        return expect_end(lx);
    }
    if (strcmp(kw, "column") == 0) {
        static const char hint[] = "write: column \"SOURCE NAME\" -> canonical_column";
        struct am__map_rename r = {0};
        if (expect(lx, T_WORD, hint) || source_name(map, lx, &r.from))
            return -1;
        if (expect(lx, T_ARROW, hint) || expect(lx, T_WORD, hint) ||
            target_column(map, lx, &r.target) || expect_end(lx)) {
            name_release(&r.from);
            return -1;
        }
        AM_VEC_PUSH(&map->renames, r);
        return 0;
    }
    if (strcmp(kw, "join") == 0) {
        static const char hint[] =
            "write: join \"FIRST COLUMN\" + \"SECOND COLUMN\" -> canonical_column";
        if (map->joins.n >= 16)
            return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, kw_col,
                              "too many join directives (at most 16); join fewer columns");
        struct am__map_join j = {0};
        int rc = 0;
        for (;;) {
            if (j.n == AM__JOIN_MAX) {
                rc = AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                                "a join takes at most %d columns; split it", AM__JOIN_MAX);
                break;
            }
            if ((rc = expect(lx, T_WORD, hint)) || (rc = source_name(map, lx, &j.parts[j.n])))
                break;
            j.n++;
            enum tok sep = next(lx);
            if (sep == T_PLUS)
                continue;
            if (sep == T_ARROW)
                break;
            rc = sep == T_BAD ? -1
                              : AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                                           "expected '+' or '->' but found %s; %s",
                                           tok_name(sep), hint);
            break;
        }
        if (rc == 0 && j.n < 2)
            rc = AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                            "a join needs at least two columns; use column to rename one "
                            "column, or %s",
                            hint);
        if (rc == 0)
            rc = expect(lx, T_WORD, hint);
        if (rc == 0)
            rc = target_column(map, lx, &j.target);
        if (rc == 0)
            rc = expect_end(lx);
        if (rc) {
            for (int k = 0; k < j.n; k++)
                name_release(&j.parts[k]);
            return -1;
        }
        AM_VEC_PUSH(&map->joins, j);
        return 0;
    }
    if (strcmp(kw, "set") == 0) {
        static const char hint[] = "write: set canonical_column = VALUE (quote a value "
                                   "with spaces)";
        int col;
        if (expect(lx, T_WORD, hint) || target_column(map, lx, &col) ||
            expect(lx, T_EQ, hint) || expect(lx, T_WORD, hint))
            return -1;
        if (check_fixed(map, lx, col, lx->text.ptr))
            return -1;
        map->set_value[col] = am_strdup(lx->text.ptr);
        return expect_end(lx);
    }
    if (strcmp(kw, "status") == 0 || strcmp(kw, "category") == 0) {
        int is_status = kw[0] == 's';
        const char *hint = is_status ? "write: status \"SOURCE WORD\" -> released_with_measures"
                                     : "write: category \"SOURCE WORD\" -> student";
        if (expect(lx, T_WORD, hint))
            return -1;
        char *key = header_key(lx->text.ptr);
        long word_col = lx->col;
        int64_t prev;
        struct am_strmap *words = is_status ? &map->status_words : &map->category_words;
        if (!*key || am_strmap_get(words, key, &prev)) {
            AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, word_col,
                       *key ? "the word '%s' is already mapped; map each word once"
                            : "'%s' has no letters or digits; quote the word as the list "
                              "writes it",
                       lx->text.ptr);
            am_free(key);
            return -1;
        }
        if (expect(lx, T_ARROW, hint) || expect(lx, T_WORD, hint)) {
            am_free(key);
            return -1;
        }
        int64_t value = -1;
        if (is_status) {
            value = status_name(lx->text.ptr);
        } else {
            for (int i = 0; am__categories[i]; i++)
                if (strcmp(am__categories[i], lx->text.ptr) == 0)
                    value = i;
        }
        if (value < 0) {
            if (is_status)
                AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                           "'%s' is not a status; use one of %s", lx->text.ptr, status_list);
            else
                AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                           "'%s' is not a category; use one of protester, student, "
                           "social_activist, journalist, human_rights_defender, "
                           "victims_committee, political_leader, military, trade_unionist, "
                           "public_official, relative_of_target, other",
                           lx->text.ptr);
            am_free(key);
            return -1;
        }
        am_strmap_put(words, key, value);
        am_free(key);
        return expect_end(lx);
    }
    if (strcmp(kw, "ignore") == 0) {
        for (;;) {
            struct am__map_name n = {0};
            if (expect(lx, T_WORD, "write: ignore \"SOURCE COLUMN\", \"OTHER COLUMN\"") ||
                source_name(map, lx, &n))
                return -1;
            AM_VEC_PUSH(&map->ignores, n);
            enum tok sep = next(lx);
            if (sep == T_COMMA)
                continue;
            if (sep == T_END)
                return 0;
            if (sep == T_BAD)
                return -1;
            return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, lx->col,
                              "expected ',' or the end of the line but found %s; separate "
                              "ignored columns with commas and quote names with spaces",
                              tok_name(sep));
        }
    }
    return AM_FAIL_AT(lx->err, AM_EINPUT, lx->path, lx->line, kw_col,
                      "unknown directive '%s'; use order, dates, column, join, set, status, "
                      "category or ignore (see docs/mapping.md)",
                      kw);
}

struct am_mapping *am_mapping_parse(const char *path, const char *text, size_t len,
                                    struct am_err *err)
{
    struct am_mapping *map = am_mapping_new();
    am_free(map->path);
    map->path = am_strdup(path);
    struct lex lx = {.path = map->path, .err = err};
    am_buf_init(&lx.text);
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    long line = 0;
    int rc = 0;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        line++;
        lx.line = line;
        lx.line_start = lx.p = p;
        lx.end = eol;
        long bad = am_utf8_invalid_at(p, (size_t)(eol - p));
        if (memchr(p, '\0', (size_t)(eol - p)))
            rc = AM_FAIL_AT(err, AM_EINPUT, path, line, 1,
                            "NUL byte in the mapping file; save it as UTF-8 text");
        else if (bad >= 0)
            rc = AM_FAIL_AT(err, AM_EINPUT, path, line, col_of(&lx, p + bad),
                            "invalid UTF-8 byte 0x%02X; save the mapping file as UTF-8",
                            (unsigned char)p[bad]);
        else
            rc = directive(map, &lx);
        p = nl ? nl + 1 : end;
    }
    am_buf_release(&lx.text);
    if (rc) {
        am_mapping_free(map);
        return NULL;
    }
    return map;
}

struct am_mapping *am_mapping_load(const char *path, struct am_err *err)
{
    struct am_buf text;
    am_buf_init(&text);
    if (am_buf_read_file(&text, path, err)) {
        am_buf_release(&text);
        return NULL;
    }
    struct am_mapping *map = am_mapping_parse(path, text.ptr, text.len, err);
    am_buf_release(&text);
    return map;
}

/* ---- plans ------------------------------------------------------------------------- */

static void plan_free_cols(struct am_plan *plan)
{
    for (size_t i = 0; i < plan->cols.n; i++)
        am_free(plan->cols.v[i].name);
    AM_VEC_FREE(&plan->cols);
}

void am_plan_free(struct am_plan *plan)
{
    if (!plan)
        return;
    plan_free_cols(plan);
    am_strmap_release(&plan->keys);
    am_free(plan);
}

size_t am_plan_width(const struct am_plan *plan) { return plan->cols.n; }

/* Decides what a column named name feeds; fails when a canonical column is fed twice. */
static int classify(struct am_plan *plan, const char *name, const char *file, long line,
                    long col, struct am_buf *extra, struct am_err *err)
{
    const struct am_mapping *map = plan->map;
    struct am__plan_col pc = {am_strdup(name), -1, -1, 0, 0};
    size_t idx = plan->cols.n;
    char *key = header_key(name);
    int ignored = 0;
    for (size_t i = 0; i < map->ignores.n; i++)
        if (strcmp(map->ignores.v[i].key, key) == 0)
            ignored = 1;
    for (size_t i = 0; i < map->renames.n && pc.target < 0; i++)
        if (strcmp(map->renames.v[i].from.key, key) == 0)
            pc.target = map->renames.v[i].target;
    for (size_t j = 0; j < map->joins.n && pc.join < 0; j++)
        for (int k = 0; k < map->joins.v[j].n; k++)
            if (strcmp(map->joins.v[j].parts[k].key, key) == 0) {
                pc.join = (int)j;
                pc.part = k;
            }
    if (pc.target < 0 && pc.join < 0 && !ignored) {
        int c = am_column_from_header(name);
        if (c >= 0 && !map->fed_line[c])
            pc.target = c;
    }
    am_free(key);
    pc.ignored = ignored;
    if (pc.join >= 0) {
        int *slot = &plan->join_cols[pc.join][pc.part];
        if (*slot >= 0) {
            am_free(pc.name);
            return AM_FAIL_AT(err, AM_EINPUT, file, line, col,
                              "column '%s' appears twice in the header (columns %d and %zu); "
                              "rename one of them",
                              name, *slot + 1, idx + 1);
        }
        *slot = (int)idx;
    } else if (pc.target >= 0) {
        int *slot = &plan->feed[pc.target];
        if (*slot >= 0) {
            AM_FAIL_AT(err, AM_EINPUT, file, line, col,
                       "%s is given twice: by column '%s' (%d) and by column '%s' (%zu); "
                       "remove one, or map one of them elsewhere with --map",
                       column_names[pc.target], plan->cols.v[*slot].name, *slot + 1, name,
                       idx + 1);
            am_free(pc.name);
            return -1;
        }
        *slot = (int)idx;
    } else if (!ignored && extra) {
        if (extra->len)
            am_buf_adds(extra, ", ");
        if (*name)
            am_buf_addf(extra, "'%s'", name);
        else /* a spreadsheet's unnamed column (";;" at the end of the header) */
            am_buf_addf(extra, "column %zu (no name)", idx + 1);
    }
    AM_VEC_PUSH(&plan->cols, pc);
    return 0;
}

struct am_plan *am_plan_build(const struct am_mapping *map, const char *file, long line,
                              const struct am_csv_field *header, size_t n, struct am_buf *extra,
                              struct am_err *err)
{
    struct am_plan *plan = am_calloc(1, sizeof(*plan));
    plan->map = map;
    plan->order = map->order;
    am_strmap_init(&plan->keys);
    for (int c = 0; c < AM__COL_COUNT; c++)
        plan->feed[c] = -1;
    memset(plan->join_cols, 0xff, sizeof(plan->join_cols));
    for (size_t i = 0; i < n; i++) {
        if (classify(plan, header[i].value, file, header[i].line, header[i].col, extra, err))
            goto fail;
        char *key = header_key(header[i].value);
        if (!am_strmap_get(&plan->keys, key, NULL))
            am_strmap_put(&plan->keys, key, (int64_t)i);
        am_free(key);
    }
    if (n == 0)
        return plan;
    /* Every column the mapping names must be in the header: a typo would silently drop a
     * field from every row. */
    for (size_t i = 0; i < map->renames.n; i++) {
        const struct am__map_rename *r = &map->renames.v[i];
        int64_t idx;
        if (!am_strmap_get(&plan->keys, r->from.key, &idx)) {
            AM_FAIL_AT(err, AM_EINPUT, file, line, 1,
                       "the mapping (%s:%ld) renames column '%s' but the header has no such "
                       "column; correct the name in the mapping",
                       map->path, r->from.line, r->from.name);
            goto fail;
        }
    }
    for (size_t j = 0; j < map->joins.n; j++)
        for (int k = 0; k < map->joins.v[j].n; k++)
            if (plan->join_cols[j][k] < 0) {
                AM_FAIL_AT(err, AM_EINPUT, file, line, 1,
                           "the mapping (%s:%ld) joins column '%s' but the header has no "
                           "such column; correct the name in the mapping",
                           map->path, map->joins.v[j].parts[k].line,
                           map->joins.v[j].parts[k].name);
                goto fail;
            }
    int has_name = plan->feed[AM_COL_FULL_NAME] >= 0 || plan->feed[AM_COL_GIVEN_NAMES] >= 0 ||
                   plan->feed[AM_COL_SURNAMES] >= 0 || map->set_value[AM_COL_FULL_NAME];
    for (size_t j = 0; j < map->joins.n; j++) {
        int t = map->joins.v[j].target;
        if (t == AM_COL_FULL_NAME || t == AM_COL_GIVEN_NAMES || t == AM_COL_SURNAMES)
            has_name = 1;
    }
    if (!has_name) {
        AM_FAIL_AT(err, AM_EINPUT, file, line, 1,
                   "the header has no name column; name one full_name (or given_names and "
                   "surnames), or say which column holds the name in a mapping file (--map)");
        goto fail;
    }
    /* "APELLIDOS Y NOMBRES", "Apellidos, nombres": the header says the order the mapping
     * left to detection (an upper-case name alone does not show it). */
    int fn = plan->feed[AM_COL_FULL_NAME];
    if (plan->order == AM_ORDER_UNKNOWN && fn >= 0 && (size_t)fn < n) {
        char *key = header_key(header[fn].value);
        if (!strncmp(key, "apellido", 8) && strstr(key, "nombre"))
            plan->order = AM_ORDER_SURNAMES_FIRST;
        am_free(key);
    }
    return plan;
fail:
    am_plan_free(plan);
    return NULL;
}

size_t am_plan_add_column(struct am_plan *plan, const char *name, int *is_new)
{
    char *key = header_key(name);
    int64_t idx;
    *is_new = 0;
    if (am_strmap_get(&plan->keys, key, &idx)) {
        am_free(key);
        return (size_t)idx;
    }
    size_t at = plan->cols.n;
    struct am_err local = AM_ERR_INIT;
    if (classify(plan, name, "", 0, 0, NULL, &local)) {
        /* Fed twice (two keys normalising alike): keep the column, feeding nothing. */
        struct am__plan_col pc = {am_strdup(name), -1, -1, 0, 0};
        AM_VEC_PUSH(&plan->cols, pc);
    }
    am_strmap_put(&plan->keys, key, (int64_t)at);
    am_free(key);
    *is_new = 1;
    return at;
}
