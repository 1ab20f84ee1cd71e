/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Signed notes, checkpoints and tlog-proofs against the Go sumdb and C2SP vectors: key
 * parsing and ids, verification with one, two and unknown keys, byte-identical
 * re-signing, every malformed note with its message, and the C2SP example files.
 */
#include "tests.h"

#include <string.h>

static void load_verifier(const char *rel, struct am_note_verifier *v)
{
    struct am_buf b;
    am_buf_init(&b);
    read_vector(rel, &b);
    struct am_err err = AM_ERR_INIT;
    if (am_note_verifier_parse(b.ptr, v, &err))
        fail_msg("%s: %s", rel, err.msg);
    am_buf_release(&b);
}

static void test_verifier_keys(void **state)
{
    (void)state;
    struct am_note_verifier peter, enoch, foo;
    load_verifier("golang-mod-sumdb/peterneumann.vkey", &peter);
    assert_string_equal(peter.name, "PeterNeumann");
    assert_int_equal(peter.key_id, 0xc74f20a3);
    assert_int_equal(am_note_key_id(peter.name, peter.pubkey), 0xc74f20a3);
    load_verifier("golang-mod-sumdb/enochroot.vkey", &enoch);
    assert_string_equal(enoch.name, "EnochRoot");
    assert_int_equal(enoch.key_id, 0xaf0cfe78);
    load_verifier("c2sp-specs/signed-note-example.vkey", &foo);
    assert_string_equal(foo.name, "example.com/foo");
    assert_int_equal(foo.key_id, 0x530d903a);
}

static void expect_bad_vkey(const char *text, const char *msg_part)
{
    struct am_note_verifier v;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_note_verifier_parse(text, &v, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    if (!strstr(err.msg, msg_part))
        fail_msg("for %s: expected '%s' in '%s'", text, msg_part, err.msg);
}

static void test_bad_keys(void **state)
{
    (void)state;
    expect_bad_vkey("PeterNeumann", "expected name+keyid+base64");
    expect_bad_vkey("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                    "8 hex digits");
    expect_bad_vkey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                    "lowercase");
    /* One character of the key changed: the id no longer matches. */
    expect_bad_vkey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX",
                    "does not match");
    expect_bad_vkey("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                    "invalid key name");
    expect_bad_vkey("PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                    "not base64");
    /* Algorithm 2 is not Ed25519. */
    expect_bad_vkey("PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                    "algorithm 2");
    expect_bad_vkey("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXH"
                    "KDFz",
                    "signing (private) key");
    struct am_note_signer s;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(
        am_note_signer_parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                             &s, &err),
        -1);
    assert_non_null(strstr(err.msg, "PRIVATE+KEY+"));
    am_err_clear(&err);
    assert_int_equal(am_note_signer_parse("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1"
                                          "QIDr+Y7hfZx09iUvxdXHKDFz",
                                          &s, &err),
                     -1);
    assert_non_null(strstr(err.msg, "does not match"));
}

static void open_vector(const char *rel, const struct am_note_verifier *known, size_t nknown,
                        struct am_note *note, struct am_err *err, int *rc)
{
    struct am_buf b;
    am_buf_init(&b);
    read_vector(rel, &b);
    *rc = am_note_open(b.ptr, b.len, known, nknown, rel, note, err);
    am_buf_release(&b);
}

static void test_verify_notes(void **state)
{
    (void)state;
    struct am_note_verifier keys[2];
    load_verifier("golang-mod-sumdb/peterneumann.vkey", &keys[0]);
    load_verifier("golang-mod-sumdb/enochroot.vkey", &keys[1]);
    struct am_note note;
    struct am_err err = AM_ERR_INIT;
    int rc;
    struct am_buf text;
    am_buf_init(&text);
    read_vector("golang-mod-sumdb/note_text.txt", &text);

    open_vector("golang-mod-sumdb/signed_peter.note", keys, 1, &note, &err, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(note.verified, 1);
    assert_int_equal(note.text_len, text.len);
    assert_memory_equal(note.text, text.ptr, text.len);
    am_note_release(&note);

    /* Two signatures, both keys known. */
    open_vector("golang-mod-sumdb/signed_peter_enoch.note", keys, 2, &note, &err, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(note.verified, 2);
    assert_int_equal(note.sigs.n, 2);
    am_note_release(&note);

    /* Only Peter known: Enoch's signature is kept unverified and ignored. */
    open_vector("golang-mod-sumdb/signed_peter_enoch.note", keys, 1, &note, &err, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(note.verified, 1);
    assert_int_equal(note.sigs.n, 2);
    assert_string_equal(note.sigs.v[1].name, "EnochRoot");
    assert_int_equal(note.sigs.v[1].verified, 0);
    am_note_release(&note);

    /* Only Enoch known: the note is not signed by any known key. */
    open_vector("golang-mod-sumdb/signed_peter_enoch.note", keys + 1, 1, &note, &err, &rc);
    assert_int_equal(rc, 0);
    am_note_release(&note);
    open_vector("golang-mod-sumdb/signed_peter.note", keys + 1, 1, &note, &err, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(err.code, AM_EVERIFY);
    assert_non_null(strstr(err.msg, "no signature by a known key"));
    assert_non_null(strstr(err.msg, "PeterNeumann (key c74f20a3)"));
    am_err_clear(&err);

    /* A bad signature by a known key is an error, not an unknown signature. */
    open_vector("golang-mod-sumdb/invalid_sig_peter.note", keys, 2, &note, &err, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(err.code, AM_EVERIFY);
    assert_non_null(strstr(err.msg, "not valid for this text"));
    assert_int_equal(err.input_line, 4);
    am_err_clear(&err);

    /* C2SP's example note verifies end to end. */
    struct am_note_verifier foo;
    load_verifier("c2sp-specs/signed-note-example.vkey", &foo);
    open_vector("c2sp-specs/signed-note-example.note", &foo, 1, &note, &err, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(note.verified, 1);
    assert_string_equal(note.text, "This is an example message.\n");
    am_note_release(&note);
    am_buf_release(&text);
}

static void test_resign_identical(void **state)
{
    (void)state;
    struct am_buf skey, text, want, got, vkey;
    am_buf_init(&skey);
    am_buf_init(&text);
    am_buf_init(&want);
    am_buf_init(&got);
    am_buf_init(&vkey);
    read_vector("golang-mod-sumdb/peterneumann.skey", &skey);
    read_vector("golang-mod-sumdb/note_text.txt", &text);
    read_vector("golang-mod-sumdb/signed_peter.note", &want);
    struct am_note_signer s;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_note_signer_parse(skey.ptr, &s, &err), 0);
    assert_string_equal(s.name, "PeterNeumann");
    assert_int_equal(s.key_id, 0xc74f20a3);
    assert_int_equal(am_note_sign(text.ptr, text.len, &s, 1, &got, &err), 0);
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.ptr, want.ptr, want.len);
    /* The signer's verifier key is the published one. */
    am_note_signer_vkey(&s, &vkey);
    struct am_buf pub;
    am_buf_init(&pub);
    read_vector("golang-mod-sumdb/peterneumann.vkey", &pub);
    assert_string_equal(vkey.ptr, pub.ptr);
    /* Text that is not a note is refused. */
    am_buf_reset(&got);
    assert_int_equal(am_note_sign("no newline", 10, &s, 1, &got, &err), -1);
    assert_non_null(strstr(err.msg, "end with a newline"));
    am_err_clear(&err);
    assert_int_equal(am_note_sign("bell \a\n", 7, &s, 1, &got, &err), -1);
    assert_non_null(strstr(err.msg, "control character"));
    am_buf_release(&pub);
    am_buf_release(&skey);
    am_buf_release(&text);
    am_buf_release(&want);
    am_buf_release(&got);
    am_buf_release(&vkey);
}

static void test_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        const char *msg;
    } cases[] = {
        {"01_no_blank_line.note", "no blank line before the signatures"},
        {"02_no_signatures.note", "no signature lines"},
        {"03_sig_line_no_newline.note", "does not end with a newline"},
        {"04_control_char.note", "control character"},
        {"05_invalid_utf8.note", "not valid UTF-8"},
        {"06_space_in_name.note", "does not end with a newline"},
        {"07_trailing_line.note", "is not a signature"},
    };
    struct am_note_verifier peter;
    load_verifier("golang-mod-sumdb/peterneumann.vkey", &peter);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char rel[256];
        snprintf(rel, sizeof(rel), "golang-mod-sumdb/malformed/%s", cases[i].file);
        struct am_note note;
        struct am_err err = AM_ERR_INIT;
        int rc;
        open_vector(rel, &peter, 1, &note, &err, &rc);
        assert_int_equal(rc, -1);
        assert_int_equal(err.code, AM_EINPUT);
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("%s: expected '%s' in '%s'", rel, cases[i].msg, err.msg);
        assert_string_equal(err.input_file, rel);
    }
    /* 06 with its final newline restored still fails: the name has a space. */
    struct am_buf b;
    am_buf_init(&b);
    read_vector("golang-mod-sumdb/malformed/06_space_in_name.note", &b);
    am_buf_addc(&b, '\n');
    struct am_note note;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_note_open(b.ptr, b.len, &peter, 1, NULL, &note, &err), -1);
    assert_non_null(strstr(err.msg, "malformed signature line"));
    assert_int_equal(err.input_line, 4);
    am_buf_release(&b);
    /* More than 100 signatures. */
    struct am_buf many;
    am_buf_init(&many);
    am_buf_adds(&many, "text\n\n");
    for (int i = 0; i < 101; i++)
        am_buf_addf(&many, "\xe2\x80\x94 k%d AAAAAAAA\n", i);
    am_err_clear(&err);
    assert_int_equal(am_note_open(many.ptr, many.len, &peter, 1, NULL, &note, &err), -1);
    assert_non_null(strstr(err.msg, "more than 100 signatures"));
    am_buf_release(&many);
}

static void test_generate_keys(void **state)
{
    (void)state;
    struct am_buf skey, vkey, signed_note, vkey2;
    am_buf_init(&skey);
    am_buf_init(&vkey);
    am_buf_init(&signed_note);
    am_buf_init(&vkey2);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_note_key_generate("example.org/amnistia", &skey, &vkey, &err), 0);
    assert_true(strncmp(skey.ptr, "PRIVATE+KEY+example.org/amnistia+", 33) == 0);
    assert_true(strncmp(vkey.ptr, "example.org/amnistia+", 21) == 0);
    struct am_note_signer s;
    struct am_note_verifier v;
    assert_int_equal(am_note_signer_parse(skey.ptr, &s, &err), 0);
    assert_int_equal(am_note_verifier_parse(vkey.ptr, &v, &err), 0);
    assert_int_equal(s.key_id, v.key_id);
    am_note_signer_vkey(&s, &vkey2);
    assert_string_equal(vkey2.ptr, vkey.ptr);
    assert_int_equal(am_note_sign("hello\n", 6, &s, 1, &signed_note, &err), 0);
    struct am_note note;
    assert_int_equal(am_note_open(signed_note.ptr, signed_note.len, &v, 1, NULL, &note, &err), 0);
    am_note_release(&note);
    /* One byte of text changed. */
    signed_note.ptr[0] = 'j';
    assert_int_equal(am_note_open(signed_note.ptr, signed_note.len, &v, 1, NULL, &note, &err), -1);
    assert_int_equal(err.code, AM_EVERIFY);
    am_err_clear(&err);
    assert_int_equal(am_note_key_generate("bad name", &skey, &vkey, &err), -1);
    assert_non_null(strstr(err.msg, "not a valid key name"));
    am_err_clear(&err);
    assert_int_equal(am_note_key_generate("a+b", &skey, &vkey, &err), -1);
    assert_false(am_note_name_valid(""));
    assert_false(am_note_name_valid("tab\tname"));
    assert_false(am_note_name_valid("nbsp\xc2\xa0name"));
    assert_true(am_note_name_valid("caf\xc3\xa9.example/log"));
    am_buf_release(&skey);
    am_buf_release(&vkey);
    am_buf_release(&vkey2);
    am_buf_release(&signed_note);
}

static void test_checkpoints(void **state)
{
    (void)state;
    struct am_buf b;
    am_buf_init(&b);
    struct am_err err = AM_ERR_INIT;
    struct am_note note;
    /* The C2SP example checkpoint: its key is not published, so only its form is checked. */
    read_vector("c2sp-specs/tlog-checkpoint-example.parseonly.note", &b);
    assert_int_equal(am_note_open(b.ptr, b.len, NULL, 0, NULL, &note, &err), -1);
    assert_int_equal(err.code, AM_EVERIFY);
    assert_non_null(strstr(err.msg, "example.com/behind-the-sofa"));
    am_err_clear(&err);
    const char *body_end = strstr(b.ptr, "\n\n");
    struct am_checkpoint cp;
    assert_int_equal(am_checkpoint_parse(b.ptr, (size_t)(body_end + 1 - b.ptr), NULL, &cp, &err),
                     0);
    assert_string_equal(cp.origin, "example.com/behind-the-sofa");
    assert_int_equal(cp.size, 20852163);
    struct am_buf again;
    am_buf_init(&again);
    am_checkpoint_format(&cp, &again);
    assert_int_equal(again.len, (size_t)(body_end + 1 - b.ptr));
    assert_memory_equal(again.ptr, b.ptr, again.len);
    am_checkpoint_release(&cp);

    /* The cosigned example has two signature lines, both well-formed. */
    read_vector("c2sp-specs/tlog-cosignature-example.parseonly.note", &b);
    assert_int_equal(am_note_open(b.ptr, b.len, NULL, 0, NULL, &note, &err), -1);
    assert_non_null(strstr(err.msg, "witness.example.com/w1"));
    am_err_clear(&err);
    read_vector("c2sp-specs/signed-note-quasimodo.parseonly.note", &b);
    assert_int_equal(am_note_open(b.ptr, b.len, NULL, 0, NULL, &note, &err), -1);
    assert_int_equal(err.code, AM_EVERIFY);
    am_err_clear(&err);

    /* The Go tree note body. */
    read_vector("golang-mod-sumdb/tree_note_body.txt", &b);
    assert_int_equal(am_checkpoint_parse(b.ptr, b.len, NULL, &cp, &err), 0);
    assert_string_equal(cp.origin, "go.sum database tree");
    assert_int_equal(cp.size, 123456789012ULL);
    am_checkpoint_release(&cp);

    /* Malformed checkpoints, each with its line. */
    static const struct {
        const char *text;
        long line;
        const char *msg;
    } bad[] = {
        {"\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 1, "origin"},
        {"log\n05\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 2, "leading zeros"},
        {"log\n-5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 2, "tree size"},
        {"log\n99999999999999999999\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 2, "size"},
        {"log\n5\nAAAA\n", 3, "32-byte root"},
        {"log\n5\n", 3, "third line"},
        {"log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n", 4, "extension lines"},
        {"log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next", 4, "extension lines"},
        {"log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nx\ty\n", 4, "control character"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        am_err_clear(&err);
        assert_int_equal(am_checkpoint_parse(bad[i].text, strlen(bad[i].text), "cp", &cp, &err),
                         -1);
        assert_int_equal(err.code, AM_EINPUT);
        assert_int_equal(err.input_line, bad[i].line);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("case %zu: '%s' not in '%s'", i, bad[i].msg, err.msg);
    }
    /* A NUL inside the origin (found by fuzzing) is refused, not truncated. */
    am_err_clear(&err);
    static const char nul[] = "lo\0g\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    assert_int_equal(am_checkpoint_parse(nul, sizeof(nul) - 1, NULL, &cp, &err), -1);
    assert_non_null(strstr(err.msg, "control character"));
    /* An extension line is kept and written back. */
    const char *ext = "log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nx ext\n";
    assert_int_equal(am_checkpoint_parse(ext, strlen(ext), NULL, &cp, &err), 0);
    assert_string_equal(cp.extensions, "x ext\n");
    am_buf_reset(&again);
    am_checkpoint_format(&cp, &again);
    assert_string_equal(again.ptr, ext);
    am_checkpoint_release(&cp);
    am_buf_release(&again);
    am_buf_release(&b);
}

static void test_tlog_proofs(void **state)
{
    (void)state;
    struct am_buf b;
    am_buf_init(&b);
    read_vector("c2sp-specs/tlog-proof-example.formatonly.tlog-proof", &b);
    struct am_tlog_proof p;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_tlog_proof_parse(b.ptr, b.len, NULL, &p, &err), 0);
    assert_int_equal(p.index, 73894);
    assert_int_equal(p.hashes.n, 5);
    assert_true(p.has_extra);
    assert_true(strncmp(p.checkpoint, "example.com/fancylog\n109482\n", 28) == 0);
    /* Its signature is elided ("[...]"), so the checkpoint note is malformed. */
    struct am_note note;
    assert_int_equal(am_note_open(p.checkpoint, p.checkpoint_len, NULL, 0, NULL, &note, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    am_err_clear(&err);
    /* Written back without the extra line, it parses to the same proof. */
    struct am_buf again;
    am_buf_init(&again);
    am_tlog_proof_format(p.index, p.hashes.v, p.hashes.n, p.checkpoint, p.checkpoint_len, &again);
    struct am_tlog_proof q;
    assert_int_equal(am_tlog_proof_parse(again.ptr, again.len, NULL, &q, &err), 0);
    assert_int_equal(q.index, p.index);
    assert_int_equal(q.hashes.n, 5);
    assert_memory_equal(q.hashes.v, p.hashes.v, 5 * sizeof(struct am_hash));
    assert_false(q.has_extra);
    am_tlog_proof_release(&q);
    am_tlog_proof_release(&p);

    static const struct {
        const char *text;
        long line;
        const char *msg;
    } bad[] = {
        {"c2sp.org/tlog-proof@v2\nindex 1\n\ncp\n", 1, "first line"},
        {"c2sp.org/tlog-proof@v1\n", 2, "ends before the index"},
        {"c2sp.org/tlog-proof@v1\nindex 01\n\ncp\n", 2, "index N"},
        {"c2sp.org/tlog-proof@v1\nextra !!\nindex 1\n\ncp\n", 2, "extra data"},
        {"c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\ncp\n", 3, "32-byte hash"},
        {"c2sp.org/tlog-proof@v1\nindex 1\n", 3, "no blank line"},
        {"c2sp.org/tlog-proof@v1\nindex 1\n\n", 4, "checkpoint is missing"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        am_err_clear(&err);
        assert_int_equal(am_tlog_proof_parse(bad[i].text, strlen(bad[i].text), "p", &p, &err), -1);
        assert_int_equal(err.input_line, bad[i].line);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("case %zu: '%s' not in '%s'", i, bad[i].msg, err.msg);
    }
    am_buf_release(&again);
    am_buf_release(&b);
}

static void test_base64(void **state)
{
    (void)state;
    struct am_buf out;
    am_buf_init(&out);
    am_base64_encode("foob", 4, &out);
    assert_string_equal(out.ptr, "Zm9vYg==");
    struct am_buf dec;
    am_buf_init(&dec);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_base64_decode(out.ptr, out.len, &dec, &err), 0);
    assert_string_equal(dec.ptr, "foob");
    assert_int_equal(am_base64_decode("Zm9vYg", 6, &dec, &err), -1);
    assert_int_equal(am_base64_decode("Zm9v Yg=", 8, &dec, &err), -1);
    /* A byte above 0x7f, which libsodium alone would take for a digit (found by fuzzing). */
    assert_int_equal(am_base64_decode("Zm9v\xa5g==", 8, &dec, &err), -1);
    assert_int_equal(am_base64_decode("Zm=vYg==", 8, &dec, &err), -1);
    assert_int_equal(am_base64_decode("", 0, &dec, &err), 0);
    am_buf_release(&out);
    am_buf_release(&dec);
}

int run_note_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verifier_keys), cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_verify_notes),  cmocka_unit_test(test_resign_identical),
        cmocka_unit_test(test_malformed),     cmocka_unit_test(test_generate_keys),
        cmocka_unit_test(test_checkpoints),   cmocka_unit_test(test_tlog_proofs),
        cmocka_unit_test(test_base64),
    };
    return cmocka_run_group_tests_name("note", tests, NULL, NULL);
}
