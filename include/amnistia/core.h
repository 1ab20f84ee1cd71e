/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * core: errors, memory, buffers, vectors, string maps and hashing. Every other module
 * stands on this one and it depends on nothing but libc (and libsodium for SHA-256).
 * It knows nothing of prisoners, lists or SQL.
 */
#ifndef AMNISTIA_CORE_H
#define AMNISTIA_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- errors ---------------------------------------------------------------------- */

/*
 * The one table of error codes: name, message, CLI exit status, HTTP status.
 * Exit statuses follow DESIGN §7: 0 ok, 1 usage, 2 bad input (nothing written),
 * 3 I/O or internal error.
 */
#define AM_ERROR_TABLE(X)                                                    \
    X(AM_OK, "ok", 0, 200)                                                   \
    X(AM_EUSAGE, "usage error", 1, 400)                                      \
    X(AM_EINPUT, "bad input", 2, 400)                                        \
    X(AM_ENOTFOUND, "not found", 2, 404)                                     \
    X(AM_ECONFLICT, "conflict", 2, 409)                                      \
    X(AM_EVERIFY, "verification failed", 2, 422)                             \
    X(AM_EIO, "I/O error", 3, 500)                                           \
    X(AM_EDB, "database error", 3, 500)                                      \
    X(AM_EINTERNAL, "internal error", 3, 500)

enum am_code {
#define AM_X_ENUM(name, msg, exit_status, http_status) name,
    AM_ERROR_TABLE(AM_X_ENUM)
#undef AM_X_ENUM
        AM__CODE_COUNT
};

/*
 * Where an error happened, in our source and in the user's input. The first error set
 * wins: later calls to am_err_set on an error that already holds one change nothing, so
 * the message the user sees names the root cause.
 */
struct am_err {
    enum am_code code;
    int detail;            /* errno, SQLite extended code, ... or 0 */
    char msg[768];         /* "what is wrong; what to do" */
    const char *src_file;  /* where in amnistia it was raised */
    int src_line;
    char input_file[512];  /* where in the input, "" when not about input */
    long input_line;       /* 1-based, 0 when unknown */
    long input_col;        /* 1-based, 0 when unknown */
};

#define AM_ERR_INIT {0}

/* Sets the error (if none is set yet) and returns -1, so `return AM_FAIL(...)` works. */
int am_err_set(struct am_err *err, enum am_code code, const char *src_file, int src_line,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int am_err_vset(struct am_err *err, enum am_code code, const char *src_file, int src_line,
                const char *fmt, va_list ap);
/* Like am_err_set, and records the place in the input (file, 1-based line and column). */
int am_err_set_at(struct am_err *err, enum am_code code, const char *src_file, int src_line,
                  const char *input_file, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

#define AM_FAIL(err, code, ...) am_err_set((err), (code), __FILE__, __LINE__, __VA_ARGS__)
#define AM_FAIL_AT(err, code, file, line, col, ...) \
    am_err_set_at((err), (code), __FILE__, __LINE__, (file), (line), (col), __VA_ARGS__)

void am_err_clear(struct am_err *err);
int am_err_is_set(const struct am_err *err);
const char *am_code_name(enum am_code code);    /* "AM_EINPUT" */
const char *am_code_message(enum am_code code); /* "bad input" */
int am_code_exit_status(enum am_code code);
int am_code_http_status(enum am_code code);
/* Prints "amnistia: FILE:LINE:COL: message" (the input place only when known) to f. */
void am_err_print(const struct am_err *err, FILE *f);

/* A bug, never bad input: prints where and aborts. */
#define AM_ASSERT(cond) \
    ((cond) ? (void)0 : am__assert_fail(#cond, __FILE__, __LINE__))
_Noreturn void am__assert_fail(const char *what, const char *file, int line);

/* ---- memory ---------------------------------------------------------------------- */

/* Out of memory aborts here, with the size, instead of leaking through every caller. */
void *am_malloc(size_t size);
void *am_calloc(size_t count, size_t size);
void *am_realloc(void *ptr, size_t size);
char *am_strdup(const char *s);
char *am_strndup(const char *s, size_t n);
void am_free(void *ptr);

/*
 * An arena: many small allocations freed at once, one arena per scope of work (a
 * command, a request, a parse, a linkage batch). Not thread-safe; one per thread.
 */
struct am_arena_block;
struct am_arena {
    struct am_arena_block *head;
    size_t block_size;
};
void am_arena_init(struct am_arena *arena);
void am_arena_release(struct am_arena *arena);
void *am_arena_alloc(struct am_arena *arena, size_t size);   /* 16-byte aligned, zeroed */
char *am_arena_strdup(struct am_arena *arena, const char *s); /* NULL stays NULL */
char *am_arena_strndup(struct am_arena *arena, const char *s, size_t n);
char *am_arena_printf(struct am_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- growable byte buffer (git's strbuf) ----------------------------------------- */

/* Always NUL-terminated; ptr is never NULL after am_buf_init. */
struct am_buf {
    char *ptr;
    size_t len;
    size_t cap;
};
void am_buf_init(struct am_buf *buf);
void am_buf_release(struct am_buf *buf);
char *am_buf_detach(struct am_buf *buf); /* caller frees with am_free; buf is reset */
void am_buf_reset(struct am_buf *buf);   /* len = 0, keeps memory */
void am_buf_grow(struct am_buf *buf, size_t extra);
void am_buf_add(struct am_buf *buf, const void *data, size_t len);
void am_buf_adds(struct am_buf *buf, const char *s);
void am_buf_addc(struct am_buf *buf, char c);
void am_buf_addf(struct am_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void am_buf_vaddf(struct am_buf *buf, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included (UTF-8 passed through). */
void am_buf_add_json_string(struct am_buf *buf, const char *s);
/* Appends s as one CSV field per RFC 4180, quoted only when needed. */
void am_buf_add_csv_field(struct am_buf *buf, const char *s);
/* Reads a whole file; on failure sets err (AM_EIO) and returns -1. */
int am_buf_read_file(struct am_buf *buf, const char *path, struct am_err *err);

/* ---- vectors ---------------------------------------------------------------------- */

/* A typed growable array: `AM_VEC(int) ids = {0}; AM_VEC_PUSH(&ids, 7); am_free(ids.v);` */
#define AM_VEC(type)        \
    struct {                \
        type *v;            \
        size_t n, cap;      \
    }
#define AM_VEC_PUSH(vec, value)                                                      \
    do {                                                                             \
        if ((vec)->n == (vec)->cap) {                                                \
            (vec)->cap = (vec)->cap ? (vec)->cap * 2 : 16;                           \
            (vec)->v = am_realloc((vec)->v, (vec)->cap * sizeof(*(vec)->v));         \
        }                                                                            \
        (vec)->v[(vec)->n++] = (value);                                              \
    } while (0)
#define AM_VEC_FREE(vec)     \
    do {                     \
        am_free((vec)->v);   \
        (vec)->v = NULL;     \
        (vec)->n = (vec)->cap = 0; \
    } while (0)

/* ---- string map ------------------------------------------------------------------- */

/*
 * Open-addressing hash map from NUL-terminated strings to int64 values. Keys are copied
 * into the map's own storage. For catalogs, term frequencies and dedup sets.
 */
struct am_strmap_slot;
struct am_strmap {
    struct am_strmap_slot *slots;
    size_t cap;  /* power of two */
    size_t count;
    struct am_arena keys;
};
void am_strmap_init(struct am_strmap *map);
void am_strmap_release(struct am_strmap *map);
/* Returns 1 and sets *value when present, else 0. */
int am_strmap_get(const struct am_strmap *map, const char *key, int64_t *value);
/* Inserts or replaces. */
void am_strmap_put(struct am_strmap *map, const char *key, int64_t value);
/* Adds delta to the value (0 if absent) and returns the new value. */
int64_t am_strmap_add(struct am_strmap *map, const char *key, int64_t delta);
/* Iteration: for (size_t i = 0; am_strmap_next(map, &i, &k, &v);) ... */
int am_strmap_next(const struct am_strmap *map, size_t *iter, const char **key, int64_t *value);

/* ---- hashing ----------------------------------------------------------------------- */

#define AM_SHA256_LEN 32
void am_sha256(const void *data, size_t len, uint8_t out[AM_SHA256_LEN]);
/* Incremental SHA-256 for files of any size. */
struct am_sha256_ctx {
    _Alignas(64) uint8_t opaque[128];
};
void am_sha256_init(struct am_sha256_ctx *ctx);
void am_sha256_update(struct am_sha256_ctx *ctx, const void *data, size_t len);
void am_sha256_final(struct am_sha256_ctx *ctx, uint8_t out[AM_SHA256_LEN]);
/* Writes 2*len lowercase hex digits and a NUL into out. */
void am_hex(const uint8_t *bytes, size_t len, char *out);
/* A fast non-cryptographic 64-bit hash (FNV-1a), for hash tables. */
uint64_t am_hash64(const void *data, size_t len);

/* ---- bundled data files -------------------------------------------------------- */

/*
 * Loads data/NAME (catalogs, name lists) into out. The files are compiled into the
 * binary; when $AMNISTIA_DATA names a directory, NAME is read from there instead, so an
 * installed catalog can be corrected without rebuilding. AM_ENOTFOUND when absent.
 */
int am_data_load(const char *name, struct am_buf *out, struct am_err *err);

/* ---- small helpers ------------------------------------------------------------------ */

/* Parses a whole decimal integer; returns 0 on success, -1 on junk or overflow. */
int am_parse_int64(const char *s, int64_t *out);
/* Today's date as days since 1970-01-01 (UTC); AMNISTIA_TODAY=YYYY-MM-DD overrides it,
 * so tests and demos are reproducible. */
int32_t am_today(void);
/* Holds am_today() at its present value in the calling thread until as many
 * am_today_unpin(): for a long run that checks millions of dates against today (an
 * import), so that each check does not look the environment up again. */
void am_today_pin(void);
void am_today_unpin(void);
/* Proleptic Gregorian calendar: days since 1970-01-01 and back (H. Hinnant's algorithm). */
int32_t am_days_from_civil(int y, int m, int d);
void am_civil_from_days(int32_t days, int *y, int *m, int *d);
/* Strict YYYY-MM-DD of a real calendar day (s[0..len), no NUL needed) to days; 0 or -1.
 * For stored and machine-written dates; text/'s am_date_parse reads what people write. */
int am_iso_date_parse(const char *s, size_t len, int32_t *days);
/* Writes "YYYY-MM-DD" (11 bytes with the NUL) into out. */
void am_format_date(int32_t days, char out[11]);

#endif
