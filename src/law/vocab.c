/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The words a rule file and an explanation use: charge classes, categories, reviewer
 * facts, outcomes, statuses and event types by name, strict dates, and the folding of
 * charge texts for matching. Statuses and events are looked up in registry.h's tables
 * directly (a local fallback until registry/ implements am_status_name and friends).
 */
#include "law_int.h"

#include <string.h>

static const char *const class_names[] = {
#define AM_X(e, s) s,
    AM_CHARGE_CLASS_TABLE(AM_X)
#undef AM_X
};
static const char *const category_names[] = {
#define AM_X(e, s) s,
    AM_CATEGORY_TABLE(AM_X)
#undef AM_X
};
static const char *const rf_names[] = {
#define AM_X(e, s, d) s,
    AM_REVIEWER_FACT_TABLE(AM_X)
#undef AM_X
};
static const char *const rf_descriptions[] = {
#define AM_X(e, s, d) d,
    AM_REVIEWER_FACT_TABLE(AM_X)
#undef AM_X
};
static const char *const fact_names[] = {
#define AM_X(e, s) s,
    AM_LAW_FACT_TABLE(AM_X)
#undef AM_X
};

static int lookup(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *am_charge_class_name(enum am_charge_class c)
{
    return (unsigned)c < COUNT(class_names) ? class_names[c] : "unknown";
}
int am_charge_class_from_name(const char *name) { return lookup(class_names, COUNT(class_names), name); }
const char *am_category_name(enum am_category c)
{
    return (unsigned)c < COUNT(category_names) ? category_names[c] : "other";
}
int am_category_from_name(const char *name)
{
    return lookup(category_names, COUNT(category_names), name);
}
const char *am_reviewer_fact_name(enum am_reviewer_fact f)
{
    return (unsigned)f < COUNT(rf_names) ? rf_names[f] : "?";
}
const char *am_reviewer_fact_description(enum am_reviewer_fact f)
{
    return (unsigned)f < COUNT(rf_descriptions) ? rf_descriptions[f] : "?";
}
int am_reviewer_fact_from_name(const char *name) { return lookup(rf_names, COUNT(rf_names), name); }

const char *am_law_fact_name(enum am_law_fact f)
{
    if ((unsigned)f < COUNT(fact_names))
        return fact_names[f];
    if (f >= AM_FACT_REVIEWER && f < AM__FACT_COUNT)
        return rf_names[f - AM_FACT_REVIEWER];
    return "?";
}

const char *am_outcome_name(enum am_outcome o)
{
    switch (o) {
    case AM_OUTCOME_COVERED:
        return "covered";
    case AM_OUTCOME_EXCLUDED:
        return "excluded";
    case AM_OUTCOME_REVIEW:
        return "needs_review";
    }
    return "needs_review";
}

const char *am_law_state_name(enum am_law_state s)
{
    switch (s) {
    case AM_LAW_DRAFT:
        return "draft";
    case AM_LAW_ENACTED:
        return "enacted";
    case AM_LAW_STRUCK_DOWN:
        return "struck_down";
    }
    return "draft";
}

const char *am_deadline_state_name(enum am_deadline_state s)
{
    static const char *const names[] = {"not_started", "pending", "met", "met_late", "overdue"};
    return (unsigned)s < COUNT(names) ? names[s] : "?";
}


int am_law_date_parse(const char *s, size_t len, int32_t *days)
{
    int32_t d;
    if (am_iso_date_parse(s, len, &d) != 0 || d < am_days_from_civil(1800, 1, 1))
        return -1;
    *days = d;
    return 0;
}

/* Two-byte UTF-8 Latin-1 letters (U+00C0..U+00FF) to their ASCII base letter. */
static char fold_latin1(unsigned cp)
{
    static const char map[] = "aaaaaaaceeeeiiiidnooooo ouuuuyts" /* U+00C0.. U+00DF */
                              "aaaaaaaceeeeiiiidnooooo ouuuuyty";  /* U+00E0.. U+00FF */
    if (cp < 0xC0 || cp > 0xFF)
        return ' ';
    return map[cp - 0xC0];
}

char *am_law_fold(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    int space = 1; /* drop leading spaces */
    if (cap == 0)
        return out;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && n + 1 < cap;) {
        char c;
        if (*p < 0x80) {
            c = (char)*p++;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
                c = ' ';
        } else if ((*p & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
            c = fold_latin1(((unsigned)(*p & 0x1F) << 6) | (p[1] & 0x3F));
            p += 2;
        } else {
            c = ' ';
            p++;
            while ((*p & 0xC0) == 0x80)
                p++;
        }
        if (c == ' ') {
            if (space)
                continue;
            space = 1;
        } else {
            space = 0;
        }
        out[n++] = c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return out;
}

void am_law_facts_init(struct am_law_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->act_date = f->arrest_date = f->birth_date = AM_DATE_UNKNOWN;
    f->status = AM_STATUS_UNKNOWN;
    f->nationality = AM_NAT_UNKNOWN;
}

void am_law_diags_release(struct am_law_diags *d)
{
    if (d)
        AM_VEC_FREE(&d->v);
}

/* ---- accessors ------------------------------------------------------------------------- */

void am_law_free(struct am_law *law)
{
    if (!law)
        return;
    am_arena_release(&law->arena);
    am_free(law);
}
const char *am_law_id(const struct am_law *law) { return law->id; }
const char *am_law_title(const struct am_law *law) { return law->title; }
int am_law_version(const struct am_law *law) { return law->version; }
enum am_law_state am_law_state(const struct am_law *law) { return law->state; }
int32_t am_law_published(const struct am_law *law) { return law->published; }
int32_t am_law_in_force(const struct am_law *law)
{
    return law->in_force != AM_DATE_UNKNOWN ? law->in_force : law->assumed_in_force;
}
size_t am_law_rule_count(const struct am_law *law) { return law->n_rules; }
const char *am_law_rule_id(const struct am_law *law, size_t rule)
{
    return rule < law->n_rules ? law->rules[rule].id : "?";
}
const char *am_law_rule_cites(const struct am_law *law, size_t rule)
{
    return rule < law->n_rules ? law->rules[rule].cites : "";
}
const char *am_law_rule_note(const struct am_law *law, size_t rule)
{
    if (rule >= law->n_rules)
        return "?";
    return law->rules[rule].note ? law->rules[rule].note : law->rules[rule].id;
}
enum am_outcome am_law_rule_verdict(const struct am_law *law, size_t rule)
{
    return rule < law->n_rules ? (enum am_outcome)law->rules[rule].verdict : AM_OUTCOME_REVIEW;
}
const char *am_law_article_text(const struct am_law *law, const char *article)
{
    for (size_t i = 0; i < law->n_articles; i++)
        if (strcmp(law->articles[i].id, article) == 0)
            return law->articles[i].text;
    return NULL;
}
size_t am_law_deadline_count(const struct am_law *law) { return law->n_deadlines; }

