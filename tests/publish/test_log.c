/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The log in the registry: appends survive reopening with the same roots, checkpoints
 * keep one origin, rollbacks undo appends, the tables refuse updates and deletes, and a
 * registry whose log was altered behind our back (entry, hash, history) is refused.
 */
#include "tests.h"

#include "amnistia/store.h"

#include <string.h>
#include <unistd.h>

static struct am_store *fresh_store(const char *name, char *path, size_t n)
{
    scratch_path(path, n, name);
    unlink(path);
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    if (!s)
        fail_msg("%s", err.msg);
    return s;
}

static void drop_store(struct am_store *s, const char *path)
{
    am_store_close(s);
    char extra[600];
    unlink(path);
    snprintf(extra, sizeof(extra), "%s-wal", path);
    unlink(extra);
    snprintf(extra, sizeof(extra), "%s-shm", path);
    unlink(extra);
}

static void make_signer(const char *name, struct am_note_signer *s)
{
    struct am_buf sk, vk;
    am_buf_init(&sk);
    am_buf_init(&vk);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_note_key_generate(name, &sk, &vk, &err), 0);
    assert_int_equal(am_note_signer_parse(sk.ptr, s, &err), 0);
    am_buf_release(&sk);
    am_buf_release(&vk);
}

static void append_n(struct am_store *s, struct am_log *log, int from, int n)
{
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_store_begin(s, &err), 0);
    for (int i = from; i < from + n; i++) {
        char entry[64];
        snprintf(entry, sizeof(entry), "{\"entry\":%d}", i);
        uint64_t index;
        assert_int_equal(am_log_append(log, entry, strlen(entry), "t", "2026-11-29", &index, &err),
                         0);
        assert_int_equal(index, (uint64_t)i);
    }
    assert_int_equal(am_store_commit(s, &err), 0);
}

static void test_append_reopen(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fresh_store("log-reopen", path, sizeof(path));
    struct am_err err = AM_ERR_INIT;
    struct am_log *log = am_log_open(s, &err);
    assert_non_null(log);
    assert_int_equal(am_log_size(log), 0);
    assert_null(am_log_origin(log));
    append_n(s, log, 0, 21);
    struct am_note_signer signer;
    make_signer("example.org/test-log", &signer);
    struct am_buf note;
    am_buf_init(&note);
    assert_int_equal(am_store_begin(s, &err), 0);
    assert_int_equal(am_log_checkpoint(log, &signer, "2026-11-29", &note, &err), 0);
    assert_int_equal(am_store_commit(s, &err), 0);
    assert_true(strncmp(note.ptr, "example.org/test-log\n21\n", 24) == 0);
    struct am_hash root;
    assert_int_equal(am_tree_root(am_log_tree(log), 21, &root, &err), 0);
    am_log_close(log);

    log = am_log_open(s, &err);
    assert_non_null(log);
    assert_int_equal(am_log_size(log), 21);
    assert_string_equal(am_log_origin(log), "example.org/test-log");
    struct am_hash again;
    assert_int_equal(am_tree_root(am_log_tree(log), 21, &again, &err), 0);
    assert_memory_equal(root.b, again.b, 32);
    /* The signed note verifies and names that root. */
    struct am_note_verifier v = {{0}, signer.key_id, {0}};
    snprintf(v.name, sizeof(v.name), "%s", signer.name);
    memcpy(v.pubkey, signer.pubkey, 32);
    struct am_note opened;
    assert_int_equal(am_note_open(note.ptr, note.len, &v, 1, NULL, &opened, &err), 0);
    struct am_checkpoint cp;
    assert_int_equal(am_checkpoint_parse(opened.text, opened.text_len, NULL, &cp, &err), 0);
    assert_memory_equal(cp.root.b, root.b, 32);
    am_checkpoint_release(&cp);
    am_note_release(&opened);

    /* Another key name is another log: refused. */
    struct am_note_signer other;
    make_signer("example.org/other-log", &other);
    append_n(s, log, 21, 1);
    am_buf_reset(&note);
    assert_int_equal(am_log_checkpoint(log, &other, "2026-11-29", &note, &err), -1);
    assert_int_equal(err.code, AM_ECONFLICT);
    assert_non_null(strstr(err.msg, "example.org/test-log"));
    am_buf_release(&note);
    am_log_close(log);
    drop_store(s, path);
}

static void test_rollback(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fresh_store("log-rollback", path, sizeof(path));
    struct am_err err = AM_ERR_INIT;
    struct am_log *log = am_log_open(s, &err);
    append_n(s, log, 0, 5);
    struct am_hash before;
    assert_int_equal(am_tree_root(am_log_tree(log), 5, &before, &err), 0);
    assert_int_equal(am_store_begin(s, &err), 0);
    assert_int_equal(am_log_append(log, "x", 1, "t", "d", NULL, &err), 0);
    assert_int_equal(am_log_size(log), 6);
    am_store_rollback(s);
    am_log_rollback(log, 5);
    assert_int_equal(am_log_size(log), 5);
    am_log_close(log);
    log = am_log_open(s, &err);
    assert_int_equal(am_log_size(log), 5);
    struct am_hash after;
    assert_int_equal(am_tree_root(am_log_tree(log), 5, &after, &err), 0);
    assert_memory_equal(before.b, after.b, 32);
    /* An empty log has nothing to sign. */
    am_log_close(log);
    drop_store(s, path);
    s = fresh_store("log-empty", path, sizeof(path));
    log = am_log_open(s, &err);
    struct am_note_signer signer;
    make_signer("example.org/empty", &signer);
    struct am_buf note;
    am_buf_init(&note);
    assert_int_equal(am_log_checkpoint(log, &signer, "d", &note, &err), -1);
    assert_non_null(strstr(err.msg, "nothing to sign"));
    am_buf_release(&note);
    am_log_close(log);
    drop_store(s, path);
}

static void expect_exec_fails(struct am_store *s, const char *sql, const char *msg)
{
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_store_exec(s, sql, &err), -1);
    if (!strstr(err.msg, msg))
        fail_msg("%s: expected '%s' in '%s'", sql, msg, err.msg);
}

static void test_append_only_and_tampering(void **state)
{
    (void)state;
    char path[512];
    struct am_store *s = fresh_store("log-tamper", path, sizeof(path));
    struct am_err err = AM_ERR_INIT;
    struct am_log *log = am_log_open(s, &err);
    append_n(s, log, 0, 4);
    struct am_note_signer signer;
    make_signer("example.org/tamper", &signer);
    struct am_buf note;
    am_buf_init(&note);
    assert_int_equal(am_log_checkpoint(log, &signer, "d", &note, &err), 0);
    am_log_close(log);
    expect_exec_fails(s, "UPDATE log_entry SET title = 'x'", "append-only");
    expect_exec_fails(s, "DELETE FROM log_entry WHERE leaf_index = 3", "append-only");
    expect_exec_fails(s, "DELETE FROM checkpoint", "never deleted");
    expect_exec_fails(s, "UPDATE checkpoint SET note = ''", "never changed");

    /* Someone with the file drops the triggers and edits an entry. */
    assert_int_equal(am_store_exec(s, "DROP TRIGGER log_entry_append_only_u", &err), 0);
    assert_int_equal(
        am_store_exec(s, "UPDATE log_entry SET entry = X'00' WHERE leaf_index = 2", &err), 0);
    assert_null(am_log_open(s, &err));
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "entry 2 does not match its stored hash"));
    am_err_clear(&err);
    /* ... and its hash too: the signed checkpoint no longer matches the history. */
    assert_int_equal(
        am_store_exec(s,
                      "UPDATE log_entry SET leaf_hash = "
                      "X'96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'"
                      " WHERE leaf_index = 2",
                      &err),
        0);
    assert_null(am_log_open(s, &err));
    assert_non_null(strstr(err.msg, "history was rewritten"));
    am_err_clear(&err);
    /* An entry deleted. */
    assert_int_equal(am_store_exec(s, "DROP TRIGGER log_entry_append_only_d", &err), 0);
    assert_int_equal(am_store_exec(s, "DELETE FROM log_entry WHERE leaf_index = 1", &err), 0);
    assert_null(am_log_open(s, &err));
    assert_non_null(strstr(err.msg, "no entry 1"));
    am_buf_release(&note);
    drop_store(s, path);
}

int run_log_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_reopen),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_append_only_and_tampering),
    };
    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
