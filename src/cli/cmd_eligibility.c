/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia eligibility --law FILE: each person's verdict under one law, with the
 * reasons, and a summary by outcome, deciding rule, status, category, facility and state.
 */
#include "commands.h"
#include "law_cli.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia eligibility --law FILE [--as-of DATE] [--status S] [--save] [--summary]\n"
    "                            [--json|--csv]\n"
    "\n"
    "Gives each person covered, excluded or needs_review under the law, with the rule,\n"
    "article and fact that decided (and the record and source of the fact). --as-of\n"
    "evaluates the registry as it stood on that day (default today); --status keeps only\n"
    "people with that status. --json prints an array with one object per person\n"
    "{person_id, name, status, outcome, rule, article, reasons[]}. The terminal output ends\n"
    "with a summary by outcome, reason, status, category, facility and state; --summary\n"
    "prints only that summary (with --json: an array of {dimension, value, covered,\n"
    "excluded, needs_review, total}). --save also records the law's text and these\n"
    "verdicts in the registry (tables law, verdict).\n";

static void print_persons_json(struct am_cli *cli, const struct am_law *law,
                               const struct am_law_population *pop, int status)
{
    struct am_buf b;
    am_buf_init(&b);
    int first = 1;
    fputs("[", cli->out);
    for (size_t i = 0; i < pop->n; i++) {
        const struct am_law_person *p = &pop->v[i];
        if (status >= 0 && p->facts.status != status)
            continue;
        struct am_law_verdict v;
        am_law_eval(law, &p->facts, &v);
        am_buf_reset(&b);
        am_buf_addf(&b, "%s\n {\"person_id\": %lld, \"name\": ", first ? "" : ",",
                    (long long)p->id);
        am_buf_add_json_string(&b, p->name);
        am_buf_adds(&b, ", \"status\": ");
        am_buf_add_json_string(&b, am_status_name(p->facts.status));
        am_buf_addf(&b, ", \"outcome\": \"%s\", \"rule\": ", am_outcome_name(v.outcome));
        am_buf_add_json_string(&b, am_law_rule_id(law, v.decider));
        am_buf_adds(&b, ", \"article\": ");
        am_buf_add_json_string(&b, am_law_rule_cites(law, v.decider));
        am_buf_adds(&b, ", \"reasons\": ");
        am_law_verdict_json(law, &p->facts, &v, &b);
        am_buf_addc(&b, '}');
        fwrite(b.ptr, 1, b.len, cli->out);
        first = 0;
    }
    fputs(first ? "]\n" : "\n]\n", cli->out);
    am_buf_release(&b);
}

/* The summary as a table, CSV, or a JSON array. */
static void print_summary(struct am_cli *cli, const struct am_law_summary *sum,
                          enum am_out_format fmt)
{
    static const char *const scols[] = {"dimension", "value", "covered",
                                        "excluded", "needs_review", "total"};
    struct am_table s;
    am_table_init(&s, scols, 6);
    for (size_t c = 2; c < 6; c++)
        am_table_set_numeric(&s, c);
    size_t n;
    struct am_law_summary_row *rows = am_law_summary_rows(sum, &n);
    for (size_t i = 0; i < n; i++) {
        char a[24], b[24], c[24], d[24];
        snprintf(a, sizeof(a), "%lld", (long long)rows[i].n[0]);
        snprintf(b, sizeof(b), "%lld", (long long)rows[i].n[1]);
        snprintf(c, sizeof(c), "%lld", (long long)rows[i].n[2]);
        snprintf(d, sizeof(d), "%lld", (long long)rows[i].total);
        const char *cells[] = {rows[i].dimension, rows[i].value, a, b, c, d};
        am_table_add_row(&s, cells);
    }
    am_free(rows);
    am_table_print(&s, fmt, cli->out);
    am_table_release(&s);
}

int am_cmd_eligibility(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    const char *law_path = NULL;
    int32_t as_of = am_today();
    int status = -1, save = 0, summary_only = 0;
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &fmt))
            continue;
        if (strcmp(argv[i], "--save") == 0)
            save = 1;
        else if (strcmp(argv[i], "--summary") == 0)
            summary_only = 1;
        else if (strcmp(argv[i], "--law") == 0 && i + 1 < argc)
            law_path = argv[++i];
        else if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
            if (am_cli_as_of(argv[++i], usage, &as_of, err) != 0)
                return -1;
        } else if (strcmp(argv[i], "--status") == 0 && i + 1 < argc) {
            if (am_cli_status(argv[++i], usage, &status, err) != 0)
                return -1;
        } else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    if (!law_path)
        return am_cli_usage_error(err, usage, "--law FILE is required");
    struct am_law *law = am_cli_law_load(law_path, err);
    if (!law)
        return -1;
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store) {
        am_law_free(law);
        return -1;
    }
    struct am_law_population pop;
    int rc = am_law_population_load(store, as_of, &pop, err);
    int64_t saved = 0;
    if (rc == 0 && save && am_law_verdicts_save(store, law, &pop, as_of, status, &saved, err) != 0) {
        am_law_population_release(&pop);
        rc = -1;
    }
    am_store_close(store);
    if (rc != 0) {
        am_law_free(law);
        return -1;
    }
    if (save)
        fprintf(stderr, "amnistia: saved %lld verdicts under %s\n", (long long)saved,
                am_law_id(law));
    struct am_law_summary sum;
    am_law_summary_init(&sum);
    static const char *const cols[] = {"person_id", "name", "status", "outcome",
                                       "rule", "article", "fact", "reason"};
    struct am_table t;
    am_table_init(&t, cols, 8);
    am_table_set_numeric(&t, 0);
    struct am_buf reason;
    am_buf_init(&reason);
    for (size_t i = 0; i < pop.n; i++) {
        const struct am_law_person *p = &pop.v[i];
        if (status >= 0 && p->facts.status != status)
            continue;
        struct am_law_verdict v;
        am_law_eval(law, &p->facts, &v);
        am_law_summary_add(&sum, law, p, &v);
        if (fmt == AM_OUT_JSON)
            continue;
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)p->id);
        am_buf_reset(&reason);
        if (fmt == AM_OUT_CSV)
            am_cli_all_reasons(law, p, &v, &reason);
        else
            am_cli_first_reason(law, p, &v, &reason);
        int pick = am_cli_pick_reason(&v);
        const char *fact = v.n && v.reasons[pick].atom != 0xFFFF
                               ? am_law_fact_name(v.reasons[pick].fact)
                               : NULL;
        const char *cells[] = {id,
                               p->name,
                               am_status_name(p->facts.status),
                               am_outcome_name(v.outcome),
                               am_law_rule_id(law, v.decider),
                               am_law_rule_cites(law, v.decider),
                               fact,
                               reason.ptr};
        am_table_add_row(&t, cells);
    }
    if (summary_only) {
        print_summary(cli, &sum, fmt);
    } else if (fmt == AM_OUT_JSON) {
        print_persons_json(cli, law, &pop, status);
    } else {
        am_table_print(&t, fmt, cli->out);
        if (fmt == AM_OUT_TABLE) {
            char d[11];
            am_format_date(as_of, d);
            fprintf(cli->out, "\nSummary: %s v%d (%s), as of %s\n", am_law_id(law),
                    am_law_version(law), am_law_state_name(am_law_state(law)), d);
            print_summary(cli, &sum, AM_OUT_TABLE);
        }
    }
    am_buf_release(&reason);
    am_table_release(&t);
    am_law_summary_release(&sum);
    am_law_population_release(&pop);
    am_law_free(law);
    return 0;
}
