/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Benchmark of the transparency log, run by bench/log.sh: appends N leaves to a log in a
 * scratch SQLite registry (in transactions, as publishing does), reopens it (which
 * re-hashes every entry), and times inclusion and consistency proofs at full size.
 * Prints its figures; it asserts nothing, correctness is tests/publish/'s job.
 */
#include "amnistia/publish.h"
#include "amnistia/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const struct am_err *err)
{
    am_err_print(err, stderr);
    return 3;
}

/* A small deterministic generator, so runs are comparable. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

int main(int argc, char **argv)
{
    uint64_t n = 1000000;
    const char *path = "log_bench.db";
    if (argc > 1)
        n = strtoull(argv[1], NULL, 10);
    if (argc > 2)
        path = argv[2];
    char wal[600], shm[600];
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(shm, sizeof(shm), "%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    struct am_err err = AM_ERR_INIT;
    struct am_store *store = am_store_open(path, &err);
    if (!store)
        return die(&err);
    struct am_log *log = am_log_open(store, &err);
    if (!log)
        return die(&err);

    /* Appends: each entry a ~100-byte manifest-like text, committed every 100,000. */
    double t0 = now();
    char entry[128];
    for (uint64_t i = 0; i < n; i++) {
        if (i % 100000 == 0 && am_store_begin(store, &err))
            return die(&err);
        int len = snprintf(entry, sizeof(entry),
                           "{\"format\":\"bench\",\"index\":%llu,\"title\":\"synthetic entry for "
                           "the log benchmark\"}",
                           (unsigned long long)i);
        if (am_log_append(log, entry, (size_t)len, "bench", "2026-11-29", NULL, &err))
            return die(&err);
        if ((i + 1) % 100000 == 0 || i + 1 == n)
            if (am_store_commit(store, &err))
                return die(&err);
    }
    double t_append = now() - t0;
    am_log_close(log);

    /* In memory only: the tree's share of the append cost. */
    struct am_tree *mem = am_tree_new();
    t0 = now();
    for (uint64_t i = 0; i < n; i++) {
        struct am_hash h;
        int len = snprintf(entry, sizeof(entry), "entry %llu", (unsigned long long)i);
        am_merkle_leaf_hash(entry, (size_t)len, &h);
        am_tree_append(mem, &h);
    }
    double t_mem = now() - t0;
    am_tree_free(mem);

    /* Reopen: read every entry from SQLite, re-hash it, rebuild the tree. */
    t0 = now();
    log = am_log_open(store, &err);
    if (!log)
        return die(&err);
    double t_open = now() - t0;
    const struct am_tree *tree = am_log_tree(log);

    /* Proofs at full size, averaged over many random queries. */
    enum { Q = 20000 };
    struct am_hash proof[AM_PROOF_MAX], root;
    size_t np, total_hashes = 0;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    if (am_tree_root(tree, n, &root, &err))
        return die(&err);
    t0 = now();
    for (int q = 0; q < Q; q++) {
        uint64_t idx = next(&seed) % n;
        if (am_tree_inclusion_proof(tree, idx, n, proof, &np, &err))
            return die(&err);
        total_hashes += np;
    }
    double t_incl = (now() - t0) / Q;
    uint64_t idx = next(&seed) % n;
    am_tree_inclusion_proof(tree, idx, n, proof, &np, &err);
    t0 = now();
    for (int q = 0; q < Q; q++)
        if (am_merkle_verify_inclusion(idx, n, am_tree_leaf(tree, idx), proof, np, &root, &err))
            return die(&err);
    double t_incl_verify = (now() - t0) / Q;

    t0 = now();
    for (int q = 0; q < Q; q++) {
        uint64_t m = 1 + next(&seed) % (n - 1);
        if (am_tree_consistency_proof(tree, m, n, proof, &np, &err))
            return die(&err);
    }
    double t_cons = (now() - t0) / Q;
    uint64_t m = 1 + next(&seed) % (n - 1);
    struct am_hash old_root;
    am_tree_root(tree, m, &old_root, &err);
    am_tree_consistency_proof(tree, m, n, proof, &np, &err);
    t0 = now();
    for (int q = 0; q < Q; q++)
        if (am_merkle_verify_consistency(m, n, old_root.b, AM_HASH_LEN, root.b, AM_HASH_LEN, proof,
                                         np, &err))
            return die(&err);
    double t_cons_verify = (now() - t0) / Q;

    printf("leaves:                         %llu\n", (unsigned long long)n);
    printf("appends to SQLite + tree:       %.0f appends/s (%.2f s)\n", (double)n / t_append,
           t_append);
    printf("appends to the tree in memory:  %.0f appends/s\n", (double)n / t_mem);
    printf("reopen (re-hash every entry):   %.2f s\n", t_open);
    printf("inclusion proof at full size:   %.2f us (mean of %d, %.1f hashes)\n", t_incl * 1e6, Q,
           (double)total_hashes / Q);
    printf("inclusion proof verification:   %.2f us\n", t_incl_verify * 1e6);
    printf("consistency proof at full size: %.2f us (mean of %d)\n", t_cons * 1e6, Q);
    printf("consistency proof verification: %.2f us\n", t_cons_verify * 1e6);
    am_log_close(log);
    am_store_close(store);
    unlink(path);
    unlink(wal);
    unlink(shm);
    return 0;
}
