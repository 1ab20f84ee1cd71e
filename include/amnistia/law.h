/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * law: amnesty laws as rule files (files laws/NAME.law, see docs/laws.md), their parser with
 * diagnostics a lawyer can act on, a pure evaluator that gives each person a verdict
 * (covered, excluded, needs_review) with the rule, article and fact that decided it, the
 * deadlines a law creates, and the registry side: loading every person's facts with their
 * provenance, and reviewer facts (person_fact). It does not decide who a person is
 * (link/) nor import lists (import/).
 */
#ifndef AMNISTIA_LAW_H
#define AMNISTIA_LAW_H

#include "amnistia/core.h"
#include "amnistia/registry.h"
#include "amnistia/store.h"

/* ---- vocabulary ----------------------------------------------------------------------- */

/* A date unknown to the registry. Dates are days since 1970-01-01. */
#define AM_DATE_UNKNOWN INT32_MIN

/* Charge classes (DESIGN §2). The catalog (data/charges.csv) maps charge texts to these. */
#define AM_CHARGE_CLASS_TABLE(X)              \
    X(AM_CC_POLITICAL, "political")           \
    X(AM_CC_HOMICIDE, "homicide")             \
    X(AM_CC_DRUGS, "drugs")                   \
    X(AM_CC_COMMON, "common")                 \
    X(AM_CC_MILITARY, "military")             \
    X(AM_CC_UNKNOWN, "unknown")

enum am_charge_class {
#define AM_X(e, s) e,
    AM_CHARGE_CLASS_TABLE(AM_X)
#undef AM_X
        AM__CC_COUNT
};

/* Categories: why a person was targeted (DESIGN §2, contract). */
#define AM_CATEGORY_TABLE(X)                                \
    X(AM_CAT_PROTESTER, "protester")                        \
    X(AM_CAT_STUDENT, "student")                            \
    X(AM_CAT_SOCIAL_ACTIVIST, "social_activist")            \
    X(AM_CAT_JOURNALIST, "journalist")                      \
    X(AM_CAT_HUMAN_RIGHTS_DEFENDER, "human_rights_defender") \
    X(AM_CAT_VICTIMS_COMMITTEE, "victims_committee")        \
    X(AM_CAT_POLITICAL_LEADER, "political_leader")          \
    X(AM_CAT_MILITARY, "military")                          \
    X(AM_CAT_TRADE_UNIONIST, "trade_unionist")              \
    X(AM_CAT_PUBLIC_OFFICIAL, "public_official")            \
    X(AM_CAT_RELATIVE_OF_TARGET, "relative_of_target")      \
    X(AM_CAT_OTHER, "other")

enum am_category {
#define AM_X(e, s) e,
    AM_CATEGORY_TABLE(AM_X)
#undef AM_X
        AM__CAT_COUNT
};

/*
 * Facts that only a reviewer can establish (from a court file, a sentence, the press):
 * boolean marks stored in person_fact. Unmarked counts as false (nobody has found it);
 * a reviewer may also mark a fact `uncertain`, which makes any rule that depends on it
 * give needs_review. The description is what explanations and `facts set --help` show.
 */
#define AM_REVIEWER_FACT_TABLE(X)                                                              \
    X(AM_RF_ARMED_ACTION, "armed_action",                                                      \
      "promoted, facilitated or financed armed actions against the country")                   \
    X(AM_RF_GRAVE_HR_VIOLATION, "grave_hr_violation", "grave violation of human rights")       \
    X(AM_RF_CRIME_AGAINST_HUMANITY, "crime_against_humanity", "crime against humanity")        \
    X(AM_RF_WAR_CRIME, "war_crime", "war crime")                                               \
    X(AM_RF_GENOCIDE, "genocide", "genocide")                                                  \
    X(AM_RF_PUBLIC_PROPERTY, "public_property_crime", "crime against public property")         \
    X(AM_RF_GRAVEST_INJURY, "gravest_injury", "gravest bodily injury (lesiones gravisimas)")   \
    X(AM_RF_DRUG_MIN_OVER_9Y, "drug_min_penalty_over_9y",                                      \
      "drug trafficking with a minimum penalty above 9 years")                                 \
    X(AM_RF_ASSEMBLY_2016_2021, "assembly_2016_2021",                                          \
      "acts connected with the 2016-2021 National Assembly")                                   \
    X(AM_RF_POLITICAL_MOTIVE, "political_motive",                                              \
      "persecuted for political reasons (documented by a reviewer)")

enum am_reviewer_fact {
#define AM_X(e, s, d) e,
    AM_REVIEWER_FACT_TABLE(AM_X)
#undef AM_X
        AM__RF_COUNT
};

/* Values of a reviewer fact. */
enum am_mark { AM_MARK_UNSET = 0, AM_MARK_TRUE, AM_MARK_FALSE, AM_MARK_UNCERTAIN };

/* The facts a rule can speak about; reviewer facts follow at AM_FACT_REVIEWER + i. */
#define AM_LAW_FACT_TABLE(X)                         \
    X(AM_FACT_ACT_DATE, "act_date")                  \
    X(AM_FACT_ARREST_DATE, "arrest_date")            \
    X(AM_FACT_AGE_AT_ARREST, "age_at_arrest")        \
    X(AM_FACT_STATUS, "status")                      \
    X(AM_FACT_CATEGORY, "category")                  \
    X(AM_FACT_NATIONALITY, "nationality")            \
    X(AM_FACT_CHARGES, "charges")

enum am_law_fact {
#define AM_X(e, s) e,
    AM_LAW_FACT_TABLE(AM_X)
#undef AM_X
        AM_FACT_REVIEWER,
    AM__FACT_COUNT = AM_FACT_REVIEWER + AM__RF_COUNT
};

enum am_nationality { AM_NAT_UNKNOWN = 0, AM_NAT_VENEZUELAN, AM_NAT_FOREIGN };

enum am_outcome { AM_OUTCOME_COVERED = 0, AM_OUTCOME_EXCLUDED, AM_OUTCOME_REVIEW };

const char *am_charge_class_name(enum am_charge_class c);
int am_charge_class_from_name(const char *name);   /* -1 when unknown */
const char *am_category_name(enum am_category c);
int am_category_from_name(const char *name);       /* -1 when unknown */
const char *am_reviewer_fact_name(enum am_reviewer_fact f);
const char *am_reviewer_fact_description(enum am_reviewer_fact f);
int am_reviewer_fact_from_name(const char *name);  /* -1 when unknown */
/* "act_date", ..., "armed_action": the name a rule file and an explanation use. */
const char *am_law_fact_name(enum am_law_fact f);
const char *am_outcome_name(enum am_outcome o);    /* "covered" "excluded" "needs_review" */

/*
 * Parses a date written YYYY-MM-DD exactly (rule files, --as-of); 0 and *days on
 * success, -1 on anything else (impossible days included).
 */
int am_law_date_parse(const char *s, size_t len, int32_t *days);

/*
 * Folds charge text for matching: lower-case ASCII, Spanish accents stripped (á->a,
 * ñ->n), every other byte that is not a letter or digit becomes one space, trimmed.
 * Writes at most cap-1 bytes and a NUL into out; returns out.
 */
char *am_law_fold(const char *s, char *out, size_t cap);

/* ---- a person's facts ------------------------------------------------------------------- */

#define AM_LAW_MAX_CHARGES 12

/* Where a fact came from: a record of a list and its source, or a reviewer. */
struct am_law_origin {
    int64_t record_id;  /* 0 when not from a record */
    const char *source; /* source name, "reviewer NAME", or NULL */
    const char *note;   /* e.g. "arrest date taken as the date of the acts"; may be NULL */
};

struct am_law_charge {
    const char *raw;  /* as the list wrote it; may be NULL */
    const char *fold; /* am_law_fold(raw); matched by `charges include "text"`; may be NULL */
    uint8_t cls;      /* enum am_charge_class */
    uint8_t uncertain; /* the catalog row mapping this text is marked uncertain */
};

/*
 * Everything a law may ask about one person. Plain data, filled by the registry loader,
 * the tests or the benchmark; the evaluator only reads it. Strings are borrowed.
 */
struct am_law_facts {
    int64_t person_id;
    int32_t act_date;    /* AM_DATE_UNKNOWN when unknown */
    int32_t arrest_date; /* AM_DATE_UNKNOWN when unknown */
    int32_t birth_date;  /* AM_DATE_UNKNOWN when unknown */
    uint8_t status;      /* enum am_status; AM_STATUS_UNKNOWN when unknown */
    uint8_t nationality; /* enum am_nationality */
    uint8_t n_charges;   /* 0: no charge recorded (the charges are unknown) */
    uint16_t categories; /* bit (1 << enum am_category); 0: none recorded (unknown) */
    uint8_t marks[AM__RF_COUNT]; /* enum am_mark per reviewer fact */
    struct am_law_charge charges[AM_LAW_MAX_CHARGES];
    /* Provenance, for explanations only (may be NULL): origin[fact] per enum
     * am_law_fact, charge_origin[i] per charge. */
    const struct am_law_origin *origin;
    const struct am_law_origin *charge_origin;
};

/* Empties facts: every fact unknown, no charges, no marks. */
void am_law_facts_init(struct am_law_facts *facts);

/* ---- a law ------------------------------------------------------------------------------ */

struct am_law; /* opaque; immutable once parsed, safe to share between threads */

/* One problem found in a rule file. */
struct am_law_diag {
    long line, col;  /* 1-based */
    char msg[256];   /* what is wrong */
    char hint[256];  /* what would fix it ("" when none) */
};

/* All problems found in one file, in file order. Release with am_law_diags_release. */
struct am_law_diags {
    AM_VEC(struct am_law_diag) v;
};
void am_law_diags_release(struct am_law_diags *d);

/*
 * Parses a rule file. file names it in messages; text[0..len) need not be NUL-terminated.
 * Every problem is appended to diags (when not NULL), not only the first; on any problem
 * returns NULL and sets err to the first one (AM_EINPUT, with file, line and column).
 * The caller frees the law with am_law_free.
 */
struct am_law *am_law_parse(const char *file, const char *text, size_t len,
                            struct am_law_diags *diags, struct am_err *err);
/* Reads and parses path (AM_EIO when it cannot be read). */
struct am_law *am_law_load(const char *path, struct am_law_diags *diags, struct am_err *err);
void am_law_free(struct am_law *law); /* NULL is fine */

/*
 * Prints diagnostics as "FILE:LINE:COL: error: MSG", the line, a caret under the fault
 * and "hint: ..." (jq's locfile). text is the file's text as given to am_law_parse.
 */
void am_law_diags_print(const struct am_law_diags *d, const char *file, const char *text,
                        size_t len, FILE *out);

/* Header fields; strings owned by the law. */
enum am_law_state { AM_LAW_DRAFT, AM_LAW_ENACTED, AM_LAW_STRUCK_DOWN };
const char *am_law_id(const struct am_law *law);
const char *am_law_title(const struct am_law *law);
int am_law_version(const struct am_law *law);
enum am_law_state am_law_state(const struct am_law *law);
const char *am_law_state_name(enum am_law_state s);
int32_t am_law_published(const struct am_law *law); /* AM_DATE_UNKNOWN when not given */
/* in-force, else assumed-in-force (drafts simulated), else AM_DATE_UNKNOWN */
int32_t am_law_in_force(const struct am_law *law);
size_t am_law_rule_count(const struct am_law *law); /* rules, the default included */
const char *am_law_rule_id(const struct am_law *law, size_t rule);
/* Articles cited by the rule, joined as "1, 8". */
const char *am_law_rule_cites(const struct am_law *law, size_t rule);
/* The rule's `note` (a lawyer's one-line reading), or its id. */
const char *am_law_rule_note(const struct am_law *law, size_t rule);
enum am_outcome am_law_rule_verdict(const struct am_law *law, size_t rule);
/* Quoted text of an article, NULL when the law has no such article. */
const char *am_law_article_text(const struct am_law *law, const char *article);

/* ---- verdicts -------------------------------------------------------------------------- */

/* What a reason says about its rule. */
enum am_reason_role {
    AM_REASON_DECIDED,   /* the rule applies and decides */
    AM_REASON_CONFLICT,  /* applies at the same level as another rule that disagrees */
    AM_REASON_OPEN,      /* unknown: a missing or uncertain fact could make it apply */
    AM_REASON_FAILED,    /* a rule that would have decided otherwise does not apply */
    AM_REASON_OTHERWISE, /* for needs_review: what decides if no open rule applies */
};

struct am_law_reason {
    uint16_t rule;   /* index of the rule (am_law_rule_id) */
    uint8_t role;    /* enum am_reason_role */
    uint8_t fact;    /* enum am_law_fact that settled the rule's value */
    int8_t charge;   /* index in facts->charges of the charge that settled it, or -1 */
    int8_t episode;  /* index of the episode matched, or -1 */
    uint8_t if_applies; /* for AM_REASON_OPEN: the outcome if the rule applies ... */
    uint8_t otherwise;  /* ... and if it does not */
    uint16_t atom;   /* internal: the condition that settled it */
};

#define AM_LAW_MAX_REASONS 8
struct am_law_verdict {
    uint8_t outcome;  /* enum am_outcome */
    uint8_t n;        /* reasons used */
    uint16_t decider; /* the rule that decided (for needs_review: the first open or
                       * conflicting rule) */
    struct am_law_reason reasons[AM_LAW_MAX_REASONS];
};

/*
 * Evaluates law on one person's facts. Pure: allocates nothing, writes only *out, and
 * may be called from several threads at once. A fact that is unknown or uncertain and
 * could change the outcome gives AM_OUTCOME_REVIEW with AM_REASON_OPEN reasons saying
 * what each value would give.
 */
void am_law_eval(const struct am_law *law, const struct am_law_facts *facts,
                 struct am_law_verdict *out);

/*
 * One reason as a sentence: "rule in_episode (art. 8): act_date 2017-05-03 is in
 * episode protests_2017 [2017-03-01 .. 2017-08-31]". Appends to out.
 */
void am_law_reason_text(const struct am_law *law, const struct am_law_facts *facts,
                        const struct am_law_reason *reason, struct am_buf *out);
/* Appends the verdict's reasons as a JSON array of objects (rule, article, fact, role,
 * text, and record/source when known). */
void am_law_verdict_json(const struct am_law *law, const struct am_law_facts *facts,
                         const struct am_law_verdict *v, struct am_buf *out);
/*
 * The full reasoning for one person, for `amnistia explain PERSON --law FILE`: every rule
 * with its value and the condition that settled it, the facts with their provenance, the
 * verdict, the open facts and what each value would give, and the article texts cited.
 */
void am_law_explain(const struct am_law *law, const struct am_law_facts *facts,
                    const struct am_law_verdict *v, struct am_buf *out);

/* ---- deadlines ------------------------------------------------------------------------ */

size_t am_law_deadline_count(const struct am_law *law);

/* One dated event of a person, as deadlines see it. */
struct am_law_event {
    uint8_t type;  /* enum am_event_type */
    int32_t date;  /* AM_DATE_UNKNOWN for undated events (ignored by deadlines) */
};

enum am_deadline_state {
    AM_DEADLINE_NOT_STARTED, /* the starting event has not happened */
    AM_DEADLINE_PENDING,
    AM_DEADLINE_MET,
    AM_DEADLINE_MET_LATE,
    AM_DEADLINE_OVERDUE,
};
const char *am_deadline_state_name(enum am_deadline_state s);

struct am_law_deadline_status {
    const char *id, *cite, *who, *must, *start_name; /* owned by the law */
    int days;                      /* the law's number of days */
    enum am_deadline_state state;
    int32_t start, due, met;       /* AM_DATE_UNKNOWN when not applicable */
    int32_t days_left;             /* due - as_of (negative when overdue) */
};

/*
 * The state of deadline i for one person given their events (any order) on date as_of.
 * The start is the law's in-force date or the earliest starting event on or before
 * as_of; the obligation is met by the earliest meeting event on or after the start.
 */
void am_law_deadline_eval(const struct am_law *law, size_t i, const struct am_law_event *events,
                          size_t n_events, int32_t as_of, struct am_law_deadline_status *out);

/* ---- the registry side --------------------------------------------------------------- */

/* One person of the registry with the facts a law needs and what the summaries count. */
struct am_law_person {
    int64_t id;
    const char *name;
    const char *facility; /* latest known, or NULL */
    const char *state;    /* latest known, or NULL */
    int incommunicado;
    struct am_law_facts facts;
    struct am_law_origin origin[AM__FACT_COUNT];
    struct am_law_origin charge_origin[AM_LAW_MAX_CHARGES];
    size_t n_unstored_charges; /* charges beyond AM_LAW_MAX_CHARGES (they force review) */
    struct am_law_event *events;
    size_t n_events;
};

/* Everyone in the registry, loaded at once; strings live in the arena. */
struct am_law_population {
    struct am_law_person *v;
    size_t n;
    struct am_arena arena;
};

/*
 * Loads every person's facts as of the date as_of (events after it are ignored): dates
 * of arrest (events, else records), the status derived from events, categories, charges
 * with their class and catalog certainty, nationality, birth date, reviewer facts, and
 * where each came from. The act date is the reviewer fact act_date when set, else the
 * arrest date (said so in its origin). Release with am_law_population_release.
 */
int am_law_population_load(struct am_store *store, int32_t as_of, struct am_law_population *out,
                           struct am_err *err);
void am_law_population_release(struct am_law_population *pop);
/*
 * The persons law covers as of as_of (outcome covered; needs_review is not covered), in
 * ascending id order: what `publish --law` publishes. The caller frees *ids with am_free.
 */
int am_law_covered_persons(struct am_store *store, const struct am_law *law, int32_t as_of,
                           int64_t **ids, size_t *n, struct am_err *err);
/* The person with this id, or NULL. */
struct am_law_person *am_law_population_find(struct am_law_population *pop, int64_t id);

/* ---- reports over a population ------------------------------------------------------- */

/* Counts of verdicts by dimension (outcome, reason, status, category, facility, state). */
struct am_law_summary {
    struct am_strmap counts; /* "dimension\tvalue\toutcome" -> persons */
};
struct am_law_summary_row {
    const char *dimension; /* "outcome", "reason", "status", "category", "facility", "state" */
    const char *value;
    int64_t n[3]; /* by enum am_outcome */
    int64_t total;
};
void am_law_summary_init(struct am_law_summary *s);
void am_law_summary_release(struct am_law_summary *s);
/* Counts one person's verdict. */
void am_law_summary_add(struct am_law_summary *s, const struct am_law *law,
                        const struct am_law_person *p, const struct am_law_verdict *v);
/* The rows, by dimension in the order above and by total, largest first. The caller
 * frees the array with am_free; strings belong to the summary. */
struct am_law_summary_row *am_law_summary_rows(const struct am_law_summary *s, size_t *n);

/* Two laws over one population: the cross-tabulation and the groups of people whose
 * outcome differs, by the pair of deciding rules. */
struct am_law_diff_group {
    uint8_t outcome_a, outcome_b;
    uint16_t rule_a, rule_b; /* deciding rules (am_law_verdict.decider) */
    int64_t count;
    int64_t example_person; /* the first person of the group */
};
struct am_law_diff {
    int64_t crosstab[3][3]; /* [outcome under A][outcome under B] */
    struct am_law_diff_group *groups; /* largest first */
    size_t n_groups;
};
/* Evaluates both laws on every person (status_filter: an enum am_status, or -1 for all). */
void am_law_diff_run(const struct am_law *a, const struct am_law *b,
                     const struct am_law_population *pop, int status_filter,
                     struct am_law_diff *out);
void am_law_diff_release(struct am_law_diff *d);

/*
 * Records the law (by the SHA-256 of its text) and every person's verdict on as_of in
 * the tables law and verdict, in one transaction; a second run of the same text on the
 * same date replaces its verdicts. status_filter as for am_law_diff_run. Writes the
 * number of verdicts to *saved. AM_EDB on failure (nothing written).
 */
int am_law_verdicts_save(struct am_store *store, const struct am_law *law,
                         const struct am_law_population *pop, int32_t as_of, int status_filter,
                         int64_t *saved, struct am_err *err);

/*
 * Records a reviewer fact (person_fact): a reviewer fact name with true, false or
 * uncertain, or act_date with a YYYY-MM-DD date. by and note are required. AM_EINPUT for
 * a bad fact or value, AM_ENOTFOUND for an unknown person.
 */
int am_law_fact_set(struct am_store *store, int64_t person_id, const char *fact,
                    const char *value, const char *by, const char *note, struct am_err *err);

#endif
