/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Writing a linkage: the person id of each cluster (an earlier person keeps its id
 * in the cluster holding most of its records), what changed (merged, split, new,
 * unchanged), and the rows: record_person, person, and the events, charges, measures and
 * categories that follow their record. One transaction; nothing is written on error.
 */
#include "link_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct op { /* one record's earlier person and new cluster */
    int64_t old;
    uint32_t label;
    uint32_t rec;
};

static int cmp_op(const void *x, const void *y)
{
    const struct op *a = x, *b = y;
    if (a->old != b->old)
        return a->old < b->old ? -1 : 1;
    if (a->label != b->label)
        return a->label < b->label ? -1 : 1;
    return a->rec < b->rec ? -1 : a->rec > b->rec;
}

struct moved {
    int64_t from, to;
};

static int cmp_moved(const void *x, const void *y)
{
    const struct moved *a = x, *b = y;
    return a->from < b->from ? -1 : a->from > b->from;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The most frequent non-zero value among the members (first seen wins ties). */
#define MODE(type, arr, members, k, out)                                      \
    do {                                                                      \
        int best_ = 0;                                                        \
        (out) = 0;                                                            \
        size_t lim_ = (k) < 256 ? (k) : 256;                                  \
        for (size_t x_ = 0; x_ < lim_; x_++) {                                \
            type v_ = (arr)[(members)[x_]];                                   \
            if (!v_)                                                          \
                continue;                                                     \
            int c_ = 0;                                                       \
            for (size_t y_ = 0; y_ < lim_; y_++)                              \
                c_ += (arr)[(members)[y_]] == v_;                             \
            if (c_ > best_) {                                                 \
                best_ = c_;                                                   \
                (out) = v_;                                                   \
            }                                                                 \
        }                                                                     \
    } while (0)

static const char *const sens_name[3] = {"public", "restricted", "sealed"};

int am__link_write(struct am_store *store, const struct am__link_records *r,
                   const struct am__link_cluster_out *c, const uint8_t *by_review,
                   struct am_link_summary *sum, struct am_err *err)
{
    size_t n = r->n;
    const uint32_t *label = c->label;
    /* Members of each cluster, contiguous (counting sort by label). */
    uint32_t *start = am_calloc(n + 1, sizeof(uint32_t));
    uint32_t *members = am_malloc((n ? n : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++)
        start[label[i] + 1]++;
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    {
        uint32_t *fill = am_calloc(n ? n : 1, sizeof(uint32_t));
        for (size_t i = 0; i < n; i++)
            members[start[label[i]] + fill[label[i]]++] = (uint32_t)i;
        am_free(fill);
    }

    /* Earlier persons: (old, label) runs give, per old person, where its records went. */
    struct op *ops = am_malloc((n ? n : 1) * sizeof(*ops));
    size_t nops = 0;
    for (size_t i = 0; i < n; i++)
        if (r->old_person[i])
            ops[nops++] = (struct op){r->old_person[i], label[i], (uint32_t)i};
    qsort(ops, nops, sizeof(*ops), cmp_op);
    int64_t *person = am_calloc(n ? n : 1, sizeof(int64_t)); /* per cluster label */
    uint32_t *person_count = am_calloc(n ? n : 1, sizeof(uint32_t));
    uint32_t *n_old = am_calloc(n ? n : 1, sizeof(uint32_t)); /* earlier persons per cluster */
    uint32_t *old_total = am_calloc(n ? n : 1, sizeof(uint32_t)); /* its records before */
    AM_VEC(int64_t) removed = {0};
    AM_VEC(uint32_t) removed_home = {0};
    uint64_t split = 0;
    for (size_t i = 0; i < nops;) {
        size_t j = i;
        uint32_t home = ops[i].label, home_n = 0, clusters = 0, total = 0;
        while (j < nops && ops[j].old == ops[i].old) {
            size_t k = j;
            while (k < nops && ops[k].old == ops[i].old && ops[k].label == ops[j].label)
                k++;
            uint32_t cnt = (uint32_t)(k - j);
            clusters++;
            total += cnt;
            n_old[ops[j].label]++;
            if (cnt > home_n) {
                home_n = cnt;
                home = ops[j].label;
            }
            j = k;
        }
        if (clusters > 1)
            split++;
        /* The cluster keeps the earlier person holding most of its records there. */
        if (!person[home] || home_n > person_count[home]) {
            if (person[home]) {
                AM_VEC_PUSH(&removed, person[home]);
                AM_VEC_PUSH(&removed_home, home);
            }
            person[home] = ops[i].old;
            person_count[home] = home_n;
            old_total[home] = total;
        } else {
            AM_VEC_PUSH(&removed, ops[i].old);
            AM_VEC_PUSH(&removed_home, home);
        }
        i = j;
    }
    am_free(ops);

    char at[32];
    now_iso(at);
    int rc = -1;
    struct am_stmt *ins_person = NULL, *upd_person = NULL, *ins_rp = NULL, *upd_rp = NULL;
#define MOVE(t)                                                                           \
    "UPDATE " t " SET person_id = coalesce((SELECT rp.person_id FROM record_person rp"    \
    " WHERE rp.record_id = " t ".record_id), (SELECT m.target FROM temp.link_move m"       \
    " WHERE m.person_id = " t ".person_id)) WHERE person_id IN (SELECT person_id FROM"   \
    " temp.link_move)"
    static const char *const move_sql[4] = {MOVE("event"), MOVE("charge"), MOVE("measure"),
                                            MOVE("category")};
#undef MOVE
    /* What belongs to a person, not to a record, follows a removed person to the one that
     * received most of its records: reviewers' facts, saved verdicts (a verdict that would
     * collide with one the receiver already has for that law and day is dropped: it was
     * about half a person), and a sensitivity set by hand — the most restrictive of the
     * hand-set levels wins. */
    static const char *const follow_sql[3] = {
        "UPDATE person_fact SET person_id = (SELECT m.target FROM temp.link_move m"
        " WHERE m.person_id = person_fact.person_id)"
        " WHERE person_id IN (SELECT person_id FROM temp.link_move WHERE target != person_id)",
        "UPDATE OR IGNORE verdict SET person_id = (SELECT m.target FROM temp.link_move m"
        " WHERE m.person_id = verdict.person_id)"
        " WHERE person_id IN (SELECT person_id FROM temp.link_move WHERE target != person_id);"
        "DELETE FROM verdict"
        " WHERE person_id IN (SELECT person_id FROM temp.link_move WHERE target != person_id)",
        "UPDATE person SET sensitivity_by_hand = 1, sensitivity ="
        " CASE WHEN person.sensitivity = 'sealed' OR x.r = 2 THEN 'sealed'"
        "  WHEN x.r = 1 OR (person.sensitivity_by_hand = 1 AND person.sensitivity = 'restricted')"
        "  THEN 'restricted' ELSE 'public' END"
        " FROM (SELECT m.target AS t, max(CASE p.sensitivity WHEN 'sealed' THEN 2"
        "   WHEN 'restricted' THEN 1 ELSE 0 END) AS r"
        "   FROM temp.link_move m JOIN person p ON p.id = m.person_id"
        "   WHERE p.sensitivity_by_hand = 1 AND m.target != m.person_id GROUP BY m.target) AS x"
        " WHERE person.id = x.t"};
    /* Whether each of those statements has anything to move: the tables hold only rows
     * entered by hand, usually none, and each statement would otherwise walk every moved
     * person (a third of the records on a first link). */
    static const char *const any_sql[7] = {
        "SELECT EXISTS (SELECT 1 FROM event)",       "SELECT EXISTS (SELECT 1 FROM charge)",
        "SELECT EXISTS (SELECT 1 FROM measure)",     "SELECT EXISTS (SELECT 1 FROM category)",
        "SELECT EXISTS (SELECT 1 FROM person_fact)", "SELECT EXISTS (SELECT 1 FROM verdict)",
        "SELECT EXISTS (SELECT 1 FROM person WHERE sensitivity_by_hand = 1)"};
    /* The rows written here are consistent by construction; checking every deleted
     * person against five tables would cost more than the rest of the write. */
    if (am_store_exec(store, "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY", err) < 0)
        goto out;
    if (am_store_begin(store, err) < 0)
        goto out;
    ins_person = am_stmt_prepare(store,
                                 "INSERT INTO person(display_name, cedula_kind, cedula, birth_date,"
                                 " sex, nationality, sensitivity) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                                 err);
    /* Earlier persons whose facts may change are gathered in a temporary table and
     * updated by one statement in id order (see person_sql below). */
    if (am_store_exec(store,
                      "CREATE TEMP TABLE IF NOT EXISTS link_person(id INTEGER PRIMARY KEY,"
                      " display_name TEXT NOT NULL, cedula_kind TEXT, cedula TEXT,"
                      " birth_date TEXT, sex TEXT, nationality TEXT, sensitivity TEXT NOT NULL);"
                      "DELETE FROM temp.link_person;",
                      err) < 0)
        goto rollback;
    upd_person = am_stmt_prepare(store,
                                 "INSERT INTO temp.link_person(display_name, cedula_kind, cedula,"
                                 " birth_date, sex, nationality, sensitivity, id)"
                                 " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                                 err);
    /* The new record_person rows go first into two temporary tables in record-id order
     * (appending to a b-tree is cheap), split by whether the record keeps its person; then
     * one statement each updates record_person from them. One statement per row would
     * cost about twice as much CPU. */
    if (am_store_exec(store,
                      "CREATE TEMP TABLE IF NOT EXISTS link_rp_same(record_id INTEGER PRIMARY KEY,"
                      " person_id INTEGER NOT NULL, weight REAL, decided_by TEXT NOT NULL);"
                      "CREATE TEMP TABLE IF NOT EXISTS link_rp_moved(record_id INTEGER PRIMARY KEY,"
                      " person_id INTEGER NOT NULL, weight REAL, decided_by TEXT NOT NULL);"
                      "DELETE FROM temp.link_rp_same; DELETE FROM temp.link_rp_moved;",
                      err) < 0)
        goto rollback;
    ins_rp = am_stmt_prepare(store, "INSERT INTO temp.link_rp_moved VALUES (?1,?2,?3,?4)", err);
    upd_rp = am_stmt_prepare(store, "INSERT INTO temp.link_rp_same VALUES (?1,?2,?3,?4)", err);
    if (!ins_person || !upd_person || !ins_rp || !upd_rp)
        goto rollback;
    /* A larger page cache for this connection: the tables of a million records do not
     * fit SQLite's default 2 MB (1 GB here) and every row written would go back to the OS. */
    if (am_store_exec(store, "PRAGMA cache_size = -1048576", err) < 0)
        goto rollback;

    for (size_t lab = 0; lab < n; lab++) {
        size_t k = start[lab + 1] - start[lab];
        if (!k)
            continue;
        const uint32_t *m = members + start[lab];
        /* Facts: the most frequent value among the records; the most restrictive
         * sensitivity; the fullest name. */
        uint32_t ced = 0, nat = 0;
        char sex = 0, kind = 0;
        int32_t birth = AM__LINK_MISSING_DATE;
        MODE(uint32_t, r->cedula, m, k, ced);
        MODE(uint32_t, r->nationality, m, k, nat);
        MODE(char, r->sex, m, k, sex);
        {
            int best = 0;
            for (size_t x = 0; x < k && x < 256; x++) {
                int32_t v = r->birth[m[x]];
                if (v == AM__LINK_MISSING_DATE)
                    continue;
                int cnt = 0;
                for (size_t y = 0; y < k && y < 256; y++)
                    cnt += r->birth[m[y]] == v;
                if (cnt > best) {
                    best = cnt;
                    birth = v;
                }
            }
        }
        uint8_t sens = 0;
        uint32_t name_rec = m[0];
        int name_len = -1;
        for (size_t x = 0; x < k; x++) {
            uint32_t i = m[x];
            if (r->sensitivity[i] > sens)
                sens = r->sensitivity[i];
            if (ced && r->cedula[i] == ced && r->cedula_kind[i] && !kind)
                kind = r->cedula_kind[i];
            int len = r->n_given[i] + r->n_sur[i] + (r->sur[i][2] != 0);
            if (len > name_len) {
                name_len = len;
                name_rec = i;
            }
        }
        char ced_s[16] = "", kind_s[2] = {kind, 0}, sex_s[2] = {sex, 0}, birth_s[11] = "";
        if (ced)
            snprintf(ced_s, sizeof(ced_s), "%u", ced);
        if (birth != AM__LINK_MISSING_DATE)
            am_format_date(birth, birth_s);
        /* What happened to this cluster: new, merged, unchanged or grown. */
        int unchanged = 0;
        if (!person[lab])
            sum->persons_new++;
        else if (n_old[lab] >= 2)
            sum->persons_merged++;
        else {
            /* One earlier person: unchanged when it had exactly these records. */
            uint32_t with_old = 0;
            for (size_t x = 0; x < k; x++)
                with_old += r->old_person[m[x]] == person[lab];
            unchanged = with_old == k && person_count[lab] == k && old_total[lab] == k;
            if (unchanged)
                sum->persons_unchanged++;
            else
                sum->persons_grown++;
        }
        if (!unchanged) {
            struct am_stmt *st = person[lab] ? upd_person : ins_person;
            am_stmt_reset(st);
            am_stmt_bind_text(st, 1, r->names.ptr + r->name_off[name_rec], err);
            am_stmt_bind_text(st, 2, kind ? kind_s : NULL, err);
            am_stmt_bind_text(st, 3, ced ? ced_s : NULL, err);
            am_stmt_bind_text(st, 4, birth_s[0] ? birth_s : NULL, err);
            am_stmt_bind_text(st, 5, sex ? sex_s : NULL, err);
            am_stmt_bind_text(st, 6, nat ? r->nat_str.v[nat] : NULL, err);
            am_stmt_bind_text(st, 7, sens_name[sens], err);
            if (person[lab])
                am_stmt_bind_int64(st, 8, person[lab], err);
            if (am_stmt_step(st, err) < 0)
                goto rollback;
            if (!person[lab])
                person[lab] = am_store_last_insert_id(store);
        }
        sum->persons++;
    }
    {
        /* A level set by hand stays; a sealed record seals. Only rows whose facts
         * differ are written, and the cedula index is touched only where the cedula
         * changes (most merged persons keep every fact of the person that stays). */
#define SENS                                                                             \
    "CASE WHEN t.sensitivity = 'sealed' THEN 'sealed' WHEN person.sensitivity_by_hand = 1" \
    " THEN person.sensitivity ELSE t.sensitivity END"
        static const char person_sql[] =
            "UPDATE person SET display_name = t.display_name, cedula_kind = t.cedula_kind,"
            " birth_date = t.birth_date, sex = t.sex, nationality = t.nationality,"
            " sensitivity = " SENS " FROM temp.link_person t WHERE person.id = t.id"
            " AND person.cedula IS t.cedula AND (person.display_name IS NOT t.display_name"
            " OR person.cedula_kind IS NOT t.cedula_kind OR person.birth_date IS NOT"
            " t.birth_date OR person.sex IS NOT t.sex OR person.nationality IS NOT"
            " t.nationality OR person.sensitivity IS NOT " SENS ");"
            "UPDATE person SET display_name = t.display_name, cedula_kind = t.cedula_kind,"
            " cedula = t.cedula, birth_date = t.birth_date, sex = t.sex,"
            " nationality = t.nationality, sensitivity = " SENS
            " FROM temp.link_person t WHERE person.id = t.id AND person.cedula IS NOT t.cedula";
#undef SENS
        if (am_store_exec(store, person_sql, err) < 0)
            goto rollback;
    }
    /* record_person in record-id order (the rowid order of the table: each row lands on
     * the page after the last). */
    for (size_t i = 0; i < n; i++) {
        int64_t p = person[label[i]];
        struct am_stmt *st = r->old_person[i] == p ? upd_rp : ins_rp;
        am_stmt_reset(st);
        am_stmt_bind_int64(st, 1, r->id[i], err);
        am_stmt_bind_int64(st, 2, p, err);
        if (isnan(c->best[i]))
            am_stmt_bind_null(st, 3, err);
        else
            am_stmt_bind_double(st, 3, c->best[i], err);
        am_stmt_bind_text(st, 4, by_review && by_review[i] ? "review" : "auto", err);
        if (am_stmt_step(st, err) < 0)
            goto rollback;
    }
    {
        /* Rows whose person, weight and origin are unchanged are left as they are; a
         * record that keeps its person has only its weight and origin rewritten, which
         * leaves the person_id index alone. */
        static const char *const rp_sql[2] = {
            "UPDATE record_person SET weight = t.weight, decided_by = t.decided_by,"
            " decided_at = ?1 FROM temp.link_rp_same t WHERE t.record_id ="
            " record_person.record_id AND (record_person.decided_by IS NOT t.decided_by OR"
            " abs(coalesce(record_person.weight, -1e9) - coalesce(t.weight, -1e9)) > 1e-3)",
            "INSERT INTO record_person(record_id, person_id, weight, decided_by, decided_at)"
            " SELECT record_id, person_id, weight, decided_by, ?1 FROM temp.link_rp_moved"
            " WHERE true ORDER BY record_id ON CONFLICT(record_id) DO UPDATE SET person_id ="
            " excluded.person_id, weight = excluded.weight, decided_by = excluded.decided_by,"
            " decided_at = excluded.decided_at WHERE person_id IS NOT excluded.person_id OR"
            " decided_by IS NOT excluded.decided_by OR abs(coalesce(weight, -1e9) -"
            " coalesce(excluded.weight, -1e9)) > 1e-3"};
        for (int q = 0; q < 2; q++) {
            struct am_stmt *st = am_stmt_prepare(store, rp_sql[q], err);
            int failed = !st || am_stmt_bind_text(st, 1, at, err) < 0 || am_stmt_step(st, err) < 0;
            am_stmt_finalize(st);
            if (failed)
                goto rollback;
        }
    }
    /* Rows that came from a record follow it; rows added by hand follow their person,
     * or, when it is removed, the person that received most of its records. Only the
     * earlier persons that lost records are touched, through the person_id indexes. */
    {
        AM_VEC(int64_t) dirty = {0};
        for (size_t i = 0; i < n; i++)
            if (r->old_person[i] && person[label[i]] != r->old_person[i])
                AM_VEC_PUSH(&dirty, r->old_person[i]);
        if (dirty.n)
            qsort(dirty.v, dirty.n, sizeof(int64_t), cmp_i64);
        struct moved *gone = am_malloc((removed.n ? removed.n : 1) * sizeof(*gone));
        for (size_t k = 0; k < removed.n; k++)
            gone[k] = (struct moved){removed.v[k], person[removed_home.v[k]]};
        if (removed.n)
            qsort(gone, removed.n, sizeof(*gone), cmp_moved);
        /* The earlier persons that lost records, with where their hand-added rows go,
         * in a temporary table: then one statement per table moves every row. */
        int any[7] = {0}, any_at_all = 0, failed = 0;
        for (int q = 0; q < 7 && !failed; q++) {
            struct am_stmt *st = am_stmt_prepare(store, any_sql[q], err);
            int got = st ? am_stmt_step(st, err) : -1;
            failed = got < 0;
            any[q] = got == 1 && am_stmt_int64(st, 0) != 0;
            any_at_all |= any[q];
            am_stmt_finalize(st);
        }
        if (!any_at_all)
            dirty.n = 0; /* nothing to move: no table of moved persons either */
        failed = failed || am_store_exec(store,
                                   "CREATE TEMP TABLE IF NOT EXISTS link_move(person_id INTEGER"
                                   " PRIMARY KEY, target INTEGER NOT NULL); DELETE FROM"
                                   " temp.link_move;",
                                   err) < 0;
        struct am_stmt *ins_move =
            failed ? NULL
                   : am_stmt_prepare(store, "INSERT INTO temp.link_move VALUES (?1, ?2)", err);
        failed |= !ins_move;
        for (size_t k = 0; k < dirty.n && !failed; k++) {
            if (k && dirty.v[k] == dirty.v[k - 1])
                continue;
            int64_t target = dirty.v[k];
            struct moved key = {dirty.v[k], 0};
            struct moved *g = removed.n ? bsearch(&key, gone, removed.n, sizeof(*gone), cmp_moved)
                                        : NULL;
            if (g)
                target = g->to;
            am_stmt_reset(ins_move);
            am_stmt_bind_int64(ins_move, 1, dirty.v[k], err);
            am_stmt_bind_int64(ins_move, 2, target, err);
            failed = am_stmt_step(ins_move, err) < 0;
        }
        am_stmt_finalize(ins_move);
        for (int t = 0; t < 4 && !failed; t++)
            if (any[t])
                failed = am_store_exec(store, move_sql[t], err) < 0;
        for (int t = 0; t < 3 && !failed; t++)
            if (any[4 + t])
                failed = am_store_exec(store, follow_sql[t], err) < 0;
        AM_VEC_FREE(&dirty);
        am_free(gone);
        if (failed)
            goto rollback;
    }
    /* Removed persons: sorted into a temporary table, then one DELETE walks the person
     * table in id order. */
    if (removed.n) {
        qsort(removed.v, removed.n, sizeof(int64_t), cmp_i64);
        if (am_store_exec(store,
                          "CREATE TEMP TABLE IF NOT EXISTS link_gone(id INTEGER PRIMARY KEY);"
                          " DELETE FROM temp.link_gone;",
                          err) < 0)
            goto rollback;
        struct am_stmt *ins_gone =
            am_stmt_prepare(store, "INSERT INTO temp.link_gone VALUES (?1)", err);
        int failed = !ins_gone;
        for (size_t k = 0; k < removed.n && !failed; k++) {
            am_stmt_reset(ins_gone);
            am_stmt_bind_int64(ins_gone, 1, removed.v[k], err);
            failed = am_stmt_step(ins_gone, err) < 0;
        }
        am_stmt_finalize(ins_gone);
        if (failed || am_store_exec(store,
                                    "DELETE FROM person WHERE id IN (SELECT id FROM"
                                    " temp.link_gone)",
                                    err) < 0)
            goto rollback;
    }
    sum->persons_removed = removed.n;
    sum->persons_split = split;
    /* Persons that had no records at all before (created by hand) are left alone. */
    if (am_store_commit(store, err) < 0)
        goto rollback;
    rc = 0;
    goto out;
rollback:
    am_store_rollback(store);
    sum->persons = sum->persons_new = sum->persons_merged = sum->persons_unchanged = 0;
    sum->persons_grown = sum->persons_removed = sum->persons_split = 0;
out:
    {
        struct am_err ignored = AM_ERR_INIT;
        am_store_exec(store, "DROP TABLE IF EXISTS temp.link_move; DROP TABLE IF EXISTS temp.link_gone;"
                                " DROP TABLE IF EXISTS temp.link_rp_same; DROP TABLE IF EXISTS temp.link_person;"
                                " DROP TABLE IF EXISTS temp.link_rp_moved;"
                                " PRAGMA foreign_keys = ON",
                      &ignored);
    }
    am_stmt_finalize(ins_person);
    am_stmt_finalize(upd_person);
    am_stmt_finalize(ins_rp);
    am_stmt_finalize(upd_rp);
    AM_VEC_FREE(&removed);
    AM_VEC_FREE(&removed_home);
    am_free(person);
    am_free(person_count);
    am_free(n_old);
    am_free(old_total);
    am_free(start);
    am_free(members);
    return rc;
}
