/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to law/: the compiled form of a rule file. The parser turns text into flat
 * arrays (atoms grouped into clauses, clauses into rules) so that evaluating a person
 * walks a few small arrays and allocates nothing. Nothing here is seen outside law/.
 */
#ifndef AMNISTIA_LAW_INT_H
#define AMNISTIA_LAW_INT_H

#include "amnistia/law.h"

enum am__atom_kind {
    AM__A_DATE_RANGE,    /* fact in [lo, hi] (bounds made inclusive by the parser) */
    AM__A_DATE_EPISODES, /* fact in one of the episodes of list ref */
    AM__A_STATUS_IN,     /* status in mask */
    AM__A_CATEGORY_IN,   /* some category in mask */
    AM__A_CLASS_ANY,     /* some charge of a class in mask */
    AM__A_CLASS_ONLY,    /* every charge of a class in mask */
    AM__A_CHARGE_TEXT,   /* some charge whose folded text contains pattern ref */
    AM__A_AGE_CMP,       /* age at arrest OP lo */
    AM__A_NATIONALITY,   /* nationality == lo */
    AM__A_MARK,          /* reviewer fact ref marked true */
};

enum am__cmp { AM__LT, AM__LE, AM__GT, AM__GE };

struct am__law_atom {
    uint8_t kind, neg, fact, op;
    int32_t lo, hi;
    uint32_t mask;
    uint16_t ref;
    const char *src; /* the condition as written, for explanations */
};

struct am__law_clause {
    uint16_t first, n; /* atoms, joined by `or` */
};

struct am__law_rule {
    const char *id;
    const char *cites; /* "1, 8" */
    const char *note;
    uint8_t verdict;   /* enum am_outcome */
    uint16_t level;    /* 0 for the default; an exception sits above what it excepts */
    uint16_t first_clause, n_clauses; /* joined by `and` */
    const char *except; /* "in_episode, political" or NULL */
    const uint16_t *bases; /* the rules it is an exception to */
    uint16_t n_bases;
    long line;
};

struct am__law_episode {
    const char *label;
    int32_t lo, hi; /* inclusive */
    uint8_t uncertain;
    const char *src;
};

struct am__law_episodes {
    const char *name;
    const char *cite;
    uint16_t first, n;
};

struct am__law_article {
    const char *id;
    const char *heading;
    const char *text;
};

struct am__law_deadline {
    const char *id, *cite, *who, *must, *start_name;
    int days;
    int start_event; /* enum am_event_type, or -1 for the law's entry into force */
    uint32_t met_mask; /* bit per enum am_event_type */
};

struct am_law {
    struct am_arena arena;
    const char *id, *title, *source, *note;
    const char *text; /* the file as parsed, for the law table */
    size_t text_len;
    int version;
    enum am_law_state state;
    int32_t published, in_force, assumed_in_force, struck_down;
    struct am__law_article *articles;
    size_t n_articles;
    struct am__law_episodes *lists;
    size_t n_lists;
    struct am__law_episode *episodes;
    size_t n_episodes;
    const char **patterns; /* folded charge texts */
    size_t n_patterns;
    struct am__law_atom *atoms;
    size_t n_atoms;
    struct am__law_clause *clauses;
    size_t n_clauses;
    struct am__law_rule *rules; /* rules[0] is the default */
    size_t n_rules;
    uint16_t *by_level; /* rule indexes, highest level first, the default last */
    uint16_t max_level;
    struct am__law_deadline *deadlines;
    size_t n_deadlines;
};

#define AM__LAW_MAX_RULES 256
#define AM__NO_ATOM 0xFFFF

/* The value of one rule for one person, with what settled it. */
struct am__rule_value {
    uint8_t truth; /* 0 false, 1 true, 2 unknown */
    uint16_t atom;
    int8_t charge, episode;
};

/* Evaluates every rule (values has am_law_rule_count entries). */
void am__law_rule_values(const struct am_law *law, const struct am_law_facts *f,
                         struct am__rule_value *values);
/* Age in whole years at the arrest, or -1 when unknown. */
int am__law_age_at_arrest(const struct am_law_facts *f);


#endif
