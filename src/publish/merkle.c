/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The Merkle tree of RFC 9162 §2.1: leaf and node hashing, MTH, inclusion and
 * consistency proofs (built by the RFC's own PATH and SUBPROOF recursions) and their
 * verification (the RFC's §2.1.3.2 and §2.1.4.2 algorithms, step by step). The tree keeps
 * every complete subtree hash, so any subtree on the recursion is one lookup, except the
 * one partial subtree on the right edge, which costs O(log n) hashes. Storage is log.c's.
 */
#include "publish_int.h"

#include <string.h>

#define MAX_LEVELS 64

void am_merkle_leaf_hash(const void *entry, size_t len, struct am_hash *out)
{
    struct am_sha256_ctx ctx;
    static const uint8_t prefix = 0x00;
    am_sha256_init(&ctx);
    am_sha256_update(&ctx, &prefix, 1);
    am_sha256_update(&ctx, entry, len);
    am_sha256_final(&ctx, out->b);
}

void am__merkle_hash_children(const void *left, size_t llen, const void *right, size_t rlen,
                              struct am_hash *out)
{
    struct am_sha256_ctx ctx;
    static const uint8_t prefix = 0x01;
    am_sha256_init(&ctx);
    am_sha256_update(&ctx, &prefix, 1);
    am_sha256_update(&ctx, left, llen);
    am_sha256_update(&ctx, right, rlen);
    am_sha256_final(&ctx, out->b);
}

void am_merkle_node_hash(const struct am_hash *left, const struct am_hash *right,
                         struct am_hash *out)
{
    uint8_t buf[1 + 2 * AM_HASH_LEN];
    buf[0] = 0x01;
    memcpy(buf + 1, left->b, AM_HASH_LEN);
    memcpy(buf + 1 + AM_HASH_LEN, right->b, AM_HASH_LEN);
    am_sha256(buf, sizeof(buf), out->b);
}

/* The largest power of two strictly less than n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

static void mth_leaves(const struct am_hash *leaves, uint64_t n, struct am_hash *out)
{
    if (n == 1) {
        *out = leaves[0];
        return;
    }
    uint64_t k = split_point(n);
    struct am_hash l, r;
    mth_leaves(leaves, k, &l);
    mth_leaves(leaves + k, n - k, &r);
    am_merkle_node_hash(&l, &r, out);
}

void am_merkle_root(const struct am_hash *leaves, uint64_t n, struct am_hash *out)
{
    if (n == 0) {
        am_sha256("", 0, out->b);
        return;
    }
    mth_leaves(leaves, n, out);
}

/* ---- verification -------------------------------------------------------------------- */

int am_merkle_verify_inclusion(uint64_t index, uint64_t size, const struct am_hash *leaf,
                               const struct am_hash *proof, size_t nproof,
                               const struct am_hash *root, struct am_err *err)
{
    /* §2.1.3.2 step 1. */
    if (index >= size)
        return AM_FAIL(err, AM_EVERIFY,
                       "leaf index %llu is outside a tree of %llu entries; the proof is for "
                       "another tree",
                       (unsigned long long)index, (unsigned long long)size);
    uint64_t fn = index, sn = size - 1;
    struct am_hash r = *leaf;
    for (size_t i = 0; i < nproof; i++) {
        if (sn == 0)
            return AM_FAIL(err, AM_EVERIFY,
                           "the inclusion proof has %zu hashes, more than a tree of %llu "
                           "entries needs; it was altered or made for another tree",
                           nproof, (unsigned long long)size);
        if ((fn & 1) || fn == sn) {
            am_merkle_node_hash(&proof[i], &r, &r);
            if (!(fn & 1))
                while (fn != 0 && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            am_merkle_node_hash(&r, &proof[i], &r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return AM_FAIL(err, AM_EVERIFY,
                       "the inclusion proof has %zu hashes, fewer than a tree of %llu entries "
                       "needs; it was truncated or made for another tree",
                       nproof, (unsigned long long)size);
    if (memcmp(r.b, root->b, AM_HASH_LEN) != 0)
        return AM_FAIL(err, AM_EVERIFY,
                       "the inclusion proof does not lead to the checkpoint's root hash: the "
                       "entry, the proof or the checkpoint was altered");
    return 0;
}

int am_merkle_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t *root1,
                                 size_t root1_len, const uint8_t *root2, size_t root2_len,
                                 const struct am_hash *proof, size_t nproof, struct am_err *err)
{
    if (size1 > size2)
        return AM_FAIL(err, AM_EVERIFY,
                       "the older tree has %llu entries, more than the newer one (%llu): the "
                       "log shrank or the checkpoints are swapped",
                       (unsigned long long)size1, (unsigned long long)size2);
    if (size1 == 0)
        return AM_FAIL(err, AM_EVERIFY,
                       "a consistency proof from the empty tree proves nothing; compare with a "
                       "checkpoint of at least one entry");
    if (size1 == size2) {
        if (nproof != 0)
            return AM_FAIL(err, AM_EVERIFY,
                           "trees of equal size need an empty consistency proof, this one has "
                           "%zu hashes",
                           nproof);
        if (root1_len != root2_len || memcmp(root1, root2, root1_len) != 0)
            return AM_FAIL(err, AM_EVERIFY,
                           "two checkpoints of the same size (%llu) have different root "
                           "hashes: the log was forked",
                           (unsigned long long)size1);
        return 0;
    }
    if (root1_len != AM_HASH_LEN || root2_len != AM_HASH_LEN)
        return AM_FAIL(err, AM_EVERIFY, "a root hash is not %d bytes long", AM_HASH_LEN);
    /* §2.1.4.2 step 1. */
    if (nproof == 0)
        return AM_FAIL(err, AM_EVERIFY, "the consistency proof is empty");
    struct am_hash first;
    memcpy(first.b, root1, AM_HASH_LEN);
    /* Step 2: for a power-of-two first size, the old root is the first path element. */
    size_t start = 0;
    const struct am_hash *path0 = &proof[0];
    if ((size1 & (size1 - 1)) == 0)
        path0 = &first;
    else
        start = 1;
    /* Steps 3-4. */
    uint64_t fn = size1 - 1, sn = size2 - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    /* Step 5. */
    struct am_hash fr = *path0, sr = *path0;
    /* Step 6 over the remaining elements. */
    for (size_t i = start; i < nproof; i++) {
        const struct am_hash *c = &proof[i];
        if (sn == 0)
            return AM_FAIL(err, AM_EVERIFY,
                           "the consistency proof has more hashes than trees of %llu and %llu "
                           "entries need",
                           (unsigned long long)size1, (unsigned long long)size2);
        if ((fn & 1) || fn == sn) {
            am_merkle_node_hash(c, &fr, &fr);
            am_merkle_node_hash(c, &sr, &sr);
            if (!(fn & 1))
                while (fn != 0 && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            am_merkle_node_hash(&sr, c, &sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    /* Step 7. */
    if (sn != 0)
        return AM_FAIL(err, AM_EVERIFY,
                       "the consistency proof has fewer hashes than trees of %llu and %llu "
                       "entries need",
                       (unsigned long long)size1, (unsigned long long)size2);
    if (memcmp(fr.b, root1, AM_HASH_LEN) != 0)
        return AM_FAIL(err, AM_EVERIFY,
                       "the consistency proof does not lead to the older root hash: the log "
                       "of %llu entries is not a prefix of the newer one (history was "
                       "rewritten or the proof altered)",
                       (unsigned long long)size1);
    if (memcmp(sr.b, root2, AM_HASH_LEN) != 0)
        return AM_FAIL(err, AM_EVERIFY,
                       "the consistency proof does not lead to the newer root hash: the log "
                       "of %llu entries is not an extension of the older one (history was "
                       "rewritten or the proof altered)",
                       (unsigned long long)size2);
    return 0;
}

/* ---- the tree ---------------------------------------------------------------------- */

struct level {
    struct am_hash *v;
    uint64_t n, cap;
};

struct am_tree {
    uint64_t size;
    struct level levels[MAX_LEVELS]; /* levels[l]: hashes of complete subtrees of 2^l leaves */
};

struct am_tree *am_tree_new(void)
{
    return am_calloc(1, sizeof(struct am_tree));
}

void am_tree_free(struct am_tree *tree)
{
    if (!tree)
        return;
    for (int l = 0; l < MAX_LEVELS; l++)
        am_free(tree->levels[l].v);
    am_free(tree);
}

static void level_push(struct level *lv, const struct am_hash *h)
{
    if (lv->n == lv->cap) {
        lv->cap = lv->cap ? lv->cap * 2 : 64;
        lv->v = am_realloc(lv->v, lv->cap * sizeof(*lv->v));
    }
    lv->v[lv->n++] = *h;
}

void am_tree_append(struct am_tree *tree, const struct am_hash *leaf_hash)
{
    level_push(&tree->levels[0], leaf_hash);
    uint64_t i = tree->size;
    tree->size++;
    /* Each time the new leaf closes a subtree, its hash goes one level up. */
    for (int l = 0; (i & 1) && l + 1 < MAX_LEVELS; l++, i >>= 1) {
        struct am_hash h;
        am_merkle_node_hash(&tree->levels[l].v[i - 1], &tree->levels[l].v[i], &h);
        level_push(&tree->levels[l + 1], &h);
    }
}

uint64_t am_tree_size(const struct am_tree *tree)
{
    return tree->size;
}

void am_tree_truncate(struct am_tree *tree, uint64_t size)
{
    if (size >= tree->size)
        return;
    tree->size = size;
    for (int l = 0; l < MAX_LEVELS; l++)
        tree->levels[l].n = size >> l;
}

const struct am_hash *am_tree_leaf(const struct am_tree *tree, uint64_t index)
{
    AM_ASSERT(index < tree->size);
    return &tree->levels[0].v[index];
}

/* MTH(D[lo:hi]) for a range of the RFC recursion: one lookup when complete. */
static void subtree(const struct am_tree *t, uint64_t lo, uint64_t hi, struct am_hash *out)
{
    uint64_t len = hi - lo;
    if ((len & (len - 1)) == 0) {
        int l = __builtin_ctzll(len);
        if (lo % len == 0) {
            *out = t->levels[l].v[lo >> l];
            return;
        }
    }
    uint64_t k = split_point(len);
    struct am_hash a, b;
    subtree(t, lo, lo + k, &a);
    subtree(t, lo + k, hi, &b);
    am_merkle_node_hash(&a, &b, out);
}

int am_tree_root(const struct am_tree *tree, uint64_t size, struct am_hash *out, struct am_err *err)
{
    if (size > tree->size)
        return AM_FAIL(err, AM_EINPUT, "the log has %llu entries, not %llu",
                       (unsigned long long)tree->size, (unsigned long long)size);
    if (size == 0)
        am_sha256("", 0, out->b);
    else
        subtree(tree, 0, size, out);
    return 0;
}

/* PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, leaf sibling first. */
static void path(const struct am_tree *t, uint64_t m, uint64_t lo, uint64_t hi,
                 struct am_hash *proof, size_t *n)
{
    uint64_t len = hi - lo;
    if (len <= 1)
        return;
    uint64_t k = split_point(len);
    if (m < k) {
        path(t, m, lo, lo + k, proof, n);
        subtree(t, lo + k, hi, &proof[(*n)++]);
    } else {
        path(t, m - k, lo + k, hi, proof, n);
        subtree(t, lo, lo + k, &proof[(*n)++]);
    }
}

int am_tree_inclusion_proof(const struct am_tree *tree, uint64_t index, uint64_t size,
                            struct am_hash *proof, size_t *n, struct am_err *err)
{
    if (size > tree->size || index >= size)
        return AM_FAIL(err, AM_EINPUT, "no entry %llu in a tree of %llu entries (the log has %llu)",
                       (unsigned long long)index, (unsigned long long)size,
                       (unsigned long long)tree->size);
    *n = 0;
    path(tree, index, 0, size, proof, n);
    return 0;
}

/* SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1. */
static void subproof(const struct am_tree *t, uint64_t m, uint64_t lo, uint64_t hi, int b,
                     struct am_hash *proof, size_t *n)
{
    uint64_t len = hi - lo;
    if (m == len) {
        if (!b)
            subtree(t, lo, hi, &proof[(*n)++]);
        return;
    }
    uint64_t k = split_point(len);
    if (m <= k) {
        subproof(t, m, lo, lo + k, b, proof, n);
        subtree(t, lo + k, hi, &proof[(*n)++]);
    } else {
        subproof(t, m - k, lo + k, hi, 0, proof, n);
        subtree(t, lo, lo + k, &proof[(*n)++]);
    }
}

int am_tree_consistency_proof(const struct am_tree *tree, uint64_t size1, uint64_t size2,
                              struct am_hash *proof, size_t *n, struct am_err *err)
{
    if (size1 == 0 || size1 > size2 || size2 > tree->size)
        return AM_FAIL(
            err, AM_EINPUT, "no consistency proof from %llu to %llu entries in a log of %llu",
            (unsigned long long)size1, (unsigned long long)size2, (unsigned long long)tree->size);
    *n = 0;
    if (size1 < size2)
        subproof(tree, size1, 0, size2, 1, proof, n);
    return 0;
}
