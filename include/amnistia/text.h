/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * text: what lists write and what we need to compare — UTF-8 checking and Windows-1252
 * conversion, dates, cédulas, sex, Spanish names (normalisation, tokens, particles,
 * surname-first detection, married "de X", a phonetic key) and string similarity.
 * Pure functions over strings; no registry, no SQL.
 */
#ifndef AMNISTIA_TEXT_H
#define AMNISTIA_TEXT_H

#include "amnistia/core.h"

/* ---- encodings -------------------------------------------------------------------- */

/* Returns the byte offset of the first invalid UTF-8 sequence, or -1 when s[0..len) is
 * valid UTF-8 (overlongs, surrogates and code points above U+10FFFF are invalid). */
long am_utf8_invalid_at(const char *s, size_t len);
/* Appends the Windows-1252 (a superset of Latin-1 in practice) bytes as UTF-8. */
void am_cp1252_to_utf8(const char *s, size_t len, struct am_buf *out);
/* Heuristic: 1 when invalid UTF-8 bytes look like Latin-1/Windows-1252 Spanish text. */
int am_looks_like_cp1252(const char *s, size_t len);

/* ---- dates ------------------------------------------------------------------------- */

/*
 * Parses a date as lists write it: YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY (also D/M/YYYY).
 * Refuses impossible dates (31/02) and dates after today (am_today()). On success writes
 * days since 1970-01-01 to *days and returns 0. On failure returns -1 and writes a short
 * reason to why ("month 13 does not exist", "date is in the future", "expected
 * YYYY-MM-DD or DD/MM/YYYY") — why_len bytes at most, may be NULL.
 */
int am_date_parse(const char *s, int32_t *days, char *why, size_t why_len);

/* ---- cédula ------------------------------------------------------------------------ */

/*
 * A Venezuelan identity number: kind 'V' (citizen) or 'E' (resident foreigner) or 0 when
 * the list gave none, and 1-9 digits without leading zeros. Accepts "V-12.345.678",
 * "V12345678", "v 12345678", "12.345.678", "E-81234567", "12345678".
 */
struct am_cedula {
    char kind;
    char number[16];
};
/* 0 on success; -1 with a reason (letters, too many digits, empty) in why. */
int am_cedula_parse(const char *s, struct am_cedula *out, char *why, size_t why_len);
/* 1 when s says the person has no cédula or it is unknown, rather than giving a wrong one:
 * blank, "-", "S/C", "N/A", "N/D", "S/I", "sin cédula", "no posee", "no tiene",
 * "indocumentado", "desconocida" (any case, accents ignored); else 0. An importer can
 * store these as missing instead of refusing the row. */
int am_cedula_is_missing(const char *s);

/* ---- sex --------------------------------------------------------------------------- */

/* 'F', 'M', or 0 for empty/unknown words ("F", "M", "femenino", "masculino", "mujer",
 * "hombre", "female", "male"); returns -1 for a word that is not a sex at all. */
int am_sex_parse(const char *s, char *out);

/* ---- names ------------------------------------------------------------------------- */

/*
 * Normalises for comparison: NFD, accents stripped, case folded, punctuation to space,
 * spaces collapsed, trimmed ("  GONZÁLEZ-Pérez, María " -> "gonzalez perez maria").
 * Appends to out.
 */
void am_name_normalize(const char *s, struct am_buf *out);

/*
 * The key two facility names are compared by, as people write them: normalised as above,
 * without the town or state added in brackets, a leading article or a last word in Roman
 * numerals ("El Rodeo I (Guatire)", "RODEO 1" and "Rodeo I" -> "rodeo 1"; "INOF (Los
 * Teques)" -> "inof"). Resets out first; out is empty when nothing is left.
 */
void am_facility_key(const char *s, struct am_buf *out);

enum am_name_order { AM_ORDER_UNKNOWN, AM_ORDER_GIVEN_FIRST, AM_ORDER_SURNAMES_FIRST };

/*
 * A parsed Spanish name. Tokens are normalised (am_name_normalize); particles stay with
 * their surname as one token ("de la cruz"). married is the husband's surname from a
 * trailing "de X" ("maria perez de gonzalez" -> married "gonzalez"), or NULL.
 * Strings are allocated in the arena passed to am_name_parse.
 */
struct am_name {
    const char *given[4];
    int n_given;
    const char *surnames[4];
    int n_surnames;
    const char *married;
    enum am_name_order order; /* what was decided, and ... */
    const char *order_why;    /* ... why ("comma", "upper-case surnames", "mapping") */
};

/*
 * Parses a full name. hint is the source's declared order (AM_ORDER_UNKNOWN to detect:
 * a comma means surnames first; otherwise a run of upper-case words followed by mixed
 * case means those are surnames; otherwise given names first, with the last two tokens
 * as surnames when there are four or more, else the last one).
 */
void am_name_parse(const char *full_name, enum am_name_order hint, struct am_arena *arena,
                   struct am_name *out);
/* Parses names given in separate columns. Either may be NULL. */
void am_name_parse_split(const char *given_names, const char *surnames, struct am_arena *arena,
                         struct am_name *out);

/* A Spanish phonetic key of one normalised token (b/v, s/z/c(e,i), ll/y, silent h,
 * g(e,i)/j, qu/k/c(a,o,u), doubled letters, ...). Appends to out. The rules, one per
 * line, are listed in src/text/phonetic.c and docs/names.md. Spaces inside a particle
 * compound are skipped ("de la cruz" -> "delakrus"). Allocates nothing when out already
 * has room for 2 * strlen(token) + 2 bytes, so a reused buffer costs nothing per call. */
void am_phonetic_key(const char *token, struct am_buf *out);

/*
 * The given name a nickname stands for ("chuo" -> "jesus", "pepe" -> "jose", "nacho" ->
 * "ignacio"), from data/nicknames.csv; NULL when token is not a known nickname. token
 * must be normalised (am_name_normalize). The string returned is static (owned by the
 * table, valid for the life of the process). Thread-safe: the table is read once, on the
 * first call; if it cannot be read every lookup answers NULL.
 */
const char *am_nickname_canonical(const char *token);

/* ---- similarity (inputs normalised first) ------------------------------------------- */

/*
 * All three compare bytes, so pass normalised (ASCII for Spanish names) strings; any
 * bytes are safe. NULL counts as "". None allocates for inputs up to 128 bytes; longer
 * ones use the heap and give the same answers.
 */
double am_jaro_winkler(const char *a, const char *b);            /* 0..1 */
int am_damerau_levenshtein(const char *a, const char *b);        /* optimal string alignment */
/* Token-set similarity in 0..1: tolerates reordering and missing tokens (the share of the
 * shorter side's tokens matched, each by Jaro-Winkler >= 0.9, weighted by length).
 * Precisely: tokens are split on spaces and particles (de, la, del, ...) dropped unless
 * a side has nothing else; the side with fewer tokens is measured; tokens are paired
 * one to one, best Jaro-Winkler first; each pair at >= 0.9 adds length x similarity, and
 * the sum is divided by the measured side's total length. 0 when either side is empty.
 * At most 16 tokens per side are considered. */
double am_token_set_similarity(const char *a, const char *b);

/* ---- CSV reader (RFC 4180) ------------------------------------------------------------- */

/* One field of a record. value is NUL-terminated (a NUL byte in the input makes the
 * record malformed). line and col are where the field starts: 1-based, col in
 * characters (UTF-8 lead bytes). */
struct am_csv_field {
    const char *value;
    size_t len;
    long line;
    long col;
    int quoted;
};

/* One record. Valid until the next am_csv_next call. problem is NULL for a well-formed
 * record, else a "what is wrong; what would fix it" message at problem_line/col (text
 * after a closing quote, a quote never closed, a NUL byte). */
struct am_csv_record {
    const struct am_csv_field *fields;
    size_t n;
    long line;     /* physical line where the record starts */
    long end_line; /* physical line where it ends */
    const char *problem;
    long problem_line, problem_col;
};

/* Where the bytes come from: returns bytes read into buf (at most cap), 0 at the end,
 * -1 on an I/O error. */
typedef long (*am_read_fn)(void *ctx, char *buf, size_t cap);

struct am_csv;
/*
 * A streaming reader: memory grows with the longest record, never with the file. name
 * is used in messages. The separator (',' or ';') is detected from the first line,
 * outside quotes, ';' winning only when it is more frequent; a UTF-8 BOM is skipped.
 * CRLF, LF and lone CR end records. Free with am_csv_free.
 */
struct am_csv *am_csv_new(const char *name, am_read_fn read, void *ctx);
/* Reads from memory (borrowed; must outlive the reader). */
struct am_csv *am_csv_new_mem(const char *name, const char *data, size_t len);
void am_csv_free(struct am_csv *csv); /* NULL is fine */
/* Forces the separator instead of detecting it (call before the first am_csv_next). */
void am_csv_set_separator(struct am_csv *csv, char sep);
char am_csv_separator(const struct am_csv *csv); /* 0 until detected */
/* Returns 1 with the next record, 0 at the end, -1 when reading fails (AM_EIO). */
int am_csv_next(struct am_csv *csv, struct am_csv_record *rec, struct am_err *err);

#endif
