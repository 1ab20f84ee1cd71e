/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia diff-laws A B: how two laws or drafts differ on the registry's people — the
 * cross-tabulation of outcomes and the people whose outcome differs, grouped by the
 * pair of rules that decided under each.
 */
#include "commands.h"
#include "law_cli.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia diff-laws A.law B.law [--as-of DATE] [--status S] [--json|--csv]\n"
    "\n"
    "Cross-tabulates the outcomes under A (rows) and B (columns), then lists the people\n"
    "whose outcome differs, grouped by the rule that decided under A and under B, with\n"
    "counts. --csv and --json print the groups.\n";

static const char *const outcomes[] = {"covered", "excluded", "needs_review"};

int am_cmd_diff_laws(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    const char *paths[2] = {NULL, NULL};
    int npaths = 0, status = -1;
    int32_t as_of = am_today();
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &fmt))
            continue;
        if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
            if (am_cli_as_of(argv[++i], usage, &as_of, err) != 0)
                return -1;
        } else if (strcmp(argv[i], "--status") == 0 && i + 1 < argc) {
            if (am_cli_status(argv[++i], usage, &status, err) != 0)
                return -1;
        } else if (argv[i][0] != '-' && npaths < 2) {
            paths[npaths++] = argv[i];
        } else {
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
        }
    }
    if (npaths != 2)
        return am_cli_usage_error(err, usage, "name two rule files");
    struct am_law *a = am_cli_law_load(paths[0], err);
    struct am_law *b = a ? am_cli_law_load(paths[1], err) : NULL;
    struct am_store *store = b ? am_cli_open_store(cli, err) : NULL;
    struct am_law_population pop;
    int rc = store ? am_law_population_load(store, as_of, &pop, err) : -1;
    am_store_close(store);
    if (rc != 0) {
        am_law_free(a);
        am_law_free(b);
        return -1;
    }
    struct am_law_diff diff;
    am_law_diff_run(a, b, &pop, status, &diff);

    static const char *const cols[] = {"people", "outcome_a", "rule_a", "article_a",
                                       "outcome_b", "rule_b", "article_b", "difference",
                                       "example_person"};
    struct am_table t;
    am_table_init(&t, cols, 9);
    am_table_set_numeric(&t, 0);
    am_table_set_numeric(&t, 8);
    for (size_t i = 0; i < diff.n_groups; i++) {
        const struct am_law_diff_group *g = &diff.groups[i];
        char n[24], ex[24], what[768];
        snprintf(n, sizeof(n), "%lld", (long long)g->count);
        snprintf(ex, sizeof(ex), "%lld", (long long)g->example_person);
        snprintf(what, sizeof(what), "%s: %s by A art. %s, %s by B art. %s",
                 am_law_rule_note(g->outcome_a != AM_OUTCOME_COVERED ? a : b,
                                  g->outcome_a != AM_OUTCOME_COVERED ? g->rule_a : g->rule_b),
                 outcomes[g->outcome_a], am_law_rule_cites(a, g->rule_a), outcomes[g->outcome_b],
                 am_law_rule_cites(b, g->rule_b));
        const char *cells[] = {n,
                               outcomes[g->outcome_a],
                               am_law_rule_id(a, g->rule_a),
                               am_law_rule_cites(a, g->rule_a),
                               outcomes[g->outcome_b],
                               am_law_rule_id(b, g->rule_b),
                               am_law_rule_cites(b, g->rule_b),
                               what,
                               ex};
        am_table_add_row(&t, cells);
    }
    if (fmt == AM_OUT_TABLE) {
        fprintf(cli->out, "A = %s v%d (%s)\nB = %s v%d (%s)\n\n", am_law_id(a), am_law_version(a),
                am_law_state_name(am_law_state(a)), am_law_id(b), am_law_version(b),
                am_law_state_name(am_law_state(b)));
        fprintf(cli->out, "%-14s %12s %12s %12s %8s\n", "A \\ B", outcomes[0], outcomes[1],
                outcomes[2], "total");
        int64_t col[3] = {0, 0, 0}, all = 0;
        for (int r = 0; r < 3; r++) {
            int64_t row = 0;
            for (int c = 0; c < 3; c++) {
                row += diff.crosstab[r][c];
                col[c] += diff.crosstab[r][c];
            }
            all += row;
            fprintf(cli->out, "%-14s %12lld %12lld %12lld %8lld\n", outcomes[r],
                    (long long)diff.crosstab[r][0], (long long)diff.crosstab[r][1],
                    (long long)diff.crosstab[r][2], (long long)row);
        }
        fprintf(cli->out, "%-14s %12lld %12lld %12lld %8lld\n\n", "total", (long long)col[0],
                (long long)col[1], (long long)col[2], (long long)all);
        fprintf(cli->out, "People whose outcome differs, by the rules that decide:\n");
        for (size_t i = 0; i < diff.n_groups; i++) {
            const struct am_law_diff_group *g = &diff.groups[i];
            const struct am_law *why_law = g->outcome_a != AM_OUTCOME_COVERED ? a : b;
            size_t why_rule = g->outcome_a != AM_OUTCOME_COVERED ? g->rule_a : g->rule_b;
            fprintf(cli->out, "  %lld %s (%s): %s by A art. %s (%s), %s by B art. %s (%s)\n",
                    (long long)g->count, g->count == 1 ? "person" : "people",
                    am_law_rule_note(why_law, why_rule), outcomes[g->outcome_a],
                    am_law_rule_cites(a, g->rule_a), am_law_rule_id(a, g->rule_a),
                    outcomes[g->outcome_b], am_law_rule_cites(b, g->rule_b),
                    am_law_rule_id(b, g->rule_b));
        }
        if (diff.n_groups == 0)
            fprintf(cli->out, "  none\n");
    } else if (fmt == AM_OUT_JSON) {
        struct am_buf j;
        am_buf_init(&j);
        am_buf_adds(&j, "{\"a\": ");
        am_buf_add_json_string(&j, am_law_id(a));
        am_buf_adds(&j, ", \"b\": ");
        am_buf_add_json_string(&j, am_law_id(b));
        am_buf_adds(&j, ", \"crosstab\": {");
        for (int r = 0; r < 3; r++) {
            am_buf_addf(&j, "%s\"%s\": {", r ? ", " : "", outcomes[r]);
            for (int c = 0; c < 3; c++)
                am_buf_addf(&j, "%s\"%s\": %lld", c ? ", " : "", outcomes[c],
                            (long long)diff.crosstab[r][c]);
            am_buf_addc(&j, '}');
        }
        am_buf_adds(&j, "}, \"groups\": ");
        fwrite(j.ptr, 1, j.len, cli->out);
        am_table_print(&t, AM_OUT_JSON, cli->out);
        fputs("}\n", cli->out);
        am_buf_release(&j);
    } else {
        am_table_print(&t, fmt, cli->out);
    }
    am_table_release(&t);
    am_law_diff_release(&diff);
    am_law_population_release(&pop);
    am_law_free(a);
    am_law_free(b);
    return 0;
}
