/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Publications end to end over a synthetic registry (100 invented persons, 30% restricted,
 * 10% sealed): redaction, canonical files, verification, every tampering case of the
 * issue (a byte changed, rows swapped, dropped, added, a checkpoint re-signed with another
 * key, a forked log), row commitments, diffs, and bad input that writes nothing.
 */
#include "tests.h"

#include "amnistia/store.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NPERSONS 100

/* Person i: restricted when i % 10 < 3, sealed when i % 10 == 3, else public. */
static const char *sensitivity_of(int i)
{
    return i % 10 < 3 ? "restricted" : i % 10 == 3 ? "sealed" : "public";
}

static void exec_bound(struct am_store *s, const char *sql, const char *const *text, int ntext,
                       const int64_t *ints, int nints)
{
    struct am_err err = AM_ERR_INIT;
    struct am_stmt *st = am_stmt_prepare(s, sql, &err);
    if (!st)
        fail_msg("%s: %s", sql, err.msg);
    for (int i = 0; i < nints; i++)
        assert_int_equal(am_stmt_bind_int64(st, i + 1, ints[i], &err), 0);
    for (int i = 0; i < ntext; i++)
        assert_int_equal(am_stmt_bind_text(st, nints + i + 1, text[i], &err), 0);
    if (am_stmt_step(st, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    am_stmt_finalize(st);
}

/* A registry of invented persons, with private fields that must never be published. */
static struct am_store *synthetic_registry(const char *path)
{
    unlink(path);
    struct am_err err = AM_ERR_INIT;
    struct am_store *s = am_store_open(path, &err);
    assert_non_null(s);
    assert_int_equal(am_store_begin(s, &err), 0);
    assert_int_equal(am_store_exec(s,
                                   "INSERT INTO source (id, name, kind) VALUES (1, 'ONG Ficticia', "
                                   "'ngo');"
                                   "INSERT INTO snapshot (id, source_id, title, as_of, imported_at,"
                                   " file_sha256, file_name) VALUES (1, 1, 'Lista sintética',"
                                   " '2026-10-01', '2026-10-02T00:00:00Z', 'f00d', 'lista.csv');",
                                   &err),
                     0);
    for (int i = 1; i <= NPERSONS; i++) {
        char name[64], cedula[32], birth[16], notes[64], raw[96], state[32];
        snprintf(name, sizeof(name), "Persona%03d Sintética", i);
        snprintf(cedula, sizeof(cedula), "9%07d", 1000000 + i);
        snprintf(birth, sizeof(birth), "20%02d-0%d-1%d", i % 10, 1 + i % 9, i % 10);
        snprintf(notes, sizeof(notes), "NOTAPRIVADA%03d", i);
        snprintf(raw, sizeof(raw), "{\"full_name\":\"Persona%03d\",\"extra\":\"RAWROW%03d\"}", i,
                 i);
        snprintf(state, sizeof(state), "Estado%d", i % 5);
        const char *ptext[] = {name, cedula, birth, sensitivity_of(i)};
        int64_t pid = i;
        exec_bound(s,
                   "INSERT INTO person (id, display_name, cedula_kind, cedula, birth_date, sex, "
                   "sensitivity) VALUES (?, ?, 'V', ?, ?, 'F', ?)",
                   ptext, 4, &pid, 1);
        const char *rtext[] = {raw, name, cedula, birth, state, notes};
        exec_bound(s,
                   "INSERT INTO record (id, snapshot_id, row_no, line_no, raw, full_name, cedula,"
                   " birth_date, state, notes) VALUES (?, 1, ?1, ?1 + 1, ?, ?, ?, ?, ?, ?)",
                   rtext, 6, &pid, 1);
        exec_bound(s,
                   "INSERT INTO record_person (record_id, person_id, decided_at) VALUES (?1, ?1, "
                   "'2026-10-02')",
                   NULL, 0, &pid, 1);
        char arrest[16];
        snprintf(arrest, sizeof(arrest), "2025-%02d-%02d", 1 + i % 12, 1 + i % 28);
        const char *etext[] = {arrest};
        exec_bound(s,
                   "INSERT INTO event (person_id, type, date, facility) VALUES (?, 'arrest', ?, "
                   "'Centro Ficticio')",
                   etext, 1, &pid, 1);
        if (i % 4 == 0)
            exec_bound(s,
                       "INSERT INTO event (person_id, type, date) VALUES (?, 'release', "
                       "'2026-03-01')",
                       NULL, 0, &pid, 1);
        if (i % 7 == 0)
            exec_bound(s,
                       "INSERT INTO event (person_id, type, date) VALUES (?, 'incommunicado', "
                       "'2026-04-01')",
                       NULL, 0, &pid, 1);
        if (i % 9 == 0)
            exec_bound(s,
                       "INSERT INTO event (person_id, type, date, facility) VALUES (?, 'rearrest',"
                       " '2026-05-01', 'Centro Segundo')",
                       NULL, 0, &pid, 1);
        if (i % 11 == 0) /* after the publication date: not yet a fact */
            exec_bound(s,
                       "INSERT INTO event (person_id, type, date, facility) VALUES (?, 'release',"
                       " '2027-01-01', 'Centro Futuro')",
                       NULL, 0, &pid, 1);
        exec_bound(s, "INSERT INTO category (person_id, category) VALUES (?, 'protester')", NULL, 0,
                   &pid, 1);
        exec_bound(s,
                   "INSERT INTO charge (person_id, raw, class) VALUES (?, 'TEXTOCARGO', "
                   "'political')",
                   NULL, 0, &pid, 1);
    }
    assert_int_equal(am_store_commit(s, &err), 0);
    return s;
}

struct fixture {
    char db[512], key_dir[512];
    struct am_note_signer signer;
    struct am_note_verifier verifier;
    struct am_store *store;
};

static void make_keys(const char *name, struct am_note_signer *s, struct am_note_verifier *v)
{
    struct am_buf sk, vk;
    am_buf_init(&sk);
    am_buf_init(&vk);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_note_key_generate(name, &sk, &vk, &err), 0);
    assert_int_equal(am_note_signer_parse(sk.ptr, s, &err), 0);
    assert_int_equal(am_note_verifier_parse(vk.ptr, v, &err), 0);
    am_buf_release(&sk);
    am_buf_release(&vk);
}

static void rm_rf(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char sub[1024];
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        rm_rf(sub);
    }
    closedir(d);
    rmdir(path);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    scratch_path(f->db, sizeof(f->db), "registry.db");
    scratch_path(f->key_dir, sizeof(f->key_dir), "out");
    rm_rf(f->key_dir);
    mkdir(f->key_dir, 0755);
    f->store = synthetic_registry(f->db);
    make_keys("example.org/amnistia-test", &f->signer, &f->verifier);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    am_store_close(f->store);
    char p[600];
    unlink(f->db);
    snprintf(p, sizeof(p), "%s-wal", f->db);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->db);
    unlink(p);
    rm_rf(f->key_dir);
    free(f);
    return 0;
}

static void out_path(struct fixture *f, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", f->key_dir, name);
}

static int publish_status(struct fixture *f, const char *status, const char *dir_name,
                          struct am_publish_result *res, struct am_err *err)
{
    char dir[700];
    out_path(f, dir_name, dir, sizeof(dir));
    struct am_publish_options o = {0};
    o.kind = AM_PUBLISH_STATUS;
    o.status = status;
    o.title = "Lista sintética de prueba";
    o.out_dir = dir;
    o.signer = &f->signer;
    return am_publish(f->store, &o, res, err);
}

static void read_out(struct fixture *f, const char *rel, struct am_buf *b)
{
    char p[800];
    out_path(f, rel, p, sizeof(p));
    struct am_err err = AM_ERR_INIT;
    am_buf_reset(b);
    if (am_buf_read_file(b, p, &err))
        fail_msg("%s", err.msg);
}

static void write_out(struct fixture *f, const char *rel, const struct am_buf *b)
{
    char p[800];
    out_path(f, rel, p, sizeof(p));
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(b->ptr, 1, b->len, fp), b->len);
    fclose(fp);
}

static int verify_dir(struct fixture *f, const char *dir_name, const char *since,
                      const struct am_note_verifier *key, struct am_verify_report *rep)
{
    char dir[700], since_path[700];
    out_path(f, dir_name, dir, sizeof(dir));
    if (since)
        out_path(f, since, since_path, sizeof(since_path));
    struct am_err err = AM_ERR_INIT;
    int rc = am_publication_verify(dir, key ? key : &f->verifier, since ? since_path : NULL, NULL,
                                   rep, &err);
    if (rc)
        assert_int_equal(err.code, AM_EVERIFY);
    return rc;
}

/* The report holds a failed check containing msg. */
static void expect_failure(struct am_verify_report *rep, const char *msg)
{
    for (size_t i = 0; i < rep->checks.n; i++)
        if (!rep->checks.v[i].ok && strstr(rep->checks.v[i].what, msg))
            return;
    for (size_t i = 0; i < rep->checks.n; i++)
        print_message("%s %s\n", rep->checks.v[i].ok ? "ok" : "FAIL", rep->checks.v[i].what);
    fail_msg("no failed check says '%s'", msg);
}

static void test_redaction(void **state)
{
    struct fixture *f = *state;
    struct am_publish_result res;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(publish_status(f, "detained", "detained", &res, &err), 0);
    /* Detained: never released (i % 4 != 0), or held incommunicado (i % 7 == 0) or
     * re-arrested (i % 9 == 0) after the release; a release dated after today does not
     * count. Public: i % 10 >= 4. */
    size_t want_pub = 0, want_withheld = 0;
    for (int i = 1; i <= NPERSONS; i++)
        if (i % 4 != 0 || i % 7 == 0 || i % 9 == 0)
            *(strcmp(sensitivity_of(i), "public") == 0 ? &want_pub : &want_withheld) += 1;
    assert_int_equal(res.published, want_pub);
    assert_int_equal(res.withheld, want_withheld);
    assert_int_equal(res.index, 0);
    assert_int_equal(res.tree_size, 1);

    const char *files[] = {"detained/list.json", "detained/list.csv", "detained/manifest.json",
                           "detained/proof.tlog-proof", "detained/checkpoint.note"};
    struct am_buf b;
    am_buf_init(&b);
    for (size_t k = 0; k < 5; k++) {
        read_out(f, files[k], &b);
        for (int i = 1; i <= NPERSONS; i++) {
            char needle[64];
            snprintf(needle, sizeof(needle), "Persona%03d", i);
            int is_public = strcmp(sensitivity_of(i), "public") == 0;
            if (!is_public && strstr(b.ptr, needle))
                fail_msg("%s names %s person %d", files[k], sensitivity_of(i), i);
            snprintf(needle, sizeof(needle), "9%07d", 1000000 + i);
            assert_null(strstr(b.ptr, needle)); /* no cédula */
            snprintf(needle, sizeof(needle), "20%02d-0%d-1%d", i % 10, 1 + i % 9, i % 10);
            assert_null(strstr(b.ptr, needle)); /* no birth date */
        }
        assert_null(strstr(b.ptr, "NOTAPRIVADA"));
        assert_null(strstr(b.ptr, "RAWROW"));
        assert_null(strstr(b.ptr, "TEXTOCARGO"));
        assert_null(strstr(b.ptr, "birth"));
        assert_null(strstr(b.ptr, "cedula"));
        assert_null(strstr(b.ptr, "sex"));
    }
    /* Every row has exactly the published fields, and only public persons are rows. */
    read_out(f, "detained/list.json", &b);
    json_error_t jerr;
    json_t *doc = json_loads(b.ptr, 0, &jerr);
    assert_non_null(doc);
    json_t *rows = json_object_get(doc, "rows");
    assert_int_equal(json_array_size(rows), want_pub);
    for (size_t r = 0; r < json_array_size(rows); r++) {
        json_t *row = json_array_get(rows, r);
        assert_int_equal(json_object_size(row), am_publish_field_count);
        for (size_t k = 0; k < am_publish_field_count; k++)
            assert_non_null(json_object_get(row, am_publish_fields[k]));
        int id = (int)json_integer_value(json_object_get(row, "person_id"));
        assert_string_equal(sensitivity_of(id), "public");
        assert_string_equal(json_string_value(json_object_get(row, "status")), "detained");
        assert_int_equal(json_is_true(json_object_get(row, "incommunicado")),
                         id % 7 == 0 && id % 9 != 0);
        /* The first arrest; the facility of the latest event that names one. */
        char arrest[16];
        snprintf(arrest, sizeof(arrest), "2025-%02d-%02d", 1 + id % 12, 1 + id % 28);
        assert_string_equal(json_string_value(json_object_get(row, "arrest_date")), arrest);
        assert_string_equal(json_string_value(json_object_get(row, "facility")),
                            id % 9 == 0 ? "Centro Segundo" : "Centro Ficticio");
        char state_name[16];
        snprintf(state_name, sizeof(state_name), "Estado%d", id % 5);
        assert_string_equal(json_string_value(json_object_get(row, "state")), state_name);
    }
    json_decref(doc);
    /* The CSV header is the published fields, in order. */
    read_out(f, "detained/list.csv", &b);
    assert_true(strncmp(b.ptr,
                        "person_id,name,status,incommunicado,arrest_date,facility,state,"
                        "categories,charge_classes\n",
                        88) == 0);
    am_buf_release(&b);

    struct am_verify_report rep;
    assert_int_equal(verify_dir(f, "detained", NULL, NULL, &rep), 0);
    assert_int_equal(rep.failed, 0);
    assert_true(rep.checks.n >= 10);
    am_verify_report_release(&rep);
}

/* Publishes twice (sizes 1 and 2) and checks each tampering case on the second. */
static void test_tampering(void **state)
{
    struct fixture *f = *state;
    struct am_publish_result res;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(publish_status(f, "detained", "t1", &res, &err), 0);
    uint64_t size1 = res.tree_size;
    assert_int_equal(publish_status(f, "released", "t2", &res, &err), 0);
    assert_int_equal(res.index, size1);
    assert_int_equal(res.tree_size, size1 + 1);
    char not_entry[128], cproof[64], cproof_msg[96];
    snprintf(not_entry, sizeof(not_entry), "manifest.json is not entry %llu of the signed log",
             (unsigned long long)res.index);
    snprintf(cproof, sizeof(cproof), "t2/consistency/%llu.proof", (unsigned long long)size1);
    snprintf(cproof_msg, sizeof(cproof_msg), "consistency/%llu.proof cannot be read",
             (unsigned long long)size1);
    struct am_verify_report rep;
    assert_int_equal(verify_dir(f, "t2", "t1", NULL, &rep), 0);
    am_verify_report_release(&rep);
    /* --since accepts the old proof or checkpoint file as well. */
    assert_int_equal(verify_dir(f, "t2", "t1/proof.tlog-proof", NULL, &rep), 0);
    am_verify_report_release(&rep);
    assert_int_equal(verify_dir(f, "t2", "t1/checkpoint.note", NULL, &rep), 0);
    am_verify_report_release(&rep);

    struct am_buf orig, b;
    am_buf_init(&orig);
    am_buf_init(&b);

    /* One byte changed in list.csv. */
    read_out(f, "t2/list.csv", &orig);
    am_buf_reset(&b);
    am_buf_add(&b, orig.ptr, orig.len);
    b.ptr[b.len - 5] ^= 0x01;
    write_out(f, "t2/list.csv", &b);
    assert_int_equal(verify_dir(f, "t2", NULL, NULL, &rep), -1);
    expect_failure(&rep, "list.csv was changed after it was signed");
    am_verify_report_release(&rep);
    write_out(f, "t2/list.csv", &orig);

    /* One byte changed in manifest.json: it is no longer the logged entry. */
    read_out(f, "t2/manifest.json", &orig);
    am_buf_reset(&b);
    am_buf_add(&b, orig.ptr, orig.len);
    char *p = strstr(b.ptr, "\"persons\":");
    assert_non_null(p);
    p[10] = p[10] == '9' ? '8' : (char)(p[10] + 1);
    write_out(f, "t2/manifest.json", &b);
    assert_int_equal(verify_dir(f, "t2", NULL, NULL, &rep), -1);
    expect_failure(&rep, not_entry);
    am_verify_report_release(&rep);
    write_out(f, "t2/manifest.json", &orig);

    /* Rows swapped, dropped, added in list.json (re-serialised canonically). */
    read_out(f, "t2/list.json", &orig);
    json_error_t jerr;
    for (int mode = 0; mode < 4; mode++) {
        json_t *doc = json_loads(orig.ptr, 0, &jerr);
        json_t *rows = json_object_get(doc, "rows");
        assert_true(json_array_size(rows) >= 3);
        if (mode == 0) {
            json_t *first = json_incref(json_array_get(rows, 0));
            json_array_set(rows, 0, json_array_get(rows, 1));
            json_array_set_new(rows, 1, first);
        } else if (mode == 1) {
            json_array_remove(rows, 1);
        } else if (mode == 3) {
            json_object_set_new(json_array_get(rows, 0), "status", json_string("deceased"));
        } else {
            json_t *extra = json_deep_copy(json_array_get(rows, json_array_size(rows) - 1));
            json_object_set_new(extra, "person_id", json_integer(100000));
            json_object_set_new(extra, "name", json_string("Intrusa Sintética"));
            json_array_append_new(rows, extra);
        }
        char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
        am_buf_reset(&b);
        am_buf_adds(&b, text);
        free(text);
        json_decref(doc);
        write_out(f, "t2/list.json", &b);
        assert_int_equal(verify_dir(f, "t2", NULL, NULL, &rep), -1);
        expect_failure(&rep, "list.json was changed after it was signed");
        expect_failure(&rep, "list.csv differs from list.json");
        if (mode == 0)
            expect_failure(&rep, "row 2 of list.json is out of order");
        else if (mode == 3)
            expect_failure(&rep, "differ from the manifest's counts");
        else
            expect_failure(&rep, "rows were added or dropped");
        am_verify_report_release(&rep);
    }
    write_out(f, "t2/list.json", &orig);

    /* The checkpoint re-signed with another key of the same name. */
    struct am_note_signer forger;
    struct am_note_verifier forger_v;
    make_keys("example.org/amnistia-test", &forger, &forger_v);
    read_out(f, "t2/proof.tlog-proof", &orig);
    struct am_tlog_proof proof;
    assert_int_equal(am_tlog_proof_parse(orig.ptr, orig.len, NULL, &proof, &err), 0);
    const char *cut = strstr(proof.checkpoint, "\n\n");
    struct am_buf resigned;
    am_buf_init(&resigned);
    assert_int_equal(am_note_sign(proof.checkpoint, (size_t)(cut + 1 - proof.checkpoint), &forger,
                                  1, &resigned, &err),
                     0);
    am_buf_reset(&b);
    am_tlog_proof_format(proof.index, proof.hashes.v, proof.hashes.n, resigned.ptr, resigned.len,
                         &b);
    write_out(f, "t2/proof.tlog-proof", &b);
    assert_int_equal(verify_dir(f, "t2", NULL, NULL, &rep), -1);
    expect_failure(&rep, "is not signed by example.org/amnistia-test");
    expect_failure(&rep, "no signature by a known key");
    am_verify_report_release(&rep);
    /* The forger's own key accepts it: the key is what readers must get right. */
    assert_int_equal(verify_dir(f, "t2", NULL, &forger_v, &rep), 0);
    am_verify_report_release(&rep);
    write_out(f, "t2/proof.tlog-proof", &orig);
    am_tlog_proof_release(&proof);
    am_buf_release(&resigned);

    /* The wrong verifier key altogether. */
    assert_int_equal(verify_dir(f, "t2", NULL, &forger_v, &rep), -1);
    expect_failure(&rep, "no signature by a known key");
    am_verify_report_release(&rep);

    /* --since a newer checkpoint. */
    assert_int_equal(verify_dir(f, "t1", "t2", NULL, &rep), -1);
    expect_failure(&rep, "more than this one");
    am_verify_report_release(&rep);

    /* A consistency proof removed from the directory. */
    read_out(f, cproof, &orig);
    char cpath[800];
    out_path(f, cproof, cpath, sizeof(cpath));
    unlink(cpath);
    assert_int_equal(verify_dir(f, "t2", "t1", NULL, &rep), -1);
    expect_failure(&rep, cproof_msg);
    am_verify_report_release(&rep);
    write_out(f, cproof, &orig);
    assert_int_equal(verify_dir(f, "t2", "t1", NULL, &rep), 0);
    am_verify_report_release(&rep);
    am_buf_release(&orig);
    am_buf_release(&b);
}

/* A publisher who rewrites history: a second registry, the same key, another first entry. */
static void test_forked_log(void **state)
{
    struct fixture *f = *state;
    struct am_publish_result res;
    struct am_err err = AM_ERR_INIT;
    struct am_store *main_store = f->store;
    char a_db[700], b_db[700];
    out_path(f, "honest.db", a_db, sizeof(a_db));
    out_path(f, "forked.db", b_db, sizeof(b_db));
    /* The honest history as readers saw it: two publications. */
    f->store = synthetic_registry(a_db);
    assert_int_equal(publish_status(f, "detained", "fork-a1", &res, &err), 0);
    assert_int_equal(publish_status(f, "released", "fork-a2", &res, &err), 0);
    am_store_close(f->store);
    /* The rewritten history, signed with the same key: the first list replaced. */
    f->store = synthetic_registry(b_db);
    assert_int_equal(publish_status(f, "released", "fork-b1", &res, &err), 0);
    assert_int_equal(publish_status(f, "detained", "fork-b2", &res, &err), 0);
    assert_int_equal(publish_status(f, "released", "fork-b3", &res, &err), 0);
    am_store_close(f->store);
    f->store = main_store;

    struct am_verify_report rep;
    /* On its own each forked publication verifies: a reader's older checkpoint shows the
     * fork. */
    assert_int_equal(verify_dir(f, "fork-b3", NULL, NULL, &rep), 0);
    am_verify_report_release(&rep);
    assert_int_equal(verify_dir(f, "fork-b3", "fork-a1", NULL, &rep), -1);
    expect_failure(&rep, "the log did not only grow since the older checkpoint");
    expect_failure(&rep, "history was rewritten");
    am_verify_report_release(&rep);
    assert_int_equal(verify_dir(f, "fork-b3", "fork-a2", NULL, &rep), -1);
    expect_failure(&rep, "the log did not only grow since the older checkpoint");
    am_verify_report_release(&rep);
    /* Same size, different root. */
    assert_int_equal(verify_dir(f, "fork-b2", "fork-a2", NULL, &rep), -1);
    expect_failure(&rep, "forked the log");
    am_verify_report_release(&rep);
    assert_int_equal(verify_dir(f, "fork-b1", "fork-a1", NULL, &rep), -1);
    expect_failure(&rep, "forked the log");
    am_verify_report_release(&rep);
    /* The honest continuation verifies. */
    assert_int_equal(verify_dir(f, "fork-a2", "fork-a1", NULL, &rep), 0);
    am_verify_report_release(&rep);
}

static void test_row_commitments(void **state)
{
    struct fixture *f = *state;
    char dir[700], salts[700];
    out_path(f, "commit", dir, sizeof(dir));
    out_path(f, "private/commit.salts.csv", salts, sizeof(salts));
    struct am_publish_options o = {0};
    o.kind = AM_PUBLISH_SNAPSHOT;
    o.snapshot_id = 1;
    o.title = "Con compromisos";
    o.out_dir = dir;
    o.signer = &f->signer;
    o.row_commitments = 1;
    /* The salts file inside the published directory is refused, and nothing is written. */
    char inside[800];
    snprintf(inside, sizeof(inside), "%s/salts.csv", dir);
    o.salts_path = inside;
    struct am_publish_result res;
    struct am_err err = AM_ERR_INIT;
    mkdir(dir, 0755);
    assert_int_equal(am_publish(f->store, &o, &res, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "must not be inside the published directory"));
    am_err_clear(&err);
    o.salts_path = salts;
    assert_int_equal(am_publish(f->store, &o, &res, &err), 0);
    struct stat st;
    assert_int_equal(stat(salts, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char parent[700];
    out_path(f, "private", parent, sizeof(parent));
    assert_int_equal(stat(parent, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    struct am_buf list, salt_text;
    am_buf_init(&list);
    am_buf_init(&salt_text);
    read_out(f, "commit/list.json", &list);
    read_out(f, "private/commit.salts.csv", &salt_text);
    json_error_t jerr;
    json_t *doc = json_loads(list.ptr, 0, &jerr);
    json_t *rows = json_object_get(doc, "rows");
    assert_int_equal(json_array_size(rows), res.published);
    /* A person given their salt proves their own row: SHA-256(salt || row) is published. */
    size_t proven = 0;
    char *save = NULL;
    for (char *line = strtok_r(salt_text.ptr, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "person_id", 9) == 0)
            continue;
        long long id;
        char salt_hex[65], commit_hex[65];
        assert_int_equal(sscanf(line, "%lld,%64[0-9a-f],%64[0-9a-f]", &id, salt_hex, commit_hex),
                         3);
        assert_null(strstr(list.ptr, salt_hex)); /* no salt in the public list */
        json_t *row = NULL;
        for (size_t r = 0; r < json_array_size(rows); r++)
            if (json_integer_value(json_object_get(json_array_get(rows, r), "person_id")) == id)
                row = json_array_get(rows, r);
        assert_non_null(row);
        assert_string_equal(json_string_value(json_object_get(row, "commitment")), commit_hex);
        json_t *bare = json_deep_copy(row);
        json_object_del(bare, "commitment");
        char *canon = json_dumps(bare, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII * 0);
        uint8_t salt[32], h[32];
        assert_int_equal(unhex(salt_hex, salt, 32), 32);
        struct am_sha256_ctx ctx;
        am_sha256_init(&ctx);
        am_sha256_update(&ctx, salt, 32);
        am_sha256_update(&ctx, canon, strlen(canon));
        am_sha256_final(&ctx, h);
        char got[65];
        am_hex(h, 32, got);
        assert_string_equal(got, commit_hex);
        free(canon);
        json_decref(bare);
        proven++;
    }
    assert_int_equal(proven, res.published);
    json_decref(doc);
    /* The same through verification: right salt, another person's salt, a bad salt. */
    read_out(f, "private/commit.salts.csv", &salt_text);
    char *second = strchr(salt_text.ptr, '\n') + 1, *third = strchr(second, '\n') + 1;
    long long id1;
    char salt1[65], salt2[65];
    assert_int_equal(sscanf(second, "%lld,%64[0-9a-f]", &id1, salt1), 2);
    assert_int_equal(sscanf(third, "%*d,%64[0-9a-f]", salt2), 1);
    struct am_row_claim claim = {id1, salt1};
    struct am_verify_report rep1;
    assert_int_equal(am_publication_verify(dir, &f->verifier, NULL, &claim, &rep1, &err), 0);
    assert_non_null(strstr(rep1.checks.v[rep1.checks.n - 1].what, "matches its commitment"));
    assert_int_equal(rep1.checks.v[rep1.checks.n - 1].ok, 1);
    am_verify_report_release(&rep1);
    claim.salt_hex = salt2;
    assert_int_equal(am_publication_verify(dir, &f->verifier, NULL, &claim, &rep1, &err), -1);
    expect_failure(&rep1, "does not match its commitment with this salt");
    am_verify_report_release(&rep1);
    claim.salt_hex = "abc";
    am_err_clear(&err);
    assert_int_equal(am_publication_verify(dir, &f->verifier, NULL, &claim, &rep1, &err), -1);
    expect_failure(&rep1, "64 lowercase hex digits");
    am_verify_report_release(&rep1);
    claim.person_id = 999999;
    claim.salt_hex = salt1;
    am_err_clear(&err);
    assert_int_equal(am_publication_verify(dir, &f->verifier, NULL, &claim, &rep1, &err), -1);
    expect_failure(&rep1, "person 999999 is not in this list");
    am_verify_report_release(&rep1);
    struct am_verify_report rep;
    assert_int_equal(verify_dir(f, "commit", NULL, NULL, &rep), 0);
    am_verify_report_release(&rep);
    am_buf_release(&list);
    am_buf_release(&salt_text);
}

static uint64_t log_size(struct fixture *f)
{
    struct am_err err = AM_ERR_INIT;
    struct am_log *log = am_log_open(f->store, &err);
    assert_non_null(log);
    uint64_t n = am_log_size(log);
    am_log_close(log);
    return n;
}

static int exists(struct fixture *f, const char *rel)
{
    char p[800];
    out_path(f, rel, p, sizeof(p));
    return access(p, F_OK) == 0;
}

static void test_bad_input_writes_nothing(void **state)
{
    struct fixture *f = *state;
    uint64_t before = log_size(f);
    struct am_publish_result res;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(publish_status(f, "jailed", "bad1", &res, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "'jailed' is not a status"));
    assert_false(exists(f, "bad1"));

    char dir[700], salts[700];
    out_path(f, "bad2", dir, sizeof(dir));
    out_path(f, "private/bad2.salts.csv", salts, sizeof(salts));
    struct am_publish_options o = {0};
    o.kind = AM_PUBLISH_SNAPSHOT;
    o.snapshot_id = 42;
    o.title = "x";
    o.out_dir = dir;
    o.signer = &f->signer;
    am_err_clear(&err);
    assert_int_equal(am_publish(f->store, &o, &res, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no snapshot 42"));
    assert_false(exists(f, "bad2"));

    /* The law hook: a set of persons; an unknown one fails after the salts were due. */
    int64_t ids[] = {5, 4, 999999, 5};
    o.kind = AM_PUBLISH_PERSONS;
    o.person_ids = ids;
    o.n_person_ids = 4;
    o.selection_label = "law:ley-sintetica";
    o.row_commitments = 1;
    o.salts_path = salts;
    am_err_clear(&err);
    assert_int_equal(am_publish(f->store, &o, &res, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no person 999999"));
    assert_false(exists(f, "bad2"));
    assert_false(exists(f, "private/bad2.salts.csv"));
    assert_int_equal(log_size(f), before);

    /* The same hook with known persons works; duplicates count once. */
    o.n_person_ids = 2;
    o.row_commitments = 0;
    int64_t good[] = {5, 5};
    o.person_ids = good;
    am_err_clear(&err);
    assert_int_equal(am_publish(f->store, &o, &res, &err), 0);
    assert_int_equal(res.published, 1);
    struct am_buf m;
    am_buf_init(&m);
    read_out(f, "bad2/manifest.json", &m);
    assert_non_null(
        strstr(m.ptr, "\"selection\":{\"kind\":\"persons\",\"label\":\"law:ley-sintetica\"}"));
    am_buf_release(&m);
    assert_int_equal(log_size(f), before + 1);

    /* Text that is not UTF-8 in the registry stops the publication with the person named. */
    const char *bad_name[] = {"Nombre \xff Roto"};
    int64_t bad_id = 5000;
    exec_bound(f->store,
               "INSERT INTO person (id, display_name, sensitivity) VALUES (?, ?, 'public')",
               bad_name, 1, &bad_id, 1);
    char dir4[700];
    out_path(f, "bad4", dir4, sizeof(dir4));
    struct am_publish_options o4 = o;
    o4.out_dir = dir4;
    o4.person_ids = &bad_id;
    o4.n_person_ids = 1;
    am_err_clear(&err);
    assert_int_equal(am_publish(f->store, &o4, &res, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "person 5000: the name is not valid UTF-8"));
    assert_false(exists(f, "bad4"));
    assert_int_equal(log_size(f), before + 1);

    /* A non-empty output directory is refused. */
    am_err_clear(&err);
    assert_int_equal(am_publish(f->store, &o, &res, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "not empty"));
    assert_int_equal(log_size(f), before + 1);
    /* Another key name for this log is refused, and the directory is not left behind. */
    struct am_note_signer other;
    struct am_note_verifier other_v;
    make_keys("example.org/another-log", &other, &other_v);
    out_path(f, "bad3", dir, sizeof(dir));
    o.out_dir = dir;
    o.signer = &other;
    am_err_clear(&err);
    assert_int_equal(am_publish(f->store, &o, &res, &err), -1);
    assert_int_equal(err.code, AM_ECONFLICT);
    assert_false(exists(f, "bad3"));
    assert_int_equal(log_size(f), before + 1);
}

static int collect_diff(const struct am_diff_row *row, void *ctx)
{
    struct am_buf *b = ctx;
    am_buf_addf(b, "%lld %s %s [%s]\n", (long long)row->person_id, row->change, row->name,
                row->detail);
    return 0;
}

static void test_diff(void **state)
{
    (void)state;
    const char *a = "{\"fields\":[],\"format\":\"amnistia-list/1\",\"rows\":["
                    "{\"person_id\":1,\"name\":\"Uno\",\"status\":\"detained\",\"facility\":\"A\"},"
                    "{\"person_id\":2,\"name\":\"Dos\",\"status\":\"detained\"},"
                    "{\"person_id\":3,\"name\":\"Tres\",\"status\":\"detained\"}]}";
    const char *b = "{\"fields\":[],\"format\":\"amnistia-list/1\",\"rows\":["
                    "{\"person_id\":4,\"name\":\"Cuatro\",\"status\":\"detained\"},"
                    "{\"person_id\":1,\"name\":\"Uno\",\"status\":\"released\",\"facility\":null},"
                    "{\"person_id\":3,\"name\":\"Tres\",\"status\":\"detained\"}]}";
    struct am_buf out;
    am_buf_init(&out);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_publication_diff(a, strlen(a), b, strlen(b), collect_diff, &out, &err), 0);
    assert_string_equal(out.ptr, "1 changed Uno [status: detained -> released; facility: A -> "
                                 "(none)]\n2 removed Dos []\n4 added Cuatro []\n");
    am_buf_reset(&out);
    assert_int_equal(am_publication_diff("[]", 2, b, strlen(b), collect_diff, &out, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "the first list is not a published list"));
    am_err_clear(&err);
    const char *bad = "{\"rows\":[{\"person_id\":\"x\"}]}";
    assert_int_equal(am_publication_diff(a, strlen(a), bad, strlen(bad), collect_diff, &out, &err),
                     -1);
    assert_non_null(strstr(err.msg, "row 1 of the second list has no integer person_id"));
    am_buf_release(&out);
}

static int count_rows(const struct am_publication_row *row, void *ctx)
{
    (void)row;
    (*(int *)ctx)++;
    return 0;
}

static void test_listing(void **state)
{
    struct fixture *f = *state;
    int n = 0;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_publication_list(f->store, count_rows, &n, &err), 0);
    assert_int_equal((uint64_t)n, log_size(f));
    struct am_buf b, file;
    am_buf_init(&b);
    am_buf_init(&file);
    assert_int_equal(am_publication_list_json(f->store, 0, &b, &err), 0);
    read_out(f, "detained/list.json", &file);
    assert_string_equal(b.ptr, file.ptr);
    assert_int_equal(am_publication_list_json(f->store, 9999, &b, &err), -1);
    assert_int_equal(err.code, AM_ENOTFOUND);
    am_buf_release(&b);
    am_buf_release(&file);
}

int run_publication_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redaction),
        cmocka_unit_test(test_tampering),
        cmocka_unit_test(test_forked_log),
        cmocka_unit_test(test_row_commitments),
        cmocka_unit_test(test_bad_input_writes_nothing),
        cmocka_unit_test(test_listing),
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests_name("publication", tests, setup, teardown);
}
