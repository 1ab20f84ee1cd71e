/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The hand-written parser for rule files (docs/laws.md). It reads line by line, collects
 * every problem with its line, column and a hint instead of stopping at the first, then
 * resolves names (articles, rules, episode lists) and computes each rule's level from its
 * `exception-to` declarations. Its output is the flat compiled law of law_int.h.
 */
#include "law_int.h"

#include "amnistia/text.h"

#include <stdarg.h>
#include <string.h>

/* ---- tokens ---------------------------------------------------------------------------- */

enum tok_kind { T_WORD, T_STRING, T_PUNCT, T_END };

struct tok {
    enum tok_kind kind;
    const char *s; /* into the line; for strings, after the opening quote */
    size_t len;
    long col;      /* 1-based, in characters */
    char *str;     /* strings: the unescaped value (arena) */
};

#define MAX_TOKS 96

enum block { B_NONE, B_LAW, B_ARTICLE, B_EPISODES, B_RULE, B_DEFAULT, B_DEADLINE };

/* A name used before it is resolved: checked after the whole file is read. */
struct ref {
    enum { R_ARTICLE, R_RULE_EXCEPT, R_EPISODES } kind;
    const char *name;
    long line, col;
    size_t owner; /* rule index (R_RULE_EXCEPT) or atom index (R_EPISODES) */
};

struct item_pos {
    const char *id;
    long line;
};

struct rule_tmp {
    struct am__law_rule r;
    AM_VEC(uint16_t) except; /* resolved indexes */
    int has_verdict;
    int saw_when; /* a `when` line was read, even one with an error */
};

struct parser {
    const char *file;
    const char *text;
    size_t len;
    struct am_law_diags *diags;
    struct am_law_diags own; /* used when the caller passes no diags */
    size_t nerr;
    struct am_err *err;
    struct am_law *law;
    struct am_buf scratch;

    long lineno;
    const char *line;
    size_t line_len;
    struct tok toks[MAX_TOKS];
    int ntok, pos;

    enum block block;
    long block_line;
    int seen_law;
    long law_line;
    int have_title, have_version, have_status;
    long status_line, status_col;

    AM_VEC(struct am__law_article) articles;
    AM_VEC(long) article_lines;
    AM_VEC(struct am__law_episodes) lists;
    AM_VEC(long) list_lines;
    AM_VEC(struct am__law_episode) episodes;
    AM_VEC(const char *) patterns;
    AM_VEC(struct am__law_atom) atoms;
    AM_VEC(struct am__law_clause) clauses;
    AM_VEC(struct rule_tmp) rules; /* [0] is the default once seen */
    int have_default;
    long default_line;
    AM_VEC(struct am__law_deadline) deadlines;
    AM_VEC(long) deadline_lines;
    AM_VEC(struct ref) refs;
    struct am_buf quote; /* the current article's quoted text */
    /* per-deadline: required fields seen */
    int dl_within, dl_who, dl_must, dl_met;
};

static long char_col(const char *line, const char *at)
{
    long col = 1;
    for (const char *p = line; p < at; p++)
        if (((unsigned char)*p & 0xC0) != 0x80)
            col++;
    return col;
}

static void diag_at(struct parser *p, long line, long col, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void diag_at(struct parser *p, long line, long col, const char *hint, const char *fmt, ...)
{
    struct am_law_diag d;
    memset(&d, 0, sizeof(d));
    d.line = line;
    d.col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d.msg, sizeof(d.msg), fmt, ap);
    va_end(ap);
    snprintf(d.hint, sizeof(d.hint), "%s", hint ? hint : "");
    if (p->nerr == 0)
        AM_FAIL_AT(p->err, AM_EINPUT, p->file, line, col, "%s%s%s", d.msg, d.hint[0] ? "; " : "",
                   d.hint);
    p->nerr++;
    /* A garbage file could produce one error per line; a thousand say enough. */
    if (p->diags->v.n < 1000)
        AM_VEC_PUSH(&p->diags->v, d);
}

/* An error at token t of the current line (or at the end of the line). */
#define DIAG(p, t, hint, ...) diag_at((p), (p)->lineno, tok_col((p), (t)), (hint), __VA_ARGS__)

static long tok_col(const struct parser *p, const struct tok *t)
{
    if (t && t->kind != T_END)
        return t->col;
    return char_col(p->line, p->line + p->line_len) ;
}

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* Splits the current line into tokens; returns -1 (after a diagnostic) on a bad one. */
static int tokenize(struct parser *p)
{
    const char *s = p->line, *end = p->line + p->line_len;
    p->ntok = 0;
    p->pos = 0;
    while (s < end) {
        char c = *s;
        if (c == ' ' || c == '\t') {
            s++;
            continue;
        }
        if (c == '#')
            break;
        if (p->ntok == MAX_TOKS - 1) {
            diag_at(p, p->lineno, char_col(p->line, s), "split the condition over several lines",
                    "line too long: more than %d words", MAX_TOKS - 1);
            return -1;
        }
        struct tok *t = &p->toks[p->ntok];
        memset(t, 0, sizeof(*t));
        t->col = char_col(p->line, s);
        t->s = s;
        if (c == '"') {
            am_buf_reset(&p->scratch);
            const char *q = s + 1;
            for (; q < end && *q != '"'; q++) {
                if (*q == '\\' && q + 1 < end && (q[1] == '"' || q[1] == '\\'))
                    q++;
                am_buf_addc(&p->scratch, *q);
            }
            if (q >= end) {
                diag_at(p, p->lineno, t->col, "close the text with \" on the same line",
                        "unterminated text");
                return -1;
            }
            t->kind = T_STRING;
            t->len = (size_t)(q + 1 - s);
            t->str = am_arena_strndup(&p->law->arena, p->scratch.ptr, p->scratch.len);
            s = q + 1;
        } else if (is_word_char(c) || c == '.') {
            if (c == '.' && s + 1 < end && s[1] == '.') {
                t->kind = T_PUNCT;
                t->len = 2;
                s += 2;
            } else {
                const char *q = s;
                while (q < end && (is_word_char(*q) || (*q == '.' && !(q + 1 < end && q[1] == '.'))))
                    q++;
                t->kind = T_WORD;
                t->len = (size_t)(q - s);
                s = q;
            }
        } else if (c == '[' || c == ']' || c == '(' || c == ')' || c == ',' || c == '=') {
            t->kind = T_PUNCT;
            t->len = 1;
            s++;
        } else if (c == '<' || c == '>') {
            t->kind = T_PUNCT;
            t->len = (s + 1 < end && s[1] == '=') ? 2 : 1;
            s += t->len;
        } else {
            diag_at(p, p->lineno, t->col,
                    "words are letters, digits, _ and -; put other text in double quotes",
                    "unexpected character '%s%c'", (unsigned char)c >= 0x80 ? "\\x" : "",
                    (unsigned char)c >= 0x80 ? '?' : c);
            return -1;
        }
        p->ntok++;
    }
    struct tok *t = &p->toks[p->ntok];
    memset(t, 0, sizeof(*t));
    t->kind = T_END;
    t->s = end;
    t->col = char_col(p->line, end);
    return 0;
}

static struct tok *peek(struct parser *p) { return &p->toks[p->pos]; }
static struct tok *next(struct parser *p)
{
    struct tok *t = &p->toks[p->pos];
    if (t->kind != T_END)
        p->pos++;
    return t;
}
static int tok_is(const struct tok *t, const char *word)
{
    return t->kind != T_END && t->kind != T_STRING && strlen(word) == t->len &&
           memcmp(t->s, word, t->len) == 0;
}
static char *tok_dup(struct parser *p, const struct tok *t)
{
    if (t->kind == T_STRING)
        return t->str;
    return am_arena_strndup(&p->law->arena, t->s, t->len);
}
/* The token as text for messages ("end of line" at the end). */
static const char *tok_show(struct parser *p, const struct tok *t)
{
    if (t->kind == T_END)
        return "end of line";
    if (t->kind == T_STRING)
        return am_arena_printf(&p->law->arena, "\"%s\"", t->str);
    return am_arena_printf(&p->law->arena, "'%.*s'", (int)t->len, t->s);
}

/* A word token looked up in a vocabulary (event types, reviewer facts, ...); -1 when the
 * token is not a word or not in it. */
static int tok_lookup(const struct tok *t, int (*from_name)(const char *))
{
    char buf[64];
    if (t->kind != T_WORD || t->len >= sizeof(buf))
        return -1;
    memcpy(buf, t->s, t->len);
    buf[t->len] = '\0';
    return from_name(buf);
}

static int expect_end(struct parser *p)
{
    struct tok *t = peek(p);
    if (t->kind == T_END)
        return 0;
    DIAG(p, t, "remove it, or start a comment with #", "unexpected %s after the end of the statement",
         tok_show(p, t));
    return -1;
}

static int want_word(struct parser *p, const char *what, const char *hint, struct tok **out)
{
    struct tok *t = next(p);
    if (t->kind != T_WORD) {
        DIAG(p, t, hint, "expected %s, found %s", what, tok_show(p, t));
        return -1;
    }
    *out = t;
    return 0;
}

static int want_string(struct parser *p, const char *what, struct tok **out)
{
    struct tok *t = next(p);
    if (t->kind != T_STRING) {
        DIAG(p, t, "write the text in double quotes", "expected %s in double quotes, found %s",
             what, tok_show(p, t));
        return -1;
    }
    *out = t;
    return 0;
}

static int want_date(struct parser *p, int32_t *days)
{
    struct tok *t = next(p);
    if (t->kind != T_WORD || am_law_date_parse(t->s, t->len, days) != 0) {
        DIAG(p, t, "write dates as YYYY-MM-DD, e.g. 2014-02-01",
             "expected a date, found %s", tok_show(p, t));
        return -1;
    }
    return 0;
}

static int want_int(struct parser *p, const char *what, long lo, long hi, long *out)
{
    struct tok *t = next(p);
    char buf[32];
    int64_t v;
    if (t->kind == T_WORD && t->len < sizeof(buf)) {
        memcpy(buf, t->s, t->len);
        buf[t->len] = '\0';
        if (am_parse_int64(buf, &v) == 0 && v >= lo && v <= hi) {
            *out = (long)v;
            return 0;
        }
    }
    char hint[96];
    snprintf(hint, sizeof(hint), "write a whole number from %ld to %ld", lo, hi);
    DIAG(p, t, hint, "expected %s, found %s", what, tok_show(p, t));
    return -1;
}

/* Appends to out the names of a table for hints: "a, b, c". */
static const char *names_hint(struct parser *p, const char *lead, const char *const *names, size_t n)
{
    am_buf_reset(&p->scratch);
    am_buf_adds(&p->scratch, lead);
    for (size_t i = 0; i < n; i++) {
        if (!names[i])
            continue;
        am_buf_adds(&p->scratch, i ? ", " : "");
        am_buf_adds(&p->scratch, names[i]);
    }
    return am_arena_strdup(&p->law->arena, p->scratch.ptr);
}

/* ---- header and articles -------------------------------------------------------------- */

static const char *const directive_names[] = {"law", "article", "episodes", "rule", "default",
                                              "deadline"};

static int check_id(struct parser *p, struct tok *t, const char *what)
{
    if (t->kind != T_WORD) {
        DIAG(p, t, "names are letters, digits, _ and -", "expected %s, found %s", what,
             tok_show(p, t));
        return -1;
    }
    return 0;
}

static void law_property(struct parser *p)
{
    struct tok *key = next(p);
    struct am_law *law = p->law;
    struct tok *t;
    if (tok_is(key, "title")) {
        if (want_string(p, "the title", &t) == 0 && expect_end(p) == 0) {
            law->title = t->str;
            p->have_title = 1;
        }
    } else if (tok_is(key, "version")) {
        long v;
        if (want_int(p, "a version number", 1, 100000, &v) == 0 && expect_end(p) == 0) {
            law->version = (int)v;
            p->have_version = 1;
        }
    } else if (tok_is(key, "status")) {
        t = next(p);
        p->status_line = p->lineno;
        p->status_col = tok_col(p, t);
        if (tok_is(t, "draft"))
            law->state = AM_LAW_DRAFT;
        else if (tok_is(t, "enacted"))
            law->state = AM_LAW_ENACTED;
        else if (tok_is(t, "struck_down"))
            law->state = AM_LAW_STRUCK_DOWN;
        else {
            DIAG(p, t, "status is draft, enacted or struck_down", "unknown status %s",
                 tok_show(p, t));
            return;
        }
        if (expect_end(p) == 0)
            p->have_status = 1;
    } else if (tok_is(key, "published") || tok_is(key, "in-force") ||
               tok_is(key, "assumed-in-force") || tok_is(key, "struck-down")) {
        int32_t d;
        if (want_date(p, &d) != 0)
            return;
        if (tok_is(key, "struck-down") && peek(p)->kind == T_STRING)
            law->note = next(p)->str;
        if (expect_end(p) != 0)
            return;
        if (tok_is(key, "published"))
            law->published = d;
        else if (tok_is(key, "in-force"))
            law->in_force = d;
        else if (tok_is(key, "assumed-in-force"))
            law->assumed_in_force = d;
        else
            law->struck_down = d;
    } else if (tok_is(key, "source") || tok_is(key, "note")) {
        if (want_string(p, "the text", &t) == 0 && expect_end(p) == 0) {
            if (tok_is(key, "source"))
                law->source = t->str;
            else
                law->note = t->str;
        }
    } else {
        DIAG(p, key,
             "a law's lines are title, version, status, published, in-force, assumed-in-force, "
             "struck-down, source, note",
             "unknown law property %s", tok_show(p, key));
    }
}

static void finish_article(struct parser *p)
{
    if (p->block == B_ARTICLE && p->articles.n) {
        struct am__law_article *a = &p->articles.v[p->articles.n - 1];
        a->text = am_arena_strndup(&p->law->arena, p->quote.ptr, p->quote.len);
    }
    am_buf_reset(&p->quote);
}

/* ---- conditions ------------------------------------------------------------------------ */

static const char *const fact_words[] = {"act_date", "arrest_date", "age_at_arrest", "status",
                                         "category", "nationality", "charges", "fact"};

/* Parses a comma-separated list of names from a table into a bit mask. */
static int parse_name_list(struct parser *p, const char *what, int (*from_name)(const char *),
                           const char *hint, int forbid, uint32_t *mask)
{
    *mask = 0;
    for (;;) {
        struct tok *t = next(p);
        int v = tok_lookup(t, from_name);
        if (v < 0 || v == forbid) {
            DIAG(p, t, hint, "unknown %s %s", what, tok_show(p, t));
            return -1;
        }
        *mask |= 1u << v;
        if (!tok_is(peek(p), ","))
            return 0;
        next(p);
    }
}

static int status_from(const char *s) { return am_status_from_name(s); }

static const char *status_hint(struct parser *p)
{
    const char *names[AM__STATUS_COUNT];
    for (int i = 0; i < AM__STATUS_COUNT; i++)
        names[i] = i == AM_STATUS_UNKNOWN ? NULL : am_status_name(i);
    return names_hint(p, "statuses are ", names + 1, AM__STATUS_COUNT - 1);
}

static const char *category_hint(struct parser *p)
{
    const char *names[AM__CAT_COUNT];
    for (int i = 0; i < AM__CAT_COUNT; i++)
        names[i] = am_category_name(i);
    return names_hint(p, "categories are ", names, AM__CAT_COUNT);
}

static const char *class_hint(struct parser *p)
{
    const char *names[AM__CC_COUNT - 1];
    for (int i = 0; i < AM__CC_COUNT - 1; i++)
        names[i] = am_charge_class_name(i);
    return names_hint(p, "charge classes are ", names, AM__CC_COUNT - 1);
}

static const char *mark_hint(struct parser *p)
{
    const char *names[AM__RF_COUNT];
    for (int i = 0; i < AM__RF_COUNT; i++)
        names[i] = am_reviewer_fact_name(i);
    return names_hint(p, "reviewer facts are ", names, AM__RF_COUNT);
}

static int parse_date_atom(struct parser *p, struct am__law_atom *a)
{
    struct tok *op = next(p);
    if (tok_is(op, "in")) {
        struct tok *t = peek(p);
        if (tok_is(t, "episodes")) {
            next(p);
            struct tok *name;
            if (want_word(p, "the name of an episodes list",
                          "write `episodes NAME` where NAME is declared by an `episodes` block",
                          &name) != 0)
                return -1;
            a->kind = AM__A_DATE_EPISODES;
            struct ref r = {R_EPISODES, tok_dup(p, name), p->lineno, name->col, p->atoms.n};
            AM_VEC_PUSH(&p->refs, r);
            return 0;
        }
        int lo_open, hi_open;
        int32_t lo, hi;
        t = next(p);
        if (!tok_is(t, "[") && !tok_is(t, "(")) {
            DIAG(p, t,
                 "write a range as [FROM .. TO]: [ and ] include the day, ( and ) exclude it; or "
                 "`in episodes NAME`",
                 "expected a date range or `episodes`, found %s", tok_show(p, t));
            return -1;
        }
        lo_open = tok_is(t, "(");
        if (want_date(p, &lo) != 0)
            return -1;
        t = next(p);
        if (!tok_is(t, "..")) {
            DIAG(p, t, "separate the two dates with ..", "expected '..', found %s",
                 tok_show(p, t));
            return -1;
        }
        if (want_date(p, &hi) != 0)
            return -1;
        t = next(p);
        if (!tok_is(t, "]") && !tok_is(t, ")")) {
            DIAG(p, t, "close the range with ] (day included) or ) (day excluded)",
                 "expected ] or ), found %s", tok_show(p, t));
            return -1;
        }
        hi_open = tok_is(t, ")");
        a->kind = AM__A_DATE_RANGE;
        a->lo = lo + lo_open;
        a->hi = hi - hi_open;
        if (a->lo > a->hi) {
            DIAG(p, t, "write the earlier date first", "empty date range");
            return -1;
        }
        return 0;
    }
    int32_t d;
    a->kind = AM__A_DATE_RANGE;
    if (tok_is(op, "before") || tok_is(op, "after") || tok_is(op, "from") ||
        tok_is(op, "until")) {
        if (want_date(p, &d) != 0)
            return -1;
        a->lo = INT32_MIN + 1;
        a->hi = INT32_MAX;
        if (tok_is(op, "before"))
            a->hi = d - 1;
        else if (tok_is(op, "after"))
            a->lo = d + 1;
        else if (tok_is(op, "from"))
            a->lo = d;
        else
            a->hi = d;
        return 0;
    }
    DIAG(p, op,
         "dates take `in [FROM .. TO]`, `in episodes NAME`, `before D`, `after D` (day "
         "excluded), `from D`, `until D` (day included)",
         "expected a date test, found %s", tok_show(p, op));
    return -1;
}

static int parse_atom(struct parser *p)
{
    struct am__law_atom a;
    memset(&a, 0, sizeof(a));
    const char *start = peek(p)->s;
    if (tok_is(peek(p), "not")) {
        next(p);
        a.neg = 1;
    }
    struct tok *subj = next(p);
    if (tok_is(subj, "act_date") || tok_is(subj, "arrest_date")) {
        a.fact = tok_is(subj, "act_date") ? AM_FACT_ACT_DATE : AM_FACT_ARREST_DATE;
        if (parse_date_atom(p, &a) != 0)
            return -1;
    } else if (tok_is(subj, "status") || tok_is(subj, "category")) {
        int is_status = tok_is(subj, "status");
        struct tok *t = next(p);
        if (!tok_is(t, "in")) {
            DIAG(p, t, is_status ? "write `status in exiled, in_hiding`"
                                 : "write `category in journalist, student`",
                 "expected 'in', found %s", tok_show(p, t));
            return -1;
        }
        a.fact = is_status ? AM_FACT_STATUS : AM_FACT_CATEGORY;
        a.kind = is_status ? AM__A_STATUS_IN : AM__A_CATEGORY_IN;
        if (is_status) {
            if (parse_name_list(p, "status", status_from, status_hint(p), AM_STATUS_UNKNOWN,
                                &a.mask) != 0)
                return -1;
        } else if (parse_name_list(p, "category", am_category_from_name, category_hint(p), -1,
                                   &a.mask) != 0) {
            return -1;
        }
    } else if (tok_is(subj, "charges")) {
        a.fact = AM_FACT_CHARGES;
        struct tok *t = next(p);
        if (tok_is(t, "include") && peek(p)->kind == T_STRING) {
            struct tok *s = next(p);
            char fold[256];
            am_law_fold(s->str, fold, sizeof(fold));
            if (!fold[0]) {
                DIAG(p, s, "write some words of the charge, e.g. \"rebelion militar\"",
                     "empty charge text");
                return -1;
            }
            a.kind = AM__A_CHARGE_TEXT;
            a.ref = (uint16_t)p->patterns.n;
            AM_VEC_PUSH(&p->patterns, am_arena_strdup(&p->law->arena, fold));
        } else if (tok_is(t, "include") || tok_is(t, "only")) {
            a.kind = tok_is(t, "include") ? AM__A_CLASS_ANY : AM__A_CLASS_ONLY;
            if (parse_name_list(p, "charge class", am_charge_class_from_name, class_hint(p),
                                AM_CC_UNKNOWN, &a.mask) != 0)
                return -1;
        } else {
            DIAG(p, t,
                 "write `charges include CLASS, ...`, `charges only CLASS, ...` or `charges "
                 "include \"text of the charge\"`",
                 "expected 'include' or 'only', found %s", tok_show(p, t));
            return -1;
        }
    } else if (tok_is(subj, "age_at_arrest")) {
        a.fact = AM_FACT_AGE_AT_ARREST;
        a.kind = AM__A_AGE_CMP;
        struct tok *t = next(p);
        if (tok_is(t, "<"))
            a.op = AM__LT;
        else if (tok_is(t, "<="))
            a.op = AM__LE;
        else if (tok_is(t, ">"))
            a.op = AM__GT;
        else if (tok_is(t, ">="))
            a.op = AM__GE;
        else {
            DIAG(p, t, "compare with <, <=, > or >=, e.g. `age_at_arrest < 18`",
                 "expected a comparison, found %s", tok_show(p, t));
            return -1;
        }
        long v;
        if (want_int(p, "an age in years", 0, 150, &v) != 0)
            return -1;
        a.lo = (int32_t)v;
    } else if (tok_is(subj, "nationality")) {
        a.fact = AM_FACT_NATIONALITY;
        a.kind = AM__A_NATIONALITY;
        struct tok *t = next(p);
        if (!tok_is(t, "is")) {
            DIAG(p, t, "write `nationality is venezuelan` or `nationality is foreign`",
                 "expected 'is', found %s", tok_show(p, t));
            return -1;
        }
        t = next(p);
        if (tok_is(t, "venezuelan"))
            a.lo = AM_NAT_VENEZUELAN;
        else if (tok_is(t, "foreign"))
            a.lo = AM_NAT_FOREIGN;
        else {
            DIAG(p, t, "nationality is venezuelan or foreign", "unknown nationality %s",
                 tok_show(p, t));
            return -1;
        }
    } else if (tok_is(subj, "fact")) {
        struct tok *t = next(p);
        int v = tok_lookup(t, am_reviewer_fact_from_name);
        if (v < 0) {
            DIAG(p, t, mark_hint(p), "unknown reviewer fact %s", tok_show(p, t));
            return -1;
        }
        a.kind = AM__A_MARK;
        a.ref = (uint16_t)v;
        a.fact = (uint8_t)(AM_FACT_REVIEWER + v);
    } else {
        DIAG(p, subj, names_hint(p, "conditions start with ", fact_words, 8),
             "unknown fact %s", tok_show(p, subj));
        return -1;
    }
    const char *end = peek(p)->kind == T_END ? p->line + p->line_len : peek(p)->s;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    /* a trailing comment was cut by the tokenizer: it never reaches here */
    a.src = am_arena_strndup(&p->law->arena, start, (size_t)(end - start));
    if (p->atoms.n >= 0xFFFE) {
        DIAG(p, subj, "split the law into smaller files", "too many conditions");
        return -1;
    }
    AM_VEC_PUSH(&p->atoms, a);
    return 0;
}

/* CLAUSE := ATOM ('or' ATOM)* */
static int parse_clause(struct parser *p, struct rule_tmp *r)
{
    struct am__law_clause c = {(uint16_t)p->atoms.n, 0};
    for (;;) {
        if (parse_atom(p) != 0)
            return -1;
        c.n++;
        if (!tok_is(peek(p), "or"))
            break;
        next(p);
    }
    if (expect_end(p) != 0)
        return -1;
    if (r->r.n_clauses == 0)
        r->r.first_clause = (uint16_t)p->clauses.n;
    if (r->r.first_clause + r->r.n_clauses != p->clauses.n) {
        /* clauses of one rule must be contiguous: they are, since blocks don't nest */
        AM_ASSERT(0);
    }
    AM_VEC_PUSH(&p->clauses, c);
    r->r.n_clauses++;
    return 0;
}

/* Parses `cite A, B` into a joined string, registering each article reference. */
static int parse_cites(struct parser *p, const char **out)
{
    am_buf_reset(&p->scratch);
    struct am_buf joined;
    am_buf_init(&joined);
    for (;;) {
        struct tok *t = next(p);
        if (t->kind != T_WORD) {
            DIAG(p, t, "write the article numbers as declared by `article`, e.g. `cite 8, 9`",
                 "expected an article, found %s", tok_show(p, t));
            am_buf_release(&joined);
            return -1;
        }
        if (joined.len)
            am_buf_adds(&joined, ", ");
        am_buf_add(&joined, t->s, t->len);
        struct ref r = {R_ARTICLE, tok_dup(p, t), p->lineno, t->col, 0};
        AM_VEC_PUSH(&p->refs, r);
        if (!tok_is(peek(p), ","))
            break;
        next(p);
    }
    if (expect_end(p) != 0) {
        am_buf_release(&joined);
        return -1;
    }
    *out = am_arena_strdup(&p->law->arena, joined.ptr);
    am_buf_release(&joined);
    return 0;
}

static int parse_verdict(struct parser *p, uint8_t *out)
{
    struct tok *t = next(p);
    if (tok_is(t, "covered"))
        *out = AM_OUTCOME_COVERED;
    else if (tok_is(t, "excluded"))
        *out = AM_OUTCOME_EXCLUDED;
    else if (tok_is(t, "needs_review"))
        *out = AM_OUTCOME_REVIEW;
    else {
        DIAG(p, t, "a verdict is covered, excluded or needs_review", "unknown verdict %s",
             tok_show(p, t));
        return -1;
    }
    return expect_end(p);
}

static struct rule_tmp *current_rule(struct parser *p)
{
    if (p->block == B_DEFAULT)
        return &p->rules.v[0];
    return &p->rules.v[p->rules.n - 1];
}

static void rule_property(struct parser *p)
{
    struct rule_tmp *r = current_rule(p);
    struct tok *key = next(p);
    if (tok_is(key, "verdict")) {
        if (parse_verdict(p, &r->r.verdict) == 0)
            r->has_verdict = 1;
    } else if (tok_is(key, "cite")) {
        parse_cites(p, &r->r.cites);
    } else if (tok_is(key, "note")) {
        struct tok *t;
        if (want_string(p, "the note", &t) == 0 && expect_end(p) == 0)
            r->r.note = t->str;
    } else if ((tok_is(key, "when") || tok_is(key, "and")) && p->block == B_RULE) {
        if (tok_is(key, "and") && !r->saw_when) {
            DIAG(p, key, "start the conditions with `when`", "`and` before any `when`");
            return;
        }
        r->saw_when = 1;
        parse_clause(p, r);
    } else if (tok_is(key, "exception-to") && p->block == B_RULE) {
        am_buf_reset(&p->scratch);
        struct am_buf joined;
        am_buf_init(&joined);
        for (;;) {
            struct tok *t;
            if (want_word(p, "a rule name", "name the rule this one is an exception to", &t) != 0)
                break;
            struct ref ref = {R_RULE_EXCEPT, tok_dup(p, t), p->lineno, t->col, p->rules.n - 1};
            AM_VEC_PUSH(&p->refs, ref);
            if (joined.len)
                am_buf_adds(&joined, ", ");
            am_buf_add(&joined, t->s, t->len);
            if (!tok_is(peek(p), ",")) {
                if (expect_end(p) == 0)
                    r->r.except = am_arena_strdup(&p->law->arena, joined.ptr);
                break;
            }
            next(p);
        }
        am_buf_release(&joined);
    } else if (p->block == B_DEFAULT) {
        DIAG(p, key, "the default has only verdict, cite and note: it applies when no rule does",
             "unknown default property %s", tok_show(p, key));
    } else {
        DIAG(p, key, "a rule's lines are verdict, cite, exception-to, when, and, note",
             "unknown rule property %s", tok_show(p, key));
    }
}

static void episode_line(struct parser *p)
{
    struct am__law_episodes *l = &p->lists.v[p->lists.n - 1];
    struct tok *label = next(p);
    if (tok_is(label, "cite")) {
        parse_cites(p, &l->cite);
        return;
    }
    if (check_id(p, label, "an episode label or `cite`") != 0)
        return;
    struct am__law_episode e;
    memset(&e, 0, sizeof(e));
    e.label = tok_dup(p, label);
    const char *start = peek(p)->s;
    struct tok *t = next(p);
    if (!tok_is(t, "[") && !tok_is(t, "(")) {
        DIAG(p, t, "write LABEL [FROM .. TO], with ( or ) to exclude a day",
             "expected a date range, found %s", tok_show(p, t));
        return;
    }
    int lo_open = tok_is(t, "(");
    int32_t lo, hi;
    if (want_date(p, &lo) != 0)
        return;
    t = next(p);
    if (!tok_is(t, "..")) {
        DIAG(p, t, "separate the two dates with ..", "expected '..', found %s", tok_show(p, t));
        return;
    }
    if (want_date(p, &hi) != 0)
        return;
    t = next(p);
    if (!tok_is(t, "]") && !tok_is(t, ")")) {
        DIAG(p, t, "close the range with ] (day included) or ) (day excluded)",
             "expected ] or ), found %s", tok_show(p, t));
        return;
    }
    e.lo = lo + lo_open;
    e.hi = hi - tok_is(t, ")");
    if (e.lo > e.hi) {
        DIAG(p, t, "write the earlier date first", "empty date range");
        return;
    }
    const char *end = t->s + t->len;
    if (tok_is(peek(p), "uncertain")) {
        next(p);
        e.uncertain = 1;
    }
    if (expect_end(p) != 0)
        return;
    if (l->n >= 127) {
        DIAG(p, label, "split the list in two `episodes` blocks", "more than 127 episodes in one list");
        return;
    }
    e.src = am_arena_strndup(&p->law->arena, start, (size_t)(end - start));
    if (l->n == 0)
        l->first = (uint16_t)p->episodes.n;
    AM_VEC_PUSH(&p->episodes, e);
    l->n++;
}

static void deadline_property(struct parser *p)
{
    struct am__law_deadline *d = &p->deadlines.v[p->deadlines.n - 1];
    struct tok *key = next(p), *t;
    if (tok_is(key, "cite")) {
        parse_cites(p, &d->cite);
    } else if (tok_is(key, "who") || tok_is(key, "must")) {
        if (want_string(p, tok_is(key, "who") ? "who must act" : "what must be done", &t) != 0 ||
            expect_end(p) != 0)
            return;
        if (tok_is(key, "who")) {
            d->who = t->str;
            p->dl_who = 1;
        } else {
            d->must = t->str;
            p->dl_must = 1;
        }
    } else if (tok_is(key, "within")) {
        long days;
        if (want_int(p, "a number of days", 1, 36500, &days) != 0)
            return;
        t = next(p);
        if (!tok_is(t, "days")) {
            DIAG(p, t, "write `within 15 days of amnesty_requested`", "expected 'days', found %s",
                 tok_show(p, t));
            return;
        }
        t = next(p);
        if (!tok_is(t, "of")) {
            DIAG(p, t, "write `within 15 days of amnesty_requested`", "expected 'of', found %s",
                 tok_show(p, t));
            return;
        }
        t = next(p);
        int ev = -2;
        if (tok_is(t, "in-force"))
            ev = -1;
        else if ((ev = tok_lookup(t, am_event_from_name)) < 0)
            ev = -2;
        if (ev == -2) {
            DIAG(p, t, "the start is in-force or an event type such as amnesty_requested",
                 "unknown starting event %s", tok_show(p, t));
            return;
        }
        if (ev == -1 && p->law->in_force == AM_DATE_UNKNOWN &&
            p->law->assumed_in_force == AM_DATE_UNKNOWN) {
            DIAG(p, t, "give the law an in-force date, or assumed-in-force for a draft",
                 "the deadline starts at the entry into force but the law has no in-force date");
            return;
        }
        if (expect_end(p) != 0)
            return;
        d->days = (int)days;
        d->start_event = ev;
        d->start_name = ev < 0 ? "in-force" : am_event_name(ev);
        p->dl_within = 1;
    } else if (tok_is(key, "met-by")) {
        uint32_t mask = 0;
        for (;;) {
            t = next(p);
            int ev = tok_lookup(t, am_event_from_name);
            if (ev < 0) {
                DIAG(p, t, "name event types such as case_dismissed, amnesty_granted",
                     "unknown event %s", tok_show(p, t));
                return;
            }
            mask |= 1u << ev;
            if (!tok_is(peek(p), ","))
                break;
            next(p);
        }
        if (expect_end(p) == 0) {
            d->met_mask = mask;
            p->dl_met = 1;
        }
    } else {
        DIAG(p, key, "a deadline's lines are cite, who, must, within, met-by",
             "unknown deadline property %s", tok_show(p, key));
    }
}

/* Checks that the block just ended has what it needs. */
static void finish_block(struct parser *p)
{
    if (p->block == B_ARTICLE)
        finish_article(p);
    if (p->block == B_RULE || p->block == B_DEFAULT) {
        struct rule_tmp *r = current_rule(p);
        if (!r->has_verdict)
            diag_at(p, r->r.line, 1, "add `verdict covered|excluded|needs_review`",
                    "%s %s has no verdict", p->block == B_RULE ? "rule" : "the default",
                    r->r.id);
        if (!r->r.cites)
            diag_at(p, r->r.line, 1, "add `cite ARTICLE`: every rule cites the law",
                    "%s %s cites no article", p->block == B_RULE ? "rule" : "the default",
                    r->r.id);
    }
    if (p->block == B_EPISODES) {
        struct am__law_episodes *l = &p->lists.v[p->lists.n - 1];
        if (!l->cite)
            diag_at(p, p->block_line, 1, "add `cite ARTICLE`", "episodes %s cites no article",
                    l->name);
        if (l->n == 0)
            diag_at(p, p->block_line, 1, "add lines `LABEL [FROM .. TO]`",
                    "episodes %s lists no episode", l->name);
    }
    if (p->block == B_DEADLINE) {
        struct am__law_deadline *d = &p->deadlines.v[p->deadlines.n - 1];
        const char *missing = !d->cite      ? "cite"
                              : !p->dl_who    ? "who"
                              : !p->dl_must   ? "must"
                              : !p->dl_within ? "within"
                              : !p->dl_met    ? "met-by"
                                              : NULL;
        if (missing)
            diag_at(p, p->block_line, 1, "a deadline needs cite, who, must, within and met-by",
                    "deadline %s has no `%s`", d->id, missing);
    }
    p->block = B_NONE;
}

/* 1 and *at when some element of vec has field equal to id. */
#define FIND_ID(vec, field, id, at)                                                   \
    ({                                                                                \
        int found_ = 0;                                                               \
        for (size_t i_ = 0; i_ < (vec).n && !found_; i_++)                            \
            if ((vec).v[i_].field && strcmp((vec).v[i_].field, (id)) == 0) {          \
                *(at) = i_;                                                           \
                found_ = 1;                                                           \
            }                                                                         \
        found_;                                                                       \
    })

static void directive(struct parser *p)
{
    struct tok *key = next(p);
    finish_block(p);
    p->block_line = p->lineno;
    if (!p->seen_law && !tok_is(key, "law")) {
        DIAG(p, key, "start the file with `law ID`", "expected `law`, found %s", tok_show(p, key));
        p->seen_law = 1; /* say it once */
        p->block = B_NONE;
        return;
    }
    if (tok_is(key, "law")) {
        struct tok *t = next(p);
        if (p->seen_law && p->law->id) {
            DIAG(p, key, "one law per file", "a second `law`");
            return;
        }
        p->seen_law = 1;
        if (check_id(p, t, "the law's id") != 0 || expect_end(p) != 0) {
            p->block = B_LAW;
            return;
        }
        p->law->id = tok_dup(p, t);
        p->law_line = p->lineno;
        p->block = B_LAW;
    } else if (tok_is(key, "article")) {
        struct tok *t = next(p);
        if (check_id(p, t, "the article's number") != 0)
            return;
        struct am__law_article a = {tok_dup(p, t), NULL, ""};
        size_t at;
        if (FIND_ID(p->articles, id, a.id, &at)) {
            char hint[64];
            snprintf(hint, sizeof(hint), "first declared at line %ld", p->article_lines.v[at]);
            DIAG(p, t, hint, "article %s declared twice", a.id);
            return;
        }
        if (peek(p)->kind == T_STRING)
            a.heading = next(p)->str;
        if (expect_end(p) != 0)
            return;
        AM_VEC_PUSH(&p->articles, a);
        AM_VEC_PUSH(&p->article_lines, p->lineno);
        p->block = B_ARTICLE;
    } else if (tok_is(key, "episodes")) {
        struct tok *t = next(p);
        if (check_id(p, t, "the name of the list") != 0 || expect_end(p) != 0)
            return;
        struct am__law_episodes l = {tok_dup(p, t), NULL, 0, 0};
        size_t at;
        if (FIND_ID(p->lists, name, l.name, &at)) {
            char hint[64];
            snprintf(hint, sizeof(hint), "first declared at line %ld", p->list_lines.v[at]);
            DIAG(p, t, hint, "episodes %s declared twice", l.name);
            return;
        }
        AM_VEC_PUSH(&p->lists, l);
        AM_VEC_PUSH(&p->list_lines, p->lineno);
        p->block = B_EPISODES;
    } else if (tok_is(key, "rule")) {
        struct tok *t = next(p);
        if (check_id(p, t, "the rule's name") != 0 || expect_end(p) != 0)
            return;
        const char *id = tok_dup(p, t);
        for (size_t i = 0; i < p->rules.n; i++)
            if (strcmp(p->rules.v[i].r.id, id) == 0) {
                char hint[64];
                snprintf(hint, sizeof(hint), "first declared at line %ld", p->rules.v[i].r.line);
                DIAG(p, t, hint, "rule %s declared twice", id);
                return;
            }
        if (p->rules.n >= AM__LAW_MAX_RULES - 1) {
            DIAG(p, t, "split the law", "too many rules (at most %d)", AM__LAW_MAX_RULES - 1);
            return;
        }
        struct rule_tmp r;
        memset(&r, 0, sizeof(r));
        r.r.id = id;
        r.r.line = p->lineno;
        AM_VEC_PUSH(&p->rules, r);
        p->block = B_RULE;
    } else if (tok_is(key, "default")) {
        if (expect_end(p) != 0)
            return;
        if (p->have_default) {
            char hint[64];
            snprintf(hint, sizeof(hint), "the default is at line %ld", p->default_line);
            DIAG(p, key, hint, "a second default");
            return;
        }
        p->have_default = 1;
        p->default_line = p->lineno;
        p->rules.v[0].r.line = p->lineno;
        p->block = B_DEFAULT;
    } else if (tok_is(key, "deadline")) {
        struct tok *t = next(p);
        if (check_id(p, t, "the deadline's name") != 0 || expect_end(p) != 0)
            return;
        struct am__law_deadline d;
        memset(&d, 0, sizeof(d));
        d.id = tok_dup(p, t);
        size_t at;
        if (FIND_ID(p->deadlines, id, d.id, &at)) {
            char hint[64];
            snprintf(hint, sizeof(hint), "first declared at line %ld", p->deadline_lines.v[at]);
            DIAG(p, t, hint, "deadline %s declared twice", d.id);
            return;
        }
        d.start_event = -1;
        AM_VEC_PUSH(&p->deadlines, d);
        AM_VEC_PUSH(&p->deadline_lines, p->lineno);
        p->dl_within = p->dl_who = p->dl_must = p->dl_met = 0;
        p->block = B_DEADLINE;
    } else {
        DIAG(p, key, names_hint(p, "directives are ", directive_names, 6),
             "unknown directive %s", tok_show(p, key));
    }
}

static void property(struct parser *p)
{
    switch (p->block) {
    case B_NONE:
        DIAG(p, peek(p), "indented lines belong to the block above; start a block first",
             "indented line outside any block");
        break;
    case B_LAW:
        law_property(p);
        break;
    case B_ARTICLE:
        DIAG(p, peek(p), "quote the article's text on lines starting with >",
             "unexpected line in an article");
        break;
    case B_EPISODES:
        episode_line(p);
        break;
    case B_RULE:
    case B_DEFAULT:
        rule_property(p);
        break;
    case B_DEADLINE:
        deadline_property(p);
        break;
    }
}

/* ---- resolution ------------------------------------------------------------------------ */

static int level_of(struct parser *p, size_t r, unsigned char *state, int depth)
{
    struct rule_tmp *rt = &p->rules.v[r];
    if (state[r] == 2)
        return rt->r.level;
    if (state[r] == 1 || depth > AM__LAW_MAX_RULES) {
        diag_at(p, rt->r.line, 1, "remove one `exception-to` so that priorities form no cycle",
                "rule %s is, through its exceptions, an exception to itself", rt->r.id);
        state[r] = 2;
        rt->r.level = 1;
        return 1;
    }
    state[r] = 1;
    int level = 1;
    for (size_t i = 0; i < rt->except.n; i++) {
        int l = level_of(p, rt->except.v[i], state, depth + 1) + 1;
        if (l > level)
            level = l;
    }
    state[r] = 2;
    rt->r.level = (uint16_t)level;
    return level;
}

static void resolve(struct parser *p)
{
    for (size_t i = 0; i < p->refs.n; i++) {
        struct ref *r = &p->refs.v[i];
        if (r->kind == R_ARTICLE) {
            size_t at;
            if (!FIND_ID(p->articles, id, r->name, &at))
                diag_at(p, r->line, r->col, "declare it with `article N \"Heading\"` and quote it",
                        "article %s is cited but not declared", r->name);
        } else if (r->kind == R_EPISODES) {
            size_t at;
            if (!FIND_ID(p->lists, name, r->name, &at))
                diag_at(p, r->line, r->col, "declare it with an `episodes NAME` block",
                        "unknown episodes list '%s'", r->name);
            else
                p->atoms.v[r->owner].ref = (uint16_t)at;
        } else {
            size_t found = 0;
            for (size_t k = 1; k < p->rules.n; k++)
                if (strcmp(p->rules.v[k].r.id, r->name) == 0)
                    found = k;
            if (strcmp(r->name, "default") == 0 || (found == 0 && p->have_default &&
                                                      strcmp(p->rules.v[0].r.id, r->name) == 0))
                diag_at(p, r->line, r->col, "every rule already outranks the default",
                        "a rule cannot be an exception to the default");
            else if (found == 0)
                diag_at(p, r->line, r->col, "name a rule declared with `rule NAME`",
                        "unknown rule '%s'", r->name);
            else if (found == r->owner)
                diag_at(p, r->line, r->col, "remove it", "rule %s is an exception to itself",
                        r->name);
            else
                AM_VEC_PUSH(&p->rules.v[r->owner].except, (uint16_t)found);
        }
    }
    unsigned char *state = am_calloc(p->rules.n ? p->rules.n : 1, 1);
    state[0] = 2;
    for (size_t r = 1; r < p->rules.n; r++)
        level_of(p, r, state, 0);
    am_free(state);
}

/* ---- the driver ------------------------------------------------------------------------ */

static void copy_out(struct parser *p)
{
    struct am_law *law = p->law;
#define COPY(dst, ndst, vec)                                                                 \
    do {                                                                                     \
        law->ndst = (vec).n;                                                                 \
        law->dst = am_arena_alloc(&law->arena, ((vec).n ? (vec).n : 1) * sizeof(*(vec).v)); \
        if ((vec).n)                                                                         \
            memcpy(law->dst, (vec).v, (vec).n * sizeof(*(vec).v));                           \
    } while (0)
    COPY(articles, n_articles, p->articles);
    COPY(lists, n_lists, p->lists);
    COPY(episodes, n_episodes, p->episodes);
    COPY(patterns, n_patterns, p->patterns);
    COPY(atoms, n_atoms, p->atoms);
    COPY(clauses, n_clauses, p->clauses);
    COPY(deadlines, n_deadlines, p->deadlines);
#undef COPY
    law->n_rules = p->rules.n;
    law->rules = am_arena_alloc(&law->arena, p->rules.n * sizeof(*law->rules));
    law->by_level = am_arena_alloc(&law->arena, p->rules.n * sizeof(uint16_t));
    law->max_level = 0;
    for (size_t i = 0; i < p->rules.n; i++) {
        law->rules[i] = p->rules.v[i].r;
        size_t nb = p->rules.v[i].except.n;
        uint16_t *bases = am_arena_alloc(&law->arena, (nb ? nb : 1) * sizeof(uint16_t));
        if (nb)
            memcpy(bases, p->rules.v[i].except.v, nb * sizeof(uint16_t));
        law->rules[i].bases = bases;
        law->rules[i].n_bases = (uint16_t)nb;
        if (law->rules[i].level > law->max_level)
            law->max_level = law->rules[i].level;
    }
    /* Highest level first; file order within a level; the default (level 0) last. */
    size_t k = 0;
    for (int level = law->max_level; level >= 0; level--)
        for (size_t i = 0; i < p->rules.n; i++)
            if (law->rules[i].level == level)
                law->by_level[k++] = (uint16_t)i;
}

static void parser_release(struct parser *p)
{
    AM_VEC_FREE(&p->articles);
    AM_VEC_FREE(&p->article_lines);
    AM_VEC_FREE(&p->lists);
    AM_VEC_FREE(&p->list_lines);
    AM_VEC_FREE(&p->episodes);
    AM_VEC_FREE(&p->patterns);
    AM_VEC_FREE(&p->atoms);
    AM_VEC_FREE(&p->clauses);
    for (size_t i = 0; i < p->rules.n; i++)
        AM_VEC_FREE(&p->rules.v[i].except);
    AM_VEC_FREE(&p->rules);
    AM_VEC_FREE(&p->deadlines);
    AM_VEC_FREE(&p->deadline_lines);
    AM_VEC_FREE(&p->refs);
    am_buf_release(&p->quote);
    am_buf_release(&p->scratch);
    am_law_diags_release(&p->own);
}

struct am_law *am_law_parse(const char *file, const char *text, size_t len,
                            struct am_law_diags *diags, struct am_err *err)
{
    struct parser p;
    memset(&p, 0, sizeof(p));
    p.file = file ? file : "<law>";
    p.text = text ? text : "";
    p.len = text ? len : 0;
    p.diags = diags ? diags : &p.own;
    p.err = err;
    am_buf_init(&p.scratch);
    am_buf_init(&p.quote);
    struct am_law *law = am_calloc(1, sizeof(*law));
    am_arena_init(&law->arena);
    law->published = law->in_force = law->assumed_in_force = law->struck_down = AM_DATE_UNKNOWN;
    p.law = law;
    size_t first_err = p.diags->v.n;

    /* rules[0] is the default, filled when `default` is read. */
    struct rule_tmp def;
    memset(&def, 0, sizeof(def));
    def.r.id = "default";
    AM_VEC_PUSH(&p.rules, def);

    const char *s = p.text, *end = p.text + p.len;
    if (end - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3; /* a BOM from a Windows editor */
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        p.lineno++;
        p.line = s;
        p.line_len = (size_t)(le - s);
        if (p.line_len && p.line[p.line_len - 1] == '\r')
            p.line_len--;
        s = nl ? nl + 1 : end;

        if (memchr(p.line, '\0', p.line_len)) {
            diag_at(&p, p.lineno, char_col(p.line, memchr(p.line, '\0', p.line_len)),
                    "a rule file is text", "NUL byte in the file");
            continue;
        }
        if (am_utf8_invalid_at(p.line, p.line_len) >= 0) {
            long at = am_utf8_invalid_at(p.line, p.line_len);
            diag_at(&p, p.lineno, char_col(p.line, p.line + at), "save the file as UTF-8",
                    "invalid UTF-8");
            continue;
        }
        const char *q = p.line;
        while (q < p.line + p.line_len && (*q == ' ' || *q == '\t'))
            q++;
        int indented = q > p.line;
        if (q < p.line + p.line_len && *q == '>') {
            if (p.block != B_ARTICLE) {
                diag_at(&p, p.lineno, char_col(p.line, q),
                        "quoted text (lines starting with >) belongs under an `article`",
                        "quoted text outside an article");
                continue;
            }
            const char *body = q + 1;
            if (body < p.line + p.line_len && *body == ' ')
                body++;
            if (p.quote.len)
                am_buf_addc(&p.quote, '\n');
            am_buf_add(&p.quote, body, (size_t)(p.line + p.line_len - body));
            continue;
        }
        if (tokenize(&p) != 0)
            continue;
        if (p.ntok == 0)
            continue;
        if (!indented)
            directive(&p);
        else
            property(&p);
    }
    p.lineno++;
    p.line = end;
    p.line_len = 0;
    finish_block(&p);

    if (!law->id && p.nerr == 0)
        diag_at(&p, 1, 1, "start the file with `law ID`", "no `law` in the file");
    if (law->id) {
        const char *missing = !p.have_title     ? "title"
                              : !p.have_version ? "version"
                              : !p.have_status  ? "status"
                                                : NULL;
        if (missing)
            diag_at(&p, p.law_line, 1, "the law block needs title, version and status",
                    "the law has no `%s`", missing);
        if (p.have_status && law->state == AM_LAW_ENACTED && law->in_force == AM_DATE_UNKNOWN)
            diag_at(&p, p.status_line, p.status_col, "add `in-force YYYY-MM-DD`",
                    "an enacted law needs its in-force date");
        if (p.have_status && law->state == AM_LAW_STRUCK_DOWN &&
            law->struck_down == AM_DATE_UNKNOWN)
            diag_at(&p, p.status_line, p.status_col, "add `struck-down YYYY-MM-DD \"ruling\"`",
                    "a struck-down law needs the date of the ruling");
    }
    if (law->id && !p.have_default)
        diag_at(&p, p.lineno, 1,
                "add `default` with the verdict when no rule applies, e.g. `verdict excluded`",
                "the law has no default");
    if (law->id && p.rules.n < 2)
        diag_at(&p, p.lineno, 1, "add at least one `rule`", "the law has no rule");
    resolve(&p);

    if (p.nerr) {
        /* Checks made after reading (names, required lines) come last: put every
         * diagnostic of this file in line order (a stable insertion sort). */
        struct am_law_diag *dv = p.diags->v.v;
        for (size_t i = first_err + 1; i < p.diags->v.n; i++) {
            struct am_law_diag tmp = dv[i];
            size_t j = i;
            while (j > first_err && (dv[j - 1].line > tmp.line ||
                                     (dv[j - 1].line == tmp.line && dv[j - 1].col > tmp.col))) {
                dv[j] = dv[j - 1];
                j--;
            }
            dv[j] = tmp;
        }
        if (p.err && p.diags->v.n > first_err) {
            am_err_clear(p.err);
            AM_FAIL_AT(p.err, AM_EINPUT, p.file, dv[first_err].line, dv[first_err].col, "%s%s%s",
                       dv[first_err].msg, dv[first_err].hint[0] ? "; " : "", dv[first_err].hint);
        }
        parser_release(&p);
        am_law_free(law);
        return NULL;
    }
    copy_out(&p);
    law->text = am_arena_strndup(&law->arena, p.text, p.len);
    law->text_len = p.len;
    parser_release(&p);
    return law;
}

struct am_law *am_law_load(const char *path, struct am_law_diags *diags, struct am_err *err)
{
    struct am_buf b;
    am_buf_init(&b);
    if (am_buf_read_file(&b, path, err) != 0) {
        am_buf_release(&b);
        return NULL;
    }
    struct am_law *law = am_law_parse(path, b.ptr, b.len, diags, err);
    am_buf_release(&b);
    return law;
}

/* ---- printing diagnostics --------------------------------------------------------------- */

void am_law_diags_print(const struct am_law_diags *d, const char *file, const char *text,
                        size_t len, FILE *out)
{
    for (size_t i = 0; i < d->v.n; i++) {
        const struct am_law_diag *g = &d->v.v[i];
        fprintf(out, "%s:%ld:%ld: error: %s\n", file, g->line, g->col, g->msg);
        /* find the line */
        const char *s = text, *end = text + len;
        for (long l = 1; l < g->line && s < end; l++) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            s = nl ? nl + 1 : end;
        }
        if (s < end || g->line == 1) {
            const char *nl = s < end ? memchr(s, '\n', (size_t)(end - s)) : NULL;
            size_t n = (size_t)((nl ? nl : end) - s);
            if (n && s[n - 1] == '\r')
                n--;
            fprintf(out, "%5ld | %.*s\n      | ", g->line, (int)n, s);
            long col = 1;
            for (const char *q = s; q < s + n && col < g->col; q++) {
                if (((unsigned char)*q & 0xC0) == 0x80)
                    continue;
                fputc(*q == '\t' ? '\t' : ' ', out);
                col++;
            }
            for (; col < g->col; col++)
                fputc(' ', out);
            fputs("^\n", out);
        }
        if (g->hint[0])
            fprintf(out, "hint: %s\n", g->hint);
    }
}
