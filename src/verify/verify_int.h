/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to verify/: the event vocabulary as this module reads it (effects, ranks,
 * which events prove a detention or a release), a local status derivation, and small
 * date and string helpers shared by audit, compare, reconcile and flow.
 */
#ifndef AMNISTIA_VERIFY_INT_H
#define AMNISTIA_VERIFY_INT_H

#include "amnistia/registry.h"
#include "amnistia/verify.h"

/* Days after a list's date within which a release still counts as the list's. */
#define AM__VERIFY_GRACE_DAYS 15

/* Event type from its name; -1 for a name outside registry.h's table. */
int am__verify_event_type(const char *name);
const char *am__verify_event_name(int type);
enum am_status am__verify_event_effect(int type);
const char *am__verify_status_name(enum am_status status);

/* One event as verify/ reads it. */
struct am__vev {
    int type;               /* enum am_event_type, -1 when unknown */
    const char *date;       /* YYYY-MM-DD or NULL */
    int64_t seq;            /* event id: later wins on ties */
    int64_t record_id;      /* 0 when entered by hand */
    int64_t source_id;      /* 0 when entered by hand */
    const char *source;     /* source name or NULL */
    const char *snap_as_of; /* the record's snapshot date, or NULL */
    int by_list;            /* dated only by its list's date: the row gave no date for it */
};

/*
 * SQL for an event e of record r in snapshot n: 1 when its date is only the list's date
 * (the row says "released" or "detained" without a date of its own), else 0.
 */
#define AM__VERIFY_SQL_BY_LIST                                                                     \
    "(n.as_of IS NOT NULL AND e.date = n.as_of AND coalesce(r.release_date, '') <> e.date"         \
    " AND coalesce(r.status_date, '') <> e.date AND coalesce(r.arrest_date, '') <> e.date)"

/*
 * Status from events by am_status_derive_event (registry.h). as_of NULL: every event.
 * *last receives the index of the deciding event, or -1.
 */
enum am_status am__verify_derive(const struct am__vev *ev, size_t n, const char *as_of, long *last);

/* Events that show the person was held: detention side, house arrest, or a release. */
int am__verify_is_detention(int type);
/* Events that hold the person in custody from that date (detention side, house arrest). */
int am__verify_is_custody(int type);
int am__verify_is_release(int type); /* release, release_with_measures */

/* Charge classes that are not political: homicide, drugs, common. */
int am__verify_class_not_political(const char *cls);

/* Checks "YYYY-MM-DD" as a real date. */
int am__verify_date_valid(const char *s);
/* Date of a text that may carry time (imported_at): first 10 chars into out. */
void am__verify_day(const char *s, char out[11]);
int am__verify_is_digits(const char *s);

/* ---- the audit's own search for rows linking left alone (match.c) ------------------- */

/*
 * A match by name needs fewer namesakes than this expected in a registry of its size
 * (words, facility and charges agreeing by chance), and no second person under it. At
 * 0.2 one wrong match in twenty needs a row whose person no other list has in one case
 * of two (odds of a right match ~ P(listed elsewhere) / (P(not) * expected)); on synth's
 * lists, default and heavy, 235 of 237 matches were right (docs/verification.md).
 */
#define AM__VERIFY_MATCH_MAX_NAMESAKES 0.2

enum am__match_strength { AM__MATCH_NONE, AM__MATCH_CEDULA, AM__MATCH_NAME };

struct am__verify_match_query {
    int64_t person_id; /* the row's own person (never a candidate), 0 when none */
    const char *full_name, *name_order, *given_names, *surnames;
    const char *cedula, *sex, *birth, *state, *facility, *charges; /* as the list writes them */
};

struct am__verify_match_result {
    enum am__match_strength strength;
    int64_t person_id, record_id;
    const char *source, *how; /* in the arena given to am__verify_match */
    double expected;          /* namesakes expected (name matches), else 0 */
};

struct am__verify_matcher;
/*
 * Reads every record's name, cédula, sex, birth date and place once. Candidates are the
 * records of sources other than list_source, of lists dated on or before known_by (NULL:
 * all), whose person has no record in list_source. NULL on a registry error.
 */
struct am__verify_matcher *am__verify_matcher_new(struct am_store *store, int64_t list_source,
                                                  const char *known_by, struct am_err *err);
void am__verify_matcher_free(struct am__verify_matcher *m);
/*
 * The one person of another source the row is: (1) the only person with a record whose
 * cédula is the row's, or one digit off or two swapped, and whose name shares two words
 * or more with the row's (every word of the shorter name found in the longer); else (2)
 * the person whose record shares the name (three words, or two with the same facility or
 * charge set) with the fewest namesakes expected, fewer than
 * AM__VERIFY_MATCH_MAX_NAMESAKES, no record of that person giving another cédula, sex,
 * birth date or place (state and facility both different), and no other person, unless
 * held elsewhere, under the bar too. 1 and *out filled, or 0.
 */
int am__verify_match(struct am__verify_matcher *m, const struct am__verify_match_query *q,
                     struct am_arena *arena, struct am__verify_match_result *out);

#endif
