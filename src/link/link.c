/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The linking pipeline and its public face: load, block and compare, fit the model,
 * weigh every compared pair, cluster with human decisions, write; and, on a fitted
 * linker, explanations of any pair and the review queue. The pieces live in records.c,
 * compare.c, block.c, model.c, cluster.c and write.c.
 */
#include "link_int.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REVIEW_BAND 6.0 /* bits either side of the threshold */
#define CONFLICT_BF -3.0

double am__link_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *const phase_names[AM_LP__COUNT] = {"load", "block+compare", "em+weights",
                                                      "cluster", "write"};

const char *am_link_phase_name(enum am_link_phase p)
{
    return (unsigned)p < AM_LP__COUNT ? phase_names[p] : "?";
}

struct decision {
    uint32_t a, b;
    int same;
};

struct am_linker {
    struct am__link_records rec;
    struct am__link_block_out blk;
    struct am__link_model model;
    struct am_link_summary sum;
    struct am_link_options opt;
    double threshold_weight;
    AM_VEC(struct decision) decisions;
    struct am_strmap source_names; /* "id" -> index in source_str */
    AM_VEC(const char *) source_str;
    struct am_arena arena; /* explanation strings */
};

/* A pair is clearly two people when the evidence is against by 8:1 or more, or when
 * both the birth date and the cédula are known and differ. */
static int is_conflict(double evidence, am__link_pattern p)
{
    if (evidence < CONFLICT_BF)
        return 1;
    return am__link_level_of(p, AM_LF_BIRTH) == AM_LL_DIFFERENT &&
           am__link_level_of(p, AM_LF_CEDULA) == AM_LL_DIFFERENT;
}

struct weigh_job {
    struct am_linker *lk;
    const struct am__link_tfcache *tf;
    size_t from, to;
};

static void *weigh(void *arg)
{
    struct weigh_job *j = arg;
    struct am_linker *lk = j->lk;
    for (size_t k = j->from; k < j->to; k++) {
        struct am__link_pair *p = &lk->blk.pairs.v[k];
        double prior = am__link_prior_of(&lk->model, &lk->rec, p->a, p->b);
        double w = am__link_pair_weight_cached(&lk->model, &lk->rec, j->tf, p->a, p->b,
                                               p->pattern);
        p->weight = (float)w;
        if (is_conflict(w - prior, p->pattern))
            p->pattern |= AM__LINK_CONFLICT_BIT;
    }
    return NULL;
}

/* EM's share of matches among the compared pairs within one list (see
 * am__link_model_lists): sums of the pattern posteriors, split across the threads. */
struct lists_job {
    struct am_linker *lk;
    const float *post; /* posterior per pattern */
    size_t from, to;
    double same_g, all_g;
};

static void *sum_lists(void *arg)
{
    struct lists_job *j = arg;
    const struct am__link_pair *v = j->lk->blk.pairs.v;
    const uint32_t *snap = j->lk->rec.snap;
    double same = 0, all = 0;
    for (size_t k = j->from; k < j->to; k++) {
        double g = j->post[v[k].pattern & (AM__LINK_NPATTERNS - 1)];
        all += g;
        same += snap[v[k].a] == snap[v[k].b] ? g : 0;
    }
    j->same_g = same;
    j->all_g = all;
    return NULL;
}

static void fit_lists(struct am_linker *lk, int threads)
{
    float *post = am_malloc(AM__LINK_NPATTERNS * sizeof(*post));
    for (uint32_t p = 0; p < AM__LINK_NPATTERNS; p++)
        post[p] = lk->blk.pattern_count[p] ? (float)am__link_pattern_posterior(&lk->model, p)
                                           : 0;
    pthread_t tid[16];
    struct lists_job jobs[16];
    int started[16] = {0};
    size_t n = lk->blk.pairs.n, per = (n + (size_t)threads - 1) / (size_t)threads;
    for (int t = 0; t < threads; t++) {
        jobs[t] = (struct lists_job){.lk = lk, .post = post};
        jobs[t].from = per * (size_t)t < n ? per * (size_t)t : n;
        jobs[t].to = jobs[t].from + per < n ? jobs[t].from + per : n;
        if (t > 0)
            started[t] = pthread_create(&tid[t], NULL, sum_lists, &jobs[t]) == 0;
    }
    sum_lists(&jobs[0]);
    double same = jobs[0].same_g, all = jobs[0].all_g;
    for (int t = 1; t < threads; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            sum_lists(&jobs[t]);
        same += jobs[t].same_g;
        all += jobs[t].all_g;
    }
    am_free(post);
    am__link_model_lists(&lk->model, &lk->rec, same, all);
}

static int load_decisions(struct am_linker *lk, struct am_store *store, struct am_err *err)
{
    struct am_stmt *st =
        am_stmt_prepare(store, "SELECT record_a, record_b, verdict FROM match_decision", err);
    if (!st)
        return -1;
    int rc;
    while ((rc = am_stmt_step(st, err)) == 1) {
        long a = am__link_records_find(&lk->rec, am_stmt_int64(st, 0));
        long b = am__link_records_find(&lk->rec, am_stmt_int64(st, 1));
        const char *v = am_stmt_text(st, 2);
        if (a < 0 || b < 0 || a == b)
            continue;
        AM_VEC_PUSH(&lk->decisions,
                    ((struct decision){(uint32_t)a, (uint32_t)b, v && strcmp(v, "same") == 0}));
    }
    am_stmt_finalize(st);
    if (rc < 0)
        return -1;
    st = am_stmt_prepare(store, "SELECT id, name FROM source", err);
    if (!st)
        return -1;
    while ((rc = am_stmt_step(st, err)) == 1) {
        char key[24];
        snprintf(key, sizeof(key), "%lld", (long long)am_stmt_int64(st, 0));
        am_strmap_put(&lk->source_names, key, (int64_t)lk->source_str.n);
        AM_VEC_PUSH(&lk->source_str, am_arena_strdup(&lk->arena, am_stmt_text(st, 1)));
    }
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}

struct am_linker *am_linker_new(struct am_store *store, const struct am_link_options *opt,
                                struct am_err *err)
{
    struct am_link_options o = {0};
    if (opt)
        o = *opt;
    if (o.threshold == 0)
        o.threshold = AM_LINK_DEFAULT_THRESHOLD;
    if (!(o.threshold > 0 && o.threshold < 1)) {
        AM_FAIL(err, AM_EUSAGE,
                "threshold %g is not a probability between 0 and 1; give e.g. --threshold 0.9",
                o.threshold);
        return NULL;
    }
    if (o.threads <= 0)
        o.threads = 2;
    if (o.threads > 16)
        o.threads = 16;
    struct am_linker *lk = am_calloc(1, sizeof(*lk));
    lk->opt = o;
    am__link_records_init(&lk->rec);
    am_arena_init(&lk->arena);
    am_strmap_init(&lk->source_names);
    lk->sum.threshold = o.threshold;
    lk->threshold_weight = am__link_weight_of_probability(o.threshold);

    double t0 = am__link_now();
    if (am__link_records_load(&lk->rec, store, err) < 0 ||
        am__link_arrest_load(&lk->rec, store, err) < 0 || load_decisions(lk, store, err) < 0) {
        am_linker_free(lk);
        return NULL;
    }
    lk->sum.records = lk->rec.n;
    double t1 = am__link_now();
    lk->sum.seconds[AM_LP_LOAD] = t1 - t0;
    if (o.log && o.progress)
        fprintf(o.log, "amnistia: link: loaded %zu records in %.1f s\n", lk->rec.n, t1 - t0);

    if (am__link_block(&lk->rec, &o, &lk->blk, err) < 0) {
        am_linker_free(lk);
        return NULL;
    }
    lk->sum.n_rules = lk->blk.n_rules;
    memcpy(lk->sum.rules, lk->blk.rules, sizeof(lk->sum.rules));
    lk->sum.pairs = lk->blk.pairs.n;
    double t2 = am__link_now();
    lk->sum.seconds[AM_LP_BLOCK_SCORE] = t2 - t1;
    lk->sum.pairs_per_second = t2 > t1 ? (double)lk->blk.pairs.n / (t2 - t1) : 0;

    am__link_model_u_packed(&lk->model, &lk->rec, lk->blk.crec, 0x5eed);
    am__link_model_em_fit_free(&lk->model, lk->blk.pattern_count_dated,
                               (const uint64_t *const *)lk->blk.pattern_count_free,
                               lk->blk.pattern_count, lk->blk.pairs.n, lk->rec.n);
    fit_lists(lk, o.threads > 16 ? 16 : o.threads);
    /* Weigh every compared pair, split across the threads. */
    struct am__link_tfcache tf;
    am__link_tfcache_init(&tf, &lk->model, &lk->rec);
    pthread_t tid[16];
    struct weigh_job jobs[16];
    size_t per = (lk->blk.pairs.n + (size_t)o.threads - 1) / (size_t)o.threads;
    int started[16] = {0};
    for (int t = 0; t < o.threads; t++) {
        jobs[t].lk = lk;
        jobs[t].tf = &tf;
        jobs[t].from = per * (size_t)t < lk->blk.pairs.n ? per * (size_t)t : lk->blk.pairs.n;
        jobs[t].to = jobs[t].from + per < lk->blk.pairs.n ? jobs[t].from + per : lk->blk.pairs.n;
        if (t > 0)
            started[t] = pthread_create(&tid[t], NULL, weigh, &jobs[t]) == 0;
    }
    weigh(&jobs[0]);
    for (int t = 1; t < o.threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            weigh(&jobs[t]);
    am__link_tfcache_release(&tf);
    double t3 = am__link_now();
    lk->sum.seconds[AM_LP_EM] = t3 - t2;

    struct am_link_model_stats *ms = &lk->sum.model;
    memcpy(ms->m, lk->model.m, sizeof(ms->m));
    memcpy(ms->u, lk->model.u, sizeof(ms->u));
    memcpy(ms->weight, lk->model.w, sizeof(ms->weight));
    ms->lambda = lk->model.lambda;
    ms->prior_weight = lk->model.prior;
    ms->em_iterations = lk->model.iterations;
    ms->em_converged = lk->model.converged;
    ms->em_refit = lk->model.em_refit;
    if (lk->model.em_refit && o.log)
        fprintf(o.log, "amnistia: link: warning: EM's first fit did not separate records by"
                       " their names; refitted with the names' m held fixed\n");
    return lk;
}

void am_linker_free(struct am_linker *lk)
{
    if (!lk)
        return;
    am__link_records_release(&lk->rec);
    am__link_block_release(&lk->blk);
    AM_VEC_FREE(&lk->decisions);
    am_strmap_release(&lk->source_names);
    AM_VEC_FREE(&lk->source_str);
    am_arena_release(&lk->arena);
    am_free(lk);
}

const struct am_link_summary *am_linker_summary(const struct am_linker *lk) { return &lk->sum; }

static int conflict_cb(void *ctx, uint32_t a, uint32_t b)
{
    struct am_linker *lk = ctx;
    am__link_pattern p = lk->blk.crec
                             ? am__link_compare_c(&lk->rec, &lk->blk.crec[a], &lk->blk.crec[b])
                             : am__link_compare(&lk->rec, a, b);
    return is_conflict(am__link_pair_weight(&lk->model, &lk->rec, a, b, p) -
                           am__link_prior_of(&lk->model, &lk->rec, a, b),
                       p);
}

int am_link_run(struct am_store *store, const struct am_link_options *opt,
                struct am_link_summary *summary, struct am_err *err)
{
    double t0 = am__link_now();
    struct am_linker *lk = am_linker_new(store, opt, err);
    if (!lk)
        return -1;
    double t1 = am__link_now();
    AM_VEC(uint32_t) must = {0}, cannot = {0};
    uint8_t *by_review = am_calloc(lk->rec.n ? lk->rec.n : 1, 1);
    for (size_t k = 0; k < lk->decisions.n; k++) {
        struct decision *d = &lk->decisions.v[k];
        if (d->same) {
            AM_VEC_PUSH(&must, d->a);
            AM_VEC_PUSH(&must, d->b);
        } else {
            AM_VEC_PUSH(&cannot, d->a);
            AM_VEC_PUSH(&cannot, d->b);
        }
        by_review[d->a] = by_review[d->b] = 1;
    }
    struct am__link_cluster_in in = {
        .n = lk->rec.n,
        .pairs = lk->blk.pairs.v,
        .n_pairs = lk->blk.pairs.n,
        .threshold_weight = lk->threshold_weight,
        .must = (const uint32_t(*)[2])must.v,
        .n_must = must.n / 2,
        .cannot = (const uint32_t(*)[2])cannot.v,
        .n_cannot = cannot.n / 2,
        .conflict = conflict_cb,
        .ctx = lk,
    };
    struct am__link_cluster_out c;
    am__link_cluster(&in, &c);
    lk->sum.links = c.links;
    lk->sum.conflicts_split = c.dropped;
    lk->sum.must_links = in.n_must;
    lk->sum.cannot_links = in.n_cannot;
    double t2 = am__link_now();
    lk->sum.seconds[AM_LP_CLUSTER] = t2 - t1;
    if (lk->opt.log && lk->opt.progress)
        fprintf(lk->opt.log, "amnistia: link: writing persons...\n");
    int rc = am__link_write(store, &lk->rec, &c, by_review, &lk->sum, err);
    double t3 = am__link_now();
    lk->sum.seconds[AM_LP_WRITE] = t3 - t2;
    lk->sum.seconds_total = t3 - t0;
    if (summary)
        *summary = lk->sum;
    am__link_cluster_release(&c);
    AM_VEC_FREE(&must);
    AM_VEC_FREE(&cannot);
    am_free(by_review);
    am_linker_free(lk);
    return rc;
}

/* ---- explanations ----------------------------------------------------------------- */

static const char *join_tokens(struct am_linker *lk, const uint32_t *tok, int n)
{
    struct am_buf b;
    am_buf_init(&b);
    for (int i = 0; i < n; i++) {
        if (!tok[i])
            continue;
        if (b.len)
            am_buf_addc(&b, ' ');
        am_buf_adds(&b, lk->rec.tok.str.v[tok[i]]);
    }
    const char *s = am_arena_strdup(&lk->arena, b.ptr);
    am_buf_release(&b);
    return s;
}

static const char *field_value(struct am_linker *lk, int f, uint32_t i)
{
    const struct am__link_records *r = &lk->rec;
    char buf[64];
    switch (f) {
    case AM_LF_GIVEN:
        return join_tokens(lk, r->given[i], r->n_given[i]);
    case AM_LF_SURNAMES: {
        const char *s = join_tokens(lk, r->sur[i], r->n_sur[i]);
        if (r->sur[i][2])
            s = am_arena_printf(&lk->arena, "%s%s(married %s)", s, *s ? " " : "",
                                r->tok.str.v[r->sur[i][2]]);
        return s;
    }
    case AM_LF_CEDULA:
        if (!r->cedula[i])
            return "";
        return am_arena_printf(&lk->arena, "%s%s%u", r->cedula_kind[i] ? (char[2]){r->cedula_kind[i], 0} : "",
                               r->cedula_kind[i] ? "-" : "", r->cedula[i]);
    case AM_LF_BIRTH:
        if (r->birth[i] == AM__LINK_MISSING_DATE)
            return "";
        am_format_date(r->birth[i], buf);
        return am_arena_strdup(&lk->arena, buf);
    case AM_LF_SEX:
        return r->sex[i] == 'F' ? "F" : r->sex[i] == 'M' ? "M" : "";
    case AM_LF_PLACE:
        if (r->facility[i] && r->state[i])
            return am_arena_printf(&lk->arena, "%s, %s", r->place_str.v[r->facility[i]],
                                   r->place_str.v[r->state[i]]);
        if (r->facility[i])
            return r->place_str.v[r->facility[i]];
        return r->place_str.v[r->state[i]];
    case AM_LF_ARREST:
        if (!r->arrest || r->arrest[i] == AM__LINK_MISSING_DATE)
            return "";
        am_format_date(r->arrest[i], buf);
        return am_arena_strdup(&lk->arena, buf);
    }
    return "";
}

static const char *source_name(struct am_linker *lk, uint32_t i)
{
    char key[24];
    int64_t idx;
    snprintf(key, sizeof(key), "%u", lk->rec.source[i]);
    return am_strmap_get(&lk->source_names, key, &idx) ? lk->source_str.v[idx] : "";
}

static void explain_idx(struct am_linker *lk, uint32_t a, uint32_t b,
                        struct am_link_explanation *out)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    const struct am__link_records *r = &lk->rec;
    const struct am__link_model *m = &lk->model;
    memset(out, 0, sizeof(*out));
    out->a = r->id[a];
    out->b = r->id[b];
    out->a_name = r->names.ptr + r->name_off[a];
    out->b_name = r->names.ptr + r->name_off[b];
    out->a_source = source_name(lk, a);
    out->b_source = source_name(lk, b);
    const char *rule = am__link_block_rule_of(&lk->blk, a, b);
    out->rule = rule ? rule : "none";
    am__link_pattern p = am__link_compare(r, a, b);
    out->prior_weight = am__link_prior_of(m, r, a, b);
    for (int f = 0; f < AM_LF__COUNT; f++) {
        struct am_link_field_explain *fe = &out->fields[f];
        int l = am__link_level_of(p, f);
        fe->field = (enum am_link_field)f;
        fe->level = (enum am_link_level)l;
        fe->a_value = field_value(lk, f, a);
        fe->b_value = field_value(lk, f, b);
        if (f == AM_LF_GIVEN || f == AM_LF_SURNAMES) {
            /* Names as the comparison read them (a name whose order was a guess may
             * have been read another way). */
            struct am_buf gb[4];
            for (int k = 0; k < 4; k++)
                am_buf_init(&gb[k]);
            am__link_name_reading(r, a, b, &gb[0], &gb[1], &gb[2], &gb[3]);
            int off = f == AM_LF_GIVEN ? 0 : 1;
            fe->a_value = am_arena_strdup(&lk->arena, gb[off].ptr);
            fe->b_value = am_arena_strdup(&lk->arena, gb[off + 2].ptr);
            for (int k = 0; k < 4; k++)
                am_buf_release(&gb[k]);
        }
        fe->m = m->m[f][l];
        fe->u = m->u[f][l];
        fe->weight = m->w[f][l];
        fe->tf_adjust = am__link_tf_adjust(m, r, f, l, a, b);
    }
    out->weight = am__link_pair_weight(m, r, a, b, p);
    out->probability = am__link_probability(out->weight);
    for (size_t k = 0; k < lk->decisions.n; k++) {
        struct decision *d = &lk->decisions.v[k];
        if ((d->a == a && d->b == b) || (d->a == b && d->b == a))
            out->decision = d->same ? "same" : "different";
    }
}

int am_linker_explain(struct am_linker *lk, int64_t a, int64_t b,
                      struct am_link_explanation *out, struct am_err *err)
{
    if (a == b)
        return AM_FAIL(err, AM_EUSAGE, "records %lld and %lld are the same record; give two "
                                       "different record ids", (long long)a, (long long)b);
    long ia = am__link_records_find(&lk->rec, a), ib = am__link_records_find(&lk->rec, b);
    if (ia < 0 || ib < 0)
        return AM_FAIL(err, AM_ENOTFOUND,
                       "record %lld does not exist; see the record ids with `amnistia links --csv`",
                       (long long)(ia < 0 ? a : b));
    explain_idx(lk, (uint32_t)ia, (uint32_t)ib, out);
    return 0;
}

struct cand {
    float dist;
    uint32_t k;
};

static int cmp_cand(const void *x, const void *y)
{
    const struct cand *a = x, *b = y;
    if (a->dist != b->dist)
        return a->dist < b->dist ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

size_t am_linker_review(struct am_linker *lk, size_t limit, struct am_link_explanation *out,
                        size_t *total)
{
    AM_VEC(struct cand) c = {0};
    for (size_t k = 0; k < lk->blk.pairs.n; k++) {
        const struct am__link_pair *p = &lk->blk.pairs.v[k];
        double d = fabs(p->weight - lk->threshold_weight);
        if (d > REVIEW_BAND)
            continue;
        int decided = 0;
        for (size_t q = 0; q < lk->decisions.n && !decided; q++) {
            struct decision *dd = &lk->decisions.v[q];
            decided = (dd->a == p->a && dd->b == p->b) || (dd->a == p->b && dd->b == p->a);
        }
        if (!decided)
            AM_VEC_PUSH(&c, ((struct cand){(float)d, (uint32_t)k}));
    }
    if (c.n)
        qsort(c.v, c.n, sizeof(*c.v), cmp_cand);
    if (total)
        *total = c.n;
    size_t n = c.n < limit ? c.n : limit;
    for (size_t i = 0; i < n; i++) {
        const struct am__link_pair *p = &lk->blk.pairs.v[c.v[i].k];
        explain_idx(lk, p->a, p->b, &out[i]);
    }
    AM_VEC_FREE(&c);
    return n;
}

int am_link_decide(struct am_store *store, int64_t a, int64_t b, int same, const char *reason,
                   const char *by, struct am_err *err)
{
    if (a == b)
        return AM_FAIL(err, AM_EUSAGE, "records %lld and %lld are the same record; give two "
                                       "different record ids", (long long)a, (long long)b);
    if (!reason || !*reason)
        return AM_FAIL(err, AM_EUSAGE, "a decision needs a reason; add --reason TEXT");
    if (a > b) {
        int64_t t = a;
        a = b;
        b = t;
    }
    struct am_stmt *st = am_stmt_prepare(store, "SELECT count(*) FROM record WHERE id IN (?1, ?2)", err);
    if (!st)
        return -1;
    am_stmt_bind_int64(st, 1, a, err);
    am_stmt_bind_int64(st, 2, b, err);
    int rc = am_stmt_step(st, err);
    int64_t found = rc == 1 ? am_stmt_int64(st, 0) : -1;
    am_stmt_finalize(st);
    if (rc < 0)
        return -1;
    if (found != 2) {
        st = am_stmt_prepare(store, "SELECT 1 FROM record WHERE id = ?1", err);
        if (!st)
            return -1;
        am_stmt_bind_int64(st, 1, a, err);
        int has_a = am_stmt_step(st, err) == 1;
        am_stmt_finalize(st);
        return AM_FAIL(err, AM_ENOTFOUND,
                       "record %lld does not exist; give record ids from `amnistia review`",
                       (long long)(has_a ? b : a));
    }
    char at[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
    st = am_stmt_prepare(store,
                         "INSERT INTO match_decision(record_a, record_b, verdict, reason, by, at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(record_a, record_b) DO"
                         " UPDATE SET verdict = excluded.verdict, reason = excluded.reason,"
                         " by = excluded.by, at = excluded.at",
                         err);
    if (!st)
        return -1;
    am_stmt_bind_int64(st, 1, a, err);
    am_stmt_bind_int64(st, 2, b, err);
    am_stmt_bind_text(st, 3, same ? "same" : "different", err);
    am_stmt_bind_text(st, 4, reason, err);
    am_stmt_bind_text(st, 5, by && *by ? by : "unknown", err);
    am_stmt_bind_text(st, 6, at, err);
    rc = am_stmt_step(st, err);
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}
