/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Verifying a publication from its files alone, and comparing two published lists. Each
 * check is recorded in plain words whether it holds or not, so a reader sees everything
 * that was checked, not only the first failure. No registry is opened here.
 */
#include "canon.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void check(struct am_verify_report *rep, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void check(struct am_verify_report *rep, int ok, const char *fmt, ...)
{
    struct am_buf b;
    am_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    am_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    struct am_check c = {ok, am_buf_detach(&b)};
    AM_VEC_PUSH(&rep->checks, c);
    if (!ok)
        rep->failed++;
}

void am_verify_report_release(struct am_verify_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->checks.n; i++)
        am_free(rep->checks.v[i].what);
    AM_VEC_FREE(&rep->checks);
    am_free(rep->origin);
    memset(rep, 0, sizeof(*rep));
}

/* Reads DIR/NAME; on failure records a failed check and returns -1. */
static int read_in(const char *dir, const char *name, struct am_buf *out,
                   struct am_verify_report *rep)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct am_err err = AM_ERR_INIT;
    am_buf_reset(out);
    if (am_buf_read_file(out, path, &err) != 0) {
        check(rep, 0, "%s cannot be read (%s): the publication is incomplete", name,
              strerror(errno));
        return -1;
    }
    return 0;
}

/* Opens a signed checkpoint note with key and parses its text. */
static int open_checkpoint(const char *note, size_t len, const char *path,
                           const struct am_note_verifier *key, struct am_checkpoint *cp,
                           struct am_err *err)
{
    struct am_note n;
    if (am_note_open(note, len, key, 1, path, &n, err))
        return -1;
    int rc = am_checkpoint_parse(n.text, n.text_len, path, cp, err);
    am_note_release(&n);
    return rc;
}

static void root_b64(const struct am_hash *h, char out[64])
{
    struct am_buf b;
    am_buf_init(&b);
    am_base64_encode(h->b, AM_HASH_LEN, &b);
    snprintf(out, 64, "%s", b.ptr);
    am_buf_release(&b);
}

/* Loads the older checkpoint a reader kept: a note, a .tlog-proof or a publication dir. */
static int load_since(const char *since, struct am_buf *note, struct am_err *err)
{
    struct stat st;
    char path[PATH_MAX];
    if (stat(since, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(path, sizeof(path), "%s/checkpoint.note", since);
    else
        snprintf(path, sizeof(path), "%s", since);
    struct am_buf raw;
    am_buf_init(&raw);
    if (am_buf_read_file(&raw, path, err)) {
        am_buf_release(&raw);
        return -1;
    }
    int rc = 0;
    if (strncmp(raw.ptr, "c2sp.org/tlog-proof@v1\n", 23) == 0) {
        struct am_tlog_proof p;
        rc = am_tlog_proof_parse(raw.ptr, raw.len, path, &p, err);
        if (rc == 0)
            am_buf_add(note, p.checkpoint, p.checkpoint_len);
        am_tlog_proof_release(&p);
    } else {
        am_buf_add(note, raw.ptr, raw.len);
    }
    am_buf_release(&raw);
    return rc;
}

/* Parses DIR/consistency/OLD.proof. */
static int parse_consistency(const char *text, size_t len, uint64_t *old_size, uint64_t *new_size,
                             struct am_hash *proof, size_t *n)
{
    char *copy = am_strndup(text, len), *save = NULL;
    int rc = -1, line = 0;
    *n = 0;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save), line++) {
        char *end;
        if (line == 0) {
            if (strcmp(l, "amnistia/tlog-consistency@v1") != 0)
                break;
        } else if (line == 1) {
            if (strncmp(l, "old ", 4) != 0)
                break;
            errno = 0;
            *old_size = strtoull(l + 4, &end, 10);
            if (errno || *end)
                break;
        } else if (line == 2) {
            if (strncmp(l, "new ", 4) != 0)
                break;
            errno = 0;
            *new_size = strtoull(l + 4, &end, 10);
            if (errno || *end)
                break;
            rc = 0;
        } else {
            struct am_buf raw;
            am_buf_init(&raw);
            struct am_err e = AM_ERR_INIT;
            int bad = am_base64_decode(l, strlen(l), &raw, &e) || raw.len != AM_HASH_LEN ||
                      *n >= AM_PROOF_MAX;
            if (!bad)
                memcpy(proof[(*n)++].b, raw.ptr, AM_HASH_LEN);
            am_buf_release(&raw);
            if (bad) {
                rc = -1;
                break;
            }
        }
    }
    am_free(copy);
    return rc;
}

static int str_is(json_t *v, const char *s)
{
    return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

static json_t *parse_json(const char *text, size_t len)
{
    json_error_t jerr;
    return json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
}

static int is_canonical(const json_t *v, const struct am_buf *bytes)
{
    struct am_buf c;
    am_buf_init(&c);
    int ok =
        am__canon_json(v, &c) == 0 && c.len == bytes->len && memcmp(c.ptr, bytes->ptr, c.len) == 0;
    am_buf_release(&c);
    return ok;
}

static int field_allowed(const char *name)
{
    if (strcmp(name, "commitment") == 0)
        return 1;
    for (size_t i = 0; i < am_publish_field_count; i++)
        if (strcmp(am_publish_fields[i], name) == 0)
            return 1;
    return 0;
}

static void check_file_hash(const char *dir, const char *name, json_t *files,
                            struct am_verify_report *rep, struct am_buf *bytes)
{
    const char *want = json_string_value(json_object_get(files, name));
    if (read_in(dir, name, bytes, rep))
        return;
    uint8_t h[AM_SHA256_LEN];
    char got[65];
    am_sha256(bytes->ptr, bytes->len, h);
    am_hex(h, AM_SHA256_LEN, got);
    if (!want)
        check(rep, 0, "the manifest records no SHA-256 for %s", name);
    else if (strcmp(want, got) == 0)
        check(rep, 1, "%s has the SHA-256 the signed manifest records (%.16s...)", name, got);
    else
        check(rep, 0,
              "%s was changed after it was signed: its SHA-256 is %.16s..., the manifest "
              "records %.16s...",
              name, got, want);
}

/* The list's own form: canonical, only published fields, sorted, counts as the manifest. */
static void check_list(json_t *manifest, const struct am_buf *list_json,
                       const struct am_buf *list_csv, int have_csv, struct am_verify_report *rep)
{
    json_t *list = parse_json(list_json->ptr, list_json->len);
    if (!list) {
        check(rep, 0, "list.json is not valid JSON");
        return;
    }
    json_t *fields = json_object_get(list, "fields"), *rows = json_object_get(list, "rows");
    if (!json_is_array(fields) || !json_is_array(rows) ||
        !str_is(json_object_get(list, "format"), "amnistia-list/1")) {
        check(rep, 0, "list.json is not an amnistia list (format, fields, rows)");
        json_decref(list);
        return;
    }
    if (is_canonical(list, list_json))
        check(rep, 1, "list.json is in canonical form");
    else
        check(rep, 0,
              "list.json is not in canonical form (sorted keys, no spaces): it was "
              "edited by hand");
    int fields_ok = json_equal(fields, json_object_get(manifest, "fields"));
    for (size_t i = 0; i < json_array_size(fields); i++) {
        const char *f = json_string_value(json_array_get(fields, i));
        if (!f || !field_allowed(f))
            fields_ok = 0;
    }
    if (fields_ok)
        check(rep, 1, "list.json holds only the published fields the manifest names");
    else
        check(rep, 0,
              "list.json names fields outside the published set or other than the "
              "manifest's");
    json_int_t prev = 0;
    size_t bad_order = 0, bad_row = 0;
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i);
        json_t *id = json_object_get(row, "person_id");
        if (!json_is_object(row) || !json_is_integer(id) ||
            json_object_size(row) != json_array_size(fields)) {
            bad_row++;
            continue;
        }
        const char *k;
        json_t *v;
        json_object_foreach(row, k, v) if (!field_allowed(k)) bad_row++;
        if (i > 0 && json_integer_value(id) <= prev && !bad_order)
            bad_order = i + 1;
        prev = json_integer_value(id);
    }
    if (bad_row == 0)
        check(rep, 1, "every row has exactly the published fields");
    else
        check(rep, 0, "%zu rows have fields outside the published set or miss some", bad_row);
    if (bad_order)
        check(rep, 0,
              "row %zu of list.json is out of order: rows must be sorted by person id with "
              "none repeated (rows were moved or duplicated)",
              bad_order);
    else
        check(rep, 1, "rows are sorted by person id, none repeated");
    json_t *counts = json_object_get(manifest, "counts");
    json_t *by_status = json_object(), *want_by_status = json_object_get(counts, "by_status");
    for (size_t i = 0; i < json_array_size(rows); i++) {
        const char *st = json_string_value(json_object_get(json_array_get(rows, i), "status"));
        if (st)
            json_object_set_new(
                by_status, st,
                json_integer(json_integer_value(json_object_get(by_status, st)) + 1));
    }
    if (json_equal(by_status, want_by_status))
        check(rep, 1, "the persons by status are as the manifest counts them");
    else
        check(rep, 0, "the persons by status in list.json differ from the manifest's counts");
    json_decref(by_status);
    json_int_t want = json_integer_value(json_object_get(counts, "persons"));
    if ((json_int_t)json_array_size(rows) == want)
        check(rep, 1, "list.json has %lld persons, as the manifest says", (long long)want);
    else
        check(rep, 0,
              "list.json has %zu persons but the signed manifest says %lld: rows were "
              "added or dropped",
              json_array_size(rows), (long long)want);
    if (have_csv) {
        struct am_buf csv;
        am_buf_init(&csv);
        am__canon_csv(fields, rows, &csv);
        int same = csv.len == list_csv->len && memcmp(csv.ptr, list_csv->ptr, csv.len) == 0;
        if (same)
            check(rep, 1, "list.csv says exactly what list.json says");
        else
            check(rep, 0, "list.csv differs from list.json: one of them was changed");
        am_buf_release(&csv);
    }
    json_decref(list);
}

static void check_since(const char *dir, const char *since, const struct am_note_verifier *key,
                        const struct am_checkpoint *cp, struct am_verify_report *rep)
{
    struct am_buf note, text;
    am_buf_init(&note);
    am_buf_init(&text);
    struct am_err err = AM_ERR_INIT;
    struct am_checkpoint old = {0};
    if (load_since(since, &note, &err) ||
        open_checkpoint(note.ptr, note.len, since, key, &old, &err)) {
        check(rep, 0, "the older checkpoint %s cannot be used: %s", since, err.msg);
        goto done;
    }
    check(rep, 1, "the older checkpoint (%llu entries) is signed by %s",
          (unsigned long long)old.size, key->name);
    if (strcmp(old.origin, cp->origin) != 0) {
        check(rep, 0, "the older checkpoint is of another log (%s, not %s)", old.origin,
              cp->origin);
        goto done;
    }
    if (old.size > cp->size) {
        check(rep, 0,
              "the older checkpoint has %llu entries, more than this one (%llu): this "
              "publication is not newer, or the log was cut back",
              (unsigned long long)old.size, (unsigned long long)cp->size);
        goto done;
    }
    if (old.size == cp->size) {
        if (memcmp(old.root.b, cp->root.b, AM_HASH_LEN) == 0)
            check(rep, 1, "the older checkpoint is this very checkpoint");
        else
            check(rep, 0,
                  "two checkpoints of %llu entries with different roots: the publisher forked "
                  "the log (signed two different histories)",
                  (unsigned long long)old.size);
        goto done;
    }
    char name[64];
    snprintf(name, sizeof(name), "consistency/%llu.proof", (unsigned long long)old.size);
    if (read_in(dir, name, &text, rep))
        goto done;
    uint64_t s1 = 0, s2 = 0;
    struct am_hash proof[AM_PROOF_MAX];
    size_t n;
    if (parse_consistency(text.ptr, text.len, &s1, &s2, proof, &n) || s1 != old.size ||
        s2 != cp->size) {
        check(rep, 0, "%s is not a consistency proof from %llu to %llu entries", name,
              (unsigned long long)old.size, (unsigned long long)cp->size);
        goto done;
    }
    if (am_merkle_verify_consistency(old.size, cp->size, old.root.b, AM_HASH_LEN, cp->root.b,
                                     AM_HASH_LEN, proof, n, &err) == 0)
        check(rep, 1,
              "the log only grew since the older checkpoint: its %llu entries are unchanged "
              "at the start of these %llu (consistency proof holds)",
              (unsigned long long)old.size, (unsigned long long)cp->size);
    else
        check(rep, 0, "the log did not only grow since the older checkpoint: %s", err.msg);
done:
    am_checkpoint_release(&old);
    am_buf_release(&note);
    am_buf_release(&text);
}

/* The person's row, with their salt, gives the published commitment. */
static void check_row(const struct am_buf *list_json, const struct am_row_claim *claim,
                      struct am_verify_report *rep)
{
    uint8_t salt[32];
    size_t n = strlen(claim->salt_hex);
    int ok = n == 64;
    for (size_t i = 0; ok && i < 32; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = claim->salt_hex[2 * i + (size_t)k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                ok = 0;
            v = v << 4 | (unsigned)(d & 15);
        }
        salt[i] = (uint8_t)v;
    }
    if (!ok) {
        check(rep, 0, "the salt must be 64 lowercase hex digits, as the publisher gave it");
        return;
    }
    json_t *list = parse_json(list_json->ptr, list_json->len);
    json_t *rows = json_object_get(list, "rows"), *row = NULL;
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *id = json_object_get(json_array_get(rows, i), "person_id");
        if (json_is_integer(id) && json_integer_value(id) == claim->person_id)
            row = json_array_get(rows, i);
    }
    const char *published = json_string_value(json_object_get(row, "commitment"));
    if (!row) {
        check(rep, 0, "person %lld is not in this list", (long long)claim->person_id);
    } else if (!published) {
        check(rep, 0, "this list was published without row commitments");
    } else {
        json_t *bare = json_deep_copy(row);
        json_object_del(bare, "commitment");
        struct am_buf canon;
        am_buf_init(&canon);
        am__canon_json(bare, &canon);
        struct am_sha256_ctx ctx;
        uint8_t h[AM_SHA256_LEN];
        char hex[65];
        am_sha256_init(&ctx);
        am_sha256_update(&ctx, salt, sizeof(salt));
        am_sha256_update(&ctx, canon.ptr, canon.len);
        am_sha256_final(&ctx, h);
        am_hex(h, AM_SHA256_LEN, hex);
        if (strcmp(hex, published) == 0)
            check(rep, 1, "the row of person %lld matches its commitment with this salt",
                  (long long)claim->person_id);
        else
            check(rep, 0,
                  "the row of person %lld does not match its commitment with this salt: the "
                  "salt is not theirs, or the row was changed",
                  (long long)claim->person_id);
        am_buf_release(&canon);
        json_decref(bare);
    }
    json_decref(list);
}

int am_publication_verify(const char *dir, const struct am_note_verifier *key,
                          const char *since_path, const struct am_row_claim *row,
                          struct am_verify_report *rep, struct am_err *err)
{
    memset(rep, 0, sizeof(*rep));
    struct am_buf proof_text, manifest_bytes, list_json, list_csv;
    am_buf_init(&proof_text);
    am_buf_init(&manifest_bytes);
    am_buf_init(&list_json);
    am_buf_init(&list_csv);
    struct am_tlog_proof proof = {0};
    am_buf_init(&proof.extra);
    struct am_checkpoint cp = {0};
    json_t *manifest = NULL;
    struct am_err e = AM_ERR_INIT;
    char ppath[PATH_MAX];
    snprintf(ppath, sizeof(ppath), "%s/proof.tlog-proof", dir);

    if (read_in(dir, "proof.tlog-proof", &proof_text, rep))
        goto done;
    if (am_tlog_proof_parse(proof_text.ptr, proof_text.len, ppath, &proof, &e)) {
        check(rep, 0, "proof.tlog-proof is malformed: %s (line %ld)", e.msg, e.input_line);
        goto done;
    }
    if (open_checkpoint(proof.checkpoint, proof.checkpoint_len, ppath, key, &cp, &e)) {
        check(rep, 0, "the checkpoint in proof.tlog-proof is not signed by %s (key %08x): %s",
              key->name, key->key_id, e.msg);
        goto done;
    }
    char root[64];
    root_b64(&cp.root, root);
    check(rep, 1, "the checkpoint is signed by %s (key %08x): log %s, %llu entries, root %s",
          key->name, key->key_id, cp.origin, (unsigned long long)cp.size, root);
    rep->size = cp.size;
    rep->index = proof.index;
    rep->origin = am_strdup(cp.origin);

    if (read_in(dir, "manifest.json", &manifest_bytes, rep))
        goto done;
    struct am_hash leaf;
    am_merkle_leaf_hash(manifest_bytes.ptr, manifest_bytes.len, &leaf);
    am_err_clear(&e);
    if (am_merkle_verify_inclusion(proof.index, cp.size, &leaf, proof.hashes.v, proof.hashes.n,
                                   &cp.root, &e) == 0)
        check(rep, 1, "manifest.json is entry %llu of that log (the inclusion proof holds)",
              (unsigned long long)proof.index);
    else
        check(rep, 0, "manifest.json is not entry %llu of the signed log: %s",
              (unsigned long long)proof.index, e.msg);
    manifest = parse_json(manifest_bytes.ptr, manifest_bytes.len);
    if (!manifest || !str_is(json_object_get(manifest, "format"), "amnistia-manifest/1")) {
        check(rep, 0, "manifest.json is not an amnistia manifest");
        goto done;
    }
    if (is_canonical(manifest, &manifest_bytes))
        check(rep, 1, "manifest.json is in canonical form");
    else
        check(rep, 0, "manifest.json is not in canonical form");
    const char *origin = json_string_value(json_object_get(manifest, "log_origin"));
    if (origin && strcmp(origin, cp.origin) == 0)
        check(rep, 1, "the manifest names this log (%s)", cp.origin);
    else
        check(rep, 0, "the manifest names another log than the checkpoint's (%s)", cp.origin);
    json_t *files = json_object_get(manifest, "files");
    check_file_hash(dir, "list.json", files, rep, &list_json);
    size_t before = rep->failed;
    check_file_hash(dir, "list.csv", files, rep, &list_csv);
    int have_csv = rep->failed == before;
    if (list_json.len > 0)
        check_list(manifest, &list_json, &list_csv, have_csv, rep);
    if (row && list_json.len > 0)
        check_row(&list_json, row, rep);
    if (since_path)
        check_since(dir, since_path, key, &cp, rep);
done:
    json_decref(manifest);
    am_checkpoint_release(&cp);
    am_tlog_proof_release(&proof);
    am_buf_release(&proof_text);
    am_buf_release(&manifest_bytes);
    am_buf_release(&list_json);
    am_buf_release(&list_csv);
    if (rep->failed)
        return AM_FAIL_AT(err, AM_EVERIFY, dir, 0, 0,
                          "%zu of %zu checks failed; do not trust this list", rep->failed,
                          rep->checks.n);
    return 0;
}

/* ---- diff ------------------------------------------------------------------------------ */

struct keyed {
    json_int_t id;
    json_t *row;
};

static int cmp_keyed(const void *a, const void *b)
{
    json_int_t x = ((const struct keyed *)a)->id, y = ((const struct keyed *)b)->id;
    return x < y ? -1 : x > y;
}

static int load_rows(const char *text, size_t len, const char *which, json_t **doc,
                     struct keyed **rows, size_t *n, struct am_err *err)
{
    *doc = parse_json(text, len);
    json_t *arr = *doc ? json_object_get(*doc, "rows") : NULL;
    if (!json_is_array(arr))
        return AM_FAIL(err, AM_EINPUT, "%s is not a published list (list.json with rows)", which);
    *n = json_array_size(arr);
    *rows = am_malloc((*n ? *n : 1) * sizeof(**rows));
    for (size_t i = 0; i < *n; i++) {
        json_t *row = json_array_get(arr, i);
        json_t *id = json_object_get(row, "person_id");
        if (!json_is_integer(id))
            return AM_FAIL(err, AM_EINPUT, "row %zu of %s has no integer person_id", i + 1, which);
        (*rows)[i].id = json_integer_value(id);
        (*rows)[i].row = row;
    }
    qsort(*rows, *n, sizeof(**rows), cmp_keyed);
    return 0;
}

static void value_text(json_t *v, struct am_buf *out)
{
    if (!v || json_is_null(v))
        am_buf_adds(out, "(none)");
    else if (json_is_string(v))
        am_buf_adds(out, json_string_value(v));
    else
        am__canon_json(v, out);
}

static void row_changes(json_t *a, json_t *b, struct am_buf *detail)
{
    const char *k;
    json_t *v;
    /* Keys in published-field order; the salted commitment changes every time. */
    for (size_t f = 0; f < am_publish_field_count; f++) {
        k = am_publish_fields[f];
        json_t *x = json_object_get(a, k), *y = json_object_get(b, k);
        if (!x && !y)
            continue;
        if (x && y && json_equal(x, y))
            continue;
        if (detail->len)
            am_buf_adds(detail, "; ");
        am_buf_addf(detail, "%s: ", k);
        value_text(x, detail);
        am_buf_adds(detail, " -> ");
        value_text(y, detail);
    }
    (void)v;
}

int am_publication_diff(const char *a, size_t alen, const char *b, size_t blen, am_diff_cb cb,
                        void *ctx, struct am_err *err)
{
    json_t *da = NULL, *db = NULL;
    struct keyed *ra = NULL, *rb = NULL;
    size_t na = 0, nb = 0;
    int rc = load_rows(a, alen, "the first list", &da, &ra, &na, err);
    if (rc == 0)
        rc = load_rows(b, blen, "the second list", &db, &rb, &nb, err);
    struct am_buf detail;
    am_buf_init(&detail);
    for (size_t i = 0, j = 0; rc == 0 && (i < na || j < nb);) {
        struct am_diff_row d = {0};
        am_buf_reset(&detail);
        if (j >= nb || (i < na && ra[i].id < rb[j].id)) {
            d.person_id = ra[i].id;
            d.change = "removed";
            d.name = json_string_value(json_object_get(ra[i].row, "name"));
            i++;
        } else if (i >= na || rb[j].id < ra[i].id) {
            d.person_id = rb[j].id;
            d.change = "added";
            d.name = json_string_value(json_object_get(rb[j].row, "name"));
            j++;
        } else {
            row_changes(ra[i].row, rb[j].row, &detail);
            d.person_id = ra[i].id;
            d.change = "changed";
            d.name = json_string_value(json_object_get(rb[j].row, "name"));
            i++;
            j++;
            if (detail.len == 0)
                continue;
        }
        d.detail = detail.ptr;
        if (cb(&d, ctx) != 0)
            break;
    }
    am_buf_release(&detail);
    am_free(ra);
    am_free(rb);
    json_decref(da);
    json_decref(db);
    return rc;
}
