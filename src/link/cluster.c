/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Clustering records into persons: connected components over the links (pairs at or
 * above the threshold), with human "same" decisions joined first and "different"
 * decisions never crossed. A component that holds two records clearly of different
 * people (a cannot-link, or a pair whose comparison says so) is rebuilt by adding its
 * links strongest first and refusing any that would join such a pair: the weak middle of
 * a chain is what gets dropped.
 */
#include "link_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t find(uint32_t *p, uint32_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static void unite(uint32_t *p, uint32_t a, uint32_t b)
{
    a = find(p, a);
    b = find(p, b);
    if (a == b)
        return;
    if (a < b)
        p[b] = a;
    else
        p[a] = b;
}

struct edge {
    uint32_t a, b;
    float w;
};

static int cmp_edge(const void *x, const void *y)
{
    const struct edge *a = x, *b = y;
    if (a->w != b->w)
        return a->w > b->w ? -1 : 1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

struct conflict {
    uint32_t root; /* component (after plain union) */
    uint32_t a, b;
};

static int cmp_conflict(const void *x, const void *y)
{
    const struct conflict *a = x, *b = y;
    if (a->root != b->root)
        return a->root < b->root ? -1 : 1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

void am__link_cluster(const struct am__link_cluster_in *in, struct am__link_cluster_out *out)
{
    size_t n = in->n;
    memset(out, 0, sizeof(*out));
    out->label = am_malloc((n ? n : 1) * sizeof(uint32_t));
    out->best = am_malloc((n ? n : 1) * sizeof(float));
    uint32_t *must = am_malloc((n ? n : 1) * sizeof(uint32_t));
    uint32_t *plain = am_malloc((n ? n : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
        must[i] = (uint32_t)i;
        out->best[i] = NAN;
    }
    for (size_t k = 0; k < in->n_must; k++)
        unite(must, in->must[k][0], in->must[k][1]);
    for (size_t i = 0; i < n; i++)
        must[i] = find(must, (uint32_t)i);

    AM_VEC(struct edge) edges = {0};
    for (size_t k = 0; k < in->n_pairs; k++) {
        const struct am__link_pair *p = &in->pairs[k];
        if (p->weight >= in->threshold_weight && !(p->pattern & AM__LINK_CONFLICT_BIT))
            AM_VEC_PUSH(&edges, ((struct edge){p->a, p->b, p->weight}));
    }
    out->links = edges.n;
    if (edges.n)
        qsort(edges.v, edges.n, sizeof(*edges.v), cmp_edge);

    /* Components without constraints. */
    memcpy(plain, must, n * sizeof(uint32_t));
    for (size_t k = 0; k < edges.n; k++)
        unite(plain, edges.v[k].a, edges.v[k].b);
    for (size_t i = 0; i < n; i++)
        plain[i] = find(plain, (uint32_t)i);

    /* A component a human joined records of is trusted as a whole: only human
     * "different" decisions split it, not conflicts found by comparison. */
    uint8_t *human = am_calloc(n ? n : 1, 1);
    for (size_t k = 0; k < in->n_must; k++)
        human[plain[in->must[k][0]]] = 1;

    /* Pairs that must stay apart, inside one component (and not already joined by a
     * human "same"). */
    AM_VEC(struct conflict) conf = {0};
#define ADD_CONFLICT(x, y)                                                              \
    do {                                                                                \
        uint32_t x_ = (x), y_ = (y);                                                    \
        if (plain[x_] == plain[y_] && must[x_] != must[y_])                             \
            AM_VEC_PUSH(&conf, ((struct conflict){plain[x_], x_ < y_ ? x_ : y_,          \
                                                  x_ < y_ ? y_ : x_}));                 \
    } while (0)
    for (size_t k = 0; k < in->n_cannot; k++)
        ADD_CONFLICT(in->cannot[k][0], in->cannot[k][1]);
    for (size_t k = 0; k < in->n_pairs; k++)
        if ((in->pairs[k].pattern & AM__LINK_CONFLICT_BIT) && !human[plain[in->pairs[k].a]])
            ADD_CONFLICT(in->pairs[k].a, in->pairs[k].b);
    if (in->conflict) {
        /* Components of 3 to CHECK_SIZE records: every pair, compared or not. */
        uint32_t *size = am_calloc(n ? n : 1, sizeof(uint32_t));
        for (size_t i = 0; i < n; i++)
            size[plain[i]]++;
        uint32_t *start = am_malloc((n + 1) * sizeof(uint32_t));
        uint32_t *members = am_malloc((n ? n : 1) * sizeof(uint32_t));
        uint32_t acc = 0;
        for (size_t i = 0; i < n; i++) {
            start[i] = acc;
            acc += size[i];
        }
        start[n] = acc;
        uint32_t *fill = am_calloc(n ? n : 1, sizeof(uint32_t));
        for (size_t i = 0; i < n; i++)
            members[start[plain[i]] + fill[plain[i]]++] = (uint32_t)i;
        for (size_t c = 0; c < n; c++) {
            if (size[c] < 3 || size[c] > AM__LINK_CHECK_SIZE || human[c])
                continue;
            const uint32_t *m = members + start[c];
            for (uint32_t x = 0; x < size[c]; x++)
                for (uint32_t y = x + 1; y < size[c]; y++)
                    if (must[m[x]] != must[m[y]] && in->conflict(in->ctx, m[x], m[y]))
                        ADD_CONFLICT(m[x], m[y]);
        }
        am_free(size);
        am_free(start);
        am_free(members);
        am_free(fill);
    }
#undef ADD_CONFLICT
    if (conf.n)
        qsort(conf.v, conf.n, sizeof(*conf.v), cmp_conflict);

    /* Rebuild: strongest links first; in a component with conflicts, refuse a link that
     * would join the two sides of one. */
    uint32_t *p = out->label;
    memcpy(p, must, n * sizeof(uint32_t));
    for (size_t k = 0; k < edges.n; k++) {
        uint32_t a = edges.v[k].a, b = edges.v[k].b;
        uint32_t ra = find(p, a), rb = find(p, b);
        if (ra == rb) {
            if (isnan(out->best[a]) || out->best[a] < edges.v[k].w)
                out->best[a] = edges.v[k].w;
            if (isnan(out->best[b]) || out->best[b] < edges.v[k].w)
                out->best[b] = edges.v[k].w;
            continue;
        }
        /* Conflicts of this component: binary search by root. */
        uint32_t root = plain[a];
        size_t lo = 0, hi = conf.n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (conf.v[mid].root < root)
                lo = mid + 1;
            else
                hi = mid;
        }
        int refuse = 0;
        for (size_t q = lo; q < conf.n && conf.v[q].root == root && !refuse; q++) {
            uint32_t fx = find(p, conf.v[q].a), fy = find(p, conf.v[q].b);
            if ((fx == ra && fy == rb) || (fx == rb && fy == ra))
                refuse = 1;
        }
        if (refuse) {
            out->dropped++;
            continue;
        }
        unite(p, ra, rb);
        if (isnan(out->best[a]) || out->best[a] < edges.v[k].w)
            out->best[a] = edges.v[k].w;
        if (isnan(out->best[b]) || out->best[b] < edges.v[k].w)
            out->best[b] = edges.v[k].w;
    }
    for (size_t i = 0; i < n; i++)
        p[i] = find(p, (uint32_t)i);
    /* Union by smaller index makes the root the smallest member: the label. */
    AM_VEC_FREE(&edges);
    AM_VEC_FREE(&conf);
    am_free(human);
    am_free(must);
    am_free(plain);
}

void am__link_cluster_release(struct am__link_cluster_out *out)
{
    am_free(out->label);
    am_free(out->best);
    memset(out, 0, sizeof(*out));
}
