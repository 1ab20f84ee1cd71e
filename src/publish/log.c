/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The transparency log in the registry: entries and their leaf hashes in log_entry,
 * signed checkpoints in checkpoint, and the Merkle tree rebuilt in memory on open (one
 * SHA-256 per entry and one per interior node), which also re-checks every stored hash
 * and the latest signed root. Proofs then cost microseconds; see docs/publication.md.
 */
#include "publish_int.h"

#include "amnistia/store.h"

#include <string.h>

struct am_log {
    struct am_store *store;
    struct am_tree *tree;
    char *origin;
    struct am_stmt *insert; /* kept prepared: appends come in bulk */
};

static const char sql_entries[] =
    "SELECT leaf_index, leaf_hash, entry FROM log_entry ORDER BY leaf_index";
static const char sql_latest[] =
    "SELECT size, root, origin FROM checkpoint ORDER BY size DESC LIMIT 1";
static const char sql_insert[] =
    "INSERT INTO log_entry (leaf_index, leaf_hash, entry, title, at) VALUES (?, ?, ?, ?, ?)";
static const char sql_checkpoint[] =
    "INSERT INTO checkpoint (size, root, origin, note, at) VALUES (?, ?, ?, ?, ?)";

static int load(struct am_log *log, struct am_err *err)
{
    struct am_stmt *st = am_stmt_prepare(log->store, sql_entries, err);
    if (!st)
        return -1;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        uint64_t want = am_tree_size(log->tree);
        size_t hlen, elen;
        const void *stored = am_stmt_blob(st, 1, &hlen);
        const void *entry = am_stmt_blob(st, 2, &elen);
        if ((uint64_t)am_stmt_int64(st, 0) != want) {
            rc = AM_FAIL(err, AM_EINPUT,
                         "the registry's log has no entry %llu: entries were deleted; restore "
                         "the registry from a backup",
                         (unsigned long long)want);
            break;
        }
        struct am_hash h;
        am_merkle_leaf_hash(entry ? entry : "", elen, &h);
        if (hlen != AM_HASH_LEN || memcmp(stored, h.b, AM_HASH_LEN) != 0) {
            rc = AM_FAIL(err, AM_EINPUT,
                         "the registry's log entry %llu does not match its stored hash: the "
                         "entry was altered; restore the registry from a backup",
                         (unsigned long long)want);
            break;
        }
        am_tree_append(log->tree, &h);
    }
    am_stmt_finalize(st);
    if (rc < 0)
        return -1;
    st = am_stmt_prepare(log->store, sql_latest, err);
    if (!st)
        return -1;
    rc = am_stmt_step(st, err);
    if (rc == 1) {
        uint64_t size = (uint64_t)am_stmt_int64(st, 0);
        size_t rlen;
        const void *root = am_stmt_blob(st, 1, &rlen);
        struct am_hash h;
        if (size > am_tree_size(log->tree) || am_tree_root(log->tree, size, &h, err) != 0 ||
            rlen != AM_HASH_LEN || memcmp(root, h.b, AM_HASH_LEN) != 0)
            rc = AM_FAIL(err, AM_EINPUT,
                         "the registry's log does not match its latest signed checkpoint (size "
                         "%llu): history was rewritten; restore the registry from a backup",
                         (unsigned long long)size);
        else
            log->origin = am_strdup(am_stmt_text(st, 2));
    }
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}

struct am_log *am_log_open(struct am_store *store, struct am_err *err)
{
    struct am_log *log = am_calloc(1, sizeof(*log));
    log->store = store;
    log->tree = am_tree_new();
    if (load(log, err) != 0) {
        am_log_close(log);
        return NULL;
    }
    return log;
}

void am_log_close(struct am_log *log)
{
    if (!log)
        return;
    am_stmt_finalize(log->insert);
    am_tree_free(log->tree);
    am_free(log->origin);
    am_free(log);
}

uint64_t am_log_size(const struct am_log *log)
{
    return am_tree_size(log->tree);
}
const struct am_tree *am_log_tree(const struct am_log *log)
{
    return log->tree;
}
const char *am_log_origin(const struct am_log *log)
{
    return log->origin;
}

int am_log_append(struct am_log *log, const void *entry, size_t len, const char *title,
                  const char *at, uint64_t *index, struct am_err *err)
{
    if (!log->insert && !(log->insert = am_stmt_prepare(log->store, sql_insert, err)))
        return -1;
    struct am_hash h;
    am_merkle_leaf_hash(entry, len, &h);
    uint64_t i = am_tree_size(log->tree);
    struct am_stmt *st = log->insert;
    am_stmt_reset(st);
    if (am_stmt_bind_int64(st, 1, (int64_t)i, err) ||
        am_stmt_bind_blob(st, 2, h.b, AM_HASH_LEN, err) ||
        am_stmt_bind_blob(st, 3, len ? entry : "", len, err) ||
        am_stmt_bind_text(st, 4, title, err) || am_stmt_bind_text(st, 5, at, err) ||
        am_stmt_step(st, err) < 0)
        return -1;
    am_tree_append(log->tree, &h);
    if (index)
        *index = i;
    return 0;
}

void am_log_rollback(struct am_log *log, uint64_t size)
{
    am_tree_truncate(log->tree, size);
}

int am_log_checkpoint(struct am_log *log, const struct am_note_signer *signer, const char *at,
                      struct am_buf *note, struct am_err *err)
{
    if (log->origin && strcmp(log->origin, signer->name) != 0)
        return AM_FAIL(err, AM_ECONFLICT,
                       "this registry's log is '%s' and the key is '%s'; sign with the log's "
                       "key so that readers can follow one history",
                       log->origin, signer->name);
    uint64_t size = am_tree_size(log->tree);
    if (size == 0)
        return AM_FAIL(err, AM_EINPUT, "the log is empty; there is nothing to sign");
    struct am_checkpoint cp = {0};
    cp.origin = (char *)signer->name;
    cp.size = size;
    cp.extensions = NULL;
    if (am_tree_root(log->tree, size, &cp.root, err))
        return -1;
    struct am_buf text, signed_note;
    am_buf_init(&text);
    am_buf_init(&signed_note);
    am_checkpoint_format(&cp, &text);
    int rc = am_note_sign(text.ptr, text.len, signer, 1, &signed_note, err);
    struct am_stmt *st = rc ? NULL : am_stmt_prepare(log->store, sql_checkpoint, err);
    if (!st)
        rc = -1;
    if (rc == 0 && (am_stmt_bind_int64(st, 1, (int64_t)size, err) ||
                    am_stmt_bind_blob(st, 2, cp.root.b, AM_HASH_LEN, err) ||
                    am_stmt_bind_text(st, 3, signer->name, err) ||
                    am_stmt_bind_text(st, 4, signed_note.ptr, err) ||
                    am_stmt_bind_text(st, 5, at, err) || am_stmt_step(st, err) < 0))
        rc = -1;
    am_stmt_finalize(st);
    if (rc == 0) {
        am_buf_add(note, signed_note.ptr, signed_note.len);
        if (!log->origin)
            log->origin = am_strdup(signer->name);
    }
    am_buf_release(&text);
    am_buf_release(&signed_note);
    return rc;
}

int am__log_checkpoint_sizes(struct am_log *log, uint64_t **sizes, size_t *n, struct am_err *err)
{
    *sizes = NULL;
    *n = 0;
    struct am_stmt *st =
        am_stmt_prepare(log->store, "SELECT size FROM checkpoint ORDER BY size", err);
    if (!st)
        return -1;
    AM_VEC(uint64_t) v = {0};
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1)
        AM_VEC_PUSH(&v, (uint64_t)am_stmt_int64(st, 0));
    am_stmt_finalize(st);
    if (rc < 0) {
        AM_VEC_FREE(&v);
        return -1;
    }
    *sizes = v.v;
    *n = v.n;
    return 0;
}
