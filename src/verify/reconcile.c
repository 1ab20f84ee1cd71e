/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * reconcile: the competing counts side by side. For each source its latest list as of a
 * date — the rows it claims, the persons they are after linking, how many of those two
 * independent (non-official) sources confirm — and for official lists the audit's
 * breakdown by flag. Writers for JSON and a self-contained HTML page live here too.
 */
#include "verify_int.h"

#include <string.h>

/* The latest snapshot of each source as of ?1 (YYYY-MM-DD). */
#define LATEST                                                                                     \
    "SELECT (SELECT n.id FROM snapshot n WHERE n.source_id = s.id"                                 \
    "  AND coalesce(n.as_of, substr(n.imported_at, 1, 10)) <= ?1"                                  \
    "  ORDER BY coalesce(n.as_of, substr(n.imported_at, 1, 10)) DESC, n.id DESC LIMIT 1)"

/* Persons and how many distinct non-official sources recorded each, as of ?1. */
#define INDEP                                                                                      \
    "indep AS (SELECT rp.person_id AS pid, count(DISTINCT n.source_id) AS k"                       \
    " FROM record_person rp JOIN record r ON r.id = rp.record_id"                                  \
    " JOIN snapshot n ON n.id = r.snapshot_id JOIN source s ON s.id = n.source_id"                 \
    " WHERE s.kind <> 'official' AND coalesce(n.as_of, substr(n.imported_at, 1, 10)) <= ?1"        \
    " GROUP BY rp.person_id)"

static const char sql_sources[] =
    "SELECT s.id, s.name, s.kind, (" LATEST ") AS snap FROM source s ORDER BY s.name";

static const char sql_source_counts[] =
    "WITH " INDEP ","
    " counted AS (SELECT DISTINCT rp.person_id AS pid FROM record r"
    "  JOIN record_person rp ON rp.record_id = r.id WHERE r.snapshot_id = ?2)"
    " SELECT (SELECT count(*) FROM record WHERE snapshot_id = ?2),"
    " (SELECT count(*) FROM counted) + (SELECT count(*) FROM record r"
    "  LEFT JOIN record_person rp ON rp.record_id = r.id"
    "  WHERE r.snapshot_id = ?2 AND rp.record_id IS NULL),"
    " (SELECT count(*) FROM counted c JOIN indep i ON i.pid = c.pid WHERE i.k >= 2),"
    " (SELECT coalesce(as_of, substr(imported_at, 1, 10)) FROM snapshot WHERE id = ?2)";

static const char sql_totals[] =
    "WITH latest AS (" LATEST " AS snap FROM source s), " INDEP ","
    " counted AS (SELECT DISTINCT rp.person_id AS pid FROM record r"
    "  JOIN record_person rp ON rp.record_id = r.id"
    "  WHERE r.snapshot_id IN (SELECT snap FROM latest))"
    " SELECT (SELECT count(*) FROM counted) + (SELECT count(*) FROM record r"
    "  LEFT JOIN record_person rp ON rp.record_id = r.id"
    "  WHERE rp.record_id IS NULL AND r.snapshot_id IN (SELECT snap FROM latest)),"
    " (SELECT count(*) FROM counted c JOIN indep i ON i.pid = c.pid WHERE i.k >= 2)";

static int audit_source(struct am_store *store, struct am_reconcile_source *src, const char *as_of,
                        struct am_err *err)
{
    struct am_verify_list list;
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)src->snapshot_id);
    if (am_verify_list_resolve(store, id, 1, &list, err) < 0)
        return -1;
    struct am_audit a;
    /* What could be verified on that day: only lists dated by then. */
    struct am_audit_options opt = {.known_by = as_of};
    if (am_audit_run(store, &list, &opt, &a, err) < 0) {
        am_audit_release(&a);
        return -1;
    }
    src->audited = 1;
    src->verified = (int64_t)a.verified;
    for (int f = 0; f < AM__FLAG_COUNT; f++)
        src->flag_count[f] = (int64_t)a.flag_count[f];
    for (size_t i = 0; i < a.n_rows; i++)
        src->released += a.rows[i].released;
    am_audit_release(&a);
    return 0;
}

int am_reconcile_run(struct am_store *store, const char *as_of, struct am_reconcile *out,
                     struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    am_arena_init(&out->arena);
    if (as_of) {
        if (am_verify_date_check(as_of, "--as-of", err) < 0)
            return -1;
        snprintf(out->as_of, sizeof(out->as_of), "%s", as_of);
    } else {
        am_format_date(am_today(), out->as_of);
    }
    AM_VEC(struct am_reconcile_source) srcs = {0};
    struct am_stmt *st = am_stmt_prepare(store, sql_sources, err);
    struct am_stmt *cnt = am_stmt_prepare(store, sql_source_counts, err);
    int rc = -1, step;
    if (!st || !cnt || am_stmt_bind_text(st, 1, out->as_of, err) < 0)
        goto done;
    while ((step = am_stmt_step(st, err)) == 1) {
        if (am_stmt_is_null(st, 3))
            continue; /* no list yet as of that day */
        struct am_reconcile_source s = {
            .name = am_arena_strdup(&out->arena, am_stmt_text(st, 1)),
            .kind = am_arena_strdup(&out->arena, am_stmt_text(st, 2)),
            .snapshot_id = am_stmt_int64(st, 3),
        };
        AM_VEC_PUSH(&srcs, s);
    }
    if (step < 0)
        goto done;
    for (size_t i = 0; i < srcs.n; i++) {
        struct am_reconcile_source *s = &srcs.v[i];
        am_stmt_reset(cnt);
        if (am_stmt_bind_text(cnt, 1, out->as_of, err) < 0 ||
            am_stmt_bind_int64(cnt, 2, s->snapshot_id, err) < 0 || am_stmt_step(cnt, err) != 1)
            goto done;
        s->rows = am_stmt_int64(cnt, 0);
        s->persons = am_stmt_int64(cnt, 1);
        s->confirmed = am_stmt_int64(cnt, 2);
        s->as_of = am_arena_strdup(&out->arena, am_stmt_text(cnt, 3));
        if (strcmp(s->kind, "official") == 0 && audit_source(store, s, out->as_of, err) < 0)
            goto done;
    }
    am_stmt_finalize(cnt);
    cnt = am_stmt_prepare(store, sql_totals, err);
    if (!cnt || am_stmt_bind_text(cnt, 1, out->as_of, err) < 0 || am_stmt_step(cnt, err) != 1)
        goto done;
    out->persons_total = am_stmt_int64(cnt, 0);
    out->confirmed_total = am_stmt_int64(cnt, 1);
    out->n_sources = srcs.n;
    out->sources = am_arena_alloc(&out->arena, (srcs.n + 1) * sizeof(*out->sources));
    if (srcs.n)
        memcpy(out->sources, srcs.v, srcs.n * sizeof(*srcs.v));
    rc = 0;
done:
    if (rc < 0 && !am_err_is_set(err))
        AM_FAIL(err, AM_EDB, "reconcile: a count query returned no row; please report");
    AM_VEC_FREE(&srcs);
    am_stmt_finalize(st);
    am_stmt_finalize(cnt);
    return rc;
}

void am_reconcile_release(struct am_reconcile *rec)
{
    if (!rec)
        return;
    am_arena_release(&rec->arena);
    memset(rec, 0, sizeof(*rec));
}

/* "released_earlier" -> "released earlier" */
static void add_flag_words(struct am_buf *out, enum am_flag f)
{
    for (const char *p = am_flag_name(f); *p; p++)
        am_buf_addc(out, *p == '_' ? ' ' : *p);
}

void am_reconcile_sentence(const struct am_reconcile_source *src, struct am_buf *out)
{
    am_buf_addf(out, "%s: ", src->name);
    if (!src->audited) {
        am_buf_addf(out, "%lld rows; %lld persons; %lld confirmed by two independent sources",
                    (long long)src->rows, (long long)src->persons, (long long)src->confirmed);
        return;
    }
    if (src->released)
        am_buf_addf(out, "%lld released", (long long)src->released);
    else
        am_buf_addf(out, "%lld rows", (long long)src->rows);
    am_buf_addf(out, "; %lld verified", (long long)src->verified);
    for (int f = 0; f < AM__FLAG_COUNT; f++) {
        if (!src->flag_count[f])
            continue;
        am_buf_addf(out, "; %lld ", (long long)src->flag_count[f]);
        add_flag_words(out, (enum am_flag)f);
    }
}

void am_reconcile_write_json(const struct am_reconcile *rec, struct am_buf *out)
{
    am_buf_addf(out,
                "{\"as_of\": \"%s\", \"persons\": %lld, \"confirmed\": %lld,\n"
                " \"sources\": [",
                rec->as_of, (long long)rec->persons_total, (long long)rec->confirmed_total);
    for (size_t i = 0; i < rec->n_sources; i++) {
        const struct am_reconcile_source *s = &rec->sources[i];
        am_buf_adds(out, i ? ",\n  {\"source\": " : "\n  {\"source\": ");
        am_buf_add_json_string(out, s->name);
        am_buf_adds(out, ", \"kind\": ");
        am_buf_add_json_string(out, s->kind);
        am_buf_addf(out, ", \"snapshot\": %lld, \"as_of\": ", (long long)s->snapshot_id);
        am_buf_add_json_string(out, s->as_of ? s->as_of : "");
        am_buf_addf(out, ", \"rows\": %lld, \"persons\": %lld, \"confirmed\": %lld",
                    (long long)s->rows, (long long)s->persons, (long long)s->confirmed);
        if (s->audited) {
            am_buf_addf(out, ", \"audit\": {\"released\": %lld, \"verified\": %lld, \"flags\": {",
                        (long long)s->released, (long long)s->verified);
            for (int f = 0; f < AM__FLAG_COUNT; f++)
                am_buf_addf(out, "%s\"%s\": %lld", f ? ", " : "", am_flag_name((enum am_flag)f),
                            (long long)s->flag_count[f]);
            am_buf_adds(out, "}, \"summary\": ");
            struct am_buf sentence;
            am_buf_init(&sentence);
            am_reconcile_sentence(s, &sentence);
            am_buf_add_json_string(out, sentence.ptr);
            am_buf_release(&sentence);
            am_buf_adds(out, "}");
        } else {
            am_buf_adds(out, ", \"audit\": null");
        }
        am_buf_adds(out, "}");
    }
    am_buf_adds(out, "]}\n");
}

static void html_text(struct am_buf *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            am_buf_adds(out, "&amp;");
            break;
        case '<':
            am_buf_adds(out, "&lt;");
            break;
        case '>':
            am_buf_adds(out, "&gt;");
            break;
        case '"':
            am_buf_adds(out, "&quot;");
            break;
        case '\'':
            am_buf_adds(out, "&#39;");
            break;
        default:
            am_buf_addc(out, *s);
        }
    }
}

void am_reconcile_write_html(const struct am_reconcile *rec, struct am_buf *out)
{
    am_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>amnistia: the counts reconciled</title>\n<style>\n"
                     "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;"
                     "padding:0 1rem;color:#1b1b1b;background:#fff}\n"
                     "h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}\n"
                     "table{border-collapse:collapse;width:100%;margin:1rem 0}\n"
                     "th,td{border-bottom:1px solid #ccc;padding:.35rem .6rem;text-align:left}\n"
                     "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
                     "tr.official{background:#fff4e5}\n"
                     "p.sentence{font-size:1.05rem;background:#f3f6fa;padding:.6rem .8rem;"
                     "border-left:4px solid #3b6ea5}\n"
                     "footer{margin-top:2rem;font-size:.85rem;color:#555}\n"
                     "</style>\n</head>\n<body>\n<h1>The counts, side by side</h1>\n");
    am_buf_adds(out, "<p>As of <strong>");
    html_text(out, rec->as_of);
    am_buf_addf(out,
                "</strong>: %lld persons across the latest list of every source; %lld of "
                "them confirmed by at least two independent sources.</p>\n",
                (long long)rec->persons_total, (long long)rec->confirmed_total);
    am_buf_adds(out, "<table>\n<thead><tr><th>source</th><th>kind</th><th>list of</th>"
                     "<th class=\"n\">rows claimed</th><th class=\"n\">persons</th>"
                     "<th class=\"n\">confirmed by 2+ independent sources</th></tr></thead>\n"
                     "<tbody>\n");
    for (size_t i = 0; i < rec->n_sources; i++) {
        const struct am_reconcile_source *s = &rec->sources[i];
        am_buf_adds(out, s->audited ? "<tr class=\"official\"><td>" : "<tr><td>");
        html_text(out, s->name);
        am_buf_adds(out, "</td><td>");
        html_text(out, s->kind);
        am_buf_adds(out, "</td><td>");
        html_text(out, s->as_of);
        am_buf_addf(out,
                    "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
                    "<td class=\"n\">%lld</td></tr>\n",
                    (long long)s->rows, (long long)s->persons, (long long)s->confirmed);
    }
    am_buf_adds(out, "</tbody>\n</table>\n");
    for (size_t i = 0; i < rec->n_sources; i++) {
        const struct am_reconcile_source *s = &rec->sources[i];
        if (!s->audited)
            continue;
        am_buf_adds(out, "<h2>Audit of ");
        html_text(out, s->name);
        am_buf_adds(out, "</h2>\n<p class=\"sentence\">");
        struct am_buf sentence;
        am_buf_init(&sentence);
        am_reconcile_sentence(s, &sentence);
        html_text(out, sentence.ptr);
        am_buf_release(&sentence);
        am_buf_adds(out, "</p>\n<table>\n<thead><tr><th>verdict or flag</th>"
                         "<th class=\"n\">rows</th></tr></thead>\n<tbody>\n");
        am_buf_addf(out, "<tr><td>verified</td><td class=\"n\">%lld</td></tr>\n",
                    (long long)s->verified);
        for (int f = 0; f < AM__FLAG_COUNT; f++)
            am_buf_addf(out, "<tr><td>%s</td><td class=\"n\">%lld</td></tr>\n",
                        am_flag_name((enum am_flag)f), (long long)s->flag_count[f]);
        am_buf_adds(out, "</tbody>\n</table>\n");
    }
    am_buf_adds(out, "<footer>A row may carry several flags. Flags and their evidence: "
                     "docs/verification.md. Made by amnistia reconcile.</footer>\n"
                     "</body>\n</html>\n");
}
