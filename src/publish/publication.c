/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Publishing a list: select persons (a snapshot, a derived status, or a given set such as
 * a law's covered persons), keep only those whose sensitivity is 'public', build each
 * row from the fixed set of published fields, write the canonical list.json and list.csv,
 * the manifest (the log entry), the inclusion proof with the signed checkpoint and the
 * consistency proofs from every earlier checkpoint, in one registry transaction.
 */
#include "canon.h"

#include "amnistia/registry.h"
#include "amnistia/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const am_publish_fields[] = {"person_id",     "name",        "status",
                                         "incommunicado", "arrest_date", "facility",
                                         "state",         "categories",  "charge_classes"};
const size_t am_publish_field_count = sizeof(am_publish_fields) / sizeof(am_publish_fields[0]);

/* Only these columns are ever read for a public row; cédula, birth date, notes and raw
 * rows are never selected, so they cannot leak into a list. */
static const char sql_person[] = "SELECT display_name, sensitivity FROM person WHERE id = ?";
/* Events, categories and charges come from registry/'s facts (derived from the records);
 * the same readings as `amnistia people`: the first arrest, the facility of the latest
 * event that names one; nothing dated after the publication. */
static const char sql_state[] =
    "SELECT r.state FROM record r JOIN record_person rp ON rp.record_id = r.id"
    " WHERE rp.person_id = ? AND r.state IS NOT NULL AND r.state <> '' ORDER BY r.id DESC LIMIT 1";
static const char sql_snapshot_exists[] = "SELECT 1 FROM snapshot WHERE id = ?";
static const char sql_snapshot_persons[] =
    "SELECT DISTINCT rp.person_id FROM record r JOIN record_person rp ON rp.record_id = r.id"
    " WHERE r.snapshot_id = ? ORDER BY rp.person_id";
static const char sql_all_persons[] = "SELECT id FROM person ORDER BY id";
static const char sql_publication[] =
    "INSERT INTO publication (leaf_index, title, at, selection, persons, withheld,"
    " manifest_sha256, list_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

enum { Q_PERSON, Q_STATE, Q_COUNT };

struct reader {
    struct am_store *store;
    struct am_stmt *q[Q_COUNT];
    struct am_facts_reader *facts;
    struct am_facts f; /* the facts of person f_id, when f_id is not 0 */
    int64_t f_id;
    char today[11];
};

static int reader_init(struct reader *r, struct am_store *store, struct am_err *err)
{
    static const char *const sql[Q_COUNT] = {sql_person, sql_state};
    memset(r, 0, sizeof(*r));
    r->store = store;
    am_format_date(am_today(), r->today);
    for (int i = 0; i < Q_COUNT; i++)
        if (!(r->q[i] = am_stmt_prepare(store, sql[i], err)))
            return -1;
    r->facts = am_facts_reader_new(store, err);
    return r->facts ? 0 : -1;
}

static void reader_release(struct reader *r)
{
    for (int i = 0; i < Q_COUNT; i++)
        am_stmt_finalize(r->q[i]);
    am_facts_reader_free(r->facts);
}

/* The facts of person id, read once for the several fields that need them. */
static const struct am_facts *facts_of(struct reader *r, int64_t id, struct am_err *err)
{
    if (r->f_id != id) {
        r->f_id = 0;
        if (am_facts_person(r->facts, id, &r->f, err))
            return NULL;
        r->f_id = id;
    }
    return &r->f;
}

/* Binds the person id to statement q and resets it. */
static struct am_stmt *query(struct reader *r, int q, int64_t id, struct am_err *err)
{
    struct am_stmt *st = r->q[q];
    am_stmt_reset(st);
    if (am_stmt_bind_int64(st, 1, id, err))
        return NULL;
    return st;
}

static int derive_status(struct reader *r, int64_t id, enum am_status *status, int *incomm,
                         struct am_err *err)
{
    const struct am_facts *f = facts_of(r, id, err);
    if (!f)
        return -1;
    struct am_event_fact *facts = am_facts_event_facts(f);
    *status = am_status_derive(facts, f->n_events, r->today, incomm);
    am_free(facts);
    return 0;
}

/* A JSON string, or null for NULL and ""; NULL (an error) when s is not valid UTF-8. */
static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static int bad_text(int64_t id, const char *field, struct am_err *err)
{
    return AM_FAIL(err, AM_EINPUT,
                   "person %lld: the %s is not valid UTF-8; correct it in the registry before "
                   "publishing",
                   (long long)id, field);
}

static int one_text(struct reader *r, int q, int64_t id, const char *field, json_t **out,
                    struct am_err *err)
{
    struct am_stmt *st = query(r, q, id, err);
    int rc = st ? am_stmt_step(st, err) : -1;
    if (rc < 0)
        return -1;
    *out = text_or_null(rc == 1 ? am_stmt_text(st, 0) : NULL);
    return *out ? 0 : bad_text(id, field, err);
}

/* The first arrest and the facility of the latest event that names one (undated events
 * only when no dated one does), nothing after today. */
static void arrest_and_facility(const struct reader *r, const struct am_facts *f,
                                const char **arrest, const char **facility)
{
    *arrest = *facility = NULL;
    const char *undated = NULL;
    for (size_t i = 0; i < f->n_events; i++) {
        const struct am_fact_event *e = &f->events[i];
        if (e->date && strcmp(e->date, r->today) > 0)
            continue;
        if ((e->type == AM_EV_ARREST || e->type == AM_EV_REARREST) && e->date &&
            (!*arrest || strcmp(e->date, *arrest) < 0))
            *arrest = e->date;
        if (e->facility && *e->facility) {
            if (e->date)
                *facility = e->facility;
            else
                undated = e->facility;
        }
    }
    if (!*facility)
        *facility = undated;
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A JSON array of the distinct non-empty texts, in byte order. */
static int text_set(const char **v, size_t n, int64_t id, const char *field, json_t **out,
                    struct am_err *err)
{
    qsort(v, n, sizeof(*v), cmp_text);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!v[i] || !*v[i] || (i && v[i - 1] && strcmp(v[i], v[i - 1]) == 0))
            continue;
        json_t *j = json_string(v[i]);
        if (!j) {
            json_decref(arr);
            return bad_text(id, field, err);
        }
        json_array_append_new(arr, j);
    }
    *out = arr;
    return 0;
}

static int fact_texts(struct reader *r, int64_t id, json_t **cats, json_t **classes,
                      struct am_err *err)
{
    const struct am_facts *f = facts_of(r, id, err);
    if (!f)
        return -1;
    size_t n = f->n_categories > f->n_charges ? f->n_categories : f->n_charges;
    const char **v = am_malloc((n ? n : 1) * sizeof(*v));
    for (size_t i = 0; i < f->n_categories; i++)
        v[i] = f->categories[i].category;
    int rc = text_set(v, f->n_categories, id, "category", cats, err);
    for (size_t i = 0; i < f->n_charges; i++)
        v[i] = f->charges[i].class_name;
    if (rc == 0 && (rc = text_set(v, f->n_charges, id, "charge class", classes, err)))
        json_decref(*cats);
    am_free(v);
    return rc;
}

/*
 * The public row of person id, or *row = NULL when the person is not public. *exists is 0
 * when there is no such person.
 */
static int build_row(struct reader *r, int64_t id, json_t **row, int *exists, struct am_err *err)
{
    *row = NULL;
    struct am_stmt *st = query(r, Q_PERSON, id, err);
    int rc = st ? am_stmt_step(st, err) : -1;
    if (rc < 0)
        return -1;
    *exists = rc == 1;
    if (rc == 0 || strcmp(am_stmt_text(st, 1), "public") != 0)
        return 0;
    json_t *o = json_object();
    json_object_set_new(o, "person_id", json_integer(id));
    json_t *v = json_string(am_stmt_text(st, 0));
    if (!v) {
        json_decref(o);
        return bad_text(id, "name", err);
    }
    json_object_set_new(o, "name", v);
    enum am_status status = AM_STATUS_UNKNOWN;
    int incomm = 0;
    if (derive_status(r, id, &status, &incomm, err))
        goto fail;
    json_object_set_new(o, "status", json_string(am_status_name(status)));
    json_object_set_new(o, "incommunicado", json_boolean(incomm));
    const char *arrest, *facility;
    arrest_and_facility(r, &r->f, &arrest, &facility);
    if (!(v = text_or_null(arrest))) {
        bad_text(id, "arrest date", err);
        goto fail;
    }
    json_object_set_new(o, "arrest_date", v);
    if (!(v = text_or_null(facility))) {
        bad_text(id, "facility", err);
        goto fail;
    }
    json_object_set_new(o, "facility", v);
    if (one_text(r, Q_STATE, id, "state", &v, err))
        goto fail;
    json_object_set_new(o, "state", v);
    json_t *classes;
    if (fact_texts(r, id, &v, &classes, err))
        goto fail;
    json_object_set_new(o, "categories", v);
    json_object_set_new(o, "charge_classes", classes);
    *row = o;
    return 0;
fail:
    json_decref(o);
    return -1;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

typedef AM_VEC(int64_t) id_vec;

static int ids_from(struct am_store *store, const char *sql, int64_t bind, int has_bind,
                    id_vec *ids, struct am_err *err)
{
    struct am_stmt *st = am_stmt_prepare(store, sql, err);
    if (!st || (has_bind && am_stmt_bind_int64(st, 1, bind, err))) {
        am_stmt_finalize(st);
        return -1;
    }
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1)
        AM_VEC_PUSH(ids, am_stmt_int64(st, 0));
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* Selected person ids, ascending and unique, and the selection as the manifest says it. */
static int select_ids(struct am_store *store, struct reader *r, const struct am_publish_options *o,
                      id_vec *ids, json_t **selection, struct am_err *err)
{
    json_t *sel = json_object();
    *selection = sel;
    switch (o->kind) {
    case AM_PUBLISH_SNAPSHOT: {
        id_vec one = {0};
        if (ids_from(store, sql_snapshot_exists, o->snapshot_id, 1, &one, err))
            return -1;
        size_t found = one.n;
        AM_VEC_FREE(&one);
        if (!found)
            return AM_FAIL(err, AM_ENOTFOUND,
                           "there is no snapshot %lld; see `amnistia snapshots` for their ids",
                           (long long)o->snapshot_id);
        json_object_set_new(sel, "kind", json_string("snapshot"));
        json_object_set_new(sel, "snapshot", json_integer(o->snapshot_id));
        return ids_from(store, sql_snapshot_persons, o->snapshot_id, 1, ids, err);
    }
    case AM_PUBLISH_STATUS: {
        int want = am_status_from_name(o->status);
        if (want < 0)
            return AM_FAIL(err, AM_EINPUT,
                           "'%s' is not a status; use one of detained, disappeared, "
                           "house_arrest, released_with_measures, released, exiled, in_hiding, "
                           "deceased, unknown",
                           o->status ? o->status : "");
        json_object_set_new(sel, "kind", json_string("status"));
        json_object_set_new(sel, "status", json_string(o->status));
        id_vec all = {0};
        if (ids_from(store, sql_all_persons, 0, 0, &all, err)) {
            AM_VEC_FREE(&all);
            return -1;
        }
        for (size_t i = 0; i < all.n; i++) {
            enum am_status s;
            int inc;
            if (derive_status(r, all.v[i], &s, &inc, err)) {
                AM_VEC_FREE(&all);
                return -1;
            }
            if ((int)s == want)
                AM_VEC_PUSH(ids, all.v[i]);
        }
        AM_VEC_FREE(&all);
        return 0;
    }
    case AM_PUBLISH_PERSONS:
        json_object_set_new(sel, "kind", json_string("persons"));
        json_object_set_new(sel, "label",
                            json_string(o->selection_label ? o->selection_label : "persons"));
        for (size_t i = 0; i < o->n_person_ids; i++)
            AM_VEC_PUSH(ids, o->person_ids[i]);
        if (ids->n)
            qsort(ids->v, ids->n, sizeof(int64_t), cmp_id);
        size_t k = 0;
        for (size_t i = 0; i < ids->n; i++)
            if (k == 0 || ids->v[k - 1] != ids->v[i])
                ids->v[k++] = ids->v[i];
        ids->n = k;
        return 0;
    }
    return AM_FAIL(err, AM_EINTERNAL, "unknown selection kind");
}

/* ---- files --------------------------------------------------------------------------- */

static int write_file(const char *dir, const char *name, const void *data, size_t len, int mode,
                      struct am_err *err)
{
    char path[PATH_MAX];
    if (dir)
        snprintf(path, sizeof(path), "%s/%s", dir, name);
    else
        snprintf(path, sizeof(path), "%s", name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0)
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot create: %s; check the directory",
                          strerror(errno));
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0)
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    return 0;
}

/* Removes dir and the files (one level of subdirectories) inside it. */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[PATH_MAX];
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            if (unlink(path) != 0)
                remove_tree(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* 1 when dir does not exist or is an empty directory. */
static int dir_free(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty;
}

/* The absolute form of path whose last component may not exist yet. */
static int absolute(const char *path, char out[PATH_MAX])
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof(copy), "%s", path);
    size_t n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/')
        copy[--n] = '\0';
    char *slash = strrchr(copy, '/');
    const char *base = slash ? slash + 1 : copy;
    char parent[PATH_MAX];
    if (!slash)
        snprintf(parent, sizeof(parent), ".");
    else if (slash == copy)
        snprintf(parent, sizeof(parent), "/");
    else
        snprintf(parent, sizeof(parent), "%.*s", (int)(slash - copy), copy);
    char real[PATH_MAX];
    if (!realpath(parent, real))
        return -1;
    int w = snprintf(out, PATH_MAX, "%s/%s", strcmp(real, "/") ? real : "", base);
    return w < 0 || w >= PATH_MAX ? -1 : 0;
}

static void hex_sha256(const void *data, size_t len, char out[65])
{
    uint8_t h[AM_SHA256_LEN];
    am_sha256(data, len, h);
    am_hex(h, AM_SHA256_LEN, out);
}

/* ---- publishing ------------------------------------------------------------------------ */

struct lists {
    json_t *rows;
    json_t *fields;
    struct am_buf json, csv, salts;
    json_t *counts;
};

/* Creates the salts file's directory, private (0700), when it does not exist yet. */
static void ensure_private_dir(const char *file)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", file);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = '\0';
    mkdir(dir, 0700); /* EEXIST is fine; other failures show when the file is created */
}

static int check_options(const struct am_publish_options *o, struct am_err *err)
{
    if (!o->title || !*o->title)
        return AM_FAIL(err, AM_EUSAGE, "a publication needs a title (--title)");
    if (!o->out_dir || !*o->out_dir)
        return AM_FAIL(err, AM_EUSAGE, "a publication needs an output directory (--out)");
    if (!o->signer)
        return AM_FAIL(err, AM_EUSAGE, "a publication needs a signing key (--key)");
    if (o->row_commitments && (!o->salts_path || !*o->salts_path))
        return AM_FAIL(err, AM_EUSAGE, "row commitments need a private file for the salts");
    if (!dir_free(o->out_dir))
        return AM_FAIL_AT(err, AM_EINPUT, o->out_dir, 0, 0,
                          "the output directory exists and is not empty; publish into a new "
                          "directory so that no old file is mistaken for part of this list");
    if (o->row_commitments) {
        char out_abs[PATH_MAX], salts_abs[PATH_MAX];
        ensure_private_dir(o->salts_path);
        if (absolute(o->out_dir, out_abs) || absolute(o->salts_path, salts_abs))
            return AM_FAIL_AT(err, AM_EINPUT, o->salts_path, 0, 0,
                              "cannot resolve the directories of the output or the salts file; "
                              "create the salts file's directory first");
        size_t n = strlen(out_abs);
        if (strncmp(salts_abs, out_abs, n) == 0 && salts_abs[n] == '/')
            return AM_FAIL_AT(err, AM_EINPUT, o->salts_path, 0, 0,
                              "the salts file must not be inside the published directory; keep "
                              "it in a private directory");
        if (access(o->salts_path, F_OK) == 0)
            return AM_FAIL_AT(err, AM_EINPUT, o->salts_path, 0, 0,
                              "the salts file already exists; choose a new name");
    }
    return 0;
}

static int build_lists(struct am_store *store, const struct am_publish_options *o, struct lists *l,
                       json_t **selection, size_t *withheld, struct am_err *err)
{
    struct reader r;
    id_vec ids = {0};
    int rc = reader_init(&r, store, err);
    if (rc == 0)
        rc = select_ids(store, &r, o, &ids, selection, err);
    l->rows = json_array();
    l->fields = json_array();
    for (size_t f = 0; f < am_publish_field_count; f++)
        json_array_append_new(l->fields, json_string(am_publish_fields[f]));
    if (o->row_commitments)
        json_array_append_new(l->fields, json_string("commitment"));
    json_t *by_status = json_object();
    *withheld = 0;
    if (o->row_commitments)
        am_buf_adds(&l->salts, "person_id,salt,commitment\n");
    for (size_t i = 0; rc == 0 && i < ids.n; i++) {
        json_t *row;
        int exists;
        rc = build_row(&r, ids.v[i], &row, &exists, err);
        if (rc)
            break;
        if (!exists) {
            rc = AM_FAIL(err, AM_ENOTFOUND, "there is no person %lld in the registry",
                         (long long)ids.v[i]);
            break;
        }
        if (!row) {
            (*withheld)++;
            continue;
        }
        const char *st = json_string_value(json_object_get(row, "status"));
        json_object_set_new(by_status, st,
                            json_integer(json_integer_value(json_object_get(by_status, st)) + 1));
        if (o->row_commitments) {
            /* SHA-256(salt || canonical row without the commitment). */
            uint8_t salt[32], c[AM_SHA256_LEN];
            randombytes_buf(salt, sizeof(salt));
            struct am_buf canon;
            am_buf_init(&canon);
            am__canon_json(row, &canon);
            struct am_sha256_ctx ctx;
            am_sha256_init(&ctx);
            am_sha256_update(&ctx, salt, sizeof(salt));
            am_sha256_update(&ctx, canon.ptr, canon.len);
            am_sha256_final(&ctx, c);
            char salt_hex[65], c_hex[65];
            am_hex(salt, sizeof(salt), salt_hex);
            am_hex(c, sizeof(c), c_hex);
            json_object_set_new(row, "commitment", json_string(c_hex));
            am_buf_addf(&l->salts, "%lld,%s,%s\n", (long long)ids.v[i], salt_hex, c_hex);
            sodium_memzero(salt, sizeof(salt));
            am_buf_release(&canon);
        }
        json_array_append_new(l->rows, row);
    }
    if (rc == 0) {
        json_t *doc = json_object();
        json_object_set(doc, "fields", l->fields);
        json_object_set_new(doc, "format", json_string("amnistia-list/1"));
        json_object_set(doc, "rows", l->rows);
        am__canon_json(doc, &l->json);
        json_decref(doc);
        am__canon_csv(l->fields, l->rows, &l->csv);
        l->counts = json_object();
        json_object_set_new(l->counts, "persons",
                            json_integer((json_int_t)json_array_size(l->rows)));
        json_object_set_new(l->counts, "by_status", by_status);
    } else {
        json_decref(by_status);
    }
    AM_VEC_FREE(&ids);
    reader_release(&r);
    return rc;
}

static void lists_release(struct lists *l)
{
    json_decref(l->rows);
    json_decref(l->fields);
    json_decref(l->counts);
    am_buf_release(&l->json);
    am_buf_release(&l->csv);
    sodium_memzero(l->salts.ptr, l->salts.len);
    am_buf_release(&l->salts);
}

static void consistency_file(uint64_t old_size, uint64_t new_size, const struct am_hash *proof,
                             size_t n, struct am_buf *out)
{
    am_buf_addf(out, "amnistia/tlog-consistency@v1\nold %llu\nnew %llu\n",
                (unsigned long long)old_size, (unsigned long long)new_size);
    for (size_t i = 0; i < n; i++) {
        am_base64_encode(proof[i].b, AM_HASH_LEN, out);
        am_buf_addc(out, '\n');
    }
}

/* Appends to the log, signs, records the publication and writes every file into tmp. */
static int commit_publication(struct am_store *store, const struct am_publish_options *o,
                              struct lists *l, const char *manifest, size_t manifest_len,
                              const char *selection_text, size_t withheld, const char *date,
                              const char *tmp, struct am_publish_result *res, struct am_err *err)
{
    struct am_log *log = am_log_open(store, err);
    if (!log)
        return -1;
    uint64_t index, *sizes = NULL;
    size_t nsizes = 0;
    struct am_buf note, proof_text, cfile;
    am_buf_init(&note);
    am_buf_init(&proof_text);
    am_buf_init(&cfile);
    struct am_hash proof[AM_PROOF_MAX];
    size_t n;
    int rc = am__log_checkpoint_sizes(log, &sizes, &nsizes, err);
    if (rc == 0)
        rc = am_log_append(log, manifest, manifest_len, o->title, date, &index, err);
    if (rc == 0)
        rc = am_log_checkpoint(log, o->signer, date, &note, err);
    uint64_t size = am_log_size(log);
    if (rc == 0)
        rc = am_tree_inclusion_proof(am_log_tree(log), index, size, proof, &n, err);
    if (rc == 0) {
        am_tlog_proof_format(index, proof, n, note.ptr, note.len, &proof_text);
        if (mkdir(tmp, 0755) != 0)
            rc = AM_FAIL_AT(err, AM_EIO, tmp, 0, 0, "cannot create the directory: %s",
                            strerror(errno));
    }
    if (rc == 0)
        rc = write_file(tmp, "list.json", l->json.ptr, l->json.len, 0644, err) ||
                     write_file(tmp, "list.csv", l->csv.ptr, l->csv.len, 0644, err) ||
                     write_file(tmp, "manifest.json", manifest, manifest_len, 0644, err) ||
                     write_file(tmp, "proof.tlog-proof", proof_text.ptr, proof_text.len, 0644,
                                err) ||
                     write_file(tmp, "checkpoint.note", note.ptr, note.len, 0644, err)
                 ? -1
                 : 0;
    if (rc == 0 && nsizes > 0) {
        char cdir[PATH_MAX];
        int w = snprintf(cdir, sizeof(cdir), "%s/consistency", tmp);
        if (w < 0 || (size_t)w >= sizeof(cdir))
            rc = AM_FAIL_AT(err, AM_EINPUT, tmp, 0, 0, "the path is too long");
        else if (mkdir(cdir, 0755) != 0)
            rc = AM_FAIL_AT(err, AM_EIO, cdir, 0, 0, "cannot create the directory: %s",
                            strerror(errno));
        for (size_t i = 0; rc == 0 && i < nsizes; i++) {
            rc = am_tree_consistency_proof(am_log_tree(log), sizes[i], size, proof, &n, err);
            if (rc)
                break;
            am_buf_reset(&cfile);
            consistency_file(sizes[i], size, proof, n, &cfile);
            char name[64];
            snprintf(name, sizeof(name), "%llu.proof", (unsigned long long)sizes[i]);
            rc = write_file(cdir, name, cfile.ptr, cfile.len, 0644, err);
        }
    }
    char manifest_sha[65];
    hex_sha256(manifest, manifest_len, manifest_sha);
    if (rc == 0) {
        struct am_stmt *st = am_stmt_prepare(store, sql_publication, err);
        rc = !st || am_stmt_bind_int64(st, 1, (int64_t)index, err) ||
                     am_stmt_bind_text(st, 2, o->title, err) ||
                     am_stmt_bind_text(st, 3, date, err) ||
                     am_stmt_bind_text(st, 4, selection_text, err) ||
                     am_stmt_bind_int64(st, 5, (int64_t)json_array_size(l->rows), err) ||
                     am_stmt_bind_int64(st, 6, (int64_t)withheld, err) ||
                     am_stmt_bind_text(st, 7, manifest_sha, err) ||
                     am_stmt_bind_text(st, 8, l->json.ptr, err) || am_stmt_step(st, err) < 0
                 ? -1
                 : 0;
        am_stmt_finalize(st);
    }
    if (rc == 0) {
        res->index = index;
        res->tree_size = size;
        res->published = json_array_size(l->rows);
        res->withheld = withheld;
        memcpy(res->manifest_sha256, manifest_sha, 65);
    }
    am_free(sizes);
    am_buf_release(&note);
    am_buf_release(&proof_text);
    am_buf_release(&cfile);
    am_log_close(log);
    return rc;
}

int am_publish(struct am_store *store, const struct am_publish_options *o,
               struct am_publish_result *res, struct am_err *err)
{
    memset(res, 0, sizeof(*res));
    if (check_options(o, err))
        return -1;
    if (sodium_init() < 0)
        return AM_FAIL(err, AM_EINTERNAL, "libsodium cannot start");
    struct lists l = {0};
    am_buf_init(&l.json);
    am_buf_init(&l.csv);
    am_buf_init(&l.salts);
    json_t *selection = NULL;
    size_t withheld = 0;
    char date[11];
    am_format_date(am_today(), date);
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s.tmp-%d", o->out_dir, (int)getpid());
    struct am_buf manifest, selection_text;
    am_buf_init(&manifest);
    am_buf_init(&selection_text);
    int began = 0, salts_written = 0, dir_made = 0, renamed = 0;
    int rc = am_store_begin(store, err);
    began = rc == 0;
    if (rc == 0)
        rc = build_lists(store, o, &l, &selection, &withheld, err);
    if (rc == 0) {
        char json_sha[65], csv_sha[65];
        hex_sha256(l.json.ptr, l.json.len, json_sha);
        hex_sha256(l.csv.ptr, l.csv.len, csv_sha);
        json_t *m = json_object();
        json_object_set_new(m, "format", json_string("amnistia-manifest/1"));
        json_object_set_new(m, "title", json_string(o->title));
        json_object_set_new(m, "date", json_string(date));
        json_object_set_new(m, "log_origin", json_string(o->signer->name));
        json_object_set(m, "selection", selection);
        json_object_set(m, "counts", l.counts);
        json_object_set(m, "fields", l.fields);
        json_object_set_new(m, "row_commitments", json_boolean(o->row_commitments));
        json_t *files = json_object();
        json_object_set_new(files, "list.json", json_string(json_sha));
        json_object_set_new(files, "list.csv", json_string(csv_sha));
        json_object_set_new(m, "files", files);
        if (!json_is_string(json_object_get(m, "title")))
            rc = AM_FAIL(err, AM_EINPUT, "the title is not valid UTF-8; retype it");
        else
            am__canon_json(m, &manifest);
        am__canon_json(selection, &selection_text);
        json_decref(m);
    }
    if (rc == 0 && o->row_commitments) {
        rc = write_file(NULL, o->salts_path, l.salts.ptr, l.salts.len, 0600, err);
        salts_written = rc == 0;
    }
    if (rc == 0) {
        rc = commit_publication(store, o, &l, manifest.ptr, manifest.len, selection_text.ptr,
                                withheld, date, tmp, res, err);
        dir_made = 1;
    }
    if (rc == 0) {
        rmdir(o->out_dir); /* empty or absent, checked above */
        if (rename(tmp, o->out_dir) != 0)
            rc = AM_FAIL_AT(err, AM_EIO, o->out_dir, 0, 0, "cannot move the publication here: %s",
                            strerror(errno));
        else
            renamed = 1;
    }
    if (rc == 0)
        rc = am_store_commit(store, err);
    if (rc != 0) {
        if (began)
            am_store_rollback(store);
        if (dir_made) {
            remove_tree(tmp);
            if (renamed)
                remove_tree(o->out_dir);
        }
        if (salts_written)
            unlink(o->salts_path);
        memset(res, 0, sizeof(*res));
    }
    json_decref(selection);
    lists_release(&l);
    am_buf_release(&manifest);
    am_buf_release(&selection_text);
    return rc;
}

/* ---- listing --------------------------------------------------------------------------- */

int am_publication_list(struct am_store *store, am_publication_cb cb, void *ctx, struct am_err *err)
{
    /* Opening the log re-checks every entry against its hash and the signed root. */
    struct am_log *log = am_log_open(store, err);
    if (!log)
        return -1;
    am_log_close(log);
    struct am_stmt *st = am_stmt_prepare(
        store,
        "SELECT leaf_index, at, title, selection, persons, manifest_sha256 FROM publication"
        " ORDER BY leaf_index",
        err);
    if (!st)
        return -1;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        struct am_publication_row row = {(uint64_t)am_stmt_int64(st, 0),
                                         am_stmt_text(st, 1),
                                         am_stmt_text(st, 2),
                                         am_stmt_text(st, 3),
                                         am_stmt_int64(st, 4),
                                         am_stmt_text(st, 5)};
        if (cb(&row, ctx) != 0)
            break;
    }
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}

int am_publication_list_json(struct am_store *store, uint64_t index, struct am_buf *out,
                             struct am_err *err)
{
    struct am_stmt *st =
        am_stmt_prepare(store, "SELECT list_json FROM publication WHERE leaf_index = ?", err);
    if (!st || am_stmt_bind_int64(st, 1, (int64_t)index, err)) {
        am_stmt_finalize(st);
        return -1;
    }
    int rc = am_stmt_step(st, err);
    if (rc == 1)
        am_buf_adds(out, am_stmt_text(st, 0));
    else if (rc == 0)
        rc = AM_FAIL(err, AM_ENOTFOUND,
                     "there is no publication %llu; see `amnistia log` for their numbers",
                     (unsigned long long)index);
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}
