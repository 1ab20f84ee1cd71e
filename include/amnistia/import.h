/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * import: turning a list as received (CSV or JSON Lines, any layout a mapping file can
 * describe) into one snapshot of records, with persons, events, charges, measures and
 * categories, in one transaction. Also the pieces it is built from, public so that tests
 * and fuzzers reach them: the streaming CSV reader, the mapping-file parser, the row
 * parser and the charge/measure catalogs. It does not link records to each other (link/).
 */
#ifndef AMNISTIA_IMPORT_H
#define AMNISTIA_IMPORT_H

#include "amnistia/core.h"
#include "amnistia/registry.h"
#include "amnistia/store.h"
#include "amnistia/text.h"

/* ---- canonical columns (DESIGN §5, contract) ------------------------------------------ */

/* AM_COLUMN_TABLE and enum am_column are in registry.h: the records' columns. */
const char *am_column_name(enum am_column col);
/* The canonical column a header names (case, accents, punctuation and outer spaces
 * ignored: "Full Name" and "FULL_NAME" are full_name); -1 when none. */
int am_column_from_header(const char *header);

/* ---- mapping files ----------------------------------------------------------------------- */

enum am_date_order { AM_DATES_DMY, AM_DATES_MDY };

/*
 * A mapping file (docs/mapping.md): how a source's columns become canonical columns.
 * Parsed once, applied to each file's header.
 */
struct am_mapping;
/* Parses the text of a mapping file (path is used in messages). Errors are AM_EINPUT at
 * PATH:LINE:COL with a hint. The caller frees with am_mapping_free. */
struct am_mapping *am_mapping_parse(const char *path, const char *text, size_t len,
                                    struct am_err *err);
/* Reads and parses the file at path. */
struct am_mapping *am_mapping_load(const char *path, struct am_err *err);
/* The empty mapping: canonical columns only. */
struct am_mapping *am_mapping_new(void);
void am_mapping_free(struct am_mapping *map); /* NULL is fine */
enum am_name_order am_mapping_order(const struct am_mapping *map);
enum am_date_order am_mapping_date_order(const struct am_mapping *map);

/*
 * A header resolved against a mapping: which source column feeds which canonical column.
 * Built per file; names are borrowed from the caller only during am_plan_build.
 */
struct am_plan;
/*
 * Builds the plan for a file's header. The plan borrows map, which must outlive it; the
 * caller frees the plan with am_plan_free. Fails (AM_EINPUT, at file:line:col) when a
 * canonical column is fed twice, a column appears twice in a join, the mapping names a
 * column the header lacks, or nothing gives a name. extra receives (appended,
 * comma-separated, quoted) the columns that feed nothing, so the caller can warn once;
 * may be NULL. With n == 0 (JSON Lines, no header) no check is made and columns are
 * added by am_plan_add_column.
 */
struct am_plan *am_plan_build(const struct am_mapping *map, const char *file, long line,
                              const struct am_csv_field *header, size_t n, struct am_buf *extra,
                              struct am_err *err);
void am_plan_free(struct am_plan *plan);
/* Number of header columns the plan expects per row. */
size_t am_plan_width(const struct am_plan *plan);
/* Resolves one more column name (JSON Lines keys appear row by row): returns its index
 * in the plan, adding it when new (*is_new is then set). Never fails: a key that would
 * feed a canonical column already fed is kept, feeding nothing. */
size_t am_plan_add_column(struct am_plan *plan, const char *name, int *is_new);

/* ---- rows -------------------------------------------------------------------------------- */

/* A row as the source wrote it, by plan column: values[i] NULL when absent. */
struct am_list_row {
    const char *file;
    long line;           /* where the row starts */
    size_t n;
    const char *const *values;
    const long *lines;
    const long *cols;
};

/* A parsed record. Strings live in the arena given to am_record_parse or are the row's
 * own values (trimmed, not copied), so they are valid while both are; NULL when the
 * list left the field empty. Dates are YYYY-MM-DD. */
struct am_record {
    long line;
    const char *list_id;
    const char *full_name, *given_names, *surnames;
    const char *name_order; /* given_first surnames_first split */
    char cedula_kind;       /* 'V', 'E' or 0 */
    const char *cedula;     /* digits only */
    char sex;               /* 'F', 'M' or 0 */
    const char *birth_date, *nationality, *arrest_date, *arrest_place, *state, *facility,
        *agency, *charges_text, *status_date, *release_date, *measures_text,
        *categories_text, *notes;
    int status;       /* enum am_status, or -1 when the list gives none */
    int status_event; /* enum am_event_type the status word stands for, or -1 */
    const char *sensitivity;
    struct am_record_charge *charges;
    size_t n_charges;
    struct am_record_measure *measures;
    size_t n_measures;
    const char **categories; /* DESIGN §2 category names */
    size_t n_categories;
};

/*
 * Parses a source row through plan and catalog into rec. A bad row (malformed or future
 * date, no name, unknown status/sex/category/sensitivity word, letters in a cédula)
 * fails with AM_EINPUT at FILE:LINE:COL and a "what is wrong; what would fix it" message.
 */
int am_record_parse(const struct am_plan *plan, const struct am_catalog *catalog,
                    const struct am_list_row *row, struct am_arena *arena,
                    struct am_record *rec, struct am_err *err);

/* The columns of rec that its events are derived from (registry.h, am_record_events). */
struct am_record_dates am_record_dates(const struct am_record *rec);

/* A status word as lists write it (Spanish or English, any case or accents): the status,
 * and the event it stands for through *event (-1: see am_event_for_status). -1 when the
 * word is unknown, -2 when it is empty. */
int am_status_word(const char *word, int *event);
/* A category word (Spanish or English) to its DESIGN §2 name; NULL when unknown. */
const char *am_category_word(const char *word);


/* ---- the import -------------------------------------------------------------------------- */

struct am_import_options {
    const char *source;       /* required */
    const char *kind;         /* ngo official court family press other; NULL: other */
    const char *as_of;        /* date of the list; NULL: today */
    const char *title;        /* NULL: the file name */
    const char *map_path;     /* NULL: canonical columns only */
    const char *rejects_path; /* --skip-bad: import good rows, write bad ones here */
    int latin1;               /* convert from Windows-1252 before parsing */
    int jsonl;                /* -1 by extension (.jsonl/.ndjson), 0 CSV, 1 JSON Lines */
    FILE *warn;               /* warnings (extra columns); NULL: silent */
    /* Called every 65,536 rows and at the end of each file, for progress on a terminal;
     * may be NULL. */
    void (*progress)(void *ctx, const char *path, int64_t rows, int done);
    void *progress_ctx;
};

struct am_import_file {
    char *path;
    int64_t snapshot_id;
    int64_t rows;     /* records imported */
    int64_t rejected; /* rows written to the rejects file */
    int duplicate;    /* the same bytes were already imported: */
    char *duplicate_source; /* ... as snapshot_id of this source */
};

struct am_import_result {
    AM_VEC(struct am_import_file) files;
    int64_t source_id;
    int64_t bad_rows; /* bad rows found (all of them, imported or not) */
};

/*
 * Imports files into store as one transaction: one snapshot per file (a file whose
 * SHA-256 is already in the registry is reported as a duplicate and skipped). Without
 * rejects_path any bad row refuses the whole import: AM_EINPUT for the first bad row,
 * result->bad_rows counts them all, and the registry is unchanged. The caller releases
 * result with am_import_result_release (also after a failure).
 */
int am_import_run(struct am_store *store, const struct am_import_options *opt,
                  const char *const *paths, size_t npaths, struct am_import_result *result,
                  struct am_err *err);
void am_import_result_release(struct am_import_result *result);

/*
 * Imports dated events about persons already in the registry (`amnistia event import`):
 * a CSV whose header names person (id or cédula), type (an event type of registry.h,
 * e.g. amnesty_requested, case_dismissed), date (as lists write it) and optionally
 * detail. source names who recorded them (created with kind 'other' when new). All rows
 * or none: the first bad row fails the import with FILE:LINE:COLUMN (AM_EINPUT, or
 * AM_ENOTFOUND / AM_ECONFLICT for a person not found or ambiguous). *n_events counts
 * the events added.
 */
int am_import_events(struct am_store *store, const char *path, const char *source,
                     size_t *n_events, struct am_err *err);

#endif
