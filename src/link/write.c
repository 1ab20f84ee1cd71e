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

/*
 * Rows written WB_ROWS at a time by one multi-row INSERT: in a transaction every
 * statement that can fail a constraint opens a statement journal, and executing a
 * statement costs several times more than inserting a row. Values are copied (text into
 * the batch's buffer) until the batch is full or flushed; a short last batch goes
 * through the one-row statement.
 */
#define WB_ROWS 64
#define WB_MAXCOLS 8

struct wcell {
    int kind; /* 0 NULL, 1 integer, 2 real, 3 text at off (len bytes) */
    int64_t i;
    double d;
    size_t off, len;
};

struct wbatch {
    struct am_stmt *full, *one;
    int ncols, rows;
    struct wcell cell[WB_ROWS * WB_MAXCOLS];
    struct am_buf text;
};

/* head: "INSERT INTO t(a, b) VALUES " (a constant), ncols placeholders per row, then tail
 * (an upsert clause, or "": a constant). */
static int wb_open(struct wbatch *b, struct am_store *store, const char *head,
                   const char *tail, int ncols, struct am_err *err)
{
    memset(b, 0, sizeof(*b));
    am_buf_init(&b->text);
    b->ncols = ncols;
    struct am_buf q;
    am_buf_init(&q);
    for (int pass = 0; pass < 2; pass++) {
        am_buf_reset(&q);
        am_buf_adds(&q, head);
        for (int r = 0; r < (pass ? 1 : WB_ROWS); r++) {
            am_buf_adds(&q, r ? ",(" : "(");
            for (int c = 0; c < ncols; c++)
                am_buf_adds(&q, c ? ",?" : "?");
            am_buf_addc(&q, ')');
        }
        am_buf_adds(&q, tail);
        struct am_stmt *st = am_stmt_prepare(store, q.ptr, err);
        if (pass)
            b->one = st;
        else
            b->full = st;
        if (!st)
            break;
    }
    am_buf_release(&q);
    return b->full && b->one ? 0 : -1;
}

static void wb_close(struct wbatch *b)
{
    am_stmt_finalize(b->full);
    am_stmt_finalize(b->one);
    am_buf_release(&b->text);
    b->full = b->one = NULL;
}

static struct wcell *wb_cell(struct wbatch *b, int col)
{
    return &b->cell[b->rows * b->ncols + col];
}

static void wb_int(struct wbatch *b, int col, int64_t v)
{
    *wb_cell(b, col) = (struct wcell){.kind = 1, .i = v};
}

static void wb_real(struct wbatch *b, int col, double v)
{
    *wb_cell(b, col) = (struct wcell){.kind = 2, .d = v};
}

static void wb_text(struct wbatch *b, int col, const char *v) /* NULL: SQL NULL */
{
    if (!v) {
        *wb_cell(b, col) = (struct wcell){.kind = 0};
        return;
    }
    size_t len = strlen(v);
    *wb_cell(b, col) = (struct wcell){.kind = 3, .off = b->text.len, .len = len};
    am_buf_add(&b->text, v, len);
}

static int wb_bind(struct wbatch *b, struct am_stmt *st, int row, int base, struct am_err *err)
{
    int rc = 0;
    for (int c = 0; c < b->ncols && rc == 0; c++) {
        const struct wcell *x = &b->cell[row * b->ncols + c];
        int idx = base + c + 1;
        switch (x->kind) {
        case 1:
            rc = am_stmt_bind_int64(st, idx, x->i, err);
            break;
        case 2:
            rc = am_stmt_bind_double(st, idx, x->d, err);
            break;
        case 3:
            rc = am_stmt_bind_text_nocopy(st, idx, b->text.ptr + x->off, x->len, err);
            break;
        default:
            rc = am_stmt_bind_null(st, idx, err);
        }
    }
    return rc;
}

static int wb_flush(struct wbatch *b, struct am_err *err)
{
    int rc = 0;
    if (b->rows == WB_ROWS) {
        am_stmt_reset_keep(b->full);
        for (int r = 0; r < WB_ROWS && rc == 0; r++)
            rc = wb_bind(b, b->full, r, r * b->ncols, err);
        if (rc == 0 && am_stmt_step(b->full, err) < 0)
            rc = -1;
    } else {
        for (int r = 0; r < b->rows && rc == 0; r++) {
            am_stmt_reset_keep(b->one);
            rc = wb_bind(b, b->one, r, 0, err);
            if (rc == 0 && am_stmt_step(b->one, err) < 0)
                rc = -1;
        }
    }
    b->rows = 0;
    am_buf_reset(&b->text);
    return rc;
}

/* Ends the row being filled; writes the batch when full. */
static int wb_row(struct wbatch *b, struct am_err *err)
{
    return ++b->rows == WB_ROWS ? wb_flush(b, err) : 0;
}

static const char *const decided_by_name[3] = {"auto", "review", "import"};

static const char rp_upsert[] =
    "INSERT INTO record_person(record_id, person_id, weight, decided_by, decided_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5)" " ON CONFLICT(record_id) DO UPDATE SET person_id = excluded.person_id,"
    " weight = excluded.weight, decided_by = excluded.decided_by, decided_at ="
    " excluded.decided_at";

/*
 * record_person: record i goes to person[label[i]] with its strongest link's weight
 * (best[i], NAN: none) and its origin ('review' when a human decision shaped its cluster).
 * A row whose person and origin stay and whose weight moves by at most 1e-3 is left as it
 * is (its weight and decided_at too); the others get decided_at = at. When a fifth of the
 * rows or more change and every row belongs to a loaded record (the first link after an import changes them all: import wrote
 * 'import' rows, one person per record), the table is rewritten whole in record-id order
 * with its secondary indexes dropped and built again (one sort each), which costs a
 * fraction of updating rows and index entries in place; otherwise only the changed rows
 * are written. Both give the same table.
 */
static int write_record_person(struct am_store *store, const struct am__link_records *r,
                               const uint32_t *label, const int64_t *person, const float *best,
                               const uint8_t *by_review, const char *at, struct am_err *err)
{
    size_t n = r->n;
    struct am_store_indexes idx = {0};
    struct am_stmt *st = NULL;
    struct wbatch wb = {0};
    uint8_t *change = NULL;
    int rc = -1;

    /* The rows as they stood were read with the records. When the table holds another
     * number of rows (a row of no loaded record, or a change since the load), only
     * changed rows are written and the others are left alone. */
    size_t present = 0, total = 0;
    for (size_t i = 0; i < n; i++)
        present += (r->rp_flags[i] & AM__LINK_RP_PRESENT) != 0;
    st = am_stmt_prepare(store, "SELECT count(*) FROM record_person", err);
    if (!st || am_stmt_step(st, err) != 1)
        goto out;
    total = (size_t)am_stmt_int64(st, 0);
    am_stmt_finalize(st);
    st = NULL;
    int stray = total != present;
    /* Which rows change. */
    change = am_malloc(n ? n : 1);
    size_t changed = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned f = r->rp_flags[i];
        unsigned by = by_review && by_review[i] ? AM__LINK_BY_REVIEW : AM__LINK_BY_AUTO;
        double nw = isnan(best[i]) ? -1e9 : (double)best[i];
        double ow = f & AM__LINK_RP_WEIGHT ? r->rp_weight[i] : -1e9;
        change[i] = !(f & AM__LINK_RP_PRESENT) || r->old_person[i] != person[label[i]] ||
                    (f & AM__LINK_RP_BY) >> AM__LINK_RP_BY_SHIFT != by || fabs(ow - nw) > 1e-3;
        changed += change[i];
    }
    int whole = n && !stray && changed * 5 >= n;
    if (whole && (am_store_indexes_drop(store, "record_person", NULL, &idx, err) < 0 ||
                  am_store_exec(store, "DELETE FROM record_person", err) < 0))
        goto out;
    if (whole) {
        if (wb_open(&wb, store,
                    "INSERT INTO record_person(record_id, person_id, weight, decided_by,"
                    " decided_at) VALUES ",
                    "", 5, err) < 0)
            goto out;
    } else if (!(st = am_stmt_prepare(store, rp_upsert, err)))
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (!change[i] && !whole)
            continue;
        unsigned f = r->rp_flags[i];
        /* Unchanged: kept as it was (its origin is auto or review: others change). */
        const char *by = change[i] ? decided_by_name[by_review && by_review[i] ? 1 : 0]
                                   : decided_by_name[(f & AM__LINK_RP_BY) >> AM__LINK_RP_BY_SHIFT];
        const char *when = change[i] ? at : r->rp_at_str.v[r->rp_at[i]];
        int has_w = change[i] ? !isnan(best[i]) : (f & AM__LINK_RP_WEIGHT) != 0;
        double w = change[i] ? (double)best[i] : r->rp_weight[i];
        if (whole) {
            wb_int(&wb, 0, r->id[i]);
            wb_int(&wb, 1, person[label[i]]);
            if (has_w)
                wb_real(&wb, 2, w);
            else
                wb_text(&wb, 2, NULL);
            wb_text(&wb, 3, by);
            wb_text(&wb, 4, when);
            if (wb_row(&wb, err) < 0)
                goto out;
            continue;
        }
        am_stmt_reset_keep(st);
        am_stmt_bind_int64(st, 1, r->id[i], err);
        am_stmt_bind_int64(st, 2, person[label[i]], err);
        if (has_w)
            am_stmt_bind_double(st, 3, w, err);
        else
            am_stmt_bind_null(st, 3, err);
        am_stmt_bind_text_nocopy(st, 4, by, strlen(by), err);
        am_stmt_bind_text_nocopy(st, 5, when, strlen(when), err);
        if (am_stmt_step(st, err) < 0)
            goto out;
    }
    if (whole && wb_flush(&wb, err) < 0)
        goto out;
    if (whole && am_store_indexes_restore(store, &idx, err) < 0)
        goto out;
    rc = 0;
out:
    am_free(change);
    am_stmt_finalize(st);
    wb_close(&wb);
    am_store_indexes_forget(&idx);
    return rc;
}

/*
 * An earlier person's new facts, as the tail of a multi-row INSERT whose every row names
 * a person that exists: each row updates its person in place, and only where a fact
 * differs (most merged persons keep every fact of the person that stays). A level set by
 * hand stays; a sealed record seals. One statement per WB_ROWS persons costs less than
 * gathering them in a temporary table and joining it to person.
 */
#define SENS                                                                               \
    "CASE WHEN excluded.sensitivity = 'sealed' THEN 'sealed' WHEN person.sensitivity_by_hand" \
    " = 1 THEN person.sensitivity ELSE excluded.sensitivity END"
static const char person_upsert[] =
    " ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name,"
    " cedula_kind = excluded.cedula_kind, cedula = excluded.cedula,"
    " birth_date = excluded.birth_date, sex = excluded.sex,"
    " nationality = excluded.nationality, sensitivity = " SENS
    " WHERE person.display_name IS NOT excluded.display_name"
    " OR person.cedula_kind IS NOT excluded.cedula_kind OR person.cedula IS NOT excluded.cedula"
    " OR person.birth_date IS NOT excluded.birth_date OR person.sex IS NOT excluded.sex"
    " OR person.nationality IS NOT excluded.nationality OR person.sensitivity IS NOT " SENS;
#undef SENS

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
    int rc = -1, secure_delete = 0;
    struct am_stmt *ins_person = NULL;
    struct wbatch upd_person = {0};
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
     * person against five tables would cost more than the rest of the write. Secure
     * delete (on in Debian's SQLite) zeroes every freed cell and page: it doubled the cost
     * of deleting persons and rewriting record_person, and what the write frees is
     * derived from records that stay in the registry (persons' facts, record-to-person
     * rows), so zeroing it hides nothing. The setting is put back afterwards. */
    {
        struct am_stmt *sd = am_stmt_prepare(store, "PRAGMA secure_delete", err);
        if (!sd)
            goto out;
        secure_delete = am_stmt_step(sd, err) == 1 && am_stmt_int64(sd, 0) != 0;
        am_stmt_finalize(sd);
    }
    if (am_store_exec(store,
                      "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;"
                      " PRAGMA secure_delete = OFF",
                      err) < 0)
        goto out;
    if (am_store_begin(store, err) < 0)
        goto out;
    ins_person = am_stmt_prepare(store,
                                 "INSERT INTO person(display_name, cedula_kind, cedula, birth_date,"
                                 " sex, nationality, sensitivity) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                                 err);
    /* Earlier persons whose facts may change are written as they come, WB_ROWS at a time
     * (see person_upsert). */
    if (ins_person && wb_open(&upd_person, store,
                              "INSERT INTO person(display_name, cedula_kind, cedula, birth_date,"
                              " sex, nationality, sensitivity, id) VALUES ",
                              person_upsert, 8, err) < 0)
        goto rollback;
    if (!ins_person)
        goto rollback;
    /* A larger page cache for this connection: the tables of a million records do not
     * fit SQLite's default 2 MB (1 GB here) and every row written would go back to the OS. */
    if (am_store_exec(store, "PRAGMA cache_size = -1048576", err) < 0)
        goto rollback;
    /* The person and record_person rows written next take their sensitivity and
     * decided_by from this file's constants (or keep the value they had), so the CHECK
     * constraints naming the allowed values cannot fail; SQLite evaluates each for every
     * row (an IN list), which doubled the cost of rewriting record_person. They are
     * checked again from the moves of hand-entered rows on. */
    if (am_store_exec(store, "PRAGMA ignore_check_constraints = ON", err) < 0)
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
        if (!unchanged && person[lab]) {
            struct wbatch *b = &upd_person;
            wb_text(b, 0, r->names.ptr + r->name_off[name_rec]);
            wb_text(b, 1, kind ? kind_s : NULL);
            wb_text(b, 2, ced ? ced_s : NULL);
            wb_text(b, 3, birth_s[0] ? birth_s : NULL);
            wb_text(b, 4, sex ? sex_s : NULL);
            wb_text(b, 5, nat ? r->nat_str.v[nat] : NULL);
            wb_text(b, 6, sens_name[sens]);
            wb_int(b, 7, person[lab]);
            if (wb_row(b, err) < 0)
                goto rollback;
        } else if (!unchanged) {
            struct am_stmt *st = ins_person;
            am_stmt_reset(st);
            am_stmt_bind_text(st, 1, r->names.ptr + r->name_off[name_rec], err);
            am_stmt_bind_text(st, 2, kind ? kind_s : NULL, err);
            am_stmt_bind_text(st, 3, ced ? ced_s : NULL, err);
            am_stmt_bind_text(st, 4, birth_s[0] ? birth_s : NULL, err);
            am_stmt_bind_text(st, 5, sex ? sex_s : NULL, err);
            am_stmt_bind_text(st, 6, nat ? r->nat_str.v[nat] : NULL, err);
            am_stmt_bind_text(st, 7, sens_name[sens], err);
            if (am_stmt_step(st, err) < 0)
                goto rollback;
            person[lab] = am_store_last_insert_id(store);
        }
        sum->persons++;
    }
    {
        if (wb_flush(&upd_person, err) < 0)
            goto rollback;
    }
    if (write_record_person(store, r, label, person, c->best, by_review, at, err) < 0 ||
        am_store_exec(store, "PRAGMA ignore_check_constraints = OFF", err) < 0)
        goto rollback;
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
        struct wbatch gone_b;
        int failed = wb_open(&gone_b, store, "INSERT INTO temp.link_gone(id) VALUES ", "", 1,
                              err) < 0;
        for (size_t k = 0; k < removed.n && !failed; k++) {
            wb_int(&gone_b, 0, removed.v[k]);
            failed = wb_row(&gone_b, err) < 0;
        }
        failed = failed || wb_flush(&gone_b, err) < 0;
        wb_close(&gone_b);
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
                                " PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF",
                      &ignored);
        if (secure_delete)
            am_store_exec(store, "PRAGMA secure_delete = ON", &ignored);
    }
    am_stmt_finalize(ins_person);
    wb_close(&upd_person);
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
