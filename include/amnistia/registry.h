/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * registry: the domain vocabulary (statuses, event types) and reading the registry —
 * sources, snapshots, persons with their records, events, charges and measures, and the
 * status derived from events. It owns the SQL over those tables for reading; import/
 * writes records, link/ decides which person each record belongs to.
 */
#ifndef AMNISTIA_REGISTRY_H
#define AMNISTIA_REGISTRY_H

#include "amnistia/core.h"
#include "amnistia/store.h"

/*
 * Statuses (DESIGN §2, contract). Never typed in: derived from a person's events by
 * am_status_derive().
 */
#define AM_STATUS_TABLE(X)                                                   \
    X(AM_STATUS_UNKNOWN, "unknown")                                          \
    X(AM_STATUS_DETAINED, "detained")                                        \
    X(AM_STATUS_DISAPPEARED, "disappeared")                                  \
    X(AM_STATUS_HOUSE_ARREST, "house_arrest")                                \
    X(AM_STATUS_RELEASED_WITH_MEASURES, "released_with_measures")            \
    X(AM_STATUS_RELEASED, "released")                                        \
    X(AM_STATUS_EXILED, "exiled")                                            \
    X(AM_STATUS_IN_HIDING, "in_hiding")                                      \
    X(AM_STATUS_DECEASED, "deceased")

enum am_status {
#define AM_X(e, s) e,
    AM_STATUS_TABLE(AM_X)
#undef AM_X
        AM__STATUS_COUNT
};
const char *am_status_name(enum am_status status);
/* Exact DESIGN name ("released_with_measures"); -1 when not a status name. */
int am_status_from_name(const char *name);

/*
 * Event types (contract for the event.type column). `effect` is the status an event
 * moves a person to, or AM_STATUS_UNKNOWN for events that change no status (a charge, a
 * request for amnesty). `rank` orders events of one day: an arrest and a release on the
 * same date mean the person went in, then out.
 */
#define AM_EVENT_TABLE(X)                                                             \
    X(AM_EV_ARREST, "arrest", AM_STATUS_DETAINED, 10)                                 \
    X(AM_EV_REARREST, "rearrest", AM_STATUS_DETAINED, 11)                             \
    X(AM_EV_DETENTION_CONFIRMED, "detention_confirmed", AM_STATUS_DETAINED, 12)       \
    X(AM_EV_TRANSFER, "transfer", AM_STATUS_DETAINED, 13)                             \
    X(AM_EV_INCOMMUNICADO, "incommunicado", AM_STATUS_DETAINED, 14)                   \
    X(AM_EV_VISITS_GRANTED, "visits_granted", AM_STATUS_DETAINED, 15)                 \
    X(AM_EV_DISAPPEARANCE, "disappearance", AM_STATUS_DISAPPEARED, 16)                \
    X(AM_EV_CHARGE, "charge", AM_STATUS_UNKNOWN, 20)                                  \
    X(AM_EV_CONVICTION, "conviction", AM_STATUS_UNKNOWN, 21)                          \
    X(AM_EV_AMNESTY_REQUESTED, "amnesty_requested", AM_STATUS_UNKNOWN, 22)            \
    X(AM_EV_AMNESTY_GRANTED, "amnesty_granted", AM_STATUS_UNKNOWN, 23)                \
    X(AM_EV_AMNESTY_DENIED, "amnesty_denied", AM_STATUS_UNKNOWN, 24)                  \
    X(AM_EV_CASE_DISMISSED, "case_dismissed", AM_STATUS_UNKNOWN, 25)                  \
    X(AM_EV_HOUSE_ARREST, "house_arrest", AM_STATUS_HOUSE_ARREST, 30)                 \
    X(AM_EV_RELEASE_WITH_MEASURES, "release_with_measures",                           \
      AM_STATUS_RELEASED_WITH_MEASURES, 40)                                           \
    X(AM_EV_MEASURES_REVOKED, "measures_revoked", AM_STATUS_DETAINED, 41)             \
    X(AM_EV_MEASURES_LIFTED, "measures_lifted", AM_STATUS_RELEASED, 42)               \
    X(AM_EV_RELEASE, "release", AM_STATUS_RELEASED, 43)                               \
    X(AM_EV_EXILE, "exile", AM_STATUS_EXILED, 50)                                     \
    X(AM_EV_HIDING, "hiding", AM_STATUS_IN_HIDING, 51)                                \
    X(AM_EV_DEATH, "death", AM_STATUS_DECEASED, 60)

enum am_event_type {
#define AM_X(e, s, effect, rank) e,
    AM_EVENT_TABLE(AM_X)
#undef AM_X
        AM__EVENT_COUNT
};
const char *am_event_name(enum am_event_type type);
int am_event_from_name(const char *name); /* -1 when unknown */
enum am_status am_event_effect(enum am_event_type type);

/*
 * The event a list's status word stands for (detained -> detention_confirmed,
 * released -> release, ...); -1 for unknown. import/ records a row's status this way.
 */
int am_event_for_status(enum am_status status);

/* One dated event, for status derivation. date is YYYY-MM-DD or NULL (undated). */
struct am_event_fact {
    enum am_event_type type;
    const char *date;
    int64_t seq; /* tie-breaker: record order (import order), later wins */
};

/*
 * Derives a status from events: the latest event that has an effect wins (by date, then
 * rank, then seq; undated events count only when nothing is dated). *incommunicado is set
 * when the person is detained and held incommunicado since the last arrest, re-arrest,
 * revocation or grant of visits.
 * as_of (YYYY-MM-DD or NULL) ignores events after that day.
 */
enum am_status am_status_derive(const struct am_event_fact *events, size_t n, const char *as_of,
                                int *incommunicado);
/* The same, and *decided = index of the deciding event ((size_t)-1 when none). */
enum am_status am_status_derive_event(const struct am_event_fact *events, size_t n,
                                      const char *as_of, int *incommunicado, size_t *decided);

/* One row of `amnistia sources`. */
struct am_source_row {
    int64_t id;
    const char *name;
    const char *kind;
    int64_t snapshots;
    int64_t records;
};

typedef int (*am_source_cb)(const struct am_source_row *row, void *ctx);
/* Calls cb for each source in name order; a non-zero return from cb stops the walk. */
int am_registry_sources(struct am_store *store, am_source_cb cb, void *ctx, struct am_err *err);

/* One row of `amnistia snapshots`. */
struct am_snapshot_row {
    int64_t id;
    const char *source;
    const char *title;
    const char *as_of;
    const char *imported_at;
    const char *file_name;
    const char *file_sha256;
    int64_t rows;
    int64_t rejected;
};
typedef int (*am_snapshot_cb)(const struct am_snapshot_row *row, void *ctx);
int am_registry_snapshots(struct am_store *store, am_snapshot_cb cb, void *ctx,
                          struct am_err *err);

/* A person as listed by `amnistia people`: the person row plus derived facts. */
struct am_person_row {
    int64_t id;
    const char *display_name;
    const char *cedula_kind; /* "V", "E" or NULL */
    const char *cedula;
    const char *birth_date;
    const char *sex;
    const char *nationality;
    const char *sensitivity;
    enum am_status status; /* derived from events as of the filter's date */
    int incommunicado;
    const char *status_date;  /* date of the event that decided the status, or NULL */
    const char *arrest_date;  /* first arrest, or NULL */
    const char *facility;     /* latest facility named by an event, or NULL */
    const char *sources;      /* distinct source names, comma-separated */
    int64_t records;
};

struct am_people_filter {
    int status;         /* an enum am_status, or -1 for all */
    const char *source; /* only persons with a record from this source, or NULL */
    const char *as_of;  /* derive statuses as of YYYY-MM-DD, or NULL for all events */
};

typedef int (*am_person_cb)(const struct am_person_row *row, void *ctx);
/*
 * Walks persons in id order with their derived status, calling cb for those that pass the
 * filter. Strings are valid only during the callback. Streams: memory does not grow with
 * the registry.
 */
int am_registry_people(struct am_store *store, const struct am_people_filter *filter,
                       am_person_cb cb, void *ctx, struct am_err *err);

/*
 * Finds a person by id or by cédula ("V-12.345.678", "12345678"). Digits alone are tried
 * as a person id first, then as a cédula. AM_ENOTFOUND when nobody matches; AM_ECONFLICT
 * when a cédula belongs to several persons (the message lists their ids).
 */
int am_registry_find_person(struct am_store *store, const char *id_or_cedula, int64_t *person_id,
                            struct am_err *err);

/*
 * Everything the registry knows about one person, for `show` and `export`: a JSON
 * document (person, derived status, records with source and date, events in date order,
 * charges with class, measures, categories) appended to out.
 */
int am_registry_person_json(struct am_store *store, int64_t person_id, struct am_buf *out,
                            struct am_err *err);
/* The same for many persons: the statements are prepared once (export). Free the reader
 * before closing the store. */
struct am_person_reader;
struct am_person_reader *am_person_reader_new(struct am_store *store, struct am_err *err);
int am_person_reader_json(struct am_person_reader *r, int64_t person_id, struct am_buf *out,
                          struct am_err *err);
void am_person_reader_free(struct am_person_reader *r); /* NULL is fine */

/* One row of `amnistia links`: which person each record belongs to. */
struct am_link_row {
    int64_t record_id;
    const char *source;
    int64_t snapshot_id;
    const char *list_id;
    int64_t person_id;
};
typedef int (*am_link_cb)(const struct am_link_row *row, void *ctx);
int am_registry_links(struct am_store *store, am_link_cb cb, void *ctx, struct am_err *err);

/* The canonical list columns of DESIGN §5 (contract), in order. */
#define AM_COLUMN_TABLE(X)                                                                 \
    X(AM_COL_LIST_ID, "list_id")                                                           \
    X(AM_COL_FULL_NAME, "full_name")                                                       \
    X(AM_COL_GIVEN_NAMES, "given_names")                                                   \
    X(AM_COL_SURNAMES, "surnames")                                                         \
    X(AM_COL_CEDULA, "cedula")                                                             \
    X(AM_COL_SEX, "sex")                                                                   \
    X(AM_COL_BIRTH_DATE, "birth_date")                                                     \
    X(AM_COL_NATIONALITY, "nationality")                                                   \
    X(AM_COL_ARREST_DATE, "arrest_date")                                                   \
    X(AM_COL_ARREST_PLACE, "arrest_place")                                                 \
    X(AM_COL_STATE, "state")                                                               \
    X(AM_COL_FACILITY, "facility")                                                         \
    X(AM_COL_AGENCY, "agency")                                                             \
    X(AM_COL_CHARGES, "charges")                                                           \
    X(AM_COL_STATUS, "status")                                                             \
    X(AM_COL_STATUS_DATE, "status_date")                                                   \
    X(AM_COL_RELEASE_DATE, "release_date")                                                 \
    X(AM_COL_MEASURES, "measures")                                                         \
    X(AM_COL_CATEGORIES, "categories")                                                     \
    X(AM_COL_SENSITIVITY, "sensitivity")                                                   \
    X(AM_COL_NOTES, "notes")

enum am_column {
#define AM_X(e, s) e,
    AM_COLUMN_TABLE(AM_X)
#undef AM_X
        AM__COL_COUNT
};
#define AM_CANONICAL_COLUMN_COUNT AM__COL_COUNT
extern const char *const am_canonical_columns[AM_CANONICAL_COLUMN_COUNT];

/* One record with its person, for `export --csv`: fields[] follow am_canonical_columns
 * (the cédula written back as "V-12345678"). */
struct am_record_row {
    int64_t record_id;
    int64_t person_id;
    int64_t snapshot_id;
    const char *source;
    const char *fields[AM_CANONICAL_COLUMN_COUNT];
};
typedef int (*am_record_cb)(const struct am_record_row *row, void *ctx);
/* Walks every record ordered by person, then record id. */
int am_registry_records(struct am_store *store, am_record_cb cb, void *ctx, struct am_err *err);

/* Sets a person's sensitivity (public, restricted, sealed); AM_EINPUT for another word. */
int am_registry_set_sensitivity(struct am_store *store, int64_t person_id, const char *level,
                                struct am_err *err);

/*
 * Adds one event by hand (`amnistia event add`): a court's decision, a request for
 * amnesty, a dismissal. type must be an event type of AM_EVENT_TABLE, date YYYY-MM-DD
 * and not in the future, source the name of a source (created with kind 'other' when
 * absent; *source_created says so). detail may be NULL. On success writes the new
 * event's id to *event_id. AM_EINPUT for a bad type or date, AM_ENOTFOUND for an unknown
 * person; nothing is written on error.
 */
int am_registry_event_add(struct am_store *store, int64_t person_id, const char *type,
                          const char *date, const char *source, const char *detail,
                          int64_t *event_id, int *source_created, struct am_err *err);
/* The same checks and insert inside the caller's transaction (for batches: import). */
int am_registry_event_insert(struct am_store *store, int64_t person_id, const char *type,
                             const char *date, const char *source, const char *detail,
                             int64_t *event_id, int *source_created, struct am_err *err);

/*
 * ---- facts: what the registry knows happened to a person --------------------------------
 *
 * A record is the single stored fact from a list. The events, charges, measures and
 * categories it stands for are not stored: they are derived each time they are read, by
 * the same pure functions the import uses to check a row (am_record_events and the
 * catalogs of data/charges.csv and data/measures.csv), from the record's columns and its
 * snapshot's date. A corrected catalog therefore reclassifies every charge at once, and
 * every fact names the record behind it. The event, charge, measure and category tables
 * keep only facts that no record gives (`event add`, `event import`); those are read
 * beside the derived ones, with their record_id when they cite one.
 *
 * Every reader of events, charges, measures or categories goes through this API.
 */

/* One event. Strings are valid until the next read with the same reader or scan. */
struct am_fact_event {
    enum am_event_type type;
    const char *date;      /* YYYY-MM-DD or NULL */
    const char *facility;  /* NULL when none */
    const char *detail;    /* NULL when none */
    int64_t record_id;     /* the record it comes from (or cites); 0 for one entered by hand */
    int64_t event_id;      /* the event table's id for a stored event; 0 when derived */
    int64_t source_id;     /* the source that told it; 0 when unknown */
    const char *source;    /* that source's name, or NULL */
    const char *snap_as_of; /* the record's snapshot date, or NULL */
    int by_list;           /* dated only by its list's date: the row gave no date for it */
    int64_t seq;           /* order of entry, the tie-breaker of am_status_derive */
};

struct am_fact_charge {
    const char *raw;        /* as the list wrote it */
    const char *class_name; /* political homicide drugs common military unknown */
    const char *law_ref;    /* NULL when unknown */
    const char *certainty;  /* confirmed likely uncertain, or NULL */
    int64_t record_id, source_id;
    const char *source, *snap_as_of;
};

struct am_fact_measure {
    const char *type; /* catalog code (COPP-242-4) or "other" */
    const char *raw;
    const char *imposed, *lifted; /* YYYY-MM-DD or NULL */
    int64_t record_id, source_id;
    const char *source, *snap_as_of;
};

struct am_fact_category {
    const char *category; /* a DESIGN §2 category name */
    int64_t record_id, source_id;
    const char *source, *snap_as_of;
};

/*
 * A person's (or one record's) facts. events are in date order: dated events by date,
 * then in the order of entry (seq); undated events last, in the order of entry.
 * Charges, measures and categories follow record order (records by id), stored rows after
 * them. Derived events have seq = record_id * 4 + position; stored events come after
 * every derived one (2^40 + id).
 */
struct am_facts {
    int64_t person_id;
    size_t n_records;
    struct am_fact_event *events;
    size_t n_events;
    struct am_fact_charge *charges;
    size_t n_charges;
    struct am_fact_measure *measures;
    size_t n_measures;
    struct am_fact_category *categories;
    size_t n_categories;
};

/* The events as am_status_derive wants them (points into f; caller frees with am_free).
 * Returns an array of f->n_events elements (never NULL). */
struct am_event_fact *am_facts_event_facts(const struct am_facts *f);

/*
 * A reader for one person or one record at a time: its statements are prepared once and
 * the catalogs loaded once. Free it before closing the store.
 */
struct am_facts_reader;
struct am_facts_reader *am_facts_reader_new(struct am_store *store, struct am_err *err);
void am_facts_reader_free(struct am_facts_reader *r); /* NULL is fine */
/* A person's facts: derived from each of its records, plus the stored ones. A person
 * without records or facts gives empty arrays (not an error). Valid until the next call. */
int am_facts_person(struct am_facts_reader *r, int64_t person_id, struct am_facts *out,
                    struct am_err *err);
/* The facts one record gives (derived, plus stored rows that cite it); person_id is the
 * record's person (0 when unlinked). An unknown record gives empty arrays. */
int am_facts_record(struct am_facts_reader *r, int64_t record_id, struct am_facts *out,
                    struct am_err *err);

/*
 * Every person's facts in person id order, streaming (memory does not grow with the
 * registry): records are read in person order through record_person's index. Only
 * persons that have a record or a stored fact are returned.
 */
struct am_facts_scan;
struct am_facts_scan *am_facts_scan_new(struct am_store *store, struct am_err *err);
/* 1 with the next person's facts in *out (valid until the next call), 0 at the end,
 * -1 on error. */
int am_facts_scan_next(struct am_facts_scan *s, struct am_facts *out, struct am_err *err);
void am_facts_scan_free(struct am_facts_scan *s); /* NULL is fine */

/*
 * ---- deriving a record's facts ------------------------------------------------------------
 *
 * The pure functions that turn a record's columns into events, charges and measures: used
 * by import/ to check a row and by the facts reader above, so both derive them one way.
 */

/* One charge, measure or category of a record. */
struct am_record_charge {
    const char *raw;
    const char *class_name; /* political homicide drugs common military unknown */
    const char *law_ref;    /* NULL when unknown */
    const char *certainty;  /* NULL when unknown */
};
struct am_record_measure {
    const char *raw;
    const char *type; /* catalog code (COPP-242-4) or "other" */
};

/* What a record's events are derived from: its columns (strings YYYY-MM-DD or NULL). */
struct am_record_dates {
    const char *arrest_date, *arrest_place, *facility, *status_date, *release_date;
    int status;       /* enum am_status, or -1 when the list gives none */
    int status_event; /* enum am_event_type the status word stands for, or -1 */
    size_t n_measures;
};

/* One event a record gives (type is an enum am_event_type). */
struct am_record_event {
    int type;
    const char *date; /* YYYY-MM-DD or NULL */
    const char *facility;
    const char *detail;
};

/*
 * The events a record stands for (docs/columns.md): an arrest at arrest_date; the status
 * word's event (am_event_for_status, or the word's own, e.g. incommunicado) dated
 * status_date, else release_date for releases, else arrest_date for detentions, else
 * as_of; and a release (with measures when the status says so or measures are listed) at
 * release_date when that is a different event. Writes at most 3 to out; returns how many.
 */
size_t am_record_events(struct am_record_dates rec, const char *as_of,
                        struct am_record_event out[3]);

/* The items of a ';'-separated column (charges, measures, categories), each trimmed of
 * blanks, empty ones left out; *items and the strings live in arena. Returns how many. */
size_t am_split_list(struct am_arena *arena, const char *s, const char ***items);
struct am_catalog;
/* The charge and measure catalogs of data/charges.csv and data/measures.csv. */
struct am_catalog *am_catalog_load(struct am_err *err);
void am_catalog_free(struct am_catalog *catalog);
/* Matches one charge text: the catalog row whose longest alias (whole words, after
 * am_name_normalize) occurs in it. Unknown charges get class "unknown". */
void am_catalog_charge(const struct am_catalog *catalog, const char *text,
                       struct am_record_charge *out);
/*
 * The charges of a charges column: its ';'-separated items (am_split_list), and within an
 * item the charges people write in one phrase ("TRAICIÓN A LA PATRIA, terrorismo y
 * asociación"): the item is cut at commas and at the words "y"/"e" (outside parentheses)
 * when at least two of the pieces are charges of the catalog; a piece that is none stays
 * with the charge before it ("asociación, en grado de cooperador"), so no word is lost.
 * Otherwise the item is one charge. Each charge is a verbatim, trimmed part of s;
 * *items and the strings live in arena. Returns how many.
 */
size_t am_catalog_split_charges(const struct am_catalog *catalog, struct am_arena *arena,
                                const char *s, const char ***items);
/* The same for a measures column ("presentación cada 30 días, prohibición de salida del
 * país" is two measures), against the measure catalog. */
size_t am_catalog_split_measures(const struct am_catalog *catalog, struct am_arena *arena,
                                 const char *s, const char ***items);
/* Matches one measure text; type "other" when no alias occurs. */
void am_catalog_measure(const struct am_catalog *catalog, const char *text,
                        struct am_record_measure *out);

#endif
