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

#endif
