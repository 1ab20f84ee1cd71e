/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * verify: independent verification of lists against the registry. It compares two lists
 * person by person, audits an official list row by row (verified, or flagged with the
 * evidence that raised each flag), reconciles the competing counts of every source, and
 * counts the revolving door (arrests and releases per week or month). It reads persons as
 * record_person says and never changes the registry; linking decides who is who.
 */
#ifndef AMNISTIA_VERIFY_H
#define AMNISTIA_VERIFY_H

#include "amnistia/core.h"
#include "amnistia/store.h"

/* ---- choosing a list ---------------------------------------------------------------- */

/*
 * A side of a comparison or the list of an audit: one snapshot, or every snapshot of one
 * source. `spec` is a snapshot id (digits) or a source name; a source name resolves to all
 * its snapshots (latest = the one with the latest as_of, then the highest id).
 */
struct am_verify_list {
    int64_t snapshot_id; /* the snapshot, or the source's latest snapshot */
    int64_t source_id;
    int whole_source; /* 1: every snapshot of the source */
    char source_name[256];
    char source_kind[16];
    char as_of[11]; /* the snapshot's date (imported_at's day when as_of is empty) */
};

/*
 * Resolves spec. AM_ENOTFOUND (exit 2) when it names no snapshot and no source; AM_EINPUT
 * when the source has no snapshot. `want_snapshot` makes a source name mean its latest
 * snapshot only (audit) instead of every snapshot (compare).
 */
int am_verify_list_resolve(struct am_store *store, const char *spec, int want_snapshot,
                           struct am_verify_list *out, struct am_err *err);

/* Checks that s is a real YYYY-MM-DD date. 0 or -1 (AM_EUSAGE, naming the option `what`). */
int am_verify_date_check(const char *s, const char *what, struct am_err *err);

/* ---- audit ---------------------------------------------------------------------------- */

/*
 * The flags an audited row can carry (contract: the names are the issue's, plus
 * release_unconfirmed, raised when identity and detention are confirmed but no independent
 * source records the release yet — the row is then neither verified nor refuted).
 */
#define AM_FLAG_TABLE(X)                                                                           \
    X(AM_FLAG_UNKNOWN_IDENTITY, "unknown_identity")                                                \
    X(AM_FLAG_NOT_DETAINED, "not_detained")                                                        \
    X(AM_FLAG_RELEASED_EARLIER, "released_earlier")                                                \
    X(AM_FLAG_UNDER_MEASURES, "under_measures")                                                    \
    X(AM_FLAG_STILL_DETAINED, "still_detained")                                                    \
    X(AM_FLAG_NOT_POLITICAL, "not_political")                                                      \
    X(AM_FLAG_DUPLICATE, "duplicate")                                                              \
    X(AM_FLAG_DECEASED, "deceased")                                                                \
    X(AM_FLAG_RELEASE_UNCONFIRMED, "release_unconfirmed")

enum am_flag {
#define AM_X(e, s) e,
    AM_FLAG_TABLE(AM_X)
#undef AM_X
        AM__FLAG_COUNT
};
const char *am_flag_name(enum am_flag flag);
int am_flag_from_name(const char *name); /* -1 when unknown */

/* One piece of evidence: a record (0 when none), its source, a date, what it says. */
struct am_evidence {
    int64_t record_id;
    const char *source; /* NULL for events entered by hand */
    const char *date;   /* YYYY-MM-DD or NULL */
    const char *what;   /* "release_with_measures", "cedula V-123 on person 7", ... */
};

struct am_audit_flag {
    enum am_flag flag;
    const char *why; /* one sentence for people */
    struct am_evidence *evidence;
    size_t n_evidence;
};

struct am_audit_row {
    int64_t record_id;
    int64_t row_no;
    const char *list_id; /* NULL when the list gives none */
    const char *name;
    int64_t person_id; /* 0 when the row is linked to no person */
    int released;      /* the row claims a release */
    const char *release_date;
    int verified;         /* no flag, detention (and release) confirmed independently */
    const char **sources; /* independent sources that confirm, sorted by name */
    size_t n_sources;
    struct am_audit_flag *flags;
    size_t n_flags;
    /*
     * A row linking joined to no record of another source may still be found by the
     * audit's own search (docs/verification.md, "The audit's match"): then match_person is
     * the person it judged the row by, match_record and match_source the record that
     * matched, and match_how how (cédula, or a rare name and how many namesakes were
     * expected). Every flag of such a row carries that record as its first evidence.
     * 0 / NULL when there is no such match.
     */
    int64_t match_person, match_record;
    const char *match_source, *match_how;
};

struct am_law;

struct am_audit_options {
    const char *process_start; /* YYYY-MM-DD, NULL: the earliest release date in the list */
    const struct am_law *law;  /* borrowed; persons it excludes are flagged not_political */
    const char *known_by;      /* YYYY-MM-DD: only what lists dated on or before it say
                                * (and events entered by hand dated so); NULL: everything */
};

struct am_audit {
    struct am_verify_list list;
    char process_start[11]; /* "" when the list claims no release at all */
    struct am_audit_row *rows;
    size_t n_rows;
    size_t verified;
    size_t flagged;
    size_t flag_count[AM__FLAG_COUNT]; /* rows carrying each flag */
    struct am_arena arena;             /* owns every string and array above */
};

/*
 * Audits every row of the snapshot `list` (resolve with want_snapshot = 1) against every
 * other source in the registry. Reads only. On success out owns its memory: release with
 * am_audit_release (also safe after a failure). AM_EUSAGE for a malformed process_start,
 * AM_EDB on registry errors.
 */
int am_audit_run(struct am_store *store, const struct am_verify_list *list,
                 const struct am_audit_options *opt, struct am_audit *out, struct am_err *err);
void am_audit_release(struct am_audit *audit);

/*
 * The audit as one JSON document: an array with one object per row (list_id, row,
 * record_id, person_id, verdict "verified"|"flagged", sources, flags: [{flag, why,
 * evidence: [{record_id, source, date, what}]}]). Appends to out.
 */
void am_audit_write_json(const struct am_audit *audit, struct am_buf *out);
/* "ngo-a r12 2026-01-20 release; ..." : a flag's evidence on one line, appended to out. */
void am_audit_flag_evidence_text(const struct am_audit_flag *flag, struct am_buf *out);

/* ---- compare ------------------------------------------------------------------------ */

/* The facts compared for persons on both lists. */
#define AM_COMPARE_FACT_TABLE(X)                                                                   \
    X(AM_CMP_STATUS, "status")                                                                     \
    X(AM_CMP_ARREST_DATE, "arrest_date")                                                           \
    X(AM_CMP_RELEASE_DATE, "release_date")                                                         \
    X(AM_CMP_FACILITY, "facility")                                                                 \
    X(AM_CMP_CHARGES, "charges")

enum am_compare_fact {
#define AM_X(e, s) e,
    AM_COMPARE_FACT_TABLE(AM_X)
#undef AM_X
        AM__CMP_COUNT
};
const char *am_compare_fact_name(enum am_compare_fact fact);

/* A person's entry on one side: the latest record of that side, and how many there are. */
struct am_compare_entry {
    int64_t person_id; /* 0 when the record is linked to no person */
    int64_t record_id;
    const char *list_id;
    const char *name;
    size_t n_records;
};

struct am_compare_disagreement {
    int64_t person_id;
    enum am_compare_fact fact;
    const char *a_value, *b_value;
    int64_t a_record, b_record;
};

struct am_compare {
    struct am_verify_list a, b;
    struct am_compare_entry *both_a, *both_b; /* parallel, n_both each */
    size_t n_both;
    struct am_compare_entry *only_a, *only_b;
    size_t n_only_a, n_only_b;
    struct am_compare_disagreement *disagreements;
    size_t n_disagreements;
    size_t fact_count[AM__CMP_COUNT]; /* persons disagreeing on each fact */
    struct am_arena arena;
};

/*
 * Compares two lists by person: both, only in a, only in b, and for persons on both the
 * facts on which their latest records disagree (a fact missing on one side is no
 * disagreement). Records linked to no person stand for themselves. Reads only; release
 * with am_compare_release.
 */
int am_compare_run(struct am_store *store, const struct am_verify_list *a,
                   const struct am_verify_list *b, struct am_compare *out, struct am_err *err);
void am_compare_release(struct am_compare *cmp);
/* One JSON document: the two lists, the counts, only_a, only_b, both, disagreements. */
void am_compare_write_json(const struct am_compare *cmp, struct am_buf *out);

/* ---- reconcile ---------------------------------------------------------------------- */

struct am_reconcile_source {
    const char *name;
    const char *kind;
    int64_t snapshot_id; /* the latest snapshot as of the date */
    const char *as_of;
    int64_t rows;      /* what the source claims: rows of that snapshot */
    int64_t persons;   /* distinct persons after linking */
    int64_t confirmed; /* persons recorded by >= 2 independent (non-official) sources */
    int audited;       /* official sources: their list was audited */
    int64_t released;  /* audited rows that claim a release */
    int64_t verified;
    int64_t flag_count[AM__FLAG_COUNT];
};

struct am_reconcile {
    char as_of[11];
    struct am_reconcile_source *sources;
    size_t n_sources;
    int64_t persons_total;   /* distinct persons over every counted snapshot */
    int64_t confirmed_total; /* of them, recorded by >= 2 independent sources */
    struct am_arena arena;
};

/*
 * The competing counts: for each source its latest snapshot dated on or before as_of
 * (NULL: today), its rows, its persons, the persons two independent sources confirm, and
 * for official sources the audit breakdown by flag. Reads only.
 */
int am_reconcile_run(struct am_store *store, const char *as_of, struct am_reconcile *out,
                     struct am_err *err);
void am_reconcile_release(struct am_reconcile *rec);
/* One JSON document: as_of, totals, and one object per source with its flag counts. */
void am_reconcile_write_json(const struct am_reconcile *rec, struct am_buf *out);
/*
 * The sentence for an audited source: "official: 808 released; 302 verified; 214 not
 * political; ..." (flags with a zero count left out). Appended to out.
 */
void am_reconcile_sentence(const struct am_reconcile_source *src, struct am_buf *out);
/* A self-contained HTML page (inline CSS, no script) with the same numbers. */
void am_reconcile_write_html(const struct am_reconcile *rec, struct am_buf *out);

/* ---- flow ------------------------------------------------------------------------------ */

enum am_flow_period { AM_FLOW_WEEK, AM_FLOW_MONTH };

struct am_flow_row {
    char period[11];    /* week: the Monday (YYYY-MM-DD); month: YYYY-MM */
    const char *source; /* "all" for the distinct-person total */
    int64_t arrests;    /* arrest, rearrest, measures_revoked */
    int64_t releases;   /* release, release_with_measures */
};

struct am_flow {
    struct am_flow_row *rows; /* by period, then source ("all" first) */
    size_t n_rows;
    struct am_arena arena;
};

/*
 * Counts new arrests and releases per period from dated events: per source, each person
 * counted once per event kind and date, and an "all" row counting distinct persons over
 * every source. source_name NULL: every source; a name that is no source is AM_ENOTFOUND.
 */
int am_flow_run(struct am_store *store, enum am_flow_period by, const char *source_name,
                struct am_flow *out, struct am_err *err);
void am_flow_release(struct am_flow *flow);

#endif
