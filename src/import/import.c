/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The import: files in, one snapshot per file out, all in one transaction. It reads each
 * file twice — once to hash its bytes (a file already imported is recognised and
 * skipped), once streaming through the CSV or JSON Lines reader — and writes records in
 * batches with prepared statements reused for every batch, and, until linking, a person
 * of its own for each record, made from the batch's records by SQL. Events, charges, measures and categories are not written: registry/ derives
 * them from the record each time they are read (registry.h, am_facts_*). Bad rows refuse
 * the whole import, or with a rejects file are written there.
 */
/* sync_file_range (Linux): see writeback_hint. */
#define _GNU_SOURCE
#include "import_int.h"

#include "amnistia/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

/* ---- reading files ------------------------------------------------------------------ */

struct file_src {
    FILE *f;
    int latin1;
    char raw[16 * 1024];
    struct am_buf conv; /* converted bytes not yet handed out */
    size_t conv_off;
};

static long file_read(void *ctx, char *buf, size_t cap)
{
    struct file_src *src = ctx;
    if (!src->latin1) {
        size_t n = fread(buf, 1, cap, src->f);
        return n == 0 && ferror(src->f) ? -1 : (long)n;
    }
    if (src->conv_off == src->conv.len) {
        am_buf_reset(&src->conv);
        src->conv_off = 0;
        size_t n = fread(src->raw, 1, sizeof(src->raw), src->f);
        if (n == 0)
            return ferror(src->f) ? -1 : 0;
        am_cp1252_to_utf8(src->raw, n, &src->conv);
    }
    size_t n = src->conv.len - src->conv_off;
    if (n > cap)
        n = cap;
    memcpy(buf, src->conv.ptr + src->conv_off, n);
    src->conv_off += n;
    return (long)n;
}

static int hash_file(const char *path, char hex[2 * AM_SHA256_LEN + 1], struct am_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot open the file: %s; check the path",
                          strerror(errno));
    struct am_sha256_ctx ctx;
    am_sha256_init(&ctx);
    char *buf = am_malloc(256 * 1024);
    size_t n;
    while ((n = fread(buf, 1, 256 * 1024, f)) > 0)
        am_sha256_update(&ctx, buf, n);
    int bad = ferror(f);
    am_free(buf);
    fclose(f);
    if (bad)
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot read the file; check that it is "
                          "readable");
    uint8_t digest[AM_SHA256_LEN];
    am_sha256_final(&ctx, digest);
    am_hex(digest, AM_SHA256_LEN, hex);
    return 0;
}

/* A line reader for JSON Lines over the same chunked source as the CSV reader. */
struct lines {
    am_read_fn read;
    void *ctx;
    char *buf;
    size_t cap, len, pos;
    int eof;
    long line;
};

/* Returns 1 with the next line (without its newline), 0 at the end, -1 on I/O error. */
static int next_line(struct lines *ls, const char **text, size_t *len)
{
    for (;;) {
        char *nl = memchr(ls->buf + ls->pos, '\n', ls->len - ls->pos);
        if (nl || (ls->eof && ls->pos < ls->len)) {
            size_t end = nl ? (size_t)(nl - ls->buf) : ls->len;
            *text = ls->buf + ls->pos;
            *len = end - ls->pos;
            ls->pos = nl ? end + 1 : end;
            ls->line++;
            return 1;
        }
        if (ls->eof)
            return 0;
        if (ls->pos > 0) {
            memmove(ls->buf, ls->buf + ls->pos, ls->len - ls->pos);
            ls->len -= ls->pos;
            ls->pos = 0;
        }
        if (ls->len == ls->cap) {
            ls->cap *= 2;
            ls->buf = am_realloc(ls->buf, ls->cap);
        }
        long n = ls->read(ls->ctx, ls->buf + ls->len, ls->cap - ls->len);
        if (n < 0)
            return -1;
        if (n == 0)
            ls->eof = 1;
        ls->len += (size_t)n;
    }
}

/* ---- the import's state -------------------------------------------------------------- */

enum stmt_id {
    ST_SOURCE_GET, ST_SOURCE_ADD, ST_DUP, ST_SNAPSHOT_ADD, ST_SNAPSHOT_COUNTS, ST_MAX_RECORD,
    ST_MAX_PERSON, ST_SNAPSHOT_HEADER, ST__COUNT
};

static const char *const sql[ST__COUNT] = {
    [ST_SOURCE_GET] = "SELECT id, kind FROM source WHERE name = ?1",
    [ST_SOURCE_ADD] = "INSERT INTO source(name, kind) VALUES (?1, ?2)",
    [ST_DUP] = "SELECT n.id, s.name FROM snapshot n JOIN source s ON s.id = n.source_id"
               " WHERE n.file_sha256 = ?1",
    [ST_SNAPSHOT_ADD] = "INSERT INTO snapshot(source_id, title, as_of, imported_at,"
                        " file_sha256, file_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_SNAPSHOT_COUNTS] = "UPDATE snapshot SET rows = ?2, rejected = ?3 WHERE id = ?1",
    [ST_SNAPSHOT_HEADER] = "INSERT INTO snapshot_header(snapshot_id, header) VALUES (?1, ?2)",
    [ST_MAX_RECORD] = "SELECT coalesce(max(id), 0) FROM record",
    [ST_MAX_PERSON] = "SELECT coalesce(max(id), 0) FROM person",
};

/*
 * Batched inserts: rows are collected and written BATCH_ROWS at a time by one multi-row
 * INSERT, because executing a statement costs more than inserting a row. The SQL text is
 * built from the constant heads below only; values always go through binds. OR FAIL:
 * a failing statement need not undo its own earlier rows (the whole import is rolled
 * back on any error), so SQLite keeps no statement journal for them.
 */
#define BATCH_ROWS 64

enum batch_id { B_RECORD, B__COUNT };

static const struct {
    const char *head;
    int ncols;
} batch_sql[B__COUNT] = {
    [B_RECORD] = {"INSERT OR FAIL INTO record(id, snapshot_id, row_no, line_no, list_id, raw,"
                  " given_names, surnames, full_name, name_order, cedula_kind, cedula, sex,"
                  " birth_date, nationality, arrest_date, arrest_place, state, facility,"
                  " agency, charges, status, status_date, release_date, measures,"
                  " categories, sensitivity, notes, status_event) VALUES ",
                  29},
};

/*
 * Until linking, each record is its own person: the person and record_person rows of a
 * batch of records are made from the records themselves, by two statements run right
 * after the batch is written (its pages are still in the cache), instead of being
 * copied once more into batches of their own and bound value by value. A record's
 * person id is its record id plus a fixed offset (both are assigned here, one of each
 * per record, in the same order).
 */
enum persons_stmt { P_PERSON, P_LINK, P__COUNT };

static const char *const persons_sql[P__COUNT] = {
    [P_PERSON] = "INSERT OR FAIL INTO person(id, display_name, cedula_kind, cedula, birth_date, sex,"
                 " nationality, sensitivity) SELECT id + ?1, full_name, cedula_kind, cedula,"
                 " birth_date, sex, nationality, sensitivity FROM record"
                 " WHERE id BETWEEN ?2 AND ?3",
    [P_LINK] = "INSERT OR FAIL INTO record_person(record_id, person_id, weight, decided_by,"
               " decided_at) SELECT id, id + ?1, 1.0, 'import', ?4 FROM record"
               " WHERE id BETWEEN ?2 AND ?3",
};

struct persons {
    struct am_stmt *st[P__COUNT];
    int64_t offset; /* person id - record id */
    const char *now;
};

struct cell {
    int kind; /* 0 NULL, 1 integer, 2 text at off (i bytes) */
    int64_t i;
    size_t off;
};

/* The rows of one batch of one table: their values, text copied into one buffer. */
struct chunk {
    int id; /* enum batch_id */
    int rows;
    int64_t first_id; /* the record id of its first row */
    AM_VEC(struct cell) cells;
    struct am_buf text;
    struct chunk *next; /* in the writer's queue or the free list */
};

struct batch {
    int id;
    int ncols;
    struct am_stmt *full; /* BATCH_ROWS rows */
    struct chunk *cur;    /* rows pending */
};

static struct chunk *chunk_new(void)
{
    struct chunk *c = am_calloc(1, sizeof(*c));
    am_buf_init(&c->text);
    return c;
}

static void chunk_free(struct chunk *c)
{
    if (!c)
        return;
    AM_VEC_FREE(&c->cells);
    am_buf_release(&c->text);
    am_free(c);
}

static struct am_stmt *batch_prepare(struct am_store *store, int id, int rows,
                                     struct am_err *err)
{
    struct am_buf q;
    am_buf_init(&q);
    am_buf_adds(&q, batch_sql[id].head);
    for (int r = 0; r < rows; r++) {
        am_buf_adds(&q, r ? ",(" : "(");
        for (int c = 0; c < batch_sql[id].ncols; c++)
            am_buf_adds(&q, c ? ",?" : "?");
        am_buf_addc(&q, ')');
    }
    struct am_stmt *st = am_stmt_prepare(store, q.ptr, err);
    am_buf_release(&q);
    return st;
}

static void add_text(struct batch *b, const char *v)
{
    struct chunk *k = b->cur;
    struct cell c = {0, 0, 0};
    if (v) {
        c.kind = 2;
        c.off = k->text.len;
        c.i = (int64_t)strlen(v);
        am_buf_add(&k->text, v, (size_t)c.i);
    }
    AM_VEC_PUSH(&k->cells, c);
}

static void add_int(struct batch *b, int64_t v)
{
    struct cell c = {1, v, 0};
    AM_VEC_PUSH(&b->cur->cells, c);
}

static void add_char(struct batch *b, char v)
{
    char s[2] = {v, 0};
    add_text(b, v ? s : NULL);
}

/* The persons of the records first..last, which are written. */
static int persons_write(const struct persons *ps, int64_t first, int64_t last,
                         struct am_err *err)
{
    for (int i = 0; i < P__COUNT; i++) {
        struct am_stmt *st = ps->st[i];
        if (am_stmt_bind_int64(st, 1, ps->offset, err) ||
            am_stmt_bind_int64(st, 2, first, err) || am_stmt_bind_int64(st, 3, last, err) ||
            (i == P_LINK && am_stmt_bind_text(st, 4, ps->now, err)))
            return -1;
        int rc = am_stmt_step(st, err);
        am_stmt_reset(st);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Binds a chunk's values to st (prepared for exactly its rows) and runs it, then writes
 * the persons of its records; empties the chunk. */
static int chunk_write(struct chunk *k, struct am_stmt *st, const struct persons *ps,
                       struct am_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < k->cells.n && rc == 0; i++) {
        const struct cell *c = &k->cells.v[i];
        int idx = (int)i + 1;
        if (c->kind == 1)
            rc = am_stmt_bind_int64(st, idx, c->i, err);
        else if (c->kind == 2)
            rc = am_stmt_bind_text_nocopy(st, idx, k->text.ptr + c->off, (size_t)c->i, err);
        else
            rc = am_stmt_bind_null(st, idx, err);
    }
    if (rc == 0)
        rc = am_stmt_step(st, err) < 0 ? -1 : 0;
    /* Every parameter is bound again before the next step: nothing to clear. */
    am_stmt_reset_keep(st);
    if (rc == 0 && k->rows)
        rc = persons_write(ps, k->first_id, k->first_id + k->rows - 1, err);
    k->cells.n = 0;
    k->rows = 0;
    am_buf_reset(&k->text);
    return rc;
}

/*
 * The writer thread. Parsing a row (CSV, checks, names, dates, catalogs) and writing it
 * (SQLite) each take about half of an import's time, so full batches go through a
 * bounded queue to a second thread that only binds and steps them, while this one parses
 * the next rows. Only one thread uses the connection at a time: the parser touches it
 * only after pipe_drain (the queue empty and the writer idle). Memory stays bounded: at
 * most PIPE_QUEUE chunks wait, each BATCH_ROWS rows.
 */
#define PIPE_QUEUE 32
/* The writer is woken when this many chunks wait (or to drain, or to stop), not for each
 * one: a wake-up is a system call and a context switch on a busy machine. */
#define PIPE_WAKE 8

struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t work, room, idle;
    struct chunk *head, *tail; /* the queue, oldest first */
    int queued;
    struct chunk *spare; /* written chunks, for reuse */
    int busy;            /* the writer is writing a chunk */
    int stop, discard;
    int failed;
    struct am_err err; /* the writer's first error */
    struct batch *batches;
    const struct persons *persons;
    pthread_t tid;
    int started;
};

static void *pipe_writer(void *arg)
{
    struct pipe *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stop)
            pthread_cond_wait(&p->work, &p->mu);
        if (!p->head)
            break;
        struct chunk *k = p->head;
        p->head = k->next;
        if (!p->head)
            p->tail = NULL;
        p->queued--;
        p->busy = 1;
        int skip = p->failed || p->discard;
        if (p->queued <= PIPE_QUEUE / 2)
            pthread_cond_signal(&p->room);
        pthread_mutex_unlock(&p->mu);
        struct am_err e = AM_ERR_INIT;
        int rc = 0;
        if (skip) {
            k->cells.n = 0;
            k->rows = 0;
            am_buf_reset(&k->text);
        } else {
            rc = chunk_write(k, p->batches[k->id].full, p->persons, &e);
        }
        pthread_mutex_lock(&p->mu);
        if (rc && !p->failed) {
            p->failed = 1;
            p->err = e;
        }
        k->next = p->spare;
        p->spare = k;
        p->busy = 0;
        if (!p->head)
            pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void pipe_start(struct pipe *p, struct batch *batches, const struct persons *persons)
{
    memset(p, 0, sizeof(*p));
    p->batches = batches;
    p->persons = persons;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->room, NULL);
    pthread_cond_init(&p->idle, NULL);
    p->started = pthread_create(&p->tid, NULL, pipe_writer, p) == 0;
}

/* Hands a full batch to the writer (or writes it here when there is no writer thread) and
 * gives the batch an empty chunk. */
static int pipe_submit(struct pipe *p, struct batch *b, struct am_err *err)
{
    if (!p->started)
        return chunk_write(b->cur, b->full, p->persons, err);
    pthread_mutex_lock(&p->mu);
    while (p->queued >= PIPE_QUEUE && !p->failed)
        pthread_cond_wait(&p->room, &p->mu);
    if (p->failed) {
        *err = p->err;
        pthread_mutex_unlock(&p->mu);
        return -1;
    }
    struct chunk *k = b->cur;
    k->next = NULL;
    if (p->tail)
        p->tail->next = k;
    else
        p->head = k;
    p->tail = k;
    p->queued++;
    if (p->queued >= PIPE_WAKE)
        pthread_cond_signal(&p->work);
    struct chunk *spare = p->spare;
    if (spare)
        p->spare = spare->next;
    pthread_mutex_unlock(&p->mu);
    b->cur = spare ? spare : chunk_new();
    b->cur->id = b->id;
    return 0;
}

/* Waits until every submitted batch is written; then this thread may use the connection. */
static int pipe_drain(struct pipe *p, struct am_err *err)
{
    if (!p->started)
        return 0;
    pthread_mutex_lock(&p->mu);
    pthread_cond_signal(&p->work);
    while (p->head || p->busy)
        pthread_cond_wait(&p->idle, &p->mu);
    int failed = p->failed;
    if (failed)
        *err = p->err;
    pthread_mutex_unlock(&p->mu);
    return failed ? -1 : 0;
}

/* Ends the writer thread; with discard, batches still queued are dropped unwritten. */
static void pipe_stop(struct pipe *p, int discard)
{
    if (p->started) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        p->discard |= discard;
        pthread_cond_signal(&p->work);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->tid, NULL);
        p->started = 0;
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->work);
        pthread_cond_destroy(&p->room);
        pthread_cond_destroy(&p->idle);
    }
    while (p->spare) {
        struct chunk *k = p->spare;
        p->spare = k->next;
        chunk_free(k);
    }
}

/* Writes the rows still pending in a batch, here (the writer is stopped or drained). */
static int batch_flush(struct am_store *store, struct batch *b, const struct persons *ps,
                       struct am_err *err)
{
    if (b->cur->rows == 0)
        return 0;
    struct am_stmt *st = batch_prepare(store, b->id, b->cur->rows, err);
    if (!st)
        return -1;
    int rc = chunk_write(b->cur, st, ps, err);
    am_stmt_finalize(st);
    return rc;
}

static void batch_release(struct batch *b)
{
    am_stmt_finalize(b->full);
    b->full = NULL;
    chunk_free(b->cur);
    b->cur = NULL;
}

struct run {
    struct am_store *store;
    const struct am_import_options *opt;
    struct am_import_result *result;
    struct am_mapping *map;
    struct am_catalog *catalog;
    struct am_stmt *st[ST__COUNT];
    struct batch batch[B__COUNT];
    struct persons persons;
    struct pipe pipe;
    /* ids assigned here (the transaction is exclusive): the last record id given, and
     * the last person id before the import */
    int64_t next_record, next_person;
    char as_of[11];
    char now[32];
    int64_t source_id;
    FILE *rejects;
    int rejects_header;
    struct am_err first; /* the first bad row */
    int fatal;           /* a file-level problem: refused even with --skip-bad */
    struct am_buf raw, scratch, rejline;
    struct am_arena arena;
    int arena_rows;
    int journal_switched; /* rollback journal for this import, WAL again at the end */
    int wb_fd;            /* the registry file, for writeback_hint; -1 when none */
    int64_t wb_rows;
    /* current file */
    const char *path;
    struct am_import_file *file;
    int64_t snapshot_id;
    int64_t row_no;
};

/* Ends a row; hands the batch to the writer when it is full. */
static int batch_row(struct run *r, struct batch *b, struct am_err *err)
{
    AM_ASSERT(b->cur->cells.n == (size_t)(b->cur->rows + 1) * (size_t)b->ncols);
    if (++b->cur->rows < BATCH_ROWS)
        return 0;
    return pipe_submit(&r->pipe, b, err);
}

static int bind_text(struct am_stmt *st, int i, const char *v, struct am_err *err)
{
    return am_stmt_bind_text(st, i, v, err);
}

static int exec_insert(struct am_stmt *st, struct am_err *err)
{
    int rc = am_stmt_step(st, err);
    am_stmt_reset(st);
    return rc < 0 ? -1 : 0;
}

/* An empty error for one row, without zeroing its 1.3 KB of message buffers as
 * AM_ERR_INIT does (twice per row, about 1 % of an import): every field is set, the
 * strings to "". */
static void row_err_init(struct am_err *e)
{
    e->code = AM_OK;
    e->detail = 0;
    e->msg[0] = '\0';
    e->src_file = NULL;
    e->src_line = 0;
    e->input_file[0] = '\0';
    e->input_line = 0;
    e->input_col = 0;
}

/* ---- bad rows -------------------------------------------------------------------------- */

/* Records a bad row: remembered (the first fails the import), written to the rejects
 * file with its original fields when --skip-bad is on. */
static void bad_row(struct run *r, const struct am_err *why, const char *const *fields,
                    size_t n)
{
    r->result->bad_rows++;
    if (!am_err_is_set(&r->first))
        r->first = *why;
    if (!r->rejects)
        return;
    r->file->rejected++;
    struct am_buf *b = &r->rejline;
    am_buf_reset(b);
    char num[24];
    am_buf_add_csv_field(b, r->path);
    snprintf(num, sizeof(num), ",%ld,", why->input_line);
    am_buf_adds(b, num);
    snprintf(num, sizeof(num), "%ld,", why->input_col);
    am_buf_adds(b, num);
    am_buf_add_csv_field(b, why->msg);
    for (size_t i = 0; i < n; i++) {
        am_buf_addc(b, ',');
        am_buf_add_csv_field(b, fields[i] ? fields[i] : "");
    }
    am_buf_addc(b, '\n');
    fwrite(b->ptr, 1, b->len, r->rejects);
}

/* Whether len bytes are all ASCII, eight at a time: most fields of most lists are, and
 * then there is nothing to validate. */
static int all_ascii(const char *v, size_t len)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, v + i, 8);
        acc |= w;
    }
    for (; i < len; i++)
        acc |= (unsigned char)v[i];
    return (acc & 0x8080808080808080ULL) == 0;
}

/* Undecodable bytes: the position of the first invalid byte in one field. */
static int check_utf8(struct run *r, const char *v, size_t len, long line, long col, int quoted,
                      struct am_err *why)
{
    if (all_ascii(v, len))
        return 0;
    long at = am_utf8_invalid_at(v, len);
    if (at < 0)
        return 0;
    if (quoted)
        col++;
    for (long i = 0; i < at; i++) {
        if (v[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)v[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    unsigned char byte = (unsigned char)v[at];
    if (am_looks_like_cp1252(v, len)) {
        AM_FAIL_AT(why, AM_EINPUT, r->path, line, col,
                   "byte 0x%02X is not UTF-8: the file looks like Latin-1/Windows-1252; pass "
                   "--encoding latin1 (or save the file as UTF-8)",
                   byte);
        r->fatal = 1;
    } else {
        AM_FAIL_AT(why, AM_EINPUT, r->path, line, col,
                   "byte 0x%02X is not UTF-8 text; save the file as UTF-8, or pass "
                   "--encoding latin1 if it is Latin-1",
                   byte);
    }
    return -1;
}

/*
 * A bulk import writes hundreds of megabytes that the commit must get onto the disk
 * (fdatasync) before it returns: about a second per 200 MB on this machine, at the end,
 * with nothing else to do. Every WRITEBACK_ROWS rows the parser thread asks the kernel
 * to start writing the registry's dirty pages out now (sync_file_range WRITE: starts the
 * writeback, waits for nothing), so the commit finds most of them on the disk already.
 * Durability is unchanged: the commit still syncs; this only moves disk time earlier,
 * beside the parsing. Through a descriptor of our own on the same file (writeback is per
 * file, not per descriptor), so SQLite's own are untouched. A hint: failures are
 * ignored, and other systems than Linux do without.
 */
#define WRITEBACK_ROWS 16384

static void writeback_hint(int fd)
{
#ifdef __linux__
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
#endif
}

/*
 * Whether every field of a CSV record is valid UTF-8, checked in one pass when the
 * reader holds the fields one after the other, each ended by a NUL (as it does): a NUL
 * is ASCII, and a sequence cut by a field's end is invalid across it too, so the span
 * is valid exactly when each field is. 0 means "check field by field" (which finds the
 * position of a bad byte), not that a field is bad.
 */
static int row_is_utf8(const struct am_csv_record *rec)
{
    if (rec->n == 0)
        return 1;
    for (size_t i = 0; i + 1 < rec->n; i++)
        if (rec->fields[i + 1].value != rec->fields[i].value + rec->fields[i].len + 1)
            return 0;
    const char *start = rec->fields[0].value;
    size_t len = (size_t)(rec->fields[rec->n - 1].value + rec->fields[rec->n - 1].len - start);
    return all_ascii(start, len) || am_utf8_invalid_at(start, len) < 0;
}

/* ---- writing one record ------------------------------------------------------------------ */

static int write_record(struct run *r, const struct am_record *rec, long line,
                        struct am_err *err)
{
    struct batch *b = r->batch;
    /* The categories joined with ';' (at most 511 bytes): copied, not formatted, since
     * snprintf was 1 % of an import. */
    char cats[512];
    size_t off = 0;
    for (size_t i = 0; i < rec->n_categories && off < sizeof(cats) - 1; i++) {
        if (i)
            cats[off++] = ';';
        size_t n = strlen(rec->categories[i]);
        if (n > sizeof(cats) - 1 - off)
            n = sizeof(cats) - 1 - off;
        memcpy(cats + off, rec->categories[i], n);
        off += n;
    }
    cats[off] = 0;
    int64_t record_id = ++r->next_record;
    struct batch *x = &b[B_RECORD];
    if (x->cur->rows == 0)
        x->cur->first_id = record_id;
    add_int(x, record_id);
    add_int(x, r->snapshot_id);
    add_int(x, r->row_no);
    add_int(x, line);
    add_text(x, rec->list_id);
    add_text(x, r->raw.ptr);
    add_text(x, rec->given_names);
    add_text(x, rec->surnames);
    add_text(x, rec->full_name);
    add_text(x, rec->name_order);
    add_char(x, rec->cedula_kind);
    add_text(x, rec->cedula);
    add_char(x, rec->sex);
    add_text(x, rec->birth_date);
    add_text(x, rec->nationality);
    add_text(x, rec->arrest_date);
    add_text(x, rec->arrest_place);
    add_text(x, rec->state);
    add_text(x, rec->facility);
    add_text(x, rec->agency);
    add_text(x, rec->charges_text);
    add_text(x, rec->status >= 0 ? am_status_name(rec->status) : NULL);
    add_text(x, rec->status_date);
    add_text(x, rec->release_date);
    add_text(x, rec->measures_text);
    add_text(x, rec->n_categories ? cats : NULL);
    add_text(x, rec->sensitivity);
    add_text(x, rec->notes);
    add_text(x, rec->status >= 0 && rec->status_event >= 0 &&
                        rec->status_event != am_event_for_status((enum am_status)rec->status)
                    ? am_event_name((enum am_event_type)rec->status_event)
                    : NULL);
    if (batch_row(r, x, err))
        return -1;

    r->file->rows++;
    if (r->wb_fd >= 0 && (++r->wb_rows & (WRITEBACK_ROWS - 1)) == 0)
        writeback_hint(r->wb_fd);
    return 0;
}

/* Parses one row and writes it, or records it as bad. Returns -1 only for errors that
 * stop the import (the database failing). */
static int take_row(struct run *r, const struct am_plan *plan, const struct am_list_row *row,
                    const char *const *orig, size_t norig, struct am_err *err)
{
    struct am_record rec;
    struct am_err why;
    row_err_init(&why);
    r->row_no++;
    if (r->opt->progress && (r->row_no & 0xFFFF) == 0)
        r->opt->progress(r->opt->progress_ctx, r->path, r->row_no, 0);
    if (am_record_parse(plan, r->catalog, row, &r->arena, &rec, &why)) {
        bad_row(r, &why, orig, norig);
        return 0;
    }
    /* Once the import is refused nothing more is written: the rest is only checked. */
    if (r->result->bad_rows && !r->rejects)
        return 0;
    return write_record(r, &rec, row->line, err);
}

/* Rows' strings live in one arena, freed every 256 rows: once per row would cost a
 * block allocation per row, never would grow with the file. */
static void recycle_arena(struct run *r)
{
    if (++r->arena_rows >= 256) {
        am_arena_release(&r->arena);
        r->arena_rows = 0;
    }
}

/* ---- CSV ------------------------------------------------------------------------------- */

/* Bytes a JSON string cannot hold as they are: controls, '"', '\\', and NUL (where
 * am_buf_add_json_string ends the value). */
static const unsigned char json_special[256] = {
    [0] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1, [9] = 1,
    [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1, [18] = 1,
    [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1,
    [28] = 1, [29] = 1, [30] = 1, [31] = 1, ['"'] = 1, ['\\'] = 1,
};

/* A field of len bytes as a JSON string, the same text as am_buf_add_json_string gives,
 * after a ',' unless it is the first: copied at once when nothing in it needs an escape
 * (nearly always). */
static void add_json_field(struct am_buf *b, const char *v, size_t len, int first)
{
    const unsigned char *p = (const unsigned char *)v;
    size_t i = 0;
    while (i < len && !json_special[p[i]])
        i++;
    if (i < len) {
        if (!first)
            am_buf_addc(b, ',');
        am_buf_add_json_string(b, v);
        return;
    }
    am_buf_grow(b, len + 3);
    if (!first)
        b->ptr[b->len++] = ',';
    b->ptr[b->len++] = '"';
    memcpy(b->ptr + b->len, v, len);
    b->len += len;
    b->ptr[b->len++] = '"';
    b->ptr[b->len] = '\0';
}

static void warn_extra(struct run *r, const struct am_buf *extra)
{
    if (extra->len && r->opt->warn)
        fprintf(r->opt->warn,
                "amnistia: warning: %s: columns kept only in the raw row (not canonical, not "
                "mapped): %s; map them with --map if they matter\n",
                r->path, extra->ptr);
}

static long chars_of(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/*
 * The separator when the first line has none: a title above the table ("LISTA DE
 * EXCARCELADOS"), from which the reader would guess ','. The first of the next few lines
 * that holds ',' or ';' outside quotes decides, as the reader decides on a first line.
 * Returns 0 when the first line decides (or nothing does); the file is read again from
 * its start afterwards.
 */
static char separator_below_title(struct file_src *src)
{
    char buf[16 * 1024];
    long n = file_read(src, buf, sizeof(buf));
    char sep = 0;
    size_t commas = 0, semis = 0;
    int quoted = 0, lines = 0;
    for (long i = 0; i < n && lines < 10; i++) {
        char c = buf[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == ',')
            commas++;
        else if (!quoted && c == ';')
            semis++;
        else if (!quoted && (c == '\n' || c == '\r')) {
            if (commas || semis) {
                if (lines > 0)
                    sep = semis > commas ? ';' : ',';
                break;
            }
            if (c == '\n' || i + 1 == n || buf[i + 1] != '\n')
                lines++;
        }
    }
    rewind(src->f);
    am_buf_reset(&src->conv);
    src->conv_off = 0;
    return sep;
}

/* The first byte of the file that is not a BOM or a blank (0 when none); the file is
 * read again from its start afterwards. */
static int first_byte(struct file_src *src)
{
    char buf[512];
    long n = file_read(src, buf, sizeof(buf));
    long i = 0;
    if (n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
        i = 3;
    while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    rewind(src->f);
    am_buf_reset(&src->conv);
    src->conv_off = 0;
    return i < n ? (unsigned char)buf[i] : 0;
}

static int import_csv(struct run *r, struct am_csv *csv, struct am_err *err)
{
    struct am_csv_record rec;
    int rc = am_csv_next(csv, &rec, err);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        AM_FAIL_AT(&r->first, AM_EINPUT, r->path, 1, 1,
                   "the file is empty; a list needs a header line and rows");
        r->fatal = 1;
        return 0;
    }
    if (rec.problem) {
        AM_FAIL_AT(&r->first, AM_EINPUT, r->path, rec.problem_line, rec.problem_col,
                   "header: %s", rec.problem);
        r->fatal = 1;
        return 0;
    }
    /* The header, and before it perhaps a title a spreadsheet put above the table
     * ("MINISTERIO ... LISTA DE EXCARCELADOS", then an empty row): a line of at most one
     * filled cell whose columns give no plan, followed within a few lines by one that
     * does, is a title. When no later line does, the first line's error stands. */
    struct am_buf extra;
    am_buf_init(&extra);
    struct am_plan *plan = NULL;
    struct am_err first_try;
    row_err_init(&first_try);
    long title_from = rec.line, title_to = 0;
    for (int tries = 0;; tries++) {
        for (size_t i = 0; i < rec.n; i++) {
            struct am_err why;
            row_err_init(&why);
            if (check_utf8(r, rec.fields[i].value, rec.fields[i].len, rec.fields[i].line,
                           rec.fields[i].col, rec.fields[i].quoted, &why)) {
                if (!am_err_is_set(&r->first))
                    r->first = why; /* the encoding, even below a title, comes first */
                r->fatal = 1;
                am_buf_release(&extra);
                return 0;
            }
        }
        size_t filled = 0;
        for (size_t i = 0; i < rec.n; i++)
            filled += rec.fields[i].len > 0;
        if (tries > 0 && filled == 0 && !rec.problem) {
            title_to = rec.line; /* an empty row under the title */
        } else {
            struct am_err try_err;
            row_err_init(&try_err);
            am_buf_reset(&extra);
            plan = am_plan_build(r->map, r->path, rec.line, rec.fields, rec.n, &extra,
                                 &try_err);
            if (plan)
                break;
            if (!am_err_is_set(&first_try))
                first_try = try_err;
            if ((tries == 0 && filled > 1) || tries >= 8 || rec.problem)
                break;
            title_to = rec.line;
        }
        int more = am_csv_next(csv, &rec, err);
        if (more < 0) {
            am_buf_release(&extra);
            return -1;
        }
        if (more == 0)
            break;
        if (rec.problem) {
            if (!am_err_is_set(&r->first))
                r->first = first_try;
            r->fatal = 1;
            am_buf_release(&extra);
            return 0;
        }
    }
    if (!plan) {
        if (!am_err_is_set(&r->first))
            r->first = first_try;
        am_buf_release(&extra);
        r->fatal = 1;
        return 0;
    }
    if (title_to && r->opt->warn) {
        char lines[64];
        if (title_to > title_from)
            snprintf(lines, sizeof(lines), "lines %ld-%ld", title_from, title_to);
        else
            snprintf(lines, sizeof(lines), "line %ld", title_from);
        fprintf(r->opt->warn,
                "amnistia: warning: %s: %s above the header (line %ld) %s not part of the "
                "list (a title?); %s kept only in the file's SHA-256\n",
                r->path, lines, rec.line, title_to > title_from ? "are" : "is",
                title_to > title_from ? "they are" : "it is");
    }
    warn_extra(r, &extra);
    am_buf_release(&extra);
    size_t width = am_plan_width(plan);
    /* The header, once, on the snapshot: each record's raw is the array of its values. */
    am_buf_reset(&r->raw);
    am_buf_addc(&r->raw, '[');
    for (size_t i = 0; i < width; i++) {
        if (i)
            am_buf_addc(&r->raw, ',');
        am_buf_add_json_string(&r->raw, rec.fields[i].value);
    }
    am_buf_addc(&r->raw, ']');
    struct am_stmt *hs = r->st[ST_SNAPSHOT_HEADER];
    if (am_stmt_bind_int64(hs, 1, r->snapshot_id, err) ||
        am_stmt_bind_text_nocopy(hs, 2, r->raw.ptr, r->raw.len, err) || exec_insert(hs, err)) {
        am_plan_free(plan);
        return -1;
    }
    AM_VEC(const char *) values = {0};
    AM_VEC(long) lines = {0};
    AM_VEC(long) cols = {0};
    int out = 0;
    while ((rc = am_csv_next(csv, &rec, err)) == 1) {
        /* A blank line, or a row of separators alone (";;;;;", how spreadsheets export
         * an empty row): no row of the list. */
        if (!rec.problem) {
            size_t f = 0;
            while (f < rec.n && rec.fields[f].len == 0 && !rec.fields[f].quoted)
                f++;
            if (f == rec.n)
                continue;
        }
        values.n = lines.n = cols.n = 0;
        for (size_t i = 0; i < rec.n; i++) {
            AM_VEC_PUSH(&values, rec.fields[i].value);
            AM_VEC_PUSH(&lines, rec.fields[i].line);
            AM_VEC_PUSH(&cols, rec.fields[i].col);
        }
        recycle_arena(r);
        struct am_err why;
        row_err_init(&why);
        int is_bad = 0;
        if (rec.problem) {
            AM_FAIL_AT(&why, AM_EINPUT, r->path, rec.problem_line, rec.problem_col, "%s",
                       rec.problem);
            is_bad = 1;
        }
        if (!is_bad && !row_is_utf8(&rec))
            for (size_t i = 0; i < rec.n && !is_bad; i++)
                is_bad = check_utf8(r, rec.fields[i].value, rec.fields[i].len,
                                    rec.fields[i].line, rec.fields[i].col, rec.fields[i].quoted,
                                    &why) != 0;
        if (!is_bad && rec.n != width) {
            long line, col;
            if (rec.n > width) {
                line = rec.fields[width].line;
                col = rec.fields[width].col;
            } else {
                const struct am_csv_field *last = &rec.fields[rec.n - 1];
                line = last->line;
                col = last->col + chars_of(last->value, last->len) + (last->quoted ? 2 : 0);
            }
            AM_FAIL_AT(&why, AM_EINPUT, r->path, line, col,
                       "this row has %zu fields but the header has %zu; quote fields that "
                       "contain '%c', and give every row one field per header column",
                       rec.n, width, am_csv_separator(csv));
            is_bad = 1;
        }
        if (is_bad) {
            r->row_no++;
            if (r->fatal) {
                if (!am_err_is_set(&r->first))
                    r->first = why;
                r->result->bad_rows++;
                break;
            }
            bad_row(r, &why, values.v, values.n);
            continue;
        }
        /* The raw row, verbatim: its values in file order, as a JSON array (the names
         * are the snapshot's header). */
        am_buf_reset(&r->raw);
        am_buf_addc(&r->raw, '[');
        for (size_t i = 0; i < width; i++)
            add_json_field(&r->raw, rec.fields[i].value, rec.fields[i].len, i == 0);
        am_buf_addc(&r->raw, ']');
        struct am_list_row row = {r->path, rec.line, rec.n, values.v, lines.v, cols.v};
        if (take_row(r, plan, &row, values.v, values.n, err)) {
            out = -1;
            break;
        }
    }
    if (rc < 0)
        out = -1;
    AM_VEC_FREE(&values);
    AM_VEC_FREE(&lines);
    AM_VEC_FREE(&cols);
    am_plan_free(plan);
    return out;
}

/* ---- JSON Lines ---------------------------------------------------------------------- */

static int import_jsonl(struct run *r, struct lines *ls, struct am_err *err)
{
    struct am_plan *plan = am_plan_build(r->map, r->path, 1, NULL, 0, NULL, err);
    AM_VEC(const char *) values = {0};
    AM_VEC(long) lines = {0};
    AM_VEC(long) cols = {0};
    struct am_buf extra, text;
    am_buf_init(&extra);
    am_buf_init(&text);
    const char *line;
    size_t len;
    int rc, out = 0;
    while ((rc = next_line(ls, &line, &len)) == 1) {
        /* A UTF-8 BOM before the first line (Notepad writes one), as the CSV reader skips. */
        if (ls->line == 1 && len >= 3 && (unsigned char)line[0] == 0xEF &&
            (unsigned char)line[1] == 0xBB && (unsigned char)line[2] == 0xBF) {
            line += 3;
            len -= 3;
        }
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        size_t lead = 0;
        while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (lead == len)
            continue;
        am_buf_reset(&text);
        am_buf_add(&text, line, len);
        const char *orig[1] = {text.ptr};
        recycle_arena(r);
        struct am_err why;
        row_err_init(&why);
        r->row_no++;
        if (check_utf8(r, text.ptr, text.len, ls->line, 1, 0, &why)) {
            if (r->fatal) {
                r->first = am_err_is_set(&r->first) ? r->first : why;
                r->result->bad_rows++;
                break;
            }
            bad_row(r, &why, orig, 1);
            continue;
        }
        json_error_t jerr;
        json_t *obj = json_loadb(text.ptr, text.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!obj || !json_is_object(obj)) {
            if (obj)
                AM_FAIL_AT(&why, AM_EINPUT, r->path, ls->line, 1,
                           "a line is a JSON %s, not an object; write one object per line",
                           json_is_array(obj) ? "array" : "value");
            else
                AM_FAIL_AT(&why, AM_EINPUT, r->path, ls->line, jerr.column > 0 ? jerr.column : 1,
                           "%s; write one JSON object per line", jerr.text);
            json_decref(obj);
            bad_row(r, &why, orig, 1);
            continue;
        }
        values.n = lines.n = cols.n = 0;
        for (size_t i = 0; i < am_plan_width(plan); i++) {
            AM_VEC_PUSH(&values, NULL);
            AM_VEC_PUSH(&lines, ls->line);
            AM_VEC_PUSH(&cols, 1);
        }
        const char *key;
        json_t *val;
        int is_bad = 0;
        json_object_foreach(obj, key, val)
        {
            int is_new;
            size_t idx = am_plan_add_column(plan, key, &is_new);
            if (is_new) {
                const struct am__plan_col *pc = &plan->cols.v[idx];
                if (pc->target < 0 && pc->join < 0 && !pc->ignored) {
                    if (extra.len)
                        am_buf_adds(&extra, ", ");
                    am_buf_addf(&extra, "'%s'", key);
                }
                AM_VEC_PUSH(&values, NULL);
                AM_VEC_PUSH(&lines, ls->line);
                AM_VEC_PUSH(&cols, 1);
            }
            /* The key's column in the line, for messages. */
            am_buf_reset(&r->scratch);
            am_buf_add_json_string(&r->scratch, key);
            const char *at = strstr(text.ptr, r->scratch.ptr);
            cols.v[idx] = at ? 1 + chars_of(text.ptr, (size_t)(at - text.ptr)) : 1;
            if (json_is_string(val)) {
                values.v[idx] = am_arena_strdup(&r->arena, json_string_value(val));
            } else if (json_is_integer(val)) {
                values.v[idx] = am_arena_printf(&r->arena, "%lld",
                                                (long long)json_integer_value(val));
            } else if (json_is_real(val)) {
                values.v[idx] = am_arena_printf(&r->arena, "%.15g", json_real_value(val));
            } else if (json_is_null(val)) {
                values.v[idx] = NULL;
            } else if (!is_bad) {
                AM_FAIL_AT(&why, AM_EINPUT, r->path, ls->line, cols.v[idx],
                           "the value of \"%s\" is %s; write it as a string, a number or null",
                           key, json_is_boolean(val) ? "true/false" : "an object or array");
                is_bad = 1;
            }
        }
        json_decref(obj);
        if (is_bad) {
            bad_row(r, &why, orig, 1);
            continue;
        }
        am_buf_reset(&r->raw);
        am_buf_add(&r->raw, text.ptr + lead, text.len - lead);
        struct am_list_row row = {r->path, ls->line, values.n, values.v, lines.v, cols.v};
        r->row_no--; /* take_row counts it */
        if (take_row(r, plan, &row, orig, 1, err)) {
            out = -1;
            break;
        }
    }
    if (rc < 0)
        out = AM_FAIL_AT(err, AM_EIO, r->path, ls->line, 0, "cannot read the file; check that "
                         "it is readable");
    warn_extra(r, &extra);
    am_buf_release(&extra);
    am_buf_release(&text);
    AM_VEC_FREE(&values);
    AM_VEC_FREE(&lines);
    AM_VEC_FREE(&cols);
    am_plan_free(plan);
    return out;
}

/* ---- files ------------------------------------------------------------------------------ */

static int is_jsonl(const struct am_import_options *opt, const char *path)
{
    if (opt->jsonl >= 0)
        return opt->jsonl;
    size_t n = strlen(path);
    return (n > 6 && strcmp(path + n - 6, ".jsonl") == 0) ||
           (n > 7 && strcmp(path + n - 7, ".ndjson") == 0);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int find_source(struct run *r, struct am_err *err)
{
    struct am_stmt *s = r->st[ST_SOURCE_GET];
    if (bind_text(s, 1, r->opt->source, err))
        return -1;
    int rc = am_stmt_step(s, err);
    if (rc == 1) {
        r->source_id = am_stmt_int64(s, 0);
        const char *kind = am_stmt_text(s, 1);
        if (r->opt->kind && kind && strcmp(kind, r->opt->kind) != 0 && r->opt->warn)
            fprintf(r->opt->warn,
                    "amnistia: warning: source '%s' is already of kind %s; --kind %s is "
                    "ignored\n",
                    r->opt->source, kind, r->opt->kind);
    }
    am_stmt_reset(s);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return 0;
    s = r->st[ST_SOURCE_ADD];
    if (bind_text(s, 1, r->opt->source, err) ||
        bind_text(s, 2, r->opt->kind ? r->opt->kind : "other", err) || exec_insert(s, err))
        return -1;
    r->source_id = am_store_last_insert_id(r->store);
    return 0;
}

static int import_file(struct run *r, const char *path, struct am_err *err)
{
    struct am_import_file f = {.path = am_strdup(path)};
    AM_VEC_PUSH(&r->result->files, f);
    r->file = &r->result->files.v[r->result->files.n - 1];
    r->path = r->file->path;
    r->row_no = 0;
    /* The connection is this thread's again: the earlier files' rows are written. */
    if (pipe_drain(&r->pipe, err))
        return -1;

    char sha[2 * AM_SHA256_LEN + 1];
    if (hash_file(path, sha, err))
        return -1;
    struct am_stmt *s = r->st[ST_DUP];
    if (bind_text(s, 1, sha, err))
        return -1;
    int rc = am_stmt_step(s, err);
    if (rc == 1) {
        r->file->duplicate = 1;
        r->file->snapshot_id = am_stmt_int64(s, 0);
        r->file->duplicate_source = am_strdup(am_stmt_text(s, 1));
    }
    am_stmt_reset(s);
    if (rc < 0)
        return -1;
    if (r->file->duplicate)
        return 0;
    /* The source is created with its first snapshot, not for a run of duplicates. */
    if (!r->source_id && find_source(r, err))
        return -1;
    r->result->source_id = r->source_id;

    s = r->st[ST_SNAPSHOT_ADD];
    if (am_stmt_bind_int64(s, 1, r->source_id, err) ||
        bind_text(s, 2, r->opt->title ? r->opt->title : base_name(path), err) ||
        bind_text(s, 3, r->as_of, err) || bind_text(s, 4, r->now, err) ||
        bind_text(s, 5, sha, err) || bind_text(s, 6, path, err) || exec_insert(s, err))
        return -1;
    r->snapshot_id = r->file->snapshot_id = am_store_last_insert_id(r->store);

    struct file_src src = {.latin1 = r->opt->latin1};
    am_buf_init(&src.conv);
    src.f = fopen(path, "rb");
    if (!src.f) {
        am_buf_release(&src.conv);
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot open the file: %s; check the path",
                          strerror(errno));
    }
    int out;
    /* Not named .jsonl and no --format: a file that opens with '{' is JSON Lines all the
     * same (family committees' tools write .json or .txt); one that opens with '[' is a
     * JSON array, which is said plainly instead of "the header has no name column". */
    int lead = r->opt->jsonl < 0 && !is_jsonl(r->opt, path) ? first_byte(&src) : 0;
    if (lead == '[') {
        AM_FAIL_AT(&r->first, AM_EINPUT, path, 1, 1,
                   "the file is a JSON array ('['); amnistia reads JSON Lines, one object per "
                   "line: write each object of the array on its own line, without the "
                   "brackets and the commas between objects");
        r->fatal = 1;
        out = 0;
    } else if (lead == '{' || is_jsonl(r->opt, path)) {
        struct lines ls = {file_read, &src, am_malloc(64 * 1024), 64 * 1024, 0, 0, 0, 0};
        out = import_jsonl(r, &ls, err);
        am_free(ls.buf);
    } else {
        char sep = separator_below_title(&src);
        struct am_csv *csv = am_csv_new(path, file_read, &src);
        if (sep)
            am_csv_set_separator(csv, sep);
        out = import_csv(r, csv, err);
        am_csv_free(csv);
    }
    fclose(src.f);
    am_buf_release(&src.conv);
    if (r->opt->progress)
        r->opt->progress(r->opt->progress_ctx, r->path, r->row_no, 1);
    if (out || pipe_drain(&r->pipe, err))
        return -1;
    s = r->st[ST_SNAPSHOT_COUNTS];
    if (am_stmt_bind_int64(s, 1, r->snapshot_id, err) ||
        am_stmt_bind_int64(s, 2, r->file->rows, err) ||
        am_stmt_bind_int64(s, 3, r->file->rejected, err) || exec_insert(s, err))
        return -1;
    return 0;
}

/*
 * A big import into a small registry drops the secondary indexes of the tables it fills
 * whose keys arrive in random order (the record cédula index) and builds them again before
 * the commit: one sort per index is several times cheaper than a million B-tree inserts
 * at random places. Indexes led by person_id or record_id are kept: the import assigns
 * those ids in increasing order, so their entries only ever go to the right edge of the
 * B-tree. Measured at 200,000 rows: the same CPU time as rebuilding them, and a lower
 * peak memory (52 MB instead of 71: no sort for them). The definitions come from the
 * registry's own schema (sqlite_master), so this follows whatever schema.c says. Inside the transaction: a
 * failed import rolls the drop back with everything else.
 */
/* The tables an import fills, and the leading columns whose indexes stay (see above). */
static const char *const bulk_tables[] = {"record", "person",  "record_person", "event",
                                          "charge", "measure", "category"};
static const char *const bulk_keep_lead[] = {"person_id", "record_id", NULL};

static int drop_indexes(struct am_store *store, struct am_store_indexes *saved,
                        struct am_err *err)
{
    for (size_t i = 0; i < sizeof(bulk_tables) / sizeof(bulk_tables[0]); i++)
        if (am_store_indexes_drop(store, bulk_tables[i], bulk_keep_lead, saved, err) < 0)
            return -1;
    return 0;
}

/*
 * A bulk import runs in rollback-journal mode instead of WAL. In WAL every page is written
 * twice — into the WAL, then by the checkpoint into the database — while a rollback
 * journal only keeps the pages the registry had before the transaction, and the pages an
 * import appends need no copy at all: one write per new page. Atomicity is the same (a
 * crash rolls the journal back: the registry as before the import). Switching needs the
 * registry to ourselves; when another connection has it open, the import stays in WAL.
 * Returns 1 when switched, 0 when not, -1 on a database error.
 */
static int rollback_journal(struct run *r, struct am_err *err)
{
    struct am_err busy = AM_ERR_INIT;
    struct am_stmt *s = am_stmt_prepare(r->store, "PRAGMA journal_mode = DELETE", err);
    if (!s)
        return -1;
    int rc = am_stmt_step(s, &busy);
    if (rc == 1) {
        const char *mode = am_stmt_text(s, 0);
        r->journal_switched = mode && strcmp(mode, "delete") == 0;
    }
    am_stmt_reset(s);
    am_stmt_finalize(s);
    return r->journal_switched;
}

static int max_id(struct am_stmt *s, int64_t *out, struct am_err *err)
{
    int rc = am_stmt_step(s, err);
    if (rc == 1)
        *out = am_stmt_int64(s, 0);
    am_stmt_reset(s);
    return rc < 0 ? -1 : 0;
}

static int check_options(struct run *r, struct am_err *err)
{
    const struct am_import_options *opt = r->opt;
    if (!opt->source || !*opt->source)
        return AM_FAIL(err, AM_EUSAGE, "a source is required; pass --source NAME");
    if (opt->kind) {
        static const char *const kinds[] = {"ngo", "official", "court", "family", "press",
                                            "other"};
        int ok = 0;
        for (size_t i = 0; i < 6; i++)
            ok |= strcmp(kinds[i], opt->kind) == 0;
        if (!ok)
            return AM_FAIL(err, AM_EUSAGE, "unknown source kind '%s'; use ngo, official, "
                           "court, family, press or other", opt->kind);
    }
    if (opt->as_of) {
        char why[128] = "";
        if (am__date_parse(opt->as_of, AM_DATES_DMY, r->as_of, why, sizeof(why)))
            return AM_FAIL(err, AM_EUSAGE, "--as-of '%s': %s; write YYYY-MM-DD", opt->as_of,
                           why);
    } else {
        am_format_date(am_today(), r->as_of);
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(r->now, sizeof(r->now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

static int open_rejects(struct run *r, struct am_buf *tmp, struct am_err *err)
{
    am_buf_addf(tmp, "%s.tmp", r->opt->rejects_path);
    r->rejects = fopen(tmp->ptr, "wb");
    if (!r->rejects)
        return AM_FAIL_AT(err, AM_EIO, r->opt->rejects_path, 0, 0,
                          "cannot write the rejects file: %s; check the directory",
                          strerror(errno));
    fputs("file,line,column,reason,fields...\n", r->rejects);
    return 0;
}

int am_import_run(struct am_store *store, const struct am_import_options *opt,
                  const char *const *paths, size_t npaths, struct am_import_result *result,
                  struct am_err *err)
{
    memset(result, 0, sizeof(*result));
    /* Every date of every row is checked against today: looked up once. */
    am_today_pin();
    struct run r = {.store = store, .opt = opt, .result = result, .wb_fd = -1};
    am_buf_init(&r.raw);
    am_buf_init(&r.scratch);
    am_buf_init(&r.rejline);
    am_arena_init(&r.arena);
    struct am_buf rejects_tmp;
    am_buf_init(&rejects_tmp);
    int rc = -1, began = 0, fk_off = 0;
    struct am_store_indexes indexes = {0};
    for (int i = 0; i < B__COUNT; i++) {
        r.batch[i].id = i;
        r.batch[i].ncols = batch_sql[i].ncols;
        r.batch[i].cur = chunk_new();
        r.batch[i].cur->id = i;
    }
    if (check_options(&r, err))
        goto done;
    if (npaths == 0) {
        AM_FAIL(err, AM_EUSAGE, "no file to import; name one or more list files");
        goto done;
    }
    r.map = opt->map_path ? am_mapping_load(opt->map_path, err) : am_mapping_new();
    if (!r.map)
        goto done;
    r.catalog = am_catalog_load(err);
    if (!r.catalog)
        goto done;
    if (opt->rejects_path && open_rejects(&r, &rejects_tmp, err))
        goto done;
    /* Bulk-load mode for this connection only: a bigger page cache; foreign keys off
     * because rows are written in batches per table (children may reach the disk before
     * their parents) — integrity holds by construction, record and person ids being
     * assigned here inside an exclusive transaction; CHECK constraints off, because every
     * value the import writes into a checked column comes from the fixed vocabulary of
     * row.c (name order, V/E, F/M, sensitivity, 'import'), and SQLite 3.40 builds a
     * temporary table for each `x IN (...)` check of each row it inserts (a third of the
     * writer's time); and temporary files on disk, so that rebuilding an index sorts in
     * bounded memory. All restored at the end. */
    if (am_store_exec(store, "PRAGMA cache_size = -32768; PRAGMA foreign_keys = OFF;"
                             " PRAGMA ignore_check_constraints = ON;"
                             " PRAGMA temp_store = FILE", err))
        goto done;
    fk_off = 1;
    for (int i = 0; i < ST__COUNT; i++)
        if (!(r.st[i] = am_stmt_prepare(store, sql[i], err)))
            goto done;
    /* About 100 bytes a row: bulk mode when the import at least doubles the registry. */
    int64_t bytes = 0;
    for (size_t i = 0; i < npaths; i++) {
        FILE *f = fopen(paths[i], "rb");
        if (f && fseek(f, 0, SEEK_END) == 0)
            bytes += ftell(f);
        if (f)
            fclose(f);
    }
    if (max_id(r.st[ST_MAX_RECORD], &r.next_record, err))
        goto done;
    int bulk = bytes / 100 >= 20000 && bytes / 100 >= r.next_record;
    if (bulk && rollback_journal(&r, err) < 0)
        goto done;
    if (bulk)
        r.wb_fd = open(am_store_path(store), O_RDONLY | O_CLOEXEC);
    if (am_store_begin(store, err))
        goto done;
    began = 1;
    /* Read again inside the exclusive transaction: these are the ones that count. */
    if (max_id(r.st[ST_MAX_RECORD], &r.next_record, err) ||
        max_id(r.st[ST_MAX_PERSON], &r.next_person, err))
        goto done;
    if (bulk && drop_indexes(store, &indexes, err))
        goto done;
    for (int i = 0; i < B__COUNT; i++)
        if (!(r.batch[i].full = batch_prepare(store, i, BATCH_ROWS, err)))
            goto done;
    r.persons.offset = r.next_person - r.next_record;
    r.persons.now = r.now;
    for (int i = 0; i < P__COUNT; i++)
        if (!(r.persons.st[i] = am_stmt_prepare(store, persons_sql[i], err)))
            goto done;
    pipe_start(&r.pipe, r.batch, &r.persons);
    for (size_t i = 0; i < npaths && !r.fatal; i++)
        if (import_file(&r, paths[i], err))
            goto done;
    if (result->bad_rows && (!opt->rejects_path || r.fatal)) {
        *err = r.first;
        goto done;
    }
    if (am_err_is_set(&r.first) && r.fatal) {
        *err = r.first;
        goto done;
    }
    if (pipe_drain(&r.pipe, err))
        goto done;
    pipe_stop(&r.pipe, 0);
    for (int i = 0; i < B__COUNT; i++)
        if (batch_flush(store, &r.batch[i], &r.persons, err))
            goto done;
    if (am_store_indexes_restore(store, &indexes, err))
        goto done;
    for (int i = 0; i < ST__COUNT; i++) {
        am_stmt_finalize(r.st[i]);
        r.st[i] = NULL;
    }
    for (int i = 0; i < B__COUNT; i++) {
        am_stmt_finalize(r.batch[i].full);
        r.batch[i].full = NULL;
    }
    for (int i = 0; i < P__COUNT; i++) {
        am_stmt_finalize(r.persons.st[i]);
        r.persons.st[i] = NULL;
    }
    if (am_store_commit(store, err))
        goto done;
    began = 0;
    if (r.rejects) {
        int bad = fclose(r.rejects) != 0;
        r.rejects = NULL;
        if (bad || rename(rejects_tmp.ptr, opt->rejects_path) != 0) {
            AM_FAIL_AT(err, AM_EIO, opt->rejects_path, 0, 0,
                       "the import is done but the rejects file could not be written: %s",
                       strerror(errno));
            goto done;
        }
    }
    rc = 0;
done:
    /* Before anything else touches the connection: no writer thread left. */
    pipe_stop(&r.pipe, 1);
    for (int i = 0; i < ST__COUNT; i++)
        am_stmt_finalize(r.st[i]);
    for (int i = 0; i < B__COUNT; i++)
        batch_release(&r.batch[i]);
    for (int i = 0; i < P__COUNT; i++)
        am_stmt_finalize(r.persons.st[i]);
    am_store_indexes_forget(&indexes);
    if (began)
        am_store_rollback(store);
    if (fk_off) {
        struct am_err ignored = AM_ERR_INIT;
        am_store_exec(store, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -2000;"
                             " PRAGMA ignore_check_constraints = OFF;"
                             " PRAGMA temp_store = MEMORY", &ignored);
    }
    if (r.journal_switched) {
        /* Back to WAL: the mode every other command expects. A failure here leaves a
         * valid registry in rollback-journal mode, which the next open switches back. */
        struct am_err ignored = AM_ERR_INIT;
        am_store_exec(store, "PRAGMA journal_mode = WAL", &ignored);
    }
    if (r.rejects) {
        fclose(r.rejects);
        remove(rejects_tmp.ptr);
    }
    if (r.wb_fd >= 0)
        close(r.wb_fd);
    am_buf_release(&rejects_tmp);
    am_mapping_free(r.map);
    am_catalog_free(r.catalog);
    am_buf_release(&r.raw);
    am_buf_release(&r.scratch);
    am_buf_release(&r.rejline);
    am_arena_release(&r.arena);
    am_today_unpin();
    return rc;
}

void am_import_result_release(struct am_import_result *result)
{
    for (size_t i = 0; i < result->files.n; i++) {
        am_free(result->files.v[i].path);
        am_free(result->files.v[i].duplicate_source);
    }
    AM_VEC_FREE(&result->files);
    memset(result, 0, sizeof(*result));
}
