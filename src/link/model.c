/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The Fellegi-Sunter model: u-probabilities from random pairs (exact levels from value
 * frequencies), m-probabilities and the share of matches by EM over the comparison
 * patterns of the compared pairs (no labels), weights log2(m/u), the prior, and the
 * term-frequency adjustment that makes agreeing on a common name count for less.
 */
#include "link_int.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define U_SAMPLES 400000ull
#define FLOOR 1e-9
#define M_FLOOR 1e-3 /* least m of a level: the lists' irreducible error rate */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* P(two random records with known values agree exactly) = sum c(c-1) / (K(K-1)). */
static double agree_share_u32(const uint32_t *v, size_t n)
{
    uint32_t *s = am_malloc((n ? n : 1) * sizeof(*s));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i])
            s[k++] = v[i];
    double same = 0;
    if (k >= 2) {
        /* Radix by 16 bits twice. */
        uint32_t *t = am_malloc(k * sizeof(*t));
        size_t *cnt = am_malloc(65536 * sizeof(size_t));
        for (int pass = 0; pass < 2; pass++) {
            memset(cnt, 0, 65536 * sizeof(size_t));
            for (size_t i = 0; i < k; i++)
                cnt[(s[i] >> (16 * pass)) & 0xffff]++;
            size_t sum = 0;
            for (size_t i = 0; i < 65536; i++) {
                size_t c = cnt[i];
                cnt[i] = sum;
                sum += c;
            }
            for (size_t i = 0; i < k; i++)
                t[cnt[(s[i] >> (16 * pass)) & 0xffff]++] = s[i];
            uint32_t *x = s;
            s = t;
            t = x;
        }
        am_free(t);
        am_free(cnt);
        for (size_t i = 0; i < k;) {
            size_t j = i;
            while (j < k && s[j] == s[i])
                j++;
            double c = (double)(j - i);
            same += c * (c - 1);
            i = j;
        }
        same /= (double)k * (double)(k - 1);
    }
    am_free(s);
    return same;
}

static double key_agree_share(const struct am__link_keytab *k)
{
    double same = 0;
    for (size_t i = 1; i < k->count.n; i++)
        same += (double)k->count.v[i] * ((double)k->count.v[i] - 1);
    return k->known >= 2 ? same / ((double)k->known * (double)(k->known - 1)) : 0;
}

struct u_job {
    const struct am__link_records *r;
    const struct am__link_crec *crec; /* NULL: gather each record from r */
    uint64_t seed, samples;
    uint64_t cnt[AM_LF__COUNT][AM_LL__COUNT];
};

static void *u_sample(void *arg)
{
    struct u_job *j = arg;
    uint64_t s = j->seed, n = j->r->n;
    for (uint64_t k = 0; k < j->samples;) {
        uint32_t a = (uint32_t)(splitmix(&s) % n), b = (uint32_t)(splitmix(&s) % n);
        if (a == b)
            continue;
        am__link_pattern p = j->crec ? am__link_compare_c(j->r, &j->crec[a], &j->crec[b])
                                     : am__link_compare(j->r, a, b);
        for (int f = 0; f < AM_LF__COUNT; f++)
            j->cnt[f][am__link_level_of(p, f)]++;
        k++;
    }
    return NULL;
}

void am__link_model_u(struct am__link_model *model, const struct am__link_records *r,
                      uint64_t seed)
{
    am__link_model_u_packed(model, r, NULL, seed);
}

void am__link_model_u_packed(struct am__link_model *model, const struct am__link_records *r,
                             const struct am__link_crec *crec, uint64_t seed)
{
    uint64_t cnt[AM_LF__COUNT][AM_LL__COUNT];
    memset(cnt, 0, sizeof(cnt));
    size_t n = r->n;
    uint64_t all = n >= 2 ? (uint64_t)n * (n - 1) / 2 : 0;
    if (all <= U_SAMPLES) {
        for (uint32_t a = 0; a < n; a++)
            for (uint32_t b = a + 1; b < n; b++) {
                am__link_pattern p = crec ? am__link_compare_c(r, &crec[a], &crec[b])
                                          : am__link_compare(r, a, b);
                for (int f = 0; f < AM_LF__COUNT; f++)
                    cnt[f][am__link_level_of(p, f)]++;
            }
    } else {
        /* Two fixed halves with their own seeds: the same answer on any machine. */
        struct u_job jobs[2];
        memset(jobs, 0, sizeof(jobs));
        for (int t = 0; t < 2; t++) {
            jobs[t].r = r;
            jobs[t].crec = crec;
            jobs[t].seed = seed + (uint64_t)t * 0x9e3779b97f4a7c15ull;
            jobs[t].samples = U_SAMPLES / 2;
        }
        pthread_t tid;
        int started = pthread_create(&tid, NULL, u_sample, &jobs[1]) == 0;
        u_sample(&jobs[0]);
        if (started)
            pthread_join(tid, NULL);
        else
            u_sample(&jobs[1]);
        for (int t = 0; t < 2; t++)
            for (int f = 0; f < AM_LF__COUNT; f++)
                for (int l = 0; l < AM_LL__COUNT; l++)
                    cnt[f][l] += jobs[t].cnt[f][l];
    }
    for (int f = 0; f < AM_LF__COUNT; f++) {
        uint64_t known = 0;
        int used = 0;
        for (int l = 0; l < AM_LL_MISSING; l++)
            if (am__link_level_used(f, l)) {
                known += cnt[f][l];
                used++;
            }
        for (int l = 0; l < AM_LL__COUNT; l++)
            model->u[f][l] = 0;
        for (int l = 0; l < AM_LL_MISSING; l++)
            if (am__link_level_used(f, l))
                model->u[f][l] = ((double)cnt[f][l] + 0.5) / ((double)known + 0.5 * used);
        model->u[f][AM_LL_MISSING] = 1;
    }
    /* Exact agreement from the frequencies of the values: random sampling cannot see
     * probabilities of one in a million. */
    double ex[AM_LF__COUNT];
    for (int f = 0; f < AM_LF__COUNT; f++)
        ex[f] = -1;
    ex[AM_LF_GIVEN] = key_agree_share(&r->gkeys);
    ex[AM_LF_SURNAMES] = key_agree_share(&r->skeys);
    ex[AM_LF_CEDULA] = agree_share_u32(r->cedula, n);
    {
        uint32_t *b = am_malloc((n ? n : 1) * sizeof(*b));
        for (size_t i = 0; i < n; i++)
            b[i] = r->birth[i] == AM__LINK_MISSING_DATE ? 0 : (uint32_t)(r->birth[i] + 1000000);
        ex[AM_LF_BIRTH] = agree_share_u32(b, n);
        memset(model->arrest_count, 0, sizeof(model->arrest_count));
        model->arrest_known = 0;
        if (r->arrest) {
            for (size_t i = 0; i < n; i++)
                if (r->arrest[i] != AM__LINK_MISSING_DATE) {
                    model->arrest_count[(uint32_t)r->arrest[i] & 0xffffu]++;
                    model->arrest_known++;
                }
            for (size_t i = 0; i < n; i++)
                b[i] = r->arrest[i] == AM__LINK_MISSING_DATE ? 0
                                                              : (uint32_t)(r->arrest[i] + 1000000);
            ex[AM_LF_ARREST] = agree_share_u32(b, n);
        }
        am_free(b);
    }
    for (int f = 0; f < AM_LF__COUNT; f++) {
        if (ex[f] < 0)
            continue;
        double e = ex[f] > FLOOR ? ex[f] : FLOOR;
        double old = model->u[f][AM_LL_EXACT];
        double scale = old < 1 ? (1 - e) / (1 - old) : 1;
        for (int l = 0; l < AM_LL_MISSING; l++)
            if (am__link_level_used(f, l) && l != AM_LL_EXACT)
                model->u[f][l] *= scale;
        model->u[f][AM_LL_EXACT] = e;
    }
    model->u_given_exact = model->u[AM_LF_GIVEN][AM_LL_EXACT];
    model->u_sur_exact = model->u[AM_LF_SURNAMES][AM_LL_EXACT];
}

/* Starting m: agreement likely for a match. */
static const double m_start[AM_LL_MISSING] = {0.85, 0.08, 0.04, 0.03};

struct em {
    double m[AM_LF__COUNT][AM_LL__COUNT], ub[AM_LF__COUNT][AM_LL__COUNT];
    double lambda;
    int iterations, converged;
};

/* EM over pattern counts. With fix_m, only the non-matches' levels and lambda move. */
static void em_run(struct em *e, const uint64_t *count, unsigned fix_m, unsigned fix_u)
{
    AM_VEC(uint32_t) pats = {0};
    double total = 0;
    for (uint32_t p = 0; p < AM__LINK_NPATTERNS; p++)
        if (count[p]) {
            AM_VEC_PUSH(&pats, p);
            total += (double)count[p];
        }
    int it, converged = 0;
    for (it = 0; it < 500 && pats.n; it++) {
        double sm[AM_LF__COUNT][AM_LL__COUNT] = {{0}}, su[AM_LF__COUNT][AM_LL__COUNT] = {{0}};
        double sg = 0;
        for (size_t k = 0; k < pats.n; k++) {
            uint32_t p = pats.v[k];
            double c = (double)count[p];
            double lm = e->lambda, lu = 1 - e->lambda;
            for (int f = 0; f < AM_LF__COUNT; f++) {
                int l = am__link_level_of(p, f);
                lm *= e->m[f][l];
                lu *= e->ub[f][l];
            }
            double g = lm + lu > 0 ? lm / (lm + lu) : 0;
            sg += c * g;
            for (int f = 0; f < AM_LF__COUNT; f++) {
                int l = am__link_level_of(p, f);
                sm[f][l] += c * g;
                su[f][l] += c * (1 - g);
            }
        }
        double lambda = sg / total;
        if (lambda < 1e-9)
            lambda = 1e-9;
        if (lambda > 1 - 1e-9)
            lambda = 1 - 1e-9;
        double delta = fabs(lambda - e->lambda);
        e->lambda = lambda;
        for (int f = 0; f < AM_LF__COUNT; f++) {
            double tm = 0, tu = 0;
            int used = 0;
            for (int l = 0; l < AM_LL_MISSING; l++)
                if (am__link_level_used(f, l)) {
                    tm += sm[f][l];
                    tu += su[f][l];
                    used++;
                }
            for (int l = 0; l < AM_LL_MISSING; l++) {
                if (!am__link_level_used(f, l))
                    continue;
                /* A small pseudo-count keeps a level never seen among matches finite. */
                double nu = (su[f][l] + 1e-3) / (tu + 1e-3 * used);
                if (!(fix_u & (1u << f))) {
                    if (fabs(nu - e->ub[f][l]) > delta)
                        delta = fabs(nu - e->ub[f][l]);
                    e->ub[f][l] = nu;
                }
                if (fix_m & (1u << f))
                    continue;
                double nm = (sm[f][l] + 1e-3) / (tm + 1e-3 * used);
                if (fabs(nm - e->m[f][l]) > delta)
                    delta = fabs(nm - e->m[f][l]);
                e->m[f][l] = nm;
            }
        }
        if (delta < 1e-7) {
            converged = 1;
            it++;
            break;
        }
    }
    AM_VEC_FREE(&pats);
    e->iterations += it;
    e->converged = converged;
}

static void em_start(struct em *e, const struct am__link_model *model)
{
    memset(e, 0, sizeof(*e));
    for (int f = 0; f < AM_LF__COUNT; f++) {
        double s = 0;
        for (int l = 0; l < AM_LL_MISSING; l++)
            if (am__link_level_used(f, l))
                s += m_start[l];
        for (int l = 0; l < AM_LL__COUNT; l++) {
            e->m[f][l] = l < AM_LL_MISSING && am__link_level_used(f, l) ? m_start[l] / s : 1;
            e->ub[f][l] = model->u[f][l];
        }
    }
    e->lambda = 0.1;
}

static void finish(struct am__link_model *model, const struct em *e, uint64_t n_pairs,
                   uint64_t n_records)
{
    model->iterations = e->iterations;
    model->converged = e->converged;
    model->lambda = e->lambda;
    memcpy(model->ub, e->ub, sizeof(model->ub));
    for (int f = 0; f < AM_LF__COUNT; f++)
        for (int l = 0; l < AM_LL__COUNT; l++) {
            /* No field of a real list is never wrong: EM's m of 1e-7 for "different
             * place" only says the sample held no such match, and as a weight it would
             * veto any link (and split clusters) on one transfer or one misread date. */
            double m = e->m[f][l];
            if (l != AM_LL_MISSING && am__link_level_used(f, l) && m < M_FLOOR)
                m = M_FLOOR;
            model->m[f][l] = m;
            if (l == AM_LL_MISSING || !am__link_level_used(f, l))
                model->w[f][l] = 0;
            else
                model->w[f][l] =
                    log2(m / (model->u[f][l] > FLOOR ? model->u[f][l] : FLOOR));
        }
    /* Prior: the expected matches among compared pairs, out of all pairs. */
    double all = n_records >= 2 ? (double)n_records * ((double)n_records - 1) / 2 : 1;
    double matches = e->lambda * (double)n_pairs;
    if (matches < 1)
        matches = 1;
    if (matches > all / 2)
        matches = all / 2;
    model->prior = log2(matches / (all - matches));
    model->prior_same = model->prior_cross = model->prior;
    model->by_list = 0;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

double am__link_pattern_posterior(const struct am__link_model *model, am__link_pattern p)
{
    double lm = model->lambda, lu = 1 - model->lambda;
    for (int f = 0; f < AM_LF__COUNT; f++) {
        int l = am__link_level_of(p, f);
        if (l == AM_LL_MISSING)
            continue;
        lm *= model->m[f][l];
        lu *= model->ub[f][l];
    }
    return lm + lu > 0 ? lm / (lm + lu) : 0;
}

void am__link_model_lists(struct am__link_model *model, const struct am__link_records *r,
                          double same_g, double all_g)
{
    model->prior_same = model->prior_cross = model->prior;
    model->by_list = 0;
    model->m_same_list = model->u_same_list = 0;
    if (r->n < 2 || all_g < 1)
        return;
    /* Records per list, by sorting the list ids. */
    uint32_t *sorted = am_malloc(r->n * sizeof(*sorted));
    memcpy(sorted, r->snap, r->n * sizeof(*sorted));
    qsort(sorted, r->n, sizeof(*sorted), cmp_u32);
    double within = 0, n = (double)r->n;
    for (size_t i = 0; i < r->n;) {
        size_t j = i;
        while (j < r->n && sorted[j] == sorted[i])
            j++;
        double c = (double)(j - i);
        within += c * (c - 1);
        i = j;
    }
    am_free(sorted);
    double u_same = within / (n * (n - 1));
    if (u_same <= 0 || u_same >= 1)
        return;
    double m_same = same_g / all_g;
    if (m_same < M_FLOOR)
        m_same = M_FLOOR;
    if (m_same > 1 - M_FLOOR)
        m_same = 1 - M_FLOOR;
    model->m_same_list = m_same;
    model->u_same_list = u_same;
    model->prior_same = model->prior + log2(m_same / u_same);
    model->prior_cross = model->prior + log2((1 - m_same) / (1 - u_same));
    model->by_list = 1;
}

void am__link_model_em(struct am__link_model *model, const uint64_t *pattern_count,
                       uint64_t n_pairs, uint64_t n_records)
{
    struct em e;
    em_start(&e, model);
    em_run(&e, pattern_count, 0, 0);
    /* EM finds two classes, not necessarily "same person" and "not": when the class it
     * calls matches mostly disagrees on names (it found, say, relatives sharing a place),
     * fit again with the names' m held at their starting values, so that only the other
     * fields and the share of matches are learnt. */
    double g = e.m[AM_LF_GIVEN][AM_LL_EXACT] + e.m[AM_LF_GIVEN][AM_LL_CLOSE];
    double sn = e.m[AM_LF_SURNAMES][AM_LL_EXACT] + e.m[AM_LF_SURNAMES][AM_LL_CLOSE];
    model->em_refit = 0;
    if (g < 0.5 || sn < 0.5) {
        int it = e.iterations;
        em_start(&e, model);
        em_run(&e, pattern_count, (1u << AM_LF_GIVEN) | (1u << AM_LF_SURNAMES), 0);
        e.iterations += it;
        model->em_refit = 1;
    }
    finish(model, &e, n_pairs, n_records);
}

const int AM__LINK_FREE_FIELDS[AM__LINK_NFREE] = {AM_LF_ARREST, AM_LF_CEDULA, AM_LF_BIRTH};

/* m and lambda from fit_count (see am__link_model_em_fit), m of the free fields again from
 * the pairs not keyed on them, then lambda on all pairs with m held. */
static void em_fit(struct am__link_model *model, const uint64_t *fit_count,
                   const uint64_t *const *free_count, const uint64_t *pattern_count,
                   uint64_t n_pairs, uint64_t n_records);

void am__link_model_em_fit(struct am__link_model *model, const uint64_t *fit_count,
                           const uint64_t *pattern_count, uint64_t n_pairs,
                           uint64_t n_records)
{
    em_fit(model, fit_count, NULL, pattern_count, n_pairs, n_records);
}

void am__link_model_em_fit_free(struct am__link_model *model, const uint64_t *fit_count,
                                const uint64_t *const *free_count,
                                const uint64_t *pattern_count, uint64_t n_pairs,
                                uint64_t n_records)
{
    em_fit(model, fit_count, free_count, pattern_count, n_pairs, n_records);
}

static void em_fit(struct am__link_model *model, const uint64_t *fit_count,
                   const uint64_t *const *free_count, const uint64_t *pattern_count,
                   uint64_t n_pairs, uint64_t n_records)
{
    uint64_t fit_pairs = 0;
    for (uint32_t p = 0; p < AM__LINK_NPATTERNS; p++)
        fit_pairs += fit_count[p];
    if (fit_pairs < 100) {
        am__link_model_em(model, pattern_count, n_pairs, n_records);
        return;
    }
    am__link_model_em(model, fit_count, fit_pairs, n_records);
    struct em e;
    /* A rule keyed on a field compares only pairs that agree on it (the exact arrest
     * date, the cédula, the birth year): among its matches that field agrees more often
     * than among all matches, and EM learns too small an m for its close and different
     * levels (on the heavy synthetic lists 0.05 for arrest dates a few days apart, where
     * the true share is 0.22). Each such field's m is learnt again from the pairs of the
     * rules that do not hold it, the other fields' m held as fitted. */
    for (int k = 0; free_count && k < AM__LINK_NFREE; k++) {
        int f = AM__LINK_FREE_FIELDS[k];
        const uint64_t *fc = free_count[k];
        uint64_t known = 0;
        for (uint32_t p = 0; fc && p < AM__LINK_NPATTERNS; p++)
            if (fc[p] && am__link_level_of(p, f) != AM_LL_MISSING)
                known += fc[p];
        if (known < 100)
            continue;
        em_start(&e, model);
        for (int g = 0; g < AM_LF__COUNT; g++)
            for (int l = 0; l < AM_LL__COUNT; l++)
                e.m[g][l] = model->m[g][l];
        e.lambda = model->lambda;
        em_run(&e, fc, ((1u << AM_LF__COUNT) - 1) & ~(1u << f), 0);
        for (int l = 0; l < AM_LL__COUNT; l++)
            model->m[f][l] = e.m[f][l];
    }
    em_start(&e, model);
    for (int f = 0; f < AM_LF__COUNT; f++)
        for (int l = 0; l < AM_LL__COUNT; l++)
            e.m[f][l] = model->m[f][l];
    e.lambda = model->lambda;
    e.iterations = model->iterations;
    em_run(&e, pattern_count, (1u << AM_LF__COUNT) - 1, 0);
    e.converged &= model->converged;
    finish(model, &e, n_pairs, n_records);
}

/* One list gives a single name and the other gives it among more ("Martínez" and
 * "Martínez Arias"): the agreement is worth what that one name is worth. The share of
 * records using the token stands for its frequency; the adjustment is bounded because
 * the close level also holds typos, whose frequency this does not describe. */
/* The record (a or b) whose single name the other holds among its names, for the
 * close level of the field; -1 when neither is such a pair. */
static long tf_close_side(const struct am__link_records *r, int field, uint32_t a, uint32_t b)
{
    uint32_t one = 0, single;
    const uint32_t *other;
    int n_other;
    if (field == AM_LF_GIVEN) {
        if (r->n_given[a] == 1 && r->n_given[b] > 1) {
            single = a;
            one = r->given[a][0];
            other = r->given[b];
            n_other = r->n_given[b];
        } else if (r->n_given[b] == 1 && r->n_given[a] > 1) {
            single = b;
            one = r->given[b][0];
            other = r->given[a];
            n_other = r->n_given[a];
        } else
            return -1;
    } else if (field == AM_LF_SURNAMES) {
        if (r->n_sur[a] == 1 && !r->sur[a][2] && r->n_sur[b] > 1) {
            single = a;
            one = r->sur[a][0];
            other = r->sur[b];
            n_other = r->n_sur[b];
        } else if (r->n_sur[b] == 1 && !r->sur[b][2] && r->n_sur[a] > 1) {
            single = b;
            one = r->sur[b][0];
            other = r->sur[a];
            n_other = r->n_sur[a];
        } else
            return -1;
    } else
        return -1;
    int found = 0;
    for (int k = 0; k < n_other; k++)
        found |= other[k] == one;
    return found ? (long)single : -1;
}

/* The adjustment when record i's single name of the field is found in the other's. */
static double tf_close_of(const struct am__link_model *model, const struct am__link_records *r,
                          int field, uint32_t i)
{
    uint32_t one = field == AM_LF_GIVEN ? r->given[i][0] : r->sur[i][0];
    double u = model->u[field][AM_LL_CLOSE];
    if (!r->n || u <= 0)
        return 0;
    double tf = (double)r->tok.count.v[one] / (double)r->n;
    if (tf < 1.0 / (double)r->n)
        tf = 1.0 / (double)r->n;
    double adj = log2(u / tf);
    return adj > 4 ? 4 : adj < -4 ? -4 : adj;
}

static double tf_close(const struct am__link_model *model, const struct am__link_records *r,
                       int field, uint32_t a, uint32_t b)
{
    long i = tf_close_side(r, field, a, b);
    return i < 0 ? 0 : tf_close_of(model, r, field, (uint32_t)i);
}

static double tf_exact(const struct am__link_model *model, const struct am__link_records *r,
                       int field, uint32_t a);

double am__link_tf_adjust(const struct am__link_model *model, const struct am__link_records *r,
                          int field, int level, uint32_t a, uint32_t b)
{
    if (level == AM_LL_CLOSE)
        return tf_close(model, r, field, a, b);
    if (level != AM_LL_EXACT)
        return 0;
    /* The key of a record whose name was read without guessing (not for the arrest date,
     * which both records share). */
    if (field != AM_LF_ARREST && r->n_words[a] && !r->n_words[b])
        a = b;
    return tf_exact(model, r, field, a);
}

void am__link_tfcache_init(struct am__link_tfcache *c, const struct am__link_model *model,
                           const struct am__link_records *r)
{
    size_t n = r->n ? r->n : 1;
    c->rec = am_calloc(n, sizeof(*c->rec));
    for (size_t i = 0; i < r->n; i++) {
        struct am__link_tfrec *t = &c->rec[i];
        t->given = tf_exact(model, r, AM_LF_GIVEN, (uint32_t)i);
        t->sur = tf_exact(model, r, AM_LF_SURNAMES, (uint32_t)i);
        t->arrest = tf_exact(model, r, AM_LF_ARREST, (uint32_t)i);
        /* Only read for a record with one given name, or one surname and no married. */
        t->close_given =
            r->n_given[i] == 1 ? tf_close_of(model, r, AM_LF_GIVEN, (uint32_t)i) : 0;
        t->close_sur = r->n_sur[i] == 1 && !r->sur[i][2]
                           ? tf_close_of(model, r, AM_LF_SURNAMES, (uint32_t)i)
                           : 0;
        memcpy(t->g, r->given[i], sizeof(t->g));
        t->s[0] = r->sur[i][0];
        t->s[1] = r->sur[i][1];
        t->ng = r->n_given[i];
        t->ns = r->n_sur[i];
        t->married = r->sur[i][2] != 0;
        t->guessed = r->n_words[i] != 0;
    }
}

void am__link_tfcache_release(struct am__link_tfcache *c)
{
    am_free(c->rec);
    memset(c, 0, sizeof(*c));
}

_Static_assert(sizeof(struct am__link_tfrec) == 64, "one cache line per record");

/* tf_close_side from the packed lines: the record whose single name the other holds, 0
 * for a, 1 for b, -1 for neither. */
static int tf_close_side_packed(const struct am__link_tfrec *a, const struct am__link_tfrec *b,
                                int field)
{
    uint32_t one;
    const uint32_t *other;
    int n_other, side;
    if (field == AM_LF_GIVEN) {
        if (a->ng == 1 && b->ng > 1) {
            side = 0, one = a->g[0], other = b->g, n_other = b->ng;
        } else if (b->ng == 1 && a->ng > 1) {
            side = 1, one = b->g[0], other = a->g, n_other = a->ng;
        } else
            return -1;
    } else {
        if (a->ns == 1 && !a->married && b->ns > 1) {
            side = 0, one = a->s[0], other = b->s, n_other = b->ns;
        } else if (b->ns == 1 && !b->married && a->ns > 1) {
            side = 1, one = b->s[0], other = a->s, n_other = a->ns;
        } else
            return -1;
    }
    int found = 0;
    for (int k = 0; k < n_other; k++)
        found |= other[k] == one;
    return found ? side : -1;
}

double am__link_pair_weight_cached(const struct am__link_model *model,
                                   const struct am__link_records *r,
                                   const struct am__link_tfcache *c, uint32_t a, uint32_t b,
                                   am__link_pattern p)
{
    /* The same sums in the same order as am__link_pair_weight. */
    double w = am__link_prior_of(model, r, a, b);
    for (int f = 0; f < AM_LF__COUNT; f++) {
        int l = am__link_level_of(p, f);
        w += model->w[f][l];
    }
    const struct am__link_tfrec *ra = &c->rec[a], *rb = &c->rec[b];
    int lg = am__link_level_of(p, AM_LF_GIVEN), ls = am__link_level_of(p, AM_LF_SURNAMES);
    const struct am__link_tfrec *named = ra->guessed && !rb->guessed ? rb : ra;
    if (lg == AM_LL_EXACT)
        w += named->given;
    else if (lg == AM_LL_CLOSE) {
        int side = tf_close_side_packed(ra, rb, AM_LF_GIVEN);
        w += side < 0 ? 0 : (side ? rb : ra)->close_given;
    }
    if (ls == AM_LL_EXACT)
        w += named->sur;
    else if (ls == AM_LL_CLOSE) {
        int side = tf_close_side_packed(ra, rb, AM_LF_SURNAMES);
        w += side < 0 ? 0 : (side ? rb : ra)->close_sur;
    }
    if (am__link_level_of(p, AM_LF_ARREST) == AM_LL_EXACT)
        w += ra->arrest;
    return w;
}

/* The term-frequency adjustment of an exact level by record i's value. */
static double tf_exact(const struct am__link_model *model, const struct am__link_records *r,
                       int field, uint32_t a)
{
    if (field == AM_LF_ARREST) {
        /* The same arrest date on a day of mass arrests says less than on a quiet day. */
        if (!r->arrest || !model->arrest_known || r->arrest[a] == AM__LINK_MISSING_DATE)
            return 0;
        double u = model->u[AM_LF_ARREST][AM_LL_EXACT];
        double c = model->arrest_count[(uint32_t)r->arrest[a] & 0xffffu];
        double tf = (c > 1 ? c : 1) / (double)model->arrest_known;
        return u > 0 ? log2(u / tf) : 0;
    }
    uint32_t key;
    const struct am__link_keytab *k;
    double u;
    if (field == AM_LF_GIVEN) {
        key = r->given_key[a];
        k = &r->gkeys;
        u = model->u_given_exact;
    } else if (field == AM_LF_SURNAMES) {
        key = r->sur_key[a];
        k = &r->skeys;
        u = model->u_sur_exact;
    } else
        return 0;
    uint64_t known = k->known;
    if (!key || !known || u <= 0)
        return 0;
    double tf = (double)k->count.v[key] / (double)known;
    double floor_tf = 1.0 / (double)known;
    if (tf < floor_tf)
        tf = floor_tf;
    return log2(u / tf);
}

double am__link_pair_weight(const struct am__link_model *model, const struct am__link_records *r,
                            uint32_t a, uint32_t b, am__link_pattern p)
{
    double w = am__link_prior_of(model, r, a, b);
    for (int f = 0; f < AM_LF__COUNT; f++) {
        int l = am__link_level_of(p, f);
        w += model->w[f][l];
    }
    int lg = am__link_level_of(p, AM_LF_GIVEN), ls = am__link_level_of(p, AM_LF_SURNAMES);
    if (lg == AM_LL_EXACT || lg == AM_LL_CLOSE)
        w += am__link_tf_adjust(model, r, AM_LF_GIVEN, lg, a, b);
    if (ls == AM_LL_EXACT || ls == AM_LL_CLOSE)
        w += am__link_tf_adjust(model, r, AM_LF_SURNAMES, ls, a, b);
    if (am__link_level_of(p, AM_LF_ARREST) == AM_LL_EXACT)
        w += am__link_tf_adjust(model, r, AM_LF_ARREST, AM_LL_EXACT, a, b);
    return w;
}

double am__link_probability(double w)
{
    if (w > 60)
        return 1.0;
    if (w < -60)
        return 0.0;
    double o = exp2(w);
    return o / (1 + o);
}

double am__link_weight_of_probability(double p)
{
    if (p <= 0)
        return -60;
    if (p >= 1)
        return 60;
    return log2(p / (1 - p));
}
