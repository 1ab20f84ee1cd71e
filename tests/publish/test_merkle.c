/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Merkle tree tests: the RFC 6962 reference tree (every root and complete subtree), every
 * inclusion and consistency vector of transparency-dev/merkle in both its TSV and JSON
 * forms, and our own proofs for every size up to 70 checked both ways and mutated.
 */
#include "tests.h"

#include "publish/publish_int.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *ref_leaves[8] = {"",
                                    "00",
                                    "10",
                                    "2021",
                                    "3031",
                                    "40414243",
                                    "5051525354555657",
                                    "606162636465666768696a6b6c6d6e6f"};

static void ref_leaf_hashes(struct am_hash out[8])
{
    for (int i = 0; i < 8; i++) {
        uint8_t raw[32];
        int n = unhex(ref_leaves[i], raw, sizeof(raw));
        assert_true(n >= 0);
        am_merkle_leaf_hash(raw, (size_t)n, &out[i]);
    }
}

static void hex_of(const struct am_hash *h, char out[65])
{
    am_hex(h->b, AM_HASH_LEN, out);
}

/* Every line of rfc6962_reference_tree.txt: leaves, roots 0..8, nodes, hasher vectors. */
static void test_reference_tree(void **state)
{
    (void)state;
    struct am_buf buf;
    am_buf_init(&buf);
    read_vector("transparency-dev-merkle/rfc6962_reference_tree.txt", &buf);
    struct am_hash leaves[8];
    ref_leaf_hashes(leaves);
    struct am_tree *tree = am_tree_new();
    for (int i = 0; i < 8; i++)
        am_tree_append(tree, &leaves[i]);
    int roots = 0, nodes = 0, leafs = 0, hashers = 0;
    char *save = NULL;
    for (char *line = strtok_r(buf.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        char *f[5] = {0};
        int nf = 0;
        for (char *p = line; nf < 5;) {
            f[nf++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        char got[65];
        struct am_hash h;
        struct am_err err = AM_ERR_INIT;
        if (strcmp(f[0], "leaf") == 0) {
            int i = (int)strtol(f[1], NULL, 10);
            assert_string_equal(nf > 2 ? f[2] : "", ref_leaves[i]);
            leafs++;
        } else if (strcmp(f[0], "root") == 0) {
            uint64_t size = strtoull(f[1], NULL, 10);
            am_merkle_root(leaves, size, &h);
            hex_of(&h, got);
            assert_string_equal(got, f[2]);
            assert_int_equal(am_tree_root(tree, size, &h, &err), 0);
            hex_of(&h, got);
            assert_string_equal(got, f[2]);
            roots++;
        } else if (strcmp(f[0], "node") == 0) {
            int level = (int)strtol(f[1], NULL, 10), index = (int)strtol(f[2], NULL, 10);
            am_merkle_root(leaves + (index << level), 1u << level, &h);
            hex_of(&h, got);
            assert_string_equal(got, f[3]);
            nodes++;
        } else if (strcmp(f[0], "hashleaf_ascii") == 0) {
            const char *in = nf == 3 ? f[1] : "";
            const char *want = nf == 3 ? f[2] : f[nf - 1];
            am_merkle_leaf_hash(in, strlen(in), &h);
            hex_of(&h, got);
            assert_string_equal(got, want);
            hashers++;
        } else if (strcmp(f[0], "hashchildren_ascii") == 0) {
            am__merkle_hash_children(f[1], strlen(f[1]), f[2], strlen(f[2]), &h);
            hex_of(&h, got);
            assert_string_equal(got, f[3]);
            hashers++;
        } else {
            fail_msg("unknown line kind %s", f[0]);
        }
    }
    assert_int_equal(leafs, 8);
    assert_int_equal(roots, 9);
    assert_int_equal(nodes, 15);
    assert_int_equal(hashers, 3);
    /* A size beyond the tree is refused. */
    struct am_err err = AM_ERR_INIT;
    struct am_hash h;
    assert_int_equal(am_tree_root(tree, 9, &h, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    am_tree_free(tree);
    am_buf_release(&buf);
}

/* Decodes a comma-separated proof; '~' elements and bad base64 make it undecodable. */
static int decode_proof(const char *s, struct am_hash *proof, size_t *n)
{
    *n = 0;
    if (strcmp(s, "-") == 0)
        return 0;
    char *copy = am_strdup(s), *save = NULL;
    int rc = 0;
    size_t len = strlen(copy);
    /* strtok_r would skip empty elements; walk by hand. */
    for (char *p = copy; p <= copy + len;) {
        char *c = strchr(p, ',');
        if (c)
            *c = '\0';
        if (strcmp(p, "~") == 0 || *p == '\0' || *n >= AM_PROOF_MAX || b64_hash(p, &proof[*n]))
            rc = -1;
        else
            (*n)++;
        if (!c)
            break;
        p = c + 1;
    }
    (void)save;
    am_free(copy);
    return rc;
}

/* One inclusion case: 1 when verification rejects it (at decoding or proving). */
static int inclusion_rejects(uint64_t idx, uint64_t size, const char *root, const char *leaf,
                             int proof_ok, const struct am_hash *proof, size_t n, char *why,
                             size_t whylen)
{
    struct am_hash r, l;
    if (!proof_ok || b64_hash(root, &r) || b64_hash(leaf, &l)) {
        snprintf(why, whylen, "undecodable hash");
        return 1;
    }
    struct am_err err = AM_ERR_INIT;
    int rc = am_merkle_verify_inclusion(idx, size, &l, proof, n, &r, &err);
    if (rc) {
        assert_int_equal(err.code, AM_EVERIFY);
        assert_true(strlen(err.msg) > 20);
        snprintf(why, whylen, "%s", err.msg);
    }
    return rc != 0;
}

static int consistency_rejects(uint64_t s1, uint64_t s2, const char *root1, const char *root2,
                               int proof_ok, const struct am_hash *proof, size_t n)
{
    if (!proof_ok)
        return 1;
    struct am_buf r1, r2;
    am_buf_init(&r1);
    am_buf_init(&r2);
    struct am_err err = AM_ERR_INIT;
    int rc = am_base64_decode(root1, strlen(root1), &r1, &err) ||
             am_base64_decode(root2, strlen(root2), &r2, &err);
    if (rc == 0) {
        rc = am_merkle_verify_consistency(s1, s2, (const uint8_t *)r1.ptr, r1.len,
                                          (const uint8_t *)r2.ptr, r2.len, proof, n, &err);
        if (rc)
            assert_int_equal(err.code, AM_EVERIFY);
    }
    am_buf_release(&r1);
    am_buf_release(&r2);
    return rc != 0;
}

static int split_tabs(char *line, char **f, int max)
{
    int nf = 0;
    for (char *p = line; nf < max;) {
        f[nf++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return nf;
}

static void test_inclusion_tsv(void **state)
{
    (void)state;
    struct am_buf buf;
    am_buf_init(&buf);
    read_vector("transparency-dev-merkle/inclusion.tsv", &buf);
    int cases = 0, happy = 0;
    char *save = NULL;
    for (char *line = strtok_r(buf.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        char *f[7] = {0};
        assert_int_equal(split_tabs(line, f, 7), 7);
        struct am_hash proof[AM_PROOF_MAX];
        size_t n;
        int pok = decode_proof(f[5], proof, &n) == 0;
        char why[800];
        int rej = inclusion_rejects(strtoull(f[1], NULL, 10), strtoull(f[2], NULL, 10),
                                    strcmp(f[3], "-") ? f[3] : "", strcmp(f[4], "-") ? f[4] : "",
                                    pok, proof, n, why, sizeof(why));
        if (rej != (f[6][0] == '1'))
            fail_msg("%s: expected %s, got %s (%s)", f[0], f[6][0] == '1' ? "reject" : "accept",
                     rej ? "reject" : "accept", rej ? why : "");
        happy += !rej;
        cases++;
    }
    assert_int_equal(cases, 98);
    assert_true(happy >= 5);
    am_buf_release(&buf);
}

static void test_consistency_tsv(void **state)
{
    (void)state;
    struct am_buf buf;
    am_buf_init(&buf);
    read_vector("transparency-dev-merkle/consistency.tsv", &buf);
    int cases = 0;
    char *save = NULL;
    for (char *line = strtok_r(buf.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        char *f[7] = {0};
        assert_int_equal(split_tabs(line, f, 7), 7);
        struct am_hash proof[AM_PROOF_MAX];
        size_t n;
        int pok = decode_proof(f[5], proof, &n) == 0;
        int rej = consistency_rejects(strtoull(f[1], NULL, 10), strtoull(f[2], NULL, 10),
                                      strcmp(f[3], "-") ? f[3] : "", strcmp(f[4], "-") ? f[4] : "",
                                      pok, proof, n);
        if (rej != (f[6][0] == '1'))
            fail_msg("%s: expected %s", f[0], f[6][0] == '1' ? "reject" : "accept");
        cases++;
    }
    assert_int_equal(cases, 98);
    am_buf_release(&buf);
}

/* Integer fields read from the text: leafIdx can be 2^64-1, beyond jansson's integers. */
static uint64_t json_u64(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    const char *p = strstr(text, pat);
    assert_non_null(p);
    return strtoull(p + strlen(pat), NULL, 10);
}

static const char *json_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* The JSON proof array as our comma-separated form, so one decoder serves both. */
static void json_proof(json_t *o, struct am_buf *out)
{
    json_t *arr = json_object_get(o, "proof");
    am_buf_reset(out);
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        am_buf_adds(out, "-");
        return;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        am_buf_addf(out, "%s%s", i ? "," : "", s && *s ? s : "~");
    }
}

struct json_count {
    int inclusion, consistency;
};

static void run_json_case(const char *path, int inclusion, struct json_count *count)
{
    struct am_buf text, proofs;
    am_buf_init(&text);
    am_buf_init(&proofs);
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_buf_read_file(&text, path, &err), 0);
    json_error_t jerr;
    json_t *o = json_loads(text.ptr, JSON_DECODE_INT_AS_REAL, &jerr);
    if (!o)
        fail_msg("%s: %s", path, jerr.text);
    json_proof(o, &proofs);
    struct am_hash proof[AM_PROOF_MAX];
    size_t n;
    int pok = decode_proof(proofs.ptr, proof, &n) == 0;
    int want = json_is_true(json_object_get(o, "wantErr"));
    int rej;
    char why[800];
    if (inclusion) {
        rej = inclusion_rejects(json_u64(text.ptr, "leafIdx"), json_u64(text.ptr, "treeSize"),
                                json_str(o, "root"), json_str(o, "leafHash"), pok, proof, n, why,
                                sizeof(why));
        count->inclusion++;
    } else {
        rej = consistency_rejects(json_u64(text.ptr, "size1"), json_u64(text.ptr, "size2"),
                                  json_str(o, "root1"), json_str(o, "root2"), pok, proof, n);
        count->consistency++;
    }
    if (rej != want)
        fail_msg("%s: expected %s", path, want ? "reject" : "accept");
    json_decref(o);
    am_buf_release(&text);
    am_buf_release(&proofs);
}

static void walk(const char *dir, int inclusion, struct json_count *count)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            run_json_case(path, inclusion, count);
        else
            walk(path, inclusion, count);
    }
    closedir(d);
}

static void test_json_testdata(void **state)
{
    (void)state;
    struct json_count count = {0, 0};
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/tests/vectors/tlog/transparency-dev-merkle/testdata/inclusion",
             AM_SOURCE_DIR);
    walk(dir, 1, &count);
    snprintf(dir, sizeof(dir), "%s/tests/vectors/tlog/transparency-dev-merkle/testdata/consistency",
             AM_SOURCE_DIR);
    walk(dir, 0, &count);
    assert_int_equal(count.inclusion, 98);
    assert_int_equal(count.consistency, 98);
}

/* Our proofs equal the vectors' happy paths on the reference tree. */
static void test_reference_proofs(void **state)
{
    (void)state;
    struct am_hash leaves[8], proof[AM_PROOF_MAX], want;
    ref_leaf_hashes(leaves);
    struct am_tree *tree = am_tree_new();
    for (int i = 0; i < 8; i++)
        am_tree_append(tree, &leaves[i]);
    size_t n;
    struct am_err err = AM_ERR_INIT;
    /* inclusion/1/happy-path.json: leaf 0 in the tree of 8. */
    assert_int_equal(am_tree_inclusion_proof(tree, 0, 8, proof, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(b64_hash("lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=", &want), 0);
    assert_memory_equal(proof[0].b, want.b, 32);
    assert_int_equal(b64_hash("a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=", &want), 0);
    assert_memory_equal(proof[2].b, want.b, 32);
    /* consistency/1/happy-path.json: 1 -> 8 has the same three hashes. */
    struct am_hash cproof[AM_PROOF_MAX];
    size_t cn;
    assert_int_equal(am_tree_consistency_proof(tree, 1, 8, cproof, &cn, &err), 0);
    assert_int_equal(cn, 3);
    assert_memory_equal(cproof, proof, 3 * sizeof(struct am_hash));
    /* Refusals with reasons. */
    assert_int_equal(am_tree_inclusion_proof(tree, 8, 8, proof, &n, &err), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_non_null(strstr(err.msg, "no entry 8"));
    am_err_clear(&err);
    assert_int_equal(am_tree_consistency_proof(tree, 0, 8, proof, &n, &err), -1);
    assert_int_equal(am_tree_consistency_proof(tree, 5, 9, proof, &n, &err), -1);
    am_tree_free(tree);
}

/* Every index and every pair of sizes up to 70: generated proofs verify; altered ones fail. */
static void test_generated_proofs(void **state)
{
    (void)state;
    enum { N = 70 };
    struct am_hash leaves[N], roots[N + 1], proof[AM_PROOF_MAX];
    struct am_tree *tree = am_tree_new();
    for (int i = 0; i < N; i++) {
        char entry[32];
        snprintf(entry, sizeof(entry), "entry %d", i);
        am_merkle_leaf_hash(entry, strlen(entry), &leaves[i]);
        am_tree_append(tree, &leaves[i]);
    }
    struct am_err err = AM_ERR_INIT;
    for (uint64_t s = 0; s <= N; s++) {
        am_merkle_root(leaves, s, &roots[s]);
        struct am_hash r;
        assert_int_equal(am_tree_root(tree, s, &r, &err), 0);
        assert_memory_equal(r.b, roots[s].b, 32);
    }
    for (uint64_t s = 1; s <= N; s++)
        for (uint64_t i = 0; i < s; i++) {
            size_t n;
            assert_int_equal(am_tree_inclusion_proof(tree, i, s, proof, &n, &err), 0);
            assert_int_equal(
                am_merkle_verify_inclusion(i, s, &leaves[i], proof, n, &roots[s], &err), 0);
            if (n > 0) {
                proof[n / 2].b[7] ^= 1;
                assert_int_equal(
                    am_merkle_verify_inclusion(i, s, &leaves[i], proof, n, &roots[s], &err), -1);
                am_err_clear(&err);
                proof[n / 2].b[7] ^= 1;
                /* One hash short. */
                assert_int_equal(
                    am_merkle_verify_inclusion(i, s, &leaves[i], proof, n - 1, &roots[s], &err),
                    -1);
                am_err_clear(&err);
            }
            /* Another leaf. */
            assert_int_equal(
                am_merkle_verify_inclusion(i, s, &leaves[(i + 1) % N], proof, n, &roots[s], &err),
                -1);
            am_err_clear(&err);
        }
    for (uint64_t a = 1; a <= N; a++)
        for (uint64_t b = a; b <= N; b++) {
            size_t n;
            assert_int_equal(am_tree_consistency_proof(tree, a, b, proof, &n, &err), 0);
            assert_int_equal(
                am_merkle_verify_consistency(a, b, roots[a].b, 32, roots[b].b, 32, proof, n, &err),
                0);
            if (a < b) {
                /* A forked history: the old root of another tree. */
                struct am_hash other = roots[a];
                other.b[0] ^= 0x80;
                assert_int_equal(
                    am_merkle_verify_consistency(a, b, other.b, 32, roots[b].b, 32, proof, n, &err),
                    -1);
                assert_int_equal(err.code, AM_EVERIFY);
                am_err_clear(&err);
                proof[n - 1].b[3] ^= 4;
                assert_int_equal(am_merkle_verify_consistency(a, b, roots[a].b, 32, roots[b].b, 32,
                                                              proof, n, &err),
                                 -1);
                am_err_clear(&err);
            }
        }
    /* Truncation undoes appends exactly. */
    am_tree_truncate(tree, 37);
    assert_int_equal(am_tree_size(tree), 37);
    struct am_hash r;
    assert_int_equal(am_tree_root(tree, 37, &r, &err), 0);
    assert_memory_equal(r.b, roots[37].b, 32);
    for (int i = 37; i < N; i++)
        am_tree_append(tree, &leaves[i]);
    assert_int_equal(am_tree_root(tree, N, &r, &err), 0);
    assert_memory_equal(r.b, roots[N].b, 32);
    am_tree_free(tree);
}

static void test_verify_messages(void **state)
{
    (void)state;
    struct am_hash h = {{0}}, proof[2] = {{{0}}};
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(am_merkle_verify_inclusion(5, 5, &h, proof, 0, &h, &err), -1);
    assert_non_null(strstr(err.msg, "outside a tree of 5"));
    am_err_clear(&err);
    assert_int_equal(am_merkle_verify_consistency(3, 2, h.b, 32, h.b, 32, proof, 0, &err), -1);
    assert_non_null(strstr(err.msg, "shrank"));
    am_err_clear(&err);
    assert_int_equal(am_merkle_verify_consistency(0, 2, h.b, 32, h.b, 32, proof, 0, &err), -1);
    assert_non_null(strstr(err.msg, "empty tree"));
    am_err_clear(&err);
    struct am_hash h2 = h;
    h2.b[0] = 1;
    assert_int_equal(am_merkle_verify_consistency(4, 4, h.b, 32, h2.b, 32, proof, 0, &err), -1);
    assert_non_null(strstr(err.msg, "forked"));
    am_err_clear(&err);
    assert_int_equal(am_merkle_verify_consistency(4, 4, h.b, 32, h.b, 32, proof, 1, &err), -1);
    assert_non_null(strstr(err.msg, "empty consistency proof"));
    am_err_clear(&err);
    assert_int_equal(am_merkle_verify_consistency(3, 4, h.b, 32, h.b, 32, proof, 0, &err), -1);
    assert_non_null(strstr(err.msg, "is empty"));
}

int run_merkle_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_tree),   cmocka_unit_test(test_inclusion_tsv),
        cmocka_unit_test(test_consistency_tsv),  cmocka_unit_test(test_json_testdata),
        cmocka_unit_test(test_reference_proofs), cmocka_unit_test(test_generated_proofs),
        cmocka_unit_test(test_verify_messages),
    };
    return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
